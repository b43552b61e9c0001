package pendenze

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
)

func TestValidPendenzeValidate(t *testing.T) {
	require.NoError(t, validPendenza().Validate(), "GovPay's demo data is valid in the default mode")
	require.NoError(t, strictPendenza().ValidateStrict())

	anon := validPendenza()
	anon.SoggettoPagatore = govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "ANONIMO"}
	require.NoError(t, anon.Validate())
	anonStrict := strictPendenza()
	anonStrict.SoggettoPagatore = govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "ANONIMO"}
	require.NoError(t, anonStrict.ValidateStrict(), "ANONIMO is a pagoPA identifier, allowed in strict mode too")

	foreign := validPendenza()
	foreign.SoggettoPagatore = govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "DE123456789", Nazione: "DE"}
	require.NoError(t, foreign.Validate(), "foreign identifiers are allowed by default")

	piva := strictPendenza()
	piva.SoggettoPagatore = govpay.Soggetto{Tipo: govpay.SoggettoGiuridico, Identificativo: "80015010723"}
	require.NoError(t, piva.ValidateStrict())

	// GovPay refuses 0 (minOrEquals(0), ValidatoreUtils.java:122): the
	// smallest amount is 0.01.
	zero := validPendenza()
	zero.Voci = zero.Voci[:1]
	zero.Voci[0].Importo = 1
	zero.Importo = 1
	require.NoError(t, zero.Validate(), "GovPay's minimum is 0.01")
	zero.Voci[0].Importo, zero.Importo = 0, 0
	require.Error(t, zero.Validate(), "GovPay refuses 0.00")

	max := validPendenza()
	max.Voci = max.Voci[:1]
	max.Voci[0].Importo = govpay.MaxImporto
	max.Importo = govpay.MaxImporto
	require.NoError(t, max.Validate())

	soglia := validPendenza()
	soglia.Documento = &Documento{Identificativo: "D", Descrizione: "d", Soglia: &Soglia{Tipo: SogliaEntro, Giorni: 5}}
	require.NoError(t, soglia.Validate())

	// GovPay 3.9 dropped VER_031: a numeroAvviso is allowed with any voci.
	avviso := validPendenza()
	withoutBollo(&avviso)
	avviso.NumeroAvviso = "301000000000001861"
	require.NoError(t, avviso.Validate())
	bollo := validPendenza()
	bollo.Voci = bollo.Voci[2:]
	bollo.Importo = bollo.Voci[0].Importo
	bollo.NumeroAvviso = "301000000000001861"
	require.NoError(t, bollo.Validate())
	require.NoError(t, validPendenza().Validate(), "no numeroAvviso: GovPay accepts the bollo among several voci")
	multi := validPendenza()
	multi.NumeroAvviso = "301000000000001861"
	require.NoError(t, multi.Validate(), "a numeroAvviso next to a bollo among several voci (VER_031 is gone)")

	// No payer: GovPay records ANONIMO.
	noPayer := validPendenza()
	noPayer.SoggettoPagatore = govpay.Soggetto{}
	require.NoError(t, noPayer.Validate())
	require.NoError(t, func() error { p := strictPendenza(); p.SoggettoPagatore = govpay.Soggetto{}; return p.ValidateStrict() }())

	// Any valid UTF-8 text without control characters is sent as it is.
	text := validPendenza()
	text.Causale = "Tariffa rifiuti – Città di Forlì € 2026 «rata» 😀"
	text.Voci[0].Descrizione = "Diritti di segreteria: Ä Ö Ü ß ñ"
	text.Voci[0].DescrizioneCausaleRPT = "Prestação nº 1"
	text.SoggettoPagatore.Anagrafica = "Nicolò D'Annunzio"
	text.SoggettoPagatore.Indirizzo = "Via dell'Università"
	text.SoggettoPagatore.Localita = "Forlì"
	require.NoError(t, text.Validate())
	b, err := json.Marshal(text)
	require.NoError(t, err)
	var back Pendenza
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, text.Causale, back.Causale, "the causale travels unchanged")
}

