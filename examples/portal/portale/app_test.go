package portale_test

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/examples/portal/portale"
	"github.com/govpaygo/govpay/govpaytest"
)

// harness runs the portal in-process on the fake GovPay, with a browser-like
// client (cookie jar) that does not follow redirects.
type harness struct {
	t      *testing.T
	fake   *govpaytest.Server
	srv    *httptest.Server
	app    *portale.App
	client *http.Client
	csrf   string
	dir    string // the directory of the payments (sessions in its subdirectory "sessioni")
}

var testCred = portale.FakeCredentials{User: "portale-test", Password: "segreto-di-prova", CheckoutKey: "chiave-checkout"}

// modes are the payment modes with the path of the fake's payment page.
var modes = []struct {
	mode portale.Mode
	page string
}{
	{portale.ModeLegacy, "/wisp/"},
	{portale.ModeBridge, "/checkout/"},
	{portale.ModeCheckout, "/checkout/"},
}

// newFake starts the fake GovPay a portal in mode needs.
func newFake(t *testing.T, mode portale.Mode) *govpaytest.Server {
	t.Helper()
	fm, err := portale.FakeMode(mode)
	require.NoError(t, err)
	fake := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithMode(fm),
		govpaytest.WithBasicAuth(testCred.User, testCred.Password), govpaytest.WithSubscriptionKey(testCred.CheckoutKey))
	t.Cleanup(fake.Close)
	return fake
}

func newHarness(t *testing.T, mode portale.Mode) *harness {
	t.Helper()
	return newReplica(t, newFake(t, mode), mode, t.TempDir())
}

