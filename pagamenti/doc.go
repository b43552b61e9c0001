// Package pagamenti is the portal side of GovPay: the Cart of debts to pay,
// API Pagamento v2 (starting a payment, reading its outcome), the return
// from the payment pages, pagoPA Checkout and receipts.
package pagamenti
