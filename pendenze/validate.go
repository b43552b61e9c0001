package pendenze

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
)

// Matchers of GovPay's patterns, written out rather than as regular
// expressions (Validate runs on every Put); each comment gives the pattern,
// and a test checks them against it.
var (
	// ^[a-zA-Z0-9\-_]{1,35}$
	reID = matcher(func(s string) bool { return idChars(s, false) })
	// ^[a-zA-Z0-9\-_.]{1,35}$
	reIDTipo = matcher(func(s string) bool { return idChars(s, true) })
	// ^[0-9]{11}$
	reIDDominio = matcher(func(s string) bool { return len(s) == 11 && digits(s) })
	// ^[0-9]{18}$
	reNumeroAvviso = matcher(func(s string) bool { return len(s) == 18 && digits(s) })
	// ^[A-Z]{2}$
	reTwoUpper = matcher(func(s string) bool { return len(s) == 2 && upper(s[0]) && upper(s[1]) })
	// ^[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$
	reIBAN = matcher(func(s string) bool {
		if len(s) < 5 || len(s) > 34 || !letter(s[0]) || !letter(s[1]) || !digits(s[2:4]) {
			return false
		}
		for i := 4; i < len(s); i++ {
			if !letter(s[i]) && !digit(s[i]) {
				return false
			}
		}
		return true
	})
)

// matcher tells whether a string matches a pattern.
type matcher func(string) bool

// MatchString reports whether s matches.
func (m matcher) MatchString(s string) bool { return m(s) }

func digit(c byte) bool  { return c >= '0' && c <= '9' }
func upper(c byte) bool  { return c >= 'A' && c <= 'Z' }
func letter(c byte) bool { return upper(c) || c >= 'a' && c <= 'z' }

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !digit(s[i]) {
			return false
		}
	}
	return true
}

// idChars matches 1–35 letters, digits, '-' and '_' (and '.' when dot).
func idChars(s string, dot bool) bool {
	if len(s) == 0 || len(s) > 35 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !letter(c) && !digit(c) && c != '-' && c != '_' && (!dot || c != '.') {
			return false
		}
	}
	return true
}

// Limits GovPay enforces on a pendenza.
const (
	// MaxVoci is the largest number of voci in a pendenza.
	MaxVoci = 5
	// MaxMetadata is the largest number of metadata entries of a voce.
	MaxMetadata = 5
)

// Validate checks p against GovPay's server rules, so that a pendenza GovPay
// would refuse never reaches the wire. It returns nil or a
// *govpay.ValidationError listing every violation, each with its field path
// as in the JSON body ("voci[2].importo", "soggettoPagatore.tipo").
//
// Checks: id patterns (idTipoPendenza, idUnitaOperativa, codEntrata),
// idDominio of 11 digits, causale required and ≤ 140 characters, the
// soggetto (govpay.Soggetto.Validate: tipo F|G, identificativo 1–16
// characters, nazione two capital letters, lengths, e-mail shape), 1–5
// voci with unique ids and exactly one
// kind each, amounts within 0 … 999,999,999.99 and importo equal to the sum
// of the voci, accounting quotas summing to their voce, IBAN format,
// marca da bollo fields, metadata (1–5 entries), documento (rata or soglia),
// proprieta and allegati lengths, datiAllegati being JSON objects, the
// numeroAvviso (18 digits with valid check digits: a pagoPA rule; and none
// on a pendenza of several voci one of which is a marca da bollo, which
// GovPay refuses with VER_031), and the texts (causale, the descrizione and
// descrizioneCausaleRPT of every voce, the payer's fields) being valid
// UTF-8 without control characters U+0000–U+001F: json.Marshal would
// silently replace invalid bytes, so GovPay would store another text.
//
// Validate accepts what GovPay accepts even when it is not a real
// identifier: GovPay's demo domain 01234567890, demo IBANs, ANONIMO and
// foreign payers. [Pendenza.ValidateStrict] adds the checksums.
func (p Pendenza) Validate() error { return p.validate(false) }

// ValidateStrict is Validate plus the checks GovPay itself does not make:
// the check digit of idDominio (of the pendenza and of every voce), the
// mod-97 checksum of every IBAN, and the check character of the payer's
// codice fiscale or partita IVA (an identificativo of 16 characters must be
// a valid codice fiscale, one of 11 digits a valid partita IVA; "ANONIMO"
// stays allowed, other identifiers are refused). Use it when the data comes
// from a source that should only hold real identifiers.
func (p Pendenza) ValidateStrict() error { return p.validate(true) }

