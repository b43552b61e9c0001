// Package config holds the resolved settings of an SDK client, filled by the
// govpay.With… options and read by the transport. It imports nothing of the
// SDK, so the root package and the transport can both depend on it.
package config

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"time"
)

// HeaderAuth is one header-based authentication mode: the headers it sets.
// Secret reports which header values must never be logged.
type HeaderAuth struct {
	Mode    string      // "basic", "api-key", "principal", "spid", "bearer", "ssl-header"
	Headers http.Header // set on every request
	Secret  map[string]bool
	Secrets []string // raw secret values, redacted from every error and log line
}

// Retry is the resolved retry policy.
type Retry struct {
	MaxAttempts   int
	MinBackoff    time.Duration
	MaxBackoff    time.Duration
	MaxRetryAfter time.Duration
}

// Config is what the options produce.
type Config struct {
	Auth        *HeaderAuth
	ClientCerts []tls.Certificate
	HTTPClient  *http.Client
	Retry       *Retry
	Logger      *slog.Logger
	UserAgent   string
	// AllowHTTPRedirect lets payment starts accept a plain-http redirect
	// (test environments only).
	AllowInsecureRedirect bool
}
