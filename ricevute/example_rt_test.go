package ricevute_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/govpaygo/govpay/ricevute"
)

// ParseRT reads the fields every receipt has, in both shapes GovPay
// forwards.
func ExampleParseRT() {
	sanp2 := json.RawMessage(`{"receiptId":"b7e3a0c6","outcome":"OK","creditorReferenceId":"01000000000012345",
		"paymentAmount":"100.99","fee":"1.00","idPSP":"ABI03069","PSPCompanyName":"Banca Esempio",
		"paymentDateTime":"2024-05-17T10:20:30"}`)
	rt := json.RawMessage(`{"versioneOggetto":"6.2.0","datiPagamento":{"codiceEsitoPagamento":"0",
		"importoTotalePagato":"100.99","identificativoUnivocoVersamento":"01000000000012345",
		"CodiceContestoPagamento":"n/a","datiSingoloPagamento":[{"singoloImportoPagato":"100.99",
		"dataEsitoSingoloPagamento":"2024-05-17","commissioniApplicatePSP":"1.00"}]}}`)
	for _, raw := range []json.RawMessage{sanp2, rt} {
		d, err := ricevute.ParseRT(raw)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d.Formato, d.IDRicevuta, d.Esito, d.ImportoPagato, d.Commissioni, d.DataPagamento.Date())
	}
	// Output:
	// receipt b7e3a0c6 ESEGUITO 100.99 1.00 2024-05-17
	// RT n/a ESEGUITO 100.99 1.00 2024-05-17
}
