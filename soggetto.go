package govpay

import (
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
	// Identificativo is the codice fiscale or partita IVA (1–16 characters,
	// as pagoPA identifies subjects). "ANONIMO" is allowed by pagoPA for
	// anonymous payers.
	Identificativo string `json:"identificativo"`
	// Anagrafica is the full name or company name (≤ 70 characters).
	Anagrafica string `json:"anagrafica,omitempty"`
	// Indirizzo is the street address (≤ 70 characters).
	Indirizzo string `json:"indirizzo,omitempty"`
	// Civico is the street number (≤ 16 characters).
	Civico string `json:"civico,omitempty"`
	// CAP is the postal code (≤ 16 characters).
	CAP string `json:"cap,omitempty"`
	// Localita is the town (≤ 35 characters).
	Localita string `json:"localita,omitempty"`
	// Provincia is the province, preferably its two-letter code ("RM");
	// GovPay accepts up to 35 characters ("Roma").
	Provincia string `json:"provincia,omitempty"`
	// Nazione is the two-letter ISO 3166 country code ("IT").
	Nazione string `json:"nazione,omitempty"`
	// Email is the e-mail address GovPay may send receipts to.
	Email string `json:"email,omitempty"`
	// Cellulare is the mobile phone number (≤ 35 characters).
	Cellulare string `json:"cellulare,omitempty"`
}

// twoUpper reports whether s is two ASCII capital letters (^[A-Z]{2}$).
func twoUpper(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// emailShape reports whether s matches ^[^\s@]+@[^\s@]+\.[^\s@]+$ (one @,
// no white space, a dot in the domain with text on both sides). It is
// written out because a regular expression costs microseconds on every
// Put, and a test compares the two.
func emailShape(s string) bool {
	at := -1
	for i, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r': // \s in RE2
			return false
		case r == '@':
			if at >= 0 {
				return false
			}
			at = i
		}
	}
	if at <= 0 {
		return false
	}
	domain := s[at+1:]
	// some dot with text on both sides
	for i := 1; i < len(domain)-1; i++ {
		if domain[i] == '.' {
			return true
		}
	}
	return false
}

// Validate checks the soggetto against GovPay's server rules (tipo F or G,
// identificativo 1–16 characters, nazione two capital letters, the maximum
// length of every field, e-mail shape). Check characters of codice fiscale
// and partita IVA are not verified here: see the strict mode of the pendenze
// package.
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
	maxLen("provincia", s.Provincia, 35)
	maxLen("email", s.Email, 256)
	maxLen("cellulare", s.Cellulare, 35)
	if s.Nazione != "" && !twoUpper(s.Nazione) {
		v.Add("nazione", "must be two capital letters")
	}
	if s.Email != "" && !emailShape(s.Email) {
		v.Add("email", "must be an e-mail address")
	}
	return v.Err()
}
