package notifica_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/pendenze"
)

// LeggiRT reads the fields every receipt has, in both shapes GovPay
// forwards.
func ExampleLeggiRT() {
	sanp2 := json.RawMessage(`{"receiptId":"b7e3a0c6","outcome":"OK","creditorReferenceId":"01000000000012345",
		"paymentAmount":"100.99","fee":"1.00","idPSP":"ABI03069","PSPCompanyName":"Banca Esempio",
		"paymentDateTime":"2024-05-17T10:20:30"}`)
	rt := json.RawMessage(`{"versioneOggetto":"6.2.0","datiPagamento":{"codiceEsitoPagamento":"0",
		"importoTotalePagato":"100.99","identificativoUnivocoVersamento":"01000000000012345",
		"CodiceContestoPagamento":"n/a","datiSingoloPagamento":[{"singoloImportoPagato":"100.99",
		"dataEsitoSingoloPagamento":"2024-05-17","commissioniApplicatePSP":"1.00"}]}}`)
	for _, raw := range []json.RawMessage{sanp2, rt} {
		d, err := notifica.LeggiRT(raw)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(d.Formato, d.IDRicevuta, d.Esito, d.ImportoPagato, d.Commissioni, d.DataPagamento.Date())
	}
	// Output:
	// receipt b7e3a0c6 ESEGUITO 100.99 1.00 2024-05-17
	// RT n/a ESEGUITO 100.99 1.00 2024-05-17
}

// A verification answer is built from a pendenze.Pendenza; the handler
// converts it to the API Ente version GovPay expects.
func ExampleNonEseguita() {
	p := pendenze.Pendenza{
		IDTipoPendenza:   "SEGRETERIA",
		IDDominio:        "01234567890",
		Causale:          "Diritti di segreteria",
		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I"},
		Importo:          govpay.Euro(16),
		Voci: []pendenze.Voce{pendenze.VoceIBAN("1", govpay.Euro(16), "Diritti", "IT60X0542811101000000123456",
			pendenze.ContabilitaAltro, "SEGRETERIA")},
	}
	v := notifica.NonEseguita("GESTIONALE", "PRATICA-17", p)
	v2, _ := json.Marshal(v)
	v1, _ := v.MarshalJSONV1()
	fmt.Println(string(v2))
	fmt.Println(string(v1))
	// Output:
	// {"stato":"NON_ESEGUITA","pendenza":{"causale":"Diritti di segreteria","idA2A":"GESTIONALE","idDominio":"01234567890","idPendenza":"PRATICA-17","idTipoPendenza":"SEGRETERIA","importo":16.00,"soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA30A01H501I"},"voci":[{"codiceTassonomicoPagoPA":"9/SEGRETERIA","descrizione":"Diritti","ibanAccredito":"IT60X0542811101000000123456","idVocePendenza":"1","importo":16.00}]}}
	// {"causale":"Diritti di segreteria","idA2A":"GESTIONALE","idDominio":"01234567890","idPendenza":"PRATICA-17","idTipoPendenza":"SEGRETERIA","importo":16.00,"soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA30A01H501I"},"stato":"NON_ESEGUITA","voci":[{"codiceContabilita":"SEGRETERIA","descrizione":"Diritti","ibanAccredito":"IT60X0542811101000000123456","idVocePendenza":"1","importo":16.00,"tipoContabilita":"ALTRO"}]}
}
