package notifica

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/govpaygo/govpay"
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

// DatiRT reads the common fields of the receipt p carries. It fails for an
// activation.
func (p *Pagamento) DatiRT() (DatiRT, error) { return LeggiRT(p.RT) }

// DatiRPT reads the common fields of the payment request p carries.
func (p *Pagamento) DatiRPT() (DatiRPT, error) { return LeggiRPT(p.RPT) }

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
	Allegato *Allegato `json:"allegato,omitempty"`
}

// Allegato is a document attached to a collection, base64-encoded in Testo.
type Allegato struct {
	Tipo  TipoAllegato `json:"tipo,omitempty"`
	Testo string       `json:"testo,omitempty"`
}

// TipoAllegato is the kind of an [Allegato]. Values other than the
// constants are kept as received.
type TipoAllegato string

// The kinds of allegato GovPay 3.9 sends.
const (
	AllegatoEsitoPagamento TipoAllegato = "Esito pagamento"
	AllegatoMarcaDaBollo   TipoAllegato = "Marca da bollo"
)

// StatoRiscossione is the state of a collection. Values other than the
// constants are kept as received.
type StatoRiscossione string

// The states GovPay 3.9 sends.
const (
	RiscossioneRiscossa  StatoRiscossione = "RISCOSSA"  // collected, not yet reconciled
	RiscossioneIncassata StatoRiscossione = "INCASSATA" // reconciled with the treasury
)

// TipoRiscossione is the kind of a collection. Values other than the
// constants are kept as received.
type TipoRiscossione string

// The kinds GovPay 3.9 sends.
const (
	RiscossioneEntrata                  TipoRiscossione = "ENTRATA"                     // an entrata of the creditor
	RiscossioneMBT                      TipoRiscossione = "MBT"                         // a marca da bollo telematica
	RiscossioneAltroIntermediario       TipoRiscossione = "ALTRO_INTERMEDIARIO"         // an entrata of another intermediary
	RiscossioneEntrataPANonIntermediata TipoRiscossione = "ENTRATA_PA_NON_INTERMEDIATA" // an entrata of a creditor GovPay does not serve
)

// Ricevuta is an API Ente v2 notification: the receipt GovPay PUTs to
// /ricevute/{idDominio}/{iuv}/{idRicevuta}, plus the query values.
//
// json.Marshal of a Ricevuta is the body GovPay sent (the query values are
// not encoded).
type Ricevuta struct {
	// IDSession, IDSessionePortale and IDCarrello come from the query, when
	// GovPay knows them.
	IDSession         string `json:"-"`
	IDSessionePortale string `json:"-"`
	IDCarrello        string `json:"-"`

	// Dominio is the creditor.
	Dominio Dominio `json:"dominio"`
	IUV     string  `json:"iuv"`
	// IDRicevuta is pagoPA's receiptId, or the ccp of an old-style RT.
	IDRicevuta string `json:"idRicevuta"`
	// Importo is the amount of the payment transaction.
	Importo govpay.Importo `json:"importo"`
	Esito   Esito          `json:"esito,omitempty"`
	// Stato is the receipt's state in GovPay (RT_ACCETTATA_PA…), sent by
	// some versions although the published schema does not define it.
	Stato string `json:"stato,omitempty"`
	// IDPagamento is GovPay's id of the payment session, IDSessionePsp
	// pagoPA's.
	IDPagamento   string `json:"idPagamento,omitempty"`
	IDSessionePsp string `json:"idSessionePsp,omitempty"`
	// IstitutoAttestante is the PSP that handled the payment.
	IstitutoAttestante IstitutoAttestante `json:"istitutoAttestante,omitzero"`
	// Versante is who paid, when known.
	Versante govpay.Soggetto `json:"versante,omitzero"`
	// Pendenza is what was paid, with the collection of each voce.
	Pendenza PendenzaPagata `json:"pendenza,omitzero"`
	// Data is when GovPay acquired the receipt, DataPagamento when the
	// payment was made.
	Data          govpay.DateTime `json:"data,omitzero"`
	DataPagamento govpay.DateTime `json:"dataPagamento,omitzero"`
	// RPT and RT are the original pagoPA messages.
	RPT Messaggio `json:"rpt,omitzero"`
	RT  Messaggio `json:"rt,omitzero"`
	// Modello is the payment model.
	Modello ModelloPagamento `json:"modello,omitempty"`
}

// DatiRT reads the common fields of the receipt in r.RT.
func (r *Ricevuta) DatiRT() (DatiRT, error) { return LeggiRT(r.RT.JSON) }

// DatiRPT reads the common fields of the request in r.RPT.
func (r *Ricevuta) DatiRPT() (DatiRPT, error) { return LeggiRPT(r.RPT.JSON) }

