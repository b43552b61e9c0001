package pagamenti

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
	gen "github.com/govpaygo/govpay/internal/gen/pagamento"
	"github.com/govpaygo/govpay/internal/javastr"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
	"github.com/govpaygo/govpay/pendenze"
)

// Mode says how a payment was started, and so how its outcome is learnt.
type Mode string

// The payment modes (see the package documentation).
const (
	// ModeLegacy: GovPay (≤ 3.9, V1 station) created a payment with a real
	// id and sends the payer to WISP. The outcome is Client.Get(Avvio.ID).
	ModeLegacy Mode = "legacy"
	// ModeCheckoutBridge: GovPay 3.9 (V2 station) handed the cart over to
	// pagoPA Checkout (201 with id "0", or a 302). There is no GovPay
	// payment to track: the outcome is the receipt of each cart item.
	ModeCheckoutBridge Mode = "checkout-bridge"
	// ModeCheckout: the portal posted the cart to pagoPA Checkout itself
	// (Checkout.Start). The outcome is the receipt of each cart item.
	ModeCheckout Mode = "checkout"
)

// Lingua is the language of pagoPA's payment pages.
type Lingua string

// The languages API Pagamento v2 accepts.
const (
	LinguaItaliano Lingua = "it"
	LinguaInglese  Lingua = "en"
	LinguaFrancese Lingua = "fr"
	LinguaSloveno  Lingua = "sl"
	LinguaTedesco  Lingua = "de"
)

// AutenticazioneSoggetto says how the portal authenticated the payer
// (autenticazioneSoggetto).
type AutenticazioneSoggetto string

// The authentication kinds API Pagamento v2 accepts.
const (
	AutenticazioneCNS            AutenticazioneSoggetto = "CNS"
	AutenticazioneUSR            AutenticazioneSoggetto = "USR"
	AutenticazioneOTH            AutenticazioneSoggetto = "OTH"
	AutenticazioneNonApplicabile AutenticazioneSoggetto = "N/A"
)

// TipoVersamento is the payment instrument pre-selected with a PSP
// (query parameter tipoVersamento; GovPay's default is BBT).
type TipoVersamento string

// The payment instruments of pagoPA's RPT.
const (
	VersamentoBonifico          TipoVersamento = "BBT"  // bank transfer
	VersamentoBollettinoPostale TipoVersamento = "BP"   // postal order
	VersamentoAddebitoDiretto   TipoVersamento = "AD"   // direct debit
	VersamentoCarta             TipoVersamento = "CP"   // card
	VersamentoPSP               TipoVersamento = "PO"   // at the PSP
	VersamentoOBEP              TipoVersamento = "OBEP" // online banking e-payment
	VersamentoAltro             TipoVersamento = "OTH"
	VersamentoJiffy             TipoVersamento = "JIF"  // in API Pagamento v2's spec; GovPay 3.9.1 refuses it with a PSP
	VersamentoMyBank            TipoVersamento = "MYBK" // in API Pagamento v2's spec; GovPay 3.9.1 refuses it with a PSP
)

// Conto is a bank account (contoAddebito: the account to debit).
type Conto struct {
	// IBAN of the account.
	IBAN string `json:"iban"`
	// BIC of the bank, optional.
	BIC string `json:"bic,omitempty"`
}

// DefaultReconcileTimeout bounds the lookup that follows an ambiguous
// payment start, when StartOptions.ReconcileTimeout is zero.
const DefaultReconcileTimeout = 15 * time.Second

// StartOptions are the parameters of a payment start besides the cart. The
// body fields (URLRitorno … Lingua) travel in the JSON body, the others in
// the query string, as API Pagamento v2 wants them.
type StartOptions struct {
	// URLRitorno is where the payer comes back (absolute http or https URL,
	// no fragment, no credentials). Optional for legacy mode, required by
	// the checkout bridge (GovPay answers 400 without it).
	URLRitorno string
	// IDSessionePortale is the portal's own id of this attempt (query
	// parameter). Set it: it is what makes an ambiguous failure
	// recoverable (see Client.Start). Use a new one per attempt.
	IDSessionePortale string
	// Lingua of the payment pages.
	Lingua Lingua
	// SoggettoVersante is who pays, when not the debtor.
	SoggettoVersante *govpay.Soggetto
	// AutenticazioneSoggetto says how the portal authenticated the payer.
	AutenticazioneSoggetto AutenticazioneSoggetto
	// ContoAddebito is the account to debit (direct debit payments).
	ContoAddebito *Conto
	// DataEsecuzionePagamento is the day the payment is requested for,
	// when not today.
	DataEsecuzionePagamento govpay.Date
	// CredenzialiPagatore are credentials the PSP needs (a one-time code),
	// at most 35 characters. They never appear in errors.
	CredenzialiPagatore string
	// CodiceConvenzione is an agreement between creditor and PSP (query
	// parameter codiceConvenzione, 5–35 characters).
	CodiceConvenzione string
	// IDPSP, IDIntermediarioPSP and IDCanale pre-select a PSP (query
	// parameters identificativoPSP, identificativoIntermediarioPSP,
	// identificativoCanale): all three or none.
	IDPSP              string
	IDIntermediarioPSP string
	IDCanale           string
	// TipoVersamento is the instrument of the pre-selected PSP (query
	// parameter tipoVersamento).
	TipoVersamento TipoVersamento
	// ReCaptcha is the reCAPTCHA response of a public portal (query
	// parameter gRecaptchaResponse).
	ReCaptcha string
	// ReconcileTimeout bounds the lookup after an ambiguous failure
	// (DefaultReconcileTimeout when zero).
	ReconcileTimeout time.Duration
}

