package ricevute_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/ricevute"
)

// ragioneriaBase is the deep base path the Ragioneria test server is mounted
// under: a method that builds an absolute path misses it and gets a 404.
const ragioneriaBase = "/govpay/backend/api/ragioneria/rs/basic/v3/"

// testRetry keeps retries fast in tests.
var testRetry = govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second})

// newRicevuteServer starts a server whose mux is mounted under
// ragioneriaBase and a client of it.
func newRicevuteServer(t *testing.T) (*http.ServeMux, *ricevute.Client, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	outer := http.NewServeMux()
	outer.Handle(ragioneriaBase, http.StripPrefix(strings.TrimSuffix(ragioneriaBase, "/"), mux))
	outer.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "outside the base path: "+r.URL.Path, http.StatusTeapot)
	})
	srv := httptest.NewServer(outer)
	t.Cleanup(srv.Close)
	c := ricevute.New(testutil.Config(t, govpay.APIRagioneria, srv.URL+ragioneriaBase, govpay.WithBasicAuth("portale", "s3cret-pw"), testRetry))
	return mux, c, srv
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Govpay-IdTransazione", "tx-1")
	w.WriteHeader(status)
	switch b := v.(type) {
	case string:
		_, _ = w.Write([]byte(b))
	default:
		_ = json.NewEncoder(w).Encode(v)
	}
}

func faultBean(w http.ResponseWriter, status int, categoria, codice string) {
	writeJSON(w, status, fmt.Sprintf(`{"categoria":%q,"codice":%q,"descrizione":"descrizione %s","dettaglio":"dettaglio %s"}`, categoria, codice, codice, codice))
}

// hijack closes the connection without an answer.
func hijack(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	require.True(t, ok)
	conn, _, err := hj.Hijack()
	require.NoError(t, err)
	_ = conn.Close()
}

// A numero avviso with aux digit 3 (IUV = last 17 digits) and one with aux
// digit 0 (IUV = last 15 digits), both with valid check digits.
const (
	nav3     = "301234567890123416"
	nav3IUV  = "01234567890123416"
	nav0     = "001234567890123413"
	nav0IUV  = "234567890123413"
	dominio  = "01234567890"
	rfIUV    = "RF23567483937849450550875"
	pdfBytes = "%PDF-1.4\n%fake receipt\n"
)

func TestRicevuteFind(t *testing.T) {
	tests := []struct {
		name    string
		arg     string
		wantIUV string
	}{
		{"iuv", rfIUV, rfIUV},
		{"numero avviso aux 3", nav3, nav3IUV},
		{"numero avviso aux 0", nav0, nav0IUV},
		{"numero avviso formatted", "3012 3456 7890 1234 16", nav3IUV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux, c, _ := newRicevuteServer(t)
			var calls atomic.Int32
			mux.HandleFunc("GET /ricevute", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				assert.Equal(t, "application/json", r.Header.Get("Accept"))
				assert.True(t, strings.HasPrefix(r.Header.Get("Authorization"), "Basic "))
				q := r.URL.Query()
				assert.Equal(t, dominio, q.Get("idDominio"))
				assert.Equal(t, tt.wantIUV, q.Get("iuv"))
				assert.Empty(t, q.Get("numeroAvviso"))
				assert.Equal(t, "1", q.Get("pagina"))
				// GovPay's order is not the newest first: Find sorts.
				writeJSON(w, 200, `{"numRisultati":4,"numPagine":1,"risultatiPerPagina":100,"pagina":1,"risultati":[
					{"dominio":{"idDominio":"01234567890","ragioneSociale":"Comune"},"iuv":"`+tt.wantIUV+`","idRicevuta":"old","esito":"NON_ESEGUITO","data":"2024-03-01"},
					{"dominio":{"idDominio":"01234567890"},"iuv":"`+tt.wantIUV+`","idRicevuta":"undated","esito":"IN_CORSO","data":null},
					{"dominio":{"idDominio":"01234567890"},"iuv":"`+tt.wantIUV+`","idRicevuta":"new","esito":"ESEGUITO","data":"2024-03-02T10:00:00.000+0100"},
					{"dominio":{"idDominio":"01234567890"},"iuv":"`+tt.wantIUV+`","idRicevuta":"mid","esito":"ESEGUITO","data":"2024-03-01T18:30:00"}
				]}`)
			})
			got, err := c.Find(context.Background(), dominio, tt.arg)
			require.NoError(t, err)
			require.Len(t, got, 4)
			var ids []string
			for _, r := range got {
				ids = append(ids, r.IDRicevuta)
			}
			assert.Equal(t, []string{"new", "mid", "old", "undated"}, ids)
			assert.Equal(t, ricevute.EsitoEseguito, got[0].Esito)
			assert.True(t, got[0].Paid())
			assert.False(t, got[2].Paid())
			assert.Equal(t, "Comune", got[2].Dominio.RagioneSociale)
			assert.Equal(t, int32(1), calls.Load())
		})
	}
}

