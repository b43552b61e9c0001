package avvisi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	pendenzeBase  = "/govpay/backend/api/pendenze/rs/basic/v2"
	pagamentoBase = "/govpay/frontend/api/pagamento/rs/basic/v2"
	navOK         = "301000000123453200"
	dominio       = "80002130153"
)

var fastRetry = govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second})

// setup starts a server whose mux is mounted under base, so that a request
// built with an absolute path misses it, and returns a client for it.
func setup(t *testing.T, base string) (*avvisi.Client, *http.ServeMux, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	root := http.NewServeMux()
	root.Handle(base+"/", http.StripPrefix(base, mux))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL)
		http.Error(w, "outside base path", http.StatusTeapot)
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	c := avvisi.New(testutil.Config(t, govpay.APIPagamento, srv.URL+base+"/", govpay.WithBasicAuth("portale", "s3cret"), fastRetry))
	return c, mux, srv
}

func fault(w http.ResponseWriter, status int, categoria, codice, descrizione string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Govpay-IdTransazione", "tx-42")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"categoria": categoria, "codice": codice, "descrizione": descrizione, "dettaglio": "dettaglio " + codice})
}

const avvisoJSON = `{
  "stato": "NON_ESEGUITA",
  "importo": 19.99,
  "idDominio": "80002130153",
  "numeroAvviso": "301000000123453200",
  "dataValidita": "2026-12-31",
  "dataScadenza": "2027-01-31",
  "descrizione": "TARI 2026 rata 1",
  "tassonomiaAvviso": "IMU, TASI e altre tasse comunali",
  "qrcode": "PAGOPA|002|301000000123453200|80002130153|1999",
  "barcode": "415801234567890180203010000001234532003902000001999"
}`

func TestGet(t *testing.T) {
	for _, base := range []string{pendenzeBase, pagamentoBase} {
		t.Run(base, func(t *testing.T) {
			c, mux, _ := setup(t, base)
			mux.HandleFunc("/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, http.MethodGet, r.Method)
				assert.Equal(t, dominio, r.PathValue("dominio"))
				assert.Equal(t, navOK, r.PathValue("nav"))
				assert.Equal(t, "application/json", r.Header.Get("Accept"))
				u, p, ok := r.BasicAuth()
				assert.True(t, ok)
				assert.Equal(t, "portale", u)
				assert.Equal(t, "s3cret", p)
				assert.Empty(t, r.URL.RawQuery)
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(avvisoJSON))
			})
			// Spaces as printed on the notice are accepted; the wire gets the digits.
			a, err := c.Get(context.Background(), dominio, "3010 0000 0123 4532 00")
			require.NoError(t, err)
			assert.Equal(t, &avvisi.Avviso{
				Stato:            avvisi.StatoNonEseguita,
				Importo:          govpay.Centesimi(1999),
				IDDominio:        dominio,
				NumeroAvviso:     avvisi.MustParseNumeroAvviso(navOK),
				DataValidita:     govpay.NewDate(2026, time.December, 31),
				DataScadenza:     govpay.NewDate(2027, time.January, 31),
				Descrizione:      "TARI 2026 rata 1",
				TassonomiaAvviso: "IMU, TASI e altre tasse comunali",
				QRCode:           "PAGOPA|002|301000000123453200|80002130153|1999",
				Barcode:          "415801234567890180203010000001234532003902000001999",
			}, a)
			assert.True(t, a.Stato.Payable())
			r, err := avvisi.ParseQRCode(a.QRCode)
			require.NoError(t, err)
			assert.Equal(t, a.Importo, r.Importo)
		})
	}
}

