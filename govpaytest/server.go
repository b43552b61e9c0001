package govpaytest

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/transport"
)

var rome = govpay.Rome()

// HeaderIDTransazione is the header in which GovPay names the transaction of
// every answer; the fake sends it on every answer of the GovPay APIs.
const HeaderIDTransazione = "X-Govpay-IdTransazione"

// Base paths of the APIs, as a default GovPay installation serves them
// ("basic" is the authentication segment: the fake serves the segments
// GovPay serves each API under, see the package documentation).
const (
	PendenzeBasePath   = "/govpay/backend/api/pendenze/rs/basic/v2"
	PagamentoBasePath  = "/govpay/frontend/api/pagamento/rs/basic/v2"
	RagioneriaBasePath = "/govpay/backend/api/ragioneria/rs/basic/v3"
	CheckoutBasePath   = "/checkout/ec/v1"
	CheckoutV2BasePath = "/checkout/ec/v2"
)

// maxRequestBody bounds the request bodies the fake reads.
const maxRequestBody = 8 << 20

// Mode is how POST /pagamenti answers, that is which kind of GovPay station
// the fake impersonates.
type Mode string

// The payment start modes.
const (
	// ModeLegacy: GovPay ≤ 3.9 with a V1 station (WISP, "Modello 1"):
	// 201 {id, location, redirect, idSession}; the redirect leads to the
	// fake WISP page; the browser comes back to urlRitorno with idPagamento,
	// idSession and esito=OK|ERROR|DIFFERITO.
	ModeLegacy Mode = "legacy"
	// ModeBridge: GovPay 3.9 with a V2 station, checkout bridge answering
	// 201 {id:"0", location:"", redirect: Checkout URL, idSession:"0"};
	// the browser comes back to urlRitorno with esito=OK|ERROR|CANCEL only.
	// As GovPay, the fake records no payment for a bridged start: it is
	// absent from GET /pagamenti and from Server.Pagamenti.
	ModeBridge Mode = "bridge"
	// ModeBridge302: the checkout bridge answering a bare 302 with the
	// Checkout URL in Location.
	ModeBridge302 Mode = "bridge302"
)

// Dominio is a creditor domain (ente creditore) known to the fake.
type Dominio struct {
	// IDDominio is the 11-digit fiscal code of the creditor.
	IDDominio string
	// RagioneSociale is its name, shown on notices, receipts and pages.
	RagioneSociale string
	// CodiceSegregazione is the 2-digit segregation code used to build the
	// numeri avviso (aux digit 3) the fake assigns; default "01".
	CodiceSegregazione string
	// IBAN is the account credited by voci that reference an entrata by
	// codEntrata; default GovPay's demo IBAN.
	IBAN string
	// Entrate lists the codEntrata values the domain knows; a voce with
	// another codEntrata is refused (422 TRB_000). Nil: any is accepted.
	Entrate []string
	// TipiPendenza lists the idTipoPendenza values the domain knows; a
	// pendenza of another type is refused (422 TVD_000). Nil: any is
	// accepted.
	TipiPendenza []string
}

// defaultIBAN is the IBAN of GovPay's demo configuration (it fails mod-97:
// real GovPay demo data does).
const defaultIBAN = "IT02L1234500000999990000001"

// Option configures a Server.
type Option func(*config)

type config struct {
	addr      string
	publicURL string
	user      string
	password  string
	auth      bool
	subKey    string
	mode      Mode
	domini    []Dominio
	demo      bool
	notifiche *NotificationConfig
	clock     func() time.Time
	spontaneo SpontaneoFunc
}

// WithAddr makes NewServer listen on addr ("127.0.0.1:8081") instead of a
// random local port. NewUnstartedServer ignores it: pass the address to Start.
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithPublicURL sets the external base URL ("http://localhost:8081") the
// fake uses in the redirects and locations it sends, when it is reached
// through another name or a proxy. Default: the URL it listens on.
func WithPublicURL(u string) Option {
	return func(c *config) { c.publicURL = strings.TrimRight(u, "/") }
}

