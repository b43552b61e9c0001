package govpaytest

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	sdkconfig "github.com/govpaygo/govpay/internal/config"
)

// Routing.
//
// The fake routes with an http.ServeMux: one method + path pattern per
// route (the table is Server.routes, in pendenze.go), "{name}" wildcards
// read with r.PathValue. It does not use the std-http server interfaces
// generated in internal/gen/*: their wrappers bind path and query
// parameters with the types of the published spec and answer binding
// errors in their own shape, before any handler runs, whereas the fake must
// accept what GovPay 3.9.1 accepts and refuse it with GovPay's FaultBeans;
// they also leave out operations the fake serves (GET /rpp/{…} and /rpt of
// API Pendenze) and know nothing of authentication, recording or fault
// injection.
//
// Before the mux sees a request, router.ServeHTTP
//
//   - refuses a path whose segments are not valid percent-encoding or,
//     decoded, not valid UTF-8 (400 SINTASSI), and a path that is not
//     canonical (empty, "." or ".." segments: 404), which the mux would
//     otherwise redirect;
//   - ignores one trailing slash, as GovPay's JAX-RS runtime does;
//   - finds the GovPay API and authentication segment the path is under, so
//     that authentication comes before routing: under a GovPay API with a
//     known authentication segment, an unauthenticated caller gets 401
//     whatever the rest of the path, as GovPay's spring-security filter
//     chain answers before JAX-RS routes (api-pendenze-applicationContext-
//     security.xml:48-51, intercept-url "/rs/basic/**" isFullyAuthenticated,
//     and the same for every segment). Paths under no GovPay API (including
//     an unknown authentication segment) are answered 404 before
//     authentication, as they were before the mux.
//
// The mux matches literal segments and wildcards on the decoded segments of
// the escaped path, and r.PathValue returns the decoded value: "%2F" inside
// an identifier stays inside it (it is never a separator) and the handlers
// check the decoded value exactly as they check a raw one (checkID refuses
// "/"). A GET route also answers HEAD, as JAX-RS does.

// The authentication segments the fake serves each API under are GovPay
// 3.9.1's (sdkconfig.Served, from the jaxrs:server addresses of each API):
// "spid" and "public" on API Pagamento only. "public" needs no
// credentials, every other segment needs the Basic credentials of
// WithBasicAuth when the server has them (see authenticate). Another
// segment, "public" on API Pendenze for one, is no API: 404, as GovPay's
// servlet answers.

// govpayAPIs are the GovPay APIs the fake serves: the first segments of
// their base paths, before the authentication segment.
var govpayAPIs = [][4]string{
	{"govpay", "backend", "api", "pendenze"},
	{"govpay", "frontend", "api", "pagamento"},
	{"govpay", "backend", "api", "ragioneria"},
}

// route is what the fake needs to serve a matched request.
type route struct {
	op      Operation
	kind    apiKind
	noAuth  bool // answered before authentication
	handler func(c *call)
}

// router is the fake's http.Handler: path checks and the authentication
// scope in front of an http.ServeMux.
type router struct {
	s       *Server
	mux     *http.ServeMux
	methods []string // every method registered, sorted
}

// handle registers one route: method and a ServeMux path pattern with
// {name} wildcards (GovPay routes have the {auth} wildcard after "rs").
// A conflicting pattern panics, as http.ServeMux does: a programmer error
// caught by every test.
func (rt *router) handle(method, pattern string, op Operation, kind apiKind, h func(c *call)) {
	if rt.mux == nil {
		rt.mux = http.NewServeMux()
	}
	if !slices.Contains(rt.methods, method) {
		rt.methods = append(rt.methods, method)
		slices.Sort(rt.methods)
	}
	ro := route{op: op, kind: kind, handler: h}
	rt.mux.HandleFunc(method+" "+pattern, func(w http.ResponseWriter, r *http.Request) {
		auth := ""
		if kind == kindGovPay {
			auth = r.PathValue("auth")
		}
		rt.s.serve(w, r, ro, auth)
	})
}

// origPathKey is the context key of the path as received, when the router
// passes the mux a request with the trailing slash removed.
type origPathKey struct{}

