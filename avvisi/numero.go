package avvisi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNumeroAvviso is matched (with errors.Is) by every error that reports an
// invalid numero avviso.
var ErrNumeroAvviso = errors.New("avvisi: invalid numero avviso")

// NumeroAvviso is the 18-digit number printed on a pagoPA payment notice
// (codice avviso, NAV). It is a comparable value type; the zero value means
// "unset" (see IsZero). A non-zero NumeroAvviso is always well formed: its
// aux digit is 0–3 and, where the layout has them, its check digits are right.
//
// The layouts, by aux digit (the first digit):
//
//	0: aux(1) + application code(2) + base(13) + check(2)   IUV = base + check (15 digits)
//	1: aux(1) + IUV(17)                                     no check digits
//	2: aux(1) + base(15) + check(2)                         IUV = base + check (17 digits)
//	3: aux(1) + segregation code(2) + base(13) + check(2)   IUV = code + base + check (17 digits)
//
// The check digits are (the first 16 digits, as a number) mod 93, written
// with two digits ("00" … "92").
//
// NumeroAvviso encodes to JSON as a string of 18 digits (the zero value as
// null) and decodes from a JSON string with ParseNumeroAvviso (null and ""
// give the zero value). A number with wrong check digits is refused also when
// decoding: GovPay does not check them, but pagoPA does.
type NumeroAvviso struct {
	s string // 18 digits, or "" when unset
}

// ParseNumeroAvviso parses the 18 digits of a numero avviso. Spaces between
// the digits (as printed on the notice: "3012 3456 7890 1234 56") and white
// space around the number are ignored; any other character is refused. It
// checks the length, the aux digit (0–3) and the check digits (aux digits 0,
// 2 and 3), and the error says exactly what is wrong. Every error matches
// ErrNumeroAvviso.
func ParseNumeroAvviso(s string) (NumeroAvviso, error) {
	trimmed := strings.TrimSpace(s)
	if trimmed == "" {
		return NumeroAvviso{}, fmt.Errorf("%w: empty", ErrNumeroAvviso)
	}
	var buf [18]byte
	n, pos := 0, 0
	for _, r := range trimmed {
		pos++
		switch {
		case r == ' ':
			continue
		case r < '0' || r > '9':
			return NumeroAvviso{}, fmt.Errorf("%w %q: character %q at position %d is not a digit", ErrNumeroAvviso, truncate(trimmed, 40), r, pos)
		}
		if n < len(buf) {
			buf[n] = byte(r)
		}
		n++
	}
	if n != 18 {
		return NumeroAvviso{}, fmt.Errorf("%w %q: %d digits, want 18", ErrNumeroAvviso, truncate(trimmed, 40), n)
	}
	t := string(buf[:])
	aux := int(t[0] - '0')
	if aux > 3 {
		return NumeroAvviso{}, fmt.Errorf("%w %s: aux digit %d, want 0, 1, 2 or 3", ErrNumeroAvviso, t, aux)
	}
	if aux != 1 {
		want := checkDigits(t[:16])
		if got := t[16:]; got != want {
			return NumeroAvviso{}, fmt.Errorf("%w %s: check digits are %s, expected %s (%s mod 93)", ErrNumeroAvviso, t, got, want, t[:16])
		}
	}
	return NumeroAvviso{s: t}, nil
}

// MustParseNumeroAvviso is like ParseNumeroAvviso but panics on error. It is
// meant for tests and for constants known to be valid.
func MustParseNumeroAvviso(s string) NumeroAvviso {
	n, err := ParseNumeroAvviso(s)
	if err != nil {
		panic(err)
	}
	return n
}

// checkDigits returns (d as a number) mod 93 as two digits; d holds at most
// 19 digits.
func checkDigits(d string) string {
	v, _ := strconv.ParseUint(d, 10, 64)
	r := v % 93
	return string([]byte{byte('0' + r/10), byte('0' + r%10)})
}

