package notifica

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/govpaygo/govpay/internal/verr"
	"github.com/govpaygo/govpay/ricevute"
)

// Receiver is what the vertical system implements to receive GovPay's
// notifications. The handler calls at most one method per request, after
// authenticating and decoding it, and answers 2xx only when the method
// returned nil; an error (or a panic) answers 500 and GovPay delivers the
// notification again later. A method may be called again for a
// notification it already processed (GovPay delivers at least once): make
// it idempotent, or use [WithDeduplicator].
//
// The *Pagamento and *Ricevuta belong to the method for the duration of
// the call and may be kept afterwards.
type Receiver interface {
	// Attivazione receives an API Ente v1 activation: the payment request
	// was sent to pagoPA (n.RT is nil).
	Attivazione(ctx context.Context, n *Pagamento) error
	// Pagamento receives an API Ente v1 outcome: n.RT carries the receipt,
	// positive or negative (see [Pagamento.DatiRT]).
	Pagamento(ctx context.Context, n *Pagamento) error
	// Ricevuta receives an API Ente v2 receipt.
	Ricevuta(ctx context.Context, r *ricevute.Ricevuta) error
}

// The routes, relative to where the handler is mounted.
const (
	routePagamenti    = "/pagamenti/{idDominio}/{iuv}"
	routeRicevute     = "/ricevute/{idDominio}/{iuv}/{idRicevuta...}"
	routeRicevuteNoID = "/ricevute/{idDominio}/{iuv}"
	routeAvvisi       = "/avvisi/{idDominio}/{numeroAvviso}"
	routePendenze     = "/pendenze/{id1}/{id2}"
	routeNotFound     = "/"
	maxPrefixSegments = 16
)

type handler struct {
	s    settings
	recv Receiver
	mux  *http.ServeMux
	log  *slog.Logger

	avvisi    AvvisoVerifier
	pendenze  PendenzaVerifier
	spontanee SpontaneaVerifier
}

// NewHandler returns an http.Handler serving GovPay's API Ente v1 and v2
// to receiver: the notifications POST /pagamenti/{idDominio}/{iuv} (v1)
// and PUT /ricevute/{idDominio}/{iuv}/{idRicevuta} (v2), and, if receiver
// implements [AvvisoVerifier], [PendenzaVerifier] or [SpontaneaVerifier],
// the verification calls. Paths are relative to where the handler is
// mounted (see the package documentation).
//
// At least one authentication option is required, or
// [WithNoAuthentication]. Nil options are ignored. The handler is safe for
// concurrent use.
//
// Bad arguments give a *govpay.ValidationError (What "notifica options")
// listing every violation, named as [Option] describes: "receiver" when it
// is nil, the option's argument ("WithBasicAuth.password") when an option
// is refused, and, when every option is valid but they do not work
// together, "opts" (no authentication), "WithNoAuthentication" (given with
// authentication options), "WithBearerCheck" (with WithBasicAuth) or
// "WithHeaderSecret.name" (Authorization with WithBasicAuth or
// WithBearerCheck).
func NewHandler(receiver Receiver, opts ...Option) (http.Handler, error) {
	ve := invalid()
	if receiver == nil {
		ve.Add("receiver", "must not be nil")
	}
	h := &handler{recv: receiver, s: settings{maxBody: DefaultMaxBodyBytes, verifica: 2}}
	bad := false
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&h.s); err != nil {
			ve.Merge("", err)
			bad = true
		}
	}
	if !bad {
		checkAuth(ve, &h.s)
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	s := &h.s
	h.log = s.logger
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	h.avvisi, _ = receiver.(AvvisoVerifier)
	h.pendenze, _ = receiver.(PendenzaVerifier)
	h.spontanee, _ = receiver.(SpontaneaVerifier)

	h.mux = http.NewServeMux()
	h.mux.HandleFunc(routePagamenti, h.servePagamento)
	h.mux.HandleFunc(routeRicevute, h.serveRicevuta)
	h.mux.HandleFunc(routeRicevuteNoID, h.serveRicevuta)
	h.mux.HandleFunc(routeAvvisi, h.serveAvviso)
	h.mux.HandleFunc(routePendenze, h.servePendenza)
	h.mux.HandleFunc(routeNotFound, h.serveNotFound)
	return h, nil
}

