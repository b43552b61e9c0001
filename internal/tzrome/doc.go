// Package tzrome holds the Europe/Rome time zone, the zone in which GovPay
// writes every timestamp that carries no offset.
//
// The zone is embedded (Europe_Rome.tzif, under 1 KB, taken from the Go
// toolchain's lib/time/zoneinfo.zip: the IANA tz database, public domain),
// so that the SDK resolves it on minimal images (scratch, distroless)
// without importing time/tzdata, which would add about 450 KB to every
// program that uses the SDK. TestMatchesTZDatabase checks it against the
// toolchain's copy of the tz database, hour by hour.
//
// To refresh it after a change of Italy's rules:
//
//	unzip -p "$(go env GOROOT)/lib/time/zoneinfo.zip" Europe/Rome > internal/tzrome/Europe_Rome.tzif
package tzrome
