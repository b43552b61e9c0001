package transport_test

import (
	"crypto/tls"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/transport"
)

func fields(t *testing.T, err error) []string {
	t.Helper()
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, govpay.ErrInvalid)
	assert.Equal(t, "options", ve.What)
	var out []string
	for _, v := range ve.Violations {
		assert.NotEmpty(t, v.Rule, v.Field)
		out = append(out, v.Field)
	}
	return out
}

// New reports the base URL and every bad option in one error, in argument
// order, and no secret of them.
func TestNewListsEveryViolation(t *testing.T) {
	_, err := govpay.NewConfig("ftp://user:pw-SECRET@gp.example.it/x",
		govpay.WithBasicAuth("", "pw-SECRET"),
		govpay.Option{},
		govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 2, MaxRetryAfter: -1}),
		govpay.WithLogger(nil),
		govpay.WithUserAgent("ok/1"),
	)
	assert.Equal(t, []string{"host", "WithBasicAuth.user", "opts[1]", "WithRetry.MaxRetryAfter", "WithLogger.logger"}, fields(t, err))
	assert.NotContains(t, err.Error(), "SECRET")
}

func TestNewBaseURLOnly(t *testing.T) {
	for _, base := range []string{"", "gp.example.it/x", "https://gp.example.it/x?k=pw-SECRET", "https://u:pw-SECRET@gp.example.it", "http://[::1"} {
		_, err := transport.CheckBaseURL(base)
		assert.Equal(t, []string{"baseURL"}, fields(t, err), base)
		assert.NotContains(t, err.Error(), "SECRET")
	}
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A client certificate needs an *http.Transport: with a caller's client
// whose RoundTripper is something else, New names WithClientCertificate.
func TestNewClientCertificateNeedsHTTPTransport(t *testing.T) {
	hc := &http.Client{Transport: rtFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") })}
	cert := tls.Certificate{Certificate: [][]byte{{0x30}}, PrivateKey: struct{}{}}
	_, err := govpay.NewConfig("https://gp.example.it/x", govpay.WithHTTPClient(hc), govpay.WithClientCertificate(cert))
	assert.Equal(t, []string{"WithClientCertificate"}, fields(t, err))
	assert.Contains(t, err.Error(), "needs an *http.Transport")
}
