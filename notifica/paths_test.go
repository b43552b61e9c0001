package notifica_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govpaygo/govpay/notifica"
)

const (
	ricPrefix = "/ricevute/01234567890/01000000000012345/"
	pagPrefix = "/pagamenti/01234567890/"
)

// hostilePaths are requests whose decoded path values (or query ids, or
// body ids) break the rule their raw form would be held to. Each must be
// refused with a 400 FaultBean before the deduplicator or the receiver is
// reached.
var hostilePaths = []struct {
	name, method, target, body string
}{
	{"v2 idDominio with %2F", "PUT", "/ricevute/0123456789%2F/01000000000012345/rcpt-1", bodyRicevuta},
	{"v2 idDominio with Arabic-Indic digits", "PUT", "/ricevute/%D9%A1%D9%A2%D9%A3%D9%A4%D9%A5%D9%A6%D9%A7%D9%A8%D9%A9%D9%A0%D9%A1/01000000000012345/rcpt-1", bodyRicevuta},
	{"v2 iuv with %00", "PUT", "/ricevute/01234567890/0100000000001234%00/rcpt-1", bodyRicevuta},
	{"v2 iuv of 36 characters", "PUT", "/ricevute/01234567890/" + strings.Repeat("1", 36) + "/rcpt-1", bodyRicevuta},
	{"v2 iuv %2e%2e", "PUT", "/ricevute/01234567890/%2e%2e/rcpt-1", bodyRicevuta},
	{"idRicevuta %2e%2e", "PUT", ricPrefix + "%2e%2e", bodyRicevuta},
	{"idRicevuta %2E%2e mixed case", "PUT", ricPrefix + "%2E%2e", bodyRicevuta},
	{"idRicevuta . segment", "PUT", ricPrefix + "a/%2E/b", bodyRicevuta},
	{"idRicevuta double-encoded ..", "PUT", ricPrefix + "%252e%252e", bodyRicevuta},
	{"idRicevuta double-encoded slash", "PUT", ricPrefix + "n%252Fa", bodyRicevuta},
	{"idRicevuta %00", "PUT", ricPrefix + "rcpt%00", bodyRicevuta},
	{"idRicevuta %0A", "PUT", ricPrefix + "rcpt%0Ax", bodyRicevuta},
	{"idRicevuta DEL", "PUT", ricPrefix + "rcpt%7F", bodyRicevuta},
	{"idRicevuta C1 control NEL", "PUT", ricPrefix + "rcpt%C2%85", bodyRicevuta},
	{"idRicevuta overlong '.'", "PUT", ricPrefix + "%C0%AE%C0%AE", bodyRicevuta},
	{"idRicevuta overlong '/'", "PUT", ricPrefix + "n%C0%AFa", bodyRicevuta},
	{"idRicevuta invalid UTF-8", "PUT", ricPrefix + "rcpt%FF", bodyRicevuta},
	{"idRicevuta lone surrogate", "PUT", ricPrefix + "rcpt%ED%A0%80", bodyRicevuta},
	{"idRicevuta U+FFFD", "PUT", ricPrefix + "rcpt%EF%BF%BD", bodyRicevuta},
	{"idRicevuta %2F%2F", "PUT", ricPrefix + "a%2F%2Fb", bodyRicevuta},
	{"idRicevuta trailing %2F", "PUT", ricPrefix + "a%2F", bodyRicevuta},
	{"idRicevuta of 36 characters", "PUT", ricPrefix + strings.Repeat("r", 36), bodyRicevuta},
	{"idRicevuta of 36 two-byte characters", "PUT", ricPrefix + strings.Repeat("%C3%A8", 36), bodyRicevuta},
	{"v2 idSession %00", "PUT", ricPrefix + "rcpt-1?idSession=a%00b", bodyRicevuta},
	{"v2 idSessionePortale invalid UTF-8", "PUT", ricPrefix + "rcpt-1?idSessionePortale=%FF", bodyRicevuta},
	{"v2 idCarrello of 36 characters", "PUT", ricPrefix + "rcpt-1?idCarrello=" + strings.Repeat("c", 36), bodyRicevuta},
	{"v2 body with invalid UTF-8 in idRicevuta", "PUT", ricPrefix + "rcpt-1", strings.Replace(bodyRicevuta, `"rcpt-1"`, "\"rcpt-1\xff\"", 1)},
	{"v2 body idRicevuta with an escaped NUL", "PUT", ricPrefix + "rcpt-1", strings.Replace(bodyRicevuta, `"rcpt-1"`, `"rcpt-\u0000"`, 1)},
	{"v2 body idRicevuta with an escaped lone surrogate", "PUT", ricPrefix + "rcpt-1", strings.Replace(bodyRicevuta, `"rcpt-1"`, `"rcpt-\ud800"`, 1)},
	{"v2 body iuv differs only in case", "PUT", "/ricevute/01234567890/0100000000001234a/rcpt-1", strings.Replace(bodyRicevuta, `"iuv":"01000000000012345"`, `"iuv":"0100000000001234A"`, 1)},
	{"v1 iuv %2e%2e", "POST", pagPrefix + "%2e%2e", bodyPagamento},
	{"v1 iuv %00", "POST", pagPrefix + "0100000000001234%00", bodyPagamento},
	{"v1 iuv invalid UTF-8", "POST", pagPrefix + "0100000000001234%FF", bodyPagamento},
	{"v1 idDominio %2F", "POST", "/pagamenti/0123456789%2F/01000000000012345", bodyPagamento},
	{"v1 legacy query glued with & and %00", "POST", pagPrefix + "01000000000012345&idSessionePortale=a%00", bodyPagamento},
	{"v1 idSession invalid UTF-8", "POST", pagPrefix + "01000000000012345?idSession=%C0%AE", bodyPagamento},
	{"v1 body invalid UTF-8", "POST", pagPrefix + "01000000000012345", strings.Replace(bodyPagamento, `"P1"`, "\"P1\xc0\"", 1)},
	{"verification numeroAvviso %00", "GET", "/avvisi/01234567890/30100000000001234%00", ""},
	{"verification idPendenza %2e%2e", "GET", "/pendenze/A2A/%2e%2e", ""},
}

