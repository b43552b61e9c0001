package portale_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/examples/portal/portale"
	"github.com/govpaygo/govpay/govpaytest"
)

// cluster is n replicas of the portal behind one address (a load
// balancer), sharing the fake GovPay and the store directory and nothing
// else, on one clock the test moves. The harness's browser reaches the
// replica chosen by route.
type cluster struct {
	*harness
	apps    []*portale.App
	current atomic.Int32
	clock   atomic.Int64 // Unix nanoseconds
}

func newCluster(t *testing.T, n int, configure func(*portale.Config)) *cluster {
	t.Helper()
	c := &cluster{}
	c.clock.Store(storeTime.UnixNano())
	fake := newFake(t, portale.ModeLegacy)
	dir := t.TempDir()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.apps[c.current.Load()].ServeHTTP(w, r)
	}))
	for range n {
		app := newApp(t, fake, portale.ModeLegacy, "http://"+srv.Listener.Addr().String(), dir, configure)
		portale.SetClock(app, c.now)
		c.apps = append(c.apps, app)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c.harness = &harness{t: t, fake: fake, srv: srv, app: c.apps[0], client: newClient(t), dir: dir}
	return c
}

func (c *cluster) now() time.Time { return time.Unix(0, c.clock.Load()) }

func (c *cluster) advance(d time.Duration) { c.clock.Add(int64(d)) }

// route sends the next requests, of every browser, to replica i.
func (c *cluster) route(i int) {
	c.current.Store(int32(i))
	c.app = c.apps[i]
}

// browser returns another browser (its own cookies) on h's portal.
func (h *harness) browser() *harness {
	b := *h
	b.client, b.csrf = newClient(h.t), ""
	return &b
}

// loggedIn reports whether the portal's home page shows the payer logged
// in (else it is the login form).
func (h *harness) loggedIn() bool {
	h.t.Helper()
	st, body := h.get("/")
	require.Equal(h.t, http.StatusOK, st)
	return strings.Contains(body, `id="utente">`+govpaytest.DemoCodiceFiscale)
}

// sessionFiles returns the paths of the session files in the store.
func (h *harness) sessionFiles() []string {
	h.t.Helper()
	files, err := filepath.Glob(filepath.Join(h.dir, "sessioni", "*.json"))
	require.NoError(h.t, err)
	return files
}

// TestSessionCrossesReplicas: the payer logs in on replica A, fills the
// cart on replica B, pays from A, and comes back to B: every step finds
// the session (login, token, cart, messages) where the previous one left
// it.
func TestSessionCrossesReplicas(t *testing.T) {
	c := newCluster(t, 2, nil)
	debt := c.demoDebts()[0]

	c.route(0)
	c.login() // the page's token comes from A
	c.route(1)
	assert.True(t, c.loggedIn(), "B knows the session A opened")
	st, loc, body := c.post("/carrello/pendenza", "idA2A", debt.IDA2A, "idPendenza", debt.IDPendenza)
	require.Equal(t, http.StatusSeeOther, st, body)
	require.Equal(t, "/", loc)

	c.route(0)
	_, body = c.get("/")
	assert.Contains(t, cartSection(body), debt.Causale, "A sees the cart B filled")
	assert.Contains(t, body, "Aggiunto al carrello: "+debt.Causale, "A shows the message B left")
	c.route(1)
	_, body = c.get("/")
	assert.NotContains(t, body, "Aggiunto al carrello", "a message is shown once, on whichever replica")
	assert.Contains(t, cartSection(body), debt.Causale)

	c.route(0)
	st, page, body := c.post("/paga")
	require.Equal(t, http.StatusSeeOther, st, body)
	require.True(t, strings.HasPrefix(page, c.fake.URL+"/wisp/"), "payment page %s", page)
	ret, err := c.fake.Pay(page, govpaytest.ChoicePaga)
	require.NoError(t, err)

	c.route(1)
	_, body = c.get("/")
	assert.Contains(t, body, `id="carrello-vuoto"`, "B sees the cart A emptied when the payment started")
	st, body = c.get(ret)
	require.Equal(t, http.StatusOK, st)
	assert.Contains(t, body, `data-stato="PAID"`)
	assert.Contains(t, body, `id="utente">`+govpaytest.DemoCodiceFiscale, "the payer is still logged in on B")
}

