package pagamenti

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pendenze"
)

// The body of POST /pagamenti (startBody, the items' wire forms encoded
// when added) is held to golden bytes: the bodies GovPay has been sent
// since the first release. A change of them needs a reason.

// bodyCases are carts and options whose encoding must not change: their
// golden bodies were produced by the implementation before the one-buffer
// encoding (json.Marshal over []json.RawMessage).
func bodyCases(t testing.TB) []struct {
	name string
	cart *Cart
	opts StartOptions
} {
	rich := testPendenza()
	rich.Causale = "Tassa <rifiuti> & \"diritti\" – è\u2028fine"
	rich.IDUnitaOperativa = "UO_1"
	rich.NumeroAvviso = validNAV(t, 77)
	rich.Tassonomia = "tass"
	rich.DataValidita = govpay.NewDate(2026, 12, 31)
	rich.DataScadenza = govpay.NewDate(2027, 1, 15)
	rich.AnnoRiferimento = 2026
	rich.CartellaPagamento = "C-1"
	rich.DatiAllegati = json.RawMessage(`{ "a" : "<x>", "b": [1, 2] }`)
	rich.Direzione = "DIR"
	rich.Divisione = "DIV"
	info := "Importo & mora"
	rich.Proprieta = &pendenze.Proprieta{LinguaSecondaria: "de", LineaTestoRicevuta1: "riga <1>",
		DescrizioneImporto:       []pendenze.DescrizioneImporto{{Voce: "Tassa", Importo: govpay.Centesimi(10000)}},
		InformativaImportoAvviso: &info}
	rich.Voci[0].DescrizioneCausaleRPT = "causale RPT"
	rich.Voci[0].DatiAllegati = json.RawMessage(`{"k":"v&w"}`)
	rich.Voci[0].Contabilita = &pendenze.Contabilita{Quote: []pendenze.QuotaContabilita{{Capitolo: "1", AnnoEsercizio: 2026, Importo: govpay.Centesimi(9999)}}}
	rich.Voci[0].Metadata = &pendenze.Metadata{MapEntries: []pendenze.MapEntry{{Key: "k", Value: "<v>"}}}
	rich.Voci[0].IDDominio = testDominio
	rich.Allegati = []pendenze.Allegato{{Nome: "a.txt", Tipo: "text/plain", Contenuto: []byte("ciao")}}
	rich.Voci = rich.Voci[:1] // a numeroAvviso with a marca da bollo among several voci is refused (VER_031)
	rich.Importo = rich.Voci[0].Importo
	iban := testPendenza()
	iban.Voci[0] = pendenze.VoceAccredito("1", govpay.Centesimi(9999), "Diritti", pendenze.Accredito{IBANAccredito: "IT60X0542811101000000123456", TipoContabilita: pendenze.TipoContabilita("SIOPE"), CodiceContabilita: "COD"})

	versante := govpay.Soggetto{Tipo: govpay.SoggettoGiuridico, Identificativo: "01234567890", Anagrafica: "Ditta <Rossi> & C."}
	full := StartOptions{
		URLRitorno: "https://portale.comune.it/pagopa/ritorno?ordine=42&lang=it", IDSessionePortale: "sess-1",
		Lingua: LinguaTedesco, SoggettoVersante: &versante, AutenticazioneSoggetto: AutenticazioneCNS,
		ContoAddebito: &Conto{IBAN: "IT60X0542811101000000123456"}, DataEsecuzionePagamento: execDate(),
		CredenzialiPagatore: "otp<1>",
	}
	return []struct {
		name string
		cart *Cart
		opts StartOptions
	}{
		{"riferimento only, no options", NewCart().AddRiferimento("A2A-1", "P-1"), StartOptions{}},
		{"every kind, full options", NewCart().
			AddRiferimento("A2A-1", "P-1").
			AddAvviso(testDominio, validNAV(t, 42)).
			AddPendenza("A2A-1", "P-2", rich).
			AddSpontaneo(testDominio, "CERT.ANAG", map[string]any{"nome": "<Mario> & Co", "n": 10}).
			AddQRCode("PAGOPA|002|" + validNAV(t, 43) + "|" + testDominio + "|1500"), full},
		{"two pendenze, urlRitorno and lingua", NewCart().
			AddPendenza("PORTALE", "PRATICA-2026-123", testPendenza()).
			AddPendenza("PORTALE", "PRATICA-2026-124", iban),
			StartOptions{URLRitorno: "https://portale.comune.it/pagopa/ritorno", Lingua: LinguaItaliano}},
		{"spontaneo with empty dati", NewCart().AddSpontaneo(testDominio, "T1", map[string]any{}), StartOptions{CredenzialiPagatore: "x"}},
		{"pendenza without idTipoPendenza", NewCart().AddPendenza("PORTALE", "PRATICA-2026-125", noTipoPendenza()), StartOptions{}},
	}
}

