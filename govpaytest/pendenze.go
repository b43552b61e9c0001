package govpaytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/govpaygo/govpay"
)

// routes builds the router of every API.
func (s *Server) routes() *router {
	rt := &router{s: s}
	pend := "/govpay/backend/api/pendenze/rs/{auth}/v2"
	rt.handle("PUT", pend+"/pendenze/{idA2A}/{idPendenza}", OpPutPendenza, kindGovPay, s.handlePutPendenza)
	rt.handle("GET", pend+"/pendenze/{idA2A}/{idPendenza}", OpGetPendenza, kindGovPay, s.handleGetPendenza)
	rt.handle("PATCH", pend+"/pendenze/{idA2A}/{idPendenza}", OpPatchPendenza, kindGovPay, s.handlePatchPendenza)
	rt.handle("GET", pend+"/pendenze", OpListPendenze, kindGovPay, func(c *call) { s.handleListPendenze(c, apiPendenze) })
	rt.handle("GET", pend+"/pendenze/byAvviso/{idDominio}/{numeroAvviso}", OpGetPendenzaByAvviso, kindGovPay, s.handleGetPendenzaByAvviso)
	rt.handle("GET", pend+"/avvisi/{idDominio}/{numeroAvviso}", OpGetAvviso, kindGovPay, s.handleGetAvviso)
	rt.handle("GET", pend+"/rpp", OpListRPP, kindGovPay, s.handleListRpp)
	rt.handle("GET", pend+"/rpp/{idDominio}/{iuv}/{ccp}", OpGetRPP, kindGovPay, s.handleGetRpp)
	rt.handle("GET", pend+"/rpp/{idDominio}/{iuv}/{ccp}/rpt", OpGetRPT, kindGovPay, s.handleGetRpt)
	rt.handle("GET", pend+"/rpp/{idDominio}/{iuv}/{ccp}/rt", OpGetRT, kindGovPay, s.handleGetRt)

	pag := "/govpay/frontend/api/pagamento/rs/{auth}/v2"
	rt.handle("POST", pag+"/pagamenti", OpStartPagamento, kindGovPay, s.handleStartPagamento)
	rt.handle("GET", pag+"/pagamenti", OpListPagamenti, kindGovPay, s.handleListPagamenti)
	rt.handle("GET", pag+"/pagamenti/{id}", OpGetPagamento, kindGovPay, s.handleGetPagamento)
	rt.handle("GET", pag+"/pagamenti/byIdSession/{idSession}", OpGetPagamentoByIDSession, kindGovPay, s.handleGetPagamentoByIDSession)
	rt.handle("GET", pag+"/pendenze", OpPosizione, kindGovPay, func(c *call) { s.handleListPendenze(c, apiPagamento) })
	rt.handle("GET", pag+"/pendenze/{idA2A}/{idPendenza}", OpPagamentoGetPendenza, kindGovPay, s.handlePagamentoGetPendenza)
	rt.handle("GET", pag+"/avvisi/{idDominio}/{numeroAvviso}", OpPagamentoGetAvviso, kindGovPay, s.handleGetAvviso)

	rag := "/govpay/backend/api/ragioneria/rs/{auth}/v3"
	rt.handle("GET", rag+"/ricevute", OpListRicevute, kindGovPay, s.handleListRicevute)
	rt.handle("GET", rag+"/ricevute/{idDominio}/{iuv}/{idRicevuta}", OpGetRicevuta, kindGovPay, s.handleGetRicevuta)

	rt.handle("POST", CheckoutBasePath+"/carts", OpPostCarts, kindCheckout, func(c *call) { s.handlePostCarts(c, 1) })
	rt.handle("POST", CheckoutV2BasePath+"/carts", OpPostCarts, kindCheckout, func(c *call) { s.handlePostCarts(c, 2) })

	rt.handle("GET", wispPath, OpPaymentPage, kindPage, s.handlePage)
	rt.handle("POST", wispPath, OpPaymentDone, kindPage, s.handleChoice)
	rt.handle("GET", checkoutPagePath+"/{id}", OpPaymentPage, kindPage, s.handlePage)
	rt.handle("POST", checkoutPagePath+"/{id}", OpPaymentDone, kindPage, s.handleChoice)
	return rt
}

