package ricevute_test

import (
	"context"
	"fmt"
	"log"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/ricevute"
)

// The receipt of a notice paid on pagoPA Checkout, read from the fake
// GovPay of package govpaytest: Find by the numero avviso (summary fields,
// newest first), then Get for the full receipt and PDF for the printable
// one.
func Example() {
	const key = "subscription-key-from-pagopa"
	fake := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithSubscriptionKey(key))
	defer fake.Close()
	ctx := context.Background()
	cfg := fake.Config(govpay.WithInsecureRedirect()) // the fake's pages are http
	receipts := ricevute.New(cfg)

	// No payment yet: no receipt, and that is not an error.
	found, err := receipts.Find(ctx, govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("receipts before paying:", len(found))

	// The payer pays the demo paper notice on pagoPA Checkout.
	checkout, err := pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: fake.CheckoutURL(), SubscriptionKey: key})
	if err != nil {
		log.Fatal(err)
	}
	avvio, err := checkout.Start(ctx, pagamenti.NewCart().AddAvviso(govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo),
		pagamenti.CheckoutStartOptions{ReturnOK: "https://portale.comune.example/ok", ReturnCancel: "https://portale.comune.example/ko",
			ReturnError: "https://portale.comune.example/ko", CompanyName: "Comune Dimostrativo", Completer: pagamenti.AvvisiCompleter(avvisi.New(cfg))})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := fake.Pay(avvio.Redirect, govpaytest.ChoicePaga); err != nil {
		log.Fatal(err)
	}

	found, err = receipts.Find(ctx, govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("receipts after paying:", len(found), found[0].Esito, "paid:", found[0].Paid())

	r, err := receipts.Get(ctx, govpaytest.DemoDominio, found[0].IUV, found[0].IDRicevuta)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("importo:", r.Importo, "pendenza:", r.Pendenza.Causale)
	for _, v := range r.Pendenza.Voci {
		fmt.Println(" voce", v.IDVocePendenza, "collected:", v.Riscossione.Importo)
	}
	pdf, err := receipts.PDF(ctx, govpaytest.DemoDominio, r.IUV, r.IDRicevuta)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("PDF starts with %.5s\n", pdf)

	// An argument that is neither an IUV nor a numero avviso is refused
	// before anything is sent.
	_, err = receipts.Find(ctx, govpaytest.DemoDominio, "not an IUV!")
	fmt.Println("bad argument:", err)
	// Output:
	// receipts before paying: 0
	// receipts after paying: 1 ESEGUITO paid: true
	// importo: 101.00 pendenza: Sanzione codice della strada - verbale 2026/0001234
	//  voce 1 collected: 101.00
	// PDF starts with %PDF-
	// bad argument: govpay: invalid ricevute.Find arguments: iuv: must be an IUV (^[0-9A-Za-z]{1,35}$) or an 18-digit numero avviso
}
