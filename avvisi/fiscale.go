package avvisi

import (
	"errors"
	"fmt"
	"strings"
)

// ErrCodiceFiscale is matched (with errors.Is) by every error of
// CheckCodiceFiscale.
var ErrCodiceFiscale = errors.New("avvisi: invalid codice fiscale")

// ErrPartitaIVA is matched (with errors.Is) by every error of
// CheckPartitaIVA.
var ErrPartitaIVA = errors.New("avvisi: invalid partita IVA")

// omocodia lists the letters that replace the digits 0–9 in the numeric
// positions of a codice fiscale issued to a homocode person.
const omocodia = "LMNPQRSTUV"

// months lists the letters of the month of birth, January to December.
const months = "ABCDEHLMPRST"

// cfNumeric lists the positions (0-based) of a codice fiscale that hold a
// digit or its omocodia letter.
var cfNumeric = [16]bool{6: true, 7: true, 9: true, 10: true, 12: true, 13: true, 14: true}

// cfOdd is the value of a character in an odd position (1st, 3rd, …) for the
// check character, indexed by digit or letter.
var cfOdd = [26]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23}

// CheckCodiceFiscale verifies the codice fiscale of a natural person: 16
// capital letters and digits in the official layout (surname, name, year,
// month letter, day 01–31 or 41–71, place, check character), with omocodia
// letters (LMNPQRSTUV) accepted in place of the digits, and the check
// character. The 11-digit codice fiscale of a legal person is a partita IVA
// in form: check it with CheckPartitaIVA. The error says what is wrong and
// matches ErrCodiceFiscale.
func CheckCodiceFiscale(s string) error {
	if len(s) != 16 {
		if len(s) == 11 && isDigits(s) {
			return fmt.Errorf("%w %q: 11 digits, want 16 characters (check an 11-digit codice fiscale with the partita IVA rule)", ErrCodiceFiscale, s)
		}
		return fmt.Errorf("%w %q: %d characters, want 16", ErrCodiceFiscale, truncate(s, 40), len(s))
	}
	var digits [16]int // numeric value of the positions that hold a digit
	for i := range 16 {
		c := s[i]
		isUpper := c >= 'A' && c <= 'Z'
		isDigit := c >= '0' && c <= '9'
		switch {
		case cfNumeric[i]:
			switch {
			case isDigit:
				digits[i] = int(c - '0')
			case strings.IndexByte(omocodia, c) >= 0:
				digits[i] = strings.IndexByte(omocodia, c)
			default:
				return fmt.Errorf("%w %s: character %q at position %d must be a digit or one of the omocodia letters %s", ErrCodiceFiscale, s, c, i+1, omocodia)
			}
		case c >= 'a' && c <= 'z':
			return fmt.Errorf("%w %s: character %q at position %d must be a capital letter", ErrCodiceFiscale, s, c, i+1)
		case !isUpper:
			return fmt.Errorf("%w %s: character %q at position %d must be a letter", ErrCodiceFiscale, s, c, i+1)
		}
	}
	if strings.IndexByte(months, s[8]) < 0 {
		return fmt.Errorf("%w %s: month letter %q, want one of %s", ErrCodiceFiscale, s, s[8], months)
	}
	day := digits[9]*10 + digits[10]
	if day < 1 || day > 31 && day < 41 || day > 71 {
		return fmt.Errorf("%w %s: day of birth %02d, want 01–31 (men) or 41–71 (women)", ErrCodiceFiscale, s, day)
	}
	if want := cfCheck(s[:15]); s[15] != want {
		return fmt.Errorf("%w %s: check character is %c, expected %c", ErrCodiceFiscale, s, s[15], want)
	}
	return nil
}

// cfCheck computes the check character of the first 15 characters of a
// codice fiscale (capital letters and digits).
func cfCheck(s string) byte {
	sum := 0
	for i := range 15 {
		c := s[i]
		var k int // index 0–25: digits count as A–J
		if c >= '0' && c <= '9' {
			k = int(c - '0')
		} else {
			k = int(c - 'A')
		}
		if i%2 == 0 { // 1st, 3rd, … character
			sum += cfOdd[k]
		} else {
			sum += k
		}
	}
	return byte('A' + sum%26)
}

// CheckPartitaIVA verifies an Italian partita IVA, or the 11-digit codice
// fiscale of a legal person (the identifier of a creditor, idDominio): 11
// digits whose last one is the check digit of the first ten (the Luhn
// algorithm). It does not check the office code: codici fiscali of public
// bodies (80…, 9…) use codes partite IVA do not. The error says what is wrong
// and matches ErrPartitaIVA.
//
// GovPay's demo creditor 01234567890 fails this check.
func CheckPartitaIVA(s string) error {
	if len(s) != 11 {
		return fmt.Errorf("%w %q: %d characters, want 11 digits", ErrPartitaIVA, truncate(s, 40), len(s))
	}
	if !isDigits(s) {
		return fmt.Errorf("%w %q: want 11 digits", ErrPartitaIVA, s)
	}
	if want := pivaCheck(s[:10]); s[10] != want {
		return fmt.Errorf("%w %s: check digit is %c, expected %c", ErrPartitaIVA, s, s[10], want)
	}
	return nil
}

// pivaCheck computes the check digit of the first ten digits of a partita IVA.
func pivaCheck(s string) byte {
	sum := 0
	for i := range 10 {
		d := int(s[i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
