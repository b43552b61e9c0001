package govpaytest

import (
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/govpaygo/govpay"
)

// apiFlavor selects the dialect of a view: API Pendenze v2 and API
// Pagamento v2 differ in small ways (tipoBollo, pagamenti, tipo).
type apiFlavor int

const (
	apiPendenze apiFlavor = iota
	apiPagamento
	apiEnte
	apiRagioneria
)

type vDominio struct {
	IDDominio      string `json:"idDominio"`
	RagioneSociale string `json:"ragioneSociale,omitempty"`
}

type vVoce struct {
	IDVocePendenza        string          `json:"idVocePendenza"`
	Importo               *govpay.Importo `json:"importo,omitempty"`
	Descrizione           string          `json:"descrizione"`
	DatiAllegati          json.RawMessage `json:"datiAllegati,omitempty"`
	DescrizioneCausaleRPT string          `json:"descrizioneCausaleRPT,omitempty"`
	Contabilita           json.RawMessage `json:"contabilita,omitempty"`
	Metadata              json.RawMessage `json:"metadata,omitempty"`
	Indice                int             `json:"indice,omitempty"`
	Stato                 string          `json:"stato,omitempty"`
	Dominio               *vDominio       `json:"dominio,omitempty"`
	CodEntrata            string          `json:"codEntrata,omitempty"`
	IbanAccredito         string          `json:"ibanAccredito,omitempty"`
	IbanAppoggio          string          `json:"ibanAppoggio,omitempty"`
	TipoContabilita       string          `json:"tipoContabilita,omitempty"`
	CodiceContabilita     string          `json:"codiceContabilita,omitempty"`
	// CodiceTassonomicoPagoPA replaces tipoContabilita and
	// codiceContabilita in the voci of a receipt (API Ente v2, API
	// Ragioneria v3).
	CodiceTassonomicoPagoPA string                  `json:"codiceTassonomicoPagoPA,omitempty"`
	TipoBollo               string                  `json:"tipoBollo,omitempty"`
	HashDocumento           string                  `json:"hashDocumento,omitempty"`
	ProvinciaResidenza      string                  `json:"provinciaResidenza,omitempty"`
	Riscossione             *vRiscossioneVocePagata `json:"riscossione,omitempty"`
}

type vPendenza struct {
	IDA2A             string          `json:"idA2A"`
	IDPendenza        string          `json:"idPendenza"`
	IDTipoPendenza    string          `json:"idTipoPendenza,omitempty"`
	Dominio           vDominio        `json:"dominio"`
	Stato             string          `json:"stato,omitempty"`
	DescrizioneStato  string          `json:"descrizioneStato,omitempty"`
	IuvAvviso         string          `json:"iuvAvviso,omitempty"`
	IuvPagamento      string          `json:"iuvPagamento,omitempty"`
	DataPagamento     string          `json:"dataPagamento,omitempty"`
	Causale           string          `json:"causale,omitempty"`
	SoggettoPagatore  wireSoggetto    `json:"soggettoPagatore"`
	Importo           *govpay.Importo `json:"importo,omitempty"`
	NumeroAvviso      string          `json:"numeroAvviso,omitempty"`
	DataCaricamento   string          `json:"dataCaricamento,omitempty"`
	DataValidita      string          `json:"dataValidita,omitempty"`
	DataScadenza      string          `json:"dataScadenza,omitempty"`
	AnnoRiferimento   *int            `json:"annoRiferimento,omitempty"`
	CartellaPagamento string          `json:"cartellaPagamento,omitempty"`
	DatiAllegati      json.RawMessage `json:"datiAllegati,omitempty"`
	Tassonomia        string          `json:"tassonomia,omitempty"`
	TassonomiaAvviso  string          `json:"tassonomiaAvviso,omitempty"`
	Direzione         string          `json:"direzione,omitempty"`
	Divisione         string          `json:"divisione,omitempty"`
	Documento         json.RawMessage `json:"documento,omitempty"`
	Tipo              string          `json:"tipo,omitempty"`
	UUID              string          `json:"UUID,omitempty"`
	Proprieta         json.RawMessage `json:"proprieta,omitempty"`
	Voci              []vVoce         `json:"voci,omitempty"`
	Rpp               any             `json:"rpp,omitempty"`
	Pagamenti         any             `json:"pagamenti,omitempty"`
	Allegati          json.RawMessage `json:"allegati,omitempty"`
}

