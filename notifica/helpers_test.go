package notifica_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

const (
	testUser = "govpay"
	testPass = "s3cret-Pa55"
)

// recorder is a Receiver that records what it receives and can be told to
// fail, panic or block.
type recorder struct {
	mu    sync.Mutex
	att   []*notifica.Pagamento
	pag   []*notifica.Pagamento
	ric   []*ricevute.Ricevuta
	calls atomic.Int64
	// fail, if set, is consulted with the 1-based call number.
	fail func(n int64) error
	// panicWith, if not nil, is panicked with.
	panicWith any
	// block, if set, is waited on before returning.
	block chan struct{}
}

func (r *recorder) enter() error {
	n := r.calls.Add(1)
	if r.block != nil {
		<-r.block
	}
	if r.panicWith != nil {
		panic(r.panicWith)
	}
	if r.fail != nil {
		return r.fail(n)
	}
	return nil
}

func (r *recorder) Attivazione(_ context.Context, n *notifica.Pagamento) error {
	if err := r.enter(); err != nil {
		return err
	}
	r.mu.Lock()
	r.att = append(r.att, n)
	r.mu.Unlock()
	return nil
}

func (r *recorder) Pagamento(_ context.Context, n *notifica.Pagamento) error {
	if err := r.enter(); err != nil {
		return err
	}
	r.mu.Lock()
	r.pag = append(r.pag, n)
	r.mu.Unlock()
	return nil
}

func (r *recorder) Ricevuta(_ context.Context, n *ricevute.Ricevuta) error {
	if err := r.enter(); err != nil {
		return err
	}
	r.mu.Lock()
	r.ric = append(r.ric, n)
	r.mu.Unlock()
	return nil
}

// logBuffer is a concurrency-safe log sink.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newHandler builds a handler with Basic auth and the given options.
func newHandler(t testing.TB, r notifica.Receiver, opts ...notifica.Option) http.Handler {
	t.Helper()
	opts = append([]notifica.Option{notifica.WithBasicAuth(testUser, testPass)}, opts...)
	h, err := notifica.NewHandler(r, opts...)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	return h
}

// do serves one request with Basic credentials and a JSON body.
func do(h http.Handler, method, target string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.SetBasicAuth(testUser, testPass)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// minimal bodies used by many tests.
const (
	bodyRicevuta = `{"dominio":{"idDominio":"01234567890","ragioneSociale":"Comune"},"iuv":"01000000000012345",` +
		`"idRicevuta":"rcpt-1","importo":100.99,"esito":"ESEGUITO","modello":"Pagamento ad iniziativa PSP",` +
		`"pendenza":{"idA2A":"A2A","idPendenza":"P1","importo":100.99,"voci":[{"idVocePendenza":"1",` +
		`"codEntrata":"SEGRETERIA","riscossione":{"iur":"IUR1","indice":1,"tipo":"ENTRATA","importo":100.99,"data":"2024-05-17T09:30:00"}}]}}`
	pathRicevuta    = "/ricevute/01234567890/01000000000012345/rcpt-1"
	bodyAttivazione = `{"idA2A":"A2A","idPendenza":"P1","rpt":{"creditorReferenceId":"01000000000012345","paymentAmount":"100.99"},"rt":null,"riscossioni":null}`
	bodyPagamento   = `{"idA2A":"A2A","idPendenza":"P1","rpt":{"creditorReferenceId":"01000000000012345"},` +
		`"rt":{"receiptId":"r-77","outcome":"OK","paymentAmount":"100.99","fee":"1.00"},` +
		`"riscossioni":[{"idDominio":"01234567890","iuv":"01000000000012345","iur":"IUR1","indice":1,"stato":"RISCOSSA","tipo":"ENTRATA","importo":100.99,"data":"2024-05-17"}]}`
	pathPagamento = "/pagamenti/01234567890/01000000000012345"
)
