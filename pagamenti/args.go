package pagamenti

import "regexp"

// reDominioCF is the form of a creditor's fiscal code (idDominio): 11
// digits.
var reDominioCF = regexp.MustCompile(`^[0-9]{11}$`)

// onlyDigits reports whether s is a non-empty string of ASCII digits.
func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
