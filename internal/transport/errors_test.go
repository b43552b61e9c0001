package transport_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/internal/transport"
)

func TestErrorAnswers(t *testing.T) {
	const html502 = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title>
<style>body { color: red; }</style>
<script>var secret = "do not show";</script></head>
<body><!-- upstream govpay:8080 -->
<h1>Bad   Gateway</h1>
<p>The proxy server received an invalid response &amp; gave up.</p>
</body></html>`
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        govpay.Error // Operation, StatusCode and IDTransazione are checked apart
		sentence    string       // substring of Error()
		sentinels   []error
	}{
		{
			name: "FaultBean json", status: 422, contentType: "application/json",
			body:      `{"categoria":"RICHIESTA","codice":"VER_002","descrizione":"Richiesta non valida","dettaglio":"importo diverso dalla somma delle voci"}`,
			want:      govpay.Error{Categoria: "RICHIESTA", Codice: "VER_002", Descrizione: "Richiesta non valida", Dettaglio: "importo diverso dalla somma delle voci"},
			sentence:  "422 Unprocessable Entity (RICHIESTA VER_002): Richiesta non valida: importo diverso dalla somma delle voci",
			sentinels: []error{govpay.ErrRichiesta},
		},
		{
			name: "FaultBean 404", status: 404, contentType: "application/json",
			body:      `{"categoria":"RICHIESTA","codice":"404000","descrizione":"Risorsa non trovata"}`,
			want:      govpay.Error{Categoria: "RICHIESTA", Codice: "404000", Descrizione: "Risorsa non trovata"},
			sentinels: []error{govpay.ErrNotFound, govpay.ErrRichiesta},
		},
		{
			name: "FaultBean declared problem+json", status: 500, contentType: "application/problem+json",
			body:      `{"categoria":"OPERAZIONE","codice":"PRT_005","descrizione":"Pendenza non modificabile"}`,
			want:      govpay.Error{Categoria: "OPERAZIONE", Codice: "PRT_005", Descrizione: "Pendenza non modificabile"},
			sentinels: []error{govpay.ErrServer, govpay.ErrOperazione},
		},
		{
			name: "Checkout problem details", status: 400, contentType: "application/problem+json",
			body:     `{"title":"Invalid request","status":400,"detail":"emailNotice must be a valid e-mail"}`,
			want:     govpay.Error{Descrizione: "Invalid request", Dettaglio: "emailNotice must be a valid e-mail"},
			sentence: "400 Bad Request: Invalid request: emailNotice must be a valid e-mail",
		},
		{
			name: "FaultBean text/plain", status: 403, contentType: "text/plain",
			body:      `{"categoria":"AUTORIZZAZIONE","codice":"403000","descrizione":"Operazione non autorizzata"}`,
			want:      govpay.Error{Categoria: "AUTORIZZAZIONE", Codice: "403000", Descrizione: "Operazione non autorizzata"},
			sentinels: []error{govpay.ErrForbidden, govpay.ErrAutorizzazione},
		},
		{
			name: "FaultBean no content type, BOM", status: 400, contentType: "",
			body: "\ufeff" + `{"categoria":"RICHIESTA","codice":"SINTASSI","descrizione":"Sintassi errata"}`,
			want: govpay.Error{Categoria: "RICHIESTA", Codice: "SINTASSI", Descrizione: "Sintassi errata"},
		},
		{
			name: "FaultBeanEsteso", status: 502, contentType: "application/json",
			body:      `{"categoria":"PAGOPA","codice":"PAA_PAGAMENTO_SCONOSCIUTO","descrizione":"Errore pagoPA","id":"a1b2c3","location":"/pagamenti/a1b2c3"}`,
			want:      govpay.Error{Categoria: "PAGOPA", Codice: "PAA_PAGAMENTO_SCONOSCIUTO", Descrizione: "Errore pagoPA", ID: "a1b2c3", Location: "/pagamenti/a1b2c3"},
			sentence:  "(payment a1b2c3 was created)",
			sentinels: []error{govpay.ErrServer, govpay.ErrPagoPA},
		},
		{
			name: "numeric codice", status: 400, contentType: "application/json",
			body: `{"categoria":"RICHIESTA","codice":400001,"descrizione":null}`,
			want: govpay.Error{Categoria: "RICHIESTA", Codice: "400001"},
		},
		{
			name: "no body", status: 401, contentType: "",
			body:      ``,
			want:      govpay.Error{},
			sentence:  "GovPay answered 401 Unauthorized [idTransazione",
			sentinels: []error{govpay.ErrUnauthorized},
		},
		{
			name: "HTML page from a proxy", status: 502, contentType: "text/html; charset=utf-8",
			body:      html502,
			want:      govpay.Error{Body: "502 Bad Gateway Bad Gateway The proxy server received an invalid response & gave up."},
			sentence:  `502 Bad Gateway: "502 Bad Gateway Bad Gateway The proxy server received an invalid response & gave up."`,
			sentinels: []error{govpay.ErrServer},
		},
		{
			name: "truncated JSON", status: 500, contentType: "application/json",
			body:      `{"categoria":"INTERNO","codice":"GENERIC","descr`,
			want:      govpay.Error{Body: `{"categoria":"INTERNO","codice":"GENERIC","descr`},
			sentinels: []error{govpay.ErrServer},
		},
		{
			name: "JSON without fault fields", status: 409, contentType: "application/json",
			body: `{"message":"conflict"}`,
			want: govpay.Error{Body: `{"message":"conflict"}`},
		},
		{
			name: "JSON array", status: 400, contentType: "application/json",
			body: `[{"error":"x"}]`,
			want: govpay.Error{Body: `[{"error":"x"}]`},
		},
		{
			name: "plain text", status: 406, contentType: "text/plain",
			body:      "Not Acceptable\n\n",
			want:      govpay.Error{Body: "Not Acceptable"},
			sentinels: []error{govpay.ErrNotAcceptable},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux, baseURL := testutil.NewServer(t, basePath)
			mux.HandleFunc("/pendenze/A2A/P1", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(transport.HeaderIDTransazione, "idtx-42")
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				} else {
					w.Header()["Content-Type"] = nil // no sniffing
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			c := newClient(t, baseURL, govpay.WithRetry(govpay.NoRetry()))
			resp, err := c.Do(t.Context(), &transport.Request{Operation: "pendenze.Get", Method: http.MethodGet, Path: transport.Path("pendenze", "A2A", "P1")})
			require.Error(t, err)
			assert.Nil(t, resp)

			var gerr *govpay.Error
			require.True(t, errors.As(fmt.Errorf("wrapped: %w", err), &gerr), "errors.As *govpay.Error: %T %v", err, err)
			want := tt.want
			want.Operation = "pendenze.Get"
			want.StatusCode = tt.status
			want.IDTransazione = "idtx-42"
			assert.Equal(t, want, *gerr)
			assert.Contains(t, err.Error(), "govpay: pendenze.Get: ")
			assert.Contains(t, err.Error(), "[idTransazione idtx-42]")
			if tt.sentence != "" {
				assert.Contains(t, err.Error(), tt.sentence)
			}
			for _, s := range tt.sentinels {
				assert.ErrorIs(t, err, s)
			}
			assert.NotContains(t, err.Error(), "<")
			assert.NotContains(t, err.Error(), "do not show", "script content is not text")
		})
	}
}

