package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/govpaytest"
)

// syncBuffer is a bytes.Buffer safe for the command's writes and the
// test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p under the lock.
func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns the content written so far.
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var reServing = regexp.MustCompile(`serving on (http://\S+)`)

// startCommand runs the command in-process and returns the portal's URL.
func startCommand(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, &out, &errOut) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Error("the command did not stop")
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if m := reServing.FindStringSubmatch(out.String()); m != nil {
			return m[1], &out
		}
		select {
		case err := <-done:
			t.Fatalf("the command ended: %v\n%s%s", err, out.String(), errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no URL printed within 5 s:\n%s%s", out.String(), errOut.String())
	return "", nil
}

// TestDemoServesThePosition is the scripted check of the README: with no
// GovPay flags the command starts the fake, prints the URL, and the demo
// citizen's debt position is served to a logged-in browser.
func TestDemoServesThePosition(t *testing.T) {
	start := time.Now()
	base, out := startCommand(t, "-addr", "127.0.0.1:0")
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Contains(t, out.String(), "fake GovPay")
	assert.Contains(t, out.String(), govpaytest.DemoCodiceFiscale)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.PostForm(base+"/accedi", url.Values{"cf": {govpaytest.DemoCodiceFiscale}})
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode) // after the 303 to /
	assert.Contains(t, string(body), `id="posizione"`)
	assert.Contains(t, string(body), "TARI 2026")
	assert.Contains(t, string(body), "Da pagare")
}

// TestTwoPortalsShareTheSession: two portals started on one -avvii
// directory (two replicas) share the login: a browser logged in on one is
// logged in on the other.
func TestTwoPortalsShareTheSession(t *testing.T) {
	dir := t.TempDir()
	a, _ := startCommand(t, "-addr", "127.0.0.1:0", "-avvii", dir)
	b, _ := startCommand(t, "-addr", "127.0.0.1:0", "-avvii", dir)
	jar, _ := cookiejar.New(nil) // cookies ignore the port: one browser for both
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.PostForm(a+"/accedi", url.Values{"cf": {govpaytest.DemoCodiceFiscale}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	resp, err = c.Get(b + "/")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), `id="posizione"`, "the second portal knows the session")
	entries, err := os.ReadDir(filepath.Join(dir, "sessioni"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "the session is a file in the subdirectory sessioni")
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"-addr", ln.Addr().String()}, &out, &errOut)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot listen on "+ln.Addr().String())
	assert.Contains(t, err.Error(), "-addr 127.0.0.1:0")
}

func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-mode", "modello1"},
		{"-nosuchflag"},
		{"extra"},
		{"-addr", "127.0.0.1:0", "-govpay", "https://govpay.example.it", "-mode", "checkout"}, // no GOVPAY_CHECKOUT_KEY
	} {
		t.Setenv("GOVPAY_CHECKOUT_KEY", "")
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, &out, &errOut)
		assert.Error(t, err, strings.Join(args, " "))
	}
}

func TestRealGovPayFlags(t *testing.T) {
	// A real GovPay is only configured (no call is made before a page is
	// requested): the portal starts and names the derived base URL.
	t.Setenv("GOVPAY_USER", "portale")
	t.Setenv("GOVPAY_PASSWORD", "segreto")
	_, out := startCommand(t, "-addr", "127.0.0.1:0", "-govpay", "https://govpay.example.it")
	assert.Contains(t, out.String(), "https://govpay.example.it/govpay/frontend/api/pagamento/rs/basic/v2")
	assert.NotContains(t, out.String(), "segreto")
}
