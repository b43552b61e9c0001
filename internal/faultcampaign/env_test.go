package faultcampaign

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// fastRetry is the policy of every client of the campaign: three attempts,
// millisecond backoff, Retry-After honoured up to 2 s.
var fastRetry = govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, MaxRetryAfter: 2 * time.Second}

// Demo identities used by the fixtures.
const (
	idA2A     = "A2A-CAMPAGNA"
	idDominio = "01234567890"
	debitore  = "RSSMRA80A01H501U"
)

// ledger counts the payment starts the campaign made (Client.Start and
// Checkout.Start calls with a live context) and the ones the fake servers
// received (OpStartPagamento + OpPostCarts), to prove that none was sent
// twice.
type ledger struct {
	calls    atomic.Int64
	received atomic.Int64
}

// global sums every test's payment starts; TestMain checks it.
var global ledger

func (l *ledger) called() {
	l.calls.Add(1)
	global.calls.Add(1)
}

func (l *ledger) receivedN(n int) {
	l.received.Add(int64(n))
	global.received.Add(int64(n))
}

// env is one fake GovPay behind a fault middleware, with the SDK's clients
// pointed at it. Clients built by clients() are the ones under test; the
// setup clients prepare the state before faults are armed.
type env struct {
	t      *testing.T
	fake   *govpaytest.Server
	srv    *httptest.Server
	mw     *middleware
	ledger *ledger
	base   string
	setup  *clientSet
}

// clientSet holds one client of every kind over one transport.
type clientSet struct {
	tr        *http.Transport
	avvisi    *avvisi.Client
	pendenze  *pendenze.Client
	pagamenti *pagamenti.Client
	checkout  *pagamenti.Checkout // v1
	checkout2 *pagamenti.Checkout // v2
	ricevute  *ricevute.Client
	resolver  *pagamenti.Resolver
}

// newEnv starts a fake GovPay in mode m behind a fault middleware; both are
// closed when the test ends.
func newEnv(t *testing.T, l *ledger, m govpaytest.Mode) *env {
	t.Helper()
	mw := &middleware{}
	srv := httptest.NewUnstartedServer(mw)
	base := "http://" + srv.Listener.Addr().String()
	fake := govpaytest.NewUnstartedServer(govpaytest.WithPublicURL(base), govpaytest.WithMode(m))
	mw.next = fake.Handler()
	srv.Start()
	e := &env{t: t, fake: fake, srv: srv, mw: mw, ledger: l, base: base}
	t.Cleanup(func() {
		srv.Close()
		fake.Close()
		l.receivedN(fake.Count(govpaytest.OpStartPagamento) + fake.Count(govpaytest.OpPostCarts) +
			mw.answeredFor(http.MethodPost, "/pagamenti") + mw.answeredFor(http.MethodPost, "/carts"))
	})
	e.setup = e.clients(10 * time.Second)
	return e
}

// clients builds one client of every kind with the fast retry policy,
// an http.Client timeout and its own transport (closed when the test ends,
// so goleak sees no idle connection).
func (e *env) clients(timeout time.Duration) *clientSet {
	e.t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	e.t.Cleanup(tr.CloseIdleConnections)
	opts := []govpay.Option{
		govpay.WithRetry(fastRetry),
		govpay.WithHTTPClient(&http.Client{Timeout: timeout, Transport: tr}),
		govpay.WithInsecureRedirect(), // the fake serves plain http
	}
	cs := &clientSet{tr: tr}
	var err error
	must := func(what string) {
		if err != nil {
			e.t.Fatalf("%s: %v", what, err)
		}
	}
	// One Config for every client (one pool: tr), each API at the fake's
	// base path.
	cfg := testutil.Config(e.t, govpay.APIPagamento, e.base+govpaytest.PagamentoBasePath, append(opts,
		govpay.WithEndpoint(govpay.APIPendenze, e.base+govpaytest.PendenzeBasePath),
		govpay.WithEndpoint(govpay.APIRagioneria, e.base+govpaytest.RagioneriaBasePath))...)
	cs.avvisi = avvisi.New(cfg)
	cs.pendenze = pendenze.New(cfg)
	cs.pagamenti = pagamenti.New(cfg)
	cs.checkout, err = pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: e.base + govpaytest.CheckoutBasePath, SubscriptionKey: "chiave-di-prova"})
	must("pagamenti.NewCheckout v1")
	cs.checkout2, err = pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: e.base + govpaytest.CheckoutV2BasePath, SubscriptionKey: "chiave-di-prova"})
	must("pagamenti.NewCheckout v2")
	cs.ricevute = ricevute.New(cfg)
	cs.resolver = pagamenti.NewResolver(cs.pagamenti, cs.ricevute)
	return cs
}

