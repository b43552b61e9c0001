package pagamenti

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pendenze"
)

func pagamentoFixture(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/pagamento_eseguito.json")
	require.NoError(t, err)
	return b
}

func serveBytes(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}
}

func TestGet(t *testing.T) {
	s := newPGServer(t)
	s.mux.HandleFunc("GET /pagamenti/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "c8be909b2feb4ffa" {
			pgFault(http.StatusNotFound, "RICHIESTA", "404000", "")(w, r)
			return
		}
		serveBytes(pagamentoFixture(t))(w, r)
	})
	c := s.client(t)
	p, err := c.Get(context.Background(), "c8be909b2feb4ffa")
	require.NoError(t, err)

	assert.Equal(t, "c8be909b2feb4ffa", p.ID)
	assert.Equal(t, StatoEseguito, p.Stato)
	assert.True(t, p.Stato.Terminal())
	assert.Equal(t, govpay.Centesimi(11599), p.Importo)
	assert.Equal(t, "portale-0001", p.IDSessionePortale)
	assert.Equal(t, "7f905970cfe94ee5a9a781fe14e7437e", p.IDSessionePSP)
	want := time.Date(2026, 3, 30, 14, 35, 16, 123e6, govpay.Rome())
	assert.True(t, p.DataRichiestaPagamento.Time().Equal(want), "dataRichiestaPagamento is a timestamp: %v", p.DataRichiestaPagamento)
	require.NotNil(t, p.SoggettoVersante)
	assert.Equal(t, "Luigi Verdi", p.SoggettoVersante.Anagrafica)
	assert.Equal(t, AutenticazioneNonApplicabile, p.AutenticazioneSoggetto)
	require.Len(t, p.RPP, 1)
	assert.Equal(t, "RT_ACCETTATA_PA", p.RPP[0].Stato)
	assert.True(t, p.RPP[0].HasRT())
	assert.JSONEq(t, `{"versioneOggetto":"6.2.0","datiVersamento":{"importoTotaleDaVersare":"115.99"}}`, string(p.RPP[0].RPT))
	require.NotNil(t, p.RPP[0].Pendenza)
	assert.Equal(t, "PEND-0001", p.RPP[0].Pendenza.IDPendenza)
	require.Len(t, p.Pendenze, 1)
	d := p.Pendenze[0]
	assert.Equal(t, pendenze.StatoEseguita, d.Stato)
	assert.Equal(t, "01234567890", d.Dominio.IDDominio)
	assert.Equal(t, "301000000000012345", d.NumeroAvviso)
	assert.Equal(t, govpay.NewDate(2026, 3, 30), d.DataPagamento)
	assert.True(t, d.DataScadenza.IsZero())
	assert.Equal(t, "/pagamenti?idA2A=GESTIONALE-1&idPendenza=PEND-0001", d.Pagamenti)
	require.Len(t, d.Segnalazioni, 1)
	assert.Equal(t, "0013", d.Segnalazioni[0].Codice)

	// Marshalling gives GovPay's JSON back (fields known to the SDK).
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var again Pagamento
	require.NoError(t, json.Unmarshal(b, &again))
	assert.Equal(t, p.ID, again.ID)
	// GovPay's timestamp form has no milliseconds.
	assert.True(t, again.DataRichiestaPagamento.Time().Equal(p.DataRichiestaPagamento.Time().Truncate(time.Second)))
	assert.Equal(t, p.Pendenze[0].Importo, again.Pendenze[0].Importo)

	r, _ := s.last(t)
	assert.Equal(t, "application/json", r.Header.Get("Accept"))

	_, err = c.Get(context.Background(), "nope")
	assert.ErrorIs(t, err, govpay.ErrNotFound)
}

