package govpay_test

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/oapi-codegen/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
)

func utc(y int, mo time.Month, d, h, mi, s, ms int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ms*int(time.Millisecond), time.UTC)
}

func TestParseDateTimeForms(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time // the instant, in UTC
	}{
		// GovPay's forms (upstream README): offsetless forms are Europe/Rome.
		{"2019-10-21T14:16:07.022+0000", utc(2019, 10, 21, 14, 16, 7, 22)},
		{"2025-02-21T17:25:11", utc(2025, 2, 21, 16, 25, 11, 0)},         // CET, +01:00
		{"2019-10-21T14:16:07.022", utc(2019, 10, 21, 12, 16, 7, 22)},    // CEST, +02:00
		{"2026-03-30T14:35:16+02:00", utc(2026, 3, 30, 12, 35, 16, 0)},   // explicit offset
		{"2022-04-26", utc(2022, 4, 25, 22, 0, 0, 0)},                    // midnight in Rome (CEST)
		{"2022-01-26", utc(2022, 1, 25, 23, 0, 0, 0)},                    // midnight in Rome (CET)
		{"2024-05-01T10:00:00Z", utc(2024, 5, 1, 10, 0, 0, 0)},           // Z
		{"2024-05-01T10:00:00.5Z", utc(2024, 5, 1, 10, 0, 0, 500)},       // Z with a fraction
		{"2024-05-01T10:00:00.000+0100", utc(2024, 5, 1, 9, 0, 0, 0)},    // …05.000+0100
		{"2024-05-01T10:00:00+01", utc(2024, 5, 1, 9, 0, 0, 0)},          // hour-only offset
		{"2024-05-01T10:00:00-03:30", utc(2024, 5, 1, 13, 30, 0, 0)},     // negative offset
		{"2024-05-01 10:00:00", utc(2024, 5, 1, 8, 0, 0, 0)},             // space, Rome
		{"2024-05-01 10:00:00.123", utc(2024, 5, 1, 8, 0, 0, 123)},       // space, millis
		{"2024-05-01 10:00:00+0000", utc(2024, 5, 1, 10, 0, 0, 0)},       // space, offset
		{"2024-05-01 10:00:00+02:00", utc(2024, 5, 1, 8, 0, 0, 0)},       // space, offset
		{"2024-05-01T10:00", utc(2024, 5, 1, 8, 0, 0, 0)},                // no seconds
		{"  2024-05-01T10:00:00  ", utc(2024, 5, 1, 8, 0, 0, 0)},         // blanks
		{"2024-05-01T10:00:00.123456789", utc(2024, 5, 1, 8, 0, 0, 123)}, // nanoseconds (ms compared below)
		// Daylight saving time, both sides of both transitions (2024).
		{"2024-03-31T01:59:59", utc(2024, 3, 31, 0, 59, 59, 0)}, // last CET second
		{"2024-03-31T03:00:00", utc(2024, 3, 31, 1, 0, 0, 0)},   // first CEST second
		{"2024-10-27T01:59:59", utc(2024, 10, 26, 23, 59, 59, 0)},
		{"2024-10-27T03:00:00", utc(2024, 10, 27, 2, 0, 0, 0)},
		{"2024-10-27T02:30:00", utc(2024, 10, 27, 1, 30, 0, 0)}, // ambiguous: read as CET (documented)
		{"2024-10-27T02:30:00+02:00", utc(2024, 10, 27, 0, 30, 0, 0)},
		{"2024-07-15T12:00:00", utc(2024, 7, 15, 10, 0, 0, 0)},
		{"2024-12-15T12:00:00", utc(2024, 12, 15, 11, 0, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := govpay.ParseDateTime(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Time().UTC().Truncate(time.Millisecond), "instant")

			// The same through JSON and text.
			var j govpay.DateTime
			require.NoError(t, json.Unmarshal([]byte(`"`+tt.in+`"`), &j))
			assert.True(t, j.Equal(got))
			var x govpay.DateTime
			require.NoError(t, x.UnmarshalText([]byte(tt.in)))
			assert.True(t, x.Equal(got))
		})
	}
}

