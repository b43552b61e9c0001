package pagamenti_test

import (
	"encoding/json"
	"testing"

	"github.com/govpaygo/govpay/pagamenti"
)

// FuzzPaymentNoticeJSON checks that decoding a Checkout payment notice never
// panics, that a decoded amount is always a valid number of cents, and that
// what decodes encodes back to the same notice.
func FuzzPaymentNoticeJSON(f *testing.F) {
	for _, s := range []string{
		`{"noticeNumber":"301234567890123416","fiscalCode":"01234567890","amount":1999,"companyName":"Ente","description":"Causale"}`,
		`{"amount":29}`, `{"amount":0}`, `{"amount":null}`, `{"amount":19.99}`, `{"amount":"230"}`, `{"amount":-1}`,
		`{"amount":99999999999}`, `{"amount":100000000000}`, `{"amount":1e2}`, `{}`, `null`, `[]`, `{"description":"\u00e8"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var n pagamenti.PaymentNotice
		if err := json.Unmarshal(b, &n); err != nil {
			return
		}
		if err := n.Amount.Valid(); err != nil {
			t.Fatalf("decoded an invalid amount %d from %q", n.Amount, b)
		}
		out, err := json.Marshal(n)
		if err != nil {
			t.Fatalf("cannot encode %+v decoded from %q: %v", n, b, err)
		}
		var back pagamenti.PaymentNotice
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("cannot decode %s: %v", out, err)
		}
		if back != n {
			t.Fatalf("round trip: %+v became %+v", n, back)
		}
	})
}
