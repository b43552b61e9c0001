package faultcampaign

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pagamenti"
)

// ambiguousFault breaks a POST /pagamenti after GovPay has created the
// payment, so that the client cannot know it was created.
type ambiguousFault struct {
	name string
	// inject breaks the next POST /pagamenti.
	inject func(e *env)
	// timeout and deadline as in fault.
	timeout, deadline time.Duration
	// bodyOnly: the fault breaks the answer's body, which the checkout
	// bridge's 302 does not have.
	bodyOnly bool
}

var ambiguousFaults = []ambiguousFault{
	{name: "drop-served", inject: func(e *env) {
		e.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultDropAfterServe}, 1)
	}},
	{name: "late/client-timeout", timeout: shortTimeout, inject: func(e *env) {
		e.mw.arm(mwLate, http.MethodPost, "/pagamenti", 1, longLatency)
	}},
	{name: "late/ctx-deadline", deadline: shortCtx, inject: func(e *env) {
		e.mw.arm(mwLate, http.MethodPost, "/pagamenti", 1, longLatency)
	}},
	{name: "stall-body", deadline: shortCtx, bodyOnly: true, inject: func(e *env) {
		e.mw.arm(mwStallBody, http.MethodPost, "/pagamenti", 1, 0)
	}},
	{name: "truncated", bodyOnly: true, inject: func(e *env) {
		e.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultTruncatedBody}, 1)
	}},
	{name: "wrong-ctype", bodyOnly: true, inject: func(e *env) {
		e.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultWrongContentType}, 1)
	}},
}

var startModes = []govpaytest.Mode{govpaytest.ModeLegacy, govpaytest.ModeBridge, govpaytest.ModeBridge302}

// ambiguousStart runs one Client.Start of a one-pendenza cart under f.
func ambiguousStart(t *testing.T, e *env, f ambiguousFault, idsp string) (*pagamenti.Avvio, *pagamenti.Cart, error) {
	t.Helper()
	l := e.addPendenza("P1")
	timeout := f.timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	c := e.clients(timeout)
	f.inject(e)
	deadline := caseTimeout
	if f.deadline > 0 {
		deadline = f.deadline
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	cart := pagamenti.NewCart().AddRiferimento(idA2A, l.id)
	a, err := e.start(ctx, c.pagamenti, cart, pagamenti.StartOptions{URLRitorno: returnURL, IDSessionePortale: idsp})
	return a, cart, err
}

// TestAmbiguousStartReconciled: a payment start whose answer is lost after
// GovPay created the payment, with an IDSessionePortale, returns that
// payment (Reconciled), sent once; the payer can pay it and the Resolver
// sees it paid.
func TestAmbiguousStartReconciled(t *testing.T) {
	t.Parallel()
	var l ledger
	t.Run("cases", func(t *testing.T) {
		for _, m := range startModes {
			for _, f := range ambiguousFaults {
				t.Run(string(m)+"/"+f.name, func(t *testing.T) {
					t.Parallel()
					if f.bodyOnly && m == govpaytest.ModeBridge302 {
						t.Skip("the checkout bridge's 302 has no body to break")
					}
					e := newEnv(t, &l, m)
					a, _, err := ambiguousStart(t, e, f, "portale-42")
					require.NoError(t, err)
					assert.Equal(t, 1, e.fake.Count(govpaytest.OpStartPagamento), "POST /pagamenti sent once")
					assert.GreaterOrEqual(t, e.fake.Count(govpaytest.OpListPagamenti), 1, "looked up by idSessionePortale")
					ps := e.fake.Pagamenti()
					require.Len(t, ps, 1)
					assert.True(t, a.Reconciled, "Reconciled")
					assert.Equal(t, ps[0].ID, a.ID, "the payment GovPay created")
					assert.Equal(t, pagamenti.StatoInCorso, a.Stato)
					require.Len(t, e.fake.Sessioni(), 1)
					assert.Equal(t, e.fake.Sessioni()[0].URL, a.Redirect, "Redirect is the payment page")

					// The payer pays the reconciled payment; the portal
					// learns it was paid.
					back, err := e.fake.Pay(a.Redirect, govpaytest.ChoicePaga)
					require.NoError(t, err)
					o, err := e.setup.resolver.Resolve(context.Background(), parseReturn(t, back), *a)
					require.NoError(t, err)
					assert.Equal(t, pagamenti.OutcomePaid, o.State, o.Reason)
				})
			}
		}
	})
	assert.Equal(t, l.calls.Load(), l.received.Load(), "payment starts made vs received")
}

// TestAmbiguousStartWithoutIDSessionePortale: the same faults without an
// IDSessionePortale give ErrOutcomeUnknown (the payment does exist: the
// outcome really is unknown to the client), with no lookup and no resend.
func TestAmbiguousStartWithoutIDSessionePortale(t *testing.T) {
	t.Parallel()
	var l ledger
	t.Run("cases", func(t *testing.T) {
		for _, m := range startModes {
			for _, f := range ambiguousFaults {
				t.Run(string(m)+"/"+f.name, func(t *testing.T) {
					t.Parallel()
					if f.bodyOnly && m == govpaytest.ModeBridge302 {
						t.Skip("the checkout bridge's 302 has no body to break")
					}
					e := newEnv(t, &l, m)
					a, _, err := ambiguousStart(t, e, f, "")
					require.Error(t, err)
					assert.Nil(t, a)
					assert.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
					var oue *pagamenti.OutcomeUnknownError
					require.ErrorAs(t, err, &oue)
					assert.Empty(t, oue.IDSessionePortale)
					assert.NoError(t, oue.LookupErr)
					var (
						ne *govpay.NetworkError
						de *govpay.DecodeError
					)
					assert.True(t, errors.As(oue.Err, &ne) || errors.As(oue.Err, &de), "the cause is typed: %T %v", oue.Err, oue.Err)
					assert.Equal(t, 1, e.fake.Count(govpaytest.OpStartPagamento), "POST /pagamenti sent once")
					assert.Zero(t, e.fake.Count(govpaytest.OpListPagamenti), "no lookup without idSessionePortale")
					assert.Len(t, e.fake.Pagamenti(), 1, "the payment exists: the outcome was really unknown")
				})
			}
		}
	})
	assert.Equal(t, l.calls.Load(), l.received.Load(), "payment starts made vs received")
}

// TestAmbiguousStartNothingCreated: a start lost before GovPay served it,
// with an IDSessionePortale, is looked up, found missing, and reported as
// ErrOutcomeUnknown with no lookup failure.
func TestAmbiguousStartNothingCreated(t *testing.T) {
	t.Parallel()
	for _, kind := range []govpaytest.FaultKind{govpaytest.FaultDropBeforeRead, govpaytest.FaultDropAfterRead} {
		e := newEnv(t, new(ledger), govpaytest.ModeLegacy)
		f := ambiguousFault{inject: func(e *env) {
			e.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: kind}, 1)
		}}
		_, _, err := ambiguousStart(t, e, f, "portale-7")
		require.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
		var oue *pagamenti.OutcomeUnknownError
		require.ErrorAs(t, err, &oue)
		assert.Equal(t, "portale-7", oue.IDSessionePortale)
		assert.NoError(t, oue.LookupErr)
		assert.Equal(t, 1, e.fake.Count(govpaytest.OpStartPagamento))
		assert.Equal(t, 1, e.fake.Count(govpaytest.OpListPagamenti))
		assert.Empty(t, e.fake.Pagamenti())
	}
}

