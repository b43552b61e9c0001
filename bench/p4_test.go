package bench

// P4: listing 10,000 and 100,000 pendenze with pendenze.Client.List in
// pages of 200, from a server that generates each page on the fly (it
// holds no list), vs a hand-written loop over the same pages decoding them
// with encoding/json into an equivalent struct. Reported: ns per item and
// the peak growth of the live heap while listing, which must not depend on
// the number of pendenze.
//
//	go test -run '^$' -bench P4 -benchtime 1x -benchmem -count 5 ./bench/

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pendenze"
)

const pageSize = pendenze.MaxRisultatiPerPagina

// sintesiTemplate is one pendenza of a list as GovPay writes it
// (PendenzaIndex); {N} is replaced by the pendenza's number and {C} by its
// amount in cents.
const sintesiTemplate = `{"idA2A":"GESTIONALE","idPendenza":"TARI-2026-{N}","idTipoPendenza":"TARI",` +
	`"dominio":{"idDominio":"01234567890","ragioneSociale":"Comune di Esempio"},"stato":"NON_ESEGUITA",` +
	`"iuvAvviso":"0100000{N}","dataCaricamento":"2026-01-15","dataValidita":"2026-12-31","dataScadenza":"2027-12-31",` +
	`"dataUltimoAggiornamento":"2026-01-15T10:20:30.123","annoRiferimento":2026,"causale":"TARI 2026 rata unica n. {N}",` +
	`"soggettoPagatore":{"tipo":"F","identificativo":"RSSMRA30A01H501I","anagrafica":"Mario Rossi","indirizzo":"Via Roma",` +
	`"civico":"1","cap":"00100","localita":"Roma","provincia":"RM","nazione":"IT","email":"mario.rossi@example.it"},` +
	`"importo":{C},"numeroAvviso":"301000000000001861","tassonomiaAvviso":"IMU, TASI e altre tasse comunali",` +
	`"direzione":"Tributi","divisione":"TARI","tipo":"dovuto","UUID":"e3b0c44298fc1c14","importoPagato":0,"importoIncassato":0,` +
	`"anomalo":false,"verificato":false,"rpp":"/rpp?idA2A=GESTIONALE&idPendenza=TARI-2026-{N}",` +
	`"pagamenti":"/pagamenti?idA2A=GESTIONALE&idPendenza=TARI-2026-{N}"}`

// importoOf is the amount of pendenza i, in cents: varied, with two
// decimals.
func importoOf(i int) int64 { return 1000 + int64(i%100_000) }

// appendCents writes c cents as a JSON decimal ("10.05").
func appendCents(b []byte, c int64) []byte {
	b = strconv.AppendInt(b, c/100, 10)
	b = append(b, '.', byte('0'+c%100/10), byte('0'+c%10))
	return b
}

// listHandler serves GET /pendenze over n pendenze, generating each page.
func listHandler(n int) http.Handler {
	type piece struct {
		lit string
		ph  byte // 'N', 'C' or 0 for the last piece
	}
	var tmpl []piece
	for s := sintesiTemplate; ; {
		i, j := strings.Index(s, "{N}"), strings.Index(s, "{C}")
		if i < 0 || (j >= 0 && j < i) {
			i = j
		}
		if i < 0 {
			tmpl = append(tmpl, piece{lit: s})
			break
		}
		tmpl = append(tmpl, piece{lit: s[:i], ph: s[i+1]})
		s = s[i+3:]
	}
	bufs := sync.Pool{New: func() any { b := make([]byte, 0, 300<<10); return &b }}
	pages := (n + pageSize - 1) / pageSize
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		page, _ := strconv.Atoi(q.Get("pagina"))
		per, _ := strconv.Atoi(q.Get("risultatiPerPagina"))
		if page < 1 || per < 1 || per > pageSize {
			http.Error(w, "bad paging", http.StatusBadRequest)
			return
		}
		bp := bufs.Get().(*[]byte)
		b := (*bp)[:0]
		b = append(b, `{"numRisultati":`...)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, `,"numPagine":`...)
		b = strconv.AppendInt(b, int64(pages), 10)
		b = append(b, `,"risultatiPerPagina":`...)
		b = strconv.AppendInt(b, int64(per), 10)
		b = append(b, `,"pagina":`...)
		b = strconv.AppendInt(b, int64(page), 10)
		b = append(b, `,"prossimiRisultati":`...)
		if page < pages {
			b = append(b, `"/pendenze?pagina=`...)
			b = strconv.AppendInt(b, int64(page+1), 10)
			b = append(b, '"')
		} else {
			b = append(b, `null`...)
		}
		b = append(b, `,"risultati":[`...)
		for i := (page - 1) * per; i < min(page*per, n); i++ {
			if i > (page-1)*per {
				b = append(b, ',')
			}
			for _, p := range tmpl {
				b = append(b, p.lit...)
				switch p.ph {
				case 'N':
					b = strconv.AppendInt(b, int64(1_000_000_000+i), 10)
				case 'C':
					b = appendCents(b, importoOf(i))
				}
			}
		}
		b = append(b, "]}"...)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		_, _ = w.Write(b)
		*bp = b
		bufs.Put(bp)
	})
}

