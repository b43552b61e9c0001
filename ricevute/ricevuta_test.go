package ricevute_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/ricevute"
)

// ricevutaWire is a receipt of our own making in GovPay's wire form, as
// API Ente v2 sends it and API Ragioneria v3 returns it (the schema is the
// same), in canonical form: decoding and encoding it gives it back.
const ricevutaWire = `{
  "dominio": {"idDominio": "01234567890", "ragioneSociale": "Comune di Prova"},
  "iuv": "01234567890123416",
  "idRicevuta": "a1b2c3d4e5",
  "importo": 119.99,
  "esito": "ESEGUITO",
  "stato": "RT_ACCETTATA_PA",
  "idPagamento": "c8be909b2feb",
  "idSessionePsp": "sess-9",
  "istitutoAttestante": {"idPSP": "PSPTEST", "denominazione": "Banca di Prova", "idCanale": "PSPTEST_01", "descrizione": "Carta"},
  "versante": {"tipo": "F", "identificativo": "BNCLRA80A41H501X", "anagrafica": "Laura Bianchi"},
  "pendenza": {
    "idA2A": "PORTALE", "idPendenza": "P-42", "idTipoPendenza": "MENSA",
    "dominio": {"idDominio": "01234567890"},
    "unitaOperativa": {"idUnita": "UO1", "ragioneSociale": "Ufficio mense"},
    "causale": "Mensa maggio",
    "soggettoPagatore": {"tipo": "F", "identificativo": "BNCLRA80A41H501X", "anagrafica": "Laura Bianchi"},
    "importo": 119.99, "numeroAvviso": "301234567890123416",
    "dataValidita": "2024-06-30", "dataScadenza": "2024-12-31", "annoRiferimento": 2024,
    "datiAllegati": {"pratica": "2024/17"},
    "allegati": [{"nome": "avviso.pdf", "tipo": "application/pdf", "contenuto": "/allegati/17"}],
    "voci": [
      {"idVocePendenza": "1", "descrizione": "Pasti", "codEntrata": "MENSA",
       "riscossione": {"idDominio": "01234567890", "iuv": "01234567890123416", "iur": "IUR-1", "indice": 1,
         "stato": "RISCOSSA", "tipo": "ENTRATA", "importo": 103.99, "data": "2024-05-06T09:15:00"}},
      {"idVocePendenza": "2", "descrizione": "Imposta di bollo", "tipoBollo": "01",
       "hashDocumento": "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", "provinciaResidenza": "RM",
       "riscossione": {"iuv": "01234567890123416", "iur": "IUR-1", "indice": 2, "tipo": "MBT", "importo": 16,
         "data": "2024-05-06T09:15:00", "allegato": {"tipo": "Marca da bollo", "testo": "PG1hcmNhLz4="}}}
    ]
  },
  "data": "2024-05-06T09:15:05",
  "dataPagamento": "2024-05-06T09:15:00",
  "rpt": {"tipo": "ctPaymentPA", "xml": "PHJwdC8+", "json": {"creditorReferenceId": "01234567890123416", "paymentAmount": 119.99}},
  "rt": {"tipo": "ctReceipt", "xml": "PHJ0Lz4=", "json": {"receiptId": "a1b2c3d4e5", "outcome": "OK", "creditorReferenceId": "01234567890123416", "paymentAmount": 119.99, "fee": 1.5}},
  "modello": "Pagamento ad iniziativa Ente"
}`

