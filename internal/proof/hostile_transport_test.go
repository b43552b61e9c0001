package proof

// The hostile-transport catalogue: one row per family of attack a broken
// or hostile server (or proxy) can mount on the SDK's transport, each with
// the property it protects (DESIGN.md §5). Every row runs against its own
// loopback server through the public clients (avvisi, pendenze) or, for a
// POST, the transport they share; every row also checks that no credential
// (password, Basic token, per-request secret) shows in the error, its fmt
// forms or the Debug log.
//
//	go test -race -run TestHostileTransport ./internal/proof/

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/pendenze"
)

// The credentials of the hostile rows: distinctive, with characters HTML
// and JSON escape.
const (
	htUser     = "portale"
	htPassword = `pw-7c41e09b2d<&"'>f35a8e61c0`
	htUUID     = "uuid-0d9c8b7a6f5e4d3c"
)

var htToken = base64.StdEncoding.EncodeToString([]byte(htUser + ":" + htPassword))

// htSecrets are the values no text may show, whole or as a 12-byte
// window of characters no escaping changes.
var htSecrets = []string{htPassword, htToken, htUUID}

const htAvviso = `{"stato":"NON_ESEGUITA","idDominio":"` + okDominio + `","numeroAvviso":"` + okNumero + `","importo":10.5,"descrizione":"` + "Tassa" + `"}`

var htPDF = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0 0 obj stream\n"), 1000)...)

// htEnv is one row's server and clients.
type htEnv struct {
	srv      *httptest.Server
	hits     atomic.Int64 // requests the handler saw (redirect targets excluded)
	target   atomic.Int64 // requests to the redirect target
	avvisi   *avvisi.Client
	pendenze *pendenze.Client
	tc       *transport.Client
	logs     *htLogBuffer
}

type htLogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *htLogBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *htLogBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// htRow is one attack family.
type htRow struct {
	family   string // what the server does
	protects string // the property (DESIGN.md §5) the row holds the SDK to
	// handler answers request n (1-based) of the operation.
	handler func(w http.ResponseWriter, r *http.Request, n int)
	// fail, when set, replaces the network: the RoundTripper's error.
	fail  func(r *http.Request) error
	call  func(ctx context.Context, e *htEnv) error
	check func(t *testing.T, e *htEnv, err error)
}

func htGetAvviso(opts ...avvisi.GetOption) func(context.Context, *htEnv) error {
	return func(ctx context.Context, e *htEnv) error {
		a, err := e.avvisi.Get(ctx, okDominio, okNumero, opts...)
		if err == nil && (a.Stato != avvisi.StatoNonEseguita || a.Descrizione != "Tassa") {
			return fmt.Errorf("wrong avviso decoded: %+v", a)
		}
		return err
	}
}

func htGetPDF(ctx context.Context, e *htEnv) error {
	b, err := e.avvisi.PDF(ctx, okDominio, okNumero)
	if err == nil && !bytes.Equal(b, htPDF) {
		return fmt.Errorf("wrong PDF: %d bytes, want %d", len(b), len(htPDF))
	}
	return err
}

func htPut(ctx context.Context, e *htEnv) error {
	_, err := e.pendenze.Put(ctx, "PORTALE", "P-1", pendenza(nil))
	return err
}

// htCutBody answers 200 (or status) with the full Content-Length but half of
// body, then drops the connection.
func htCutBody(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body[:len(body)/2])
	w.(http.Flusher).Flush()
	panic(http.ErrAbortHandler)
}

func htAPIError(status int) func(*testing.T, *htEnv, error) {
	return func(t *testing.T, e *htEnv, err error) {
		t.Helper()
		var gerr *govpay.Error
		if !errors.As(err, &gerr) || gerr.StatusCode != status {
			t.Fatalf("want a *govpay.Error %d, got %T %v", status, err, err)
		}
	}
}

func htWantAttempts(n int64) func(*testing.T, *htEnv) {
	return func(t *testing.T, e *htEnv) {
		t.Helper()
		if got := e.hits.Load(); got != n {
			t.Errorf("the server saw %d requests, want %d", got, n)
		}
	}
}

