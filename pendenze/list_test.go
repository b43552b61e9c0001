package pendenze

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
)

// listPage writes page n of a list of total items, per items per page.
func listPage(w http.ResponseWriter, r *http.Request, total int, counted bool) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("pagina"))
	per, _ := strconv.Atoi(q.Get("risultatiPerPagina"))
	var items []string
	for i := (page - 1) * per; i < min(page*per, total); i++ {
		items = append(items, fmt.Sprintf(`{"idA2A":"A2A-1","idPendenza":"P-%d","dominio":{"idDominio":"01234567890"},"stato":"NON_ESEGUITA",
			"soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA30A01H501I"},"importo":1.%02d,"rpp":"/rpp?idPendenza=P-%d","pagamenti":"/pagamenti"}`, i, i%100, i))
	}
	pages := (total + per - 1) / per
	meta := fmt.Sprintf(`"numRisultati":%d,"numPagine":%d,`, total, pages)
	if !counted {
		meta = `"numRisultati":null,"numPagine":null,`
	}
	writeJSON(w, http.StatusOK, fmt.Sprintf(`{%s"risultatiPerPagina":%d,"pagina":%d,"risultati":[%s]}`, meta, per, page, strings.Join(items, ",")))
}

func TestListWalksPages(t *testing.T) {
	for _, counted := range []bool{true, false} {
		t.Run(fmt.Sprintf("counted=%v", counted), func(t *testing.T) {
			h := setup(t)
			var pages []string
			h.mux.HandleFunc("/pendenze", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodGet)
				q := r.URL.Query()
				pages = append(pages, q.Get("pagina"))
				assert.Equal(t, "01234567890", q.Get("idDominio"))
				assert.Equal(t, "NON_ESEGUITA", q.Get("stato"))
				assert.Equal(t, "RSSMRA30A01H501I", q.Get("idDebitore"))
				assert.Equal(t, "2026-01-01T00:00:00", q.Get("dataDa"))
				if counted {
					assert.Empty(t, q.Get("metadatiPaginazione"))
				} else {
					assert.Equal(t, "false", q.Get("metadatiPaginazione"))
				}
				listPage(w, r, 7, counted)
			})
			var ids []string
			for s, err := range h.client.List(context.Background(), ListOptions{
				IDDominio: "01234567890", Stato: StatoNonEseguita, IDDebitore: "RSSMRA30A01H501I",
				DataDa:             govpay.NewDateTime(govpay.NewDate(2026, 1, 1).Time(nil)),
				RisultatiPerPagina: 3, SenzaConteggio: !counted,
			}) {
				require.NoError(t, err)
				ids = append(ids, s.IDPendenza)
			}
			assert.Equal(t, []string{"P-0", "P-1", "P-2", "P-3", "P-4", "P-5", "P-6"}, ids)
			assert.Equal(t, []string{"1", "2", "3"}, pages)
		})
	}
}

func TestListExactPagesWithoutCount(t *testing.T) {
	h := setup(t)
	var pages atomic.Int64
	h.mux.HandleFunc("/pendenze", func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		listPage(w, r, 6, false)
	})
	n := 0
	for _, err := range h.client.List(context.Background(), ListOptions{RisultatiPerPagina: 3, SenzaConteggio: true}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 6, n)
	assert.EqualValues(t, 3, pages.Load(), "a full last page needs one more (empty) page to end")
}

func TestListBreakFetchesNoMorePages(t *testing.T) {
	h := setup(t)
	var pages atomic.Int64
	h.mux.HandleFunc("/pendenze", func(w http.ResponseWriter, r *http.Request) {
		pages.Add(1)
		listPage(w, r, 9, true)
	})
	var got []string
	for s, err := range h.client.List(context.Background(), ListOptions{RisultatiPerPagina: 3}) {
		require.NoError(t, err)
		got = append(got, s.IDPendenza)
		if s.IDPendenza == "P-4" {
			break
		}
	}
	assert.Equal(t, []string{"P-0", "P-1", "P-2", "P-3", "P-4"}, got)
	assert.EqualValues(t, 2, pages.Load(), "the third page is never fetched")
}

