package pagamenti

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/verr"
)

// AvvioVersion is the version of the JSON form of an [Avvio] this package
// writes ("version" in the JSON). Decoding refuses any other version: an
// Avvio written by a newer SDK is not guessed at.
const AvvioVersion = 1

// MaxAvvioID is the most characters an identifier of an Avvio holds (id,
// idSession, idSessionePortale, idCart): MaxIDSessionePortale, the longest
// a portal may send.
const MaxAvvioID = MaxIDSessionePortale

// maxAvvioURL bounds Location and Redirect in a decoded Avvio.
const maxAvvioURL = 4096

// Avvio is a started payment: where to send the payer's browser, and
// everything needed afterwards to learn its outcome, on any replica of the
// portal and after any restart. It is the one thing a portal stores between
// the start of a payment and the payer's return: [Resolver.Resolve] needs
// nothing else (no Cart, no process memory).
//
// json.Marshal gives a stable form: lower-camel names, amounts as exact
// decimals, a "version" field (AvvioVersion). Decoding (json.Unmarshal or
// [ParseAvvio]) ignores unknown fields and validates the rest, so a
// truncated or tampered Avvio is an error (a *govpay.ValidationError, What
// "avvio") rather than a wrong answer. The JSON is not signed: keep it
// server side, or sign it, when the browser carries it.
type Avvio struct {
	// Mode says how the payment was started.
	Mode Mode
	// ID is GovPay's payment id in legacy mode (use it with Client.Get and
	// Client.Wait). It is "" when there is no GovPay payment to track:
	// the "0" the checkout bridge answers is reported as "".
	ID string
	// Location is the payment's resource as GovPay wrote it
	// ("/pagamenti/{id}"), or the Location header of a 302 from the
	// checkout bridge or pagoPA Checkout.
	Location string
	// Redirect is where to send the payer's browser (WISP, or pagoPA
	// Checkout). It has been checked to be an absolute https URL (http
	// only with govpay.WithInsecureRedirect). It may be "" for a
	// reconciled payment whose redirect GovPay did not record.
	Redirect string
	// IDSession is the session id of legacy mode ("" in the checkout
	// modes, where GovPay answers "0"). The payer comes back with it.
	IDSession string
	// IDSessionePortale is the portal's id of the attempt
	// (StartOptions.IDSessionePortale; "" when none was given).
	IDSessionePortale string
	// IDCart is the portal's id of the cart given to pagoPA Checkout
	// (CheckoutStartOptions.IDCart; ModeCheckout only).
	IDCart string
	// Reconciled is true when the start request failed ambiguously (a
	// timeout, a lost connection, a 5xx) and this Avvio was found
	// afterwards with GET /pagamenti?idSessionePortale=. Stato is then the
	// payment's state when it was found. A reconciled Avvio is always
	// ModeLegacy: GovPay's checkout bridge records no payment to find.
	Reconciled bool
	// Stato is the state of a reconciled payment ("" otherwise).
	Stato StatoPagamento
	// Items are the debts of the cart, in cart order: how each names its
	// debt, its notice and its amount when known.
	Items []AvvioItem
}

// AvvioItem is one debt of a started payment, as an [Avvio] keeps it.
type AvvioItem struct {
	// Kind is how the cart item named its debt.
	Kind ItemKind
	// IDA2A and IDPendenza are the vertical system's ids of the pendenza
	// (ItemPendenza, ItemRiferimento).
	IDA2A      string
	IDPendenza string
	// IDDominio is the creditor's codice fiscale, when known.
	IDDominio string
	// NumeroAvviso is the notice number (18 digits), "" when not known at
	// the start (a reference, a pendenza without an assigned number, a
	// spontaneous payment): Resolve then asks GovPay for it. It is text
	// because it may come from GovPay's answers (see
	// pendenze.Testata.NumeroAvviso).
	NumeroAvviso string
	// IDTipoPendenza is the pendenza type (ItemSpontaneo, and ItemPendenza
	// when set).
	IDTipoPendenza string
	// Importo is the amount when known at the start; zero means unknown.
	Importo govpay.Importo
}

// Trackable reports whether GovPay holds a payment for this start (legacy
// mode), so that Client.Get and Client.Wait can follow it.
func (a *Avvio) Trackable() bool { return a != nil && a.ID != "" }

