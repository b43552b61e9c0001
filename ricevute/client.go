package ricevute

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	gen "github.com/govpaygo/govpay/internal/gen/ragioneria"
	"github.com/govpaygo/govpay/internal/paginate"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
)

// Client reads pagoPA payment receipts from GovPay's API Ragioneria v3
// (GET /ricevute, GET /ricevute/{idDominio}/{iuv}/{idRicevuta}). In checkout
// mode (the GovPay checkout bridge and the direct pagoPA Checkout) a receipt
// is the only proof that a notice was paid.
//
// Every operation sends its request through the client generated from our
// spec of API Ragioneria v3 (api/ragioneria-v3.yaml), with the SDK's
// transport underneath. A Client is immutable and safe for concurrent use.
// Its reads are retried according to the configuration's retry policy.
type Client struct {
	tc *transport.Client
	// api is the generated client of API Ragioneria v3 every operation
	// sends through (paths, path escaping and query parameters come from
	// api/ragioneria-v3.yaml), over tc's Doer (authentication, retries,
	// redaction, error mapping, no redirects).
	api gen.ClientInterface
}

// New returns a client of API Ragioneria v3 built from cfg: its base URL is
// cfg's for API Ragioneria v3 (host/govpay/backend/api/ragioneria/rs/{auth}/v3,
// or the one given with govpay.WithEndpoint(govpay.APIRagioneria, …)), and it
// sends through cfg's HTTP client, with its credentials, retry policy and
// logger.
//
// A nil cfg gives a client whose every call returns a
// *govpay.ValidationError (What "config") without sending anything. So
// does a cfg without credentials (or with govpay.WithSPID) whose API
// Ragioneria base URL was not given with govpay.WithEndpoint: GovPay serves
// API Ragioneria under no "public" and no "spid" base URL; the violation
// names "cfg".
func New(cfg *govpay.Config) *Client {
	tc := transport.ForAPI(cfg, govpay.APIRagioneria, 3)
	// What gen.NewClient(tc.BaseURL(), gen.WithHTTPClient(tc.Doer())) builds,
	// without its error (which only a failing option returns): the
	// trailing slash keeps the base URL's last segment, as operation paths
	// are resolved against it.
	return &Client{tc: tc, api: &gen.Client{Server: tc.BaseURL() + "/", Client: tc.Doer()}}
}

var (
	reDominioCF   = regexp.MustCompile(`^[0-9]{11}$`)
	reIUVRicevuta = regexp.MustCompile(`^[0-9A-Za-z]{1,35}$`)
)

// iuvFromArg returns the IUV that s names: s itself when it is an IUV, the IUV
// carried by s when it is an 18-digit numero avviso. field names the
// argument in the violation.
func iuvFromArg(v *verr.Builder, field, s string) string {
	compact := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if len(compact) == 18 && onlyDigits(compact) {
		n, err := avvisi.ParseNumeroAvviso(compact)
		if err != nil {
			v.Add(field, "an 18-digit value is read as a numero avviso: "+err.Error())
			return ""
		}
		return n.IUV()
	}
	if !reIUVRicevuta.MatchString(s) {
		v.Add(field, "must be an IUV (^[0-9A-Za-z]{1,35}$) or an 18-digit numero avviso")
		return ""
	}
	return s
}

func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func checkDominioArg(v *verr.Builder, field, s string) {
	if !reDominioCF.MatchString(s) {
		v.Add(field, "must match ^[0-9]{11}$")
	}
}

// ricevutePageSize is how many receipts Find asks for per page (GovPay
// allows up to 200); findMaxPages bounds how many pages it reads.
const (
	ricevutePageSize = 100
	findMaxPages     = 20
)

