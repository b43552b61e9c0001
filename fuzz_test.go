package govpay_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
)

// FuzzImportoJSON checks that decoding never panics, that every accepted
// value is in range and equals the decimal read exactly (big.Rat as the
// oracle), and that it re-marshals and re-parses to itself.
func FuzzImportoJSON(f *testing.F) {
	for _, s := range []string{`105.01`, `5`, `"10.50"`, `1.0501E2`, `10.001`, `-1`, `1e400`, `NaN`, `null`, `""`, `999999999.99`, `1000000000`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v govpay.Importo
		err := v.UnmarshalJSON(data)
		if err != nil {
			if !errors.Is(err, govpay.ErrImporto) {
				t.Fatalf("UnmarshalJSON(%q): error %v does not match ErrImporto", data, err)
			}
			if v != 0 {
				t.Fatalf("UnmarshalJSON(%q) failed but changed the value to %d", data, v)
			}
			return
		}
		if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
			if v != 0 {
				t.Fatalf("null changed the value")
			}
			return
		}
		if err := v.Valid(); err != nil {
			t.Fatalf("UnmarshalJSON(%q) accepted %d out of range: %v", data, v, err)
		}

		// Oracle: the text, as a rational number, times 100.
		text := string(bytes.TrimSpace(data))
		if strings.HasPrefix(text, `"`) {
			var s string
			if err := json.Unmarshal([]byte(text), &s); err != nil {
				t.Fatalf("accepted a malformed JSON string %q", text)
			}
			text = strings.TrimSpace(s)
		}
		r, ok := new(big.Rat).SetString(text)
		if !ok {
			t.Fatalf("accepted %q, which is not a number", text)
		}
		r.Mul(r, big.NewRat(100, 1))
		if !r.IsInt() || r.Num().Int64() != v.Centesimi() || !r.Num().IsInt64() {
			t.Fatalf("UnmarshalJSON(%q) = %d cents, but the text is %s cents", data, v, r.RatString())
		}

		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%d): %v", v, err)
		}
		if string(b) != v.String() {
			t.Fatalf("json.Marshal(%d) = %s, String() = %s", v, b, v)
		}
		var w govpay.Importo
		if err := json.Unmarshal(b, &w); err != nil || w != v {
			t.Fatalf("re-parse of %s = %d, %v; want %d", b, w, err, v)
		}
		p, err := govpay.ParseImporto(v.String())
		if err != nil || p != v {
			t.Fatalf("ParseImporto(%q) = %d, %v", v.String(), p, err)
		}
	})
}

// FuzzParseDateTime checks that parsing never panics and that an accepted
// timestamp written back in GovPay's form reads back as the same instant to
// the second (or, in the hour repeated when daylight saving time ends, the
// same wall clock: see DateTime).
func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{
		"2019-10-21T14:16:07.022+0000", "2025-02-21T17:25:11", "2019-10-21T14:16:07.022",
		"2026-03-30T14:35:16+02:00", "2022-04-26", "2024-05-01T10:00:00Z", "2024-05-01 10:00:00.123",
		"2024-10-27T02:30:00", "2024-03-31T02:30:00", "garbage", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		dt, err := govpay.ParseDateTime(s)
		if err != nil {
			if !errors.Is(err, govpay.ErrDate) {
				t.Fatalf("ParseDateTime(%q): error %v does not match ErrDate", s, err)
			}
			return
		}
		if dt.IsZero() {
			// Year 1 January 1 00:00 UTC is the zero instant; it is unset.
			return
		}
		str := dt.String()
		back, err := govpay.ParseDateTime(str)
		if err != nil {
			t.Fatalf("ParseDateTime(%q) = %v, whose String %q does not parse: %v", s, dt.Time(), str, err)
		}
		if back.String() != str {
			t.Fatalf("String is not stable: %q -> %q", str, back.String())
		}
		want := dt.Time().Truncate(time.Second)
		if d := back.Time().Sub(want); d != 0 {
			_, offWant := want.In(govpay.Rome()).Zone()
			_, offBack := back.Time().In(govpay.Rome()).Zone()
			if d <= 0 || d != time.Duration(offWant-offBack)*time.Second {
				t.Fatalf("ParseDateTime(%q) = %v; String %q reads back as %v (%v off)", s, dt.Time(), str, back.Time(), d)
			}
		}

		b, err := json.Marshal(dt)
		if err != nil {
			t.Fatalf("json.Marshal(%q): %v", s, err)
		}
		var j govpay.DateTime
		if err := json.Unmarshal(b, &j); err != nil || !j.Equal(back) {
			t.Fatalf("JSON round trip of %s = %v, %v", b, j.Time(), err)
		}
		d, err := govpay.ParseDate(s)
		if err != nil {
			t.Fatalf("ParseDate(%q) refused what ParseDateTime accepted: %v", s, err)
		}
		if len(strings.TrimSpace(s)) != len("2006-01-02") && d != dt.Date() {
			t.Fatalf("ParseDate(%q) = %v, want the day in Rome %v", s, d, dt.Date())
		}
	})
}
