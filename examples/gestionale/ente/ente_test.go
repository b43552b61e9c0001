package ente_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/examples/gestionale/ente"
	"github.com/govpaygo/govpay/govpaytest"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
)

func TestParseCSVExampleFile(t *testing.T) {
	f, err := os.Open("../testdata/pendenze.csv")
	require.NoError(t, err)
	defer f.Close()
	items, err := ente.ParseCSV(f, "A2A-TEST")
	require.NoError(t, err)
	require.Len(t, items, 20)
	for _, it := range items {
		assert.Equal(t, "A2A-TEST", it.IDA2A)
		// GovPay's rules; strict mode would refuse GovPay's demo domain
		// 01234567890 and demo IBAN, as documented.
		assert.NoError(t, it.Pendenza.Validate(), it.IDPendenza)
	}
	first := items[0].Pendenza
	assert.Equal(t, "GEST-2026-0001", items[0].IDPendenza)
	assert.Equal(t, govpay.Centesimi(9500), first.Importo)
	assert.Equal(t, govpay.NewDate(2027, time.January, 31), first.DataScadenza)
	assert.Equal(t, "RSSMRA80A01H501U", first.SoggettoPagatore.Identificativo)
	assert.Equal(t, 2026, first.AnnoRiferimento)
	require.Len(t, first.Voci, 1)
	assert.Equal(t, first.Importo, first.Voci[0].Importo)
	// Quoted fields with commas survive.
	last := items[19].Pendenza
	assert.Equal(t, "Concessione cimiteriale, rinnovo trentennale", last.Causale)
	assert.Equal(t, "Rinnovo concessione loculo, settore B", last.Voci[0].Descrizione)
	assert.Equal(t, govpay.Centesimi(150000), last.Importo)
	// 19.99 stays exactly 1999 cents.
	assert.Equal(t, govpay.Centesimi(1999), items[13].Pendenza.Importo)
}

const header = "id_pendenza,id_dominio,id_tipo_pendenza,causale,debitore_tipo,debitore_id,debitore_anagrafica,importo,cod_entrata,iban,codice_contabilita\n"

func TestParseCSVErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		csv  string
		want []string
	}{
		"empty":           {"", []string{"no header"}},
		"only comments":   {"# nothing\n", []string{"no header"}},
		"no rows":         {header, []string{"no rows"}},
		"unknown column":  {"id_pendenza,colore\n", []string{`unknown column "colore"`, `column "importo" missing`}},
		"repeated column": {strings.TrimSuffix(header, "\n") + ",importo\n", []string{`"importo" repeated`}},
		"three decimals":  {header + "P1,01234567890,T,c,F,RSSMRA80A01H501U,Mario,10.001,E,,\n", []string{"line 2", "importo"}},
		"exponent":        {header + "P1,01234567890,T,c,F,RSSMRA80A01H501U,Mario,1e3,E,,\n", []string{"importo", "at most two decimals"}},
		"comma decimal":   {header + "P1,01234567890,T,c,F,RSSMRA80A01H501U,Mario,\"10,50\",E,,\n", []string{"importo"}},
		"negative":        {header + "P1,01234567890,T,c,F,RSSMRA80A01H501U,Mario,-10.00,E,,\n", []string{"importo"}},
		"tipo":            {header + "P1,01234567890,T,c,X,RSSMRA80A01H501U,Mario,10.00,E,,\n", []string{"debitore_tipo"}},
		"both kinds":      {header + "P1,01234567890,T,c,F,RSSMRA80A01H501U,Mario,10.00,E,IT02L1234500000999990000001,X\n", []string{"choose one"}},
		"no kind":         {header + "P1,01234567890,T,c,F,RSSMRA80A01H501U,Mario,10.00,,,\n", []string{"one of cod_entrata and iban"}},
		"empty required":  {header + ",01234567890,T,,F,RSSMRA80A01H501U,Mario,10.00,E,,\n", []string{"id_pendenza is empty", "causale is empty"}},
		"duplicate id": {header + "P1,01234567890,T,c,F,RSSMRA80A01H501U,Mario,10.00,E,,\n" +
			"P1,01234567890,T,c,F,RSSMRA80A01H501U,Mario,10.00,E,,\n", []string{"line 3", `already on line 2`}},
		"wrong field count": {header + "P1,01234567890\n", []string{"wrong number of fields"}},
		"every bad line": {header + "P1,01234567890,T,c,F,RSSMRA80A01H501U,Mario,x,E,,\n" +
			"P2,01234567890,T,c,F,RSSMRA80A01H501U,Mario,y,E,,\n", []string{"line 2", "line 3"}},
	} {
		t.Run(name, func(t *testing.T) {
			items, err := ente.ParseCSV(strings.NewReader(tc.csv), "A2A")
			require.Error(t, err)
			assert.Nil(t, items)
			assert.True(t, errors.Is(err, ente.ErrCSV))
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestBarra(t *testing.T) {
	s := ente.Barra(pendenze.Progress{Done: 10, Total: 20, Created: 9, Updated: 1, Rate: 12.345})
	assert.True(t, strings.HasPrefix(s, "\r["), "redraws the line")
	assert.Contains(t, s, "["+strings.Repeat("#", 15)+strings.Repeat(".", 15)+"]")
	assert.Contains(t, s, "10/20")
	assert.Contains(t, s, " 50%")
	assert.Contains(t, s, "12.3/s")
	assert.Contains(t, s, "nuove 9  aggiornate 1")
	assert.NotContains(t, s, "\n")

	done := ente.Barra(pendenze.Progress{Done: 20, Total: 20})
	assert.Contains(t, done, "["+strings.Repeat("#", 30)+"]")
	assert.Contains(t, done, "100%")
	unknown := ente.Barra(pendenze.Progress{Done: 7})
	assert.Contains(t, unknown, "] 7 ")
	assert.Len(t, strings.Split(s, "\r"), 2)
}

func TestCarica(t *testing.T) {
	fake := govpaytest.NewServer(govpaytest.WithBasicAuth("A2A-TEST", "pw"))
	defer fake.Close()
	f, err := os.Open("../testdata/pendenze.csv")
	require.NoError(t, err)
	defer f.Close()
	items, err := ente.ParseCSV(f, "A2A-TEST")
	require.NoError(t, err)
	// One invalid item: Load reports it without sending it.
	bad := items[3]
	bad.Pendenza.Importo++
	items = append(items, pendenze.Item{IDA2A: bad.IDA2A, IDPendenza: "GEST-BAD", Pendenza: bad.Pendenza})

	c := pendenze.New(fake.Config()) // with the fake's Basic credentials
	var out bytes.Buffer
	rep, err := ente.Carica(context.Background(), c, items, &out, ente.CaricaOptions{Concurrency: 4})
	require.NoError(t, err)
	assert.Equal(t, 20, rep.Created)
	assert.Equal(t, 1, rep.Invalid)
	assert.Equal(t, 20, fake.Count(govpaytest.OpPutPendenza))
	assert.Len(t, fake.Pendenze(), 20)
	s := out.String()
	assert.Contains(t, s, "\r[", "progress bar drawn")
	assert.Contains(t, s, "21/21 100%")
	assert.Contains(t, s, "caricate 20 di 21 pendenze")
	assert.Contains(t, s, "A2A-TEST/GEST-BAD: invalid")

	// Loading again updates.
	out.Reset()
	rep, err = ente.Carica(context.Background(), c, items[:20], &out, ente.CaricaOptions{})
	require.NoError(t, err)
	assert.Equal(t, 20, rep.Updated)
}

// TestRegistroReceivesTheFakesNotifications pays through the fake and checks
// that the handler receives, authenticates, decodes and deduplicates the
// notifications of both API Ente versions.
func TestRegistroReceivesTheFakesNotifications(t *testing.T) {
	for _, version := range []int{1, 2} {
		t.Run("v"+string(rune('0'+version)), func(t *testing.T) {
			printed := &lockedBuffer{}
			reg := ente.NewRegistro(printed)
			h, err := ente.NewHandler(reg, "govpay", "notifiche")
			require.NoError(t, err)
			mux := http.NewServeMux()
			mux.Handle("/ente/", http.StripPrefix("/ente", h))
			srv := httptest.NewServer(mux)
			defer srv.Close()

			fake := govpaytest.NewServer(govpaytest.WithDemoData(), govpaytest.WithNotifications(govpaytest.NotificationConfig{
				URL: srv.URL + "/ente", Version: version, Username: "govpay", Password: "notifiche", MaxAttempts: 5}))
			defer fake.Close()
			pag := pagamenti.New(fake.Config(govpay.WithInsecureRedirect()))
			avvio, err := pag.Start(context.Background(),
				pagamenti.NewCart().AddRiferimento(govpaytest.DemoIDA2A, "MENSA-2026-03-RSSMRA"), pagamenti.StartOptions{})
			require.NoError(t, err)
			_, err = fake.Pay(avvio.Redirect, govpaytest.ChoicePaga)
			require.NoError(t, err)

			want := map[int]int{1: 2, 2: 1}[version]
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			got, err := reg.Attendi(ctx, func(l []ente.Notifica) bool { return len(l) >= want })
			require.NoError(t, err)
			last := got[len(got)-1]
			p, _ := fake.Pendenza(govpaytest.DemoIDA2A, "MENSA-2026-03-RSSMRA")
			assert.Equal(t, p.Importo, last.Importo)
			assert.Equal(t, "ESEGUITO", last.Esito)
			assert.Equal(t, govpaytest.DemoIDA2A, last.IDA2A)
			assert.Equal(t, "MENSA-2026-03-RSSMRA", last.IDPendenza)
			assert.Equal(t, p.IUV, last.IUV)
			assert.NotEmpty(t, last.IDRicevuta)
			if version == 1 {
				assert.Equal(t, ente.TipoAttivazione, got[0].Tipo)
				assert.Equal(t, ente.TipoPagamento, last.Tipo)
				assert.NotNil(t, last.Pagamento)
			} else {
				assert.Equal(t, ente.TipoRicevuta, last.Tipo)
				assert.NotNil(t, last.Ricevuta)
			}
			assert.Contains(t, printed.String(), "notifica: "+string(last.Tipo))
			assert.Contains(t, printed.String(), p.Importo.String()+" €")

			// Wrong credentials are refused; a redelivery is acknowledged
			// without a second booking.
			n := fake.Notifications()[len(fake.Notifications())-1]
			req, _ := http.NewRequest(n.Method, n.URL, bytes.NewReader(n.Body))
			req.Header.Set("Content-Type", "application/json")
			req.SetBasicAuth("govpay", "sbagliata")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			req, _ = http.NewRequest(n.Method, n.URL, bytes.NewReader(n.Body))
			req.Header.Set("Content-Type", "application/json")
			req.SetBasicAuth("govpay", "notifiche")
			resp, err = http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Less(t, resp.StatusCode, 300)
			assert.Len(t, reg.Notifiche(), len(got), "a redelivery is not booked twice")
		})
	}
}

func TestAttendiEndsWithTheContext(t *testing.T) {
	reg := ente.NewRegistro(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	got, err := reg.Attendi(ctx, func(l []ente.Notifica) bool { return len(l) > 0 })
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Empty(t, got)
}

// lockedBuffer is a bytes.Buffer the handler's goroutines write while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
