package bench

// TestEquivalence… prove that the implementations a benchmark compares do
// the same work (for P1 three: the SDK, the raw generated client and the
// hand-written baseline):
// the same requests on the wire (method, path, query, headers that matter,
// body as JSON) and the same answer read. It runs in the normal test
// suite, so a benchmark can never measure a call that fails or does less.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	genpagamento "github.com/govpaygo/govpay/internal/gen/pagamento"
	genpendenze "github.com/govpaygo/govpay/internal/gen/pendenze"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
)

// seen is a request as the server received it.
type seen struct {
	method, path, query string
	auth, accept, ctype string
	body                any
}

type recorder struct {
	mu   sync.Mutex
	reqs []seen
}

func (r *recorder) capture(req *http.Request, body []byte) {
	s := seen{method: req.Method, path: req.URL.Path, query: req.URL.RawQuery,
		auth: req.Header.Get("Authorization"), accept: req.Header.Get("Accept"), ctype: req.Header.Get("Content-Type")}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &s.body); err != nil {
			s.body = "not JSON: " + err.Error()
		}
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, s)
	r.mu.Unlock()
}

func (r *recorder) take() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// sameRequest checks that got, sent by impl, is want, sent by the
// hand-written baseline: method, path, query, headers that matter and the
// body as JSON.
func sameRequest(t *testing.T, impl string, want, got seen) {
	t.Helper()
	assert.Equal(t, want.method, got.method, impl)
	assert.Equal(t, want.path, got.path, impl)
	assert.Equal(t, want.query, got.query, impl)
	assert.Equal(t, want.auth, got.auth, impl)
	assert.Equal(t, want.accept, got.accept, impl)
	assert.Equal(t, want.ctype, got.ctype, impl)
	assert.True(t, reflect.DeepEqual(want.body, got.body), "%s: bodies differ:\n%s %v\nraw %v", impl, impl, got.body, want.body)
}

// one runs call and returns the one request the server saw.
func one(t *testing.T, rec *recorder, impl string, call func() error) seen {
	t.Helper()
	require.NoError(t, call(), impl)
	reqs := rec.take()
	require.Len(t, reqs, 1, impl)
	return reqs[0]
}

func TestEquivalenceP1Put(t *testing.T) {
	rec := &recorder{}
	srv, _ := serve(t, p1Handler(rec.capture))
	base := srv.URL + pathPendenze
	ctx := context.Background()

	c := pendenze.New(testutil.Config(t, govpay.APIPendenze, base, sdkOptions()...))
	g, err := genPendenze(rawClient(), base)
	require.NoError(t, err)
	var (
		s        *pendenze.Caricata
		gr       *genpendenze.PendenzaCreata
		r        *rawCaricata
		gc, rc   bool
		rawInput = rawPutBody()
	)
	sdk := one(t, rec, "sdk", func() (err error) { s, err = c.Put(ctx, putIDA2A, putIDPendenza, putPendenza()); return })
	gen := one(t, rec, "gen", func() (err error) { gr, gc, err = genPut(ctx, g, genPutBody()); return })
	raw := one(t, rec, "raw", func() (err error) { r, rc, err = rawPut(ctx, rawClient(), base, &rawInput); return })
	assert.Equal(t, http.MethodPut, raw.method)
	assert.NotNil(t, raw.body)
	sameRequest(t, "sdk", raw, sdk)
	sameRequest(t, "gen", raw, gen)

	assert.True(t, s.Created)
	assert.True(t, gc)
	assert.True(t, rc)
	assert.Equal(t, r.IDDominio, s.IDDominio)
	assert.Equal(t, r.IDDominio, gr.IDDominio)
	assert.Equal(t, r.NumeroAvviso, s.NumeroAvviso.String())
	assert.Equal(t, r.NumeroAvviso, gr.NumeroAvviso)
	assert.Equal(t, r.UUID, s.UUID)
	require.NotNil(t, gr.UUID)
	assert.Equal(t, r.UUID, *gr.UUID)
}