// checkAuth records the violations of authentication options that do not
// work together.
func checkAuth(ve *verr.Builder, s *settings) {
	var given []string
	for _, a := range []struct {
		name string
		set  bool
	}{
		{"WithBasicAuth", len(s.basic) > 0}, {"WithAPIKey", len(s.apiKeys) > 0},
		{"WithHeaderSecret", len(s.headerOrder) > 0}, {"WithClientCertificateSubjects", len(s.certSubjects) > 0},
		{"WithBearerCheck", s.bearer != nil},
	} {
		if a.set {
			given = append(given, a.name)
		}
	}
	switch {
	case len(given) == 0 && !s.noAuth:
		ve.Add("opts", "must include an authentication option (WithBasicAuth, WithAPIKey, WithHeaderSecret, "+
			"WithClientCertificateSubjects, WithBearerCheck), or WithNoAuthentication when a proxy authenticates GovPay")
	case len(given) > 0 && s.noAuth:
		ve.Add("WithNoAuthentication", "conflicts with "+strings.Join(given, ", ")+": give authentication options or WithNoAuthentication, not both")
	}
	if len(s.basic) > 0 && s.bearer != nil {
		ve.Add("WithBearerCheck", "conflicts with WithBasicAuth: both need the Authorization header")
	}
	if (len(s.basic) > 0 || s.bearer != nil) && s.headerSecrets[http.CanonicalHeaderKey("Authorization")] != nil {
		ve.Add("WithHeaderSecret.name", "must not be Authorization with WithBasicAuth or WithBearerCheck: it conflicts with them")
	}
}

// statusWriter remembers whether the answer was started.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the original writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.ErrorContext(r.Context(), "notifica: panic serving request",
				"method", r.Method, "path", r.URL.EscapedPath(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw.status == 0 {
				writeFault(sw, http.StatusInternalServerError, faultInterno)
			}
		}
	}()
	if ok, reason := h.authenticate(r); !ok {
		h.log.WarnContext(r.Context(), "notifica: authentication failed",
			"method", r.Method, "path", r.URL.EscapedPath(), "remote", r.RemoteAddr, "reason", reason)
		if len(h.s.basic) > 0 {
			sw.Header().Set("WWW-Authenticate", `Basic realm="govpay-notifica", charset="UTF-8"`)
		} else if h.s.bearer != nil {
			sw.Header().Set("WWW-Authenticate", `Bearer realm="govpay-notifica"`)
		}
		writeFault(sw, http.StatusUnauthorized, faultUnauthorized)
		return
	}
	// The raw path and the decoded one are held to the same rule: ServeMux
	// would redirect a decoded path with empty, "." or ".." segments
	// ("%2e%2e", "a%2F%2Fb"), and control characters or invalid UTF-8
	// ("%00", "%C0%AE", "%FF") have no place in GovPay's identifiers.
	if !canonicalPath(r.URL.EscapedPath()) || !canonicalPath(r.URL.Path) {
		h.badRequest(sw, r, "path is not canonical (empty, '.' or '..' segments, also percent-encoded)")
		return
	}
	if msg := checkText("path", r.URL.Path, 0); msg != "" {
		h.badRequest(sw, r, msg)
		return
	}
	h.mux.ServeHTTP(sw, r)
}

// canonicalPath reports whether p is what ServeMux would not redirect: an
// absolute path without empty, "." or ".." segments. A trailing slash is
// allowed (the routes then answer 400 or 404).
func canonicalPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for i := 1; i <= len(p); {
		j := strings.IndexByte(p[i:], '/')
		var seg string
		if j < 0 {
			seg = p[i:]
			j = len(p) - i
		} else {
			seg = p[i : i+j]
		}
		last := i+j >= len(p)
		if (seg == "" && !last) || seg == "." || seg == ".." {
			return false
		}
		i += j + 1
	}
	return true
}

type prefixScanKey struct{}

