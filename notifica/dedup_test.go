package notifica_test

import (
	"context"
	"database/sql"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

// countingDedup counts Begin calls of the deduplicator it wraps.
type countingDedup struct {
	notifica.Deduplicator
	begun atomic.Int64
	// onBegin, if set, is called with the count after each call has started.
	onBegin func(n int64)
}

func (c *countingDedup) Begin(ctx context.Context, key string) (notifica.Claim, error) {
	n := c.begun.Add(1)
	if c.onBegin != nil {
		c.onBegin(n)
	}
	return c.Deduplicator.Begin(ctx, key)
}

func deliverConcurrently(t *testing.T, n int, serve func() int) map[int]int {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		codes = map[int]int{}
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := serve()
			mu.Lock()
			codes[c]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return codes
}

// TestDuplicateStorm: 100 concurrent identical deliveries call the
// receiver once and are all answered 201.
func TestDuplicateStorm(t *testing.T) {
	const n = 100
	rec := &recorder{block: make(chan struct{})}
	dedup := &countingDedup{Deduplicator: notifica.NewMemoryDeduplicator()}
	var once sync.Once
	// Keep the first delivery inside the receiver until every delivery has
	// reached the deduplicator: the other 99 are then waiting on it.
	dedup.onBegin = func(c int64) {
		if c == n {
			go func() {
				time.Sleep(20 * time.Millisecond)
				once.Do(func() { close(rec.block) })
			}()
		}
	}
	h := newHandler(t, rec, notifica.WithDeduplicator(dedup))
	codes := deliverConcurrently(t, n, func() int {
		return do(h, "PUT", pathRicevuta, []byte(bodyRicevuta)).Code
	})
	assert.Equal(t, map[int]int{201: n}, codes)
	assert.Equal(t, int64(1), rec.calls.Load(), "the receiver is called once")
	assert.Len(t, rec.ric, 1)
	assert.Equal(t, int64(n), dedup.begun.Load())

	// A later redelivery is acknowledged without calling the receiver.
	assert.Equal(t, 201, do(h, "PUT", pathRicevuta, []byte(bodyRicevuta)).Code)
	assert.Equal(t, int64(1), rec.calls.Load())
}

// TestDuplicateStormFirstFails: when the delivery in progress fails, one
// waiting duplicate takes over; nothing is acknowledged before a success.
func TestDuplicateStormFirstFails(t *testing.T) {
	const n = 100
	rec := &recorder{block: make(chan struct{})}
	rec.fail = func(call int64) error {
		if call == 1 {
			return errors.New("database down")
		}
		return nil
	}
	dedup := &countingDedup{Deduplicator: notifica.NewMemoryDeduplicator()}
	var once sync.Once
	dedup.onBegin = func(c int64) {
		if c == n {
			go func() {
				time.Sleep(20 * time.Millisecond)
				once.Do(func() { close(rec.block) })
			}()
		}
	}
	h := newHandler(t, rec, notifica.WithDeduplicator(dedup))
	codes := deliverConcurrently(t, n, func() int {
		return do(h, "POST", pathPagamento, []byte(bodyPagamento)).Code
	})
	assert.Equal(t, map[int]int{500: 1, 201: n - 1}, codes)
	assert.Equal(t, int64(2), rec.calls.Load(), "the failed call and one retry")
	assert.Len(t, rec.pag, 1)
}

// TestFailureThenRetry: a receiver error answers 5xx, GovPay's retry
// succeeds, a third delivery is a duplicate.
func TestFailureThenRetry(t *testing.T) {
	for _, withDedup := range []bool{false, true} {
		name := "without deduplicator"
		if withDedup {
			name = "with deduplicator"
		}
		t.Run(name, func(t *testing.T) {
			rec := &recorder{fail: func(call int64) error {
				if call == 1 {
					return errors.New("temporarily unavailable")
				}
				return nil
			}}
			var opts []notifica.Option
			if withDedup {
				opts = append(opts, notifica.WithDeduplicator(notifica.NewMemoryDeduplicator()))
			}
			h := newHandler(t, rec, opts...)
			res := do(h, "PUT", pathRicevuta, []byte(bodyRicevuta))
			require.Equal(t, 500, res.Code)
			assert.Empty(t, rec.ric)
			res = do(h, "PUT", pathRicevuta, []byte(bodyRicevuta))
			require.Equal(t, 201, res.Code)
			require.Len(t, rec.ric, 1)
			res = do(h, "PUT", pathRicevuta, []byte(bodyRicevuta))
			require.Equal(t, 201, res.Code)
			if withDedup {
				assert.Equal(t, int64(2), rec.calls.Load(), "the duplicate is not delivered again")
			} else {
				assert.Equal(t, int64(3), rec.calls.Load(), "without a deduplicator every delivery reaches the receiver")
			}
		})
	}
}

func TestDedupKeysSeparateNotifications(t *testing.T) {
	rec := &recorder{}
	h := newHandler(t, rec, notifica.WithDeduplicator(notifica.NewMemoryDeduplicator()))
	other := strings.Replace(bodyRicevuta, `"rcpt-1"`, `"rcpt-2"`, 1)
	require.Equal(t, 201, do(h, "PUT", pathRicevuta, []byte(bodyRicevuta)).Code)
	require.Equal(t, 201, do(h, "PUT", "/ricevute/01234567890/01000000000012345/rcpt-2", []byte(other)).Code)
	require.Equal(t, 201, do(h, "POST", pathPagamento, []byte(bodyAttivazione)).Code)
	require.Equal(t, 201, do(h, "POST", pathPagamento, []byte(bodyPagamento)).Code)
	// redeliveries
	require.Equal(t, 201, do(h, "POST", pathPagamento, []byte(bodyAttivazione)).Code)
	require.Equal(t, 201, do(h, "POST", pathPagamento, []byte(bodyPagamento)).Code)
	assert.Len(t, rec.ric, 2)
	assert.Len(t, rec.att, 1)
	assert.Len(t, rec.pag, 1)
	assert.Equal(t, "pagamento/01234567890/01000000000012345/r-77", rec.pag[0].Key())
	// A malformed duplicate is refused even though the key was processed.
	res := do(h, "PUT", pathRicevuta, []byte(`{"iuv":`))
	assert.Equal(t, 400, res.Code)
}

// failingDedup fails Begin, or Release on success.
type failingDedup struct {
	beginErr, releaseErr error
	ctxKey               any
}

func (f *failingDedup) Begin(ctx context.Context, key string) (notifica.Claim, error) {
	if f.beginErr != nil {
		return notifica.Claim{}, f.beginErr
	}
	return notifica.Claim{
		Context: context.WithValue(ctx, f.ctxKey, "tx-42"),
		Release: func(ctx context.Context, success bool) error {
			if ctx.Err() != nil {
				return errors.New("release got a cancelled context")
			}
			if success {
				return f.releaseErr
			}
			return nil
		},
	}, nil
}

type ctxKey struct{}

// ctxReceiver checks that the claim's context reaches the receiver.
type ctxReceiver struct {
	recorder
	got any
}

func (c *ctxReceiver) Ricevuta(ctx context.Context, r *ricevute.Ricevuta) error {
	c.got = ctx.Value(ctxKey{})
	return c.recorder.Ricevuta(ctx, r)
}

func TestDeduplicatorFailures(t *testing.T) {
	rec := &recorder{}
	h := newHandler(t, rec, notifica.WithDeduplicator(&failingDedup{beginErr: errors.New("db down")}))
	res := do(h, "PUT", pathRicevuta, []byte(bodyRicevuta))
	assert.Equal(t, 503, res.Code)
	assert.Equal(t, "60", res.Header().Get("Retry-After"))
	assert.Zero(t, rec.calls.Load())

	cr := &ctxReceiver{}
	h = newHandler(t, cr, notifica.WithDeduplicator(&failingDedup{releaseErr: errors.New("commit failed"), ctxKey: ctxKey{}}))
	res = do(h, "PUT", pathRicevuta, []byte(bodyRicevuta))
	assert.Equal(t, 500, res.Code, "a success that cannot be recorded is not acknowledged")
	assert.Equal(t, "tx-42", cr.got, "the receiver gets the claim's context")
}

func TestWaitingDuplicateGivesUpWithContext(t *testing.T) {
	rec := &recorder{block: make(chan struct{})}
	dedup := notifica.NewMemoryDeduplicator()
	h := newHandler(t, rec, notifica.WithDeduplicator(dedup))
	first := make(chan int)
	go func() { first <- do(h, "PUT", pathRicevuta, []byte(bodyRicevuta)).Code }()
	for rec.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, "PUT", pathRicevuta, strings.NewReader(bodyRicevuta))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(testUser, testPass)
	res := httptest.NewRecorder()
	h.ServeHTTP(res, req)
	assert.Equal(t, 503, res.Code, "a duplicate that cannot wait any longer is not acknowledged")
	close(rec.block)
	assert.Equal(t, 201, <-first)
	assert.Equal(t, 1, dedup.Len())
}

