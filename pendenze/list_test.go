package pendenze

import (
	"context"
	"fmt"
	"net/http"
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
			"soggettoPagatore":{"tipo":"F","identificativo":"ANONIMO"},"importo":1.%02d,"rpp":"/rpp?idPendenza=P-%d","pagamenti":"/pagamenti"}`, i, i%100, i))
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
