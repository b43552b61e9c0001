package bench

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
)

// Deep base paths, as GovPay mounts its APIs.
const (
	pathPendenze  = "/govpay/backend/api/pendenze/rs/basic/v2"
	pathPagamento = "/govpay/frontend/api/pagamento/rs/basic/v2"
)

// Credentials both implementations send.
const (
	benchUser     = "portale"
	benchPassword = "bench-Passw0rd"
)

// sdkOptions are the options of every SDK client in the benchmarks: Basic
// authentication, as the raw clients send it, and the default retry policy
// (nothing is retried: every answer is a success).
func sdkOptions() []govpay.Option {
	return []govpay.Option{govpay.WithBasicAuth(benchUser, benchPassword)}
}

// rawClient is what a careful integrator builds by hand: the default
// transport with as many idle connections per host as the SDK keeps.
func rawClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}

// counting wraps h, counting requests.
type counting struct {
	n atomic.Int64
	h http.Handler
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	c.h.ServeHTTP(w, r)
}

// serve starts a loopback server for h, closed with the benchmark.
func serve(tb testing.TB, h http.Handler) (*httptest.Server, *counting) {
	tb.Helper()
	c := &counting{h: h}
	srv := httptest.NewServer(c)
	tb.Cleanup(srv.Close)
	return srv, c
}

// heapSampler records the largest live heap (HeapInuse) seen while a
// benchmark runs, above the level measured after a GC at its start.
type heapSampler struct {
	stop, done chan struct{}
	base, peak uint64
}

func startHeapSampler() *heapSampler {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := &heapSampler{stop: make(chan struct{}), done: make(chan struct{}), base: ms.HeapInuse, peak: ms.HeapInuse}
	go func() {
		defer close(s.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				s.peak = max(s.peak, ms.HeapInuse)
			}
		}
	}()
	return s
}

// finish stops the sampler and returns the peak growth of the live heap
// in MiB.
func (s *heapSampler) finish() float64 {
	close(s.stop)
	<-s.done
	return float64(s.peak-s.base) / (1 << 20)
}

// paired runs sdk and raw alternately in one loop, swapping their order
// every iteration, so that both see the same machine load, and reports the
// mean time of each (sdk-ns/op, raw-ns/op) and their ratio (sdk/raw). On a
// busy machine this ratio is the robust comparison; the impl=sdk and
// impl=raw sub-benchmarks give allocations and the benchstat columns.
func paired(b *testing.B, sdk, raw func() error) {
	b.Helper()
	var ts, tr time.Duration
	for i := 0; b.Loop(); i++ {
		for k := range 2 {
			start := time.Now()
			if (i+k)%2 == 0 {
				if err := sdk(); err != nil {
					b.Fatal("sdk: ", err)
				}
				ts += time.Since(start)
			} else {
				if err := raw(); err != nil {
					b.Fatal("raw: ", err)
				}
				tr += time.Since(start)
			}
		}
	}
	b.ReportMetric(float64(ts.Nanoseconds())/float64(b.N), "sdk-ns/op")
	b.ReportMetric(float64(tr.Nanoseconds())/float64(b.N), "raw-ns/op")
	b.ReportMetric(float64(ts)/float64(tr), "sdk/raw")
}

// paired3 is paired for the P1 calls, which have two references: it runs
// sdk, gen (the raw generated client, the peer) and raw (the hand-written
// baseline, the limit) in one loop, rotating which of the three goes
// first every iteration, and reports the mean time of each (sdk-ns/op,
// gen-ns/op, raw-ns/op) and the ratios sdk/gen and sdk/raw.
func paired3(b *testing.B, sdk, gen, raw func() error) {
	b.Helper()
	fns := [3]func() error{sdk, gen, raw}
	names := [3]string{"sdk", "gen", "raw"}
	var t [3]time.Duration
	for i := 0; b.Loop(); i++ {
		for k := range 3 {
			j := (i + k) % 3
			start := time.Now()
			if err := fns[j](); err != nil {
				b.Fatal(names[j], ": ", err)
			}
			t[j] += time.Since(start)
		}
	}
	for j, name := range names {
		b.ReportMetric(float64(t[j].Nanoseconds())/float64(b.N), name+"-ns/op")
	}
	b.ReportMetric(float64(t[0])/float64(t[1]), "sdk/gen")
	b.ReportMetric(float64(t[0])/float64(t[2]), "sdk/raw")
}
