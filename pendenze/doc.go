// Package pendenze is the client of GovPay's API Pendenze v2, with which
// vertical systems (gestionali) load debts (pendenze) into GovPay, read,
// list, cancel and reactivate them, and load them in bulk.
package pendenze
