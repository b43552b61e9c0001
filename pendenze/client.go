package pendenze

import (
	"bytes"
	"context"
	"net/http"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	gen "github.com/govpaygo/govpay/internal/gen/pendenze"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
)

// Client is a client of API Pendenze v2. It is immutable and safe for
// concurrent use by many goroutines; reuse one client (and its connections)
// for all calls to the same GovPay.
type Client struct {
	tc *transport.Client
	// api is the generated client of API Pendenze v2 every operation sends
	// through (paths, path escaping and query parameters come from
	// api/pendenze-v2.yaml), over tc's Doer (authentication, retries,
	// redaction, error mapping, no redirects).
	api gen.ClientInterface
}

// New returns a client of API Pendenze v2 built from cfg: its base URL is
// cfg's for API Pendenze v2
// (host/govpay/backend/api/pendenze/rs/{auth}/v2, or the one given with
// govpay.WithEndpoint(govpay.APIPendenze, …)), and it sends through cfg's
// HTTP client, with its credentials, retry policy and logger.
//
// A nil cfg gives a client whose every call returns a
// *govpay.ValidationError (What "config") without sending anything. So
// does a cfg without credentials (or with govpay.WithSPID) whose API
// Pendenze base URL was not given with govpay.WithEndpoint: GovPay serves
// API Pendenze under no "public" and no "spid" base URL; the violation
// names "cfg".
func New(cfg *govpay.Config) *Client {
	tc := transport.ForAPI(cfg, govpay.APIPendenze, 2)
	// What gen.NewClient(tc.BaseURL(), gen.WithHTTPClient(tc.Doer()))
	// builds, without its error (which only a failing option returns): the
	// trailing slash keeps the base URL's last segment, as operation paths
	// are resolved against it.
	return &Client{tc: tc, api: &gen.Client{Server: tc.BaseURL() + "/", Client: tc.Doer()}}
}

// call returns ctx carrying the transport settings of operation op.
func call(ctx context.Context, op string) context.Context {
	return transport.WithCall(ctx, transport.Request{Operation: op})
}

// Caricata is GovPay's answer to a Put: where the pendenza can be paid.
type Caricata struct {
	// Created is true when GovPay created the pendenza (201), false when it
	// updated an existing one (200).
	Created bool `json:"-"`
	// IDDominio is the creditor.
	IDDominio string `json:"idDominio"`
	// NumeroAvviso is the payment notice number (zero when GovPay assigned
	// none).
	NumeroAvviso avvisi.NumeroAvviso `json:"numeroAvviso"`
	// UUID randomises GovPay's static payment URLs.
	UUID string `json:"UUID,omitempty"`
	// PDF is the printed notice, when asked for with WithStampaAvviso.
	PDF []byte `json:"pdf,omitempty"`
}

// PutOption configures one Put.
type PutOption func(*putConfig)

type putConfig struct {
	stampa         bool
	dataAvvisatura string
	strict         bool
}

// WithStampaAvviso asks GovPay to include the printed notice (PDF) in the
// answer (query stampaAvviso=true).
func WithStampaAvviso() PutOption { return func(c *putConfig) { c.stampa = true } }

// WithDataAvvisatura asks GovPay to send the payment notice on day d
// (query dataAvvisatura).
func WithDataAvvisatura(d govpay.Date) PutOption {
	return func(c *putConfig) { c.dataAvvisatura = d.String() }
}

// WithoutAvvisatura asks GovPay never to send the payment notice
// (dataAvvisatura=MAI).
func WithoutAvvisatura() PutOption { return func(c *putConfig) { c.dataAvvisatura = "MAI" } }

// WithStrictValidation validates the pendenza with
// [Pendenza.ValidateStrict] instead of [Pendenza.Validate].
func WithStrictValidation() PutOption { return func(c *putConfig) { c.strict = true } }

// checkIDs validates the path ids of a pendenza.
func checkIDs(v *verr.Builder, idA2A, idPendenza string) {
	if !reID.MatchString(idA2A) {
		v.Add("idA2A", "must match ^[a-zA-Z0-9\\-_]{1,35}$")
	}
	if !reID.MatchString(idPendenza) {
		v.Add("idPendenza", "must match ^[a-zA-Z0-9\\-_]{1,35}$")
	}
}

func idsError(what, idA2A, idPendenza string) error {
	v := verr.New(what)
	checkIDs(v, idA2A, idPendenza)
	return v.Err()
}

// Put loads the pendenza idA2A/idPendenza into GovPay, creating it or
// replacing it (PUT /pendenze/{idA2A}/{idPendenza}). The ids travel in the
// path; the body is json.Marshal(p).
//
// p and the ids are validated first: an invalid pendenza returns a
// *govpay.ValidationError and nothing is sent. Put is an upsert keyed by the
// caller's ids, so it is retried (per the client's RetryPolicy) after
// connection errors, 429, 502, 503 and 504. GovPay's refusals are a
// *govpay.Error (422 VER_002 when importo is not the sum of the voci, 400
// SINTASSI for a malformed body, 403 when the application may not load
// this tipo pendenza or dominio).
func (c *Client) Put(ctx context.Context, idA2A, idPendenza string, p Pendenza, opts ...PutOption) (*Caricata, error) {
	return c.put(ctx, idA2A, idPendenza, &p, newPutConfig(opts))
}

