package govpaytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// portal is a stand-in for the portal the browser comes back to.
type portal struct {
	*httptest.Server
	mu   sync.Mutex
	hits []*url.URL
}

func newPortal(t *testing.T) *portal {
	p := &portal{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.hits = append(p.hits, r.URL)
		p.mu.Unlock()
		_, _ = io.WriteString(w, "portale: esito ricevuto")
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *portal) last() *url.URL {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.hits) == 0 {
		return nil
	}
	return p.hits[len(p.hits)-1]
}

// browse plays the browser on the fake page: GET it, check it shows the
// cart, POST the button, follow the redirect to the portal.
func browse(t *testing.T, page string, ch Choice, wantInPage ...string) *http.Response {
	t.Helper()
	r, err := http.Get(page)
	require.NoError(t, err)
	html, _ := io.ReadAll(r.Body)
	r.Body.Close()
	require.Equal(t, http.StatusOK, r.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", r.Header.Get("Content-Type"))
	for _, w := range wantInPage {
		assert.Contains(t, string(html), w)
	}
	for _, b := range []string{`id="paga"`, `id="errore"`, `id="annulla"`} {
		assert.Contains(t, string(html), b)
	}
	resp, err := http.PostForm(page, url.Values{"azione": {string(ch)}}) // follows the 303
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestWISPPageFlow(t *testing.T) {
	cases := []struct {
		mode      Mode
		choice    Choice
		esito     string
		stato     string // payment stato
		pendenza  string // pendenza stato afterwards
		receipts  int
		receiptOK bool
	}{
		{ModeLegacy, ChoicePaga, "OK", "ESEGUITO", "ESEGUITA", 2, true},
		{ModeLegacy, ChoiceErrore, "ERROR", "NON_ESEGUITO", "NON_ESEGUITA", 2, false},
		{ModeLegacy, ChoiceAnnulla, "DIFFERITO", "NON_ESEGUITO", "NON_ESEGUITA", 0, false},
		{ModeBridge, ChoicePaga, "OK", "ESEGUITO", "ESEGUITA", 2, true},
		{ModeBridge, ChoiceErrore, "ERROR", "NON_ESEGUITO", "NON_ESEGUITA", 0, false},
		{ModeBridge302, ChoiceAnnulla, "CANCEL", "NON_ESEGUITO", "NON_ESEGUITA", 0, false},
	}
	for _, tc := range cases {
		t.Run(string(tc.mode)+"/"+string(tc.choice), func(t *testing.T) {
			s := NewServer(WithMode(tc.mode))
			defer s.Close()
			pt := newPortal(t)
			putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, map[string]any{"causale": "TARI 2026"}))
			putPendenza(t, s, "A2A-1", "P2", pendenzaBody(testDominio, []int64{550}, map[string]any{"causale": "Mensa marzo"}))
			r := startPayment(t, s, pt.URL+"/esito", [2]string{"A2A-1", "P1"}, [2]string{"A2A-1", "P2"})
			var page string
			if tc.mode == ModeBridge302 {
				require.Equal(t, http.StatusFound, r.status)
				page = r.header.Get("Location")
			} else {
				require.Equal(t, http.StatusCreated, r.status)
				page = r.json(t)["redirect"].(string)
			}
			p1, _ := s.Pendenza("A2A-1", "P1")
			resp := browse(t, page, tc.choice, "TARI 2026", "Mensa marzo", formatNav(p1.NumeroAvviso), "10.00 €", "5.50 €", "15.50 €")
			require.Equal(t, http.StatusOK, resp.StatusCode)

			back := pt.last()
			require.NotNil(t, back, "the browser came back to the portal")
			assert.Equal(t, "/esito", back.Path)
			q := back.Query()
			var pg Pagamento
			if tc.mode == ModeLegacy {
				require.Len(t, s.Pagamenti(), 1)
				pg = s.Pagamenti()[0]
				assert.Equal(t, url.Values{"idPagamento": {pg.ID}, "idSession": {pg.IDSession}, "esito": {tc.esito}}, q)
				assert.Equal(t, tc.stato, pg.Stato)
				assert.Equal(t, tc.esito, pg.Esito)
			} else {
				assert.Equal(t, url.Values{"esito": {tc.esito}}, q, "the bridge returns esito only")
				assert.Empty(t, s.Pagamenti(), "the checkout bridge records no payment")
			}
			for _, id := range []string{"P1", "P2"} {
				p, _ := s.Pendenza("A2A-1", id)
				assert.Equal(t, tc.pendenza, p.Stato, id)
			}
			ric := s.Ricevute()
			require.Len(t, ric, tc.receipts)
			if tc.receiptOK {
				assert.Equal(t, "ESEGUITO", ric[0].Esito)
				assert.Equal(t, govpay.Euro(10), ric[0].Importo)
				assert.Equal(t, govpay.Centesimi(550), ric[1].Importo)
				assert.Equal(t, pg.ID, ric[0].IDPagamento)
				got := do(t, "GET", s.RagioneriaURL()+"/ricevute/"+ric[0].IDDominio+"/"+ric[0].IUV+"/"+ric[0].IDRicevuta, nil, "Accept", "application/json")
				require.Equal(t, http.StatusOK, got.status)
				m := got.json(t)
				assert.Equal(t, "ESEGUITO", m["esito"])
				assert.EqualValues(t, 10, m["importo"])
				assert.Regexp(t, `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$`, m["dataPagamento"])
				pdf := do(t, "GET", s.RagioneriaURL()+"/ricevute/"+ric[0].IDDominio+"/"+ric[0].IUV+"/"+ric[0].IDRicevuta, nil, "Accept", "application/pdf")
				require.Equal(t, http.StatusOK, pdf.status)
				checkPDF(t, pdf.body)
				lst := do(t, "GET", s.RagioneriaURL()+"/ricevute?idDominio="+testDominio+"&iuv="+ric[0].IUV, nil)
				assert.EqualValues(t, 1, lst.json(t)["numRisultati"])
				lst = do(t, "GET", s.RagioneriaURL()+"/ricevute?numeroAvviso="+p1.NumeroAvviso, nil)
				assert.EqualValues(t, 1, lst.json(t)["numRisultati"])
			} else if tc.receipts > 0 {
				assert.Equal(t, "NON_ESEGUITO", ric[0].Esito, "WISP errors produce negative RTs")
				assert.Equal(t, govpay.Importo(0), ric[0].Importo)
			}

			// The page is concluded: it shows the outcome, refuses a second choice.
			r2, err := http.Get(page)
			require.NoError(t, err)
			html, _ := io.ReadAll(r2.Body)
			r2.Body.Close()
			assert.Contains(t, string(html), tc.esito)
			assert.NotContains(t, string(html), `id="paga"`)
			again := do(t, "POST", page, "azione=paga", "Content-Type", "application/x-www-form-urlencoded")
			assert.Equal(t, http.StatusConflict, again.status)
			_, err = s.Pay(page, ChoicePaga)
			assert.ErrorIs(t, err, ErrSessionClosed)
		})
	}
}

