package pendenze

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/javastr"
	"github.com/govpaygo/govpay/internal/verr"
	"github.com/govpaygo/govpay/ricevute"
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
	// MaxVoci is the largest number of voci in a pendenza
	// (NuovaPendenza.java:604).
	MaxVoci = 5
	// MaxMetadata is the largest number of metadata entries of a voce
	// (Metadata.java:110).
	MaxMetadata = 15
)

// Validate checks p against the rules GovPay 3.9.1's server applies to the
// body of PUT /pendenze/{idA2A}/{idPendenza} of API Pendenze v2 that do
// not depend on GovPay's registry (configured domains, tipi pendenza,
// entrate, IBANs), so that a pendenza GovPay would refuse never reaches
// the wire and one GovPay accepts is never refused. It returns nil or a
// *govpay.ValidationError listing every violation, each with its field
// path as in the JSON body ("voci[2].importo", "soggettoPagatore.email").
//
// The rules, with their source in GovPay, are listed in CONFORMANCE.md
// ("Validation rules: pendenza"): identifier patterns (idDominio,
// idUnitaOperativa, idTipoPendenza, direzione, divisione, idVocePendenza,
// codEntrata, documento.identificativo), text lengths counted in UTF-16
// units as Java does (causale 1–140, voce descrizione 1–255, …), amounts
// greater than 0 and at most 999,999,999.99 (GovPay refuses 0), importo
// equal to the sum of the voci (VER_002) and every voce's quotas summing
// to the voce (VER_035), unique voce ids (VER_001), 1–5 voci, 1–15
// metadata entries, the numero avviso (18 digits, aux digit 0–3, and
// check digits: a pagoPA rule GovPay only logs), IBAN format, codice
// contabilita (3–138 characters without white space), the documento
// (rata ≥ 1; soglia ENTRO/OLTRE with more than 1 day, SCONTATO/RIDOTTO
// without days) and the optional payer ([govpay.Soggetto.Validate]; an
// empty identificativo is recorded by GovPay as ANONIMO).
//
// Two checks are the SDK's own, because the value could not be sent as it
// is: texts must be valid UTF-8 (json.Marshal would replace invalid bytes)
// and opaque JSON fields must be valid JSON. [Pendenza.ValidateStrict]
// adds the checks GovPay does not make.
func (p Pendenza) Validate() error { return p.validate(false) }

// ValidateStrict is Validate plus checks GovPay 3.9.1 itself does not
// make: the check digit of idDominio (of the pendenza and of every voce),
// the mod-97 checksum of every IBAN, a payer with tipo and identificativo
// whose check character is right (an identificativo of 16 characters
// must be a valid codice fiscale, one of 11 digits a valid partita IVA;
// "ANONIMO" stays allowed, other identifiers are refused), a causale that
// is not blank, texts without control characters (U+0000–U+001F), a
// documento with exactly one of rata and soglia, and descrizioneImporto
// amounts greater than 0. Use it when the data comes from a source that
// should only hold real identifiers.
func (p Pendenza) ValidateStrict() error { return p.validate(true) }

func (p *Pendenza) validate(strict bool) error {
	v := verr.New("pendenza")
	p.check(v, strict)
	return v.Err()
}

