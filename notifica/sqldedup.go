package notifica

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
)

// DefaultSQLTable is the table a [SQLDeduplicator] uses unless [WithSQLTable]
// names another.
const DefaultSQLTable = "govpay_notifiche"

// DefaultSQLPoll is the longest a [SQLDeduplicator] waits between two looks
// at a key another delivery holds, unless [WithSQLPoll] says otherwise.
const DefaultSQLPoll = 250 * time.Millisecond

// sqlMinPoll is the first wait of a Begin that finds the key claimed; it
// doubles up to the poll interval.
const sqlMinPoll = 5 * time.Millisecond

// SQLOption configures [NewSQLDeduplicator]. An option refuses a bad
// argument: NewSQLDeduplicator then returns a *govpay.ValidationError.
type SQLOption func(*SQLDeduplicator, *verr.Builder)

// WithSQLLease sets how long a claim lasts before another delivery, on any
// replica, may take the key over (default [DefaultLease], below GovPay's
// first redelivery interval). The Receiver's context ends with the lease.
// A violation names "WithSQLLease.d" when d is not positive.
func WithSQLLease(d time.Duration) SQLOption {
	return positive("WithSQLLease.d", d, func(s *SQLDeduplicator) { s.lease = d })
}

// WithSQLRetention sets how long [SQLDeduplicator.Prune] keeps a processed key
// (default [MemoryRetention], twice the span over which GovPay retries a
// notification). A violation names "WithSQLRetention.d" when d is not
// positive.
func WithSQLRetention(d time.Duration) SQLOption {
	return positive("WithSQLRetention.d", d, func(s *SQLDeduplicator) { s.retention = d })
}

// WithSQLPoll sets the longest wait between two looks of a Begin at a key that
// another delivery holds (default [DefaultSQLPoll]; the first look comes
// after 5 ms and the wait doubles up to d). A violation names "WithSQLPoll.d"
// when d is not positive.
func WithSQLPoll(d time.Duration) SQLOption {
	return positive("WithSQLPoll.d", d, func(s *SQLDeduplicator) { s.poll = d })
}

// positive is an option that sets a duration d, refused unless positive.
func positive(field string, d time.Duration, set func(*SQLDeduplicator)) SQLOption {
	return func(s *SQLDeduplicator, ve *verr.Builder) {
		if d <= 0 {
			ve.Add(field, "must be positive")
			return
		}
		set(s)
	}
}

// sqlIdent is an unquoted PostgreSQL identifier, optionally qualified by a
// schema: lower case so that it names the same table quoted or not, at
// most 63 bytes (NAMEDATALEN-1).
var sqlIdent = regexp.MustCompile(`^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$`)

// WithSQLTable sets the table holding the keys (default [DefaultSQLTable]):
// lower-case letters, digits and '_', at most 63 characters, optionally
// qualified by a schema ("gestionale.notifiche"). A violation names
// "WithSQLTable.name".
func WithSQLTable(name string) SQLOption {
	return func(s *SQLDeduplicator, ve *verr.Builder) {
		if !sqlIdent.MatchString(name) {
			ve.Add("WithSQLTable.name", "must be a lower-case identifier (letters, digits, '_', at most 63), optionally schema-qualified")
			return
		}
		s.table = name
	}
}

// SQLDeduplicator is a [Deduplicator] that keeps the keys in a PostgreSQL
// table through database/sql, so that every replica of a vertical system
// behind a load balancer sees the same keys. It is safe for concurrent use
// and holds no state of its own: concurrency rests on the database alone
// (a unique key, INSERT … ON CONFLICT, conditional UPDATE and DELETE).
//
// A row per key records either a claim (an owner's random token and the
// lease's end, claimed_until, in the database's clock) or a processed key
// (done_at). Begin inserts the row, or takes over in the same statement a
// row whose lease has passed; when the key is held it polls until the
// owner's outcome or the lease's end. Release with success sets done_at,
// without it deletes the row, in both cases only while the row still holds
// the claim's token: the late Release of a claim that expired and was
// taken over changes nothing (with success it returns [ErrClaimExpired]).
// Any database error makes Begin fail, and the handler answers 503 so that
// GovPay delivers again.
//
// The Receiver runs outside any transaction of the deduplicator: a
// replica that crashes after the Receiver's effects and before Release
// leaves a claim that expires, and the redelivery calls the Receiver
// again. A Receiver whose effects must be exactly once writes them in its
// own transaction together with its own record of the key (see the
// package example).
//
// The table is not created behind the caller's back: its DDL is
// [SQLDeduplicator.Schema], for the application's migrations, and
// [SQLDeduplicator.CreateTable] runs it.
type SQLDeduplicator struct {
	db        *sql.DB
	table     string
	lease     time.Duration
	retention time.Duration
	poll      time.Duration

	qClaim, qLook, qDone, qFree, qPrune string
}

