package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/config"
	"github.com/govpaygo/govpay/internal/verr"
)

// Limits on what is read from an answer.
const (
	// MaxErrorBody bounds how much of an error answer is read.
	MaxErrorBody = 64 << 10
	// MaxBody bounds how much of a successful answer is read.
	MaxBody = 64 << 20
)

// Client sends requests under one base URL. It is immutable and safe for
// concurrent use.
type Client struct {
	base     string // scheme://host/path without trailing slash
	hc       *http.Client
	doHC     *http.Client          // what Do sends through: hc, or hc without authTransport (see NewClient)
	next     http.RoundTripper     // under authTransport
	auth     *authTransport        // sets authentication and User-Agent
	rc       *retryablehttp.Client // retries for idempotent requests; nil when disabled
	policy   config.Retry
	log      *slog.Logger
	redactor *redactor
	cfg      config.Config
	noConfig error // the error of every call of a client built from a nil Config
}

// Extra is what one client adds to, or takes from, the settings of its
// govpay.Config.
type Extra struct {
	// NoAuth is for a client that talks to a server other than GovPay
	// (pagoPA Checkout): it leaves out the Config's authentication headers
	// (Basic, API key, bearer, SSL header, principal, SPID) and sends
	// through config.Shared.ForeignHTTPClient, which does not offer the
	// Config's TLS client certificates. Their values are still redacted
	// from errors and logs.
	NoAuth bool
	// Headers are set on every request, after authentication (pagoPA
	// Checkout's Ocp-Apim-Subscription-Key).
	Headers http.Header
	// Secrets are redacted from every error and log line, like the
	// Config's credentials.
	Secrets []string
}

