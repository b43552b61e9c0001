package config

import (
	"crypto/tls"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout is the timeout of the http.Client used when the caller
// gives none with govpay.WithHTTPClient.
const DefaultTimeout = 60 * time.Second

// Shared is what a govpay.Config holds: the resolved settings, the host,
// the per-API base URLs given with govpay.WithEndpoint, and the one
// *http.Client (one connection pool) every client built from the Config
// sends through. It is built once, by NewShared, and then only read.
type Shared struct {
	// Host is scheme and authority, without a trailing slash.
	Host string
	// Settings are the resolved options.
	Settings Config
	// Endpoints are the base URLs given with govpay.WithEndpoint, by API
	// name, without a trailing slash.
	Endpoints map[string]string
	// HTTPClient is the one client of the Config: its Transport is the
	// connection pool; it never follows redirects.
	HTTPClient *http.Client
	// ForeignHTTPClient is for servers other than GovPay (pagoPA
	// Checkout): HTTPClient without the Config's TLS client certificates,
	// which are GovPay's credentials. It is HTTPClient itself when no
	// certificate was given; otherwise its Transport is the one the
	// certificates were added to a clone of (the caller's, or the
	// default), so it has a pool of its own.
	ForeignHTTPClient *http.Client
}

// ErrCertTransport is returned by NewShared when client certificates are
// asked for but the caller's http.Client has a RoundTripper that is not an
// *http.Transport.
var ErrCertTransport = errors.New("client certificates need an *http.Transport")

// NewShared builds the one *http.Client of a configuration: a copy of the
// caller's client (never modified), or one with DefaultTimeout and a clone
// of http.DefaultTransport; the client certificates go into a clone of its
// TLS configuration; redirects are never followed.
func NewShared(host string, s Config, endpoints map[string]string) (*Shared, error) {
	var hc http.Client
	if s.HTTPClient != nil {
		hc = *s.HTTPClient
	} else {
		hc = http.Client{Timeout: DefaultTimeout}
	}
	next := hc.Transport
	if next == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		next = t
	}
	plain := next
	if len(s.ClientCerts) > 0 {
		t, ok := next.(*http.Transport)
		if !ok {
			return nil, ErrCertTransport
		}
		t = t.Clone()
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		t.TLSClientConfig.Certificates = append(append([]tls.Certificate(nil), t.TLSClientConfig.Certificates...), s.ClientCerts...)
		next = t
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	foreign := hc
	foreign.Transport = plain
	hc.Transport = next
	sh := &Shared{Host: strings.TrimRight(host, "/"), Settings: s, Endpoints: endpoints, HTTPClient: &hc, ForeignHTTPClient: &hc}
	if len(s.ClientCerts) > 0 { // next is then a clone with the certificates
		sh.ForeignHTTPClient = &foreign
	}
	return sh, nil
}

// AuthSegment is the authentication segment of GovPay's base URLs that the
// credentials call for (GovPay 3.9.1's spring-security contexts,
// api-*-applicationContext-security.xml): the header-based mode's segment,
// "ssl" for a client certificate alone, "public" for none.
func (c *Config) AuthSegment() string {
	if c.Auth != nil {
		switch c.Auth.Mode {
		case "basic":
			return "basic"
		case "api-key":
			return "apikey"
		case "principal":
			return "header"
		case "spid":
			return "spid"
		case "bearer":
			return "oauth2"
		case "ssl-header":
			return "sslheader"
		}
	}
	if len(c.ClientCerts) > 0 {
		return "ssl"
	}
	return "public"
}

// servedSegments are the authentication segments under which GovPay 3.9.1
// serves the version of each API the SDK uses: the jaxrs:server addresses
// of wars/api-{api}/src/main/resources/spring-jaxrs (link-it/govpay
// @1840dca), besides the segment-less default of each. API Pendenze v2
// (applicationContext-jaxrs-v2.xml:67-192) and API Ragioneria v3
// (applicationContext-jaxrs-v3.xml:64-184) have no "spid" and no "public"
// base URL; API Pagamento v2 (applicationContext-jaxrs-v2.xml:67-273) has
// every segment.
var servedSegments = map[string][]string{
	"pendenze":   {"basic", "ssl", "sslheader", "header", "apikey", "oauth2"},
	"ragioneria": {"basic", "ssl", "sslheader", "header", "apikey", "oauth2"},
	"pagamento":  {"basic", "ssl", "sslheader", "spid", "public", "header", "session", "apikey", "oauth2"},
}

// Served returns the authentication segments under which GovPay serves
// api, and whether the SDK knows them (false for another API).
func Served(api string) ([]string, bool) {
	segs, ok := servedSegments[api]
	return segs, ok
}

// BaseURL returns the base URL of api at version: the one given with
// govpay.WithEndpoint, else GovPay's conventional
// host/govpay/{backend|frontend}/api/{api}/rs/{auth}/v{version} (API
// Pagamento is served under frontend, the others under backend).
func (s *Shared) BaseURL(api string, version int) string {
	if u, ok := s.Endpoints[api]; ok {
		return u
	}
	side := "backend"
	if api == "pagamento" {
		side = "frontend"
	}
	return s.Host + "/govpay/" + side + "/api/" + api + "/rs/" + s.Settings.AuthSegment() + "/v" + strconv.Itoa(version)
}

// accessor returns the Shared of a *govpay.Config; set by the root package.
var accessor func(cfg any) *Shared

// SetAccessor is called once, by the root package's init, with the function
// that reads a *govpay.Config's Shared (the field is unexported).
func SetAccessor(f func(cfg any) *Shared) { accessor = f }

// Of returns the Shared of cfg, a *govpay.Config; nil when cfg is nil.
func Of(cfg any) *Shared {
	if accessor == nil {
		return nil
	}
	return accessor(cfg)
}
