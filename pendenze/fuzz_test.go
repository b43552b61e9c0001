package pendenze

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzVoceJSON: whatever JSON a voce decodes from, it encodes again, and the
// encoding decodes to the same voce (kinds never mix, amounts stay exact).
func FuzzVoceJSON(f *testing.F) {
	for _, s := range []string{
		`{"idVocePendenza":"1","importo":10.01,"descrizione":"d","ibanAccredito":"IT60X0542811101000000123456","tipoContabilita":"ALTRO","codiceContabilita":"x"}`,
		`{"idVocePendenza":"1","importo":"5","descrizione":"d","codEntrata":"SEGRETERIA","metadata":{"mapEntries":[{"key":"k","value":"v"}]}}`,
		`{"idVocePendenza":"1","importo":16,"descrizione":"d","tipoBollo":"01","hashDocumento":"h","provinciaResidenza":"RO","idDominio":"01234567890"}`,
		`{"idVocePendenza":"1","importo":1,"codEntrata":"X","ibanAccredito":"IT"}`,
		`{"importo":1e2,"codEntrata":"X","contabilita":{"quote":[{"capitolo":"c","annoEsercizio":2020,"importo":1}],"proprietaCustom":{"a":[1]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var v Voce
		if err := json.Unmarshal(in, &v); err != nil {
			return
		}
		if v.Kind == nil {
			return // JSON null
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("decoded voce does not encode: %v (%s)", err, in)
		}
		var back Voce
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("encoded voce does not decode: %v (%s)", err, out)
		}
		out2, err := json.Marshal(back)
		if err != nil || string(out) != string(out2) {
			t.Fatalf("round trip changed the voce:\n%s\n%s", out, out2)
		}
		if reflect.TypeOf(back.Kind) != reflect.TypeOf(v.Kind) || back.Importo != v.Importo {
			t.Fatalf("kind or importo changed: %#v vs %#v", v, back)
		}
	})
}

// FuzzPendenzaJSON: a pendenza decoded from JSON that passes Validate
// encodes, byte for byte, to the body Put sends, and decodes back to the
// same value.
func FuzzPendenzaJSON(f *testing.F) {
	for _, s := range []string{
		`{"idTipoPendenza":"LIBERO","idDominio":"01234567890","causale":"c","soggettoPagatore":{"tipo":"F","identificativo":"ANONIMO"},"importo":0.03,"voci":[{"idVocePendenza":"1","importo":0.01,"descrizione":"d","codEntrata":"X"},{"idVocePendenza":"2","importo":0.02,"descrizione":"d","tipoBollo":"01","hashDocumento":"h","provinciaResidenza":"RO"}]}`,
		`{"idDominio":"01234567890","causale":"c","soggettoPagatore":{"tipo":"G","identificativo":"80015010723"},"importo":5,"documento":{"identificativo":"D","descrizione":"d","rata":1},"proprieta":{"dataScandenzaAvviso":"2026-01-01","informativaImportoAvviso":""},"voci":[{"idVocePendenza":"1","importo":5,"descrizione":"d","codEntrata":"X"}]}`,
		`{"idDominio":"01234567890","causale":"c","soggettoPagatore":{"tipo":"F","identificativo":"X"},"importo":"1.10","numeroAvviso":"301000000000001861","dataScadenza":"2026-02-03T10:00:00","voci":[{"idVocePendenza":"1","importo":1.1,"descrizione":"d","ibanAccredito":"IT60X0542811101000000123456","tipoContabilita":"SIOPE","codiceContabilita":"1"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var p Pendenza
		if err := json.Unmarshal(in, &p); err != nil || p.Validate() != nil {
			return
		}
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("valid pendenza does not encode: %v", err)
		}
		got, err := p.body()
		if err != nil || string(got) != string(want) {
			t.Fatalf("Put body differs from json.Marshal:\n%s\n%s (%v)", got, want, err)
		}
		var back Pendenza
		if err := json.Unmarshal(want, &back); err != nil {
			t.Fatalf("encoded pendenza does not decode: %v", err)
		}
		if err := back.Validate(); err != nil {
			t.Fatalf("round trip made the pendenza invalid: %v", err)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(want) {
			t.Fatalf("round trip changed the pendenza:\n%s\n%s", want, again)
		}
	})
}
