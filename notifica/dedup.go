package notifica

import (
	"context"
	"sync"
	"time"
)

// Deduplicator records which notifications were processed, so that a
// duplicate delivery answers 2xx without calling the [Receiver] again.
// GovPay delivers at least once: it repeats a notification whose answer it
// did not see (a timeout, a restart) and an operator can resend one.
//
// The handler calls Begin with the notification's idempotency key (see
// [Pagamento.Chiave], [Ricevuta.Chiave]) after decoding it and before
// calling the Receiver. Begin must:
//
//   - return Claim.Done true when the key was processed successfully: the
//     handler answers 2xx and does not call the Receiver;
//   - otherwise give the caller exclusive ownership of the key until it
//     calls Claim.Release: a concurrent Begin for the same key waits (until
//     its ctx ends) and then returns Done if the owner succeeded, or takes
//     over the key if it failed;
//   - return an error when it cannot decide (the database is down): the
//     handler answers 503 and GovPay retries later.
//
// A database-backed implementation does this with a row per key and a
// transaction holding its lock (SELECT … FOR UPDATE) from Begin to Release.
// When it puts that transaction in Claim.Context, the Receiver can write
// its own effects in the same transaction, which makes the effect exactly
// once even if the process dies between the Receiver and Release. See the
// package example.
type Deduplicator interface {
	Begin(ctx context.Context, key string) (Claim, error)
}

// Claim is the outcome of [Deduplicator.Begin].
type Claim struct {
	// Done reports that the notification was already processed
	// successfully.
	Done bool
	// Context, if not nil, is passed to the Receiver instead of the
	// request's context (it may carry a database transaction). It should
	// derive from the ctx given to Begin.
	Context context.Context
	// Release ends the ownership of the key: success true records the key
	// as processed, false frees it for a later delivery. The handler calls
	// it exactly once when Done is false, with a context that is not
	// cancelled when GovPay hangs up. An error when success is true turns
	// the answer into a 500, so that GovPay delivers again.
	Release func(ctx context.Context, success bool) error
}

// MemoryRetention is how long a [MemoryDeduplicator] remembers a processed
// key: 48 hours, twice the span over which GovPay retries a notification.
const MemoryRetention = 48 * time.Hour

// MemoryDeduplicator is an in-process [Deduplicator]. It is safe for
// concurrent use. It forgets everything when the process stops and is not
// shared between replicas: deployments with several instances, or that
// must survive restarts, should back a Deduplicator with their database.
type MemoryDeduplicator struct {
	mu      sync.Mutex
	entries map[string]*memEntry
	expiry  []expiryRecord // processed keys, oldest first
	now     func() time.Time
}

type memEntry struct {
	done   bool
	doneAt time.Time
	wait   chan struct{} // closed when the owner releases
}

type expiryRecord struct {
	key string
	e   *memEntry
}

// NewMemoryDeduplicator returns an empty in-memory deduplicator that
// remembers processed keys for [MemoryRetention].
func NewMemoryDeduplicator() *MemoryDeduplicator {
	return &MemoryDeduplicator{entries: map[string]*memEntry{}, now: time.Now}
}

// Len returns the number of keys remembered or in progress.
func (m *MemoryDeduplicator) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

// Begin implements [Deduplicator].
func (m *MemoryDeduplicator) Begin(ctx context.Context, key string) (Claim, error) {
	for {
		m.mu.Lock()
		m.expireLocked()
		e := m.entries[key]
		if e == nil {
			e = &memEntry{wait: make(chan struct{})}
			m.entries[key] = e
			m.mu.Unlock()
			return Claim{Release: m.releaser(key, e)}, nil
		}
		if e.done {
			m.mu.Unlock()
			return Claim{Done: true}, nil
		}
		wait := e.wait
		m.mu.Unlock()
		select {
		case <-wait:
			// the owner released: look again
		case <-ctx.Done():
			return Claim{}, ctx.Err()
		}
	}
}

func (m *MemoryDeduplicator) releaser(key string, e *memEntry) func(context.Context, bool) error {
	var once sync.Once
	return func(_ context.Context, success bool) error {
		once.Do(func() {
			m.mu.Lock()
			defer m.mu.Unlock()
			if success {
				e.done = true
				e.doneAt = m.now()
				m.expiry = append(m.expiry, expiryRecord{key, e})
			} else if m.entries[key] == e {
				delete(m.entries, key)
			}
			close(e.wait)
		})
		return nil
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
