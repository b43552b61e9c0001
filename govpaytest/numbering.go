package govpaytest

import (
	"fmt"
	"strconv"
	"time"

	"github.com/govpaygo/govpay/avvisi"
)

// numeroAvvisoAux3 builds the numero avviso (aux digit 3) and the IUV of the
// n-th notice of a domain with the given segregation code, the way GovPay
// generates them: "3" + segregation code (2 digits) + IUV base (13 digits)
// + check digits (2), the remainder modulo 93 of the first 16 digits. The
// IUV is the numero avviso without its aux digit.
func numeroAvvisoAux3(segregazione string, n uint64) (nav, iuv string) {
	code, err := strconv.Atoi(segregazione)
	if err != nil || code < 0 || code > 99 {
		code = 1
	}
	na, err := avvisi.NewNumeroAvviso3(code, n%10_000_000_000_000)
	if err != nil { // unreachable: code and base are in range
		return "", ""
	}
	return na.String(), na.IUV()
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
