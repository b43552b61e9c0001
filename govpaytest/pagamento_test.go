package govpaytest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartLegacy(t *testing.T) {
	s := NewServer()
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, nil))
	putPendenza(t, s, "A2A-1", "P2", pendenzaBody(testDominio, []int64{550}, nil))
	body := map[string]any{
		"pendenze":         []any{map[string]string{"idA2A": "A2A-1", "idPendenza": "P1"}, map[string]string{"idA2A": "A2A-1", "idPendenza": "P2"}},
		"urlRitorno":       "https://portale.example/esito?lang=it",
		"soggettoVersante": map[string]any{"tipo": "F", "identificativo": "RSSMRA80A01H501U", "anagrafica": "Mario Rossi"},
	}
	r := do(t, "POST", s.PagamentoURL()+"/pagamenti?idSessionePortale=sess-42", body)
	require.Equal(t, http.StatusCreated, r.status, "body %s", r.body)
	m := r.json(t)
	id, idSession := m["id"].(string), m["idSession"].(string)
	assert.Regexp(t, `^[0-9a-f]{32}$`, id)
	assert.Regexp(t, `^[0-9a-f]{32}$`, idSession)
	assert.Equal(t, "/pagamenti/"+id, m["location"])
	assert.Equal(t, s.URL+"/wisp/wallet/welcome?idSession="+idSession, m["redirect"])

	for _, url := range []string{s.PagamentoURL() + "/pagamenti/" + id, s.PagamentoURL() + "/pagamenti/byIdSession/" + idSession} {
		r = do(t, "GET", url, nil)
		require.Equal(t, http.StatusOK, r.status, url)
		p := r.json(t)
		assert.Equal(t, id, p["id"])
		assert.Equal(t, "IN_CORSO", p["stato"])
		assert.Equal(t, "sess-42", p["idSessionePortale"])
		assert.Equal(t, "Pendenza di prova ed altre 1 pendenze", p["nome"])
		assert.Regexp(t, `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$`, p["dataRichiestaPagamento"])
		assert.Len(t, p["rpp"], 2, "WISP payments send one RPT per pendenza at start")
		assert.Len(t, p["pendenze"], 2)
		assert.True(t, strings.Contains(string(r.body), `"importo":15.50`), "%s", r.body)
	}

	// The list filters as GovPay does (idSessione, not idSessionePsp).
	for q, n := range map[string]int{
		"idSessionePortale=sess-42":          1,
		"idSessionePortale=other":            0,
		"idSessione=" + idSession:            1,
		"idDebitore=RSSMRA80A01H501U":        1,
		"idDebitore=VRDGPP85M41F205X":        0,
		"stato=IN_CORSO":                     1,
		"stato=ESEGUITO":                     0,
		"idVersante=RSSMRA80A01H501U":        1,
		"id=" + id:                           1,
		"idSessionePortale=sess-42&pagina=1": 1,
	} {
		r = do(t, "GET", s.PagamentoURL()+"/pagamenti?"+q, nil)
		require.Equal(t, http.StatusOK, r.status, q)
		l := r.json(t)
		assert.EqualValues(t, n, l["numRisultati"], q)
		if n == 1 {
			item := l["risultati"].([]any)[0].(map[string]any)
			assert.Equal(t, "/pendenze?idPagamento="+id, item["pendenze"], "index items link their pendenze")
			assert.Regexp(t, `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$`, item["dataRichiestaPagamento"], "list timestamps carry an offset")
		}
	}
	r = do(t, "GET", s.PagamentoURL()+"/pagamenti?stato=BOH", nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = do(t, "GET", s.PagamentoURL()+"/pagamenti/nope", nil)
	assert.Equal(t, http.StatusNotFound, r.status)

	// The position of the debtor through API Pagamento.
	r = do(t, "GET", s.PagamentoURL()+"/pendenze?idPagamento="+id, nil)
	assert.EqualValues(t, 2, r.json(t)["numRisultati"])

	snap, ok := s.Pagamento(id)
	require.True(t, ok)
	assert.Equal(t, ModeLegacy, snap.Mode)
	assert.Equal(t, govpay.Centesimi(1550), snap.Importo)
	assert.Len(t, snap.Pendenze, 2)
}

