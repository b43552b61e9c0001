// Package govpay is the shared vocabulary of the GovPay SDK: exact amounts,
// GovPay's dates and timestamps, payers, errors and the options every API
// client accepts.
//
// GovPay is the open-source pagoPA gateway used by Italian public
// administrations. The SDK talks to it through one package per API:
// pendenze (API Pendenze v2, for vertical systems that load debts),
// pagamenti (API Pagamento v2 and pagoPA Checkout, for payment portals),
// ricevute (the receipt, and API Ragioneria v3 that reads it), avvisi
// (payment notices) and notifica (the API Ente GovPay calls back).
// Every client is built from one [Config]: [NewConfig] validates GovPay's
// host and the options once, and avvisi.New(cfg), pendenze.New(cfg),
// pagamenti.New(cfg), ricevute.New(cfg) and
// pagamenti.NewCheckout(cfg, …) share its credentials, retry policy,
// logger and one *http.Client (one connection pool). This package holds
// what they share.
//
//	cfg, err := govpay.NewConfig("https://govpay.comune.example.it",
//		govpay.WithBasicAuth("portale", password))
//	if err != nil { … }
//	debts := pendenze.New(cfg)
//	payments := pagamenti.New(cfg)
//
// # Amounts
//
// Money is an [Importo]: an integer number of euro cents, never a float64.
// [Centesimi] and [Euro] build one, [ParseImporto] reads "105.01", and
// String writes it back with two decimals. In JSON an Importo is a decimal
// number (105.01) written exactly; decoding accepts a JSON number or a
// quoted decimal ("10.50"), any exponent that keeps the value exact
// (1.0501E2), and refuses more than two significant decimals (10.001),
// negative values, NaN, infinities and values above [MaxImporto]
// (999,999,999.99). The JSON number grammar applies, so ".5" and "1." are
// refused too. A JSON null leaves the amount unchanged.
//
// # Dates
//
// [Date] is a calendar day and [DateTime] an instant. GovPay writes
// timestamps in several forms (with or without milliseconds, with or
// without an offset, "T" or a space, sometimes a plain date) and reads
// Europe/Rome local time: both types decode every such form and encode the
// one GovPay accepts, "2006-01-02" and "2006-01-02T15:04:05" in
// Europe/Rome ([Rome]). Their zero value is "unset": it encodes as JSON
// null, and the `omitzero` tag option omits it. Both implement
// encoding.TextMarshaler, so they work as query parameters too. Because
// GovPay's format carries no offset, the hour repeated when daylight saving
// time ends is ambiguous; see [DateTime].
//
// # Errors
//
// Every failure is typed, and nothing panics:
//
//   - [*ValidationError]: the input breaks a rule and nothing was sent. It
//     lists every violation with the field path of GovPay's JSON
//     ("voci[2].importo") and matches [ErrInvalid]. The arguments of a
//     constructor are named in one stable form instead (see [Option]):
//     What is "options" (for notifica.NewHandler, "notifica options"), and
//     each Field is the option, a dot and its parameter
//     ("WithBasicAuth.user"), or the field of its struct argument
//     ("WithRetry.MaxAttempts"); the option alone when it conflicts with
//     another ("WithBearerToken"); "baseURL" and "opts[i]" for New's own
//     arguments. No violation ever shows the value given.
//   - [*Error]: GovPay (or pagoPA Checkout) answered with an error status.
//     It carries GovPay's FaultBean (Categoria, Codice, Descrizione,
//     Dettaglio), the HTTP status and GovPay's transaction id. Match its kind
//     with errors.Is and the sentinels: [ErrNotFound], [ErrUnauthorized],
//     [ErrForbidden], [ErrTooManyRequests], [ErrServer], one per categoria
//     ([ErrRichiesta], [ErrOperazione], [ErrPagoPA], …).
//   - [*NetworkError]: the request could not be exchanged. When the
//     context ended it wraps ctx.Err(), so errors.Is(err,
//     context.DeadlineExceeded) works. When a POST or PATCH may have
//     reached the server it matches [ErrOutcomeUnknown]: look the result up
//     before trying again.
//   - [*DecodeError]: the answer had the expected status but its body could
//     not be decoded.
//
// Decoding JSON that the SDK's types refuse as a matter of rules, not of
// syntax, gives a [*ValidationError] too: a pendenze.Voce whose fields are
// of no kind or of several kinds is refused with What "voce" and the field
// "kind", and in a pendenze.Pendenza with What "pendenza" and the voce's
// position ("voci[2].kind").
//
// For example:
//
//	var gerr *govpay.Error
//	switch {
//	case errors.Is(err, govpay.ErrNotFound):
//		// no such pendenza
//	case errors.As(err, &gerr):
//		log.Printf("GovPay refused (%s %s), idTransazione %s", gerr.Categoria, gerr.Codice, gerr.IDTransazione)
//	}
//
// # Authentication
//
// GovPay exposes each API under several authentication segments of its base
// URL ([BaseURL] builds the conventional one). Give the matching option:
// [WithBasicAuth] ("basic"), [WithClientCertificate] or [WithSSLHeader]
// ("ssl"), [WithAPIKey] or [WithPrincipalHeader] ("header"), [WithSPID]
// ("spid"), [WithBearerToken] ("oauth2"), or none ("public"). The
// header-based modes exclude each other; a client certificate combines with
// any of them. Options check their arguments, and New fails before any
// request is made when one is wrong.
//
// Credentials (passwords, API keys, tokens, certificates) never appear in
// errors, logs or fmt output: they are removed from every message, even
// when a server or proxy echoes them back. A value shorter than four bytes
// cannot be told from ordinary text inside a word, so it is removed where
// it stands as a token of its own (not next to a letter or a digit):
// "abc" goes from "abc è un valore" and "password=abc", not from "abcdef".
//
// # Retries
//
// Only operations that are safe to repeat are retried: GET, and the PUT of
// a pendenza (an upsert keyed by the caller's ids). A payment start
// (POST /pagamenti, POST /carts) and a PATCH are sent exactly once,
// whatever happens. Connection failures and the answers 429, 502, 503 and
// 504 are retried with a capped exponential backoff with jitter; a
// Retry-After header (seconds or HTTP date) is honoured up to
// RetryPolicy.MaxRetryAfter and ends the retries when it asks for more.
// Every wait ends as soon as the context is done. Request bodies are sent
// again in full on every attempt. [WithRetry] sets the policy, [NoRetry]
// disables retries; the default is [DefaultRetryPolicy].
//
// Redirects are never followed: a 302 from GovPay is a result (the payment
// page to send the user to), so clients return it instead of fetching it.
// This holds also for an *http.Client given with [WithHTTPClient], which
// is copied and never modified.
//
// # Logging
//
// Logging is off by default. [WithLogger] logs every request at Debug
// level (method, URL, status, duration, GovPay's transaction id) and every
// retry at Info level, through the given *slog.Logger. Credentials and
// request bodies are never logged.
//
// # Concurrency
//
// A [Config] and the clients built from it are immutable and safe for
// concurrent use by many goroutines; build one Config and reuse it and its
// clients: every client of a Config shares its connection pool. No method stores the context it is given. Values of this package
// (Importo, Date, DateTime, Soggetto) are plain values, safe to copy. Errors
// are returned fresh by each call and may be inspected freely.
package govpay
