package faultcampaign

import (
	"net/http"
	"time"

	"github.com/govpaygo/govpay/govpaytest"
)

// Timings of the campaign. The client timeout and the context deadline are
// short, but long enough for an unbroken request on a loaded 2-core
// machine under -race.
const (
	shortTimeout = 2 * time.Second  // http.Client timeout of the timeout faults
	shortCtx     = 2 * time.Second  // context deadline of the deadline faults
	longLatency  = 30 * time.Second // latency that no client waits for
	caseTimeout  = 20 * time.Second // safety net of every call
	waitDeadline = 4 * time.Second  // bound of Client.Wait, which polls until its context ends
	cancelGrace  = time.Second      // most time a call may take to return once cancelled
)

// fault is one column of the campaign.
type fault struct {
	name string
	doc  string
	// inject breaks the next requests of o.
	inject func(e *env, o operation)
	// clientTimeout is the http.Client timeout of the clients under test
	// (10 s when zero).
	clientTimeout time.Duration
	// deadline bounds the call's context (caseTimeout when zero).
	deadline time.Duration
	// cancel cancels the call's context once the server has answered the
	// first attempt (retried operations: the client is then waiting to
	// retry) or received it (operations sent once: the call is in flight).
	cancel bool
	// preRead makes the middleware read request bodies before the fake
	// (see middleware.readBodies), for the faults made of latency.
	preRead bool
	// heavy marks a fault whose cases cost seconds of CPU under the race
	// detector: they run one at a time (alongside the others, which mostly
	// wait), and under -race only for the operations marked raceHeavy.
	heavy bool
	// minWait is the least time a call retried after this fault must take
	// (a Retry-After honoured).
	minWait time.Duration
	// maxElapsed bounds every call (a Retry-After not waited).
	maxElapsed time.Duration
}

func inject(f govpaytest.Fault, count int) func(*env, operation) {
	return func(e *env, o operation) { e.fake.InjectFault(o.op, f, count) }
}

// faults lists the columns of the campaign, in the table's order.
var faults = []fault{
	{name: "drop-before", doc: "connection closed before the request is read (×1)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultDropBeforeRead}, 1)},
	{name: "drop-read", doc: "request read, connection closed without an answer (×1)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultDropAfterRead}, 1)},
	{name: "drop-served", doc: "request served (effects happen), connection closed without an answer (×1)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultDropAfterServe}, 1)},
	{name: "drop-always", doc: "request read, connection closed without an answer (every attempt)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultDropAfterRead}, 0)},
	{name: "429-secs", doc: "429 with Retry-After: 1 (×1): the wait is honoured",
		inject:  inject(govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: "1"}, 1),
		minWait: 900 * time.Millisecond},
	{name: "429-date", doc: "429 with Retry-After as an HTTP date 1–2 s ahead (×1): the wait is honoured",
		inject: func(e *env, o operation) {
			at := time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)
			e.fake.InjectFault(o.op, govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: at}, 1)
		},
		minWait: 500 * time.Millisecond},
	{name: "429-long", doc: "429 with Retry-After: 120, beyond MaxRetryAfter (×1): not waited, not retried",
		inject:     inject(govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: "120"}, 1),
		maxElapsed: 5 * time.Second},
	{name: "502", doc: "502 FaultBean (×1)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusBadGateway}, 1)},
	{name: "503", doc: "503 FaultBean (×1)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusServiceUnavailable}, 1)},
	{name: "504", doc: "504 FaultBean (×1)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusGatewayTimeout}, 1)},
	{name: "503-always", doc: "503 FaultBean (every attempt)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusServiceUnavailable}, 0)},
	{name: "pagopa-502", doc: "request served, then 502 FaultBeanEsteso (id of the payment created, if any) (×1)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultPagoPA}, 1)},
	{name: "timeout", doc: "no answer within the client timeout; the request is not served (×1)",
		inject:        inject(govpaytest.Fault{Latency: longLatency}, 1),
		clientTimeout: shortTimeout, preRead: true},
	{name: "late", doc: "request served, answer held back beyond the client timeout (×1)",
		inject: func(e *env, o operation) {
			e.mw.arm(mwLate, o.method, o.path, 1, longLatency)
		},
		clientTimeout: shortTimeout},
	{name: "deadline", doc: "no answer before the context deadline (every attempt)",
		inject:   inject(govpaytest.Fault{Latency: longLatency}, 0),
		deadline: shortCtx, preRead: true},
	{name: "stall-body", doc: "headers and half the body sent, then nothing until the context deadline (×1)",
		inject: func(e *env, o operation) {
			e.mw.arm(mwStallBody, o.method, o.path, 1, 0)
		},
		deadline: shortCtx},
	{name: "truncated", doc: "request served, half the body sent with the full Content-Length (×1)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultTruncatedBody}, 1)},
	{name: "html-502", doc: "a proxy's HTML 502 page (every attempt)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultHTML}, 0)},
	{name: "wrong-ctype", doc: "request served, answer sent as text/html (×1)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultWrongContentType}, 1)},
	{name: "10MB-page", doc: "a proxy's 502 with a 10 MB HTML page (every attempt)",
		inject: func(e *env, o operation) {
			e.mw.arm(mwHugePage, o.method, o.path, -1, 0)
		}},
	{name: "10MB-ok", doc: "the right answer grown to 10 MB (a JSON object with a 10 MB unknown field, a PDF followed by 10 MB of new lines) (×1)",
		inject: func(e *env, o operation) {
			e.mw.arm(mwInflate, o.method, o.path, 1, 0)
		},
		heavy: true},
	{name: "10MB-json", doc: "200 with a 10 MB JSON object ({\"risultati\":[],\"padding\":\"xxx…\"}) instead of the answer (×1)",
		inject: inject(govpaytest.Fault{Kind: govpaytest.FaultHugeBody, Size: 10 << 20}, 1),
		heavy:  true},
	{name: "foreign", doc: "request served, the answer describes something not asked: a list gets a copy of its first item with the operation's filtered field changed, a single resource gets its identity changed (×1; operations without such a field: answer unchanged)",
		inject: func(e *env, o operation) {
			if o.foreign != "" {
				e.mw.armRewrite(mwForeign, o.method, o.path, o.foreign)
			}
		}},
	{name: "overfull", doc: "request served, the page repeats its first item up to one more than the risultatiPerPagina asked (×1; operations without a list: answer unchanged)",
		inject: func(e *env, o operation) {
			if o.list {
				e.mw.armRewrite(mwOverfull, o.method, o.path, "")
			}
		}},
	{name: "cancel", doc: "context cancelled while waiting to retry after a 429 Retry-After: 2 (retried operations) or while the request is in flight (others)",
		inject: func(e *env, o operation) {
			if o.once {
				e.fake.InjectFault(o.op, govpaytest.Fault{Latency: longLatency}, 1)
				return
			}
			e.fake.InjectFault(o.op, govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: "2"}, 0)
		},
		cancel: true, preRead: true},
}
