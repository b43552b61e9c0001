package notifica_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

// fillMode says what a template's optional placeholders become.
type fillMode int

const (
	// fillFull gives every placeholder a plausible value.
	fillFull fillMode = iota
	// fillSparse turns every optional placeholder (##…, #ignore) into null.
	fillSparse
)

func (m fillMode) String() string {
	if m == fillSparse {
		return "sparse"
	}
	return "full"
}

// scenario holds the variables the karate templates refer to.
func scenario() map[string]any {
	return map[string]any{
		"idA2A":                "IDA2A01",
		"idPendenza":           "PEND-0042",
		"idDominio":            "12345678901",
		"idStazione":           "12345678901_01",
		"iuv":                  "01000000000012345",
		"ccp":                  "840596274",
		"ibanAccredito":        "IT60X0542811101000000123456",
		"bicAccredito":         "DABAIE2D",
		"ibanAccreditoPostale": "IT02L0760112345123452222222",
		"bicAccreditoPostale":  "BPPIITRRXXX",
		"importoRicevuta":      json.Number("120.50"),
		"dominio": map[string]any{
			"ragioneSociale": "Comune Dimostrativo", "indirizzo": "Piazza Grande", "civico": "1",
			"cap": "00100", "localita": "Roma", "provincia": "RM", "nazione": "IT",
		},
		"pendenzaPut": map[string]any{
			"importo": json.Number("100.99"),
			"causale": "Diritti di segreteria",
			"soggettoPagatore": map[string]any{
				"tipo": "F", "identificativo": "RSSMRA30A01H501I", "anagrafica": "Mario Rossi",
				"indirizzo": "Via Roma", "civico": "10/A", "cap": "00100", "localita": "Roma",
				"provincia": "RM", "nazione": "IT", "email": "mario.rossi@example.it",
			},
			"voci": []any{map[string]any{"idVocePendenza": "1", "importo": json.Number("100.99")}},
		},
	}
}

