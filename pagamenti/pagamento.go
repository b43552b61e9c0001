package pagamenti

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/govpaygo/govpay"
	gen "github.com/govpaygo/govpay/internal/gen/pagamento"
	"github.com/govpaygo/govpay/internal/paginate"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
	"github.com/govpaygo/govpay/pendenze"
)

// StatoPagamento is the state of a GovPay payment. The constants are the
// values GovPay 3.9 uses; others are kept as received.
type StatoPagamento string

// The payment states.
const (
	StatoInCorso          StatoPagamento = "IN_CORSO"          // started, outcome not known yet
	StatoEseguito         StatoPagamento = "ESEGUITO"          // paid
	StatoNonEseguito      StatoPagamento = "NON_ESEGUITO"      // not paid
	StatoEseguitoParziale StatoPagamento = "ESEGUITO_PARZIALE" // some debts of the cart paid
	StatoAnnullato        StatoPagamento = "ANNULLATO"         // cancelled
	StatoFallito          StatoPagamento = "FALLITO"           // failed
)

// Terminal reports whether the state is final: ESEGUITO, NON_ESEGUITO,
// ESEGUITO_PARZIALE, ANNULLATO or FALLITO. IN_CORSO and unknown states are
// not.
func (s StatoPagamento) Terminal() bool {
	switch s {
	case StatoEseguito, StatoNonEseguito, StatoEseguitoParziale, StatoAnnullato, StatoFallito:
		return true
	}
	return false
}

// Pagamento is a payment as GET /pagamenti/{id} returns it (GovPay's
// Pagamento): the request, its state, the pagoPA transactions (rpp) and the
// debts paid. json.Marshal gives GovPay's wire JSON back.
type Pagamento struct {
	// ID is GovPay's payment id.
	ID string `json:"id"`
	// Nome is GovPay's short description of the payment.
	Nome string `json:"nome,omitempty"`
	// Stato is the payment's state; see StatoPagamento.Terminal.
	Stato StatoPagamento `json:"stato"`
	// Importo is the total of the debts when the payment was requested.
	Importo govpay.Importo `json:"importo"`
	// IDSessionePortale is the portal's id of the attempt.
	IDSessionePortale string `json:"idSessionePortale,omitempty"`
	// IDSessionePSP is pagoPA's session id (the idSession of the return).
	IDSessionePSP string `json:"idSessionePsp,omitempty"`
	// PSPRedirectURL is where the payer was sent.
	PSPRedirectURL string `json:"pspRedirectUrl,omitempty"`
	// DataRichiestaPagamento is when the payment was requested (a
	// timestamp, although GovPay's spec declares a date).
	DataRichiestaPagamento govpay.DateTime `json:"dataRichiestaPagamento,omitzero"`
	// URLRitorno, ContoAddebito, DataEsecuzionePagamento,
	// CredenzialiPagatore, SoggettoVersante, AutenticazioneSoggetto and
	// Lingua echo the start request.
	URLRitorno              string                 `json:"urlRitorno,omitempty"`
	ContoAddebito           *Conto                 `json:"contoAddebito,omitempty"`
	DataEsecuzionePagamento govpay.Date            `json:"dataEsecuzionePagamento,omitzero"`
	CredenzialiPagatore     string                 `json:"credenzialiPagatore,omitempty"`
	SoggettoVersante        *govpay.Soggetto       `json:"soggettoVersante,omitempty"`
	AutenticazioneSoggetto  AutenticazioneSoggetto `json:"autenticazioneSoggetto,omitempty"`
	Lingua                  Lingua                 `json:"lingua,omitempty"`
	// RPP are the pagoPA transactions of the payment (GovPay's RppIndex,
	// the schema API Pendenze v2 uses too).
	RPP []pendenze.RPP `json:"rpp,omitempty"`
	// Pendenze are the debts of the payment (GovPay's PendenzaIndex, the
	// schema API Pendenze v2 lists).
	Pendenze []pendenze.Sintesi `json:"pendenze,omitempty"`
}

