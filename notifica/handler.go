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
	"strings"
	"sync"

	"github.com/govpaygo/govpay"
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
	Ricevuta(ctx context.Context, r *Ricevuta) error
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
func checkAuth(ve *govpay.ValidationError, s *settings) {
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
	if !canonicalPath(r.URL.EscapedPath()) {
		h.badRequest(sw, r, "path is not canonical (empty, '.' or '..' segments)")
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
	key := p.Chiave()
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
	if idRicevuta == "" || len(idRicevuta) > 256 {
		h.badRequest(w, r, "idRicevuta must be 1–256 characters")
		return
	}
	body, ok := h.readJSON(w, r)
	if !ok {
		return
	}
	defer putBuffer(body)
	ric := &Ricevuta{}
	if err := decodeObject(body.Bytes(), ric); err != nil {
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
		h.log.WarnContext(r.Context(), "notifica: idRicevuta in the path differs from the body; using the body's",
			"path", idRicevuta, "body", ric.IDRicevuta)
	}
	q := r.URL.Query()
	ric.IDSession, ric.IDSessionePortale, ric.IDCarrello = q.Get("idSession"), q.Get("idSessionePortale"), q.Get("idCarrello")
	h.deliver(w, r, KindRicevuta, ric.Chiave(), func(ctx context.Context) error { return h.recv.Ricevuta(ctx, ric) })
}

// deliver runs the receiver call under the deduplicator's claim and
// answers: 201 on success or duplicate, 500 when the receiver failed, 503
// when the deduplicator could not decide.
func (h *handler) deliver(w http.ResponseWriter, r *http.Request, kind, key string, call func(context.Context) error) {
	ctx := r.Context()
	var claim Claim
	if h.s.dedup != nil {
		c, err := h.s.dedup.Begin(ctx, key)
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
	err := h.invoke(ctx, kind, key, call)
	if claim.Release != nil {
		rerr := h.release(r.Context(), claim, err == nil)
		if err == nil && rerr != nil {
			h.log.ErrorContext(r.Context(), "notifica: recording the notification as processed failed", "kind", kind, "key", key, "error", rerr)
			err = rerr
		}
	}
	if err != nil {
		writeFault(w, http.StatusInternalServerError, faultBean{Categoria: "INTERNO", Codice: "INTERNO", Descrizione: "Notifica non acquisita"})
		return
	}
	h.log.DebugContext(r.Context(), "notifica: delivered", "kind", kind, "key", key)
	w.WriteHeader(http.StatusCreated)
}

// invoke calls the receiver, turning a panic into an error.
func (h *handler) invoke(ctx context.Context, kind, key string, call func(context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.ErrorContext(ctx, "notifica: panic in the receiver", "kind", kind, "key", key,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = fmt.Errorf("notifica: receiver panicked: %v", v)
		}
	}()
	if err := call(ctx); err != nil {
		h.log.ErrorContext(ctx, "notifica: receiver failed", "kind", kind, "key", key, "error", err)
		return err
	}
	return nil
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
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return errors.New("the body must be a JSON object")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	return nil
}

func checkIDDominio(s string) string {
	if len(s) != 11 || !allDigits(s) {
		return "idDominio must be 11 digits"
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
