package transport_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/internal/transport"
)

// hostileMode is one way of configuring secrets: the options, the
// per-request secrets and the raw values that must never show.
type hostileMode struct {
	name       string
	opts       []govpay.Option
	extra      transport.Extra // what a Checkout-like client adds
	perRequest []string
	raw        []string // the secrets as configured (and the Basic token)
	forms      []echo   // what a hostile server echoes
}

// echo is one form in which a server sends a secret back: fixed, or taken
// from the request as received (header).
type echo struct {
	name    string
	payload func(r *http.Request) string
}

func fixed(name, v string) echo {
	return echo{name: name, payload: func(*http.Request) string { return v }}
}

func fromHeader(name, header, prefix string) echo {
	return echo{name: name, payload: func(r *http.Request) string {
		return strings.TrimPrefix(r.Header.Get(header), prefix)
	}}
}

// escapedForms returns s raw and in the forms a server may echo it in.
func escapedForms(label, s string) []echo {
	js, _ := json.Marshal(s)
	return []echo{
		fixed(label+" raw", s),
		fixed(label+" HTML-escaped", html.EscapeString(s)),
		fixed(label+" JSON-escaped", strings.Trim(string(js), `"`)),
		fixed(label+" URL query-escaped", url.QueryEscape(s)),
		fixed(label+" URL path-escaped", url.PathEscape(s)),
		fixed(label+" base64", base64.StdEncoding.EncodeToString([]byte(s))),
		fixed(label+" base64url unpadded", base64.RawURLEncoding.EncodeToString([]byte(s))),
	}
}

func hostileModes(t *testing.T) []hostileMode {
	s := testutil.DistinctSecrets()
	pemCert, _ := newCA(t).issue(t, "portale", false)
	block, _ := pem.Decode(pemCert)
	require.NotNil(t, block)
	body := base64.StdEncoding.EncodeToString(block.Bytes)
	oneLine := "-----BEGIN CERTIFICATE-----" + body + "-----END CERTIFICATE-----"
	otp := "otp-" + strings.TrimPrefix(s.APIKey, "apikey-") + `<&">`

	basic := hostileMode{name: "basic", opts: []govpay.Option{govpay.WithBasicAuth(s.User, s.Password)}, raw: []string{s.Password, s.BasicToken()}}
	basic.forms = append(escapedForms("password", s.Password), escapedForms("token", s.BasicToken())...)
	basic.forms = append(basic.forms,
		fixed("Basic header", "Basic "+s.BasicToken()),
		fromHeader("Authorization as received", "Authorization", ""))

	apiKey := hostileMode{name: "api key", opts: []govpay.Option{govpay.WithAPIKey(s.AppID, s.APIKey)}, raw: []string{s.APIKey}}
	apiKey.forms = append(escapedForms("key", s.APIKey), fromHeader("X-API-KEY as received", "X-Api-Key", ""))

	bearer := hostileMode{name: "bearer", opts: []govpay.Option{govpay.WithBearerToken(s.BearerToken)}, raw: []string{s.BearerToken}}
	bearer.forms = append(escapedForms("token", s.BearerToken),
		fixed("Bearer header", "Bearer "+s.BearerToken),
		fromHeader("Authorization as received", "Authorization", ""))

	ssl := hostileMode{name: "ssl header", opts: []govpay.Option{govpay.WithSSLHeader(string(pemCert))}, raw: []string{body}}
	ssl.forms = append(escapedForms("header value", oneLine),
		fixed("certificate body", body),
		fixed("first PEM line", body[:64]),
		fixed("PEM as a block", strings.TrimSpace(strings.ReplaceAll(string(pemCert), "\n", " "))),
		fromHeader("X-GOVPAY-CERT as received", govpay.SSLHeader, ""))

	sub := hostileMode{name: "subscription key", extra: subscriptionKey(s.SubscriptionKey), raw: []string{s.SubscriptionKey}}
	sub.forms = append(escapedForms("key", s.SubscriptionKey), fromHeader("header as received", "Ocp-Apim-Subscription-Key", ""))

	perRequest := hostileMode{name: "per-request secret", opts: []govpay.Option{govpay.WithBasicAuth(s.User, s.Password)},
		perRequest: []string{otp}, raw: []string{otp, s.Password, s.BasicToken()}}
	perRequest.forms = escapedForms("credenzialiPagatore", otp)

	return []hostileMode{basic, apiKey, bearer, ssl, sub, perRequest}
}

