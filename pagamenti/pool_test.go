package pagamenti_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// TestOneConfigOnePool: clients of different packages built from one
// govpay.Config send through one connection pool: on a server that serves
// API Pendenze and API Pagamento, calls of the pendenze, avvisi and
// pagamenti clients made one after the other reuse one keep-alive
// connection. Two Configs (the control) open two.
func TestOneConfigOnePool(t *testing.T) {
	var conns atomic.Int32
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"categoria":"RICHIESTA","codice":"404000","descrizione":"non trovato"}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	newCfg := func() *govpay.Config {
		cfg, err := govpay.NewConfig(srv.URL, govpay.WithBasicAuth("portale", "s3cret"), govpay.WithRetry(govpay.NoRetry()))
		require.NoError(t, err)
		return cfg
	}
	calls := func(a, b, c *govpay.Config) {
		_, err := pendenze.New(a).Get(t.Context(), "A2A", "P1")
		require.ErrorIs(t, err, govpay.ErrNotFound)
		_, err = avvisi.New(b).Get(t.Context(), "01234567890", "301000000000001861")
		require.ErrorIs(t, err, govpay.ErrNotFound)
		_, err = ricevute.New(c).Find(t.Context(), "01234567890", "01000000000001861")
		require.ErrorIs(t, err, govpay.ErrNotFound)
	}

	cfg := newCfg()
	calls(cfg, cfg, cfg)
	assert.Equal(t, int32(1), conns.Load(), "one Config, one pool: one connection for every client")
	assert.Equal(t, []string{
		"/govpay/backend/api/pendenze/rs/basic/v2/pendenze/A2A/P1",
		"/govpay/frontend/api/pagamento/rs/basic/v2/avvisi/01234567890/301000000000001861",
		"/govpay/backend/api/ragioneria/rs/basic/v3/ricevute",
	}, paths)

	conns.Store(0)
	calls(newCfg(), newCfg(), newCfg())
	assert.Equal(t, int32(3), conns.Load(), "the control: each Config its own pool")
}
