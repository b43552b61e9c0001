package pagamenti

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pendenze"
)

// The requests of Client go through the client generated from
// api/pagamento-v2.yaml (internal/gen/pagamento). These tests look at the
// requests as they arrive, unrouted: the whole deep base path kept, the
// path values escaped, the query parameters named and written as our spec
// says, and nothing sent outside the base.

// uriRecorder answers every request with answer and records the request
// URI as the server received it (escaped path and raw query).
type uriRecorder struct {
	mu   sync.Mutex
	uris []string
}

func (u *uriRecorder) add(r *http.Request) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.uris = append(u.uris, r.Method+" "+r.RequestURI)
}

func (u *uriRecorder) all() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.uris...)
}

func newURIServer(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) (*uriRecorder, *Client) {
	t.Helper()
	rec := &uriRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		_, _ = io.Copy(io.Discard, r.Body)
		answer(w, r)
	}))
	t.Cleanup(srv.Close)
	c := New(testutil.Config(t, govpay.APIPagamento, srv.URL+pgBasePath, pgFastRetry, govpay.WithBasicAuth("portal", "s3cret-password")))
	return rec, c
}

// splitURI returns the escaped path of a recorded "METHOD URI" and its
// query, decoded.
func splitURI(t *testing.T, s string) (string, url.Values) {
	t.Helper()
	method, uri, ok := strings.Cut(s, " ")
	require.True(t, ok)
	path, raw, _ := strings.Cut(uri, "?")
	q, err := url.ParseQuery(raw)
	require.NoError(t, err, "query %q", raw)
	return method + " " + path, q
}

// TestGeneratedStartUnderDeepBasePath: Start posts to the base path's
// /pagamenti with every query parameter of StartOptions under its spec
// name, values escaped (a space, a slash, an ampersand, a plus, a percent).
func TestGeneratedStartUnderDeepBasePath(t *testing.T) {
	rec, c := newURIServer(t, func(w http.ResponseWriter, r *http.Request) {
		pgJSON(w, http.StatusCreated, map[string]string{"id": "p1", "location": "/pagamenti/p1", "redirect": wispURL, "idSession": "s1"})
	})
	opts := StartOptions{
		URLRitorno:        "https://portale.comune.it/ritorno",
		IDSessionePortale: "sess/1&a+b=c%",
		CodiceConvenzione: "CONV 01&2",
		IDPSP:             "PSP_1", IDIntermediarioPSP: "INT/1", IDCanale: "CAN 1",
		TipoVersamento: VersamentoCarta,
		ReCaptcha:      "tok+en/1=",
	}
	a, err := c.Start(context.Background(), startCart(t), opts)
	require.NoError(t, err)
	assert.Equal(t, "p1", a.ID)
	uris := rec.all()
	require.Len(t, uris, 1)
	path, q := splitURI(t, uris[0])
	assert.Equal(t, "POST "+pgBasePath+"pagamenti", path)
	assert.Equal(t, url.Values{
		"idSessionePortale":              {"sess/1&a+b=c%"},
		"gRecaptchaResponse":             {"tok+en/1="},
		"codiceConvenzione":              {"CONV 01&2"},
		"identificativoPSP":              {"PSP_1"},
		"identificativoIntermediarioPSP": {"INT/1"},
		"identificativoCanale":           {"CAN 1"},
		"tipoVersamento":                 {"CP"},
	}, q)

	// Without options the query is empty: no parameter is sent empty.
	_, err = c.Start(context.Background(), startCart(t), StartOptions{})
	require.NoError(t, err)
	uris = rec.all()
	require.Len(t, uris, 2)
	assert.Equal(t, "POST "+pgBasePath+"pagamenti", uris[1])
}

