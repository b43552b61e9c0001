package govpay

import (
	"regexp"
	"unicode/utf8"
)

// TipoSoggetto tells a natural person (F, fisica) from a legal person (G,
// giuridica).
type TipoSoggetto string

// The kinds of soggetto.
const (
	SoggettoFisico    TipoSoggetto = "F" // persona fisica: identified by codice fiscale
	SoggettoGiuridico TipoSoggetto = "G" // persona giuridica: identified by partita IVA or codice fiscale
)

// Soggetto is a payer or a payee as GovPay writes it (soggettoPagatore,
// soggettoVersante, debitore). It marshals to GovPay's wire JSON.
type Soggetto struct {
	// Tipo is F or G.
	Tipo TipoSoggetto `json:"tipo"`
	// Identificativo is the codice fiscale or partita IVA (1–35 characters;
	// GovPay stores at most 35, pagoPA identifies by up to 16). "ANONIMO" is
	// allowed by pagoPA for anonymous payers.
	Identificativo string `json:"identificativo"`
	// Anagrafica is the full name or company name (≤ 70 characters).
	Anagrafica string `json:"anagrafica,omitempty"`
	Indirizzo  string `json:"indirizzo,omitempty"`
	Civico     string `json:"civico,omitempty"`
	CAP        string `json:"cap,omitempty"`
	Localita   string `json:"localita,omitempty"`
	// Provincia is the two-letter province code ("RM").
	Provincia string `json:"provincia,omitempty"`
	// Nazione is the two-letter ISO 3166 country code ("IT").
	Nazione   string `json:"nazione,omitempty"`
	Email     string `json:"email,omitempty"`
	Cellulare string `json:"cellulare,omitempty"`
}

var (
	reTwoUpper = regexp.MustCompile(`^[A-Z]{2}$`)
	reEmail    = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
)

// Validate checks the soggetto against GovPay's server rules (tipo F or G,
// identificativo 1–16 characters, provincia and nazione two capital letters,
// lengths). Check characters of codice fiscale and partita IVA are not
// verified here: see the strict mode of the pendenze package.
func (s Soggetto) Validate() error {
	var v ValidationError
	v.What = "soggetto"
	switch s.Tipo {
	case SoggettoFisico, SoggettoGiuridico:
	case "":
		v.Add("tipo", "required (F or G)")
	default:
		v.Add("tipo", "must be F or G")
	}
	n := utf8.RuneCountInString(s.Identificativo)
	switch {
	case n == 0:
		v.Add("identificativo", "required")
	case n > 16:
		v.Add("identificativo", "must be at most 16 characters")
	}
	maxLen := func(field, val string, max int) {
		if utf8.RuneCountInString(val) > max {
			v.Addf(field, "must be at most %d characters", max)
		}
	}
	maxLen("anagrafica", s.Anagrafica, 70)
	maxLen("indirizzo", s.Indirizzo, 70)
	maxLen("civico", s.Civico, 16)
	maxLen("cap", s.CAP, 16)
	maxLen("localita", s.Localita, 35)
	maxLen("email", s.Email, 256)
	maxLen("cellulare", s.Cellulare, 35)
	if s.Provincia != "" && !reTwoUpper.MatchString(s.Provincia) {
		v.Add("provincia", "must be two capital letters")
	}
	if s.Nazione != "" && !reTwoUpper.MatchString(s.Nazione) {
		v.Add("nazione", "must be two capital letters")
	}
	if s.Email != "" && !reEmail.MatchString(s.Email) {
		v.Add("email", "must be an e-mail address")
	}
	return v.Err()
}