// viewPendenza renders a pendenza: detail (voci, rpp and pagamenti as
// arrays) or index (rpp and pagamenti as URLs, no voci).
func (s *Server) viewPendenza(p *pendenza, api apiFlavor, detail bool) vPendenza {
	d := s.st.domini[p.idDominio]
	v := vPendenza{
		IDA2A: p.key.idA2A, IDPendenza: p.key.idPendenza, IDTipoPendenza: p.idTipoPendenza,
		Dominio: vDominio{p.idDominio, ragione(d)}, Stato: s.statoOf(p), DescrizioneStato: p.descrizioneStato,
		IuvAvviso: p.iuv, IuvPagamento: p.iuvPagamento, Causale: p.causale, SoggettoPagatore: p.soggetto,
		Importo: ptr(p.importo), NumeroAvviso: p.numeroAvviso, DataCaricamento: fmtDate(p.caricata),
		DataValidita: p.dataValidita.String(), DataScadenza: p.dataScadenza.String(), AnnoRiferimento: p.annoRiferimento,
		CartellaPagamento: p.cartellaPagamento, DatiAllegati: p.datiAllegati, Tassonomia: p.tassonomia,
		TassonomiaAvviso: p.tassonomiaAvviso, Direzione: p.direzione, Divisione: p.divisione, Documento: p.documento,
		Tipo: "dovuto", UUID: p.uuid, Proprieta: p.proprieta,
	}
	if api == apiPagamento {
		v.Documento = nil // API Pagamento v2 has no documento
	}
	if p.spontanea {
		v.Tipo = "spontaneo"
	}
	if !p.pagata.IsZero() {
		v.DataPagamento = fmtDate(p.pagata)
	}
	q := url.Values{"idA2A": {p.key.idA2A}, "idPendenza": {p.key.idPendenza}}.Encode()
	if !detail {
		v.Rpp = "/rpp?" + q
		v.Pagamenti = "/pagamenti?" + q
		return v
	}
	v.Allegati = p.allegati
	for i := range p.voci {
		v.Voci = append(v.Voci, s.viewVoce(p, i, api))
	}
	rpps := make([]vRpp, 0, len(p.rpps))
	for _, k := range p.rpps {
		rpps = append(rpps, s.viewRpp(s.st.rpps[k], false, api))
	}
	v.Rpp = rpps
	if api == apiPagamento {
		pags := make([]vPagamento, 0, len(p.pagamenti))
		for _, id := range p.pagamenti {
			if pg := s.st.pagamenti[id]; pg != nil {
				pags = append(pags, s.viewPagamento(pg, false))
			}
		}
		v.Pagamenti = pags
	}
	return v
}

func ragione(d *dominio) string {
	if d == nil {
		return ""
	}
	return d.RagioneSociale
}

func (s *Server) viewVoce(p *pendenza, i int, api apiFlavor) vVoce {
	vc := &p.voci[i]
	imp := vc.importo
	v := vVoce{
		IDVocePendenza: vc.idVocePendenza, Importo: &imp, Descrizione: vc.descrizione, DatiAllegati: vc.datiAllegati,
		DescrizioneCausaleRPT: vc.descrizioneCausaleRPT, Contabilita: vc.contabilita, Metadata: vc.metadata,
		Indice: i + 1, Stato: "Non eseguito", CodEntrata: vc.codEntrata, IbanAccredito: vc.ibanAccredito,
		IbanAppoggio: vc.ibanAppoggio, TipoContabilita: vc.tipoContabilita, CodiceContabilita: vc.codiceContabilita,
		HashDocumento: vc.hashDocumento, ProvinciaResidenza: vc.provinciaResidenza,
	}
	if p.stato == statoEseguita {
		v.Stato = "Eseguito"
	}
	if vc.isBollo() {
		v.TipoBollo = "01"
		if api == apiPagamento {
			v.TipoBollo = "Imposta di bollo"
		}
	}
	dom := p.idDominio
	if vc.idDominio != "" {
		dom = vc.idDominio
	}
	v.Dominio = &vDominio{dom, ragione(s.st.domini[dom])}
	return v
}

