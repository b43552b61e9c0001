package transport_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/govpaygo/govpay"
	gen "github.com/govpaygo/govpay/internal/gen/pendenze"
	"github.com/govpaygo/govpay/internal/transport"
)

// genClient builds the generated API Pendenze client on a transport client
// mounted under the deep base path of srv.
func genClient(t *testing.T, srv *httptest.Server, opts ...govpay.Option) *gen.Client {
	t.Helper()
	tc := newClient(t, srv.URL+basePath, opts...)
	g, err := gen.NewClient(tc.BaseURL(), gen.WithHTTPClient(tc.Doer()))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestDoerKeepsTheBasePath: the generated client sends under the whole
// deep base path (oapi-codegen resolves operation paths against the server
// URL: without a trailing slash its last segment would be dropped), with
// the path values escaped by the generated code.
func TestDoerKeepsTheBasePath(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Method + " " + r.URL.EscapedPath() + " auth=" + r.Header.Get("Authorization") + " accept=" + r.Header.Get("Accept"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	g := genClient(t, srv, govpay.WithBasicAuth("gestionale", "s3cr3t-Passw0rd"))
	resp, err := g.GetPendenza(transport.WithCall(context.Background(), transport.Request{Operation: "pendenze.Get"}), "A2A 1", "P/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := "GET " + strings.TrimRight(basePath, "/") + "/pendenze/A2A%201/P%2F1 auth=Basic Z2VzdGlvbmFsZTpzM2NyM3QtUGFzc3cwcmQ= accept=application/json"
	if s, _ := got.Load().(string); s != want {
		t.Errorf("server saw %q\nwant       %q", s, want)
	}
}

// TestDoerMapsErrorsAndRetries: a GET through the generated client is
// retried on 503 per the policy and its final error is a *govpay.Error
// naming the operation given with WithCall; a POST is sent once.
func TestDoerMapsErrorsAndRetries(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"categoria":"INTERNO","codice":"503000","descrizione":"down"}`)
	}))
	defer srv.Close()
	g := genClient(t, srv)
	ctx := transport.WithCall(context.Background(), transport.Request{Operation: "pendenze.Get"})
	_, err := g.GetPendenza(ctx, "A2A", "P1")
	var gerr *govpay.Error
	if !errors.As(err, &gerr) || gerr.StatusCode != http.StatusServiceUnavailable || gerr.Operation != "pendenze.Get" {
		t.Fatalf("got %T %v, want a *govpay.Error 503 for pendenze.Get", err, err)
	}
	if n := hits.Load(); n != int64(fastRetry.MaxAttempts) {
		t.Errorf("GET sent %d times, want %d (the policy)", n, fastRetry.MaxAttempts)
	}
	hits.Store(0)
	_, err = g.PatchPendenzaWithBody(transport.WithCall(context.Background(), transport.Request{Operation: "pendenze.Patch"}), "A2A", "P1", "application/json", strings.NewReader(`[]`))
	if !errors.As(err, &gerr) || gerr.Operation != "pendenze.Patch" {
		t.Fatalf("got %T %v, want a *govpay.Error for pendenze.Patch", err, err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("PATCH sent %d times, want 1", n)
	}
}

// TestDoerSecretsAndRedirects: per-request secrets given with WithCall
// are redacted from the error, and a 3xx is an error unless the call
// accepts it.
func TestDoerSecretsAndRedirects(t *testing.T) {
	const secret = "otp-98765432"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/P1") {
			w.Header().Set("Location", "https://elsewhere.example.it/"+secret)
			w.WriteHeader(http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"categoria":"RICHIESTA","codice":"SINTASSI","descrizione":"bad `+secret+`"}`)
	}))
	defer srv.Close()
	g := genClient(t, srv)
	call := transport.Request{Operation: "pendenze.Get", Secrets: []string{secret}}
	for _, id := range []string{"P1", "P2"} {
		_, err := g.GetPendenza(transport.WithCall(context.Background(), call), "A2A", id)
		if err == nil {
			t.Fatalf("%s: no error", id)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error shows the per-request secret: %v", id, err)
		}
	}
	call.AcceptRedirect = true
	resp, err := g.GetPendenza(transport.WithCall(context.Background(), call), "A2A", "P1")
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("accepted redirect: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestDoerRefusesAnotherBase: a request outside the client's base URL (a
// dot segment in a path value would resolve outside it) is refused before
// anything is sent.
func TestDoerRefusesAnotherBase(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	g := genClient(t, srv)
	_, err := g.GetPendenza(context.Background(), "..", "..")
	if err == nil {
		t.Fatal("a request outside the base path was sent")
	}
	if hits.Load() != 0 {
		t.Errorf("the server saw %d requests, want none", hits.Load())
	}
}

// TestDoerHeadersAndBody: what a generated request carries reaches the
// server through the Doer: its body, whole on every attempt (a PUT retried
// after a 503), whether its length is known (a *bytes.Reader) or not; its
// Content-Type; its other headers with those given with WithCall, whose
// map is left as it was; its Accept unless WithCall gives one.
func TestDoerHeadersAndBody(t *testing.T) {
	type seen struct{ body, ctype, accept, call, gen string }
	var (
		hits atomic.Int64
		mu   sync.Mutex
		got  []seen
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{string(b), r.Header.Get("Content-Type"), r.Header.Get("Accept"), r.Header.Get("X-Call"), r.Header.Get("X-Gen")})
		mu.Unlock()
		if hits.Add(1)%2 == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // every first attempt
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	g := genClient(t, srv)
	const body = `{"causale":"Pagamento dovuto n. 1","importo":125.99}`
	callHeader := http.Header{"X-Call": {"c"}}
	editor := func(_ context.Context, req *http.Request) error {
		req.Header.Set("X-Gen", "g")
		req.Header.Set("Accept", "application/x-gen")
		return nil
	}
	cases := []struct {
		name       string
		body       io.Reader
		callAccept string
		wantAccept string
	}{
		{"known length", bytes.NewReader([]byte(body)), "", "application/x-gen"},
		{"unknown length", io.MultiReader(strings.NewReader(body[:10]), strings.NewReader(body[10:])), "", "application/x-gen"},
		{"accept of the call", strings.NewReader(body), "application/pdf", "application/pdf"},
	}
	for _, tc := range cases {
		mu.Lock()
		got = nil
		mu.Unlock()
		ctx := transport.WithCall(context.Background(), transport.Request{Operation: "pendenze.Put", Header: callHeader, Accept: tc.callAccept})
		resp, err := g.PutPendenzaWithBody(ctx, "A2A", "P1", nil, "application/json", tc.body, editor)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		resp.Body.Close()
		want := seen{body, "application/json", tc.wantAccept, "c", "g"}
		mu.Lock()
		if len(got) != 2 || got[0] != want || got[1] != want {
			t.Errorf("%s: server saw %+v\nwant twice %+v", tc.name, got, want)
		}
		mu.Unlock()
	}
	if len(callHeader) != 1 || len(callHeader["X-Call"]) != 1 || callHeader.Get("X-Call") != "c" {
		t.Errorf("WithCall's header was modified: %v", callHeader)
	}
}

// TestDoerBodyLengthAsRead: a request whose declared length differs from
// its body is sent with the body as read, whole, as io.ReadAll would read
// it (the Doer reads a body of declared length into one slice of that
// size).
func TestDoerBodyLengthAsRead(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.Store(string(b))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	tc := newClient(t, srv.URL+basePath)
	const body = `{"causale":"Pagamento dovuto n. 1"}`
	for _, declared := range []int64{1, int64(len(body)) - 1, int64(len(body)), int64(len(body)) + 1, 4 * int64(len(body))} {
		ctx := transport.WithCall(context.Background(), transport.Request{Operation: "pendenze.Put"})
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, tc.BaseURL()+"/pendenze/A2A/P1", io.MultiReader(strings.NewReader(body[:5]), strings.NewReader(body[5:])))
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = declared
		resp, err := tc.Doer().Do(req)
		if err != nil {
			t.Fatalf("declared %d: %v", declared, err)
		}
		resp.Body.Close()
		if s, _ := got.Load().(string); s != body {
			t.Errorf("declared %d: server got %q, want %q", declared, s, body)
		}
	}
}

