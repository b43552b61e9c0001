package testutil

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Base paths of GovPay's APIs, as deployed by default.
const (
	PendenzeBasePath   = "/govpay/backend/api/pendenze/rs/basic/v2/"
	PagamentoBasePath  = "/govpay/frontend/api/pagamento/rs/basic/v2/"
	RagioneriaBasePath = "/govpay/backend/api/ragioneria/rs/basic/v3/"
)

// NewServer starts an httptest server with an API mux mounted under
// basePath ("/govpay/backend/api/pendenze/rs/basic/v2/") and returns the mux
// and the base URL (server URL + base path, without trailing slash). The
// mux sees paths relative to the base path ("/pendenze/A2A/1"). Requests
// outside the base path fail the test and get a 500. The server is closed
// when the test ends.
func NewServer(t testing.TB, basePath string) (mux *http.ServeMux, baseURL string) {
	t.Helper()
	mux, baseURL, _ = NewServerWith(t, basePath)
	return mux, baseURL
}

// NewServerWith is [NewServer] that also returns the *httptest.Server (to
// close it early, or to read its URL or certificate).
func NewServerWith(t testing.TB, basePath string) (*http.ServeMux, string, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(Mount(t, basePath, mux))
	t.Cleanup(srv.Close)
	return mux, srv.URL + strings.TrimSuffix(cleanBase(basePath), "/"), srv
}

// Mount returns a handler serving h under basePath (h sees paths relative
// to it) and failing the test for any request outside it.
func Mount(t testing.TB, basePath string, h http.Handler) http.Handler {
	base := cleanBase(basePath)
	root := http.NewServeMux()
	root.Handle(base, http.StripPrefix(strings.TrimSuffix(base, "/"), h))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path %s: %s %s (the client must build URLs relative to its base URL)", base, r.Method, r.URL)
		http.Error(w, "outside the base path", http.StatusInternalServerError)
	})
	return root
}

func cleanBase(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// TestMethod fails the test when r's method is not want.
func TestMethod(t testing.TB, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("request method: got %s, want %s", r.Method, want)
	}
}

// TestHeader fails the test when r's header name is not want (an empty
// want requires the header to be absent).
func TestHeader(t testing.TB, r *http.Request, name, want string) {
	t.Helper()
	vs, present := r.Header[http.CanonicalHeaderKey(name)]
	switch {
	case want == "" && present:
		t.Errorf("header %s: got %q, want it absent", name, vs)
	case want != "" && (len(vs) != 1 || vs[0] != want):
		t.Errorf("header %s: got %q, want %q", name, vs, want)
	}
}

// TestQuery fails the test when r's query is not exactly want.
func TestQuery(t testing.TB, r *http.Request, want url.Values) {
	t.Helper()
	got := r.URL.Query()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("query: got %v, want %v", got, want)
	}
}

// TestJSONBody reads r's body and fails the test when it is not the JSON
// value want (compared as values: key order and spacing do not matter). It
// returns the raw body.
func TestJSONBody(t testing.TB, r *http.Request, want string) []byte {
	t.Helper()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Errorf("reading the request body: %v", err)
		return nil
	}
	var g, w any
	if err := json.Unmarshal(body, &g); err != nil {
		t.Errorf("request body is not JSON (%v): %s", err, body)
		return body
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("request body:\n got %s\nwant %s", body, want)
	}
	return body
}

// IDTransazione is the X-Govpay-IdTransazione [WriteFault] sends unless the
// handler set another.
const IDTransazione = "test-idtransazione-0001"

// WriteFault answers with GovPay's FaultBean in application/json, with
// the X-Govpay-IdTransazione header set (to [IDTransazione] unless the
// handler set it already).
func WriteFault(w http.ResponseWriter, status int, categoria, codice, descrizione string) {
	WriteFaultDettaglio(w, status, categoria, codice, descrizione, "")
}

// WriteFaultDettaglio is [WriteFault] with a dettaglio.
func WriteFaultDettaglio(w http.ResponseWriter, status int, categoria, codice, descrizione, dettaglio string) {
	fb := map[string]string{"categoria": categoria, "codice": codice, "descrizione": descrizione}
	if dettaglio != "" {
		fb["dettaglio"] = dettaglio
	}
	if w.Header().Get("X-Govpay-IdTransazione") == "" {
		w.Header().Set("X-Govpay-IdTransazione", IDTransazione)
	}
	WriteJSON(w, status, fb)
}

