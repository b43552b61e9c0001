package govpaytest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"strings"
)

// obj is a JSON object that keeps its keys in order, for the pagoPA
// messages (RPT, RT, paymentPA, receipt) GovPay converts from XML.
type obj []kv

type kv struct {
	k string
	v any
}

// MarshalJSON encodes the object with its keys in order.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ns returns nil (JSON null) for an empty string.
func ns(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

func (s *Server) enteBeneficiario(idDominio string) obj {
	d := s.st.domini[idDominio]
	return obj{
		{"identificativoUnivocoBeneficiario", obj{{"tipoIdentificativoUnivoco", "G"}, {"codiceIdentificativoUnivoco", idDominio}}},
		{"denominazioneBeneficiario", ragione(d)},
		{"codiceUnitOperBeneficiario", nil}, {"denomUnitOperBeneficiario", nil},
		{"indirizzoBeneficiario", nil}, {"civicoBeneficiario", nil}, {"capBeneficiario", nil},
		{"localitaBeneficiario", nil}, {"provinciaBeneficiario", nil}, {"nazioneBeneficiario", "IT"},
	}
}

// soggettoRPT renders a soggetto in RPT form; role is "Pagatore" or
// "Versante".
func soggettoRPT(sg *wireSoggetto, role string) any {
	if sg == nil {
		return nil
	}
	return obj{
		{"identificativoUnivoco" + role, obj{{"tipoIdentificativoUnivoco", sg.Tipo}, {"codiceIdentificativoUnivoco", sg.Identificativo}}},
		{"anagrafica" + role, sg.Anagrafica},
		{"indirizzo" + role, ns(sg.Indirizzo)}, {"civico" + role, ns(sg.Civico)}, {"cap" + role, ns(sg.Cap)},
		{"localita" + role, ns(sg.Localita)}, {"provincia" + role, ns(sg.Provincia)}, {"nazione" + role, ns(sg.Nazione)},
		{"e-mail" + role, ns(sg.Email)},
	}
}

func debtor(sg wireSoggetto) obj {
	return obj{
		{"uniqueIdentifier", obj{{"entityUniqueIdentifierType", sg.Tipo}, {"entityUniqueIdentifierValue", sg.Identificativo}}},
		{"fullName", sg.Anagrafica}, {"streetName", ns(sg.Indirizzo)}, {"civicNumber", ns(sg.Civico)},
		{"postalCode", ns(sg.Cap)}, {"city", ns(sg.Localita)}, {"stateProvinceRegion", ns(sg.Provincia)},
		{"country", ns(sg.Nazione)}, {"e-mail", ns(sg.Email)},
	}
}

// causaleVersamento is the pagoPA remittance information of a voce.
func causaleVersamento(iuv string, p *pendenza, vc *voce) string {
	d := vc.descrizioneCausaleRPT
	if d == "" {
		d = vc.descrizione
	}
	return truncate("/RFB/"+iuv+"/"+vc.importo.String()+"/TXT/"+d, 140)
}

// datiSpecificiRiscossione is the accounting of a voce in pagoPA's
// messages: that of the receipt (codiceTassonomico), with pagoPA's
// taxonomy code for a marca da bollo.
func (s *Server) datiSpecificiRiscossione(p *pendenza, vc *voce) string {
	if vc.isBollo() {
		return "9/0201133IM/"
	}
	return codiceTassonomico(vc)
}

func (s *Server) ibanOf(p *pendenza, vc *voce) string {
	switch {
	case vc.isBollo():
		return ""
	case vc.ibanAccredito != "":
		return vc.ibanAccredito
	}
	dom := p.idDominio
	if vc.idDominio != "" {
		dom = vc.idDominio
	}
	if d := s.st.domini[dom]; d != nil {
		return d.IBAN
	}
	return defaultIBAN
}

// rptJSON returns the request of r: an RPT (WISP) or a paymentPA
// (Checkout), as GovPay converts them to JSON.
func (s *Server) rptJSON(r *rpp) any {
	p := s.st.pendenze[r.pend]
	if p == nil {
		return nil
	}
	if r.checkout {
		return s.paymentPA(p, r)
	}
	var singoli []obj
	for i := range p.voci {
		vc := &p.voci[i]
		var bollo any
		if vc.isBollo() {
			bollo = obj{{"tipoBollo", "01"}, {"hashDocumento", vc.hashDocumento}, {"provinciaResidenza", vc.provinciaResidenza}}
		}
		singoli = append(singoli, obj{
			{"importoSingoloVersamento", vc.importo.String()}, {"commissioneCaricoPA", nil},
			{"ibanAccredito", ns(s.ibanOf(p, vc))}, {"bicAccredito", nil}, {"ibanAppoggio", ns(vc.ibanAppoggio)},
			{"bicAppoggio", nil}, {"credenzialiPagatore", nil},
			{"causaleVersamento", causaleVersamento(r.key.iuv, p, vc)},
			{"datiSpecificiRiscossione", s.datiSpecificiRiscossione(p, vc)}, {"datiMarcaBolloDigitale", bollo},
		})
	}
	return obj{
		{"versioneOggetto", "6.2.0"},
		{"dominio", obj{{"identificativoDominio", r.key.idDominio}, {"identificativoStazioneRichiedente", r.key.idDominio + "_01"}}},
		{"identificativoMessaggioRichiesta", r.msgID},
		{"dataOraMessaggioRichiesta", fmtDateTime(r.creata)},
		{"autenticazioneSoggetto", "N/A"},
		{"soggettoVersante", soggettoRPT(r.versante, "Versante")},
		{"soggettoPagatore", soggettoRPT(&p.soggetto, "Pagatore")},
		{"enteBeneficiario", s.enteBeneficiario(r.key.idDominio)},
		{"datiVersamento", obj{
			{"dataEsecuzionePagamento", fmtDate(r.creata)}, {"importoTotaleDaVersare", r.importo.String()},
			{"tipoVersamento", "BBT"}, {"identificativoUnivocoVersamento", r.key.iuv},
			{"codiceContestoPagamento", r.key.ccp}, {"ibanAddebito", nil}, {"bicAddebito", nil},
			{"firmaRicevuta", "0"}, {"datiSingoloVersamento", singoli},
		}},
	}
}

func (s *Server) transferList(p *pendenza, r *rpp) obj {
	var transfers []obj
	for i := range p.voci {
		vc := &p.voci[i]
		dom := p.idDominio
		if vc.idDominio != "" {
			dom = vc.idDominio
		}
		t := obj{{"idTransfer", i + 1}, {"transferAmount", vc.importo.String()}, {"fiscalCodePA", dom}}
		if vc.isBollo() {
			t = append(t, kv{"richiestaMarcaDaBollo", obj{{"tipoBollo", "01"}, {"hashDocumento", vc.hashDocumento}, {"provinciaResidenza", vc.provinciaResidenza}}})
		} else {
			t = append(t, kv{"IBAN", s.ibanOf(p, vc)})
		}
		t = append(t, kv{"remittanceInformation", causaleVersamento(r.key.iuv, p, vc)},
			kv{"transferCategory", s.datiSpecificiRiscossione(p, vc)}, kv{"metadata", nil})
		transfers = append(transfers, t)
	}
	return obj{{"transfer", transfers}}
}

func (s *Server) paymentPA(p *pendenza, r *rpp) obj {
	var due any
	if !p.dataScadenza.IsZero() {
		due = p.dataScadenza.String()
	}
	return obj{
		{"creditorReferenceId", r.key.iuv}, {"paymentAmount", r.importo.String()}, {"dueDate", due},
		{"retentionDate", nil}, {"lastPayment", true}, {"description", p.causale},
		{"companyName", ragione(s.st.domini[p.idDominio])}, {"officeName", nil}, {"debtor", debtor(p.soggetto)},
		{"transferList", s.transferList(p, r)}, {"metadata", nil},
	}
}

// rtJSON returns the receipt of r: an RT (WISP) or a receipt (Checkout).
func (s *Server) rtJSON(r *rpp) any {
	p := s.st.pendenze[r.pend]
	if p == nil || !r.hasReceipt() {
		return nil
	}
	if r.checkout {
		return obj{
			{"receiptId", r.key.ccp}, {"noticeNumber", p.numeroAvviso}, {"fiscalCode", r.key.idDominio},
			{"outcome", "OK"}, {"creditorReferenceId", r.key.iuv}, {"paymentAmount", r.pagato.String()},
			{"description", p.causale}, {"companyName", ragione(s.st.domini[p.idDominio])}, {"officeName", nil},
			{"debtor", debtor(p.soggetto)}, {"transferList", s.transferList(p, r)},
			{"idPSP", pspID}, {"pspFiscalCode", pspFiscalCode}, {"pspPartitaIVA", nil}, {"PSPCompanyName", pspName},
			{"idChannel", pspChannel}, {"channelDescription", pspChannelDesc}, {"payer", nil},
			{"paymentMethod", "creditCard"}, {"fee", "1.00"}, {"paymentDateTime", fmtDateTime(r.conclusa)},
			{"applicationDate", fmtDate(r.conclusa)}, {"transferDate", fmtDate(r.conclusa)}, {"standIn", nil},
			{"metadata", nil},
		}
	}
	ok := r.esito == pagEseguito
	codice, esitoSingolo, iur := "1", "RIFIUTATO", "n/a"
	if ok {
		codice, esitoSingolo, iur = "0", "ACCETTATO", r.iur
	}
	var singoli []obj
	for i := range p.voci {
		vc := &p.voci[i]
		imp := "0.00"
		if ok {
			imp = vc.importo.String()
		}
		singoli = append(singoli, obj{
			{"singoloImportoPagato", imp}, {"esitoSingoloPagamento", esitoSingolo},
			{"dataEsitoSingoloPagamento", fmtDate(r.conclusa)}, {"identificativoUnivocoRiscossione", iur},
			{"causaleVersamento", causaleVersamento(r.key.iuv, p, vc)},
			{"datiSpecificiRiscossione", s.datiSpecificiRiscossione(p, vc)},
			{"commissioniApplicatePSP", nil}, {"commissioniApplicatePA", nil}, {"allegatoRicevuta", nil},
		})
	}
	return obj{
		{"versioneOggetto", "6.2.0"},
		{"dominio", obj{{"identificativoDominio", r.key.idDominio}, {"identificativoStazioneRichiedente", r.key.idDominio + "_01"}}},
		{"identificativoMessaggioRicevuta", r.msgID + "r"},
		{"dataOraMessaggioRicevuta", fmtDateTime(r.conclusa)},
		{"riferimentoMessaggioRichiesta", r.msgID},
		{"riferimentoDataRichiesta", fmtDate(r.creata)},
		{"istitutoAttestante", obj{
			{"identificativoUnivocoAttestante", obj{{"tipoIdentificativoUnivoco", "B"}, {"codiceIdentificativoUnivoco", pspID}}},
			{"denominazioneAttestante", pspName}, {"codiceUnitOperAttestante", nil}, {"denomUnitOperAttestante", nil},
			{"indirizzoAttestante", nil}, {"civicoAttestante", nil}, {"capAttestante", nil}, {"localitaAttestante", nil},
			{"provinciaAttestante", nil}, {"nazioneAttestante", nil},
		}},
		{"enteBeneficiario", s.enteBeneficiario(r.key.idDominio)},
		{"soggettoVersante", soggettoRPT(r.versante, "Versante")},
		{"soggettoPagatore", soggettoRPT(&p.soggetto, "Pagatore")},
		{"datiPagamento", obj{
			{"codiceEsitoPagamento", codice}, {"importoTotalePagato", r.pagato.String()},
			{"identificativoUnivocoVersamento", r.key.iuv}, {"CodiceContestoPagamento", r.key.ccp},
			{"datiSingoloPagamento", singoli},
		}},
	}
}

// xmlB64 returns a small XML rendering of the request (or receipt) of r,
// base64 encoded, standing in for the original pagoPA XML GovPay keeps.
func (s *Server) xmlB64(r *rpp, receipt bool) string {
	root := "RPT"
	if receipt {
		root = "RT"
	}
	if r.checkout {
		root = "paGetPaymentRes"
		if receipt {
			root = "paSendRTReq"
		}
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><` + root + `>`)
	for _, f := range []struct{ k, v string }{
		{"identificativoDominio", r.key.idDominio}, {"identificativoUnivocoVersamento", r.key.iuv},
		{"codiceContestoPagamento", r.key.ccp}, {"importo", r.importo.String()},
	} {
		b.WriteString("<" + f.k + ">")
		_ = xml.EscapeText(&b, []byte(f.v))
		b.WriteString("</" + f.k + ">")
	}
	if receipt {
		b.WriteString("<esito>" + r.esito + "</esito><importoPagato>" + r.pagato.String() + "</importoPagato>")
	}
	b.WriteString("</" + root + ">")
	return base64.StdEncoding.EncodeToString([]byte(b.String()))
}

// notificaV1 is the body of an API Ente v1 notification: the activation
// (rt and riscossioni null) or the outcome of r.
func (s *Server) notificaV1(r *rpp, attivazione bool) obj {
	p := s.st.pendenze[r.pend]
	body := obj{{"idA2A", r.pend.idA2A}, {"idPendenza", r.pend.idPendenza}, {"rpt", s.rptJSON(r)}}
	if attivazione {
		return append(body, kv{"rt", nil}, kv{"riscossioni", nil})
	}
	body = append(body, kv{"rt", s.rtJSON(r)})
	if r.esito != pagEseguito || p == nil {
		return append(body, kv{"riscossioni", nil})
	}
	var ris []vRiscossione
	for i := range p.voci {
		rs := s.riscossione(p, r, i)
		if r.checkout {
			fee := feeCheckout
			rs.Commissioni = &fee
		}
		ris = append(ris, rs)
	}
	return append(body, kv{"riscossioni", ris})
}
