package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pendenze"
)

func (a *app) pendenzaCommand() *cobra.Command {
	c := &cobra.Command{Use: "pendenza", Short: "Pendenze (debts) in API Pendenze v2"}

	var strict bool
	put := a.online("put IDA2A IDPENDENZA FILE", "Create or replace a pendenza from the JSON of a pendenza (FILE - reads standard input)",
		cobra.ExactArgs(3), func(ctx context.Context, cfg *govpay.Config, argv []string) error {
			p, err := a.readPendenza(argv[2])
			if err != nil {
				return err
			}
			var opts []pendenze.PutOption
			if strict {
				opts = append(opts, pendenze.WithStrictValidation())
			}
			car, err := pendenze.New(cfg).Put(ctx, argv[0], argv[1], p, opts...)
			if err != nil {
				return err
			}
			outcome := "updated"
			if car.Created {
				outcome = "created"
			}
			if a.jsonOut {
				return writeJSON(a.stdout, struct {
					Outcome string `json:"outcome"`
					*pendenze.Caricata
				}{outcome, car})
			}
			kv(a.stdout,
				"outcome", outcome,
				"idA2A", argv[0],
				"idPendenza", argv[1],
				"idDominio", car.IDDominio,
				"numero avviso", car.NumeroAvviso.Formatted(),
				"IUV", car.NumeroAvviso.IUV(),
				"importo", euro(p.Importo))
			return nil
		})
	put.Flags().BoolVar(&strict, "strict", false, "also check what GovPay does not (check characters of fiscal codes, IBAN mod-97)")

	get := a.online("get IDA2A IDPENDENZA", "Show a pendenza with its voci and state",
		cobra.ExactArgs(2), func(ctx context.Context, cfg *govpay.Config, argv []string) error {
			d, err := pendenze.New(cfg).Get(ctx, argv[0], argv[1])
			if err != nil {
				return err
			}
			if a.jsonOut {
				return writeJSON(a.stdout, d)
			}
			kv(a.stdout,
				"idA2A", d.IDA2A,
				"idPendenza", d.IDPendenza,
				"idTipoPendenza", d.IDTipoPendenza,
				"idDominio", d.Dominio.IDDominio,
				"stato", string(d.Stato),
				"descrizione stato", d.DescrizioneStato,
				"causale", d.Causale,
				"debitore", d.SoggettoPagatore.Identificativo+" "+d.SoggettoPagatore.Anagrafica,
				"importo", euro(d.Importo),
				"numero avviso", d.NumeroAvviso,
				"data caricamento", dateString(d.DataCaricamento),
				"data scadenza", dateString(d.DataScadenza),
				"data pagamento", dateString(d.DataPagamento))
			if len(d.Voci) > 0 {
				fmt.Fprintln(a.stdout)
				t := newTable(a.stdout, "VOCE", "IMPORTO", "STATO", "DESCRIZIONE")
				for _, v := range d.Voci {
					t.row(v.IDVocePendenza, euro(v.Importo), string(v.Stato), v.Descrizione)
				}
				t.flush()
			}
			return nil
		})

	var lo pendenze.ListOptions
	var stato string
	var limit int
	list := a.online("list", "List pendenze", cobra.NoArgs, func(ctx context.Context, cfg *govpay.Config, _ []string) error {
		lo.Stato = pendenze.StatoPendenza(stato)
		if limit > 0 && limit < pendenze.MaxRisultatiPerPagina && lo.RisultatiPerPagina == 0 {
			lo.RisultatiPerPagina = limit
		}
		return printList(a, pendenze.New(cfg).List(ctx, lo), limit, "pendenze",
			[]string{"IDA2A", "IDPENDENZA", "DOMINIO", "STATO", "IMPORTO", "NUMERO AVVISO", "SCADENZA", "CAUSALE"},
			func(s pendenze.Sintesi) []string {
				return []string{s.IDA2A, s.IDPendenza, s.Dominio.IDDominio, string(s.Stato), euro(s.Importo), s.NumeroAvviso, dateString(s.DataScadenza), s.Causale}
			})
	})
	f := list.Flags()
	f.StringVar(&lo.IDDominio, "dominio", "", "creditor (idDominio)")
	f.StringVar(&lo.IDA2A, "ida2a", "", "application that loaded them")
	f.StringVar(&lo.IDDebitore, "debitore", "", "debtor's codice fiscale")
	f.StringVar(&stato, "stato", "", "NON_ESEGUITA, ESEGUITA, ANNULLATA, …")
	f.StringVar(&lo.Ordinamento, "ordinamento", "", "GovPay's sort expression (+dataCaricamento)")
	f.IntVar(&lo.RisultatiPerPagina, "per-pagina", 0, "page size asked of GovPay (1-"+strconv.Itoa(pendenze.MaxRisultatiPerPagina)+")")
	f.IntVar(&limit, "limit", 100, "stop after N pendenze (0: all)")

	var motivo string
	cancel := a.online("cancel IDA2A IDPENDENZA", "Cancel a pendenza (state ANNULLATA)",
		cobra.ExactArgs(2), func(ctx context.Context, cfg *govpay.Config, argv []string) error {
			if err := pendenze.New(cfg).Cancel(ctx, argv[0], argv[1], motivo); err != nil {
				return err
			}
			if a.jsonOut {
				writeJSONLine(a.stdout, map[string]string{"idA2A": argv[0], "idPendenza": argv[1], "stato": string(pendenze.StatoAnnullata)})
				return nil
			}
			fmt.Fprintf(a.stdout, "%s/%s: %s\n", argv[0], argv[1], pendenze.StatoAnnullata)
			return nil
		})
	cancel.Flags().StringVar(&motivo, "motivo", "", "reason, kept as the state's description")

	c.AddCommand(put, get, list, cancel)
	return c
}

// readPendenza reads the JSON of one pendenza from path (- for stdin).
func (a *app) readPendenza(path string) (pendenze.Pendenza, error) {
	var p pendenze.Pendenza
	var r io.Reader = a.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return p, badInput("%v", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return p, badInput("%s: %v", path, err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, &usageError{err: fmt.Errorf("%s: not the JSON of a pendenza: %w", path, err)}
	}
	return p, nil
}