// attempts returns the ids of the payments stored by the portal.
func (h *harness) attempts() []string {
	h.t.Helper()
	entries, err := os.ReadDir(h.dir)
	require.NoError(h.t, err)
	var ids []string
	for _, e := range entries {
		if id, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// newApp builds a portal served at public on fake, keeping payments and
// sessions in dir as the command does (its own store values: nothing is
// shared with another App but the directory). configure, when not nil,
// changes the configuration first.
func newApp(t *testing.T, fake *govpaytest.Server, mode portale.Mode, public, dir string, configure func(*portale.Config)) *portale.App {
	t.Helper()
	cfg := portale.FakeConfig(fake, mode, public, testCred)
	var err error
	cfg.Avvii, err = portale.NewDirStore(dir)
	require.NoError(t, err)
	cfg.Sessions, err = portale.NewDirSessionStore(filepath.Join(dir, "sessioni"))
	require.NoError(t, err)
	if configure != nil {
		configure(&cfg)
	}
	app, err := portale.NewApp(cfg)
	require.NoError(t, err)
	return app
}

// newClient returns a browser-like client: a cookie jar, no redirects
// followed.
func newClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// newReplica runs one more portal on fake and dir: another replica, or
// the same portal after a restart (nothing shared but the directory).
func newReplica(t *testing.T, fake *govpaytest.Server, mode portale.Mode, dir string) *harness {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	app := newApp(t, fake, mode, "http://"+srv.Listener.Addr().String(), dir, nil)
	srv.Config.Handler = app
	srv.Start()
	t.Cleanup(srv.Close)
	return &harness{t: t, fake: fake, srv: srv, app: app, client: newClient(t), dir: dir}
}

var reCSRF = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// do sends a request and returns the status, the Location and the body.
func (h *harness) do(method, path string, form url.Values) (int, string, string) {
	h.t.Helper()
	u := path
	if !strings.HasPrefix(path, "http") {
		u = h.srv.URL + path
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(h.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := h.client.Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	if m := reCSRF.FindSubmatch(b); m != nil {
		h.csrf = string(m[1])
	}
	return resp.StatusCode, resp.Header.Get("Location"), html.UnescapeString(string(b))
}

func (h *harness) get(path string) (int, string) {
	st, _, body := h.do(http.MethodGet, path, nil)
	return st, body
}

// post submits a form with the session's token, as the page's forms do.
func (h *harness) post(path string, kv ...string) (int, string, string) {
	h.t.Helper()
	form := url.Values{"csrf": {h.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set(kv[i], kv[i+1])
	}
	return h.do(http.MethodPost, path, form)
}

// login logs the demo citizen in and loads the home page (and its token).
func (h *harness) login() string {
	h.t.Helper()
	st, loc, _ := h.do(http.MethodPost, "/accedi", url.Values{"cf": {govpaytest.DemoCodiceFiscale}})
	require.Equal(h.t, http.StatusSeeOther, st)
	require.Equal(h.t, "/", loc)
	st, body := h.get("/")
	require.Equal(h.t, http.StatusOK, st)
	return body
}

// demoDebts are the fake's pendenze of the demo citizen.
func (h *harness) demoDebts() []govpaytest.Pendenza {
	var out []govpaytest.Pendenza
	for _, p := range h.fake.Pendenze() {
		if p.Debitore == govpaytest.DemoCodiceFiscale {
			out = append(out, p)
		}
	}
	require.NotEmpty(h.t, out, "the fake's demo data has no pendenze of the demo citizen")
	return out
}

// paperNotice is the demo paper notice (another debtor's).
func (h *harness) paperNotice() govpaytest.Pendenza {
	for _, p := range h.fake.Pendenze() {
		if p.NumeroAvviso == govpaytest.DemoNumeroAvvisoCartaceo {
			return p
		}
	}
	h.t.Fatal("the fake's demo data has no paper notice")
	return govpaytest.Pendenza{}
}

func euroIT(i govpay.Importo) string {
	s := strings.Replace(i.String(), ".", ",", 1)
	return s + " €"
}

// cartSection returns the HTML of the cart section of the home page.
func cartSection(body string) string {
	i := strings.Index(body, `id="sezione-carrello"`)
	if i < 0 {
		return ""
	}
	return body[i:]
}

func TestNewAppRefusesIncompleteConfig(t *testing.T) {
	store, err := portale.NewDirStore(t.TempDir())
	require.NoError(t, err)
	sessions, err := portale.NewDirSessionStore(t.TempDir())
	require.NoError(t, err)
	gp, err := govpay.NewConfig("http://x")
	require.NoError(t, err)
	ok := portale.Config{GovPay: gp, PublicURL: "http://p", Avvii: store, Sessions: sessions}
	_, err = portale.NewApp(ok)
	require.NoError(t, err, "the base of the cases below is valid")
	noStore := ok
	noStore.Avvii = nil
	_, err = portale.NewApp(noStore)
	require.ErrorContains(t, err, "Config.Avvii")
	noSessions := ok
	noSessions.Sessions = nil
	_, err = portale.NewApp(noSessions)
	require.ErrorContains(t, err, "Config.Sessions")
	for name, cfg := range map[string]portale.Config{
		"no govpay config": {PublicURL: "http://127.0.0.1:8080"},
		"no public url":    {GovPay: gp},
		"relative public":  {GovPay: gp, PublicURL: "/portale"},
		"checkout no key":  {Mode: portale.ModeCheckout, GovPay: gp, CheckoutURL: "http://x/c/v2", PublicURL: "http://p"},
		"checkout bad url": {Mode: portale.ModeCheckout, GovPay: gp, CheckoutURL: "::", CheckoutKey: "key-1234", PublicURL: "http://p"},
		"unknown mode":     {Mode: "wisp2", GovPay: gp, PublicURL: "http://p"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.Avvii, cfg.Sessions = store, sessions
			_, err := portale.NewApp(cfg)
			assert.Error(t, err)
		})
	}
}

func TestParseMode(t *testing.T) {
	for _, s := range []string{"legacy", "bridge", "checkout", " Checkout "} {
		_, err := portale.ParseMode(s)
		assert.NoError(t, err, s)
	}
	_, err := portale.ParseMode("modello1")
	assert.Error(t, err)
}

func TestLogin(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)

	st, body := h.get("/")
	assert.Equal(t, http.StatusOK, st)
	assert.Contains(t, body, `id="accesso"`, "without a session the home page is the login form")
	assert.Contains(t, body, govpaytest.DemoCodiceFiscale, "the demo hint names the demo citizen")

	for _, bad := range []string{"", "RSSMRA80A01H501X", "NOTACODICE", "01234567890"} { // wrong check char/digit
		st, _, body := h.do(http.MethodPost, "/accedi", url.Values{"cf": {bad}})
		assert.Equal(t, http.StatusUnprocessableEntity, st, bad)
		assert.Contains(t, body, "Codice fiscale non valido", bad)
	}
	assert.Zero(t, h.sessions(), "a refused login opens no session")

	// Spaces and lower case are tolerated, as people type them.
	st, loc, _ := h.do(http.MethodPost, "/accedi", url.Values{"cf": {" rssmra80a01 h501u "}})
	assert.Equal(t, http.StatusSeeOther, st)
	assert.Equal(t, "/", loc)
	assert.Equal(t, 1, h.sessions())
	_, body = h.get("/")
	assert.Contains(t, body, `id="utente">`+govpaytest.DemoCodiceFiscale)

	// Logout ends the session.
	st, _, _ = h.post("/esci")
	assert.Equal(t, http.StatusSeeOther, st)
	assert.Zero(t, h.sessions())
	_, body = h.get("/")
	assert.Contains(t, body, `id="accesso"`)
}

func TestPositionShowsTheCitizensDebts(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)
	body := h.login()
	for _, p := range h.demoDebts() {
		assert.Contains(t, body, `data-id="`+p.IDPendenza+`"`)
		assert.Contains(t, body, p.Causale)
		assert.Contains(t, body, euroIT(p.Importo))
	}
	other := h.paperNotice()
	assert.NotContains(t, body, other.Causale, "another citizen's debt is not in the position")
	// The position was read from GovPay with the citizen's codice fiscale.
	reqs := h.fake.RequestsFor(govpaytest.OpPosizione)
	require.NotEmpty(t, reqs)
	assert.Equal(t, govpaytest.DemoCodiceFiscale, reqs[len(reqs)-1].Query.Get("idDebitore"))
}

func TestPositionError(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)
	h.login()
	h.fake.InjectFault(govpaytest.OpPosizione, govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusForbidden}, 1)
	st, body := h.get("/")
	assert.Equal(t, http.StatusOK, st)
	assert.Contains(t, body, "GovPay ha rifiutato la richiesta")
}

