package govpay_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
)

func TestErrorSentence(t *testing.T) {
	tests := []struct {
		name string
		err  *govpay.Error
		want string
	}{
		{
			"FaultBean",
			&govpay.Error{Operation: "pendenze.Put", StatusCode: 422, Categoria: govpay.CategoriaRichiesta, Codice: "VER_002",
				Descrizione: "Richiesta non valida", Dettaglio: "importo diverso dalla somma delle voci", IDTransazione: "tx-1"},
			"govpay: pendenze.Put: GovPay answered 422 Unprocessable Entity (RICHIESTA VER_002): Richiesta non valida: importo diverso dalla somma delle voci [idTransazione tx-1]",
		},
		{
			"dettaglio equal to descrizione is not repeated",
			&govpay.Error{Operation: "op", StatusCode: 404, Categoria: govpay.CategoriaRichiesta, Codice: "404000", Descrizione: "Not found", Dettaglio: "Not found"},
			"govpay: op: GovPay answered 404 Not Found (RICHIESTA 404000): Not found",
		},
		{
			"codice without categoria",
			&govpay.Error{Operation: "op", StatusCode: 403, Codice: "403000"},
			"govpay: op: GovPay answered 403 Forbidden (403000)",
		},
		{
			"categoria without codice",
			&govpay.Error{Operation: "op", StatusCode: 500, Categoria: govpay.CategoriaInterno},
			"govpay: op: GovPay answered 500 Internal Server Error (INTERNO)",
		},
		{
			"HTML excerpt",
			&govpay.Error{Operation: "op", StatusCode: 502, Body: "Bad Gateway nginx"},
			`govpay: op: GovPay answered 502 Bad Gateway: "Bad Gateway nginx"`,
		},
		{
			"payment created anyway",
			&govpay.Error{Operation: "pagamenti.Start", StatusCode: 502, Categoria: govpay.CategoriaPagoPA, Codice: "PAA_SYSTEM_ERROR", Descrizione: "Errore pagoPA", ID: "abc123", Location: "/pagamenti/abc123"},
			"govpay: pagamenti.Start: GovPay answered 502 Bad Gateway (PAGOPA PAA_SYSTEM_ERROR): Errore pagoPA (payment abc123 was created)",
		},
		{
			"bare status, no operation",
			&govpay.Error{StatusCode: 401},
			"govpay: GovPay answered 401 Unauthorized",
		},
		{
			"unknown status",
			&govpay.Error{Operation: "op", StatusCode: 599},
			"govpay: op: GovPay answered 599",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestErrorIsSentinels(t *testing.T) {
	sentinels := map[string]error{
		"ErrNotFound": govpay.ErrNotFound, "ErrUnauthorized": govpay.ErrUnauthorized, "ErrForbidden": govpay.ErrForbidden,
		"ErrNotAcceptable": govpay.ErrNotAcceptable, "ErrTooManyRequests": govpay.ErrTooManyRequests, "ErrServer": govpay.ErrServer,
		"ErrAutorizzazione": govpay.ErrAutorizzazione, "ErrRichiesta": govpay.ErrRichiesta, "ErrOperazione": govpay.ErrOperazione,
		"ErrPagoPA": govpay.ErrPagoPA, "ErrEC": govpay.ErrEC, "ErrInterno": govpay.ErrInterno,
		"ErrInvalid": govpay.ErrInvalid, "ErrOutcomeUnknown": govpay.ErrOutcomeUnknown,
	}
	tests := []struct {
		name string
		err  *govpay.Error
		want []string // the sentinels it matches; every other must not match
	}{
		{"404", &govpay.Error{StatusCode: 404}, []string{"ErrNotFound"}},
		{"404 RICHIESTA", &govpay.Error{StatusCode: 404, Categoria: "RICHIESTA"}, []string{"ErrNotFound", "ErrRichiesta"}},
		{"401", &govpay.Error{StatusCode: 401}, []string{"ErrUnauthorized"}},
		{"403 AUTORIZZAZIONE", &govpay.Error{StatusCode: 403, Categoria: "AUTORIZZAZIONE"}, []string{"ErrForbidden", "ErrAutorizzazione"}},
		{"406", &govpay.Error{StatusCode: 406}, []string{"ErrNotAcceptable"}},
		{"429", &govpay.Error{StatusCode: 429}, []string{"ErrTooManyRequests"}},
		{"400 RICHIESTA", &govpay.Error{StatusCode: 400, Categoria: "RICHIESTA"}, []string{"ErrRichiesta"}},
		{"422 RICHIESTA", &govpay.Error{StatusCode: 422, Categoria: "RICHIESTA"}, []string{"ErrRichiesta"}},
		{"500 INTERNO", &govpay.Error{StatusCode: 500, Categoria: "INTERNO"}, []string{"ErrServer", "ErrInterno"}},
		{"500 OPERAZIONE", &govpay.Error{StatusCode: 500, Categoria: "OPERAZIONE"}, []string{"ErrServer", "ErrOperazione"}},
		{"502 PAGOPA", &govpay.Error{StatusCode: 502, Categoria: "PAGOPA"}, []string{"ErrServer", "ErrPagoPA"}},
		{"500 EC", &govpay.Error{StatusCode: 500, Categoria: "EC"}, []string{"ErrServer", "ErrEC"}},
		{"503", &govpay.Error{StatusCode: 503}, []string{"ErrServer"}},
		{"409 unknown categoria", &govpay.Error{StatusCode: 409, Categoria: "NUOVA"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wrapped := fmt.Errorf("loading: %w", tt.err)
			for name, s := range sentinels {
				want := false
				for _, w := range tt.want {
					want = want || w == name
				}
				assert.Equal(t, want, errors.Is(tt.err, s), "errors.Is(%s, %s)", tt.name, name)
				assert.Equal(t, want, errors.Is(wrapped, s), "errors.Is(wrapped %s, %s)", tt.name, name)
			}
			var gerr *govpay.Error
			require.True(t, errors.As(wrapped, &gerr))
			assert.Same(t, tt.err, gerr)
		})
	}
	// Sentinels are distinct and have messages.
	for name, s := range sentinels {
		assert.NotEmpty(t, s.Error(), name)
		for other, o := range sentinels {
			if other != name {
				assert.False(t, errors.Is(s, o), "%s must not match %s", name, other)
			}
		}
	}
}

func TestNetworkError(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	e := &govpay.NetworkError{Operation: "pendenze.Get", Method: "GET", URL: "https://gp.example/x", Sent: true, Err: reset}
	assert.Equal(t, "govpay: pendenze.Get: GET https://gp.example/x: read tcp: connection reset by peer", e.Error())
	var op *net.OpError
	require.True(t, errors.As(fmt.Errorf("w: %w", e), &op))
	assert.Same(t, reset, op)
	assert.False(t, errors.Is(e, govpay.ErrOutcomeUnknown), "a GET is repeatable: the outcome is not in doubt")

	c := &govpay.NetworkError{Operation: "op", Method: "GET", URL: "u", Err: context.Canceled}
	assert.ErrorIs(t, c, context.Canceled)
	d := &govpay.NetworkError{Operation: "op", Method: "GET", URL: "u", Err: context.DeadlineExceeded}
	assert.ErrorIs(t, d, context.DeadlineExceeded)
	assert.NotErrorIs(t, d, context.Canceled)

	for _, tt := range []struct {
		method string
		sent   bool
		want   bool
	}{
		{"POST", true, true}, {"PATCH", true, true}, {"POST", false, false},
		{"PUT", true, false}, {"GET", true, false}, {"DELETE", true, false},
	} {
		ne := &govpay.NetworkError{Operation: "op", Method: tt.method, URL: "u", Sent: tt.sent, Err: io.ErrUnexpectedEOF}
		assert.Equal(t, tt.want, errors.Is(fmt.Errorf("x: %w", ne), govpay.ErrOutcomeUnknown), "%s sent=%v", tt.method, tt.sent)
		assert.ErrorIs(t, ne, io.ErrUnexpectedEOF)
	}

	assert.Equal(t, "govpay: network failure", (&govpay.NetworkError{}).Error())
	assert.Equal(t, "govpay: GET u: EOF", (&govpay.NetworkError{Method: "GET", URL: "u", Err: io.EOF}).Error())
}

func TestDecodeError(t *testing.T) {
	inner := io.ErrUnexpectedEOF
	e := &govpay.DecodeError{Operation: "pendenze.Get", StatusCode: 200, ContentType: "application/json", Err: inner}
	assert.Equal(t, "govpay: pendenze.Get: cannot decode the 200 answer (application/json): unexpected EOF", e.Error())
	assert.ErrorIs(t, fmt.Errorf("w: %w", e), io.ErrUnexpectedEOF)
	var de *govpay.DecodeError
	require.True(t, errors.As(fmt.Errorf("w: %w", e), &de))
	assert.Same(t, e, de)

	imp := &govpay.DecodeError{StatusCode: 200, Err: fmt.Errorf("decoding: %w", govpay.ErrImporto)}
	assert.ErrorIs(t, imp, govpay.ErrImporto)
	assert.Contains(t, imp.Error(), "no content type")
	assert.NotContains(t, imp.Error(), ": :")
}

// TestValidationError: the public reading side of a validation error (the
// builder is internal/verr, tested there).
func TestValidationError(t *testing.T) {
	var nilVE *govpay.ValidationError
	assert.False(t, nilVE.Has("x"))
	ve := &govpay.ValidationError{What: "pendenza", Violations: []govpay.Violation{
		{Field: "idTipoPendenza", Rule: "required"}, {Field: "voci[2].importo", Rule: "must be positive"}}}
	var err error = ve
	assert.ErrorIs(t, err, govpay.ErrInvalid)
	assert.ErrorIs(t, fmt.Errorf("w: %w", err), govpay.ErrInvalid)
	assert.NotErrorIs(t, err, govpay.ErrNotFound)
	var got *govpay.ValidationError
	require.True(t, errors.As(fmt.Errorf("w: %w", err), &got))
	assert.True(t, got.Has("voci[2].importo"))
	assert.False(t, got.Has("voci[3].importo"))
	assert.Equal(t, "govpay: invalid pendenza: idTipoPendenza: required; voci[2].importo: must be positive", err.Error())
	assert.Equal(t, "govpay: invalid input: x: y", (&govpay.ValidationError{Violations: []govpay.Violation{{Field: "x", Rule: "y"}}}).Error())
	assert.Equal(t, "rule only", govpay.Violation{Rule: "rule only"}.String())
}

// TestErrorRedirectAndRetryAfter: an unexpected redirect names its target
// and says it was not followed; a server's Retry-After is in the sentence;
// the payment Location of a non-3xx error is not presented as a redirect.
func TestErrorRedirectAndRetryAfter(t *testing.T) {
	tests := []struct {
		name string
		err  *govpay.Error
		want string
	}{
		{
			"unexpected redirect",
			&govpay.Error{Operation: "avvisi.Get", StatusCode: 302, Location: "https://login.example/sso"},
			`govpay: avvisi.Get: GovPay answered 302 Found (redirect to "https://login.example/sso", not followed)`,
		},
		{
			"redirect without Location",
			&govpay.Error{Operation: "avvisi.Get", StatusCode: 307},
			"govpay: avvisi.Get: GovPay answered 307 Temporary Redirect",
		},
		{
			"Retry-After beyond the policy",
			&govpay.Error{Operation: "pendenze.Get", StatusCode: 429, RetryAfter: 2 * time.Minute},
			"govpay: pendenze.Get: GovPay answered 429 Too Many Requests (retry after 2m0s)",
		},
		{
			"payment location of a 502 is not a redirect",
			&govpay.Error{Operation: "pagamenti.Start", StatusCode: 502, ID: "P1", Location: "/pagamenti/P1"},
			"govpay: pagamenti.Start: GovPay answered 502 Bad Gateway (payment P1 was created)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
	assert.ErrorIs(t, &govpay.Error{StatusCode: 429, RetryAfter: time.Hour}, govpay.ErrTooManyRequests)
}
