package govpay

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/pem"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/govpaygo/govpay/internal/config"
)

// Option configures a [Config]. Options validate their arguments: a bad
// option makes [NewConfig] return an error, before any client exists.
//
// That error is a [*ValidationError] with What "options" (it matches
// [ErrInvalid]); NewConfig lists the violations of every option and of its
// host, not only the first. Each [Violation] names its Field in one stable
// form:
//
//   - an argument of an option: the option, a dot and the parameter's name
//     as in the option's signature: "WithBasicAuth.user",
//     "WithAPIKey.key", "WithSSLHeader.pemCert";
//   - a field of an option's struct argument: the option, a dot and the
//     field's name: "WithRetry.MaxAttempts", "WithSPID.Email",
//     "WithClientCertificate.PrivateKey";
//   - an option that conflicts with another one given before: the option
//     alone, "WithBearerToken", the rule naming the other;
//   - [NewConfig]'s own arguments: "host", and "opts[i]" for a zero
//     Option at index i.
//
// The Rule says what the argument must be ("must not be empty"). Neither
// ever holds the value given, so a credential cannot leak through an error.
//
// An Option is opaque: build it with the With… functions. The zero Option
// is refused by NewConfig ("opts[i]").
type Option struct {
	apply func(*config.Config) error
}

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

// DefaultRetryPolicy returns the policy used when no [WithRetry] option is
// given: 4 attempts, backoff between 100 ms and 2 s, Retry-After up to 30 s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 4, MinBackoff: 100 * time.Millisecond, MaxBackoff: 2 * time.Second, MaxRetryAfter: 30 * time.Second}
}

// NoRetry returns the policy that disables retries: one attempt.
func NoRetry() RetryPolicy { return RetryPolicy{MaxAttempts: 1} }

// optionsWhat is the What of the errors options return.
const optionsWhat = "options"

// invalid returns an empty *ValidationError for options.
func invalid() *ValidationError { return &ValidationError{What: optionsWhat} }

// authOption names the option of each header-based authentication mode
// (config.HeaderAuth.Mode).
func authOption(mode string) string {
	switch mode {
	case "basic":
		return "WithBasicAuth"
	case "api-key":
		return "WithAPIKey"
	case "principal":
		return "WithPrincipalHeader"
	case "spid":
		return "WithSPID"
	case "bearer":
		return "WithBearerToken"
	case "ssl-header":
		return "WithSSLHeader"
	}
	return mode
}

func setAuth(c *config.Config, a *config.HeaderAuth) error {
	if c.Auth != nil {
		ve := invalid()
		ve.add(authOption(a.Mode), "conflicts with "+authOption(c.Auth.Mode)+", given before: give one header-based authentication option (a client certificate combines with any)")
		return ve
	}
	c.Auth = a
	return nil
}

func invalidHeaderValue(s string) bool {
	return strings.ContainsAny(s, "\r\n\x00")
}

// headerValue records a violation of field when v is empty or cannot be a
// header value.
func headerValue(ve *ValidationError, field, v string) {
	switch {
	case v == "":
		ve.add(field, "must not be empty")
	case invalidHeaderValue(v):
		ve.add(field, "must not contain control characters")
	}
}

// WithBasicAuth authenticates with HTTP Basic (GovPay's "basic" base URLs).
// The password never appears in errors or logs.
//
// Violations name "WithBasicAuth.user" (empty, with ':' or control
// characters) and "WithBasicAuth.password" (empty, control characters).
func WithBasicAuth(user, password string) Option {
	return Option{func(c *config.Config) error {
		ve := invalid()
		switch {
		case user == "":
			ve.add("WithBasicAuth.user", "must not be empty")
		case strings.Contains(user, ":"):
			ve.add("WithBasicAuth.user", "must not contain ':'")
		case invalidHeaderValue(user):
			ve.add("WithBasicAuth.user", "must not contain control characters")
		}
		switch {
		case password == "":
			ve.add("WithBasicAuth.password", "must not be empty")
		case invalidHeaderValue(password):
			ve.add("WithBasicAuth.password", "must not contain control characters")
		}
		if err := ve.err(); err != nil {
			return err
		}
		token := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
		return setAuth(c, &config.HeaderAuth{
			Mode:    "basic",
			Headers: http.Header{"Authorization": {"Basic " + token}},
			Secret:  map[string]bool{"Authorization": true},
			Secrets: []string{password, token},
		})
	}}
}