func TestGetPathEscaping(t *testing.T) {
	s := newPGServer(t)
	var got atomic.Value
	s.mux.HandleFunc("GET /pagamenti/byIdSession/{idSession}", func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.PathValue("idSession"))
		serveBytes(pagamentoFixture(t))(w, r)
	})
	// The fixture's idSessionePsp is not "a/b?c": the answer is refused
	// after the request went out with the id escaped.
	_, err := s.client(t).GetByIDSession(context.Background(), "a/b?c")
	var de *govpay.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Contains(t, err.Error(), "idSessionePsp differs")
	assert.Equal(t, "a/b?c", got.Load())
}

func TestGetValidation(t *testing.T) {
	s := newPGServer(t)
	c := s.client(t)
	for _, id := range []string{"", "0", "a b", string(make([]byte, 300))} {
		_, err := c.Get(context.Background(), id)
		assert.ErrorIs(t, err, govpay.ErrInvalid, "%q", id)
		_, err = c.GetByIDSession(context.Background(), id)
		assert.ErrorIs(t, err, govpay.ErrInvalid, "%q", id)
		_, err = c.Wait(context.Background(), id, WaitOptions{})
		assert.ErrorIs(t, err, govpay.ErrInvalid, "%q", id)
	}
	assert.Zero(t, len(s.reqs))
}

// TestReadFailures runs every read method on the failure paths: a FaultBean,
// a broken connection, a cancelled context, an undecodable answer.
func TestReadFailures(t *testing.T) {
	type call func(ctx context.Context, c *Client) error
	first := func(seq func(yield func(int, error) bool)) error {
		var err error
		seq(func(_ int, e error) bool { err = e; return false })
		return err
	}
	calls := map[string]struct {
		pattern string
		call    call
	}{
		"Get": {"GET /pagamenti/{id}", func(ctx context.Context, c *Client) error { _, err := c.Get(ctx, "p1"); return err }},
		"GetByIDSession": {"GET /pagamenti/byIdSession/{s}", func(ctx context.Context, c *Client) error {
			_, err := c.GetByIDSession(ctx, "s1")
			return err
		}},
		"List": {"GET /pagamenti", func(ctx context.Context, c *Client) error {
			return first(func(yield func(int, error) bool) {
				for _, err := range c.List(ctx, ListOptions{}) {
					if !yield(0, err) {
						return
					}
				}
			})
		}},
		"Posizione": {"GET /pendenze", func(ctx context.Context, c *Client) error {
			return first(func(yield func(int, error) bool) {
				for _, err := range c.ListPosizione(ctx, "RSSMRA30A01H501I", PosizioneOptions{}) {
					if !yield(0, err) {
						return
					}
				}
			})
		}},
		"Wait": {"GET /pagamenti/{id}", func(ctx context.Context, c *Client) error {
			_, err := c.Wait(ctx, "p1", WaitOptions{MinInterval: time.Millisecond})
			return err
		}},
	}
	for name, tc := range calls {
		t.Run(name+"/faultbean", func(t *testing.T) {
			s := newPGServer(t)
			s.mux.HandleFunc(tc.pattern, pgFault(http.StatusForbidden, "AUTORIZZAZIONE", "403000", "non autorizzato"))
			err := tc.call(context.Background(), s.client(t))
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, "403000", ge.Codice)
			assert.ErrorIs(t, err, govpay.ErrForbidden)
		})
		t.Run(name+"/connection lost", func(t *testing.T) {
			s := newPGServer(t)
			s.mux.HandleFunc(tc.pattern, pgHijack(t))
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			err := tc.call(ctx, s.client(t))
			var ne *govpay.NetworkError
			require.ErrorAs(t, err, &ne, "%v", err)
			assert.NotContains(t, err.Error(), "s3cret-password")
		})
		t.Run(name+"/context cancelled", func(t *testing.T) {
			s := newPGServer(t)
			s.mux.HandleFunc(tc.pattern, pgHang)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			err := tc.call(ctx, s.client(t))
			assert.ErrorIs(t, err, context.DeadlineExceeded)
		})
		t.Run(name+"/undecodable", func(t *testing.T) {
			s := newPGServer(t)
			s.mux.HandleFunc(tc.pattern, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = w.Write([]byte("<html>login</html>"))
			})
			err := tc.call(context.Background(), s.client(t))
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
		})
	}
}

