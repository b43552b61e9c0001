package notifica

import (
	"bytes"
	"encoding/json"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/ricevute"
)

// Pagamento is an API Ente v1 notification: the body GovPay POSTs to
// /pagamenti/{idDominio}/{iuv}, plus the path and query values.
//
// GovPay sends two per payment attempt: the activation (RT is null: the
// payment request reached pagoPA) and the outcome (RT carries the receipt,
// Riscossioni what was collected). [Pagamento.Attivazione] tells them apart.
//
// json.Marshal of a Pagamento is the body GovPay sent (IDDominio, IUV and
// the query values travel outside the body and are not encoded).
type Pagamento struct {
	// IDDominio and IUV come from the path.
	IDDominio string `json:"-"`
	IUV       string `json:"-"`
	// IDSession, IDSessionePortale and IDCarrello come from the query, when
	// GovPay knows them (payments started through API Pagamento).
	IDSession         string `json:"-"`
	IDSessionePortale string `json:"-"`
	IDCarrello        string `json:"-"`

	// IDA2A and IDPendenza identify the pendenza in the vertical system.
	IDA2A      string `json:"idA2A,omitempty"`
	IDPendenza string `json:"idPendenza,omitempty"`
	// RPT is the payment request as GovPay converted it to JSON: the old
	// ctRichiestaPagamentoTelematico shape (versioneOggetto, datiVersamento…)
	// or the SANP 2 shape (creditorReferenceId, paymentAmount,
	// transferList…). Read the common fields with [Pagamento.DatiRPT].
	RPT json.RawMessage `json:"rpt,omitempty"`
	// RT is the receipt, nil in an activation: the old ctRicevutaTelematica
	// shape (datiPagamento…) or the SANP 2 receipt (receiptId, outcome…).
	// Read the common fields with [Pagamento.DatiRT].
	RT json.RawMessage `json:"rt,omitempty"`
	// Riscossioni are the amounts collected, one per voce paid; empty in an
	// activation and in a failed payment.
	Riscossioni []Riscossione `json:"riscossioni,omitempty"`
}

// Attivazione reports whether p is an activation notification (no receipt
// yet).
func (p *Pagamento) Attivazione() bool { return isNull(p.RT) }

// DatiRT reads the common fields of the receipt p carries, in either shape
// (see [ricevute.ParseRT]). It fails for an activation.
func (p *Pagamento) DatiRT() (ricevute.DatiRT, error) { return ricevute.ParseRT(p.RT) }

// DatiRPT reads the common fields of the payment request p carries, in
// either shape (see [ricevute.ParseRPT]).
func (p *Pagamento) DatiRPT() (ricevute.DatiRPT, error) { return ricevute.ParseRPT(p.RPT) }

// Riscossione is an amount collected, as API Ente v1 reports it.
type Riscossione struct {
	IDDominio string `json:"idDominio,omitempty"`
	IUV       string `json:"iuv,omitempty"`
	// IUR is the payment's unique collection identifier (assigned by the PSP).
	IUR string `json:"iur,omitempty"`
	// Indice is the position of the payment in the receipt (from 1).
	Indice int `json:"indice,omitempty"`
	// Pendenza is GovPay's path of the pendenza (/pendenze/{idA2A}/{idPendenza}).
	Pendenza string `json:"pendenza,omitempty"`
	// IDVocePendenza is the voce paid.
	IDVocePendenza string `json:"idVocePendenza,omitempty"`
	// RPP is GovPay's path of the payment request (/rpp/{idDominio}/{iuv}/{ccp}).
	RPP     string                    `json:"rpp,omitempty"`
	Stato   ricevute.StatoRiscossione `json:"stato,omitempty"`
	Tipo    ricevute.TipoRiscossione  `json:"tipo,omitempty"`
	Importo govpay.Importo            `json:"importo"`
	// Data is the day of the collection.
	Data govpay.Date `json:"data,omitzero"`
	// Commissioni are the PSP's fees, when reported.
	Commissioni govpay.Importo `json:"commissioni,omitzero"`
	// Allegato is the receipt of a marca da bollo, or another attachment.
	Allegato *ricevute.AllegatoRiscossione `json:"allegato,omitempty"`
}

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}
