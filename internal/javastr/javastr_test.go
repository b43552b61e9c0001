package javastr_test

import (
	"testing"
	"unicode/utf16"

	"github.com/govpaygo/govpay/internal/javastr"
)

func TestLen(t *testing.T) {
	for s, want := range map[string]int{
		"":            0,
		"abc":         3,
		"città":       5, // 'à' is one unit, two bytes
		"\U0001F600":  2, // outside the BMP: a surrogate pair
		"a\xffb":      3, // an invalid byte is one replacement unit
		"€\U00010348": 3,
	} {
		if got := javastr.Len(s); got != want {
			t.Errorf("Len(%q) = %d, want %d", s, got, want)
		}
		if got := len(utf16.Encode([]rune(s))); got != want {
			t.Errorf("utf16.Encode(%q) has %d units, the test wants %d", s, got, want)
		}
	}
}
