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
	"strings"
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
		if err := govpay.ApplyOption(o, &c); err != nil {
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

// violation is what an invalid option must report: the field, and a
// fragment of the rule.
type violation struct{ field, rule string }

func TestOptionsValidation(t *testing.T) {
	pemCert, cert := selfSignedPEM(t)
	tests := []struct {
		name string
		opts []govpay.Option
		want []violation // nil means valid; otherwise every violation, in order
	}{
		{"basic", []govpay.Option{govpay.WithBasicAuth("u", "p")}, nil},
		{"basic empty user", []govpay.Option{govpay.WithBasicAuth("", "p")}, []violation{{"WithBasicAuth.user", "must not be empty"}}},
		{"basic empty password", []govpay.Option{govpay.WithBasicAuth("u", "")}, []violation{{"WithBasicAuth.password", "must not be empty"}}},
		{"basic both empty", []govpay.Option{govpay.WithBasicAuth("", "")}, []violation{{"WithBasicAuth.user", "must not be empty"}, {"WithBasicAuth.password", "must not be empty"}}},
		{"basic colon in user", []govpay.Option{govpay.WithBasicAuth("u:x", "p")}, []violation{{"WithBasicAuth.user", "must not contain ':'"}}},
		{"basic newline", []govpay.Option{govpay.WithBasicAuth("u", "p\r\nX-Evil: 1")}, []violation{{"WithBasicAuth.password", "control characters"}}},
		{"basic newline in user", []govpay.Option{govpay.WithBasicAuth("u\n", "p")}, []violation{{"WithBasicAuth.user", "control characters"}}},
		{"api key", []govpay.Option{govpay.WithAPIKey("app", "key")}, nil},
		{"api key empty id", []govpay.Option{govpay.WithAPIKey("", "key")}, []violation{{"WithAPIKey.appID", "must not be empty"}}},
		{"api key empty key", []govpay.Option{govpay.WithAPIKey("app", "")}, []violation{{"WithAPIKey.key", "must not be empty"}}},
		{"api key newline", []govpay.Option{govpay.WithAPIKey("app", "k\n")}, []violation{{"WithAPIKey.key", "control characters"}}},
		{"principal", []govpay.Option{govpay.WithPrincipalHeader("X-Principal", "gestionale")}, nil},
		{"principal empty name", []govpay.Option{govpay.WithPrincipalHeader("", "v")}, []violation{{"WithPrincipalHeader.name", "must not be empty"}}},
		{"principal empty value", []govpay.Option{govpay.WithPrincipalHeader("X-P", "")}, []violation{{"WithPrincipalHeader.value", "must not be empty"}}},
		{"principal bad name", []govpay.Option{govpay.WithPrincipalHeader("X P:", "v")}, []violation{{"WithPrincipalHeader.name", "must be a header name"}}},
		{"principal newline", []govpay.Option{govpay.WithPrincipalHeader("X-P", "a\nb")}, []violation{{"WithPrincipalHeader.value", "control characters"}}},
		{"spid", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "RSSMRA80A01H501U"})}, nil},
		{"spid no fiscal number", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{Name: "Mario"})}, []violation{{"WithSPID.FiscalNumber", "must not be empty"}}},
		{"spid newline", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "X", Email: "a\r\n"})}, []violation{{"WithSPID.Email", "must not contain control characters"}}},
		{"spid two fields", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{Name: "M\n", Address: "\x00"})},
			[]violation{{"WithSPID.FiscalNumber", "must not be empty"}, {"WithSPID.Name", "control characters"}, {"WithSPID.Address", "control characters"}}},
		{"bearer", []govpay.Option{govpay.WithBearerToken("tok")}, nil},
		{"bearer empty", []govpay.Option{govpay.WithBearerToken("")}, []violation{{"WithBearerToken.token", "must not be empty"}}},
		{"bearer space", []govpay.Option{govpay.WithBearerToken("a b")}, []violation{{"WithBearerToken.token", "spaces"}}},
		{"ssl header", []govpay.Option{govpay.WithSSLHeader(pemCert)}, nil},
		{"ssl header not PEM", []govpay.Option{govpay.WithSSLHeader("hello")}, []violation{{"WithSSLHeader.pemCert", "must be a PEM certificate"}}},
		{"ssl header key PEM", []govpay.Option{govpay.WithSSLHeader("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")}, []violation{{"WithSSLHeader.pemCert", "must be a PEM certificate"}}},
		{"client cert", []govpay.Option{govpay.WithClientCertificate(cert)}, nil},
		{"client cert empty", []govpay.Option{govpay.WithClientCertificate(tls.Certificate{})},
			[]violation{{"WithClientCertificate.Certificate", "must not be empty"}, {"WithClientCertificate.PrivateKey", "must not be nil"}}},
		{"client cert no key", []govpay.Option{govpay.WithClientCertificate(tls.Certificate{Certificate: cert.Certificate})}, []violation{{"WithClientCertificate.PrivateKey", "must not be nil"}}},
		{"client cert with basic", []govpay.Option{govpay.WithClientCertificate(cert), govpay.WithBasicAuth("u", "p")}, nil},
		{"two header modes", []govpay.Option{govpay.WithBasicAuth("u", "p"), govpay.WithAPIKey("a", "k")}, []violation{{"WithAPIKey", "conflicts with WithBasicAuth"}}},
		{"bearer then basic", []govpay.Option{govpay.WithBearerToken("t"), govpay.WithBasicAuth("u", "p")}, []violation{{"WithBasicAuth", "conflicts with WithBearerToken"}}},
		{"spid then principal", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "X"}), govpay.WithPrincipalHeader("X-P", "v")}, []violation{{"WithPrincipalHeader", "conflicts with WithSPID"}}},
		{"ssl header then basic", []govpay.Option{govpay.WithSSLHeader(pemCert), govpay.WithBasicAuth("u", "p")}, []violation{{"WithBasicAuth", "conflicts with WithSSLHeader"}}},
		{"http client nil", []govpay.Option{govpay.WithHTTPClient(nil)}, []violation{{"WithHTTPClient.client", "must not be nil"}}},
		{"http client", []govpay.Option{govpay.WithHTTPClient(&http.Client{})}, nil},
		{"logger nil", []govpay.Option{govpay.WithLogger(nil)}, []violation{{"WithLogger.logger", "must not be nil"}}},
		{"logger", []govpay.Option{govpay.WithLogger(slog.Default())}, nil},
		{"user agent", []govpay.Option{govpay.WithUserAgent("portale/1.0")}, nil},
		{"user agent empty", []govpay.Option{govpay.WithUserAgent("")}, []violation{{"WithUserAgent.product", "must not be empty"}}},
		{"user agent newline", []govpay.Option{govpay.WithUserAgent("a\nb")}, []violation{{"WithUserAgent.product", "control characters"}}},
		{"retry", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Second})}, nil},
		{"retry zero attempts", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{})}, []violation{{"WithRetry.MaxAttempts", "must be at least 1"}}},
		{"retry too many", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 21})}, []violation{{"WithRetry.MaxAttempts", "must be at most 20"}}},
		{"retry negative", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 2, MinBackoff: -1})}, []violation{{"WithRetry.MinBackoff", "must not be negative"}}},
		{"retry all negative", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: -1, MinBackoff: -1, MaxBackoff: -1, MaxRetryAfter: -1})},
			[]violation{{"WithRetry.MaxAttempts", "at least 1"}, {"WithRetry.MinBackoff", "negative"}, {"WithRetry.MaxBackoff", "negative"}, {"WithRetry.MaxRetryAfter", "negative"}}},
		{"retry inverted", []govpay.Option{govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Second, MaxBackoff: time.Millisecond})}, []violation{{"WithRetry.MaxBackoff", "must not be less than MinBackoff"}}},
		{"no retry", []govpay.Option{govpay.WithRetry(govpay.NoRetry())}, nil},
		{"insecure redirect", []govpay.Option{govpay.WithInsecureRedirect()}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := apply(tt.opts...)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			var ve *govpay.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, govpay.ErrInvalid)
			assert.Equal(t, "options", ve.What)
			require.Len(t, ve.Violations, len(tt.want), "%v", err)
			for i, w := range tt.want {
				assert.Equal(t, w.field, ve.Violations[i].Field)
				assert.Contains(t, ve.Violations[i].Rule, w.rule)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "govpay: invalid options: "+tt.want[0].field+": "), "%q", err)
		})
	}
}