// NewSQLDeduplicator returns a [SQLDeduplicator] over db, a PostgreSQL
// database opened with the driver of the caller's choice (the library
// imports none). Claims last [DefaultLease] unless [WithSQLLease] says
// otherwise; the table ([DefaultSQLTable] or [WithSQLTable]) must exist: see
// [SQLDeduplicator.Schema]. Nil options are ignored.
//
// Bad arguments give a *govpay.ValidationError (What "notifica SQL
// deduplicator") naming "db" when it is nil, or the option's argument.
func NewSQLDeduplicator(db *sql.DB, opts ...SQLOption) (*SQLDeduplicator, error) {
	ve := verr.New("notifica SQL deduplicator")
	if db == nil {
		ve.Add("db", "must not be nil")
	}
	s := &SQLDeduplicator{db: db, table: DefaultSQLTable, lease: DefaultLease, retention: MemoryRetention, poll: DefaultSQLPoll}
	for _, o := range opts {
		if o != nil {
			o(s, ve)
		}
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	t := s.table
	lease := "interval '" + strconv.FormatInt(s.lease.Microseconds(), 10) + " microseconds'"
	// A new row, or the takeover of a row whose lease has passed (never of
	// a processed one): RETURNING says whether this statement claimed it.
	// The lease is measured in the database's clock, the same for every
	// replica.
	s.qClaim = `INSERT INTO ` + t + ` AS d (chiave, token, claimed_until) VALUES ($1, $2, now() + ` + lease + `)
ON CONFLICT (chiave) DO UPDATE SET token = EXCLUDED.token, claimed_until = EXCLUDED.claimed_until
WHERE d.done_at IS NULL AND d.claimed_until <= now()
RETURNING 1`
	s.qLook = `SELECT done_at IS NOT NULL, COALESCE(EXTRACT(EPOCH FROM claimed_until - now()), 0)::float8 FROM ` + t + ` WHERE chiave = $1`
	s.qDone = `UPDATE ` + t + ` SET done_at = now(), token = NULL, claimed_until = NULL WHERE chiave = $1 AND token = $2`
	s.qFree = `DELETE FROM ` + t + ` WHERE chiave = $1 AND token = $2`
	s.qPrune = `DELETE FROM ` + t + ` WHERE done_at < now() - $1::interval OR (done_at IS NULL AND claimed_until < now() - $1::interval)`
	return s, nil
}

// Schema returns the PostgreSQL DDL of the deduplicator's table and of the
// index that [SQLDeduplicator.Prune] uses, idempotent (IF NOT EXISTS):
//
//	CREATE TABLE IF NOT EXISTS govpay_notifiche (
//		chiave        text PRIMARY KEY, -- the notification's idempotency key
//		token         text,             -- the owner's token while claimed
//		claimed_until timestamptz,      -- the end of the claim's lease
//		done_at       timestamptz       -- when the key was processed
//	);
//	CREATE INDEX IF NOT EXISTS govpay_notifiche_done_at ON govpay_notifiche (done_at);
//
// Put it in the application's migrations, or run it with
// [SQLDeduplicator.CreateTable] from one process at deployment. The
// deduplicator does not create the table on first use: the role serving
// requests should not need the right to change the schema, and replicas
// starting together would race on CREATE TABLE IF NOT EXISTS, which
// PostgreSQL does not make safe against concurrent creators.
func (s *SQLDeduplicator) Schema() string {
	st := s.statements()
	return st[0] + ";\n" + st[1] + ";\n"
}

// statements returns the DDL statements of Schema.
func (s *SQLDeduplicator) statements() [2]string {
	index := s.table + "_done_at"
	if i := strings.LastIndexByte(index, '.'); i >= 0 {
		index = index[i+1:] // an index lives in its table's schema
	}
	return [2]string{
		"CREATE TABLE IF NOT EXISTS " + s.table + " (\n\tchiave        text PRIMARY KEY,\n\ttoken         text,\n" +
			"\tclaimed_until timestamptz,\n\tdone_at       timestamptz\n)",
		"CREATE INDEX IF NOT EXISTS " + index + " ON " + s.table + " (done_at)",
	}
}

// CreateTable runs [SQLDeduplicator.Schema], one statement at a time.
// Run it from one process (a migration step, a deployment job), not from
// every replica at once.
func (s *SQLDeduplicator) CreateTable(ctx context.Context) error {
	for _, st := range s.statements() {
		if _, err := s.db.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("notifica: creating the table %s: %w", s.table, err)
		}
	}
	return nil
}

