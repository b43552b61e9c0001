// Command govpay is the GovPay SDK at the terminal: it parses the codes
// printed on pagoPA notices, checks fiscal codes, reads and writes pendenze,
// payments and receipts in a GovPay, loads files of pendenze in bulk, and
// serves the SDK's fake GovPay (package govpaytest) as a standalone server,
// like stripe-mock, for front ends written in any language.
//
// Install it with
//
//	go install github.com/govpaygo/govpay/cmd/govpay@latest
//
// # Commands
//
//	govpay avviso parse CODE              numero avviso, QR code or Poste Data Matrix (offline)
//	govpay cf check CODE                  codice fiscale or partita IVA (offline)
//	govpay avviso get IDDOMINIO NUMERO    a notice as GovPay describes it
//	govpay avviso pdf IDDOMINIO NUMERO -o FILE
//	govpay pendenza put IDA2A IDPENDENZA FILE   (FILE: JSON of a pendenza, - for stdin)
//	govpay pendenza get IDA2A IDPENDENZA
//	govpay pendenza list [--dominio …] [--stato …] [--debitore …] [--limit N]
//	govpay pendenza cancel IDA2A IDPENDENZA [--motivo TEXT]
//	govpay pagamento get ID
//	govpay pagamento list [--sessione-portale …] [--debitore …] [--stato …] [--limit N]
//	govpay ricevuta find IDDOMINIO IUV|NUMERO
//	govpay ricevuta pdf IDDOMINIO IUV IDRICEVUTA -o FILE
//	govpay load FILE                      CSV or JSON lines of pendenze
//	govpay fake                           the fake GovPay
//
// Output is a human table with amounts in euro; --json prints the JSON
// GovPay's own schema uses (one object, or one per line for lists).
//
// # Connection
//
// The online commands build one govpay.Config from flags and environment
// variables (a flag wins over its variable):
//
//	--host, GOVPAY_HOST              GovPay's URL ("https://govpay.example.it")
//	--user, GOVPAY_USER              HTTP Basic user (also the default idA2A of load)
//	GOVPAY_PASSWORD, --password-file HTTP Basic password (never a flag value)
//	GOVPAY_API_KEY_ID, GOVPAY_API_KEY  API key authentication
//	GOVPAY_BEARER_TOKEN              OAuth2 bearer token
//	--cert/--key, GOVPAY_CERT/GOVPAY_KEY  client certificate files (PEM)
//	--endpoint API=URL, GOVPAY_ENDPOINT_PENDENZE, GOVPAY_ENDPOINT_PAGAMENTO,
//	GOVPAY_ENDPOINT_RAGIONERIA, GOVPAY_ENDPOINT_BACKOFFICE
//	                                 the base URL of one API, for deployments
//	                                 that differ from GovPay's conventional paths
//
// GovPay serves API Pendenze and API Ragioneria to authenticated callers
// only: without credentials (or an --endpoint for the API) the commands
// that use them stop with exit status 2 before sending anything. API
// Pagamento (avviso get|pdf, pagamento get|list) has a public base URL, so
// those commands are sent without credentials too, and GovPay decides what
// an anonymous caller may read. govpay fake without --user accepts any
// credentials.
//
// Secrets are read from the environment or from files only, and never
// printed: not in errors, not in --json output (a payment's
// credenzialiPagatore is shown as [REDACTED]).
//
// # Exit status
//
// 0 on success; 1 when GovPay refused (the message names GovPay's codice),
// the network failed, or a load left items not loaded; 2 for bad input
// (a wrong argument or flag, an invalid code, a pendenza that fails
// validation): nothing is sent then. cf check exits 1 when the code is not
// valid.
//
// # Bulk load
//
// govpay load FILE reads CSV (a .csv file, or --format csv) or JSON lines
// (one {"idA2A", "idPendenza", "pendenza"} object per line, the pendenza in
// GovPay's wire JSON; idA2A defaults to --ida2a). The CSV has one pendenza
// with one voce per row; lines starting with # are comments and the first
// other line is the header, naming these columns in any order:
//
//	id_pendenza          required: the pendenza's id (1-35 letters, digits, - _)
//	id_dominio           required: the creditor's codice fiscale (11 digits)
//	id_tipo_pendenza     the pendenza type configured in GovPay
//	causale              required: what the debtor reads (at most 140 characters)
//	importo              required: euro with a dot and at most two decimals (105.01)
//	debitore_tipo        F (natural person) or G (legal person)
//	debitore_id          codice fiscale or partita IVA of the debtor
//	debitore_anagrafica  name of the debtor
//	debitore_email       e-mail of the debtor
//	data_scadenza        YYYY-MM-DD
//	anno                 reference year
//	numero_avviso        the notice number, when the creditor assigns it
//	voce                 description of the voce (default: causale)
//	cod_entrata          the entrata configured in GovPay, or
//	iban                 the IBAN the voce is paid to (with codice_contabilita)
//	codice_contabilita   accounting code of an IBAN voce (tipoContabilita ALTRO)
//
// A header with an unknown or missing required column stops the load
// before anything is sent (exit 2). A row whose fields are malformed, or
// whose pendenza fails validation, is refused and reported; the others
// are loaded. The per-item report is JSON lines, one per item, on standard
// output or in --report FILE:
//
//	{"line":3,"idA2A":"A2A","idPendenza":"P1","outcome":"created","numeroAvviso":"301…"}
//	{"line":4,"idA2A":"A2A","idPendenza":"P2","outcome":"refused","field":"importo","error":"…"}
//	{"line":5,"idA2A":"A2A","idPendenza":"P3","outcome":"failed","status":422,"codice":"VER_002","error":"…"}
//
// outcome is created, updated, refused, failed or not-sent (read but not
// sent because the load was interrupted). A progress bar is drawn on
// standard error when it is a terminal, plain progress lines otherwise.
// Ctrl-C stops reading, lets the requests in flight end and writes the
// report. Rerunning the same file is safe: a PUT of a pendenza creates
// or replaces it, so a rerun reports updated instead of created.
//
// # The fake GovPay
//
// govpay fake serves package govpaytest on --addr (default
// 127.0.0.1:8081) until interrupted, and prints the base URLs of API
// Pendenze, API Pagamento, API Ragioneria and pagoPA Checkout. --demo
// seeds it with the demo creditors and pendenze, --seed FILE loads JSON
// lines of pendenze; --user and GOVPAY_PASSWORD require HTTP Basic;
// --mode chooses how POST /pagamenti answers; --fault injects faults;
// --notify URL delivers payment notifications (several --notify: round
// robin). Besides GovPay's APIs it serves a small control API for tests in
// other languages under /_fake/: GET /_fake/counts (requests per
// operation), POST /_fake/reset (forget the counters), and POST
// /_fake/pay?url=PAGE&choice=paga|errore|annulla (settle a payment page as
// if the payer pressed a button; answers the return URL).
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