// serveNotFound handles paths that match no route. Mounted under a prefix
// without http.StripPrefix (mux.Handle("/govpay/", h)), the path still
// carries the prefix: the leading segments are dropped one by one until a
// route matches.
func (h *handler) serveNotFound(w http.ResponseWriter, r *http.Request) {
	if r.Context().Value(prefixScanKey{}) == nil {
		esc := r.URL.EscapedPath()
		rest := esc
		for k := 0; k < maxPrefixSegments; k++ {
			i := strings.IndexByte(rest[1:], '/')
			if i < 0 {
				break
			}
			rest = rest[1+i:]
			p, err := url.PathUnescape(rest)
			if err != nil {
				break
			}
			r2 := r.WithContext(context.WithValue(r.Context(), prefixScanKey{}, true))
			u := *r.URL
			u.Path, u.RawPath = p, rest
			r2.URL = &u
			if _, pat := h.mux.Handler(r2); pat != "" && pat != routeNotFound {
				h.mux.ServeHTTP(w, r2)
				return
			}
		}
	}
	writeFault(w, http.StatusNotFound, faultBean{Categoria: "RICHIESTA", Codice: "404000", Descrizione: "Risorsa inesistente"})
}

func (h *handler) methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeFault(w, http.StatusMethodNotAllowed, faultBean{Categoria: "RICHIESTA", Codice: "405000", Descrizione: "Metodo non consentito"})
}

func (h *handler) badRequest(w http.ResponseWriter, r *http.Request, detail string) {
	h.log.WarnContext(r.Context(), "notifica: bad request", "method", r.Method, "path", r.URL.EscapedPath(), "error", detail)
	writeFault(w, http.StatusBadRequest, faultBean{Categoria: "RICHIESTA", Codice: "SINTASSI", Descrizione: "Richiesta non valida", Dettaglio: truncate(detail, 300)})
}

// servePagamento serves POST /pagamenti/{idDominio}/{iuv} (API Ente v1).
func (h *handler) servePagamento(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.methodNotAllowed(w, http.MethodPost)
		return
	}
	idDominio := r.PathValue("idDominio")
	iuv, q := legacyQuery(r)
	if msg := checkIDDominio(idDominio); msg != "" {
		h.badRequest(w, r, msg)
		return
	}
	if msg := checkIUV(iuv); msg != "" {
		h.badRequest(w, r, msg)
		return
	}
	body, ok := h.readJSON(w, r)
	if !ok {
		return
	}
	defer putBuffer(body)
	p := &Pagamento{}
	if err := decodeObject(body.Bytes(), p); err != nil {
		h.badRequest(w, r, "malformed notifica: "+err.Error())
		return
	}
	if isNull(p.RT) {
		p.RT = nil
	}
	if isNull(p.RPT) {
		p.RPT = nil
	}
	p.IDDominio, p.IUV = idDominio, iuv
	p.IDSession, p.IDSessionePortale, p.IDCarrello = q.Get("idSession"), q.Get("idSessionePortale"), q.Get("idCarrello")
	if msg := checkSessionIDs(p.IDSession, p.IDSessionePortale, p.IDCarrello); msg != "" {
		h.badRequest(w, r, msg)
		return
	}
	key := p.Key()
	if p.Attivazione() {
		h.deliver(w, r, KindAttivazione, key, func(ctx context.Context) error { return h.recv.Attivazione(ctx, p) })
		return
	}
	h.deliver(w, r, KindPagamento, key, func(ctx context.Context) error { return h.recv.Pagamento(ctx, p) })
}

// legacyQuery returns the iuv and the query of a v1 notification,
// repairing the query of older GovPay versions, which built it by hand:
// without idSession the other parameters were glued to the path with '&'
// (/pagamenti/{d}/{iuv}&idSessionePortale=…), with idSession each one
// started with '?' (?idSession=…?idSessionePortale=…). The values are
// URL-encoded, so a raw '&' in the path or '?' in the query only comes from
// this; the raw (escaped) forms are inspected before decoding.
func legacyQuery(r *http.Request) (string, url.Values) {
	iuv, raw := r.PathValue("iuv"), r.URL.RawQuery
	esc := r.URL.EscapedPath()
	last := esc[strings.LastIndexByte(esc, '/')+1:]
	if seg, extra, found := strings.Cut(last, "&"); found {
		if u, err := url.PathUnescape(seg); err == nil {
			iuv = u
		}
		raw = extra + "&" + raw
	}
	if strings.IndexByte(raw, '?') >= 0 || raw != r.URL.RawQuery {
		q, _ := url.ParseQuery(strings.ReplaceAll(raw, "?", "&"))
		return iuv, q
	}
	return iuv, r.URL.Query()
}