func TestCart(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)
	h.login()
	debts := h.demoDebts()
	notice := h.paperNotice()

	st, loc, _ := h.post("/carrello/pendenza", "idA2A", debts[0].IDA2A, "idPendenza", debts[0].IDPendenza)
	assert.Equal(t, http.StatusSeeOther, st)
	assert.Equal(t, "/", loc)
	_, body := h.get("/")
	assert.Contains(t, body, "Aggiunto al carrello: "+debts[0].Causale)
	assert.Contains(t, cartSection(body), debts[0].Causale)
	assert.Contains(t, cartSection(body), `id="totale">`+euroIT(debts[0].Importo))

	// The same debt twice is refused.
	h.post("/carrello/pendenza", "idA2A", debts[0].IDA2A, "idPendenza", debts[0].IDPendenza)
	_, body = h.get("/")
	assert.Contains(t, body, "già nel carrello")

	// A debt that is not the citizen's cannot be added by forging the form.
	h.post("/carrello/pendenza", "idA2A", notice.IDA2A, "idPendenza", notice.IDPendenza)
	_, body = h.get("/")
	assert.Contains(t, body, "non è nella tua posizione")
	assert.NotContains(t, cartSection(body), notice.Causale)

	// A notice typed as printed (with spaces), then the same from its QR code.
	h.post("/carrello/avviso", "idDominio", notice.IDDominio, "numeroAvviso", "3010 0000 0001 2345 19")
	_, body = h.get("/")
	assert.Contains(t, cartSection(body), notice.Causale)
	assert.Contains(t, cartSection(body), `id="totale">`+euroIT(debts[0].Importo+notice.Importo))
	h.post("/carrello/avviso", "qrcode", "PAGOPA|002|"+notice.NumeroAvviso+"|"+notice.IDDominio+"|"+
		strings.TrimLeft(strings.ReplaceAll(notice.Importo.String(), ".", ""), "0"))
	_, body = h.get("/")
	assert.Contains(t, body, "già nel carrello")

	// Bad notices are refused with a reason, before or by GovPay.
	for _, tc := range []struct {
		kv   []string
		want string
	}{
		{[]string{"idDominio", "123", "numeroAvviso", notice.NumeroAvviso}, "11 cifre"},
		{[]string{"idDominio", notice.IDDominio, "numeroAvviso", "301000000001234518"}, "codice avviso"},
		{[]string{"qrcode", "PAGOPA|001|" + notice.NumeroAvviso + "|" + notice.IDDominio + "|100"}, "QR code non è valido"},
		{[]string{"idDominio", notice.IDDominio, "numeroAvviso", "301000000009999988"}, ""},
	} {
		h.post("/carrello/avviso", tc.kv...)
		_, body = h.get("/")
		assert.Contains(t, body, `class="avviso-errore"`, tc.kv)
		assert.Contains(t, body, tc.want, tc.kv)
	}

	// Remove.
	key := "pendenza/" + debts[0].IDA2A + "/" + debts[0].IDPendenza
	if debts[0].NumeroAvviso != "" {
		key = "avviso/" + debts[0].IDDominio + "/" + debts[0].NumeroAvviso
	}
	h.post("/carrello/rimuovi", "chiave", key)
	_, body = h.get("/")
	assert.Contains(t, body, "Rimosso dal carrello")
	assert.NotContains(t, cartSection(body), debts[0].Causale)
	assert.Contains(t, cartSection(body), notice.Causale)
}

