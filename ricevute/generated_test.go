package ricevute_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
)

// TestSendsThroughGeneratedClient: Find, Get and PDF send through the
// generated API Ragioneria v3 client under the deep base path, with the
// path values escaped by the generated code (an old-style idRicevuta "n/a"
// travels as n%2Fa, one segment), the query of listRicevute as our spec
// names it, and the Accept of each call.
func TestSendsThroughGeneratedClient(t *testing.T) {
	mux, c, _ := newRicevuteServer(t)
	var mu sync.Mutex
	var seen []string
	record := func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		// RequestURI is the path as sent, before the test server strips
		// the base path.
		seen = append(seen, r.Method+" "+r.RequestURI+" accept="+r.Header.Get("Accept"))
	}
	mux.HandleFunc("GET /ricevute", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		writeJSON(w, 200, `{"numRisultati":1,"numPagine":1,"risultatiPerPagina":100,"pagina":1,"risultati":[
			{"dominio":{"idDominio":"01234567890"},"iuv":"`+rfIUV+`","idRicevuta":"n/a","esito":"ESEGUITO"}]}`)
	})
	mux.HandleFunc("GET /ricevute/{dominio}/{iuv}/{id}", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		assert.Equal(t, "n/a", r.PathValue("id"))
		if r.Header.Get("Accept") == "application/pdf" {
			w.Header().Set("Content-Type", "application/pdf")
			_, _ = w.Write([]byte(pdfBytes))
			return
		}
		writeJSON(w, 200, `{"dominio":{"idDominio":"01234567890"},"iuv":"`+rfIUV+`","idRicevuta":"n/a","importo":1,"esito":"ESEGUITO"}`)
	})
	ctx := context.Background()
	found, err := c.Find(ctx, dominio, rfIUV)
	require.NoError(t, err)
	require.Len(t, found, 1)
	r, err := c.Get(ctx, dominio, rfIUV, found[0].IDRicevuta)
	require.NoError(t, err)
	assert.Equal(t, "n/a", r.IDRicevuta)
	pdf, err := c.PDF(ctx, dominio, rfIUV, "n/a")
	require.NoError(t, err)
	assert.Equal(t, pdfBytes, string(pdf))

	base := strings.TrimSuffix(ragioneriaBase, "/")
	assert.Equal(t, []string{
		// The spec's parameter order, as the generated code writes it.
		"GET " + base + "/ricevute?pagina=1&risultatiPerPagina=100&idDominio=01234567890&iuv=" + rfIUV + " accept=application/json",
		"GET " + base + "/ricevute/01234567890/" + rfIUV + "/n%2Fa accept=application/json",
		"GET " + base + "/ricevute/01234567890/" + rfIUV + "/n%2Fa accept=application/pdf",
	}, seen)
}

// TestDotSegmentRefused: an idRicevuta that is a dot segment would
// resolve to another resource (the generated client does not escape it):
// it is refused before anything is sent.
func TestDotSegmentRefused(t *testing.T) {
	mux, c, _ := newRicevuteServer(t)
	var sent atomic.Int32
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		sent.Add(1)
		http.NotFound(w, r)
	})
	for _, id := range []string{"..", "."} {
		_, err := c.Get(context.Background(), dominio, rfIUV, id)
		var ve *govpay.ValidationError
		require.ErrorAs(t, err, &ve, id)
		assert.True(t, ve.Has("idRicevuta"), id)
		_, err = c.PDF(context.Background(), dominio, rfIUV, id)
		require.ErrorAs(t, err, &ve, id)
	}
	assert.Zero(t, sent.Load(), "requests sent")
}
