package govpay

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/govpaygo/govpay/internal/config"
)

// Option configures a client of any of the SDK's API packages. Options
// validate their arguments: a bad option makes the package's New return an
// error, before any request is made.
type Option func(*config.Config) error

// RetryPolicy says how operations that are safe to repeat (GET, and PUT of a
// pendenza, an upsert keyed by the caller's ids) are retried after a
// connection error, a 429, a 502, a 503 or a 504. Operations that are not
// safe to repeat (POST /pagamenti, POST /carts, PATCH) are never retried,
// whatever the policy.
//
// Waits grow exponentially from MinBackoff to MaxBackoff with full jitter; a
// Retry-After header (seconds or HTTP date) is honoured when it asks for at
// most MaxRetryAfter, and ends the retries when it asks for more. Every wait
// ends as soon as the request's context is done.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first included; 1
	// disables retries. It must be between 1 and 20.
	MaxAttempts int
	// MinBackoff is the first wait. Zero takes the value of
	// [DefaultRetryPolicy] (capped by MaxBackoff when that is set), so a
	// policy never retries in a tight loop by omission.
	MinBackoff time.Duration
	// MaxBackoff caps the exponential backoff. Zero takes the value of
	// [DefaultRetryPolicy] (at least MinBackoff).
	MaxBackoff time.Duration
	// MaxRetryAfter is the longest Retry-After honoured; zero takes the value
	// of [DefaultRetryPolicy].
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy is used when no [WithRetry] option is given: 4 attempts,
// backoff between 100 ms and 2 s, Retry-After up to 30 s.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, MinBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second, MaxRetryAfter: 30 * time.Second}

// NoRetry disables retries.
var NoRetry = RetryPolicy{MaxAttempts: 1}

func setAuth(c *config.Config, a *config.HeaderAuth) error {
	if c.Auth != nil {
		return fmt.Errorf("govpay: %s authentication conflicts with %s authentication already configured: choose one", a.Mode, c.Auth.Mode)
	}
	c.Auth = a
	return nil
}

func invalidHeaderValue(s string) bool {
	return strings.ContainsAny(s, "\r\n\x00")
}

// WithBasicAuth authenticates with HTTP Basic (GovPay's "basic" base URLs).
// The password never appears in errors or logs.
func WithBasicAuth(user, password string) Option {
	return func(c *config.Config) error {
		if user == "" {
			return errors.New("govpay: WithBasicAuth: user must not be empty")
		}
		if strings.Contains(user, ":") {
			return errors.New("govpay: WithBasicAuth: user must not contain ':'")
		}
		if password == "" {
			return errors.New("govpay: WithBasicAuth: password must not be empty")
		}
		if invalidHeaderValue(user) || invalidHeaderValue(password) {
			return errors.New("govpay: WithBasicAuth: user and password must not contain control characters")
		}
		token := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
		return setAuth(c, &config.HeaderAuth{
			Mode:    "basic",
			Headers: http.Header{"Authorization": {"Basic " + token}},
			Secret:  map[string]bool{"Authorization": true},
			Secrets: []string{password, token},
		})
	}
}

// WithClientCertificate authenticates with a TLS client certificate (GovPay's
// "ssl" base URLs). It needs an *http.Transport (the default, or the one of
// the client given with [WithHTTPClient]); its TLS configuration is cloned,
// never modified.
func WithClientCertificate(cert tls.Certificate) Option {
	return func(c *config.Config) error {
		if len(cert.Certificate) == 0 {
			return errors.New("govpay: WithClientCertificate: the certificate is empty")
		}
		if cert.PrivateKey == nil {
			return errors.New("govpay: WithClientCertificate: the certificate has no private key")
		}
		c.ClientCerts = append(c.ClientCerts, cert)
		return nil
	}
}

// SSLHeader is the header in which [WithSSLHeader] sends the client
// certificate, for a GovPay behind a TLS-terminating proxy configured to read
// it.
const SSLHeader = "X-GOVPAY-CERT"

