package pagamenti

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
)

func TestParseReturn(t *testing.T) {
	long := strings.Repeat("a", MaxReturnValue+1)
	tests := []struct {
		name    string
		query   string // raw query string, as the browser brings it
		want    Return
		wantErr []string // fields expected in the ValidationError
	}{
		// Legacy (Modello 1 / WISP) returns.
		{name: "legacy ok", query: "idPagamento=ab12cd34&idSession=c8be909b2feb4ffa8f98704462abbd1d&esito=OK",
			want: Return{Esito: EsitoOK, IDSession: "c8be909b2feb4ffa8f98704462abbd1d", IDPagamento: "ab12cd34"}},
		{name: "legacy error", query: "idPagamento=P-1&idSession=S-1&esito=ERROR",
			want: Return{Esito: EsitoError, IDSession: "S-1", IDPagamento: "P-1"}},
		{name: "legacy differito", query: "idPagamento=P-1&idSession=S-1&esito=DIFFERITO",
			want: Return{Esito: EsitoDifferito, IDSession: "S-1", IDPagamento: "P-1"}},
		{name: "legacy params in other order", query: "esito=OK&idSession=S-2&idPagamento=P-2",
			want: Return{Esito: EsitoOK, IDSession: "S-2", IDPagamento: "P-2"}},
		{name: "legacy with portal params kept out", query: "cart=42&idPagamento=P-1&idSession=S-1&esito=OK&lang=it",
			want: Return{Esito: EsitoOK, IDSession: "S-1", IDPagamento: "P-1"}},
		{name: "legacy uuid with dashes", query: "idPagamento=f9866575-e255-4d10-9845-57ba88bec136&idSession=7f905970-cfe9-4ee5-a9a7-81fe14e7437e&esito=OK",
			want: Return{Esito: EsitoOK, IDSession: "7f905970-cfe9-4ee5-a9a7-81fe14e7437e", IDPagamento: "f9866575-e255-4d10-9845-57ba88bec136"}},
		{name: "legacy escaped values", query: "idPagamento=P%2D1&idSession=S%5F1&esito=%4FK",
			want: Return{Esito: EsitoOK, IDSession: "S_1", IDPagamento: "P-1"}},
		// Checkout bridge and direct Checkout returns.
		{name: "bridge ok", query: "esito=OK", want: Return{Esito: EsitoOK}},
		{name: "bridge error", query: "esito=ERROR", want: Return{Esito: EsitoError}},
		{name: "bridge cancel", query: "esito=CANCEL", want: Return{Esito: EsitoCancel}},
		{name: "bridge idSession 0 is absent", query: "idSession=0&esito=OK", want: Return{Esito: EsitoOK}},
		{name: "bridge echoes id 0 and idSession 0", query: "idPagamento=P-9&idSession=0&esito=CANCEL",
			want: Return{Esito: EsitoCancel, IDPagamento: "P-9"}},
		{name: "portal return with its own params", query: "ordine=77&esito=OK", want: Return{Esito: EsitoOK}},

		// Open set: an esito this SDK does not know is kept as received.
		{name: "esito unknown", query: "esito=MAYBE", want: Return{Esito: "MAYBE"}},
		{name: "esito unknown legacy", query: "idPagamento=P-1&idSession=S-1&esito=PAGATO", want: Return{Esito: "PAGATO", IDPagamento: "P-1", IDSession: "S-1"}},
		{name: "esito lower case is kept, not folded", query: "esito=ok", want: Return{Esito: "ok"}},
		// GovPay's web connector forwards any esito its generic pattern
		// accepts (WcController.java:45-46, CostantiValidazione.java:28).
		{name: "esito with spaces is kept", query: "esito=%20OK", want: Return{Esito: " OK"}},
		{name: "esito in words with accents", query: "esito=Pagamento+rifiutato+dal+PSP+(c%C3%B2d.+42)", want: Return{Esito: "Pagamento rifiutato dal PSP (còd. 42)"}},
		{name: "esito with GovPay's punctuation", query: "esito=" + url.QueryEscape(`-./+=_!$*?@;:',(){}[\]^>`), want: Return{Esito: `-./+=_!$*?@;:',(){}[\]^>`}},
		{name: "esito of 512 letters of 2 bytes", query: "esito=" + strings.Repeat("%C3%A8", MaxReturnValue), want: Return{Esito: Esito(strings.Repeat("è", MaxReturnValue))}},
		{name: "repeated with the same value", query: "esito=OK&esito=OK&idSession=S&idSession=S",
			want: Return{Esito: EsitoOK, IDSession: "S"}},
		{name: "value of exactly the maximum length", query: "esito=OK&idSession=" + long[:MaxReturnValue],
			want: Return{Esito: EsitoOK, IDSession: long[:MaxReturnValue]}},
		{name: "empty idPagamento is absent", query: "esito=OK&idPagamento=", want: Return{Esito: EsitoOK}},

		// Errors.
		{name: "empty query", query: "", wantErr: []string{"esito"}},
		{name: "esito missing (legacy ids only)", query: "idPagamento=P-1&idSession=S-1", wantErr: []string{"esito"}},
		{name: "esito empty", query: "esito=", wantErr: []string{"esito"}},
		{name: "esito with a quote", query: "esito=OK%22", wantErr: []string{"esito"}},
		{name: "esito with a percent", query: "esito=OK%25", wantErr: []string{"esito"}},
		{name: "esito with an ampersand", query: "esito=OK%26x", wantErr: []string{"esito"}},
		{name: "esito with a hash", query: "esito=OK%23", wantErr: []string{"esito"}},
		{name: "esito of 257 UTF-16 units", query: "esito=" + strings.Repeat("%F0%9F%98%80", MaxReturnValue/2) + "a", wantErr: []string{"esito"}},
		{name: "esito repeated with different values", query: "esito=OK&esito=ERROR", wantErr: []string{"esito"}},
		{name: "idSession repeated with different values", query: "esito=OK&idSession=A&idSession=B", wantErr: []string{"idSession"}},
		{name: "idPagamento repeated with different values", query: "esito=OK&idPagamento=A&idPagamento=B", wantErr: []string{"idPagamento"}},
		{name: "oversized idSession", query: "esito=OK&idSession=" + long, wantErr: []string{"idSession"}},
		{name: "oversized esito", query: "esito=" + long, wantErr: []string{"esito"}},
		{name: "control character", query: "esito=OK&idPagamento=P%0A1", wantErr: []string{"idPagamento"}},
		{name: "invalid utf-8", query: "esito=OK&idSession=%FF%FE", wantErr: []string{"idSession"}},
		{name: "every violation listed", query: "esito=N%0AO&idSession=A&idSession=B&idPagamento=" + long,
			wantErr: []string{"esito", "idSession", "idPagamento"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			require.NoError(t, err)
			got, err := ParseReturn(q)
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, govpay.ErrInvalid)
			var verr *govpay.ValidationError
			require.True(t, errors.As(err, &verr))
			assert.Len(t, verr.Violations, len(tc.wantErr), "violations: %v", verr.Violations)
			for _, f := range tc.wantErr {
				assert.True(t, verr.Has(f), "want a violation of %s in %v", f, verr)
			}
			assert.Equal(t, Return{}, got)
			assert.LessOrEqual(t, len(err.Error()), 600, "error echoes too much input")
		})
	}
}

