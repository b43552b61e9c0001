package govpaytest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// basicA2A1 is "A2A-1:s3cret" in a Basic Authorization header.
var basicA2A1 = []string{"Authorization", "Basic QTJBLTE6czNjcmV0"}

// TestEveryAuthSegment: every authentication segment govpay.NewConfig
// produces is served on every API GovPay serves it on ("spid" and "public"
// on API Pagamento only, as GovPay 3.9.1's jaxrs:server addresses: see
// config.Served); "public" needs no credentials, the others need the
// server's Basic credentials; another API's segment is 404, with
// credentials or without.
func TestEveryAuthSegment(t *testing.T) {
	s := NewServer(WithBasicAuth("A2A-1", "s3cret"))
	defer s.Close()
	bases := map[string]string{
		"/govpay/backend/api/pendenze/rs/%s/v2/pendenze":    "pendenze",
		"/govpay/frontend/api/pagamento/rs/%s/v2/pagamenti": "pagamento",
		"/govpay/backend/api/ragioneria/rs/%s/v3/ricevute":  "ragioneria",
	}
	for _, seg := range []string{"basic", "ssl", "sslheader", "header", "apikey", "spid", "oauth2", "public"} {
		for pattern, api := range bases {
			u := s.URL + strings.Replace(pattern, "%s", seg, 1)
			if api != "pagamento" && (seg == "spid" || seg == "public") {
				assert.Equal(t, http.StatusNotFound, do(t, "GET", u, nil, basicA2A1...).status, "%s %s with credentials", api, seg)
				assert.Equal(t, http.StatusNotFound, do(t, "GET", u, nil).status, "%s %s without credentials", api, seg)
				continue
			}
			assert.Equal(t, http.StatusOK, do(t, "GET", u, nil, basicA2A1...).status, "%s %s with credentials", api, seg)
			want := http.StatusUnauthorized
			if seg == "public" {
				want = http.StatusOK
			}
			r := do(t, "GET", u, nil)
			assert.Equal(t, want, r.status, "%s %s without credentials", api, seg)
			if want == http.StatusUnauthorized {
				assert.Equal(t, "401000", r.json(t)["codice"])
			}
		}
	}
	assert.Equal(t, http.StatusNotFound, do(t, "GET", s.URL+"/govpay/backend/api/pendenze/rs/session/v2/pendenze", nil, basicA2A1...).status,
		"a segment govpay.NewConfig never produces is not served")
}

// TestAuthenticationBeforeRouting: under a GovPay API an unauthenticated
// caller gets 401 whatever the path and method, so it learns nothing of
// which paths exist; with credentials, unknown paths are 404 404000 and
// wrong methods 405 with Allow. Outside the APIs (and under an unknown
// authentication segment) 404 comes before authentication, as before.
func TestAuthenticationBeforeRouting(t *testing.T) {
	s := NewServer(WithBasicAuth("A2A-1", "s3cret"))
	defer s.Close()
	pend := s.PendenzeURL()
	putPendenzaAuth := do(t, "PUT", pend+"/pendenze/A2A-1/P1", pendenzaBody(testDominio, []int64{100}, nil), basicA2A1...)
	require.Equal(t, http.StatusCreated, putPendenzaAuth.status)

	for _, c := range []struct{ method, url string }{
		{"GET", pend + "/nope"},
		{"GET", pend + "/pendenze/A2A-1/P1/extra"},
		{"DELETE", pend + "/pendenze/A2A-1/P1"},
		{"POST", pend + "/pendenze"},
		{"GET", s.URL + "/govpay/backend/api/pendenze/rs/basic/v9/pendenze"},
		{"GET", pend + "//pendenze"},
	} {
		r := do(t, c.method, c.url, nil)
		assert.Equal(t, http.StatusUnauthorized, r.status, "%s %s", c.method, c.url)
		assert.Empty(t, r.header.Get("Allow"), "%s %s", c.method, c.url)
		assert.Equal(t, "401000", r.json(t)["codice"])
	}

	r := do(t, "GET", pend+"/nope", nil, basicA2A1...)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "404000", r.json(t)["codice"])
	r = do(t, "DELETE", pend+"/pendenze/A2A-1/P1", nil, basicA2A1...)
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
	assert.Equal(t, "GET, HEAD, PATCH, PUT", r.header.Get("Allow"))
	assert.NotEmpty(t, r.header.Get(HeaderIDTransazione))
	r = do(t, "PUT", pend+"/nope", "x", append(basicA2A1, "Content-Type", "text/plain")...)
	assert.Equal(t, http.StatusNotFound, r.status, "an unknown path is 404 before the media type is checked")

	// Public: no credentials, so routing answers.
	pub := s.URL + "/govpay/frontend/api/pagamento/rs/public/v2"
	assert.Equal(t, http.StatusNotFound, do(t, "GET", pub+"/nope", nil).status)
	assert.Equal(t, http.StatusMethodNotAllowed, do(t, "PUT", pub+"/pagamenti", map[string]any{}).status)

	// No API: 404 before authentication, whatever the method.
	for _, u := range []string{s.URL + "/qualcosa", s.URL + "/govpay/backend/api/pendenze/rs/nope/v2/pendenze", s.URL + "/govpay/backend/api/altro/rs/basic/v2/pendenze"} {
		for _, m := range []string{"GET", "DELETE"} {
			r := do(t, m, u, nil)
			assert.Equal(t, http.StatusNotFound, r.status, "%s %s", m, u)
			assert.Equal(t, "404000", r.json(t)["codice"])
		}
	}
}