func TestStartBridge(t *testing.T) {
	s := NewServer(WithMode(ModeBridge))
	defer s.Close()
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, []int64{1000}, nil))
	r := startPayment(t, s, "https://portale.example/esito", [2]string{"A2A-1", "P1"})
	require.Equal(t, http.StatusCreated, r.status, "body %s", r.body)
	m := r.json(t)
	assert.Equal(t, map[string]any{"id": "0", "idSession": "0", "location": "", "redirect": m["redirect"]}, m)
	assert.Regexp(t, "^"+regexp.QuoteMeta(s.URL)+"/checkout/c/[0-9a-f]{32}$", m["redirect"])
	r = do(t, "GET", s.PagamentoURL()+"/pagamenti/0", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "id 0 cannot be tracked")

	s.SetMode(ModeBridge302)
	assert.Equal(t, ModeBridge302, s.Mode())
	putPendenza(t, s, "A2A-1", "P2", pendenzaBody(testDominio, []int64{1000}, nil))
	r = startPayment(t, s, "https://portale.example/esito", [2]string{"A2A-1", "P2"})
	require.Equal(t, http.StatusFound, r.status)
	assert.Regexp(t, "^"+regexp.QuoteMeta(s.URL)+"/checkout/c/[0-9a-f]{32}$", r.header.Get("Location"))
	assert.Empty(t, r.body)
}

func TestStartWithNewAndSpontaneousPendenze(t *testing.T) {
	s := NewServer()
	defer s.Close()
	nuova := pendenzaBody(testDominio, nil, map[string]any{
		"idA2A": "A2A-1", "idPendenza": "NEW-1", "importo": json.Number("26.00"),
		"voci": []any{
			map[string]any{"idVocePendenza": "1", "importo": 10, "descrizione": "Diritti", "codEntrata": "SEGRETERIA"},
			map[string]any{"idVocePendenza": "2", "importo": 16, "descrizione": "Bollo", "tipoBollo": "Imposta di bollo", "hashDocumento": "aGFzaA==", "provinciaResidenza": "RM"},
		}})
	spont := map[string]any{"idDominio": testDominio, "idTipoPendenza": "DONAZIONE", "dati": map[string]any{"importo": 5, "causale": "Donazione"}}
	r := do(t, "POST", s.PagamentoURL()+"/pagamenti", map[string]any{"pendenze": []any{nuova, spont}, "urlRitorno": "https://x.example/"})
	require.Equal(t, http.StatusCreated, r.status, "body %s", r.body)
	p, ok := s.Pendenza("A2A-1", "NEW-1")
	require.True(t, ok, "a full pendenza in the cart is loaded")
	assert.Equal(t, govpay.Euro(26), p.Importo)
	pg := s.Pagamenti()[0]
	assert.Equal(t, govpay.Euro(31), pg.Importo)
	require.Len(t, pg.Pendenze, 2)
	sp, ok := s.Pendenza(pg.Pendenze[1].IDA2A, pg.Pendenze[1].IDPendenza)
	require.True(t, ok)
	assert.Equal(t, "Donazione", sp.Causale)
	assert.Contains(t, string(sp.JSON), `"tipo":"spontaneo"`)

	// The bollo of API Pendenze is refused by API Pagamento.
	nuova["idPendenza"] = "NEW-2"
	nuova["voci"].([]any)[1].(map[string]any)["tipoBollo"] = "01"
	r = do(t, "POST", s.PagamentoURL()+"/pagamenti", map[string]any{"pendenze": []any{nuova}, "urlRitorno": "https://x.example/"})
	assert.Equal(t, http.StatusBadRequest, r.status)

	// Spontaneous data the creditor does not understand.
	r = do(t, "POST", s.PagamentoURL()+"/pagamenti", map[string]any{"pendenze": []any{
		map[string]any{"idDominio": testDominio, "idTipoPendenza": "DONAZIONE", "dati": map[string]any{"numero": 10}}}})
	assert.Equal(t, http.StatusUnprocessableEntity, r.status)

	// An avviso reference.
	r = do(t, "POST", s.PagamentoURL()+"/pagamenti", map[string]any{"pendenze": []any{
		map[string]any{"idDominio": testDominio, "numeroAvviso": pg.Pendenze[0].NumeroAvviso}}})
	assert.Equal(t, http.StatusCreated, r.status, "body %s", r.body)
}

func TestUnknownModeIsLegacy(t *testing.T) {
	s := NewServer(WithMode("boh"))
	defer s.Close()
	assert.Equal(t, ModeLegacy, s.Mode())
	s.SetMode(ModeBridge)
	assert.Equal(t, ModeBridge, s.Mode())
	s.SetMode("boh")
	assert.Equal(t, ModeLegacy, s.Mode())
}
