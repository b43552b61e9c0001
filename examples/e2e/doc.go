// Package e2e holds the browser end-to-end test of the examples: a headless
// Chromium, driven with chromedp, logs in to the portal example, fills a
// cart with a pendenza of the debt position and a paper notice, pays it on
// the fake GovPay's payment page in every payment mode, checks the outcome
// page and the receipt, and checks that the gestionale example received the
// payment notifications. TestReturnToAnotherReplica runs portal processes
// (the test binary re-executed, see TestMain) behind a load balancer that
// share only the fake GovPay and the store directory: the payer logs in on
// one, fills the cart and starts the payment on a second, which knows the
// session, and comes back, after both were killed, to a third, fresh one,
// which resolves the payment and still knows the session.
//
// The test needs a Chromium binary (Debian: apt-get install chromium). It
// skips when there is none, unless GOVPAY_REQUIRE_CHROMIUM=1, which makes a
// missing browser a failure (CI sets it). GOVPAY_CHROMIUM names the binary
// explicitly. GOVPAY_E2E_SCREENSHOTS=<dir> saves a PNG of every page the
// browser visits in dir.
package e2e