// serveRicevuta serves PUT /ricevute/{idDominio}/{iuv}/{idRicevuta} (API
// Ente v2). idRicevuta is the rest of the path: GovPay does not always
// escape it ("n/a" arrives as two segments).
func (h *handler) serveRicevuta(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		h.methodNotAllowed(w, http.MethodPut)
		return
	}
	idDominio, iuv, idRicevuta := r.PathValue("idDominio"), r.PathValue("iuv"), r.PathValue("idRicevuta")
	if msg := checkIDDominio(idDominio); msg != "" {
		h.badRequest(w, r, msg)
		return
	}
	if msg := checkIUV(iuv); msg != "" {
		h.badRequest(w, r, msg)
		return
	}
	if msg := checkIDRicevuta(idRicevuta); msg != "" {
		h.badRequest(w, r, msg)
		return
	}
	q := r.URL.Query()
	idSession, idSessionePortale, idCarrello := q.Get("idSession"), q.Get("idSessionePortale"), q.Get("idCarrello")
	if msg := checkSessionIDs(idSession, idSessionePortale, idCarrello); msg != "" {
		h.badRequest(w, r, msg)
		return
	}
	body, ok := h.readJSON(w, r)
	if !ok {
		return
	}
	defer putBuffer(body)
	ric := &ricevute.Ricevuta{}
	if err := decodeEnteV2(body.Bytes(), ric); err != nil {
		h.badRequest(w, r, "malformed ricevuta: "+err.Error())
		return
	}
	switch {
	case ric.Dominio.IDDominio == "":
		ric.Dominio.IDDominio = idDominio
	case ric.Dominio.IDDominio != idDominio:
		h.badRequest(w, r, "dominio.idDominio differs from the path")
		return
	}
	switch {
	case ric.IUV == "":
		ric.IUV = iuv
	case ric.IUV != iuv:
		h.badRequest(w, r, "iuv differs from the path")
		return
	}
	// The body is JSON and unambiguous; the path may have been mangled by
	// an encoder (a space sent as '+'): the body wins, a mismatch is only
	// logged.
	switch {
	case ric.IDRicevuta == "":
		ric.IDRicevuta = idRicevuta
	case ric.IDRicevuta != idRicevuta && strings.ReplaceAll(idRicevuta, "+", " ") != ric.IDRicevuta:
		// The body's id becomes the key: it is held to the path's rule.
		if msg := checkIDRicevuta(ric.IDRicevuta); msg != "" {
			h.badRequest(w, r, "body "+msg)
			return
		}
		h.log.WarnContext(r.Context(), "notifica: idRicevuta in the path differs from the body; using the body's",
			"path", idRicevuta, "body", ric.IDRicevuta)
	}
	ric.IDSession, ric.IDSessionePortale, ric.IDCarrello = idSession, idSessionePortale, idCarrello
	h.deliver(w, r, KindRicevuta, ric.Key(), func(ctx context.Context) error { return h.recv.Ricevuta(ctx, ric) })
}

// deliver runs the receiver call under the deduplicator's claim and
// answers: 201 on success or duplicate, 500 when the receiver failed, 503
// when the deduplicator could not decide. Everything that can refuse the
// request (path, body, decoding) ran before: from Begin on, the only exits
// are the receiver's outcome, and the claim is released on each of them,
// also when the receiver panics with http.ErrAbortHandler (re-panicked
// after the release, so that net/http still aborts the answer).
func (h *handler) deliver(w http.ResponseWriter, r *http.Request, kind, key string, call func(context.Context) error) {
	ctx := r.Context()
	var claim Claim
	if h.s.dedup != nil {
		c, err := h.begin(ctx, key)
		if err != nil {
			h.log.ErrorContext(ctx, "notifica: deduplicator failed", "kind", kind, "key", key, "error", err)
			w.Header().Set("Retry-After", "60")
			writeFault(w, http.StatusServiceUnavailable, faultBean{Categoria: "INTERNO", Codice: "503000", Descrizione: "Servizio temporaneamente non disponibile"})
			return
		}
		if c.Done {
			h.log.InfoContext(ctx, "notifica: duplicate delivery acknowledged", "kind", kind, "key", key)
			w.WriteHeader(http.StatusCreated)
			return
		}
		claim = c
		if c.Context != nil {
			ctx = c.Context
		}
	}
	released := false
	if claim.Release != nil {
		// The safety net of every exit path not foreseen below.
		defer func() {
			if !released {
				_ = h.release(r.Context(), claim, false)
			}
		}()
	}
	abort, err := h.invoke(ctx, kind, key, call)
	if claim.Release != nil {
		released = true
		if rerr := h.release(r.Context(), claim, err == nil); rerr != nil {
			h.log.ErrorContext(r.Context(), "notifica: releasing the claim failed", "kind", kind, "key", key,
				"success", err == nil, "error", rerr)
			if err == nil {
				err = rerr
			}
		}
	}
	if abort != nil {
		panic(abort)
	}
	if err != nil {
		writeFault(w, http.StatusInternalServerError, faultBean{Categoria: "INTERNO", Codice: "INTERNO", Descrizione: "Notifica non acquisita"})
		return
	}
	h.log.DebugContext(r.Context(), "notifica: delivered", "kind", kind, "key", key)
	w.WriteHeader(http.StatusCreated)
}

