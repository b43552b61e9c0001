// Command gestionale is the vertical system ("gestionale") of a creditor
// built on the GovPay SDK: it loads pendenze from a CSV file into GovPay
// with the bulk loader (a progress bar on the terminal) and receives
// GovPay's payment notifications (API Ente v1 and v2), printing each
// receipt.
//
// Run without flags it starts an in-memory GovPay (package govpaytest,
// seeded with demo data) configured to notify the gestionale, loads
// testdata/pendenze.csv (embedded in the binary), simulates one citizen
// paying one of the loaded pendenze, prints the notifications as they
// arrive, and keeps serving until interrupted:
//
//	go run ./examples/gestionale
//
// It also prints the command that runs the portal example on the same fake
// GovPay, so that the gestionale receives the payments made there.
//
// # Flags
//
//	-csv FILE             the pendenze to load (default: the embedded
//	                      testdata/pendenze.csv; columns in that file)
//	-listen host:port     where GovPay's notifications are received
//	                      (default 127.0.0.1:8090; the API Ente is served
//	                      under /ente/)
//	-ida2a ID             the gestionale's application id in GovPay
//	                      (default A2A-GESTIONALE, or GOVPAY_USER)
//	-concurrency N        PUTs in flight while loading (default 8)
//	-strict               extra checks GovPay does not make (check
//	                      characters of codici fiscali, IBAN mod-97)
//	-api-ente 1|2         the API Ente version the fake notifies with
//	-demo-payments N      payments the fake simulates after loading (default 1)
//	-fake-addr host:port  where the embedded fake GovPay listens
//	-once                 exit after loading (and after the notifications of
//	                      the simulated payments) instead of serving
//	-govpay URL           a real GovPay ("https://govpay.example.it")
//	                      instead of the fake; -pendenze-url overrides the
//	                      derived API Pendenze v2 base URL
//	-replicas N           notification endpoints, as N replicas behind a
//	                      load balancer (default 1): the first listens on
//	                      -listen, the others on the same host, and the
//	                      fake delivers round-robin to them
//	-database URL         a PostgreSQL database ("postgres://user@host/db"):
//	                      every replica deduplicates notifications in it
//	                      with notifica.NewSQLDeduplicator (the table is
//	                      created at start); default: each replica in its
//	                      own memory
//
// # Several replicas
//
// GovPay sends every notification to one URL; in production a load
// balancer spreads them over the gestionale's replicas, and a redelivery
// usually reaches another replica. Try it with the fake standing in for
// the load balancer:
//
//	go run ./examples/gestionale -replicas 3 -demo-payments 6 \
//		-database 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable'
//
// Each replica prints the deliveries it serves; the keys of the receipts
// processed stay in the database (table govpay_notifiche), where every
// replica finds them.
//
// Credentials come from the environment: GOVPAY_USER and GOVPAY_PASSWORD
// (HTTP Basic towards a real GovPay), NOTIFICA_USER and NOTIFICA_PASSWORD
// (what GovPay must send to the notification endpoint; with a real GovPay
// NOTIFICA_PASSWORD is required, with the fake a random one is used).
package main

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/examples/gestionale/ente"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
)

//go:embed testdata/pendenze.csv
var demoCSV []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gestionale:", err)
		os.Exit(1)
	}
}

