package faultcampaign

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
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

// eachAmbiguousCase runs check for every ambiguous fault in every mode of
// modes, each case in parallel on its own fake (e); the bridge's 302 has no
// body, so the faults that break a body skip there. When all cases are
// done it checks that every payment start made reached the fake once.
func eachAmbiguousCase(t *testing.T, modes []govpaytest.Mode, check func(t *testing.T, e *env, m govpaytest.Mode, f ambiguousFault)) {
	var l ledger
	t.Run("cases", func(t *testing.T) {
		for _, m := range modes {
			for _, f := range ambiguousFaults {
				t.Run(string(m)+"/"+f.name, func(t *testing.T) {
					t.Parallel()
					if f.bodyOnly && m == govpaytest.ModeBridge302 {
						t.Skip("the checkout bridge's 302 has no body to break")
					}
					check(t, newEnv(t, &l, m), m, f)
				})
			}
		}
	})
	assert.Equal(t, l.calls.Load(), l.received.Load(), "payment starts made vs received")
}

// TestAmbiguousStartReconciled: a payment start whose answer is lost after
// GovPay created the payment, with an IDSessionePortale, returns that
// payment (Reconciled), sent once; the payer can pay it and the Resolver
// sees it paid. Only GovPay's legacy start records a payment; the checkout
// bridge's is TestAmbiguousBridgeStartUnknown.
func TestAmbiguousStartReconciled(t *testing.T) {
	t.Parallel()
	eachAmbiguousCase(t, []govpaytest.Mode{govpaytest.ModeLegacy}, func(t *testing.T, e *env, m govpaytest.Mode, f ambiguousFault) {
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

// TestAmbiguousBridgeStartUnknown: GovPay's checkout bridge records no
// payment (PagamentiPortaleDAO.java:397-463 answers before insertPagamento
// at :513, link-it/govpay @1840dca), so when its answer is lost there is
// nothing to reconcile: the lookup by idSessionePortale runs, finds
// nothing, and Start returns ErrOutcomeUnknown, sent once, with no Avvio.
// Nothing was paid either: the debt is still payable, and a second start
// of the same cart succeeds. Protects: DESIGN §5 "Ambiguous payment start"
// (never adopt what was not found).
func TestAmbiguousBridgeStartUnknown(t *testing.T) {
	t.Parallel()
	eachAmbiguousCase(t, []govpaytest.Mode{govpaytest.ModeBridge, govpaytest.ModeBridge302}, func(t *testing.T, e *env, m govpaytest.Mode, f ambiguousFault) {
		a, cart, err := ambiguousStart(t, e, f, "portale-42")
		require.Nil(t, a, "no payment adopted")
		require.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
		var oue *pagamenti.OutcomeUnknownError
		require.ErrorAs(t, err, &oue)
		assert.Equal(t, "portale-42", oue.IDSessionePortale)
		assert.NoError(t, oue.LookupErr)
		assert.Equal(t, 1, e.fake.Count(govpaytest.OpStartPagamento), "POST /pagamenti sent once")
		assert.GreaterOrEqual(t, e.fake.Count(govpaytest.OpListPagamenti), 1, "looked up by idSessionePortale")
		assert.Empty(t, e.fake.Pagamenti(), "the bridge records no payment")
		assert.Empty(t, e.fake.Ricevute(), "nothing paid")

		// The portal may start the same cart again: the
		// first Checkout page was never reached.
		again, err := e.start(context.Background(), e.setup.pagamenti, cart,
			pagamenti.StartOptions{URLRitorno: returnURL, IDSessionePortale: "portale-43"})
		require.NoError(t, err)
		assert.Equal(t, pagamenti.ModeCheckoutBridge, again.Mode)
	})
}

// TestAmbiguousStartWithoutIDSessionePortale: the same faults without an
// IDSessionePortale give ErrOutcomeUnknown (the payment does exist: the
// outcome really is unknown to the client), with no lookup and no resend.
func TestAmbiguousStartWithoutIDSessionePortale(t *testing.T) {
	t.Parallel()
	eachAmbiguousCase(t, startModes, func(t *testing.T, e *env, m govpaytest.Mode, f ambiguousFault) {
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
		if m == govpaytest.ModeLegacy {
			assert.Len(t, e.fake.Pagamenti(), 1, "the payment exists: the outcome was really unknown")
		} else {
			assert.Empty(t, e.fake.Pagamenti(), "the checkout bridge records no payment")
			assert.Len(t, e.fake.Sessioni(), 1, "the Checkout page exists: the outcome was really unknown")
		}
	})
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
		err = c.pendenze.Cancel(ctx, idA2A, l.id, "prova")
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

// hostileLookup puts a server in front of e's fake that passes every
// request through, except the lookup GET /pagamenti, whose answer it
// builds from the fake's whole list (the idSessionePortale filter dropped,
// as a server ignoring it would) keeping only the items keep selects. The
// clients built afterwards by e.clients talk to it.
func hostileLookup(t *testing.T, e *env, keep func(item map[string]any) bool) {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	base := e.base
	upstream, err := url.Parse(base)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(upstream)
	proxy.Transport = tr
	// A fault that drops the fake's connection drops the client's too.
	proxy.ErrorHandler = func(http.ResponseWriter, *http.Request, error) { panic(http.ErrAbortHandler) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/pagamenti") {
			proxy.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		q.Del("idSessionePortale")
		req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, base+r.URL.Path+"?"+q.Encode(), nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := tr.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		var page map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		items, _ := page["risultati"].([]any)
		kept := []any{}
		for _, it := range items {
			if m, ok := it.(map[string]any); ok && keep(m) {
				kept = append(kept, m)
			}
		}
		page["risultati"], page["numRisultati"], page["numPagine"], page["prossimiRisultati"] = kept, len(kept), 1, nil
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(page)
	}))
	t.Cleanup(srv.Close)
	e.base = srv.URL
}

// otherPayment starts, through e's setup client, a payment of someone else
// (another portal session, idSessionePortale other, "" for none) for a new
// pendenza id, and returns its GovPay id. The checkout bridge records no
// payment, so on a bridged fake the payment is one made before the bridge
// was turned on (the fake in legacy mode for this start alone).
func otherPayment(t *testing.T, e *env, id, other string) string {
	t.Helper()
	l := e.addPendenza(id)
	if m := e.fake.Mode(); m != govpaytest.ModeLegacy {
		e.fake.SetMode(govpaytest.ModeLegacy)
		defer e.fake.SetMode(m)
	}
	_, err := e.start(context.Background(), e.setup.pagamenti, pagamenti.NewCart().AddRiferimento(idA2A, l.id),
		pagamenti.StartOptions{URLRitorno: returnURL, IDSessionePortale: other})
	require.NoError(t, err)
	ps := e.fake.Pagamenti()
	require.NotEmpty(t, ps)
	return ps[len(ps)-1].ID
}

// TestAmbiguousStartNeverAdoptsAnotherPayment: after an ambiguous start
// (the answer to POST /pagamenti lost after GovPay created the payment),
// a lookup that answers with someone else's payment (another
// idSessionePortale, or none) or with several payments carrying the same
// idSessionePortale adopts nothing: ErrOutcomeUnknown, with what the lookup
// found, the request sent once, and no Avvio the Resolver could report as
// paid. Protects: DESIGN §5 "Ambiguous payment start" (adopt only a
// payment whose idSessionePortale equals the one sent).
func TestAmbiguousStartNeverAdoptsAnotherPayment(t *testing.T) {
	t.Parallel()
	const mine = "portale-H1"
	lost := ambiguousFault{name: "drop-served", inject: func(e *env) {
		e.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultDropAfterServe}, 1)
	}}
	notMine := func(m map[string]any) bool { s, _ := m["idSessionePortale"].(string); return s != mine }
	cases := []struct {
		name string
		// setup prepares e (other payments, a hostile lookup) before the
		// ambiguous start; it returns the id of the payment the SDK must
		// not adopt.
		setup func(t *testing.T, e *env) string
	}{
		{"someone else's payment", func(t *testing.T, e *env) string {
			other := otherPayment(t, e, "ALTRO-1", "portale-ALTRO")
			hostileLookup(t, e, notMine)
			return other
		}},
		{"a payment with an empty idSessionePortale", func(t *testing.T, e *env) string {
			other := otherPayment(t, e, "ALTRO-2", "")
			hostileLookup(t, e, notMine)
			return other
		}},
		{"a payment whose idSessionePortale only starts like ours", func(t *testing.T, e *env) string {
			other := otherPayment(t, e, "ALTRO-3", mine+"0")
			hostileLookup(t, e, notMine)
			return other
		}},
		{"two payments with our idSessionePortale (reused)", func(t *testing.T, e *env) string {
			return otherPayment(t, e, "ALTRO-4", mine) // an honest server lists both
		}},
	}
	for _, m := range []govpaytest.Mode{govpaytest.ModeLegacy, govpaytest.ModeBridge} {
		for _, tc := range cases {
			t.Run(string(m)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, new(ledger), m)
				other := tc.setup(t, e)
				before := e.fake.Count(govpaytest.OpStartPagamento)
				a, _, err := ambiguousStart(t, e, lost, mine)
				require.Nil(t, a, "no payment adopted")
				require.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
				var oue *pagamenti.OutcomeUnknownError
				require.ErrorAs(t, err, &oue)
				assert.Equal(t, mine, oue.IDSessionePortale)
				assert.True(t, oue.LookupErr != nil || oue.Lookup != "", "the error says what the lookup found: %v", err)
				assert.NotContains(t, err.Error(), "payment id "+other)
				assert.Equal(t, before+1, e.fake.Count(govpaytest.OpStartPagamento), "POST /pagamenti sent once")
				assert.GreaterOrEqual(t, e.fake.Count(govpaytest.OpListPagamenti), 1, "looked up")
				if m == govpaytest.ModeLegacy {
					assert.Len(t, e.fake.Pagamenti(), 2, "ours (created, unknown to the client) and the other one")
				} else {
					assert.Len(t, e.fake.Pagamenti(), 1, "the other one (the bridge recorded none for ours)")
				}
			})
		}
	}
}

