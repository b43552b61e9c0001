package transport_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/internal/transport"
)

// Without a logger, Do sends its requests straight to the transport under
// the authentication layer (it sets the headers itself). These tests check
// that a client with and without a logger behave the same: headers, the
// http.Client's Timeout (while waiting for headers and while reading the
// body), and requests sent through HTTPClient.

func TestDoWithAndWithoutLogger(t *testing.T) {
	for _, withLog := range []bool{false, true} {
		name := "no logger"
		if withLog {
			name = "logger"
		}
		t.Run(name, func(t *testing.T) {
			mux, baseURL := testutil.NewServer(t, basePath)
			release := make(chan struct{})
			mux.HandleFunc("GET /ok", func(w http.ResponseWriter, r *http.Request) {
				user, pass, ok := r.BasicAuth()
				if !ok || user != "u" || pass != "p" || !strings.HasPrefix(r.Header.Get("User-Agent"), "app/1 govpay-go/") ||
					r.Header.Get("X-Extra") != "1" || r.Header.Get("Accept") != "application/json" {
					http.Error(w, "headers missing", http.StatusTeapot)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{}`)
			})
			mux.HandleFunc("GET /slow-headers", func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			})
			mux.HandleFunc("GET /slow-body", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"a":`)
				w.(http.Flusher).Flush()
				select {
				case <-release:
				case <-r.Context().Done():
				}
			})
			t.Cleanup(func() { close(release) })

			opts := []govpay.Option{
				govpay.WithBasicAuth("u", "p"), govpay.WithUserAgent("app/1"),
				govpay.WithHTTPClient(&http.Client{Timeout: 150 * time.Millisecond}),
				govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 1}),
			}
			if withLog {
				opts = append(opts, govpay.WithLogger(slog.New(slog.DiscardHandler)))
			}
			c := newClient(t, baseURL, opts...)

			req := &transport.Request{Method: http.MethodGet, Path: "ok", Header: http.Header{"X-Extra": {"1"}}}
			resp, err := c.Do(t.Context(), req)
			require.NoError(t, err)
			transport.Drain(resp)
			assert.Equal(t, http.StatusOK, resp.StatusCode)

			// The same through the retry layer.
			rc := newClient(t, baseURL, append(opts, govpay.WithRetry(fastRetry))...)
			resp, err = rc.Do(t.Context(), req)
			require.NoError(t, err)
			transport.Drain(resp)

			// A request the caller builds goes through HTTPClient, which
			// adds the headers itself.
			hreq, err := http.NewRequestWithContext(t.Context(), http.MethodGet, baseURL+"/ok", nil)
			require.NoError(t, err)
			hreq.Header.Set("X-Extra", "1")
			hreq.Header.Set("Accept", "application/json")
			hresp, err := c.HTTPClient().Do(hreq)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, hresp.Body)
			hresp.Body.Close()
			assert.Equal(t, http.StatusOK, hresp.StatusCode)
			assert.Empty(t, hreq.Header.Get("Authorization"), "the caller's request is not modified")

			// The client's Timeout ends a request waiting for headers…
			start := time.Now()
			_, err = c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "slow-headers"})
			var ne *govpay.NetworkError
			require.ErrorAs(t, err, &ne)
			assert.True(t, ne.Sent)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Less(t, time.Since(start), 5*time.Second)

			// … and one whose body is being read: Do reads a GET's body
			// itself, so the timeout is Do's *govpay.NetworkError.
			_, err = c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "slow-body"})
			require.ErrorAs(t, err, &ne)
			assert.True(t, ne.Sent)
			var te interface{ Timeout() bool }
			require.True(t, errors.As(err, &te), "%T %v", err, err)
			assert.True(t, te.Timeout())
		})
	}
}

func TestPathKeepsCallerSegments(t *testing.T) {
	segs := []string{"pendenze", "A 2", "P/1"}
	assert.Equal(t, "pendenze/A%202/P%2F1", transport.Path(segs...))
	assert.Equal(t, []string{"pendenze", "A 2", "P/1"}, segs, "the caller's slice is not changed")

	many := make([]string, 12)
	for i := range many {
		many[i] = strings.Repeat("x", i) + "?"
	}
	want := make([]string, len(many))
	for i, s := range many {
		want[i] = url.PathEscape(s)
	}
	assert.Equal(t, strings.Join(want, "/"), transport.Path(many...))
	assert.Equal(t, "", transport.Path())
	assert.Equal(t, "", transport.Path(""))
	assert.Equal(t, "/", transport.Path("", ""))
}

func TestURLForms(t *testing.T) {
	c, err := transport.NewForTest("https://gp.example.it/base/", transport.Extra{})
	require.NoError(t, err)
	q := url.Values{"b": {"2 3"}, "a": {"&"}}
	tests := []struct {
		req  transport.Request
		want string
	}{
		{transport.Request{}, "https://gp.example.it/base"},
		{transport.Request{Path: "x/y"}, "https://gp.example.it/base/x/y"},
		{transport.Request{Path: "//x"}, "https://gp.example.it/base/x"},
		{transport.Request{Path: "/"}, "https://gp.example.it/base/"},
		{transport.Request{Query: q}, "https://gp.example.it/base?a=%26&b=2+3"},
		{transport.Request{Path: "x", Query: q}, "https://gp.example.it/base/x?a=%26&b=2+3"},
		{transport.Request{Path: "x", Query: url.Values{"k": {}}}, "https://gp.example.it/base/x?"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, c.URL(&tc.req))
	}
}
