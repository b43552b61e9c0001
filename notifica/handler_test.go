package notifica_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

type fault struct {
	Categoria   string `json:"categoria"`
	Codice      string `json:"codice"`
	Descrizione string `json:"descrizione"`
	Dettaglio   string `json:"dettaglio"`
}

func decodeFault(t *testing.T, rec *httptest.ResponseRecorder) fault {
	t.Helper()
	var f fault
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"), "error answers are FaultBean JSON")
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &f), "body %q", rec.Body)
	require.NotEmpty(t, f.Categoria)
	require.NotEmpty(t, f.Codice)
	return f
}

// TestStatuses covers every answer the handler gives.
func TestStatuses(t *testing.T) {
	big := `{"pad":"` + strings.Repeat("x", 300) + `"}`
	tests := []struct {
		name        string
		method      string
		target      string
		ct          string // "-" for none
		body        string
		opts        []notifica.Option
		noAuth      bool
		want        int
		wantCodice  string
		wantAllow   string
		wantKind    string // att, pag, ric: the receiver method called
		wantDettagl string // substring of dettaglio
	}{
		{name: "v2 receipt", method: "PUT", target: pathRicevuta, body: bodyRicevuta, want: 201, wantKind: "ric"},
		{name: "v1 activation", method: "POST", target: pathPagamento + "?idSession=S1", body: bodyAttivazione, want: 201, wantKind: "att"},
		{name: "v1 receipt", method: "POST", target: pathPagamento, body: bodyPagamento, want: 201, wantKind: "pag"},
		{name: "charset utf-8", method: "PUT", target: pathRicevuta, ct: "application/json; charset=UTF-8", body: bodyRicevuta, want: 201, wantKind: "ric"},
		{name: "+json type", method: "PUT", target: pathRicevuta, ct: "application/vnd.govpay+json", body: bodyRicevuta, want: 201, wantKind: "ric"},
		{name: "wrong method v2", method: "POST", target: pathRicevuta, body: bodyRicevuta, want: 405, wantCodice: "405000", wantAllow: "PUT"},
		{name: "wrong method v1", method: "PUT", target: pathPagamento, body: bodyPagamento, want: 405, wantAllow: "POST"},
		{name: "GET notification", method: "GET", target: pathPagamento, want: 405, wantAllow: "POST"},
		{name: "wrong method pendenze", method: "DELETE", target: "/pendenze/A2A/P1", want: 405, wantAllow: "GET, POST"},
		{name: "wrong method avvisi", method: "POST", target: "/avvisi/01234567890/001000000000012345", body: "{}", want: 405, wantAllow: "GET"},
		{name: "no content type", method: "PUT", target: pathRicevuta, ct: "-", body: bodyRicevuta, want: 415, wantCodice: "415000"},
		{name: "text/plain", method: "PUT", target: pathRicevuta, ct: "text/plain", body: bodyRicevuta, want: 415},
		{name: "latin1 charset", method: "PUT", target: pathRicevuta, ct: "application/json; charset=ISO-8859-1", body: bodyRicevuta, want: 415},
		{name: "malformed content type", method: "PUT", target: pathRicevuta, ct: "application/json; =", body: bodyRicevuta, want: 415},
		{name: "malformed JSON", method: "PUT", target: pathRicevuta, body: `{"iuv":`, want: 400, wantCodice: "SINTASSI"},
		{name: "JSON null", method: "PUT", target: pathRicevuta, body: `null`, want: 400, wantDettagl: "JSON object"},
		{name: "JSON array", method: "POST", target: pathPagamento, body: `[]`, want: 400},
		{name: "empty body", method: "POST", target: pathPagamento, body: ``, want: 400},
		{name: "trailing garbage", method: "PUT", target: pathRicevuta, body: bodyRicevuta + "x", want: 400},
		{name: "three decimals", method: "PUT", target: pathRicevuta, body: strings.Replace(bodyRicevuta, `"importo":100.99,"esito"`, `"importo":100.999,"esito"`, 1), want: 400, wantDettagl: "importo"},
		{name: "negative amount v1", method: "POST", target: pathPagamento, body: strings.Replace(bodyPagamento, `"importo":100.99`, `"importo":-1`, 1), want: 400},
		{name: "amount as string", method: "PUT", target: pathRicevuta, body: strings.Replace(bodyRicevuta, `"importo":100.99,"esito"`, `"importo":"100.99","esito"`, 1), want: 201, wantKind: "ric"},
		{name: "wrong type", method: "PUT", target: pathRicevuta, body: strings.Replace(bodyRicevuta, `"iuv":"01000000000012345"`, `"iuv":12`, 1), want: 400},
		{name: "bad date", method: "PUT", target: pathRicevuta, body: strings.Replace(bodyRicevuta, `"data":"2024-05-17T09:30:00"`, `"data":"17/05/2024"`, 1), want: 400},
		{name: "idDominio 10 digits", method: "PUT", target: "/ricevute/0123456789/01000000000012345/rcpt-1", body: bodyRicevuta, want: 400, wantDettagl: "idDominio"},
		{name: "idDominio letters", method: "POST", target: "/pagamenti/0123456789X/01000000000012345", body: bodyPagamento, want: 400},
		{name: "iuv too long", method: "POST", target: "/pagamenti/01234567890/" + strings.Repeat("1", 36), body: bodyPagamento, want: 400, wantDettagl: "iuv"},
		{name: "iuv bad chars", method: "POST", target: "/pagamenti/01234567890/01%20000", body: bodyPagamento, want: 400},
		{name: "body dominio differs", method: "PUT", target: "/ricevute/01234567891/01000000000012345/rcpt-1", body: bodyRicevuta, want: 400, wantDettagl: "idDominio"},
		{name: "body iuv differs", method: "PUT", target: "/ricevute/01234567890/01000000000099999/rcpt-1", body: bodyRicevuta, want: 400, wantDettagl: "iuv"},
		{name: "no idRicevuta", method: "PUT", target: "/ricevute/01234567890/01000000000012345", body: bodyRicevuta, want: 400},
		{name: "empty idRicevuta", method: "PUT", target: "/ricevute/01234567890/01000000000012345/", body: bodyRicevuta, want: 400},
		{name: "unknown route", method: "POST", target: "/rendicontazioni", body: "{}", want: 404, wantCodice: "404000"},
		{name: "non-canonical path", method: "PUT", target: "/ricevute/01234567890/01000000000012345/a/../b", body: bodyRicevuta, want: 400},
		{name: "double slash", method: "PUT", target: "/ricevute//01234567890/01000000000012345/rcpt-1", body: bodyRicevuta, want: 400},
		{name: "too large", method: "PUT", target: pathRicevuta, body: big, opts: []notifica.Option{notifica.WithMaxBodyBytes(100)}, want: 413, wantCodice: "413000"},
		{name: "unauthenticated", method: "PUT", target: pathRicevuta, body: bodyRicevuta, noAuth: true, want: 401, wantCodice: "401000"},
		{name: "unauthenticated unknown route", method: "GET", target: "/nowhere", noAuth: true, want: 401},
		{name: "verification not implemented", method: "GET", target: "/pendenze/A2A/P1", want: 501, wantCodice: "501000"},
		{name: "spontaneous not implemented", method: "POST", target: "/pendenze/01234567890/LIBERO", body: "{}", want: 501},
		{name: "avviso not implemented", method: "GET", target: "/avvisi/01234567890/001000000000012345", want: 501},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			h := newHandler(t, rec, tt.opts...)
			var body io.Reader
			if tt.body != "" || tt.method == "PUT" || tt.method == "POST" {
				body = strings.NewReader(tt.body)
			}
			req := httptest.NewRequest(tt.method, tt.target, body)
			switch tt.ct {
			case "":
				if body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
			case "-":
			default:
				req.Header.Set("Content-Type", tt.ct)
			}
			if !tt.noAuth {
				req.SetBasicAuth(testUser, testPass)
			}
			res := httptest.NewRecorder()
			h.ServeHTTP(res, req)
			require.Equal(t, tt.want, res.Code, "body: %s", res.Body)
			if tt.want >= 400 {
				f := decodeFault(t, res)
				if tt.wantCodice != "" {
					assert.Equal(t, tt.wantCodice, f.Codice)
				}
				if tt.wantDettagl != "" {
					assert.Contains(t, f.Dettaglio, tt.wantDettagl)
				}
				assert.Zero(t, rec.calls.Load(), "the receiver must not be called")
			}
			if tt.wantAllow != "" {
				assert.Equal(t, tt.wantAllow, res.Header().Get("Allow"))
			}
			got := map[string]int{"att": len(rec.att), "pag": len(rec.pag), "ric": len(rec.ric)}
			for k, n := range got {
				want := 0
				if k == tt.wantKind {
					want = 1
				}
				assert.Equal(t, want, n, "calls to %s", k)
			}
		})
	}
}

