package notifica

import (
	"bytes"
	"encoding/json"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pendenze"
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
// (see [pendenze.LeggiRT]). It fails for an activation.
func (p *Pagamento) DatiRT() (pendenze.DatiRT, error) { return pendenze.LeggiRT(p.RT) }

// DatiRPT reads the common fields of the payment request p carries, in
// either shape (see [pendenze.LeggiRPT]).
func (p *Pagamento) DatiRPT() (pendenze.DatiRPT, error) { return pendenze.LeggiRPT(p.RPT) }

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
	RPP     string           `json:"rpp,omitempty"`
	Stato   StatoRiscossione `json:"stato,omitempty"`
	Tipo    TipoRiscossione  `json:"tipo,omitempty"`
	Importo govpay.Importo   `json:"importo"`
	// Data is the day of the collection.
	Data govpay.Date `json:"data,omitzero"`
	// Commissioni are the PSP's fees, when reported.
	Commissioni govpay.Importo `json:"commissioni,omitzero"`
	// Allegato is the receipt of a marca da bollo, or another attachment.
	Allegato *pendenze.AllegatoRiscossione `json:"allegato,omitempty"`
}

// StatoRiscossione is the state of a collection. Values other than the
// constants are kept as received.
type StatoRiscossione = pendenze.StatoRiscossione

// The states GovPay 3.9 sends.
const (
	RiscossioneRiscossa  = pendenze.RiscossioneRiscossa  // collected, not yet reconciled
	RiscossioneIncassata = pendenze.RiscossioneIncassata // reconciled with the treasury
)

// TipoRiscossione is the kind of a collection. Values other than the
// constants are kept as received.
type TipoRiscossione = pendenze.TipoRiscossione

// The kinds GovPay 3.9 sends.
const (
	RiscossioneEntrata                  = pendenze.RiscossioneEntrata                  // an entrata of the creditor
	RiscossioneMBT                      = pendenze.RiscossioneMBT                      // a marca da bollo telematica
	RiscossioneAltroIntermediario       = pendenze.RiscossioneAltroIntermediario       // an entrata of another intermediary
	RiscossioneEntrataPANonIntermediata = pendenze.RiscossioneEntrataPANonIntermediata // an entrata of a creditor GovPay does not serve
)

// Ricevuta is an API Ente v2 notification: the receipt GovPay PUTs to
// /ricevute/{idDominio}/{iuv}/{idRicevuta}, plus the query values
// (IDSession, IDSessionePortale, IDCarrello), which the handler sets.
//
// GovPay's schema Ricevuta is the same in API Ente v2 and API Ragioneria
// v3: the type is [pendenze.Ricevuta], which pagamenti.Ricevuta names too.
// json.Marshal of a Ricevuta is the body GovPay sent (the query values are
// not encoded). Its idempotency key is [pendenze.Ricevuta.Chiave].
type Ricevuta = pendenze.Ricevuta

// Dominio is a creditor (ente creditore).
type Dominio = pendenze.Dominio

// IstitutoAttestante is the PSP that handled a payment and issued the
// receipt.
type IstitutoAttestante = pendenze.IstitutoAttestante

// Messaggio is an original pagoPA message carried by a [Ricevuta]: its XML
// type, the XML in base64 and GovPay's JSON conversion.
type Messaggio = pendenze.Messaggio

// TipoMessaggio is the XML type of a pagoPA message. Values other than the
// constants are kept as received.
type TipoMessaggio = pendenze.TipoMessaggio

// The message types GovPay 3.9 sends.
const (
	MessaggioRPT       = pendenze.MessaggioRPT       // old-style payment request
	MessaggioPaymentPA = pendenze.MessaggioPaymentPA // SANP 2 payment data
	MessaggioRT        = pendenze.MessaggioRT        // old-style receipt
	MessaggioReceipt   = pendenze.MessaggioReceipt   // SANP 2 receipt
)

// Esito is the outcome of a payment (GovPay's EsitoRpp). Values other than
// the constants are kept as received; [pendenze.Esito.Pagato] tells whether
// money was collected.
type Esito = pendenze.Esito

// The outcomes GovPay 3.9 knows.
const (
	EsitoInCorso            = pendenze.EsitoInCorso
	EsitoRifiutato          = pendenze.EsitoRifiutato
	EsitoEseguito           = pendenze.EsitoEseguito
	EsitoNonEseguito        = pendenze.EsitoNonEseguito
	EsitoEseguitoParziale   = pendenze.EsitoEseguitoParziale
	EsitoDecorrenza         = pendenze.EsitoDecorrenza
	EsitoDecorrenzaParziale = pendenze.EsitoDecorrenzaParziale
)

// ModelloPagamento says who started a payment. Values other than the
// constants are kept as received.
type ModelloPagamento = pendenze.ModelloPagamento

// The payment models GovPay 3.9 reports.
const (
	ModelloIniziativaEnte = pendenze.ModelloIniziativaEnte // started on the creditor's portal
	ModelloIniziativaPSP  = pendenze.ModelloIniziativaPSP  // started at a PSP with a notice
)

// PendenzaPagata is the pendenza a [Ricevuta] pays, with the collection of
// each voce (GovPay's PendenzaPagata).
type PendenzaPagata = pendenze.PendenzaPagata

// VocePagata is a voce of a [PendenzaPagata] with its collection, the
// fields of its kind flat as on the wire.
type VocePagata = pendenze.VocePagata

// RiscossioneVoce is the collection of one voce in a [Ricevuta].
type RiscossioneVoce = pendenze.RiscossioneVoce

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}