// TestPathChecks: percent-encoded segments are decoded once and checked
// exactly as raw ones; "%2F" never separates segments; invalid UTF-8 is
// refused; non-canonical paths are not redirected.
func TestPathChecks(t *testing.T) {
	s := NewServer()
	defer s.Close()
	pend := s.PendenzeURL()
	body := pendenzaBody(testDominio, []int64{100}, nil)

	r := do(t, "PUT", pend+"/pendenze/A2A-1/P%2F1", body)
	assert.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Equal(t, "SINTASSI", r.json(t)["codice"])
	r = do(t, "PUT", pend+"/pendenze/A2A-1%2FP1", body)
	assert.Equal(t, http.StatusNotFound, r.status, "one segment, not two: no route has two segments there")
	r = do(t, "PUT", pend+"/pendenze/A2A-1/%2E%2E", body)
	assert.Equal(t, http.StatusBadRequest, r.status, "an encoded .. is an identifier, refused by the pattern")
	r = do(t, "PUT", pend+"/pendenze/A2A-1/P%C3%A8", body)
	assert.Equal(t, http.StatusBadRequest, r.status, "decoded è fails the identifier pattern as a raw è would")
	assert.Empty(t, s.Pendenze(), "nothing stored")

	for _, p := range []string{"/pendenze/A2A-1/P%FF", "/pendenze/A2A-1/%C3", "/nope%FF"} {
		r = do(t, "PUT", pend+p, body)
		assert.Equal(t, http.StatusBadRequest, r.status, p)
		assert.Equal(t, "SINTASSI", r.json(t)["codice"], p)
	}
	assert.Empty(t, s.Pendenze(), "nothing stored")

	// Encoded and raw spellings of the same valid path are the same path.
	r = do(t, "PUT", pend+"/pend%65nze/A2A%2D1/P%31", body)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	_, ok := s.Pendenza("A2A-1", "P1")
	assert.True(t, ok)
	assert.Equal(t, http.StatusOK, do(t, "GET", s.URL+"/govpay/backend/api/pendenze/rs/ba%73ic/v2/pendenze/A2A-1/P1", nil).status)
	assert.Equal(t, http.StatusNotFound, do(t, "GET", s.URL+"/govpay/backend/api%2Fpendenze/rs/basic/v2/pendenze", nil).status,
		"an encoded slash in a literal segment matches nothing")

	// Non-canonical paths: 404, never a redirect.
	for _, p := range []string{"/pendenze//A2A-1/P1", "/pendenze/A2A-1/./P1", "/pendenze/x/../A2A-1/P1", "/pendenze/A2A-1/."} {
		r = do(t, "GET", pend+p, nil)
		assert.Equal(t, http.StatusNotFound, r.status, p)
		assert.Empty(t, r.header.Get("Location"), p)
	}

	// One trailing slash is ignored; the request is recorded as sent.
	s.ResetRequests()
	assert.Equal(t, http.StatusOK, do(t, "GET", pend+"/pendenze/A2A-1/P1/", nil).status)
	reqs := s.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, OpGetPendenza, reqs[0].Operation)
	assert.Equal(t, PendenzeBasePath+"/pendenze/A2A-1/P1/", reqs[0].Path)

	// HEAD is served by GET routes, as JAX-RS does.
	assert.Equal(t, http.StatusOK, do(t, "HEAD", pend+"/pendenze/A2A-1/P1", nil).status)
}

// TestPagesAndCheckoutRouting: the fake pages and the Checkout API keep
// their own authentication (none, subscription key) under the mux.
func TestPagesAndCheckoutRouting(t *testing.T) {
	s := NewServer(WithBasicAuth("A2A-1", "s3cret"))
	defer s.Close()
	assert.Equal(t, http.StatusUnauthorized, do(t, "POST", s.CheckoutURL()+"/carts", map[string]any{}).status, "no subscription key")
	assert.Equal(t, http.StatusBadRequest, do(t, "POST", s.CheckoutV2URL()+"/carts", map[string]any{}, "Ocp-Apim-Subscription-Key", "k").status)
	r := do(t, "GET", s.CheckoutURL()+"/carts", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
	assert.Equal(t, "POST", r.header.Get("Allow"))
	s.ResetRequests()
	for _, u := range []string{s.URL + "/checkout/c/unknown", s.URL + "/wisp/wallet/welcome?idSession=x"} {
		r = do(t, "GET", u, nil)
		assert.NotEqual(t, http.StatusUnauthorized, r.status, "pages need no credentials: %s", u)
	}
	for _, q := range s.Requests() {
		assert.Equal(t, OpPaymentPage, q.Operation, q.Path)
	}
}
