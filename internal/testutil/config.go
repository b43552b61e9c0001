package testutil

import (
	"net/url"
	"testing"

	"github.com/govpaygo/govpay"
)

// Config returns a *govpay.Config for a test server: its host is baseURL's
// origin and api's base URL is baseURL itself (govpay.WithEndpoint), so a
// server mounted under a deep base path (PendenzeBasePath …) keeps catching
// a client that builds absolute paths. opts come first, the endpoint last
// (so a violation "opts[i]" names the caller's index). The test fails when
// govpay.NewConfig refuses the configuration.
func Config(t testing.TB, api govpay.API, baseURL string, opts ...govpay.Option) *govpay.Config {
	t.Helper()
	cfg, err := ConfigErr(api, baseURL, opts...)
	if err != nil {
		t.Fatalf("govpay.NewConfig: %v", err)
	}
	return cfg
}

// ConfigErr is Config returning NewConfig's error, for tests of refused
// options.
func ConfigErr(api govpay.API, baseURL string, opts ...govpay.Option) (*govpay.Config, error) {
	host := baseURL
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		host = u.Scheme + "://" + u.Host
	}
	return govpay.NewConfig(host, append(append([]govpay.Option(nil), opts...), govpay.WithEndpoint(api, baseURL))...)
}
