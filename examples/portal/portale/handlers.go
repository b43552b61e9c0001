package portale

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
)

var reDominio = regexp.MustCompile(`^[0-9]{11}$`)

// debitoView is one row of the position page.
type debitoView struct {
	pendenze.Sintesi
	Ente     string
	Pagabile bool
	InCart   bool
}

func enteOf(d *pendenze.Sintesi) (id, name string) {
	id, name = d.Dominio.IDDominio, d.Dominio.RagioneSociale
	if name == "" {
		name = id
	}
	return id, name
}

// statoPendenza describes the state of a debt in Italian.
func statoPendenza(s pendenze.StatoPendenza) string {
	switch s {
	case pendenze.StatoNonEseguita:
		return "Da pagare"
	case pendenze.StatoEseguita:
		return "Pagata"
	case pendenze.StatoEseguitaParziale:
		return "Pagata in parte"
	case pendenze.StatoAnnullata:
		return "Annullata"
	case pendenze.StatoScaduta:
		return "Scaduta"
	case pendenze.StatoAnomala:
		return "Anomala"
	}
	return string(s)
}

// home shows the login form, or the debt position and the cart.
func (a *App) home(w http.ResponseWriter, r *http.Request, s *session) {
	if s == nil {
		a.render(w, http.StatusOK, "login", a.page("Accesso", nil))
		return
	}
	d := a.page("Posizione debitoria", s)
	ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
	defer cancel()
	for deb, err := range a.pagamenti.ListPosizione(ctx, s.CF, pagamenti.PosizioneOptions{}) {
		if err != nil {
			a.logErr("posizione", err)
			d.PosizioneErr, _ = explain(err)
			break
		}
		v := debitoView{Sintesi: deb, Pagabile: deb.Stato == pendenze.StatoNonEseguita}
		var id string
		id, v.Ente = enteOf(&deb)
		if id != "" && v.Ente != id {
			a.enti.Store(id, v.Ente)
		}
		it := itemOfDebito(&deb)
		v.InCart = s.inCart(it.Key())
		d.Debiti = append(d.Debiti, v)
		if len(d.Debiti) == maxDebiti {
			break
		}
	}
	d.Cart = s.Cart
	for _, it := range s.Cart {
		d.Totale += it.Importo
	}
	d.CartFull = len(s.Cart) >= pagamenti.MaxItems
	a.render(w, http.StatusOK, "home", d)
}

func itemOfDebito(deb *pendenze.Sintesi) cartItem {
	it := cartItem{Kind: kindPendenza, IDA2A: deb.IDA2A, IDPendenza: deb.IDPendenza, Causale: deb.Causale,
		Importo: deb.Importo, Scadenza: deb.DataScadenza, IUV: deb.IUVAvviso, Fonte: "Posizione debitoria"}
	it.IDDominio, it.Ente = enteOf(deb)
	if n, err := avvisi.ParseNumeroAvviso(deb.NumeroAvviso); err == nil {
		it.NumeroAvviso = n.String()
		if it.IUV == "" {
			it.IUV = n.IUV()
		}
	}
	return it
}

// addToCart appends it unless the cart is full or holds it already.
func addToCart(s *session, it cartItem) {
	switch {
	case s.inCart(it.Key()):
		s.addFlash("info", "Il debito è già nel carrello.")
	case len(s.Cart) >= pagamenti.MaxItems:
		s.addFlash("errore", "Il carrello contiene già "+strconv.Itoa(pagamenti.MaxItems)+" debiti, il massimo pagabile in una volta.")
	default:
		s.Cart = append(s.Cart, it)
		s.addFlash("ok", "Aggiunto al carrello: "+it.Causale+".")
	}
}

