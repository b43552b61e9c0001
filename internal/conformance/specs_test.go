package conformance

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/govpaygo/govpay/internal/testutil"
)

// Our specs live in api/ at the repository root.
const ourSpecDir = "../../api"

// upstreamDir returns the upstream reference directory (the folder that
// contains govpay/ and pagopa/), or skips the test, or fails it when
// GOVPAY_REQUIRE_UPSTREAM is set: see testutil.Upstream.
func upstreamDir(t testing.TB) string {
	t.Helper()
	return testutil.Upstream(t)
}

// knownPendenzeV2 lists where our Pendenze v2 spec knowingly declares a
// property GovPay's published spec lacks. Keys are schema paths as reported
// by checkSpec ("Schema.prop", "Schema.prop[].sub"); values say why.
var knownPendenzeV2 = map[string]string{}

// knownPagamentoV2: the same for Pagamento v2.
var knownPagamentoV2 = map[string]string{
	"Pendenze.risultati": "GovPay sends the list under `risultati` like every other list; the published spec says `items`",
}

// knownRagioneriaV3: the same for Ragioneria v3.
var knownRagioneriaV3 = map[string]string{}

func TestSpecPendenzeV2(t *testing.T) {
	checkSpec(t, "pendenze-v2.yaml", "govpay/pendenze-v2/govpay-api-pendenze-v2.yaml", knownPendenzeV2)
}

func TestSpecPagamentoV2(t *testing.T) {
	checkSpec(t, "pagamento-v2.yaml", "govpay/pagamento-v2/govpay-api-pagamento-v2.yaml", knownPagamentoV2)
}

func TestSpecRagioneriaV3(t *testing.T) {
	checkSpec(t, "ragioneria-v3.yaml", "govpay/ragioneria-v3/govpay-api-ragioneria.yaml", knownRagioneriaV3)
}

// TestOurSpecsValid checks that every spec in api/ is a valid OpenAPI 3.0
// document. It needs no upstream material.
func TestOurSpecsValid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(ourSpecDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".cfg.yaml") {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc := loadSpec(t, f)
			// Formats such as govpay-date-time are ours and documented.
			if err := doc.Validate(t.Context(), openapi3.DisableExamplesValidation()); err != nil {
				t.Errorf("%s is not a valid OpenAPI document: %v", f, err)
			}
		})
	}
	if n == 0 {
		t.Fatalf("no specs found in %s", ourSpecDir)
	}
}

// TestUpstreamSpecsLoad makes sure the loader copes with every upstream
// spec, defects included, so that checkSpec can be pointed at any of them.
func TestUpstreamSpecsLoad(t *testing.T) {
	upstreamDir(t)
	for _, f := range []string{
		"govpay/pendenze-v2/govpay-api-pendenze-v2.yaml",
		"govpay/pagamento-v2/govpay-api-pagamento-v2.yaml",
		"govpay/pagamento-v3/govpay-api-pagamento.yaml",
		"govpay/ragioneria-v3/govpay-api-ragioneria.yaml",
		"govpay/ente-v1/govpay-api-ec-v1.yaml",
		"govpay/ente-v2/govpay-api-ec.yaml",
		"pagopa/checkout_v1.json",
		"pagopa/checkout_v2.json",
	} {
		t.Run(f, func(t *testing.T) {
			path := testutil.Upstream(t, filepath.FromSlash(f))
			schemas := schemaIndex(t, path)
			if len(schemas) == 0 {
				t.Errorf("%s: no component schemas found", f)
			}
		})
	}
}