func TestStrictFailsDemoData(t *testing.T) {
	err := validPendenza().ValidateStrict()
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("idDominio"), "demo domain 01234567890 fails the check digit")
	assert.True(t, ve.Has("voci[1].ibanAccredito"), "demo IBAN fails mod 97")
	assert.Len(t, ve.Violations, 2, "%v", ve.Violations)

	for name, tc := range map[string]struct {
		mut   func(*Pendenza)
		field string
	}{
		"bad codice fiscale": {func(p *Pendenza) { p.SoggettoPagatore.Identificativo = "RSSMRA30A01H501J" }, "soggettoPagatore.identificativo"},
		"bad partita IVA":    {func(p *Pendenza) { p.SoggettoPagatore.Identificativo = "80015010724" }, "soggettoPagatore.identificativo"},
		"foreign id":         {func(p *Pendenza) { p.SoggettoPagatore.Identificativo = "DE123456789" }, "soggettoPagatore.identificativo"},
		"voce idDominio":     {func(p *Pendenza) { p.Voci[0].IDDominio = "01234567890" }, "voci[0].idDominio"},
		"iban appoggio checksum": {func(p *Pendenza) {
			p.Voci[1].Kind = Accredito{IBANAccredito: "IT60X0542811101000000123456", IBANAppoggio: "IT60X0542811101000000123457", TipoContabilita: ContabilitaAltro, CodiceContabilita: "xyz"}
		}, "voci[1].ibanAppoggio"},
	} {
		t.Run(name, func(t *testing.T) {
			p := strictPendenza()
			tc.mut(&p)
			require.NoError(t, p.Validate(), "only strict mode refuses it")
			err := p.ValidateStrict()
			var ve *govpay.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has(tc.field), "%v", ve.Violations)
		})
	}
}

