package pendenze

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/ricevute"
)

func TestPendenzaMarshalIsWireBody(t *testing.T) {
	p := validPendenza()
	got, err := json.Marshal(p)
	require.NoError(t, err)
	want := `{
		"idTipoPendenza":"LIBERO","idDominio":"01234567890","causale":"Pagamento dovuto n. 1",
		"soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA30A01H501I","anagrafica":"Mario Rossi","email":"mario.rossi@testmail.it","cellulare":"+39 000-0000000"},
		"importo":125.99,"dataValidita":"2900-12-31","dataScadenza":"2999-12-31",
		"voci":[
			{"idVocePendenza":"1","importo":99.99,"descrizione":"Diritti e segreteria","codEntrata":"SEGRETERIA"},
			{"idVocePendenza":"2","importo":10.00,"descrizione":"Diritti e segreteria","ibanAccredito":"IT02L1234500000999990000001","tipoContabilita":"ALTRO","codiceContabilita":"CodiceContabilita"},
			{"idVocePendenza":"3","importo":16.00,"descrizione":"Marca da bollo","tipoBollo":"01","hashDocumento":"a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=","provinciaResidenza":"RO"}
		]}`
	assert.JSONEq(t, want, string(got))
	assert.NotContains(t, string(got), "idA2A")
	assert.NotContains(t, string(got), "idPendenza")
}

func TestPendenzaJSONRoundTripAllFields(t *testing.T) {
	informativa := ""
	p := validPendenza()
	p.IDUnitaOperativa = "UO1"
	p.NumeroAvviso = "301000000000001861"
	p.Tassonomia = "Sanzioni"
	p.TassonomiaAvviso = TassonomiaServiziComune
	p.Direzione, p.Divisione = "Dir", "Div"
	p.AnnoRiferimento = 2026
	p.CartellaPagamento = "CART-1"
	p.DatiAllegati = json.RawMessage(`{"a":1}`)
	p.Documento = &Documento{Identificativo: "DOC-1", Descrizione: "Rate TARI", Rata: 2}
	p.DataNotificaAvviso = govpay.NewDate(2026, 1, 10)
	p.DataPromemoriaScadenza = govpay.NewDate(2026, 2, 1)
	p.Proprieta = &Proprieta{
		LinguaSecondaria:         LinguaTedesco,
		DescrizioneImporto:       []DescrizioneImporto{{Voce: "canone", Importo: govpay.Centesimi(1001)}},
		LineaTestoRicevuta1:      "riga 1",
		InformativaImportoAvviso: &informativa,
		DataScadenzaAvviso:       govpay.NewDate(2026, 3, 31),
	}
	p.Allegati = []Allegato{{Nome: "a.txt", Tipo: "text/plain", Contenuto: []byte("ciao")}}
	p.Voci[0].Contabilita = &Contabilita{Quote: []QuotaContabilita{
		{Capitolo: "c1", AnnoEsercizio: 2026, Importo: govpay.Centesimi(99)},
		{Capitolo: "c2", AnnoEsercizio: 2026, Importo: govpay.Euro(99), Titolo: "t"},
	}}
	p.Voci[0].Metadata = &Metadata{MapEntries: []MapEntry{{Key: "k", Value: "v"}}}
	p.Voci[0].IDDominio = "01234567890"
	p.Voci[0].DescrizioneCausaleRPT = "causale rpt"
	// GovPay 3.9 accepts a numeroAvviso on several voci one of which is a
	// marca da bollo (VER_031 is gone).
	require.NoError(t, p.Validate())

	b, err := json.Marshal(p)
	require.NoError(t, err)
	s := string(b)
	for _, frag := range []string{
		`"dataScandenzaAvviso":"2026-03-31"`, `"informativaImportoAvviso":""`, `"documento":{"identificativo":"DOC-1","descrizione":"Rate TARI","rata":2}`,
		`"contenuto":"Y2lhbw=="`, `"metadata":{"mapEntries":[{"key":"k","value":"v"}]}`, `"numeroAvviso":"301000000000001861"`,
		`"tassonomiaAvviso":"Servizi erogati dal comune"`, `"annoRiferimento":2026`, `"dataNotificaAvviso":"2026-01-10"`,
	} {
		assert.Contains(t, s, frag)
	}
	var back Pendenza
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, p, back)
}

