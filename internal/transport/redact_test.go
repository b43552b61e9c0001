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

// TestRedactionKeepsOrdinaryText: without secrets nothing is redacted, and
// short secrets (< 4 characters) are not, so ordinary text survives.
func TestRedactionKeepsOrdinaryText(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		testutil.WriteFault(w, 400, "RICHIESTA", "VER_001", "abc è un valore non valido")
	})
	c := newClient(t, baseURL, govpay.WithBasicAuth("u", "abc"))
	_, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x"})
	var gerr *govpay.Error
	require.ErrorAs(t, err, &gerr)
	assert.Equal(t, "abc è un valore non valido", gerr.Descrizione)
	assert.NotContains(t, err.Error(), transport.Redacted)
}
