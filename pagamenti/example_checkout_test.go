package pagamenti_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/ricevute"
)

// exampleCheckoutWorld starts two tiny stand-ins: a GovPay (API Pagamento
// for the notices, API Ragioneria for the receipts) and pagoPA Checkout.
// receiptsArrive makes GovPay hold the receipts, as it does a few seconds
// after the payer paid.
func exampleCheckoutWorld() (govpaySrv, pagopaSrv *httptest.Server, receiptsArrive func()) {
	const (
		pag = "/govpay/frontend/api/pagamento/rs/basic/v2"
		rag = "/govpay/backend/api/ragioneria/rs/basic/v3"
	)
	notices := map[string]map[string]any{ // numeroAvviso → GovPay's Avviso
		"301000000123456735": {"stato": "NON_ESEGUITA", "importo": 115.99, "idDominio": "01234567890", "numeroAvviso": "301000000123456735", "descrizione": "TARI 2026 - rata unica"},
		"301000000765432192": {"stato": "NON_ESEGUITA", "importo": 0.29, "idDominio": "01234567890", "numeroAvviso": "301000000765432192", "descrizione": "Diritti di segreteria"},
	}
	var arrived atomic.Bool
	send := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	gp := http.NewServeMux()
	gp.HandleFunc("GET "+pag+"/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
		if n, ok := notices[r.PathValue("nav")]; ok {
			send(w, n)
			return
		}
		send(w, map[string]string{"stato": "SCONOSCIUTA"})
	})
	gp.HandleFunc("GET "+rag+"/ricevute", func(w http.ResponseWriter, r *http.Request) {
		list := []map[string]any{}
		if iuv := r.URL.Query().Get("iuv"); arrived.Load() {
			list = append(list, map[string]any{"dominio": map[string]string{"idDominio": "01234567890"}, "iuv": iuv,
				"idRicevuta": "rcpt-" + iuv[len(iuv)-4:], "esito": "ESEGUITO", "data": "2026-03-30T14:41:07"})
		}
		send(w, map[string]any{"numRisultati": len(list), "numPagine": 1, "risultati": list})
	})
	gp.HandleFunc("GET "+rag+"/ricevute/{dominio}/{iuv}/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != "application/pdf" {
			w.WriteHeader(http.StatusNotAcceptable)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		_, _ = w.Write([]byte("%PDF-1.7 receipt " + r.PathValue("id")))
	})

	co := http.NewServeMux()
	co.HandleFunc("POST /checkout/ec/v2/carts", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Ocp-Apim-Subscription-Key") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Location", "https://checkout.pagopa.it/c/3b8f1e")
		w.WriteHeader(http.StatusFound)
	})
	return httptest.NewServer(gp), httptest.NewServer(co), func() { arrived.Store(true) }
}

// The whole portal flow with pagoPA Checkout ("modello unico"): the cart
// holds notices, the amounts come from GovPay, pagoPA Checkout takes the
// payer, and the receipts, not the return URL, say whether it was paid.
func Example_portalCheckout() {
	gp, pagopa, receiptsArrive := exampleCheckoutWorld()
	defer gp.Close()
	defer pagopa.Close()
	ctx := context.Background()
	// One Config (GovPay's host and credentials), then every client.
	cfg, err := govpay.NewConfig(gp.URL, govpay.WithBasicAuth("portale", "secret"))
	if err != nil {
		fmt.Println(err)
		return
	}
	notices := avvisi.New(cfg)
	pagamentiClient := pagamenti.New(cfg)
	receipts := ricevute.New(cfg)
	// pagoPA Checkout gets its own endpoint and key, never GovPay's
	// credentials.
	checkout, err := pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{
		BaseURL: pagopa.URL + "/checkout/ec/v2", SubscriptionKey: "subscription-key-from-pagopa"})
	if err != nil {
		fmt.Println(err)
		return
	}

	// 1. The payer scans a notice's QR code and adds another by its number.
	cart := pagamenti.NewCart().
		AddQRCode("PAGOPA|002|301000000123456735|01234567890|11599").
		AddAvviso("01234567890", "3010 0000 0765 4321 92")

	// 2. Open the cart on pagoPA Checkout. The portal tells its own return
	//    pages apart by the esito it puts in them.
	back := "https://portale.comune.example/pagopa/ritorno?esito="
	opts := pagamenti.CheckoutStartOptions{
		ReturnOK: back + "OK", ReturnCancel: back + "CANCEL", ReturnError: back + "ERROR", ReturnWaiting: back + "DIFFERITO",
		CompanyName: "Comune di Esempio",
		Completer:   pagamenti.AvvisiCompleter(notices), // amounts and descriptions from GovPay
	}
	req, err := checkout.Prepare(ctx, cart, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range req.PaymentNotices {
		wire, _ := json.Marshal(n)
		fmt.Printf("notice %s %s € %q\n  sent as %s\n", n.NoticeNumber, n.Amount, n.Description, wire)
	}
	avvio, err := checkout.Start(ctx, cart, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("mode:", avvio.Mode, "trackable:", avvio.Trackable())
	fmt.Println("send the browser to:", avvio.Redirect)

	// 3. The payer comes back to the OK page.
	u, _ := url.Parse(back + "OK")
	ret, err := pagamenti.ParseReturn(u.Query())
	if err != nil {
		fmt.Println(err)
		return
	}

	// 4. Ask for the outcome: the esito is a hint, the receipts decide.
	resolver := pagamenti.NewResolver(pagamentiClient, receipts)
	o, err := resolver.Resolve(ctx, ret, *avvio)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("esito", ret.Esito, "→", o.State, "-", o.Reason)

	receiptsArrive()
	o, err = resolver.Resolve(ctx, ret, *avvio)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("later →", o.State, "-", o.Reason)
	for _, it := range o.Items {
		pdf, err := receipts.PDF(ctx, it.IDDominio, it.IUV, it.Ricevuta.IDRicevuta)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf(" - %s IUV %s receipt %s (%d bytes of PDF)\n", it.State, it.IUV, it.Ricevuta.IDRicevuta, len(pdf))
	}
	// Output:
	// notice 301000000123456735 115.99 € "TARI 2026 - rata unica"
	//   sent as {"noticeNumber":"301000000123456735","fiscalCode":"01234567890","amount":11599,"companyName":"Comune di Esempio","description":"TARI 2026 - rata unica"}
	// notice 301000000765432192 0.29 € "Diritti di segreteria"
	//   sent as {"noticeNumber":"301000000765432192","fiscalCode":"01234567890","amount":29,"companyName":"Comune di Esempio","description":"Diritti di segreteria"}
	// mode: checkout trackable: false
	// send the browser to: https://checkout.pagopa.it/c/3b8f1e
	// esito OK → PENDING - no receipt yet (the payer came back with esito OK)
	// later → PAID - every notice (2) has a positive receipt
	//  - PAID IUV 01000000123456735 receipt rcpt-6735 (26 bytes of PDF)
	//  - PAID IUV 01000000765432192 receipt rcpt-2192 (26 bytes of PDF)
}