// TestSessionTokenIsPerSession: a form carrying the token of another
// session is refused on every replica, and the right token is accepted on
// the replica that did not issue it.
func TestSessionTokenIsPerSession(t *testing.T) {
	c := newCluster(t, 2, nil)
	debt := c.demoDebts()[0]
	c.route(0)
	c.login()
	other := c.browser()
	c.route(1)
	other.login()

	for i := range 2 {
		c.route(i)
		st, _, body := other.do(http.MethodPost, "/carrello/pendenza", url.Values{"csrf": {c.csrf},
			"idA2A": {debt.IDA2A}, "idPendenza": {debt.IDPendenza}})
		assert.Equal(t, http.StatusForbidden, st, "replica %d: %s", i, body)
		assert.Contains(t, body, "Richiesta rifiutata")
	}
	c.route(0)
	st, _, body := other.post("/carrello/pendenza", "idA2A", debt.IDA2A, "idPendenza", debt.IDPendenza)
	assert.Equal(t, http.StatusSeeOther, st, "A accepts the token B issued: %s", body)
	_, body = c.get("/")
	assert.NotContains(t, cartSection(body), debt.Causale, "the other browser's cart is its own")
}

// TestSessionExpiresOnEveryReplica: a use on any replica extends the
// session for all of them; an idle one expires on all of them, and its
// file goes.
func TestSessionExpiresOnEveryReplica(t *testing.T) {
	c := newCluster(t, 2, func(cfg *portale.Config) { cfg.SessionTTL = time.Hour })
	c.route(0)
	c.login()

	c.advance(50 * time.Minute)
	c.route(1)
	assert.True(t, c.loggedIn(), "50 minutes idle: alive on B")
	c.advance(50 * time.Minute)
	c.route(0)
	assert.True(t, c.loggedIn(), "B's use extended the session for A")
	assert.Len(t, c.sessionFiles(), 1)

	c.advance(61 * time.Minute)
	assert.False(t, c.loggedIn(), "an hour idle: expired on A")
	c.route(1)
	assert.False(t, c.loggedIn(), "and on B")
	assert.Empty(t, c.sessionFiles(), "the expired session met is deleted")
	st, _, _ := c.post("/carrello/rimuovi", "chiave", "x")
	assert.Equal(t, http.StatusUnauthorized, st)
}

// TestMaxSessionsCountsEveryReplica: the bound is on the shared store; an
// expired session makes room again, whichever replica the login reaches.
func TestMaxSessionsCountsEveryReplica(t *testing.T) {
	c := newCluster(t, 2, func(cfg *portale.Config) { cfg.MaxSessions, cfg.SessionTTL = 1, time.Hour })
	c.route(0)
	c.login()
	other := c.browser()
	c.route(1)
	st, _, body := other.do(http.MethodPost, "/accedi", url.Values{"cf": {otherCF}})
	assert.Equal(t, http.StatusServiceUnavailable, st, "B counts A's session")
	assert.Contains(t, body, "Troppe sessioni")

	c.advance(61 * time.Minute)
	st, _, _ = other.do(http.MethodPost, "/accedi", url.Values{"cf": {otherCF}})
	assert.Equal(t, http.StatusSeeOther, st, "the expired session made room")
	assert.Len(t, c.sessionFiles(), 1, "the login pruned the expired session")
	assert.Equal(t, 1, c.sessions())
}

// TestLogoutOnEveryReplica: a logout on B ends the session A opened; the
// old cookie opens nothing on any replica.
func TestLogoutOnEveryReplica(t *testing.T) {
	c := newCluster(t, 2, nil)
	c.route(0)
	c.login()
	cookies := c.client.Jar.Cookies(mustURL(c.srv.URL))
	require.Len(t, cookies, 1)

	c.route(1)
	st, _, body := c.post("/esci")
	require.Equal(t, http.StatusSeeOther, st, body)
	assert.Empty(t, c.sessionFiles())
	for i := range 2 {
		c.route(i)
		replay := c.browser()
		replay.client.Jar.SetCookies(mustURL(c.srv.URL), cookies)
		assert.False(t, replay.loggedIn(), "replica %d: the old cookie is logged out", i)
	}
}

