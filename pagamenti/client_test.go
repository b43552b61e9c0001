package pagamenti

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
)

// pgBasePath is where the fake API Pagamento is mounted: a client that
// builds absolute paths misses it.
const pgBasePath = "/govpay/frontend/api/pagamento/rs/basic/v2/"

var pgFastRetry = govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second})

// pgServer is a fake API Pagamento that counts the requests it receives,
// by "METHOD /path" relative to the base path.
type pgServer struct {
	*httptest.Server
	mux *http.ServeMux

	mu     sync.Mutex
	counts map[string]int
	reqs   []*http.Request
	bodies [][]byte
}

func newPGServer(t *testing.T) *pgServer {
	t.Helper()
	s := &pgServer{mux: http.NewServeMux(), counts: map[string]int{}}
	outer := http.NewServeMux()
	outer.Handle(pgBasePath, http.StripPrefix(strings.TrimSuffix(pgBasePath, "/"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.counts[r.Method+" "+r.URL.Path]++
		s.reqs = append(s.reqs, r.Clone(r.Context()))
		s.bodies = append(s.bodies, body)
		s.mu.Unlock()
		s.mux.ServeHTTP(w, r)
	})))
	outer.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.counts["OUTSIDE "+r.Method+" "+r.URL.Path]++
		s.mu.Unlock()
		http.Error(w, "outside the base path", http.StatusTeapot)
	})
	s.Server = httptest.NewServer(outer)
	t.Cleanup(s.Close)
	return s
}

func (s *pgServer) count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[key]
}

// last returns the last request received and its body.
func (s *pgServer) last(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.NotEmpty(t, s.reqs, "no request received")
	return s.reqs[len(s.reqs)-1], s.bodies[len(s.bodies)-1]
}

func (s *pgServer) client(t *testing.T, opts ...govpay.Option) *Client {
	t.Helper()
	c := New(testutil.Config(t, govpay.APIPagamento, s.URL+pgBasePath, append([]govpay.Option{pgFastRetry, govpay.WithBasicAuth("portal", "s3cret-password")}, opts...)...))
	return c
}

func pgJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Govpay-IdTransazione", "tx-1")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func pgFault(status int, categoria, codice, dettaglio string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		pgJSON(w, status, map[string]string{"categoria": categoria, "codice": codice, "descrizione": "descrizione " + codice, "dettaglio": dettaglio})
	}
}

// pgHijack closes the connection without answering: the request was sent.
func pgHijack(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("cannot hijack")
			return
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}
}

// pgHang blocks until the client gives up.
func pgHang(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

// closedURL returns a base URL on which nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr + pgBasePath
}

// TestNew: the base URL is the Config's (API Pagamento v2; API Ragioneria
// v3 is tested in package ricevute); a nil Config gives clients that send nothing and answer
// every call with a *govpay.ValidationError (What "config").
func TestNew(t *testing.T) {
	cfg, err := govpay.NewConfig("https://govpay.example.it/", govpay.WithBasicAuth("portale", "s3cret"))
	require.NoError(t, err)
	require.Equal(t, "https://govpay.example.it/govpay/frontend/api/pagamento/rs/basic/v2", New(cfg).BaseURL())

	var ve *govpay.ValidationError
	_, err = New(nil).Get(t.Context(), "1")
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "config", ve.What)
	_, err = New(nil).Start(t.Context(), NewCart().AddAvviso("01234567890", "301000000000001861"), StartOptions{IDSessionePortale: "s"})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "config", ve.What)
	_, err = NewCheckout(nil, CheckoutOptions{BaseURL: "https://checkout.example.it/ec/v2", SubscriptionKey: "key-1234"})
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "cfg", ve.Violations[0].Field)
}