// restrictedTo reports whether the caller may only see idA2A's pendenze
// (API Pendenze with authentication required).
func (s *Server) ownerMismatch(c *call, idA2A string) bool {
	return s.cfg.auth && c.user != idA2A
}

func (s *Server) handlePutPendenza(c *call) {
	key := pendKey{c.path("idA2A"), c.path("idPendenza")}
	if e := firstErr(checkID("idA2A", key.idA2A), checkID("idPendenza", key.idPendenza)); e != nil {
		c.fail(e)
		return
	}
	if s.ownerMismatch(c, key.idA2A) {
		c.fail(errSemantica(http.StatusBadRequest, "APP_002", "Applicazione autenticata (%s) diversa dalla chiamante (%s)", c.user, key.idA2A))
		return
	}
	stampa := false
	if v := c.r.URL.Query().Get("stampaAvviso"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			c.fail(errSintassi("Il parametro stampaAvviso deve valere true o false, ricevuto [%s]", v))
			return
		}
		stampa = b
	}
	var w wirePendenza
	if err := decodeStrict(c.body, &w); err != nil {
		c.fail(errSintassi("%v", err))
		return
	}
	p, e := validatePendenza(&w, "01")
	if e != nil {
		c.fail(e)
		return
	}
	created, e := s.upsertPendenza(key, p)
	if e != nil {
		c.fail(e)
		return
	}
	out := struct {
		IDDominio    string `json:"idDominio"`
		NumeroAvviso string `json:"numeroAvviso"`
		UUID         string `json:"UUID,omitempty"`
		PDF          string `json:"pdf,omitempty"`
	}{IDDominio: p.idDominio, NumeroAvviso: p.numeroAvviso, UUID: p.uuid}
	if stampa {
		out.PDF = base64.StdEncoding.EncodeToString(s.avvisoPDF(p))
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.writeJSON(status, out)
}