// recordingTransport records every request it is given, then sends it
// through next.
type recordingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []*http.Request
	body []string
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var b []byte
	if req.Body != nil {
		b, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	rt.mu.Lock()
	rt.reqs = append(rt.reqs, req)
	rt.body = append(rt.body, string(b))
	rt.mu.Unlock()
	return rt.next.RoundTrip(req)
}

// TestDoerSendsTheGeneratedRequest: the Doer sends the request the
// generated client built (or a copy, when per-request secrets give the
// call its own context), with its URL as parsed (not parsed again from its
// text), its method and host, the body read from it (declared length,
// GetBody giving it again) and the headers of the call, on every attempt
// of a retried PUT and on the one attempt of a POST, with and without a
// logger.
func TestDoerSendsTheGeneratedRequest(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if hits.Add(1)%2 == 1 && r.Method == http.MethodPut {
			w.WriteHeader(http.StatusServiceUnavailable) // every first attempt of a PUT
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	const body = `{"causale":"Pagamento dovuto n. 1","importo":125.99}`
	for _, secrets := range [][]string{nil, {"otp-98765432"}} {
		for _, logged := range []bool{false, true} {
			for _, method := range []string{http.MethodPut, http.MethodPost} {
				hits.Store(0)
				rt := &recordingTransport{next: http.DefaultTransport}
				opts := []govpay.Option{govpay.WithHTTPClient(&http.Client{Transport: rt}), govpay.WithBasicAuth("gestionale", "s3cr3t-Passw0rd")}
				if logged {
					opts = append(opts, govpay.WithLogger(slog.New(slog.DiscardHandler)))
				}
				tc := newClient(t, srv.URL+basePath, opts...)
				ctx := transport.WithCall(context.Background(), transport.Request{Operation: "pendenze.Put", Secrets: secrets})
				gen, err := http.NewRequestWithContext(ctx, method, tc.BaseURL()+"/pendenze/A2A/P%2F1?x=a+b", bytes.NewReader([]byte(body)))
				if err != nil {
					t.Fatal(err)
				}
				gen.Header.Set("Content-Type", "application/json")
				gen.Header.Set("X-Gen", "g")
				resp, err := tc.Doer().Do(gen)
				if err != nil {
					t.Fatalf("%s logged=%v: %v", method, logged, err)
				}
				resp.Body.Close()
				want := 1
				if method == http.MethodPut {
					want = 2
				}
				name := fmt.Sprintf("%s logged=%v secrets=%v", method, logged, secrets != nil)
				if len(rt.reqs) != want {
					t.Fatalf("%s: %d attempts, want %d", name, len(rt.reqs), want)
				}
				for i, sent := range rt.reqs {
					switch {
					case sent.URL != gen.URL:
						t.Errorf("%s attempt %d: URL %v is not the generated request's %v (parsed again?)", name, i+1, sent.URL, gen.URL)
					case sent.Method != method || sent.Host != gen.Host:
						t.Errorf("%s attempt %d: %s %s, want %s %s", name, i+1, sent.Method, sent.Host, method, gen.Host)
					case rt.body[i] != body || sent.ContentLength != int64(len(body)):
						t.Errorf("%s attempt %d: body %q (length %d), want %q", name, i+1, rt.body[i], sent.ContentLength, body)
					case sent.Header.Get("X-Gen") != "g" || sent.Header.Get("Authorization") == "" || sent.Header.Get("Accept") != "application/json":
						t.Errorf("%s attempt %d: headers %v", name, i+1, sent.Header)
					case sent.GetBody == nil:
						t.Errorf("%s attempt %d: no GetBody", name, i+1)
					default:
						rc, err := sent.GetBody()
						if err != nil {
							t.Fatal(err)
						}
						b, _ := io.ReadAll(rc)
						if string(b) != body {
							t.Errorf("%s attempt %d: GetBody gives %q", name, i+1, b)
						}
					}
				}
			}
		}
	}
}
