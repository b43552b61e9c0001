package notifica

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Deduplicator records which notifications were processed, so that a
// duplicate delivery answers 2xx without calling the [Receiver] again.
// GovPay delivers at least once: it repeats a notification whose answer it
// did not see (a timeout, a restart) and an operator can resend one.
//
// The handler calls Begin with the notification's idempotency key (see
// [Pagamento.Key], [ricevute.Ricevuta.Key]) after authenticating, checking
// and decoding the request, and before calling the Receiver: nothing that
// can refuse the request runs between Begin and the Receiver. Begin must:
//
//   - return Claim.Done true when the key was processed successfully: the
//     handler answers 2xx and does not call the Receiver;
//   - otherwise give the caller ownership of the key, a claim, until it
//     calls Claim.Release: a concurrent Begin for the same key waits (until
//     its ctx ends, then it returns ctx's error) and then returns Done if
//     the owner succeeded, or takes over the key if it failed;
//   - make every claim a lease that expires: a claim that is never
//     released (a Receiver that hangs, a replica that crashes, a Release
//     that fails) must stop blocking the key after a bounded time, shorter
//     than GovPay's first redelivery interval (one minute, see
//     [DefaultLease]); a waiting or later Begin then takes the key over.
//     Otherwise a single stuck delivery would make every redelivery of the
//     notification wait and fail, and the receipt would be lost;
//   - return an error when it cannot decide (the database is down): the
//     handler answers 503 and GovPay retries later.
//
// The handler calls Claim.Release exactly once for every claim it gets, on
// every exit path: with success true only when the Receiver returned nil;
// with false when it returned an error, panicked (also with
// http.ErrAbortHandler, which the handler re-panics after Release returns)
// or its delivery was abandoned. Release runs with a context that is not
// cancelled when GovPay hangs up; a panic in Release is recovered.
// Release of a lease that expired and was taken over must not undo the new
// owner's work: it returns an error when success is true (the handler
// answers 500 and GovPay delivers again, to find the key processed or in
// progress) and does nothing otherwise.
//
// A database-backed implementation ([NewSQLDeduplicator] follows this
// contract, without the optional transaction) keeps a row per key with its state and a lease
// deadline (claimed_until): Begin inserts the row or, in one statement,
// takes over a row whose lease has passed; a waiter polls or listens until
// the deadline or its ctx; Release records success or deletes the row only
// if the claim still owns it (a token compared in the WHERE clause). When
// it also runs a transaction from Begin to Release and puts it in
// Claim.Context, the Receiver can write its own effects in the same
// transaction, which makes the effect exactly once even if the process
// dies between the Receiver and Release; that transaction must then be
// bounded by the lease too (a deadline on Claim.Context, a server-side
// idle-in-transaction timeout), so that a crashed or hung owner's lock is
// dropped. See the package example.
type Deduplicator interface {
	Begin(ctx context.Context, key string) (Claim, error)
}

// Claim is the outcome of [Deduplicator.Begin].
type Claim struct {
	// Done reports that the notification was already processed
	// successfully.
	Done bool
	// Context, if not nil, is passed to the Receiver instead of the
	// request's context (it may carry a database transaction, and a
	// deadline at the end of the lease). It should derive from the ctx
	// given to Begin.
	Context context.Context
	// Release ends the ownership of the key: success true records the key
	// as processed, false frees it for a later delivery. The handler calls
	// it exactly once when Done is false, on every exit path (see
	// [Deduplicator]), with a context that is not cancelled when GovPay
	// hangs up. An error when success is true turns the answer into a 500,
	// so that GovPay delivers again.
	Release func(ctx context.Context, success bool) error
}

// MemoryRetention is how long a [MemoryDeduplicator] remembers a processed
// key: 48 hours, twice the span over which GovPay retries a notification.
const MemoryRetention = 48 * time.Hour

// DefaultLease is how long a claim of a [MemoryDeduplicator] lasts unless
// [WithMemoryLease] says otherwise: 50 seconds. GovPay 3.9.1 delivers a failed
// notification again tentativi² minutes after the failure (at least one
// minute: InviaNotificaThread.java:223, "prossima = today + tentativi *
// tentativi * 60 * 1000", tentativi 1 after the first failure), so a claim
// left by a hung Receiver or an abandoned request has expired when the
// first redelivery arrives. Keep the Receiver well within the lease: its
// context ends when the lease does.
const DefaultLease = 50 * time.Second

// ErrClaimExpired is returned by the Release of a [MemoryDeduplicator]
// claim, with success true, when the claim's lease expired and another
// delivery took the key over: the success is not recorded (the other
// delivery's outcome decides).
var ErrClaimExpired = errors.New("notifica: the claim's lease expired and another delivery took the key over")

