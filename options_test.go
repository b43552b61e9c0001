package govpay_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/config"
)

func apply(opts ...govpay.Option) (config.Config, error) {
	var c config.Config
	for _, o := range opts {
		if err := o(&c); err != nil {
			return c, err
		}
	}
	return c, nil
}

func selfSignedPEM(t *testing.T) (string, tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "portale"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	p := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	return p, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestOptionsValidation(t *testing.T) {
	pemCert, cert := selfSignedPEM(t)
	tests := []struct {
		name    string
		opts    []govpay.Option
		wantErr string // "" means valid
	}{
		{"basic", []govpay.Option{govpay.WithBasicAuth("u", "p")}, ""},
		{"basic empty user", []govpay.Option{govpay.WithBasicAuth("", "p")}, "user must not be empty"},
		{"basic empty password", []govpay.Option{govpay.WithBasicAuth("u", "")}, "password must not be empty"},
		{"basic colon in user", []govpay.Option{govpay.WithBasicAuth("u:x", "p")}, "must not contain ':'"},
		{"basic newline", []govpay.Option{govpay.WithBasicAuth("u", "p\r\nX-Evil: 1")}, "control characters"},
		{"api key", []govpay.Option{govpay.WithAPIKey("app", "key")}, ""},
		{"api key empty id", []govpay.Option{govpay.WithAPIKey("", "key")}, "must not be empty"},
		{"api key empty key", []govpay.Option{govpay.WithAPIKey("app", "")}, "must not be empty"},
		{"api key newline", []govpay.Option{govpay.WithAPIKey("app", "k\n")}, "control characters"},
		{"principal", []govpay.Option{govpay.WithPrincipalHeader("X-Principal", "gestionale")}, ""},
		{"principal empty name", []govpay.Option{govpay.WithPrincipalHeader("", "v")}, "must not be empty"},
		{"principal empty value", []govpay.Option{govpay.WithPrincipalHeader("X-P", "")}, "must not be empty"},
		{"principal bad name", []govpay.Option{govpay.WithPrincipalHeader("X P:", "v")}, "not a valid header name"},
		{"principal newline", []govpay.Option{govpay.WithPrincipalHeader("X-P", "a\nb")}, "control characters"},
		{"spid", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "RSSMRA80A01H501U"})}, ""},
		{"spid no fiscal number", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{Name: "Mario"})}, "FiscalNumber must not be empty"},
		{"spid newline", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "X", Email: "a\r\n"})}, "X-Spid-Email must not contain control characters"},
		{"bearer", []govpay.Option{govpay.WithBearerToken("tok")}, ""},
		{"bearer empty", []govpay.Option{govpay.WithBearerToken("")}, "token must not be empty"},
		{"bearer space", []govpay.Option{govpay.WithBearerToken("a b")}, "spaces"},
		{"ssl header", []govpay.Option{govpay.WithSSLHeader(pemCert)}, ""},
		{"ssl header not PEM", []govpay.Option{govpay.WithSSLHeader("hello")}, "want a PEM certificate"},
		{"ssl header key PEM", []govpay.Option{govpay.WithSSLHeader("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")}, "want a PEM certificate"},
		{"client cert", []govpay.Option{govpay.WithClientCertificate(cert)}, ""},
		{"client cert empty", []govpay.Option{govpay.WithClientCertificate(tls.Certificate{})}, "certificate is empty"},
		{"client cert no key", []govpay.Option{govpay.WithClientCertificate(tls.Certificate{Certificate: cert.Certificate})}, "no private key"},
		{"client cert with basic", []govpay.Option{govpay.WithClientCertificate(cert), govpay.WithBasicAuth("u", "p")}, ""},
		{"two header modes", []govpay.Option{govpay.WithBasicAuth("u", "p"), govpay.WithAPIKey("a", "k")}, "api-key authentication conflicts with basic"},
		{"bearer then basic", []govpay.Option{govpay.WithBearerToken("t"), govpay.WithBasicAuth("u", "p")}, "conflicts"},
		{"spid then principal", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "X"}), govpay.WithPrincipalHeader("X-P", "v")}, "conflicts"},
		{"ssl header then basic", []govpay.Option{govpay.WithSSLHeader(pemCert), govpay.WithBasicAuth("u", "p")}, "conflicts"},
		{"http client nil", []govpay.Option{govpay.WithHTTPClient(nil)}, "client must not be nil"},
		{"http client", []govpay.Option{govpay.WithHTTPClient(&http.Client{})}, ""},
		{"logger nil", []govpay.Option{govpay.WithLogger(nil)}, "logger must not be nil"},
		{"logger", []govpay.Option{govpay.WithLogger(slog.Default())}, ""},
		{"user agent", []govpay.Option{govpay.WithUserAgent("portale/1.0")}, ""},
		{"user agent empty", []govpay.Option{govpay.WithUserAgent("")}, "non-empty header value"},
		{"user agent newline", []govpay.Option{govpay.WithUserAgent("a\nb")}, "non-empty header value"},
		{"retry", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Second})}, ""},
		{"retry zero attempts", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{})}, "MaxAttempts must be at least 1"},
		{"retry too many", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 21})}, "at most 20"},
		{"retry negative", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 2, MinBackoff: -1})}, "must not be negative"},
		{"retry inverted", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Second, MaxBackoff: time.Millisecond})}, "MaxBackoff must not be less than MinBackoff"},
		{"no retry", []govpay.Option{govpay.WithRetry(govpay.NoRetry)}, ""},
		{"insecure redirect", []govpay.Option{govpay.WithInsecureRedirect()}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := apply(tt.opts...)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Contains(t, err.Error(), "govpay: ")
		})
	}
}

