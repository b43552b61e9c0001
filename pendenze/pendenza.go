package pendenze

import (
	"encoding/json"
	"fmt"

	"github.com/govpaygo/govpay"
)

// Pendenza is a debt as a vertical system loads it into GovPay: the body of
// PUT /pendenze/{idA2A}/{idPendenza} (GovPay's NuovaPendenza).
//
// json.Marshal of a Pendenza is exactly the body Put sends (the ids idA2A and
// idPendenza travel in the path, never in the body), and json.Unmarshal of
// such a body (a fixture, an export) fills it. Optional fields left at their
// zero value are omitted. Amounts are exact (govpay.Importo, cents).
//
// Validate checks it against GovPay's server rules before anything is sent.
type Pendenza struct {
	// IDTipoPendenza is the type of the debt as configured in GovPay
	// ("IMU", "LIBERO"), pattern ^[a-zA-Z0-9\-_.]{1,35}$.
	IDTipoPendenza string `json:"idTipoPendenza,omitempty"`
	// IDDominio is the creditor's codice fiscale (11 digits).
	IDDominio string `json:"idDominio"`
	// IDUnitaOperativa is the creditor's operating unit, if any.
	IDUnitaOperativa string `json:"idUnitaOperativa,omitempty"`
	// Causale describes the debt to the payer (≤ 140 characters).
	Causale string `json:"causale"`
	// SoggettoPagatore is the debtor. It is optional, as in GovPay 3.9.1
	// (NuovaPendenza.java:593-594): the zero Soggetto means "no payer" and
	// is omitted on the wire, and GovPay then records the payer as ANONIMO
	// (PendenzeConverter.java:533-540). A value rather than a pointer, so
	// that the common case (a payer) stays a plain struct literal and
	// existing code keeps compiling; a payer with every field empty is the
	// same as no payer for GovPay too.
	SoggettoPagatore govpay.Soggetto `json:"soggettoPagatore,omitzero"`
	// Importo is the total; it must equal the sum of the voci exactly.
	Importo govpay.Importo `json:"importo"`
	// NumeroAvviso is the 18-digit payment notice number, when the vertical
	// system assigns it; empty lets GovPay assign one (see Caricata). It is
	// a string so that exports with any content decode; Validate checks its
	// format and check digits.
	NumeroAvviso string `json:"numeroAvviso,omitempty"`
	// Tassonomia is the creditor's own category (≤ 35 characters).
	Tassonomia string `json:"tassonomia,omitempty"`
	// TassonomiaAvviso is the AgID category printed on the notice.
	TassonomiaAvviso TassonomiaAvviso `json:"tassonomiaAvviso,omitempty"`
	// Direzione and Divisione name the creditor's internal office (≤ 35).
	Direzione string `json:"direzione,omitempty"`
	Divisione string `json:"divisione,omitempty"`
	// DataValidita is the day until which the amount holds.
	DataValidita govpay.Date `json:"dataValidita,omitzero"`
	// DataScadenza is the day after which the debt can no longer be paid.
	DataScadenza govpay.Date `json:"dataScadenza,omitzero"`
	// AnnoRiferimento is the reference year (0: unset).
	AnnoRiferimento int `json:"annoRiferimento,omitempty"`
	// CartellaPagamento groups pendenze in a payment folder (≤ 35).
	CartellaPagamento string `json:"cartellaPagamento,omitempty"`
	// DatiAllegati is opaque JSON kept by GovPay for the vertical system:
	// any JSON value (object, array, string, number, boolean), as GovPay
	// stores whatever it receives (an Object in NuovaPendenza.java:111-112).
	DatiAllegati json.RawMessage `json:"datiAllegati,omitempty"`
	// Documento groups pendenze into one document (instalments or
	// payment-by-deadline options).
	Documento *Documento `json:"documento,omitempty"`
	// DataNotificaAvviso is the day on which to send the payment notice.
	DataNotificaAvviso govpay.Date `json:"dataNotificaAvviso,omitzero"`
	// DataPromemoriaScadenza is the day on which to send the due-date
	// reminder.
	DataPromemoriaScadenza govpay.Date `json:"dataPromemoriaScadenza,omitzero"`
	// Proprieta holds presentation options of the notice and receipt.
	Proprieta *Proprieta `json:"proprieta,omitempty"`
	// Allegati are files attached to the debt.
	Allegati []Allegato `json:"allegati,omitempty"`
	// Voci are the 1–5 items of the debt, each of one kind (see Voce).
	Voci []Voce `json:"voci"`
}