// start is Client.Start, counted in the ledger.
func (e *env) start(ctx context.Context, c *pagamenti.Client, cart *pagamenti.Cart, o pagamenti.StartOptions) (*pagamenti.Avvio, error) {
	if ctx.Err() == nil {
		e.ledger.called()
	}
	return c.Start(ctx, cart, o)
}

// checkoutStart is Checkout.Start, counted in the ledger.
func (e *env) checkoutStart(ctx context.Context, c *pagamenti.Checkout, cart *pagamenti.Cart, o pagamenti.CheckoutStartOptions) (*pagamenti.Avvio, error) {
	if ctx.Err() == nil {
		e.ledger.called()
	}
	return c.Start(ctx, cart, o)
}

// pendenza returns a valid one-voce pendenza of importo cents.
func pendenza(causale string, importo int64) pendenze.Pendenza {
	imp := govpay.Centesimi(importo)
	return pendenze.Pendenza{
		IDTipoPendenza: "LIBERO",
		IDDominio:      idDominio,
		Causale:        causale,
		SoggettoPagatore: govpay.Soggetto{
			Tipo: govpay.SoggettoFisico, Identificativo: debitore, Anagrafica: "Mario Rossi",
		},
		Importo:      imp,
		DataScadenza: govpay.NewDate(2030, 12, 31),
		Voci:         []pendenze.Voce{pendenze.VoceEntrata("1", imp, causale, pendenze.Entrata{CodEntrata: "SEGRETERIA"})},
	}
}

// loaded is a pendenza the fake holds.
type loaded struct {
	id           string
	p            pendenze.Pendenza // with NumeroAvviso set
	numeroAvviso string
}

// addPendenza loads a pendenza straight into the fake (no request).
func (e *env) addPendenza(id string) loaded {
	e.t.Helper()
	p := pendenza("Diritti di segreteria "+id, 1650)
	nav, err := e.fake.AddPendenza(idA2A, id, p)
	if err != nil {
		e.t.Fatalf("AddPendenza %s: %v", id, err)
	}
	p.NumeroAvviso = nav
	return loaded{id: id, p: p, numeroAvviso: nav}
}

// returnURL is where the fake's payment pages send the browser back.
const returnURL = "https://portale.example.it/ritorno"

// paid is a pendenza paid in legacy mode: GovPay's payment, its receipt.
type paid struct {
	loaded
	avvio    *pagamenti.Avvio
	cart     *pagamenti.Cart
	ret      pagamenti.Return
	ricevuta govpaytest.Ricevuta
}

// payLegacy loads a pendenza and pays it through the fake WISP (the fake
// must be in legacy mode).
func (e *env) payLegacy(ctx context.Context, id string) paid {
	e.t.Helper()
	l := e.addPendenza(id)
	cart := pagamenti.NewCart().AddRiferimento(idA2A, id)
	a, err := e.start(ctx, e.setup.pagamenti, cart, pagamenti.StartOptions{URLRitorno: returnURL, IDSessionePortale: "setup-" + id})
	if err != nil {
		e.t.Fatalf("setup Start: %v", err)
	}
	back, err := e.fake.Pay(a.Redirect, govpaytest.ChoicePaga)
	if err != nil {
		e.t.Fatalf("setup Pay: %v", err)
	}
	ret := parseReturn(e.t, back)
	p := paid{loaded: l, avvio: a, cart: cart, ret: ret}
	for _, r := range e.fake.Ricevute() {
		if r.IDPendenza == id {
			p.ricevuta = r
		}
	}
	if p.ricevuta.IDRicevuta == "" {
		e.t.Fatalf("setup: no receipt for %s", id)
	}
	return p
}