func TestOptionsErrorMessage(t *testing.T) {
	_, err := apply(govpay.WithBasicAuth("", "pw"))
	assert.EqualError(t, err, "govpay: invalid options: WithBasicAuth.user: must not be empty")
	_, err = apply(govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Second, MaxBackoff: time.Millisecond}))
	assert.EqualError(t, err, "govpay: invalid options: WithRetry.MaxBackoff: must not be less than MinBackoff (or zero, for the default)")
}

func TestOptionsNeverEchoSecrets(t *testing.T) {
	const secret = "SeCrEt-pw"
	for _, o := range []govpay.Option{
		govpay.WithBasicAuth(secret+":", secret+"\n"),
		govpay.WithBasicAuth("u\n", secret+"\r"),
		govpay.WithAPIKey(secret+"\n", secret+"\r"),
		govpay.WithBearerToken(secret + " with space"),
		govpay.WithPrincipalHeader(secret+" :", secret+"\n"),
		govpay.WithSSLHeader(secret),
		govpay.WithSPID(govpay.SPIDUser{FiscalNumber: secret + "\n", Email: secret + "\r"}),
		govpay.WithUserAgent(secret + "\n"),
	} {
		_, err := apply(o)
		var ve *govpay.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.NotContains(t, err.Error(), "SeCrEt")
		for _, v := range ve.Violations {
			assert.NotContains(t, v.Field+v.Rule, "SeCrEt")
		}
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
	d := govpay.DefaultRetryPolicy()
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
		{govpay.NoRetry(), config.Retry{MaxAttempts: 1, MinBackoff: d.MinBackoff, MaxBackoff: d.MaxBackoff, MaxRetryAfter: d.MaxRetryAfter}},
	}
	for _, tt := range tests {
		c, err := apply(govpay.WithRetry(tt.in))
		require.NoError(t, err)
		require.NotNil(t, c.Retry)
		assert.Equal(t, tt.want, *c.Retry, "%+v", tt.in)
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
	// tipo is optional (SoggettoPagatoreValidator.java:96-98).
	assert.Equal(t, []govpay.Violation{{"identificativo", "required"}}, ve.Violations)

	// Lengths count UTF-16 units as Java does: characters, not bytes, and
	// two for a character outside the BMP.
	require.NoError(t, govpay.Soggetto{Tipo: "F", Identificativo: "X", Anagrafica: rep(60) + "àèìòùàèìòù"}.Validate())
	require.NoError(t, govpay.Soggetto{Identificativo: "X", Anagrafica: rep(68) + "😀"}.Validate())
	require.Error(t, govpay.Soggetto{Identificativo: "X", Anagrafica: rep(69) + "😀"}.Validate())
	// GovPay's patterns for e-mail and mobile number.
	require.NoError(t, govpay.Soggetto{Identificativo: "X", Email: "admin@localhost", Cellulare: "+39 333-1234567"}.Validate())
	require.Error(t, govpay.Soggetto{Identificativo: "X", Email: "mario.rossi@comune.it", Cellulare: "3331234567"}.Validate())
	require.Error(t, govpay.Soggetto{Identificativo: "X", Email: "perù@comune.it"}.Validate())
}