func firstErr(errs ...*apiError) *apiError {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// upsertPendenza applies GovPay's business rules to a syntactically valid
// pendenza and stores it. The caller holds s.mu.
func (s *Server) upsertPendenza(key pendKey, p *pendenza) (created bool, _ *apiError) {
	st := s.st
	d, ok := st.dominio(p.idDominio)
	if !ok {
		return false, errForbidden("L'applicazione non e' autorizzata ad operare sul dominio %s", p.idDominio)
	}
	if !d.knowsTipo(p.idTipoPendenza) {
		return false, errSemantica(http.StatusUnprocessableEntity, "TVD_000", "Tipo pendenza (%s) del dominio (%s) inesistente", p.idTipoPendenza, p.idDominio)
	}
	var sum govpay.Importo
	seen := map[string]bool{}
	for i := range p.voci {
		vc := &p.voci[i]
		if seen[vc.idVocePendenza] {
			return false, errSemantica(http.StatusUnprocessableEntity, "VER_001", "La pendenza (IdA2A:%s, Id:%s) presenta la voce (%s) piu' di una volta", key.idA2A, key.idPendenza, vc.idVocePendenza)
		}
		seen[vc.idVocePendenza] = true
		if vc.idDominio != "" {
			if _, ok := st.dominio(vc.idDominio); !ok {
				return false, errSemantica(http.StatusUnprocessableEntity, "DOM_000", "Dominio (%s) inesistente", vc.idDominio)
			}
		}
		if vc.codEntrata != "" {
			dd := d
			if vc.idDominio != "" {
				dd = st.domini[vc.idDominio]
			}
			if !dd.knowsEntrata(vc.codEntrata) {
				return false, errSemantica(http.StatusUnprocessableEntity, "TRB_000", "Tributo (%s) inesistente per il dominio (%s)", vc.codEntrata, dd.IDDominio)
			}
		}
		if q, has, err := quoteSum(vc.contabilita); err != nil {
			return false, errSintassi("Il campo voci[%d].contabilita non e' valido: %v", i, err)
		} else if has && q != vc.importo {
			return false, errSemantica(http.StatusUnprocessableEntity, "VER_035", "La voce (%s) della pendenza (IdA2A:%s, Id:%s) ha un importo (%s) diverso dalla somma dei singoli importi definiti nella lista delle contabilita' (%s)", vc.idVocePendenza, key.idA2A, key.idPendenza, vc.importo, q)
		}
		sum += vc.importo
	}
	if sum != p.importo {
		return false, errSemantica(http.StatusUnprocessableEntity, "VER_002", "La pendenza (IdA2A:%s, Id:%s) ha un importo totale (%s) diverso dalla somma dei singoli importi (%s)", key.idA2A, key.idPendenza, p.importo, sum)
	}
	// GovPay 3.9 no longer refuses a numero avviso on several voci with a
	// marca da bollo (VER_031 removed, VersamentoUtils.java:688).
	old := st.pendenze[key]
	if old != nil {
		if old.stato == statoEseguita {
			return false, errSemantica(http.StatusUnprocessableEntity, "VER_003", "La pendenza (IdA2A:%s, Id:%s) e' in uno stato che non consente l'aggiornamento (%s)", key.idA2A, key.idPendenza, old.stato)
		}
		if old.idDominio != p.idDominio {
			return false, errSemantica(http.StatusUnprocessableEntity, "VER_004", "La pendenza (IdA2A:%s, Id:%s) presenta un beneficiario (%s) diverso da quello originale (%s)", key.idA2A, key.idPendenza, p.idDominio, old.idDominio)
		}
		if p.numeroAvviso != "" && old.numeroAvviso != "" && p.numeroAvviso != old.numeroAvviso {
			return false, errSemantica(http.StatusUnprocessableEntity, "VER_024", "La pendenza (IdA2A:%s, Id:%s) ha un numero avviso (%s) diverso dall'originale (%s).", key.idA2A, key.idPendenza, p.numeroAvviso, old.numeroAvviso)
		}
		if p.numeroAvviso == "" {
			p.numeroAvviso = old.numeroAvviso
		}
	}
	if p.numeroAvviso != "" {
		if other, used := st.byAvviso[avvisoKey{p.idDominio, p.numeroAvviso}]; used && other != key {
			return false, errSemantica(http.StatusUnprocessableEntity, "VER_025", "La pendenza (IdA2A:%s, Id:%s) ha un numero avviso (%s) gia' utilizzato (IdA2A:%s, Id:%s).", key.idA2A, key.idPendenza, p.numeroAvviso, other.idA2A, other.idPendenza)
		}
		p.iuv = iuvFromNumeroAvviso(p.numeroAvviso)
	} else {
		p.numeroAvviso, p.iuv = st.assignNumeroAvviso(d)
	}
	p.key = key
	p.stato = statoNonEseguita
	now := s.now()
	p.aggiornata = now
	if old != nil {
		p.uuid, p.caricata, p.rpps, p.pagamenti, p.note, p.ack = old.uuid, old.caricata, old.rpps, old.pagamenti, old.note, old.ack
		p.descrizioneStato = old.descrizioneStato
	} else {
		p.uuid = hexID('f', s.nextSeq())
		p.caricata = now
		st.pendOrder = append(st.pendOrder, key)
	}
	st.pendenze[key] = p
	st.byAvviso[avvisoKey{p.idDominio, p.numeroAvviso}] = key
	return old == nil, nil
}

func (s *Server) handleGetPendenza(c *call) {
	key := pendKey{c.path("idA2A"), c.path("idPendenza")}
	if e := firstErr(checkID("idA2A", key.idA2A), checkID("idPendenza", key.idPendenza)); e != nil {
		c.fail(e)
		return
	}
	if s.ownerMismatch(c, key.idA2A) {
		c.fail(errForbidden("L'applicazione %s non e' autorizzata a leggere le pendenze di %s", c.user, key.idA2A))
		return
	}
	p := s.st.pendenze[key]
	if p == nil {
		c.fail(errNotFound("Pendenza (IdA2A:%s, Id:%s) inesistente", key.idA2A, key.idPendenza))
		return
	}
	c.writeJSON(http.StatusOK, s.viewPendenza(p, apiPendenze, true))
}

func (s *Server) handlePagamentoGetPendenza(c *call) {
	key := pendKey{c.path("idA2A"), c.path("idPendenza")}
	if e := firstErr(checkID("idA2A", key.idA2A), checkID("idPendenza", key.idPendenza)); e != nil {
		c.fail(e)
		return
	}
	p := s.st.pendenze[key]
	if p == nil {
		c.fail(errNotFound("Pendenza (IdA2A:%s, Id:%s) inesistente", key.idA2A, key.idPendenza))
		return
	}
	c.writeJSON(http.StatusOK, s.viewPendenza(p, apiPagamento, true))
}

func (s *Server) handleGetPendenzaByAvviso(c *call) {
	idDominio, nav := c.path("idDominio"), c.path("numeroAvviso")
	if e := checkIDDominio("idDominio", idDominio); e != nil {
		c.fail(e)
		return
	}
	if !reNumeroAvviso.MatchString(nav) {
		c.fail(errSintassi("Il valore [%s] del campo numeroAvviso non rispetta il pattern richiesto: ^[0-9]{18}$", nav))
		return
	}
	key, ok := s.st.byAvviso[avvisoKey{idDominio, nav}]
	if !ok {
		c.fail(errNotFound("Avviso (%s/%s) inesistente", idDominio, nav))
		return
	}
	if s.ownerMismatch(c, key.idA2A) {
		c.fail(errForbidden("L'applicazione %s non e' autorizzata a leggere le pendenze di %s", c.user, key.idA2A))
		return
	}
	c.writeJSON(http.StatusOK, s.viewPendenza(s.st.pendenze[key], apiPendenze, true))
}

// pageParams reads pagina and risultatiPerPagina (GovPay: pagina ≥ 1,
// 1 ≤ risultatiPerPagina ≤ 200, defaults 1 and 25).
func pageParams(q url.Values) (pagina, perPagina int, e *apiError) {
	pagina, perPagina = 1, 25
	if v := q.Get("pagina"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, 0, errSintassi("Il parametro pagina deve essere un intero maggiore di zero, ricevuto [%s]", v)
		}
		pagina = n
	}
	if v := q.Get("risultatiPerPagina"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 200 {
			return 0, 0, errSintassi("Il parametro risultatiPerPagina deve essere un intero tra 0 e 200, ricevuto [%s]", v)
		}
		perPagina = n
	}
	return pagina, perPagina, nil
}

