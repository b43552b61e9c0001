package portale

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/govpaygo/govpay"
)

// Mode is how the portal starts a payment.
type Mode string

// The payment modes (see the package documentation of pagamenti).
const (
	// ModeLegacy: POST /pagamenti on API Pagamento v2, GovPay answers with a
	// payment id and the WISP page (GovPay ≤ 3.9 with a V1 station).
	ModeLegacy Mode = "legacy"
	// ModeBridge: the same POST /pagamenti, GovPay 3.9 with a V2 station
	// hands the cart to pagoPA Checkout (201 with id "0", or a 302).
	ModeBridge Mode = "bridge"
	// ModeCheckout: the portal opens the cart on pagoPA Checkout itself
	// (POST /carts of the Checkout EC API).
	ModeCheckout Mode = "checkout"
)

// ParseMode reads a mode name: "legacy", "bridge" or "checkout".
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeLegacy, ModeBridge, ModeCheckout:
		return m, nil
	}
	return "", fmt.Errorf("unknown payment mode %q: want legacy, bridge or checkout", s)
}

// Descrizione describes the mode to the payer, in Italian.
func (m Mode) Descrizione() string {
	switch m {
	case ModeLegacy:
		return "GovPay (WISP)"
	case ModeBridge:
		return "GovPay verso pagoPA Checkout"
	case ModeCheckout:
		return "pagoPA Checkout"
	}
	return string(m)
}

// DemoHints are shown on the pages to help someone trying the demo: the
// demo citizen's codice fiscale and a paper notice to type or paste. Zero
// fields are not shown.
type DemoHints struct {
	// CodiceFiscale of the demo citizen.
	CodiceFiscale string
	// IDDominio and NumeroAvviso of a paper notice.
	IDDominio    string
	NumeroAvviso string
	// QRCode is the text of the same notice's QR code.
	QRCode string
}

// Config is what NewApp needs.
type Config struct {
	// Mode is how payments start (default ModeLegacy).
	Mode Mode
	// GovPay is the configuration every client of the portal is built
	// from (API Pagamento v2, API Ragioneria v3, the avvisi and the pagoPA
	// Checkout clients): GovPay's host, authentication,
	// govpay.WithInsecureRedirect for a test GovPay or Checkout on plain
	// http, retries, logging. Required.
	GovPay *govpay.Config
	// CheckoutURL is the base URL of the pagoPA Checkout EC API
	// (…/checkout/ec/v1 or …/v2); required in ModeCheckout.
	CheckoutURL string
	// CheckoutKey is the Ocp-Apim-Subscription-Key of pagoPA Checkout;
	// required in ModeCheckout.
	CheckoutKey string
	// PublicURL is the portal's own base URL as the browser sees it
	// ("http://127.0.0.1:8080"); the return URLs given to GovPay and pagoPA
	// are built on it. Required.
	PublicURL string
	// Ente is the name shown in the page header and used as companyName of
	// the Checkout notices whose creditor's name is unknown (default
	// "Portale dei pagamenti").
	Ente string
	// Demo holds the hints shown to someone trying the demo.
	Demo DemoHints
	// Avvii keeps every started payment (its pagamenti.Avvio and what the
	// outcome page shows) from the start to the payer's return, outside
	// process memory, so that the return resolves on any replica and after
	// a restart. Required: a DirStore on a directory every replica shares,
	// or an implementation on the portal's database.
	Avvii AvvioStore
	// Sessions keeps the login sessions (the payer's codice fiscale, the
	// token of the forms, the cart being filled, the messages of the next
	// page) outside process memory, so that any replica serves any
	// browser, and a restart logs nobody out. Required: a DirSessionStore
	// on a directory every replica shares (the command uses the
	// subdirectory "sessioni" of the payments' directory), or an
	// implementation on the portal's database.
	Sessions SessionStore
	// SessionTTL is how long an idle session lives (default 2 hours).
	SessionTTL time.Duration
	// MaxSessions bounds the live sessions in Sessions, those of every
	// replica sharing it (default 10000); a login beyond it is refused
	// until sessions expire.
	MaxSessions int
	// SecureCookie sets the Secure attribute of the session cookie: set it
	// when the portal is served over https.
	SecureCookie bool
	// Logger receives one line per failed GovPay call (default: discard).
	Logger *slog.Logger
}

// normalize validates c and fills the defaults.
func (c *Config) normalize() error {
	var errs []error
	if c.Mode == "" {
		c.Mode = ModeLegacy
	}
	if _, err := ParseMode(string(c.Mode)); err != nil {
		errs = append(errs, err)
	}
	if c.GovPay == nil {
		errs = append(errs, errors.New("the GovPay configuration (Config.GovPay, from govpay.NewConfig) is required"))
	}
	if c.Mode == ModeCheckout {
		if c.CheckoutURL == "" {
			errs = append(errs, errors.New("CheckoutURL is required in checkout mode"))
		}
		if c.CheckoutKey == "" {
			errs = append(errs, errors.New("CheckoutKey is required in checkout mode"))
		}
	}
	if c.Avvii == nil {
		errs = append(errs, errors.New("the payment store (Config.Avvii) is required: where started payments are kept, e.g. NewDirStore"))
	}
	if c.Sessions == nil {
		errs = append(errs, errors.New("the session store (Config.Sessions) is required: where login sessions and carts are kept, e.g. NewDirSessionStore"))
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		errs = append(errs, fmt.Errorf("PublicURL %q must be an absolute http(s) URL without query", c.PublicURL))
	}
	if c.Ente == "" {
		c.Ente = "Portale dei pagamenti"
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = 2 * time.Hour
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = 10000
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return errors.Join(errs...)
}
