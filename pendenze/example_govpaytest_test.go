package pendenze_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pendenze"
)

// refezione is a school-meals pendenza of the debtor cf, for the examples
// that run on the fake GovPay.
func refezione(cf, anagrafica string, importo govpay.Importo) pendenze.Pendenza {
	return pendenze.Pendenza{
		IDTipoPendenza: "REFEZIONE",
		IDDominio:      govpaytest.DemoDominio,
		Causale:        "Refezione scolastica - aprile 2026",
		SoggettoPagatore: govpay.Soggetto{
			Tipo: govpay.SoggettoFisico, Identificativo: cf, Anagrafica: anagrafica,
		},
		Importo: importo,
		Voci:    []pendenze.Voce{pendenze.VoceEntrata("1", importo, "Pasti di aprile", pendenze.Entrata{CodEntrata: "REFEZIONE"})},
	}
}

// The life of a pendenza on the fake GovPay of package govpaytest: the
// vertical system loads it (201), corrects it (200), reads it back, finds
// the debts of a payer and cancels one.
func Example() {
	fake := govpaytest.NewServer(govpaytest.WithBasicAuth("GESTIONALE", "secret"))
	defer fake.Close()
	ctx := context.Background()
	c := pendenze.New(fake.Config()) // the fake's Basic credentials come with it

	car, err := c.Put(ctx, "GESTIONALE", "MENSA-2026-04-1", refezione(govpaytest.DemoCodiceFiscale, "Mario Rossi", govpay.Centesimi(4280)))
	if err != nil {
		log.Fatal(err)
	}
	code, _ := car.NumeroAvviso.SegregationCode()
	fmt.Println("created:", car.Created, "notice aux digit:", car.NumeroAvviso.AuxDigit(), "segregation code:", code)

	car, err = c.Put(ctx, "GESTIONALE", "MENSA-2026-04-1", refezione(govpaytest.DemoCodiceFiscale, "Mario Rossi", govpay.Centesimi(3960)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created:", car.Created)

	d, err := c.Get(ctx, "GESTIONALE", "MENSA-2026-04-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("get:", d.Stato, d.Importo, d.Causale, "voci:", len(d.Voci))

	// Two more debts: one of the same payer, one of somebody else.
	for id, p := range map[string]pendenze.Pendenza{
		"MENSA-2026-04-2": refezione(govpaytest.DemoCodiceFiscale, "Mario Rossi", govpay.Centesimi(2140)),
		"MENSA-2026-04-3": refezione("VRDGPP85M41F205X", "Giuseppina Verdi", govpay.Centesimi(4280)),
	} {
		if _, err := c.Put(ctx, "GESTIONALE", id, p); err != nil {
			log.Fatal(err)
		}
	}
	var debts []string
	for s, err := range c.List(ctx, pendenze.ListOptions{IDDebitore: govpaytest.DemoCodiceFiscale}) {
		if err != nil {
			log.Fatal(err)
		}
		debts = append(debts, fmt.Sprint(s.IDPendenza, " ", s.Stato, " ", s.Importo))
	}
	slices.Sort(debts) // the order of a list is GovPay's, not a contract
	fmt.Println("debts of", govpaytest.DemoCodiceFiscale+":", len(debts))
	for _, s := range debts {
		fmt.Println(" -", s)
	}

	if err := c.Cancel(ctx, "GESTIONALE", "MENSA-2026-04-2", "iscrizione ritirata"); err != nil {
		log.Fatal(err)
	}
	d, err = c.Get(ctx, "GESTIONALE", "MENSA-2026-04-2")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after Cancel:", d.Stato)

	_, err = c.Get(ctx, "GESTIONALE", "MENSA-2026-04-9")
	fmt.Println("unknown pendenza is ErrNotFound:", errors.Is(err, govpay.ErrNotFound))
	// Output:
	// created: true notice aux digit: 3 segregation code: 1
	// created: false
	// get: NON_ESEGUITA 39.60 Refezione scolastica - aprile 2026 voci: 1
	// debts of RSSMRA80A01H501U: 2
	//  - MENSA-2026-04-1 NON_ESEGUITA 39.60
	//  - MENSA-2026-04-2 NON_ESEGUITA 21.40
	// after Cancel: ANNULLATA
	// unknown pendenza is ErrNotFound: true
}

// A small Load on the fake GovPay of package govpaytest, configured like a
// creditor that knows only the entrata REFEZIONE: invalid items are caught
// before sending, GovPay's refusals are reported with their code, and an
// item loaded twice is an update.
func ExampleClient_Load_refusals() {
	fake := govpaytest.NewServer(govpaytest.WithDominio(govpaytest.Dominio{
		IDDominio: govpaytest.DemoDominio, RagioneSociale: "Comune Dimostrativo", Entrate: []string{"REFEZIONE"},
	}))
	defer fake.Close()
	ctx := context.Background()
	c := pendenze.New(fake.Config())
	if _, err := c.Put(ctx, "GESTIONALE", "MENSA-03", refezione(govpaytest.DemoCodiceFiscale, "Mario Rossi", govpay.Euro(40))); err != nil {
		log.Fatal(err)
	}

	var items []pendenze.Item
	for i, importo := range []int64{3200, 4000, 4280, 2140, 1070} {
		p := refezione(govpaytest.DemoCodiceFiscale, "Mario Rossi", govpay.Centesimi(importo))
		switch i {
		case 1:
			p.Causale = "" // refused by the client's validation, never sent
		case 3:
			p.Voci = []pendenze.Voce{pendenze.VoceEntrata("1", p.Importo, "Trasporto", pendenze.Entrata{CodEntrata: "TRASPORTO"})} // unknown to the creditor
		}
		items = append(items, pendenze.Item{IDA2A: "GESTIONALE", IDPendenza: fmt.Sprintf("MENSA-%02d", i+1), Pendenza: p})
	}
	rep, err := c.Load(ctx, slices.Values(items), pendenze.LoadOptions{Concurrency: 2, Total: len(items)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("read %d: created %d, updated %d, invalid %d, failed %d\n",
		rep.Read, rep.Created, rep.Updated, rep.Invalid, rep.Failed)
	failures := slices.Clone(rep.Failures)
	slices.SortFunc(failures, func(a, b pendenze.Result) int { return a.Index - b.Index })
	for _, f := range failures {
		var ge *govpay.Error
		var ve *govpay.ValidationError
		switch {
		case errors.As(f.Err, &ve):
			fmt.Println(" -", f.IDPendenza, f.Outcome, ve.Violations[0].Field)
		case errors.As(f.Err, &ge):
			fmt.Println(" -", f.IDPendenza, f.Outcome, ge.StatusCode, ge.Codice)
		}
	}
	fmt.Println("pendenze held by GovPay:", len(fake.Pendenze()))
	n, err := avvisi.ParseNumeroAvviso(fake.Pendenze()[0].NumeroAvviso)
	fmt.Println("numbered with valid check digits:", err == nil && n.AuxDigit() == 3)
	// Output:
	// read 5: created 2, updated 1, invalid 1, failed 1
	//  - MENSA-02 invalid causale
	//  - MENSA-04 failed 422 TRB_000
	// pendenze held by GovPay: 3
	// numbered with valid check digits: true
}
