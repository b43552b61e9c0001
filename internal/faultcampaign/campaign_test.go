package faultcampaign

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pagamenti"
)

// campaign is the expected outcome of every operation (rows) under every
// fault (columns, described in faults_test.go). A cell is kind/attempts:
//
//	ok        succeeded, with a result matching the server's state
//	recon     Client.Start failed ambiguously and returned the payment
//	          found by IDSessionePortale (Avvio.Reconciled)
//	unknown   errors.Is(err, govpay.ErrOutcomeUnknown)
//	E<nnn>    *govpay.Error with that StatusCode
//	net       *govpay.NetworkError
//	dec       *govpay.DecodeError
//	redirect  *pagamenti.RedirectError
//	invalid   *govpay.ValidationError (a notice GovPay's answer does not
//	          make payable, refused before the cart is posted)
//	deadline  errors.Is(err, context.DeadlineExceeded)
//	canceled  errors.Is(err, context.Canceled)
//	bogus     no error, but a result that does not match the server
//
// attempts is the number of requests of the operation the server saw
// ("3+": at least 3, for Client.Wait, which polls until its context ends).
// A cell ending in "!" is what the SDK does today although it departs from
// the behaviour rules (DESIGN.md §5) or the SDK's own documentation; each
// is explained in deviations.
const campaign = `
operation                   drop-before drop-read drop-served drop-always 429-secs 429-date 429-long   502       503       504       503-always  pagopa-502 timeout   late      deadline   stall-body truncated html-502    wrong-ctype 10MB-page   10MB-ok 10MB-json foreign overfull cancel
avvisi.Get                  ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     ok/1    ok/1     canceled/1
avvisi.PDF                  ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     ok/1    ok/1     canceled/1
pendenze.Put                ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 dec/1     E502/3      dec/1       E502/3      ok/1    dec/1     ok/1    ok/1     canceled/1
pendenze.Get                ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     ok/1    ok/1     canceled/1
pendenze.GetByAvviso        ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     ok/1    ok/1     canceled/1
pendenze.List               ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   dec/1    canceled/1
pendenze.Patch              net/1       net/1     net/1       net/1       E429/1   E429/1   E429/1     E502/1    E503/1    E504/1    E503/1      E502/1     net/1     net/1     deadline/1 deadline/1 dec/1     E502/1      dec/1       E502/1      ok/1    dec/1     ok/1    ok/1     canceled/1
pendenze.Cancel            net/1       net/1     net/1       net/1       E429/1   E429/1   E429/1     E502/1    E503/1    E504/1    E503/1      E502/1     net/1     net/1     deadline/1 deadline/1 dec/1     E502/1      dec/1       E502/1      ok/1    dec/1     ok/1    ok/1     canceled/1
pendenze.Reactivate           net/1       net/1     net/1       net/1       E429/1   E429/1   E429/1     E502/1    E503/1    E504/1    E503/1      E502/1     net/1     net/1     deadline/1 deadline/1 dec/1     E502/1      dec/1       E502/1      ok/1    dec/1     ok/1    ok/1     canceled/1
pendenze.ListRPP            ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   dec/1    canceled/1
pendenze.RT/json            ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    bogus/1   ok/1    ok/1     canceled/1
pendenze.RT/pdf             ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     ok/1    ok/1     canceled/1
pendenze.Load               ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 dec/1     E502/3      dec/1       E502/3      ok/1    dec/1     ok/1    ok/1     canceled/1
pagamenti.Start             unknown/1   unknown/1 unknown/1   unknown/1   E429/1   E429/1   E429/1     unknown/1 unknown/1 unknown/1 unknown/1   E502/1     unknown/1 unknown/1 unknown/1  unknown/1  unknown/1 unknown/1   unknown/1   unknown/1   ok/1    unknown/1 ok/1    ok/1     unknown/1
pagamenti.Start+idsp        unknown/1   unknown/1 recon/1     unknown/1   E429/1   E429/1   E429/1     unknown/1 unknown/1 unknown/1 unknown/1   E502/1     unknown/1 recon/1   unknown/1  recon/1    recon/1   unknown/1   recon/1     unknown/1   ok/1    unknown/1 ok/1    ok/1     unknown/1
pagamenti.Start/bridge+idsp unknown/1   unknown/1 unknown/1     unknown/1   E429/1   E429/1   E429/1     unknown/1 unknown/1 unknown/1 unknown/1   unknown/1     unknown/1 unknown/1   unknown/1  unknown/1    unknown/1   unknown/1   unknown/1     unknown/1   ok/1    unknown/1 ok/1    ok/1     unknown/1
pagamenti.Start/302+idsp    unknown/1   unknown/1 unknown/1     unknown/1   E429/1   E429/1   E429/1     unknown/1 unknown/1 unknown/1 unknown/1   unknown/1     unknown/1 unknown/1   unknown/1  ok/1       ok/1      unknown/1   ok/1        unknown/1   ok/1    unknown/1 ok/1    ok/1     unknown/1
pagamenti.Get               ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   ok/1     canceled/1
pagamenti.GetByIDSession    ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   ok/1     canceled/1
pagamenti.List              ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   dec/1    canceled/1
pagamenti.Posizione         ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   dec/1    canceled/1
pagamenti.Wait              ok/2        ok/2      ok/2        deadline/3+ ok/2     ok/2     deadline/1 ok/2      ok/2      ok/2      deadline/3+ ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      deadline/3+ dec/1       deadline/3+ ok/1    dec/1     dec/1   ok/1     canceled/1
checkout.Start/v1           net/1       net/1     net/1       net/1       E429/1   E429/1   E429/1     E502/1    E503/1    E504/1    E503/1      E502/1     net/1     net/1     deadline/1 ok/1       ok/1      E502/1      ok/1        E502/1      ok/1    dec/1     ok/1    ok/1     canceled/1
checkout.Start/v2           net/1       net/1     net/1       net/1       E429/1   E429/1   E429/1     E502/1    E503/1    E504/1    E503/1      E502/1     net/1     net/1     deadline/1 ok/1       ok/1      E502/1      ok/1        E502/1      ok/1    dec/1     ok/1    ok/1     canceled/1
checkout.Start+avvisi       ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     ok/1    ok/1     canceled/1
checkout.Prepare+avvisi     ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     ok/1    ok/1     canceled/1
ricevute.Find               ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   dec/1    canceled/1
ricevute.Get                ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   ok/1     canceled/1
ricevute.PDF                ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     ok/1    ok/1     canceled/1
Resolver/legacy             ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   ok/1     canceled/1
Resolver.ResolveNotices     ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   dec/1    canceled/1
Resolver/checkout           ok/2        ok/2      ok/2        net/3       ok/2     ok/2     E429/1     ok/2      ok/2      ok/2      E503/3      ok/2       ok/2      ok/2      deadline/1 deadline/1 ok/2      E502/3      dec/1       E502/3      ok/1    dec/1     dec/1   dec/1    canceled/1
`

