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
	"unicode/utf8"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/config"
	"github.com/govpaygo/govpay/internal/gen/checkout1"
	"github.com/govpaygo/govpay/internal/gen/checkout2"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
)

// SubscriptionKeyHeader is the header that carries the pagoPA Checkout
// subscription key.
const SubscriptionKeyHeader = "Ocp-Apim-Subscription-Key"

// Checkout is a client of the pagoPA Checkout EC API ("modello unico"): it
// opens a cart of payment notices on pagoPA's own payment pages, with no
// GovPay in between (DESIGN: the third way a payment starts). The outcome
// is read from GovPay's receipts ([ricevute.Client], [Resolver]).
//
// A Checkout is immutable and safe for concurrent use. The subscription key
// never appears in errors, logs or fmt output.
type Checkout struct {
	tc *transport.Client
	// v1 and v2 are the clients generated from api/checkout-v1.yaml and
	// api/checkout-v2.yaml, sent by tc's Doer: POST /carts goes through
	// the one of the request's version.
	v1      checkout1.ClientInterface
	v2      checkout2.ClientInterface
	version int // 1 or 2 when the base URL or CheckoutOptions.Version says so, 0 otherwise
	// redact removes the subscription key from texts the SDK builds.
	redact func(string) string
}

// CheckoutOptions are the settings of a [Checkout] client: where pagoPA
// Checkout is and the key it asks for.
type CheckoutOptions struct {
	// BaseURL is the versioned root of pagoPA Checkout's EC API, an
	// absolute http or https URL (required):
	//
	//	https://api.platform.pagopa.it/checkout/ec/v1      (production, v1)
	//	https://api.platform.pagopa.it/checkout/ec/v2      (production, v2)
	//	https://api.uat.platform.pagopa.it/checkout/ec/v2  (UAT)
	BaseURL string
	// SubscriptionKey is sent in the Ocp-Apim-Subscription-Key header of
	// every request (required, at least 4 characters, no spaces or control
	// characters). It never appears in errors, logs or fmt output.
	SubscriptionKey string
	// Version is the Checkout API version, 1 or 2, for a base URL that
	// does not end in /v1 or /v2; zero takes it from the base URL. A
	// version that contradicts the base URL is refused.
	Version int
}

