package bench

// P1: single-call overhead of pendenze.Client.Put, pagamenti.Client.Start
// and avvisi.Client.Get against a loopback server with canned answers, each
// vs the raw generated client doing the same call (impl=gen, the peer,
// p1_gen_test.go) and vs a hand-written net/http + encoding/json call
// (impl=raw, the limit), all three sending the same request and reading
// the same answer (equivalence_test.go).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
)

const (
	idDominio    = "01234567890"
	numeroAvviso = "301000000000001861"
	urlRitorno   = "https://portale.comune.it/pagopa/ritorno"
	redirectWISP = "https://wisp.pagopa.gov.it/wallet/welcome?idSession=7f3c9a2e-54b1-4a39-b7f1-0c9e1d2f3a4b"
	idSessione   = "7f3c9a2e-54b1-4a39-b7f1-0c9e1d2f3a4b"
)

var (
	pagamentoCreato = []byte(`{"id":"a0b1c2d3e4f5","location":"/pagamenti/a0b1c2d3e4f5","redirect":"` + redirectWISP +
		`","idSession":"` + idSessione + `"}`)
	caricataJSON = []byte(`{"idDominio":"01234567890","numeroAvviso":"301000000000001861","UUID":"u-1"}`)
	avvisoJSON   = []byte(`{"stato":"NON_ESEGUITA","importo":125.99,"idDominio":"01234567890","numeroAvviso":"301000000000001861",` +
		`"dataValidita":"2026-12-31","dataScadenza":"2027-12-31","descrizione":"Diritti di segreteria",` +
		`"tassonomiaAvviso":"Servizi erogati dal comune","qrcode":"PAGOPA|002|301000000000001861|01234567890|12599",` +
		`"barcode":"415808888888888880200301000000000001861390200000012599"}`)
)

