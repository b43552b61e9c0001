package pagamenti_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

const pagamentoBase = "/govpay/frontend/api/pagamento/rs/basic/v2/"

// govpayFake serves API Pagamento v2 and API Ragioneria v3 under their deep
// base paths, from tables, and records what was asked.
type govpayFake struct {
	mu          *sync.Mutex       // set by newGovPayFake
	pagamenti   map[string]string // id or "session:"+idSession → Pagamento JSON
	posizione   map[string]string // idA2A/idPendenza → Debito JSON
	ricevute    map[string]string // idDominio/iuv → risultati JSON items
	ricevuteKO  bool              // answer 500 to GET /ricevute
	posizioneKO bool              // answer 500 to GET /pendenze
	asked       []string
}

func (f *govpayFake) record(s string) {
	f.mu.Lock()
	f.asked = append(f.asked, s)
	f.mu.Unlock()
}

func newGovPayFake(t *testing.T, f *govpayFake) (*pagamenti.Client, *ricevute.Client) {
	t.Helper()
	f.mu = &sync.Mutex{}
	pag := http.NewServeMux()
	pag.HandleFunc("GET /pagamenti/byIdSession/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.record("pagamento session:" + r.PathValue("id"))
		if b, ok := f.pagamenti["session:"+r.PathValue("id")]; ok {
			writeJSON(w, 200, b)
			return
		}
		faultBean(w, 404, "", "404000")
	})
	pag.HandleFunc("GET /pagamenti/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.record("pagamento " + r.PathValue("id"))
		if b, ok := f.pagamenti[r.PathValue("id")]; ok {
			writeJSON(w, 200, b)
			return
		}
		faultBean(w, 404, "", "404000")
	})
	pag.HandleFunc("GET /pendenze", func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Query().Get("idA2A") + "/" + r.URL.Query().Get("idPendenza")
		f.record("posizione " + key)
		if f.posizioneKO {
			faultBean(w, 500, "INTERNO", "500000")
			return
		}
		var items []string
		if b, ok := f.posizione[key]; ok {
			items = append(items, b)
		}
		writeJSON(w, 200, fmt.Sprintf(`{"numRisultati":%d,"numPagine":1,"risultatiPerPagina":25,"pagina":1,"risultati":[%s]}`, len(items), strings.Join(items, ",")))
	})
	rag := http.NewServeMux()
	rag.HandleFunc("GET /ricevute", func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Query().Get("idDominio") + "/" + r.URL.Query().Get("iuv")
		f.record("ricevute " + key)
		if f.ricevuteKO {
			faultBean(w, 500, "INTERNO", "500000")
			return
		}
		n := 0
		if f.ricevute[key] != "" {
			n = strings.Count(f.ricevute[key], `"idRicevuta"`)
		}
		writeJSON(w, 200, fmt.Sprintf(`{"numRisultati":%d,"numPagine":1,"risultatiPerPagina":25,"pagina":1,"risultati":[%s]}`, n, f.ricevute[key]))
	})
	outer := http.NewServeMux()
	outer.Handle(pagamentoBase, http.StripPrefix(strings.TrimSuffix(pagamentoBase, "/"), pag))
	outer.Handle(ragioneriaBase, http.StripPrefix(strings.TrimSuffix(ragioneriaBase, "/"), rag))
	srv := httptest.NewServer(outer)
	t.Cleanup(srv.Close)
	pc := pagamenti.New(testutil.Config(t, govpay.APIPagamento, srv.URL+pagamentoBase, govpay.WithBasicAuth("portale", "pw-portale"), testRetry))
	rc := ricevute.New(testutil.Config(t, govpay.APIRagioneria, srv.URL+ragioneriaBase, govpay.WithBasicAuth("portale", "pw-portale"), testRetry))
	return pc, rc
}

