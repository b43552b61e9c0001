package pendenze

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// backofficeOnly are fields of GovPay's Backoffice API v1 PendenzaIndex that
// API Pendenze v2 never sends: a type that declared them would decode them
// as zero and claim "nothing paid, no anomaly".
var backofficeOnly = []string{"importoPagato", "importoIncassato", "anomalo", "verificato", "dataUltimoAggiornamento"}

// jsonNames returns the JSON names of t's fields, embedded structs
// included.
func jsonNames(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			out = append(out, jsonNames(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

func TestTestataHasNoBackofficeFields(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[Testata](), reflect.TypeFor[Sintesi](), reflect.TypeFor[Dettaglio]()} {
		names := jsonNames(typ)
		for _, f := range backofficeOnly {
			assert.NotContains(t, names, f, "%s declares %s, which API Pendenze v2 never sends", typ, f)
		}
	}

	// An answer of API Pendenze v2 goes back as it came: nothing is added.
	in := `{"idA2A":"A2A","idPendenza":"P1","dominio":{"idDominio":"01234567890"},"stato":"NON_ESEGUITA",
		"soggettoPagatore":{"tipo":"F","identificativo":"ANONIMO"},"importo":10.01,
		"voci":[],"rpp":[{"stato":"RT_ACCETTATA_PA","pendenza":{"idA2A":"A2A","idPendenza":"P1",
		"dominio":{"idDominio":"01234567890"},"stato":"NON_ESEGUITA","soggettoPagatore":{"tipo":"F","identificativo":"ANONIMO"},"importo":10.01}}]}`
	var d Dettaglio
	require.NoError(t, json.Unmarshal([]byte(in), &d))
	out, err := json.Marshal(d)
	require.NoError(t, err)
	for _, f := range backofficeOnly {
		assert.NotContains(t, string(out), `"`+f+`"`)
	}
}
