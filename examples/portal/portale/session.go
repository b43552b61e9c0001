package portale

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/govpaygo/govpay"
)

// cookieName is the name of the session cookie.
const cookieName = "portale_sessione"

// kind of a cart entry.
const (
	kindPendenza = "pendenza" // a debt of the citizen's position
	kindAvviso   = "avviso"   // a notice typed or read from its QR code
)

// cartItem is one debt in the session's cart, with what the portal shows.
type cartItem struct {
	Kind         string         `json:"kind"`
	IDA2A        string         `json:"idA2A,omitempty"`
	IDPendenza   string         `json:"idPendenza,omitempty"`
	IDDominio    string         `json:"idDominio,omitempty"`
	Ente         string         `json:"ente,omitempty"`
	NumeroAvviso string         `json:"numeroAvviso,omitempty"`
	IUV          string         `json:"iuv,omitempty"`
	Causale      string         `json:"causale,omitempty"`
	Importo      govpay.Importo `json:"importo"`
	Scadenza     govpay.Date    `json:"scadenza,omitzero"`
	// Fonte says how the debt entered the cart (shown to the payer).
	Fonte string `json:"fonte,omitempty"`
}

// Key identifies the debt, to refuse duplicates.
func (it cartItem) Key() string {
	if it.NumeroAvviso != "" {
		return "avviso/" + it.IDDominio + "/" + it.NumeroAvviso
	}
	return "pendenza/" + it.IDA2A + "/" + it.IDPendenza
}

// flash is a one-time message shown on the next page.
type flash struct {
	Kind string `json:"kind"` // "ok", "errore", "info"
	Text string `json:"text"`
	// Details lists the violations of a validation error.
	Details []string `json:"details,omitempty"`
}

// sessionVersion is the version of the stored form of a session.
const sessionVersion = 1

// session is the server-side state of one browser: the login and the cart
// being filled. It is kept in the SessionStore (Config.Sessions) as this
// JSON, not in the memory of a replica: every request that uses it loads
// it, works on it and saves it back when it changed (useSession), so the
// next request may reach any replica. A started payment is kept apart, in
// the AvvioStore (see attempt).
type session struct {
	Version int    `json:"version"`
	ID      string `json:"id"`
	// CF is the codice fiscale (or partita IVA) of the payer logged in.
	CF string `json:"cf"`
	// CSRF is the token every form of the session carries.
	CSRF    string     `json:"csrf"`
	Cart    []cartItem `json:"cart,omitempty"`
	Flashes []flash    `json:"flashes,omitempty"`
	Expires time.Time  `json:"expires"`

	// stored is the JSON the store holds, to save only a changed session.
	stored []byte
	// ended is set by the logout: the session is deleted, not saved.
	ended bool
}

func (s *session) addFlash(kind, text string, details ...string) {
	s.Flashes = append(s.Flashes, flash{Kind: kind, Text: text, Details: details})
}

func (s *session) takeFlashes() []flash {
	f := s.Flashes
	s.Flashes = nil
	return f
}

func (s *session) inCart(key string) bool {
	for i := range s.Cart {
		if s.Cart[i].Key() == key {
			return true
		}
	}
	return false
}

// checkCSRF reports whether the form's token is the session's.
func (s *session) checkCSRF(r *http.Request) bool {
	t := r.PostFormValue("csrf")
	return len(t) == len(s.CSRF) && subtle.ConstantTimeCompare([]byte(t), []byte(s.CSRF)) == 1
}

// randomID returns 32 hex digits from crypto/rand.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b[:])
}

// cookieID returns the session id of the request's cookie, or "" when it
// has none that could be one.
func cookieID(r *http.Request) string {
	c, err := r.Cookie(cookieName)
	if err != nil || !validID(c.Value) {
		return ""
	}
	return c.Value
}

// newSession returns a session for the codice fiscale cf, not saved yet.
func (a *App) newSession(cf string) *session {
	return &session{Version: sessionVersion, ID: randomID(), CSRF: randomID(), CF: cf,
		Expires: a.now().Add(a.cfg.SessionTTL)}
}

