package ente

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/govpaygo/govpay/pendenze"
)

// barWidth is the width of the progress bar, in characters.
const barWidth = 30

// Barra draws the progress of a Load on one terminal line: every call
// rewrites the line (it starts with '\r'), as
//
//	[##########....................]  7/20  35%   41.3/s  nuove 7  aggiornate 0  scartate 0  fallite 0
//
// The total is unknown when p.Total is 0: the bar then shows the count only.
func Barra(p pendenze.Progress) string {
	var b strings.Builder
	b.WriteString("\r[")
	filled := 0
	if p.Total > 0 {
		filled = barWidth * min(p.Done, p.Total) / p.Total
	}
	b.WriteString(strings.Repeat("#", filled))
	b.WriteString(strings.Repeat(".", barWidth-filled))
	b.WriteString("] ")
	if p.Total > 0 {
		fmt.Fprintf(&b, "%*d/%d %3d%%", len(fmt.Sprint(p.Total)), p.Done, p.Total, 100*p.Done/p.Total)
	} else {
		fmt.Fprintf(&b, "%d", p.Done)
	}
	fmt.Fprintf(&b, " %7.1f/s  nuove %d  aggiornate %d  scartate %d  fallite %d",
		p.Rate, p.Created, p.Updated, p.Invalid, p.Failed+p.NotSent)
	return b.String()
}

// CaricaOptions tune Carica.
type CaricaOptions struct {
	// Concurrency is the number of PUTs in flight (default 8).
	Concurrency int
	// ProgressInterval is how often the bar is redrawn (default 100 ms).
	ProgressInterval time.Duration
	// Strict adds the checks GovPay does not make (codice fiscale check
	// characters, IBAN mod-97…).
	Strict bool
}

// Carica loads items into GovPay with c.Load, drawing the progress bar on
// out, then writes a summary and every item GovPay did not accept (invalid,
// refused, or not sent). The error is Load's: nil when every item got an
// answer, even if some were refused (see the report).
func Carica(ctx context.Context, c *pendenze.Client, items []pendenze.Item, out io.Writer, o CaricaOptions) (*pendenze.LoadReport, error) {
	if o.ProgressInterval <= 0 {
		o.ProgressInterval = 100 * time.Millisecond
	}
	seq := func(yield func(pendenze.Item) bool) {
		for _, it := range items {
			if !yield(it) {
				return
			}
		}
	}
	rep, err := c.Load(ctx, seq, pendenze.LoadOptions{
		Concurrency:      o.Concurrency,
		Total:            len(items),
		Strict:           o.Strict,
		OnProgress:       func(p pendenze.Progress) { fmt.Fprint(out, Barra(p)) },
		ProgressInterval: o.ProgressInterval,
		MaxFailures:      len(items),
	})
	if rep == nil {
		return nil, err
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "caricate %d di %d pendenze in %s (nuove %d, aggiornate %d, scartate %d, fallite %d, non inviate %d)\n",
		rep.Loaded(), len(items), rep.Elapsed.Round(time.Millisecond), rep.Created, rep.Updated, rep.Invalid, rep.Failed, rep.NotSent)
	for _, f := range rep.Failures {
		fmt.Fprintf(out, "  n. %d %s/%s: %s: %v\n", f.Index+1, f.IDA2A, f.IDPendenza, f.Outcome, f.Err)
	}
	return rep, err
}