func TestParseDateTimeRejects(t *testing.T) {
	for _, in := range []string{
		"", "garbage", "2024", "2024-13-01", "2024-02-30", "2024-02-30T10:00:00",
		"2024-05-01T25:00:00", "2024-05-01T10:00:00+25:00", "2024-05-01X10:00:00",
		"21/02/2025", "2025-02-21T17:25:11 CET", "1714550400", "2024-05-01T10:00:00.000+01:00:00:00:00:00",
		"0000-01-01T00:30:00+02:00", // year -1 in Rome (LMT +00:49:56): cannot be written back
		"9999-12-31T23:30:00-02:00", // year 10000 in Rome
	} {
		t.Run(in, func(t *testing.T) {
			_, err := govpay.ParseDateTime(in)
			require.Error(t, err)
			assert.ErrorIs(t, err, govpay.ErrDate)

			v := govpay.NewDateTime(utc(2020, 1, 1, 0, 0, 0, 0))
			err = json.Unmarshal([]byte(`"`+in+`"`), &v)
			if in == "" {
				assert.NoError(t, err, `"" decodes as the zero DateTime`)
				assert.True(t, v.IsZero())
				return
			}
			assert.ErrorIs(t, err, govpay.ErrDate)
		})
	}
	// Not a JSON string at all.
	for _, in := range []string{`12345`, `true`, `{}`, `"unterminated`, `"bad\escape"`} {
		var v govpay.DateTime
		assert.ErrorIs(t, v.UnmarshalJSON([]byte(in)), govpay.ErrDate, in)
		var d govpay.Date
		assert.ErrorIs(t, d.UnmarshalJSON([]byte(in)), govpay.ErrDate, in)
	}
}

func TestDateTimeEncode(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{utc(2025, 2, 21, 16, 25, 11, 0), "2025-02-21T17:25:11"},
		{utc(2019, 10, 21, 12, 16, 7, 22), "2019-10-21T14:16:07"}, // millis dropped
		{time.Date(2026, 3, 30, 14, 35, 16, 0, time.FixedZone("", 2*3600)), "2026-03-30T14:35:16"},
		{time.Date(2026, 3, 30, 14, 35, 16, 0, time.FixedZone("", -5*3600)), "2026-03-30T21:35:16"},
		{utc(2024, 3, 31, 0, 59, 59, 0), "2024-03-31T01:59:59"},
		{utc(2024, 3, 31, 1, 0, 0, 0), "2024-03-31T03:00:00"},
	}
	for _, tt := range tests {
		dt := govpay.NewDateTime(tt.in)
		assert.Equal(t, tt.want, dt.String())
		b, err := json.Marshal(dt)
		require.NoError(t, err)
		assert.Equal(t, `"`+tt.want+`"`, string(b))
		tb, err := dt.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(tb))

		back, err := govpay.ParseDateTime(tt.want)
		require.NoError(t, err)
		assert.True(t, back.Time().Equal(tt.in.Truncate(time.Second)), "round trip of %s", tt.want)
	}
}

func TestDateTimeAmbiguousHourRoundTrip(t *testing.T) {
	// 00:30 UTC on 2024-10-27 is 02:30 CEST; GovPay's offsetless form cannot
	// tell it from 02:30 CET, an hour later. This documents the loss.
	first := govpay.NewDateTime(utc(2024, 10, 27, 0, 30, 0, 0))
	assert.Equal(t, "2024-10-27T02:30:00", first.String())
	back, err := govpay.ParseDateTime(first.String())
	require.NoError(t, err)
	assert.Equal(t, time.Hour, back.Time().Sub(first.Time()))
	assert.Equal(t, first.String(), back.String(), "the wall clock survives")
}

