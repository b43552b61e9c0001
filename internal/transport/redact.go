package transport

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/govpaygo/govpay/internal/config"
)

// Redacted replaces every secret in what the SDK lets out.
const Redacted = "[REDACTED]"

// minSecretLen is the shortest secret redacted wherever it occurs. A
// shorter one (a 1–3 character password or credenzialiPagatore) would
// redact ordinary text inside words, so it is redacted where it stands as
// a token of its own: not preceded or followed by a letter or a digit.
// "abc" goes in "abc è un valore", "password=abc" and "[abc]", not in
// "abcdef".
const minSecretLen = 4

// redactor removes credentials from everything that leaves the SDK as text:
// each secret in its raw form and in the forms a server may echo it in
// (HTML-escaped, JSON-escaped, URL-encoded).
type redactor struct {
	secrets []string // longest first, so a secret containing another goes first
	short   []string // forms shorter than minSecretLen, redacted as tokens
}

func newRedactor(cfg config.Config) *redactor {
	var raw []string
	if cfg.Auth != nil {
		raw = append(raw, cfg.Auth.Secrets...)
	}
	return (*redactor)(nil).with(raw)
}

// with returns a redactor for r's secrets and extra, every one in all its
// forms; r itself when extra adds nothing. r may be nil.
func (r *redactor) with(extra []string) *redactor {
	var have []string
	if r != nil {
		have = r.secrets
	}
	var haveShort []string
	if r != nil {
		haveShort = r.short
	}
	seen := make(map[string]bool, len(have)+len(haveShort))
	for _, s := range have {
		seen[s] = true
	}
	for _, s := range haveShort {
		seen[s] = true
	}
	out := &redactor{secrets: append([]string(nil), have...), short: append([]string(nil), haveShort...)}
	for _, s := range extra {
		if s == "" {
			continue
		}
		for _, v := range secretForms(s) {
			switch {
			case v == "" || seen[v]:
			case len(v) >= minSecretLen:
				out.secrets = append(out.secrets, v)
			default:
				out.short = append(out.short, v)
			}
			seen[v] = true
		}
	}
	if r != nil && len(out.secrets) == len(have) && len(out.short) == len(haveShort) {
		return r
	}
	sort.SliceStable(out.secrets, func(i, j int) bool { return len(out.secrets[i]) > len(out.secrets[j]) })
	sort.SliceStable(out.short, func(i, j int) bool { return len(out.short[i]) > len(out.short[j]) })
	return out
}

// pemLine is the width of the lines of a PEM block (RFC 7468).
const pemLine = 64

// secretForms returns s as it may appear in text a server sends back: raw,
// HTML-escaped, JSON-escaped (with and without HTML escaping), URL-encoded
// (query and path), base64-encoded (standard and URL alphabets, padded or
// not) and the URL-encoded standard base64 (what a filter that URL-decodes
// then base64-decodes a header expects). For a PEM value sent on one line
// (govpay.WithSSLHeader) the base64 body between the markers is a form too,
// as are its 64-character PEM lines, so a server that re-wraps the
// certificate does not echo it.
func secretForms(s string) []string {
	js, _ := json.Marshal(s) // escapes <, >, & as \u003c…, and quotes
	var jsNoHTML bytes.Buffer
	enc := json.NewEncoder(&jsNoHTML)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b64 := base64.StdEncoding.EncodeToString([]byte(s))
	forms := []string{
		s,
		html.EscapeString(s),
		strings.Trim(string(js), `"`),
		strings.Trim(strings.TrimSpace(jsNoHTML.String()), `"`),
		url.QueryEscape(s),
		url.PathEscape(s),
		b64,
		strings.TrimRight(b64, "="),
		base64.URLEncoding.EncodeToString([]byte(s)),
		base64.RawURLEncoding.EncodeToString([]byte(s)),
		url.QueryEscape(b64),
	}
	if body, ok := pemBody(s); ok {
		forms = append(forms, body, url.QueryEscape(body))
		for i := 0; i+pemLine <= len(body); i += pemLine {
			forms = append(forms, body[i:i+pemLine])
		}
		if rest := len(body) % pemLine; rest >= 16 {
			forms = append(forms, body[len(body)-rest:])
		}
	}
	return forms
}

// pemBody returns the text between the BEGIN and END markers of a PEM
// value written on one line, without white space.
func pemBody(s string) (string, bool) {
	const begin, end = "-----BEGIN ", "-----END "
	i := strings.Index(s, begin)
	if i < 0 {
		return "", false
	}
	rest := s[i+len(begin):]
	j := strings.Index(rest, "-----")
	if j < 0 {
		return "", false
	}
	rest = rest[j+5:]
	k := strings.Index(rest, end)
	if k < 0 {
		return "", false
	}
	body := strings.Join(strings.Fields(rest[:k]), "")
	return body, len(body) >= minSecretLen
}

