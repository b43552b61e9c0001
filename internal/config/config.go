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
	// Mode names the mode in messages: "basic", "api-key", "principal",
	// "spid", "bearer", "ssl-header".
	Mode string
	// Headers are set on every request (canonical keys).
	Headers http.Header
	// Secret marks the headers whose values are credentials.
	Secret map[string]bool
	// Secrets are the raw secret values, redacted from every error and log
	// line.
	Secrets []string
}

// Retry is the resolved retry policy (see govpay.RetryPolicy).
type Retry struct {
	MaxAttempts   int           // total attempts, the first included
	MinBackoff    time.Duration // first backoff
	MaxBackoff    time.Duration // backoff cap
	MaxRetryAfter time.Duration // longest Retry-After honoured
}

// Config is what the options produce. The zero Config is valid: no
// authentication, default client, default retry policy, no logging.
type Config struct {
	// Auth is the header-based authentication mode, nil for none.
	Auth *HeaderAuth
	// ClientCerts are TLS client certificates.
	ClientCerts []tls.Certificate
	// HTTPClient is a copy of the caller's client, nil for the default.
	HTTPClient *http.Client
	// Retry is the retry policy, nil for the default.
	Retry *Retry
	// Logger receives request logs, nil for none.
	Logger *slog.Logger
	// UserAgent is the product prepended to the SDK's User-Agent.
	UserAgent string
	// AllowInsecureRedirect lets payment starts accept a plain-http redirect
	// (test environments only).
	AllowInsecureRedirect bool
	// Endpoints are the base URLs given with govpay.WithEndpoint, by API
	// name ("pendenze"), without a trailing slash.
	Endpoints map[string]string
}