// avvioWire is the JSON form of an Avvio.
type avvioWire struct {
	Version           int             `json:"version"`
	Mode              Mode            `json:"mode"`
	ID                string          `json:"id,omitempty"`
	Location          string          `json:"location,omitempty"`
	Redirect          string          `json:"redirect,omitempty"`
	IDSession         string          `json:"idSession,omitempty"`
	IDSessionePortale string          `json:"idSessionePortale,omitempty"`
	IDCart            string          `json:"idCart,omitempty"`
	Reconciled        bool            `json:"reconciled,omitempty"`
	Stato             StatoPagamento  `json:"stato,omitempty"`
	Items             []avvioItemWire `json:"items"`
}

type avvioItemWire struct {
	Kind           string          `json:"kind"`
	IDA2A          string          `json:"idA2A,omitempty"`
	IDPendenza     string          `json:"idPendenza,omitempty"`
	IDDominio      string          `json:"idDominio,omitempty"`
	NumeroAvviso   string          `json:"numeroAvviso,omitempty"`
	IDTipoPendenza string          `json:"idTipoPendenza,omitempty"`
	Importo        json.RawMessage `json:"importo,omitempty"` // a govpay.Importo, decoded by item
}

// MarshalJSON writes the stable JSON form of a (see Avvio). It does not
// validate a: an Avvio from Start is always valid.
func (a Avvio) MarshalJSON() ([]byte, error) {
	w := avvioWire{
		Version: AvvioVersion, Mode: a.Mode, ID: a.ID, Location: a.Location, Redirect: a.Redirect,
		IDSession: a.IDSession, IDSessionePortale: a.IDSessionePortale, IDCart: a.IDCart,
		Reconciled: a.Reconciled, Stato: a.Stato, Items: make([]avvioItemWire, len(a.Items)),
	}
	for i, it := range a.Items {
		x := avvioItemWire{Kind: it.Kind.String(), IDA2A: it.IDA2A, IDPendenza: it.IDPendenza, IDDominio: it.IDDominio,
			NumeroAvviso: it.NumeroAvviso, IDTipoPendenza: it.IDTipoPendenza}
		if it.Importo != 0 {
			b, err := it.Importo.MarshalJSON()
			if err != nil {
				return nil, err
			}
			x.Importo = b
		}
		w.Items[i] = x
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the JSON form of an Avvio, ignoring unknown fields,
// and validates it (see Avvio.Validate). Every failure, including a field of
// the wrong JSON type, is a *govpay.ValidationError (What "avvio").
func (a *Avvio) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil // as json.Unmarshal does for null
	}
	var w avvioWire
	if err := json.Unmarshal(b, &w); err != nil {
		v := verr.New("avvio")
		v.Add(jsonErrField(err), "unreadable JSON: "+err.Error())
		return v.Err()
	}
	v := verr.New("avvio")
	switch {
	case w.Version == 0:
		v.Add("version", "required (an Avvio written by json.Marshal has one)")
	case w.Version != AvvioVersion:
		v.Addf("version", "unsupported version %d, this SDK reads version %d", w.Version, AvvioVersion)
	}
	out := Avvio{Mode: w.Mode, ID: w.ID, Location: w.Location, Redirect: w.Redirect, IDSession: w.IDSession,
		IDSessionePortale: w.IDSessionePortale, IDCart: w.IDCart, Reconciled: w.Reconciled, Stato: w.Stato}
	if len(w.Items) > 0 {
		out.Items = make([]AvvioItem, len(w.Items))
	}
	for i, x := range w.Items {
		it := AvvioItem{Kind: parseItemKind(x.Kind), IDA2A: x.IDA2A, IDPendenza: x.IDPendenza, IDDominio: x.IDDominio,
			NumeroAvviso: x.NumeroAvviso, IDTipoPendenza: x.IDTipoPendenza}
		if it.Kind == 0 {
			v.Addf("items["+strconv.Itoa(i)+"].kind", "unknown kind %q, want pendenza, riferimento, avviso or spontaneo", excerpt(x.Kind))
		}
		if len(x.Importo) > 0 && string(x.Importo) != "null" {
			if err := it.Importo.UnmarshalJSON(x.Importo); err != nil {
				v.Add("items["+strconv.Itoa(i)+"].importo", err.Error())
			}
		}
		out.Items[i] = it
	}
	if len(v.Violations) > 0 {
		return v.Err()
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*a = out
	return nil
}

// jsonErrField names the field of a JSON decoding error, when known.
func jsonErrField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Field
	}
	return ""
}

