package proof

// The hostile-notifica catalogue: one row per family of attack on the
// notification handler, by a misbehaving receiver (abort, panic, error,
// hang), a faulty deduplicator (Release failing or panicking) or a hostile
// caller (encoded paths, invalid UTF-8 in identifiers, malformed bodies,
// duplicate storms), each with the property it protects (DESIGN.md §5:
// notifications are never lost; decoded path values are checked as
// strictly as raw ones; invalid UTF-8 in identifiers is refused). Every row
// runs the handler on its own loopback server and delivers the receipt
// the way GovPay does, redelivering after a failure.
//
//	go test -race -run TestHostileNotifica ./internal/proof/

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

const (
	hnUser     = "govpay"
	hnPassword = "hn-notifica-pw"
	hnPath     = "/ricevute/" + okDominio + "/01000000000012345/rcpt-1"
	hnBody     = `{"dominio":{"idDominio":"` + okDominio + `","ragioneSociale":"Comune"},"iuv":"01000000000012345",` +
		`"idRicevuta":"rcpt-1","importo":10.50,"esito":"ESEGUITO","data":"2024-05-17T07:30:00","dataPagamento":"2024-05-17T07:29:58"}`
)

// hnReceiver runs script on its n-th call (1-based) and records the
// receipts of the calls that succeed.
type hnReceiver struct {
	calls  atomic.Int64
	mu     sync.Mutex
	got    []*ricevute.Ricevuta
	script func(ctx context.Context, n int64) error
}

func (r *hnReceiver) Ricevuta(ctx context.Context, ric *ricevute.Ricevuta) error {
	n := r.calls.Add(1)
	if r.script != nil {
		if err := r.script(ctx, n); err != nil {
			return err
		}
	}
	r.mu.Lock()
	r.got = append(r.got, ric)
	r.mu.Unlock()
	return nil
}

func (r *hnReceiver) Attivazione(context.Context, *notifica.Pagamento) error { return nil }
func (r *hnReceiver) Pagamento(context.Context, *notifica.Pagamento) error   { return nil }

func (r *hnReceiver) received() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// hnDedup counts Begin calls and can make Release fail or panic (after
// doing nothing) when the delivery failed, or Begin panic.
type hnDedup struct {
	inner        notifica.Deduplicator
	begun        atomic.Int64
	releaseFails bool
	releasePanic bool
	beginPanic   bool
}

func (d *hnDedup) Begin(ctx context.Context, key string) (notifica.Claim, error) {
	d.begun.Add(1)
	if d.beginPanic {
		panic("deduplicator exploded")
	}
	c, err := d.inner.Begin(ctx, key)
	if err != nil || c.Done || (!d.releaseFails && !d.releasePanic) {
		return c, err
	}
	inner := c.Release
	c.Release = func(ctx context.Context, success bool) error {
		switch {
		case success:
			return inner(ctx, true)
		case d.releasePanic:
			panic("release exploded")
		default:
			return errors.New("release failed: database gone")
		}
	}
	return c, nil
}

// hnEnv is one row's handler on a loopback server.
type hnEnv struct {
	t     *testing.T
	srv   *httptest.Server
	rec   *hnReceiver
	dedup *hnDedup
}

// newHNEnv serves a handler for rec with a memory deduplicator of the
// given lease (0: the default) wrapped in dedup.
func newHNEnv(t *testing.T, rec *hnReceiver, dedup *hnDedup, lease time.Duration) *hnEnv {
	t.Helper()
	if dedup == nil {
		dedup = &hnDedup{}
	}
	dedup.inner = notifica.NewMemoryDeduplicator(notifica.WithMemoryLease(lease))
	h, err := notifica.NewHandler(rec, notifica.WithBasicAuth(hnUser, hnPassword), notifica.WithDeduplicator(dedup))
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &hnEnv{t: t, srv: srv, rec: rec, dedup: dedup}
}

