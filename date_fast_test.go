package govpay

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// The fast path of date decoding must give exactly what the slow path (the
// layouts tried with time.ParseInLocation, after json.Unmarshal of the
// string) gives: the same value, down to the time.Time's location, or the
// same error. checkFastPath compares the two for one input, through
// ParseDateTime, ParseDate and both UnmarshalJSON methods.

// refJSONString is jsonString as it was before its fast path.
func refJSONString(b []byte) (string, bool, error) {
	trimmed := strings.TrimSpace(string(b))
	if trimmed == "null" {
		return "", false, nil
	}
	if len(trimmed) < 2 || trimmed[0] != '"' || trimmed[len(trimmed)-1] != '"' {
		return "", false, fmt.Errorf("%w: want a JSON string, got %s", ErrDate, truncate(trimmed, 40))
	}
	var s string
	if err := json.Unmarshal([]byte(trimmed), &s); err != nil {
		return "", false, fmt.Errorf("%w: malformed JSON string", ErrDate)
	}
	return s, true, nil
}

// refUnmarshalDate and refUnmarshalDateTime are the UnmarshalJSON methods
// as they were: unquote, then the slow parser.
func refUnmarshalDate(b []byte) (Date, error) {
	s, ok, err := refJSONString(b)
	if err != nil || !ok || s == "" {
		return Date{}, err
	}
	return parseDateSlow(strings.TrimSpace(s))
}

func refUnmarshalDateTime(b []byte) (DateTime, error) {
	s, ok, err := refJSONString(b)
	if err != nil || !ok || s == "" {
		return DateTime{}, err
	}
	return parseDateTimeSlow(strings.TrimSpace(s))
}

// sameResult reports whether two results are identical: equal errors
// (by message), or deeply equal values (a time.Time's location included).
func sameResult(v1 any, err1 error, v2 any, err2 error) bool {
	if (err1 == nil) != (err2 == nil) {
		return false
	}
	if err1 != nil {
		return err1.Error() == err2.Error()
	}
	return reflect.DeepEqual(v1, v2)
}

func checkFastPath(t testing.TB, s string) {
	t.Helper()
	trimmed := strings.TrimSpace(s)

	dt, err := ParseDateTime(s)
	wantDT, wantErr := parseDateTimeSlow(trimmed)
	if !sameResult(dt, err, wantDT, wantErr) {
		t.Fatalf("ParseDateTime(%q) = %v (%v), %v; slow path: %v (%v), %v", s, dt.t, dt.t.Location(), err, wantDT.t, wantDT.t.Location(), wantErr)
	}
	d, err := ParseDate(s)
	wantD, wantErr := parseDateSlow(trimmed)
	if !sameResult(d, err, wantD, wantErr) {
		t.Fatalf("ParseDate(%q) = %v, %v; slow path: %v, %v", s, d, err, wantD, wantErr)
	}

	quotedS, _ := json.Marshal(s) // escapes what needs escaping
	for _, b := range [][]byte{[]byte(`"` + s + `"`), quotedS, []byte(" \t\"" + s + "\"\n")} {
		var jd DateTime
		err := jd.UnmarshalJSON(b)
		wantJD, wantErr := refUnmarshalDateTime(b)
		if !sameResult(jd, err, wantJD, wantErr) {
			t.Fatalf("DateTime.UnmarshalJSON(%s) = %v (%v), %v; slow path: %v (%v), %v", b, jd.t, jd.t.Location(), err, wantJD.t, wantJD.t.Location(), wantErr)
		}
		var dd Date
		err = dd.UnmarshalJSON(b)
		wantDD, wantErr := refUnmarshalDate(b)
		if !sameResult(dd, err, wantDD, wantErr) {
			t.Fatalf("Date.UnmarshalJSON(%s) = %v, %v; slow path: %v, %v", b, dd, err, wantDD, wantErr)
		}
		got, gotOK, gotErr := jsonString(b)
		want, wantOK, wantErr := refJSONString(b)
		if got != want || gotOK != wantOK || !sameResult(nil, gotErr, nil, wantErr) {
			t.Fatalf("jsonString(%s) = %q, %v, %v; json.Unmarshal: %q, %v, %v", b, got, gotOK, gotErr, want, wantOK, wantErr)
		}
	}
}

