package transport

import (
	"bytes"
	"encoding/json"
	"html"
	"net/url"
	"sort"
	"strings"

	"github.com/govpaygo/govpay/internal/config"
)

// Redacted replaces every secret in what the SDK lets out.
const Redacted = "[REDACTED]"

// minSecretLen is the shortest secret redacted: shorter strings would
// redact ordinary text.
const minSecretLen = 4

// redactor removes credentials from everything that leaves the SDK as text:
// each secret in its raw form and in the forms a server may echo it in
// (HTML-escaped, JSON-escaped, URL-encoded).
type redactor struct {
	secrets []string // longest first, so a secret containing another goes first
}

func newRedactor(cfg config.Config) *redactor {
	var raw []string
	if cfg.Auth != nil {
		raw = append(raw, cfg.Auth.Secrets...)
	}
	raw = append(raw, cfg.Secrets...)
	seen := map[string]bool{}
	r := &redactor{}
	for _, s := range raw {
		if len(s) < minSecretLen {
			continue
		}
		for _, v := range secretForms(s) {
			if len(v) >= minSecretLen && !seen[v] {
				seen[v] = true
				r.secrets = append(r.secrets, v)
			}
		}
	}
	sort.SliceStable(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// secretForms returns s as it may appear in text a server sends back.
func secretForms(s string) []string {
	js, _ := json.Marshal(s) // escapes <, >, & as \u003c…, and quotes
	var jsNoHTML bytes.Buffer
	enc := json.NewEncoder(&jsNoHTML)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return []string{
		s,
		html.EscapeString(s),
		strings.Trim(string(js), `"`),
		strings.Trim(strings.TrimSpace(jsNoHTML.String()), `"`),
		url.QueryEscape(s),
		url.PathEscape(s),
	}
}

func (r *redactor) active() bool { return r != nil && len(r.secrets) > 0 }

func (r *redactor) str(s string) string {
	if !r.active() {
		return s
	}
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
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
	return b
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
