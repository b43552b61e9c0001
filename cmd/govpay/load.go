package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pendenze"
)

// Outcomes of the per-item report of load.
const (
	outCreated = "created"
	outUpdated = "updated"
	outRefused = "refused"
	outFailed  = "failed"
	outNotSent = "not-sent"
)

// reportLine is one line of the per-item report of load.
type reportLine struct {
	// Line is the item's line in the input file (1-based).
	Line         int    `json:"line"`
	IDA2A        string `json:"idA2A,omitempty"`
	IDPendenza   string `json:"idPendenza,omitempty"`
	Outcome      string `json:"outcome"`
	NumeroAvviso string `json:"numeroAvviso,omitempty"`
	// Field and Rule name the first broken rule of a refused item.
	Field string `json:"field,omitempty"`
	Rule  string `json:"rule,omitempty"`
	// Status and Codice are GovPay's answer to a failed item.
	Status int    `json:"status,omitempty"`
	Codice string `json:"codice,omitempty"`
	Error  string `json:"error,omitempty"`
}

// source reads the items of a load file. Rows that cannot become an item
// are handed to refuse instead of being yielded.
type source interface {
	// items yields the items.
	items(refuse func(reportLine)) iter.Seq[pendenze.Item]
	// line is the line of the item yielded last.
	line() int
}

// loadOptions are the flags of load.
type loadOptions struct {
	format      string
	idA2A       string
	report      string
	concurrency int
	strict      bool
	progress    string
}

func (a *app) loadCommand() *cobra.Command {
	var o loadOptions
	c := &cobra.Command{
		Use:   "load FILE",
		Short: "Load a CSV or JSON-lines file of pendenze (see 'go doc github.com/govpaygo/govpay/cmd/govpay' for the columns)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			return a.load(cmd.Context(), argv[0], o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.format, "format", "", "csv or jsonl (default: from the file's extension)")
	f.StringVar(&o.idA2A, "ida2a", "", "application owning the pendenze (default --user, $GOVPAY_USER)")
	f.StringVar(&o.report, "report", "", "write the per-item report (JSON lines) to this file instead of standard output")
	f.IntVar(&o.concurrency, "concurrency", 8, "PUTs in flight (1-256)")
	f.BoolVar(&o.strict, "strict", false, "also check what GovPay does not (check characters of fiscal codes, IBAN mod-97)")
	f.StringVar(&o.progress, "progress", "auto", "auto (a bar on a terminal, lines otherwise), bar, lines or none")
	return c
}

// load runs govpay load.
func (a *app) load(ctx context.Context, path string, o loadOptions) error {
	format := o.format
	if format == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".csv":
			format = "csv"
		case ".jsonl", ".ndjson", ".json":
			format = "jsonl"
		default:
			return badInput("load %s: cannot tell the format from the extension: use --format csv or --format jsonl", path)
		}
	}
	if format != "csv" && format != "jsonl" {
		return badInput("--format %q: want csv or jsonl", format)
	}
	switch o.progress {
	case "auto", "bar", "lines", "none":
	default:
		return badInput("--progress %q: want auto, bar, lines or none", o.progress)
	}
	if o.concurrency < 1 || o.concurrency > 256 {
		return badInput("--concurrency %d: want 1-256", o.concurrency)
	}
	idA2A := a.env(o.idA2A, "")
	if idA2A == "" {
		idA2A = a.env(a.user, "GOVPAY_USER")
	}
	if idA2A == "" && format == "csv" {
		return badInput("load: whose pendenze? give the application's id with --ida2a (default --user, $GOVPAY_USER)")
	}

	var in io.Reader = a.stdin
	total := 0
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return badInput("load: %v", err)
		}
		defer f.Close()
		// A first pass counts the items, for the progress bar; the second
		// streams them, so memory does not grow with the file.
		if total, err = countItems(f, format); err != nil {
			return badInput("load %s: %v", path, err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		in = f
	}
	var src source
	if format == "csv" {
		cs, err := newCSVSource(in, idA2A)
		if err != nil {
			return &usageError{err: fmt.Errorf("load %s: %w", path, err)}
		}
		src = cs
	} else {
		src = &jsonlSource{r: in, idA2A: idA2A}
	}

	cfg, err := a.config()
	if err != nil {
		return err
	}

	var out io.Writer = a.stdout
	if o.report != "" {
		rf, err := os.Create(o.report)
		if err != nil {
			return badInput("--report: %v", err)
		}
		defer rf.Close()
		out = rf
	}
	rw := &reportWriter{w: bufio.NewWriter(out)}
	defer rw.flush()

	pr := a.newProgress(o.progress, total)
	var refusedEarly int
	refuse := func(l reportLine) {
		rw.mu.Lock()
		refusedEarly++
		rw.mu.Unlock()
		rw.write(l)
	}
	lines := &lineIndex{m: map[int]int{}}
	items := func(yield func(pendenze.Item) bool) {
		i := 0
		for it := range src.items(refuse) {
			lines.set(i, src.line())
			i++
			if !yield(it) {
				return
			}
		}
	}
	interval := time.Second
	if pr.bar != nil {
		interval = 100 * time.Millisecond
	}
	rep, loadErr := pendenze.New(cfg).Load(ctx, items, pendenze.LoadOptions{
		Concurrency: o.concurrency,
		Total:       total,
		Strict:      o.strict,
		MaxFailures: -1,
		OnResult: func(r pendenze.Result) {
			rw.write(resultLine(r, lines.take(r.Index)))
		},
		OnProgress: func(p pendenze.Progress) {
			rw.mu.Lock()
			early := refusedEarly
			rw.mu.Unlock()
			pr.update(p, early)
			// The report on disk follows the progress: what an
			// interrupted or killed load did is there.
			_ = rw.flush()
		},
		ProgressInterval: interval,
	})
	pr.finish()
	if err := rw.flush(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if rep == nil {
		return loadErr
	}
	refused := rep.Invalid + refusedEarly
	where := "standard output"
	if o.report != "" {
		where = o.report
	}
	summary := fmt.Sprintf("load: %d created, %d updated, %d refused, %d failed, %d not sent in %s; report on %s",
		rep.Created, rep.Updated, refused, rep.Failed, rep.NotSent, rep.Elapsed.Round(time.Millisecond), where)
	fmt.Fprintln(a.stderr, summary)
	if loadErr != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(a.stderr, "load: interrupted after reading %d items: items not read are not in the report; loading the file again is safe\n", rep.Read)
			return &silentError{code: exitFailure}
		}
		return loadErr
	}
	if refused+rep.Failed+rep.NotSent > 0 {
		return &silentError{code: exitFailure}
	}
	return nil
}

