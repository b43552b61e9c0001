package govpay_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
)

// refString formats cents independently of the code under test.
func refString(c int64) string {
	return fmt.Sprintf("%d.%02d", c/100, c%100)
}

// checkRoundTrip verifies that c survives String→Parse, MarshalJSON→
// UnmarshalJSON and MarshalText→UnmarshalText, and that its text is the
// reference one.
func checkRoundTrip(t *testing.T, c int64) {
	t.Helper()
	v := govpay.Centesimi(c)
	want := refString(c)
	if s := v.String(); s != want {
		t.Fatalf("Centesimi(%d).String() = %q, want %q", c, s, want)
	}
	p, err := govpay.ParseImporto(want)
	if err != nil || p != v {
		t.Fatalf("ParseImporto(%q) = %d, %v; want %d", want, p, err, c)
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) != want {
		t.Fatalf("json.Marshal(%d) = %s, %v; want %s", c, b, err, want)
	}
	var u govpay.Importo = -1
	if err := json.Unmarshal(b, &u); err != nil || u != v {
		t.Fatalf("json.Unmarshal(%s) = %d, %v; want %d", b, u, err, c)
	}
	tb, err := v.MarshalText()
	if err != nil || string(tb) != want {
		t.Fatalf("MarshalText(%d) = %s, %v", c, tb, err)
	}
	var w govpay.Importo
	if err := w.UnmarshalText(tb); err != nil || w != v {
		t.Fatalf("UnmarshalText(%s) = %d, %v", tb, w, err)
	}
}

// TestImportoRoundTripProperty samples the whole range 0 … 999,999,999.99:
// every value up to 1000.00, every cent ending for each number of integer
// digits, the boundaries, and a million random values (fewer with -short or
// -race).
func TestImportoRoundTripProperty(t *testing.T) {
	for c := int64(0); c <= 100_000; c++ {
		if c <= 10_000 {
			checkRoundTrip(t, c) // through encoding/json as well
		}
		checkRoundTripFast(t, c)
	}
	// Every integer-part length from 1 to 9 digits, with each cent ending
	// and the smallest/largest integer of that length.
	for digits := 1; digits <= 9; digits++ {
		lo := int64(1)
		for range digits - 1 {
			lo *= 10
		}
		hi := lo*10 - 1
		if digits == 1 {
			lo = 0
		}
		for cents := int64(0); cents < 100; cents++ {
			checkRoundTrip(t, lo*100+cents)
			checkRoundTrip(t, hi*100+cents)
		}
	}
	for _, c := range []int64{0, 1, 9, 10, 99, 100, 101, 1_000_000_000, int64(govpay.MaxImporto) - 1, int64(govpay.MaxImporto)} {
		checkRoundTrip(t, c)
	}
	n := 1_000_000
	switch {
	case testing.Short():
		n = 50_000
	case raceEnabled:
		n = 200_000
	}
	rng := rand.New(rand.NewPCG(20260330, 1))
	for range n {
		checkRoundTripFast(t, rng.Int64N(int64(govpay.MaxImporto)+1))
	}
}

// checkRoundTripFast is checkRoundTrip through the methods encoding/json
// calls, without its reflection (a million values stay fast under -race).
func checkRoundTripFast(t *testing.T, c int64) {
	v := govpay.Centesimi(c)
	want := refString(c)
	b, err := v.MarshalJSON()
	if err != nil || string(b) != want || v.String() != want {
		t.Fatalf("Centesimi(%d): MarshalJSON = %s, %v; String = %s; want %s", c, b, err, v, want)
	}
	var u govpay.Importo = -1
	if err := u.UnmarshalJSON(b); err != nil || u != v {
		t.Fatalf("UnmarshalJSON(%s) = %d, %v; want %d", b, u, err, c)
	}
	u = -1
	if err := u.UnmarshalJSON([]byte(`"` + want + `"`)); err != nil || u != v {
		t.Fatalf("UnmarshalJSON(%q) = %d, %v; want %d", want, u, err, c)
	}
}

func TestImportoDecode(t *testing.T) {
	tests := []struct {
		in   string // JSON text
		want int64
	}{
		{`105.01`, 10501},
		{`5`, 500},
		{`16.00`, 1600},
		{`0.1`, 10},
		{`0`, 0},
		{`0.00`, 0},
		{`"10.50"`, 1050},
		{`" 10.50 "`, 1050},
		{`"\u0031\u0030"`, 1000},
		{`1.0501E2`, 10501},
		{`1.0501e+2`, 10501},
		{`10501e-2`, 10501},
		{`1e2`, 10000},
		{`0e400`, 0},
		{`10.010`, 1001},
		{`10.0100000000000000000000000`, 1001},
		{`999999999.99`, 99_999_999_999},
		{`9.9999999999e8`, 99_999_999_999},
		{`0.01`, 1},
		{` 7.5 `, 750},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var v govpay.Importo
			require.NoError(t, json.Unmarshal([]byte(tt.in), &v))
			assert.Equal(t, govpay.Centesimi(tt.want), v)

			// The same value inside a struct, as the models carry it.
			var s struct {
				Importo govpay.Importo `json:"importo"`
			}
			require.NoError(t, json.Unmarshal([]byte(`{"importo":`+tt.in+`}`), &s))
			assert.Equal(t, govpay.Centesimi(tt.want), s.Importo)
		})
	}
}

func TestImportoRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string // JSON text, given straight to UnmarshalJSON
	}{
		{"three decimals", `10.001`},
		{"three decimals quoted", `"10.001"`},
		{"tiny exponent", `1e-3`},
		{"negative", `-1`},
		{"negative zero", `-0`},
		{"negative quoted", `"-1.00"`},
		{"plus sign", `"+1"`},
		{"huge exponent", `1e400`},
		{"NaN", `NaN`},
		{"NaN quoted", `"NaN"`},
		{"Infinity", `Infinity`},
		{"Infinity quoted", `"Infinity"`},
		{"above maximum", `1000000000.00`},
		{"above maximum by a cent", `1000000000`},
		{"above maximum exponent", `1e9`},
		{"int64 overflow", `99999999999999999999999`},
		{"empty string", `""`},
		{"blank string", `"  "`},
		{"point", `"."`},
		{"trailing point", `1.`},
		{"trailing point quoted", `"1."`},
		{"leading point", `.5`},
		{"leading point quoted", `".5"`},
		{"comma", `"10,50"`},
		{"thousands", `"1.000,50"`},
		{"currency", `"10.50 EUR"`},
		{"hex", `0x10`},
		{"bool", `true`},
		{"object", `{}`},
		{"array", `[1]`},
		{"malformed exponent", `1e`},
		{"malformed exponent sign", `1e+`},
		{"unterminated string", `"10.50`},
		{"empty", ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := govpay.Centesimi(4242)
			err := v.UnmarshalJSON([]byte(tt.in))
			require.Error(t, err)
			assert.ErrorIs(t, err, govpay.ErrImporto)
			assert.Equal(t, govpay.Centesimi(4242), v, "a refused value must leave the amount unchanged")

			// Through encoding/json too, when the text is valid JSON.
			if json.Valid([]byte(tt.in)) {
				var s struct{ I govpay.Importo }
				assert.Error(t, json.Unmarshal([]byte(`{"I":`+tt.in+`}`), &s))
			}
		})
	}
}

func TestImportoNullLeavesUnchanged(t *testing.T) {
	v := govpay.Centesimi(1234)
	require.NoError(t, json.Unmarshal([]byte(`null`), &v))
	assert.Equal(t, govpay.Centesimi(1234), v)

	s := struct {
		I govpay.Importo `json:"i"`
	}{I: 99}
	require.NoError(t, json.Unmarshal([]byte(`{"i":null}`), &s))
	assert.Equal(t, govpay.Centesimi(99), s.I)
}

func TestParseImporto(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr string
	}{
		{"105.01", 10501, ""},
		{"5", 500, ""},
		{"0.1", 10, ""},
		{"007.50", 750, ""}, // leading zeros are tolerated in text
		{"1.0501E2", 10501, ""},
		{"", 0, "empty"},
		{"10.001", 0, "more than two decimals"},
		{"-3", 0, "negative"},
		{"+3", 0, "sign"},
		{"1.", 0, "missing digits after the decimal point"},
		{".5", 0, "not a decimal number"},
		{"1e99999", 0, "exponent out of range"},
		{"1000000000", 0, "exceeds the maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, err := govpay.ParseImporto(tt.in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.ErrorIs(t, err, govpay.ErrImporto)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.Contains(t, err.Error(), strconv.Quote(tt.in))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, v.Centesimi())
		})
	}
}

func TestParseImportoLongInputTruncatedInError(t *testing.T) {
	in := strings.Repeat("9", 500)
	_, err := govpay.ParseImporto(in)
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 150, "the error must not echo a huge input: %s", err)
}

func TestImportoConstructorsAndValid(t *testing.T) {
	assert.Equal(t, govpay.Centesimi(1600), govpay.Euro(16))
	assert.Equal(t, int64(10501), govpay.Centesimi(10501).Centesimi())
	assert.Equal(t, "999999999.99", govpay.MaxImporto.String())
	assert.Equal(t, "0.05", govpay.Centesimi(5).String())
	assert.Equal(t, "-1.05", govpay.Centesimi(-105).String())

	assert.NoError(t, govpay.Centesimi(0).Valid())
	assert.NoError(t, govpay.MaxImporto.Valid())
	for _, bad := range []govpay.Importo{-1, govpay.MaxImporto + 1, govpay.Importo(-1 << 63)} {
		err := bad.Valid()
		assert.ErrorIs(t, err, govpay.ErrImporto, "%d", int64(bad))
		_, err = json.Marshal(bad)
		assert.ErrorIs(t, err, govpay.ErrImporto, "json.Marshal(%d) must fail", int64(bad))
		_, err = bad.MarshalText()
		assert.ErrorIs(t, err, govpay.ErrImporto)
	}
	// MinInt64 formats without panicking.
	assert.Equal(t, "-92233720368547758.08", govpay.Importo(-1<<63).String())
}

func TestImportoInStruct(t *testing.T) {
	type voce struct {
		Importo govpay.Importo  `json:"importo"`
		Opt     *govpay.Importo `json:"opt,omitempty"`
	}
	b, err := json.Marshal(voce{Importo: govpay.Centesimi(10501)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"importo":105.01}`, string(b))
	assert.Equal(t, `{"importo":105.01}`, string(b), "the amount must be written as a number with two decimals")

	var got voce
	require.NoError(t, json.Unmarshal([]byte(`{"importo":"16.00","opt":0.5}`), &got))
	assert.Equal(t, govpay.Euro(16), got.Importo)
	require.NotNil(t, got.Opt)
	assert.Equal(t, govpay.Centesimi(50), *got.Opt)

	err = json.Unmarshal([]byte(`{"importo":10.001}`), &got)
	require.Error(t, err)
	assert.True(t, errors.Is(err, govpay.ErrImporto), "the decoding error must wrap ErrImporto: %v", err)
}
