package ricevute

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/govpaygo/govpay"
)

// ErrFormato is matched (with errors.Is) by the errors of [ParseRT] and
// [ParseRPT] for JSON that is neither of the shapes they know.
var ErrFormato = errors.New("ricevute: unknown pagoPA message shape")

// FormatoRT is the shape of a pagoPA receipt (not to be confused with
// pendenze.Formato, the media type in which pendenze.Client.GetRT fetches one).
type FormatoRT string

// The receipt shapes GovPay converts to JSON.
const (
	// FormatoRT1 is the old Ricevuta Telematica (ctRicevutaTelematica,
	// "SANP 1": datiPagamento, codiceEsitoPagamento…).
	FormatoRT1 FormatoRT = "RT"
	// FormatoReceipt is the SANP 2 receipt (ctReceipt, paSendRT: receiptId,
	// outcome, paymentAmount…).
	FormatoReceipt FormatoRT = "receipt"
)

// DatiRT are the fields every pagoPA receipt has, whatever its shape.
type DatiRT struct {
	Formato FormatoRT
	// IDDominio is the creditor (fiscalCode, dominio.identificativoDominio).
	IDDominio string
	// IUV is creditorReferenceId or identificativoUnivocoVersamento.
	IUV string
	// IDRicevuta is receiptId, or the CodiceContestoPagamento of an old RT
	// (what API Ente v2 calls idRicevuta).
	IDRicevuta string
	// NumeroAvviso is noticeNumber (SANP 2 only), as the receipt carries
	// it: a receipt is read whatever its content, so it is not parsed here
	// (avvisi.ParseNumeroAvviso does).
	NumeroAvviso string
	// Esito is the outcome: outcome OK/KO, or codiceEsitoPagamento 0–4,
	// mapped to GovPay's values; an unknown code is kept as received.
	Esito Esito
	// ImportoPagato is paymentAmount or importoTotalePagato.
	ImportoPagato govpay.Importo
	// Commissioni is fee, or the sum of commissioniApplicatePSP.
	Commissioni govpay.Importo
	// DataPagamento is paymentDateTime; for an old RT the latest
	// dataEsitoSingoloPagamento (a day, at midnight Europe/Rome).
	DataPagamento govpay.DateTime
	// IDPSP and PSP identify the payment service provider (idPSP and
	// PSPCompanyName, or istitutoAttestante).
	IDPSP string
	PSP   string
	// IDCanale is idChannel (SANP 2 only).
	IDCanale string
	// StandIn reports a payment made while the creditor's station was down
	// (SANP 2 only).
	StandIn bool
	// Pagamenti are the single payments (transferList.transfer or
	// datiSingoloPagamento).
	Pagamenti []SingoloPagamento
}

// SingoloPagamento is one transfer of a receipt.
type SingoloPagamento struct {
	// Indice is idTransfer, or the position (from 1) in datiSingoloPagamento.
	Indice int
	// IDDominio is the beneficiary (fiscalCodePA); empty in an old RT.
	IDDominio string
	Importo   govpay.Importo
	// IUR is identificativoUnivocoRiscossione (old RT only).
	IUR string
	// IBAN credited (SANP 2 only).
	IBAN string
	// Causale is remittanceInformation or causaleVersamento.
	Causale string
	// DatiSpecificiRiscossione is transferCategory or
	// datiSpecificiRiscossione ("9/0101100IM/").
	DatiSpecificiRiscossione string
}

// rtWire holds the fields of both receipt shapes.
type rtWire struct {
	// SANP 2
	ReceiptID           string         `json:"receiptId"`
	NoticeNumber        string         `json:"noticeNumber"`
	FiscalCode          string         `json:"fiscalCode"`
	Outcome             string         `json:"outcome"`
	CreditorReferenceID string         `json:"creditorReferenceId"`
	PaymentAmount       govpay.Importo `json:"paymentAmount"`
	Fee                 govpay.Importo `json:"fee"`
	IDPSP               string         `json:"idPSP"`
	PSPCompanyName      string         `json:"PSPCompanyName"`
	IDChannel           string         `json:"idChannel"`
	PaymentDateTime     lenientTime    `json:"paymentDateTime"`
	StandIn             *bool          `json:"standIn"`
	TransferList        *struct {
		Transfer []struct {
			IDTransfer            int            `json:"idTransfer"`
			TransferAmount        govpay.Importo `json:"transferAmount"`
			FiscalCodePA          string         `json:"fiscalCodePA"`
			IBAN                  string         `json:"IBAN"`
			RemittanceInformation string         `json:"remittanceInformation"`
			TransferCategory      string         `json:"transferCategory"`
		} `json:"transfer"`
	} `json:"transferList"`

	// RT 6.x
	Dominio *struct {
		IdentificativoDominio string `json:"identificativoDominio"`
	} `json:"dominio"`
	IstitutoAttestante *struct {
		IdentificativoUnivocoAttestante *struct {
			CodiceIdentificativoUnivoco string `json:"codiceIdentificativoUnivoco"`
		} `json:"identificativoUnivocoAttestante"`
		DenominazioneAttestante string `json:"denominazioneAttestante"`
	} `json:"istitutoAttestante"`
	DatiPagamento *struct {
		CodiceEsitoPagamento            string         `json:"codiceEsitoPagamento"`
		ImportoTotalePagato             govpay.Importo `json:"importoTotalePagato"`
		IdentificativoUnivocoVersamento string         `json:"identificativoUnivocoVersamento"`
		CodiceContestoPagamento         string         `json:"CodiceContestoPagamento"`
		DatiSingoloPagamento            []struct {
			SingoloImportoPagato             govpay.Importo `json:"singoloImportoPagato"`
			DataEsitoSingoloPagamento        lenientTime    `json:"dataEsitoSingoloPagamento"`
			IdentificativoUnivocoRiscossione string         `json:"identificativoUnivocoRiscossione"`
			CausaleVersamento                string         `json:"causaleVersamento"`
			DatiSpecificiRiscossione         string         `json:"datiSpecificiRiscossione"`
			CommissioniApplicatePSP          govpay.Importo `json:"commissioniApplicatePSP"`
		} `json:"datiSingoloPagamento"`
	} `json:"datiPagamento"`
}