func (p *Pendenza) validate(strict bool) error {
	v := &govpay.ValidationError{What: "pendenza"}
	p.check(v, strict)
	return v.Err()
}

// check records every violation of p in v.
func (p *Pendenza) check(v *govpay.ValidationError, strict bool) {
	if p.IDTipoPendenza != "" && !reIDTipo.MatchString(p.IDTipoPendenza) {
		v.Add("idTipoPendenza", "must match ^[a-zA-Z0-9\\-_.]{1,35}$")
	}
	checkDominio(v, at("idDominio"), p.IDDominio, true, strict)
	if p.IDUnitaOperativa != "" && !reID.MatchString(p.IDUnitaOperativa) {
		v.Add("idUnitaOperativa", "must match ^[a-zA-Z0-9\\-_]{1,35}$")
	}
	if strings.TrimSpace(p.Causale) == "" {
		v.Add("causale", "required")
	} else {
		maxLen(v, at("causale"), p.Causale, 140)
		checkText(v, at("causale"), p.Causale)
	}
	checkSoggetto(v, "soggettoPagatore", p.SoggettoPagatore, strict)
	checkImporto(v, at("importo"), p.Importo)
	if p.NumeroAvviso != "" {
		if err := checkNumeroAvviso(p.NumeroAvviso); err != nil {
			v.Add("numeroAvviso", err.Error())
		}
	}
	maxLen(v, at("tassonomia"), p.Tassonomia, 35)
	if p.TassonomiaAvviso != "" && !p.TassonomiaAvviso.Known() {
		v.Add("tassonomiaAvviso", "must be one of AgID's categories (see the Tassonomia constants)")
	}
	maxLen(v, at("direzione"), p.Direzione, 35)
	maxLen(v, at("divisione"), p.Divisione, 35)
	if p.AnnoRiferimento != 0 && (p.AnnoRiferimento < 1000 || p.AnnoRiferimento > 9999) {
		v.Add("annoRiferimento", "must be a year of 4 digits")
	}
	maxLen(v, at("cartellaPagamento"), p.CartellaPagamento, 35)
	checkObject(v, at("datiAllegati"), p.DatiAllegati)
	if d := p.Documento; d != nil {
		checkLen(v, at("documento.identificativo"), d.Identificativo, 1, 35)
		checkLen(v, at("documento.descrizione"), d.Descrizione, 1, 80)
		switch {
		case d.Rata < 0:
			v.Add("documento.rata", "must be at least 1")
		case d.Rata > 0 && d.Soglia != nil:
			v.Add("documento", "must have either rata or soglia, not both")
		case d.Rata == 0 && d.Soglia == nil:
			v.Add("documento", "must have rata or soglia")
		}
		if s := d.Soglia; s != nil {
			if s.Tipo != SogliaEntro && s.Tipo != SogliaOltre {
				v.Add("documento.soglia.tipo", "must be ENTRO or OLTRE")
			}
			if s.Giorni < 1 {
				v.Add("documento.soglia.giorni", "must be at least 1")
			}
		}
	}
	if pr := p.Proprieta; pr != nil {
		switch pr.LinguaSecondaria {
		case "", LinguaNessuna, LinguaTedesco, LinguaInglese, LinguaFrancese, LinguaSloveno:
		default:
			v.Add("proprieta.linguaSecondaria", "must be false, de, en, fr or sl")
		}
		for i, d := range pr.DescrizioneImporto {
			checkImporto(v, at(fmt.Sprintf("proprieta.descrizioneImporto[%d].importo", i)), d.Importo)
		}
		if pr.InformativaImportoAvviso != nil {
			maxLen(v, at("proprieta.informativaImportoAvviso"), *pr.InformativaImportoAvviso, 255)
		}
		if pr.LinguaSecondariaInformativaImportoAvviso != nil {
			maxLen(v, at("proprieta.linguaSecondariaInformativaImportoAvviso"), *pr.LinguaSecondariaInformativaImportoAvviso, 255)
		}
	}

	switch n := len(p.Voci); {
	case n == 0:
		v.Add("voci", "required: 1 to 5 voci")
	case n > MaxVoci:
		v.Addf("voci", "must have at most %d voci, has %d", MaxVoci, n)
	}
	var sum int64
	sumOK := true
	for i := range p.Voci {
		voce := &p.Voci[i]
		if voce.IDVocePendenza != "" {
			for j := range i {
				if p.Voci[j].IDVocePendenza == voce.IDVocePendenza {
					v.Addf(path{voce: i, name: "idVocePendenza"}.String(), "duplicate of voci[%d].idVocePendenza", j)
					break
				}
			}
		}
		if voce.Importo.Valid() != nil {
			sumOK = false
		}
		sum += voce.Importo.Centesimi()
		voce.validate(v, i, strict)
	}
	if sumOK && len(p.Voci) > 0 && p.Importo.Valid() == nil && sum != p.Importo.Centesimi() {
		v.Addf("importo", "must equal the sum of the voci (%s), is %s", govpay.Centesimi(sum), p.Importo)
	}
	if p.NumeroAvviso != "" && len(p.Voci) > 1 && hasBollo(p.Voci) {
		// GovPay's VER_031.
		v.Add("numeroAvviso", "must be empty when the pendenza has several voci and one of them is a marca da bollo (GovPay refuses it with VER_031)")
	}

	for i, a := range p.Allegati {
		prefix := "allegati[" + strconv.Itoa(i) + "]"
		checkLen(v, at(prefix+".nome"), a.Nome, 1, 255)
		maxLen(v, at(prefix+".tipo"), a.Tipo, 255)
		maxLen(v, at(prefix+".descrizione"), a.Descrizione, 255)
		if a.Contenuto == nil {
			v.Add(prefix+".contenuto", "required")
		}
	}
}

