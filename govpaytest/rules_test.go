package govpaytest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testDominio = "01234567890"

// startPayment starts a payment of the given references through API
// Pagamento and returns the answer.
func startPayment(t *testing.T, s *Server, urlRitorno string, refs ...[2]string) resp {
	t.Helper()
	var pend []map[string]string
	for _, r := range refs {
		pend = append(pend, map[string]string{"idA2A": r[0], "idPendenza": r[1]})
	}
	body := map[string]any{"pendenze": pend}
	if urlRitorno != "" {
		body["urlRitorno"] = urlRitorno
	}
	return do(t, "POST", s.PagamentoURL()+"/pagamenti", body)
}

// payPendenza pays a loaded pendenza through the fake WISP.
func payPendenza(t *testing.T, s *Server, idA2A, idPendenza string) {
	t.Helper()
	r := startPayment(t, s, "https://portale.example/ritorno", [2]string{idA2A, idPendenza})
	require.Equal(t, http.StatusCreated, r.status, "body: %s", r.body)
	_, err := s.Pay(r.json(t)["redirect"].(string), ChoicePaga)
	require.NoError(t, err)
}

// TestRejectsWhatGovPayRejects checks, case by case, that the fake refuses
// what GovPay refuses, with GovPay's status, categoria and codice. Each
// case cites where the rule is documented: the upstream notes
// (shared/upstream/README.md), the published specs, GovPay's
// EsitoOperazione codes or its integration tests.
func TestRejectsWhatGovPayRejects(t *testing.T) {
	pend := func(importi []int64, over map[string]any) map[string]any {
		return pendenzaBody(testDominio, importi, over)
	}
	voce := func(id string, cents int64, kind map[string]any) map[string]any {
		v := map[string]any{"idVocePendenza": id, "importo": json.Number(centsString(cents)), "descrizione": "voce"}
		for k, x := range kind {
			v[k] = x
		}
		return v
	}
	load := func(idPendenza string, body any) func(t *testing.T, s *Server) {
		return func(t *testing.T, s *Server) { putPendenza(t, s, "A2A-1", idPendenza, body) }
	}
	pendURL := func(id string) func(s *Server) string {
		return func(s *Server) string { return s.PendenzeURL() + "/pendenze/A2A-1/" + id }
	}
	pagURL := func(s *Server) string { return s.PagamentoURL() + "/pagamenti" }
	cart := func(refs ...string) map[string]any {
		var p []map[string]string
		for _, r := range refs {
			p = append(p, map[string]string{"idA2A": "A2A-1", "idPendenza": r})
		}
		return map[string]any{"pendenze": p, "urlRitorno": "https://portale.example/ritorno"}
	}
	cases := []struct {
		name      string
		rule      string
		opts      []Option
		setup     func(t *testing.T, s *Server)
		method    string
		url       func(s *Server) string
		body      any
		header    []string
		status    int
		categoria string
		codice    string
		notStored string // idPendenza that must not exist afterwards
	}{
		{name: "unknown field in the body",
			rule:   "upstream README: request bodies with unknown fields are rejected (400)",
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1000}, map[string]any{"importoTotale": 10}),
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI", notStored: "P1"},
		{name: "malformed JSON",
			rule:   "GovPay answers ValidationException with 400 RICHIESTA SINTASSI (upstream README, codes seen)",
			method: "PUT", url: pendURL("P1"), body: `{"idTipoPendenza":`,
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI", notStored: "P1"},
		{name: "amount with three decimals",
			rule:   "upstream README: amounts have at most 2 decimals",
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1000}, map[string]any{"importo": json.Number("10.001")}),
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI", notStored: "P1"},
		{name: "importo differs from the sum of the voci",
			rule:   "upstream README: importo must equal the sum of the voci exactly (VER_002)",
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1000, 550}, map[string]any{"importo": json.Number("15.49")}),
			status: 422, categoria: "RICHIESTA", codice: "VER_002", notStored: "P1"},
		{name: "numeroAvviso as a JSON number",
			rule:   "upstream README: numeroAvviso must be a JSON string (18 digits do not fit a float64)",
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1000}, map[string]any{"numeroAvviso": json.Number("301000000000012345")}),
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI", notStored: "P1"},
		{name: "no voci",
			rule:   "pendenze-v2 NuovaPendenza.voci: minItems 1",
			method: "PUT", url: pendURL("P1"), body: pend(nil, map[string]any{"voci": []any{}, "importo": 0}),
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI", notStored: "P1"},
		{name: "six voci",
			rule:   "pendenze-v2 NuovaPendenza.voci: maxItems 5",
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1, 1, 1, 1, 1, 1}, nil),
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI", notStored: "P1"},
		{name: "idPendenza outside its pattern",
			rule:   "pendenze-v2 path idPendenza: pattern ^[a-zA-Z0-9\\-_]{1,35}$",
			method: "PUT", url: pendURL("P.1"), body: pend([]int64{1000}, nil),
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI", notStored: "P.1"},
		{name: "idDominio not 11 digits",
			rule:   "pendenze-v2 NuovaPendenza.idDominio: pattern ^[0-9]{11}$",
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1000}, map[string]any{"idDominio": "0123456789"}),
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI", notStored: "P1"},
		{name: "voce of two kinds",
			rule:   "pendenze-v2 TipoRiferimentoVocePendenza: oneOf codEntrata | Entrata | Bollo",
			method: "PUT", url: pendURL("P1"),
			body: pend(nil, map[string]any{"importo": json.Number("10.00"), "voci": []any{voce("1", 1000, map[string]any{
				"codEntrata": "SEGRETERIA", "ibanAccredito": "IT02L1234500000999990000001", "tipoContabilita": "ALTRO", "codiceContabilita": "9/0101"})}}),
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI", notStored: "P1"},
		{name: "bollo in the API Pagamento dialect sent to API Pendenze",
			rule:   "upstream README: Bollo.tipoBollo is \"01\" in Pendenze v2, \"Imposta di bollo\" in Pagamento v2",
			method: "PUT", url: pendURL("P1"),
			body: pend(nil, map[string]any{"importo": json.Number("16.00"), "voci": []any{voce("1", 1600, map[string]any{
				"tipoBollo": "Imposta di bollo", "hashDocumento": "aGFzaA==", "provinciaResidenza": "RM"})}}),
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI", notStored: "P1"},
		{name: "the same idVocePendenza twice",
			rule:   "GovPay EsitoOperazione VER_001 (codSingoloVersamentoEnte repeated), 422",
			method: "PUT", url: pendURL("P1"),
			body: pend(nil, map[string]any{"importo": json.Number("20.00"), "voci": []any{
				voce("1", 1000, map[string]any{"codEntrata": "A"}), voce("1", 1000, map[string]any{"codEntrata": "B"})}}),
			status: 422, categoria: "RICHIESTA", codice: "VER_001", notStored: "P1"},
		{name: "contabilita quote not adding up to the voce",
			rule:   "GovPay EsitoOperazione VER_035 (voce importo ≠ sum of contabilita.quote), 422",
			method: "PUT", url: pendURL("P1"),
			body: pend(nil, map[string]any{"importo": json.Number("10.00"), "voci": []any{voce("1", 1000, map[string]any{
				"codEntrata": "A", "contabilita": map[string]any{"quote": []any{
					map[string]any{"capitolo": "c1", "annoEsercizio": 2026, "importo": 4.00},
					map[string]any{"capitolo": "c2", "annoEsercizio": 2026, "importo": 5.00}}}})}}),
			status: 422, categoria: "RICHIESTA", codice: "VER_035", notStored: "P1"},
		{name: "update of a paid pendenza",
			rule: "GovPay EsitoOperazione VER_003 (stato does not allow the update), 422",
			setup: func(t *testing.T, s *Server) {
				load("P1", pend([]int64{1000}, nil))(t, s)
				payPendenza(t, s, "A2A-1", "P1")
			},
			method: "PUT", url: pendURL("P1"), body: pend([]int64{2000}, nil),
			status: 422, categoria: "RICHIESTA", codice: "VER_003"},
		{name: "numero avviso of another pendenza",
			rule:   "GovPay EsitoOperazione VER_025 (numero avviso already used), 422",
			setup:  load("P1", pend([]int64{1000}, map[string]any{"numeroAvviso": "301000000000012345"})),
			method: "PUT", url: pendURL("P2"), body: pend([]int64{1000}, map[string]any{"numeroAvviso": "301000000000012345"}),
			status: 422, categoria: "RICHIESTA", codice: "VER_025", notStored: "P2"},
		{name: "numero avviso changed on update",
			rule:   "GovPay EsitoOperazione VER_024 (numero avviso differs from the original), 422",
			setup:  load("P1", pend([]int64{1000}, nil)),
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1000}, map[string]any{"numeroAvviso": "301000000000099999"}),
			status: 422, categoria: "RICHIESTA", codice: "VER_024"},
		{name: "unknown pendenza",
			rule:   "upstream README (404 404000) and integration test errore_notFound.json (categoria OPERAZIONE)",
			method: "GET", url: pendURL("NOPE"),
			status: 404, categoria: "OPERAZIONE", codice: "404000"},
		{name: "avviso without an Accept header",
			rule:   "upstream README: GET /avvisi answers 406 without an explicit Accept",
			setup:  load("P1", pend([]int64{1000}, map[string]any{"numeroAvviso": "301000000000012345"})),
			method: "GET", url: func(s *Server) string { return s.PendenzeURL() + "/avvisi/" + testDominio + "/301000000000012345" },
			status: 406, categoria: "RICHIESTA", codice: "406000"},
		{name: "avviso: only the first Accept header is read",
			rule:   "upstream README: only the first Accept value is read",
			setup:  load("P1", pend([]int64{1000}, map[string]any{"numeroAvviso": "301000000000012345"})),
			method: "GET", url: func(s *Server) string { return s.PendenzeURL() + "/avvisi/" + testDominio + "/301000000000012345" },
			header: []string{"Accept", "text/html", "Accept", "application/json"},
			status: 406, categoria: "RICHIESTA", codice: "406000"},
		{name: "ricevuta with an Accept GovPay cannot serve",
			rule:   "upstream README: GET /ricevute/{…}/{…}/{…} answers 406 without an acceptable Accept",
			method: "GET", url: func(s *Server) string { return s.RagioneriaURL() + "/ricevute/" + testDominio + "/01000000000000001/1" },
			header: []string{"Accept", "text/html"},
			status: 406, categoria: "RICHIESTA", codice: "406000"},
		{name: "paying a paid pendenza",
			rule: "GovPay EsitoOperazione PAG_006 (stato does not allow payment), 422",
			setup: func(t *testing.T, s *Server) {
				load("P1", pend([]int64{1000}, nil))(t, s)
				payPendenza(t, s, "A2A-1", "P1")
			},
			method: "POST", url: pagURL, body: cart("P1"),
			status: 422, categoria: "RICHIESTA", codice: "PAG_006"},
		{name: "paying an expired pendenza",
			rule:   "GovPay EsitoOperazione PAG_007 (dataScadenza passed), 422",
			setup:  load("P1", pend([]int64{1000}, map[string]any{"dataScadenza": "2001-01-01"})),
			method: "POST", url: pagURL, body: cart("P1"),
			status: 422, categoria: "RICHIESTA", codice: "PAG_007"},
		{name: "checkout bridge without urlRitorno",
			rule:   "pagamento-v2 NuovoPagamentoBase.urlRitorno: required with a V2 station; GovPay EsitoOperazione PAG_013, 422",
			opts:   []Option{WithMode(ModeBridge)},
			setup:  load("P1", pend([]int64{1000}, nil)),
			method: "POST", url: pagURL, body: map[string]any{"pendenze": []any{map[string]string{"idA2A": "A2A-1", "idPendenza": "P1"}}},
			status: 422, categoria: "RICHIESTA", codice: "PAG_013"},
		{name: "cart of six pendenze",
			rule:   "pagamento-v2 NuovoPagamento.pendenze: maxItems 5",
			method: "POST", url: pagURL, body: cart("A", "B", "C", "D", "E", "F"),
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI"},
		{name: "cart referencing an unknown pendenza",
			rule:   "GovPay EsitoOperazione VER_008 (the pendenza does not exist), 422",
			method: "POST", url: pagURL, body: cart("NOPE"),
			status: 422, categoria: "RICHIESTA", codice: "VER_008"},
		{name: "unknown field in a cart",
			rule:   "upstream README: request bodies with unknown fields are rejected (400)",
			setup:  load("P1", pend([]int64{1000}, nil)),
			method: "POST", url: pagURL, body: map[string]any{"pendenze": []any{map[string]string{"idA2A": "A2A-1", "idPendenza": "P1"}}, "urlRitorno": "https://x.example/", "returnUrl": "https://x.example/"},
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI"},
		{name: "missing credentials",
			rule:   "GovPay APIs under rs/basic require HTTP Basic (401, upstream README codes seen)",
			opts:   []Option{WithBasicAuth("A2A-1", "secret")},
			method: "GET", url: pendURL("P1"),
			status: 401, categoria: "AUTORIZZAZIONE", codice: "401000"},
		{name: "reading another application's pendenza",
			rule:   "GovPay PendenzeController: an application reads only its own pendenze (403 403000)",
			opts:   []Option{WithBasicAuth("A2A-2", "secret")},
			method: "GET", url: pendURL("P1"), header: []string{"Authorization", "Basic QTJBLTI6c2VjcmV0"},
			status: 403, categoria: "AUTORIZZAZIONE", codice: "403000"},
		{name: "writing another application's pendenza",
			rule:   "GovPay PendenzeController: PUT by another application is EsitoOperazione APP_002 (400)",
			opts:   []Option{WithBasicAuth("A2A-2", "secret")},
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1000}, nil), header: []string{"Authorization", "Basic QTJBLTI6c2VjcmV0"},
			status: 400, categoria: "RICHIESTA", codice: "APP_002", notStored: "P1"},
		{name: "a domain the application is not enabled for",
			rule:   "GovPay PendenzeController: a domain not authorized for the application is 403 403000",
			opts:   []Option{WithDominio(Dominio{IDDominio: "11111111111"})},
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1000}, nil),
			status: 403, categoria: "AUTORIZZAZIONE", codice: "403000", notStored: "P1"},
		{name: "an entrata unknown to the domain",
			rule:   "GovPay EsitoOperazione TRB_000 (tributo inesistente per il dominio), 422",
			opts:   []Option{WithDominio(Dominio{IDDominio: testDominio, Entrate: []string{"TARI"}})},
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1000}, nil),
			status: 422, categoria: "RICHIESTA", codice: "TRB_000", notStored: "P1"},
		{name: "a tipo pendenza unknown to the domain",
			rule:   "GovPay EsitoOperazione TVD_000 (tipo pendenza del dominio inesistente), 422",
			opts:   []Option{WithDominio(Dominio{IDDominio: testDominio, TipiPendenza: []string{"TARI"}})},
			method: "PUT", url: pendURL("P1"), body: pend([]int64{1000}, nil),
			status: 422, categoria: "RICHIESTA", codice: "TVD_000", notStored: "P1"},
		{name: "update that changes the creditor",
			rule:   "GovPay EsitoOperazione VER_004 (beneficiario diverso da quello originale), 422",
			setup:  load("P1", pend([]int64{1000}, nil)),
			method: "PUT", url: pendURL("P1"), body: pendenzaBody("11111111111", []int64{1000}, nil),
			status: 422, categoria: "RICHIESTA", codice: "VER_004"},
		{name: "a multi-beneficiary voce for an unknown domain",
			rule:   "GovPay EsitoOperazione DOM_000 (dominio inesistente), 422",
			opts:   []Option{WithDominio(Dominio{IDDominio: testDominio})},
			method: "PUT", url: pendURL("P1"),
			body: pend(nil, map[string]any{"importo": json.Number("10.00"), "voci": []any{voce("1", 1000, map[string]any{
				"codEntrata": "A", "idDominio": "22222222222"})}}),
			status: 422, categoria: "RICHIESTA", codice: "DOM_000", notStored: "P1"},
		{name: "cancelling a paid pendenza",
			rule: "upstream README: PATCH business errors come back as 500 OPERAZIONE (EsitoOperazione VER_009)",
			setup: func(t *testing.T, s *Server) {
				load("P1", pend([]int64{1000}, nil))(t, s)
				payPendenza(t, s, "A2A-1", "P1")
			},
			method: "PATCH", url: pendURL("P1"), body: []map[string]any{{"op": "REPLACE", "path": "/stato", "value": "ANNULLATA"}},
			status: 500, categoria: "OPERAZIONE", codice: "VER_009"},
		{name: "PATCH of a path GovPay does not know",
			rule:   "upstream README: PATCH paths are /stato, /descrizioneStato, /ack, /nota",
			setup:  load("P1", pend([]int64{1000}, nil)),
			method: "PATCH", url: pendURL("P1"), body: []map[string]any{{"op": "REPLACE", "path": "/importo", "value": 5}},
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI"},
		{name: "PATCH in RFC 6902 form",
			rule:   "upstream README: PATCH ops are ADD|DELETE|REPLACE (not RFC 6902 add/replace)",
			setup:  load("P1", pend([]int64{1000}, nil)),
			method: "PATCH", url: pendURL("P1"), body: []map[string]any{{"op": "replace", "path": "/stato", "value": "ANNULLATA"}},
			status: 400, categoria: "RICHIESTA", codice: "SINTASSI"},
	}
	require.GreaterOrEqual(t, len(cases), 15)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(tc.opts...)
			defer s.Close()
			if tc.setup != nil {
				tc.setup(t, s)
			}
			r := do(t, tc.method, tc.url(s), tc.body, tc.header...)
			require.Equal(t, tc.status, r.status, "rule: %s\nbody: %s", tc.rule, r.body)
			assert.Equal(t, "application/json", r.header.Get("Content-Type"), "rule: %s", tc.rule)
			assert.NotEmpty(t, r.header.Get(HeaderIDTransazione), "every GovPay answer names its transaction")
			fb := r.json(t)
			assert.Equal(t, tc.categoria, fb["categoria"], "rule: %s", tc.rule)
			assert.Equal(t, tc.codice, fb["codice"], "rule: %s", tc.rule)
			assert.NotEmpty(t, fb["descrizione"])
			assert.NotEmpty(t, fb["dettaglio"])
			if tc.status == http.StatusUnauthorized {
				assert.Contains(t, r.header.Get("WWW-Authenticate"), "Basic")
			}
			if tc.notStored != "" {
				_, ok := s.Pendenza("A2A-1", tc.notStored)
				assert.False(t, ok, "a refused pendenza must not be stored")
			}
		})
	}
}