// payCheckout loads a pendenza and pays it through pagoPA Checkout (POST
// /carts v2 and the fake Checkout page).
func (e *env) payCheckout(ctx context.Context, id string) paid {
	e.t.Helper()
	l := e.addPendenza(id)
	cart := pagamenti.NewCart().AddPendenza(idA2A, id, l.p)
	a, err := e.checkoutStart(ctx, e.setup.checkout2, cart, checkoutOptions(2))
	if err != nil {
		e.t.Fatalf("setup Checkout.Start: %v", err)
	}
	back, err := e.fake.Pay(a.Redirect, govpaytest.ChoicePaga)
	if err != nil {
		e.t.Fatalf("setup Pay: %v", err)
	}
	p := paid{loaded: l, avvio: a, cart: cart, ret: parseReturn(e.t, back)}
	for _, r := range e.fake.Ricevute() {
		if r.NumeroAvviso == l.numeroAvviso {
			p.ricevuta = r
		}
	}
	if p.ricevuta.IDRicevuta == "" {
		e.t.Fatalf("setup: no receipt for %s", id)
	}
	return p
}

func parseReturn(t *testing.T, back string) pagamenti.Return {
	t.Helper()
	i := strings.IndexByte(back, '?')
	if i < 0 {
		t.Fatalf("return URL without query: %q", back)
	}
	q, err := url.ParseQuery(back[i+1:])
	if err != nil {
		t.Fatalf("return URL %q: %v", back, err)
	}
	r, err := pagamenti.ParseReturn(q)
	if err != nil {
		t.Fatalf("ParseReturn(%q): %v", back, err)
	}
	return r
}

// checkoutOptions are valid options of a Checkout.Start of version v.
func checkoutOptions(v int) pagamenti.CheckoutStartOptions {
	o := pagamenti.CheckoutStartOptions{
		ReturnOK:     returnURL + "?esito=OK",
		ReturnCancel: returnURL + "?esito=CANCEL",
		ReturnError:  returnURL + "?esito=ERROR",
		CompanyName:  "Comune di Prova",
		Version:      v,
	}
	if v == 2 {
		o.ReturnWaiting = returnURL + "?esito=DIFFERITO"
	}
	return o
}

// ---- middleware: faults govpaytest does not make ----

type mwFault int

const (
	mwNone mwFault = iota
	// mwStallBody lets the fake serve the request, sends the headers and
	// half of the body, then stalls until the client goes away.
	mwStallBody
	// mwLate lets the fake serve the request (its effects happen) and
	// holds the answer back until the client goes away (or hold passes).
	mwLate
	// mwHugePage answers, instead of the fake, 502 with a 10 MB HTML page,
	// as a proxy dumping a big error page does.
	mwHugePage
	// mwInflate lets the fake serve the request and inflates its answer
	// to 10 MB without changing its meaning: a JSON object gets a 10 MB
	// unknown field, other bodies (PDF, XML) 10 MB of trailing new lines.
	mwInflate
	// mwForeign lets the fake serve the request and makes its answer
	// describe something not asked: a list gets, after its first item, a
	// copy of it whose field (the middleware's field, a dotted JSON path)
	// is "ALTRO"; a single resource gets that field changed.
	mwForeign
	// mwOverfull lets the fake serve the request and repeats the first
	// item of its list until the page holds one more item than the
	// risultatiPerPagina asked (25 when not asked, GovPay's default).
	mwOverfull
)