var bodyGolden = map[string]struct{ cart, body string }{
	"riferimento only, no options": {
		cart: "{\"pendenze\":[{\"idA2A\":\"A2A-1\",\"idPendenza\":\"P-1\"}]}",
		body: "{\"pendenze\":[{\"idA2A\":\"A2A-1\",\"idPendenza\":\"P-1\"}]}",
	},
	"every kind, full options": {
		cart: "{\"pendenze\":[{\"idA2A\":\"A2A-1\",\"idPendenza\":\"P-1\"},{\"idDominio\":\"01234567890\",\"numeroAvviso\":\"301000000000004285\"},{\"idA2A\":\"A2A-1\",\"idPendenza\":\"P-2\",\"idTipoPendenza\":\"SEGRETERIA\",\"idDominio\":\"01234567890\",\"idUnitaOperativa\":\"UO_1\",\"causale\":\"Tassa \\u003crifiuti\\u003e \\u0026 \\\"diritti\\\" – è\\u2028fine\",\"soggettoPagatore\":{\"tipo\":\"F\",\"identificativo\":\"RSSMRA30A01H501I\",\"anagrafica\":\"Mario Rossi\",\"email\":\"mario.rossi@email.agid.gov.it\",\"cellulare\":\"+39 000-0000000\"},\"importo\":99.99,\"numeroAvviso\":\"301000000000007727\",\"tassonomia\":\"tass\",\"tassonomiaAvviso\":\"Servizi erogati dal comune\",\"dataValidita\":\"2026-12-31\",\"dataScadenza\":\"2027-01-15\",\"annoRiferimento\":2026,\"cartellaPagamento\":\"C-1\",\"datiAllegati\":{\"a\":\"\\u003cx\\u003e\",\"b\":[1,2]},\"direzione\":\"DIR\",\"divisione\":\"DIV\",\"proprieta\":{\"linguaSecondaria\":\"de\",\"descrizioneImporto\":[{\"voce\":\"Tassa\",\"importo\":100.00}],\"lineaTestoRicevuta1\":\"riga \\u003c1\\u003e\",\"informativaImportoAvviso\":\"Importo \\u0026 mora\"},\"voci\":[{\"idVocePendenza\":\"1\",\"importo\":99.99,\"descrizione\":\"Diritti e segreteria\",\"descrizioneCausaleRPT\":\"causale RPT\",\"datiAllegati\":{\"k\":\"v\\u0026w\"},\"contabilita\":{\"quote\":[{\"capitolo\":\"1\",\"annoEsercizio\":2026,\"importo\":99.99}]},\"metadata\":{\"mapEntries\":[{\"key\":\"k\",\"value\":\"\\u003cv\\u003e\"}]},\"idDominio\":\"01234567890\",\"codEntrata\":\"SEGRETERIA\"}],\"allegati\":[{\"nome\":\"a.txt\",\"tipo\":\"text/plain\",\"contenuto\":\"Y2lhbw==\"}]},{\"idDominio\":\"01234567890\",\"idTipoPendenza\":\"CERT.ANAG\",\"dati\":{\"n\":10,\"nome\":\"\\u003cMario\\u003e \\u0026 Co\"}},{\"idDominio\":\"01234567890\",\"numeroAvviso\":\"301000000000004386\"}]}",
		body: "{\"pendenze\":[{\"idA2A\":\"A2A-1\",\"idPendenza\":\"P-1\"},{\"idDominio\":\"01234567890\",\"numeroAvviso\":\"301000000000004285\"},{\"idA2A\":\"A2A-1\",\"idPendenza\":\"P-2\",\"idTipoPendenza\":\"SEGRETERIA\",\"idDominio\":\"01234567890\",\"idUnitaOperativa\":\"UO_1\",\"causale\":\"Tassa \\u003crifiuti\\u003e \\u0026 \\\"diritti\\\" – è\\u2028fine\",\"soggettoPagatore\":{\"tipo\":\"F\",\"identificativo\":\"RSSMRA30A01H501I\",\"anagrafica\":\"Mario Rossi\",\"email\":\"mario.rossi@email.agid.gov.it\",\"cellulare\":\"+39 000-0000000\"},\"importo\":99.99,\"numeroAvviso\":\"301000000000007727\",\"tassonomia\":\"tass\",\"tassonomiaAvviso\":\"Servizi erogati dal comune\",\"dataValidita\":\"2026-12-31\",\"dataScadenza\":\"2027-01-15\",\"annoRiferimento\":2026,\"cartellaPagamento\":\"C-1\",\"datiAllegati\":{\"a\":\"\\u003cx\\u003e\",\"b\":[1,2]},\"direzione\":\"DIR\",\"divisione\":\"DIV\",\"proprieta\":{\"linguaSecondaria\":\"de\",\"descrizioneImporto\":[{\"voce\":\"Tassa\",\"importo\":100.00}],\"lineaTestoRicevuta1\":\"riga \\u003c1\\u003e\",\"informativaImportoAvviso\":\"Importo \\u0026 mora\"},\"voci\":[{\"idVocePendenza\":\"1\",\"importo\":99.99,\"descrizione\":\"Diritti e segreteria\",\"descrizioneCausaleRPT\":\"causale RPT\",\"datiAllegati\":{\"k\":\"v\\u0026w\"},\"contabilita\":{\"quote\":[{\"capitolo\":\"1\",\"annoEsercizio\":2026,\"importo\":99.99}]},\"metadata\":{\"mapEntries\":[{\"key\":\"k\",\"value\":\"\\u003cv\\u003e\"}]},\"idDominio\":\"01234567890\",\"codEntrata\":\"SEGRETERIA\"}],\"allegati\":[{\"nome\":\"a.txt\",\"tipo\":\"text/plain\",\"contenuto\":\"Y2lhbw==\"}]},{\"idDominio\":\"01234567890\",\"idTipoPendenza\":\"CERT.ANAG\",\"dati\":{\"n\":10,\"nome\":\"\\u003cMario\\u003e \\u0026 Co\"}},{\"idDominio\":\"01234567890\",\"numeroAvviso\":\"301000000000004386\"}],\"urlRitorno\":\"https://portale.comune.it/pagopa/ritorno?ordine=42\\u0026lang=it\",\"contoAddebito\":{\"iban\":\"IT60X0542811101000000123456\"},\"dataEsecuzionePagamento\":\"2026-04-01\",\"credenzialiPagatore\":\"otp\\u003c1\\u003e\",\"soggettoVersante\":{\"tipo\":\"G\",\"identificativo\":\"01234567890\",\"anagrafica\":\"Ditta \\u003cRossi\\u003e \\u0026 C.\"},\"autenticazioneSoggetto\":\"CNS\",\"lingua\":\"de\"}",
	},
	"two pendenze, urlRitorno and lingua": {
		cart: "{\"pendenze\":[{\"idA2A\":\"PORTALE\",\"idPendenza\":\"PRATICA-2026-123\",\"idTipoPendenza\":\"SEGRETERIA\",\"idDominio\":\"01234567890\",\"causale\":\"Pagamento spontaneo n. P-1\",\"soggettoPagatore\":{\"tipo\":\"F\",\"identificativo\":\"RSSMRA30A01H501I\",\"anagrafica\":\"Mario Rossi\",\"email\":\"mario.rossi@email.agid.gov.it\",\"cellulare\":\"+39 000-0000000\"},\"importo\":115.99,\"tassonomiaAvviso\":\"Servizi erogati dal comune\",\"voci\":[{\"idVocePendenza\":\"1\",\"importo\":99.99,\"descrizione\":\"Diritti e segreteria\",\"codEntrata\":\"SEGRETERIA\"},{\"idVocePendenza\":\"2\",\"importo\":16.00,\"descrizione\":\"Marca da bollo\",\"tipoBollo\":\"Imposta di bollo\",\"hashDocumento\":\"a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=\",\"provinciaResidenza\":\"RO\"}]},{\"idA2A\":\"PORTALE\",\"idPendenza\":\"PRATICA-2026-124\",\"idTipoPendenza\":\"SEGRETERIA\",\"idDominio\":\"01234567890\",\"causale\":\"Pagamento spontaneo n. P-1\",\"soggettoPagatore\":{\"tipo\":\"F\",\"identificativo\":\"RSSMRA30A01H501I\",\"anagrafica\":\"Mario Rossi\",\"email\":\"mario.rossi@email.agid.gov.it\",\"cellulare\":\"+39 000-0000000\"},\"importo\":115.99,\"tassonomiaAvviso\":\"Servizi erogati dal comune\",\"voci\":[{\"idVocePendenza\":\"1\",\"importo\":99.99,\"descrizione\":\"Diritti\",\"ibanAccredito\":\"IT60X0542811101000000123456\",\"tipoContabilita\":\"SIOPE\",\"codiceContabilita\":\"COD\"},{\"idVocePendenza\":\"2\",\"importo\":16.00,\"descrizione\":\"Marca da bollo\",\"tipoBollo\":\"Imposta di bollo\",\"hashDocumento\":\"a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=\",\"provinciaResidenza\":\"RO\"}]}]}",
		body: "{\"pendenze\":[{\"idA2A\":\"PORTALE\",\"idPendenza\":\"PRATICA-2026-123\",\"idTipoPendenza\":\"SEGRETERIA\",\"idDominio\":\"01234567890\",\"causale\":\"Pagamento spontaneo n. P-1\",\"soggettoPagatore\":{\"tipo\":\"F\",\"identificativo\":\"RSSMRA30A01H501I\",\"anagrafica\":\"Mario Rossi\",\"email\":\"mario.rossi@email.agid.gov.it\",\"cellulare\":\"+39 000-0000000\"},\"importo\":115.99,\"tassonomiaAvviso\":\"Servizi erogati dal comune\",\"voci\":[{\"idVocePendenza\":\"1\",\"importo\":99.99,\"descrizione\":\"Diritti e segreteria\",\"codEntrata\":\"SEGRETERIA\"},{\"idVocePendenza\":\"2\",\"importo\":16.00,\"descrizione\":\"Marca da bollo\",\"tipoBollo\":\"Imposta di bollo\",\"hashDocumento\":\"a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=\",\"provinciaResidenza\":\"RO\"}]},{\"idA2A\":\"PORTALE\",\"idPendenza\":\"PRATICA-2026-124\",\"idTipoPendenza\":\"SEGRETERIA\",\"idDominio\":\"01234567890\",\"causale\":\"Pagamento spontaneo n. P-1\",\"soggettoPagatore\":{\"tipo\":\"F\",\"identificativo\":\"RSSMRA30A01H501I\",\"anagrafica\":\"Mario Rossi\",\"email\":\"mario.rossi@email.agid.gov.it\",\"cellulare\":\"+39 000-0000000\"},\"importo\":115.99,\"tassonomiaAvviso\":\"Servizi erogati dal comune\",\"voci\":[{\"idVocePendenza\":\"1\",\"importo\":99.99,\"descrizione\":\"Diritti\",\"ibanAccredito\":\"IT60X0542811101000000123456\",\"tipoContabilita\":\"SIOPE\",\"codiceContabilita\":\"COD\"},{\"idVocePendenza\":\"2\",\"importo\":16.00,\"descrizione\":\"Marca da bollo\",\"tipoBollo\":\"Imposta di bollo\",\"hashDocumento\":\"a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=\",\"provinciaResidenza\":\"RO\"}]}],\"urlRitorno\":\"https://portale.comune.it/pagopa/ritorno\",\"lingua\":\"it\"}",
	},
	"spontaneo with empty dati": {
		cart: "{\"pendenze\":[{\"idDominio\":\"01234567890\",\"idTipoPendenza\":\"T1\",\"dati\":{}}]}",
		body: "{\"pendenze\":[{\"idDominio\":\"01234567890\",\"idTipoPendenza\":\"T1\",\"dati\":{}}],\"credenzialiPagatore\":\"x\"}",
	},
	// idTipoPendenza is optional in API Pagamento v2 (NuovaPendenza.java:709):
	// left out of the wire, never sent empty.
	"pendenza without idTipoPendenza": {
		cart: "{\"pendenze\":[{\"idA2A\":\"PORTALE\",\"idPendenza\":\"PRATICA-2026-125\",\"idDominio\":\"01234567890\",\"causale\":\"Pagamento spontaneo n. P-1\",\"soggettoPagatore\":{\"tipo\":\"F\",\"identificativo\":\"RSSMRA30A01H501I\",\"anagrafica\":\"Mario Rossi\",\"email\":\"mario.rossi@email.agid.gov.it\",\"cellulare\":\"+39 000-0000000\"},\"importo\":115.99,\"tassonomiaAvviso\":\"Servizi erogati dal comune\",\"voci\":[{\"idVocePendenza\":\"1\",\"importo\":99.99,\"descrizione\":\"Diritti e segreteria\",\"codEntrata\":\"SEGRETERIA\"},{\"idVocePendenza\":\"2\",\"importo\":16.00,\"descrizione\":\"Marca da bollo\",\"tipoBollo\":\"Imposta di bollo\",\"hashDocumento\":\"a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=\",\"provinciaResidenza\":\"RO\"}]}]}",
		body: "{\"pendenze\":[{\"idA2A\":\"PORTALE\",\"idPendenza\":\"PRATICA-2026-125\",\"idDominio\":\"01234567890\",\"causale\":\"Pagamento spontaneo n. P-1\",\"soggettoPagatore\":{\"tipo\":\"F\",\"identificativo\":\"RSSMRA30A01H501I\",\"anagrafica\":\"Mario Rossi\",\"email\":\"mario.rossi@email.agid.gov.it\",\"cellulare\":\"+39 000-0000000\"},\"importo\":115.99,\"tassonomiaAvviso\":\"Servizi erogati dal comune\",\"voci\":[{\"idVocePendenza\":\"1\",\"importo\":99.99,\"descrizione\":\"Diritti e segreteria\",\"codEntrata\":\"SEGRETERIA\"},{\"idVocePendenza\":\"2\",\"importo\":16.00,\"descrizione\":\"Marca da bollo\",\"tipoBollo\":\"Imposta di bollo\",\"hashDocumento\":\"a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=\",\"provinciaResidenza\":\"RO\"}]}]}",
	},
}

