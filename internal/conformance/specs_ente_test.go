package conformance

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Conformance of the specs of the APIs GovPay calls (API Ente v1 and v2) and
// of pagoPA Checkout's cart API.
//
// checkSpec compares property names. Every property our four specs declare
// exists upstream, so the property tables below are empty: the deliberate
// differences of these specs are in types, status codes and media types,
// which checkSpec does not see. They are documented in each spec's header
// and in api/README.md; the main ones:
//   - Ente v1: riscossioni[].data is a day and datiAllegati a string (as
//     GovPay's Java beans read/write them); notifications and verifications
//     list 200/201(/204), since GovPay accepts any status below 400; the
//     annulment notification, never sent by GovPay 3.9, is not described.
//   - Ente v2: Ricevuta does not require the undefined `stato`; NumeroAvviso
//     is ^[0-9]{18}$ (upstream "[0-9]18"); riscossione.data is a day;
//     POST /rendicontazioni is not described.
//   - Both Ente specs: GET /pendenze/{idA2A}/{idPendenza} and
//     POST /pendenze/{idDominio}/{idTipoPendenza} share one path item;
//     POST carries the query parameter idUnitaOperativa GovPay sends.
//   - Checkout: amounts are int64 cents; errors are ProblemJson in
//     application/problem+json as well as application/json, also for the
//     gateway's 401/429 and any other status (`default`).
// Enumerations are compared by checkEnums, with their own table.

// knownEnteV1 lists where our Ente v1 spec knowingly declares a property
// GovPay's published description lacks (see checkSpec); none so far.
var knownEnteV1 = map[string]string{}

// knownEnteV2: the same for Ente v2; none so far.
var knownEnteV2 = map[string]string{}

// knownCheckoutV1: the same for Checkout v1; none so far.
var knownCheckoutV1 = map[string]string{}

// knownCheckoutV2: the same for Checkout v2; none so far.
var knownCheckoutV2 = map[string]string{}

// knownEnumsEnteV1 lists the enumeration values where our Ente v1 spec and
// GovPay's description differ: "Type+VALUE" is a value only we list,
// "Type-VALUE" one only upstream lists (see checkEnums).
var knownEnumsEnteV1 = map[string]string{
	"TipoRiscossione+ALTRO_INTERMEDIARIO":         "GovPay 3.9's v1 TipoRiscossione enum (client-api-ente) has four values; its description lists only ENTRATA and MBT",
	"TipoRiscossione+ENTRATA_PA_NON_INTERMEDIATA": "GovPay 3.9's v1 TipoRiscossione enum (client-api-ente) has four values; its description lists only ENTRATA and MBT",
}

// knownEnumsEnteV2: the same for Ente v2; none so far.
var knownEnumsEnteV2 = map[string]string{}

func TestSpecEnteV1(t *testing.T) {
	checkSpec(t, "ente-v1.yaml", "govpay/ente-v1/govpay-api-ec-v1.yaml", knownEnteV1)
}

func TestSpecEnteV2(t *testing.T) {
	checkSpec(t, "ente-v2.yaml", "govpay/ente-v2/govpay-api-ec.yaml", knownEnteV2)
}

func TestSpecCheckoutV1(t *testing.T) {
	checkSpec(t, "checkout-v1.yaml", "pagopa/checkout_v1.json", knownCheckoutV1)
}

func TestSpecCheckoutV2(t *testing.T) {
	checkSpec(t, "checkout-v2.yaml", "pagopa/checkout_v2.json", knownCheckoutV2)
}

func TestEnumsEnteV1(t *testing.T) {
	checkEnums(t, "ente-v1.yaml", "govpay/ente-v1/govpay-api-ec-v1.yaml", knownEnumsEnteV1)
}

func TestEnumsEnteV2(t *testing.T) {
	checkEnums(t, "ente-v2.yaml", "govpay/ente-v2/govpay-api-ec.yaml", knownEnumsEnteV2)
}

// TestErrorBodiesEnteCheckout checks, without upstream material, that every
// error answer (4xx, 5xx, default) of these specs declares the error body of
// its API: FaultBean for GovPay's, ProblemJson for pagoPA Checkout.
func TestErrorBodiesEnteCheckout(t *testing.T) {
	for _, tc := range []struct {
		file, schema string
		media        []string
	}{
		{"ente-v1.yaml", "FaultBean", []string{"application/json"}},
		{"ente-v2.yaml", "FaultBean", []string{"application/json"}},
		{"checkout-v1.yaml", "ProblemJson", []string{"application/json", "application/problem+json"}},
		{"checkout-v2.yaml", "ProblemJson", []string{"application/json", "application/problem+json"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			doc := loadSpec(t, filepath.Join(ourSpecDir, tc.file))
			n := 0
			for _, path := range doc.Paths.InMatchingOrder() {
				for method, op := range doc.Paths.Find(path).Operations() {
					for code, resp := range op.Responses.Map() {
						if !isErrorStatus(code) {
							continue
						}
						n++
						where := fmt.Sprintf("%s %s %s", method, path, code)
						if resp == nil || resp.Value == nil {
							t.Errorf("%s: no response", where)
							continue
						}
						for _, m := range tc.media {
							mt := resp.Value.Content.Get(m)
							if mt == nil || mt.Schema == nil || refName(mt.Schema.Ref) != tc.schema {
								t.Errorf("%s: %s body is not a %s", where, m, tc.schema)
							}
						}
					}
				}
			}
			if n == 0 {
				t.Fatalf("%s: no error responses found", tc.file)
			}
		})
	}
}