var (
	reIBAN = regexp.MustCompile(`^[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$`)
	reBIC  = regexp.MustCompile(`^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$`)
)

// MaxIDSessionePortale is the longest idSessionePortale accepted.
const MaxIDSessionePortale = 255

// Validate checks the options against API Pagamento v2's rules and returns
// nil or a *govpay.ValidationError naming each field as GovPay does
// (urlRitorno, soggettoVersante.identificativo, identificativoPSP…).
func (o StartOptions) Validate() error {
	v := verr.New("StartOptions")
	o.check(v)
	return v.Err()
}

func (o *StartOptions) check(v *verr.Builder) {
	// GovPay 3.9.1 checks the body in NuovoPagamento.validate
	// (NuovoPagamento.java:276-287) and the query parameters in
	// PagamentiController.addPagamento (PagamentiController.java:151-176).
	// Go strings travel as UTF-8: a string that is not valid UTF-8 would
	// be altered on the wire (json.Marshal and url.Values replace the bad
	// bytes), so every string option must be valid UTF-8.
	if o.URLRitorno != "" {
		if rule := checkReturnURL(o.URLRitorno); rule != "" {
			v.Add("urlRitorno", rule)
		}
	}
	if s := o.IDSessionePortale; s != "" {
		// GovPay stores it unchecked in pagamenti_portale.id_sessione_portale,
		// VARCHAR(255) (postgresql/gov_pay.sql:709): a longer one fails the
		// insert after the request was accepted (a 500, an ambiguous start).
		// The SDK also wants printable ASCII, as Avvio.IDSessionePortale
		// does: the portal stores it, and reconciliation compares it byte
		// for byte.
		if len(s) > MaxIDSessionePortale {
			v.Addf("idSessionePortale", "at most %d characters", MaxIDSessionePortale)
		} else if !printableASCII(s) {
			v.Add("idSessionePortale", "must hold printable ASCII characters only")
		}
	}
	// lingua: GovPay reads a value other than it, en, fr, sl, de as none
	// (LinguaPagamento.fromValue returns null, LinguaPagamento.java:66-75)
	// and goes on: any lingua is accepted, as long as it travels unaltered.
	if rule := textRule(string(o.Lingua), false); rule != "" {
		v.Add("lingua", rule)
	}
	if o.SoggettoVersante != nil {
		checkVersante(v, o.SoggettoVersante)
	}
	switch o.AutenticazioneSoggetto {
	case "", AutenticazioneCNS, AutenticazioneUSR, AutenticazioneOTH, AutenticazioneNonApplicabile:
		// TipoAutenticazioneSoggetto.java:39-48; "" is sent as nothing and
		// GovPay defaults it to N/A (NuovoPagamento.java:65).
	default:
		v.Add("autenticazioneSoggetto", "must be CNS, USR, OTH or N/A")
	}
	if c := o.ContoAddebito; c != nil {
		// Conto.validate (Conto.java:128-134): iban with
		// CostantiValidazione.PATTERN_IBAN_ACCREDITO (1-255 characters),
		// bic with PATTERN_BIC_1 when present.
		if !reIBAN.MatchString(c.IBAN) {
			v.Add("contoAddebito.iban", "must be an IBAN (two letters, two digits, up to 30 letters or digits)")
		}
		if c.BIC != "" && !reBIC.MatchString(c.BIC) {
			v.Add("contoAddebito.bic", "must be a BIC of 8 or 11 characters")
		}
	}
	if !o.DataEsecuzionePagamento.IsZero() {
		checkDataEsecuzione(v, o.DataEsecuzionePagamento, time.Now())
	}
	if s := o.CredenzialiPagatore; s != "" {
		// NuovoPagamento.java:281: 1 to 35 characters (Java's String.length:
		// UTF-16 units). The value is never echoed.
		if !utf8.ValidString(s) {
			v.Add("credenzialiPagatore", "must be valid UTF-8")
		} else if javastr.Len(s) > 35 {
			v.Add("credenzialiPagatore", "at most 35 characters")
		}
	}
	if s := o.CodiceConvenzione; s != "" {
		// ValidatoreUtils.validaCodiceConvenzione (ValidatoreUtils.java:40-42),
		// called at PagamentiController.java:157.
		if rule := textRule(s, true); rule != "" {
			v.Add("codiceConvenzione", rule)
		} else if n := javastr.Len(s); n < 5 || n > 35 {
			v.Add("codiceConvenzione", "must have 5 to 35 characters")
		}
	}
	checkPSP(v, o)
	// tipoVersamento is read by GovPay only with a pre-selected PSP
	// (PagamentiController.java:162-175); without one any value is ignored.
	// With one, GovPay converts it with TipoVersamento.toEnum, which knows
	// BBT, BP, AD, CP, OBEP, PO and OTH only (it/govpay/model/Canale.java:55-78,
	// called by it/govpay/bd/model/Canale.java:29-30): JIF and MYBK are
	// refused there.
	if rule := textRule(string(o.TipoVersamento), true); rule != "" {
		v.Add("tipoVersamento", rule)
	} else if o.IDPSP != "" || o.IDIntermediarioPSP != "" || o.IDCanale != "" {
		switch o.TipoVersamento {
		case "", VersamentoBonifico, VersamentoBollettinoPostale, VersamentoAddebitoDiretto, VersamentoCarta, VersamentoPSP,
			VersamentoOBEP, VersamentoAltro:
		default:
			v.Add("tipoVersamento", "with a PSP, must be BBT, BP, AD, CP, PO, OBEP or OTH")
		}
	}
	if s := o.ReCaptcha; s != "" {
		if rule := textRule(s, true); rule != "" {
			v.Add("gRecaptchaResponse", rule)
		}
	}
	if o.ReconcileTimeout < 0 {
		v.Add("ReconcileTimeout", "must not be negative")
	}
}

