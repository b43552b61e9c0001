package govpaytest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ente is a stand-in for the creditor's API Ente: it records what it gets
// and fails the first failures attempts of each path.
type ente struct {
	*httptest.Server
	mu       sync.Mutex
	got      []enteHit
	attempts map[string]int
	failures int
	status   int // status of the successful answer (default 201)
}

type enteHit struct {
	method, path string
	query        url.Values
	body         map[string]any
	user, pass   string
	ok           bool
}

func newEnte(t *testing.T, failures int) *ente {
	e := &ente{attempts: map[string]int{}, failures: failures, status: http.StatusCreated}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		u, p, _ := r.BasicAuth()
		e.mu.Lock()
		key := r.Method + " " + r.URL.Path
		e.attempts[key]++
		ok := e.attempts[key] > e.failures
		e.got = append(e.got, enteHit{r.Method, r.URL.Path, r.URL.Query(), m, u, p, ok})
		e.mu.Unlock()
		if !ok {
			http.Error(w, `{"categoria":"EC","codice":"EC","descrizione":"down"}`, http.StatusInternalServerError)
			return
		}
		w.WriteHeader(e.status)
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *ente) hits() []enteHit {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]enteHit(nil), e.got...)
}

func waitFor(t *testing.T, s *Server, n int) []Notification {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ns, err := s.WaitNotifications(ctx, n)
	require.NoError(t, err, "notifications: %+v", ns)
	return ns
}

func TestNotificationV2RetriesUntilDelivered(t *testing.T) {
	en := newEnte(t, 2)
	s := NewServer(WithNotifications(NotificationConfig{URL: en.URL + "/ente/", Version: 2, Username: "govpay", Password: "pw",
		MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond}))
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, nil))
	r := do(t, "POST", s.PagamentoURL()+"/pagamenti?idSessionePortale=sp-1", map[string]any{
		"pendenze": []any{map[string]string{"idA2A": "A2A-1", "idPendenza": "P1"}}, "urlRitorno": "https://p.example/"})
	require.Equal(t, http.StatusCreated, r.status)
	assert.Empty(t, s.Notifications(), "API Ente v2 has no activation notification")
	_, err := s.Pay(r.json(t)["redirect"].(string), ChoicePaga)
	require.NoError(t, err)

	ns := waitFor(t, s, 1)
	require.Len(t, ns, 1, "v2 sends one PUT per receipt")
	n := ns[0]
	ric := s.Ricevute()[0]
	assert.Equal(t, NotificationRicevuta, n.Kind)
	assert.Equal(t, http.MethodPut, n.Method)
	assert.True(t, n.Delivered)
	require.Len(t, n.Attempts, 3, "two failures, then delivered")
	assert.Equal(t, []int{500, 500, 201}, []int{n.Attempts[0].Status, n.Attempts[1].Status, n.Attempts[2].Status})
	pg := s.Pagamenti()[0]

	hits := en.hits()
	require.Len(t, hits, 3)
	h := hits[2]
	assert.Equal(t, "/ente/ricevute/"+testDominio+"/"+ric.IUV+"/"+ric.IDRicevuta, h.path)
	assert.Equal(t, url.Values{"idSession": {pg.IDSession}, "idSessionePortale": {"sp-1"}, "idCarrello": {pg.ID}}, h.query)
	assert.Equal(t, "govpay", h.user)
	assert.Equal(t, "pw", h.pass)
	for _, k := range []string{"dominio", "iuv", "idRicevuta", "importo", "esito", "istitutoAttestante", "pendenza", "rpt", "rt", "modello", "data", "dataPagamento", "idPagamento"} {
		assert.Contains(t, h.body, k)
	}
	assert.Equal(t, "ESEGUITO", h.body["esito"])
	assert.EqualValues(t, 10, h.body["importo"])
	assert.Equal(t, "Pagamento ad iniziativa Ente", h.body["modello"])
	voce := h.body["pendenza"].(map[string]any)["voci"].([]any)[0].(map[string]any)
	assert.Equal(t, "9/SEGRETERIA", voce["codiceTassonomicoPagoPA"])
	ris := voce["riscossione"].(map[string]any)
	assert.Equal(t, "ENTRATA", ris["tipo"])
	assert.NotContains(t, ris, "stato", "API Ente v2 RiscossioneVocePagata has no stato")
	assert.NotContains(t, ris, "commissioni", "API Ente v2 RiscossioneVocePagata has no commissioni")

	// Timestamps as GovPay 3.9.1 writes them in API Ente v2: UTC, no offset
	// (Ricevuta.java:291 and :310, ConverterUtils.java:54-59); the receipt
	// read from API Ragioneria keeps local Rome time.
	want := ric.Data.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05")
	assert.Equal(t, want, h.body["data"])
	assert.Equal(t, want, h.body["dataPagamento"])
	var rag map[string]any
	require.NoError(t, json.Unmarshal(ric.JSON, &rag))
	assert.Equal(t, inRome(ric.Data).Truncate(time.Second).Format("2006-01-02T15:04:05"), rag["data"])
}