// Sintesi is a payment as GET /pagamenti lists it (GovPay's PagamentoIndex):
// the fields of Pagamento, with links instead of the transactions and debts.
type Sintesi struct {
	ID                      string                 `json:"id"`
	Nome                    string                 `json:"nome,omitempty"`
	Stato                   StatoPagamento         `json:"stato"`
	Importo                 govpay.Importo         `json:"importo"`
	IDSessionePortale       string                 `json:"idSessionePortale,omitempty"`
	IDSessionePSP           string                 `json:"idSessionePsp,omitempty"`
	PSPRedirectURL          string                 `json:"pspRedirectUrl,omitempty"`
	DataRichiestaPagamento  govpay.DateTime        `json:"dataRichiestaPagamento,omitzero"`
	URLRitorno              string                 `json:"urlRitorno,omitempty"`
	ContoAddebito           *Conto                 `json:"contoAddebito,omitempty"`
	DataEsecuzionePagamento govpay.Date            `json:"dataEsecuzionePagamento,omitzero"`
	CredenzialiPagatore     string                 `json:"credenzialiPagatore,omitempty"`
	SoggettoVersante        *govpay.Soggetto       `json:"soggettoVersante,omitempty"`
	AutenticazioneSoggetto  AutenticazioneSoggetto `json:"autenticazioneSoggetto,omitempty"`
	Lingua                  Lingua                 `json:"lingua,omitempty"`
	// PendenzeURL links the debts of the payment
	// ("/pendenze?idPagamento=…").
	PendenzeURL string `json:"pendenze,omitempty"`
	// RPPURL links the transactions of the payment ("/rpp?idPagamento=…").
	RPPURL string `json:"rpp,omitempty"`
}

// Get returns the payment id (GET /pagamenti/{id}, operation getPagamento).
// An unknown id gives a *govpay.Error matching govpay.ErrNotFound; an
// answer describing another payment (another id) is a *govpay.DecodeError.
// Reads are retried according to the client's retry policy.
func (c *Client) Get(ctx context.Context, id string) (*Pagamento, error) {
	const op = "pagamenti.Get"
	if ctx == nil {
		return nil, errNilContext
	}
	if err := checkPathID("id", id); err != nil {
		return nil, err
	}
	resp, err := c.api.GetPagamento(transport.WithCall(ctx, transport.Request{Operation: op}), id)
	return readPagamento(op, resp, err, func(p *Pagamento) string {
		if p.ID != id {
			return "id"
		}
		return ""
	})
}

// GetByIDSession returns the payment of a legacy session
// (GET /pagamenti/byIdSession/{idSession}, operation getPagamentoByIdSession):
// idSession is what Avvio.IDSession and Return.IDSession hold. An answer
// describing a payment of another session (idSessionePsp) is a
// *govpay.DecodeError.
func (c *Client) GetByIDSession(ctx context.Context, idSession string) (*Pagamento, error) {
	const op = "pagamenti.GetByIDSession"
	if ctx == nil {
		return nil, errNilContext
	}
	if err := checkPathID("idSession", idSession); err != nil {
		return nil, err
	}
	// GovPay reads the payment whose idSessionePsp is idSession
	// (api-pagamento v2 PagamentiController.java:226).
	resp, err := c.api.GetPagamentoByIDSession(transport.WithCall(ctx, transport.Request{Operation: op}), idSession)
	return readPagamento(op, resp, err, func(p *Pagamento) string {
		if p.IDSessionePSP != idSession {
			return "idSessionePsp"
		}
		return ""
	})
}

// readPagamento reads the answer of one payment; check names the field by
// which it is not the payment asked ("" when it is).
func readPagamento(op string, resp *http.Response, err error, check func(*Pagamento) string) (*Pagamento, error) {
	if err != nil {
		return nil, err
	}
	var p Pagamento
	if err := transport.DecodeJSON(op, resp, &p); err != nil {
		return nil, err
	}
	if p.ID == "" || p.Stato == "" {
		// Every payment GovPay returns has an id and a state.
		return nil, transport.Incomplete(op, resp, "id", "stato")
	}
	if f := check(&p); f != "" {
		return nil, notAsked(op, resp, f)
	}
	return &p, nil
}