// WithSSLHeader sends a PEM client certificate in the [SSLHeader] header, for
// deployments where a proxy terminates TLS and forwards the certificate.
func WithSSLHeader(pemCert string) Option {
	return func(c *config.Config) error {
		block, _ := pem.Decode([]byte(strings.TrimSpace(pemCert)))
		if block == nil || block.Type != "CERTIFICATE" {
			return errors.New("govpay: WithSSLHeader: want a PEM certificate (-----BEGIN CERTIFICATE-----)")
		}
		// Header values cannot hold newlines: the PEM travels on one line,
		// base64 DER between the usual markers.
		v := "-----BEGIN CERTIFICATE-----" + base64.StdEncoding.EncodeToString(block.Bytes) + "-----END CERTIFICATE-----"
		h := http.Header{}
		h.Set(SSLHeader, v) // canonical key: X-Govpay-Cert
		return setAuth(c, &config.HeaderAuth{
			Mode:    "ssl-header",
			Headers: h,
			Secret:  map[string]bool{http.CanonicalHeaderKey(SSLHeader): true},
			Secrets: []string{v},
		})
	}
}

// WithAPIKey authenticates with GovPay's application key headers X-APP-ID
// and X-API-KEY. The key never appears in errors or logs.
func WithAPIKey(appID, key string) Option {
	return func(c *config.Config) error {
		if appID == "" || key == "" {
			return errors.New("govpay: WithAPIKey: appID and key must not be empty")
		}
		if invalidHeaderValue(appID) || invalidHeaderValue(key) {
			return errors.New("govpay: WithAPIKey: appID and key must not contain control characters")
		}
		return setAuth(c, &config.HeaderAuth{
			Mode:    "api-key",
			Headers: http.Header{"X-App-Id": {appID}, "X-Api-Key": {key}},
			Secret:  map[string]bool{"X-Api-Key": true},
			Secrets: []string{key},
		})
	}
}

// WithPrincipalHeader authenticates with a header carrying the principal, for
// GovPay's "header" base URLs behind an authenticating proxy.
func WithPrincipalHeader(name, value string) Option {
	return func(c *config.Config) error {
		if name == "" || value == "" {
			return errors.New("govpay: WithPrincipalHeader: name and value must not be empty")
		}
		if !validHeaderName(name) {
			return fmt.Errorf("govpay: WithPrincipalHeader: %q is not a valid header name", name)
		}
		if invalidHeaderValue(value) {
			return errors.New("govpay: WithPrincipalHeader: value must not contain control characters")
		}
		h := http.Header{}
		h.Set(name, value)
		return setAuth(c, &config.HeaderAuth{Mode: "principal", Headers: h})
	}
}

// SPIDUser is the citizen an authenticating proxy identified with SPID or CIE.
type SPIDUser struct {
	FiscalNumber string // codice fiscale, required ("TINIT-" prefix optional): X-SPID-FISCALNUMBER
	Name         string // given name: X-SPID-NAME
	FamilyName   string // family name: X-SPID-FAMILYNAME
	Email        string // e-mail address: X-SPID-EMAIL
	MobilePhone  string // mobile phone: X-SPID-MOBILEPHONE
	Address      string // domicile: X-SPID-ADDRESS
}

// WithSPID sends the citizen's identity in GovPay's X-SPID-* headers, for the
// "spid" base URLs of API Pagamento.
func WithSPID(u SPIDUser) Option {
	return func(c *config.Config) error {
		if u.FiscalNumber == "" {
			return errors.New("govpay: WithSPID: FiscalNumber must not be empty")
		}
		h := http.Header{}
		for _, f := range []struct{ name, v string }{
			{"X-Spid-Fiscalnumber", u.FiscalNumber}, {"X-Spid-Name", u.Name}, {"X-Spid-Familyname", u.FamilyName},
			{"X-Spid-Email", u.Email}, {"X-Spid-Mobilephone", u.MobilePhone}, {"X-Spid-Address", u.Address},
		} {
			if invalidHeaderValue(f.v) {
				return fmt.Errorf("govpay: WithSPID: %s must not contain control characters", f.name)
			}
			if f.v != "" {
				h.Set(f.name, f.v)
			}
		}
		return setAuth(c, &config.HeaderAuth{Mode: "spid", Headers: h})
	}
}

