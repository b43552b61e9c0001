package pagamenti

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
)

const (
	wispURL     = "https://wisp.pagopa.gov.it/wallet/welcome?idSession=7f905970cfe94ee5"
	checkoutURL = "https://checkout.pagopa.it/c/7f905970-cfe9-4ee5"
	returnURL   = "https://portale.comune.it/pagopa/ritorno?ordine=42"
)

func startCart(t *testing.T) *Cart {
	return NewCart().AddRiferimento("A2A-1", "P-1").AddAvviso(testDominio, validNAV(t, 11))
}

// sintesiJSON is one payment of a GET /pagamenti answer.
func sintesiJSON(id, idSessionePortale, stato, redirect string) map[string]any {
	return map[string]any{
		"id": id, "nome": "Pagamento di 2 pendenze", "stato": stato, "importo": 115.99,
		"idSessionePortale": idSessionePortale, "idSessionePsp": "psp-" + id,
		"pspRedirectUrl": redirect, "dataRichiestaPagamento": "2026-03-30T14:35:16.123",
		"pendenze": "/pendenze?idPagamento=" + id, "rpp": "/rpp?idPagamento=" + id,
	}
}

// olderSintesi is a payment requested a day before sintesiJSON's.
func olderSintesi(id, idSessionePortale string) map[string]any {
	m := sintesiJSON(id, idSessionePortale, "NON_ESEGUITO", wispURL)
	m["dataRichiestaPagamento"] = "2026-03-29T14:35:16"
	return m
}

// cartDebts are the debts GovPay lists for startCart's payment: the
// reference A2A-1/idPendenza, the pendenza of notice nav.
func cartDebts(idPendenza, nav string) []map[string]any {
	return []map[string]any{
		{"idA2A": "A2A-1", "idPendenza": idPendenza, "stato": "NON_ESEGUITA", "causale": "c", "importo": 10.00,
			"dominio": map[string]any{"idDominio": testDominio}},
		{"idA2A": "A2A-2", "idPendenza": "P-AVV", "stato": "NON_ESEGUITA", "causale": "c", "importo": 5.99,
			"dominio": map[string]any{"idDominio": testDominio}, "numeroAvviso": nav},
	}
}

