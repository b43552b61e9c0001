// Package govpaytest is an in-memory fake GovPay, for tests and demos: like
// stripe-mock for Stripe, it lets code that talks to GovPay run anywhere,
// without pagoPA, certificates or a configured station.
//
// A [Server] serves, under the same deep base paths as a real installation,
// API Pendenze v2, API Pagamento v2, API Ragioneria v3 and the pagoPA
// Checkout EC API, plus fake WISP and Checkout pages where a browser (or a
// test) pays, fails or cancels. It delivers notifications to the creditor's
// API Ente (v1 or v2) as GovPay does.
//
//	s := govpaytest.NewServer()
//	defer s.Close()
//	cfg := s.Config() // a *govpay.Config whose host is the fake
//	client := pendenze.New(cfg)
//
// # Configuration and base URLs
//
// [Server.Config] returns a govpay.Config pointing at the fake, with the
// fake's Basic credentials when it has some (WithBasicAuth) and the
// caller's options after them; every SDK client built from it reaches the
// fake under GovPay's conventional base URLs,
// URL + "/govpay/{backend|frontend}/api/{api}/rs/{auth}/v{N}".
//
// [Server.PendenzeURL], [Server.PagamentoURL], [Server.RagioneriaURL],
// [Server.CheckoutURL] and [Server.CheckoutV2URL] return the base URLs
// themselves, for example URL + "/govpay/backend/api/pendenze/rs/basic/v2".
// Every authentication segment govpay.NewConfig produces (basic, ssl,
// sslheader, header, apikey, spid, oauth2, public) is served in place of
// "basic" on the APIs GovPay 3.9.1 serves it on: spid and public on API
// Pagamento only, as GovPay (a 404 on API Pendenze and API Ragioneria,
// where the SDK's clients refuse such a Config before sending anything).
// "public" never requires credentials; with WithBasicAuth
// every other segment requires the server's HTTP Basic credentials (the
// fake checks no certificate, SSL header, principal header, API key, SPID
// header or token: to test those modes, run the fake without
// WithBasicAuth, and then any credentials, or none, are accepted).
//
// # Routing
//
// Under a GovPay API (a known authentication segment) authentication comes
// first, as in GovPay: without valid credentials every path and method is
// 401, so an unauthenticated caller learns nothing of which paths exist;
// with them an unknown path is 404 404000 and a wrong method 405 with
// Allow. Paths under no API, or under an unknown authentication segment,
// are 404 404000 without authentication. Path segments are
// percent-decoded once and checked exactly as raw ones ("%2F" inside an
// identifier is part of it, and refused by the identifier pattern); a
// segment that is not valid UTF-8 once decoded is 400 SINTASSI; empty, "."
// and ".." segments are 404, never redirected; one trailing slash is
// ignored; GET routes also answer HEAD.
//
// # Starting
//
// NewServer listens on a random local port, like httptest.NewServer; use
// WithAddr for a fixed address, or NewUnstartedServer and [Server.Start] to
// get an error instead of a panic. [Server.Handler] mounts the fake in
// another server (set WithPublicURL then). A demo portal typically runs:
//
//	s := govpaytest.NewUnstartedServer(govpaytest.WithDemoData(),
//		govpaytest.WithNotifications(govpaytest.NotificationConfig{URL: enteURL, Version: 2}))
//	if err := s.Start("127.0.0.1:8081"); err != nil { … }
//
// # Payment modes
//
// POST /pagamenti answers as the station GovPay impersonates ([Mode], set
// with WithMode or [Server.SetMode]): [ModeLegacy] (201 with a real id and a
// redirect to the fake WISP), [ModeBridge] (201 with id "0" and a redirect
// to the fake Checkout) or [ModeBridge302] (a bare 302); as GovPay, the two
// bridge modes record no payment (nothing in GET /pagamenti). POST /carts of the
// Checkout EC API (v1 and v2, Ocp-Apim-Subscription-Key required) answers
// 302 to the fake Checkout page.
//
// # The fake WISP and Checkout pages
//
// The redirect URL shows the cart (ente, description, notice code, amount,
// total) and three buttons: Paga, Errore, Annulla (HTML ids "paga",
// "errore", "annulla"). Pressing one (a form POST to the same URL) settles
// the payment and answers 303 to the return URL:
//
//   - WISP (legacy): urlRitorno?idPagamento=…&idSession=…&esito=OK|ERROR|DIFFERITO.
//     Paga produces positive RTs, Errore negative ones, Annulla none.
//   - Checkout bridge: urlRitorno?esito=OK|ERROR|CANCEL.
//   - Direct Checkout cart: the returnOkUrl, returnErrorUrl or
//     returnCancelUrl of the cart, unchanged.
//
// Paga makes the pendenze ESEGUITA and the payment ESEGUITO and produces
// the receipts served by API Ragioneria (JSON and PDF); Checkout payments
// of unknown, paid, expired or cancelled notices end in ERROR.
// [Server.Pay] does the same without a browser.
//
// # Faithful behaviour
//
// The fake answers like GovPay where integrators get hurt:
//
//   - PUT of a pendenza answers 201 when it creates it and 200 when it
//     updates it, and assigns an aux-digit-3 numero avviso (segregation code
//     of the domain, check digits modulo 93) when the pendenza has none.
//   - Errors are FaultBeans {categoria, codice, descrizione, dettaglio} in
//     application/json with GovPay's codes: 400 SINTASSI (malformed JSON,
//     unknown fields, missing or malformed fields, bad parameters), 401,
//     403 403000, 404 404000, 406 406000, 422 with the EsitoOperazione code
//     (VER_001, VER_002 importo ≠ Σ voci, VER_003, VER_004, VER_024,
//     VER_025, VER_035, TRB_000, TVD_000, PAG_006, PAG_007,
//     PAG_013, VER_008), 400 APP_002, and PATCH business errors as 500
//     OPERAZIONE. Every answer of the GovPay APIs carries
//     X-Govpay-IdTransazione.
//   - GET /avvisi and GET /ricevute/{…} read only the first Accept header:
//     if it contains application/pdf they answer the PDF, else if it
//     contains application/json the JSON, else 406. An unknown notice in
//     JSON is 200 {"stato":"SCONOSCIUTA"}.
//   - Lists use the key risultati with numRisultati, numPagine,
//     risultatiPerPagina, pagina and prossimiRisultati; GET /pagamenti
//     filters by idSessione.
//   - PATCH takes GovPay's dialect [{op, path, value}] on /stato,
//     /descrizioneStato, /ack and /nota, sent as application/json.
//   - Bollo voci are tipoBollo "01" in API Pendenze and "Imposta di bollo"
//     in API Pagamento.
//
// # Dates
//
// GovPay never writes RFC 3339 offsets with a colon, and mixes forms. The
// fake writes calendar dates as "2006-01-02" (dataCaricamento, dataScadenza,
// …), the payment detail's dataRichiestaPagamento as
// "2006-01-02T15:04:05.000", receipt timestamps (data, dataPagamento) and
// RPT/RT timestamps as "2006-01-02T15:04:05", and the timestamps of list
// items (GET /pagamenti, GET /ricevute) as "2006-01-02T15:04:05.000+0100":
// clients must read them all. Times are in Europe/Rome.
//
// # Fault injection
//
// [Server.InjectFault] breaks the next answers of an [Operation]: latency,
// 5xx or 429 with Retry-After, connections dropped before or after the
// request is read or served, truncated bodies, HTML error pages, wrong
// content types, huge bodies, and the 502 FaultBeanEsteso GovPay sends when
// pagoPA fails after a payment was created. See [Fault] and [FaultKind].
//
// # Notifications
//
// With WithNotifications (or [Server.SetNotifications]) the fake notifies
// the creditor's API Ente. Version 1: POST {URL}/pagamenti/{idDominio}/{iuv}
// (query idSession, idSessionePortale, idCarrello when known) twice per
// transaction, the activation (rt null) and the outcome with the RT. Version
// 2: PUT {URL}/ricevute/{idDominio}/{iuv}/{idRicevuta} once per successful
// payment, with the receipt. Deliveries are asynchronous and retried on any
// non-2xx answer or network error, with GovPay's n² backoff compressed
// (MinBackoff·n²). [Server.Notifications] lists them with their attempts;
// [Server.WaitNotifications] waits for deliveries.
//
// # Inspecting the state
//
// [Server.Requests] returns every request received (credentials redacted),
// [Server.Count] counts requests per operation, and [Server.Pendenze],
// [Server.Pagamenti], [Server.Ricevute] and [Server.Sessioni] return
// snapshots of the state, each with the JSON GovPay would answer.
//
// # Simplifications
//
// The fake keeps everything in memory and is safe for concurrent use. It has
// no configuration of applications, stations or PSPs: with WithBasicAuth the
// user is the only application (its idA2A), without it every caller is
// accepted. It does not verify pendenze with the creditor (dataValidita is
// not enforced), never expires sessions, and produces receipts from a
// single fake PSP. Spontaneous payments are built by a [SpontaneoFunc]. A
// payment started through the checkout bridge answers id "0" as GovPay
// does, but the fake still lists it (with an internal id) in GET /pagamenti,
// so that a portal can find it by idSessionePortale. Request bodies of the
// GovPay APIs must be application/json (415 otherwise, without body).
package govpaytest