// checkSpec compares our spec api/<ourFile> with the upstream spec
// <upstream>/<upstreamFile> (multi-file upstream specs are followed through
// their relative $refs).
//
// For every object schema of ours that has a same-named schema upstream (or
// names one with the extension `x-upstream-schema`), every property we
// declare must exist in the upstream schema. Properties are collected through
// allOf, oneOf and anyOf on both sides (upstream models the kinds of a voce
// and of a cart item as oneOf/anyOf members); nested objects and array items
// are compared recursively, so inline upstream objects are checked too.
// A missing property is an error unless its path ("Schema.prop",
// "Schema.prop[].sub") is a key of known, whose value documents the reason.
// Entries of known that no longer match anything are errors as well, so the
// table stays true. Our schemas without an upstream counterpart are logged.
func checkSpec(t *testing.T, ourFile, upstreamFile string, known map[string]string) {
	t.Helper()
	root := upstreamDir(t)
	ourPath := filepath.Join(ourSpecDir, ourFile)
	upPath := filepath.Join(root, filepath.FromSlash(upstreamFile))
	if _, err := os.Stat(upPath); err != nil {
		t.Fatalf("upstream spec %s: %v", upPath, err)
	}

	ours := loadSpec(t, ourPath)
	theirs := schemaIndex(t, upPath)

	c := &comparer{known: known, used: map[string]bool{}, seen: map[[2]*openapi3.Schema]bool{}}
	var unmatched []string
	matched := 0
	for _, name := range sortedKeys(ours.Components.Schemas) {
		ref := ours.Components.Schemas[name]
		if ref == nil || ref.Value == nil || len(collectProps(ref.Value)) == 0 {
			continue // scalars, enumerations and opaque objects have no properties to compare
		}
		upName := name
		explicit := false
		if v, ok := ref.Value.Extensions["x-upstream-schema"].(string); ok && v != "" {
			upName, explicit = v, true
		}
		up, ok := theirs[upName]
		if !ok || up == nil || up.Value == nil {
			if explicit {
				t.Errorf("%s: x-upstream-schema names %q, which %s does not define", name, upName, upstreamFile)
			} else {
				unmatched = append(unmatched, name)
			}
			continue
		}
		c.compare(name, ref, up)
		matched++
	}
	for _, m := range c.missing {
		t.Errorf("%s: property %s is not in upstream %s (add it to the known differences with a reason if GovPay really sends/accepts it)", ourFile, m, upstreamFile)
	}
	for _, k := range sortedKeys(known) {
		if strings.TrimSpace(known[k]) == "" {
			t.Errorf("known difference %s has no reason", k)
		}
		if !c.used[k] {
			t.Errorf("known difference %s (%s) no longer applies: remove it", k, known[k])
		}
	}
	for _, k := range sortedKeys(known) {
		if c.used[k] {
			t.Logf("known difference %s: %s", k, known[k])
		}
	}
	t.Logf("%s: %d schemas matched upstream by name, %d properties checked", ourFile, matched, c.checked)
	if len(unmatched) > 0 {
		t.Logf("%s: schemas with no upstream counterpart (checked only where reached from a matched schema): %s", ourFile, strings.Join(unmatched, ", "))
	}
}

type comparer struct {
	known   map[string]string
	used    map[string]bool
	missing []string
	seen    map[[2]*openapi3.Schema]bool
	checked int
}

// compare checks the properties of ours against theirs, recursively.
func (c *comparer) compare(path string, ours, theirs *openapi3.SchemaRef) {
	if ours == nil || theirs == nil || ours.Value == nil || theirs.Value == nil {
		return
	}
	key := [2]*openapi3.Schema{ours.Value, theirs.Value}
	if c.seen[key] {
		return
	}
	c.seen[key] = true

	// Arrays: compare the items.
	if oi, ti := ours.Value.Items, theirs.Value.Items; oi != nil && ti != nil {
		c.compare(path+"[]", oi, ti)
	}

	op := collectProps(ours.Value)
	if len(op) == 0 {
		return
	}
	tp := collectProps(theirs.Value)
	if len(tp) == 0 {
		// Upstream declares a free-form object (rpt, rt, datiAllegati…):
		// nothing to compare against.
		return
	}
	for _, name := range sortedKeys(op) {
		c.checked++
		p := path + "." + name
		up, ok := tp[name]
		if !ok {
			if _, k := c.known[p]; k {
				c.used[p] = true
			} else {
				c.missing = append(c.missing, p)
			}
			continue
		}
		// A known difference for a property that exists upstream stays
		// unused, so checkSpec reports the stale entry.
		// Same-named component on both sides: compared on its own at top level.
		if on, un := refName(op[name].Ref), refName(up.Ref); on != "" && on == un {
			continue
		}
		c.compare(p, op[name], up)
	}
}

// collectProps returns the properties of s, including those contributed by
// allOf, oneOf and anyOf members (recursively).
func collectProps(s *openapi3.Schema) map[string]*openapi3.SchemaRef {
	out := map[string]*openapi3.SchemaRef{}
	var walk func(s *openapi3.Schema, depth int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > 16 {
			return
		}
		for k, v := range s.Properties {
			if _, dup := out[k]; !dup {
				out[k] = v
			}
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, m := range group {
				if m != nil {
					walk(m.Value, depth+1)
				}
			}
		}
	}
	walk(s, 0)
	return out
}

// refName returns the schema name a $ref points to ("…#/components/schemas/X" → "X").
func refName(ref string) string {
	const marker = "#/components/schemas/"
	if i := strings.LastIndex(ref, marker); i >= 0 {
		return ref[i+len(marker):]
	}
	return ""
}