// detailOf answers GET /pagamenti/{id} with the item of list's answer
// whose id is asked, as the payment's detail listing debts (nil: none, as
// for a payment without pagoPA transactions).
func detailOf(list http.HandlerFunc, debts []map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		list(rec, httptest.NewRequest(http.MethodGet, "/pagamenti", nil))
		var page struct {
			Risultati []map[string]any `json:"risultati"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &page)
		for _, it := range page.Risultati {
			if it["id"] == r.PathValue("id") {
				it["pendenze"], it["rpp"] = debts, []any{}
				if debts == nil {
					it["pendenze"] = []any{}
				}
				pgJSON(w, http.StatusOK, it)
				return
			}
		}
		http.NotFound(w, r)
	}
}

func listAnswer(items ...map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if items == nil {
			items = []map[string]any{}
		}
		pgJSON(w, http.StatusOK, map[string]any{"numRisultati": len(items), "numPagine": 1, "risultatiPerPagina": 25, "pagina": 1, "risultati": items})
	}
}

func TestStart(t *testing.T) {
	type check func(t *testing.T, s *pgServer, a *Avvio, err error)
	tests := []struct {
		name string
		post http.HandlerFunc
		get  http.HandlerFunc // GET /pagamenti (the reconciliation lookup)
		opts StartOptions
		copt []govpay.Option
		ctx  func() (context.Context, context.CancelFunc)
		// debts are the pendenze of the reconciled payment's detail
		// (GET /pagamenti/{id}); nil for none.
		debts []map[string]any
		// lookups is the number of GET /pagamenti expected.
		lookups int
		check   check
	}{
		{
			name: "legacy 201 with a real id",
			post: func(w http.ResponseWriter, _ *http.Request) {
				pgJSON(w, http.StatusCreated, map[string]string{"id": "f9866575e255", "location": "/pagamenti/f9866575e255",
					"redirect": wispURL, "idSession": "7f905970cfe94ee5"})
			},
			opts: StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-1"},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.Equal(t, &Avvio{Mode: ModeLegacy, ID: "f9866575e255", Location: "/pagamenti/f9866575e255",
					Redirect: wispURL, IDSession: "7f905970cfe94ee5"}, a)
				assert.True(t, a.Trackable())
			},
		},
		{
			name: "checkout bridge 201 with id 0",
			post: func(w http.ResponseWriter, _ *http.Request) {
				pgJSON(w, http.StatusCreated, map[string]string{"id": "0", "location": "", "redirect": checkoutURL, "idSession": "0"})
			},
			opts: StartOptions{URLRitorno: returnURL},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.Equal(t, &Avvio{Mode: ModeCheckoutBridge, Redirect: checkoutURL}, a)
				assert.False(t, a.Trackable())
			},
		},
		{
			name: "checkout bridge 302, Location read and not followed",
			post: func(w http.ResponseWriter, r *http.Request) {
				// The Location points back at this server: following it
				// would be counted.
				w.Header().Set("Location", "http://"+r.Host+"/checkout/c/123")
				w.WriteHeader(http.StatusFound)
			},
			copt: []govpay.Option{govpay.WithInsecureRedirect()},
			opts: StartOptions{URLRitorno: returnURL},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.Equal(t, ModeCheckoutBridge, a.Mode)
				assert.Equal(t, s.URL+"/checkout/c/123", a.Redirect)
				assert.Equal(t, a.Redirect, a.Location)
				assert.Empty(t, a.ID)
				assert.Zero(t, s.count("OUTSIDE GET /checkout/c/123"), "the redirect was followed")
			},
		},
		{
			name: "302 to an https Checkout",
			post: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Location", checkoutURL)
				w.WriteHeader(http.StatusFound)
			},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.Equal(t, &Avvio{Mode: ModeCheckoutBridge, Location: checkoutURL, Redirect: checkoutURL}, a)
			},
		},
		{
			name: "400 urlRitorno missing",
			post: pgFault(http.StatusBadRequest, "RICHIESTA", "SINTASSI", "Il campo urlRitorno non deve essere vuoto."),
			opts: StartOptions{IDSessionePortale: "sess-400"},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				var ge *govpay.Error
				require.ErrorAs(t, err, &ge)
				assert.Equal(t, http.StatusBadRequest, ge.StatusCode)
				assert.Equal(t, "SINTASSI", ge.Codice)
				assert.Contains(t, ge.Dettaglio, "urlRitorno")
				assert.Equal(t, "tx-1", ge.IDTransazione)
				assert.ErrorIs(t, err, govpay.ErrRichiesta)
				assert.NotErrorIs(t, err, govpay.ErrOutcomeUnknown)
			},
		},
		{
			name: "422 PAG business rule",
			post: pgFault(http.StatusUnprocessableEntity, "RICHIESTA", "PAG_007", "La pendenza risulta gia' pagata"),
			opts: StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-422"},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				var ge *govpay.Error
				require.ErrorAs(t, err, &ge)
				assert.Equal(t, http.StatusUnprocessableEntity, ge.StatusCode)
				assert.Equal(t, "PAG_007", ge.Codice)
				assert.NotErrorIs(t, err, govpay.ErrOutcomeUnknown)
			},
		},
		{
			name: "502 FaultBeanEsteso exposes the created payment",
			post: func(w http.ResponseWriter, _ *http.Request) {
				pgJSON(w, http.StatusBadGateway, map[string]string{"categoria": "PAGOPA", "codice": "PAA_NODO_INDISPONIBILE",
					"descrizione": "Nodo dei pagamenti non disponibile", "id": "abc123", "location": "/pagamenti/abc123"})
			},
			opts: StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-502"},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				var ge *govpay.Error
				require.ErrorAs(t, err, &ge)
				assert.Equal(t, http.StatusBadGateway, ge.StatusCode)
				assert.Equal(t, "PAA_NODO_INDISPONIBILE", ge.Codice)
				assert.Equal(t, "abc123", ge.ID)
				assert.Equal(t, "/pagamenti/abc123", ge.Location)
				assert.ErrorIs(t, err, govpay.ErrPagoPA)
				assert.NotErrorIs(t, err, govpay.ErrOutcomeUnknown)
			},
		},
		{
			name:    "timeout, then reconciled: found",
			post:    pgHang,
			get:     listAnswer(sintesiJSON("pay-77", "sess-77", "IN_CORSO", wispURL)),
			copt:    []govpay.Option{govpay.WithHTTPClient(&http.Client{Timeout: 150 * time.Millisecond})},
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-77"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.Equal(t, &Avvio{Mode: ModeLegacy, ID: "pay-77", Location: "/pagamenti/pay-77", Redirect: wispURL,
					IDSession: "psp-pay-77", Reconciled: true, Stato: StatoInCorso}, a)
				s.mu.Lock()
				defer s.mu.Unlock()
				var lookup *http.Request
				for _, r := range s.reqs {
					if r.Method == http.MethodGet && r.URL.Path == "/pagamenti" {
						lookup = r
					}
				}
				require.NotNil(t, lookup)
				assert.Equal(t, "sess-77", lookup.URL.Query().Get("idSessionePortale"))
			},
		},
		{
			name:    "timeout, then reconciled: not found",
			post:    pgHang,
			get:     listAnswer(),
			copt:    []govpay.Option{govpay.WithHTTPClient(&http.Client{Timeout: 150 * time.Millisecond})},
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-78"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				assert.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
				var oe *OutcomeUnknownError
				require.ErrorAs(t, err, &oe)
				assert.Equal(t, "sess-78", oe.IDSessionePortale)
				assert.NoError(t, oe.LookupErr)
				var ne *govpay.NetworkError
				require.ErrorAs(t, err, &ne)
				assert.True(t, ne.Sent)
				assert.Contains(t, err.Error(), "outcome unknown")
				assert.Contains(t, err.Error(), "no payment with idSessionePortale sess-78")
				assert.NotContains(t, err.Error(), "s3cret-password")
			},
		},
		{
			name: "context deadline after sending, then reconciled on a detached context",
			post: pgHang,
			get:  listAnswer(sintesiJSON("pay-80", "sess-80", "ESEGUITO", "")),
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 150*time.Millisecond)
			},
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-80"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.True(t, a.Reconciled)
				assert.Equal(t, "pay-80", a.ID)
				assert.Equal(t, StatoEseguito, a.Stato)
				assert.Empty(t, a.Redirect)
			},
		},
		{
			name: "timeout without idSessionePortale: outcome unknown, no lookup",
			post: pgHang,
			copt: []govpay.Option{govpay.WithHTTPClient(&http.Client{Timeout: 150 * time.Millisecond})},
			opts: StartOptions{URLRitorno: returnURL},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				assert.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
				assert.Contains(t, err.Error(), "no idSessionePortale")
			},
		},
		{
			name:    "connection lost after sending, reconciled",
			post:    nil, // set below: needs t
			get:     listAnswer(sintesiJSON("pay-81", "sess-81", "IN_CORSO", wispURL)),
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-81"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.Equal(t, "pay-81", a.ID, "the only payment with this idSessionePortale")
			},
		},
		{
			name:    "connection lost after sending, reconciled: its debts are the cart's",
			post:    nil, // set below: needs t
			get:     listAnswer(sintesiJSON("pay-86", "sess-86", "IN_CORSO", wispURL)),
			debts:   cartDebts("P-1", validNAV(t, 11)),
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-86"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.Equal(t, "pay-86", a.ID)
				assert.Equal(t, 1, s.count("GET /pagamenti/pay-86"), "the detail was read")
			},
		},
		{
			name:    "connection lost after sending, the payment pays other debts: unknown",
			post:    nil, // set below: needs t
			get:     listAnswer(sintesiJSON("pay-87", "sess-87", "IN_CORSO", wispURL)),
			debts:   cartDebts("P-OTHER", validNAV(t, 11)),
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-87"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				assert.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
				var oue *OutcomeUnknownError
				require.ErrorAs(t, err, &oue)
				assert.Contains(t, oue.Lookup, "other debts")
			},
		},
		{
			name:    "connection lost after sending, the payment pays one debt of two: unknown",
			post:    nil, // set below: needs t
			get:     listAnswer(sintesiJSON("pay-88", "sess-88", "IN_CORSO", wispURL)),
			debts:   cartDebts("P-1", validNAV(t, 11))[:1],
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-88"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				assert.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
			},
		},
		{
			name:    "connection lost after sending, someone else's payment: unknown",
			post:    nil, // set below: needs t
			get:     listAnswer(olderSintesi("other", "sess-850"), olderSintesi("empty", "")),
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-85"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				assert.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
				var oue *OutcomeUnknownError
				require.ErrorAs(t, err, &oue)
				assert.True(t, oue.LookupErr != nil || oue.Lookup != "", "the error says what the lookup found")
			},
		},
		{
			name:    "connection lost after sending, several matches: unknown",
			post:    nil, // set below: needs t
			get:     listAnswer(olderSintesi("old", "sess-84"), sintesiJSON("pay-84", "sess-84", "IN_CORSO", wispURL)),
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-84"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				assert.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
				var oue *OutcomeUnknownError
				require.ErrorAs(t, err, &oue)
				assert.Contains(t, oue.Lookup, "2 payments")
				assert.Contains(t, err.Error(), "2 payments")
			},
		},
		{
			name:    "500, reconciled",
			post:    pgFault(http.StatusInternalServerError, "INTERNO", "500000", ""),
			get:     listAnswer(sintesiJSON("pay-82", "sess-82", "IN_CORSO", wispURL)),
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-82"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.Equal(t, "pay-82", a.ID)
				assert.True(t, a.Reconciled)
			},
		},
		{
			name:    "503 and the lookup fails too",
			post:    pgFault(http.StatusServiceUnavailable, "INTERNO", "503", ""),
			get:     pgFault(http.StatusServiceUnavailable, "INTERNO", "503", ""),
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-83"},
			lookups: 3, // the lookup is a GET: retried by the policy
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				assert.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
				var oe *OutcomeUnknownError
				require.ErrorAs(t, err, &oe)
				require.Error(t, oe.LookupErr)
				assert.ErrorIs(t, err, govpay.ErrServer)
				assert.Contains(t, err.Error(), "failed too")
			},
		},
		{
			name: "unreadable 201, reconciled",
			post: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte(`{"id": "pay-8`))
			},
			get:     listAnswer(sintesiJSON("pay-84", "sess-84", "IN_CORSO", wispURL)),
			opts:    StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-84"},
			lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.Equal(t, "pay-84", a.ID)
			},
		},
		{
			name: "reconciled payment with an unsafe redirect",
			post: pgFault(http.StatusGatewayTimeout, "INTERNO", "504", ""),
			get:  listAnswer(sintesiJSON("pay-85", "sess-85", "IN_CORSO", "http://wisp.example/")),
			opts: StartOptions{IDSessionePortale: "sess-85"}, lookups: 1,
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				var re *RedirectError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "pay-85", re.Avvio.ID)
				assert.True(t, re.Avvio.Reconciled)
			},
		},
		{
			name: "legacy 201 with a plain http redirect is refused",
			post: func(w http.ResponseWriter, _ *http.Request) {
				pgJSON(w, http.StatusCreated, map[string]string{"id": "p1", "location": "/pagamenti/p1", "redirect": "http://wisp.example/x", "idSession": "s1"})
			},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.Nil(t, a)
				assert.ErrorIs(t, err, ErrUnsafeRedirect)
				var re *RedirectError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "p1", re.Avvio.ID, "the payment can still be tracked")
				assert.Empty(t, re.Avvio.Redirect)
				assert.Contains(t, err.Error(), "WithInsecureRedirect")
			},
		},
		{
			name: "plain http redirect allowed by WithInsecureRedirect",
			post: func(w http.ResponseWriter, _ *http.Request) {
				pgJSON(w, http.StatusCreated, map[string]string{"id": "p1", "location": "/pagamenti/p1", "redirect": "http://wisp.example/x", "idSession": "s1"})
			},
			copt: []govpay.Option{govpay.WithInsecureRedirect()},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				require.NoError(t, err)
				assert.Equal(t, "http://wisp.example/x", a.Redirect)
			},
		},
		{
			name: "relative and javascript redirects are refused",
			post: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Location", "javascript:alert(1)")
				w.WriteHeader(http.StatusFound)
			},
			copt: []govpay.Option{govpay.WithInsecureRedirect()},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				assert.ErrorIs(t, err, ErrUnsafeRedirect)
			},
		},
		{
			name: "201 without redirect",
			post: func(w http.ResponseWriter, _ *http.Request) {
				pgJSON(w, http.StatusCreated, map[string]string{"id": "p2", "location": "/pagamenti/p2"})
			},
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				var re *RedirectError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "missing", re.Reason)
			},
		},
		{
			name: "302 without Location",
			post: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusFound) },
			check: func(t *testing.T, s *pgServer, a *Avvio, err error) {
				var de *govpay.DecodeError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, http.StatusFound, de.StatusCode)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newPGServer(t)
			post := tc.post
			if post == nil {
				post = pgHijack(t)
			}
			s.mux.HandleFunc("POST /pagamenti", post)
			if tc.get != nil {
				s.mux.HandleFunc("GET /pagamenti", tc.get)
				s.mux.HandleFunc("GET /pagamenti/{id}", detailOf(tc.get, tc.debts))
			}
			c := s.client(t, tc.copt...)
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tc.ctx != nil {
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			a, err := c.Start(ctx, startCart(t), tc.opts)
			if a != nil { // the Avvio keeps the cart and the session id (avvio_test.go); the checks compare the rest
				assert.Equal(t, tc.opts.IDSessionePortale, a.IDSessionePortale)
				assert.Len(t, a.Items, len(startCart(t).Items()))
				a.Items, a.IDSessionePortale = nil, ""
			}
			tc.check(t, s, a, err)
			assert.Equal(t, 1, s.count("POST /pagamenti"), "POST /pagamenti must be sent exactly once")
			assert.Equal(t, tc.lookups, s.count("GET /pagamenti"), "reconciliation lookups")
		})
	}
}