// loadSession returns the live session id ("" for none) from the store,
// its expiry extended, or nil when there is none. A stored session that
// does not decode, or is not session id, is refused as if it were missing
// (the payer logs in again).
func (a *App) loadSession(ctx context.Context, id string) (*session, error) {
	if id == "" {
		return nil, nil
	}
	now := a.now()
	b, err := a.sessions.Load(ctx, id, now)
	if errors.Is(err, ErrSessionNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s := new(session)
	if err := json.Unmarshal(b, s); err != nil || s.Version != sessionVersion || s.ID != id || s.CF == "" || !validID(s.CSRF) {
		a.log.Warn("session store: unreadable session refused", "version", s.Version, "err", err)
		return nil, nil
	}
	if now.After(s.Expires) {
		// The store keeps the expiry it was given; this is the one the
		// session says.
		if err := a.sessions.Delete(ctx, id); err != nil {
			a.log.Warn("session store failed", "op", "delete", "err", err)
		}
		return nil, nil
	}
	s.stored = b
	// Every use extends the session; the new expiry alone is saved at most
	// once a minute (or a tenth of the TTL, when shorter).
	ttl := a.cfg.SessionTTL
	if exp := now.Add(ttl); exp.Sub(s.Expires) >= min(ttl/10, time.Minute) {
		s.Expires = exp
	}
	return s, nil
}

// saveSession stores s if it changed since it was loaded.
func (a *App) saveSession(ctx context.Context, s *session) error {
	if s.ended {
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if bytes.Equal(b, s.stored) {
		return nil
	}
	if err := a.sessions.Save(ctx, s.ID, b, s.Expires); err != nil {
		return err
	}
	s.stored = b
	return nil
}

// sessionStoreFailed logs a failure of the session store (its errors name
// no session) and tells the payer.
func (a *App) sessionStoreFailed(w http.ResponseWriter, op string, err error) {
	a.log.Warn("session store failed", "op", op, "err", err)
	a.errorPage(w, http.StatusServiceUnavailable, "Servizio non disponibile",
		"Non riusciamo a leggere o a salvare la tua sessione in questo momento: riprova tra poco.")
}

// sessionHandler serves a request with the browser's session.
type sessionHandler func(http.ResponseWriter, *http.Request, *session)

// useSession runs h with the browser's session (nil when there is none)
// and saves the session if h changed it, before the response leaves: the
// browser's next request, maybe on another replica, finds what this one
// did.
//
// Two requests of one browser on this replica take turns (sessionLocks),
// so neither loses the other's changes. Two requests of one browser on two
// replicas at the same moment do not: the last to save wins. A browser
// sends one form at a time, and the portal accepts this.
func (a *App) useSession(h sessionHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := cookieID(r)
		if id != "" {
			defer a.locks.lock(id)()
		}
		s, err := a.loadSession(r.Context(), id)
		if err != nil {
			a.sessionStoreFailed(w, "load", err)
			return
		}
		if s == nil {
			h(w, r, nil)
			return
		}
		held := &heldResponse{ResponseWriter: w}
		h(held, r, s)
		if err := a.saveSession(r.Context(), s); err != nil {
			// The page is sent anyway (a payment may have started): the
			// next page shows the session as it was before this request.
			a.log.Warn("session store failed", "op", "save", "err", err)
		}
		held.send()
	}
}

// heldResponse keeps the status and body of a response until send, so
// that the session is saved first. Headers go to the response directly
// (they leave with the status).
type heldResponse struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

// WriteHeader records the status.
func (h *heldResponse) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

// Write appends b to the body.
func (h *heldResponse) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return h.body.Write(b)
}

// send writes the response held.
func (h *heldResponse) send() {
	h.WriteHeader(http.StatusOK)
	h.ResponseWriter.WriteHeader(h.status)
	_, _ = h.ResponseWriter.Write(h.body.Bytes())
}

// sessionLocks serializes the requests of one session on this replica:
// each loads the session, changes it and saves it back, and two at once
// would lose the changes of one. Only the locks of requests in progress
// are kept.
type sessionLocks struct {
	mu    sync.Mutex
	locks map[string]*sessionLock
}

type sessionLock struct {
	sync.Mutex
	users int // requests holding or waiting for the lock
}

// lock locks session id and returns the function that unlocks it.
func (l *sessionLocks) lock(id string) (unlock func()) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = make(map[string]*sessionLock)
	}
	k := l.locks[id]
	if k == nil {
		k = new(sessionLock)
		l.locks[id] = k
	}
	k.users++
	l.mu.Unlock()

	k.Lock()
	return func() {
		k.Unlock()
		l.mu.Lock()
		if k.users--; k.users == 0 {
			delete(l.locks, id)
		}
		l.mu.Unlock()
	}
}
