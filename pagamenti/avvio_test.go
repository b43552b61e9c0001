package pagamenti_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pagamenti"
)

var update = flag.Bool("update", false, "rewrite the golden files of the pagamenti tests")

// goldenAvvii are one Avvio per way a payment starts, with every field set
// that the mode uses.
func goldenAvvii() []struct {
	Case  string          `json:"case"`
	Avvio pagamenti.Avvio `json:"avvio"`
} {
	items := []pagamenti.AvvioItem{
		{Kind: pagamenti.ItemPendenza, IDA2A: "PORTALE", IDPendenza: "P-42", IDDominio: dominio, NumeroAvviso: pendenzaNav,
			IDTipoPendenza: "MENSA", Importo: govpay.Centesimi(1999)},
		{Kind: pagamenti.ItemRiferimento, IDA2A: "GESTIONALE", IDPendenza: "REF-7"},
		{Kind: pagamenti.ItemAvviso, IDDominio: dominio, NumeroAvviso: nav3, Importo: govpay.Centesimi(29)},
		{Kind: pagamenti.ItemSpontaneo, IDDominio: dominio, IDTipoPendenza: "DONAZIONE"},
	}
	checkoutItems := []pagamenti.AvvioItem{
		{Kind: pagamenti.ItemAvviso, IDDominio: dominio, NumeroAvviso: nav3, Importo: govpay.Centesimi(29)},
		{Kind: pagamenti.ItemRiferimento, IDA2A: "GESTIONALE", IDPendenza: "REF-7", IDDominio: dominio, NumeroAvviso: navC,
			Importo: govpay.Centesimi(123456701)},
	}
	return []struct {
		Case  string          `json:"case"`
		Avvio pagamenti.Avvio `json:"avvio"`
	}{
		{"legacy", pagamenti.Avvio{Mode: pagamenti.ModeLegacy, ID: "f9866575e255", Location: "/pagamenti/f9866575e255",
			Redirect: "https://wisp.example.it/wallet?idSession=7f90", IDSession: "7f905970cfe94ee5", IDSessionePortale: "portale-0001", Items: items}},
		{"legacy-reconciled", pagamenti.Avvio{Mode: pagamenti.ModeLegacy, ID: "pay-77", Location: "/pagamenti/pay-77",
			IDSession: "psp-pay-77", IDSessionePortale: "sess-77", Reconciled: true, Stato: pagamenti.StatoInCorso, Items: items[1:2]}},
		{"checkout-bridge", pagamenti.Avvio{Mode: pagamenti.ModeCheckoutBridge, Location: checkoutPage, Redirect: checkoutPage,
			IDSessionePortale: "portale-0002", Items: items[2:3]}},
		{"checkout", pagamenti.Avvio{Mode: pagamenti.ModeCheckout, Location: checkoutPage, Redirect: checkoutPage, IDCart: "cart-0003",
			Items: checkoutItems}},
	}
}

// TestAvvioGolden pins the JSON form of an Avvio, byte for byte: a portal
// stores it, and the next SDK version must read it. Regenerate with
// go test ./pagamenti/ -run TestAvvioGolden -update (and say why in the
// commit: a change of this file is a change of a stored format).
func TestAvvioGolden(t *testing.T) {
	cases := goldenAvvii()
	got, err := json.MarshalIndent(cases, "", "  ")
	require.NoError(t, err)
	got = append(got, '\n')
	path := filepath.Join("testdata", "avvio.golden.json")
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run with -update to create it")
	assert.Equal(t, string(want), string(got), "the JSON form of Avvio changed")

	// The golden file decodes to the same values (the format is read back).
	var back []struct {
		Case  string          `json:"case"`
		Avvio pagamenti.Avvio `json:"avvio"`
	}
	require.NoError(t, json.Unmarshal(want, &back))
	require.Len(t, back, len(cases))
	modes := map[pagamenti.Mode]bool{}
	for i := range cases {
		assert.Equal(t, cases[i], back[i], cases[i].Case)
		modes[back[i].Avvio.Mode] = true
	}
	assert.Len(t, modes, 3, "one case per mode at least")
	assert.Contains(t, string(want), `"version": 1`)
	assert.Contains(t, string(want), `"importo": 1234567.01`, "amounts are exact decimals")
}

func TestAvvioRoundTrip(t *testing.T) {
	for _, c := range goldenAvvii() {
		t.Run(c.Case, func(t *testing.T) {
			require.NoError(t, c.Avvio.Validate())
			b, err := json.Marshal(c.Avvio)
			require.NoError(t, err)
			got, err := pagamenti.ParseAvvio(b)
			require.NoError(t, err)
			assert.Equal(t, c.Avvio, got)
			var viaJSON pagamenti.Avvio
			require.NoError(t, json.Unmarshal(b, &viaJSON))
			assert.Equal(t, c.Avvio, viaJSON)
			// A pointer marshals the same.
			b2, err := json.Marshal(&c.Avvio)
			require.NoError(t, err)
			assert.Equal(t, string(b), string(b2))
		})
	}
}

