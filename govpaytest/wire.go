package govpaytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
)

// The wire structs below describe what GovPay accepts. They are decoded with
// DisallowUnknownFields: GovPay refuses request bodies with unknown fields
// (400 SINTASSI). Pointers tell a missing (or null) field from an empty one.

type wireSoggetto struct {
	Tipo           string `json:"tipo"`
	Identificativo string `json:"identificativo"`
	Anagrafica     string `json:"anagrafica,omitempty"`
	Indirizzo      string `json:"indirizzo,omitempty"`
	Civico         string `json:"civico,omitempty"`
	Cap            string `json:"cap,omitempty"`
	Localita       string `json:"localita,omitempty"`
	Provincia      string `json:"provincia,omitempty"`
	Nazione        string `json:"nazione,omitempty"`
	Email          string `json:"email,omitempty"`
	Cellulare      string `json:"cellulare,omitempty"`
}

type wireVoce struct {
	IDVocePendenza        *string         `json:"idVocePendenza"`
	Importo               *govpay.Importo `json:"importo"`
	Descrizione           *string         `json:"descrizione"`
	DatiAllegati          json.RawMessage `json:"datiAllegati"`
	DescrizioneCausaleRPT *string         `json:"descrizioneCausaleRPT"`
	Contabilita           json.RawMessage `json:"contabilita"`
	Metadata              json.RawMessage `json:"metadata"`
	IDDominio             *string         `json:"idDominio"`
	CodEntrata            *string         `json:"codEntrata"`
	IbanAccredito         *string         `json:"ibanAccredito"`
	IbanAppoggio          *string         `json:"ibanAppoggio"`
	TipoContabilita       *string         `json:"tipoContabilita"`
	CodiceContabilita     *string         `json:"codiceContabilita"`
	TipoBollo             *string         `json:"tipoBollo"`
	HashDocumento         *string         `json:"hashDocumento"`
	ProvinciaResidenza    *string         `json:"provinciaResidenza"`
}

// wirePendenza is NuovaPendenza of API Pendenze v2 (the PUT body).
type wirePendenza struct {
	IDTipoPendenza         *string         `json:"idTipoPendenza"`
	IDDominio              *string         `json:"idDominio"`
	IDUnitaOperativa       *string         `json:"idUnitaOperativa"`
	Causale                *string         `json:"causale"`
	SoggettoPagatore       *wireSoggetto   `json:"soggettoPagatore"`
	Importo                *govpay.Importo `json:"importo"`
	NumeroAvviso           *string         `json:"numeroAvviso"`
	Tassonomia             *string         `json:"tassonomia"`
	TassonomiaAvviso       *string         `json:"tassonomiaAvviso"`
	Direzione              *string         `json:"direzione"`
	Divisione              *string         `json:"divisione"`
	DataValidita           *string         `json:"dataValidita"`
	DataScadenza           *string         `json:"dataScadenza"`
	AnnoRiferimento        *int            `json:"annoRiferimento"`
	CartellaPagamento      *string         `json:"cartellaPagamento"`
	DatiAllegati           json.RawMessage `json:"datiAllegati"`
	Documento              json.RawMessage `json:"documento"`
	DataNotificaAvviso     *string         `json:"dataNotificaAvviso"`
	DataPromemoriaScadenza *string         `json:"dataPromemoriaScadenza"`
	Proprieta              json.RawMessage `json:"proprieta"`
	Voci                   []wireVoce      `json:"voci"`
	Allegati               json.RawMessage `json:"allegati"`
}

