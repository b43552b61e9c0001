package transport

import (
	"net/url"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/config"
)

// redactor removes credentials from everything that leaves the SDK as text.
type redactor struct {
	secrets []string
}

func newRedactor(a *config.HeaderAuth) *redactor {
	r := &redactor{}
	if a != nil {
		for _, s := range a.Secrets {
			if len(s) >= 4 { // shorter strings would redact ordinary text
				r.secrets = append(r.secrets, s)
			}
		}
	}
	return r
}

func (r *redactor) str(s string) string {
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return s
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

func (r *redactor) apiError(e *govpay.Error) *govpay.Error {
	if len(r.secrets) == 0 {
		return e
	}
	e.Descrizione = r.str(e.Descrizione)
	e.Dettaglio = r.str(e.Dettaglio)
	e.Body = r.str(e.Body)
	e.Location = r.str(e.Location)
	return e
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