func TestUnauthorizedLeaksNothing(t *testing.T) {
	h := newHandler(t, &recorder{})
	var bodies []string
	for _, set := range []func(*http.Request){
		func(*http.Request) {},
		func(r *http.Request) { r.SetBasicAuth(testUser, "wrong") },
		func(r *http.Request) { r.SetBasicAuth("nobody", testPass) },
		func(r *http.Request) { r.Header.Set("Authorization", "Basic !!!") },
	} {
		req := httptest.NewRequest("PUT", pathRicevuta, strings.NewReader(bodyRicevuta))
		req.Header.Set("Content-Type", "application/json")
		set(req)
		res := httptest.NewRecorder()
		h.ServeHTTP(res, req)
		require.Equal(t, 401, res.Code)
		assert.Contains(t, res.Header().Get("WWW-Authenticate"), "Basic")
		bodies = append(bodies, res.Body.String())
	}
	for _, b := range bodies[1:] {
		assert.Equal(t, bodies[0], b, "every authentication failure answers the same body")
	}
	assert.NotContains(t, bodies[0], testPass)
	assert.NotContains(t, bodies[0], "wrong")
}

func TestReceiverErrorAndPanic(t *testing.T) {
	logs := &logBuffer{}
	secret := errors.New("db password=hunter2 refused")
	rec := &recorder{fail: func(int64) error { return secret }}
	h := newHandler(t, rec, notifica.WithLogger(newLogger(logs)))
	res := do(h, "PUT", pathRicevuta, []byte(bodyRicevuta))
	require.Equal(t, 500, res.Code)
	f := decodeFault(t, res)
	assert.Equal(t, "INTERNO", f.Categoria)
	assert.NotContains(t, res.Body.String(), "hunter2", "receiver errors are logged, not sent")
	assert.Contains(t, logs.String(), "receiver failed")

	rec = &recorder{panicWith: "boom"}
	h = newHandler(t, rec, notifica.WithLogger(newLogger(logs)))
	res = do(h, "POST", pathPagamento, []byte(bodyPagamento))
	require.Equal(t, 500, res.Code)
	decodeFault(t, res)
	assert.Contains(t, logs.String(), "panic in the receiver")
	assert.Contains(t, logs.String(), "boom")
	assert.Contains(t, logs.String(), "goroutine", "the stack is logged")
}

