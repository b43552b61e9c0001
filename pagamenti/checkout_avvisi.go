package pagamenti

import (
	"context"

	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/verr"
)

// AvvisiCompleter returns a [NoticeCompleter] that reads the notice of every
// cart item from GovPay (avvisi.Client.Get, GET
// /avvisi/{idDominio}/{numeroAvviso}): the amount due now (which replaces
// the amount the item carries, such as the one printed in a QR code) and,
// when the item has none, the description. A notice GovPay does not report
// as payable (already paid, cancelled, expired, unknown) is refused with a
// violation of paymentNotices[i].noticeNumber, before anything is sent to
// pagoPA. Items without a notice number or a creditor are left as they are
// (Checkout.Start then reports what is missing).
//
// CheckoutStartOptions.CompanyName still names the creditor: GovPay's notice does
// not carry it.
func AvvisiCompleter(c *avvisi.Client) NoticeCompleter {
	return NoticeCompleterFunc(func(ctx context.Context, _ Item, n *PaymentNotice) error {
		if n.NoticeNumber == "" || n.FiscalCode == "" {
			return nil
		}
		a, err := c.Get(ctx, n.FiscalCode, n.NoticeNumber)
		if err != nil {
			return err
		}
		if !a.Stato.Payable() {
			v := verr.New("notice")
			v.Addf("noticeNumber", "GovPay reports the notice as %s: it cannot be paid", a.Stato)
			return v.Err()
		}
		n.Amount = a.Importo
		if n.Description == "" {
			n.Description = a.Descrizione
		}
		return nil
	})
}