// noOptions is the configuration of a Put without options.
var noOptions putConfig

func newPutConfig(opts []PutOption) *putConfig {
	if len(opts) == 0 {
		return &noOptions
	}
	cfg := new(putConfig)
	for _, o := range opts {
		if o != nil {
			o(cfg)
		}
	}
	return cfg
}

func (c *Client) put(ctx context.Context, idA2A, idPendenza string, p *Pendenza, cfg *putConfig) (*Caricata, error) {
	v := verr.New("pendenza")
	checkIDs(v, idA2A, idPendenza)
	p.check(v, cfg.strict)
	if err := v.Err(); err != nil {
		return nil, err
	}
	body, err := p.body()
	if err != nil {
		return nil, err
	}
	return c.putBody(ctx, idA2A, idPendenza, body, cfg)
}

func (c *Client) putBody(ctx context.Context, idA2A, idPendenza string, body []byte, cfg *putConfig) (*Caricata, error) {
	const op = "pendenze.Put"
	var params *gen.PutPendenzaParams // nil without options: no query to build
	if cfg.stampa || cfg.dataAvvisatura != "" {
		params = new(gen.PutPendenzaParams)
		if cfg.stampa {
			params.StampaAvviso = &cfg.stampa
		}
		if cfg.dataAvvisatura != "" {
			params.DataAvvisatura = &cfg.dataAvvisatura
		}
	}
	resp, err := c.api.PutPendenzaWithBody(call(ctx, op), idA2A, idPendenza, params, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusCreated, http.StatusOK:
	default:
		return nil, unexpected(op, resp)
	}
	var w struct {
		IDDominio    string `json:"idDominio"`
		NumeroAvviso string `json:"numeroAvviso"`
		UUID         string `json:"UUID"`
		PDF          []byte `json:"pdf"`
	}
	status := resp.StatusCode
	if err := transport.DecodeJSON(op, resp, &w); err != nil {
		return nil, err
	}
	if w.IDDominio == "" {
		return nil, transport.Incomplete(op, resp, "idDominio")
	}
	out := &Caricata{Created: status == http.StatusCreated, IDDominio: w.IDDominio, UUID: w.UUID, PDF: w.PDF}
	if w.NumeroAvviso != "" {
		n, err := avvisi.ParseNumeroAvviso(w.NumeroAvviso)
		if err != nil {
			return nil, transport.DecodeFailure(op, resp, err)
		}
		out.NumeroAvviso = n
	}
	return out, nil
}

// unexpected turns an answer with a status the operation does not expect
// (a 204, a 3xx) into a *govpay.Error, and closes its body.
func unexpected(op string, resp *http.Response) error {
	defer resp.Body.Close()
	return transport.ErrorFromResponse(op, resp)
}

// Get returns the pendenza idA2A/idPendenza with its state, its voci and
// their state, its payment attempts (rpp) and allegati
// (GET /pendenze/{idA2A}/{idPendenza}). An unknown pendenza is a
// *govpay.Error matching govpay.ErrNotFound.
func (c *Client) Get(ctx context.Context, idA2A, idPendenza string) (*Dettaglio, error) {
	const op = "pendenze.Get"
	if err := idsError("pendenza", idA2A, idPendenza); err != nil {
		return nil, err
	}
	resp, err := c.api.GetPendenza(call(ctx, op), idA2A, idPendenza)
	return dettaglio(op, resp, err)
}

// GetByAvviso returns the pendenza of the notice idDominio/numeroAvviso
// (GET /pendenze/byAvviso/{idDominio}/{numeroAvviso}).
func (c *Client) GetByAvviso(ctx context.Context, idDominio, numeroAvviso string) (*Dettaglio, error) {
	const op = "pendenze.GetByAvviso"
	v := verr.New("avviso")
	checkDominio(v, at("idDominio"), idDominio, true, false)
	if !reNumeroAvviso.MatchString(numeroAvviso) {
		v.Add("numeroAvviso", "must be 18 digits")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	resp, err := c.api.GetPendenzaByAvviso(call(ctx, op), idDominio, numeroAvviso)
	return dettaglio(op, resp, err)
}

// dettaglio reads the answer of a GET of a pendenza.
func dettaglio(op string, resp *http.Response, err error) (*Dettaglio, error) {
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, unexpected(op, resp)
	}
	var d Dettaglio
	if err := transport.DecodeJSON(op, resp, &d); err != nil {
		return nil, err
	}
	if err := d.complete(op, resp); err != nil {
		return nil, err
	}
	return &d, nil
}