// deviations explains the cells marked "!", by "operation fault" or
// "* fault" (every operation whose cell is marked).
var deviations = map[string]string{}

// deviation returns the explanation of a cell marked "!".
func deviation(op, fault string) (string, bool) {
	if d, ok := deviations[op+" "+fault]; ok {
		return d, true
	}
	if i := strings.IndexAny(op, "+/"); i > 0 {
		if d, ok := deviations[op[:i]+" "+fault]; ok {
			return d, true
		}
	}
	d, ok := deviations["* "+fault]
	return d, ok
}

// outcome is what a call gave.
type outcome struct {
	kind     string
	attempts int
	atLeast  bool // attempts is a lower bound
	known    bool // a known deviation ("!")
}

func (o outcome) String() string {
	s := o.kind + "/" + strconv.Itoa(o.attempts)
	if o.atLeast {
		s += "+"
	}
	return s
}

func parseOutcome(s string) (outcome, error) {
	kind, n, ok := strings.Cut(s, "/")
	if !ok || kind == "" {
		return outcome{}, fmt.Errorf("cell %q: want kind/attempts", s)
	}
	o := outcome{kind: kind}
	if strings.HasSuffix(n, "!") {
		o.known, n = true, strings.TrimSuffix(n, "!")
	}
	if strings.HasSuffix(n, "+") {
		o.atLeast, n = true, strings.TrimSuffix(n, "+")
	}
	a, err := strconv.Atoi(n)
	if err != nil || a < 0 {
		return outcome{}, fmt.Errorf("cell %q: bad attempts", s)
	}
	o.attempts = a
	return o, nil
}

