package pendenze

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
)

// TestNewFromConfig: the client's base URL is the Config's for API
// Pendenze v2; a nil Config gives a client that sends nothing and answers
// every call with a *govpay.ValidationError (What "config").
func TestNewFromConfig(t *testing.T) {
	cfg, err := govpay.NewConfig("https://govpay.example.it/", govpay.WithBasicAuth("gestionale", "s3cret"))
	require.NoError(t, err)
	assert.Equal(t, "https://govpay.example.it/govpay/backend/api/pendenze/rs/basic/v2", New(cfg).tc.BaseURL())

	c := New(nil)
	var ve *govpay.ValidationError
	_, err = c.Get(t.Context(), "A2A", "P1")
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "config", ve.What)
	_, err = c.Put(t.Context(), "A2A", "P1", Pendenza{})
	require.Error(t, err, "an invalid pendenza or a missing config: never sent")
	for _, err := range c.List(t.Context(), ListOptions{}) {
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "config", ve.What)
		break
	}
}

func TestPutCreatedAndUpdated(t *testing.T) {
	h := setup(t)
	var n atomic.Int64
	var lastBody []byte
	h.mux.HandleFunc("/pendenze/A2A-1/P-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPut)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.Equal(t, "application/json", r.Header.Get("Accept"))
		user, pass, ok := r.BasicAuth()
		assert.True(t, ok && user == "gestionale" && pass == "s3cret")
		assert.Empty(t, r.URL.RawQuery)
		lastBody, _ = io.ReadAll(r.Body)
		if n.Add(1) == 1 {
			writeJSON(w, http.StatusCreated, caricataJSON)
			return
		}
		writeJSON(w, http.StatusOK, caricataJSON)
	})
	p := validPendenza()
	want, err := json.Marshal(p)
	require.NoError(t, err)

	car, err := h.client.Put(context.Background(), "A2A-1", "P-1", p)
	require.NoError(t, err)
	assert.True(t, car.Created)
	assert.Equal(t, "01234567890", car.IDDominio)
	assert.Equal(t, "301000000000001861", car.NumeroAvviso.String())
	assert.Equal(t, "01000000000001861", car.NumeroAvviso.IUV())
	assert.Equal(t, "u-1", car.UUID)
	assert.JSONEq(t, string(want), string(lastBody), "the body is json.Marshal(p)")

	car, err = h.client.Put(context.Background(), "A2A-1", "P-1", p)
	require.NoError(t, err)
	assert.False(t, car.Created, "200 means updated")
}

func TestPutOptions(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/pendenze/A2A-1/P-1", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch q.Get("dataAvvisatura") {
		case "MAI":
			assert.Empty(t, q.Get("stampaAvviso"))
			writeJSON(w, http.StatusOK, caricataJSON)
		case "2026-05-01":
			assert.Equal(t, "true", q.Get("stampaAvviso"))
			writeJSON(w, http.StatusCreated, `{"idDominio":"01234567890","numeroAvviso":"301000000000001861","pdf":"JVBERi0xLjQK"}`)
		default:
			t.Errorf("query %q", r.URL.RawQuery)
		}
	})
	car, err := h.client.Put(context.Background(), "A2A-1", "P-1", validPendenza(), WithStampaAvviso(), WithDataAvvisatura(govpay.NewDate(2026, 5, 1)))
	require.NoError(t, err)
	assert.Equal(t, "%PDF-1.4\n", string(car.PDF))
	_, err = h.client.Put(context.Background(), "A2A-1", "P-1", validPendenza(), WithoutAvvisatura())
	require.NoError(t, err)

	// Strict validation is opt-in per call.
	before := h.hits.Load()
	_, err = h.client.Put(context.Background(), "A2A-1", "P-1", validPendenza(), WithStrictValidation())
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("idDominio"))
	assert.Equal(t, before, h.hits.Load())
}