func TestNotificationV1ActivationThenOutcome(t *testing.T) {
	for _, tc := range []struct {
		mode   Mode
		choice Choice
		esito  string // codiceEsitoPagamento of the RT, "" when no outcome is sent
	}{
		{ModeLegacy, ChoicePaga, "0"},
		{ModeLegacy, ChoiceErrore, "1"},
		{ModeBridge, ChoicePaga, "OK"},
	} {
		t.Run(string(tc.mode)+"/"+string(tc.choice), func(t *testing.T) {
			en := newEnte(t, 0)
			s := NewServer(WithMode(tc.mode), WithNotifications(NotificationConfig{URL: en.URL, Version: 1, MinBackoff: time.Millisecond}))
			defer s.Close()
			putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, nil))
			r := startPayment(t, s, "https://p.example/", [2]string{"A2A-1", "P1"})
			require.Equal(t, http.StatusCreated, r.status)
			if tc.mode == ModeLegacy {
				ns := waitFor(t, s, 1)
				require.Len(t, ns, 1, "WISP: the activation goes out when the RPT is sent")
				assert.Equal(t, NotificationAttivazione, ns[0].Kind)
			}
			_, err := s.Pay(r.json(t)["redirect"].(string), tc.choice)
			require.NoError(t, err)
			ns := waitFor(t, s, 2)
			require.Len(t, ns, 2)
			p, _ := s.Pendenza("A2A-1", "P1")
			hits := en.hits()
			require.Len(t, hits, 2)
			for _, h := range hits {
				assert.Equal(t, http.MethodPost, h.method)
				assert.Equal(t, "/pagamenti/"+testDominio+"/"+p.IUV, h.path)
				assert.Equal(t, "A2A-1", h.body["idA2A"])
				assert.Equal(t, "P1", h.body["idPendenza"])
				assert.NotNil(t, h.body["rpt"])
			}
			assert.Nil(t, hits[0].body["rt"], "activation first, with rt null")
			assert.Nil(t, hits[0].body["riscossioni"])
			rt := hits[1].body["rt"].(map[string]any)
			if tc.mode == ModeLegacy {
				assert.Equal(t, tc.esito, rt["datiPagamento"].(map[string]any)["codiceEsitoPagamento"])
			} else {
				assert.Equal(t, tc.esito, rt["outcome"], "Checkout payments carry a ctReceipt")
				assert.Equal(t, p.NumeroAvviso, rt["noticeNumber"])
			}
			if tc.choice == ChoicePaga {
				ris := hits[1].body["riscossioni"].([]any)
				require.Len(t, ris, 1)
				assert.EqualValues(t, 10, ris[0].(map[string]any)["importo"])
				assert.Equal(t, "/pendenze/A2A-1/P1", ris[0].(map[string]any)["pendenza"])
			} else {
				assert.Nil(t, hits[1].body["riscossioni"])
			}
		})
	}
}

