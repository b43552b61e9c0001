package pendenze

import (
	"context"
	"iter"
	"net/http"
	"strings"

	"github.com/govpaygo/govpay"
	gen "github.com/govpaygo/govpay/internal/gen/pendenze"
	"github.com/govpaygo/govpay/internal/paginate"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
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

// pageSize validates the paging options into v and returns the page size
// to ask.
func pageSize(v *verr.Builder, per, pagina int) int {
	switch {
	case per == 0:
		per = DefaultRisultatiPerPagina
	case per < 0 || per > MaxRisultatiPerPagina:
		v.Addf("risultatiPerPagina", "must be between 1 and %d", MaxRisultatiPerPagina)
	}
	if pagina < 0 {
		v.Add("pagina", "must be at least 1")
	}
	return per
}

// opt returns a pointer to s, nil when s is empty (a parameter not sent).
func opt[T ~string](s T) *T {
	if s == "" {
		return nil
	}
	// Not &s, which puts s on the heap on every call, empty or not (as
	// pagamenti's optional() did before a098446).
	p := new(T)
	*p = s
	return p
}

// optTime returns a pointer to t, nil when t is zero. A time GovPay's form
// cannot write (its year in Europe/Rome outside 0000–9999) is a violation
// of field in v: the generated client could not put it in the query.
func optTime(v *verr.Builder, field string, t govpay.DateTime) *govpay.DateTime {
	if t.IsZero() {
		return nil
	}
	if _, err := t.MarshalText(); err != nil {
		v.Add(field, "year must be within 0000–9999 in Europe/Rome")
		return nil
	}
	return &t
}

// noCount is metadatiPaginazione=false, sent when SenzaConteggio is set.
func noCount(senza bool) *bool {
	if !senza {
		return nil
	}
	f := false
	return &f
}

// params returns the query parameters of GET /pendenze (but pagina) and
// the page size.
func (o *ListOptions) params() (*gen.ListPendenzeParams, int, error) {
	v := verr.New("ListOptions")
	per := pageSize(v, o.RisultatiPerPagina, o.Pagina)
	n := gen.RisultatiPerPagina(per)
	p := &gen.ListPendenzeParams{
		RisultatiPerPagina:  &n,
		Ordinamento:         opt(o.Ordinamento),
		DataDa:              optTime(v, "dataDa", o.DataDa),
		DataA:               optTime(v, "dataA", o.DataA),
		IDDominio:           opt(o.IDDominio),
		IDA2A:               opt(o.IDA2A),
		IDDebitore:          opt(o.IDDebitore),
		Stato:               opt(gen.StatoPendenza(o.Stato)),
		IDPagamento:         opt(o.IDPagamento),
		Direzione:           opt(o.Direzione),
		Divisione:           opt(o.Divisione),
		MetadatiPaginazione: noCount(o.SenzaConteggio),
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	return p, per, nil
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
//
// The answer is never trusted to be filtered: a page is read in full and
// checked before any of its items is yielded, and a page holding more items
// than RisultatiPerPagina, or an item that does not match IDDominio, IDA2A,
// IDDebitore (compared ignoring case, as GovPay does), Direzione or
// Divisione, is a *govpay.DecodeError naming the page, the item's index and
// the field: such an item is never yielded nor skipped. (Stato is not
// checked: GovPay lists a NON_ESEGUITA pendenza past its due date, asked
// with Stato NON_ESEGUITA, as SCADUTA.) GovPay 3.9.1 does not read
// IDPendenza, and our spec does not send it: List leaves out the other
// pendenze itself.
func (c *Client) List(ctx context.Context, o ListOptions) iter.Seq2[Sintesi, error] {
	return func(yield func(Sintesi, error) bool) {
		const op = "pendenze.List"
		params, per, err := o.params()
		if err != nil {
			yield(Sintesi{}, err)
			return
		}
		fetch := func(ctx context.Context, pagina int) (*http.Response, error) {
			p := *params
			n := gen.Pagina(pagina)
			p.Pagina = &n
			return c.api.ListPendenze(streaming(ctx, op), &p)
		}
		skip := func(s *Sintesi) bool { return o.IDPendenza != "" && s.IDPendenza != o.IDPendenza }
		for s, err := range walk(ctx, c, op, fetch, per, o.Pagina, func(s *Sintesi) string { return o.check(&s.Testata) }, skip) {
			if !yield(s, err) || err != nil {
				return
			}
		}
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
// Every transaction is checked against IDDominio, IDA2A, IDPendenza and
// IDDebitore (on its pendenza) as in List; GovPay matches IUV and CCP as
// case-insensitive substrings, and they are not checked.
func (c *Client) ListRPP(ctx context.Context, o RPPListOptions) iter.Seq2[RPP, error] {
	return func(yield func(RPP, error) bool) {
		const op = "pendenze.ListRPP"
		v := verr.New("ListOptions")
		per := pageSize(v, o.RisultatiPerPagina, o.Pagina)
		n := gen.RisultatiPerPagina(per)
		params := gen.ListRppParams{
			RisultatiPerPagina:  &n,
			IDDominio:           opt(o.IDDominio),
			IUV:                 opt(o.IUV),
			CCP:                 opt(o.CCP),
			IDA2A:               opt(o.IDA2A),
			IDPendenza:          opt(o.IDPendenza),
			IDDebitore:          opt(o.IDDebitore),
			EsitoPagamento:      opt(gen.EsitoRpp(o.EsitoPagamento)),
			IDPagamento:         opt(o.IDPagamento),
			DataRPTDa:           optTime(v, "dataRptDa", o.DataRptDa),
			DataRPTA:            optTime(v, "dataRptA", o.DataRptA),
			DataRTDa:            optTime(v, "dataRtDa", o.DataRtDa),
			DataRTA:             optTime(v, "dataRtA", o.DataRtA),
			MetadatiPaginazione: noCount(o.SenzaConteggio),
		}
		if err := v.Err(); err != nil {
			yield(RPP{}, err)
			return
		}
		fetch := func(ctx context.Context, pagina int) (*http.Response, error) {
			p := params
			n := gen.Pagina(pagina)
			p.Pagina = &n
			return c.api.ListRpp(streaming(ctx, op), &p)
		}
		for r, err := range walk(ctx, c, op, fetch, per, o.Pagina, o.check, nil) {
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
}

// streaming returns ctx carrying the transport settings of a page of
// list op: its body is decoded as it arrives (see transport.Request.Stream).
func streaming(ctx context.Context, op string) context.Context {
	return transport.WithCall(ctx, transport.Request{Operation: op, Stream: true})
}

// walk pages a list through the SDK's one paginator (internal/paginate):
// fetch sends the generated request of one page, per items per page at
// most, from page first, every item passed through check before it counts.
func walk[T any](ctx context.Context, c *Client, op string, fetch func(context.Context, int) (*http.Response, error), per, first int, check func(*T) string, skip func(*T) bool) iter.Seq2[T, error] {
	attempts, backoff := paginate.Retry(c.tc.Config())
	return paginate.Seq(ctx, paginate.Spec[T]{
		Operation:  op,
		PerPage:    per,
		First:      first,
		Attempts:   attempts,
		Backoff:    backoff,
		Fetch:      fetch,
		Unexpected: func(resp *http.Response) error { return unexpected(op, resp) },
		Check:      check,
		Skip:       skip,
	})
}

// check returns the name of the first filter of o that s does not match
// ("" when it matches every one). GovPay's findPendenze compares idDominio,
// idA2A, direzione and divisione exactly and idDebitore upper-cased
// (jars/orm …/bd/viste/filters/VersamentoFilter.java:246, 317, 325, 374,
// 382). The state is not checked: GovPay shows a NON_ESEGUITA pendenza past
// its due date as SCADUTA although the filter stato=NON_ESEGUITA selects it
// (api-pendenze v2 PendenzeConverter.java:133). IDPagamento is not shown in
// a Sintesi. IDPendenza is no query parameter of GovPay 3.9.1's
// findPendenze (api-pendenze v2 Pendenze.java:69): List leaves out the
// other pendenze itself (see walk's skip).
func (o *ListOptions) check(s *Testata) string {
	switch {
	case o.IDDominio != "" && s.Dominio.IDDominio != o.IDDominio:
		return "dominio.idDominio"
	case o.IDA2A != "" && s.IDA2A != o.IDA2A:
		return "idA2A"
	case o.IDDebitore != "" && !strings.EqualFold(s.SoggettoPagatore.Identificativo, o.IDDebitore):
		return "soggettoPagatore.identificativo"
	case o.Direzione != "" && s.Direzione != o.Direzione:
		return "direzione"
	case o.Divisione != "" && s.Divisione != o.Divisione:
		return "divisione"
	}
	return ""
}

// check returns the name of the first filter of o that r does not match.
// GovPay's findRpps compares idDominio, idA2A, idPendenza exactly and
// idDebitore upper-cased (jars/orm …/bd/pagamento/filters/RptFilter.java:124,
// 212, 220, 251), all of them fields of the transaction's pendenza; its iuv
// and ccp filters are case-insensitive substring matches (RptFilter.java:109,
// 117) and are not checked here.
func (o *RPPListOptions) check(r *RPP) string {
	if o.IDDominio == "" && o.IDA2A == "" && o.IDPendenza == "" && o.IDDebitore == "" {
		return ""
	}
	if r.Pendenza == nil {
		return "pendenza"
	}
	if o.IDPendenza != "" && r.Pendenza.IDPendenza != o.IDPendenza {
		return "pendenza.idPendenza"
	}
	lo := ListOptions{IDDominio: o.IDDominio, IDA2A: o.IDA2A, IDDebitore: o.IDDebitore}
	if f := lo.check(&r.Pendenza.Testata); f != "" {
		return "pendenza." + f
	}
	return ""
}
