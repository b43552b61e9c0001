package pagamenti

import (
	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/transport"
)

// Client calls GovPay's API Pagamento v2, the API of payment portals:
// starting a payment (Start), reading it (Get, GetByIDSession, List, Wait)
// and the payer's debt position (Posizione).
//
// A Client is immutable and safe for concurrent use; create one per base URL
// and reuse it.
type Client struct {
	tc *transport.Client
}

// New returns a client of API Pagamento v2 at baseURL, the full base URL of
// the API, for example
//
//	https://govpay.example.it/govpay/frontend/api/pagamento/rs/basic/v2
//
// (see govpay.BaseURL). Options set authentication, the HTTP client, the
// retry policy of the reads, logging, and govpay.WithInsecureRedirect for
// test environments whose payment pages are served over plain http. An
// invalid base URL or option is reported here, before any request.
func New(baseURL string, opts ...govpay.Option) (*Client, error) {
	tc, err := transport.New(baseURL, opts)
	if err != nil {
		return nil, err
	}
	return &Client{tc: tc}, nil
}

// BaseURL returns the client's base URL, without a trailing slash.
func (c *Client) BaseURL() string { return c.tc.BaseURL() }