// invalidCases are pendenze GovPay refuses, each with the field path the
// violation must name.
var invalidCases = []struct {
	name  string
	idA2A string // "" means "A2A-1"
	idP   string // "" means "P-1"
	mut   func(*Pendenza)
	field string
}{
	{"idA2A pattern", "A2A/1", "", nil, "idA2A"},
	{"idA2A too long", strings.Repeat("a", 36), "", nil, "idA2A"},
	{"idPendenza pattern", "", "P 1", nil, "idPendenza"},
	{"idTipoPendenza pattern", "", "", func(p *Pendenza) { p.IDTipoPendenza = "TIPO/1" }, "idTipoPendenza"},
	{"idDominio missing", "", "", func(p *Pendenza) { p.IDDominio = "" }, "idDominio"},
	{"idDominio 10 digits", "", "", func(p *Pendenza) { p.IDDominio = "0123456789" }, "idDominio"},
	{"idDominio letters", "", "", func(p *Pendenza) { p.IDDominio = "0123456789A" }, "idDominio"},
	{"idUnitaOperativa pattern", "", "", func(p *Pendenza) { p.IDUnitaOperativa = "UO 1" }, "idUnitaOperativa"},
	{"causale missing", "", "", func(p *Pendenza) { p.Causale = "" }, "causale"},
	{"causale too long", "", "", func(p *Pendenza) { p.Causale = strings.Repeat("c", 141) }, "causale"},
	{"soggetto cellulare pattern", "", "", func(p *Pendenza) { p.SoggettoPagatore.Cellulare = "3331234567" }, "soggettoPagatore.cellulare"},
	{"soggetto cap 17", "", "", func(p *Pendenza) { p.SoggettoPagatore.CAP = strings.Repeat("1", 17) }, "soggettoPagatore.cap"},
	{"soggetto email not ASCII", "", "", func(p *Pendenza) { p.SoggettoPagatore.Email = "nicolò@example.it" }, "soggettoPagatore.email"},
	{"soggetto identificativo 17 chars", "", "", func(p *Pendenza) { p.SoggettoPagatore.Identificativo = strings.Repeat("A", 17) }, "soggettoPagatore.identificativo"},
	{"soggetto provincia too long", "", "", func(p *Pendenza) { p.SoggettoPagatore.Provincia = strings.Repeat("p", 36) }, "soggettoPagatore.provincia"},
	{"soggetto email", "", "", func(p *Pendenza) { p.SoggettoPagatore.Email = "mario.rossi" }, "soggettoPagatore.email"},
	{"soggetto nazione", "", "", func(p *Pendenza) { p.SoggettoPagatore.Nazione = "it" }, "soggettoPagatore.nazione"},
	{"soggetto anagrafica too long", "", "", func(p *Pendenza) { p.SoggettoPagatore.Anagrafica = strings.Repeat("a", 71) }, "soggettoPagatore.anagrafica"},
	{"causale invalid UTF-8", "", "", func(p *Pendenza) { p.Causale = "TARI \xff 2026" }, "causale"},
	{"causale truncated UTF-8", "", "", func(p *Pendenza) { p.Causale = "Citt\xc3" }, "causale"},
	{"importo zero", "", "", func(p *Pendenza) { p.Importo = 0 }, "importo"},
	{"voce importo zero", "", "", func(p *Pendenza) { p.Voci[2].Importo = 0; p.Importo -= govpay.Centesimi(1600) }, "voci[2].importo"},
	{"causale 141 UTF-16 units", "", "", func(p *Pendenza) { p.Causale = strings.Repeat("c", 139) + "😀" }, "causale"},
	{"idVocePendenza pattern", "", "", func(p *Pendenza) { p.Voci[1].IDVocePendenza = "voce 2" }, "voci[1].idVocePendenza"},
	{"voce descrizione invalid UTF-8", "", "", func(p *Pendenza) { p.Voci[1].Descrizione = "Diritti \xc3\x28" }, "voci[1].descrizione"},
	{"direzione pattern", "", "", func(p *Pendenza) { p.Direzione = "Dir. Tributi" }, "direzione"},
	{"voce descrizioneCausaleRPT invalid UTF-8", "", "", func(p *Pendenza) { p.Voci[2].DescrizioneCausaleRPT = "\xed\xa0\x80" }, "voci[2].descrizioneCausaleRPT"},
	{"divisione pattern", "", "", func(p *Pendenza) { p.Divisione = "Div/1" }, "divisione"},
	{"soggetto anagrafica invalid UTF-8", "", "", func(p *Pendenza) { p.SoggettoPagatore.Anagrafica = "Nicol\xf2 Rossi" }, "soggettoPagatore.anagrafica"},
	{"documento identificativo pattern", "", "", func(p *Pendenza) { p.Documento = &Documento{Identificativo: "DOC 1", Descrizione: "d", Rata: 1} }, "documento.identificativo"},
	{"soggetto indirizzo invalid UTF-8", "", "", func(p *Pendenza) { p.SoggettoPagatore.Indirizzo = "Via Citt\xe0" }, "soggettoPagatore.indirizzo"},
	{"documento descrizione 256", "", "", func(p *Pendenza) {
		p.Documento = &Documento{Identificativo: "D", Descrizione: strings.Repeat("d", 256), Rata: 1}
	}, "documento.descrizione"},
	{"soglia ENTRO 1 giorno", "", "", func(p *Pendenza) {
		p.Documento = &Documento{Identificativo: "D", Descrizione: "d", Soglia: &Soglia{Tipo: SogliaEntro, Giorni: 1}}
	}, "documento.soglia.giorni"},
	{"soggetto localita invalid UTF-8", "", "", func(p *Pendenza) { p.SoggettoPagatore.Localita = "Forl\xec" }, "soggettoPagatore.localita"},
	{"soglia SCONTATO with giorni", "", "", func(p *Pendenza) {
		p.Documento = &Documento{Identificativo: "D", Descrizione: "d", Soglia: &Soglia{Tipo: SogliaScontato, Giorni: 5}}
	}, "documento.soglia.giorni"},
	{"soggetto email control", "", "", func(p *Pendenza) { p.SoggettoPagatore.Email = "mario\x01rossi@testmail.it" }, "soggettoPagatore.email"},
	{"soggetto cellulare invalid UTF-8", "", "", func(p *Pendenza) { p.SoggettoPagatore.Cellulare = "+39 000\x80" }, "soggettoPagatore.cellulare"},
	{"importo not the sum", "", "", func(p *Pendenza) { p.Importo = govpay.Centesimi(12598) }, "importo"},
	{"importo above max", "", "", func(p *Pendenza) { p.Importo = govpay.MaxImporto + 1 }, "importo"},
	{"importo negative", "", "", func(p *Pendenza) { p.Importo = -1 }, "importo"},
	{"numeroAvviso 17 digits", "", "", func(p *Pendenza) { withoutBollo(p); p.NumeroAvviso = "30100000000000186" }, "numeroAvviso"},
	{"numeroAvviso check digits", "", "", func(p *Pendenza) { withoutBollo(p); p.NumeroAvviso = "301000000000001862" }, "numeroAvviso"},
	{"numeroAvviso aux digit", "", "", func(p *Pendenza) { withoutBollo(p); p.NumeroAvviso = "901000000000001861" }, "numeroAvviso"},
	{"codiceContabilita 2 characters", "", "", func(p *Pendenza) {
		p.Voci[1].Kind = Accredito{IBANAccredito: "IT60X0542811101000000123456", TipoContabilita: ContabilitaAltro, CodiceContabilita: "XX"}
	}, "voci[1].codiceContabilita"},
	{"codiceContabilita with a space", "", "", func(p *Pendenza) {
		p.Voci[1].Kind = Accredito{IBANAccredito: "IT60X0542811101000000123456", TipoContabilita: ContabilitaAltro, CodiceContabilita: "XXX X"}
	}, "voci[1].codiceContabilita"},
	{"tassonomia too long", "", "", func(p *Pendenza) { p.Tassonomia = strings.Repeat("t", 36) }, "tassonomia"},
	{"tassonomiaAvviso unknown", "", "", func(p *Pendenza) { p.TassonomiaAvviso = "Altro" }, "tassonomiaAvviso"},
	{"direzione too long", "", "", func(p *Pendenza) { p.Direzione = strings.Repeat("d", 36) }, "direzione"},
	{"annoRiferimento", "", "", func(p *Pendenza) { p.AnnoRiferimento = 26 }, "annoRiferimento"},
	{"datiAllegati not JSON", "", "", func(p *Pendenza) { p.DatiAllegati = json.RawMessage(`{"a":`) }, "datiAllegati"},
	{"quota importo zero", "", "", func(p *Pendenza) {
		p.Voci[0].Contabilita = &Contabilita{Quote: []QuotaContabilita{{Capitolo: "c", AnnoEsercizio: 2026, Importo: 0}, {Capitolo: "d", AnnoEsercizio: 2026, Importo: govpay.Centesimi(9999)}}}
	}, "voci[0].contabilita.quote[0].importo"},
	{"metadata 16 entries", "", "", func(p *Pendenza) {
		p.Voci[0].Metadata = &Metadata{MapEntries: make([]MapEntry, 16)}
		for i := range p.Voci[0].Metadata.MapEntries {
			p.Voci[0].Metadata.MapEntries[i] = MapEntry{Key: "k", Value: "v"}
		}
	}, "voci[0].metadata.mapEntries"},
	{"documento identificativo", "", "", func(p *Pendenza) { p.Documento = &Documento{Descrizione: "d", Rata: 1} }, "documento.identificativo"},
	{"documento soglia giorni", "", "", func(p *Pendenza) {
		p.Documento = &Documento{Identificativo: "D", Descrizione: "d", Soglia: &Soglia{Tipo: SogliaOltre}}
	}, "documento.soglia.giorni"},
	{"documento soglia tipo", "", "", func(p *Pendenza) {
		p.Documento = &Documento{Identificativo: "D", Descrizione: "d", Soglia: &Soglia{Tipo: "DOPO", Giorni: 3}}
	}, "documento.soglia.tipo"},
	{"proprieta lingua", "", "", func(p *Pendenza) { p.Proprieta = &Proprieta{LinguaSecondaria: "es"} }, "proprieta.linguaSecondaria"},
	{"proprieta informativa too long", "", "", func(p *Pendenza) {
		s := strings.Repeat("x", 256)
		p.Proprieta = &Proprieta{InformativaImportoAvviso: &s}
	}, "proprieta.informativaImportoAvviso"},
	{"no voci", "", "", func(p *Pendenza) { p.Voci = nil; p.Importo = 0 }, "voci"},
	{"six voci", "", "", func(p *Pendenza) {
		p.Voci = nil
		for _, id := range []string{"1", "2", "3", "4", "5", "6"} {
			p.Voci = append(p.Voci, VoceEntrata(id, govpay.Euro(1), "d", Entrata{CodEntrata: "X"}))
		}
		p.Importo = govpay.Euro(6)
	}, "voci"},
	{"duplicate idVocePendenza", "", "", func(p *Pendenza) { p.Voci[2].IDVocePendenza = "1" }, "voci[2].idVocePendenza"},
	{"idVocePendenza missing", "", "", func(p *Pendenza) { p.Voci[0].IDVocePendenza = "" }, "voci[0].idVocePendenza"},
	{"idVocePendenza too long", "", "", func(p *Pendenza) { p.Voci[0].IDVocePendenza = strings.Repeat("v", 36) }, "voci[0].idVocePendenza"},
	{"voce importo negative", "", "", func(p *Pendenza) { p.Voci[2].Importo = -1 }, "voci[2].importo"},
	{"voce importo above max", "", "", func(p *Pendenza) { p.Voci[2].Importo = govpay.MaxImporto + 1 }, "voci[2].importo"},
	{"voce descrizione missing", "", "", func(p *Pendenza) { p.Voci[1].Descrizione = "" }, "voci[1].descrizione"},
	{"voce descrizione too long", "", "", func(p *Pendenza) { p.Voci[1].Descrizione = strings.Repeat("d", 256) }, "voci[1].descrizione"},
	{"voce descrizioneCausaleRPT too long", "", "", func(p *Pendenza) { p.Voci[1].DescrizioneCausaleRPT = strings.Repeat("d", 141) }, "voci[1].descrizioneCausaleRPT"},
	{"voce without kind", "", "", func(p *Pendenza) { p.Voci[1].Kind = nil }, "voci[1].kind"},
	{"voce idDominio", "", "", func(p *Pendenza) { p.Voci[0].IDDominio = "123" }, "voci[0].idDominio"},
	{"voce datiAllegati not JSON", "", "", func(p *Pendenza) { p.Voci[0].DatiAllegati = json.RawMessage(`text`) }, "voci[0].datiAllegati"},
	{"ibanAccredito missing", "", "", func(p *Pendenza) {
		p.Voci[1].Kind = Accredito{TipoContabilita: ContabilitaAltro, CodiceContabilita: "xyz"}
	}, "voci[1].ibanAccredito"},
	{"ibanAccredito format", "", "", func(p *Pendenza) {
		p.Voci[1].Kind = Accredito{IBANAccredito: "1T60X0542811101000000123456", TipoContabilita: ContabilitaAltro, CodiceContabilita: "xyz"}
	}, "voci[1].ibanAccredito"},
	{"ibanAccredito too long", "", "", func(p *Pendenza) {
		p.Voci[1].Kind = Accredito{IBANAccredito: "IT60" + strings.Repeat("1", 31), TipoContabilita: ContabilitaAltro, CodiceContabilita: "xyz"}
	}, "voci[1].ibanAccredito"},
	{"ibanAppoggio format", "", "", func(p *Pendenza) {
		p.Voci[1].Kind = &Accredito{IBANAccredito: "IT60X0542811101000000123456", IBANAppoggio: "IT6", TipoContabilita: ContabilitaAltro, CodiceContabilita: "xyz"}
	}, "voci[1].ibanAppoggio"},
	{"tipoContabilita missing", "", "", func(p *Pendenza) {
		p.Voci[1].Kind = Accredito{IBANAccredito: "IT60X0542811101000000123456", CodiceContabilita: "x"}
	}, "voci[1].tipoContabilita"},
	{"tipoContabilita unknown", "", "", func(p *Pendenza) {
		p.Voci[1].Kind = Accredito{IBANAccredito: "IT60X0542811101000000123456", TipoContabilita: "BILANCIO", CodiceContabilita: "x"}
	}, "voci[1].tipoContabilita"},
	{"codiceContabilita missing", "", "", func(p *Pendenza) {
		p.Voci[1].Kind = Accredito{IBANAccredito: "IT60X0542811101000000123456", TipoContabilita: ContabilitaAltro}
	}, "voci[1].codiceContabilita"},
	{"codEntrata missing", "", "", func(p *Pendenza) { p.Voci[0].Kind = Entrata{} }, "voci[0].codEntrata"},
	{"codEntrata pattern", "", "", func(p *Pendenza) { p.Voci[0].Kind = Entrata{CodEntrata: "SEGR ETERIA"} }, "voci[0].codEntrata"},
	{"tipoBollo", "", "", func(p *Pendenza) {
		p.Voci[2].Kind = Bollo{TipoBollo: "Imposta di bollo", HashDocumento: "h", ProvinciaResidenza: "RO"}
	}, "voci[2].tipoBollo"},
	{"hashDocumento missing", "", "", func(p *Pendenza) { p.Voci[2].Kind = Bollo{ProvinciaResidenza: "RO"} }, "voci[2].hashDocumento"},
	{"hashDocumento too long", "", "", func(p *Pendenza) {
		p.Voci[2].Kind = Bollo{HashDocumento: strings.Repeat("h", 71), ProvinciaResidenza: "RO"}
	}, "voci[2].hashDocumento"},
	{"provinciaResidenza", "", "", func(p *Pendenza) { p.Voci[2].Kind = Bollo{HashDocumento: "h", ProvinciaResidenza: "Rovigo"} }, "voci[2].provinciaResidenza"},
	{"contabilita quote sum", "", "", func(p *Pendenza) {
		p.Voci[0].Contabilita = &Contabilita{Quote: []QuotaContabilita{{Capitolo: "c", AnnoEsercizio: 2026, Importo: govpay.Euro(1)}}}
	}, "voci[0].contabilita.quote"},
	{"contabilita capitolo", "", "", func(p *Pendenza) {
		p.Voci[0].Contabilita = &Contabilita{Quote: []QuotaContabilita{{AnnoEsercizio: 2026, Importo: govpay.Centesimi(9999)}}}
	}, "voci[0].contabilita.quote[0].capitolo"},
	{"contabilita annoEsercizio", "", "", func(p *Pendenza) {
		p.Voci[0].Contabilita = &Contabilita{Quote: []QuotaContabilita{{Capitolo: "c", Importo: govpay.Centesimi(9999)}}}
	}, "voci[0].contabilita.quote[0].annoEsercizio"},
	{"contabilita quota importo", "", "", func(p *Pendenza) {
		p.Voci[0].Contabilita = &Contabilita{Quote: []QuotaContabilita{{Capitolo: "c", AnnoEsercizio: 2026, Importo: -5}}}
	}, "voci[0].contabilita.quote[0].importo"},
	{"metadata empty", "", "", func(p *Pendenza) { p.Voci[0].Metadata = &Metadata{} }, "voci[0].metadata.mapEntries"},
	{"metadata key missing", "", "", func(p *Pendenza) { p.Voci[0].Metadata = &Metadata{MapEntries: []MapEntry{{Value: "v"}}} }, "voci[0].metadata.mapEntries[0].key"},
	{"metadata value too long", "", "", func(p *Pendenza) {
		p.Voci[0].Metadata = &Metadata{MapEntries: []MapEntry{{Key: "k", Value: strings.Repeat("v", 141)}}}
	}, "voci[0].metadata.mapEntries[0].value"},
	{"allegato nome", "", "", func(p *Pendenza) { p.Allegati = []Allegato{{Contenuto: []byte("x")}} }, "allegati[0].nome"},
	{"allegato contenuto", "", "", func(p *Pendenza) { p.Allegati = []Allegato{{Nome: "a"}} }, "allegati[0].contenuto"},
}

