package avvisi

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Vectors computed independently (Python big integers: first 16 digits mod 93).
func TestParseNumeroAvviso(t *testing.T) {
	tests := []struct {
		in        string
		want      string
		aux       int
		iuv       string
		formatted string
		appCode   int // -1: none
		segCode   int // -1: none
	}{
		// aux 0: application code + base + check; IUV drops 3 digits.
		{"001000000000001252", "001000000000001252", 0, "000000000001252", "0010 0000 0000 0012 52", 1, -1},
		{"001000000123453500", "001000000123453500", 0, "000000123453500", "0010 0000 0123 4535 00", 1, -1}, // check 00
		{"001000000123453492", "001000000123453492", 0, "000000123453492", "0010 0000 0123 4534 92", 1, -1}, // check 92
		{"045999999999999972", "045999999999999972", 0, "999999999999972", "0459 9999 9999 9999 72", 45, -1},
		{"000000000000000000", "000000000000000000", 0, "000000000000000", "0000 0000 0000 0000 00", 0, -1},
		// aux 1: 17-digit IUV, no check digits.
		{"112345678901234567", "112345678901234567", 1, "12345678901234567", "1123 4567 8901 2345 67", -1, -1},
		{"100000000000000099", "100000000000000099", 1, "00000000000000099", "1000 0000 0000 0000 99", -1, -1},
		// aux 2: 15-digit base + check; IUV drops 1 digit.
		{"212345678901234544", "212345678901234544", 2, "12345678901234544", "2123 4567 8901 2345 44", -1, -1},
		{"200001234567894600", "200001234567894600", 2, "00001234567894600", "2000 0123 4567 8946 00", -1, -1}, // check 00
		{"200001234567894592", "200001234567894592", 2, "00001234567894592", "2000 0123 4567 8945 92", -1, -1}, // check 92
		// aux 3: segregation code + base + check; IUV drops 1 digit.
		{"301000000000012373", "301000000000012373", 3, "01000000000012373", "3010 0000 0000 0123 73", -1, 1},
		{"301000000123453200", "301000000123453200", 3, "01000000123453200", "3010 0000 0123 4532 00", -1, 1}, // check 00
		{"301000000123453192", "301000000123453192", 3, "01000000123453192", "3010 0000 0123 4531 92", -1, 1}, // check 92
		{"399000000000000158", "399000000000000158", 3, "99000000000000158", "3990 0000 0000 0001 58", -1, 99},
		{"300000000000000003", "300000000000000003", 3, "00000000000000003", "3000 0000 0000 0000 03", -1, 0},
		// Spaces as printed, and surrounding white space, are accepted.
		{"3010 0000 0000 0123 73", "301000000000012373", 3, "01000000000012373", "3010 0000 0000 0123 73", -1, 1},
		{"\t 301000000000012373\n", "301000000000012373", 3, "01000000000012373", "3010 0000 0000 0123 73", -1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := ParseNumeroAvviso(tt.in)
			require.NoError(t, err)
			assert.False(t, n.IsZero())
			assert.Equal(t, tt.want, n.String())
			assert.Equal(t, tt.aux, n.AuxDigit())
			assert.Equal(t, tt.iuv, n.IUV())
			assert.Equal(t, tt.formatted, n.Formatted())
			code, ok := n.ApplicationCode()
			assert.Equal(t, tt.appCode >= 0, ok)
			if ok {
				assert.Equal(t, tt.appCode, code)
			}
			code, ok = n.SegregationCode()
			assert.Equal(t, tt.segCode >= 0, ok)
			if ok {
				assert.Equal(t, tt.segCode, code)
			}
			if tt.aux == 0 {
				assert.Len(t, n.IUV(), 15)
			} else {
				assert.Len(t, n.IUV(), 17)
			}
			assert.True(t, strings.HasSuffix(n.String(), n.IUV()))
		})
	}
}

