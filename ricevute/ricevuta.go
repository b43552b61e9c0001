package ricevute

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/govpaygo/govpay"
)

// Ricevuta is a pagoPA payment receipt as GovPay describes it: the receipt
// of a pendenza, with the pendenza it paid and what was collected for each
// voce. GovPay's schema Ricevuta is the same in API Ente v2 (the receipt
// GovPay PUTs to /ricevute/{idDominio}/{iuv}/{idRicevuta}, which
// notifica.Receiver.Ricevuta receives) and in API Ragioneria v3 (GET
// /ricevute, read by [Client]): this one type serves both.
//
// json.Marshal of a Ricevuta is the body GovPay sent (the query values of a
// notification travel outside the body and are not encoded), except that it
// writes Data and DataPagamento in Europe/Rome, where an API Ente v2
// notification has them in UTC (see [Ricevuta.UnmarshalEnteV2], which
// package notifica uses to decode them). Decoding is
// lenient: null stands for an absent value, timestamps are read in every
// form GovPay writes (plain dates in date-time fields, offsets without a
// colon), enumerations keep values this SDK does not know, and fields GovPay
// adds later are ignored. The list of API Ragioneria v3 fills only Dominio,
// IUV, IDRicevuta, Esito and Data; the detail and the notification fill the
// rest.
type Ricevuta struct {
	// IDSession, IDSessionePortale and IDCarrello come from the query of an
	// API Ente v2 notification, when GovPay knows them (payments started
	// through API Pagamento); package notifica sets them. They are empty in
	// a receipt read from API Ragioneria.
	IDSession         string `json:"-"`
	IDSessionePortale string `json:"-"`
	IDCarrello        string `json:"-"`

	// Dominio is the creditor.
	Dominio Dominio `json:"dominio"`
	// IUV is the Identificativo Univoco di Versamento the receipt pays.
	IUV string `json:"iuv"`
	// IDRicevuta is pagoPA's receiptId, or the ccp of an old-style RT.
	IDRicevuta string `json:"idRicevuta"`
	// Importo is the amount of the payment transaction.
	Importo govpay.Importo `json:"importo"`
	// Esito is the outcome; a receipt that proves a payment says
	// [EsitoEseguito] (see [Ricevuta.Paid] and [Esito.Paid]).
	Esito Esito `json:"esito,omitempty"`
	// Stato is the receipt's state in GovPay (RT_ACCETTATA_PA…), sent by
	// some versions although the published schema does not define it.
	Stato string `json:"stato,omitempty"`
	// IDPagamento is GovPay's id of the payment session, when the payment
	// was started through GovPay; IDSessionePSP is pagoPA's.
	IDPagamento   string `json:"idPagamento,omitempty"`
	IDSessionePSP string `json:"idSessionePsp,omitempty"`
	// IstitutoAttestante is the PSP that handled the payment and issued the
	// receipt.
	IstitutoAttestante IstitutoAttestante `json:"istitutoAttestante,omitzero"`
	// Versante is who paid, when known ("ANONIMO" when not).
	Versante govpay.Soggetto `json:"versante,omitzero"`
	// Pendenza is what was paid, with the collection of each voce.
	Pendenza PendenzaPagata `json:"pendenza,omitzero"`
	// Data is when GovPay acquired the receipt, DataPagamento when the
	// payment was made.
	Data          govpay.DateTime `json:"data,omitzero"`
	DataPagamento govpay.DateTime `json:"dataPagamento,omitzero"`
	// RPT and RT are the original pagoPA messages: the payment request and
	// the receipt, each as XML and as GovPay's JSON conversion. Read their
	// common fields with [Ricevuta.DatiRPT] and [Ricevuta.DatiRT].
	RPT Messaggio `json:"rpt,omitzero"`
	RT  Messaggio `json:"rt,omitzero"`
	// Modello says who started the payment.
	Modello ModelloPagamento `json:"modello,omitempty"`
}

// Paid reports whether r proves a full payment (Esito is [EsitoEseguito]).
// A nil receipt proves nothing. Unlike [Esito.Paid], a partial payment
// (ESEGUITO_PARZIALE) is not enough.
func (r *Ricevuta) Paid() bool { return r != nil && r.Esito == EsitoEseguito }