// sdkList lists every pendenza with the SDK, returning the count and the
// sum of the amounts in cents.
func sdkList(ctx context.Context, c *pendenze.Client) (int, int64, error) {
	var n int
	var sum int64
	for s, err := range c.List(ctx, pendenze.ListOptions{RisultatiPerPagina: pageSize}) {
		if err != nil {
			return n, sum, err
		}
		n++
		sum += s.Importo.Centesimi()
	}
	return n, sum, nil
}

// Hand-written types of the raw list, equivalent to pendenze.Sintesi.
type (
	rawSintesi struct {
		IDA2A                   string      `json:"idA2A"`
		IDPendenza              string      `json:"idPendenza"`
		IDTipoPendenza          string      `json:"idTipoPendenza"`
		Dominio                 rawDominio  `json:"dominio"`
		Stato                   string      `json:"stato"`
		IUVAvviso               string      `json:"iuvAvviso"`
		DataCaricamento         string      `json:"dataCaricamento"`
		DataValidita            string      `json:"dataValidita"`
		DataScadenza            string      `json:"dataScadenza"`
		DataUltimoAggiornamento string      `json:"dataUltimoAggiornamento"`
		AnnoRiferimento         int         `json:"annoRiferimento"`
		Causale                 string      `json:"causale"`
		SoggettoPagatore        rawSoggetto `json:"soggettoPagatore"`
		Importo                 float64     `json:"importo"`
		NumeroAvviso            string      `json:"numeroAvviso"`
		TassonomiaAvviso        string      `json:"tassonomiaAvviso"`
		Direzione               string      `json:"direzione"`
		Divisione               string      `json:"divisione"`
		Tipo                    string      `json:"tipo"`
		UUID                    string      `json:"UUID"`
		ImportoPagato           float64     `json:"importoPagato"`
		ImportoIncassato        float64     `json:"importoIncassato"`
		Anomalo                 bool        `json:"anomalo"`
		Verificato              bool        `json:"verificato"`
		RPP                     string      `json:"rpp"`
		Pagamenti               string      `json:"pagamenti"`
	}
	rawPage struct {
		NumRisultati       int          `json:"numRisultati"`
		NumPagine          int          `json:"numPagine"`
		RisultatiPerPagina int          `json:"risultatiPerPagina"`
		Pagina             int          `json:"pagina"`
		ProssimiRisultati  *string      `json:"prossimiRisultati"`
		Risultati          []rawSintesi `json:"risultati"`
	}
)

// rawList walks the pages by hand: same requests, same decoding work.
// Amounts are summed in cents, rounding each float64 as a careful
// integrator would.
func rawList(ctx context.Context, hc *http.Client, base string) (int, int64, error) {
	var n int
	var sum int64
	q := url.Values{"risultatiPerPagina": {strconv.Itoa(pageSize)}}
	for page := 1; ; page++ {
		q.Set("pagina", strconv.Itoa(page))
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/pendenze?"+q.Encode(), nil)
		if err != nil {
			return n, sum, err
		}
		req.SetBasicAuth(benchUser, benchPassword)
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return n, sum, err
		}
		if resp.StatusCode != http.StatusOK {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return n, sum, fmt.Errorf("status %d", resp.StatusCode)
		}
		var p rawPage
		err = json.NewDecoder(resp.Body).Decode(&p)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return n, sum, err
		}
		for i := range p.Risultati {
			n++
			sum += int64(p.Risultati[i].Importo*100 + 0.5)
		}
		if len(p.Risultati) == 0 || page >= p.NumPagine {
			return n, sum, nil
		}
	}
}

// wantSum is the sum of the amounts of n pendenze, in cents.
func wantSum(n int) int64 {
	var s int64
	for i := range n {
		s += importoOf(i)
	}
	return s
}