// WithClientCertificate authenticates with a TLS client certificate (GovPay's
// "ssl" base URLs). It needs an *http.Transport (the default, or the one of
// the client given with [WithHTTPClient]); its TLS configuration is cloned,
// never modified. The certificate is offered to GovPay only: the pagoPA
// Checkout client (pagamenti.NewCheckout) sends through the transport
// without it, which then has a connection pool of its own.
//
// Violations name "WithClientCertificate.Certificate" (no certificate) and
// "WithClientCertificate.PrivateKey" (no private key). NewConfig refuses the
// option with the violation "WithClientCertificate" when the client given
// with [WithHTTPClient] has a Transport other than an *http.Transport.
func WithClientCertificate(cert tls.Certificate) Option {
	return Option{func(c *config.Config) error {
		ve := invalid()
		if len(cert.Certificate) == 0 {
			ve.add("WithClientCertificate.Certificate", "must not be empty: the DER certificate chain")
		}
		if cert.PrivateKey == nil {
			ve.add("WithClientCertificate.PrivateKey", "must not be nil")
		}
		if err := ve.err(); err != nil {
			return err
		}
		c.ClientCerts = append(c.ClientCerts, cert)
		return nil
	}}
}

// SSLHeader is the header in which [WithSSLHeader] sends the client
// certificate, for a GovPay behind a TLS-terminating proxy configured to read
// it.
const SSLHeader = "X-GOVPAY-CERT"