func TestIDRicevutaWithSlash(t *testing.T) {
	body := strings.Replace(bodyRicevuta, `"idRicevuta":"rcpt-1"`, `"idRicevuta":"n/a"`, 1)
	noID := strings.Replace(bodyRicevuta, `"idRicevuta":"rcpt-1",`, ``, 1)
	tests := []struct {
		name, target, body, want string
	}{
		{"raw slash, id in body", "/ricevute/01234567890/01000000000012345/n/a", body, "n/a"},
		{"escaped slash, id in body", "/ricevute/01234567890/01000000000012345/n%2Fa", body, "n/a"},
		{"raw slash, id only in path", "/ricevute/01234567890/01000000000012345/n/a", noID, "n/a"},
		{"escaped space", "/ricevute/01234567890/01000000000012345/a%20b", noID, "a b"},
		{"plus for space: body wins", "/ricevute/01234567890/01000000000012345/a+b", strings.Replace(bodyRicevuta, `"rcpt-1"`, `"a b"`, 1), "a b"},
		{"deep id", "/ricevute/01234567890/01000000000012345/x/y/z", noID, "x/y/z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			h := newHandler(t, rec)
			res := do(h, "PUT", tt.target, []byte(tt.body))
			require.Equal(t, 201, res.Code, res.Body.String())
			require.Len(t, rec.ric, 1)
			assert.Equal(t, tt.want, rec.ric[0].IDRicevuta)
			assert.Equal(t, "ricevuta/01234567890/01000000000012345/"+strings.ReplaceAll(strings.ReplaceAll(tt.want, "/", "%2F"), " ", "%20"), rec.ric[0].Key())
		})
	}
}