// TestAmbiguousStartLookupFails: when the lookup fails too, the error says
// so (LookupErr, typed) and nothing is resent.
func TestAmbiguousStartLookupFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t, new(ledger), govpaytest.ModeLegacy)
	f := ambiguousFault{inject: func(e *env) {
		e.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultDropAfterServe}, 1)
		e.fake.InjectFault(govpaytest.OpListPagamenti, govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: http.StatusServiceUnavailable}, 0)
	}}
	_, _, err := ambiguousStart(t, e, f, "portale-8")
	require.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
	var oue *pagamenti.OutcomeUnknownError
	require.ErrorAs(t, err, &oue)
	var ge *govpay.Error
	require.ErrorAs(t, oue.LookupErr, &ge)
	assert.Equal(t, http.StatusServiceUnavailable, ge.StatusCode)
	assert.Equal(t, 1, e.fake.Count(govpaytest.OpStartPagamento), "POST /pagamenti sent once")
	assert.Equal(t, fastRetry.MaxAttempts, e.fake.Count(govpaytest.OpListPagamenti), "the lookup (a GET) is retried per the policy")
	assert.Len(t, e.fake.Pagamenti(), 1)
}

// TestStartPagoPA502CarriesThePayment: pagoPA failing after GovPay stored
// the payment gives a *govpay.Error naming it, which is not ambiguous: no
// lookup, no resend.
func TestStartPagoPA502CarriesThePayment(t *testing.T) {
	t.Parallel()
	for _, idsp := range []string{"", "portale-9"} {
		e := newEnv(t, new(ledger), govpaytest.ModeLegacy)
		f := ambiguousFault{inject: func(e *env) {
			e.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultPagoPA}, 1)
		}}
		_, _, err := ambiguousStart(t, e, f, idsp)
		var ge *govpay.Error
		require.ErrorAs(t, err, &ge)
		assert.NotErrorIs(t, err, govpay.ErrOutcomeUnknown)
		assert.ErrorIs(t, err, govpay.ErrPagoPA)
		assert.Equal(t, http.StatusBadGateway, ge.StatusCode)
		ps := e.fake.Pagamenti()
		require.Len(t, ps, 1)
		assert.Equal(t, ps[0].ID, ge.ID)
		assert.Equal(t, "/pagamenti/"+ps[0].ID, ge.Location)
		assert.Equal(t, 1, e.fake.Count(govpaytest.OpStartPagamento))
		assert.Zero(t, e.fake.Count(govpaytest.OpListPagamenti))
	}
}

