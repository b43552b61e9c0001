package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/govpaygo/govpay"
)

// euro writes an amount as an Italian reader expects it on a notice:
// "1.234,56 €", with integer arithmetic (amounts are exact cents).
func euro(i govpay.Importo) string {
	c := i.Centesimi()
	sign := ""
	if c < 0 {
		sign = "-"
		c = -c
	}
	units := strconv.FormatInt(c/100, 10)
	var b strings.Builder
	b.WriteString(sign)
	for k, r := range units {
		if k > 0 && (len(units)-k)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	fmt.Fprintf(&b, ",%02d €", c%100)
	return b.String()
}

// kv prints "key  value" pairs, aligned, skipping empty values.
func kv(w io.Writer, pairs ...string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\n", pairs[i], pairs[i+1])
	}
	_ = tw.Flush()
}

// table prints rows under a header, aligned.
type table struct {
	tw *tabwriter.Writer
}

func newTable(w io.Writer, header ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	t.row(header...)
	return t
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		if c == "" {
			c = "-"
		}
		if i > 0 {
			_, _ = io.WriteString(t.tw, "\t")
		}
		_, _ = io.WriteString(t.tw, strings.NewReplacer("\t", " ", "\n", " ").Replace(c))
	}
	_, _ = io.WriteString(t.tw, "\n")
}

func (t *table) flush() { _ = t.tw.Flush() }

// dateString writes a date, "" when unset.
func dateString(d govpay.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// dateTimeString writes a timestamp in Europe/Rome, "" when unset.
func dateTimeString(d govpay.DateTime) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().In(govpay.Rome()).Format("2006-01-02 15:04:05")
}