// TestCheckoutAmountsAreCents pins the one place where pagoPA's wire differs
// from GovPay's: Checkout amounts are integer cents and must not be mapped to
// govpay.Importo (decimal euro on the wire).
func TestCheckoutAmountsAreCents(t *testing.T) {
	for _, f := range []string{"checkout-v1.yaml", "checkout-v2.yaml"} {
		doc := loadSpec(t, filepath.Join(ourSpecDir, f))
		pn := doc.Components.Schemas["PaymentNotice"]
		if pn == nil || pn.Value == nil || pn.Value.Properties["amount"] == nil {
			t.Fatalf("%s: PaymentNotice.amount not found", f)
		}
		a := pn.Value.Properties["amount"].Value
		if !a.Type.Is(openapi3.TypeInteger) || a.Format != "int64" {
			t.Errorf("%s: PaymentNotice.amount is %v/%s, want integer/int64", f, a.Type, a.Format)
		}
		if _, ok := a.Extensions["x-go-type"]; ok {
			t.Errorf("%s: PaymentNotice.amount must stay int64 cents, not an x-go-type", f)
		}
	}
}

func isErrorStatus(code string) bool {
	if code == "default" {
		return true
	}
	n, err := strconv.Atoi(strings.ReplaceAll(strings.ToUpper(code), "X", "0"))
	return err == nil && n >= 400
}

// checkEnums compares the enumerations our spec declares with those of the
// upstream spec, following the same schema pairs as checkSpec (same name, or
// x-upstream-schema; then properties and array items recursively, through
// allOf/oneOf/anyOf). Wherever both sides enumerate values, each value only
// we list is reported as "Name+VALUE" and each value only upstream lists as
// "Name-VALUE", where Name is our component schema of the enumeration (or the
// property path for an inline one). Unlisted differences fail, as do entries
// of known that match nothing.
func checkEnums(t *testing.T, ourFile, upstreamFile string, known map[string]string) {
	t.Helper()
	root := upstreamDir(t)
	ours := loadSpec(t, filepath.Join(ourSpecDir, ourFile))
	theirs := schemaIndex(t, filepath.Join(root, filepath.FromSlash(upstreamFile)))

	e := &enumComparer{seen: map[[2]*openapi3.Schema]bool{}}
	for _, name := range sortedKeys(ours.Components.Schemas) {
		ref := ours.Components.Schemas[name]
		if ref == nil || ref.Value == nil || len(collectProps(ref.Value)) == 0 {
			continue
		}
		upName := name
		if v, ok := ref.Value.Extensions["x-upstream-schema"].(string); ok && v != "" {
			upName = v
		}
		if up := theirs[upName]; up != nil && up.Value != nil {
			e.walk(name, ref, up)
		}
	}
	used := map[string]bool{}
	for _, d := range e.diffs {
		if _, ok := known[d]; ok {
			used[d] = true
			continue
		}
		t.Errorf("%s: enumeration difference %s with %s (add it to the known differences with a reason if GovPay really uses the value)", ourFile, d, upstreamFile)
	}
	for _, k := range sortedKeys(known) {
		if strings.TrimSpace(known[k]) == "" {
			t.Errorf("known enumeration difference %s has no reason", k)
		}
		if !used[k] {
			t.Errorf("known enumeration difference %s (%s) no longer applies: remove it", k, known[k])
		}
	}
	t.Logf("%s: %d enumerations compared", ourFile, e.compared)
}

type enumComparer struct {
	seen     map[[2]*openapi3.Schema]bool
	diffs    []string
	compared int
}

func (e *enumComparer) walk(path string, ours, theirs *openapi3.SchemaRef) {
	if ours == nil || theirs == nil || ours.Value == nil || theirs.Value == nil {
		return
	}
	key := [2]*openapi3.Schema{ours.Value, theirs.Value}
	if e.seen[key] {
		return
	}
	e.seen[key] = true

	if len(ours.Value.Enum) > 0 && len(theirs.Value.Enum) > 0 {
		e.compared++
		name := refName(ours.Ref)
		if name == "" {
			name = path
		}
		o, u := enumValues(ours.Value.Enum), enumValues(theirs.Value.Enum)
		for _, v := range o {
			if !slices.Contains(u, v) {
				e.diffs = append(e.diffs, name+"+"+v)
			}
		}
		for _, v := range u {
			if !slices.Contains(o, v) {
				e.diffs = append(e.diffs, name+"-"+v)
			}
		}
	}
	if oi, ti := ours.Value.Items, theirs.Value.Items; oi != nil && ti != nil {
		e.walk(path+"[]", oi, ti)
	}
	op, tp := collectProps(ours.Value), collectProps(theirs.Value)
	for _, name := range sortedKeys(op) {
		if up, ok := tp[name]; ok {
			e.walk(path+"."+name, op[name], up)
		}
	}
}

func enumValues(vals []any) []string {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		out = append(out, fmt.Sprint(v))
	}
	slices.Sort(out)
	return out
}
