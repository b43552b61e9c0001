package pagamenti

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// urlRitornoEdgeCases are the inputs where the unbounded pattern and the
// length of the host run could make a difference: runs of host characters
// of 255–261 characters with and without "www.", word boundaries just
// before and after the 256th character, path characters right after the
// run, schemes in other cases, empty and one-character host parts.
func urlRitornoEdgeCases() []string {
	a := func(n int) string { return strings.Repeat("a", n) }
	d := func(n int) string { return strings.Repeat("-", n) }
	cases := []string{
		"", "http://", "https://", "http://a", "http://ab", "https://ab", "http://a.", "http://a-",
		"http://-a", "http://--", "http://.a", "http://a/", "http://ab/", "http://ab?x", "http://ab&",
		"https://portale.comune.it/r?ordine=42&x=a_b", "http://localhost:8080/r", "HTTPS://portale.comune.it/r",
		"https://portale.comune.it/r?a=1,2", "https://[::1]/r", "/ritorno", "ftp://portale.comune.it/r",
		"https://portale.comune.it/r x", "https://portale.comune.it/r\n", "https://portale.comune.it/città",
		"https://portale.comune.it/r#esito", "https://u:p@portale.comune.it/r", "https://portale.comune.it:99999/r",
		"http://www.", "http://www.a", "http://www.ab", "http://www.-", "http://www.--", "http://www./",
		"http://ww", "http://w-", "https://www.comune.it", "http:///ab", "http:/ab", "httpss://ab",
		"http://a_", "http://_a", "http://__", "http://a~b", "http://#=", "http://ab\x00",
	}
	for _, n := range []int{254, 255, 256, 257, 258, 259, 260, 261, 300} {
		for _, p := range []string{"", "www."} {
			for _, s := range []string{"http://", "https://"} {
				cases = append(cases,
					s+p+a(n),              // boundary only at the end of the run
					s+p+a(n)+"/x",         // boundary at the end of the run, then a path
					s+p+a(n)+"?",          //
					s+p+a(n-1)+"-",        // boundary one before the end
					s+p+a(n-1)+"-/x",      //
					s+p+d(n),              // no word character: no boundary
					s+p+d(n)+"a",          // boundary only at the end's last but one
					s+p+d(n-1)+"a",        //
					s+p+"ab"+d(n),         // boundary early
					s+p+d(n)+"/a",         // non-word run, then a path
					s+p+a(254)+"-"+a(n),   // boundary at 254 of a longer run
					s+p+a(255)+"."+a(n),   // boundary at 255
					s+p+a(256)+"."+a(n),   // boundary at 256
					s+p+a(257)+"."+a(n),   // boundary at 257
					s+p+a(259)+"."+a(n),   // boundary at 259 (within the bound after "www.")
					s+p+a(260)+"."+a(n),   // boundary at 260
					s+p+a(261)+"."+a(n),   // boundary at 261
					s+p+a(n)+" ",          // a character outside both classes
					s+p+a(n)+"/"+a(3)+"è", // outside, after the run
				)
			}
		}
	}
	return cases
}

// TestMatchURLRitornoAsGovPayPattern holds matchURLRitorno to GovPay's
// pattern itself (reURLRitorno), on the edge cases and on 20,000 strings
// of a seeded generator built from the characters that matter: those of
// the host class, those only in the path class, others, and runs around
// the bound.
func TestMatchURLRitornoAsGovPayPattern(t *testing.T) {
	check := func(u string) {
		t.Helper()
		if got, want := matchURLRitorno(u), reURLRitorno.MatchString(u); got != want {
			t.Fatalf("matchURLRitorno(%q) = %v, GovPay's pattern says %v", u, got, want)
		}
	}
	accepted := 0
	for _, u := range urlRitornoEdgeCases() {
		check(u)
		if reURLRitorno.MatchString(u) {
			accepted++
		}
	}
	// The table must exercise both answers, and the long runs both ways.
	if accepted == 0 || accepted == len(urlRitornoEdgeCases()) {
		t.Fatalf("the edge cases are all %v", accepted != 0)
	}
	for _, u := range []string{"http://" + strings.Repeat("a", 257), "https://" + strings.Repeat("-", 300) + "a"} {
		if reURLRitorno.MatchString(u) {
			t.Errorf("GovPay's pattern accepts %q: the table does not test the bound", u)
		}
	}
	for _, u := range []string{"http://" + strings.Repeat("a", 256), "http://www." + strings.Repeat("a", 256) + "." + strings.Repeat("a", 9)} {
		if !reURLRitorno.MatchString(u) {
			t.Errorf("GovPay's pattern refuses %q: the table does not test the bound", u)
		}
	}

	r := rand.New(rand.NewPCG(12, 2026))
	pieces := []string{"a", "Z", "9", "_", "-", ".", "@", ":", "%", "+", "~", "#", "=", "/", "?", "&", " ", ",", "è", "\n", "!", "www.", "w"}
	schemes := []string{"http://", "https://", "https://www.", "http://www.", "HTTP://", "http:/", ""}
	n := 20_000
	if testing.Short() {
		n = 2_000
	}
	for range n {
		var b strings.Builder
		b.WriteString(schemes[r.IntN(len(schemes))])
		switch r.IntN(4) {
		case 0: // a long run of one host character, near the bound
			b.WriteString(strings.Repeat(pieces[r.IntN(13)], 250+r.IntN(15)))
		case 1: // a long mixed run of host characters
			for range 250 + r.IntN(15) {
				b.WriteString(pieces[r.IntN(13)])
			}
		}
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		check(b.String())
	}
}

// FuzzMatchURLRitorno: matchURLRitorno answers as GovPay's pattern for any
// input (go test -fuzz FuzzMatchURLRitorno ./pagamenti/).
func FuzzMatchURLRitorno(f *testing.F) {
	for _, u := range urlRitornoEdgeCases() {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, u string) {
		if got, want := matchURLRitorno(u), reURLRitorno.MatchString(u); got != want {
			t.Fatalf("matchURLRitorno(%q) = %v, GovPay's pattern says %v", u, got, want)
		}
	})
}

// BenchmarkURLRitorno: GovPay's pattern matched as it is (govpay) and as
// matchURLRitorno does (sdk), on a typical return URL.
func BenchmarkURLRitorno(b *testing.B) {
	const u = "https://portale.comune.it/pagopa/ritorno?ordine=42&x=a_b"
	b.Run("impl=govpay", func(b *testing.B) {
		for b.Loop() {
			if !reURLRitorno.MatchString(u) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		for b.Loop() {
			if !matchURLRitorno(u) {
				b.Fatal("refused")
			}
		}
	})
}
