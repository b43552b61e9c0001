package faultcampaign

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
)

// bogusError is a call that returned no error but a result that does not
// match what the server holds: a fault silently turned into data.
type bogusError struct{ what string }

func (e *bogusError) Error() string { return "no error, but a wrong result: " + e.what }

func bogus(format string, args ...any) error { return &bogusError{fmt.Sprintf(format, args...)} }

// runFunc runs an operation with the clients under test; a nil error means
// the operation succeeded and its result matched the server's state.
type runFunc func(ctx context.Context, c *clientSet) error

// operation is one row of the campaign: an SDK call, the fake operation it
// hits first (faulted and counted), and the state it needs.
type operation struct {
	name string
	// op is the fake's operation the faults break; its request count is
	// the number of attempts.
	op govpaytest.Operation
	// method and path (a substring) select the request for the
	// middleware's faults.
	method, path string
	// once marks operations that must never be repeated (POST /pagamenti,
	// POST /carts, PATCH).
	once bool
	// start marks payment starts (counted in the ledger).
	start bool
	// mode is the fake's payment mode (legacy when empty).
	mode govpaytest.Mode
	// deadline bounds the call's context when shorter than the fault's
	// (Client.Wait polls until its context ends).
	deadline time.Duration
	// raceHeavy marks the operations that stand for the ways an answer is
	// read (a JSON object, a document checked by media type, a payment
	// start, a list decoded as it streams): under -race only they run the
	// heavy faults.
	raceHeavy bool
	// foreign is the dotted JSON path of the field the foreign fault
	// changes: in every item of a list, the field the operation filters
	// on; in a single resource, its identity ("" leaves the answer as it
	// is).
	foreign string
	// list marks the operations that read a paginated list (the overfull
	// fault).
	list bool
	// prepare sets up the state (faults are not armed yet) and returns
	// the call to make.
	prepare func(ctx context.Context, e *env) runFunc
}

