// Package ente is the vertical system ("gestionale") of the example command
// gestionale (github.com/govpaygo/govpay/examples/gestionale): what a
// creditor's back office does with the GovPay SDK.
//
// # Loading pendenze
//
// ParseCSV reads pendenze from a CSV file (one pendenza with one voce per
// row; the columns are documented on ParseCSV and in
// testdata/pendenze.csv) and Carica puts them into GovPay with the bulk
// loader pendenze.Client.Load, drawing a progress bar on a terminal.
//
// # Receiving notifications
//
// Registro is a notifica.Receiver that prints every notification GovPay
// sends (API Ente v1 activations and outcomes, v2 receipts) and keeps them
// for inspection; NewHandler serves it with notifica.NewHandler behind HTTP
// Basic authentication, with in-memory deduplication of redeliveries.
package ente
