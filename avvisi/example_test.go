package avvisi_test

import (
	"fmt"
	"log"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
)

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