// DatiRT reads the common fields of the receipt in r.RT (see [ParseRT]).
func (r *Ricevuta) DatiRT() (DatiRT, error) { return ParseRT(r.RT.JSON) }

// DatiRPT reads the common fields of the request in r.RPT (see [ParseRPT]).
func (r *Ricevuta) DatiRPT() (DatiRPT, error) { return ParseRPT(r.RPT.JSON) }

// Key returns the idempotency key of the receipt:
//
//	ricevuta/{idDominio}/{iuv}/{idRicevuta}
//
// with each segment path-escaped, so that the key is unambiguous. It is the
// key under which package notifica deduplicates API Ente v2 receipts
// (notifica.KindRicevuta is its first segment).
func (r *Ricevuta) Key() string {
	const kind = "ricevuta"
	idDominio, iuv, id := url.PathEscape(r.Dominio.IDDominio), url.PathEscape(r.IUV), url.PathEscape(r.IDRicevuta)
	var b strings.Builder
	b.Grow(len(kind) + len(idDominio) + len(iuv) + len(id) + 3)
	b.WriteString(kind)
	b.WriteByte('/')
	b.WriteString(idDominio)
	b.WriteByte('/')
	b.WriteString(iuv)
	b.WriteByte('/')
	b.WriteString(id)
	return b.String()
}

// UnmarshalEnteV2 decodes b, the body of an API Ente v2 notification (the
// receipt GovPay PUTs to /ricevute/{idDominio}/{iuv}/{idRicevuta}), into
// r. It is json.Unmarshal except for the receipt's two timestamps, Data
// and DataPagamento: GovPay 3.9.1 writes them in UTC without an offset
// ("2024-05-17T07:30:00" for 09:30 in Rome), not in Europe/Rome as its
// other APIs do, so a value of data or dataPagamento without an offset is
// read in UTC; a value with an offset (or a plain date) is read as
// [govpay.ParseDateTime] reads it.
//
// Why UTC: the API Ente v2 bean it.govpay.ec.v2.beans.Ricevuta
// (jars/client-api-ente, Ricevuta.java:291 and :310) annotates both
// java.util.Date getters with @JsonFormat(pattern="yyyy-MM-dd'T'HH:mm:ss")
// and no timezone; NotificaClient.java:291 serialises it with
// ConverterUtils.toJSON, whose ObjectMapper (ConverterUtils.java:54-59)
// never calls setTimeZone. Jackson then formats such a Date in the
// mapper's time zone, UTC by default, whatever the JVM's default zone or
// the mapper's DateFormat. API Ragioneria v3, served through
// JacksonJsonProviderCustomized with the JVM's zone, writes local time:
// decode its receipts with json.Unmarshal.
func (r *Ricevuta) UnmarshalEnteV2(b []byte) error {
	// One pass: the outer fields shadow the embedded ones of the same JSON
	// name, so only data and dataPagamento take the UTC reading.
	w := struct {
		*ricevutaFields
		Data          enteV2DateTime `json:"data"`
		DataPagamento enteV2DateTime `json:"dataPagamento"`
	}{ricevutaFields: (*ricevutaFields)(r), Data: enteV2DateTime(r.Data), DataPagamento: enteV2DateTime(r.DataPagamento)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	r.Data, r.DataPagamento = govpay.DateTime(w.Data), govpay.DateTime(w.DataPagamento)
	return nil
}

// ricevutaFields is Ricevuta without its methods, for embedding.
type ricevutaFields Ricevuta

// enteV2DateTime decodes a timestamp of an API Ente v2 receipt: UTC when
// it has a time of day and no offset, else as govpay.DateTime does.
type enteV2DateTime govpay.DateTime

// UnmarshalJSON implements json.Unmarshaler.
func (d *enteV2DateTime) UnmarshalJSON(b []byte) error {
	var s string
	if !isNull(b) && json.Unmarshal(b, &s) == nil {
		t, ok, err := parseUTCWallClock(s)
		if err != nil {
			return err
		}
		if ok {
			*d = enteV2DateTime(govpay.NewDateTime(t))
			return nil
		}
	}
	return (*govpay.DateTime)(d).UnmarshalJSON(b)
}

// wallClockLayouts are the timestamp forms without an offset and with a
// time of day.
var wallClockLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
}

