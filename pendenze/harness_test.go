package pendenze

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
)

// basePath is where the fake API is mounted, deep enough that a method
// building an absolute path misses it.
const basePath = "/govpay/backend/api/pendenze/rs/basic/v2"

// testRetry keeps retries fast in tests.
var testRetry = govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second})

type harness struct {
	t      *testing.T
	mux    *http.ServeMux
	server *httptest.Server
	client *Client
	hits   atomic.Int64
}

// setup starts a server whose mux sees paths relative to basePath and a
// client pointed at it.
func setup(t *testing.T, opts ...govpay.Option) *harness {
	t.Helper()
	h := &harness{t: t, mux: http.NewServeMux()}
	outer := http.NewServeMux()
	outer.Handle(basePath+"/", http.StripPrefix(basePath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.hits.Add(1)
		h.mux.ServeHTTP(w, r)
	})))
	outer.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.hits.Add(1)
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		http.Error(w, "outside base path", http.StatusBadGateway)
	})
	h.server = httptest.NewServer(outer)
	t.Cleanup(h.server.Close)
	c := New(testutil.Config(t, govpay.APIPendenze, h.server.URL+basePath, append([]govpay.Option{testRetry, govpay.WithBasicAuth("gestionale", "s3cret")}, opts...)...))
	h.client = c
	return h
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	switch b := v.(type) {
	case string:
		io.WriteString(w, b)
	default:
		json.NewEncoder(w).Encode(v)
	}
}

func writeFault(w http.ResponseWriter, status int, categoria, codice, descrizione string) {
	w.Header().Set("X-Govpay-IdTransazione", "tx-123")
	writeJSON(w, status, map[string]string{"categoria": categoria, "codice": codice, "descrizione": descrizione, "dettaglio": "dettaglio"})
}

// hijack closes the connection without an answer.
func hijack(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s, want %s", r.Method, want)
	}
}

// validPendenza returns a pendenza GovPay accepts, with GovPay's demo data
// (which fails the strict checks).
func validPendenza() Pendenza {
	return Pendenza{
		IDTipoPendenza: "LIBERO",
		IDDominio:      "01234567890",
		Causale:        "Pagamento dovuto n. 1",
		SoggettoPagatore: govpay.Soggetto{
			Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I", Anagrafica: "Mario Rossi",
			Email: "mario.rossi@testmail.it", Cellulare: "+39 000-0000000",
		},
		Importo:      govpay.Centesimi(12599),
		DataValidita: govpay.NewDate(2900, 12, 31),
		DataScadenza: govpay.NewDate(2999, 12, 31),
		Voci: []Voce{
			VoceEntrata("1", govpay.Centesimi(9999), "Diritti e segreteria", Entrata{CodEntrata: "SEGRETERIA"}),
			VoceAccredito("2", govpay.Euro(10), "Diritti e segreteria", Accredito{IBANAccredito: "IT02L1234500000999990000001", TipoContabilita: ContabilitaAltro, CodiceContabilita: "CodiceContabilita"}),
			VoceBollo("3", govpay.Euro(16), "Marca da bollo", Bollo{HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RO"}),
		},
	}
}

// strictPendenza returns a pendenza with real check digits everywhere.
func strictPendenza() Pendenza {
	p := validPendenza()
	p.IDDominio = "80015010723"
	p.Voci[1].Kind = Accredito{IBANAccredito: "IT60X0542811101000000123456", TipoContabilita: ContabilitaAltro, CodiceContabilita: "9/0101"}
	return p
}

const caricataJSON = `{"idDominio":"01234567890","numeroAvviso":"301000000000001861","UUID":"u-1"}`
