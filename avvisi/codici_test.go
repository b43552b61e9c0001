package avvisi

import (
	"strings"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseQRCode(t *testing.T) {
	tests := []struct {
		in      string
		dominio string
		nav     string
		cents   int64
	}{
		{"PAGOPA|002|301000000123453200|80002130153|1999", "80002130153", "301000000123453200", 1999},
		{"PAGOPA|002|001000000000001252|01234567890|05", "01234567890", "001000000000001252", 5},
		{"PAGOPA|002|001000000000001252|01234567890|00", "01234567890", "001000000000001252", 0},
		{"PAGOPA|002|212345678901234544|00743110157|99999999999", "00743110157", "212345678901234544", 99_999_999_999},
		{"PAGOPA|002|112345678901234567|00743110157|10", "00743110157", "112345678901234567", 10},
		{"  PAGOPA|002|301000000123453192|80002130153|230\r\n", "80002130153", "301000000123453192", 230},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := ParseQRCode(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.dominio, r.IDDominio)
			assert.Equal(t, tt.nav, r.NumeroAvviso.String())
			assert.Equal(t, govpay.Centesimi(tt.cents), r.Importo)
			s, err := FormatQRCode(r)
			require.NoError(t, err)
			assert.Equal(t, strings.TrimSpace(tt.in), s)
			// ParseCodice recognises the QR code too.
			r2, err := ParseCodice(tt.in)
			require.NoError(t, err)
			assert.Equal(t, r, r2)
		})
	}
}

func TestParseQRCodeErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "does not start with PAGOPA|"},
		{"HTTPS://example.org", "does not start with PAGOPA|"},
		{"pagopa|002|301000000123453200|80002130153|1999", "does not start with PAGOPA|"},
		{"PAGOPA|001|301000000123453200|80002130153|1999", `version "001" is not supported, want 002`},
		{"PAGOPA|003|301000000123453200|80002130153|1999", `version "003" is not supported`},
		{"PAGOPA|002|301000000123453200|80002130153", "4 fields"},
		{"PAGOPA|002|301000000123453200|80002130153|1999|", "6 fields"},
		{"PAGOPA|002|30100000012345320|80002130153|1999", "want 18 digits"},
		{"PAGOPA|002|3010 0000 0123 4532 00|80002130153|1999", "want 18 digits"},
		{"PAGOPA|002|301000000000012345|80002130153|1999", "check digits are 45, expected 73"},
		{"PAGOPA|002|501000000123453200|80002130153|1999", "aux digit 5"},
		{"PAGOPA|002|301000000123453200|8000213015|1999", "creditor codice fiscale"},
		{"PAGOPA|002|301000000123453200|RSSMRA85T10A562S|1999", "creditor codice fiscale"},
		{"PAGOPA|002|301000000123453200|80002130153|5", "2 to 11 digits"},
		{"PAGOPA|002|301000000123453200|80002130153|100000000000", "2 to 11 digits"},
		{"PAGOPA|002|301000000123453200|80002130153|19.99", "2 to 11 digits"},
		{"PAGOPA|002|301000000123453200|80002130153|-199", "2 to 11 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseQRCode(tt.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrCodice)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := ParseQRCode("PAGOPA|002|301000000000012345|80002130153|1999")
	assert.ErrorIs(t, err, ErrNumeroAvviso)
}

// Amounts padded with zeros are within the published format (2–11 digits)
// and are written by some issuers; they are read, and written back without
// the padding.
func TestParseQRCodePaddedAmount(t *testing.T) {
	for _, tt := range []struct {
		in, out string
		cents   int64
	}{
		{"PAGOPA|002|301000000123453200|80002130153|0000015000", "PAGOPA|002|301000000123453200|80002130153|15000", 15000},
		{"PAGOPA|002|301000000123453200|80002130153|01999", "PAGOPA|002|301000000123453200|80002130153|1999", 1999},
		{"PAGOPA|002|301000000123453200|80002130153|005", "PAGOPA|002|301000000123453200|80002130153|05", 5},
		{"PAGOPA|002|301000000123453200|80002130153|00000000000", "PAGOPA|002|301000000123453200|80002130153|00", 0},
	} {
		r, err := ParseQRCode(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, govpay.Centesimi(tt.cents), r.Importo, tt.in)
		s, err := FormatQRCode(r)
		require.NoError(t, err)
		assert.Equal(t, tt.out, s)
	}
}