// checkPSP checks the pre-selected PSP: GovPay wants the three ids
// together, 1 to 35 characters each (ValidatoreUtils.validaStringa35 with
// mandatorio=true, PagamentiController.java:162-170).
func checkPSP(v *verr.Builder, o *StartOptions) {
	ids := [...]struct{ name, val string }{
		{"identificativoPSP", o.IDPSP},
		{"identificativoIntermediarioPSP", o.IDIntermediarioPSP},
		{"identificativoCanale", o.IDCanale},
	}
	set := 0
	for _, id := range ids {
		if id.val != "" {
			set++
		}
	}
	if set == 0 {
		return
	}
	for _, id := range ids {
		switch {
		case id.val == "":
			v.Add(id.name, "required when a PSP is chosen (identificativoPSP, identificativoIntermediarioPSP and identificativoCanale go together)")
		case textRule(id.val, true) != "":
			v.Add(id.name, textRule(id.val, true))
		case javastr.Len(id.val) > 35:
			v.Add(id.name, "at most 35 characters")
		}
	}
}

// checkVersante checks soggettoVersante as GovPay does for a payer who is
// not the debtor: Soggetto.validateVersante (Soggetto.java:338-349, chosen
// by NuovoPagamento.java:282-285) requires identificativo (2 to 16
// characters) and anagrafica (1 to 70), and leaves tipo optional. The other
// fields are checked by govpay.Soggetto.Validate, which also requires tipo:
// a versante without tipo is checked as a natural person. Its tipo travels
// as "", which GovPay reads as none (TipoSoggetto.fromValue returns null,
// TipoSoggetto.java:59-67).
func checkVersante(v *verr.Builder, s *govpay.Soggetto) {
	cp := *s
	if cp.Tipo == "" {
		cp.Tipo = govpay.SoggettoFisico
	}
	v.Merge("soggettoVersante", cp.Validate())
	if n := javastr.Len(s.Identificativo); n == 1 {
		v.Add("soggettoVersante.identificativo", "must have 2 to 16 characters")
	}
	if s.Anagrafica == "" {
		v.Add("soggettoVersante.anagrafica", "required for the versante")
	}
}

// checkDataEsecuzione checks dataEsecuzionePagamento against GovPay's
// window: not before today and at most 30 days ahead, on GovPay's clock
// (NuovoPagamentoValidator.java:43, DateValidator.after and insideDays).
// The SDK allows one more day on each side, so that a clock or time zone
// difference with the server never refuses a date GovPay accepts.
func checkDataEsecuzione(v *verr.Builder, d govpay.Date, now time.Time) {
	today := govpay.DateOf(now.In(govpay.Rome())).Time(time.UTC)
	day := d.Time(time.UTC)
	if day.Before(today.AddDate(0, 0, -1)) || day.After(today.AddDate(0, 0, 31)) {
		v.Add("dataEsecuzionePagamento", "must be from today to 30 days ahead")
	}
}

// textRule returns "" when s is valid UTF-8 without control characters
// (C0, DEL, C1 when noControl is set), or the rule it breaks.
func textRule(s string, noControl bool) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	if noControl && strings.ContainsFunc(s, isControlC1) {
		return "must not contain control characters"
	}
	return ""
}

