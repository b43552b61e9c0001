package avvisi

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/govpaygo/govpay"
)

// DataMatrix is the content of the Data Matrix printed on the Poste Italiane
// slip (bollettino) of a pagoPA notice: the Riferimento plus the postal
// account and the debtor's data Poste reads at the counter.
type DataMatrix struct {
	Riferimento
	// ContoCorrente is the creditor's postal current account (1–12 digits;
	// leading zeros are not kept).
	ContoCorrente string `json:"contoCorrente"`
	// CodiceFiscaleDebitore is the debtor's codice fiscale or partita IVA
	// (at most 16 characters; may be empty).
	CodiceFiscaleDebitore string `json:"codiceFiscaleDebitore,omitempty"`
	// Anagrafica is the debtor's name (at most 40 characters).
	Anagrafica string `json:"anagrafica,omitempty"`
	// Causale is the reason of the payment (at most 110 characters).
	Causale string `json:"causale,omitempty"`
}

// The Data Matrix layout: 256 characters of fixed-width fields.
const (
	dmPrefix      = "codfase=NBPA;"
	dmTipo        = "3896" // "3" + tipo documento 896 (pagoPA slip)
	dmFase        = "1P1"  // ID "1" + fase di pagamento "P1"
	dmEnd         = "A"
	dmLenCF       = 16
	dmLenName     = 40
	dmLenCausale  = 110
	dmLenFiller   = 12
	dmLen         = 256
	maxCentsDM    = 9_999_999_999 // 10 digits
	dmOffNAV      = 13            // "18" + NAV
	dmOffConto    = dmOffNAV + 2 + 18
	dmOffImporto  = dmOffConto + 2 + 12
	dmOffTipo     = dmOffImporto + 2 + 10
	dmOffFase     = dmOffTipo + len(dmTipo)
	dmOffCreditor = dmOffFase + len(dmFase)
	dmOffDebitore = dmOffCreditor + 11
	dmOffName     = dmOffDebitore + dmLenCF
	dmOffCausale  = dmOffName + dmLenName
	dmOffFiller   = dmOffCausale + dmLenCausale
	dmOffEnd      = dmOffFiller + dmLenFiller
)

// ParseDataMatrix reads the text of the Poste Data Matrix of a pagoPA notice,
// 256 characters of fixed-width fields:
//
//	codfase=NBPA;                         fixed
//	18 + numero avviso (18 digits)
//	12 + postal account (12 digits, zero-padded)
//	10 + amount in euro cents (10 digits, zero-padded)
//	3896                                  "3" + document type 896
//	1P1                                   fixed
//	creditor's codice fiscale (11 digits)
//	debtor's codice fiscale (16, padded with spaces)
//	debtor's name (40, padded with spaces)
//	causale (110, padded with spaces)
//	12 spaces (filler)
//	A                                     fixed
//
// White space around the text is ignored; the free-text fields must be
// printable ASCII, and their trailing spaces are dropped. Every accepted
// text is exactly what FormatDataMatrix writes back. Every error matches
// ErrCodice, and also ErrNumeroAvviso when the notice number is wrong.
func ParseDataMatrix(s string) (DataMatrix, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, dmPrefix) {
		return DataMatrix{}, fmt.Errorf("%w: Data Matrix %q does not start with %s", ErrCodice, truncate(t, 20), dmPrefix)
	}
	if len(t) != dmLen {
		return DataMatrix{}, fmt.Errorf("%w: Data Matrix is %d bytes long, want %d", ErrCodice, len(t), dmLen)
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c < 0x20 || c > 0x7e {
			return DataMatrix{}, fmt.Errorf("%w: Data Matrix byte %d (0x%02x) is not printable ASCII", ErrCodice, i+1, c)
		}
	}
	field := func(off int, tag, what string, n int) (string, error) {
		if t[off:off+len(tag)] != tag {
			return "", fmt.Errorf("%w: Data Matrix position %d: want %q before the %s, got %q", ErrCodice, off+1, tag, what, t[off:off+len(tag)])
		}
		v := t[off+len(tag) : off+len(tag)+n]
		if !isDigits(v) {
			return "", fmt.Errorf("%w: Data Matrix %s %q: want %d digits", ErrCodice, what, v, n)
		}
		return v, nil
	}
	var d DataMatrix
	nav, err := field(dmOffNAV, "18", "numero avviso", 18)
	if err != nil {
		return DataMatrix{}, err
	}
	if d.NumeroAvviso, err = ParseNumeroAvviso(nav); err != nil {
		return DataMatrix{}, fmt.Errorf("%w: Data Matrix: %w", ErrCodice, err)
	}
	conto, err := field(dmOffConto, "12", "postal account", 12)
	if err != nil {
		return DataMatrix{}, err
	}
	d.ContoCorrente = strings.TrimLeft(conto, "0")
	if d.ContoCorrente == "" {
		return DataMatrix{}, fmt.Errorf("%w: Data Matrix postal account is zero", ErrCodice)
	}
	amt, err := field(dmOffImporto, "10", "amount", 10)
	if err != nil {
		return DataMatrix{}, err
	}
	cents, _ := strconv.ParseInt(amt, 10, 64) // 10 digits: fits
	d.Importo = govpay.Centesimi(cents)
	if got := t[dmOffTipo:dmOffFase]; got != dmTipo {
		return DataMatrix{}, fmt.Errorf("%w: Data Matrix document type %q, want %q (pagoPA slip)", ErrCodice, got, dmTipo)
	}
	if got := t[dmOffFase:dmOffCreditor]; got != dmFase {
		return DataMatrix{}, fmt.Errorf("%w: Data Matrix position %d: want %q, got %q", ErrCodice, dmOffFase+1, dmFase, got)
	}
	d.IDDominio = t[dmOffCreditor:dmOffDebitore]
	if !isDigits(d.IDDominio) {
		return DataMatrix{}, fmt.Errorf("%w: Data Matrix creditor codice fiscale %q: want 11 digits", ErrCodice, d.IDDominio)
	}
	d.CodiceFiscaleDebitore = strings.TrimRight(t[dmOffDebitore:dmOffName], " ")
	d.Anagrafica = strings.TrimRight(t[dmOffName:dmOffCausale], " ")
	d.Causale = strings.TrimRight(t[dmOffCausale:dmOffFiller], " ")
	if got := t[dmOffFiller:dmOffEnd]; strings.Trim(got, " ") != "" {
		return DataMatrix{}, fmt.Errorf("%w: Data Matrix filler %q: want %d spaces", ErrCodice, got, dmLenFiller)
	}
	if got := t[dmOffEnd:]; got != dmEnd {
		return DataMatrix{}, fmt.Errorf("%w: Data Matrix ends with %q, want %q", ErrCodice, got, dmEnd)
	}
	return d, nil
}