func TestStartRequest(t *testing.T) {
	s := newPGServer(t)
	s.mux.HandleFunc("POST /pagamenti", func(w http.ResponseWriter, _ *http.Request) {
		pgJSON(w, http.StatusCreated, map[string]string{"id": "p1", "location": "/pagamenti/p1", "redirect": wispURL, "idSession": "s1"})
	})
	c := s.client(t)
	versante := govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "BNCGLO30A01H501I", Anagrafica: "Giulio Bianchi"}
	opts := StartOptions{
		URLRitorno: returnURL, IDSessionePortale: "sess-1", Lingua: LinguaInglese, SoggettoVersante: &versante,
		AutenticazioneSoggetto: AutenticazioneNonApplicabile, ContoAddebito: &Conto{IBAN: "IT60X0542811101000000123456", BIC: "BPPIITRRXXX"},
		DataEsecuzionePagamento: execDate(), CredenzialiPagatore: "otp-123", CodiceConvenzione: "CONV1",
		IDPSP: "PSP1", IDIntermediarioPSP: "INT1", IDCanale: "PSP1_CP", TipoVersamento: VersamentoCarta, ReCaptcha: "03AOLTB",
	}
	cart := NewCart().AddRiferimento("A2A-1", "P-1")
	_, err := c.Start(context.Background(), cart, opts)
	require.NoError(t, err)

	r, body := s.last(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/pagamenti", r.URL.Path)
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	user, pass, ok := r.BasicAuth()
	assert.True(t, ok)
	assert.Equal(t, "portal", user)
	assert.Equal(t, "s3cret-password", pass)
	q := r.URL.Query()
	assert.Equal(t, map[string][]string{
		"idSessionePortale": {"sess-1"}, "codiceConvenzione": {"CONV1"}, "identificativoPSP": {"PSP1"},
		"identificativoIntermediarioPSP": {"INT1"}, "identificativoCanale": {"PSP1_CP"}, "tipoVersamento": {"CP"},
		"gRecaptchaResponse": {"03AOLTB"},
	}, map[string][]string(q))
	assert.JSONEq(t, `{
		"pendenze":[{"idA2A":"A2A-1","idPendenza":"P-1"}],
		"urlRitorno":"https://portale.comune.it/pagopa/ritorno?ordine=42",
		"contoAddebito":{"iban":"IT60X0542811101000000123456","bic":"BPPIITRRXXX"},
		"dataEsecuzionePagamento":"`+execDate().String()+`",
		"credenzialiPagatore":"otp-123",
		"soggettoVersante":{"tipo":"F","identificativo":"BNCGLO30A01H501I","anagrafica":"Giulio Bianchi"},
		"autenticazioneSoggetto":"N/A",
		"lingua":"en"}`, string(body))

	// The minimal start sends the cart only, and no query.
	_, err = c.Start(context.Background(), cart, StartOptions{})
	require.NoError(t, err)
	r, body = s.last(t)
	assert.Empty(t, r.URL.RawQuery)
	assert.JSONEq(t, `{"pendenze":[{"idA2A":"A2A-1","idPendenza":"P-1"}]}`, string(body))
}

