package govpay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/govpaygo/govpay/internal/tzrome"
)

// Rome returns the Europe/Rome time zone, in which GovPay writes every
// timestamp that carries no offset. It is embedded in the SDK
// (internal/tzrome, under 1 KB), so it resolves on minimal images (scratch,
// distroless) without time/tzdata.
func Rome() *time.Location { return rome }

// rome is the zone Rome returns.
var rome = tzrome.Location()

// ErrDate is matched (with errors.Is) by every error that reports a date or
// timestamp GovPay's formats do not cover.
var ErrDate = errors.New("govpay: invalid date")

// Date is a calendar day (no time, no zone), as GovPay's date fields
// (dataValidita, dataScadenza, …) carry it.
//
// It encodes as "2006-01-02". It decodes leniently: a plain date, or any
// timestamp form GovPay emits, whose day in Europe/Rome is taken. The zero
// Date encodes as JSON null; use the `omitzero` tag option to omit it.
type Date struct {
	y int
	m time.Month
	d int
}

// NewDate returns the given day. Out-of-range values are normalised as by
// [time.Date] (January 32 becomes February 1).
func NewDate(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 12, 0, 0, 0, time.UTC))
}

// DateOf returns the day of t in t's own location.
func DateOf(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today returns the current day in Europe/Rome.
func Today() Date { return DateOf(time.Now().In(rome)) }

// ParseDate parses "2006-01-02" or any timestamp form accepted by
// [ParseDateTime] (then the day in Europe/Rome is kept).
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if d, ok := parseDateFast(s); ok {
		return d, nil
	}
	return parseDateSlow(s)
}

// parseDateSlow is ParseDate with time.ParseInLocation only: the fallback
// of the fast path, and its reference in tests. s is trimmed.
func parseDateSlow(s string) (Date, error) {
	if len(s) == len("2006-01-02") {
		t, err := time.ParseInLocation("2006-01-02", s, rome)
		if err != nil {
			return Date{}, fmt.Errorf("%w %q: want YYYY-MM-DD", ErrDate, truncate(s, 40))
		}
		return DateOf(t), nil
	}
	dt, err := parseDateTimeSlow(s)
	if err != nil {
		return Date{}, err
	}
	return DateOf(dt.t.In(rome)), nil
}

// Year returns the year of the date.
func (d Date) Year() int { return d.y }

// Month returns the month of the date.
func (d Date) Month() time.Month { return d.m }

// Day returns the day of the month.
func (d Date) Day() int { return d.d }

// IsZero reports whether d is the zero Date (unset).
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight of the day in loc (Europe/Rome when loc is nil).
func (d Date) Time(loc *time.Location) time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	if loc == nil {
		loc = rome
	}
	return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, loc)
}

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool {
	if d.y != e.y {
		return d.y < e.y
	}
	if d.m != e.m {
		return d.m < e.m
	}
	return d.d < e.d
}

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return e.Before(d) }

// AddDays returns the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date {
	return NewDate(d.y, d.m, d.d+n)
}

// String formats the date as "2006-01-02" (empty for the zero Date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return string(d.appendTo(make([]byte, 0, 10)))
}

func (d Date) appendTo(b []byte) []byte {
	b = appendInt(b, d.y, 4)
	b = append(b, '-')
	b = appendInt(b, int(d.m), 2)
	b = append(b, '-')
	return appendInt(b, d.d, 2)
}

func appendInt(b []byte, v, width int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// checkYear refuses the years GovPay's four-digit formats cannot carry.
func checkYear(y int) error {
	if y < 0 || y > 9999 {
		return fmt.Errorf("%w: year %d out of range 0000–9999", ErrDate, y)
	}
	return nil
}

// MarshalJSON encodes "2006-01-02", or null for the zero Date. It fails
// (with an error matching [ErrDate]) for years outside 0000–9999.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	if err := checkYear(d.y); err != nil {
		return nil, err
	}
	b := append(make([]byte, 0, 12), '"')
	b = d.appendTo(b)
	return append(b, '"'), nil
}

