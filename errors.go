package govpay

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Categoria is the category GovPay puts in every FaultBean. The values below
// are the ones GovPay 3.9 uses; others are kept as received.
type Categoria string

// The FaultBean categories.
const (
	CategoriaAutorizzazione Categoria = "AUTORIZZAZIONE" // the caller may not do this
	CategoriaRichiesta      Categoria = "RICHIESTA"      // the request is malformed or breaks a rule (400, 422)
	CategoriaOperazione     Categoria = "OPERAZIONE"     // the operation cannot be carried out (business rule)
	CategoriaPagoPA         Categoria = "PAGOPA"         // pagoPA refused or failed (502)
	CategoriaEC             Categoria = "EC"             // the creditor's own system failed
	CategoriaInterno        Categoria = "INTERNO"        // GovPay failed internally (500)
)

// Error is a failure answered by GovPay (or by pagoPA Checkout): any HTTP
// status the operation does not expect. It carries GovPay's FaultBean.
//
// Match it with errors.As, or match its kind with errors.Is and the
// sentinels ([ErrNotFound], [ErrRichiesta], …).
type Error struct {
	// Operation names the SDK operation that failed ("pendenze.Put").
	Operation string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Categoria is the FaultBean's category (RICHIESTA, OPERAZIONE, …).
	Categoria Categoria
	// Codice is GovPay's error code ("VER_002", "404000", "PAA_…").
	Codice string
	// Descrizione is GovPay's description of the error (for pagoPA
	// Checkout's problem details, the title).
	Descrizione string
	// Dettaglio gives details, such as the field at fault (for problem
	// details, the detail).
	Dettaglio string
	// IDTransazione is GovPay's transaction id (header X-Govpay-IdTransazione),
	// the key to GovPay's logs when asking its operators for help.
	IDTransazione string
	// ID is set when GovPay created a payment anyway (a 502 FaultBeanEsteso
	// on POST /pagamenti): the payment can still be tracked.
	ID string
	// Location is the path of that payment, when GovPay gave it; for an
	// unexpected redirect (a 3xx the operation does not accept), the
	// redirect's Location header. Like every text field it never holds a
	// credential.
	Location string
	// Body is a short excerpt of an answer that was not a FaultBean (an HTML
	// page from a proxy, for example).
	Body string
	// RetryAfter is the delay the server asked for with a Retry-After header
	// (either form: seconds or an HTTP date, a past date giving 0) on a 429
	// or 503 answer; 0 when it gave none. The SDK honours it between
	// retries up to the policy's MaxRetryAfter; a longer delay ends the
	// retries with this error, so that the caller can wait that long before
	// trying again.
	RetryAfter time.Duration
}

// Error returns one human sentence.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("govpay: ")
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	b.WriteString("GovPay answered ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	}
	if e.Codice != "" || e.Categoria != "" {
		b.WriteString(" (")
		b.WriteString(string(e.Categoria))
		if e.Codice != "" {
			if e.Categoria != "" {
				b.WriteString(" ")
			}
			b.WriteString(e.Codice)
		}
		b.WriteString(")")
	}
	if e.Descrizione != "" {
		b.WriteString(": ")
		b.WriteString(e.Descrizione)
	}
	if e.Dettaglio != "" && e.Dettaglio != e.Descrizione {
		b.WriteString(": ")
		b.WriteString(e.Dettaglio)
	}
	if e.Descrizione == "" && e.Dettaglio == "" && e.Body != "" {
		b.WriteString(": ")
		b.WriteString(strconv.Quote(e.Body))
	}
	if e.StatusCode >= 300 && e.StatusCode < 400 && e.Location != "" {
		b.WriteString(" (redirect to ")
		b.WriteString(strconv.Quote(e.Location))
		b.WriteString(", not followed)")
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	if e.ID != "" {
		b.WriteString(" (payment ")
		b.WriteString(e.ID)
		b.WriteString(" was created)")
	}
	if e.IDTransazione != "" {
		b.WriteString(" [idTransazione ")
		b.WriteString(e.IDTransazione)
		b.WriteString("]")
	}
	return b.String()
}

// Is reports whether e is of the kind a sentinel stands for.
func (e *Error) Is(target error) bool {
	s, ok := target.(*sentinel)
	if !ok {
		return false
	}
	if s.status != 0 && s.status == e.StatusCode {
		return true
	}
	if s.categoria != "" && s.categoria == e.Categoria {
		return true
	}
	if s == ErrServer && e.StatusCode >= 500 {
		return true
	}
	return false
}

type sentinel struct {
	msg       string
	status    int
	categoria Categoria
}

// Error returns the sentinel's message.
func (s *sentinel) Error() string { return s.msg }

// Sentinels matched by [*Error] with errors.Is.
var (
	// ErrNotFound: 404, the resource does not exist.
	ErrNotFound error = &sentinel{msg: "govpay: not found", status: http.StatusNotFound}
	// ErrUnauthorized: 401, the credentials were missing or refused.
	ErrUnauthorized error = &sentinel{msg: "govpay: unauthorized", status: http.StatusUnauthorized}
	// ErrForbidden: 403, the credentials may not do this.
	ErrForbidden error = &sentinel{msg: "govpay: forbidden", status: http.StatusForbidden}
	// ErrNotAcceptable: 406, the Accept header was refused.
	ErrNotAcceptable error = &sentinel{msg: "govpay: not acceptable", status: http.StatusNotAcceptable}
	// ErrTooManyRequests: 429, GovPay or a proxy asked to slow down.
	ErrTooManyRequests error = &sentinel{msg: "govpay: too many requests", status: http.StatusTooManyRequests}
	// ErrServer: any 5xx answer.
	ErrServer error = &sentinel{msg: "govpay: server error"}

	// ErrAutorizzazione: categoria AUTORIZZAZIONE.
	ErrAutorizzazione error = &sentinel{msg: "govpay: categoria AUTORIZZAZIONE", categoria: CategoriaAutorizzazione}
	// ErrRichiesta: categoria RICHIESTA (malformed request or rule broken).
	ErrRichiesta error = &sentinel{msg: "govpay: categoria RICHIESTA", categoria: CategoriaRichiesta}
	// ErrOperazione: categoria OPERAZIONE (the operation cannot be done).
	ErrOperazione error = &sentinel{msg: "govpay: categoria OPERAZIONE", categoria: CategoriaOperazione}
	// ErrPagoPA: categoria PAGOPA (pagoPA refused or failed).
	ErrPagoPA error = &sentinel{msg: "govpay: categoria PAGOPA", categoria: CategoriaPagoPA}
	// ErrEC: categoria EC (the creditor's system failed).
	ErrEC error = &sentinel{msg: "govpay: categoria EC", categoria: CategoriaEC}
	// ErrInterno: categoria INTERNO (GovPay failed internally).
	ErrInterno error = &sentinel{msg: "govpay: categoria INTERNO", categoria: CategoriaInterno}
)

// ErrOutcomeUnknown is matched by errors that leave the outcome of a
// non-repeatable operation unknown: the request may or may not have taken
// effect (a payment start that timed out after it was sent, for example).
// Never repeat such an operation blindly: look the result up first.
var ErrOutcomeUnknown = errors.New("govpay: outcome unknown")

// NetworkError is a failure to exchange a request with the server: the
// connection was refused or reset, a timeout hit, TLS failed.
type NetworkError struct {
	// Operation names the SDK operation.
	Operation string
	// Method is the request's HTTP method.
	Method string
	// URL is the request's URL; it never carries credentials.
	URL string
	// Sent reports whether the request may have reached the server: false
	// only when the failure certainly happened before anything was written
	// (dial refused, DNS failure).
	Sent bool
	// Err is the underlying error.
	Err error
}

// Error returns one human sentence.
func (e *NetworkError) Error() string {
	var b strings.Builder
	b.WriteString("govpay: ")
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	if e.Method != "" || e.URL != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.URL))
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("network failure")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *NetworkError) Unwrap() error { return e.Err }