// TestSessionFileDamaged: a session file that does not decode, or is not
// the session its name says, is refused as no session (the payer logs in
// again), never a panic or another payer's session.
func TestSessionFileDamaged(t *testing.T) {
	c := newCluster(t, 2, nil)
	c.route(0)
	c.login()
	other := c.browser()
	other.login()
	files := c.sessionFiles()
	require.Len(t, files, 2)
	cookie := c.client.Jar.Cookies(mustURL(c.srv.URL))[0].Value
	mine := filepath.Join(c.dir, "sessioni", cookie+".json")
	orig, err := os.ReadFile(mine)
	require.NoError(t, err)
	var foreign []byte
	for _, f := range files {
		if f != mine {
			foreign, err = os.ReadFile(f)
			require.NoError(t, err)
		}
	}
	info, err := os.Stat(mine)
	require.NoError(t, err)
	expires := info.ModTime()

	for name, content := range map[string][]byte{
		"empty":         {},
		"truncated":     orig[:len(orig)/2],
		"not json":      []byte("\x00\xffgarbage"),
		"json array":    []byte(`[1,2,3]`),
		"other version": []byte(strings.Replace(string(orig), `"version":1`, `"version":2`, 1)),
		"no cf":         []byte(strings.Replace(string(orig), `"cf":"`+govpaytest.DemoCodiceFiscale+`"`, `"cf":""`, 1)),
		"bad token":     []byte(strings.Replace(string(orig), `"csrf":"`, `"csrf":"X`, 1)),
		"wrong types":   []byte(`{"version":1,"id":"` + cookie + `","cf":7,"cart":"x"}`),
		"foreign":       foreign, // another session's file under this name
	} {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, string(orig), string(content))
			require.NoError(t, os.WriteFile(mine, content, 0o600))
			require.NoError(t, os.Chtimes(mine, expires, expires)) // not expired: refused for its content
			for i := range 2 {
				c.route(i)
				assert.False(t, c.loggedIn(), "replica %d", i)
				st, _, _ := c.post("/paga")
				assert.Equal(t, http.StatusUnauthorized, st, "replica %d", i)
			}
		})
	}
	// The fixture is right: the original content is a live session.
	require.NoError(t, os.WriteFile(mine, orig, 0o600))
	require.NoError(t, os.Chtimes(mine, expires, expires))
	assert.True(t, c.loggedIn())
}

// TestConcurrentRequestsOfOneBrowser: forms sent at once by one browser to
// one replica all count (the requests take turns on the session).
func TestConcurrentRequestsOfOneBrowser(t *testing.T) {
	h := newHarness(t, portale.ModeLegacy)
	ids := []string{"CONC-A", "CONC-B", "CONC-C", "CONC-D", "CONC-E"}
	for _, id := range ids {
		_, err := h.fake.AddPendenza(govpaytest.DemoIDA2A, id, map[string]any{
			"idTipoPendenza": "LIBERO", "idDominio": govpaytest.DemoDominio, "causale": "Debito " + id,
			"soggettoPagatore": map[string]any{"tipo": "F", "identificativo": govpaytest.DemoCodiceFiscale, "anagrafica": "Mario Rossi"},
			"importo":          10,
			"voci":             []map[string]any{{"idVocePendenza": "1", "importo": 10, "descrizione": "extra", "codEntrata": "LIBERO"}},
		})
		require.NoError(t, err)
	}
	h.login()
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			st, _, _ := h.post("/carrello/pendenza", "idA2A", govpaytest.DemoIDA2A, "idPendenza", id)
			assert.Equal(t, http.StatusSeeOther, st)
		})
	}
	wg.Wait()
	_, body := h.get("/")
	for _, id := range ids {
		assert.Contains(t, cartSection(body), "Debito "+id)
	}
}

// storeTime is the clock of the store tests.
var storeTime = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// newSessionStore returns a DirSessionStore in the subdirectory sessioni
// of a new directory, and that directory.
func newSessionStore(t *testing.T) (*portale.DirSessionStore, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := portale.NewDirSessionStore(filepath.Join(dir, "sessioni"))
	require.NoError(t, err)
	return s, dir
}

