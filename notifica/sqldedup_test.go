package notifica_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the tests' PostgreSQL driver
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// The PostgreSQL tests read the server's DSN from GOVPAY_TEST_POSTGRES and
// skip without it; .ci/run starts a server and requires them to run.
// TestSQLDatabaseRestartDuringStorm also needs a server of its own that it
// may restart: GOVPAY_TEST_POSTGRES_RESTARTABLE (its DSN) and
// GOVPAY_TEST_POSTGRES_RESTART (a shell command restarting it).
const (
	envPostgres    = "GOVPAY_TEST_POSTGRES"
	envRestartable = "GOVPAY_TEST_POSTGRES_RESTARTABLE"
	envRestart     = "GOVPAY_TEST_POSTGRES_RESTART"
	// envReplica makes the test binary a replica process (see TestMain).
	envReplica = "GOVPAY_TEST_REPLICA"
)

func TestMain(m *testing.M) {
	if os.Getenv(envReplica) != "" {
		os.Exit(replicaProcess())
	}
	os.Exit(m.Run())
}

func pgDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(envPostgres)
	if dsn == "" {
		t.Skip("PostgreSQL test skipped: set " + envPostgres + " to a server's DSN (.ci/run starts one)")
	}
	return dsn
}

// pgOpen opens a pool of its own on dsn, as a replica would.
func pgOpen(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	db.SetMaxOpenConns(12)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// pgTable creates a table for the test alone and drops it at the end.
func pgTable(t testing.TB, db *sql.DB) string {
	t.Helper()
	name := "t_" + strings.ToLower(strings.NewReplacer("/", "_", "-", "_", "+", "_").Replace(t.Name()))
	if len(name) > 40 {
		name = name[:40]
	}
	name += "_" + strconv.FormatUint(rand.Uint64()%1e9, 10)
	d, err := notifica.NewSQLDeduplicator(db, notifica.WithSQLTable(name))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, d.CreateTable(ctx))
	t.Cleanup(func() { _, _ = db.Exec(`DROP TABLE IF EXISTS ` + name) })
	return name
}

// counting is a Receiver shared by the replicas of a test: it counts the
// successful calls per key, and behave (if set) decides a call's outcome
// before it counts.
type counting struct {
	mu     sync.Mutex
	ok     map[string]int
	calls  atomic.Int64
	behave func(ctx context.Context, replica string, key string) error
}

func newCounting() *counting { return &counting{ok: map[string]int{}} }

// failingAt returns a counting Receiver whose calls on replica fail.
func failingAt(replica string) *counting {
	c := newCounting()
	c.behave = func(_ context.Context, r, _ string) error {
		if r == replica {
			return errors.New("replica " + r + " cannot book the receipt")
		}
		return nil
	}
	return c
}

func (c *counting) count(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ok[key]
}

// at returns the Receiver of one replica.
func (c *counting) at(replica string) notifica.Receiver { return countingAt{c, replica} }

type countingAt struct {
	c       *counting
	replica string
}

func (r countingAt) Ricevuta(ctx context.Context, n *ricevute.Ricevuta) error {
	r.c.calls.Add(1)
	key := n.Key()
	if r.c.behave != nil {
		if err := r.c.behave(ctx, r.replica, key); err != nil {
			return err
		}
	}
	r.c.mu.Lock()
	r.c.ok[key]++
	r.c.mu.Unlock()
	return nil
}

func (r countingAt) Attivazione(context.Context, *notifica.Pagamento) error {
	return errors.New("not used")
}
func (r countingAt) Pagamento(context.Context, *notifica.Pagamento) error {
	return errors.New("not used")
}

// pgReplica is one replica of the vertical system: its own pool, its own
// deduplicator and handler, its own HTTP server.
type pgReplica struct {
	db    *sql.DB
	dedup *notifica.SQLDeduplicator
	url   string
}

func startReplica(t *testing.T, dsn, table, name string, recv notifica.Receiver, opts ...notifica.SQLOption) *pgReplica {
	t.Helper()
	db := pgOpen(t, dsn)
	d, err := notifica.NewSQLDeduplicator(db, append([]notifica.SQLOption{notifica.WithSQLTable(table)}, opts...)...)
	require.NoError(t, err)
	srv := httptest.NewServer(newHandler(t, recv, notifica.WithDeduplicator(d)))
	t.Cleanup(srv.Close)
	return &pgReplica{db: db, dedup: d, url: srv.URL}
}

