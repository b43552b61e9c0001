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
// again; the answer and the errors are those of [Client.Do]. Do takes req
// over, as the generated clients build one per call and never use it
// again: req itself is sent (its URL is not parsed again), with its header
// replaced by the call's and its body by the bytes read.
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
	if !underBase(target, d.c.base) {
		// A dot segment in a path value resolves outside the API: refuse
		// it rather than send a request for another resource.
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &govpay.NetworkError{Operation: r.Operation, Method: req.Method, URL: d.c.redactor.url(req.URL),
			Err: errors.New("the request's URL is outside the client's base URL (a dot segment in a path value?): not sent")}
	}
	if req.Body != nil && req.Body != http.NoBody {
		b, err := readBody(req)
		if err != nil {
			return nil, err
		}
		r.Body = b
	} else {
		r.Body = nil
	}
	r.ContentType = req.Header.Get("Content-Type")
	r.Header, r.Accept = mergeHeaders(r.Header, r.Accept, req.Header)
	return d.c.do(ctx, &r, target, req)
}

// readBody reads and closes the body of req. A body of known length (the
// generated clients pass a *bytes.Reader, whose length http.NewRequest
// records) is read into one slice of that size, with room for the one-byte
// read that sees its end, rather than grown by io.ReadAll (which starts at
// 512 bytes and grows by copying). With the header sharing below: 176 → 171
// allocations per Put (BenchmarkP1Put/impl=sdk in bench/). Never nil.
func readBody(req *http.Request) ([]byte, error) {
	defer req.Body.Close()
	if n := req.ContentLength; n > 0 && n <= MaxBody {
		b := make([]byte, n, n+1)
		k, err := io.ReadFull(req.Body, b)
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return b[:k], nil // shorter than declared: what there is, as io.ReadAll
		case err != nil:
			return nil, err
		}
		// Whatever follows the declared length is read too, as
		// io.ReadAll would, so that nothing is silently dropped.
		m, err := req.Body.Read(b[n : n+1])
		b = b[:n+int64(m)]
		switch {
		case err == io.EOF:
			return b, nil
		case err != nil:
			return nil, err
		}
		rest, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		return append(b, rest...), nil
	}
	b, err := io.ReadAll(req.Body)
	if b == nil {
		b = []byte{}
	}
	return b, err
}

// underBase reports whether target lies under base, the client's base URL
// (base + "/" + something), without building base + "/" on every call.
func underBase(target, base string) bool {
	return len(target) > len(base) && target[len(base)] == '/' && strings.HasPrefix(target, base)
}

// mergeHeaders returns the headers of one call through a Doer: call's
// (from WithCall) and those of gen, the request a generated client built,
// but Content-Type (sent as Request.ContentType) and Accept; and the
// Accept to send: the call's, else (when gen has headers) gen's, else the
// one in call's headers, else none (setHeaders' default). An Accept left
// in the returned headers does not matter: setHeaders replaces it. call is
// never modified; its slices and gen's are shared, not copied, as
// setHeaders copies them into the request it sends. Nothing is allocated
// when gen carries nothing else (the common case: the generated clients
// set only Content-Type).
func mergeHeaders(call http.Header, accept string, gen http.Header) (http.Header, string) {
	if accept == "" && len(gen) > 0 {
		if a := gen["Accept"]; len(a) > 0 {
			accept = a[0]
		} else if a := call["Accept"]; len(a) > 0 {
			accept = a[0]
		}
	}
	extra := 0
	for k := range gen {
		if k != "Content-Type" && k != "Accept" {
			extra++
		}
	}
	if extra == 0 {
		return call, accept
	}
	h := make(http.Header, len(call)+extra)
	for k, vs := range call {
		h[k] = vs
	}
	for k, vs := range gen {
		if k != "Content-Type" && k != "Accept" {
			h[k] = vs
		}
	}
	return h, accept
}
