package govpaytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/govpaygo/govpay"
)

var (
	lingue           = []string{"it", "en", "fr", "sl", "de"}
	autenticazioni   = []string{"CNS", "USR", "OTH", "N/A"}
	statiPagamento   = []string{"IN_CORSO", "ESEGUITO", "NON_ESEGUITO", "ESEGUITO_PARZIALE", "ANNULLATO", "FALLITO"}
	errNoSpontaneous = errors.New("dati non validi")
)

// defaultSpontaneo accepts dati {"importo": …, "causale": …,
// "soggettoPagatore": {…}} and builds a one-voce pendenza.
func defaultSpontaneo(idDominio, idTipoPendenza string, dati json.RawMessage) (json.RawMessage, error) {
	var d struct {
		Importo          *govpay.Importo `json:"importo"`
		Causale          string          `json:"causale"`
		SoggettoPagatore *wireSoggetto   `json:"soggettoPagatore"`
	}
	if err := json.Unmarshal(dati, &d); err != nil || d.Importo == nil {
		return nil, fmt.Errorf("%w: serve almeno un importo", errNoSpontaneous)
	}
	if d.Causale == "" {
		d.Causale = "Pagamento spontaneo " + idTipoPendenza
	}
	if d.SoggettoPagatore == nil {
		d.SoggettoPagatore = &wireSoggetto{Tipo: "F", Identificativo: "ANONIMO", Anagrafica: "ANONIMO"}
	}
	return json.Marshal(map[string]any{
		"idTipoPendenza": idTipoPendenza, "idDominio": idDominio, "causale": d.Causale,
		"soggettoPagatore": d.SoggettoPagatore, "importo": d.Importo,
		"voci": []map[string]any{{"idVocePendenza": "1", "importo": d.Importo, "descrizione": d.Causale, "codEntrata": idTipoPendenza}},
	})
}

