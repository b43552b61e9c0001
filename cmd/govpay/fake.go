package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/govpaytest"
)

// fakeOptions are the flags of govpay fake.
type fakeOptions struct {
	addr          string
	publicURL     string
	demo          bool
	seed          []string
	mode          string
	faults        []string
	notify        []string
	notifyVersion int
	notifyUser    string
	notifyMax     int
	readyFile     string
	cors          []string
}

// fakeOperations are the operations a --fault may name.
var fakeOperations = []govpaytest.Operation{
	govpaytest.OpPutPendenza, govpaytest.OpGetPendenza, govpaytest.OpPatchPendenza, govpaytest.OpListPendenze,
	govpaytest.OpGetPendenzaByAvviso, govpaytest.OpGetAvviso, govpaytest.OpListRPP, govpaytest.OpGetRPP,
	govpaytest.OpGetRPT, govpaytest.OpGetRT,
	govpaytest.OpStartPagamento, govpaytest.OpGetPagamento, govpaytest.OpGetPagamentoByIDSession,
	govpaytest.OpListPagamenti, govpaytest.OpPosizione, govpaytest.OpPagamentoGetPendenza, govpaytest.OpPagamentoGetAvviso,
	govpaytest.OpListRicevute, govpaytest.OpGetRicevuta,
	govpaytest.OpPostCarts, govpaytest.OpPaymentPage, govpaytest.OpPaymentDone,
}

// faultKinds are the kinds a --fault may name.
var faultKinds = map[string]govpaytest.FaultKind{
	"latency":            govpaytest.FaultNone,
	"status":             govpaytest.FaultStatus,
	"drop-before-read":   govpaytest.FaultDropBeforeRead,
	"drop-after-read":    govpaytest.FaultDropAfterRead,
	"drop-after-serve":   govpaytest.FaultDropAfterServe,
	"truncated":          govpaytest.FaultTruncatedBody,
	"html":               govpaytest.FaultHTML,
	"wrong-content-type": govpaytest.FaultWrongContentType,
	"huge":               govpaytest.FaultHugeBody,
	"pagopa":             govpaytest.FaultPagoPA,
}

// fault is one parsed --fault flag.
type fault struct {
	op    govpaytest.Operation
	f     govpaytest.Fault
	count int
}

// parseFault reads OP=KIND[,status=N][,latency=D][,retry-after=S][,codice=C][,size=N][,count=N].
func parseFault(s string) (fault, error) {
	var ft fault
	opName, rest, ok := strings.Cut(s, "=")
	if !ok {
		return ft, fmt.Errorf("--fault %q: want OP=KIND[,key=value…]", s)
	}
	for _, op := range fakeOperations {
		if string(op) == opName {
			ft.op = op
		}
	}
	if ft.op == "" {
		names := make([]string, len(fakeOperations))
		for i, op := range fakeOperations {
			names[i] = string(op)
		}
		return ft, fmt.Errorf("--fault %q: unknown operation %q (known: %s)", s, opName, strings.Join(names, ", "))
	}
	parts := strings.Split(rest, ",")
	kind, ok := faultKinds[parts[0]]
	if !ok {
		return ft, fmt.Errorf("--fault %q: unknown kind %q (known: latency, status, drop-before-read, drop-after-read, drop-after-serve, truncated, html, wrong-content-type, huge, pagopa)", s, parts[0])
	}
	ft.f.Kind = kind
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(p, "=")
		var err error
		switch k {
		case "status":
			ft.f.Status, err = strconv.Atoi(v)
			if err == nil && (ft.f.Status < 100 || ft.f.Status > 599) {
				err = errors.New("not an HTTP status")
			}
		case "latency":
			ft.f.Latency, err = time.ParseDuration(v)
		case "retry-after":
			ft.f.RetryAfter = v
		case "codice":
			ft.f.Codice = v
		case "size":
			ft.f.Size, err = strconv.Atoi(v)
		case "count":
			ft.count, err = strconv.Atoi(v)
		default:
			err = errors.New("unknown key (status, latency, retry-after, codice, size, count)")
		}
		if err != nil {
			return ft, fmt.Errorf("--fault %q: %s: %v", s, k, err)
		}
	}
	return ft, nil
}

