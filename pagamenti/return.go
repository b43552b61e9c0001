package pagamenti

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/govpaygo/govpay/internal/verr"
)

// Esito is the outcome hint GovPay (legacy mode) or pagoPA Checkout (checkout
// modes) put in the query string of the return URL. It is a hint only: the
// payment is paid when GovPay says so (Client.Get in legacy mode) or when a
// receipt exists. The set is open: ParseReturn keeps a value this SDK does
// not know as received (Known reports false), and Resolve treats it as
// pending.
type Esito string

// Known reports whether e is one of the constants below (OK, ERROR,
// DIFFERITO, CANCEL).
func (e Esito) Known() bool {
	switch e {
	case EsitoOK, EsitoError, EsitoDifferito, EsitoCancel:
		return true
	}
	return false
}

// The outcomes a return URL can carry.
const (
	// EsitoOK: the payer completed the payment (legacy and checkout modes).
	EsitoOK Esito = "OK"
	// EsitoError: the payment failed (legacy and checkout modes).
	EsitoError Esito = "ERROR"
	// EsitoDifferito: the outcome will arrive later (legacy mode only).
	EsitoDifferito Esito = "DIFFERITO"
	// EsitoCancel: the payer gave up on pagoPA Checkout (checkout modes only).
	EsitoCancel Esito = "CANCEL"
)

// MaxReturnValue is the longest value ParseReturn accepts for a parameter of
// the return query (idPagamento, idSession, esito), in UTF-16 code units as
// GovPay counts: GovPay 3.9.1's web connector takes the esito and idSession
// the PSP sends back with 1 to 512 characters (WcController.getPsp,
// WcController.java:45-46) and forwards the esito to urlRitorno unchanged
// (WebControllerDAO.java:72). Anything longer is an attack or a broken link.
const MaxReturnValue = 512

// The names of the parameters GovPay and pagoPA Checkout append to urlRitorno.
const (
	ParamEsito       = "esito"
	ParamIDSession   = "idSession"
	ParamIDPagamento = "idPagamento"
)

// Return is what the payer's browser brings back to urlRitorno.
//
// Legacy mode: urlRitorno?idPagamento=…&idSession=…&esito=OK|ERROR|DIFFERITO.
// Checkout bridge and direct pagoPA Checkout: urlRitorno?esito=OK|ERROR|CANCEL
// (only the parameters the portal put in its own return URLs come back).
type Return struct {
	// Esito is the outcome hint.
	Esito Esito
	// IDSession is the idSession of legacy mode, "" when absent (an
	// idSession of "0", which the checkout bridge may echo, counts as absent).
	IDSession string
	// IDPagamento is GovPay's payment id in legacy mode, "" when absent.
	IDPagamento string
}

// Legacy reports whether the return carries GovPay's legacy identifiers
// (idPagamento or idSession), so the outcome can be asked to GovPay with
// Client.Get or Client.GetByIDSession.
func (r Return) Legacy() bool { return r.IDPagamento != "" || r.IDSession != "" }

// ParseReturn reads the query string of a return to urlRitorno (typically
// r.URL.Query() in the portal's handler).
//
// An esito other than OK, ERROR, DIFFERITO and CANCEL (matched exactly, as
// GovPay and pagoPA write them) is kept as received: Esito.Known reports
// false and Resolve treats it as pending (the receipt is the truth, and a
// payer who paid must not see an error because pagoPA added a value).
//
// It fails with a *govpay.ValidationError (matching govpay.ErrInvalid) naming
// the parameter when esito is missing or empty, when a parameter is
// repeated with different values, when a value is longer than
// MaxReturnValue characters, or when it holds a character GovPay's web
// connector refuses (control characters, invalid UTF-8, quotes, '#', '%',
// '&'…; letters of any alphabet, digits and spaces are accepted). Other
// parameters are ignored: they belong to the portal. An idSession of "0" is
// treated as absent.
func ParseReturn(q url.Values) (Return, error) {
	bad := verr.New("return query")
	esito, ok := single(bad, q, ParamEsito)
	idSession, _ := single(bad, q, ParamIDSession)
	idPagamento, _ := single(bad, q, ParamIDPagamento)

	r := Return{IDSession: idSession, IDPagamento: idPagamento}
	if r.IDSession == "0" {
		r.IDSession = ""
	}
	if ok {
		if esito == "" {
			bad.Add(ParamEsito, "required")
		}
		r.Esito = Esito(esito) // an unknown value is kept: see Esito.Known
	}
	if err := bad.Err(); err != nil {
		return Return{}, err
	}
	return r, nil
}

// single returns the one value of q[name]; it records a violation and
// returns ok=false when the values disagree, are too long or hold characters
// a GovPay identifier never has. A missing esito is a violation too.
func single(bad *verr.Builder, q url.Values, name string) (string, bool) {
	vs := q[name]
	if len(vs) == 0 {
		if name == ParamEsito {
			bad.Add(name, "required")
			return "", false
		}
		return "", true
	}
	v := vs[0]
	for _, w := range vs[1:] {
		if w != v {
			bad.Addf(name, "repeated with different values (%d values)", len(vs))
			return "", false
		}
	}
	if n := utf16Len(v); n > MaxReturnValue {
		bad.Addf(name, "longer than %d characters (%d)", MaxReturnValue, n)
		return "", false
	}
	if !genericParam(v) {
		bad.Add(name, "must hold letters, digits, spaces and -./+=_!$*?@;:',(){}[]\\^> only (GovPay's generic parameter pattern)")
		return "", false
	}
	return v, true
}

// genericParam reports whether s is valid UTF-8 made of the characters
// GovPay's PATTERN_GENERICO allows in a web-connector parameter
// (CostantiValidazione.java:28, applied to esito and idSession by
// ValidatoreIdentificativi.validaParametroObbligatorio): Unicode letters
// (\p{L}) and numbers (\p{N}), the space, -./+!$*?@;:',(){} and the range
// from '=' to '_' ("=-_" in the Java class: =>?@, A-Z, [\]^_).
func genericParam(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsNumber(r), r >= '=' && r <= '_':
		case strings.ContainsRune("-./+ !$*?@;:',(){}", r):
		default:
			return false
		}
	}
	return true
}

// utf16Len is the length of s as Java counts it (UTF-16 code units).
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// excerpt quotes at most 32 characters of an untrusted value for an error.
func excerpt(s string) string {
	if len(s) <= 32 {
		return s
	}
	cut := 32
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.ToValidUTF8(s[:cut], "") + "…"
}