func TestDirectCheckoutFlow(t *testing.T) {
	for _, tc := range []struct {
		choice Choice
		path   string
		stato  string
	}{
		{ChoicePaga, "/ok", "ESEGUITA"},
		{ChoiceErrore, "/error", "NON_ESEGUITA"},
		{ChoiceAnnulla, "/cancel", "NON_ESEGUITA"},
	} {
		t.Run(string(tc.choice), func(t *testing.T) {
			s := NewServer()
			defer s.Close()
			pt := newPortal(t)
			out := putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1234}, map[string]any{"causale": "Multa"}))
			nav := out["numeroAvviso"].(string)
			cart := map[string]any{
				"paymentNotices": []any{map[string]any{"noticeNumber": nav, "fiscalCode": testDominio, "amount": 1234, "companyName": "Comune", "description": "Multa"}},
				"returnUrls": map[string]any{"returnOkUrl": pt.URL + "/ok?x=1", "returnCancelUrl": pt.URL + "/cancel",
					"returnErrorUrl": pt.URL + "/error", "returnWaitingUrl": pt.URL + "/waiting"},
				"idCart": "cart-1",
			}
			r := do(t, "POST", s.CheckoutV2URL()+"/carts", cart, "Ocp-Apim-Subscription-Key", "k")
			require.Equal(t, http.StatusFound, r.status, "body %s", r.body)
			browse(t, r.header.Get("Location"), tc.choice, "Multa", "12.34 €")
			back := pt.last()
			require.NotNil(t, back)
			assert.Equal(t, tc.path, back.Path, "the return URL of the cart, unchanged")
			if tc.choice == ChoicePaga {
				assert.Equal(t, "x=1", back.RawQuery)
			} else {
				assert.Empty(t, back.RawQuery)
			}
			p, _ := s.Pendenza("A2A-1", "P1")
			assert.Equal(t, tc.stato, p.Stato)
			if tc.choice == ChoicePaga {
				ric := s.Ricevute()
				require.Len(t, ric, 1)
				assert.Equal(t, nav, ric[0].NumeroAvviso)
				assert.Empty(t, ric[0].IDPagamento, "a direct cart has no GovPay payment")
				assert.Contains(t, string(ric[0].JSON), `"modello":"Pagamento ad iniziativa PSP"`)
			}
		})
	}
}

