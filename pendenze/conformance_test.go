package pendenze

// Conformance of the requests the client sends with GovPay's published API
// Pendenze v2 (govpay/pendenze-v2/govpay-api-pendenze-v2.yaml, GovPay
// 3.9.1), read from the upstream reference folder (../../shared/upstream,
// or $GOVPAY_UPSTREAM). The test skips when the folder is absent, and
// fails instead when GOVPAY_REQUIRE_UPSTREAM=1 (testutil.Upstream).
//
// Each request is sent by the real client to a test server that validates
// it with kin-openapi's openapi3filter. The pendenze are Go values built to
// the shapes of GovPay's own integration-test messages
// (integration-test/test/api/pendenza/v2/pendenze/put/msg/*.json); each
// value is also compared with its message (placeholders filled in, nulls
// dropped), so the shapes are really the upstream ones.
//
// Exclusions, each with its reason:
//   - The spec is not validated as a document and its examples are not
//     validated: it declares `pattern` on an integer (annoRiferimento) and
//     its PatchOp example is not JSON. Our requests are validated, not the
//     spec.
//   - Routing is not used: the spec's server URL is relative; each
//     operation is taken from the spec directly and the path parameters are
//     filled from the request path.
//   - PATCH: the spec declares the body as application/json-patch+json with
//     `value` of type object. GovPay reads application/json (upstream
//     README) and takes strings and booleans as values ("ANNULLATA", true).
//     The PATCH body is validated against the PatchOp schema with the type
//     of `value` lifted, as application/json.
//   - Query timestamps (dataDa, dataA) are declared date-time (RFC 3339)
//     but GovPay reads them without offset, in Europe/Rome (upstream
//     README), which is what the SDK sends: the date-time format is
//     replaced by a check for GovPay's form.
//   - The message pendenza-put_monovoce_riferimento_contabilita.json has no
//     idTipoPendenza, which the spec requires (GovPay accepts it, taking the
//     type from the entrata): the Go value for that shape sets it.
//   - pendenza-get_monovoce_contabilita.json is a response template, not a
//     request: it is not a shape to send.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
)

var reGovPayTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$`)

type specValidator struct {
	doc    *openapi3.T
	opts   *openapi3filter.Options
	patchS *openapi3.Schema
}

func newSpecValidator(t *testing.T, dir string) *specValidator {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join(dir, "govpay", "pendenze-v2", "govpay-api-pendenze-v2.yaml"))
	require.NoError(t, err)
	patch := *doc.Components.Schemas["PatchOp"].Value
	patch.Properties = maps(patch.Properties)
	patch.Properties["value"] = openapi3.NewSchemaRef("", &openapi3.Schema{})
	return &specValidator{
		doc: doc,
		opts: &openapi3filter.Options{
			MultiError:         true,
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{
				openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(s string) error {
					if !reGovPayTimestamp.MatchString(s) {
						return errors.New("not a GovPay timestamp 2006-01-02T15:04:05")
					}
					return nil
				})),
			},
		},
		patchS: &patch,
	}
}

func maps(m openapi3.Schemas) openapi3.Schemas {
	out := make(openapi3.Schemas, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// validate checks a request the client sent against the operation of the
// spec whose path template matches.
func (v *specValidator) validate(r *http.Request, body []byte) error {
	segs := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.EscapedPath(), basePath), "/"), "/")
	var tmpl string
	params := map[string]string{}
	switch {
	case len(segs) == 3 && segs[0] == "pendenze":
		tmpl = "/pendenze/{idA2A}/{idPendenza}"
		params["idA2A"], params["idPendenza"] = segs[1], segs[2]
	case len(segs) == 1 && segs[0] == "pendenze":
		tmpl = "/pendenze"
	case len(segs) == 1 && segs[0] == "rpp":
		tmpl = "/rpp"
	case len(segs) == 5 && segs[0] == "rpp" && segs[4] == "rt":
		tmpl = "/rpp/{idDominio}/{iuv}/{ccp}/rt"
		params["idDominio"], params["iuv"], params["ccp"] = segs[1], segs[2], segs[3]
	default:
		return errors.New("no operation for " + r.URL.Path)
	}
	pi := v.doc.Paths.Find(tmpl)
	if pi == nil {
		return errors.New("spec has no " + tmpl)
	}
	op := pi.GetOperation(r.Method)
	if op == nil {
		return errors.New("spec has no " + r.Method + " " + tmpl)
	}
	if r.Method == http.MethodPatch {
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			return errors.New("PATCH sent as " + ct)
		}
		var ops []any
		if err := json.Unmarshal(body, &ops); err != nil {
			return err
		}
		for _, o := range ops {
			if err := v.patchS.VisitJSON(o); err != nil {
				return err
			}
		}
		// Parameters only: the body was checked above.
		op2 := *op
		op2.RequestBody = nil
		op = &op2
	}
	req := r.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(body))
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      &routers.Route{Spec: v.doc, Path: tmpl, PathItem: pi, Method: r.Method, Operation: op},
		Options:    v.opts,
	})
}

// recorder is a server that validates every request and remembers bodies.
type recorder struct {
	mu     sync.Mutex
	errs   []error
	bodies [][]byte
}

func newConformanceServer(t *testing.T, v *specValidator) (*harness, *recorder) {
	h := setup(t)
	rec := &recorder{}
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		err := v.validate(r, body)
		rec.mu.Lock()
		rec.errs = append(rec.errs, err)
		rec.bodies = append(rec.bodies, body)
		rec.mu.Unlock()
		switch {
		case r.Method == http.MethodPut:
			writeJSON(w, http.StatusCreated, caricataJSON)
		case strings.HasSuffix(r.URL.Path, "/rt"):
			w.Header().Set("Content-Type", "application/pdf")
			io.WriteString(w, "%PDF")
		case r.Method == http.MethodGet:
			writeJSON(w, http.StatusOK, `{"numRisultati":0,"numPagine":0,"risultatiPerPagina":25,"pagina":1,"risultati":[]}`)
		default:
			writeJSON(w, http.StatusOK, dettaglioJSON)
		}
	})
	return h, rec
}

// last returns the body of the last request and its validation error.
func (r *recorder) last(t *testing.T) ([]byte, error) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.NotEmpty(t, r.errs, "no request reached the server")
	return r.bodies[len(r.bodies)-1], r.errs[len(r.errs)-1]
}

// Values filling the placeholders of GovPay's test messages.
const (
	confDominio = "12345678901"
	confIBAN    = "IT02L1234512345123456789012"
	confID      = "P-42"
)

var rePlaceholder = regexp.MustCompile(`'([^']*)'`)

// upstreamMessage reads a message template, fills its placeholders and
// drops its nulls.
func upstreamMessage(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "govpay", "integration-test", "test", "api", "pendenza", "v2", "pendenze", "put", "msg", name))
	require.NoError(t, err)
	filled := rePlaceholder.ReplaceAllStringFunc(string(b), func(s string) string {
		inner := s[1 : len(s)-1]
		switch {
		case inner == "#(idDominio)":
			return `"` + confDominio + `"`
		case inner == "#(codEntrataBollo)":
			return `"BOLLOT"`
		case inner == "#(codEntrataSegreteria)":
			return `"SEGRETERIA"`
		case strings.HasPrefix(inner, `#("Pagamento dovuto n." + `):
			return `"Pagamento dovuto n.` + confID + `"`
		case strings.HasPrefix(inner, `#("Test " + `):
			return `"Test ` + confID + `"`
		case strings.HasPrefix(inner, "#("):
			t.Fatalf("unknown placeholder %s in %s", inner, name)
		}
		return `"` + inner + `"`
	})
	filled = strings.ReplaceAll(filled, `"#(ibanAccredito)"`, `"`+confIBAN+`"`)
	var v any
	require.NoError(t, json.Unmarshal([]byte(filled), &v), "message %s: %s", name, filled)
	out, err := json.Marshal(dropNulls(v))
	require.NoError(t, err)
	return string(out)
}

func dropNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
			} else {
				x[k] = dropNulls(e)
			}
		}
	case []any:
		for i := range x {
			x[i] = dropNulls(x[i])
		}
	}
	return v
}

func confSoggetto() govpay.Soggetto {
	return govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I", Anagrafica: "Mario Rossi",
		Email: "mario.rossi@testmail.it", Cellulare: "+39 000-0000000"}
}

func confBase(tipo string, importo govpay.Importo) Pendenza {
	return Pendenza{
		IDTipoPendenza:   tipo,
		IDDominio:        confDominio,
		Causale:          "Pagamento dovuto n." + confID,
		SoggettoPagatore: confSoggetto(),
		Importo:          importo,
		DataValidita:     govpay.NewDate(2900, 12, 31),
		DataScadenza:     govpay.NewDate(2999, 12, 31),
		TassonomiaAvviso: TassonomiaServiziComune,
	}
}

const confHash = "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8="

func conformanceShapes() []struct {
	name     string
	message  string // upstream message the value mirrors; "" for shapes the messages lack
	pendenza Pendenza
} {
	multi := func(n int, importi ...int64) Pendenza {
		p := Pendenza{
			IDTipoPendenza: "LIBERO", IDDominio: confDominio, Causale: "Test " + confID,
			SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRO00X00X000X", Anagrafica: "Mario Rossi"},
			Importo:          govpay.Centesimi(3), DataScadenza: govpay.NewDate(2030, 12, 31),
		}
		for i := range n {
			id := string(rune('1' + i))
			p.Voci = append(p.Voci, VoceAccredito(id, govpay.Centesimi(importi[i]), "Importo "+id, Accredito{IBANAccredito: confIBAN, TipoContabilita: ContabilitaAltro, CodiceContabilita: "TEST"}))
		}
		return p
	}

	bollo := confBase("BOLLOT", govpay.Euro(16))
	bollo.Voci = []Voce{VoceBollo("1", govpay.Euro(16), "Marca da bollo", Bollo{HashDocumento: confHash, ProvinciaResidenza: "RO"})}

	definito := confBase("SEGRETERIA", govpay.Euro(10))
	definito.Voci = []Voce{VoceAccredito("1", govpay.Euro(10), "Diritti e segreteria", Accredito{IBANAccredito: confIBAN, TipoContabilita: ContabilitaAltro, CodiceContabilita: "CodiceContabilita"})}

	riferimento := confBase("SEGRETERIA", govpay.Centesimi(10099))
	riferimento.Tassonomia = "Servizi erogati dal comune"
	riferimento.Voci = []Voce{VoceEntrata("1", govpay.Centesimi(10099), "Diritti e segreteria", Entrata{CodEntrata: "SEGRETERIA"})}

	contabilita := confBase("SEGRETERIA", govpay.Centesimi(10099))
	contabilita.Voci = []Voce{VoceEntrata("1", govpay.Centesimi(10099), "Diritti e segreteria", Entrata{CodEntrata: "SEGRETERIA"})}
	contabilita.Voci[0].Contabilita = &Contabilita{Quote: []QuotaContabilita{
		{Capitolo: "capitolo1", AnnoEsercizio: 2020, Importo: govpay.Centesimi(99)},
		{Capitolo: "capitolo2", AnnoEsercizio: 2020, Importo: govpay.Euro(100)},
	}}

	multiBollo := confBase("SEGRETERIA", govpay.Centesimi(12599))
	multiBollo.Voci = []Voce{
		VoceEntrata("1", govpay.Centesimi(9999), "Diritti e segreteria", Entrata{CodEntrata: "SEGRETERIA"}),
		VoceAccredito("2", govpay.Euro(10), "Diritti e segreteria", Accredito{IBANAccredito: confIBAN, TipoContabilita: ContabilitaAltro, CodiceContabilita: "CodiceContabilita"}),
		VoceBollo("3", govpay.Euro(16), "Marca da bollo", Bollo{HashDocumento: confHash, ProvinciaResidenza: "RO"}),
	}

	metadata := confBase("SEGRETERIA", govpay.Euro(10))
	metadata.Voci = []Voce{VoceEntrata("1", govpay.Euro(10), "Diritti e segreteria", Entrata{CodEntrata: "SEGRETERIA"})}
	metadata.Voci[0].Metadata = &Metadata{MapEntries: []MapEntry{{Key: "pratica", Value: "2026/42"}, {Key: "ufficio", Value: "anagrafe"}}}
	metadata.Voci[0].DescrizioneCausaleRPT = "Diritti pratica 2026/42"
	metadata.Voci[0].DatiAllegati = json.RawMessage(`{"sportello":3}`)

	rata := confBase("SEGRETERIA", govpay.Euro(50))
	rata.Voci = []Voce{VoceEntrata("1", govpay.Euro(50), "TARI rata 2", Entrata{CodEntrata: "SEGRETERIA"})}
	rata.Documento = &Documento{Identificativo: "TARI-2026-42", Descrizione: "TARI 2026", Rata: 2}

	soglia := confBase("SEGRETERIA", govpay.Euro(70))
	soglia.Voci = []Voce{VoceEntrata("1", govpay.Euro(70), "Sanzione ridotta", Entrata{CodEntrata: "SEGRETERIA"})}
	soglia.Documento = &Documento{Identificativo: "CDS-42", Descrizione: "Verbale CdS 42", Soglia: &Soglia{Tipo: SogliaEntro, Giorni: 5}}

	tutto := confBase("SEGRETERIA", govpay.Centesimi(2600))
	tutto.IDUnitaOperativa = "UO-1"
	tutto.NumeroAvviso = "301000000000001861"
	tutto.Direzione, tutto.Divisione = "Tributi", "TARI"
	tutto.AnnoRiferimento = 2026
	tutto.CartellaPagamento = "CART-1"
	tutto.DatiAllegati = json.RawMessage(`{"lotto":7}`)
	tutto.DataNotificaAvviso = govpay.NewDate(2026, 6, 1)
	tutto.DataPromemoriaScadenza = govpay.NewDate(2026, 6, 20)
	informativa := ""
	tutto.Proprieta = &Proprieta{
		LinguaSecondaria: LinguaTedesco, DescrizioneImporto: []DescrizioneImporto{{Voce: "quota fissa", Importo: govpay.Euro(10)}},
		LineaTestoRicevuta1: "Grazie", LineaTestoRicevuta2: "Comune", LinguaSecondariaCausale: "Zahlung",
		InformativaImportoAvviso: &informativa, DataScadenzaAvviso: govpay.NewDate(2026, 6, 30),
	}
	tutto.Allegati = []Allegato{{Nome: "avviso.txt", Tipo: "text/plain", Descrizione: "nota", Contenuto: []byte("ciao")}}
	tutto.Voci = []Voce{
		VoceEntrata("1", govpay.Euro(10), "Quota fissa", Entrata{CodEntrata: "SEGRETERIA"}),
		{IDVocePendenza: "2", Importo: govpay.Euro(16), Descrizione: "Quota variabile", IDDominio: "80015010723",
			Kind: Accredito{IBANAccredito: confIBAN, IBANAppoggio: "IT60X0542811101000000123456", TipoContabilita: ContabilitaSIOPE, CodiceContabilita: "1234"}},
	}
	tutto.SoggettoPagatore = govpay.Soggetto{Tipo: govpay.SoggettoGiuridico, Identificativo: "80015010723", Anagrafica: "Ditta Srl",
		Indirizzo: "Via Roma", Civico: "1", CAP: "00100", Localita: "Roma", Provincia: "RM", Nazione: "IT", Email: "info@ditta.it"}

	return []struct {
		name     string
		message  string
		pendenza Pendenza
	}{
		{"mono-voce IBAN", "pendenza-put_monovoce_definito.json", definito},
		{"mono-voce codEntrata", "pendenza-put_monovoce_riferimento.json", riferimento},
		{"mono-voce bollo", "pendenza-put_monovoce_bollo.json", bollo},
		{"contabilita", "pendenza-put_monovoce_riferimento_contabilita.json", contabilita},
		{"multi-voce", "pendenza-put_multivoce.json", multi(2, 1, 2)},
		{"multi-voce update", "pendenza-put_multivoce_update.json", multi(3, 1, 1, 1)},
		{"multi-voce with bollo", "pendenza-put_multivoce_bollo.json", multiBollo},
		{"metadata", "", metadata},
		{"documento rata", "", rata},
		{"documento soglia", "", soglia},
		{"every field", "", tutto},
	}
}