// parseUTCWallClock reads s in UTC when it is a timestamp with a time of
// day and no offset (ok true); other forms are left to govpay.DateTime.
func parseUTCWallClock(s string) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	for _, layout := range wallClockLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			if y := t.In(govpay.Rome()).Year(); y < 0 || y > 9999 {
				return time.Time{}, false, fmt.Errorf("%w %q: year out of range 0000–9999 in Europe/Rome", govpay.ErrDate, s)
			}
			return t, true, nil
		}
	}
	return time.Time{}, false, nil
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

// Messaggio is an original pagoPA message carried by a [Ricevuta] (its rpt
// and rt): its XML type, the XML in base64 and GovPay's JSON conversion.
type Messaggio struct {
	// Tipo is the XML type of the message.
	Tipo TipoMessaggio `json:"tipo,omitempty"`
	// XML is the original XML, base64-encoded as received; see
	// [Messaggio.DecodeXML].
	XML string `json:"xml,omitempty"`
	// JSON is GovPay's JSON conversion of the XML, kept verbatim.
	JSON json.RawMessage `json:"json,omitempty"`
	// Data is the message's timestamp, when sent.
	Data govpay.DateTime `json:"data,omitzero"`
}

// DecodeXML returns the original XML message (XML decoded from base64).
func (m Messaggio) DecodeXML() ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.TrimSpace(m.XML))
}

// IsZero reports whether m is absent (null or empty in the receipt).
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

// Esito is the outcome of a payment attempt as a receipt records it
// (GovPay's EsitoRpp). Values other than the constants are kept as
// received.
type Esito string

// The outcomes GovPay 3.9 knows.
const (
	// EsitoInCorso: the attempt has not finished.
	EsitoInCorso Esito = "IN_CORSO"
	// EsitoRifiutato: pagoPA refused the request.
	EsitoRifiutato Esito = "RIFIUTATO"
	// EsitoEseguito: the notice was paid (every receipt of the pagoPA
	// "modello unico" has this outcome).
	EsitoEseguito Esito = "ESEGUITO"
	// EsitoNonEseguito: the payment attempt failed (legacy negative RT).
	EsitoNonEseguito Esito = "NON_ESEGUITO"
	// EsitoEseguitoParziale: only part of the amount was paid (legacy RT).
	EsitoEseguitoParziale Esito = "ESEGUITO_PARZIALE"
	// EsitoDecorrenza: the attempt expired (legacy RT).
	EsitoDecorrenza Esito = "DECORRENZA"
	// EsitoDecorrenzaParziale: the attempt expired after a partial payment
	// (legacy RT).
	EsitoDecorrenzaParziale Esito = "DECORRENZA_PARZIALE"
)

// Paid reports whether e means that money was collected, fully or in part
// (ESEGUITO or ESEGUITO_PARZIALE). [Ricevuta.Paid] asks for a full payment.
func (e Esito) Paid() bool { return e == EsitoEseguito || e == EsitoEseguitoParziale }

// ModelloPagamento says who started a payment. Values other than the
// constants are kept as received.
type ModelloPagamento string

// The payment models GovPay 3.9 reports.
const (
	ModelloIniziativaEnte ModelloPagamento = "Pagamento ad iniziativa Ente" // started on the creditor's portal
	ModelloIniziativaPSP  ModelloPagamento = "Pagamento ad iniziativa PSP"  // started at a PSP with a notice
)

