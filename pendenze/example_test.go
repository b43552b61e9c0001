package pendenze_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pendenze"
)

func tari(importo govpay.Importo) pendenze.Pendenza {
	return pendenze.Pendenza{
		IDTipoPendenza: "TARI",
		IDDominio:      "01234567890",
		Causale:        "TARI 2026",
		SoggettoPagatore: govpay.Soggetto{
			Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I", Anagrafica: "Mario Rossi",
		},
		Importo:      importo,
		DataScadenza: govpay.NewDate(2026, 12, 31),
		Voci: []pendenze.Voce{
			pendenze.VoceEntrata("1", importo, "Tassa rifiuti 2026", pendenze.Entrata{CodEntrata: "TARI"}),
		},
	}
}

// Put loads one pendenza: the first time GovPay creates it (201), then
// updates it (200). An invalid pendenza is refused before sending.
func ExampleClient_Put() {
	// The fake GovPay of package govpaytest; against a real one, cfg comes
	// from govpay.NewConfig(host, govpay.WithBasicAuth(user, password)).
	srv := govpaytest.NewServer()
	defer srv.Close()
	c := pendenze.New(srv.Config())
	ctx := context.Background()

	car, err := c.Put(ctx, "GESTIONALE", "TARI-2026-42", tari(govpay.Euro(120)))
	if err != nil {
		panic(err)
	}
	fmt.Println("created:", car.Created, "avviso:", car.NumeroAvviso.Formatted())

	car, err = c.Put(ctx, "GESTIONALE", "TARI-2026-42", tari(govpay.Centesimi(11950)))
	if err != nil {
		panic(err)
	}
	fmt.Println("created:", car.Created)

	bad := tari(govpay.Euro(120))
	bad.Importo = govpay.Euro(100)                // not the sum of the voci
	bad.SoggettoPagatore.Cellulare = "3331234567" // GovPay wants "+39 333-1234567"
	_, err = c.Put(ctx, "GESTIONALE", "TARI-2026-43", bad)
	var ve *govpay.ValidationError
	if errors.As(err, &ve) {
		for _, v := range ve.Violations {
			fmt.Println("invalid:", v.Field)
		}
	}
	// Output:
	// created: true avviso: 3010 0000 0000 0001 44
	// created: false
	// invalid: soggettoPagatore.cellulare
	// invalid: importo
}

// List walks GovPay's pages lazily; break stops fetching.
func ExampleClient_List() {
	srv := govpaytest.NewServer()
	defer srv.Close()
	c := pendenze.New(srv.Config())
	ctx := context.Background()
	for _, id := range []string{"A", "B", "C", "D", "E"} {
		if _, err := c.Put(ctx, "GESTIONALE", id, tari(govpay.Euro(16))); err != nil {
			panic(err)
		}
	}
	for s, err := range c.List(ctx, pendenze.ListOptions{IDDominio: "01234567890"}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(s.IDPendenza, s.Stato, s.Importo)
		if s.IDPendenza == "C" {
			break
		}
	}
	// Output:
	// A NON_ESEGUITA 16.00
	// B NON_ESEGUITA 16.00
	// C NON_ESEGUITA 16.00
}

// Load puts a stream of pendenze with bounded concurrency; invalid ones are
// reported, not sent. The sequence here is generated; it could read a CSV
// file or a database cursor: memory does not grow with the number of items.
func ExampleClient_Load() {
	srv := govpaytest.NewServer()
	defer srv.Close()
	c := pendenze.New(srv.Config())
	items := func(yield func(pendenze.Item) bool) {
		for i := range 100 {
			p := tari(govpay.Euro(int64(50 + i)))
			if i%25 == 24 {
				p.Causale = "" // refused by validation
			}
			if !yield(pendenze.Item{IDA2A: "GESTIONALE", IDPendenza: fmt.Sprintf("TARI-%03d", i), Pendenza: p}) {
				return
			}
		}
	}
	var seq iter.Seq[pendenze.Item] = items
	rep, err := c.Load(context.Background(), seq, pendenze.LoadOptions{Concurrency: 8, Total: 100})
	if err != nil {
		panic(err)
	}
	fmt.Printf("read %d, created %d, updated %d, invalid %d, failed %d\n", rep.Read, rep.Created, rep.Updated, rep.Invalid, rep.Failed)
	ids := []string{}
	for _, f := range rep.Failures {
		ids = append(ids, f.IDPendenza)
	}
	slices.Sort(ids)
	fmt.Println("invalid:", strings.Join(ids, " "))
	// Output:
	// read 100, created 96, updated 0, invalid 4, failed 0
	// invalid: TARI-024 TARI-049 TARI-074 TARI-099
}

// Get reads a pendenza back with its state and its voci; an unknown one is
// a *govpay.Error matching govpay.ErrNotFound.
func ExampleClient_Get() {
	srv := govpaytest.NewServer()
	defer srv.Close()
	c := pendenze.New(srv.Config())
	ctx := context.Background()
	if _, err := c.Put(ctx, "GESTIONALE", "TARI-2026-42", tari(govpay.Euro(120))); err != nil {
		panic(err)
	}

	d, err := c.Get(ctx, "GESTIONALE", "TARI-2026-42")
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Stato, d.Importo, len(d.Voci), d.Voci[0].Kind)

	_, err = c.Get(ctx, "GESTIONALE", "TARI-2026-99")
	fmt.Println(errors.Is(err, govpay.ErrNotFound))
	// Output:
	// NON_ESEGUITA 120.00 1 {TARI}
	// true
}

// Cancel and Reactivate change the state of a pendenza GovPay holds (a
// PATCH of its stato, with the reason kept as descrizioneStato).
func ExampleClient_Cancel() {
	srv := govpaytest.NewServer()
	defer srv.Close()
	c := pendenze.New(srv.Config())
	ctx := context.Background()
	if _, err := c.Put(ctx, "GESTIONALE", "TARI-2026-42", tari(govpay.Euro(120))); err != nil {
		panic(err)
	}

	if err := c.Cancel(ctx, "GESTIONALE", "TARI-2026-42", "issued twice"); err != nil {
		panic(err)
	}
	d, err := c.Get(ctx, "GESTIONALE", "TARI-2026-42")
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Stato)

	if err := c.Reactivate(ctx, "GESTIONALE", "TARI-2026-42", ""); err != nil {
		panic(err)
	}
	d, err = c.Get(ctx, "GESTIONALE", "TARI-2026-42")
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Stato)
	// Output:
	// ANNULLATA
	// NON_ESEGUITA
}
