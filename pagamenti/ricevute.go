package pagamenti

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/paginate"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/pendenze"
)

// Ricevute reads pagoPA payment receipts from GovPay's API Ragioneria v3
// (GET /ricevute, GET /ricevute/{idDominio}/{iuv}/{idRicevuta}). In checkout
// mode (the GovPay checkout bridge and the direct pagoPA Checkout) a receipt
// is the only proof that a notice was paid.
//
// A Ricevute is immutable and safe for concurrent use. Its reads are retried
// according to the client's retry policy.
type Ricevute struct {
	tc *transport.Client
}

// NewRicevute returns a client of API Ragioneria v3 built from cfg: its
// base URL is cfg's for API Ragioneria v3
// (host/govpay/backend/api/ragioneria/rs/{auth}/v3, or the one given with
// govpay.WithEndpoint(govpay.APIRagioneria, …)), and it sends through cfg's
// HTTP client, with its credentials, retry policy and logger.
//
// A nil cfg gives a client whose every call returns a
// *govpay.ValidationError (What "config") without sending anything.
func NewRicevute(cfg *govpay.Config) *Ricevute {
	return &Ricevute{tc: transport.ForAPI(cfg, govpay.APIRagioneria, 3)}
}

// Ricevuta is a pagoPA payment receipt as API Ragioneria v3 returns it. The
// list read by [Ricevute.Find] fills only Dominio, IUV, IDRicevuta, Esito and
// Data; [Ricevute.Get] fills the rest.
//
// GovPay's schema Ricevuta is the same in API Ragioneria v3 and API Ente v2:
// the type is [pendenze.Ricevuta], which notifica.Ricevuta names too.
// Timestamps are decoded leniently (GovPay writes plain dates in fields
// declared date-time); [pendenze.Ricevuta.Paid] tells whether it proves a
// full payment (Esito [pendenze.EsitoEseguito]). Its parts and enumerations
// (pendenze.Esito, pendenze.PendenzaPagata…) are in package pendenze.
type Ricevuta = pendenze.Ricevuta

var (
	reDominioCF   = regexp.MustCompile(`^[0-9]{11}$`)
	reIUVRicevuta = regexp.MustCompile(`^[0-9A-Za-z]{1,35}$`)
)

// iuvFromArg returns the IUV that s names: s itself when it is an IUV, the IUV
// carried by s when it is an 18-digit numero avviso. field names the
// argument in the violation.
func iuvFromArg(v *govpay.ValidationError, field, s string) string {
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

func checkDominioArg(v *govpay.ValidationError, field, s string) {
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
// Only the summary fields are filled (see [Ricevuta]); use [Ricevute.Get]
// for the full receipt.
//
// GET /ricevute?idDominio=…&iuv=… (API Ragioneria v3, operation findRicevute).
func (c *Ricevute) Find(ctx context.Context, idDominio, iuvOrNumeroAvviso string) ([]Ricevuta, error) {
	const op = "ricevute.Find"
	v := govpay.ValidationError{What: "ricevute.Find arguments"}
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
	upper := strings.ToUpper(iuv)
	q := url.Values{}
	q.Set("idDominio", idDominio)
	q.Set("iuv", iuv)
	q.Set("risultatiPerPagina", strconv.Itoa(ricevutePageSize))
	var all []Ricevuta
	attempts, backoff := paginate.Retry(c.tc.Config())
	for r, err := range paginate.Seq(ctx, paginate.Spec[Ricevuta]{
		Operation: op,
		PerPage:   ricevutePageSize,
		MaxPages:  findMaxPages,
		Attempts:  attempts,
		Backoff:   backoff,
		Fetch: func(ctx context.Context, pagina int) (*http.Response, error) {
			pq := maps.Clone(q)
			pq.Set("pagina", strconv.Itoa(pagina))
			return c.tc.Do(ctx, &transport.Request{Operation: op, Method: http.MethodGet, Path: "ricevute", Query: pq, Stream: true})
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

func ricevutaPath(op, idDominio, iuvOrNumeroAvviso, idRicevuta string) (string, error) {
	v := govpay.ValidationError{What: op + " arguments"}
	checkDominioArg(&v, "idDominio", idDominio)
	iuv := iuvFromArg(&v, "iuv", iuvOrNumeroAvviso)
	switch {
	case idRicevuta == "":
		v.Add("idRicevuta", "required")
	case len(idRicevuta) > 35:
		v.Add("idRicevuta", "must be at most 35 characters")
	case strings.ContainsAny(idRicevuta, "\x00\r\n\t"):
		v.Add("idRicevuta", "must not contain control characters")
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	return transport.Path("ricevute", idDominio, iuv, idRicevuta), nil
}

// Get returns one receipt in full. iuvOrNumeroAvviso is an IUV or an
// 18-digit numero avviso, as for [Ricevute.Find]; idRicevuta comes from
// Find. An unknown receipt gives a *govpay.Error matching govpay.ErrNotFound;
// an answer about another receipt (another domain, IUV or idRicevuta) is a
// *govpay.DecodeError.
//
// GET /ricevute/{idDominio}/{iuv}/{idRicevuta} with Accept: application/json
// (API Ragioneria v3, operation getRicevuta).
func (c *Ricevute) Get(ctx context.Context, idDominio, iuvOrNumeroAvviso, idRicevuta string) (*Ricevuta, error) {
	const op = "ricevute.Get"
	path, err := ricevutaPath(op, idDominio, iuvOrNumeroAvviso, idRicevuta)
	if err != nil {
		return nil, err
	}
	resp, err := c.tc.Do(ctx, &transport.Request{Operation: op, Method: http.MethodGet, Path: path, Accept: "application/json"})
	if err != nil {
		return nil, err
	}
	var r Ricevuta
	if err := transport.DecodeJSON(op, resp, &r); err != nil {
		return nil, err
	}
	// GovPay reads the receipt by its path (domain, IUV, receipt id): an
	// answer about another one is not the receipt asked.
	iuv := iuvFromArg(&govpay.ValidationError{}, "iuv", iuvOrNumeroAvviso)
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
func (c *Ricevute) PDF(ctx context.Context, idDominio, iuvOrNumeroAvviso, idRicevuta string) ([]byte, error) {
	const op = "ricevute.PDF"
	path, err := ricevutaPath(op, idDominio, iuvOrNumeroAvviso, idRicevuta)
	if err != nil {
		return nil, err
	}
	resp, err := c.tc.Do(ctx, &transport.Request{Operation: op, Method: http.MethodGet, Path: path, Accept: "application/pdf"})
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