func TestAvvioDecodeToleratesUnknownFields(t *testing.T) {
	in := `{"version":1,"mode":"legacy","id":"P-1","futureField":{"x":[1,2]},"items":[{"kind":"avviso","idDominio":"` + dominio +
		`","numeroAvviso":"` + nav3 + `","importo":0.29,"newer":true}]}`
	a, err := pagamenti.ParseAvvio([]byte(in))
	require.NoError(t, err)
	assert.Equal(t, pagamenti.Avvio{Mode: pagamenti.ModeLegacy, ID: "P-1", Items: []pagamenti.AvvioItem{
		{Kind: pagamenti.ItemAvviso, IDDominio: dominio, NumeroAvviso: nav3, Importo: govpay.Centesimi(29)}}}, a)
	// GovPay's states are an open set: a state this SDK does not know is kept.
	a, err = pagamenti.ParseAvvio([]byte(`{"version":1,"mode":"legacy","id":"P-1","reconciled":true,"stato":"NUOVO_STATO"}`))
	require.NoError(t, err)
	assert.Equal(t, pagamenti.StatoPagamento("NUOVO_STATO"), a.Stato)
	// null leaves the value alone, as json.Unmarshal does.
	a = pagamenti.Avvio{Mode: pagamenti.ModeLegacy, ID: "kept"}
	require.NoError(t, json.Unmarshal([]byte(`null`), &a))
	assert.Equal(t, "kept", a.ID)
}

// TestAvvioDecodeRefuses: a truncated, tampered or foreign Avvio is a
// *govpay.ValidationError naming the field, never a zero or half Avvio.
func TestAvvioDecodeRefuses(t *testing.T) {
	valid, err := json.Marshal(goldenAvvii()[0].Avvio)
	require.NoError(t, err)
	set := func(field, value string) string { // replaces the value of "field" in valid
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(valid, &m))
		m[field] = json.RawMessage(value)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return string(b)
	}
	item := func(i int, field, value string) string {
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(valid, &m))
		var items []map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(m["items"], &items))
		items[i][field] = json.RawMessage(value)
		m["items"], _ = json.Marshal(items)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return string(b)
	}
	tests := []struct {
		name, in string
		want     []string
	}{
		{"truncated", string(valid[:len(valid)/2]), []string{""}},
		{"empty", "", []string{""}},
		{"not an object", `[1,2]`, []string{""}},
		{"no version", set("version", "null"), []string{"version"}},
		{"newer version", set("version", "2"), []string{"version"}},
		{"version as text", set("version", `"1"`), []string{"version"}},
		{"unknown mode", set("mode", `"carrier-pigeon"`), []string{"mode"}},
		{"no mode", set("mode", `""`), []string{"mode"}},
		{"legacy without id", set("id", `""`), []string{"id"}},
		{"control character in id", set("id", `"P\u0000"`), []string{"id"}},
		{"oversized idSessionePortale", set("idSessionePortale", `"`+strings.Repeat("x", pagamenti.MaxAvvioID+1)+`"`), []string{"idSessionePortale"}},
		{"redirect not a URL", set("redirect", `"javascript:alert(1)"`), []string{"redirect"}},
		{"unknown item kind", item(0, "kind", `"regalo"`), []string{"items[0].kind"}},
		{"tampered numero avviso", item(0, "numeroAvviso", `"302000000000000387"`), []string{"items[0].numeroAvviso"}},
		{"idDominio not 11 digits", item(2, "idDominio", `"0123"`), []string{"items[2].idDominio"}},
		{"negative amount", item(0, "importo", `-1.00`), []string{"items[0].importo"}},
		{"amount with 3 decimals", item(0, "importo", `1.001`), []string{"items[0].importo"}},
		{"reference without idPendenza", item(1, "idPendenza", `""`), []string{"items[1].idPendenza"}},
		{"avviso without numero", item(2, "numeroAvviso", `""`), []string{"items[2].numeroAvviso"}},
		{"too many items", set("items", `[`+strings.Repeat(`{"kind":"riferimento","idA2A":"A","idPendenza":"B"},`, 5)+`{"kind":"riferimento","idA2A":"A","idPendenza":"C"}]`), []string{"items"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := pagamenti.ParseAvvio([]byte(tt.in))
			require.Error(t, err)
			var ve *govpay.ValidationError
			require.True(t, errors.As(err, &ve), "%T %v", err, err)
			assert.Equal(t, "avvio", ve.What)
			assert.True(t, errors.Is(err, govpay.ErrInvalid))
			for _, f := range tt.want {
				assert.True(t, ve.Has(f), "want a violation of %q in %v", f, ve)
			}
			assert.Equal(t, pagamenti.Avvio{}, a)
			if len(tt.in) > 0 && json.Valid([]byte(tt.in)) {
				var b pagamenti.Avvio
				require.ErrorAs(t, json.Unmarshal([]byte(tt.in), &b), &ve, "json.Unmarshal gives the same typed error")
			}
		})
	}
}