// resolveCartItem turns one item of a NuovoPagamento into a stored
// pendenza, loading new pendenze as GovPay does. The caller holds s.mu.
func (s *Server) resolveCartItem(c *call, i int, it *wireCartItem) (*pendenza, *apiError) {
	field := fmt.Sprintf("pendenze[%d]", i)
	switch {
	case it.Voci != nil || it.Causale != nil || it.SoggettoPagatore != nil || it.Importo != nil:
		if it.IDA2A == nil || it.IDPendenza == nil {
			return nil, errSintassi("Il campo %s deve indicare idA2A e idPendenza", field)
		}
		key := pendKey{*it.IDA2A, *it.IDPendenza}
		if e := firstErr(checkID(field+".idA2A", key.idA2A), checkID(field+".idPendenza", key.idPendenza)); e != nil {
			return nil, e
		}
		p, e := validatePendenza(it.asPendenza(), "Imposta di bollo")
		if e != nil {
			return nil, e
		}
		if old := s.st.pendenze[key]; old == nil || old.stato != statoEseguita {
			if _, e := s.upsertPendenza(key, p); e != nil {
				return nil, e
			}
		}
		return s.st.pendenze[key], nil
	case it.Dati != nil:
		if it.IDDominio == nil || it.IDTipoPendenza == nil {
			return nil, errSintassi("Il campo %s deve indicare idDominio e idTipoPendenza", field)
		}
		if e := checkIDDominio(field+".idDominio", *it.IDDominio); e != nil {
			return nil, e
		}
		raw, err := s.cfg.spontaneo(*it.IDDominio, *it.IDTipoPendenza, it.Dati)
		if err != nil {
			return nil, errSemantica(http.StatusUnprocessableEntity, "VAL_003", "La validazione dei dati della pendenza spontanea si e' conclusa con un errore: %v", err)
		}
		var w wireCartItem
		if err := decodeStrict(raw, &w); err != nil {
			return nil, errSemantica(http.StatusUnprocessableEntity, "VAL_003", "La trasformazione dei dati della pendenza spontanea ha prodotto una pendenza non valida: %v", err)
		}
		p, e := validatePendenza(w.asPendenza(), "Imposta di bollo")
		if e != nil {
			return nil, e
		}
		key := pendKey{"A2A-SPONTANEI", fmt.Sprintf("SPONT-%d", s.nextSeq())}
		if w.IDA2A != nil && w.IDPendenza != nil {
			key = pendKey{*w.IDA2A, *w.IDPendenza}
		}
		p.spontanea = true
		if _, e := s.upsertPendenza(key, p); e != nil {
			return nil, e
		}
		return s.st.pendenze[key], nil
	case it.NumeroAvviso != nil:
		if it.IDDominio == nil {
			return nil, errSintassi("Il campo %s.idDominio non deve essere vuoto.", field)
		}
		if e := checkIDDominio(field+".idDominio", *it.IDDominio); e != nil {
			return nil, e
		}
		if !reNumeroAvviso.MatchString(*it.NumeroAvviso) {
			return nil, errSintassi("Il valore [%s] del campo %s.numeroAvviso non rispetta il pattern richiesto: ^[0-9]{18}$", *it.NumeroAvviso, field)
		}
		key, ok := s.st.byAvviso[avvisoKey{*it.IDDominio, *it.NumeroAvviso}]
		if !ok {
			return nil, errSemantica(http.StatusUnprocessableEntity, "VER_008", "La pendenza non esiste: avviso %s del dominio %s sconosciuto.", *it.NumeroAvviso, *it.IDDominio)
		}
		return s.st.pendenze[key], nil
	case it.IDA2A != nil && it.IDPendenza != nil:
		key := pendKey{*it.IDA2A, *it.IDPendenza}
		p := s.st.pendenze[key]
		if p == nil {
			return nil, errSemantica(http.StatusUnprocessableEntity, "VER_008", "La pendenza non esiste: (IdA2A:%s, Id:%s).", key.idA2A, key.idPendenza)
		}
		return p, nil
	}
	return nil, errSintassi("Il campo %s non corrisponde a nessuna delle forme ammesse (riferimento pendenza, riferimento avviso, pendenza, pagamento spontaneo)", field)
}

