package pagamenti

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

const (
	testDominio = "01234567890"
)

// validNAV returns a numero avviso with valid check digits built from base.
func validNAV(t testing.TB, base uint64) string {
	t.Helper()
	n, err := avvisi.NewNumeroAvviso3(1, base)
	require.NoError(t, err)
	return n.String()
}

func testPendenza() pendenze.Pendenza {
	return pendenze.Pendenza{
		IDTipoPendenza: "SEGRETERIA",
		IDDominio:      testDominio,
		Causale:        "Pagamento spontaneo n. P-1",
		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I",
			Anagrafica: "Mario Rossi", Email: "mario.rossi@email.agid.gov.it", Cellulare: "+39 000-0000000"},
		Importo:          govpay.Centesimi(11599),
		TassonomiaAvviso: pendenze.TassonomiaServiziComune,
		Voci: []pendenze.Voce{
			pendenze.VoceEntrata("1", govpay.Centesimi(9999), "Diritti e segreteria", pendenze.Entrata{CodEntrata: "SEGRETERIA"}),
			pendenze.VoceBollo("2", govpay.Euro(16), "Marca da bollo", pendenze.Bollo{HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RO"}),
		},
	}
}

func violations(t *testing.T, err error) []govpay.Violation {
	t.Helper()
	var verr *govpay.ValidationError
	require.True(t, errors.As(err, &verr), "want a *govpay.ValidationError, got %v", err)
	assert.ErrorIs(t, err, govpay.ErrInvalid)
	return verr.Violations
}

func fields(vs []govpay.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Field
	}
	return out
}

func TestCartWireShapes(t *testing.T) {
	nav := validNAV(t, 42)
	c := NewCart().
		AddRiferimento("A2A-1", "P-1").
		AddAvviso(testDominio, nav).
		AddPendenza("A2A-1", "P-2", testPendenza()).
		AddSpontaneo(testDominio, "CERT_ANAG", map[string]any{"numero": 10})
	require.NoError(t, c.Validate())
	require.Equal(t, 4, c.Len())

	b, err := json.Marshal(c)
	require.NoError(t, err)
	want := `{"pendenze":[
		{"idA2A":"A2A-1","idPendenza":"P-1"},
		{"idDominio":"01234567890","numeroAvviso":"` + nav + `"},
		{"idA2A":"A2A-1","idPendenza":"P-2","idTipoPendenza":"SEGRETERIA","idDominio":"01234567890",
		 "causale":"Pagamento spontaneo n. P-1",
		 "soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA30A01H501I","anagrafica":"Mario Rossi",
		   "email":"mario.rossi@email.agid.gov.it","cellulare":"+39 000-0000000"},
		 "importo":115.99,"tassonomiaAvviso":"Servizi erogati dal comune",
		 "voci":[
		   {"idVocePendenza":"1","importo":99.99,"descrizione":"Diritti e segreteria","codEntrata":"SEGRETERIA"},
		   {"idVocePendenza":"2","importo":16.00,"descrizione":"Marca da bollo","tipoBollo":"Imposta di bollo",
		    "hashDocumento":"a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=","provinciaResidenza":"RO"}]},
		{"idDominio":"01234567890","idTipoPendenza":"CERT_ANAG","dati":{"numero":10}}]}`
	assert.JSONEq(t, want, string(b))
	// Amounts are exact decimals on the wire, never floats.
	assert.Contains(t, string(b), `"importo":16.00`)
	assert.Contains(t, string(b), `"importo":115.99`)
}

