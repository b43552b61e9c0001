package paginate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/transport"
)

type item struct {
	ID  string `json:"id"`
	Dom string `json:"dom"`
}

// server serves pages made by body(pagina, per); it counts the requests.
func server(t *testing.T, body func(w http.ResponseWriter, pagina, per int)) (*transport.Client, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json") // a page may set another
		p, _ := strconv.Atoi(r.URL.Query().Get("pagina"))
		per, _ := strconv.Atoi(r.URL.Query().Get("risultatiPerPagina"))
		body(w, p, per)
	}))
	t.Cleanup(srv.Close)
	cfg, err := govpay.NewConfig(srv.URL, govpay.WithEndpoint(govpay.APIPendenze, srv.URL), govpay.WithRetry(govpay.NoRetry()))
	if err != nil {
		t.Fatal(err)
	}
	return transport.ForAPI(cfg, govpay.APIPendenze, 2), &hits
}

func spec(tc *transport.Client, per int) Spec[item] {
	return Spec[item]{
		Operation: "test.List",
		PerPage:   per,
		Fetch: func(ctx context.Context, pagina int) (*http.Response, error) {
			q := map[string][]string{"pagina": {strconv.Itoa(pagina)}, "risultatiPerPagina": {strconv.Itoa(per)}}
			return tc.Do(ctx, &transport.Request{Operation: "test.List", Method: http.MethodGet, Path: "x", Query: q, Stream: true})
		},
		Check: func(it *item) string {
			if it.Dom != "d1" {
				return "dom"
			}
			return ""
		},
	}
}

func items(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf(`{"id":"i%d","dom":"d1","extra":{"deep":[1,{"x":"y"}]}}`, i)
	}
	return strings.Join(s, ",")
}

func collect(seq func(func(item, error) bool)) (got []string, err error) {
	for it, e := range seq {
		if e != nil {
			return got, e
		}
		got = append(got, it.ID)
	}
	return got, nil
}

func TestCountedWalk(t *testing.T) {
	tc, hits := server(t, func(w http.ResponseWriter, p, per int) {
		n := min(per, 7-(p-1)*per)
		fmt.Fprintf(w, `{"numRisultati":7,"numPagine":3,"risultatiPerPagina":%d,"pagina":%d,"unknown":{"a":[1,2,{"b":null}]},"risultati":[%s]}`, per, p, items(n))
	})
	got, err := collect(Seq(context.Background(), spec(tc, 3)))
	if err != nil || len(got) != 7 || hits.Load() != 3 {
		t.Fatalf("got %v, %v after %d pages; want 7 items in 3 pages", got, err, hits.Load())
	}
}

func TestEndlessListsEnd(t *testing.T) {
	t.Run("full pages without counts", func(t *testing.T) {
		tc, hits := server(t, func(w http.ResponseWriter, p, per int) {
			fmt.Fprintf(w, `{"risultatiPerPagina":%d,"pagina":%d,"prossimiRisultati":"/x?pagina=%d","risultati":[%s]}`, per, p, p+1, items(per))
		})
		s := spec(tc, 2)
		s.MaxPages = 5
		got, err := collect(Seq(context.Background(), s))
		var de *govpay.DecodeError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), "after 5 pages") || hits.Load() != 5 || len(got) != 10 {
			t.Fatalf("got %d items, %v after %d pages; want 10 items then an error after 5 pages", len(got), err, hits.Load())
		}
	})
	t.Run("growing counts", func(t *testing.T) {
		tc, hits := server(t, func(w http.ResponseWriter, p, per int) {
			fmt.Fprintf(w, `{"numRisultati":%d,"numPagine":%d,"risultatiPerPagina":%d,"pagina":%d,"risultati":[%s]}`, per*(p+1), p+1, per, p, items(per))
		})
		got, err := collect(Seq(context.Background(), spec(tc, 2)))
		if err != nil || len(got) != 4 || hits.Load() != 2 {
			t.Fatalf("got %d items, %v after %d pages; want the 2 pages the first one announced", len(got), err, hits.Load())
		}
	})
}

