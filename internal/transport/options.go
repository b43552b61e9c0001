package transport

import (
	"net/http"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/config"
)

// SecretHeader returns an option that sends header name with value on
// every request and redacts value from every error and log line, for
// API-specific credentials such as pagoPA Checkout's
// Ocp-Apim-Subscription-Key. Unlike the authentication options it combines
// with any of them. Violations name "SecretHeader.name" and
// "SecretHeader.value".
func SecretHeader(name, value string) govpay.Option {
	return func(c *config.Config) error {
		ve := &govpay.ValidationError{What: "options"}
		switch {
		case name == "":
			ve.Add("SecretHeader.name", "must not be empty")
		case strings.ContainsAny(name, " :\r\n\x00"):
			ve.Add("SecretHeader.name", "must be a header name: no spaces, ':' or control characters")
		}
		switch {
		case value == "":
			ve.Add("SecretHeader.value", "must not be empty")
		case strings.ContainsAny(value, "\r\n\x00"):
			ve.Add("SecretHeader.value", "must not contain control characters")
		}
		if err := ve.Err(); err != nil {
			return err
		}
		if c.Headers == nil {
			c.Headers = http.Header{}
		}
		c.Headers.Set(name, value)
		c.Secrets = append(c.Secrets, value)
		return nil
	}
}