func TestConformancePut(t *testing.T) {
	dir := testutil.Upstream(t)
	v := newSpecValidator(t, dir)
	h, rec := newConformanceServer(t, v)
	for _, tt := range conformanceShapes() {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.pendenza.Validate())
			_, err := h.client.Put(context.Background(), "A2A-CONF", confID, tt.pendenza)
			require.NoError(t, err)
			body, verr := rec.last(t)
			require.NoError(t, verr, "body: %s", body)
			if tt.message != "" {
				want := upstreamMessage(t, dir, tt.message)
				if tt.message == "pendenza-put_monovoce_riferimento_contabilita.json" {
					// The message has no idTipoPendenza (see the exclusions).
					var m map[string]any
					require.NoError(t, json.Unmarshal(body, &m))
					delete(m, "idTipoPendenza")
					body, _ = json.Marshal(m)
				}
				assert.JSONEq(t, want, string(body), "the Go value has the upstream message's shape")
				// And the message itself decodes into the same value.
				var fromMsg Pendenza
				require.NoError(t, json.Unmarshal([]byte(want), &fromMsg))
				again, err := json.Marshal(fromMsg)
				require.NoError(t, err)
				assert.JSONEq(t, want, string(again))
			}
		})
	}
	t.Run("put options", func(t *testing.T) {
		p := conformanceShapes()[0].pendenza
		for _, opts := range [][]PutOption{{WithStampaAvviso()}, {WithoutAvvisatura()}, {WithDataAvvisatura(govpay.NewDate(2026, 7, 1)), WithStampaAvviso()}} {
			_, err := h.client.Put(context.Background(), "A2A-CONF", confID, p, opts...)
			require.NoError(t, err)
			_, verr := rec.last(t)
			require.NoError(t, verr)
		}
	})
}