// wireCartItem is one item of NuovoPagamento.pendenze of API Pagamento v2:
// the union of RiferimentoPendenza, RiferimentoAvviso, NuovaPendenza and
// PagamentoSpontaneo.
type wireCartItem struct {
	IDA2A             *string         `json:"idA2A"`
	IDPendenza        *string         `json:"idPendenza"`
	IDDebitore        *string         `json:"idDebitore"`
	Dati              json.RawMessage `json:"dati"`
	IDTipoPendenza    *string         `json:"idTipoPendenza"`
	IDDominio         *string         `json:"idDominio"`
	IDUnitaOperativa  *string         `json:"idUnitaOperativa"`
	Causale           *string         `json:"causale"`
	SoggettoPagatore  *wireSoggetto   `json:"soggettoPagatore"`
	Importo           *govpay.Importo `json:"importo"`
	NumeroAvviso      *string         `json:"numeroAvviso"`
	Tassonomia        *string         `json:"tassonomia"`
	TassonomiaAvviso  *string         `json:"tassonomiaAvviso"`
	Direzione         *string         `json:"direzione"`
	Divisione         *string         `json:"divisione"`
	DataValidita      *string         `json:"dataValidita"`
	DataScadenza      *string         `json:"dataScadenza"`
	AnnoRiferimento   *int            `json:"annoRiferimento"`
	CartellaPagamento *string         `json:"cartellaPagamento"`
	DatiAllegati      json.RawMessage `json:"datiAllegati"`
	Proprieta         json.RawMessage `json:"proprieta"`
	Voci              []wireVoce      `json:"voci"`
	Allegati          json.RawMessage `json:"allegati"`
}

// asPendenza returns the NuovaPendenza part of a cart item.
func (it *wireCartItem) asPendenza() *wirePendenza {
	return &wirePendenza{
		IDTipoPendenza: it.IDTipoPendenza, IDDominio: it.IDDominio, IDUnitaOperativa: it.IDUnitaOperativa,
		Causale: it.Causale, SoggettoPagatore: it.SoggettoPagatore, Importo: it.Importo, NumeroAvviso: it.NumeroAvviso,
		Tassonomia: it.Tassonomia, TassonomiaAvviso: it.TassonomiaAvviso, Direzione: it.Direzione, Divisione: it.Divisione,
		DataValidita: it.DataValidita, DataScadenza: it.DataScadenza, AnnoRiferimento: it.AnnoRiferimento,
		CartellaPagamento: it.CartellaPagamento, DatiAllegati: it.DatiAllegati, Proprieta: it.Proprieta,
		Voci: it.Voci, Allegati: it.Allegati,
	}
}

// wireNuovoPagamento is NuovoPagamento of API Pagamento v2.
type wireNuovoPagamento struct {
	Pendenze                []wireCartItem  `json:"pendenze"`
	URLRitorno              *string         `json:"urlRitorno"`
	ContoAddebito           json.RawMessage `json:"contoAddebito"`
	DataEsecuzionePagamento *string         `json:"dataEsecuzionePagamento"`
	CredenzialiPagatore     *string         `json:"credenzialiPagatore"`
	SoggettoVersante        *wireSoggetto   `json:"soggettoVersante"`
	AutenticazioneSoggetto  *string         `json:"autenticazioneSoggetto"`
	Lingua                  *string         `json:"lingua"`
}

// wirePatchOp is one operation of GovPay's PATCH dialect.
type wirePatchOp struct {
	Op    *string         `json:"op"`
	Path  *string         `json:"path"`
	Value json.RawMessage `json:"value"`
}

// wireCart is CartRequest (v1) / CartRequestV2 of pagoPA Checkout.
type wireCart struct {
	EmailNotice    *string `json:"emailNotice"`
	PaymentNotices []struct {
		NoticeNumber *string     `json:"noticeNumber"`
		FiscalCode   *string     `json:"fiscalCode"`
		Amount       json.Number `json:"amount"`
		CompanyName  *string     `json:"companyName"`
		Description  *string     `json:"description"`
	} `json:"paymentNotices"`
	ReturnURLs *struct {
		ReturnOkURL      *string `json:"returnOkUrl"`
		ReturnCancelURL  *string `json:"returnCancelUrl"`
		ReturnErrorURL   *string `json:"returnErrorUrl"`
		ReturnWaitingURL *string `json:"returnWaitingUrl"`
	} `json:"returnUrls"`
	IDCart *string          `json:"idCart"`
	AllCCP *json.RawMessage `json:"allCCP"`
}

// decodeStrict decodes body into v refusing unknown fields and trailing
// data, as GovPay does.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("corpo della richiesta assente")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("dati in eccesso dopo l'oggetto JSON")
	}
	return nil
}

