package avvisi

import (
	"context"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
	gen "github.com/govpaygo/govpay/internal/gen/pagamento"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
)

// StatoAvviso is the state of a notice as GovPay reports it. The constants
// are the values GovPay 3.9 uses; any other value is kept as received.
type StatoAvviso string

// The states of a notice.
const (
	// StatoNonEseguita: the notice is still to be paid.
	StatoNonEseguita StatoAvviso = "NON_ESEGUITA"
	// StatoDuplicata: the notice has already been paid.
	StatoDuplicata StatoAvviso = "DUPLICATA"
	// StatoAnnullata: the creditor cancelled the debt.
	StatoAnnullata StatoAvviso = "ANNULLATA"
	// StatoScaduta: the notice expired (dataScadenza passed) and can no
	// longer be paid.
	StatoScaduta StatoAvviso = "SCADUTA"
	// StatoSconosciuta: GovPay knows no notice with this number for this
	// creditor. It is a normal answer (200), not an error.
	StatoSconosciuta StatoAvviso = "SCONOSCIUTA"
)

// Known reports whether s is one of the states GovPay 3.9 defines.
func (s StatoAvviso) Known() bool {
	switch s {
	case StatoNonEseguita, StatoDuplicata, StatoAnnullata, StatoScaduta, StatoSconosciuta:
		return true
	}
	return false
}

// Payable reports whether a notice in state s can be paid (NON_ESEGUITA).
func (s StatoAvviso) Payable() bool { return s == StatoNonEseguita }

// Avviso is a payment notice as GovPay describes it (schema Avviso of API
// Pendenze v2 and API Pagamento v2). It speaks GovPay's wire JSON: json.Unmarshal
// of GovPay's answer fills it, json.Marshal writes it back.
//
// For an unknown notice GovPay answers only {"stato": "SCONOSCIUTA"}: every
// other field is then zero.
type Avviso struct {
	// Stato is the state of the notice.
	Stato StatoAvviso `json:"stato"`
	// Importo is the amount due for the debt the notice refers to.
	Importo govpay.Importo `json:"importo,omitzero"`
	// IDDominio is the creditor (codice fiscale, 11 digits).
	IDDominio string `json:"idDominio,omitempty"`
	// NumeroAvviso is the notice number.
	NumeroAvviso NumeroAvviso `json:"numeroAvviso,omitzero"`
	// DataValidita is the last day on which Importo holds; afterwards the
	// amount may change.
	DataValidita govpay.Date `json:"dataValidita,omitzero"`
	// DataScadenza is the last day on which the notice can be paid.
	DataScadenza govpay.Date `json:"dataScadenza,omitzero"`
	// DataPagamento is the day the notice was paid.
	DataPagamento govpay.Date `json:"dataPagamento,omitzero"`
	// Descrizione is the text printed on the notice.
	Descrizione string `json:"descrizione,omitempty"`
	// TassonomiaAvviso is AgID's category of the notice ("Servizi
	// scolastici", …), the values of the pendenze package's TassonomiaAvviso.
	TassonomiaAvviso string `json:"tassonomiaAvviso,omitempty"`
	// QRCode is the text of the notice's QR code (see ParseQRCode).
	QRCode string `json:"qrcode,omitempty"`
	// Barcode is the text of the notice's GS1-128 bar code.
	Barcode string `json:"barcode,omitempty"`
}

// Client looks payment notices up in GovPay (GET
// /avvisi/{idDominio}/{numeroAvviso}) through API Pagamento v2. It is
// immutable and safe for concurrent use; reuse one Client for all calls.
type Client struct {
	// api is the generated client of API Pagamento v2 Get and PDF send
	// through (path, path escaping and query parameters come from
	// api/pagamento-v2.yaml), over tc's Doer (authentication, retries,
	// redaction, error mapping, no redirects).
	api gen.ClientInterface
}

