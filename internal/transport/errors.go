package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
)

// HeaderIDTransazione is the header in which GovPay names its transaction.
const HeaderIDTransazione = "X-Govpay-IdTransazione"

// faultFields are the keys of GovPay's error body (FaultBean,
// FaultBeanEsteso) and of the RFC 9457 problem details pagoPA Checkout
// answers with (title, detail).
var faultFields = []string{"categoria", "codice", "descrizione", "dettaglio", "id", "location", "title", "detail"}

// ErrorFromResponse reads at most MaxErrorBody bytes of resp (it does not
// close it) and builds the *govpay.Error it stands for, whatever its content
// type: a FaultBean, a problem+json, an HTML page (kept as a short excerpt)
// or nothing. Every text it keeps is redacted of the secrets of the request
// resp answers (resp comes from Client.Do).
func ErrorFromResponse(op string, resp *http.Response) *govpay.Error {
	return errorFromResponse(op, resp, redactorOf(resp))
}

// errorFromResponse is the one constructor of the *govpay.Error of an
// answer: every path that turns a status into an error goes through it.
func errorFromResponse(op string, resp *http.Response, r *redactor) *govpay.Error {
	var body []byte
	if resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	}
	e := errorFromBody(op, resp.StatusCode, resp.Header, body, r)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		if d, ok := RetryAfter(resp.Header, time.Now()); ok {
			e.RetryAfter = d
		}
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 && e.Location == "" {
		// The target of an unexpected redirect, for the caller's
		// diagnosis: redacted and clipped like any field.
		e.Location = clip(r.str(resp.Header.Get("Location")), MaxFieldLen)
	}
	return e
}

// MaxFieldLen bounds, in characters, each text field of a FaultBean kept in
// a *govpay.Error.
const MaxFieldLen = 2000

// errorFromBody builds the *govpay.Error of an error answer already read,
// removing r's secrets from every field before anything is cut, so no
// fragment of a secret survives in an excerpt. A JSON object with any
// FaultBean or problem+json field fills the FaultBean fields (non-string
// values are kept as their JSON text; each is cut at [MaxFieldLen]
// characters); any other body is kept as an excerpt of at most [ExcerptLen]
// characters in Body.
func errorFromBody(op string, status int, h http.Header, body []byte, r *redactor) *govpay.Error {
	e := &govpay.Error{Operation: op, StatusCode: status}
	if h != nil {
		e.IDTransazione = clip(r.str(h.Get(HeaderIDTransazione)), 200)
	}
	body = r.bytes(body)
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var m map[string]json.RawMessage
		if json.Unmarshal(trimmed, &m) == nil {
			f := map[string]string{}
			for _, k := range faultFields {
				if v, ok := m[k]; ok {
					f[k] = clip(r.str(jsonText(v)), MaxFieldLen)
				}
			}
			e.Categoria = govpay.Categoria(f["categoria"])
			e.Codice = f["codice"]
			e.Descrizione = f["descrizione"]
			e.Dettaglio = f["dettaglio"]
			e.ID = f["id"]
			e.Location = f["location"]
			if e.Descrizione == "" {
				e.Descrizione = f["title"]
			}
			if e.Dettaglio == "" {
				e.Dettaglio = f["detail"]
			}
			if e.Categoria != "" || e.Codice != "" || e.Descrizione != "" || e.Dettaglio != "" {
				return e
			}
		}
	}
	e.Body = excerpt(trimmed, ExcerptLen, r)
	return e
}

// clip cuts s at n characters, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n {
			return s[:k] + "…"
		}
		i++
	}
	return s
}

// jsonText returns a JSON string's value, "" for null, and the JSON text of
// any other value (a number, say).
func jsonText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	t := string(bytes.TrimSpace(v))
	if t == "null" {
		return ""
	}
	return t
}

// ExcerptLen is the length, in characters, of the excerpt of a body that is
// not a FaultBean.
const ExcerptLen = 200

// Excerpt returns up to n characters of b for an error message: HTML tags,
// comments, scripts and styles removed, entities decoded (when b has
// markup), control characters and invalid UTF-8 dropped, white space
// collapsed. "…" is appended when text was cut, so the result has at most
// n+1 characters. It knows no secret: text from an answer goes into an
// error through ErrorFromResponse or DecodeFailure, which redact it.
func Excerpt(b []byte, n int) string { return excerpt(b, n, nil) }

