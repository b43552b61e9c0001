package transport_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/transport"
)

// TestForAPIRefusesSegmentsGovPayDoesNotServe: GovPay 3.9.1 serves API
// Pendenze v2 and API Ragioneria v3 under no "public" and no "spid" base
// URL (config.Served). A client of those APIs built from credentials that
// call for one refuses every call with a *govpay.ValidationError naming
// "cfg", and sends nothing; API Pagamento takes every segment; a base URL
// given with WithEndpoint is the caller's choice and is not checked.
func TestForAPIRefusesSegmentsGovPayDoesNotServe(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	spid := govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "RSSMRA80A01H501U"})
	for _, tc := range []struct {
		name    string
		api     govpay.API
		version int
		opts    []govpay.Option
		refused bool
	}{
		{"pendenze/public", govpay.APIPendenze, 2, nil, true},
		{"pendenze/spid", govpay.APIPendenze, 2, []govpay.Option{spid}, true},
		{"pendenze/basic", govpay.APIPendenze, 2, []govpay.Option{govpay.WithBasicAuth("A2A-1", "s3cret")}, false},
		{"pendenze/apikey", govpay.APIPendenze, 2, []govpay.Option{govpay.WithAPIKey("A2A-1", "k3y1")}, false},
		{"pendenze/public with its endpoint", govpay.APIPendenze, 2,
			[]govpay.Option{govpay.WithEndpoint(govpay.APIPendenze, srv.URL+"/proxy/pendenze/v2")}, false},
		{"ragioneria/public", govpay.APIRagioneria, 3, nil, true},
		{"ragioneria/spid", govpay.APIRagioneria, 3, []govpay.Option{spid}, true},
		{"ragioneria/header", govpay.APIRagioneria, 3, []govpay.Option{govpay.WithPrincipalHeader("X-Principal", "A2A-1")}, false},
		{"pagamento/public", govpay.APIPagamento, 2, nil, false},
		{"pagamento/spid", govpay.APIPagamento, 2, []govpay.Option{spid}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := govpay.NewConfig(srv.URL, tc.opts...)
			require.NoError(t, err)
			c := transport.ForAPI(cfg, tc.api, tc.version)
			before := hits.Load()
			resp, err := c.Do(t.Context(), &transport.Request{Operation: "op", Method: http.MethodGet, Path: "x"})
			if !tc.refused {
				require.NoError(t, err)
				transport.Drain(resp)
				assert.Equal(t, before+1, hits.Load())
				assert.NoError(t, c.ConfigError())
				return
			}
			var ve *govpay.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has("cfg"), "%v", err)
			assert.Contains(t, err.Error(), string(tc.api))
			assert.ErrorIs(t, err, govpay.ErrInvalid)
			assert.Equal(t, before, hits.Load(), "nothing sent")
			assert.Equal(t, err, c.ConfigError())
		})
	}
}