func htAll(checks ...func(*testing.T, *htEnv, error)) func(*testing.T, *htEnv, error) {
	return func(t *testing.T, e *htEnv, err error) {
		t.Helper()
		for _, c := range checks {
			c(t, e, err)
		}
	}
}

func htAttempts(n int64) func(*testing.T, *htEnv, error) {
	return func(t *testing.T, e *htEnv, _ error) { t.Helper(); htWantAttempts(n)(t, e) }
}

func htNoError(t *testing.T, _ *htEnv, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("want success, got %v", err)
	}
}

func htRows() []htRow {
	echoAuth := func(r *http.Request) string { return r.Header.Get("Authorization") }
	return []htRow{
		{
			family:   "401 FaultBean and transaction id echoing the Authorization header and the password",
			protects: "credentials never appear in errors or logs, whatever field the server puts them in",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set(transport.HeaderIDTransazione, strings.TrimPrefix(echoAuth(r), "Basic "))
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"categoria":"AUTORIZZAZIONE","codice":"401000","descrizione":%q,"dettaglio":%q}`, "header "+echoAuth(r), "password "+htPassword)
			},
			call: htGetAvviso(), check: htAll(htAPIError(401), htAttempts(1)),
		},
		{
			family:   "proxy HTML 502 page echoing the password HTML-escaped, across the excerpt cut",
			protects: "secrets are redacted before an excerpt is cut, in every escaped form",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusBadGateway)
				fmt.Fprintf(w, "<html><body><p>%s %s</p></body></html>", strings.Repeat("a", 190), strings.NewReplacer("<", "&lt;", "&", "&amp;", `"`, "&quot;", "'", "&#39;", ">", "&gt;").Replace(htPassword))
			},
			call: htGetAvviso(), check: htAll(htAPIError(502), htAttempts(3)),
		},
		{
			family:   "200 whose Content-Type echoes the Basic token",
			protects: "a DecodeError's content type and transaction id are redacted",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Content-Type", "text/html; charset="+strings.TrimPrefix(echoAuth(r), "Basic "))
				_, _ = io.WriteString(w, "<html>login</html>")
			},
			call: htGetAvviso(),
			check: htAll(func(t *testing.T, _ *htEnv, err error) {
				var de *govpay.DecodeError
				if !errors.As(err, &de) || !strings.Contains(de.ContentType, transport.Redacted) {
					t.Fatalf("want a *govpay.DecodeError with a redacted content type, got %T %v", err, err)
				}
			}, htAttempts(1)),
		},
		{
			family:   "302 to a GET with a JSON success body (an SSO proxy redirecting to its login page)",
			protects: "a 3xx is never decoded as a success and a redirect is never followed",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Location", "/login?next=avvisi")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusFound)
				_, _ = io.WriteString(w, htAvviso)
			},
			call: htGetAvviso(),
			check: htAll(htAPIError(302), htAttempts(1), func(t *testing.T, e *htEnv, err error) {
				if e.target.Load() != 0 {
					t.Errorf("the redirect target was fetched")
				}
			}),
		},
		{
			family:   "307 to PUT /pendenze",
			protects: "a 3xx to a write is an error, not retried, not followed",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Location", "/login")
				w.WriteHeader(http.StatusTemporaryRedirect)
			},
			call: htPut, check: htAll(htAPIError(307), htAttempts(1)),
		},
		{
			family:   "redirect whose Location carries the password URL-encoded",
			protects: "echoed headers copied into an error (Location) are redacted",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Location", "https://evil.example/?pw="+strings.NewReplacer("<", "%3C", "&", "%26", `"`, "%22", "'", "%27", ">", "%3E").Replace(htPassword))
				w.WriteHeader(http.StatusFound)
			},
			call: htGetAvviso(),
			check: htAll(htAPIError(302), func(t *testing.T, _ *htEnv, err error) {
				var gerr *govpay.Error
				if errors.As(err, &gerr) && !strings.Contains(gerr.Location, transport.Redacted) {
					t.Errorf("Location %q not redacted", gerr.Location)
				}
			}),
		},
		{
			family:   "403 echoing the request's query (the notice's UUID, a per-request secret)",
			protects: "per-request secrets are redacted like the configured credentials",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set(transport.HeaderIDTransazione, r.URL.Query().Get("UUID"))
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprintf(w, `{"categoria":"AUTORIZZAZIONE","codice":"403000","descrizione":%q}`, "query "+r.URL.RawQuery)
			},
			call: htGetAvviso(avvisi.WithUUID(htUUID)), check: htAll(htAPIError(403), htAttempts(1)),
		},
		{
			family:   "GET answer cut mid-body once (headers and half the JSON, then the connection drops)",
			protects: "an idempotent GET whose body is lost is retried and then decodes the whole answer",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					htCutBody(w, http.StatusOK, "application/json", []byte(htAvviso))
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, htAvviso)
			},
			call: htGetAvviso(), check: htAll(htNoError, htAttempts(2)),
		},
		{
			family:   "PDF answer cut mid-body once",
			protects: "a binary GET is retried the same way and returns the whole document",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					htCutBody(w, http.StatusOK, "application/pdf", htPDF)
				}
				w.Header().Set("Content-Type", "application/pdf")
				_, _ = w.Write(htPDF)
			},
			call: htGetPDF, check: htAll(htNoError, htAttempts(2)),
		},
		{
			family:   "GET answer cut mid-body on every attempt",
			protects: "retries stop at the policy's attempts and the failure is a typed NetworkError",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				htCutBody(w, http.StatusOK, "application/json", []byte(htAvviso))
			},
			call: htGetAvviso(),
			check: htAll(htAttempts(3), func(t *testing.T, _ *htEnv, err error) {
				var ne *govpay.NetworkError
				if !errors.As(err, &ne) || !ne.Sent || !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("want a *govpay.NetworkError (sent, unexpected EOF), got %T %v", err, err)
				}
			}),
		},
		{
			family:   "PUT /pendenze answer cut mid-body",
			protects: "a write whose answer is lost is not silently re-sent: the caller gets a DecodeError",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				htCutBody(w, http.StatusCreated, "application/json", []byte(`{"idDominio":"`+okDominio+`","numeroAvviso":"`+okNumero+`"}`))
			},
			call: htPut,
			check: htAll(htAttempts(1), func(t *testing.T, _ *htEnv, err error) {
				var de *govpay.DecodeError
				if !errors.As(err, &de) {
					t.Fatalf("want a *govpay.DecodeError, got %T %v", err, err)
				}
			}),
		},
		{
			family:   "POST answer cut mid-body",
			protects: "a POST is never re-sent (DESIGN.md §5 Retries)",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				htCutBody(w, http.StatusCreated, "application/json", []byte(`{"id":"P1","location":"/pagamenti/P1","redirect":"https://wisp.example/"}`))
			},
			call: func(ctx context.Context, e *htEnv) error {
				resp, err := e.tc.Do(ctx, &transport.Request{Operation: "pagamenti.Start", Method: http.MethodPost, Path: "pagamenti", Body: []byte(`{}`)})
				if err != nil {
					return err
				}
				var v map[string]any
				return transport.DecodeJSON("pagamenti.Start", resp, &v)
			},
			check: htAll(htAttempts(1), func(t *testing.T, _ *htEnv, err error) {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("want the cut reported, got %v", err)
				}
			}),
		},
		{
			family:   "429 with a Retry-After (an hour) beyond the policy's MaxRetryAfter",
			protects: "the SDK does not sleep past its policy, and hands the server's delay to the caller",
			handler: func(w http.ResponseWriter, r *http.Request, n int) {
				w.Header().Set("Retry-After", "3600")
				w.WriteHeader(http.StatusTooManyRequests)
			},
			call: htGetAvviso(),
			check: htAll(htAPIError(429), htAttempts(1), func(t *testing.T, _ *htEnv, err error) {
				var gerr *govpay.Error
				if errors.As(err, &gerr) && gerr.RetryAfter != time.Hour {
					t.Errorf("RetryAfter = %v, want 1h", gerr.RetryAfter)
				}
			}),
		},
		{
			family:   "network failure whose text echoes the request headers (a proxy library)",
			protects: "a NetworkError's text is redacted, whatever the layer below wrote",
			fail: func(r *http.Request) error {
				return fmt.Errorf("proxy refused %s with Authorization %s", r.URL, r.Header.Get("Authorization"))
			},
			call: htGetAvviso(avvisi.WithUUID(htUUID)),
			check: func(t *testing.T, _ *htEnv, err error) {
				var ne *govpay.NetworkError
				if !errors.As(err, &ne) {
					t.Fatalf("want a *govpay.NetworkError, got %T %v", err, err)
				}
			},
		},
		{
			family:   "an identifier with a control character (header or query injection attempt)",
			protects: "invalid input is refused before any network call, naming the field",
			handler:  func(w http.ResponseWriter, r *http.Request, n int) {},
			call:     htGetAvviso(avvisi.WithUUID("uuid\r\nX-Injected: 1")),
			check: htAll(htAttempts(0), func(t *testing.T, _ *htEnv, err error) {
				var ve *govpay.ValidationError
				if !errors.As(err, &ve) || !ve.Has("UUID") {
					t.Fatalf("want a *govpay.ValidationError naming UUID, got %T %v", err, err)
				}
			}),
		},
	}
}