// pemMarkers are the public parts of a PEM value: they may remain when its
// body is redacted.
var pemMarkers = strings.NewReplacer("-----BEGIN CERTIFICATE-----", " ", "-----END CERTIFICATE-----", " ")

// leak returns the first piece of a secret found in text: the payload
// itself, or any 12-byte window of a raw secret or of the payload (PEM
// markers aside) made only of characters no escaping changes.
func leak(text, payload string, raw []string) string {
	if len(payload) >= 4 && strings.Contains(text, payload) {
		return payload
	}
	for _, v := range append([]string{pemMarkers.Replace(payload)}, raw...) {
		for i := 0; i+12 <= len(v); i++ {
			w := v[i : i+12]
			if strings.IndexFunc(w, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_')
			}) >= 0 {
				continue
			}
			if strings.Contains(text, w) {
				return w
			}
		}
	}
	return ""
}

// hostilePath is one way the SDK turns an exchange into an error.
type hostilePath struct {
	name string
	// handler answers with payload echoed somewhere.
	handler func(w http.ResponseWriter, r *http.Request, payload string)
	// fail, when set, is the RoundTripper's failure instead of a server.
	fail func(r *http.Request, payload string) error
	// query puts the payload in the request's query.
	query bool
	// after turns the response Do returned into the error the API packages
	// would build; nil when Do itself must fail.
	after func(resp *http.Response) error
	// rawOnly: the path only makes sense for the raw form.
	rawOnly bool
	// acceptRedirect sets Request.AcceptRedirect.
	acceptRedirect bool
}

