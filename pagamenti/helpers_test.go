package pagamenti_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
)

// ragioneriaBase is the deep base path the API Ragioneria v3 test servers
// are mounted under: a method that builds an absolute path misses it.
const ragioneriaBase = "/govpay/backend/api/ragioneria/rs/basic/v3/"

// testRetry keeps retries fast in tests.
var testRetry = govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: time.Second})

// writeJSON answers body, a JSON document, with status.
func writeJSON(w http.ResponseWriter, status int, body string) {
	testutil.WriteJSON(w, status, json.RawMessage(body))
}

// faultBean answers a GovPay FaultBean.
func faultBean(w http.ResponseWriter, status int, categoria, codice string) {
	testutil.WriteFaultDettaglio(w, status, categoria, codice, "descrizione "+codice, "dettaglio "+codice)
}

// hijack closes the connection without an answer.
func hijack(t *testing.T, w http.ResponseWriter) { testutil.DropConnection(t, w) }

// A numero avviso with aux digit 3 (IUV = last 17 digits) and one with aux
// digit 0 (IUV = last 15 digits), both with valid check digits.
const (
	nav3    = "301234567890123416"
	nav3IUV = "01234567890123416"
	nav0    = "001234567890123413"
	nav0IUV = "234567890123413"
	dominio = "01234567890"
	rfIUV   = "RF23567483937849450550875"
)