func pagamentoJSON(id, stato string, pendenze ...string) string {
	return fmt.Sprintf(`{"id":%q,"nome":"Pagamento","stato":%q,"importo":22.29,"idSessionePortale":"sess-1","dataRichiestaPagamento":"2024-05-06T10:00:00","pendenze":[%s]}`,
		id, stato, strings.Join(pendenze, ","))
}

func debitoJSON(idA2A, idPendenza, stato, numeroAvviso string) string {
	return fmt.Sprintf(`{"idA2A":%q,"idPendenza":%q,"dominio":{"idDominio":"01234567890","ragioneSociale":"Comune"},"stato":%q,"causale":"c","soggettoPagatore":{"tipo":"F","identificativo":"BNCLRA80A41H501X"},"importo":10.00,"numeroAvviso":%q}`,
		idA2A, idPendenza, stato, numeroAvviso)
}

func receipt(iuv, id, esito, data string) string {
	return fmt.Sprintf(`{"dominio":{"idDominio":"01234567890"},"iuv":%q,"idRicevuta":%q,"esito":%q,"data":%q}`, iuv, id, esito, data)
}

// The IUVs of the cart items below.
var (
	iuv3   = nav3IUV         // AddAvviso(dominio, nav3)
	iuvB   = navB[1:]        // AddAvviso(dominio, navB)
	iuvPen = pendenzaNav[1:] // the full pendenza's numeroAvviso
	iuvRef = navC[1:]        // the reference, found by Posizione
	avOK   = receipt(iuv3, "r3", "ESEGUITO", "2024-05-06T10:05:00")
	bOK    = receipt(iuvB, "rB", "ESEGUITO", "2024-05-06T10:05:01")
	penOK  = receipt(iuvPen, "rP", "ESEGUITO", "2024-05-06T10:05:02")
	refOK  = receipt(iuvRef, "rR", "ESEGUITO", "2024-05-06T10:05:03")
	bKO    = receipt(iuvB, "rB0", "NON_ESEGUITO", "2024-05-06T09:00:00")
	bPart  = receipt(iuvB, "rBp", "ESEGUITO_PARZIALE", "2024-05-06T10:06:00")
	avKO   = receipt(iuv3, "r30", "DECORRENZA", "2024-05-06T09:00:00")
	avRun  = receipt(iuv3, "r3r", "IN_CORSO", "2024-05-06T11:00:00")
)