// page cuts one page out of n results and fills the list envelope.
func page[T any](items []T, pagina, perPagina int, c *call) lista {
	l := lista{NumRisultati: len(items), RisultatiPerPagina: perPagina, Pagina: pagina, Risultati: []T{}}
	if perPagina == 0 {
		return l
	}
	l.NumPagine = (len(items) + perPagina - 1) / perPagina
	from := (pagina - 1) * perPagina
	if from < len(items) {
		to := min(from+perPagina, len(items))
		l.Risultati = items[from:to]
	}
	if pagina < l.NumPagine {
		q := c.r.URL.Query()
		q.Set("pagina", strconv.Itoa(pagina+1))
		l.ProssimiRisultati = "/" + c.r.URL.Path[strings.LastIndex(c.r.URL.Path, "/")+1:] + "?" + q.Encode()
	}
	return l
}

var statiPendenza = []string{"ESEGUITA", "NON_ESEGUITA", "ESEGUITA_PARZIALE", "ANNULLATA", "SCADUTA", "ANOMALA"}

func (s *Server) handleListPendenze(c *call, api apiFlavor) {
	q := c.r.URL.Query()
	pagina, perPagina, e := pageParams(q)
	if e != nil {
		c.fail(e)
		return
	}
	if v := q.Get("idDominio"); v != "" {
		if e := checkIDDominio("idDominio", v); e != nil {
			c.fail(e)
			return
		}
	}
	if v := q.Get("stato"); v != "" && !oneOf(v, statiPendenza) {
		c.fail(errSintassi("Codifica inesistente per stato. Valore fornito [%s] valori possibili %v", v, statiPendenza))
		return
	}
	idA2A := q.Get("idA2A")
	if api == apiPendenze && s.cfg.auth {
		idA2A = c.user // an application sees only its own pendenze
	}
	var items []vPendenza
	for _, k := range s.st.pendOrder {
		p := s.st.pendenze[k]
		if !match(q.Get("idDominio"), p.idDominio) || !match(idA2A, k.idA2A) || !match(q.Get("idPendenza"), k.idPendenza) ||
			!match(q.Get("idDebitore"), p.soggetto.Identificativo) || !match(q.Get("stato"), s.statoOf(p)) ||
			!match(q.Get("iuv"), p.iuv) || !match(q.Get("direzione"), p.direzione) || !match(q.Get("divisione"), p.divisione) {
			continue
		}
		if id := q.Get("idPagamento"); id != "" && !containsStr(p.pagamenti, id) {
			continue
		}
		items = append(items, s.viewPendenza(p, api, false))
	}
	c.writeJSON(http.StatusOK, page(items, pagina, perPagina, c))
}