// matches reports whether got satisfies the expectation want.
func (want outcome) matches(got outcome) bool {
	if want.kind != got.kind {
		return false
	}
	if want.atLeast {
		return got.attempts >= want.attempts
	}
	return got.attempts == want.attempts
}

// parseCampaign reads the table; it fails the test on any malformed line,
// unknown operation or fault, or missing cell.
func parseCampaign(t *testing.T) map[string]map[string]outcome {
	t.Helper()
	want := map[string]map[string]outcome{}
	var header []string
	for _, line := range strings.Split(campaign, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if header == nil {
			header = fields[1:]
			if len(header) != len(faults) {
				t.Fatalf("table header has %d faults, faults has %d", len(header), len(faults))
			}
			for i, f := range faults {
				if header[i] != f.name {
					t.Fatalf("table column %d is %q, faults[%d] is %q", i+1, header[i], i, f.name)
				}
			}
			continue
		}
		if len(fields) != len(header)+1 {
			t.Fatalf("table row %q has %d cells, want %d", fields[0], len(fields)-1, len(header))
		}
		row := map[string]outcome{}
		for i, cell := range fields[1:] {
			o, err := parseOutcome(cell)
			if err != nil {
				t.Fatalf("table row %s: %v", fields[0], err)
			}
			if _, ok := deviation(fields[0], header[i]); o.known && !ok {
				t.Errorf("table row %s, %s: cell %s marked \"!\" has no explanation in deviations", fields[0], header[i], cell)
			}
			row[header[i]] = o
		}
		if _, dup := want[fields[0]]; dup {
			t.Fatalf("table row %s twice", fields[0])
		}
		want[fields[0]] = row
	}
	names := map[string]bool{}
	for _, o := range operations {
		names[o.name] = true
	}
	for name := range want {
		if !names[name] {
			t.Errorf("table row %s: no such operation", name)
		}
	}
	for key := range deviations {
		op, f, _ := strings.Cut(key, " ")
		used := false
		for name, row := range want {
			if d, ok := deviation(name, f); ok && d == deviations[key] && row[f].known {
				used = used || op == "*" || strings.HasPrefix(name, op)
			}
		}
		if !used {
			t.Errorf("deviations[%q] explains no cell marked \"!\"", key)
		}
	}
	return want
}

// classify names the outcome of a call and reports whether the error is
// one the SDK documents (typed). ctxErr is the call's context's error when
// the call returned: a context error counts as such only when the caller's
// context did end (an http.Client timeout also matches
// context.DeadlineExceeded, but it is a *govpay.NetworkError).
func classify(err, ctxErr error) (kind string, typed bool) {
	var (
		pnc *panicError
		rec *errReconciled
		bog *bogusError
		oue *pagamenti.OutcomeUnknownError
		red *pagamenti.RedirectError
		ge  *govpay.Error
		de  *govpay.DecodeError
		ne  *govpay.NetworkError
		ve  *govpay.ValidationError
	)
	switch {
	case err == nil:
		return "ok", true
	case errors.As(err, &pnc):
		return "PANIC", false
	case errors.As(err, &rec):
		return "recon", true
	case errors.As(err, &bog):
		return "bogus", true
	case errors.As(err, &oue):
		return "unknown", errors.Is(err, govpay.ErrOutcomeUnknown)
	case ctxErr != nil && errors.Is(err, ctxErr):
		if ctxErr == context.Canceled {
			return "canceled", true
		}
		return "deadline", true
	case errors.As(err, &red):
		return "redirect", true
	case errors.As(err, &ge):
		return "E" + strconv.Itoa(ge.StatusCode), true
	case errors.As(err, &de):
		return "dec", true
	case errors.As(err, &ne):
		return "net", true
	case errors.As(err, &ve):
		return "invalid", true
	case errors.Is(err, context.Canceled):
		return "canceled", true
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline", true
	}
	return "untyped", false
}

// panicError is a call that panicked.
type panicError struct{ v any }

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.v) }

// result is one observed cell.
type result struct {
	got     outcome
	err     error
	elapsed time.Duration
	// sinceCancel is how long the call took to return once its context
	// was cancelled (cancel faults).
	sinceCancel time.Duration
}