func TestDateTimeZeroAndNull(t *testing.T) {
	var zero govpay.DateTime
	assert.True(t, zero.IsZero())
	assert.Equal(t, "", zero.String())
	b, err := json.Marshal(zero)
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
	tb, err := zero.MarshalText()
	require.NoError(t, err)
	assert.Empty(t, tb)
	assert.True(t, zero.Date().IsZero())

	v := govpay.NewDateTime(utc(2020, 1, 1, 0, 0, 0, 0))
	require.NoError(t, json.Unmarshal([]byte(`null`), &v))
	assert.False(t, v.IsZero(), "null leaves the value unchanged, as encoding/json does")
	require.NoError(t, json.Unmarshal([]byte(`""`), &v))
	assert.True(t, v.IsZero(), `"" clears it`)
	v = govpay.NewDateTime(utc(2020, 1, 1, 0, 0, 0, 0))
	require.NoError(t, v.UnmarshalText(nil))
	assert.True(t, v.IsZero())

	type payload struct {
		A govpay.DateTime `json:"a,omitzero"`
		B govpay.Date     `json:"b,omitzero"`
		C govpay.DateTime `json:"c"`
		D govpay.Date     `json:"d"`
	}
	b, err = json.Marshal(payload{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"c":null,"d":null}`, string(b))
	b, err = json.Marshal(payload{A: govpay.NewDateTime(utc(2024, 1, 31, 11, 0, 0, 0)), B: govpay.NewDate(2024, 1, 31)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":"2024-01-31T12:00:00","b":"2024-01-31","c":null,"d":null}`, string(b))
}

func TestDateTimeYearOutOfRange(t *testing.T) {
	for _, tm := range []time.Time{utc(10000, 1, 1, 12, 0, 0, 0), time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC)} {
		dt := govpay.NewDateTime(tm)
		_, err := json.Marshal(dt)
		assert.ErrorIs(t, err, govpay.ErrDate)
		_, err = dt.MarshalText()
		assert.ErrorIs(t, err, govpay.ErrDate)
		d := govpay.DateOf(tm)
		_, err = json.Marshal(d)
		assert.ErrorIs(t, err, govpay.ErrDate)
		_, err = d.MarshalText()
		assert.ErrorIs(t, err, govpay.ErrDate)
	}
}

func TestDateTimeHelpers(t *testing.T) {
	a := govpay.NewDateTime(utc(2024, 10, 26, 22, 30, 0, 0)) // 00:30 on the 27th in Rome
	assert.Equal(t, govpay.NewDate(2024, 10, 27), a.Date())
	b := govpay.NewDateTime(a.Time().In(time.FixedZone("x", 7200)))
	assert.True(t, a.Equal(b))
	now := govpay.Now()
	assert.Equal(t, 0, now.Time().Nanosecond(), "Now is truncated to the second")
	assert.WithinDuration(t, time.Now(), now.Time(), 2*time.Second)
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want govpay.Date
	}{
		{"2022-04-26", govpay.NewDate(2022, 4, 26)},
		{" 2022-04-26 ", govpay.NewDate(2022, 4, 26)},
		{"2022-04-26T00:00:00", govpay.NewDate(2022, 4, 26)},
		{"2022-04-26T23:59:59.999", govpay.NewDate(2022, 4, 26)},
		{"2022-04-26T00:00:00.000+0200", govpay.NewDate(2022, 4, 26)},
		{"2022-04-25T22:00:00Z", govpay.NewDate(2022, 4, 26)}, // the day in Rome
		{"2022-04-26 10:00:00", govpay.NewDate(2022, 4, 26)},
		{"2024-02-29", govpay.NewDate(2024, 2, 29)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := govpay.ParseDate(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			var j govpay.Date
			require.NoError(t, json.Unmarshal([]byte(`"`+tt.in+`"`), &j))
			assert.Equal(t, tt.want, j)
		})
	}
	for _, in := range []string{"2023-02-29", "2022-4-26", "26/04/2022", "2022-04-26X", "garbage", "20220426"} {
		_, err := govpay.ParseDate(in)
		assert.ErrorIs(t, err, govpay.ErrDate, in)
		var d govpay.Date
		assert.ErrorIs(t, d.UnmarshalText([]byte(in)), govpay.ErrDate, in)
	}
}

