package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/ricevute"
)

// redacted replaces a secret the payer gave (credenzialiPagatore) in output.
const redacted = "[REDACTED]"

func (a *app) pagamentoCommand() *cobra.Command {
	c := &cobra.Command{Use: "pagamento", Short: "Payments started through API Pagamento v2"}
	get := a.online("get ID", "Show a payment: state, amount and debts",
		cobra.ExactArgs(1), func(ctx context.Context, cfg *govpay.Config, argv []string) error {
			p, err := pagamenti.New(cfg).Get(ctx, argv[0])
			if err != nil {
				return err
			}
			if p.CredenzialiPagatore != "" {
				p.CredenzialiPagatore = redacted
			}
			if a.jsonOut {
				return writeJSON(a.stdout, p)
			}
			kv(a.stdout,
				"id", p.ID,
				"stato", string(p.Stato),
				"importo", euro(p.Importo),
				"nome", p.Nome,
				"idSessionePortale", p.IDSessionePortale,
				"idSessionePsp", p.IDSessionePSP,
				"richiesto", dateTimeString(p.DataRichiestaPagamento))
			if len(p.Pendenze) > 0 {
				fmt.Fprintln(a.stdout)
				t := newTable(a.stdout, "IDA2A", "IDPENDENZA", "STATO", "IMPORTO", "NUMERO AVVISO", "CAUSALE")
				for _, d := range p.Pendenze {
					t.row(d.IDA2A, d.IDPendenza, string(d.Stato), euro(d.Importo), d.NumeroAvviso, d.Causale)
				}
				t.flush()
			}
			return nil
		})

	var lo pagamenti.ListOptions
	var stato string
	var limit int
	list := a.online("list", "List payments", cobra.NoArgs, func(ctx context.Context, cfg *govpay.Config, _ []string) error {
		lo.Stato = pagamenti.StatoPagamento(stato)
		return printList(a, pagamenti.New(cfg).List(ctx, lo), limit, "pagamenti",
			[]string{"ID", "STATO", "IMPORTO", "RICHIESTO", "SESSIONE PORTALE", "NOME"},
			func(s pagamenti.Sintesi) []string {
				return []string{s.ID, string(s.Stato), euro(s.Importo), dateTimeString(s.DataRichiestaPagamento), s.IDSessionePortale, s.Nome}
			})
	})
	f := list.Flags()
	f.StringVar(&lo.IDSessionePortale, "sessione-portale", "", "the portal's id of the attempt (idSessionePortale)")
	f.StringVar(&lo.IDDebitore, "debitore", "", "debtor's codice fiscale")
	f.StringVar(&stato, "stato", "", "IN_CORSO, ESEGUITO, NON_ESEGUITO, …")
	f.IntVar(&limit, "limit", 100, "stop after N payments (0: all)")
	c.AddCommand(get, list)
	return c
}

func (a *app) ricevutaCommand() *cobra.Command {
	c := &cobra.Command{Use: "ricevuta", Short: "pagoPA receipts in API Ragioneria v3"}
	find := a.online("find IDDOMINIO IUV|NUMERO_AVVISO", "List the receipts of a notice",
		cobra.ExactArgs(2), func(ctx context.Context, cfg *govpay.Config, argv []string) error {
			rs, err := ricevute.New(cfg).Find(ctx, argv[0], argv[1])
			if err != nil {
				return err
			}
			return printList(a, func(yield func(ricevute.Ricevuta, error) bool) {
				for _, r := range rs {
					if !yield(r, nil) {
						return
					}
				}
			}, 0, "ricevute", []string{"IDDOMINIO", "IUV", "IDRICEVUTA", "ESITO", "DATA"}, func(r ricevute.Ricevuta) []string {
				return []string{r.Dominio.IDDominio, r.IUV, r.IDRicevuta, string(r.Esito), dateTimeString(r.Data)}
			})
		})
	var out string
	pdf := a.online("pdf IDDOMINIO IUV|NUMERO_AVVISO [IDRICEVUTA] -o FILE", "Save the printable receipt (PDF); without IDRICEVUTA, the notice's only receipt",
		cobra.RangeArgs(2, 3), func(ctx context.Context, cfg *govpay.Config, argv []string) error {
			if out == "" {
				return badInput("ricevuta pdf: -o FILE is required (- for standard output)")
			}
			c := ricevute.New(cfg)
			id := ""
			if len(argv) == 3 {
				id = argv[2]
			} else {
				rs, err := c.Find(ctx, argv[0], argv[1])
				if err != nil {
					return err
				}
				switch len(rs) {
				case 0:
					return fmt.Errorf("ricevuta pdf: GovPay has no receipt for %s/%s", argv[0], argv[1])
				case 1:
					id = rs[0].IDRicevuta
				default:
					return badInput("ricevuta pdf: %s/%s has %d receipts: name one (govpay ricevuta find lists them)", argv[0], argv[1], len(rs))
				}
			}
			b, err := c.PDF(ctx, argv[0], argv[1], id)
			if err != nil {
				return err
			}
			return a.saveFile(out, b)
		})
	pdf.Flags().StringVarP(&out, "output", "o", "", "where to write the PDF (- for standard output)")
	c.AddCommand(find, pdf)
	return c
}
