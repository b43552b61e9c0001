package pagamenti_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"
	"slices"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// The examples below run the portal on the fake GovPay of package
// govpaytest, seeded with its demo data: the demo citizen owes a few
// pendenze and holds a paper notice (a traffic fine) of somebody else.

// examplePosizione prints the debts still to pay of the demo citizen, sorted,
// and returns them by idPendenza.
func examplePosizione(ctx context.Context, c *pagamenti.Client) map[string]pendenze.Sintesi {
	debts := map[string]pendenze.Sintesi{}
	var lines []string
	for d, err := range c.ListPosizione(ctx, govpaytest.DemoCodiceFiscale, pagamenti.PosizioneOptions{Stato: pendenze.StatoNonEseguita}) {
		if err != nil {
			log.Fatal(err)
		}
		debts[d.IDPendenza] = d
		lines = append(lines, fmt.Sprintf(" - %s %s %s", d.IDPendenza, d.Importo, d.Causale))
	}
	slices.Sort(lines)
	fmt.Println("to pay:", len(lines))
	for _, l := range lines {
		fmt.Println(l)
	}
	return debts
}

// printOutcome prints what a Resolver found, item by item. The receipts
// the Resolver lists carry only ids and outcome: the amount paid is in the
// receipt's detail (Ricevute.Get).
func printOutcome(ctx context.Context, o *pagamenti.Outcome, receipts *ricevute.Client) {
	fmt.Println("outcome:", o.Mode, o.State)
	for _, it := range o.Items {
		line := fmt.Sprintf(" - item %d (%s) %s", it.Index, it.Kind, it.State)
		if it.Pendenza != nil {
			line += fmt.Sprintf(": debt %s %s", it.Pendenza.Stato, it.Pendenza.Importo)
		}
		if it.Ricevuta != nil {
			r, err := receipts.Get(ctx, it.IDDominio, it.IUV, it.Ricevuta.IDRicevuta)
			if err != nil {
				log.Fatal(err)
			}
			line += fmt.Sprintf(": receipt %s %s", r.Esito, r.Importo)
		}
		fmt.Println(line)
	}
}

