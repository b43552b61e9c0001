package pendenze

// Benchmarks, each against a hand-written net/http + encoding/json baseline
// measured in the same run:
//
//	go test -run '^$' -bench . -benchmem ./pendenze/
//
// The single Put (P1) is BenchmarkP1Put in bench/, against both the raw
// generated client and the hand-written baseline.
//
// BenchmarkLoad (P2): Load against a loopback server that adds 2 ms of
// latency to every request. One SDK client and one raw http.Client serve
// every sample (idle keep-alive connections are reused, not piled up, and
// closed when the benchmark ends). Heap figures are growth: the largest
// HeapInuse sampled every 2 ms during the load, minus HeapInuse after a GC
// just before it.
//
//   - conc=C/vs-rawpool/items=N, C = 1, 4, 16, 64: alternates a Load at
//     concurrency C with an ideal raw worker pool of C goroutines doing the
//     hand-written request, over the same N items, so that both see the
//     same machine load; reports sdk-items/s, rawpool-items/s, their ratio
//     sdk/rawpool-throughput and the heap growth of each. N is 10,000 at
//     concurrency 16 and 64, 4,000 at 4 and 1,000 at 1 (a rate does not
//     need 10,000 items × 2 ms one at a time).
//   - sdk/conc=16/items=1000 and items=10000: Load alone, for allocations
//     and heap growth against N (it must not grow with the number of
//     items).
//   - sequential/items=500: a plain loop of Puts; compare its items/s with
//     the loads' (a rate: 10,000 × 2 ms would take 20 s).
//
// With -short the item counts are divided by 10.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Hand-written wire types of the baseline.
type baseSoggetto struct {
	Tipo           string `json:"tipo"`
	Identificativo string `json:"identificativo"`
	Anagrafica     string `json:"anagrafica,omitempty"`
	Email          string `json:"email,omitempty"`
	Cellulare      string `json:"cellulare,omitempty"`
}

type baseVoce struct {
	IDVocePendenza     string  `json:"idVocePendenza"`
	Importo            float64 `json:"importo"`
	Descrizione        string  `json:"descrizione"`
	IBANAccredito      string  `json:"ibanAccredito,omitempty"`
	TipoContabilita    string  `json:"tipoContabilita,omitempty"`
	CodiceContabilita  string  `json:"codiceContabilita,omitempty"`
	CodEntrata         string  `json:"codEntrata,omitempty"`
	TipoBollo          string  `json:"tipoBollo,omitempty"`
	HashDocumento      string  `json:"hashDocumento,omitempty"`
	ProvinciaResidenza string  `json:"provinciaResidenza,omitempty"`
}

type basePendenza struct {
	IDTipoPendenza   string       `json:"idTipoPendenza"`
	IDDominio        string       `json:"idDominio"`
	Causale          string       `json:"causale"`
	SoggettoPagatore baseSoggetto `json:"soggettoPagatore"`
	Importo          float64      `json:"importo"`
	DataValidita     string       `json:"dataValidita,omitempty"`
	DataScadenza     string       `json:"dataScadenza,omitempty"`
	Voci             []baseVoce   `json:"voci"`
}

type baseCaricata struct {
	IDDominio    string `json:"idDominio"`
	NumeroAvviso string `json:"numeroAvviso"`
	UUID         string `json:"UUID"`
}

func basePendenzaOf() basePendenza {
	return basePendenza{
		IDTipoPendenza: "LIBERO", IDDominio: "01234567890", Causale: "Pagamento dovuto n. 1",
		SoggettoPagatore: baseSoggetto{Tipo: "F", Identificativo: "RSSMRA30A01H501I", Anagrafica: "Mario Rossi",
			Email: "mario.rossi@testmail.it", Cellulare: "+39 000-0000000"},
		Importo: 125.99, DataValidita: "2900-12-31", DataScadenza: "2999-12-31",
		Voci: []baseVoce{
			{IDVocePendenza: "1", Importo: 99.99, Descrizione: "Diritti e segreteria", CodEntrata: "SEGRETERIA"},
			{IDVocePendenza: "2", Importo: 10, Descrizione: "Diritti e segreteria", IBANAccredito: "IT02L1234500000999990000001",
				TipoContabilita: "ALTRO", CodiceContabilita: "CodiceContabilita"},
			{IDVocePendenza: "3", Importo: 16, Descrizione: "Marca da bollo", TipoBollo: "01",
				HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RO"},
		},
	}
}

func baselineClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, Timeout: 60 * time.Second}
}

// baselinePut is what a careful integrator writes by hand.
func baselinePut(ctx context.Context, hc *http.Client, base, idA2A, idPendenza string, p *basePendenza) (*baseCaricata, bool, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return nil, false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/pendenze/"+idA2A+"/"+idPendenza, bytes.NewReader(body))
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		return nil, false, fmt.Errorf("status %d", resp.StatusCode)
	}
	var out baseCaricata
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, false, err
	}
	return &out, resp.StatusCode == http.StatusCreated, nil
}