func TestRicevutaJSON(t *testing.T) {
	var r ricevute.Ricevuta
	require.NoError(t, json.Unmarshal([]byte(ricevutaWire), &r))
	assert.Equal(t, "01234567890", r.Dominio.IDDominio)
	assert.Equal(t, govpay.Centesimi(11999), r.Importo)
	assert.Equal(t, ricevute.EsitoEseguito, r.Esito)
	assert.Equal(t, "RT_ACCETTATA_PA", r.Stato)
	assert.Equal(t, "sess-9", r.IDSessionePSP)
	assert.Equal(t, "PSPTEST", r.IstitutoAttestante.IDPSP)
	assert.Equal(t, "Laura Bianchi", r.Versante.Anagrafica)
	assert.Equal(t, ricevute.ModelloIniziativaEnte, r.Modello)
	assert.Equal(t, "Ufficio mense", r.Pendenza.UnitaOperativa.RagioneSociale)
	assert.Equal(t, "/allegati/17", r.Pendenza.Allegati[0].Contenuto)
	require.Len(t, r.Pendenza.Voci, 2)
	v := r.Pendenza.Voci[1]
	assert.True(t, v.TipoBollo.ImpostaDiBollo())
	assert.Equal(t, ricevute.RiscossioneMBT, v.Riscossione.Tipo)
	assert.Equal(t, govpay.Euro(16), v.Riscossione.Importo)
	require.NotNil(t, v.Riscossione.Allegato)
	assert.Equal(t, ricevute.AllegatoMarcaDaBollo, v.Riscossione.Allegato.Tipo)
	assert.Equal(t, ricevute.RiscossioneRiscossa, r.Pendenza.Voci[0].Riscossione.Stato)
	assert.Equal(t, ricevute.MessaggioReceipt, r.RT.Tipo)
	assert.Equal(t, ricevute.MessaggioPaymentPA, r.RPT.Tipo)

	// json.Marshal is the wire body; the query values of a notification
	// are not part of it.
	r.IDSession, r.IDSessionePortale, r.IDCarrello = "S1", "SP1", "C1"
	out, err := json.Marshal(&r)
	require.NoError(t, err)
	assert.JSONEq(t, ricevutaWire, string(out))
	assert.NotContains(t, string(out), "SP1")
}

// TestRicevutaLenient: the sloppy forms GovPay sends decode, nulls are
// absent values and unknown enumeration values are kept.
func TestRicevutaLenient(t *testing.T) {
	body := `{"dominio":{"idDominio":"01234567890","ragioneSociale":null},"iuv":"X","idRicevuta":"r1","importo":12.5,
		"esito":"ESEGUITO_IN_FUTURO","stato":null,"idPagamento":null,"idSessionePsp":null,"istitutoAttestante":null,
		"versante":null,"pendenza":{"idA2A":null,"dominio":null,"unitaOperativa":null,"soggettoPagatore":null,"importo":null,
		"dataValidita":null,"dataScadenza":"","annoRiferimento":null,"datiAllegati":null,"documento":null,"allegati":null,
		"voci":[{"dominio":null,"idVocePendenza":"1","tipoBollo":"Imposta di bollo","contabilita":null,
		"riscossione":{"tipo":"NUOVO_TIPO","stato":"NUOVO_STATO","importo":12.5,"data":"2024-05-06","allegato":null}}],"nuovoCampo":{"x":1}},
		"data":"2024-05-06","dataPagamento":"2024-05-06T09:15:00.000+0200","rpt":null,"rt":null,
		"modello":"Pagamento ad iniziativa di qualcuno","campoFuturo":true}`
	var r ricevute.Ricevuta
	require.NoError(t, json.Unmarshal([]byte(body), &r))
	assert.Equal(t, govpay.Centesimi(1250), r.Importo)
	assert.Equal(t, ricevute.Esito("ESEGUITO_IN_FUTURO"), r.Esito)
	assert.Equal(t, ricevute.ModelloPagamento("Pagamento ad iniziativa di qualcuno"), r.Modello)
	assert.Zero(t, r.IstitutoAttestante)
	assert.Zero(t, r.Versante)
	assert.True(t, r.RPT.IsZero())
	assert.True(t, r.RT.IsZero())
	assert.Equal(t, time.Date(2024, 5, 6, 0, 0, 0, 0, govpay.Rome()), r.Data.Time(), "a plain date in a date-time field")
	assert.True(t, r.DataPagamento.Time().Equal(time.Date(2024, 5, 6, 7, 15, 0, 0, time.UTC)), "an offset without a colon")
	voce := r.Pendenza.Voci[0]
	assert.True(t, voce.TipoBollo.ImpostaDiBollo(), "v1 spelling of the bollo")
	assert.Equal(t, ricevute.TipoRiscossione("NUOVO_TIPO"), voce.Riscossione.Tipo)
	assert.Equal(t, ricevute.StatoRiscossione("NUOVO_STATO"), voce.Riscossione.Stato)
	assert.Nil(t, voce.Riscossione.Allegato)
	_, err := r.DatiRT()
	assert.ErrorIs(t, err, ricevute.ErrFormato, "no rt")

	// An amount with three decimals is refused, not rounded.
	err = json.Unmarshal([]byte(`{"importo":1.234}`), &r)
	assert.ErrorIs(t, err, govpay.ErrImporto)
}