// check records every violation of p in v. Sources are classes of
// link-it/govpay at 1840dca (GovPay 3.9.1); NuovaPendenza.java:582-617 is
// the entry point (PendenzeController.java:372-373).
func (p *Pendenza) check(v *verr.Builder, strict bool) {
	// NuovaPendenza.java:589, ValidatoreIdentificativi.java:104-110,
	// PATTERN_ID_TIPO_VERSAMENTO (CostantiValidazione.java:39).
	if p.IDTipoPendenza != "" && !reIDTipo.MatchString(p.IDTipoPendenza) {
		v.Add("idTipoPendenza", "must match ^[a-zA-Z0-9\\-_.]{1,35}$")
	}
	// NuovaPendenza.java:587, PATTERN_ID_DOMINIO (CostantiValidazione.java:35).
	checkDominio(v, at("idDominio"), p.IDDominio, true, strict)
	// NuovaPendenza.java:588, PATTERN_ID_UO (CostantiValidazione.java:36).
	checkID(v, at("idUnitaOperativa"), p.IDUnitaOperativa)
	// ValidatoreUtils.validaCausale (ValidatoreUtils.java:93-95): not
	// null, 1–140; a blank causale is accepted.
	checkLen(v, at("causale"), p.Causale, 1, 140)
	checkText(v, at("causale"), p.Causale, strict)
	if strict && p.Causale != "" && strings.TrimSpace(p.Causale) == "" {
		v.Add("causale", "must not be blank (strict mode)")
	}
	// Optional payer (NuovaPendenza.java:593-594).
	if p.SoggettoPagatore != (govpay.Soggetto{}) {
		checkSoggetto(v, "soggettoPagatore", p.SoggettoPagatore, strict)
	}
	// ValidatoreUtils.validaImporto (ValidatoreUtils.java:105-123).
	checkImporto(v, at("importo"), p.Importo)
	if p.NumeroAvviso != "" {
		if err := checkNumeroAvviso(p.NumeroAvviso); err != nil {
			v.Add("numeroAvviso", err.Error())
		}
	}
	// ValidatoreUtils.validaTassonomia (ValidatoreUtils.java:81-83).
	maxLen(v, at("tassonomia"), p.Tassonomia, 35)
	// PendenzeConverter.java:408-412.
	if p.TassonomiaAvviso != "" && !p.TassonomiaAvviso.Known() {
		v.Add("tassonomiaAvviso", "must be one of AgID's categories (see the Tassonomia constants)")
	}
	// NuovaPendenza.java:606-607, PATTERN_ID_DIREZIONE and
	// PATTERN_ID_DIVISIONE (CostantiValidazione.java:47-48).
	checkID(v, at("direzione"), p.Direzione)
	checkID(v, at("divisione"), p.Divisione)
	// ValidatoreUtils.validaAnnoRiferimento (ValidatoreUtils.java:135-138):
	// the integer part matches ^[0-9]{4}$.
	if p.AnnoRiferimento != 0 && (p.AnnoRiferimento < 1000 || p.AnnoRiferimento > 9999) {
		v.Add("annoRiferimento", "must be a year of 4 digits")
	}
	// ValidatoreUtils.validaCartellaPagamento (ValidatoreUtils.java:85-87).
	maxLen(v, at("cartellaPagamento"), p.CartellaPagamento, 35)
	checkJSON(v, at("datiAllegati"), p.DatiAllegati)
	if d := p.Documento; d != nil {
		p.checkDocumento(v, d, strict)
	}
	if pr := p.Proprieta; pr != nil {
		checkProprieta(v, pr, strict)
	}

	// NuovaPendenza.java:604.
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
		// VER_001 (VersamentoUtils.java:138-142).
		if voce.IDVocePendenza != "" {
			for j := range i {
				if p.Voci[j].IDVocePendenza == voce.IDVocePendenza {
					v.Addf(path{voce: i, name: "idVocePendenza"}.String(), "duplicate of voci[%d].idVocePendenza (GovPay refuses it with VER_001)", j)
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
	// VER_002 (VersamentoUtils.java:146-148).
	if sumOK && len(p.Voci) > 0 && p.Importo.Valid() == nil && sum != p.Importo.Centesimi() {
		v.Addf("importo", "must equal the sum of the voci (%s), is %s (GovPay refuses it with VER_002)", govpay.Centesimi(sum), p.Importo)
	}
	// GovPay 3.9 dropped VER_031 (a numero avviso on a pendenza of several
	// voci with a marca da bollo, VersamentoUtils.java:688): no check.

	// NuovoAllegatoPendenza.java:169-177, via NuovaPendenza.java:616.
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

// checkDocumento checks the documento (NuovoDocumento.java:172-184, the
// converter PendenzeConverter.java:428-449).
func (p *Pendenza) checkDocumento(v *verr.Builder, d *Documento, strict bool) {
	// ValidatoreIdentificativi.validaIdDocumento, PATTERN_ID_DOCUMENTO
	// (CostantiValidazione.java:51): required.
	if d.Identificativo == "" {
		v.Add("documento.identificativo", "required")
	} else {
		checkID(v, at("documento.identificativo"), d.Identificativo)
	}
	// NuovoDocumento.java:178.
	checkLen(v, at("documento.descrizione"), d.Descrizione, 1, 255)
	switch {
	case d.Rata < 0:
		// ValidatoreUtils.validaRata (ValidatoreUtils.java:229-231): ≥ 1.
		v.Add("documento.rata", "must be at least 1")
	case strict && d.Rata > 0 && d.Soglia != nil:
		v.Add("documento", "must have either rata or soglia, not both (strict mode)")
	case strict && d.Rata == 0 && d.Soglia == nil:
		v.Add("documento", "must have rata or soglia (strict mode)")
	}
	s := d.Soglia
	if s == nil {
		return
	}
	// The converter refuses an unknown tipo even next to a rata
	// (PendenzeConverter.java:434-439, TipoSogliaVincoloPagamento.java:36-49).
	switch s.Tipo {
	case SogliaEntro, SogliaOltre:
		// VincoloPagamento.java:155-158, validated only without a rata
		// (NuovoDocumento.java:179-183): ValidatoreUtils.validaSogliaGiorni
		// (ValidatoreUtils.java:233-235) refuses giorni ≤ 1 (minOrEquals,
		// BigDecimalValidator.java:86-91).
		if d.Rata == 0 && s.Giorni <= 1 {
			v.Add("documento.soglia.giorni", "must be more than 1 for ENTRO and OLTRE")
		}
	case SogliaScontato, SogliaRidotto:
		// VincoloPagamento.java:159-166: no giorni.
		if d.Rata == 0 && s.Giorni != 0 {
			v.Add("documento.soglia.giorni", "must be absent for SCONTATO and RIDOTTO")
		}
	default:
		v.Add("documento.soglia.tipo", "must be ENTRO, OLTRE, SCONTATO or RIDOTTO")
	}
}

// checkProprieta checks the proprieta (ProprietaPendenza.java:279-290).
func checkProprieta(v *verr.Builder, pr *Proprieta, strict bool) {
	switch pr.LinguaSecondaria {
	case "", LinguaNessuna, LinguaTedesco, LinguaInglese, LinguaFrancese, LinguaSloveno:
	default:
		v.Add("proprieta.linguaSecondaria", "must be false, de, en, fr or sl")
	}
	// VoceDescrizioneImporto.validate checks nothing
	// (VoceDescrizioneImporto.java:125-128); an amount out of range
	// cannot be encoded, and strict mode wants it positive.
	for i, d := range pr.DescrizioneImporto {
		f := at(fmt.Sprintf("proprieta.descrizioneImporto[%d].importo", i))
		if err := d.Importo.Valid(); err != nil {
			v.Add(f.String(), "must be between 0.00 and 999999999.99")
		} else if strict && d.Importo == 0 {
			v.Add(f.String(), "must be more than 0 (strict mode)")
		}
	}
	if pr.InformativaImportoAvviso != nil {
		maxLen(v, at("proprieta.informativaImportoAvviso"), *pr.InformativaImportoAvviso, 255)
	}
	if pr.LinguaSecondariaInformativaImportoAvviso != nil {
		maxLen(v, at("proprieta.linguaSecondariaInformativaImportoAvviso"), *pr.LinguaSecondariaInformativaImportoAvviso, 255)
	}
}

// Validate checks the voce alone against GovPay's rules (see
// [Pendenza.Validate]); field paths are relative to the voce.
func (voce Voce) Validate() error {
	v := verr.New("voce")
	voce.validate(v, -1, false)
	return v.Err()
}

// validate records the violations of the voce at index idx of the voci
// (-1 for a voce alone): NuovaVocePendenza.java:467-536.
func (voce *Voce) validate(v *verr.Builder, idx int, strict bool) {
	f := func(name string) path { return path{voce: idx, name: name} }
	// :471, PATTERN_ID_VOCE_PENDENZA (CostantiValidazione.java:43).
	if voce.IDVocePendenza == "" {
		v.Add(f("idVocePendenza").String(), "required")
	} else {
		checkID(v, f("idVocePendenza"), voce.IDVocePendenza)
	}
	// :472.
	checkImporto(v, f("importo"), voce.Importo)
	// :473, ValidatoreUtils.validaDescrizione (ValidatoreUtils.java:148-150).
	checkLen(v, f("descrizione"), voce.Descrizione, 1, 255)
	checkText(v, f("descrizione"), voce.Descrizione, strict)
	// :474, ValidatoreUtils.validaDescrizioneCausaleRPT (ValidatoreUtils.java:152-154).
	maxLen(v, f("descrizioneCausaleRPT"), voce.DescrizioneCausaleRPT, 140)
	checkText(v, f("descrizioneCausaleRPT"), voce.DescrizioneCausaleRPT, strict)
	// :478-480.
	if voce.IDDominio != "" {
		checkDominio(v, f("idDominio"), voce.IDDominio, false, strict)
	}
	checkJSON(v, f("datiAllegati"), voce.DatiAllegati)

	switch k := kindOf(voce.Kind).(type) {
	case Accredito:
		// :517-530; ValidatoreIdentificativi.java:124-130, PATTERN_IBAN_ACCREDITO
		// (CostantiValidazione.java:30).
		checkIBAN(v, f("ibanAccredito"), k.IBANAccredito, true, strict)
		checkIBAN(v, f("ibanAppoggio"), k.IBANAppoggio, false, strict)
		// :521, ValidatoreUtils.validaTipoContabilita (ValidatoreUtils.java:167-175).
		switch k.TipoContabilita {
		case ContabilitaCapitolo, ContabilitaSpeciale, ContabilitaSIOPE, ContabilitaAltro:
		case "":
			v.Add(f("tipoContabilita").String(), "required (CAPITOLO, SPECIALE, SIOPE or ALTRO)")
		default:
			v.Add(f("tipoContabilita").String(), "must be CAPITOLO, SPECIALE, SIOPE or ALTRO")
		}
		// :522, ValidatoreUtils.validaCodiceContabilita (ValidatoreUtils.java:
		// 140-146), PATTERN_COD_CONTABILITA (CostantiValidazione.java:45).
		checkCodiceContabilita(v, f("codiceContabilita"), k.CodiceContabilita)
	case Entrata:
		// :482-483, PATTERN_ID_ENTRATA (CostantiValidazione.java:38).
		if !reIDTipo.MatchString(k.CodEntrata) {
			if k.CodEntrata == "" {
				v.Add(f("codEntrata").String(), "required")
			} else {
				v.Add(f("codEntrata").String(), "must match ^[a-zA-Z0-9\\-_.]{1,35}$")
			}
		}
	case Bollo:
		// :499-503: tipoBollo "01" (TipoBolloEnum, NuovaVocePendenza.java:298-303),
		// ValidatoreUtils.java:221-227.
		if k.TipoBollo != "" && k.TipoBollo != ricevute.BolloImpostaDiBollo {
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
		// :532-534.
		v.Add(f("kind").String(), "required: exactly one of ibanAccredito (Accredito), codEntrata (Entrata), tipoBollo (Bollo)")
	}

	// :475, Contabilita.java:125-129, QuotaContabilita.java:281-296.
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
			checkJSON(v, path{voce: idx, prefix: qp, name: "proprietaCustom"}, q.ProprietaCustom)
		}
		// VER_035 (PendenzeConverter.java:499-509).
		if sumOK && len(c.Quote) > 0 && voce.Importo.Valid() == nil && sum != voce.Importo.Centesimi() {
			v.Addf(f("contabilita.quote").String(), "amounts must sum to the voce's importo (%s), sum to %s (GovPay refuses it with VER_035)", voce.Importo, govpay.Centesimi(sum))
		}
		checkJSON(v, f("contabilita.proprietaCustom"), c.ProprietaCustom)
	}
	// :476, Metadata.java:107-111, MapEntry.java:126-131.
	if m := voce.Metadata; m != nil {
		switch n := len(m.MapEntries); {
		case n == 0:
			v.Add(f("metadata.mapEntries").String(), "must have 1 to 15 entries")
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

// maxLen refuses s longer than max UTF-16 units (StringValidator.maxLength).
func maxLen(v *verr.Builder, field path, s string, max int) {
	if len(s) > max && javastr.Len(s) > max {
		v.Addf(field.String(), "must be at most %d characters", max)
	}
}

// checkLen refuses s outside min…max UTF-16 units (StringValidator.notNull,
// minLength, maxLength).
func checkLen(v *verr.Builder, field path, s string, min, max int) {
	n := javastr.Len(s)
	switch {
	case n == 0 && min > 0:
		v.Add(field.String(), "required")
	case n < min:
		v.Addf(field.String(), "must be at least %d characters", min)
	case n > max:
		v.Addf(field.String(), "must be at most %d characters", max)
	}
}

// checkID refuses an identifier that does not match ^[a-zA-Z0-9\-_]{1,35}$
// (the pattern of ids of UO, direzione, divisione, voce, documento:
// CostantiValidazione.java:36,43,47,48,51); empty means absent.
func checkID(v *verr.Builder, field path, s string) {
	if s != "" && !reID.MatchString(s) {
		v.Add(field.String(), "must match ^[a-zA-Z0-9\\-_]{1,35}$")
	}
}

// checkImporto applies ValidatoreUtils.validaImporto
// (ValidatoreUtils.java:105-123): more than 0 (minOrEquals(0) refuses 0,
// BigDecimalValidator.java:86-91), at most 999,999,999.99, at most 2
// decimals (govpay.Importo holds cents).
func checkImporto(v *verr.Builder, field path, i govpay.Importo) {
	if i <= 0 || i > govpay.MaxImporto {
		v.Add(field.String(), "must be more than 0.00 and at most 999999999.99")
	}
}

// checkCodiceContabilita applies ^\S{3,138}$ and a maximum of 255 UTF-16
// units (ValidatoreUtils.java:140-146): \S is anything but space, \t, \n,
// \v, \f, \r, and the pattern counts code points.
func checkCodiceContabilita(v *verr.Builder, field path, s string) {
	if s == "" {
		v.Add(field.String(), "required")
		return
	}
	n := 0
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			v.Add(field.String(), "must not contain white space (^\\S{3,138}$)")
			return
		}
		n++
	}
	if n < 3 || n > 138 || javastr.Len(s) > 255 {
		v.Add(field.String(), "must have 3 to 138 characters (^\\S{3,138}$)")
	}
}

// checkJSON refuses opaque JSON that is not valid JSON: json.Marshal could
// not send it. GovPay takes any JSON value (an Object in its beans).
func checkJSON(v *verr.Builder, field path, raw json.RawMessage) {
	if len(raw) != 0 && !json.Valid(raw) {
		v.Add(field.String(), "must be valid JSON")
	}
}

func checkDominio(v *verr.Builder, field path, s string, required, strict bool) {
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

func checkIBAN(v *verr.Builder, field path, s string, required, strict bool) {
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

// checkText refuses invalid UTF-8, which json.Marshal would replace by
// U+FFFD, so GovPay would store another text (the SDK's own rule). In
// strict mode it also refuses C0 control characters (U+0000 to U+001F,
// tab and newline included), which GovPay accepts.
func checkText(v *verr.Builder, field path, s string, strict bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 && strict:
			v.Add(field.String(), "must not contain control characters (U+0000 to U+001F) (strict mode)")
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

// checkSoggetto checks a payer that is present. GovPay records a payer
// without identificativo as ANONIMO (PendenzeConverter.java:535-537), so
// an empty identificativo is checked as ANONIMO; tipo is optional.
func checkSoggetto(v *verr.Builder, field string, s govpay.Soggetto, strict bool) {
	cp := s
	if strings.TrimSpace(cp.Identificativo) == "" {
		cp.Identificativo = "ANONIMO"
	}
	if !strict {
		// GovPay's TipoSoggetto.fromValue turns an unknown tipo into null
		// (TipoSoggetto.java:58-66, a Jackson @JsonCreator) and the payer
		// is stored without tipo: accepted; strict mode refuses it.
		if cp.Tipo != govpay.SoggettoFisico && cp.Tipo != govpay.SoggettoGiuridico {
			cp.Tipo = ""
		}
		v.Merge(field, cp.Validate())
	} else {
		v.Merge(field, s.Validate())
		if s.Tipo == "" {
			v.Add(field+".tipo", "required (F or G) (strict mode)")
		}
	}
	for _, f := range [...]struct{ name, val string }{
		{"identificativo", s.Identificativo}, {"anagrafica", s.Anagrafica}, {"indirizzo", s.Indirizzo},
		{"civico", s.Civico}, {"cap", s.CAP}, {"localita", s.Localita}, {"provincia", s.Provincia},
		{"email", s.Email}, {"cellulare", s.Cellulare},
	} {
		checkText(v, path{voce: -1, prefix: field, name: f.name}, f.val, strict)
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

// checkNumeroAvviso checks a numero avviso: 18 digits
// (ValidatoreUtils.java:130-131) whose first is 0–3 (IuvUtils.toIuv,
// IuvUtils.java:148-171), and its check digits. GovPay only logs wrong
// check digits (Iuv.checkIUV, Iuv.java:111-115); the SDK refuses them
// because pagoPA cannot pay such a notice (DESIGN §5).
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
