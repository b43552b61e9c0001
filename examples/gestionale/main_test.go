package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemoLoadsAndReceives(t *testing.T) {
	for _, v := range []string{"1", "2"} {
		t.Run("api-ente-v"+v, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var out, errOut bytes.Buffer
			err := run(ctx, []string{"-once", "-listen", "127.0.0.1:0", "-api-ente", v, "-demo-payments", "2"}, &out, &errOut)
			require.NoError(t, err, errOut.String())
			s := out.String()
			assert.Contains(t, s, "\r[", "progress bar")
			assert.Contains(t, s, "20/20 100%")
			assert.Contains(t, s, "caricate 20 di 20 pendenze")
			assert.Contains(t, s, "simulated a citizen paying GEST-2026-0001")
			assert.Contains(t, s, "simulated a citizen paying GEST-2026-0002")
			kind := map[string]string{"1": "pagamento", "2": "ricevuta"}[v]
			assert.Equal(t, 2, strings.Count(s, "notifica: "+kind), s)
			assert.Contains(t, s, "95.00 €  ESEGUITO  pendenza A2A-GESTIONALE/GEST-2026-0001")
			assert.Contains(t, s, "120.50 €  ESEGUITO  pendenza A2A-GESTIONALE/GEST-2026-0002")
			if v == "1" {
				assert.Equal(t, 2, strings.Count(s, "notifica: attivazione"))
			}
			assert.Contains(t, s, "go run ./examples/portal -govpay http://127.0.0.1:")
		})
	}
}

func TestCSVFlag(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "ok.csv")
	require.NoError(t, os.WriteFile(good, []byte(
		"id_pendenza,id_dominio,id_tipo_pendenza,causale,debitore_tipo,debitore_id,debitore_anagrafica,importo,cod_entrata\n"+
			"X-1,01234567890,LIBERO,Prova,F,RSSMRA80A01H501U,Mario Rossi,12.34,LIBERO\n"), 0o600))
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-once", "-listen", "127.0.0.1:0", "-csv", good, "-demo-payments", "0"}, &out, &errOut)
	require.NoError(t, err)
	assert.Contains(t, out.String(), "caricate 1 di 1 pendenze")
	assert.NotContains(t, out.String(), "notifica:")

	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("id_pendenza\nX\n"), 0o600))
	err = run(context.Background(), []string{"-once", "-listen", "127.0.0.1:0", "-csv", bad}, &out, &errOut)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `column "importo" missing`)

	err = run(context.Background(), []string{"-once", "-csv", filepath.Join(dir, "missing.csv")}, &out, &errOut)
	assert.Error(t, err)
}

func TestCommandErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"-once", "-listen", ln.Addr().String()}, &out, &errOut)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot listen on "+ln.Addr().String())

	t.Setenv("NOTIFICA_PASSWORD", "")
	err = run(context.Background(), []string{"-once", "-listen", "127.0.0.1:0", "-govpay", "https://govpay.example.it"}, &out, &errOut)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NOTIFICA_PASSWORD is required")

	for _, args := range [][]string{{"-api-ente", "3"}, {"-nosuchflag"}, {"extra"}} {
		assert.Error(t, run(context.Background(), args, &out, &errOut), args)
	}
}