func TestResolve(t *testing.T) {
	legacyCart := func(t *testing.T) *pagamenti.Cart {
		return pagamenti.NewCart().AddAvviso(dominio, nav3).AddPendenza("PORTALE", "P-42", fullPendenza(t, pendenzaNav, "19.99"))
	}
	checkoutCart := func(t *testing.T) *pagamenti.Cart {
		return pagamenti.NewCart().AddAvviso(dominio, nav3).AddAvviso(dominio, navB)
	}
	mixedCart := func(t *testing.T) *pagamenti.Cart {
		return pagamenti.NewCart().AddAvviso(dominio, nav3).AddPendenza("PORTALE", "P-42", fullPendenza(t, pendenzaNav, "19.99")).AddRiferimento("GESTIONALE", "REF-7")
	}
	legacy := pagamenti.Avvio{Mode: pagamenti.ModeLegacy, ID: "PAY-1", IDSession: "S-1", Redirect: "https://wisp.example/x"}
	bridge := pagamenti.Avvio{Mode: pagamenti.ModeCheckoutBridge, Redirect: checkoutPage}
	direct := pagamenti.Avvio{Mode: pagamenti.ModeCheckout, Redirect: checkoutPage}
	ok := pagamenti.Return{Esito: pagamenti.EsitoOK}
	posRef := map[string]string{"GESTIONALE/REF-7": debitoJSON("GESTIONALE", "REF-7", "NON_ESEGUITA", navC)}

	P, N, X, W := pagamenti.OutcomePaid, pagamenti.OutcomeNotPaid, pagamenti.OutcomePartial, pagamenti.OutcomePending
	tests := []struct {
		name      string
		ret       pagamenti.Return
		avvio     pagamenti.Avvio
		cart      func(t *testing.T) *pagamenti.Cart
		fake      govpayFake
		want      pagamenti.OutcomeState
		wantItems []pagamenti.OutcomeState
		wantAsked []string
	}{
		// Legacy: GovPay's state decides, whatever the esito says.
		{name: "legacy ESEGUITO", ret: pagamenti.Return{Esito: pagamenti.EsitoOK, IDPagamento: "PAY-1", IDSession: "S-1"}, avvio: legacy, cart: legacyCart,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "ESEGUITO")}}, want: P, wantItems: []pagamenti.OutcomeState{P, P}, wantAsked: []string{"pagamento PAY-1"}},
		{name: "legacy ESEGUITO despite esito ERROR", ret: pagamenti.Return{Esito: pagamenti.EsitoError}, avvio: legacy, cart: legacyCart,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "ESEGUITO")}}, want: P, wantItems: []pagamenti.OutcomeState{P, P}},
		{name: "legacy IN_CORSO despite esito OK", ret: ok, avvio: legacy, cart: legacyCart,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "IN_CORSO")}}, want: W, wantItems: []pagamenti.OutcomeState{W, W}},
		{name: "legacy NON_ESEGUITO", ret: pagamenti.Return{Esito: pagamenti.EsitoError}, avvio: legacy, cart: legacyCart,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "NON_ESEGUITO")}}, want: N, wantItems: []pagamenti.OutcomeState{N, N}},
		{name: "legacy ANNULLATO", ret: ok, avvio: legacy, cart: legacyCart,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "ANNULLATO")}}, want: N, wantItems: []pagamenti.OutcomeState{N, N}},
		{name: "legacy FALLITO", ret: ok, avvio: legacy, cart: legacyCart,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "FALLITO")}}, want: N, wantItems: []pagamenti.OutcomeState{N, N}},
		{name: "legacy DIFFERITO still IN_CORSO", ret: pagamenti.Return{Esito: pagamenti.EsitoDifferito}, avvio: legacy, cart: legacyCart,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "IN_CORSO")}}, want: W, wantItems: []pagamenti.OutcomeState{W, W}},
		{name: "legacy unknown state is pending", ret: ok, avvio: legacy, cart: legacyCart,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "IN_ATTESA_DI_NUOVO_STATO")}}, want: W, wantItems: []pagamenti.OutcomeState{W, W}},
		{name: "legacy ESEGUITO_PARZIALE says which debt", ret: ok, avvio: legacy, cart: legacyCart,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "ESEGUITO_PARZIALE",
				debitoJSON("PORTALE", "P-42", "NON_ESEGUITA", pendenzaNav), debitoJSON("X", "Y", "ESEGUITA", nav3))}},
			want: X, wantItems: []pagamenti.OutcomeState{P, N}},
		{name: "legacy without cart", ret: ok, avvio: legacy,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "ESEGUITO")}}, want: P},
		{name: "no avvio, legacy return by idSession", ret: pagamenti.Return{Esito: pagamenti.EsitoOK, IDSession: "S-9"},
			fake: govpayFake{pagamenti: map[string]string{"session:S-9": strings.Replace(pagamentoJSON("PAY-9", "ESEGUITO"), `"idSessionePortale"`, `"idSessionePsp":"S-9","idSessionePortale"`, 1)}}, want: P, wantAsked: []string{"pagamento session:S-9"}},
		{name: "legacy unknown esito, GovPay decides", ret: pagamenti.Return{Esito: "MAYBE"}, avvio: legacy, cart: legacyCart,
			fake: govpayFake{pagamenti: map[string]string{"PAY-1": pagamentoJSON("PAY-1", "IN_CORSO")}}, want: W, wantItems: []pagamenti.OutcomeState{W, W}},

		// Checkout modes: the receipts decide; esito only tells not paid from pending.
		{name: "bridge all receipts", ret: ok, avvio: bridge, cart: checkoutCart,
			fake: govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avOK, dominio + "/" + iuvB: bKO + "," + bOK}}, want: P, wantItems: []pagamenti.OutcomeState{P, P},
			wantAsked: []string{"ricevute " + dominio + "/" + iuv3, "ricevute " + dominio + "/" + iuvB}},
		{name: "bridge paid although esito ERROR", ret: pagamenti.Return{Esito: pagamenti.EsitoError}, avvio: bridge, cart: checkoutCart,
			fake: govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avOK, dominio + "/" + iuvB: bOK}}, want: P, wantItems: []pagamenti.OutcomeState{P, P}},
		{name: "bridge OK but no receipt yet", ret: ok, avvio: bridge, cart: checkoutCart, want: W, wantItems: []pagamenti.OutcomeState{W, W}},
		{name: "bridge CANCEL no receipt", ret: pagamenti.Return{Esito: pagamenti.EsitoCancel}, avvio: bridge, cart: checkoutCart, want: N, wantItems: []pagamenti.OutcomeState{W, W}},
		{name: "bridge ERROR no receipt", ret: pagamenti.Return{Esito: pagamenti.EsitoError}, avvio: bridge, cart: checkoutCart, want: N, wantItems: []pagamenti.OutcomeState{W, W}},
		{name: "bridge OK one receipt of two", ret: ok, avvio: bridge, cart: checkoutCart,
			fake: govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avOK}}, want: W, wantItems: []pagamenti.OutcomeState{P, W}},
		{name: "bridge ERROR one receipt of two", ret: pagamenti.Return{Esito: pagamenti.EsitoError}, avvio: bridge, cart: checkoutCart,
			fake: govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avOK}}, want: X, wantItems: []pagamenti.OutcomeState{P, W}},
		{name: "bridge negative receipts only", ret: ok, avvio: bridge, cart: checkoutCart,
			fake: govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avKO, dominio + "/" + iuvB: bKO}}, want: N, wantItems: []pagamenti.OutcomeState{N, N}},
		{name: "bridge one paid one negative", ret: ok, avvio: bridge, cart: checkoutCart,
			fake: govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avOK, dominio + "/" + iuvB: bKO}}, want: X, wantItems: []pagamenti.OutcomeState{P, N}},
		{name: "bridge partial receipt", ret: ok, avvio: bridge, cart: checkoutCart,
			fake: govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avOK, dominio + "/" + iuvB: bPart}}, want: X, wantItems: []pagamenti.OutcomeState{P, X}},
		{name: "bridge receipt in progress is no receipt", ret: ok, avvio: bridge, cart: checkoutCart,
			fake: govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avRun, dominio + "/" + iuvB: bOK}}, want: W, wantItems: []pagamenti.OutcomeState{W, P}},
		{name: "bridge newer positive after negative", ret: pagamenti.Return{Esito: pagamenti.EsitoError}, avvio: bridge, cart: checkoutCart,
			fake: govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avKO + "," + avOK, dominio + "/" + iuvB: bOK}}, want: P, wantItems: []pagamenti.OutcomeState{P, P}},
		{name: "direct checkout mixed cart", ret: ok, avvio: direct, cart: mixedCart,
			fake: govpayFake{posizione: posRef, ricevute: map[string]string{dominio + "/" + iuv3: avOK, dominio + "/" + iuvPen: penOK, dominio + "/" + iuvRef: refOK}},
			want: P, wantItems: []pagamenti.OutcomeState{P, P, P},
			wantAsked: []string{"posizione GESTIONALE/REF-7", "ricevute " + dominio + "/" + iuv3, "ricevute " + dominio + "/" + iuvPen, "ricevute " + dominio + "/" + iuvRef}},
		{name: "direct checkout waiting", ret: pagamenti.Return{}, avvio: direct, cart: mixedCart,
			fake: govpayFake{posizione: posRef, ricevute: map[string]string{dominio + "/" + iuv3: avOK}}, want: W, wantItems: []pagamenti.OutcomeState{P, W, W}},
		{name: "reference known by IUV only", ret: ok, avvio: bridge, cart: func(t *testing.T) *pagamenti.Cart { return pagamenti.NewCart().AddRiferimento("GESTIONALE", "REF-8") },
			fake: govpayFake{posizione: map[string]string{"GESTIONALE/REF-8": strings.Replace(debitoJSON("GESTIONALE", "REF-8", "NON_ESEGUITA", ""), `"numeroAvviso":""`, `"iuvAvviso":"RF23567483937849450550875"`, 1)},
				ricevute: map[string]string{dominio + "/" + rfIUV: receipt(rfIUV, "rf", "ESEGUITO", "2024-05-06T10:00:00")}},
			want: P, wantItems: []pagamenti.OutcomeState{P}},
		{name: "bridge unknown esito no receipt is pending", ret: pagamenti.Return{Esito: "MAYBE"}, avvio: bridge, cart: checkoutCart, want: W, wantItems: []pagamenti.OutcomeState{W, W}},
		{name: "direct unknown esito no receipt is pending", ret: pagamenti.Return{Esito: "MAYBE"}, avvio: direct, cart: checkoutCart, want: W, wantItems: []pagamenti.OutcomeState{W, W}},
		{name: "direct unknown esito one receipt of two is pending", ret: pagamenti.Return{Esito: "MAYBE"}, avvio: direct, cart: checkoutCart,
			fake: govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avOK}}, want: W, wantItems: []pagamenti.OutcomeState{P, W}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := tt.fake
			pc, rc := newGovPayFake(t, &fake)
			avvio := tt.avvio
			if tt.cart != nil {
				avvio = withItems(avvio, tt.cart(t))
			}
			if avvio.Mode != "" {
				// What a portal stores is the JSON: resolve what it reads back.
				b, err := json.Marshal(avvio)
				require.NoError(t, err)
				avvio, err = pagamenti.ParseAvvio(b)
				require.NoError(t, err)
			}
			o, err := pagamenti.NewResolver(pc, rc).Resolve(context.Background(), tt.ret, avvio)
			require.NoError(t, err)
			assert.Equal(t, tt.want, o.State, o.Reason)
			assert.NotEmpty(t, o.Reason)
			assert.Equal(t, tt.ret.Esito, o.Hint)
			var items []pagamenti.OutcomeState
			for i, it := range o.Items {
				assert.Equal(t, i, it.Index)
				items = append(items, it.State)
				if it.State == pagamenti.OutcomePaid && o.Mode != pagamenti.ModeLegacy {
					require.NotNil(t, it.Ricevuta)
					assert.True(t, it.Ricevuta.Paid())
					assert.Equal(t, it.IUV, it.Ricevuta.IUV)
				}
			}
			assert.Equal(t, tt.wantItems, items)
			if tt.wantAsked != nil {
				assert.Equal(t, tt.wantAsked, fake.asked)
			}
			if tt.avvio.Mode == pagamenti.ModeLegacy || tt.avvio.Mode == "" && tt.ret.IDSession != "" {
				assert.Equal(t, pagamenti.ModeLegacy, o.Mode)
				require.NotNil(t, o.Pagamento)
			} else {
				assert.Nil(t, o.Pagamento)
				for _, a := range fake.asked {
					assert.False(t, strings.HasPrefix(a, "pagamento "), "checkout modes have no GovPay payment to read: %s", a)
				}
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	legacy := pagamenti.Avvio{Mode: pagamenti.ModeLegacy, ID: "PAY-1"}
	bridge := pagamenti.Avvio{Mode: pagamenti.ModeCheckoutBridge}
	cart := pagamenti.NewCart().AddAvviso(dominio, nav3)
	tests := []struct {
		name       string
		ret        pagamenti.Return
		avvio      pagamenti.Avvio
		cart       *pagamenti.Cart
		fake       govpayFake
		noClients  bool
		check      func(t *testing.T, err error)
		wantNoCall bool
	}{
		{name: "return of another payment", ret: pagamenti.Return{Esito: pagamenti.EsitoOK, IDPagamento: "PAY-2"}, avvio: legacy, cart: cart, wantNoCall: true,
			check: func(t *testing.T, err error) { assert.Equal(t, []string{"idPagamento"}, violations(t, err)) }},
		{name: "legacy without id", avvio: pagamenti.Avvio{Mode: pagamenti.ModeLegacy}, cart: cart, wantNoCall: true,
			check: func(t *testing.T, err error) { assert.Equal(t, []string{"id"}, violations(t, err)) }},
		{name: "unknown mode", avvio: pagamenti.Avvio{Mode: "carrier-pigeon"}, cart: cart, wantNoCall: true,
			check: func(t *testing.T, err error) { assert.Equal(t, []string{"mode"}, violations(t, err)) }},
		{name: "no avvio, no legacy ids", ret: pagamenti.Return{Esito: pagamenti.EsitoCancel}, wantNoCall: true,
			check: func(t *testing.T, err error) { assert.Equal(t, []string{"mode"}, violations(t, err)) }},
		{name: "checkout avvio with a payment id", avvio: pagamenti.Avvio{Mode: pagamenti.ModeCheckout, ID: "PAY-1"}, cart: cart, wantNoCall: true,
			check: func(t *testing.T, err error) { assert.Equal(t, []string{"id"}, violations(t, err)) }},
		{name: "legacy payment not found", avvio: legacy, cart: cart,
			check: func(t *testing.T, err error) { require.ErrorIs(t, err, govpay.ErrNotFound) }},
		{name: "receipts server error", avvio: bridge, cart: cart, fake: govpayFake{ricevuteKO: true},
			check: func(t *testing.T, err error) { require.ErrorIs(t, err, govpay.ErrServer) }},
		{name: "checkout with invalid item", avvio: bridge, cart: pagamenti.NewCart().AddAvviso("1", nav3), wantNoCall: true,
			check: func(t *testing.T, err error) { assert.Equal(t, []string{"items[0].idDominio"}, violations(t, err)) }},
		{name: "checkout with no items", avvio: bridge, wantNoCall: true,
			check: func(t *testing.T, err error) { assert.Equal(t, []string{"items"}, violations(t, err)) }},
		{name: "spontaneous item has no notice", avvio: bridge, cart: pagamenti.NewCart().AddAvviso(dominio, nav3).AddSpontaneo(dominio, "DONAZIONE", nil), wantNoCall: true,
			check: func(t *testing.T, err error) { assert.Equal(t, []string{"items[1]"}, violations(t, err)) }},
		{name: "reference GovPay does not know", avvio: bridge, cart: pagamenti.NewCart().AddRiferimento("A", "B"),
			check: func(t *testing.T, err error) { assert.Equal(t, []string{"items[0]"}, violations(t, err)) }},
		{name: "reference lookup fails", avvio: bridge, cart: pagamenti.NewCart().AddRiferimento("A", "B"), fake: govpayFake{posizioneKO: true},
			check: func(t *testing.T, err error) { require.ErrorIs(t, err, govpay.ErrServer) }},
		{name: "legacy without pagamenti client", avvio: legacy, cart: cart, noClients: true, wantNoCall: true,
			check: func(t *testing.T, err error) { require.ErrorIs(t, err, pagamenti.ErrResolverClient) }},
		{name: "checkout without ricevute client", avvio: bridge, cart: cart, noClients: true, wantNoCall: true,
			check: func(t *testing.T, err error) { require.ErrorIs(t, err, pagamenti.ErrResolverClient) }},
		{name: "reference without pagamenti client", avvio: bridge, cart: pagamenti.NewCart().AddRiferimento("A", "B"), noClients: true, wantNoCall: true,
			check: func(t *testing.T, err error) { require.ErrorIs(t, err, pagamenti.ErrResolverClient) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := tt.fake
			pc, rc := newGovPayFake(t, &fake)
			r := pagamenti.NewResolver(pc, rc)
			if tt.noClients {
				r = pagamenti.NewResolver(nil, nil)
			}
			avvio := tt.avvio
			if tt.cart != nil {
				avvio = withItems(avvio, tt.cart)
			}
			o, err := r.Resolve(context.Background(), tt.ret, avvio)
			require.Error(t, err)
			assert.Nil(t, o)
			tt.check(t, err)
			if tt.wantNoCall {
				assert.Empty(t, fake.asked)
			}
		})
	}

	t.Run("context cancelled", func(t *testing.T) {
		fake := govpayFake{}
		pc, rc := newGovPayFake(t, &fake)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := pagamenti.NewResolver(pc, rc).Resolve(ctx, pagamenti.Return{}, withItems(bridge, cart))
		require.ErrorIs(t, err, context.Canceled)
		_, err = pagamenti.NewResolver(pc, rc).Resolve(ctx, pagamenti.Return{}, withItems(legacy, cart))
		require.ErrorIs(t, err, context.Canceled)
	})
}