func TestVoceKinds(t *testing.T) {
	tests := []struct {
		name string
		voce Voce
		want string
	}{
		{"iban", VoceAccredito("1", govpay.Euro(1), "d", Accredito{IBANAccredito: "IT60X0542811101000000123456", TipoContabilita: ContabilitaSIOPE, CodiceContabilita: "123"}),
			`{"idVocePendenza":"1","importo":1.00,"descrizione":"d","ibanAccredito":"IT60X0542811101000000123456","tipoContabilita":"SIOPE","codiceContabilita":"123"}`},
		{"iban pointer with appoggio", Voce{IDVocePendenza: "1", Importo: govpay.Euro(1), Descrizione: "d",
			Kind: &Accredito{IBANAccredito: "IT60X0542811101000000123456", IBANAppoggio: "IT60X0542811101000000123457", TipoContabilita: ContabilitaAltro, CodiceContabilita: "x"}},
			`{"idVocePendenza":"1","importo":1.00,"descrizione":"d","ibanAccredito":"IT60X0542811101000000123456","ibanAppoggio":"IT60X0542811101000000123457","tipoContabilita":"ALTRO","codiceContabilita":"x"}`},
		{"codEntrata", VoceEntrata("1", govpay.Euro(1), "d", Entrata{CodEntrata: "SEGRETERIA"}),
			`{"idVocePendenza":"1","importo":1.00,"descrizione":"d","codEntrata":"SEGRETERIA"}`},
		{"bollo default tipo", Voce{IDVocePendenza: "1", Importo: govpay.Euro(16), Descrizione: "d", Kind: Bollo{HashDocumento: "h", ProvinciaResidenza: "RM"}},
			`{"idVocePendenza":"1","importo":16.00,"descrizione":"d","tipoBollo":"01","hashDocumento":"h","provinciaResidenza":"RM"}`},
		{"multi-beneficiary", Voce{IDVocePendenza: "1", Importo: govpay.Euro(1), Descrizione: "d", IDDominio: "80015010723", Kind: Entrata{CodEntrata: "X"}},
			`{"idVocePendenza":"1","importo":1.00,"descrizione":"d","codEntrata":"X","idDominio":"80015010723"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.voce)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(b))
			var back Voce
			require.NoError(t, json.Unmarshal(b, &back))
			want := kindOf(tt.voce.Kind)
			if b, ok := want.(Bollo); ok && b.TipoBollo == "" {
				b.TipoBollo = ricevute.BolloImpostaDiBollo // written as "01", read back as such
				want = b
			}
			assert.Equal(t, want, back.Kind, "kind decoded as value")
			b2, err := json.Marshal(back)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(b2))
		})
	}
}

func TestVoceNoKindDoesNotMarshal(t *testing.T) {
	_, err := json.Marshal(Voce{IDVocePendenza: "1"})
	require.Error(t, err)
	var nilPtr *Bollo
	_, err = json.Marshal(Voce{IDVocePendenza: "1", Kind: nilPtr})
	require.Error(t, err)
	p := validPendenza()
	p.Voci[1].Kind = nil
	_, err = json.Marshal(p)
	require.Error(t, err, "a pendenza with a kindless voce cannot become a body")
}

func TestVoceUnmarshalRejectsMixedOrMissingKinds(t *testing.T) {
	for name, in := range map[string]string{
		"none":             `{"idVocePendenza":"1","importo":1,"descrizione":"d"}`,
		"iban+codEntrata":  `{"idVocePendenza":"1","importo":1,"descrizione":"d","codEntrata":"X","ibanAccredito":"IT60X0542811101000000123456"}`,
		"bollo+codEntrata": `{"idVocePendenza":"1","importo":1,"descrizione":"d","codEntrata":"X","tipoBollo":"01"}`,
		"bollo+iban":       `{"idVocePendenza":"1","importo":1,"descrizione":"d","hashDocumento":"h","tipoContabilita":"ALTRO"}`,
		"three decimals":   `{"idVocePendenza":"1","importo":1.001,"descrizione":"d","codEntrata":"X"}`,
		"not an object":    `[1]`,
	} {
		t.Run(name, func(t *testing.T) {
			var v Voce
			assert.Error(t, json.Unmarshal([]byte(in), &v))
		})
	}
	var v Voce
	require.NoError(t, json.Unmarshal([]byte(`null`), &v))
	assert.Nil(t, v.Kind)
}

func TestUnmarshalUpstreamShapes(t *testing.T) {
	// Shapes of GovPay's own test messages, with their nulls.
	in := `{"causale":"x","soggettoPagatore":{"tipo":"F","identificativo":"RSSMRO00X00X000X","anagrafica":"Mario Rossi","email":null},
		"importo":100.99,"idDominio":"01234567890","voci":[{"idVocePendenza":"1","importo":100.99,"descrizione":"d","codEntrata":"SEGRETERIA",
		"contabilita":{"quote":[{"capitolo":"c1","annoEsercizio":2020,"accertamento":null,"importo":0.99,"proprietaCustom":null,"titolo":null},
		{"capitolo":"c2","annoEsercizio":2020,"importo":100.00}],"proprietaCustom":null}}]}`
	var p Pendenza
	require.NoError(t, json.Unmarshal([]byte(in), &p))
	require.Len(t, p.Voci, 1)
	assert.Equal(t, Entrata{CodEntrata: "SEGRETERIA"}, p.Voci[0].Kind)
	assert.Equal(t, govpay.Centesimi(10099), p.Importo)
	require.NotNil(t, p.Voci[0].Contabilita)
	assert.Equal(t, govpay.Centesimi(99), p.Voci[0].Contabilita.Quote[0].Importo)
	assert.NoError(t, p.Validate())
}

func TestVoceDettaglioLenient(t *testing.T) {
	in := `{"idVocePendenza":"1","importo":10.5,"descrizione":"d","codEntrata":"SEGRETERIA","ibanAccredito":"IT60X0542811101000000123456",
		"tipoContabilita":"ALTRO","codiceContabilita":"x","indice":1,"stato":"Non eseguito","dominio":{"idDominio":"01234567890","ragioneSociale":"Ente"}}`
	var d VoceDettaglio
	require.NoError(t, json.Unmarshal([]byte(in), &d))
	assert.Equal(t, Entrata{CodEntrata: "SEGRETERIA"}, d.Kind)
	assert.Equal(t, StatoVoceNonEseguito, d.Stato)
	assert.Equal(t, 1, d.Indice)
	assert.Equal(t, "Ente", d.Dominio.RagioneSociale)

	var none VoceDettaglio
	require.NoError(t, json.Unmarshal([]byte(`{"idVocePendenza":"2","importo":1,"descrizione":"d","stato":"Anomalo"}`), &none))
	assert.Nil(t, none.Kind)
	b, err := json.Marshal(none)
	require.NoError(t, err)
	assert.JSONEq(t, `{"idVocePendenza":"2","importo":1.00,"descrizione":"d","stato":"Anomalo"}`, string(b))
}

func TestDettaglioDecode(t *testing.T) {
	in := `{"idA2A":"A2A","idPendenza":"P1","dominio":{"idDominio":"01234567890","ragioneSociale":"Comune"},"stato":"NON_ESEGUITA",
		"soggettoPagatore":{"tipo":"F","identificativo":"ANONIMO"},"importo":10.01,"numeroAvviso":"301000000000001861",
		"dataCaricamento":"2026-01-02T10:11:12.000+0100","dataUltimoAggiornamento":"2026-01-02T10:11:12","dataValidita":"2026-12-31",
		"importoPagato":0,"importoIncassato":0,"anomalo":false,"verificato":false,"tipo":"dovuto","statoFuturo":"IGNOTO",
		"voci":[{"idVocePendenza":"1","importo":10.01,"descrizione":"d","codEntrata":"X","indice":1,"stato":"Non eseguito"}],
		"rpp":[{"stato":"RT_ACCETTATA_PA","rpt":{"versioneOggetto":"6.2.0"},"rt":null}],
		"allegati":[{"nome":"a.pdf","contenuto":"/allegati/12"}]}`
	var d Dettaglio
	require.NoError(t, json.Unmarshal([]byte(in), &d))
	assert.Equal(t, "P1", d.IDPendenza)
	assert.Equal(t, StatoNonEseguita, d.Stato)
	assert.Equal(t, govpay.NewDate(2026, 1, 2), d.DataCaricamento)
	assert.Equal(t, govpay.Centesimi(1001), d.Importo)
	require.Len(t, d.RPP, 1)
	assert.JSONEq(t, `{"versioneOggetto":"6.2.0"}`, string(d.RPP[0].RPT))
	assert.Equal(t, "/allegati/12", d.Allegati[0].Contenuto)
	assert.Equal(t, TipologiaDovuto, d.Tipo)
}

func TestPutBodyIsExactlyJSONMarshal(t *testing.T) {
	informativa := "testo"
	full := validPendenza()
	full.Proprieta = &Proprieta{InformativaImportoAvviso: &informativa, DataScadenzaAvviso: govpay.NewDate(2026, 3, 31)}
	full.Allegati = []Allegato{{Nome: "a", Contenuto: []byte{1, 2}}}
	full.Documento = &Documento{Identificativo: "D", Descrizione: "d", Soglia: &Soglia{Tipo: SogliaOltre, Giorni: 3}}
	full.Voci[0].Metadata = &Metadata{MapEntries: []MapEntry{{Key: "k", Value: "v"}}}
	for _, p := range []Pendenza{validPendenza(), full, {}} {
		want, err := json.Marshal(p)
		require.NoError(t, err)
		got, err := p.body()
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "byte for byte")
	}
	bad := validPendenza()
	bad.Voci[0].Kind = nil
	_, err := bad.body()
	assert.Error(t, err)
}
