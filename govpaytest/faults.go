package govpaytest

import (
	"time"
)

// Operation names an operation the fake serves. Operations key fault
// injection ([Server.InjectFault]), counters ([Server.Count]) and recorded
// requests ([Request.Operation]).
type Operation string

// API Pendenze v2 operations.
const (
	OpPutPendenza         Operation = "pendenze.PutPendenza"         // PUT /pendenze/{idA2A}/{idPendenza}
	OpGetPendenza         Operation = "pendenze.GetPendenza"         // GET /pendenze/{idA2A}/{idPendenza}
	OpPatchPendenza       Operation = "pendenze.PatchPendenza"       // PATCH /pendenze/{idA2A}/{idPendenza}
	OpListPendenze        Operation = "pendenze.ListPendenze"        // GET /pendenze
	OpGetPendenzaByAvviso Operation = "pendenze.GetPendenzaByAvviso" // GET /pendenze/byAvviso/{idDominio}/{numeroAvviso}
	OpGetAvviso           Operation = "pendenze.GetAvviso"           // GET /avvisi/{idDominio}/{numeroAvviso}
	OpListRPP             Operation = "pendenze.ListRpp"             // GET /rpp
	OpGetRPP              Operation = "pendenze.GetRpp"              // GET /rpp/{idDominio}/{iuv}/{ccp}
	OpGetRPT              Operation = "pendenze.GetRpt"              // GET /rpp/{idDominio}/{iuv}/{ccp}/rpt
	OpGetRT               Operation = "pendenze.GetRt"               // GET /rpp/{idDominio}/{iuv}/{ccp}/rt
)

// API Pagamento v2 operations.
const (
	OpStartPagamento          Operation = "pagamento.StartPagamento"          // POST /pagamenti
	OpGetPagamento            Operation = "pagamento.GetPagamento"            // GET /pagamenti/{id}
	OpGetPagamentoByIDSession Operation = "pagamento.GetPagamentoByIdSession" // GET /pagamenti/byIdSession/{idSession}
	OpListPagamenti           Operation = "pagamento.ListPagamenti"           // GET /pagamenti
	OpPosizione               Operation = "pagamento.ListPendenze"            // GET /pendenze
	OpPagamentoGetPendenza    Operation = "pagamento.GetPendenza"             // GET /pendenze/{idA2A}/{idPendenza}
	OpPagamentoGetAvviso      Operation = "pagamento.GetAvviso"               // GET /avvisi/{idDominio}/{numeroAvviso}
)

// API Ragioneria v3 operations.
const (
	OpListRicevute Operation = "ragioneria.ListRicevute" // GET /ricevute
	OpGetRicevuta  Operation = "ragioneria.GetRicevuta"  // GET /ricevute/{idDominio}/{iuv}/{idRicevuta}
)

// pagoPA Checkout and the fake payment pages.
const (
	OpPostCarts   Operation = "checkout.PostCarts" // POST /carts (v1 and v2)
	OpPaymentPage Operation = "page.Show"          // GET of the fake WISP / Checkout page
	OpPaymentDone Operation = "page.Choose"        // POST of a button of the fake page
)

// FaultKind says how an injected [Fault] breaks an answer.
type FaultKind int

// The kinds of fault. Every kind may be combined with [Fault.Latency].
const (
	// FaultNone only delays the answer by Latency; the request is then
	// served normally.
	FaultNone FaultKind = iota
	// FaultStatus answers Status (default 503) with a FaultBean of
	// categoria INTERNO (PAGOPA for 502) without serving the request. With
	// Status 429 or 503 and RetryAfter set, a Retry-After header is sent.
	FaultStatus
	// FaultDropBeforeRead closes the connection before reading the request
	// body: the request has no effect.
	FaultDropBeforeRead
	// FaultDropAfterRead reads the whole request, then closes the
	// connection without serving it: the request has no effect, but the
	// client cannot know.
	FaultDropAfterRead
	// FaultDropAfterServe serves the request (its effects happen: a
	// pendenza is stored, a payment is created) and closes the connection
	// instead of answering: the outcome is unknown to the client.
	FaultDropAfterServe
	// FaultTruncatedBody serves the request and sends only half of the
	// answer body, with the full Content-Length, then closes the connection.
	FaultTruncatedBody
	// FaultHTML answers Status (default 502) with an HTML error page, as a
	// reverse proxy in front of GovPay does.
	FaultHTML
	// FaultWrongContentType serves the request and sends its answer with
	// Content-Type text/html.
	FaultWrongContentType
	// FaultHugeBody answers Status (default 200) with a JSON body of Size
	// bytes (default 16 MiB), to test body size limits.
	FaultHugeBody
	// FaultPagoPA serves the request and then answers 502 with a
	// FaultBeanEsteso (categoria PAGOPA, codice PPT_CANALE_IRRAGGIUNGIBILE
	// unless Codice is set) carrying the id and location of the payment the
	// request created, as GovPay does when pagoPA fails after the payment
	// was stored (only POST /pagamenti creates one; other operations get
	// the FaultBean without id). The checkout bridge stores no payment and
	// wraps a failure of pagoPA Checkout in a GovPayException of
	// EsitoOperazione.INTERNAL (PagamentiPortaleDAO.java:452-461,
	// GovPayException.java:90-93, link-it/govpay @1840dca): in ModeBridge
	// and ModeBridge302 POST /pagamenti answers 500 INTERNO instead, with
	// no id.
	FaultPagoPA
)

// Fault describes how to break the next answers of an operation.
type Fault struct {
	// Kind is the kind of fault.
	Kind FaultKind
	// Latency delays the answer (before anything else happens). The delay
	// ends early when the client goes away.
	Latency time.Duration
	// Status is the HTTP status of FaultStatus, FaultHTML and FaultHugeBody.
	Status int
	// RetryAfter is sent as the Retry-After header (seconds, "120", or an
	// HTTP date) with FaultStatus.
	RetryAfter string
	// Codice overrides the FaultBean codice of FaultStatus and FaultPagoPA.
	Codice string
	// Size is the body size of FaultHugeBody.
	Size int
}

// faultEntry is an injected fault with the number of requests it still
// applies to (negative: forever).
type faultEntry struct {
	f         Fault
	remaining int
}

// InjectFault makes the next count requests of op fail as f describes
// (count ≤ 0: every request until [Server.ClearFaults]). Faults injected for
// the same operation apply in order: InjectFault(op, a, 2) then
// InjectFault(op, b, 1) breaks two requests with a, the third with b, and
// lets the fourth through.
func (s *Server) InjectFault(op Operation, f Fault, count int) {
	if count <= 0 {
		count = -1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[op] = append(s.faults[op], &faultEntry{f: f, remaining: count})
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = make(map[Operation][]*faultEntry)
}

// takeFault consumes the fault that applies to the next request of op.
// The caller holds s.mu.
func (s *Server) takeFault(op Operation) (Fault, bool) {
	q := s.faults[op]
	for len(q) > 0 && q[0].remaining == 0 {
		q = q[1:]
	}
	s.faults[op] = q
	if len(q) == 0 {
		return Fault{}, false
	}
	e := q[0]
	if e.remaining > 0 {
		e.remaining--
	}
	return e.f, true
}
