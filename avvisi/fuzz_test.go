package avvisi

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// Seeds besides these live in testdata/fuzz/<FuzzName>/.

func FuzzParseNumeroAvviso(f *testing.F) {
	for _, s := range []string{
		"301000000123453200", "001000000123453492", "112345678901234567", "212345678901234544",
		"3010 0000 0123 4532 00", "301000000000012345", "401000000000012373", "", " ", "3010٣0000000123453200",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNumeroAvviso(s)
		if err != nil {
			if !n.IsZero() {
				t.Fatalf("error %v with a non-zero value %q", err, n)
			}
			if !errors.Is(err, ErrNumeroAvviso) {
				t.Fatalf("error %v does not match ErrNumeroAvviso", err)
			}
			return
		}
		// Every accepted input re-formats to itself (spaces aside).
		if want := strings.ReplaceAll(strings.TrimSpace(s), " ", ""); n.String() != want {
			t.Fatalf("ParseNumeroAvviso(%q).String() = %q, want %q", s, n.String(), want)
		}
		for _, f := range []string{n.String(), n.Formatted()} {
			back, err := ParseNumeroAvviso(f)
			if err != nil || back != n {
				t.Fatalf("ParseNumeroAvviso(%q) = %v, %v; want %v", f, back, err, n)
			}
		}
		aux := n.AuxDigit()
		if aux < 0 || aux > 3 {
			t.Fatalf("aux digit %d", aux)
		}
		if iuv := n.IUV(); !strings.HasSuffix(n.String(), iuv) || (aux == 0) != (len(iuv) == 15) {
			t.Fatalf("IUV %q of %q", iuv, n)
		}
		if aux != 1 && checkDigits(n.String()[:16]) != n.String()[16:] {
			t.Fatalf("accepted %q with wrong check digits", n)
		}
		b, err := json.Marshal(n)
		if err != nil {
			t.Fatal(err)
		}
		var back NumeroAvviso
		if err := json.Unmarshal(b, &back); err != nil || back != n {
			t.Fatalf("JSON round trip of %q: %v, %v", n, back, err)
		}
	})
}

func FuzzParseQRCode(f *testing.F) {
	for _, s := range []string{
		"PAGOPA|002|301000000123453200|80002130153|1999",
		"PAGOPA|002|001000000000001252|01234567890|05",
		" PAGOPA|002|212345678901234544|00743110157|99999999999\n",
		"PAGOPA|001|301000000123453200|80002130153|1999",
		"PAGOPA|002|301000000123453200|80002130153|01999",
		"PAGOPA|002|301000000000012345|80002130153|1999",
		"PAGOPA|002||||",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseQRCode(s)
		if err != nil {
			if r != (Riferimento{}) {
				t.Fatalf("error %v with a non-zero value %+v", err, r)
			}
			if !errors.Is(err, ErrCodice) {
				t.Fatalf("error %v does not match ErrCodice", err)
			}
			return
		}
		out, err := FormatQRCode(r)
		if err != nil {
			t.Fatalf("FormatQRCode(%+v) of accepted %q: %v", r, s, err)
		}
		// The text re-formats to itself, except for the zeros an issuer may
		// pad the amount with.
		if want := canonicalQR(strings.TrimSpace(s)); out != want {
			t.Fatalf("FormatQRCode(ParseQRCode(%q)) = %q, want %q", s, out, want)
		}
		if back, err := ParseQRCode(out); err != nil || back != r {
			t.Fatalf("ParseQRCode(%q) = %+v, %v; want %+v", out, back, err, r)
		}
		if r2, err := ParseCodice(s); err != nil || r2 != r {
			t.Fatalf("ParseCodice(%q) = %+v, %v; want %+v", s, r2, err, r)
		}
	})
}

func FuzzParseDataMatrix(f *testing.F) {
	f.Add(dmMario)
	f.Add(dmMinimal)
	f.Add(" " + dmMario + "\r\n")
	f.Add(strings.Replace(dmMario, "3896", "3674", 1))
	f.Add(dmMario[:200])
	f.Add("codfase=NBPA;")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDataMatrix(s)
		if err != nil {
			if d != (DataMatrix{}) {
				t.Fatalf("error %v with a non-zero value %+v", err, d)
			}
			if !errors.Is(err, ErrCodice) {
				t.Fatalf("error %v does not match ErrCodice", err)
			}
			return
		}
		out, err := FormatDataMatrix(d)
		if err != nil {
			t.Fatalf("FormatDataMatrix(%+v) of accepted %q: %v", d, s, err)
		}
		if want := strings.TrimSpace(s); out != want {
			t.Fatalf("FormatDataMatrix(ParseDataMatrix(%q)) = %q", want, out)
		}
		if r, err := ParseCodice(s); err != nil || r != d.Riferimento {
			t.Fatalf("ParseCodice(%q) = %+v, %v; want %+v", s, r, err, d.Riferimento)
		}
	})
}

// canonicalQR drops the leading zeros of the amount of a QR code text,
// keeping at least two digits.
func canonicalQR(s string) string {
	i := strings.LastIndexByte(s, '|')
	amt := strings.TrimLeft(s[i+1:], "0")
	for len(amt) < 2 {
		amt = "0" + amt
	}
	return s[:i+1] + amt
}
