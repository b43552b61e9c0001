package pendenze

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/govpaygo/govpay"
)

// Item is one pendenza to load with Load.
type Item struct {
	IDA2A      string
	IDPendenza string
	Pendenza   Pendenza
}

// Outcome is what happened to one item of a Load.
type Outcome string

// The outcomes of an item.
const (
	// OutcomeCreated: GovPay created the pendenza (201).
	OutcomeCreated Outcome = "created"
	// OutcomeUpdated: GovPay replaced an existing pendenza (200).
	OutcomeUpdated Outcome = "updated"
	// OutcomeInvalid: the item failed validation and was not sent; Err is a
	// *govpay.ValidationError.
	OutcomeInvalid Outcome = "invalid"
	// OutcomeFailed: the Put failed; Err is a *govpay.Error (GovPay refused
	// it), a *govpay.NetworkError (its Sent field tells whether it may have
	// reached GovPay) or a *govpay.DecodeError. Put being an upsert, a
	// failed item can be loaded again safely.
	OutcomeFailed Outcome = "failed"
	// OutcomeNotSent: the item was read but not sent because the context
	// ended first; Err is the context's error.
	OutcomeNotSent Outcome = "not-sent"
)

// Result is the outcome of one item of a Load.
type Result struct {
	// Index is the item's position in the sequence (0-based).
	Index      int
	IDA2A      string
	IDPendenza string
	Outcome    Outcome
	// Caricata is GovPay's answer for created and updated items.
	Caricata *Caricata
	// Err is why an item is invalid, failed or not sent.
	Err error
}

// Progress is a snapshot of a running Load.
type Progress struct {
	// Done counts the items with an outcome; Total is LoadOptions.Total
	// (0 when unknown).
	Done, Total int
	// Per-outcome counts.
	Created, Updated, Invalid, Failed, NotSent int
	// Elapsed since Load started; Rate is Done per second.
	Elapsed time.Duration
	Rate    float64
}

// LoadOptions configures Load.
type LoadOptions struct {
	// Concurrency is the number of Puts in flight (default 8, at most 256).
	// The client's HTTP transport keeps up to 64 idle connections per host
	// by default; a custom http.Client (govpay.WithHTTPClient) should allow
	// at least Concurrency idle connections per host, or connections are
	// opened and closed continuously.
	Concurrency int
	// Total is the number of items when known in advance, reported in
	// Progress.
	Total int
	// Strict validates every item with Pendenza.ValidateStrict.
	Strict bool
	// PutOptions apply to every Put (WithDataAvvisatura, WithoutAvvisatura,
	// WithStampaAvviso: beware that the latter adds a PDF to every answer).
	PutOptions []PutOption
	// OnResult, if set, receives the result of every item read, including
	// created and updated ones, in completion order (not item order). Calls
	// are serialized; a slow OnResult slows the Load down.
	OnResult func(Result)
	// OnProgress, if set, is called at most once per ProgressInterval
	// (default 1 s) while items complete, and once at the end. Calls are
	// serialized with OnResult.
	OnProgress func(Progress)
	// ProgressInterval is the minimum time between two OnProgress calls.
	ProgressInterval time.Duration
	// MaxFailures is how many invalid, failed and not-sent results
	// LoadReport.Failures keeps (default 100; negative keeps none). The
	// others are counted in FailuresOmitted: use OnResult to see them all.
	MaxFailures int
}

// LoadReport sums up a Load. Its size does not depend on the number of
// items: only the first MaxFailures failures are kept.
type LoadReport struct {
	// Read is the number of items taken from the sequence: items from
	// position Read on were never read (when the context ended early).
	Read int
	// Per-outcome counts; their sum is Read.
	Created, Updated, Invalid, Failed, NotSent int
	// Failures are the first invalid, failed and not-sent results, in
	// completion order; FailuresOmitted counts the others.
	Failures        []Result
	FailuresOmitted int
	// Elapsed is the duration of the Load.
	Elapsed time.Duration
}

// Loaded returns the number of pendenze GovPay accepted.
func (r *LoadReport) Loaded() int { return r.Created + r.Updated }