// pagedHandler serves n payments in pages as GovPay does.
func pagedHandler(t *testing.T, n int, key string, mk func(i int) map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pagina, _ := strconv.Atoi(r.URL.Query().Get("pagina"))
		per, _ := strconv.Atoi(r.URL.Query().Get("risultatiPerPagina"))
		if per == 0 {
			per = 25
		}
		numPagine := (n + per - 1) / per
		var items []map[string]any
		for i := (pagina - 1) * per; i < n && i < pagina*per; i++ {
			items = append(items, mk(i))
		}
		next := any(nil)
		if pagina < numPagine {
			next = fmt.Sprintf("/x?pagina=%d", pagina+1)
		}
		pgJSON(w, http.StatusOK, map[string]any{"numRisultati": n, "numPagine": numPagine, "risultatiPerPagina": per,
			"pagina": pagina, "prossimiRisultati": next, key: items})
	}
}

func TestList(t *testing.T) {
	s := newPGServer(t)
	s.mux.HandleFunc("GET /pagamenti", pagedHandler(t, 7, "risultati", func(i int) map[string]any {
		return sintesiJSON(fmt.Sprintf("p%d", i), "sess", "IN_CORSO", wispURL)
	}))
	c := s.client(t)
	var ids []string
	for p, err := range c.List(context.Background(), ListOptions{IDSessionePortale: "sess", Stato: StatoInCorso, RisultatiPerPagina: 3}) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
		assert.Equal(t, "/pendenze?idPagamento="+p.ID, p.PendenzeURL)
		assert.Equal(t, 2026, p.DataRichiestaPagamento.Time().Year())
	}
	assert.Equal(t, []string{"p0", "p1", "p2", "p3", "p4", "p5", "p6"}, ids)
	assert.Equal(t, 3, s.count("GET /pagamenti"))

	// Every filter is sent (the answer here is an empty page).
	s2 := newPGServer(t)
	s2.mux.HandleFunc("GET /pagamenti", pagedHandler(t, 0, "risultati", nil))
	opts := ListOptions{IDSessionePortale: "sess", IDSessione: "psp-1", IDDebitore: "RSSMRA30A01H501I", IDVersante: "V",
		IDCarrello: "car", Stato: StatoEseguito, DataDa: govpay.NewDateTime(time.Date(2026, 1, 1, 0, 0, 0, 0, govpay.Rome())),
		DataA: govpay.NewDateTime(time.Date(2026, 2, 1, 12, 30, 0, 0, govpay.Rome())), Ordinamento: "-dataRichiestaPagamento", RisultatiPerPagina: 3}
	for _, err := range s2.client(t).List(context.Background(), opts) {
		require.NoError(t, err)
	}
	r, _ := s2.last(t)
	q := r.URL.Query()
	assert.Equal(t, "1", q.Get("pagina"))
	assert.Equal(t, "sess", q.Get("idSessionePortale"))
	assert.Equal(t, "psp-1", q.Get("idSessione"))
	assert.Equal(t, "RSSMRA30A01H501I", q.Get("idDebitore"))
	assert.Equal(t, "V", q.Get("idVersante"))
	assert.Equal(t, "car", q.Get("id"))
	assert.Equal(t, "ESEGUITO", q.Get("stato"))
	assert.Equal(t, "2026-01-01T00:00:00", q.Get("dataDa"))
	assert.Equal(t, "2026-02-01T12:30:00", q.Get("dataA"))
	assert.Equal(t, "-dataRichiestaPagamento", q.Get("ordinamento"))
	assert.Equal(t, "3", q.Get("risultatiPerPagina"))

	// Breaking out early stops the requests.
	before := s.count("GET /pagamenti")
	for range c.List(context.Background(), ListOptions{RisultatiPerPagina: 3}) {
		break
	}
	assert.Equal(t, before+1, s.count("GET /pagamenti"))

	// Invalid options never reach the wire.
	for _, err := range c.List(context.Background(), ListOptions{RisultatiPerPagina: 500, DataDa: opts.DataA, DataA: opts.DataDa}) {
		vs := violations(t, err)
		assert.Equal(t, []string{"risultatiPerPagina", "dataA"}, fields(vs))
	}
	assert.Equal(t, before+1, s.count("GET /pagamenti"))
}