func (s *Server) handleStartPagamento(c *call) {
	var w wireNuovoPagamento
	if err := decodeStrict(c.body, &w); err != nil {
		c.fail(errSintassi("%v", err))
		return
	}
	if len(w.Pendenze) < 1 || len(w.Pendenze) > 5 {
		c.fail(errSintassi("Il campo pendenze deve avere da 1 a 5 elementi, ricevuti %d", len(w.Pendenze)))
		return
	}
	urlRitorno := str(w.URLRitorno)
	if urlRitorno != "" {
		u, err := url.Parse(urlRitorno)
		if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") {
			c.fail(errSintassi("Il campo urlRitorno non contiene una URL valida: %s", urlRitorno))
			return
		}
	}
	if w.Lingua != nil && !oneOf(*w.Lingua, lingue) {
		c.fail(errSintassi("Codifica inesistente per lingua. Valore fornito [%s] valori possibili %v", *w.Lingua, lingue))
		return
	}
	if w.AutenticazioneSoggetto != nil && !oneOf(*w.AutenticazioneSoggetto, autenticazioni) {
		c.fail(errSintassi("Codifica inesistente per autenticazioneSoggetto. Valore fornito [%s] valori possibili %v", *w.AutenticazioneSoggetto, autenticazioni))
		return
	}
	if w.SoggettoVersante != nil {
		if e := checkSoggetto("soggettoVersante", w.SoggettoVersante); e != nil {
			c.fail(e)
			return
		}
	}
	if _, e := checkDate("dataEsecuzionePagamento", w.DataEsecuzionePagamento); e != nil {
		c.fail(e)
		return
	}
	mode := s.mode
	var pends []*pendenza
	seen := map[pendKey]bool{}
	for i := range w.Pendenze {
		p, e := s.resolveCartItem(c, i, &w.Pendenze[i])
		if e != nil {
			c.fail(e)
			return
		}
		if seen[p.key] {
			c.fail(errSintassi("La pendenza (IdA2A:%s, Id:%s) compare piu' volte nel carrello", p.key.idA2A, p.key.idPendenza))
			return
		}
		seen[p.key] = true
		switch stato := s.statoOf(p); stato {
		case statoNonEseguita:
		case statoScaduta:
			c.fail(errSemantica(http.StatusUnprocessableEntity, "PAG_007", "Richiesto pagamento di una pendenza [Applicazione:%s IdPendenza:%s ] con data scadenza decorsa il %s.", p.key.idA2A, p.key.idPendenza, p.dataScadenza))
			return
		default:
			c.fail(errSemantica(http.StatusUnprocessableEntity, "PAG_006", "Il versamento (IdA2A:%s, Id:%s) e' in uno stato che non consente il pagamento (%s)", p.key.idA2A, p.key.idPendenza, stato))
			return
		}
		pends = append(pends, p)
	}
	if mode != ModeLegacy && urlRitorno == "" {
		c.fail(errSemantica(http.StatusUnprocessableEntity, "PAG_013", "Impossibile indirizzare il Portale di Pagamento: non e' stata fornita una URL di ritorno in fase di richiesta."))
		return
	}

	seq := s.nextSeq()
	now := s.now()
	pg := &pagamento{
		id: hexID('a', seq), idSessionePortale: c.r.URL.Query().Get("idSessionePortale"), mode: mode, stato: pagInCorso,
		urlRitorno: urlRitorno, versante: w.SoggettoVersante, autenticazione: str(w.AutenticazioneSoggetto),
		lingua: str(w.Lingua), contoAddebito: nonNull(w.ContoAddebito), dataEsecuzione: str(w.DataEsecuzionePagamento),
		credenziali: str(w.CredenzialiPagatore), creato: now,
	}
	if pg.autenticazione == "" {
		pg.autenticazione = "N/A"
	}
	ss := &sessione{checkout: mode != ModeLegacy, pagamento: pg.id, urlRitorno: urlRitorno}
	if mode == ModeLegacy {
		pg.idSession = hexID('b', seq)
		ss.id = pg.idSession
	} else {
		ss.id = hexID('e', seq)
	}
	pg.sessione = ss.id
	for _, p := range pends {
		pg.importo += p.importo
		pg.pendenze = append(pg.pendenze, p.key)
		if mode == ModeLegacy {
			p.pagamenti = append(p.pagamenti, pg.id)
		}
		ss.items = append(ss.items, s.sessItemOf(p))
	}
	pg.nome = pends[0].causale
	if n := len(pends) - 1; n > 0 {
		pg.nome = fmt.Sprintf("%s ed altre %d pendenze", pg.nome, n)
	}
	if mode == ModeLegacy {
		// The WISP model sends the RPTs when the payment starts: GovPay
		// notifies their activation to the creditor (API Ente v1).
		for _, p := range pends {
			r := s.newRpp(p, pg, false, now)
			pg.rpps = append(pg.rpps, r.key)
			c.jobs = append(c.jobs, s.attivazioneJobs(r)...)
		}
	}
	if mode == ModeLegacy {
		s.st.pagamenti[pg.id] = pg
		s.st.pagOrder = append(s.st.pagOrder, pg.id)
		s.st.bySession[pg.idSession] = pg.id
	} else {
		s.st.bridged[pg.id] = pg // no payment in GovPay (see state.bridged)
	}
	s.addSessione(ss)
	if mode == ModeLegacy {
		c.paid = pg.id
	}

	redirect := s.pageURL(ss)
	switch mode {
	case ModeBridge302:
		c.rep.status = http.StatusFound
		c.rep.header.Set("Location", redirect)
	case ModeBridge:
		c.writeJSON(http.StatusCreated, map[string]string{"id": "0", "location": "", "redirect": redirect, "idSession": "0"})
	default:
		c.writeJSON(http.StatusCreated, map[string]string{"id": pg.id, "location": "/pagamenti/" + pg.id, "redirect": redirect, "idSession": pg.idSession})
	}
}