// WriteJSON answers with v as application/json.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// DropConnection closes the connection of w without answering: the client
// sees an EOF after its request was sent. The handler must return right
// after.
func DropConnection(t testing.TB, w http.ResponseWriter) {
	t.Helper()
	conn := hijack(t, w)
	if conn != nil {
		_ = conn.Close()
	}
}

// ResetConnection aborts the connection of w with a TCP reset (SO_LINGER
// 0): the client sees "connection reset by peer" after its request was sent.
// The handler must return right after.
func ResetConnection(t testing.TB, w http.ResponseWriter) {
	t.Helper()
	conn := hijack(t, w)
	if conn == nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func hijack(t testing.TB, w http.ResponseWriter) net.Conn {
	t.Helper()
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Errorf("the ResponseWriter %T cannot be hijacked (HTTP/2?)", w)
		return nil
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return nil
	}
	return conn
}

// DropHandler returns a handler that drops every connection (see
// [DropConnection]).
func DropHandler(t testing.TB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { DropConnection(t, w) }
}

// Hits counts the requests served by a handler.
type Hits struct {
	n atomic.Int64
}

// Count returns the number of requests served so far.
func (h *Hits) Count() int { return int(h.n.Load()) }

// Wrap returns next counting into h.
func (h *Hits) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.n.Add(1)
		next.ServeHTTP(w, r)
	})
}

// WrapFunc is [Hits.Wrap] for a function; the handler gets the 1-based
// number of the request.
func (h *Hits) WrapFunc(next func(w http.ResponseWriter, r *http.Request, n int)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		next(w, r, int(h.n.Add(1)))
	}
}

// Secrets are distinctive credentials for redaction tests. Each call of
// [DistinctSecrets] makes new ones, random and long enough never to appear
// by chance, with characters that HTML and JSON escape.
type Secrets struct {
	User            string // not a secret: may appear
	Password        string // with <&"'> inside, which HTML and JSON escape
	AppID           string // not a secret: may appear
	APIKey          string // for WithAPIKey
	BearerToken     string // no spaces, as bearer tokens are
	SubscriptionKey string // pagoPA Checkout's Ocp-Apim-Subscription-Key
}

// DistinctSecrets returns fresh secrets.
func DistinctSecrets() Secrets {
	r := func(prefix string) string {
		b := make([]byte, 10)
		_, _ = rand.Read(b)
		return prefix + hex.EncodeToString(b)
	}
	return Secrets{
		User:            r("user-"),
		Password:        r("pw-") + `<&"'>` + r("tail"),
		AppID:           r("app-"),
		APIKey:          r("apikey-"),
		BearerToken:     r("tok-") + "." + r(""),
		SubscriptionKey: r("subkey-"),
	}
}

// BasicToken is the base64 user:password of HTTP Basic.
func (s Secrets) BasicToken() string {
	return base64.StdEncoding.EncodeToString([]byte(s.User + ":" + s.Password))
}

// List returns every secret value, the Basic token included.
func (s Secrets) List() []string {
	return []string{s.Password, s.APIKey, s.BearerToken, s.SubscriptionKey, s.BasicToken()}
}

// fragments returns the pieces whose presence betrays a leak: every secret
// whole, and every 12-byte window of it that holds no character HTML or JSON
// would escape (so escaped or truncated copies are caught too).
func (s Secrets) fragments() []string {
	var out []string
	for _, v := range s.List() {
		out = append(out, v)
		for i := 0; i+12 <= len(v); i++ {
			w := v[i : i+12]
			if !strings.ContainsAny(w, `<&"'>`) {
				out = append(out, w)
			}
		}
	}
	return out
}

// Leak returns the first secret fragment found in text, or "".
func (s Secrets) Leak(text string) string {
	for _, f := range s.fragments() {
		if strings.Contains(text, f) {
			return f
		}
	}
	return ""
}

// AssertAbsent fails the test when text holds a secret or a fragment of
// one; where says what text is ("err.Error()", "log").
func (s Secrets) AssertAbsent(t testing.TB, where, text string) {
	t.Helper()
	if f := s.Leak(text); f != "" {
		t.Errorf("secret leaked in %s: fragment %q found in:\n%s", where, f, text)
	}
}

// AssertErrorClean checks err.Error() and the %v, %+v, %s and %#v
// formatting of err for secrets.
func (s Secrets) AssertErrorClean(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("AssertErrorClean: nil error")
		return
	}
	s.AssertAbsent(t, "err.Error()", err.Error())
	for _, verb := range []string{"%v", "%+v", "%s", "%#v", "%q"} {
		s.AssertAbsent(t, "fmt "+verb, fmt.Sprintf(verb, err))
	}
}

// LogBuffer is a concurrency-safe buffer for a slog handler in tests.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