// runCase runs operation o under fault f on a fresh fake GovPay.
func runCase(t *testing.T, l *ledger, o operation, f fault) result {
	mode := o.mode
	if mode == "" {
		mode = govpaytest.ModeLegacy
	}
	e := newEnv(t, l, mode)
	bg := context.Background()
	run := o.prepare(bg, e)
	timeout := f.clientTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	c := e.clients(timeout)
	before := e.fake.Count(o.op)
	if f.preRead {
		e.mw.readBodies()
	}
	f.inject(e, o)

	deadline := caseTimeout
	if f.deadline > 0 {
		deadline = f.deadline
	}
	if o.deadline > 0 && o.deadline < deadline {
		deadline = o.deadline
	}
	ctx, cancel := context.WithTimeout(bg, deadline)
	defer cancel()
	var (
		watcher   sync.WaitGroup
		cancelled = make(chan time.Time, 1)
	)
	if f.cancel {
		watcher.Add(1)
		go func() {
			defer watcher.Done()
			cancelWhenReached(ctx, cancel, cancelled, e, o, before)
		}()
	}
	start := time.Now()
	err := func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = &panicError{v}
			}
		}()
		return run(ctx, c)
	}()
	r := result{err: err, elapsed: time.Since(start)}
	ctxErr := ctx.Err()
	cancel()
	watcher.Wait()
	select {
	case at := <-cancelled:
		r.sinceCancel = time.Since(at)
	default:
	}
	kind, typed := classify(err, ctxErr)
	if !typed {
		t.Errorf("untyped failure (%T): %v", err, err)
	}
	checkInvariants(t, o, f, err)
	if (f.name == "foreign" && o.foreign != "" || f.name == "overfull" && o.list) && e.mw.rewrites() == 0 {
		t.Errorf("%s under %s: the fault changed no answer", o.name, f.name)
	}
	r.got = outcome{kind: kind, attempts: e.fake.Count(o.op) - before + e.mw.answeredFor(o.method, o.path)}
	return r
}

// checkInvariants checks what must hold whatever the table says.
func checkInvariants(t *testing.T, o operation, f fault, err error) {
	t.Helper()
	var (
		ne *govpay.NetworkError
		ge *govpay.Error
	)
	unknown := errors.Is(err, govpay.ErrOutcomeUnknown)
	switch {
	case o.once && errors.As(err, &ne) && ne.Sent && !unknown:
		// A POST or PATCH lost after sending may have had its effect.
		t.Errorf("%s: a network error after sending a request that is never repeated must match govpay.ErrOutcomeUnknown: %v", o.name, err)
	case !o.once && unknown:
		t.Errorf("%s: a repeatable operation reported an unknown outcome: %v", o.name, err)
	}
	if errors.As(err, &ge) {
		switch f.name {
		case "html-502", "10MB-page":
			if !strings.Contains(ge.Body, "502 Bad Gateway") || len([]rune(ge.Body)) > 201 {
				t.Errorf("%s under %s: Error.Body should be a short excerpt of the page, got %d characters: %.80q", o.name, f.name, len(ge.Body), ge.Body)
			}
		}
	}
}

// cancelWhenReached cancels the call once the server has answered its
// first attempt (a retried operation then waits to retry) or received it
// (an operation sent once is then in flight), and sends the time on
// cancelled.
func cancelWhenReached(ctx context.Context, cancel context.CancelFunc, cancelled chan<- time.Time, e *env, o operation, before int) {
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		reached := false
		if o.once {
			reached = e.fake.Count(o.op) > before
		} else {
			reqs := e.fake.RequestsFor(o.op)
			for _, r := range reqs[min(before, len(reqs)):] {
				reached = reached || r.Status != 0
			}
		}
		if reached {
			time.Sleep(50 * time.Millisecond) // let the client see the answer
			cancelled <- time.Now()
			cancel()
			return
		}
	}
}

