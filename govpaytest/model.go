package govpaytest

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/govpaygo/govpay"
)

// Stati of a pendenza (StatoPendenza).
const (
	statoNonEseguita = "NON_ESEGUITA"
	statoEseguita    = "ESEGUITA"
	statoAnnullata   = "ANNULLATA"
	statoScaduta     = "SCADUTA"
)

// Stati of a payment (StatoPagamento).
const (
	pagInCorso     = "IN_CORSO"
	pagEseguito    = "ESEGUITO"
	pagNonEseguito = "NON_ESEGUITO"
)

type pendKey struct{ idA2A, idPendenza string }

type avvisoKey struct{ idDominio, numeroAvviso string }

type rppKey struct{ idDominio, iuv, ccp string }

// dominio is a creditor domain with its numbering state.
type dominio struct {
	Dominio
	registered bool
	nextIUV    uint64
}

func (d *dominio) knowsEntrata(cod string) bool {
	return d.Entrate == nil || slices.Contains(d.Entrate, cod)
}

func (d *dominio) knowsTipo(t string) bool {
	return d.TipiPendenza == nil || slices.Contains(d.TipiPendenza, t)
}

// voce is a stored voce of a pendenza.
type voce struct {
	idVocePendenza        string
	importo               govpay.Importo
	descrizione           string
	descrizioneCausaleRPT string
	idDominio             string
	codEntrata            string
	ibanAccredito         string
	ibanAppoggio          string
	tipoContabilita       string
	codiceContabilita     string
	tipoBollo             string // stored as "01"
	hashDocumento         string
	provinciaResidenza    string
	datiAllegati          json.RawMessage
	contabilita           json.RawMessage
	metadata              json.RawMessage
}

func (v *voce) isBollo() bool { return v.tipoBollo != "" }

// pendenza is a stored pendenza (versamento).
type pendenza struct {
	key                    pendKey
	idTipoPendenza         string
	idDominio              string
	idUnitaOperativa       string
	causale                string
	soggetto               wireSoggetto
	importo                govpay.Importo
	numeroAvviso           string
	iuv                    string
	tassonomia             string
	tassonomiaAvviso       string
	direzione              string
	divisione              string
	cartellaPagamento      string
	dataValidita           govpay.Date
	dataScadenza           govpay.Date
	dataNotificaAvviso     govpay.Date
	dataPromemoriaScadenza govpay.Date
	annoRiferimento        *int
	datiAllegati           json.RawMessage
	documento              json.RawMessage
	proprieta              json.RawMessage
	allegati               json.RawMessage
	voci                   []voce
	spontanea              bool

	stato            string
	descrizioneStato string
	ack              *bool
	note             []json.RawMessage
	uuid             string
	caricata         time.Time
	aggiornata       time.Time
	pagata           time.Time
	iuvPagamento     string
	rpps             []rppKey
	pagamenti        []string
}

// rpp is a payment transaction of one pendenza (RPT and RT, or paymentPA
// and receipt), identified as GovPay does by idDominio, iuv and ccp (the
// ccp is the idRicevuta of the receipt).
type rpp struct {
	key         rppKey
	pend        pendKey
	pagamento   string // internal payment id ("" for direct Checkout)
	checkout    bool   // modello 3 (Checkout) instead of WISP RPT/RT
	stato       string // RPT_ACCETTATA_NODO, RT_ACCETTATA_PA, ...
	esito       string // EsitoRpp: IN_CORSO, ESEGUITO, NON_ESEGUITO
	importo     govpay.Importo
	pagato      govpay.Importo
	creata      time.Time
	conclusa    time.Time
	receipt     bool // an RT / receipt exists
	iur         string
	idSession   string
	idCarrello  string
	sessPortale string
	versante    *wireSoggetto
	msgID       string
}

// pagamento is a payment started through API Pagamento.
type pagamento struct {
	id                string
	idSession         string
	idSessionePortale string
	mode              Mode
	stato             string
	importo           govpay.Importo
	nome              string
	urlRitorno        string
	versante          *wireSoggetto
	autenticazione    string
	lingua            string
	contoAddebito     json.RawMessage
	dataEsecuzione    string
	credenziali       string
	creato            time.Time
	pendenze          []pendKey
	rpps              []rppKey
	esito             string
	sessione          string
}

