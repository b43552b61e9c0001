package transport_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/internal/transport"
)

// fault is one way a server fails.
type fault struct {
	name   string
	status int // 0: the connection is dropped
	reset  bool
}

func (f fault) serve(t *testing.T, w http.ResponseWriter) {
	switch {
	case f.reset:
		testutil.ResetConnection(t, w)
	case f.status == 0:
		testutil.DropConnection(t, w)
	default:
		testutil.WriteFault(w, f.status, "INTERNO", "X", "fault "+f.name)
	}
}

// TestRetryMatrix checks, for every method and fault, how many times the
// request reaches the server: idempotent methods up to MaxAttempts (3) on
// retryable faults, POST and PATCH exactly once whatever happens.
func TestRetryMatrix(t *testing.T) {
	faults := []struct {
		fault
		retryable bool
	}{
		{fault{name: "connection reset", reset: true}, true},
		{fault{name: "connection dropped"}, true},
		{fault{name: "429", status: 429}, true},
		{fault{name: "502", status: 502}, true},
		{fault{name: "503", status: 503}, true},
		{fault{name: "504", status: 504}, true},
		{fault{name: "500", status: 500}, false},
		{fault{name: "400", status: 400}, false},
		{fault{name: "404", status: 404}, false},
		{fault{name: "422", status: 422}, false},
	}
	methods := []struct {
		method  string
		noRetry bool
		retried bool
	}{
		{http.MethodGet, false, true},
		{http.MethodPut, false, true},
		{http.MethodDelete, false, true},
		{http.MethodGet, true, false}, // Request.NoRetry
		{http.MethodPost, false, false},
		{http.MethodPatch, false, false},
	}
	for _, m := range methods {
		for _, f := range faults {
			name := m.method + "/" + f.name
			if m.noRetry {
				name = m.method + "+NoRetry/" + f.name
			}
			t.Run(name, func(t *testing.T) {
				mux, baseURL := testutil.NewServer(t, basePath)
				var hits testutil.Hits
				var bodies [][]byte
				var mu sync.Mutex
				mux.Handle("/pendenze/A2A/P1", hits.WrapFunc(func(w http.ResponseWriter, r *http.Request, n int) {
					testutil.TestMethod(t, r, m.method)
					b, _ := io.ReadAll(r.Body)
					mu.Lock()
					bodies = append(bodies, b)
					mu.Unlock()
					f.serve(t, w)
				}))
				c := newClient(t, baseURL)
				var body []byte
				if m.method != http.MethodGet && m.method != http.MethodDelete {
					body = []byte(`{"importo":10.50}`)
				}
				resp, err := c.Do(t.Context(), &transport.Request{Operation: "test.Op", Method: m.method, Path: "pendenze/A2A/P1", Body: body, NoRetry: m.noRetry})
				require.Error(t, err)
				assert.Nil(t, resp)

				want := 1
				if m.retried && f.retryable {
					want = fastRetry.MaxAttempts
				}
				assert.Equal(t, want, hits.Count(), "server hits")
				for i, b := range bodies {
					assert.Equal(t, string(body), string(b), "body of attempt %d", i+1)
				}

				if f.status == 0 {
					var ne *govpay.NetworkError
					require.ErrorAs(t, err, &ne)
					assert.Equal(t, m.method, ne.Method)
					assert.Equal(t, "test.Op", ne.Operation)
					assert.True(t, ne.Sent, "the request was written before the connection broke")
					assert.Equal(t, m.method == http.MethodPost || m.method == http.MethodPatch, errors.Is(err, govpay.ErrOutcomeUnknown))
				} else {
					var gerr *govpay.Error
					require.ErrorAs(t, err, &gerr)
					assert.Equal(t, f.status, gerr.StatusCode)
					assert.Equal(t, "fault "+f.name, gerr.Descrizione)
					assert.NotErrorIs(t, err, govpay.ErrOutcomeUnknown)
				}
			})
		}
	}
}

