package avvisi_test

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/testutil"
)

// TestAvvisoMatchesUpstream checks that every field of Avviso is a property
// of the Avviso schema of both APIs that serve GET /avvisi, and that the
// StatoAvviso constants are exactly the upstream enum.
func TestAvvisoMatchesUpstream(t *testing.T) {
	govpaySpecs := testutil.Upstream(t, "govpay")
	var fields []string
	typ := reflect.TypeFor[avvisi.Avviso]()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		fields = append(fields, name)
	}
	known := []string{
		string(avvisi.StatoNonEseguita), string(avvisi.StatoDuplicata), string(avvisi.StatoAnnullata),
		string(avvisi.StatoScaduta), string(avvisi.StatoSconosciuta),
	}
	for _, spec := range []string{"pendenze-v2/govpay-api-pendenze-v2.yaml", "pagamento-v2/govpay-api-pagamento-v2.yaml"} {
		t.Run(spec, func(t *testing.T) {
			doc, err := openapi3.NewLoader().LoadFromFile(filepath.Join(govpaySpecs, spec))
			require.NoError(t, err)
			avviso := doc.Components.Schemas["Avviso"]
			require.NotNil(t, avviso)
			for _, f := range fields {
				assert.Contains(t, avviso.Value.Properties, f, "Avviso.%s is not in the upstream schema", f)
			}
			for p := range avviso.Value.Properties {
				assert.Contains(t, fields, p, "upstream property %s is missing from Avviso", p)
			}
			var enum []string
			for _, v := range doc.Components.Schemas["StatoAvviso"].Value.Enum {
				enum = append(enum, v.(string))
			}
			slices.Sort(enum)
			want := slices.Clone(known)
			slices.Sort(want)
			assert.Equal(t, want, enum)
			for _, s := range known {
				assert.True(t, avvisi.StatoAvviso(s).Known())
			}

			op := doc.Paths.Find("/avvisi/{idDominio}/{numeroAvviso}")
			require.NotNil(t, op)
			assert.Equal(t, `(^([0-9]){11}$)`, op.Get.Parameters.GetByInAndName("path", "idDominio").Schema.Value.Pattern)
			for _, q := range []string{"idDebitore", "UUID", "gRecaptchaResponse", "linguaSecondaria"} {
				if p := op.Get.Parameters.GetByInAndName("query", q); p == nil {
					// API Pendenze v2 has only linguaSecondaria.
					assert.Contains(t, spec, "pendenze", "query %s missing", q)
				}
			}
		})
	}
}
