package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pagamenti"
)

// TestMain lets the scripts run the command as "govpay" (the test binary
// re-executed), so every script exercises the real command line.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"govpay": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs testdata/script/*.txtar: each starts "govpay fake" in
// the background on a free loopback port (--addr 127.0.0.1:0
// --ready-file), waits for it with waitfake, and drives the command
// against it.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waitfake":     cmdWaitFake,
			"fakecount":    cmdFakeCount,
			"waitlines":    cmdWaitLines,
			"startpayment": cmdStartPayment,
			"enteserver":   cmdEnteServer,
			"entereceived": cmdEnteReceived,
		},
	})
}

// cmdWaitFake waits for the ready file of "govpay fake --ready-file FILE"
// and sets GOVPAY_HOST to the fake's URL.
//
//	waitfake FILE
func cmdWaitFake(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfake FILE")
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(path)
		if err == nil && strings.HasSuffix(string(b), "\n") {
			ts.Setenv("GOVPAY_HOST", strings.TrimSpace(string(b)))
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("govpay fake did not write %s in 30 s", args[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// fakeCounts reads the fake's request counters from its control API.
func fakeCounts(host string) (map[string]int, error) {
	resp, err := http.Get(host + "/_fake/counts")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /_fake/counts: %s", resp.Status)
	}
	var m map[string]int
	return m, json.NewDecoder(resp.Body).Decode(&m)
}

// cmdFakeCount checks how many requests of an operation the fake received
// (the operation names of govpaytest.Operation).
//
//	fakecount OPERATION N
func cmdFakeCount(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: fakecount OPERATION N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	m, err := fakeCounts(ts.Getenv("GOVPAY_HOST"))
	ts.Check(err)
	got := m[args[0]]
	if (got == want) == neg {
		ts.Fatalf("fake received %d requests of %s, want %s%d", got, args[0], map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdWaitLines waits until FILE has at least N lines.
//
//	waitlines FILE N
func cmdWaitLines(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitlines FILE N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(ts.MkAbs(args[0]))
		if strings.Count(string(b), "\n") >= n {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("%s has %d lines after 30 s, want %d", args[0], strings.Count(string(b), "\n"), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cmdStartPayment starts a payment of one pendenza on the fake with the
// SDK (the command does not start payments), pays it through the fake's
// control API (POST /_fake/pay) and sets PAGAMENTO_ID to its id.
//
//	startpayment IDA2A IDPENDENZA
func cmdStartPayment(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: startpayment IDA2A IDPENDENZA")
	}
	host := ts.Getenv("GOVPAY_HOST")
	cfg, err := govpay.NewConfig(host, govpay.WithInsecureRedirect())
	ts.Check(err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	avvio, err := pagamenti.New(cfg).Start(ctx, pagamenti.NewCart().AddRiferimento(args[0], args[1]),
		pagamenti.StartOptions{IDSessionePortale: "script-" + args[1], URLRitorno: "http://127.0.0.1/ritorno"})
	ts.Check(err)
	resp, err := http.PostForm(host+"/_fake/pay", url.Values{"url": {avvio.Redirect}, "choice": {"paga"}})
	ts.Check(err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		ts.Fatalf("POST /_fake/pay: %s", resp.Status)
	}
	ts.Setenv("PAGAMENTO_ID", avvio.ID)
}

// enteServers are the API Ente receivers started by enteserver, by script
// (its WORK directory).
var enteServers sync.Map

// enteReceiver records the notifications it receives.
type enteReceiver struct {
	mu    sync.Mutex
	paths []string
}

// cmdEnteServer starts a creditor's API Ente receiver (answering 200 to
// every notification) for the rest of the script and sets ENTE_URL.
//
//	enteserver
func cmdEnteServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: enteserver")
	}
	rec := &enteReceiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.paths = append(rec.paths, r.Method+" "+r.URL.Path)
		rec.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	ts.Defer(srv.Close)
	enteServers.Store(ts.Getenv("WORK"), rec)
	ts.Setenv("ENTE_URL", srv.URL+"/ente")
}

// cmdEnteReceived waits until the receiver of enteserver got a
// notification whose "METHOD path" matches the prefix.
//
//	entereceived PREFIX
func cmdEnteReceived(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: entereceived 'METHOD /path-prefix'")
	}
	v, ok := enteServers.Load(ts.Getenv("WORK"))
	if !ok {
		ts.Fatalf("entereceived: no enteserver in this script")
	}
	rec := v.(*enteReceiver)
	deadline := time.Now().Add(30 * time.Second)
	for {
		rec.mu.Lock()
		paths := append([]string(nil), rec.paths...)
		rec.mu.Unlock()
		for _, p := range paths {
			if strings.HasPrefix(p, args[0]) {
				ts.Logf("received %s", p)
				return
			}
		}
		if time.Now().After(deadline) {
			ts.Fatalf("no notification %q in 30 s (received %q)", args[0], paths)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
