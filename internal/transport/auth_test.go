package transport_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/internal/transport"
)

// standard are the headers every request carries whatever the auth mode.
var standard = map[string]bool{"Accept": true, "Accept-Encoding": true, "User-Agent": true, "Content-Length": true, "Content-Type": true}

// TestAuthHeaders: each mode puts exactly its headers on the wire and no
// others.
func TestAuthHeaders(t *testing.T) {
	ca := newCA(t)
	pemCert, _ := ca.issue(t, "portale", false)
	block, _ := pem.Decode(pemCert)
	oneLine := "-----BEGIN CERTIFICATE-----" + base64.StdEncoding.EncodeToString(block.Bytes) + "-----END CERTIFICATE-----"
	tests := []struct {
		name string
		opts []govpay.Option
		want http.Header
	}{
		{"none", nil, http.Header{}},
		{"basic", []govpay.Option{govpay.WithBasicAuth("gestionale", "s3cret")},
			http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("gestionale:s3cret"))}}},
		{"api key", []govpay.Option{govpay.WithAPIKey("app-1", "key-1")},
			http.Header{"X-App-Id": {"app-1"}, "X-Api-Key": {"key-1"}}},
		{"principal", []govpay.Option{govpay.WithPrincipalHeader("X-Govpay-Principal", "gestionale")},
			http.Header{"X-Govpay-Principal": {"gestionale"}}},
		{"spid", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "RSSMRA80A01H501U", Name: "Mario", FamilyName: "Rossi", Email: "mario@example.it", MobilePhone: "+39 333-1234567", Address: "Via Roma 1"})},
			http.Header{"X-Spid-Fiscalnumber": {"RSSMRA80A01H501U"}, "X-Spid-Name": {"Mario"}, "X-Spid-Familyname": {"Rossi"},
				"X-Spid-Email": {"mario@example.it"}, "X-Spid-Mobilephone": {"+39 333-1234567"}, "X-Spid-Address": {"Via Roma 1"}}},
		{"spid fiscal number only", []govpay.Option{govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "RSSMRA80A01H501U"})},
			http.Header{"X-Spid-Fiscalnumber": {"RSSMRA80A01H501U"}}},
		{"bearer", []govpay.Option{govpay.WithBearerToken("eyJ.abc.def")},
			http.Header{"Authorization": {"Bearer eyJ.abc.def"}}},
		{"ssl header", []govpay.Option{govpay.WithSSLHeader(string(pemCert))},
			http.Header{"X-Govpay-Cert": {oneLine}}},
	}
	for _, tt := range tests {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(tt.name+"/"+method, func(t *testing.T) {
				mux, baseURL := testutil.NewServer(t, basePath)
				var got http.Header
				var hits testutil.Hits
				mux.Handle("/x", hits.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					got = http.Header{}
					for k, v := range r.Header {
						if !standard[k] {
							got[k] = v
						}
					}
					testutil.WriteFault(w, 503, "", "", "retry me") // auth must be on every attempt
				})))
				c := newClient(t, baseURL, tt.opts...)
				_, err := c.Do(t.Context(), &transport.Request{Method: method, Path: "x", Body: []byte(`{}`)})
				require.Error(t, err)
				assert.Equal(t, tt.want, got)
				if method == http.MethodGet {
					assert.Equal(t, 3, hits.Count())
				}
			})
		}
	}
}

// TestExtraHeaders: a client's extra headers go out after the Config's
// authentication; with NoAuth (the pagoPA Checkout client) only they do,
// whatever credentials the Config holds.
func TestExtraHeaders(t *testing.T) {
	for _, noAuth := range []bool{false, true} {
		mux, baseURL := testutil.NewServer(t, basePath)
		var got http.Header
		mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
			got = http.Header{}
			for k, v := range r.Header {
				if !standard[k] {
					got[k] = v
				}
			}
			w.WriteHeader(http.StatusNoContent)
		})
		x := subscriptionKey("sk-1234")
		x.NoAuth = noAuth
		c := newClientX(t, baseURL, x, govpay.WithAPIKey("a", "k1234"))
		resp, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x"})
		require.NoError(t, err)
		transport.Drain(resp)
		want := http.Header{"X-App-Id": {"a"}, "X-Api-Key": {"k1234"}, "Ocp-Apim-Subscription-Key": {"sk-1234"}}
		if noAuth {
			want = http.Header{"Ocp-Apim-Subscription-Key": {"sk-1234"}}
		}
		assert.Equal(t, want, got, "NoAuth %v", noAuth)
	}
}