func TestCartHoldsAtMostFive(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)
	// Give the demo citizen enough debts.
	for i := range 6 {
		_, err := h.fake.AddPendenza(govpaytest.DemoIDA2A, "EXTRA-"+string(rune('A'+i)), map[string]any{
			"idTipoPendenza": "LIBERO", "idDominio": govpaytest.DemoDominio, "causale": "Debito extra " + string(rune('A'+i)),
			"soggettoPagatore": map[string]any{"tipo": "F", "identificativo": govpaytest.DemoCodiceFiscale, "anagrafica": "Mario Rossi"},
			"importo":          10,
			"voci":             []map[string]any{{"idVocePendenza": "1", "importo": 10, "descrizione": "extra", "codEntrata": "LIBERO"}},
		})
		require.NoError(t, err)
	}
	h.login()
	for i := range 6 {
		h.post("/carrello/pendenza", "idA2A", govpaytest.DemoIDA2A, "idPendenza", "EXTRA-"+string(rune('A'+i)))
	}
	_, body := h.get("/")
	cart := cartSection(body)
	assert.Contains(t, body, "già 5 debiti")
	assert.Contains(t, cart, "Debito extra E")
	assert.NotContains(t, cart, "Debito extra F")
	assert.Contains(t, cart, "Il carrello è pieno")
}

func TestFormsNeedTheSessionToken(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)
	debts := h.demoDebts()

	// No session at all.
	st, _, _ := h.do(http.MethodPost, "/paga", url.Values{})
	assert.Equal(t, http.StatusUnauthorized, st)

	h.login()
	st, _, body := h.do(http.MethodPost, "/carrello/pendenza", url.Values{"idA2A": {debts[0].IDA2A}, "idPendenza": {debts[0].IDPendenza}})
	assert.Equal(t, http.StatusForbidden, st)
	assert.Contains(t, body, "Richiesta rifiutata")
	st, _, _ = h.do(http.MethodPost, "/paga", url.Values{"csrf": {strings.Repeat("0", 32)}})
	assert.Equal(t, http.StatusForbidden, st)
	assert.Zero(t, h.fake.Count(govpaytest.OpStartPagamento))
}

