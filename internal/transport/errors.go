package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
)

// HeaderIDTransazione is the header in which GovPay names its transaction.
const HeaderIDTransazione = "X-Govpay-IdTransazione"

// faultBean is GovPay's error body (FaultBean, FaultBeanEsteso), and the
// RFC 7807 problem details pagoPA Checkout answers with.
type faultBean struct {
	Categoria   string `json:"categoria"`
	Codice      string `json:"codice"`
	Descrizione string `json:"descrizione"`
	Dettaglio   string `json:"dettaglio"`
	ID          string `json:"id"`
	Location    string `json:"location"`
	// problem+json
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
}

// ErrorFromResponse reads at most MaxErrorBody bytes of resp (it does not
// close it) and builds the *govpay.Error it stands for, whatever its content
// type: a FaultBean, a problem+json, an HTML page (kept as a short excerpt)
// or nothing.
func ErrorFromResponse(op string, resp *http.Response) *govpay.Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	return ErrorFromBody(op, resp.StatusCode, resp.Header, body)
}

// ErrorFromBody builds the *govpay.Error of an error answer already read.
func ErrorFromBody(op string, status int, h http.Header, body []byte) *govpay.Error {
	e := &govpay.Error{Operation: op, StatusCode: status, IDTransazione: h.Get(HeaderIDTransazione)}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var fb faultBean
		if json.Unmarshal(trimmed, &fb) == nil {
			e.Categoria = govpay.Categoria(fb.Categoria)
			e.Codice = fb.Codice
			e.Descrizione = fb.Descrizione
			e.Dettaglio = fb.Dettaglio
			e.ID = fb.ID
			e.Location = fb.Location
			if e.Descrizione == "" && fb.Title != "" {
				e.Descrizione = fb.Title
			}
			if e.Dettaglio == "" && fb.Detail != "" {
				e.Dettaglio = fb.Detail
			}
			if e.Categoria != "" || e.Codice != "" || e.Descrizione != "" || e.Dettaglio != "" {
				return e
			}
		}
	}
	e.Body = Excerpt(trimmed, 200)
	return e
}

// Excerpt returns up to n characters of b, tags stripped and white space
// collapsed, for error messages.
func Excerpt(b []byte, n int) string {
	var out strings.Builder
	inTag, space := false, false
	for len(b) > 0 && out.Len() < n {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
			space = true
		case inTag:
		case r == ' ' || r == '\n' || r == '\r' || r == '\t':
			space = true
		case r == utf8.RuneError || r < 0x20:
		default:
			if space && out.Len() > 0 {
				out.WriteByte(' ')
			}
			space = false
			out.WriteRune(r)
		}
	}
	s := out.String()
	if len(b) > 0 && s != "" {
		s += "…"
	}
	return s
}

// DecodeJSON decodes a successful answer into v, reading at most MaxBody
// bytes, and closes the body. A body that is not JSON (by content type or by
// content) gives a *govpay.DecodeError.
func DecodeJSON(op string, resp *http.Response, v any) error {
	defer resp.Body.Close()
	ct := resp.Header.Get("Content-Type")
	if err := expectJSON(ct); err != nil {
		return &govpay.DecodeError{Operation: op, StatusCode: resp.StatusCode, ContentType: ct, IDTransazione: resp.Header.Get(HeaderIDTransazione), Err: err}
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, MaxBody))
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return &govpay.DecodeError{Operation: op, StatusCode: resp.StatusCode, ContentType: ct, IDTransazione: resp.Header.Get(HeaderIDTransazione), Err: err}
	}
	return nil
}

func expectJSON(ct string) error {
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("malformed content type %q", ct)
	}
	if mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json" {
		return nil
	}
	return fmt.Errorf("unexpected content type %s, want application/json", mt)
}

// ReadBody reads a successful answer of the given media type (e.g.
// application/pdf), at most MaxBody bytes, and closes it.
func ReadBody(op string, resp *http.Response, mediaType string) ([]byte, error) {
	defer resp.Body.Close()
	ct := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if mediaType != "" && mt != mediaType {
		return nil, &govpay.DecodeError{Operation: op, StatusCode: resp.StatusCode, ContentType: ct, IDTransazione: resp.Header.Get(HeaderIDTransazione), Err: fmt.Errorf("unexpected content type, want %s", mediaType)}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, &govpay.DecodeError{Operation: op, StatusCode: resp.StatusCode, ContentType: ct, Err: err}
	}
	if len(b) > MaxBody {
		return nil, &govpay.DecodeError{Operation: op, StatusCode: resp.StatusCode, ContentType: ct, Err: fmt.Errorf("body larger than %d bytes", MaxBody)}
	}
	return b, nil
}

// Drain discards the rest of a body (bounded) and closes it, so the
// connection can be reused.
func Drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxErrorBody))
	resp.Body.Close()
}