func (r *redactor) active() bool { return r != nil && len(r.secrets)+len(r.short) > 0 }

func (r *redactor) str(s string) string {
	if !r.active() {
		return s
	}
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	for _, sec := range r.short {
		if strings.Contains(s, sec) {
			s = replaceToken(s, sec)
		}
	}
	return s
}

func (r *redactor) bytes(b []byte) []byte {
	if !r.active() {
		return b
	}
	for _, sec := range r.secrets {
		if bytes.Contains(b, []byte(sec)) {
			b = bytes.ReplaceAll(b, []byte(sec), []byte(Redacted))
		}
	}
	for _, sec := range r.short {
		if bytes.Contains(b, []byte(sec)) {
			b = []byte(replaceToken(string(b), sec))
		}
	}
	return b
}

// replaceToken replaces with Redacted every occurrence of sec in s that is
// neither preceded nor followed by a letter or a digit (see minSecretLen).
// Occurrences are scanned left to right without overlap, as
// strings.ReplaceAll does.
func replaceToken(s, sec string) string {
	var b strings.Builder
	last := 0 // s[last:] is not yet written
	for i := 0; i <= len(s)-len(sec); {
		j := strings.Index(s[i:], sec)
		if j < 0 {
			break
		}
		start, end := i+j, i+j+len(sec)
		if !wordRuneBefore(s, start) && !wordRuneAfter(s, end) {
			b.WriteString(s[last:start])
			b.WriteString(Redacted)
			last = end
			i = end
			continue
		}
		i = start + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// wordRuneBefore reports whether the rune ending at s[i] is a letter or a
// digit.
func wordRuneBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordRuneAfter reports whether the rune starting at s[i] is a letter or a
// digit.
func wordRuneAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func (r *redactor) url(u *url.URL) string {
	if u == nil {
		return ""
	}
	if u.User != nil {
		c := *u
		c.User = url.User("REDACTED")
		u = &c
	}
	return r.str(u.String())
}

// err wraps err so that its text is redacted while errors.Is/As still see
// the original chain.
func (r *redactor) err(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	red := r.str(msg)
	if red == msg {
		return err
	}
	return &redactedError{msg: red, err: err}
}

type redactedError struct {
	msg string
	err error
}

// Error returns the redacted message.
func (e *redactedError) Error() string { return e.msg }

// Unwrap returns the original error.
func (e *redactedError) Unwrap() error { return e.err }

// redactorKey is the context key under which Do passes a request's
// redactor (configured and per-request secrets) to the logging transport.
type redactorKey struct{}

// redactorFrom returns the redactor Do put in ctx, or fallback.
func redactorFrom(ctx context.Context, fallback *redactor) *redactor {
	if r, ok := ctx.Value(redactorKey{}).(*redactor); ok {
		return r
	}
	return fallback
}

// answer is the body of every response Do returns: it carries the
// redactor of the request (configured and per-request secrets), so that
// every error built from the response (ErrorFromResponse, DecodeJSON,
// ReadBody, Incomplete, DecodeFailure, Redact) redacts the same secrets
// without the caller passing anything.
//
// A body Do read in full (a GET's 2xx) is kept in buf, rc then being nil:
// one allocation for both.
type answer struct {
	rc  io.ReadCloser // the body on the wire; nil when buffered
	buf bytes.Reader  // the buffered body
	red *redactor
}

// Read reads the body.
func (a *answer) Read(p []byte) (int, error) {
	if a.rc != nil {
		return a.rc.Read(p)
	}
	return a.buf.Read(p)
}

// Close closes the body on the wire, if any.
func (a *answer) Close() error {
	if a.rc != nil {
		return a.rc.Close()
	}
	return nil
}

// redactorOf returns the redactor of a response Do returned. A response
// from anywhere else carries no secrets the SDK knows of: nil, which
// redacts nothing.
func redactorOf(resp *http.Response) *redactor {
	if resp == nil {
		return nil
	}
	if a, ok := resp.Body.(*answer); ok {
		return a.red
	}
	return nil
}

// Redact returns s without the secrets of the request resp answers (resp
// must come from Client.Do): for text taken from the answer that goes into
// an error or a log line, such as a Location header.
func Redact(resp *http.Response, s string) string {
	return redactorOf(resp).str(s)
}
