// Package avvisi reads and writes the references printed on a pagoPA
// payment notice (avviso di pagamento) and looks notices up in GovPay.
//
// A citizen arrives at a portal with a paper notice: they scan its QR code or
// its Poste Data Matrix, or type the 18-digit notice number and the
// creditor's codice fiscale. This package turns that into a validated
// [Riferimento] and asks GovPay about it with a [Client].
//
// # Numero avviso
//
// [NumeroAvviso] is the 18-digit notice number (codice avviso). Its first
// digit, the aux digit, tells the layout:
//
//	0  application code (2) + base (13) + check digits (2)   IUV: last 15 digits
//	1  IUV (17), no check digits                             IUV: last 17 digits
//	2  base (15) + check digits (2)                          IUV: last 17 digits
//	3  segregation code (2) + base (13) + check digits (2)   IUV: last 17 digits
//
// The check digits are the first 16 digits, as a number, mod 93.
// [ParseNumeroAvviso] checks length, aux digit and check digits, and says
// exactly what is wrong ("check digits are 45, expected 73"). GovPay does not
// check them, and some numbers in its documentation (301000000000012345) are
// wrong; pagoPA does check them, so this package always does. Numbers may be
// written with spaces, as printed ([NumeroAvviso.Formatted]).
// [NewNumeroAvviso3] builds a valid aux-3 number for creditors that assign
// their own IUVs.
//
// # Codes on the notice
//
// [ParseQRCode] and [FormatQRCode] read and write the pagoPA QR code
// (PAGOPA|002|numero avviso|creditor|cents). [ParseDataMatrix] and
// [FormatDataMatrix] read and write the 256-character Data Matrix of the
// Poste slip, whose extra fields (postal account, debtor, causale) are in
// [DataMatrix]. [ParseCodice] reads either. Amounts are [govpay.Importo]
// (integer cents) throughout: 19.99 € is 1999 cents, never 1998.
//
// # Looking a notice up
//
// [Client.Get] returns the [Avviso] GovPay knows for a creditor and a notice
// number (GET /avvisi/{idDominio}/{numeroAvviso}), with its state
// ([StatoAvviso]), the amount due and the dates. An unknown notice is not an
// error: its state is [StatoSconosciuta]. [Client.PDF] returns the printable
// notice. The client works with the base URL of API Pagamento v2 (portals,
// including the public and SPID variants: see [WithIDDebitore] and
// [WithUUID]) or of API Pendenze v2 (vertical systems).
//
// Arguments are validated before anything is sent: a wrong idDominio or
// numero avviso is a *[govpay.ValidationError]. GovPay's refusals are a
// *[govpay.Error], network failures a *[govpay.NetworkError], an unreadable
// answer a *[govpay.DecodeError]. Get and PDF are safe to repeat and are
// retried per the client's [govpay.RetryPolicy].
//
// # Codice fiscale and partita IVA
//
// [CheckCodiceFiscale] (16 characters, omocodia, check character) and
// [CheckPartitaIVA] (11 digits, check digit) verify Italian tax codes, for
// the strict validation modes of the other packages. GovPay itself does not
// check them, and its demo creditor 01234567890 fails [CheckPartitaIVA].
package avvisi