// receipt i: its path, body and idempotency key.
func receipt(i int) (path, body, key string) {
	iuv := fmt.Sprintf("0100000%010d", i)
	id := fmt.Sprintf("rcpt-%d", i)
	path = "/ricevute/01234567890/" + iuv + "/" + id
	body = `{"dominio":{"idDominio":"01234567890"},"iuv":"` + iuv + `","idRicevuta":"` + id +
		`","importo":10.01,"esito":"ESEGUITO"}`
	return path, body, "ricevuta/01234567890/" + iuv + "/" + id
}

var pgClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// deliverOnce sends receipt i to base as GovPay does and returns the
// status, or 0 when the request failed (timeout, connection refused).
func deliverOnce(ctx context.Context, base string, i int, timeout time.Duration) int {
	path, body, _ := receipt(i)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+path, strings.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(testUser, testPass)
	res, err := pgClient.Do(req)
	if err != nil {
		return 0
	}
	_ = res.Body.Close()
	return res.StatusCode
}

// redeliver delivers receipt i as GovPay's connector does: again after
// every answer other than 2xx (INotificaClient.java:39), here after a
// compressed backoff, rotating over the replicas as a load balancer would,
// until 2xx or ctx's end. It returns every status seen.
func redeliver(ctx context.Context, urls []string, first, i int) []int {
	var seen []int
	for n := 0; ; n++ {
		st := deliverOnce(ctx, urls[(first+n)%len(urls)], i, 30*time.Second)
		seen = append(seen, st)
		if st >= 200 && st < 300 {
			return seen
		}
		if !sleepCtx(ctx, min(time.Duration((n+1)*(n+1))*20*time.Millisecond, 500*time.Millisecond)) {
			return seen
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	select {
	case <-time.After(d):
		return true
	case <-ctx.Done():
		return false
	}
}

// retryable reports whether st is 2xx or makes GovPay deliver again
// without a fault of the request (5xx: the receiver or the database).
func retryable(st int) bool { return st >= 200 && st < 300 || st >= 500 && st < 600 }

func keyState(t *testing.T, db *sql.DB, table, key string) string {
	t.Helper()
	var done, claimed bool
	err := db.QueryRow(`SELECT done_at IS NOT NULL, token IS NOT NULL FROM `+table+` WHERE chiave = $1`, key).Scan(&done, &claimed)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "absent"
	case err != nil:
		t.Fatalf("reading %s: %v", key, err)
	case done:
		return "done"
	case claimed:
		return "claimed"
	}
	return "?"
}

// TestSQLReplicasDeliverOnce: three replicas, each with its own pool,
// share one database; 100 receipts are each delivered three times,
// concurrently, to different replicas. Every receipt reaches a receiver
// exactly once, and every delivery is answered 2xx or with a status that
// makes GovPay deliver again (then redelivered until 2xx).
func TestSQLReplicasDeliverOnce(t *testing.T) {
	dsn := pgDSN(t)
	table := pgTable(t, pgOpen(t, dsn))
	recv := newCounting()
	recv.behave = func(ctx context.Context, _, _ string) error {
		sleepCtx(ctx, time.Duration(rand.IntN(5000))*time.Microsecond) // some work, so deliveries overlap
		return nil
	}
	var urls []string
	var reps []*pgReplica
	for r := range 3 {
		rep := startReplica(t, dsn, table, fmt.Sprint("r", r), recv.at(fmt.Sprint("r", r)), notifica.WithSQLLease(20*time.Second))
		reps = append(reps, rep)
		urls = append(urls, rep.url)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	const receipts = 100
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i := range receipts {
		for j := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				seen := redeliver(ctx, urls, i+j, i)
				mu.Lock()
				for _, st := range seen {
					statuses[st]++
				}
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	require.NoError(t, ctx.Err(), "every delivery ended with 2xx in time")
	t.Logf("statuses: %v, receiver calls: %d", statuses, recv.calls.Load())
	for st := range statuses {
		assert.True(t, retryable(st), "status %d makes GovPay give up or is a failure of the request", st)
	}
	for i := range receipts {
		_, _, key := receipt(i)
		assert.Equal(t, 1, recv.count(key), "receiver calls for %s", key)
		assert.Equal(t, "done", keyState(t, reps[0].db, table, key))
	}
	assert.Equal(t, int64(receipts), recv.calls.Load(), "no receiver call beyond one per receipt")
}

// TestSQLReceiverFailureReleases: a receiver that fails frees the key at
// once (not at the end of the lease) and the redelivery, on another
// replica, processes the receipt; a later duplicate reaches no receiver.
func TestSQLReceiverFailureReleases(t *testing.T) {
	dsn := pgDSN(t)
	table := pgTable(t, pgOpen(t, dsn))
	recv := failingAt("a")
	const lease = 30 * time.Second
	a := startReplica(t, dsn, table, "a", recv.at("a"), notifica.WithSQLLease(lease))
	b := startReplica(t, dsn, table, "b", recv.at("b"), notifica.WithSQLLease(lease))
	_, _, key := receipt(7)
	ctx := context.Background()
	assert.Equal(t, 500, deliverOnce(ctx, a.url, 7, 10*time.Second))
	assert.Equal(t, "absent", keyState(t, a.db, table, key), "the failed claim is deleted at once")
	start := time.Now()
	assert.Equal(t, 201, deliverOnce(ctx, b.url, 7, 10*time.Second))
	assert.Less(t, time.Since(start), 5*time.Second, "the redelivery did not wait for the lease")
	assert.Equal(t, 1, recv.count(key))
	assert.Equal(t, "done", keyState(t, a.db, table, key))
	assert.Equal(t, 201, deliverOnce(ctx, a.url, 7, 10*time.Second), "a duplicate is acknowledged")
	assert.Equal(t, int64(2), recv.calls.Load(), "the duplicate reached no receiver")
}

// TestSQLReplicaKilledPastLease: a replica (a process of its own) whose
// receiver hangs holds the claim; GovPay gives up on it and the replica is
// killed (SIGKILL: nothing released). The next delivery, on another
// replica, waits for the lease to end and processes the receipt.
func TestSQLReplicaKilledPastLease(t *testing.T) {
	dsn := pgDSN(t)
	db := pgOpen(t, dsn)
	table := pgTable(t, db)
	const lease = 4 * time.Second
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envReplica+"=1", "GOVPAY_TEST_REPLICA_TABLE="+table,
		"GOVPAY_TEST_REPLICA_LEASE="+lease.String())
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err, "the replica process prints its URL")
	hung := strings.TrimSpace(line)
	require.True(t, strings.HasPrefix(hung, "http://"), "replica process said %q", line)

	_, _, key := receipt(3)
	ctx := context.Background()
	claimed := time.Now()
	assert.Equal(t, 0, deliverOnce(ctx, hung, 3, 3*time.Second), "GovPay gives up on the hung replica")
	assert.Equal(t, "claimed", keyState(t, db, table, key))
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	killed = true

	recv := newCounting()
	other := startReplica(t, dsn, table, "b", recv.at("b"), notifica.WithSQLLease(lease))
	assert.Equal(t, 201, deliverOnce(ctx, other.url, 3, 30*time.Second), "the next delivery processes the receipt")
	assert.GreaterOrEqual(t, time.Since(claimed), lease, "not before the dead replica's lease ended")
	assert.Equal(t, 1, recv.count(key))
	assert.Equal(t, "done", keyState(t, db, table, key))
}

// replicaProcess is the test binary run as a replica whose receiver hangs
// (TestSQLReplicaKilledPastLease): it prints its URL and serves until
// killed.
func replicaProcess() int {
	db, err := sql.Open("pgx", os.Getenv(envPostgres))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	lease, _ := time.ParseDuration(os.Getenv("GOVPAY_TEST_REPLICA_LEASE"))
	d, err := notifica.NewSQLDeduplicator(db, notifica.WithSQLTable(os.Getenv("GOVPAY_TEST_REPLICA_TABLE")), notifica.WithSQLLease(lease))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	recv := newCounting()
	recv.behave = func(context.Context, string, string) error { select {} } // hangs, deaf to its context
	h, err := notifica.NewHandler(recv.at("hung"), notifica.WithBasicAuth(testUser, testPass), notifica.WithDeduplicator(d))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("http://" + ln.Addr().String())
	_ = http.Serve(ln, h)
	return 1
}

// TestSQLDatabaseRestartDuringStorm: three replicas receive a storm of
// 100 receipts (each redelivered, rotating over the replicas, until 2xx)
// while the database restarts. Nothing is lost: every receipt is
// processed, every answer is 2xx or a status GovPay retries, and a
// receipt reaches a receiver more than once only if one of its deliveries
// failed (a success whose Release could not be recorded).
func TestSQLDatabaseRestartDuringStorm(t *testing.T) {
	dsn, restart := os.Getenv(envRestartable), os.Getenv(envRestart)
	if dsn == "" || restart == "" {
		t.Skip("PostgreSQL test skipped (the restart test): set " + envRestartable + " (a server's DSN) and " + envRestart +
			" (a shell command restarting it); .ci/run sets both")
	}
	table := pgTable(t, pgOpen(t, dsn))
	recv := newCounting()
	recv.behave = func(ctx context.Context, _, _ string) error {
		sleepCtx(ctx, time.Duration(2+rand.IntN(20))*time.Millisecond)
		return nil
	}
	var urls []string
	var db *sql.DB
	for r := range 3 {
		rep := startReplica(t, dsn, table, fmt.Sprint("r", r), recv.at(fmt.Sprint("r", r)), notifica.WithSQLLease(time.Second))
		urls = append(urls, rep.url)
		db = rep.db
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	const receipts = 100
	seen := make([][]int, receipts)
	var wg sync.WaitGroup
	for i := range receipts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sleepCtx(ctx, time.Duration(i)*30*time.Millisecond) // a 3 s storm
			seen[i] = redeliver(ctx, urls, i, i)
		}()
	}
	sleepCtx(ctx, 600*time.Millisecond)
	restarted := time.Now()
	outp, err := exec.CommandContext(ctx, "sh", "-c", restart).CombinedOutput()
	require.NoError(t, err, "restarting the database: %s", outp)
	t.Logf("database restarted in %v", time.Since(restarted).Round(time.Millisecond))
	wg.Wait()
	require.NoError(t, ctx.Err(), "every receipt was delivered in time")
	failed, statuses := 0, map[int]int{}
	for i := range receipts {
		_, _, key := receipt(i)
		for _, st := range seen[i] {
			statuses[st]++
			assert.True(t, retryable(st), "receipt %d: status %d", i, st)
		}
		last := seen[i][len(seen[i])-1]
		assert.True(t, last >= 200 && last < 300, "receipt %d delivered in the end: %v", i, seen[i])
		n := recv.count(key)
		assert.GreaterOrEqual(t, n, 1, "receipt %d processed", i)
		if len(seen[i]) == 1 {
			assert.Equal(t, 1, n, "receipt %d delivered at the first attempt reached one receiver", i)
		}
		if len(seen[i]) > 1 {
			failed++
		}
		assert.Equal(t, "done", keyState(t, db, table, key))
	}
	t.Logf("statuses %v; %d receipts needed a redelivery; receiver calls %d", statuses, failed, recv.calls.Load())
	assert.Positive(t, failed, "the restart was felt by the storm (else this test tested nothing)")
}