// The whole portal flow in legacy mode (WISP) on the fake GovPay: the debt
// position, a cart with one of its pendenze and a paper notice, the start,
// the payer paying on the fake WISP page, the return, and the outcome from
// GovPay's payment.
func Example_portalLegacy() {
	fake := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithMode(govpaytest.ModeLegacy))
	defer fake.Close()
	ctx := context.Background()

	// The fake serves plain http: accept its redirects.
	c := pagamenti.New(fake.Config(govpay.WithInsecureRedirect()))

	// 1. The demo citizen logs in and sees what is due.
	debts := examplePosizione(ctx, c)
	mensa := debts["MENSA-2026-03-RSSMRA"]

	// 2. They pick the school meals and add the paper notice they hold.
	cart := pagamenti.NewCart().
		AddRiferimento(mensa.IDA2A, mensa.IDPendenza).
		AddAvviso(govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo)
	avvio, err := c.Start(ctx, cart, pagamenti.StartOptions{
		URLRitorno:        "https://portale.comune.example/pagopa/ritorno",
		IDSessionePortale: "portale-0001",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("start:", avvio.Mode, "trackable:", avvio.Trackable(), "session:", avvio.IDSession != "")

	// 3. The browser goes to avvio.Redirect and the payer presses "Paga";
	//    GovPay sends it back to urlRitorno.
	back, err := fake.Pay(avvio.Redirect, govpaytest.ChoicePaga)
	if err != nil {
		log.Fatal(err)
	}
	u, err := url.Parse(back)
	if err != nil {
		log.Fatal(err)
	}
	ret, err := pagamenti.ParseReturn(u.Query())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("return:", u.Host+u.Path, "esito:", ret.Esito, "legacy:", ret.Legacy(), "same payment:", ret.IDPagamento == avvio.ID)

	// 4. The esito is a hint: GovPay's payment says whether it was paid.
	o, err := pagamenti.NewResolver(c, nil).Resolve(ctx, ret, *avvio)
	if err != nil {
		log.Fatal(err)
	}
	printOutcome(ctx, o, nil)
	fmt.Println("payment:", o.Pagamento.Stato, o.Pagamento.Importo)

	// 5. The position no longer lists the school meals.
	examplePosizione(ctx, c)
	// Output:
	// to pay: 3
	//  - ACQUA-2025-RSSMRA 63.15 Servizio idrico - saldo 2025
	//  - MENSA-2026-03-RSSMRA 42.80 Refezione scolastica - marzo 2026
	//  - TARI-2026-RSSMRA 187.50 TARI 2026 - rata unica
	// start: legacy trackable: true session: true
	// return: portale.comune.example/pagopa/ritorno esito: OK legacy: true same payment: true
	// outcome: legacy PAID
	//  - item 0 (riferimento) PAID: debt ESEGUITA 42.80
	//  - item 1 (avviso) PAID: debt ESEGUITA 101.00
	// payment: ESEGUITO 143.80
	// to pay: 2
	//  - ACQUA-2025-RSSMRA 63.15 Servizio idrico - saldo 2025
	//  - TARI-2026-RSSMRA 187.50 TARI 2026 - rata unica
}

// The same cart through GovPay's checkout bridge (a V2 station), on the fake
// GovPay in both its answers: 201 with id "0", and a bare 302. There is no
// GovPay payment to read: the receipts of API Ragioneria say whether each
// notice was paid.
func Example_portalBridge() {
	for _, mode := range []govpaytest.Mode{govpaytest.ModeBridge, govpaytest.ModeBridge302} {
		fake := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithMode(mode))
		ctx := context.Background()
		// One Config, then every client built from it.
		cfg := fake.Config(govpay.WithInsecureRedirect()) // the fake's pages are http
		c := pagamenti.New(cfg)
		receipts := ricevute.New(cfg)

		cart := pagamenti.NewCart().
			AddRiferimento(govpaytest.DemoIDA2A, "MENSA-2026-03-RSSMRA").
			AddAvviso(govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo)
		avvio, err := c.Start(ctx, cart, pagamenti.StartOptions{
			URLRitorno:        "https://portale.comune.example/pagopa/ritorno",
			IDSessionePortale: "portale-" + string(mode),
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(mode+":", "start:", avvio.Mode, "trackable:", avvio.Trackable())

		back, err := fake.Pay(avvio.Redirect, govpaytest.ChoicePaga)
		if err != nil {
			log.Fatal(err)
		}
		u, err := url.Parse(back)
		if err != nil {
			log.Fatal(err)
		}
		ret, err := pagamenti.ParseReturn(u.Query())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("return: esito:", ret.Esito, "legacy:", ret.Legacy())

		o, err := pagamenti.NewResolver(c, receipts).Resolve(ctx, ret, *avvio)
		if err != nil {
			log.Fatal(err)
		}
		printOutcome(ctx, o, receipts)
		fake.Close()
	}
	// Output:
	// bridge: start: checkout-bridge trackable: false
	// return: esito: OK legacy: false
	// outcome: checkout-bridge PAID
	//  - item 0 (riferimento) PAID: receipt ESEGUITO 42.80
	//  - item 1 (avviso) PAID: receipt ESEGUITO 101.00
	// bridge302: start: checkout-bridge trackable: false
	// return: esito: OK legacy: false
	// outcome: checkout-bridge PAID
	//  - item 0 (riferimento) PAID: receipt ESEGUITO 42.80
	//  - item 1 (avviso) PAID: receipt ESEGUITO 101.00
}

// The portal posts the cart to pagoPA Checkout itself ("modello unico"), on
// the fake's Checkout EC API: amounts and descriptions come from GovPay's
// notices, the payer pays on the fake Checkout page, and the receipts of API
// Ragioneria decide. A payer who cancels pays nothing.
func Example_portalCheckout() {
	const key = "subscription-key-from-pagopa"
	fake := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithSubscriptionKey(key))
	defer fake.Close()
	ctx := context.Background()

	// One Config, then every client built from it; pagoPA Checkout's own
	// endpoint and key go to NewCheckout.
	cfg := fake.Config(govpay.WithInsecureRedirect()) // the fake's pages are http
	c := pagamenti.New(cfg)
	notices := avvisi.New(cfg)
	receipts := ricevute.New(cfg)
	checkout, err := pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: fake.CheckoutURL(), SubscriptionKey: key})
	if err != nil {
		log.Fatal(err)
	}
	resolver := pagamenti.NewResolver(c, receipts)

	// pagoPA refuses a cart posted without the right subscription key.
	wrong, err := pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: fake.CheckoutURL(), SubscriptionKey: "not-the-key"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = wrong.Start(ctx, pagamenti.NewCart().AddQRCode("PAGOPA|002|"+govpaytest.DemoNumeroAvvisoCartaceo+"|"+govpaytest.DemoDominio+"|10100"),
		pagamenti.CheckoutStartOptions{ReturnOK: "https://portale.comune.example/ok", ReturnCancel: "https://portale.comune.example/ko",
			ReturnError: "https://portale.comune.example/ko", CompanyName: "Comune Dimostrativo", Completer: pagamenti.AvvisiCompleter(notices)})
	fmt.Println("wrong subscription key:", errors.Is(err, govpay.ErrUnauthorized))

	back := "https://portale.comune.example/pagopa/ritorno?esito="
	opts := pagamenti.CheckoutStartOptions{
		ReturnOK: back + "OK", ReturnCancel: back + "CANCEL", ReturnError: back + "ERROR",
		CompanyName: "Comune Dimostrativo",
		Completer:   pagamenti.AvvisiCompleter(notices),
	}
	for _, choice := range []govpaytest.Choice{govpaytest.ChoiceAnnulla, govpaytest.ChoicePaga} {
		// Every item of a Checkout cart is a notice: the school meals by
		// the notice number of the debt position, and the paper notice.
		debts := map[string]pendenze.Sintesi{}
		for d, err := range c.ListPosizione(ctx, govpaytest.DemoCodiceFiscale, pagamenti.PosizioneOptions{}) {
			if err != nil {
				log.Fatal(err)
			}
			debts[d.IDPendenza] = d
		}
		cart := pagamenti.NewCart().
			AddAvviso(govpaytest.DemoDominio, debts["MENSA-2026-03-RSSMRA"].NumeroAvviso).
			AddAvviso(govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo)

		avvio, err := checkout.Start(ctx, cart, opts)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("start:", avvio.Mode, "trackable:", avvio.Trackable())

		returned, err := fake.Pay(avvio.Redirect, choice)
		if err != nil {
			log.Fatal(err)
		}
		u, err := url.Parse(returned)
		if err != nil {
			log.Fatal(err)
		}
		ret, err := pagamenti.ParseReturn(u.Query())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("payer pressed", choice, "- esito:", ret.Esito)

		o, err := resolver.Resolve(ctx, ret, *avvio)
		if err != nil {
			log.Fatal(err)
		}
		// Without a receipt an item stays PENDING (one could still
		// arrive); the cart is NOT_PAID because the payer cancelled.
		printOutcome(ctx, o, receipts)
		fmt.Println("why:", o.Reason)
	}

	// The receipt of the paper notice, as the portal offers it for download.
	found, err := receipts.Find(ctx, govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo)
	if err != nil {
		log.Fatal(err)
	}
	pdf, err := receipts.PDF(ctx, govpaytest.DemoDominio, found[0].IUV, found[0].IDRicevuta)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("receipts of the paper notice: %d, PDF starts with %.5s\n", len(found), pdf)
	// Output:
	// wrong subscription key: true
	// start: checkout trackable: false
	// payer pressed annulla - esito: CANCEL
	// outcome: checkout NOT_PAID
	//  - item 0 (avviso) PENDING
	//  - item 1 (avviso) PENDING
	// why: no notice has a receipt and the payer came back with esito CANCEL
	// start: checkout trackable: false
	// payer pressed paga - esito: OK
	// outcome: checkout PAID
	//  - item 0 (avviso) PAID: receipt ESEGUITO 42.80
	//  - item 1 (avviso) PAID: receipt ESEGUITO 101.00
	// why: every notice (2) has a positive receipt
	// receipts of the paper notice: 1, PDF starts with %PDF-
}