// TestErrorBodyBounded: a 64 MB error body is not read beyond MaxErrorBody:
// the call returns quickly, the server cannot write it all, and the excerpt
// is short.
func TestErrorBodyBounded(t *testing.T) {
	const size = 64 << 20
	mux, baseURL := testutil.NewServer(t, basePath)
	var written atomic.Int64
	done := make(chan error, 1)
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		chunk := bytes.Repeat([]byte("<p>x</p>"), 4096)
		var err error
		for written.Load() < size {
			var n int
			n, err = w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				break
			}
		}
		done <- err
	})
	c := newClient(t, baseURL)
	start := time.Now()
	_, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "big"})
	elapsed := time.Since(start)
	var gerr *govpay.Error
	require.ErrorAs(t, err, &gerr)
	assert.Equal(t, 500, gerr.StatusCode)
	assert.LessOrEqual(t, utf8.RuneCountInString(gerr.Body), transport.ExcerptLen+1)
	assert.True(t, strings.HasSuffix(gerr.Body, "…"))
	assert.Less(t, elapsed, 5*time.Second)

	select {
	case werr := <-done:
		assert.Error(t, werr, "the client must hang up instead of reading 64 MB")
	case <-time.After(10 * time.Second):
		t.Fatal("the server is still writing: the client did not close the connection")
	}
	assert.Less(t, written.Load(), int64(size), "the whole body was consumed")
	t.Logf("server wrote %d bytes before the client hung up (MaxErrorBody %d)", written.Load(), transport.MaxErrorBody)
}

