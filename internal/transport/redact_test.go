package transport_test

import (
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/internal/transport"
)

// echoHeaders returns every request header value, one per line.
func echoHeaders(r *http.Request) string {
	var b strings.Builder
	for k, vs := range r.Header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	return b.String()
}

// TestRedaction triggers every kind of failure with distinctive secrets in
// every authentication mode and checks that no secret, nor a fragment of
// one, shows in the error text, its fmt forms (%#v prints the fields) or
// the Debug log.
func TestRedaction(t *testing.T) {
	s := testutil.DistinctSecrets()
	modes := []struct {
		name  string
		opts  []govpay.Option
		extra transport.Extra
	}{
		{"basic", []govpay.Option{govpay.WithBasicAuth(s.User, s.Password)}, transport.Extra{}},
		{"api key", []govpay.Option{govpay.WithAPIKey(s.AppID, s.APIKey)}, transport.Extra{}},
		{"bearer", []govpay.Option{govpay.WithBearerToken(s.BearerToken)}, transport.Extra{}},
		{"subscription key", nil, subscriptionKey(s.SubscriptionKey)},
	}
	faults := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request)
		rt      func(r *http.Request) error // a RoundTripper failure echoing the request
		kind    string
	}{
		{name: "401 FaultBean echoing the headers", kind: "api", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(transport.HeaderIDTransazione, r.Header.Get("Authorization")+r.Header.Get("X-Api-Key"))
			testutil.WriteJSON(w, http.StatusUnauthorized, map[string]string{
				"categoria": "AUTORIZZAZIONE", "codice": "401000" + r.Header.Get("X-Api-Key"),
				"descrizione": "Credenziali non valide: " + echoHeaders(r), "dettaglio": "Authorization: " + r.Header.Get("Authorization"),
				"id": r.Header.Get("Ocp-Apim-Subscription-Key"), "location": "/x?token=" + url.QueryEscape(r.Header.Get("Authorization")),
			})
		}},
		{name: "HTML page echoing the secret", kind: "api", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<html><body><h1>Bad gateway</h1><pre>%s</pre></body></html>", html.EscapeString(echoHeaders(r)))
		}},
		{name: "HTML page, secret at the excerpt boundary", kind: "api", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			// The secret starts a few characters before the 200th, so a
			// redaction after cutting would leave its head.
			secret := r.Header.Get("Authorization") + r.Header.Get("X-Api-Key") + r.Header.Get("Ocp-Apim-Subscription-Key")
			secret = strings.TrimPrefix(strings.TrimPrefix(secret, "Basic "), "Bearer ")
			fmt.Fprintf(w, "<p>%s %s</p>", strings.Repeat("a", 185), secret)
		}},
		{name: "HTML page, entity-escaped differently", kind: "api", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusForbidden)
			v := strings.NewReplacer(`"`, "&quot;", "'", "&apos;", "<", "&#60;", ">", "&#x3E;", "&", "&#38;").Replace(echoHeaders(r))
			fmt.Fprintf(w, "<p>%s %s</p>", strings.Repeat("b", 150), v)
		}},
		{name: "JSON body echoing the secret, not a FaultBean", kind: "api", handler: func(w http.ResponseWriter, r *http.Request) {
			testutil.WriteJSON(w, http.StatusBadRequest, map[string]any{"headers": r.Header})
		}},
		{name: "network error echoing the request", kind: "network", rt: func(r *http.Request) error {
			return fmt.Errorf("proxy refused %s with %s", r.URL, echoHeaders(r))
		}},
		{name: "connection dropped", kind: "network", handler: func(w http.ResponseWriter, r *http.Request) {
			testutil.DropConnection(t, w)
		}},
		{name: "redirect answer", kind: "redirect", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "https://checkout.example/?k="+url.QueryEscape(r.Header.Get("Authorization")))
			w.WriteHeader(http.StatusFound)
		}},
	}
	for _, m := range modes {
		for _, f := range faults {
			t.Run(m.name+"/"+f.name, func(t *testing.T) {
				mux, baseURL := testutil.NewServer(t, basePath)
				if f.handler != nil {
					mux.HandleFunc("/pendenze/A2A/P1", f.handler)
				}
				buf := &testutil.LogBuffer{}
				logger := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
				opts := append([]govpay.Option{govpay.WithLogger(logger), govpay.WithRetry(govpay.NoRetry())}, m.opts...)
				if f.rt != nil {
					opts = append(opts, govpay.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
						return nil, f.rt(r)
					})}))
				}
				c := newClientX(t, baseURL, m.extra, opts...)
				for _, method := range []string{http.MethodGet, http.MethodPost} {
					resp, err := c.Do(t.Context(), &transport.Request{Operation: "pendenze.Get", Method: method, Path: transport.Path("pendenze", "A2A", "P1"), Body: []byte(`{}`)})
					switch f.kind {
					case "ok":
						require.NoError(t, err)
						transport.Drain(resp)
					case "api":
						var gerr *govpay.Error
						require.ErrorAs(t, err, &gerr)
						s.AssertErrorClean(t, err)
						s.AssertAbsent(t, "%#v of *govpay.Error", fmt.Sprintf("%#v", *gerr))
						assert.True(t, gerr.Descrizione != "" || gerr.Body != "", "the error keeps its text")
					case "redirect":
						// A 3xx the request does not accept is an error, its
						// Location kept redacted.
						var gerr *govpay.Error
						require.ErrorAs(t, err, &gerr)
						assert.Equal(t, http.StatusFound, gerr.StatusCode)
						assert.Contains(t, gerr.Location, "https://checkout.example/?k=")
						s.AssertErrorClean(t, err)
						s.AssertAbsent(t, "%#v of *govpay.Error", fmt.Sprintf("%#v", *gerr))
					case "network":
						var ne *govpay.NetworkError
						require.ErrorAs(t, err, &ne)
						s.AssertErrorClean(t, err)
						s.AssertAbsent(t, "%#v of *govpay.NetworkError", fmt.Sprintf("%#v", *ne))
						for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
							if _, ok := e.(*url.Error); ok {
								break // the raw chain below the redacted layer is the caller's to dig
							}
							s.AssertAbsent(t, fmt.Sprintf("unwrapped %T", e), e.Error())
						}
					}
				}
				s.AssertAbsent(t, "log", buf.String())
				assert.NotEmpty(t, buf.String())
			})
		}
	}
}

