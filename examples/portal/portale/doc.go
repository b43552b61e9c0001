// Package portale is the payment portal of the example command portal
// (github.com/govpaygo/govpay/examples/portal): a small web application,
// built with net/http and html/template only, that shows how a citizen's
// portal uses the SDK from login to receipt.
//
// # What it does
//
//   - Login by codice fiscale (a demo: no password; the codice fiscale is
//     checked with avvisi.CheckCodiceFiscale, a partita IVA with
//     avvisi.CheckPartitaIVA).
//   - The citizen's debt position: pagamenti.Client.Posizione
//     (GET /pendenze?idDebitore= on API Pagamento v2).
//   - A cart kept in a server-side session (Config.Sessions; a cookie holds
//     only a random id): debts of the position, paper notices typed as creditor +
//     numero avviso, or pasted as the text of their QR code
//     (avvisi.ParseQRCode). Every notice is looked up in GovPay
//     (avvisi.Client.Get) before it enters the cart.
//   - Payment in one of three modes (Mode): GovPay's legacy WISP flow and
//     GovPay's checkout bridge (pagamenti.Client.Start), or pagoPA Checkout
//     directly (pagamenti.Checkout.Start). The browser is redirected to the
//     payment page.
//   - The outcome page: the return is parsed with pagamenti.ParseReturn and
//     the outcome decided by pagamenti.Resolver (GovPay's payment in legacy
//     mode, the receipts otherwise): paid, partly paid, not paid, or not
//     known yet (the page then refreshes itself).
//   - The receipt of every paid debt as a PDF (ricevute.Client.PDF).
//
// # Use
//
// NewApp builds the http.Handler from a Config. FakeConfig fills a Config
// for the in-memory GovPay of package govpaytest, which is what the command
// does when it is run without flags.
//
// # Security notes
//
// Session cookies are HttpOnly and SameSite=Lax (the payer comes back from
// the payment pages with a top-level GET, which Lax allows); every form
// that changes state carries a per-session token; the portal only ever
// redirects the browser to the URL GovPay or pagoPA returned, after the SDK
// checked it.
//
// # Several replicas
//
// Nothing about a browser or a payment stays in one process's memory, so
// any replica behind a load balancer serves any request, and a restart
// loses nothing:
//
//   - The login session (the codice fiscale, the token of the forms, the
//     cart being filled, the one-time messages, the expiry) is JSON in
//     Config.Sessions (a SessionStore; DirSessionStore keeps one file per
//     session in a directory the replicas share). Every request that uses
//     it loads it, works on it and saves it back, when it changed, before
//     the response leaves. Requests of one browser on one replica take
//     turns; two requests of one browser on two replicas at the same moment
//     do not, and the last to save wins (a browser sends one form at a
//     time: the example accepts this). A logout deletes the session for
//     every replica; an expired one is refused by every replica and deleted
//     when met, and every login prunes the expired ones and enforces
//     Config.MaxSessions on the sessions of all replicas.
//   - A started payment: the pagamenti.Avvio and what the outcome page
//     shows are saved in Config.Avvii (an AvvioStore; DirStore keeps one
//     JSON file per payment) before the browser leaves. The return URL
//     names the payment by a random 128-bit id; the outcome and receipts of
//     that id are shown to whoever holds it, unless the browser is logged
//     in as another payer (then they are refused).
//
// What a replica keeps in memory is only a cache or a lock: the names of
// the creditors learnt from debt positions, and the locks of the sessions
// whose requests are in progress. An esito the SDK does not know shows "we
// are checking your payment" with a refresh, never an error.
//
// It is still a demo: the login has no password.
package portale