// ParseAvvio decodes the JSON form of an Avvio, as json.Unmarshal does, and
// also reports malformed or truncated JSON as a *govpay.ValidationError
// (json.Unmarshal reports it as a *json.SyntaxError before the Avvio sees
// it).
func ParseAvvio(data []byte) (Avvio, error) {
	if !json.Valid(data) {
		return Avvio{}, &govpay.ValidationError{What: "avvio", Violations: []govpay.Violation{{Rule: "not valid JSON (truncated?)"}}}
	}
	if b := bytes.TrimSpace(data); len(b) == 0 || b[0] != '{' {
		return Avvio{}, &govpay.ValidationError{What: "avvio", Violations: []govpay.Violation{{Rule: "must be a JSON object"}}}
	}
	var a Avvio
	if err := json.Unmarshal(data, &a); err != nil {
		return Avvio{}, err
	}
	return a, nil
}

func parseItemKind(s string) ItemKind {
	for k := ItemPendenza; k <= ItemSpontaneo; k++ {
		if k.String() == s {
			return k
		}
	}
	return 0
}

// Validate checks that a can be resolved: a known mode, the payment id in
// legacy mode (and none in the checkout modes), identifiers of valid UTF-8
// without control characters and at most MaxAvvioID characters, at most MaxItems items, each with the ids
// its kind needs (idA2A and idPendenza of 1–35 letters, digits, '-' or '_';
// an 11-digit idDominio; an 18-digit numeroAvviso with valid check digits)
// and a non-negative amount. It returns nil or a *govpay.ValidationError
// (What "avvio") naming the fields as the JSON does ("items[1].idDominio").
//
// Resolve validates the Avvio first; decoding validates it too.
func (a Avvio) Validate() error {
	v := verr.New("avvio")
	switch a.Mode {
	case ModeLegacy:
		if a.ID == "" {
			v.Add("id", "required in legacy mode")
		}
	case ModeCheckout, ModeCheckoutBridge:
		if a.ID != "" {
			v.Add("id", "must be empty in the checkout modes (there is no GovPay payment to track)")
		}
	case "":
		v.Add("mode", "required")
	default:
		v.Addf("mode", "unknown mode %q, want legacy, checkout-bridge or checkout", excerpt(string(a.Mode)))
	}
	for _, f := range [...]struct{ name, val string }{
		{"id", a.ID}, {"idSession", a.IDSession}, {"idSessionePortale", a.IDSessionePortale}, {"idCart", a.IDCart},
	} {
		switch {
		case !utf8.ValidString(f.val):
			v.Add(f.name, "must be valid UTF-8")
		case utf8.RuneCountInString(f.val) > MaxAvvioID:
			v.Addf(f.name, "at most %d characters", MaxAvvioID)
		case strings.ContainsFunc(f.val, unicode.IsControl):
			v.Add(f.name, "must not contain control characters")
		}
	}
	if len(a.Stato) > MaxAvvioID {
		v.Addf("stato", "longer than %d bytes", MaxAvvioID) // any value: GovPay's states are an open set
	}
	for _, f := range [...]struct{ name, val string }{{"location", a.Location}, {"redirect", a.Redirect}} {
		switch {
		case len(f.val) > maxAvvioURL:
			v.Addf(f.name, "longer than %d bytes", maxAvvioURL)
		case strings.ContainsFunc(f.val, func(r rune) bool { return r < ' ' || r == 0x7f }):
			v.Add(f.name, "must not contain control characters")
		}
	}
	if a.Redirect != "" {
		if u, err := url.Parse(a.Redirect); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Add("redirect", "must be an absolute http or https URL")
		}
	}
	if len(a.Items) > MaxItems {
		v.Addf("items", "at most %d items", MaxItems)
	}
	for i, it := range a.Items {
		it.check(v, "items["+strconv.Itoa(i)+"]")
	}
	return v.Err()
}

