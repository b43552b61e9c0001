package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/govpaytest"
)

func TestEuro(t *testing.T) {
	for _, tc := range []struct {
		cents int64
		want  string
	}{
		{0, "0,00 €"},
		{5, "0,05 €"},
		{1999, "19,99 €"},
		{100000, "1.000,00 €"},
		{123456789, "1.234.567,89 €"},
		{-1050, "-10,50 €"},
		{int64(govpay.MaxImporto), "999.999.999,99 €"},
	} {
		if got := euro(govpay.Centesimi(tc.cents)); got != tc.want {
			t.Errorf("euro(%d) = %q, want %q", tc.cents, got, tc.want)
		}
	}
}

func TestParseFault(t *testing.T) {
	ft, err := parseFault("pendenze.PutPendenza=status,status=429,retry-after=2,codice=X,count=3,latency=50ms")
	if err != nil {
		t.Fatal(err)
	}
	want := fault{op: govpaytest.OpPutPendenza, count: 3,
		f: govpaytest.Fault{Kind: govpaytest.FaultStatus, Status: 429, RetryAfter: "2", Codice: "X", Latency: 50 * time.Millisecond}}
	if ft != want {
		t.Errorf("parseFault = %+v, want %+v", ft, want)
	}
	for _, bad := range []string{
		"pendenze.PutPendenza", "nope=status", "pendenze.PutPendenza=nope",
		"pendenze.PutPendenza=status,status=99", "pendenze.PutPendenza=latency,latency=x",
		"pendenze.PutPendenza=status,colour=red", "pendenze.PutPendenza=huge,size=big",
	} {
		if _, err := parseFault(bad); err == nil {
			t.Errorf("parseFault(%q) accepted", bad)
		}
	}
}

func TestCORS(t *testing.T) {
	s := govpaytest.NewServer()
	defer s.Close()
	h := corsHandler([]string{"http://localhost:3000"}, s.Handler())

	// The preflight of an allowed origin is answered by the fake itself.
	req := httptest.NewRequest(http.MethodOptions, govpaytest.PagamentoBasePath+"/pagamenti", nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type, authorization")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		rec.Header().Get("Access-Control-Allow-Headers") != "content-type, authorization" {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}

	// An answer to an allowed origin is readable by the page.
	req = httptest.NewRequest(http.MethodGet, govpaytest.PagamentoBasePath+"/avvisi/01234567890/301000000001234519", nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Accept", "application/json")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		!strings.Contains(rec.Header().Get("Access-Control-Expose-Headers"), govpaytest.HeaderIDTransazione) {
		t.Errorf("GET: %d %v", rec.Code, rec.Header())
	}

	// Another origin gets no CORS headers.
	req.Header.Set("Origin", "http://evil.example")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if v := rec.Header().Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("other origin allowed: %q", v)
	}
}
