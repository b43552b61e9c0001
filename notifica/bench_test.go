package notifica_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

const fixtureTarget = "/ricevute/01234567890/01000000000012345/b7e3a0c6f1d24c6f9a3f0e2d5c4b1a09"

// TestFixtureRicevuta checks the benchmark's fixture (our own v2 receipt
// with a SANP 2 receipt) decodes as expected, so the benchmark measures a
// successful delivery.
func TestFixtureRicevuta(t *testing.T) {
	body, err := os.ReadFile("testdata/ricevuta_v2.json")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	h := newHandler(t, rec)
	res := do(h, "PUT", fixtureTarget, body)
	if res.Code != 201 {
		t.Fatalf("status %d: %s", res.Code, res.Body)
	}
	r := rec.ric[0]
	var sum govpay.Importo
	for _, v := range r.Pendenza.Voci {
		sum += v.Riscossione.Importo
	}
	d, err := r.DatiRT()
	if err != nil {
		t.Fatal(err)
	}
	if r.Importo != 25050 || sum != 25050 || d.ImportoPagato != 25050 || d.Commissioni != 150 || d.Formato != ricevute.FormatoReceipt {
		t.Errorf("importo %v, sum of riscossioni %v, DatiRT %+v", r.Importo, sum, d)
	}
	if !r.Data.Time().Truncate(time.Second).Equal(time.Date(2024, 5, 17, 10, 21, 2, 0, time.UTC)) || // API Ente v2 writes UTC
		!r.Pendenza.Voci[2].TipoBollo.ImpostaDiBollo() {
		t.Errorf("data %v bollo %q", r.Data, r.Pendenza.Voci[2].TipoBollo)
	}
}

// discardReceiver accepts everything.
type discardReceiver struct{ n int }

func (d *discardReceiver) Attivazione(context.Context, *notifica.Pagamento) error { d.n++; return nil }
func (d *discardReceiver) Pagamento(context.Context, *notifica.Pagamento) error   { d.n++; return nil }
func (d *discardReceiver) Ricevuta(context.Context, *ricevute.Ricevuta) error     { d.n++; return nil }

// rawDominio, rawSoggetto: plain structs of strings.
type rawDominio struct {
	IDDominio      string `json:"idDominio"`
	RagioneSociale string `json:"ragioneSociale"`
}

type rawSoggetto struct {
	Tipo, Identificativo, Anagrafica, Indirizzo, Civico, CAP, Localita, Provincia, Nazione, Email, Cellulare string
}

// rawRicevuta is what a hand-written handler would decode the same body
// into: the same fields, float64 amounts, string dates.
type rawRicevuta struct {
	Dominio            rawDominio `json:"dominio"`
	IUV                string     `json:"iuv"`
	IDRicevuta         string     `json:"idRicevuta"`
	Importo            float64    `json:"importo"`
	Esito              string     `json:"esito"`
	Stato              string     `json:"stato"`
	IDPagamento        string     `json:"idPagamento"`
	IDSessionePsp      string     `json:"idSessionePsp"`
	IstitutoAttestante struct {
		IDPSP, Denominazione, IDCanale, Descrizione string
	} `json:"istitutoAttestante"`
	Versante rawSoggetto `json:"versante"`
	Pendenza struct {
		IDA2A            string `json:"idA2A"`
		IDPendenza       string `json:"idPendenza"`
		IDTipoPendenza   string `json:"idTipoPendenza"`
		Dominio          rawDominio
		UnitaOperativa   struct{ IDUnita, RagioneSociale string }
		Causale          string
		SoggettoPagatore rawSoggetto
		Importo          float64
		NumeroAvviso     string
		DataValidita     string
		DataScadenza     string
		AnnoRiferimento  int
		Tassonomia       string
		UUID             string
		DatiAllegati     json.RawMessage
		Voci             []struct {
			Dominio                 rawDominio
			IDVocePendenza          string
			Descrizione             string
			IBANAccredito           string `json:"ibanAccredito"`
			CodiceTassonomicoPagoPA string
			CodEntrata              string
			TipoBollo               string
			HashDocumento           string
			ProvinciaResidenza      string
			Contabilita             json.RawMessage
			Riscossione             struct {
				IDDominio, IUV, IUR, Stato, Tipo, Data string
				Indice                                 int
				Importo                                float64
				Allegato                               *struct{ Tipo, Testo string }
			}
		}
	} `json:"pendenza"`
	Data          string `json:"data"`
	DataPagamento string `json:"dataPagamento"`
	RPT, RT       struct {
		Tipo, XML string
		JSON      json.RawMessage
	}
	Modello string `json:"modello"`
}

