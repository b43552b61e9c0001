package govpaytest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestLifecycle(t *testing.T) {
	s := NewServer()
	assert.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"), s.URL)
	assert.Equal(t, s.URL+"/govpay/backend/api/pendenze/rs/basic/v2", s.PendenzeURL())
	assert.Equal(t, s.URL+"/govpay/frontend/api/pagamento/rs/basic/v2", s.PagamentoURL())
	assert.Equal(t, s.URL+"/govpay/backend/api/ragioneria/rs/basic/v3", s.RagioneriaURL())
	assert.Equal(t, s.URL+"/checkout/ec/v1", s.CheckoutURL())
	assert.Equal(t, s.URL+"/checkout/ec/v2", s.CheckoutV2URL())
	assert.Error(t, s.Start("127.0.0.1:0"), "already started")
	s.Close()
	s.Close() // idempotent
	_, err := http.Get(s.PendenzeURL() + "/pendenze")
	assert.Error(t, err, "closed")

	addr := freeAddr(t)
	fixed := NewUnstartedServer()
	require.NoError(t, fixed.Start(addr))
	defer fixed.Close()
	assert.Equal(t, "http://"+addr, fixed.URL)
	assert.Equal(t, http.StatusOK, do(t, "GET", fixed.PendenzeURL()+"/pendenze", nil).status)

	busy := NewUnstartedServer()
	assert.Error(t, busy.Start(addr), "address in use: an error, not a panic")
	busy.Close()

	addr2 := freeAddr(t)
	withAddr := NewServer(WithAddr(addr2))
	defer withAddr.Close()
	assert.Equal(t, "http://"+addr2, withAddr.URL)
	assert.Panics(t, func() { NewServer(WithAddr(addr2)) }, "like httptest.NewServer")
}

func TestHandlerAndPublicURL(t *testing.T) {
	s := NewUnstartedServer(WithPublicURL("https://govpay.example.it/"))
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.Close()
	assert.Equal(t, "https://govpay.example.it", s.URL)
	base := ts.URL + PendenzeBasePath
	r := do(t, "PUT", base+"/pendenze/A2A-1/P1", pendenzaBody(testDominio, []int64{100}, nil))
	require.Equal(t, http.StatusCreated, r.status)
	r = do(t, "POST", ts.URL+PagamentoBasePath+"/pagamenti", map[string]any{"pendenze": []any{map[string]string{"idA2A": "A2A-1", "idPendenza": "P1"}}})
	require.Equal(t, http.StatusCreated, r.status)
	assert.True(t, strings.HasPrefix(r.json(t)["redirect"].(string), "https://govpay.example.it/wisp/"), "redirects use the public URL")
}

func TestRoutingAndRecording(t *testing.T) {
	s := NewServer(WithBasicAuth("A2A-1", "s3cret"), WithSubscriptionKey("sub-key"))
	defer s.Close()
	auth := []string{"Authorization", "Basic QTJBLTE6czNjcmV0"} // A2A-1:s3cret
	for _, seg := range []string{"basic", "ssl", "header"} {
		r := do(t, "PUT", s.URL+"/govpay/backend/api/pendenze/rs/"+seg+"/v2/pendenze/A2A-1/P-"+seg, pendenzaBody(testDominio, []int64{100}, nil), auth...)
		assert.Equal(t, http.StatusCreated, r.status, "auth segment %s: %s", seg, r.body)
	}
	assert.Equal(t, http.StatusOK, do(t, "GET", s.URL+"/govpay/frontend/api/pagamento/rs/public/v2/pagamenti", nil).status, "public needs no credentials")
	assert.Equal(t, http.StatusNotFound, do(t, "GET", s.URL+"/govpay/backend/api/pendenze/rs/public/v2/pendenze", nil).status, "API Pendenze has no public segment")
	assert.Equal(t, http.StatusUnauthorized, do(t, "GET", s.PendenzeURL()+"/pendenze", nil, "Authorization", "Basic QTJBLTE6d3Jvbmc=").status)
	assert.Equal(t, http.StatusNotFound, do(t, "GET", s.URL+"/govpay/backend/api/pendenze/rs/nope/v2/pendenze", nil).status)

	r := do(t, "GET", s.URL+"/qualcosa", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "404000", r.json(t)["codice"])
	assert.NotEmpty(t, r.header.Get(HeaderIDTransazione))
	r = do(t, "DELETE", s.PendenzeURL()+"/pendenze/A2A-1/P-basic", nil, auth...)
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
	assert.Contains(t, r.header.Get("Allow"), "PUT")

	r = do(t, "POST", s.CheckoutURL()+"/carts", map[string]any{}, "Ocp-Apim-Subscription-Key", "sub-key")
	assert.Equal(t, http.StatusBadRequest, r.status)

	reqs := s.Requests()
	require.NotEmpty(t, reqs)
	first := reqs[0]
	assert.Equal(t, OpPutPendenza, first.Operation)
	assert.Equal(t, "PUT", first.Method)
	assert.Equal(t, []string{"[REDACTED]"}, first.Header["Authorization"], "credentials never recorded")
	assert.Contains(t, string(first.Body), `"idDominio"`)
	assert.Equal(t, http.StatusCreated, first.Status)
	assert.Contains(t, string(first.ResponseBody), "numeroAvviso")
	assert.NotEmpty(t, first.IDTransazione)
	last := reqs[len(reqs)-1]
	assert.Equal(t, OpPostCarts, last.Operation)
	assert.Equal(t, []string{"[REDACTED]"}, last.Header["Ocp-Apim-Subscription-Key"])
	assert.Empty(t, last.IDTransazione, "Checkout is not GovPay")
	ids := map[string]bool{}
	for _, q := range reqs {
		if q.IDTransazione != "" {
			assert.False(t, ids[q.IDTransazione], "transaction ids are unique")
			ids[q.IDTransazione] = true
		}
	}
	assert.Equal(t, 3, s.Count(OpPutPendenza))
	assert.Equal(t, 3, s.Counts()[OpPutPendenza])
	s.ResetRequests()
	assert.Empty(t, s.Requests())
	assert.Zero(t, s.Count(OpPutPendenza))
}