// p1Handler answers PUT /pendenze/… with a 201, POST /pagamenti with a
// legacy 201 and GET /avvisi/… with an avviso. capture, if set, receives
// each request and its body.
func p1Handler(capture func(r *http.Request, body []byte)) http.Handler {
	answer := func(status int, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			in, _ := io.ReadAll(r.Body)
			if capture != nil {
				capture(r, in)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write(body)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("PUT "+pathPendenze+"/pendenze/{idA2A}/{idPendenza}", answer(http.StatusCreated, caricataJSON))
	mux.Handle("POST "+pathPagamento+"/pagamenti", answer(http.StatusCreated, pagamentoCreato))
	mux.Handle("GET "+pathPagamento+"/avvisi/{idDominio}/{numeroAvviso}", answer(http.StatusOK, avvisoJSON))
	return mux
}

// startPendenza is the full pendenza of the benchmark cart.
func startPendenza() pendenze.Pendenza {
	return pendenze.Pendenza{
		IDTipoPendenza: "SEGRETERIA",
		IDDominio:      idDominio,
		Causale:        "Diritti di segreteria pratica 2026/123",
		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I",
			Anagrafica: "Mario Rossi", Email: "mario.rossi@example.it"},
		Importo: govpay.Centesimi(2599),
		Voci: []pendenze.Voce{
			pendenze.VoceEntrata("1", govpay.Centesimi(999), "Diritti di segreteria", pendenze.Entrata{CodEntrata: "SEGRETERIA"}),
			pendenze.VoceBollo("2", govpay.Euro(16), "Marca da bollo", pendenze.Bollo{HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RM"}),
		},
	}
}

func sdkStart(ctx context.Context, c *pagamenti.Client) (*pagamenti.Avvio, error) {
	cart := pagamenti.NewCart().
		AddPendenza("PORTALE", "PRATICA-2026-123", startPendenza()).
		AddAvviso(idDominio, numeroAvviso)
	return c.Start(ctx, cart, pagamenti.StartOptions{
		URLRitorno: urlRitorno, IDSessionePortale: "sess-2026-0001", Lingua: pagamenti.LinguaItaliano,
	})
}

// Hand-written wire types of the raw Start.
type (
	rawSoggetto struct {
		Tipo           string `json:"tipo"`
		Identificativo string `json:"identificativo"`
		Anagrafica     string `json:"anagrafica,omitempty"`
		Email          string `json:"email,omitempty"`
	}
	rawVoce struct {
		IDVocePendenza     string  `json:"idVocePendenza"`
		Importo            float64 `json:"importo"`
		Descrizione        string  `json:"descrizione"`
		CodEntrata         string  `json:"codEntrata,omitempty"`
		TipoBollo          string  `json:"tipoBollo,omitempty"`
		HashDocumento      string  `json:"hashDocumento,omitempty"`
		ProvinciaResidenza string  `json:"provinciaResidenza,omitempty"`
	}
	rawPendenzaPagamento struct {
		IDA2A            string      `json:"idA2A"`
		IDPendenza       string      `json:"idPendenza"`
		IDTipoPendenza   string      `json:"idTipoPendenza"`
		IDDominio        string      `json:"idDominio"`
		Causale          string      `json:"causale"`
		SoggettoPagatore rawSoggetto `json:"soggettoPagatore"`
		Importo          float64     `json:"importo"`
		Voci             []rawVoce   `json:"voci"`
	}
	rawRiferimentoAvviso struct {
		IDDominio    string `json:"idDominio"`
		NumeroAvviso string `json:"numeroAvviso"`
	}
	rawNuovoPagamento struct {
		Pendenze   []any  `json:"pendenze"`
		URLRitorno string `json:"urlRitorno"`
		Lingua     string `json:"lingua"`
	}
	rawPagamentoCreato struct {
		ID        string `json:"id"`
		Location  string `json:"location"`
		Redirect  string `json:"redirect"`
		IDSession string `json:"idSession"`
	}
)

// rawStart is a payment start written by hand: the same body, the same
// query, Basic authentication, the 201 decoded and the redirect checked to
// be an absolute https URL before it is handed to a browser.
func rawStart(ctx context.Context, hc *http.Client, base string) (*rawPagamentoCreato, error) {
	body, err := rawStartBody()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/pagamenti?idSessionePortale=sess-2026-0001", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(benchUser, benchPassword)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var out rawPagamentoCreato
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, err
	}
	u, err := url.Parse(out.Redirect)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("unsafe redirect %q", out.Redirect)
	}
	return &out, nil
}

// rawStartBody is the body of the raw payment start.
func rawStartBody() ([]byte, error) {
	return json.Marshal(rawNuovoPagamento{
		Pendenze: []any{
			rawPendenzaPagamento{
				IDA2A: "PORTALE", IDPendenza: "PRATICA-2026-123", IDTipoPendenza: "SEGRETERIA", IDDominio: idDominio,
				Causale: "Diritti di segreteria pratica 2026/123",
				SoggettoPagatore: rawSoggetto{Tipo: "F", Identificativo: "RSSMRA30A01H501I",
					Anagrafica: "Mario Rossi", Email: "mario.rossi@example.it"},
				Importo: 25.99,
				Voci: []rawVoce{
					{IDVocePendenza: "1", Importo: 9.99, Descrizione: "Diritti di segreteria", CodEntrata: "SEGRETERIA"},
					{IDVocePendenza: "2", Importo: 16, Descrizione: "Marca da bollo", TipoBollo: "Imposta di bollo",
						HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RM"},
				},
			},
			rawRiferimentoAvviso{IDDominio: idDominio, NumeroAvviso: numeroAvviso},
		},
		URLRitorno: urlRitorno,
		Lingua:     "it",
	})
}

// rawAvviso is the hand-written answer of GET /avvisi.
type rawAvviso struct {
	Stato            string  `json:"stato"`
	Importo          float64 `json:"importo"`
	IDDominio        string  `json:"idDominio"`
	NumeroAvviso     string  `json:"numeroAvviso"`
	DataValidita     string  `json:"dataValidita"`
	DataScadenza     string  `json:"dataScadenza"`
	Descrizione      string  `json:"descrizione"`
	TassonomiaAvviso string  `json:"tassonomiaAvviso"`
	QRCode           string  `json:"qrcode"`
	Barcode          string  `json:"barcode"`
}

// rawGetAvviso is GET /avvisi/{idDominio}/{numeroAvviso} written by hand.
func rawGetAvviso(ctx context.Context, hc *http.Client, base, dominio, numero string) (*rawAvviso, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/avvisi/"+url.PathEscape(dominio)+"/"+url.PathEscape(numero), nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(benchUser, benchPassword)
	req.Header.Set("Accept", "application/json")
	return readRawAvviso(hc.Do(req))
}

// readRawAvviso checks and decodes the answer of a GET /avvisi.
func readRawAvviso(resp *http.Response, err error) (*rawAvviso, error) {
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		return nil, errors.New("not JSON")
	}
	var a rawAvviso
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return nil, err
	}
	return &a, nil
}