func TestFormatQRCodeErrors(t *testing.T) {
	nav := MustParseNumeroAvviso("301000000123453200")
	for name, r := range map[string]Riferimento{
		"no numero":  {IDDominio: "80002130153", Importo: 100},
		"dominio":    {IDDominio: "8000213015", NumeroAvviso: nav},
		"dominio cf": {IDDominio: "RSSMRA85T10A562S", NumeroAvviso: nav},
		"negative":   {IDDominio: "80002130153", NumeroAvviso: nav, Importo: -1},
		"too large":  {IDDominio: "80002130153", NumeroAvviso: nav, Importo: govpay.MaxImporto + 1},
	} {
		_, err := FormatQRCode(r)
		assert.ErrorIs(t, err, ErrCodice, name)
	}
	s, err := FormatQRCode(Riferimento{IDDominio: "80002130153", NumeroAvviso: nav, Importo: govpay.MaxImporto})
	require.NoError(t, err)
	assert.Equal(t, "PAGOPA|002|301000000123453200|80002130153|99999999999", s)
}

// dmMario is a Data Matrix built field by field (Python, from the published
// layout), independently of FormatDataMatrix.
const dmMario = "codfase=NBPA;183010000001234532001200001630209310000000199938961P180002130153RSSMRA85T10A562SMARIO ROSSI                             TARI 2026 RATA 1                                                                                                          A"

const dmMinimal = "codfase=NBPA;180010000000000012521200000000000110000000000538961P101234567890                                                                                                                                                                                  A"

func TestParseDataMatrix(t *testing.T) {
	require.Len(t, dmMario, 256)
	// Offsets used by other readers (pagoPA's IO app): NAV 15–33, amount
	// 49–59, creditor 66–77.
	require.Equal(t, "301000000123453200", dmMario[15:33])
	require.Equal(t, "0000001999", dmMario[49:59])
	require.Equal(t, "80002130153", dmMario[66:77])

	d, err := ParseDataMatrix(dmMario)
	require.NoError(t, err)
	assert.Equal(t, DataMatrix{
		Riferimento: Riferimento{
			IDDominio:    "80002130153",
			NumeroAvviso: MustParseNumeroAvviso("301000000123453200"),
			Importo:      govpay.Centesimi(1999),
		},
		ContoCorrente:         "16302093",
		CodiceFiscaleDebitore: "RSSMRA85T10A562S",
		Anagrafica:            "MARIO ROSSI",
		Causale:               "TARI 2026 RATA 1",
	}, d)
	s, err := FormatDataMatrix(d)
	require.NoError(t, err)
	assert.Equal(t, dmMario, s)

	d, err = ParseDataMatrix("\n" + dmMinimal + " \r\n")
	require.NoError(t, err)
	assert.Equal(t, DataMatrix{
		Riferimento:   Riferimento{IDDominio: "01234567890", NumeroAvviso: MustParseNumeroAvviso("001000000000001252"), Importo: 5},
		ContoCorrente: "1",
	}, d)
	s, err = FormatDataMatrix(d)
	require.NoError(t, err)
	assert.Equal(t, dmMinimal, s)

	r, err := ParseCodice(dmMario)
	require.NoError(t, err)
	assert.Equal(t, "301000000123453200", r.NumeroAvviso.String())
	assert.Equal(t, govpay.Centesimi(1999), r.Importo)
}

// GovPay computes the cents as (long)(importo.doubleValue() * 100), which
// gives 1998 for 19.99 €. Integer arithmetic must give 1999.
func TestFormatDataMatrixExactCents(t *testing.T) {
	for _, tt := range []struct{ euro, field string }{
		{"19.99", "0000001999"},
		{"0.29", "0000000029"},
		{"2.30", "0000000230"},
		{"1.15", "0000000115"},
		{"4.35", "0000000435"},
		{"99999999.99", "9999999999"},
	} {
		imp, err := govpay.ParseImporto(tt.euro)
		require.NoError(t, err)
		d := DataMatrix{
			Riferimento:   Riferimento{IDDominio: "80002130153", NumeroAvviso: MustParseNumeroAvviso("301000000123453200"), Importo: imp},
			ContoCorrente: "16302093",
		}
		s, err := FormatDataMatrix(d)
		require.NoError(t, err, tt.euro)
		assert.Equal(t, tt.field, s[49:59], tt.euro)
		back, err := ParseDataMatrix(s)
		require.NoError(t, err)
		assert.Equal(t, imp, back.Importo)
	}
}