func TestConformanceOtherRequests(t *testing.T) {
	dir := testutil.Upstream(t)
	v := newSpecValidator(t, dir)
	h, rec := newConformanceServer(t, v)
	ctx := context.Background()
	for range h.client.List(ctx, ListOptions{IDDominio: confDominio, IDA2A: "A2A-CONF", IDDebitore: "RSSMRA30A01H501I", Stato: StatoNonEseguita,
		IDPagamento: "abc", Direzione: "d", Divisione: "v", Ordinamento: "+dataCaricamento", RisultatiPerPagina: 200, SenzaConteggio: true,
		DataDa: govpay.NewDateTime(govpay.NewDate(2026, 1, 1).Time(nil)), DataA: govpay.NewDateTime(govpay.NewDate(2026, 2, 1).Time(nil))}) {
	}
	_, verr := rec.last(t)
	require.NoError(t, verr, "GET /pendenze")

	for range h.client.ListRPP(ctx, RPPListOptions{IDA2A: "A2A-CONF", IDPendenza: confID, IDDominio: confDominio, IUV: "01000000000001861", EsitoPagamento: "ESEGUITO"}) {
	}
	_, verr = rec.last(t)
	require.NoError(t, verr, "GET /rpp")

	_, err := h.client.GetRT(ctx, confDominio, "01000000000001861", "n/a", FormatoPDF)
	require.NoError(t, err)
	_, verr = rec.last(t)
	require.NoError(t, verr, "GET rt")

	_, err = h.client.Patch(ctx, "A2A-CONF", confID, ReplaceStato(StatoAnnullata), ReplaceDescrizioneStato("errore"), ReplaceAck(true),
		AddNota(Nota{Tipo: "NOTA_UTENTE", Oggetto: "o", Testo: "t"}))
	require.NoError(t, err)
	_, verr = rec.last(t)
	require.NoError(t, verr, "PATCH")
}

