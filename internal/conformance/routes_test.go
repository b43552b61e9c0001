package conformance

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/gen/pagamento"
	"github.com/govpaygo/govpay/internal/gen/pendenze"
	"github.com/govpaygo/govpay/internal/gen/ragioneria"
)

// These tests need no upstream material: they prove that the generated
// std-http servers mount on a Go 1.22+ ServeMux (which panics on conflicting
// patterns, such as the two /pendenze/{a}/{b} routes of Pagamento v2) and
// that our custom types survive a client → server round trip.

// The embedded nil interfaces make the stubs satisfy ServerInterface; only
// the overridden methods may be called.
type pendenzeStub struct{ pendenze.ServerInterface }
type pagamentoStub struct {
	pagamento.ServerInterface
	t *testing.T
}
type ragioneriaStub struct{ ragioneria.ServerInterface }

func TestGeneratedServersMount(t *testing.T) {
	for name, mount := range map[string]func(*http.ServeMux){
		"pendenze": func(m *http.ServeMux) {
			pendenze.HandlerFromMuxWithBaseURL(pendenzeStub{}, m, "/govpay/backend/api/pendenze/rs/basic/v2")
		},
		"pagamento": func(m *http.ServeMux) {
			pagamento.HandlerFromMuxWithBaseURL(pagamentoStub{}, m, "/govpay/frontend/api/pagamento/rs/basic/v2")
		},
		"ragioneria": func(m *http.ServeMux) {
			ragioneria.HandlerFromMuxWithBaseURL(ragioneriaStub{}, m, "/govpay/backend/api/ragioneria/rs/basic/v3")
		},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("mounting the %s server panicked: %v", name, r)
				}
			}()
			mount(http.NewServeMux())
		})
	}
}

func (s pagamentoStub) ListPagamenti(w http.ResponseWriter, r *http.Request, p pagamento.ListPagamentiParams) {
	if p.DataDa == nil || p.DataDa.String() != "2026-03-01T10:30:00" {
		s.t.Errorf("dataDa bound as %v (raw query %q)", p.DataDa, r.URL.RawQuery)
	}
	if p.IDSessione == nil || *p.IDSessione != "sess-1" {
		s.t.Errorf("idSessione bound as %v", p.IDSessione)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"numRisultati":1,"numPagine":1,"risultatiPerPagina":25,"pagina":1,
		"risultati":[{"id":"abc","nome":"Pagamento","stato":"UNO_STATO_NUOVO","importo":105.01,
		"dataRichiestaPagamento":"2026-03-01T10:30:00.000+0100","pendenze":"/pendenze?idPagamento=abc","rpp":"/rpp?idPagamento=abc"}]}`)
}

func (s pagamentoStub) GetPendenza(w http.ResponseWriter, r *http.Request, a, b string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"idA2A":"`+a+`","idPendenza":"`+b+`","dominio":{"idDominio":"01234567890"},"stato":"NON_ESEGUITA","importo":10}`)
}

func (s pagamentoStub) CreatePendenzaSpontanea(w http.ResponseWriter, r *http.Request, a, b string, _ pagamento.CreatePendenzaSpontaneaParams) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, `{"idA2A":"A2A","idPendenza":"P1","dominio":{"idDominio":"`+a+`"},"stato":"NON_ESEGUITA","importo":1,"idTipoPendenza":"`+b+`","pdf":"JVBERi0="}`)
}

func TestPagamentoRoundTrip(t *testing.T) {
	const base = "/govpay/frontend/api/pagamento/rs/basic/v2"
	mux := http.NewServeMux()
	pagamento.HandlerFromMuxWithBaseURL(pagamentoStub{t: t}, mux, base)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	c, err := pagamento.NewClientWithResponses(srv.URL + base)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	from, err := govpay.ParseDateTime("2026-03-01T10:30:00")
	if err != nil {
		t.Fatal(err)
	}
	sess := "sess-1"
	list, err := c.ListPagamentiWithResponse(ctx, &pagamento.ListPagamentiParams{DataDa: &from, IDSessione: &sess})
	if err != nil {
		t.Fatal(err)
	}
	if list.JSON200 == nil || len(list.JSON200.Risultati) != 1 {
		t.Fatalf("status %d, body %s", list.StatusCode(), list.Body)
	}
	got := list.JSON200.Risultati[0]
	if got.Importo == nil || *got.Importo != govpay.Centesimi(10501) {
		t.Errorf("importo = %v, want 105.01", got.Importo)
	}
	if got.Stato != "UNO_STATO_NUOVO" {
		t.Errorf("unknown enum value not kept: %q", got.Stato)
	}
	if got.DataRichiestaPagamento == nil || got.DataRichiestaPagamento.IsZero() {
		t.Errorf("dataRichiestaPagamento not decoded")
	}

	// The two methods of the shared /pendenze/{…}/{…} path item route apart.
	g, err := c.GetPendenzaWithResponse(ctx, "A2A-1", "P-1")
	if err != nil {
		t.Fatal(err)
	}
	if g.JSON200 == nil || g.JSON200.IDA2A != "A2A-1" || g.JSON200.IDPendenza != "P-1" {
		t.Fatalf("GET pendenza: status %d, body %s", g.StatusCode(), g.Body)
	}
	p, err := c.CreatePendenzaSpontaneaWithResponse(ctx, "01234567890", "SEGRETERIA", nil, json.RawMessage(`{"numero":10}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.JSON201 == nil || p.JSON201.IDTipoPendenza == nil || *p.JSON201.IDTipoPendenza != "SEGRETERIA" || string(p.JSON201.PDF) != "%PDF-" {
		t.Fatalf("POST pendenza: status %d, body %s", p.StatusCode(), p.Body)
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