// Validate checks the voce alone against GovPay's rules (see
// [Pendenza.Validate]); field paths are relative to the voce.
func (voce Voce) Validate() error {
	v := &govpay.ValidationError{What: "voce"}
	voce.validate(v, -1, false)
	return v.Err()
}

// validate records the violations of the voce at index idx of the voci
// (-1 for a voce alone).
func (voce *Voce) validate(v *govpay.ValidationError, idx int, strict bool) {
	f := func(name string) path { return path{voce: idx, name: name} }
	checkLen(v, f("idVocePendenza"), voce.IDVocePendenza, 1, 35)
	checkImporto(v, f("importo"), voce.Importo)
	checkLen(v, f("descrizione"), voce.Descrizione, 1, 140)
	checkText(v, f("descrizione"), voce.Descrizione)
	maxLen(v, f("descrizioneCausaleRPT"), voce.DescrizioneCausaleRPT, 140)
	checkText(v, f("descrizioneCausaleRPT"), voce.DescrizioneCausaleRPT)
	if voce.IDDominio != "" {
		checkDominio(v, f("idDominio"), voce.IDDominio, false, strict)
	}
	checkObject(v, f("datiAllegati"), voce.DatiAllegati)

	switch k := kindOf(voce.Kind).(type) {
	case Entrata:
		checkIBAN(v, f("ibanAccredito"), k.IBANAccredito, true, strict)
		checkIBAN(v, f("ibanAppoggio"), k.IBANAppoggio, false, strict)
		switch k.TipoContabilita {
		case ContabilitaCapitolo, ContabilitaSpeciale, ContabilitaSIOPE, ContabilitaAltro:
		case "":
			v.Add(f("tipoContabilita").String(), "required (CAPITOLO, SPECIALE, SIOPE or ALTRO)")
		default:
			v.Add(f("tipoContabilita").String(), "must be CAPITOLO, SPECIALE, SIOPE or ALTRO")
		}
		checkLen(v, f("codiceContabilita"), k.CodiceContabilita, 1, 135)
	case EntrataRiferita:
		if !reIDTipo.MatchString(k.CodEntrata) {
			if k.CodEntrata == "" {
				v.Add(f("codEntrata").String(), "required")
			} else {
				v.Add(f("codEntrata").String(), "must match ^[a-zA-Z0-9\\-_.]{1,35}$")
			}
		}
	case Bollo:
		if k.TipoBollo != "" && k.TipoBollo != BolloImpostaDiBollo {
			v.Add(f("tipoBollo").String(), `must be "01"`)
		}
		checkLen(v, f("hashDocumento"), k.HashDocumento, 1, 70)
		if !reTwoUpper.MatchString(k.ProvinciaResidenza) {
			if k.ProvinciaResidenza == "" {
				v.Add(f("provinciaResidenza").String(), "required")
			} else {
				v.Add(f("provinciaResidenza").String(), "must be two capital letters")
			}
		}
	default:
		v.Add(f("kind").String(), "required: exactly one of ibanAccredito (Entrata), codEntrata (EntrataRiferita), tipoBollo (Bollo)")
	}

	if c := voce.Contabilita; c != nil {
		var sum int64
		sumOK := true
		for i, q := range c.Quote {
			qp := "contabilita.quote[" + strconv.Itoa(i) + "]"
			checkLen(v, path{voce: idx, prefix: qp, name: "capitolo"}, q.Capitolo, 1, 64)
			if q.AnnoEsercizio < 1000 || q.AnnoEsercizio > 9999 {
				v.Add(path{voce: idx, prefix: qp, name: "annoEsercizio"}.String(), "required: a year of 4 digits")
			}
			checkImporto(v, path{voce: idx, prefix: qp, name: "importo"}, q.Importo)
			if q.Importo.Valid() != nil {
				sumOK = false
			}
			sum += q.Importo.Centesimi()
			maxLen(v, path{voce: idx, prefix: qp, name: "accertamento"}, q.Accertamento, 64)
			maxLen(v, path{voce: idx, prefix: qp, name: "titolo"}, q.Titolo, 64)
			maxLen(v, path{voce: idx, prefix: qp, name: "tipologia"}, q.Tipologia, 64)
			maxLen(v, path{voce: idx, prefix: qp, name: "categoria"}, q.Categoria, 64)
			maxLen(v, path{voce: idx, prefix: qp, name: "articolo"}, q.Articolo, 64)
			checkObject(v, path{voce: idx, prefix: qp, name: "proprietaCustom"}, q.ProprietaCustom)
		}
		if sumOK && len(c.Quote) > 0 && voce.Importo.Valid() == nil && sum != voce.Importo.Centesimi() {
			v.Addf(f("contabilita.quote").String(), "amounts must sum to the voce's importo (%s), sum to %s", voce.Importo, govpay.Centesimi(sum))
		}
		checkObject(v, f("contabilita.proprietaCustom"), c.ProprietaCustom)
	}
	if m := voce.Metadata; m != nil {
		switch n := len(m.MapEntries); {
		case n == 0:
			v.Add(f("metadata.mapEntries").String(), "must have 1 to 5 entries")
		case n > MaxMetadata:
			v.Addf(f("metadata.mapEntries").String(), "must have at most %d entries, has %d", MaxMetadata, n)
		}
		for i, e := range m.MapEntries {
			ep := "metadata.mapEntries[" + strconv.Itoa(i) + "]"
			checkLen(v, path{voce: idx, prefix: ep, name: "key"}, e.Key, 1, 140)
			checkLen(v, path{voce: idx, prefix: ep, name: "value"}, e.Value, 1, 140)
		}
	}
}