// sessione is a page of the fake WISP / Checkout: what the browser is sent
// to, and what the buttons settle.
type sessione struct {
	id         string
	checkout   bool   // Checkout page (bridge or direct) instead of WISP
	pagamento  string // payment id (legacy and bridge)
	items      []sessItem
	urlRitorno string     // legacy and bridge
	returnURLs returnURLs // direct Checkout
	email      string
	idCarrello string
	done       bool
	esito      string
	returnTo   string
}

type sessItem struct {
	idDominio    string
	numeroAvviso string
	iuv          string
	importo      govpay.Importo
	descrizione  string
	ente         string
	pend         *pendKey // nil: unknown notice (direct Checkout)
}

type returnURLs struct {
	ok, cancel, errURL, waiting string
}

// state is everything the fake holds. It is guarded by Server.mu.
type state struct {
	domini    map[string]*dominio
	strict    bool
	pendenze  map[pendKey]*pendenza
	pendOrder []pendKey
	byAvviso  map[avvisoKey]pendKey
	pagamenti map[string]*pagamento
	pagOrder  []string
	// bridged are the checkout bridge's attempts. GovPay 3.9 stores no
	// payment for them: with a V2 station, PagamentiPortaleDAO answers
	// (PagamentiPortaleDAO.java:397-463, link-it/govpay @1840dca) before it
	// inserts the PagamentoPortale (:513), so GET /pagamenti and
	// GET /pagamenti/{id} never show them. The fake keeps them only to
	// settle the Checkout page.
	bridged   map[string]*pagamento
	bySession map[string]string
	sessioni  map[string]*sessione
	sessOrder []string
	rpps      map[rppKey]*rpp
	rppOrder  []rppKey
}

func newState() *state {
	return &state{
		domini:    make(map[string]*dominio),
		pendenze:  make(map[pendKey]*pendenza),
		byAvviso:  make(map[avvisoKey]pendKey),
		pagamenti: make(map[string]*pagamento),
		bridged:   make(map[string]*pagamento),
		bySession: make(map[string]string),
		sessioni:  make(map[string]*sessione),
		rpps:      make(map[rppKey]*rpp),
	}
}

func (st *state) addDominio(d Dominio, registered bool) *dominio {
	if d.RagioneSociale == "" {
		d.RagioneSociale = "Ente Creditore " + d.IDDominio
	}
	if !reTwoDigits.MatchString(d.CodiceSegregazione) {
		d.CodiceSegregazione = "01"
	}
	if d.IBAN == "" {
		d.IBAN = defaultIBAN
	}
	dd := &dominio{Dominio: d, registered: registered, nextIUV: 1}
	st.domini[d.IDDominio] = dd
	if registered {
		st.strict = true
	}
	return dd
}

// dominio returns the domain, creating it when no domain is registered.
func (st *state) dominio(id string) (*dominio, bool) {
	if d, ok := st.domini[id]; ok {
		return d, true
	}
	if st.strict {
		return nil, false
	}
	return st.addDominio(Dominio{IDDominio: id}, false), true
}

// assignNumeroAvviso returns a new aux-3 numero avviso of the domain that no
// pendenza uses.
func (st *state) assignNumeroAvviso(d *dominio) (nav, iuv string) {
	for {
		nav, iuv = numeroAvvisoAux3(d.CodiceSegregazione, d.nextIUV)
		d.nextIUV++
		if _, used := st.byAvviso[avvisoKey{d.IDDominio, nav}]; !used {
			return nav, iuv
		}
	}
}

func (st *state) addRpp(r *rpp) {
	st.rpps[r.key] = r
	st.rppOrder = append(st.rppOrder, r.key)
	if p := st.pendenze[r.pend]; p != nil {
		p.rpps = append(p.rpps, r.key)
	}
}

// ---- snapshots ----

