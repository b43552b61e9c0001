package govpay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Importo is an amount of money in euro cents. It is exact: GovPay and pagoPA
// accept at most two decimals, and every amount in this SDK is carried as an
// integer number of cents, never as a float64.
//
// The zero value is 0.00 €. Valid amounts range from 0 to [MaxImporto]
// (999,999,999.99 €). Importo encodes to JSON as a decimal number with two
// decimals (105.01) and decodes from a JSON number or a quoted decimal string.
type Importo int64

// MaxImporto is the largest amount GovPay accepts: 999,999,999.99 €.
const MaxImporto Importo = 99_999_999_999

// ErrImporto is matched (with errors.Is) by every error that reports an
// invalid amount.
var ErrImporto = errors.New("govpay: invalid importo")

// Centesimi returns the amount of c euro cents: Centesimi(10501) is 105.01 €.
func Centesimi(c int64) Importo { return Importo(c) }

// Euro returns the amount of e whole euros: Euro(16) is 16.00 €.
func Euro(e int64) Importo { return Importo(e * 100) }

// Centesimi returns the amount in euro cents.
func (i Importo) Centesimi() int64 { return int64(i) }

// Valid reports an error wrapping [ErrImporto] when i is negative or larger
// than [MaxImporto].
func (i Importo) Valid() error {
	if i < 0 {
		return fmt.Errorf("%w: %s is negative", ErrImporto, i)
	}
	if i > MaxImporto {
		return fmt.Errorf("%w: %s exceeds the maximum 999999999.99", ErrImporto, i)
	}
	return nil
}

// String formats the amount as a decimal with two digits after the point,
// the way GovPay writes it: "105.01", "16.00", "0.05".
func (i Importo) String() string {
	return string(i.appendDecimal(make([]byte, 0, 16)))
}

func (i Importo) appendDecimal(b []byte) []byte {
	v := int64(i)
	if v < 0 {
		b = append(b, '-')
		v = -v // MinInt64 is never a valid amount; it still formats without panicking below
	}
	u := uint64(v)
	b = strconv.AppendUint(b, u/100, 10)
	c := u % 100
	return append(b, '.', byte('0'+c/10), byte('0'+c%10))
}

// ParseImporto parses a decimal amount in euro: "105.01", "5", "16.00", "0.1".
// It accepts a plain decimal with at most two significant decimals (extra
// trailing zeros are fine), optionally with an exponent ("1.0501E2") as long
// as the value stays exact. It rejects signs, NaN, infinities, more than two
// significant decimals and values outside 0 … 999,999,999.99. It follows
// the JSON number grammar, so ".5" and "1." are refused, except that leading
// zeros ("007.50") are tolerated. Errors match [ErrImporto].
func ParseImporto(s string) (Importo, error) {
	v, err := parseDecimalCents(s)
	if err != nil {
		return 0, fmt.Errorf("%w %q: %s", ErrImporto, truncate(s, 40), err)
	}
	return v, nil
}

// parseDecimalCents parses the JSON-number grammar into cents, exactly.
func parseDecimalCents(s string) (Importo, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	i := 0
	if s[0] == '-' {
		return 0, errors.New("negative amounts are not allowed")
	}
	if s[0] == '+' {
		return 0, errors.New("a sign is not allowed")
	}
	// integer part
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intPart := s[start:i]
	fracPart := ""
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		fracPart = s[fs:i]
		if fracPart == "" {
			return 0, errors.New("missing digits after the decimal point")
		}
	}
	if intPart == "" {
		return 0, errors.New("not a decimal number")
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if es == i {
			return 0, errors.New("malformed exponent")
		}
		if i-es > 4 {
			return 0, errors.New("exponent out of range")
		}
		e, _ := strconv.Atoi(s[es:i])
		if neg {
			e = -e
		}
		exp = e
	}
	if i != len(s) {
		return 0, errors.New("not a decimal number")
	}
	// digits = intPart+fracPart, value = digits * 10^(exp - len(fracPart)); we need cents:
	// cents = digits * 10^(exp - len(fracPart) + 2)
	digits := strings.TrimLeft(intPart+fracPart, "0")
	shift := exp - len(fracPart) + 2
	if digits == "" {
		return 0, nil
	}
	if shift < 0 {
		// the last -shift digits must be zeros, or precision is lost
		if -shift >= len(digits) {
			return 0, errors.New("more than two decimals")
		}
		cut := len(digits) + shift
		if strings.Trim(digits[cut:], "0") != "" {
			return 0, errors.New("more than two decimals")
		}
		digits = digits[:cut]
		shift = 0
	}
	if len(digits)+shift > 11 {
		return 0, errors.New("exceeds the maximum 999999999.99")
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, errors.New("not a decimal number")
	}
	for ; shift > 0; shift-- {
		n *= 10
	}
	if Importo(n) > MaxImporto {
		return 0, errors.New("exceeds the maximum 999999999.99")
	}
	return Importo(n), nil
}

// MarshalJSON encodes the amount as a JSON number with two decimals (105.01).
// It fails for amounts outside 0 … [MaxImporto], so an invalid amount never
// reaches the wire.
func (i Importo) MarshalJSON() ([]byte, error) {
	if err := i.Valid(); err != nil {
		return nil, err
	}
	return i.appendDecimal(make([]byte, 0, 16)), nil
}

// UnmarshalJSON decodes a JSON number (105.01) or a JSON string holding a
// decimal ("105.01"). JSON null leaves the amount unchanged.
func (i *Importo) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	s := string(b)
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		if plainJSONString(b[1 : len(b)-1]) {
			s = strings.TrimSpace(s[1 : len(s)-1])
		} else {
			var u string
			if err := json.Unmarshal(b, &u); err != nil {
				return fmt.Errorf("%w: malformed string", ErrImporto)
			}
			s = strings.TrimSpace(u)
		}
	}
	v, err := ParseImporto(s)
	if err != nil {
		return err
	}
	*i = v
	return nil
}

// MarshalText encodes the amount as "105.01" (used in query strings and map keys).
func (i Importo) MarshalText() ([]byte, error) {
	if err := i.Valid(); err != nil {
		return nil, err
	}
	return i.appendDecimal(nil), nil
}

// UnmarshalText decodes "105.01".
func (i *Importo) UnmarshalText(b []byte) error {
	v, err := ParseImporto(string(b))
	if err != nil {
		return err
	}
	*i = v
	return nil
}

// plainJSONString reports whether b, the inside of a JSON string, has no
// escapes, quotes or control characters, so that it is its own value.
func plainJSONString(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