func describeJSONError(err error) error {
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		return fmt.Errorf("il campo %s non e' del tipo atteso (%s)", te.Field, te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("campo sconosciuto %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, govpay.ErrImporto):
		return fmt.Errorf("importo non valido: %v", err)
	}
	return fmt.Errorf("JSON non valido: %v", err)
}

// ---- syntactic validation (400 SINTASSI) ----

var (
	reID           = regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,35}$`)
	reIDTipo       = regexp.MustCompile(`^[a-zA-Z0-9\-_\.]{1,35}$`)
	reIDDominio    = regexp.MustCompile(`^[0-9]{11}$`)
	reNumeroAvviso = regexp.MustCompile(`^[0-9]{18}$`)
	reIBAN         = regexp.MustCompile(`^[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$`)
	reTwoUpper     = regexp.MustCompile(`^[A-Z]{2}$`)
	reAlnum35      = regexp.MustCompile(`^[0-9A-Za-z]{1,35}$`)
	reTwoDigits    = regexp.MustCompile(`^[0-9]{2}$`)
	// GovPay's PATTERN_EMAIL (CostantiValidazione.java:55).
	reEmail = regexp.MustCompile(`^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*$`)
	// GovPay's PATTERN_COD_CONTABILITA (CostantiValidazione.java:45); \s
	// as Java's [ \t\n\x0B\f\r].
	reCodContabilita = regexp.MustCompile(`^[^ \t\n\x0B\f\r]{3,138}$`)
	reCellulare      = regexp.MustCompile(`^\+[0-9]{2}\s[0-9]{3}\-[0-9]{7}$`)
)

var tassonomieAvviso = []string{
	"Cartelle esattoriali", "Diritti e concessioni", "Imposte e tasse", "IMU, TASI e altre tasse comunali",
	"Ingressi a mostre e musei", "Multe e sanzioni amministrative", "Previdenza e infortuni",
	"Servizi erogati dal comune", "Servizi erogati da altri enti", "Servizi scolastici",
	"Tassa automobilistica", "Ticket e prestazioni sanitarie", "Trasporti, mobilità e parcheggi",
}

var tipiContabilita = []string{"CAPITOLO", "SPECIALE", "SIOPE", "ALTRO"}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func lenBetween(s string, lo, hi int) bool {
	n := utf8.RuneCountInString(s)
	return n >= lo && n <= hi
}

// checkID validates a path identifier (idA2A, idPendenza).
func checkID(field, v string) *apiError {
	if !reID.MatchString(v) {
		return errSintassi("Il valore [%s] del campo %s non rispetta il pattern richiesto: ^[a-zA-Z0-9\\-_]{1,35}$", v, field)
	}
	return nil
}

func checkIDDominio(field, v string) *apiError {
	if !reIDDominio.MatchString(v) {
		return errSintassi("Il valore [%s] del campo %s non rispetta il pattern richiesto: ^[0-9]{11}$", v, field)
	}
	return nil
}

func checkDate(field string, v *string) (govpay.Date, *apiError) {
	if v == nil || *v == "" {
		return govpay.Date{}, nil
	}
	d, err := govpay.ParseDate(*v)
	if err != nil {
		return govpay.Date{}, errSintassi("Il campo %s non contiene una data valida: %s", field, *v)
	}
	return d, nil
}

func checkSoggetto(field string, s *wireSoggetto) *apiError {
	if s == nil {
		return errSintassi("Il campo %s non deve essere vuoto.", field)
	}
	switch {
	case s.Tipo != "F" && s.Tipo != "G":
		return errSintassi("Il campo %s.tipo deve valere F o G, ricevuto [%s]", field, s.Tipo)
	case !lenBetween(s.Identificativo, 1, 16):
		return errSintassi("Il campo %s.identificativo deve avere lunghezza tra 1 e 16", field)
	case s.Anagrafica != "" && !lenBetween(s.Anagrafica, 1, 70):
		return errSintassi("Il campo %s.anagrafica supera i 70 caratteri", field)
	case s.Indirizzo != "" && !lenBetween(s.Indirizzo, 1, 70):
		return errSintassi("Il campo %s.indirizzo supera i 70 caratteri", field)
	case s.Civico != "" && !lenBetween(s.Civico, 1, 16):
		return errSintassi("Il campo %s.civico supera i 16 caratteri", field)
	case s.Cap != "" && !lenBetween(s.Cap, 1, 16):
		return errSintassi("Il campo %s.cap supera i 16 caratteri", field)
	case s.Localita != "" && !lenBetween(s.Localita, 1, 35):
		return errSintassi("Il campo %s.localita supera i 35 caratteri", field)
	case s.Provincia != "" && !lenBetween(s.Provincia, 1, 35):
		return errSintassi("Il campo %s.provincia supera i 35 caratteri", field)
	case s.Nazione != "" && !reTwoUpper.MatchString(s.Nazione):
		return errSintassi("Il campo %s.nazione non rispetta il pattern [A-Z]{2,2}", field)
	case s.Email != "" && !reEmail.MatchString(s.Email):
		return errSintassi("Il campo %s.email non e' un indirizzo valido", field)
	case s.Cellulare != "" && !reCellulare.MatchString(s.Cellulare):
		return errSintassi("Il campo %s.cellulare non rispetta il pattern \\+[0-9]{2,2}\\s[0-9]{3,3}\\-[0-9]{7,7}", field)
	}
	return nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// anonimo is what GovPay records as the identificativo and anagrafica of
// a payer that has none (Costanti.IDENTIFICATIVO_DEBITORE_ANONIMO).
const anonimo = "ANONIMO"

// checkPagatore checks the payer of a pendenza, which GovPay makes
// optional (NuovaPendenza.java:593-594): tipo is optional and an unknown
// tipo is dropped (TipoSoggetto.fromValue returns null, TipoSoggetto.java:
// 58-66), identificativo is at most 16 characters. It returns the payer as
// GovPay records it: a blank identificativo or anagrafica becomes ANONIMO
// (PendenzeConverter.java:533-540).
func checkPagatore(field string, s *wireSoggetto) (wireSoggetto, *apiError) {
	var out wireSoggetto
	if s != nil {
		out = *s
		if out.Tipo != "F" && out.Tipo != "G" {
			out.Tipo = ""
		}
		check := out
		if check.Tipo == "" {
			check.Tipo = "F" // only for checkSoggetto, which wants one
		}
		if strings.TrimSpace(check.Identificativo) == "" {
			check.Identificativo = anonimo
		}
		if e := checkSoggetto(field, &check); e != nil {
			return out, e
		}
	}
	if strings.TrimSpace(out.Identificativo) == "" {
		out.Identificativo = anonimo
	}
	if strings.TrimSpace(out.Anagrafica) == "" {
		out.Anagrafica = anonimo
	}
	return out, nil
}

// checkDocumento checks a documento as GovPay does (NuovoDocumento.java:
// 172-184, VincoloPagamento.java:146-171, PendenzeConverter.java:428-449):
// identificativo ^[a-zA-Z0-9\-_]{1,35}$, descrizione 1-255, rata ≥ 1; a
// soglia is checked only without rata, but its tipo must be known anyway.
func checkDocumento(raw json.RawMessage) *apiError {
	if raw == nil {
		return nil
	}
	var d struct {
		Identificativo *string  `json:"identificativo"`
		Descrizione    *string  `json:"descrizione"`
		Rata           *float64 `json:"rata"`
		Soglia         *struct {
			Tipo   *string  `json:"tipo"`
			Giorni *float64 `json:"giorni"`
		} `json:"soglia"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return errSintassi("Il campo documento non e' valido: %v", err)
	}
	switch {
	case d.Identificativo == nil || !reID.MatchString(*d.Identificativo):
		return errSintassi("Il valore [%s] del campo identificativo non rispetta il pattern richiesto: ^[a-zA-Z0-9\\-_]{1,35}$", str(d.Identificativo))
	case d.Descrizione == nil || !lenBetween(*d.Descrizione, 1, 255):
		return errSintassi("Il campo descrizione deve avere lunghezza tra 1 e 255")
	case d.Rata != nil && *d.Rata < 1:
		return errSintassi("Il campo rata deve essere superiore a 1.")
	}
	s := d.Soglia
	if s == nil {
		return nil
	}
	tipo := str(s.Tipo)
	if !oneOf(tipo, []string{"ENTRO", "OLTRE", "SCONTATO", "RIDOTTO"}) {
		return errSintassi("Codifica inesistente per tipo. Valore fornito [%s]", tipo)
	}
	if d.Rata != nil {
		return nil
	}
	if tipo == "ENTRO" || tipo == "OLTRE" {
		if s.Giorni == nil || *s.Giorni <= 1 {
			return errSintassi("Il campo giorni deve essere superiore o uguale a 1.")
		}
	} else if s.Giorni != nil {
		return errSintassi("Il campo giorni deve essere vuoto quando il campo tipo assume valore 'RIDOTTO' o 'SCONTATO'.")
	}
	return nil
}

