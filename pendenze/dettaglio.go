package pendenze

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/ricevute"
)

// StatoPendenza is the state of a pendenza in GovPay. Values GovPay adds in
// later releases are kept as received.
type StatoPendenza string

// The states of a pendenza.
const (
	StatoEseguita         StatoPendenza = "ESEGUITA"
	StatoNonEseguita      StatoPendenza = "NON_ESEGUITA"
	StatoEseguitaParziale StatoPendenza = "ESEGUITA_PARZIALE"
	StatoAnnullata        StatoPendenza = "ANNULLATA"
	StatoScaduta          StatoPendenza = "SCADUTA"
	StatoAnomala          StatoPendenza = "ANOMALA"
	StatoIncassata        StatoPendenza = "INCASSATA"
)

// StatoVoce is the state of one voce.
type StatoVoce string

// The states of a voce.
const (
	StatoVoceEseguito    StatoVoce = "Eseguito"
	StatoVoceNonEseguito StatoVoce = "Non eseguito"
	StatoVoceAnomalo     StatoVoce = "Anomalo"
)

// Tipologia tells a debt the creditor issued (dovuto) from one the payer
// started (spontaneo).
type Tipologia string

// The tipologie of a pendenza.
const (
	TipologiaDovuto    Tipologia = "dovuto"
	TipologiaSpontaneo Tipologia = "spontaneo"
)

// Segnalazione is a warning GovPay attached to a pendenza or to a payment
// attempt; API Pendenze v2 and API Pagamento v2 send the same schema
// (Segnalazione.java of both).
type Segnalazione struct {
	Data        govpay.DateTime `json:"data,omitzero"`
	Codice      string          `json:"codice"`
	Descrizione string          `json:"descrizione"`
	Dettaglio   string          `json:"dettaglio,omitempty"`
}

// Testata holds what GovPay says about a pendenza in both its list and its
// detail (GovPay's PendenzaBase): ids, state, payer, amounts and dates.
//
// API Pendenze v2 does not say how much was paid or reconciled so far
// (importoPagato, importoIncassato, anomalo and verificato belong to
// GovPay's Backoffice API): read Stato, DataPagamento and the receipts of
// the RPP instead.
type Testata struct {
	IDA2A            string                   `json:"idA2A"`
	IDPendenza       string                   `json:"idPendenza"`
	IDTipoPendenza   string                   `json:"idTipoPendenza,omitempty"`
	Dominio          ricevute.Dominio         `json:"dominio"`
	UnitaOperativa   *ricevute.UnitaOperativa `json:"unitaOperativa,omitempty"`
	Stato            StatoPendenza            `json:"stato"`
	DescrizioneStato string                   `json:"descrizioneStato,omitempty"`
	Segnalazioni     []Segnalazione           `json:"segnalazioni,omitempty"`
	// IUVAvviso is the IUV of the notice; IUVPagamento that of the last
	// successful payment.
	IUVAvviso        string          `json:"iuvAvviso,omitempty"`
	IUVPagamento     string          `json:"iuvPagamento,omitempty"`
	DataPagamento    govpay.Date     `json:"dataPagamento,omitzero"`
	Causale          string          `json:"causale,omitempty"`
	SoggettoPagatore govpay.Soggetto `json:"soggettoPagatore"`
	Importo          govpay.Importo  `json:"importo"`
	// NumeroAvviso is the notice number, kept as GovPay sends it (18 digits).
	// It stays a string, not an avvisi.NumeroAvviso: GovPay 3.9.1 accepts a
	// proposed numeric IUV whose check digits are wrong after only logging a
	// warning (Iuv.java:111-114) and returns its number as is, which must not
	// make the whole answer unreadable. Parse it with avvisi.ParseNumeroAvviso.
	NumeroAvviso      string           `json:"numeroAvviso,omitempty"`
	DataCaricamento   govpay.Date      `json:"dataCaricamento,omitzero"`
	DataValidita      govpay.Date      `json:"dataValidita,omitzero"`
	DataScadenza      govpay.Date      `json:"dataScadenza,omitzero"`
	AnnoRiferimento   int              `json:"annoRiferimento,omitempty"`
	CartellaPagamento string           `json:"cartellaPagamento,omitempty"`
	DatiAllegati      json.RawMessage  `json:"datiAllegati,omitempty"`
	Tassonomia        string           `json:"tassonomia,omitempty"`
	TassonomiaAvviso  TassonomiaAvviso `json:"tassonomiaAvviso,omitempty"`
	Direzione         string           `json:"direzione,omitempty"`
	Divisione         string           `json:"divisione,omitempty"`
	Documento         *Documento       `json:"documento,omitempty"`
	Tipo              Tipologia        `json:"tipo,omitempty"`
	UUID              string           `json:"UUID,omitempty"`
	Proprieta         *Proprieta       `json:"proprieta,omitempty"`
}