func TestDateFastPathCases(t *testing.T) {
	cases := []string{
		"", " ", "null", "2024", "2022-04-26", "2022-01-26", " 2022-04-26 ", "2024-02-29", "2023-02-29", "2000-02-29",
		"1900-02-29", "0000-02-29", "0000-01-01", "9999-12-31", "2024-00-10", "2024-13-10", "2024-04-31", "2024-04-00",
		"2024-4-01", "2024/04/01", "20240401", "2024-04-01x", "+024-04-01", "-024-04-01", "２024-04-01",
		"2025-02-21T17:25:11", "2019-10-21T14:16:07.022", "2019-10-21T14:16:07.022+0000", "2026-03-30T14:35:16+02:00",
		"2024-05-01T10:00:00Z", "2024-05-01T10:00:00.5Z", "2024-05-01T10:00:00+01", "2024-05-01T10:00:00-03:30",
		"2024-05-01 10:00:00", "2024-05-01 10:00:00.123", "2024-05-01 10:00:00+0000", "2024-05-01 10:00:00+02:00",
		"2024-05-01 10:00:00Z", "2024-05-01 10:00:00+01", "2024-05-01t10:00:00", "2024-05-01T10:00:00z",
		"2024-05-01T10:00", "2024-05-01T10:00:00.", "2024-05-01T10:00:00.Z", "2024-05-01T10:00:00,5",
		"2024-05-01T10:00:00.123456789", "2024-05-01T10:00:00.1234567891", "2024-05-01T10:00:00.123456789123+01:00",
		"2024-05-01T24:00:00", "2024-05-01T23:60:00", "2024-05-01T23:59:60", "2024-05-01T9:00:00", "2024-05-01T09:0:00",
		"2024-05-01T10:00:00+24:00", "2024-05-01T10:00:00+23:59", "2024-05-01T10:00:00+2360", "2024-05-01T10:00:00-00:00",
		"2024-05-01T10:00:00+00:60", "2024-05-01T10:00:00+01:00:00", "2024-05-01T10:00:00 +01:00", "2024-05-01T10:00:00+1:00",
		"2024-05-01T10:00:00UTC", "2024-05-01T10:00:00 CET", "2024-05-01T10:00:00+05:45", "2024-05-01T10:00:00+0530",
		"2024-03-31T01:59:59", "2024-03-31T02:30:00", "2024-03-31T03:00:00", "2024-10-27T01:59:59", "2024-10-27T02:30:00",
		"2024-10-27T02:30:00+02:00", "2024-10-27T02:30:00+01:00", "2024-10-27T03:00:00", "1970-01-01T00:00:00Z",
		"0001-01-01T00:00:00Z", "0001-01-01T00:00:00", "0000-01-01T00:30:00+02:00", "0000-12-31T23:59:59-23:59",
		"9999-12-31T23:30:00-02:00", "9999-12-31T23:59:59", "9999-12-31T22:00:00Z", "1893-10-31T23:59:59",
		"1893-11-01T00:00:00", "1944-04-02T02:30:00", "2024-05-01T10:00:00\u00a0", "\u20282024-05-01",
		"2024-05-01T10:00:00.000000000", "2024-05-01T10:00:00.0Z", "2024-05-01T10:00:00.000+0100",
	}
	for _, s := range cases {
		checkFastPath(t, s)
	}
	// Escaped and odd JSON (the fast path must leave them to json.Unmarshal).
	for _, b := range []string{`"2024\u002d05-01"`, `"\u0032024-05-01T10:00:00"`, `"2024-05-01\"`, `"`, `""`, `null`, ` null `,
		`"2024-05-01"x`, `x"2024-05-01"`, `2024`, `"\x"`, "\"2024-05-01\xff\"", "\"2024-05-01\x01\"", `"""`} {
		var dd Date
		err := dd.UnmarshalJSON([]byte(b))
		wantDD, wantErr := refUnmarshalDate([]byte(b))
		if !sameResult(dd, err, wantDD, wantErr) {
			t.Errorf("Date.UnmarshalJSON(%s) = %v, %v; slow path: %v, %v", b, dd, err, wantDD, wantErr)
		}
		var jd DateTime
		err = jd.UnmarshalJSON([]byte(b))
		wantJD, wantErr := refUnmarshalDateTime([]byte(b))
		if !sameResult(jd, err, wantJD, wantErr) {
			t.Errorf("DateTime.UnmarshalJSON(%s) = %v, %v; slow path: %v, %v", b, jd, err, wantJD, wantErr)
		}
	}
}

