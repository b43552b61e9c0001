//go:build race

package govpay_test

// raceEnabled is true when the race detector is on: loops of pure
// arithmetic then run fewer iterations, since the detector slows them ten
// times and finds nothing in one goroutine.
const raceEnabled = true