// errAborted is the receiver's outcome when it panicked with
// http.ErrAbortHandler.
var errAborted = errors.New("notifica: receiver aborted the request")

// begin calls the deduplicator, turning a panic into an error.
func (h *handler) begin(ctx context.Context, key string) (c Claim, err error) {
	defer func() {
		if v := recover(); v != nil {
			c, err = Claim{}, fmt.Errorf("notifica: deduplicator Begin panicked: %v", v)
		}
	}()
	return h.s.dedup.Begin(ctx, key)
}

// invoke calls the receiver, turning a panic into an error. A panic with
// http.ErrAbortHandler is returned as abort, for the caller to re-panic
// once the claim is released.
func (h *handler) invoke(ctx context.Context, kind, key string, call func(context.Context) error) (abort any, err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				h.log.WarnContext(ctx, "notifica: the receiver aborted the request", "kind", kind, "key", key)
				abort, err = v, errAborted
				return
			}
			h.log.ErrorContext(ctx, "notifica: panic in the receiver", "kind", kind, "key", key,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = fmt.Errorf("notifica: receiver panicked: %v", v)
		}
	}()
	if err := call(ctx); err != nil {
		h.log.ErrorContext(ctx, "notifica: receiver failed", "kind", kind, "key", key, "error", err)
		return nil, err
	}
	return nil, nil
}

// release calls claim.Release with a context that survives GovPay hanging
// up, turning a panic into an error.
func (h *handler) release(ctx context.Context, claim Claim, success bool) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("notifica: deduplicator Release panicked: %v", v)
		}
	}()
	return claim.Release(context.WithoutCancel(ctx), success)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 256<<10 {
		b.Reset()
		bufPool.Put(b)
	}
}

// readJSON checks the content type and reads the body within the size
// limit. On failure it has answered and returns false.
func (h *handler) readJSON(w http.ResponseWriter, r *http.Request) (*bytes.Buffer, bool) {
	if !isJSON(r.Header.Get("Content-Type")) {
		h.log.WarnContext(r.Context(), "notifica: unsupported content type", "path", r.URL.EscapedPath(), "contentType", truncate(r.Header.Get("Content-Type"), 100))
		writeFault(w, http.StatusUnsupportedMediaType, faultBean{Categoria: "RICHIESTA", Codice: "415000", Descrizione: "Content-Type non supportato: usare application/json"})
		return nil, false
	}
	if r.ContentLength > h.s.maxBody {
		h.tooLarge(w, r)
		return nil, false
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	buf := bufPool.Get().(*bytes.Buffer)
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, h.s.maxBody))
	if err != nil {
		putBuffer(buf)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.tooLarge(w, r)
			return nil, false
		}
		h.badRequest(w, r, "reading the body: "+err.Error())
		return nil, false
	}
	return buf, true
}

func (h *handler) tooLarge(w http.ResponseWriter, r *http.Request) {
	h.log.WarnContext(r.Context(), "notifica: body too large", "path", r.URL.EscapedPath(), "limit", h.s.maxBody)
	writeFault(w, http.StatusRequestEntityTooLarge, faultBean{Categoria: "RICHIESTA", Codice: "413000", Descrizione: "Richiesta troppo grande"})
}