func TestRicevutaPaid(t *testing.T) {
	for _, tc := range []struct {
		esito  ricevute.Esito
		paid   bool // the receipt proves a full payment
		pagato bool // money was collected, fully or in part
	}{
		{ricevute.EsitoEseguito, true, true},
		{ricevute.EsitoEseguitoParziale, false, true},
		{ricevute.EsitoNonEseguito, false, false},
		{ricevute.EsitoDecorrenza, false, false},
		{ricevute.EsitoDecorrenzaParziale, false, false},
		{ricevute.EsitoInCorso, false, false},
		{ricevute.EsitoRifiutato, false, false},
		{"", false, false},
		{"eseguito", false, false},
	} {
		r := &ricevute.Ricevuta{Esito: tc.esito}
		assert.Equal(t, tc.paid, r.Paid(), "Paid, esito %q", tc.esito)
		assert.Equal(t, tc.pagato, tc.esito.Paid(), "Paid, esito %q", tc.esito)
	}
	var none *ricevute.Ricevuta
	assert.False(t, none.Paid())
}

func TestRicevutaChiave(t *testing.T) {
	for _, tc := range []struct {
		idRicevuta, want string
	}{
		{"rcpt-1", "ricevuta/01234567890/01000000000012345/rcpt-1"},
		{"n/a", "ricevuta/01234567890/01000000000012345/n%2Fa"},
		{"a b", "ricevuta/01234567890/01000000000012345/a%20b"},
		{"", "ricevuta/01234567890/01000000000012345/"},
	} {
		r := ricevute.Ricevuta{Dominio: ricevute.Dominio{IDDominio: "01234567890"}, IUV: "01000000000012345", IDRicevuta: tc.idRicevuta}
		assert.Equal(t, tc.want, r.Key())
	}
	// Segments are escaped: a slash in one cannot forge another key.
	a := ricevute.Ricevuta{Dominio: ricevute.Dominio{IDDominio: "1"}, IUV: "2/3", IDRicevuta: "4"}
	b := ricevute.Ricevuta{Dominio: ricevute.Dominio{IDDominio: "1"}, IUV: "2", IDRicevuta: "3/4"}
	assert.NotEqual(t, a.Key(), b.Key())
}

func TestMessaggio(t *testing.T) {
	m := ricevute.Messaggio{Tipo: ricevute.MessaggioRT, XML: " " + base64.StdEncoding.EncodeToString([]byte("<RT/>")) + "\n"}
	xml, err := m.DecodeXML()
	require.NoError(t, err)
	assert.Equal(t, "<RT/>", string(xml))
	_, err = ricevute.Messaggio{XML: "not base64!"}.DecodeXML()
	assert.Error(t, err)

	for name, tc := range map[string]struct {
		m    ricevute.Messaggio
		zero bool
	}{
		"empty":     {ricevute.Messaggio{}, true},
		"json null": {ricevute.Messaggio{JSON: json.RawMessage(" null ")}, true},
		"tipo":      {ricevute.Messaggio{Tipo: ricevute.MessaggioRPT}, false},
		"xml":       {ricevute.Messaggio{XML: "PHg+"}, false},
		"json":      {ricevute.Messaggio{JSON: json.RawMessage(`{}`)}, false},
		"data":      {ricevute.Messaggio{Data: govpay.NewDateTime(time.Date(2024, 5, 6, 9, 0, 0, 0, govpay.Rome()))}, false},
	} {
		assert.Equal(t, tc.zero, tc.m.IsZero(), name)
	}
	// The timestamp GovPay's own examples carry is kept.
	var withData ricevute.Messaggio
	require.NoError(t, json.Unmarshal([]byte(`{"data":"2020-12-31T12:55:12","tipo":"ctReceipt","xml":"PHg+","json":{"a":1}}`), &withData))
	assert.Equal(t, "2020-12-31T12:55:12", withData.Data.String())
}

func TestTipoBolloImpostaDiBollo(t *testing.T) {
	assert.True(t, ricevute.BolloImpostaDiBollo.ImpostaDiBollo())
	assert.True(t, ricevute.BolloImpostaDiBolloV1.ImpostaDiBollo())
	assert.False(t, ricevute.TipoBollo("").ImpostaDiBollo())
	assert.False(t, ricevute.TipoBollo("02").ImpostaDiBollo())
}

