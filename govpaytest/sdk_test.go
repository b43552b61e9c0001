package govpaytest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run the SDK's own clients against the fake: they prove the two
// agree on the wire.

var fast = govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second})

func TestSDKPendenze(t *testing.T) {
	s := govpaytest.NewServer(govpaytest.WithBasicAuth("A2A-GEST", "pw"))
	defer s.Close()
	c := pendenze.New(s.Config(fast)) // with the fake's Basic credentials
	ctx := context.Background()
	p := pendenze.Pendenza{
		IDTipoPendenza: "LIBERO", IDDominio: "01234567890", Causale: "Diritti",
		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: govpaytest.DemoCodiceFiscale, Anagrafica: "Mario Rossi"},
		Importo:          govpay.Centesimi(1650),
		Voci: []pendenze.Voce{{IDVocePendenza: "1", Importo: govpay.Centesimi(1650), Descrizione: "Diritti",
			Kind: pendenze.Entrata{CodEntrata: "SEGRETERIA"}}},
	}
	car, err := c.Put(ctx, "A2A-GEST", "P1", p)
	require.NoError(t, err)
	assert.True(t, car.Created)
	assert.Len(t, car.NumeroAvviso.String(), 18)
	car, err = c.Put(ctx, "A2A-GEST", "P1", p)
	require.NoError(t, err)
	assert.False(t, car.Created, "the second PUT updates")

	d, err := c.Get(ctx, "A2A-GEST", "P1")
	require.NoError(t, err)
	assert.Equal(t, govpay.Centesimi(1650), d.Importo)

	require.NoError(t, c.Cancel(ctx, "A2A-GEST", "P1", "errore di caricamento"))
	snap, _ := s.Pendenza("A2A-GEST", "P1")
	assert.Equal(t, "ANNULLATA", snap.Stato)
	require.NoError(t, c.Reactivate(ctx, "A2A-GEST", "P1", "ripristino"))

	n := 0
	for sint, err := range c.List(ctx, pendenze.ListOptions{}) {
		require.NoError(t, err)
		assert.Equal(t, "P1", sint.IDPendenza)
		n++
	}
	assert.Equal(t, 1, n)

	p.Importo = govpay.Centesimi(1600) // ≠ Σ voci: the client refuses it before the wire
	_, err = c.Put(ctx, "A2A-GEST", "P2", p)
	require.Error(t, err)

	before := s.Count(govpaytest.OpGetPendenza)
	s.InjectFault(govpaytest.OpGetPendenza, govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: 503, RetryAfter: "0"}, 2)
	_, err = c.Get(ctx, "A2A-GEST", "P1")
	require.NoError(t, err, "the client retries a 503")
	assert.Equal(t, before+3, s.Count(govpaytest.OpGetPendenza), "two 503, then the answer")

	_, err = c.Get(ctx, "A2A-GEST", "NOPE")
	assert.ErrorIs(t, err, govpay.ErrNotFound)
}

// recorder is a notifica.Receiver that keeps what it gets.
type recorder struct {
	mu          sync.Mutex
	attivazioni []*notifica.Pagamento
	pagamenti   []*notifica.Pagamento
	ricevute    []*ricevute.Ricevuta
}

func (r *recorder) Attivazione(_ context.Context, n *notifica.Pagamento) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attivazioni = append(r.attivazioni, n)
	return nil
}

func (r *recorder) Pagamento(_ context.Context, n *notifica.Pagamento) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pagamenti = append(r.pagamenti, n)
	return nil
}

func (r *recorder) Ricevuta(_ context.Context, n *ricevute.Ricevuta) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ricevute = append(r.ricevute, n)
	return nil
}

func newEnte(t *testing.T) (*recorder, string) {
	rec := &recorder{}
	h, err := notifica.NewHandler(rec, notifica.WithBasicAuth("govpay", "ente-pw"))
	require.NoError(t, err)
	ts := httptest.NewServer(http.StripPrefix("/ente", h))
	t.Cleanup(ts.Close)
	return rec, ts.URL + "/ente"
}

func wait(t *testing.T, s *govpaytest.Server, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ns, err := s.WaitNotifications(ctx, n)
	require.NoError(t, err, "%+v", ns)
}

