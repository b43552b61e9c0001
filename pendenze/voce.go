package pendenze

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/ricevute"
)

// Voce is one item of a pendenza (GovPay's NuovaVocePendenza). Every voce
// is of exactly one kind, held in Kind:
//
//   - [Accredito]: the amount goes to an IBAN (ibanAccredito, tipoContabilita,
//     codiceContabilita);
//   - [Entrata]: the amount goes to an entrata configured in GovPay
//     (codEntrata);
//   - [Bollo]: a marca da bollo telematica (hashDocumento,
//     provinciaResidenza).
//
// The three kinds cannot be mixed: Kind holds one of them, and the JSON
// encoding writes only that kind's fields next to the common ones (flat, as
// GovPay expects). Build a voce with [VoceAccredito], [VoceEntrata] or
// [VoceBollo], or with a literal:
//
//	pendenze.Voce{IDVocePendenza: "1", Importo: govpay.Euro(10), Descrizione: "Diritti",
//		Kind: pendenze.Accredito{IBANAccredito: "IT60X0542811101000000123456",
//			TipoContabilita: pendenze.ContabilitaAltro, CodiceContabilita: "9/0101"}}
//
// Marshalling a Voce whose Kind is nil fails; unmarshalling JSON that
// carries the fields of no kind or of several kinds fails too.
type Voce struct {
	// IDVocePendenza identifies the voce in the pendenza
	// (^[a-zA-Z0-9\-_]{1,35}$, unique in the pendenza).
	IDVocePendenza string
	// Importo of the voce.
	Importo govpay.Importo
	// Descrizione of the voce (1–255 characters).
	Descrizione string
	// DescrizioneCausaleRPT is free text for the payment's causale
	// (≤ 140 characters).
	DescrizioneCausaleRPT string
	// Contabilita splits the amount into accounting quotas.
	Contabilita *Contabilita
	// Metadata goes into the receipt (1–15 entries).
	Metadata *Metadata
	// DatiAllegati is opaque JSON kept for the vertical system: any JSON
	// value, as GovPay stores whatever it receives (NuovaVocePendenza.java:62).
	DatiAllegati json.RawMessage
	// IDDominio is the beneficiary of this voce when it differs from the
	// pendenza's (multi-beneficiary pendenze); 11 digits.
	IDDominio string
	// Kind is what the voce pays: Accredito, Entrata or Bollo
	// (values or pointers).
	Kind VoceKind
}

// VoceKind is the kind of a Voce: [Accredito], [Entrata] or [Bollo].
// It is sealed: no other type implements it.
type VoceKind interface {
	voceKind() string
}

// Accredito is a voce paid to an IBAN.
type Accredito struct {
	// IBANAccredito is the IBAN credited.
	IBANAccredito string
	// IBANAppoggio is an optional support IBAN (postal accounts).
	IBANAppoggio string
	// TipoContabilita says how CodiceContabilita is coded.
	TipoContabilita TipoContabilita
	// CodiceContabilita is the budget chapter: 3–138 characters without
	// white space (GovPay's ^\S{3,138}$).
	CodiceContabilita string
}

// Entrata is a voce paid to an entrata configured in GovPay's
// registry, which knows the IBAN and the accounting.
type Entrata struct {
	// CodEntrata is the code of the entrata (^[a-zA-Z0-9\-_.]{1,35}$).
	CodEntrata string
}

// Bollo is a marca da bollo telematica.
type Bollo struct {
	// TipoBollo is the kind of stamp; empty means [ricevute.BolloImpostaDiBollo]
	// ("01", the only value API Pendenze v2 knows).
	TipoBollo ricevute.TipoBollo
	// HashDocumento is the base64 digest of the stamped document
	// (≤ 70 characters).
	HashDocumento string
	// ProvinciaResidenza is the payer's province ("RO").
	ProvinciaResidenza string
}

func (Accredito) voceKind() string { return "entrata" }
func (Entrata) voceKind() string   { return "codEntrata" }
func (Bollo) voceKind() string     { return "bollo" }

// TipoContabilita says how a budget chapter is coded.
type TipoContabilita string

// The accounting codings GovPay knows.
const (
	ContabilitaCapitolo TipoContabilita = "CAPITOLO"
	ContabilitaSpeciale TipoContabilita = "SPECIALE"
	ContabilitaSIOPE    TipoContabilita = "SIOPE"
	ContabilitaAltro    TipoContabilita = "ALTRO"
)

// Contabilita splits a voce into accounting quotas; their amounts sum to
// the voce's.
type Contabilita struct {
	Quote []QuotaContabilita `json:"quote,omitempty"`
	// ProprietaCustom is opaque JSON for the accounting system.
	ProprietaCustom json.RawMessage `json:"proprietaCustom,omitempty"`
}

