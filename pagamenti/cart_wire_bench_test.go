package pagamenti

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/pendenze"
)

// BenchmarkCartWire measures, in one run, the hand-written encoding of the
// POST /pagamenti body (cart_wire.go: the items' encode methods,
// appendWireString, wireImporto's json.Number, startBody splicing the
// pre-encoded items into one buffer) against plain encoding/json doing the
// same: every item and the body marshalled by json.Marshal, amounts as
// govpay.Importo. The cart is BenchmarkP1Start's (a full pendenza with two
// voci and a notice). Both variants build the cart with the Add methods,
// which encode the items by hand: the encoding/json variant pays that and
// its own encoding on top, so its cost is an upper bound.
func BenchmarkCartWire(b *testing.B) {
	p := pendenze.Pendenza{
		IDTipoPendenza: "SEGRETERIA",
		IDDominio:      testDominio,
		Causale:        "Diritti di segreteria pratica 2026/123",
		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "RSSMRA30A01H501I",
			Anagrafica: "Mario Rossi", Email: "mario.rossi@example.it"},
		Importo: govpay.Centesimi(2599),
		Voci: []pendenze.Voce{
			pendenze.VoceEntrata("1", govpay.Centesimi(999), "Diritti di segreteria", "SEGRETERIA"),
			pendenze.VoceBollo("2", govpay.Euro(16), "Marca da bollo", "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", "RM"),
		},
	}
	nav := validNAV(b, 1861)
	opts := StartOptions{URLRitorno: "https://portale.comune.it/pagopa/ritorno", IDSessionePortale: "sess-2026-0001", Lingua: LinguaItaliano}
	build := func() *Cart {
		return NewCart().AddPendenza("PORTALE", "PRATICA-2026-123", p).AddAvviso(testDominio, nav)
	}
	hand := func() ([]byte, error) { return startBody(build(), &opts) }
	std := func() ([]byte, error) { return stdStartBody(build(), &opts) }
	h, err := hand()
	if err != nil {
		b.Fatal(err)
	}
	s, err := std()
	if err != nil {
		b.Fatal(err)
	}
	if string(h) != string(s) {
		b.Fatalf("the two encodings differ:\nhand %s\nstd  %s", h, s)
	}
	b.Run("impl=paired", func(b *testing.B) {
		// The two variants alternate in one loop, so that the load of a
		// shared machine falls on both alike.
		var th, ts time.Duration
		for i := 0; b.Loop(); i++ {
			for k := range 2 {
				f, t := hand, &th
				if (i+k)%2 == 1 {
					f, t = std, &ts
				}
				start := time.Now()
				if _, err := f(); err != nil {
					b.Fatal(err)
				}
				*t += time.Since(start)
			}
		}
		b.ReportMetric(float64(th.Nanoseconds())/float64(b.N), "hand-ns/op")
		b.ReportMetric(float64(ts.Nanoseconds())/float64(b.N), "std-ns/op")
		b.ReportMetric(float64(ts-th)/float64(b.N), "saved-ns/op")
	})
	for _, v := range []struct {
		name string
		f    func() ([]byte, error)
	}{{"impl=hand", hand}, {"impl=encoding-json", std}} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// stdStartBody is the body of POST /pagamenti written with encoding/json
// only.
func stdStartBody(c *Cart, o *StartOptions) ([]byte, error) {
	items := make([]json.RawMessage, len(c.items))
	for i := range c.items {
		var err error
		if items[i], err = stdItem(&c.items[i].Item); err != nil {
			return nil, err
		}
	}
	return json.Marshal(nuovoPagamentoWire{
		Pendenze: items, URLRitorno: o.URLRitorno, ContoAddebito: o.ContoAddebito,
		DataEsecuzionePagamento: o.DataEsecuzionePagamento, CredenzialiPagatore: o.CredenzialiPagatore,
		SoggettoVersante: o.SoggettoVersante, AutenticazioneSoggetto: o.AutenticazioneSoggetto, Lingua: o.Lingua,
	})
}

type stdVoce struct {
	IDVocePendenza        string                   `json:"idVocePendenza"`
	Importo               govpay.Importo           `json:"importo"`
	Descrizione           string                   `json:"descrizione"`
	DescrizioneCausaleRPT string                   `json:"descrizioneCausaleRPT,omitempty"`
	DatiAllegati          json.RawMessage          `json:"datiAllegati,omitempty"`
	Contabilita           *pendenze.Contabilita    `json:"contabilita,omitempty"`
	Metadata              *pendenze.Metadata       `json:"metadata,omitempty"`
	IDDominio             string                   `json:"idDominio,omitempty"`
	IBANAccredito         string                   `json:"ibanAccredito,omitempty"`
	IBANAppoggio          string                   `json:"ibanAppoggio,omitempty"`
	TipoContabilita       pendenze.TipoContabilita `json:"tipoContabilita,omitempty"`
	CodiceContabilita     string                   `json:"codiceContabilita,omitempty"`
	CodEntrata            string                   `json:"codEntrata,omitempty"`
	TipoBollo             string                   `json:"tipoBollo,omitempty"`
	HashDocumento         string                   `json:"hashDocumento,omitempty"`
	ProvinciaResidenza    string                   `json:"provinciaResidenza,omitempty"`
}

