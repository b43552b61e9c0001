package conformance

// Contract tests between our specs (api/*.yaml), the models generated from
// them (internal/gen/...) and the public types of the SDK. They need no
// upstream material and run everywhere.
//
// The public packages never use the generated code: they speak the wire JSON
// with their own types. These tests make the generated models a contract:
//
//   - Requests: each request body the SDK sends is captured on the wire (a
//     test server mounted under GovPay's deep base paths) and
//       1. validated against OUR spec with openapi3filter.ValidateRequest
//          (path, query, headers, body); query parameters the operation does
//          not declare are reported too, since openapi3filter ignores them;
//       2. decoded STRICTLY (json.Decoder.DisallowUnknownFields) into the
//          generated request model; a field walk names every unknown field
//          with its path (the decoder itself only names the field);
//       3. checked for required fields left empty (fields the generator
//          made non-pointer and non-omitempty);
//       4. re-encoded from the generated model and compared with the wire
//          (what the model cannot represent would change);
//       5. checked for coverage: every field of the generated model must be
//          set by at least one captured request. The public fixtures are
//          themselves checked to set every public field, so an uncovered
//          field is one the public type cannot send.
//     Cart items of POST /pagamenti are a union (anyOf) in the spec and in
//     the generated code: each item is also decoded into, and validated
//     against, the member type matching the kind the cart gave it.
//   - Verification answers of notifica (API Ente v1 and v2): the same
//     checks, with openapi3filter.ValidateResponse.
//   - Answers: a generated-model-complete answer (testdata/contract/*.json,
//     checked to be valid for our spec and to set every field of the
//     generated model) is served to the real client; the public value it
//     returns is encoded again and compared with the answer: every field
//     must survive with its value (ids, amounts, dates; timestamps compared
//     as instants to the second, since GovPay writes several forms), and
//     every field the public type declares (read from the type, whatever
//     the fixture holds) must exist in the generated model. The answers of
//     the fake GovPay (govpaytest) for the same operations are checked
//     against the spec, the generated model and the public values too.
//
// Every mismatch is a bug in a spec, in a public type or (for its answers)
// in govpaytest. Known ones are listed in knownContractGaps with the side
// that is wrong and why; an entry that stops happening fails the test, so
// the list stays exact. TestContractChecksBite proves each check fails on
// a wrong body.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/govpaytest"
	gencheckout1 "github.com/govpaygo/govpay/internal/gen/checkout1"
	gencheckout2 "github.com/govpaygo/govpay/internal/gen/checkout2"
	genente1 "github.com/govpaygo/govpay/internal/gen/ente1"
	genente2 "github.com/govpaygo/govpay/internal/gen/ente2"
	genpagamento "github.com/govpaygo/govpay/internal/gen/pagamento"
	genpendenze "github.com/govpaygo/govpay/internal/gen/pendenze"
	genragioneria "github.com/govpaygo/govpay/internal/gen/ragioneria"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// contractGap is a known mismatch between a spec and a public type.
type contractGap struct {
	// Key is "<case> <check> <path>" as the test reports it (array indexes
	// written []).
	Key string
	// Side is what is wrong: a spec file or a public type.
	Side string
	// Reason says why, and what the fix is.
	Reason string
}

// gaps returns one contractGap per path, all with the same side and reason.
func gaps(prefix string, paths []string, side, reason string) []contractGap {
	out := make([]contractGap, len(paths))
	for i, p := range paths {
		out[i] = contractGap{Key: prefix + " " + p, Side: side, Reason: reason}
	}
	return out
}

// knownContractGaps lists the mismatches found and not fixed yet. Each must
// still happen: remove an entry when its bug is fixed.
var knownContractGaps = slices.Concat(
	// ---- POST /pagamenti ----
	[]contractGap{
		{
			Key:  "pagamenti.Start uncovered pendenze<RiferimentoAvviso>.idDebitore",
			Side: "public pagamenti.Cart",
			Reason: "RiferimentoAvviso.idDebitore (ours and GovPay's) lets GovPay check the debtor of the notice; " +
				"Cart.AddAvviso/AddQRCode cannot send it: add a way to set it (or drop it from the spec if unsupported on purpose)",
		},
	},
	// ---- API Ente v1 verification answers ----
	gaps("notifica.Verifica.v1 uncovered", []string{"dataCaricamento", "nome", "voci[].bicAccredito", "voci[].bicAppoggio"},
		"public notifica.PendenzaVerificata (through pendenze.Pendenza)",
		"optional; the SDK's model has no source for it"),
	// ---- one Go type per GovPay schema shared by several APIs (issue #13) ----
	// ricevute.Dominio, ricevute.UnitaOperativa and pendenze.Sintesi hold the
	// union of what the APIs send (CONTRIBUTING.md, Naming rule 2): the
	// fields another API sends never arrive in this answer and stay empty.
	gaps("answer.pendenze.Get public-field", []string{"dominio.*", "rpp[].pendenza.dominio.*", "unitaOperativa.*",
		"rpp[].pendenza.unitaOperativa.*"},
		"public ricevute.Dominio / ricevute.UnitaOperativa (shared)",
		"API Pendenze v2 sends idDominio and ragioneSociale, and spells the office id idUnita; the registry details and "+
			"idUnitaOperativa are API Pagamento v2's (pagamento v2 Dominio.java, UnitaOperativa.java:46)"),
	gaps("answer.ricevute.Get public-field", []string{"dominio.*", "pendenza.dominio.*", "pendenza.voci[].dominio.*"},
		"public ricevute.Dominio (shared)",
		"a receipt's creditor is idDominio and ragioneSociale; the registry details are API Pagamento v2's"),
	gaps("answer.pagamenti.Get public-field", []string{"pendenze[].unitaOperativa.*", "rpp[].pendenza.unitaOperativa.*",
		"pendenze[].descrizioneStato", "pendenze[].documento", "rpp[].pendenza.descrizioneStato", "rpp[].pendenza.documento"},
		"public pendenze.Sintesi / ricevute.UnitaOperativa (shared)",
		"API Pagamento v2's PendenzaIndex lacks descrizioneStato and documento of API Pendenze v2's, and spells the office "+
			"id idUnitaOperativa, not idUnita (PendenzaIndex.java, UnitaOperativa.java:45 of api-pendenze v2)"),
	// ---- GET /ricevute/{idDominio}/{iuv}/{idRicevuta} ----
	[]contractGap{
		{
			Key:  "answer.ricevute.Get public-field pendenza.unitaOperativa.*",
			Side: "public ricevute.PendenzaPagata.UnitaOperativa",
			Reason: "Ragioneria v3 (ours and GovPay's) describes the unit of a paid pendenza with idUnita and ragioneSociale only; " +
				"the public type reuses ricevute.UnitaOperativa, whose other fields (indirizzo … area) never arrive",
		},
		{
			Key:  "answer.ricevute.Get public-field stato",
			Side: "public ricevute.Ricevuta.Stato",
			Reason: "no spec of ours (Ragioneria v3, Ente v2) defines a receipt stato, GovPay's published schema only names it in " +
				"required, and GovPay's integration-test receipts have none: remove it, or show GovPay sends it and add it to the specs",
		},
		{
			Key:    "answer.ricevute.Get public-field rpt.data",
			Side:   "public ricevute.Messaggio.Data",
			Reason: "rpt/rt are {tipo, xml, json} in our specs and in GovPay's (schema and integration tests): there is no data",
		},
		{
			Key:    "answer.ricevute.Get public-field rt.data",
			Side:   "public ricevute.Messaggio.Data",
			Reason: "as rpt.data",
		},
		{
			Key:  "answer.ricevute.Get public-field pendenza.voci[].importo",
			Side: "public ricevute.VocePagata.Importo",
			Reason: "Ragioneria v3 and Ente v2 (ours and GovPay's VocePendenzaPagata) do not repeat the voce's importo: the amount " +
				"is riscossione.importo",
		},
		{
			Key:  "answer.ricevute.Get public-field pendenza.voci[].riscossione.stato",
			Side: "public ricevute.RiscossioneVoce.Stato",
			Reason: "RiscossioneVocePagata has no stato in our Ragioneria v3 / Ente v2 specs nor in GovPay's published v3 schema " +
				"(Ente v1 Riscossione has it); add it to the specs only if GovPay is shown to send it",
		},
	},
)

// ---- the checker: collects problems, compares them with the known gaps ----

type checker struct {
	t        *testing.T
	name     string
	found    map[string][]string
	finished bool
}

// newChecker starts a contract case. Call done at the end of the case: the
// report (and the check that every known gap of the case still happens)
// runs when the test ends.
func newChecker(t *testing.T, name string) *checker {
	t.Helper()
	c := &checker{t: t, name: name, found: map[string][]string{}}
	t.Cleanup(c.report)
	return c
}