// firstErr drains a sequence and returns its first error, and the items
// read.
func firstErr[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// operations lists every network operation of the SDK's clients.
var operations = []operation{
	{name: "avvisi.Get", op: govpaytest.OpPagamentoGetAvviso, method: http.MethodGet, path: "/avvisi/",
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				a, err := c.avvisi.Get(ctx, idDominio, l.numeroAvviso)
				if err != nil {
					return err
				}
				if a.NumeroAvviso.String() != l.numeroAvviso || a.Importo != l.p.Importo {
					return bogus("avviso %s importo %s, want %s %s", a.NumeroAvviso, a.Importo, l.numeroAvviso, l.p.Importo)
				}
				return nil
			}
		}},
	{name: "avvisi.PDF", raceHeavy: true, op: govpaytest.OpPagamentoGetAvviso, method: http.MethodGet, path: "/avvisi/",
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				b, err := c.avvisi.PDF(ctx, idDominio, l.numeroAvviso)
				if err != nil {
					return err
				}
				if !bytes.HasPrefix(b, []byte("%PDF-")) {
					return bogus("not a PDF: %.20q", b)
				}
				return nil
			}
		}},
	{name: "pendenze.Put", op: govpaytest.OpPutPendenza, method: http.MethodPut, path: "/pendenze/",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := pendenza("Diritti di segreteria", 1650)
			return func(ctx context.Context, c *clientSet) error {
				r, err := c.pendenze.Put(ctx, idA2A, "P1", p)
				if err != nil {
					return err
				}
				s, ok := e.fake.Pendenza(idA2A, "P1")
				if !ok || r.NumeroAvviso.String() != s.NumeroAvviso {
					return bogus("caricata %+v, fake holds %v %q", r, ok, s.NumeroAvviso)
				}
				return nil
			}
		}},
	{name: "pendenze.Get", raceHeavy: true, op: govpaytest.OpGetPendenza, method: http.MethodGet, path: "/pendenze/",
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				d, err := c.pendenze.Get(ctx, idA2A, l.id)
				if err != nil {
					return err
				}
				if d.IDPendenza != l.id || d.Importo != l.p.Importo {
					return bogus("dettaglio %q %s", d.IDPendenza, d.Importo)
				}
				return nil
			}
		}},
	{name: "pendenze.GetByAvviso", op: govpaytest.OpGetPendenzaByAvviso, method: http.MethodGet, path: "/byAvviso/",
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				d, err := c.pendenze.GetByAvviso(ctx, idDominio, l.numeroAvviso)
				if err != nil {
					return err
				}
				if d.IDPendenza != l.id {
					return bogus("dettaglio %q", d.IDPendenza)
				}
				return nil
			}
		}},
	{name: "pendenze.List", raceHeavy: true, list: true, foreign: "idA2A", op: govpaytest.OpListPendenze, method: http.MethodGet, path: "/pendenze",
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				got, err := firstErr(c.pendenze.List(ctx, pendenze.ListOptions{IDA2A: idA2A}))
				if err != nil {
					return err
				}
				if len(got) != 1 || got[0].IDPendenza != l.id {
					return bogus("%d pendenze listed, want 1", len(got))
				}
				return nil
			}
		}},
	{name: "pendenze.Patch", op: govpaytest.OpPatchPendenza, method: http.MethodPatch, path: "/pendenze/", once: true,
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				_, err := c.pendenze.Patch(ctx, idA2A, l.id, pendenze.ReplaceDescrizioneStato("verificata allo sportello"))
				if err != nil {
					return err
				}
				if s, _ := e.fake.Pendenza(idA2A, l.id); s.DescrizioneStato != "verificata allo sportello" {
					return bogus("descrizioneStato %q", s.DescrizioneStato)
				}
				return nil
			}
		}},
	{name: "pendenze.Cancel", op: govpaytest.OpPatchPendenza, method: http.MethodPatch, path: "/pendenze/", once: true,
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				if err := c.pendenze.Cancel(ctx, idA2A, l.id, "emessa per errore"); err != nil {
					return err
				}
				if s, _ := e.fake.Pendenza(idA2A, l.id); s.Stato != string(pendenze.StatoAnnullata) {
					return bogus("stato %q", s.Stato)
				}
				return nil
			}
		}},
	{name: "pendenze.Reactivate", op: govpaytest.OpPatchPendenza, method: http.MethodPatch, path: "/pendenze/", once: true,
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			if err := e.setup.pendenze.Cancel(ctx, idA2A, l.id, "sospesa"); err != nil {
				e.t.Fatalf("setup Cancel: %v", err)
			}
			return func(ctx context.Context, c *clientSet) error {
				if err := c.pendenze.Reactivate(ctx, idA2A, l.id, "riattivata"); err != nil {
					return err
				}
				if s, _ := e.fake.Pendenza(idA2A, l.id); s.Stato != string(pendenze.StatoNonEseguita) {
					return bogus("stato %q", s.Stato)
				}
				return nil
			}
		}},
	{name: "pendenze.ListRPP", list: true, foreign: "pendenza.idPendenza", op: govpaytest.OpListRPP, method: http.MethodGet, path: "/rpp",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				got, err := firstErr(c.pendenze.ListRPP(ctx, pendenze.RPPListOptions{IDA2A: idA2A, IDPendenza: p.id}))
				if err != nil {
					return err
				}
				if len(got) != 1 || len(got[0].RT) == 0 || string(got[0].RT) == "null" {
					return bogus("%d rpp listed, want 1 with its RT", len(got))
				}
				return nil
			}
		}},
	{name: "pendenze.RT/json", op: govpaytest.OpGetRT, method: http.MethodGet, path: "/rt",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				b, err := c.pendenze.GetRT(ctx, idDominio, p.ricevuta.IUV, p.ricevuta.IDRicevuta, pendenze.FormatoJSON)
				if err != nil {
					return err
				}
				if !json.Valid(b) || !bytes.Contains(b, []byte(p.ricevuta.IUV)) {
					return bogus("RT %.40q", b)
				}
				return nil
			}
		}},
	{name: "pendenze.RT/pdf", op: govpaytest.OpGetRT, method: http.MethodGet, path: "/rt",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				b, err := c.pendenze.GetRT(ctx, idDominio, p.ricevuta.IUV, p.ricevuta.IDRicevuta, pendenze.FormatoPDF)
				if err != nil {
					return err
				}
				if !bytes.HasPrefix(b, []byte("%PDF-")) {
					return bogus("not a PDF: %.20q", b)
				}
				return nil
			}
		}},
	{name: "pendenze.Load", op: govpaytest.OpPutPendenza, method: http.MethodPut, path: "/pendenze/",
		prepare: func(ctx context.Context, e *env) runFunc {
			item := pendenze.Item{IDA2A: idA2A, IDPendenza: "P1", Pendenza: pendenza("Retta mensa", 4200)}
			return func(ctx context.Context, c *clientSet) error {
				rep, err := c.pendenze.Load(ctx, func(yield func(pendenze.Item) bool) { yield(item) }, pendenze.LoadOptions{Concurrency: 1})
				if err != nil {
					return err
				}
				if len(rep.Failures) > 0 {
					return rep.Failures[0].Err
				}
				if rep.Loaded() != 1 {
					return bogus("report %+v", rep)
				}
				if _, ok := e.fake.Pendenza(idA2A, "P1"); !ok {
					return bogus("loaded but not in the fake")
				}
				return nil
			}
		}},
	startOp("pagamenti.Start", govpaytest.ModeLegacy, false),
	withRaceHeavy(startOp("pagamenti.Start+idsp", govpaytest.ModeLegacy, true)),
	startOp("pagamenti.Start/bridge+idsp", govpaytest.ModeBridge, true),
	startOp("pagamenti.Start/302+idsp", govpaytest.ModeBridge302, true),
	{name: "pagamenti.Get", foreign: "id", op: govpaytest.OpGetPagamento, method: http.MethodGet, path: "/pagamenti/",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				g, err := c.pagamenti.Get(ctx, p.avvio.ID)
				if err != nil {
					return err
				}
				if g.ID != p.avvio.ID || g.Stato != pagamenti.StatoEseguito {
					return bogus("pagamento %q %q", g.ID, g.Stato)
				}
				return nil
			}
		}},
	{name: "pagamenti.GetByIDSession", foreign: "idSessionePsp", op: govpaytest.OpGetPagamentoByIDSession, method: http.MethodGet, path: "/byIdSession/",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				g, err := c.pagamenti.GetByIDSession(ctx, p.avvio.IDSession)
				if err != nil {
					return err
				}
				if g.ID != p.avvio.ID {
					return bogus("pagamento %q, want %q", g.ID, p.avvio.ID)
				}
				return nil
			}
		}},
	{name: "pagamenti.List", list: true, foreign: "idSessionePortale", op: govpaytest.OpListPagamenti, method: http.MethodGet, path: "/pagamenti",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				got, err := firstErr(c.pagamenti.List(ctx, pagamenti.ListOptions{IDSessionePortale: "setup-P1"}))
				if err != nil {
					return err
				}
				if len(got) != 1 || got[0].ID != p.avvio.ID {
					return bogus("%d payments listed, want 1", len(got))
				}
				return nil
			}
		}},
	{name: "pagamenti.Posizione", list: true, foreign: "soggettoPagatore.identificativo", op: govpaytest.OpPosizione, method: http.MethodGet, path: "/pendenze",
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				got, err := firstErr(c.pagamenti.ListPosizione(ctx, debitore, pagamenti.PosizioneOptions{}))
				if err != nil {
					return err
				}
				if len(got) != 1 || got[0].IDPendenza != l.id {
					return bogus("%d debts listed, want 1", len(got))
				}
				return nil
			}
		}},
	{name: "pagamenti.Wait", foreign: "id", op: govpaytest.OpGetPagamento, method: http.MethodGet, path: "/pagamenti/", deadline: waitDeadline,
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				g, err := c.pagamenti.Wait(ctx, p.avvio.ID, pagamenti.WaitOptions{MinInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond})
				if err != nil {
					return err
				}
				if g.Stato != pagamenti.StatoEseguito {
					return bogus("stato %q", g.Stato)
				}
				return nil
			}
		}},
	checkoutOp("checkout.Start/v1", 1),
	checkoutOp("checkout.Start/v2", 2),
	{name: "checkout.Start+avvisi", op: govpaytest.OpPagamentoGetAvviso, method: http.MethodGet, path: "/avvisi/", start: true,
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				// The notice is read from GovPay (retried), then the cart
				// is posted once; the ledger counts the post only when
				// the resolver let it go.
				o := checkoutOptions(2)
				avv := pagamenti.AvvisiCompleter(c.avvisi)
				o.Completer = pagamenti.NoticeCompleterFunc(func(ctx context.Context, it pagamenti.Item, n *pagamenti.PaymentNotice) error {
					err := avv.CompleteNotice(ctx, it, n)
					if err == nil && ctx.Err() == nil {
						e.ledger.called()
					}
					return err
				})
				a, err := c.checkout2.Start(ctx, pagamenti.NewCart().AddAvviso(idDominio, l.numeroAvviso), o)
				if err != nil {
					return err
				}
				if a.Redirect == "" || len(e.fake.Sessioni()) != 1 || e.fake.Sessioni()[0].Items[0].Importo != l.p.Importo {
					return bogus("avvio %+v", a)
				}
				return nil
			}
		}},
	{name: "checkout.Prepare+avvisi", op: govpaytest.OpPagamentoGetAvviso, method: http.MethodGet, path: "/avvisi/",
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				o := checkoutOptions(2)
				o.Completer = pagamenti.AvvisiCompleter(c.avvisi)
				r, err := c.checkout2.Prepare(ctx, pagamenti.NewCart().AddAvviso(idDominio, l.numeroAvviso), o)
				if err != nil {
					return err
				}
				if len(r.PaymentNotices) != 1 || r.PaymentNotices[0].Amount != l.p.Importo {
					return bogus("notices %+v", r.PaymentNotices)
				}
				return nil
			}
		}},
	{name: "ricevute.Find", list: true, foreign: "iuv", op: govpaytest.OpListRicevute, method: http.MethodGet, path: "/ricevute",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				got, err := c.ricevute.Find(ctx, idDominio, p.numeroAvviso)
				if err != nil {
					return err
				}
				if len(got) != 1 || got[0].IDRicevuta != p.ricevuta.IDRicevuta || !got[0].Paid() {
					return bogus("%d receipts, want 1 paid", len(got))
				}
				return nil
			}
		}},
	{name: "ricevute.Get", foreign: "idRicevuta", op: govpaytest.OpGetRicevuta, method: http.MethodGet, path: "/ricevute/",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				r, err := c.ricevute.Get(ctx, idDominio, p.numeroAvviso, p.ricevuta.IDRicevuta)
				if err != nil {
					return err
				}
				if r.IDRicevuta != p.ricevuta.IDRicevuta || !r.Paid() {
					return bogus("ricevuta %q paid=%v", r.IDRicevuta, r.Paid())
				}
				return nil
			}
		}},
	{name: "ricevute.PDF", op: govpaytest.OpGetRicevuta, method: http.MethodGet, path: "/ricevute/",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				b, err := c.ricevute.PDF(ctx, idDominio, p.numeroAvviso, p.ricevuta.IDRicevuta)
				if err != nil {
					return err
				}
				if !bytes.HasPrefix(b, []byte("%PDF-")) {
					return bogus("not a PDF: %.20q", b)
				}
				return nil
			}
		}},
	{name: "Resolver/legacy", foreign: "id", op: govpaytest.OpGetPagamento, method: http.MethodGet, path: "/pagamenti/",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payLegacy(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				o, err := c.resolver.Resolve(ctx, p.ret, *p.avvio)
				if err != nil {
					return err
				}
				if o.State != pagamenti.OutcomePaid {
					return bogus("outcome %q: %s", o.State, o.Reason)
				}
				return nil
			}
		}},
	{name: "Resolver.ResolveNotices", list: true, foreign: "iuv", op: govpaytest.OpListRicevute, method: http.MethodGet, path: "/ricevute",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payCheckout(ctx, "P1")
			req, err := e.setup.checkout2.Prepare(ctx, p.cart, checkoutOptions(2))
			if err != nil {
				e.t.Fatalf("setup Prepare: %v", err)
			}
			return func(ctx context.Context, c *clientSet) error {
				o, err := c.resolver.ResolveNotices(ctx, p.ret, req.PaymentNotices)
				if err != nil {
					return err
				}
				if o.State != pagamenti.OutcomePaid {
					return bogus("outcome %q: %s", o.State, o.Reason)
				}
				return nil
			}
		}},
	{name: "Resolver/checkout", list: true, foreign: "iuv", op: govpaytest.OpListRicevute, method: http.MethodGet, path: "/ricevute",
		prepare: func(ctx context.Context, e *env) runFunc {
			p := e.payCheckout(ctx, "P1")
			return func(ctx context.Context, c *clientSet) error {
				o, err := c.resolver.Resolve(ctx, p.ret, *p.avvio)
				if err != nil {
					return err
				}
				if o.State != pagamenti.OutcomePaid {
					return bogus("outcome %q: %s", o.State, o.Reason)
				}
				return nil
			}
		}},
}