// TestNoResendOnReusedConnection: with a keep-alive connection already in
// the client's pool, a payment start or a PATCH whose connection is
// dropped still reaches the server once (net/http replays some requests on
// a reused connection by itself; never these). A GET may be replayed by
// net/http on top of the SDK's retries: it is safe, and counted here.
func TestNoResendOnReusedConnection(t *testing.T) {
	t.Parallel()
	kinds := []govpaytest.FaultKind{govpaytest.FaultDropBeforeRead, govpaytest.FaultDropAfterRead, govpaytest.FaultDropAfterServe}
	for _, kind := range kinds {
		e := newEnv(t, new(ledger), govpaytest.ModeLegacy)
		l := e.addPendenza("P1")
		c := e.clients(10 * time.Second)
		ctx := context.Background()
		warm := func() {
			t.Helper()
			_, err := c.pendenze.Get(ctx, idA2A, l.id) // leaves a connection in the pool
			require.NoError(t, err)
		}

		warm()
		e.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: kind}, 0)
		_, err := e.start(ctx, c.pagamenti, pagamenti.NewCart().AddRiferimento(idA2A, l.id), pagamenti.StartOptions{URLRitorno: returnURL})
		require.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
		assert.Equal(t, 1, e.fake.Count(govpaytest.OpStartPagamento), "fault %d: POST /pagamenti", kind)

		warm()
		e.fake.InjectFault(govpaytest.OpPatchPendenza, govpaytest.Fault{Kind: kind}, 0)
		err = c.pendenze.Annulla(ctx, idA2A, l.id, "prova")
		require.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
		assert.Equal(t, 1, e.fake.Count(govpaytest.OpPatchPendenza), "fault %d: PATCH", kind)

		warm()
		before := e.fake.Count(govpaytest.OpGetPendenza)
		e.fake.InjectFault(govpaytest.OpGetPendenza, govpaytest.Fault{Kind: kind}, 0)
		_, err = c.pendenze.Get(ctx, idA2A, l.id)
		var ne *govpay.NetworkError
		require.ErrorAs(t, err, &ne)
		n := e.fake.Count(govpaytest.OpGetPendenza) - before
		assert.GreaterOrEqual(t, n, fastRetry.MaxAttempts, "fault %d: GET", kind)
		assert.LessOrEqual(t, n, 2*fastRetry.MaxAttempts, "fault %d: GET", kind)
		t.Logf("fault %d: a GET on a reused connection reached the server %d times for %d SDK attempts", kind, n, fastRetry.MaxAttempts)
	}
}

// TestPutRetrySendsTheSameBody: a PUT retried after a dropped connection
// sends the same body on every attempt (the body is rewound), and the
// retry after a served-but-lost attempt finds the pendenza already there.
func TestPutRetrySendsTheSameBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t, new(ledger), govpaytest.ModeLegacy)
	c := e.clients(10 * time.Second)
	e.fake.InjectFault(govpaytest.OpPutPendenza, govpaytest.Fault{Kind: govpaytest.FaultDropAfterRead}, 1)
	e.fake.InjectFault(govpaytest.OpPutPendenza, govpaytest.Fault{Kind: govpaytest.FaultDropAfterServe}, 1)
	r, err := c.pendenze.Put(context.Background(), idA2A, "P1", pendenza("Retta asilo", 31000))
	require.NoError(t, err)
	reqs := e.fake.RequestsFor(govpaytest.OpPutPendenza)
	require.Len(t, reqs, 3)
	for i, q := range reqs[1:] {
		assert.Equal(t, string(reqs[0].Body), string(q.Body), "attempt %d body", i+2)
	}
	require.NotEmpty(t, reqs[0].Body)
	// The second attempt created the pendenza; the third updated it: the
	// caller is told "updated", although its call created it.
	assert.False(t, r.Created, "Caricata.Created after a retried PUT whose creating attempt was lost")
	s, ok := e.fake.Pendenza(idA2A, "P1")
	require.True(t, ok)
	assert.Equal(t, s.NumeroAvviso, r.NumeroAvviso.String())
}
