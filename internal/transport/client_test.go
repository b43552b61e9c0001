package transport_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/config"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/internal/transport"
)

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name    string
		base    string
		opts    []govpay.Option
		wantErr string
	}{
		{"ok", "https://gp.example.it/govpay/backend/api/pendenze/rs/basic/v2", nil, ""},
		{"trailing slash", "https://gp.example.it/base/", nil, ""},
		{"empty", "", nil, "baseURL: must not be empty"},
		{"relative", "/govpay/backend", nil, "baseURL: must be an absolute http or https URL"},
		{"ftp", "ftp://gp.example.it/x", nil, "baseURL: must be an absolute http or https URL"},
		{"no host", "https:///x", nil, "baseURL: must be an absolute http or https URL"},
		{"credentials", "https://user:pw@gp.example.it/x", nil, "baseURL: must not carry credentials"},
		{"query", "https://gp.example.it/x?a=1", nil, "baseURL: must not have a query"},
		{"fragment", "https://gp.example.it/x#f", nil, "baseURL: must not have a query or a fragment"},
		{"bad url", "https://gp example/x", nil, "baseURL: must be a valid URL"},
		{"zero option", "https://h/x", []govpay.Option{{}}, "opts[0]: must not be the zero Option"},
		{"bad option", "https://h/x", []govpay.Option{govpay.WithBasicAuth("", "")}, "WithBasicAuth.user: must not be empty; WithBasicAuth.password: must not be empty"},
		{"conflict", "https://h/x", []govpay.Option{govpay.WithBearerToken("t"), govpay.WithAPIKey("a", "k")}, "WithAPIKey: conflicts with WithBearerToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The base URL is checked by CheckBaseURL (the Checkout
			// client's), the options by the Config.
			var c *transport.Client
			var err error
			if tt.opts == nil {
				_, err = transport.CheckBaseURL(tt.base)
				if err == nil {
					c, err = transport.NewForTest(tt.base, transport.Extra{})
				}
			} else {
				c, err = transport.NewForTest(tt.base, transport.Extra{}, tt.opts...)
			}
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, strings.TrimRight(tt.base, "/"), c.BaseURL())
				return
			}
			var ve *govpay.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, govpay.ErrInvalid)
			assert.Equal(t, "options", ve.What)
			assert.Contains(t, err.Error(), "govpay: invalid options: "+tt.wantErr)
			assert.NotContains(t, err.Error(), "pw", "credentials in the base URL are not echoed")
		})
	}
}

func TestURLAndPath(t *testing.T) {
	c, err := transport.NewForTest("https://gp.example.it/govpay/backend/api/pendenze/rs/basic/v2/", transport.Extra{})
	require.NoError(t, err)
	assert.Equal(t, "pendenze/A2A-1/P%2F1%3Fx%20y", transport.Path("pendenze", "A2A-1", "P/1?x y"))
	assert.Equal(t, "https://gp.example.it/govpay/backend/api/pendenze/rs/basic/v2/pendenze/A2A-1/P%2F1",
		c.URL(&transport.Request{Path: transport.Path("pendenze", "A2A-1", "P/1")}))
	assert.Equal(t, "https://gp.example.it/govpay/backend/api/pendenze/rs/basic/v2/pendenze?idA2A=A&stato=NON+ESEGUITA",
		c.URL(&transport.Request{Path: "/pendenze", Query: url.Values{"stato": {"NON ESEGUITA"}, "idA2A": {"A"}}}))
	assert.Equal(t, "https://gp.example.it/govpay/backend/api/pendenze/rs/basic/v2", c.URL(&transport.Request{}))

	assert.True(t, transport.Idempotent(http.MethodGet))
	assert.True(t, transport.Idempotent(http.MethodPut))
	assert.True(t, transport.Idempotent(http.MethodDelete))
	assert.False(t, transport.Idempotent(http.MethodPost))
	assert.False(t, transport.Idempotent(http.MethodPatch))
}