// ListPosizione walks the debt position of a payer: the pendenze a portal
// shows after login, filtered by state.
func ExampleClient_ListPosizione() {
	fake := govpaytest.NewServer(govpaytest.WithDemoData())
	defer fake.Close()
	c := pagamenti.New(fake.Config())

	opts := pagamenti.PosizioneOptions{Stato: pendenze.StatoNonEseguita}
	for d, err := range c.ListPosizione(context.Background(), govpaytest.DemoCodiceFiscale, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d.IDPendenza, d.Importo, d.Dominio.IDDominio)
	}
	// Output:
	// TARI-2026-RSSMRA 187.50 01234567890
	// MENSA-2026-03-RSSMRA 42.80 01234567890
	// ACQUA-2025-RSSMRA 63.15 98765432109
}

// Get reads a payment GovPay started (legacy mode): its state, its amount
// and the debts it pays. An unknown id matches govpay.ErrNotFound.
func ExampleClient_Get() {
	fake := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithMode(govpaytest.ModeLegacy))
	defer fake.Close()
	ctx := context.Background()
	c := pagamenti.New(fake.Config(govpay.WithInsecureRedirect())) // the fake's pages are http

	avvio, err := c.Start(ctx, pagamenti.NewCart().AddAvviso(govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo),
		pagamenti.StartOptions{URLRitorno: "https://portale.comune.example/ritorno"})
	if err != nil {
		log.Fatal(err)
	}
	p, err := c.Get(ctx, avvio.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Stato, p.Importo, len(p.Pendenze), p.Pendenze[0].Stato)

	_, err = c.Get(ctx, "no-such-payment")
	fmt.Println(errors.Is(err, govpay.ErrNotFound))
	// Output:
	// IN_CORSO 101.00 1 NON_ESEGUITA
	// true
}