func (c *checker) done() { c.finished = true }

// matchGap finds the known gap of key k: the same key, or a key ending in
// ".*" that is a prefix of k (a group of fields of one object).
func matchGap(known map[string]contractGap, k string) (contractGap, bool) {
	if g, ok := known[k]; ok {
		return g, true
	}
	for key, g := range known {
		if prefix, ok := strings.CutSuffix(key, "*"); ok && strings.HasPrefix(k, prefix) {
			return g, true
		}
	}
	return contractGap{}, false
}

var reIndex = regexp.MustCompile(`\[\d+\]`)

// add records a problem of kind check at path (concrete path, indexes are
// generalised in the key).
func (c *checker) add(check, path, msg string) {
	key := c.name + " " + check + " " + reIndex.ReplaceAllString(path, "[]")
	if path != "" {
		msg = path + ": " + msg
	}
	for _, m := range c.found[key] {
		if m == msg {
			return
		}
	}
	c.found[key] = append(c.found[key], msg)
}

func (c *checker) report() {
	known := map[string]contractGap{}
	for _, g := range knownContractGaps {
		if strings.HasPrefix(g.Key, c.name+" ") {
			known[g.Key] = g
		}
	}
	used := map[string]bool{}
	for _, k := range sortedKeys(c.found) {
		msgs := c.found[k]
		if len(msgs) > 3 {
			msgs = append(msgs[:3:3], fmt.Sprintf("… %d more", len(c.found[k])-3))
		}
		if g, ok := matchGap(known, k); ok {
			used[g.Key] = true
			c.t.Logf("known contract gap %q (wrong: %s): %s", k, g.Side, strings.Join(msgs, "; "))
			continue
		}
		c.t.Errorf("contract mismatch %q: %s", k, strings.Join(msgs, "; "))
	}
	if !c.finished {
		return
	}
	for _, k := range sortedKeys(known) {
		if !used[k] {
			c.t.Errorf("knownContractGaps lists %q but it no longer happens: remove the entry", k)
		}
	}
}

// ---- capturing what the SDK sends ----

// captured is one request as the server received it.
type captured struct {
	Method string
	Path   string // relative to the base path, escaped
	Query  url.Values
	Header http.Header
	Body   []byte
}

type captureServer struct {
	URL  string
	mu   sync.Mutex
	reqs []captured
}

// newCaptureServer mounts a recorder under basePath; answer writes the
// response of each request.
func newCaptureServer(t *testing.T, basePath string, answer func(w http.ResponseWriter, r *http.Request)) *captureServer {
	t.Helper()
	mux, baseURL := testutil.NewServer(t, basePath)
	s := &captureServer{URL: baseURL}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request body: %v", err)
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, captured{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		answer(w, r)
	})
	return s
}

func (s *captureServer) requests() []captured {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]captured(nil), s.reqs...)
}

// ---- our specs and openapi3filter ----

var (
	specMu    sync.Mutex
	specCache = map[string]*openapi3.T{}
)

// ourSpec loads api/<file> once per test binary.
func ourSpec(t *testing.T, file string) *openapi3.T {
	t.Helper()
	specMu.Lock()
	defer specMu.Unlock()
	if d, ok := specCache[file]; ok {
		return d
	}
	d := loadSpec(t, filepath.Join(ourSpecDir, file))
	specCache[file] = d
	return d
}

// govpayFormats validates the formats our specs define.
var govpayFormats = openapi3.WithStringFormatValidator("govpay-date-time", openapi3.NewCallbackValidator(func(s string) error {
	_, err := govpay.ParseDateTime(s)
	return err
}))

func filterOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:              true,
		IncludeResponseStatus:   true,
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{govpayFormats},
	}
}

var (
	reParam = regexp.MustCompile(`\{[^}/]+\}`)
	// reQuotedParam is reParam after regexp.QuoteMeta.
	reQuotedParam = regexp.MustCompile(`\\\{[^}/]+\\\}`)
)

// findRoute finds the operation of doc serving method relPath (relative to
// the spec's server URL): the matching template with most literal
// segments. The path parameters are returned unescaped.
func findRoute(doc *openapi3.T, method, relPath string) (*routers.Route, map[string]string, error) {
	var (
		best     *routers.Route
		bestLits = -1
		params   map[string]string
	)
	for tmpl, pi := range doc.Paths.Map() {
		op := pi.GetOperation(method)
		if op == nil {
			continue
		}
		names := reParam.FindAllString(tmpl, -1)
		re := regexp.MustCompile("^" + reQuotedParam.ReplaceAllString(regexp.QuoteMeta(tmpl), `([^/]+)`) + "$")
		m := re.FindStringSubmatch(relPath)
		if m == nil {
			continue
		}
		lits := strings.Count(tmpl, "/") - len(names)
		if lits <= bestLits {
			continue
		}
		p := map[string]string{}
		for i, n := range names {
			v, err := url.PathUnescape(m[i+1])
			if err != nil {
				return nil, nil, err
			}
			p[strings.Trim(n, "{}")] = v
		}
		best, bestLits, params = &routers.Route{Spec: doc, Path: tmpl, PathItem: pi, Method: method, Operation: op}, lits, p
	}
	if best == nil {
		return nil, nil, fmt.Errorf("the spec has no operation %s %s", method, relPath)
	}
	return best, params, nil
}

// validateRequest checks a captured request against doc.
func (c *checker) validateRequest(doc *openapi3.T, r captured) {
	c.t.Helper()
	route, params, err := findRoute(doc, r.Method, r.Path)
	if err != nil {
		c.add("route", r.Method+" "+r.Path, err.Error())
		return
	}
	declared := map[string]bool{}
	for _, ps := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range ps {
			if p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	for k := range r.Query {
		if !declared[k] {
			c.add("query", k, fmt.Sprintf("query parameter sent by the SDK (%q) is not declared by %s %s", r.Query.Get(k), r.Method, route.Path))
		}
	}
	target := "http://govpay.test" + r.Path
	if len(r.Query) > 0 {
		target += "?" + r.Query.Encode()
	}
	req := httptest.NewRequest(r.Method, target, bytes.NewReader(r.Body))
	req.Header = r.Header.Clone()
	err = openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route, Options: filterOptions(),
	})
	c.addFilterErrors(err, "")
}

// validateResponse checks an answer (status, JSON body) of method relPath
// against doc.
func (c *checker) validateResponse(doc *openapi3.T, method, relPath string, status int, body []byte) {
	c.t.Helper()
	route, params, err := findRoute(doc, method, relPath)
	if err != nil {
		c.add("route", method+" "+relPath, err.Error())
		return
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    httptest.NewRequest(method, "http://govpay.test"+relPath, nil),
		PathParams: params, Route: route, Options: filterOptions(),
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status,
		Header: http.Header{"Content-Type": {"application/json"}}, Options: filterOptions(),
	}
	out.SetBodyBytes(body)
	c.addFilterErrors(openapi3filter.ValidateResponse(context.Background(), out), "")
}

// validateSchema checks a JSON value against a component schema of doc.
func (c *checker) validateSchema(doc *openapi3.T, schema, where string, raw []byte) {
	ref, ok := doc.Components.Schemas[schema]
	if !ok || ref.Value == nil {
		c.add("schema", where, "the spec has no schema "+schema)
		return
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		c.add("json", where, err.Error())
		return
	}
	c.addFilterErrors(ref.Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsRequest(), govpayFormats), where)
}

var reMissing = regexp.MustCompile(`property "([^"]+)" is missing`)

// addFilterErrors records every leaf of an openapi3filter / openapi3 error
// tree, with the path of the offending value.
func (c *checker) addFilterErrors(err error, prefix string) {
	if err == nil {
		return
	}
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, x := range e {
			c.addFilterErrors(x, prefix)
		}
		return
	case *openapi3filter.RequestError:
		p := prefix
		if e.Parameter != nil {
			p = joinPath(prefix, e.Parameter.In+"."+e.Parameter.Name)
		}
		if e.Err == nil {
			c.add("schema", p, e.Error())
			return
		}
		c.addFilterErrors(e.Err, p)
		return
	case *openapi3filter.ResponseError:
		if e.Err == nil {
			c.add("schema", prefix, e.Error())
			return
		}
		c.addFilterErrors(e.Err, prefix)
		return
	case *openapi3.SchemaError:
		p := prefix
		for _, seg := range e.JSONPointer() {
			if _, err := strconv.Atoi(seg); err == nil {
				p += "[" + seg + "]"
			} else {
				p = joinPath(p, seg)
			}
		}
		if m := reMissing.FindStringSubmatch(e.Reason); m != nil {
			p = joinPath(p, m[1])
		}
		switch e.SchemaField {
		case "allOf", "anyOf", "oneOf":
			// Name what failed inside, not just the combinator.
			// The inner errors carry the whole path.
			if e.Origin != nil {
				c.addFilterErrors(e.Origin, prefix)
				return
			}
		}
		c.add("schema/"+e.SchemaField, p, e.Reason)
		return
	}
	if u := errors.Unwrap(err); u != nil {
		c.addFilterErrors(u, prefix)
		return
	}
	if m, ok := err.(interface{ Unwrap() []error }); ok {
		for _, x := range m.Unwrap() {
			c.addFilterErrors(x, prefix)
		}
		return
	}
	c.add("schema", prefix, err.Error())
}

