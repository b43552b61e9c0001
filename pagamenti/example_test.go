package pagamenti_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
)

// exampleLegacyGovPay is a tiny stand-in for a GovPay with a V1 station
// (legacy mode), mounted under API Pagamento's usual base path.
func exampleLegacyGovPay() *httptest.Server {
	const base = "/govpay/frontend/api/pagamento/rs/basic/v2"
	var paid atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+base+"/pagamenti", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Pendenze   []json.RawMessage `json:"pendenze"`
			URLRitorno string            `json:"urlRitorno"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"id": "c8be909b2feb", "location": "/pagamenti/c8be909b2feb", "idSession": "7f905970cfe9",
			"redirect": "https://wisp.example.org/wallet/welcome?idSession=7f905970cfe9",
		})
		paid.Store(true) // the payer pays on WISP
	})
	mux.HandleFunc("GET "+base+"/pagamenti/{id}", func(w http.ResponseWriter, r *http.Request) {
		stato := "IN_CORSO"
		if paid.Load() {
			stato = "ESEGUITO"
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": r.PathValue("id"), "nome": "Pagamento di 2 pendenze", "stato": stato, "importo": 131.99,
			"idSessionePortale": "portale-0001", "idSessionePsp": "7f905970cfe9",
			"dataRichiestaPagamento": "2026-03-30T14:35:16.123",
			"pendenze": []map[string]any{
				{"idA2A": "GESTIONALE", "idPendenza": "TARI-2026-001", "stato": "ESEGUITA", "importo": 115.99, "causale": "TARI 2026"},
				{"idA2A": "PORTALE", "idPendenza": "CERT-42", "stato": "ESEGUITA", "importo": 16.00, "causale": "Certificato"},
			},
		})
	})
	return httptest.NewServer(mux)
}

// The whole portal flow in legacy mode: build the cart, start the payment,
// send the payer to WISP, read the return, ask GovPay for the outcome.
func Example_portalLegacy() {
	srv := exampleLegacyGovPay()
	defer srv.Close()
	ctx := context.Background()

	cfg, err := govpay.NewConfig(srv.URL, govpay.WithBasicAuth("portale", "secret"))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := pagamenti.New(cfg)

	// 1. The payer picks a debt already in GovPay and asks for a certificate
	//    (a full pendenza with a marca da bollo).
	certificato := pendenze.Pendenza{
		IDTipoPendenza: "CERTIFICATO", IDDominio: "01234567890", Causale: "Certificato anagrafico",
		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I", Anagrafica: "Mario Rossi"},
		Importo:          govpay.Euro(16),
		Voci:             []pendenze.Voce{pendenze.VoceBollo("1", govpay.Euro(16), "Marca da bollo", pendenze.Bollo{HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RM"})},
	}
	cart := pagamenti.NewCart().
		AddRiferimento("GESTIONALE", "TARI-2026-001").
		AddPendenza("PORTALE", "CERT-42", certificato)

	// 2. Start the payment. IDSessionePortale makes a timeout recoverable.
	avvio, err := c.Start(ctx, cart, pagamenti.StartOptions{
		URLRitorno:        "https://portale.comune.example/pagopa/ritorno",
		IDSessionePortale: "portale-0001",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("mode:", avvio.Mode, "id:", avvio.ID, "trackable:", avvio.Trackable())
	fmt.Println("send the browser to:", avvio.Redirect)

	// 3. The payer comes back to urlRitorno (legacy query string).
	back, _ := url.Parse("https://portale.comune.example/pagopa/ritorno?idPagamento=c8be909b2feb&idSession=7f905970cfe9&esito=OK")
	ret, err := pagamenti.ParseReturn(back.Query())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("esito (a hint):", ret.Esito, "idPagamento:", ret.IDPagamento)

	// 4. The outcome is GovPay's: wait for a final state.
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	p, err := c.Wait(wctx, ret.IDPagamento, pagamenti.WaitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("stato:", p.Stato, "importo:", p.Importo, "requested:", p.DataRichiestaPagamento.Time().Format("2006-01-02 15:04"))
	for _, d := range p.Pendenze {
		fmt.Println(" -", d.IDA2A, d.IDPendenza, d.Stato, d.Importo)
	}
	// Output:
	// mode: legacy id: c8be909b2feb trackable: true
	// send the browser to: https://wisp.example.org/wallet/welcome?idSession=7f905970cfe9
	// esito (a hint): OK idPagamento: c8be909b2feb
	// stato: ESEGUITO importo: 131.99 requested: 2026-03-30 14:35
	//  - GESTIONALE TARI-2026-001 ESEGUITA 115.99
	//  - PORTALE CERT-42 ESEGUITA 16.00
}

// A cart collects violations instead of failing on each Add; Validate lists
// them all, with the index of the item.
func ExampleCart_Validate() {
	cart := pagamenti.NewCart().
		AddAvviso("01234567890", "301000000000012346"). // wrong check digits
		AddRiferimento("GESTIONALE", "TARI-2026-001").
		AddRiferimento("GESTIONALE", "TARI-2026-001") // the same debt twice
	err := cart.Validate()
	var verr *govpay.ValidationError
	if errors.As(err, &verr) {
		for _, v := range verr.Violations {
			fmt.Println(v.Field)
		}
	}
	fmt.Println(errors.Is(err, govpay.ErrInvalid))
	// Output:
	// pendenze[0].numeroAvviso
	// pendenze[2]
	// true
}

// The two shapes of a return: legacy mode brings GovPay's ids, the checkout
// modes only the esito.
func ExampleParseReturn() {
	for _, q := range []string{
		"idPagamento=c8be909b2feb&idSession=7f905970cfe9&esito=DIFFERITO",
		"esito=CANCEL",
		"esito=OK&esito=ERROR",
	} {
		v, _ := url.ParseQuery(q)
		r, err := pagamenti.ParseReturn(v)
		if err != nil {
			fmt.Println("error:", errors.Is(err, govpay.ErrInvalid))
			continue
		}
		fmt.Printf("%s legacy=%v idPagamento=%q\n", r.Esito, r.Legacy(), r.IDPagamento)
	}
	// Output:
	// DIFFERITO legacy=true idPagamento="c8be909b2feb"
	// CANCEL legacy=false idPagamento=""
	// error: true
}
