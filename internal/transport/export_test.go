package transport

import (
	"net/http"

	"github.com/govpaygo/govpay"
)

// ErrorFromBody exposes errorFromBody without secrets to the tests of the
// body parsing (the SDK itself goes through ErrorFromResponse).
func ErrorFromBody(op string, status int, h http.Header, body []byte) *govpay.Error {
	return errorFromBody(op, status, h, body, nil)
}