func TestListErrors(t *testing.T) {
	h := setup(t)
	var n atomic.Int64
	h.mux.HandleFunc("/pendenze", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 2 {
			writeFault(w, http.StatusInternalServerError, "INTERNO", "INTERNO", "boom")
			return
		}
		listPage(w, r, 9, true)
	})
	var got, errs int
	for _, err := range h.client.List(context.Background(), ListOptions{RisultatiPerPagina: 3}) {
		if err != nil {
			errs++
			assert.ErrorIs(t, err, govpay.ErrInterno)
			continue
		}
		got++
	}
	assert.Equal(t, 3, got)
	assert.Equal(t, 1, errs, "an error ends the iteration")

	for _, per := range []int{-1, 201} {
		before := h.hits.Load()
		var err error
		for _, e := range h.client.List(context.Background(), ListOptions{RisultatiPerPagina: per}) {
			err = e
		}
		assert.ErrorIs(t, err, govpay.ErrInvalid)
		assert.Equal(t, before, h.hits.Load())
	}

	h2 := setup(t)
	h2.mux.HandleFunc("/pendenze", func(w http.ResponseWriter, r *http.Request) { hijack(w) })
	for _, err := range h2.client.List(context.Background(), ListOptions{}) {
		var ne *govpay.NetworkError
		assert.ErrorAs(t, err, &ne)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h3 := setup(t)
	h3.mux.HandleFunc("/pendenze", func(w http.ResponseWriter, r *http.Request) { listPage(w, r, 9, true) })
	var errAfterCancel error
	for s, err := range h3.client.List(ctx, ListOptions{RisultatiPerPagina: 3}) {
		if err != nil {
			errAfterCancel = err
			break
		}
		if s.IDPendenza == "P-2" {
			cancel()
		}
	}
	assert.ErrorIs(t, errAfterCancel, context.Canceled)
}

func TestListRPP(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/rpp", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		assert.Equal(t, "A2A-1", q.Get("idA2A"))
		assert.Equal(t, "P-1", q.Get("idPendenza"))
		assert.Equal(t, "ESEGUITO", q.Get("esitoPagamento"))
		assert.Equal(t, "1", q.Get("pagina"))
		writeJSON(w, http.StatusOK, `{"numRisultati":1,"numPagine":1,"risultatiPerPagina":100,"pagina":1,"risultati":[
			{"stato":"RT_ACCETTATA_PA","rpt":{"x":1},"rt":{"y":2},"pendenza":{"idA2A":"A2A-1","idPendenza":"P-1","dominio":{"idDominio":"01234567890"},
			"stato":"ESEGUITA","soggettoPagatore":{"tipo":"F","identificativo":"ANONIMO"},"importo":1}}]}`)
	})
	var got []RPP
	for r, err := range h.client.ListRPP(context.Background(), RPPListOptions{IDA2A: "A2A-1", IDPendenza: "P-1", EsitoPagamento: "ESEGUITO"}) {
		require.NoError(t, err)
		got = append(got, r)
	}
	require.Len(t, got, 1)
	assert.JSONEq(t, `{"y":2}`, string(got[0].RT))
	assert.Equal(t, StatoEseguita, got[0].Pendenza.Stato)

	for _, err := range h.client.ListRPP(context.Background(), RPPListOptions{RisultatiPerPagina: 500}) {
		assert.ErrorIs(t, err, govpay.ErrInvalid)
	}
}