// ---- strict decoding into the generated models ----

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	leafTypes       = map[reflect.Type]bool{
		reflect.TypeFor[govpay.Date]():         true,
		reflect.TypeFor[govpay.DateTime]():     true,
		reflect.TypeFor[avvisi.NumeroAvviso](): true,
		reflect.TypeFor[time.Time]():           true,
		rawMessageType:                         true,
	}
)

// isLeafType reports whether the walks stop at t (opaque JSON, bytes,
// scalar wrappers, unions whose fields are all unexported).
func isLeafType(t reflect.Type) bool {
	if leafTypes[t] {
		return true
	}
	switch t.Kind() {
	case reflect.Slice:
		return t.Elem().Kind() == reflect.Uint8
	case reflect.Func, reflect.Chan, reflect.Map:
		return true
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				return false
			}
		}
		return true
	}
	return false
}

// jsonField is a field of a struct as encoding/json sees it.
type jsonField struct {
	name      string
	index     []int
	typ       reflect.Type
	omitempty bool
}

// jsonFields lists the JSON fields of struct type t, promoting untagged
// embedded structs.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if name == "" && f.Anonymous {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for _, sub := range jsonFields(et) {
					sub.index = append([]int{i}, sub.index...)
					out = append(out, sub)
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, index: []int{i}, typ: ft,
			omitempty: strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")})
	}
	return out
}

// unknownFields walks the JSON value v along Go type t and reports (and
// deletes) every object key t does not declare. Matching is exact, while
// encoding/json matches keys case-insensitively.
func unknownFields(t reflect.Type, v any, path string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if isLeafType(t) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		fields := map[string]reflect.Type{}
		for _, f := range jsonFields(t) {
			fields[f.name] = f.typ
		}
		for _, k := range sortedKeys(obj) {
			ft, ok := fields[k]
			if !ok {
				*out = append(*out, joinPath(path, k))
				delete(obj, k)
				continue
			}
			unknownFields(ft, obj[k], joinPath(path, k), out)
		}
	case reflect.Slice, reflect.Array:
		if arr, ok := v.([]any); ok {
			for i, e := range arr {
				unknownFields(t.Elem(), e, fmt.Sprintf("%s[%d]", path, i), out)
			}
		}
	}
}

// strictDecode decodes b into v refusing unknown fields and trailing data.
func strictDecode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

