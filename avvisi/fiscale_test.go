package avvisi

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Check characters computed independently (Python, official tables).
func TestCheckCodiceFiscale(t *testing.T) {
	valid := []string{
		"RSSMRA85T10A562S",
		"BNCLRA92M55H501M", // woman: day + 40
		"VRDGPP80A01F205X",
		"RSSMRA85T10A56NH", // omocodia: last digit replaced
		"RSSMRA85T10A5RNS",
		"RSSMRALRTMLAQRNW", // every numeric position replaced
	}
	for _, s := range valid {
		assert.NoError(t, CheckCodiceFiscale(s), s)
	}
	invalid := []struct{ in, want string }{
		{"", "0 characters, want 16"},
		{"RSSMRA85T10A562", "15 characters"},
		{"01234567890", "11 digits"},
		{"RSSMRA85T10A562T", "check character is T, expected S"},
		{"rssmra85t10a562s", "must be a capital letter"},
		{"RSSMRA85T10A562s", "must be a capital letter"},
		{"RSSMRA8ZT10A562S", "position 8 must be a digit or one of the omocodia letters"},
		{"RSSMR185T10A562S", "position 6 must be a letter"},
		{"RSSMRA85Z10A562S", "month letter 'Z'"},
		{"RSSMRA85T00A562S", "day of birth 00"},
		{"RSSMRA85T32A562S", "day of birth 32"},
		{"RSSMRA85T72A562S", "day of birth 72"},
		{"RSSMRA85T10A56ZH", "omocodia"},
	}
	for _, tt := range invalid {
		err := CheckCodiceFiscale(tt.in)
		require.Error(t, err, tt.in)
		assert.ErrorIs(t, err, ErrCodiceFiscale, tt.in)
		assert.Contains(t, err.Error(), tt.want, tt.in)
	}
}

func TestCheckPartitaIVA(t *testing.T) {
	for _, s := range []string{"00743110157", "80002130153", "12345678903", "01234567897", "80012345676", "00000000000"} {
		assert.NoError(t, CheckPartitaIVA(s), s)
	}
	invalid := []struct{ in, want string }{
		{"01234567890", "check digit is 0, expected 7"}, // GovPay's demo creditor
		{"00743110158", "check digit is 8, expected 7"},
		{"0074311015", "10 characters, want 11 digits"},
		{"", "0 characters"},
		{"0074311015A", "want 11 digits"},
		{"IT00743110157", "13 characters"},
	}
	for _, tt := range invalid {
		err := CheckPartitaIVA(tt.in)
		require.Error(t, err, tt.in)
		assert.ErrorIs(t, err, ErrPartitaIVA, tt.in)
		assert.Contains(t, err.Error(), tt.want, tt.in)
	}
}