// hostileItem is a pendenza of the list fixture with one field changed.
func hostileItem(field, value string) string {
	m := map[string]any{"idA2A": "A2A-1", "idPendenza": "P-1", "dominio": map[string]any{"idDominio": "01234567890"},
		"stato": "NON_ESEGUITA", "soggettoPagatore": map[string]any{"tipo": "F", "identificativo": "RSSMRA30A01H501I"},
		"importo": 1, "direzione": "D1", "divisione": "V1"}
	switch field {
	case "dominio.idDominio":
		m["dominio"] = map[string]any{"idDominio": value}
	case "soggettoPagatore.identificativo":
		m["soggettoPagatore"] = map[string]any{"tipo": "F", "identificativo": value}
	case "":
	default:
		m[field] = value
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestListRefusesItemsNotAsked: an item that does not match a filter asked
// is a *govpay.DecodeError naming the item and the field, and nothing of its
// page is yielded; a debtor differing only in case matches (GovPay compares
// idDebitore upper-cased); a pendenza with another idPendenza, a filter
// GovPay does not read, is left out.
func TestListRefusesItemsNotAsked(t *testing.T) {
	asked := ListOptions{IDDominio: "01234567890", IDA2A: "A2A-1", IDPendenza: "P-1", IDDebitore: "RSSMRA30A01H501I", Direzione: "D1", Divisione: "V1", RisultatiPerPagina: 5}
	for _, tc := range []struct{ field, value string }{
		{"dominio.idDominio", "99999999999"},
		{"idA2A", "ALTRO"},
		{"soggettoPagatore.identificativo", "VRDGPP80A01H501U"},
		{"direzione", "D2"},
		{"divisione", "V2"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			h := setup(t)
			h.mux.HandleFunc("/pendenze", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, http.StatusOK, `{"numRisultati":2,"numPagine":1,"risultatiPerPagina":5,"pagina":1,"risultati":[`+
					hostileItem("", "")+","+hostileItem(tc.field, tc.value)+`]}`)
			})
			var got int
			var err error
			for _, e := range h.client.List(context.Background(), asked) {
				if e != nil {
					err = e
					break
				}
				got++
			}
			assert.Zero(t, got, "no item of a page with a foreign item is yielded")
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Contains(t, err.Error(), "item 1 ")
			assert.Contains(t, err.Error(), tc.field)
		})
	}
	// GovPay 3.9.1 does not read idPendenza: the other pendenze of its
	// answer are left out, not refused.
	h := setup(t)
	h.mux.HandleFunc("/pendenze", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"numRisultati":2,"numPagine":1,"risultatiPerPagina":5,"pagina":1,"risultati":[`+
			hostileItem("soggettoPagatore.identificativo", "rssmra30a01h501i")+","+hostileItem("idPendenza", "P-2")+`]}`)
	})
	var ids []string
	for s, err := range h.client.List(context.Background(), asked) {
		require.NoError(t, err)
		ids = append(ids, s.IDPendenza)
	}
	assert.Equal(t, []string{"P-1"}, ids)
}

// TestListRPPRefusesItemsNotAsked: a transaction of another pendenza, or
// without its pendenza when one was asked, is a *govpay.DecodeError.
func TestListRPPRefusesItemsNotAsked(t *testing.T) {
	for name, pend := range map[string]string{"other": `,"pendenza":` + hostileItem("idPendenza", "P-9"), "none": ""} {
		t.Run(name, func(t *testing.T) {
			h := setup(t)
			h.mux.HandleFunc("/rpp", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, http.StatusOK, `{"numRisultati":1,"numPagine":1,"risultatiPerPagina":100,"pagina":1,"risultati":[{"stato":"RT_ACCETTATA_PA"`+pend+`}]}`)
			})
			var err error
			for _, e := range h.client.ListRPP(context.Background(), RPPListOptions{IDA2A: "A2A-1", IDPendenza: "P-1"}) {
				err = e
			}
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Contains(t, err.Error(), "pendenza")
		})
	}
}

// TestListRefusesOverfullPagesAndLoops: a page with more items than asked,
// a page other than the one asked, an answer that is not a list, and a
// server whose count grows on every page end the walk.
func TestListRefusesOverfullPagesAndLoops(t *testing.T) {
	item := hostileItem("", "")
	cases := map[string]struct {
		body  func(page int) string
		pages int64
		err   string
	}{
		"overfull": {body: func(int) string {
			return `{"numRisultati":4,"numPagine":1,"risultatiPerPagina":3,"pagina":1,"risultati":[` + strings.Repeat(item+",", 3) + item + `]}`
		}, pages: 1, err: "more than the 3 items asked"},
		"other page": {body: func(int) string {
			return `{"numRisultati":9,"numPagine":3,"risultatiPerPagina":3,"pagina":1,"risultati":[` + item + "," + item + "," + item + `]}`
		}, pages: 2, err: "page 2 asked, the answer is page 1"},
		"not a list": {body: func(int) string { return `{"risultati":[],"padding":"xxxx"}` }, pages: 1, err: "not a GovPay list"},
		"growing count": {body: func(p int) string {
			return fmt.Sprintf(`{"numRisultati":%d,"numPagine":%d,"risultatiPerPagina":3,"pagina":%d,"risultati":[%s,%s,%s]}`, 3*(p+1), p+1, p, item, item, item)
		}, pages: 2},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := setup(t)
			var pages atomic.Int64
			h.mux.HandleFunc("/pendenze", func(w http.ResponseWriter, r *http.Request) {
				pages.Add(1)
				p, _ := strconv.Atoi(r.URL.Query().Get("pagina"))
				writeJSON(w, http.StatusOK, tc.body(p))
			})
			var err error
			for _, e := range h.client.List(context.Background(), ListOptions{RisultatiPerPagina: 3}) {
				if e != nil {
					err = e
				}
			}
			assert.Equal(t, tc.pages, pages.Load())
			if tc.err == "" {
				assert.NoError(t, err)
				return
			}
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

// TestListMemoryBoundedByOnePage serves one page of 400,001 items (about
// 29 MB, under transport.MaxBody) to a List asking for 25 per page, and
// measures, when the first value (item or error) reaches the caller, the
// heap still live after a GC and the bytes allocated since the call began:
// both must stay far below the page's size (-v logs them).
func TestListMemoryBoundedByOnePage(t *testing.T) {
	if testing.Short() {
		t.Skip("serves 29 MB")
	}
	const n = 400_001
	const one = `{"idA2A":"A2A-1","idPendenza":"P-1","stato":"NON_ESEGUITA","importo":1}`
	item := []byte(one + ",")
	h := setup(t)
	h.mux.HandleFunc("/pendenze", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"numRisultati":400001,"numPagine":1,"risultatiPerPagina":25,"pagina":1,"risultati":[`)
		chunk := bytes.Repeat(item, 1000)
		for i := 0; i < n/1000; i++ {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading
			}
		}
		_, _ = io.WriteString(w, one+`]}`)
	})
	pageBytes := int64(len(item)) * n
	var base, start runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	start = base
	var (
		live, allocated int64
		first           error
		measured        bool
	)
	for _, err := range h.client.List(context.Background(), ListOptions{RisultatiPerPagina: 25}) {
		if !measured {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			allocated = int64(ms.TotalAlloc - start.TotalAlloc)
			runtime.GC()
			runtime.ReadMemStats(&ms)
			live = int64(ms.HeapAlloc) - int64(base.HeapAlloc)
			measured, first = true, err
		}
		if err != nil {
			break
		}
	}
	t.Logf("page of %d items, %d bytes: live heap growth %d bytes (%.2f%% of the page), allocated %d bytes; first value: %v",
		n, pageBytes, live, 100*float64(live)/float64(pageBytes), allocated, first)
	var de *govpay.DecodeError
	require.ErrorAs(t, first, &de, "the page holds more than the 25 items asked")
	assert.Less(t, live, pageBytes/50, "live heap must stay far below the page's size")
	assert.Less(t, allocated, pageBytes/20, "the page is decoded as it arrives, not read in full first (transport.Request.Stream)")
}

// TestOptAllocatesOnlyForAValue: opt gives nil for an empty parameter
// without allocating (List builds the pointers of every parameter on
// every call, most of them empty) and a pointer to a copy of a non-empty
// one.
func TestOptAllocatesOnlyForAValue(t *testing.T) {
	var sink *string
	if n := testing.AllocsPerRun(100, func() { sink = opt("") }); n != 0 {
		t.Errorf("opt(\"\") allocates %v times, want 0", n)
	}
	if sink != nil {
		t.Errorf("opt(\"\") = %q, want nil", *sink)
	}
	v := "A2A-1"
	p := opt(v)
	if p == nil || *p != v {
		t.Fatalf("opt(%q) = %v, want a pointer to %q", v, p, v)
	}
}