func TestStartValidation(t *testing.T) {
	s := newPGServer(t)
	c := s.client(t)
	tests := []struct {
		name string
		cart *Cart
		opts StartOptions
		want []string
	}{
		{"nil cart", nil, StartOptions{}, []string{"pendenze"}},
		{"cart and options violations together", NewCart().AddAvviso("1", "2"),
			StartOptions{URLRitorno: "/relative", Lingua: "e\xffs"},
			[]string{"pendenze[0].idDominio", "pendenze[0].numeroAvviso", "urlRitorno", "lingua"}},
		{"urlRitorno scheme", startCart(t), StartOptions{URLRitorno: "ftp://x.it/r"}, []string{"urlRitorno"}},
		{"urlRitorno without host", startCart(t), StartOptions{URLRitorno: "https:///r"}, []string{"urlRitorno"}},
		{"urlRitorno with credentials", startCart(t), StartOptions{URLRitorno: "https://u:p@x.it/r"}, []string{"urlRitorno"}},
		{"urlRitorno with fragment", startCart(t), StartOptions{URLRitorno: "https://x.it/r#top"}, []string{"urlRitorno"}},
		{"urlRitorno with a control character", startCart(t), StartOptions{URLRitorno: "https://x.it/r\n"}, []string{"urlRitorno"}},
		{"urlRitorno unparsable", startCart(t), StartOptions{URLRitorno: "https://x.it/%zz"}, []string{"urlRitorno"}},
		{"PSP triple incomplete", startCart(t), StartOptions{IDPSP: "PSP1"},
			[]string{"identificativoIntermediarioPSP", "identificativoCanale"}},
		{"PSP triple incomplete the other way", startCart(t), StartOptions{IDCanale: "C", IDIntermediarioPSP: "I"},
			[]string{"identificativoPSP"}},
		{"enums", startCart(t), StartOptions{AutenticazioneSoggetto: "SPID", TipoVersamento: "XX", IDPSP: "P", IDIntermediarioPSP: "I", IDCanale: "C"},
			[]string{"autenticazioneSoggetto", "tipoVersamento"}},
		{"conto", startCart(t), StartOptions{ContoAddebito: &Conto{IBAN: "12", BIC: "bad"}},
			[]string{"contoAddebito.iban", "contoAddebito.bic"}},
		{"soggetto versante", startCart(t), StartOptions{SoggettoVersante: &govpay.Soggetto{Tipo: "X"}},
			nil}, // checked below: the rules are the root package's
		{"lengths", startCart(t), StartOptions{CodiceConvenzione: "C1", CredenzialiPagatore: string(make([]byte, 36)),
			IDSessionePortale: string(make([]byte, 300))},
			[]string{"idSessionePortale", "credenzialiPagatore", "codiceConvenzione"}},
		{"idSessionePortale with spaces", startCart(t), StartOptions{IDSessionePortale: "a b"}, []string{"idSessionePortale"}},
		{"negative reconcile timeout", startCart(t), StartOptions{ReconcileTimeout: -1}, []string{"ReconcileTimeout"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := c.Start(context.Background(), tc.cart, tc.opts)
			require.Nil(t, a)
			vs := violations(t, err)
			if tc.want == nil {
				require.NotEmpty(t, vs)
				for _, v := range vs {
					assert.Contains(t, v.Field, "soggettoVersante.")
				}
			} else {
				assert.Equal(t, tc.want, fields(vs))
			}
			if tc.opts.CredenzialiPagatore != "" {
				assert.NotContains(t, err.Error(), tc.opts.CredenzialiPagatore)
			}
		})
	}
	assert.Zero(t, s.count("POST /pagamenti"), "an invalid start must not reach the wire")
	assert.NoError(t, StartOptions{URLRitorno: "http://localhost:8080/r?x=1"}.Validate())
}