// checkProprieta checks linguaSecondaria and the informative texts
// (ProprietaPendenza.java:279-290).
func checkProprieta(raw json.RawMessage) *apiError {
	if raw == nil {
		return nil
	}
	var pr struct {
		LinguaSecondaria *string `json:"linguaSecondaria"`
		Informativa      *string `json:"informativaImportoAvviso"`
		InformativaL2    *string `json:"linguaSecondariaInformativaImportoAvviso"`
	}
	if err := json.Unmarshal(raw, &pr); err != nil {
		return errSintassi("Il campo proprieta non e' valido: %v", err)
	}
	switch {
	case pr.LinguaSecondaria != nil && !oneOf(*pr.LinguaSecondaria, []string{"false", "de", "en", "fr", "sl"}):
		return errSintassi("Codifica inesistente per linguaSecondaria. Valore fornito [%s]", *pr.LinguaSecondaria)
	case pr.Informativa != nil && !lenBetween(*pr.Informativa, 0, 255):
		return errSintassi("Il campo informativaImportoAvviso supera i 255 caratteri")
	case pr.InformativaL2 != nil && !lenBetween(*pr.InformativaL2, 0, 255):
		return errSintassi("Il campo linguaSecondariaInformativaImportoAvviso supera i 255 caratteri")
	}
	return nil
}

