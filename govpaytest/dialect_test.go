package govpaytest

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDialectsPerAPI checks the fields each API writes for the same data:
// documento exists in API Pendenze v2 only (not in API Pagamento v2), and a
// receipt (API Ragioneria v3, API Ente v2) gives the accounting of a voce as
// codiceTassonomicoPagoPA and its collection without stato or commissioni
// (fields of API Ente v1's riscossione).
func TestDialectsPerAPI(t *testing.T) {
	s := NewServer(WithMode(ModeLegacy))
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, nil, map[string]any{
		"importo":   json.Number("36.00"),
		"documento": map[string]any{"identificativo": "DOC-1", "descrizione": "Documento di prova", "rata": 1},
		"voci": []any{
			map[string]any{"idVocePendenza": "A", "importo": json.Number("10.00"), "descrizione": "Capitolo",
				"ibanAccredito": "IT60X0542811101000000123456", "tipoContabilita": "CAPITOLO", "codiceContabilita": "1234"},
			map[string]any{"idVocePendenza": "B", "importo": json.Number("10.00"), "descrizione": "Entrata", "codEntrata": "SEGRETERIA"},
			map[string]any{"idVocePendenza": "C", "importo": json.Number("16.00"), "descrizione": "Bollo",
				"tipoBollo": "01", "hashDocumento": "aGFzaA==", "provinciaResidenza": "RM"},
		},
	}))
	r := do(t, "POST", s.PagamentoURL()+"/pagamenti", map[string]any{
		"pendenze": []any{map[string]string{"idA2A": "A2A-1", "idPendenza": "P1"}}, "urlRitorno": "https://p.example/"})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	id := r.json(t)["id"].(string)
	_, err := s.Pay(r.json(t)["redirect"].(string), ChoicePaga)
	require.NoError(t, err)

	get := func(url string, hdr ...string) map[string]any {
		t.Helper()
		r := do(t, "GET", url, nil, hdr...)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", url, r.body)
		return r.json(t)
	}
	obj := func(v any) map[string]any { return v.(map[string]any) }
	first := func(v any) map[string]any { return v.([]any)[0].(map[string]any) }

	// API Pendenze v2: documento, in the pendenza and in the index of an rpp.
	assert.Contains(t, get(s.PendenzeURL()+"/pendenze/A2A-1/P1"), "documento")
	assert.Contains(t, obj(first(get(s.PendenzeURL() + "/rpp?idA2A=A2A-1&idPendenza=P1")["risultati"])["pendenza"]), "documento")

	// API Pagamento v2: none.
	pg := get(s.PagamentoURL() + "/pagamenti/" + id)
	assert.NotContains(t, first(pg["pendenze"]), "documento", "pendenze[0]")
	assert.NotContains(t, obj(first(pg["rpp"])["pendenza"]), "documento", "rpp[0].pendenza")
	assert.NotContains(t, get(s.PagamentoURL()+"/pendenze/A2A-1/P1"), "documento")

	// API Ragioneria v3 receipt.
	ric := s.Ricevute()[0]
	rv := get(s.RagioneriaURL()+"/ricevute/"+ric.IDDominio+"/"+ric.IUV+"/"+ric.IDRicevuta, "Accept", "application/json")
	voci := obj(rv["pendenza"])["voci"].([]any)
	require.Len(t, voci, 3)
	for i, want := range []string{"0/1234", "9/SEGRETERIA", "9/MBT"} {
		vc := voci[i].(map[string]any)
		assert.Equal(t, want, vc["codiceTassonomicoPagoPA"], "voci[%d]", i)
		assert.NotContains(t, vc, "tipoContabilita", "voci[%d]", i)
		assert.NotContains(t, vc, "codiceContabilita", "voci[%d]", i)
		ris := obj(vc["riscossione"])
		for _, k := range []string{"iuv", "iur", "indice", "tipo", "importo", "data"} {
			assert.Contains(t, ris, k, "voci[%d].riscossione", i)
		}
		for _, k := range []string{"stato", "commissioni", "pendenza", "idVocePendenza", "rpp"} {
			assert.NotContains(t, ris, k, "voci[%d].riscossione", i)
		}
	}
	assert.Equal(t, "MBT", obj(obj(voci[2])["riscossione"])["tipo"])

	// The RT carries the same accounting for the voce paid to an IBAN.
	rt := obj(obj(rv["rt"])["json"])
	singoli := obj(rt["datiPagamento"])["datiSingoloPagamento"].([]any)
	assert.Equal(t, "0/1234", obj(singoli[0])["datiSpecificiRiscossione"])
}