// loadSpec loads an OpenAPI document, following relative $refs to sibling
// files and tolerating the TAB characters found in some upstream YAML files.
func loadSpec(t testing.TB, path string) *openapi3.T {
	t.Helper()
	return loadWith(t, newLoader(), path)
}

func newLoader() *openapi3.Loader {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = openapi3.URIMapCache(readDetabbed)
	return loader
}

// loadWith loads path with loader; sharing a loader shares its caches.
func loadWith(t testing.TB, loader *openapi3.Loader, path string) *openapi3.T {
	t.Helper()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	if doc.Components == nil {
		doc.Components = &openapi3.Components{}
	}
	return doc
}

// readDetabbed reads local files only (never the network) and works around
// two defects of the upstream files:
//   - TABs are expanded to 8-column stops: GovPay 3.9.1's Ente v2 schemas
//     file has a TAB inside a block scalar, which YAML forbids;
//   - local refs to schemas the file does not define are pointed at the
//     sibling file that does (Ragioneria v3's main file refers to
//     #/components/schemas/RiferimentoIdentificativoUnivocoVersamento, which
//     lives in govpay-api-schemas.yaml).
func readDetabbed(loader *openapi3.Loader, location *url.URL) ([]byte, error) {
	b, err := openapi3.ReadFromFile(loader, location)
	if err != nil {
		return nil, err
	}
	if slices.Contains(b, '\t') {
		b = []byte(expandTabs(string(b), 8))
	}
	return fixDanglingRefs(location.Path, b), nil
}

var localSchemaRef = regexp.MustCompile(`(\$ref"?\s*:\s*['"]?)#/components/schemas/([A-Za-z0-9_.\-]+)`)

// fixDanglingRefs rewrites '#/components/schemas/X' into
// 'sibling.yaml#/components/schemas/X' when X is not defined in the file at
// path but is defined in a file it already references.
func fixDanglingRefs(path string, b []byte) []byte {
	local := schemaNames(b)
	if local == nil {
		return b
	}
	owner := map[string]string{} // schema name → referenced file defining it
	for _, m := range externalRef.FindAllSubmatch(b, -1) {
		rel := string(m[1])
		if strings.Contains(rel, "://") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(filepath.Dir(path), filepath.FromSlash(rel)))
		if err != nil {
			continue
		}
		for name := range schemaNames(raw) {
			if _, ok := owner[name]; !ok {
				owner[name] = rel
			}
		}
	}
	return localSchemaRef.ReplaceAllFunc(b, func(ref []byte) []byte {
		m := localSchemaRef.FindSubmatch(ref)
		name := string(m[2])
		if _, ok := local[name]; ok {
			return ref
		}
		if file, ok := owner[name]; ok {
			return []byte(string(m[1]) + file + "#/components/schemas/" + name)
		}
		return ref
	})
}

// schemaNames returns the names under components.schemas of a YAML or JSON
// document, or nil when it cannot be parsed.
func schemaNames(b []byte) map[string]struct{} {
	var doc struct {
		Components struct {
			Schemas map[string]yaml.Node `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil
	}
	out := make(map[string]struct{}, len(doc.Components.Schemas))
	for k := range doc.Components.Schemas {
		out[k] = struct{}{}
	}
	return out
}

func expandTabs(s string, width int) string {
	var sb strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := width - col%width
			sb.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n':
			sb.WriteRune(r)
			col = 0
		default:
			sb.WriteRune(r)
			col++
		}
	}
	return sb.String()
}

var externalRef = regexp.MustCompile(`\$ref"?\s*:\s*['"]?([^'"#\s]+)#`)

// schemaIndex returns the component schemas of the spec at path and of every
// file it references through relative $refs (multi-file specs keep their
// schemas, and sometimes FaultBean, in separate files). Schemas of the main
// file win over same-named ones elsewhere.
func schemaIndex(t testing.TB, path string) openapi3.Schemas {
	t.Helper()
	out := openapi3.Schemas{}
	visited := map[string]bool{}
	loader := newLoader()
	var visit func(p string)
	visit = func(p string) {
		abs, err := filepath.Abs(p)
		if err != nil || visited[abs] {
			return
		}
		visited[abs] = true
		doc := loadWith(t, loader, abs)
		for name, s := range doc.Components.Schemas {
			if _, dup := out[name]; !dup {
				out[name] = s
			}
		}
		raw, err := os.ReadFile(abs)
		if err != nil {
			t.Fatalf("read %s: %v", abs, err)
		}
		for _, m := range externalRef.FindAllStringSubmatch(string(raw), -1) {
			if strings.Contains(m[1], "://") {
				continue
			}
			visit(filepath.Join(filepath.Dir(abs), filepath.FromSlash(m[1])))
		}
	}
	visit(path)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
