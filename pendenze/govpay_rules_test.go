package pendenze

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/govpaygo/govpay"
)

// This file checks Validate against what GovPay 3.9.1's server does with
// the body of PUT /pendenze/{idA2A}/{idPendenza} (API Pendenze v2). Every
// row is a body written for this test from GovPay's validators (not taken
// from GovPay's own tests), GovPay's verdict on it with the class and line
// that decides it (link-it/govpay at 1840dca), and, when the SDK's verdict
// differs on purpose, the reason. GovPay's verdict assumes that its
// registry knows the domain, tipo pendenza, unità operativa, entrate and
// IBANs the body names: the rules that depend on the registry (DOM_000,
// TVD_000, VER_020, VER_027, …) are not the SDK's to check.

// accept is GovPay's verdict on a body it loads (201/200).
const accept = "accept"

// govpayRule is one row of TestGovPayBehaviour.
type govpayRule struct {
	name string
	// body is the JSON body of the PUT.
	body string
	// govpay is accept, or GovPay's refusal (its code, or what its message
	// says, in our words).
	govpay string
	// source is the class and line of GovPay that decides.
	source string
	// field is the field the SDK's ValidationError must name when it
	// refuses the body ("" when decoding already fails, or not checked).
	field string
	// diff, when set, documents why the SDK's verdict differs from
	// GovPay's; the test then requires the difference.
	diff string
}

// Pieces of the bodies.
const (
	testIBAN    = "IT60X0542811101000000123456"
	testAvviso  = "301000000000001861" // aux digit 3, right check digits
	basePayer   = `{"tipo":"F","identificativo":"RSSMRA30A01H501I","anagrafica":"Mario Rossi"}`
	baseEntrata = `"importo":10.00,"descrizione":"Diritti di istruttoria","ibanAccredito":"` + testIBAN + `","tipoContabilita":"ALTRO","codiceContabilita":"9/0101"`
	baseRif     = `"importo":10.00,"descrizione":"Diritti di segreteria","codEntrata":"SEGRETERIA"`
	baseBollo   = `"importo":16.00,"descrizione":"Marca da bollo","tipoBollo":"01","hashDocumento":"a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=","provinciaResidenza":"RO"`
)

// member is one name and raw value of a JSON object.
type member struct {
	name  string
	value json.RawMessage
}

// members splits the members of the JSON object s, or of "{" + s + "}",
// in order.
func members(s string) []member {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if s[0] != '{' {
		s = "{" + s + "}"
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		panic(err)
	}
	var out []member
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			panic("members of " + s + ": " + err.Error())
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			panic("members of " + s + ": " + err.Error())
		}
		out = append(out, member{k.(string), v})
	}
	return out
}

// object writes base with the members of over replacing or following it.
func object(base, over string) string {
	ms := members(base)
	for _, o := range members(over) {
		replaced := false
		for i := range ms {
			if ms[i].name == o.name {
				ms[i].value, replaced = o.value, true
			}
		}
		if !replaced {
			ms = append(ms, o)
		}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(m.name))
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.String()
}

// ent, rif and bol write a voce of each kind with extra members.
func ent(extra string) string { return object(baseEntrata, extra) }
func rif(extra string) string { return object(baseRif, extra) }
func bol(extra string) string { return object(baseBollo, extra) }

// pend writes a pendenza: the base members (idTipoPendenza, idDominio,
// causale, soggettoPagatore, importo) with top's members replacing or
// following them, and voci (numbered "1", "2", … unless they name
// themselves). Its importo is the sum of the voci unless top sets it.
func pend(top string, voci ...string) string {
	var sum govpay.Importo
	list := make([]string, len(voci))
	for i, v := range voci {
		var w struct {
			ID      *string         `json:"idVocePendenza"`
			Importo json.RawMessage `json:"importo"`
		}
		if json.Unmarshal([]byte(v), &w) == nil {
			var imp govpay.Importo
			if json.Unmarshal(w.Importo, &imp) == nil {
				sum += imp
			}
		}
		if w.ID == nil {
			v = object(`"idVocePendenza":"`+strconv.Itoa(i+1)+`"`, v)
		}
		list[i] = v
	}
	base := `"idTipoPendenza":"LIBERO","idDominio":"01234567890","causale":"Diritti di segreteria",` +
		`"soggettoPagatore":` + basePayer + `,"importo":` + sum.String()
	body := object(base, top)
	if len(voci) > 0 {
		body = object(body, `"voci":[`+strings.Join(list, ",")+`]`)
	}
	return body
}

// payer writes a pendenza whose payer has these members.
func payer(extra string) string {
	return pend(`"soggettoPagatore":`+object(basePayer, extra), ent(""))
}

// rep repeats s n times.
func rep(s string, n int) string { return strings.Repeat(s, n) }

// metadataOf writes a metadata of n entries.
func metadataOf(n int) string {
	e := make([]string, n)
	for i := range e {
		e[i] = `{"key":"k` + strconv.Itoa(i) + `","value":"v"}`
	}
	return `"metadata":{"mapEntries":[` + strings.Join(e, ",") + `]}`
}

