package notifica_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay/notifica"
)

// The raw handlers' statements. rawClaim and rawDone are what a
// hand-written handler does to deduplicate correctly, and what the SQL
// deduplicator does on a first delivery: claim the key with a lease (a new
// row, or the takeover of an expired claim) and record it processed once
// the work succeeded. rawInsert is the single INSERT … ON CONFLICT DO
// NOTHING, shown for reference only: it cannot free a key whose processing
// failed nor expire a crashed replica's claim, so it is not a
// deduplication that keeps every receipt.
const (
	rawClaim = `INSERT INTO %[1]s AS d (chiave, token, claimed_until) VALUES ($1, $2, now() + interval '50 seconds')
ON CONFLICT (chiave) DO UPDATE SET token = EXCLUDED.token, claimed_until = EXCLUDED.claimed_until
WHERE d.done_at IS NULL AND d.claimed_until <= now() RETURNING 1`
	rawDone   = `UPDATE %[1]s SET done_at = now(), token = NULL, claimed_until = NULL WHERE chiave = $1 AND token = $2`
	rawInsert = `INSERT INTO %[1]s (chiave, done_at) VALUES ($1, now()) ON CONFLICT (chiave) DO NOTHING`
)

// rawSQLHandler is the hand-written net/http handler of the P5 benchmark:
// the same route, the body decoded with encoding/json into a plain struct,
// the key deduplicated in PostgreSQL with the statements given (rawClaim
// and rawDone, or rawInsert alone).
func rawSQLHandler(db *sql.DB, table string, twoStatements bool) http.Handler {
	claim, done, insert := fmt.Sprintf(rawClaim, table), fmt.Sprintf(rawDone, table), fmt.Sprintf(rawInsert, table)
	var seq atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /ricevute/{idDominio}/{iuv}/{idRicevuta...}", func(w http.ResponseWriter, r *http.Request) {
		var v rawRicevuta
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		key := "ricevuta/" + r.PathValue("idDominio") + "/" + r.PathValue("iuv") + "/" + v.IDRicevuta
		ctx := r.Context()
		if !twoStatements {
			if _, err := db.ExecContext(ctx, insert, key); err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusCreated)
			return
		}
		token := fmt.Sprint(seq.Add(1))
		var one int
		if err := db.QueryRowContext(ctx, claim, key, token).Scan(&one); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		if _, err := db.ExecContext(ctx, done, key, token); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	return mux
}

// p5Variant is one handler measured by BenchmarkP5SQLDeduplicator.
type p5Variant struct {
	name  string
	h     http.Handler
	total time.Duration // wall-clock time of its batches
	n     int
	lat   []time.Duration
}

// BenchmarkP5SQLDeduplicator (BENCHMARKS.md, P5) measures the throughput
// of notifications, each a new v2 receipt, served by workers goroutines at
// once: the notifica handler with the SQL deduplicator on PostgreSQL
// ("sql"), with the memory deduplicator ("mem"), a raw net/http handler
// doing the same claim and record statements ("raw", the limit of a
// database-backed deduplication) and one doing a single INSERT … ON
// CONFLICT DO NOTHING ("raw1", reference only). The variants run in
// turns, a batch each per iteration, so that the load of a shared machine
// falls on all alike. It reports each variant's requests per second and
// p99 latency, and sql's throughput relative to raw ("sql-x-raw", target
// ≥ 0.9) and to mem. Needs GOVPAY_TEST_POSTGRES.
func BenchmarkP5SQLDeduplicator(b *testing.B) {
	dsn := pgDSN(b)
	fixture, err := os.ReadFile("testdata/ricevuta_v2.json")
	if err != nil {
		b.Fatal(err)
	}
	const workers, batch = 8, 64
	const fixtureID = "b7e3a0c6f1d24c6f9a3f0e2d5c4b1a09"
	open := func() (*sql.DB, string) {
		db := pgOpen(b, dsn)
		db.SetMaxOpenConns(workers)
		db.SetMaxIdleConns(workers)
		return db, pgTable(b, db)
	}
	sqlDB, sqlTable := open()
	dedup, err := notifica.NewSQLDeduplicator(sqlDB, notifica.WithSQLTable(sqlTable))
	if err != nil {
		b.Fatal(err)
	}
	newH := func(d notifica.Deduplicator) http.Handler {
		h, err := notifica.NewHandler(&discardReceiver{}, notifica.WithNoAuthentication(), notifica.WithDeduplicator(d))
		if err != nil {
			b.Fatal(err)
		}
		return h
	}
	rawDB, rawTable := open()
	raw1DB, raw1Table := open()
	variants := []*p5Variant{
		{name: "sql", h: newH(dedup)},
		{name: "raw", h: rawSQLHandler(rawDB, rawTable, true)},
		{name: "mem", h: newH(notifica.NewMemoryDeduplicator())},
		{name: "raw1", h: rawSQLHandler(raw1DB, raw1Table, false)},
	}
	var seq atomic.Int64
	// serve delivers one new receipt to h and returns its latency.
	serve := func(h http.Handler) time.Duration {
		id := fmt.Sprintf("%032d", seq.Add(1))
		body := bytes.Replace(fixture, []byte(fixtureID), []byte(id), 1)
		req, _ := http.NewRequest(http.MethodPut, "http://ente.example/ricevute/01234567890/01000000000012345/"+id, nil)
		req.Header.Set("Content-Type", "application/json")
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		w := &benchWriter{h: http.Header{}}
		start := time.Now()
		h.ServeHTTP(w, req)
		d := time.Since(start)
		if w.code != http.StatusCreated {
			panic(fmt.Sprintf("status %d", w.code))
		}
		return d
	}
	runBatch := func(v *p5Variant) {
		lat := make([]time.Duration, batch)
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := next.Add(1) - 1; i < batch; i = next.Add(1) - 1 {
					lat[i] = serve(v.h)
				}
			}()
		}
		wg.Wait()
		v.total += time.Since(start)
		v.n += batch
		v.lat = append(v.lat, lat...)
	}
	for _, v := range variants { // warm the pools and the statement caches
		runBatch(v)
		v.total, v.n, v.lat = 0, 0, nil
	}
	round := 0
	for b.Loop() {
		for k := range variants { // a different variant starts each round
			runBatch(variants[(round+k)%len(variants)])
		}
		round++
	}
	rate := map[string]float64{}
	for _, v := range variants {
		rate[v.name] = float64(v.n) / v.total.Seconds()
		slices.Sort(v.lat)
		p99 := v.lat[(len(v.lat)*99+99)/100-1]
		b.ReportMetric(rate[v.name], v.name+"-req/s")
		b.ReportMetric(float64(p99.Microseconds()), v.name+"-p99-us")
	}
	b.ReportMetric(rate["sql"]/rate["raw"], "sql-x-raw")
	b.ReportMetric(rate["sql"]/rate["mem"], "sql-x-mem")
	b.ReportMetric(rate["sql"]/rate["raw1"], "sql-x-raw1")
}