func TestNotificationGivesUp(t *testing.T) {
	en := newEnte(t, 1000)
	s := NewServer(WithNotifications(NotificationConfig{URL: en.URL, MaxAttempts: 3, MinBackoff: time.Millisecond}))
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, nil))
	r := startPayment(t, s, "https://p.example/", [2]string{"A2A-1", "P1"})
	_, err := s.Pay(r.json(t)["redirect"].(string), ChoicePaga)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		ns := s.Notifications()
		return len(ns) == 1 && ns[0].GaveUp
	}, 5*time.Second, 5*time.Millisecond)
	n := s.Notifications()[0]
	assert.False(t, n.Delivered)
	assert.Len(t, n.Attempts, 3)
	assert.Len(t, en.hits(), 3)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = s.WaitNotifications(ctx, 1)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestNotificationNetworkErrorAndClose(t *testing.T) {
	// Nothing listens: every attempt is a network error; Close stops the
	// retries.
	ln := httptest.NewServer(http.NotFoundHandler())
	dead := ln.URL
	ln.Close()
	s := NewServer(WithNotifications(NotificationConfig{URL: dead, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}))
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, nil))
	r := startPayment(t, s, "https://p.example/", [2]string{"A2A-1", "P1"})
	_, err := s.Pay(r.json(t)["redirect"].(string), ChoicePaga)
	require.NoError(t, err)
	require.Eventually(t, func() bool { ns := s.Notifications(); return len(ns) == 1 && len(ns[0].Attempts) >= 3 }, 5*time.Second, time.Millisecond)
	s.Close()
	n := s.Notifications()[0]
	assert.False(t, n.Delivered)
	assert.Equal(t, 0, n.Attempts[0].Status)
	assert.NotEmpty(t, n.Attempts[0].Err)
	after := len(n.Attempts)
	time.Sleep(30 * time.Millisecond)
	assert.Len(t, s.Notifications()[0].Attempts, after, "no attempt after Close")
}

func TestSetNotifications(t *testing.T) {
	en := newEnte(t, 0)
	s := NewServer()
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, nil))
	r := startPayment(t, s, "https://p.example/", [2]string{"A2A-1", "P1"})
	s.SetNotifications(NotificationConfig{URL: en.URL, Version: 2})
	_, err := s.Pay(r.json(t)["redirect"].(string), ChoicePaga)
	require.NoError(t, err)
	waitFor(t, s, 1)
	assert.Len(t, en.hits(), 1)
}

func TestNotificationsOffWithoutURL(t *testing.T) {
	s := NewServer(WithNotifications(NotificationConfig{Version: 1}))
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, nil))
	r := startPayment(t, s, "https://p.example/", [2]string{"A2A-1", "P1"})
	_, err := s.Pay(r.json(t)["redirect"].(string), ChoicePaga)
	require.NoError(t, err)
	assert.Empty(t, s.Notifications())
}

// TestNotificationsRoundRobin: with URLs the fake stands in for a load
// balancer: successive attempts, of all notifications, go to the replicas
// in turn, so a notification that one replica fails is redelivered to the
// next one.
func TestNotificationsRoundRobin(t *testing.T) {
	down := newEnte(t, 1000) // a replica that always fails
	a, b := newEnte(t, 0), newEnte(t, 0)
	s := NewServer(WithNotifications(NotificationConfig{URLs: []string{down.URL + "/", a.URL, b.URL}, Version: 2,
		MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}))
	defer s.Close()
	const payments = 6
	for i := range payments {
		id := "P" + string(rune('1'+i))
		putPendenza(t, s, "A2A-1", id, pendenzaBody(testDominio, []int64{1000}, nil))
		r := startPayment(t, s, "https://p.example/", [2]string{"A2A-1", id})
		_, err := s.Pay(r.json(t)["redirect"].(string), ChoicePaga)
		require.NoError(t, err)
		waitFor(t, s, i+1) // one at a time: the rotation is deterministic
	}
	ns := s.Notifications()
	require.Len(t, ns, payments)
	bases := []string{down.URL, a.URL, b.URL}
	k := 0
	for _, n := range ns {
		assert.True(t, n.Delivered)
		assert.Equal(t, n.Attempts[0].URL, n.URL, "URL is where the first attempt went")
		for _, at := range n.Attempts {
			path := "/ricevute/" + testDominio + "/" + n.IUV + "/" + url.PathEscape(n.IDRicevuta) + "?"
			assert.True(t, strings.HasPrefix(at.URL, bases[k%3]+path), "attempt %d went to %s", k, at.URL)
			assert.Equal(t, strings.HasPrefix(at.URL, down.URL+"/"), at.Status == 500, "only the failing replica fails: %s", at.URL)
			k++
		}
	}
	assert.Len(t, a.hits(), len(b.hits()), "the healthy replicas share the load")
	assert.Equal(t, payments, len(a.hits())+len(b.hits()))
	assert.NotEmpty(t, down.hits(), "the failing replica got its turns")
	assert.Contains(t, NotificationConfig{URLs: []string{"http://x"}, Password: "pw"}.String(), "http://x")
	assert.NotContains(t, NotificationConfig{URLs: []string{"http://x"}, Password: "pw"}.String(), "pw\"")
}
