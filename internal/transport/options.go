package transport

import (
	"errors"
	"net/http"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/config"
)

// SecretHeader returns an option that sends header name with value on
// every request and redacts value from every error and log line, for
// API-specific credentials such as pagoPA Checkout's
// Ocp-Apim-Subscription-Key. Unlike the authentication options it combines
// with any of them.
func SecretHeader(name, value string) govpay.Option {
	return func(c *config.Config) error {
		if name == "" || value == "" {
			return errors.New("govpay: SecretHeader: header name and value must not be empty")
		}
		if strings.ContainsAny(value, "\r\n\x00") || strings.ContainsAny(name, " :\r\n\x00") {
			return errors.New("govpay: SecretHeader: invalid header name or value")
		}
		if c.Headers == nil {
			c.Headers = http.Header{}
		}
		c.Headers.Set(name, value)
		c.Secrets = append(c.Secrets, value)
		return nil
	}
}
