package notifica_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/notifica"
)

// authCase is one request in an authentication table.
type authCase struct {
	name string
	set  func(*http.Request)
	want int
}

func runAuth(t *testing.T, opts []notifica.Option, cases []authCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			h, err := notifica.NewHandler(rec, opts...)
			require.NoError(t, err)
			req := httptest.NewRequest("PUT", pathRicevuta, strings.NewReader(bodyRicevuta))
			req.Header.Set("Content-Type", "application/json")
			tc.set(req)
			res := httptest.NewRecorder()
			h.ServeHTTP(res, req)
			require.Equal(t, tc.want, res.Code, res.Body.String())
			if tc.want == 401 {
				assert.Zero(t, rec.calls.Load())
				assert.JSONEq(t, `{"categoria":"AUTORIZZAZIONE","codice":"401000","descrizione":"Richiesta non autenticata"}`, res.Body.String())
			}
		})
	}
}

func TestAuthBasic(t *testing.T) {
	opts := []notifica.Option{notifica.WithBasicAuth("govpay", "pw-1"), notifica.WithBasicAuth("govpay", "pw-2-rotated")}
	runAuth(t, opts, []authCase{
		{"first password", func(r *http.Request) { r.SetBasicAuth("govpay", "pw-1") }, 201},
		{"rotated password", func(r *http.Request) { r.SetBasicAuth("govpay", "pw-2-rotated") }, 201},
		{"wrong password", func(r *http.Request) { r.SetBasicAuth("govpay", "pw-3") }, 401},
		{"password prefix", func(r *http.Request) { r.SetBasicAuth("govpay", "pw-") }, 401},
		{"password longer", func(r *http.Request) { r.SetBasicAuth("govpay", "pw-1x") }, 401},
		{"wrong user", func(r *http.Request) { r.SetBasicAuth("GOVPAY", "pw-1") }, 401},
		{"crossed pair", func(r *http.Request) { r.SetBasicAuth("pw-1", "govpay") }, 401},
		{"empty", func(r *http.Request) { r.SetBasicAuth("", "") }, 401},
		{"missing", func(*http.Request) {}, 401},
		{"not basic", func(r *http.Request) { r.Header.Set("Authorization", "Bearer pw-1") }, 401},
	})
}

func TestAuthAPIKey(t *testing.T) {
	opts := []notifica.Option{notifica.WithAPIKey("govpay-app", "k-123456")}
	runAuth(t, opts, []authCase{
		{"good", func(r *http.Request) { r.Header.Set("X-APP-ID", "govpay-app"); r.Header.Set("X-API-KEY", "k-123456") }, 201},
		{"lower-case header names", func(r *http.Request) {
			r.Header["x-app-id"] = nil
			r.Header.Set("x-app-id", "govpay-app")
			r.Header.Set("x-api-key", "k-123456")
		}, 201},
		{"wrong key", func(r *http.Request) { r.Header.Set("X-APP-ID", "govpay-app"); r.Header.Set("X-API-KEY", "k-12345") }, 401},
		{"wrong app", func(r *http.Request) { r.Header.Set("X-APP-ID", "other"); r.Header.Set("X-API-KEY", "k-123456") }, 401},
		{"missing key", func(r *http.Request) { r.Header.Set("X-APP-ID", "govpay-app") }, 401},
		{"repeated key", func(r *http.Request) {
			r.Header.Set("X-APP-ID", "govpay-app")
			r.Header.Add("X-API-KEY", "k-123456")
			r.Header.Add("X-API-KEY", "k-123456")
		}, 401},
	})
}

func TestAuthHeaderSecret(t *testing.T) {
	opts := []notifica.Option{notifica.WithHeaderSecret("X-GovPay-Secret", "s1"), notifica.WithHeaderSecret("x-govpay-secret", "s2")}
	runAuth(t, opts, []authCase{
		{"first value", func(r *http.Request) { r.Header.Set("X-Govpay-Secret", "s1") }, 201},
		{"second value", func(r *http.Request) { r.Header.Set("X-Govpay-Secret", "s2") }, 201},
		{"wrong", func(r *http.Request) { r.Header.Set("X-Govpay-Secret", "s3") }, 401},
		{"missing", func(*http.Request) {}, 401},
		{"other header", func(r *http.Request) { r.Header.Set("X-Secret", "s1") }, 401},
		{"repeated", func(r *http.Request) { r.Header.Add("X-Govpay-Secret", "s1"); r.Header.Add("X-Govpay-Secret", "s3") }, 401},
	})
}

func TestAuthBearer(t *testing.T) {
	var seen []string
	check := func(ctx context.Context, token string) error {
		seen = append(seen, token)
		if token == "good.jwt.token" {
			return nil
		}
		return errors.New("signature invalid")
	}
	logs := &logBuffer{}
	opts := []notifica.Option{notifica.WithBearerCheck(check), notifica.WithLogger(newLogger(logs))}
	runAuth(t, opts, []authCase{
		{"good", func(r *http.Request) { r.Header.Set("Authorization", "Bearer good.jwt.token") }, 201},
		{"scheme case", func(r *http.Request) { r.Header.Set("Authorization", "bearer good.jwt.token") }, 201},
		{"refused", func(r *http.Request) { r.Header.Set("Authorization", "Bearer bad.jwt.token") }, 401},
		{"empty token", func(r *http.Request) { r.Header.Set("Authorization", "Bearer ") }, 401},
		{"basic instead", func(r *http.Request) { r.SetBasicAuth("good.jwt.token", "x") }, 401},
		{"missing", func(*http.Request) {}, 401},
	})
	assert.Equal(t, []string{"good.jwt.token", "good.jwt.token", "bad.jwt.token"}, seen, "the check sees only well-formed bearer tokens")
	assert.Contains(t, logs.String(), "signature invalid", "the refusal reason is logged")
	assert.NotContains(t, logs.String(), "bad.jwt.token", "tokens are never logged")
}

