package ente

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pendenze"
)

// Columns are the CSV columns ParseCSV knows, in the order of the example
// file. Optional columns may be left out of the header.
var Columns = []string{
	"id_pendenza",         // the gestionale's id of the pendenza (required)
	"id_dominio",          // the creditor's codice fiscale, 11 digits (required)
	"id_tipo_pendenza",    // the pendenza type configured in GovPay (required)
	"causale",             // what the debtor reads (required)
	"debitore_tipo",       // F (natural person) or G (legal person) (required)
	"debitore_id",         // codice fiscale or partita IVA of the debtor (required)
	"debitore_anagrafica", // name of the debtor (required)
	"debitore_email",      // optional
	"importo",             // euro, dot and at most two decimals: 105.01 (required)
	"data_scadenza",       // YYYY-MM-DD, optional
	"anno",                // reference year, optional
	"voce",                // description of the single voce (default: causale)
	"cod_entrata",         // the entrata configured in GovPay, or empty when
	"iban",                // the IBAN the voce is paid to (with codice_contabilita)
	"codice_contabilita",  // accounting code of an IBAN voce (tipoContabilita ALTRO)
}

// reEuro is the form of an amount in the CSV: no sign, no exponent, no
// thousands separator.
var reEuro = regexp.MustCompile(`^[0-9]{1,9}(\.[0-9]{1,2})?$`)

var requiredColumns = []string{"id_pendenza", "id_dominio", "id_tipo_pendenza", "causale", "debitore_tipo", "debitore_id",
	"debitore_anagrafica", "importo"}

// ErrCSV is matched by the errors of ParseCSV.
var ErrCSV = errors.New("invalid CSV of pendenze")

// ParseCSV reads the pendenze of a CSV file, all owned by the application
// idA2A. Lines starting with '#' are comments; the first other line is
// the header, naming the columns (see Columns) in any order. Each row is a
// pendenza with one voce of the full amount, paid either to a GovPay
// entrata (cod_entrata) or to an IBAN (iban and codice_contabilita).
//
// ParseCSV checks the format of each field (amounts are exact: more than
// two decimals are refused), not GovPay's rules: pendenze.Client.Load
// validates every item before sending it and reports the invalid ones. All
// format errors are returned together, each naming its line, in an error
// matching ErrCSV.
func ParseCSV(r io.Reader, idA2A string) ([]pendenze.Item, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("%w: no header", ErrCSV)
		}
		return nil, fmt.Errorf("%w: %v", ErrCSV, err)
	}
	col := make(map[string]int, len(header))
	known := make(map[string]bool, len(Columns))
	for _, c := range Columns {
		known[c] = true
	}
	var errs []error
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !known[h] {
			errs = append(errs, fmt.Errorf("header: unknown column %q", h))
			continue
		}
		if _, dup := col[h]; dup {
			errs = append(errs, fmt.Errorf("header: column %q repeated", h))
		}
		col[h] = i
	}
	for _, c := range requiredColumns {
		if _, ok := col[c]; !ok {
			errs = append(errs, fmt.Errorf("header: column %q missing", c))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w: %w", ErrCSV, errors.Join(errs...))
	}

	var items []pendenze.Item
	seen := make(map[string]int)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
			if len(errs) > 50 {
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		get := func(c string) string {
			if i, ok := col[c]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		it, rowErrs := parseRow(get, idA2A)
		if first, dup := seen[it.IDPendenza]; dup && it.IDPendenza != "" {
			rowErrs = append(rowErrs, fmt.Sprintf("id_pendenza %q already on line %d", it.IDPendenza, first))
		}
		if len(rowErrs) > 0 {
			errs = append(errs, fmt.Errorf("line %d: %s", line, strings.Join(rowErrs, "; ")))
			continue
		}
		seen[it.IDPendenza] = line
		items = append(items, it)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w: %w", ErrCSV, errors.Join(errs...))
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%w: no rows", ErrCSV)
	}
	return items, nil
}

// parseRow builds the item of one row and lists the problems of its fields.
func parseRow(get func(string) string, idA2A string) (pendenze.Item, []string) {
	var bad []string
	it := pendenze.Item{IDA2A: idA2A, IDPendenza: get("id_pendenza")}
	p := &it.Pendenza
	p.IDDominio = get("id_dominio")
	p.IDTipoPendenza = get("id_tipo_pendenza")
	p.Causale = get("causale")
	for _, c := range requiredColumns {
		if get(c) == "" {
			bad = append(bad, c+" is empty")
		}
	}
	switch t := strings.ToUpper(get("debitore_tipo")); t {
	case "F", "G":
		p.SoggettoPagatore.Tipo = govpay.TipoSoggetto(t)
	case "":
	default:
		bad = append(bad, fmt.Sprintf("debitore_tipo %q: want F or G", t))
	}
	p.SoggettoPagatore.Identificativo = strings.ToUpper(get("debitore_id"))
	p.SoggettoPagatore.Anagrafica = get("debitore_anagrafica")
	p.SoggettoPagatore.Email = get("debitore_email")
	if s := get("importo"); s != "" {
		if !reEuro.MatchString(s) {
			bad = append(bad, fmt.Sprintf("importo %q: want euro with a dot and at most two decimals (105.01)", s))
		} else if imp, err := govpay.ParseImporto(s); err != nil {
			bad = append(bad, fmt.Sprintf("importo %q: %v", s, err))
		} else {
			p.Importo = imp
		}
	}
	if s := get("data_scadenza"); s != "" {
		d, err := govpay.ParseDate(s)
		if err != nil {
			bad = append(bad, fmt.Sprintf("data_scadenza %q: %v", s, err))
		}
		p.DataScadenza = d
	}
	if s := get("anno"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1900 || n > 9999 {
			bad = append(bad, fmt.Sprintf("anno %q: want a year", s))
		}
		p.AnnoRiferimento = n
	}
	descr := get("voce")
	if descr == "" {
		descr = p.Causale
	}
	codEntrata, iban := get("cod_entrata"), get("iban")
	switch {
	case codEntrata != "" && iban != "":
		bad = append(bad, "cod_entrata and iban are both set: choose one")
	case codEntrata != "":
		p.Voci = []pendenze.Voce{pendenze.VoceEntrata("1", p.Importo, descr, pendenze.Entrata{CodEntrata: codEntrata})}
	case iban != "":
		p.Voci = []pendenze.Voce{pendenze.VoceAccredito("1", p.Importo, descr, pendenze.Accredito{IBANAccredito: iban, TipoContabilita: pendenze.ContabilitaAltro, CodiceContabilita: get("codice_contabilita")})}
	default:
		bad = append(bad, "one of cod_entrata and iban is required")
	}
	return it, bad
}