func TestDirSessionStore(t *testing.T) {
	ctx, now := t.Context(), storeTime
	s, _ := newSessionStore(t)
	id, id2 := strings.Repeat("0a", 16), strings.Repeat("b1", 16)

	_, err := s.Load(ctx, id, now)
	require.ErrorIs(t, err, portale.ErrSessionNotFound)
	require.NoError(t, s.Save(ctx, id, []byte(`{"a":1}`), now.Add(time.Hour)))
	require.NoError(t, s.Save(ctx, id, []byte(`{"a":2}`), now.Add(time.Hour)))
	require.NoError(t, s.Save(ctx, id2, []byte(`{"b":1}`), now.Add(2*time.Hour)))
	got, err := s.Load(ctx, id, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, `{"a":2}`, string(got), "Save replaces; alive until its expiry")
	entries, err := os.ReadDir(s.Dir())
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file left behind")
	info, err := os.Stat(filepath.Join(s.Dir(), id+".json"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the file holds a codice fiscale")

	// Prune counts the live sessions, deletes the expired ones and the
	// temporary files a crash left, and nothing else.
	require.NoError(t, os.WriteFile(filepath.Join(s.Dir(), "LEGGIMI.txt"), []byte("x"), 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(s.Dir(), strings.Repeat("c2", 16)+".json"), 0o700))
	stale := filepath.Join(s.Dir(), ".tmp-"+id+".json-123")
	require.NoError(t, os.WriteFile(stale, []byte("x"), 0o600))
	require.NoError(t, os.Chtimes(stale, now.Add(-time.Hour), now.Add(-time.Hour)))
	fresh := filepath.Join(s.Dir(), ".tmp-"+id2+".json-456") // a Save in progress
	require.NoError(t, os.WriteFile(fresh, []byte("x"), 0o600))
	require.NoError(t, os.Chtimes(fresh, now, now))
	live, err := s.Prune(ctx, now)
	require.NoError(t, err)
	assert.Equal(t, 2, live)
	_, err = os.Stat(stale)
	assert.ErrorIs(t, err, os.ErrNotExist, "an hour-old temporary file is pruned")
	_, err = os.Stat(fresh)
	assert.NoError(t, err, "a Save in progress is left alone")
	live, err = s.Prune(ctx, now.Add(90*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, 1, live)
	var names []string
	entries, err = os.ReadDir(s.Dir())
	require.NoError(t, err)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"LEGGIMI.txt", strings.Repeat("c2", 16) + ".json", id2 + ".json"}, names)

	// An expired session is refused on Load, and deleted.
	_, err = s.Load(ctx, id2, now.Add(2*time.Hour+time.Second))
	require.ErrorIs(t, err, portale.ErrSessionNotFound)
	_, err = os.Stat(filepath.Join(s.Dir(), id2+".json"))
	assert.ErrorIs(t, err, os.ErrNotExist)

	// Delete, twice.
	require.NoError(t, s.Save(ctx, id, []byte(`{}`), now.Add(time.Hour)))
	require.NoError(t, s.Delete(ctx, id))
	require.NoError(t, s.Delete(ctx, id))
	_, err = s.Load(ctx, id, now)
	require.ErrorIs(t, err, portale.ErrSessionNotFound)

	_, err = portale.NewDirSessionStore("")
	require.Error(t, err)
}

// TestDirSessionStoreRefusesBadIDs: only the ids the portal generates name
// a file; nothing outside the directory is read, written or deleted, and
// no error repeats an id (ids are credentials).
func TestDirSessionStoreRefusesBadIDs(t *testing.T) {
	ctx, now := t.Context(), storeTime
	s, dir := newSessionStore(t)
	id := strings.Repeat("0a", 16)
	outside := filepath.Join(dir, id+".json") // what "../<id>" would name
	require.NoError(t, os.WriteFile(outside, []byte(`{"secret":1}`), 0o600))
	require.NoError(t, os.Chtimes(outside, now.Add(time.Hour), now.Add(time.Hour)))

	for _, bad := range []string{"../" + id, "../" + id[3:], id + "/", "/" + id[1:], strings.ToUpper(id), "", id + "0",
		"..%2f" + id[5:], id[:31] + "\x00", id[:30] + ".."} {
		assert.Error(t, s.Save(ctx, bad, []byte("x"), now.Add(time.Hour)), "%q", bad)
		_, err := s.Load(ctx, bad, now)
		assert.ErrorIs(t, err, portale.ErrSessionNotFound, "%q", bad)
		err = s.Delete(ctx, bad)
		if assert.Error(t, err, "%q", bad) && bad != "" {
			assert.NotContains(t, err.Error(), bad)
		}
	}
	got, err := os.ReadFile(outside)
	require.NoError(t, err, "the file outside the store is still there")
	assert.Equal(t, `{"secret":1}`, string(got))
	entries, err := os.ReadDir(s.Dir())
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written")

	// A failing store says what failed, without the session's id.
	require.NoError(t, os.RemoveAll(s.Dir()))
	require.NoError(t, os.WriteFile(s.Dir(), nil, 0o600)) // the directory is now a file
	err = s.Save(ctx, id, []byte("x"), now.Add(time.Hour))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), id)
	_, err = s.Load(ctx, id, now)
	require.Error(t, err)
	assert.NotErrorIs(t, err, portale.ErrSessionNotFound)
	assert.NotContains(t, err.Error(), id)
}