// Pendenza is a snapshot of a pendenza held by the fake.
type Pendenza struct {
	IDA2A          string
	IDPendenza     string
	IDDominio      string
	IDTipoPendenza string
	// NumeroAvviso and IUV, assigned by the fake when the pendenza was
	// loaded without one.
	NumeroAvviso string
	IUV          string
	// Stato is GovPay's StatoPendenza (NON_ESEGUITA, ESEGUITA, ANNULLATA…).
	Stato            string
	DescrizioneStato string
	Causale          string
	// Debitore is the identificativo of the soggettoPagatore.
	Debitore     string
	Importo      govpay.Importo
	DataScadenza govpay.Date
	Caricata     time.Time
	// Pagata is when the pendenza was paid (zero if not).
	Pagata time.Time
	// JSON is the pendenza as GET /pendenze/{idA2A}/{idPendenza} of API
	// Pendenze answers it.
	JSON json.RawMessage
}

// Riferimento names a pendenza of a payment.
type Riferimento struct {
	IDA2A        string
	IDPendenza   string
	IDDominio    string
	IUV          string
	NumeroAvviso string
}

// Pagamento is a snapshot of a payment started through API Pagamento.
type Pagamento struct {
	// ID is GovPay's payment id (also in bridge mode, where the client is
	// told "0").
	ID                string
	IDSession         string
	IDSessionePortale string
	Mode              Mode
	// Stato is GovPay's StatoPagamento (IN_CORSO, ESEGUITO, NON_ESEGUITO).
	Stato      string
	Importo    govpay.Importo
	URLRitorno string
	// Esito is the esito sent back to urlRitorno ("" until the payer chose).
	Esito    string
	Pendenze []Riferimento
	Creato   time.Time
	// JSON is the payment as GET /pagamenti/{id} answers it.
	JSON json.RawMessage
}

// Ricevuta is a snapshot of a receipt (RT of a WISP payment, receipt of a
// Checkout payment).
type Ricevuta struct {
	IDDominio    string
	IUV          string
	IDRicevuta   string
	NumeroAvviso string
	IDA2A        string
	IDPendenza   string
	// Importo is the amount paid (0 for a failed payment).
	Importo govpay.Importo
	// Esito is ESEGUITO or NON_ESEGUITO.
	Esito string
	// IDPagamento is the GovPay payment id ("" for a Checkout cart, the
	// bridge's or a direct one: GovPay records no payment for them).
	IDPagamento string
	Data        time.Time
	// JSON is the receipt as GET /ricevute/{idDominio}/{iuv}/{idRicevuta}
	// of API Ragioneria answers it.
	JSON json.RawMessage
}

// Sessione is a snapshot of a page of the fake WISP / Checkout.
type Sessione struct {
	// ID identifies the page; URL is where the browser is sent.
	ID  string
	URL string
	// Checkout tells a Checkout page (bridge or direct cart) from a WISP one.
	Checkout bool
	// IDPagamento is the GovPay payment of the page ("" for a Checkout
	// page, the bridge's or a direct cart's: GovPay records no payment).
	IDPagamento string
	Items       []SessioneItem
	// Esito is the outcome chosen ("" while the page is open).
	Esito string
	// ReturnURL is where the browser was sent back.
	ReturnURL string
}

// SessioneItem is a notice shown on a page.
type SessioneItem struct {
	IDDominio    string
	NumeroAvviso string
	Importo      govpay.Importo
	Descrizione  string
}

func (s *Server) snapshotPendenza(p *pendenza) Pendenza {
	b, _ := json.Marshal(s.viewPendenza(p, apiPendenze, true))
	return Pendenza{
		IDA2A: p.key.idA2A, IDPendenza: p.key.idPendenza, IDDominio: p.idDominio, IDTipoPendenza: p.idTipoPendenza,
		NumeroAvviso: p.numeroAvviso, IUV: p.iuv, Stato: s.statoOf(p), DescrizioneStato: p.descrizioneStato,
		Causale: p.causale, Debitore: p.soggetto.Identificativo, Importo: p.importo, DataScadenza: p.dataScadenza,
		Caricata: p.caricata, Pagata: p.pagata, JSON: b,
	}
}

