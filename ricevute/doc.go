// Package ricevute is the pagoPA payment receipt as GovPay describes it, and
// the client of GovPay's API Ragioneria v3 that reads receipts.
//
// # The receipt
//
// [Ricevuta] is one type for the receipt of both APIs that carry it:
// GovPay's schema Ricevuta is the same in API Ente v2 (the receipt GovPay
// PUTs to the creditor, received by package notifica: Receiver.Ricevuta
// takes a *Ricevuta) and in API Ragioneria v3 (GET /ricevute, read by
// [Client]). It holds the outcome ([Esito]) and amount, the PSP that issued
// it, the pendenza paid ([PendenzaPagata]) with what was collected for each
// voce ([VocePagata], [RiscossioneVoce]) and the original pagoPA messages
// ([Messaggio]: the request RPT and the receipt RT, as XML and as GovPay's
// JSON). [Ricevuta.Paid] tells whether it proves a full payment and
// [Ricevuta.Key] is its idempotency key.
//
// The schemas a receipt shares with API Pendenze v2 are defined here too and
// used by package pendenze: the creditor ([Dominio]), its office
// ([UnitaOperativa]), an attachment of a pendenza ([AllegatoPendenza]) and
// the kind of a marca da bollo ([TipoBollo]).
//
// The two APIs write the timestamps data and dataPagamento differently:
// API Ente v2 in UTC without an offset, API Ragioneria v3 in Europe/Rome.
// json.Unmarshal reads the latter; [Ricevuta.UnmarshalEnteV2] reads a
// notification body (package notifica uses it).
//
// # Reading the pagoPA messages
//
// The rpt and rt GovPay forwards come in two shapes: those of the old
// pagoPA model (RPT/RT) and those of the current one (paymentPA/receipt).
// [ParseRT] and [ParseRPT] read the fields every shape has ([DatiRT]:
// outcome, exact amount paid and fees, payment date, PSP, single payments;
// [DatiRPT]) from either: the rt and rpt of a Ricevuta ([Ricevuta.DatiRT],
// [Ricevuta.DatiRPT]), of an API Pendenze v2 rpp and of an API Ente v1
// notification alike. Amounts are exact (govpay.Importo): an amount with
// more than two decimals is an error.
//
// # Reading receipts from API Ragioneria v3
//
// Build a [Client] from the one govpay.Config of the application:
//
//	cfg, err := govpay.NewConfig("https://govpay.comune.example.it", govpay.WithBasicAuth("portale", pw))
//	c := ricevute.New(cfg)
//	found, err := c.Find(ctx, idDominio, numeroAvviso) // newest first, summary fields
//	r, err := c.Get(ctx, idDominio, found[0].IUV, found[0].IDRicevuta)
//	pdf, err := c.PDF(ctx, idDominio, found[0].IUV, found[0].IDRicevuta)
//
// In the checkout modes of a payment (the GovPay checkout bridge and the
// direct pagoPA Checkout) a receipt is the only proof that a notice was
// paid: pagamenti.NewResolver takes a *Client to decide the outcome.
//
// # Trust
//
// No answer is trusted to be what was asked. [Client.Find] reads at most 20
// pages of 100 receipts, refuses a page with more receipts than asked and a
// receipt of another creditor or of an IUV that does not contain the one
// asked (a *govpay.DecodeError), and leaves out the receipts of longer IUVs
// that GovPay's substring match returns. [Client.Get] refuses a receipt of
// another creditor, IUV or idRicevuta, and [Client.PDF] a body that is not
// a PDF document.
//
// # Errors
//
// Invalid arguments are refused before anything is sent, with a
// *govpay.ValidationError naming the argument and the rule. GovPay's errors
// are *govpay.Error (errors.Is with govpay.ErrNotFound…), transport failures
// *govpay.NetworkError, answers that cannot be read *govpay.DecodeError.
// Reads are retried according to the configuration's retry policy; the
// credentials never appear in errors or logs.
package ricevute