func TestPutFaults(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		categoria string
		codice    string
		is        []error
	}{
		{"422 VER_002", http.StatusUnprocessableEntity, "RICHIESTA", "VER_002", []error{govpay.ErrRichiesta}},
		{"400 SINTASSI", http.StatusBadRequest, "RICHIESTA", "SINTASSI", []error{govpay.ErrRichiesta}},
		{"403 APP_002", http.StatusForbidden, "AUTORIZZAZIONE", "APP_002", []error{govpay.ErrForbidden, govpay.ErrAutorizzazione}},
		{"500 INTERNO", http.StatusInternalServerError, "INTERNO", "INTERNO", []error{govpay.ErrServer, govpay.ErrInterno}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			var n atomic.Int64
			h.mux.HandleFunc("/pendenze/A2A-1/P-1", func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				writeFault(w, tt.status, tt.categoria, tt.codice, "refused")
			})
			car, err := h.client.Put(context.Background(), "A2A-1", "P-1", validPendenza())
			assert.Nil(t, car)
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, tt.status, ge.StatusCode)
			assert.Equal(t, govpay.Categoria(tt.categoria), ge.Categoria)
			assert.Equal(t, tt.codice, ge.Codice)
			assert.Equal(t, "refused", ge.Descrizione)
			assert.Equal(t, "tx-123", ge.IDTransazione)
			assert.Equal(t, "pendenze.Put", ge.Operation)
			for _, target := range tt.is {
				assert.ErrorIs(t, err, target)
			}
			assert.NotContains(t, err.Error(), "s3cret")
			assert.EqualValues(t, 1, n.Load(), "4xx/500 are not retried")
		})
	}
}

func TestPutRetriedOn503(t *testing.T) {
	h := setup(t)
	var n atomic.Int64
	h.mux.HandleFunc("/pendenze/A2A-1/P-1", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		assert.Contains(t, string(b), `"idDominio":"01234567890"`, "the body is resent whole")
		if n.Add(1) < 3 {
			w.Header().Set("Retry-After", "0")
			writeFault(w, http.StatusServiceUnavailable, "INTERNO", "INTERNO", "busy")
			return
		}
		writeJSON(w, http.StatusCreated, caricataJSON)
	})
	car, err := h.client.Put(context.Background(), "A2A-1", "P-1", validPendenza())
	require.NoError(t, err)
	assert.True(t, car.Created)
	assert.EqualValues(t, 3, n.Load())
}

func TestPutTransportFailureAndCancel(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/pendenze/A2A-1/P-1", func(w http.ResponseWriter, r *http.Request) { hijack(w) })
	_, err := h.client.Put(context.Background(), "A2A-1", "P-1", validPendenza())
	var ne *govpay.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.Equal(t, "pendenze.Put", ne.Operation)
	assert.NotContains(t, err.Error(), "s3cret")

	block := make(chan struct{})
	h.mux.HandleFunc("/pendenze/A2A-1/P-2", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	})
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = h.client.Put(ctx, "A2A-1", "P-2", validPendenza())
	require.ErrorAs(t, err, &ne)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestPutBadAnswers(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/pendenze/A2A-1/P-1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>proxy</html>")
	})
	h.mux.HandleFunc("/pendenze/A2A-1/P-2", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	h.mux.HandleFunc("/pendenze/A2A-1/P-3", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusCreated, `{"idDominio":"01234567890","numeroAvviso":30100000000000186`)
	})
	_, err := h.client.Put(context.Background(), "A2A-1", "P-1", validPendenza())
	var de *govpay.DecodeError
	require.ErrorAs(t, err, &de)
	_, err = h.client.Put(context.Background(), "A2A-1", "P-2", validPendenza())
	var ge *govpay.Error
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, http.StatusNoContent, ge.StatusCode)
	_, err = h.client.Put(context.Background(), "A2A-1", "P-3", validPendenza())
	require.ErrorAs(t, err, &de)
}

const dettaglioJSON = `{"idA2A":"A2A-1","idPendenza":"P-1","dominio":{"idDominio":"01234567890","ragioneSociale":"Comune"},
	"stato":"NON_ESEGUITA","soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA30A01H501I"},"importo":10.00,
	"dataCaricamento":"2026-01-02","tipo":"dovuto",
	"voci":[{"idVocePendenza":"1","importo":10.00,"descrizione":"d","codEntrata":"SEGRETERIA","indice":1,"stato":"Non eseguito"}],
	"rpp":[{"stato":"RT_ACCETTATA_PA","rpt":{"a":1},"rt":{"b":2}}]}`

