package govpaytest

import (
	"github.com/govpaygo/govpay"
	sdkconfig "github.com/govpaygo/govpay/internal/config"
)

// DefaultUser is the Basic user, and password, of the Config that
// [Server.Config] builds for a server without WithBasicAuth when the caller
// gives no credentials.
const DefaultUser = "govpaytest"

// Config returns a [govpay.Config] pointing at the fake: its host is the
// server's URL, so that every client built from it (pendenze.New,
// pagamenti.New, ricevute.New, avvisi.New …) reaches the fake's API under
// GovPay's conventional base URL. When the server was built with
// WithBasicAuth its credentials come first (govpay.WithBasicAuth), then
// opts, the caller's options, in order (retry policy, logger, HTTP client,
// WithEndpoint …).
//
// The authentication segment of the base URLs follows from the
// credentials, as with [govpay.NewConfig]: "basic" with the server's
// credentials. On a server without WithBasicAuth a caller may give any
// authentication option (govpay.WithAPIKey → "apikey" …), which the fake
// accepts without checking; when the caller gives none, the Config gets
// the Basic credentials "govpaytest"/"govpaytest" (any credentials pass
// there), because GovPay serves API Pendenze and API Ragioneria under no
// "public" base URL and their clients would refuse a Config without
// credentials. For an anonymous portal's "public" API Pagamento, build the
// Config with govpay.NewConfig(s.URL).
//
// Config panics when govpay.NewConfig refuses the configuration, which is
// a programmer error: an option that is invalid or conflicts with the
// server's Basic credentials (a second header-based authentication), or a
// server with no URL yet (NewUnstartedServer before Start, without
// WithPublicURL). The panic message is the validation error, which never
// holds a credential.
func (s *Server) Config(opts ...govpay.Option) *govpay.Config {
	var all []govpay.Option
	if s.cfg.auth {
		all = append(all, govpay.WithBasicAuth(s.cfg.user, s.cfg.password))
	}
	all = append(all, opts...)
	s.mu.Lock()
	host := s.URL
	s.mu.Unlock()
	cfg, err := govpay.NewConfig(host, all...)
	if err == nil && !s.cfg.auth && sdkconfig.Of(cfg).Settings.AuthSegment() == "public" {
		cfg, err = govpay.NewConfig(host, append([]govpay.Option{govpay.WithBasicAuth(DefaultUser, DefaultUser)}, all...)...)
	}
	if err != nil {
		panic("govpaytest: Server.Config: " + err.Error())
	}
	return cfg
}