// Dominio is a creditor (ente creditore).
type Dominio struct {
	// IDDominio is the creditor's codice fiscale (11 digits).
	IDDominio      string `json:"idDominio"`
	RagioneSociale string `json:"ragioneSociale,omitempty"`
}

// UnitaOperativa is an operating unit of a creditor.
type UnitaOperativa struct {
	IDUnita        string `json:"idUnita,omitempty"`
	RagioneSociale string `json:"ragioneSociale,omitempty"`
}

// IstitutoAttestante is the PSP that handled a payment and issued the
// receipt.
type IstitutoAttestante struct {
	// IDPSP is the PSP's pagoPA identifier, Denominazione its name.
	IDPSP         string `json:"idPSP,omitempty"`
	Denominazione string `json:"denominazione,omitempty"`
	// IDCanale and Descrizione describe the payment channel.
	IDCanale    string `json:"idCanale,omitempty"`
	Descrizione string `json:"descrizione,omitempty"`
}

// Messaggio is an original pagoPA message carried by a [Ricevuta]: its XML
// type, the XML in base64 and GovPay's JSON conversion.
type Messaggio struct {
	Tipo TipoMessaggio `json:"tipo,omitempty"`
	// XML is the original XML, base64-encoded as received; see
	// [Messaggio.DecodeXML].
	XML string `json:"xml,omitempty"`
	// JSON is GovPay's JSON conversion of the XML.
	JSON json.RawMessage `json:"json,omitempty"`
	// Data is the message's timestamp, when sent.
	Data govpay.DateTime `json:"data,omitzero"`
}

// DecodeXML returns the original XML message (XML decoded from base64).
func (m Messaggio) DecodeXML() ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.TrimSpace(m.XML))
}

// IsZero reports whether m is absent (null or empty in the notification).
func (m Messaggio) IsZero() bool {
	return m.Tipo == "" && m.XML == "" && isNull(m.JSON) && m.Data.IsZero()
}

// TipoMessaggio is the XML type of a pagoPA message. Values other than the
// constants are kept as received.
type TipoMessaggio string

// The message types GovPay 3.9 sends.
const (
	MessaggioRPT       TipoMessaggio = "ctRichiestaPagamentoTelematico" // old-style payment request
	MessaggioPaymentPA TipoMessaggio = "ctPaymentPA"                    // SANP 2 payment data
	MessaggioRT        TipoMessaggio = "ctRicevutaTelematica"           // old-style receipt
	MessaggioReceipt   TipoMessaggio = "ctReceipt"                      // SANP 2 receipt
)

// Esito is the outcome of a payment (GovPay's EsitoRpp). Values other than
// the constants are kept as received.
type Esito string

// The outcomes GovPay 3.9 knows.
const (
	EsitoInCorso            Esito = "IN_CORSO"
	EsitoRifiutato          Esito = "RIFIUTATO"
	EsitoEseguito           Esito = "ESEGUITO"
	EsitoNonEseguito        Esito = "NON_ESEGUITO"
	EsitoEseguitoParziale   Esito = "ESEGUITO_PARZIALE"
	EsitoDecorrenza         Esito = "DECORRENZA"
	EsitoDecorrenzaParziale Esito = "DECORRENZA_PARZIALE"
)

// Pagato reports whether e means that money was collected (fully or in
// part).
func (e Esito) Pagato() bool { return e == EsitoEseguito || e == EsitoEseguitoParziale }

// ModelloPagamento says who started a payment. Values other than the
// constants are kept as received.
type ModelloPagamento string

// The payment models GovPay 3.9 reports.
const (
	ModelloIniziativaEnte ModelloPagamento = "Pagamento ad iniziativa Ente" // started on the creditor's portal
	ModelloIniziativaPSP  ModelloPagamento = "Pagamento ad iniziativa PSP"  // started at a PSP with a notice
)

// PendenzaPagata is the pendenza a [Ricevuta] pays, with the collection of
// each voce (GovPay's PendenzaPagata).
type PendenzaPagata struct {
	IDA2A            string          `json:"idA2A,omitempty"`
	IDPendenza       string          `json:"idPendenza,omitempty"`
	IDTipoPendenza   string          `json:"idTipoPendenza,omitempty"`
	Dominio          Dominio         `json:"dominio,omitzero"`
	UnitaOperativa   UnitaOperativa  `json:"unitaOperativa,omitzero"`
	Causale          string          `json:"causale,omitempty"`
	SoggettoPagatore govpay.Soggetto `json:"soggettoPagatore,omitzero"`
	Importo          govpay.Importo  `json:"importo"`
	NumeroAvviso     string          `json:"numeroAvviso,omitempty"`
	DataValidita     govpay.Date     `json:"dataValidita,omitzero"`
	DataScadenza     govpay.Date     `json:"dataScadenza,omitzero"`
	AnnoRiferimento  int             `json:"annoRiferimento,omitempty"`
	// CartellaPagamento groups pendenze in a payment folder.
	CartellaPagamento string `json:"cartellaPagamento,omitempty"`
	// DatiAllegati is the vertical system's opaque data, as loaded.
	DatiAllegati json.RawMessage `json:"datiAllegati,omitempty"`
	Tassonomia   string          `json:"tassonomia,omitempty"`
	Direzione    string          `json:"direzione,omitempty"`
	Divisione    string          `json:"divisione,omitempty"`
	// Documento, Proprieta are kept as received (see package pendenze for
	// their shape).
	Documento json.RawMessage `json:"documento,omitempty"`
	Proprieta json.RawMessage `json:"proprieta,omitempty"`
	// UUID randomises static payment URLs.
	UUID string `json:"UUID,omitempty"`
	// Allegati are the pendenza's attachments; Contenuto is GovPay's path of
	// each file.
	Allegati []AllegatoPendenza `json:"allegati,omitempty"`
	Voci     []VocePagata       `json:"voci,omitempty"`
}