// lineIndex maps the position of an item in the sequence to its line, from
// when the item is read until its result arrives.
type lineIndex struct {
	mu sync.Mutex
	m  map[int]int
}

func (l *lineIndex) set(i, line int) {
	l.mu.Lock()
	l.m[i] = line
	l.mu.Unlock()
}

func (l *lineIndex) take(i int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	line := l.m[i]
	delete(l.m, i)
	return line
}

// resultLine turns a Load result into a report line.
func resultLine(r pendenze.Result, line int) reportLine {
	l := reportLine{Line: line, IDA2A: r.IDA2A, IDPendenza: r.IDPendenza}
	switch r.Outcome {
	case pendenze.OutcomeCreated, pendenze.OutcomeUpdated:
		l.Outcome = outCreated
		if r.Outcome == pendenze.OutcomeUpdated {
			l.Outcome = outUpdated
		}
		if r.Caricata != nil {
			l.NumeroAvviso = r.Caricata.NumeroAvviso.String()
		}
		return l
	case pendenze.OutcomeInvalid:
		l.Outcome = outRefused
	case pendenze.OutcomeNotSent:
		l.Outcome = outNotSent
	default:
		l.Outcome = outFailed
	}
	if r.Err != nil {
		l.Error = r.Err.Error()
		var ve *govpay.ValidationError
		var ge *govpay.Error
		if errors.As(r.Err, &ve) && len(ve.Violations) > 0 {
			l.Field, l.Rule = ve.Violations[0].Field, ve.Violations[0].Rule
		}
		if errors.As(r.Err, &ge) {
			l.Status, l.Codice = ge.StatusCode, ge.Codice
		}
	}
	return l
}

// reportWriter writes report lines from several goroutines.
type reportWriter struct {
	mu  sync.Mutex
	w   *bufio.Writer
	err error
}

func (rw *reportWriter) write(l reportLine) {
	b, err := json.Marshal(l)
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if err == nil {
		b = append(b, '\n')
		_, err = rw.w.Write(b)
	}
	if err != nil && rw.err == nil {
		rw.err = err
	}
}

func (rw *reportWriter) flush() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if err := rw.w.Flush(); err != nil && rw.err == nil {
		rw.err = err
	}
	return rw.err
}

// progress draws the progress of a load: a bar on a terminal, plain lines
// otherwise.
type progress struct {
	bar   *progressbar.ProgressBar
	lines io.Writer
	last  string
}

func (a *app) newProgress(mode string, total int) *progress {
	if mode == "auto" {
		mode = "lines"
		if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			mode = "bar"
		}
	}
	switch mode {
	case "bar":
		max := total
		if max == 0 {
			max = -1 // unknown: a spinner
		}
		return &progress{bar: progressbar.NewOptions(max,
			progressbar.OptionSetWriter(a.stderr),
			progressbar.OptionSetDescription("load"),
			progressbar.OptionSetItsString("pendenze"),
			progressbar.OptionShowIts(),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(a.stderr) }),
		)}
	case "lines":
		return &progress{lines: a.stderr}
	}
	return &progress{}
}

// update shows p; early counts the rows refused before Load saw them.
func (p *progress) update(s pendenze.Progress, early int) {
	done := s.Done + early
	switch {
	case p.bar != nil:
		// The description first: Set then draws the bar with both (and
		// finishes it at the last item). Load calls this every 100 ms, so
		// the bar needs no throttle of its own.
		p.bar.Describe(fmt.Sprintf("load (%d created, %d updated, %d refused, %d failed)", s.Created, s.Updated, s.Invalid+early, s.Failed))
		_ = p.bar.Set(done)
	case p.lines != nil:
		of := ""
		if s.Total > 0 {
			of = "/" + strconv.Itoa(s.Total)
		}
		line := fmt.Sprintf("load: %d%s done, %d created, %d updated, %d refused, %d failed, %.0f/s",
			done, of, s.Created, s.Updated, s.Invalid+early, s.Failed, s.Rate)
		if line != p.last {
			fmt.Fprintln(p.lines, line)
			p.last = line
		}
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// countItems counts the items of a file: CSV records after the header, or
// non-blank JSON lines. It reads the file once without keeping it.
func countItems(r io.Reader, format string) (int, error) {
	if format == "jsonl" {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), maxJSONLine)
		n := 0
		for sc.Scan() {
			if len(strings.TrimSpace(sc.Text())) > 0 {
				n++
			}
		}
		return n, sc.Err()
	}
	cr := newCSVReader(r)
	n := -1 // the header
	for {
		_, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return 0, err
		}
		n++
	}
	return max(n, 0), nil
}