// NewCheckout returns a client of pagoPA Checkout configured by o, which
// sends through cfg's HTTP client (its connection pool and timeout) with
// cfg's retry policy, logger, user agent and govpay.WithInsecureRedirect
// (test environments only). Checkout is pagoPA, not GovPay: none of cfg's
// GovPay credentials (Basic, API key, bearer token, SSL header, principal,
// SPID headers, the TLS client certificate of govpay.WithClientCertificate)
// is ever sent to it; with a client certificate configured, Checkout's
// requests go through the transport without it (a pool of its own). POST
// /carts is never retried, whatever govpay.WithRetry says.
//
// A nil cfg, or settings in o that break the rules above, is a
// *govpay.ValidationError (What "checkout options") naming "cfg" or the
// field ("CheckoutOptions.SubscriptionKey"); it never holds the key.
func NewCheckout(cfg *govpay.Config, o CheckoutOptions) (*Checkout, error) {
	ve := verr.New("checkout options")
	s := config.Of(cfg)
	if s == nil {
		ve.Add("cfg", "must not be nil: build it with govpay.NewConfig")
	}
	base, err := transport.CheckBaseURL(o.BaseURL)
	if err != nil {
		ve.Add("CheckoutOptions.BaseURL", "must be an absolute http or https URL without credentials, query or fragment")
	}
	key := o.SubscriptionKey
	switch {
	case key == "":
		ve.Add("CheckoutOptions.SubscriptionKey", "must not be empty")
	case strings.ContainsAny(key, " \t\r\n\x00"):
		ve.Add("CheckoutOptions.SubscriptionKey", "must not contain spaces or control characters")
	case len(key) < 4:
		// pagoPA's keys are 32 characters; the transport redacts a secret
		// shorter than 4 bytes only where it stands as a token.
		ve.Add("CheckoutOptions.SubscriptionKey", "is too short: at least 4 characters")
	}
	version := 0
	if err == nil {
		if u, perr := url.Parse(base); perr == nil {
			switch strings.ToLower(u.Path[strings.LastIndex(u.Path, "/")+1:]) {
			case "v1":
				version = 1
			case "v2":
				version = 2
			}
		}
	}
	switch {
	case o.Version != 0 && o.Version != 1 && o.Version != 2:
		ve.Add("CheckoutOptions.Version", "must be 1, 2 or zero (from the base URL)")
	case o.Version != 0 && version != 0 && o.Version != version:
		ve.Addf("CheckoutOptions.Version", "is %d but the base URL is that of version %d", o.Version, version)
	case o.Version != 0:
		version = o.Version
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	// The key travels as a secret header: the transport sets it on every
	// request and redacts it from every error and log line. NoAuth keeps
	// GovPay's credentials away from pagoPA.
	tc := transport.NewClient(s, base, transport.Extra{
		NoAuth:  true,
		Headers: http.Header{SubscriptionKeyHeader: {key}},
		Secrets: []string{key},
	})
	// NewClient fails only when one of its options does, and
	// WithHTTPClient never does.
	v1, _ := checkout1.NewClient(tc.BaseURL(), checkout1.WithHTTPClient(tc.Doer()))
	v2, _ := checkout2.NewClient(tc.BaseURL(), checkout2.WithHTTPClient(tc.Doer()))
	return &Checkout{
		tc:      tc,
		v1:      v1,
		v2:      v2,
		version: version,
		redact: func(s string) string {
			return strings.ReplaceAll(s, key, "[REDACTED]")
		},
	}, nil
}

// String describes the client without its subscription key.
func (c *Checkout) String() string { return "pagamenti.Checkout(" + c.tc.BaseURL() + ")" }

// GoString is like String, so that %#v shows no secret either.
func (c *Checkout) GoString() string { return c.String() }

// CheckoutStartOptions are the settings of one [Checkout.Start].
type CheckoutStartOptions struct {
	// ReturnOK, ReturnCancel and ReturnError are where pagoPA sends the
	// browser back after a payment that succeeded, was cancelled or failed
	// (returnUrls.returnOkUrl, returnCancelUrl, returnErrorUrl). Required,
	// absolute http or https URLs. The esito they stand for is a hint: the
	// receipt is the proof of payment (see [Resolver]).
	ReturnOK     string
	ReturnCancel string
	ReturnError  string
	// ReturnWaiting is where pagoPA sends the browser when the outcome is
	// not known yet (returnUrls.returnWaitingUrl): required by version 2,
	// refused by version 1.
	ReturnWaiting string
	// EmailNotice is where pagoPA mails the payment confirmation
	// (emailNotice); optional.
	EmailNotice string
	// IDCart is the portal's identifier of the cart (idCart); optional.
	IDCart string
	// AllCCP says that every transfer of the notices goes to a postal
	// account (allCCP); optional.
	AllCCP bool
	// Version is the Checkout API version, 1 or 2. Zero takes the client's
	// (CheckoutOptions.Version or the base URL's …/v1 or …/v2); a version
	// that contradicts the client's is refused.
	Version int
	// CompanyName is the creditor's name put in every notice whose item
	// does not name it (companyName, at most 140 characters); the Completer
	// may set it per notice instead.
	CompanyName string
	// Completer, when set, completes the notice of every cart item after the
	// SDK filled what the item carries (see [NoticeCompleter]); it is how an
	// avviso reference gets its amount and description.
	Completer NoticeCompleter
}

// NoticeCompleter completes the pagoPA Checkout notice of one cart item:
// notice holds what the SDK took from the item (and CheckoutStartOptions.
// CompanyName) and the completer may fill or change any field, typically
// reading the amount and the causale of the avviso from GovPay (avvisi
// client, GET /avvisi/{idDominio}/{numeroAvviso}). Checkout.Start calls it
// once per item, in cart order, before anything is sent, and validates the
// result.
//
// An error stops Start before anything is sent: a *govpay.ValidationError
// is merged into Start's own (its fields prefixed with
// paymentNotices[i]), any other error is returned wrapped.
type NoticeCompleter interface {
	CompleteNotice(ctx context.Context, item Item, notice *PaymentNotice) error
}

// NoticeCompleterFunc adapts a function to [NoticeCompleter].
type NoticeCompleterFunc func(ctx context.Context, item Item, notice *PaymentNotice) error

// CompleteNotice calls f.
func (f NoticeCompleterFunc) CompleteNotice(ctx context.Context, item Item, notice *PaymentNotice) error {
	return f(ctx, item, notice)
}

// PaymentNotice is one payment notice of a pagoPA Checkout cart. It
// marshals to Checkout's wire JSON (paymentNotices[i]), where the amount
// is an integer number of euro cents: Amount 19.99 € is sent as 1999.
type PaymentNotice struct {
	// NoticeNumber is the 18-digit numero avviso (noticeNumber).
	NoticeNumber string
	// FiscalCode is the creditor's codice fiscale, GovPay's idDominio
	// (fiscalCode, 11 digits).
	FiscalCode string
	// Amount is the amount to pay (amount, sent in cents, at least 0.01 €).
	Amount govpay.Importo
	// CompanyName is the creditor's name (companyName, ≤ 140 characters).
	CompanyName string
	// Description is the causale (description, ≤ 140 characters).
	Description string
}

type paymentNoticeWire struct {
	NoticeNumber string          `json:"noticeNumber"`
	FiscalCode   string          `json:"fiscalCode"`
	Amount       json.RawMessage `json:"amount"`
	CompanyName  string          `json:"companyName"`
	Description  string          `json:"description"`
}

// MarshalJSON writes Checkout's wire form, the amount in integer cents.
func (n PaymentNotice) MarshalJSON() ([]byte, error) {
	if err := n.Amount.Valid(); err != nil {
		return nil, err
	}
	return json.Marshal(paymentNoticeWire{
		NoticeNumber: n.NoticeNumber,
		FiscalCode:   n.FiscalCode,
		Amount:       strconv.AppendInt(nil, n.Amount.Centesimi(), 10),
		CompanyName:  n.CompanyName,
		Description:  n.Description,
	})
}

// UnmarshalJSON reads Checkout's wire form; the amount must be a
// non-negative integer number of cents.
func (n *PaymentNotice) UnmarshalJSON(b []byte) error {
	var w paymentNoticeWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var amount govpay.Importo
	if a := bytes.TrimSpace(w.Amount); len(a) > 0 && string(a) != "null" {
		cents, err := strconv.ParseInt(string(a), 10, 64)
		if err != nil {
			return fmt.Errorf("%w: amount %.20q is not an integer number of cents", govpay.ErrImporto, a)
		}
		amount = govpay.Centesimi(cents)
		if err := amount.Valid(); err != nil {
			return err
		}
	}
	*n = PaymentNotice{NoticeNumber: w.NoticeNumber, FiscalCode: w.FiscalCode, Amount: amount, CompanyName: w.CompanyName, Description: w.Description}
	return nil
}

// ReturnURLs are the pages pagoPA Checkout sends the browser back to
// (returnUrls). ReturnWaitingURL exists in version 2 only.
type ReturnURLs struct {
	// ReturnOKURL is the page after a successful payment.
	ReturnOKURL string `json:"returnOkUrl"`
	// ReturnCancelURL is the page after the payer gave up.
	ReturnCancelURL string `json:"returnCancelUrl"`
	// ReturnErrorURL is the page after a failure.
	ReturnErrorURL string `json:"returnErrorUrl"`
	// ReturnWaitingURL is the page while the outcome is not known (v2).
	ReturnWaitingURL string `json:"returnWaitingUrl,omitempty"`
}

// CheckoutRequest is the body of POST /carts (CartRequest in version 1,
// CartRequestV2 in version 2): json.Marshal of it is what
// [Checkout.Start] sends.
type CheckoutRequest struct {
	// EmailNotice is where pagoPA mails the confirmation.
	EmailNotice string `json:"emailNotice,omitempty"`
	// PaymentNotices are the 1–5 notices to pay.
	PaymentNotices []PaymentNotice `json:"paymentNotices"`
	// ReturnURLs are the portal's return pages.
	ReturnURLs ReturnURLs `json:"returnUrls"`
	// IDCart is the portal's identifier of the cart.
	IDCart string `json:"idCart,omitempty"`
	// AllCCP says that every transfer goes to a postal account.
	AllCCP bool `json:"allCCP,omitempty"`
}

// Limits of pagoPA Checkout.
const (
	// MaxCheckoutNotices is how many notices one Checkout cart holds.
	MaxCheckoutNotices = 5
	// MaxNoticeText bounds companyName and description, in characters.
	MaxNoticeText = 140
)

var (
	reCheckoutEmail = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
)

// checkoutVersion resolves and checks the version of a request.
func (c *Checkout) checkoutVersion(v *verr.Builder, asked int) int {
	switch {
	case asked != 0 && asked != 1 && asked != 2:
		v.Add("Version", "must be 1 or 2")
		return 0
	case asked == 0 && c.version == 0:
		v.Add("Version", "required (1 or 2): the base URL does not end in /v1 or /v2")
		return 0
	case asked == 0:
		return c.version
	case c.version != 0 && asked != c.version:
		v.Addf("Version", "is %d but the base URL is that of version %d", asked, c.version)
		return 0
	}
	return asked
}

// request builds and validates the body of POST /carts from notices already
// resolved. Every violation is listed.
func (c *Checkout) request(v *verr.Builder, notices []PaymentNotice, opts CheckoutStartOptions) (*CheckoutRequest, int) {
	version := c.checkoutVersion(v, opts.Version)
	req := &CheckoutRequest{
		EmailNotice:    opts.EmailNotice,
		PaymentNotices: notices,
		ReturnURLs: ReturnURLs{
			ReturnOKURL:      opts.ReturnOK,
			ReturnCancelURL:  opts.ReturnCancel,
			ReturnErrorURL:   opts.ReturnError,
			ReturnWaitingURL: opts.ReturnWaiting,
		},
		IDCart: opts.IDCart,
		AllCCP: opts.AllCCP,
	}
	checkCheckoutReturnURL(v, "returnUrls.returnOkUrl", opts.ReturnOK, true)
	checkCheckoutReturnURL(v, "returnUrls.returnCancelUrl", opts.ReturnCancel, true)
	checkCheckoutReturnURL(v, "returnUrls.returnErrorUrl", opts.ReturnError, true)
	switch version {
	case 1:
		if opts.ReturnWaiting != "" {
			v.Add("returnUrls.returnWaitingUrl", "exists in Checkout version 2 only")
		}
	case 2:
		checkCheckoutReturnURL(v, "returnUrls.returnWaitingUrl", opts.ReturnWaiting, true)
	}
	if opts.EmailNotice != "" && (len(opts.EmailNotice) > 256 || !reCheckoutEmail.MatchString(opts.EmailNotice)) {
		v.Add("emailNotice", "must be an e-mail address")
	}
	// idCart is stored in Avvio.IDCart, which holds printable ASCII of at
	// most MaxAvvioID bytes (Avvio.UnmarshalJSON refuses anything else): a
	// cart id that could not come back is refused here, before the wire.
	switch {
	case len(opts.IDCart) > MaxAvvioID:
		v.Addf("idCart", "at most %d characters", MaxAvvioID)
	case !printableASCII(opts.IDCart):
		v.Add("idCart", "must hold printable ASCII characters only (no control characters, valid UTF-8)")
	}
	switch n := len(notices); {
	case n == 0:
		v.Add("paymentNotices", "the cart is empty (1 to 5 notices)")
	case n > MaxCheckoutNotices:
		v.Addf("paymentNotices", "holds %d notices, at most %d allowed", n, MaxCheckoutNotices)
	}
	seen := map[string]int{}
	for i, n := range notices {
		p := fmt.Sprintf("paymentNotices[%d]", i)
		checkNotice(v, p, n)
		key := n.FiscalCode + "/" + n.NoticeNumber
		if j, dup := seen[key]; dup && n.NoticeNumber != "" {
			v.Addf(p, "duplicates paymentNotices[%d] (same fiscalCode and noticeNumber)", j)
		} else {
			seen[key] = i
		}
	}
	return req, version
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func checkNotice(v *verr.Builder, p string, n PaymentNotice) {
	switch {
	case n.NoticeNumber == "":
		v.Add(p+".noticeNumber", "required: the item has no numero avviso (load the pendenza first, or resolve it)")
	case len(n.NoticeNumber) != 18 || !onlyDigits(n.NoticeNumber):
		v.Add(p+".noticeNumber", "must be 18 digits")
	default:
		if _, err := avvisi.ParseNumeroAvviso(n.NoticeNumber); err != nil {
			v.Add(p+".noticeNumber", err.Error())
		}
	}
	if !reDominioCF.MatchString(n.FiscalCode) {
		v.Add(p+".fiscalCode", "must match ^[0-9]{11}$")
	}
	switch {
	case n.Amount == 0:
		v.Add(p+".amount", "required: at least 0.01 € (the item carries no amount: resolve it)")
	case n.Amount.Valid() != nil:
		v.Add(p+".amount", n.Amount.Valid().Error())
	}
	checkText(v, p+".companyName", n.CompanyName)
	checkText(v, p+".description", n.Description)
}

func checkText(v *verr.Builder, field, s string) {
	switch n := utf8.RuneCountInString(s); {
	case strings.TrimSpace(s) == "":
		v.Add(field, "required")
	case n > MaxNoticeText:
		v.Addf(field, "is %d characters, at most %d allowed", n, MaxNoticeText)
	case !utf8.ValidString(s):
		v.Add(field, "must be valid UTF-8")
	case strings.ContainsFunc(s, isControl):
		v.Add(field, "must not contain control characters")
	}
}

func checkCheckoutReturnURL(v *verr.Builder, field, s string, required bool) {
	if s == "" {
		if required {
			v.Add(field, "required")
		}
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		v.Add(field, "must be an absolute http or https URL")
		return
	}
	if u.User != nil {
		v.Add(field, "must not carry credentials")
	}
}

// send posts the cart once, through the generated client of the Checkout
// version (1 or 2), and reads the Checkout URL from the redirect.
func (c *Checkout) send(ctx context.Context, req *CheckoutRequest, version int) (location, redirect string, err error) {
	const op = "checkout.Start"
	body, err := json.Marshal(req)
	if err != nil {
		return "", "", err
	}
	// Sent once (NoRetry: the transport never retries a POST anyway, and
	// this one must never be); the 302 is read, not followed.
	call := transport.WithCall(ctx, transport.Request{Operation: op, NoRetry: true, AcceptRedirect: true})
	var resp *http.Response
	if version == 1 {
		resp, err = c.v1.PostCartsWithBody(call, "application/json", bytes.NewReader(body))
	} else {
		resp, err = c.v2.PostCartsV2WithBody(call, "application/json", bytes.NewReader(body))
	}
	if err != nil {
		return "", "", err
	}
	defer transport.Drain(resp)
	decodeErr := func(format string, args ...any) error {
		return transport.DecodeFailure(op, resp, errors.New(c.redact(fmt.Sprintf(format, args...))))
	}
	// pagoPA Checkout's specs (v1 and v2, POST /carts) document one success:
	// 302 with the payment page in Location. Any other 3xx (a proxy's) is
	// never read as a success.
	switch resp.StatusCode {
	case http.StatusFound:
	default:
		return "", "", decodeErr("unexpected status %d: pagoPA Checkout answers a cart with 302 and the Location of its payment page", resp.StatusCode)
	}
	location = resp.Header.Get("Location")
	if location == "" {
		return "", "", decodeErr("the %d answer has no Location header", resp.StatusCode)
	}
	target, err := url.Parse(location)
	if err == nil && !target.IsAbs() && resp.Request != nil && resp.Request.URL != nil {
		// A relative Location is relative to the request URL (RFC 9110).
		target = resp.Request.URL.ResolveReference(target)
	}
	reason := "not a valid URL"
	if err == nil {
		reason = safeRedirect(target.String(), c.tc.Config().AllowInsecureRedirect)
	}
	if reason != "" {
		return "", "", &RedirectError{Avvio: &Avvio{Mode: ModeCheckout, Location: c.redact(location)}, URL: excerpt(c.redact(location)), Reason: reason}
	}
	return location, target.String(), nil
}