func TestListWithoutPageMetadata(t *testing.T) {
	s := newPGServer(t)
	var calls atomic.Int32
	s.mux.HandleFunc("GET /pagamenti", func(w http.ResponseWriter, r *http.Request) {
		// metadatiPaginazione=false: no numPagine; a short page ends the list.
		calls.Add(1)
		pagina, _ := strconv.Atoi(r.URL.Query().Get("pagina"))
		items := []map[string]any{sintesiJSON("a"+strconv.Itoa(pagina), "", "IN_CORSO", ""), sintesiJSON("b"+strconv.Itoa(pagina), "", "IN_CORSO", "")}
		if pagina == 2 {
			items = items[:1]
		}
		pgJSON(w, http.StatusOK, map[string]any{"risultatiPerPagina": 2, "pagina": pagina, "risultati": items})
	})
	var ids []string
	for p, err := range s.client(t).List(context.Background(), ListOptions{RisultatiPerPagina: 2}) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []string{"a1", "b1", "a2"}, ids)
	assert.EqualValues(t, 2, calls.Load())
}

func TestPosizione(t *testing.T) {
	s := newPGServer(t)
	s.mux.HandleFunc("GET /pendenze", pagedHandler(t, 3, "risultati", func(i int) map[string]any {
		return map[string]any{"idA2A": "A2A", "idPendenza": fmt.Sprintf("P%d", i), "stato": "NON_ESEGUITA", "importo": 10.5,
			"causale": "TARI", "soggettoPagatore": map[string]any{"tipo": "F", "identificativo": "RSSMRA30A01H501I"},
			"dominio": map[string]any{"idDominio": testDominio, "ragioneSociale": "Comune"}, "numeroAvviso": "301000000000012345",
			"dataCaricamento": "2026-01-10", "tipo": "dovuto", "rpp": "/rpp", "pagamenti": "/pagamenti", "statoNuovo": 1}
	}))
	c := s.client(t)
	var got []pendenze.Sintesi
	for d, err := range c.ListPosizione(context.Background(), "rssmra30a01h501i", PosizioneOptions{IDDominio: testDominio,
		Stato: pendenze.StatoNonEseguita, RisultatiPerPagina: 2, IDA2A: "A2A", IDPagamento: "pay", Ordinamento: "+dataCaricamento"}) {
		require.NoError(t, err)
		got = append(got, d)
	}
	require.Len(t, got, 3)
	assert.Equal(t, "P2", got[2].IDPendenza)
	assert.Equal(t, govpay.Centesimi(1050), got[0].Importo)
	assert.Equal(t, govpay.NewDate(2026, 1, 10), got[0].DataCaricamento)
	assert.Equal(t, "Comune", got[0].Dominio.RagioneSociale)
	r, _ := s.last(t)
	assert.Equal(t, "2", r.URL.Query().Get("pagina"))

	// Every filter is sent (the answer here is an empty page).
	s3 := newPGServer(t)
	s3.mux.HandleFunc("GET /pendenze", pagedHandler(t, 0, "risultati", nil))
	for _, err := range s3.client(t).ListPosizione(context.Background(), "RSSMRA30A01H501I", PosizioneOptions{IDDominio: testDominio,
		Stato: pendenze.StatoNonEseguita, MostraSpontaneiNonPagati: true, RisultatiPerPagina: 2, IUV: "iuv", IDA2A: "A2A",
		IDPendenza: "P", IDPagamento: "pay", Direzione: "D", Divisione: "V", Ordinamento: "+dataCaricamento"}) {
		require.NoError(t, err)
	}
	r, _ = s3.last(t)
	q := r.URL.Query()
	for k, v := range map[string]string{"idDebitore": "RSSMRA30A01H501I", "idDominio": testDominio, "stato": "NON_ESEGUITA",
		"mostraSpontaneiNonPagati": "true", "risultatiPerPagina": "2", "pagina": "1", "iuv": "iuv", "idA2A": "A2A",
		"idPendenza": "P", "idPagamento": "pay", "direzione": "D", "divisione": "V", "ordinamento": "+dataCaricamento"} {
		assert.Equal(t, v, q.Get(k), k)
	}

	// The spec's "items" key is read too.
	s2 := newPGServer(t)
	s2.mux.HandleFunc("GET /pendenze", func(w http.ResponseWriter, _ *http.Request) {
		pgJSON(w, http.StatusOK, map[string]any{"numPagine": 1, "pagina": 1, "risultatiPerPagina": 25, "items": []map[string]any{{"idA2A": "A", "idPendenza": "X", "stato": "ESEGUITA"}}})
	})
	n := 0
	for d, err := range s2.client(t).ListPosizione(context.Background(), "", PosizioneOptions{}) {
		require.NoError(t, err)
		assert.Equal(t, "X", d.IDPendenza)
		n++
	}
	assert.Equal(t, 1, n)

	for _, err := range c.ListPosizione(context.Background(), string(make([]byte, 40)), PosizioneOptions{IDDominio: "1", RisultatiPerPagina: -1}) {
		assert.Equal(t, []string{"idDebitore", "idDominio", "risultatiPerPagina"}, fields(violations(t, err)))
	}
}

