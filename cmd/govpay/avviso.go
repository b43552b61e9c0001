package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
)

// parsedCode is what avviso parse shows of a code.
type parsedCode struct {
	Kind             string          `json:"kind"` // numero avviso, qrcode, datamatrix
	NumeroAvviso     string          `json:"numeroAvviso"`
	Formatted        string          `json:"formatted"`
	AuxDigit         int             `json:"auxDigit"`
	CodiceSegregaz   *int            `json:"codiceSegregazione,omitempty"`
	CodiceApplicaz   *int            `json:"codiceApplicazione,omitempty"`
	IUV              string          `json:"iuv"`
	CheckDigits      string          `json:"checkDigits,omitempty"`
	IDDominio        string          `json:"idDominio,omitempty"`
	Importo          *govpay.Importo `json:"importo,omitempty"`
	ContoCorrente    string          `json:"contoCorrente,omitempty"`
	CodiceFiscaleDeb string          `json:"codiceFiscaleDebitore,omitempty"`
	Anagrafica       string          `json:"anagrafica,omitempty"`
	Causale          string          `json:"causale,omitempty"`
}

// parseCode reads a numero avviso, a pagoPA QR code or a Poste Data Matrix.
func parseCode(s string) (parsedCode, error) {
	s = strings.TrimSpace(s)
	var (
		pc  parsedCode
		ref avvisi.Riferimento
	)
	switch {
	case strings.HasPrefix(strings.ToUpper(s), "PAGOPA|"):
		r, err := avvisi.ParseQRCode(s)
		if err != nil {
			return pc, err
		}
		pc.Kind, ref = "qrcode", r
	case strings.HasPrefix(s, "codfase="):
		dm, err := avvisi.ParseDataMatrix(s)
		if err != nil {
			return pc, err
		}
		pc.Kind, ref = "datamatrix", dm.Riferimento
		pc.ContoCorrente, pc.CodiceFiscaleDeb, pc.Anagrafica, pc.Causale = dm.ContoCorrente, dm.CodiceFiscaleDebitore, dm.Anagrafica, dm.Causale
	default:
		n, err := avvisi.ParseNumeroAvviso(s)
		if err != nil {
			return pc, err
		}
		pc.Kind, ref.NumeroAvviso = "numero avviso", n
	}
	n := ref.NumeroAvviso
	pc.NumeroAvviso, pc.Formatted, pc.AuxDigit, pc.IUV = n.String(), n.Formatted(), n.AuxDigit(), n.IUV()
	if c, ok := n.SegregationCode(); ok {
		pc.CodiceSegregaz = &c
	}
	if c, ok := n.ApplicationCode(); ok {
		pc.CodiceApplicaz = &c
	}
	if pc.AuxDigit != 1 {
		pc.CheckDigits = pc.NumeroAvviso[16:]
	}
	if pc.Kind != "numero avviso" {
		imp := ref.Importo
		pc.IDDominio, pc.Importo = ref.IDDominio, &imp
	}
	return pc, nil
}