// checkPathID refuses an identifier that cannot name a payment: empty, "0"
// (the checkout bridge's placeholder), "." or ".." (a dot segment: the
// request would name another resource), too long, or with characters
// GovPay's ids never have.
func checkPathID(field, id string) error {
	v := verr.New("pagamento")
	switch {
	case id == "":
		v.Add(field, "required")
	case id == "0":
		v.Add(field, `"0" is the checkout bridge's placeholder, not a payment: use the receipts`)
	case id == "." || id == "..":
		v.Add(field, "must not be a dot segment (. or ..)")
	case len(id) > MaxReturnValue:
		v.Addf(field, "at most %d characters", MaxReturnValue)
	case !printableASCII(id):
		v.Add(field, "must hold printable ASCII characters only")
	}
	return v.Err()
}

// MaxRisultatiPerPagina is the largest page GovPay serves.
const MaxRisultatiPerPagina = 200

// ListOptions filters List. Zero fields filter nothing.
type ListOptions struct {
	// IDSessionePortale, the portal's id of the attempt.
	IDSessionePortale string
	// IDSessione is pagoPA's session id (query parameter idSessione;
	// GovPay's spec calls it idSessionePsp but the server reads idSessione).
	IDSessione string
	// IDDebitore and IDVersante filter by debtor and payer.
	IDDebitore string
	IDVersante string
	// IDCarrello is GovPay's payment id (query parameter id).
	IDCarrello string
	// Stato filters by state.
	Stato StatoPagamento
	// DataDa and DataA bound the request time.
	DataDa govpay.DateTime
	DataA  govpay.DateTime
	// Ordinamento sorts the list ("+dataRichiestaPagamento", GovPay's
	// syntax).
	Ordinamento string
	// RisultatiPerPagina is the page size (GovPay's default 25 when 0, at
	// most MaxRisultatiPerPagina).
	RisultatiPerPagina int
}

// params checks o and returns the query parameters of GET /pagamenti
// (pagina and risultatiPerPagina are set per page by List).
func (o *ListOptions) params() (gen.ListPagamentiParams, error) {
	v := verr.New("ListOptions")
	if o.RisultatiPerPagina < 0 || o.RisultatiPerPagina > MaxRisultatiPerPagina {
		v.Addf("risultatiPerPagina", "must be between 1 and %d", MaxRisultatiPerPagina)
	}
	checkQueryTime(v, "dataDa", o.DataDa)
	checkQueryTime(v, "dataA", o.DataA)
	if !o.DataDa.IsZero() && !o.DataA.IsZero() && o.DataA.Time().Before(o.DataDa.Time()) {
		v.Add("dataA", "must not be before dataDa")
	}
	if err := v.Err(); err != nil {
		return gen.ListPagamentiParams{}, err
	}
	p := gen.ListPagamentiParams{
		IDSessionePortale: optional(o.IDSessionePortale),
		IDSessione:        optional(o.IDSessione),
		IDDebitore:        optional(o.IDDebitore),
		IDVersante:        optional(o.IDVersante),
		ID:                optional(o.IDCarrello),
		Stato:             optional(gen.StatoPagamento(o.Stato)),
		Ordinamento:       optional(o.Ordinamento),
	}
	if !o.DataDa.IsZero() {
		p.DataDa = &o.DataDa
	}
	if !o.DataA.IsZero() {
		p.DataA = &o.DataA
	}
	return p, nil
}

// checkQueryTime refuses a time that cannot be written as a query
// parameter (a year outside 0000–9999 in Europe/Rome).
func checkQueryTime(v *verr.Builder, field string, t govpay.DateTime) {
	if _, err := t.MarshalText(); err != nil {
		v.Add(field, "must be a time of the years 0000 to 9999")
	}
}

