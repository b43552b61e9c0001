package pendenze_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pendenze"
)

// fakeGovPay is a tiny stand-in for GovPay's API Pendenze v2: PUT creates
// (201) or updates (200), GET /pendenze lists what was loaded, two per
// page.
func fakeGovPay() *httptest.Server {
	var mu sync.Mutex
	loaded := map[string]bool{}
	var order []string
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /govpay/backend/api/pendenze/rs/basic/v2/pendenze/{idA2A}/{idPendenza}", func(w http.ResponseWriter, r *http.Request) {
		var p pendenze.Pendenza
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"categoria":"RICHIESTA","codice":"SINTASSI","descrizione":"bad body"}`)
			return
		}
		id := r.PathValue("idPendenza")
		mu.Lock()
		status := http.StatusOK
		if !loaded[id] {
			loaded[id] = true
			order = append(order, id)
			status = http.StatusCreated
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"idDominio":%q,"numeroAvviso":"301000000000001861"}`, p.IDDominio)
	})
	mux.HandleFunc("GET /govpay/backend/api/pendenze/rs/basic/v2/pendenze", func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("pagina"))
		const per = 2
		mu.Lock()
		var items []string
		for i := (page - 1) * per; i < min(page*per, len(order)); i++ {
			items = append(items, fmt.Sprintf(`{"idA2A":"GESTIONALE","idPendenza":%q,"dominio":{"idDominio":"01234567890"},"stato":"NON_ESEGUITA","soggettoPagatore":{"tipo":"F","identificativo":"ANONIMO"},"importo":16.00}`, order[i]))
		}
		pages := (len(order) + per - 1) / per
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"numRisultati":%d,"numPagine":%d,"risultatiPerPagina":%d,"pagina":%d,"risultati":[%s]}`,
			len(order), pages, per, page, strings.Join(items, ","))
	})
	return httptest.NewServer(mux)
}

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
	srv := fakeGovPay()
	defer srv.Close()
	// One Config for every client; with Basic credentials the base URL
	// is srv.URL/govpay/backend/api/pendenze/rs/basic/v2.
	cfg, err := govpay.NewConfig(srv.URL, govpay.WithBasicAuth("gestionale", "secret"))
	if err != nil {
		panic(err)
	}
	c := pendenze.New(cfg)
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
	// created: true avviso: 3010 0000 0000 0018 61
	// created: false
	// invalid: soggettoPagatore.cellulare
	// invalid: importo
}

// List walks GovPay's pages lazily; break stops fetching.
func ExampleClient_List() {
	srv := fakeGovPay()
	defer srv.Close()
	cfg, err := govpay.NewConfig(srv.URL, govpay.WithBasicAuth("gestionale", "secret"))
	if err != nil {
		panic(err)
	}
	c := pendenze.New(cfg)
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
	srv := fakeGovPay()
	defer srv.Close()
	cfg, err := govpay.NewConfig(srv.URL, govpay.WithBasicAuth("gestionale", "secret"))
	if err != nil {
		panic(err)
	}
	c := pendenze.New(cfg)
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