// Find returns the receipts of one notice of the creditor idDominio, newest
// first (by the date GovPay acquired them). iuvOrNumeroAvviso is an IUV, or
// an 18-digit numero avviso whose IUV is derived (avvisi.NumeroAvviso.IUV).
// No receipt is not an error: the result is empty.
//
// The answer is never trusted to be filtered: every page is checked before
// its receipts count, and a page with more receipts than asked, a receipt of
// another domain, or one whose IUV does not contain the one asked is a
// *govpay.DecodeError. GovPay matches the IUV as a substring, ignoring case:
// receipts of longer IUVs containing the one asked are left out. A notice
// with more than 2,000 receipts (20 pages) is an error, not a truncated
// result.
//
// Only the summary fields are filled (see [Ricevuta]); use [Client.Get]
// for the full receipt.
//
// GET /ricevute?idDominio=…&iuv=… (API Ragioneria v3, operation findRicevute).
func (c *Client) Find(ctx context.Context, idDominio, iuvOrNumeroAvviso string) ([]Ricevuta, error) {
	const op = "ricevute.Find"
	v := verr.Builder{What: "ricevute.Find arguments"}
	checkDominioArg(&v, "idDominio", idDominio)
	iuv := iuvFromArg(&v, "iuv", iuvOrNumeroAvviso)
	if err := v.Err(); err != nil {
		return nil, err
	}
	// GovPay reads idDominio and iuv (api-ragioneria v3
	// RicevuteApiServiceImpl.java:104-107) and matches iuv as a
	// case-insensitive substring, idDominio exactly (jars/orm
	// …/bd/viste/filters/RptFilter.java:111, 126): a
	// receipt of another domain, or whose IUV does not even contain the one
	// asked, is a server that ignored the filter (an error); a receipt of
	// another IUV containing it is a legitimate GovPay answer about another
	// notice, left out.
	if err := c.tc.ConfigError(); err != nil {
		return nil, err
	}
	upper := strings.ToUpper(iuv)
	per := int32(ricevutePageSize)
	var all []Ricevuta
	attempts, backoff := paginate.Retry(c.tc.Config())
	for r, err := range paginate.Seq(ctx, paginate.Spec[Ricevuta]{
		Operation: op,
		PerPage:   ricevutePageSize,
		MaxPages:  findMaxPages,
		Attempts:  attempts,
		Backoff:   backoff,
		Fetch: func(ctx context.Context, pagina int) (*http.Response, error) {
			p := int32(pagina)
			return c.api.ListRicevute(transport.WithCall(ctx, transport.Request{Operation: op, Accept: "application/json", Stream: true}),
				&gen.ListRicevuteParams{IDDominio: &idDominio, IUV: &iuv, Pagina: &p, RisultatiPerPagina: &per})
		},
		Check: func(r *Ricevuta) string {
			switch {
			case r.Dominio.IDDominio != idDominio:
				return "dominio.idDominio"
			case !strings.Contains(strings.ToUpper(r.IUV), upper):
				return "iuv"
			}
			return ""
		},
	}) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(r.IUV, iuv) {
			all = append(all, r)
		}
	}
	// Newest first; receipts without a date last; ties keep GovPay's order.
	slices.SortStableFunc(all, func(a, b Ricevuta) int {
		switch {
		case a.Data.IsZero() && b.Data.IsZero():
			return 0
		case a.Data.IsZero():
			return 1
		case b.Data.IsZero():
			return -1
		}
		return b.Data.Time().Compare(a.Data.Time())
	})
	if all == nil {
		all = []Ricevuta{}
	}
	return all, nil
}