func decodeTree(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func isGenStruct(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && strings.HasPrefix(t.PkgPath(), "github.com/govpaygo/govpay/internal/gen/")
}

// requiredZero reports the required fields (non-omitempty in the generated
// model) left at their zero value.
func requiredZero(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			requiredZero(v.Elem(), path, out)
		}
	case reflect.Slice:
		if isLeafType(v.Type()) {
			return
		}
		for i := range v.Len() {
			requiredZero(v.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Struct:
		if !isGenStruct(v.Type()) || isLeafType(v.Type()) {
			return
		}
		for _, f := range jsonFields(v.Type()) {
			fv := v.FieldByIndex(f.index)
			p := joinPath(path, f.name)
			if !f.omitempty && fv.Kind() != reflect.Pointer && fv.IsZero() {
				*out = append(*out, p)
			}
			requiredZero(fv, p, out)
		}
	}
}

// checkModel decodes the JSON wire value strictly into a T (a generated
// model) and runs the field walk, the required-field check and the
// re-encoding comparison; where prefixes the reported paths. Unknown
// fields are removed before decoding so that the other checks still run.
// When cov is not nil, the fields set are added to it.
func checkModel[T any](c *checker, where string, wire []byte, cov *coverage) (T, bool) {
	c.t.Helper()
	var zero T
	typ := reflect.TypeFor[T]()
	tree, err := decodeTree(wire)
	if err != nil {
		c.add("json", where, err.Error())
		return zero, false
	}
	var unknown []string
	unknownFields(typ, tree, where, &unknown)
	for _, u := range unknown {
		c.add("unknown", u, fmt.Sprintf("sent on the wire but %s has no such field", typ))
	}
	clean, err := json.Marshal(tree)
	if err != nil {
		c.t.Fatal(err)
	}
	var v T
	if err := strictDecode(clean, &v); err != nil {
		c.add("decode", where, fmt.Sprintf("strict decoding into %s: %v", typ, err))
		return zero, false
	}
	if err := strictDecode(wire, new(T)); (err == nil) != (len(unknown) == 0) {
		c.add("decode", where, fmt.Sprintf("DisallowUnknownFields and the field walk disagree (decoder: %v; unknown: %v): a key differs only in case?", err, unknown))
	}
	var req []string
	requiredZero(reflect.ValueOf(v), where, &req)
	for _, r := range req {
		c.add("required", r, fmt.Sprintf("required by %s but empty", typ))
	}
	back, err := json.Marshal(v)
	if err != nil {
		c.add("roundtrip", where, err.Error())
	} else {
		want, _ := decodeTree(clean)
		got, _ := decodeTree(back)
		compareTrees(c, "roundtrip", where, want, got, true)
	}
	if cov != nil {
		cov.add(v)
	}
	return v, true
}

// ---- comparing JSON values ----

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// flattenJSON maps every scalar leaf of v to its path; null and empty
// containers count as absent.
func flattenJSON(v any, path string, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			flattenJSON(e, joinPath(path, k), out)
		}
	case []any:
		for i, e := range x {
			flattenJSON(e, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case nil:
	default:
		out[path] = x
	}
}

var reTimestamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(T|$)`)

// sameScalar compares two JSON leaves: numbers by value, timestamps as
// instants to the second (GovPay writes them in several forms, with or
// without milliseconds and offset, or as a plain date; govpay.DateTime
// writes the one form GovPay accepts, to the second).
func sameScalar(a, b any) bool {
	na, okA := a.(json.Number)
	nb, okB := b.(json.Number)
	if okA && okB {
		ra, ok1 := new(big.Rat).SetString(string(na))
		rb, ok2 := new(big.Rat).SetString(string(nb))
		return ok1 && ok2 && ra.Cmp(rb) == 0
	}
	sa, okA := a.(string)
	sb, okB := b.(string)
	if okA && okB && sa != sb && reTimestamp.MatchString(sa) && reTimestamp.MatchString(sb) &&
		(strings.Contains(sa, "T") || strings.Contains(sb, "T")) {
		ta, err1 := govpay.ParseDateTime(sa)
		tb, err2 := govpay.ParseDateTime(sb)
		return err1 == nil && err2 == nil && ta.Time().Truncate(time.Second).Equal(tb.Time().Truncate(time.Second))
	}
	return reflect.DeepEqual(a, b)
}

// compareTrees reports the leaves of want missing from got ("<check>-lost"
// when lostToo) and those whose value changed ("<check>").
func compareTrees(c *checker, check, where string, want, got any, lostToo bool) {
	w, g := map[string]any{}, map[string]any{}
	flattenJSON(want, where, w)
	flattenJSON(got, where, g)
	for _, p := range sortedKeys(w) {
		gv, ok := g[p]
		switch {
		case !ok && lostToo:
			c.add(check+"-lost", p, fmt.Sprintf("%v is lost", w[p]))
		case ok && !sameScalar(w[p], gv):
			c.add(check, p, fmt.Sprintf("%v became %v", w[p], gv))
		}
	}
}

// ---- the fields of public types ----

var marshalerType = reflect.TypeFor[json.Marshaler]()

// jsonPaths lists the JSON field paths of t. Public types with their own
// MarshalJSON are leaves: their fields are checked through their output.
func jsonPaths(t reflect.Type, path string, out map[string]bool, depth int) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if depth > 10 || isLeafType(t) {
		return
	}
	if !isGenStruct(t) && (t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType)) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		for _, f := range jsonFields(t) {
			p := joinPath(path, f.name)
			out[p] = true
			jsonPaths(f.typ, p, out, depth+1)
		}
	case reflect.Slice, reflect.Array:
		jsonPaths(t.Elem(), path+"[]", out, depth+1)
	}
}

// publicFields reports the JSON fields public type pub declares and the
// generated model gen does not, whatever their value (a field the spec
// lacks is a contract bug even when the fixtures leave it empty). exempt
// lists paths that are deliberately absent from gen, with the reason in a
// comment at the call.
func (c *checker) publicFields(pub, gen reflect.Type, exempt ...string) {
	p, g := map[string]bool{}, map[string]bool{}
	jsonPaths(pub, "", p, 0)
	jsonPaths(gen, "", g, 0)
	for _, path := range sortedKeys(p) {
		if g[path] || slices.Contains(exempt, path) {
			continue
		}
		if parent := parentPath(path); parent != "" && p[parent] && !g[parent] {
			continue
		}
		c.add("public-field", path, fmt.Sprintf("%s declares it, %s does not", pub, gen))
	}
}

// ---- coverage of models and fixtures ----

// coverage records which field paths of a type are set across values.
type coverage struct {
	all, set map[string]bool
}

func newCoverage() *coverage { return &coverage{all: map[string]bool{}, set: map[string]bool{}} }

func (cv *coverage) add(v any) {
	rv := reflect.ValueOf(v)
	cv.walk(rv.Type(), rv, "", 0)
}

// addType records the fields of t without values (so that a model whose
// values never arrive is reported whole).
func (cv *coverage) addType(t reflect.Type) { cv.walk(t, reflect.Value{}, "", 0) }

func (cv *coverage) walk(t reflect.Type, v reflect.Value, path string, depth int) {
	if depth > 10 {
		return
	}
	if t.Kind() == reflect.Pointer {
		if v.IsValid() && !v.IsNil() {
			cv.walk(t.Elem(), v.Elem(), path, depth)
		} else {
			cv.walk(t.Elem(), reflect.Value{}, path, depth)
		}
		return
	}
	if isLeafType(t) {
		return
	}
	switch t.Kind() {
	case reflect.Interface:
		if v.IsValid() && !v.IsNil() {
			e := v.Elem()
			et := e.Type()
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			cv.walk(e.Type(), e, path+"<"+et.Name()+">", depth+1)
		}
	case reflect.Struct:
		for _, f := range jsonFields(t) {
			p := joinPath(path, f.name)
			var fv reflect.Value
			if v.IsValid() {
				fv = v.FieldByIndex(f.index)
			}
			cv.all[p] = true
			if fv.IsValid() && !fv.IsZero() {
				cv.set[p] = true
			}
			cv.walk(f.typ, fv, p, depth+1)
		}
	case reflect.Slice, reflect.Array:
		if v.IsValid() && v.Len() > 0 {
			for i := range v.Len() {
				cv.walk(t.Elem(), v.Index(i), path+"[]", depth+1)
			}
		} else {
			cv.walk(t.Elem(), reflect.Value{}, path+"[]", depth+1)
		}
	}
}

// missing returns the topmost paths never set (a path whose parent is
// missing is not listed), except those under one of the exempt prefixes.
func (cv *coverage) missing(exempt ...string) []string {
	var out []string
	for _, p := range sortedKeys(cv.all) {
		if cv.set[p] {
			continue
		}
		if parent := parentPath(p); parent != "" && cv.all[parent] && !cv.set[parent] {
			continue
		}
		skip := false
		for _, e := range exempt {
			if p == e || strings.HasPrefix(p, e+".") || strings.HasPrefix(p, e+"[]") {
				skip = true
			}
		}
		if !skip {
			out = append(out, p)
		}
	}
	return out
}

func parentPath(p string) string {
	i := strings.LastIndex(p, ".")
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(p[:i], "[]")
}

// assertFixtureComplete fails the test when the values leave a field of
// their type unset: the contract must exercise every field.
func assertFixtureComplete(t *testing.T, what string, exempt []string, vals ...any) {
	t.Helper()
	cv := newCoverage()
	for _, v := range vals {
		cv.add(v)
	}
	for _, p := range cv.missing(exempt...) {
		t.Errorf("fixture %s leaves %s unset: set it, so that the contract covers it", what, p)
	}
}

// ---- fixtures: what the SDK sends ----

const (
	contractDominio  = "01234567890"
	contractDominio2 = "98765432109"
	navPendenza      = "301000000000000144"
	navCart          = "301000000000004285"
	navAvviso        = "301000000000424207"
	navQRCode        = "301000000000077776"
)

func contractSoggetto(id string) govpay.Soggetto {
	return govpay.Soggetto{
		Tipo: govpay.SoggettoFisico, Identificativo: id, Anagrafica: "Mario Rossi",
		Indirizzo: "Via Roma", Civico: "1", CAP: "00100", Localita: "Roma", Provincia: "RM",
		Nazione: "IT", Email: "mario.rossi@example.it", Cellulare: "+39 333-1234567",
	}
}

// contractPendenza sets every field of pendenze.Pendenza but numeroAvviso
// (GovPay refuses a numero avviso on a pendenza of several voci one of which
// is a marca da bollo, VER_031), with the three voce kinds, a voce for a
// second beneficiary and a documento with rata. contractPendenzaSoglia sets
// the rest: numeroAvviso and a documento with soglia.
func contractPendenza() pendenze.Pendenza {
	info, infoDE := "Importo comprensivo della marca da bollo", "Betrag einschließlich Stempelmarke"
	return pendenze.Pendenza{
		IDTipoPendenza:         "TARI",
		IDDominio:              contractDominio,
		IDUnitaOperativa:       "UO-TRIBUTI",
		Causale:                "TARI 2026 rata 1",
		SoggettoPagatore:       contractSoggetto("RSSMRA80A01H501U"),
		Importo:                govpay.Centesimi(13601),
		Tassonomia:             "TARI",
		TassonomiaAvviso:       pendenze.TassonomiaTasseComunali,
		Direzione:              "Tributi",
		Divisione:              "TARI",
		DataValidita:           govpay.NewDate(2026, 6, 30),
		DataScadenza:           govpay.NewDate(2026, 12, 31),
		AnnoRiferimento:        2026,
		CartellaPagamento:      "CART-2026-1",
		DatiAllegati:           json.RawMessage(`{"pratica":"P-42","anno":2026}`),
		Documento:              &pendenze.Documento{Identificativo: "DOC-2026-42", Descrizione: "Avviso TARI 2026", Rata: 1},
		DataNotificaAvviso:     govpay.NewDate(2026, 3, 1),
		DataPromemoriaScadenza: govpay.NewDate(2026, 6, 15),
		Proprieta: &pendenze.Proprieta{
			LinguaSecondaria: pendenze.LinguaTedesco,
			DescrizioneImporto: []pendenze.DescrizioneImporto{
				{Voce: "Tassa rifiuti", Importo: govpay.Centesimi(10001)}, {Voce: "Tributo provinciale", Importo: govpay.Euro(20)}, {Voce: "Bollo", Importo: govpay.Euro(16)},
			},
			LineaTestoRicevuta1:                      "Comune di Esempio",
			LineaTestoRicevuta2:                      "Ufficio Tributi",
			LinguaSecondariaCausale:                  "Müllabfuhrgebühr 2026 Rate 1",
			InformativaImportoAvviso:                 &info,
			LinguaSecondariaInformativaImportoAvviso: &infoDE,
			DataScadenzaAvviso:                       govpay.NewDate(2026, 6, 30),
		},
		Allegati: []pendenze.Allegato{{Nome: "avviso.pdf", Tipo: "application/pdf", Descrizione: "Avviso di pagamento", Contenuto: []byte("%PDF-1.4 contract")}},
		Voci: []pendenze.Voce{
			contractVoceIBAN(),
			{
				IDVocePendenza: "TEFA-1", Importo: govpay.Euro(20), Descrizione: "Tributo provinciale",
				IDDominio: contractDominio2,
				Kind:      pendenze.Entrata{CodEntrata: "TEFA"},
			},
			{
				IDVocePendenza: "BOLLO-1", Importo: govpay.Euro(16), Descrizione: "Marca da bollo",
				Kind: pendenze.Bollo{TipoBollo: ricevute.BolloImpostaDiBollo, HashDocumento: "q6xVRqz2oEDwQ7E9gwWc3Hh4mYqRu1ky9Wz0Zc8S2Fk=", ProvinciaResidenza: "RM"},
			},
		},
	}
}

func contractVoceIBAN() pendenze.Voce {
	return pendenze.Voce{
		IDVocePendenza: "TARI-1", Importo: govpay.Centesimi(10001), Descrizione: "Tassa rifiuti",
		DescrizioneCausaleRPT: "TARI 2026",
		Contabilita: &pendenze.Contabilita{
			Quote: []pendenze.QuotaContabilita{
				{Capitolo: "1010", AnnoEsercizio: 2026, Importo: govpay.Euro(60), Accertamento: "ACC-1", Titolo: "1", Tipologia: "101", Categoria: "1", Articolo: "2", ProprietaCustom: json.RawMessage(`{"cdc":"A1"}`)},
				{Capitolo: "1020", AnnoEsercizio: 2026, Importo: govpay.Centesimi(4001)},
			},
			ProprietaCustom: json.RawMessage(`{"centroDiCosto":"TRIB"}`),
		},
		Metadata:     &pendenze.Metadata{MapEntries: []pendenze.MapEntry{{Key: "anno", Value: "2026"}}},
		DatiAllegati: json.RawMessage(`{"riga":1}`),
		Kind: pendenze.Accredito{IBANAccredito: "IT60X0542811101000000123456", IBANAppoggio: "IT02L1234500000999990000001",
			TipoContabilita: pendenze.ContabilitaSIOPE, CodiceContabilita: "1234"},
	}
}

func contractPendenzaSoglia() pendenze.Pendenza {
	p := contractPendenza()
	p.NumeroAvviso = navPendenza
	p.Documento = &pendenze.Documento{Identificativo: "DOC-2026-42", Descrizione: "Avviso TARI 2026", Soglia: &pendenze.Soglia{Tipo: pendenze.SogliaEntro, Giorni: 30}}
	p.Voci = p.Voci[:2]
	p.Importo = govpay.Centesimi(12001)
	p.Proprieta.DescrizioneImporto = p.Proprieta.DescrizioneImporto[:2]
	return p
}

// ---- requests: API Pendenze v2 ----

func TestContractPendenzePut(t *testing.T) {
	c := newChecker(t, "pendenze.Put")
	doc := ourSpec(t, "pendenze-v2.yaml")
	srv := newCaptureServer(t, testutil.PendenzeBasePath, func(w http.ResponseWriter, r *http.Request) {
		testutil.WriteJSON(w, http.StatusCreated, map[string]any{"idDominio": contractDominio, "numeroAvviso": navPendenza, "UUID": "u-1", "pdf": "JVBERi0xLjQ="})
	})
	cl := pendenze.New(testutil.Config(t, govpay.APIPendenze, srv.URL, govpay.WithBasicAuth("gestionale", "segreto")))
	full, soglia := contractPendenza(), contractPendenzaSoglia()
	assertFixtureComplete(t, "pendenze.Pendenza", nil, full, soglia)
	if _, err := cl.Put(t.Context(), "GESTIONALE", "TARI-2026-42", full, pendenze.WithStampaAvviso(), pendenze.WithDataAvvisatura(govpay.NewDate(2026, 3, 1))); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Put(t.Context(), "GESTIONALE", "TARI-2026-43", soglia, pendenze.WithoutAvvisatura()); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests captured, want 2", len(reqs))
	}
	cov := newCoverage()
	cov.addType(reflect.TypeFor[genpendenze.NuovaPendenza]())
	for i, r := range reqs {
		c.validateRequest(doc, r)
		got, ok := checkModel[genpendenze.NuovaPendenza](c, "", r.Body, cov)
		if !ok {
			continue
		}
		// The values that matter survive the contract exactly.
		want := []pendenze.Pendenza{full, soglia}[i]
		if got.Importo != want.Importo || got.IDDominio != want.IDDominio || got.DataScadenza == nil || *got.DataScadenza != want.DataScadenza ||
			(want.NumeroAvviso != "" && (got.NumeroAvviso == nil || *got.NumeroAvviso != want.NumeroAvviso)) || got.SoggettoPagatore.Identificativo != want.SoggettoPagatore.Identificativo {
			t.Errorf("request %d: the generated model reads importo %v, idDominio %q, dataScadenza %v, numeroAvviso %v", i, got.Importo, got.IDDominio, got.DataScadenza, got.NumeroAvviso)
		}
		for j, v := range got.Voci {
			if v.Importo != want.Voci[j].Importo {
				t.Errorf("request %d voci[%d].importo = %v, want %v", i, j, v.Importo, want.Voci[j].Importo)
			}
		}
	}
	for _, p := range cov.missing() {
		c.add("uncovered", p, "the spec declares it but no pendenze.Pendenza sends it")
	}
	c.publicFields(reflect.TypeFor[pendenze.Pendenza](), reflect.TypeFor[genpendenze.NuovaPendenza]())
	c.done()
}

func TestContractPendenzePatch(t *testing.T) {
	c := newChecker(t, "pendenze.Patch")
	doc := ourSpec(t, "pendenze-v2.yaml")
	srv := newCaptureServer(t, testutil.PendenzeBasePath, func(w http.ResponseWriter, r *http.Request) {
		testutil.WriteJSON(w, http.StatusOK, json.RawMessage(`{"idA2A":"GESTIONALE","idPendenza":"TARI-2026-42","dominio":{"idDominio":"01234567890"},"stato":"ANNULLATA","importo":136.01,"voci":[]}`))
	})
	cl := pendenze.New(testutil.Config(t, govpay.APIPendenze, srv.URL))
	ctx := t.Context()
	ops := []pendenze.PatchOp{
		pendenze.ReplaceStato(pendenze.StatoAnnullata),
		pendenze.ReplaceDescrizioneStato("Annullata su richiesta del contribuente"),
		pendenze.ReplaceAck(true),
		pendenze.AddNota(pendenze.Nota{Tipo: "NOTA_UTENTE", Oggetto: "Rateizzazione", Testo: "Concessa la rateizzazione in 4 rate"}),
	}
	if _, err := cl.Patch(ctx, "GESTIONALE", "TARI-2026-42", ops...); err != nil {
		t.Fatal(err)
	}
	if err := cl.Cancel(ctx, "GESTIONALE", "TARI-2026-42", "Errore di calcolo"); err != nil {
		t.Fatal(err)
	}
	if err := cl.Reactivate(ctx, "GESTIONALE", "TARI-2026-42", "Ricalcolata"); err != nil {
		t.Fatal(err)
	}
	cov := newCoverage()
	cov.addType(reflect.TypeFor[genpendenze.PatchPendenzaJSONRequestBody]())
	reqs := srv.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests captured, want 3", len(reqs))
	}
	for _, r := range reqs {
		c.validateRequest(doc, r)
		checkModel[genpendenze.PatchPendenzaJSONRequestBody](c, "", r.Body, cov)
	}
	for _, p := range cov.missing() {
		c.add("uncovered", p, "the spec declares it but no PatchOp sends it")
	}
	c.done()
}

// ---- requests: API Pagamento v2 ----

// forCart removes from p what API Pagamento v2 refuses (documento and the
// notification dates of API Pendenze).
func forCart(p pendenze.Pendenza, numeroAvviso string) pendenze.Pendenza {
	p.NumeroAvviso = numeroAvviso
	p.Documento = nil
	p.DataNotificaAvviso = govpay.Date{}
	p.DataPromemoriaScadenza = govpay.Date{}
	return p
}

func TestContractPagamentiStart(t *testing.T) {
	c := newChecker(t, "pagamenti.Start")
	doc := ourSpec(t, "pagamento-v2.yaml")
	srv := newCaptureServer(t, testutil.PagamentoBasePath, func(w http.ResponseWriter, r *http.Request) {
		testutil.WriteJSON(w, http.StatusCreated, map[string]any{"id": "PAG-1", "location": "/pagamenti/PAG-1", "redirect": "https://wisp.example/pagamento?id=PAG-1", "idSession": "SESS-1"})
	})
	cl := pagamenti.New(testutil.Config(t, govpay.APIPagamento, srv.URL, govpay.WithBasicAuth("portale", "segreto"), govpay.WithInsecureRedirect()))
	cart := pagamenti.NewCart().
		AddPendenza("PORTALE", "CART-P-1", forCart(contractPendenza(), "")).
		AddPendenza("PORTALE", "CART-P-2", forCart(contractPendenzaSoglia(), navCart)).
		AddRiferimento("GESTIONALE", "TARI-2026-42").
		AddAvviso(contractDominio, navAvviso).
		AddSpontaneo(contractDominio, "SANZIONE_CDS", map[string]any{"targa": "AB123CD", "verbale": "V-2026-7"})
	versante := contractSoggetto("VRDLGU80A01H501T")
	opts := pagamenti.StartOptions{
		URLRitorno:              "https://portale.example/pagopa/ritorno?carrello=7",
		IDSessionePortale:       "sess-portale-0001",
		Lingua:                  pagamenti.LinguaInglese,
		SoggettoVersante:        &versante,
		AutenticazioneSoggetto:  pagamenti.AutenticazioneCNS,
		ContoAddebito:           &pagamenti.Conto{IBAN: "IT60X0542811101000000123456", BIC: "BPPIITRRXXX"},
		DataEsecuzionePagamento: govpay.Today().AddDays(7),
		CredenzialiPagatore:     "OTP-123456",
		CodiceConvenzione:       "CONV-001",
		IDPSP:                   "BCITITMM",
		IDIntermediarioPSP:      "00799960158",
		IDCanale:                "00799960158_01",
		TipoVersamento:          pagamenti.VersamentoCarta,
		ReCaptcha:               "03AGdBq24-recaptcha",
		ReconcileTimeout:        time.Second,
	}
	assertFixtureComplete(t, "pagamenti.StartOptions", nil, opts)
	if _, err := cl.Start(t.Context(), cart, opts); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests captured, want 1", len(reqs))
	}
	r := reqs[0]
	c.validateRequest(doc, r)
	top := newCoverage()
	top.addType(reflect.TypeFor[genpagamento.NuovoPagamento]())
	body, ok := checkModel[genpagamento.NuovoPagamento](c, "", r.Body, top)
	for _, p := range top.missing() {
		c.add("uncovered", p, "the spec declares it but StartOptions cannot send it")
	}
	if !ok {
		c.done()
		return
	}
	items := cart.Items()
	if len(body.Pendenze) != len(items) {
		t.Fatalf("%d cart items on the wire, want %d", len(body.Pendenze), len(items))
	}
	// The union: each item must be its kind's member type.
	members := map[pagamenti.ItemKind]string{
		pagamenti.ItemPendenza: "NuovaPendenza", pagamenti.ItemRiferimento: "RiferimentoPendenza",
		pagamenti.ItemAvviso: "RiferimentoAvviso", pagamenti.ItemSpontaneo: "PagamentoSpontaneo",
	}
	covs := map[string]*coverage{}
	for kind, name := range members {
		covs[name] = newCoverage()
		switch kind {
		case pagamenti.ItemPendenza:
			covs[name].addType(reflect.TypeFor[genpagamento.NuovaPendenza]())
		case pagamenti.ItemRiferimento:
			covs[name].addType(reflect.TypeFor[genpagamento.RiferimentoPendenza]())
		case pagamenti.ItemAvviso:
			covs[name].addType(reflect.TypeFor[genpagamento.RiferimentoAvviso]())
		case pagamenti.ItemSpontaneo:
			covs[name].addType(reflect.TypeFor[genpagamento.PagamentoSpontaneo]())
		}
	}
	for i, item := range body.Pendenze {
		raw, err := item.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		where := fmt.Sprintf("pendenze[%d]", i)
		name := members[items[i].Kind]
		c.validateSchema(doc, name, where, raw)
		switch items[i].Kind {
		case pagamenti.ItemPendenza:
			got, ok := checkModel[genpagamento.NuovaPendenza](c, where, raw, covs[name])
			if as, err := item.AsNuovaPendenza(); err != nil || (ok && as.Importo != got.Importo) {
				t.Errorf("%s: AsNuovaPendenza: %v", where, err)
			}
			if ok && (got.Importo != items[i].Importo || got.IDA2A != "PORTALE" || got.IDPendenza != items[i].IDPendenza) {
				t.Errorf("%s: importo %v idA2A %q idPendenza %q", where, got.Importo, got.IDA2A, got.IDPendenza)
			}
		case pagamenti.ItemRiferimento:
			got, ok := checkModel[genpagamento.RiferimentoPendenza](c, where, raw, covs[name])
			if ok && (got.IDA2A != "GESTIONALE" || got.IDPendenza != "TARI-2026-42") {
				t.Errorf("%s: %+v", where, got)
			}
		case pagamenti.ItemAvviso:
			got, ok := checkModel[genpagamento.RiferimentoAvviso](c, where, raw, covs[name])
			if ok && (got.NumeroAvviso != navAvviso || got.IDDominio != contractDominio) {
				t.Errorf("%s: %+v", where, got)
			}
		case pagamenti.ItemSpontaneo:
			got, ok := checkModel[genpagamento.PagamentoSpontaneo](c, where, raw, covs[name])
			if ok && (got.IDTipoPendenza != "SANZIONE_CDS" || !strings.Contains(string(got.Dati), "AB123CD")) {
				t.Errorf("%s: %+v", where, got)
			}
		}
	}
	for _, name := range sortedKeys(covs) {
		for _, p := range covs[name].missing() {
			c.add("uncovered", "pendenze<"+name+">."+p, "the spec declares it but the cart cannot send it")
		}
	}
	c.done()
}

// ---- requests: pagoPA Checkout ----

func contractCheckoutCart() *pagamenti.Cart {
	return pagamenti.NewCart().
		AddPendenza("PORTALE", "CK-P-1", forCart(contractPendenzaSoglia(), navCart)).
		AddAvviso(contractDominio, navAvviso).
		AddQRCode("PAGOPA|002|" + navQRCode + "|" + contractDominio + "|1500")
}

func contractCheckoutOptions(version int) pagamenti.CheckoutStartOptions {
	o := pagamenti.CheckoutStartOptions{
		ReturnOK:     "https://portale.example/pagopa/ok",
		ReturnCancel: "https://portale.example/pagopa/annullato",
		ReturnError:  "https://portale.example/pagopa/errore",
		EmailNotice:  "mario.rossi@example.it",
		IDCart:       "CART-7",
		AllCCP:       true,
		Version:      version,
		CompanyName:  "Comune di Esempio",
		Completer: pagamenti.NoticeCompleterFunc(func(_ context.Context, _ pagamenti.Item, n *pagamenti.PaymentNotice) error {
			if n.Amount == 0 {
				n.Amount = govpay.Centesimi(2550)
			}
			if n.Description == "" {
				n.Description = "Sanzione codice della strada"
			}
			return nil
		}),
	}
	if version == 2 {
		o.ReturnWaiting = "https://portale.example/pagopa/attesa"
	}
	return o
}

func TestContractCheckoutStart(t *testing.T) {
	for _, version := range []int{1, 2} {
		t.Run(fmt.Sprintf("v%d", version), func(t *testing.T) {
			c := newChecker(t, fmt.Sprintf("checkout.Start.v%d", version))
			doc := ourSpec(t, fmt.Sprintf("checkout-v%d.yaml", version))
			srv := newCaptureServer(t, fmt.Sprintf("/checkout/ec/v%d/", version), func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "https://checkout.example/c/CART-7")
				w.WriteHeader(http.StatusFound)
			})
			cfg, err := govpay.NewConfig(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			cl, err := pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: srv.URL, SubscriptionKey: "chiave-sottoscrizione"})
			if err != nil {
				t.Fatal(err)
			}
			opts := contractCheckoutOptions(version)
			var exempt []string
			if version == 1 {
				exempt = []string{"ReturnWaiting"} // refused by version 1
			}
			assertFixtureComplete(t, "pagamenti.CheckoutStartOptions", exempt, opts)
			cart := contractCheckoutCart()
			if _, err := cl.Start(t.Context(), cart, opts); err != nil {
				t.Fatal(err)
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests captured, want 1", len(reqs))
			}
			c.validateRequest(doc, reqs[0])
			cov := newCoverage()
			var amounts []int64
			if version == 1 {
				cov.addType(reflect.TypeFor[gencheckout1.CartRequest]())
				if got, ok := checkModel[gencheckout1.CartRequest](c, "", reqs[0].Body, cov); ok {
					for _, n := range got.PaymentNotices {
						amounts = append(amounts, n.Amount)
					}
				}
			} else {
				cov.addType(reflect.TypeFor[gencheckout2.CartRequestV2]())
				if got, ok := checkModel[gencheckout2.CartRequestV2](c, "", reqs[0].Body, cov); ok {
					for _, n := range got.PaymentNotices {
						amounts = append(amounts, n.Amount)
					}
				}
			}
			// Amounts are integer cents on this API.
			want := []int64{int64(contractPendenzaSoglia().Importo), 2550, 1500}
			if !reflect.DeepEqual(amounts, want) {
				t.Errorf("paymentNotices amounts (cents) = %v, want %v", amounts, want)
			}
			for _, p := range cov.missing() {
				c.add("uncovered", p, "the spec declares it but Checkout.Start cannot send it")
			}
			if version == 1 {
				// returnWaitingUrl is version 2 only: Checkout.Start refuses it with version 1.
				c.publicFields(reflect.TypeFor[pagamenti.CheckoutRequest](), reflect.TypeFor[gencheckout1.CartRequest](), "returnUrls.returnWaitingUrl")
			} else {
				c.publicFields(reflect.TypeFor[pagamenti.CheckoutRequest](), reflect.TypeFor[gencheckout2.CartRequestV2]())
			}
			c.done()
		})
	}
}

// ---- answers the SDK gives GovPay: notifica verifications ----

type verificaReceiver struct{ v *notifica.PendenzaVerificata }

func (verificaReceiver) Attivazione(context.Context, *notifica.Pagamento) error { return nil }
func (verificaReceiver) Pagamento(context.Context, *notifica.Pagamento) error   { return nil }
func (verificaReceiver) Ricevuta(context.Context, *ricevute.Ricevuta) error     { return nil }
func (r verificaReceiver) VerificaPendenza(context.Context, string, string) (*notifica.PendenzaVerificata, error) {
	return r.v, nil
}

func TestContractNotificaVerifica(t *testing.T) {
	for _, version := range []int{1, 2} {
		t.Run(fmt.Sprintf("v%d", version), func(t *testing.T) {
			c := newChecker(t, fmt.Sprintf("notifica.Verifica.v%d", version))
			doc := ourSpec(t, fmt.Sprintf("ente-v%d.yaml", version))
			cov := newCoverage()
			if version == 1 {
				cov.addType(reflect.TypeFor[genente1.PendenzaVerificata]())
			} else {
				cov.addType(reflect.TypeFor[genente2.PendenzaVerificata]())
			}
			for _, p := range []pendenze.Pendenza{contractPendenza(), contractPendenzaSoglia()} {
				v := notifica.NonEseguita("GESTIONALE", "TARI-2026-42", p)
				var marshalled []byte
				var err error
				opts := []notifica.Option{notifica.WithNoAuthentication()}
				if version == 1 {
					marshalled, err = v.MarshalJSONV1()
					opts = append(opts, notifica.WithVerificaV1())
				} else {
					marshalled, err = json.Marshal(v)
				}
				if err != nil {
					t.Fatal(err)
				}
				// The bytes the handler really sends are the same.
				h, err := notifica.NewHandler(verificaReceiver{v}, opts...)
				if err != nil {
					t.Fatal(err)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/pendenze/GESTIONALE/TARI-2026-42", nil))
				if rec.Code != http.StatusOK && rec.Code != http.StatusCreated {
					t.Fatalf("handler answered %d: %s", rec.Code, rec.Body)
				}
				a, _ := decodeTree(marshalled)
				b, _ := decodeTree(rec.Body.Bytes())
				if !reflect.DeepEqual(a, b) {
					t.Errorf("the handler answers\n%s\nbut Marshal gives\n%s", rec.Body, marshalled)
				}
				c.validateResponse(doc, http.MethodGet, "/pendenze/GESTIONALE/TARI-2026-42", rec.Code, rec.Body.Bytes())
				if version == 1 {
					if got, ok := checkModel[genente1.PendenzaVerificata](c, "", marshalled, cov); ok {
						if got.Importo == nil || *got.Importo != p.Importo || got.IDA2A == nil || *got.IDA2A != "GESTIONALE" {
							t.Errorf("v1: importo %v idA2A %v", got.Importo, got.IDA2A)
						}
					}
				} else {
					if got, ok := checkModel[genente2.PendenzaVerificata](c, "", marshalled, cov); ok && got.Pendenza != nil {
						if got.Pendenza.Importo != p.Importo || got.Pendenza.IDPendenza == nil || *got.Pendenza.IDPendenza != "TARI-2026-42" {
							t.Errorf("v2: importo %v idPendenza %v", got.Pendenza.Importo, got.Pendenza.IDPendenza)
						}
					}
				}
			}
			// descrizioneStato belongs to the answers other than NON_ESEGUITA.
			for _, p := range cov.missing("descrizioneStato") {
				c.add("uncovered", p, "the spec declares it but PendenzaVerificata cannot send it")
			}
			c.done()
		})
	}
}

// ---- answers GovPay sends: generated-model-complete fixtures ----

// readContractFixture reads testdata/contract/<name>.
func readContractFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "contract", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkAnswer checks the answer fixture against the spec and the generated
// model (it must be valid and set every field of T, except the exempt
// paths), then compares it with the public value pub the client decoded
// from it.
func checkAnswer[T any](t *testing.T, c *checker, doc *openapi3.T, method, relPath string, fixture []byte, pub any, exempt ...string) {
	t.Helper()
	// The fixture is ours: it must be right, or the test is wrong.
	fc := newChecker(t, c.name+"/fixture")
	fc.validateResponse(doc, method, relPath, http.StatusOK, fixture)
	cov := newCoverage()
	cov.addType(reflect.TypeFor[T]())
	checkModel[T](fc, "", fixture, cov)
	for _, p := range cov.missing(exempt...) {
		t.Errorf("fixture leaves %s (of %s) unset: set it, so that the contract covers it", p, reflect.TypeFor[T]())
	}
	fc.done()

	// What the public type keeps, and what it writes.
	out, err := json.Marshal(pub)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := decodeTree(fixture)
	got, _ := decodeTree(out)
	compareTrees(c, "public", "", want, got, true)
	c.publicFields(reflect.TypeOf(pub), reflect.TypeFor[T]())
	var unknown []string
	unknownFields(reflect.TypeFor[T](), got, "", &unknown)
	for _, u := range unknown {
		if _, dup := c.found[c.name+" public-field "+reIndex.ReplaceAllString(u, "[]")]; dup {
			continue // already reported from the type
		}
		c.add("public-unknown", u, fmt.Sprintf("the public type writes it but %s has no such field", reflect.TypeFor[T]()))
	}
}

// serveFixture answers every request with the fixture.
func serveFixture(t *testing.T, basePath string, fixture []byte) string {
	t.Helper()
	srv := newCaptureServer(t, basePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(fixture)
	})
	return srv.URL
}

func TestContractAnswerPendenza(t *testing.T) {
	c := newChecker(t, "answer.pendenze.Get")
	doc := ourSpec(t, "pendenze-v2.yaml")
	fixture := readContractFixture(t, "pendenze-pendenza.json")
	cl := pendenze.New(testutil.Config(t, govpay.APIPendenze, serveFixture(t, testutil.PendenzeBasePath, fixture)))
	d, err := cl.Get(t.Context(), "GESTIONALE", "TARI-2026-42")
	if err != nil {
		t.Fatal(err)
	}
	if d.Importo != govpay.Centesimi(13601) || d.DataScadenza != govpay.NewDate(2026, 12, 31) || d.NumeroAvviso != navPendenza || len(d.Voci) != 3 {
		t.Errorf("Dettaglio: importo %v dataScadenza %v numeroAvviso %q voci %d", d.Importo, d.DataScadenza, d.NumeroAvviso, len(d.Voci))
	}
	checkAnswer[genpendenze.Pendenza](t, c, doc, http.MethodGet, "/pendenze/GESTIONALE/TARI-2026-42", fixture, d,
		"rpp[].pendenza") // a PendenzaIndex: its fields are those of the top level
	c.done()
}

func TestContractAnswerPagamento(t *testing.T) {
	c := newChecker(t, "answer.pagamenti.Get")
	doc := ourSpec(t, "pagamento-v2.yaml")
	fixture := readContractFixture(t, "pagamento-pagamento.json")
	cl := pagamenti.New(testutil.Config(t, govpay.APIPagamento, serveFixture(t, testutil.PagamentoBasePath, fixture)))
	p, err := cl.Get(t.Context(), "PAG-1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Importo != govpay.Centesimi(13601) || p.ID != "PAG-1" || p.DataRichiestaPagamento.IsZero() || len(p.Pendenze) != 1 || p.Pendenze[0].Importo != govpay.Centesimi(13601) {
		t.Errorf("Pagamento: %+v", p)
	}
	checkAnswer[genpagamento.Pagamento](t, c, doc, http.MethodGet, "/pagamenti/PAG-1", fixture, p,
		"rpp[].pendenza") // a PendenzaIndex, covered by pendenze[]
	c.done()
}

func TestContractAnswerRicevuta(t *testing.T) {
	c := newChecker(t, "answer.ricevute.Get")
	doc := ourSpec(t, "ragioneria-v3.yaml")
	fixture := readContractFixture(t, "ragioneria-ricevuta.json")
	cl := ricevute.New(testutil.Config(t, govpay.APIRagioneria, serveFixture(t, testutil.RagioneriaBasePath, fixture)))
	r, err := cl.Get(t.Context(), contractDominio, "01000000000000144", "RCP-1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Importo != govpay.Centesimi(13601) || r.IUV != "01000000000000144" || r.DataPagamento.IsZero() {
		t.Errorf("Ricevuta: %+v", r)
	}
	checkAnswer[genragioneria.Ricevuta](t, c, doc, http.MethodGet, "/ricevute/"+contractDominio+"/01000000000000144/RCP-1", fixture, r)
	c.done()
}

// ---- answers of the fake GovPay ----

// lastAnswer returns the last recorded answer of op, its path relative to
// base.
func lastAnswer(t *testing.T, s *govpaytest.Server, op govpaytest.Operation, base string) govpaytest.Request {
	t.Helper()
	reqs := s.RequestsFor(op)
	if len(reqs) == 0 {
		t.Fatalf("no %s request recorded", op)
	}
	r := reqs[len(reqs)-1]
	if !strings.HasPrefix(r.Path, base) {
		t.Fatalf("%s path %q is not under %s", op, r.Path, base)
	}
	r.Path = strings.TrimPrefix(r.Path, base)
	return r
}

// checkFakeAnswer checks an answer of govpaytest against our spec and the
// generated model T, and that the public value keeps its values.
func checkFakeAnswer[T any](t *testing.T, name, spec string, r govpaytest.Request, pub any) {
	t.Helper()
	c := newChecker(t, name)
	c.validateResponse(ourSpec(t, spec), r.Method, r.Path, r.Status, r.ResponseBody)
	checkModel[T](c, "", r.ResponseBody, nil)
	out, err := json.Marshal(pub)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := decodeTree(r.ResponseBody)
	got, _ := decodeTree(out)
	compareTrees(c, "public", "", want, got, false)
	c.done()
}

func TestContractFakeGovPayAnswers(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 30, 0, 0, govpay.Rome()) // before dataScadenza, whenever the test runs
	s := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithMode(govpaytest.ModeLegacy),
		govpaytest.WithClock(func() time.Time { return now }))
	defer s.Close()
	ctx := t.Context()

	// One Config, each API at the fake's base path the answers are
	// recorded under.
	cfg := s.Config(govpay.WithInsecureRedirect(),
		govpay.WithEndpoint(govpay.APIPendenze, s.PendenzeURL()),
		govpay.WithEndpoint(govpay.APIPagamento, s.PagamentoURL()),
		govpay.WithEndpoint(govpay.APIRagioneria, s.RagioneriaURL()))
	pc := pendenze.New(cfg)
	car, err := pc.Put(ctx, "GESTIONALE", "TARI-2026-42", contractPendenza())
	if err != nil {
		t.Fatal(err)
	}
	d, err := pc.Get(ctx, "GESTIONALE", "TARI-2026-42")
	if err != nil {
		t.Fatal(err)
	}
	checkFakeAnswer[genpendenze.Pendenza](t, "govpaytest.pendenze.Get", "pendenze-v2.yaml",
		lastAnswer(t, s, govpaytest.OpGetPendenza, govpaytest.PendenzeBasePath), d)

	pg := pagamenti.New(cfg)
	avvio, err := pg.Start(ctx, pagamenti.NewCart().AddRiferimento("GESTIONALE", "TARI-2026-42"),
		pagamenti.StartOptions{URLRitorno: "http://portale.test/ritorno", IDSessionePortale: "sess-contract-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pay(avvio.Redirect, govpaytest.ChoicePaga); err != nil {
		t.Fatal(err)
	}
	p, err := pg.Get(ctx, avvio.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkFakeAnswer[genpagamento.Pagamento](t, "govpaytest.pagamenti.Get", "pagamento-v2.yaml",
		lastAnswer(t, s, govpaytest.OpGetPagamento, govpaytest.PagamentoBasePath), p)

	rc := ricevute.New(cfg)
	found, err := rc.Find(ctx, contractDominio, car.NumeroAvviso.String())
	if err != nil || len(found) == 0 {
		t.Fatalf("Find: %v, %d receipts", err, len(found))
	}
	checkFakeAnswer[genragioneria.Ricevute](t, "govpaytest.ricevute.Find", "ragioneria-v3.yaml",
		lastAnswer(t, s, govpaytest.OpListRicevute, govpaytest.RagioneriaBasePath), map[string]any{"risultati": found})
	r, err := rc.Get(ctx, contractDominio, car.NumeroAvviso.String(), found[0].IDRicevuta)
	if err != nil {
		t.Fatal(err)
	}
	if r.Importo != govpay.Centesimi(13601) {
		t.Errorf("receipt importo %v, want 136.01", r.Importo)
	}
	checkFakeAnswer[genragioneria.Ricevuta](t, "govpaytest.ricevute.Get", "ragioneria-v3.yaml",
		lastAnswer(t, s, govpaytest.OpGetRicevuta, govpaytest.RagioneriaBasePath), r)
}

// ---- the checks themselves can fail ----

// TestContractChecksBite feeds the checks wrong bodies and makes sure each
// one reports them: a contract test that cannot fail proves nothing.
func TestContractChecksBite(t *testing.T) {
	doc := ourSpec(t, "pendenze-v2.yaml")
	good, err := json.Marshal(contractPendenza())
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	voce := func(m map[string]any, i int) map[string]any { return m["voci"].([]any)[i].(map[string]any) }
	for _, tc := range []struct {
		name string
		body []byte
		want string // a key that must be reported
	}{
		{"unknown field", edit(func(m map[string]any) { voce(m, 1)["bogus"] = 1 }), "unknown voci[].bogus"},
		{"bad enum", edit(func(m map[string]any) { voce(m, 2)["tipoBollo"] = "Imposta di bollo" }), "schema/enum voci[].tipoBollo"},
		{"missing required", edit(func(m map[string]any) { delete(m, "causale") }), "schema/required causale"},
		{"empty required", edit(func(m map[string]any) { m["causale"] = "" }), "required causale"},
		{"wrong type", edit(func(m map[string]any) { m["annoRiferimento"] = "2026" }), "decode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &checker{t: t, name: "bite", found: map[string][]string{}}
			c.validateRequest(doc, captured{Method: http.MethodPut, Path: "/pendenze/A/B", Header: http.Header{"Content-Type": {"application/json"}}, Body: tc.body})
			checkModel[genpendenze.NuovaPendenza](c, "", tc.body, nil)
			keys := sortedKeys(c.found)
			for _, k := range keys {
				if strings.HasPrefix(k, "bite "+tc.want) {
					return
				}
			}
			t.Errorf("%s not reported; reported: %v", tc.want, keys)
		})
	}
	t.Run("undeclared query parameter", func(t *testing.T) {
		c := &checker{t: t, name: "bite", found: map[string][]string{}}
		c.validateRequest(doc, captured{Method: http.MethodPut, Path: "/pendenze/A/B", Query: url.Values{"bogus": {"1"}},
			Header: http.Header{"Content-Type": {"application/json"}}, Body: good})
		if _, ok := c.found["bite query bogus"]; !ok {
			t.Errorf("undeclared query parameter not reported: %v", sortedKeys(c.found))
		}
	})
	t.Run("uncovered field", func(t *testing.T) {
		cov := newCoverage()
		cov.addType(reflect.TypeFor[genpendenze.NuovaPendenza]())
		var full, soglia genpendenze.NuovaPendenza
		b, err := json.Marshal(contractPendenzaSoglia())
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(good, &full); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &soglia); err != nil {
			t.Fatal(err)
		}
		soglia.Documento = nil
		cov.add(full)
		cov.add(soglia)
		if m := cov.missing(); !reflect.DeepEqual(m, []string{"documento.soglia"}) {
			t.Errorf("missing = %v, want [documento.soglia]", m)
		}
	})
	t.Run("public field", func(t *testing.T) {
		c := &checker{t: t, name: "bite", found: map[string][]string{}}
		type pub struct {
			genpendenze.Dominio
			Bogus string `json:"bogus,omitempty"`
		}
		c.publicFields(reflect.TypeFor[pub](), reflect.TypeFor[genpendenze.Dominio]())
		if _, ok := c.found["bite public-field bogus"]; !ok || len(c.found) != 1 {
			t.Errorf("public field not reported alone: %v", sortedKeys(c.found))
		}
	})
	t.Run("lost value", func(t *testing.T) {
		c := &checker{t: t, name: "bite", found: map[string][]string{}}
		a, _ := decodeTree([]byte(`{"importo":105.01,"voci":[{"importo":1}]}`))
		b, _ := decodeTree([]byte(`{"importo":105.1}`))
		compareTrees(c, "public", "", a, b, true)
		if _, ok := c.found["bite public importo"]; !ok {
			t.Errorf("changed amount not reported: %v", sortedKeys(c.found))
		}
		if _, ok := c.found["bite public-lost voci[].importo"]; !ok {
			t.Errorf("lost field not reported: %v", sortedKeys(c.found))
		}
	})
}