// AllegatoPendenza is a file attached to a pendenza, by reference.
type AllegatoPendenza struct {
	Nome        string `json:"nome,omitempty"`
	Tipo        string `json:"tipo,omitempty"`
	Descrizione string `json:"descrizione,omitempty"`
	// Contenuto is the path of the file in GovPay (/allegati/{id}).
	Contenuto string `json:"contenuto,omitempty"`
}

// VocePagata is a voce of a [PendenzaPagata] with its collection. The
// fields of its kind are flat, as on the wire: CodEntrata (an entrata
// configured in GovPay), IBANAccredito and CodiceTassonomicoPagoPA (an
// entrata paid to an IBAN), or TipoBollo, HashDocumento and
// ProvinciaResidenza (a marca da bollo).
type VocePagata struct {
	// Dominio is the beneficiary when it is not the pendenza's.
	Dominio               Dominio `json:"dominio,omitzero"`
	IDVocePendenza        string  `json:"idVocePendenza,omitempty"`
	Descrizione           string  `json:"descrizione,omitempty"`
	DescrizioneCausaleRPT string  `json:"descrizioneCausaleRPT,omitempty"`
	// Importo of the voce, when sent (the collected amount is
	// Riscossione.Importo).
	Importo      govpay.Importo  `json:"importo,omitzero"`
	DatiAllegati json.RawMessage `json:"datiAllegati,omitempty"`
	// Contabilita and Metadata are kept as received (see package pendenze
	// for their shape).
	Contabilita json.RawMessage `json:"contabilita,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`

	CodEntrata              string    `json:"codEntrata,omitempty"`
	IBANAccredito           string    `json:"ibanAccredito,omitempty"`
	IBANAppoggio            string    `json:"ibanAppoggio,omitempty"`
	CodiceTassonomicoPagoPA string    `json:"codiceTassonomicoPagoPA,omitempty"`
	TipoBollo               TipoBollo `json:"tipoBollo,omitempty"`
	HashDocumento           string    `json:"hashDocumento,omitempty"`
	ProvinciaResidenza      string    `json:"provinciaResidenza,omitempty"`

	// Riscossione is what was collected for this voce.
	Riscossione RiscossioneVoce `json:"riscossione,omitzero"`
}

// RiscossioneVoce is the collection of one voce in a [Ricevuta].
type RiscossioneVoce struct {
	IDDominio string           `json:"idDominio,omitempty"`
	IUV       string           `json:"iuv,omitempty"`
	IUR       string           `json:"iur,omitempty"`
	Indice    int              `json:"indice,omitempty"`
	Stato     StatoRiscossione `json:"stato,omitempty"`
	Tipo      TipoRiscossione  `json:"tipo,omitempty"`
	Importo   govpay.Importo   `json:"importo"`
	// Data is when the collection was executed (GovPay may send a plain
	// date).
	Data     govpay.DateTime `json:"data,omitzero"`
	Allegato *Allegato       `json:"allegato,omitempty"`
}

// TipoBollo is the kind of a marca da bollo. API Ente v2 writes the
// imposta di bollo as "01", API Ente v1 as "Imposta di bollo";
// [TipoBollo.ImpostaDiBollo] accepts both. Other values are kept as
// received.
type TipoBollo string

// The spellings of the imposta di bollo.
const (
	BolloImpostaDiBollo   TipoBollo = "01"               // API Ente v2, API Pendenze v2
	BolloImpostaDiBolloV1 TipoBollo = "Imposta di bollo" // API Ente v1, API Pagamento v2
)

// ImpostaDiBollo reports whether t is the imposta di bollo in either
// spelling.
func (t TipoBollo) ImpostaDiBollo() bool {
	return t == BolloImpostaDiBollo || t == BolloImpostaDiBolloV1
}

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}