// plausible values for placeholders without an expression, by
// "parent.key" first, then by key.
func plausible(parent, key string, vars map[string]any) (any, bool) {
	soggetto := map[string]any{"tipo": "F", "identificativo": "RSSMRA30A01H501I", "anagrafica": "Mario Rossi"}
	byPath := map[string]any{
		"rpt.tipo": "ctRichiestaPagamentoTelematico",
		"rt.tipo":  "ctRicevutaTelematica",
		"rt.istitutoAttestante": map[string]any{
			"identificativoUnivocoAttestante": map[string]any{"tipoIdentificativoUnivoco": "B", "codiceIdentificativoUnivoco": "ABI03069"},
			"denominazioneAttestante":         "Banca Esempio S.p.A.",
		},
		".istitutoAttestante": map[string]any{"idPSP": "ABI03069", "denominazione": "Banca Esempio S.p.A.", "idCanale": "ABI03069_01", "descrizione": "Carta"},
		".idRicevuta":         "840596274",
		".importo":            vars["pendenzaPut"].(map[string]any)["importo"],
		"pendenza.importo":    vars["pendenzaPut"].(map[string]any)["importo"],
		"pendenza.voci": []any{
			map[string]any{
				"idVocePendenza": "1", "descrizione": "Diritti di segreteria", "codEntrata": "SEGRETERIA",
				"riscossione": map[string]any{"iuv": vars["iuv"], "iur": "IUR-0001", "indice": 1, "stato": "RISCOSSA",
					"tipo": "ENTRATA", "importo": json.Number("84.99"), "data": "2024-05-17"},
			},
			map[string]any{
				"idVocePendenza": "2", "descrizione": "Marca da bollo", "tipoBollo": "01",
				"hashDocumento": "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", "provinciaResidenza": "RM",
				"codiceTassonomicoPagoPA": "9/MBT",
				"riscossione": map[string]any{"iuv": vars["iuv"], "iur": "IUR-0001", "indice": 2, "stato": "RISCOSSA",
					"tipo": "MBT", "importo": json.Number("16.00"), "data": "2024-05-17T10:20:30",
					"allegato": map[string]any{"tipo": "Marca da bollo", "testo": "PE1CRC8+"}},
			},
		},
	}
	byKey := map[string]any{
		"idDominio":                       vars["idDominio"],
		"iuv":                             vars["iuv"],
		"idA2A":                           vars["idA2A"],
		"idPendenza":                      vars["idPendenza"],
		"idTipoPendenza":                  "SEGRETERIA",
		"ragioneSociale":                  "Comune Dimostrativo",
		"versante":                        soggetto,
		"soggettoVersante":                nil,
		"soggettoPagatore":                soggetto,
		"idPagamento":                     "c8be909b2feb4ffa8f98704462abbd1d",
		"idSessionePsp":                   "5f1a2b3c4d5e",
		"unitaOperativa":                  map[string]any{"idUnita": "UO1", "ragioneSociale": "Ufficio tributi"},
		"causale":                         "Diritti di segreteria",
		"annoRiferimento":                 2024,
		"datiAllegati":                    map[string]any{"pratica": "2024/17"},
		"documento":                       map[string]any{"identificativo": "DOC-1", "descrizione": "Rate TARI", "rata": 1},
		"proprieta":                       map[string]any{"linguaSecondaria": "en"},
		"allegati":                        []any{map[string]any{"nome": "avviso.pdf", "tipo": "application/pdf", "contenuto": "/allegati/17"}},
		"numeroAvviso":                    "001" + vars["iuv"].(string)[2:],
		"UUID":                            "4fd5641f769a4e65b910670dece4a547",
		"modello":                         "Pagamento ad iniziativa Ente",
		"xml":                             "PFJQVC8+",
		"receiptId":                       "b7e3a0c6f1d24c6f9a3f0e2d5c4b1a09",
		"noticeNumber":                    "001" + vars["iuv"].(string)[2:],
		"transferDate":                    "2024-05-18",
		"applicationDate":                 "2024-05-17",
		"paymentMethod":                   "creditCard",
		"paymentNote":                     "nota",
		"iur":                             "IUR-0001",
		"MBDAttachment":                   "PE1CRC8+",
		"metadata":                        map[string]any{"mapEntry": []any{map[string]any{"key": "k", "value": "v"}}},
		"IBAN":                            vars["ibanAccredito"],
		"dueDate":                         "2024-12-31",
		"dataValidita":                    "2024-12-31",
		"dataScadenza":                    "2024-12-31",
		"identificativoDominio":           vars["idDominio"],
		"identificativoUnivocoVersamento": vars["iuv"],
		"codiceContestoPagamento":         vars["ccp"],
		"CodiceContestoPagamento":         vars["ccp"],
		"standIn":                         false,
		"tipoBollo":                       "01",
		"hashDocumento":                   "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=",
		"provinciaResidenza":              "RM",
		"primaryCiIncurredFee":            "0.50",
		"idBundle":                        "bundle-1",
		"idCiBundle":                      "cibundle-1",
		"commissioniApplicatePSP":         "1.00",
		"commissioniApplicatePA":          "0.00",
		"esitoSingoloPagamento":           "ESEGUITO",
		"allegatoRicevuta":                nil,
		"credenzialiPagatore":             nil,
		"tipoVersamento":                  "PO",
		"autenticazioneSoggetto":          "N/A",
		"tipoIdentificativoUnivoco":       "G",
	}
	if v, ok := byPath[parent+"."+key]; ok {
		return v, true
	}
	v, ok := byKey[key]
	return v, ok
}

// regexSamples are values for the #regex placeholders the templates use.
var regexSamples = map[string]string{
	`\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d`: "2024-05-17T10:20:30",
	`\d\d\d\d-\d\d-\d\d`:                "2024-05-17",
	`[0-9]{1,9}\.[0-9]{2}`:              "100.99",
}

// karateToJSON turns a karate template into JSON: single-quoted strings
// become double-quoted, bare keys are quoted.
func karateToJSON(src []byte) ([]byte, error) {
	var out bytes.Buffer
	prev := byte(0) // last non-space byte written
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			out.Write(src[i : j+1])
			prev, i = '"', j+1
		case c == '\'':
			var s strings.Builder
			j := i + 1
			for j < len(src) && src[j] != '\'' {
				if src[j] == '\\' && j+1 < len(src) {
					j++
				}
				s.WriteByte(src[j])
				j++
			}
			if j >= len(src) {
				return nil, fmt.Errorf("unterminated single-quoted string at %d", i)
			}
			b, _ := json.Marshal(s.String())
			out.Write(b)
			prev, i = '"', j+1
		case (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') && (prev == '{' || prev == ','):
			j := i
			for j < len(src) && (src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9' || src[j] == '_') {
				j++
			}
			out.WriteString(strconv.Quote(string(src[i:j])))
			prev, i = '"', j
		default:
			out.WriteByte(c)
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				prev = c
			}
			i++
		}
	}
	return out.Bytes(), nil
}