func TestGet(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/pendenze/A2A-1/P-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		assert.Equal(t, "application/json", r.Header.Get("Accept"))
		writeJSON(w, http.StatusOK, dettaglioJSON)
	})
	h.mux.HandleFunc("/pendenze/A2A-1/P-404", func(w http.ResponseWriter, r *http.Request) {
		writeFault(w, http.StatusNotFound, "RICHIESTA", "404000", "not found")
	})
	h.mux.HandleFunc("/pendenze/A2A-1/P-hj", func(w http.ResponseWriter, r *http.Request) { hijack(w) })
	h.mux.HandleFunc("/pendenze/byAvviso/01234567890/301000000000001861", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, dettaglioJSON)
	})

	d, err := h.client.Get(context.Background(), "A2A-1", "P-1")
	require.NoError(t, err)
	assert.Equal(t, StatoNonEseguita, d.Stato)
	assert.Equal(t, "Comune", d.Dominio.RagioneSociale)
	require.Len(t, d.Voci, 1)
	assert.Equal(t, StatoVoceNonEseguito, d.Voci[0].Stato)
	assert.Equal(t, Entrata{CodEntrata: "SEGRETERIA"}, d.Voci[0].Kind)
	assert.JSONEq(t, `{"b":2}`, string(d.RPP[0].RT))

	d, err = h.client.GetByAvviso(context.Background(), "01234567890", "301000000000001861")
	require.NoError(t, err)
	assert.Equal(t, "P-1", d.IDPendenza)

	_, err = h.client.Get(context.Background(), "A2A-1", "P-404")
	assert.ErrorIs(t, err, govpay.ErrNotFound)

	_, err = h.client.Get(context.Background(), "A2A-1", "P-hj")
	var ne *govpay.NetworkError
	require.ErrorAs(t, err, &ne)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = h.client.Get(ctx, "A2A-1", "P-1")
	assert.ErrorIs(t, err, context.Canceled)

	before := h.hits.Load()
	_, err = h.client.Get(context.Background(), "A2A 1", "P-1")
	assert.ErrorIs(t, err, govpay.ErrInvalid)
	_, err = h.client.GetByAvviso(context.Background(), "0123", "12")
	assert.ErrorIs(t, err, govpay.ErrInvalid)
	assert.Equal(t, before, h.hits.Load())
}

func TestPatch(t *testing.T) {
	h := setup(t)
	var n atomic.Int64
	h.mux.HandleFunc("/pendenze/A2A-1/P-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPatch)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		b, _ := io.ReadAll(r.Body)
		assert.JSONEq(t, `[{"op":"REPLACE","path":"/stato","value":"ANNULLATA"},{"op":"REPLACE","path":"/descrizioneStato","value":"errore"},
			{"op":"REPLACE","path":"/ack","value":true},{"op":"ADD","path":"/nota","value":{"tipo":"NOTA_UTENTE","oggetto":"o","testo":"t"}}]`, string(b))
		writeJSON(w, http.StatusOK, strings.Replace(dettaglioJSON, "NON_ESEGUITA", "ANNULLATA", 1))
	})
	h.mux.HandleFunc("/pendenze/A2A-1/P-paid", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeFault(w, http.StatusInternalServerError, "OPERAZIONE", "PRT_005", "pendenza pagata")
	})
	h.mux.HandleFunc("/pendenze/A2A-1/P-503", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		writeFault(w, http.StatusServiceUnavailable, "INTERNO", "INTERNO", "busy")
	})
	h.mux.HandleFunc("/pendenze/A2A-1/P-hj", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		hijack(w)
	})

	d, err := h.client.Patch(context.Background(), "A2A-1", "P-1", ReplaceStato(StatoAnnullata), ReplaceDescrizioneStato("errore"),
		ReplaceAck(true), AddNota(Nota{Tipo: "NOTA_UTENTE", Oggetto: "o", Testo: "t"}))
	require.NoError(t, err)
	assert.Equal(t, StatoAnnullata, d.Stato)

	_, err = h.client.Patch(context.Background(), "A2A-1", "P-paid", ReplaceStato(StatoAnnullata))
	var ge *govpay.Error
	require.ErrorAs(t, err, &ge)
	assert.ErrorIs(t, err, govpay.ErrOperazione)
	assert.Equal(t, http.StatusInternalServerError, ge.StatusCode)
	assert.Equal(t, "PRT_005", ge.Codice)
	assert.EqualValues(t, 1, n.Load())

	_, err = h.client.Patch(context.Background(), "A2A-1", "P-503", ReplaceStato(StatoAnnullata))
	assert.ErrorIs(t, err, govpay.ErrServer)
	assert.EqualValues(t, 2, n.Load(), "PATCH is never retried, even on 503")

	_, err = h.client.Patch(context.Background(), "A2A-1", "P-hj", ReplaceStato(StatoAnnullata))
	var ne *govpay.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.EqualValues(t, 3, n.Load(), "PATCH is never retried, even after a connection error")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = h.client.Patch(ctx, "A2A-1", "P-1", ReplaceStato(StatoAnnullata))
	assert.ErrorIs(t, err, context.Canceled)

	before := h.hits.Load()
	_, err = h.client.Patch(context.Background(), "A2A-1", "P-1")
	assert.ErrorIs(t, err, govpay.ErrInvalid)
	_, err = h.client.Patch(context.Background(), "A2A-1", "P-1", PatchOp{Op: "MOVE", Path: "stato"})
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("[0].op") && ve.Has("[0].path"), "%v", ve.Violations)
	assert.Equal(t, before, h.hits.Load())
}

