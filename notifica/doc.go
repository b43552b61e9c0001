// Package notifica receives GovPay's calls to the vertical system (API
// Ente, versions 1 and 2): payment notifications and, optionally, the
// verification of pendenze.
//
// GovPay calls the integrator back: when a payment request reaches pagoPA
// and when its receipt arrives (v1), or once with the receipt (v2). It
// keeps repeating a notification that was not answered 2xx, every
// tentativi² minutes for up to 24 hours, so the answer decides whether a
// payment is lost or counted twice. [NewHandler] returns an http.Handler
// that authenticates GovPay, decodes every notification into typed
// payloads with exact amounts, calls a [Receiver] and answers accordingly.
//
//	h, err := notifica.NewHandler(myReceiver,
//		notifica.WithBasicAuth("govpay", os.Getenv("NOTIFICA_PASSWORD")),
//		notifica.WithDeduplicator(notifica.NewMemoryDeduplicator()),
//	)
//	mux.Handle("/govpay/", http.StripPrefix("/govpay", h))
//
// # Routes
//
// Paths are relative to where the handler is mounted:
//
//	POST /pagamenti/{idDominio}/{iuv}?idSession=&idSessionePortale=&idCarrello=   v1 notification
//	PUT  /ricevute/{idDominio}/{iuv}/{idRicevuta}                                 v2 receipt
//	GET  /avvisi/{idDominio}/{numeroAvviso}       verification by notice (AvvisoVerifier)
//	GET  /pendenze/{idA2A}/{idPendenza}           verification by id (PendenzaVerifier)
//	POST /pendenze/{idDominio}/{idTipoPendenza}   spontaneous pendenza (SpontaneaVerifier)
//
// Mount it with http.StripPrefix, or directly under a ServeMux prefix
// pattern ("/govpay/" or "/govpay/{rest...}"): a path that matches no route
// is retried without its leading segments. The v1 activation (rt null) goes
// to [Receiver.Attivazione], the v1 outcome to [Receiver.Pagamento], the v2
// receipt to [Receiver.Ricevuta]. idRicevuta is the rest of the path, since
// GovPay does not always escape it (a ccp "n/a" arrives as two segments).
// The query of older GovPay versions, which glued idSessionePortale and
// idCarrello to the path with '&' or repeated '?', is repaired.
// A verification route whose interface the Receiver does not implement
// answers 501. Verification answers use the API Ente v2 form unless
// [WithVerificaV1] is given (the notification version is known from the
// path).
//
// The rpt and rt of a notification are kept as raw JSON, in whichever shape
// GovPay sent them (the old RPT/RT of "SANP 1" or the SANP 2 paymentPA and
// receipt): [Pagamento.DatiRT] and [Pagamento.DatiRPT] (v1) and the same
// methods of ricevute.Ricevuta (v2) read the fields common to both (receipt id,
// outcome, amount paid, payment date, PSP…), with [ricevute.ParseRT] and
// [ricevute.ParseRPT].
//
// The timestamps data and dataPagamento of a v2 receipt arrive in UTC
// without an offset (GovPay 3.9.1 formats them with Jackson's default zone)
// and are decoded as such, with [ricevute.Ricevuta.UnmarshalEnteV2].
//
// The v2 receipt is a [ricevute.Ricevuta]: GovPay's schema Ricevuta is the
// same in API Ente v2 and API Ragioneria v3, so a receipt notified here and
// one read with ricevute.Client are the same type. Its parts and
// enumerations (ricevute.Esito, ricevute.Dominio, ricevute.PendenzaPagata…)
// are used from package ricevute directly: notifica defines no other name
// for them.
//
// # Delivery semantics
//
// The handler answers 201 only after the Receiver returned nil. A Receiver
// error or panic answers 500 with a FaultBean, and GovPay delivers the
// notification again later: a failure is never acknowledged. Since GovPay
// delivers at least once, a Receiver may see the same notification more
// than once; either make it idempotent or configure a [Deduplicator].
//
// Every answer other than 2xx carries a FaultBean body
// ({categoria, codice, descrizione, dettaglio}) with Content-Type
// application/json.
//
// # Authentication
//
// NewHandler requires at least one of [WithBasicAuth], [WithAPIKey]
// (X-APP-ID and X-API-KEY), [WithHeaderSecret], [WithClientCertificateSubjects]
// (verified mTLS client certificates) and [WithBearerCheck], or an explicit
// [WithNoAuthentication] when a proxy authenticates GovPay. When several are
// configured, all must pass. Secrets are stored as SHA-256 digests and
// compared in constant time (crypto/subtle), whatever their length. Every
// failure answers 401 with the same FaultBean, which says nothing about
// which check failed; the reason is logged without the credentials.
//
// # Deduplication
//
// Every notification has an idempotency key naming its kind and payment:
// ricevuta/{idDominio}/{iuv}/{idRicevuta} (v2),
// pagamento/{idDominio}/{iuv}/{receiptId or ccp} and
// attivazione/{idDominio}/{iuv}/{ccp or idSession} (v1); see
// [ricevute.Ricevuta.Key] and [Pagamento.Key]. With
// [WithDeduplicator], a notification whose key was already processed
// answers 201 without calling the Receiver, and concurrent deliveries of
// the same key wait for the one in progress: if it succeeds they answer
// 201, if it fails one of them tries again. [NewMemoryDeduplicator] does this in memory, for one
// process; [NewSQLDeduplicator] does it in a PostgreSQL table shared by
// several replicas (see Running several replicas); the [Deduplicator]
// interface also lets the key live in the vertical system's own tables, in
// the same transaction as the Receiver's effects (see the package
// example).
//
// Notifications are never lost: the claim on a key is released on every
// exit path (a Receiver error or panic, a panic with http.ErrAbortHandler,
// which the handler re-panics once the claim is released, a failing or
// panicking Release), and every claim is a lease that expires
// ([DefaultLease], below GovPay's first redelivery interval of one
// minute), so that a hung Receiver or a crashed replica never blocks a
// redelivery: the Receiver's context ends with the lease, and the next
// delivery takes the key over.
//
// # Running several replicas
//
// GovPay 3.9.1 sends every notification of a creditor to one URL, and a
// production vertical system puts a load balancer in front of two or more
// replicas: a redelivery then usually reaches another replica than the
// first attempt, and a [MemoryDeduplicator] sees only its own process.
// Give every replica a [SQLDeduplicator] on the PostgreSQL database they
// share, through database/sql and the driver of your choice (the SDK
// imports none):
//
//	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL")) // e.g. github.com/jackc/pgx/v5/stdlib
//	dedup, err := notifica.NewSQLDeduplicator(db)
//	h, err := notifica.NewHandler(recv,
//		notifica.WithBasicAuth("govpay", os.Getenv("NOTIFICA_PASSWORD")),
//		notifica.WithDeduplicator(dedup),
//	)
//
// The table is not created on first use: put [SQLDeduplicator.Schema] in
// the application's migrations, or run [SQLDeduplicator.CreateTable] once
// from a deployment step. Then, whichever replica a delivery reaches:
//
//   - a receipt processed anywhere is acknowledged (201) without calling
//     the Receiver again, and two replicas receiving the same receipt at
//     once call one Receiver: the other waits for its outcome;
//   - a Receiver that fails frees the key at once: the redelivery, on any
//     replica, processes the receipt;
//   - a claim is a lease, measured in the database's clock ([WithSQLLease],
//     default [DefaultLease], below GovPay's first redelivery interval): a
//     replica that hangs or is killed while it holds a receipt blocks it
//     for at most the lease, and the next delivery takes it over; the
//     Receiver's context ends with the lease, so keep the Receiver well
//     within it;
//   - while the database cannot be reached every delivery answers 503 and
//     GovPay delivers again later: nothing is acknowledged that was not
//     processed;
//   - processed keys stay until [SQLDeduplicator.Prune] deletes those older
//     than the retention ([WithSQLRetention], default [MemoryRetention]): call
//     it periodically from any replica.
//
// One case still calls a Receiver twice: a replica that dies, or loses the
// database, after its Receiver's effects and before recording the key.
// Make those effects idempotent, or write them in one transaction with
// your own record of the key (see the package example).
//
// # Security
//
// The handler treats every request as hostile until proven otherwise:
// authentication comes first (an unauthenticated caller cannot probe
// routes); bodies larger than [DefaultMaxBodyBytes] (or [WithMaxBodyBytes])
// answer 413 without being read further; a wrong method answers 405 with
// Allow; a body that is not application/json (or +json, UTF-8) answers 415;
// a body that is not a JSON object of the expected shape answers 400, and
// so does an amount with more than two decimals; path parameters are
// validated after percent-decoding exactly as strictly as raw ones
// (idDominio 11 digits, iuv and ids 1–35 letters, digits, '_', '-', '.',
// idRicevuta 1–35 characters without control characters, '%', or empty,
// "." and ".." segments), non-canonical paths ("//", "..", also encoded as
// "%2F%2F", "%2e%2e") are refused rather than redirected, invalid UTF-8
// (overlong forms included) in a path, a query identifier or a body is
// refused, and a v2 receipt whose body names another idDominio or iuv
// than its path is refused, all with 400 before any claim is taken or the
// Receiver is called. Panics in the Receiver, the Deduplicator or a
// verifier are recovered, logged with their stack and answered 500. Error
// answers never echo credentials or the Receiver's errors.
//
// Timeouts belong to the http.Server: set ReadHeaderTimeout and
// ReadTimeout so that a slow client cannot hold connections, and keep the
// Receiver well within GovPay's own timeout (a slow answer is a failure
// for GovPay, which then delivers again).
package notifica