// WithBasicAuth requires HTTP Basic credentials on the GovPay APIs (except
// the "public" authentication segment): missing or wrong credentials get
// 401. The user is also the application (idA2A) of API Pendenze: as in
// GovPay, it may only read and write its own pendenze. Without this option
// any credentials, or none, are accepted.
func WithBasicAuth(user, password string) Option {
	return func(c *config) { c.user, c.password, c.auth = user, password, true }
}

// WithSubscriptionKey sets the Ocp-Apim-Subscription-Key that POST /carts
// requires. Without this option any non-empty key is accepted; a missing
// key always gets 401.
func WithSubscriptionKey(key string) Option { return func(c *config) { c.subKey = key } }

// WithMode sets how POST /pagamenti answers (default ModeLegacy; an unknown
// mode is taken as ModeLegacy).
func WithMode(m Mode) Option { return func(c *config) { c.mode = m } }

// WithDominio registers a creditor domain. Once at least one domain is
// registered, requests for other domains are refused as GovPay refuses an
// application that is not enabled for them (403); without registered
// domains every 11-digit domain is accepted and created on first use.
func WithDominio(d Dominio) Option { return func(c *config) { c.domini = append(c.domini, d) } }

// WithClock makes the fake read the time from now (for deterministic dates).
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithNotifications makes the fake deliver payment notifications to the
// creditor's API Ente described by n (see [NotificationConfig]).
func WithNotifications(n NotificationConfig) Option {
	return func(c *config) { nn := n; c.notifiche = &nn }
}

// SpontaneoFunc turns the custom data of a spontaneous payment
// (PagamentoSpontaneo {idDominio, idTipoPendenza, dati}) into the JSON of a
// NuovaPendenza of API Pagamento, as the creditor's system would (GovPay
// asks it through API Ente). An error refuses the payment (422). It runs
// with the server's state locked: it must not call the Server.
type SpontaneoFunc func(idDominio, idTipoPendenza string, dati json.RawMessage) (json.RawMessage, error)

// WithSpontaneo sets how spontaneous payments are turned into pendenze. The
// default accepts dati holding at least "importo" (and optionally "causale"
// and "soggettoPagatore") and creates a one-voce pendenza whose codEntrata
// is the idTipoPendenza.
func WithSpontaneo(f SpontaneoFunc) Option { return func(c *config) { c.spontaneo = f } }

// Server is an in-memory GovPay, with the pagoPA Checkout EC API and fake
// WISP / Checkout pages. It is safe for concurrent use.
type Server struct {
	// URL is the base URL of the server ("http://127.0.0.1:41234"), with no
	// trailing slash. It is set by NewServer and Start.
	URL string

	cfg    config
	router *router

	mu        sync.Mutex
	st        *state
	mode      Mode
	faults    map[Operation][]*faultEntry
	requests  []*Request
	counts    map[Operation]int
	seq       uint64
	txnSeq    uint64
	notif     *notifier
	listener  net.Listener
	srv       *http.Server
	started   bool
	closeOnce sync.Once
}

// String describes the server without its credentials.
func (s *Server) String() string { return "govpaytest.Server(" + s.URL + ")" }

// GoString is String, so that %#v does not print the credentials either.
func (s *Server) GoString() string { return s.String() }

// NewServer starts a fake GovPay on a random local port (or on the address
// of WithAddr) and returns it. Like httptest.NewServer it panics when it
// cannot listen; use NewUnstartedServer and Start to get an error instead.
// Close it when done.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	addr := s.cfg.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := s.Start(addr); err != nil {
		panic("govpaytest: " + err.Error())
	}
	return s
}

