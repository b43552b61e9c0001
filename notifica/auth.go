package notifica

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// secretEqual compares a received secret with the digest of the expected
// one in constant time: both sides are hashed first, so neither the
// content nor the length of the expected secret leaks through timing.
// It returns 1 on a match, 0 otherwise.
func secretEqual(received string, want [32]byte) int {
	got := sha256.Sum256([]byte(received))
	return subtle.ConstantTimeCompare(got[:], want[:])
}

// matchPair reports whether (id, secret) matches one of creds. Every pair
// is compared, whether or not an earlier one matched.
func matchPair(creds []credential, id, secret string) bool {
	ok := 0
	for _, c := range creds {
		ok |= secretEqual(id, c.id) & secretEqual(secret, c.secret)
	}
	return ok == 1
}

// matchAny reports whether value matches one of wants.
func matchAny(wants [][32]byte, value string) bool {
	ok := 0
	for _, w := range wants {
		ok |= secretEqual(value, w)
	}
	return ok == 1
}

// authenticate runs every configured check; all must pass. The reason is
// for the log only, never for the answer.
func (h *handler) authenticate(r *http.Request) (ok bool, reason string) {
	s := &h.s
	if len(s.basic) > 0 {
		user, pass, found := r.BasicAuth()
		if !found {
			return false, "basic: no credentials"
		}
		if !matchPair(s.basic, user, pass) {
			return false, "basic: wrong credentials"
		}
	}
	if len(s.apiKeys) > 0 {
		ids, keys := r.Header.Values("X-App-Id"), r.Header.Values("X-Api-Key")
		if len(ids) != 1 || len(keys) != 1 {
			return false, "api key: headers missing or repeated"
		}
		if !matchPair(s.apiKeys, ids[0], keys[0]) {
			return false, "api key: wrong credentials"
		}
	}
	for _, name := range s.headerOrder {
		vals := r.Header.Values(name)
		if len(vals) != 1 {
			return false, "header secret: " + name + " missing or repeated"
		}
		if !matchAny(s.headerSecrets[name], vals[0]) {
			return false, "header secret: wrong value in " + name
		}
	}
	if len(s.certSubjects) > 0 {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
			return false, "client certificate: none verified"
		}
		if !s.certSubjects[r.TLS.VerifiedChains[0][0].Subject.String()] {
			return false, "client certificate: subject not allowed"
		}
	}
	if s.bearer != nil {
		token, found := bearerToken(r.Header.Values("Authorization"))
		if !found {
			return false, "bearer: no token"
		}
		if err := s.bearer(r.Context(), token); err != nil {
			return false, "bearer: refused: " + err.Error()
		}
	}
	return true, ""
}

// bearerToken extracts the token of a single "Authorization: Bearer …"
// header.
func bearerToken(vals []string) (string, bool) {
	if len(vals) != 1 {
		return "", false
	}
	scheme, token, found := strings.Cut(vals[0], " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
