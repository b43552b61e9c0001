package govpay

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/govpaygo/govpay/internal/config"
)

// Config is the one configuration every client of the SDK is built from:
// GovPay's host, the credentials, the retry policy, the logger, the user
// agent and one *http.Client, whose connection pool every client built from
// the Config shares. Build it once with [NewConfig] and pass it to
// avvisi.New, pendenze.New, pagamenti.New, ricevute.New and
// pagamenti.NewCheckout.
//
// Each API's base URL is GovPay's conventional
//
//	host/govpay/{backend|frontend}/api/{api}/rs/{auth}/v{N}
//
// where {auth} follows from the credentials given ([WithBasicAuth] →
// basic, [WithClientCertificate] → ssl, [WithSSLHeader] → sslheader,
// [WithPrincipalHeader] → header, [WithAPIKey] → apikey, [WithSPID] →
// spid, [WithBearerToken] → oauth2, none → public: GovPay 3.9.1's
// api-*-applicationContext-security.xml) and N is the version the package
// speaks. [WithEndpoint] overrides one API's base URL for deployments that
// differ.
//
// A Config is immutable and safe for concurrent use. Its String method
// shows the host and the authentication segment, never a credential.
type Config struct {
	s *config.Shared
}

func init() {
	config.SetAccessor(func(cfg any) *config.Shared {
		if c, ok := cfg.(*Config); ok && c != nil {
			return c.s
		}
		return nil
	})
}

// NewConfig validates host and the options and returns the configuration
// every client is built from. host is scheme and authority, optionally
// followed by a path prefix ("https://govpay.comune.example.it"); a trailing
// slash is ignored.
//
// A bad host or option is a [*ValidationError] (What "options", matching
// [ErrInvalid]) listing every violation: "host", an option's argument
// ("WithBasicAuth.user"), or "opts[i]" for a nil option. No violation ever
// holds the value given, so a credential cannot leak through an error.
func NewConfig(host string, opts ...Option) (*Config, error) {
	ve := invalid()
	checkBase(ve, "host", host)
	var cfg config.Config
	for i, o := range opts {
		if o.apply == nil {
			ve.add(fmt.Sprintf("opts[%d]", i), "must not be the zero Option: build it with a With… function")
			continue
		}
		ve.appendErr(o.apply(&cfg))
	}
	if err := ve.err(); err != nil {
		return nil, err
	}
	s, err := config.NewShared(host, cfg, cfg.Endpoints)
	if err != nil {
		ve.add("WithClientCertificate", "needs an *http.Transport: the client given with WithHTTPClient has another RoundTripper")
		return nil, ve.err()
	}
	return &Config{s: s}, nil
}

// checkBase records a violation of field when s is not an absolute http or
// https URL without credentials, query or fragment. The rule never shows s.
func checkBase(ve *ValidationError, field, s string) {
	u, err := url.Parse(s)
	switch {
	case s == "":
		ve.add(field, "must not be empty: an absolute http or https URL")
	case err != nil:
		ve.add(field, "must be a valid URL: an absolute http or https URL")
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		ve.add(field, "must be an absolute http or https URL")
	case u.User != nil:
		ve.add(field, "must not carry credentials: use an authentication option")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		ve.add(field, "must not have a query or a fragment")
	}
}

// WithEndpoint sets the base URL of one API, for a deployment whose URL is
// not GovPay's conventional one (a proxy, another mount point). baseURL is
// the full base URL, authentication segment and version included
// ("https://pa.example.it/pendenze/v2").
//
// Violations name "WithEndpoint.api" (not one of the API constants) and
// "WithEndpoint.baseURL" (not an absolute http or https URL, or one with
// credentials, a query or a fragment).
func WithEndpoint(api API, baseURL string) Option {
	return Option{func(c *config.Config) error {
		ve := invalid()
		switch api {
		case APIPendenze, APIPagamento, APIRagioneria, APIBackoffice:
		default:
			ve.add("WithEndpoint.api", "must be one of the govpay.API constants")
		}
		checkBase(ve, "WithEndpoint.baseURL", baseURL)
		if err := ve.err(); err != nil {
			return err
		}
		if c.Endpoints == nil {
			c.Endpoints = map[string]string{}
		}
		c.Endpoints[string(api)] = strings.TrimRight(baseURL, "/")
		return nil
	}}
}

// String shows the host and the authentication segment, never a
// credential.
func (c *Config) String() string {
	if c == nil || c.s == nil {
		return "govpay.Config(nil)"
	}
	return "govpay.Config(" + c.s.Host + ", " + c.s.Settings.AuthSegment() + ")"
}

// GoString is String, so that %#v shows no credential either.
func (c *Config) GoString() string { return c.String() }
