//go:build !race

package faultcampaign

// raceEnabled reports whether the race detector is on: decoding a 10 MB
// JSON body then costs seconds of CPU.
const raceEnabled = false