// TestMounting mounts the handler in the ways an application would.
func TestMounting(t *testing.T) {
	tests := []struct {
		name   string
		mount  func(h http.Handler) http.Handler
		target string
	}{
		{"root", func(h http.Handler) http.Handler { return h }, pathRicevuta},
		{"StripPrefix", func(h http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("/govpay/ente/", http.StripPrefix("/govpay/ente", h))
			return mux
		}, "/govpay/ente" + pathRicevuta},
		{"mux prefix", func(h http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("/govpay/ente/", h)
			return mux
		}, "/govpay/ente" + pathRicevuta},
		{"mux pattern with wildcard", func(h http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("PUT /enti/{ente}/notifiche/{rest...}", h)
			return mux
		}, "/enti/comune/notifiche" + pathRicevuta},
		{"prefix named like a route", func(h http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("/pagamenti/", h)
			return mux
		}, "/pagamenti" + pathRicevuta},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			srv := httptest.NewServer(tt.mount(newHandler(t, rec)))
			defer srv.Close()
			req, _ := http.NewRequest("PUT", srv.URL+tt.target, strings.NewReader(bodyRicevuta))
			req.Header.Set("Content-Type", "application/json")
			req.SetBasicAuth(testUser, testPass)
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, 201, resp.StatusCode)
			require.Len(t, rec.ric, 1)
			assert.Equal(t, "rcpt-1", rec.ric[0].IDRicevuta)
		})
	}
}