// New returns a Client built from cfg: its base URL is cfg's for API
// Pagamento v2 (host/govpay/frontend/api/pagamento/rs/{auth}/v2, or the one
// given with govpay.WithEndpoint(govpay.APIPagamento, …)), and it sends
// through cfg's HTTP client, with its credentials, retry policy and logger.
// API Pendenze v2 serves the same resource: a deployment that reads notices
// there points govpay.WithEndpoint(govpay.APIPagamento, …) at it.
//
// A nil cfg gives a client whose every call returns a
// *govpay.ValidationError (What "config") without sending anything.
func New(cfg *govpay.Config) *Client {
	tc := transport.ForAPI(cfg, govpay.APIPagamento, 2)
	// What gen.NewClient(tc.BaseURL(), gen.WithHTTPClient(tc.Doer()))
	// builds, without its error (which only a failing option returns): the
	// trailing slash keeps the base URL's last segment, as operation paths
	// are resolved against it.
	return &Client{api: &gen.Client{Server: tc.BaseURL() + "/", Client: tc.Doer()}}
}

// GetOption adds a query parameter to Get and PDF.
type GetOption func(*getOptions)

type getOptions struct {
	idDebitore, uuid, recaptcha, lingua string
}

// WithIDDebitore sends the debtor's identifier (query idDebitore): API
// Pagamento's public and SPID base URLs use it, with WithUUID, to check that
// the caller may see the notice.
func WithIDDebitore(id string) GetOption { return func(o *getOptions) { o.idDebitore = id } }

// WithUUID sends the notice's UUID (query UUID), the random key GovPay
// returns when the pendenza is loaded, for public-mode portals.
func WithUUID(uuid string) GetOption { return func(o *getOptions) { o.uuid = uuid } }

// WithRecaptcha sends a reCAPTCHA answer (query gRecaptchaResponse), for
// deployments whose public API requires one.
func WithRecaptcha(response string) GetOption { return func(o *getOptions) { o.recaptcha = response } }

// WithLinguaSecondaria asks for a bilingual notice: Italian and "de", "en",
// "fr" or "sl" (query linguaSecondaria). It matters for PDF.
func WithLinguaSecondaria(lang string) GetOption { return func(o *getOptions) { o.lingua = lang } }

// send validates the path and options and sends GET
// /avvisi/{idDominio}/{numeroAvviso} through the generated client, asking
// for the media type accept.
func (c *Client) send(ctx context.Context, op, accept, idDominio, numeroAvviso string, opts []GetOption) (*http.Response, error) {
	var o getOptions
	if len(opts) > 0 {
		o = collectOptions(opts)
	}
	v := verr.Builder{What: "avviso"}
	switch {
	case !plainText(&v, "idDominio", idDominio):
	case len(idDominio) != 11 || !isDigits(idDominio):
		v.Add("idDominio", "must be 11 digits (the creditor's codice fiscale)")
	}
	var n NumeroAvviso
	if plainText(&v, "numeroAvviso", numeroAvviso) {
		var err error
		if n, err = ParseNumeroAvviso(numeroAvviso); err != nil {
			v.Add("numeroAvviso", numeroRule(err))
		}
	}
	if plainText(&v, "idDebitore", o.idDebitore) && len(o.idDebitore) > 35 {
		v.Add("idDebitore", "must be at most 35 characters")
	}
	plainText(&v, "UUID", o.uuid)
	plainText(&v, "gRecaptchaResponse", o.recaptcha)
	switch o.lingua {
	case "", "de", "en", "fr", "sl":
	default:
		v.Add("linguaSecondaria", "must be de, en, fr or sl")
	}
	if len(v.Violations) > 0 {
		ve := v // on the heap only when returned
		return nil, ve.Err()
	}
	var params *gen.GetAvvisoParams // nil without options: no query to build
	if o != (getOptions{}) {
		params = new(gen.GetAvvisoParams)
	}
	if o.idDebitore != "" {
		params.IDDebitore = &o.idDebitore
	}
	if o.uuid != "" {
		params.UUID = &o.uuid
	}
	if o.recaptcha != "" {
		params.GRecaptchaResponse = &o.recaptcha
	}
	if o.lingua != "" {
		l := gen.LinguaSecondaria(o.lingua)
		params.LinguaSecondaria = &l
	}
	call := transport.Request{Operation: op, Accept: accept}
	if o.uuid != "" || o.recaptcha != "" {
		// The UUID opens the notice to whoever holds it and the reCAPTCHA
		// answer is a one-time token: neither shows in errors or logs.
		call.Secrets = []string{o.uuid, o.recaptcha}
	}
	return c.api.GetAvviso(transport.WithCall(ctx, call), idDominio, n.String(), params)
}

