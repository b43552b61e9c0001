package portale

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/govpaygo/govpay"
)

func TestEuro(t *testing.T) {
	for in, want := range map[govpay.Importo]string{
		0:                        "0,00 €",
		5:                        "0,05 €",
		1999:                     "19,99 €",
		100000:                   "1.000,00 €",
		123456789:                "1.234.567,89 €",
		govpay.MaxImporto:        "999.999.999,99 €",
		govpay.Centesimi(100001): "1.000,01 €",
	} {
		assert.Equal(t, want, euro(in), "%d cents", int64(in))
	}
}

func TestData(t *testing.T) {
	assert.Equal(t, "", data(govpay.Date{}))
	assert.Equal(t, "05/03/2027", data(govpay.NewDate(2027, time.March, 5)))
}

func TestFormatAvviso(t *testing.T) {
	assert.Equal(t, "3010 0000 0001 2345 19", formatAvviso("301000000001234519"))
	assert.Equal(t, "non un avviso", formatAvviso("non un avviso"))
	assert.Equal(t, "", formatAvviso(""))
}

func TestSafeName(t *testing.T) {
	assert.Equal(t, "01000000001234519", safeName("01000000001234519"))
	assert.Equal(t, "abc", safeName(`a"b/c`))
	assert.Equal(t, "pagopa", safeName(`../"`))
}