func withRaceHeavy(o operation) operation {
	o.raceHeavy = true
	return o
}

// startOp is a row for Client.Start in mode m, with or without an
// IDSessionePortale. A reconciled start returns errReconciled, so that the
// table tells it from a plain success.
func startOp(name string, m govpaytest.Mode, idsp bool) operation {
	return operation{name: name, op: govpaytest.OpStartPagamento, method: http.MethodPost, path: "/pagamenti", once: true, start: true, mode: m,
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			o := pagamenti.StartOptions{URLRitorno: returnURL}
			if idsp {
				o.IDSessionePortale = "sessione-portale-1"
			}
			return func(ctx context.Context, c *clientSet) error {
				a, err := e.start(ctx, c.pagamenti, pagamenti.NewCart().AddRiferimento(idA2A, l.id), o)
				if err != nil {
					return err
				}
				return checkAvvio(e, a, m, o.IDSessionePortale)
			}
		}}
}

// errReconciled marks a Start that failed ambiguously and was reconciled
// with the payment GovPay created.
type errReconciled struct{ avvio *pagamenti.Avvio }

func (e *errReconciled) Error() string { return "reconciled: " + e.avvio.ID }

// checkAvvio checks a started payment against the fake's. The checkout
// bridge records no payment in GovPay (see TestAmbiguousBridgeStartUnknown):
// its start is checked against the fake's one Checkout page.
func checkAvvio(e *env, a *pagamenti.Avvio, m govpaytest.Mode, idsp string) error {
	ps := e.fake.Pagamenti()
	if m != govpaytest.ModeLegacy {
		if len(ps) != 0 {
			return bogus("the fake holds %d payments, want none (checkout bridge)", len(ps))
		}
		if n := len(e.fake.Sessioni()); n != 1 {
			return bogus("the fake holds %d checkout pages, want 1", n)
		}
		if a.Reconciled || a.Mode != pagamenti.ModeCheckoutBridge || a.ID != "" || a.Redirect == "" {
			return bogus("avvio %+v, want a checkout bridge start", a)
		}
		return nil
	}
	if len(ps) != 1 {
		return bogus("the fake holds %d payments, want 1", len(ps))
	}
	p := ps[0]
	if a.Reconciled {
		if a.ID != p.ID {
			return bogus("reconciled payment %q, the fake holds %q", a.ID, p.ID)
		}
		return &errReconciled{a}
	}
	switch m {
	case govpaytest.ModeLegacy:
		if a.Mode != pagamenti.ModeLegacy || a.ID != p.ID || a.Redirect == "" {
			return bogus("avvio %+v, the fake holds %q", a, p.ID)
		}
	default:
		if a.Mode != pagamenti.ModeCheckoutBridge || a.ID != "" || a.Redirect == "" {
			return bogus("avvio %+v, want a checkout bridge start", a)
		}
	}
	if p.IDSessionePortale != idsp {
		return bogus("idSessionePortale %q, want %q", p.IDSessionePortale, idsp)
	}
	return nil
}

// checkoutOp is a row for Checkout.Start of version v.
func checkoutOp(name string, v int) operation {
	return operation{name: name, op: govpaytest.OpPostCarts, method: http.MethodPost, path: "/carts", once: true, start: true,
		prepare: func(ctx context.Context, e *env) runFunc {
			l := e.addPendenza("P1")
			return func(ctx context.Context, c *clientSet) error {
				co := c.checkout
				if v == 2 {
					co = c.checkout2
				}
				a, err := e.checkoutStart(ctx, co, pagamenti.NewCart().AddPendenza(idA2A, l.id, l.p), checkoutOptions(v))
				if err != nil {
					return err
				}
				if a.Mode != pagamenti.ModeCheckout || a.Redirect == "" {
					return bogus("avvio %+v", a)
				}
				if len(e.fake.Sessioni()) != 1 {
					return bogus("the fake holds %d checkout pages, want 1", len(e.fake.Sessioni()))
				}
				return nil
			}
		}}
}
