package pendenze

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
)

func TestVoceUnmarshalKindErrorIsTyped(t *testing.T) {
	for name, tt := range map[string]struct {
		in, rule string
	}{
		"none":             {`{"idVocePendenza":"1","importo":1,"descrizione":"d"}`, "required: exactly one of ibanAccredito (Accredito), codEntrata (Entrata), tipoBollo (Bollo)"},
		"iban+codEntrata":  {`{"idVocePendenza":"1","importo":1,"descrizione":"d","codEntrata":"X","ibanAccredito":"IT60X0542811101000000123456"}`, "must be exactly one kind, not the fields of Accredito (ibanAccredito, ibanAppoggio, tipoContabilita, codiceContabilita) and Entrata (codEntrata) together"},
		"bollo+codEntrata": {`{"idVocePendenza":"1","importo":1,"descrizione":"d","codEntrata":"X","tipoBollo":"01"}`, "must be exactly one kind, not the fields of Entrata (codEntrata) and Bollo (tipoBollo, hashDocumento, provinciaResidenza) together"},
		"all three":        {`{"codEntrata":"X","provinciaResidenza":"RO","codiceContabilita":"c"}`, "not the fields of Accredito (ibanAccredito, ibanAppoggio, tipoContabilita, codiceContabilita) and Entrata (codEntrata) and Bollo"},
	} {
		t.Run(name, func(t *testing.T) {
			var v Voce
			err := json.Unmarshal([]byte(tt.in), &v)
			var ve *govpay.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, govpay.ErrInvalid)
			assert.Equal(t, "voce", ve.What)
			require.Len(t, ve.Violations, 1)
			assert.Equal(t, "kind", ve.Violations[0].Field)
			assert.Contains(t, ve.Violations[0].Rule, tt.rule)
			assert.Equal(t, "govpay: invalid voce: kind: "+ve.Violations[0].Rule, err.Error())
		})
	}
	// Not a kind problem: encoding/json's and Importo's own errors.
	var v Voce
	err := json.Unmarshal([]byte(`{"importo":1.001,"codEntrata":"X"}`), &v)
	assert.ErrorIs(t, err, govpay.ErrImporto)
	assert.NotErrorIs(t, err, govpay.ErrInvalid)
	var te *json.UnmarshalTypeError
	assert.ErrorAs(t, json.Unmarshal([]byte(`{"descrizione":1,"codEntrata":"X"}`), &v), &te)
}

// A pendenza names every voce whose kind cannot be told by its position,
// as Validate does ("voci[i].kind").
func TestPendenzaUnmarshalNamesTheVoce(t *testing.T) {
	const ok = `{"idVocePendenza":"1","importo":1,"descrizione":"d","codEntrata":"X"}`
	const mixed = `{"idVocePendenza":"2","importo":1,"descrizione":"d","codEntrata":"X","hashDocumento":"h"}`
	const none = `{"idVocePendenza":"3","importo":1,"descrizione":"d"}`
	in := `{"idDominio":"01234567890","causale":"c","importo":4,"soggettoPagatore":{"tipo":"F","identificativo":"ANONIMO"},` +
		`"voci":[` + ok + `,` + mixed + `,` + ok + `,` + none + `]}`
	var p Pendenza
	err := json.Unmarshal([]byte(in), &p)
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, govpay.ErrInvalid)
	assert.Equal(t, "pendenza", ve.What)
	require.Len(t, ve.Violations, 2, "%v", err)
	assert.Equal(t, "voci[1].kind", ve.Violations[0].Field)
	assert.Contains(t, ve.Violations[0].Rule, "must be exactly one kind")
	assert.Equal(t, "voci[3].kind", ve.Violations[1].Field)
	assert.Contains(t, ve.Violations[1].Rule, "required")
	assert.Contains(t, err.Error(), "govpay: invalid pendenza: voci[1].kind: must be exactly one kind")

	// The same voce inside a pendenza inside another document.
	var doc struct {
		Items []Pendenza `json:"items"`
	}
	err = json.Unmarshal([]byte(`{"items":[`+in+`]}`), &doc)
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("voci[1].kind") && ve.Has("voci[3].kind"), "%v", err)
}

// Other failures of a pendenza are encoding/json's, unchanged; the first
// error wins as before.
func TestPendenzaUnmarshalOtherErrors(t *testing.T) {
	var p Pendenza
	err := json.Unmarshal([]byte(`{"importo":125.999,"voci":[{"descrizione":"d"}]}`), &p)
	assert.ErrorIs(t, err, govpay.ErrImporto)
	var te *json.UnmarshalTypeError
	require.ErrorAs(t, json.Unmarshal([]byte(`{"causale":7}`), &p), &te)
	assert.Equal(t, "causale", te.Field)
	assert.Error(t, json.Unmarshal([]byte(`{"voci":[`), &p))
	assert.Error(t, json.Unmarshal([]byte(`[]`), &p))
}

// UnmarshalJSON keeps encoding/json's semantics: fields absent keep their
// value, null voci clear the slice, a null voce is a zero Voce.
func TestPendenzaUnmarshalSemantics(t *testing.T) {
	p := validPendenza()
	voci := p.Voci
	require.NoError(t, json.Unmarshal([]byte(`{"causale":"nuova"}`), &p))
	assert.Equal(t, "nuova", p.Causale)
	assert.Equal(t, voci, p.Voci, "absent voci are kept")
	assert.NotEmpty(t, p.IDDominio)

	require.NoError(t, json.Unmarshal([]byte(`{"voci":null}`), &p))
	assert.Nil(t, p.Voci)

	require.NoError(t, json.Unmarshal([]byte(`{"voci":[null,{"idVocePendenza":"9","importo":1,"descrizione":"d","codEntrata":"X"}]}`), &p))
	require.Len(t, p.Voci, 2)
	assert.Nil(t, p.Voci[0].Kind)
	assert.Equal(t, Entrata{CodEntrata: "X"}, p.Voci[1].Kind)

	// Round trip of a valid pendenza through the new decoder.
	b, err := json.Marshal(validPendenza())
	require.NoError(t, err)
	var back Pendenza
	require.NoError(t, json.Unmarshal(b, &back))
	assert.NoError(t, back.Validate())
	b2, err := json.Marshal(back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
}