func TestOptionsNeverEchoSecrets(t *testing.T) {
	for _, o := range []govpay.Option{
		govpay.WithBasicAuth("u", "SeCrEt-pw\n"),
		govpay.WithAPIKey("app", "SeCrEt-pw\r"),
		govpay.WithBearerToken("SeCrEt-pw with space"),
	} {
		_, err := apply(o)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "SeCrEt")
	}
}

func TestOptionsFillConfig(t *testing.T) {
	c, err := apply(govpay.WithBasicAuth("user", "pass"))
	require.NoError(t, err)
	require.NotNil(t, c.Auth)
	assert.Equal(t, "basic", c.Auth.Mode)
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte("user:pass")), c.Auth.Headers.Get("Authorization"))
	assert.Contains(t, c.Auth.Secrets, "pass")

	c, err = apply(govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "TINIT-RSSMRA80A01H501U", Name: "Mario", FamilyName: "Rossi", Email: "m@r.it"}))
	require.NoError(t, err)
	assert.Equal(t, http.Header{
		"X-Spid-Fiscalnumber": {"TINIT-RSSMRA80A01H501U"}, "X-Spid-Name": {"Mario"},
		"X-Spid-Familyname": {"Rossi"}, "X-Spid-Email": {"m@r.it"},
	}, c.Auth.Headers, "empty SPID attributes are not sent")

	pemCert, _ := selfSignedPEM(t)
	c, err = apply(govpay.WithSSLHeader(pemCert))
	require.NoError(t, err)
	v := c.Auth.Headers.Get(govpay.SSLHeader)
	assert.NotContains(t, v, "\n")
	block, _ := pem.Decode([]byte(pemCert))
	assert.Equal(t, "-----BEGIN CERTIFICATE-----"+base64.StdEncoding.EncodeToString(block.Bytes)+"-----END CERTIFICATE-----", v)

	hc := &http.Client{Timeout: 3 * time.Second}
	c, err = apply(govpay.WithHTTPClient(hc))
	require.NoError(t, err)
	assert.NotSame(t, hc, c.HTTPClient, "the client is copied")
	assert.Equal(t, 3*time.Second, c.HTTPClient.Timeout)

	c, err = apply(govpay.WithUserAgent("portale/2.1"), govpay.WithInsecureRedirect())
	require.NoError(t, err)
	assert.Equal(t, "portale/2.1", c.UserAgent)
	assert.True(t, c.AllowInsecureRedirect)
}