func BenchmarkP4List(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10_000, 100_000} {
		srv, _ := serve(b, listHandler(n))
		base := srv.URL + pathPendenze
		want := wantSum(n)
		run := func(b *testing.B, list func() (int, int64, error)) {
			var peak float64
			b.ReportAllocs()
			for b.Loop() {
				s := startHeapSampler()
				got, sum, err := list()
				peak = max(peak, s.finish())
				if err != nil || got != n || sum != want {
					b.Fatalf("listed %d (sum %d), want %d (sum %d): %v", got, sum, n, want, err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(n*b.N), "ns/item")
			b.ReportMetric(peak, "peak-heap-MiB")
		}
		b.Run(fmt.Sprintf("n=%d/impl=sdk", n), func(b *testing.B) {
			c := pendenze.New(testutil.Config(b, govpay.APIPendenze, base, append(sdkOptions(), govpay.WithRetry(govpay.NoRetry()))...))
			run(b, func() (int, int64, error) { return sdkList(ctx, c) })
		})
		b.Run(fmt.Sprintf("n=%d/impl=raw", n), func(b *testing.B) {
			hc := rawClient()
			run(b, func() (int, int64, error) { return rawList(ctx, hc, base) })
		})
		b.Run(fmt.Sprintf("n=%d/impl=paired", n), func(b *testing.B) {
			c := pendenze.New(testutil.Config(b, govpay.APIPendenze, base, append(sdkOptions(), govpay.WithRetry(govpay.NoRetry()))...))
			hc := rawClient()
			checked := func(list func() (int, int64, error)) func() error {
				return func() error {
					got, sum, err := list()
					if err == nil && (got != n || sum != want) {
						err = fmt.Errorf("listed %d (sum %d), want %d (sum %d)", got, sum, n, want)
					}
					return err
				}
			}
			paired(b, checked(func() (int, int64, error) { return sdkList(ctx, c) }),
				checked(func() (int, int64, error) { return rawList(ctx, hc, base) }))
		})
	}
}

// BenchmarkP4DecodePage isolates the decoding of one page of 200 pendenze
// (no network): where the time of P4 goes.
func BenchmarkP4DecodePage(b *testing.B) {
	w := httptest.NewRecorder()
	listHandler(pageSize).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/pendenze?pagina=1&risultatiPerPagina=200", nil))
	page := w.Body.Bytes()
	sdk := func() error {
		var p struct {
			Risultati []pendenze.Sintesi `json:"risultati"`
		}
		if err := json.NewDecoder(bytes.NewReader(page)).Decode(&p); err != nil {
			return err
		}
		if len(p.Risultati) != pageSize {
			return fmt.Errorf("decoded %d", len(p.Risultati))
		}
		return nil
	}
	raw := func() error {
		var p rawPage
		if err := json.NewDecoder(bytes.NewReader(page)).Decode(&p); err != nil {
			return err
		}
		if len(p.Risultati) != pageSize {
			return fmt.Errorf("decoded %d", len(p.Risultati))
		}
		return nil
	}
	for _, impl := range []struct {
		name string
		f    func() error
	}{{"impl=sdk", sdk}, {"impl=raw", raw}} {
		b.Run(impl.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				if err := impl.f(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("impl=paired", func(b *testing.B) { paired(b, sdk, raw) })
}

// BenchmarkP4Fields breaks P4's decoding down by field type: an object with
// one field decoded into the SDK's type (govpay.Date, govpay.DateTime,
// govpay.Importo) vs the raw type (string, string, float64). A Sintesi
// carries four dates, one timestamp and three amounts.
func BenchmarkP4Fields(b *testing.B) {
	type (
		sdkDate struct {
			V govpay.Date `json:"v"`
		}
		sdkDateTime struct {
			V govpay.DateTime `json:"v"`
		}
		sdkImporto struct {
			V govpay.Importo `json:"v"`
		}
		rawString struct {
			V string `json:"v"`
		}
		rawFloat struct {
			V float64 `json:"v"`
		}
	)
	for _, tc := range []struct {
		field    string
		in       string
		sdk, raw func() any
	}{
		{"date", `{"v":"2026-12-31"}`, func() any { return new(sdkDate) }, func() any { return new(rawString) }},
		{"datetime", `{"v":"2026-01-15T10:20:30.123"}`, func() any { return new(sdkDateTime) }, func() any { return new(rawString) }},
		{"importo", `{"v":1234.56}`, func() any { return new(sdkImporto) }, func() any { return new(rawFloat) }},
	} {
		in := []byte(tc.in)
		for _, impl := range []struct {
			name string
			v    func() any
		}{{"sdk", tc.sdk}, {"raw", tc.raw}} {
			b.Run("field="+tc.field+"/impl="+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := json.Unmarshal(in, impl.v()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		// paired: the two alternated in one loop (the clock reads add the
		// same small cost to both sides).
		b.Run("field="+tc.field+"/impl=paired", func(b *testing.B) {
			paired(b, func() error { return json.Unmarshal(in, tc.sdk()) }, func() error { return json.Unmarshal(in, tc.raw()) })
		})
	}
}