// TestStartFillsAvvio: Client.Start and Checkout.Start record the cart's
// items and the ids, and what they return resolves after a JSON round trip.
func TestStartFillsAvvio(t *testing.T) {
	ctx := context.Background()
	fake := govpaytest.NewServer(govpaytest.WithDemoData())
	defer fake.Close()
	c := pagamenti.New(fake.Config(govpay.WithInsecureRedirect()))
	var ref govpaytest.Pendenza
	for _, p := range fake.Pendenze() {
		if p.Debitore == govpaytest.DemoCodiceFiscale && ref.IDPendenza == "" {
			ref = p
		}
	}
	require.NotEmpty(t, ref.IDPendenza)

	t.Run("Client.Start", func(t *testing.T) {
		cart := pagamenti.NewCart().AddRiferimento(ref.IDA2A, ref.IDPendenza).AddAvviso(govpaytest.DemoDominio, govpaytest.DemoNumeroAvvisoCartaceo)
		a, err := c.Start(ctx, cart, pagamenti.StartOptions{URLRitorno: "https://portale.example/r", IDSessionePortale: "sess-fill"})
		require.NoError(t, err)
		assert.Equal(t, "sess-fill", a.IDSessionePortale)
		assert.Equal(t, []pagamenti.AvvioItem{
			{Kind: pagamenti.ItemRiferimento, IDA2A: ref.IDA2A, IDPendenza: ref.IDPendenza},
			{Kind: pagamenti.ItemAvviso, IDDominio: govpaytest.DemoDominio, NumeroAvviso: govpaytest.DemoNumeroAvvisoCartaceo},
		}, a.Items)
		stored, err := json.Marshal(a)
		require.NoError(t, err)
		back, err := pagamenti.ParseAvvio(stored)
		require.NoError(t, err)
		assert.Equal(t, *a, back)
		o, err := pagamenti.NewResolver(c, nil).Resolve(ctx, pagamenti.Return{}, back)
		require.NoError(t, err)
		assert.Equal(t, pagamenti.OutcomePending, o.State, o.Reason)
		assert.Len(t, o.Items, 2)
	})

	t.Run("Checkout.Start", func(t *testing.T) {
		_, co := newCheckoutServer(t, 2)
		cart := pagamenti.NewCart().AddAvviso(dominio, nav3).AddPendenza("PORTALE", "P-42", fullPendenza(t, pendenzaNav, "19.99"))
		opts := pagamenti.CheckoutStartOptions{ReturnOK: returnOK, ReturnCancel: returnCancel, ReturnError: returnError, ReturnWaiting: returnWaiting,
			CompanyName: comune, IDCart: "cart-1",
			Completer: pagamenti.NoticeCompleterFunc(func(_ context.Context, _ pagamenti.Item, n *pagamenti.PaymentNotice) error {
				if n.Amount == 0 {
					n.Amount = govpay.Centesimi(29)
				}
				if n.Description == "" {
					n.Description = "Diritti"
				}
				return nil
			})}
		a, err := co.Start(ctx, cart, opts)
		require.NoError(t, err)
		assert.Equal(t, "cart-1", a.IDCart)
		assert.Equal(t, []pagamenti.AvvioItem{
			{Kind: pagamenti.ItemAvviso, IDDominio: dominio, NumeroAvviso: nav3, Importo: govpay.Centesimi(29)},
			{Kind: pagamenti.ItemPendenza, IDA2A: "PORTALE", IDPendenza: "P-42", IDDominio: dominio, NumeroAvviso: pendenzaNav,
				IDTipoPendenza: "MENSA", Importo: govpay.Centesimi(1999)},
		}, a.Items, "the notices sent to Checkout, amounts included")
		require.NoError(t, a.Validate())
	})
}

// FuzzParseAvvio: whatever a store gives back, ParseAvvio returns a valid
// Avvio or a *govpay.ValidationError, never panics, and what it accepts
// encodes back to the same Avvio.
func FuzzParseAvvio(f *testing.F) {
	for _, c := range goldenAvvii() {
		b, err := json.Marshal(c.Avvio)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte(`{"version":1,"mode":"checkout","items":[{"kind":"avviso","idDominio":"01234567890","numeroAvviso":"301234567890123416","importo":"0.29","x":1}]}`))
	f.Add([]byte(`{"version":2,"mode":"legacy","id":"P"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := pagamenti.ParseAvvio(data)
		if err != nil {
			var ve *govpay.ValidationError
			if !errors.As(err, &ve) || len(ve.Violations) == 0 || ve.What != "avvio" {
				t.Fatalf("error %T %v is not an avvio ValidationError", err, err)
			}
			if !assert.ObjectsAreEqual(pagamenti.Avvio{}, a) {
				t.Fatalf("non-zero Avvio %+v with error", a)
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("accepted an invalid Avvio: %v", err)
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		back, err := pagamenti.ParseAvvio(b)
		if err != nil {
			t.Fatalf("its own encoding %s is refused: %v", b, err)
		}
		if !assert.ObjectsAreEqual(a, back) {
			t.Fatalf("round trip changed %+v into %+v", a, back)
		}
	})
}