// addPendenza puts a debt of the citizen's position in the cart, reading
// it again from GovPay (the form only names it).
func (a *App) addPendenza(w http.ResponseWriter, r *http.Request, s *session) {
	defer seeOther(w, r, "/")
	idA2A, idPendenza := r.PostFormValue("idA2A"), r.PostFormValue("idPendenza")
	if idA2A == "" || idPendenza == "" || len(idA2A) > 35 || len(idPendenza) > 35 {
		s.addFlash("errore", "Debito non indicato.")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
	defer cancel()
	for deb, err := range a.pagamenti.ListPosizione(ctx, s.CF, pagamenti.PosizioneOptions{IDA2A: idA2A, IDPendenza: idPendenza}) {
		if err != nil {
			a.logErr("posizione", err)
			msg, det := explain(err)
			s.addFlash("errore", msg, det...)
			return
		}
		if deb.IDA2A != idA2A || deb.IDPendenza != idPendenza {
			continue
		}
		if deb.Stato != pendenze.StatoNonEseguita {
			s.addFlash("errore", "Il debito non è pagabile: "+statoPendenza(deb.Stato)+".")
			return
		}
		addToCart(s, itemOfDebito(&deb))
		return
	}
	s.addFlash("errore", "Il debito non è nella tua posizione debitoria.")
}

// addAvviso puts a paper notice in the cart: typed creditor and numero
// avviso, or the text of its QR code. GovPay is asked for its state and
// current amount first.
func (a *App) addAvviso(w http.ResponseWriter, r *http.Request, s *session) {
	defer seeOther(w, r, "/")
	var (
		idDominio string
		nav       avvisi.NumeroAvviso
		fonte     string
	)
	if qr := strings.TrimSpace(r.PostFormValue("qrcode")); qr != "" {
		ref, err := avvisi.ParseQRCode(qr)
		if err != nil {
			s.addFlash("errore", "Il testo del QR code non è valido: "+err.Error())
			return
		}
		idDominio, nav, fonte = ref.IDDominio, ref.NumeroAvviso, "QR code"
	} else {
		idDominio = strings.TrimSpace(r.PostFormValue("idDominio"))
		var errs []string
		if !reDominio.MatchString(idDominio) {
			errs = append(errs, "codice fiscale dell'ente: servono 11 cifre")
		}
		n, err := avvisi.ParseNumeroAvviso(r.PostFormValue("numeroAvviso"))
		if err != nil {
			errs = append(errs, "codice avviso: "+err.Error())
		}
		if len(errs) > 0 {
			s.addFlash("errore", "Avviso non valido.", errs...)
			return
		}
		nav, fonte = n, "Codice avviso"
	}
	ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
	defer cancel()
	av, err := a.avvisi.Get(ctx, idDominio, nav.String())
	if err != nil {
		a.logErr("avvisi.Get", err)
		msg, det := explain(err)
		s.addFlash("errore", msg, det...)
		return
	}
	switch {
	case av.Stato == avvisi.StatoSconosciuta:
		s.addFlash("errore", "L'ente non conosce l'avviso "+nav.Formatted()+".")
		return
	case !av.Stato.Payable():
		s.addFlash("errore", "L'avviso "+nav.Formatted()+" non è pagabile: "+statoAvviso(av.Stato)+".")
		return
	}
	causale := av.Descrizione
	if causale == "" {
		causale = "Avviso " + nav.Formatted()
	}
	addToCart(s, cartItem{Kind: kindAvviso, IDDominio: idDominio, Ente: a.enteName(idDominio), NumeroAvviso: nav.String(),
		IUV: nav.IUV(), Causale: causale, Importo: av.Importo, Scadenza: av.DataScadenza, Fonte: fonte})
}

func statoAvviso(s avvisi.StatoAvviso) string {
	switch s {
	case avvisi.StatoDuplicata:
		return "già pagato"
	case avvisi.StatoAnnullata:
		return "annullato"
	case avvisi.StatoScaduta:
		return "scaduto"
	}
	return string(s)
}

// remove takes a debt out of the cart.
func (a *App) remove(w http.ResponseWriter, r *http.Request, s *session) {
	key := r.PostFormValue("chiave")
	for i := range s.Cart {
		if s.Cart[i].Key() == key {
			s.addFlash("ok", "Rimosso dal carrello: "+s.Cart[i].Causale+".")
			s.Cart = append(s.Cart[:i:i], s.Cart[i+1:]...)
			break
		}
	}
	seeOther(w, r, "/")
}

// buildCart turns the session's items into an SDK cart. In checkout mode
// every debt is named by its notice (pagoPA Checkout knows nothing else);
// otherwise a debt of the position is referenced by the vertical system's
// ids, as GovPay knows it.
func buildCart(mode Mode, items []cartItem) *pagamenti.Cart {
	c := pagamenti.NewCart()
	for _, it := range items {
		if it.Kind == kindAvviso || (mode == ModeCheckout && it.NumeroAvviso != "") {
			c.AddAvviso(it.IDDominio, it.NumeroAvviso)
		} else {
			c.AddRiferimento(it.IDA2A, it.IDPendenza)
		}
	}
	return c
}

// returnURL is the outcome page of attempt id.
func (a *App) returnURL(id string) string {
	return a.cfg.PublicURL + "/esito?t=" + url.QueryEscape(id)
}

// pay starts the payment of the cart and sends the browser to the payment
// page.
func (a *App) pay(w http.ResponseWriter, r *http.Request, s *session) {
	if len(s.Cart) == 0 {
		s.addFlash("errore", "Il carrello è vuoto.")
		seeOther(w, r, "/")
		return
	}
	at := &attempt{ID: randomID(), CF: s.CF, Mode: a.cfg.Mode, Items: append([]cartItem(nil), s.Cart...), Created: time.Now().UTC()}
	cart := buildCart(a.cfg.Mode, at.Items)
	if err := cart.Validate(); err != nil {
		msg, det := explain(err)
		s.addFlash("errore", msg, det...)
		seeOther(w, r, "/")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
	defer cancel()
	var (
		avvio *pagamenti.Avvio
		err   error
	)
	ret := a.returnURL(at.ID)
	if a.cfg.Mode == ModeCheckout {
		opts := pagamenti.CheckoutStartOptions{
			ReturnOK: ret + "&esito=OK", ReturnCancel: ret + "&esito=CANCEL", ReturnError: ret + "&esito=ERROR",
			IDCart: at.ID, CompanyName: a.cfg.Ente, Completer: a.noticeResolver(at.Items),
		}
		if strings.HasSuffix(strings.TrimRight(a.cfg.CheckoutURL, "/"), "/v2") {
			opts.ReturnWaiting = ret + "&esito=DIFFERITO"
		}
		avvio, err = a.checkout.Start(ctx, cart, opts)
	} else {
		avvio, err = a.pagamenti.Start(ctx, cart, pagamenti.StartOptions{
			URLRitorno: ret, IDSessionePortale: at.ID, Lingua: pagamenti.LinguaItaliano,
		})
	}
	if err != nil {
		a.logErr("start", err)
		var re *pagamenti.RedirectError
		if errors.As(err, &re) && re.Avvio != nil {
			// The payment exists: keep it, so its outcome can be read.
			at.Avvio = *re.Avvio
			if serr := a.saveAttempt(ctx, at); serr != nil {
				a.logErr("payment store", serr)
			} else {
				s.Cart = nil
			}
		}
		msg, det := explain(err)
		s.addFlash("errore", msg, det...)
		seeOther(w, r, "/")
		return
	}
	if a.cfg.Mode == ModeBridge && avvio.Mode == pagamenti.ModeLegacy {
		// GovPay answered as a V1 station: follow what it did.
		at.Mode = ModeLegacy
	}
	at.Avvio = *avvio
	// The payer's return may reach another replica, or this one after a
	// restart: the attempt is stored before the browser leaves.
	if err := a.saveAttempt(ctx, at); err != nil {
		a.logErr("payment store", err)
		a.errorPage(w, http.StatusInternalServerError, "Pagamento non avviato",
			"Non riusciamo a registrare il pagamento: non ti è stato addebitato nulla, riprova tra poco.")
		return
	}
	s.Cart = nil
	if avvio.Redirect == "" {
		// A reconciled start whose page GovPay did not record.
		seeOther(w, r, a.returnURL(at.ID))
		return
	}
	// Redirect has been checked by the SDK (absolute, https unless the
	// operator allowed http for a test environment).
	seeOther(w, r, avvio.Redirect)
}

// noticeResolver completes the Checkout notices with the current amount
// and description GovPay holds for each notice.
func (a *App) noticeResolver(items []cartItem) pagamenti.NoticeCompleter {
	return pagamenti.NoticeCompleterFunc(func(ctx context.Context, item pagamenti.Item, n *pagamenti.PaymentNotice) error {
		av, err := a.avvisi.Get(ctx, n.FiscalCode, n.NoticeNumber)
		if err != nil {
			return err
		}
		if !av.Stato.Payable() {
			return &govpay.ValidationError{What: "notice", Violations: []govpay.Violation{{Field: "noticeNumber",
				Rule: "avviso " + formatAvviso(n.NoticeNumber) + " non pagabile: " + statoAvviso(av.Stato)}}}
		}
		n.Amount = av.Importo
		if av.Descrizione != "" {
			n.Description = truncate(av.Descrizione, pagamenti.MaxNoticeText)
		}
		for _, it := range items {
			if it.NumeroAvviso == n.NoticeNumber && it.IDDominio == n.FiscalCode {
				if n.Description == "" {
					n.Description = truncate(it.Causale, pagamenti.MaxNoticeText)
				}
				if it.Ente != "" && it.Ente != it.IDDominio {
					n.CompanyName = truncate(it.Ente, pagamenti.MaxNoticeText)
				}
			}
		}
		return nil
	})
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// enteName returns the creditor's name if a debt position named it, else
// its idDominio.
func (a *App) enteName(idDominio string) string {
	if v, ok := a.enti.Load(idDominio); ok {
		return v.(string)
	}
	return idDominio
}