func TestGetQuery(t *testing.T) {
	c, mux, _ := setup(t, pagamentoBase)
	mux.HandleFunc("/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		assert.Equal(t, "RSSMRA85T10A562S", q.Get("idDebitore"))
		assert.Equal(t, "4fd5641f769a4e65b910670dece4a547", q.Get("UUID"))
		assert.Equal(t, "03AOLTB", q.Get("gRecaptchaResponse"))
		assert.Equal(t, "de", q.Get("linguaSecondaria"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"stato":"DUPLICATA","dataPagamento":"2026-03-02T10:11:12.000+0100"}`))
	})
	a, err := c.Get(context.Background(), dominio, navOK,
		avvisi.WithIDDebitore("RSSMRA85T10A562S"), avvisi.WithUUID("4fd5641f769a4e65b910670dece4a547"),
		avvisi.WithRecaptcha("03AOLTB"), avvisi.WithLinguaSecondaria("de"), nil)
	require.NoError(t, err)
	assert.Equal(t, avvisi.StatoDuplicata, a.Stato)
	assert.False(t, a.Stato.Payable())
	assert.Equal(t, govpay.NewDate(2026, time.March, 2), a.DataPagamento)
}

func TestGetSconosciuta(t *testing.T) {
	c, mux, _ := setup(t, pendenzeBase)
	mux.HandleFunc("/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"stato":"SCONOSCIUTA","importo":null,"idDominio":null}`))
	})
	a, err := c.Get(context.Background(), dominio, navOK)
	require.NoError(t, err)
	assert.Equal(t, &avvisi.Avviso{Stato: avvisi.StatoSconosciuta}, a)
	assert.True(t, a.Stato.Known())
	b, err := json.Marshal(a)
	require.NoError(t, err)
	assert.JSONEq(t, `{"stato":"SCONOSCIUTA"}`, string(b))
}

func TestGetUnknownStatoPreserved(t *testing.T) {
	c, mux, _ := setup(t, pendenzeBase)
	mux.HandleFunc("/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		_, _ = w.Write([]byte(`{"stato":"IN_RITARDO","importo":"10.00","futureField":1}`))
	})
	a, err := c.Get(context.Background(), dominio, navOK)
	require.NoError(t, err)
	assert.Equal(t, avvisi.StatoAvviso("IN_RITARDO"), a.Stato)
	assert.False(t, a.Stato.Known())
	assert.Equal(t, govpay.Euro(10), a.Importo)
}

func TestAvvisoJSONRoundTrip(t *testing.T) {
	var a avvisi.Avviso
	require.NoError(t, json.Unmarshal([]byte(avvisoJSON), &a))
	b, err := json.Marshal(a)
	require.NoError(t, err)
	assert.JSONEq(t, avvisoJSON, string(b))

	err = json.Unmarshal([]byte(`{"stato":"NON_ESEGUITA","importo":19.999}`), &a)
	assert.ErrorIs(t, err, govpay.ErrImporto)
}

func TestGetErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error)
	}{
		{"404", func(w http.ResponseWriter, r *http.Request) {
			fault(w, http.StatusNotFound, "RICHIESTA", "404000", "Risorsa non trovata")
		}, func(t *testing.T, err error) {
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, http.StatusNotFound, ge.StatusCode)
			assert.Equal(t, "404000", ge.Codice)
			assert.Equal(t, "tx-42", ge.IDTransazione)
			assert.Equal(t, "avvisi.Get", ge.Operation)
			assert.ErrorIs(t, err, govpay.ErrNotFound)
		}},
		{"406", func(w http.ResponseWriter, r *http.Request) {
			fault(w, http.StatusNotAcceptable, "RICHIESTA", "406000", "Not acceptable")
		}, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, govpay.ErrNotAcceptable)
			assert.ErrorIs(t, err, govpay.ErrRichiesta)
		}},
		{"403", func(w http.ResponseWriter, r *http.Request) {
			fault(w, http.StatusForbidden, "AUTORIZZAZIONE", "403000", "Operazione non autorizzata")
		}, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, govpay.ErrForbidden)
			assert.NotContains(t, err.Error(), "s3cret")
		}},
		{"500 html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("<html><body><h1>Proxy Error</h1></body></html>"))
		}, func(t *testing.T, err error) {
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, 500, ge.StatusCode)
			assert.Contains(t, ge.Body, "Proxy Error")
			assert.ErrorIs(t, err, govpay.ErrServer)
		}},
		{"302", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://login.example.org/", http.StatusFound)
		}, func(t *testing.T, err error) {
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, http.StatusFound, ge.StatusCode)
		}},
		{"200 html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>login</html>"))
		}, func(t *testing.T, err error) {
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "avvisi.Get", de.Operation)
		}},
		{"200 truncated", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"stato":"NON_ESEGUITA","impo`))
		}, func(t *testing.T, err error) {
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
		}},
		{"200 bad numero", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"stato":"NON_ESEGUITA","numeroAvviso":"301000000000012345"}`))
		}, func(t *testing.T, err error) {
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.ErrorIs(t, err, avvisi.ErrNumeroAvviso)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux, _ := setup(t, pendenzeBase)
			mux.HandleFunc("/avvisi/{dominio}/{nav}", tt.handler)
			a, err := c.Get(context.Background(), dominio, navOK)
			require.Error(t, err)
			assert.Nil(t, a)
			tt.check(t, err)
		})
	}
}

func TestGetRetries503(t *testing.T) {
	c, mux, _ := setup(t, pendenzeBase)
	var calls atomic.Int32
	mux.HandleFunc("/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"stato":"SCADUTA"}`))
	})
	a, err := c.Get(context.Background(), dominio, navOK)
	require.NoError(t, err)
	assert.Equal(t, avvisi.StatoScaduta, a.Stato)
	assert.Equal(t, int32(2), calls.Load())
}

