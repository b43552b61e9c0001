package notifica

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/govpaygo/govpay/internal/verr"
)

// DefaultMaxBodyBytes is the largest request body the handler reads unless
// [WithMaxBodyBytes] says otherwise: 1 MiB.
const DefaultMaxBodyBytes int64 = 1 << 20

// Option configures the handler built by [NewHandler]. Options validate
// their arguments: a bad option makes NewHandler return an error.
//
// That error is a *govpay.ValidationError with What "notifica options"
// (it matches govpay.ErrInvalid), listing every violation of NewHandler's
// arguments. Each violation names its Field in the form the client options
// of package govpay use (see govpay.Option):
//
//   - an argument of an option: the option, a dot and the parameter's name
//     as in the option's signature: "WithBasicAuth.password",
//     "WithHeaderSecret.name", "WithMaxBodyBytes.n"; an element of a
//     variadic argument adds its index: "WithClientCertificateSubjects.subjects[1]";
//   - an option that conflicts with another: the option alone,
//     "WithNoAuthentication", "WithBearerCheck", the rule naming the other;
//   - NewHandler's own arguments: "receiver", and "opts" when no option
//     authenticates GovPay.
//
// The Rule says what the argument must be ("must not be empty"). Neither
// ever holds the value given, so a credential cannot leak through an error.
type Option func(*settings) error

// optionsWhat is the What of the errors of NewHandler and the options.
const optionsWhat = "notifica options"

// invalid returns a *govpay.ValidationError for NewHandler's arguments.
func invalid() *verr.Builder { return verr.New(optionsWhat) }

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
//
// Violations name "WithBasicAuth.user" (empty, with ':') and
// "WithBasicAuth.password" (empty).
func WithBasicAuth(user, password string) Option {
	return func(s *settings) error {
		ve := invalid()
		switch {
		case user == "":
			ve.Add("WithBasicAuth.user", "must not be empty")
		case strings.Contains(user, ":"):
			ve.Add("WithBasicAuth.user", "must not contain ':'")
		}
		if password == "" {
			ve.Add("WithBasicAuth.password", "must not be empty")
		}
		if err := ve.Err(); err != nil {
			return err
		}
		s.basic = append(s.basic, credential{digest(user), digest(password)})
		return nil
	}
}

// WithAPIKey requires GovPay's application key headers X-APP-ID and
// X-API-KEY, compared in constant time. Repeat the option to accept several
// pairs.
//
// Violations name "WithAPIKey.appID" and "WithAPIKey.key" (empty).
func WithAPIKey(appID, key string) Option {
	return func(s *settings) error {
		ve := invalid()
		if appID == "" {
			ve.Add("WithAPIKey.appID", "must not be empty")
		}
		if key == "" {
			ve.Add("WithAPIKey.key", "must not be empty")
		}
		if err := ve.Err(); err != nil {
			return err
		}
		s.apiKeys = append(s.apiKeys, credential{digest(appID), digest(key)})
		return nil
	}
}

// WithHeaderSecret requires the header name to carry value (GovPay's
// connectors can send a fixed header), compared in constant time. Repeat
// the option with the same name to accept several values, with another
// name to require another header too.
//
// Violations name "WithHeaderSecret.name" (empty, not a header name; and
// Authorization together with WithBasicAuth or WithBearerCheck) and
// "WithHeaderSecret.value" (empty).
func WithHeaderSecret(name, value string) Option {
	return func(s *settings) error {
		ve := invalid()
		switch {
		case name == "":
			ve.Add("WithHeaderSecret.name", "must not be empty")
		case !validHeaderName(name):
			ve.Add("WithHeaderSecret.name", "must be a header name (RFC 9110 token characters)")
		}
		if value == "" {
			ve.Add("WithHeaderSecret.value", "must not be empty")
		}
		if err := ve.Err(); err != nil {
			return err
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
//
// Violations name "WithClientCertificateSubjects.subjects" (none given)
// and "WithClientCertificateSubjects.subjects[i]" (blank).
func WithClientCertificateSubjects(subjects ...string) Option {
	return func(s *settings) error {
		ve := invalid()
		if len(subjects) == 0 {
			ve.Add("WithClientCertificateSubjects.subjects", "must list at least one subject")
		}
		for i, sub := range subjects {
			if strings.TrimSpace(sub) == "" {
				ve.Add("WithClientCertificateSubjects.subjects["+strconv.Itoa(i)+"]", "must not be empty")
			}
		}
		if err := ve.Err(); err != nil {
			return err
		}
		if s.certSubjects == nil {
			s.certSubjects = map[string]bool{}
		}
		for _, sub := range subjects {
			s.certSubjects[sub] = true
		}
		return nil
	}
}

// WithBearerCheck requires "Authorization: Bearer <token>" and calls check
// to validate the token (a JWT verification, an introspection call…); a
// non-nil error refuses the request with 401. check must be safe for
// concurrent use; its error is logged, never sent.
//
// A violation names "WithBearerCheck.check" when it is nil, and
// "WithBearerCheck" when [WithBasicAuth] is given too (both need the
// Authorization header).
func WithBearerCheck(check func(ctx context.Context, token string) error) Option {
	return func(s *settings) error {
		if check == nil {
			ve := invalid()
			ve.Add("WithBearerCheck.check", "must not be nil")
			return ve.Err()
		}
		s.bearer = check
		return nil
	}
}

// WithNoAuthentication accepts requests without any credential. NewHandler
// refuses to build a handler without authentication unless this option is
// given: use it only when something in front of the handler (a proxy doing
// mTLS, a private network) authenticates GovPay. Given with an
// authentication option, NewHandler refuses it with the violation
// "WithNoAuthentication".
func WithNoAuthentication() Option {
	return func(s *settings) error {
		s.noAuth = true
		return nil
	}
}

// WithDeduplicator makes duplicate deliveries of a notification answer 2xx
// without calling the Receiver again (see [Deduplicator]).
//
// A violation names "WithDeduplicator.dedup" when it is nil.
func WithDeduplicator(dedup Deduplicator) Option {
	return func(s *settings) error {
		if dedup == nil {
			ve := invalid()
			ve.Add("WithDeduplicator.dedup", "must not be nil")
			return ve.Err()
		}
		s.dedup = dedup
		return nil
	}
}

// WithMaxBodyBytes sets the largest request body accepted (default
// [DefaultMaxBodyBytes]); a larger body is answered 413.
//
// A violation names "WithMaxBodyBytes.n" when it is not positive.
func WithMaxBodyBytes(n int64) Option {
	return func(s *settings) error {
		if n <= 0 {
			ve := invalid()
			ve.Add("WithMaxBodyBytes.n", "must be a positive number of bytes")
			return ve.Err()
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
