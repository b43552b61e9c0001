package pagamenti

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
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

// NewRicevute returns a client of API Ragioneria v3 under baseURL, for
// example
//
//	https://govpay.example.it/govpay/backend/api/ragioneria/rs/basic/v3
//
// (see govpay.BaseURL). The options set authentication, the HTTP client,
// retries and logging.
func NewRicevute(baseURL string, opts ...govpay.Option) (*Ricevute, error) {
	tc, err := transport.New(baseURL, opts)
	if err != nil {
		return nil, err
	}
	return &Ricevute{tc: tc}, nil
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

type ricevuteList struct {
	NumRisultati      int        `json:"numRisultati"`
	NumPagine         int        `json:"numPagine"`
	Pagina            int        `json:"pagina"`
	ProssimiRisultati string     `json:"prossimiRisultati"`
	Risultati         []Ricevuta `json:"risultati"`
}

// Find returns the receipts of one notice of the creditor idDominio, newest
// first (by the date GovPay acquired them). iuvOrNumeroAvviso is an IUV, or
// an 18-digit numero avviso whose IUV is derived (avvisi.NumeroAvviso.IUV).
// No receipt is not an error: the result is empty.
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
	var all []Ricevuta
	for pagina := 1; pagina <= findMaxPages; pagina++ {
		q := url.Values{}
		q.Set("idDominio", idDominio)
		q.Set("iuv", iuv)
		q.Set("pagina", strconv.Itoa(pagina))
		q.Set("risultatiPerPagina", strconv.Itoa(ricevutePageSize))
		resp, err := c.tc.Do(ctx, &transport.Request{Operation: op, Method: http.MethodGet, Path: "ricevute", Query: q})
		if err != nil {
			return nil, err
		}
		var page ricevuteList
		if err := transport.DecodeJSON(op, resp, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Risultati...)
		if len(page.Risultati) < ricevutePageSize || page.NumPagine > 0 && pagina >= page.NumPagine ||
			page.NumRisultati > 0 && len(all) >= page.NumRisultati {
			break
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
// Find. An unknown receipt gives a *govpay.Error matching govpay.ErrNotFound.
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