// PendenzaPagata is the pendenza a [Ricevuta] pays, with the collection of
// each voce (GovPay's PendenzaPagata). Documento and Proprieta are kept as
// received: see pendenze.Documento and pendenze.Proprieta for their shape.
type PendenzaPagata struct {
	// IDA2A and IDPendenza are the vertical system's ids of the pendenza,
	// IDTipoPendenza its type.
	IDA2A          string `json:"idA2A,omitempty"`
	IDPendenza     string `json:"idPendenza,omitempty"`
	IDTipoPendenza string `json:"idTipoPendenza,omitempty"`
	// Dominio is the creditor, UnitaOperativa its office.
	Dominio        Dominio        `json:"dominio,omitzero"`
	UnitaOperativa UnitaOperativa `json:"unitaOperativa,omitzero"`
	// Causale describes the pendenza.
	Causale string `json:"causale,omitempty"`
	// SoggettoPagatore is the debtor.
	SoggettoPagatore govpay.Soggetto `json:"soggettoPagatore,omitzero"`
	// Importo is the amount of the pendenza.
	Importo govpay.Importo `json:"importo"`
	// NumeroAvviso is the payment notice number, as GovPay sends it.
	// It stays a string, not an avvisi.NumeroAvviso: GovPay 3.9.1 accepts a
	// proposed numeric IUV whose check digits are wrong after only logging a
	// warning (Iuv.java:111-114) and returns its number as is, which must not
	// make the whole answer unreadable. Parse it with avvisi.ParseNumeroAvviso.
	NumeroAvviso string `json:"numeroAvviso,omitempty"`
	// DataValidita and DataScadenza are the days until which the amount
	// holds and after which the pendenza cannot be paid.
	DataValidita govpay.Date `json:"dataValidita,omitzero"`
	DataScadenza govpay.Date `json:"dataScadenza,omitzero"`
	// AnnoRiferimento is the year the pendenza refers to.
	AnnoRiferimento int `json:"annoRiferimento,omitempty"`
	// CartellaPagamento groups pendenze in a payment folder.
	CartellaPagamento string `json:"cartellaPagamento,omitempty"`
	// DatiAllegati is the vertical system's opaque data, as loaded.
	DatiAllegati json.RawMessage `json:"datiAllegati,omitempty"`
	// Tassonomia, Direzione and Divisione are the creditor's own
	// categories.
	Tassonomia string `json:"tassonomia,omitempty"`
	Direzione  string `json:"direzione,omitempty"`
	Divisione  string `json:"divisione,omitempty"`
	// Documento and Proprieta are kept as received.
	Documento json.RawMessage `json:"documento,omitempty"`
	Proprieta json.RawMessage `json:"proprieta,omitempty"`
	// UUID randomises static payment URLs.
	UUID string `json:"UUID,omitempty"`
	// Allegati are the pendenza's attachments; Contenuto is GovPay's path of
	// each file.
	Allegati []AllegatoPendenza `json:"allegati,omitempty"`
	// Voci are the items of the pendenza with what was collected for each.
	Voci []VocePagata `json:"voci,omitempty"`
}

// VocePagata is a voce of a [PendenzaPagata] with its collection. The
// fields of its kind are flat, as on the wire: CodEntrata (an entrata
// configured in GovPay), IBANAccredito and CodiceTassonomicoPagoPA (an
// entrata paid to an IBAN), or TipoBollo, HashDocumento and
// ProvinciaResidenza (a marca da bollo).
type VocePagata struct {
	// Dominio is the beneficiary when it is not the pendenza's.
	Dominio Dominio `json:"dominio,omitzero"`
	// IDVocePendenza identifies the voce in the pendenza.
	IDVocePendenza string `json:"idVocePendenza,omitempty"`
	// Descrizione describes the voce, DescrizioneCausaleRPT is its text in
	// the payment request.
	Descrizione           string `json:"descrizione,omitempty"`
	DescrizioneCausaleRPT string `json:"descrizioneCausaleRPT,omitempty"`
	// Importo of the voce, when sent (the collected amount is
	// Riscossione.Importo).
	Importo govpay.Importo `json:"importo,omitzero"`
	// DatiAllegati is the vertical system's opaque data, as loaded.
	DatiAllegati json.RawMessage `json:"datiAllegati,omitempty"`
	// Contabilita and Metadata are kept as received (see
	// pendenze.Contabilita and pendenze.Voce for their shape).
	Contabilita json.RawMessage `json:"contabilita,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`

	// CodEntrata is an entrata configured in GovPay.
	CodEntrata string `json:"codEntrata,omitempty"`
	// IBANAccredito and IBANAppoggio are the accounts credited,
	// CodiceTassonomicoPagoPA the pagoPA category (9/0101100IM/).
	IBANAccredito           string `json:"ibanAccredito,omitempty"`
	IBANAppoggio            string `json:"ibanAppoggio,omitempty"`
	CodiceTassonomicoPagoPA string `json:"codiceTassonomicoPagoPA,omitempty"`
	// TipoBollo, HashDocumento and ProvinciaResidenza describe a marca da
	// bollo.
	TipoBollo          TipoBollo `json:"tipoBollo,omitempty"`
	HashDocumento      string    `json:"hashDocumento,omitempty"`
	ProvinciaResidenza string    `json:"provinciaResidenza,omitempty"`

	// Riscossione is what was collected for this voce.
	Riscossione RiscossioneVoce `json:"riscossione,omitzero"`
}

