package govpay

import (
	"strconv"
	"strings"
)

// API names one of GovPay's integration APIs.
type API string

// GovPay's APIs.
const (
	APIPendenze   API = "pendenze"   // API Pendenze: vertical systems load debts (backend)
	APIPagamento  API = "pagamento"  // API Pagamento: payment portals (frontend)
	APIRagioneria API = "ragioneria" // API Ragioneria: receipts and reconciliation (backend)
	APIBackoffice API = "backoffice" // API Backoffice (backend)
)

// AuthMethod names the authentication segment of a GovPay base URL.
type AuthMethod string

// GovPay's authentication segments.
const (
	AuthBasic  AuthMethod = "basic"  // HTTP Basic: [WithBasicAuth]
	AuthSSL    AuthMethod = "ssl"    // client certificate: [WithClientCertificate] or [WithSSLHeader]
	AuthHeader AuthMethod = "header" // principal in a header: [WithPrincipalHeader], [WithAPIKey]
	AuthSPID   AuthMethod = "spid"   // SPID headers from an authenticating proxy: [WithSPID]
	AuthPublic AuthMethod = "public" // no authentication (public portals)
	AuthOAuth2 AuthMethod = "oauth2" // bearer token: [WithBearerToken]
)

// BaseURL builds the conventional base URL of a GovPay API:
//
//	host + /govpay/{backend|frontend}/api/{api}/rs/{auth}/v{version}
//
// API Pagamento is served under frontend, the others under backend. host is
// scheme and authority ("https://govpay.example.it"); a trailing slash is
// ignored. Deployments differ: every client also accepts a full base URL.
func BaseURL(host string, api API, auth AuthMethod, version int) string {
	side := "backend"
	if api == APIPagamento {
		side = "frontend"
	}
	return strings.TrimRight(host, "/") + "/govpay/" + side + "/api/" + string(api) + "/rs/" + string(auth) + "/v" + strconv.Itoa(version)
}
