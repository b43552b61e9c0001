package avvisi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
)

// fakeGovPay answers GET /avvisi/{idDominio}/{numeroAvviso} under API
// Pagamento's base path, as GovPay does: JSON or PDF by Accept, and
// {"stato":"SCONOSCIUTA"} for a notice it does not know.
func fakeGovPay() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /govpay/frontend/api/pagamento/rs/public/v2/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("dominio") != "80002130153" || r.PathValue("nav") != "301000000123453200" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"stato":"SCONOSCIUTA"}`)
			return
		}
		if r.Header.Get("Accept") == "application/pdf" {
			w.Header().Set("Content-Type", "application/pdf")
			fmt.Fprint(w, "%PDF-1.7 …")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"stato":"NON_ESEGUITA","importo":19.99,"idDominio":"80002130153",
			"numeroAvviso":"301000000123453200","dataValidita":"2026-12-31","dataScadenza":"2027-01-31",
			"descrizione":"TARI 2026 rata 1","qrcode":"PAGOPA|002|301000000123453200|80002130153|1999"}`)
	})
	return httptest.NewServer(mux)
}

// A citizen frames the QR code of a paper notice; the portal reads it and
// asks GovPay whether the notice can still be paid, and how much is due.
func Example() {
	srv := fakeGovPay()
	defer srv.Close()

	scanned := "PAGOPA|002|301000000123453200|80002130153|1999\n"
	ref, err := avvisi.ParseCodice(scanned) // QR code or Poste Data Matrix
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("creditor:", ref.IDDominio, "notice:", ref.NumeroAvviso.Formatted(), "printed amount:", ref.Importo)

	// No credentials: the public base URL,
	// srv.URL/govpay/frontend/api/pagamento/rs/public/v2.
	cfg, err := govpay.NewConfig(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	c := avvisi.New(cfg)
	a, err := c.Get(context.Background(), ref.IDDominio, ref.NumeroAvviso.String())
	if err != nil {
		log.Fatal(err)
	}
	switch {
	case a.Stato == avvisi.StatoSconosciuta:
		fmt.Println("GovPay does not know this notice")
	case a.Stato.Payable():
		fmt.Println("to pay:", a.Importo, "€ by", a.DataScadenza, "-", a.Descrizione)
	default:
		fmt.Println("cannot be paid:", a.Stato)
	}
	// Output:
	// creditor: 80002130153 notice: 3010 0000 0123 4532 00 printed amount: 19.99
	// to pay: 19.99 € by 2027-01-31 - TARI 2026 rata 1
}

// A number typed by hand, with the spaces printed on the notice. An unknown
// notice is a normal answer, not an error.
func ExampleClient_Get() {
	srv := fakeGovPay()
	defer srv.Close()
	cfg, err := govpay.NewConfig(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	c := avvisi.New(cfg)
	a, err := c.Get(context.Background(), "80002130153", "3990 0000 0000 0001 58")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Stato)

	// A mistyped number never reaches GovPay.
	_, err = c.Get(context.Background(), "80002130153", "3990 0000 0000 0001 85")
	var ve *govpay.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Violations[0].Field)
	// Output:
	// SCONOSCIUTA
	// true numeroAvviso
}

// The printable notice, for the citizen to download.
func ExampleClient_PDF() {
	srv := fakeGovPay()
	defer srv.Close()
	cfg, err := govpay.NewConfig(srv.URL)
	if err != nil {
		log.Fatal(err)
	}
	c := avvisi.New(cfg)
	pdf, err := c.PDF(context.Background(), "80002130153", "301000000123453200")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%.8s\n", pdf)
	// Output:
	// %PDF-1.7
}

func ExampleParseNumeroAvviso() {
	n, err := avvisi.ParseNumeroAvviso("3010 0000 0123 4532 00")
	if err != nil {
		log.Fatal(err)
	}
	code, _ := n.SegregationCode()
	fmt.Println(n, n.AuxDigit(), code, n.IUV())

	// An example from GovPay's documentation: its check digits are wrong.
	_, err = avvisi.ParseNumeroAvviso("301000000000012345")
	fmt.Println(err)
	// Output:
	// 301000000123453200 3 1 01000000123453200
	// avvisi: invalid numero avviso 301000000000012345: check digits are 45, expected 73 (3010000000000123 mod 93)
}

// A vertical system that assigns its own IUVs numbers its notices with its
// segregation code.
func ExampleNewNumeroAvviso3() {
	n, err := avvisi.NewNumeroAvviso3(12, 123456)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, n.IUV())
	// Output:
	// 312000000012345663 12000000012345663
}

func ExampleParseQRCode() {
	r, err := avvisi.ParseQRCode("PAGOPA|002|001000000000001252|01234567890|05")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.IDDominio, r.NumeroAvviso, r.NumeroAvviso.IUV(), r.Importo)

	_, err = avvisi.ParseQRCode("PAGOPA|001|001000000000001252|01234567890|05")
	fmt.Println(err)
	// Output:
	// 01234567890 001000000000001252 000000000001252 0.05
	// avvisi: invalid code: QR code version "001" is not supported, want 002
}

func ExampleFormatDataMatrix() {
	imp, _ := govpay.ParseImporto("19.99")
	s, err := avvisi.FormatDataMatrix(avvisi.DataMatrix{
		Riferimento: avvisi.Riferimento{
			IDDominio:    "80002130153",
			NumeroAvviso: avvisi.MustParseNumeroAvviso("301000000123453200"),
			Importo:      imp,
		},
		ContoCorrente:         "16302093",
		CodiceFiscaleDebitore: "RSSMRA85T10A562S",
		Anagrafica:            "MARIO ROSSI",
		Causale:               "TARI 2026 RATA 1",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(s))
	fmt.Println(s[:77])
	// Output:
	// 256
	// codfase=NBPA;183010000001234532001200001630209310000000199938961P180002130153
}

func ExampleCheckCodiceFiscale() {
	fmt.Println(avvisi.CheckCodiceFiscale("RSSMRA85T10A562S"))
	fmt.Println(avvisi.CheckCodiceFiscale("RSSMRA85T10A56NH")) // omocodia
	fmt.Println(avvisi.CheckCodiceFiscale("RSSMRA85T10A562T"))
	fmt.Println(avvisi.CheckPartitaIVA("01234567890")) // GovPay's demo creditor
	// Output:
	// <nil>
	// <nil>
	// avvisi: invalid codice fiscale RSSMRA85T10A562T: check character is T, expected S
	// avvisi: invalid partita IVA 01234567890: check digit is 0, expected 7
}