// codiciEsito maps codiceEsitoPagamento of an old RT to GovPay's outcomes.
var codiciEsito = map[string]Esito{
	"0": EsitoEseguito,
	"1": EsitoNonEseguito,
	"2": EsitoEseguitoParziale,
	"3": EsitoDecorrenza,
	"4": EsitoDecorrenzaParziale,
}

// ParseRT reads the common fields of a pagoPA receipt as GovPay converts it
// to JSON (the rt of an API Ente v1 notification, the rt.json of a
// [Ricevuta] from API Ente v2 or API Ragioneria v3), in either shape.
// Amounts are exact; an amount with more than two decimals is an error.
func ParseRT(raw json.RawMessage) (DatiRT, error) {
	if isNull(raw) {
		return DatiRT{}, fmt.Errorf("%w: no receipt (rt is null)", ErrFormato)
	}
	var w rtWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return DatiRT{}, fmt.Errorf("ricevute: reading the receipt: %w", err)
	}
	switch {
	case w.DatiPagamento != nil:
		dp := w.DatiPagamento
		d := DatiRT{
			Formato:       FormatoRT1,
			IUV:           dp.IdentificativoUnivocoVersamento,
			IDRicevuta:    dp.CodiceContestoPagamento,
			Esito:         esitoRT1(dp.CodiceEsitoPagamento),
			ImportoPagato: dp.ImportoTotalePagato,
		}
		if w.Dominio != nil {
			d.IDDominio = w.Dominio.IdentificativoDominio
		}
		if ia := w.IstitutoAttestante; ia != nil {
			d.PSP = ia.DenominazioneAttestante
			if ia.IdentificativoUnivocoAttestante != nil {
				d.IDPSP = ia.IdentificativoUnivocoAttestante.CodiceIdentificativoUnivoco
			}
		}
		var last govpay.DateTime
		for i, s := range dp.DatiSingoloPagamento {
			d.Commissioni += s.CommissioniApplicatePSP
			if t := s.DataEsitoSingoloPagamento.t; t.Time().After(last.Time()) {
				last = t
			}
			d.Pagamenti = append(d.Pagamenti, SingoloPagamento{
				Indice:                   i + 1,
				Importo:                  s.SingoloImportoPagato,
				IUR:                      s.IdentificativoUnivocoRiscossione,
				Causale:                  s.CausaleVersamento,
				DatiSpecificiRiscossione: s.DatiSpecificiRiscossione,
			})
		}
		d.DataPagamento = last
		return d, nil
	case w.ReceiptID != "" || w.Outcome != "" || w.CreditorReferenceID != "":
		d := DatiRT{
			Formato:       FormatoReceipt,
			IDDominio:     w.FiscalCode,
			IUV:           w.CreditorReferenceID,
			IDRicevuta:    w.ReceiptID,
			NumeroAvviso:  w.NoticeNumber,
			Esito:         esitoReceipt(w.Outcome),
			ImportoPagato: w.PaymentAmount,
			Commissioni:   w.Fee,
			DataPagamento: w.PaymentDateTime.t,
			IDPSP:         w.IDPSP,
			PSP:           w.PSPCompanyName,
			IDCanale:      w.IDChannel,
			StandIn:       w.StandIn != nil && *w.StandIn,
		}
		if w.TransferList != nil {
			for _, t := range w.TransferList.Transfer {
				d.Pagamenti = append(d.Pagamenti, SingoloPagamento{
					Indice:                   t.IDTransfer,
					IDDominio:                t.FiscalCodePA,
					Importo:                  t.TransferAmount,
					IBAN:                     t.IBAN,
					Causale:                  t.RemittanceInformation,
					DatiSpecificiRiscossione: t.TransferCategory,
				})
			}
		}
		return d, nil
	}
	return DatiRT{}, fmt.Errorf("%w: neither datiPagamento nor receiptId/outcome", ErrFormato)
}