func TestCartItems(t *testing.T) {
	nav := validNAV(t, 7)
	p := testPendenza()
	p.NumeroAvviso = validNAV(t, 8)
	c := NewCart().AddPendenza("A2A", "P1", p).AddAvviso(testDominio, nav).AddRiferimento("A2A", "P2").
		AddSpontaneo(testDominio, "T1", json.RawMessage(`{ "a" : 1 }`))
	items := c.Items()
	require.Len(t, items, 4)

	assert.Equal(t, ItemPendenza, items[0].Kind)
	assert.Equal(t, "A2A", items[0].IDA2A)
	assert.Equal(t, "P1", items[0].IDPendenza)
	assert.Equal(t, testDominio, items[0].IDDominio)
	assert.Equal(t, p.NumeroAvviso, items[0].NumeroAvviso.String())
	assert.Equal(t, "SEGRETERIA", items[0].IDTipoPendenza)
	assert.Equal(t, govpay.Centesimi(11599), items[0].Importo)
	require.NotNil(t, items[0].Pendenza)
	assert.Equal(t, p.Causale, items[0].Pendenza.Causale)

	assert.Equal(t, ItemAvviso, items[1].Kind)
	assert.Equal(t, nav, items[1].NumeroAvviso.String())
	assert.Equal(t, testDominio, items[1].IDDominio)
	assert.Zero(t, items[1].Importo)
	assert.Nil(t, items[1].Pendenza)

	assert.Equal(t, ItemRiferimento, items[2].Kind)
	assert.True(t, items[2].NumeroAvviso.IsZero())

	assert.Equal(t, ItemSpontaneo, items[3].Kind)
	assert.Equal(t, "T1", items[3].IDTipoPendenza)
	assert.JSONEq(t, `{"a":1}`, string(items[3].Dati))

	// The view is a copy.
	items[0].Pendenza.Causale = "changed"
	items[0].Pendenza.Voci[0].Descrizione = "changed"
	items[3].Dati[0] = '['
	again := c.Items()
	assert.Equal(t, p.Causale, again[0].Pendenza.Causale)
	assert.Equal(t, "Diritti e segreteria", again[0].Pendenza.Voci[0].Descrizione)
	assert.JSONEq(t, `{"a":1}`, string(again[3].Dati))

	// Changing the caller's pendenza after adding it does not change the cart.
	p.Voci[0].Descrizione = "changed later"
	assert.Equal(t, "Diritti e segreteria", c.Items()[0].Pendenza.Voci[0].Descrizione)

	assert.Equal(t, "pendenza", ItemPendenza.String())
	assert.Equal(t, "spontaneo", ItemSpontaneo.String())
	assert.Equal(t, "ItemKind(9)", ItemKind(9).String())
}

func TestCartQRCode(t *testing.T) {
	nav := validNAV(t, 99)
	c := NewCart().AddQRCode("PAGOPA|002|" + nav + "|" + testDominio + "|1999")
	require.NoError(t, c.Validate())
	it := c.Items()[0]
	assert.Equal(t, ItemAvviso, it.Kind)
	assert.Equal(t, nav, it.NumeroAvviso.String())
	assert.Equal(t, testDominio, it.IDDominio)
	assert.Equal(t, govpay.Centesimi(1999), it.Importo)
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, `{"pendenze":[{"idDominio":"01234567890","numeroAvviso":"`+nav+`"}]}`, string(b))

	// The same notice added by hand is a duplicate.
	c.AddAvviso(testDominio, nav)
	assert.Equal(t, []string{"pendenze[1]"}, fields(violations(t, c.Validate())))

	bad := NewCart().AddQRCode("PAGOPA|002|123|" + testDominio + "|1999")
	assert.Equal(t, []string{"pendenze[0].qrCode"}, fields(violations(t, bad.Validate())))
}