// The validator is not a rubber stamp: requests that break the spec fail.
func TestConformanceNegativeControls(t *testing.T) {
	dir := testutil.Upstream(t)
	v := newSpecValidator(t, dir)
	good, err := json.Marshal(conformanceShapes()[0].pendenza)
	require.NoError(t, err)
	put := func(path, body string) error {
		r, err := http.NewRequest(http.MethodPut, "http://x"+basePath+path, strings.NewReader(body))
		require.NoError(t, err)
		r.Header.Set("Content-Type", "application/json")
		return v.validate(r, []byte(body))
	}
	require.NoError(t, put("/pendenze/A2A/P1", string(good)))
	for name, bad := range map[string]string{
		"numeroAvviso as number": strings.Replace(string(good), `"idDominio"`, `"numeroAvviso":301000000000001861,"idDominio"`, 1),
		"six voci":               strings.Replace(string(good), `"voci":[`, `"voci":[{},{},{},{},{},`, 1),
		"idDominio 10 digits":    strings.Replace(string(good), confDominio, "1234567890", 1),
		"voce without kind":      strings.Replace(string(good), `"ibanAccredito"`, `"x"`, 1),
		"tassonomiaAvviso":       strings.Replace(string(good), `"Servizi erogati dal comune"`, `"Altro"`, 1),
		"no voci":                strings.Replace(string(good), `"voci"`, `"vociX"`, 1),
	} {
		assert.Error(t, put("/pendenze/A2A/P1", bad), name)
	}
	assert.Error(t, put("/pendenze/A2A%2F1/P1", string(good)), "idA2A pattern")

	patch := func(ct, body string) error {
		r, err := http.NewRequest(http.MethodPatch, "http://x"+basePath+"/pendenze/A2A/P1", strings.NewReader(body))
		require.NoError(t, err)
		r.Header.Set("Content-Type", ct)
		return v.validate(r, []byte(body))
	}
	require.NoError(t, patch("application/json", `[{"op":"REPLACE","path":"/stato","value":"ANNULLATA"}]`))
	assert.Error(t, patch("application/json", `[{"op":"MOVE","path":"/stato","value":"ANNULLATA"}]`))
	assert.Error(t, patch("application/json", `[{"op":"REPLACE","value":"ANNULLATA"}]`))
	assert.Error(t, patch("application/json-patch+json", `[{"op":"REPLACE","path":"/stato","value":"ANNULLATA"}]`))

	list := func(q string) error {
		r, err := http.NewRequest(http.MethodGet, "http://x"+basePath+"/pendenze?"+q, nil)
		require.NoError(t, err)
		return v.validate(r, nil)
	}
	require.NoError(t, list("risultatiPerPagina=200&pagina=1"))
	assert.Error(t, list("risultatiPerPagina=201"))
	assert.Error(t, list("stato=PAGATA"))
	assert.Error(t, list("dataDa=2026-01-01T00:00:00%2B01:00"))
}