// lockedWriter serializes the writes of the loader and of the notification
// handler on one terminal.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p under the lock.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// run is the whole command; it returns when ctx ends (or, with -once, when
// the work is done).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gestionale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		csvPath     = fs.String("csv", "", "CSV `file` of pendenze (default: the embedded testdata/pendenze.csv)")
		listen      = fs.String("listen", "127.0.0.1:8090", "`host:port` receiving GovPay's notifications (API Ente under /ente/)")
		idA2A       = fs.String("ida2a", "", "application `id` of the gestionale in GovPay (default GOVPAY_USER or A2A-GESTIONALE)")
		concurrency = fs.Int("concurrency", 8, "PUTs in `flight` while loading")
		strict      = fs.Bool("strict", false, "extra checks GovPay does not make")
		apiEnte     = fs.Int("api-ente", 2, "API Ente `version` the fake notifies with (1 or 2)")
		demoPay     = fs.Int("demo-payments", 1, "`payments` the fake simulates after loading")
		fakeAddr    = fs.String("fake-addr", "127.0.0.1:0", "`host:port` of the embedded fake GovPay")
		once        = fs.Bool("once", false, "exit after loading and the simulated payments' notifications")
		host        = fs.String("govpay", "", "`URL` of a real GovPay; default: embedded fake")
		pendenzeURL = fs.String("pendenze-url", "", "API Pendenze v2 base `URL` (overrides -govpay)")
		replicas    = fs.Int("replicas", 1, "`number` of notification endpoints (replicas behind the fake's round-robin)")
		database    = fs.String("database", "", "PostgreSQL `URL` where the replicas deduplicate notifications (default: in memory)")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *apiEnte != 1 && *apiEnte != 2 {
		return fmt.Errorf("-api-ente %d: want 1 or 2", *apiEnte)
	}
	if *replicas < 1 || *replicas > 16 {
		return fmt.Errorf("-replicas %d: want 1 to 16", *replicas)
	}
	out := &lockedWriter{w: stdout}
	real := *host != "" || *pendenzeURL != ""
	if *idA2A == "" {
		*idA2A = os.Getenv("GOVPAY_USER")
		if *idA2A == "" || !real {
			*idA2A = "A2A-GESTIONALE"
		}
	}

	// The pendenze to load.
	var src io.Reader = strings.NewReader(string(demoCSV))
	if *csvPath != "" {
		f, err := os.Open(*csvPath)
		if err != nil {
			return err
		}
		defer f.Close()
		src = f
	}
	items, err := ente.ParseCSV(src, *idA2A)
	if err != nil {
		return err
	}

	// The notification endpoint.
	notifUser, notifPass := os.Getenv("NOTIFICA_USER"), os.Getenv("NOTIFICA_PASSWORD")
	if notifUser == "" {
		notifUser = "govpay"
	}
	if notifPass == "" {
		if real {
			return errors.New("NOTIFICA_PASSWORD is required with a real GovPay: it is what GovPay's connector sends")
		}
		notifPass = randomHex()
	}
	reg := ente.NewRegistro(out)
	eps, err := startReplicas(ctx, *replicas, *listen, *database, reg, notifUser, notifPass, out)
	if err != nil {
		return err
	}
	defer eps.Close()
	for i, u := range eps.URLs {
		if len(eps.URLs) > 1 {
			fmt.Fprintf(out, "gestionale: replica %d: API Ente (notifications) at %s\n", i+1, u)
		} else {
			fmt.Fprintf(out, "gestionale: API Ente (notifications) at %s\n", u)
		}
	}

	// GovPay: the embedded fake, or a real one.
	var (
		fake    *govpaytest.Server
		govOpts []govpay.Option
		base    = *pendenzeURL
	)
	if !real {
		pass := randomHex()
		fake = govpaytest.NewUnstartedServer(govpaytest.WithDemoData(), govpaytest.WithBasicAuth(*idA2A, pass),
			govpaytest.WithNotifications(govpaytest.NotificationConfig{URLs: eps.URLs, Version: *apiEnte,
				Username: notifUser, Password: notifPass}))
		if err := fake.Start(*fakeAddr); err != nil {
			return fmt.Errorf("cannot start the fake GovPay: %w (choose another address with -fake-addr)", err)
		}
		defer fake.Close()
		base = fake.PendenzeURL()
		fmt.Fprintf(out, "gestionale: fake GovPay (govpaytest, demo data) at %s, notifying API Ente v%d\n", fake.URL, *apiEnte)
		fmt.Fprintf(out, "gestionale: pay on the same fake with the portal:\n  GOVPAY_USER=%s GOVPAY_PASSWORD=%s go run ./examples/portal -govpay %s -insecure-redirect\n",
			*idA2A, pass, fake.URL)
	} else {
		if u := os.Getenv("GOVPAY_USER"); u != "" {
			govOpts = append(govOpts, govpay.WithBasicAuth(u, os.Getenv("GOVPAY_PASSWORD")))
		}
	}
	// One configuration for every client: the fake's (with its Basic
	// credentials), or the real GovPay's.
	var gp *govpay.Config
	if fake != nil {
		gp = fake.Config(govpay.WithInsecureRedirect())
	} else {
		gpHost := *host
		if base != "" {
			govOpts = append(govOpts, govpay.WithEndpoint(govpay.APIPendenze, base))
			if gpHost == "" {
				if u, err := url.Parse(base); err == nil {
					gpHost = u.Scheme + "://" + u.Host
				}
			}
		}
		var err error
		if gp, err = govpay.NewConfig(gpHost, govOpts...); err != nil {
			return err
		}
		base = gp.String()
	}
	client := pendenze.New(gp)

	fmt.Fprintf(out, "gestionale: loading %d pendenze into %s\n", len(items), base)
	rep, err := ente.Carica(ctx, client, items, out, ente.CaricaOptions{Concurrency: *concurrency, Strict: *strict})
	if err != nil {
		return err
	}

	want := 0
	if fake != nil && *demoPay > 0 && rep.Loaded() > 0 {
		n, err := simulatePayments(ctx, fake, gp, items, *demoPay, out)
		if err != nil {
			return err
		}
		// API Ente v2: one receipt per pendenza; v1: activation + outcome.
		want = n
		if *apiEnte == 1 {
			want = 2 * n
		}
	}
	if *once {
		if want > 0 {
			wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			// Delivered (answered 2xx), whether printed or, already
			// processed, only acknowledged.
			if _, err := fake.WaitNotifications(wctx, want); err != nil {
				return fmt.Errorf("waiting for %d notifications: %w", want, err)
			}
		}
		return nil
	}
	fmt.Fprintln(out, "gestionale: waiting for notifications (Ctrl-C to stop)")
	<-ctx.Done()
	return nil
}

// simulatePayments pays the first n loaded pendenze through the fake, as a
// citizen on a portal would (legacy mode, the fake's WISP page answering
// "Paga"), so that the fake sends its notifications. It returns how many
// pendenze were paid.
func simulatePayments(ctx context.Context, fake *govpaytest.Server, gp *govpay.Config, items []pendenze.Item, n int, out io.Writer) (int, error) {
	pag := pagamenti.New(gp)
	paid := 0
	for _, it := range items[:min(n, len(items))] {
		avvio, err := pag.Start(ctx, pagamenti.NewCart().AddRiferimento(it.IDA2A, it.IDPendenza), pagamenti.StartOptions{})
		if err != nil {
			return paid, fmt.Errorf("simulated payment of %s: %w", it.IDPendenza, err)
		}
		if _, err := fake.Pay(avvio.Redirect, govpaytest.ChoicePaga); err != nil {
			return paid, fmt.Errorf("simulated payment of %s: %w", it.IDPendenza, err)
		}
		fmt.Fprintf(out, "gestionale: simulated a citizen paying %s (%s €) on the fake WISP page\n", it.IDPendenza, it.Pendenza.Importo)
		paid++
	}
	return paid, nil
}

func randomHex() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