type stdPendenza struct {
	IDA2A             string                    `json:"idA2A"`
	IDPendenza        string                    `json:"idPendenza"`
	IDTipoPendenza    string                    `json:"idTipoPendenza,omitempty"`
	IDDominio         string                    `json:"idDominio"`
	IDUnitaOperativa  string                    `json:"idUnitaOperativa,omitempty"`
	Causale           string                    `json:"causale"`
	SoggettoPagatore  govpay.Soggetto           `json:"soggettoPagatore,omitzero"`
	Importo           govpay.Importo            `json:"importo"`
	NumeroAvviso      string                    `json:"numeroAvviso,omitempty"`
	Tassonomia        string                    `json:"tassonomia,omitempty"`
	TassonomiaAvviso  pendenze.TassonomiaAvviso `json:"tassonomiaAvviso,omitempty"`
	DataValidita      govpay.Date               `json:"dataValidita,omitzero"`
	DataScadenza      govpay.Date               `json:"dataScadenza,omitzero"`
	AnnoRiferimento   int                       `json:"annoRiferimento,omitempty"`
	CartellaPagamento string                    `json:"cartellaPagamento,omitempty"`
	DatiAllegati      json.RawMessage           `json:"datiAllegati,omitempty"`
	Direzione         string                    `json:"direzione,omitempty"`
	Divisione         string                    `json:"divisione,omitempty"`
	Proprieta         *pendenze.Proprieta       `json:"proprieta,omitempty"`
	Voci              []stdVoce                 `json:"voci"`
	Allegati          []pendenze.Allegato       `json:"allegati,omitempty"`
}

// stdItem is one item's wire form, by json.Marshal.
func stdItem(it *Item) (json.RawMessage, error) {
	switch it.Kind {
	case ItemRiferimento:
		return json.Marshal(riferimentoWire{IDA2A: it.IDA2A, IDPendenza: it.IDPendenza})
	case ItemAvviso:
		return json.Marshal(avvisoWire{IDDominio: it.IDDominio, NumeroAvviso: it.NumeroAvviso})
	case ItemSpontaneo:
		return json.Marshal(spontaneoWire{IDDominio: it.IDDominio, IDTipoPendenza: it.IDTipoPendenza, Dati: it.Dati})
	}
	p := it.Pendenza
	w := stdPendenza{
		IDA2A: it.IDA2A, IDPendenza: it.IDPendenza, IDTipoPendenza: p.IDTipoPendenza, IDDominio: p.IDDominio,
		IDUnitaOperativa: p.IDUnitaOperativa, Causale: p.Causale, SoggettoPagatore: p.SoggettoPagatore,
		Importo: p.Importo, NumeroAvviso: p.NumeroAvviso, Tassonomia: p.Tassonomia, TassonomiaAvviso: p.TassonomiaAvviso,
		DataValidita: p.DataValidita, DataScadenza: p.DataScadenza, AnnoRiferimento: p.AnnoRiferimento,
		CartellaPagamento: p.CartellaPagamento, DatiAllegati: p.DatiAllegati, Direzione: p.Direzione, Divisione: p.Divisione,
		Proprieta: p.Proprieta, Allegati: p.Allegati, Voci: make([]stdVoce, len(p.Voci)),
	}
	for i := range p.Voci {
		v, err := voceToWire(&p.Voci[i])
		if err != nil {
			return nil, err
		}
		w.Voci[i] = stdVoce{IDVocePendenza: v.IDVocePendenza, Importo: p.Voci[i].Importo, Descrizione: v.Descrizione,
			DescrizioneCausaleRPT: v.DescrizioneCausaleRPT, DatiAllegati: v.DatiAllegati, Contabilita: v.Contabilita,
			Metadata: v.Metadata, IDDominio: v.IDDominio, IBANAccredito: v.IBANAccredito, IBANAppoggio: v.IBANAppoggio,
			TipoContabilita: v.TipoContabilita, CodiceContabilita: v.CodiceContabilita, CodEntrata: v.CodEntrata,
			TipoBollo: v.TipoBollo, HashDocumento: v.HashDocumento, ProvinciaResidenza: v.ProvinciaResidenza}
	}
	return json.Marshal(&w)
}