// withoutBollo drops the marca da bollo (the last voce) of validPendenza.
func withoutBollo(p *Pendenza) {
	p.Importo -= p.Voci[2].Importo
	p.Voci = p.Voci[:2]
}

func TestPutRefusesInvalidPendenzeBeforeSending(t *testing.T) {
	require.GreaterOrEqual(t, len(invalidCases), 40)
	h := setup(t)
	h.mux.HandleFunc("/pendenze/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusCreated, caricataJSON)
	})
	for _, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			p := validPendenza()
			if tc.mut != nil {
				tc.mut(&p)
			}
			idA2A, idP := tc.idA2A, tc.idP
			if idA2A == "" {
				idA2A = "A2A-1"
			}
			if idP == "" {
				idP = "P-1"
			}
			before := h.hits.Load()
			car, err := h.client.Put(context.Background(), idA2A, idP, p)
			assert.Nil(t, car)
			var ve *govpay.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, errors.Is(err, govpay.ErrInvalid))
			assert.True(t, ve.Has(tc.field), "want a violation of %s, got %v", tc.field, ve.Violations)
			assert.Equal(t, before, h.hits.Load(), "no request may be sent")
			if tc.mut != nil {
				// The same rule, through Validate.
				perr := p.Validate()
				var pve *govpay.ValidationError
				require.ErrorAs(t, perr, &pve)
				assert.True(t, pve.Has(tc.field))
			}
		})
	}
	assert.Zero(t, h.hits.Load(), "server hits")
}