func isControlC1(r rune) bool { return isControl(r) || (r >= 0x80 && r < 0xa0) }

// reURLRitorno is the pattern GovPay matches urlRitorno against, whole
// (NuovoPagamento.java:279 with StringValidator.pattern, which calls
// Matcher.matches: StringValidator.java:81-85). Both character classes
// hold ASCII only, so Go's \b (ASCII word boundary) matches as Java's.
var reURLRitorno = regexp.MustCompile(`^https?://(www\.)?[-a-zA-Z0-9@:%._+~#=]{2,256}\b([-a-zA-Z0-9@:%_+.~#?&/=]*)$`)

// reURLRitornoUnbounded is reURLRitorno without the upper bound of its
// host part. Go compiles the bounded repetition {2,256} into a program of
// hundreds of instructions, too long for its backtracking matcher, and
// matching took 3.9–5.1 µs (BENCHMARKS.md, P1 Start); this one is short.
var reURLRitornoUnbounded = regexp.MustCompile(`^https?://(www\.)?[-a-zA-Z0-9@:%._+~#=]{2,}\b([-a-zA-Z0-9@:%_+.~#?&/=]*)$`)

// matchURLRitorno reports whether u matches reURLRitorno, GovPay's
// pattern, most of the time with reURLRitornoUnbounded. Let rest be u
// after "http://" or "https://" and m the length of the run of host
// characters ([-a-zA-Z0-9@:%._+~#=], "www." among them) rest starts with.
// Both patterns match when rest is made of path characters and its host
// part, which can only end inside that run, ends at a word boundary at
// least 2 characters after the optional "www."; the bound only adds that
// it ends at most 256 characters after it. Every end inside the run is at
// most m, so when m ≤ 256 the bound excludes nothing and the two patterns
// agree; a longer run is matched with reURLRitorno itself. The
// differential test TestMatchURLRitornoAsGovPayPattern holds the two to
// the same answers.
func matchURLRitorno(u string) bool {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(u, "http://"); !ok {
			return false
		}
	}
	m := 0
	for m < len(rest) && isHostChar(rest[m]) {
		m++
	}
	if m > 256 {
		return reURLRitorno.MatchString(u)
	}
	return reURLRitornoUnbounded.MatchString(u)
}

// isHostChar reports whether c is in the class of the host part of
// reURLRitorno, [-a-zA-Z0-9@:%._+~#=].
func isHostChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-@:%._+~#=", c) >= 0
}

// checkReturnURL returns "" when u is an acceptable urlRitorno, or the rule
// it breaks: GovPay's pattern (reURLRitorno), plus the SDK's own rules for
// a URL the payer's browser is sent to: no fragment (GovPay appends
// ?idPagamento= or &idPagamento= at the end of the text, UrlUtils.java:81-89,
// which would land in the fragment), no credentials, a valid port.
func checkReturnURL(u string) string {
	if !matchURLRitorno(u) {
		return `must match GovPay's pattern https?://(www\.)?[-a-zA-Z0-9@:%._+~#=]{2,256}\b([-a-zA-Z0-9@:%_+.~#?&/=]*): an absolute http or https URL, scheme in lower case, without spaces or other characters`
	}
	p, err := url.Parse(u)
	switch {
	case err != nil:
		return "must be a valid URL"
	case p.Host == "":
		return "must be an absolute http or https URL with a host"
	case !validPort(p.Port()):
		return "port must be a number from 1 to 65535"
	case p.User != nil:
		return "must not carry credentials"
	case strings.Contains(u, "#"):
		return "must not have a fragment (GovPay appends the outcome to the query)"
	}
	return ""
}

// validPort reports whether port (as url.URL.Port returns it: digits, or
// "" when the URL names none) is absent or within 1–65535.
func validPort(port string) bool {
	if port == "" {
		return true
	}
	n, err := strconv.ParseUint(port, 10, 16)
	return err == nil && n > 0
}

// params returns the query parameters of the start request; empty ones
// are left out.
func (o *StartOptions) params() *gen.CreatePagamentoParams {
	return &gen.CreatePagamentoParams{
		IDSessionePortale:              optional(o.IDSessionePortale),
		GRecaptchaResponse:             optional(o.ReCaptcha),
		CodiceConvenzione:              optional(o.CodiceConvenzione),
		IdentificativoPSP:              optional(o.IDPSP),
		IdentificativoIntermediarioPSP: optional(o.IDIntermediarioPSP),
		IdentificativoCanale:           optional(o.IDCanale),
		TipoVersamento:                 optional(gen.TipoVersamento(o.TipoVersamento)),
	}
}

// nuovoPagamentoWire is the body of POST /pagamenti (NuovoPagamento): the
// cart's items and the options. startBody writes its JSON.
type nuovoPagamentoWire struct {
	Pendenze []json.RawMessage `json:"pendenze"`
	pagamentoOptionsWire
}

