package govpaytest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSyntaxRules checks the field rules of NuovaPendenza
// (pendenze-v2 spec, components.schemas.NuovaPendenza, NuovaVocePendenza,
// Soggetto, Entrata, Bollo): each violation is a 400 SINTASSI and nothing is
// stored.
func TestSyntaxRules(t *testing.T) {
	s := NewServer()
	defer s.Close()
	sog := func(k string, v any) map[string]any {
		m := map[string]any{"tipo": "F", "identificativo": "RSSMRA80A01H501U", "anagrafica": "Mario Rossi"}
		m[k] = v
		return map[string]any{"soggettoPagatore": m}
	}
	voce := func(k string, v any) map[string]any {
		m := map[string]any{"idVocePendenza": "1", "importo": 10, "descrizione": "d",
			"ibanAccredito": "IT02L1234500000999990000001", "tipoContabilita": "ALTRO", "codiceContabilita": "9/0101"}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return map[string]any{"importo": 10, "voci": []any{m}}
	}
	bollo := func(k string, v any) map[string]any {
		m := map[string]any{"idVocePendenza": "1", "importo": 16, "descrizione": "d", "tipoBollo": "01", "hashDocumento": "aGFzaA==", "provinciaResidenza": "RM"}
		m[k] = v
		return map[string]any{"importo": 16, "voci": []any{m}}
	}
	cases := map[string]map[string]any{
		"idTipoPendenza pattern":          {"idTipoPendenza": "IMU 2026"},
		"causale missing":                 {"causale": nil},
		"causale longer than 140":         {"causale": strings.Repeat("x", 141)},
		"importo zero":                    {"importo": 0},
		"importo missing":                 {"importo": nil},
		"importo negative":                {"importo": -1},
		"importo above the maximum":       {"importo": json.Number("1000000000.00")},
		"tassonomiaAvviso outside enum":   {"tassonomiaAvviso": "Tasse"},
		"tassonomia longer than 35":       {"tassonomia": strings.Repeat("x", 36)},
		"dataScadenza not a date":         {"dataScadenza": "31/12/2026"},
		"numeroAvviso of 17 digits":       {"numeroAvviso": "30100000000001234"},
		"idUnitaOperativa pattern":        {"idUnitaOperativa": "UO 1"},
		"direzione empty":                 {"direzione": ""},
		"annoRiferimento not a number":    {"annoRiferimento": "2026"},
		"direzione pattern":               {"direzione": "Dir. 1"},
		"soggetto identificativo length":  sog("identificativo", strings.Repeat("X", 17)),
		"soggetto anagrafica length":      sog("anagrafica", strings.Repeat("x", 71)),
		"soggetto nazione":                sog("nazione", "it"),
		"soggetto email":                  sog("email", "mario@"),
		"soggetto cellulare":              sog("cellulare", "3331234567"),
		"soggetto localita length":        sog("localita", strings.Repeat("x", 36)),
		"soggetto unknown field":          sog("codiceFiscale", "X"),
		"voce idVocePendenza missing":     voce("idVocePendenza", nil),
		"voce importo missing":            voce("importo", nil),
		"voce descrizione missing":        voce("descrizione", nil),
		"voce descrizione length":         voce("descrizione", strings.Repeat("x", 256)),
		"voce idVocePendenza pattern":     voce("idVocePendenza", "voce 1"),
		"voce importo zero":               voce("importo", 0),
		"voce codiceContabilita of 2":     voce("codiceContabilita", "XX"),
		"voce codiceContabilita spaces":   voce("codiceContabilita", "XXX X"),
		"voce metadata of 16 entries":     voce("metadata", map[string]any{"mapEntries": sixteen()}),
		"documento identificativo":        {"documento": map[string]any{"identificativo": "DOC 1", "descrizione": "d", "rata": 1}},
		"documento descrizione of 256":    {"documento": map[string]any{"identificativo": "D", "descrizione": strings.Repeat("d", 256), "rata": 1}},
		"documento rata 0":                {"documento": map[string]any{"identificativo": "D", "descrizione": "d", "rata": 0}},
		"soglia ENTRO of 1 day":           {"documento": map[string]any{"identificativo": "D", "descrizione": "d", "soglia": map[string]any{"tipo": "ENTRO", "giorni": 1}}},
		"soglia RIDOTTO with giorni":      {"documento": map[string]any{"identificativo": "D", "descrizione": "d", "soglia": map[string]any{"tipo": "RIDOTTO", "giorni": 5}}},
		"soglia of unknown tipo":          {"documento": map[string]any{"identificativo": "D", "descrizione": "d", "rata": 1, "soglia": map[string]any{"tipo": "DOPO"}}},
		"proprieta linguaSecondaria":      {"proprieta": map[string]any{"linguaSecondaria": "es"}},
		"allegato without contenuto":      {"allegati": []any{map[string]any{"nome": "a.pdf"}}},
		"voce idDominio pattern":          voce("idDominio", "123"),
		"voce ibanAccredito pattern":      voce("ibanAccredito", "IT02 L123"),
		"voce ibanAppoggio pattern":       voce("ibanAppoggio", "X"),
		"voce tipoContabilita enum":       voce("tipoContabilita", "ENTRATA"),
		"voce codiceContabilita missing":  voce("codiceContabilita", nil),
		"voce ibanAccredito missing":      voce("ibanAccredito", nil),
		"voce of no kind":                 {"importo": 10, "voci": []any{map[string]any{"idVocePendenza": "1", "importo": 10, "descrizione": "d"}}},
		"voce codEntrata pattern":         {"importo": 10, "voci": []any{map[string]any{"idVocePendenza": "1", "importo": 10, "descrizione": "d", "codEntrata": "A B"}}},
		"bollo provinciaResidenza":        bollo("provinciaResidenza", "rm"),
		"bollo hashDocumento length":      bollo("hashDocumento", strings.Repeat("x", 71)),
		"voce unknown field":              voce("capitolo", "X"),
		"trailing data after the object":  nil,
		"body that is not a JSON object":  nil,
		"empty body":                      nil,
		"contabilita that is not decoded": voce("contabilita", map[string]any{"quote": "x"}),
	}
	raw := map[string]string{
		"trailing data after the object": `{"idTipoPendenza":"X"} {}`,
		"body that is not a JSON object": `[1,2]`,
		"empty body":                     ``,
	}
	for name, over := range cases {
		t.Run(name, func(t *testing.T) {
			var body any = pendenzaBody(testDominio, []int64{1000}, over)
			if r, ok := raw[name]; ok {
				body = r
			}
			r := do(t, "PUT", s.PendenzeURL()+"/pendenze/A2A-1/P1", body)
			require.Equal(t, http.StatusBadRequest, r.status, "body %s", r.body)
			assert.Equal(t, "SINTASSI", r.json(t)["codice"])
			_, stored := s.Pendenza("A2A-1", "P1")
			assert.False(t, stored)
		})
	}
	// The same body without the violation is accepted: the cases above fail
	// for their own reason.
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, nil))
}

