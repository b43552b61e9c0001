package govpaytest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mod93 computes the pagoPA check digits independently of the code under
// test.
func mod93(first16 string) string {
	n, _ := strconv.ParseUint(first16, 10, 64)
	return fmt.Sprintf("%02d", n%93)
}

func TestPutCreatesThenUpdates(t *testing.T) {
	s := NewServer()
	defer s.Close()
	url := s.PendenzeURL() + "/pendenze/A2A-1/P1"

	r := do(t, "PUT", url, pendenzaBody(testDominio, []int64{1000, 550}, nil))
	require.Equal(t, http.StatusCreated, r.status, "GovPay answers 201 on create (upstream README); body %s", r.body)
	created := r.json(t)
	nav := created["numeroAvviso"].(string)
	assert.Equal(t, testDominio, created["idDominio"])
	assert.NotContains(t, created, "pdf", "no pdf unless stampaAvviso=true")

	// aux digit 3, segregation code 01 (default), check digits mod 93.
	require.Regexp(t, `^301[0-9]{15}$`, nav)
	assert.Equal(t, mod93(nav[:16]), nav[16:], "check digits")
	na, err := avvisi.ParseNumeroAvviso(nav)
	require.NoError(t, err, "avvisi accepts the number the fake assigns")
	assert.Equal(t, 3, na.AuxDigit())

	r = do(t, "PUT", url+"?stampaAvviso=true", pendenzaBody(testDominio, []int64{2000}, map[string]any{"causale": "Aggiornata"}))
	require.Equal(t, http.StatusOK, r.status, "GovPay answers 200 on update; body %s", r.body)
	updated := r.json(t)
	assert.Equal(t, nav, updated["numeroAvviso"], "an update without numeroAvviso keeps the assigned one")
	pdf, err := base64.StdEncoding.DecodeString(updated["pdf"].(string))
	require.NoError(t, err)
	checkPDF(t, pdf)

	p, ok := s.Pendenza("A2A-1", "P1")
	require.True(t, ok)
	assert.Equal(t, govpay.Euro(20), p.Importo)
	assert.Equal(t, "Aggiornata", p.Causale)
	assert.Equal(t, "NON_ESEGUITA", p.Stato)
	assert.Equal(t, nav[1:], p.IUV)
	assert.Equal(t, 2, s.Count(OpPutPendenza))

	// Distinct pendenze get distinct numbers.
	other := putPendenza(t, s, "A2A-1", "P2", pendenzaBody(testDominio, []int64{100}, nil))
	assert.NotEqual(t, nav, other["numeroAvviso"])

	// A given numero avviso is kept as is (GovPay does not verify its check
	// digits: upstream README), and its IUV derived by aux digit.
	given := putPendenza(t, s, "A2A-1", "P3", pendenzaBody(testDominio, []int64{100}, map[string]any{"numeroAvviso": "001000000000012300"}))
	assert.Equal(t, "001000000000012300", given["numeroAvviso"])
	p3, _ := s.Pendenza("A2A-1", "P3")
	assert.Equal(t, "000000000012300", p3.IUV, "aux digit 0 drops three digits")
}

func TestSegregationCodeOfDomain(t *testing.T) {
	s := NewServer(WithDominio(Dominio{IDDominio: "11111111111", RagioneSociale: "Ente", CodiceSegregazione: "47"}))
	defer s.Close()
	out := putPendenza(t, s, "A2A-1", "P1", pendenzaBody("11111111111", []int64{100}, nil))
	nav := out["numeroAvviso"].(string)
	assert.Regexp(t, `^347[0-9]{15}$`, nav)
	assert.Equal(t, mod93(nav[:16]), nav[16:])
}