// TestDateFastPathGrid walks the fixed layouts over boundary values: every
// month end of leap and common years, every hour of both daylight saving
// days, offsets up to the limits, fractions of every length.
func TestDateFastPathGrid(t *testing.T) {
	n := 0
	for _, y := range []int{0, 1, 1900, 1980, 2000, 2023, 2024, 9998, 9999} {
		for m := 1; m <= 12; m++ {
			for _, d := range []int{0, 1, 28, 29, 30, 31, 32} {
				checkFastPath(t, fmt.Sprintf("%04d-%02d-%02d", y, m, d))
				checkFastPath(t, fmt.Sprintf("%04d-%02d-%02dT23:59:59", y, m, d))
				checkFastPath(t, fmt.Sprintf("%04d-%02d-%02d 00:00:00Z", y, m, d))
				n += 3
			}
		}
	}
	for _, day := range []string{"2024-03-31", "2024-10-27", "1980-04-06", "1980-09-28", "2026-03-29", "2026-10-25"} {
		for h := 0; h <= 24; h++ {
			for _, mm := range []string{"00:00", "30:00", "59:59"} {
				for _, tail := range []string{"", "Z", "+01:00", "+02:00", "+0100", "+0200", "-00:00", ".5", ".123456789+01:00"} {
					checkFastPath(t, fmt.Sprintf("%sT%02d:%s%s", day, h, mm, tail))
					n++
				}
			}
		}
	}
	for _, oh := range []int{0, 1, 2, 5, 12, 14, 23, 24, 25, 99} {
		for _, om := range []int{0, 30, 45, 59, 60, 99} {
			for _, sign := range []string{"+", "-"} {
				for _, at := range []string{"0000-01-01T00:00:00", "2024-06-15T12:00:00.25", "9999-12-31 23:59:59"} {
					checkFastPath(t, fmt.Sprintf("%s%s%02d:%02d", at, sign, oh, om))
					checkFastPath(t, fmt.Sprintf("%s%s%02d%02d", at, sign, oh, om))
					n += 2
				}
			}
		}
	}
	for k := 0; k <= 12; k++ {
		frac := strings.Repeat("7", k)
		for _, tail := range []string{"", "Z", "+0100", "+01:00", "x"} {
			checkFastPath(t, "2024-06-15T12:00:00."+frac+tail)
			n++
		}
	}
	t.Logf("%d inputs", n)
}

// TestDateFastPathRandom compares the two paths on random mutations of
// GovPay's layouts (seeded: reproducible).
func TestDateFastPathRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	templates := []string{"2024-05-01", "2024-05-01T10:00:00", "2024-10-27T02:30:00.022", "2019-10-21T14:16:07.022+0000",
		"2026-03-30 14:35:16+02:00", "0000-01-01T00:30:00Z", "9999-12-31T23:30:00-02:00"}
	const alphabet = "0123456789-:T Z+.,tz"
	// 20,000 keeps the race-enabled suite quick; a local run with
	// 200,000 found no difference either.
	iterations := 20_000
	if testing.Short() {
		iterations = 2_000
	}
	for range iterations {
		b := []byte(templates[rng.IntN(len(templates))])
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(b))
			switch rng.IntN(4) {
			case 0: // replace with a digit
				b[i] = byte('0' + rng.IntN(10))
			case 1: // replace with a separator
				b[i] = alphabet[rng.IntN(len(alphabet))]
			case 2: // delete
				b = append(b[:i], b[i+1:]...)
			case 3: // insert
				b = append(b[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
			}
			if len(b) == 0 {
				break
			}
		}
		checkFastPath(t, string(b))
	}
}

// FuzzDateFastPath compares the fast and slow paths on arbitrary inputs.
func FuzzDateFastPath(f *testing.F) {
	for _, s := range []string{"2022-04-26", "2025-02-21T17:25:11", "2019-10-21T14:16:07.022+0000", "2026-03-30T14:35:16+02:00",
		"2024-05-01T10:00:00.5Z", "2024-05-01 10:00:00+0000", "2024-10-27T02:30:00", "0000-01-01T00:30:00+02:00",
		"9999-12-31T23:30:00-02:00", "2024-05-01T10:00:00.1234567891", "2024-05-01T10:00:00+24:00", "garbage", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkFastPath(t, s)
	})
}

// The fast path must not cost the allocations it removes.
func TestDateFastPathAllocations(t *testing.T) {
	var d Date
	var dt DateTime
	for _, c := range []struct {
		b    string
		into any
	}{
		{`"2022-04-26"`, &d}, {`"2025-02-21T17:25:11"`, &dt}, {`"2019-10-21T14:16:07.022+0000"`, &dt},
		{`"2024-05-01T10:00:00Z"`, &dt}, {`"2026-03-30T14:35:16+02:00"`, &dt},
	} {
		u := c.into.(json.Unmarshaler)
		b := []byte(c.b)
		allocs := testing.AllocsPerRun(100, func() {
			if err := u.UnmarshalJSON(b); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("UnmarshalJSON(%s): %v allocations, want 0", c.b, allocs)
		}
	}

}