func TestWithClock(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 30, 0, 0, rome)
	s := NewServer(WithClock(func() time.Time { return now }))
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, map[string]any{"dataScadenza": "2026-03-10"}))
	p, _ := s.Pendenza("A2A-1", "P1")
	assert.Contains(t, string(p.JSON), `"dataCaricamento":"2026-03-10"`)
	assert.Equal(t, "NON_ESEGUITA", p.Stato, "payable on its last day")
	r := startPayment(t, s, "https://p.example/", [2]string{"A2A-1", "P1"})
	require.Equal(t, http.StatusCreated, r.status)
	pg := do(t, "GET", s.PagamentoURL()+"/pagamenti/"+r.json(t)["id"].(string), nil).json(t)
	assert.Equal(t, "2026-03-10T09:30:00.000", pg["dataRichiestaPagamento"])
	l := do(t, "GET", s.PagamentoURL()+"/pagamenti", nil).json(t)
	assert.Equal(t, "2026-03-10T09:30:00.000+0100", l["risultati"].([]any)[0].(map[string]any)["dataRichiestaPagamento"])

	now = now.AddDate(0, 0, 1)
	p, _ = s.Pendenza("A2A-1", "P1")
	assert.Equal(t, "SCADUTA", p.Stato, "the day after dataScadenza")
	r = do(t, "GET", s.PendenzeURL()+"/pendenze?stato=SCADUTA", nil)
	assert.EqualValues(t, 1, r.json(t)["numRisultati"])
}