func hostilePaths() []hostilePath {
	return []hostilePath{
		{name: "FaultBean and transaction id", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set(transport.HeaderIDTransazione, p)
			testutil.WriteJSON(w, http.StatusUnauthorized, map[string]string{
				"categoria": "AUTORIZZAZIONE" + p, "codice": "401" + p, "descrizione": "refused: " + p,
				"dettaglio": p, "id": p, "location": "/pagamenti/" + p,
			})
		}},
		{name: "problem+json", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"title": p, "detail": p})
		}},
		{name: "HTML error page", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "<html><body><h1>502</h1><pre>%s</pre>%s</body></html>", p, strings.Repeat("x", 300))
		}},
		{name: "plain text error, secret at the excerpt boundary", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprintf(w, "%s %s", strings.Repeat("a", 190), p)
		}},
		{name: "429 with Retry-After", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set("Retry-After", "3600")
			w.Header().Set(transport.HeaderIDTransazione, p)
			testutil.WriteFault(w, http.StatusTooManyRequests, "OPERAZIONE", "429", p)
		}},
		{name: "unexpected 3xx", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set("Location", "https://elsewhere.example/?k="+p)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusFound)
			fmt.Fprintf(w, `{"stato":"NON_ESEGUITA","descrizione":%q}`, p)
		}},
		{name: "unexpected 2xx", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set(transport.HeaderIDTransazione, p)
			testutil.WriteJSON(w, http.StatusAccepted, map[string]string{"descrizione": p})
		}, after: func(resp *http.Response) error {
			defer resp.Body.Close()
			return transport.ErrorFromResponse("op", resp)
		}},
		{name: "content type echoed (JSON expected)", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set("Content-Type", "text/html; x="+p)
			w.Header().Set(transport.HeaderIDTransazione, p)
			_, _ = io.WriteString(w, "<html>"+p+"</html>")
		}, after: func(resp *http.Response) error {
			var v any
			return transport.DecodeJSON("op", resp, &v)
		}},
		{name: "malformed JSON echoing", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"a": `+p)
		}, after: func(resp *http.Response) error {
			var v any
			return transport.DecodeJSON("op", resp, &v)
		}},
		{name: "content type echoed (PDF expected)", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set("Content-Type", "application/json; x="+p)
			_, _ = io.WriteString(w, `{}`)
		}, after: func(resp *http.Response) error {
			_, err := transport.ReadBody("op", resp, "application/pdf")
			return err
		}},
		{name: "incomplete answer, transaction id echoed", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set(transport.HeaderIDTransazione, p)
			testutil.WriteJSON(w, http.StatusOK, map[string]string{})
		}, after: func(resp *http.Response) error {
			var v map[string]string
			if err := transport.DecodeJSON("op", resp, &v); err != nil {
				return err
			}
			return transport.Incomplete("op", resp, "stato")
		}},
		{name: "caller's decode failure quoting the body", handler: func(w http.ResponseWriter, r *http.Request, p string) {
			testutil.WriteJSON(w, http.StatusOK, map[string]string{"numeroAvviso": p})
		}, after: func(resp *http.Response) error {
			var v map[string]string
			if err := transport.DecodeJSON("op", resp, &v); err != nil {
				return err
			}
			return transport.DecodeFailure("op", resp, fmt.Errorf("numeroAvviso %s is not 18 digits", v["numeroAvviso"]))
		}},
		{name: "redirect target the caller puts in its error", acceptRedirect: true, handler: func(w http.ResponseWriter, r *http.Request, p string) {
			w.Header().Set("Location", "http://plain.example/pay?k="+p)
			w.WriteHeader(http.StatusFound)
		}, after: func(resp *http.Response) error {
			transport.Drain(resp)
			return fmt.Errorf("refused redirect %s", transport.Redact(resp, resp.Header.Get("Location")))
		}},
		{name: "network error echoing the request", fail: func(r *http.Request, p string) error {
			return fmt.Errorf("proxy refused %s: %s %s", r.URL, p, echoHeaders(r))
		}},
		{name: "network error, secret in the query", rawOnly: true, query: true, fail: func(r *http.Request, p string) error {
			return fmt.Errorf("dial failed for %s", r.URL)
		}},
	}
}

// TestRedactionMatrix: every error-producing path × every secret in every
// form a server may echo it (configured credentials of every mode and
// per-request secrets) leaves no secret in Error(), in the fmt forms of the
// error and of its struct, in the first unwrapped layer, or in the Debug
// log.
func TestRedactionMatrix(t *testing.T) {
	for _, m := range hostileModes(t) {
		for _, p := range hostilePaths() {
			for _, f := range m.forms {
				if p.rawOnly && !strings.HasSuffix(f.name, " raw") {
					continue
				}
				t.Run(m.name+"/"+p.name+"/"+f.name, func(t *testing.T) {
					mux, baseURL := testutil.NewServer(t, basePath)
					var payload atomic.Value
					payload.Store("")
					mux.HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
						v := f.payload(r)
						payload.Store(v)
						p.handler(w, r, v)
					})
					logs := &testutil.LogBuffer{}
					opts := append([]govpay.Option{govpay.WithLogger(slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))}, m.opts...)
					if p.fail != nil {
						opts = append(opts, govpay.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
							v := f.payload(r)
							payload.Store(v)
							return nil, p.fail(r, v)
						})}))
					}
					c := newClientX(t, baseURL, m.extra, opts...)
					req := &transport.Request{Operation: "op", Method: http.MethodGet, Path: "x", Secrets: m.perRequest, AcceptRedirect: p.acceptRedirect}
					if p.query {
						req.Query = url.Values{"k": {f.payload(nil)}}
					}
					resp, err := c.Do(t.Context(), req)
					if p.after != nil {
						require.NoError(t, err)
						err = p.after(resp)
					}
					require.Error(t, err, "the path must produce an error")
					pl := payload.Load().(string)
					require.NotEmpty(t, pl, "the server or transport saw the request")
					texts := map[string]string{"Error()": err.Error(), "log": logs.String()}
					for _, verb := range []string{"%v", "%+v", "%s", "%q", "%#v"} {
						texts["fmt "+verb] = fmt.Sprintf(verb, err)
					}
					var (
						gerr *govpay.Error
						derr *govpay.DecodeError
						nerr *govpay.NetworkError
					)
					switch {
					case errors.As(err, &gerr):
						texts["%#v of the struct"] = fmt.Sprintf("%#v", *gerr)
					case errors.As(err, &derr):
						texts["%#v of the struct"] = fmt.Sprintf("%#v", *derr)
						texts["Err"] = derr.Err.Error()
					case errors.As(err, &nerr):
						texts["%#v of the struct"] = fmt.Sprintf("%#v", *nerr)
						texts["Err"] = nerr.Err.Error()
					}
					if u := errors.Unwrap(err); u != nil {
						texts["unwrapped once"] = u.Error()
					}
					for where, text := range texts {
						if l := leak(text, pl, m.raw); l != "" {
							t.Errorf("secret %q leaked in %s:\n%s", l, where, text)
						}
					}
				})
			}
		}
	}
}

// TestUnexpectedRedirect: a 3xx the request does not accept is a
// *govpay.Error whatever the method: never handed to a decoder, never
// retried, never followed, its Location kept for diagnosis.
func TestUnexpectedRedirect(t *testing.T) {
	statuses := []int{http.StatusMultipleChoices, http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusNotModified, http.StatusTemporaryRedirect, http.StatusPermanentRedirect}
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete} {
		for _, status := range statuses {
			t.Run(method+"/"+strconv.Itoa(status), func(t *testing.T) {
				mux, baseURL := testutil.NewServer(t, basePath)
				var hits, targetHits testutil.Hits
				mux.Handle("/target", targetHits.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					testutil.WriteJSON(w, http.StatusOK, map[string]string{"stato": "NON_ESEGUITA"})
				})))
				mux.Handle("/x", hits.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Location", baseURL+"/target")
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(status)
					_, _ = io.WriteString(w, `{"stato":"NON_ESEGUITA"}`)
				})))
				c := newClient(t, baseURL)
				resp, err := c.Do(t.Context(), &transport.Request{Operation: "op", Method: method, Path: "x", Body: []byte(`{}`)})
				require.Nil(t, resp)
				var gerr *govpay.Error
				require.ErrorAs(t, err, &gerr)
				assert.Equal(t, status, gerr.StatusCode)
				assert.Equal(t, baseURL+"/target", gerr.Location)
				assert.Contains(t, err.Error(), "not followed")
				assert.Equal(t, 1, hits.Count(), "a 3xx is not retried")
				assert.Equal(t, 0, targetHits.Count(), "a redirect is never followed")

				// The same answer is the caller's result when it accepts redirects.
				resp, err = c.Do(t.Context(), &transport.Request{Operation: "op", Method: method, Path: "x", Body: []byte(`{}`), AcceptRedirect: true})
				require.NoError(t, err)
				transport.Drain(resp)
				assert.Equal(t, status, resp.StatusCode)
				assert.Equal(t, 0, targetHits.Count())
			})
		}
	}
}

// halfBody answers 200 with the full Content-Length but only half of body,
// then drops the connection.
func halfBody(w http.ResponseWriter, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body[:len(body)/2])
	w.(http.Flusher).Flush()
	panic(http.ErrAbortHandler) // net/http closes the connection, logs nothing
}

// TestBodyLostMidRead: the headers and half the body arrive, then the
// connection drops. A GET is read inside the retry loop and retried per the
// policy (JSON and PDF alike); when no attempt is left it is a
// *govpay.NetworkError (Sent). A PUT or POST is sent once: its body is the
// caller's to read, and the cut is a *govpay.DecodeError.
func TestBodyLostMidRead(t *testing.T) {
	jsonBody := []byte(`{"stato":"NON_ESEGUITA","descrizione":"` + strings.Repeat("d", 4000) + `"}`)
	pdfBody := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("stream\n"), 2000)...)
	noRetry := govpay.RetryPolicy{MaxAttempts: 1}
	cases := []struct {
		name     string
		method   string
		accept   string
		cuts     int // answers cut before a whole one; -1: all
		policy   *govpay.RetryPolicy
		noRetry  bool
		attempts int
		want     string // "ok", "network", "decode"
	}{
		{name: "GET JSON, one cut", method: http.MethodGet, cuts: 1, attempts: 2, want: "ok"},
		{name: "GET PDF, one cut", method: http.MethodGet, accept: "application/pdf", cuts: 1, attempts: 2, want: "ok"},
		{name: "GET JSON, two cuts", method: http.MethodGet, cuts: 2, attempts: 3, want: "ok"},
		{name: "GET JSON, every attempt cut", method: http.MethodGet, cuts: -1, attempts: 3, want: "network"},
		{name: "GET PDF, every attempt cut", method: http.MethodGet, accept: "application/pdf", cuts: -1, attempts: 3, want: "network"},
		{name: "GET, Request.NoRetry", method: http.MethodGet, cuts: 1, noRetry: true, attempts: 1, want: "network"},
		{name: "GET, policy without retries", method: http.MethodGet, cuts: 1, policy: &noRetry, attempts: 1, want: "network"},
		{name: "PUT is not re-sent", method: http.MethodPut, cuts: 1, attempts: 1, want: "decode"},
		{name: "POST is never re-sent", method: http.MethodPost, cuts: 1, attempts: 1, want: "decode"},
		{name: "PATCH is never re-sent", method: http.MethodPatch, cuts: 1, attempts: 1, want: "decode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := jsonBody, "application/json"
			if tc.accept == "application/pdf" {
				body, ct = pdfBody, "application/pdf"
			}
			mux, baseURL := testutil.NewServer(t, basePath)
			var hits testutil.Hits
			mux.HandleFunc("/x", hits.WrapFunc(func(w http.ResponseWriter, r *http.Request, n int) {
				if tc.cuts < 0 || n <= tc.cuts {
					halfBody(w, ct, body)
				}
				w.Header().Set("Content-Type", ct)
				_, _ = w.Write(body)
			}))
			var opts []govpay.Option
			if tc.policy != nil {
				opts = append(opts, govpay.WithRetry(*tc.policy))
			}
			c := newClient(t, baseURL, opts...)
			req := &transport.Request{Operation: "op", Method: tc.method, Path: "x", Accept: tc.accept, NoRetry: tc.noRetry}
			if tc.method != http.MethodGet {
				req.Body = []byte(`{}`)
			}
			resp, err := c.Do(t.Context(), req)
			var got []byte
			if err == nil {
				if tc.accept == "application/pdf" {
					got, err = transport.ReadBody("op", resp, "application/pdf")
				} else {
					var v map[string]string
					if err = transport.DecodeJSON("op", resp, &v); err == nil {
						got, _ = json.Marshal(v)
					}
				}
			}
			assert.Equal(t, tc.attempts, hits.Count(), "attempts")
			switch tc.want {
			case "ok":
				require.NoError(t, err)
				if tc.accept == "application/pdf" {
					assert.Equal(t, body, got)
				} else {
					assert.JSONEq(t, string(body), string(got))
				}
			case "network":
				var ne *govpay.NetworkError
				require.ErrorAs(t, err, &ne)
				assert.True(t, ne.Sent)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
				assert.NotErrorIs(t, err, govpay.ErrOutcomeUnknown, "a GET is safe to repeat")
			case "decode":
				var de *govpay.DecodeError
				require.ErrorAs(t, err, &de)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			}
		})
	}
}

// TestRetryAfterOnError: the server's Retry-After (seconds or HTTP date)
// on a 429 or 503 is kept on the *govpay.Error, notably when it exceeds
// the policy's MaxRetryAfter and so ended the retries at once.
func TestRetryAfterOnError(t *testing.T) {
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	cases := []struct {
		name       string
		status     int
		retryAfter string
		attempts   int
		min, max   time.Duration
	}{
		{"429 seconds beyond the policy", http.StatusTooManyRequests, "120", 1, 120 * time.Second, 120 * time.Second},
		{"503 seconds beyond the policy", http.StatusServiceUnavailable, "3600", 1, time.Hour, time.Hour},
		{"429 HTTP date beyond the policy", http.StatusTooManyRequests, date, 1, 85 * time.Second, 90 * time.Second},
		{"503 date in the past", http.StatusServiceUnavailable, "Sun, 06 Nov 1994 08:49:37 GMT", 3, 0, 0},
		{"429 within the policy, retries exhausted", http.StatusTooManyRequests, "0", 3, 0, 0},
		{"429 without Retry-After", http.StatusTooManyRequests, "", 3, 0, 0},
		{"429 unparsable Retry-After", http.StatusTooManyRequests, "soon", 3, 0, 0},
		{"500 ignores Retry-After", http.StatusInternalServerError, "120", 1, 0, 0},
		{"502 ignores Retry-After", http.StatusBadGateway, "120", 3, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mux, baseURL := testutil.NewServer(t, basePath)
			var hits testutil.Hits
			mux.Handle("/x", hits.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				testutil.WriteFault(w, tc.status, "OPERAZIONE", strconv.Itoa(tc.status), "slow down")
			})))
			c := newClient(t, baseURL)
			_, err := c.Do(t.Context(), &transport.Request{Operation: "op", Method: http.MethodGet, Path: "x"})
			var gerr *govpay.Error
			require.ErrorAs(t, err, &gerr)
			assert.Equal(t, tc.status, gerr.StatusCode)
			assert.Equal(t, tc.attempts, hits.Count(), "attempts")
			assert.GreaterOrEqual(t, gerr.RetryAfter, tc.min)
			assert.LessOrEqual(t, gerr.RetryAfter, tc.max)
			if tc.min > 0 {
				assert.Contains(t, err.Error(), "retry after")
			} else {
				assert.NotContains(t, err.Error(), "retry after")
			}
		})
	}
}
