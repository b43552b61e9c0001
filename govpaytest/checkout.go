package govpaytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/govpaygo/govpay"
)

// Paths of the fake payment pages.
const (
	wispPath         = "/wisp/wallet/welcome" // ?idSession=…
	checkoutPagePath = "/checkout/c"          // /{id}
)

// Choice is a button of the fake WISP / Checkout page.
type Choice string

// The buttons of the fake page.
const (
	// ChoicePaga pays: receipts are produced, the pendenze become
	// ESEGUITA, the payment ESEGUITO; esito=OK.
	ChoicePaga Choice = "paga"
	// ChoiceErrore makes the payment fail: the payment becomes
	// NON_ESEGUITO (a WISP payment gets a negative RT); esito=ERROR.
	ChoiceErrore Choice = "errore"
	// ChoiceAnnulla abandons the payment: esito=DIFFERITO (WISP) or
	// CANCEL (Checkout); no receipt.
	ChoiceAnnulla Choice = "annulla"
)

// ErrSessionNotFound is returned by [Server.Pay] for a page the fake does
// not know; ErrSessionClosed for a page whose outcome was already chosen.
var (
	ErrSessionNotFound = errors.New("govpaytest: payment page not found")
	ErrSessionClosed   = errors.New("govpaytest: payment page already concluded")
)

func (s *Server) pageURL(ss *sessione) string {
	if ss.checkout {
		return s.URL + checkoutPagePath + "/" + url.PathEscape(ss.id)
	}
	return s.URL + wispPath + "?idSession=" + url.QueryEscape(ss.id)
}

func (s *Server) pageURLByID(id string) string {
	if ss := s.st.sessioni[id]; ss != nil {
		return s.pageURL(ss)
	}
	return ""
}

func (s *Server) addSessione(ss *sessione) {
	s.st.sessioni[ss.id] = ss
	s.st.sessOrder = append(s.st.sessOrder, ss.id)
}

// ---- POST /carts ----

var reFiscalCode = regexp.MustCompile(`^.{11}$`)

func (s *Server) handlePostCarts(c *call, version int) {
	bad := func(format string, args ...any) {
		c.writeJSON(http.StatusBadRequest, problem{Type: "about:blank", Title: "Bad Request", Status: http.StatusBadRequest, Detail: fmt.Sprintf(format, args...)})
	}
	var w wireCart
	if err := json.Unmarshal(c.body, &w); err != nil {
		bad("Formally invalid input: %v", err)
		return
	}
	if len(w.PaymentNotices) < 1 || len(w.PaymentNotices) > 5 {
		bad("paymentNotices must contain from 1 to 5 items, got %d", len(w.PaymentNotices))
		return
	}
	ru := w.ReturnURLs
	switch {
	case ru == nil || ru.ReturnOkURL == nil || ru.ReturnCancelURL == nil || ru.ReturnErrorURL == nil:
		bad("returnUrls must contain returnOkUrl, returnCancelUrl and returnErrorUrl")
		return
	case version == 2 && ru.ReturnWaitingURL == nil:
		bad("returnUrls must contain returnWaitingUrl (v2)")
		return
	}
	seq := s.nextSeq()
	ss := &sessione{id: hexID('e', seq), checkout: true, email: str(w.EmailNotice), idCarrello: str(w.IDCart),
		returnURLs: returnURLs{*ru.ReturnOkURL, *ru.ReturnCancelURL, *ru.ReturnErrorURL, str(ru.ReturnWaitingURL)}}
	for i, n := range w.PaymentNotices {
		amount, err := n.Amount.Int64()
		switch {
		case n.NoticeNumber == nil || !reNumeroAvviso.MatchString(*n.NoticeNumber):
			bad("paymentNotices[%d].noticeNumber must be 18 digits", i)
			return
		case n.FiscalCode == nil || !reFiscalCode.MatchString(*n.FiscalCode):
			bad("paymentNotices[%d].fiscalCode must be 11 characters", i)
			return
		case err != nil || amount < 1:
			bad("paymentNotices[%d].amount must be an integer number of euro cents ≥ 1", i)
			return
		case n.CompanyName == nil || !lenBetween(*n.CompanyName, 0, 140):
			bad("paymentNotices[%d].companyName is required (max 140 characters)", i)
			return
		case n.Description == nil || !lenBetween(*n.Description, 0, 140):
			bad("paymentNotices[%d].description is required (max 140 characters)", i)
			return
		}
		it := sessItem{idDominio: *n.FiscalCode, numeroAvviso: *n.NoticeNumber, iuv: iuvFromNumeroAvviso(*n.NoticeNumber),
			importo: govpay.Centesimi(amount), descrizione: *n.Description, ente: *n.CompanyName}
		if key, ok := s.st.byAvviso[avvisoKey{it.idDominio, it.numeroAvviso}]; ok {
			p := s.st.pendenze[key]
			k := key
			it.pend, it.importo, it.descrizione, it.ente = &k, p.importo, p.causale, ragione(s.st.domini[p.idDominio])
		}
		ss.items = append(ss.items, it)
	}
	s.addSessione(ss)
	c.rep.status = http.StatusFound
	c.rep.header.Set("Location", s.pageURL(ss))
}