func TestWithSpontaneo(t *testing.T) {
	var got string
	s := NewServer(WithSpontaneo(func(idDominio, idTipoPendenza string, dati json.RawMessage) (json.RawMessage, error) {
		got = idDominio + "/" + idTipoPendenza + " " + string(dati)
		var d struct{ Numero int }
		if err := json.Unmarshal(dati, &d); err != nil || d.Numero <= 0 {
			return nil, assert.AnError
		}
		return json.Marshal(map[string]any{"idA2A": "A2A-SPONT", "idPendenza": "COSAP-1", "idTipoPendenza": idTipoPendenza,
			"idDominio": idDominio, "causale": "COSAP", "importo": d.Numero,
			"soggettoPagatore": map[string]any{"tipo": "F", "identificativo": "RSSMRA80A01H501U"},
			"voci":             []any{map[string]any{"idVocePendenza": "1", "importo": d.Numero, "descrizione": "COSAP", "codEntrata": "COSAP"}}})
	}))
	defer s.Close()
	item := func(dati any) map[string]any {
		return map[string]any{"pendenze": []any{map[string]any{"idDominio": testDominio, "idTipoPendenza": "COSAP", "dati": dati}}}
	}
	r := do(t, "POST", s.PagamentoURL()+"/pagamenti", item(map[string]any{"numero": 10}))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, testDominio+`/COSAP {"numero":10}`, got)
	p, ok := s.Pendenza("A2A-SPONT", "COSAP-1")
	require.True(t, ok)
	assert.EqualValues(t, 1000, p.Importo.Centesimi())
	r = do(t, "POST", s.PagamentoURL()+"/pagamenti", item(map[string]any{"numero": 0}))
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Equal(t, "VAL_003", r.json(t)["codice"])
}