func TestErrorFromResponseReadsBounded(t *testing.T) {
	var read int64
	body := &countingReader{r: io.LimitReader(zeroReader{}, 10<<20), n: &read}
	resp := &http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(body)}
	e := transport.ErrorFromResponse("op", resp)
	assert.Equal(t, int64(transport.MaxErrorBody), read, "exactly MaxErrorBody bytes read from a 10 MB body")
	assert.Equal(t, 500, e.StatusCode)
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 10, ""},
		{"hello", 10, "hello"},
		{"  hello \n\t world  ", 20, "hello world"},
		{"hello world", 5, "hello…"},
		{"hello world", 6, "hello…"},
		{"<b>bold</b> text", 20, "bold text"},
		{"<p>a</p><p>b</p>", 20, "a b"},
		{"a < b and c > d", 20, "a < b and c > d"},
		{"x<3", 10, "x<3"},
		{"<SCRIPT type=x>alert(1)</ScRiPt>after", 20, "after"},
		{"<style>p{}</style><p>shown</p>", 20, "shown"},
		{"<!-- hidden <b> --> seen", 20, "seen"},
		{"&lt;tag&gt; &amp; &quot;q&quot; &egrave;", 40, "&lt;tag&gt; &amp; &quot;q&quot; &egrave;"}, // not HTML: entities kept
		{"<p>&lt;tag&gt; &amp; &egrave;</p>", 40, "<tag> & è"},
		{"àèìòù", 3, "àèì…"},
		{"bad \xff\xfe utf8", 20, "bad utf8"},
		{"ctrl\x00\x01chars", 20, "ctrl chars"},
		{"\ufeffBOM", 10, "BOM"},
		{"<unterminated tag", 10, ""},
		{"text then <unterminated", 30, "text then"},
		{"x", 0, ""},
		{strings.Repeat("<i></i>", 10000) + "end", 10, "end"},
		{"trailing   <br/>  ", 20, "trailing"},
	}
	for _, tt := range tests {
		got := transport.Excerpt([]byte(tt.in), tt.n)
		assert.Equal(t, tt.want, got, "Excerpt(%q, %d)", tt.in, tt.n)
	}
}

func TestErrorFromBodyLongFieldsClipped(t *testing.T) {
	long := strings.Repeat("é", 5000)
	e := transport.ErrorFromBody("op", 422, nil, []byte(`{"categoria":"RICHIESTA","descrizione":"`+long+`"}`))
	assert.Equal(t, transport.MaxFieldLen+1, utf8.RuneCountInString(e.Descrizione))
	assert.True(t, strings.HasSuffix(e.Descrizione, "…"))
	assert.Equal(t, "", e.IDTransazione)
}

