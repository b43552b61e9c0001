package govpaytest

import "github.com/govpaygo/govpay"

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
// credentials, "public" without any. On a server without WithBasicAuth a
// caller may give any other authentication option (govpay.WithAPIKey →
// "apikey" …): the fake serves every segment and then checks none.
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
	if err != nil {
		panic("govpaytest: Server.Config: " + err.Error())
	}
	return cfg
}