func TestEquivalenceP1Start(t *testing.T) {
	rec := &recorder{}
	srv, _ := serve(t, p1Handler(rec.capture))
	base := srv.URL + pathPagamento
	ctx := context.Background()

	c := pagamenti.New(testutil.Config(t, govpay.APIPagamento, base, sdkOptions()...))
	g, err := genPagamento(rawClient(), base)
	require.NoError(t, err)
	var (
		a  *pagamenti.Avvio
		gr *genpagamento.PagamentoCreato
		r  *rawPagamentoCreato
	)
	sdk := one(t, rec, "sdk", func() (err error) { a, err = sdkStart(ctx, c); return })
	gen := one(t, rec, "gen", func() (err error) { gr, err = genStart(ctx, g); return })
	raw := one(t, rec, "raw", func() (err error) { r, err = rawStart(ctx, rawClient(), base); return })
	assert.Equal(t, http.MethodPost, raw.method)
	assert.NotNil(t, raw.body)
	sameRequest(t, "sdk", raw, sdk)
	sameRequest(t, "gen", raw, gen)

	assert.Equal(t, pagamenti.ModeLegacy, a.Mode)
	assert.Equal(t, r.ID, a.ID)
	assert.Equal(t, r.Redirect, a.Redirect)
	assert.Equal(t, r.IDSession, a.IDSession)
	assert.Equal(t, r.Location, a.Location)
	assert.Equal(t, r.ID, gr.ID)
	assert.Equal(t, r.Redirect, gr.Redirect)
	require.NotNil(t, gr.IDSession)
	require.NotNil(t, gr.Location)
	assert.Equal(t, r.IDSession, *gr.IDSession)
	assert.Equal(t, r.Location, *gr.Location)
}

func TestEquivalenceP1Avviso(t *testing.T) {
	rec := &recorder{}
	srv, _ := serve(t, p1Handler(rec.capture))
	base := srv.URL + pathPagamento
	ctx := context.Background()

	c := avvisi.New(testutil.Config(t, govpay.APIPagamento, base, sdkOptions()...))
	g, err := genPagamento(rawClient(), base)
	require.NoError(t, err)
	var (
		a  *avvisi.Avviso
		gr *genpagamento.Avviso
		r  *rawAvviso
	)
	sdk := one(t, rec, "sdk", func() (err error) { a, err = c.Get(ctx, idDominio, numeroAvviso); return })
	gen := one(t, rec, "gen", func() (err error) { gr, err = genGetAvviso(ctx, g, idDominio, numeroAvviso); return })
	raw := one(t, rec, "raw", func() (err error) { r, err = rawGetAvviso(ctx, rawClient(), base, idDominio, numeroAvviso); return })
	assert.Equal(t, raw, sdk)
	assert.Equal(t, raw, gen)

	assert.Equal(t, r.Stato, string(a.Stato))
	assert.Equal(t, int64(r.Importo*100+0.5), a.Importo.Centesimi())
	assert.Equal(t, r.NumeroAvviso, a.NumeroAvviso.String())
	assert.Equal(t, r.DataScadenza, a.DataScadenza.String())
	assert.Equal(t, r.QRCode, a.QRCode)
	assert.Equal(t, r.Stato, string(gr.Stato))
	require.NotNil(t, gr.Importo)
	assert.Equal(t, int64(r.Importo*100+0.5), gr.Importo.Centesimi())
	require.NotNil(t, gr.NumeroAvviso)
	assert.Equal(t, r.NumeroAvviso, *gr.NumeroAvviso)
	require.NotNil(t, gr.DataScadenza)
	assert.Equal(t, r.DataScadenza, gr.DataScadenza.String())
	require.NotNil(t, gr.Qrcode)
	assert.Equal(t, r.QRCode, *gr.Qrcode)
}