// check records the violations of one item under prefix p.
func (it AvvioItem) check(v *verr.Builder, p string) {
	need := func(field, s string) {
		if s == "" {
			v.Add(p+"."+field, "required for an item of kind "+it.Kind.String())
		}
	}
	switch it.Kind {
	case ItemPendenza, ItemRiferimento:
		need("idA2A", it.IDA2A)
		need("idPendenza", it.IDPendenza)
	case ItemAvviso:
		need("idDominio", it.IDDominio)
		need("numeroAvviso", it.NumeroAvviso)
	case ItemSpontaneo:
		need("idDominio", it.IDDominio)
		need("idTipoPendenza", it.IDTipoPendenza)
	default:
		v.Add(p+".kind", "unknown kind "+it.Kind.String())
	}
	if it.IDA2A != "" && !isID(it.IDA2A) {
		v.Add(p+".idA2A", `must match ^[a-zA-Z0-9\-_]{1,35}$`)
	}
	if it.IDPendenza != "" && !isID(it.IDPendenza) {
		v.Add(p+".idPendenza", `must match ^[a-zA-Z0-9\-_]{1,35}$`)
	}
	if it.IDDominio != "" && !isDominio(it.IDDominio) {
		v.Add(p+".idDominio", "must match ^[0-9]{11}$")
	}
	if it.NumeroAvviso != "" {
		if n, err := avvisi.ParseNumeroAvviso(it.NumeroAvviso); err != nil {
			v.Add(p+".numeroAvviso", err.Error())
		} else if n.String() != it.NumeroAvviso {
			v.Add(p+".numeroAvviso", "must be the 18 digits, without spaces")
		}
	}
	if it.IDTipoPendenza != "" && !reIDTipo.MatchString(it.IDTipoPendenza) {
		v.Add(p+".idTipoPendenza", `must match ^[a-zA-Z0-9\-_.]{1,35}$`)
	}
	if it.Importo < 0 {
		v.Add(p+".importo", "must not be negative")
	} else if err := it.Importo.Valid(); err != nil {
		v.Add(p+".importo", err.Error())
	}
}

// avvioItems records the items of a validated cart.
func avvioItems(cart *Cart) []AvvioItem {
	items := cart.Items()
	out := make([]AvvioItem, len(items))
	for i, it := range items {
		out[i] = AvvioItem{Kind: it.Kind, IDA2A: it.IDA2A, IDPendenza: it.IDPendenza, IDDominio: it.IDDominio,
			IDTipoPendenza: it.IDTipoPendenza, Importo: it.Importo}
		if !it.NumeroAvviso.IsZero() {
			out[i].NumeroAvviso = it.NumeroAvviso.String()
		}
	}
	return out
}

// checkoutItems records the cart's items with the notices sent to pagoPA
// Checkout (creditor, notice number and amount, as resolved by Prepare).
func checkoutItems(cart *Cart, notices []PaymentNotice) []AvvioItem {
	items := avvioItems(cart)
	for i := range items {
		if i >= len(notices) {
			break
		}
		n := notices[i]
		if isDominio(n.FiscalCode) {
			items[i].IDDominio = n.FiscalCode
		}
		if nav, err := avvisi.ParseNumeroAvviso(n.NoticeNumber); err == nil {
			items[i].NumeroAvviso = nav.String()
		}
		if n.Amount > 0 {
			items[i].Importo = n.Amount
		}
	}
	return items
}

// completeAvvio adds what a started payment's Avvio keeps of the cart and
// of the options, to a (the result of Start) or, when Start failed with a
// *RedirectError, to the Avvio it holds.
func completeAvvio(a *Avvio, err error, cart *Cart, idSessionePortale string) (*Avvio, error) {
	target := a
	if re, ok := err.(*RedirectError); ok && re.Avvio != nil {
		target = re.Avvio
	}
	if target != nil {
		target.Items = avvioItems(cart)
		target.IDSessionePortale = idSessionePortale
	}
	return a, err
}

// item returns the cart view of the item (the notice number parsed; it was
// validated).
func (it AvvioItem) item() Item {
	x := Item{Kind: it.Kind, IDA2A: it.IDA2A, IDPendenza: it.IDPendenza, IDDominio: it.IDDominio,
		IDTipoPendenza: it.IDTipoPendenza, Importo: it.Importo}
	if it.NumeroAvviso != "" {
		x.NumeroAvviso, _ = avvisi.ParseNumeroAvviso(it.NumeroAvviso)
	}
	return x
}