// RiscossioneVoce is what pagoPA collected for one voce of a [Ricevuta].
type RiscossioneVoce struct {
	// IDDominio is the creditor that collected, IUV the notice's
	// Identificativo Univoco di Versamento.
	IDDominio string `json:"idDominio,omitempty"`
	IUV       string `json:"iuv,omitempty"`
	// IUR is the payment's unique collection identifier (assigned by the
	// PSP).
	IUR string `json:"iur,omitempty"`
	// Indice is the position of the voce in the payment (from 1).
	Indice int `json:"indice,omitempty"`
	// Stato is GovPay's state of the collection; GovPay sends it although
	// the published schema does not declare it.
	Stato StatoRiscossione `json:"stato,omitempty"`
	// Tipo is the kind of the collection.
	Tipo TipoRiscossione `json:"tipo,omitempty"`
	// Importo is the amount collected.
	Importo govpay.Importo `json:"importo"`
	// Data is when the collection was executed (GovPay may send a plain
	// date). In an API Ente v2 notification GovPay formats this day in
	// UTC, as it does the receipt's timestamps (Riscossione.java:241,
	// RiscossioneVocePagata.java:195: a pattern without a zone, Jackson's
	// default UTC): for a payment made between midnight and 01:00 (02:00
	// in summer) Rome time it is the previous Rome day. Only the day is
	// sent, so the SDK cannot correct it; the receipt's DataPagamento is
	// exact. API Ragioneria v3 writes the Rome day.
	Data govpay.DateTime `json:"data,omitzero"`
	// Allegato is the receipt of a marca da bollo, or another attachment.
	Allegato *AllegatoRiscossione `json:"allegato,omitempty"`
}

// AllegatoRiscossione is a document attached to a collection (GovPay's
// Allegato), base64-encoded in Testo.
type AllegatoRiscossione struct {
	// Tipo is the kind of document.
	Tipo TipoAllegato `json:"tipo,omitempty"`
	// Testo is the document, base64-encoded.
	Testo string `json:"testo,omitempty"`
}

// TipoAllegato is the kind of an [AllegatoRiscossione]. Values other than
// the constants are kept as received.
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

// Dominio is a creditor (ente creditore), as every API of GovPay describes
// it: API Pendenze v2 and the receipts (API Ente v2, API Ragioneria v3)
// send its fiscal code and name only; API Pagamento v2 adds its address,
// contacts, GLN, CBILL, logo and the links to its offices and tipi
// pendenza (pagamento v2 Dominio.java, GovPay 3.9.1). One type holds the
// union: the fields an API does not send stay empty.
type Dominio struct {
	// IDDominio is the creditor's fiscal code (11 digits).
	IDDominio string `json:"idDominio"`
	// RagioneSociale is the creditor's name.
	RagioneSociale string `json:"ragioneSociale,omitempty"`
	// Indirizzo, Civico, CAP, Localita, Provincia and Nazione are the
	// creditor's address (API Pagamento v2 only).
	Indirizzo string `json:"indirizzo,omitempty"`
	Civico    string `json:"civico,omitempty"`
	CAP       string `json:"cap,omitempty"`
	Localita  string `json:"localita,omitempty"`
	Provincia string `json:"provincia,omitempty"`
	Nazione   string `json:"nazione,omitempty"`
	// Email, PEC, Tel, Fax and Web are its contacts (API Pagamento v2 only).
	Email string `json:"email,omitempty"`
	PEC   string `json:"pec,omitempty"`
	Tel   string `json:"tel,omitempty"`
	Fax   string `json:"fax,omitempty"`
	Web   string `json:"web,omitempty"`
	// GLN and CBILL are the creditor's Global Location Number and CBILL
	// code; Logo its logo (API Pagamento v2 only).
	GLN   string `json:"gln,omitempty"`
	CBILL string `json:"cbill,omitempty"`
	Logo  string `json:"logo,omitempty"`
	// UnitaOperative and TipiPendenza link the creditor's offices and tipi
	// pendenza (API Pagamento v2 only).
	UnitaOperative string `json:"unitaOperative,omitempty"`
	TipiPendenza   string `json:"tipiPendenza,omitempty"`
}