// pay fills the cart with one debt of the position and the paper notice,
// starts the payment and checks the redirect to the fake's page.
func (h *harness) pay(pagePath string) (string, []govpaytest.Pendenza) {
	h.t.Helper()
	h.login()
	debt, notice := h.demoDebts()[0], h.paperNotice()
	h.post("/carrello/pendenza", "idA2A", debt.IDA2A, "idPendenza", debt.IDPendenza)
	h.post("/carrello/avviso", "idDominio", notice.IDDominio, "numeroAvviso", notice.NumeroAvviso)
	st, loc, body := h.post("/paga")
	require.Equal(h.t, http.StatusSeeOther, st, body)
	require.True(h.t, strings.HasPrefix(loc, h.fake.URL+pagePath), "redirect %q to the fake's page %s", loc, pagePath)
	_, home := h.get("/")
	assert.Contains(h.t, home, `id="carrello-vuoto"`, "the cart is emptied once the payment started")
	return loc, []govpaytest.Pendenza{debt, notice}
}

func TestPayAndOutcome(t *testing.T) {
	for _, tc := range modes {
		t.Run(string(tc.mode), func(t *testing.T) {
			h := newHarness(t, tc.mode)
			page, paid := h.pay(tc.page)
			ret, err := h.fake.Pay(page, govpaytest.ChoicePaga)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(ret, h.srv.URL+"/esito?t="), "return URL %q", ret)

			st, body := h.get(ret)
			require.Equal(t, http.StatusOK, st)
			assert.Contains(t, body, `data-stato="PAID"`)
			assert.Contains(t, body, "Pagamento eseguito")
			assert.NotContains(t, body, `http-equiv="refresh"`)
			for _, p := range paid {
				assert.Contains(t, body, p.Causale)
			}
			links := regexp.MustCompile(`href="(/ricevuta\?[^"]+)"`).FindAllStringSubmatch(body, -1)
			require.Len(t, links, 2, "one receipt per debt")

			// The receipts are PDFs served by GovPay (API Ragioneria).
			for _, l := range links {
				resp, err := h.client.Get(h.srv.URL + l[1])
				require.NoError(t, err)
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
				assert.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
				assert.True(t, strings.HasPrefix(string(b), "%PDF-"), "a PDF document")
			}

			// The position now shows the debt as paid.
			_, home := h.get("/")
			row := home[strings.Index(home, `data-id="`+paid[0].IDPendenza+`"`):]
			row = row[:strings.Index(row, "</tr>")]
			assert.Contains(t, row, "Pagata")
			assert.NotContains(t, row, "Aggiungi al carrello")

			// POST /pagamenti or POST /carts was sent exactly once.
			starts := h.fake.Count(govpaytest.OpStartPagamento) + h.fake.Count(govpaytest.OpPostCarts)
			assert.Equal(t, 1, starts)
		})
	}
}

func TestOutcomeNotPaidAndRetry(t *testing.T) {
	for _, tc := range []struct {
		mode   portale.Mode
		page   string
		choice govpaytest.Choice
	}{
		{portale.ModeLegacy, "/wisp/", govpaytest.ChoiceErrore},
		{portale.ModeCheckout, "/checkout/", govpaytest.ChoiceAnnulla},
		{portale.ModeBridge, "/checkout/", govpaytest.ChoiceErrore},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			h := newHarness(t, tc.mode)
			page, items := h.pay(tc.page)
			ret, err := h.fake.Pay(page, tc.choice)
			require.NoError(t, err)
			_, body := h.get(ret)
			assert.Contains(t, body, `data-stato="NOT_PAID"`)
			assert.Contains(t, body, "Pagamento non eseguito")
			assert.NotContains(t, body, "/ricevuta?")
			m := regexp.MustCompile(`name="t" value="([0-9a-f]+)"`).FindStringSubmatch(body)
			require.NotNil(t, m, "the page offers to put the debts back in the cart")

			st, loc, _ := h.post("/esito/riprova", "t", m[1])
			assert.Equal(t, http.StatusSeeOther, st)
			assert.Equal(t, "/", loc)
			_, home := h.get("/")
			for _, p := range items {
				assert.Contains(t, cartSection(home), p.Causale)
			}
			_, body = h.get(ret)
			assert.NotContains(t, body, `id="riprova"`, "the debts can be put back once")
		})
	}
}