// TestEscapedPathReachesServer: an escaped segment arrives as one segment.
func TestEscapedPathReachesServer(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	var got string
	mux.HandleFunc("GET /pendenze/{idA2A}/{idPendenza}", func(w http.ResponseWriter, r *http.Request) {
		got = r.PathValue("idA2A") + "|" + r.PathValue("idPendenza")
		w.WriteHeader(http.StatusNoContent)
	})
	c := newClient(t, baseURL)
	resp, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: transport.Path("pendenze", "A 2", "P/1")})
	require.NoError(t, err)
	transport.Drain(resp)
	assert.Equal(t, "A 2|P/1", got)
}

func TestNilContextAndRequest(t *testing.T) {
	c, err := transport.NewForTest("https://h/x", transport.Extra{})
	require.NoError(t, err)
	var nilCtx context.Context
	_, err = c.Do(nilCtx, &transport.Request{Method: http.MethodGet})
	assert.Error(t, err)
	_, err = c.Do(t.Context(), nil)
	assert.Error(t, err)
}

// TestHeadersOnTheWire: Accept always explicit, User-Agent, Content-Type
// only with a body, extra headers kept.
func TestHeadersOnTheWire(t *testing.T) {
	tests := []struct {
		name   string
		opts   []govpay.Option
		req    transport.Request
		accept string
		ua     string
		ct     string
	}{
		{"GET default", nil, transport.Request{Method: http.MethodGet}, "application/json", "govpay-go/" + govpay.Version, ""},
		{"GET pdf", nil, transport.Request{Method: http.MethodGet, Accept: "application/pdf"}, "application/pdf", "govpay-go/" + govpay.Version, ""},
		{"PUT json", nil, transport.Request{Method: http.MethodPut, Body: []byte(`{}`)}, "application/json", "govpay-go/" + govpay.Version, "application/json"},
		{"PATCH explicit type", nil, transport.Request{Method: http.MethodPatch, Body: []byte(`[]`), ContentType: "application/json-patch+json"}, "application/json", "govpay-go/" + govpay.Version, "application/json-patch+json"},
		{"POST empty body", nil, transport.Request{Method: http.MethodPost, Body: []byte{}}, "application/json", "govpay-go/" + govpay.Version, "application/json"},
		{"user agent prefix", []govpay.Option{govpay.WithUserAgent("portale/2.1")}, transport.Request{Method: http.MethodGet}, "application/json", "portale/2.1 govpay-go/" + govpay.Version, ""},
		{"caller cannot drop Accept", nil, transport.Request{Method: http.MethodGet, Header: http.Header{"Accept": {"*/*"}, "User-Agent": {"evil"}}}, "application/json", "govpay-go/" + govpay.Version, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux, baseURL := testutil.NewServer(t, basePath)
			mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
				testutil.TestMethod(t, r, tt.req.Method)
				testutil.TestHeader(t, r, "Accept", tt.accept)
				testutil.TestHeader(t, r, "User-Agent", tt.ua)
				testutil.TestHeader(t, r, "Content-Type", tt.ct)
				b, _ := io.ReadAll(r.Body)
				assert.Equal(t, string(tt.req.Body), string(b))
				w.WriteHeader(http.StatusNoContent)
			})
			c := newClient(t, baseURL, tt.opts...)
			req := tt.req
			req.Path = "x"
			resp, err := c.Do(t.Context(), &req)
			require.NoError(t, err)
			transport.Drain(resp)
		})
	}
}

func TestExtraRequestHeaders(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		testutil.TestHeader(t, r, "X-Custom", "1")
		testutil.TestHeader(t, r, "Ocp-Apim-Subscription-Key", "sub-key-value")
		w.WriteHeader(http.StatusNoContent)
	})
	c := newClientX(t, baseURL, subscriptionKey("sub-key-value"))
	hdr := http.Header{"X-Custom": {"1"}}
	resp, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x", Header: hdr})
	require.NoError(t, err)
	transport.Drain(resp)
	assert.Equal(t, http.Header{"X-Custom": {"1"}}, hdr, "the caller's header map is not modified")
}