// Sintesi is one pendenza in a list (GovPay's PendenzaIndex): in List, in
// the RPP of ListRPP, and in API Pagamento v2's answers (the debts of a
// pagamenti.Pagamento and of pagamenti.Client.ListPosizione). API
// Pagamento v2's PendenzaIndex is the same schema without
// descrizioneStato and documento (PendenzaIndex.java of both, GovPay
// 3.9.1), which then stay empty.
type Sintesi struct {
	Testata
	// RPP and Pagamenti are the GovPay URLs listing the pendenza's payment
	// attempts and payments.
	RPP       string `json:"rpp,omitempty"`
	Pagamenti string `json:"pagamenti,omitempty"`
}

// Dettaglio is a pendenza as Get returns it (GovPay's Pendenza).
type Dettaglio struct {
	Testata
	// Voci with their state.
	Voci []VoceDettaglio `json:"voci"`
	// RPP are the payment attempts, with the opaque request and receipt.
	RPP []RPP `json:"rpp"`
	// Allegati are the attached files (their content is fetched from
	// Contenuto, a path such as /allegati/{id}).
	Allegati []ricevute.AllegatoPendenza `json:"allegati,omitempty"`
}

// VoceDettaglio is a voce as GovPay returns it: the voce plus its state and
// position. Decoding is lenient: when GovPay sends the fields of several
// kinds, codEntrata wins over bollo, bollo over IBAN; with none, Kind is nil.
type VoceDettaglio struct {
	Voce
	// Indice is the position of the voce (1–5).
	Indice int
	// Stato of the voce.
	Stato StatoVoce
	// Dominio is the voce's beneficiary.
	Dominio *ricevute.Dominio
}

type voceDettaglioExtra struct {
	Indice  int               `json:"indice,omitempty"`
	Stato   StatoVoce         `json:"stato,omitempty"`
	Dominio *ricevute.Dominio `json:"dominio,omitempty"`
}

// UnmarshalJSON decodes GovPay's VocePendenza.
func (d *VoceDettaglio) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	var w struct {
		voceWire
		voceDettaglioExtra
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var k VoceKind
	switch {
	case w.CodEntrata != "":
		k = Entrata{CodEntrata: w.CodEntrata}
	case w.TipoBollo != "" || w.HashDocumento != "":
		k = Bollo{TipoBollo: w.TipoBollo, HashDocumento: w.HashDocumento, ProvinciaResidenza: w.ProvinciaResidenza}
	case w.IBANAccredito != "":
		k = Accredito{IBANAccredito: w.IBANAccredito, IBANAppoggio: w.IBANAppoggio,
			TipoContabilita: w.TipoContabilita, CodiceContabilita: w.CodiceContabilita}
	}
	d.Voce.fromWire(&w.voceWire, k)
	d.Indice, d.Stato, d.Dominio = w.Indice, w.Stato, w.Dominio
	return nil
}

// MarshalJSON encodes GovPay's VocePendenza (a voce without kind is
// written without kind fields).
func (d VoceDettaglio) MarshalJSON() ([]byte, error) {
	w, _ := d.Voce.wire()
	return json.Marshal(struct {
		voceWire
		voceDettaglioExtra
	}{w, voceDettaglioExtra{d.Indice, d.Stato, d.Dominio}})
}

// RPP is a payment attempt of a pendenza (a "richiesta di pagamento
// pendenza", GovPay's RppIndex): pagoPA's request (RPT) and receipt (RT)
// are kept as the opaque JSON GovPay sends. API Pendenze v2 (ListRPP,
// Dettaglio.RPP) and API Pagamento v2 (pagamenti.Pagamento.RPP) send the
// same schema (Rpp.java of both, GovPay 3.9.1).
type RPP struct {
	// Stato of the request on pagoPA (RT_ACCETTATA_PA, …).
	Stato          string         `json:"stato"`
	DettaglioStato string         `json:"dettaglioStato,omitempty"`
	Segnalazioni   []Segnalazione `json:"segnalazioni,omitempty"`
	// RPT is the payment request, RT the receipt (null until there is one).
	RPT json.RawMessage `json:"rpt,omitempty"`
	RT  json.RawMessage `json:"rt,omitempty"`
	// Pendenza is the pendenza paid, when GovPay includes it (lists of rpp,
	// the transactions of a payment).
	Pendenza *Sintesi `json:"pendenza,omitempty"`
}

// HasRT reports whether the attempt carries a receipt (RT neither absent
// nor null).
func (r RPP) HasRT() bool { return len(r.RT) > 0 && string(r.RT) != "null" }

// complete refuses a decoded answer that lacks what every pendenza GovPay
// returns carries (idA2A, idPendenza, stato): a JSON document from elsewhere
// must not pass for an empty pendenza.
func (d *Dettaglio) complete(op string, resp *http.Response) error {
	var missing []string
	if d.IDA2A == "" {
		missing = append(missing, "idA2A")
	}
	if d.IDPendenza == "" {
		missing = append(missing, "idPendenza")
	}
	if d.Stato == "" {
		missing = append(missing, "stato")
	}
	if len(missing) > 0 {
		return transport.Incomplete(op, resp, missing...)
	}
	return nil
}