// WithSSLHeader sends a PEM client certificate in the [SSLHeader] header, for
// deployments where a proxy terminates TLS and forwards the certificate.
//
// A violation names "WithSSLHeader.pemCert" when it is not a PEM
// certificate.
func WithSSLHeader(pemCert string) Option {
	return Option{func(c *config.Config) error {
		block, _ := pem.Decode([]byte(strings.TrimSpace(pemCert)))
		if block == nil || block.Type != "CERTIFICATE" {
			ve := invalid()
			ve.add("WithSSLHeader.pemCert", "must be a PEM certificate (-----BEGIN CERTIFICATE-----)")
			return ve
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
	}}
}

// WithAPIKey authenticates with GovPay's application key headers X-APP-ID
// and X-API-KEY. The key never appears in errors or logs.
//
// Violations name "WithAPIKey.appID" and "WithAPIKey.key" (empty, control
// characters).
func WithAPIKey(appID, key string) Option {
	return Option{func(c *config.Config) error {
		ve := invalid()
		headerValue(ve, "WithAPIKey.appID", appID)
		headerValue(ve, "WithAPIKey.key", key)
		if err := ve.err(); err != nil {
			return err
		}
		return setAuth(c, &config.HeaderAuth{
			Mode:    "api-key",
			Headers: http.Header{"X-App-Id": {appID}, "X-Api-Key": {key}},
			Secret:  map[string]bool{"X-Api-Key": true},
			Secrets: []string{key},
		})
	}}
}

// WithPrincipalHeader authenticates with a header carrying the principal, for
// GovPay's "header" base URLs behind an authenticating proxy.
//
// Violations name "WithPrincipalHeader.name" (empty, not a header name)
// and "WithPrincipalHeader.value" (empty, control characters).
func WithPrincipalHeader(name, value string) Option {
	return Option{func(c *config.Config) error {
		ve := invalid()
		switch {
		case name == "":
			ve.add("WithPrincipalHeader.name", "must not be empty")
		case !validHeaderName(name):
			ve.add("WithPrincipalHeader.name", "must be a header name: letters, digits, '-' and '_'")
		}
		headerValue(ve, "WithPrincipalHeader.value", value)
		if err := ve.err(); err != nil {
			return err
		}
		h := http.Header{}
		h.Set(name, value)
		return setAuth(c, &config.HeaderAuth{Mode: "principal", Headers: h})
	}}
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
//
// Violations name the field of u: "WithSPID.FiscalNumber" (empty), and any
// field with control characters ("WithSPID.Email").
func WithSPID(u SPIDUser) Option {
	return Option{func(c *config.Config) error {
		ve := invalid()
		if u.FiscalNumber == "" {
			ve.add("WithSPID.FiscalNumber", "must not be empty")
		}
		h := http.Header{}
		for _, f := range []struct{ field, header, v string }{
			{"FiscalNumber", "X-Spid-Fiscalnumber", u.FiscalNumber}, {"Name", "X-Spid-Name", u.Name},
			{"FamilyName", "X-Spid-Familyname", u.FamilyName}, {"Email", "X-Spid-Email", u.Email},
			{"MobilePhone", "X-Spid-Mobilephone", u.MobilePhone}, {"Address", "X-Spid-Address", u.Address},
		} {
			if invalidHeaderValue(f.v) {
				ve.add("WithSPID."+f.field, "must not contain control characters")
			}
			if f.v != "" {
				h.Set(f.header, f.v)
			}
		}
		if err := ve.err(); err != nil {
			return err
		}
		return setAuth(c, &config.HeaderAuth{Mode: "spid", Headers: h})
	}}
}

// WithBearerToken sends "Authorization: Bearer <token>" (GovPay's "oauth2"
// base URLs). The token never appears in errors or logs.
//
// A violation names "WithBearerToken.token" (empty, spaces or control
// characters).
func WithBearerToken(token string) Option {
	return Option{func(c *config.Config) error {
		switch {
		case token == "":
			ve := invalid()
			ve.add("WithBearerToken.token", "must not be empty")
			return ve
		case invalidHeaderValue(token) || strings.ContainsAny(token, " \t"):
			ve := invalid()
			ve.add("WithBearerToken.token", "must not contain spaces or control characters")
			return ve
		}
		return setAuth(c, &config.HeaderAuth{
			Mode:    "bearer",
			Headers: http.Header{"Authorization": {"Bearer " + token}},
			Secret:  map[string]bool{"Authorization": true},
			Secrets: []string{token},
		})
	}}
}

// WithHTTPClient uses a copy of hc to send requests (its Transport, Timeout,
// Jar). hc itself is never modified; redirects are never followed whatever
// its CheckRedirect says, because a 302 from GovPay is a result.
//
// A violation names "WithHTTPClient.client" when it is nil.
func WithHTTPClient(client *http.Client) Option {
	return Option{func(c *config.Config) error {
		if client == nil {
			ve := invalid()
			ve.add("WithHTTPClient.client", "must not be nil")
			return ve
		}
		cp := *client
		c.HTTPClient = &cp
		return nil
	}}
}

// WithRetry sets the retry policy for operations that are safe to repeat.
//
// Violations name the field of p: "WithRetry.MaxAttempts" (outside 1–20),
// "WithRetry.MinBackoff", "WithRetry.MaxBackoff", "WithRetry.MaxRetryAfter"
// (negative; MaxBackoff also when less than MinBackoff).
func WithRetry(p RetryPolicy) Option {
	return Option{func(c *config.Config) error {
		ve := invalid()
		switch {
		case p.MaxAttempts < 1:
			ve.add("WithRetry.MaxAttempts", "must be at least 1")
		case p.MaxAttempts > 20:
			ve.add("WithRetry.MaxAttempts", "must be at most 20")
		}
		for _, d := range []struct {
			field string
			v     time.Duration
		}{{"MinBackoff", p.MinBackoff}, {"MaxBackoff", p.MaxBackoff}, {"MaxRetryAfter", p.MaxRetryAfter}} {
			if d.v < 0 {
				ve.add("WithRetry."+d.field, "must not be negative")
			}
		}
		if p.MaxBackoff > 0 && p.MaxBackoff < p.MinBackoff {
			ve.add("WithRetry.MaxBackoff", "must not be less than MinBackoff (or zero, for the default)")
		}
		if err := ve.err(); err != nil {
			return err
		}
		d := DefaultRetryPolicy()
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
	}}
}

// WithLogger logs each request (method, redacted URL, status, duration,
// attempt) at Debug level and each retry at Info level. Credentials are never
// logged. Logging is off by default.
//
// A violation names "WithLogger.logger" when it is nil.
func WithLogger(logger *slog.Logger) Option {
	return Option{func(c *config.Config) error {
		if logger == nil {
			ve := invalid()
			ve.add("WithLogger.logger", "must not be nil")
			return ve
		}
		c.Logger = logger
		return nil
	}}
}

// WithUserAgent prepends product to the User-Agent header
// ("myportal/2.1 govpay-go/0.1.0").
//
// A violation names "WithUserAgent.product" (empty, control characters).
func WithUserAgent(product string) Option {
	return Option{func(c *config.Config) error {
		ve := invalid()
		headerValue(ve, "WithUserAgent.product", product)
		if err := ve.err(); err != nil {
			return err
		}
		c.UserAgent = product
		return nil
	}}
}

// WithInsecureRedirect lets a payment start accept a plain-http redirect URL
// (by default only https is accepted). For test environments only.
func WithInsecureRedirect() Option {
	return Option{func(c *config.Config) error {
		c.AllowInsecureRedirect = true
		return nil
	}}
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