// TestRedirectNotFollowed: a 302 is the result of a request that accepts
// redirects; the target is never fetched, whatever the caller's
// http.Client would do, and that client is not modified.
func TestRedirectNotFollowed(t *testing.T) {
	var calls int
	userCheck := func(req *http.Request, via []*http.Request) error { calls++; return nil }
	clients := []struct {
		name string
		hc   *http.Client
	}{
		{"default client", nil},
		{"user client following redirects", &http.Client{Timeout: 7 * time.Second}},
		{"user client with CheckRedirect", &http.Client{CheckRedirect: userCheck}},
	}
	for _, cl := range clients {
		for _, status := range []int{http.StatusFound, http.StatusSeeOther, http.StatusMovedPermanently, http.StatusTemporaryRedirect} {
			t.Run(cl.name+"/"+http.StatusText(status), func(t *testing.T) {
				mux, baseURL := testutil.NewServer(t, basePath)
				var targetHits testutil.Hits
				mux.Handle("/target", targetHits.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_, _ = io.WriteString(w, "<html>checkout page</html>")
				})))
				mux.HandleFunc("POST /pagamenti", func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Location", baseURL+"/target?idSession=abc")
					w.WriteHeader(status)
				})
				var opts []govpay.Option
				var before http.Client
				if cl.hc != nil {
					before = *cl.hc
					opts = append(opts, govpay.WithHTTPClient(cl.hc))
				}
				c := newClient(t, baseURL, opts...)
				resp, err := c.Do(t.Context(), &transport.Request{Method: http.MethodPost, Path: "pagamenti", Body: []byte(`{}`), AcceptRedirect: true})
				require.NoError(t, err)
				defer transport.Drain(resp)
				assert.Equal(t, status, resp.StatusCode)
				assert.Equal(t, baseURL+"/target?idSession=abc", resp.Header.Get("Location"))
				assert.Equal(t, 0, targetHits.Count(), "the redirect target must not be fetched")
				assert.Equal(t, 0, calls, "the caller's CheckRedirect is not consulted")
				if cl.hc != nil {
					assert.Equal(t, before.Timeout, cl.hc.Timeout)
					assert.Equal(t, before.Transport, cl.hc.Transport, "the caller's client is not modified")
					assert.Equal(t, reflect.ValueOf(before.CheckRedirect).Pointer(), reflect.ValueOf(cl.hc.CheckRedirect).Pointer(), "CheckRedirect untouched")
				}
			})
		}
	}
}