func TestGetPendenzaDetail(t *testing.T) {
	s := NewServer()
	defer s.Close()
	body := pendenzaBody(testDominio, nil, map[string]any{
		"importo": json.Number("126.00"), "dataScadenza": "2999-12-31", "tassonomiaAvviso": "Servizi erogati dal comune",
		"datiAllegati": map[string]any{"pratica": 42},
		"voci": []any{
			map[string]any{"idVocePendenza": "1", "importo": 100, "descrizione": "Diritti", "codEntrata": "SEGRETERIA"},
			map[string]any{"idVocePendenza": "2", "importo": 10, "descrizione": "Entrata", "ibanAccredito": "IT02L1234500000999990000001", "tipoContabilita": "ALTRO", "codiceContabilita": "9/0101"},
			map[string]any{"idVocePendenza": "3", "importo": 16.00, "descrizione": "Bollo", "tipoBollo": "01", "hashDocumento": "aGFzaA==", "provinciaResidenza": "RM"},
		},
	})
	putPendenza(t, s, "A2A-1", "P1", body)
	r := do(t, "GET", s.PendenzeURL()+"/pendenze/A2A-1/P1", nil)
	require.Equal(t, http.StatusOK, r.status)
	m := r.json(t)
	assert.Equal(t, "NON_ESEGUITA", m["stato"])
	assert.Equal(t, "dovuto", m["tipo"])
	assert.Equal(t, "2999-12-31", m["dataScadenza"])
	assert.Regexp(t, `^\d{4}-\d{2}-\d{2}$`, m["dataCaricamento"], "dates are plain calendar dates")
	assert.Equal(t, map[string]any{"pratica": float64(42)}, m["datiAllegati"], "opaque objects are kept")
	assert.Equal(t, []any{}, m["rpp"])
	voci := m["voci"].([]any)
	require.Len(t, voci, 3)
	assert.Equal(t, "01", voci[2].(map[string]any)["tipoBollo"], "API Pendenze dialect")
	assert.EqualValues(t, 3, voci[2].(map[string]any)["indice"])
	assert.Equal(t, "Non eseguito", voci[0].(map[string]any)["stato"])
	assert.True(t, bytes.Contains(r.body, []byte(`"importo":126.00`)), "amounts are exact decimals: %s", r.body)

	// API Pagamento speaks the other bollo dialect.
	r = do(t, "GET", s.PagamentoURL()+"/pendenze/A2A-1/P1", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "Imposta di bollo", r.json(t)["voci"].([]any)[2].(map[string]any)["tipoBollo"])
	assert.Equal(t, []any{}, r.json(t)["pagamenti"])
}