// NewUnstartedServer returns a fake GovPay that does not listen yet: call
// Start, or serve [Server.Handler] yourself (then set WithPublicURL).
func NewUnstartedServer(opts ...Option) *Server {
	var c config
	for _, o := range opts {
		o(&c)
	}
	c.mode = knownMode(c.mode)
	if c.clock == nil {
		c.clock = time.Now
	}
	if c.spontaneo == nil {
		c.spontaneo = defaultSpontaneo
	}
	s := &Server{
		cfg:    c,
		mode:   c.mode,
		faults: make(map[Operation][]*faultEntry),
		counts: make(map[Operation]int),
		st:     newState(),
	}
	for _, d := range c.domini {
		s.st.addDominio(d, true)
	}
	if c.demo {
		s.seedDemo()
	}
	s.router = s.routes()
	s.notif = newNotifier(s, c.notifiche)
	s.URL = c.publicURL
	return s
}

// Start listens on addr ("127.0.0.1:0" or "" for a random local port,
// "127.0.0.1:8081" for a fixed one) and serves in the background.
func (s *Server) Start(addr string) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return errors.New("server already started")
	}
	s.started = true
	s.mu.Unlock()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.listener, s.srv = ln, srv
	if s.cfg.publicURL == "" {
		s.URL = "http://" + ln.Addr().String()
	}
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// Close stops the server: it closes the listener and every connection and
// stops the delivery of notifications. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		srv := s.srv
		s.mu.Unlock()
		if srv != nil {
			_ = srv.Close()
		}
		s.notif.close()
	})
}

// Handler returns the http.Handler that serves every API of the fake, for
// mounting it in another server (set WithPublicURL then, so that the
// redirects it sends are right).
func (s *Server) Handler() http.Handler { return s.router }

// PendenzeURL returns the base URL of API Pendenze v2.
func (s *Server) PendenzeURL() string { return s.URL + PendenzeBasePath }

// PagamentoURL returns the base URL of API Pagamento v2.
func (s *Server) PagamentoURL() string { return s.URL + PagamentoBasePath }

// RagioneriaURL returns the base URL of API Ragioneria v3.
func (s *Server) RagioneriaURL() string { return s.URL + RagioneriaBasePath }

// CheckoutURL returns the base URL of the pagoPA Checkout EC API v1
// (POST {CheckoutURL}/carts).
func (s *Server) CheckoutURL() string { return s.URL + CheckoutBasePath }

// CheckoutV2URL returns the base URL of the pagoPA Checkout EC API v2.
func (s *Server) CheckoutV2URL() string { return s.URL + CheckoutV2BasePath }

// SetMode changes how POST /pagamenti answers from now on. An unknown mode
// is taken as ModeLegacy.
func (s *Server) SetMode(m Mode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mode = knownMode(m)
}

func knownMode(m Mode) Mode {
	switch m {
	case ModeBridge, ModeBridge302:
		return m
	}
	return ModeLegacy
}

// Mode returns how POST /pagamenti currently answers.
func (s *Server) Mode() Mode {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mode
}

// now returns the current time of the fake's clock.
func (s *Server) now() time.Time { return s.cfg.clock() }

// nextSeq returns a new sequence number. The caller holds s.mu.
func (s *Server) nextSeq() uint64 {
	s.seq++
	return s.seq
}

// ---- routing ----

// apiKind tells which authentication applies to a route.
type apiKind int

const (
	kindGovPay   apiKind = iota // GovPay API: Basic auth, X-Govpay-IdTransazione
	kindCheckout                // pagoPA Checkout: subscription key
	kindPage                    // fake payment pages: no auth
)

// ---- request processing ----

// reply is an answer being built.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// call is one request being served.
type call struct {
	s    *Server
	r    *http.Request
	op   Operation
	kind apiKind
	auth string // authentication segment of a GovPay API ("" elsewhere)
	body []byte
	user string
	rep  reply
	jobs []notifyJob // notifications to enqueue once the lock is released
	paid string      // id of the payment the request created (FaultPagoPA)
}

// path returns the decoded value of the {name} wildcard of the route.
func (c *call) path(name string) string { return c.r.PathValue(name) }

