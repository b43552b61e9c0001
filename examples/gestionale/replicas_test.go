package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplicasShareTheDatabase runs the command with three replicas behind
// the fake's round-robin, deduplicating in PostgreSQL (GOVPAY_TEST_POSTGRES,
// in a schema of the test's own): each replica serves one of the three
// receipts, each receipt is printed once and recorded in the table as
// processed.
func TestReplicasShareTheDatabase(t *testing.T) {
	dsn := os.Getenv("GOVPAY_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("PostgreSQL test skipped: set GOVPAY_TEST_POSTGRES to a server's DSN (.ci/run starts one)")
	}
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer db.Close()
	schema := fmt.Sprintf("gestionale_test_%d", rand.Uint64()%1e9)
	_, err = db.Exec(`CREATE SCHEMA ` + schema)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	args := []string{"-once", "-listen", "127.0.0.1:0", "-replicas", "3", "-database", u.String(), "-demo-payments", "3"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	require.NoError(t, run(ctx, args, &out, &errOut), errOut.String())
	s := out.String()
	assert.Contains(t, s, "notifications deduplicated in PostgreSQL (table govpay_notifiche), shared by 3 replica(s)")
	assert.Equal(t, 3, strings.Count(s, "notifica: ricevuta"), s)
	for r := 1; r <= 3; r++ {
		assert.Equal(t, 1, strings.Count(s, fmt.Sprintf("replica %d: PUT /ente/ricevute/", r)), "replica %d served one receipt:\n%s", r, s)
	}
	var done int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM `+schema+`.govpay_notifiche WHERE done_at IS NOT NULL`).Scan(&done))
	assert.Equal(t, 3, done)

}

// TestReplicasInMemory: without -database the replicas work, each
// deduplicating alone, and the command says so.
func TestReplicasInMemory(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	require.NoError(t, run(ctx, []string{"-once", "-listen", "127.0.0.1:0", "-replicas", "2", "-demo-payments", "2"}, &out, &errOut))
	s := out.String()
	assert.Contains(t, s, "2 replicas deduplicating in memory, each on its own")
	assert.Equal(t, 2, strings.Count(s, "notifica: ricevuta"), s)
	assert.Contains(t, s, "replica 1: PUT /ente/ricevute/")
	assert.Contains(t, s, "replica 2: PUT /ente/ricevute/")
	for _, bad := range []string{"0", "17"} {
		assert.Error(t, run(ctx, []string{"-once", "-replicas", bad}, &out, &errOut))
	}
	err := run(ctx, []string{"-once", "-listen", "127.0.0.1:0", "-database", "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"}, &out, &errOut)
	assert.ErrorContains(t, err, "-database")
}