func TestCartValidation(t *testing.T) {
	nav := validNAV(t, 5)
	badPendenza := testPendenza()
	badPendenza.Voci[0].Importo = govpay.Centesimi(1) // sum no longer matches
	noTipo := testPendenza()
	noTipo.IDTipoPendenza = ""
	withDocumento := testPendenza()
	withDocumento.Documento = &pendenze.Documento{Identificativo: "D1", Descrizione: "Rate", Rata: 1}
	withDocumento.DataPromemoriaScadenza = govpay.NewDate(2026, 1, 1)
	withDocumento.DataNotificaAvviso = govpay.NewDate(2026, 1, 1)
	dupNAV := testPendenza()
	dupNAV.NumeroAvviso = nav
	// No bollo: GovPay refuses a numeroAvviso on several voci one of which
	// is a marca da bollo (VER_031).
	dupNAV.Voci = dupNAV.Voci[:1]
	dupNAV.Importo = dupNAV.Voci[0].Importo

	tests := []struct {
		name string
		cart *Cart
		want []string
	}{
		{"empty cart", NewCart(), []string{"pendenze"}},
		{"nil cart", nil, []string{"pendenze"}},
		{"bad ids of a reference", NewCart().AddRiferimento("", "has space"),
			[]string{"pendenze[0].idA2A", "pendenze[0].idPendenza"}},
		{"id too long", NewCart().AddRiferimento("A2A", "0123456789012345678901234567890123456"),
			[]string{"pendenze[0].idPendenza"}},
		{"bad avviso", NewCart().AddAvviso("123", "301000000000012399"),
			[]string{"pendenze[0].idDominio", "pendenze[0].numeroAvviso"}},
		{"avviso missing", NewCart().AddAvviso("", ""),
			[]string{"pendenze[0].idDominio", "pendenze[0].numeroAvviso"}},
		{"index of the bad item", NewCart().AddRiferimento("A", "1").AddRiferimento("A", "2").AddAvviso(testDominio, "1"),
			[]string{"pendenze[2].numeroAvviso"}},
		{"pendenza rules of pendenze.Validate", NewCart().AddPendenza("A", "P", badPendenza),
			[]string{"pendenze[0].importo"}},
		{"idTipoPendenza optional on API Pagamento (NuovaPendenza.java:709)", NewCart().AddPendenza("A", "P", noTipo), nil},
		{"API Pendenze only fields", NewCart().AddPendenza("A", "P", withDocumento),
			[]string{"pendenze[0].documento", "pendenze[0].dataNotificaAvviso", "pendenze[0].dataPromemoriaScadenza"}},
		{"duplicate reference", NewCart().AddRiferimento("A", "1").AddRiferimento("A", "1"),
			[]string{"pendenze[1]"}},
		{"reference duplicating a full pendenza", NewCart().AddPendenza("A", "1", testPendenza()).AddRiferimento("A", "1"),
			[]string{"pendenze[1]"}},
		{"duplicate avviso", NewCart().AddAvviso(testDominio, nav).AddAvviso(testDominio, nav),
			[]string{"pendenze[1]"}},
		{"same notice number of another creditor is fine", NewCart().AddAvviso(testDominio, nav).AddAvviso("01234567891", nav), nil},
		{"pendenza carrying a notice already in the cart", NewCart().AddAvviso(testDominio, nav).AddPendenza("A", "1", dupNAV),
			[]string{"pendenze[1].numeroAvviso"}},
		{"avviso of a pendenza already in the cart", NewCart().AddPendenza("A", "1", dupNAV).AddAvviso(testDominio, nav),
			[]string{"pendenze[1].numeroAvviso"}},
		{"duplicate spontaneo", NewCart().AddSpontaneo(testDominio, "T", map[string]int{"n": 1}).AddSpontaneo(testDominio, "T", json.RawMessage(`{"n": 1}`)),
			[]string{"pendenze[1]"}},
		{"same spontaneo type with other data", NewCart().AddSpontaneo(testDominio, "T", map[string]int{"n": 1}).AddSpontaneo(testDominio, "T", map[string]int{"n": 2}), nil},
		{"spontaneo with empty data", NewCart().AddSpontaneo(testDominio, "T.1", map[string]any{}), nil},
		{"spontaneo without data (NuovaPendenza.java:680)", NewCart().AddSpontaneo(testDominio, "T.1", nil), []string{"pendenze[0].dati"}},
		{"spontaneo with JSON null data", NewCart().AddSpontaneo(testDominio, "T.1", json.RawMessage("null")), []string{"pendenze[0].dati"}},
		{"spontaneo rules", NewCart().AddSpontaneo("", "a b", []int{1}),
			[]string{"pendenze[0].idDominio", "pendenze[0].idTipoPendenza", "pendenze[0].dati"}},
		{"spontaneo data that does not marshal", NewCart().AddSpontaneo(testDominio, "T", map[string]any{"f": func() {}}),
			[]string{"pendenze[0].dati"}},
		{"five items are fine", fiveItems(t), nil},
		{"six items are not", fiveItems(t).AddRiferimento("A", "6"), []string{"pendenze[5]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cart.Validate()
			if tc.want == nil {
				require.NoError(t, err)
				_, err := json.Marshal(tc.cart)
				require.NoError(t, err)
				return
			}
			assert.Equal(t, tc.want, fields(violations(t, err)))
			if tc.cart != nil {
				_, merr := json.Marshal(tc.cart)
				require.Error(t, merr, "an invalid cart must not marshal")
				assert.ErrorIs(t, merr, govpay.ErrInvalid)
			}
		})
	}
}

func fiveItems(t *testing.T) *Cart {
	c := NewCart()
	for i := 1; i <= 5; i++ {
		c.AddRiferimento("A", fmt.Sprint(i))
	}
	return c
}