// excerpt is Excerpt with r's secrets removed before anything is cut: HTML tags, comments, scripts and
// styles removed, entities decoded (when b has markup), control characters
// and invalid UTF-8 dropped, white space collapsed. "…" is appended when
// text was cut, so the result has at most n+1 characters.
func excerpt(b []byte, n int, r *redactor) string {
	if n <= 0 {
		return ""
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	text, isHTML, more := stripTags(b, 8*n+64)
	if isHTML {
		text = html.UnescapeString(text)
	}
	text = r.str(text)
	var out strings.Builder
	count, space := 0, false
	for _, r := range text {
		switch {
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		}
		need := 1
		if space && count > 0 {
			need = 2
		}
		if count+need > n {
			more = true
			break
		}
		if need == 2 {
			out.WriteByte(' ')
		}
		space = false
		out.WriteRune(r)
		count += need
	}
	if more && count > 0 {
		out.WriteString("…")
	}
	return out.String()
}

// stripTags returns the text of b without markup, up to limit bytes; isHTML
// reports whether markup was seen, more whether text was left out.
func stripTags(b []byte, limit int) (text string, isHTML, more bool) {
	var out strings.Builder
	space := false // the last byte written is a space: runs collapse
	for i := 0; i < len(b); {
		if out.Len() >= limit {
			return out.String(), isHTML, len(bytes.TrimSpace(b[i:])) > 0
		}
		c := b[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if !space {
				out.WriteByte(' ')
				space = true
			}
			i++
			continue
		}
		if c != '<' || i+1 >= len(b) || !isTagStart(b[i+1]) {
			out.WriteByte(c)
			space = false
			i++
			continue
		}
		isHTML = true
		rest := b[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			i += skipPast(rest, "-->")
		case hasTagName(rest, "script"):
			i += skipPast(rest, "</script")
			i += skipPast(b[i:], ">")
		case hasTagName(rest, "style"):
			i += skipPast(rest, "</style")
			i += skipPast(b[i:], ">")
		default:
			i += skipPast(rest, ">")
		}
		if !space {
			out.WriteByte(' ')
			space = true
		}
	}
	return out.String(), isHTML, false
}

func isTagStart(c byte) bool {
	return c == '/' || c == '!' || c == '?' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// hasTagName reports whether b starts with the opening tag <name.
func hasTagName(b []byte, name string) bool {
	if len(b) < len(name)+2 || !strings.EqualFold(string(b[1:1+len(name)]), name) {
		return false
	}
	c := b[1+len(name)]
	return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// skipPast returns the length of b up to and including the first marker
// (case-insensitive), or len(b) when there is none.
func skipPast(b []byte, marker string) int {
	for i := 0; i+len(marker) <= len(b); {
		j := bytes.IndexByte(b[i:], marker[0]) // markers start with a non-letter
		if j < 0 {
			break
		}
		i += j
		if i+len(marker) <= len(b) && strings.EqualFold(string(b[i:i+len(marker)]), marker) {
			return i + len(marker)
		}
		i++
	}
	return len(b)
}

// DecodeJSON decodes a successful answer into v, reading at most MaxBody
// bytes, and closes the body. A body that is not JSON (by content type or by
// content) gives a *govpay.DecodeError. An answer without a content type
// is decoded as JSON.
func DecodeJSON(op string, resp *http.Response, v any) error {
	defer Drain(resp)
	ct := resp.Header.Get("Content-Type")
	if err := expectJSON(ct); err != nil {
		return DecodeFailure(op, resp, err)
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, MaxBody))
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return DecodeFailure(op, resp, err)
	}
	return nil
}

// maxHeaderText bounds, in characters, a header value kept in an error
// (content type, transaction id).
const maxHeaderText = 200

// DecodeFailure is the one constructor of the *govpay.DecodeError of an
// answer whose status was expected but whose body or headers are not what
// the operation needs. Its content type, transaction id and err's text are
// redacted of the secrets of the request resp answers (resp comes from
// Client.Do) and clipped; errors.Is and errors.As still see err. resp's
// body may already be closed: only its status and headers are read.
func DecodeFailure(op string, resp *http.Response, err error) *govpay.DecodeError {
	r := redactorOf(resp)
	return &govpay.DecodeError{
		Operation:     op,
		StatusCode:    resp.StatusCode,
		ContentType:   clip(r.str(resp.Header.Get("Content-Type")), maxHeaderText),
		IDTransazione: clip(r.str(resp.Header.Get(HeaderIDTransazione)), maxHeaderText),
		Err:           r.err(err),
	}
}

func expectJSON(ct string) error {
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return errors.New("malformed content type")
	}
	if mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json" {
		return nil
	}
	return fmt.Errorf("unexpected content type %s, want application/json", mt)
}

// ReadBody reads a successful answer of the given media type (e.g.
// application/pdf; any when empty), at most MaxBody bytes, and closes it.
func ReadBody(op string, resp *http.Response, mediaType string) ([]byte, error) {
	defer resp.Body.Close()
	if mediaType != "" {
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if mt != mediaType {
			return nil, DecodeFailure(op, resp, fmt.Errorf("unexpected content type, want %s", mediaType))
		}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, DecodeFailure(op, resp, err)
	}
	if len(b) > MaxBody {
		return nil, DecodeFailure(op, resp, fmt.Errorf("body larger than %d bytes", MaxBody))
	}
	return b, nil
}

// Drain discards the rest of a body (at most MaxErrorBody bytes) and closes
// it, so the connection can be reused.
func Drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxErrorBody))
	resp.Body.Close()
}

// Incomplete returns the *govpay.DecodeError of a successful answer that
// decoded but lacks fields every genuine answer of the operation carries:
// a JSON document from somewhere else (a proxy, a misrouted request) must
// not pass for an empty resource. resp's body may already be closed; only
// its status and headers are read.
func Incomplete(op string, resp *http.Response, missing ...string) error {
	return DecodeFailure(op, resp, fmt.Errorf("the answer lacks required fields: %s", strings.Join(missing, ", ")))
}
