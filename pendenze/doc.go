// Package pendenze is the client of GovPay's API Pendenze v2, with which
// vertical systems (gestionali: fines, school canteens, waste tax…) load
// debts (pendenze) into GovPay's archive, read, list, cancel and reactivate
// them, fetch their receipts, and load them in bulk.
//
//	cfg, err := govpay.NewConfig("https://govpay.example.it", govpay.WithBasicAuth("gestionale", password))
//	...
//	c := pendenze.New(cfg) // …/govpay/backend/api/pendenze/rs/basic/v2
//	car, err := c.Put(ctx, "GESTIONALE", "TARI-2026-42", pendenze.Pendenza{
//		IDTipoPendenza:   "TARI",
//		IDDominio:        "01234567890",
//		Causale:          "TARI 2026",
//		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I"},
//		Importo:          govpay.Euro(120),
//		Voci:             []pendenze.Voce{pendenze.VoceEntrata("1", govpay.Euro(120), "TARI 2026", pendenze.Entrata{CodEntrata: "TARI"})},
//	})
//	fmt.Println(car.Created, car.NumeroAvviso.Formatted())
//
// # The model
//
// [Pendenza] is what a vertical system loads: json.Marshal of a Pendenza is
// exactly the body of PUT /pendenze/{idA2A}/{idPendenza}, and json.Unmarshal
// of such a body (a fixture, an export) fills it, so pendenze can be kept as
// JSON. Amounts are [govpay.Importo] (exact cents), dates [govpay.Date].
// The ids idA2A and idPendenza are not part of it: they travel in the path.
//
// Each [Voce] is of exactly one kind, held in Voce.Kind: [Accredito] (paid to
// an IBAN), [Entrata] (paid to an entrata configured in GovPay, by
// codEntrata) or [Bollo] (a marca da bollo telematica). The kinds cannot be
// mixed: the interface is sealed, and the JSON encoding writes only the
// kind's own fields. [VoceAccredito], [VoceEntrata] and [VoceBollo] build the
// common cases.
//
// What GovPay answers has its own types: [Caricata] (the result of a Put),
// [Dettaglio] (Get), [Sintesi] (List), [RPP] (payment attempts, with the
// opaque RPT and RT JSON).
//
// # Receipts
//
// The receipt model is in package ricevute: ricevute.Ricevuta is a pagoPA
// receipt as GovPay describes it (the same schema in API Ente v2 and API
// Ragioneria v3), ricevute.ParseRT and ricevute.ParseRPT read the fields
// common to every shape of the rt and rpt GovPay converts to JSON (those of
// an [RPP] included), and ricevute.Client reads receipts from API
// Ragioneria v3. The creditor ([Testata].Dominio), its office and the kind
// of a marca da bollo ([Bollo].TipoBollo) are the types of that package
// too, since the receipts use the same schemas. [Client.GetRT] fetches the
// receipt of a payment attempt in JSON, XML or PDF.
//
// # Validation
//
// Every call validates its input before anything is sent: an invalid
// pendenza never reaches GovPay, and one GovPay 3.9.1 accepts is never
// refused. [Pendenza.Validate] mirrors the server's rules for PUT /pendenze
// (id patterns, idDominio of 11 digits, 1–5 voci with unique ids and one
// kind each, importo equal to the sum of the voci to the cent, amounts more
// than 0 and up to 999,999,999.99, accounting quotas summing to their voce,
// IBAN format, codice contabilita, the optional payer's fields, lengths
// counted in UTF-16 units as Java does, metadata, documento, numeroAvviso
// with valid check digits, texts in valid UTF-8) and returns a
// *govpay.ValidationError listing every violation with its field path as in
// the JSON ("voci[2].importo", "soggettoPagatore.email"). CONFORMANCE.md
// lists every rule with its source in GovPay.
//
// [Pendenza.ValidateStrict] (or the Put option [WithStrictValidation], or
// LoadOptions.Strict) adds checks GovPay does not make: the check digit of
// every idDominio, the mod-97 checksum of every IBAN, the check character
// of the payer's codice fiscale or partita IVA, no control characters, a
// causale that is not blank, a documento with exactly one of rata and
// soglia. They are opt-in
// because GovPay's demo domain 01234567890 and demo IBANs fail them, and
// real payers include "ANONIMO" and foreign identifiers (the default mode
// accepts both; strict mode keeps accepting ANONIMO).
//
// # Errors
//
// Failures are typed, for errors.As and errors.Is:
//   - *govpay.ValidationError (matches govpay.ErrInvalid): invalid input,
//     nothing was sent;
//   - *govpay.Error: GovPay answered with an error, carrying its FaultBean
//     (Categoria, Codice, Descrizione, Dettaglio) and IDTransazione. Typical
//     ones: 422 VER_002 (importo is not the sum of the voci, GovPay's rules
//     changed), 400 SINTASSI (malformed body), 403 (the application may not
//     load this tipo pendenza or dominio; matches govpay.ErrForbidden),
//     404 (govpay.ErrNotFound), and 500 OPERAZIONE for a PATCH GovPay
//     cannot apply (govpay.ErrOperazione);
//   - *govpay.NetworkError: the request could not be exchanged; it wraps the
//     context's error when the context ended;
//   - *govpay.DecodeError: the answer could not be read.
//
// Credentials never appear in errors.
//
// # Pagination
//
// [Client.List] and [Client.ListRPP] return an iter.Seq2 that walks
// GovPay's pages (query pagina) lazily: a page is fetched only when the
// previous one has been consumed, and breaking out of the loop fetches
// nothing more. Memory is bounded by one page (up to 200 results,
// ListOptions.RisultatiPerPagina). ListOptions.SenzaConteggio asks GovPay
// not to count the results (metadatiPaginazione=false), which is much
// cheaper on large archives. An error is yielded once and ends the
// iteration.
//
// # Bulk loading
//
// [Client.Load] puts a sequence of [Item] into GovPay with bounded
// concurrency over one client's connections. Items are pulled from the
// iter.Seq only as fast as they are sent, each is validated before sending,
// and each gets a [Result] (created, updated, invalid, failed, not sent)
// delivered to LoadOptions.OnResult; the [LoadReport] keeps only counters
// and the first LoadOptions.MaxFailures failures. Memory therefore does not
// depend on the number of items: a generator reading a CSV file or a
// database cursor loads hundreds of thousands of pendenze in constant
// space. LoadOptions.OnProgress reports done, total (when known) and rate.
//
// When the context ends, Load stops reading, lets the requests in flight
// finish or fail, reports the items read but not sent, and returns the
// report with the context's error: LoadReport.Read says from which position
// on the items were never read. Put is an upsert keyed by the caller's ids,
// so loading the failed and unsent items again is safe.
//
// # Concurrency
//
// A [Client] is immutable and safe for concurrent use; create one per
// GovPay and share it. Every method takes a context.Context first and
// stores it nowhere. Put, Get and the lists are retried per the client's
// govpay.RetryPolicy after connection errors, 429, 502, 503 and 504 (Put
// is an upsert, so repeating it is safe); Patch, Cancel and Reactivate are
// never retried. The default HTTP transport keeps 64 idle connections per
// host, enough for LoadOptions.Concurrency up to 64; with a custom
// http.Client (govpay.WithHTTPClient) raise MaxIdleConnsPerHost to the
// concurrency used.
package pendenze