// NewClient builds a client for baseURL, an absolute http or https URL
// already validated (a govpay.Config's base URL, or one checked with
// CheckBaseURL), from s, the settings of a govpay.Config. Every client
// built from one s sends through s.HTTPClient's Transport: one connection
// pool. Authentication, extra headers, User-Agent, logging, redaction and
// retries are layers of each client.
//
// A nil s gives a client whose every call returns a *govpay.ValidationError
// (What "config") without sending anything.
func NewClient(s *config.Shared, baseURL string, x Extra) *Client {
	if s == nil {
		ve := verr.New("config")
		ve.Add("cfg", "must not be nil: build it with govpay.NewConfig")
		return &Client{noConfig: ve.Err(), redactor: newRedactor(config.Config{})}
	}
	cfg := s.Settings
	c := &Client{base: strings.TrimRight(baseURL, "/"), cfg: cfg}
	if cfg.Retry != nil {
		c.policy = *cfg.Retry
	} else {
		p := govpay.DefaultRetryPolicy()
		c.policy = config.Retry{MaxAttempts: p.MaxAttempts, MinBackoff: p.MinBackoff, MaxBackoff: p.MaxBackoff, MaxRetryAfter: p.MaxRetryAfter}
	}
	c.redactor = newRedactor(cfg).with(x.Secrets)
	if cfg.Logger != nil {
		c.log = cfg.Logger
	}
	hc := *s.HTTPClient // the Config's client: its Transport is the pool
	if x.NoAuth && s.ForeignHTTPClient != nil {
		hc = *s.ForeignHTTPClient // no GovPay client certificate
	}
	next := hc.Transport
	ua := "govpay-go/" + govpay.Version
	if cfg.UserAgent != "" {
		ua = cfg.UserAgent + " " + ua
	}
	headers := http.Header{}
	if cfg.Auth != nil && !x.NoAuth {
		for k, vs := range cfg.Auth.Headers {
			headers[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
		}
	}
	for k, vs := range x.Headers {
		headers[http.CanonicalHeaderKey(k)] = append([]string(nil), vs...)
	}
	c.next = next
	c.auth = &authTransport{next: next, headers: headers, ua: ua, log: c.log, redactor: c.redactor}
	hc.Transport = c.auth
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = &hc
	// Do sets the authentication headers and the User-Agent on the
	// requests it builds, so authTransport would pass them on unchanged:
	// without a logger, Do sends them straight to the transport underneath.
	// Besides a call, this spares what net/http does for a RoundTripper it
	// does not know when the client has a Timeout (a timer, a goroutine
	// and a cancel channel per request, instead of a context deadline).
	c.doHC = c.hc
	if c.log == nil {
		direct := hc
		direct.Transport = next
		c.doHC = &direct
	}

	if c.policy.MaxAttempts > 1 {
		c.rc = &retryablehttp.Client{
			HTTPClient:   c.doHC,
			RetryWaitMin: c.policy.MinBackoff,
			RetryWaitMax: c.policy.MaxBackoff,
			RetryMax:     c.policy.MaxAttempts - 1,
			CheckRetry:   c.checkRetry,
			Backoff:      c.backoff,
			ErrorHandler: retryablehttp.PassthroughErrorHandler,
		}
		if c.log != nil {
			c.rc.RequestLogHook = func(_ retryablehttp.Logger, r *http.Request, attempt int) {
				if attempt > 0 {
					red := redactorFrom(r.Context(), c.redactor)
					c.log.LogAttrs(r.Context(), slog.LevelInfo, "govpay: retrying request",
						slog.String("method", r.Method), slog.String("url", red.url(r.URL)), slog.Int("attempt", attempt+1))
				}
			}
		}
	}
	return c
}

// CheckBaseURL validates an absolute http(s) base URL and returns it without
// a trailing slash. Its error is a *govpay.ValidationError (What "options",
// field "baseURL") that never shows the URL, which may hold credentials.
func CheckBaseURL(baseURL string) (string, error) {
	u, err := url.Parse(baseURL)
	switch {
	case baseURL == "":
		return "", invalidOption("baseURL", "must not be empty: an absolute http or https URL")
	case err != nil:
		return "", invalidOption("baseURL", "must be a valid URL: an absolute http or https URL")
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		return "", invalidOption("baseURL", "must be an absolute http or https URL")
	case u.User != nil:
		return "", invalidOption("baseURL", "must not carry credentials")
	case u.RawQuery != "" || u.Fragment != "":
		return "", invalidOption("baseURL", "must not have a query or a fragment")
	}
	return strings.TrimRight(baseURL, "/"), nil
}

// BaseURL returns the client's base URL without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

// Config returns the settings the client was built from.
func (c *Client) Config() config.Config { return c.cfg }

// HTTPClient returns the http.Client requests go through (authentication,
// User-Agent and no-redirect applied; no retries); nil for a client built
// from a nil Config.
func (c *Client) HTTPClient() *http.Client { return c.hc }

// ConfigError returns the error every call of a client built from a nil
// Config returns, nil for any other client.
func (c *Client) ConfigError() error { return c.noConfig }

// CloseIdleConnections closes the idle connections of the client's
// underlying transport (tests use it before checking for leaked
// goroutines). The retry layer does not: a failed request does not empty
// the pool of concurrent ones.
func (c *Client) CloseIdleConnections() {
	type closeIdler interface{ CloseIdleConnections() }
	if ci, ok := c.next.(closeIdler); ok {
		ci.CloseIdleConnections()
	}
}

// Request is one API call.
type Request struct {
	// Operation names the SDK operation for errors and logs ("pendenze.Put").
	Operation string
	// Method is the HTTP method.
	Method string
	// Path is relative to the base URL, each segment already escaped with
	// url.PathEscape ("pendenze/A2A-1/P%2F1"). Use [Path] to build it.
	Path string
	// Query is encoded after the path.
	Query url.Values
	// Body is sent as is, in full on every attempt; nil for none.
	Body []byte
	// ContentType defaults to application/json when Body is not nil.
	ContentType string
	// Accept defaults to application/json.
	Accept string
	// Header holds extra headers.
	Header http.Header
	// NoRetry forbids retries even for a GET or PUT.
	NoRetry bool
	// Secrets are per-request secrets (a payer's credenzialiPagatore, a
	// one-time code): redacted, like the configured credentials and in the
	// same forms, from every error and log line this request produces,
	// including the errors built later from its response (ErrorFromResponse,
	// DecodeJSON, ReadBody, Incomplete, DecodeFailure, Redact). Values
	// shorter than 4 bytes are not redacted.
	Secrets []string
	// AcceptRedirect lets a 3xx answer through to the caller, for the
	// operations answered with a redirect (GovPay's POST /pagamenti in
	// bridge mode, pagoPA Checkout's POST /carts). Without it a 3xx is a
	// *govpay.Error, so that no caller decodes a redirect as a success.
	// Redirects are never followed either way.
	AcceptRedirect bool
	// Stream returns a GET's 2xx body unread, for a caller that decodes it
	// as it arrives (the paginated lists, whose memory must stay bounded
	// by one page rather than by MaxBody): a failure while reading it is
	// the caller's to retry (internal/paginate does).
	Stream bool
}

// Path joins segments, escaping each with url.PathEscape.
func Path(segments ...string) string {
	var buf [8]string
	esc := buf[:0]
	n := len(segments)
	for _, s := range segments {
		e := url.PathEscape(s) // s itself when nothing needs escaping
		esc = append(esc, e)
		n += len(e)
	}
	var b strings.Builder
	b.Grow(n)
	for i, s := range esc {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(s)
	}
	return b.String()
}

// Idempotent reports whether method is safe to repeat: GET, HEAD, PUT,
// DELETE and OPTIONS. POST and PATCH never are.
func Idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// URL returns the absolute URL of r.
func (c *Client) URL(r *Request) string {
	// One concatenation per case: the URL is built on every call.
	hasQuery := len(r.Query) > 0
	switch {
	case r.Path != "" && hasQuery:
		return c.base + "/" + strings.TrimLeft(r.Path, "/") + "?" + r.Query.Encode()
	case r.Path != "":
		return c.base + "/" + strings.TrimLeft(r.Path, "/")
	case hasQuery:
		return c.base + "?" + r.Query.Encode()
	}
	return c.base
}

// Do sends r and returns the answer when its status is 2xx, or 3xx when
// r.AcceptRedirect is set (redirects are never followed). The caller closes
// the body. Any other answer (a 3xx not accepted, 400 or more) becomes a
// *govpay.Error; a failure to exchange the request becomes a
// *govpay.NetworkError, which wraps ctx.Err() when the context ended. Every
// text an error keeps is redacted of the configured credentials and of
// r.Secrets, and so are the errors later built from the returned response
// by this package's helpers.
//
// GET, HEAD, PUT, DELETE and OPTIONS requests are retried per the client's
// policy unless r.NoRetry is set; POST and PATCH requests are sent once.
// The body is sent in full on every attempt.
//
// The body of a 2xx answer to a GET is read in full (at most MaxBody+1
// bytes) before Do returns, inside the retry loop: an answer whose body is
// cut mid-read (connection reset, premature EOF) is retried like a
// connection error, and when no attempt is left (or retries are off) it is
// a *govpay.NetworkError with Sent set. The body of an answer to any other
// method is streamed to the caller and never causes a new attempt.
func (c *Client) Do(ctx context.Context, r *Request) (*http.Response, error) {
	if ctx == nil {
		return nil, errors.New("govpay: nil context")
	}
	if r == nil {
		return nil, errors.New("govpay: nil request")
	}
	return c.do(ctx, r, c.URL(r), nil)
}

// do sends r to target, the absolute URL of the request: c.URL(r), or the
// URL of gen, the request a generated client built (see [Client.Doer]).
// With a gen, the request sent is a copy of gen with r's body and headers
// (see newRequest): its URL is not parsed again from target.
func (c *Client) do(ctx context.Context, r *Request, target string, gen *http.Request) (*http.Response, error) {
	if c.noConfig != nil {
		return nil, c.noConfig
	}
	red := c.redactor
	if len(r.Secrets) > 0 {
		red = c.redactor.with(r.Secrets)
		if red != c.redactor {
			// For the log lines of authTransport and of the retry hook.
			ctx = context.WithValue(ctx, redactorKey{}, red)
		}
	}
	netErr := func(err error, sent bool) error {
		return &govpay.NetworkError{Operation: r.Operation, Method: r.Method, URL: red.str(target), Sent: sent, Err: red.err(err)}
	}
	if err := ctx.Err(); err != nil {
		return nil, netErr(err, false) // nothing was sent
	}
	accept := r.Accept
	if accept == "" {
		accept = "application/json"
	}
	retry := c.rc != nil && !r.NoRetry && Idempotent(r.Method)
	readFirst := r.Method == http.MethodGet && !r.Stream

	var (
		resp *http.Response
		err  error
	)
	if retry {
		var body any
		if r.Body != nil {
			body = r.Body // a []byte: retryablehttp reads it afresh on every attempt
		}
		var hreq *http.Request
		hreq, err = newRequest(ctx, r.Method, target, nil, gen)
		if err != nil {
			return nil, netErr(err, false)
		}
		// As retryablehttp.NewRequestWithContext, without parsing target
		// again: a request without a body, then SetBody.
		var req *retryablehttp.Request
		if req, err = retryablehttp.FromRequest(hreq); err == nil {
			err = req.SetBody(body)
		}
		if err != nil {
			return nil, netErr(err, false)
		}
		setHeaders(req.Header, r, accept)
		c.auth.set(req.Header)
		if readFirst {
			// A read failure goes through checkRetry like a connection
			// error: the attempt is repeated while the policy allows.
			req.SetResponseHandler(readSuccess)
		}
		resp, err = c.rc.Do(req)
	} else {
		var req *http.Request
		req, err = newRequest(ctx, r.Method, target, r.Body, gen)
		if err != nil {
			return nil, netErr(err, false)
		}
		setHeaders(req.Header, r, accept)
		c.auth.set(req.Header)
		resp, err = c.doHC.Do(req)
		if err == nil && readFirst {
			err = readSuccess(resp)
		}
	}
	if err != nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		sent := maybeSent(err)
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr
		}
		return nil, netErr(err, sent)
	}
	if a, ok := resp.Body.(*answer); ok {
		a.red = red // buffered by readSuccess
	} else {
		resp.Body = &answer{rc: resp.Body, red: red}
	}
	if resp.StatusCode >= 400 || resp.StatusCode >= 300 && !r.AcceptRedirect {
		defer resp.Body.Close()
		return nil, errorFromResponse(r.Operation, resp, red)
	}
	return resp, nil
}

