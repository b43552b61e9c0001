package proof

// The hostile-lists catalogue: one table of answers from a server that does
// not do what was asked of it, for every list and every single read whose
// identity the SDK checks. Each row names its attack family and the property
// it protects (DESIGN.md §5 "Never trust a server-side filter"): the call
// must end with a *govpay.DecodeError naming what is wrong, yield nothing of
// the page at fault (only the items of earlier, valid pages), and read no
// more pages than the row allows.
//
//	go test -race -run TestHostileLists ./internal/proof/

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// listClients are the clients under test, all pointed at one server.
type listClients struct {
	pendenze  *pendenze.Client
	pagamenti *pagamenti.Client
	ricevute  *ricevute.Client
}

// Items the hostile server serves: each matches the filters the rows ask
// for (okDominio, okCF, "A2A-1", "sess-1") unless a row changes a field.
var (
	listPendenza = map[string]any{"idA2A": "A2A-1", "idPendenza": "P-1", "dominio": map[string]any{"idDominio": okDominio},
		"stato": "NON_ESEGUITA", "soggettoPagatore": map[string]any{"tipo": "F", "identificativo": okCF}, "importo": 10,
		"numeroAvviso": okNumero}
	listRPP       = map[string]any{"stato": "RT_ACCETTATA_PA", "pendenza": listPendenza}
	listPagamento = map[string]any{"id": "pay-1", "stato": "IN_CORSO", "importo": 10, "idSessionePortale": "sess-1", "idSessionePsp": "psp-1"}
	listRicevuta  = map[string]any{"dominio": map[string]any{"idDominio": okDominio}, "iuv": "01000000000001861", "idRicevuta": "r-1", "esito": "ESEGUITO"}
)

// withField returns a copy of item with the dotted field set to v.
func withField(item map[string]any, field string, v any) map[string]any {
	b, _ := json.Marshal(item)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	m := out
	parts := strings.Split(field, ".")
	for _, p := range parts[:len(parts)-1] {
		m = m[p].(map[string]any)
	}
	m[parts[len(parts)-1]] = v
	return out
}

// writePage writes a GovPay list page.
func writePage(w http.ResponseWriter, numRisultati, numPagine, per, pagina int, items ...map[string]any) {
	writeListJSON(w, map[string]any{"numRisultati": numRisultati, "numPagine": numPagine, "risultatiPerPagina": per, "pagina": pagina, "risultati": items})
}

func writeListJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// repeatItem returns n copies of item.
func repeatItem(item map[string]any, n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = item
	}
	return out
}