// plainText records a violation of field and reports false when s is not
// valid UTF-8 or holds a control character (C0, DEL, C1). Such a value
// cannot be what the caller means: the query or path would carry bytes
// GovPay decodes differently (an invalid sequence becomes U+FFFD), so the
// identifier could never match the one GovPay stored (it compares idDebitore
// with the debtor's codUnivoco, AvvisiDAO.java:174, and looks the UUID up
// as the pendenza's idSessione, AvvisiDAO.java:291).
func plainText(v *verr.Builder, field, s string) bool {
	if !utf8.ValidString(s) {
		v.Add(field, "must be valid UTF-8")
		return false
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		v.Add(field, "must not contain control characters")
		return false
	}
	return true
}

// collectOptions applies opts (a function of its own, so that the options
// of a call without any stay off the heap).
func collectOptions(opts []GetOption) getOptions {
	var o getOptions
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return o
}

// numeroRule turns a ParseNumeroAvviso error into a violation rule, without
// the package prefix.
func numeroRule(err error) string {
	return strings.TrimPrefix(err.Error(), "avvisi: ")
}

// Get returns the notice idDominio/numeroAvviso as GovPay describes it
// (GET /avvisi/{idDominio}/{numeroAvviso}, Accept: application/json).
// numeroAvviso may be written with spaces, as printed on the notice.
//
// An unknown notice is a normal result with Stato StatoSconosciuta, not an
// error. idDominio (11 digits) and numeroAvviso (18 digits, aux digit,
// check digits) are validated first, and every identifier (the options'
// too) must be valid UTF-8 without control characters: a bad one is a
// *govpay.ValidationError naming it, and nothing is sent. The UUID and the
// reCAPTCHA answer never show in errors or logs. GovPay's refusals are a *govpay.Error (403 when the
// caller may not see the notice, 404, …), network failures a
// *govpay.NetworkError, an unreadable answer a *govpay.DecodeError. Get is
// retried per the client's RetryPolicy.
func (c *Client) Get(ctx context.Context, idDominio, numeroAvviso string, opts ...GetOption) (*Avviso, error) {
	const op = "avvisi.Get"
	resp, err := c.send(ctx, op, "application/json", idDominio, numeroAvviso, opts)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, unexpected(op, resp)
	}
	var a Avviso
	if err := transport.DecodeJSON(op, resp, &a); err != nil {
		return nil, err
	}
	if a.Stato == "" {
		// stato is the one field GovPay always sends (SCONOSCIUTA included).
		return nil, transport.Incomplete(op, resp, "stato")
	}
	return &a, nil
}

// PDF returns the printable notice idDominio/numeroAvviso as a PDF document
// (GET /avvisi/{idDominio}/{numeroAvviso}, Accept: application/pdf).
//
// Validation and errors are as for Get; a 200 answer that is not
// application/pdf (a JSON body, a proxy's HTML page) is a
// *govpay.DecodeError.
func (c *Client) PDF(ctx context.Context, idDominio, numeroAvviso string, opts ...GetOption) ([]byte, error) {
	const op = "avvisi.PDF"
	resp, err := c.send(ctx, op, "application/pdf", idDominio, numeroAvviso, opts)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, unexpected(op, resp)
	}
	return transport.ReadBody(op, resp, "application/pdf")
}

// unexpected turns an answer with a status the operation does not expect
// (a 204, a 3xx) into a *govpay.Error, and closes its body.
func unexpected(op string, resp *http.Response) error {
	defer resp.Body.Close()
	return transport.ErrorFromResponse(op, resp)
}