// govpayRules is the table of TestGovPayBehaviour.
var govpayRules = []govpayRule{
	// --- whole bodies
	{"one voce to an IBAN", pend("", ent("")), accept, "NuovaPendenza.java:582-617", "", ""},
	{"three voci, one of each kind", pend("", rif(""), ent(""), bol("")), accept, "NuovaVocePendenza.java:467-536", "", ""},
	{"no voci", pend(`"importo":10.00,"voci":[]`), "voci: at least 1 element", "NuovaPendenza.java:604", "voci", ""},
	{"voci null", pend(`"importo":10.00,"voci":null`), "voci must not be empty", "NuovaPendenza.java:604", "voci", ""},
	{"five voci", pend("", ent(""), ent(""), ent(""), ent(""), ent("")), accept, "NuovaPendenza.java:604", "", ""},
	{"six voci", pend("", ent(""), ent(""), ent(""), ent(""), ent(""), ent("")), "voci: at most 5 elements", "NuovaPendenza.java:604", "voci", ""},
	{"a null voce", pend(`"importo":10.00,"voci":[` + ent(`"idVocePendenza":"1"`) + `,null]`), "element 1 of voci is empty", "ObjectListValidator.java:76-78", "voci[1].kind", ""},
	{"duplicate idVocePendenza", pend("", ent(`"idVocePendenza":"A"`), rif(`"idVocePendenza":"A"`)), "VER_001", "VersamentoUtils.java:138-142", "voci[1].idVocePendenza", ""},
	{"importo not the sum of the voci", pend(`"importo":11.00`, ent("")), "VER_002", "VersamentoUtils.java:146-148", "importo", ""},

	// --- payer: optional since GovPay 3.x, recorded as ANONIMO
	{"no soggettoPagatore", `{"idDominio":"01234567890","causale":"Diritti","importo":10.00,"voci":[` + ent(`"idVocePendenza":"1"`) + `]}`, accept, "NuovaPendenza.java:593-594, PendenzeConverter.java:533-540", "", ""},
	{"soggettoPagatore null", pend(`"soggettoPagatore":null`, ent("")), accept, "NuovaPendenza.java:593-594", "", ""},
	{"soggettoPagatore empty object", pend(`"soggettoPagatore":{}`, ent("")), accept, "PendenzeConverter.java:533-540", "", ""},
	{"payer with anagrafica only", pend(`"soggettoPagatore":{"anagrafica":"Mario Rossi"}`, ent("")), accept, "SoggettoPagatoreValidator.java:120-122, PendenzeConverter.java:535-537", "", ""},
	{"payer with empty identificativo", payer(`"identificativo":""`), accept, "PendenzeConverter.java:535-537 (blank → ANONIMO)", "", ""},
	{"payer without tipo", pend(`"soggettoPagatore":{"identificativo":"RSSMRA30A01H501I"}`, ent("")), accept, "SoggettoPagatoreValidator.java:96-98", "", ""},
	{"payer tipo G", payer(`"tipo":"G","identificativo":"80015010723"`), accept, "TipoSoggetto.java:38-41", "", ""},
	{"payer tipo X is dropped", payer(`"tipo":"X"`), accept, "TipoSoggetto.java:58-66 (unknown → null)", "", ""},
	{"payer ANONIMO", payer(`"identificativo":"ANONIMO"`), accept, "SoggettoPagatoreValidator.java:120-122", "", ""},
	{"identificativo 16", payer(`"identificativo":"` + rep("A", 16) + `"`), accept, "SoggettoPagatoreValidator.java:120-122", "", ""},
	{"identificativo 17", payer(`"identificativo":"` + rep("A", 17) + `"`), "identificativo: at most 16 characters", "SoggettoPagatoreValidator.java:120-122", "soggettoPagatore.identificativo", ""},
	{"anagrafica 70", payer(`"anagrafica":"` + rep("a", 70) + `"`), accept, "SoggettoPagatoreValidator.java:110-112", "", ""},
	{"anagrafica 71", payer(`"anagrafica":"` + rep("a", 71) + `"`), "anagrafica: at most 70 characters", "SoggettoPagatoreValidator.java:110-112", "soggettoPagatore.anagrafica", ""},
	{"anagrafica 69 + emoji = 71 UTF-16 units", payer(`"anagrafica":"` + rep("a", 69) + `😀"`), "anagrafica: at most 70 characters (Java length)", "SoggettoPagatoreValidator.java:110-112, StringValidator.java:64-70", "soggettoPagatore.anagrafica", ""},
	{"indirizzo 70", payer(`"indirizzo":"` + rep("v", 70) + `"`), accept, "SoggettoPagatoreValidator.java:84-86", "", ""},
	{"indirizzo 71", payer(`"indirizzo":"` + rep("v", 71) + `"`), "indirizzo: at most 70 characters", "SoggettoPagatoreValidator.java:84-86", "soggettoPagatore.indirizzo", ""},
	{"civico 16", payer(`"civico":"` + rep("1", 16) + `"`), accept, "SoggettoPagatoreValidator.java:80-82", "", ""},
	{"civico 17", payer(`"civico":"` + rep("1", 17) + `"`), "civico: at most 16 characters", "SoggettoPagatoreValidator.java:80-82", "soggettoPagatore.civico", ""},
	{"cap 16", payer(`"cap":"` + rep("0", 16) + `"`), accept, "SoggettoPagatoreValidator.java:76-78", "", ""},
	{"cap 17", payer(`"cap":"` + rep("0", 17) + `"`), "cap: at most 16 characters", "SoggettoPagatoreValidator.java:76-78", "soggettoPagatore.cap", ""},
	{"localita 35", payer(`"localita":"` + rep("l", 35) + `"`), accept, "SoggettoPagatoreValidator.java:72-74", "", ""},
	{"localita 36", payer(`"localita":"` + rep("l", 36) + `"`), "localita: at most 35 characters", "SoggettoPagatoreValidator.java:72-74", "soggettoPagatore.localita", ""},
	{"provincia 35", payer(`"provincia":"` + rep("p", 35) + `"`), accept, "SoggettoPagatoreValidator.java:68-70", "", ""},
	{"provincia 36", payer(`"provincia":"` + rep("p", 36) + `"`), "provincia: at most 35 characters", "SoggettoPagatoreValidator.java:68-70", "soggettoPagatore.provincia", ""},
	{"empty indirizzo", payer(`"indirizzo":""`), "indirizzo: at least 1 character", "SoggettoPagatoreValidator.java:84-86", "",
		"the SDK holds an empty field as absent and omits it on the wire: the body it sends has no indirizzo, which GovPay accepts"},
	{"nazione IT", payer(`"nazione":"IT"`), accept, "SoggettoPagatoreValidator.java:64-66", "", ""},
	{"nazione lowercase", payer(`"nazione":"it"`), "nazione: pattern ^[A-Z]{2}$", "SoggettoPagatoreValidator.java:64-66, CostantiValidazione.java:54", "soggettoPagatore.nazione", ""},
	{"nazione of 3 letters", payer(`"nazione":"ITA"`), "nazione: length 2", "SoggettoPagatoreValidator.java:64-66", "soggettoPagatore.nazione", ""},
	{"email", payer(`"email":"mario.rossi+tari@comune.example.it"`), accept, "SoggettoPagatoreValidator.java:60-62, CostantiValidazione.java:55", "", ""},
	{"email without a dot in the domain", payer(`"email":"admin@localhost"`), accept, "CostantiValidazione.java:55", "", ""},
	{"email with two @", payer(`"email":"verdi@giuseppe@email"`), "email: pattern", "CostantiValidazione.java:55", "soggettoPagatore.email", ""},
	{"email with an accented letter", payer(`"email":"nicolò@comune.it"`), "email: pattern (ASCII only)", "CostantiValidazione.java:55", "soggettoPagatore.email", ""},
	{"email with two dots in the domain", payer(`"email":"a@b..it"`), "email: pattern", "CostantiValidazione.java:55", "soggettoPagatore.email", ""},
	{"cellulare in GovPay's form", payer(`"cellulare":"+39 333-1234567"`), accept, "SoggettoPagatoreValidator.java:56-58, CostantiValidazione.java:56", "", ""},
	{"cellulare without space and dash", payer(`"cellulare":"+390000000000"`), "cellulare: pattern", "CostantiValidazione.java:56", "soggettoPagatore.cellulare", ""},
	{"cellulare without prefix", payer(`"cellulare":"333 1234567"`), "cellulare: pattern", "CostantiValidazione.java:56", "soggettoPagatore.cellulare", ""},

	// --- identifiers of the pendenza
	{"idDominio of the demo (wrong check digit)", pend("", ent("")), accept, "NuovaPendenza.java:587, CostantiValidazione.java:35", "", ""},
	{"idDominio missing", pend(`"idDominio":null`, ent("")), "idDominio must not be empty", "ValidatoreIdentificativi.java:68-70", "idDominio", ""},
	{"idDominio of 10 digits", pend(`"idDominio":"0123456789"`, ent("")), "idDominio: pattern ^([0-9]){11}$", "CostantiValidazione.java:35", "idDominio", ""},
	{"idDominio of 12 digits", pend(`"idDominio":"012345678901"`, ent("")), "idDominio: length 11", "CostantiValidazione.java:35", "idDominio", ""},
	{"idDominio with a letter", pend(`"idDominio":"0123456789A"`, ent("")), "idDominio: pattern", "CostantiValidazione.java:35", "idDominio", ""},
	{"no idTipoPendenza", pend(`"idTipoPendenza":null`, ent("")), accept, "NuovaPendenza.java:589 (optional), VersamentoUtils.java:713-727", "", ""},
	{"idTipoPendenza with a dot", pend(`"idTipoPendenza":"IMU.2026"`, ent("")), accept, "CostantiValidazione.java:39", "", ""},
	{"idTipoPendenza 35", pend(`"idTipoPendenza":"`+rep("T", 35)+`"`, ent("")), accept, "CostantiValidazione.java:39", "", ""},
	{"idTipoPendenza 36", pend(`"idTipoPendenza":"`+rep("T", 36)+`"`, ent("")), "idTipoPendenza: at most 35", "ValidatoreIdentificativi.java:104-110", "idTipoPendenza", ""},
	{"idTipoPendenza with a space", pend(`"idTipoPendenza":"TARI 2026"`, ent("")), "idTipoPendenza: pattern", "CostantiValidazione.java:39", "idTipoPendenza", ""},
	{"idUnitaOperativa", pend(`"idUnitaOperativa":"UO-1"`, ent("")), accept, "NuovaPendenza.java:588, CostantiValidazione.java:36", "", ""},
	{"idUnitaOperativa with a dot", pend(`"idUnitaOperativa":"UO.1"`, ent("")), "idUnitaOperativa: pattern", "CostantiValidazione.java:36", "idUnitaOperativa", ""},
	{"direzione 35", pend(`"direzione":"`+rep("d", 35)+`"`, ent("")), accept, "NuovaPendenza.java:606, CostantiValidazione.java:47", "", ""},
	{"direzione 36", pend(`"direzione":"`+rep("d", 36)+`"`, ent("")), "direzione: at most 35", "ValidatoreIdentificativi.java:176-182", "direzione", ""},
	{"direzione with a space", pend(`"direzione":"Dir. Tributi"`, ent("")), "direzione: pattern", "CostantiValidazione.java:47", "direzione", ""},
	{"divisione with a slash", pend(`"divisione":"Div/1"`, ent("")), "divisione: pattern", "NuovaPendenza.java:607, CostantiValidazione.java:48", "divisione", ""},

	// --- causale
	{"causale 140", pend(`"causale":"`+rep("c", 140)+`"`, ent("")), accept, "ValidatoreUtils.java:93-95", "", ""},
	{"causale 141", pend(`"causale":"`+rep("c", 141)+`"`, ent("")), "causale: at most 140 characters", "ValidatoreUtils.java:93-95", "causale", ""},
	{"causale 140 accented letters", pend(`"causale":"`+rep("à", 140)+`"`, ent("")), accept, "ValidatoreUtils.java:93-95", "", ""},
	{"causale 138 + emoji = 140 UTF-16 units", pend(`"causale":"`+rep("c", 138)+`😀"`, ent("")), accept, "StringValidator.java:64-70", "", ""},
	{"causale 139 + emoji = 141 UTF-16 units", pend(`"causale":"`+rep("c", 139)+`😀"`, ent("")), "causale: at most 140 characters (Java length)", "StringValidator.java:64-70", "causale", ""},
	{"causale empty", pend(`"causale":""`, ent("")), "causale: at least 1 character", "ValidatoreUtils.java:93-95", "causale", ""},
	{"causale null", pend(`"causale":null`, ent("")), "causale must not be empty", "ValidatoreUtils.java:93-95", "causale", ""},
	{"causale blank", pend(`"causale":" "`, ent("")), accept, "ValidatoreUtils.java:93-95 (length only)", "", ""},
	{"causale with a newline", pend(`"causale":"TARI\n2026"`, ent("")), accept, "ValidatoreUtils.java:93-95 (no pattern)", "", ""},

	// --- amounts
	{"importo 0.01", pend("", ent(`"importo":0.01`)), accept, "ValidatoreUtils.java:122", "", ""},
	{"importo 0", pend("", ent(`"importo":0`)), "importo must be more than 0", "ValidatoreUtils.java:122, BigDecimalValidator.java:86-91", "importo", ""},
	{"importo 999999999.99", pend("", ent(`"importo":999999999.99`)), accept, "ValidatoreUtils.java:122, CostantiValidazione.java:73", "", ""},
	{"importo 1000000000.00", pend(`"importo":1000000000.00`, ent(`"importo":1000000000.00`)), "importo above 999999999.99", "ValidatoreUtils.java:122, BigDecimalValidator.java:64-69", "", ""},
	{"importo with 3 decimals", pend(`"importo":10.001`, ent(`"importo":10.001`)), "importo: at most 2 decimals", "BigDecimalValidator.java:43-48", "", ""},
	{"importo 10.100 (scale 3)", pend(`"importo":10.100`, ent(`"importo":10.100`)), "importo: at most 2 decimals (scale 3)", "BigDecimalValidator.java:43-48", "",
		"the SDK holds amounts in cents: 10.100 decodes to 10.10 exactly and is sent as 10.10, which GovPay accepts"},
	{"importo as an exponent", pend(`"importo":1e1`, ent(`"importo":1e1`)), accept, "ValidatoreUtils.java:122 (scale -1 ≤ 2)", "", ""},
	{"importo negative", pend(`"importo":-1.00`, ent(`"importo":-1.00`)), "importo must be more than 0", "BigDecimalValidator.java:86-91", "", ""},
	{"importo null", pend(`"importo":null`, ent("")), "importo must not be empty", "ValidatoreUtils.java:110-111", "importo", ""},
	{"voce importo 0 next to others", pend("", ent(`"importo":0`), rif("")), "voci[0].importo must be more than 0", "NuovaVocePendenza.java:472", "voci[0].importo", ""},

	// --- numero avviso
	{"numeroAvviso", pend(`"numeroAvviso":"`+testAvviso+`"`, ent("")), accept, "ValidatoreUtils.java:130-133", "", ""},
	{"numeroAvviso aux digit 1", pend(`"numeroAvviso":"100000000000000001"`, ent("")), accept, "IuvUtils.java:163-164", "", ""},
	{"numeroAvviso of 17 digits", pend(`"numeroAvviso":"30100000000000186"`, ent("")), "numeroAvviso: pattern ^[0-9]{18}$", "CostantiValidazione.java:50", "numeroAvviso", ""},
	{"numeroAvviso of 19 digits", pend(`"numeroAvviso":"3010000000000018610"`, ent("")), "numeroAvviso: at most 18", "ValidatoreUtils.java:131", "numeroAvviso", ""},
	{"numeroAvviso with letters", pend(`"numeroAvviso":"ABC000000000000000"`, ent("")), "numeroAvviso: pattern", "CostantiValidazione.java:50", "numeroAvviso", ""},
	{"numeroAvviso aux digit 9", pend(`"numeroAvviso":"901000000000001861"`, ent("")), "first digit not 0, 1, 2 or 3", "IuvUtils.java:169-170", "numeroAvviso", ""},
	{"numeroAvviso with wrong check digits", pend(`"numeroAvviso":"301000000000001862"`, ent("")), accept, "Iuv.java:111-115 (logs a warning only)", "numeroAvviso",
		"DESIGN §5: the check digits are a pagoPA rule and stay on; pagoPA cannot pay a notice whose check digits are wrong"},
	{"numeroAvviso on several voci with a bollo (VER_031 gone)", pend(`"numeroAvviso":"`+testAvviso+`"`, rif(""), bol("")), accept, "VersamentoUtils.java:688", "", ""},

	// --- other fields of the pendenza
	{"tassonomia 35", pend(`"tassonomia":"`+rep("t", 35)+`"`, ent("")), accept, "ValidatoreUtils.java:81-83", "", ""},
	{"tassonomia 36", pend(`"tassonomia":"`+rep("t", 36)+`"`, ent("")), "tassonomia: at most 35", "ValidatoreUtils.java:81-83", "tassonomia", ""},
	{"tassonomia empty", pend(`"tassonomia":""`, ent("")), "tassonomia: at least 1 character", "ValidatoreUtils.java:81-83", "",
		"the SDK holds an empty field as absent and omits it on the wire, which GovPay accepts"},
	{"tassonomiaAvviso", pend(`"tassonomiaAvviso":"Imposte e tasse"`, ent("")), accept, "PendenzeConverter.java:408-415", "", ""},
	{"tassonomiaAvviso unknown", pend(`"tassonomiaAvviso":"Tasse varie"`, ent("")), "tassonomiaAvviso: unknown code", "PendenzeConverter.java:410-412", "tassonomiaAvviso", ""},
	{"cartellaPagamento 35", pend(`"cartellaPagamento":"`+rep("c", 35)+`"`, ent("")), accept, "ValidatoreUtils.java:85-87", "", ""},
	{"cartellaPagamento 36", pend(`"cartellaPagamento":"`+rep("c", 36)+`"`, ent("")), "cartellaPagamento: at most 35", "ValidatoreUtils.java:85-87", "cartellaPagamento", ""},
	{"annoRiferimento 2026", pend(`"annoRiferimento":2026`, ent("")), accept, "ValidatoreUtils.java:135-138", "", ""},
	{"annoRiferimento 999", pend(`"annoRiferimento":999`, ent("")), "annoRiferimento: pattern ^[0-9]{4}$", "ValidatoreUtils.java:135-138, CostantiValidazione.java:49", "annoRiferimento", ""},
	{"annoRiferimento 10000", pend(`"annoRiferimento":10000`, ent("")), "annoRiferimento: pattern ^[0-9]{4}$", "ValidatoreUtils.java:135-138", "annoRiferimento", ""},
	{"annoRiferimento 0", pend(`"annoRiferimento":0`, ent("")), "annoRiferimento: pattern ^[0-9]{4}$", "ValidatoreUtils.java:135-138", "",
		"AnnoRiferimento 0 means unset in the SDK and is omitted on the wire, which GovPay accepts"},
	{"annoRiferimento with decimals", pend(`"annoRiferimento":2026.5`, ent("")), accept, "ValidatoreUtils.java:137 (integer part only)", "",
		"AnnoRiferimento is an int: a year with decimals does not decode"},
	{"dataValidita and dataScadenza", pend(`"dataValidita":"2030-12-30","dataScadenza":"2030-12-31"`, ent("")), accept, "NuovaPendenza.java:598-599", "", ""},
	{"dataScadenza not a date", pend(`"dataScadenza":"2030-19-40"`, ent("")), "dataScadenza is not a valid date", "NuovaPendenza.java:102-103 (Jackson date)", "", ""},
	{"datiAllegati object", pend(`"datiAllegati":{"pratica":"P-1"}`, ent("")), accept, "NuovaPendenza.java:111-112, PendenzeConverter.java:405-406", "", ""},
	{"datiAllegati array", pend(`"datiAllegati":[1,"a",{"b":2}]`, ent("")), accept, "NuovaPendenza.java:111-112 (an Object)", "", ""},
	{"datiAllegati string", pend(`"datiAllegati":"pratica P-1"`, ent("")), accept, "NuovaPendenza.java:111-112", "", ""},
	{"datiAllegati number", pend(`"datiAllegati":42`, ent("")), accept, "NuovaPendenza.java:111-112", "", ""},

	// --- documento
	{"documento rata 1", pend(`"documento":{"identificativo":"DOC-1","descrizione":"Rate TARI","rata":1}`, ent("")), accept, "NuovoDocumento.java:172-184", "", ""},
	{"documento rata 0", pend(`"documento":{"identificativo":"DOC-1","descrizione":"Rate TARI","rata":0}`, ent("")), "rata must be at least 1", "ValidatoreUtils.java:229-231", "",
		"Rata 0 means unset in the SDK and is omitted on the wire: GovPay accepts a documento without rata"},
	{"documento rata -1", pend(`"documento":{"identificativo":"DOC-1","descrizione":"Rate TARI","rata":-1}`, ent("")), "rata must be at least 1", "ValidatoreUtils.java:229-231", "documento.rata", ""},
	{"documento without rata or soglia", pend(`"documento":{"identificativo":"DOC-1","descrizione":"Rate TARI"}`, ent("")), accept, "NuovoDocumento.java:179-183", "", ""},
	{"documento with rata and soglia", pend(`"documento":{"identificativo":"DOC-1","descrizione":"Rate","rata":1,"soglia":{"tipo":"ENTRO","giorni":30}}`, ent("")), accept, "NuovoDocumento.java:179-183, PendenzeConverter.java:432-444", "", ""},
	{"documento rata and soglia of unknown tipo", pend(`"documento":{"identificativo":"DOC-1","descrizione":"Rate","rata":1,"soglia":{"tipo":"DOPO","giorni":30}}`, ent("")), "soglia tipo: unknown code", "PendenzeConverter.java:436-439", "documento.soglia.tipo", ""},
	{"documento identificativo 35", pend(`"documento":{"identificativo":"`+rep("D", 35)+`","descrizione":"d","rata":1}`, ent("")), accept, "CostantiValidazione.java:51", "", ""},
	{"documento identificativo 36", pend(`"documento":{"identificativo":"`+rep("D", 36)+`","descrizione":"d","rata":1}`, ent("")), "identificativo: at most 35", "ValidatoreIdentificativi.java:160-162", "documento.identificativo", ""},
	{"documento identificativo with a space", pend(`"documento":{"identificativo":"DOC 1","descrizione":"d","rata":1}`, ent("")), "identificativo: pattern", "CostantiValidazione.java:51", "documento.identificativo", ""},
	{"documento without identificativo", pend(`"documento":{"descrizione":"d","rata":1}`, ent("")), "identificativo must not be empty", "ValidatoreIdentificativi.java:160-162", "documento.identificativo", ""},
	{"documento descrizione 255", pend(`"documento":{"identificativo":"D","descrizione":"`+rep("d", 255)+`","rata":1}`, ent("")), accept, "NuovoDocumento.java:178", "", ""},
	{"documento descrizione 256", pend(`"documento":{"identificativo":"D","descrizione":"`+rep("d", 256)+`","rata":1}`, ent("")), "descrizione: at most 255", "NuovoDocumento.java:178", "documento.descrizione", ""},
	{"documento without descrizione", pend(`"documento":{"identificativo":"D","rata":1}`, ent("")), "descrizione must not be empty", "NuovoDocumento.java:178", "documento.descrizione", ""},
	{"soglia ENTRO 2 giorni", pend(`"documento":{"identificativo":"D","descrizione":"d","soglia":{"tipo":"ENTRO","giorni":2}}`, ent("")), accept, "ValidatoreUtils.java:233-235", "", ""},
	{"soglia ENTRO 1 giorno", pend(`"documento":{"identificativo":"D","descrizione":"d","soglia":{"tipo":"ENTRO","giorni":1}}`, ent("")), "giorni must be more than 1 (minOrEquals)", "ValidatoreUtils.java:233-235, BigDecimalValidator.java:86-91", "documento.soglia.giorni", ""},
	{"soglia OLTRE without giorni", pend(`"documento":{"identificativo":"D","descrizione":"d","soglia":{"tipo":"OLTRE"}}`, ent("")), "giorni must not be empty", "VincoloPagamento.java:155-158", "documento.soglia.giorni", ""},
	{"soglia SCONTATO", pend(`"documento":{"identificativo":"D","descrizione":"d","soglia":{"tipo":"SCONTATO"}}`, ent("")), accept, "VincoloPagamento.java:159-166", "", ""},
	{"soglia RIDOTTO with giorni", pend(`"documento":{"identificativo":"D","descrizione":"d","soglia":{"tipo":"RIDOTTO","giorni":5}}`, ent("")), "giorni must be empty for RIDOTTO", "VincoloPagamento.java:159-166", "documento.soglia.giorni", ""},
	{"soglia of unknown tipo", pend(`"documento":{"identificativo":"D","descrizione":"d","soglia":{"tipo":"DOPO","giorni":5}}`, ent("")), "tipo: unknown code", "ValidatoreUtils.java:237-249", "documento.soglia.tipo", ""},

	// --- proprieta
	{"proprieta linguaSecondaria de", pend(`"proprieta":{"linguaSecondaria":"de"}`, ent("")), accept, "ProprietaPendenza.java:281-286", "", ""},
	{"proprieta linguaSecondaria false", pend(`"proprieta":{"linguaSecondaria":"false"}`, ent("")), accept, "ProprietaPendenza.java:281-286", "", ""},
	{"proprieta linguaSecondaria es", pend(`"proprieta":{"linguaSecondaria":"es"}`, ent("")), "linguaSecondaria: unknown code", "ProprietaPendenza.java:283-285", "proprieta.linguaSecondaria", ""},
	{"proprieta informativa 255", pend(`"proprieta":{"informativaImportoAvviso":"`+rep("i", 255)+`"}`, ent("")), accept, "ProprietaPendenza.java:288", "", ""},
	{"proprieta informativa 256", pend(`"proprieta":{"informativaImportoAvviso":"`+rep("i", 256)+`"}`, ent("")), "informativaImportoAvviso: at most 255", "ProprietaPendenza.java:288", "proprieta.informativaImportoAvviso", ""},
	{"proprieta descrizioneImporto importo 0", pend(`"proprieta":{"descrizioneImporto":[{"voce":"canone","importo":0}]}`, ent("")), accept, "VoceDescrizioneImporto.java:125-128 (no check)", "", ""},

	// --- allegati
	{"allegato", pend(`"allegati":[{"nome":"a.pdf","tipo":"application/pdf","contenuto":"Y2lhbw=="}]`, ent("")), accept, "NuovoAllegatoPendenza.java:169-177", "", ""},
	{"allegato nome 256", pend(`"allegati":[{"nome":"`+rep("n", 256)+`","contenuto":"Y2lhbw=="}]`, ent("")), "nome: at most 255", "NuovoAllegatoPendenza.java:171", "allegati[0].nome", ""},
	{"allegato without contenuto", pend(`"allegati":[{"nome":"a.pdf"}]`, ent("")), "contenuto must not be empty", "NuovoAllegatoPendenza.java:175-176", "allegati[0].contenuto", ""},
	{"allegato descrizione 256", pend(`"allegati":[{"nome":"a","descrizione":"`+rep("d", 256)+`","contenuto":"Y2lhbw=="}]`, ent("")), "descrizione: at most 255", "NuovoAllegatoPendenza.java:173", "allegati[0].descrizione", ""},

	// --- voce: common fields
	{"idVocePendenza 35", pend("", ent(`"idVocePendenza":"`+rep("v", 35)+`"`)), accept, "NuovaVocePendenza.java:471, CostantiValidazione.java:43", "", ""},
	{"idVocePendenza 36", pend("", ent(`"idVocePendenza":"`+rep("v", 36)+`"`)), "idVocePendenza: at most 35", "ValidatoreIdentificativi.java:168-170", "voci[0].idVocePendenza", ""},
	{"idVocePendenza with a space", pend("", ent(`"idVocePendenza":"voce 1"`)), "idVocePendenza: pattern", "CostantiValidazione.java:43", "voci[0].idVocePendenza", ""},
	{"idVocePendenza with a dot", pend("", ent(`"idVocePendenza":"v.1"`)), "idVocePendenza: pattern", "CostantiValidazione.java:43", "voci[0].idVocePendenza", ""},
	{"idVocePendenza null", pend("", ent(`"idVocePendenza":null`)), "idVocePendenza must not be empty", "ValidatoreIdentificativi.java:168-170", "voci[0].idVocePendenza", ""},
	{"voce descrizione 255", pend("", ent(`"descrizione":"`+rep("d", 255)+`"`)), accept, "NuovaVocePendenza.java:473, ValidatoreUtils.java:148-150", "", ""},
	{"voce descrizione 256", pend("", ent(`"descrizione":"`+rep("d", 256)+`"`)), "descrizione: at most 255", "ValidatoreUtils.java:148-150", "voci[0].descrizione", ""},
	{"voce descrizione empty", pend("", ent(`"descrizione":""`)), "descrizione: at least 1", "ValidatoreUtils.java:148-150", "voci[0].descrizione", ""},
	{"voce descrizioneCausaleRPT 140", pend("", ent(`"descrizioneCausaleRPT":"`+rep("r", 140)+`"`)), accept, "NuovaVocePendenza.java:474, ValidatoreUtils.java:152-154", "", ""},
	{"voce descrizioneCausaleRPT 141", pend("", ent(`"descrizioneCausaleRPT":"`+rep("r", 141)+`"`)), "descrizioneCausaleRPT: at most 140", "ValidatoreUtils.java:152-154", "voci[0].descrizioneCausaleRPT", ""},
	{"voce idDominio", pend("", ent(`"idDominio":"01234567890"`)), accept, "NuovaVocePendenza.java:478-480", "", ""},
	{"voce idDominio of 3 digits", pend("", ent(`"idDominio":"123"`)), "idDominio: pattern", "NuovaVocePendenza.java:478-480", "voci[0].idDominio", ""},
	{"voce datiAllegati array", pend("", ent(`"datiAllegati":["a",1]`)), accept, "NuovaVocePendenza.java:62 (an Object)", "", ""},
	{"voce datiAllegati boolean", pend("", ent(`"datiAllegati":true`)), accept, "NuovaVocePendenza.java:62", "", ""},

	// --- voce kinds
	{"voce without kind", pend("", `{"importo":10.00,"descrizione":"d"}`), "one of ibanAccredito, tipoBollo, codEntrata", "NuovaVocePendenza.java:532-534", "", ""},
	{"codEntrata with a dot", pend("", rif(`"codEntrata":"SEG.1"`)), accept, "NuovaVocePendenza.java:482-483, CostantiValidazione.java:38", "", ""},
	{"codEntrata 35", pend("", rif(`"codEntrata":"`+rep("E", 35)+`"`)), accept, "CostantiValidazione.java:38", "", ""},
	{"codEntrata 36", pend("", rif(`"codEntrata":"`+rep("E", 36)+`"`)), "codEntrata: at most 35", "ValidatoreIdentificativi.java:96-98", "voci[0].codEntrata", ""},
	{"codEntrata with a space", pend("", rif(`"codEntrata":"SEG 1"`)), "codEntrata: pattern", "CostantiValidazione.java:38", "voci[0].codEntrata", ""},
	{"codEntrata with ibanAccredito", pend("", rif(`"ibanAccredito":"`+testIBAN+`"`)), "codEntrata given: ibanAccredito must be empty", "NuovaVocePendenza.java:484-494", "", ""},
	{"bollo tipoBollo 02", pend("", bol(`"tipoBollo":"02"`)), "tipoBollo unknown: no kind", "NuovaVocePendenza.java:298-303, 532-534", "voci[0].tipoBollo", ""},
	{"bollo without tipoBollo", pend("", `{"importo":16.00,"descrizione":"Marca da bollo","hashDocumento":"h","provinciaResidenza":"RO"}`), "one of ibanAccredito, tipoBollo, codEntrata", "NuovaVocePendenza.java:532-534", "",
		"the SDK reads hashDocumento and provinciaResidenza as a Bollo and always sends tipoBollo 01, which GovPay accepts"},
	{"bollo hashDocumento 70", pend("", bol(`"hashDocumento":"`+rep("h", 70)+`"`)), accept, "ValidatoreUtils.java:221-223", "", ""},
	{"bollo hashDocumento 71", pend("", bol(`"hashDocumento":"`+rep("h", 71)+`"`)), "hashDocumento: at most 70", "ValidatoreUtils.java:221-223", "voci[0].hashDocumento", ""},
	{"bollo without hashDocumento", pend("", bol(`"hashDocumento":null`)), "hashDocumento must not be empty", "ValidatoreUtils.java:221-223", "voci[0].hashDocumento", ""},
	{"bollo provincia lowercase", pend("", bol(`"provinciaResidenza":"Ro"`)), "provinciaResidenza: pattern ^[A-Z]{2}$", "ValidatoreUtils.java:225-227, CostantiValidazione.java:44", "voci[0].provinciaResidenza", ""},
	{"bollo provincia of 3 letters", pend("", bol(`"provinciaResidenza":"ROV"`)), "provinciaResidenza: pattern", "CostantiValidazione.java:44", "voci[0].provinciaResidenza", ""},
	{"bollo with ibanAccredito", pend("", bol(`"ibanAccredito":"`+testIBAN+`"`)), "tipoBollo given: ibanAccredito must be empty", "NuovaVocePendenza.java:504-511", "", ""},
	{"IBAN of another country", pend("", ent(`"ibanAccredito":"DE89370400440532013000"`)), accept, "ValidatoreIdentificativi.java:128-130, CostantiValidazione.java:30", "", ""},
	{"IBAN starting with a digit", pend("", ent(`"ibanAccredito":"1T60X0542811101000000123456"`)), "ibanAccredito: pattern", "CostantiValidazione.java:30", "voci[0].ibanAccredito", ""},
	{"IBAN of 35 characters", pend("", ent(`"ibanAccredito":"IT60`+rep("1", 31)+`"`)), "ibanAccredito: pattern", "CostantiValidazione.java:30", "voci[0].ibanAccredito", ""},
	{"ibanAppoggio malformed", pend("", ent(`"ibanAppoggio":"IT6"`)), "ibanAppoggio: pattern", "NuovaVocePendenza.java:519", "voci[0].ibanAppoggio", ""},
	{"ibanAccredito with hashDocumento", pend("", ent(`"hashDocumento":"h"`)), "ibanAccredito given: hashDocumento must be empty", "NuovaVocePendenza.java:524-529", "", ""},
	{"tipoContabilita SIOPE", pend("", ent(`"tipoContabilita":"SIOPE"`)), accept, "ValidatoreUtils.java:167-175", "", ""},
	{"tipoContabilita unknown", pend("", ent(`"tipoContabilita":"xxx"`)), "tipoContabilita unknown", "NuovaVocePendenza.java:521, ValidatoreUtils.java:167-175", "voci[0].tipoContabilita", ""},
	{"tipoContabilita missing", pend("", ent(`"tipoContabilita":null`)), "tipoContabilita must not be empty", "ValidatoreUtils.java:167-169", "voci[0].tipoContabilita", ""},
	{"codiceContabilita of 2", pend("", ent(`"codiceContabilita":"XX"`)), "codiceContabilita: pattern ^\\S{3,138}$", "ValidatoreUtils.java:140-146, CostantiValidazione.java:45", "voci[0].codiceContabilita", ""},
	{"codiceContabilita of 3", pend("", ent(`"codiceContabilita":"XXX"`)), accept, "CostantiValidazione.java:45", "", ""},
	{"codiceContabilita of 138", pend("", ent(`"codiceContabilita":"`+rep("C", 138)+`"`)), accept, "CostantiValidazione.java:45", "", ""},
	{"codiceContabilita of 139", pend("", ent(`"codiceContabilita":"`+rep("C", 139)+`"`)), "codiceContabilita: pattern", "CostantiValidazione.java:45", "voci[0].codiceContabilita", ""},
	{"codiceContabilita with a space", pend("", ent(`"codiceContabilita":"XXX X"`)), "codiceContabilita: pattern", "CostantiValidazione.java:45", "voci[0].codiceContabilita", ""},
	{"codiceContabilita missing", pend("", ent(`"codiceContabilita":null`)), "codiceContabilita must not be empty", "ValidatoreUtils.java:144-146", "voci[0].codiceContabilita", ""},

	// --- contabilita and metadata
	{"quote summing to the voce", pend("", ent(`"contabilita":{"quote":[{"capitolo":"c1","annoEsercizio":2026,"importo":4.00},{"capitolo":"c2","annoEsercizio":2026,"importo":6.00,"titolo":"t"}],"proprietaCustom":[1]}`)), accept, "QuotaContabilita.java:281-296, PendenzeConverter.java:499-509", "", ""},
	{"quote not summing to the voce", pend("", ent(`"contabilita":{"quote":[{"capitolo":"c1","annoEsercizio":2026,"importo":4.00}]}`)), "VER_035", "PendenzeConverter.java:499-509", "voci[0].contabilita.quote", ""},
	{"quota capitolo 64", pend("", ent(`"contabilita":{"quote":[{"capitolo":"`+rep("c", 64)+`","annoEsercizio":2026,"importo":10.00}]}`)), accept, "QuotaContabilita.java:284", "", ""},
	{"quota capitolo 65", pend("", ent(`"contabilita":{"quote":[{"capitolo":"`+rep("c", 65)+`","annoEsercizio":2026,"importo":10.00}]}`)), "capitolo: at most 64", "QuotaContabilita.java:284", "voci[0].contabilita.quote[0].capitolo", ""},
	{"quota annoEsercizio 999", pend("", ent(`"contabilita":{"quote":[{"capitolo":"c","annoEsercizio":999,"importo":10.00}]}`)), "annoEsercizio: pattern ^[0-9]{4}$", "QuotaContabilita.java:286-287", "voci[0].contabilita.quote[0].annoEsercizio", ""},
	{"quota importo 0", pend("", ent(`"contabilita":{"quote":[{"capitolo":"c","annoEsercizio":2026,"importo":0},{"capitolo":"d","annoEsercizio":2026,"importo":10.00}]}`)), "importo must be more than 0", "QuotaContabilita.java:290", "voci[0].contabilita.quote[0].importo", ""},
	{"quota accertamento 65", pend("", ent(`"contabilita":{"quote":[{"capitolo":"c","annoEsercizio":2026,"importo":10.00,"accertamento":"`+rep("a", 65)+`"}]}`)), "accertamento: at most 64", "QuotaContabilita.java:289", "voci[0].contabilita.quote[0].accertamento", ""},
	{"metadata of 15 entries", pend("", ent(metadataOf(15))), accept, "Metadata.java:110", "", ""},
	{"metadata of 16 entries", pend("", ent(metadataOf(16))), "mapEntries: at most 15 elements", "Metadata.java:110", "voci[0].metadata.mapEntries", ""},
	{"metadata without entries", pend("", ent(`"metadata":{"mapEntries":[]}`)), "mapEntries: at least 1 element", "Metadata.java:110", "voci[0].metadata.mapEntries", ""},
	{"metadata key 140", pend("", ent(`"metadata":{"mapEntries":[{"key":"`+rep("k", 140)+`","value":"v"}]}`)), accept, "MapEntry.java:129", "", ""},
	{"metadata key 141", pend("", ent(`"metadata":{"mapEntries":[{"key":"`+rep("k", 141)+`","value":"v"}]}`)), "key: at most 140", "MapEntry.java:129", "voci[0].metadata.mapEntries[0].key", ""},
	{"metadata value empty", pend("", ent(`"metadata":{"mapEntries":[{"key":"k","value":""}]}`)), "value: at least 1 character", "MapEntry.java:130", "voci[0].metadata.mapEntries[0].value", ""},
}

