package pagamenti

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/verr"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// OutcomeState answers the one question a portal asks when the payer comes
// back: paid, not paid, or not known yet.
type OutcomeState string

// The outcome states.
const (
	// OutcomePaid: every debt of the cart is paid (GovPay says ESEGUITO in
	// legacy mode; every notice has a positive receipt otherwise).
	OutcomePaid OutcomeState = "PAID"
	// OutcomePartial: some debts are paid and some are not, and that is
	// final (GovPay says ESEGUITO_PARZIALE; or the payer came back with a
	// failure and only some notices have a receipt). Items tells which.
	OutcomePartial OutcomeState = "PARTIAL"
	// OutcomeNotPaid: nothing was paid (GovPay says NON_ESEGUITO,
	// ANNULLATO or FALLITO; or no notice has a receipt and the payer came
	// back with ERROR or CANCEL). The payer may try again: pagoPA never
	// lets a notice be paid twice.
	OutcomeNotPaid OutcomeState = "NOT_PAID"
	// OutcomePending: not known yet (GovPay says IN_CORSO, or a receipt is
	// missing while the payer came back with OK, DIFFERITO or nothing). Ask
	// again later; receipts usually follow within seconds, at worst hours.
	OutcomePending OutcomeState = "PENDING"
)

// Outcome is what [Resolver.Resolve] found out.
type Outcome struct {
	// State is the answer.
	State OutcomeState
	// Mode is how the payment was started, and so where the answer comes
	// from: GovPay's payment (ModeLegacy) or the receipts (the checkout
	// modes).
	Mode Mode
	// Hint is the esito the payer's browser came back with ("" when
	// none). It only tells "not paid" from "not known yet" when no receipt
	// exists; it never makes anything paid.
	Hint Esito
	// Reason explains State in one sentence, for logs and support.
	Reason string
	// Pagamento is GovPay's payment (ModeLegacy only).
	Pagamento *Pagamento
	// Items are the debts of the cart, in cart order, each with its own
	// state.
	Items []ItemOutcome
}

// ItemOutcome is the outcome of one debt of the cart.
type ItemOutcome struct {
	// Index is the item's position in the cart (or in the notices given to
	// ResolveNotices).
	Index int
	// Kind is the cart item's kind (0 for ResolveNotices).
	Kind ItemKind
	// IDDominio, NumeroAvviso and IUV identify the notice, when known.
	// NumeroAvviso may come from GovPay's answers, so it is kept as text
	// (see pendenze.Testata.NumeroAvviso for why).
	IDDominio    string
	NumeroAvviso string
	IUV          string
	// State is the item's own state.
	State OutcomeState
	// Ricevuta is the receipt that decides State: the newest positive
	// receipt, or else the newest receipt; nil when there is none (and in
	// legacy mode).
	Ricevuta *ricevute.Ricevuta
	// Ricevute are all the receipts found for the notice, newest first
	// (checkout modes).
	Ricevute []ricevute.Ricevuta
	// Pendenza is GovPay's view of the debt (legacy mode, when GovPay listed
	// it in the payment).
	Pendenza *pendenze.Sintesi
}

// Resolver answers whether a started payment was paid. It reads GovPay's
// payment in legacy mode (API Pagamento v2) and the receipts of every notice
// in the checkout modes (API Ragioneria v3). It is safe for concurrent use.
type Resolver struct {
	pagamenti *Client
	ricevute  *ricevute.Client
}

// NewResolver returns a resolver over the two GovPay clients. c (API
// Pagamento v2) is needed for legacy mode, and in checkout modes to find the
// notice of a cart item that names its pendenza by idA2A/idPendenza; r (API
// Ragioneria v3, ricevute.New) is needed in checkout modes. Either may be nil when the portal never uses the modes
// that need it: Resolve then fails with a clear error instead.
func NewResolver(c *Client, r *ricevute.Client) *Resolver {
	return &Resolver{pagamenti: c, ricevute: r}
}

// ErrResolverClient is matched by the error Resolve returns when the client
// a mode needs was not given to NewResolver.
var ErrResolverClient = errors.New("pagamenti: the resolver lacks the client this mode needs")

