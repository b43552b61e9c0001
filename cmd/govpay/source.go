package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strconv"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pendenze"
)

// csvColumns are the columns of a CSV of pendenze (documented in the
// package doc), in a sensible order.
var csvColumns = []string{
	"id_pendenza", "id_dominio", "id_tipo_pendenza", "causale", "importo",
	"debitore_tipo", "debitore_id", "debitore_anagrafica", "debitore_email",
	"data_scadenza", "anno", "numero_avviso", "voce", "cod_entrata", "iban", "codice_contabilita",
}

// csvRequired are the columns a CSV header must have.
var csvRequired = []string{"id_pendenza", "id_dominio", "causale", "importo"}

// reEuro is the form of an amount in the CSV: euro, a dot and at most two
// decimals; no sign, exponent or thousands separator.
var reEuro = regexp.MustCompile(`^[0-9]{1,9}(\.[0-9]{1,2})?$`)

func newCSVReader(r io.Reader) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1 // a short or long row is refused by us, with its line
	cr.ReuseRecord = true
	return cr
}

// csvSource reads pendenze from CSV, one pendenza with one voce per row.
type csvSource struct {
	cr     *csv.Reader
	col    map[string]int
	fields int // in the header
	idA2A  string
	last   int
}

// newCSVSource reads and checks the header: an unknown, repeated or
// missing required column is an error, before anything is sent.
func newCSVSource(r io.Reader, idA2A string) (*csvSource, error) {
	cr := newCSVReader(r)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("no header line")
	}
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range csvColumns {
		known[c] = true
	}
	col := map[string]int{}
	var errs []string
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] {
			errs = append(errs, fmt.Sprintf("unknown column %q", h))
			continue
		}
		if _, dup := col[h]; dup {
			errs = append(errs, fmt.Sprintf("column %q repeated", h))
		}
		col[h] = i
	}
	for _, c := range csvRequired {
		if _, ok := col[c]; !ok {
			errs = append(errs, fmt.Sprintf("column %q missing", c))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("header: %s (known columns: %s)", strings.Join(errs, "; "), strings.Join(csvColumns, ","))
	}
	return &csvSource{cr: cr, col: col, fields: len(header), idA2A: idA2A}, nil
}

func (s *csvSource) line() int { return s.last }

func (s *csvSource) items(refuse func(reportLine)) iter.Seq[pendenze.Item] {
	return func(yield func(pendenze.Item) bool) {
		for {
			rec, err := s.cr.Read()
			if err == io.EOF {
				return
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				refuse(reportLine{Line: pe.StartLine, Outcome: outRefused, Field: "row", Rule: "CSV syntax", Error: "CSV: " + pe.Err.Error()})
				continue
			}
			if err != nil {
				refuse(reportLine{Line: s.last + 1, Outcome: outRefused, Error: err.Error()})
				return
			}
			line, _ := s.cr.FieldPos(0)
			it, field, msg := s.row(rec)
			if field != "" {
				refuse(refusedItem(line, it, field, msg))
				continue
			}
			s.last = line
			if !yield(it) {
				return
			}
		}
	}
}

// refusedItem is the report line of the item at line that the source
// refused: field names what is wrong, msg says why.
func refusedItem(line int, it pendenze.Item, field, msg string) reportLine {
	return reportLine{Line: line, IDA2A: it.IDA2A, IDPendenza: it.IDPendenza, Outcome: outRefused, Field: field, Rule: msg,
		Error: field + ": " + msg}
}

