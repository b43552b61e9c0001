package govpay_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pendenze"
)

// One *govpay.Config serves every API client; in tests it comes from the
// fake GovPay of package govpaytest. GovPay's refusals are *govpay.Error
// values matched with errors.Is; invalid input is a *govpay.ValidationError
// returned before anything is sent.
func Example_govpaytest() {
	srv := govpaytest.NewServer()
	defer srv.Close()
	cfg := srv.Config() // against a real GovPay: govpay.NewConfig(host, govpay.WithBasicAuth(…))
	c := pendenze.New(cfg)
	ctx := context.Background()

	_, err := c.Get(ctx, "GESTIONALE", "NO-SUCH-PENDENZA")
	var ge *govpay.Error
	fmt.Println(errors.Is(err, govpay.ErrNotFound), errors.As(err, &ge) && ge.StatusCode == 404)

	_, err = c.Get(ctx, "GESTIONALE", "")
	var ve *govpay.ValidationError
	fmt.Println(errors.Is(err, govpay.ErrInvalid), errors.As(err, &ve) && ve.Has("idPendenza"))
	fmt.Println("requests that reached GovPay:", srv.Count(govpaytest.OpGetPendenza))
	// Output:
	// true true
	// true true
	// requests that reached GovPay: 1
}