// TestCheckoutRejects covers the pagoPA Checkout EC API rules: a
// subscription key is required (security scheme apiKeyHeader) and malformed
// carts get 400 problem+json (checkout_v1.json / checkout_v2.json).
func TestCheckoutRejects(t *testing.T) {
	s := NewServer(WithSubscriptionKey("good-key"))
	defer s.Close()
	okCart := map[string]any{
		"paymentNotices": []any{map[string]any{"noticeNumber": "301000000000012345", "fiscalCode": testDominio, "amount": 1000, "companyName": "Comune", "description": "Prova"}},
		"returnUrls":     map[string]any{"returnOkUrl": "https://x.example/ok", "returnCancelUrl": "https://x.example/cancel", "returnErrorUrl": "https://x.example/error"},
	}
	r := do(t, "POST", s.CheckoutURL()+"/carts", okCart)
	assert.Equal(t, http.StatusUnauthorized, r.status, "no subscription key")
	r = do(t, "POST", s.CheckoutURL()+"/carts", okCart, "Ocp-Apim-Subscription-Key", "wrong")
	assert.Equal(t, http.StatusUnauthorized, r.status, "wrong subscription key")
	r = do(t, "POST", s.CheckoutURL()+"/carts", okCart, "Ocp-Apim-Subscription-Key", "good-key")
	assert.Equal(t, http.StatusFound, r.status, "body: %s", r.body)
	assert.Contains(t, r.header.Get("Location"), s.URL+"/checkout/c/")

	r = do(t, "POST", s.CheckoutV2URL()+"/carts", okCart, "Ocp-Apim-Subscription-Key", "good-key")
	assert.Equal(t, http.StatusBadRequest, r.status, "v2 requires returnWaitingUrl")

	bad := []map[string]any{
		{"paymentNotices": []any{}, "returnUrls": okCart["returnUrls"]},
		{"paymentNotices": okCart["paymentNotices"]},
		{"paymentNotices": []any{map[string]any{"noticeNumber": "3010", "fiscalCode": testDominio, "amount": 1000, "companyName": "C", "description": "D"}}, "returnUrls": okCart["returnUrls"]},
		{"paymentNotices": []any{map[string]any{"noticeNumber": "301000000000012345", "fiscalCode": testDominio, "amount": 0, "companyName": "C", "description": "D"}}, "returnUrls": okCart["returnUrls"]},
		{"paymentNotices": []any{map[string]any{"noticeNumber": "301000000000012345", "fiscalCode": testDominio, "amount": 10.5, "companyName": "C", "description": "D"}}, "returnUrls": okCart["returnUrls"]},
	}
	for i, b := range bad {
		r := do(t, "POST", s.CheckoutURL()+"/carts", b, "Ocp-Apim-Subscription-Key", "good-key")
		require.Equal(t, http.StatusBadRequest, r.status, "case %d: %s", i, r.body)
		p := r.json(t)
		assert.EqualValues(t, 400, p["status"], "case %d", i)
		assert.NotEmpty(t, p["detail"], "case %d", i)
	}
}

