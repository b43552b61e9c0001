package avvisi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/avvisi"
)

// TestSendsThroughGeneratedClient: Get and PDF send through the generated
// API Pagamento v2 client under the deep base path: the numero avviso
// written with spaces reaches the path in its 18 digits, and the query is
// the generated one, its values escaped and its parameters in the spec's
// order (idDebitore, UUID, gRecaptchaResponse, linguaSecondaria: a query
// built with url.Values would have sorted them).
func TestSendsThroughGeneratedClient(t *testing.T) {
	c, mux, _ := setup(t, pagamentoBase)
	var seen []string
	mux.HandleFunc("/avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Accept")+" "+r.URL.EscapedPath()+"?"+r.URL.RawQuery)
		if r.Header.Get("Accept") == "application/pdf" {
			w.Header().Set("Content-Type", "application/pdf")
			_, _ = w.Write([]byte("%PDF-1.7"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(avvisoJSON))
	})
	opts := []avvisi.GetOption{avvisi.WithLinguaSecondaria("de"), avvisi.WithRecaptcha("03A+b/c="), avvisi.WithUUID("u 1"), avvisi.WithIDDebitore("RSSMRA85T10A562S")}
	_, err := c.Get(context.Background(), dominio, "3010 0000 0123 4532 00", opts...)
	require.NoError(t, err)
	_, err = c.PDF(context.Background(), dominio, navOK)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"application/json /avvisi/" + dominio + "/" + navOK + "?idDebitore=RSSMRA85T10A562S&UUID=u+1&gRecaptchaResponse=03A%2Bb%2Fc%3D&linguaSecondaria=de",
		"application/pdf /avvisi/" + dominio + "/" + navOK + "?",
	}, seen)
}