// Resolve tells whether the payment avvio was paid, given what the payer's
// browser came back with (ret, from ParseReturn; a zero Return when
// resolving later, without a return).
//
// avvio is what Client.Start or Checkout.Start returned, as the portal
// stored it (its JSON form, on any replica, after any restart): Resolve
// needs nothing else. It is validated first (Avvio.Validate). In legacy
// mode the answer is GovPay's state of payment avvio.ID
// (GET /pagamenti/{id}): ESEGUITO is paid, NON_ESEGUITO, ANNULLATO and
// FALLITO are not paid, ESEGUITO_PARZIALE is partial, and IN_CORSO (or a
// state this SDK does not know) is pending. A return whose idPagamento
// differs from avvio.ID is refused: it belongs to another payment. A zero
// Avvio (the portal lost it) resolves a legacy return with its own
// idPagamento or idSession: make sure that payment is the payer's before
// showing it.
//
// In the checkout modes (ModeCheckoutBridge, ModeCheckout) the answer is the
// receipts (ricevute.Client.Find) of every item's notice: avvio.Items name it
// (idDominio and numeroAvviso); an item that names its pendenza by
// idA2A/idPendenza only is looked up in GovPay first (Client.Posizione). A
// spontaneous item has no notice the portal can know: resolve such carts
// with ResolveNotices or wait for GovPay's notification. Every notice with a
// positive receipt is paid; ret.Esito only tells "not paid" (ERROR, CANCEL)
// from "pending" (OK, DIFFERITO, none, or a value this SDK does not know)
// while receipts are missing.
//
// Errors: a *govpay.ValidationError for unusable input (before any
// request), or the first *govpay.Error, *govpay.NetworkError or
// *govpay.DecodeError of the requests. A resolver error is never an answer:
// ask again.
func (r *Resolver) Resolve(ctx context.Context, ret Return, avvio Avvio) (*Outcome, error) {
	if ctx == nil {
		return nil, errors.New("pagamenti: Resolve: nil context")
	}
	if avvio.Mode == "" && avvio.ID == "" && len(avvio.Items) == 0 && ret.Legacy() {
		// The portal lost the Avvio: the return names GovPay's payment.
		return r.legacy(ctx, ret, ret.IDPagamento, ret.IDSession, nil)
	}
	if err := avvio.Validate(); err != nil {
		return nil, err
	}
	items := make([]Item, len(avvio.Items))
	for i, it := range avvio.Items {
		items[i] = it.item()
	}
	if avvio.Mode == ModeLegacy {
		if ret.IDPagamento != "" && ret.IDPagamento != avvio.ID {
			return nil, invalidOutcome("idPagamento", fmt.Sprintf("the return names payment %q, not %q started in this session", excerpt(ret.IDPagamento), avvio.ID))
		}
		return r.legacy(ctx, ret, avvio.ID, "", items)
	}
	targets, err := r.itemTargets(ctx, items)
	if err != nil {
		return nil, err
	}
	return r.receipts(ctx, ret, avvio.Mode, targets)
}

