// Package faultcampaign is a test-only package: it drives every network
// operation of the SDK's clients through injected faults and checks the
// outcome of each against one table.
//
// # What is tested
//
// Every operation (avvisi.Client, pendenze.Client, pagamenti.Client,
// pagamenti.Checkout, pagamenti.Ricevute, pagamenti.Resolver) runs against a
// fresh in-memory GovPay (govpaytest) for every fault: connections dropped
// before or after the request is read or served, 429 with Retry-After in
// seconds and as an HTTP date (honoured, and refused when too long),
// 502/503/504 once and for good, pagoPA's 502 FaultBeanEsteso, an answer
// slower than the client timeout (not served, or served and answered late),
// a context deadline, a body that stalls after the headers, a truncated
// body, a proxy's HTML error page, a wrong content type, a 10 MB body and a
// context cancelled while the client waits to retry.
//
// The expected outcome of every operation under every fault is written in
// one table (the campaign variable in campaign_test.go): retried and
// succeeded, or the typed error it must give (*govpay.Error with its status,
// *govpay.NetworkError, *govpay.DecodeError, a context error,
// govpay.ErrOutcomeUnknown, a reconciled payment start), with the number of
// requests the server saw. Besides the table, every run checks that no
// failure is an untyped error, and the campaign checks that no payment start
// (POST /pagamenti, POST /carts) reached the server more than once.
//
// # Running
//
//	go test -race ./internal/faultcampaign/
//
// The cases wait on timers (Retry-After, timeouts) much more than they use
// the CPU, so TestMain raises the default -test.parallel to 16 unless the
// flag is given. FAULTCAMPAIGN_PRINT=1 prints the observed table, in the
// table's own format, to compare with the expected one.
//
// # Faults not provided by govpaytest
//
// Two faults are produced by a middleware in front of the fake: a body that
// stalls after the headers (govpaytest's Latency delays the whole answer),
// and an answer held back until the client has given up although the
// request was served (govpaytest's Latency ends, without serving the
// request, when the client goes away).
package faultcampaign