func TestContentTypeAndSecrets(t *testing.T) {
	s := NewServer(WithBasicAuth("A2A-1", "s3cret"))
	defer s.Close()
	auth := []string{"Authorization", "Basic QTJBLTE6czNjcmV0"}
	url := s.PendenzeURL() + "/pendenze/A2A-1/P1"
	r := do(t, "PUT", url, pendenzaBody(testDominio, []int64{100}, nil), append(auth, "Content-Type", "text/plain")...)
	assert.Equal(t, http.StatusUnsupportedMediaType, r.status)
	putOK := do(t, "PUT", url, pendenzaBody(testDominio, []int64{100}, nil), auth...)
	require.Equal(t, http.StatusCreated, putOK.status)
	r = do(t, "PATCH", url, []map[string]any{{"op": "REPLACE", "path": "/ack", "value": true}}, append(auth, "Content-Type", "application/json-patch+json")...)
	assert.Equal(t, http.StatusUnsupportedMediaType, r.status, "GovPay's PATCH consumes application/json (upstream README)")
	r = do(t, "PATCH", url, []map[string]any{{"op": "REPLACE", "path": "/ack", "value": true}}, append(auth, "Content-Type", "application/json; charset=utf-8")...)
	assert.Equal(t, http.StatusOK, r.status)

	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", s, s, s), "s3cret")
	cfg := NotificationConfig{URL: "http://ente.example", Username: "u", Password: "ente-secret"}
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), "ente-secret")
}

func TestAddPendenza(t *testing.T) {
	s := NewServer()
	defer s.Close()
	nav, err := s.AddPendenza("A2A-1", "P1", pendenzaBody(testDominio, []int64{100}, nil))
	require.NoError(t, err)
	assert.Regexp(t, `^301\d{15}$`, nav)
	nav2, err := s.AddPendenza("A2A-1", "P2", `{"idTipoPendenza":"X","idDominio":"01234567890","causale":"c",
		"soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA80A01H501U"},"importo":1,"numeroAvviso":"301000000000012345",
		"voci":[{"idVocePendenza":"1","importo":1,"descrizione":"d","codEntrata":"X"}]}`)
	require.NoError(t, err)
	assert.Equal(t, "301000000000012345", nav2)
	_, err = s.AddPendenza("A2A-1", "P3", []byte(`{"idTipoPendenza":"X"}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SINTASSI")
	_, err = s.AddPendenza("A2A-1", "P4", pendenzaBody(testDominio, []int64{100}, map[string]any{"importo": 2}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "VER_002")
	_, err = s.AddPendenza("A2A-1", "P5", func() {})
	assert.Error(t, err, "not marshalable")
	assert.Len(t, s.Pendenze(), 2)
	r := do(t, "GET", s.PendenzeURL()+"/pendenze/A2A-1/P1", nil)
	assert.Equal(t, http.StatusOK, r.status, "seeded pendenze are served")
}