// newRequest returns the request to send: with a nil gen, a new request
// for target, with body (none when body is nil), as
// http.NewRequestWithContext builds it; otherwise gen, the request a
// generated client built for target (its URL, Host and Method are kept:
// the URL the generated client parsed is not parsed again), which Doer.Do
// takes over, with ctx (a shallow copy of gen when ctx is not gen's), its
// header emptied, and body set as http.NewRequestWithContext sets a
// *bytes.Reader (Body, GetBody, ContentLength). No URL, request or header
// map allocated: BenchmarkP1Put/impl=sdk (bench/) 171 → 167 allocations,
// P1Start 186 → 182, P1AvvisoGet 139 → 136.
func newRequest(ctx context.Context, method, target string, body []byte, gen *http.Request) (*http.Request, error) {
	if gen == nil {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		return http.NewRequestWithContext(ctx, method, target, rd)
	}
	req := gen
	if ctx != gen.Context() {
		req = gen.WithContext(ctx) // a shallow copy
	}
	req.Method = method
	if req.Header == nil {
		req.Header = make(http.Header)
	} else {
		clear(req.Header)
	}
	req.ContentLength = int64(len(body))
	switch {
	case body == nil:
		req.Body, req.GetBody = nil, nil
	case len(body) == 0:
		req.Body = http.NoBody
		req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
	default:
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	return req, nil
}

// readSuccess reads the body of a 2xx answer in full, at most MaxBody+1
// bytes (a larger body is cut there, for the decoder to refuse), and puts
// it back as an in-memory body. On a read failure the body is closed and
// replaced by an empty one, and the failure is returned.
func readSuccess(resp *http.Response) error {
	if resp.StatusCode < 200 || resp.StatusCode >= 300 || resp.Body == nil || resp.Body == http.NoBody {
		return nil
	}
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= MaxBody {
		buf.Grow(int(n) + bytes.MinRead) // room for the read that sees EOF
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, MaxBody+1))
	resp.Body.Close()
	if err != nil {
		resp.Body = http.NoBody
		return err
	}
	a := &answer{}
	a.buf.Reset(buf.Bytes())
	resp.Body = a
	return nil
}