func TestEsitoKnown(t *testing.T) {
	for _, e := range []Esito{EsitoOK, EsitoError, EsitoDifferito, EsitoCancel} {
		assert.True(t, e.Known(), e)
	}
	for _, e := range []Esito{"", "MAYBE", "ok", "PAGATO", "OK "} {
		assert.False(t, e.Known(), e)
	}
}

func TestReturnLegacy(t *testing.T) {
	assert.True(t, Return{Esito: EsitoOK, IDPagamento: "P"}.Legacy())
	assert.True(t, Return{Esito: EsitoOK, IDSession: "S"}.Legacy())
	assert.False(t, Return{Esito: EsitoOK}.Legacy())
}

func FuzzParseReturn(f *testing.F) {
	for _, s := range []string{
		"idPagamento=ab12&idSession=cd34&esito=OK",
		"esito=CANCEL",
		"idSession=0&esito=ERROR",
		"esito=OK&esito=ERROR",
		"esito=DIFFERITO&idPagamento=%00",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		r, err := ParseReturn(q)
		if err != nil {
			var verr *govpay.ValidationError
			if !errors.As(err, &verr) || len(verr.Violations) == 0 {
				t.Fatalf("error %v is not a ValidationError with violations", err)
			}
			if r != (Return{}) {
				t.Fatalf("non-zero Return %+v with error", r)
			}
			if !utf8.ValidString(err.Error()) {
				t.Fatalf("error message is not valid UTF-8: %q", err.Error())
			}
			return
		}
		if r.Esito == "" {
			t.Fatal("empty esito accepted")
		}
		if r.IDSession == "0" {
			t.Fatal(`idSession "0" not treated as absent`)
		}
		for _, v := range []string{string(r.Esito), r.IDSession, r.IDPagamento} {
			if utf16Len(v) > MaxReturnValue || !genericParam(v) || strings.ContainsAny(v, "\"%&#<\x00\n") {
				t.Fatalf("value %q accepted", v)
			}
		}
		// The parsed values are exactly the query's values.
		if q.Get(ParamEsito) != string(r.Esito) || q.Get(ParamIDPagamento) != r.IDPagamento {
			t.Fatalf("parsed %+v from %q", r, raw)
		}
		if s := q.Get(ParamIDSession); s != r.IDSession && s != "0" {
			t.Fatalf("parsed %+v from %q", r, raw)
		}
	})
}