// Load puts every item of items into GovPay with up to
// LoadOptions.Concurrency requests in flight over the client's
// connections. Each item is validated first (an invalid item is reported
// and not sent); each Put is retried per the client's RetryPolicy.
//
// Items are read from the sequence only as fast as they are sent, and
// results are not accumulated (counters, the first MaxFailures failures and
// the OnResult callback), so memory does not grow with the number of
// items: a generator reading a file or a database cursor loads millions.
//
// When ctx ends, Load stops reading items, lets the requests in flight end
// (they fail with the context's error, and may or may not have reached
// GovPay), reports the items already read but not sent as OutcomeNotSent,
// and returns the report with ctx's error. Otherwise the error is nil even
// when some items failed: see the report. A report is returned in every
// case except invalid options and a client that cannot send at all (see
// New: its *govpay.ValidationError is returned before any item is read).
func (c *Client) Load(ctx context.Context, items iter.Seq[Item], o LoadOptions) (*LoadReport, error) {
	if items == nil {
		return nil, errors.New("pendenze: Load: nil items")
	}
	if err := c.tc.ConfigError(); err != nil {
		return nil, err
	}
	conc := o.Concurrency
	switch {
	case conc == 0:
		conc = 8
	case conc < 0 || conc > 256:
		return nil, fmt.Errorf("pendenze: Load: Concurrency %d, want 1–256", conc)
	}
	cfg := *newPutConfig(o.PutOptions)
	if o.Strict {
		cfg.strict = true
	}
	col := newCollector(&o)

	type job struct {
		index int
		item  Item
	}
	jobs := make(chan job, conc)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				col.add(c.loadOne(ctx, j.index, &j.item, &cfg))
			}
		}()
	}

	read, stopped := 0, false
	for it := range items {
		if ctx.Err() != nil {
			col.add(notSent(ctx, read, &it))
			read++
			stopped = true
			break
		}
		select {
		case jobs <- job{read, it}:
		case <-ctx.Done():
			col.add(notSent(ctx, read, &it))
			stopped = true
		}
		read++
		if stopped {
			break
		}
	}
	close(jobs)
	wg.Wait()

	rep := col.finish(read)
	if err := ctx.Err(); err != nil && (stopped || rep.NotSent > 0 || col.ctxFailures > 0) {
		return rep, err
	}
	return rep, nil
}

func notSent(ctx context.Context, index int, it *Item) Result {
	return Result{Index: index, IDA2A: it.IDA2A, IDPendenza: it.IDPendenza, Outcome: OutcomeNotSent, Err: ctx.Err()}
}

// loadOne validates and puts one item.
func (c *Client) loadOne(ctx context.Context, index int, it *Item, cfg *putConfig) Result {
	r := Result{Index: index, IDA2A: it.IDA2A, IDPendenza: it.IDPendenza}
	if err := ctx.Err(); err != nil {
		r.Outcome, r.Err = OutcomeNotSent, err
		return r
	}
	car, err := c.put(ctx, it.IDA2A, it.IDPendenza, &it.Pendenza, cfg)
	var ve *govpay.ValidationError
	switch {
	case err == nil && car.Created:
		r.Outcome, r.Caricata = OutcomeCreated, car
	case err == nil:
		r.Outcome, r.Caricata = OutcomeUpdated, car
	case errors.As(err, &ve):
		r.Outcome, r.Err = OutcomeInvalid, err
	default:
		r.Outcome, r.Err = OutcomeFailed, err
	}
	return r
}

// collector counts results and calls the callbacks, one at a time.
type collector struct {
	mu          sync.Mutex
	o           *LoadOptions
	start       time.Time
	lastProg    time.Time
	interval    time.Duration
	maxFail     int
	rep         LoadReport
	ctxFailures int
}

func newCollector(o *LoadOptions) *collector {
	c := &collector{o: o, start: time.Now(), interval: o.ProgressInterval, maxFail: o.MaxFailures}
	if c.interval <= 0 {
		c.interval = time.Second
	}
	if c.maxFail == 0 {
		c.maxFail = 100
	}
	c.lastProg = c.start
	return c
}

func (c *collector) add(r Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch r.Outcome {
	case OutcomeCreated:
		c.rep.Created++
	case OutcomeUpdated:
		c.rep.Updated++
	case OutcomeInvalid:
		c.rep.Invalid++
	case OutcomeFailed:
		c.rep.Failed++
		if errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, context.DeadlineExceeded) {
			c.ctxFailures++
		}
	case OutcomeNotSent:
		c.rep.NotSent++
	}
	if r.Err != nil {
		if len(c.rep.Failures) < c.maxFail {
			c.rep.Failures = append(c.rep.Failures, r)
		} else {
			c.rep.FailuresOmitted++
		}
	}
	if c.o.OnResult != nil {
		c.o.OnResult(r)
	}
	if c.o.OnProgress != nil {
		if now := time.Now(); now.Sub(c.lastProg) >= c.interval {
			c.lastProg = now
			c.o.OnProgress(c.progress(now))
		}
	}
}

// progress returns the current snapshot; c.mu is held.
func (c *collector) progress(now time.Time) Progress {
	p := Progress{
		Done:    c.rep.Created + c.rep.Updated + c.rep.Invalid + c.rep.Failed + c.rep.NotSent,
		Total:   c.o.Total,
		Created: c.rep.Created, Updated: c.rep.Updated, Invalid: c.rep.Invalid,
		Failed: c.rep.Failed, NotSent: c.rep.NotSent,
		Elapsed: now.Sub(c.start),
	}
	if s := p.Elapsed.Seconds(); s > 0 {
		p.Rate = float64(p.Done) / s
	}
	return p
}

func (c *collector) finish(read int) *LoadReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.o.OnProgress != nil {
		c.o.OnProgress(c.progress(now))
	}
	rep := c.rep
	rep.Read = read
	rep.Elapsed = now.Sub(c.start)
	return &rep
}