func TestMemoryDeduplicatorRelease(t *testing.T) {
	d := notifica.NewMemoryDeduplicator()
	ctx := context.Background()
	c, err := d.Begin(ctx, "k")
	require.NoError(t, err)
	require.False(t, c.Done)
	require.NoError(t, c.Release(ctx, false))
	require.NoError(t, c.Release(ctx, true), "a second Release is ignored")
	assert.Zero(t, d.Len(), "a failure frees the key")
	c, err = d.Begin(ctx, "k")
	require.NoError(t, err)
	require.False(t, c.Done)
	require.NoError(t, c.Release(ctx, true))
	c, err = d.Begin(ctx, "k")
	require.NoError(t, err)
	assert.True(t, c.Done)
	assert.Equal(t, 1, d.Len())
}

// silentGestionale books receipts like the example's gestionale, quietly.
type silentGestionale struct{ calls atomic.Int64 }

func (g *silentGestionale) Ricevuta(ctx context.Context, r *ricevute.Ricevuta) error {
	g.calls.Add(1)
	tx, ok := ctx.Value(txKey{}).(*sql.Tx)
	if !ok {
		return errors.New("no transaction")
	}
	time.Sleep(5 * time.Millisecond) // let the duplicates pile up on the row lock
	_, err := tx.ExecContext(ctx, `INSERT INTO incassi (id_ricevuta, centesimi) VALUES ($1, $2)`, r.IDRicevuta, r.Importo.Centesimi())
	return err
}

func (g *silentGestionale) Attivazione(context.Context, *notifica.Pagamento) error { return nil }
func (g *silentGestionale) Pagamento(context.Context, *notifica.Pagamento) error   { return nil }

// TestSQLDeduplicatorStorm runs the package example's database-backed
// deduplicator under a duplicate storm.
func TestSQLDeduplicatorStorm(t *testing.T) {
	db, err := sql.Open("exampledb", "")
	require.NoError(t, err)
	count := func() int {
		var n int
		require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM incassi`).Scan(&n))
		return n
	}
	before := count()
	g := &silentGestionale{}
	h := newHandler(t, g, notifica.WithDeduplicator(&sqlDeduplicator{db: db}))
	body := strings.Replace(bodyRicevuta, `"rcpt-1"`, `"storm-sql"`, 1)
	codes := deliverConcurrently(t, 50, func() int {
		return do(h, "PUT", "/ricevute/01234567890/01000000000012345/storm-sql", []byte(body)).Code
	})
	assert.Equal(t, map[int]int{201: 50}, codes)
	assert.Equal(t, int64(1), g.calls.Load())
	assert.Equal(t, before+1, count())
}