func TestAnnullaRiattiva(t *testing.T) {
	h := setup(t)
	var bodies []string
	h.mux.HandleFunc("/pendenze/A2A-1/P-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPatch)
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		writeJSON(w, http.StatusOK, dettaglioJSON)
	})
	require.NoError(t, h.client.Cancel(context.Background(), "A2A-1", "P-1", "emessa per errore"))
	require.NoError(t, h.client.Reactivate(context.Background(), "A2A-1", "P-1", ""))
	require.Len(t, bodies, 2)
	assert.JSONEq(t, `[{"op":"REPLACE","path":"/stato","value":"ANNULLATA"},{"op":"REPLACE","path":"/descrizioneStato","value":"emessa per errore"}]`, bodies[0])
	assert.JSONEq(t, `[{"op":"REPLACE","path":"/stato","value":"NON_ESEGUITA"}]`, bodies[1])

	h.mux.HandleFunc("/pendenze/A2A-1/P-2", func(w http.ResponseWriter, r *http.Request) {
		writeFault(w, http.StatusInternalServerError, "OPERAZIONE", "PRT_005", "pendenza pagata")
	})
	assert.ErrorIs(t, h.client.Cancel(context.Background(), "A2A-1", "P-2", ""), govpay.ErrOperazione)
}

func TestRT(t *testing.T) {
	h := setup(t)
	var rawPaths []string
	h.mux.HandleFunc("/rpp/", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		rawPaths = append(rawPaths, r.URL.EscapedPath())
		switch r.Header.Get("Accept") {
		case "application/pdf":
			w.Header().Set("Content-Type", "application/pdf")
			io.WriteString(w, "%PDF-1.4")
		case "application/xml":
			w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
			io.WriteString(w, "<RT/>")
		case "application/json":
			writeJSON(w, http.StatusOK, `{"receiptId":"abc"}`)
		default:
			writeFault(w, http.StatusNotAcceptable, "RICHIESTA", "406000", "no accept")
		}
	})
	b, err := h.client.GetRT(context.Background(), "01234567890", "01000000000001861", "n/a", FormatoPDF)
	require.NoError(t, err)
	assert.Equal(t, "%PDF-1.4", string(b))
	b, err = h.client.GetRT(context.Background(), "01234567890", "01000000000001861", "abc/def", FormatoXML)
	require.NoError(t, err)
	assert.Equal(t, "<RT/>", string(b))
	b, err = h.client.GetRT(context.Background(), "01234567890", "01000000000001861", "281120181253443049", FormatoJSON)
	require.NoError(t, err)
	assert.JSONEq(t, `{"receiptId":"abc"}`, string(b))
	assert.Equal(t, []string{
		"/rpp/01234567890/01000000000001861/n%2Fa/rt",
		"/rpp/01234567890/01000000000001861/abc%2Fdef/rt",
		"/rpp/01234567890/01000000000001861/281120181253443049/rt",
	}, rawPaths)

	h.mux.HandleFunc("/rpp/01234567890/404/1/rt", func(w http.ResponseWriter, r *http.Request) {
		writeFault(w, http.StatusNotFound, "RICHIESTA", "404000", "no rt")
	})
	_, err = h.client.GetRT(context.Background(), "01234567890", "404", "1", FormatoPDF)
	assert.ErrorIs(t, err, govpay.ErrNotFound)

	h.mux.HandleFunc("/rpp/01234567890/html/1/rt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html/>")
	})
	_, err = h.client.GetRT(context.Background(), "01234567890", "html", "1", FormatoPDF)
	var de *govpay.DecodeError
	require.ErrorAs(t, err, &de)

	h.mux.HandleFunc("/rpp/01234567890/hj/1/rt", func(w http.ResponseWriter, r *http.Request) { hijack(w) })
	_, err = h.client.GetRT(context.Background(), "01234567890", "hj", "1", FormatoPDF)
	var ne *govpay.NetworkError
	require.ErrorAs(t, err, &ne)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = h.client.GetRT(ctx, "01234567890", "01000000000001861", "n/a", FormatoPDF)
	assert.ErrorIs(t, err, context.Canceled)

	before := h.hits.Load()
	_, err = h.client.GetRT(context.Background(), "x", "", "", "text/plain")
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Violations, 4)
	assert.Equal(t, before, h.hits.Load())
}