// TestNewSQLDeduplicatorArguments: bad arguments are refused before any
// query, naming the argument.
func TestNewSQLDeduplicatorArguments(t *testing.T) {
	_, err := notifica.NewSQLDeduplicator(nil, notifica.WithSQLTable("Bad-Name"), notifica.WithSQLLease(0),
		notifica.WithSQLRetention(-time.Second), notifica.WithSQLPoll(0), nil)
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, govpay.ErrInvalid)
	var fields []string
	for _, v := range ve.Violations {
		fields = append(fields, v.Field)
	}
	assert.ElementsMatch(t, []string{"db", "WithSQLTable.name", "WithSQLLease.d", "WithSQLRetention.d", "WithSQLPoll.d"}, fields)
	for _, bad := range []string{"", "a b", "x;drop table y", "Upper", "a.b.c", strings.Repeat("a", 64), "1abc"} {
		_, err := notifica.NewSQLDeduplicator(&sql.DB{}, notifica.WithSQLTable(bad))
		assert.Error(t, err, "table %q", bad)
	}
	d, err := notifica.NewSQLDeduplicator(&sql.DB{}, notifica.WithSQLTable("gestionale.notifiche"))
	require.NoError(t, err)
	assert.Contains(t, d.Schema(), "CREATE TABLE IF NOT EXISTS gestionale.notifiche (")
	assert.Contains(t, d.Schema(), "CREATE INDEX IF NOT EXISTS notifiche_done_at ON gestionale.notifiche (done_at)")
}

