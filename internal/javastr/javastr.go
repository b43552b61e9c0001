// Package javastr measures strings as GovPay, a Java program, measures
// them.
package javastr

// Len is the length of s as Java's String.length counts it, in UTF-16
// units: the length GovPay's StringValidator checks
// (StringValidator.java:55-70, GovPay 3.9.1). A character outside the Basic
// Multilingual Plane counts twice; an invalid UTF-8 byte counts once (it
// decodes to one replacement character).
func Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
