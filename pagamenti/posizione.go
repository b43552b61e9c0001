package pagamenti

import (
	"context"
	"iter"
	"net/http"
	"strings"

	"github.com/govpaygo/govpay/avvisi"
	gen "github.com/govpaygo/govpay/internal/gen/pagamento"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
	"github.com/govpaygo/govpay/pendenze"
)

// PosizioneOptions filters Client.Posizione. Zero fields filter nothing.
type PosizioneOptions struct {
	// IDDominio restricts the position to one creditor (11 digits).
	IDDominio string
	// Stato filters by the debts' state (NON_ESEGUITA: what is still due).
	Stato pendenze.StatoPendenza
	// IUV, IDA2A, IDPendenza and IDPagamento find specific debts.
	IUV         string
	IDA2A       string
	IDPendenza  string
	IDPagamento string
	// Direzione and Divisione restrict to an office of the creditor.
	Direzione string
	Divisione string
	// MostraSpontaneiNonPagati shows spontaneous debts that were never
	// paid (GovPay hides them by default).
	MostraSpontaneiNonPagati bool
	// Ordinamento sorts the list (GovPay's syntax, "-dataCaricamento").
	Ordinamento string
	// RisultatiPerPagina is the page size (GovPay's default 25 when 0, at
	// most MaxRisultatiPerPagina).
	RisultatiPerPagina int
}

// ListPosizione iterates over the debt position of the debtor idDebitore
// (codice fiscale or partita IVA): the debts GovPay holds for them
// (GET /pendenze, operation findPendenze, the list under "risultati"). An
// empty idDebitore lists every debt the credentials may see (with SPID
// authentication, GovPay shows the citizen their own). Pagination and errors
// work as in List, and so does the check of every debt against the filters
// GovPay applies (idDebitore ignoring case, IDDominio, Direzione,
// Divisione): a mismatch is a *govpay.DecodeError, never a debt yielded or
// skipped. GovPay 3.9.1 does not read IDA2A, IDPendenza and IUV: its answer
// holds every debt of the other filters, and the debts they exclude are
// left out by the SDK (still paging through all of them).
func (c *Client) ListPosizione(ctx context.Context, idDebitore string, o PosizioneOptions) iter.Seq2[pendenze.Sintesi, error] {
	const op = "pagamenti.Posizione"
	p, err := o.params(idDebitore)
	return walk(ctx, c.tc, op, o.RisultatiPerPagina, err, func(ctx context.Context, pagina, per int32) (*http.Response, error) {
		q := p // each page its own copy: the iterator may be ranged over concurrently
		q.Pagina, q.RisultatiPerPagina = &pagina, &per
		return c.api.ListPendenze(transport.WithCall(ctx, transport.Request{Operation: op, Stream: true}), &q)
	}, func(d *pendenze.Sintesi) string { return o.check(idDebitore, d) }, o.skip)
}

// check returns the name of the first filter that d does not match among
// those GovPay applies: API Pagamento v2's findPendenze reads idDebitore,
// idDominio, direzione and divisione (api-pagamento v2 Pendenze.java:69) and
// compares them exactly, idDebitore upper-cased (jars/orm
// …/bd/viste/filters/VersamentoFilter.java:246, 325, 374, 382). The state is
// not checked: GovPay shows a NON_ESEGUITA debt past its due date as
// SCADUTA (api-pendenze v2 PendenzeConverter.java:133, the same rendering in
// API Pagamento).
func (o *PosizioneOptions) check(idDebitore string, d *pendenze.Sintesi) string {
	switch {
	case idDebitore != "" && !strings.EqualFold(d.SoggettoPagatore.Identificativo, idDebitore):
		return "soggettoPagatore.identificativo"
	case o.IDDominio != "" && (d.Dominio.IDDominio == "" || d.Dominio.IDDominio != o.IDDominio):
		return "dominio.idDominio"
	case o.Direzione != "" && d.Direzione != o.Direzione:
		return "direzione"
	case o.Divisione != "" && d.Divisione != o.Divisione:
		return "divisione"
	}
	return ""
}

// skip reports whether d fails a filter GovPay 3.9.1 does not read (IDA2A,
// IDPendenza, IUV are no query parameters of its findPendenze,
// api-pagamento v2 Pendenze.java:69): the SDK applies them itself. The IUV
// of a debt is its notice's (iuvAvviso, or the IUV inside numeroAvviso),
// compared ignoring case.
func (o *PosizioneOptions) skip(d *pendenze.Sintesi) bool {
	return o.IDA2A != "" && d.IDA2A != o.IDA2A ||
		o.IDPendenza != "" && d.IDPendenza != o.IDPendenza ||
		o.IUV != "" && !strings.EqualFold(debitoIUV(d), o.IUV)
}

// debitoIUV is the IUV of d's notice.
func debitoIUV(d *pendenze.Sintesi) string {
	if d.IUVAvviso != "" {
		return d.IUVAvviso
	}
	if n, err := avvisi.ParseNumeroAvviso(d.NumeroAvviso); err == nil {
		return n.IUV()
	}
	return ""
}

// params checks o and returns the query parameters of GET /pendenze
// (pagina and risultatiPerPagina are set per page by Posizione).
func (o *PosizioneOptions) params(idDebitore string) (gen.ListPendenzeParams, error) {
	v := verr.New("PosizioneOptions")
	if len(idDebitore) > 35 {
		v.Add("idDebitore", "at most 35 characters")
	} else if idDebitore != "" && !printableASCII(idDebitore) {
		v.Add("idDebitore", "must hold printable ASCII characters only")
	}
	if o.IDDominio != "" && !reIDDominio.MatchString(o.IDDominio) {
		v.Add("idDominio", "must be 11 digits")
	}
	if o.RisultatiPerPagina < 0 || o.RisultatiPerPagina > MaxRisultatiPerPagina {
		v.Addf("risultatiPerPagina", "must be between 1 and %d", MaxRisultatiPerPagina)
	}
	if err := v.Err(); err != nil {
		return gen.ListPendenzeParams{}, err
	}
	p := gen.ListPendenzeParams{
		IDDebitore:  optional(idDebitore),
		IDDominio:   optional(o.IDDominio),
		Stato:       optional(gen.StatoPendenza(o.Stato)),
		IUV:         optional(o.IUV),
		IDA2A:       optional(o.IDA2A),
		IDPendenza:  optional(o.IDPendenza),
		IDPagamento: optional(o.IDPagamento),
		Direzione:   optional(o.Direzione),
		Divisione:   optional(o.Divisione),
		Ordinamento: optional(o.Ordinamento),
	}
	if o.MostraSpontaneiNonPagati {
		t := true
		p.MostraSpontaneiNonPagati = &t
	}
	return p, nil
}