func TestRefusedPages(t *testing.T) {
	for name, tc := range map[string]struct {
		body  string
		field string // ItemError.Field, "-" for none
		want  string
	}{
		"overfull":     {body: `{"numPagine":1,"risultatiPerPagina":2,"pagina":1,"risultati":[` + items(3) + `]}`, field: "", want: "more than the 2 items asked"},
		"foreign item": {body: `{"numPagine":1,"risultatiPerPagina":2,"pagina":1,"risultati":[{"id":"a","dom":"d1"},{"id":"b","dom":"d2"}]}`, field: "dom", want: "item 1 does not match"},
		"not a list":   {body: `{"risultati":[],"padding":"xxxx"}`, field: "-", want: "not a GovPay list"},
		"no items":     {body: `{"numPagine":1,"pagina":1}`, field: "-", want: "lacks risultati"},
		"cut JSON":     {body: `{"numPagine":1,"pagina":1,"risultati":[{"id":"a","dom":"d1"}`, field: "-", want: "unexpected EOF"},
		"not an array": {body: `{"numPagine":1,"pagina":1,"risultati":{"id":"a"}}`, field: "-", want: "want an array"},
	} {
		t.Run(name, func(t *testing.T) {
			c, hits := server(t, func(w http.ResponseWriter, _, _ int) { fmt.Fprint(w, tc.body) })
			got, err := collect(Seq(context.Background(), spec(c, 2)))
			var de *govpay.DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tc.want) || len(got) != 0 || hits.Load() != 1 {
				t.Fatalf("got %v, %v (%T) after %d requests; want a DecodeError saying %q and nothing yielded", got, err, err, hits.Load(), tc.want)
			}
			var ie *ItemError
			if errors.As(err, &ie) != (tc.field != "-") || tc.field != "-" && ie.Field != tc.field {
				t.Errorf("ItemError %+v, want field %q", ie, tc.field)
			}
		})
	}
	c, _ := server(t, func(w http.ResponseWriter, _, _ int) {
		w.Header().Set("Content-Type", "text/html") // replaces the server's default
		fmt.Fprint(w, `{"numPagine":1,"pagina":1,"risultati":[]}`)
	})
	_, err := collect(Seq(context.Background(), spec(c, 2)))
	var de *govpay.DecodeError
	if !errors.As(err, &de) {
		t.Errorf("text/html: %v, want a DecodeError", err)
	}
}

// TestBodyCutMidReadIsFetchedAgain: a page whose body is cut (fewer bytes
// than its Content-Length) is fetched again while Attempts allow, then is a
// *govpay.NetworkError; nothing of the cut page is yielded.
func TestBodyCutMidReadIsFetchedAgain(t *testing.T) {
	full := `{"numPagine":1,"risultatiPerPagina":2,"pagina":1,"risultati":[` + items(2) + `]}`
	for _, cuts := range []int64{1, 5} {
		var n atomic.Int64
		c, hits := server(t, func(w http.ResponseWriter, _, _ int) {
			w.Header().Set("Content-Length", strconv.Itoa(len(full)))
			if n.Add(1) <= cuts {
				fmt.Fprint(w, full[:len(full)/2])
				return // the server closes the connection: the body is cut
			}
			fmt.Fprint(w, full)
		})
		s := spec(c, 2)
		s.Attempts, s.Backoff = 3, func(int) time.Duration { return time.Millisecond }
		got, err := collect(Seq(context.Background(), s))
		if cuts == 1 {
			if err != nil || len(got) != 2 || hits.Load() != 2 {
				t.Errorf("one cut: %v, %v after %d requests; want the page on the second attempt", got, err, hits.Load())
			}
			continue
		}
		var ne *govpay.NetworkError
		if !errors.As(err, &ne) || len(got) != 0 || hits.Load() != 3 {
			t.Errorf("cut every time: %v, %v (%T) after %d requests; want a NetworkError after 3 attempts", got, err, err, hits.Load())
		}
	}
}

func TestContextEndsTheWalk(t *testing.T) {
	c, hits := server(t, func(w http.ResponseWriter, p, per int) {
		fmt.Fprintf(w, `{"numPagine":9,"risultatiPerPagina":%d,"pagina":%d,"risultati":[%s]}`, per, p, items(per))
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var err error
	for it, e := range Seq(ctx, spec(c, 2)) {
		if e != nil {
			err = e
			break
		}
		if it.ID == "i1" {
			cancel()
		}
	}
	if !errors.Is(err, context.Canceled) || hits.Load() != 1 {
		t.Errorf("%v after %d pages, want context.Canceled after 1", err, hits.Load())
	}
}