func TestWait(t *testing.T) {
	s := newPGServer(t)
	var n atomic.Int32
	states := []string{"IN_CORSO", "IN_CORSO", "STATO_NUOVO", "", "ESEGUITO_PARZIALE"}
	s.mux.HandleFunc("GET /pagamenti/{id}", func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i == 3 {
			pgFault(http.StatusServiceUnavailable, "INTERNO", "503", "")(w, r) // temporary
			return
		}
		pgJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "stato": states[i], "importo": 1, "pendenze": []any{}})
	})
	c := s.client(t, govpay.WithRetry(govpay.NoRetry()))
	p, err := c.Wait(context.Background(), "p1", WaitOptions{MinInterval: time.Millisecond, MaxInterval: 4 * time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, StatoEseguitoParziale, p.Stato)
	assert.EqualValues(t, 5, n.Load())

	for _, st := range []StatoPagamento{StatoEseguito, StatoNonEseguito, StatoEseguitoParziale, StatoAnnullato, StatoFallito} {
		assert.True(t, st.Terminal(), st)
	}
	for _, st := range []StatoPagamento{StatoInCorso, "", "ALTRO"} {
		assert.False(t, st.Terminal(), st)
	}
}

func TestWaitTimeout(t *testing.T) {
	s := newPGServer(t)
	s.mux.HandleFunc("GET /pagamenti/{id}", func(w http.ResponseWriter, r *http.Request) {
		pgJSON(w, http.StatusOK, map[string]any{"id": "p1", "stato": "IN_CORSO", "importo": 1, "pendenze": []any{}})
	})
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Millisecond)
	defer cancel()
	p, err := s.client(t).Wait(ctx, "p1", WaitOptions{MinInterval: 5 * time.Millisecond, MaxInterval: 10 * time.Millisecond})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	require.NotNil(t, p, "the last state read is returned")
	assert.Equal(t, StatoInCorso, p.Stato)
	assert.Contains(t, err.Error(), "IN_CORSO")
	assert.Greater(t, s.count("GET /pagamenti/p1"), 2)
}

