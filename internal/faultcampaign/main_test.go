package faultcampaign

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain raises the default parallelism (the cases mostly wait on
// timers), then checks, once every test has run, that no payment start
// reached a server twice and that no goroutine was left behind (a body not
// closed, a retry timer not stopped, a fake not closed).
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", "32")
	}
	code := m.Run()
	if code == 0 {
		if calls, received := global.calls.Load(), global.received.Load(); calls != received {
			fmt.Fprintf(os.Stderr, "faultcampaign: %d payment starts made, the fake servers received %d (POST /pagamenti + POST /carts)\n", calls, received)
			code = 1
		}
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "faultcampaign: leaked goroutines: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}
