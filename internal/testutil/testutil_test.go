package testutil_test

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/internal/testutil"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) failures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestNewServerDeepBasePath(t *testing.T) {
	rec := &recorder{TB: t}
	mux, baseURL := testutil.NewServer(rec, testutil.PendenzeBasePath)
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	assert.True(t, strings.HasSuffix(baseURL, "/govpay/backend/api/pendenze/rs/basic/v2"), baseURL)
	mux.HandleFunc("GET /pendenze/{idA2A}/{idPendenza}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.PathValue("idA2A")+"/"+r.PathValue("idPendenza"))
	})

	code, body := get(t, baseURL+"/pendenze/A2A/P%2F1")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "A2A/P/1", body)
	assert.Empty(t, rec.failures())

	// An absolute path misses the base path and fails the test.
	u, _ := url.Parse(baseURL)
	code, _ = get(t, u.Scheme+"://"+u.Host+"/pendenze/A2A/P1")
	assert.Equal(t, http.StatusInternalServerError, code)
	require.Len(t, rec.failures(), 1)
	assert.Contains(t, rec.failures()[0], "request outside the base path")
}

func TestAssertionHelpers(t *testing.T) {
	r, _ := http.NewRequest(http.MethodPut, "http://h/x?b=2&a=1", strings.NewReader(`{"b":[1,2],"a":"x"}`))
	r.Header.Set("Accept", "application/json")

	rec := &recorder{TB: t}
	testutil.TestMethod(rec, r, http.MethodPut)
	testutil.TestHeader(rec, r, "accept", "application/json")
	testutil.TestHeader(rec, r, "X-Absent", "")
	testutil.TestQuery(rec, r, url.Values{"a": {"1"}, "b": {"2"}})
	testutil.TestJSONBody(rec, r, `{"a":"x","b":[1,2]}`)
	assert.Empty(t, rec.failures())

	r, _ = http.NewRequest(http.MethodGet, "http://h/x?a=1", strings.NewReader(`{"a":1}`))
	r.Header.Set("X-Present", "v")
	testutil.TestMethod(rec, r, http.MethodPost)
	testutil.TestHeader(rec, r, "Accept", "application/json")
	testutil.TestHeader(rec, r, "X-Present", "")
	testutil.TestQuery(rec, r, url.Values{"a": {"2"}})
	testutil.TestJSONBody(rec, r, `{"a":2}`)
	assert.Len(t, rec.failures(), 5, "%q", rec.failures())
}

func TestWriteFaultAndHits(t *testing.T) {
	mux, baseURL := testutil.NewServer(t, "govpay/frontend/api/pagamento/rs/basic/v2")
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	var hits testutil.Hits
	mux.Handle("/x", hits.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		testutil.WriteFaultDettaglio(w, 422, "RICHIESTA", "VER_002", "Richiesta non valida", "dettaglio")
	})))
	mux.HandleFunc("/drop", hits.WrapFunc(func(w http.ResponseWriter, r *http.Request, n int) {
		assert.Equal(t, 2, n)
		testutil.DropConnection(t, w)
	}))
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) { testutil.ResetConnection(t, w) })

	resp, err := http.Get(baseURL + "/x")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 422, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, testutil.IDTransazione, resp.Header.Get("X-Govpay-IdTransazione"))
	assert.JSONEq(t, `{"categoria":"RICHIESTA","codice":"VER_002","descrizione":"Richiesta non valida","dettaglio":"dettaglio"}`, string(b))

	_, err = http.Post(baseURL+"/drop", "text/plain", strings.NewReader("x"))
	assert.Error(t, err)
	_, err = http.Post(baseURL+"/reset", "text/plain", strings.NewReader("x"))
	assert.Error(t, err)
	assert.Equal(t, 2, hits.Count())
}

func TestSecretsCatchLeaks(t *testing.T) {
	s := testutil.DistinctSecrets()
	assert.Equal(t, "", s.Leak("nothing here "+s.User+" "+s.AppID), "user and app id are not secrets")
	assert.NotEmpty(t, s.Leak("x"+s.Password+"y"))
	assert.NotEmpty(t, s.Leak(html.EscapeString(s.Password)), "escaped form")
	assert.NotEmpty(t, s.Leak(s.APIKey[:15]), "a fragment")
	assert.NotEmpty(t, s.Leak(s.BasicToken()))
	assert.NotEmpty(t, s.Leak(url.QueryEscape(s.BearerToken)))
	assert.NotEmpty(t, s.Leak(s.SubscriptionKey))
	assert.NotEqual(t, s, testutil.DistinctSecrets(), "fresh on every call")

	rec := &recorder{TB: t}
	s.AssertAbsent(rec, "text", "clean")
	s.AssertErrorClean(rec, fmt.Errorf("clean"))
	assert.Empty(t, rec.failures())
	s.AssertAbsent(rec, "text", s.Password)
	s.AssertErrorClean(rec, fmt.Errorf("wrapped %s", s.APIKey))
	assert.Len(t, rec.failures(), 7, "%q", rec.failures()) // the text, then Error() and five fmt verbs
}

func TestLogBuffer(t *testing.T) {
	var b testutil.LogBuffer
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = b.Write([]byte("x"))
		}()
	}
	wg.Wait()
	assert.Equal(t, "xxxxxxxxxx", b.String())
}