// ---- avviso ----

type vAvviso struct {
	Stato            string          `json:"stato"`
	Importo          *govpay.Importo `json:"importo,omitempty"`
	IDDominio        string          `json:"idDominio,omitempty"`
	NumeroAvviso     string          `json:"numeroAvviso,omitempty"`
	DataValidita     string          `json:"dataValidita,omitempty"`
	DataScadenza     string          `json:"dataScadenza,omitempty"`
	DataPagamento    string          `json:"dataPagamento,omitempty"`
	Descrizione      string          `json:"descrizione,omitempty"`
	TassonomiaAvviso string          `json:"tassonomiaAvviso,omitempty"`
	QRCode           string          `json:"qrcode,omitempty"`
	Barcode          string          `json:"barcode,omitempty"`
}

func (s *Server) viewAvviso(p *pendenza) vAvviso {
	stato := s.statoOf(p)
	switch stato {
	case statoEseguita:
		stato = "DUPLICATA"
	case statoNonEseguita, statoAnnullata, statoScaduta:
	default:
		stato = statoNonEseguita
	}
	imp := p.importo
	v := vAvviso{
		Stato: stato, Importo: &imp, IDDominio: p.idDominio, NumeroAvviso: p.numeroAvviso,
		DataValidita: p.dataValidita.String(), DataScadenza: p.dataScadenza.String(), Descrizione: p.causale,
		TassonomiaAvviso: p.tassonomiaAvviso,
		QRCode:           fmt.Sprintf("PAGOPA|002|%s|%s|%d", p.numeroAvviso, p.idDominio, p.importo.Centesimi()),
		Barcode:          fmt.Sprintf("415%013d8020%s3902%010d", 8_000_000_000_000+seqOfDomain(p.idDominio), p.numeroAvviso, p.importo.Centesimi()),
	}
	if !p.pagata.IsZero() {
		v.DataPagamento = fmtDate(p.pagata)
	}
	return v
}

// seqOfDomain derives a stable pseudo GLN suffix from a domain id.
func seqOfDomain(id string) int64 {
	var n int64
	for _, c := range id {
		n = (n*10 + int64(c-'0')) % 1_000_000_000_000
	}
	return n
}

// ---- rpp ----

type vRpp struct {
	Stato          string          `json:"stato"`
	DettaglioStato string          `json:"dettaglioStato,omitempty"`
	Rpt            json.RawMessage `json:"rpt"`
	Rt             json.RawMessage `json:"rt,omitempty"`
	Pendenza       *vPendenza      `json:"pendenza,omitempty"`
}

// viewRpp renders a transaction; withPendenza adds the index of its
// pendenza in the dialect of api.
func (s *Server) viewRpp(r *rpp, withPendenza bool, api apiFlavor) vRpp {
	v := vRpp{Stato: r.stato, Rpt: mustJSON(s.rptJSON(r))}
	if r.hasReceipt() {
		v.Rt = mustJSON(s.rtJSON(r))
	}
	if withPendenza {
		if p := s.st.pendenze[r.pend]; p != nil {
			idx := s.viewPendenza(p, api, false)
			v.Pendenza = &idx
		}
	}
	return v
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`null`)
	}
	return b
}

// ---- pagamento ----

type vPagamento struct {
	ID                      string          `json:"id"`
	Nome                    string          `json:"nome"`
	Stato                   string          `json:"stato"`
	Importo                 govpay.Importo  `json:"importo"`
	IDSessionePortale       string          `json:"idSessionePortale,omitempty"`
	IDSessionePsp           string          `json:"idSessionePsp,omitempty"`
	PspRedirectURL          string          `json:"pspRedirectUrl,omitempty"`
	DataRichiestaPagamento  string          `json:"dataRichiestaPagamento"`
	URLRitorno              string          `json:"urlRitorno,omitempty"`
	ContoAddebito           json.RawMessage `json:"contoAddebito,omitempty"`
	DataEsecuzionePagamento string          `json:"dataEsecuzionePagamento,omitempty"`
	CredenzialiPagatore     string          `json:"credenzialiPagatore,omitempty"`
	SoggettoVersante        *wireSoggetto   `json:"soggettoVersante,omitempty"`
	AutenticazioneSoggetto  string          `json:"autenticazioneSoggetto,omitempty"`
	Lingua                  string          `json:"lingua,omitempty"`
	Rpp                     any             `json:"rpp,omitempty"`
	Pendenze                any             `json:"pendenze,omitempty"`
}

