package proof

// The conformance report: for every upstream operation the SDK wraps, the
// real SDK call is sent to a recording server and each recorded request
// (path, query, headers, body) is validated against the operation of
// GovPay's or pagoPA's published spec with kin-openapi's openapi3filter.
// The test prints one line per operation (validates or not, how many
// requests, the exclusions that apply) and fails when a request does not
// validate.
//
//	GOVPAY_UPSTREAM=$PWD/../shared/upstream go test -run ConformanceReport -v ./internal/proof/
//
// The upstream folder is ../shared/upstream beside the repository
// (../../../shared/upstream from this directory) or $GOVPAY_UPSTREAM. Without
// it the test skips, unless GOVPAY_REQUIRE_UPSTREAM=1, when it fails.
//
// Exclusions, each with its reason (the per-package conformance tests make
// the same ones; CONFORMANCE.md lists them):
//   - No spec document is validated as a whole and their examples are not
//     checked: GovPay's put `pattern` on an integer and use the unknown
//     format base64, pagoPA's examples contradict their schemas. The SDK's
//     requests are validated, not the specs.
//   - No router: servers are relative URLs (GovPay) or templated
//     (Checkout v2), and Pagamento v2's /pendenze/{idDominio}/{idTipoPendenza}
//     and /pendenze/{idA2A}/{idPendenza} conflict. Each request's operation
//     is found by matching its path under the client's base URL with the
//     spec's path templates (literal segments win).
//   - date-time: GovPay reads timestamps without offset in Europe/Rome
//     (upstream README); the format accepts that form.
//   - PATCH of a pendenza: the spec says application/json-patch+json with an
//     object `value`; GovPay reads application/json and takes strings and
//     booleans. The body is checked against PatchOp with `value` untyped.
//   - POST /pagamenti: the items' anyOf accepts any full pendenza as a
//     RiferimentoPendenza, so each item is also validated against the schema
//     of its kind.
//   - Ragioneria v3: two schemas are referenced as local but live in the
//     shared schemas file; the references are rewritten while loading.
//   - Checkout: kin-openapi has no validator for the formats uri and email;
//     they are defined here (absolute URI, loose e-mail).
//
// One check is stricter than the specs: GovPay rejects request bodies with
// unknown fields (400, upstream README), but the published schemas do not
// say additionalProperties: false. Every JSON object of a request body is
// therefore also checked for properties its schema does not declare
// (free-form objects, those declaring no properties or allowing additional
// ones, are not).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// upstreamDir returns the upstream reference folder; it skips (or fails
// with GOVPAY_REQUIRE_UPSTREAM=1) when it is absent.
func upstreamDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("GOVPAY_UPSTREAM")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "upstream")
	}
	if _, err := os.Stat(filepath.Join(dir, "govpay", "pendenze-v2")); err != nil {
		if os.Getenv("GOVPAY_REQUIRE_UPSTREAM") == "1" {
			t.Fatalf("upstream reference folder not found in %s, and GOVPAY_REQUIRE_UPSTREAM=1: %v", dir, err)
		}
		t.Skipf("upstream reference folder not found in %s (set GOVPAY_UPSTREAM): %v", dir, err)
	}
	return dir
}

var reGovPayTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:?\d{2}|Z)?$`)

// specs holds the upstream documents, loaded once.
type specs struct {
	pendenze, pagamento, ragioneria, checkout1, checkout2 *openapi3.T
}

func loadSpecs(t *testing.T, dir string) *specs {
	t.Helper()
	load := func(rel string, fix func(path string, b []byte) []byte) *openapi3.T {
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = true
		if fix != nil {
			loader.ReadFromURIFunc = func(l *openapi3.Loader, u *url.URL) ([]byte, error) {
				b, err := openapi3.ReadFromFile(l, u)
				if err != nil {
					return nil, err
				}
				return fix(u.Path, b), nil
			}
		}
		doc, err := loader.LoadFromFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatalf("loading %s: %v", rel, err)
		}
		return doc
	}
	return &specs{
		pendenze:  load("govpay/pendenze-v2/govpay-api-pendenze-v2.yaml", nil),
		pagamento: load("govpay/pagamento-v2/govpay-api-pagamento-v2.yaml", nil),
		ragioneria: load("govpay/ragioneria-v3/govpay-api-ragioneria.yaml", func(path string, b []byte) []byte {
			if !strings.HasSuffix(path, "govpay-api-ragioneria.yaml") {
				return b
			}
			for _, name := range []string{"RiferimentoIdentificativoUnivocoVersamento", "RiferimentoIdentificativoFlussoRendicontazione"} {
				if !bytes.Contains(b, []byte("\n    "+name+":")) {
					b = bytes.ReplaceAll(b, []byte("'#/components/schemas/"+name+"'"), []byte("'govpay-api-schemas.yaml#/components/schemas/"+name+"'"))
				}
			}
			return b
		}),
		checkout1: load("pagopa/checkout_v1.json", nil),
		checkout2: load("pagopa/checkout_v2.json", nil),
	}
}

// validationOptions are the openapi3filter options of every check.
func validationOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError: true,
		AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			r := in.RequestValidationInput.Request
			s := in.SecurityScheme
			switch {
			case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
				if _, _, ok := r.BasicAuth(); !ok {
					return in.NewError(errors.New("no Basic credentials"))
				}
			case s.Type == "apiKey" && s.In == "header":
				if r.Header.Get(s.Name) == "" {
					return in.NewError(fmt.Errorf("no %s header", s.Name))
				}
			case s.Type == "apiKey" && s.In == "query":
				if r.URL.Query().Get(s.Name) == "" {
					return in.NewError(fmt.Errorf("no %s query parameter", s.Name))
				}
			default:
				return in.NewError(fmt.Errorf("security scheme %s/%s not checked", s.Type, s.Scheme))
			}
			return nil
		},
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(s string) error {
				if !reGovPayTimestamp.MatchString(s) {
					return errors.New("not a timestamp GovPay reads")
				}
				return nil
			})),
			openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(func(s string) error {
				u, err := url.Parse(s)
				if err != nil || !u.IsAbs() || u.Host == "" {
					return errors.New("not an absolute URI")
				}
				return nil
			})),
			openapi3.WithStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail)),
		},
	}
}

// recorded is one request as the server received it.
type recorded struct {
	method, path, escaped, query string
	header                       http.Header
	body                         []byte
}

// recordingServer answers every SDK call with a plausible success and keeps
// the requests.
type recordingServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

const (
	reportDettaglio = `{"idA2A":"A2A-CONF","idPendenza":"P-CONF","dominio":{"idDominio":"01234567890"},"stato":"NON_ESEGUITA",` +
		`"soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA30A01H501I"},"importo":10.00,"voci":[],"rpp":[]}`
	reportPagamento = `{"id":"pay-1","stato":"IN_CORSO","importo":10.00,"idSessionePortale":"sess-1","pendenze":[],"rpp":[]}`
	reportRicevuta  = `{"dominio":{"idDominio":"01234567890"},"iuv":"01000000000001861","idRicevuta":"rcpt-1","importo":10.00,"esito":"ESEGUITO"}`
	reportEmptyList = `{"numRisultati":0,"numPagine":0,"risultatiPerPagina":25,"pagina":1,"risultati":[]}`
)

func newRecordingServer(t *testing.T) *recordingServer {
	rs := &recordingServer{}
	rs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rs.mu.Lock()
		rs.reqs = append(rs.reqs, recorded{method: r.Method, path: r.URL.Path, escaped: r.URL.EscapedPath(),
			query: r.URL.RawQuery, header: r.Header.Clone(), body: body})
		rs.mu.Unlock()
		jsonAnswer := func(status int, s string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, s)
		}
		p := r.URL.Path
		accept := r.Header.Get("Accept")
		switch {
		case accept == "application/pdf":
			w.Header().Set("Content-Type", "application/pdf")
			_, _ = io.WriteString(w, "%PDF-1.4\n%%EOF\n")
		case accept == "application/xml":
			w.Header().Set("Content-Type", "application/xml")
			_, _ = io.WriteString(w, "<RT/>")
		case strings.HasSuffix(p, "/carts"):
			w.Header().Set("Location", "https://checkout.pagopa.it/c/abc123")
			w.WriteHeader(http.StatusFound)
		case r.Method == http.MethodPut:
			jsonAnswer(http.StatusCreated, `{"idDominio":"01234567890","numeroAvviso":"301000000000001861","UUID":"u-1"}`)
		case r.Method == http.MethodPost && strings.HasSuffix(p, "/pagamenti"):
			jsonAnswer(http.StatusCreated, `{"id":"pay-1","location":"/pagamenti/pay-1","redirect":"https://wisp.pagopa.gov.it/s/1","idSession":"sess-psp-1"}`)
		case r.Method == http.MethodPatch:
			jsonAnswer(http.StatusOK, reportDettaglio)
		case strings.HasSuffix(p, "/rt"):
			jsonAnswer(http.StatusOK, `{}`)
		case strings.Contains(p, "/avvisi/"):
			jsonAnswer(http.StatusOK, `{"stato":"NON_ESEGUITA","importo":10.00,"idDominio":"01234567890","numeroAvviso":"301000000000001861"}`)
		case strings.Contains(p, "/ricevute/"):
			jsonAnswer(http.StatusOK, reportRicevuta)
		case strings.Contains(p, "/pagamenti/"):
			jsonAnswer(http.StatusOK, reportPagamento)
		case strings.Contains(p, pathPendenze+"/pendenze/"):
			jsonAnswer(http.StatusOK, reportDettaglio)
		default: // lists
			jsonAnswer(http.StatusOK, reportEmptyList)
		}
	}))
	t.Cleanup(rs.srv.Close)
	return rs
}

func (rs *recordingServer) take() []recorded {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := rs.reqs
	rs.reqs = nil
	return out
}

// findOperation matches a path (relative to the API's base, escaped) with
// the spec's templates; literal segments win over parameters.
func findOperation(doc *openapi3.T, method, rel string) (string, *openapi3.PathItem, map[string]string, error) {
	segs := strings.Split(strings.Trim(rel, "/"), "/")
	var (
		best       string
		bestScore  = -1
		bestParams map[string]string
	)
	for tmpl, pi := range doc.Paths.Map() {
		if pi.GetOperation(method) == nil {
			continue
		}
		ts := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(ts) != len(segs) {
			continue
		}
		score, params := 0, map[string]string{}
		for i, s := range ts {
			if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
				v, err := url.PathUnescape(segs[i])
				if err != nil || v == "" {
					score = -1
					break
				}
				params[s[1:len(s)-1]] = v
				continue
			}
			if s != segs[i] {
				score = -1
				break
			}
			score++
		}
		if score > bestScore || (score == bestScore && tmpl < best) {
			best, bestScore, bestParams = tmpl, score, params
		}
	}
	if bestScore < 0 {
		return "", nil, nil, fmt.Errorf("the spec has no operation %s %s", method, rel)
	}
	return best, doc.Paths.Find(best), bestParams, nil
}

// check validates one recorded request against doc; base is the client's
// base path, which the spec's paths are relative to.
func check(doc *openapi3.T, base string, rq recorded) (string, error) {
	rel := strings.TrimPrefix(rq.escaped, base)
	tmpl, pi, params, err := findOperation(doc, rq.method, rel)
	if err != nil {
		return "", err
	}
	op := pi.GetOperation(rq.method)
	var errs []error
	switch {
	case rq.method == http.MethodPatch:
		// GovPay's PATCH dialect: application/json, untyped value.
		if ct := rq.header.Get("Content-Type"); ct != "application/json" {
			errs = append(errs, fmt.Errorf("PATCH sent as %q, GovPay reads application/json", ct))
		}
		schema := *doc.Components.Schemas["PatchOp"].Value
		props := make(openapi3.Schemas, len(schema.Properties))
		for k, v := range schema.Properties {
			props[k] = v
		}
		props["value"] = openapi3.NewSchemaRef("", &openapi3.Schema{})
		schema.Properties = props
		var ops []any
		if err := json.Unmarshal(rq.body, &ops); err != nil {
			errs = append(errs, fmt.Errorf("PATCH body: %w", err))
		}
		for i, o := range ops {
			if err := schema.VisitJSON(o); err != nil {
				errs = append(errs, fmt.Errorf("ops[%d]: %w", i, err))
			}
			errs = append(errs, unknownFields(&schema, o, fmt.Sprintf("ops[%d]", i))...)
		}
		op2 := *op
		op2.RequestBody = nil
		op = &op2
	case rq.method == http.MethodPost && tmpl == "/pagamenti":
		var w struct {
			Pendenze []map[string]any `json:"pendenze"`
		}
		if err := json.Unmarshal(rq.body, &w); err != nil {
			errs = append(errs, err)
		}
		for i, it := range w.Pendenze {
			kind := "RiferimentoPendenza"
			switch {
			case it["voci"] != nil:
				kind = "NuovaPendenza"
			case it["numeroAvviso"] != nil:
				kind = "RiferimentoAvviso"
			case it["idTipoPendenza"] != nil:
				kind = "PagamentoSpontaneo"
			}
			ref := doc.Components.Schemas[kind]
			if ref == nil || ref.Value == nil {
				errs = append(errs, fmt.Errorf("schema %s not in the spec", kind))
				continue
			}
			var v any
			b, _ := json.Marshal(it)
			_ = json.Unmarshal(b, &v)
			if err := ref.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
				errs = append(errs, fmt.Errorf("pendenze[%d] as %s: %w", i, kind, err))
			}
			errs = append(errs, unknownFields(ref.Value, v, fmt.Sprintf("pendenze[%d]", i))...)
		}
	}
	if rq.method != http.MethodPatch && len(rq.body) > 0 && op.RequestBody != nil && op.RequestBody.Value != nil {
		if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
			var v any
			if err := json.Unmarshal(rq.body, &v); err == nil {
				errs = append(errs, unknownFields(mt.Schema.Value, v, "")...)
			}
		}
	}
	req, err := http.NewRequest(rq.method, "http://govpay.test"+rq.escaped+"?"+rq.query, bytes.NewReader(rq.body))
	if err != nil {
		return tmpl, err
	}
	req.Header = rq.header.Clone()
	if err := openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Options: validationOptions(),
		Route: &routers.Route{Spec: doc, Path: tmpl, PathItem: pi, Method: rq.method, Operation: op},
	}); err != nil {
		errs = append(errs, err)
	}
	return tmpl, errors.Join(errs...)
}

// unknownFields reports the properties of v that schema s does not
// declare, recursively. Objects whose schema declares no properties, or
// allows additional ones, are free-form and not checked. allOf, anyOf and
// oneOf contribute their properties.
func unknownFields(s *openapi3.Schema, v any, at string) []error {
	if s == nil {
		return nil
	}
	join := func(k string) string {
		if at == "" {
			return k
		}
		return at + "." + k
	}
	switch v := v.(type) {
	case map[string]any:
		props := map[string]*openapi3.Schema{}
		free := false
		var collect func(s *openapi3.Schema)
		collect = func(s *openapi3.Schema) {
			if s == nil {
				return
			}
			if (s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) || s.AdditionalProperties.Schema != nil {
				free = true
			}
			for k, p := range s.Properties {
				if p != nil && props[k] == nil {
					props[k] = p.Value
				}
			}
			for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
				for _, r := range group {
					if r != nil {
						collect(r.Value)
					}
				}
			}
		}
		collect(s)
		if free || len(props) == 0 {
			return nil
		}
		var errs []error
		for k, x := range v {
			p, ok := props[k]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: property not declared by the spec (GovPay rejects unknown fields)", join(k)))
				continue
			}
			errs = append(errs, unknownFields(p, x, join(k))...)
		}
		return errs
	case []any:
		var errs []error
		item := s.Items
		if item == nil {
			for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
				for _, r := range group {
					if r != nil && r.Value != nil && r.Value.Items != nil {
						item = r.Value.Items
					}
				}
			}
		}
		if item == nil || item.Value == nil {
			return nil
		}
		for i, x := range v {
			errs = append(errs, unknownFields(item.Value, x, fmt.Sprintf("%s[%d]", at, i))...)
		}
		return errs
	}
	return nil
}

// reportCase is one line of the report: an upstream operation and the SDK
// calls that send it.
type reportCase struct {
	operation  string // as in the spec: "PUT /pendenze/{idA2A}/{idPendenza}"
	sdk        string
	spec       func(*specs) *openapi3.T
	base       string
	calls      func(ctx context.Context, c *reportClients) error
	exclusions []string
}

type reportClients struct {
	pendenze             *pendenze.Client
	pagamenti            *pagamenti.Client
	avvisiPendenze       *avvisi.Client
	avvisiPagamento      *avvisi.Client
	ricevute             *ricevute.Client
	checkout1, checkout2 *pagamenti.Checkout
}

const (
	pathCheckout1 = "/checkout/ec/v1"
	pathCheckout2 = "/checkout/ec/v2"
)

// conformancePendenze are the shapes a vertical system loads: one voce of
// each kind, several voci with accounting and metadata, a documento by
// instalment and by threshold, presentation options and attachments.
func conformancePendenze() []pendenze.Pendenza {
	base := func(voci ...pendenze.Voce) pendenze.Pendenza {
		var sum govpay.Importo
		for _, v := range voci {
			sum += v.Importo
		}
		return pendenze.Pendenza{IDTipoPendenza: "LIBERO", IDDominio: okDominio, Causale: "Conformance",
			SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: okCF, Anagrafica: "Mario Rossi",
				Indirizzo: "Via Roma", Civico: "1", CAP: "00100", Localita: "Roma", Provincia: "RM", Nazione: "IT",
				Email: "mario.rossi@example.it", Cellulare: "+39 000-0000000"},
			Importo: sum, DataValidita: govpay.NewDate(2026, 12, 31), DataScadenza: govpay.NewDate(2027, 12, 31),
			AnnoRiferimento: 2026, Voci: voci}
	}
	iban := pendenze.VoceAccredito("1", govpay.Centesimi(10050), "Diritti", pendenze.Accredito{IBANAccredito: okIBAN, TipoContabilita: pendenze.ContabilitaCapitolo, CodiceContabilita: "9/0101"})
	entrata := pendenze.VoceEntrata("2", govpay.Euro(5), "Segreteria", pendenze.Entrata{CodEntrata: "SEGRETERIA"})
	bollo := pendenze.VoceBollo("3", govpay.Euro(16), "Marca da bollo", pendenze.Bollo{HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RM"})
	conContabilita := iban
	conContabilita.Contabilita = &pendenze.Contabilita{Quote: []pendenze.QuotaContabilita{
		{Capitolo: "1400", AnnoEsercizio: 2026, Importo: govpay.Euro(100), Accertamento: "2026/1"},
		{Capitolo: "1401", AnnoEsercizio: 2026, Importo: govpay.Centesimi(50)},
	}}
	conContabilita.Metadata = &pendenze.Metadata{MapEntries: []pendenze.MapEntry{{Key: "PROTOCOLLO", Value: "2026/42"}}}
	conContabilita.DatiAllegati = json.RawMessage(`{"pratica":"42"}`)
	// No bollo here: GovPay refuses a numeroAvviso on several voci one of
	// which is a marca da bollo (VER_031); base(bollo) covers the bollo.
	multi := base(conContabilita, entrata)
	multi.NumeroAvviso = "301000000000001861"
	multi.TassonomiaAvviso = pendenze.TassonomiaServiziComune
	multi.Tassonomia = "Segreteria"
	multi.Direzione, multi.Divisione, multi.CartellaPagamento = "Tributi", "TARI", "CART-1"
	multi.DatiAllegati = json.RawMessage(`{"origine":"sportello"}`)
	informativa := "Importo comprensivo di diritti"
	multi.Proprieta = &pendenze.Proprieta{LinguaSecondaria: pendenze.LinguaTedesco, LinguaSecondariaCausale: "Gebühren",
		DescrizioneImporto:       []pendenze.DescrizioneImporto{{Voce: "Diritti", Importo: govpay.Centesimi(10050)}},
		InformativaImportoAvviso: &informativa, DataScadenzaAvviso: govpay.NewDate(2027, 1, 31)}
	multi.Allegati = []pendenze.Allegato{{Nome: "delibera.pdf", Tipo: "application/pdf", Descrizione: "Delibera", Contenuto: []byte("%PDF-1.4")}}
	rata := base(entrata)
	rata.Documento = &pendenze.Documento{Identificativo: "DOC-1", Descrizione: "Rateizzazione", Rata: 1}
	rata.DataNotificaAvviso = govpay.NewDate(2026, 6, 1)
	rata.DataPromemoriaScadenza = govpay.NewDate(2026, 12, 1)
	soglia := base(entrata)
	soglia.Documento = &pendenze.Documento{Identificativo: "DOC-2", Descrizione: "Sconto entro 5 giorni", Soglia: &pendenze.Soglia{Tipo: pendenze.SogliaEntro, Giorni: 5}}
	return []pendenze.Pendenza{base(iban), base(entrata), base(bollo), multi, rata, soglia}
}

func reportCases() []reportCase {
	pend := func(s *specs) *openapi3.T { return s.pendenze }
	pag := func(s *specs) *openapi3.T { return s.pagamento }
	rag := func(s *specs) *openapi3.T { return s.ragioneria }
	const noDocCheck = "spec document and examples not validated (pattern on an integer, format base64)"
	const noRouter = "operation found by path template, no router (relative server URL)"
	const govpayTime = "date-time accepts GovPay's offsetless Europe/Rome form"
	dettaglioOK := func(_ *pendenze.Dettaglio, err error) error { return err }
	return []reportCase{
		{operation: "PUT /pendenze/{idA2A}/{idPendenza}", sdk: "pendenze.Client.Put", spec: pend, base: pathPendenze,
			calls: func(ctx context.Context, c *reportClients) error {
				var errs []error
				for i, p := range conformancePendenze() {
					_, err := c.pendenze.Put(ctx, "A2A-CONF", fmt.Sprintf("P-CONF-%d", i), p)
					errs = append(errs, err)
				}
				_, err := c.pendenze.Put(ctx, "A2A-CONF", "P-CONF-Q", conformancePendenze()[0], pendenze.WithStampaAvviso(), pendenze.WithDataAvvisatura(govpay.NewDate(2026, 6, 1)))
				_, err2 := c.pendenze.Put(ctx, "A2A-CONF", "P-CONF-M", conformancePendenze()[0], pendenze.WithoutAvvisatura())
				return errors.Join(append(errs, err, err2)...)
			},
			exclusions: []string{noDocCheck, noRouter}},
		{operation: "GET /pendenze/{idA2A}/{idPendenza}", sdk: "pendenze.Client.Get", spec: pend, base: pathPendenze,
			calls: func(ctx context.Context, c *reportClients) error {
				return dettaglioOK(c.pendenze.Get(ctx, "A2A-CONF", "P-CONF"))
			}, exclusions: []string{noRouter}},
		{operation: "PATCH /pendenze/{idA2A}/{idPendenza}", sdk: "pendenze.Client.Patch, Cancel, Reactivate", spec: pend, base: pathPendenze,
			calls: func(ctx context.Context, c *reportClients) error {
				_, err := c.pendenze.Patch(ctx, "A2A-CONF", "P-CONF", pendenze.AddNota(pendenze.Nota{Tipo: "NOTA_UTENTE", Oggetto: "Nota", Testo: "Testo"}),
					pendenze.ReplaceAck(true), pendenze.ReplaceDescrizioneStato("verificata"))
				return errors.Join(err, c.pendenze.Cancel(ctx, "A2A-CONF", "P-CONF", "errore di caricamento"),
					c.pendenze.Reactivate(ctx, "A2A-CONF", "P-CONF", ""))
			},
			exclusions: []string{noRouter, "body sent as application/json (spec: application/json-patch+json); PatchOp.value untyped (GovPay takes strings and booleans)"}},
		{operation: "GET /pendenze", sdk: "pendenze.Client.List", spec: pend, base: pathPendenze,
			calls: func(ctx context.Context, c *reportClients) error {
				from := govpay.NewDateTime(time.Date(2026, 1, 1, 0, 0, 0, 0, govpay.Rome()))
				return firstErr(c.pendenze.List(ctx, pendenze.ListOptions{IDDominio: okDominio, IDA2A: "A2A-CONF", IDDebitore: okCF,
					Stato: pendenze.StatoNonEseguita, Direzione: "Tributi", Divisione: "TARI", DataDa: from, DataA: govpay.NewDateTime(from.Time().AddDate(0, 1, 0)),
					Ordinamento: "+dataCaricamento", RisultatiPerPagina: 50, SenzaConteggio: true}))
			}, exclusions: []string{noRouter, govpayTime}},
		{operation: "GET /pendenze/byAvviso/{idDominio}/{numeroAvviso}", sdk: "pendenze.Client.GetByAvviso", spec: pend, base: pathPendenze,
			calls: func(ctx context.Context, c *reportClients) error {
				return dettaglioOK(c.pendenze.GetByAvviso(ctx, okDominio, okNumero))
			}, exclusions: []string{noRouter}},
		{operation: "GET /rpp", sdk: "pendenze.Client.ListRPP", spec: pend, base: pathPendenze,
			calls: func(ctx context.Context, c *reportClients) error {
				return firstErr(c.pendenze.ListRPP(ctx, pendenze.RPPListOptions{IDA2A: "A2A-CONF", IDPendenza: "P-CONF", IDDominio: okDominio,
					IUV: "01000000000001861", EsitoPagamento: "ESEGUITO"}))
			}, exclusions: []string{noRouter}},
		{operation: "GET /rpp/{idDominio}/{iuv}/{ccp}/rt", sdk: "pendenze.Client.GetRT", spec: pend, base: pathPendenze,
			calls: func(ctx context.Context, c *reportClients) error {
				var errs []error
				for _, f := range []pendenze.Formato{pendenze.FormatoJSON, pendenze.FormatoXML, pendenze.FormatoPDF} {
					_, err := c.pendenze.GetRT(ctx, okDominio, "01000000000001861", "n/a", f)
					errs = append(errs, err)
				}
				return errors.Join(errs...)
			}, exclusions: []string{noRouter}},
		{operation: "GET /avvisi/{idDominio}/{numeroAvviso} (Pendenze v2)", sdk: "avvisi.Client.Get, PDF", spec: pend, base: pathPendenze,
			calls: func(ctx context.Context, c *reportClients) error {
				_, err := c.avvisiPendenze.Get(ctx, okDominio, okNumero)
				_, err2 := c.avvisiPendenze.PDF(ctx, okDominio, okNumero)
				return errors.Join(err, err2)
			}, exclusions: []string{noRouter}},
		{operation: "POST /pagamenti", sdk: "pagamenti.Client.Start", spec: pag, base: pathPagamento,
			calls: func(ctx context.Context, c *reportClients) error {
				full := conformancePendenze()[3]
				full.NumeroAvviso = ""
				carts := []*pagamenti.Cart{
					pagamenti.NewCart().AddRiferimento("A2A-CONF", "P-CONF"),
					pagamenti.NewCart().AddAvviso(okDominio, okNumero),
					pagamenti.NewCart().AddQRCode(okQR),
					pagamenti.NewCart().AddSpontaneo(okDominio, "MENSA", map[string]any{"alunno": "Mario", "mesi": 3}),
					pagamenti.NewCart().AddPendenza("A2A-CONF", "P-FULL", full),
					pagamenti.NewCart().AddRiferimento("A2A-CONF", "P-1").AddAvviso(okDominio, okNumero).AddSpontaneo(okDominio, "MENSA", map[string]any{}),
				}
				var errs []error
				for i, cart := range carts {
					_, err := c.pagamenti.Start(ctx, cart, pagamenti.StartOptions{URLRitorno: okURL, IDSessionePortale: fmt.Sprintf("sess-%d", i)})
					errs = append(errs, err)
				}
				_, err := c.pagamenti.Start(ctx, pagamenti.NewCart().AddAvviso(okDominio, okNumero), pagamenti.StartOptions{
					URLRitorno: okURL, IDSessionePortale: "sess-full", Lingua: pagamenti.LinguaInglese,
					SoggettoVersante:       &govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: okCF, Anagrafica: "Mario Rossi", Email: "mario.rossi@example.it"},
					AutenticazioneSoggetto: pagamenti.AutenticazioneUSR, ContoAddebito: &pagamenti.Conto{IBAN: okIBAN, BIC: "BCITITMM"},
					DataEsecuzionePagamento: govpay.Today().AddDays(7), CredenzialiPagatore: "otp-123", CodiceConvenzione: "CONV-1",
					IDPSP: "BCITITMM", IDIntermediarioPSP: "00799960158", IDCanale: "00799960158_01", TipoVersamento: pagamenti.VersamentoCarta,
					ReCaptcha: "recaptcha-token"})
				return errors.Join(append(errs, err)...)
			},
			exclusions: []string{noDocCheck, "no router: /pendenze/{idDominio}/{idTipoPendenza} and /pendenze/{idA2A}/{idPendenza} conflict",
				"each item also validated against the schema of its kind (the anyOf accepts any full pendenza as RiferimentoPendenza)"}},
		{operation: "GET /pagamenti/{id}", sdk: "pagamenti.Client.Get", spec: pag, base: pathPagamento,
			calls: func(ctx context.Context, c *reportClients) error {
				_, err := c.pagamenti.Get(ctx, "pay-1")
				return err
			}, exclusions: []string{noRouter}},
		{operation: "GET /pagamenti/byIdSession/{idSession}", sdk: "pagamenti.Client.GetByIDSession", spec: pag, base: pathPagamento,
			calls: func(ctx context.Context, c *reportClients) error {
				_, err := c.pagamenti.GetByIDSession(ctx, "sess-psp-1")
				return err
			}, exclusions: []string{noRouter}},
		{operation: "GET /pagamenti", sdk: "pagamenti.Client.List", spec: pag, base: pathPagamento,
			calls: func(ctx context.Context, c *reportClients) error {
				from := govpay.NewDateTime(time.Date(2026, 1, 1, 0, 0, 0, 0, govpay.Rome()))
				return firstErr(c.pagamenti.List(ctx, pagamenti.ListOptions{IDSessionePortale: "sess-1", IDSessione: "sess-psp-1",
					IDDebitore: okCF, IDVersante: okCF, Stato: pagamenti.StatoPagamento("ESEGUITO"), DataDa: from, Ordinamento: "+dataRichiestaPagamento",
					RisultatiPerPagina: 50}))
			}, exclusions: []string{noRouter, govpayTime, "query idSessione sent (GovPay reads it; the spec names idSessionePsp)"}},
		{operation: "GET /pendenze (Pagamento v2)", sdk: "pagamenti.Client.Posizione", spec: pag, base: pathPagamento,
			calls: func(ctx context.Context, c *reportClients) error {
				return firstErr(c.pagamenti.ListPosizione(ctx, okCF, pagamenti.PosizioneOptions{IDDominio: okDominio,
					Stato: pendenze.StatoPendenza("NON_ESEGUITA"), RisultatiPerPagina: 20}))
			}, exclusions: []string{noRouter}},
		{operation: "GET /avvisi/{idDominio}/{numeroAvviso} (Pagamento v2)", sdk: "avvisi.Client.Get, PDF", spec: pag, base: pathPagamento,
			calls: func(ctx context.Context, c *reportClients) error {
				_, err := c.avvisiPagamento.Get(ctx, okDominio, okNumero, avvisi.WithIDDebitore(okCF), avvisi.WithLinguaSecondaria("de"))
				_, err2 := c.avvisiPagamento.PDF(ctx, okDominio, okNumero)
				return errors.Join(err, err2)
			}, exclusions: []string{noRouter}},
		{operation: "GET /ricevute", sdk: "ricevute.Client.Find", spec: rag, base: pathRagioneria,
			calls: func(ctx context.Context, c *reportClients) error {
				_, err := c.ricevute.Find(ctx, okDominio, okNumero)
				_, err2 := c.ricevute.Find(ctx, okDominio, "RF23567483937849450550001")
				return errors.Join(err, err2)
			}, exclusions: []string{noRouter, "two schema references rewritten to govpay-api-schemas.yaml while loading"}},
		{operation: "GET /ricevute/{idDominio}/{iuv}/{idRicevuta}", sdk: "ricevute.Client.Get, PDF", spec: rag, base: pathRagioneria,
			calls: func(ctx context.Context, c *reportClients) error {
				_, err := c.ricevute.Get(ctx, okDominio, okNumero, "rcpt-1")
				_, err2 := c.ricevute.PDF(ctx, okDominio, "01000000000001861", "rcpt-1")
				return errors.Join(err, err2)
			}, exclusions: []string{noRouter, "two schema references rewritten to govpay-api-schemas.yaml while loading"}},
		{operation: "POST /carts (Checkout v1)", sdk: "pagamenti.Checkout.Start", spec: func(s *specs) *openapi3.T { return s.checkout1 }, base: pathCheckout1,
			calls: func(ctx context.Context, c *reportClients) error {
				_, err := c.checkout1.Start(ctx, pagamenti.NewCart().AddQRCode(okQR), checkoutOptions(1))
				return err
			}, exclusions: []string{"examples not validated (allCCP as a string, relative URLs)", "no router", "formats uri and email defined by the test"}},
		{operation: "POST /carts (Checkout v2)", sdk: "pagamenti.Checkout.Start", spec: func(s *specs) *openapi3.T { return s.checkout2 }, base: pathCheckout2,
			calls: func(ctx context.Context, c *reportClients) error {
				_, err := c.checkout2.Start(ctx, pagamenti.NewCart().AddQRCode(okQR).AddAvviso("80015010723", okNumero), checkoutOptions(2))
				return err
			}, exclusions: []string{"examples not validated (allCCP as a string, relative URLs)", "no router (templated server URL)", "formats uri and email defined by the test"}},
	}
}

func checkoutOptions(version int) pagamenti.CheckoutStartOptions {
	o := pagamenti.CheckoutStartOptions{ReturnOK: okURL + "?esito=OK", ReturnCancel: okURL + "?esito=CANCEL", ReturnError: okURL + "?esito=ERROR",
		EmailNotice: "mario.rossi@example.it", IDCart: "cart-1", Version: version, CompanyName: "Comune di Esempio",
		Completer: pagamenti.NoticeCompleterFunc(func(_ context.Context, _ pagamenti.Item, n *pagamenti.PaymentNotice) error {
			n.Description = "Diritti di segreteria"
			if n.Amount == 0 {
				n.Amount = govpay.Euro(10)
			}
			return nil
		})}
	if version == 2 {
		o.ReturnWaiting = okURL + "?esito=WAIT"
	}
	return o
}

func TestConformanceReport(t *testing.T) {
	dir := upstreamDir(t)
	sp := loadSpecs(t, dir)
	rs := newRecordingServer(t)
	opts := []govpay.Option{govpay.WithBasicAuth("conformance", secret), govpay.WithRetry(govpay.NoRetry()), govpay.WithInsecureRedirect()}
	c := &reportClients{}
	var err error
	must := func(e error) {
		if e != nil {
			t.Fatal(e)
		}
	}
	// One Config for the GovPay clients, each API at its deep base path.
	cfg := testutil.Config(t, govpay.APIPagamento, rs.srv.URL+pathPagamento, append(opts,
		govpay.WithEndpoint(govpay.APIPendenze, rs.srv.URL+pathPendenze),
		govpay.WithEndpoint(govpay.APIRagioneria, rs.srv.URL+pathRagioneria))...)
	c.pendenze = pendenze.New(cfg)
	c.pagamenti = pagamenti.New(cfg)
	// GET /avvisi through API Pendenze v2: the avvisi client's endpoint
	// pointed there.
	c.avvisiPendenze = avvisi.New(testutil.Config(t, govpay.APIPagamento, rs.srv.URL+pathPendenze, opts...))
	c.avvisiPagamento = avvisi.New(cfg)
	c.ricevute = ricevute.New(cfg)
	c.checkout1, err = pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: rs.srv.URL + pathCheckout1, SubscriptionKey: "subscription-key-1"})
	must(err)
	c.checkout2, err = pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: rs.srv.URL + pathCheckout2, SubscriptionKey: "subscription-key-2"})
	must(err)

	type line struct {
		operation, sdk, verdict string
		requests                int
		exclusions              []string
	}
	var report []line
	for _, rc := range reportCases() {
		t.Run(rc.operation, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			callErr := rc.calls(ctx, c)
			reqs := rs.take()
			l := line{operation: rc.operation, sdk: rc.sdk, requests: len(reqs), exclusions: rc.exclusions, verdict: "validates"}
			defer func() { report = append(report, l) }()
			var ve *govpay.ValidationError
			if errors.As(callErr, &ve) {
				l.verdict = "not sent (SDK validation)"
				t.Fatalf("the SDK refused a valid input: %v", callErr)
			}
			if callErr != nil {
				t.Logf("the SDK call reported (answers are canned, the requests are what matters): %v", callErr)
			}
			if len(reqs) == 0 {
				l.verdict = "no request"
				t.Fatal("no request reached the server")
			}
			doc := rc.spec(sp)
			want := strings.Fields(rc.operation)[1]
			for i, rq := range reqs {
				tmpl, err := check(doc, rc.base, rq)
				if err == nil && tmpl != want {
					err = fmt.Errorf("request matched %s, want %s", tmpl, want)
				}
				if err != nil {
					l.verdict = "DOES NOT VALIDATE"
					t.Errorf("request %d (%s %s?%s) does not validate: %v\nbody: %s", i, rq.method, rq.escaped, rq.query, err, rq.body)
				}
			}
		})
	}
	var b strings.Builder
	b.WriteString("\nConformance report (upstream: " + dir + ")\n")
	fmt.Fprintf(&b, "%-55s %-42s %-4s %s\n", "operation", "SDK call", "reqs", "verdict")
	for _, l := range report {
		fmt.Fprintf(&b, "%-55s %-42s %-4d %s\n", l.operation, l.sdk, l.requests, l.verdict)
		for _, e := range l.exclusions {
			fmt.Fprintf(&b, "%-55s   exclusion: %s\n", "", e)
		}
	}
	t.Log(b.String())
}

// TestConformanceReportDetects proves that the report's check can fail:
// requests that break the upstream specs are caught.
func TestConformanceReportDetects(t *testing.T) {
	sp := loadSpecs(t, upstreamDir(t))
	auth := http.Header{"Authorization": {"Basic Y29uZm9ybWFuY2U6eA=="}, "Content-Type": {"application/json"}, "Accept": {"application/json"}}
	putBody := func(change func(m map[string]any)) []byte {
		b, err := json.Marshal(conformancePendenze()[0])
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		change(m)
		b, _ = json.Marshal(m)
		return b
	}
	put := "/pendenze/A2A/P1"
	for _, tc := range []struct {
		name string
		doc  *openapi3.T
		base string
		rq   recorded
	}{
		{"unknown property in a pendenza", sp.pendenze, "", recorded{method: http.MethodPut, escaped: put, header: auth,
			body: putBody(func(m map[string]any) { m["idPendenza"] = "P1" })}},
		{"unknown property in a voce", sp.pendenze, "", recorded{method: http.MethodPut, escaped: put, header: auth,
			body: putBody(func(m map[string]any) { m["voci"].([]any)[0].(map[string]any)["nota"] = "x" })}},
		{"unknown property in a cart item", sp.pagamento, "", recorded{method: http.MethodPost, escaped: "/pagamenti", header: auth,
			body: []byte(`{"pendenze":[{"idDominio":"01234567890","numeroAvviso":"301000000000001861","importo":10}]}`)}},
		{"importo as a string", sp.pendenze, "", recorded{method: http.MethodPut, escaped: put, header: auth,
			body: putBody(func(m map[string]any) { m["importo"] = "100.50" })}},
		{"voci missing", sp.pendenze, "", recorded{method: http.MethodPut, escaped: put, header: auth,
			body: putBody(func(m map[string]any) { delete(m, "voci") })}},
		{"no credentials", sp.pendenze, "", recorded{method: http.MethodGet, escaped: put, header: http.Header{"Accept": {"application/json"}}}},
		{"page size not a number", sp.pendenze, "", recorded{method: http.MethodGet, escaped: "/pendenze", query: "risultatiPerPagina=abc", header: auth}},
		{"PATCH op MOVE", sp.pendenze, "", recorded{method: http.MethodPatch, escaped: put, header: auth, body: []byte(`[{"op":"MOVE","path":"/stato","value":"x"}]`)}},
		{"PATCH as json-patch", sp.pendenze, "", recorded{method: http.MethodPatch, escaped: put,
			header: http.Header{"Authorization": auth["Authorization"], "Content-Type": {"application/json-patch+json"}}, body: []byte(`[{"op":"REPLACE","path":"/stato","value":"ANNULLATA"}]`)}},
		{"cart avviso without idDominio", sp.pagamento, "", recorded{method: http.MethodPost, escaped: "/pagamenti", header: auth,
			body: []byte(`{"pendenze":[{"numeroAvviso":"301000000000001861"}]}`)}},
		{"cart full pendenza with a bad voce", sp.pagamento, "", recorded{method: http.MethodPost, escaped: "/pagamenti", header: auth,
			body: []byte(`{"pendenze":[{"idA2A":"A","idPendenza":"P","idTipoPendenza":"T","idDominio":"01234567890","causale":"c",` +
				`"soggettoPagatore":{"tipo":"F","identificativo":"X"},"importo":1,"voci":[{"idVocePendenza":"1","importo":"uno","descrizione":"d","codEntrata":"E"}]}]}`)}},
		{"checkout without returnUrls", sp.checkout2, "", recorded{method: http.MethodPost, escaped: "/carts",
			header: http.Header{"Ocp-Apim-Subscription-Key": {"k"}, "Content-Type": {"application/json"}},
			body:   []byte(`{"paymentNotices":[{"noticeNumber":"301000000000001861","fiscalCode":"01234567890","amount":1000,"companyName":"C","description":"D"}]}`)}},
		{"checkout without subscription key", sp.checkout1, "", recorded{method: http.MethodPost, escaped: "/carts", header: http.Header{"Content-Type": {"application/json"}},
			body: []byte(`{"paymentNotices":[{"noticeNumber":"301000000000001861","fiscalCode":"01234567890","amount":1000,"companyName":"C","description":"D"}],` +
				`"returnUrls":{"returnOkUrl":"https://a.it/ok","returnCancelUrl":"https://a.it/ko","returnErrorUrl":"https://a.it/err"}}`)}},
		{"unknown operation", sp.ragioneria, "", recorded{method: http.MethodDelete, escaped: "/ricevute/01234567890/1/2", header: auth}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := check(tc.doc, tc.base, tc.rq); err == nil {
				t.Errorf("the check accepted a request that breaks the spec: %s %s %s", tc.rq.method, tc.rq.escaped, tc.rq.body)
			} else {
				t.Logf("caught: %.200v", err)
			}
		})
	}
}