// getArgs checks the arguments of Get and PDF and returns the IUV they
// name.
func getArgs(op, idDominio, iuvOrNumeroAvviso, idRicevuta string) (string, error) {
	v := verr.Builder{What: op + " arguments"}
	checkDominioArg(&v, "idDominio", idDominio)
	iuv := iuvFromArg(&v, "iuv", iuvOrNumeroAvviso)
	switch {
	case idRicevuta == "":
		v.Add("idRicevuta", "required")
	case len(idRicevuta) > 35:
		v.Add("idRicevuta", "must be at most 35 characters")
	case strings.ContainsAny(idRicevuta, "\x00\r\n\t"):
		v.Add("idRicevuta", "must not contain control characters")
	case idRicevuta == "." || idRicevuta == "..":
		// A dot segment is not escaped in a path: the request would
		// resolve to another resource (GET /ricevute/{idDominio}/ for
		// ".."). No receiptId or CCP is one.
		v.Add("idRicevuta", `must not be "." or ".."`)
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	return iuv, nil
}

// getRicevuta sends GET /ricevute/{idDominio}/{iuv}/{idRicevuta} through
// the generated client, asking for the media type accept.
func (c *Client) getRicevuta(ctx context.Context, op, accept, idDominio, iuvOrNumeroAvviso, idRicevuta string) (*http.Response, string, error) {
	iuv, err := getArgs(op, idDominio, iuvOrNumeroAvviso, idRicevuta)
	if err != nil {
		return nil, "", err
	}
	if err := c.tc.ConfigError(); err != nil {
		return nil, "", err
	}
	resp, err := c.api.GetRicevuta(transport.WithCall(ctx, transport.Request{Operation: op, Accept: accept}), idDominio, iuv, idRicevuta)
	return resp, iuv, err
}

// Get returns one receipt in full. iuvOrNumeroAvviso is an IUV or an
// 18-digit numero avviso, as for [Client.Find]; idRicevuta comes from
// Find. An unknown receipt gives a *govpay.Error matching govpay.ErrNotFound;
// an answer about another receipt (another domain, IUV or idRicevuta) is a
// *govpay.DecodeError.
//
// GET /ricevute/{idDominio}/{iuv}/{idRicevuta} with Accept: application/json
// (API Ragioneria v3, operation getRicevuta).
func (c *Client) Get(ctx context.Context, idDominio, iuvOrNumeroAvviso, idRicevuta string) (*Ricevuta, error) {
	const op = "ricevute.Get"
	resp, iuv, err := c.getRicevuta(ctx, op, "application/json", idDominio, iuvOrNumeroAvviso, idRicevuta)
	if err != nil {
		return nil, err
	}
	var r Ricevuta
	if err := transport.DecodeJSON(op, resp, &r); err != nil {
		return nil, err
	}
	// GovPay reads the receipt by its path (domain, IUV, receipt id): an
	// answer about another one is not the receipt asked.
	switch {
	case r.Dominio.IDDominio != idDominio:
		return nil, notAsked(op, resp, "dominio.idDominio")
	case r.IUV != iuv:
		return nil, notAsked(op, resp, "iuv")
	case r.IDRicevuta != idRicevuta:
		return nil, notAsked(op, resp, "idRicevuta")
	}
	return &r, nil
}

// PDF returns the printable receipt (a PDF document). GovPay answers 406
// (govpay.ErrNotAcceptable) unless the request asks for application/pdf
// explicitly, which PDF does.
//
// GET /ricevute/{idDominio}/{iuv}/{idRicevuta} with Accept: application/pdf
// (API Ragioneria v3, operation getRicevuta).
func (c *Client) PDF(ctx context.Context, idDominio, iuvOrNumeroAvviso, idRicevuta string) ([]byte, error) {
	const op = "ricevute.PDF"
	resp, _, err := c.getRicevuta(ctx, op, "application/pdf", idDominio, iuvOrNumeroAvviso, idRicevuta)
	if err != nil {
		return nil, err
	}
	b, err := transport.ReadBody(op, resp, "application/pdf")
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
		return nil, transport.DecodeFailure(op, resp, errors.New("the body is not a PDF document (no %PDF- header in its first 1024 bytes)"))
	}
	return b, nil
}

// notAsked is the error of an answer about another resource than the one
// asked (field differs).
func notAsked(op string, resp *http.Response, field string) error {
	return transport.DecodeFailure(op, resp, fmt.Errorf("the answer is not the resource asked: %s differs", field))
}
