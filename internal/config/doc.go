// Package config holds the resolved settings of an SDK client, filled by the
// govpay.With… options and read by the transport. It imports nothing of the
// SDK, so the root package and the transport can both depend on it.
//
// # Ownership
//
// A Config is built once, by applying options to a zero Config, and then
// read only. The transport copies what it keeps.
package config