func (s *Server) sessItemOf(p *pendenza) sessItem {
	k := p.key
	return sessItem{idDominio: p.idDominio, numeroAvviso: p.numeroAvviso, iuv: p.iuv, importo: p.importo,
		descrizione: p.causale, ente: ragione(s.st.domini[p.idDominio]), pend: &k}
}

// newRpp creates the transaction of one pendenza. The caller holds s.mu.
func (s *Server) newRpp(p *pendenza, pg *pagamento, checkout bool, now time.Time) *rpp {
	seq := s.nextSeq()
	r := &rpp{
		key:  rppKey{p.idDominio, p.iuv, digitsID(18, seq)},
		pend: p.key, checkout: checkout, stato: "RPT_ACCETTATA_NODO", esito: pagInCorso, importo: p.importo,
		creata: now, msgID: hexID('d', seq),
	}
	if checkout {
		r.key.ccp = hexID('c', seq)
		r.stato = "RT_ATTIVATA"
	}
	if pg != nil {
		r.pagamento = pg.id
		r.idSession = pg.idSession
		r.sessPortale = pg.idSessionePortale
		r.versante = pg.versante
		r.idCarrello = pg.id
	}
	s.st.addRpp(r)
	return r
}

func (s *Server) findPagamento(id string) *pagamento {
	if pg := s.st.pagamenti[id]; pg != nil {
		return pg
	}
	return nil
}

func (s *Server) handleGetPagamento(c *call) {
	pg := s.findPagamento(c.path("id"))
	if pg == nil {
		c.fail(errNotFound("Pagamento (%s) inesistente", c.path("id")))
		return
	}
	c.writeJSON(http.StatusOK, s.viewPagamento(pg, true))
}

func (s *Server) handleGetPagamentoByIDSession(c *call) {
	id, ok := s.st.bySession[c.path("idSession")]
	if !ok {
		c.fail(errNotFound("Pagamento con idSession (%s) inesistente", c.path("idSession")))
		return
	}
	c.writeJSON(http.StatusOK, s.viewPagamento(s.st.pagamenti[id], true))
}

func (s *Server) handleListPagamenti(c *call) {
	q := c.r.URL.Query()
	pagina, perPagina, e := pageParams(q)
	if e != nil {
		c.fail(e)
		return
	}
	if v := q.Get("stato"); v != "" && !oneOf(v, statiPagamento) {
		c.fail(errSintassi("Codifica inesistente per stato. Valore fornito [%s] valori possibili %v", v, statiPagamento))
		return
	}
	idSessione := q.Get("idSessione")
	if idSessione == "" {
		idSessione = q.Get("idSessionePsp")
	}
	var items []vPagamento
	for _, id := range s.st.pagOrder {
		pg := s.st.pagamenti[id]
		versante := ""
		if pg.versante != nil {
			versante = pg.versante.Identificativo
		}
		if !match(q.Get("idSessionePortale"), pg.idSessionePortale) || !match(idSessione, pg.idSession) ||
			!match(q.Get("id"), pg.id) || !match(q.Get("stato"), pg.stato) || !match(q.Get("idVersante"), versante) {
			continue
		}
		if deb := q.Get("idDebitore"); deb != "" {
			found := false
			for _, k := range pg.pendenze {
				if p := s.st.pendenze[k]; p != nil && p.soggetto.Identificativo == deb {
					found = true
				}
			}
			if !found {
				continue
			}
		}
		items = append(items, s.viewPagamento(pg, false))
	}
	c.writeJSON(http.StatusOK, page(items, pagina, perPagina, c))
}