// TestSQLLeaseTakeover checks the SQL deduplicator alone on PostgreSQL: an
// expired claim is taken over, the old owner's late success is refused
// with ErrClaimExpired and its late failure does not free the new owner's
// key; Prune deletes only keys older than the retention.
func TestSQLLeaseTakeover(t *testing.T) {
	dsn := pgDSN(t)
	db := pgOpen(t, dsn)
	table := pgTable(t, db)
	d, err := notifica.NewSQLDeduplicator(db, notifica.WithSQLTable(table), notifica.WithSQLLease(500*time.Millisecond),
		notifica.WithSQLRetention(time.Hour))
	require.NoError(t, err)
	ctx := context.Background()
	old, err := d.Begin(ctx, "k")
	require.NoError(t, err)
	require.False(t, old.Done)
	_, hasDeadline := old.Context.Deadline()
	assert.True(t, hasDeadline, "the claim's context ends with the lease")
	waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	start := time.Now()
	next, err := d.Begin(waitCtx, "k") // waits for the lease to end
	require.NoError(t, err)
	require.False(t, next.Done)
	assert.GreaterOrEqual(t, time.Since(start), 250*time.Millisecond, "waited for the lease")
	assert.Error(t, old.Context.Err(), "the old owner's context ended")
	assert.ErrorIs(t, old.Release(ctx, true), notifica.ErrClaimExpired)
	assert.Equal(t, "claimed", keyState(t, db, table, "k"), "the old owner's late success changed nothing")

	// A Begin whose ctx ends while the key is held returns ctx's error.
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelShort()
	_, err = d.Begin(short, "k")
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	require.NoError(t, next.Release(ctx, true))
	assert.Equal(t, "done", keyState(t, db, table, "k"))
	again, err := d.Begin(ctx, "k")
	require.NoError(t, err)
	assert.True(t, again.Done)

	// Prune: a key processed two hours ago goes, the fresh one stays.
	_, err = db.Exec(`INSERT INTO ` + table + ` (chiave, done_at) VALUES ('vecchia', now() - interval '2 hours')`)
	require.NoError(t, err)
	n, err := d.Prune(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	assert.Equal(t, "absent", keyState(t, db, table, "vecchia"))
	assert.Equal(t, "done", keyState(t, db, table, "k"))
}

// TestSQLReplicasBehindTheFake: the fake GovPay delivers its receipts
// round-robin to three replicas (a load balancer stand-in), one of which
// is broken (its receiver always fails). Every receipt is redelivered to
// the next replica and processed exactly once.
func TestSQLReplicasBehindTheFake(t *testing.T) {
	dsn := pgDSN(t)
	table := pgTable(t, pgOpen(t, dsn))
	recv := failingAt("r0")
	var urls []string
	for r := range 3 {
		urls = append(urls, startReplica(t, dsn, table, fmt.Sprint("r", r), recv.at(fmt.Sprint("r", r))).url)
	}
	fake := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithNotifications(govpaytest.NotificationConfig{
		URLs: urls, Version: 2, Username: testUser, Password: testPass,
		MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond,
	}))
	defer fake.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	gp := pendenze.New(fake.Config())
	pc := pagamenti.New(fake.Config(govpay.WithInsecureRedirect()))
	const payments = 6
	for i := range payments {
		nav, err := avvisi.NewNumeroAvviso3(1, uint64(7000+i))
		require.NoError(t, err)
		id := fmt.Sprint("PRATICA-", i)
		importo := govpay.Centesimi(int64(1000 + i))
		_, err = gp.Put(ctx, "GESTIONALE", id, pendenze.Pendenza{
			IDTipoPendenza: "SEGRETERIA", IDDominio: govpaytest.DemoDominio, Causale: "Diritti di segreteria " + id,
			SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: govpaytest.DemoCodiceFiscale, Anagrafica: "Mario Rossi"},
			Importo:          importo, NumeroAvviso: nav.String(),
			Voci: []pendenze.Voce{pendenze.VoceEntrata("1", importo, "Diritti di segreteria", pendenze.Entrata{CodEntrata: "SEGRETERIA"})},
		})
		require.NoError(t, err)
		avvio, err := pc.Start(ctx, pagamenti.NewCart().AddRiferimento("GESTIONALE", id), pagamenti.StartOptions{
			URLRitorno: "https://portale.comune.example/ritorno", IDSessionePortale: fmt.Sprint("sessione-", i),
		})
		require.NoError(t, err)
		_, err = fake.Pay(avvio.Redirect, govpaytest.ChoicePaga)
		require.NoError(t, err)
	}
	start := time.Now()
	ns, err := fake.WaitNotifications(ctx, payments)
	require.NoError(t, err)
	require.Len(t, ns, payments)
	assert.Less(t, time.Since(start), 20*time.Second, "a failed claim is freed at once, not at the end of its 50 s lease")
	toBroken := 0
	for _, n := range ns {
		key := "ricevuta/" + n.IDDominio + "/" + n.IUV + "/" + n.IDRicevuta
		assert.Equal(t, 1, recv.count(key), "%s processed once", key)
		for k, a := range n.Attempts {
			if strings.HasPrefix(a.URL, urls[0]+"/") {
				toBroken++
				assert.Equal(t, 500, a.Status, "the broken replica answers 500")
				assert.Less(t, k, len(n.Attempts)-1, "and the receipt is delivered again")
			}
		}
	}
	assert.Positive(t, toBroken, "the broken replica got its share")
	assert.Equal(t, int64(payments+toBroken), recv.calls.Load(), "no receiver call beyond one per receipt and the broken replica's")
}