// benchWriter is a ResponseWriter that keeps nothing.
type benchWriter struct {
	h    http.Header
	code int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *benchWriter) WriteHeader(c int)           { w.code = c }

func benchServe(b *testing.B, h http.Handler, body []byte, auth bool) {
	req, err := http.NewRequest(http.MethodPut, "http://ente.example"+fixtureTarget, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth {
		req.SetBasicAuth(testUser, testPass)
	}
	rd := bytes.NewReader(body)
	w := &benchWriter{h: http.Header{}}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(body)
		req.Body = io.NopCloser(rd)
		req.ContentLength = int64(len(body))
		clear(w.h)
		w.code = 0
		h.ServeHTTP(w, req)
		if w.code != http.StatusCreated {
			b.Fatalf("status %d", w.code)
		}
	}
}

// BenchmarkRicevuta compares the handler with a raw net/http handler that
// routes with the same ServeMux pattern and decodes the same v2 body with
// encoding/json into a plain struct. Target: notifica ≥ 0.9× raw
// throughput.
func BenchmarkRicevuta(b *testing.B) {
	body, err := os.ReadFile("testdata/ricevuta_v2.json")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("raw", func(b *testing.B) {
		mux := http.NewServeMux()
		mux.HandleFunc("PUT /ricevute/{idDominio}/{iuv}/{idRicevuta...}", func(w http.ResponseWriter, r *http.Request) {
			var v rawRicevuta
			if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusCreated)
		})
		benchServe(b, mux, body, false)
	})
	b.Run("notifica", func(b *testing.B) {
		h, err := notifica.NewHandler(&discardReceiver{}, notifica.WithNoAuthentication())
		if err != nil {
			b.Fatal(err)
		}
		benchServe(b, h, body, false)
	})
	b.Run("notifica+basic+dedup", func(b *testing.B) {
		h, err := notifica.NewHandler(&discardReceiver{}, notifica.WithBasicAuth(testUser, testPass),
			notifica.WithDeduplicator(notifica.NewMemoryDeduplicator()))
		if err != nil {
			b.Fatal(err)
		}
		benchServe(b, h, body, true)
	})
}

// BenchmarkRicevutaInterleaved serves the same body alternately with the
// raw handler and with notifica, timing each, so that the load of a shared
// machine affects both alike. It reports the ns/op of each and
// notifica's throughput relative to raw ("x-raw", target ≥ 0.9).
func BenchmarkRicevutaInterleaved(b *testing.B) {
	body, err := os.ReadFile("testdata/ricevuta_v2.json")
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /ricevute/{idDominio}/{iuv}/{idRicevuta...}", func(w http.ResponseWriter, r *http.Request) {
		var v rawRicevuta
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	ours, err := notifica.NewHandler(&discardReceiver{}, notifica.WithNoAuthentication())
	if err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, "http://ente.example"+fixtureTarget, nil)
	req.Header.Set("Content-Type", "application/json")
	rd := bytes.NewReader(body)
	w := &benchWriter{h: http.Header{}}
	serve := func(h http.Handler) time.Duration {
		rd.Reset(body)
		req.Body = io.NopCloser(rd)
		req.ContentLength = int64(len(body))
		clear(w.h)
		w.code = 0
		start := time.Now()
		h.ServeHTTP(w, req)
		d := time.Since(start)
		if w.code != http.StatusCreated {
			b.Fatalf("status %d", w.code)
		}
		return d
	}
	var raw, ourTotal time.Duration
	n := 0
	for b.Loop() {
		raw += serve(mux)
		ourTotal += serve(ours)
		n++
	}
	b.ReportMetric(float64(raw.Nanoseconds())/float64(n), "raw-ns/op")
	b.ReportMetric(float64(ourTotal.Nanoseconds())/float64(n), "notifica-ns/op")
	b.ReportMetric(float64(raw)/float64(ourTotal), "x-raw")
}
