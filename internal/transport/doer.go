package transport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/govpaygo/govpay"
)

// callKey is the context key of the call settings a generated client's
// request carries (see WithCall).
type callKey struct{}

// WithCall returns ctx carrying the settings of one call made through a
// generated client: r's Operation, Accept, Header, NoRetry, Secrets,
// AcceptRedirect and Stream apply to the request the generated client
// builds with that context. r's Method, Path, Query, Body and ContentType
// are ignored: the generated client sets them (paths, path escaping and
// query parameters come from our specs in api/).
func WithCall(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, callKey{}, &r)
}

// Doer sends the requests of a generated client (internal/gen/…) through
// the client: authentication, retries of idempotent requests, redaction
// and error mapping exactly as [Client.Do]. It implements the generated
// packages' HttpRequestDoer. A 3xx is an error unless the call accepts it,
// and redirects are never followed.
type Doer struct{ c *Client }

// Doer returns the HttpRequestDoer to build a generated client with:
//
//	gen.NewClient(tc.BaseURL()+"/", gen.WithHTTPClient(tc.Doer()))
//
// (the trailing slash keeps the base URL's last path segment: oapi-codegen
// resolves operation paths relative to the server URL).
func (c *Client) Doer() Doer { return Doer{c: c} }

// Do sends req, built by a generated client with a context from
// [WithCall]. Its body is read in full first, so that a retry sends it
// again; the answer and the errors are those of [Client.Do].
func (d Doer) Do(req *http.Request) (*http.Response, error) {
	if req == nil || req.URL == nil {
		return nil, errors.New("govpay: nil request")
	}
	ctx := req.Context()
	var r Request
	if call, ok := ctx.Value(callKey{}).(*Request); ok && call != nil {
		r = *call
	}
	r.Method = req.Method
	r.Path, r.Query = "", nil
	if r.Operation == "" {
		r.Operation = req.Method + " " + req.URL.Path
	}
	target := req.URL.String()
	if !strings.HasPrefix(target, d.c.base+"/") {
		// A dot segment in a path value resolves outside the API: refuse
		// it rather than send a request for another resource.
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &govpay.NetworkError{Operation: r.Operation, Method: req.Method, URL: d.c.redactor.url(req.URL),
			Err: errors.New("the request's URL is outside the client's base URL (a dot segment in a path value?): not sent")}
	}
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		r.Body = b
		if r.Body == nil {
			r.Body = []byte{}
		}
	} else {
		r.Body = nil
	}
	r.ContentType = req.Header.Get("Content-Type")
	if len(req.Header) > 0 {
		h := r.Header.Clone()
		if h == nil {
			h = http.Header{}
		}
		for k, vs := range req.Header {
			if k == "Content-Type" || k == "Accept" && r.Accept != "" {
				continue
			}
			h[k] = append([]string(nil), vs...)
		}
		if r.Accept == "" {
			r.Accept = h.Get("Accept")
			h.Del("Accept")
		}
		r.Header = h
	}
	return d.c.do(ctx, &r, target)
}