// drainSeq reads a sequence to its end or first error.
func drainSeq[T any](seq iter.Seq2[T, error]) (int, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

type listAttack struct {
	family   string // the attack
	property string // what the SDK guarantees against it
	name     string
	serve    func(w http.ResponseWriter, pagina, per int)
	call     func(ctx context.Context, c listClients) (yielded int, err error)
	// want is a substring of the error; maxPages the most requests;
	// yielded the items of the pages before the one at fault.
	want     string
	maxPages int64
	yielded  int
}

var listAttacks = []listAttack{
	// An item the filter asked for excludes.
	{family: "foreign item", property: "an item of another domain never counts", name: "pendenze.List idDominio",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, 2, 1, per, 1, listPendenza, withField(listPendenza, "dominio.idDominio", "99999999999"))
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pendenze.List(ctx, pendenze.ListOptions{IDDominio: okDominio}))
		}, want: "item 1 does not match the filter asked: dominio.idDominio", maxPages: 1},
	{family: "foreign item", property: "an item of another debtor never counts", name: "pendenze.List idDebitore",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, 1, 1, per, 1, withField(listPendenza, "soggettoPagatore.identificativo", "VRDGPP80A01H501U"))
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pendenze.List(ctx, pendenze.ListOptions{IDDebitore: okCF}))
		}, want: "soggettoPagatore.identificativo", maxPages: 1},
	{family: "foreign item", property: "a transaction of another pendenza never counts", name: "pendenze.ListRPP idPendenza",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, 1, 1, per, 1, withField(listRPP, "pendenza.idPendenza", "P-2"))
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pendenze.ListRPP(ctx, pendenze.RPPListOptions{IDA2A: "A2A-1", IDPendenza: "P-1"}))
		}, want: "pendenza.idPendenza", maxPages: 1},
	{family: "foreign item", property: "a payment of another portal session is never adopted", name: "pagamenti.List idSessionePortale",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, 1, 1, per, 1, withField(listPagamento, "idSessionePortale", "sess-2"))
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pagamenti.List(ctx, pagamenti.ListOptions{IDSessionePortale: "sess-1"}))
		}, want: "idSessionePortale", maxPages: 1},
	{family: "foreign item", property: "a payment in another state never counts", name: "pagamenti.List stato",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, 1, 1, per, 1, withField(listPagamento, "stato", "ESEGUITO"))
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pagamenti.List(ctx, pagamenti.ListOptions{Stato: pagamenti.StatoInCorso}))
		}, want: "stato", maxPages: 1},
	{family: "foreign item", property: "another citizen's debt never shows in a debt position", name: "pagamenti.Posizione idDebitore",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, 1, 1, per, 1, withField(listPendenza, "soggettoPagatore.identificativo", "VRDGPP80A01H501U"))
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pagamenti.ListPosizione(ctx, okCF, pagamenti.PosizioneOptions{}))
		}, want: "soggettoPagatore.identificativo", maxPages: 1},
	{family: "foreign item", property: "a receipt of another creditor never proves a payment", name: "ricevute.Find idDominio",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, 1, 1, per, 1, withField(listRicevuta, "dominio.idDominio", "99999999999"))
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			r, err := c.ricevute.Find(ctx, okDominio, okNumero)
			return len(r), err
		}, want: "dominio.idDominio", maxPages: 1},
	{family: "foreign item", property: "a receipt of an unrelated IUV never proves a payment", name: "ricevute.Find iuv",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, 1, 1, per, 1, withField(listRicevuta, "iuv", "99999999999999999"))
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			r, err := c.ricevute.Find(ctx, okDominio, okNumero)
			return len(r), err
		}, want: "iuv", maxPages: 1},

	// A page larger than asked.
	{family: "overfull page", property: "memory stays bounded by the page size asked", name: "pendenze.List",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, per+1, 1, per, 1, repeatItem(listPendenza, per+1)...)
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pendenze.List(ctx, pendenze.ListOptions{RisultatiPerPagina: 10}))
		}, want: "more than the 10 items asked", maxPages: 1},
	{family: "overfull page", property: "memory stays bounded by the page size asked", name: "pendenze.ListRPP",
		serve: func(w http.ResponseWriter, _, per int) { writePage(w, per+1, 1, per, 1, repeatItem(listRPP, per+1)...) },
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pendenze.ListRPP(ctx, pendenze.RPPListOptions{RisultatiPerPagina: 10}))
		}, want: "more than the 10 items asked", maxPages: 1},
	{family: "overfull page", property: "memory stays bounded by the page size asked", name: "pagamenti.List",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, per+1, 1, per, 1, repeatItem(listPagamento, per+1)...)
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pagamenti.List(ctx, pagamenti.ListOptions{}))
		}, want: "more than the 25 items asked", maxPages: 1},
	{family: "overfull page", property: "memory stays bounded by the page size asked", name: "pagamenti.Posizione",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, per+1, 1, per, 1, repeatItem(listPendenza, per+1)...)
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pagamenti.ListPosizione(ctx, "", pagamenti.PosizioneOptions{RisultatiPerPagina: 5}))
		}, want: "more than the 5 items asked", maxPages: 1},
	{family: "overfull page", property: "memory stays bounded by the page size asked", name: "ricevute.Find",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, per+1, 1, per, 1, repeatItem(listRicevuta, per+1)...)
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			r, err := c.ricevute.Find(ctx, okDominio, okNumero)
			return len(r), err
		}, want: "more than the 100 items asked", maxPages: 1},

	// A list that never ends.
	{family: "endless list", property: "counts that grow page after page do not extend the walk", name: "pendenze.List growing numPagine",
		serve: func(w http.ResponseWriter, pagina, per int) {
			writePage(w, per*(pagina+1), pagina+1, per, pagina, repeatItem(listPendenza, per)...)
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			n, err := drainSeq(c.pendenze.List(ctx, pendenze.ListOptions{RisultatiPerPagina: 2}))
			if err == nil {
				// The walk ended where the first page said: 2 pages.
				err = &govpay.DecodeError{Err: fmt.Errorf("walk ended after %d items", n)}
			}
			return 0, err
		}, want: "walk ended after 4 items", maxPages: 2},
	{family: "endless list", property: "full pages forever end with an error, not a loop or a truncated result", name: "ricevute.Find without counts",
		serve: func(w http.ResponseWriter, pagina, per int) {
			writeListJSON(w, map[string]any{"risultatiPerPagina": per, "pagina": pagina, "risultati": repeatItem(listRicevuta, per)})
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			r, err := c.ricevute.Find(ctx, okDominio, okNumero)
			return len(r), err
		}, want: "more results after 20 pages", maxPages: 20},
	{family: "endless list", property: "a server answering another page than asked cannot loop the walk", name: "pagamenti.List same page",
		serve: func(w http.ResponseWriter, _, per int) {
			writePage(w, 3*per, 3, per, 1, repeatItem(listPagamento, per)...)
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pagamenti.List(ctx, pagamenti.ListOptions{RisultatiPerPagina: 2}))
		}, want: "page 2 asked, the answer is page 1", maxPages: 2, yielded: 2},

	// A document that is not a list.
	{family: "not a list", property: "a JSON document that is not a GovPay list is not an empty result", name: "pagamenti.Posizione",
		serve: func(w http.ResponseWriter, _, _ int) {
			writeListJSON(w, map[string]any{"risultati": []any{}, "padding": strings.Repeat("x", 1<<16)})
		},
		call: func(ctx context.Context, c listClients) (int, error) {
			return drainSeq(c.pagamenti.ListPosizione(ctx, okCF, pagamenti.PosizioneOptions{}))
		}, want: "not a GovPay list", maxPages: 1},

	// A single read answered with another resource.
	{family: "foreign resource", property: "a read returns the payment asked or fails", name: "pagamenti.Get id",
		serve: func(w http.ResponseWriter, _, _ int) { writeListJSON(w, withField(listPagamento, "id", "pay-2")) },
		call: func(ctx context.Context, c listClients) (int, error) {
			_, err := c.pagamenti.Get(ctx, "pay-1")
			return 0, err
		}, want: "id differs", maxPages: 1},
	{family: "foreign resource", property: "a read returns the payment of the session asked or fails", name: "pagamenti.GetByIDSession",
		serve: func(w http.ResponseWriter, _, _ int) { writeListJSON(w, listPagamento) },
		call: func(ctx context.Context, c listClients) (int, error) {
			_, err := c.pagamenti.GetByIDSession(ctx, "psp-2")
			return 0, err
		}, want: "idSessionePsp differs", maxPages: 1},
	{family: "foreign resource", property: "a read returns the receipt asked or fails", name: "ricevute.Get idRicevuta",
		serve: func(w http.ResponseWriter, _, _ int) { writeListJSON(w, withField(listRicevuta, "idRicevuta", "r-2")) },
		call: func(ctx context.Context, c listClients) (int, error) {
			_, err := c.ricevute.Get(ctx, okDominio, okNumero, "r-1")
			return 0, err
		}, want: "idRicevuta differs", maxPages: 1},
}

