package ricevute

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	gen "github.com/govpaygo/govpay/internal/gen/ragioneria"
)

// TestNew: the base URL is the Config's for API Ragioneria v3, and the
// generated client sends under it; a nil Config gives a client that sends
// nothing and answers every call with a *govpay.ValidationError (What
// "config"), after the arguments are checked.
func TestNew(t *testing.T) {
	cfg, err := govpay.NewConfig("https://govpay.example.it/", govpay.WithBasicAuth("portale", "s3cret"))
	require.NoError(t, err)
	c := New(cfg)
	require.Equal(t, "https://govpay.example.it/govpay/backend/api/ragioneria/rs/basic/v3", c.tc.BaseURL())
	g, ok := c.api.(*gen.Client)
	require.True(t, ok)
	require.Equal(t, "https://govpay.example.it/govpay/backend/api/ragioneria/rs/basic/v3/", g.Server)

	var ve *govpay.ValidationError
	_, err = New(nil).Find(t.Context(), "01234567890", "01000000000001861")
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "config", ve.What)
	_, err = New(nil).Get(t.Context(), "01234567890", "01000000000001861", "r1")
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "config", ve.What)
	_, err = New(nil).PDF(t.Context(), "01234567890", "01000000000001861", "r1")
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "config", ve.What)
	// Bad arguments are reported before the missing configuration.
	_, err = New(nil).Find(t.Context(), "1", "01000000000001861")
	require.ErrorAs(t, err, &ve)
	require.True(t, ve.Has("idDominio"))
}
