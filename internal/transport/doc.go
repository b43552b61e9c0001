// Package transport is the HTTP layer under every SDK client: base URL
// handling, authentication, retries (on hashicorp/go-retryablehttp),
// redirects never followed, explicit Accept, bounded reads, FaultBean
// decoding into *govpay.Error, secret redaction and logging.
//
// # Requests
//
// A [Client] is built once per base URL with [New] and used concurrently.
// [Client.Do] sends a [Request] whose Path is relative to the base URL (build
// it with [Path], which escapes each segment) and returns the answer when its
// status is below 400; the caller decodes it with [DecodeJSON] or
// [ReadBody], or discards it with [Drain].
//
// # Errors
//
// An answer of 400 or more becomes a *govpay.Error (FaultBean decoded
// whatever the content type; anything else kept as an excerpt of at most
// [ExcerptLen] characters, read through a [MaxErrorBody] limit). A failed
// exchange becomes a *govpay.NetworkError, a body that cannot be decoded a
// *govpay.DecodeError. Credentials are removed from all of them.
//
// # Retries
//
// Idempotent methods are retried on connection errors, 429, 502, 503 and
// 504, with capped exponential backoff and jitter, honouring Retry-After up
// to the policy's limit; POST and PATCH never are. Waits end with the
// request's context.
package transport