func TestValidateListsEveryViolation(t *testing.T) {
	p := validPendenza()
	p.IDDominio = "x"
	p.Causale = ""
	p.Voci[0].Descrizione = ""
	p.Voci[2].Kind = Bollo{}
	err := p.Validate()
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, f := range []string{"idDominio", "causale", "voci[0].descrizione", "voci[2].hashDocumento", "voci[2].provinciaResidenza"} {
		assert.True(t, ve.Has(f), "missing %s in %v", f, ve.Violations)
	}
	assert.Contains(t, err.Error(), "voci[2].provinciaResidenza")
}

// TestTextViolations: a text with both faults gets both rules, and a text
// json.Marshal would alter is refused before it is sent.
func TestTextViolations(t *testing.T) {
	p := validPendenza()
	p.Causale = "TARI\n\xff"
	p.Voci[0].Descrizione = "ok"
	var ve *govpay.ValidationError
	require.ErrorAs(t, p.Validate(), &ve)
	var rules []string
	for _, vi := range ve.Violations {
		if vi.Field == "causale" {
			rules = append(rules, vi.Rule)
		}
	}
	assert.Equal(t, []string{"must be valid UTF-8"}, rules, "GovPay accepts control characters")
	require.ErrorAs(t, p.ValidateStrict(), &ve)
	rules = nil
	for _, vi := range ve.Violations {
		if vi.Field == "causale" {
			rules = append(rules, vi.Rule)
		}
	}
	assert.Equal(t, []string{"must not contain control characters (U+0000 to U+001F) (strict mode)", "must be valid UTF-8"}, rules)

	// What json.Marshal would send instead: the reason for the rule.
	b, err := json.Marshal("TARI \xff")
	require.NoError(t, err)
	assert.Equal(t, `"TARI \ufffd"`, string(b))

	require.NoError(t, Voce{IDVocePendenza: "1", Importo: 1, Descrizione: "a\x00b", Kind: Entrata{CodEntrata: "X"}}.Validate(),
		"GovPay accepts a NUL in a descrizione")
	err = Voce{IDVocePendenza: "1", Importo: 1, Descrizione: "a\xffb", Kind: Entrata{CodEntrata: "X"}}.Validate()
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("descrizione"), "%v", ve.Violations)
}