// writeJSON sets a JSON answer.
func (c *call) writeJSON(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.fail(&apiError{status: http.StatusInternalServerError, fb: faultBean{catInterno, "INTERNO", "Errore interno", err.Error()}})
		return
	}
	c.rep.status = status
	c.rep.header.Set("Content-Type", "application/json")
	c.rep.body = b
}

// fail sets a FaultBean answer.
func (c *call) fail(e *apiError) {
	b, _ := json.Marshal(faultBeanEsteso{e.fb, e.id, e.location})
	c.rep.status = e.status
	c.rep.header.Set("Content-Type", "application/json")
	c.rep.body = b
	if e.status == http.StatusUnauthorized {
		c.rep.header.Set("WWW-Authenticate", `Basic realm="GovPay"`)
	}
}

// serve runs a route with the fake's middleware: recording, counters,
// fault injection, authentication, transaction id. auth is the
// authentication segment of the GovPay API the path is under.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, ro route, auth string) {
	c := &call{s: s, r: r, op: ro.op, kind: ro.kind, auth: auth, rep: reply{header: make(http.Header)}}

	s.mu.Lock()
	txn := ""
	if ro.kind == kindGovPay {
		s.txnSeq++
		txn = fmt.Sprintf("%08x-6f76-4000-8000-%012x", s.now().Unix()&0xffffffff, s.txnSeq)
	}
	rec := &Request{
		Time:          s.now(),
		Operation:     ro.op,
		Method:        r.Method,
		Path:          receivedPath(r),
		Query:         cloneValues(r.URL.Query()),
		Header:        redactHeader(r.Header),
		IDTransazione: txn,
	}
	s.requests = append(s.requests, rec)
	if ro.op != "" {
		s.counts[ro.op]++
	}
	fault, faulty := Fault{}, false
	if ro.op != "" {
		fault, faulty = s.takeFault(ro.op)
	}
	s.mu.Unlock()

	finish := func(status int, respBody []byte) {
		s.mu.Lock()
		rec.Status = status
		rec.Body = c.body
		rec.ResponseBody = respBody
		s.mu.Unlock()
	}

	if faulty && fault.Latency > 0 && !transport.Sleep(r.Context(), fault.Latency) {
		finish(0, nil)
		return
	}
	if faulty && fault.Kind == FaultDropBeforeRead {
		finish(0, nil)
		hijackClose(w)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	c.body = body
	if faulty && fault.Kind == FaultDropAfterRead {
		finish(0, nil)
		hijackClose(w)
		return
	}
	switch {
	case err != nil:
		c.fail(errSintassi("lettura della richiesta fallita: %v", err))
	case len(body) > maxRequestBody:
		c.fail(errSintassi("richiesta troppo grande"))
	default:
		s.serveAuthenticated(c, ro, faulty, fault)
	}

	if txn != "" {
		c.rep.header.Set(HeaderIDTransazione, txn)
	}
	for _, j := range c.jobs {
		s.notif.enqueue(j)
	}
	if faulty {
		switch fault.Kind {
		case FaultDropAfterServe:
			finish(0, nil)
			hijackClose(w)
			return
		case FaultTruncatedBody:
			finish(c.rep.status, c.rep.body)
			writeTruncated(w, c.rep)
			return
		case FaultWrongContentType:
			if len(c.rep.body) > 0 {
				c.rep.header.Set("Content-Type", "text/html; charset=utf-8")
			}
		}
	}
	for k, v := range c.rep.header {
		w.Header()[k] = v
	}
	if c.rep.status == 0 {
		c.rep.status = http.StatusOK
	}
	if len(c.rep.body) > 0 && c.rep.header.Get("Content-Length") == "" {
		w.Header().Set("Content-Length", fmt.Sprint(len(c.rep.body)))
	}
	finish(c.rep.status, c.rep.body)
	w.WriteHeader(c.rep.status)
	_, _ = w.Write(c.rep.body)
}