// FormatDataMatrix writes the text of the Poste Data Matrix (see
// ParseDataMatrix). The amount is written in cents with integer arithmetic
// (19.99 € is 1999: GovPay's own generator, multiplying a floating-point
// amount, writes 1998). It fails, naming the field, when a field does not
// fit or is not printable ASCII: free text is neither truncated nor
// transliterated, so write accented letters as Poste expects (E', A').
func FormatDataMatrix(d DataMatrix) (string, error) {
	if err := d.check("Data Matrix"); err != nil {
		return "", err
	}
	if d.Importo > maxCentsDM {
		return "", fmt.Errorf("%w: Data Matrix amount %s does not fit 10 digits", ErrCodice, d.Importo)
	}
	conto := strings.TrimLeft(d.ContoCorrente, "0")
	if conto == "" || len(d.ContoCorrente) > 12 || !isDigits(d.ContoCorrente) {
		return "", fmt.Errorf("%w: Data Matrix postal account %q: want 1 to 12 digits, not zero", ErrCodice, truncate(d.ContoCorrente, 40))
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"codiceFiscaleDebitore", d.CodiceFiscaleDebitore, dmLenCF},
		{"anagrafica", d.Anagrafica, dmLenName},
		{"causale", d.Causale, dmLenCausale},
	} {
		for i := 0; i < len(f.v); i++ {
			if c := f.v[i]; c < 0x20 || c > 0x7e {
				return "", fmt.Errorf("%w: Data Matrix %s: byte %d (0x%02x) is not printable ASCII", ErrCodice, f.name, i+1, c)
			}
		}
		if len(f.v) > f.max {
			return "", fmt.Errorf("%w: Data Matrix %s: %d characters, at most %d", ErrCodice, f.name, len(f.v), f.max)
		}
	}
	var b strings.Builder
	b.Grow(dmLen)
	b.WriteString(dmPrefix)
	b.WriteString("18")
	b.WriteString(d.NumeroAvviso.String())
	b.WriteString("12")
	b.WriteString(strings.Repeat("0", 12-len(conto)))
	b.WriteString(conto)
	fmt.Fprintf(&b, "10%010d", d.Importo.Centesimi())
	b.WriteString(dmTipo)
	b.WriteString(dmFase)
	b.WriteString(d.IDDominio)
	fmt.Fprintf(&b, "%-*s", dmLenCF, d.CodiceFiscaleDebitore)
	fmt.Fprintf(&b, "%-*s", dmLenName, d.Anagrafica)
	fmt.Fprintf(&b, "%-*s", dmLenCausale, d.Causale)
	b.WriteString(strings.Repeat(" ", dmLenFiller))
	b.WriteString(dmEnd)
	return b.String(), nil
}
