package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the example's PostgreSQL driver: the SDK imports none

	"github.com/govpaygo/govpay/examples/gestionale/ente"
	"github.com/govpaygo/govpay/notifica"
)

// endpoints are the notification endpoints of the gestionale's replicas.
type endpoints struct {
	URLs  []string
	close []func()
}

// Close stops every replica's server and closes its database pool.
func (e *endpoints) Close() {
	for i := len(e.close) - 1; i >= 0; i-- {
		e.close[i]()
	}
}

// startReplicas starts n replicas of the notification endpoint, each with
// its own server, handler and deduplicator, as n processes behind a load
// balancer would have: the first listens on listen, the others on the same
// host with a port of the system's choice. With dsn (a PostgreSQL URL) each
// replica opens its own pool and deduplicates in the shared table through
// notifica.NewSQLDeduplicator; the table is created first, once (as a
// deployment step would). Without dsn each replica deduplicates in its own
// memory: enough for one replica, not for several. With n > 1 every
// delivery is printed with the replica that served it.
func startReplicas(ctx context.Context, n int, listen, dsn string, reg *ente.Registro, user, pass string, out io.Writer) (_ *endpoints, err error) {
	e := &endpoints{}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	if dsn != "" {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("-database: %w", err)
		}
		d, err := notifica.NewSQLDeduplicator(db)
		if err == nil {
			cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			err = d.CreateTable(cctx)
			cancel()
		}
		_ = db.Close()
		if err != nil {
			return nil, fmt.Errorf("-database: %w", err)
		}
		fmt.Fprintf(out, "gestionale: notifications deduplicated in PostgreSQL (table %s), shared by %d replica(s)\n", notifica.DefaultSQLTable, n)
	} else if n > 1 {
		fmt.Fprintf(out, "gestionale: %d replicas deduplicating in memory, each on its own: give -database to share the keys\n", n)
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("-listen %s: %w", listen, err)
	}
	for i := range n {
		var opts []notifica.Option
		if dsn != "" {
			db, err := sql.Open("pgx", dsn)
			if err != nil {
				return nil, fmt.Errorf("-database: %w", err)
			}
			e.close = append(e.close, func() { _ = db.Close() })
			d, err := notifica.NewSQLDeduplicator(db)
			if err != nil {
				return nil, err
			}
			opts = append(opts, notifica.WithDeduplicator(d))
		}
		h, err := ente.NewHandler(reg, user, pass, opts...)
		if err != nil {
			return nil, err
		}
		addr := listen
		if i > 0 {
			addr = net.JoinHostPort(host, "0")
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("cannot listen on %s: %w\n  choose another address with -listen, for example -listen 127.0.0.1:0", addr, err)
		}
		var served http.Handler = http.StripPrefix("/ente", h)
		if n > 1 {
			served = tellReplica(i+1, served, out)
		}
		mux := http.NewServeMux()
		mux.Handle("/ente/", served)
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		e.close = append(e.close, func() { _ = srv.Close() })
		e.URLs = append(e.URLs, "http://"+ln.Addr().String()+"/ente")
	}
	return e, nil
}

// statusRecorder remembers the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status and sends it.
func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// tellReplica prints every request a replica served, with its answer.
func tellReplica(i int, h http.Handler, out io.Writer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		fmt.Fprintf(out, "gestionale: replica %d: %s %s -> %d\n", i, r.Method, r.URL.Path, rec.status)
	})
}
