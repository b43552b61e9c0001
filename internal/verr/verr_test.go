package verr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/verr"
)

func TestBuilder(t *testing.T) {
	var v verr.Builder
	assert.NoError(t, v.Err(), "no violations: Err is nil")
	assert.Zero(t, v.Len())
	var nilB *verr.Builder
	assert.NoError(t, nilB.Err())
	assert.False(t, nilB.Has("x"))
	assert.Zero(t, nilB.Len())
	var nilVE *govpay.ValidationError

	v.What = "pendenza"
	v.Add("idTipoPendenza", "required")
	v.Addf("importo", "must equal the sum of the voci (%s)", govpay.Centesimi(1000))

	var voce verr.Builder
	voce.Add("importo", "must be positive")
	voce.Add("", "exactly one of ibanAccredito, codEntrata, bollo")
	v.Merge("voci[2]", voce.Err())

	var list verr.Builder
	list.Add("[0]", "duplicate")
	v.Merge("voci", list.Err())

	v.Merge("soggettoPagatore", govpay.Soggetto{Tipo: "X"}.Validate())
	v.Merge("dataScadenza", errors.New("before dataValidita"))
	v.Merge("ignored", nil)
	v.Merge("ignored", nilVE) // a typed nil must not panic
	v.Merge("", verr.One("", "top", "r"))
	v.Merge("wrapped", fmt.Errorf("ctx: %w", voce.Err()))

	want := []govpay.Violation{
		{Field: "idTipoPendenza", Rule: "required"},
		{Field: "importo", Rule: "must equal the sum of the voci (10.00)"},
		{Field: "voci[2].importo", Rule: "must be positive"},
		{Field: "voci[2]", Rule: "exactly one of ibanAccredito, codEntrata, bollo"},
		{Field: "voci[0]", Rule: "duplicate"},
		{Field: "soggettoPagatore.tipo", Rule: "must be F or G"},
		{Field: "soggettoPagatore.identificativo", Rule: "required"},
		{Field: "dataScadenza", Rule: "before dataValidita"},
		{Field: "top", Rule: "r"},
		{Field: "wrapped.importo", Rule: "must be positive"},
		{Field: "wrapped", Rule: "exactly one of ibanAccredito, codEntrata, bollo"},
	}
	assert.Equal(t, want, v.Violations)

	err := v.Err()
	require.Error(t, err)
	assert.ErrorIs(t, err, govpay.ErrInvalid)
	assert.ErrorIs(t, fmt.Errorf("w: %w", err), govpay.ErrInvalid)
	var ve *govpay.ValidationError
	require.True(t, errors.As(fmt.Errorf("w: %w", err), &ve))
	assert.True(t, ve.Has("voci[2].importo"))
	assert.True(t, ve.Has("soggettoPagatore.tipo"))
	assert.False(t, ve.Has("voci[3].importo"))
	assert.NotErrorIs(t, err, govpay.ErrNotFound)

	assert.Equal(t,
		"govpay: invalid pendenza: idTipoPendenza: required; importo: must equal the sum of the voci (10.00); voci[2].importo: must be positive; "+
			"voci[2]: exactly one of ibanAccredito, codEntrata, bollo; voci[0]: duplicate; soggettoPagatore.tipo: must be F or G; "+
			"soggettoPagatore.identificativo: required; dataScadenza: before dataValidita; top: r; wrapped.importo: must be positive; "+
			"wrapped: exactly one of ibanAccredito, codEntrata, bollo",
		err.Error())
	assert.Equal(t, "govpay: invalid input: x: y", (&govpay.ValidationError{Violations: []govpay.Violation{{Field: "x", Rule: "y"}}}).Error())
	assert.Equal(t, "rule only", govpay.Violation{Rule: "rule only"}.String())
}
