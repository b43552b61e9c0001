package govpay_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/govpaygo/govpay"
)

func ExampleParseImporto() {
	i, err := govpay.ParseImporto("105.01")
	if err != nil {
		panic(err)
	}
	fmt.Println(i, i.Centesimi())

	_, err = govpay.ParseImporto("10.001")
	fmt.Println(errors.Is(err, govpay.ErrImporto))
	// Output:
	// 105.01 10501
	// true
}

func ExampleImporto_json() {
	var voce struct {
		Importo govpay.Importo `json:"importo"`
	}
	_ = json.Unmarshal([]byte(`{"importo":16}`), &voce)
	voce.Importo += govpay.Centesimi(50)
	b, _ := json.Marshal(voce)
	fmt.Println(string(b))
	// Output: {"importo":16.50}
}

func ExampleParseDateTime() {
	for _, s := range []string{"2019-10-21T14:16:07.022+0000", "2025-02-21T17:25:11", "2022-04-26"} {
		dt, err := govpay.ParseDateTime(s)
		if err != nil {
			panic(err)
		}
		fmt.Println(dt, dt.Time().UTC().Format(time.RFC3339))
	}
	// Output:
	// 2019-10-21T16:16:07 2019-10-21T14:16:07Z
	// 2025-02-21T17:25:11 2025-02-21T16:25:11Z
	// 2022-04-26T00:00:00 2022-04-25T22:00:00Z
}

func ExampleDate_omitzero() {
	type filtro struct {
		DataDa govpay.Date `json:"dataDa,omitzero"`
		DataA  govpay.Date `json:"dataA,omitzero"`
	}
	b, _ := json.Marshal(filtro{DataDa: govpay.NewDate(2024, time.January, 31)})
	fmt.Println(string(b))
	// Output: {"dataDa":"2024-01-31"}
}

func ExampleError() {
	// What a client returns when GovPay answers 404 with a FaultBean.
	var err error = &govpay.Error{Operation: "pendenze.Get", StatusCode: 404,
		Categoria: govpay.CategoriaRichiesta, Codice: "404000", Descrizione: "Pendenza inesistente", IDTransazione: "abc123"}

	fmt.Println(errors.Is(err, govpay.ErrNotFound))
	var gerr *govpay.Error
	if errors.As(err, &gerr) {
		fmt.Println(gerr.Codice, gerr.IDTransazione)
	}
	fmt.Println(err)
	// Output:
	// true
	// 404000 abc123
	// govpay: pendenze.Get: GovPay answered 404 Not Found (RICHIESTA 404000): Pendenza inesistente [idTransazione abc123]
}

func ExampleValidationError() {
	// Every invalid input is refused before anything is sent, with all the
	// broken rules at once.
	err := govpay.Soggetto{Tipo: govpay.SoggettoFisico, Anagrafica: "Mario Rossi"}.Validate()
	var ve *govpay.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.What, ve.Has("identificativo"))
	}

	fmt.Println(errors.Is(err, govpay.ErrInvalid))
	fmt.Println(err)
	// Output:
	// soggetto true
	// true
	// govpay: invalid soggetto: identificativo: required
}

func ExampleNewConfig() {
	cfg, err := govpay.NewConfig("https://govpay.example.it", govpay.WithBasicAuth("portale", "s3cret"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg) // never a credential
	_, err = govpay.NewConfig("ftp://govpay.example.it", govpay.WithBasicAuth("portale", ""))
	fmt.Println(err)
	// Output:
	// govpay.Config(https://govpay.example.it, basic)
	// govpay: invalid options: host: must be an absolute http or https URL; WithBasicAuth.password: must not be empty
}
