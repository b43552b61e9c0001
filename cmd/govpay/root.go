package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/govpaygo/govpay"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // GovPay refused, the network failed, items not loaded
	exitUsage   = 2 // bad input: nothing was sent
)

// usageError is bad input found before anything was sent: exit status 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// badInput wraps err (or a formatted message) as bad input.
func badInput(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// silentError is a failure already reported to the user: only its exit
// status remains.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// app holds what every command shares: the streams, the global flags and
// the environment.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string

	jsonOut      bool
	host         string
	user         string
	passwordFile string
	certFile     string
	keyFile      string
	endpoints    []string
	timeout      time.Duration
}

// run executes the command line args and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	// The first Ctrl-C cancels the context (load and fake stop cleanly);
	// stop then restores the default, so that a second one kills.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := root.ExecuteContext(ctx)
	return a.report(err)
}

// report prints err and returns the exit status it stands for.
func (a *app) report(err error) int {
	if err == nil {
		return exitOK
	}
	var se *silentError
	if errors.As(err, &se) {
		return se.code
	}
	code := exitFailure
	var ue *usageError
	var ve *govpay.ValidationError
	if errors.As(err, &ue) || errors.As(err, &ve) {
		code = exitUsage
	}
	if a.jsonOut {
		writeJSONLine(a.stderr, errorJSON(err))
		return code
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "govpay") {
		msg = "govpay: " + msg
	}
	fmt.Fprintln(a.stderr, msg)
	var ge *govpay.Error
	if errors.As(err, &ge) {
		fmt.Fprintf(a.stderr, "  status %d, categoria %s, codice %s", ge.StatusCode, orDash(string(ge.Categoria)), orDash(ge.Codice))
		if ge.IDTransazione != "" {
			fmt.Fprintf(a.stderr, ", idTransazione %s", ge.IDTransazione)
		}
		fmt.Fprintln(a.stderr)
	}
	return code
}

// errorJSON describes err for --json output.
func errorJSON(err error) map[string]any {
	m := map[string]any{"error": err.Error()}
	var ge *govpay.Error
	var ve *govpay.ValidationError
	switch {
	case errors.As(err, &ge):
		m["status"] = ge.StatusCode
		m["categoria"] = ge.Categoria
		m["codice"] = ge.Codice
		if ge.IDTransazione != "" {
			m["idTransazione"] = ge.IDTransazione
		}
	case errors.As(err, &ve):
		var v []map[string]string
		for _, x := range ve.Violations {
			v = append(v, map[string]string{"field": x.Field, "rule": x.Rule})
		}
		m["violations"] = v
	}
	return m
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// rootCommand builds the command tree.
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "govpay",
		Short:         "The GovPay SDK at the terminal",
		Long:          "govpay parses pagoPA notice codes, reads and writes pendenze, payments and receipts in GovPay,\nloads files of pendenze in bulk and serves a fake GovPay.\nConnection: GOVPAY_HOST, GOVPAY_USER, GOVPAY_PASSWORD (see 'go doc github.com/govpaygo/govpay/cmd/govpay').",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       govpay.Version,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err: err} })
	pf := root.PersistentFlags()
	pf.BoolVar(&a.jsonOut, "json", false, "machine output: JSON instead of tables")
	pf.StringVar(&a.host, "host", "", "GovPay's URL (default $GOVPAY_HOST)")
	pf.StringVar(&a.user, "user", "", "HTTP Basic user (default $GOVPAY_USER; the password comes from $GOVPAY_PASSWORD or --password-file)")
	pf.StringVar(&a.passwordFile, "password-file", "", "file holding the HTTP Basic password")
	pf.StringVar(&a.certFile, "cert", "", "client certificate, PEM (default $GOVPAY_CERT)")
	pf.StringVar(&a.keyFile, "key", "", "key of the client certificate, PEM (default $GOVPAY_KEY)")
	pf.StringArrayVar(&a.endpoints, "endpoint", nil, "base URL of one API, API=URL (pendenze, pagamento, ragioneria, backoffice; default $GOVPAY_ENDPOINT_<API>)")
	pf.DurationVar(&a.timeout, "timeout", 2*time.Minute, "time limit of an online command (load and fake have none)")

	root.AddCommand(a.avvisoCommand(), a.cfCommand(), a.pendenzaCommand(), a.pagamentoCommand(),
		a.ricevutaCommand(), a.loadCommand(), a.fakeCommand())
	return root
}

// args wraps a cobra argument check so that a wrong count is bad input.
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := check(cmd, a); err != nil {
			return &usageError{err: fmt.Errorf("%s: %w (usage: %s)", cmd.CommandPath(), err, cmd.UseLine())}
		}
		return nil
	}
}

// env returns the flag value when set, else the environment variable.
func (a *app) env(flag, name string) string {
	if flag != "" {
		return flag
	}
	return strings.TrimSpace(a.getenv(name))
}

// apis lists the APIs an endpoint may be given for.
var apis = []govpay.API{govpay.APIPendenze, govpay.APIPagamento, govpay.APIRagioneria, govpay.APIBackoffice}