func TestValidationBeforeTheWire(t *testing.T) {
	c, mux, _ := setup(t, pendenzeBase)
	var calls atomic.Int32
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	tests := []struct {
		dominio, nav string
		opts         []avvisi.GetOption
		fields       []string
		rule         string
	}{
		{"8000213015", navOK, nil, []string{"idDominio"}, "11 digits"},
		{"../../x/yy", navOK, nil, []string{"idDominio"}, "11 digits"},
		{dominio, "301000000000012345", nil, []string{"numeroAvviso"}, "check digits are 45, expected 73"},
		{dominio, "", nil, []string{"numeroAvviso"}, "empty"},
		{"ABC", "12", nil, []string{"idDominio", "numeroAvviso"}, "2 digits, want 18"},
		{dominio, navOK, []avvisi.GetOption{avvisi.WithLinguaSecondaria("it")}, []string{"linguaSecondaria"}, "de, en, fr or sl"},
		{dominio, navOK, []avvisi.GetOption{avvisi.WithIDDebitore(strings.Repeat("X", 36))}, []string{"idDebitore"}, "35"},
	}
	for _, tt := range tests {
		for _, call := range []func() error{
			func() error { _, err := c.Get(context.Background(), tt.dominio, tt.nav, tt.opts...); return err },
			func() error { _, err := c.PDF(context.Background(), tt.dominio, tt.nav, tt.opts...); return err },
		} {
			err := call()
			var ve *govpay.ValidationError
			require.ErrorAs(t, err, &ve, tt.dominio+"/"+tt.nav)
			assert.ErrorIs(t, err, govpay.ErrInvalid)
			for _, f := range tt.fields {
				assert.True(t, ve.Has(f), "%s: %v", f, err)
			}
			assert.Len(t, ve.Violations, len(tt.fields))
			assert.Contains(t, err.Error(), tt.rule)
		}
	}
	assert.Zero(t, calls.Load(), "an invalid request reached the server")
}

func TestPDF(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	c, mux, _ := setup(t, pagamentoBase)
	mux.HandleFunc("/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "application/pdf", r.Header.Get("Accept"))
		assert.Equal(t, "en", r.URL.Query().Get("linguaSecondaria"))
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write(pdf)
	})
	b, err := c.PDF(context.Background(), dominio, navOK, avvisi.WithLinguaSecondaria("en"))
	require.NoError(t, err)
	assert.Equal(t, pdf, b)
}

func TestPDFErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		check   func(t *testing.T, err error)
	}{
		{"answers JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Govpay-IdTransazione", "tx-7")
			_, _ = w.Write([]byte(`{"stato":"SCONOSCIUTA"}`))
		}, func(t *testing.T, err error) {
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "avvisi.PDF", de.Operation)
			assert.Equal(t, "application/json", de.ContentType)
			assert.Equal(t, "tx-7", de.IDTransazione)
		}},
		{"no content type", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil
			_, _ = w.Write([]byte("%PDF-1.4"))
		}, func(t *testing.T, err error) {
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
		}},
		{"404", func(w http.ResponseWriter, r *http.Request) {
			fault(w, http.StatusNotFound, "RICHIESTA", "404000", "Avviso non trovato")
		}, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, govpay.ErrNotFound)
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, "avvisi.PDF", ge.Operation)
			assert.Equal(t, "Avviso non trovato", ge.Descrizione)
		}},
		{"406", func(w http.ResponseWriter, r *http.Request) {
			fault(w, http.StatusNotAcceptable, "RICHIESTA", "406000", "Formato non supportato")
		}, func(t *testing.T, err error) {
			assert.ErrorIs(t, err, govpay.ErrNotAcceptable)
		}},
		{"204", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		}, func(t *testing.T, err error) {
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, http.StatusNoContent, ge.StatusCode)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mux, _ := setup(t, pendenzeBase)
			mux.HandleFunc("/avvisi/{dominio}/{nav}", tt.handler)
			b, err := c.PDF(context.Background(), dominio, navOK)
			require.Error(t, err)
			assert.Nil(t, b)
			tt.check(t, err)
		})
	}
}

func TestTransportFailure(t *testing.T) {
	for _, op := range []string{"Get", "PDF"} {
		t.Run(op, func(t *testing.T) {
			c, mux, _ := setup(t, pendenzeBase)
			var calls atomic.Int32
			mux.HandleFunc("/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				conn, _, err := http.NewResponseController(w).Hijack()
				if assert.NoError(t, err) {
					conn.Close()
				}
			})
			var err error
			if op == "Get" {
				_, err = c.Get(context.Background(), dominio, navOK)
			} else {
				_, err = c.PDF(context.Background(), dominio, navOK)
			}
			var ne *govpay.NetworkError
			require.ErrorAs(t, err, &ne)
			assert.Equal(t, "avvisi."+op, ne.Operation)
			assert.Equal(t, http.MethodGet, ne.Method)
			assert.Contains(t, ne.URL, pendenzeBase+"/avvisi/"+dominio+"/"+navOK)
			assert.NotContains(t, err.Error(), "s3cret")
			assert.Equal(t, int32(3), calls.Load(), "a GET is retried per the policy")
		})
	}
}

func TestServerDown(t *testing.T) {
	c, _, srv := setup(t, pendenzeBase)
	srv.Close()
	_, err := c.Get(context.Background(), dominio, navOK)
	var ne *govpay.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.False(t, ne.Sent)
}

func TestContextCancel(t *testing.T) {
	c, mux, _ := setup(t, pendenzeBase)
	arrived := make(chan struct{}, 4)
	mux.HandleFunc("/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	for _, op := range []string{"Get", "PDF"} {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		var err error
		if op == "Get" {
			_, err = c.Get(ctx, dominio, navOK)
		} else {
			_, err = c.PDF(ctx, dominio, navOK)
		}
		require.Error(t, err, op)
		assert.ErrorIs(t, err, context.Canceled, op)
		var ne *govpay.NetworkError
		assert.ErrorAs(t, err, &ne, op)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Get(ctx, dominio, navOK)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	<-arrived

	// An already cancelled context sends nothing.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	_, err = c.Get(ctx, dominio, navOK)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
}

// TestNew: the client reads notices under the Config's API Pagamento v2
// base URL; a nil Config gives a client that sends nothing and answers
// with a *govpay.ValidationError (What "config").
func TestNew(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Path
		w.WriteHeader(http.StatusNotFound)
	}))
	defer srv.Close()
	cfg, err := govpay.NewConfig(srv.URL, govpay.WithRetry(govpay.NoRetry()))
	require.NoError(t, err)
	_, _ = avvisi.New(cfg).Get(t.Context(), dominio, navOK)
	assert.Equal(t, "/govpay/frontend/api/pagamento/rs/public/v2/avvisi/"+dominio+"/"+navOK, got)

	var ve *govpay.ValidationError
	_, err = avvisi.New(nil).Get(t.Context(), dominio, navOK)
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "config", ve.What)
	_, err = avvisi.New(nil).PDF(t.Context(), dominio, navOK)
	require.ErrorAs(t, err, &ve)
}