func setHeaders(h http.Header, r *Request, accept string) {
	for k, vs := range r.Header {
		h[k] = append([]string(nil), vs...)
	}
	h.Set("Accept", accept)
	if r.ContentType != "" {
		h.Set("Content-Type", r.ContentType)
	} else if r.Body != nil {
		h.Set("Content-Type", "application/json")
	}
}

// maybeSent reports whether a failed exchange may have delivered the
// request: false only for failures that certainly happened before writing
// (dial and proxy errors, DNS failures, a server that does not speak TLS, a
// server certificate refused).
func maybeSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect") {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return false
	}
	var rec tls.RecordHeaderError
	if errors.As(err, &rec) {
		return false
	}
	var cv *tls.CertificateVerificationError
	return !errors.As(err, &cv)
}

// authTransport sets authentication, extra headers and User-Agent on a
// clone of every request and logs the exchange without secrets.
type authTransport struct {
	next     http.RoundTripper
	headers  http.Header // canonical keys; never modified
	ua       string
	log      *slog.Logger
	redactor *redactor
}

// set puts the authentication headers and the User-Agent on h, the header
// of a request the transport itself created (so RoundTrip need not clone it).
func (t *authTransport) set(h http.Header) {
	for k, vs := range t.headers {
		h[k] = append([]string(nil), vs...)
	}
	h["User-Agent"] = []string{t.ua}
}

