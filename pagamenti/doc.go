// Package pagamenti is the portal side of GovPay: the Cart of debts a payer
// chooses, starting its payment in every mode GovPay deployments use in 2026,
// the return from the payment pages, and the outcome.
//
// A portal builds a Cart, starts the payment, sends the payer's browser to
// Avvio.Redirect, parses the return with ParseReturn and learns the outcome:
//
//	cfg, err := govpay.NewConfig(host, govpay.WithBasicAuth(user, password))
//	c := pagamenti.New(cfg) // and ricevute.New(cfg), avvisi.New(cfg)…
//	cart := pagamenti.NewCart().
//		AddAvviso("01234567890", "301000000000012345").
//		AddRiferimento("GESTIONALE", "TARI-2026-001")
//	avvio, err := c.Start(ctx, cart, pagamenti.StartOptions{
//		URLRitorno:        "https://portale.comune.it/pagopa/ritorno",
//		IDSessionePortale: attemptID, // new for every attempt
//	})
//	http.Redirect(w, r, avvio.Redirect, http.StatusSeeOther)
//
// # Payment modes
//
// pagoPA retired "Modello 1" (WISP) in March 2026; real deployments are a mix,
// and one Cart feeds all three modes. Avvio.Mode says which one happened:
//
//   - ModeLegacy: GovPay ≤ 3.9 with a V1 station. POST /pagamenti answers 201
//     with a real payment id, a WISP redirect and an idSession. The payer
//     comes back with idPagamento, idSession and esito (OK, ERROR,
//     DIFFERITO); the outcome is Client.Get(avvio.ID) (or Client.Wait).
//   - ModeCheckoutBridge: GovPay 3.9 with a V2 station. The same POST answers
//     201 with id "0" (reported as an empty Avvio.ID) and a pagoPA Checkout
//     redirect, or a bare 302 whose Location is the redirect. The payer
//     comes back with esito (OK, ERROR, CANCEL) only; there is no GovPay
//     payment to read: the outcome is the receipt of each cart item (API
//     Ragioneria v3, package ricevute) or the creditor's notification.
//   - ModeCheckout: the portal posts the cart to pagoPA Checkout itself
//     (NewCheckout, Checkout.Start). Every item must resolve to a notice
//     (numero avviso, creditor, amount); the outcome is as in the bridge.
//
// # Starting a payment
//
// A Cart holds 1 to 5 items: a full pendenza (AddPendenza, which GovPay
// creates as part of the payment), a pendenza already loaded (AddRiferimento,
// by the vertical system's ids), a payment notice (AddAvviso, or AddQRCode
// from the notice's QR code) or a spontaneous payment built by GovPay from a
// form (AddSpontaneo). The Add methods chain and record violations instead of
// failing; Cart.Validate, Client.Start and Checkout.Start report them all,
// with the item's index ("pendenze[2].numeroAvviso"). json.Marshal of a valid
// cart is the "pendenze" part of the request, in API Pagamento v2's wire form
// (marca da bollo voci carry tipoBollo "Imposta di bollo" there, "01" in API
// Pendenze). Cart.Items is a read-only view for code that needs the items.
//
// Client.Start validates the cart and the StartOptions (urlRitorno must be
// an absolute http or https URL; the checkout bridge requires it), sends POST
// /pagamenti once and returns an Avvio. Avvio.Redirect has been checked to be
// an absolute https URL before it is returned; plain http is accepted only
// when the client was built with govpay.WithInsecureRedirect (test
// environments). A refused redirect is a *RedirectError, which still carries
// the Avvio so a created payment can be tracked.
//
// # Returning from the payment
//
// GovPay and pagoPA Checkout append the outcome to urlRitorno. ParseReturn
// reads it: the Esito (EsitoOK, EsitoError, EsitoDifferito, EsitoCancel), and
// in legacy mode IDPagamento and IDSession. It refuses a missing or unknown
// esito, a parameter repeated with different values, values longer than
// MaxReturnValue or with characters identifiers never have; an idSession of
// "0" is treated as absent. The return URL is in the payer's hands: never
// decide that a debt is paid from it.
//
// # Outcome
//
// The esito of the return is a hint; the truth is GovPay's. In legacy mode
// read the payment with Client.Get (or Client.GetByIDSession with the
// return's idSession) and look at Pagamento.Stato: StatoPagamento.Terminal
// tells final states (ESEGUITO, NON_ESEGUITO, ESEGUITO_PARZIALE, ANNULLATO,
// FALLITO) from IN_CORSO. Client.Wait polls with growing pauses until the
// state is final or the context ends. In the checkout modes the receipts are
// the truth. States are open strings: values a later GovPay adds are kept as
// received and are not terminal. Client.Posizione lists the payer's debt
// position (GET /pendenze of API Pagamento).
//
// A Resolver answers the one question a portal asks on return — paid, not
// paid, partly paid, or not known yet — in every mode:
//
//	res := pagamenti.NewResolver(client, ricevute.New(cfg))
//	out, err := res.Resolve(ctx, ret, avvio) // the Avvio the portal stored
//	switch out.State {
//	case pagamenti.OutcomePaid: // show the receipt
//	case pagamenti.OutcomePending: // ask the payer to come back later
//	}
//
// In legacy mode it reads the payment; in the checkout modes it looks up the
// receipt of every cart item with ricevute.Client.Find (API Ragioneria v3), and uses
// the return's esito only to tell "not paid" from "pending" while receipts
// are missing.
//
// # pagoPA Checkout and receipts
//
// NewCheckout builds a client of pagoPA Checkout's EC API from a
// govpay.Config (its HTTP client, retry policy, logger; never its GovPay
// credentials) and CheckoutOptions (base URL, subscription key, version 1
// or 2 when the base URL does not say). Checkout.Start turns the cart into
// paymentNotices (amounts in integer cents), posts it to /carts once, never
// retried, and returns the 302 Location as Avvio.Redirect without following
// it. Items that are not full pendenze need their amount and description:
// CheckoutStartOptions.Completer fills them, and AvvisiCompleter does it from
// GovPay's GET /avvisi. The subscription key travels in the
// Ocp-Apim-Subscription-Key header and never appears in errors or logs.
// Checkout.Prepare returns the exact body without sending it.
//
// Package ricevute reads the receipts from API Ragioneria v3
// (ricevute.New(cfg): Find by IUV or numero avviso, newest first, Get and
// PDF); the Resolver uses it.
//
// # Errors
//
// Invalid input is refused before anything is sent, with a
// *govpay.ValidationError listing every violation (errors.Is(err,
// govpay.ErrInvalid)). GovPay's refusals are *govpay.Error with its FaultBean
// (Categoria, Codice such as PAG_007, Descrizione, Dettaglio) and the
// transaction id; match them with errors.Is and the govpay sentinels
// (govpay.ErrNotFound, govpay.ErrRichiesta, govpay.ErrPagoPA…). A 502
// FaultBeanEsteso on Start (PAA_NODO_INDISPONIBILE…) means GovPay created the
// payment but pagoPA failed: Error.ID and Error.Location name it. Network
// failures are *govpay.NetworkError, undecodable answers *govpay.DecodeError.
// Credentials never appear in errors.
//
// # Retries
//
// Reads (Get, GetByIDSession, List, Posizione) are retried by the client's
// retry policy (govpay.WithRetry). Client.Start is never retried: a payment
// start is not idempotent. When it fails ambiguously (a timeout, a
// connection lost after sending, a 5xx other than the 502 above, an
// unreadable 201) Start looks the payment up with GET
// /pagamenti?idSessionePortale= — this is why StartOptions.IDSessionePortale
// should always be set, new for every attempt — and returns the one payment
// whose idSessionePortale is exactly the one sent as an Avvio with
// Reconciled set. The lookup runs for at most StartOptions.ReconcileTimeout,
// even when the caller's context has ended. When no such payment is found,
// when several are (the id was reused), when the answer lists only other
// sessions' payments, or when no idSessionePortale was given, Start returns
// an *OutcomeUnknownError matching govpay.ErrOutcomeUnknown (its Lookup says
// what was found): do not start the same cart again blindly, the payer could
// pay twice. Only GovPay's legacy start records a payment to find: its
// checkout bridge records none, so there an ambiguous start always gives an
// *OutcomeUnknownError (see its documentation for what to do).
//
// # Pagination
//
// List and Posizione return an iter.Seq2 that fetches pages on demand
// (GovPay's pagina and risultatiPerPagina, items under "risultati"):
//
//	for p, err := range c.List(ctx, pagamenti.ListOptions{IDDebitore: cf}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(p.ID, p.Stato)
//	}
//
// Breaking out of the loop stops the requests. An error is yielded once and
// ends the iteration.
//
// # Concurrency
//
// A Client is immutable and safe for concurrent use by many goroutines;
// create one per base URL and reuse it. A Cart is not safe for concurrent
// use: build it in one goroutine (Start only reads it). Every network method
// takes a context first and keeps it only for the duration of the call.
package pagamenti