// TestGeneratedListUnderDeepBasePath: List and Posizione page through the
// base path's /pagamenti and /pendenze with the filters under their spec
// names (a DateTime in GovPay's form), pagina and risultatiPerPagina.
func TestGeneratedListUnderDeepBasePath(t *testing.T) {
	rec, c := newURIServer(t, func(w http.ResponseWriter, r *http.Request) {
		pgJSON(w, http.StatusOK, map[string]any{"numRisultati": 0, "numPagine": 0, "risultatiPerPagina": 2, "pagina": 1, "risultati": []any{}})
	})
	from, err := govpay.ParseDateTime("2026-03-01T10:30:00")
	require.NoError(t, err)
	for _, err := range c.List(context.Background(), ListOptions{
		IDSessionePortale: "sess 1&x", IDSessione: "psp/1", IDCarrello: "P+1", Stato: StatoInCorso,
		DataDa: from, Ordinamento: "+dataRichiestaPagamento", RisultatiPerPagina: 2,
	}) {
		require.NoError(t, err)
	}
	for _, err := range c.ListPosizione(context.Background(), "RSSMRA30A01H501I", PosizioneOptions{
		IDDominio: testDominio, Stato: pendenze.StatoNonEseguita, IDA2A: "A2A 1", MostraSpontaneiNonPagati: true, RisultatiPerPagina: 2,
	}) {
		require.NoError(t, err)
	}
	uris := rec.all()
	require.Len(t, uris, 2)
	path, q := splitURI(t, uris[0])
	assert.Equal(t, "GET "+pgBasePath+"pagamenti", path)
	assert.Equal(t, url.Values{
		"pagina": {"1"}, "risultatiPerPagina": {"2"}, "ordinamento": {"+dataRichiestaPagamento"},
		"dataDa": {"2026-03-01T10:30:00"}, "stato": {"IN_CORSO"}, "idSessionePortale": {"sess 1&x"},
		"idSessione": {"psp/1"}, "id": {"P+1"},
	}, q)
	path, q = splitURI(t, uris[1])
	assert.Equal(t, "GET "+pgBasePath+"pendenze", path)
	assert.Equal(t, url.Values{
		"pagina": {"1"}, "risultatiPerPagina": {"2"}, "idDebitore": {"RSSMRA30A01H501I"}, "idDominio": {testDominio},
		"stato": {"NON_ESEGUITA"}, "idA2A": {"A2A 1"}, "mostraSpontaneiNonPagati": {"true"},
	}, q)
}

// TestGeneratedGetEscapesPathValues: Get and GetByIDSession put the id in
// one escaped path segment under the base path; a dot segment, which the
// generated client would resolve to another resource, is refused before
// anything is sent, and so is a list's time that has no query form.
func TestGeneratedGetEscapesPathValues(t *testing.T) {
	const id = "P/1?#%"
	rec, c := newURIServer(t, func(w http.ResponseWriter, r *http.Request) {
		pgJSON(w, http.StatusOK, map[string]any{"id": id, "stato": "IN_CORSO", "importo": 1})
	})
	p, err := c.Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, id, p.ID)
	assert.Equal(t, []string{"GET " + pgBasePath + "pagamenti/P%2F1%3F%23%25"}, rec.all())

	rec, c = newURIServer(t, func(w http.ResponseWriter, r *http.Request) {
		pgJSON(w, http.StatusOK, map[string]any{"id": "x", "stato": "IN_CORSO", "importo": 1, "idSessionePsp": "s/1?2"})
	})
	p, err = c.GetByIDSession(context.Background(), "s/1?2")
	require.NoError(t, err)
	assert.Equal(t, "s/1?2", p.IDSessionePSP)
	assert.Equal(t, []string{"GET " + pgBasePath + "pagamenti/byIdSession/s%2F1%3F2"}, rec.all())

	for _, dot := range []string{".", ".."} {
		_, err = c.Get(context.Background(), dot)
		assert.Equal(t, []string{"id"}, fields(violations(t, err)), "Get(%q)", dot)
		_, err = c.GetByIDSession(context.Background(), dot)
		assert.Equal(t, []string{"idSession"}, fields(violations(t, err)), "GetByIDSession(%q)", dot)
	}
	for _, err := range c.List(context.Background(), ListOptions{DataDa: govpay.NewDateTime(time.Date(10001, 1, 1, 0, 0, 0, 0, time.UTC))}) {
		assert.Equal(t, []string{"dataDa"}, fields(violations(t, err)))
	}
	assert.Len(t, rec.all(), 1, "a refused request reached the server")
}