// TestGovPayBehaviour decodes every body of govpayRules into a Pendenza and
// compares Validate's verdict with GovPay's. A failure to decode counts as
// a refusal. A row that documents a difference must differ.
func TestGovPayBehaviour(t *testing.T) {
	if len(govpayRules) < 80 {
		t.Fatalf("%d rows, want at least 80", len(govpayRules))
	}
	var acceptedRefused, diffs int
	names := map[string]bool{}
	for _, r := range govpayRules {
		t.Run(r.name, func(t *testing.T) {
			if names[r.name] {
				t.Fatalf("duplicate row name")
			}
			names[r.name] = true
			if r.source == "" || r.govpay == "" {
				t.Fatalf("a row needs GovPay's verdict and its source")
			}
			if !json.Valid([]byte(r.body)) {
				t.Fatalf("body is not JSON: %s", r.body)
			}
			var p Pendenza
			err := json.Unmarshal([]byte(r.body), &p)
			if err == nil {
				err = p.Validate()
			}
			govpayAccepts, sdkAccepts := r.govpay == accept, err == nil
			if govpayAccepts && !sdkAccepts {
				acceptedRefused++
			}
			if r.diff != "" {
				diffs++
				if govpayAccepts == sdkAccepts {
					t.Errorf("documented difference (%s) but the SDK agrees with GovPay (%s): err = %v", r.diff, r.govpay, err)
				}
				return
			}
			switch {
			case govpayAccepts && !sdkAccepts:
				t.Errorf("GovPay accepts (%s), the SDK refuses: %v\nbody: %s", r.source, err, r.body)
			case !govpayAccepts && sdkAccepts:
				t.Errorf("GovPay refuses (%s: %s), the SDK accepts\nbody: %s", r.source, r.govpay, r.body)
			case !sdkAccepts && r.field != "":
				var ve *govpay.ValidationError
				if !errors.As(err, &ve) || !ve.Has(r.field) {
					t.Errorf("the SDK refuses, but not for %s: %v", r.field, err)
				}
			}
		})
	}
	t.Logf("%d rows, %d documented differences, %d bodies GovPay accepts that the SDK refuses", len(govpayRules), diffs, acceptedRefused)
}