// rewrite returns body (a JSON answer to r) changed by fault f (mwForeign or
// mwOverfull) on field; ok is false when there was nothing to change.
func rewrite(f mwFault, r *http.Request, body []byte, field string) (out []byte, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // amounts stay exact
	var doc map[string]any
	if dec.Decode(&doc) != nil {
		return body, false
	}
	items, _ := doc["risultati"].([]any)
	switch {
	case f == mwOverfull && len(items) > 0:
		per, err := strconv.Atoi(r.URL.Query().Get("risultatiPerPagina"))
		if err != nil || per < 1 {
			per = 25
		}
		for len(items) <= per {
			items = append(items, items[0])
		}
		doc["risultati"] = items
	case f == mwForeign && len(items) > 0:
		first, _ := items[0].(map[string]any)
		foreign := deepCopy(first)
		if !setPath(foreign, field, "ALTRO") {
			return body, false
		}
		doc["risultati"] = append(items, foreign)
	case f == mwForeign && items == nil:
		if !setPath(doc, field, "ALTRO") {
			return body, false
		}
	default:
		return body, false
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return body, false
	}
	return out, true
}

// setPath sets the string at the dotted path in m; false when the path does
// not lead to a field of an object.
func setPath(m map[string]any, path, v string) bool {
	head, rest, nested := strings.Cut(path, ".")
	if m == nil || path == "" {
		return false
	}
	if !nested {
		m[head] = v
		return true
	}
	sub, _ := m[head].(map[string]any)
	return setPath(sub, rest, v)
}

// deepCopy copies a decoded JSON object.
func deepCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	_ = dec.Decode(&out)
	return out
}

// inflate returns body grown to at least 10 MB, meaning the same.
func inflate(body []byte) []byte {
	const size = 10 << 20
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		pad := bytes.Repeat([]byte("x"), size)
		out := make([]byte, 0, len(body)+size+32)
		out = append(out, `{"zzPadding":"`...)
		out = append(out, pad...)
		out = append(out, '"')
		if rest := bytes.TrimLeft(trimmed[1:], " \t\r\n"); len(rest) > 0 && rest[0] != '}' {
			out = append(out, ',')
		}
		return append(out, trimmed[1:]...)
	}
	return append(append([]byte(nil), body...), bytes.Repeat([]byte("\n"), size)...)
}

// hugePage is a 10 MB HTML error page.
var hugePage = sync.OnceValue(func() []byte {
	const head, tail = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><pre>", "</pre></body></html>\n"
	b := make([]byte, 0, 10<<20)
	b = append(b, head...)
	b = append(b, bytes.Repeat([]byte("upstream trace "), (10<<20-len(head)-len(tail))/15)...)
	b = append(b, tail...)
	return append(b, bytes.Repeat([]byte(" "), 10<<20-len(b))...)
})

// middleware sits in front of the fake and breaks the next matching
// request with a fault of its own.
type middleware struct {
	next http.Handler

	mu      sync.Mutex
	preRead bool // read every request body before the fake sees it
	fault   mwFault
	method  string
	path    string // substring of the request path
	count   int
	hold    time.Duration
	// field is the dotted JSON path mwForeign changes; rewritten counts
	// the answers mwForeign and mwOverfull changed.
	field     string
	rewritten int
	// answered counts the requests the middleware answered itself, by
	// "METHOD path".
	answered map[string]int
}

// answeredFor returns how many requests whose method is method and whose
// path contains path the middleware answered itself.
func (m *middleware) answeredFor(method, path string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, c := range m.answered {
		meth, p, _ := strings.Cut(k, " ")
		if meth == method && strings.Contains(p, path) {
			n += c
		}
	}
	return n
}

// arm breaks the next count requests (count < 0: every one) whose method is
// method and whose path contains path.
func (m *middleware) arm(f mwFault, method, path string, count int, hold time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fault, m.method, m.path, m.count, m.hold = f, method, path, count, hold
}