// receivedPath returns the path of r as the client sent it.
func receivedPath(r *http.Request) string {
	if p, ok := r.Context().Value(origPathKey{}).(string); ok {
		return p
	}
	return r.URL.Path
}

// pathSegments splits the escaped path into its decoded segments. bad is
// true when a segment is not valid percent-encoding or, decoded, not valid
// UTF-8; canonical is false when a segment (but the last, a trailing slash)
// is empty or is "." or "..". The leading slash is not a segment; a
// trailing slash is reported by trailing and not included.
func pathSegments(escaped string) (segs []string, trailing, canonical, bad bool) {
	p := strings.TrimPrefix(escaped, "/")
	if p == "" {
		return nil, false, true, false
	}
	if strings.HasSuffix(p, "/") {
		p, trailing = p[:len(p)-1], true
	}
	canonical = true
	for _, raw := range strings.Split(p, "/") {
		if raw == "" || raw == "." || raw == ".." {
			canonical = false
		}
		v, err := url.PathUnescape(raw)
		if err != nil || !utf8.ValidString(v) {
			bad = true
		}
		segs = append(segs, v)
	}
	return segs, trailing, canonical, bad
}

// apiScope tells whether decoded path segments are under one of the GovPay
// APIs ("govpay/backend/api/pendenze/rs/{auth}/…") and, if so, the
// authentication segment and whether the fake knows it.
func apiScope(segs []string) (auth string, underAPI, known bool) {
	if len(segs) < 6 || segs[4] != "rs" {
		return "", false, false
	}
	for _, a := range govpayAPIs {
		if [4]string(segs[:4]) == a {
			served, _ := sdkconfig.Served(a[3])
			return segs[5], true, slices.Contains(served, segs[5])
		}
	}
	return "", false, false
}

// ServeHTTP checks the path, then serves the matched route, or GovPay's
// 404 or 405 (after authentication when the path is under a GovPay API).
func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	segs, trailing, canonical, bad := pathSegments(r.URL.EscapedPath())
	auth, underAPI, known := apiScope(segs)
	miss := route{kind: kindGovPay, noAuth: !underAPI || !known}
	switch {
	case bad:
		// Refused before authentication: it depends on the bytes of the
		// path alone, not on which paths exist.
		miss.noAuth = true
		miss.handler = func(c *call) {
			c.fail(errSintassi("Il percorso della richiesta non è codificato correttamente (percent-encoding UTF-8)"))
		}
		rt.s.serve(w, r, miss, auth)
		return
	case !canonical, underAPI && !known:
		// An unknown authentication segment is no API: 404 before
		// authentication, whatever the method.
		miss.handler = func(c *call) { c.fail(errNotFound("risorsa %s inesistente", r.URL.Path)) }
		rt.s.serve(w, r, miss, auth)
		return
	}
	mr := r
	if trailing {
		u := *r.URL
		u.Path = strings.TrimSuffix(u.Path, "/")
		if u.RawPath != "" {
			u.RawPath = strings.TrimSuffix(u.RawPath, "/")
		}
		mr = r.WithContext(context.WithValue(r.Context(), origPathKey{}, r.URL.Path))
		mr.URL = &u
	}
	if _, pattern := rt.mux.Handler(mr); pattern != "" {
		rt.mux.ServeHTTP(w, mr)
		return
	}
	if allowed := rt.allowed(mr); len(allowed) > 0 {
		miss.handler = func(c *call) {
			c.rep.header.Set("Allow", strings.Join(allowed, ", "))
			c.rep.status = http.StatusMethodNotAllowed
		}
	} else {
		miss.handler = func(c *call) { c.fail(errNotFound("risorsa %s inesistente", r.URL.Path)) }
	}
	rt.s.serve(w, mr, miss, auth)
}

// allowed returns the methods the path of r is served with (HEAD with
// GET), sorted; none when the path is unknown.
func (rt *router) allowed(r *http.Request) []string {
	var out []string
	for _, m := range rt.methods {
		probe := *r
		probe.Method = m
		if _, pattern := rt.mux.Handler(&probe); pattern != "" {
			out = append(out, m)
			if m == http.MethodGet {
				out = append(out, http.MethodHead)
			}
		}
	}
	slices.Sort(out)
	return out
}