func TestErrorsCarryNoSecrets(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/pendenze/A2A-1/P-1", func(w http.ResponseWriter, r *http.Request) {
		writeFault(w, http.StatusUnauthorized, "AUTORIZZAZIONE", "401000", "bad credentials")
	})
	_, err := h.client.Get(context.Background(), "A2A-1", "P-1")
	require.Error(t, err)
	assert.True(t, errors.Is(err, govpay.ErrUnauthorized))
	assert.NotContains(t, err.Error(), "s3cret")
}

// Every method on a FaultBean, a dropped connection and a cancelled context.
func TestEveryMethodFailurePaths(t *testing.T) {
	calls := map[string]func(ctx context.Context, c *Client) error{
		"Put": func(ctx context.Context, c *Client) error {
			_, err := c.Put(ctx, "A2A-1", "P-1", validPendenza())
			return err
		},
		"Get": func(ctx context.Context, c *Client) error { _, err := c.Get(ctx, "A2A-1", "P-1"); return err },
		"GetByAvviso": func(ctx context.Context, c *Client) error {
			_, err := c.GetByAvviso(ctx, "01234567890", "301000000000001861")
			return err
		},
		"List": func(ctx context.Context, c *Client) error {
			for _, err := range c.List(ctx, ListOptions{}) {
				if err != nil {
					return err
				}
			}
			return nil
		},
		"ListRPP": func(ctx context.Context, c *Client) error {
			for _, err := range c.ListRPP(ctx, RPPListOptions{IDA2A: "A2A-1", IDPendenza: "P-1"}) {
				if err != nil {
					return err
				}
			}
			return nil
		},
		"Patch": func(ctx context.Context, c *Client) error {
			_, err := c.Patch(ctx, "A2A-1", "P-1", ReplaceAck(true))
			return err
		},
		"Cancel":     func(ctx context.Context, c *Client) error { return c.Cancel(ctx, "A2A-1", "P-1", "x") },
		"Reactivate": func(ctx context.Context, c *Client) error { return c.Reactivate(ctx, "A2A-1", "P-1", "") },
		"RT": func(ctx context.Context, c *Client) error {
			_, err := c.GetRT(ctx, "01234567890", "01000000000001861", "n/a", FormatoXML)
			return err
		},
		"Load": func(ctx context.Context, c *Client) error {
			rep, err := c.Load(ctx, genItems(1, nil), LoadOptions{})
			if err != nil {
				return err
			}
			if len(rep.Failures) > 0 {
				return rep.Failures[0].Err
			}
			return nil
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			fault := setup(t)
			fault.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				writeFault(w, http.StatusUnprocessableEntity, "RICHIESTA", "VER_002", "no")
			})
			err := call(context.Background(), fault.client)
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, "VER_002", ge.Codice)
			assert.Equal(t, "tx-123", ge.IDTransazione)

			drop := setup(t)
			drop.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { hijack(w) })
			err = call(context.Background(), drop.client)
			var ne *govpay.NetworkError
			require.ErrorAs(t, err, &ne)

			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err = call(ctx, fault.client)
			require.ErrorIs(t, err, context.Canceled)
		})
	}
}