func TestStartTransportFailures(t *testing.T) {
	t.Run("connection refused: not sent, not ambiguous", func(t *testing.T) {
		c := New(testutil.Config(t, govpay.APIPagamento, closedURL(t), pgFastRetry))
		var err error
		_, err = c.Start(context.Background(), startCart(t), StartOptions{IDSessionePortale: "s"})
		var ne *govpay.NetworkError
		require.ErrorAs(t, err, &ne)
		assert.False(t, ne.Sent)
		assert.NotErrorIs(t, err, govpay.ErrOutcomeUnknown)
	})
	t.Run("context cancelled before sending", func(t *testing.T) {
		s := newPGServer(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.client(t).Start(ctx, startCart(t), StartOptions{})
		require.Error(t, err)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, s.count("POST /pagamenti"))
	})
	t.Run("nil context", func(t *testing.T) {
		s := newPGServer(t)
		//lint:ignore SA1012 testing the nil check
		_, err := s.client(t).Start(nil, startCart(t), StartOptions{}) //nolint:staticcheck
		require.Error(t, err)
	})
}

func TestOutcomeUnknownErrorUnwrap(t *testing.T) {
	cause := &govpay.Error{StatusCode: 500, Categoria: govpay.CategoriaInterno}
	lookup := errors.New("lookup failed")
	e := &OutcomeUnknownError{IDSessionePortale: "s", Err: cause, LookupErr: lookup}
	assert.ErrorIs(t, e, govpay.ErrOutcomeUnknown)
	assert.ErrorIs(t, e, govpay.ErrServer)
	assert.ErrorIs(t, e, lookup)
	b, _ := json.Marshal(e.Error())
	assert.Contains(t, string(b), "lookup failed")
}