func TestOutcomePending(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)
	h.pay("/wisp/")
	// The payer comes back before paying (or reloads the page): GovPay says
	// IN_CORSO.
	var attempt string
	for _, s := range h.fake.Pagamenti() {
		attempt = s.IDSessionePortale
	}
	require.NotEmpty(t, attempt)
	st, body := h.get("/esito?t=" + url.QueryEscape(attempt))
	assert.Equal(t, http.StatusOK, st)
	assert.Contains(t, body, `data-stato="PENDING"`)
	assert.Contains(t, body, `http-equiv="refresh"`)
}

func TestOutcomeRefusals(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)
	page, _ := h.pay("/wisp/")
	ret, err := h.fake.Pay(page, govpaytest.ChoicePaga)
	require.NoError(t, err)

	st, body := h.get(strings.Replace(ret, "esito=OK", "esito=OK&esito=ERROR", 1))
	assert.Equal(t, http.StatusBadRequest, st, "two different esiti")
	assert.Contains(t, body, "esito")

	st, _ = h.get("/esito?t=" + strings.Repeat("a", 32) + "&esito=OK")
	assert.Equal(t, http.StatusNotFound, st, "an attempt of no session")
	st, _ = h.get("/ricevuta?t=" + strings.Repeat("a", 32) + "&i=0")
	assert.Equal(t, http.StatusNotFound, st)
	u, _ := url.Parse(ret)
	st, _ = h.get("/ricevuta?t=" + u.Query().Get("t") + "&i=7")
	assert.Equal(t, http.StatusNotFound, st, "an index outside the attempt")

	// A browser logged in as another payer sees nothing of it.
	other := newHarness(t, portale.ModeLegacy)
	other.srv, other.app = h.srv, h.app
	st, _, _ = other.do(http.MethodPost, "/accedi", url.Values{"cf": {otherCF}})
	require.Equal(t, http.StatusSeeOther, st)
	st, _ = other.get(ret)
	assert.Equal(t, http.StatusNotFound, st)
	st, _ = other.get("/ricevuta?t=" + u.Query().Get("t") + "&i=0")
	assert.Equal(t, http.StatusNotFound, st)

	// Without a session (logged out, another replica, a restart) the
	// attempt's id in the return URL (128 random bits) opens its outcome.
	h.post("/esci")
	st, body = h.get(ret)
	assert.Equal(t, http.StatusOK, st)
	assert.Contains(t, body, `data-stato="PAID"`)
	assert.NotContains(t, body, `id="riprova"`)

	// Ids that are not the portal's never reach the store.
	for _, bad := range []string{"../../etc/passwd", strings.Repeat("A", 32), "", strings.Repeat("a", 33)} {
		st, _ = h.get("/esito?t=" + url.QueryEscape(bad) + "&esito=OK")
		assert.Equal(t, http.StatusNotFound, st, bad)
	}
}

// otherCF is a valid codice fiscale that is not the demo citizen's.
const otherCF = "RSSMRA85T10A562S"