func TestParseDataMatrixErrors(t *testing.T) {
	replace := func(off int, with string) string {
		return dmMario[:off] + with + dmMario[off+len(with):]
	}
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "does not start with codfase=NBPA;"},
		{"qr", "PAGOPA|002|301000000123453200|80002130153|1999", "does not start with"},
		{"short", dmMario[:100] + dmMario[101:], "255 bytes long, want 256"},
		{"long", dmMario[:255] + " A", "257 bytes long"},
		{"tag nav", replace(13, "17"), `want "18" before the numero avviso`},
		{"nav digits", replace(20, "X"), "numero avviso"},
		{"nav check", replace(31, "45"), "check digits are 45, expected 00"},
		{"tag conto", replace(33, "11"), `want "12" before the postal account`},
		{"conto digits", replace(40, " "), "postal account"},
		{"conto zero", replace(35, "000000000000"), "postal account is zero"},
		{"tag importo", replace(47, "09"), `want "10" before the amount`},
		{"importo digits", replace(55, "1.99"), "amount"},
		{"tipo", replace(59, "3674"), `document type "3674"`},
		{"fase", replace(63, "1P2"), `want "1P1"`},
		{"creditor", replace(66, "8000213015X"), "creditor codice fiscale"},
		{"filler", replace(250, "X"), "filler"},
		{"end", replace(255, "B"), `ends with "B"`},
		{"non ascii", replace(93, "\x01"), "not printable ASCII"},
		{"utf8", strings.Replace(dmMario, "ROSSI ", "ROSSÌ", 1), "not printable ASCII"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDataMatrix(tt.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrCodice)
			assert.Contains(t, err.Error(), tt.want)
			if strings.HasPrefix(tt.in, "codfase=") {
				_, err = ParseCodice(tt.in)
				assert.ErrorIs(t, err, ErrCodice)
			}
		})
	}
}

func TestFormatDataMatrixErrors(t *testing.T) {
	ok := DataMatrix{
		Riferimento:   Riferimento{IDDominio: "80002130153", NumeroAvviso: MustParseNumeroAvviso("301000000123453200"), Importo: 1999},
		ContoCorrente: "16302093",
	}
	tests := []struct {
		name   string
		modify func(*DataMatrix)
		want   string
	}{
		{"no numero", func(d *DataMatrix) { d.NumeroAvviso = NumeroAvviso{} }, "numero avviso is missing"},
		{"dominio", func(d *DataMatrix) { d.IDDominio = "123" }, "idDominio"},
		{"importo 10 digits", func(d *DataMatrix) { d.Importo = 10_000_000_000 }, "does not fit 10 digits"},
		{"importo negative", func(d *DataMatrix) { d.Importo = -1 }, "importo"},
		{"conto empty", func(d *DataMatrix) { d.ContoCorrente = "" }, "postal account"},
		{"conto zero", func(d *DataMatrix) { d.ContoCorrente = "000" }, "postal account"},
		{"conto long", func(d *DataMatrix) { d.ContoCorrente = "1234567890123" }, "postal account"},
		{"conto letters", func(d *DataMatrix) { d.ContoCorrente = "CC1234" }, "postal account"},
		{"cf long", func(d *DataMatrix) { d.CodiceFiscaleDebitore = "RSSMRA85T10A562SX" }, "codiceFiscaleDebitore: 17 characters, at most 16"},
		{"name long", func(d *DataMatrix) { d.Anagrafica = strings.Repeat("A", 41) }, "anagrafica: 41 characters, at most 40"},
		{"causale long", func(d *DataMatrix) { d.Causale = strings.Repeat("C", 111) }, "causale: 111 characters, at most 110"},
		{"accent", func(d *DataMatrix) { d.Causale = "Retta università" }, "causale: byte 16 (0xc3) is not printable ASCII"},
		{"newline", func(d *DataMatrix) { d.Anagrafica = "A\nB" }, "anagrafica: byte 2 (0x0a)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ok
			tt.modify(&d)
			_, err := FormatDataMatrix(d)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrCodice)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	// Full-width fields fit exactly; leading zeros of the account are fine.
	d := ok
	d.CodiceFiscaleDebitore = strings.Repeat("X", 16)
	d.Anagrafica = strings.Repeat("N", 40)
	d.Causale = strings.Repeat("C", 110)
	d.ContoCorrente = "000016302093"
	s, err := FormatDataMatrix(d)
	require.NoError(t, err)
	require.Len(t, s, 256)
	back, err := ParseDataMatrix(s)
	require.NoError(t, err)
	d.ContoCorrente = "16302093"
	assert.Equal(t, d, back)
}