func TestVoceValidateAlone(t *testing.T) {
	require.NoError(t, VoceEntrata("1", govpay.Euro(1), "d", Entrata{CodEntrata: "X"}).Validate())
	err := Voce{Importo: -1}.Validate()
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, f := range []string{"idVocePendenza", "importo", "descrizione", "kind"} {
		assert.True(t, ve.Has(f), "missing %s in %v", f, ve.Violations)
	}
}

func TestMatchersAgreeWithPatterns(t *testing.T) {
	patterns := map[string]struct {
		m  matcher
		re *regexp.Regexp
	}{
		"id":           {reID, regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,35}$`)},
		"idTipo":       {reIDTipo, regexp.MustCompile(`^[a-zA-Z0-9\-_.]{1,35}$`)},
		"idDominio":    {reIDDominio, regexp.MustCompile(`^[0-9]{11}$`)},
		"numeroAvviso": {reNumeroAvviso, regexp.MustCompile(`^[0-9]{18}$`)},
		"twoUpper":     {reTwoUpper, regexp.MustCompile(`^[A-Z]{2}$`)},
		"iban":         {reIBAN, regexp.MustCompile(`^[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$`)},
	}
	inputs := []string{"", "a", "A-1_b", "A.1", "a b", "à", "RO", "Ro", "R", "ROM", "01234567890", "0123456789", "0123456789a",
		"301000000000001861", "30100000000000186x", "IT60X0542811101000000123456", "IT6", "IT60", "IT60X", "it60x0542811101000000123456",
		"IT60" + strings.Repeat("1", 30), "IT60" + strings.Repeat("1", 31), "1T60X", "ITX0X", strings.Repeat("a", 35), strings.Repeat("a", 36),
		"a\n", "\x00", "A2A/1", "P%1", "-", "_", ".", "ÀB"}
	for name, p := range patterns {
		for _, in := range inputs {
			assert.Equal(t, p.re.MatchString(in), p.m.MatchString(in), "%s %q", name, in)
		}
	}
}

// TestStrictModeHoldsWhatGovPayLetsThrough checks the rules that moved to
// strict mode because GovPay 3.9.1 accepts the value: Validate accepts it,
// ValidateStrict names the field.
func TestStrictModeHoldsWhatGovPayLetsThrough(t *testing.T) {
	for name, tc := range map[string]struct {
		mut   func(*Pendenza)
		field string
	}{
		"blank causale (ValidatoreUtils.java:93-95)":     {func(p *Pendenza) { p.Causale = "   " }, "causale"},
		"causale with a newline":                         {func(p *Pendenza) { p.Causale = "TARI\n2026" }, "causale"},
		"voce descrizione with a NUL":                    {func(p *Pendenza) { p.Voci[1].Descrizione = "Diritti\x00" }, "voci[1].descrizione"},
		"voce descrizioneCausaleRPT with an escape":      {func(p *Pendenza) { p.Voci[0].DescrizioneCausaleRPT = "\x1b[31mTARI" }, "voci[0].descrizioneCausaleRPT"},
		"payer anagrafica with a carriage return":        {func(p *Pendenza) { p.SoggettoPagatore.Anagrafica = "Mario\rRossi" }, "soggettoPagatore.anagrafica"},
		"payer without tipo (optional in GovPay)":        {func(p *Pendenza) { p.SoggettoPagatore.Tipo = "" }, "soggettoPagatore.tipo"},
		"payer tipo X (GovPay drops it)":                 {func(p *Pendenza) { p.SoggettoPagatore.Tipo = "X" }, "soggettoPagatore.tipo"},
		"payer without identificativo (GovPay: ANONIMO)": {func(p *Pendenza) { p.SoggettoPagatore.Identificativo = "" }, "soggettoPagatore.identificativo"},
		"documento without rata or soglia": {func(p *Pendenza) {
			p.Documento = &Documento{Identificativo: "D", Descrizione: "d"}
		}, "documento"},
		"documento with rata and soglia": {func(p *Pendenza) {
			p.Documento = &Documento{Identificativo: "D", Descrizione: "d", Rata: 1, Soglia: &Soglia{Tipo: SogliaEntro, Giorni: 30}}
		}, "documento"},
		"descrizioneImporto of 0.00": {func(p *Pendenza) {
			p.Proprieta = &Proprieta{DescrizioneImporto: []DescrizioneImporto{{Voce: "canone", Importo: 0}}}
		}, "proprieta.descrizioneImporto[0].importo"},
	} {
		t.Run(name, func(t *testing.T) {
			p := strictPendenza()
			tc.mut(&p)
			require.NoError(t, p.Validate(), "GovPay accepts it")
			var ve *govpay.ValidationError
			require.ErrorAs(t, p.ValidateStrict(), &ve)
			assert.True(t, ve.Has(tc.field), "%v", ve.Violations)
		})
	}
	require.NoError(t, strictPendenza().ValidateStrict())
	noPayer := strictPendenza()
	noPayer.SoggettoPagatore = govpay.Soggetto{}
	require.NoError(t, noPayer.ValidateStrict(), "no payer at all is accepted in strict mode too")
}