// List iterates over the payments matching o (GET /pagamenti, operation
// findPagamenti), page after page; see the package documentation on
// pagination. Stop early by breaking out of the loop. An error ends the
// iteration: it is yielded once, with a zero Sintesi.
//
// The answer is never trusted to be filtered: a page is read in full and
// checked before any of its items is yielded, and a page holding more items
// than RisultatiPerPagina, or a payment whose idSessionePortale,
// idSessionePsp (IDSessione), id (IDCarrello) or stato differs from the one
// asked, is a *govpay.DecodeError naming the page, the item's index and the
// field: such a payment is never yielded nor skipped. GovPay compares these
// exactly (jars/orm …/bd/pagamento/filters/PagamentoPortaleFilter.java:109,
// 121, 127, 186; api-pagamento v2 PagamentiController.java:408-410) and
// shows the state as stored (PagamentiPortaleConverter.java:395). IDDebitore
// and IDVersante are not checked: a listed payment shows no debtor, and its
// soggettoVersante echoes the request rather than what GovPay filtered on.
func (c *Client) List(ctx context.Context, o ListOptions) iter.Seq2[Sintesi, error] {
	const op = "pagamenti.List"
	p, err := o.params()
	return walk(ctx, c.tc, op, o.RisultatiPerPagina, err, func(ctx context.Context, pagina, per int32) (*http.Response, error) {
		q := p // each page its own copy: the iterator may be ranged over concurrently
		q.Pagina, q.RisultatiPerPagina = &pagina, &per
		return c.api.ListPagamenti(transport.WithCall(ctx, transport.Request{Operation: op, Stream: true}), &q)
	}, o.check, nil)
}

// check returns the name of the first filter of o that s does not match.
func (o *ListOptions) check(s *Sintesi) string {
	switch {
	case o.IDSessionePortale != "" && s.IDSessionePortale != o.IDSessionePortale:
		return "idSessionePortale"
	case o.IDSessione != "" && s.IDSessionePSP != o.IDSessione:
		return "idSessionePsp"
	case o.IDCarrello != "" && s.ID != o.IDCarrello:
		return "id"
	case o.Stato != "" && s.Stato != o.Stato:
		return "stato"
	}
	return ""
}

// DefaultRisultatiPerPagina is the page size List and Posizione ask for
// when RisultatiPerPagina is 0: GovPay's own default (api-pagamento v2
// Pagamenti.java:89), sent explicitly so that the bound on every page is
// known.
const DefaultRisultatiPerPagina = 25

// walk pages a list through the SDK's one paginator (internal/paginate):
// per items per page at most (DefaultRisultatiPerPagina when 0), every item
// passed through check before it counts and left out when skip (if not nil)
// says so. fetch sends the request of one page through the generated
// client, with the transport's Stream setting. A qerr (the options'
// ValidationError) or a nil ctx is yielded before anything is sent. API
// Pagamento v2 puts the items under risultati (its spec says items for
// some lists: both are read).
func walk[T any](ctx context.Context, tc *transport.Client, op string, per int, qerr error,
	fetch func(ctx context.Context, pagina, per int32) (*http.Response, error), check func(*T) string, skip func(*T) bool) iter.Seq2[T, error] {
	if qerr == nil && ctx == nil {
		qerr = errNilContext
	}
	if qerr != nil {
		return func(yield func(T, error) bool) {
			var zero T
			yield(zero, qerr)
		}
	}
	if per == 0 {
		per = DefaultRisultatiPerPagina
	}
	attempts, backoff := paginate.Retry(tc.Config())
	return paginate.Seq(ctx, paginate.Spec[T]{
		Operation: op,
		PerPage:   per,
		Keys:      []string{"risultati", "items"},
		Attempts:  attempts,
		Backoff:   backoff,
		Fetch: func(ctx context.Context, pagina int) (*http.Response, error) {
			// per ≤ MaxRisultatiPerPagina; pagina ≤ paginate's MaxPages.
			return fetch(ctx, int32(pagina), int32(per))
		},
		Check: check,
		Skip:  skip,
	})
}

// notAsked is the *govpay.DecodeError of a successful answer that describes
// another resource than the one asked: field is the first that differs.
func notAsked(op string, resp *http.Response, field string) error {
	return transport.DecodeFailure(op, resp, fmt.Errorf("the answer is not the resource asked: %s differs", field))
}