// TestAcceptsWhatGovPayAccepts loads bodies GovPay 3.9.1 accepts and that
// the fake used to refuse: no payer (GovPay records ANONIMO,
// PendenzeConverter.java:533-540), an unknown payer tipo (dropped,
// TipoSoggetto.java:58-66), a numero avviso on several voci with a marca
// da bollo (VER_031 removed, VersamentoUtils.java:688), datiAllegati of
// any JSON type (NuovaPendenza.java:111-112), 15 metadata entries
// (Metadata.java:110), a descrizione of 255 characters
// (ValidatoreUtils.java:148-150).
func TestAcceptsWhatGovPayAccepts(t *testing.T) {
	s := NewServer()
	defer s.Close()
	get := func(t *testing.T, id string) map[string]any {
		t.Helper()
		r := do(t, "GET", s.PendenzeURL()+"/pendenze/A2A-1/"+id, nil)
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
		return r.json(t)
	}
	payerOf := func(t *testing.T, id string) map[string]any {
		t.Helper()
		p, ok := get(t, id)["soggettoPagatore"].(map[string]any)
		require.True(t, ok, "GovPay always shows a payer")
		return p
	}

	putPendenza(t, s, "A2A-1", "NOPAYER", pendenzaBody(testDominio, []int64{1000}, map[string]any{"soggettoPagatore": nil}))
	p := payerOf(t, "NOPAYER")
	assert.Equal(t, "ANONIMO", p["identificativo"])
	assert.Equal(t, "ANONIMO", p["anagrafica"])

	putPendenza(t, s, "A2A-1", "EMPTYPAYER", pendenzaBody(testDominio, []int64{1000}, map[string]any{"soggettoPagatore": map[string]any{}}))
	assert.Equal(t, "ANONIMO", payerOf(t, "EMPTYPAYER")["identificativo"])

	putPendenza(t, s, "A2A-1", "TIPOX", pendenzaBody(testDominio, []int64{1000}, map[string]any{
		"soggettoPagatore": map[string]any{"tipo": "X", "identificativo": "RSSMRA80A01H501U", "anagrafica": "Mario Rossi"}}))
	p = payerOf(t, "TIPOX")
	assert.Equal(t, "RSSMRA80A01H501U", p["identificativo"])
	assert.NotEqual(t, "X", p["tipo"], "GovPay drops an unknown tipo")

	bollo := pendenzaBody(testDominio, []int64{1000, 1600}, map[string]any{"numeroAvviso": "301000000000012345"})
	bollo["voci"].([]map[string]any)[1] = map[string]any{"idVocePendenza": "B", "importo": json.Number("16.00"), "descrizione": "Marca da bollo",
		"tipoBollo": "01", "hashDocumento": "aGFzaA==", "provinciaResidenza": "RM"}
	putPendenza(t, s, "A2A-1", "BOLLO", bollo)

	for i, dati := range []any{[]any{1, "a"}, "testo", 42, true} {
		putPendenza(t, s, "A2A-1", "DATI"+strconv.Itoa(i), pendenzaBody(testDominio, []int64{1000}, map[string]any{"datiAllegati": dati}))
	}

	long := pendenzaBody(testDominio, []int64{1000}, nil)
	v := long["voci"].([]map[string]any)[0]
	v["descrizione"] = strings.Repeat("d", 255)
	entries := make([]any, 15)
	for i := range entries {
		entries[i] = map[string]any{"key": "k", "value": "v"}
	}
	v["metadata"] = map[string]any{"mapEntries": entries}
	putPendenza(t, s, "A2A-1", "LONG", long)

	// A documento with neither rata nor soglia, with both, and a SCONTATO
	// soglia without giorni (NuovoDocumento.java:179-183,
	// VincoloPagamento.java:159-166).
	for id, doc := range map[string]map[string]any{
		"DOCNONE":     {"identificativo": "D1", "descrizione": "Rate"},
		"DOCBOTH":     {"identificativo": "D2", "descrizione": "Rate", "rata": 1, "soglia": map[string]any{"tipo": "ENTRO", "giorni": 30}},
		"DOCSCONTATO": {"identificativo": "D3", "descrizione": "Rate", "soglia": map[string]any{"tipo": "SCONTATO"}},
	} {
		putPendenza(t, s, "A2A-1", id, pendenzaBody(testDominio, []int64{1000}, map[string]any{"documento": doc}))
	}
}