// TestFaultCampaign runs every operation under every fault and checks the
// outcome against the campaign table.
func TestFaultCampaign(t *testing.T) {
	t.Parallel()
	want := parseCampaign(t)
	print := os.Getenv("FAULTCAMPAIGN_PRINT") != ""
	var (
		mu  sync.Mutex
		obs = map[string]map[string]result{}
		l   ledger
	)
	cell := func(t *testing.T, o operation, f fault) {
		exp, ok := want[o.name][f.name]
		if !ok && !print {
			t.Fatalf("no expectation for %s under %s in the campaign table", o.name, f.name)
		}
		r := runCase(t, &l, o, f)
		mu.Lock()
		if obs[o.name] == nil {
			obs[o.name] = map[string]result{}
		}
		obs[o.name][f.name] = r
		mu.Unlock()
		t.Logf("%s under %s (%s): %s in %s: %v", o.name, f.name, f.doc, r.got, r.elapsed.Round(time.Millisecond), r.err)
		switch {
		case !ok:
		case !exp.matches(r.got):
			t.Errorf("%s under %s (%s): got %s, want %s; error: %v", o.name, f.name, f.doc, r.got, exp, r.err)
			if exp.known {
				d, _ := deviation(o.name, f.name)
				t.Logf("the expected cell is a known deviation (%s): if the SDK was fixed, write the outcome the rules ask for in the table", d)
			}
		case exp.known:
			d, _ := deviation(o.name, f.name)
			t.Logf("known deviation: %s", d)
		}
		checkTiming(t, o, f, r)
	}
	t.Run("cases", func(t *testing.T) {
		for _, o := range operations {
			for _, f := range faults {
				if f.heavy {
					continue
				}
				t.Run(o.name+"/"+f.name, func(t *testing.T) {
					t.Parallel()
					cell(t, o, f)
				})
			}
		}
		// The heavy cases run one after another, alongside the others
		// (which mostly wait on timers).
		t.Run("heavy", func(t *testing.T) {
			t.Parallel()
			for _, f := range faults {
				if !f.heavy {
					continue
				}
				for _, o := range operations {
					t.Run(o.name+"/"+f.name, func(t *testing.T) {
						if raceEnabled && !o.raceHeavy {
							t.Skipf("%s under -race: decoding 10 MB costs seconds of CPU; it runs for the operations marked raceHeavy, and for all without -race", f.name)
						}
						cell(t, o, f)
					})
				}
			}
		})
	})
	if c, r := l.calls.Load(), l.received.Load(); c != r {
		t.Errorf("payment starts: %d Start/Checkout.Start calls made, the fakes received %d POST /pagamenti + POST /carts (more: a start was repeated; fewer: a request was lost before reaching the server)", c, r)
	} else {
		t.Logf("payment starts: %d calls, %d received by the fakes: none repeated", c, r)
	}
	if print || t.Failed() {
		t.Logf("observed table:\n%s", formatTable(obs))
	}
}

// checkTiming checks that a Retry-After was waited when it should, and
// that no call waited what it should not.
func checkTiming(t *testing.T, o operation, f fault, r result) {
	t.Helper()
	if f.minWait > 0 && !o.once && r.got.kind == "ok" && r.got.attempts > 1 && r.elapsed < f.minWait {
		t.Errorf("%s under %s: retried after %s, Retry-After asked for at least %s", o.name, f.name, r.elapsed, f.minWait)
	}
	if f.maxElapsed > 0 && r.elapsed > f.maxElapsed {
		t.Errorf("%s under %s: took %s, want at most %s", o.name, f.name, r.elapsed, f.maxElapsed)
	}
	if f.cancel && r.sinceCancel > cancelGrace {
		t.Errorf("%s under %s: returned %s after its context was cancelled, want at most %s", o.name, f.name, r.sinceCancel, cancelGrace)
	}
}

// formatTable prints observed outcomes in the campaign table's format.
func formatTable(obs map[string]map[string]result) string {
	w := []int{len("operation")}
	for _, o := range operations {
		w[0] = max(w[0], len(o.name))
	}
	for _, f := range faults {
		n := len(f.name)
		for _, o := range operations {
			if r, ok := obs[o.name][f.name]; ok {
				n = max(n, len(r.got.String()))
			}
		}
		w = append(w, n)
	}
	var b strings.Builder
	cell := func(i int, s string) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s + strings.Repeat(" ", w[i]-len(s)))
	}
	cell(0, "operation")
	for i, f := range faults {
		cell(i+1, f.name)
	}
	b.WriteByte('\n')
	names := make([]string, 0, len(operations))
	for _, o := range operations {
		if obs[o.name] != nil {
			names = append(names, o.name)
		}
	}
	order := map[string]int{}
	for i, o := range operations {
		order[o.name] = i
	}
	sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
	for _, name := range names {
		cell(0, name)
		for i, f := range faults {
			s := "-"
			if r, ok := obs[name][f.name]; ok {
				s = r.got.String()
			}
			cell(i+1, s)
		}
		b.WriteString("\n")
	}
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}
