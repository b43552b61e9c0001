package pagamenti_test

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pagamenti"
)

// A cart collects violations instead of failing on each Add; Validate lists
// them all, with the index of the item.
func ExampleCart_Validate() {
	cart := pagamenti.NewCart().
		AddAvviso("01234567890", "301000000000012346"). // wrong check digits
		AddRiferimento("GESTIONALE", "TARI-2026-001").
		AddRiferimento("GESTIONALE", "TARI-2026-001") // the same debt twice
	err := cart.Validate()
	var verr *govpay.ValidationError
	if errors.As(err, &verr) {
		for _, v := range verr.Violations {
			fmt.Println(v.Field)
		}
	}
	fmt.Println(errors.Is(err, govpay.ErrInvalid))
	// Output:
	// pendenze[0].numeroAvviso
	// pendenze[2]
	// true
}

// The two shapes of a return: legacy mode brings GovPay's ids, the checkout
// modes only the esito.
func ExampleParseReturn() {
	for _, q := range []string{
		"idPagamento=c8be909b2feb&idSession=7f905970cfe9&esito=DIFFERITO",
		"esito=CANCEL",
		"esito=OK&esito=ERROR",
	} {
		v, _ := url.ParseQuery(q)
		r, err := pagamenti.ParseReturn(v)
		if err != nil {
			fmt.Println("error:", errors.Is(err, govpay.ErrInvalid))
			continue
		}
		fmt.Printf("%s legacy=%v idPagamento=%q\n", r.Esito, r.Legacy(), r.IDPagamento)
	}
	// Output:
	// DIFFERITO legacy=true idPagamento="c8be909b2feb"
	// CANCEL legacy=false idPagamento=""
	// error: true
}
