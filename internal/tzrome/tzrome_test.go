package tzrome

import (
	"testing"
	"time"
	_ "time/tzdata" // the reference: the toolchain's tz database (tests only)
)

// TestMatchesTZDatabase compares the embedded zone with the toolchain's tz
// database at every hour from 1970 to 2040: name and offset must agree, so
// the embedded copy is neither truncated nor stale.
func TestMatchesTZDatabase(t *testing.T) {
	ref, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	for at := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC); at.Before(end); at = at.Add(time.Hour) {
		gotName, gotOff := at.In(Location()).Zone()
		wantName, wantOff := at.In(ref).Zone()
		if gotName != wantName || gotOff != wantOff {
			t.Fatalf("%s: embedded zone says %s%+d, tz database %s%+d", at.Format(time.RFC3339), gotName, gotOff, wantName, wantOff)
		}
		n++
	}
	if n < 60*365*24 {
		t.Fatalf("compared %d instants only", n)
	}
}

// TestSummerTime pins two known instants, so the test above cannot pass
// with two zones that are both wrong.
func TestSummerTime(t *testing.T) {
	for _, c := range []struct {
		utc  time.Time
		want string
	}{
		{time.Date(2026, 3, 29, 0, 59, 59, 0, time.UTC), "2026-03-29T01:59:59+01:00"},
		{time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), "2026-03-29T03:00:00+02:00"},
		{time.Date(2026, 10, 25, 0, 59, 59, 0, time.UTC), "2026-10-25T02:59:59+02:00"},
		{time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC), "2026-10-25T02:00:00+01:00"},
	} {
		if got := c.utc.In(Location()).Format(time.RFC3339); got != c.want {
			t.Errorf("%s in Rome = %s, want %s", c.utc, got, c.want)
		}
	}
	if Location().String() != "Europe/Rome" {
		t.Errorf("name %q", Location().String())
	}
}