// viewPagamento renders a payment: detail (rpp and pendenze as arrays) or
// index (as URLs; the list answers the timestamp with milliseconds and
// offset, the detail without offset).
func (s *Server) viewPagamento(pg *pagamento, detail bool) vPagamento {
	v := vPagamento{
		ID: pg.id, Nome: pg.nome, Stato: pg.stato, Importo: pg.importo, IDSessionePortale: pg.idSessionePortale,
		IDSessionePsp: pg.idSession, PspRedirectURL: s.pageURLByID(pg.sessione),
		DataRichiestaPagamento: fmtDateTimeMs(pg.creato), URLRitorno: pg.urlRitorno, ContoAddebito: pg.contoAddebito,
		DataEsecuzionePagamento: pg.dataEsecuzione, CredenzialiPagatore: pg.credenziali, SoggettoVersante: pg.versante,
		AutenticazioneSoggetto: pg.autenticazione, Lingua: pg.lingua,
	}
	if !detail {
		v.DataRichiestaPagamento = fmtDateTimeTZ(pg.creato)
		v.Rpp = "/rpp?idPagamento=" + url.QueryEscape(pg.id)
		v.Pendenze = "/pendenze?idPagamento=" + url.QueryEscape(pg.id)
		return v
	}
	rpps := make([]vRpp, 0, len(pg.rpps))
	for _, k := range pg.rpps {
		rpps = append(rpps, s.viewRpp(s.st.rpps[k], true, apiPagamento))
	}
	v.Rpp = rpps
	pends := make([]vPendenza, 0, len(pg.pendenze))
	for _, k := range pg.pendenze {
		if p := s.st.pendenze[k]; p != nil {
			pends = append(pends, s.viewPendenza(p, apiPagamento, false))
		}
	}
	v.Pendenze = pends
	return v
}

// ---- ricevuta ----

type vRiscossione struct {
	IDDominio      string          `json:"idDominio,omitempty"`
	IUV            string          `json:"iuv"`
	IUR            string          `json:"iur"`
	Indice         int             `json:"indice"`
	Pendenza       string          `json:"pendenza,omitempty"`
	IDVocePendenza string          `json:"idVocePendenza,omitempty"`
	Rpp            string          `json:"rpp,omitempty"`
	Stato          string          `json:"stato"`
	Tipo           string          `json:"tipo"`
	Importo        govpay.Importo  `json:"importo"`
	Data           string          `json:"data"`
	Commissioni    *govpay.Importo `json:"commissioni"`
	Allegato       json.RawMessage `json:"allegato"`
}

// vRiscossioneVocePagata is the collection of a voce in a receipt (API
// Ente v2, API Ragioneria v3): unlike API Ente v1's riscossione it has
// neither stato nor commissioni, nor links.
type vRiscossioneVocePagata struct {
	IDDominio string          `json:"idDominio,omitempty"`
	IUV       string          `json:"iuv"`
	IUR       string          `json:"iur"`
	Indice    int             `json:"indice"`
	Tipo      string          `json:"tipo"`
	Importo   govpay.Importo  `json:"importo"`
	Data      string          `json:"data"`
	Allegato  json.RawMessage `json:"allegato"`
}

type vIstituto struct {
	IDPSP         string `json:"idPSP"`
	Denominazione string `json:"denominazione"`
	IDCanale      string `json:"idCanale"`
	Descrizione   string `json:"descrizione"`
}

type vMessaggio struct {
	Tipo string          `json:"tipo"`
	XML  string          `json:"xml"`
	JSON json.RawMessage `json:"json"`
}