func TestWithRetryDefaults(t *testing.T) {
	d := govpay.DefaultRetryPolicy
	tests := []struct {
		in   govpay.RetryPolicy
		want config.Retry
	}{
		{govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second},
			config.Retry{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second}},
		{govpay.RetryPolicy{MaxAttempts: 5},
			config.Retry{MaxAttempts: 5, MinBackoff: d.MinBackoff, MaxBackoff: d.MaxBackoff, MaxRetryAfter: d.MaxRetryAfter}},
		{govpay.RetryPolicy{MaxAttempts: 5, MaxBackoff: 10 * time.Millisecond},
			config.Retry{MaxAttempts: 5, MinBackoff: 10 * time.Millisecond, MaxBackoff: 10 * time.Millisecond, MaxRetryAfter: d.MaxRetryAfter}},
		{govpay.RetryPolicy{MaxAttempts: 5, MinBackoff: 10 * time.Second},
			config.Retry{MaxAttempts: 5, MinBackoff: 10 * time.Second, MaxBackoff: 10 * time.Second, MaxRetryAfter: d.MaxRetryAfter}},
		{govpay.RetryPolicy{MaxAttempts: 5, MinBackoff: time.Millisecond},
			config.Retry{MaxAttempts: 5, MinBackoff: time.Millisecond, MaxBackoff: d.MaxBackoff, MaxRetryAfter: d.MaxRetryAfter}},
		{govpay.NoRetry, config.Retry{MaxAttempts: 1, MinBackoff: d.MinBackoff, MaxBackoff: d.MaxBackoff, MaxRetryAfter: d.MaxRetryAfter}},
	}
	for _, tt := range tests {
		c, err := apply(govpay.WithRetry(tt.in))
		require.NoError(t, err)
		require.NotNil(t, c.Retry)
		assert.Equal(t, tt.want, *c.Retry, "%+v", tt.in)
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		host    string
		api     govpay.API
		auth    govpay.AuthMethod
		version int
		want    string
	}{
		{"https://gp.example.it", govpay.APIPendenze, govpay.AuthBasic, 2, "https://gp.example.it/govpay/backend/api/pendenze/rs/basic/v2"},
		{"https://gp.example.it/", govpay.APIPagamento, govpay.AuthSPID, 2, "https://gp.example.it/govpay/frontend/api/pagamento/rs/spid/v2"},
		{"http://localhost:8080", govpay.APIRagioneria, govpay.AuthSSL, 3, "http://localhost:8080/govpay/backend/api/ragioneria/rs/ssl/v3"},
		{"https://h", govpay.APIBackoffice, govpay.AuthOAuth2, 1, "https://h/govpay/backend/api/backoffice/rs/oauth2/v1"},
		{"https://h", govpay.APIPagamento, govpay.AuthPublic, 2, "https://h/govpay/frontend/api/pagamento/rs/public/v2"},
		{"https://h", govpay.APIPendenze, govpay.AuthHeader, 2, "https://h/govpay/backend/api/pendenze/rs/header/v2"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, govpay.BaseURL(tt.host, tt.api, tt.auth, tt.version))
	}
}

func TestSoggettoValidate(t *testing.T) {
	ok := govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA80A01H501U", Anagrafica: "Mario Rossi",
		Provincia: "Roma", Nazione: "IT", Email: "mario.rossi@example.it"}
	require.NoError(t, ok.Validate())
	require.NoError(t, govpay.Soggetto{Tipo: govpay.SoggettoGiuridico, Identificativo: "ANONIMO"}.Validate())
	require.NoError(t, govpay.Soggetto{Tipo: "F", Identificativo: "X", Provincia: "RM"}.Validate())

	rep := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a'
		}
		return string(b)
	}
	bad := govpay.Soggetto{Tipo: "X", Identificativo: rep(17), Anagrafica: rep(71), Indirizzo: rep(71), Civico: rep(17),
		CAP: rep(17), Localita: rep(36), Provincia: rep(36), Nazione: "ita", Email: "not an email", Cellulare: rep(36)}
	err := bad.Validate()
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, govpay.ErrInvalid)
	for _, f := range []string{"tipo", "identificativo", "anagrafica", "indirizzo", "civico", "cap", "localita", "provincia", "nazione", "email", "cellulare"} {
		assert.True(t, ve.Has(f), "violation of %s expected in %v", f, err)
	}
	assert.Len(t, ve.Violations, 11)

	err = govpay.Soggetto{}.Validate()
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []govpay.Violation{{"tipo", "required (F or G)"}, {"identificativo", "required"}}, ve.Violations)

	// Lengths count characters, not bytes.
	require.NoError(t, govpay.Soggetto{Tipo: "F", Identificativo: "X", Anagrafica: rep(60) + "àèìòùàèìòù"}.Validate())
}
