package bench

// The peer of DESIGN §7: the raw generated clients (internal/gen/…, from
// our specs in api/) on a plain http.Client, doing the P1 calls the way a
// Go developer would with oapi-codegen's output alone: the generated
// ClientInterface methods that take a generated model (encoded by the
// generated code with encoding/json), Basic authentication and Accept added
// by a request editor, the answer decoded with encoding/json into the
// generated model, no validation. Our configs generate no
// ClientWithResponses (no code uses it), so the answer is read by hand,
// as ClientWithResponses would: status check, then json.Unmarshal of the
// generated model.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	genpagamento "github.com/govpaygo/govpay/internal/gen/pagamento"
	genpendenze "github.com/govpaygo/govpay/internal/gen/pendenze"
)

// genAuth is the request editor of the generated peers.
func genAuth(_ context.Context, req *http.Request) error {
	req.SetBasicAuth(benchUser, benchPassword)
	req.Header.Set("Accept", "application/json")
	return nil
}

// genPagamento is the raw generated API Pagamento v2 client on hc.
func genPagamento(hc *http.Client, base string) (*genpagamento.Client, error) {
	return genpagamento.NewClient(base+"/", genpagamento.WithHTTPClient(hc), genpagamento.WithRequestEditorFn(genAuth))
}

// genPendenze is the raw generated API Pendenze v2 client on hc.
func genPendenze(hc *http.Client, base string) (*genpendenze.Client, error) {
	return genpendenze.NewClient(base+"/", genpendenze.WithHTTPClient(hc), genpendenze.WithRequestEditorFn(genAuth))
}

// genRead checks the status and the content type of an answer and
// decodes its body into out with encoding/json, as the generated
// ClientWithResponses' Parse… functions do.
func genRead(resp *http.Response, err error, out any, ok ...int) (int, error) {
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	good := false
	for _, s := range ok {
		good = good || resp.StatusCode == s
	}
	if !good {
		return resp.StatusCode, fmt.Errorf("status %d", resp.StatusCode)
	}
	if !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return resp.StatusCode, errors.New("not JSON")
	}
	return resp.StatusCode, json.Unmarshal(body, out)
}

// genGetAvviso is GET /avvisi/{idDominio}/{numeroAvviso} through the raw
// generated client.
func genGetAvviso(ctx context.Context, g *genpagamento.Client, dominio, numero string) (*genpagamento.Avviso, error) {
	var a genpagamento.Avviso
	resp, err := g.GetAvviso(ctx, dominio, numero, nil)
	if _, err := genRead(resp, err, &a, http.StatusOK); err != nil {
		return nil, err
	}
	return &a, nil
}

// genPutBody is the P1 Put pendenza as the generated model.
func genPutBody() genpendenze.NuovaPendenza {
	s := func(v string) *string { return &v }
	contabilita := genpendenze.TipoContabilitaALTRO
	bollo := genpendenze.TipoBolloN01
	validita, scadenza := putDataValidita, putDataScadenza
	return genpendenze.NuovaPendenza{
		IDTipoPendenza: "LIBERO", IDDominio: idDominio, Causale: "Pagamento dovuto n. 1",
		SoggettoPagatore: genpendenze.Soggetto{Tipo: genpendenze.TipoSoggettoF, Identificativo: "RSSMRA30A01H501I",
			Anagrafica: s("Mario Rossi"), Email: s("mario.rossi@testmail.it"), Cellulare: s("+39 000-0000000")},
		Importo:      12599,
		DataValidita: &validita, DataScadenza: &scadenza,
		Voci: []genpendenze.NuovaVocePendenza{
			{IDVocePendenza: "1", Importo: 9999, Descrizione: "Diritti e segreteria", CodEntrata: s("SEGRETERIA")},
			{IDVocePendenza: "2", Importo: 1000, Descrizione: "Diritti e segreteria", IBANAccredito: s("IT02L1234500000999990000001"),
				TipoContabilita: &contabilita, CodiceContabilita: s("CodiceContabilita")},
			{IDVocePendenza: "3", Importo: 1600, Descrizione: "Marca da bollo", TipoBollo: &bollo,
				HashDocumento: s("a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8="), ProvinciaResidenza: s("RO")},
		},
	}
}

// genPut is PUT /pendenze/{idA2A}/{idPendenza} through the raw generated
// client: the generated model encoded by the generated code.
func genPut(ctx context.Context, g *genpendenze.Client, body genpendenze.NuovaPendenza) (*genpendenze.PendenzaCreata, bool, error) {
	var out genpendenze.PendenzaCreata
	resp, err := g.PutPendenza(ctx, putIDA2A, putIDPendenza, nil, body)
	status, err := genRead(resp, err, &out, http.StatusCreated, http.StatusOK)
	if err != nil {
		return nil, false, err
	}
	return &out, status == http.StatusCreated, nil
}

// genStart is POST /pagamenti through the raw generated client: the cart
// built as generated models (PendenzaCarrello's From… helpers encode each
// item), the body encoded by the generated code, the redirect checked as
// the other two implementations check it.
func genStart(ctx context.Context, g *genpagamento.Client) (*genpagamento.PagamentoCreato, error) {
	s := func(v string) *string { return &v }
	bollo := genpagamento.TipoBolloImpostaDiBollo
	var item, avviso genpagamento.PendenzaCarrello
	if err := item.FromNuovaPendenza(genpagamento.NuovaPendenza{
		IDA2A: "PORTALE", IDPendenza: "PRATICA-2026-123", IDTipoPendenza: "SEGRETERIA", IDDominio: idDominio,
		Causale: "Diritti di segreteria pratica 2026/123",
		SoggettoPagatore: genpagamento.Soggetto{Tipo: genpagamento.TipoSoggettoF, Identificativo: "RSSMRA30A01H501I",
			Anagrafica: s("Mario Rossi"), Email: s("mario.rossi@example.it")},
		Importo: 2599,
		Voci: []genpagamento.NuovaVocePendenza{
			{IDVocePendenza: "1", Importo: 999, Descrizione: "Diritti di segreteria", CodEntrata: s("SEGRETERIA")},
			{IDVocePendenza: "2", Importo: 1600, Descrizione: "Marca da bollo", TipoBollo: &bollo,
				HashDocumento: s("a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8="), ProvinciaResidenza: s("RM")},
		},
	}); err != nil {
		return nil, err
	}
	if err := avviso.FromRiferimentoAvviso(genpagamento.RiferimentoAvviso{IDDominio: idDominio, NumeroAvviso: numeroAvviso}); err != nil {
		return nil, err
	}
	lingua := genpagamento.LinguaPagamentoIt
	var out genpagamento.PagamentoCreato
	resp, err := g.CreatePagamento(ctx, &genpagamento.CreatePagamentoParams{IDSessionePortale: s("sess-2026-0001")},
		genpagamento.NuovoPagamento{Pendenze: []genpagamento.PendenzaCarrello{item, avviso}, URLRitorno: s(urlRitorno), Lingua: &lingua})
	if _, err := genRead(resp, err, &out, http.StatusCreated); err != nil {
		return nil, err
	}
	u, err := url.Parse(out.Redirect)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("unsafe redirect %q", out.Redirect)
	}
	return &out, nil
}
