package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// checkRetry decides, for an idempotent request, whether to try again:
// connection errors, 429, 502, 503 and 504 are retried; a Retry-After longer
// than the policy allows ends the retries; a done context ends them at once.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		return retryableNetErr(err), err
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		if d, ok := RetryAfter(resp.Header, time.Now()); ok && d > c.policy.MaxRetryAfter {
			return false, nil
		}
		return true, nil
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return true, nil
	}
	return false, nil
}

func retryableNetErr(err error) bool {
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) {
		return false
	}
	var rh tls.RecordHeaderError // the server does not speak TLS
	if errors.As(err, &rh) {
		return false
	}
	s := err.Error()
	// url.Error for a malformed request, an unsupported scheme or a
	// redirect policy: repeating cannot help.
	if strings.Contains(s, "unsupported protocol scheme") || strings.Contains(s, "invalid header") {
		return false
	}
	return true
}

// backoff returns the wait before attempt n+1: the server's Retry-After on a
// 429 or 503, otherwise an exponential delay from min to max with jitter
// (half fixed, half random).
func (c *Client) backoff(min, max time.Duration, n int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := RetryAfter(resp.Header, time.Now()); ok {
			return d
		}
	}
	return Backoff(min, max, n)
}

// Backoff returns the capped exponential delay of attempt n (0-based) with
// jitter: a value in [d/2, d] where d = min·2ⁿ capped at max.
func Backoff(min, max time.Duration, n int) time.Duration {
	if max <= 0 {
		return 0
	}
	d := min
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	if d > max || d <= 0 {
		d = max
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(d-half+1)
}

// Sleep waits d or until ctx ends, whichever comes first, and reports
// whether d elapsed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// RetryAfter parses a Retry-After header in either form (delay in seconds,
// or an HTTP date). A date in the past gives 0.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > 1<<31 {
			secs = 1 << 31
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
