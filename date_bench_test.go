package govpay

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

// slowDate and slowDateTime decode as Date and DateTime did without the
// fast path: unquote the JSON string, then the layouts of the slow path.
type slowDate struct{ d Date }
type slowDateTime struct{ t DateTime }

func (d *slowDate) UnmarshalJSON(b []byte) (err error) {
	d.d, err = refUnmarshalDate(b)
	return err
}

func (t *slowDateTime) UnmarshalJSON(b []byte) (err error) {
	t.t, err = refUnmarshalDateTime(b)
	return err
}

// datePage is a page of 200 list items with the dates GovPay writes in a
// Sintesi pendenza: two timestamps (with milliseconds and offset, as GovPay
// writes dataCaricamento) and two days.
func datePage() []byte {
	var b strings.Builder
	b.WriteString(`{"risultati":[`)
	for i := range 200 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"idPendenza":"P-` + strconv.Itoa(i) + `","dataCaricamento":"2026-03-01T10:30:00.022+0100","dataUltimoAggiornamento":"2026-03-02T11:00:59.123+0100","dataValidita":"2026-12-31","dataScadenza":"2027-01-31"}`)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

type fastItem struct {
	IDPendenza              string   `json:"idPendenza"`
	DataCaricamento         DateTime `json:"dataCaricamento"`
	DataUltimoAggiornamento DateTime `json:"dataUltimoAggiornamento"`
	DataValidita            Date     `json:"dataValidita"`
	DataScadenza            Date     `json:"dataScadenza"`
}

type slowItem struct {
	IDPendenza              string       `json:"idPendenza"`
	DataCaricamento         slowDateTime `json:"dataCaricamento"`
	DataUltimoAggiornamento slowDateTime `json:"dataUltimoAggiornamento"`
	DataValidita            slowDate     `json:"dataValidita"`
	DataScadenza            slowDate     `json:"dataScadenza"`
}

// BenchmarkDatePage weighs the fast path of date decoding against the slow
// path (json.Unmarshal of the string, then time.ParseInLocation over the
// layouts) on one page of 200 items of 4 dates each, decoded with
// encoding/json, in the same run. impl=paired alternates the two in one
// loop and reports their ratio.
func BenchmarkDatePage(b *testing.B) {
	page := datePage()
	fast := func() {
		var p struct{ Risultati []fastItem }
		if err := json.Unmarshal(page, &p); err != nil || len(p.Risultati) != 200 || p.Risultati[199].DataScadenza.IsZero() {
			b.Fatal(err)
		}
	}
	slow := func() {
		var p struct{ Risultati []slowItem }
		if err := json.Unmarshal(page, &p); err != nil || len(p.Risultati) != 200 || p.Risultati[199].DataScadenza.d.IsZero() {
			b.Fatal(err)
		}
	}
	b.Run("impl=fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fast()
		}
	})
	b.Run("impl=slow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			slow()
		}
	})
	b.Run("impl=paired", func(b *testing.B) {
		var tf, ts time.Duration
		for i := 0; b.Loop(); i++ {
			for k := range 2 {
				start := time.Now()
				if (i+k)%2 == 0 {
					fast()
					tf += time.Since(start)
				} else {
					slow()
					ts += time.Since(start)
				}
			}
		}
		n := float64(b.N)
		b.ReportMetric(float64(tf.Nanoseconds())/n, "fast-ns/op")
		b.ReportMetric(float64(ts.Nanoseconds())/n, "slow-ns/op")
		b.ReportMetric(float64(ts-tf)/n, "saved-ns/op")
	})
}