func TestNullsAndUnknownValues(t *testing.T) {
	body := `{"dominio":{"idDominio":null,"ragioneSociale":null},"iuv":null,"idRicevuta":null,"importo":12.5,
		"esito":"ESEGUITO_IN_FUTURO","stato":null,"idPagamento":null,"idSessionePsp":null,"istitutoAttestante":null,
		"versante":null,"pendenza":{"idA2A":null,"dominio":null,"unitaOperativa":null,"soggettoPagatore":null,"importo":null,
		"dataValidita":null,"dataScadenza":"","annoRiferimento":null,"datiAllegati":null,"documento":null,"allegati":null,
		"voci":[{"dominio":null,"idVocePendenza":"1","tipoBollo":"Imposta di bollo","contabilita":null,
		"riscossione":{"tipo":"NUOVO_TIPO","stato":"NUOVO_STATO","importo":12.5,"data":null,"allegato":null}}],"nuovoCampo":{"x":1}},
		"data":null,"dataPagamento":"2024-05-17 10:20:30.123","rpt":null,"rt":null,"modello":"Pagamento ad iniziativa di qualcuno","campoFuturo":true}`
	rec := &recorder{}
	h := newHandler(t, rec)
	res := do(h, "PUT", pathRicevuta, []byte(body))
	require.Equal(t, 201, res.Code, res.Body.String())
	r := rec.ric[0]
	assert.Equal(t, govpay.Centesimi(1250), r.Importo)
	assert.Equal(t, ricevute.Esito("ESEGUITO_IN_FUTURO"), r.Esito, "unknown enum values are kept")
	assert.Equal(t, ricevute.ModelloPagamento("Pagamento ad iniziativa di qualcuno"), r.Modello)
	assert.Equal(t, ricevute.TipoRiscossione("NUOVO_TIPO"), r.Pendenza.Voci[0].Riscossione.Tipo)
	assert.True(t, r.Pendenza.Voci[0].TipoBollo.ImpostaDiBollo(), "v1 spelling of the bollo")
	assert.Equal(t, "01234567890", r.Dominio.IDDominio, "filled from the path")
	assert.Equal(t, "01000000000012345", r.IUV)
	assert.Equal(t, "rcpt-1", r.IDRicevuta)
	assert.True(t, r.RPT.IsZero())
	assert.True(t, r.Data.IsZero())
	assert.Equal(t, time.Date(2024, 5, 17, 10, 20, 30, 0, time.UTC), r.DataPagamento.Time().UTC().Truncate(time.Second), "API Ente v2 timestamps are UTC")
	_, err := r.DatiRT()
	assert.ErrorIs(t, err, ricevute.ErrFormato)

	// v1 with nulls everywhere optional.
	rec = &recorder{}
	h = newHandler(t, rec)
	res = do(h, "POST", pathPagamento, []byte(`{"idA2A":null,"idPendenza":null,"rpt":null,"rt":{"receiptId":"r1","outcome":"KO","paymentAmount":null,"fee":null},
		"riscossioni":[{"idDominio":null,"iuv":null,"iur":null,"indice":null,"stato":null,"tipo":null,"importo":0,"data":null,"commissioni":null,"allegato":null}]}`))
	require.Equal(t, 201, res.Code, res.Body.String())
	require.Len(t, rec.pag, 1)
	d, err := rec.pag[0].DatiRT()
	require.NoError(t, err)
	assert.Equal(t, ricevute.EsitoNonEseguito, d.Esito)
	assert.False(t, d.Esito.Paid())
}

// TestJSONRoundTrip: json.Marshal of the public types is the wire body.
func TestJSONRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		v    any
	}{
		{"ricevuta", bodyRicevuta, &ricevute.Ricevuta{}},
		{"pagamento", bodyPagamento, &notifica.Pagamento{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, json.Unmarshal([]byte(tc.body), tc.v))
			out, err := json.Marshal(tc.v)
			require.NoError(t, err)
			assert.JSONEq(t, tc.body, string(out))
		})
	}
}

