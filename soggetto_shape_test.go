package govpay

import (
	"regexp"
	"testing"
)

// TestShapeMatchers compares the hand-written matchers with the regular
// expressions they stand for.
func TestShapeMatchers(t *testing.T) {
	reEmail := regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	reTwo := regexp.MustCompile(`^[A-Z]{2}$`)
	inputs := []string{
		"", "a", "@", "a@b", "a@b.", "a@.b", "a@b.c", "a.b@c.d", "@b.c", "a@@b.c", "a@b@c.d",
		"a b@c.d", "a@b .c", "a@b.c ", "\ta@b.c", "a@b..c", "a@b.c.", "mario.rossi@comune.roma.it",
		"è@à.ù", "a@b.c\u00a0", "a@\u2028b.c", "x@y.zz", "IT", "it", "I", "ITA", "ÀB", "A1",
	}
	for _, s := range inputs {
		if got, want := emailShape(s), reEmail.MatchString(s); got != want {
			t.Errorf("emailShape(%q) = %v, regexp says %v", s, got, want)
		}
		if got, want := twoUpper(s), reTwo.MatchString(s); got != want {
			t.Errorf("twoUpper(%q) = %v, regexp says %v", s, got, want)
		}
	}
}

func FuzzShapeMatchers(f *testing.F) {
	reEmail := regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	for _, s := range []string{"a@b.c", "a b@c.d", "a@b.", "x@y..z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := emailShape(s), reEmail.MatchString(s); got != want {
			t.Fatalf("emailShape(%q) = %v, regexp says %v", s, got, want)
		}
	})
}