// TestHostileLists runs every row against its own server.
func TestHostileLists(t *testing.T) {
	families := map[string]bool{}
	for _, row := range listAttacks {
		families[row.family] = true
		t.Run(row.family+"/"+row.name, func(t *testing.T) {
			var hits atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				q := r.URL.Query()
				pagina, _ := strconv.Atoi(q.Get("pagina"))
				per, err := strconv.Atoi(q.Get("risultatiPerPagina"))
				if err != nil {
					per = 25
				}
				row.serve(w, max(pagina, 1), per)
			}))
			defer srv.Close()
			opts := []govpay.Option{govpay.WithRetry(govpay.NoRetry())}
			var c listClients
			var err error
			c.pendenze = pendenze.New(testutil.Config(t, govpay.APIPendenze, srv.URL+pathPendenze, opts...))
			c.pagamenti = pagamenti.New(testutil.Config(t, govpay.APIPagamento, srv.URL+pathPagamento, opts...))
			c.ricevute = ricevute.New(testutil.Config(t, govpay.APIRagioneria, srv.URL+pathRagioneria, opts...))
			yielded, err := row.call(context.Background(), c)
			var de *govpay.DecodeError
			switch {
			case !errors.As(err, &de):
				t.Fatalf("%s (%s): got %d items and %v (%T), want a *govpay.DecodeError", row.property, row.family, yielded, err, err)
			case !strings.Contains(err.Error(), row.want):
				t.Errorf("%s: error %q does not say %q", row.property, err, row.want)
			}
			if yielded != row.yielded {
				t.Errorf("%s: %d items counted before the error, want %d (the pages before the one at fault)", row.property, yielded, row.yielded)
			}
			if n := hits.Load(); n > row.maxPages || n == 0 {
				t.Errorf("%s: %d requests, want 1 to %d", row.property, n, row.maxPages)
			}
		})
	}
	for _, f := range []string{"foreign item", "overfull page", "endless list", "not a list", "foreign resource"} {
		if !families[f] {
			t.Errorf("no row for the attack family %q", f)
		}
	}
}