func TestCheckoutUnpayableNotice(t *testing.T) {
	s := NewServer()
	defer s.Close()
	cart := map[string]any{
		"paymentNotices": []any{map[string]any{"noticeNumber": "301000000000077777", "fiscalCode": testDominio, "amount": 100, "companyName": "Comune", "description": "Ignoto"}},
		"returnUrls":     map[string]any{"returnOkUrl": "https://p.example/ok", "returnCancelUrl": "https://p.example/cancel", "returnErrorUrl": "https://p.example/error"},
	}
	r := do(t, "POST", s.CheckoutURL()+"/carts", cart, "Ocp-Apim-Subscription-Key", "k")
	require.Equal(t, http.StatusFound, r.status)
	page := r.header.Get("Location")
	html := do(t, "GET", page, nil)
	assert.Contains(t, string(html.body), "Avviso sconosciuto")
	ret, err := s.Pay(page, ChoicePaga)
	require.NoError(t, err)
	assert.Equal(t, "https://p.example/error", ret, "an unknown notice cannot be paid")
	assert.Empty(t, s.Ricevute())
}

func TestPageErrors(t *testing.T) {
	s := NewServer()
	defer s.Close()
	r := do(t, "GET", s.URL+"/wisp/wallet/welcome?idSession=nope", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "text/html"))
	_, err := s.Pay(s.URL+"/checkout/c/nope", ChoicePaga)
	assert.ErrorIs(t, err, ErrSessionNotFound)

	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{100}, nil))
	r = startPayment(t, s, "", [2]string{"A2A-1", "P1"})
	require.Equal(t, http.StatusCreated, r.status, "legacy mode does not require urlRitorno")
	page := r.json(t)["redirect"].(string)
	bad := do(t, "POST", page, "azione=boh", "Content-Type", "application/x-www-form-urlencoded")
	assert.Equal(t, http.StatusBadRequest, bad.status)
	_, err = s.Pay(page, "boh")
	assert.Error(t, err)
	ret, err := s.Pay(page, ChoicePaga)
	require.NoError(t, err)
	assert.Empty(t, ret, "no urlRitorno: nowhere to go back to")
	ss := s.Sessioni()
	require.Len(t, ss, 1)
	assert.Equal(t, "OK", ss[0].Esito)
	assert.False(t, ss[0].Checkout)
	assert.Equal(t, page, ss[0].URL)
}