// benchServer answers every PUT with 201 after latency.
func benchServer(b *testing.B, latency time.Duration) (string, *atomic.Int64) {
	var hits atomic.Int64
	body := []byte(caricataJSON)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if latency > 0 {
			time.Sleep(latency)
		}
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv.URL + basePath, &hits
}

// heapSampler records the largest live heap (HeapInuse) seen while a load
// runs, above the level measured after a GC at its start.
type heapSampler struct {
	stop, done chan struct{}
	base, peak uint64
}

func startHeapSampler() *heapSampler {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := &heapSampler{stop: make(chan struct{}), done: make(chan struct{}), base: ms.HeapInuse, peak: ms.HeapInuse}
	go func() {
		defer close(s.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				s.peak = max(s.peak, ms.HeapInuse)
			}
		}
	}()
	return s
}

// finish stops the sampler and returns the peak growth in MiB.
func (s *heapSampler) finish() float64 {
	close(s.stop)
	<-s.done
	return float64(s.peak-s.base) / (1 << 20)
}

func benchItems(n int) iter.Seq[Item] {
	return func(yield func(Item) bool) {
		for i := range n {
			p := validPendenza()
			if !yield(Item{IDA2A: "A2A-1", IDPendenza: "P-" + fmt.Sprint(i), Pendenza: p}) {
				return
			}
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	const latency = 2 * time.Millisecond
	div := 1
	if testing.Short() {
		div = 10
	}
	base, hits := benchServer(b, latency)
	ctx := context.Background()

	// One client of each kind for every sample.
	c := New(testutil.Config(b, govpay.APIPendenze, base))
	hc := baselineClient()
	b.Cleanup(func() {
		c.tc.CloseIdleConnections()
		hc.CloseIdleConnections()
	})
	load := func(b *testing.B, conc, n int) {
		rep, err := c.Load(ctx, benchItems(n), LoadOptions{Concurrency: conc, Total: n})
		if err != nil || rep.Created != n {
			b.Fatalf("%v %+v", err, rep)
		}
	}

	for _, sweep := range []struct{ conc, items int }{{1, 1_000}, {4, 4_000}, {16, 10_000}, {64, 10_000}} {
		conc, n := sweep.conc, sweep.items/div
		b.Run(fmt.Sprintf("conc=%d/vs-rawpool/items=%d", conc, n), func(b *testing.B) {
			var sdk, raw time.Duration
			var sdkHeap, rawHeap float64
			for i := 0; b.Loop(); i++ {
				for k := range 2 {
					s := startHeapSampler()
					start := time.Now()
					if (i+k)%2 == 0 {
						load(b, conc, n)
						sdk += time.Since(start)
						sdkHeap = max(sdkHeap, s.finish())
					} else {
						rawPool(b, ctx, hc, base, conc, n)
						raw += time.Since(start)
						rawHeap = max(rawHeap, s.finish())
					}
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/sdk.Seconds(), "sdk-items/s")
			b.ReportMetric(float64(n)*float64(b.N)/raw.Seconds(), "rawpool-items/s")
			b.ReportMetric(raw.Seconds()/sdk.Seconds(), "sdk/rawpool-throughput")
			b.ReportMetric(sdkHeap, "sdk-heap-growth-MiB")
			b.ReportMetric(rawHeap, "rawpool-heap-growth-MiB")
		})
	}

	for _, size := range []int{1_000 / div, 10_000 / div} {
		b.Run(fmt.Sprintf("sdk/conc=16/items=%d", size), func(b *testing.B) {
			var heap float64
			var elapsed time.Duration
			b.ReportAllocs()
			for b.Loop() {
				s := startHeapSampler()
				start := time.Now()
				load(b, 16, size)
				elapsed += time.Since(start)
				heap = max(heap, s.finish())
			}
			b.ReportMetric(float64(size)*float64(b.N)/elapsed.Seconds(), "items/s")
			b.ReportMetric(heap, "heap-growth-MiB")
		})
	}

	seq := 500 / div
	b.Run(fmt.Sprintf("sequential/items=%d", seq), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for it := range benchItems(seq) {
				if _, err := c.Put(ctx, it.IDA2A, it.IDPendenza, it.Pendenza); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(seq)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	})
	if hits.Load() == 0 {
		b.Fatal(errors.New("no request reached the server"))
	}
}

// rawPool puts n hand-written requests with conc goroutines: the ideal a
// bulk loader is measured against (no validation, no retries, no results).
func rawPool(b *testing.B, ctx context.Context, hc *http.Client, base string, conc, n int) {
	jobs := make(chan int, conc)
	var wg sync.WaitGroup
	var failed atomic.Int64
	p := basePendenzaOf()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if _, _, err := baselinePut(ctx, hc, base, "A2A-1", "P-"+fmt.Sprint(i), &p); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if failed.Load() != 0 {
		b.Fatal("raw pool failures")
	}
}