// Prune deletes the keys processed more than the retention ago
// ([WithSQLRetention], default [MemoryRetention]) and the claims whose lease
// ended that long ago (a crashed replica's, never redelivered), and
// returns how many rows it deleted. Run it periodically (daily, say) from
// any replica: it is idempotent. A key pruned is processed again if
// GovPay ever delivers it after that.
func (s *SQLDeduplicator) Prune(ctx context.Context) (int64, error) {
	r, err := s.db.ExecContext(ctx, s.qPrune, strconv.FormatInt(s.retention.Microseconds(), 10)+" microseconds")
	if err != nil {
		return 0, fmt.Errorf("notifica: pruning %s: %w", s.table, err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("notifica: pruning %s: %w", s.table, err)
	}
	return n, nil
}

// Begin implements [Deduplicator]. It claims key for the lease, or reports
// it processed, or waits while another delivery, on any replica, holds an
// unexpired claim: until that delivery's outcome (taking the key over if
// it failed), the lease's end (taking it over), or ctx's end (returning
// ctx's error). A database error is returned as is, wrapped.
func (s *SQLDeduplicator) Begin(ctx context.Context, key string) (Claim, error) {
	token, err := newToken()
	if err != nil {
		return Claim{}, err
	}
	wait := sqlMinPoll
	for {
		start := time.Now()
		var one int
		err := s.db.QueryRowContext(ctx, s.qClaim, key, token).Scan(&one)
		if err == nil {
			// The lease began no earlier than start in the database's
			// clock: the local deadline does not outlive it.
			cctx, cancel := context.WithDeadline(ctx, start.Add(s.lease))
			return Claim{Context: cctx, Release: s.releaser(key, token, cancel)}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return Claim{}, s.dbError(ctx, "claiming a key", err)
		}
		var done bool
		var left float64
		err = s.db.QueryRowContext(ctx, s.qLook, key).Scan(&done, &left)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue // freed in between: claim it
		case err != nil:
			return Claim{}, s.dbError(ctx, "reading a key", err)
		case done:
			return Claim{Done: true}, nil
		}
		d := wait
		if l := time.Duration(left * float64(time.Second)); l < d {
			d = max(l, 0) + time.Millisecond
		}
		if !transport.Sleep(ctx, d) {
			return Claim{}, ctx.Err()
		}
		wait = min(2*wait, s.poll)
	}
}

// dbError wraps a database error, or returns ctx's error when ctx ended.
func (s *SQLDeduplicator) dbError(ctx context.Context, doing string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return fmt.Errorf("notifica: SQL deduplicator %s (%s): %w", doing, s.table, err)
}

func (s *SQLDeduplicator) releaser(key, token string, cancel context.CancelFunc) func(context.Context, bool) error {
	var once sync.Once
	return func(ctx context.Context, success bool) error {
		err := errors.New("notifica: claim already released")
		once.Do(func() {
			cancel()
			// The handler's ctx is never cancelled: bound the statement
			// by the lease, past which the claim expires anyway.
			ctx, stop := context.WithTimeout(ctx, s.lease)
			defer stop()
			if !success {
				_, err = s.db.ExecContext(ctx, s.qFree, key, token)
				if err != nil {
					err = s.dbError(ctx, "freeing a key", err)
				}
				return
			}
			var r sql.Result
			r, err = s.db.ExecContext(ctx, s.qDone, key, token)
			if err != nil {
				err = s.dbError(ctx, "recording a key processed", err)
				return
			}
			var n int64
			if n, err = r.RowsAffected(); err == nil && n == 0 {
				err = ErrClaimExpired
			}
		})
		return err
	}
}

// newToken returns a random claim token.
func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("notifica: claim token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