func TestSafeRedirect(t *testing.T) {
	tests := []struct {
		url       string
		allowHTTP bool
		ok        bool
	}{
		{"https://checkout.pagopa.it/c/1", false, true},
		{"https://wisp.example/x?idSession=1#frag", false, true},
		{"http://wisp.example/x", false, false},
		{"http://wisp.example/x", true, true},
		{"", true, false},
		{"/relative/path", true, false},
		{"//host.example/x", true, false},
		{"javascript:alert(1)", true, false},
		{"data:text/html,<b>x</b>", true, false},
		{"ftp://host.example/x", true, false},
		{"https://user:pw@host.example/x", false, false},
		{"https://host.example/x\r\nSet-Cookie: a=b", false, false},
		{"https://%zz", false, false},
		{"https:///nohost", false, false},
	}
	for _, tc := range tests {
		reason := safeRedirect(tc.url, tc.allowHTTP)
		assert.Equal(t, tc.ok, reason == "", "%q (allowHTTP %v): %s", tc.url, tc.allowHTTP, reason)
	}
}

// A 2xx answer that names no payment and no redirect (a proxy's empty JSON
// object, say) is ambiguous: the payment may exist, so Start reconciles it
// by idSessionePortale instead of reporting a checkout-bridge start.
func TestStartEmptyAnswerIsAmbiguous(t *testing.T) {
	s := newPGServer(t)
	s.mux.HandleFunc("POST /pagamenti", func(w http.ResponseWriter, _ *http.Request) {
		pgJSON(w, http.StatusCreated, map[string]string{})
	})
	s.mux.HandleFunc("GET /pagamenti", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "sess-empty", r.URL.Query().Get("idSessionePortale"))
		pgJSON(w, http.StatusOK, map[string]any{"numRisultati": 0, "risultati": []any{}})
	})
	_, err := s.client(t).Start(context.Background(), startCart(t), StartOptions{URLRitorno: returnURL, IDSessionePortale: "sess-empty"})
	require.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
	var re *RedirectError
	assert.False(t, errors.As(err, &re), "not a redirect problem: %v", err)
	assert.Equal(t, 1, s.count("POST /pagamenti"))
	assert.Equal(t, 1, s.count("GET /pagamenti"))
}