// TestRetryThenSuccess: transient faults then a 200; the body is sent in
// full on every attempt.
func TestRetryThenSuccess(t *testing.T) {
	for _, first := range []fault{{name: "503", status: 503}, {name: "reset", reset: true}, {name: "429", status: 429}} {
		t.Run(first.name, func(t *testing.T) {
			mux, baseURL := testutil.NewServer(t, basePath)
			var hits testutil.Hits
			payload := bytes.Repeat([]byte(`{"voce":"abcdefghij"},`), 2000) // larger than one write
			mux.Handle("PUT /pendenze/A2A/P1", hits.WrapFunc(func(w http.ResponseWriter, r *http.Request, n int) {
				b, err := io.ReadAll(r.Body)
				assert.NoError(t, err)
				assert.Equal(t, len(payload), len(b), "attempt %d: whole body", n)
				assert.True(t, bytes.Equal(payload, b), "attempt %d: same body", n)
				assert.Equal(t, int64(len(payload)), r.ContentLength)
				if n < 3 {
					first.serve(t, w)
					return
				}
				testutil.WriteJSON(w, http.StatusCreated, map[string]string{"ok": "yes"})
			}))
			c := newClient(t, baseURL)
			resp, err := c.Do(t.Context(), &transport.Request{Operation: "op", Method: http.MethodPut, Path: "pendenze/A2A/P1", Body: payload})
			require.NoError(t, err)
			var got map[string]string
			require.NoError(t, transport.DecodeJSON("op", resp, &got))
			assert.Equal(t, http.StatusCreated, resp.StatusCode)
			assert.Equal(t, "yes", got["ok"])
			assert.Equal(t, 3, hits.Count())
		})
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	var hits testutil.Hits
	var (
		mu    sync.Mutex
		times []time.Time
	)
	mux.Handle("GET /x", hits.WrapFunc(func(w http.ResponseWriter, r *http.Request, n int) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			testutil.WriteFault(w, http.StatusTooManyRequests, "", "", "slow down")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	c := newClient(t, baseURL)
	resp, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x"})
	require.NoError(t, err)
	transport.Drain(resp)
	require.Equal(t, 2, hits.Count())
	mu.Lock()
	wait := times[1].Sub(times[0])
	mu.Unlock()
	assert.GreaterOrEqual(t, wait, 950*time.Millisecond, "Retry-After: 1 must be honoured (backoff alone is ≤ 5ms)")
	assert.Less(t, wait, 3*time.Second)
}

func TestRetryAfterHTTPDate(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		header   func() string
		wantHits int
		maxTime  time.Duration
	}{
		// A date in the past asks for no wait: retried at once.
		{"past date", 503, func() string { return time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat) }, 3, 500 * time.Millisecond},
		// A date beyond MaxRetryAfter (1s) ends the retries.
		{"far date", 503, func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) }, 1, 500 * time.Millisecond},
		{"far date 429", 429, func() string { return time.Now().Add(time.Minute).UTC().Format(http.TimeFormat) }, 1, 500 * time.Millisecond},
		// Seconds beyond MaxRetryAfter end the retries too.
		{"too many seconds", 429, func() string { return "120" }, 1, 500 * time.Millisecond},
		{"zero seconds", 429, func() string { return "0" }, 3, 500 * time.Millisecond},
		// Garbage is ignored: the backoff applies.
		{"garbage", 503, func() string { return "soon" }, 3, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux, baseURL := testutil.NewServer(t, basePath)
			var hits testutil.Hits
			mux.Handle("GET /x", hits.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", tt.header())
				testutil.WriteFault(w, tt.status, "", "", "busy")
			})))
			c := newClient(t, baseURL)
			start := time.Now()
			_, err := c.Do(t.Context(), &transport.Request{Method: http.MethodGet, Path: "x"})
			var gerr *govpay.Error
			require.ErrorAs(t, err, &gerr)
			assert.Equal(t, tt.status, gerr.StatusCode)
			assert.Equal(t, tt.wantHits, hits.Count())
			assert.Less(t, time.Since(start), tt.maxTime)
		})
	}
}

// TestRetryWaitEndsWithContext: a long backoff ends as soon as the context
// is cancelled, with an error matching context.Canceled.
func TestRetryWaitEndsWithContext(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fault fault
	}{
		{"backoff after 503", fault{name: "503", status: 503}},
		{"backoff after reset", fault{name: "reset", reset: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mux, baseURL := testutil.NewServer(t, basePath)
			var hits testutil.Hits
			mux.Handle("GET /x", hits.WrapFunc(func(w http.ResponseWriter, r *http.Request, n int) { tt.fault.serve(t, w) }))
			c := newClient(t, baseURL, govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 5, MinBackoff: 10 * time.Second, MaxBackoff: 10 * time.Second}))
			ctx, cancel := context.WithCancel(t.Context())
			timer := time.AfterFunc(50*time.Millisecond, cancel)
			defer timer.Stop()
			start := time.Now()
			_, err := c.Do(ctx, &transport.Request{Operation: "op", Method: http.MethodGet, Path: "x"})
			elapsed := time.Since(start)
			require.Error(t, err)
			assert.ErrorIs(t, err, context.Canceled)
			var ne *govpay.NetworkError
			require.ErrorAs(t, err, &ne)
			assert.Equal(t, "op", ne.Operation)
			assert.Less(t, elapsed, 500*time.Millisecond, "the wait must end with the context")
			assert.GreaterOrEqual(t, elapsed, 45*time.Millisecond)
			assert.Equal(t, 1, hits.Count())
		})
	}
}

