package pagamenti

import (
	"context"
	"errors"
	"fmt"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/verr"
)

// Start opens the cart on pagoPA Checkout and returns where to send the
// browser: Avvio{Mode: ModeCheckout, Location, Redirect}, Redirect being the
// Checkout page (an absolute https URL, checked; http only with
// govpay.WithInsecureRedirect). There is no GovPay payment to track: the
// outcome is read from the receipts of the notices ([Resolver]).
//
// Every cart item must resolve to a payment notice: numero avviso,
// creditor, amount, creditor's name and description. A full pendenza
// carries its numeroAvviso (when assigned), idDominio, importo and causale;
// an avviso reference carries idDominio and numeroAvviso (and the amount of
// a QR code); CheckoutStartOptions.CompanyName and CheckoutStartOptions.Completer
// supply the rest. Invalid input is refused before anything is sent with a
// *govpay.ValidationError listing every violation (cart paths such as
// "pendenze[1].numeroAvviso", Checkout paths such as
// "paymentNotices[0].amount" and "returnUrls.returnOkUrl").
//
// POST {base}/carts is sent exactly once, never retried; the 302 answer is
// read, not followed. An error answer (problem+json) is a *govpay.Error with
// the problem's title in Descrizione and its detail in Dettaglio; a lost
// connection is a *govpay.NetworkError. Opening a cart charges nothing and
// pagoPA never lets a notice be paid twice, so after a failure the payer can
// simply try again.
//
// POST /carts (pagoPA Checkout EC API v1, operation PostCarts; v2,
// operation PostCartsV2).
func (c *Checkout) Start(ctx context.Context, cart *Cart, opts CheckoutStartOptions) (*Avvio, error) {
	req, err := c.Prepare(ctx, cart, opts)
	if err != nil {
		return nil, err
	}
	// Prepare has checked the version: it is 1 or 2.
	location, redirect, err := c.send(ctx, req, c.checkoutVersion(&verr.Builder{}, opts.Version))
	if err != nil {
		if re, ok := err.(*RedirectError); ok && re.Avvio != nil {
			re.Avvio.IDCart, re.Avvio.Items = req.IDCart, checkoutItems(cart, req.PaymentNotices)
		}
		return nil, err
	}
	return &Avvio{Mode: ModeCheckout, Location: location, Redirect: redirect, IDCart: req.IDCart,
		Items: checkoutItems(cart, req.PaymentNotices)}, nil
}

// Prepare builds and validates the body [Checkout.Start] sends for cart,
// calling opts.Completer for every item, without sending anything. It is
// useful to show the payer the notices before leaving the portal, or to
// keep them for the outcome ([Resolver.ResolveNotices]).
func (c *Checkout) Prepare(ctx context.Context, cart *Cart, opts CheckoutStartOptions) (*CheckoutRequest, error) {
	if ctx == nil {
		return nil, errors.New("pagamenti: Checkout: nil context")
	}
	v := verr.New("checkout cart")
	if err := cart.Validate(); err != nil {
		v.Merge("", err)
		// The items are unusable; the options are still checked.
		c.request(v, nil, opts)
		v.Violations = dropEmptyCart(v.Violations)
		return nil, v.Built()
	}
	items := cart.Items()
	notices := make([]PaymentNotice, len(items))
	for i, it := range items {
		notices[i] = noticeOf(it, opts.CompanyName)
		if opts.Completer != nil {
			err := opts.Completer.CompleteNotice(ctx, it, &notices[i])
			var ve *govpay.ValidationError
			switch {
			case err == nil:
			case errors.As(err, &ve):
				v.Merge(fmt.Sprintf("paymentNotices[%d]", i), ve)
			default:
				return nil, fmt.Errorf("pagamenti: Checkout: resolving the notice of cart item %d (%s): %w", i, it.Kind, err)
			}
		}
		// The canonical 18 digits of a notice number written with spaces.
		if n, err := avvisi.ParseNumeroAvviso(notices[i].NoticeNumber); err == nil {
			notices[i].NoticeNumber = n.String()
		}
	}
	req, _ := c.request(v, notices, opts)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return req, nil
}

// dropEmptyCart removes the "paymentNotices" violation that an unusable
// cart causes: the cart's own violations say what is wrong.
func dropEmptyCart(vs []govpay.Violation) []govpay.Violation {
	out := vs[:0]
	for _, x := range vs {
		if x.Field != "paymentNotices" {
			out = append(out, x)
		}
	}
	return out
}

// noticeOf fills the notice of one cart item with what the item carries.
func noticeOf(it Item, companyName string) PaymentNotice {
	n := PaymentNotice{FiscalCode: it.IDDominio, Amount: it.Importo, CompanyName: companyName}
	if !it.NumeroAvviso.IsZero() {
		n.NoticeNumber = it.NumeroAvviso.String()
	}
	if p := it.Pendenza; p != nil {
		if n.FiscalCode == "" {
			n.FiscalCode = p.IDDominio
		}
		if n.Amount == 0 {
			n.Amount = p.Importo
		}
		if n.NoticeNumber == "" {
			n.NoticeNumber = p.NumeroAvviso
		}
		n.Description = p.Causale
	}
	return n
}