// WithBearerToken sends "Authorization: Bearer <token>" (GovPay's "oauth2"
// base URLs). The token never appears in errors or logs.
func WithBearerToken(token string) Option {
	return func(c *config.Config) error {
		if token == "" {
			return errors.New("govpay: WithBearerToken: token must not be empty")
		}
		if invalidHeaderValue(token) || strings.ContainsAny(token, " \t") {
			return errors.New("govpay: WithBearerToken: token must not contain spaces or control characters")
		}
		return setAuth(c, &config.HeaderAuth{
			Mode:    "bearer",
			Headers: http.Header{"Authorization": {"Bearer " + token}},
			Secret:  map[string]bool{"Authorization": true},
			Secrets: []string{token},
		})
	}
}

// WithHTTPClient uses a copy of hc to send requests (its Transport, Timeout,
// Jar). hc itself is never modified; redirects are never followed whatever
// its CheckRedirect says, because a 302 from GovPay is a result.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config.Config) error {
		if hc == nil {
			return errors.New("govpay: WithHTTPClient: client must not be nil")
		}
		cp := *hc
		c.HTTPClient = &cp
		return nil
	}
}

// WithRetry sets the retry policy for operations that are safe to repeat.
func WithRetry(p RetryPolicy) Option {
	return func(c *config.Config) error {
		if p.MaxAttempts < 1 {
			return errors.New("govpay: WithRetry: MaxAttempts must be at least 1")
		}
		if p.MaxAttempts > 20 {
			return errors.New("govpay: WithRetry: MaxAttempts must be at most 20")
		}
		if p.MinBackoff < 0 || p.MaxBackoff < 0 || p.MaxRetryAfter < 0 {
			return errors.New("govpay: WithRetry: durations must not be negative")
		}
		if p.MaxBackoff != 0 && p.MaxBackoff < p.MinBackoff {
			return errors.New("govpay: WithRetry: MaxBackoff must not be less than MinBackoff")
		}
		d := DefaultRetryPolicy
		switch {
		case p.MinBackoff == 0 && p.MaxBackoff == 0:
			p.MinBackoff, p.MaxBackoff = d.MinBackoff, d.MaxBackoff
		case p.MinBackoff == 0:
			p.MinBackoff = min(d.MinBackoff, p.MaxBackoff)
		case p.MaxBackoff == 0:
			p.MaxBackoff = max(d.MaxBackoff, p.MinBackoff)
		}
		if p.MaxRetryAfter == 0 {
			p.MaxRetryAfter = d.MaxRetryAfter
		}
		c.Retry = &config.Retry{MaxAttempts: p.MaxAttempts, MinBackoff: p.MinBackoff, MaxBackoff: p.MaxBackoff, MaxRetryAfter: p.MaxRetryAfter}
		return nil
	}
}

// WithLogger logs each request (method, redacted URL, status, duration,
// attempt) at Debug level and each retry at Info level. Credentials are never
// logged. Logging is off by default.
func WithLogger(l *slog.Logger) Option {
	return func(c *config.Config) error {
		if l == nil {
			return errors.New("govpay: WithLogger: logger must not be nil")
		}
		c.Logger = l
		return nil
	}
}

// WithUserAgent prepends product to the User-Agent header
// ("myportal/2.1 govpay-go/0.1.0").
func WithUserAgent(product string) Option {
	return func(c *config.Config) error {
		if product == "" || invalidHeaderValue(product) {
			return errors.New("govpay: WithUserAgent: product must be a non-empty header value")
		}
		c.UserAgent = product
		return nil
	}
}

// WithInsecureRedirect lets a payment start accept a plain-http redirect URL
// (by default only https is accepted). For test environments only.
func WithInsecureRedirect() Option {
	return func(c *config.Config) error {
		c.AllowInsecureRedirect = true
		return nil
	}
}

func validHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if !(ch == '-' || ch == '_' || ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z') {
			return false
		}
	}
	return s != ""
}