func (a *app) fakeCommand() *cobra.Command {
	var o fakeOptions
	c := &cobra.Command{
		Use:   "fake",
		Short: "Serve a fake GovPay (package govpaytest) until interrupted",
		Long: `Serve a fake GovPay (package govpaytest) until interrupted: API Pendenze v2, API Pagamento v2,
API Ragioneria v3, pagoPA Checkout and the payment pages, in memory.

--user (or $GOVPAY_USER) with $GOVPAY_PASSWORD requires HTTP Basic; without them any credentials are
accepted (the other commands still need some for API Pendenze and Ragioneria, which GovPay serves to
authenticated callers only: GOVPAY_USER=demo GOVPAY_PASSWORD=demo will do).
A control API for tests serves GET /_fake/counts, POST /_fake/reset and
POST /_fake/pay?url=PAGE&choice=paga|errore|annulla.

--fault OP=KIND[,status=N][,latency=D][,retry-after=S][,codice=C][,size=N][,count=N] breaks the next
count answers of OP (count 0: all), for example
  --fault pendenze.PutPendenza=status,status=503,count=2
  --fault pendenze.GetPendenza=latency,latency=2s`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.fake(cmd.Context(), o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8081", "address to listen on (port 0: any free port)")
	f.StringVar(&o.publicURL, "public-url", "", "the URL browsers reach the fake at, when behind a proxy (default http://ADDR)")
	f.BoolVar(&o.demo, "demo", false, "seed the demo creditors and pendenze (govpaytest.WithDemoData)")
	f.StringArrayVar(&o.seed, "seed", nil, "JSON-lines file of pendenze to load at start (the format of 'govpay load')")
	f.StringVar(&o.mode, "mode", "legacy", "how POST /pagamenti answers: legacy, bridge or bridge302")
	f.StringArrayVar(&o.faults, "fault", nil, "inject a fault: OP=KIND[,key=value…] (repeatable)")
	f.StringArrayVar(&o.notify, "notify", nil, "base URL of the creditor's API Ente to notify payments to (repeat for round robin)")
	f.IntVar(&o.notifyVersion, "notify-version", 2, "API Ente version of the notifications: 1 or 2")
	f.StringVar(&o.notifyUser, "notify-user", "", "HTTP Basic user sent with notifications (password from $GOVPAY_NOTIFY_PASSWORD)")
	f.IntVar(&o.notifyMax, "notify-max-attempts", 0, "attempts per notification (0: until delivered, as GovPay)")
	f.StringVar(&o.readyFile, "ready-file", "", "write the fake's URL to this file once it listens (for scripts)")
	f.StringArrayVar(&o.cors, "cors", nil, "let a browser front end served from this origin call the fake (http://localhost:3000; * for any), as GovPay's CORS filter configured for it does")
	return c
}

// fake runs govpay fake.
func (a *app) fake(ctx context.Context, o fakeOptions) error {
	var opts []govpaytest.Option
	switch govpaytest.Mode(o.mode) {
	case govpaytest.ModeLegacy, govpaytest.ModeBridge, govpaytest.ModeBridge302:
		opts = append(opts, govpaytest.WithMode(govpaytest.Mode(o.mode)))
	default:
		return badInput("--mode %q: want legacy, bridge or bridge302", o.mode)
	}
	var faults []fault
	for _, s := range o.faults {
		ft, err := parseFault(s)
		if err != nil {
			return &usageError{err: err}
		}
		faults = append(faults, ft)
	}
	user := a.env(a.user, "GOVPAY_USER")
	if user != "" {
		pw := a.getenv("GOVPAY_PASSWORD")
		if a.passwordFile != "" {
			b, err := os.ReadFile(a.passwordFile)
			if err != nil {
				return badInput("--password-file: %v", err)
			}
			pw = strings.TrimRight(string(b), "\r\n")
		}
		if pw == "" {
			return badInput("fake: --user %s needs a password: set GOVPAY_PASSWORD or --password-file", user)
		}
		opts = append(opts, govpaytest.WithBasicAuth(user, pw))
	}
	if o.demo {
		opts = append(opts, govpaytest.WithDemoData())
	}
	if len(o.notify) > 0 {
		if o.notifyVersion != 1 && o.notifyVersion != 2 {
			return badInput("--notify-version %d: want 1 or 2", o.notifyVersion)
		}
		opts = append(opts, govpaytest.WithNotifications(govpaytest.NotificationConfig{
			URLs: o.notify, Version: o.notifyVersion, Username: o.notifyUser,
			Password: a.getenv("GOVPAY_NOTIFY_PASSWORD"), MaxAttempts: o.notifyMax,
			MinBackoff: time.Second, MaxBackoff: time.Minute,
		}))
	}

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("fake: %w (choose another address with --addr)", err)
	}
	public := strings.TrimRight(o.publicURL, "/")
	if public == "" {
		public = "http://" + ln.Addr().String()
	}
	opts = append(opts, govpaytest.WithPublicURL(public))
	s := govpaytest.NewUnstartedServer(opts...)
	defer s.Close()

	idA2A := user
	if idA2A == "" {
		idA2A = govpaytest.DemoIDA2A
	}
	for _, path := range o.seed {
		if err := seedFake(s, path, idA2A); err != nil {
			_ = ln.Close()
			return err
		}
	}
	for _, ft := range faults {
		s.InjectFault(ft.op, ft.f, ft.count)
	}

	mux := http.NewServeMux()
	mux.Handle("/", s.Handler())
	mux.Handle("/_fake/", controlHandler(s))
	var h http.Handler = mux
	if len(o.cors) > 0 {
		h = corsHandler(o.cors, mux)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	a.printFakeURLs(s, user != "")
	if o.readyFile != "" {
		tmp := o.readyFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(s.URL+"\n"), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, o.readyFile); err != nil {
			return err
		}
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("fake: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	if !a.jsonOut {
		fmt.Fprintln(a.stderr, "govpay fake: stopped")
	}
	return nil
}

// printFakeURLs says where the fake serves what.
func (a *app) printFakeURLs(s *govpaytest.Server, basic bool) {
	urls := map[string]string{
		"url":         s.URL,
		"pendenze":    s.PendenzeURL(),
		"pagamento":   s.PagamentoURL(),
		"ragioneria":  s.RagioneriaURL(),
		"checkout":    s.CheckoutURL(),
		"checkoutV2":  s.CheckoutV2URL(),
		"control":     s.URL + "/_fake/",
		"version":     govpay.Version,
		"credentials": "none",
	}
	if basic {
		urls["credentials"] = "basic"
	}
	if a.jsonOut {
		writeJSONLine(a.stdout, urls)
		return
	}
	fmt.Fprintf(a.stdout, "govpay fake %s: a fake GovPay at %s\n", govpay.Version, s.URL)
	kv(a.stdout,
		"  API Pendenze v2", s.PendenzeURL(),
		"  API Pagamento v2", s.PagamentoURL(),
		"  API Ragioneria v3", s.RagioneriaURL(),
		"  pagoPA Checkout", s.CheckoutURL()+"  (v2: "+s.CheckoutV2URL()+")",
		"  control", s.URL+"/_fake/  (counts, reset, pay)")
	if basic {
		fmt.Fprintln(a.stdout, "  HTTP Basic required ($GOVPAY_USER, $GOVPAY_PASSWORD); API Pagamento's /rs/public/ needs none")
		fmt.Fprintf(a.stdout, "  try: GOVPAY_HOST=%s govpay pendenza list\n", s.URL)
		return
	}
	// GovPay serves API Pendenze and API Ragioneria to authenticated
	// callers only, so the command wants credentials: any will do here.
	fmt.Fprintln(a.stdout, "  any credentials accepted (API Pendenze and Ragioneria have no public segment: give some)")
	fmt.Fprintf(a.stdout, "  try: GOVPAY_HOST=%s GOVPAY_USER=demo GOVPAY_PASSWORD=demo govpay pendenza list\n", s.URL)
}

// seedFake loads the pendenze of a JSON-lines file into s.
func seedFake(s *govpaytest.Server, path, idA2A string) error {
	f, err := os.Open(path)
	if err != nil {
		return badInput("--seed: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxJSONLine)
	line := 0
	for sc.Scan() {
		line++
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var j jsonlItem
		if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
			return badInput("--seed %s:%d: %v", filepath.Base(path), line, err)
		}
		if j.IDA2A == "" {
			j.IDA2A = idA2A
		}
		if _, err := s.AddPendenza(j.IDA2A, j.IDPendenza, []byte(j.Pendenza)); err != nil {
			return badInput("--seed %s:%d: %v", filepath.Base(path), line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return badInput("--seed %s: %v", path, err)
	}
	return nil
}

// controlHandler serves the fake's control API under /_fake/.
func controlHandler(s *govpaytest.Server) http.Handler {
	mux := http.NewServeMux()
	answer := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /_fake/counts", func(w http.ResponseWriter, _ *http.Request) {
		answer(w, http.StatusOK, s.Counts())
	})
	mux.HandleFunc("POST /_fake/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetRequests()
		answer(w, http.StatusOK, map[string]bool{"reset": true})
	})
	mux.HandleFunc("POST /_fake/pay", func(w http.ResponseWriter, r *http.Request) {
		page, choice := r.FormValue("url"), govpaytest.Choice(r.FormValue("choice"))
		if choice == "" {
			choice = govpaytest.ChoicePaga
		}
		if choice != govpaytest.ChoicePaga && choice != govpaytest.ChoiceErrore && choice != govpaytest.ChoiceAnnulla {
			answer(w, http.StatusBadRequest, map[string]string{"error": "choice must be paga, errore or annulla"})
			return
		}
		ret, err := s.Pay(page, choice)
		if err != nil {
			answer(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		answer(w, http.StatusOK, map[string]string{"returnURL": ret})
	})
	return mux
}

// corsHandler answers the CORS preflight of the allowed origins and marks
// their answers readable by the browser, as GovPay does when its CORS
// filter (govpay.properties, it.govpay.configurazioneFiltroCors.*) allows
// a portal's origin. Requests of other origins are served without CORS
// headers: the browser then refuses to show them to the page.
func corsHandler(origins []string, next http.Handler) http.Handler {
	allowed := map[string]bool{}
	for _, o := range origins {
		for _, x := range strings.Split(o, ",") {
			if x = strings.TrimRight(strings.TrimSpace(x), "/"); x != "" {
				allowed[x] = true
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || (!allowed["*"] && !allowed[origin]) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Add("Vary", "Origin")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
			if rh := r.Header.Get("Access-Control-Request-Headers"); rh != "" {
				h.Set("Access-Control-Allow-Headers", rh)
			}
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", "Location, "+govpaytest.HeaderIDTransazione)
		next.ServeHTTP(w, r)
	})
}
