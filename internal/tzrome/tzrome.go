package tzrome

import (
	_ "embed" // the zone's TZif data
	"time"
)

//go:embed Europe_Rome.tzif
var tzif []byte

var rome = load()

func load() *time.Location {
	loc, err := time.LoadLocationFromTZData("Europe/Rome", tzif)
	if err != nil { // cannot happen: the data is embedded and tested
		panic("govpay: embedded Europe/Rome zone unreadable: " + err.Error())
	}
	return loc
}

// Location returns the Europe/Rome time zone. It is the same *time.Location
// on every call, safe for concurrent use.
func Location() *time.Location { return rome }