func TestStartFailureKeepsTheCart(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)
	h.login()
	debt := h.demoDebts()[0]
	h.post("/carrello/pendenza", "idA2A", debt.IDA2A, "idPendenza", debt.IDPendenza)
	// GovPay fails after receiving the request: the outcome is unknown, the
	// portal says so and does not start again by itself.
	h.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusServiceUnavailable}, 1)
	st, loc, _ := h.post("/paga")
	assert.Equal(t, http.StatusSeeOther, st)
	assert.Equal(t, "/", loc)
	_, body := h.get("/")
	assert.Contains(t, body, "Non sappiamo se il pagamento è partito")
	assert.Contains(t, cartSection(body), debt.Causale)
	assert.Equal(t, 1, h.fake.Count(govpaytest.OpStartPagamento), "POST /pagamenti is never repeated")

	// A refusal is shown with GovPay's words, the cart kept.
	h.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusUnprocessableEntity, Codice: "PAG_013"}, 1)
	h.post("/paga")
	_, body = h.get("/")
	assert.Contains(t, body, "GovPay ha rifiutato la richiesta")
	assert.Contains(t, body, "[PAG_013]")
	assert.Contains(t, cartSection(body), debt.Causale)

	// An empty cart is not sent.
	h.post("/carrello/rimuovi", "chiave", "avviso/"+debt.IDDominio+"/"+debt.NumeroAvviso)
	h.post("/carrello/rimuovi", "chiave", "pendenza/"+debt.IDA2A+"/"+debt.IDPendenza)
	h.post("/paga")
	_, body = h.get("/")
	assert.Contains(t, body, "Il carrello è vuoto")
	assert.Equal(t, 2, h.fake.Count(govpaytest.OpStartPagamento))
}

func TestSecurityHeadersAndNotFound(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)
	resp, err := h.client.Get(h.srv.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")

	st, _ := h.get("/nessuna-pagina")
	assert.Equal(t, http.StatusNotFound, st)
	st, css := h.get("/static/style.css")
	assert.Equal(t, http.StatusOK, st)
	assert.Contains(t, css, ".scheda")

	h.login()
	for _, c := range h.client.Jar.Cookies(mustURL(h.srv.URL)) {
		assert.Len(t, c.Value, 32, "the cookie holds only a random id")
	}
}

// sessions returns the number of live sessions in the harness's store.
func (h *harness) sessions() int {
	h.t.Helper()
	n, err := h.app.Sessions(h.t.Context())
	require.NoError(h.t, err)
	return n
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// TestOutcomeOnAnotherReplica starts a payment on one portal and brings the
// payer back to another (a second replica behind the load balancer, or the
// same portal after a restart): it shares only the AvvioStore, knows
// neither the session nor anything of the payment in memory, and resolves
// it.
func TestOutcomeOnAnotherReplica(t *testing.T) {
	for _, tc := range modes {
		t.Run(string(tc.mode), func(t *testing.T) {
			fake := newFake(t, tc.mode)
			dir := t.TempDir()
			a := newReplica(t, fake, tc.mode, dir)
			page, paid := a.pay(tc.page)
			ret, err := fake.Pay(page, govpaytest.ChoicePaga)
			require.NoError(t, err)
			a.srv.Close() // replica A is gone

			b := newReplica(t, fake, tc.mode, dir) // the same directory, other store values
			assert.Empty(t, b.client.Jar.Cookies(mustURL(b.srv.URL)), "the browser comes back without a session")
			u, err := url.Parse(ret)
			require.NoError(t, err)
			st, body := b.get(b.srv.URL + u.RequestURI()) // the load balancer sends the return to B
			require.Equal(t, http.StatusOK, st, body)
			assert.Contains(t, body, `data-stato="PAID"`)
			for _, p := range paid {
				assert.Contains(t, body, p.Causale, "B shows what A stored")
			}
			links := regexp.MustCompile(`href="(/ricevuta\?[^"]+)"`).FindAllStringSubmatch(body, -1)
			require.Len(t, links, 2)
			resp, err := b.client.Get(b.srv.URL + html.UnescapeString(links[1][1]))
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode, "B serves the receipt")
			assert.Empty(t, b.client.Jar.Cookies(mustURL(b.srv.URL)), "B resolved without any session")
		})
	}
}

