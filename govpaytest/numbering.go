package govpaytest

import (
	"fmt"
	"strconv"
	"time"
)

// numeroAvvisoAux3 builds the numero avviso (aux digit 3) and the IUV of the
// n-th notice of a domain with the given segregation code, the way GovPay
// generates them: "3" + segregation code (2 digits) + IUV base (13 digits)
// + check digits (2), where the check digits are the remainder modulo 93 of
// the first 16 digits. The IUV is the numero avviso without its aux digit.
func numeroAvvisoAux3(segregazione string, n uint64) (nav, iuv string) {
	head := "3" + segregazione + fmt.Sprintf("%013d", n%10_000_000_000_000)
	nav = head + checkDigits(head)
	return nav, nav[1:]
}

// checkDigits returns the two pagoPA check digits of the given digits: their
// value modulo 93, zero padded.
func checkDigits(digits string) string {
	var r uint64
	for _, c := range digits {
		r = (r*10 + uint64(c-'0')) % 93
	}
	return fmt.Sprintf("%02d", r)
}

// iuvFromNumeroAvviso derives the IUV from a numero avviso: aux digit 0
// drops the first three digits (aux digit and application code), aux digits
// 1, 2 and 3 drop the first one.
func iuvFromNumeroAvviso(nav string) string {
	if len(nav) != 18 {
		return ""
	}
	if nav[0] == '0' {
		return nav[3:]
	}
	return nav[1:]
}

// Timestamp layouts GovPay emits. GovPay never writes RFC 3339 offsets with a
// colon; it mixes these forms across fields (see the package documentation).
const (
	layoutDate       = "2006-01-02"
	layoutDateTime   = "2006-01-02T15:04:05"
	layoutDateTimeMs = "2006-01-02T15:04:05.000"
	layoutDateTimeTZ = "2006-01-02T15:04:05.000-0700"
)

// inRome returns t in Europe/Rome.
func inRome(t time.Time) time.Time { return t.In(rome) }

func fmtDate(t time.Time) string       { return inRome(t).Format(layoutDate) }
func fmtDateTime(t time.Time) string   { return inRome(t).Format(layoutDateTime) }
func fmtDateTimeMs(t time.Time) string { return inRome(t).Format(layoutDateTimeMs) }
func fmtDateTimeTZ(t time.Time) string { return inRome(t).Format(layoutDateTimeTZ) }

// hexID formats a sequence number as a 32-character lowercase hexadecimal id,
// the shape of GovPay's payment ids and pagoPA's session ids.
func hexID(prefix byte, n uint64) string {
	return fmt.Sprintf("%c%031x", prefix, n)
}

// digitsID formats a sequence number as a fixed-width decimal id.
func digitsID(width int, n uint64) string {
	s := strconv.FormatUint(n, 10)
	for len(s) < width {
		s = "0" + s
	}
	return s
}