func TestByAvvisoAndRpt(t *testing.T) {
	s := NewServer(WithBasicAuth("A2A-1", "pw"))
	defer s.Close()
	auth := []string{"Authorization", "Basic QTJBLTE6cHc="}
	other := []string{"Authorization", "Basic QTJBLTI6cHc="} // A2A-2: wrong password, 401
	r := do(t, "PUT", s.PendenzeURL()+"/pendenze/A2A-1/P1", pendenzaBody(testDominio, []int64{100}, map[string]any{"numeroAvviso": "301000000000012345"}), auth...)
	require.Equal(t, http.StatusCreated, r.status)
	base := s.PendenzeURL() + "/pendenze/byAvviso/"
	assert.Equal(t, http.StatusOK, do(t, "GET", base+testDominio+"/301000000000012345", nil, auth...).status)
	assert.Equal(t, http.StatusBadRequest, do(t, "GET", base+"123/301000000000012345", nil, auth...).status)
	assert.Equal(t, http.StatusBadRequest, do(t, "GET", base+testDominio+"/3010", nil, auth...).status)
	assert.Equal(t, http.StatusNotFound, do(t, "GET", base+testDominio+"/301000000000099999", nil, auth...).status)
	assert.Equal(t, http.StatusUnauthorized, do(t, "GET", base+testDominio+"/301000000000012345", nil, other...).status)

	s2 := NewServer(WithBasicAuth("A2A-2", "pw"))
	defer s2.Close()
	_, err := s2.AddPendenza("A2A-1", "P1", pendenzaBody(testDominio, []int64{100}, map[string]any{"numeroAvviso": "301000000000012345"}))
	require.NoError(t, err)
	r = do(t, "GET", s2.PendenzeURL()+"/pendenze/byAvviso/"+testDominio+"/301000000000012345", nil, "Authorization", "Basic QTJBLTI6cHc=")
	assert.Equal(t, http.StatusForbidden, r.status, "another application's pendenza")
	r = do(t, "GET", s2.PendenzeURL()+"/avvisi/"+testDominio+"/301000000000012345", nil, "Authorization", "Basic QTJBLTI6cHc=", "Accept", "application/json")
	assert.Equal(t, http.StatusForbidden, r.status)
	r = do(t, "GET", s2.PagamentoURL()+"/avvisi/"+testDominio+"/301000000000012345", nil, "Authorization", "Basic QTJBLTI6cHc=", "Accept", "application/json")
	assert.Equal(t, http.StatusOK, r.status, "API Pagamento reads any notice")
	r = do(t, "GET", s2.PagamentoURL()+"/pendenze/A2A-1/P1", nil, "Authorization", "Basic QTJBLTI6cHc=")
	assert.Equal(t, http.StatusOK, r.status)
	r = do(t, "GET", s2.PagamentoURL()+"/pendenze/A2A-1/P.1", nil, "Authorization", "Basic QTJBLTI6cHc=")
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = do(t, "GET", s2.PagamentoURL()+"/pendenze/A2A-1/NOPE", nil, "Authorization", "Basic QTJBLTI6cHc=")
	assert.Equal(t, http.StatusNotFound, r.status)
	r = do(t, "GET", s2.PendenzeURL()+"/rpp", nil, "Authorization", "Basic QTJBLTI6cHc=")
	assert.EqualValues(t, 0, r.json(t)["numRisultati"])
	r = do(t, "GET", s2.PendenzeURL()+"/rpp?esitoPagamento=BOH", nil, "Authorization", "Basic QTJBLTI6cHc=")
	assert.Equal(t, http.StatusBadRequest, r.status)
}

func TestRptXML(t *testing.T) {
	s := NewServer()
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{100}, nil))
	startPayment(t, s, "", [2]string{"A2A-1", "P1"})
	rp := do(t, "GET", s.PendenzeURL()+"/rpp", nil).json(t)["risultati"].([]any)[0].(map[string]any)
	dv := rp["rpt"].(map[string]any)["datiVersamento"].(map[string]any)
	base := s.PendenzeURL() + "/rpp/" + testDominio + "/" + dv["identificativoUnivocoVersamento"].(string) + "/" + dv["codiceContestoPagamento"].(string)
	r := do(t, "GET", base+"/rpt", nil, "Accept", "application/xml")
	assert.Equal(t, "application/xml", r.header.Get("Content-Type"))
	assert.Contains(t, string(r.body), "<RPT>")
	r = do(t, "GET", base+"/rt", nil, "Accept", "application/json")
	assert.Equal(t, http.StatusNotFound, r.status, "no RT while the payment is in progress")
	assert.Equal(t, http.StatusBadRequest, do(t, "GET", s.PendenzeURL()+"/rpp/123/x/y", nil).status)
}

// GovPay loads a pendenza without idTipoPendenza (its integration test
// pendenza-put_monovoce_riferimento_contabilita expects 201) and files it
// under the tipo for free-form pendenze.
func TestPutWithoutIDTipoPendenza(t *testing.T) {
	s := NewServer()
	defer s.Close()
	r := do(t, "PUT", s.PendenzeURL()+"/pendenze/A2A-1/P1", pendenzaBody(testDominio, []int64{1000}, map[string]any{"idTipoPendenza": nil}))
	require.Equal(t, http.StatusCreated, r.status, "body %s", r.body)
	p, ok := s.Pendenza("A2A-1", "P1")
	require.True(t, ok)
	assert.Equal(t, TipoPendenzaLibero, p.IDTipoPendenza)
}

// sixteen returns 16 metadata entries, one more than GovPay accepts
// (Metadata.java:110).
func sixteen() []any {
	out := make([]any, 16)
	for i := range out {
		out[i] = map[string]any{"key": "k", "value": "v"}
	}
	return out
}
