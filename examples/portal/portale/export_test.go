package portale

import "time"

// SetClock makes a read the time from now (before it serves).
func SetClock(a *App, now func() time.Time) { a.now = now }