// checkAllegati checks the attachments (NuovoAllegatoPendenza.java:169-177).
func checkAllegati(raw json.RawMessage) *apiError {
	if raw == nil {
		return nil
	}
	var list []*struct {
		Nome        *string         `json:"nome"`
		Tipo        *string         `json:"tipo"`
		Descrizione *string         `json:"descrizione"`
		Contenuto   json.RawMessage `json:"contenuto"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return errSintassi("Il campo allegati non e' valido: %v", err)
	}
	for i, a := range list {
		switch {
		case a == nil:
			return errSintassi("L'elemento in posizione %d del campo allegati e' vuoto.", i)
		case a.Nome == nil || !lenBetween(*a.Nome, 1, 255):
			return errSintassi("Il campo nome deve avere lunghezza tra 1 e 255")
		case a.Tipo != nil && !lenBetween(*a.Tipo, 1, 255), a.Descrizione != nil && !lenBetween(*a.Descrizione, 1, 255):
			return errSintassi("I campi tipo e descrizione devono avere lunghezza tra 1 e 255")
		case nonNull(a.Contenuto) == nil:
			return errSintassi("Il campo contenuto non deve essere vuoto.")
		}
	}
	return nil
}

// metadataOK reports whether a voce's metadata, when present, has 1 to 15
// entries whose key and value have 1 to 140 characters.
func metadataOK(raw json.RawMessage) bool {
	if nonNull(raw) == nil {
		return true
	}
	var m struct {
		MapEntries []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"mapEntries"`
	}
	if json.Unmarshal(raw, &m) != nil || len(m.MapEntries) < 1 || len(m.MapEntries) > 15 {
		return false
	}
	for _, e := range m.MapEntries {
		if !lenBetween(e.Key, 1, 140) || !lenBetween(e.Value, 1, 140) {
			return false
		}
	}
	return true
}