// MemoryOption configures [NewMemoryDeduplicator].
type MemoryOption func(*MemoryDeduplicator)

// WithMemoryLease sets how long a claim lasts before another delivery of the
// same key may take it over (default [DefaultLease]). A non-positive d
// keeps the default. The Receiver's context ends with the lease.
func WithMemoryLease(d time.Duration) MemoryOption {
	return func(m *MemoryDeduplicator) {
		if d > 0 {
			m.lease = d
		}
	}
}

// MemoryDeduplicator is an in-process [Deduplicator] whose claims are
// leases (see [DefaultLease]). It is safe for concurrent use. It forgets
// everything when the process stops and is not shared between replicas:
// deployments with several instances, or that must survive restarts,
// should use a [SQLDeduplicator] or back a Deduplicator with their database.
type MemoryDeduplicator struct {
	mu      sync.Mutex
	entries map[string]*memEntry
	expiry  []expiryRecord // processed keys, oldest first
	now     func() time.Time
	lease   time.Duration
}

type memEntry struct {
	done     bool
	doneAt   time.Time
	leaseEnd time.Time          // while not done
	wait     chan struct{}      // closed when the owner releases or loses the lease
	woken    bool               // wait is closed
	cancel   context.CancelFunc // ends the owner's Claim.Context
}

// wakeLocked closes e.wait once.
func (e *memEntry) wakeLocked() {
	if !e.woken {
		e.woken = true
		close(e.wait)
	}
}

type expiryRecord struct {
	key string
	e   *memEntry
}

// NewMemoryDeduplicator returns an empty in-memory deduplicator that
// remembers processed keys for [MemoryRetention] and whose claims last
// [DefaultLease], or what [WithMemoryLease] says.
func NewMemoryDeduplicator(opts ...MemoryOption) *MemoryDeduplicator {
	m := &MemoryDeduplicator{entries: map[string]*memEntry{}, now: time.Now, lease: DefaultLease}
	for _, o := range opts {
		if o != nil {
			o(m)
		}
	}
	return m
}

// Len returns the number of keys remembered or in progress.
func (m *MemoryDeduplicator) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

// Begin implements [Deduplicator]. A claim lasts the lease; a Begin waiting
// for it takes the key over when it expires, and gives up with ctx's error
// when ctx ends first.
func (m *MemoryDeduplicator) Begin(ctx context.Context, key string) (Claim, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Claim{}, err
		}
		m.mu.Lock()
		m.expireLocked()
		now := m.now()
		e := m.entries[key]
		if e != nil && !e.done && !now.Before(e.leaseEnd) {
			// The owner outlived its lease: take the key over.
			e.cancel()
			e.wakeLocked()
			delete(m.entries, key)
			e = nil
		}
		if e == nil {
			cctx, cancel := context.WithTimeout(ctx, m.lease)
			e = &memEntry{wait: make(chan struct{}), leaseEnd: now.Add(m.lease), cancel: cancel}
			m.entries[key] = e
			m.mu.Unlock()
			return Claim{Context: cctx, Release: m.releaser(key, e)}, nil
		}
		if e.done {
			m.mu.Unlock()
			return Claim{Done: true}, nil
		}
		wait, left := e.wait, e.leaseEnd.Sub(now)
		m.mu.Unlock()
		t := time.NewTimer(left)
		select {
		case <-wait:
			// the owner released or lost the key: look again
		case <-t.C:
			// the lease ended: look again (and take over)
		case <-ctx.Done():
			t.Stop()
			return Claim{}, ctx.Err()
		}
		t.Stop()
	}
}

func (m *MemoryDeduplicator) releaser(key string, e *memEntry) func(context.Context, bool) error {
	var once sync.Once
	return func(_ context.Context, success bool) error {
		var err error
		once.Do(func() {
			m.mu.Lock()
			defer m.mu.Unlock()
			e.cancel()
			switch {
			case m.entries[key] != e:
				// taken over after the lease expired: the new owner decides
				if success {
					err = ErrClaimExpired
				}
			case success:
				e.done = true
				e.doneAt = m.now()
				m.expiry = append(m.expiry, expiryRecord{key, e})
			default:
				delete(m.entries, key)
			}
			e.wakeLocked()
		})
		return err
	}
}

// expireLocked forgets processed keys older than MemoryRetention.
func (m *MemoryDeduplicator) expireLocked() {
	if len(m.expiry) == 0 {
		return
	}
	limit := m.now().Add(-MemoryRetention)
	n := 0
	for n < len(m.expiry) && m.expiry[n].e.doneAt.Before(limit) {
		r := m.expiry[n]
		if m.entries[r.key] == r.e {
			delete(m.entries, r.key)
		}
		n++
	}
	if n > 0 {
		m.expiry = append(m.expiry[:0:0], m.expiry[n:]...)
	}
}
