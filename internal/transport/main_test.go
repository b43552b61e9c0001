package transport_test

import (
	"net/http"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/internal/transport"
)

// TestMain fails the package when a test leaves goroutines behind (a
// response body not closed, a retry timer not stopped).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const basePath = testutil.PendenzeBasePath

// fastRetry keeps retry tests fast: 3 attempts, millisecond backoff.
var fastRetry = govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second}

// newClient builds a transport client with the fast retry policy (unless
// opts set another) and closes its idle connections when the test ends.
func newClient(t *testing.T, baseURL string, opts ...govpay.Option) *transport.Client {
	t.Helper()
	return newClientX(t, baseURL, transport.Extra{}, opts...)
}

// newClientX is newClient with what the client adds to its Config's
// settings (extra headers and secrets, no authentication).
func newClientX(t *testing.T, baseURL string, x transport.Extra, opts ...govpay.Option) *transport.Client {
	t.Helper()
	c, err := transport.NewForTest(baseURL, x, append([]govpay.Option{govpay.WithRetry(fastRetry)}, opts...)...)
	if err != nil {
		t.Fatalf("transport.NewForTest: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// subscriptionKey is what the Checkout client adds: its key in a secret
// header.
func subscriptionKey(key string) transport.Extra {
	return transport.Extra{Headers: http.Header{"Ocp-Apim-Subscription-Key": {key}}, Secrets: []string{key}}
}
