package pendenze

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
)

// genItems yields n valid items; the ones whose index is in invalid have an
// importo that is not the sum of the voci.
func genItems(n int, invalid map[int]bool) iter.Seq[Item] {
	return func(yield func(Item) bool) {
		for i := range n {
			p := validPendenza()
			if invalid[i] {
				p.Importo++
			}
			if !yield(Item{IDA2A: "A2A-1", IDPendenza: fmt.Sprintf("P-%d", i), Pendenza: p}) {
				return
			}
		}
	}
}

func TestLoadOutcomes(t *testing.T) {
	h := setup(t)
	var inFlight, maxInFlight atomic.Int64
	var seen sync.Map
	h.mux.HandleFunc("/pendenze/A2A-1/", func(w http.ResponseWriter, r *http.Request) {
		cur := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if cur <= m || maxInFlight.CompareAndSwap(m, cur) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		id := strings.TrimPrefix(r.URL.Path, "/pendenze/A2A-1/")
		if _, dup := seen.LoadOrStore(id, true); dup {
			t.Errorf("%s sent twice", id)
		}
		switch {
		case strings.HasSuffix(id, "3"):
			writeJSON(w, http.StatusOK, caricataJSON)
		case strings.HasSuffix(id, "7"):
			writeFault(w, http.StatusUnprocessableEntity, "RICHIESTA", "VER_002", "importo")
		default:
			writeJSON(w, http.StatusCreated, caricataJSON)
		}
	})
	var results []Result
	var progress []Progress
	rep, err := h.client.Load(context.Background(), genItems(40, map[int]bool{5: true, 15: true}), LoadOptions{
		Concurrency:      4,
		Total:            40,
		OnResult:         func(r Result) { results = append(results, r) },
		OnProgress:       func(p Progress) { progress = append(progress, p) },
		ProgressInterval: time.Millisecond,
	})
	require.NoError(t, err)
	// P-3, P-13, P-23, P-33 updated; P-7, P-17, P-27, P-37 refused; P-5, P-15 invalid.
	assert.Equal(t, 40, rep.Read)
	assert.Equal(t, 4, rep.Updated)
	assert.Equal(t, 4, rep.Failed)
	assert.Equal(t, 2, rep.Invalid)
	assert.Equal(t, 30, rep.Created)
	assert.Equal(t, 34, rep.Loaded())
	assert.Zero(t, rep.NotSent)
	assert.Len(t, rep.Failures, 6)
	assert.LessOrEqual(t, maxInFlight.Load(), int64(4), "concurrency is bounded")
	assert.EqualValues(t, 38, countSeen(&seen), "invalid items are not sent")

	require.Len(t, results, 40)
	byIndex := map[int]Result{}
	for _, r := range results {
		byIndex[r.Index] = r
	}
	assert.Equal(t, OutcomeInvalid, byIndex[5].Outcome)
	var ve *govpay.ValidationError
	assert.ErrorAs(t, byIndex[5].Err, &ve)
	assert.Equal(t, "P-5", byIndex[5].IDPendenza)
	assert.Equal(t, OutcomeFailed, byIndex[7].Outcome)
	var ge *govpay.Error
	require.ErrorAs(t, byIndex[7].Err, &ge)
	assert.Equal(t, "VER_002", ge.Codice)
	assert.Equal(t, OutcomeUpdated, byIndex[13].Outcome)
	assert.Equal(t, OutcomeCreated, byIndex[0].Outcome)
	assert.Equal(t, "301000000000001861", byIndex[0].Caricata.NumeroAvviso.String())

	require.NotEmpty(t, progress)
	last := progress[len(progress)-1]
	assert.Equal(t, 40, last.Done)
	assert.Equal(t, 40, last.Total)
	assert.Greater(t, last.Rate, 0.0)
	for i := 1; i < len(progress); i++ {
		assert.GreaterOrEqual(t, progress[i].Done, progress[i-1].Done)
	}
}

func countSeen(m *sync.Map) int {
	n := 0
	m.Range(func(any, any) bool { n++; return true })
	return n
}