func TestRicevuteFindEmptyAndPaging(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		mux, c, _ := newRicevuteServer(t)
		mux.HandleFunc("GET /ricevute", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"numRisultati":0,"numPagine":0,"risultati":[]}`)
		})
		got, err := c.Find(context.Background(), dominio, rfIUV)
		require.NoError(t, err)
		assert.NotNil(t, got)
		assert.Empty(t, got)
	})
	t.Run("two pages", func(t *testing.T) {
		mux, c, _ := newRicevuteServer(t)
		var pages []string
		mux.HandleFunc("GET /ricevute", func(w http.ResponseWriter, r *http.Request) {
			p := r.URL.Query().Get("pagina")
			pages = append(pages, p)
			per, _ := strconv.Atoi(r.URL.Query().Get("risultatiPerPagina"))
			n := per
			if p == "2" {
				n = 1
			}
			var items []string
			for i := range n {
				day := 1 + i%28
				if p == "2" {
					day = 29 // the newest is on the last page
				}
				items = append(items, fmt.Sprintf(`{"dominio":{"idDominio":"01234567890"},"iuv":"X","idRicevuta":"p%s-%d","esito":"ESEGUITO","data":"2024-01-%02dT10:00:0%d"}`, p, i, day, min(i, 9)%10))
			}
			writeJSON(w, 200, fmt.Sprintf(`{"numRisultati":%d,"numPagine":2,"pagina":%s,"risultati":[%s]}`, per+1, p, strings.Join(items, ",")))
		})
		got, err := c.Find(context.Background(), dominio, "X")
		require.NoError(t, err)
		assert.Equal(t, []string{"1", "2"}, pages)
		require.Len(t, got, 101)
		assert.Equal(t, "p2-0", got[0].IDRicevuta)
		for i := 1; i < len(got); i++ {
			assert.False(t, got[i].Data.Time().After(got[i-1].Data.Time()), "not newest first at %d", i)
		}
	})
}

func TestRicevuteValidation(t *testing.T) {
	_, c, srv := newRicevuteServer(t)
	var hits atomic.Int32
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	tests := []struct {
		name      string
		call      func() error
		wantField []string
	}{
		{"find bad dominio and iuv", func() error { _, err := c.Find(context.Background(), "123", "RF-1"); return err }, []string{"idDominio", "iuv"}},
		{"find bad numero avviso", func() error { _, err := c.Find(context.Background(), dominio, "301234567890123499"); return err }, []string{"iuv"}},
		{"find empty", func() error { _, err := c.Find(context.Background(), "", ""); return err }, []string{"idDominio", "iuv"}},
		{"get no id", func() error { _, err := c.Get(context.Background(), dominio, rfIUV, ""); return err }, []string{"idRicevuta"}},
		{"get long id", func() error {
			_, err := c.Get(context.Background(), dominio, rfIUV, strings.Repeat("a", 36))
			return err
		}, []string{"idRicevuta"}},
		{"pdf bad dominio", func() error { _, err := c.PDF(context.Background(), "0123456789A", rfIUV, "r1"); return err }, []string{"idDominio"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.ErrorIs(t, err, govpay.ErrInvalid)
			var ve *govpay.ValidationError
			require.ErrorAs(t, err, &ve)
			var fields []string
			for _, v := range ve.Violations {
				fields = append(fields, v.Field)
			}
			assert.Equal(t, tt.wantField, fields)
		})
	}
	assert.Zero(t, hits.Load(), "invalid input reached the server")
}

// ricevutaJSON is a receipt of our own making in GovPay's wire form, with
// the sloppy bits GovPay sends: plain dates in date-time fields, offsets
// without a colon, nulls.
const ricevutaJSON = `{
  "dominio": {"idDominio": "01234567890", "ragioneSociale": "Comune di Prova"},
  "iuv": "01234567890123416",
  "idRicevuta": "a1b2c3d4e5",
  "importo": 119.99,
  "esito": "ESEGUITO",
  "stato": null,
  "data": "2024-05-06",
  "dataPagamento": "2024-05-06T09:15:00.000+0200",
  "idPagamento": null,
  "idSessionePsp": "sess-9",
  "istitutoAttestante": {"idPSP": "PSPTEST", "denominazione": "Banca di Prova", "idCanale": "PSPTEST_01"},
  "versante": {"tipo": "F", "identificativo": "ANONIMO", "anagrafica": "ANONIMO"},
  "modello": "Pagamento ad iniziativa Ente",
  "pendenza": {
    "idA2A": "PORTALE", "idPendenza": "P-42", "idTipoPendenza": "MENSA",
    "dominio": {"idDominio": "01234567890"}, "causale": "Mensa maggio",
    "soggettoPagatore": {"tipo": "F", "identificativo": "BNCLRA80A41H501X", "anagrafica": "Laura Bianchi"},
    "importo": 119.99, "numeroAvviso": "301234567890123416", "dataScadenza": "2024-06-30",
    "voci": [
      {"idVocePendenza": "1", "descrizione": "Pasti", "codEntrata": "MENSA",
       "riscossione": {"iuv": "01234567890123416", "iur": "IUR-1", "indice": 1, "stato": "RISCOSSA", "tipo": "ENTRATA", "importo": 103.99, "data": "2024-05-06"}},
      {"idVocePendenza": "2", "descrizione": "Imposta di bollo", "tipoBollo": "01",
       "riscossione": {"iuv": "01234567890123416", "iur": "IUR-1", "indice": 2, "tipo": "MBT", "importo": 16.00, "data": "2024-05-06T09:15:00"}}
    ]
  },
  "rpt": {"tipo": "ctPaymentPA", "xml": "PHg+PC94Pg==", "json": {"a": 1}},
  "rt": {"tipo": "ctReceipt", "xml": "PHk+PC95Pg==", "json": {"b": [1, 2]}}
}`

func TestRicevuteGet(t *testing.T) {
	mux, c, _ := newRicevuteServer(t)
	mux.HandleFunc("GET /ricevute/{dominio}/{iuv}/{id}", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, dominio, r.PathValue("dominio"))
		assert.Equal(t, nav3IUV, r.PathValue("iuv"))
		assert.Equal(t, "a1b2c3d4e5", r.PathValue("id"))
		if r.Header.Get("Accept") != "application/json" {
			faultBean(w, 406, "RICHIESTA", "406000")
			return
		}
		writeJSON(w, 200, ricevutaJSON)
	})
	// A numero avviso is accepted in place of the IUV.
	r, err := c.Get(context.Background(), dominio, nav3, "a1b2c3d4e5")
	require.NoError(t, err)
	assert.Equal(t, govpay.Centesimi(11999), r.Importo)
	assert.True(t, r.Paid())
	assert.Equal(t, "Comune di Prova", r.Dominio.RagioneSociale)
	assert.Equal(t, time.Date(2024, 5, 6, 0, 0, 0, 0, govpay.Rome()), r.Data.Time())
	assert.True(t, r.DataPagamento.Time().Equal(time.Date(2024, 5, 6, 7, 15, 0, 0, time.UTC)))
	assert.Empty(t, r.IDPagamento)
	assert.Equal(t, "sess-9", r.IDSessionePSP)
	require.NotZero(t, r.IstitutoAttestante)
	assert.Equal(t, "PSPTEST", r.IstitutoAttestante.IDPSP)
	require.NotZero(t, r.Versante)
	assert.Equal(t, "ANONIMO", r.Versante.Identificativo)
	assert.Equal(t, ricevute.ModelloIniziativaEnte, r.Modello)
	require.NotZero(t, r.Pendenza)
	assert.Equal(t, "301234567890123416", r.Pendenza.NumeroAvviso)
	require.Len(t, r.Pendenza.Voci, 2)
	assert.Equal(t, govpay.Centesimi(10399), r.Pendenza.Voci[0].Riscossione.Importo)
	assert.Equal(t, govpay.Centesimi(1600), r.Pendenza.Voci[1].Riscossione.Importo)
	assert.Equal(t, ricevute.RiscossioneMBT, r.Pendenza.Voci[1].Riscossione.Tipo)
	// The original messages re-encode to what GovPay sent.
	rt, err := json.Marshal(r.RT)
	require.NoError(t, err)
	assert.JSONEq(t, `{"tipo": "ctReceipt", "xml": "PHk+PC95Pg==", "json": {"b": [1, 2]}}`, string(rt))
	rpt, err := json.Marshal(r.RPT)
	require.NoError(t, err)
	assert.JSONEq(t, `{"tipo": "ctPaymentPA", "xml": "PHg+PC94Pg==", "json": {"a": 1}}`, string(rpt))

	// The public type re-encodes to GovPay's wire names with exact amounts.
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var back ricevute.Ricevuta
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, r.Importo, back.Importo)
	assert.Contains(t, string(b), `"importo":119.99`)
	assert.Contains(t, string(b), `"idSessionePsp":"sess-9"`)
}

func TestRicevutePDF(t *testing.T) {
	mux, c, _ := newRicevuteServer(t)
	mux.HandleFunc("GET /ricevute/{dominio}/{iuv}/{id}", func(w http.ResponseWriter, r *http.Request) {
		// GovPay reads only the first Accept value and answers 406 without one.
		accept := strings.TrimSpace(strings.Split(r.Header.Get("Accept"), ",")[0])
		switch {
		case r.PathValue("id") == "missing":
			faultBean(w, 404, "", "404000")
		case r.PathValue("id") == "html":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>login</html>"))
		case r.PathValue("id") == "notpdf":
			w.Header().Set("Content-Type", "application/pdf")
			_, _ = w.Write([]byte("<html>login</html>"))
		case accept == "application/pdf":
			w.Header().Set("Content-Type", "application/pdf")
			_, _ = w.Write([]byte(pdfBytes))
		default:
			faultBean(w, 406, "", "406000")
		}
	})
	b, err := c.PDF(context.Background(), dominio, rfIUV, "r1")
	require.NoError(t, err)
	assert.Equal(t, pdfBytes, string(b))

	_, err = c.PDF(context.Background(), dominio, rfIUV, "missing")
	require.ErrorIs(t, err, govpay.ErrNotFound)

	for _, id := range []string{"html", "notpdf"} {
		_, err = c.PDF(context.Background(), dominio, rfIUV, id)
		var de *govpay.DecodeError
		require.ErrorAs(t, err, &de, id)
	}

	// Get asks for JSON: this server only serves PDF, and says 406.
	_, err = c.Get(context.Background(), dominio, rfIUV, "r1")
	require.ErrorIs(t, err, govpay.ErrNotAcceptable)
	var ge *govpay.Error
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, "ricevute.Get", ge.Operation)
	assert.Equal(t, "406000", ge.Codice)
	assert.Equal(t, "tx-1", ge.IDTransazione)
}

func TestRicevuteErrors(t *testing.T) {
	calls := map[string]func(c *ricevute.Client, ctx context.Context) error{
		"Find": func(c *ricevute.Client, ctx context.Context) error {
			_, err := c.Find(ctx, dominio, rfIUV)
			return err
		},
		"Get": func(c *ricevute.Client, ctx context.Context) error {
			_, err := c.Get(ctx, dominio, rfIUV, "r1")
			return err
		},
		"PDF": func(c *ricevute.Client, ctx context.Context) error {
			_, err := c.PDF(ctx, dominio, rfIUV, "r1")
			return err
		},
	}
	for name, call := range calls {
		t.Run(name+"/faultbean", func(t *testing.T) {
			mux, c, _ := newRicevuteServer(t)
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { faultBean(w, 400, "RICHIESTA", "SINTASSI") })
			err := call(c, context.Background())
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, 400, ge.StatusCode)
			assert.Equal(t, "SINTASSI", ge.Codice)
			assert.ErrorIs(t, err, govpay.ErrRichiesta)
			assert.NotContains(t, err.Error(), "s3cret-pw")
		})
		t.Run(name+"/server error retried", func(t *testing.T) {
			mux, c, _ := newRicevuteServer(t)
			var n atomic.Int32
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				faultBean(w, 503, "INTERNO", "500000")
			})
			err := call(c, context.Background())
			require.ErrorIs(t, err, govpay.ErrServer)
			assert.Equal(t, int32(3), n.Load(), "a GET is retried per policy")
		})
		t.Run(name+"/connection lost", func(t *testing.T) {
			mux, c, _ := newRicevuteServer(t)
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { hijack(t, w) })
			err := call(c, context.Background())
			var ne *govpay.NetworkError
			require.ErrorAs(t, err, &ne)
			assert.Equal(t, "ricevute."+name, ne.Operation)
		})
		t.Run(name+"/context cancelled", func(t *testing.T) {
			mux, c, _ := newRicevuteServer(t)
			ctx, cancel := context.WithCancel(context.Background())
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				cancel()
				<-r.Context().Done()
			})
			err := call(c, ctx)
			require.ErrorIs(t, err, context.Canceled)
		})
		t.Run(name+"/bad json", func(t *testing.T) {
			if name == "PDF" {
				t.Skip("PDF is not JSON")
			}
			mux, c, _ := newRicevuteServer(t)
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, `{"risultati":[{"importo":1.234}],"importo":1.234}`)
			})
			err := call(c, context.Background())
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.True(t, errors.Is(err, govpay.ErrImporto), "three decimals are refused: %v", err)
		})
	}
}

// TestRicevuteFindNeverTrustsTheFilter: GovPay matches the IUV as a
// case-insensitive substring, so a receipt of a longer IUV containing the
// one asked is a legitimate answer about another notice and is left out;
// a receipt of another domain, or of an IUV not containing the one asked,
// is a server that ignored the filter and ends Find with a
// *govpay.DecodeError; so does a page with more receipts than asked.
func TestRicevuteFindNeverTrustsTheFilter(t *testing.T) {
	rcpt := func(dom, iuv, id string) string {
		return fmt.Sprintf(`{"dominio":{"idDominio":%q},"iuv":%q,"idRicevuta":%q,"esito":"ESEGUITO","data":"2024-01-02"}`, dom, iuv, id)
	}
	serve := func(items ...string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, fmt.Sprintf(`{"numRisultati":%d,"numPagine":1,"risultatiPerPagina":100,"pagina":1,"risultati":[%s]}`, len(items), strings.Join(items, ",")))
		}
	}
	t.Run("substring match left out", func(t *testing.T) {
		mux, c, _ := newRicevuteServer(t)
		mux.HandleFunc("GET /ricevute", serve(rcpt(dominio, nav3IUV, "own"), rcpt(dominio, "9"+nav3IUV, "longer"), rcpt(dominio, strings.ToLower("RF"+nav3IUV), "lower")))
		got, err := c.Find(context.Background(), dominio, nav3)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, "own", got[0].IDRicevuta)
	})
	for name, tc := range map[string]struct{ items []string }{
		"other domain":    {[]string{rcpt(dominio, nav3IUV, "own"), rcpt("99999999999", nav3IUV, "foreign")}},
		"unrelated IUV":   {[]string{rcpt(dominio, "11111111111111111", "foreign")}},
		"more than asked": {slices.Repeat([]string{rcpt(dominio, nav3IUV, "own")}, 101)},
	} {
		t.Run(name, func(t *testing.T) {
			mux, c, _ := newRicevuteServer(t)
			mux.HandleFunc("GET /ricevute", serve(tc.items...))
			got, err := c.Find(context.Background(), dominio, nav3)
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Nil(t, got)
		})
	}
}

// TestRicevuteGetChecksIdentity: an answer about another receipt (domain,
// IUV or idRicevuta differing from the path asked) is a *govpay.DecodeError.
func TestRicevuteGetChecksIdentity(t *testing.T) {
	for _, tc := range []struct{ iuv, id, field string }{
		{nav3, "a1b2c3d4e5", ""},
		{nav0, "a1b2c3d4e5", "iuv"},
		{nav3, "zzz", "idRicevuta"},
	} {
		mux, c, _ := newRicevuteServer(t)
		mux.HandleFunc("GET /ricevute/", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, ricevutaJSON) })
		r, err := c.Get(context.Background(), dominio, tc.iuv, tc.id)
		if tc.field == "" {
			require.NoError(t, err)
			assert.Equal(t, "a1b2c3d4e5", r.IDRicevuta)
			continue
		}
		var de *govpay.DecodeError
		require.ErrorAs(t, err, &de, tc.field)
		assert.Contains(t, err.Error(), tc.field+" differs")
	}
	mux, c, _ := newRicevuteServer(t)
	mux.HandleFunc("GET /ricevute/", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, ricevutaJSON) })
	_, err := c.Get(context.Background(), "99999999999", nav3, "a1b2c3d4e5")
	assert.ErrorContains(t, err, "dominio.idDominio differs")
}
