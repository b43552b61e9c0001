package govpay_test

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/config"
)

// TestConfigAuthSegment: the authentication segment of every base URL
// follows from the credentials given (GovPay 3.9.1's security contexts).
func TestConfigAuthSegment(t *testing.T) {
	cert := tls.Certificate{Certificate: [][]byte{{1}}, PrivateKey: struct{}{}}
	for _, c := range []struct {
		opts []govpay.Option
		want string
	}{
		{nil, "public"},
		{[]govpay.Option{govpay.WithBasicAuth("portale", "pw-123456")}, "basic"},
		{[]govpay.Option{govpay.WithClientCertificate(cert)}, "ssl"},
		{[]govpay.Option{govpay.WithAPIKey("app", "key-123456")}, "apikey"},
		{[]govpay.Option{govpay.WithPrincipalHeader("X-Principal", "portale")}, "header"},
		{[]govpay.Option{govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "RSSMRA30A01H501I"})}, "spid"},
		{[]govpay.Option{govpay.WithBearerToken("tok-123456")}, "oauth2"},
		{[]govpay.Option{govpay.WithClientCertificate(cert), govpay.WithBasicAuth("portale", "pw-123456")}, "basic"},
	} {
		cfg, err := govpay.NewConfig("https://govpay.example.it/", c.opts...)
		if err != nil {
			t.Fatalf("%s: %v", c.want, err)
		}
		s := config.Of(cfg)
		want := "https://govpay.example.it/govpay/backend/api/pendenze/rs/" + c.want + "/v2"
		if got := s.BaseURL("pendenze", 2); got != want {
			t.Errorf("pendenze: %s, want %s", got, want)
		}
		want = "https://govpay.example.it/govpay/frontend/api/pagamento/rs/" + c.want + "/v2"
		if got := s.BaseURL("pagamento", 2); got != want {
			t.Errorf("pagamento: %s, want %s", got, want)
		}
		if got := cfg.String(); !strings.Contains(got, c.want) {
			t.Errorf("String %q does not name the segment %q", got, c.want)
		}
	}
}

// TestConfigEndpointOverride: WithEndpoint replaces one API's base URL
// and leaves the others conventional.
func TestConfigEndpointOverride(t *testing.T) {
	cfg, err := govpay.NewConfig("https://govpay.example.it",
		govpay.WithBasicAuth("portale", "pw-123456"),
		govpay.WithEndpoint(govpay.APIRagioneria, "https://proxy.example.it/ragioneria/v3/"))
	if err != nil {
		t.Fatal(err)
	}
	s := config.Of(cfg)
	if got := s.BaseURL("ragioneria", 3); got != "https://proxy.example.it/ragioneria/v3" {
		t.Errorf("ragioneria: %s", got)
	}
	if got := s.BaseURL("pendenze", 2); got != "https://govpay.example.it/govpay/backend/api/pendenze/rs/basic/v2" {
		t.Errorf("pendenze: %s", got)
	}
}

// TestConfigOnePool: every client of a Config sends through one
// *http.Client, which never follows redirects; the caller's client is
// copied, never modified.
func TestConfigOnePool(t *testing.T) {
	mine := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	cfg, err := govpay.NewConfig("https://govpay.example.it", govpay.WithHTTPClient(mine))
	if err != nil {
		t.Fatal(err)
	}
	s := config.Of(cfg)
	if s.HTTPClient == mine || s.HTTPClient.Transport != mine.Transport {
		t.Error("the caller's client must be copied, with its Transport kept")
	}
	if mine.CheckRedirect != nil {
		t.Error("the caller's client was modified")
	}
	if s.HTTPClient.CheckRedirect == nil || s.HTTPClient.CheckRedirect(nil, nil) != http.ErrUseLastResponse {
		t.Error("redirects must not be followed")
	}
	if config.Of(cfg) != s {
		t.Error("the Shared must be the same on every read")
	}
	if config.Of((*govpay.Config)(nil)) != nil || config.Of(nil) != nil {
		t.Error("a nil Config has no Shared")
	}
}

// TestConfigInvalid: every violation of the host and of the options is
// listed, none showing the value given.
func TestConfigInvalid(t *testing.T) {
	const secret = "s3cr3t-Passw0rd"
	for _, c := range []struct {
		host   string
		opts   []govpay.Option
		fields []string
	}{
		{"", nil, []string{"host"}},
		{"govpay.example.it", nil, []string{"host"}},
		{"ftp://govpay.example.it", nil, []string{"host"}},
		{"https://portale:" + secret + "@govpay.example.it", nil, []string{"host"}},
		{"https://govpay.example.it?x=" + secret, nil, []string{"host"}},
		{"https://govpay.example.it#" + secret, nil, []string{"host"}},
		{"https://govpay.example.it", []govpay.Option{{}}, []string{"opts[0]"}},
		{"https://govpay.example.it", []govpay.Option{govpay.WithEndpoint("cassa", "https://x.example.it")}, []string{"WithEndpoint.api"}},
		{"https://govpay.example.it", []govpay.Option{govpay.WithEndpoint(govpay.APIPendenze, "/pendenze/"+secret)}, []string{"WithEndpoint.baseURL"}},
		{"", []govpay.Option{govpay.WithBasicAuth("", secret), {}}, []string{"host", "WithBasicAuth.user", "opts[1]"}},
	} {
		cfg, err := govpay.NewConfig(c.host, c.opts...)
		if err == nil {
			t.Fatalf("%q %v: accepted (%v)", c.host, c.fields, cfg)
		}
		var ve *govpay.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, govpay.ErrInvalid) || ve.What != "options" {
			t.Fatalf("%q: got %T %v, want a *govpay.ValidationError for options", c.host, err, err)
		}
		for _, f := range c.fields {
			if !ve.Has(f) {
				t.Errorf("%q: violations %v do not name %q", c.host, ve.Violations, f)
			}
		}
		if len(ve.Violations) != len(c.fields) {
			t.Errorf("%q: violations %v, want exactly %v", c.host, ve.Violations, c.fields)
		}
		if text := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(text, secret) {
			t.Errorf("the error shows the secret: %s", text)
		}
	}
}

// TestConfigStringHidesSecrets: printing a Config never shows a
// credential.
func TestConfigStringHidesSecrets(t *testing.T) {
	const secret = "s3cr3t-Passw0rd"
	cfg, err := govpay.NewConfig("https://govpay.example.it", govpay.WithBasicAuth("portale", secret))
	if err != nil {
		t.Fatal(err)
	}
	if text := fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg); strings.Contains(text, secret) {
		t.Errorf("printing the Config shows the secret: %s", text)
	}
}
