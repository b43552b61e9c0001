package e2e_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/examples/portal/portale"
	"github.com/govpaygo/govpay/govpaytest"
)

// The environment of a portal replica run as a child process (see
// TestMain): when envReplica is set, the test binary serves one portal and
// nothing else.
const (
	envReplica  = "GOVPAY_E2E_REPLICA" // the payment mode
	envHost     = "GOVPAY_E2E_HOST"
	envCheckout = "GOVPAY_E2E_CHECKOUT_URL"
	envPublic   = "GOVPAY_E2E_PUBLIC_URL"
	envStore    = "GOVPAY_E2E_STORE"
	envUser     = "GOVPAY_E2E_USER"
	envPassword = "GOVPAY_E2E_PASSWORD"
	envKey      = "GOVPAY_E2E_CHECKOUT_KEY"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(envReplica); mode != "" {
		if err := serveReplica(portale.Mode(mode)); err != nil {
			fmt.Fprintln(os.Stderr, "replica:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveReplica runs one portal in this process, configured from the
// environment, prints "listening <addr>" and serves until killed.
func serveReplica(mode portale.Mode) error {
	dir := os.Getenv(envStore)
	store, err := portale.NewDirStore(dir)
	if err != nil {
		return err
	}
	sessions, err := portale.NewDirSessionStore(filepath.Join(dir, "sessioni"))
	if err != nil {
		return err
	}
	gp, err := govpay.NewConfig(os.Getenv(envHost), govpay.WithInsecureRedirect(), govpay.WithBasicAuth(os.Getenv(envUser), os.Getenv(envPassword)))
	if err != nil {
		return err
	}
	app, err := portale.NewApp(portale.Config{
		Mode:        mode,
		GovPay:      gp,
		CheckoutURL: os.Getenv(envCheckout),
		CheckoutKey: os.Getenv(envKey),
		PublicURL:   os.Getenv(envPublic),
		Ente:        "Comune Dimostrativo",
		Avvii:       store,
		Sessions:    sessions,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening %s\n", ln.Addr())
	return (&http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second}).Serve(ln)
}

// replica is a portal running in a child process.
type replica struct {
	cmd  *exec.Cmd
	addr string
}

// startReplica runs a portal in a new process (this test binary, see
// TestMain) on the fake, with the payment store in dir and the session
// store in its subdirectory "sessioni" (as the command portal does),
// behind publicURL.
func startReplica(t *testing.T, fake *govpaytest.Server, mode portale.Mode, publicURL, dir string) *replica {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		envReplica+"="+string(mode),
		envHost+"="+fake.URL,
		envCheckout+"="+fake.CheckoutV2URL(),
		envPublic+"="+publicURL,
		envStore+"="+dir,
		envUser+"="+fakeCred.User,
		envPassword+"="+fakeCred.Password,
		envKey+"="+fakeCred.CheckoutKey,
	)
	cmd.Stderr = testWriter{t}
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	r := &replica{cmd: cmd}
	t.Cleanup(r.stop)
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err, "the replica did not start")
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	require.True(t, ok, "replica said %q", line)
	r.addr = addr
	t.Logf("replica pid %d on %s", cmd.Process.Pid, addr)
	return r
}

// stop kills the replica's process (a crash: nothing is flushed or handed
// over) and waits for it.
func (r *replica) stop() {
	if r.cmd.ProcessState != nil {
		return
	}
	_ = r.cmd.Process.Kill()
	_ = r.cmd.Wait()
}

// balancer is the load balancer in front of the replicas: it sends every
// request to the current one.
type balancer struct {
	srv     *httptest.Server
	current atomic.Pointer[httputil.ReverseProxy]
}

func newBalancer(t *testing.T) *balancer {
	b := &balancer{}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := b.current.Load()
		if p == nil {
			http.Error(w, "no replica", http.StatusBadGateway)
			return
		}
		p.ServeHTTP(w, r)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *balancer) route(r *replica) {
	u := &url.URL{Scheme: "http", Host: r.addr}
	b.current.Store(httputil.NewSingleHostReverseProxy(u))
}

// TestReturnToAnotherReplica moves the payer between three portal
// processes behind one address (a load balancer, or restarts), which share
// only the fake GovPay and the store directory (payments and sessions):
// the payer logs in on replica A; the balancer sends the next requests to
// replica B, which knows the session A opened, accepts the token of A's
// page, fills the cart and starts the payment. A and B are killed while the
// payer is on the payment page; a fresh replica C, which never served the
// payer, resolves the payment from the stored Avvio when the payer comes
// back, and still knows the session.
func TestReturnToAnotherReplica(t *testing.T) {
	bctx := browser(t)
	for _, tc := range []struct {
		mode portale.Mode
		page string
	}{
		{portale.ModeLegacy, "/wisp/"},
		{portale.ModeBridge, "/checkout/"},
		{portale.ModeCheckout, "/checkout/"},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			fake := newFake(t, tc.mode)
			dir := t.TempDir()
			lb := newBalancer(t)
			a := startReplica(t, fake, tc.mode, lb.srv.URL, dir)
			lb.route(a)

			var debt govpaytest.Pendenza
			for _, p := range fake.Pendenze() {
				if p.Debitore == govpaytest.DemoCodiceFiscale && debt.IDPendenza == "" {
					debt = p
				}
			}
			require.NotEmpty(t, debt.IDPendenza)

			ctx, cancel := chromedp.NewContext(bctx)
			defer cancel()
			ctx, cancelTimeout := context.WithTimeout(ctx, 45*time.Second)
			defer cancelTimeout()

			// On replica A: log in.
			require.NoError(t, chromedp.Do(ctx,
				chromedp.Navigate(lb.srv.URL+"/"),
				chromedp.WaitVisible(chromedp.ID("accesso")),
				chromedp.SendKeys(chromedp.ID("cf"), govpaytest.DemoCodiceFiscale),
				chromedp.Click(chromedp.ID("accedi")),
				chromedp.WaitVisible(chromedp.ID("posizione")),
			))

			// The balancer sends the rest to replica B: the form of A's
			// page (A's token) puts the debt in the cart, B's page shows
			// it, and B starts the payment.
			b := startReplica(t, fake, tc.mode, lb.srv.URL, dir)
			lb.route(b)
			require.NoError(t, chromedp.Do(ctx,
				chromedp.Click(chromedp.ID("aggiungi-"+debt.IDPendenza)),
				chromedp.WaitVisible(chromedp.CSS("#carrello tbody tr")),
			))
			assert.Equal(t, govpaytest.DemoCodiceFiscale, text(t, ctx, "#utente"), "B knows the payer A logged in")
			assert.Contains(t, text(t, ctx, "#carrello"), debt.Causale)
			require.NoError(t, chromedp.Do(ctx,
				chromedp.Click(chromedp.ID("paga")),
				chromedp.WaitVisible(chromedp.ID("annulla")), // the fake's payment page
			))
			loc, err := chromedp.Run(ctx, chromedp.Location())
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(loc, fake.URL+tc.page), "payment page %s", loc)
			payments, err := filepath.Glob(filepath.Join(dir, "*.json"))
			require.NoError(t, err)
			require.Len(t, payments, 1, "B stored the payment before sending the browser away")

			// A and B die; a fresh replica C takes their place.
			a.stop()
			b.stop()
			c := startReplica(t, fake, tc.mode, lb.srv.URL, dir)
			lb.route(c)
			require.NotEqual(t, b.addr, c.addr)

			// The payer pays and comes back: to C.
			require.NoError(t, chromedp.Do(ctx,
				chromedp.Click(chromedp.ID("paga")),
				chromedp.WaitVisible(chromedp.ID("esito")),
			))
			loc, err = chromedp.Run(ctx, chromedp.Location())
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(loc, lb.srv.URL+"/esito?"), "outcome page %s", loc)
			stato, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("esito"), "data-stato"))
			require.NoError(t, err)
			assert.Equal(t, "PAID", stato.Value)
			assert.Equal(t, "Pagamento eseguito", text(t, ctx, "#esito-titolo"))
			assert.Contains(t, text(t, ctx, "#esito-debiti"), debt.Causale, "C shows what B stored")

			// C serves the receipt.
			assert.Equal(t, "200|application/pdf|%PDF-", fetchReceipt(t, ctx))

			// The session is in the store: C shows the payer's position,
			// with the cart B emptied when the payment started.
			require.NoError(t, chromedp.Do(ctx,
				chromedp.Click(chromedp.ID("torna")),
				chromedp.WaitVisible(chromedp.ID("posizione")),
				chromedp.WaitVisible(chromedp.ID("carrello-vuoto")),
			))
			assert.Equal(t, govpaytest.DemoCodiceFiscale, text(t, ctx, "#utente"))
		})
	}
}