func match(filter, v string) bool { return filter == "" || filter == v }

func containsStr(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// firstAccept returns the first Accept header, lower-cased, as GovPay reads
// it (only the first header line counts).
func firstAccept(r *http.Request) string {
	if vs := r.Header.Values("Accept"); len(vs) > 0 {
		return strings.ToLower(vs[0])
	}
	return ""
}

var lingueSecondarie = []string{"false", "de", "en", "fr", "sl"}

// handleGetAvviso serves GET /avvisi/{idDominio}/{numeroAvviso} of API
// Pendenze and API Pagamento with GovPay's Accept rules: the first Accept
// header is read; if it contains application/pdf the PDF notice is sent,
// else if it contains application/json the JSON, else 406.
func (s *Server) handleGetAvviso(c *call) {
	idDominio, nav := c.path("idDominio"), c.path("numeroAvviso")
	if e := checkIDDominio("idDominio", idDominio); e != nil {
		c.fail(e)
		return
	}
	if v := c.r.URL.Query().Get("linguaSecondaria"); v != "" && !oneOf(v, lingueSecondarie) {
		c.fail(errSintassi("Codifica inesistente per linguaSecondaria. Valore fornito [%s] valori possibili %v", v, lingueSecondarie))
		return
	}
	accept := firstAccept(c.r)
	pdf := strings.Contains(accept, "application/pdf")
	if !pdf && !strings.Contains(accept, "application/json") {
		c.fail(errNotAcceptable(accept, "{'application/pdf','application/json'}"))
		return
	}
	key, ok := s.st.byAvviso[avvisoKey{idDominio, nav}]
	if !ok {
		if pdf {
			c.fail(errNotFound("Avviso (%s/%s) inesistente", idDominio, nav))
			return
		}
		c.writeJSON(http.StatusOK, vAvviso{Stato: "SCONOSCIUTA", IDDominio: idDominio, NumeroAvviso: nav})
		return
	}
	if c.op == OpGetAvviso && s.ownerMismatch(c, key.idA2A) {
		c.fail(errForbidden("L'applicazione %s non e' autorizzata a leggere le pendenze di %s", c.user, key.idA2A))
		return
	}
	p := s.st.pendenze[key]
	if pdf {
		c.rep.status = http.StatusOK
		c.rep.header.Set("Content-Type", "application/pdf")
		c.rep.header.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s_%s.pdf"`, idDominio, nav))
		c.rep.body = s.avvisoPDF(p)
		return
	}
	c.writeJSON(http.StatusOK, s.viewAvviso(p))
}

// avvisoPDF renders the paper notice of p.
func (s *Server) avvisoPDF(p *pendenza) []byte {
	return simplePDF("Avviso di pagamento pagoPA", []string{
		"Ente creditore: " + ragione(s.st.domini[p.idDominio]) + " (" + p.idDominio + ")",
		"Destinatario: " + p.soggetto.Anagrafica + " (" + p.soggetto.Identificativo + ")",
		"Oggetto: " + p.causale,
		"Importo: EUR " + p.importo.String(),
		"Scadenza: " + p.dataScadenza.String(),
		"Codice avviso: " + formatNav(p.numeroAvviso),
		"Codice fiscale ente: " + p.idDominio,
		"Documento generato da govpaytest: non valido per il pagamento.",
	})
}

// formatNav groups a numero avviso in blocks of four digits, as printed.
func formatNav(nav string) string {
	var b strings.Builder
	for i, r := range nav {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ---- PATCH ----

func (s *Server) handlePatchPendenza(c *call) {
	key := pendKey{c.path("idA2A"), c.path("idPendenza")}
	if e := firstErr(checkID("idA2A", key.idA2A), checkID("idPendenza", key.idPendenza)); e != nil {
		c.fail(e)
		return
	}
	if s.ownerMismatch(c, key.idA2A) {
		c.fail(errOperazione("APP_002", "Applicazione autenticata (%s) diversa dalla chiamante (%s)", c.user, key.idA2A))
		return
	}
	var ops []wirePatchOp
	if err := decodeStrict(c.body, &ops); err != nil {
		c.fail(errSintassi("%v", err))
		return
	}
	p := s.st.pendenze[key]
	if p == nil {
		c.fail(errNotFound("Pendenza (IdA2A:%s, Id:%s) inesistente", key.idA2A, key.idPendenza))
		return
	}
	next := *p
	next.note = append([]json.RawMessage(nil), p.note...)
	for i, op := range ops {
		if op.Op == nil || !oneOf(*op.Op, []string{"ADD", "DELETE", "REPLACE"}) {
			c.fail(errSintassi("Il campo op non e' valido."))
			return
		}
		if op.Path == nil || *op.Path == "" {
			c.fail(errSintassi("Il campo path dell'operazione %d non deve essere vuoto.", i))
			return
		}
		if len(nonNull(op.Value)) == 0 {
			c.fail(errSintassi("Il campo value dell'operazione %d non deve essere vuoto.", i))
			return
		}
		switch *op.Path {
		case "/stato":
			var v string
			if json.Unmarshal(op.Value, &v) != nil || (v != statoAnnullata && v != statoNonEseguita) {
				c.fail(errSintassi("Valore non valido per /stato: %s (ammessi ANNULLATA, NON_ESEGUITA)", op.Value))
				return
			}
			switch {
			case v == statoAnnullata && next.stato != statoNonEseguita && next.stato != statoAnnullata:
				c.fail(errOperazione("VER_009", "La pendenza (IdA2A:%s, Id:%s) e' in uno stato che non consente l'annullamento (%s)", key.idA2A, key.idPendenza, next.stato))
				return
			case v == statoNonEseguita && next.stato == statoEseguita:
				c.fail(errOperazione("VER_003", "La pendenza (IdA2A:%s, Id:%s) e' in uno stato che non consente l'aggiornamento (%s)", key.idA2A, key.idPendenza, next.stato))
				return
			}
			next.stato = v
		case "/descrizioneStato":
			var v string
			if json.Unmarshal(op.Value, &v) != nil {
				c.fail(errSintassi("Valore non valido per /descrizioneStato: atteso un testo"))
				return
			}
			next.descrizioneStato = v
		case "/ack":
			var v bool
			if json.Unmarshal(op.Value, &v) != nil {
				c.fail(errSintassi("Valore non valido per /ack: atteso true o false"))
				return
			}
			next.ack = &v
		case "/nota":
			var nota map[string]any
			if json.Unmarshal(op.Value, &nota) != nil {
				c.fail(errSintassi("Valore non valido per /nota: atteso un oggetto"))
				return
			}
			next.note = append(next.note, op.Value)
		default:
			c.fail(errSintassi("Path '%s' non valido", *op.Path))
			return
		}
	}
	next.aggiornata = s.now()
	*p = next
	c.writeJSON(http.StatusOK, s.viewPendenza(p, apiPendenze, true))
}

// ---- rpp ----

var esitiRpp = []string{"IN_CORSO", "RIFIUTATO", "ESEGUITO", "NON_ESEGUITO", "ESEGUITO_PARZIALE", "DECORRENZA", "DECORRENZA_PARZIALE"}

func (s *Server) handleListRpp(c *call) {
	q := c.r.URL.Query()
	pagina, perPagina, e := pageParams(q)
	if e != nil {
		c.fail(e)
		return
	}
	if v := q.Get("esitoPagamento"); v != "" && !oneOf(v, esitiRpp) {
		c.fail(errSintassi("Codifica inesistente per esitoPagamento. Valore fornito [%s] valori possibili %v", v, esitiRpp))
		return
	}
	idA2A := q.Get("idA2A")
	if s.cfg.auth {
		idA2A = c.user
	}
	var items []vRpp
	for _, k := range s.st.rppOrder {
		r := s.st.rpps[k]
		p := s.st.pendenze[r.pend]
		debitore := ""
		if p != nil {
			debitore = p.soggetto.Identificativo
		}
		esito := r.esito
		if !match(q.Get("idDominio"), k.idDominio) || !match(q.Get("iuv"), k.iuv) || !match(q.Get("ccp"), k.ccp) ||
			!match(idA2A, r.pend.idA2A) || !match(q.Get("idPendenza"), r.pend.idPendenza) ||
			!match(q.Get("idDebitore"), debitore) || !match(q.Get("esitoPagamento"), esito) ||
			!match(q.Get("idPagamento"), r.pagamento) {
			continue
		}
		items = append(items, s.viewRpp(r, true, apiPendenze))
	}
	c.writeJSON(http.StatusOK, page(items, pagina, perPagina, c))
}

func (s *Server) findRpp(c *call) (*rpp, bool) {
	k := rppKey{c.path("idDominio"), c.path("iuv"), c.path("ccp")}
	if e := checkIDDominio("idDominio", k.idDominio); e != nil {
		c.fail(e)
		return nil, false
	}
	r := s.st.rpps[k]
	if r == nil {
		c.fail(errNotFound("Transazione (%s/%s/%s) inesistente", k.idDominio, k.iuv, k.ccp))
		return nil, false
	}
	if s.ownerMismatch(c, r.pend.idA2A) {
		c.fail(errForbidden("L'applicazione %s non e' autorizzata a leggere le transazioni di %s", c.user, r.pend.idA2A))
		return nil, false
	}
	return r, true
}

func (s *Server) handleGetRpp(c *call) {
	if r, ok := s.findRpp(c); ok {
		c.writeJSON(http.StatusOK, s.viewRpp(r, true, apiPendenze))
	}
}

func (s *Server) handleGetRpt(c *call) {
	r, ok := s.findRpp(c)
	if !ok {
		return
	}
	if strings.Contains(firstAccept(c.r), "application/xml") {
		s.writeXML(c, r, false)
		return
	}
	c.writeJSON(http.StatusOK, s.rptJSON(r))
}

func (s *Server) handleGetRt(c *call) {
	r, ok := s.findRpp(c)
	if !ok {
		return
	}
	if !r.hasReceipt() {
		c.fail(errNotFound("Ricevuta della transazione (%s/%s/%s) non ancora disponibile", r.key.idDominio, r.key.iuv, r.key.ccp))
		return
	}
	accept := firstAccept(c.r)
	switch {
	case strings.Contains(accept, "application/pdf"):
		c.rep.status = http.StatusOK
		c.rep.header.Set("Content-Type", "application/pdf")
		c.rep.body = s.ricevutaPDF(r)
	case strings.Contains(accept, "application/json"):
		c.writeJSON(http.StatusOK, s.rtJSON(r))
	default:
		s.writeXML(c, r, true)
	}
}

func (s *Server) writeXML(c *call, r *rpp, receipt bool) {
	b, _ := base64.StdEncoding.DecodeString(s.xmlB64(r, receipt))
	c.rep.status = http.StatusOK
	c.rep.header.Set("Content-Type", "application/xml")
	c.rep.body = b
}