// UnitaOperativa is an operating unit (office) of a creditor. API
// Pendenze v2 and the receipts name its id idUnita (pendenze v2
// UnitaOperativa.java:45), API Pagamento v2 idUnitaOperativa (pagamento v2
// UnitaOperativa.java:46); the other fields are the same. One type holds
// both ids: the one the API does not send stays empty.
type UnitaOperativa struct {
	// IDUnita identifies the office within the creditor (API Pendenze v2,
	// receipts); RagioneSociale names it.
	IDUnita string `json:"idUnita,omitempty"`
	// IDUnitaOperativa is the same id as API Pagamento v2 spells it.
	IDUnitaOperativa string `json:"idUnitaOperativa,omitempty"`
	RagioneSociale   string `json:"ragioneSociale,omitempty"`
	// Indirizzo, Civico, CAP, Localita, Provincia and Nazione are the
	// office's address.
	Indirizzo string `json:"indirizzo,omitempty"`
	Civico    string `json:"civico,omitempty"`
	CAP       string `json:"cap,omitempty"`
	Localita  string `json:"localita,omitempty"`
	Provincia string `json:"provincia,omitempty"`
	Nazione   string `json:"nazione,omitempty"`
	// Email, PEC, Tel, Fax and Web are its contacts.
	Email string `json:"email,omitempty"`
	PEC   string `json:"pec,omitempty"`
	Tel   string `json:"tel,omitempty"`
	Fax   string `json:"fax,omitempty"`
	Web   string `json:"web,omitempty"`
	// Area is the office's area of competence.
	Area string `json:"area,omitempty"`
}

// AllegatoPendenza is an attachment of a pendenza as GovPay returns it
// (GovPay's AllegatoPendenza, in a receipt's pendenza and in a pendenza read
// from API Pendenze v2): Contenuto is the path of its content
// (/allegati/{id}), not the content.
type AllegatoPendenza struct {
	// Nome is the file name, Tipo its media type.
	Nome string `json:"nome"`
	Tipo string `json:"tipo,omitempty"`
	// Descrizione describes the attachment.
	Descrizione string `json:"descrizione,omitempty"`
	// Contenuto is GovPay's path of the content.
	Contenuto string `json:"contenuto"`
}

// TipoBollo is the kind of a marca da bollo (GovPay's TipoBollo), in a voce
// of a pendenza (pendenze.Bollo) and in a voce of a receipt
// ([VocePagata]). Values other than the constants are kept as received.
type TipoBollo string

// BolloImpostaDiBollo is the imposta di bollo as API Pendenze v2, API Ente
// v2 and API Ragioneria v3 write it ("01").
const BolloImpostaDiBollo TipoBollo = "01"

// BolloImpostaDiBolloV1 is the imposta di bollo as API Ente v1 and API
// Pagamento v2 write it; API Pendenze v2, API Ente v2 and API Ragioneria v3
// write [BolloImpostaDiBollo] ("01").
const BolloImpostaDiBolloV1 TipoBollo = "Imposta di bollo"

// ImpostaDiBollo reports whether t is the imposta di bollo in either
// spelling ([BolloImpostaDiBollo] or [BolloImpostaDiBolloV1]).
func (t TipoBollo) ImpostaDiBollo() bool {
	return t == BolloImpostaDiBollo || t == BolloImpostaDiBolloV1
}

// isNull reports whether raw is absent or JSON null.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}