// serveAuthenticated checks credentials, applies the faults that replace
// the answer, and runs the handler under the lock.
func (s *Server) serveAuthenticated(c *call, ro route, faulty bool, fault Fault) {
	switch ro.kind {
	case kindGovPay:
		if e := s.authenticate(c); e != nil && !ro.noAuth {
			c.fail(e)
			return
		}
	case kindCheckout:
		key := c.r.Header.Get("Ocp-Apim-Subscription-Key")
		if key == "" || (s.cfg.subKey != "" && subtle.ConstantTimeCompare([]byte(key), []byte(s.cfg.subKey)) != 1) {
			c.rep.status = http.StatusUnauthorized
			c.rep.header.Set("Content-Type", "application/json")
			c.rep.body = []byte(`{"statusCode":401,"message":"Access denied: missing or invalid subscription key."}`)
			return
		}
	}
	if ro.kind == kindGovPay && ro.op != "" && (c.r.Method == http.MethodPut || c.r.Method == http.MethodPost || c.r.Method == http.MethodPatch) {
		// GovPay's resources consume application/json only (also PATCH,
		// whatever the published spec says): JAX-RS answers 415 otherwise.
		if mt, _, err := mime.ParseMediaType(c.r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			c.rep.status = http.StatusUnsupportedMediaType
			return
		}
	}
	if faulty {
		switch fault.Kind {
		case FaultStatus:
			st := fault.Status
			if st == 0 {
				st = http.StatusServiceUnavailable
			}
			cat, cod := catInterno, "INTERNO"
			if st == http.StatusBadGateway {
				cat, cod = catPagoPA, "PPT_SYSTEM_ERROR"
			}
			if fault.Codice != "" {
				cod = fault.Codice
			}
			c.fail(&apiError{status: st, fb: faultBean{cat, cod, "Servizio non disponibile", "errore iniettato da govpaytest"}})
			if fault.RetryAfter != "" {
				c.rep.header.Set("Retry-After", fault.RetryAfter)
			}
			return
		case FaultHTML:
			st := fault.Status
			if st == 0 {
				st = http.StatusBadGateway
			}
			c.rep.status = st
			c.rep.header.Set("Content-Type", "text/html; charset=utf-8")
			c.rep.body = []byte(fmt.Sprintf("<html><head><title>%d %s</title></head><body><center><h1>%d %s</h1></center><hr><center>nginx</center></body></html>\n",
				st, http.StatusText(st), st, http.StatusText(st)))
			return
		case FaultHugeBody:
			st := fault.Status
			if st == 0 {
				st = http.StatusOK
			}
			n := fault.Size
			if n <= 0 {
				n = 16 << 20
			}
			c.rep.status = st
			c.rep.header.Set("Content-Type", "application/json")
			c.rep.body = hugeJSON(n)
			return
		}
	}
	s.mu.Lock()
	ro.handler(c)
	s.mu.Unlock()
	if faulty && fault.Kind == FaultPagoPA && ro.op == OpStartPagamento && s.Mode() != ModeLegacy {
		c.rep.header.Del("Location")
		c.fail(&apiError{status: http.StatusInternalServerError, fb: faultBean{catInterno, "INTERNO", "Errore interno", "errore iniettato da govpaytest: pagoPA Checkout non raggiungibile"}})
		return
	}
	if faulty && fault.Kind == FaultPagoPA {
		cod := "PPT_CANALE_IRRAGGIUNGIBILE"
		if fault.Codice != "" {
			cod = fault.Codice
		}
		e := &apiError{status: http.StatusBadGateway, fb: faultBean{catPagoPA, cod, "Errore di connessione verso pagoPA", "errore iniettato da govpaytest"}}
		if c.paid != "" {
			e.id, e.location = c.paid, "/pagamenti/"+c.paid
		}
		c.rep.header.Del("Location")
		c.fail(e)
	}
}

