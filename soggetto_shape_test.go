package govpay

import (
	"regexp"
	"testing"
)

// TestShapeMatchers compares the hand-written matchers with the regular
// expressions they stand for.
func TestShapeMatchers(t *testing.T) {
	reEmail := regexp.MustCompile(`^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*$`)
	reTwo := regexp.MustCompile(`^[A-Z]{2}$`)
	inputs := []string{
		"", "a", "@", "a@b", "a@b.", "a@.b", "a@b.c", "a.b@c.d", "@b.c", "a@@b.c", "a@b@c.d",
		"a b@c.d", "a@b .c", "a@b.c ", "\ta@b.c", "a@b..c", "a@b.c.", "mario.rossi@comune.roma.it",
		"è@à.ù", "a@b.c\u00a0", "a@\u2028b.c", "x@y.zz", "a@b-c.d-e", "a_b+c@d", "a@b_c.d", ".@b", "a@-", "a@b.", "IT", "it", "I", "ITA", "ÀB", "A1",
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
	reEmail := regexp.MustCompile(`^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*$`)
	for _, s := range []string{"a@b.c", "a b@c.d", "a@b.", "x@y..z", "a@b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := emailShape(s), reEmail.MatchString(s); got != want {
			t.Fatalf("emailShape(%q) = %v, regexp says %v", s, got, want)
		}
	})
}

// TestCellulareShape compares cellulareShape with GovPay's pattern
// \+[0-9]{2}\s[0-9]{3}\-[0-9]{7} (CostantiValidazione.java:56), \s being
// Java's [ \t\n\x0B\f\r].
func TestCellulareShape(t *testing.T) {
	re := regexp.MustCompile(`^\+[0-9]{2}[ \t\n\x0B\f\r][0-9]{3}-[0-9]{7}$`)
	for _, s := range []string{
		"", "+39 333-1234567", "+39\t333-1234567", "+39\v333-1234567", "+39\u00a0333-1234567",
		"+39 333-123456", "+39 333-12345678", "39 333-1234567", "+39 3331234567", "+393331234567",
		"+39 333 1234567", "+3 9333-1234567", "+39 33a-1234567", "+39 333-123456x", "+39  333-1234567",
	} {
		if got, want := cellulareShape(s), re.MatchString(s); got != want {
			t.Errorf("cellulareShape(%q) = %v, regexp says %v", s, got, want)
		}
	}
}

func FuzzCellulareShape(f *testing.F) {
	re := regexp.MustCompile(`^\+[0-9]{2}[ \t\n\x0B\f\r][0-9]{3}-[0-9]{7}$`)
	for _, s := range []string{"+39 333-1234567", "+39\r333-1234567", "+39 333-123456"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cellulareShape(s), re.MatchString(s); got != want {
			t.Fatalf("cellulareShape(%q) = %v, regexp says %v", s, got, want)
		}
	})
}