type vRicevuta struct {
	Dominio            vDominio       `json:"dominio"`
	IUV                string         `json:"iuv"`
	IDRicevuta         string         `json:"idRicevuta"`
	Importo            govpay.Importo `json:"importo"`
	Esito              string         `json:"esito"`
	IDPagamento        string         `json:"idPagamento,omitempty"`
	IDSessionePsp      string         `json:"idSessionePsp,omitempty"`
	IstitutoAttestante vIstituto      `json:"istitutoAttestante"`
	Versante           *wireSoggetto  `json:"versante,omitempty"`
	Pendenza           *vPendenza     `json:"pendenza,omitempty"`
	Data               string         `json:"data"`
	DataPagamento      string         `json:"dataPagamento"`
	Rpt                vMessaggio     `json:"rpt"`
	Rt                 *vMessaggio    `json:"rt,omitempty"`
	Modello            string         `json:"modello"`
}

// Fake PSP data put in receipts.
const (
	pspID          = "GOVPAYTEST"
	pspName        = "PSP di prova govpaytest"
	pspChannel     = "GOVPAYTEST_01"
	pspChannelDesc = "Pagamento simulato da govpaytest"
	pspFiscalCode  = "00000000000"
)

func (r *rpp) modello() string {
	if r.checkout {
		return "Pagamento ad iniziativa PSP"
	}
	return "Pagamento ad iniziativa Ente"
}

// viewRicevuta renders a receipt as API Ente v2 (api == apiEnte) or API
// Ragioneria v3 do; the pendenza of the Ragioneria receipt carries neither
// importo nor numeroAvviso (GovPay's integration tests).
func (s *Server) viewRicevuta(r *rpp, api apiFlavor) vRicevuta {
	p := s.st.pendenze[r.pend]
	v := vRicevuta{
		Dominio: vDominio{r.key.idDominio, ragione(s.st.domini[r.key.idDominio])}, IUV: r.key.iuv, IDRicevuta: r.key.ccp,
		Importo: r.pagato, Esito: r.esito, IDSessionePsp: r.idSession,
		IstitutoAttestante: vIstituto{pspID, pspName, pspChannel, pspChannelDesc},
		Versante:           r.versante, Data: fmtDateTime(r.conclusa), DataPagamento: fmtDateTime(r.conclusa),
		Modello: r.modello(),
	}
	if pg := s.st.pagamenti[r.pagamento]; pg != nil {
		v.IDPagamento = pg.id
	}
	if v.Versante == nil && p != nil {
		vs := p.soggetto
		v.Versante = &vs
	}
	if p != nil {
		pv := s.viewPendenzaPagata(p, r)
		if api != apiEnte {
			pv.Importo, pv.NumeroAvviso = nil, ""
		}
		v.Pendenza = &pv
	}
	rptTipo, rtTipo := "ctRichiestaPagamentoTelematico", "ctRicevutaTelematica"
	if r.checkout {
		rptTipo, rtTipo = "ctPaymentPA", "ctReceipt"
	}
	v.Rpt = vMessaggio{rptTipo, s.xmlB64(r, false), mustJSON(s.rptJSON(r))}
	if r.hasReceipt() {
		v.Rt = &vMessaggio{rtTipo, s.xmlB64(r, true), mustJSON(s.rtJSON(r))}
	}
	return v
}