// TestHTTPClientCopied: the caller's client keeps working as before after
// New, and its Transport carries the SDK's requests.
func TestHTTPClientCopied(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			w.Header().Set("X-Auth", "yes")
		}
		w.WriteHeader(http.StatusNoContent)
	})
	var rtCalls int
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		rtCalls++
		return http.DefaultTransport.RoundTrip(r)
	})
	hc := &http.Client{Transport: rt}
	c := newClient(t, baseURL, govpay.WithHTTPClient(hc), govpay.WithBasicAuth("u", "p"))
	resp, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x"})
	require.NoError(t, err)
	transport.Drain(resp)
	assert.Equal(t, "yes", resp.Header.Get("X-Auth"))
	assert.Equal(t, 1, rtCalls, "the caller's RoundTripper carries the request")

	// The caller's own requests carry no SDK credentials.
	r2, err := hc.Get(baseURL + "/x")
	require.NoError(t, err)
	r2.Body.Close()
	assert.Equal(t, "", r2.Header.Get("X-Auth"))
	assert.Nil(t, hc.CheckRedirect)
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestLogging: requests at Debug with method, URL and status; retries at
// Info; nothing below the handler's level.
func TestLogging(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	var hits testutil.Hits
	mux.Handle("GET /pendenze", hits.WrapFunc(func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set(transport.HeaderIDTransazione, "tx-log")
		if n == 1 {
			testutil.WriteFault(w, http.StatusServiceUnavailable, "", "", "busy")
			return
		}
		testutil.WriteJSON(w, http.StatusOK, map[string]any{"risultati": []any{}})
	}))
	buf := &testutil.LogBuffer{}
	logger := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newClient(t, baseURL, govpay.WithLogger(logger))
	resp, err := c.Do(t.Context(), &transport.Request{Operation: "pendenze.List", Method: http.MethodGet, Path: "pendenze", Query: url.Values{"idA2A": {"A2A"}}})
	require.NoError(t, err)
	transport.Drain(resp)

	var entries []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		entries = append(entries, m)
	}
	require.Len(t, entries, 3, buf.String())
	wantURL := baseURL + "/pendenze?idA2A=A2A"
	assert.Equal(t, "DEBUG", entries[0]["level"])
	assert.Equal(t, "GET", entries[0]["method"])
	assert.Equal(t, wantURL, entries[0]["url"])
	assert.Equal(t, float64(503), entries[0]["status"])
	assert.Equal(t, "tx-log", entries[0]["idTransazione"])
	assert.Contains(t, entries[0], "duration")

	assert.Equal(t, "INFO", entries[1]["level"])
	assert.Equal(t, "govpay: retrying request", entries[1]["msg"])
	assert.Equal(t, float64(2), entries[1]["attempt"])
	assert.Equal(t, wantURL, entries[1]["url"])

	assert.Equal(t, "DEBUG", entries[2]["level"])
	assert.Equal(t, float64(200), entries[2]["status"])

	// At Info level only the retry shows.
	buf2 := &testutil.LogBuffer{}
	c2 := newClient(t, baseURL, govpay.WithLogger(slog.New(slog.NewJSONHandler(buf2, nil))))
	resp, err = c2.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "pendenze"})
	require.NoError(t, err)
	transport.Drain(resp)
	assert.Empty(t, buf2.String(), "a success without retries logs nothing at Info")

	// A failed exchange is logged too.
	_, base3, srv := testutil.NewServerWith(t, basePath)
	srv.Close()
	buf3 := &testutil.LogBuffer{}
	c3 := newClient(t, base3, govpay.WithRetry(govpay.NoRetry()), govpay.WithLogger(slog.New(slog.NewJSONHandler(buf3, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err = c3.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x"})
	require.Error(t, err)
	assert.Contains(t, buf3.String(), `"msg":"govpay: request failed"`)
	assert.Contains(t, buf3.String(), `"error":`)
}

func TestConfigAccessors(t *testing.T) {
	c, err := transport.NewForTest("https://h/x", transport.Extra{}, govpay.WithInsecureRedirect())
	require.NoError(t, err)
	assert.True(t, c.Config().AllowInsecureRedirect)
	assert.NotNil(t, c.HTTPClient())
	assert.Equal(t, config.DefaultTimeout, c.HTTPClient().Timeout)
	assert.NoError(t, c.ConfigError())

	c, err = transport.NewForTest("https://h/x", transport.Extra{})
	require.NoError(t, err)
	assert.False(t, c.Config().AllowInsecureRedirect)

	// A client certificate needs an *http.Transport.
	_, cert := newCA(t).issue(t, "client", false)
	_, err = transport.NewForTest("https://h/x", transport.Extra{},
		govpay.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("x") })}),
		govpay.WithClientCertificate(cert),
	)
	assert.ErrorContains(t, err, "needs an *http.Transport")
}

// TestNilConfig: a client built from a nil Config sends nothing and
// answers every call with a *govpay.ValidationError (What "config").
func TestNilConfig(t *testing.T) {
	c := transport.ForAPI(nil, govpay.APIPendenze, 2)
	var ve *govpay.ValidationError
	require.ErrorAs(t, c.ConfigError(), &ve)
	assert.Equal(t, "config", ve.What)
	_, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x"})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "config", ve.What)
	assert.Equal(t, "cfg", ve.Violations[0].Field)
	assert.NotPanics(t, c.CloseIdleConnections)
}
