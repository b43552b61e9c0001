package conformance

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/gen/pagamento"
	"github.com/govpaygo/govpay/internal/gen/pendenze"
)

// These tests need no upstream material. The generated packages hold
// clients and models only (no std-http servers: neither govpaytest nor
// notifica routes through one, issue #12), so they prove what the SDK
// relies on from them: the generated clients write our custom types into
// paths and queries in GovPay's form under a deep base path, and the
// generated models decode GovPay's answers with our types.

// TestGeneratedClientParameters: the generated API Pendenze client sends a
// govpay.DateTime query parameter in GovPay's form (its MarshalText), an
// enum as its value, and path values escaped, under the whole deep base
// path.
func TestGeneratedClientParameters(t *testing.T) {
	const base = "/govpay/backend/api/pendenze/rs/basic/v2"
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.EscapedPath()+"?"+r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	c, err := pendenze.NewClient(srv.URL + base)
	if err != nil {
		t.Fatal(err)
	}
	from, err := govpay.ParseDateTime("2026-03-01T10:30:00.022+0100")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	stato := pendenze.StatoPendenza("NON_ESEGUITA")
	dominio, no := "01234567890", false
	for _, send := range []func() (*http.Response, error){
		func() (*http.Response, error) {
			return c.ListPendenze(ctx, &pendenze.ListPendenzeParams{DataDa: &from, Stato: &stato, IDDominio: &dominio, MetadatiPaginazione: &no})
		},
		func() (*http.Response, error) { return c.ListRpp(ctx, &pendenze.ListRppParams{DataRTDa: &from}) },
		func() (*http.Response, error) { return c.GetRT(ctx, dominio, "RF23 567", "n/a") },
	} {
		resp, err := send()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	want := []string{
		"GET " + base + "/pendenze?dataDa=2026-03-01T10%3A30%3A00&idDominio=01234567890&stato=NON_ESEGUITA&metadatiPaginazione=false",
		"GET " + base + "/rpp?dataRtDa=2026-03-01T10%3A30%3A00",
		"GET " + base + "/rpp/01234567890/RF23%20567/n%2Fa/rt?",
	}
	if len(seen) != len(want) {
		t.Fatalf("server saw %q", seen)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("request %d\n got %s\nwant %s", i, seen[i], want[i])
		}
	}
}

// TestGeneratedModelDecoding: a generated model decodes GovPay's answer
// with our types (an exact Importo, a DateTime in GovPay's form) and keeps
// an enum value the spec does not list.
func TestGeneratedModelDecoding(t *testing.T) {
	var got pagamento.PagamentoIndex
	err := json.Unmarshal([]byte(`{"id":"abc","nome":"Pagamento","stato":"UNO_STATO_NUOVO","importo":105.01,
		"dataRichiestaPagamento":"2026-03-01T10:30:00.000+0100","pendenze":"/pendenze?idPagamento=abc","rpp":"/rpp?idPagamento=abc"}`), &got)
	if err != nil {
		t.Fatal(err)
	}
	if got.Importo == nil || *got.Importo != govpay.Centesimi(10501) {
		t.Errorf("importo = %v, want 105.01", got.Importo)
	}
	if got.Stato != "UNO_STATO_NUOVO" {
		t.Errorf("unknown enum value not kept: %q", got.Stato)
	}
	if got.DataRichiestaPagamento == nil || got.DataRichiestaPagamento.String() != "2026-03-01T10:30:00" {
		t.Errorf("dataRichiestaPagamento = %v", got.DataRichiestaPagamento)
	}
}

func TestCartItemShapes(t *testing.T) {
	var item pagamento.PendenzaCarrello
	if err := item.FromRiferimentoAvviso(pagamento.RiferimentoAvviso{IDDominio: "01234567890", NumeroAvviso: "301000000000012345"}); err != nil {
		t.Fatal(err)
	}
	body := pagamento.NuovoPagamento{Pendenze: []pagamento.PendenzaCarrello{item}}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"pendenze":[{"idDominio":"01234567890","numeroAvviso":"301000000000012345"}]}`
	if string(b) != want {
		t.Errorf("cart body\n got %s\nwant %s", b, want)
	}
}
