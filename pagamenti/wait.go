package pagamenti

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/transport"
)

// WaitOptions tunes Client.Wait.
type WaitOptions struct {
	// MinInterval is the first pause between two reads (1 s when zero);
	// pauses double up to MaxInterval (15 s when zero), with jitter.
	MinInterval time.Duration
	MaxInterval time.Duration
}

// Wait reads the payment id (legacy mode) until its state is terminal
// (ESEGUITO, NON_ESEGUITO, ESEGUITO_PARZIALE, ANNULLATO, FALLITO; see
// StatoPagamento.Terminal) and returns it. IN_CORSO and unknown states keep
// it waiting, with pauses growing from MinInterval to MaxInterval.
//
// Bound it with the context: when ctx ends, Wait returns the last payment
// read (nil if none) together with an error wrapping ctx.Err(). Temporary
// failures (network errors, 429, 5xx, after the client's own retries) do
// not end the wait; any other error (404, 401, an undecodable answer) is
// returned at once. A 429 or 503 whose Retry-After asks for longer than the
// next pause (beyond the client's RetryPolicy.MaxRetryAfter, which the
// client's own retries do not wait) makes Wait pause that long, or until
// ctx ends, before reading again.
func (c *Client) Wait(ctx context.Context, id string, o WaitOptions) (*Pagamento, error) {
	if ctx == nil {
		return nil, errNilContext
	}
	if err := checkPathID("id", id); err != nil {
		return nil, err
	}
	minI, maxI := o.MinInterval, o.MaxInterval
	if minI <= 0 {
		minI = time.Second
	}
	if maxI <= 0 {
		maxI = 15 * time.Second
	}
	if maxI < minI {
		maxI = minI
	}
	var (
		last    *Pagamento
		lastErr error // the last temporary failure
	)
	ended := func() error {
		state := "no state read"
		if last != nil {
			state = "last state " + string(last.Stato)
		}
		if lastErr != nil {
			return fmt.Errorf("pagamenti: waiting for payment %s (%s): %w (last failure: %w)", id, state, ctx.Err(), lastErr)
		}
		return fmt.Errorf("pagamenti: waiting for payment %s (%s): %w", id, state, ctx.Err())
	}
	for attempt := 0; ; attempt++ {
		p, err := c.Get(ctx, id)
		switch {
		case err == nil:
			last, lastErr = p, nil
			if p.Stato.Terminal() {
				return p, nil
			}
		case ctx.Err() != nil:
			return last, ended()
		case temporary(err):
			lastErr = err
		default:
			return last, err
		}
		if !transport.Sleep(ctx, pause(lastErr, transport.Backoff(minI, maxI, attempt))) {
			return last, ended()
		}
	}
}

// pause is the wait before the next read: backoff, or the Retry-After of
// the last failure when it asks for longer (a 429 or 503 whose delay went
// beyond the retry policy's MaxRetryAfter reaches Wait unretried, and
// polling sooner than the server asked would only be refused again).
func pause(lastErr error, backoff time.Duration) time.Duration {
	var ge *govpay.Error
	if errors.As(lastErr, &ge) && ge.RetryAfter > backoff {
		return ge.RetryAfter
	}
	return backoff
}

// temporary reports whether a failed read may succeed later.
func temporary(err error) bool {
	var ne *govpay.NetworkError
	if errors.As(err, &ne) {
		return true
	}
	var ge *govpay.Error
	if errors.As(err, &ge) {
		return ge.StatusCode == 429 || ge.StatusCode >= 500
	}
	return false
}