func TestCartBolloPointerKinds(t *testing.T) {
	p := testPendenza()
	p.Voci[0].Kind = &pendenze.Entrata{CodEntrata: "SEGRETERIA"}
	p.Voci[1].Kind = &pendenze.Bollo{HashDocumento: "h", ProvinciaResidenza: "RM"} // empty tipoBollo
	c := NewCart().AddPendenza("A", "P", p)
	require.NoError(t, c.Validate())
	b, err := json.Marshal(c)
	require.NoError(t, err)
	var got struct {
		Pendenze []struct {
			Voci []map[string]any `json:"voci"`
		} `json:"pendenze"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, "SEGRETERIA", got.Pendenze[0].Voci[0]["codEntrata"])
	assert.Equal(t, "Imposta di bollo", got.Pendenze[0].Voci[1]["tipoBollo"])
	assert.NotContains(t, got.Pendenze[0].Voci[1], "codEntrata")
}

func TestCartVoceKinds(t *testing.T) {
	p := testPendenza()
	p.Importo = govpay.Euro(30)
	p.Voci = []pendenze.Voce{
		{IDVocePendenza: "1", Importo: govpay.Euro(10), Descrizione: "IBAN", IDDominio: testDominio,
			Kind: &pendenze.Accredito{IBANAccredito: "IT60X0542811101000000123456", IBANAppoggio: "IT60X0542811101000000123457",
				TipoContabilita: pendenze.ContabilitaSIOPE, CodiceContabilita: "9/0101"}},
		{IDVocePendenza: "2", Importo: govpay.Euro(10), Descrizione: "Entrata", DescrizioneCausaleRPT: "Causale",
			Metadata:     &pendenze.Metadata{MapEntries: []pendenze.MapEntry{{Key: "k", Value: "v"}}},
			DatiAllegati: json.RawMessage(`{"x":1}`), Kind: pendenze.Entrata{CodEntrata: "E1"}},
		{IDVocePendenza: "3", Importo: govpay.Euro(10), Descrizione: "Bollo",
			Kind: pendenze.Bollo{TipoBollo: ricevute.BolloImpostaDiBollo, HashDocumento: "h", ProvinciaResidenza: "RM"}},
	}
	b, err := json.Marshal(NewCart().AddPendenza("A", "P", p))
	require.NoError(t, err)
	var got struct {
		Pendenze []struct {
			Voci []json.RawMessage `json:"voci"`
		} `json:"pendenze"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	voci := got.Pendenze[0].Voci
	assert.JSONEq(t, `{"idVocePendenza":"1","importo":10.00,"descrizione":"IBAN","idDominio":"01234567890",
		"ibanAccredito":"IT60X0542811101000000123456","ibanAppoggio":"IT60X0542811101000000123457",
		"tipoContabilita":"SIOPE","codiceContabilita":"9/0101"}`, string(voci[0]))
	assert.JSONEq(t, `{"idVocePendenza":"2","importo":10.00,"descrizione":"Entrata","descrizioneCausaleRPT":"Causale",
		"metadata":{"mapEntries":[{"key":"k","value":"v"}]},"datiAllegati":{"x":1},"codEntrata":"E1"}`, string(voci[1]))
	assert.JSONEq(t, `{"idVocePendenza":"3","importo":10.00,"descrizione":"Bollo","tipoBollo":"Imposta di bollo",
		"hashDocumento":"h","provinciaResidenza":"RM"}`, string(voci[2]))

	// A voce without a kind is refused when added.
	p.Voci[0].Kind = nil
	err = NewCart().AddPendenza("A", "P", p).Validate()
	assert.Contains(t, fields(violations(t, err)), "pendenze[0].voci[0].kind")
}

// TestCartWireOptionalFields: idTipoPendenza and soggettoPagatore are
// optional in API Pagamento v2's full pendenza (NuovaPendenza.java:709,
// :713-714): when unset they are left out of the wire, never sent empty
// (GovPay would check "" against the idTipoPendenza pattern).
func TestCartWireOptionalFields(t *testing.T) {
	p := testPendenza()
	p.IDTipoPendenza = ""
	p.SoggettoPagatore = govpay.Soggetto{}
	w, err := pendenzaWire("A2A", "P-1", &p)
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(w, &m))
	assert.NotContains(t, m, "idTipoPendenza")
	assert.NotContains(t, m, "soggettoPagatore")
	assert.Contains(t, m, "idDominio")
}
