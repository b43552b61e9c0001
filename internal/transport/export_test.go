package transport

import (
	"net/http"
	"net/url"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/config"
)

// ErrorFromBody exposes errorFromBody without secrets to the tests of the
// body parsing (the SDK itself goes through ErrorFromResponse).
func ErrorFromBody(op string, status int, h http.Header, body []byte) *govpay.Error {
	return errorFromBody(op, status, h, body, nil)
}

// NewForTest builds a client for baseURL the way the API packages do: a
// govpay.Config from the options, with baseURL as API Pendenze's endpoint,
// then NewClient with x. Its errors are NewConfig's.
func NewForTest(baseURL string, x Extra, opts ...govpay.Option) (*Client, error) {
	host := baseURL
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		host = u.Scheme + "://" + u.Host
	}
	cfg, err := govpay.NewConfig(host, append(append([]govpay.Option(nil), opts...), govpay.WithEndpoint(govpay.APIPendenze, baseURL))...)
	if err != nil {
		return nil, err
	}
	s := config.Of(cfg)
	return NewClient(s, s.BaseURL(string(govpay.APIPendenze), 2), x), nil
}

// RedactWith redacts s with a redactor of secrets alone (no configuration),
// for the table tests of the redaction rules.
func RedactWith(secrets []string, s string) string {
	return (*redactor)(nil).with(secrets).str(s)
}

// RedactBytesWith is RedactWith for a log line's bytes.
func RedactBytesWith(secrets []string, b []byte) []byte {
	return (*redactor)(nil).with(secrets).bytes(b)
}
