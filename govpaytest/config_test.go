package govpaytest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/govpaygo/govpay"
	gpconfig "github.com/govpaygo/govpay/internal/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sendWith sends a GET to url with the client and the credentials headers
// of cfg, as the SDK's transport does, and returns the status.
func sendWith(t *testing.T, cfg *govpay.Config, url string) int {
	t.Helper()
	sh := gpconfig.Of(cfg)
	require.NotNil(t, sh)
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if sh.Settings.Auth != nil {
		for k, vs := range sh.Settings.Auth.Headers {
			req.Header[k] = append([]string(nil), vs...)
		}
	}
	req.Header.Set("Accept", "application/json")
	r, err := sh.HTTPClient.Do(req)
	require.NoError(t, err)
	defer r.Body.Close()
	_, _ = io.Copy(io.Discard, r.Body)
	return r.StatusCode
}

// TestConfigReachesEveryAPI: a client built from the base URLs of
// Server.Config (gpconfig.Of(cfg).BaseURL, as every SDK package builds its
// own) reaches API Pendenze v2, API Pagamento v2 and API Ragioneria v3 of
// the fake, with the fake's credentials when it has some and with
// DefaultUser's otherwise (GovPay has no "public" API Pendenze).
func TestConfigReachesEveryAPI(t *testing.T) {
	apis := []struct {
		api     string
		version int
		path    string
		op      Operation
	}{
		{"pendenze", 2, "/pendenze", OpListPendenze},
		{"pagamento", 2, "/pagamenti", OpListPagamenti},
		{"ragioneria", 3, "/ricevute", OpListRicevute},
	}
	for _, withAuth := range []bool{true, false} {
		var opts []Option
		seg := "basic"
		if withAuth {
			opts = append(opts, WithBasicAuth("A2A-1", "s3cret"))
		}
		s := NewServer(opts...)
		cfg := s.Config()
		for _, a := range apis {
			t.Run(fmt.Sprintf("%s/auth=%v", a.api, withAuth), func(t *testing.T) {
				base := gpconfig.Of(cfg).BaseURL(a.api, a.version)
				assert.True(t, strings.HasPrefix(base, s.URL+"/govpay/"), base)
				assert.True(t, strings.HasSuffix(base, fmt.Sprintf("/rs/%s/v%d", seg, a.version)), base)
				s.ResetRequests()
				require.Equal(t, http.StatusOK, sendWith(t, cfg, base+a.path))
				reqs := s.Requests()
				require.Len(t, reqs, 1)
				assert.Equal(t, a.op, reqs[0].Operation)
				if withAuth {
					// The same URL without the fake's credentials is refused:
					// the 200 above came from them.
					bare, err := govpay.NewConfig(s.URL)
					require.NoError(t, err)
					assert.Equal(t, http.StatusUnauthorized, sendWith(t, bare, base+a.path))
				}
			})
		}
		s.Close()
	}
}

func TestConfigOptions(t *testing.T) {
	s := NewServer()
	defer s.Close()
	cfg := s.Config(govpay.WithAPIKey("A2A-1", "k3y"), govpay.WithUserAgent("prova/1.0"))
	base := gpconfig.Of(cfg).BaseURL("pendenze", 2)
	assert.Equal(t, s.URL+"/govpay/backend/api/pendenze/rs/apikey/v2", base, "the caller's options decide the segment")
	assert.Equal(t, http.StatusOK, sendWith(t, cfg, base+"/pendenze"))
	assert.NotContains(t, cfg.String(), "k3y")

	moved := s.Config(govpay.WithEndpoint(govpay.APIPendenze, s.URL+"/govpay/backend/api/pendenze/rs/oauth2/v2"))
	assert.Equal(t, s.URL+"/govpay/backend/api/pendenze/rs/oauth2/v2", gpconfig.Of(moved).BaseURL("pendenze", 2))
	assert.Equal(t, http.StatusOK, sendWith(t, moved, gpconfig.Of(moved).BaseURL("pendenze", 2)+"/pendenze"))
}

func TestConfigPanicsOnProgrammerError(t *testing.T) {
	s := NewServer(WithBasicAuth("A2A-1", "s3cret"))
	defer s.Close()
	var msg string
	func() {
		defer func() { msg = fmt.Sprint(recover()) }()
		s.Config(govpay.WithBearerToken("t0ken"))
	}()
	assert.Contains(t, msg, "WithBearerToken", "a second header-based authentication conflicts with the server's")
	assert.NotContains(t, msg, "s3cret")
	assert.NotContains(t, msg, "t0ken")

	u := NewUnstartedServer()
	defer u.Close()
	assert.Panics(t, func() { u.Config() }, "no URL before Start")
	require.NoError(t, u.Start(""))
	assert.Equal(t, u.URL, strings.TrimSuffix(gpconfig.Of(u.Config()).Host, "/"))

	p := NewUnstartedServer(WithPublicURL("http://govpay.example.it:8081/"))
	defer p.Close()
	assert.Equal(t, "http://govpay.example.it:8081/govpay/frontend/api/pagamento/rs/basic/v2",
		gpconfig.Of(p.Config()).BaseURL("pagamento", 2), "DefaultUser's credentials")
	assert.Equal(t, "http://govpay.example.it:8081/govpay/frontend/api/pagamento/rs/apikey/v2",
		gpconfig.Of(p.Config(govpay.WithAPIKey("A2A-1", "k3y"))).BaseURL("pagamento", 2), "the caller's credentials")
}