// ---- pages ----

func (s *Server) sessionOf(c *call) *sessione {
	id := c.path("id")
	if id == "" {
		id = c.r.URL.Query().Get("idSession")
	}
	return s.st.sessioni[id]
}

// problemOf returns why an item of a page cannot be paid ("" if it can).
func (s *Server) problemOf(it sessItem) string {
	if it.pend == nil {
		return "Avviso sconosciuto all'ente creditore"
	}
	p := s.st.pendenze[*it.pend]
	switch s.statoOf(p) {
	case statoNonEseguita:
		return ""
	case statoEseguita:
		return "Avviso gia' pagato"
	case statoScaduta:
		return "Avviso scaduto"
	default:
		return "Avviso annullato"
	}
}

type pageItem struct {
	Ente, Descrizione, NumeroAvviso, Importo, Problema string
}

type pageData struct {
	Title    string
	Checkout bool
	Items    []pageItem
	Totale   string
	Done     bool
	Esito    string
	Return   string
	Email    string
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font-family:sans-serif;max-width:44rem;margin:2rem auto;color:#17324d}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccd;padding:.4rem;text-align:left}
td.num,th.num{text-align:right}.problema{color:#a00}.azioni{margin-top:1.5rem;display:flex;gap:1rem}
button{font-size:1rem;padding:.6rem 1.4rem;border-radius:4px;border:1px solid #06c;background:#fff;color:#06c;cursor:pointer}
button#paga{background:#06c;color:#fff}.nota{font-size:.85rem;color:#555;margin-top:2rem}
</style></head><body>
<h1>{{.Title}}</h1>
<p class="nota">Pagina simulata da govpaytest: nessun pagamento reale viene eseguito.</p>
<table id="carrello"><thead><tr><th>Ente</th><th>Descrizione</th><th>Codice avviso</th><th class="num">Importo</th></tr></thead><tbody>
{{range .Items}}<tr><td>{{.Ente}}</td><td>{{.Descrizione}}{{if .Problema}} <span class="problema">({{.Problema}})</span>{{end}}</td><td>{{.NumeroAvviso}}</td><td class="num">{{.Importo}} €</td></tr>
{{end}}</tbody><tfoot><tr><th colspan="3">Totale</th><th class="num" id="totale">{{.Totale}} €</th></tr></tfoot></table>
{{if .Done}}<p id="esito">Operazione conclusa con esito <strong>{{.Esito}}</strong>.</p>
{{if .Return}}<p><a id="ritorna" href="{{.Return}}">Torna al sito dell'ente</a></p>{{end}}
{{else}}<form method="post" class="azioni">
<button type="submit" id="paga" name="azione" value="paga">Paga</button>
<button type="submit" id="errore" name="azione" value="errore">Errore</button>
<button type="submit" id="annulla" name="azione" value="annulla">Annulla</button>
</form>{{end}}
</body></html>
`))

func (s *Server) renderPage(c *call, status int, ss *sessione) {
	d := pageData{Title: "WISP - scelta del servizio di pagamento (simulato)", Checkout: ss.checkout, Done: ss.done,
		Esito: ss.esito, Return: ss.returnTo, Email: ss.email}
	if ss.checkout {
		d.Title = "pagoPA Checkout (simulato)"
	}
	var tot govpay.Importo
	for _, it := range ss.items {
		tot += it.importo
		pi := pageItem{Ente: it.ente, Descrizione: it.descrizione, NumeroAvviso: formatNav(it.numeroAvviso), Importo: it.importo.String()}
		if !ss.done {
			pi.Problema = s.problemOf(it)
		}
		d.Items = append(d.Items, pi)
	}
	d.Totale = tot.String()
	var b strings.Builder
	if err := pageTmpl.Execute(&b, d); err != nil {
		s.htmlMessage(c, http.StatusInternalServerError, "Errore interno", err.Error())
		return
	}
	c.rep.status = status
	c.rep.header.Set("Content-Type", "text/html; charset=utf-8")
	c.rep.header.Set("Cache-Control", "no-store")
	c.rep.body = []byte(b.String())
}

var msgTmpl = template.Must(template.New("msg").Parse(`<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:sans-serif;max-width:44rem;margin:2rem auto"><h1>{{.Title}}</h1><p id="messaggio">{{.Text}}</p></body></html>
`))

func (s *Server) htmlMessage(c *call, status int, title, text string) {
	var b strings.Builder
	_ = msgTmpl.Execute(&b, struct{ Title, Text string }{title, text})
	c.rep.status = status
	c.rep.header.Set("Content-Type", "text/html; charset=utf-8")
	c.rep.body = []byte(b.String())
}

func (s *Server) handlePage(c *call) {
	ss := s.sessionOf(c)
	if ss == nil {
		s.htmlMessage(c, http.StatusNotFound, "Sessione sconosciuta", "La sessione di pagamento non esiste o e' scaduta.")
		return
	}
	s.renderPage(c, http.StatusOK, ss)
}

func (s *Server) handleChoice(c *call) {
	ss := s.sessionOf(c)
	if ss == nil {
		s.htmlMessage(c, http.StatusNotFound, "Sessione sconosciuta", "La sessione di pagamento non esiste o e' scaduta.")
		return
	}
	form, err := url.ParseQuery(string(c.body))
	if err != nil {
		s.htmlMessage(c, http.StatusBadRequest, "Richiesta non valida", "Modulo non leggibile.")
		return
	}
	ch := Choice(form.Get("azione"))
	if ch != ChoicePaga && ch != ChoiceErrore && ch != ChoiceAnnulla {
		s.htmlMessage(c, http.StatusBadRequest, "Richiesta non valida", "Scegliere Paga, Errore o Annulla.")
		return
	}
	if ss.done {
		s.renderPage(c, http.StatusConflict, ss)
		return
	}
	ret, jobs := s.settle(ss, ch)
	c.jobs = append(c.jobs, jobs...)
	if ret == "" {
		s.renderPage(c, http.StatusOK, ss)
		return
	}
	c.rep.status = http.StatusSeeOther
	c.rep.header.Set("Location", ret)
}

// Pay settles the page at pageURL (the redirect of a payment start or the
// Location of POST /carts) as if the payer pressed a button, and returns the
// URL the browser would be sent back to ("" for a WISP payment started
// without urlRitorno).
func (s *Server) Pay(pageURL string, ch Choice) (string, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return "", fmt.Errorf("govpaytest: page URL: %w", err)
	}
	id := u.Query().Get("idSession")
	if strings.HasPrefix(u.Path, checkoutPagePath+"/") {
		id = strings.TrimPrefix(u.Path, checkoutPagePath+"/")
	}
	if ch != ChoicePaga && ch != ChoiceErrore && ch != ChoiceAnnulla {
		return "", fmt.Errorf("govpaytest: unknown choice %q", ch)
	}
	s.mu.Lock()
	ss := s.st.sessioni[id]
	if ss == nil {
		s.mu.Unlock()
		return "", ErrSessionNotFound
	}
	if ss.done {
		s.mu.Unlock()
		return "", ErrSessionClosed
	}
	ret, jobs := s.settle(ss, ch)
	s.mu.Unlock()
	for _, j := range jobs {
		s.notif.enqueue(j)
	}
	return ret, nil
}

// appendQuery appends query parameters to u as GovPay does (after any
// query u already has).
func appendQuery(u string, kv ...string) string {
	var b strings.Builder
	b.WriteString(u)
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteString(sep + url.QueryEscape(kv[i]) + "=" + url.QueryEscape(kv[i+1]))
		sep = "&"
	}
	return b.String()
}

// settle applies the payer's choice. The caller holds s.mu.
func (s *Server) settle(ss *sessione, ch Choice) (string, []notifyJob) {
	now := s.now()
	var jobs []notifyJob
	ss.done = true
	pay := func(r *rpp) {
		r.receipt, r.esito, r.stato, r.pagato, r.conclusa = true, pagEseguito, "RT_ACCETTATA_PA", r.importo, now
		r.iur = r.key.iuv + digitsID(4, s.nextSeq()%10000)
		if p := s.st.pendenze[r.pend]; p != nil {
			p.stato, p.pagata, p.iuvPagamento = statoEseguita, now, r.key.iuv
		}
	}
	pg := s.st.pagamenti[ss.pagamento]
	if pg == nil {
		pg = s.st.bridged[ss.pagamento]
	}
	switch {
	case pg != nil && !ss.checkout: // WISP
		esito := map[Choice]string{ChoicePaga: "OK", ChoiceErrore: "ERROR", ChoiceAnnulla: "DIFFERITO"}[ch]
		for _, k := range pg.rpps {
			r := s.st.rpps[k]
			switch ch {
			case ChoicePaga:
				pay(r)
			case ChoiceErrore:
				r.receipt, r.esito, r.stato, r.pagato, r.conclusa = true, pagNonEseguito, "RT_ACCETTATA_PA", 0, now
			case ChoiceAnnulla:
				r.esito, r.stato, r.conclusa = pagNonEseguito, "RPT_ANNULLATA", now
			}
			jobs = append(jobs, s.esitoJobs(r)...)
		}
		pg.stato, pg.esito = pagNonEseguito, esito
		if ch == ChoicePaga {
			pg.stato = pagEseguito
		}
		ss.esito = esito
		if pg.urlRitorno != "" {
			ss.returnTo = appendQuery(pg.urlRitorno, "idPagamento", pg.id, "idSession", pg.idSession, "esito", esito)
		}
	case pg != nil: // checkout bridge
		esito := map[Choice]string{ChoicePaga: "OK", ChoiceErrore: "ERROR", ChoiceAnnulla: "CANCEL"}[ch]
		if ch == ChoicePaga && !s.payable(ss) {
			esito = "ERROR"
		}
		pg.stato = pagNonEseguito
		if esito == "OK" {
			for _, k := range pg.pendenze {
				// No GovPay payment to link the transaction to (see
				// state.bridged): pagoPA's receipt alone records it.
				r := s.newRpp(s.st.pendenze[k], nil, true, now)
				pg.rpps = append(pg.rpps, r.key)
				jobs = append(jobs, s.attivazioneJobs(r)...)
				pay(r)
				jobs = append(jobs, s.esitoJobs(r)...)
			}
			pg.stato = pagEseguito
		}
		pg.esito, ss.esito = esito, esito
		ss.returnTo = appendQuery(pg.urlRitorno, "esito", esito)
	default: // direct Checkout cart
		esito := map[Choice]string{ChoicePaga: "OK", ChoiceErrore: "ERROR", ChoiceAnnulla: "CANCEL"}[ch]
		if ch == ChoicePaga && !s.payable(ss) {
			esito = "ERROR"
		}
		if esito == "OK" {
			for _, it := range ss.items {
				r := s.newRpp(s.st.pendenze[*it.pend], nil, true, now)
				r.idCarrello = ss.idCarrello
				jobs = append(jobs, s.attivazioneJobs(r)...)
				pay(r)
				jobs = append(jobs, s.esitoJobs(r)...)
			}
		}
		ss.esito = esito
		ss.returnTo = map[string]string{"OK": ss.returnURLs.ok, "ERROR": ss.returnURLs.errURL, "CANCEL": ss.returnURLs.cancel}[esito]
	}
	return ss.returnTo, jobs
}

// payable reports whether every notice of a Checkout page can be paid.
func (s *Server) payable(ss *sessione) bool {
	for _, it := range ss.items {
		if s.problemOf(it) != "" {
			return false
		}
	}
	return true
}
