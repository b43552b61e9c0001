package bench

// P3: throughput of the notification handler. notifica.NewHandler receives
// an API Ente v2 receipt (PUT /ricevute/{idDominio}/{iuv}/{idRicevuta}),
// vs a hand-written handler doing the same work: method and path checks,
// Basic authentication in constant time, content type, bounded body,
// decoding into an equivalent struct, the body's idDominio and iuv checked
// against the path, the receiver called, 201.
//
// BenchmarkP3Ricevuta calls ServeHTTP directly (the handler's own cost);
// BenchmarkP3RicevutaLoopback goes through a loopback server and client.

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

const (
	ricevutaIUV  = "01000000000001861"
	ricevutaID   = "c1f0d2e3a4b5c6d7e8f9a0b1c2d3e4f5"
	ricevutaPath = "/ricevute/" + idDominio + "/" + ricevutaIUV + "/" + ricevutaID
)

// ricevutaBody is a v2 receipt as GovPay sends it: the pendenza paid with
// two voci and their collections, the PSP, the payer, and the original
// pagoPA messages (XML in base64 and GovPay's JSON conversion). About 5 KB.
var ricevutaBody = func() []byte {
	xml := func(tag string, n int) string {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><` + tag + `>`)
		for i := range n {
			b.WriteString(`<transfer><idTransfer>` + string(rune('1'+i%9)) + `</idTransfer><transferAmount>12.99</transferAmount>` +
				`<fiscalCodePA>01234567890</fiscalCodePA><IBAN>IT60X0542811101000000123456</IBAN>` +
				`<remittanceInformation>Diritti di segreteria</remittanceInformation><transferCategory>9/0101108TS/</transferCategory></transfer>`)
		}
		b.WriteString(`</` + tag + `>`)
		return base64.StdEncoding.EncodeToString([]byte(b.String()))
	}
	rpt := `{"creditorReferenceId":"` + ricevutaIUV + `","paymentAmount":25.99,"dueDate":"2026-12-31","description":"Diritti di segreteria",` +
		`"companyName":"Comune di Esempio","debtor":{"uniqueIdentifier":{"entityUniqueIdentifierType":"F","entityUniqueIdentifierValue":"RSSMRA30A01H501I"},` +
		`"fullName":"Mario Rossi","e-mail":"mario.rossi@example.it"},"transferList":{"transfer":[` +
		`{"idTransfer":1,"transferAmount":9.99,"fiscalCodePA":"01234567890","IBAN":"IT60X0542811101000000123456","remittanceInformation":"Diritti","transferCategory":"9/0101108TS/"},` +
		`{"idTransfer":2,"transferAmount":16.00,"fiscalCodePA":"01234567890","richiestaMarcaDaBollo":{"tipoBollo":"01","hashDocumento":"a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=","provinciaResidenza":"RM"},"remittanceInformation":"Marca da bollo","transferCategory":"9/0301116TS/9/24B0060000000017"}]}}`
	rt := `{"receiptId":"` + ricevutaID + `","noticeNumber":"` + numeroAvviso + `","fiscalCode":"01234567890","outcome":"OK",` +
		`"creditorReferenceId":"` + ricevutaIUV + `","paymentAmount":25.99,"description":"Diritti di segreteria","companyName":"Comune di Esempio",` +
		`"officeName":"Ufficio tributi","debtor":{"uniqueIdentifier":{"entityUniqueIdentifierType":"F","entityUniqueIdentifierValue":"RSSMRA30A01H501I"},"fullName":"Mario Rossi"},` +
		`"transferList":{"transfer":[{"idTransfer":1,"transferAmount":9.99,"fiscalCodePA":"01234567890","IBAN":"IT60X0542811101000000123456","remittanceInformation":"Diritti","transferCategory":"9/0101108TS/"},` +
		`{"idTransfer":2,"transferAmount":16.00,"fiscalCodePA":"01234567890","MBDAttachment":"PG1hcmNhRGFCb2xsbz4uLi48L21hcmNhRGFCb2xsbz4=","remittanceInformation":"Marca da bollo","transferCategory":"9/0301116TS/9/24B0060000000017"}]},` +
		`"idPSP":"BCITITMM","pspFiscalCode":"00799960158","pspPartitaIVA":"00799960158","PSPCompanyName":"Banca di Esempio","idChannel":"00799960158_01",` +
		`"channelDescription":"app","payer":{"uniqueIdentifier":{"entityUniqueIdentifierType":"F","entityUniqueIdentifierValue":"RSSMRA30A01H501I"},"fullName":"Mario Rossi"},` +
		`"paymentMethod":"creditCard","fee":1.50,"paymentDateTime":"2026-05-17T09:30:00","applicationDate":"2026-05-17","transferDate":"2026-05-18","standIn":false}`
	r := ricevute.Ricevuta{
		Dominio:            ricevute.Dominio{IDDominio: idDominio, RagioneSociale: "Comune di Esempio"},
		IUV:                ricevutaIUV,
		IDRicevuta:         ricevutaID,
		Importo:            govpay.Centesimi(2599),
		Esito:              ricevute.EsitoEseguito,
		IDPagamento:        "a0b1c2d3e4f5",
		IstitutoAttestante: ricevute.IstitutoAttestante{IDPSP: "BCITITMM", Denominazione: "Banca di Esempio", IDCanale: "00799960158_01", Descrizione: "app"},
		Versante:           govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I", Anagrafica: "Mario Rossi", Email: "mario.rossi@example.it"},
		Pendenza: ricevute.PendenzaPagata{
			IDA2A: "PORTALE", IDPendenza: "PRATICA-2026-123", IDTipoPendenza: "SEGRETERIA",
			Dominio: ricevute.Dominio{IDDominio: idDominio, RagioneSociale: "Comune di Esempio"},
			Causale: "Diritti di segreteria pratica 2026/123",
			SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I",
				Anagrafica: "Mario Rossi", Email: "mario.rossi@example.it"},
			Importo: govpay.Centesimi(2599), NumeroAvviso: numeroAvviso,
			DataValidita: govpay.NewDate(2026, 12, 31), DataScadenza: govpay.NewDate(2027, 12, 31),
			Voci: []ricevute.VocePagata{
				{IDVocePendenza: "1", Descrizione: "Diritti di segreteria", Importo: govpay.Centesimi(999),
					IBANAccredito: "IT60X0542811101000000123456", CodiceTassonomicoPagoPA: "9/0101108TS/",
					Riscossione: ricevute.RiscossioneVoce{IDDominio: idDominio, IUV: ricevutaIUV, IUR: "IUR-2026-0001", Indice: 1,
						Stato: ricevute.RiscossioneRiscossa, Tipo: ricevute.RiscossioneEntrata, Importo: govpay.Centesimi(999),
						Data: govpay.NewDateTime(time.Date(2026, 5, 17, 9, 30, 0, 0, govpay.Rome()))}},
				{IDVocePendenza: "2", Descrizione: "Marca da bollo", Importo: govpay.Euro(16),
					TipoBollo: "01", HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RM",
					Riscossione: ricevute.RiscossioneVoce{IDDominio: idDominio, IUV: ricevutaIUV, IUR: "IUR-2026-0001", Indice: 2,
						Stato: ricevute.RiscossioneRiscossa, Tipo: "MBT", Importo: govpay.Euro(16),
						Data: govpay.NewDateTime(time.Date(2026, 5, 17, 9, 30, 0, 0, govpay.Rome()))}},
			},
		},
		Data:          govpay.NewDateTime(time.Date(2026, 5, 17, 9, 30, 5, 0, govpay.Rome())),
		DataPagamento: govpay.NewDateTime(time.Date(2026, 5, 17, 9, 30, 0, 0, govpay.Rome())),
		RPT:           ricevute.Messaggio{Tipo: ricevute.MessaggioPaymentPA, XML: xml("paGetPaymentRes", 2), JSON: json.RawMessage(rpt)},
		RT:            ricevute.Messaggio{Tipo: ricevute.MessaggioReceipt, XML: xml("paSendRTReq", 2), JSON: json.RawMessage(rt)},
		Modello:       ricevute.ModelloIniziativaPSP,
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}()

// sdkReceiver counts the receipts.
type sdkReceiver struct {
	n    atomic.Int64
	last atomic.Pointer[ricevute.Ricevuta]
}

func (*sdkReceiver) Attivazione(context.Context, *notifica.Pagamento) error { return nil }
func (*sdkReceiver) Pagamento(context.Context, *notifica.Pagamento) error   { return nil }
func (s *sdkReceiver) Ricevuta(_ context.Context, r *ricevute.Ricevuta) error {
	s.n.Add(1)
	s.last.Store(r)
	return nil
}

func sdkHandler(tb testing.TB) (http.Handler, *sdkReceiver) {
	rec := &sdkReceiver{}
	h, err := notifica.NewHandler(rec, notifica.WithBasicAuth(benchUser, benchPassword))
	if err != nil {
		tb.Fatal(err)
	}
	return h, rec
}

// Hand-written types of the raw handler, equivalent to ricevute.Ricevuta.
type (
	rawDominio struct {
		IDDominio      string `json:"idDominio"`
		RagioneSociale string `json:"ragioneSociale"`
	}
	rawRiscossione struct {
		IDDominio string  `json:"idDominio"`
		IUV       string  `json:"iuv"`
		IUR       string  `json:"iur"`
		Indice    int     `json:"indice"`
		Stato     string  `json:"stato"`
		Tipo      string  `json:"tipo"`
		Importo   float64 `json:"importo"`
		Data      string  `json:"data"`
	}
	rawVocePagata struct {
		IDVocePendenza          string         `json:"idVocePendenza"`
		Descrizione             string         `json:"descrizione"`
		Importo                 float64        `json:"importo"`
		CodEntrata              string         `json:"codEntrata"`
		IBANAccredito           string         `json:"ibanAccredito"`
		CodiceTassonomicoPagoPA string         `json:"codiceTassonomicoPagoPA"`
		TipoBollo               string         `json:"tipoBollo"`
		HashDocumento           string         `json:"hashDocumento"`
		ProvinciaResidenza      string         `json:"provinciaResidenza"`
		Riscossione             rawRiscossione `json:"riscossione"`
	}
	rawPendenzaPagata struct {
		IDA2A            string          `json:"idA2A"`
		IDPendenza       string          `json:"idPendenza"`
		IDTipoPendenza   string          `json:"idTipoPendenza"`
		Dominio          rawDominio      `json:"dominio"`
		Causale          string          `json:"causale"`
		SoggettoPagatore rawSoggetto     `json:"soggettoPagatore"`
		Importo          float64         `json:"importo"`
		NumeroAvviso     string          `json:"numeroAvviso"`
		DataValidita     string          `json:"dataValidita"`
		DataScadenza     string          `json:"dataScadenza"`
		Voci             []rawVocePagata `json:"voci"`
	}
	rawMessaggio struct {
		Tipo string          `json:"tipo"`
		XML  string          `json:"xml"`
		JSON json.RawMessage `json:"json"`
	}
	rawIstituto struct {
		IDPSP         string `json:"idPSP"`
		Denominazione string `json:"denominazione"`
		IDCanale      string `json:"idCanale"`
		Descrizione   string `json:"descrizione"`
	}
	rawRicevuta struct {
		Dominio            rawDominio        `json:"dominio"`
		IUV                string            `json:"iuv"`
		IDRicevuta         string            `json:"idRicevuta"`
		Importo            float64           `json:"importo"`
		Esito              string            `json:"esito"`
		IDPagamento        string            `json:"idPagamento"`
		IstitutoAttestante rawIstituto       `json:"istitutoAttestante"`
		Versante           rawSoggetto       `json:"versante"`
		Pendenza           rawPendenzaPagata `json:"pendenza"`
		Data               string            `json:"data"`
		DataPagamento      string            `json:"dataPagamento"`
		RPT                rawMessaggio      `json:"rpt"`
		RT                 rawMessaggio      `json:"rt"`
		Modello            string            `json:"modello"`
	}
)

// rawHandler is the API Ente v2 receipt endpoint written by hand.
type rawHandler struct {
	n       atomic.Int64
	last    atomic.Pointer[rawRicevuta]
	user    []byte
	pass    []byte
	maxBody int64
}

func newRawHandler() *rawHandler {
	return &rawHandler{user: []byte(benchUser), pass: []byte(benchPassword), maxBody: notifica.DefaultMaxBodyBytes}
}

func rawFault(w http.ResponseWriter, status int, codice, descrizione string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"categoria": "RICHIESTA", "codice": codice, "descrizione": descrizione})
}

func (h *rawHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u, p, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(u), h.user)&subtle.ConstantTimeCompare([]byte(p), h.pass) != 1 {
		rawFault(w, http.StatusUnauthorized, "401", "unauthorized")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/ricevute/")
	if !ok {
		rawFault(w, http.StatusNotFound, "404", "not found")
		return
	}
	if r.Method != http.MethodPut {
		w.Header().Set("Allow", http.MethodPut)
		rawFault(w, http.StatusMethodNotAllowed, "405", "method not allowed")
		return
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) != 3 || len(parts[0]) != 11 || parts[1] == "" || parts[2] == "" {
		rawFault(w, http.StatusBadRequest, "SINTASSI", "bad path")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		rawFault(w, http.StatusUnsupportedMediaType, "415", "want application/json")
		return
	}
	var ric rawRicevuta
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, h.maxBody)).Decode(&ric); err != nil {
		rawFault(w, http.StatusBadRequest, "SINTASSI", "bad body")
		return
	}
	if ric.Dominio.IDDominio != parts[0] || ric.IUV != parts[1] {
		rawFault(w, http.StatusBadRequest, "SINTASSI", "body does not match the path")
		return
	}
	h.n.Add(1)
	h.last.Store(&ric)
	w.WriteHeader(http.StatusCreated)
}

// ricevutaRequest returns a template request for the receipt; each call
// of next gives a fresh copy with its own body.
func ricevutaRequest() func() *http.Request {
	tmpl := httptest.NewRequest(http.MethodPut, ricevutaPath, nil)
	tmpl.SetBasicAuth(benchUser, benchPassword)
	tmpl.Header.Set("Content-Type", "application/json")
	tmpl.ContentLength = int64(len(ricevutaBody))
	return func() *http.Request {
		r := *tmpl
		r.Body = io.NopCloser(bytes.NewReader(ricevutaBody))
		return &r
	}
}

func BenchmarkP3Ricevuta(b *testing.B) {
	run := func(b *testing.B, h http.Handler, count func() int64) {
		next := ricevutaRequest()
		b.SetBytes(int64(len(ricevutaBody)))
		b.ReportAllocs()
		for b.Loop() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, next())
			if w.Code != http.StatusCreated {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
		b.ReportMetric(float64(count())/b.Elapsed().Seconds(), "notifications/s")
	}
	b.Run("impl=sdk", func(b *testing.B) {
		h, rec := sdkHandler(b)
		run(b, h, rec.n.Load)
	})
	b.Run("impl=raw", func(b *testing.B) {
		h := newRawHandler()
		run(b, h, h.n.Load)
	})
	b.Run("impl=paired", func(b *testing.B) {
		sdk, _ := sdkHandler(b)
		raw := newRawHandler()
		next := ricevutaRequest()
		serve := func(h http.Handler) func() error {
			return func() error {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, next())
				if w.Code != http.StatusCreated {
					return fmt.Errorf("status %d: %s", w.Code, w.Body)
				}
				return nil
			}
		}
		paired(b, serve(sdk), serve(raw))
	})
}

func BenchmarkP3RicevutaLoopback(b *testing.B) {
	run := func(b *testing.B, h http.Handler, count func() int64) {
		put := putter(b, h)
		b.SetBytes(int64(len(ricevutaBody)))
		b.ReportAllocs()
		for b.Loop() {
			if err := put(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(count())/b.Elapsed().Seconds(), "notifications/s")
	}
	b.Run("impl=sdk", func(b *testing.B) {
		h, rec := sdkHandler(b)
		run(b, h, rec.n.Load)
	})
	b.Run("impl=raw", func(b *testing.B) {
		h := newRawHandler()
		run(b, h, h.n.Load)
	})
	b.Run("impl=paired", func(b *testing.B) {
		sdk, _ := sdkHandler(b)
		paired(b, putter(b, sdk), putter(b, newRawHandler()))
	})
}

// putter serves h on a loopback server and returns a function that PUTs
// the receipt to it.
func putter(b *testing.B, h http.Handler) func() error {
	srv, _ := serve(b, h)
	hc := rawClient()
	ctx := context.Background()
	return func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, srv.URL+ricevutaPath, bytes.NewReader(ricevutaBody))
		if err != nil {
			return err
		}
		req.SetBasicAuth(benchUser, benchPassword)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
}