// deliver sends one delivery as GovPay does (a new connection each time)
// and returns the status, or 0 when no answer came (aborted, timed out).
func (e *hnEnv) deliver(method, target, body string, timeout time.Duration) int {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+target, bytes.NewReader([]byte(body)))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(hnUser, hnPassword)
	c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := c.Do(req)
	if err != nil {
		return 0
	}
	_ = res.Body.Close()
	return res.StatusCode
}

func (e *hnEnv) put(timeout time.Duration) int {
	return e.deliver(http.MethodPut, hnPath, hnBody, timeout)
}

// expect fails the row when got differs from want.
func hnExpect[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// failFirst returns a receiver script that does f on the first call and
// succeeds afterwards.
func failFirst(f func(ctx context.Context) error) func(context.Context, int64) error {
	return func(ctx context.Context, n int64) error {
		if n == 1 {
			return f(ctx)
		}
		return nil
	}
}

// hnRedeliveredOnce checks the end state every "never lost" row must
// reach: GovPay's redelivery was acknowledged, the receiver got the
// receipt exactly once more, and a later duplicate does not reach it.
func hnRedeliveredOnce(t *testing.T, e *hnEnv, status int) {
	t.Helper()
	hnExpect(t, "status of the redelivery", status, http.StatusCreated)
	hnExpect(t, "receipts the receiver recorded", e.rec.received(), 1)
	calls := e.rec.calls.Load()
	hnExpect(t, "status of a later duplicate", e.put(5*time.Second), http.StatusCreated)
	hnExpect(t, "receiver calls after a duplicate", e.rec.calls.Load(), calls)
}

// hnRefused checks a hostile request: 400 with a FaultBean, no claim, no
// receiver call.
func hnRefused(t *testing.T, e *hnEnv, method, target, body string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+target, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(hnUser, hnPassword)
	c := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || res.Header.Get("Content-Type") != "application/json" || !strings.Contains(b.String(), `"categoria":"RICHIESTA"`) {
		t.Errorf("%s %s: %d %s %q, want a 400 FaultBean", method, target, res.StatusCode, res.Header.Get("Content-Type"), b.String())
	}
}

// hnEncodedPaths are path values whose decoded form breaks the rule of the
// raw one.
var hnEncodedPaths = []string{
	"/ricevute/" + okDominio + "/01000000000012345/%2e%2e",
	"/ricevute/" + okDominio + "/01000000000012345/%2E%2e",
	"/ricevute/" + okDominio + "/01000000000012345/a/%2e/b",
	"/ricevute/" + okDominio + "/01000000000012345/%252e%252e",
	"/ricevute/" + okDominio + "/01000000000012345/a%2F%2Fb",
	"/ricevute/" + okDominio + "/01000000000012345/rcpt%00",
	"/ricevute/" + okDominio + "/01000000000012345/rcpt%0D%0AX-Injected:%201",
	"/ricevute/" + okDominio + "/01000000000012345/" + strings.Repeat("r", 36),
	"/ricevute/0123456789%2F/01000000000012345/rcpt-1",
	"/ricevute/" + okDominio + "/%2e%2e/rcpt-1",
	"/pagamenti/" + okDominio + "/%2e%2e",
	"/pagamenti/" + okDominio + "/0100000000001234%00",
}

// hnInvalidUTF8 are requests with invalid UTF-8 (overlong forms, lone
// surrogates, stray bytes) in an identifier: path, query or body.
var hnInvalidUTF8 = []struct{ method, target, body string }{
	{http.MethodPut, "/ricevute/" + okDominio + "/01000000000012345/rcpt%FF", hnBody},
	{http.MethodPut, "/ricevute/" + okDominio + "/01000000000012345/%C0%AE%C0%AE", hnBody},
	{http.MethodPut, "/ricevute/" + okDominio + "/01000000000012345/rcpt%ED%A0%80", hnBody},
	{http.MethodPut, hnPath + "?idSession=%C0%AF", hnBody},
	{http.MethodPut, hnPath, strings.Replace(hnBody, `"rcpt-1"`, "\"rcpt-1\xff\"", 1)},
	{http.MethodPut, hnPath, strings.Replace(hnBody, `"rcpt-1"`, `"rcpt-\ud800"`, 1)},
	{http.MethodPost, "/pagamenti/" + okDominio + "/0100000000001234%FF", `{"rt":null}`},
}

// hnRows: each family of attack, the property it protects, and the row.
var hnRows = []struct {
	family, property string
	run              func(t *testing.T)
}{
	{"receiver aborts (panic(http.ErrAbortHandler))",
		"the claim is released before the abort is re-panicked: the client sees the aborted answer and GovPay's redelivery is processed at once (no lease wait)",
		func(t *testing.T) {
			e := newHNEnv(t, &hnReceiver{script: failFirst(func(context.Context) error { panic(http.ErrAbortHandler) })}, nil, 0)
			hnExpect(t, "status of the aborted delivery (0: no answer)", e.put(5*time.Second), 0)
			hnRedeliveredOnce(t, e, e.put(5*time.Second))
		}},
	{"receiver panics with any other value",
		"the panic is answered 500 with a FaultBean, the claim is released, the redelivery is processed",
		func(t *testing.T) {
			e := newHNEnv(t, &hnReceiver{script: failFirst(func(context.Context) error {
				panic(errors.New("receiver bug"))
			})}, nil, 0)
			hnExpect(t, "status of the panicking delivery", e.put(5*time.Second), http.StatusInternalServerError)
			hnRedeliveredOnce(t, e, e.put(5*time.Second))
		}},
	{"receiver fails",
		"a receiver error is answered 500 and frees the key: the redelivery is processed",
		func(t *testing.T) {
			e := newHNEnv(t, &hnReceiver{script: failFirst(func(context.Context) error { return errors.New("ledger down") })}, nil, 0)
			hnExpect(t, "status of the failed delivery", e.put(5*time.Second), http.StatusInternalServerError)
			hnRedeliveredOnce(t, e, e.put(5*time.Second))
		}},
	{"receiver hangs past the request (GovPay times out)",
		"the claim is a lease: once it ends the next delivery takes the key over and is processed, and the hung call's late success does not count twice",
		func(t *testing.T) {
			unblock := make(chan struct{})
			const lease = 150 * time.Millisecond
			e := newHNEnv(t, &hnReceiver{script: failFirst(func(context.Context) error { <-unblock; return nil })}, nil, lease)
			start := time.Now()
			hnExpect(t, "status of the hung delivery (0: GovPay gave up)", e.put(50*time.Millisecond), 0)
			status := e.put(5 * time.Second)
			if d := time.Since(start); d < lease {
				t.Errorf("the key was taken over after %v, before the lease (%v) ended", d, lease)
			}
			close(unblock)
			hnRedeliveredOnce(t, e, status)
		}},
	{"duplicate arrives while the receiver hangs",
		"a waiting duplicate takes the key over when the lease ends, long before its own timeout",
		func(t *testing.T) {
			unblock := make(chan struct{})
			defer close(unblock)
			e := newHNEnv(t, &hnReceiver{script: failFirst(func(context.Context) error { <-unblock; return nil })}, nil, 150*time.Millisecond)
			go e.put(10 * time.Second)
			for e.rec.calls.Load() == 0 {
				time.Sleep(time.Millisecond)
			}
			hnExpect(t, "status of the waiting duplicate", e.put(5*time.Second), http.StatusCreated)
			hnExpect(t, "receipts the receiver recorded", e.rec.received(), 1)
		}},
	{"Release fails after a failed delivery",
		"a failing Release is answered 500 and its claim expires with the lease: the redelivery is processed",
		func(t *testing.T) {
			const lease = 150 * time.Millisecond
			e := newHNEnv(t, &hnReceiver{script: failFirst(func(context.Context) error { return errors.New("ledger down") })},
				&hnDedup{releaseFails: true}, lease)
			hnExpect(t, "status of the failed delivery", e.put(5*time.Second), http.StatusInternalServerError)
			time.Sleep(lease + 50*time.Millisecond)
			hnRedeliveredOnce(t, e, e.put(5*time.Second))
		}},
	{"Release panics after a failed delivery",
		"a panicking Release is recovered (500, the process lives) and its claim expires with the lease: the redelivery is processed",
		func(t *testing.T) {
			const lease = 150 * time.Millisecond
			e := newHNEnv(t, &hnReceiver{script: failFirst(func(context.Context) error { return errors.New("ledger down") })},
				&hnDedup{releasePanic: true}, lease)
			hnExpect(t, "status of the failed delivery", e.put(5*time.Second), http.StatusInternalServerError)
			time.Sleep(lease + 50*time.Millisecond)
			hnRedeliveredOnce(t, e, e.put(5*time.Second))
		}},
	{"Begin panics",
		"a panicking deduplicator is answered 5xx without calling the receiver: nothing is acknowledged unprocessed",
		func(t *testing.T) {
			e := newHNEnv(t, &hnReceiver{}, &hnDedup{beginPanic: true}, 0)
			if s := e.put(5 * time.Second); s < 500 {
				t.Errorf("status %d, want 5xx", s)
			}
			hnExpect(t, "receiver calls", e.rec.calls.Load(), 0)
		}},
	{"malformed body",
		"a body that does not decode is refused with 400 before any claim: it cannot hold the key",
		func(t *testing.T) {
			e := newHNEnv(t, &hnReceiver{}, nil, 0)
			hnRefused(t, e, http.MethodPut, hnPath, `{"iuv":`)
			hnExpect(t, "Begin calls", e.dedup.begun.Load(), 0)
			hnRedeliveredOnce(t, e, e.put(5*time.Second))
		}},
	{"percent-encoded path values (%2F, %00, %2e%2e, double encoding, mixed case, controls, lengths)",
		"decoded path values are checked as strictly as raw ones: 400 FaultBean (never a redirect), before any claim or receiver call",
		func(t *testing.T) {
			e := newHNEnv(t, &hnReceiver{}, nil, 0)
			for _, p := range hnEncodedPaths {
				method := http.MethodPut
				if strings.HasPrefix(p, "/pagamenti/") {
					method = http.MethodPost
				}
				hnRefused(t, e, method, p, hnBody)
			}
			hnExpect(t, "Begin calls", e.dedup.begun.Load(), 0)
			hnExpect(t, "receiver calls", e.rec.calls.Load(), 0)
		}},
	{"invalid UTF-8 in identifiers (path, query, body; overlong, surrogates, stray bytes)",
		"invalid UTF-8 in an identifier is refused with 400 before any claim or receiver call (never turned into U+FFFD)",
		func(t *testing.T) {
			e := newHNEnv(t, &hnReceiver{}, nil, 0)
			for _, r := range hnInvalidUTF8 {
				hnRefused(t, e, r.method, r.target, r.body)
			}
			hnExpect(t, "Begin calls", e.dedup.begun.Load(), 0)
			hnExpect(t, "receiver calls", e.rec.calls.Load(), 0)
		}},
	{"duplicate storm (100 concurrent deliveries)",
		"the receiver is called once and every delivery is acknowledged",
		func(t *testing.T) {
			release := make(chan struct{})
			e := newHNEnv(t, &hnReceiver{script: func(context.Context, int64) error { <-release; return nil }}, nil, 0)
			var wg sync.WaitGroup
			codes := make(chan int, 100)
			for range 100 {
				wg.Add(1)
				go func() { defer wg.Done(); codes <- e.put(10 * time.Second) }()
			}
			for e.dedup.begun.Load() < 100 {
				time.Sleep(time.Millisecond)
			}
			close(release)
			wg.Wait()
			close(codes)
			n := 0
			for c := range codes {
				if c == http.StatusCreated {
					n++
				}
			}
			hnExpect(t, "deliveries acknowledged", n, 100)
			hnExpect(t, "receiver calls", e.rec.calls.Load(), 1)
		}},
}

// TestHostileNotifica runs the catalogue.
func TestHostileNotifica(t *testing.T) {
	for _, row := range hnRows {
		t.Run(row.family, func(t *testing.T) {
			t.Log(row.property)
			row.run(t)
		})
	}
}