// isJSON accepts application/json and any +json type, with no charset or
// UTF-8.
func isJSON(ct string) bool {
	if ct == "application/json" {
		return true
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && !(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))) {
		return false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return false
	}
	return true
}

// decodeObject decodes a JSON object (not null, not an array) into v.
func decodeObject(b []byte, v any) error {
	if err := checkObject(b); err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// decodeEnteV2 decodes the body of an API Ente v2 receipt, whose
// timestamps without an offset are UTC (see [ricevute.Ricevuta.UnmarshalEnteV2]).
func decodeEnteV2(b []byte, r *ricevute.Ricevuta) error {
	if err := checkObject(b); err != nil {
		return err
	}
	return r.UnmarshalEnteV2(b)
}

// checkObject refuses a body that is not a JSON object, or not UTF-8:
// encoding/json would silently turn invalid bytes (in an identifier too)
// into U+FFFD. GovPay's Jackson always writes UTF-8.
func checkObject(b []byte) error {
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return errors.New("the body must be a JSON object")
	}
	if !utf8.Valid(b) {
		return errors.New("the body is not valid UTF-8")
	}
	return nil
}

func checkIDDominio(s string) string {
	if len(s) != 11 || !allDigits(s) {
		return "idDominio must be 11 digits"
	}
	return ""
}

// maxIDRicevuta is the longest idRicevuta, in characters: GovPay builds
// the path from the RPT's ccp (NotificaClient.java:227), a VARCHAR(35)
// (gov_pay.sql:798, PostgreSQL, the receiptId of a SANP 2 receipt is
// stored there too).
const maxIDRicevuta = 35

// checkIDRicevuta checks an idRicevuta after percent-decoding. GovPay puts
// the ccp in the path without escaping it (NotificaClient.java:227), so a
// '/' may be part of it ("n/a"); a '%' cannot survive decoding unless the
// id was encoded twice. Empty, "." and ".." segments, control characters,
// invalid UTF-8 (also overlong forms) and U+FFFD (what a decoder puts in
// place of invalid bytes) are refused, and so are more than 35 characters.
func checkIDRicevuta(s string) string {
	if s == "" || utf8.RuneCountInString(s) > maxIDRicevuta {
		return "idRicevuta must be 1–35 characters"
	}
	if msg := checkText("idRicevuta", s, 0); msg != "" {
		return msg
	}
	if strings.IndexByte(s, '%') >= 0 {
		return "idRicevuta must not contain '%' after decoding (encoded twice)"
	}
	if !canonicalPath("/"+s) || strings.HasSuffix(s, "/") {
		return "idRicevuta must not have empty, '.' or '..' segments"
	}
	return ""
}

// checkSessionIDs checks the query values of a notification, identifiers
// of at most 255 characters (idSession, idSessionePortale: cod_sessione,
// cod_sessione_portale VARCHAR(255), gov_pay.sql:807-808) or 35
// (idCarrello: cod_carrello VARCHAR(35), gov_pay.sql:796).
func checkSessionIDs(idSession, idSessionePortale, idCarrello string) string {
	if msg := checkText("idSession", idSession, 255); msg != "" {
		return msg
	}
	if msg := checkText("idSessionePortale", idSessionePortale, 255); msg != "" {
		return msg
	}
	return checkText("idCarrello", idCarrello, 35)
}

// checkText refuses invalid UTF-8, U+FFFD, control characters (C0, DEL,
// C1) and, when max > 0, more than max characters in s, the decoded value
// named name.
func checkText(name, s string, max int) string {
	n := 0
	for _, c := range s {
		n++
		switch {
		case c == utf8.RuneError:
			return name + " must be valid UTF-8"
		case c < 0x20 || c >= 0x7f && c < 0xa0:
			return name + " must not contain control characters"
		}
	}
	if max > 0 && n > max {
		return name + " must be at most " + strconv.Itoa(max) + " characters"
	}
	return ""
}

// checkIUV accepts 1–35 letters, digits, '_', '-' and '.'.
func checkIUV(s string) string {
	if !validID(s) {
		return "iuv must be 1–35 letters, digits, '_', '-' or '.'"
	}
	return ""
}

// validID checks GovPay's identifier pattern ^[\w\-.]{1,35}$.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 35 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
