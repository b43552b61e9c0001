package portale

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/ricevute"
)

// pendingRefresh is how often, in seconds, the outcome page reloads itself
// while the outcome is not known.
const pendingRefresh = 3

// esitoView is the outcome page.
type esitoView struct {
	ID       string
	State    pagamenti.OutcomeState
	Titolo   string
	Classe   string // ok, parziale, errore, attesa
	Testo    string
	Hint     pagamenti.Esito
	Reason   string
	Items    []esitoItem
	Totale   govpay.Importo
	CanRetry bool
}

// esitoItem is one debt on the outcome page.
type esitoItem struct {
	cartItem
	Index    int
	Stato    string
	Pagato   bool
	Ricevuta string // idRicevuta, when the resolver saw it
}

func statoEsito(s pagamenti.OutcomeState) string {
	switch s {
	case pagamenti.OutcomePaid:
		return "Pagato"
	case pagamenti.OutcomePartial:
		return "Pagato in parte"
	case pagamenti.OutcomeNotPaid:
		return "Non pagato"
	case pagamenti.OutcomePending:
		return "In attesa"
	}
	return string(s)
}

// hasReturn reports whether the query carries any parameter of a return
// from the payment pages (a reload of the page without them resolves
// without a hint).
func hasReturn(q map[string][]string) bool {
	for _, p := range []string{pagamenti.ParamEsito, pagamenti.ParamIDPagamento, pagamenti.ParamIDSession} {
		if _, ok := q[p]; ok {
			return true
		}
	}
	return false
}

// attemptOf loads the attempt named by the request (parameter t) for the
// browser's session s (nil when none) and writes the error page when there
// is none; it returns nil then.
func (a *App) attemptOf(w http.ResponseWriter, r *http.Request, id string, s *session) *attempt {
	at, err := a.loadAttempt(r.Context(), id, s)
	switch {
	case err == nil:
		return at
	case errors.Is(err, ErrAvvioNotFound):
		a.errorPage(w, http.StatusNotFound, "Pagamento sconosciuto", "Questo pagamento non esiste o non è tuo.")
	default:
		a.logErr("payment store", err)
		a.errorPage(w, http.StatusInternalServerError, "Pagamento non disponibile",
			"Non riusciamo a leggere i dati del pagamento in questo momento: riprova tra poco.")
	}
	return nil
}