// goldenExecDate is the dataEsecuzionePagamento written in the goldens;
// the test puts execDate in its place (GovPay accepts only dates from
// today to 30 days ahead, and so does StartOptions.Validate).
const goldenExecDate = "2026-04-01"

// noTipoPendenza is testPendenza without idTipoPendenza.
func noTipoPendenza() pendenze.Pendenza {
	p := testPendenza()
	p.IDTipoPendenza = ""
	return p
}

// execDate is a dataEsecuzionePagamento GovPay accepts: a week from today.
func execDate() govpay.Date { return govpay.Today().AddDays(7) }

// TestStartBodyIsCartJSON checks, for each case, that json.Marshal(cart),
// Cart.MarshalJSON, startBody and the body Start sends are the golden bytes
// and agree with each other.
func TestStartBodyIsCartJSON(t *testing.T) {
	s := newPGServer(t)
	s.mux.HandleFunc("POST /pagamenti", func(w http.ResponseWriter, _ *http.Request) {
		pgJSON(w, http.StatusCreated, map[string]string{"id": "p1", "location": "/pagamenti/p1", "redirect": wispURL, "idSession": "s1"})
	})
	c := s.client(t)
	cases := bodyCases(t)
	require.Len(t, bodyGolden, len(cases))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			golden, ok := bodyGolden[tc.name]
			require.True(t, ok)
			golden.body = strings.Replace(golden.body, goldenExecDate, execDate().String(), 1)
			require.NoError(t, tc.cart.Validate())

			cj, err := json.Marshal(tc.cart)
			require.NoError(t, err)
			assert.Equal(t, golden.cart, string(cj), "json.Marshal(cart)")
			mj, err := tc.cart.MarshalJSON()
			require.NoError(t, err)
			assert.Equal(t, golden.cart, string(mj), "Cart.MarshalJSON")

			body, err := startBody(tc.cart, &tc.opts)
			require.NoError(t, err)
			assert.Equal(t, golden.body, string(body), "startBody")
			// The items are the cart's JSON, as the package doc promises.
			assert.True(t, strings.HasPrefix(string(body), strings.TrimSuffix(string(cj), "}")), "body starts with the cart")

			_, err = c.Start(context.Background(), tc.cart, tc.opts)
			require.NoError(t, err)
			_, sent := s.last(t)
			assert.Equal(t, golden.body, string(sent), "body sent by Start")
		})
	}
}