func TestDecodeJSON(t *testing.T) {
	type payload struct {
		Importo govpay.Importo `json:"importo"`
	}
	mk := func(ct, body string) *http.Response {
		h := http.Header{}
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		h.Set(transport.HeaderIDTransazione, "tx9")
		return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(body))}
	}
	var p payload
	require.NoError(t, transport.DecodeJSON("op", mk("application/json; charset=utf-8", `{"importo":10.5}`), &p))
	assert.Equal(t, govpay.Centesimi(1050), p.Importo)
	require.NoError(t, transport.DecodeJSON("op", mk("", `{"importo":1}`), &p), "no content type: decoded as JSON")
	require.NoError(t, transport.DecodeJSON("op", mk("application/problem+json", `{"importo":1}`), &p))

	for _, tt := range []struct {
		name, ct, body string
		is             error
	}{
		{"html", "text/html", `<html></html>`, nil},
		{"malformed content type", "application/json; ===", `{}`, nil},
		{"truncated", "application/json", `{"importo":1`, io.ErrUnexpectedEOF},
		{"empty", "application/json", ``, io.ErrUnexpectedEOF},
		{"bad amount", "application/json", `{"importo":1.001}`, govpay.ErrImporto},
		{"not JSON", "application/json", `hello`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := transport.DecodeJSON("pendenze.Get", mk(tt.ct, tt.body), &p)
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "pendenze.Get", de.Operation)
			assert.Equal(t, 200, de.StatusCode)
			assert.Equal(t, "tx9", de.IDTransazione)
			assert.Equal(t, tt.ct, de.ContentType)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestReadBodyAndDrain(t *testing.T) {
	body := &closeRecorder{Reader: strings.NewReader("%PDF-1.4 ...")}
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/pdf"}}, Body: body}
	b, err := transport.ReadBody("avvisi.PDF", resp, "application/pdf")
	require.NoError(t, err)
	assert.Equal(t, "%PDF-1.4 ...", string(b))
	assert.True(t, body.closed)

	body = &closeRecorder{Reader: strings.NewReader(`{"x":1}`)}
	h := http.Header{"Content-Type": {"application/json"}}
	h.Set(transport.HeaderIDTransazione, "t")
	resp = &http.Response{StatusCode: 200, Header: h, Body: body}
	_, err = transport.ReadBody("avvisi.PDF", resp, "application/pdf")
	var de *govpay.DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "t", de.IDTransazione)
	assert.Contains(t, err.Error(), "want application/pdf")
	assert.True(t, body.closed)

	body = &closeRecorder{Reader: strings.NewReader("anything")}
	b, err = transport.ReadBody("op", &http.Response{StatusCode: 200, Header: http.Header{}, Body: body}, "")
	require.NoError(t, err)
	assert.Equal(t, "anything", string(b))

	var read int64
	cb := &closeRecorder{Reader: &countingReader{r: io.LimitReader(zeroReader{}, 1<<30), n: &read}}
	transport.Drain(&http.Response{Body: cb})
	assert.True(t, cb.closed)
	assert.Equal(t, int64(transport.MaxErrorBody), read, "Drain is bounded")
	transport.Drain(nil) // no panic
	transport.Drain(&http.Response{})
}

// TestExcerptPathological: bodies built to make a naive tag stripper
// quadratic are handled in linear time.
func TestExcerptPathological(t *testing.T) {
	const size = transport.MaxErrorBody
	bodies := map[string][]byte{
		"open tags":        bytes.Repeat([]byte("<a"), size/2),
		"scripts":          bytes.Repeat([]byte("<script>"), size/8),
		"comments":         bytes.Repeat([]byte("<!--"), size/4),
		"closing far away": append(bytes.Repeat([]byte("<a "), size/3), '>'),
		"lt":               bytes.Repeat([]byte("< "), size/2),
		"entities":         bytes.Repeat([]byte("<b>&amp;"), size/8),
		"style closers":    bytes.Repeat([]byte("<style></sty"), size/12),
	}
	for name, b := range bodies {
		start := time.Now()
		e := transport.ErrorFromBody("op", 500, nil, b)
		assert.Less(t, time.Since(start), time.Second, name)
		assert.LessOrEqual(t, utf8.RuneCountInString(e.Body), transport.ExcerptLen+1, name)
	}
}