func TestAuthCombined(t *testing.T) {
	opts := []notifica.Option{notifica.WithBasicAuth("govpay", "pw"), notifica.WithHeaderSecret("X-Tenant-Secret", "t")}
	runAuth(t, opts, []authCase{
		{"both", func(r *http.Request) { r.SetBasicAuth("govpay", "pw"); r.Header.Set("X-Tenant-Secret", "t") }, 201},
		{"basic only", func(r *http.Request) { r.SetBasicAuth("govpay", "pw") }, 401},
		{"header only", func(r *http.Request) { r.Header.Set("X-Tenant-Secret", "t") }, 401},
	})
}

func TestAuthNoneLogsNoSecrets(t *testing.T) {
	logs := &logBuffer{}
	h := newHandler(t, &recorder{}, notifica.WithLogger(newLogger(logs)))
	req := httptest.NewRequest("PUT", pathRicevuta, strings.NewReader(bodyRicevuta))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(testUser, "guess-"+testPass)
	h.ServeHTTP(httptest.NewRecorder(), req)
	assert.Contains(t, logs.String(), "authentication failed")
	assert.NotContains(t, logs.String(), testPass)
	assert.NotContains(t, logs.String(), req.Header.Get("Authorization"))
}

// pki is a throw-away CA with a server and two client certificates.
type pki struct {
	pool               *x509.CertPool
	server             tls.Certificate
	allowed, forbidden tls.Certificate
	selfSigned         tls.Certificate
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		return k
	}
	serial := int64(1)
	issue := func(tmpl *x509.Certificate, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (tls.Certificate, *x509.Certificate) {
		serial++
		tmpl.SerialNumber = big.NewInt(serial)
		tmpl.NotBefore = time.Now().Add(-time.Hour)
		tmpl.NotAfter = time.Now().Add(time.Hour)
		k := key()
		if parent == nil {
			parent, parentKey = tmpl, k
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &k.PublicKey, parentKey)
		require.NoError(t, err)
		c, err := x509.ParseCertificate(der)
		require.NoError(t, err)
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k, Leaf: c}, c
	}
	caTLS, ca := issue(&x509.Certificate{Subject: pkix.Name{CommonName: "Test CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, nil, nil)
	caKey := caTLS.PrivateKey.(*ecdsa.PrivateKey)
	p := &pki{pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	p.server, _ = issue(&x509.Certificate{Subject: pkix.Name{CommonName: "127.0.0.1"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, ca, caKey)
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	p.allowed, _ = issue(&x509.Certificate{Subject: pkix.Name{CommonName: "govpay", Organization: []string{"Ente"}, Country: []string{"IT"}}, ExtKeyUsage: client}, ca, caKey)
	p.forbidden, _ = issue(&x509.Certificate{Subject: pkix.Name{CommonName: "intruder", Organization: []string{"Ente"}, Country: []string{"IT"}}, ExtKeyUsage: client}, ca, caKey)
	// same subject as the allowed one, not signed by the CA
	p.selfSigned, _ = issue(&x509.Certificate{Subject: pkix.Name{CommonName: "govpay", Organization: []string{"Ente"}, Country: []string{"IT"}}, ExtKeyUsage: client}, nil, nil)
	return p
}

func TestAuthClientCertificate(t *testing.T) {
	p := newPKI(t)
	subject := p.allowed.Leaf.Subject.String()
	require.Equal(t, "CN=govpay,O=Ente,C=IT", subject)
	tests := []struct {
		name       string
		clientAuth tls.ClientAuthType
		cert       *tls.Certificate
		want       int
	}{
		{"allowed subject", tls.VerifyClientCertIfGiven, &p.allowed, 201},
		{"other subject", tls.VerifyClientCertIfGiven, &p.forbidden, 401},
		{"no certificate", tls.VerifyClientCertIfGiven, nil, 401},
		{"unverified certificate with allowed subject", tls.RequestClientCert, &p.selfSigned, 401},
		{"verified by RequireAndVerify", tls.RequireAndVerifyClientCert, &p.allowed, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			h, err := notifica.NewHandler(rec, notifica.WithClientCertificateSubjects("CN=other", subject))
			require.NoError(t, err)
			srv := httptest.NewUnstartedServer(h)
			srv.TLS = &tls.Config{Certificates: []tls.Certificate{p.server}, ClientCAs: p.pool, ClientAuth: tt.clientAuth}
			srv.StartTLS()
			defer srv.Close()
			cfg := &tls.Config{RootCAs: p.pool}
			if tt.cert != nil {
				cfg.Certificates = []tls.Certificate{*tt.cert}
			}
			client := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
			req, _ := http.NewRequest("PUT", srv.URL+pathRicevuta, strings.NewReader(bodyRicevuta))
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
		})
	}
}
