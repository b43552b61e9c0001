package pendenze

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
)

var (
	reID           = regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,35}$`)
	reIDTipo       = regexp.MustCompile(`^[a-zA-Z0-9\-_.]{1,35}$`)
	reIDDominio    = regexp.MustCompile(`^[0-9]{11}$`)
	reIBAN         = regexp.MustCompile(`^[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$`)
	reTwoUpper     = regexp.MustCompile(`^[A-Z]{2}$`)
	reNumeroAvviso = regexp.MustCompile(`^[0-9]{18}$`)
)

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
// soggetto (tipo F|G, identificativo 1–16 characters, provincia and nazione
// two capital letters, lengths), 1–5 voci with unique ids and exactly one
// kind each, amounts within 0 … 999,999,999.99 and importo equal to the sum
// of the voci, accounting quotas summing to their voce, IBAN format,
// marca da bollo fields, metadata (1–5 entries), documento (rata or soglia),
// proprieta and allegati lengths, datiAllegati being JSON objects, and the
// numeroAvviso (18 digits with valid check digits: a pagoPA rule).
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
	checkDominio(v, "idDominio", p.IDDominio, true, strict)
	if p.IDUnitaOperativa != "" && !reID.MatchString(p.IDUnitaOperativa) {
		v.Add("idUnitaOperativa", "must match ^[a-zA-Z0-9\\-_]{1,35}$")
	}
	if strings.TrimSpace(p.Causale) == "" {
		v.Add("causale", "required")
	} else {
		maxLen(v, "causale", p.Causale, 140)
	}
	checkSoggetto(v, "soggettoPagatore", p.SoggettoPagatore, strict)
	checkImporto(v, "importo", p.Importo)
	if p.NumeroAvviso != "" {
		if err := checkNumeroAvviso(p.NumeroAvviso); err != nil {
			v.Add("numeroAvviso", err.Error())
		}
	}
	maxLen(v, "tassonomia", p.Tassonomia, 35)
	if p.TassonomiaAvviso != "" && !p.TassonomiaAvviso.Known() {
		v.Add("tassonomiaAvviso", "must be one of AgID's categories (see the Tassonomia constants)")
	}
	maxLen(v, "direzione", p.Direzione, 35)
	maxLen(v, "divisione", p.Divisione, 35)
	if p.AnnoRiferimento != 0 && (p.AnnoRiferimento < 1000 || p.AnnoRiferimento > 9999) {
		v.Add("annoRiferimento", "must be a year of 4 digits")
	}
	maxLen(v, "cartellaPagamento", p.CartellaPagamento, 35)
	checkObject(v, "datiAllegati", p.DatiAllegati)
	if d := p.Documento; d != nil {
		checkLen(v, "documento.identificativo", d.Identificativo, 1, 35)
		checkLen(v, "documento.descrizione", d.Descrizione, 1, 80)
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
			checkImporto(v, fmt.Sprintf("proprieta.descrizioneImporto[%d].importo", i), d.Importo)
		}
		if pr.InformativaImportoAvviso != nil {
			maxLen(v, "proprieta.informativaImportoAvviso", *pr.InformativaImportoAvviso, 255)
		}
		if pr.LinguaSecondariaInformativaImportoAvviso != nil {
			maxLen(v, "proprieta.linguaSecondariaInformativaImportoAvviso", *pr.LinguaSecondariaInformativaImportoAvviso, 255)
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
	seen := make(map[string]int, len(p.Voci))
	for i := range p.Voci {
		voce := &p.Voci[i]
		prefix := "voci[" + strconv.Itoa(i) + "]"
		if voce.IDVocePendenza != "" {
			if j, dup := seen[voce.IDVocePendenza]; dup {
				v.Addf(prefix+".idVocePendenza", "duplicate of voci[%d].idVocePendenza", j)
			} else {
				seen[voce.IDVocePendenza] = i
			}
		}
		if voce.Importo.Valid() != nil {
			sumOK = false
		}
		sum += voce.Importo.Centesimi()
		voce.validate(v, prefix, strict)
	}
	if sumOK && len(p.Voci) > 0 && p.Importo.Valid() == nil && sum != p.Importo.Centesimi() {
		v.Addf("importo", "must equal the sum of the voci (%s), is %s", govpay.Centesimi(sum), p.Importo)
	}

	for i, a := range p.Allegati {
		prefix := "allegati[" + strconv.Itoa(i) + "]"
		checkLen(v, prefix+".nome", a.Nome, 1, 255)
		maxLen(v, prefix+".tipo", a.Tipo, 255)
		maxLen(v, prefix+".descrizione", a.Descrizione, 255)
		if a.Contenuto == nil {
			v.Add(prefix+".contenuto", "required")
		}
	}
}

// Validate checks the voce alone against GovPay's rules (see
// [Pendenza.Validate]); field paths are relative to the voce.
func (voce Voce) Validate() error {
	v := &govpay.ValidationError{What: "voce"}
	voce.validate(v, "", false)
	return v.Err()
}

func (voce *Voce) validate(v *govpay.ValidationError, prefix string, strict bool) {
	f := func(name string) string {
		if prefix == "" {
			return name
		}
		return prefix + "." + name
	}
	checkLen(v, f("idVocePendenza"), voce.IDVocePendenza, 1, 35)
	checkImporto(v, f("importo"), voce.Importo)
	checkLen(v, f("descrizione"), voce.Descrizione, 1, 140)
	maxLen(v, f("descrizioneCausaleRPT"), voce.DescrizioneCausaleRPT, 140)
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
			v.Add(f("tipoContabilita"), "required (CAPITOLO, SPECIALE, SIOPE or ALTRO)")
		default:
			v.Add(f("tipoContabilita"), "must be CAPITOLO, SPECIALE, SIOPE or ALTRO")
		}
		checkLen(v, f("codiceContabilita"), k.CodiceContabilita, 1, 135)
	case EntrataRiferita:
		if !reIDTipo.MatchString(k.CodEntrata) {
			if k.CodEntrata == "" {
				v.Add(f("codEntrata"), "required")
			} else {
				v.Add(f("codEntrata"), "must match ^[a-zA-Z0-9\\-_.]{1,35}$")
			}
		}
	case Bollo:
		if k.TipoBollo != "" && k.TipoBollo != BolloImpostaDiBollo {
			v.Add(f("tipoBollo"), `must be "01"`)
		}
		checkLen(v, f("hashDocumento"), k.HashDocumento, 1, 70)
		if !reTwoUpper.MatchString(k.ProvinciaResidenza) {
			if k.ProvinciaResidenza == "" {
				v.Add(f("provinciaResidenza"), "required")
			} else {
				v.Add(f("provinciaResidenza"), "must be two capital letters")
			}
		}
	default:
		v.Add(f("kind"), "required: exactly one of ibanAccredito (Entrata), codEntrata (EntrataRiferita), tipoBollo (Bollo)")
	}

	if c := voce.Contabilita; c != nil {
		var sum int64
		sumOK := true
		for i, q := range c.Quote {
			qp := f("contabilita.quote[" + strconv.Itoa(i) + "]")
			checkLen(v, qp+".capitolo", q.Capitolo, 1, 64)
			if q.AnnoEsercizio < 1000 || q.AnnoEsercizio > 9999 {
				v.Add(qp+".annoEsercizio", "required: a year of 4 digits")
			}
			checkImporto(v, qp+".importo", q.Importo)
			if q.Importo.Valid() != nil {
				sumOK = false
			}
			sum += q.Importo.Centesimi()
			maxLen(v, qp+".accertamento", q.Accertamento, 64)
			maxLen(v, qp+".titolo", q.Titolo, 64)
			maxLen(v, qp+".tipologia", q.Tipologia, 64)
			maxLen(v, qp+".categoria", q.Categoria, 64)
			maxLen(v, qp+".articolo", q.Articolo, 64)
			checkObject(v, qp+".proprietaCustom", q.ProprietaCustom)
		}
		if sumOK && len(c.Quote) > 0 && voce.Importo.Valid() == nil && sum != voce.Importo.Centesimi() {
			v.Addf(f("contabilita.quote"), "amounts must sum to the voce's importo (%s), sum to %s", voce.Importo, govpay.Centesimi(sum))
		}
		checkObject(v, f("contabilita.proprietaCustom"), c.ProprietaCustom)
	}
	if m := voce.Metadata; m != nil {
		switch n := len(m.MapEntries); {
		case n == 0:
			v.Add(f("metadata.mapEntries"), "must have 1 to 5 entries")
		case n > MaxMetadata:
			v.Addf(f("metadata.mapEntries"), "must have at most %d entries, has %d", MaxMetadata, n)
		}
		for i, e := range m.MapEntries {
			ep := f("metadata.mapEntries[" + strconv.Itoa(i) + "]")
			checkLen(v, ep+".key", e.Key, 1, 140)
			checkLen(v, ep+".value", e.Value, 1, 140)
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

func maxLen(v *govpay.ValidationError, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.Addf(field, "must be at most %d characters", max)
	}
}

func checkLen(v *govpay.ValidationError, field, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && min > 0:
		v.Add(field, "required")
	case n < min:
		v.Addf(field, "must be at least %d characters", min)
	case n > max:
		v.Addf(field, "must be at most %d characters", max)
	}
}

func checkImporto(v *govpay.ValidationError, field string, i govpay.Importo) {
	if i.Valid() != nil {
		v.Add(field, "must be between 0.00 and 999999999.99")
	}
}

func checkObject(v *govpay.ValidationError, field string, raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil && string(raw) != "null" {
		v.Add(field, "must be a JSON object")
	}
}

func checkDominio(v *govpay.ValidationError, field, s string, required, strict bool) {
	switch {
	case s == "":
		if required {
			v.Add(field, "required")
		}
	case !reIDDominio.MatchString(s):
		v.Add(field, "must be 11 digits")
	case strict && !partitaIVAOK(s):
		v.Add(field, "check digit is wrong (strict mode)")
	}
}

func checkIBAN(v *govpay.ValidationError, field, s string, required, strict bool) {
	switch {
	case s == "":
		if required {
			v.Add(field, "required")
		}
	case !reIBAN.MatchString(s):
		v.Add(field, "must be an IBAN (two letters, two digits, up to 30 letters or digits)")
	case strict && !ibanOK(s):
		v.Add(field, "IBAN checksum (mod 97) is wrong (strict mode)")
	}
}

func checkSoggetto(v *govpay.ValidationError, field string, s Soggetto, strict bool) {
	v.Merge(field, s.Validate())
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