// armRewrite makes the next answer to method and path (a substring) go
// through fault f (mwForeign or mwOverfull) on field.
func (m *middleware) armRewrite(f mwFault, method, path, field string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fault, m.method, m.path, m.count, m.field = f, method, path, 1, field
}

func (m *middleware) fieldOf() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.field
}

func (m *middleware) rewrote() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rewritten++
}

// rewrites returns how many answers mwForeign and mwOverfull changed.
func (m *middleware) rewrites() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rewritten
}

// readBodies makes the middleware read every request body before the fake
// sees it. The fake's Latency ends early when the client goes away, but the
// server only notices that once the body has been read: without this, a
// request with a body keeps its handler (and the server's Close) waiting for
// the whole latency.
func (m *middleware) readBodies() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.preRead = true
}

func (m *middleware) take(r *http.Request) (f mwFault, hold time.Duration, preRead bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.count == 0 || r.Method != m.method || !strings.Contains(r.URL.Path, m.path) {
		return mwNone, 0, m.preRead
	}
	if m.count > 0 {
		m.count--
	}
	if m.fault == mwHugePage {
		if m.answered == nil {
			m.answered = map[string]int{}
		}
		m.answered[r.Method+" "+r.URL.Path]++
	}
	return m.fault, m.hold, m.preRead
}

func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, hold, preRead := m.take(r)
	if preRead && r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	switch f {
	case mwStallBody:
		m.next.ServeHTTP(&stallWriter{ResponseWriter: w, done: r.Context().Done()}, r)
	case mwLate:
		b := &bufferWriter{header: http.Header{}}
		m.next.ServeHTTP(b, r)
		t := time.NewTimer(hold)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return // the client gave up: the answer is lost
		case <-t.C:
		}
		for k, v := range b.header {
			w.Header()[k] = v
		}
		if b.status == 0 {
			b.status = http.StatusOK
		}
		w.WriteHeader(b.status)
		_, _ = w.Write(b.body)
	case mwInflate:
		b := &bufferWriter{header: http.Header{}}
		m.next.ServeHTTP(b, r)
		if len(b.body) > 0 && b.status < 300 {
			b.body = inflate(b.body)
		}
		for k, v := range b.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b.body)))
		if b.status == 0 {
			b.status = http.StatusOK
		}
		w.WriteHeader(b.status)
		_, _ = w.Write(b.body)
	case mwForeign, mwOverfull:
		b := &bufferWriter{header: http.Header{}}
		m.next.ServeHTTP(b, r)
		if b.status == 0 {
			b.status = http.StatusOK
		}
		if b.status == http.StatusOK {
			if out, ok := rewrite(f, r, b.body, m.fieldOf()); ok {
				b.body = out
				m.rewrote()
			}
		}
		for k, v := range b.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b.body)))
		w.WriteHeader(b.status)
		_, _ = w.Write(b.body)
	case mwHugePage:
		_, _ = io.Copy(io.Discard, r.Body)
		page := hugePage()
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", strconv.Itoa(len(page)))
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write(page) // fails when the client stops reading: that is the point
	default:
		m.next.ServeHTTP(w, r)
	}
}

// stallWriter sends half of the first body write, flushes, and blocks
// until done.
type stallWriter struct {
	http.ResponseWriter
	done    <-chan struct{}
	stalled bool
}

func (s *stallWriter) Write(p []byte) (int, error) {
	if s.stalled || len(p) == 0 {
		return len(p), nil
	}
	s.stalled = true
	n, err := s.ResponseWriter.Write(p[:len(p)/2])
	if err != nil {
		return n, err
	}
	_ = http.NewResponseController(s.ResponseWriter).Flush()
	<-s.done
	return len(p), nil
}

// Unwrap lets http.ResponseController reach the connection.
func (s *stallWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// bufferWriter records an answer.
type bufferWriter struct {
	header http.Header
	status int
	body   []byte
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body = append(b.body, p...)
	return len(p), nil
}
