package govpaytest

import (
	"fmt"
	"net/http"
	"strings"
)

func (s *Server) handleListRicevute(c *call) {
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
	for _, f := range []string{"iuv", "idRicevuta"} {
		if v := q.Get(f); v != "" && !reAlnum35.MatchString(v) {
			c.fail(errSintassi("Il valore [%s] del campo %s non rispetta il pattern richiesto: ^([0-9A-Za-z]){1,35}$", v, f))
			return
		}
	}
	if v := q.Get("numeroAvviso"); v != "" && !reNumeroAvviso.MatchString(v) {
		c.fail(errSintassi("Il valore [%s] del campo numeroAvviso non rispetta il pattern richiesto: ^[0-9]{18}$", v))
		return
	}
	var items []vRicevutaIndex
	for _, k := range s.st.rppOrder {
		r := s.st.rpps[k]
		if !r.hasReceipt() {
			continue
		}
		nav := ""
		if p := s.st.pendenze[r.pend]; p != nil {
			nav = p.numeroAvviso
		}
		if !match(q.Get("idDominio"), k.idDominio) || !match(q.Get("iuv"), k.iuv) ||
			!match(q.Get("idRicevuta"), k.ccp) || !match(q.Get("numeroAvviso"), nav) {
			continue
		}
		items = append(items, vRicevutaIndex{
			Dominio: vDominio{k.idDominio, ragione(s.st.domini[k.idDominio])}, IUV: k.iuv, IDRicevuta: k.ccp,
			Data: fmtDateTimeTZ(r.conclusa), Esito: r.esito,
		})
	}
	c.writeJSON(http.StatusOK, page(items, pagina, perPagina, c))
}

// handleGetRicevuta serves the receipt as JSON or PDF, with GovPay's Accept
// rules (first Accept header; PDF wins; neither: 406).
func (s *Server) handleGetRicevuta(c *call) {
	k := rppKey{c.path("idDominio"), c.path("iuv"), c.path("idRicevuta")}
	if e := checkIDDominio("idDominio", k.idDominio); e != nil {
		c.fail(e)
		return
	}
	accept := firstAccept(c.r)
	pdf := strings.Contains(accept, "application/pdf")
	if !pdf && !strings.Contains(accept, "application/json") {
		c.fail(errNotAcceptable(accept, "{'application/pdf','application/json'}"))
		return
	}
	r := s.st.rpps[k]
	if r == nil || !r.hasReceipt() {
		c.fail(errNotFound("Ricevuta (%s/%s/%s) inesistente", k.idDominio, k.iuv, k.ccp))
		return
	}
	if pdf {
		c.rep.status = http.StatusOK
		c.rep.header.Set("Content-Type", "application/pdf")
		c.rep.header.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s_%s_%s.pdf"`, k.idDominio, k.iuv, k.ccp))
		c.rep.body = s.ricevutaPDF(r)
		return
	}
	c.writeJSON(http.StatusOK, s.viewRicevuta(r, apiRagioneria))
}

// ricevutaPDF renders the receipt of r.
func (s *Server) ricevutaPDF(r *rpp) []byte {
	lines := []string{
		"Ente creditore: " + ragione(s.st.domini[r.key.idDominio]) + " (" + r.key.idDominio + ")",
		"IUV: " + r.key.iuv,
		"Identificativo ricevuta: " + r.key.ccp,
		"Esito: " + r.esito,
		"Importo pagato: EUR " + r.pagato.String(),
		"Data: " + fmtDateTime(r.conclusa),
		"PSP: " + pspName,
	}
	if p := s.st.pendenze[r.pend]; p != nil {
		lines = append(lines, "Causale: "+p.causale, "Debitore: "+p.soggetto.Anagrafica+" ("+p.soggetto.Identificativo+")")
	}
	lines = append(lines, "Documento generato da govpaytest: nessun pagamento reale.")
	return simplePDF("Ricevuta di pagamento pagoPA", lines)
}