// TestWaitHonoursLongRetryAfter: a 429 whose Retry-After (2 s) exceeds the
// retry policy's MaxRetryAfter reaches Wait unretried; Wait then pauses that
// long before reading again (not its own 5–20 ms interval), and a context
// ending sooner ends the pause at once.
func TestWaitHonoursLongRetryAfter(t *testing.T) {
	s := newPGServer(t)
	var n atomic.Int32
	s.mux.HandleFunc("GET /pagamenti/{id}", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "2")
			pgFault(http.StatusTooManyRequests, "INTERNO", "429", "")(w, r)
			return
		}
		pgJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "stato": "ESEGUITO", "importo": 1, "pendenze": []any{}})
	})
	policy := govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second})
	c := s.client(t, policy)
	start := time.Now()
	p, err := c.Wait(context.Background(), "p1", WaitOptions{MinInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, StatoEseguito, p.Stato)
	assert.EqualValues(t, 2, n.Load())
	assert.GreaterOrEqual(t, time.Since(start), 1900*time.Millisecond, "the Retry-After was waited")

	n.Store(0)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = c.Wait(ctx, "p1", WaitOptions{MinInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.EqualValues(t, 1, n.Load(), "no read before the Retry-After passed")
	assert.Less(t, time.Since(start), 1500*time.Millisecond, "the context ends the pause")
}

// TestListsNeverTrustTheFilter: a payment or a debt that does not match a
// filter asked ends the iteration with a *govpay.DecodeError naming the
// item and the field, and nothing of its page is yielded; a page with more
// items than asked too. A debtor differing only in case, and a debt whose
// IUV is inside its numeroAvviso, match (GovPay compares them that way).
// Debts failing a filter GovPay does not read are left out.
func TestListsNeverTrustTheFilter(t *testing.T) {
	debito := func(field string, v any) map[string]any {
		d := map[string]any{"idA2A": "A2A", "idPendenza": "P1", "stato": "NON_ESEGUITA", "importo": 1,
			"soggettoPagatore": map[string]any{"tipo": "F", "identificativo": "RSSMRA30A01H501I"},
			"dominio":          map[string]any{"idDominio": testDominio}, "numeroAvviso": "301000000000001861",
			"direzione": "D", "divisione": "V"}
		if field == "soggettoPagatore.identificativo" {
			d["soggettoPagatore"] = map[string]any{"tipo": "F", "identificativo": v}
		} else if field == "dominio.idDominio" {
			d["dominio"] = map[string]any{"idDominio": v}
		} else if field != "" {
			d[field] = v
		}
		return d
	}
	posizione := PosizioneOptions{IDDominio: testDominio, IDA2A: "A2A", IDPendenza: "P1", IUV: "01000000000001861", Direzione: "D", Divisione: "V"}
	for _, tc := range []struct{ field, want string }{
		{"soggettoPagatore.identificativo", "soggettoPagatore.identificativo"},
		{"dominio.idDominio", "dominio.idDominio"},
		{"direzione", "direzione"},
		{"divisione", "divisione"},
	} {
		s := newPGServer(t)
		s.mux.HandleFunc("GET /pendenze", pagedHandler(t, 2, "risultati", func(i int) map[string]any {
			if i == 1 {
				return debito(tc.field, "ALTRO")
			}
			return debito("", nil)
		}))
		n := 0
		var err error
		for _, e := range s.client(t).ListPosizione(context.Background(), "rssmra30a01h501i", posizione) {
			if err = e; e != nil {
				break
			}
			n++
		}
		var de *govpay.DecodeError
		require.ErrorAs(t, err, &de, tc.field)
		assert.Contains(t, err.Error(), "item 1 does not match the filter asked: "+tc.want)
		assert.Zero(t, n, tc.field)
	}
	// Every filter matched: both debts are yielded. Debts failing a filter
	// GovPay 3.9.1 does not read (idA2A, idPendenza, iuv) are left out.
	s := newPGServer(t)
	s.mux.HandleFunc("GET /pendenze", pagedHandler(t, 7, "risultati", func(i int) map[string]any {
		switch i {
		case 1:
			return debito("idA2A", "ALTRO")
		case 3:
			return debito("idPendenza", "ALTRO")
		case 5:
			return debito("numeroAvviso", "301000000000009999")
		}
		return debito("", nil)
	}))
	n := 0
	for _, err := range s.client(t).ListPosizione(context.Background(), "rssmra30a01h501i", posizione) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 4, n)
	assert.Equal(t, 1, s.count("GET /pendenze"), "7 debts on one page of 25")

	for _, tc := range []struct {
		o     ListOptions
		field string
	}{
		{ListOptions{IDSessionePortale: "other"}, "idSessionePortale"},
		{ListOptions{IDSessione: "psp-other"}, "idSessionePsp"},
		{ListOptions{IDCarrello: "other"}, "id"},
		{ListOptions{Stato: StatoEseguito}, "stato"},
	} {
		s := newPGServer(t)
		s.mux.HandleFunc("GET /pagamenti", pagedHandler(t, 1, "risultati", func(int) map[string]any {
			return sintesiJSON("p0", "sess", "IN_CORSO", wispURL)
		}))
		var err error
		for _, e := range s.client(t).List(context.Background(), tc.o) {
			err = e
		}
		var de *govpay.DecodeError
		require.ErrorAs(t, err, &de, tc.field)
		assert.Contains(t, err.Error(), "item 0 does not match the filter asked: "+tc.field+" differs")
	}

	// A page larger than asked.
	s = newPGServer(t)
	s.mux.HandleFunc("GET /pagamenti", func(w http.ResponseWriter, _ *http.Request) {
		items := make([]map[string]any, 4)
		for i := range items {
			items[i] = sintesiJSON("p", "sess", "IN_CORSO", wispURL)
		}
		pgJSON(w, http.StatusOK, map[string]any{"numRisultati": 4, "numPagine": 1, "risultatiPerPagina": 3, "pagina": 1, "risultati": items})
	})
	var err error
	n = 0
	for _, e := range s.client(t).List(context.Background(), ListOptions{RisultatiPerPagina: 3}) {
		if err = e; e != nil {
			break
		}
		n++
	}
	assert.ErrorContains(t, err, "more than the 3 items asked")
	assert.Zero(t, n)
}

// TestGetChecksIdentity: Get returns the payment asked or a
// *govpay.DecodeError; GetByIDSession the payment of that session.
func TestGetChecksIdentity(t *testing.T) {
	s := newPGServer(t)
	s.mux.HandleFunc("GET /pagamenti/{id}", func(w http.ResponseWriter, r *http.Request) {
		pgJSON(w, http.StatusOK, map[string]any{"id": "other", "stato": "ESEGUITO", "importo": 1, "idSessionePsp": "psp-1"})
	})
	s.mux.HandleFunc("GET /pagamenti/byIdSession/{idSession}", func(w http.ResponseWriter, r *http.Request) {
		pgJSON(w, http.StatusOK, map[string]any{"id": "other", "stato": "ESEGUITO", "importo": 1, "idSessionePsp": "psp-1"})
	})
	c := s.client(t)
	_, err := c.Get(context.Background(), "p1")
	var de *govpay.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Contains(t, err.Error(), "id differs")
	p, err := c.Get(context.Background(), "other")
	require.NoError(t, err)
	assert.Equal(t, "other", p.ID)
	_, err = c.GetByIDSession(context.Background(), "psp-2")
	require.ErrorAs(t, err, &de)
	p, err = c.GetByIDSession(context.Background(), "psp-1")
	require.NoError(t, err)
	assert.Equal(t, "psp-1", p.IDSessionePSP)
}