func TestEquivalenceP3(t *testing.T) {
	sdkH, sdkRec := sdkHandler(t)
	rawH := newRawHandler()
	next := ricevutaRequest()

	serveBoth := func(mod func(r *http.Request)) (int, int) {
		codes := [2]int{}
		for i, h := range []http.Handler{sdkH, rawH} {
			r := next()
			if mod != nil {
				mod(r)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			codes[i] = w.Code
		}
		return codes[0], codes[1]
	}

	sdk, raw := serveBoth(nil)
	require.Equal(t, http.StatusCreated, sdk)
	require.Equal(t, http.StatusCreated, raw)
	s, r := sdkRec.last.Load(), rawH.last.Load()
	require.NotNil(t, s)
	require.NotNil(t, r)
	assert.Equal(t, r.IUV, s.IUV)
	assert.Equal(t, r.IDRicevuta, s.IDRicevuta)
	assert.Equal(t, int64(r.Importo*100+0.5), s.Importo.Centesimi())
	assert.Equal(t, r.Pendenza.IDPendenza, s.Pendenza.IDPendenza)
	require.Len(t, s.Pendenza.Voci, len(r.Pendenza.Voci))
	for i := range r.Pendenza.Voci {
		assert.Equal(t, int64(r.Pendenza.Voci[i].Riscossione.Importo*100+0.5), s.Pendenza.Voci[i].Riscossione.Importo.Centesimi())
	}
	assert.JSONEq(t, string(r.RT.JSON), string(s.RT.JSON))
	assert.Equal(t, r.RPT.XML, s.RPT.XML)

	// Both refuse the same things.
	cases := []struct {
		name string
		mod  func(r *http.Request)
		want int
	}{
		{"wrong password", func(r *http.Request) { r.Header = r.Header.Clone(); r.SetBasicAuth(benchUser, "wrong") }, http.StatusUnauthorized},
		{"wrong method", func(r *http.Request) { r.Method = http.MethodPost }, http.StatusMethodNotAllowed},
		{"not JSON", func(r *http.Request) { r.Header = r.Header.Clone(); r.Header.Set("Content-Type", "text/plain") }, http.StatusUnsupportedMediaType},
		{"iuv differs from the body", func(r *http.Request) {
			u := *r.URL
			u.Path = "/ricevute/" + idDominio + "/01000000000009999/" + ricevutaID
			r.URL = &u
		}, http.StatusBadRequest},
	}
	for _, tc := range cases {
		sdk, raw := serveBoth(tc.mod)
		assert.Equal(t, tc.want, sdk, "sdk: %s", tc.name)
		assert.Equal(t, tc.want, raw, "raw: %s", tc.name)
	}
	assert.EqualValues(t, 1, sdkRec.n.Load())
	assert.EqualValues(t, 1, rawH.n.Load())
}

func TestEquivalenceP4(t *testing.T) {
	const n = 1_234 // 7 pages, the last one short
	var mu sync.Mutex
	var queries []string
	h := listHandler(n)
	srv, hits := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.Path+"?"+r.URL.Query().Encode())
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	base := srv.URL + pathPendenze
	ctx := context.Background()

	c := pendenze.New(testutil.Config(t, govpay.APIPendenze, base, sdkOptions()...))
	gotN, gotSum, err := sdkList(ctx, c)
	require.NoError(t, err)
	assert.Equal(t, n, gotN)
	assert.Equal(t, wantSum(n), gotSum)
	sdkQueries := queries
	queries = nil

	gotN, gotSum, err = rawList(ctx, rawClient(), base)
	require.NoError(t, err)
	assert.Equal(t, n, gotN)
	assert.Equal(t, wantSum(n), gotSum)
	assert.Equal(t, queries, sdkQueries, "the same pages are asked for")
	assert.EqualValues(t, 14, hits.n.Load())

	// The generated page is valid JSON that the SDK reads exactly.
	var page struct {
		Risultati []pendenze.Sintesi `json:"risultati"`
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/pendenze?pagina=7&risultatiPerPagina=200", nil))
	require.NoError(t, json.NewDecoder(bytes.NewReader(w.Body.Bytes())).Decode(&page))
	require.Len(t, page.Risultati, n-6*pageSize)
	last := page.Risultati[len(page.Risultati)-1]
	assert.Equal(t, "TARI-2026-"+"1000001233", last.IDPendenza)
	assert.Equal(t, govpay.Centesimi(importoOf(n-1)), last.Importo)
	assert.Equal(t, "2027-12-31", last.DataScadenza.String())
}
