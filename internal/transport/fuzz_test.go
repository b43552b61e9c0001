package transport_test

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/govpaygo/govpay/internal/transport"
)

// FuzzFaultBean: ErrorFromBody never panics, always yields a sentence, and
// keeps every text bounded and valid UTF-8 whatever the body.
func FuzzFaultBean(f *testing.F) {
	f.Add(422, []byte(`{"categoria":"RICHIESTA","codice":"VER_002","descrizione":"Richiesta non valida","dettaglio":"x"}`), "tx")
	f.Add(502, []byte(`<html><body><h1>Bad Gateway</h1></body></html>`), "")
	f.Add(400, []byte(`{"title":"Invalid","status":400,"detail":"bad"}`), "")
	f.Add(500, []byte(`{"categoria":"INTERNO","codice":`), "")
	f.Add(401, []byte{}, "")
	f.Fuzz(func(t *testing.T, status int, body []byte, idTx string) {
		h := http.Header{}
		h.Set(transport.HeaderIDTransazione, idTx)
		e := transport.ErrorFromBody("op", status, h, body)
		if e == nil {
			t.Fatal("nil error")
		}
		msg := e.Error()
		if msg == "" || !strings.HasPrefix(msg, "govpay: op: ") {
			t.Fatalf("Error() = %q", msg)
		}
		if e.StatusCode != status {
			t.Fatalf("status %d, want %d", e.StatusCode, status)
		}
		if n := utf8.RuneCountInString(e.Body); n > transport.ExcerptLen+1 {
			t.Fatalf("Body excerpt has %d characters: %q", n, e.Body)
		}
		if e.Body != "" && (!utf8.ValidString(e.Body) || strings.ContainsAny(e.Body, "\x00\n\r\t")) {
			t.Fatalf("Body excerpt is not clean text: %q", e.Body)
		}
		if strings.TrimSpace(e.Body) != e.Body {
			t.Fatalf("Body excerpt not trimmed: %q", e.Body)
		}
		for name, v := range map[string]string{"categoria": string(e.Categoria), "codice": e.Codice, "descrizione": e.Descrizione,
			"dettaglio": e.Dettaglio, "id": e.ID, "location": e.Location} {
			if n := utf8.RuneCountInString(v); n > transport.MaxFieldLen+1 {
				t.Fatalf("%s has %d characters", name, n)
			}
		}
		if e.Body != "" && (e.Categoria != "" || e.Codice != "" || e.Descrizione != "" || e.Dettaglio != "") {
			t.Fatalf("both a FaultBean and an excerpt: %+v", e)
		}
	})
}
