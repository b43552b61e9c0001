package bench

// P1 Put: pendenze.Client.Put of a full pendenza (three voci: a revenue, an
// IBAN, a revenue stamp) vs the raw generated client (genPut) and a PUT
// written by hand (rawPut).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pendenze"
)

const (
	putIDA2A      = "A2A-1"
	putIDPendenza = "P-1"
)

var (
	putDataValidita = govpay.NewDate(2900, 12, 31)
	putDataScadenza = govpay.NewDate(2999, 12, 31)
)

// putPendenza is the pendenza of the P1 Put.
func putPendenza() pendenze.Pendenza {
	return pendenze.Pendenza{
		IDTipoPendenza: "LIBERO",
		IDDominio:      idDominio,
		Causale:        "Pagamento dovuto n. 1",
		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I",
			Anagrafica: "Mario Rossi", Email: "mario.rossi@testmail.it", Cellulare: "+39 000-0000000"},
		Importo:      govpay.Centesimi(12599),
		DataValidita: putDataValidita,
		DataScadenza: putDataScadenza,
		Voci: []pendenze.Voce{
			pendenze.VoceEntrata("1", govpay.Centesimi(9999), "Diritti e segreteria", pendenze.Entrata{CodEntrata: "SEGRETERIA"}),
			pendenze.VoceAccredito("2", govpay.Euro(10), "Diritti e segreteria", pendenze.Accredito{IBANAccredito: "IT02L1234500000999990000001", TipoContabilita: pendenze.ContabilitaAltro, CodiceContabilita: "CodiceContabilita"}),
			pendenze.VoceBollo("3", govpay.Euro(16), "Marca da bollo", pendenze.Bollo{HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RO"}),
		},
	}
}

// Hand-written wire types of the raw Put.
type (
	rawPutSoggetto struct {
		Tipo           string `json:"tipo"`
		Identificativo string `json:"identificativo"`
		Anagrafica     string `json:"anagrafica,omitempty"`
		Email          string `json:"email,omitempty"`
		Cellulare      string `json:"cellulare,omitempty"`
	}
	rawPutVoce struct {
		IDVocePendenza     string  `json:"idVocePendenza"`
		Importo            float64 `json:"importo"`
		Descrizione        string  `json:"descrizione"`
		IBANAccredito      string  `json:"ibanAccredito,omitempty"`
		TipoContabilita    string  `json:"tipoContabilita,omitempty"`
		CodiceContabilita  string  `json:"codiceContabilita,omitempty"`
		CodEntrata         string  `json:"codEntrata,omitempty"`
		TipoBollo          string  `json:"tipoBollo,omitempty"`
		HashDocumento      string  `json:"hashDocumento,omitempty"`
		ProvinciaResidenza string  `json:"provinciaResidenza,omitempty"`
	}
	rawPutPendenza struct {
		IDTipoPendenza   string         `json:"idTipoPendenza"`
		IDDominio        string         `json:"idDominio"`
		Causale          string         `json:"causale"`
		SoggettoPagatore rawPutSoggetto `json:"soggettoPagatore"`
		Importo          float64        `json:"importo"`
		DataValidita     string         `json:"dataValidita,omitempty"`
		DataScadenza     string         `json:"dataScadenza,omitempty"`
		Voci             []rawPutVoce   `json:"voci"`
	}
	rawCaricata struct {
		IDDominio    string `json:"idDominio"`
		NumeroAvviso string `json:"numeroAvviso"`
		UUID         string `json:"UUID"`
	}
)

// rawPutBody is the P1 Put pendenza as the hand-written wire type.
func rawPutBody() rawPutPendenza {
	return rawPutPendenza{
		IDTipoPendenza: "LIBERO", IDDominio: idDominio, Causale: "Pagamento dovuto n. 1",
		SoggettoPagatore: rawPutSoggetto{Tipo: "F", Identificativo: "RSSMRA30A01H501I", Anagrafica: "Mario Rossi",
			Email: "mario.rossi@testmail.it", Cellulare: "+39 000-0000000"},
		Importo: 125.99, DataValidita: "2900-12-31", DataScadenza: "2999-12-31",
		Voci: []rawPutVoce{
			{IDVocePendenza: "1", Importo: 99.99, Descrizione: "Diritti e segreteria", CodEntrata: "SEGRETERIA"},
			{IDVocePendenza: "2", Importo: 10, Descrizione: "Diritti e segreteria", IBANAccredito: "IT02L1234500000999990000001",
				TipoContabilita: "ALTRO", CodiceContabilita: "CodiceContabilita"},
			{IDVocePendenza: "3", Importo: 16, Descrizione: "Marca da bollo", TipoBollo: "01",
				HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RO"},
		},
	}
}

// rawPut is what a careful integrator writes by hand: the body encoded,
// Basic authentication, 201 or 200 accepted, the answer decoded.
func rawPut(ctx context.Context, hc *http.Client, base string, p *rawPutPendenza) (*rawCaricata, bool, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return nil, false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/pendenze/"+putIDA2A+"/"+putIDPendenza, bytes.NewReader(body))
	if err != nil {
		return nil, false, err
	}
	req.SetBasicAuth(benchUser, benchPassword)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, false, fmt.Errorf("status %d", resp.StatusCode)
	}
	var out rawCaricata
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, false, err
	}
	return &out, resp.StatusCode == http.StatusCreated, nil
}

func BenchmarkP1Put(b *testing.B) {
	srv, hits := serve(b, p1Handler(nil))
	base := srv.URL + pathPendenze
	ctx := context.Background()
	newSDK := func(b *testing.B) *pendenze.Client {
		return pendenze.New(testutil.Config(b, govpay.APIPendenze, base, sdkOptions()...))
	}
	sdk := func(c *pendenze.Client, p pendenze.Pendenza) error {
		car, err := c.Put(ctx, putIDA2A, putIDPendenza, p)
		if err == nil && !car.Created {
			err = fmt.Errorf("not created: %+v", car)
		}
		return err
	}
	b.Run("impl=sdk", func(b *testing.B) {
		c, p := newSDK(b), putPendenza()
		b.ReportAllocs()
		for b.Loop() {
			if err := sdk(c, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=gen", func(b *testing.B) {
		g, err := genPendenze(rawClient(), base)
		if err != nil {
			b.Fatal(err)
		}
		p := genPutBody()
		b.ReportAllocs()
		for b.Loop() {
			if _, created, err := genPut(ctx, g, p); err != nil || !created {
				b.Fatal(created, err)
			}
		}
	})
	b.Run("impl=raw", func(b *testing.B) {
		hc, p := rawClient(), rawPutBody()
		b.ReportAllocs()
		for b.Loop() {
			if _, created, err := rawPut(ctx, hc, base, &p); err != nil || !created {
				b.Fatal(created, err)
			}
		}
	})
	b.Run("impl=paired", func(b *testing.B) {
		c, p := newSDK(b), putPendenza()
		g, err := genPendenze(rawClient(), base)
		if err != nil {
			b.Fatal(err)
		}
		gp := genPutBody()
		hc, rp := rawClient(), rawPutBody()
		paired3(b, func() error { return sdk(c, p) }, func() error {
			_, _, err := genPut(ctx, g, gp)
			return err
		}, func() error {
			_, _, err := rawPut(ctx, hc, base, &rp)
			return err
		})
	})
	if hits.n.Load() == 0 {
		b.Fatal("no request reached the server")
	}
}