func TestSDKPaymentModes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mode    govpaytest.Mode
		version int
	}{
		{"legacy", govpaytest.ModeLegacy, 1},
		{"bridge", govpaytest.ModeBridge, 2},
		{"bridge302", govpaytest.ModeBridge302, 1},
		{"checkout", "", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, enteURL := newEnte(t)
			opts := []govpaytest.Option{govpaytest.WithDemoData(), govpaytest.WithNotifications(govpaytest.NotificationConfig{
				URL: enteURL, Version: tc.version, Username: "govpay", Password: "ente-pw", MinBackoff: time.Millisecond})}
			if tc.mode != "" {
				opts = append(opts, govpaytest.WithMode(tc.mode))
			}
			s := govpaytest.NewServer(opts...)
			defer s.Close()
			ctx := context.Background()
			cfg := s.Config(govpay.WithInsecureRedirect(), fast)
			pc := pagamenti.New(cfg)
			rc := ricevute.New(cfg)
			var err error

			cart := pagamenti.NewCart().
				AddRiferimento(govpaytest.DemoIDA2A, "MENSA-2026-03-RSSMRA").
				AddAvviso(govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo)
			var avvio *pagamenti.Avvio
			if tc.mode == "" {
				co, err := pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: s.CheckoutV2URL(), SubscriptionKey: "sub-key"})
				require.NoError(t, err)
				mensa, _ := s.Pendenza(govpaytest.DemoIDA2A, "MENSA-2026-03-RSSMRA")
				cart = pagamenti.NewCart().
					AddAvviso(govpaytest.DemoDominio, mensa.NumeroAvviso).
					AddAvviso(govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo)
				avvio, err = co.Start(ctx, cart, pagamenti.CheckoutStartOptions{
					ReturnOK: "https://portale.example/ok?esito=OK", ReturnCancel: "https://portale.example/ok?esito=CANCEL",
					ReturnError: "https://portale.example/ok?esito=ERROR", ReturnWaiting: "https://portale.example/attesa",
					CompanyName: "Comune Dimostrativo",
					Completer: pagamenti.NoticeCompleterFunc(func(_ context.Context, _ pagamenti.Item, n *pagamenti.PaymentNotice) error {
						for _, p := range s.Pendenze() {
							if p.NumeroAvviso == n.NoticeNumber {
								n.Amount, n.Description = p.Importo, p.Causale
							}
						}
						return nil
					}),
				})
				require.NoError(t, err)
			} else {
				avvio, err = pc.Start(ctx, cart, pagamenti.StartOptions{URLRitorno: "https://portale.example/ritorno", IDSessionePortale: "sess-" + tc.name})
				require.NoError(t, err)
			}
			back, err := s.Pay(avvio.Redirect, govpaytest.ChoicePaga)
			require.NoError(t, err)
			u, err := url.Parse(back)
			require.NoError(t, err)
			ret, err := pagamenti.ParseReturn(u.Query())
			require.NoError(t, err)
			assert.Equal(t, pagamenti.EsitoOK, ret.Esito)

			out, err := pagamenti.NewResolver(pc, rc).Resolve(ctx, ret, *avvio)
			require.NoError(t, err)
			assert.Equal(t, pagamenti.OutcomePaid, out.State, out.Reason)

			if tc.version == 1 {
				wait(t, s, 4)
				rec.mu.Lock()
				assert.Len(t, rec.attivazioni, 2)
				require.Len(t, rec.pagamenti, 2)
				assert.NotEmpty(t, rec.pagamenti[0].Riscossioni)
				rec.mu.Unlock()
			} else {
				wait(t, s, 2)
				rec.mu.Lock()
				require.Len(t, rec.ricevute, 2)
				assert.ElementsMatch(t, []govpay.Importo{govpay.Centesimi(4280), govpay.Centesimi(10100)},
					[]govpay.Importo{rec.ricevute[0].Importo, rec.ricevute[1].Importo})
				rec.mu.Unlock()
			}
			for _, n := range s.Notifications() {
				assert.True(t, n.Delivered)
				assert.Len(t, n.Attempts, 1, "the notifica handler accepts at the first attempt")
			}
		})
	}
}

func TestSDKAmbiguousStart(t *testing.T) {
	s := govpaytest.NewServer(govpaytest.WithDemoData())
	defer s.Close()
	pc := pagamenti.New(s.Config(govpay.WithInsecureRedirect(), fast))
	cart := pagamenti.NewCart().AddRiferimento(govpaytest.DemoIDA2A, "TARI-2026-RSSMRA")

	// The payment is created, the answer is lost: the client reconciles.
	s.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultDropAfterServe}, 1)
	avvio, err := pc.Start(context.Background(), cart, pagamenti.StartOptions{URLRitorno: "https://p.example/", IDSessionePortale: "amb-1"})
	require.NoError(t, err)
	assert.True(t, avvio.Reconciled)
	assert.Equal(t, 1, s.Count(govpaytest.OpStartPagamento), "never resent")

	// GovPay says pagoPA failed after creating the payment.
	s.InjectFault(govpaytest.OpStartPagamento, govpaytest.Fault{Kind: govpaytest.FaultPagoPA}, 1)
	_, err = pc.Start(context.Background(), pagamenti.NewCart().AddRiferimento(govpaytest.DemoIDA2A, "ACQUA-2025-RSSMRA"), pagamenti.StartOptions{URLRitorno: "https://p.example/"})
	var ge *govpay.Error
	require.True(t, errors.As(err, &ge), "%v", err)
	assert.Equal(t, http.StatusBadGateway, ge.StatusCode)
	assert.NotEmpty(t, ge.ID)
	_, ok := s.Pagamento(ge.ID)
	assert.True(t, ok)
}
