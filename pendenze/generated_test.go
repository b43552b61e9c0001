package pendenze

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	gen "github.com/govpaygo/govpay/internal/gen/pendenze"
	"github.com/govpaygo/govpay/internal/transport"
)

// TestSendsThroughGeneratedClient: every operation of the client sends
// through the generated API Pendenze v2 client, over the transport's Doer,
// rooted at the base URL (with the trailing slash that keeps its last
// segment); under the deep base path of the harness (which fails a request
// outside it and strips it), path values that need
// escaping arrive escaped, and the query is the generated one (its
// parameters in the spec's order, which url.Values would have sorted).
func TestSendsThroughGeneratedClient(t *testing.T) {
	h := setup(t)
	g, ok := h.client.api.(*gen.Client)
	require.True(t, ok, "api is %T, want the generated *pendenze.Client", h.client.api)
	assert.Equal(t, h.server.URL+basePath+"/", g.Server)
	assert.IsType(t, transport.Doer{}, g.Client)

	var seen atomic.Value
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Method + " " + r.URL.EscapedPath() + "?" + r.URL.RawQuery)
		switch r.Method {
		case http.MethodPut:
			writeJSON(w, http.StatusCreated, caricataJSON)
		default:
			w.Header().Set("Content-Type", "application/pdf")
			io.WriteString(w, "%PDF-1.4")
		}
	})
	_, err := h.client.GetRT(context.Background(), "01234567890", "RF 23/1", "n/a", FormatoPDF)
	require.NoError(t, err)
	assert.Equal(t, "GET /rpp/01234567890/RF%2023%2F1/n%2Fa/rt?", seen.Load())

	_, err = h.client.Put(context.Background(), "A2A-1", "P-1", validPendenza(), WithStampaAvviso(), WithoutAvvisatura())
	require.NoError(t, err)
	assert.Equal(t, "PUT /pendenze/A2A-1/P-1?stampaAvviso=true&dataAvvisatura=MAI", seen.Load())
}

// TestRTRefusesDotSegments: a dot segment as iuv or ccp would be resolved
// away by the URL (naming another resource): it is refused before the wire.
func TestRTRefusesDotSegments(t *testing.T) {
	h := setup(t)
	for _, c := range []struct{ iuv, ccp, field string }{{"..", "1", "iuv"}, {"RF23", ".", "ccp"}, {"RF23", "..", "ccp"}} {
		_, err := h.client.GetRT(context.Background(), "01234567890", c.iuv, c.ccp, FormatoJSON)
		var ve *govpay.ValidationError
		require.ErrorAs(t, err, &ve, "%q/%q", c.iuv, c.ccp)
		require.Len(t, ve.Violations, 1)
		assert.Equal(t, c.field, ve.Violations[0].Field)
	}
	assert.Zero(t, h.hits.Load(), "nothing may be sent")
}

// TestListRefusesTimesOutOfForm: a time whose year in Europe/Rome GovPay's
// form cannot write is refused, naming the parameter, before anything is
// sent (the generated client could not put it in the query).
func TestListRefusesTimesOutOfForm(t *testing.T) {
	h := setup(t)
	far := govpay.NewDateTime(time.Date(10000, 1, 1, 12, 0, 0, 0, time.UTC))
	check := func(err error, field string) {
		t.Helper()
		var ve *govpay.ValidationError
		require.ErrorAs(t, err, &ve)
		require.Len(t, ve.Violations, 1)
		assert.Equal(t, field, ve.Violations[0].Field)
	}
	for _, err := range h.client.List(context.Background(), ListOptions{DataA: far}) {
		check(err, "dataA")
	}
	for _, err := range h.client.ListRPP(context.Background(), RPPListOptions{DataRtDa: far}) {
		check(err, "dataRtDa")
	}
	assert.Zero(t, h.hits.Load(), "nothing may be sent")
}