func TestParseRT(t *testing.T) {
	receipt := `{"receiptId":"r-77","noticeNumber":"301234567890123416","fiscalCode":"01234567890","outcome":"OK",
		"creditorReferenceId":"01234567890123416","paymentAmount":"100.99","fee":1.00,"idPSP":"PSP1","PSPCompanyName":"Banca",
		"idChannel":"PSP1_01","paymentDateTime":"2024-05-17T10:20:30","standIn":true,
		"transferList":{"transfer":[{"idTransfer":1,"transferAmount":84.99,"fiscalCodePA":"01234567890","IBAN":"IT60X0542811101000000123456",
		"remittanceInformation":"Diritti","transferCategory":"9/0101100IM/"},{"idTransfer":2,"transferAmount":16,"fiscalCodePA":"01234567890"}]}}`
	d, err := ricevute.ParseRT(json.RawMessage(receipt))
	require.NoError(t, err)
	assert.Equal(t, ricevute.FormatoReceipt, d.Formato)
	assert.Equal(t, ricevute.EsitoEseguito, d.Esito)
	assert.Equal(t, govpay.Centesimi(10099), d.ImportoPagato)
	assert.Equal(t, govpay.Centesimi(100), d.Commissioni)
	assert.Equal(t, "2024-05-17T10:20:30", d.DataPagamento.String())
	assert.True(t, d.StandIn)
	require.Len(t, d.Pagamenti, 2)
	assert.Equal(t, govpay.Centesimi(8499), d.Pagamenti[0].Importo)

	rt1 := `{"dominio":{"identificativoDominio":"01234567890"},
		"istitutoAttestante":{"identificativoUnivocoAttestante":{"codiceIdentificativoUnivoco":"ABI03069"},"denominazioneAttestante":"Banca"},
		"datiPagamento":{"codiceEsitoPagamento":"2","importoTotalePagato":"50.00","identificativoUnivocoVersamento":"RF23",
		"CodiceContestoPagamento":"840596274","datiSingoloPagamento":[
		{"singoloImportoPagato":"30.00","dataEsitoSingoloPagamento":"2024-05-16","commissioniApplicatePSP":"0.50"},
		{"singoloImportoPagato":"20.00","dataEsitoSingoloPagamento":"2024-05-17+02:00","commissioniApplicatePSP":"0.25"}]}}`
	d, err = ricevute.ParseRT(json.RawMessage(rt1))
	require.NoError(t, err)
	assert.Equal(t, ricevute.FormatoRT1, d.Formato)
	assert.Equal(t, ricevute.EsitoEseguitoParziale, d.Esito)
	assert.True(t, d.Esito.Paid())
	assert.Equal(t, "840596274", d.IDRicevuta)
	assert.Equal(t, "ABI03069", d.IDPSP)
	assert.Equal(t, govpay.Centesimi(75), d.Commissioni)
	assert.Equal(t, "2024-05-17T00:00:00", d.DataPagamento.String(), "the latest day, an offset-only form read as its day")

	for name, raw := range map[string]string{"absent": "", "null": "null", "unknown shape": `{"x":1}`} {
		_, err := ricevute.ParseRT(json.RawMessage(raw))
		assert.ErrorIs(t, err, ricevute.ErrFormato, name)
	}
	_, err = ricevute.ParseRT(json.RawMessage(`{"receiptId":"r","paymentAmount":1.001}`))
	assert.ErrorIs(t, err, govpay.ErrImporto)
	assert.False(t, errors.Is(err, ricevute.ErrFormato))
	assert.True(t, strings.HasPrefix(err.Error(), "ricevute: reading the receipt"), err.Error())
}

func TestParseRPT(t *testing.T) {
	d, err := ricevute.ParseRPT(json.RawMessage(`{"creditorReferenceId":"01234567890123416","paymentAmount":"100.99","dueDate":"2024-12-31",
		"transferList":{"transfer":[{"fiscalCodePA":"01234567890"}]}}`))
	require.NoError(t, err)
	assert.Equal(t, ricevute.FormatoPaymentPA, d.Formato)
	assert.Equal(t, "01234567890", d.IDDominio)
	assert.Equal(t, govpay.Centesimi(10099), d.Importo)
	assert.Equal(t, govpay.NewDate(2024, 12, 31), d.DataScadenza)

	d, err = ricevute.ParseRPT(json.RawMessage(`{"dominio":{"identificativoDominio":"01234567890"},
		"datiVersamento":{"importoTotaleDaVersare":"10.00","identificativoUnivocoVersamento":"RF23","codiceContestoPagamento":"ccp-1"}}`))
	require.NoError(t, err)
	assert.Equal(t, ricevute.FormatoRPT1, d.Formato)
	assert.Equal(t, "ccp-1", d.CCP)
	assert.Equal(t, "RF23", d.IUV)

	_, err = ricevute.ParseRPT(nil)
	assert.ErrorIs(t, err, ricevute.ErrFormato)
	_, err = ricevute.ParseRPT(json.RawMessage(`{"datiVersamento":1}`))
	assert.Error(t, err)
	assert.False(t, errors.Is(err, ricevute.ErrFormato))
}