// UnmarshalJSON decodes a JSON string in any form [ParseDate] accepts;
// null and "" leave the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	if c, ok := quoted(b); ok {
		if len(c) == 0 {
			*d = Date{}
			return nil
		}
		if v, ok := parseDateFast(c); ok {
			*d = v
			return nil
		}
	}
	s, ok, err := jsonString(b)
	if err != nil || !ok {
		return err
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText encodes "2006-01-02" (used for query parameters), or nothing
// for the zero Date. It fails like [Date.MarshalJSON] for years outside
// 0000–9999.
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsZero() {
		if err := checkYear(d.y); err != nil {
			return nil, err
		}
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes any form [ParseDate] accepts.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// DateTime is an instant as GovPay writes it: local Europe/Rome time with
// optional milliseconds and an optional offset.
//
// It decodes every form GovPay emits: "2025-02-21T17:25:11",
// "2019-10-21T14:16:07.022", "2019-10-21T14:16:07.022+0000",
// "2026-03-30T14:35:16+02:00", "…Z", a space instead of "T", and a plain
// date "2022-04-26" (midnight in Europe/Rome). It encodes as
// "2006-01-02T15:04:05" in Europe/Rome, the form GovPay accepts, at second
// precision. The zero DateTime encodes as JSON null; use the `omitzero` tag
// option to omit it.
//
// That form carries no offset, so the hour repeated when daylight saving
// time ends (02:00–02:59 on the last Sunday of October) is ambiguous: such a
// wall-clock time is read as the second occurrence (CET, +01:00), and an
// instant in the first occurrence (CEST) comes back one hour later after a
// round trip through GovPay's format. Every other instant round-trips
// exactly (to the second).
//
// Compare DateTimes with [DateTime.Equal], not ==.
type DateTime struct {
	t time.Time
}

// NewDateTime wraps t.
func NewDateTime(t time.Time) DateTime { return DateTime{t: t} }

// Now returns the current instant, truncated to the second GovPay stores.
func Now() DateTime { return DateTime{t: time.Now().Truncate(time.Second)} }

var dateTimeLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999Z07",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
}

// ParseDateTime parses any timestamp form GovPay emits (see [DateTime]).
// Forms without an offset are read in Europe/Rome. Instants whose year in
// Europe/Rome falls outside 0000–9999 are refused, since they could not be
// written back.
func ParseDateTime(s string) (DateTime, error) {
	s = strings.TrimSpace(s)
	if t, ok := parseDateTimeFast(s); ok {
		return DateTime{t: t}, nil
	}
	return parseDateTimeSlow(s)
}

// parseDateTimeSlow is ParseDateTime trying each layout with
// time.ParseInLocation: the fallback of the fast path, and its reference in
// tests. s is trimmed.
func parseDateTimeSlow(s string) (DateTime, error) {
	if len(s) >= 10 && len(s) <= 40 {
		for _, layout := range dateTimeLayouts {
			if t, err := time.ParseInLocation(layout, s, rome); err == nil {
				if y := t.In(rome).Year(); y < 0 || y > 9999 {
					return DateTime{}, fmt.Errorf("%w %q: year out of range 0000–9999 in Europe/Rome", ErrDate, truncate(s, 40))
				}
				return DateTime{t: t}, nil
			}
		}
	}
	return DateTime{}, fmt.Errorf("%w %q: not a GovPay timestamp", ErrDate, truncate(s, 40))
}

// Time returns the instant.
func (t DateTime) Time() time.Time { return t.t }

// IsZero reports whether t is unset.
func (t DateTime) IsZero() bool { return t.t.IsZero() }

// Date returns the day of the instant in Europe/Rome.
func (t DateTime) Date() Date {
	if t.IsZero() {
		return Date{}
	}
	return DateOf(t.t.In(rome))
}

// Equal reports whether t and u are the same instant.
func (t DateTime) Equal(u DateTime) bool { return t.t.Equal(u.t) }

// String formats as "2006-01-02T15:04:05" in Europe/Rome (empty when zero).
func (t DateTime) String() string {
	if t.IsZero() {
		return ""
	}
	return t.t.In(rome).Format("2006-01-02T15:04:05")
}

// MarshalJSON encodes "2006-01-02T15:04:05" in Europe/Rome, or null when
// zero. Fractions of a second are dropped (GovPay stores seconds). It fails
// (with an error matching [ErrDate]) when the year in Europe/Rome is outside
// 0000–9999.
func (t DateTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	if err := checkYear(t.t.In(rome).Year()); err != nil {
		return nil, err
	}
	b := append(make([]byte, 0, 21), '"')
	b = t.t.In(rome).AppendFormat(b, "2006-01-02T15:04:05")
	return append(b, '"'), nil
}

// UnmarshalJSON decodes any form [ParseDateTime] accepts; null and "" leave
// the zero DateTime.
func (t *DateTime) UnmarshalJSON(b []byte) error {
	if c, ok := quoted(b); ok {
		if len(c) == 0 {
			*t = DateTime{}
			return nil
		}
		if v, ok := parseDateTimeFast(c); ok {
			*t = DateTime{t: v}
			return nil
		}
	}
	s, ok, err := jsonString(b)
	if err != nil || !ok {
		return err
	}
	if s == "" {
		*t = DateTime{}
		return nil
	}
	v, err := ParseDateTime(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalText encodes "2006-01-02T15:04:05" in Europe/Rome (used for query
// parameters), or nothing when zero. It fails like [DateTime.MarshalJSON].
func (t DateTime) MarshalText() ([]byte, error) {
	if !t.IsZero() {
		if err := checkYear(t.t.In(rome).Year()); err != nil {
			return nil, err
		}
	}
	return []byte(t.String()), nil
}

// UnmarshalText decodes any form [ParseDateTime] accepts.
func (t *DateTime) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = DateTime{}
		return nil
	}
	v, err := ParseDateTime(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// jsonString returns the content of a JSON string; ok is false for null.
func jsonString(b []byte) (string, bool, error) {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return "", false, nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false, fmt.Errorf("%w: want a JSON string, got %s", ErrDate, truncate(string(b), 40))
	}
	if c := b[1 : len(b)-1]; plainJSONString(c) && utf8.Valid(c) {
		return string(c), true, nil // what json.Unmarshal would return
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", false, fmt.Errorf("%w: malformed JSON string", ErrDate)
	}
	return s, true, nil
}

// The fast path of date decoding. GovPay writes its dates and timestamps
// in a few fixed layouts, read here digit by digit, without
// time.ParseInLocation and (from JSON) without unquoting. It stays because
// it pays on lists: BenchmarkDatePage (a page of 200 items with 4 dates
// each, fast vs slow path paired in one run, 6 samples, re-measured at
// c023e57 with this code; BENCHMARKS.md) measured 0.56 ms against 1.67 ms
// per page, 1.08 ms ± 17% saved (217 vs 5,417 allocations), of the order
// of the call that fetched the page; for a single object (two or three
// dates) it is a few microseconds and would not matter. Whatever the fast
// path does not accept goes to the slow path (the layouts of
// dateTimeLayouts tried in order), which also produces every error. The
// fast path accepts only inputs the slow path accepts, with the same
// result, down to the time.Time's location: tests and a fuzz target compare
// the two.

// quoted returns the bytes between the quotes of the JSON string b, when b
// (blanks around it aside) is a quoted string; the content may still hold
// escapes (the fast parsers refuse them).
func quoted(b []byte) ([]byte, bool) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return nil, false
	}
	return b[1 : len(b)-1], true
}

// text is what the fast parsers read: a string, or the bytes of a JSON
// string's content.
type text interface{ ~string | ~[]byte }

// digits2 reads two decimal digits at s[i:i+2].
func digits2[T text](s T, i int) (int, bool) {
	a, b := s[i]-'0', s[i+1]-'0'
	if a > 9 || b > 9 {
		return 0, false
	}
	return int(a)*10 + int(b), true
}

// parseDay reads "2006-01-02" at the start of s: a day that exists, as
// time.Parse checks it.
func parseDay[T text](s T) (y int, m time.Month, d int, ok bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	y1, ok1 := digits2(s, 0)
	y2, ok2 := digits2(s, 2)
	mm, ok3 := digits2(s, 5)
	dd, ok4 := digits2(s, 8)
	if !ok1 || !ok2 || !ok3 || !ok4 || mm < 1 || mm > 12 {
		return 0, 0, 0, false
	}
	y = y1*100 + y2
	if dd < 1 || dd > daysIn(time.Month(mm), y) {
		return 0, 0, 0, false
	}
	return y, time.Month(mm), dd, true
}

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// parseDateFast is ParseDate for trimmed inputs in the fast layouts.
func parseDateFast[T text](s T) (Date, bool) {
	if len(s) == len("2006-01-02") {
		y, m, d, ok := parseDay(s)
		return Date{y, m, d}, ok
	}
	t, ok := parseDateTimeFast(s)
	if !ok {
		return Date{}, false
	}
	return DateOf(t.In(rome)), true
}

// parseDateTimeFast is ParseDateTime for trimmed inputs in the layouts
// GovPay writes: "2006-01-02" (midnight in rome), or the day, 'T' or ' ',
// "15:04:05", an optional fraction of 1 to 9 digits after '.', then
// nothing (rome), "Z", "±07:00" or "±0700". Hours and minutes of the
// offset are at most 23 and 59 (time.Parse allows 24 and 60: the slow path
// reads those). It refuses instants whose year in Rome ParseDateTime
// refuses.
func parseDateTimeFast[T text](s T) (time.Time, bool) {
	y, mo, d, ok := parseDay(s)
	if !ok {
		return time.Time{}, false
	}
	if len(s) == len("2006-01-02") {
		return checkFastYear(time.Date(y, mo, d, 0, 0, 0, 0, rome), y)
	}
	if len(s) < len("2006-01-02T15:04:05") || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	h, ok1 := digits2(s, 11)
	mi, ok2 := digits2(s, 14)
	sec, ok3 := digits2(s, 17)
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest := s[19:]
	ns := 0
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n]-'0' <= 9 {
			if n > 9 {
				return time.Time{}, false // more digits than nanoseconds: the slow path truncates them
			}
			ns = ns*10 + int(rest[n]-'0')
			n++
		}
		if n == 1 {
			return time.Time{}, false
		}
		for k := n; k <= 9; k++ {
			ns *= 10
		}
		rest = rest[n:]
	}
	switch {
	case len(rest) == 0:
		return checkFastYear(time.Date(y, mo, d, h, mi, sec, ns, rome), y)
	case len(rest) == 1 && rest[0] == 'Z':
		return checkFastYear(time.Date(y, mo, d, h, mi, sec, ns, time.UTC), y)
	}
	var oh, om int
	switch {
	case len(rest) == len("+07:00") && rest[3] == ':':
		oh, ok1 = digits2(rest, 1)
		om, ok2 = digits2(rest, 4)
	case len(rest) == len("+0700"):
		oh, ok1 = digits2(rest, 1)
		om, ok2 = digits2(rest, 3)
	default:
		return time.Time{}, false
	}
	if !ok1 || !ok2 || oh > 23 || om > 59 || (rest[0] != '+' && rest[0] != '-') {
		return time.Time{}, false
	}
	off := (oh*60 + om) * 60
	if rest[0] == '-' {
		off = -off
	}
	// As time.ParseInLocation does: the instant, in Rome when Rome has
	// that offset then, in an unnamed fixed zone otherwise.
	t := time.Date(y, mo, d, h, mi, sec, ns, time.UTC).Add(-time.Duration(off) * time.Second)
	if _, o := t.In(rome).Zone(); o == off {
		t = t.In(rome)
	} else {
		t = t.In(time.FixedZone("", off))
	}
	return checkFastYear(t, y)
}

// checkFastYear applies ParseDateTime's rule (the year in Rome within
// 0000–9999) to t, written with year y. The offsets the fast path reads
// move the day by less than two days, so only years 0 and 9999 need the
// conversion.
func checkFastYear(t time.Time, y int) (time.Time, bool) {
	if y >= 1 && y <= 9998 {
		return t, true
	}
	ry := t.In(rome).Year()
	return t, ry >= 0 && ry <= 9999
}
