package notifica

import (
	"encoding/json"

	"github.com/govpaygo/govpay/pendenze"
)

// ErrFormato is matched (with errors.Is) by the errors of [LeggiRT] and
// [LeggiRPT] for JSON that is neither of the shapes they know. It is
// [pendenze.ErrFormato].
var ErrFormato = pendenze.ErrFormato

// FormatoRT is the shape of a pagoPA receipt.
type FormatoRT = pendenze.FormatoRT

// The receipt shapes GovPay converts to JSON.
const (
	// FormatoRT1 is the old Ricevuta Telematica (ctRicevutaTelematica,
	// "SANP 1": datiPagamento, codiceEsitoPagamento…).
	FormatoRT1 = pendenze.FormatoRT1
	// FormatoReceipt is the SANP 2 receipt (ctReceipt, paSendRT: receiptId,
	// outcome, paymentAmount…).
	FormatoReceipt = pendenze.FormatoReceipt
)

// DatiRT are the fields every pagoPA receipt has, whatever its shape.
type DatiRT = pendenze.DatiRT

// SingoloPagamento is one transfer of a receipt.
type SingoloPagamento = pendenze.SingoloPagamento

// FormatoRPT is the shape of a payment request as GovPay converts it to
// JSON.
type FormatoRPT = pendenze.FormatoRPT

// The request shapes.
const (
	// FormatoRPT1 is the old Richiesta di Pagamento Telematico
	// (ctRichiestaPagamentoTelematico: datiVersamento…).
	FormatoRPT1 = pendenze.FormatoRPT1
	// FormatoPaymentPA is the SANP 2 payment data (ctPaymentPA, as answered
	// to paGetPayment: creditorReferenceId, paymentAmount, transferList…).
	FormatoPaymentPA = pendenze.FormatoPaymentPA
)

// DatiRPT are the fields every payment request has, whatever its shape.
type DatiRPT = pendenze.DatiRPT

// LeggiRT reads the common fields of a pagoPA receipt as GovPay converts it
// to JSON (the rt of an API Ente v1 notification, rt.json of an API Ente
// v2 receipt), in either shape. Amounts are exact; an amount with more than
// two decimals is an error. It is [pendenze.LeggiRT].
func LeggiRT(raw json.RawMessage) (DatiRT, error) { return pendenze.LeggiRT(raw) }

// LeggiRPT reads the common fields of a payment request as GovPay converts
// it to JSON (the rpt of an API Ente v1 notification, rpt.json of an API
// Ente v2 receipt), in either shape. It is [pendenze.LeggiRPT].
func LeggiRPT(raw json.RawMessage) (DatiRPT, error) { return pendenze.LeggiRPT(raw) }

// rtIdentWire holds the receipt id of either receipt shape.
type rtIdentWire struct {
	ReceiptID     string `json:"receiptId"`
	DatiPagamento *struct {
		CCP string `json:"CodiceContestoPagamento"`
	} `json:"datiPagamento"`
}

// idRicevutaRT extracts only the receipt id of an rt (receiptId or
// CodiceContestoPagamento), without reading amounts: used for idempotency
// keys, it must not fail where the payload itself decoded.
func idRicevutaRT(raw json.RawMessage) string {
	var w rtIdentWire
	if json.Unmarshal(raw, &w) != nil {
		return ""
	}
	if w.ReceiptID != "" {
		return w.ReceiptID
	}
	if w.DatiPagamento != nil {
		return w.DatiPagamento.CCP
	}
	return ""
}

// ccpRPT extracts only the codiceContestoPagamento of an old-style rpt.
func ccpRPT(raw json.RawMessage) string {
	var w struct {
		DatiVersamento *struct {
			CCP string `json:"codiceContestoPagamento"`
		} `json:"datiVersamento"`
	}
	if json.Unmarshal(raw, &w) != nil || w.DatiVersamento == nil {
		return ""
	}
	return w.DatiVersamento.CCP
}