// authenticate checks the credentials of a GovPay API call and sets
// c.user. The policy is the same for every authentication segment but
// "public": with WithBasicAuth, HTTP Basic with the server's credentials is
// required (the fake does not check certificates, SSL headers, principal
// headers, API keys, SPID headers or tokens: a test that uses those
// segments runs the server without WithBasicAuth, and then any
// credentials, or none, are accepted); "public" never requires credentials.
// The Basic user, when given, is the caller's application (idA2A).
func (s *Server) authenticate(c *call) *apiError {
	user, pass, ok := c.r.BasicAuth()
	if ok {
		c.user = user
	}
	if !s.cfg.auth || c.auth == "public" {
		return nil
	}
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.cfg.user)) != 1 ||
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.cfg.password)) != 1 {
		return errUnauthenticated()
	}
	return nil
}

// hijackClose closes the connection under the request without answering.
func hijackClose(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	conn, _, err := rc.Hijack()
	if err != nil {
		// HTTP/2 or a recorder: abort the handler instead.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// writeTruncated sends the headers of rep with the full Content-Length and
// only half of its body, then closes the connection.
func writeTruncated(w http.ResponseWriter, rep reply) {
	rc := http.NewResponseController(w)
	conn, buf, err := rc.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	status := rep.status
	if status == 0 {
		status = http.StatusOK
	}
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	for k, vs := range rep.header {
		for _, v := range vs {
			fmt.Fprintf(buf, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(buf, "Content-Length: %d\r\nConnection: close\r\n\r\n", len(rep.body))
	_, _ = buf.Write(rep.body[:len(rep.body)/2])
	_ = buf.Flush()
}

// hugeJSON returns a valid JSON object of about n bytes.
func hugeJSON(n int) []byte {
	const head, tail = `{"risultati":[],"padding":"`, `"}`
	pad := n - len(head) - len(tail)
	if pad < 0 {
		pad = 0
	}
	b := make([]byte, 0, len(head)+pad+len(tail))
	b = append(b, head...)
	for i := 0; i < pad; i++ {
		b = append(b, 'x')
	}
	return append(b, tail...)
}

// ---- recorded requests and counters ----

// Request is a request the fake received, as recorded.
type Request struct {
	// Time is when it arrived (fake clock).
	Time time.Time
	// Operation is the operation it was routed to ("" for unknown paths).
	Operation Operation
	// Method, Path and Query of the request.
	Method string
	Path   string
	Query  url.Values
	// Header holds the request headers, with credentials (Authorization,
	// Ocp-Apim-Subscription-Key, X-API-KEY, Cookie, certificates) replaced
	// by "[REDACTED]".
	Header http.Header
	// Body is the request body.
	Body []byte
	// Status is the HTTP status answered, 0 when the connection was
	// dropped or the request is still being served.
	Status int
	// ResponseBody is the body answered.
	ResponseBody []byte
	// IDTransazione is the X-Govpay-IdTransazione answered ("" for
	// Checkout and the fake pages).
	IDTransazione string
}

var secretHeaders = []string{"Authorization", "Ocp-Apim-Subscription-Key", "X-Api-Key", "Cookie", "X-Govpay-Cert", "Proxy-Authorization"}

func redactHeader(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range secretHeaders {
		if _, ok := out[k]; ok {
			out[k] = []string{"[REDACTED]"}
		}
	}
	return out
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Requests returns a copy of every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
		out[i].Query = cloneValues(r.Query)
		out[i].Header = r.Header.Clone()
		out[i].Body = append([]byte(nil), r.Body...)
		out[i].ResponseBody = append([]byte(nil), r.ResponseBody...)
	}
	return out
}

// RequestsFor returns the recorded requests of one operation.
func (s *Server) RequestsFor(op Operation) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Operation == op {
			out = append(out, r)
		}
	}
	return out
}

// Count returns how many requests of op the fake received (including the
// ones broken by injected faults).
func (s *Server) Count(op Operation) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[op]
}

// Counts returns the request counters of every operation.
func (s *Server) Counts() map[Operation]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[Operation]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// ResetRequests forgets the recorded requests and counters.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.counts = make(map[Operation]int)
}
