package portale

import (
	"net/http"
	"net/http/httptest"
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

func TestStoreExpiresAndBounds(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	st := newStore(time.Hour, 2)
	st.now = func() time.Time { return now }
	a := st.create("A")
	b := st.create("B")
	assert.NotNil(t, a)
	assert.NotNil(t, b)
	assert.NotEqual(t, a.id, b.id)
	assert.Nil(t, st.create("C"), "the store is full")

	req := func(id string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(&http.Cookie{Name: cookieName, Value: id})
		return r
	}
	now = now.Add(50 * time.Minute)
	assert.Same(t, a, st.get(req(a.id)), "a use extends the session")
	now = now.Add(50 * time.Minute)
	assert.Same(t, a, st.get(req(a.id)))
	assert.Nil(t, st.get(req(b.id)), "b expired")
	assert.NotNil(t, st.create("C"), "expired sessions make room")
	assert.Nil(t, st.get(req("short")))
	assert.Nil(t, st.get(httptest.NewRequest(http.MethodGet, "/", nil)))
}