// NewNumeroAvviso3 builds the aux-3 numero avviso of a creditor that uses
// segregation codes: "3" + codiceSegregazione (2 digits) + base (13 digits,
// zero-padded) + check digits. Verticals that assign their own IUVs use it;
// the IUV of the result is the last 17 digits. codiceSegregazione must be
// 0–99 and base 0–9,999,999,999,999.
func NewNumeroAvviso3(codiceSegregazione int, base uint64) (NumeroAvviso, error) {
	if codiceSegregazione < 0 || codiceSegregazione > 99 {
		return NumeroAvviso{}, fmt.Errorf("%w: codice segregazione %d, want 0–99", ErrNumeroAvviso, codiceSegregazione)
	}
	if base > maxBase13 {
		return NumeroAvviso{}, fmt.Errorf("%w: base %d has more than 13 digits", ErrNumeroAvviso, base)
	}
	d := fmt.Sprintf("3%02d%013d", codiceSegregazione, base)
	return NumeroAvviso{s: d + checkDigits(d)}, nil
}

const maxBase13 = 9_999_999_999_999

// IsZero reports whether n is unset.
func (n NumeroAvviso) IsZero() bool { return n.s == "" }

// String returns the 18 digits ("" when unset).
func (n NumeroAvviso) String() string { return n.s }

// Formatted returns the number in groups of four digits, as printed on the
// notice: "3012 3456 7890 1234 56" ("" when unset).
func (n NumeroAvviso) Formatted() string {
	if n.s == "" {
		return ""
	}
	return n.s[0:4] + " " + n.s[4:8] + " " + n.s[8:12] + " " + n.s[12:16] + " " + n.s[16:18]
}

// AuxDigit returns the aux digit (0–3), the first digit of the number; -1
// when n is unset.
func (n NumeroAvviso) AuxDigit() int {
	if n.s == "" {
		return -1
	}
	return int(n.s[0] - '0')
}

// IUV returns the Identificativo Univoco di Versamento the number carries:
// the last 15 digits for aux digit 0 (aux digit and application code
// dropped), the last 17 digits for aux digits 1, 2 and 3. It is "" when n is
// unset.
func (n NumeroAvviso) IUV() string {
	switch {
	case n.s == "":
		return ""
	case n.s[0] == '0':
		return n.s[3:]
	default:
		return n.s[1:]
	}
}

// SegregationCode returns the codice segregazione (digits 2–3) of an aux-3
// number; ok is false for other aux digits.
func (n NumeroAvviso) SegregationCode() (code int, ok bool) {
	if n.s == "" || n.s[0] != '3' {
		return 0, false
	}
	return int(n.s[1]-'0')*10 + int(n.s[2]-'0'), true
}

// ApplicationCode returns the application code (digits 2–3) of an aux-0
// number; ok is false for other aux digits.
func (n NumeroAvviso) ApplicationCode() (code int, ok bool) {
	if n.s == "" || n.s[0] != '0' {
		return 0, false
	}
	return int(n.s[1]-'0')*10 + int(n.s[2]-'0'), true
}

// MarshalJSON encodes the 18 digits as a JSON string, or null when n is
// unset.
func (n NumeroAvviso) MarshalJSON() ([]byte, error) {
	if n.s == "" {
		return []byte("null"), nil
	}
	return []byte(`"` + n.s + `"`), nil
}

// UnmarshalJSON decodes a JSON string with ParseNumeroAvviso; null and ""
// give the zero value. A JSON number is refused: 18 digits do not survive a
// float64.
func (n *NumeroAvviso) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = NumeroAvviso{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%w: want a JSON string, got %s", ErrNumeroAvviso, truncate(string(b), 40))
	}
	return n.UnmarshalText([]byte(s))
}

// MarshalText encodes the 18 digits ("" when unset).
func (n NumeroAvviso) MarshalText() ([]byte, error) { return []byte(n.s), nil }

// UnmarshalText decodes with ParseNumeroAvviso; empty text gives the zero
// value.
func (n *NumeroAvviso) UnmarshalText(b []byte) error {
	if strings.TrimSpace(string(b)) == "" {
		*n = NumeroAvviso{}
		return nil
	}
	v, err := ParseNumeroAvviso(string(b))
	if err != nil {
		return err
	}
	*n = v
	return nil
}

// truncate shortens s to at most n runes for error messages.
func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