func TestLoadStopsOnCancel(t *testing.T) {
	h := setup(t)
	var served atomic.Int64
	h.mux.HandleFunc("/pendenze/A2A-1/", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		time.Sleep(time.Millisecond)
		writeJSON(w, http.StatusCreated, caricataJSON)
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pulled atomic.Int64
	items := func(yield func(Item) bool) {
		for it := range genItems(1_000_000, nil) {
			pulled.Add(1)
			if !yield(it) {
				return
			}
		}
	}
	var notSent []int
	var created atomic.Int64
	rep, err := h.client.Load(ctx, items, LoadOptions{
		Concurrency: 4,
		OnResult: func(r Result) {
			switch r.Outcome {
			case OutcomeCreated:
				if created.Add(1) == 50 {
					cancel()
				}
			case OutcomeNotSent:
				notSent = append(notSent, r.Index)
			}
		},
	})
	require.ErrorIs(t, err, context.Canceled)
	require.NotNil(t, rep)
	assert.Less(t, rep.Read, 1000, "reading stops soon after cancel")
	assert.EqualValues(t, pulled.Load(), rep.Read)
	assert.Equal(t, rep.Read, rep.Created+rep.Updated+rep.Invalid+rep.Failed+rep.NotSent, "every item read has an outcome")
	assert.Len(t, notSent, rep.NotSent)
	assert.GreaterOrEqual(t, rep.Created, 50)
	assert.LessOrEqual(t, served.Load(), int64(rep.Created+rep.Failed), "nothing sent beyond what is reported")
	for _, f := range rep.Failures {
		assert.Contains(t, []Outcome{OutcomeFailed, OutcomeNotSent}, f.Outcome)
		assert.ErrorIs(t, f.Err, context.Canceled)
	}
}

func TestLoadAlreadyCancelled(t *testing.T) {
	h := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := h.client.Load(ctx, genItems(100, nil), LoadOptions{})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, rep.Read, "the first item is read, found unsendable, and reading stops")
	assert.Equal(t, 1, rep.NotSent)
	assert.Zero(t, h.hits.Load())
}

// TestLoadUnusableClient: a client that cannot send at all (a nil Config,
// or one without credentials: GovPay has no public API Pendenze) makes Load
// return its ValidationError before reading any item, rather than one
// refusal per item.
func TestLoadUnusableClient(t *testing.T) {
	public, err := govpay.NewConfig("https://govpay.example.it")
	require.NoError(t, err)
	for name, c := range map[string]*Client{"nil config": New(nil), "public": New(public)} {
		t.Run(name, func(t *testing.T) {
			read := 0
			items := func(yield func(Item) bool) {
				for it := range genItems(10, nil) {
					read++
					if !yield(it) {
						return
					}
				}
			}
			rep, err := c.Load(t.Context(), items, LoadOptions{})
			assert.Nil(t, rep)
			var ve *govpay.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.Has("cfg"), "%v", err)
			assert.Zero(t, read, "no item read")
		})
	}
}

func TestLoadBoundedFailures(t *testing.T) {
	h := setup(t)
	all := map[int]bool{}
	for i := range 500 {
		all[i] = true
	}
	rep, err := h.client.Load(context.Background(), genItems(500, all), LoadOptions{MaxFailures: 10})
	require.NoError(t, err)
	assert.Equal(t, 500, rep.Invalid)
	assert.Len(t, rep.Failures, 10)
	assert.Equal(t, 490, rep.FailuresOmitted)
	assert.Zero(t, h.hits.Load())

	rep, err = h.client.Load(context.Background(), genItems(20, all), LoadOptions{MaxFailures: -1})
	require.NoError(t, err)
	assert.Empty(t, rep.Failures)
	assert.Equal(t, 20, rep.FailuresOmitted)
}

func TestLoadNetworkFailuresAndStrict(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("/pendenze/A2A-1/", func(w http.ResponseWriter, r *http.Request) { hijack(w) })
	rep, err := h.client.Load(context.Background(), genItems(3, nil), LoadOptions{Concurrency: 2})
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Failed)
	var ne *govpay.NetworkError
	require.ErrorAs(t, rep.Failures[0].Err, &ne)

	before := h.hits.Load()
	rep, err = h.client.Load(context.Background(), genItems(3, nil), LoadOptions{Strict: true})
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Invalid, "demo data fails strict validation")
	assert.Equal(t, before, h.hits.Load())
}

func TestLoadOptionsErrors(t *testing.T) {
	c := New(testutil.Config(t, govpay.APIPendenze, "http://127.0.0.1:1/v2"))
	var err error
	_, err = c.Load(context.Background(), nil, LoadOptions{})
	assert.Error(t, err)
	_, err = c.Load(context.Background(), genItems(1, nil), LoadOptions{Concurrency: -1})
	assert.Error(t, err)
	_, err = c.Load(context.Background(), genItems(1, nil), LoadOptions{Concurrency: 257})
	assert.True(t, err != nil && !errors.Is(err, context.Canceled))
}