// Is matches [ErrOutcomeUnknown] when the request may have reached the
// server (Sent) and its method is not safe to repeat (POST, PATCH): the
// operation may or may not have taken effect.
func (e *NetworkError) Is(target error) bool {
	if target != ErrOutcomeUnknown || !e.Sent {
		return false
	}
	switch e.Method {
	case http.MethodPost, http.MethodPatch:
		return true
	}
	return false
}

// DecodeError is an answer whose status was expected but whose body could not
// be decoded (truncated JSON, wrong content type, an amount with three
// decimals…).
type DecodeError struct {
	// Operation names the SDK operation.
	Operation string
	// StatusCode is the answer's HTTP status.
	StatusCode int
	// ContentType is the answer's Content-Type header.
	ContentType string
	// IDTransazione from the X-Govpay-IdTransazione header, if any.
	IDTransazione string
	// Err is the decoding failure.
	Err error
}

// Error returns one human sentence.
func (e *DecodeError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	op := ""
	if e.Operation != "" {
		op = e.Operation + ": "
	}
	return fmt.Sprintf("govpay: %scannot decode the %d answer (%s): %v", op, e.StatusCode, ct, e.Err)
}

// Unwrap returns the decoding failure.
func (e *DecodeError) Unwrap() error { return e.Err }

// ErrInvalid is matched by every [*ValidationError].
var ErrInvalid = errors.New("govpay: invalid input")

// Violation is one rule an input breaks.
type Violation struct {
	// Field is the path of the field, as in the JSON GovPay reads:
	// "voci[2].importo", "soggettoPagatore.identificativo".
	Field string
	// Rule says what the field must be: "required", "must match ^[0-9]{11}$".
	Rule string
}

// String returns "field: rule".
func (v Violation) String() string {
	if v.Field == "" {
		return v.Rule
	}
	return v.Field + ": " + v.Rule
}

// ValidationError lists every rule an input breaks. It is returned before
// anything is sent, so a request that fails validation never reaches GovPay.
type ValidationError struct {
	// What names the thing validated ("pendenza", "cart", "StartOptions").
	What string
	// Violations lists every broken rule, in field order.
	Violations []Violation
}

// Error lists the violations in one sentence.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("govpay: invalid ")
	if e.What != "" {
		b.WriteString(e.What)
	} else {
		b.WriteString("input")
	}
	for i, v := range e.Violations {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return b.String()
}

// Is matches [ErrInvalid].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// add records a violation (the root package's own builder; the other
// packages build with internal/verr).
func (e *ValidationError) add(field, rule string) {
	e.Violations = append(e.Violations, Violation{Field: field, Rule: rule})
}

// appendErr adds the violations of err as they are (an option's
// *ValidationError), or err's text as a violation without field.
func (e *ValidationError) appendErr(err error) {
	var ve *ValidationError
	switch {
	case err == nil:
	case errors.As(err, &ve):
		if ve != nil {
			e.Violations = append(e.Violations, ve.Violations...)
		}
	default:
		e.add("", err.Error())
	}
}

// Has reports whether a violation of field was recorded.
func (e *ValidationError) Has(field string) bool {
	if e == nil {
		return false
	}
	for _, v := range e.Violations {
		if v.Field == field {
			return true
		}
	}
	return false
}

// err returns e when it holds violations, nil otherwise.
func (e *ValidationError) err() error {
	if e == nil || len(e.Violations) == 0 {
		return nil
	}
	return e
}