// QuotaContabilita is one accounting quota.
type QuotaContabilita struct {
	// Capitolo is the budget chapter (≤ 64 characters).
	Capitolo string `json:"capitolo"`
	// AnnoEsercizio is the financial year.
	AnnoEsercizio int `json:"annoEsercizio"`
	// Importo of the quota.
	Importo govpay.Importo `json:"importo"`
	// Accertamento, Titolo, Tipologia, Categoria, Articolo classify the
	// quota (≤ 64 characters each).
	Accertamento string `json:"accertamento,omitempty"`
	Titolo       string `json:"titolo,omitempty"`
	Tipologia    string `json:"tipologia,omitempty"`
	Categoria    string `json:"categoria,omitempty"`
	Articolo     string `json:"articolo,omitempty"`
	// ProprietaCustom is opaque JSON for the accounting system.
	ProprietaCustom json.RawMessage `json:"proprietaCustom,omitempty"`
}

// Metadata are key/value pairs copied into the receipt.
type Metadata struct {
	// MapEntries holds 1–15 entries.
	MapEntries []MapEntry `json:"mapEntries"`
}

// MapEntry is one metadata entry (key and value 1–140 characters).
type MapEntry struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// VoceAccredito returns a voce of kind [Accredito]: importo paid to the
// IBAN a.IBANAccredito, with its accounting coding.
func VoceAccredito(id string, importo govpay.Importo, descrizione string, a Accredito) Voce {
	return Voce{IDVocePendenza: id, Importo: importo, Descrizione: descrizione, Kind: a}
}

// VoceEntrata returns a voce of kind [Entrata]: importo paid to the entrata
// e.CodEntrata configured in GovPay.
func VoceEntrata(id string, importo govpay.Importo, descrizione string, e Entrata) Voce {
	return Voce{IDVocePendenza: id, Importo: importo, Descrizione: descrizione, Kind: e}
}

// VoceBollo returns a voce of kind [Bollo], a marca da bollo telematica; an
// empty b.TipoBollo is set to [ricevute.BolloImpostaDiBollo].
func VoceBollo(id string, importo govpay.Importo, descrizione string, b Bollo) Voce {
	if b.TipoBollo == "" {
		b.TipoBollo = ricevute.BolloImpostaDiBollo
	}
	return Voce{IDVocePendenza: id, Importo: importo, Descrizione: descrizione, Kind: b}
}

// voceWire is the flat wire form of a voce.
type voceWire struct {
	IDVocePendenza        string             `json:"idVocePendenza"`
	Importo               govpay.Importo     `json:"importo"`
	Descrizione           string             `json:"descrizione"`
	DescrizioneCausaleRPT string             `json:"descrizioneCausaleRPT,omitempty"`
	IBANAccredito         string             `json:"ibanAccredito,omitempty"`
	IBANAppoggio          string             `json:"ibanAppoggio,omitempty"`
	TipoContabilita       TipoContabilita    `json:"tipoContabilita,omitempty"`
	CodiceContabilita     string             `json:"codiceContabilita,omitempty"`
	CodEntrata            string             `json:"codEntrata,omitempty"`
	TipoBollo             ricevute.TipoBollo `json:"tipoBollo,omitempty"`
	HashDocumento         string             `json:"hashDocumento,omitempty"`
	ProvinciaResidenza    string             `json:"provinciaResidenza,omitempty"`
	Contabilita           *Contabilita       `json:"contabilita,omitempty"`
	Metadata              *Metadata          `json:"metadata,omitempty"`
	DatiAllegati          json.RawMessage    `json:"datiAllegati,omitempty"`
	IDDominio             string             `json:"idDominio,omitempty"`
}

// errNoKind is returned when a voce has no kind.
var errNoKind = errors.New("voce has no kind: set Kind to Accredito, Entrata or Bollo")

// kindOf returns the voce's kind as a value (pointers dereferenced), or nil.
func kindOf(k VoceKind) VoceKind {
	switch k := k.(type) {
	case *Accredito:
		if k != nil {
			return *k
		}
	case *Entrata:
		if k != nil {
			return *k
		}
	case *Bollo:
		if k != nil {
			return *k
		}
	case Accredito, Entrata, Bollo:
		return k
	}
	return nil
}

