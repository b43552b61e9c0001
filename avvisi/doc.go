// Package avvisi reads and writes the references printed on a pagoPA
// payment notice (avviso di pagamento) and looks notices up in GovPay.
//
// # Numero avviso
//
// [NumeroAvviso] is the 18-digit notice number (codice avviso). [ParseNumeroAvviso]
// checks its length, aux digit and check digits (a pagoPA rule: GovPay itself
// does not check them, and some of its documentation examples are wrong).
// [NumeroAvviso.IUV] gives the IUV it carries, [NewNumeroAvviso3] builds a
// valid aux-3 number for creditors that assign their own IUVs.
//
// # Codice fiscale and partita IVA
//
// [CheckCodiceFiscale] and [CheckPartitaIVA] verify the check characters of
// Italian tax codes, for the strict validation modes of the other packages.
package avvisi