// pendenzaFields has the fields of Pendenza and none of its methods.
type pendenzaFields Pendenza

// pendenzaBody is the wire form Put encodes: the voci are written from
// their flat form directly, which spares a MarshalJSON call per voce. It
// produces the same bytes as json.Marshal of the Pendenza (Voci is the
// last field in both).
type pendenzaBody struct {
	*pendenzaFields
	Voci []voceWire `json:"voci"`
}

// body encodes p as the body of a Put, with encoding/json. (A hand-written
// encoder saved 3.9 µs per Put, BenchmarkPutBody at 043382d: nothing
// against a call to GovPay, so it went.)
func (p *Pendenza) body() ([]byte, error) {
	b := pendenzaBody{pendenzaFields: (*pendenzaFields)(p)}
	if p.Voci != nil {
		b.Voci = make([]voceWire, len(p.Voci))
		for i := range p.Voci {
			w, err := p.Voci[i].wire()
			if err != nil {
				return nil, fmt.Errorf("pendenze: voce %q: %w", p.Voci[i].IDVocePendenza, err)
			}
			b.Voci[i] = w
		}
	}
	return json.Marshal(b)
}

// TassonomiaAvviso is AgID's macro category of a notice. The constants are
// the values GovPay 3.9 knows; others are kept as received.
type TassonomiaAvviso string

// The AgID notice categories.
const (
	TassonomiaCartelleEsattoriali  TassonomiaAvviso = "Cartelle esattoriali"
	TassonomiaDirittiConcessioni   TassonomiaAvviso = "Diritti e concessioni"
	TassonomiaImposteTasse         TassonomiaAvviso = "Imposte e tasse"
	TassonomiaTasseComunali        TassonomiaAvviso = "IMU, TASI e altre tasse comunali"
	TassonomiaMostreMusei          TassonomiaAvviso = "Ingressi a mostre e musei"
	TassonomiaMulteSanzioni        TassonomiaAvviso = "Multe e sanzioni amministrative"
	TassonomiaPrevidenzaInfortuni  TassonomiaAvviso = "Previdenza e infortuni"
	TassonomiaServiziComune        TassonomiaAvviso = "Servizi erogati dal comune"
	TassonomiaServiziAltriEnti     TassonomiaAvviso = "Servizi erogati da altri enti"
	TassonomiaServiziScolastici    TassonomiaAvviso = "Servizi scolastici"
	TassonomiaTassaAutomobilistica TassonomiaAvviso = "Tassa automobilistica"
	TassonomiaTicketSanitari       TassonomiaAvviso = "Ticket e prestazioni sanitarie"
	TassonomiaTrasportiParcheggi   TassonomiaAvviso = "Trasporti, mobilità e parcheggi"
)

// Documento groups several pendenze into one payment document: either
// instalments (Rata) or alternatives by deadline (Soglia). One of Rata and
// Soglia is normally set; GovPay 3.9.1 also accepts neither or both
// (NuovoDocumento.java:179-183), which [Pendenza.ValidateStrict] refuses.
type Documento struct {
	// Identificativo of the document (1–35 characters).
	Identificativo string `json:"identificativo"`
	// Descrizione of the document (1–255 characters).
	Descrizione string `json:"descrizione"`
	// Rata is the instalment number (≥ 1); 0 means unset.
	Rata int `json:"rata,omitempty"`
	// Soglia is a payment constraint in days.
	Soglia *Soglia `json:"soglia,omitempty"`
}

