package govpaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// freshClient opens a new connection per request, so that a dropped
// connection is never retried by the transport.
var freshClient = &http.Client{
	Transport:     &http.Transport{DisableKeepAlives: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// try sends a request and reads the answer, returning transport errors.
func try(ctx context.Context, method, url string, body any, hdr ...string) (resp, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return resp{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	r, err := freshClient.Do(req)
	if err != nil {
		return resp{}, err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	return resp{r.StatusCode, r.Header, b}, err
}

func TestFaultKinds(t *testing.T) {
	body := pendenzaBody(testDominio, []int64{1000}, nil)
	put := func(s *Server, id string) (resp, error) {
		return try(context.Background(), "PUT", s.PendenzeURL()+"/pendenze/A2A-1/"+id, body)
	}
	stored := func(s *Server, id string) bool { _, ok := s.Pendenza("A2A-1", id); return ok }

	t.Run("latency", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpPutPendenza, Fault{Latency: 80 * time.Millisecond}, 1)
		start := time.Now()
		r, err := put(s, "P1")
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)
		assert.Equal(t, http.StatusCreated, r.status)
		assert.True(t, stored(s, "P1"), "latency alone serves the request")
	})
	t.Run("latency beyond the client's patience", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpPutPendenza, Fault{Latency: 5 * time.Second}, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := try(ctx, "PUT", s.PendenzeURL()+"/pendenze/A2A-1/P1", body)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Eventually(t, func() bool { return len(s.Requests()) == 1 }, time.Second, time.Millisecond)
		time.Sleep(20 * time.Millisecond)
		assert.False(t, stored(s, "P1"), "the fake stops waiting when the client goes away")
	})
	t.Run("503 with Retry-After, then served", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpPutPendenza, Fault{Kind: FaultStatus, RetryAfter: "1"}, 2)
		for range 2 {
			r, err := put(s, "P1")
			require.NoError(t, err)
			assert.Equal(t, http.StatusServiceUnavailable, r.status)
			assert.Equal(t, "1", r.header.Get("Retry-After"))
			assert.Equal(t, "INTERNO", r.json(t)["categoria"])
			assert.NotEmpty(t, r.header.Get(HeaderIDTransazione))
		}
		assert.False(t, stored(s, "P1"))
		r, err := put(s, "P1")
		require.NoError(t, err)
		assert.Equal(t, http.StatusCreated, r.status, "the third request goes through")
		assert.Equal(t, 3, s.Count(OpPutPendenza))
	})
	t.Run("429 then 502, in order", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpGetPendenza, Fault{Kind: FaultStatus, Status: 429, RetryAfter: "2"}, 1)
		s.InjectFault(OpGetPendenza, Fault{Kind: FaultStatus, Status: 502}, 1)
		url := s.PendenzeURL() + "/pendenze/A2A-1/P1"
		r := do(t, "GET", url, nil)
		assert.Equal(t, 429, r.status)
		assert.Equal(t, "2", r.header.Get("Retry-After"))
		r = do(t, "GET", url, nil)
		assert.Equal(t, 502, r.status)
		assert.Equal(t, "PAGOPA", r.json(t)["categoria"])
		r = do(t, "GET", url, nil)
		assert.Equal(t, 404, r.status, "faults used up")
	})
	t.Run("forever until cleared, only for its operation", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpPutPendenza, Fault{Kind: FaultStatus, Status: 500}, 0)
		for range 3 {
			r, _ := put(s, "P1")
			assert.Equal(t, 500, r.status)
		}
		assert.Equal(t, 404, do(t, "GET", s.PendenzeURL()+"/pendenze/A2A-1/P1", nil).status, "other operations are untouched")
		s.ClearFaults()
		r, _ := put(s, "P1")
		assert.Equal(t, 201, r.status)
	})
	t.Run("drop before reading", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpPutPendenza, Fault{Kind: FaultDropBeforeRead}, 1)
		_, err := put(s, "P1")
		require.Error(t, err)
		assert.False(t, stored(s, "P1"))
		reqs := s.RequestsFor(OpPutPendenza)
		require.Len(t, reqs, 1)
		assert.Equal(t, 0, reqs[0].Status)
	})
	t.Run("drop after reading", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpPutPendenza, Fault{Kind: FaultDropAfterRead}, 1)
		_, err := put(s, "P1")
		require.Error(t, err)
		assert.False(t, stored(s, "P1"))
		assert.Contains(t, string(s.RequestsFor(OpPutPendenza)[0].Body), `"idDominio"`, "the body was read")
	})
	t.Run("drop after serving", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpPutPendenza, Fault{Kind: FaultDropAfterServe}, 1)
		_, err := put(s, "P1")
		require.Error(t, err)
		assert.True(t, stored(s, "P1"), "the request took effect although the client saw an error")
	})
	t.Run("truncated body", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		putPendenza(t, s, "A2A-1", "P1", body)
		s.InjectFault(OpGetPendenza, Fault{Kind: FaultTruncatedBody}, 1)
		r, err := try(context.Background(), "GET", s.PendenzeURL()+"/pendenze/A2A-1/P1", nil)
		require.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "application/json", r.header.Get("Content-Type"))
		assert.False(t, json.Valid(r.body))
	})
	t.Run("HTML error page", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpPutPendenza, Fault{Kind: FaultHTML}, 1)
		r, err := put(s, "P1")
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadGateway, r.status)
		assert.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"))
		assert.Contains(t, string(r.body), "<html>")
		assert.False(t, stored(s, "P1"))
	})
	t.Run("wrong content type", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpPutPendenza, Fault{Kind: FaultWrongContentType}, 1)
		r, err := put(s, "P1")
		require.NoError(t, err)
		assert.Equal(t, http.StatusCreated, r.status)
		assert.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"))
		assert.True(t, json.Valid(r.body), "the body itself is the normal answer")
		assert.True(t, stored(s, "P1"))
	})
	t.Run("huge body", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		s.InjectFault(OpListPendenze, Fault{Kind: FaultHugeBody, Size: 3 << 20}, 1)
		r, err := try(context.Background(), "GET", s.PendenzeURL()+"/pendenze", nil)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, r.status)
		assert.Len(t, r.body, 3<<20)
		assert.True(t, json.Valid(r.body))
	})
	t.Run("pagoPA fails after the payment was created", func(t *testing.T) {
		for _, mode := range []Mode{ModeLegacy, ModeBridge302} {
			s := NewServer(WithMode(mode))
			putPendenza(t, s, "A2A-1", "P1", body)
			s.InjectFault(OpStartPagamento, Fault{Kind: FaultPagoPA}, 1)
			r := startPayment(t, s, "https://p.example/", [2]string{"A2A-1", "P1"})
			assert.Empty(t, r.header.Get("Location"))
			fb := r.json(t)
			if mode != ModeLegacy {
				// The checkout bridge records no payment to name, and
				// wraps Checkout's failure as an internal error.
				require.Equal(t, http.StatusInternalServerError, r.status, "%s: %s", mode, r.body)
				assert.Equal(t, "INTERNO", fb["categoria"])
				assert.NotContains(t, fb, "id", "%s: no payment", mode)
				assert.Empty(t, s.Pagamenti())
				s.Close()
				continue
			}
			require.Equal(t, http.StatusBadGateway, r.status, "%s: %s", mode, r.body)
			assert.Equal(t, "PAGOPA", fb["categoria"])
			assert.Equal(t, "PPT_CANALE_IRRAGGIUNGIBILE", fb["codice"])
			id := fb["id"].(string)
			assert.Equal(t, "/pagamenti/"+id, fb["location"], "FaultBeanEsteso")
			_, ok := s.Pagamento(id)
			assert.True(t, ok, "the payment exists")
			assert.Equal(t, http.StatusOK, do(t, "GET", s.PagamentoURL()+"/pagamenti/"+id, nil).status)
			s.Close()
		}
	})
	t.Run("pages break too", func(t *testing.T) {
		s := NewServer()
		defer s.Close()
		putPendenza(t, s, "A2A-1", "P1", body)
		r := startPayment(t, s, "https://p.example/", [2]string{"A2A-1", "P1"})
		s.InjectFault(OpPaymentPage, Fault{Kind: FaultStatus}, 1)
		got := do(t, "GET", r.json(t)["redirect"].(string), nil)
		assert.Equal(t, http.StatusServiceUnavailable, got.status)
		assert.Empty(t, got.header.Get(HeaderIDTransazione), "the pages are not GovPay")
	})
}