// prepared reports whether h already carries exactly what set puts there.
func (t *authTransport) prepared(h http.Header) bool {
	if ua := h["User-Agent"]; len(ua) != 1 || ua[0] != t.ua {
		return false
	}
	for k, vs := range t.headers {
		got := h[k]
		if len(got) != len(vs) {
			return false
		}
		for i := range vs {
			if got[i] != vs[i] {
				return false
			}
		}
	}
	return true
}

// RoundTrip sends req with the headers set, logging it. A request built by
// Client.Do already carries them and goes out as is; any other request is
// cloned first, as the RoundTripper contract requires.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req
	if !t.prepared(req.Header) {
		r = req.Clone(req.Context())
		t.set(r.Header)
	}
	if t.log == nil {
		return t.next.RoundTrip(r)
	}
	red := redactorFrom(r.Context(), t.redactor)
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("url", red.url(r.URL)),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", red.str(err.Error())))
		t.log.LogAttrs(r.Context(), slog.LevelDebug, "govpay: request failed", attrs...)
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		if id := resp.Header.Get(HeaderIDTransazione); id != "" {
			attrs = append(attrs, slog.String("idTransazione", red.str(id)))
		}
		t.log.LogAttrs(r.Context(), slog.LevelDebug, "govpay: request", attrs...)
	}
	return resp, err
}

// ForAPI builds the client of api at version from cfg, a *govpay.Config:
// its base URL is cfg's for that API (config.Shared.BaseURL), and it sends
// through cfg's one HTTP client. A nil cfg gives a client whose every call
// returns a *govpay.ValidationError (What "config").
//
// A cfg whose credentials call for an authentication segment GovPay does
// not serve api under (API Pendenze and API Ragioneria have no "public"
// and no "spid" base URL: see config.Served) gives, unless the API's base
// URL was given with govpay.WithEndpoint, a client whose every call returns
// a *govpay.ValidationError naming "cfg": GovPay would answer 404, or
// refuse the credentials, to every request.
func ForAPI(cfg *govpay.Config, api govpay.API, version int) *Client {
	s := config.Of(cfg)
	if s == nil {
		return NewClient(nil, "", Extra{})
	}
	if _, given := s.Endpoints[string(api)]; !given {
		seg := s.Settings.AuthSegment()
		if served, known := config.Served(string(api)); known && !slices.Contains(served, seg) {
			ve := verr.New("config")
			ve.Addf("cfg", "GovPay does not serve API %s under the %q authentication of these credentials (it serves it under %s): configure one of those, or give the API's base URL with govpay.WithEndpoint",
				api, seg, strings.Join(served, ", "))
			return &Client{noConfig: ve.Err(), redactor: newRedactor(config.Config{})}
		}
	}
	return NewClient(s, s.BaseURL(string(api), version), Extra{})
}
