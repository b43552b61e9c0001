package pendenze

import (
	"testing"
	"time"
)

// BenchmarkPutBody weighs the hand-written encoder of the Put body
// (encodeBody) against encoding/json (bodyReflect: the wire struct with
// omitempty/omitzero tags) on the same pendenza, in the same run.
// impl=paired alternates the two in one loop and reports their ratio.
func BenchmarkPutBody(b *testing.B) {
	p := validPendenza()
	hand := func() {
		if _, ok := encodeBody(make([]byte, 0, 1024), &p); !ok {
			b.Fatal("the hand encoder gave up")
		}
	}
	reflect := func() {
		if _, err := p.bodyReflect(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("impl=hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hand()
		}
	})
	b.Run("impl=json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			reflect()
		}
	})
	b.Run("impl=paired", func(b *testing.B) {
		var th, tj time.Duration
		for i := 0; b.Loop(); i++ {
			for k := range 2 {
				start := time.Now()
				if (i+k)%2 == 0 {
					hand()
					th += time.Since(start)
				} else {
					reflect()
					tj += time.Since(start)
				}
			}
		}
		n := float64(b.N)
		b.ReportMetric(float64(th.Nanoseconds())/n, "hand-ns/op")
		b.ReportMetric(float64(tj.Nanoseconds())/n, "json-ns/op")
		b.ReportMetric(float64(tj-th)/n, "saved-ns/op")
	})
}