// htLeak returns the first piece of a hostile secret in text.
func htLeak(text string) string {
	for _, s := range htSecrets {
		if strings.Contains(text, s) {
			return s
		}
		for i := 0; i+12 <= len(s); i++ {
			w := s[i : i+12]
			if strings.ContainsAny(w, `<&"'>`) {
				continue
			}
			if strings.Contains(text, w) {
				return w
			}
		}
	}
	return ""
}

func TestHostileTransport(t *testing.T) {
	for _, row := range htRows() {
		t.Run(row.family, func(t *testing.T) {
			if row.protects == "" {
				t.Fatal("every row names the property it protects")
			}
			e := &htEnv{logs: &htLogBuffer{}}
			mux := http.NewServeMux()
			mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) { e.target.Add(1) })
			mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				n := int(e.hits.Add(1))
				if row.handler != nil {
					row.handler(w, r, n)
				}
			})
			e.srv = httptest.NewServer(mux)
			t.Cleanup(e.srv.Close)
			opts := []govpay.Option{
				govpay.WithBasicAuth(htUser, htPassword),
				govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second}),
				govpay.WithLogger(slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
			}
			if row.fail != nil {
				opts = append(opts, govpay.WithHTTPClient(&http.Client{Transport: htFailingTransport(row.fail)}))
			}
			cfg := testutil.Config(t, govpay.APIPagamento, e.srv.URL+pathPagamento, append(opts,
				govpay.WithEndpoint(govpay.APIPendenze, e.srv.URL+pathPendenze))...)
			e.avvisi = avvisi.New(cfg)
			e.pendenze = pendenze.New(cfg)
			e.tc = transport.ForAPI(cfg, govpay.APIPagamento, 2)
			callErr := row.call(t.Context(), e)
			row.check(t, e, callErr)
			texts := map[string]string{"log": e.logs.String()}
			if callErr != nil {
				texts["Error()"] = callErr.Error()
				for _, verb := range []string{"%v", "%+v", "%q", "%#v"} {
					texts["fmt "+verb] = fmt.Sprintf(verb, callErr)
				}
			}
			for where, text := range texts {
				if l := htLeak(text); l != "" {
					t.Errorf("%s: secret %q leaked in %s:\n%s", row.protects, l, where, text)
				}
			}
		})
	}
}

type htFailingTransport func(r *http.Request) error

func (f htFailingTransport) RoundTrip(r *http.Request) (*http.Response, error) { return nil, f(r) }