func (a *app) avvisoCommand() *cobra.Command {
	c := &cobra.Command{Use: "avviso", Short: "Payment notices: parse their codes, read them from GovPay"}
	parse := &cobra.Command{
		Use:   "parse CODE",
		Short: "Show the IUV, aux digit, check digits and amount of a numero avviso, QR code or Poste Data Matrix (offline)",
		Args:  args(cobra.MinimumNArgs(1)),
		RunE: func(_ *cobra.Command, argv []string) error {
			// A numero avviso typed as printed, in groups, arrives as
			// several arguments.
			pc, err := parseCode(strings.Join(argv, " "))
			if err != nil {
				return &usageError{err: err}
			}
			if a.jsonOut {
				return writeJSON(a.stdout, pc)
			}
			var seg, app, imp string
			if pc.CodiceSegregaz != nil {
				seg = fmt.Sprintf("%02d", *pc.CodiceSegregaz)
			}
			if pc.CodiceApplicaz != nil {
				app = fmt.Sprintf("%02d", *pc.CodiceApplicaz)
			}
			if pc.Importo != nil {
				imp = euro(*pc.Importo)
			}
			check := pc.CheckDigits
			if check != "" {
				check += " (valid)"
			} else {
				check = "none (aux digit 1)"
			}
			kv(a.stdout,
				"code", pc.Kind,
				"numero avviso", pc.Formatted,
				"aux digit", strconv.Itoa(pc.AuxDigit),
				"codice segregazione", seg,
				"codice applicazione", app,
				"IUV", pc.IUV,
				"check digits", check,
				"idDominio", pc.IDDominio,
				"importo", imp,
				"conto corrente", pc.ContoCorrente,
				"debitore", strings.TrimSpace(pc.CodiceFiscaleDeb+" "+pc.Anagrafica),
				"causale", pc.Causale)
			return nil
		},
	}
	get := a.online("get IDDOMINIO NUMERO_AVVISO", "Show a notice as GovPay describes it (state, amount, dates)",
		cobra.MinimumNArgs(2), func(ctx context.Context, cfg *govpay.Config, argv []string) error {
			av, err := avvisi.New(cfg).Get(ctx, argv[0], strings.Join(argv[1:], " "))
			if err != nil {
				return err
			}
			if a.jsonOut {
				return writeJSON(a.stdout, av)
			}
			var imp string
			if av.Importo != 0 || av.Stato != avvisi.StatoSconosciuta {
				imp = euro(av.Importo)
			}
			kv(a.stdout,
				"stato", string(av.Stato),
				"idDominio", av.IDDominio,
				"numero avviso", av.NumeroAvviso.Formatted(),
				"importo", imp,
				"descrizione", av.Descrizione,
				"data validità", dateString(av.DataValidita),
				"data scadenza", dateString(av.DataScadenza),
				"data pagamento", dateString(av.DataPagamento),
				"tassonomia", av.TassonomiaAvviso,
				"qrcode", av.QRCode)
			return nil
		})
	var out string
	pdf := a.online("pdf IDDOMINIO NUMERO_AVVISO -o FILE", "Save the printable notice (PDF)",
		cobra.MinimumNArgs(2), func(ctx context.Context, cfg *govpay.Config, argv []string) error {
			if out == "" {
				return badInput("avviso pdf: -o FILE is required (- for standard output)")
			}
			b, err := avvisi.New(cfg).PDF(ctx, argv[0], strings.Join(argv[1:], " "))
			if err != nil {
				return err
			}
			return a.saveFile(out, b)
		})
	pdf.Flags().StringVarP(&out, "output", "o", "", "where to write the PDF (- for standard output)")
	c.AddCommand(parse, get, pdf)
	return c
}

// saveFile writes a downloaded document to path (- for standard output)
// and says where it went.
func (a *app) saveFile(path string, b []byte) error {
	if path == "-" {
		_, err := a.stdout.Write(b)
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	if a.jsonOut {
		writeJSONLine(a.stdout, map[string]any{"file": path, "bytes": len(b)})
		return nil
	}
	fmt.Fprintf(a.stdout, "saved %s (%d bytes)\n", path, len(b))
	return nil
}

func (a *app) cfCommand() *cobra.Command {
	c := &cobra.Command{Use: "cf", Short: "Italian tax codes"}
	check := &cobra.Command{
		Use:   "check CODE",
		Short: "Check a codice fiscale (16 characters) or a partita IVA (11 digits); exit status 1 when not valid (offline)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(_ *cobra.Command, argv []string) error {
			code := strings.ToUpper(strings.TrimSpace(argv[0]))
			kind, err := checkFiscale(code)
			if a.jsonOut {
				m := map[string]any{"code": code, "kind": kind, "valid": err == nil}
				if err != nil {
					m["error"] = err.Error()
				}
				writeJSONLine(a.stdout, m)
				if err != nil {
					return &silentError{code: exitFailure}
				}
				return nil
			}
			if err != nil {
				fmt.Fprintf(a.stdout, "%s: not a valid %s: %v\n", code, kind, err)
				return &silentError{code: exitFailure}
			}
			fmt.Fprintf(a.stdout, "%s: valid %s\n", code, kind)
			return nil
		},
	}
	c.AddCommand(check)
	return c
}

// checkFiscale checks code as a codice fiscale or a partita IVA, by length.
func checkFiscale(code string) (kind string, err error) {
	switch len(code) {
	case 11:
		return "partita IVA", avvisi.CheckPartitaIVA(code)
	case 16:
		return "codice fiscale", avvisi.CheckCodiceFiscale(code)
	default:
		return "codice fiscale or partita IVA", errors.New("want 16 characters (codice fiscale) or 11 digits (partita IVA), got " + strconv.Itoa(len(code)))
	}
}