// pagamentoOptionsWire is NuovoPagamento without its pendenze.
type pagamentoOptionsWire struct {
	URLRitorno              string                 `json:"urlRitorno,omitempty"`
	ContoAddebito           *Conto                 `json:"contoAddebito,omitempty"`
	DataEsecuzionePagamento govpay.Date            `json:"dataEsecuzionePagamento,omitzero"`
	CredenzialiPagatore     string                 `json:"credenzialiPagatore,omitempty"`
	SoggettoVersante        *govpay.Soggetto       `json:"soggettoVersante,omitempty"`
	AutenticazioneSoggetto  AutenticazioneSoggetto `json:"autenticazioneSoggetto,omitempty"`
	Lingua                  Lingua                 `json:"lingua,omitempty"`
}

// startBody encodes the body of POST /pagamenti for a validated cart: the
// JSON of a nuovoPagamentoWire, written by Cart.body as the cart's items
// followed by the options marshalled with encoding/json. json.Marshal of the
// nuovoPagamentoWire itself gives the same bytes (TestStartBodyIsMarshal)
// but scans and compacts every item again: 7.3 µs of the 40 µs a Start
// spends in the client in BenchmarkP1Start/impl=sdk's CPU profile (100,000
// calls at 4e8a119); see BENCHMARKS.md for the paired figures.
func startBody(cart *Cart, opts *StartOptions) ([]byte, error) {
	rest, err := json.Marshal(&pagamentoOptionsWire{
		URLRitorno:              opts.URLRitorno,
		ContoAddebito:           opts.ContoAddebito,
		DataEsecuzionePagamento: opts.DataEsecuzionePagamento,
		CredenzialiPagatore:     opts.CredenzialiPagatore,
		SoggettoVersante:        opts.SoggettoVersante,
		AutenticazioneSoggetto:  opts.AutenticazioneSoggetto,
		Lingua:                  opts.Lingua,
	})
	if err != nil {
		return nil, err
	}
	return cart.body(rest), nil
}

// pagamentoCreatoWire is the 201 answer (PagamentoCreato).
type pagamentoCreatoWire struct {
	ID        string `json:"id"`
	Location  string `json:"location"`
	Redirect  string `json:"redirect"`
	IDSession string `json:"idSession"`
}

// ErrUnsafeRedirect is matched by a *RedirectError.
var ErrUnsafeRedirect = errors.New("pagamenti: unsafe redirect URL")