// validatePendenza checks a NuovaPendenza syntactically and converts it.
// bolloValue is the tipoBollo the API accepts ("01" for API Pendenze,
// "Imposta di bollo" for API Pagamento).
func validatePendenza(w *wirePendenza, bolloValue string) (*pendenza, *apiError) {
	required := []struct {
		name string
		ok   bool
	}{
		{"idDominio", w.IDDominio != nil && *w.IDDominio != ""},
		{"causale", w.Causale != nil && *w.Causale != ""},
		{"importo", w.Importo != nil},
		{"voci", w.Voci != nil},
	}
	for _, r := range required {
		if !r.ok {
			return nil, errSintassi("Il campo %s non deve essere vuoto.", r.name)
		}
	}
	// GovPay accepts a pendenza without idTipoPendenza (its own integration
	// test pendenza-put_monovoce_riferimento_contabilita loads one and
	// expects 201) and files it under the tipo for free-form pendenze.
	if w.IDTipoPendenza == nil || *w.IDTipoPendenza == "" {
		libero := TipoPendenzaLibero
		w.IDTipoPendenza = &libero
	}
	if !reIDTipo.MatchString(*w.IDTipoPendenza) {
		return nil, errSintassi("Il valore [%s] del campo idTipoPendenza non rispetta il pattern richiesto: ^[a-zA-Z0-9\\-_\\.]{1,35}$", *w.IDTipoPendenza)
	}
	if e := checkIDDominio("idDominio", *w.IDDominio); e != nil {
		return nil, e
	}
	if w.IDUnitaOperativa != nil && !reID.MatchString(*w.IDUnitaOperativa) {
		return nil, errSintassi("Il valore [%s] del campo idUnitaOperativa non rispetta il pattern richiesto", *w.IDUnitaOperativa)
	}
	if !lenBetween(*w.Causale, 1, 140) {
		return nil, errSintassi("Il campo causale supera i 140 caratteri")
	}
	payer, perr := checkPagatore("soggettoPagatore", w.SoggettoPagatore)
	if perr != nil {
		return nil, perr
	}
	if *w.Importo <= 0 {
		// validaImporto: minOrEquals(0) refuses 0 (ValidatoreUtils.java:122).
		return nil, errSintassi("Il campo importo deve essere superiore o uguale a 0.")
	}
	if w.NumeroAvviso != nil && !reNumeroAvviso.MatchString(*w.NumeroAvviso) {
		return nil, errSintassi("Il valore [%s] del campo numeroAvviso non rispetta il pattern richiesto: ^[0-9]{18}$", *w.NumeroAvviso)
	}
	if w.Tassonomia != nil && !lenBetween(*w.Tassonomia, 0, 35) {
		return nil, errSintassi("Il campo tassonomia supera i 35 caratteri")
	}
	if w.TassonomiaAvviso != nil && !oneOf(*w.TassonomiaAvviso, tassonomieAvviso) {
		return nil, errSintassi("Codifica inesistente per tassonomiaAvviso. Valore fornito [%s]", *w.TassonomiaAvviso)
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"direzione", w.Direzione}, {"divisione", w.Divisione}, {"cartellaPagamento", w.CartellaPagamento}} {
		if f.v != nil && !lenBetween(*f.v, 1, 35) {
			return nil, errSintassi("Il campo %s deve avere lunghezza tra 1 e 35", f.name)
		}
	}
	// PATTERN_ID_DIREZIONE, PATTERN_ID_DIVISIONE (CostantiValidazione.java:47-48).
	for _, f := range []struct {
		name string
		v    *string
	}{{"direzione", w.Direzione}, {"divisione", w.Divisione}} {
		if f.v != nil && !reID.MatchString(*f.v) {
			return nil, errSintassi("Il valore [%s] del campo %s non rispetta il pattern richiesto: ^[a-zA-Z0-9\\-_]{1,35}$", *f.v, f.name)
		}
	}
	p := &pendenza{
		idTipoPendenza: *w.IDTipoPendenza, idDominio: *w.IDDominio, idUnitaOperativa: str(w.IDUnitaOperativa),
		causale: *w.Causale, soggetto: payer, importo: *w.Importo, numeroAvviso: str(w.NumeroAvviso),
		tassonomia: str(w.Tassonomia), tassonomiaAvviso: str(w.TassonomiaAvviso), direzione: str(w.Direzione),
		divisione: str(w.Divisione), cartellaPagamento: str(w.CartellaPagamento), annoRiferimento: w.AnnoRiferimento,
		datiAllegati: nonNull(w.DatiAllegati), documento: nonNull(w.Documento), proprieta: nonNull(w.Proprieta),
		allegati: nonNull(w.Allegati),
	}
	var e *apiError
	if e = firstErr(checkDocumento(p.documento), checkProprieta(p.proprieta), checkAllegati(p.allegati)); e != nil {
		return nil, e
	}
	if p.dataValidita, e = checkDate("dataValidita", w.DataValidita); e != nil {
		return nil, e
	}
	if p.dataScadenza, e = checkDate("dataScadenza", w.DataScadenza); e != nil {
		return nil, e
	}
	if p.dataNotificaAvviso, e = checkDate("dataNotificaAvviso", w.DataNotificaAvviso); e != nil {
		return nil, e
	}
	if p.dataPromemoriaScadenza, e = checkDate("dataPromemoriaScadenza", w.DataPromemoriaScadenza); e != nil {
		return nil, e
	}
	if len(w.Voci) < 1 || len(w.Voci) > 5 {
		return nil, errSintassi("Il campo voci deve avere da 1 a 5 elementi, ricevuti %d", len(w.Voci))
	}
	for i := range w.Voci {
		v, e := validateVoce(fmt.Sprintf("voci[%d]", i), &w.Voci[i], bolloValue)
		if e != nil {
			return nil, e
		}
		p.voci = append(p.voci, v)
	}
	return p, nil
}