// TestHostilePathsRefused: every hostile path value is answered 400 with
// a FaultBean, and neither the deduplicator nor the receiver is reached.
func TestHostilePathsRefused(t *testing.T) {
	for _, tt := range hostilePaths {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			dedup := &countingDedup{Deduplicator: notifica.NewMemoryDeduplicator()}
			h := newHandler(t, rec, notifica.WithDeduplicator(dedup))
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			res := do(h, tt.method, tt.target, body)
			assert.Equal(t, 400, res.Code, res.Body.String())
			f := decodeFault(t, res)
			assert.Equal(t, "RICHIESTA", f.Categoria)
			assert.Zero(t, dedup.begun.Load(), "no claim is taken")
			assert.Zero(t, rec.calls.Load(), "the receiver is not called")
		})
	}
}

// TestLegitimatePathsAccepted: the strict checks leave GovPay's real forms
// alone: an idRicevuta of 35 characters (also non-ASCII), escaped or raw
// slashes, query ids of the maximum length.
func TestLegitimatePathsAccepted(t *testing.T) {
	noID := strings.Replace(bodyRicevuta, `"idRicevuta":"rcpt-1",`, ``, 1)
	for _, target := range []string{
		ricPrefix + strings.Repeat("r", 35),
		ricPrefix + strings.Repeat("%C3%A8", 35),
		ricPrefix + "n/a",
		ricPrefix + "n%2Fa",
		ricPrefix + "rcpt-1?idSession=" + strings.Repeat("s", 255) + "&idCarrello=" + strings.Repeat("c", 35),
	} {
		rec := &recorder{}
		h := newHandler(t, rec)
		res := do(h, "PUT", target, []byte(noID))
		assert.Equal(t, 201, res.Code, "%s: %s", target, res.Body.String())
	}
}