// row builds the item of one record; field names the first column at
// fault, msg says why.
func (s *csvSource) row(rec []string) (it pendenze.Item, field, msg string) {
	if len(rec) != s.fields {
		return it, "row", fmt.Sprintf("has %d fields, the header %d", len(rec), s.fields)
	}
	get := func(c string) string {
		if i, ok := s.col[c]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	it = pendenze.Item{IDA2A: s.idA2A, IDPendenza: get("id_pendenza")}
	p := &it.Pendenza
	p.IDDominio = get("id_dominio")
	p.IDTipoPendenza = get("id_tipo_pendenza")
	p.Causale = get("causale")
	p.NumeroAvviso = get("numero_avviso")
	for _, c := range csvRequired {
		if get(c) == "" {
			return it, c, "required"
		}
	}
	if !reEuro.MatchString(get("importo")) {
		return it, "importo", "must be euro with a dot and at most two decimals (105.01)"
	}
	imp, err := govpay.ParseImporto(get("importo"))
	if err != nil {
		return it, "importo", err.Error()
	}
	p.Importo = imp
	switch t := strings.ToUpper(get("debitore_tipo")); t {
	case "F", "G", "":
		p.SoggettoPagatore.Tipo = govpay.TipoSoggetto(t)
	default:
		return it, "debitore_tipo", "must be F or G"
	}
	p.SoggettoPagatore.Identificativo = strings.ToUpper(get("debitore_id"))
	p.SoggettoPagatore.Anagrafica = get("debitore_anagrafica")
	p.SoggettoPagatore.Email = get("debitore_email")
	if v := get("data_scadenza"); v != "" {
		if p.DataScadenza, err = govpay.ParseDate(v); err != nil {
			return it, "data_scadenza", "must be a date YYYY-MM-DD"
		}
	}
	if v := get("anno"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 || n > 9999 {
			return it, "anno", "must be a year (4 digits)"
		}
		p.AnnoRiferimento = n
	}
	descr := get("voce")
	if descr == "" {
		descr = p.Causale
	}
	switch codEntrata, iban := get("cod_entrata"), get("iban"); {
	case codEntrata != "" && iban != "":
		return it, "cod_entrata", "cod_entrata and iban are both set: choose one"
	case codEntrata != "":
		p.Voci = []pendenze.Voce{pendenze.VoceEntrata("1", p.Importo, descr, pendenze.Entrata{CodEntrata: codEntrata})}
	case iban != "":
		p.Voci = []pendenze.Voce{pendenze.VoceAccredito("1", p.Importo, descr, pendenze.Accredito{IBANAccredito: iban, TipoContabilita: pendenze.ContabilitaAltro, CodiceContabilita: get("codice_contabilita")})}
	default:
		return it, "cod_entrata", "one of cod_entrata and iban is required"
	}
	return it, "", ""
}

// maxJSONLine bounds one line of a JSON-lines file.
const maxJSONLine = 4 << 20

// jsonlSource reads pendenze from JSON lines: {"idA2A", "idPendenza",
// "pendenza"} per line, the pendenza in GovPay's wire JSON.
type jsonlSource struct {
	r     io.Reader
	idA2A string
	last  int
}

func (s *jsonlSource) line() int { return s.last }

// jsonlItem is one line of a JSON-lines file.
type jsonlItem struct {
	IDA2A      string          `json:"idA2A"`
	IDPendenza string          `json:"idPendenza"`
	Pendenza   json.RawMessage `json:"pendenza"`
}

func (s *jsonlSource) items(refuse func(reportLine)) iter.Seq[pendenze.Item] {
	return func(yield func(pendenze.Item) bool) {
		sc := bufio.NewScanner(s.r)
		sc.Buffer(make([]byte, 64<<10), maxJSONLine)
		line := 0
		for sc.Scan() {
			line++
			b := sc.Bytes()
			if len(strings.TrimSpace(string(b))) == 0 {
				continue
			}
			it, field, msg := parseJSONLine(b, s.idA2A)
			if field != "" {
				refuse(refusedItem(line, it, field, msg))
				continue
			}
			s.last = line
			if !yield(it) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			refuse(reportLine{Line: line + 1, Outcome: outRefused, Error: err.Error()})
		}
	}
}

// parseJSONLine reads one item; field names what is wrong.
func parseJSONLine(b []byte, idA2A string) (it pendenze.Item, field, msg string) {
	var j jsonlItem
	if err := json.Unmarshal(b, &j); err != nil {
		return it, "line", "not a JSON object {idA2A, idPendenza, pendenza}: " + err.Error()
	}
	it.IDA2A, it.IDPendenza = j.IDA2A, j.IDPendenza
	if it.IDA2A == "" {
		it.IDA2A = idA2A
	}
	if len(j.Pendenza) == 0 || string(j.Pendenza) == "null" {
		return it, "pendenza", "required"
	}
	if err := json.Unmarshal(j.Pendenza, &it.Pendenza); err != nil {
		var ve *govpay.ValidationError
		if errors.As(err, &ve) && len(ve.Violations) > 0 {
			return it, "pendenza." + ve.Violations[0].Field, ve.Violations[0].Rule
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return it, "pendenza." + te.Field, err.Error()
		}
		return it, "pendenza", err.Error()
	}
	return it, "", ""
}