// outcome shows whether attempt t was paid. Everything comes from the
// AvvioStore: the payer may come back to another replica, or after a
// restart, without the session that started the payment.
func (a *App) outcome(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	at := a.attemptOf(w, r, q.Get("t"), s)
	if at == nil {
		return
	}
	var ret pagamenti.Return
	if hasReturn(q) {
		var err error
		if ret, err = pagamenti.ParseReturn(q); err != nil {
			msg, det := explain(err)
			d := a.page("Ritorno non valido", s)
			d.Messaggio = msg
			d.Flashes = append(d.Flashes, flash{Kind: "errore", Text: "Indirizzo di ritorno non valido.", Details: det})
			a.render(w, http.StatusBadRequest, "errore", d)
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
	defer cancel()
	out, err := a.resolver.Resolve(ctx, ret, at.Avvio)
	d := a.page("Esito del pagamento", s)
	v := &esitoView{ID: at.ID, Hint: ret.Esito}
	d.Esito = v
	for i, it := range at.Items {
		v.Items = append(v.Items, esitoItem{cartItem: it, Index: i})
		v.Totale += it.Importo
	}
	if err != nil {
		a.logErr("resolve", err)
		msg, det := explain(err)
		v.State, v.Titolo, v.Classe = pagamenti.OutcomePending, "Esito non ancora disponibile", "attesa"
		v.Testo = "Non riusciamo a leggere l'esito in questo momento; la pagina si aggiornerà da sola. " + msg
		d.Flashes = append(d.Flashes, flash{Kind: "errore", Text: msg, Details: det})
		d.Refresh = pendingRefresh
		a.render(w, http.StatusOK, "esito", d)
		return
	}
	v.State, v.Reason = out.State, out.Reason
	for _, o := range out.Items {
		if o.Index < 0 || o.Index >= len(v.Items) {
			continue
		}
		x := &v.Items[o.Index]
		x.Stato, x.Pagato = statoEsito(o.State), o.State == pagamenti.OutcomePaid
		if o.Ricevuta != nil {
			x.Ricevuta = o.Ricevuta.IDRicevuta
		}
		if o.Pendenza != nil && o.Pendenza.Dominio.RagioneSociale != "" && x.Ente == x.IDDominio {
			x.Ente = o.Pendenza.Dominio.RagioneSociale
		}
		if x.NumeroAvviso == "" && o.NumeroAvviso != "" {
			x.NumeroAvviso = o.NumeroAvviso
		}
		if x.IUV == "" && o.IUV != "" {
			x.IUV = o.IUV
		}
	}
	switch out.State {
	case pagamenti.OutcomePaid:
		v.Titolo, v.Classe = "Pagamento eseguito", "ok"
		v.Testo = "Grazie: il pagamento è stato eseguito. Puoi scaricare la ricevuta di ogni debito."
	case pagamenti.OutcomePartial:
		v.Titolo, v.Classe = "Pagamento eseguito in parte", "parziale"
		v.Testo = "Solo alcuni debiti risultano pagati: controlla l'elenco qui sotto."
	case pagamenti.OutcomeNotPaid:
		v.Titolo, v.Classe = "Pagamento non eseguito", "errore"
		v.Testo = "Il pagamento non è stato eseguito e non ti è stato addebitato nulla. Puoi riprovare."
		// Putting the debts back needs the payer's cart, so their session.
		v.CanRetry = !at.Restored && s != nil
	case pagamenti.OutcomePending:
		v.Titolo, v.Classe = "Esito in attesa", "attesa"
		v.Testo = "L'esito non è ancora noto: la pagina si aggiornerà da sola tra pochi secondi."
		if ret.Esito != "" && !ret.Esito.Known() {
			// A value pagoPA added after this portal was written: the
			// receipt, not the return, says whether the payer paid.
			v.Titolo = "Stiamo verificando il pagamento"
			v.Testo = "La pagina di pagamento ha comunicato un esito che non conosciamo: stiamo verificando con l'ente. " +
				"La pagina si aggiornerà da sola tra pochi secondi; non ripetere il pagamento."
		}
		d.Refresh = pendingRefresh
	default: // a state a later SDK may add: ask again
		v.Titolo, v.Classe = "Stiamo verificando il pagamento", "attesa"
		v.Testo = "La pagina si aggiornerà da sola tra pochi secondi."
		d.Refresh = pendingRefresh
	}
	a.render(w, http.StatusOK, "esito", d)
}

// retry puts the debts of a failed attempt back in the cart.
func (a *App) retry(w http.ResponseWriter, r *http.Request, s *session) {
	at := a.attemptOf(w, r, r.PostFormValue("t"), s)
	if at == nil {
		return
	}
	if !at.Restored {
		at.Restored = true
		if err := a.saveAttempt(r.Context(), at); err != nil {
			a.logErr("payment store", err)
			s.addFlash("errore", "Non riusciamo a registrare la modifica: riprova tra poco.")
			seeOther(w, r, "/")
			return
		}
		for _, it := range at.Items {
			if !s.inCart(it.Key()) && len(s.Cart) < pagamenti.MaxItems {
				s.Cart = append(s.Cart, it)
			}
		}
		s.addFlash("info", "I debiti del pagamento non riuscito sono di nuovo nel carrello.")
	}
	seeOther(w, r, "/")
}

// receipt sends the PDF receipt of debt i of attempt t.
func (a *App) receipt(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	at := a.attemptOf(w, r, q.Get("t"), s)
	if at == nil {
		return
	}
	i, err := strconv.Atoi(q.Get("i"))
	if err != nil || i < 0 || i >= len(at.Items) {
		a.errorPage(w, http.StatusNotFound, "Ricevuta sconosciuta", "Questa ricevuta non appartiene al pagamento.")
		return
	}
	it := at.Items[i]
	ref := it.NumeroAvviso
	if ref == "" {
		ref = it.IUV
	}
	if ref == "" {
		ref = at.Avvio.Items[i].NumeroAvviso
	}
	if ref == "" || it.IDDominio == "" {
		a.errorPage(w, http.StatusNotFound, "Ricevuta non disponibile", "Il debito non ha un codice avviso: la ricevuta arriverà dall'ente.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
	defer cancel()
	found, err := a.ricevute.Find(ctx, it.IDDominio, ref)
	if err != nil {
		a.logErr("ricevute.Find", err)
		msg, _ := explain(err)
		a.errorPage(w, http.StatusBadGateway, "Ricevuta non disponibile", msg)
		return
	}
	var rc *ricevute.Ricevuta
	for k := range found {
		if found[k].Paid() {
			rc = &found[k]
			break
		}
	}
	if rc == nil {
		a.errorPage(w, http.StatusNotFound, "Ricevuta non disponibile", "Non c'è ancora una ricevuta di pagamento per questo debito.")
		return
	}
	pdf, err := a.ricevute.PDF(ctx, it.IDDominio, ref, rc.IDRicevuta)
	if err != nil {
		a.logErr("ricevute.PDF", err)
		msg, _ := explain(err)
		a.errorPage(w, http.StatusBadGateway, "Ricevuta non disponibile", msg)
		return
	}
	name := "ricevuta-" + safeName(rc.IUV) + ".pdf"
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(pdf)))
	_, _ = w.Write(pdf)
}

// safeName keeps letters, digits, '-' and '_' of s (for a file name).
func safeName(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s) && len(b) < 64; i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' {
			b = append(b, c)
		}
	}
	if len(b) == 0 {
		return "pagopa"
	}
	return string(b)
}
