package govpaytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/govpaygo/govpay/govpaytest"
)

// send is a tiny client for the examples: it sends a JSON body and decodes
// a JSON answer, without following redirects.
func send(method, u, body string, accept string) (int, map[string]any) {
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

const examplePendenza = `{
  "idTipoPendenza": "LIBERO",
  "idDominio": "01234567890",
  "causale": "Diritti di segreteria",
  "soggettoPagatore": {"tipo": "F", "identificativo": "RSSMRA80A01H501U", "anagrafica": "Mario Rossi"},
  "importo": 16.50,
  "voci": [{"idVocePendenza": "1", "importo": 16.50, "descrizione": "Diritti", "codEntrata": "SEGRETERIA"}]
}`

// Start the fake, load a pendenza with plain net/http and read it back.
func Example() {
	s := govpaytest.NewServer()
	defer s.Close()

	status, created := send("PUT", s.PendenzeURL()+"/pendenze/A2A-DEMO/P-001", examplePendenza, "")
	fmt.Println("PUT:", status, created["numeroAvviso"])

	status, _ = send("PUT", s.PendenzeURL()+"/pendenze/A2A-DEMO/P-001", examplePendenza, "")
	fmt.Println("PUT again:", status)

	status, p := send("GET", s.PendenzeURL()+"/pendenze/A2A-DEMO/P-001", "", "application/json")
	fmt.Println("GET:", status, p["stato"], p["importo"], p["causale"])
	// Output:
	// PUT: 201 301000000000000144
	// PUT again: 200
	// GET: 200 NON_ESEGUITA 16.5 Diritti di segreteria
}

// GovPay's FaultBeans: a pendenza whose importo is not the sum of its voci.
func Example_faultBean() {
	s := govpaytest.NewServer()
	defer s.Close()
	bad := strings.Replace(examplePendenza, `"importo": 16.50,`, `"importo": 16.00,`, 1)
	status, fb := send("PUT", s.PendenzeURL()+"/pendenze/A2A-DEMO/P-001", bad, "")
	fmt.Println(status, fb["categoria"], fb["codice"])
	// Output:
	// 422 RICHIESTA VER_002
}

// A legacy payment: start it, pay on the fake WISP, read the outcome.
func ExampleServer_Pay() {
	s := govpaytest.NewServer(govpaytest.WithDemoData())
	defer s.Close()

	status, started := send("POST", s.PagamentoURL()+"/pagamenti",
		`{"pendenze":[{"idA2A":"A2A-DEMO","idPendenza":"MENSA-2026-03-RSSMRA"}],"urlRitorno":"https://portale.example/esito"}`, "")
	fmt.Println("start:", status)

	// What the browser does on the redirect page, pressing "Paga".
	back, err := s.Pay(started["redirect"].(string), govpaytest.ChoicePaga)
	if err != nil {
		panic(err)
	}
	u, _ := url.Parse(back)
	fmt.Println("back to:", u.Path, "esito="+u.Query().Get("esito"), u.Query().Get("idPagamento") == started["id"])

	_, pagamento := send("GET", s.PagamentoURL()+"/pagamenti/"+started["id"].(string), "", "application/json")
	fmt.Println("payment:", pagamento["stato"], pagamento["importo"])
	r := s.Ricevute()[0]
	fmt.Println("receipt:", r.Esito, r.Importo)
	// Output:
	// start: 201
	// back to: /esito esito=OK true
	// payment: ESEGUITO 42.8
	// receipt: ESEGUITO 42.80
}

// Break the next two answers of an operation, as a flaky GovPay would.
func ExampleServer_InjectFault() {
	s := govpaytest.NewServer()
	defer s.Close()
	s.InjectFault(govpaytest.OpPutPendenza, govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: 503, RetryAfter: "1"}, 2)
	for range 3 {
		status, _ := send("PUT", s.PendenzeURL()+"/pendenze/A2A-DEMO/P-001", examplePendenza, "")
		fmt.Println(status)
	}
	fmt.Println("requests:", s.Count(govpaytest.OpPutPendenza))
	// Output:
	// 503
	// 503
	// 201
	// requests: 3
}

// The demo data: the debt position of the demo citizen.
func ExampleWithDemoData() {
	s := govpaytest.NewServer(govpaytest.WithDemoData())
	defer s.Close()
	_, list := send("GET", s.PagamentoURL()+"/pendenze?idDebitore="+govpaytest.DemoCodiceFiscale, "", "application/json")
	for _, it := range list["risultati"].([]any) {
		p := it.(map[string]any)
		fmt.Println(p["dominio"].(map[string]any)["ragioneSociale"], "|", p["causale"], "|", p["importo"])
	}
	// Output:
	// Comune Dimostrativo | TARI 2026 - rata unica | 187.5
	// Comune Dimostrativo | Refezione scolastica - marzo 2026 | 42.8
	// Consorzio Idrico Dimostrativo | Servizio idrico - saldo 2025 | 63.15
}

// Receive the API Ente v2 notification of a payment.
func ExampleServer_WaitNotifications() {
	ente := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		fmt.Println("ente got:", r.Method, strings.Join(strings.Split(r.URL.Path, "/")[:3], "/"))
		w.WriteHeader(http.StatusCreated)
	}))
	defer ente.Close()
	s := govpaytest.NewServer(govpaytest.WithDemoData(),
		govpaytest.WithNotifications(govpaytest.NotificationConfig{URL: ente.URL, Version: 2}))
	defer s.Close()

	_, started := send("POST", s.PagamentoURL()+"/pagamenti",
		`{"pendenze":[{"idDominio":"01234567890","numeroAvviso":"`+govpaytest.DemoNumeroAvvisoCartaceo+`"}],"urlRitorno":"https://portale.example/"}`, "")
	if _, err := s.Pay(started["redirect"].(string), govpaytest.ChoicePaga); err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ns, err := s.WaitNotifications(ctx, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(ns[0].Kind, ns[0].Delivered, len(ns[0].Attempts))
	// Output:
	// ente got: PUT /ricevute/01234567890
	// ricevuta true 1
}