// viewPendenzaPagata renders the pendenza of a receipt with the riscossione
// of each voce (PendenzaPagata of API Ente v2 / Ragioneria v3).
func (s *Server) viewPendenzaPagata(p *pendenza, r *rpp) vPendenza {
	v := vPendenza{
		IDA2A: p.key.idA2A, IDPendenza: p.key.idPendenza, IDTipoPendenza: p.idTipoPendenza,
		Dominio: vDominio{p.idDominio, ragione(s.st.domini[p.idDominio])}, Causale: p.causale,
		SoggettoPagatore: p.soggetto, Importo: ptr(p.importo), NumeroAvviso: p.numeroAvviso,
		DataValidita: p.dataValidita.String(), DataScadenza: p.dataScadenza.String(), AnnoRiferimento: p.annoRiferimento,
		CartellaPagamento: p.cartellaPagamento, DatiAllegati: p.datiAllegati, Tassonomia: p.tassonomia,
		Direzione: p.direzione, Divisione: p.divisione, Documento: p.documento, UUID: p.uuid, Proprieta: p.proprieta,
		Allegati: p.allegati,
	}
	for i := range p.voci {
		vc := s.viewVoce(p, i, apiEnte)
		vc.Importo, vc.Indice, vc.Stato = nil, 0, ""
		vc.CodiceTassonomicoPagoPA = codiceTassonomico(&p.voci[i])
		vc.TipoContabilita, vc.CodiceContabilita = "", ""
		if r.esito == pagEseguito {
			rs := s.riscossione(p, r, i)
			vc.Riscossione = &vRiscossioneVocePagata{
				IDDominio: rs.IDDominio, IUV: rs.IUV, IUR: rs.IUR, Indice: rs.Indice, Tipo: rs.Tipo,
				Importo: rs.Importo, Data: fmtDate(r.conclusa), Allegato: rs.Allegato,
			}
		}
		v.Voci = append(v.Voci, vc)
	}
	return v
}

// codiciContabilita are the pagoPA digits of API Pendenze's tipoContabilita.
var codiciContabilita = map[string]string{"CAPITOLO": "0", "SPECIALE": "1", "SIOPE": "2", "ALTRO": "9"}

// codiceTassonomico is the accounting of a voce as a receipt writes it,
// "{0|1|2|9}/{codice}": the voce's tipoContabilita and codiceContabilita;
// "9/MBT" for a marca da bollo; "9/{codEntrata}" for an entrata configured
// in GovPay (the fake knows no accounting of its entrate).
func codiceTassonomico(vc *voce) string {
	switch {
	case vc.isBollo():
		return "9/MBT"
	case vc.codEntrata != "":
		return "9/" + vc.codEntrata
	}
	digit, ok := codiciContabilita[vc.tipoContabilita]
	if !ok {
		digit = "9"
	}
	return digit + "/" + vc.codiceContabilita
}

// riscossione returns the riscossione of voce i of p paid by r.
func (s *Server) riscossione(p *pendenza, r *rpp, i int) vRiscossione {
	vc := &p.voci[i]
	tipo := "ENTRATA"
	if vc.isBollo() {
		tipo = "MBT"
	}
	dom := p.idDominio
	if vc.idDominio != "" {
		dom = vc.idDominio
	}
	var allegato json.RawMessage = json.RawMessage(`null`)
	if vc.isBollo() {
		allegato = mustJSON(map[string]string{"tipo": "Marca da bollo", "testo": "bWFyY2EgZGEgYm9sbG8gc2ltdWxhdGE="})
	}
	return vRiscossione{
		IDDominio: dom, IUV: r.key.iuv, IUR: r.iur, Indice: i + 1,
		Pendenza: "/pendenze/" + p.key.idA2A + "/" + p.key.idPendenza, IDVocePendenza: vc.idVocePendenza,
		Rpp: "/rpp/" + r.key.idDominio + "/" + r.key.iuv + "/" + r.key.ccp, Stato: "RISCOSSA", Tipo: tipo,
		Importo: vc.importo, Data: fmtDate(r.conclusa), Allegato: allegato,
	}
}

type vRicevutaIndex struct {
	Dominio    vDominio `json:"dominio"`
	IUV        string   `json:"iuv"`
	IDRicevuta string   `json:"idRicevuta"`
	Data       string   `json:"data"`
	Esito      string   `json:"esito"`
}

// lista is GovPay's paginated list envelope (key risultati).
type lista struct {
	NumRisultati       int    `json:"numRisultati"`
	NumPagine          int    `json:"numPagine"`
	RisultatiPerPagina int    `json:"risultatiPerPagina"`
	Pagina             int    `json:"pagina"`
	ProssimiRisultati  string `json:"prossimiRisultati,omitempty"`
	MaxRisultati       int    `json:"maxRisultati,omitempty"`
	Risultati          any    `json:"risultati"`
}

// feeCheckout is the fee the fake PSP charges on Checkout payments.
const feeCheckout govpay.Importo = 100

func ptr[T any](v T) *T { return &v }