func validateVoce(field string, w *wireVoce, bolloValue string) (voce, *apiError) {
	var v voce
	switch {
	case w.IDVocePendenza == nil || *w.IDVocePendenza == "":
		return v, errSintassi("Il campo %s.idVocePendenza non deve essere vuoto.", field)
	case !reID.MatchString(*w.IDVocePendenza):
		// PATTERN_ID_VOCE_PENDENZA (CostantiValidazione.java:43).
		return v, errSintassi("Il valore [%s] del campo %s.idVocePendenza non rispetta il pattern richiesto: ^[a-zA-Z0-9\\-_]{1,35}$", *w.IDVocePendenza, field)
	case w.Importo == nil:
		return v, errSintassi("Il campo %s.importo non deve essere vuoto.", field)
	case *w.Importo <= 0:
		return v, errSintassi("Il campo %s.importo deve essere superiore o uguale a 0.", field)
	case w.Descrizione == nil || *w.Descrizione == "":
		return v, errSintassi("Il campo %s.descrizione non deve essere vuoto.", field)
	case !lenBetween(*w.Descrizione, 1, 255):
		// ValidatoreUtils.validaDescrizione (ValidatoreUtils.java:148-150).
		return v, errSintassi("Il campo %s.descrizione supera i 255 caratteri", field)
	case !metadataOK(w.Metadata):
		// Metadata.java:110, MapEntry.java:129-130.
		return v, errSintassi("Il campo %s.metadata.mapEntries deve avere da 1 a 15 elementi con key e value di 1-140 caratteri", field)
	case w.DescrizioneCausaleRPT != nil && !lenBetween(*w.DescrizioneCausaleRPT, 1, 140):
		return v, errSintassi("Il campo %s.descrizioneCausaleRPT deve avere lunghezza tra 1 e 140", field)
	case w.IDDominio != nil && !reIDDominio.MatchString(*w.IDDominio):
		return v, errSintassi("Il valore [%s] del campo %s.idDominio non rispetta il pattern richiesto: ^[0-9]{11}$", *w.IDDominio, field)
	}
	v = voce{
		idVocePendenza: *w.IDVocePendenza, importo: *w.Importo, descrizione: *w.Descrizione,
		descrizioneCausaleRPT: str(w.DescrizioneCausaleRPT), idDominio: str(w.IDDominio),
		datiAllegati: nonNull(w.DatiAllegati), contabilita: nonNull(w.Contabilita), metadata: nonNull(w.Metadata),
	}
	entrata := w.IbanAccredito != nil || w.TipoContabilita != nil || w.CodiceContabilita != nil || w.IbanAppoggio != nil
	bollo := w.TipoBollo != nil || w.HashDocumento != nil || w.ProvinciaResidenza != nil
	riferimento := w.CodEntrata != nil
	kinds := 0
	for _, k := range []bool{entrata, bollo, riferimento} {
		if k {
			kinds++
		}
	}
	if kinds != 1 {
		return v, errSintassi("La voce %s deve indicare una e una sola tipologia: codEntrata, entrata (ibanAccredito, tipoContabilita, codiceContabilita) o bollo (tipoBollo, hashDocumento, provinciaResidenza)", field)
	}
	switch {
	case riferimento:
		if !reIDTipo.MatchString(*w.CodEntrata) {
			return v, errSintassi("Il valore [%s] del campo %s.codEntrata non rispetta il pattern richiesto", *w.CodEntrata, field)
		}
		v.codEntrata = *w.CodEntrata
	case entrata:
		switch {
		case w.IbanAccredito == nil:
			return v, errSintassi("Il campo %s.ibanAccredito non deve essere vuoto.", field)
		case !reIBAN.MatchString(*w.IbanAccredito):
			return v, errSintassi("Il valore [%s] del campo %s.ibanAccredito non rispetta il pattern richiesto", *w.IbanAccredito, field)
		case w.IbanAppoggio != nil && !reIBAN.MatchString(*w.IbanAppoggio):
			return v, errSintassi("Il valore [%s] del campo %s.ibanAppoggio non rispetta il pattern richiesto", *w.IbanAppoggio, field)
		case w.TipoContabilita == nil || !oneOf(*w.TipoContabilita, tipiContabilita):
			return v, errSintassi("Codifica inesistente per %s.tipoContabilita. Valore fornito [%s] valori possibili %v", field, str(w.TipoContabilita), tipiContabilita)
		case w.CodiceContabilita == nil || !reCodContabilita.MatchString(*w.CodiceContabilita):
			return v, errSintassi("Il valore [%s] del campo %s.codiceContabilita non rispetta il pattern richiesto: ^\\S{3,138}$", str(w.CodiceContabilita), field)
		}
		v.ibanAccredito, v.ibanAppoggio = *w.IbanAccredito, str(w.IbanAppoggio)
		v.tipoContabilita, v.codiceContabilita = *w.TipoContabilita, *w.CodiceContabilita
	case bollo:
		switch {
		case w.TipoBollo == nil || *w.TipoBollo != bolloValue:
			return v, errSintassi("Codifica inesistente per %s.tipoBollo. Valore fornito [%s] valori possibili [%s]", field, str(w.TipoBollo), bolloValue)
		case w.HashDocumento == nil || !lenBetween(*w.HashDocumento, 1, 70):
			return v, errSintassi("Il campo %s.hashDocumento deve avere lunghezza tra 1 e 70", field)
		case w.ProvinciaResidenza == nil || !reTwoUpper.MatchString(*w.ProvinciaResidenza):
			return v, errSintassi("Il campo %s.provinciaResidenza non rispetta il pattern [A-Z]{2,2}", field)
		}
		v.tipoBollo, v.hashDocumento, v.provinciaResidenza = "01", *w.HashDocumento, *w.ProvinciaResidenza
	}
	return v, nil
}

// nonNull drops a JSON null.
func nonNull(m json.RawMessage) json.RawMessage {
	if len(m) == 0 || string(bytes.TrimSpace(m)) == "null" {
		return nil
	}
	return m
}

// quoteSum returns the sum of contabilita.quote[].importo, and whether
// contabilita has quote.
func quoteSum(contabilita json.RawMessage) (govpay.Importo, bool, error) {
	if contabilita == nil {
		return 0, false, nil
	}
	var c struct {
		Quote []struct {
			Importo govpay.Importo `json:"importo"`
		} `json:"quote"`
	}
	if err := json.Unmarshal(contabilita, &c); err != nil {
		return 0, false, err
	}
	if len(c.Quote) == 0 {
		return 0, false, nil
	}
	var sum govpay.Importo
	for _, q := range c.Quote {
		sum += q.Importo
	}
	return sum, true, nil
}

// TipoPendenzaLibero is the tipo pendenza the fake files a pendenza under
// when it is loaded without idTipoPendenza, as GovPay files it under its
// configured tipo for free-form pendenze.
const TipoPendenzaLibero = "LIBERO"