// Soglia says that the pendenza must be paid within (ENTRO) or after
// (OLTRE) a number of days, or that it is the discounted (SCONTATO) or
// reduced (RIDOTTO) option of a document.
type Soglia struct {
	// Tipo is ENTRO, OLTRE, SCONTATO or RIDOTTO.
	Tipo TipoSoglia `json:"tipo"`
	// Giorni is the number of days: more than 1 for ENTRO and OLTRE, 0
	// (omitted on the wire) for SCONTATO and RIDOTTO (VincoloPagamento.java:
	// 146-171).
	Giorni int `json:"giorni,omitempty"`
}

// TipoSoglia is ENTRO, OLTRE, SCONTATO or RIDOTTO.
type TipoSoglia string

// The kinds of soglia (GovPay's TipoSogliaVincoloPagamento).
const (
	SogliaEntro    TipoSoglia = "ENTRO"
	SogliaOltre    TipoSoglia = "OLTRE"
	SogliaScontato TipoSoglia = "SCONTATO"
	SogliaRidotto  TipoSoglia = "RIDOTTO"
)

// LinguaSecondaria selects the second language of a bilingual notice.
type LinguaSecondaria string

// The second languages GovPay prints.
const (
	LinguaNessuna  LinguaSecondaria = "false"
	LinguaTedesco  LinguaSecondaria = "de"
	LinguaInglese  LinguaSecondaria = "en"
	LinguaFrancese LinguaSecondaria = "fr"
	LinguaSloveno  LinguaSecondaria = "sl"
)

// Proprieta holds options for the notice and receipt of a pendenza
// (GovPay's ProprietaPendenza).
type Proprieta struct {
	LinguaSecondaria LinguaSecondaria `json:"linguaSecondaria,omitempty"`
	// DescrizioneImporto breaks the amount down on the notice.
	DescrizioneImporto  []DescrizioneImporto `json:"descrizioneImporto,omitempty"`
	LineaTestoRicevuta1 string               `json:"lineaTestoRicevuta1,omitempty"`
	LineaTestoRicevuta2 string               `json:"lineaTestoRicevuta2,omitempty"`
	// LinguaSecondariaCausale is the causale in the second language.
	LinguaSecondariaCausale string `json:"linguaSecondariaCausale,omitempty"`
	// InformativaImportoAvviso replaces the standard text about the amount
	// (≤ 255 characters); a pointer to "" omits the text, nil keeps it.
	InformativaImportoAvviso *string `json:"informativaImportoAvviso,omitempty"`
	// LinguaSecondariaInformativaImportoAvviso is the same in the second
	// language.
	LinguaSecondariaInformativaImportoAvviso *string `json:"linguaSecondariaInformativaImportoAvviso,omitempty"`
	// DataScadenzaAvviso replaces the due date printed on the notice. On the
	// wire it is "dataScandenzaAvviso" (GovPay's spelling).
	DataScadenzaAvviso govpay.Date `json:"dataScandenzaAvviso,omitzero"`
}

// DescrizioneImporto is one line of the amount breakdown on a notice.
type DescrizioneImporto struct {
	Voce    string         `json:"voce"`
	Importo govpay.Importo `json:"importo"`
}

// Allegato is a file attached to a pendenza. Contenuto travels in base64.
type Allegato struct {
	// Nome is the file name (1–255 characters).
	Nome string `json:"nome"`
	// Tipo is the media type (default application/octet-stream).
	Tipo string `json:"tipo,omitempty"`
	// Descrizione of the file (≤ 255 characters).
	Descrizione string `json:"descrizione,omitempty"`
	// Contenuto is the file's content.
	Contenuto []byte `json:"contenuto"`
}
