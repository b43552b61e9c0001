package govpaytest

import (
	"fmt"
	"net/http"
)

// faultBean is GovPay's error body. FaultBeanEsteso adds id and location (a
// payment created although the answer is an error).
type faultBean struct {
	Categoria   string `json:"categoria"`
	Codice      string `json:"codice"`
	Descrizione string `json:"descrizione"`
	Dettaglio   string `json:"dettaglio,omitempty"`
}

// faultBeanEsteso is the FaultBean with the payment GovPay created anyway.
type faultBeanEsteso struct {
	faultBean
	ID       string `json:"id,omitempty"`
	Location string `json:"location,omitempty"`
}

// apiError is an answer with a FaultBean body (a FaultBeanEsteso when id
// is set).
type apiError struct {
	status   int
	fb       faultBean
	id       string
	location string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s %s: %s", e.status, e.fb.Categoria, e.fb.Codice, e.fb.Dettaglio)
}

// FaultBean categories.
const (
	catAutorizzazione = "AUTORIZZAZIONE"
	catRichiesta      = "RICHIESTA"
	catOperazione     = "OPERAZIONE"
	catPagoPA         = "PAGOPA"
	catInterno        = "INTERNO"
)

const descrRichiestaNonValida = "Richiesta non valida"

// errSintassi is GovPay's answer to a request that fails syntactic
// validation (malformed JSON, unknown fields, missing or malformed fields,
// bad path or query parameters): 400, RICHIESTA, SINTASSI.
func errSintassi(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, fb: faultBean{catRichiesta, "SINTASSI", descrRichiestaNonValida, fmt.Sprintf(format, args...)}}
}

// errUnauthenticated is the answer to missing or wrong credentials.
func errUnauthenticated() *apiError {
	return &apiError{status: http.StatusUnauthorized, fb: faultBean{catAutorizzazione, "401000", "Autenticazione fallita", "Credenziali assenti o non valide"}}
}

// errForbidden is GovPay's answer when the caller may not act on the
// resource (another application's pendenza, a domain it is not enabled for).
func errForbidden(format string, args ...any) *apiError {
	return &apiError{status: http.StatusForbidden, fb: faultBean{catAutorizzazione, "403000", "Operazione non autorizzata", fmt.Sprintf(format, args...)}}
}

// errNotFound is GovPay's answer for a resource that does not exist.
func errNotFound(format string, args ...any) *apiError {
	return &apiError{status: http.StatusNotFound, fb: faultBean{catOperazione, "404000", "Risorsa non trovata", fmt.Sprintf(format, args...)}}
}

// errNotAcceptable is GovPay's answer to an Accept header it cannot serve.
func errNotAcceptable(accept string, allowed string) *apiError {
	return &apiError{status: http.StatusNotAcceptable, fb: faultBean{catRichiesta, "406000", "Formato richiesto non disponibile",
		fmt.Sprintf("header Accept ricevuto: '%s', consentiti: %s", accept, allowed)}}
}

// errSemantica is a GovPay business rule failure (EsitoOperazione codes
// such as VER_002, PAG_006): 422, RICHIESTA, the code as codice. APP_002
// and a few others use 400 in GovPay; status says which.
func errSemantica(status int, codice, format string, args ...any) *apiError {
	return &apiError{status: status, fb: faultBean{catRichiesta, codice, descrRichiestaNonValida, fmt.Sprintf(format, args...)}}
}

// errOperazione is how PATCH reports business failures: 500, OPERAZIONE,
// the EsitoOperazione code as codice.
func errOperazione(codice, format string, args ...any) *apiError {
	return &apiError{status: http.StatusInternalServerError, fb: faultBean{catOperazione, codice, descrRichiestaNonValida, fmt.Sprintf(format, args...)}}
}

// problem is the RFC 7807 body pagoPA Checkout answers errors with.
type problem struct {
	Type   string `json:"type,omitempty"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}