// fillTemplate substitutes a karate template's placeholders and returns
// the JSON body. It fails the test on any placeholder it cannot fill, so a
// new upstream template does not silently pass.
func fillTemplate(t *testing.T, src []byte, mode fillMode) []byte {
	t.Helper()
	j, err := karateToJSON(src)
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		t.Fatalf("template is not JSON after conversion: %v\n%s", err, j)
	}
	vars := scenario()
	var walk func(parent, key string, v any) any
	walk = func(parent, key string, v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				v[k] = walk(key, k, e)
			}
			return v
		case []any:
			for i, e := range v {
				v[i] = walk(parent, key, e)
			}
			return v
		case string:
			if !strings.HasPrefix(v, "#") {
				return v
			}
			out, err := placeholder(parent, key, v, mode, vars)
			if err != nil {
				t.Fatalf("placeholder %q at %s.%s: %v", v, parent, key, err)
			}
			return out
		}
		return v
	}
	tree = walk("", "", tree)
	b, err := json.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func placeholder(parent, key, p string, mode fillMode, vars map[string]any) (any, error) {
	optional := strings.HasPrefix(p, "##")
	body := strings.TrimLeft(p, "#")
	switch {
	case strings.HasPrefix(p, "#(") && strings.HasSuffix(p, ")"):
		return evalExpr(p[2:len(p)-1], vars)
	case strings.HasPrefix(p, "#?"):
		expr := strings.TrimSpace(p[2:])
		if strings.HasPrefix(expr, "isImportoConDueDecimali(") {
			return vars["pendenzaPut"].(map[string]any)["importo"], nil
		}
		if rest, ok := strings.CutPrefix(expr, "_ =="); ok {
			first, _, _ := strings.Cut(rest, "||")
			return evalExpr(strings.TrimSpace(first), vars)
		}
		return nil, fmt.Errorf("unsupported predicate")
	case body == "null":
		return nil, nil
	case optional && mode == fillSparse, body == "ignore" && mode == fillSparse:
		return nil, nil
	case strings.HasPrefix(body, "regex"):
		re := strings.TrimSpace(strings.TrimPrefix(body, "regex"))
		s, ok := regexSamples[re]
		if !ok {
			return nil, fmt.Errorf("no sample for regex %q", re)
		}
		if !regexp.MustCompile("^" + re + "$").MatchString(s) {
			return nil, fmt.Errorf("sample %q does not match %q", s, re)
		}
		return s, nil
	}
	switch body {
	case "notnull", "string", "present", "ignore", "object", "number", "[]":
		if v, ok := plausible(parent, key, vars); ok {
			return v, nil
		}
		switch body {
		case "notnull", "string", "present", "ignore":
			return key + "-x", nil
		}
	}
	return nil, fmt.Errorf("cannot fill %q for key %q", p, key)
}

// evalExpr evaluates the small JavaScript subset of the templates:
// variables with dotted paths and [i] indexes, string literals, + and
// .toString().
func evalExpr(expr string, vars map[string]any) (any, error) {
	var terms []any
	anyString := false
	for _, part := range splitPlus(expr) {
		part = strings.TrimSpace(part)
		switch {
		case len(part) >= 2 && (part[0] == '\'' || part[0] == '"') && part[len(part)-1] == part[0]:
			terms = append(terms, part[1:len(part)-1])
			anyString = true
		default:
			part = strings.TrimSuffix(part, ".toString()")
			v, err := lookup(part, vars)
			if err != nil {
				return nil, err
			}
			if _, ok := v.(string); ok {
				anyString = true
			}
			terms = append(terms, v)
		}
	}
	if len(terms) == 1 && !anyString {
		return terms[0], nil
	}
	var b strings.Builder
	for _, t := range terms {
		fmt.Fprint(&b, t)
	}
	return b.String(), nil
}

