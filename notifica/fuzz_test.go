package notifica_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

var fuzzMethods = []string{http.MethodPost, http.MethodPut, http.MethodGet, http.MethodDelete, http.MethodPatch}

// fuzzReceiver records the kind of the last call; it never fails.
type fuzzReceiver struct {
	calls int
	kind  string
}

func (f *fuzzReceiver) Attivazione(context.Context, *notifica.Pagamento) error {
	f.calls, f.kind = f.calls+1, notifica.KindAttivazione
	return nil
}

func (f *fuzzReceiver) Pagamento(context.Context, *notifica.Pagamento) error {
	f.calls, f.kind = f.calls+1, notifica.KindPagamento
	return nil
}

func (f *fuzzReceiver) Ricevuta(context.Context, *ricevute.Ricevuta) error {
	f.calls, f.kind = f.calls+1, notifica.KindRicevuta
	return nil
}

func (f *fuzzReceiver) VerificaAvviso(context.Context, string, string) (*notifica.PendenzaVerificata, error) {
	f.kind = "verifica"
	return notifica.Sconosciuta("sconosciuta"), nil
}

func (f *fuzzReceiver) VerificaPendenza(context.Context, string, string) (*notifica.PendenzaVerificata, error) {
	f.kind = "verifica"
	return notifica.Annullata("annullata"), nil
}

func (f *fuzzReceiver) VerificaSpontanea(_ context.Context, r notifica.RichiestaSpontanea) (*notifica.PendenzaVerificata, error) {
	f.kind = "spontanea"
	if !json.Valid(r.Dati) || !bytes.HasPrefix(bytes.TrimSpace(r.Dati), []byte("{")) {
		panic("spontaneous request with a body that is not a JSON object")
	}
	return notifica.Scaduta("scaduta"), nil
}

// FuzzHandler sends arbitrary methods, paths and bodies. The handler must
// never panic (its recovery would log it) and must never answer 2xx to a
// notification whose body does not decode into the typed payload.
func FuzzHandler(f *testing.F) {
	f.Add(byte(1), pathRicevuta, []byte(bodyRicevuta))
	f.Add(byte(0), pathPagamento+"?idSession=x", []byte(bodyPagamento))
	f.Add(byte(0), pathPagamento, []byte(bodyAttivazione))
	f.Add(byte(2), "/avvisi/01234567890/301000000202012345", []byte(nil))
	f.Add(byte(0), "/pendenze/01234567890/LIBERO", []byte(`{"a":1}`))
	f.Fuzz(func(t *testing.T, sel byte, target string, body []byte) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		logs := &logBuffer{}
		rec := &fuzzReceiver{}
		h, err := notifica.NewHandler(rec, notifica.WithNoAuthentication(), notifica.WithMaxBodyBytes(64<<10),
			notifica.WithLogger(newLogger(logs)))
		if err != nil {
			t.Fatal(err)
		}
		req := &http.Request{
			Method:     fuzzMethods[int(sel)%len(fuzzMethods)],
			URL:        u,
			Proto:      "HTTP/1.1",
			ProtoMajor: 1, ProtoMinor: 1,
			Header:        http.Header{"Content-Type": {"application/json"}},
			Host:          "govpay.example",
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)),
		}
		res := httptest.NewRecorder()
		h.ServeHTTP(res, req)

		if strings.Contains(logs.String(), "panic") {
			t.Fatalf("the handler panicked: %s", logs)
		}
		code := res.Code
		switch code {
		case 200, 201, 400, 404, 405, 413, 415, 501:
		default:
			t.Fatalf("unexpected status %d: %s", code, res.Body)
		}
		if code >= 300 {
			if rec.calls != 0 {
				t.Fatalf("status %d but the receiver was called", code)
			}
			var fb map[string]any
			if json.Unmarshal(res.Body.Bytes(), &fb) != nil || fb["categoria"] == nil {
				t.Fatalf("status %d without a FaultBean: %q", code, res.Body)
			}
			return
		}
		// 2xx: what was accepted must decode.
		var into any
		switch rec.kind {
		case notifica.KindRicevuta:
			into = &ricevute.Ricevuta{}
		case notifica.KindAttivazione, notifica.KindPagamento:
			into = &notifica.Pagamento{}
		case "verifica":
			return
		case "spontanea":
			into = &map[string]json.RawMessage{}
		default:
			t.Fatalf("status %d without any call", code)
		}
		if rec.kind != "spontanea" && rec.calls != 1 {
			t.Fatalf("status %d with %d receiver calls", code, rec.calls)
		}
		if !bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{")) {
			t.Fatalf("2xx for a body that is not a JSON object: %q", body)
		}
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("2xx for a body that does not decode (%v): %q", err, body)
		}
	})
}