// TestRedactionOfShortSecrets: a secret shorter than four bytes is
// redacted where it stands as a token of its own, and ordinary words that
// merely contain it survive.
func TestRedactionOfShortSecrets(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		testutil.WriteFault(w, 400, "RICHIESTA", "VER_001", "abc è un valore non valido; abcdef resta")
	})
	c := newClient(t, baseURL, govpay.WithBasicAuth("u", "abc"))
	_, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x"})
	var gerr *govpay.Error
	require.ErrorAs(t, err, &gerr)
	assert.Equal(t, transport.Redacted+" è un valore non valido; abcdef resta", gerr.Descrizione)
	assert.NotRegexp(t, `(^|[^\pL\pN])abc([^\pL\pN]|$)`, err.Error())
}

// TestRedactionKeepsOrdinaryText: without secrets nothing is redacted.
func TestRedactionKeepsOrdinaryText(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		testutil.WriteFault(w, 400, "RICHIESTA", "VER_001", "abc è un valore non valido")
	})
	c := newClient(t, baseURL)
	_, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x"})
	var gerr *govpay.Error
	require.ErrorAs(t, err, &gerr)
	assert.Equal(t, "abc è un valore non valido", gerr.Descrizione)
	assert.NotContains(t, err.Error(), transport.Redacted)
}

// TestShortSecretTokens is the table of the token rule for secrets of
// one to three bytes (minSecretLen), in error texts and in log lines.
func TestShortSecretTokens(t *testing.T) {
	const R = transport.Redacted
	for _, tc := range []struct {
		secrets []string
		in, out string
	}{
		{[]string{"abc"}, "abc", R},
		{[]string{"abc"}, "abc è un valore", R + " è un valore"},
		{[]string{"abc"}, "password=abc&x=1", "password=" + R + "&x=1"},
		{[]string{"abc"}, "[abc] (abc) 'abc' \"abc\"", "[" + R + "] (" + R + ") '" + R + "' \"" + R + "\""},
		{[]string{"abc"}, "abcdef xabc abc1 àabc abcè", "abcdef xabc abc1 àabc abcè"},
		{[]string{"abc"}, "abcabc abc", "abcabc " + R},
		{[]string{"abc"}, "abc-abc", R + "-" + R},
		{[]string{"7"}, "valore 7, non 17 né 70", "valore " + R + ", non 17 né 70"},
		{[]string{"a&b"}, "a&amp;b e a&b", R + " e " + R},             // HTML-escaped form (5 bytes) and raw
		{[]string{"é"}, "é é1 xé", R + " é1 xé"},                      // a two-byte rune
		{[]string{"ab"}, "YWI= e YWI", R + " e " + R},                 // base64 forms of "ab"
		{[]string{"ab", "abcd"}, "abcd ab abc", R + " " + R + " abc"}, // long secret first
		{[]string{""}, "nothing", "nothing"},
	} {
		assert.Equal(t, tc.out, transport.RedactWith(tc.secrets, tc.in), "%q in %q", tc.secrets, tc.in)
		assert.Equal(t, tc.out, string(transport.RedactBytesWith(tc.secrets, []byte(tc.in))), "bytes: %q in %q", tc.secrets, tc.in)
	}
}