func splitPlus(s string) []string {
	var parts []string
	var quote byte
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '+':
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

var indexRe = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$`)

func lookup(path string, vars map[string]any) (any, error) {
	var cur any = vars
	for _, seg := range strings.Split(path, ".") {
		m := indexRe.FindStringSubmatch(seg)
		if m == nil {
			return nil, fmt.Errorf("bad path segment %q in %q", seg, path)
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%q: not an object before %q", path, seg)
		}
		if cur, ok = obj[m[1]]; !ok {
			return nil, fmt.Errorf("%q: unknown variable %q", path, m[1])
		}
		if m[2] != "" {
			i, _ := strconv.Atoi(m[2])
			arr, ok := cur.([]any)
			if !ok || i >= len(arr) {
				return nil, fmt.Errorf("%q: bad index", path)
			}
			cur = arr[i]
		}
	}
	return cur, nil
}

func TestKarateHelper(t *testing.T) {
	src := []byte(`{ a: '#(iuv + "/" + ccp)', "b": "#(pendenzaPut.importo)", "c": "#(pendenzaPut.voci[0].importo + '')",
		"d": '#? _ == pendenzaPut.importo || _ == pendenzaPut.importo.toString()', "e": "##string", "f": "#regex \\d\\d\\d\\d-\\d\\d-\\d\\d"}`)
	var full, sparse map[string]any
	if err := json.Unmarshal(fillTemplate(t, src, fillFull), &full); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(fillTemplate(t, src, fillSparse), &sparse); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": "01000000000012345/840596274", "b": 100.99, "c": "100.99", "d": 100.99, "e": "e-x", "f": "2024-05-17"}
	for k, v := range want {
		if full[k] != v {
			t.Errorf("full[%s] = %#v, want %#v", k, full[k], v)
		}
	}
	if sparse["e"] != nil {
		t.Errorf("sparse optional placeholder = %#v, want null", sparse["e"])
	}
}

// expectation of one upstream notification message.
type expectation struct {
	kind        string // attivazione, pagamento, ricevuta
	formato     ricevute.FormatoRT
	esito       ricevute.Esito
	pagato      govpay.Importo
	commissioni govpay.Importo
	riscossioni []ricevute.TipoRiscossione
	importoRisc govpay.Importo // sum of the riscossioni
	standIn     bool
	rpt         ricevute.FormatoRPT
	// feeOptional: the fee comes from an optional placeholder, absent in
	// sparse mode.
	feeOptional bool
}

var upstreamExpectations = map[string]expectation{
	"workflow/modello3/v1/msg/notifica-attivazione.json": {kind: notifica.KindAttivazione, rpt: ricevute.FormatoRPT1},
	"workflow/modello3/v1/msg/notifica-terminazione-eseguito.json": {kind: notifica.KindPagamento, formato: ricevute.FormatoRT1,
		esito: ricevute.EsitoEseguito, pagato: 10099, riscossioni: []ricevute.TipoRiscossione{ricevute.RiscossioneEntrata}, importoRisc: 10099, rpt: ricevute.FormatoRPT1},
	"workflow/modello3/v1/msg/notifica-terminazione-non-eseguito.json": {kind: notifica.KindPagamento, formato: ricevute.FormatoRT1,
		esito: ricevute.EsitoNonEseguito, pagato: 0, rpt: ricevute.FormatoRPT1},
	"workflow/modello3/v2/msg/notifica-attivazione.json":                  {kind: notifica.KindAttivazione, rpt: ricevute.FormatoPaymentPA},
	"workflow/modello3/v2/msg/notifica-attivazione_bollo.json":            {kind: notifica.KindAttivazione, rpt: ricevute.FormatoPaymentPA},
	"workflow/modello3/v2/msg/notifica-attivazione_entrata_definita.json": {kind: notifica.KindAttivazione, rpt: ricevute.FormatoPaymentPA},
	"workflow/modello3/v2/msg/notifica-terminazione-eseguito.json": {kind: notifica.KindPagamento, formato: ricevute.FormatoReceipt,
		esito: ricevute.EsitoEseguito, pagato: 10099, commissioni: 100, riscossioni: []ricevute.TipoRiscossione{ricevute.RiscossioneEntrata}, importoRisc: 10099, rpt: ricevute.FormatoPaymentPA},
	"workflow/modello3/v2/msg/notifica-terminazione-eseguito-rt-importo-modificato.json": {kind: notifica.KindPagamento, formato: ricevute.FormatoReceipt,
		esito: ricevute.EsitoEseguito, pagato: 12050, commissioni: 100, riscossioni: []ricevute.TipoRiscossione{ricevute.RiscossioneEntrata}, importoRisc: 12050, rpt: ricevute.FormatoPaymentPA},
	"workflow/modello3/v2/msg/notifica-terminazione-eseguito-standin.json": {kind: notifica.KindPagamento, formato: ricevute.FormatoReceipt,
		esito: ricevute.EsitoEseguito, pagato: 10099, commissioni: 100, riscossioni: []ricevute.TipoRiscossione{ricevute.RiscossioneEntrata}, importoRisc: 10099, standIn: true, rpt: ricevute.FormatoPaymentPA},
	"workflow/modello3/v2/msg/notifica-terminazione-eseguito_bollo.json": {kind: notifica.KindPagamento, formato: ricevute.FormatoReceipt,
		esito: ricevute.EsitoEseguito, pagato: 10099, commissioni: 100, riscossioni: []ricevute.TipoRiscossione{ricevute.RiscossioneMBT}, importoRisc: 10099, rpt: ricevute.FormatoPaymentPA},
	"workflow/modello3/v2/msg/notifica-terminazione-eseguito_entrata_definita.json": {kind: notifica.KindPagamento, formato: ricevute.FormatoReceipt,
		esito: ricevute.EsitoEseguito, pagato: 10099, commissioni: 100, riscossioni: []ricevute.TipoRiscossione{ricevute.RiscossioneEntrata}, importoRisc: 10099, rpt: ricevute.FormatoPaymentPA},
	"workflow/modello3/v2/msg/notifica-terminazione-non-eseguito.json": {kind: notifica.KindPagamento, formato: ricevute.FormatoReceipt,
		esito: ricevute.EsitoNonEseguito, pagato: 0, commissioni: 100, rpt: ricevute.FormatoPaymentPA},
	"api/ente/v2/ricevute/put/msg/transazione-get-singolo_eseguito_ente.json": {kind: notifica.KindRicevuta, formato: ricevute.FormatoRT1,
		esito: ricevute.EsitoEseguito, pagato: 10099, commissioni: 100, feeOptional: true, riscossioni: []ricevute.TipoRiscossione{ricevute.RiscossioneEntrata, ricevute.RiscossioneMBT}, importoRisc: 10099, rpt: ricevute.FormatoRPT1},
}

// TestUpstreamMessages sends every notification template of GovPay's
// integration tests, filled in two ways, through the handler and checks
// the typed payloads the Receiver gets.
func TestUpstreamMessages(t *testing.T) {
	dir := testutil.Upstream(t, "govpay", "integration-test", "test")
	// Every notification message upstream must have an expectation.
	var found []string
	for _, pattern := range []string{"workflow/modello3/*/msg/notifica-*.json", "api/ente/v2/ricevute/put/msg/*.json"} {
		m, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, f := range m {
			rel, _ := filepath.Rel(dir, f)
			found = append(found, filepath.ToSlash(rel))
		}
	}
	sort.Strings(found)
	if len(found) != len(upstreamExpectations) {
		t.Errorf("found %d upstream notification messages, have expectations for %d: %v", len(found), len(upstreamExpectations), found)
	}
	vars := scenario()
	idDominio, iuv := vars["idDominio"].(string), vars["iuv"].(string)
	for _, rel := range found {
		exp, ok := upstreamExpectations[rel]
		if !ok {
			t.Errorf("no expectation for upstream message %s", rel)
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		for _, mode := range []fillMode{fillFull, fillSparse} {
			t.Run(rel+"/"+mode.String(), func(t *testing.T) {
				body := fillTemplate(t, src, mode)
				rec := &recorder{}
				h := newHandler(t, rec)
				var resp *httptest.ResponseRecorder
				if exp.kind == notifica.KindRicevuta {
					resp = do(h, http.MethodPut, "/ricevute/"+idDominio+"/"+iuv+"/840596274?idSession=S1", body)
				} else {
					resp = do(h, http.MethodPost, "/pagamenti/"+idDominio+"/"+iuv+"?idSession=S1&idSessionePortale=SP1&idCarrello=C1", body)
				}
				if resp.Code != http.StatusCreated {
					t.Fatalf("status %d, want 201: %s\nrequest body:\n%s", resp.Code, resp.Body, body)
				}
				checkUpstream(t, rec, exp, mode, idDominio, iuv)
			})
		}
	}
}

func checkUpstream(t *testing.T, rec *recorder, exp expectation, mode fillMode, idDominio, iuv string) {
	t.Helper()
	var (
		dati    ricevute.DatiRT
		rpt     ricevute.DatiRPT
		risc    []ricevute.TipoRiscossione
		sumRisc govpay.Importo
		err     error
		chiave  string
		wantPfx string
	)
	switch exp.kind {
	case notifica.KindAttivazione:
		if len(rec.att) != 1 || len(rec.pag)+len(rec.ric) != 0 {
			t.Fatalf("calls: att %d pag %d ric %d, want one Attivazione", len(rec.att), len(rec.pag), len(rec.ric))
		}
		p := rec.att[0]
		if p.RT != nil || len(p.Riscossioni) != 0 {
			t.Errorf("activation with rt %s and %d riscossioni", p.RT, len(p.Riscossioni))
		}
		if p.IDA2A != "IDA2A01" || p.IDPendenza != "PEND-0042" || p.IDDominio != idDominio || p.IUV != iuv {
			t.Errorf("ids: %q %q %q %q", p.IDA2A, p.IDPendenza, p.IDDominio, p.IUV)
		}
		if p.IDSession != "S1" || p.IDSessionePortale != "SP1" || p.IDCarrello != "C1" {
			t.Errorf("query values: %q %q %q", p.IDSession, p.IDSessionePortale, p.IDCarrello)
		}
		if _, err := p.DatiRT(); err == nil {
			t.Error("DatiRT of an activation did not fail")
		}
		rpt, err = p.DatiRPT()
		chiave, wantPfx = p.Key(), "attivazione/"+idDominio+"/"+iuv+"/"
	case notifica.KindPagamento:
		if len(rec.pag) != 1 || len(rec.att)+len(rec.ric) != 0 {
			t.Fatalf("calls: att %d pag %d ric %d, want one Pagamento", len(rec.att), len(rec.pag), len(rec.ric))
		}
		p := rec.pag[0]
		if p.IDA2A != "IDA2A01" || p.IDPendenza != "PEND-0042" {
			t.Errorf("ids: %q %q", p.IDA2A, p.IDPendenza)
		}
		for _, r := range p.Riscossioni {
			risc = append(risc, r.Tipo)
			sumRisc += r.Importo
			if r.IUV != iuv || r.IDDominio != idDominio || r.Indice != 1 || r.Stato != ricevute.RiscossioneRiscossa {
				t.Errorf("riscossione %+v", r)
			}
			if r.Data != govpay.NewDate(2024, 5, 17) {
				t.Errorf("riscossione data %v", r.Data)
			}
		}
		if dati, err = p.DatiRT(); err != nil {
			t.Fatalf("DatiRT: %v", err)
		}
		rpt, err = p.DatiRPT()
		chiave, wantPfx = p.Key(), "pagamento/"+idDominio+"/"+iuv+"/"
	case notifica.KindRicevuta:
		if len(rec.ric) != 1 || len(rec.att)+len(rec.pag) != 0 {
			t.Fatalf("calls: att %d pag %d ric %d, want one Ricevuta", len(rec.att), len(rec.pag), len(rec.ric))
		}
		r := rec.ric[0]
		if r.Importo != 10099 || r.Esito != ricevute.EsitoEseguito || r.Pendenza.Importo != 10099 {
			t.Errorf("importo %v esito %q pendenza.importo %v", r.Importo, r.Esito, r.Pendenza.Importo)
		}
		if r.IUV != iuv || r.Dominio.IDDominio != idDominio || r.IDRicevuta != "840596274" || r.IDSession != "S1" {
			t.Errorf("ids: %q %q %q %q", r.IUV, r.Dominio.IDDominio, r.IDRicevuta, r.IDSession)
		}
		if !r.Data.Time().Equal(time.Date(2024, 5, 17, 10, 20, 30, 0, time.UTC)) || // API Ente v2 writes UTC
			r.DataPagamento.IsZero() {
			t.Errorf("data %v dataPagamento %v", r.Data, r.DataPagamento)
		}
		if r.RPT.Tipo != ricevute.MessaggioRPT || r.RT.Tipo != ricevute.MessaggioRT || r.RT.XML == "" {
			t.Errorf("rpt %q rt %q", r.RPT.Tipo, r.RT.Tipo)
		}
		for _, v := range r.Pendenza.Voci {
			risc = append(risc, v.Riscossione.Tipo)
			sumRisc += v.Riscossione.Importo
			if v.TipoBollo != "" && !v.TipoBollo.ImpostaDiBollo() {
				t.Errorf("tipoBollo %q", v.TipoBollo)
			}
		}
		if dati, err = r.DatiRT(); err != nil {
			t.Fatalf("DatiRT: %v", err)
		}
		rpt, err = r.DatiRPT()
		chiave, wantPfx = r.Key(), "ricevuta/"+idDominio+"/"+iuv+"/840596274"
	}
	if err != nil {
		t.Fatalf("DatiRPT: %v", err)
	}
	if rpt.Formato != exp.rpt || rpt.IUV != iuv || rpt.Importo != 10099 {
		t.Errorf("DatiRPT = %+v, want formato %q iuv %s importo 100.99", rpt, exp.rpt, iuv)
	}
	if exp.rpt == ricevute.FormatoRPT1 && (rpt.IDDominio != idDominio || rpt.CCP == "") {
		t.Errorf("DatiRPT of an old RPT: dominio %q ccp %q", rpt.IDDominio, rpt.CCP)
	}
	if !strings.HasPrefix(chiave, wantPfx) {
		t.Errorf("Key() = %q, want prefix %q", chiave, wantPfx)
	}
	if exp.kind == notifica.KindAttivazione {
		return
	}
	if exp.feeOptional && mode == fillSparse {
		exp.commissioni = 0
	}
	if dati.Formato != exp.formato || dati.Esito != exp.esito || dati.ImportoPagato != exp.pagato || dati.Commissioni != exp.commissioni {
		t.Errorf("DatiRT formato %q esito %q pagato %v commissioni %v; want %q %q %v %v",
			dati.Formato, dati.Esito, dati.ImportoPagato, dati.Commissioni, exp.formato, exp.esito, exp.pagato, exp.commissioni)
	}
	// An old RT's istitutoAttestante is optional in the templates (#ignore).
	pspOptional := mode == fillSparse && exp.formato == ricevute.FormatoRT1
	if dati.IUV != iuv || dati.IDRicevuta == "" || (!pspOptional && (dati.IDPSP == "" || dati.PSP == "")) || dati.DataPagamento.IsZero() {
		t.Errorf("DatiRT iuv %q idRicevuta %q idPSP %q PSP %q data %v", dati.IUV, dati.IDRicevuta, dati.IDPSP, dati.PSP, dati.DataPagamento)
	}
	if exp.formato == ricevute.FormatoReceipt && (dati.IDDominio != idDominio || dati.NumeroAvviso == "" || dati.IDCanale == "") {
		t.Errorf("DatiRT dominio %q avviso %q canale %q", dati.IDDominio, dati.NumeroAvviso, dati.IDCanale)
	}
	if dati.StandIn != exp.standIn {
		t.Errorf("StandIn %v, want %v", dati.StandIn, exp.standIn)
	}
	var sumPag govpay.Importo
	for _, s := range dati.Pagamenti {
		sumPag += s.Importo
	}
	if sumPag != exp.pagato {
		t.Errorf("sum of the single payments %v, want %v", sumPag, exp.pagato)
	}
	if fmt.Sprint(risc) != fmt.Sprint(exp.riscossioni) || sumRisc != exp.importoRisc {
		t.Errorf("riscossioni %v total %v, want %v total %v", risc, sumRisc, exp.riscossioni, exp.importoRisc)
	}
	if exp.kind == notifica.KindPagamento && exp.esito == ricevute.EsitoEseguito && !dati.Esito.Paid() {
		t.Error("Esito.Paid() false for a paid receipt")
	}
}