// TestAmbiguousStartFilterIgnored: a lookup whose server ignores the
// idSessionePortale filter and lists someone else's payments around ours is
// not trusted at all (DESIGN §5 "Never trust a server-side filter"): the
// outcome stays unknown, with the refused page as LookupErr, rather than
// guessed from the list.
func TestAmbiguousStartFilterIgnored(t *testing.T) {
	t.Parallel()
	const mine = "portale-H2"
	e := newEnv(t, new(ledger), govpaytest.ModeLegacy)
	otherPayment(t, e, "ALTRO-5", "")
	otherPayment(t, e, "ALTRO-6", "portale-ALTRO")
	hostileLookup(t, e, func(map[string]any) bool { return true })
	lost := ambiguousFault{inject: func(e *env) {
		e.fake.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultDropAfterServe}, 1)
	}}
	a, _, err := ambiguousStart(t, e, lost, mine)
	require.Nil(t, a)
	require.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
	var oue *pagamenti.OutcomeUnknownError
	require.ErrorAs(t, err, &oue)
	var de *govpay.DecodeError
	require.ErrorAs(t, oue.LookupErr, &de, "the page with foreign items is refused")
	ps := e.fake.Pagamenti()
	require.Len(t, ps, 3)
	assert.Equal(t, mine, ps[2].IDSessionePortale, "ours exists: the outcome really was unknown")
}
