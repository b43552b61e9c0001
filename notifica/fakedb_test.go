package notifica_test

// A tiny in-memory database/sql driver ("exampledb") that understands the
// few statements of the package example, with the semantics that matter:
// INSERT … ON CONFLICT DO NOTHING and SELECT … FOR UPDATE lock the key
// until the transaction ends, and a rollback undoes its writes.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"sync"
)

func init() { sql.Register("exampledb", &fakeDriver{}) }

type fakeDB struct {
	mu        sync.Mutex
	notifiche map[string]bool // chiave → elaborata
	incassi   []string
	locks     map[string]chan struct{}
}

func newFakeDB() *fakeDB {
	return &fakeDB{notifiche: map[string]bool{}, locks: map[string]chan struct{}{}}
}

// fakeDriver gives every sql.DB its own empty database.
type fakeDriver struct{}

func (d *fakeDriver) Open(string) (driver.Conn, error) { return &fakeConn{db: newFakeDB()}, nil }

func (d *fakeDriver) OpenConnector(string) (driver.Connector, error) {
	return &fakeConnector{db: newFakeDB()}, nil
}

type fakeConnector struct{ db *fakeDB }

func (c *fakeConnector) Connect(context.Context) (driver.Conn, error) {
	return &fakeConn{db: c.db}, nil
}
func (c *fakeConnector) Driver() driver.Driver { return &fakeDriver{} }

type fakeConn struct {
	db *fakeDB
	tx *fakeTx
}

func (c *fakeConn) Prepare(q string) (driver.Stmt, error) { return &fakeStmt{c: c, q: q}, nil }
func (c *fakeConn) Close() error                          { return nil }
func (c *fakeConn) Begin() (driver.Tx, error) {
	c.tx = &fakeTx{c: c}
	return c.tx, nil
}

type fakeTx struct {
	c      *fakeConn
	undo   []func()
	locked []string
}

func (t *fakeTx) end(commit bool) error {
	db := t.c.db
	db.mu.Lock()
	if !commit {
		for i := len(t.undo) - 1; i >= 0; i-- {
			t.undo[i]()
		}
	}
	for _, k := range t.locked {
		close(db.locks[k])
		delete(db.locks, k)
	}
	db.mu.Unlock()
	t.c.tx = nil
	return nil
}

func (t *fakeTx) Commit() error   { return t.end(true) }
func (t *fakeTx) Rollback() error { return t.end(false) }

// lock takes the row lock of key for the connection's transaction.
func (c *fakeConn) lock(key string) {
	db := c.db
	for {
		db.mu.Lock()
		ch, held := db.locks[key]
		if !held {
			db.locks[key] = make(chan struct{})
			c.tx.locked = append(c.tx.locked, key)
			db.mu.Unlock()
			return
		}
		for _, k := range c.tx.locked {
			if k == key {
				db.mu.Unlock()
				return
			}
		}
		db.mu.Unlock()
		<-ch
	}
}

type fakeStmt struct {
	c *fakeConn
	q string
}

func (s *fakeStmt) Close() error  { return nil }
func (s *fakeStmt) NumInput() int { return -1 }

func (s *fakeStmt) Exec(args []driver.Value) (driver.Result, error) {
	c, db := s.c, s.c.db
	if c.tx == nil {
		return nil, errors.New("exampledb: writes need a transaction")
	}
	switch {
	case strings.HasPrefix(s.q, "INSERT INTO notifiche"):
		key := args[0].(string)
		c.lock(key)
		db.mu.Lock()
		if _, ok := db.notifiche[key]; !ok {
			db.notifiche[key] = false
			c.tx.undo = append(c.tx.undo, func() { delete(db.notifiche, key) })
		}
		db.mu.Unlock()
	case strings.HasPrefix(s.q, "UPDATE notifiche SET elaborata = TRUE"):
		key := args[0].(string)
		db.mu.Lock()
		db.notifiche[key] = true
		c.tx.undo = append(c.tx.undo, func() { db.notifiche[key] = false })
		db.mu.Unlock()
	case strings.HasPrefix(s.q, "INSERT INTO incassi"):
		db.mu.Lock()
		db.incassi = append(db.incassi, args[0].(string))
		n := len(db.incassi)
		c.tx.undo = append(c.tx.undo, func() { db.incassi = db.incassi[:n-1] })
		db.mu.Unlock()
	default:
		return nil, errors.New("exampledb: unknown statement " + s.q)
	}
	return driver.RowsAffected(1), nil
}

func (s *fakeStmt) Query(args []driver.Value) (driver.Rows, error) {
	c, db := s.c, s.c.db
	switch {
	case strings.HasPrefix(s.q, "SELECT elaborata FROM notifiche"):
		key := args[0].(string)
		if c.tx != nil && strings.HasSuffix(s.q, "FOR UPDATE") {
			c.lock(key)
		}
		db.mu.Lock()
		defer db.mu.Unlock()
		done, ok := db.notifiche[key]
		if !ok {
			return &fakeRows{}, nil
		}
		return &fakeRows{vals: []driver.Value{done}}, nil
	case strings.HasPrefix(s.q, "SELECT COUNT(*) FROM incassi"):
		db.mu.Lock()
		defer db.mu.Unlock()
		return &fakeRows{vals: []driver.Value{int64(len(db.incassi))}}, nil
	}
	return nil, errors.New("exampledb: unknown query " + s.q)
}

type fakeRows struct {
	vals []driver.Value
	done bool
}

func (r *fakeRows) Columns() []string { return []string{"c"} }
func (r *fakeRows) Close() error      { return nil }
func (r *fakeRows) Next(dest []driver.Value) error {
	if r.done || r.vals == nil {
		return io.EOF
	}
	r.done = true
	copy(dest, r.vals)
	return nil
}

var _ driver.Conn = (*fakeConn)(nil)