func TestListPendenzePagination(t *testing.T) {
	s := NewServer()
	defer s.Close()
	for i := range 5 {
		cf := "RSSMRA80A01H501U"
		if i == 4 {
			cf = "VRDGPP85M41F205X"
		}
		putPendenza(t, s, "A2A-1", fmt.Sprintf("P%d", i), pendenzaBody(testDominio, []int64{100}, map[string]any{
			"soggettoPagatore": map[string]any{"tipo": "F", "identificativo": cf, "anagrafica": "X"}}))
	}
	r := do(t, "GET", s.PendenzeURL()+"/pendenze?idDebitore=RSSMRA80A01H501U&risultatiPerPagina=3", nil)
	require.Equal(t, http.StatusOK, r.status)
	m := r.json(t)
	assert.EqualValues(t, 4, m["numRisultati"])
	assert.EqualValues(t, 2, m["numPagine"])
	assert.EqualValues(t, 3, m["risultatiPerPagina"])
	assert.EqualValues(t, 1, m["pagina"])
	assert.Len(t, m["risultati"], 3, "lists use the key risultati (upstream README)")
	assert.NotContains(t, m, "items")
	first := m["risultati"].([]any)[0].(map[string]any)
	assert.Equal(t, "/rpp?idA2A=A2A-1&idPendenza=P0", first["rpp"], "index items link rpp and pagamenti")
	assert.NotContains(t, first, "voci")
	next := m["prossimiRisultati"].(string)
	assert.Contains(t, next, "pagina=2")

	r = do(t, "GET", s.PendenzeURL()+"/pendenze?idDebitore=RSSMRA80A01H501U&risultatiPerPagina=3&pagina=2", nil)
	m = r.json(t)
	assert.Len(t, m["risultati"], 1)
	assert.NotContains(t, m, "prossimiRisultati")

	r = do(t, "GET", s.PendenzeURL()+"/pendenze?stato=PAGATA", nil)
	assert.Equal(t, http.StatusBadRequest, r.status, "unknown stato")
	r = do(t, "GET", s.PendenzeURL()+"/pendenze?risultatiPerPagina=500", nil)
	assert.Equal(t, http.StatusBadRequest, r.status, "risultatiPerPagina is at most 200")
	r = do(t, "GET", s.PendenzeURL()+"/pendenze?pagina=0", nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
}

func TestPatchDialect(t *testing.T) {
	s := NewServer()
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{100}, nil))
	url := s.PendenzeURL() + "/pendenze/A2A-1/P1"
	r := do(t, "PATCH", url, []map[string]any{
		{"op": "REPLACE", "path": "/stato", "value": "ANNULLATA"},
		{"op": "REPLACE", "path": "/descrizioneStato", "value": "Annullata dall'ufficio"},
		{"op": "REPLACE", "path": "/ack", "value": true},
		{"op": "ADD", "path": "/nota", "value": map[string]any{"oggetto": "Nota", "testo": "Testo"}},
	})
	require.Equal(t, http.StatusOK, r.status, "body %s", r.body)
	m := r.json(t)
	assert.Equal(t, "ANNULLATA", m["stato"], "PATCH answers the full pendenza")
	assert.Equal(t, "Annullata dall'ufficio", m["descrizioneStato"])

	// An annulled notice cannot be paid, and its avviso says so.
	r = startPayment(t, s, "https://portale.example/", [2]string{"A2A-1", "P1"})
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)
	assert.Equal(t, "PAG_006", r.json(t)["codice"])

	r = do(t, "PATCH", url, []map[string]any{{"op": "REPLACE", "path": "/stato", "value": "NON_ESEGUITA"}})
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "NON_ESEGUITA", r.json(t)["stato"], "riattiva")

	// A failing operation leaves the pendenza untouched.
	r = do(t, "PATCH", url, []map[string]any{
		{"op": "REPLACE", "path": "/stato", "value": "ANNULLATA"},
		{"op": "REPLACE", "path": "/causale", "value": "x"},
	})
	assert.Equal(t, http.StatusBadRequest, r.status)
	p, _ := s.Pendenza("A2A-1", "P1")
	assert.Equal(t, "NON_ESEGUITA", p.Stato)

	r = do(t, "PATCH", s.PendenzeURL()+"/pendenze/A2A-1/NOPE", []map[string]any{{"op": "REPLACE", "path": "/ack", "value": true}})
	assert.Equal(t, http.StatusNotFound, r.status)
}

func TestAvvisoAcceptRules(t *testing.T) {
	s := NewServer()
	defer s.Close()
	nav := "301000000000012345"
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1050}, map[string]any{"numeroAvviso": nav}))
	url := s.PendenzeURL() + "/avvisi/" + testDominio + "/" + nav

	r := do(t, "GET", url, nil, "Accept", "application/json")
	require.Equal(t, http.StatusOK, r.status)
	m := r.json(t)
	assert.Equal(t, "NON_ESEGUITA", m["stato"])
	assert.Equal(t, "PAGOPA|002|"+nav+"|"+testDominio+"|1050", m["qrcode"])

	for _, accept := range []string{"application/pdf", "application/json, application/pdf", "application/pdf;q=0.5, application/json"} {
		r = do(t, "GET", url, nil, "Accept", accept)
		require.Equal(t, http.StatusOK, r.status, accept)
		assert.Equal(t, "application/pdf", r.header.Get("Content-Type"), "PDF wins: %s", accept)
		assert.Contains(t, r.header.Get("Content-Disposition"), "attachment")
		checkPDF(t, r.body)
	}
	for _, accept := range []string{"", "*/*", "text/html"} {
		r = do(t, "GET", url, nil, "Accept", accept)
		assert.Equal(t, http.StatusNotAcceptable, r.status, "Accept %q", accept)
	}
	// Unknown notice: JSON answers SCONOSCIUTA, PDF 404.
	r = do(t, "GET", s.PendenzeURL()+"/avvisi/"+testDominio+"/301000000000099999", nil, "Accept", "application/json")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "SCONOSCIUTA", r.json(t)["stato"])
	r = do(t, "GET", s.PendenzeURL()+"/avvisi/"+testDominio+"/301000000000099999", nil, "Accept", "application/pdf")
	assert.Equal(t, http.StatusNotFound, r.status)
	// The same rules apply to API Pagamento.
	r = do(t, "GET", s.PagamentoURL()+"/avvisi/"+testDominio+"/"+nav, nil)
	assert.Equal(t, http.StatusNotAcceptable, r.status)
	r = do(t, "GET", s.PagamentoURL()+"/avvisi/"+testDominio+"/"+nav, nil, "Accept", "application/json")
	assert.Equal(t, http.StatusOK, r.status)

	payPendenza(t, s, "A2A-1", "P1")
	r = do(t, "GET", url, nil, "Accept", "application/json")
	assert.Equal(t, "DUPLICATA", r.json(t)["stato"], "a paid notice is DUPLICATA")

	r = do(t, "GET", s.PendenzeURL()+"/pendenze/byAvviso/"+testDominio+"/"+nav, nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "ESEGUITA", r.json(t)["stato"])
}

