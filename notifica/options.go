package notifica

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// DefaultMaxBodyBytes is the largest request body the handler reads unless
// [WithMaxBodyBytes] says otherwise: 1 MiB.
const DefaultMaxBodyBytes int64 = 1 << 20

// Option configures the handler built by [NewHandler]. Options validate
// their arguments: a bad option makes NewHandler return an error.
type Option func(*settings) error

// credential is a pair of secrets, kept only as SHA-256 digests so that
// they can be compared in constant time whatever their length and never
// appear in a %v of the handler.
type credential struct {
	id, secret [32]byte
}

type settings struct {
	basic         []credential
	apiKeys       []credential
	headerSecrets map[string][][32]byte // canonical header name → accepted values
	headerOrder   []string
	certSubjects  map[string]bool
	bearer        func(ctx context.Context, token string) error
	noAuth        bool

	dedup    Deduplicator
	maxBody  int64
	logger   *slog.Logger
	verifica int // 1 or 2: the API Ente version of verification answers
}

func digest(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// WithBasicAuth requires HTTP Basic authentication with user and password,
// compared in constant time. Repeat the option to accept several pairs (to
// rotate a password without downtime).
func WithBasicAuth(user, password string) Option {
	return func(s *settings) error {
		if user == "" || password == "" {
			return errors.New("notifica: WithBasicAuth: user and password must not be empty")
		}
		if strings.Contains(user, ":") {
			return errors.New("notifica: WithBasicAuth: the user must not contain ':'")
		}
		s.basic = append(s.basic, credential{digest(user), digest(password)})
		return nil
	}
}

// WithAPIKey requires GovPay's application key headers X-APP-ID and
// X-API-KEY, compared in constant time. Repeat the option to accept several
// pairs.
func WithAPIKey(appID, key string) Option {
	return func(s *settings) error {
		if appID == "" || key == "" {
			return errors.New("notifica: WithAPIKey: app id and key must not be empty")
		}
		s.apiKeys = append(s.apiKeys, credential{digest(appID), digest(key)})
		return nil
	}
}

// WithHeaderSecret requires the header name to carry value (GovPay's
// connectors can send a fixed header), compared in constant time. Repeat
// the option with the same name to accept several values, with another
// name to require another header too.
func WithHeaderSecret(name, value string) Option {
	return func(s *settings) error {
		if !validHeaderName(name) {
			return fmt.Errorf("notifica: WithHeaderSecret: %q is not a valid header name", name)
		}
		if value == "" {
			return errors.New("notifica: WithHeaderSecret: the value must not be empty")
		}
		canon := http.CanonicalHeaderKey(name)
		if s.headerSecrets == nil {
			s.headerSecrets = map[string][][32]byte{}
		}
		if _, ok := s.headerSecrets[canon]; !ok {
			s.headerOrder = append(s.headerOrder, canon)
		}
		s.headerSecrets[canon] = append(s.headerSecrets[canon], digest(value))
		return nil
	}
}

// WithClientCertificateSubjects requires a TLS client certificate, verified
// by the server's tls.Config (ClientAuth VerifyClientCertIfGiven or
// RequireAndVerifyClientCert), whose subject is one of subjects, written as
// x509.Certificate.Subject.String() does ("CN=govpay,O=Ente,C=IT"). A
// certificate that the TLS layer did not verify is never accepted. Use it
// when Go terminates mTLS; behind a TLS-terminating proxy, authenticate the
// proxy instead (for example with [WithHeaderSecret]).
func WithClientCertificateSubjects(subjects ...string) Option {
	return func(s *settings) error {
		if len(subjects) == 0 {
			return errors.New("notifica: WithClientCertificateSubjects: no subject given")
		}
		if s.certSubjects == nil {
			s.certSubjects = map[string]bool{}
		}
		for _, sub := range subjects {
			if strings.TrimSpace(sub) == "" {
				return errors.New("notifica: WithClientCertificateSubjects: empty subject")
			}
			s.certSubjects[sub] = true
		}
		return nil
	}
}

// WithBearerCheck requires "Authorization: Bearer <token>" and calls check
// to validate the token (a JWT verification, an introspection call…); a
// non-nil error refuses the request with 401. check must be safe for
// concurrent use; its error is logged, never sent.
func WithBearerCheck(check func(ctx context.Context, token string) error) Option {
	return func(s *settings) error {
		if check == nil {
			return errors.New("notifica: WithBearerCheck: nil check")
		}
		s.bearer = check
		return nil
	}
}

// WithNoAuthentication accepts requests without any credential. NewHandler
// refuses to build a handler without authentication unless this option is
// given: use it only when something in front of the handler (a proxy doing
// mTLS, a private network) authenticates GovPay.
func WithNoAuthentication() Option {
	return func(s *settings) error {
		s.noAuth = true
		return nil
	}
}

// WithDeduplicator makes duplicate deliveries of a notification answer 2xx
// without calling the Receiver again (see [Deduplicator]).
func WithDeduplicator(d Deduplicator) Option {
	return func(s *settings) error {
		if d == nil {
			return errors.New("notifica: WithDeduplicator: nil deduplicator")
		}
		s.dedup = d
		return nil
	}
}

// WithMaxBodyBytes sets the largest request body accepted (default
// [DefaultMaxBodyBytes]); a larger body is answered 413.
func WithMaxBodyBytes(n int64) Option {
	return func(s *settings) error {
		if n <= 0 {
			return fmt.Errorf("notifica: WithMaxBodyBytes: %d is not a positive size", n)
		}
		s.maxBody = n
		return nil
	}
}

// WithLogger logs authentication failures, malformed requests, receiver
// errors and panics to l. Nothing is logged by default. Credentials are
// never logged; payment data is limited to identifiers (idDominio, iuv,
// idRicevuta, the idempotency key).
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		s.logger = l
		return nil
	}
}

// WithVerificaV1 answers the verification calls in the API Ente v1 form
// (a flat pendenzaVerificata, status 201, bollo "Imposta di bollo",
// tipoContabilita ENTRATA for CAPITOLO, datiAllegati as a string) instead
// of the v2 form. Set it when GovPay's connector for the vertical system is
// configured with API version 1. Notifications are recognised by their path
// and need no option.
func WithVerificaV1() Option {
	return func(s *settings) error {
		s.verifica = 1
		return nil
	}
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
