package govpaytest

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentUse hammers one server from many goroutines (loading,
// reading, listing, paying, inspecting) and checks that the state is
// consistent. Run it with -race.
func TestConcurrentUse(t *testing.T) {
	en := newEnte(t, 0)
	s := NewServer(WithNotifications(NotificationConfig{URL: en.URL, Version: 1}))
	defer s.Close()
	const workers, each = 8, 4
	var wg sync.WaitGroup
	errs := make(chan string, workers*each*4)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("W%d-P%d", w, i)
				r, err := try(t.Context(), "PUT", s.PendenzeURL()+"/pendenze/A2A-1/"+id, pendenzaBody(testDominio, []int64{100 + int64(i)}, nil))
				if err != nil || r.status != http.StatusCreated {
					errs <- fmt.Sprintf("PUT %s: %v %d", id, err, r.status)
					continue
				}
				if r, err := try(t.Context(), "GET", s.PendenzeURL()+"/pendenze/A2A-1/"+id, nil); err != nil || r.status != http.StatusOK {
					errs <- fmt.Sprintf("GET %s: %v %d", id, err, r.status)
				}
				if r, err := try(t.Context(), "GET", s.PagamentoURL()+"/pendenze?risultatiPerPagina=5", nil); err != nil || r.status != http.StatusOK {
					errs <- fmt.Sprintf("list: %v %d", err, r.status)
				}
				r, err = try(t.Context(), "POST", s.PagamentoURL()+"/pagamenti", map[string]any{
					"pendenze": []any{map[string]string{"idA2A": "A2A-1", "idPendenza": id}}, "urlRitorno": "https://p.example/"})
				if err != nil || r.status != http.StatusCreated {
					errs <- fmt.Sprintf("POST %s: %v %d %s", id, err, r.status, r.body)
					continue
				}
				var m map[string]any
				if jerr := jsonUnmarshal(r.body, &m); jerr != nil {
					errs <- jerr.Error()
					continue
				}
				if _, err := s.Pay(m["redirect"].(string), ChoicePaga); err != nil {
					errs <- fmt.Sprintf("Pay %s: %v", id, err)
				}
				_ = s.Requests()
				_ = s.Pendenze()
				_ = s.Notifications()
				_ = s.Counts()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	n := workers * each
	pends := s.Pendenze()
	require.Len(t, pends, n)
	navs := map[string]bool{}
	for _, p := range pends {
		assert.Equal(t, "ESEGUITA", p.Stato, p.IDPendenza)
		assert.False(t, navs[p.NumeroAvviso], "numero avviso %s assigned twice", p.NumeroAvviso)
		navs[p.NumeroAvviso] = true
	}
	assert.Len(t, s.Pagamenti(), n)
	assert.Len(t, s.Ricevute(), n)
	assert.Equal(t, n, s.Count(OpPutPendenza))
	assert.Equal(t, n, s.Count(OpStartPagamento))
	assert.Len(t, s.RequestsFor(OpListPendenze), 0)
	assert.Equal(t, n, s.Count(OpPosizione))
	ns := waitFor(t, s, 2*n)
	assert.Len(t, ns, 2*n, "one activation and one outcome per payment")
}