// RedirectError reports a payment that was started but whose redirect URL
// the SDK refuses to hand to a browser: not absolute, not https (without
// govpay.WithInsecureRedirect), or missing. The payment exists: Avvio tells
// how to track it (Avvio.Redirect is empty).
type RedirectError struct {
	// Avvio is the started payment, without its redirect.
	Avvio *Avvio
	// URL is an excerpt of the refused URL.
	URL string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns one human sentence.
func (e *RedirectError) Error() string {
	id := ""
	if e.Avvio != nil && e.Avvio.ID != "" {
		id = " (payment id " + e.Avvio.ID + ")"
	}
	return fmt.Sprintf("pagamenti: payment started%s but its redirect URL %q is refused: %s", id, e.URL, e.Reason)
}

// Is matches ErrUnsafeRedirect.
func (e *RedirectError) Is(target error) bool { return target == ErrUnsafeRedirect }

// safeRedirect returns "" when raw is an acceptable browser redirect, or
// the reason it is not.
func safeRedirect(raw string, allowHTTP bool) string {
	if raw == "" {
		return "missing"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "not a valid URL"
	case !u.IsAbs() || u.Host == "":
		return "not an absolute URL"
	case u.User != nil:
		return "carries credentials"
	case strings.ContainsFunc(raw, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return "contains control characters"
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && allowHTTP:
		return ""
	case u.Scheme == "http":
		return "not https (plain http is allowed only with govpay.WithInsecureRedirect)"
	}
	return "scheme " + u.Scheme + " is not https"
}

// OutcomeUnknownError reports a payment start whose outcome is unknown: the
// request may have created a payment or not. It matches
// govpay.ErrOutcomeUnknown and unwraps to the failure of the request
// (a *govpay.NetworkError, a *govpay.Error with a 5xx status, or a
// *govpay.DecodeError of an unreadable answer).
//
// Do not start the same cart again blindly: the payer could pay twice. Look
// the payment up (Client.List with the IDSessionePortale), or ask the payer
// to check their payments.
//
// GovPay's checkout bridge (GovPay 3.9 with a V2 station) records no
// payment for a start (PagamentiPortaleDAO.java:397-463 answers before the
// payment is inserted at :513, link-it/govpay @1840dca), so against it the
// lookup never finds one and an ambiguous start always ends here. The
// redirect to pagoPA Checkout was lost with the answer, so the payer cannot
// have reached that page: the debts' state (pendenze.Client.Get,
// Client.ListPosizione) says what is still to pay, and a debt still
// payable can be started again.
type OutcomeUnknownError struct {
	// IDSessionePortale of the attempt; "" when none was given (then no
	// lookup was possible).
	IDSessionePortale string
	// Err is the failure of the start request.
	Err error
	// LookupErr is the failure of the lookup by IDSessionePortale; nil when
	// the lookup was not made or found nothing.
	LookupErr error
	// Lookup says what a lookup that did not fail found and why nothing
	// was adopted ("no payment", "2 payments with this idSessionePortale",
	// "1 payment with another or no idSessionePortale"); "" when no lookup
	// was made or it failed.
	Lookup string
}

// Error returns one human sentence.
func (e *OutcomeUnknownError) Error() string {
	var b strings.Builder
	b.WriteString("pagamenti: payment start outcome unknown: ")
	b.WriteString(e.Err.Error())
	switch {
	case e.IDSessionePortale == "":
		b.WriteString("; no idSessionePortale was given, so the payment cannot be looked up")
	case e.LookupErr != nil:
		b.WriteString("; looking up idSessionePortale " + e.IDSessionePortale + " failed too: " + e.LookupErr.Error())
	case e.Lookup != "":
		b.WriteString("; looking up idSessionePortale " + e.IDSessionePortale + " adopted nothing: " + e.Lookup)
	default:
		b.WriteString("; no payment with idSessionePortale " + e.IDSessionePortale + " found (yet)")
	}
	return b.String()
}

// Unwrap returns govpay.ErrOutcomeUnknown, the request's failure and the
// lookup's failure, if any.
func (e *OutcomeUnknownError) Unwrap() []error {
	errs := []error{govpay.ErrOutcomeUnknown, e.Err}
	if e.LookupErr != nil {
		errs = append(errs, e.LookupErr)
	}
	return errs
}

// Start starts the payment of cart with POST /pagamenti (API Pagamento v2,
// operation addPagamento) and tells where to send the payer.
//
// The cart and the options are validated first; any violation is returned
// as one *govpay.ValidationError and nothing is sent. The request is sent
// exactly once, never retried. GovPay's answers:
//
//   - 201 with a payment id: ModeLegacy, with Redirect to WISP and IDSession;
//   - 201 with id "0": ModeCheckoutBridge, Redirect to pagoPA Checkout;
//   - 302: ModeCheckoutBridge, Redirect and Location from the Location
//     header, which is read and never followed (another 3xx, which GovPay
//     never sends, is a *govpay.DecodeError and counts as ambiguous);
//   - an error status: a *govpay.Error (400 for a missing urlRitorno, 422
//     PAG_* for business rules…). A 502 FaultBeanEsteso carries the id of
//     a payment GovPay created anyway in Error.ID and Error.Location.
//
// Redirect is checked before it is returned (see Avvio.Redirect); a refused
// one gives a *RedirectError holding the Avvio.
//
// An ambiguous failure (the request may have reached GovPay: a timeout, a
// connection lost after sending, a 5xx other than the 502 above, an
// unreadable 201, a 3xx other than 302) is never retried. When opts.IDSessionePortale is set,
// Start looks the payment up with GET /pagamenti?idSessionePortale= (for at
// most opts.ReconcileTimeout, even if ctx has ended) and returns the one
// payment whose idSessionePortale is exactly opts.IDSessionePortale as an
// Avvio with Reconciled set, after checking with GET /pagamenti/{id} that
// the debts GovPay lists for it, if any, are the cart's. Otherwise (no
// idSessionePortale, no such payment, several of them, only payments of
// other sessions, other debts, a failed lookup) it returns an *OutcomeUnknownError, which matches
// govpay.ErrOutcomeUnknown.
//
// The request carries opts.CredenzialiPagatore and opts.ReCaptcha as
// per-request secrets: they are redacted from every error and log line.
func (c *Client) Start(ctx context.Context, cart *Cart, opts StartOptions) (*Avvio, error) {
	const op = "pagamenti.Start"
	if ctx == nil {
		return nil, errNilContext
	}
	v := verr.Builder{What: "pagamento"}
	v.Merge("", cart.Validate())
	opts.check(&v)
	if len(v.Violations) > 0 {
		ve := v // on the heap only when returned
		return nil, ve.Err()
	}
	body, err := startBody(cart, &opts)
	if err != nil {
		return nil, fmt.Errorf("pagamenti: encoding the payment: %w", err)
	}
	// Sent once (NoRetry: the transport never retries a POST anyway, and
	// this one must never be); the checkout bridge answers 302, read and
	// not followed.
	resp, err := c.api.CreatePagamentoWithBody(transport.WithCall(ctx, transport.Request{
		Operation:      op,
		NoRetry:        true,
		AcceptRedirect: true,
		Secrets:        opts.secrets(),
	}), opts.params(), "application/json", bytes.NewReader(body))
	if err == nil {
		var a *Avvio
		a, err = c.started(op, resp)
		if err == nil {
			return completeAvvio(a, nil, cart, opts.IDSessionePortale)
		}
	}
	if !ambiguous(err) {
		return completeAvvio(nil, err, cart, opts.IDSessionePortale)
	}
	o := opts // a copy on the heap, and only on this path: reconcile keeps its argument
	a, err := c.reconcile(ctx, cart, &o, err)
	return completeAvvio(a, err, cart, opts.IDSessionePortale)
}

// secrets returns the per-request secrets of the options, which the
// transport redacts from every error and log line (DESIGN §5 "Secrets"):
// the payer's credentials and the reCAPTCHA response, a one-time token.
// nil when there are none.
func (o *StartOptions) secrets() []string {
	switch {
	case o.CredenzialiPagatore != "" && o.ReCaptcha != "":
		return []string{o.CredenzialiPagatore, o.ReCaptcha}
	case o.CredenzialiPagatore != "":
		return []string{o.CredenzialiPagatore}
	case o.ReCaptcha != "":
		return []string{o.ReCaptcha}
	}
	return nil
}

// started reads a successful answer of POST /pagamenti. Every text taken
// from the answer into an error goes through the transport's redaction of
// the request's secrets (transport.DecodeFailure, transport.Redact).
func (c *Client) started(op string, resp *http.Response) (*Avvio, error) {
	allowHTTP := c.tc.Config().AllowInsecureRedirect
	if resp.StatusCode == http.StatusFound {
		// The checkout bridge answers 302 with pagoPA Checkout's page
		// (PagamentiController.java:189-191): the only 3xx GovPay sends.
		loc := resp.Header.Get("Location")
		transport.Drain(resp)
		if loc == "" {
			return nil, transport.DecodeFailure(op, resp, errors.New("redirect without a Location header"))
		}
		a := &Avvio{Mode: ModeCheckoutBridge, Location: loc}
		if reason := safeRedirect(loc, allowHTTP); reason != "" {
			a.Location = transport.Redact(resp, loc)
			return nil, &RedirectError{Avvio: a, URL: excerpt(a.Location), Reason: reason}
		}
		a.Redirect = loc
		return a, nil
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		// Another 3xx (a proxy's: GovPay sends none) or an unexpected 2xx:
		// never a success.
		transport.Drain(resp)
		return nil, transport.DecodeFailure(op, resp, fmt.Errorf("unexpected status %d, want 201 or 302", resp.StatusCode))
	}
	var w pagamentoCreatoWire
	if err := transport.DecodeJSON(op, resp, &w); err != nil {
		return nil, err
	}
	if w.Redirect == "" && (w.ID == "" || w.ID == "0") {
		// Both the legacy 201 and the bridge's 201 carry a redirect: an
		// answer with neither a redirect nor a payment id is not a start we
		// can use, and the payment may exist all the same (the caller
		// reconciles it). With an id, the RedirectError below names it.
		return nil, transport.DecodeFailure(op, resp, errors.New("the answer has no redirect"))
	}
	a := &Avvio{Mode: ModeLegacy, ID: w.ID, Location: w.Location, IDSession: w.IDSession}
	if w.ID == "" || w.ID == "0" {
		a.Mode, a.ID = ModeCheckoutBridge, ""
	}
	if a.IDSession == "0" {
		a.IDSession = ""
	}
	if reason := safeRedirect(w.Redirect, allowHTTP); reason != "" {
		return nil, &RedirectError{Avvio: a, URL: excerpt(transport.Redact(resp, w.Redirect)), Reason: reason}
	}
	a.Redirect = w.Redirect
	return a, nil
}

// ambiguous reports whether a failed start may have created a payment.
func ambiguous(err error) bool {
	var ne *govpay.NetworkError
	if errors.As(err, &ne) {
		return ne.Sent
	}
	var ge *govpay.Error
	if errors.As(err, &ge) {
		// A 502 FaultBeanEsteso names the payment it created: not ambiguous.
		return ge.StatusCode >= 500 && ge.ID == ""
	}
	var de *govpay.DecodeError
	// An unreadable 2xx, a 302 without a usable Location, or another 3xx
	// (GovPay sends none; a proxy in between may): the payment may exist.
	return errors.As(err, &de) && de.StatusCode >= 200 && de.StatusCode < 400
}

// reconcile looks up the payment of an ambiguous start.
//
// Only a payment whose idSessionePortale is exactly the one sent is
// adopted (DESIGN §5 "Ambiguous payment start"): the server's filter is not
// trusted, and a payment with an empty, missing or different
// idSessionePortale is someone else's (GovPay stores the portal's value as
// given and null when none: PagamentiPortaleDAO.java:488). Exactly one such
// payment is adopted; none, or several (the portal reused the id: which one
// this start created cannot be told), give an *OutcomeUnknownError whose
// Lookup says what was found. The list answer (Sintesi) does not carry the
// payment's debts: the one candidate is read with GET /pagamenti/{id},
// whose pendenze GovPay lists for the payment's pagoPA transactions
// (PagamentiController.java:348-365); when it lists any, they must be the
// cart's (see matchesCart), else nothing is adopted. A payment without
// transactions lists none: nothing to compare. The payment found is always
// a legacy one: the checkout bridge records none (see OutcomeUnknownError).
func (c *Client) reconcile(ctx context.Context, cart *Cart, opts *StartOptions, cause error) (*Avvio, error) {
	idsp := opts.IDSessionePortale
	if idsp == "" {
		return nil, &OutcomeUnknownError{Err: cause}
	}
	timeout := opts.ReconcileTimeout
	if timeout == 0 {
		timeout = DefaultReconcileTimeout
	}
	if ctx.Err() != nil {
		// The caller's context ended (that may be the very failure): the
		// lookup still runs, briefly, so the caller learns the outcome.
		ctx = context.WithoutCancel(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var (
		found          Sintesi
		matches, other int
	)
	for s, err := range c.List(ctx, ListOptions{IDSessionePortale: idsp, RisultatiPerPagina: 25}) {
		if err != nil {
			return nil, &OutcomeUnknownError{IDSessionePortale: idsp, Err: cause, LookupErr: err}
		}
		if s.IDSessionePortale != idsp || s.ID == "" {
			other++ // someone else's payment, or one that cannot be tracked
			continue
		}
		matches++
		if matches == 1 {
			found = s
		} else if s.ID == found.ID {
			matches-- // the same payment listed twice (pages shifted)
		}
	}
	if matches != 1 {
		var detail string
		switch {
		case matches > 1:
			detail = strconv.Itoa(matches) + " payments carry this idSessionePortale: which one this start created cannot be told"
		case other > 0:
			detail = strconv.Itoa(other) + " payment(s) with another, empty or missing idSessionePortale (or no id) ignored"
		}
		return nil, &OutcomeUnknownError{IDSessionePortale: idsp, Err: cause, Lookup: detail}
	}
	p, err := c.Get(ctx, found.ID)
	if err != nil {
		return nil, &OutcomeUnknownError{IDSessionePortale: idsp, Err: cause, LookupErr: err}
	}
	if p.IDSessionePortale != idsp {
		return nil, &OutcomeUnknownError{IDSessionePortale: idsp, Err: cause,
			Lookup: "payment " + found.ID + " has another idSessionePortale when read"}
	}
	if len(p.Pendenze) > 0 && !matchesCart(cart, p.Pendenze) {
		return nil, &OutcomeUnknownError{IDSessionePortale: idsp, Err: cause,
			Lookup: "payment " + found.ID + " with this idSessionePortale pays other debts than the cart"}
	}
	a := &Avvio{
		Mode:       ModeLegacy,
		ID:         found.ID,
		Location:   "/pagamenti/" + url.PathEscape(found.ID),
		IDSession:  found.IDSessionePSP,
		Reconciled: true,
		Stato:      found.Stato,
	}
	if found.PSPRedirectURL != "" {
		if reason := safeRedirect(found.PSPRedirectURL, c.tc.Config().AllowInsecureRedirect); reason != "" {
			return nil, &RedirectError{Avvio: a, URL: excerpt(found.PSPRedirectURL), Reason: reason}
		}
		a.Redirect = found.PSPRedirectURL
	}
	return a, nil
}

// matchesCart reports whether debts are the cart's items, one debt per
// item: a reference or a full pendenza by idA2A and idPendenza, an avviso by
// numeroAvviso (and idDominio when the debt names it), a spontaneous item by
// idDominio and idTipoPendenza when the debt names them (GovPay gives the
// pendenza it builds its own ids).
func matchesCart(cart *Cart, debts []pendenze.Sintesi) bool {
	if cart == nil || len(debts) != len(cart.items) {
		return false
	}
	used := make([]bool, len(debts))
	for i := range cart.items {
		it := &cart.items[i].Item
		found := false
		for j := range debts {
			if !used[j] && debtIs(&debts[j], it) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func debtIs(d *pendenze.Sintesi, it *Item) bool {
	dominio := d.Dominio.IDDominio == "" || d.Dominio.IDDominio == it.IDDominio
	switch it.Kind {
	case ItemRiferimento, ItemPendenza:
		return d.IDA2A == it.IDA2A && d.IDPendenza == it.IDPendenza
	case ItemAvviso:
		return dominio && d.NumeroAvviso == it.NumeroAvviso.String()
	case ItemSpontaneo:
		return dominio && (d.IDTipoPendenza == "" || d.IDTipoPendenza == it.IDTipoPendenza)
	}
	return false
}
