package notifica_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// cassa is the vertical system of the examples below: it keeps what GovPay
// notifies. The first call can be made to fail, as when its database is
// busy.
type cassa struct {
	mu          sync.Mutex
	failFirst   bool
	calls       int
	attivazioni []*notifica.Pagamento
	esiti       []*notifica.Pagamento
	ricevute    []*ricevute.Ricevuta
}

func (c *cassa) enter() error {
	c.calls++
	if c.failFirst && c.calls == 1 {
		return errors.New("database busy")
	}
	return nil
}

func (c *cassa) Attivazione(_ context.Context, n *notifica.Pagamento) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.enter(); err != nil {
		return err
	}
	c.attivazioni = append(c.attivazioni, n)
	return nil
}

func (c *cassa) Pagamento(_ context.Context, n *notifica.Pagamento) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.enter(); err != nil {
		return err
	}
	c.esiti = append(c.esiti, n)
	return nil
}

func (c *cassa) Ricevuta(_ context.Context, r *ricevute.Ricevuta) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.enter(); err != nil {
		return err
	}
	c.ricevute = append(c.ricevute, r)
	return nil
}

// pay pays cart on the fake GovPay, as a citizen would on a portal (legacy
// mode: the fake WISP page, button "Paga").
func pay(fake *govpaytest.Server, cart *pagamenti.Cart) {
	ctx := context.Background()
	c := pagamenti.New(fake.Config(govpay.WithInsecureRedirect())) // the fake serves http
	avvio, err := c.Start(ctx, cart, pagamenti.StartOptions{
		URLRitorno: "https://portale.comune.example/ritorno", IDSessionePortale: "portale-0001",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := fake.Pay(avvio.Redirect, govpaytest.ChoicePaga); err != nil {
		log.Fatal(err)
	}
}

// A vertical system receives the API Ente v2 receipts of a payment made on
// the fake GovPay of package govpaytest. Its first answer is an error:
// GovPay delivers that receipt again, and nothing is lost.
func ExampleNewHandler_govpaytest() {
	// The vertical system mounts the handler under /govpay/, with Basic auth.
	rcv := &cassa{failFirst: true}
	h, err := notifica.NewHandler(rcv, notifica.WithBasicAuth("govpay", "s3cret-Pa55"))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/govpay/", http.StripPrefix("/govpay", h))
	ente := httptest.NewServer(mux)
	defer ente.Close()

	// GovPay is configured to notify it with API Ente v2.
	fake := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithNotifications(govpaytest.NotificationConfig{
		URL: ente.URL + "/govpay", Version: 2, Username: "govpay", Password: "s3cret-Pa55",
		MinBackoff: time.Millisecond,
	}))
	defer fake.Close()

	// The vertical system loads a pendenza with a notice number of its own.
	nav, err := avvisi.NewNumeroAvviso3(1, 4321)
	if err != nil {
		log.Fatal(err)
	}
	gp := pendenze.New(fake.Config())
	importo := govpay.Centesimi(1650)
	if _, err := gp.Put(context.Background(), "GESTIONALE", "PRATICA-17", pendenze.Pendenza{
		IDTipoPendenza: "SEGRETERIA", IDDominio: govpaytest.DemoDominio, Causale: "Diritti di segreteria - pratica 17",
		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: govpaytest.DemoCodiceFiscale, Anagrafica: "Mario Rossi"},
		Importo:          importo, NumeroAvviso: nav.String(),
		Voci: []pendenze.Voce{pendenze.VoceEntrata("1", importo, "Diritti di segreteria", pendenze.Entrata{CodEntrata: "SEGRETERIA"})},
	}); err != nil {
		log.Fatal(err)
	}

	// The citizen pays it together with the demo paper notice.
	pay(fake, pagamenti.NewCart().
		AddRiferimento("GESTIONALE", "PRATICA-17").
		AddAvviso(govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ns, err := fake.WaitNotifications(ctx, 2)
	if err != nil {
		log.Fatal(err)
	}
	attempts := 0
	for _, n := range ns {
		attempts += len(n.Attempts)
	}
	fmt.Println("notifications:", len(ns), "attempts:", attempts)

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	got := slices.Clone(rcv.ricevute)
	slices.SortFunc(got, func(a, b *ricevute.Ricevuta) int { return strings.Compare(a.IUV, b.IUV) })
	for _, r := range got {
		fmt.Println("ricevuta:", r.Dominio.IDDominio, r.IUV, r.Importo, r.Esito, "-", r.Pendenza.IDPendenza)
	}
	// Output:
	// notifications: 2 attempts: 3
	// ricevuta: 01234567890 01000000000432186 16.50 ESEGUITO - PRATICA-17
	// ricevuta: 01234567890 01000000001234519 101.00 ESEGUITO - CDS-2026-0001234
}

// The same with API Ente v1, still used by older GovPay configurations:
// an activation when the payment request reaches pagoPA, then the outcome
// with the receipt and what was collected.
func ExampleNewHandler_v1Govpaytest() {
	rcv := &cassa{}
	h, err := notifica.NewHandler(rcv, notifica.WithBasicAuth("govpay", "s3cret-Pa55"))
	if err != nil {
		log.Fatal(err)
	}
	ente := httptest.NewServer(h)
	defer ente.Close()

	fake := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithNotifications(govpaytest.NotificationConfig{
		URL: ente.URL, Version: 1, Username: "govpay", Password: "s3cret-Pa55", MinBackoff: time.Millisecond,
	}))
	defer fake.Close()

	pay(fake, pagamenti.NewCart().AddAvviso(govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo))

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := fake.WaitNotifications(ctx, 2); err != nil {
		log.Fatal(err)
	}

	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	for _, a := range rcv.attivazioni {
		fmt.Println("attivazione:", a.IUV, "rt null:", a.Attivazione(), "idSessionePortale:", a.IDSessionePortale)
	}
	for _, p := range rcv.esiti {
		rt, err := p.DatiRT()
		if err != nil {
			log.Fatal(err)
		}
		var riscosso govpay.Importo
		for _, r := range p.Riscossioni {
			riscosso += r.Importo
		}
		fmt.Println("esito:", p.IUV, rt.Esito, rt.ImportoPagato, "- riscossioni:", len(p.Riscossioni), riscosso)
	}
	// Output:
	// attivazione: 01000000001234519 rt null: true idSessionePortale: portale-0001
	// esito: 01000000001234519 ESEGUITO 101.00 - riscossioni: 1 101.00
}