func TestNewHandlerOptions(t *testing.T) {
	ok := func(context.Context, string) error { return nil }
	bad := []struct {
		name string
		r    notifica.Receiver
		opts []notifica.Option
		want string
	}{
		{"nil receiver", nil, []notifica.Option{notifica.WithNoAuthentication()}, "receiver: must not be nil"},
		{"no auth", &recorder{}, nil, "opts: must include an authentication option"},
		{"no auth and auth", &recorder{}, []notifica.Option{notifica.WithNoAuthentication(), notifica.WithBasicAuth("a", "b")}, "WithNoAuthentication: conflicts with WithBasicAuth"},
		{"basic and bearer", &recorder{}, []notifica.Option{notifica.WithBasicAuth("a", "b"), notifica.WithBearerCheck(ok)}, "WithBearerCheck: conflicts with WithBasicAuth: both need the Authorization header"},
		{"header Authorization and basic", &recorder{}, []notifica.Option{notifica.WithBasicAuth("a", "b"), notifica.WithHeaderSecret("authorization", "x")}, "WithHeaderSecret.name: must not be Authorization"},
		{"empty password", &recorder{}, []notifica.Option{notifica.WithBasicAuth("a", "")}, "WithBasicAuth.password: must not be empty"},
		{"colon in user", &recorder{}, []notifica.Option{notifica.WithBasicAuth("a:b", "c")}, "WithBasicAuth.user: must not contain ':'"},
		{"empty api key", &recorder{}, []notifica.Option{notifica.WithAPIKey("app", "")}, "WithAPIKey.key: must not be empty"},
		{"bad header name", &recorder{}, []notifica.Option{notifica.WithHeaderSecret("X Secret", "v")}, "WithHeaderSecret.name: must be a header name"},
		{"empty header value", &recorder{}, []notifica.Option{notifica.WithHeaderSecret("X-Secret", "")}, "WithHeaderSecret.value: must not be empty"},
		{"no subjects", &recorder{}, []notifica.Option{notifica.WithClientCertificateSubjects()}, "WithClientCertificateSubjects.subjects: must list at least one subject"},
		{"nil bearer check", &recorder{}, []notifica.Option{notifica.WithBearerCheck(nil)}, "WithBearerCheck.check: must not be nil"},
		{"nil deduplicator", &recorder{}, []notifica.Option{notifica.WithNoAuthentication(), notifica.WithDeduplicator(nil)}, "WithDeduplicator.dedup: must not be nil"},
		{"zero body limit", &recorder{}, []notifica.Option{notifica.WithNoAuthentication(), notifica.WithMaxBodyBytes(0)}, "WithMaxBodyBytes.n: must be a positive number of bytes"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			h, err := notifica.NewHandler(tt.r, tt.opts...)
			var ve *govpay.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, govpay.ErrInvalid)
			assert.Nil(t, h)
			assert.True(t, strings.HasPrefix(err.Error(), "govpay: invalid notifica options: "+tt.want), "%q", err)
			assert.NotContains(t, err.Error(), "b\"", "secrets are not echoed")
		})
	}
	h, err := notifica.NewHandler(&recorder{}, notifica.WithNoAuthentication(), nil, notifica.WithLogger(nil))
	require.NoError(t, err)
	res := httptest.NewRecorder()
	req := httptest.NewRequest("PUT", pathRicevuta, bytes.NewReader([]byte(bodyRicevuta)))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(res, req)
	assert.Equal(t, 201, res.Code)
}

func TestUnknownLengthBodyTooLarge(t *testing.T) {
	rec := &recorder{}
	h := newHandler(t, rec, notifica.WithMaxBodyBytes(64))
	srv := httptest.NewServer(h)
	defer srv.Close()
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write([]byte(`{"pad":"` + strings.Repeat("y", 4096) + `"}`))
		pw.Close()
	}()
	req, _ := http.NewRequest("PUT", srv.URL+pathRicevuta, pr) // chunked: no Content-Length
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(testUser, testPass)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 413, resp.StatusCode)
	assert.Zero(t, rec.calls.Load())
}

// TestLegacyQuery: older GovPay versions built the v1 query by hand.
func TestLegacyQuery(t *testing.T) {
	tests := []struct {
		name, target               string
		session, portale, carrello string
	}{
		{"well formed", pathPagamento + "?idSession=S1&idSessionePortale=P%2B1&idCarrello=C1", "S1", "P+1", "C1"},
		{"glued to the path", pathPagamento + "&idSessionePortale=P1&idCarrello=C1", "", "P1", "C1"},
		{"repeated question marks", pathPagamento + "?idSession=S1?idSessionePortale=P1?idCarrello=C%3F1", "S1", "P1", "C?1"},
		{"none", pathPagamento, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			h := newHandler(t, rec)
			res := do(h, "POST", tt.target, []byte(bodyAttivazione))
			require.Equal(t, 201, res.Code, res.Body.String())
			p := rec.att[0]
			assert.Equal(t, "01000000000012345", p.IUV)
			assert.Equal(t, tt.session, p.IDSession)
			assert.Equal(t, tt.portale, p.IDSessionePortale)
			assert.Equal(t, tt.carrello, p.IDCarrello)
		})
	}
}
