package notifica_test

import (
	"encoding/json"
	"fmt"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/pendenze"
)

// A verification answer is built from a pendenze.Pendenza; the handler
// converts it to the API Ente version GovPay expects.
func ExampleNonEseguita() {
	p := pendenze.Pendenza{
		IDTipoPendenza:   "SEGRETERIA",
		IDDominio:        "01234567890",
		Causale:          "Diritti di segreteria",
		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I"},
		Importo:          govpay.Euro(16),
		Voci:             []pendenze.Voce{pendenze.VoceAccredito("1", govpay.Euro(16), "Diritti", pendenze.Accredito{IBANAccredito: "IT60X0542811101000000123456", TipoContabilita: pendenze.ContabilitaAltro, CodiceContabilita: "SEGRETERIA"})},
	}
	v := notifica.NonEseguita("GESTIONALE", "PRATICA-17", p)
	v2, _ := json.Marshal(v)
	v1, _ := v.MarshalJSONV1()
	fmt.Println(string(v2))
	fmt.Println(string(v1))
	// Output:
	// {"stato":"NON_ESEGUITA","pendenza":{"causale":"Diritti di segreteria","idA2A":"GESTIONALE","idDominio":"01234567890","idPendenza":"PRATICA-17","idTipoPendenza":"SEGRETERIA","importo":16.00,"soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA30A01H501I"},"voci":[{"codiceTassonomicoPagoPA":"9/SEGRETERIA","descrizione":"Diritti","ibanAccredito":"IT60X0542811101000000123456","idVocePendenza":"1","importo":16.00}]}}
	// {"causale":"Diritti di segreteria","idA2A":"GESTIONALE","idDominio":"01234567890","idPendenza":"PRATICA-17","idTipoPendenza":"SEGRETERIA","importo":16.00,"soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA30A01H501I"},"stato":"NON_ESEGUITA","voci":[{"codiceContabilita":"SEGRETERIA","descrizione":"Diritti","ibanAccredito":"IT60X0542811101000000123456","idVocePendenza":"1","importo":16.00,"indice":1,"tipoContabilita":"ALTRO"}]}
}