func BenchmarkP1Start(b *testing.B) {
	srv, hits := serve(b, p1Handler(nil))
	base := srv.URL + pathPagamento
	ctx := context.Background()
	b.Run("impl=sdk", func(b *testing.B) {
		c := pagamenti.New(testutil.Config(b, govpay.APIPagamento, base, sdkOptions()...))
		b.ReportAllocs()
		for b.Loop() {
			a, err := sdkStart(ctx, c)
			if err != nil || a.Mode != pagamenti.ModeLegacy {
				b.Fatal(a, err)
			}
		}
	})
	b.Run("impl=gen", func(b *testing.B) {
		g, err := genPagamento(rawClient(), base)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := genStart(ctx, g); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		hc := rawClient()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := rawStart(ctx, hc, base); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=paired", func(b *testing.B) {
		c := pagamenti.New(testutil.Config(b, govpay.APIPagamento, base, sdkOptions()...))
		g, err := genPagamento(rawClient(), base)
		if err != nil {
			b.Fatal(err)
		}
		hc := rawClient()
		paired3(b, func() error {
			_, err := sdkStart(ctx, c)
			return err
		}, func() error {
			_, err := genStart(ctx, g)
			return err
		}, func() error {
			_, err := rawStart(ctx, hc, base)
			return err
		})
	})
	if hits.n.Load() == 0 {
		b.Fatal("no request reached the server")
	}
}

func BenchmarkP1AvvisoGet(b *testing.B) {
	srv, hits := serve(b, p1Handler(nil))
	base := srv.URL + pathPagamento
	ctx := context.Background()
	b.Run("impl=sdk", func(b *testing.B) {
		c := avvisi.New(testutil.Config(b, govpay.APIPagamento, base, sdkOptions()...))
		b.ReportAllocs()
		for b.Loop() {
			a, err := c.Get(ctx, idDominio, numeroAvviso)
			if err != nil || a.Importo != 12599 {
				b.Fatal(a, err)
			}
		}
	})
	b.Run("impl=gen", func(b *testing.B) {
		g, err := genPagamento(rawClient(), base)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			a, err := genGetAvviso(ctx, g, idDominio, numeroAvviso)
			if err != nil || a.Importo == nil || *a.Importo != 12599 {
				b.Fatal(a, err)
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		hc := rawClient()
		b.ReportAllocs()
		for b.Loop() {
			a, err := rawGetAvviso(ctx, hc, base, idDominio, numeroAvviso)
			if err != nil || a.Importo != 125.99 {
				b.Fatal(a, err)
			}
		}
	})
	b.Run("impl=paired", func(b *testing.B) {
		c := avvisi.New(testutil.Config(b, govpay.APIPagamento, base, sdkOptions()...))
		g, err := genPagamento(rawClient(), base)
		if err != nil {
			b.Fatal(err)
		}
		hc := rawClient()
		paired3(b, func() error {
			_, err := c.Get(ctx, idDominio, numeroAvviso)
			return err
		}, func() error {
			_, err := genGetAvviso(ctx, g, idDominio, numeroAvviso)
			return err
		}, func() error {
			_, err := rawGetAvviso(ctx, hc, base, idDominio, numeroAvviso)
			return err
		})
	})
	if hits.n.Load() == 0 {
		b.Fatal("no request reached the server")
	}
}

// BenchmarkP1StartBody isolates most of what Start does before the
// network: the SDK builds and validates the cart (a full pendenza and a
// notice), validates the options and encodes the cart (Cart.MarshalJSON,
// the "pendenze" part of the body, each item encoded with encoding/json
// when added); the raw baseline encodes its whole hand-written body.
// TestStartBodyIsCartJSON (package pagamenti) checks that the cart's JSON
// and the body Start sends are the golden bytes.
func BenchmarkP1StartBody(b *testing.B) {
	sdk := func() error {
		cart := pagamenti.NewCart().
			AddPendenza("PORTALE", "PRATICA-2026-123", startPendenza()).
			AddAvviso(idDominio, numeroAvviso)
		if err := (pagamenti.StartOptions{URLRitorno: urlRitorno, IDSessionePortale: "sess-2026-0001", Lingua: pagamenti.LinguaItaliano}).Validate(); err != nil {
			return err
		}
		_, err := cart.MarshalJSON()
		return err
	}
	raw := func() error {
		_, err := rawStartBody()
		return err
	}
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := sdk(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := raw(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=paired", func(b *testing.B) { paired(b, sdk, raw) })
}