// TestOutcomeUnknownEsito: an esito pagoPA may add later is no error: the
// payer sees that the payment is being checked, and the page reloads.
func TestOutcomeUnknownEsito(t *testing.T) {
	for _, tc := range []struct {
		mode portale.Mode
		page string
	}{
		{portale.ModeLegacy, "/wisp/"},
		{portale.ModeCheckout, "/checkout/"},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			h := newHarness(t, tc.mode)
			page, _ := h.pay(tc.page)
			ids := h.attempts()
			require.Len(t, ids, 1, "the started payment is stored")
			attempt := ids[0]
			st, body := h.get("/esito?t=" + attempt + "&esito=MAYBE")
			assert.Equal(t, http.StatusOK, st)
			assert.Contains(t, body, `data-stato="PENDING"`)
			assert.Contains(t, body, "Stiamo verificando il pagamento")
			assert.Contains(t, body, `http-equiv="refresh"`)
			assert.Contains(t, body, "MAYBE", "the hint is shown as received")

			// Once paid, the same return shows the truth.
			_, err := h.fake.Pay(page, govpaytest.ChoicePaga)
			require.NoError(t, err)
			_, body = h.get("/esito?t=" + attempt + "&esito=MAYBE")
			assert.Contains(t, body, `data-stato="PAID"`)
		})
	}
}

// TestStoredAttemptDamaged: a stored payment that does not decode is an
// error page, never a wrong outcome.
func TestStoredAttemptDamaged(t *testing.T) {
	dir := t.TempDir()
	fake := govpaytest.NewServer(govpaytest.WithDemoData())
	t.Cleanup(fake.Close)
	h := newReplica(t, fake, portale.ModeLegacy, dir)
	page, _ := h.pay("/wisp/")
	ret, err := fake.Pay(page, govpaytest.ChoicePaga)
	require.NoError(t, err)
	u, _ := url.Parse(ret)
	id := u.Query().Get("t")
	b, err := os.ReadFile(filepath.Join(dir, id+".json"))
	require.NoError(t, err)
	for name, bad := range map[string][]byte{
		"truncated":  b[:len(b)/2],
		"another id": []byte(strings.Replace(string(b), `{"version":1,"id":"`, `{"version":1,"id":"0`, 1)),
		"bad notice": []byte(strings.Replace(string(b), `"numeroAvviso":"3`, `"numeroAvviso":"9`, 1)),
		"bad mode":   []byte(strings.Replace(string(b), `"mode":"legacy","id"`, `"mode":"wisp","id"`, 1)),
		"no version": []byte(strings.Replace(string(b), `"version":1,`, ``, -1)),
	} {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, string(b), string(bad))
			require.NoError(t, os.WriteFile(filepath.Join(dir, id+".json"), bad, 0o600))
			st, body := h.get(ret)
			assert.Equal(t, http.StatusInternalServerError, st)
			assert.NotContains(t, body, `data-stato="PAID"`)
		})
	}
}

func TestDirStore(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := portale.NewDirStore(filepath.Join(dir, "sub"))
	require.NoError(t, err)
	id := strings.Repeat("0a", 16)
	_, err = s.Load(ctx, id)
	require.ErrorIs(t, err, portale.ErrAvvioNotFound)
	require.NoError(t, s.Save(ctx, id, []byte(`{"a":1}`)))
	require.NoError(t, s.Save(ctx, id, []byte(`{"a":2}`)))
	got, err := s.Load(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, `{"a":2}`, string(got), "Save replaces")
	entries, err := os.ReadDir(s.Dir())
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")

	for _, bad := range []string{"../" + id[3:], id + "/", strings.ToUpper(id), ""} {
		require.Error(t, s.Save(ctx, bad, []byte("x")), bad)
		_, err := s.Load(ctx, bad)
		require.ErrorIs(t, err, portale.ErrAvvioNotFound, bad)
	}
	_, err = portale.NewDirStore("")
	require.Error(t, err)
}