// Pendenze returns a snapshot of every pendenza, in load order.
func (s *Server) Pendenze() []Pendenza {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Pendenza, 0, len(s.st.pendOrder))
	for _, k := range s.st.pendOrder {
		out = append(out, s.snapshotPendenza(s.st.pendenze[k]))
	}
	return out
}

// Pendenza returns a snapshot of one pendenza.
func (s *Server) Pendenza(idA2A, idPendenza string) (Pendenza, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.st.pendenze[pendKey{idA2A, idPendenza}]
	if !ok {
		return Pendenza{}, false
	}
	return s.snapshotPendenza(p), true
}

func (s *Server) snapshotPagamento(pg *pagamento) Pagamento {
	b, _ := json.Marshal(s.viewPagamento(pg, true))
	out := Pagamento{ID: pg.id, IDSession: pg.idSession, IDSessionePortale: pg.idSessionePortale, Mode: pg.mode,
		Stato: pg.stato, Importo: pg.importo, URLRitorno: pg.urlRitorno, Esito: pg.esito, Creato: pg.creato, JSON: b}
	for _, k := range pg.pendenze {
		if p := s.st.pendenze[k]; p != nil {
			out.Pendenze = append(out.Pendenze, Riferimento{k.idA2A, k.idPendenza, p.idDominio, p.iuv, p.numeroAvviso})
		}
	}
	return out
}

// Pagamenti returns a snapshot of every payment, oldest first.
func (s *Server) Pagamenti() []Pagamento {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Pagamento, 0, len(s.st.pagOrder))
	for _, id := range s.st.pagOrder {
		out = append(out, s.snapshotPagamento(s.st.pagamenti[id]))
	}
	return out
}

// Pagamento returns a snapshot of one payment by its GovPay id.
func (s *Server) Pagamento(id string) (Pagamento, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pg, ok := s.st.pagamenti[id]
	if !ok {
		return Pagamento{}, false
	}
	return s.snapshotPagamento(pg), true
}

func (s *Server) snapshotRicevuta(r *rpp) Ricevuta {
	b, _ := json.Marshal(s.viewRicevuta(r, apiRagioneria))
	p := s.st.pendenze[r.pend]
	out := Ricevuta{IDDominio: r.key.idDominio, IUV: r.key.iuv, IDRicevuta: r.key.ccp, IDA2A: r.pend.idA2A,
		IDPendenza: r.pend.idPendenza, Importo: r.pagato, Esito: r.esito, IDPagamento: r.pagamento, Data: r.conclusa, JSON: b}
	if p != nil {
		out.NumeroAvviso = p.numeroAvviso
	}
	return out
}

// Ricevute returns a snapshot of every receipt, oldest first.
func (s *Server) Ricevute() []Ricevuta {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Ricevuta
	for _, k := range s.st.rppOrder {
		if r := s.st.rpps[k]; r.hasReceipt() {
			out = append(out, s.snapshotRicevuta(r))
		}
	}
	return out
}

// Sessioni returns a snapshot of every page of the fake WISP / Checkout.
func (s *Server) Sessioni() []Sessione {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Sessione, 0, len(s.st.sessOrder))
	for _, id := range s.st.sessOrder {
		ss := s.st.sessioni[id]
		x := Sessione{ID: ss.id, URL: s.pageURL(ss), Checkout: ss.checkout, Esito: ss.esito, ReturnURL: ss.returnTo}
		if _, ok := s.st.pagamenti[ss.pagamento]; ok {
			x.IDPagamento = ss.pagamento
		}
		for _, it := range ss.items {
			x.Items = append(x.Items, SessioneItem{it.idDominio, it.numeroAvviso, it.importo, it.descrizione})
		}
		out = append(out, x)
	}
	return out
}

func (r *rpp) hasReceipt() bool { return r.receipt }

// statoOf returns the stato of p, SCADUTA when its dataScadenza is past.
func (s *Server) statoOf(p *pendenza) string {
	if p.stato == statoNonEseguita && !p.dataScadenza.IsZero() && p.dataScadenza.Before(govpay.DateOf(inRome(s.now()))) {
		return statoScaduta
	}
	return p.stato
}