// TestRicevutaDati: the helpers read the messages the receipt carries.
func TestRicevutaDati(t *testing.T) {
	var r ricevute.Ricevuta
	require.NoError(t, json.Unmarshal([]byte(ricevutaWire), &r))
	rt, err := r.DatiRT()
	require.NoError(t, err)
	assert.Equal(t, r.IDRicevuta, rt.IDRicevuta)
	assert.Equal(t, r.Importo, rt.ImportoPagato)
	assert.Equal(t, govpay.Centesimi(150), rt.Commissioni)
	rpt, err := r.DatiRPT()
	require.NoError(t, err)
	assert.Equal(t, r.IUV, rpt.IUV)
	assert.Equal(t, ricevute.FormatoPaymentPA, rpt.Formato)
}

// FuzzParseRT reads arbitrary JSON as a receipt and a request: never a
// panic, and a success never reports an invalid amount.
func FuzzParseRT(f *testing.F) {
	f.Add([]byte(`{"receiptId":"r","outcome":"OK","paymentAmount":"1.00","fee":"0.50","transferList":{"transfer":[{"idTransfer":1,"transferAmount":1}]}}`))
	f.Add([]byte(`{"datiPagamento":{"codiceEsitoPagamento":"0","importoTotalePagato":"2.00","datiSingoloPagamento":[{"singoloImportoPagato":"2.00","dataEsitoSingoloPagamento":"2024-01-02+01:00"}]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if d, err := ricevute.ParseRT(raw); err == nil {
			if d.ImportoPagato.Valid() != nil || d.Commissioni < 0 {
				t.Fatalf("invalid amounts %v %v", d.ImportoPagato, d.Commissioni)
			}
			for _, p := range d.Pagamenti {
				if p.Importo.Valid() != nil {
					t.Fatalf("invalid amount %v", p.Importo)
				}
			}
		}
		if d, err := ricevute.ParseRPT(raw); err == nil && d.Importo.Valid() != nil {
			t.Fatalf("invalid amount %v", d.Importo)
		}
	})
}

// TestRicevutaUnmarshalEnteV2Timestamps: GovPay 3.9.1 writes data and
// dataPagamento of an API Ente v2 receipt in UTC without an offset
// (it.govpay.ec.v2.beans.Ricevuta, Ricevuta.java:291 and :310:
// @JsonFormat(pattern="yyyy-MM-dd'T'HH:mm:ss") without timezone,
// serialised by ConverterUtils.toJSON, whose mapper sets no time zone,
// ConverterUtils.java:54-59, so Jackson's default UTC applies).
// UnmarshalEnteV2 reads them in UTC; json.Unmarshal (API Ragioneria v3,
// local time) keeps reading them in Europe/Rome; an explicit offset wins.
func TestRicevutaUnmarshalEnteV2Timestamps(t *testing.T) {
	body := func(data, dataPagamento string) []byte {
		return []byte(`{"dominio":{"idDominio":"01234567890"},"iuv":"01000000000012345","idRicevuta":"r1",` +
			`"importo":10.00,"esito":"ESEGUITO","data":` + data + `,"dataPagamento":` + dataPagamento + `}`)
	}
	utc := func(y int, mo time.Month, d, h, mi, s int) time.Time {
		return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	}
	tests := []struct {
		name            string
		data, dataPag   string
		wantData, wantP time.Time
	}{
		{"GovPay's form, summer", `"2024-05-17T07:30:00"`, `"2024-05-17T07:29:58"`, utc(2024, 5, 17, 7, 30, 0), utc(2024, 5, 17, 7, 29, 58)},
		{"GovPay's form, winter", `"2024-01-10T23:30:00"`, `"2024-01-10T23:00:00"`, utc(2024, 1, 10, 23, 30, 0), utc(2024, 1, 10, 23, 0, 0)},
		{"an hour that does not exist in Rome", `"2024-03-31T02:30:00"`, `"2024-03-31T02:30:00"`, utc(2024, 3, 31, 2, 30, 0), utc(2024, 3, 31, 2, 30, 0)},
		{"an hour Rome repeats", `"2024-10-27T02:30:00"`, `"2024-10-27T01:30:00"`, utc(2024, 10, 27, 2, 30, 0), utc(2024, 10, 27, 1, 30, 0)},
		{"space and milliseconds", `"2024-05-17 07:30:00.250"`, `"2024-05-17T07:30"`, time.Date(2024, 5, 17, 7, 30, 0, 250e6, time.UTC), utc(2024, 5, 17, 7, 30, 0)},
		{"explicit offsets win", `"2024-05-17T09:30:00+0200"`, `"2024-05-17T07:30:00Z"`, utc(2024, 5, 17, 7, 30, 0), utc(2024, 5, 17, 7, 30, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r ricevute.Ricevuta
			require.NoError(t, r.UnmarshalEnteV2(body(tt.data, tt.dataPag)))
			assert.True(t, r.Data.Time().Equal(tt.wantData), "data %v, want %v", r.Data.Time().UTC(), tt.wantData)
			assert.True(t, r.DataPagamento.Time().Equal(tt.wantP), "dataPagamento %v, want %v", r.DataPagamento.Time().UTC(), tt.wantP)
			assert.Equal(t, "r1", r.IDRicevuta, "the rest decodes as json.Unmarshal does")
		})
	}

	var ente, ragioneria ricevute.Ricevuta
	b := body(`"2024-05-17T07:30:00"`, `null`)
	require.NoError(t, ente.UnmarshalEnteV2(b))
	require.NoError(t, json.Unmarshal(b, &ragioneria))
	assert.Equal(t, 2*time.Hour, ente.Data.Time().Sub(ragioneria.Data.Time()), "the same text is two hours apart in May")
	assert.True(t, ente.DataPagamento.IsZero(), "null stays absent")

	var r ricevute.Ricevuta
	assert.ErrorIs(t, r.UnmarshalEnteV2(body(`"9999-12-31T23:30:00"`, `null`)), govpay.ErrDate, "year 10000 in Rome cannot be written back")
	assert.Error(t, r.UnmarshalEnteV2(body(`"not a date"`, `null`)))
}

// TestSharedCreditorTypes: one Dominio and one UnitaOperativa type read the
// creditor of every API. API Pendenze v2 and the receipts send idDominio
// and ragioneSociale and spell the office's id idUnita; API Pagamento v2
// sends the creditor's registry details and spells it idUnitaOperativa.
// Each decodes into its own fields and encodes back to the same JSON.
func TestSharedCreditorTypes(t *testing.T) {
	type pair struct {
		Dominio        ricevute.Dominio        `json:"dominio"`
		UnitaOperativa ricevute.UnitaOperativa `json:"unitaOperativa"`
	}
	pendenzeV2 := `{"dominio":{"idDominio":"01234567890","ragioneSociale":"Comune"},` +
		`"unitaOperativa":{"idUnita":"UO1","ragioneSociale":"Ufficio tributi"}}`
	pagamentoV2 := `{"dominio":{"idDominio":"01234567890","ragioneSociale":"Comune","indirizzo":"Piazza Grande","cap":"00100","cbill":"AAAAA","unitaOperative":"/domini/01234567890/unitaOperative"},` +
		`"unitaOperativa":{"idUnitaOperativa":"UO1","ragioneSociale":"Ufficio tributi","area":"Tributi"}}`

	var a pair
	require.NoError(t, json.Unmarshal([]byte(pendenzeV2), &a))
	assert.Equal(t, "UO1", a.UnitaOperativa.IDUnita)
	assert.Empty(t, a.UnitaOperativa.IDUnitaOperativa)
	assert.Empty(t, a.Dominio.Indirizzo)
	out, err := json.Marshal(a)
	require.NoError(t, err)
	assert.JSONEq(t, pendenzeV2, string(out))

	var b pair
	require.NoError(t, json.Unmarshal([]byte(pagamentoV2), &b))
	assert.Equal(t, "UO1", b.UnitaOperativa.IDUnitaOperativa)
	assert.Empty(t, b.UnitaOperativa.IDUnita)
	assert.Equal(t, "Piazza Grande", b.Dominio.Indirizzo)
	assert.Equal(t, "AAAAA", b.Dominio.CBILL)
	out, err = json.Marshal(b)
	require.NoError(t, err)
	assert.JSONEq(t, pagamentoV2, string(out))
}
