package portale

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
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
	Kind string // "ok", "errore", "info"
	Text string
	// Details lists the violations of a validation error.
	Details []string
}

// session is the server-side state of one browser: the login and the cart
// being filled. Its mutex is held for the whole request that uses it. It
// lives in this process's memory (a replica that does not know it asks the
// payer to log in again); a started payment does not: it is in the
// AvvioStore (see attempt).
type session struct {
	mu      sync.Mutex
	id      string
	csrf    string
	cf      string
	cart    []cartItem
	flashes []flash
	expires time.Time
}

func (s *session) addFlash(kind, text string, details ...string) {
	s.flashes = append(s.flashes, flash{Kind: kind, Text: text, Details: details})
}

func (s *session) takeFlashes() []flash {
	f := s.flashes
	s.flashes = nil
	return f
}

func (s *session) inCart(key string) bool {
	for i := range s.cart {
		if s.cart[i].Key() == key {
			return true
		}
	}
	return false
}

// store keeps the sessions in memory.
type store struct {
	mu       sync.Mutex
	sessions map[string]*session
	ttl      time.Duration
	max      int
	now      func() time.Time
}

func newStore(ttl time.Duration, max int) *store {
	return &store{sessions: make(map[string]*session), ttl: ttl, max: max, now: time.Now}
}

// randomID returns 32 hex digits from crypto/rand.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b[:])
}

// create starts a session for the codice fiscale cf; it returns nil when
// the store is full.
func (st *store) create(cf string) *session {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	if len(st.sessions) >= st.max {
		for id, s := range st.sessions {
			if now.After(s.expires) {
				delete(st.sessions, id)
			}
		}
		if len(st.sessions) >= st.max {
			return nil
		}
	}
	s := &session{id: randomID(), csrf: randomID(), cf: cf, expires: now.Add(st.ttl)}
	st.sessions[s.id] = s
	return s
}

// get returns the live session of the request's cookie, extending its
// life, or nil.
func (st *store) get(r *http.Request) *session {
	c, err := r.Cookie(cookieName)
	if err != nil || len(c.Value) != 32 {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.sessions[c.Value]
	if s == nil {
		return nil
	}
	now := st.now()
	if now.After(s.expires) {
		delete(st.sessions, s.id)
		return nil
	}
	s.expires = now.Add(st.ttl)
	return s
}

func (st *store) delete(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.sessions, id)
}

// len returns the number of sessions kept.
func (st *store) len() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.sessions)
}

// checkCSRF reports whether the form's token is the session's.
func (s *session) checkCSRF(r *http.Request) bool {
	t := r.PostFormValue("csrf")
	return len(t) == len(s.csrf) && subtle.ConstantTimeCompare([]byte(t), []byte(s.csrf)) == 1
}
