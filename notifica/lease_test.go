package notifica_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

// scripted is a Receiver whose n-th call (1-based) does what script says;
// calls past the script succeed. Every successful call is recorded.
type scripted struct {
	mu     sync.Mutex
	calls  atomic.Int64
	got    []*ricevute.Ricevuta
	script func(ctx context.Context, n int64) error
}

func (s *scripted) Ricevuta(ctx context.Context, r *ricevute.Ricevuta) error {
	n := s.calls.Add(1)
	if s.script != nil {
		if err := s.script(ctx, n); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.got = append(s.got, r)
	s.mu.Unlock()
	return nil
}

func (s *scripted) Attivazione(ctx context.Context, _ *notifica.Pagamento) error { return nil }
func (s *scripted) Pagamento(ctx context.Context, _ *notifica.Pagamento) error   { return nil }

func (s *scripted) received() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

// loopback serves h on a real loopback server and returns a function that
// delivers the test receipt with the given client timeout (0: none) and
// returns the status, or 0 when the request failed (aborted, timed out).
func loopback(t *testing.T, h http.Handler) func(timeout time.Duration) int {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return func(timeout time.Duration) int {
		req, err := http.NewRequest(http.MethodPut, srv.URL+pathRicevuta, bytes.NewReader([]byte(bodyRicevuta)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(testUser, testPass)
		c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
		res, err := c.Do(req)
		if err != nil {
			return 0
		}
		_ = res.Body.Close()
		return res.StatusCode
	}
}

// TestAbortReleasesClaim: a receiver that aborts the request with
// http.ErrAbortHandler still releases its claim; the response is aborted
// (the client sees no answer) and GovPay's redelivery is processed.
func TestAbortReleasesClaim(t *testing.T) {
	rec := &scripted{script: func(_ context.Context, n int64) error {
		if n == 1 {
			panic(http.ErrAbortHandler)
		}
		return nil
	}}
	dedup := notifica.NewMemoryDeduplicator()
	deliver := loopback(t, newHandler(t, rec, notifica.WithDeduplicator(dedup)))
	assert.Equal(t, 0, deliver(5*time.Second), "the answer is aborted")
	assert.Zero(t, dedup.Len(), "the claim was released")
	assert.Equal(t, 201, deliver(5*time.Second), "the redelivery is processed, without waiting for a lease")
	assert.Equal(t, 1, rec.received(), "the receiver sees the receipt once more")
	assert.Equal(t, 201, deliver(5*time.Second))
	assert.Equal(t, int64(2), rec.calls.Load(), "a later duplicate does not reach the receiver")
}

// TestAbortIsRepanicked: served directly, the handler re-panics with
// http.ErrAbortHandler after releasing the claim.
func TestAbortIsRepanicked(t *testing.T) {
	dedup := notifica.NewMemoryDeduplicator()
	h := newHandler(t, &recorder{panicWith: http.ErrAbortHandler}, notifica.WithDeduplicator(dedup))
	var got any
	func() {
		defer func() { got = recover() }()
		do(h, "PUT", pathRicevuta, []byte(bodyRicevuta))
	}()
	assert.Equal(t, http.ErrAbortHandler, got)
	assert.Zero(t, dedup.Len(), "released before the re-panic")
}

// TestHungReceiverPastLease: a receiver that never returns (and ignores
// its context) holds its claim only for the lease: after GovPay gave up on
// it, the next delivery processes the receipt, and the hung delivery's
// late success does not overwrite it.
func TestHungReceiverPastLease(t *testing.T) {
	const lease = 150 * time.Millisecond
	unblock := make(chan struct{})
	rec := &scripted{script: func(_ context.Context, n int64) error {
		if n == 1 {
			<-unblock // hangs, deaf to its context
		}
		return nil
	}}
	dedup := notifica.NewMemoryDeduplicator(notifica.WithMemoryLease(lease))
	deliver := loopback(t, newHandler(t, rec, notifica.WithDeduplicator(dedup)))
	start := time.Now()
	assert.Equal(t, 0, deliver(50*time.Millisecond), "GovPay gives up on the hung delivery")
	assert.Equal(t, 201, deliver(5*time.Second), "the next delivery takes the expired claim over")
	assert.GreaterOrEqual(t, time.Since(start), lease, "not before the lease ended")
	assert.Equal(t, 1, rec.received())
	close(unblock)
	assert.Equal(t, 201, deliver(5*time.Second), "the key is processed")
	assert.Equal(t, int64(2), rec.calls.Load())
}

// TestWaiterTakesOverAfterLease: a duplicate waiting on a hung claim takes
// the key over when the lease ends, well before its own context does.
func TestWaiterTakesOverAfterLease(t *testing.T) {
	unblock := make(chan struct{})
	defer close(unblock)
	rec := &scripted{script: func(_ context.Context, n int64) error {
		if n == 1 {
			<-unblock
		}
		return nil
	}}
	dedup := notifica.NewMemoryDeduplicator(notifica.WithMemoryLease(100 * time.Millisecond))
	h := newHandler(t, rec, notifica.WithDeduplicator(dedup))
	go do(h, "PUT", pathRicevuta, []byte(bodyRicevuta))
	for rec.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, "PUT", pathRicevuta, bytes.NewReader([]byte(bodyRicevuta)))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(testUser, testPass)
	res := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(res, req)
	assert.Equal(t, 201, res.Code)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, 1, rec.received())
}

// releaseFaulty wraps a deduplicator and makes Release fail or panic
// (after doing nothing): only the lease frees the key.
type releaseFaulty struct {
	notifica.Deduplicator
	panics bool
}

func (r *releaseFaulty) Begin(ctx context.Context, key string) (notifica.Claim, error) {
	c, err := r.Deduplicator.Begin(ctx, key)
	if err != nil || c.Done {
		return c, err
	}
	inner := c.Release
	c.Release = func(ctx context.Context, success bool) error {
		if success {
			return inner(ctx, true)
		}
		if r.panics {
			panic("release exploded")
		}
		return errors.New("release failed")
	}
	return c, nil
}

// TestReleaseFailureExpires: a Release that fails or panics after a failed
// delivery answers 500 (nothing crashes) and the key is free again once
// the lease ends.
func TestReleaseFailureExpires(t *testing.T) {
	for _, panics := range []bool{false, true} {
		t.Run(map[bool]string{false: "error", true: "panic"}[panics], func(t *testing.T) {
			rec := &scripted{script: func(_ context.Context, n int64) error {
				if n == 1 {
					return errors.New("booking failed")
				}
				return nil
			}}
			const lease = 100 * time.Millisecond
			dedup := &releaseFaulty{Deduplicator: notifica.NewMemoryDeduplicator(notifica.WithMemoryLease(lease)), panics: panics}
			h := newHandler(t, rec, notifica.WithDeduplicator(dedup))
			assert.Equal(t, 500, do(h, "PUT", pathRicevuta, []byte(bodyRicevuta)).Code)
			time.Sleep(lease + 20*time.Millisecond)
			assert.Equal(t, 201, do(h, "PUT", pathRicevuta, []byte(bodyRicevuta)).Code)
			assert.Equal(t, 1, rec.received())
		})
	}
}

// TestMemoryLeaseTakeover checks the memory deduplicator alone: an expired
// claim is taken over, the old owner's late success is refused with
// ErrClaimExpired and does not undo the new owner's failure.
func TestMemoryLeaseTakeover(t *testing.T) {
	d := notifica.NewMemoryDeduplicator(notifica.WithMemoryLease(50 * time.Millisecond))
	ctx := context.Background()
	old, err := d.Begin(ctx, "k")
	require.NoError(t, err)
	require.NotNil(t, old.Context)
	_, hasDeadline := old.Context.Deadline()
	assert.True(t, hasDeadline, "the claim's context ends with the lease")
	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	next, err := d.Begin(waitCtx, "k") // waits for the lease to end
	require.NoError(t, err)
	require.False(t, next.Done)
	assert.Error(t, old.Context.Err(), "the old owner's context ended")
	assert.ErrorIs(t, old.Release(ctx, true), notifica.ErrClaimExpired)
	require.NoError(t, next.Release(ctx, false))
	assert.Zero(t, d.Len(), "the new owner's failure freed the key")
	again, err := d.Begin(ctx, "k")
	require.NoError(t, err)
	assert.False(t, again.Done)
	require.NoError(t, again.Release(ctx, true))
	done, err := d.Begin(ctx, "k")
	require.NoError(t, err)
	assert.True(t, done.Done)
}
