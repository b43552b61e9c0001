package govpay

import (
	"fmt"

	"github.com/govpaygo/govpay/internal/javastr"
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
	// Tipo is F or G; GovPay makes it optional, and an empty Tipo is
	// omitted on the wire.
	Tipo TipoSoggetto `json:"tipo,omitempty"`
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
	// Email is the e-mail address GovPay may send receipts to (GovPay's
	// pattern: ASCII letters, digits and _.+- before the @).
	Email string `json:"email,omitempty"`
	// Cellulare is the mobile phone number in GovPay's only accepted form,
	// "+39 333-1234567".
	Cellulare string `json:"cellulare,omitempty"`
}

// twoUpper reports whether s is two ASCII capital letters (^[A-Z]{2}$).
func twoUpper(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// emailShape reports whether s matches GovPay's e-mail pattern
// ^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*$ (PATTERN_EMAIL,
// CostantiValidazione.java:55): ASCII only, one @, a domain of labels of
// letters, digits and '-' joined by single dots (no dot needed). It is
// written out because a regular expression costs microseconds on every
// Put, and a test compares the two.
func emailShape(s string) bool {
	at := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
		switch {
		case c == '@':
			if at >= 0 || i == 0 {
				return false
			}
			at = i
		case at < 0: // local part
			if !alnum && c != '_' && c != '.' && c != '+' {
				return false
			}
		case c == '.': // domain: a dot between two labels
			if i == at+1 || s[i-1] == '.' || i == len(s)-1 {
				return false
			}
		case !alnum:
			return false
		}
	}
	return at > 0 && at < len(s)-1
}

// cellulareShape reports whether s matches GovPay's mobile number pattern
// \+[0-9]{2}\s[0-9]{3}\-[0-9]{7} (PATTERN_CELLULARE,
// CostantiValidazione.java:56), as "+39 333-1234567"; \s is one of space,
// tab, newline, vertical tab, form feed, carriage return.
func cellulareShape(s string) bool {
	if len(s) != 15 || s[0] != '+' || s[7] != '-' {
		return false
	}
	switch s[3] {
	case ' ', '\t', '\n', '\v', '\f', '\r':
	default:
		return false
	}
	for _, r := range [...][2]int{{1, 3}, {4, 7}, {8, 15}} {
		for i := r[0]; i < r[1]; i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
	}
	return true
}

// Validate checks the soggetto against GovPay 3.9.1's server rules for a
// payer (SoggettoPagatoreValidator of it.govpay.core.ec.v1.validator, run by
// the Soggetto bean of API Pendenze v2, Soggetto.java:314-328, and of API
// Pagamento v2): tipo F or G when set (GovPay makes it optional),
// identificativo 1–16 characters, anagrafica ≤ 70, indirizzo ≤ 70, civico
// ≤ 16, cap ≤ 16, localita ≤ 35, provincia ≤ 35, nazione two capital
// letters, e-mail and mobile number in GovPay's patterns ("+39
// 333-1234567"). Lengths count UTF-16 units, as Java does.
//
// identificativo is required here: a soggetto validated alone identifies
// someone. The payer of a pendenza may leave it empty, and GovPay then
// records the payer as ANONIMO; the pendenze package checks the payer that
// way. Check characters of codice fiscale and partita IVA are not verified
// here: see the strict mode of the pendenze package.
func (s Soggetto) Validate() error {
	var v ValidationError
	v.What = "soggetto"
	switch s.Tipo {
	case SoggettoFisico, SoggettoGiuridico, "":
		// TipoSoggetto enum (F, G) of the bean; validaTipo only bounds its
		// length (SoggettoPagatoreValidator.java:96-98): optional.
	default:
		v.add("tipo", "must be F or G")
	}
	// validaIdentificativoNonObbligatorio (SoggettoPagatoreValidator.java:120-122): ≤ 16.
	switch n := javastr.Len(s.Identificativo); {
	case n == 0:
		v.add("identificativo", "required")
	case n > 16:
		v.add("identificativo", "must be at most 16 characters")
	}
	maxLen := func(field, val string, max int) {
		if len(val) > max && javastr.Len(val) > max {
			v.add(field, fmt.Sprintf("must be at most %d characters", max))
		}
	}
	// SoggettoPagatoreValidator.java:56-111 (the minimum of 1 is met by
	// omitting empty fields on the wire).
	maxLen("anagrafica", s.Anagrafica, 70)       // :110-112
	maxLen("indirizzo", s.Indirizzo, 70)         // :84-86
	maxLen("civico", s.Civico, 16)               // :80-82
	maxLen("cap", s.CAP, 16)                     // :76-78
	maxLen("localita", s.Localita, 35)           // :72-74
	maxLen("provincia", s.Provincia, 35)         // :68-70
	maxLen("email", s.Email, 256)                // :60-62
	if s.Nazione != "" && !twoUpper(s.Nazione) { // :64-66
		v.add("nazione", "must be two capital letters")
	}
	if s.Email != "" && !emailShape(s.Email) { // :60-62
		v.add("email", "must match ^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+(\\.[a-zA-Z0-9-]+)*$")
	}
	if s.Cellulare != "" && !cellulareShape(s.Cellulare) { // :56-58 (the pattern implies ≤ 35)
		v.add("cellulare", `must be "+" and 2 digits, a space, 3 digits, "-" and 7 digits ("+39 333-1234567")`)
	}
	return v.err()
}
