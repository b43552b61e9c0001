package govpaytest

import (
	"net/http"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validCodiceFiscale recomputes the check character of a personal codice
// fiscale (odd/even tables of the Ministry of Finance), independently of
// the avvisi package.
func validCodiceFiscale(cf string) bool {
	if len(cf) != 16 {
		return false
	}
	odd := [36]int{1, 0, 5, 7, 9, 13, 15, 17, 19, 21, // 0-9
		1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23} // A-Z
	sum := 0
	for i := range 15 {
		c := cf[i]
		var idx, even int
		switch {
		case c >= '0' && c <= '9':
			idx, even = int(c-'0'), int(c-'0')
		case c >= 'A' && c <= 'Z':
			idx, even = 10+int(c-'A'), int(c-'A')
		default:
			return false
		}
		if i%2 == 0 {
			sum += odd[idx]
		} else {
			sum += even
		}
	}
	return cf[15] == byte('A'+sum%26)
}

func TestDemoData(t *testing.T) {
	for _, cf := range []string{DemoCodiceFiscale, "VRDGPP85M41F205X"} {
		assert.True(t, validCodiceFiscale(cf), cf)
		assert.NoError(t, avvisi.CheckCodiceFiscale(cf), cf)
	}
	assert.False(t, validCodiceFiscale("RSSMRA80A01H501A"), "the checker can fail")

	s := NewServer(WithDemoData())
	defer s.Close()
	assert.Len(t, s.Pendenze(), 4)
	r := do(t, "GET", s.PagamentoURL()+"/pendenze?idDebitore="+DemoCodiceFiscale+"&stato=NON_ESEGUITA", nil)
	require.Equal(t, http.StatusOK, r.status)
	l := r.json(t)
	assert.EqualValues(t, 3, l["numRisultati"], "the demo citizen owes three pendenze")
	domini := map[string]bool{}
	for _, it := range l["risultati"].([]any) {
		domini[it.(map[string]any)["dominio"].(map[string]any)["idDominio"].(string)] = true
	}
	assert.Equal(t, map[string]bool{DemoDominio: true, DemoDominio2: true}, domini, "across two creditors")

	na, err := avvisi.ParseNumeroAvviso(DemoNumeroAvvisoCartaceo)
	require.NoError(t, err, "the paper notice has valid check digits")
	assert.Equal(t, 3, na.AuxDigit())
	r = do(t, "GET", s.PagamentoURL()+"/avvisi/"+DemoDominio+"/"+DemoNumeroAvvisoCartaceo, nil, "Accept", "application/json")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "NON_ESEGUITA", r.json(t)["stato"])
	assert.EqualValues(t, 101, r.json(t)["importo"])
	for _, p := range s.Pendenze() {
		_, err := avvisi.ParseNumeroAvviso(p.NumeroAvviso)
		assert.NoError(t, err, p.IDPendenza)
		assert.Equal(t, DemoIDA2A, p.IDA2A)
	}
	tari, ok := s.Pendenza(DemoIDA2A, "TARI-2026-RSSMRA")
	require.True(t, ok)
	assert.Equal(t, govpay.Centesimi(18750), tari.Importo)

	// The demo domains do not restrict the fake.
	putPendenza(t, s, "A2A-1", "P1", pendenzaBody("11111111111", []int64{100}, nil))
}
