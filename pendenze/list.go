package pendenze

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/transport"
)

// MaxRisultatiPerPagina is the largest page GovPay serves.
const MaxRisultatiPerPagina = 200

// DefaultRisultatiPerPagina is the page size List asks for when
// ListOptions.RisultatiPerPagina is 0.
const DefaultRisultatiPerPagina = 100

// ListOptions filters and pages a List. Zero fields are not sent.
type ListOptions struct {
	IDDominio   string
	IDA2A       string
	IDPendenza  string
	IDDebitore  string
	Stato       StatoPendenza
	IDPagamento string
	Direzione   string
	Divisione   string
	// DataDa and DataA bound the load date.
	DataDa govpay.DateTime
	DataA  govpay.DateTime
	// Ordinamento is GovPay's sort expression ("+dataCaricamento").
	Ordinamento string
	// RisultatiPerPagina is the page size, 1–200
	// (DefaultRisultatiPerPagina when 0).
	RisultatiPerPagina int
	// Pagina is the first page to read (1 when 0).
	Pagina int
	// SenzaConteggio asks GovPay not to count the results
	// (metadatiPaginazione=false), which is much cheaper on large archives;
	// the iteration then ends at the first page that is not full.
	SenzaConteggio bool
}

func (o *ListOptions) query() (url.Values, int, error) {
	v := &govpay.ValidationError{What: "ListOptions"}
	per := o.RisultatiPerPagina
	switch {
	case per == 0:
		per = DefaultRisultatiPerPagina
	case per < 0 || per > MaxRisultatiPerPagina:
		v.Addf("risultatiPerPagina", "must be between 1 and %d", MaxRisultatiPerPagina)
	}
	if o.Pagina < 0 {
		v.Add("pagina", "must be at least 1")
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	q := url.Values{}
	set := func(k, val string) {
		if val != "" {
			q.Set(k, val)
		}
	}
	set("idDominio", o.IDDominio)
	set("idA2A", o.IDA2A)
	set("idPendenza", o.IDPendenza)
	set("idDebitore", o.IDDebitore)
	set("stato", string(o.Stato))
	set("idPagamento", o.IDPagamento)
	set("direzione", o.Direzione)
	set("divisione", o.Divisione)
	set("dataDa", o.DataDa.String())
	set("dataA", o.DataA.String())
	set("ordinamento", o.Ordinamento)
	q.Set("risultatiPerPagina", strconv.Itoa(per))
	if o.SenzaConteggio {
		q.Set("metadatiPaginazione", "false")
	}
	return q, per, nil
}

// List iterates over the pendenze matching o (GET /pendenze), page after
// page (query pagina), asking for the next page only when the previous one
// has been consumed: breaking out of the loop fetches nothing more. Memory
// is bounded by one page whatever the number of results.
//
//	for s, err := range client.List(ctx, pendenze.ListOptions{IDDominio: "01234567890"}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(s.IDPendenza, s.Stato)
//	}
//
// An error (invalid options, network, GovPay) is yielded once and ends the
// iteration.
func (c *Client) List(ctx context.Context, o ListOptions) iter.Seq2[Sintesi, error] {
	return func(yield func(Sintesi, error) bool) {
		q, per, err := o.query()
		if err != nil {
			yield(Sintesi{}, err)
			return
		}
		paginate(ctx, c, "pendenze.List", "pendenze", q, per, o.Pagina, yield)
	}
}

// RPPListOptions filters and pages ListRPP.
type RPPListOptions struct {
	IDA2A          string
	IDPendenza     string
	IDDominio      string
	IUV            string
	CCP            string
	IDDebitore     string
	IDPagamento    string
	EsitoPagamento string
	// DataRptDa … DataRtA bound the dates of request and receipt.
	DataRptDa, DataRptA govpay.DateTime
	DataRtDa, DataRtA   govpay.DateTime
	// RisultatiPerPagina, Pagina, SenzaConteggio as in ListOptions.
	RisultatiPerPagina int
	Pagina             int
	SenzaConteggio     bool
}

// ListRPP iterates over the payment attempts (with their receipts)
// matching o (GET /rpp), page after page, like List. The receipts of one
// pendenza are ListRPP(ctx, RPPListOptions{IDA2A: a, IDPendenza: p}).
func (c *Client) ListRPP(ctx context.Context, o RPPListOptions) iter.Seq2[RPP, error] {
	return func(yield func(RPP, error) bool) {
		lo := ListOptions{RisultatiPerPagina: o.RisultatiPerPagina, Pagina: o.Pagina, SenzaConteggio: o.SenzaConteggio,
			IDA2A: o.IDA2A, IDPendenza: o.IDPendenza, IDDominio: o.IDDominio, IDDebitore: o.IDDebitore, IDPagamento: o.IDPagamento}
		q, per, err := lo.query()
		if err != nil {
			yield(RPP{}, err)
			return
		}
		set := func(k, val string) {
			if val != "" {
				q.Set(k, val)
			}
		}
		set("iuv", o.IUV)
		set("ccp", o.CCP)
		set("esitoPagamento", o.EsitoPagamento)
		set("dataRptDa", o.DataRptDa.String())
		set("dataRptA", o.DataRptA.String())
		set("dataRtDa", o.DataRtDa.String())
		set("dataRtA", o.DataRtA.String())
		paginate(ctx, c, "pendenze.ListRPP", "rpp", q, per, o.Pagina, yield)
	}
}

// pagina is one page of a GovPay list (Lista + risultati).
type pagina[T any] struct {
	NumRisultati       *int   `json:"numRisultati"`
	NumPagine          *int   `json:"numPagine"`
	RisultatiPerPagina int    `json:"risultatiPerPagina"`
	Pagina             int    `json:"pagina"`
	ProssimiRisultati  string `json:"prossimiRisultati"`
	Risultati          []T    `json:"risultati"`
}

// paginate walks the pages of path from page first (1 when 0), yielding
// each result. It stops at an empty page, at the last page GovPay counted,
// or (without counts) at the first page shorter than per.
func paginate[T any](ctx context.Context, c *Client, op, path string, q url.Values, per, first int, yield func(T, error) bool) {
	var zero T
	page := max(first, 1)
	for {
		q.Set("pagina", strconv.Itoa(page))
		resp, err := c.tc.Do(ctx, &transport.Request{Operation: op, Method: http.MethodGet, Path: path, Query: q})
		if err != nil {
			yield(zero, err)
			return
		}
		if resp.StatusCode != http.StatusOK {
			yield(zero, unexpected(op, resp))
			return
		}
		var p pagina[T]
		if err := transport.DecodeJSON(op, resp, &p); err != nil {
			yield(zero, err)
			return
		}
		for i := range p.Risultati {
			if !yield(p.Risultati[i], nil) {
				return
			}
			var z T
			p.Risultati[i] = z // let the yielded value go
		}
		n := len(p.Risultati)
		switch {
		case n == 0:
			return
		case p.NumPagine != nil && *p.NumPagine > 0:
			if page >= *p.NumPagine {
				return
			}
		default:
			size := per
			if p.RisultatiPerPagina > 0 {
				size = p.RisultatiPerPagina
			}
			if n < size {
				return
			}
		}
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		page++
	}
}