// config builds the govpay.Config of the online commands from the flags and
// the environment. Every problem is bad input.
func (a *app) config() (*govpay.Config, error) {
	var opts []govpay.Option
	host := a.env(a.host, "GOVPAY_HOST")

	endpoints := map[govpay.API]string{}
	for _, api := range apis {
		if v := a.getenv("GOVPAY_ENDPOINT_" + strings.ToUpper(string(api))); v != "" {
			endpoints[api] = v
		}
	}
	for _, e := range a.endpoints {
		name, u, ok := strings.Cut(e, "=")
		api := govpay.API(strings.ToLower(strings.TrimSpace(name)))
		known := false
		for _, x := range apis {
			known = known || x == api
		}
		if !ok || !known || u == "" {
			return nil, badInput("--endpoint %q: want API=URL with API one of pendenze, pagamento, ragioneria, backoffice", e)
		}
		endpoints[api] = u
	}
	for _, api := range apis {
		if u, ok := endpoints[api]; ok {
			opts = append(opts, govpay.WithEndpoint(api, u))
			if host == "" {
				if p, err := url.Parse(u); err == nil && p.Scheme != "" && p.Host != "" {
					host = p.Scheme + "://" + p.Host
				}
			}
		}
	}
	if host == "" {
		return nil, badInput("GovPay's address is missing: set GOVPAY_HOST or --host (for example https://govpay.example.it)")
	}

	if user := a.env(a.user, "GOVPAY_USER"); user != "" {
		pw := a.getenv("GOVPAY_PASSWORD")
		if a.passwordFile != "" {
			b, err := os.ReadFile(a.passwordFile)
			if err != nil {
				return nil, badInput("--password-file: %v", err)
			}
			pw = strings.TrimRight(string(b), "\r\n")
		}
		if pw == "" {
			return nil, badInput("HTTP Basic user %s has no password: set GOVPAY_PASSWORD or --password-file", user)
		}
		opts = append(opts, govpay.WithBasicAuth(user, pw))
	}
	if id, key := a.getenv("GOVPAY_API_KEY_ID"), a.getenv("GOVPAY_API_KEY"); id != "" || key != "" {
		opts = append(opts, govpay.WithAPIKey(id, key))
	}
	if tok := a.getenv("GOVPAY_BEARER_TOKEN"); tok != "" {
		opts = append(opts, govpay.WithBearerToken(tok))
	}
	if certFile, keyFile := a.env(a.certFile, "GOVPAY_CERT"), a.env(a.keyFile, "GOVPAY_KEY"); certFile != "" || keyFile != "" {
		if keyFile == "" {
			keyFile = certFile
		}
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			// The error of LoadX509KeyPair names files and formats, never
			// the key's content.
			return nil, badInput("client certificate: %v", err)
		}
		opts = append(opts, govpay.WithClientCertificate(cert))
	}
	opts = append(opts, govpay.WithUserAgent("govpay-cli/"+govpay.Version))
	cfg, err := govpay.NewConfig(host, opts...)
	if err != nil {
		return nil, &usageError{err: err}
	}
	return cfg, nil
}

// callContext bounds one online command by --timeout.
func (a *app) callContext(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	if a.timeout <= 0 {
		return context.WithCancel(cmd.Context())
	}
	return context.WithTimeout(cmd.Context(), a.timeout)
}

// writeJSONLine writes v as one line of JSON.
func writeJSONLine(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintf(w, "{\"error\":%q}\n", err.Error())
		return
	}
	b = append(b, '\n')
	_, _ = w.Write(b)
}

// writeJSON writes v indented (one object) for --json.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// online builds a command that talks to GovPay: run gets the Config built
// from the flags and the environment, and a context bounded by --timeout.
func (a *app) online(use, short string, check cobra.PositionalArgs, run func(ctx context.Context, cfg *govpay.Config, argv []string) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  args(check),
		RunE: func(cmd *cobra.Command, argv []string) error {
			cfg, err := a.config()
			if err != nil {
				return err
			}
			ctx, cancel := a.callContext(cmd)
			defer cancel()
			return run(ctx, cfg, argv)
		},
	}
}

// printList prints at most limit items of seq (0: all): a table under
// header, or JSON lines with --json; the count goes to standard error.
func printList[T any](a *app, seq iter.Seq2[T, error], limit int, noun string, header []string, row func(T) []string) error {
	if limit < 0 {
		return badInput("--limit must not be negative")
	}
	var t *table
	if !a.jsonOut {
		t = newTable(a.stdout, header...)
	}
	n := 0
	var err error
	for item, e := range seq {
		if e != nil {
			err = e
			break
		}
		if t != nil {
			t.row(row(item)...)
		} else {
			writeJSONLine(a.stdout, item)
		}
		n++
		if limit > 0 && n >= limit {
			break
		}
	}
	if t != nil && (n > 0 || err == nil) {
		// The header waits in the tabwriter: a list that fails before its
		// first row prints the error alone.
		t.flush()
		if err == nil {
			fmt.Fprintf(a.stderr, "%d %s\n", n, noun)
		}
	}
	return err
}