// TestClientCertificate: a TLS server that requires a client certificate
// signed by its CA accepts the SDK's requests with WithClientCertificate,
// refuses them without, and the caller's transport is not modified.
func TestClientCertificate(t *testing.T) {
	ca := newCA(t)
	_, clientCert := ca.issue(t, "gestionale-tributi", false)
	other := newCA(t)
	_, strangerCert := other.issue(t, "stranger", false)

	srv := httptest.NewUnstartedServer(testutil.Mount(t, basePath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			http.Error(w, "no client certificate", http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, r.TLS.PeerCertificates[0].Subject.CommonName)
	})))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.pool, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	baseURL := srv.URL + basePath

	userClient := srv.Client() // trusts the server's certificate
	userTransport := userClient.Transport.(*http.Transport)
	require.Empty(t, userTransport.TLSClientConfig.Certificates)

	c := newClient(t, baseURL, govpay.WithHTTPClient(userClient), govpay.WithClientCertificate(clientCert))
	resp, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "whoami"})
	require.NoError(t, err)
	b, err := transport.ReadBody("op", resp, "")
	require.NoError(t, err)
	assert.Equal(t, "gestionale-tributi", string(b))
	assert.Empty(t, userTransport.TLSClientConfig.Certificates, "the caller's transport is not modified")
	assert.Same(t, userTransport, userClient.Transport)

	for _, tt := range []struct {
		name string
		opts []govpay.Option
	}{
		{"no certificate", []govpay.Option{govpay.WithHTTPClient(userClient)}},
		{"certificate of another CA", []govpay.Option{govpay.WithHTTPClient(userClient), govpay.WithClientCertificate(strangerCert)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, baseURL, append(tt.opts, govpay.WithRetry(govpay.NoRetry()))...)
			_, err := c.Do(t.Context(), &transport.Request{Operation: "op", Method: http.MethodGet, Path: "whoami"})
			var ne *govpay.NetworkError
			require.ErrorAs(t, err, &ne, "the TLS handshake must fail")
		})
	}
	userClient.CloseIdleConnections()
}

// TestForeignClientOffersNoCertificate: the Config's TLS client
// certificate is GovPay's credential. A client for another server
// (Extra.NoAuth: pagoPA Checkout) does not offer it even to a server that
// asks for one, while a GovPay client of the same Config does; the
// caller's own client certificates stay the caller's.
func TestForeignClientOffersNoCertificate(t *testing.T) {
	ca := newCA(t)
	_, govpayCert := ca.issue(t, "gestionale-tributi", false)
	_, ownCert := ca.issue(t, "certificato-del-chiamante", false)
	srv := httptest.NewUnstartedServer(testutil.Mount(t, basePath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := "none"
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		_, _ = io.WriteString(w, cn)
	})))
	// Asks for a certificate with no CA list: any certificate qualifies.
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	baseURL := srv.URL + basePath

	whoami := func(t *testing.T, c *transport.Client) string {
		t.Helper()
		resp, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "whoami"})
		require.NoError(t, err)
		b, err := transport.ReadBody("op", resp, "")
		require.NoError(t, err)
		return string(b)
	}
	userClient := srv.Client() // trusts the server's certificate
	t.Cleanup(userClient.CloseIdleConnections)
	opts := []govpay.Option{govpay.WithHTTPClient(userClient), govpay.WithClientCertificate(govpayCert)}
	assert.Equal(t, "gestionale-tributi", whoami(t, newClient(t, baseURL, opts...)), "GovPay gets the certificate")
	assert.Equal(t, "none", whoami(t, newClientX(t, baseURL, transport.Extra{NoAuth: true}, opts...)), "another server does not")

	// A certificate the caller put in its own transport is the caller's
	// choice: it goes everywhere, GovPay's never goes to the other server.
	ownTransport := userClient.Transport.(*http.Transport).Clone()
	ownTransport.TLSClientConfig.Certificates = []tls.Certificate{ownCert}
	own := &http.Client{Transport: ownTransport}
	t.Cleanup(own.CloseIdleConnections)
	opts = []govpay.Option{govpay.WithHTTPClient(own), govpay.WithClientCertificate(govpayCert)}
	assert.Equal(t, "certificato-del-chiamante", whoami(t, newClientX(t, baseURL, transport.Extra{NoAuth: true}, opts...)))
}

// TestServerCertificateRefusedNotRetried: a server certificate the client
// does not trust is not retried and nothing was sent.
func TestServerCertificateRefusedNotRetried(t *testing.T) {
	var hits testutil.Hits
	srv := httptest.NewTLSServer(hits.Wrap(http.NotFoundHandler()))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL+basePath) // default client: does not trust httptest's CA
	start := time.Now()
	_, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x"})
	var ne *govpay.NetworkError
	require.ErrorAs(t, err, &ne)
	var cv *tls.CertificateVerificationError
	assert.True(t, errors.As(err, &cv), "%v", err)
	assert.False(t, ne.Sent)
	assert.Equal(t, 0, hits.Count())
	assert.Less(t, time.Since(start), 2*time.Second)
}

// ca is a throw-away certificate authority.
type ca struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newCA(t *testing.T) *ca {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &ca{cert: cert, key: key, pool: pool}
}

// issue returns a client certificate for cn, as PEM and as tls.Certificate.
func (c *ca) issue(t *testing.T, cn string, server bool) ([]byte, tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	usage := x509.ExtKeyUsageClientAuth
	if server {
		usage = x509.ExtKeyUsageServerAuth
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