// TestStartBodyIsMarshal: startBody and Cart.MarshalJSON, which copy the
// items' wire forms instead of marshalling them as json.RawMessage values,
// give exactly json.Marshal's bytes of the same wire structs, for every
// body case and for every number of items with and without options.
func TestStartBodyIsMarshal(t *testing.T) {
	wires := func(c *Cart) []json.RawMessage {
		w := make([]json.RawMessage, len(c.items))
		for i := range c.items {
			w[i] = c.items[i].wire
		}
		return w
	}
	check := func(t *testing.T, cart *Cart, opts StartOptions) {
		t.Helper()
		require.NoError(t, cart.Validate())
		want, err := json.Marshal(nuovoPagamentoWire{Pendenze: wires(cart), pagamentoOptionsWire: pagamentoOptionsWire{
			URLRitorno: opts.URLRitorno, ContoAddebito: opts.ContoAddebito, DataEsecuzionePagamento: opts.DataEsecuzionePagamento,
			CredenzialiPagatore: opts.CredenzialiPagatore, SoggettoVersante: opts.SoggettoVersante,
			AutenticazioneSoggetto: opts.AutenticazioneSoggetto, Lingua: opts.Lingua,
		}})
		require.NoError(t, err)
		got, err := startBody(cart, &opts)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "startBody")
		wantCart, err := json.Marshal(struct {
			Pendenze []json.RawMessage `json:"pendenze"`
		}{wires(cart)})
		require.NoError(t, err)
		gotCart, err := cart.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, string(wantCart), string(gotCart), "Cart.MarshalJSON")
	}
	for _, tc := range bodyCases(t) {
		t.Run(tc.name, func(t *testing.T) { check(t, tc.cart, tc.opts) })
	}
	for n := 1; n <= MaxItems; n++ {
		cart := NewCart()
		for i := range n {
			cart.AddRiferimento("A2A-1", "P-"+strings.Repeat("x", i+1))
		}
		t.Run(fmt.Sprintf("%d items", n), func(t *testing.T) {
			check(t, cart, StartOptions{})
			check(t, cart, StartOptions{URLRitorno: "https://p.example/r?a=1&b=<2>", Lingua: LinguaInglese})
		})
	}
}