func TestParseNumeroAvvisoErrors(t *testing.T) {
	tests := []struct {
		in   string
		want string // substring of the error
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"30100000000001237", "17 digits, want 18"},
		{"3010000000000123730", "19 digits, want 18"},
		{"30100000000001237A", `character 'A' at position 18 is not a digit`},
		{"3010-0000-0000-0123-73", `character '-' at position 5 is not a digit`},
		{"30100000000001237€", `character '€' at position 18 is not a digit`},
		{"401000000000012373", "aux digit 4, want 0, 1, 2 or 3"},
		{"901000000000012373", "aux digit 9"},
		// GovPay's documentation example: the check digits are wrong.
		{"301000000000012345", "check digits are 45, expected 73"},
		{"001000000123453592", "check digits are 92, expected 00"},
		{"200001234567894500", "check digits are 00, expected 92"},
		{"001000000000001253", "check digits are 53, expected 52"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := ParseNumeroAvviso(tt.in)
			require.Error(t, err)
			assert.True(t, n.IsZero())
			assert.ErrorIs(t, err, ErrNumeroAvviso)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestNumeroAvvisoZero(t *testing.T) {
	var n NumeroAvviso
	assert.True(t, n.IsZero())
	assert.Equal(t, "", n.String())
	assert.Equal(t, "", n.Formatted())
	assert.Equal(t, "", n.IUV())
	assert.Equal(t, -1, n.AuxDigit())
	_, ok := n.SegregationCode()
	assert.False(t, ok)
	_, ok = n.ApplicationCode()
	assert.False(t, ok)
	b, err := json.Marshal(n)
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
}

func TestNumeroAvvisoJSON(t *testing.T) {
	type doc struct {
		N NumeroAvviso  `json:"numeroAvviso"`
		P *NumeroAvviso `json:"p,omitempty"`
		Z NumeroAvviso  `json:"z,omitzero"`
	}
	d := doc{N: MustParseNumeroAvviso("001000000123453500")}
	b, err := json.Marshal(d)
	require.NoError(t, err)
	assert.JSONEq(t, `{"numeroAvviso":"001000000123453500"}`, string(b))

	var back doc
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, d, back)

	for _, in := range []string{`{"numeroAvviso":null}`, `{"numeroAvviso":""}`, `{}`} {
		var got doc
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		assert.True(t, got.N.IsZero(), in)
	}
	var got doc
	require.NoError(t, json.Unmarshal([]byte(`{"numeroAvviso":"3010 0000 0000 0123 73"}`), &got))
	assert.Equal(t, "301000000000012373", got.N.String())

	for _, in := range []string{
		`{"numeroAvviso":301000000000012373}`, // a number loses digits in float64 decoders
		`{"numeroAvviso":"301000000000012345"}`,
		`{"numeroAvviso":true}`,
	} {
		err := json.Unmarshal([]byte(in), &got)
		require.Error(t, err, in)
		assert.ErrorIs(t, err, ErrNumeroAvviso, in)
	}

	// Text form, as used for map keys and query parameters.
	m := map[NumeroAvviso]int{MustParseNumeroAvviso("301000000000012373"): 1}
	b, err = json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"301000000000012373":1}`, string(b))
	var mback map[NumeroAvviso]int
	require.NoError(t, json.Unmarshal(b, &mback))
	assert.Equal(t, m, mback)
}

func TestNewNumeroAvviso3(t *testing.T) {
	tests := []struct {
		code int
		base uint64
		want string
	}{
		{1, 12345, "301000000001234519"},   // (3‖01‖0000000012345) mod 93 = 19
		{1, 1234532, "301000000123453200"}, // check 00
		{1, 1234531, "301000000123453192"}, // check 92
		{99, 1, "399000000000000158"},
		{0, 0, "300000000000000003"},
		{12, 123456, "312000000012345663"},
	}
	for _, tt := range tests {
		n, err := NewNumeroAvviso3(tt.code, tt.base)
		require.NoError(t, err)
		assert.Equal(t, tt.want, n.String())
		c, ok := n.SegregationCode()
		assert.True(t, ok)
		assert.Equal(t, tt.code, c)
	}
	for _, bad := range []struct {
		code int
		base uint64
	}{{-1, 1}, {100, 1}, {1, 10_000_000_000_000}} {
		_, err := NewNumeroAvviso3(bad.code, bad.base)
		assert.ErrorIs(t, err, ErrNumeroAvviso)
	}
	n, err := NewNumeroAvviso3(1, 9_999_999_999_999)
	require.NoError(t, err)
	assert.Equal(t, "3019999999999999", n.String()[:16])
}

// TestNumeroAvviso3RoundTrip: generate → format → parse gives the same value.
func TestNumeroAvviso3RoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 10_000 {
		code := r.IntN(100)
		base := r.Uint64N(maxBase13 + 1)
		n, err := NewNumeroAvviso3(code, base)
		require.NoError(t, err)
		for _, s := range []string{n.String(), n.Formatted()} {
			back, err := ParseNumeroAvviso(s)
			require.NoError(t, err, s)
			require.Equal(t, n, back, s)
		}
		text, err := n.MarshalText()
		require.NoError(t, err)
		var back NumeroAvviso
		require.NoError(t, back.UnmarshalText(text))
		require.Equal(t, n, back)
		c, _ := n.SegregationCode()
		require.Equal(t, code, c)
		require.Equal(t, n.String()[1:], n.IUV())
	}
}

func TestMustParseNumeroAvvisoPanics(t *testing.T) {
	assert.Panics(t, func() { MustParseNumeroAvviso("301000000000012345") })
}

func TestErrorsAreDistinct(t *testing.T) {
	_, err := ParseNumeroAvviso("x")
	assert.False(t, errors.Is(err, ErrCodiceFiscale))
}
