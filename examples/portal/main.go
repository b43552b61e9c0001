// Command portal is a small payment portal for citizens built on the GovPay
// SDK: log in with a codice fiscale, see the debt position, put debts and
// paper notices (typed, or pasted from their QR code) in a cart, pay them
// on pagoPA, come back to the outcome page and download the receipts.
//
// Run without flags it starts an in-memory GovPay (package govpaytest,
// seeded with demo data) and serves the portal on 127.0.0.1:8080:
//
//	go run ./examples/portal
//
// It prints the portal's URL and the demo citizen's codice fiscale. The fake
// GovPay listens on another local port (-fake-addr) and serves the fake
// WISP / pagoPA Checkout pages the browser is sent to.
//
// # Flags
//
//	-addr host:port        where the portal listens (default 127.0.0.1:8080;
//	                       127.0.0.1:0 picks a free port)
//	-public-url URL        the portal's URL as browsers see it (default
//	                       http://<addr>); return URLs are built on it
//	-mode legacy|bridge|checkout
//	                       how payments start (default legacy): GovPay's WISP
//	                       flow, GovPay's checkout bridge, or pagoPA Checkout
//	-fake-addr host:port   where the embedded fake GovPay listens
//	                       (default 127.0.0.1:0)
//	-govpay URL            a real GovPay ("https://govpay.example.it")
//	                       instead of the fake; the base URLs follow from
//	                       it and from the credentials (basic with
//	                       GOVPAY_USER, public without)
//	-pagamento-url URL     API Pagamento v2 base URL (overrides -govpay)
//	-ragioneria-url URL    API Ragioneria v3 base URL (overrides -govpay)
//	-checkout-url URL      pagoPA Checkout EC API base URL (checkout mode;
//	                       default the UAT environment, v2)
//	-insecure-redirect     accept plain-http payment pages (test GovPay only)
//	-ente NAME             the name in the page header
//	-secure-cookie         mark the session cookie Secure (portal behind https)
//	-avvii DIR             where started payments are kept until the payer
//	                       returns (default <tmp>/govpay-portal-avvii): one
//	                       JSON file per payment; the login sessions (with
//	                       the cart being filled) are kept in its
//	                       subdirectory "sessioni", one file per session.
//	                       Replicas behind a load balancer share this
//	                       directory, so any of them serves any browser; a
//	                       restarted portal finds its payments and sessions
//	                       there.
//
// With -govpay, credentials come from the environment: GOVPAY_USER and
// GOVPAY_PASSWORD (HTTP Basic), GOVPAY_CHECKOUT_KEY (pagoPA Checkout
// subscription key, checkout mode).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/examples/portal/portale"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pagamenti"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// run is the whole command; it serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		addr          = fs.String("addr", "127.0.0.1:8080", "`host:port` the portal listens on (127.0.0.1:0 picks a free port)")
		publicURL     = fs.String("public-url", "", "the portal's `URL` as browsers see it (default http://<addr>)")
		modeName      = fs.String("mode", "legacy", "payment `mode`: legacy, bridge or checkout")
		fakeAddr      = fs.String("fake-addr", "127.0.0.1:0", "`host:port` of the embedded fake GovPay (without -govpay)")
		host          = fs.String("govpay", "", "`URL` of a real GovPay (https://govpay.example.it); default: embedded fake")
		pagamentoURL  = fs.String("pagamento-url", "", "API Pagamento v2 base `URL` (overrides -govpay)")
		ragioneriaURL = fs.String("ragioneria-url", "", "API Ragioneria v3 base `URL` (overrides -govpay)")
		checkoutURL   = fs.String("checkout-url", "https://api.uat.platform.pagopa.it/checkout/ec/v2", "pagoPA Checkout EC API base `URL` (checkout mode, with -govpay)")
		insecure      = fs.Bool("insecure-redirect", false, "accept plain-http payment pages (test GovPay only)")
		ente          = fs.String("ente", "", "`name` shown in the page header")
		secureCookie  = fs.Bool("secure-cookie", false, "mark the session cookie Secure (portal served over https)")
		avviiDir      = fs.String("avvii", filepath.Join(os.TempDir(), "govpay-portal-avvii"), "`directory` where started payments and, in its subdirectory sessioni, login sessions are kept (shared by the replicas)")
		verbose       = fs.Bool("v", false, "log failed GovPay calls to stderr")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	mode, err := portale.ParseMode(*modeName)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w\n"+
			"  another program (another portal?) may be using the port: stop it, or choose another address\n"+
			"  with -addr, for example -addr 127.0.0.1:0 to pick a free port", *addr, err)
	}
	defer ln.Close()
	base := *publicURL
	if base == "" {
		base = "http://" + browsable(ln.Addr().(*net.TCPAddr))
	}

	var cfg portale.Config
	var fake *govpaytest.Server
	if *host == "" && *pagamentoURL == "" {
		fm, _ := portale.FakeMode(mode)
		cred := portale.FakeCredentials{User: "portale-demo", Password: randomHex(), CheckoutKey: randomHex()}
		fake = govpaytest.NewUnstartedServer(govpaytest.WithDemoData(), govpaytest.WithMode(fm),
			govpaytest.WithBasicAuth(cred.User, cred.Password), govpaytest.WithSubscriptionKey(cred.CheckoutKey))
		if err := fake.Start(*fakeAddr); err != nil {
			return fmt.Errorf("cannot start the fake GovPay: %w (choose another address with -fake-addr)", err)
		}
		defer fake.Close()
		cfg = portale.FakeConfig(fake, mode, base, cred)
	} else {
		var opts []govpay.Option
		if u := os.Getenv("GOVPAY_USER"); u != "" {
			opts = append(opts, govpay.WithBasicAuth(u, os.Getenv("GOVPAY_PASSWORD")))
		}
		if *insecure {
			opts = append(opts, govpay.WithInsecureRedirect())
		}
		gpHost := *host
		if *pagamentoURL != "" {
			opts = append(opts, govpay.WithEndpoint(govpay.APIPagamento, *pagamentoURL))
			if gpHost == "" {
				gpHost = origin(*pagamentoURL)
			}
		}
		if *ragioneriaURL != "" {
			opts = append(opts, govpay.WithEndpoint(govpay.APIRagioneria, *ragioneriaURL))
		}
		gp, err := govpay.NewConfig(gpHost, opts...)
		if err != nil {
			return err
		}
		cfg = portale.Config{
			Mode:        mode,
			GovPay:      gp,
			CheckoutURL: *checkoutURL,
			CheckoutKey: os.Getenv("GOVPAY_CHECKOUT_KEY"),
			PublicURL:   base,
		}
	}
	if *ente != "" {
		cfg.Ente = *ente
	}
	cfg.SecureCookie = *secureCookie
	if cfg.Avvii, err = portale.NewDirStore(*avviiDir); err != nil {
		return err
	}
	if cfg.Sessions, err = portale.NewDirSessionStore(filepath.Join(*avviiDir, "sessioni")); err != nil {
		return err
	}
	if *verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	app, err := portale.NewApp(cfg)
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "portal: serving on %s (payment mode %s)\n", base, mode)
	if fake != nil {
		fmt.Fprintf(stdout, "portal: fake GovPay (govpaytest, demo data) on %s\n", fake.URL)
		fmt.Fprintf(stdout, "portal: log in with the demo codice fiscale %s\n", govpaytest.DemoCodiceFiscale)
	} else {
		fmt.Fprintf(stdout, "portal: GovPay API Pagamento at %s\n", pagamenti.New(cfg.GovPay).BaseURL())
	}

	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "portal: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// browsable returns the address a local browser can open for a listener
// address: an unspecified IP (":8080", "0.0.0.0:8080") becomes localhost.
func browsable(a *net.TCPAddr) string {
	if a.IP == nil || a.IP.IsUnspecified() {
		return net.JoinHostPort("localhost", fmt.Sprint(a.Port))
	}
	return a.String()
}

func randomHex() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// origin returns the scheme and authority of the URL s ("https://h:8443"),
// or s itself when it does not parse.
func origin(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	return u.Scheme + "://" + u.Host
}