// TestRetryAfterWaitEndsWithContext: the same for a Retry-After wait.
func TestRetryAfterWaitEndsWithContext(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "20")
		testutil.WriteFault(w, 503, "", "", "maintenance")
	})
	c := newClient(t, baseURL, govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond, MaxRetryAfter: time.Minute}))
	ctx, cancel := context.WithTimeout(t.Context(), 80*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Do(ctx, &transport.Request{Method: http.MethodGet, Path: "x"})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), time.Second)
}

func TestContextAlreadyDone(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	var hits testutil.Hits
	mux.Handle("/x", hits.Wrap(http.NotFoundHandler()))
	c := newClient(t, baseURL)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		_, err := c.Do(ctx, &transport.Request{Method: m, Path: "x", Body: []byte(`{}`)})
		assert.ErrorIs(t, err, context.Canceled)
		var ne *govpay.NetworkError
		require.ErrorAs(t, err, &ne)
		assert.False(t, ne.Sent, "nothing was sent")
		assert.NotErrorIs(t, err, govpay.ErrOutcomeUnknown)
	}
	assert.Equal(t, 0, hits.Count())
}

// TestContextDeadlineDuringRequest: a POST whose answer does not come in
// time may have taken effect.
func TestContextDeadlineDuringRequest(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, basePath)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var hits testutil.Hits
	mux.Handle("/pagamenti", hits.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})))
	c := newClient(t, baseURL)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, &transport.Request{Operation: "pagamenti.Start", Method: http.MethodPost, Path: "pagamenti", Body: []byte(`{}`)})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	var ne *govpay.NetworkError
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Sent)
	assert.ErrorIs(t, err, govpay.ErrOutcomeUnknown)
	assert.Equal(t, 1, hits.Count())
}

func TestConnectionRefusedNotSent(t *testing.T) {
	_, baseURL, srv := testutil.NewServerWith(t, basePath)
	srv.Close()
	c := newClient(t, baseURL, govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		_, err := c.Do(t.Context(), &transport.Request{Operation: "op", Method: m, Path: "x"})
		var ne *govpay.NetworkError
		require.ErrorAs(t, err, &ne)
		assert.False(t, ne.Sent, "%s: a refused dial sends nothing", m)
		assert.NotErrorIs(t, err, govpay.ErrOutcomeUnknown)
		assert.Contains(t, ne.URL, basePath+"x")
	}
}

func TestBackoff(t *testing.T) {
	min, max := 10*time.Millisecond, 100*time.Millisecond
	for n := 0; n < 10; n++ {
		d := min << n
		if d > max {
			d = max
		}
		for range 50 {
			got := transport.Backoff(min, max, n)
			assert.GreaterOrEqual(t, got, d/2, "attempt %d", n)
			assert.LessOrEqual(t, got, d, "attempt %d", n)
		}
	}
	assert.Equal(t, time.Duration(0), transport.Backoff(0, 0, 3))
	assert.LessOrEqual(t, transport.Backoff(time.Hour, time.Hour, 1000), time.Hour, "no overflow")
	// Jitter: not always the same value.
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[transport.Backoff(time.Second, time.Second, 0)] = true
	}
	assert.Greater(t, len(seen), 1)
}

func TestRetryAfterParse(t *testing.T) {
	now := time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"5", 5 * time.Second, true},
		{" 5 ", 5 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"Mon, 30 Mar 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Monday, 30-Mar-26 12:01:00 GMT", time.Minute, true}, // RFC 850
		{"Mon Mar 30 12:00:10 2026", 10 * time.Second, true},  // asctime
		{"Mon, 30 Mar 2026 11:00:00 GMT", 0, true},            // past
		{"tomorrow", 0, false},
		{"99999999999999999999", 0, false},
		{"9999999999", time.Duration(1<<31) * time.Second, true},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.v != "" {
			h.Set("Retry-After", tt.v)
		}
		got, ok := transport.RetryAfter(h, now)
		assert.Equal(t, tt.ok, ok, "%q", tt.v)
		assert.Equal(t, tt.want, got, "%q", tt.v)
	}
}