func TestDateEncodeAndHelpers(t *testing.T) {
	d := govpay.NewDate(2024, 1, 31)
	assert.Equal(t, "2024-01-31", d.String())
	assert.Equal(t, 2024, d.Year())
	assert.Equal(t, time.January, d.Month())
	assert.Equal(t, 31, d.Day())
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.Equal(t, `"2024-01-31"`, string(b))
	tb, err := d.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "2024-01-31", string(tb))

	assert.Equal(t, govpay.NewDate(2024, 2, 1), govpay.NewDate(2024, 1, 32), "normalised like time.Date")
	assert.Equal(t, govpay.NewDate(2024, 3, 1), d.AddDays(30))
	assert.Equal(t, govpay.NewDate(2023, 12, 31), d.AddDays(-31))
	assert.True(t, d.Before(d.AddDays(1)))
	assert.False(t, d.Before(d))
	assert.True(t, d.After(govpay.NewDate(2023, 12, 31)))
	assert.True(t, govpay.NewDate(2024, 1, 31).Before(govpay.NewDate(2024, 2, 1)))
	assert.True(t, govpay.NewDate(2023, 12, 31).Before(govpay.NewDate(2024, 1, 1)))
	assert.Equal(t, "0005-03-04", govpay.NewDate(5, 3, 4).String())

	mid := d.Time(nil)
	assert.Equal(t, time.Date(2024, 1, 31, 0, 0, 0, 0, govpay.Rome()), mid)
	assert.Equal(t, time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), d.Time(time.UTC))

	assert.Equal(t, govpay.NewDate(2024, 1, 31), govpay.DateOf(time.Date(2024, 1, 31, 23, 59, 0, 0, time.UTC)))
	assert.True(t, govpay.DateOf(time.Time{}).IsZero())
	today := govpay.Today()
	assert.Equal(t, govpay.DateOf(time.Now().In(govpay.Rome())), today)

	var zero govpay.Date
	assert.True(t, zero.IsZero())
	assert.True(t, zero.Time(nil).IsZero())
	assert.Equal(t, "", zero.String())
	b, err = json.Marshal(zero)
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))

	v := d
	require.NoError(t, json.Unmarshal([]byte(`null`), &v))
	assert.Equal(t, d, v)
	require.NoError(t, json.Unmarshal([]byte(`""`), &v))
	assert.True(t, v.IsZero())
	v = d
	require.NoError(t, v.UnmarshalText(nil))
	assert.True(t, v.IsZero())
}

// TestDateQueryParameterOapiRuntime proves that the oapi-codegen runtime,
// which the generated clients use for query parameters, formats our types
// with our MarshalText and not as a time.Time (RFC 3339).
func TestDateQueryParameterOapiRuntime(t *testing.T) {
	s, err := runtime.StyleParamWithLocation("form", true, "dataDa", runtime.ParamLocationQuery, govpay.NewDate(2024, 1, 31))
	require.NoError(t, err)
	assert.Equal(t, "dataDa=2024-01-31", s)

	dt := govpay.NewDateTime(utc(2024, 1, 31, 13, 4, 5, 0))
	s, err = runtime.StyleParamWithLocation("form", true, "dataA", runtime.ParamLocationQuery, dt)
	require.NoError(t, err)
	q, err := url.ParseQuery(s)
	require.NoError(t, err)
	assert.Equal(t, "2024-01-31T14:04:05", q.Get("dataA"))

	// Through a pointer too, as generated params structs hold optional values.
	d := govpay.NewDate(2025, 12, 1)
	s, err = runtime.StyleParamWithLocation("form", true, "dataA", runtime.ParamLocationQuery, &d)
	require.NoError(t, err)
	assert.Equal(t, "dataA=2025-12-01", s)
}