func TestResolveNotices(t *testing.T) {
	fake := govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: avOK, dominio + "/" + nav0IUV: receipt(nav0IUV, "r0", "ESEGUITO", "2024-05-06T10:00:00")}}
	pc, rc := newGovPayFake(t, &fake)
	r := pagamenti.NewResolver(pc, rc)
	notices := []pagamenti.PaymentNotice{
		{NoticeNumber: nav3, FiscalCode: dominio, Amount: 29, CompanyName: "C", Description: "D"},
		{NoticeNumber: nav0, FiscalCode: dominio, Amount: 230, CompanyName: "C", Description: "D"},
	}
	o, err := r.ResolveNotices(context.Background(), pagamenti.Return{Esito: pagamenti.EsitoOK}, notices)
	require.NoError(t, err)
	assert.Equal(t, pagamenti.OutcomePaid, o.State)
	require.Len(t, o.Items, 2)
	assert.Equal(t, nav0IUV, o.Items[1].IUV, "aux digit 0: the IUV drops three digits")
	assert.Equal(t, []string{"ricevute " + dominio + "/" + iuv3, "ricevute " + dominio + "/" + nav0IUV}, fake.asked)

	_, err = r.ResolveNotices(context.Background(), pagamenti.Return{}, []pagamenti.PaymentNotice{{NoticeNumber: "12", FiscalCode: "x"}})
	assert.Equal(t, []string{"paymentNotices[0].fiscalCode", "paymentNotices[0].noticeNumber"}, violations(t, err))
	_, err = r.ResolveNotices(context.Background(), pagamenti.Return{}, nil)
	assert.Equal(t, []string{"paymentNotices"}, violations(t, err))
	assert.True(t, errors.Is(err, govpay.ErrInvalid))
}

