package avvisi_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/govpaytest"
)

// A portal on the fake GovPay of package govpaytest: the citizen frames the
// QR code of the demo paper notice, the portal reads it and looks the
// notice up with API Pagamento. A number GovPay does not know is a normal
// answer, not an error.
func Example() {
	fake := govpaytest.NewServer(govpaytest.WithDemoData())
	defer fake.Close()
	ctx := context.Background()

	// What the camera reads on the demo notice (a traffic fine).
	scanned := "PAGOPA|002|" + govpaytest.DemoNumeroAvvisoCartaceo + "|" + govpaytest.DemoDominio + "|10100"
	ref, err := avvisi.ParseQRCode(scanned)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("scanned:", ref.IDDominio, ref.NumeroAvviso.Formatted(), "printed amount:", ref.Importo)

	c := avvisi.New(fake.Config())
	a, err := c.Get(ctx, ref.IDDominio, ref.NumeroAvviso.String())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("stato:", a.Stato, "payable:", a.Stato.Payable(), "importo:", a.Importo)
	fmt.Println("descrizione:", a.Descrizione)
	fmt.Println("same QR code:", a.QRCode == scanned)

	// A well-formed number the creditor never issued.
	unknown, err := avvisi.NewNumeroAvviso3(1, 999)
	if err != nil {
		log.Fatal(err)
	}
	a, err = c.Get(ctx, govpaytest.DemoDominio, unknown.String())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("unknown notice:", a.Stato)
	// Output:
	// scanned: 01234567890 3010 0000 0001 2345 19 printed amount: 101.00
	// stato: NON_ESEGUITA payable: true importo: 101.00
	// descrizione: Sanzione codice della strada - verbale 2026/0001234
	// same QR code: true
	// unknown notice: SCONOSCIUTA
}

// The printable demo notice from the fake GovPay of package govpaytest.
func ExampleClient_PDF() {
	fake := govpaytest.NewServer(govpaytest.WithDemoData())
	defer fake.Close()

	c := avvisi.New(fake.Config())
	pdf, err := c.PDF(context.Background(), govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.5s\n", pdf)
	// Output:
	// %PDF-
}

// A number typed by hand, with the spaces printed on the notice. A mistyped
// number (wrong check digits) never reaches GovPay: it is a
// *govpay.ValidationError naming the field.
func ExampleClient_Get() {
	fake := govpaytest.NewServer(govpaytest.WithDemoData())
	defer fake.Close()
	c := avvisi.New(fake.Config())

	a, err := c.Get(context.Background(), govpaytest.DemoDominio, "3010 0000 0001 2345 19")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Stato, a.Importo)

	_, err = c.Get(context.Background(), govpaytest.DemoDominio, "3010 0000 0001 2345 91")
	var ve *govpay.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Violations[0].Field)
	fmt.Println("requests sent:", fake.Count(govpaytest.OpPagamentoGetAvviso))
	// Output:
	// NON_ESEGUITA 101.00
	// true numeroAvviso
	// requests sent: 1
}