func esitoRT1(code string) Esito {
	code = strings.TrimSpace(code)
	if e, ok := codiciEsito[code]; ok {
		return e
	}
	return Esito(code)
}

func esitoReceipt(outcome string) Esito {
	switch strings.ToUpper(strings.TrimSpace(outcome)) {
	case "OK":
		return EsitoEseguito
	case "KO":
		return EsitoNonEseguito
	}
	return Esito(outcome)
}

// FormatoRPT is the shape of a payment request as GovPay converts it to
// JSON.
type FormatoRPT string

// The request shapes.
const (
	// FormatoRPT1 is the old Richiesta di Pagamento Telematico
	// (ctRichiestaPagamentoTelematico: datiVersamento…).
	FormatoRPT1 FormatoRPT = "RPT"
	// FormatoPaymentPA is the SANP 2 payment data (ctPaymentPA, as answered
	// to paGetPayment: creditorReferenceId, paymentAmount, transferList…).
	FormatoPaymentPA FormatoRPT = "paymentPA"
)

// DatiRPT are the fields every payment request has, whatever its shape.
type DatiRPT struct {
	Formato FormatoRPT
	// IDDominio is the creditor (dominio.identificativoDominio, or the
	// fiscalCodePA of the first transfer).
	IDDominio string
	IUV       string
	// CCP is the codiceContestoPagamento (old RPT only).
	CCP string
	// Importo is importoTotaleDaVersare or paymentAmount.
	Importo govpay.Importo
	// DataScadenza is dueDate (SANP 2 only).
	DataScadenza govpay.Date
}

type rptWire struct {
	CreditorReferenceID string         `json:"creditorReferenceId"`
	PaymentAmount       govpay.Importo `json:"paymentAmount"`
	DueDate             lenientTime    `json:"dueDate"`
	TransferList        *struct {
		Transfer []struct {
			FiscalCodePA string `json:"fiscalCodePA"`
		} `json:"transfer"`
	} `json:"transferList"`

	Dominio *struct {
		IdentificativoDominio string `json:"identificativoDominio"`
	} `json:"dominio"`
	DatiVersamento *struct {
		ImportoTotaleDaVersare          govpay.Importo `json:"importoTotaleDaVersare"`
		IdentificativoUnivocoVersamento string         `json:"identificativoUnivocoVersamento"`
		CodiceContestoPagamento         string         `json:"codiceContestoPagamento"`
	} `json:"datiVersamento"`
}

// ParseRPT reads the common fields of a payment request as GovPay converts
// it to JSON (the rpt of an API Ente v1 notification, the rpt.json of a
// [Ricevuta] from API Ente v2 or API Ragioneria v3), in either shape.
func ParseRPT(raw json.RawMessage) (DatiRPT, error) {
	if isNull(raw) {
		return DatiRPT{}, fmt.Errorf("%w: no request (rpt is null)", ErrFormato)
	}
	var w rptWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return DatiRPT{}, fmt.Errorf("ricevute: reading the request: %w", err)
	}
	switch {
	case w.DatiVersamento != nil:
		d := DatiRPT{
			Formato: FormatoRPT1,
			IUV:     w.DatiVersamento.IdentificativoUnivocoVersamento,
			CCP:     w.DatiVersamento.CodiceContestoPagamento,
			Importo: w.DatiVersamento.ImportoTotaleDaVersare,
		}
		if w.Dominio != nil {
			d.IDDominio = w.Dominio.IdentificativoDominio
		}
		return d, nil
	case w.CreditorReferenceID != "" || w.TransferList != nil:
		d := DatiRPT{
			Formato:      FormatoPaymentPA,
			IUV:          w.CreditorReferenceID,
			Importo:      w.PaymentAmount,
			DataScadenza: w.DueDate.t.Date(),
		}
		if w.TransferList != nil && len(w.TransferList.Transfer) > 0 {
			d.IDDominio = w.TransferList.Transfer[0].FiscalCodePA
		}
		return d, nil
	}
	return DatiRPT{}, fmt.Errorf("%w: neither datiVersamento nor creditorReferenceId", ErrFormato)
}

// lenientTime decodes any timestamp or date GovPay's parsers accept, and
// leaves the zero value for anything else (including an offset-only form
// such as "2022-04-27+02:00", read as its day): the helpers read receipts
// for information, a strange date must not hide the amounts.
type lenientTime struct{ t govpay.DateTime }

func (l *lenientTime) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil || s == "" {
		return nil
	}
	if t, err := govpay.ParseDateTime(s); err == nil {
		l.t = t
		return nil
	}
	if len(s) > 10 {
		if d, err := govpay.ParseDate(s[:10]); err == nil {
			l.t = govpay.NewDateTime(d.Time(govpay.Rome()))
		}
	}
	return nil
}