// TestIdentifiersRefuseControlAndInvalidUTF8: an identifier with invalid
// UTF-8 or a control character (C0, DEL, C1) is a *govpay.ValidationError
// naming the field, for Get and PDF, and nothing is sent; the error text
// never carries the raw bytes.
func TestIdentifiersRefuseControlAndInvalidUTF8(t *testing.T) {
	c, mux, _ := setup(t, pendenzeBase)
	var calls atomic.Int32
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	bad := []struct{ name, v, rule string }{
		{"NUL", "\x00", "control characters"},
		{"new line", "\n", "control characters"},
		{"tab", "\t", "control characters"},
		{"DEL", "\x7f", "control characters"},
		{"C1 NEL", "\u0085", "control characters"},
		{"invalid byte", "\xff", "valid UTF-8"},
		{"truncated sequence", "\xc3", "valid UTF-8"},
		{"surrogate", "\xed\xa0\x80", "valid UTF-8"},
	}
	for _, b := range bad {
		cases := []struct {
			field        string
			dominio, nav string
			opts         []avvisi.GetOption
		}{
			{"idDominio", "8000213015" + b.v, navOK, nil},
			{"idDominio", b.v + "80002130153", navOK, nil},
			{"numeroAvviso", dominio, navOK[:9] + b.v + navOK[9:], nil},
			{"numeroAvviso", dominio, navOK + b.v, nil},
			{"idDebitore", dominio, navOK, []avvisi.GetOption{avvisi.WithIDDebitore("RSSMRA80A01H501U" + b.v)}},
			{"UUID", dominio, navOK, []avvisi.GetOption{avvisi.WithUUID("uuid-1" + b.v)}},
			{"gRecaptchaResponse", dominio, navOK, []avvisi.GetOption{avvisi.WithRecaptcha(b.v + "03AGdBq2")}},
		}
		for _, tc := range cases {
			t.Run(b.name+"/"+tc.field, func(t *testing.T) {
				for _, call := range []func() error{
					func() error { _, err := c.Get(t.Context(), tc.dominio, tc.nav, tc.opts...); return err },
					func() error { _, err := c.PDF(t.Context(), tc.dominio, tc.nav, tc.opts...); return err },
				} {
					err := call()
					var ve *govpay.ValidationError
					require.ErrorAs(t, err, &ve)
					require.Len(t, ve.Violations, 1, "%v", err)
					assert.Equal(t, tc.field, ve.Violations[0].Field)
					assert.Contains(t, ve.Violations[0].Rule, b.rule)
					assert.NotContains(t, err.Error(), b.v, "the raw bytes are not echoed")
				}
			})
		}
	}
	assert.Zero(t, calls.Load(), "an invalid request reached the server")
}

// TestPerRequestSecretsRedacted: the UUID and the reCAPTCHA answer, sent in
// the query, never show in the error of an answer that echoes them.
func TestPerRequestSecretsRedacted(t *testing.T) {
	c, mux, _ := setup(t, pendenzeBase)
	const uuid, recaptcha = "uuid-5e1f0c2a9b7d4e31", "03AGdBq25-recaptcha-answer"
	mux.HandleFunc("/avvisi/", func(w http.ResponseWriter, r *http.Request) {
		fault(w, http.StatusForbidden, "AUTORIZZAZIONE", "403000", "query "+r.URL.RawQuery+" uuid "+r.URL.Query().Get("UUID")+" captcha "+r.URL.Query().Get("gRecaptchaResponse"))
	})
	_, err := c.Get(t.Context(), dominio, navOK, avvisi.WithUUID(uuid), avvisi.WithRecaptcha(recaptcha))
	var gerr *govpay.Error
	require.ErrorAs(t, err, &gerr)
	assert.Equal(t, http.StatusForbidden, gerr.StatusCode)
	for _, text := range []string{err.Error(), gerr.Descrizione} {
		assert.NotContains(t, text, uuid)
		assert.NotContains(t, text, recaptcha)
		assert.Contains(t, text, "[REDACTED]")
	}
}