func (v *Voce) wire() (voceWire, error) {
	w := voceWire{
		IDVocePendenza:        v.IDVocePendenza,
		Importo:               v.Importo,
		Descrizione:           v.Descrizione,
		DescrizioneCausaleRPT: v.DescrizioneCausaleRPT,
		Contabilita:           v.Contabilita,
		Metadata:              v.Metadata,
		DatiAllegati:          v.DatiAllegati,
		IDDominio:             v.IDDominio,
	}
	switch k := kindOf(v.Kind).(type) {
	case Accredito:
		w.IBANAccredito, w.IBANAppoggio = k.IBANAccredito, k.IBANAppoggio
		w.TipoContabilita, w.CodiceContabilita = k.TipoContabilita, k.CodiceContabilita
	case Entrata:
		w.CodEntrata = k.CodEntrata
	case Bollo:
		w.TipoBollo = k.TipoBollo
		if w.TipoBollo == "" {
			w.TipoBollo = ricevute.BolloImpostaDiBollo
		}
		w.HashDocumento, w.ProvinciaResidenza = k.HashDocumento, k.ProvinciaResidenza
	default:
		return w, errNoKind
	}
	return w, nil
}

// MarshalJSON writes the flat wire form: the common fields and those of
// the voce's kind only. It fails when Kind is nil.
func (v Voce) MarshalJSON() ([]byte, error) {
	w, err := v.wire()
	if err != nil {
		return nil, fmt.Errorf("pendenze: voce %q: %w", v.IDVocePendenza, err)
	}
	return json.Marshal(w)
}

// voceWhat is the What of the error of a voce whose kind cannot be told.
const voceWhat = "voce"

// UnmarshalJSON reads the flat wire form and sets Kind from the fields
// present. When the fields of no kind, or of more than one kind, are
// present, it returns a *govpay.ValidationError (What "voce", matching
// govpay.ErrInvalid) with one violation of the field "kind", the field
// [Pendenza.Validate] names too; decoding a [Pendenza] prefixes it with
// the voce's position ("voci[2].kind"). Other failures (a wrong JSON
// type, an amount with three decimals) are encoding/json's own errors.
func (v *Voce) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	var w voceWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	k, err := w.kind()
	if err != nil {
		return err
	}
	v.fromWire(&w, k)
	return nil
}

func (v *Voce) fromWire(w *voceWire, k VoceKind) {
	*v = Voce{
		IDVocePendenza:        w.IDVocePendenza,
		Importo:               w.Importo,
		Descrizione:           w.Descrizione,
		DescrizioneCausaleRPT: w.DescrizioneCausaleRPT,
		Contabilita:           w.Contabilita,
		Metadata:              w.Metadata,
		DatiAllegati:          w.DatiAllegati,
		IDDominio:             w.IDDominio,
		Kind:                  k,
	}
}

// kind tells the voce's kind from the fields present; its error is a
// *govpay.ValidationError of the field "kind".
func (w *voceWire) kind() (VoceKind, error) {
	entrata := w.IBANAccredito != "" || w.IBANAppoggio != "" || w.TipoContabilita != "" || w.CodiceContabilita != ""
	riferita := w.CodEntrata != ""
	bollo := w.TipoBollo != "" || w.HashDocumento != "" || w.ProvinciaResidenza != ""
	var mixed []string
	for _, k := range []struct {
		set    bool
		fields string
	}{
		{entrata, "Accredito (ibanAccredito, ibanAppoggio, tipoContabilita, codiceContabilita)"},
		{riferita, "Entrata (codEntrata)"},
		{bollo, "Bollo (tipoBollo, hashDocumento, provinciaResidenza)"},
	} {
		if k.set {
			mixed = append(mixed, k.fields)
		}
	}
	switch {
	case len(mixed) == 0:
		return nil, &govpay.ValidationError{What: voceWhat, Violations: []govpay.Violation{{Field: "kind",
			Rule: "required: exactly one of ibanAccredito (Accredito), codEntrata (Entrata), tipoBollo (Bollo)"}}}
	case len(mixed) > 1:
		return nil, &govpay.ValidationError{What: voceWhat, Violations: []govpay.Violation{{Field: "kind",
			Rule: "must be exactly one kind, not the fields of " + strings.Join(mixed, " and ") + " together"}}}
	case entrata:
		return Accredito{IBANAccredito: w.IBANAccredito, IBANAppoggio: w.IBANAppoggio,
			TipoContabilita: w.TipoContabilita, CodiceContabilita: w.CodiceContabilita}, nil
	case riferita:
		return Entrata{CodEntrata: w.CodEntrata}, nil
	default:
		return Bollo{TipoBollo: w.TipoBollo, HashDocumento: w.HashDocumento, ProvinciaResidenza: w.ProvinciaResidenza}, nil
	}
}