func TestStartBodyOptionsError(t *testing.T) {
	// A date json.Marshal refuses fails the encoding, as before.
	cart := NewCart().AddRiferimento("A2A-1", "P-1")
	opts := StartOptions{DataEsecuzionePagamento: govpay.NewDate(10000, 1, 1)}
	_, err := startBody(cart, &opts)
	require.ErrorIs(t, err, govpay.ErrDate)
}

func TestCartMarshalInvalid(t *testing.T) {
	_, err := json.Marshal(NewCart())
	require.Error(t, err)
	_, err = NewCart().AddRiferimento("", "P-1").MarshalJSON()
	assert.ErrorIs(t, err, govpay.ErrInvalid)
}

func TestIDMatchersAgreeWithPatterns(t *testing.T) {
	reID := regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,35}$`)
	inputs := []string{"", "a", "A-1_z", strings.Repeat("x", 35), strings.Repeat("x", 36), "a b", "a.b", "è", "a\n",
		"01234567890", "0123456789", "012345678901", "0123456789a", "０1234567890", "a/b", "A2A-1", "P%1", "\xff"}
	for _, s := range inputs {
		assert.Equal(t, reID.MatchString(s), isID(s), "isID(%q)", s)
		assert.Equal(t, reIDDominio.MatchString(s), isDominio(s), "isDominio(%q)", s)
	}
}

// TestStartURLRitornoPort refuses a urlRitorno whose port is not 1–65535,
// before anything is sent.
func TestStartURLRitornoPort(t *testing.T) {
	s := newPGServer(t)
	c := s.client(t)
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://host:99999/x", false},
		{"https://host:65536/x", false},
		{"https://host:0/x", false},
		{"https://host:00000/x", false},
		{"http://localhost:70000/r", false},
		{"https://host:123456789012345678901234567890/x", false},
		{"https://host:1/x", true},
		{"https://host:65535/x", true},
		{"https://host:8443/x?a=1", true},
		{"http://localhost:8080/r", true},
		{"https://host/x", true},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			err := StartOptions{URLRitorno: tc.url}.Validate()
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			vs := violations(t, err)
			require.Len(t, vs, 1)
			assert.Equal(t, "urlRitorno", vs[0].Field)
			assert.Contains(t, vs[0].Rule, "1 to 65535")

			a, err := c.Start(context.Background(), startCart(t), StartOptions{URLRitorno: tc.url})
			assert.Nil(t, a)
			assert.Equal(t, []string{"urlRitorno"}, fields(violations(t, err)))
		})
	}
	assert.Zero(t, s.count("POST /pagamenti"), "a refused urlRitorno must not reach the wire")
}
