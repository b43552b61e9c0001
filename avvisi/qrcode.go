package avvisi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/govpaygo/govpay"
)

// ErrCodice is matched (with errors.Is) by every error that reports an
// unreadable QR code or Data Matrix payload, or a Riferimento that cannot be
// written as one.
var ErrCodice = errors.New("avvisi: invalid code")

// Riferimento is what a payment notice's codes carry: the creditor, the
// notice number and the amount. It is enough to look the notice up (see
// Client.Get) or to put it in a cart.
type Riferimento struct {
	// IDDominio is the creditor's codice fiscale (11 digits).
	IDDominio string `json:"idDominio"`
	// NumeroAvviso is the notice number.
	NumeroAvviso NumeroAvviso `json:"numeroAvviso"`
	// Importo is the amount printed on the notice. The amount due may differ
	// (GovPay recomputes it after dataValidita): ask GovPay with Client.Get.
	Importo govpay.Importo `json:"importo"`
}

const (
	qrPrefix  = "PAGOPA"
	qrVersion = "002"
)

// ParseQRCode reads the text of the QR code printed on a pagoPA notice:
//
//	PAGOPA|002|<numero avviso, 18 digits>|<creditor's codice fiscale, 11 digits>|<amount in cents, 2–11 digits>
//
// White space around the text is ignored. Version 002 is the only one pagoPA
// defines; another version is refused with an error that names it. The
// amount may carry leading zeros (some issuers pad it to 10 digits:
// "0000015000" is 150.00 €); FormatQRCode writes it with the fewest digits,
// at least two ("05" for 5 cents), so it gives back exactly the text read
// unless the amount was padded. Every error matches ErrCodice, and also
// ErrNumeroAvviso when the notice number is wrong.
func ParseQRCode(s string) (Riferimento, error) {
	t := strings.TrimSpace(s)
	parts := strings.Split(t, "|")
	if len(parts) < 2 || parts[0] != qrPrefix {
		return Riferimento{}, fmt.Errorf("%w: QR code %q does not start with %s|", ErrCodice, truncate(t, 40), qrPrefix)
	}
	if parts[1] != qrVersion {
		return Riferimento{}, fmt.Errorf("%w: QR code version %q is not supported, want %s", ErrCodice, truncate(parts[1], 10), qrVersion)
	}
	if len(parts) != 5 {
		return Riferimento{}, fmt.Errorf("%w: QR code has %d fields separated by |, want 5 (PAGOPA|002|numero avviso|codice fiscale|importo)", ErrCodice, len(parts))
	}
	var r Riferimento
	nav := parts[2]
	if len(nav) != 18 {
		// ParseNumeroAvviso tolerates spaces: the QR code does not.
		return Riferimento{}, fmt.Errorf("%w: QR code numero avviso %q: want 18 digits", ErrCodice, truncate(nav, 40))
	}
	n, err := ParseNumeroAvviso(nav)
	if err != nil {
		return Riferimento{}, fmt.Errorf("%w: QR code: %w", ErrCodice, err)
	}
	r.NumeroAvviso = n
	if len(parts[3]) != 11 || !isDigits(parts[3]) {
		return Riferimento{}, fmt.Errorf("%w: QR code creditor codice fiscale %q: want 11 digits", ErrCodice, truncate(parts[3], 40))
	}
	r.IDDominio = parts[3]
	amt := parts[4]
	if len(amt) < 2 || len(amt) > 11 || !isDigits(amt) {
		return Riferimento{}, fmt.Errorf("%w: QR code amount %q: want 2 to 11 digits (euro cents)", ErrCodice, truncate(amt, 40))
	}
	cents, _ := strconv.ParseInt(amt, 10, 64) // ≤ 11 digits: fits
	r.Importo = govpay.Centesimi(cents)
	return r, nil
}

// formatCents writes cents with the fewest digits, at least two.
func formatCents(c int64) string {
	return fmt.Sprintf("%02d", c)
}

// FormatQRCode writes the text of the QR code of a notice (see ParseQRCode).
// It fails when r has no NumeroAvviso, when IDDominio is not 11 digits or
// when Importo is outside 0 … govpay.MaxImporto (which fits the 11 digits
// of the QR code).
func FormatQRCode(r Riferimento) (string, error) {
	if err := r.check("QR code"); err != nil {
		return "", err
	}
	return qrPrefix + "|" + qrVersion + "|" + r.NumeroAvviso.String() + "|" + r.IDDominio + "|" + formatCents(r.Importo.Centesimi()), nil
}

// check verifies the fields every code carries.
func (r Riferimento) check(what string) error {
	if r.NumeroAvviso.IsZero() {
		return fmt.Errorf("%w: %s: numero avviso is missing", ErrCodice, what)
	}
	if len(r.IDDominio) != 11 || !isDigits(r.IDDominio) {
		return fmt.Errorf("%w: %s: idDominio %q: want 11 digits", ErrCodice, what, truncate(r.IDDominio, 40))
	}
	if err := r.Importo.Valid(); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrCodice, what, err)
	}
	return nil
}

// ParseCodice reads the text of either code printed on a notice: the pagoPA
// QR code (ParseQRCode) or the Poste Data Matrix (ParseDataMatrix, of which
// only the Riferimento is kept). It is what a portal's scanner calls when it
// does not know which code the citizen framed.
func ParseCodice(s string) (Riferimento, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, dmPrefix) {
		d, err := ParseDataMatrix(t)
		if err != nil {
			return Riferimento{}, err
		}
		return d.Riferimento, nil
	}
	return ParseQRCode(t)
}