// withItems returns a with the items of cart, as Start records them: what a
// portal stores and reads back. An item the cart could not read (an invalid
// notice number) keeps the text it was given.
func withItems(a pagamenti.Avvio, cart *pagamenti.Cart) pagamenti.Avvio {
	a.Items = nil
	for _, it := range cart.Items() {
		x := pagamenti.AvvioItem{Kind: it.Kind, IDA2A: it.IDA2A, IDPendenza: it.IDPendenza, IDDominio: it.IDDominio,
			IDTipoPendenza: it.IDTipoPendenza, Importo: it.Importo}
		if !it.NumeroAvviso.IsZero() {
			x.NumeroAvviso = it.NumeroAvviso.String()
		}
		a.Items = append(a.Items, x)
	}
	return a
}

// TestOpenEnumsDecode: GovPay's and pagoPA's value sets are open. Decoding
// a value this SDK does not know never fails: it is kept as received, and
// the outcome treats it as not known yet.
func TestOpenEnumsDecode(t *testing.T) {
	t.Run("Pagamento", func(t *testing.T) {
		in := strings.Replace(pagamentoJSON("PAY-1", "NUOVO_STATO", debitoJSON("A", "B", "NUOVA_PENDENZA", nav3)),
			`"nome":"Pagamento"`, `"nome":"Pagamento","autenticazioneSoggetto":"SPID2","lingua":"es"`, 1)
		var p pagamenti.Pagamento
		require.NoError(t, json.Unmarshal([]byte(in), &p))
		assert.Equal(t, pagamenti.StatoPagamento("NUOVO_STATO"), p.Stato)
		assert.False(t, p.Stato.Terminal())
		assert.Equal(t, pagamenti.AutenticazioneSoggetto("SPID2"), p.AutenticazioneSoggetto)
		assert.Equal(t, pagamenti.Lingua("es"), p.Lingua)
		require.Len(t, p.Pendenze, 1)
		assert.Equal(t, pendenze.StatoPendenza("NUOVA_PENDENZA"), p.Pendenze[0].Stato)
	})
	t.Run("Sintesi", func(t *testing.T) {
		var s pagamenti.Sintesi
		require.NoError(t, json.Unmarshal([]byte(`{"id":"P","stato":"NUOVO_STATO","lingua":"xx","autenticazioneSoggetto":"ZZZ"}`), &s))
		assert.Equal(t, pagamenti.StatoPagamento("NUOVO_STATO"), s.Stato)
	})
	t.Run("Debito", func(t *testing.T) {
		var d pendenze.Sintesi
		in := strings.Replace(debitoJSON("A", "B", "NUOVA_PENDENZA", nav3), `"tipo":"F"`, `"tipo":"Z"`, 1)
		require.NoError(t, json.Unmarshal([]byte(in), &d))
		assert.Equal(t, pendenze.StatoPendenza("NUOVA_PENDENZA"), d.Stato)
		assert.EqualValues(t, "Z", d.SoggettoPagatore.Tipo, "a payer type this SDK does not know")
	})
	t.Run("Ricevuta", func(t *testing.T) {
		var r ricevute.Ricevuta
		require.NoError(t, json.Unmarshal([]byte(receipt(iuv3, "r1", "NUOVO_ESITO", "2024-05-06T10:05:00")), &r))
		assert.EqualValues(t, "NUOVO_ESITO", r.Esito)
		assert.False(t, r.Paid())
	})
	t.Run("Avvio stato", func(t *testing.T) {
		a, err := pagamenti.ParseAvvio([]byte(`{"version":1,"mode":"legacy","id":"P","reconciled":true,"stato":"NUOVO_STATO"}`))
		require.NoError(t, err)
		assert.Equal(t, pagamenti.StatoPagamento("NUOVO_STATO"), a.Stato)
	})
	t.Run("unknown receipt esito resolves as pending", func(t *testing.T) {
		fake := govpayFake{ricevute: map[string]string{dominio + "/" + iuv3: receipt(iuv3, "r1", "NUOVO_ESITO", "2024-05-06T10:05:00")}}
		pc, rc := newGovPayFake(t, &fake)
		a := withItems(pagamenti.Avvio{Mode: pagamenti.ModeCheckout}, pagamenti.NewCart().AddAvviso(dominio, nav3))
		o, err := pagamenti.NewResolver(pc, rc).Resolve(context.Background(), pagamenti.Return{Esito: "MAYBE"}, a)
		require.NoError(t, err)
		assert.Equal(t, pagamenti.OutcomePending, o.State, o.Reason)
		assert.Contains(t, o.Reason, "MAYBE")
	})
}