// checkPDF verifies that b is a well-formed PDF: header, trailer, and a
// cross-reference table whose offsets point at the objects.
func checkPDF(t *testing.T, b []byte) {
	t.Helper()
	require.True(t, bytes.HasPrefix(b, []byte("%PDF-1.4\n")), "PDF header")
	require.True(t, bytes.HasSuffix(b, []byte("%%EOF\n")), "PDF trailer")
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(b)
	require.NotNil(t, m)
	xref, _ := strconv.Atoi(string(m[1]))
	require.True(t, bytes.HasPrefix(b[xref:], []byte("xref\n0 ")), "startxref points at the xref table")
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(b[xref:], -1)
	require.NotEmpty(t, entries)
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		assert.True(t, bytes.HasPrefix(b[off:], fmt.Appendf(nil, "%d 0 obj", i+1)), "xref entry %d", i+1)
	}
	assert.Contains(t, string(b), "/Type /Catalog")
	assert.Contains(t, string(b), ") Tj")
}

func TestRppAndRt(t *testing.T) {
	s := NewServer()
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, nil))
	payPendenza(t, s, "A2A-1", "P1")
	r := do(t, "GET", s.PendenzeURL()+"/rpp?idA2A=A2A-1&idPendenza=P1", nil)
	require.Equal(t, http.StatusOK, r.status)
	list := r.json(t)["risultati"].([]any)
	require.Len(t, list, 1)
	item := list[0].(map[string]any)
	assert.Equal(t, "RT_ACCETTATA_PA", item["stato"])
	rpt := item["rpt"].(map[string]any)
	iuv := rpt["datiVersamento"].(map[string]any)["identificativoUnivocoVersamento"].(string)
	ccp := rpt["datiVersamento"].(map[string]any)["codiceContestoPagamento"].(string)
	assert.Equal(t, "0", item["rt"].(map[string]any)["datiPagamento"].(map[string]any)["codiceEsitoPagamento"])
	assert.Equal(t, "P1", item["pendenza"].(map[string]any)["idPendenza"])

	base := s.PendenzeURL() + "/rpp/" + testDominio + "/" + iuv + "/" + ccp
	r = do(t, "GET", base, nil)
	assert.Equal(t, http.StatusOK, r.status)
	r = do(t, "GET", base+"/rpt", nil, "Accept", "application/json")
	assert.Equal(t, "6.2.0", r.json(t)["versioneOggetto"])
	r = do(t, "GET", base+"/rt", nil, "Accept", "application/pdf")
	assert.Equal(t, "application/pdf", r.header.Get("Content-Type"))
	checkPDF(t, r.body)
	r = do(t, "GET", base+"/rt", nil, "Accept", "application/xml")
	assert.Equal(t, "application/xml", r.header.Get("Content-Type"))
	assert.Contains(t, string(r.body), "<RT>")
	r = do(t, "GET", s.PendenzeURL()+"/rpp/"+testDominio+"/"+iuv+"/nope", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
}