// Known reports whether t is one of the categories GovPay 3.9 knows.
func (t TassonomiaAvviso) Known() bool {
	switch t {
	case TassonomiaCartelleEsattoriali, TassonomiaDirittiConcessioni, TassonomiaImposteTasse,
		TassonomiaTasseComunali, TassonomiaMostreMusei, TassonomiaMulteSanzioni,
		TassonomiaPrevidenzaInfortuni, TassonomiaServiziComune, TassonomiaServiziAltriEnti,
		TassonomiaServiziScolastici, TassonomiaTassaAutomobilistica, TassonomiaTicketSanitari,
		TassonomiaTrasportiParcheggi:
		return true
	}
	return false
}

// path names a field lazily: its string is built only for a violation,
// so that validating a valid pendenza allocates nothing.
type path struct {
	voce   int    // index in voci, -1 for none
	prefix string // between the voce and the name ("contabilita.quote[0]")
	name   string
}

// at names a top-level field.
func at(name string) path { return path{voce: -1, name: name} }

// String returns the field path as in the JSON ("voci[2].importo").
func (p path) String() string {
	var b strings.Builder
	if p.voce >= 0 {
		b.WriteString("voci[")
		b.WriteString(strconv.Itoa(p.voce))
		b.WriteByte(']')
	}
	for _, s := range [2]string{p.prefix, p.name} {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

func maxLen(v *govpay.ValidationError, field path, s string, max int) {
	if len(s) > max && utf8.RuneCountInString(s) > max {
		v.Addf(field.String(), "must be at most %d characters", max)
	}
}

func checkLen(v *govpay.ValidationError, field path, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && min > 0:
		v.Add(field.String(), "required")
	case n < min:
		v.Addf(field.String(), "must be at least %d characters", min)
	case n > max:
		v.Addf(field.String(), "must be at most %d characters", max)
	}
}

func checkImporto(v *govpay.ValidationError, field path, i govpay.Importo) {
	if i < 0 || i > govpay.MaxImporto {
		v.Add(field.String(), "must be between 0.00 and 999999999.99")
	}
}

func checkObject(v *govpay.ValidationError, field path, raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil && string(raw) != "null" {
		v.Add(field.String(), "must be a JSON object")
	}
}

func checkDominio(v *govpay.ValidationError, field path, s string, required, strict bool) {
	switch {
	case s == "":
		if required {
			v.Add(field.String(), "required")
		}
	case !reIDDominio.MatchString(s):
		v.Add(field.String(), "must be 11 digits")
	case strict && !partitaIVAOK(s):
		v.Add(field.String(), "check digit is wrong (strict mode)")
	}
}

func checkIBAN(v *govpay.ValidationError, field path, s string, required, strict bool) {
	switch {
	case s == "":
		if required {
			v.Add(field.String(), "required")
		}
	case !reIBAN.MatchString(s):
		v.Add(field.String(), "must be an IBAN (two letters, two digits, up to 30 letters or digits)")
	case strict && !ibanOK(s):
		v.Add(field.String(), "IBAN checksum (mod 97) is wrong (strict mode)")
	}
}

// hasBollo reports whether one of voci is a marca da bollo.
func hasBollo(voci []Voce) bool {
	for i := range voci {
		if _, ok := kindOf(voci[i].Kind).(Bollo); ok {
			return true
		}
	}
	return false
}

// checkText refuses text that json.Marshal would not send as it is:
// invalid UTF-8 (replaced by U+FFFD) and C0 control characters (U+0000 to
// U+001F, tab and newline included), which GovPay's texts (causale, voci,
// payer) never hold.
func checkText(v *govpay.ValidationError, field path, s string) {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20:
			v.Add(field.String(), "must not contain control characters (U+0000 to U+001F)")
			if !utf8.ValidString(s) {
				v.Add(field.String(), "must be valid UTF-8")
			}
			return
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	if !ascii && !utf8.ValidString(s) {
		v.Add(field.String(), "must be valid UTF-8")
	}
}

func checkSoggetto(v *govpay.ValidationError, field string, s Soggetto, strict bool) {
	v.Merge(field, s.Validate())
	// nazione is two capital letters (s.Validate); tipo an enumeration.
	for _, f := range [...]struct{ name, val string }{
		{"identificativo", s.Identificativo}, {"anagrafica", s.Anagrafica}, {"indirizzo", s.Indirizzo},
		{"civico", s.Civico}, {"cap", s.CAP}, {"localita", s.Localita}, {"provincia", s.Provincia},
		{"email", s.Email}, {"cellulare", s.Cellulare},
	} {
		checkText(v, path{voce: -1, prefix: field, name: f.name}, f.val)
	}
	if !strict || s.Identificativo == "" || s.Identificativo == "ANONIMO" {
		return
	}
	id := strings.ToUpper(s.Identificativo)
	switch {
	case len(id) == 16:
		if err := avvisi.CheckCodiceFiscale(id); err != nil {
			v.Add(field+".identificativo", "not a valid codice fiscale (strict mode): "+err.Error())
		}
	case reIDDominio.MatchString(id):
		if !partitaIVAOK(id) {
			v.Add(field+".identificativo", "partita IVA check digit is wrong (strict mode)")
		}
	default:
		v.Add(field+".identificativo", "must be a codice fiscale, a partita IVA or ANONIMO (strict mode)")
	}
}

// checkNumeroAvviso checks the format and check digits of a numero avviso.
func checkNumeroAvviso(s string) error {
	if !reNumeroAvviso.MatchString(s) {
		return fmt.Errorf("must be 18 digits")
	}
	if _, err := avvisi.ParseNumeroAvviso(s); err != nil {
		return err
	}
	return nil
}

// ibanOK verifies the mod-97 checksum of an IBAN already matching reIBAN.
func ibanOK(s string) bool {
	s = strings.ToUpper(s)
	r := s[4:] + s[:4]
	rem := 0
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// partitaIVAOK verifies the check digit of an 11-digit partita IVA (or the
// numeric codice fiscale of an entity).
func partitaIVAOK(s string) bool { return avvisi.CheckPartitaIVA(s) == nil }
