// Package transport is the HTTP layer under every SDK client: base URL
// handling, authentication, retries (on hashicorp/go-retryablehttp),
// redirects never followed, explicit Accept, bounded reads, FaultBean
// decoding into *govpay.Error, secret redaction and logging.
//
// # Requests
//
// A [Client] is built once per API from a govpay.Config's settings with
// [NewClient] (or [ForAPI]), sends through the Config's one *http.Client
// (one connection pool for every client of the Config), and is used
// concurrently.
// [Client.Do] sends a [Request] whose Path is relative to the base URL (build
// it with [Path], which escapes each segment) and returns a 2xx answer, or a
// 3xx when the request sets AcceptRedirect (redirects are never followed);
// the caller decodes it with [DecodeJSON] or [ReadBody], or discards it
// with [Drain]. The body of a 2xx answer to a GET is read in full inside the
// retry loop, so that an answer cut mid-body is retried like a connection
// error.
//
// # Errors
//
// An answer of 400 or more, or a 3xx the request does not accept, becomes a
// *govpay.Error (FaultBean decoded whatever the content type; anything else
// kept as an excerpt of at most [ExcerptLen] characters, read through a
// [MaxErrorBody] limit; the Retry-After of a 429 or 503 kept in RetryAfter).
// A failed exchange becomes a *govpay.NetworkError, a body that cannot be
// decoded a *govpay.DecodeError.
//
// # Redaction
//
// One redactor per request removes the configured credentials and the
// request's Secrets, in every form a server may echo them (raw, HTML-,
// JSON- and URL-escaped, base64, the Basic token, a PEM body and its
// lines), from every text an error or a log line keeps. The response Do
// returns carries that redactor, so the errors built from it afterwards
// ([ErrorFromResponse], [DecodeJSON], [ReadBody], [Incomplete],
// [DecodeFailure], [Redact]) redact the same secrets: callers never build a
// *govpay.Error or *govpay.DecodeError themselves.
//
// # Retries
//
// Idempotent methods are retried on connection errors, 429, 502, 503 and
// 504, with capped exponential backoff and jitter, honouring Retry-After up
// to the policy's limit; POST and PATCH never are. Waits end with the
// request's context.
package transport