// TestGovPayBehaviourBodiesRoundTrip checks that every body the SDK
// accepts is sent as json.Marshal writes it and decodes back to the same
// value: no payer stays no payer, datiAllegati keeps its JSON.
func TestGovPayBehaviourBodiesRoundTrip(t *testing.T) {
	for _, r := range govpayRules {
		var p Pendenza
		if json.Unmarshal([]byte(r.body), &p) != nil || p.Validate() != nil {
			continue
		}
		body, err := p.body()
		if err != nil {
			t.Errorf("%s: body: %v", r.name, err)
			continue
		}
		std, err := json.Marshal(p)
		if err != nil || !bytes.Equal(body, std) {
			t.Errorf("%s: hand encoder and json.Marshal differ (%v):\n%s\n%s", r.name, err, body, std)
			continue
		}
		var back Pendenza
		if err := json.Unmarshal(body, &back); err != nil {
			t.Errorf("%s: decode of the sent body: %v", r.name, err)
			continue
		}
		again, _ := back.body()
		if !bytes.Equal(again, body) {
			t.Errorf("%s: not symmetric:\n%s\n%s", r.name, body, again)
		}
		if (p.SoggettoPagatore == govpay.Soggetto{}) && bytes.Contains(body, []byte(`"soggettoPagatore"`)) {
			t.Errorf("%s: no payer, yet the body names one: %s", r.name, body)
		}
	}
}