// ResolveNotices is Resolve for the checkout modes when the portal kept the
// notices it paid (CheckoutRequest.PaymentNotices from Checkout.Prepare,
// for instance, after a NoticeCompleter filled them): the receipts of each
// notice decide, as in Resolve.
func (r *Resolver) ResolveNotices(ctx context.Context, ret Return, notices []PaymentNotice) (*Outcome, error) {
	if ctx == nil {
		return nil, errors.New("pagamenti: ResolveNotices: nil context")
	}
	v := verr.New("notices")
	if len(notices) == 0 {
		v.Add("paymentNotices", "required: at least one notice")
	}
	targets := make([]ItemOutcome, len(notices))
	for i, n := range notices {
		p := "paymentNotices[" + strconv.Itoa(i) + "]"
		targets[i] = ItemOutcome{Index: i, IDDominio: n.FiscalCode}
		if !reDominioCF.MatchString(n.FiscalCode) {
			v.Add(p+".fiscalCode", "must match ^[0-9]{11}$")
		}
		nav, err := avvisi.ParseNumeroAvviso(n.NoticeNumber)
		if err != nil {
			v.Add(p+".noticeNumber", err.Error())
			continue
		}
		targets[i].NumeroAvviso, targets[i].IUV = nav.String(), nav.IUV()
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return r.receipts(ctx, ret, ModeCheckout, targets)
}

func invalidOutcome(field, rule string) error {
	return &govpay.ValidationError{What: "outcome request", Violations: []govpay.Violation{{Field: field, Rule: rule}}}
}

// legacy reads GovPay's payment, by id or by idSession.
func (r *Resolver) legacy(ctx context.Context, ret Return, id, idSession string, items []Item) (*Outcome, error) {
	if r.pagamenti == nil {
		return nil, fmt.Errorf("%w: legacy mode reads GET /pagamenti/{id}: pass a *pagamenti.Client to NewResolver", ErrResolverClient)
	}
	var (
		p   *Pagamento
		err error
	)
	if id != "" {
		p, err = r.pagamenti.Get(ctx, id)
	} else {
		p, err = r.pagamenti.GetByIDSession(ctx, idSession)
	}
	if err != nil {
		return nil, err
	}
	o := &Outcome{Mode: ModeLegacy, Hint: ret.Esito, Pagamento: p}
	switch p.Stato {
	case StatoEseguito:
		o.State = OutcomePaid
	case StatoEseguitoParziale:
		o.State = OutcomePartial
	case StatoNonEseguito, StatoAnnullato, StatoFallito:
		o.State = OutcomeNotPaid
	default: // IN_CORSO, and states this SDK does not know
		o.State = OutcomePending
	}
	o.Reason = fmt.Sprintf("GovPay payment %s is %s", p.ID, p.Stato)
	if p.Stato == "" {
		o.Reason = fmt.Sprintf("GovPay payment %s has no state yet", p.ID)
	} else if !p.Stato.Terminal() && p.Stato != StatoInCorso {
		o.Reason += " (a state this SDK does not know: treated as pending)"
	}
	for i, it := range items {
		x := ItemOutcome{Index: i, Kind: it.Kind, IDDominio: it.IDDominio, State: o.State}
		if !it.NumeroAvviso.IsZero() {
			x.NumeroAvviso, x.IUV = it.NumeroAvviso.String(), it.NumeroAvviso.IUV()
		}
		if d := debitoOf(p, it); d != nil {
			x.Pendenza = d
			if x.IDDominio == "" && d.Dominio.IDDominio != "" {
				x.IDDominio = d.Dominio.IDDominio
			}
			if x.NumeroAvviso == "" {
				x.NumeroAvviso = d.NumeroAvviso
			}
			if x.IUV == "" {
				x.IUV = d.IUVAvviso
			}
			// For a partial payment the debt's own state says which.
			if o.State == OutcomePartial {
				x.State = debitoState(d.Stato)
			}
		}
		o.Items = append(o.Items, x)
	}
	return o, nil
}

// debitoOf finds the debt of a cart item among the payment's.
func debitoOf(p *Pagamento, it Item) *pendenze.Sintesi {
	for i := range p.Pendenze {
		d := &p.Pendenze[i]
		switch {
		case it.IDA2A != "" && d.IDA2A == it.IDA2A && d.IDPendenza == it.IDPendenza:
			return d
		case !it.NumeroAvviso.IsZero() && d.NumeroAvviso == it.NumeroAvviso.String() &&
			(d.Dominio.IDDominio == "" || d.Dominio.IDDominio == it.IDDominio):
			return d
		}
	}
	return nil
}

func debitoState(s pendenze.StatoPendenza) OutcomeState {
	switch s {
	case pendenze.StatoEseguita:
		return OutcomePaid
	case pendenze.StatoEseguitaParziale:
		return OutcomePartial
	case pendenze.StatoNonEseguita, pendenze.StatoAnnullata, pendenze.StatoScaduta:
		return OutcomeNotPaid
	}
	return OutcomePending
}

// itemTargets names the notice of every item of a validated Avvio.
func (r *Resolver) itemTargets(ctx context.Context, items []Item) ([]ItemOutcome, error) {
	targets := make([]ItemOutcome, len(items))
	v := verr.New("avvio")
	if len(items) == 0 {
		v.Add("items", "required in the checkout modes: the receipts of the items' notices are the outcome")
	}
	for i, it := range items {
		t := ItemOutcome{Index: i, Kind: it.Kind, IDDominio: it.IDDominio}
		if !it.NumeroAvviso.IsZero() {
			t.NumeroAvviso, t.IUV = it.NumeroAvviso.String(), it.NumeroAvviso.IUV()
		}
		if t.IUV == "" && it.IDA2A != "" && it.IDPendenza != "" {
			if err := r.lookupNotice(ctx, it, &t); err != nil {
				return nil, err
			}
		}
		if t.IUV == "" || t.IDDominio == "" {
			p := "items[" + strconv.Itoa(i) + "]"
			switch it.Kind {
			case ItemSpontaneo:
				v.Add(p, "a spontaneous item has no notice number the portal knows: use ResolveNotices, or wait for GovPay's notification")
			default:
				v.Add(p, "GovPay knows no notice number for this pendenza: there is no receipt to look for")
			}
		}
		targets[i] = t
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return targets, nil
}

// lookupNotice finds the notice of a pendenza named by idA2A/idPendenza
// (GET /pendenze?idA2A=&idPendenza= on API Pagamento).
func (r *Resolver) lookupNotice(ctx context.Context, it Item, t *ItemOutcome) error {
	if r.pagamenti == nil {
		return fmt.Errorf("%w: cart item %d names its pendenza by idA2A/idPendenza; its notice is read with a *pagamenti.Client (GET /pendenze)", ErrResolverClient, t.Index)
	}
	for d, err := range r.pagamenti.ListPosizione(ctx, "", PosizioneOptions{IDA2A: it.IDA2A, IDPendenza: it.IDPendenza}) {
		if err != nil {
			return err
		}
		if d.IDA2A != it.IDA2A || d.IDPendenza != it.IDPendenza {
			continue
		}
		if d.Dominio.IDDominio != "" && t.IDDominio == "" {
			t.IDDominio = d.Dominio.IDDominio
		}
		if n, err := avvisi.ParseNumeroAvviso(d.NumeroAvviso); err == nil {
			t.NumeroAvviso, t.IUV = n.String(), n.IUV()
		} else if d.IUVAvviso != "" {
			t.IUV = d.IUVAvviso
		}
		break
	}
	return nil
}

// receipts decides from the receipts of every notice.
func (r *Resolver) receipts(ctx context.Context, ret Return, mode Mode, items []ItemOutcome) (*Outcome, error) {
	if r.ricevute == nil {
		return nil, fmt.Errorf("%w: checkout modes read the receipts: pass a *ricevute.Client to NewResolver", ErrResolverClient)
	}
	var paid, partial, refused int
	for i := range items {
		it := &items[i]
		found, err := r.ricevute.Find(ctx, it.IDDominio, it.IUV)
		if err != nil {
			return nil, err
		}
		it.Ricevute = found
		it.State = OutcomePending
		for j := range found {
			switch found[j].Esito {
			case ricevute.EsitoEseguito:
				it.State, it.Ricevuta = OutcomePaid, &found[j]
			case ricevute.EsitoEseguitoParziale, ricevute.EsitoDecorrenzaParziale:
				if it.State != OutcomePaid && it.State != OutcomePartial {
					it.State, it.Ricevuta = OutcomePartial, &found[j]
				}
			}
			if it.State == OutcomePaid {
				break
			}
		}
		if it.State == OutcomePending && len(found) > 0 {
			switch newest := &found[0]; newest.Esito {
			case ricevute.EsitoNonEseguito, ricevute.EsitoDecorrenza, ricevute.EsitoRifiutato:
				it.State, it.Ricevuta = OutcomeNotPaid, newest
			}
		}
		switch it.State {
		case OutcomePaid:
			paid++
		case OutcomePartial:
			partial++
		case OutcomeNotPaid:
			refused++
		}
	}
	failed := ret.Esito == EsitoError || ret.Esito == EsitoCancel
	o := &Outcome{Mode: mode, Hint: ret.Esito, Items: items}
	n := len(items)
	switch {
	case paid == n:
		o.State = OutcomePaid
		o.Reason = fmt.Sprintf("every notice (%d) has a positive receipt", n)
	case refused == n:
		o.State = OutcomeNotPaid
		o.Reason = "every notice has a negative receipt and none a positive one"
	case paid+partial > 0 && (failed || paid+partial+refused == n):
		o.State = OutcomePartial
		o.Reason = fmt.Sprintf("%d of %d notices are paid (%d partially)", paid+partial, n, partial)
	case paid+partial > 0:
		o.State = OutcomePending
		o.Reason = fmt.Sprintf("%d of %d notices have a receipt; the others may still arrive", paid+partial, n)
	case failed:
		o.State = OutcomeNotPaid
		o.Reason = fmt.Sprintf("no notice has a receipt and the payer came back with esito %s", ret.Esito)
	default:
		o.State = OutcomePending
		o.Reason = "no receipt yet"
		switch {
		case ret.Esito != "" && !ret.Esito.Known():
			o.Reason += fmt.Sprintf(" (the payer came back with esito %q, a value this SDK does not know: treated as pending)", excerpt(string(ret.Esito)))
		case ret.Esito != "":
			o.Reason += " (the payer came back with esito " + string(ret.Esito) + ")"
		}
	}
	return o, nil
}
