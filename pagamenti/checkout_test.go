package pagamenti_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
)

const (
	subKey        = "0123456789abcdef0123456789abcdef"
	checkoutPage  = "https://checkout.pagopa.it/c/6a1f"
	comune        = "Comune di Prova"
	navB          = "302000000000000184" // aux 3, valid check digits
	navC          = "302000000000000285"
	pendenzaNav   = "302000000000000386"
	returnOK      = "https://portale.example.it/esito/ok"
	returnCancel  = "https://portale.example.it/esito/annullato"
	returnError   = "https://portale.example.it/esito/errore"
	returnWaiting = "https://portale.example.it/esito/attesa"
)

// checkoutRecorder is a fake pagoPA Checkout mounted under a deep base path
// (…/checkout/ec/v{N}/): it records every request and answers with respond.
type checkoutRecorder struct {
	mu      sync.Mutex
	posts   atomic.Int32
	other   atomic.Int32
	bodies  [][]byte
	headers []http.Header
	respond func(w http.ResponseWriter, r *http.Request)
	srv     *httptest.Server
}

func (rec *checkoutRecorder) lastBody(t *testing.T) map[string]any {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.NotEmpty(t, rec.bodies)
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(rec.bodies[len(rec.bodies)-1]))
	d.UseNumber()
	require.NoError(t, d.Decode(&m))
	return m
}

func newCheckoutServer(t *testing.T, version int, opts ...govpay.Option) (*checkoutRecorder, *pagamenti.Checkout) {
	t.Helper()
	rec := &checkoutRecorder{respond: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", checkoutPage)
		w.WriteHeader(http.StatusFound)
	}}
	base := fmt.Sprintf("/checkout/ec/v%d", version)
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+base+"/carts", func(w http.ResponseWriter, r *http.Request) {
		rec.posts.Add(1)
		b, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.bodies = append(rec.bodies, b)
		rec.headers = append(rec.headers, r.Header.Clone())
		rec.mu.Unlock()
		rec.respond(w, r)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rec.other.Add(1)
		http.Error(w, "not here: "+r.Method+" "+r.URL.Path, http.StatusTeapot)
	})
	rec.srv = httptest.NewServer(mux)
	t.Cleanup(rec.srv.Close)
	c, err := pagamenti.NewCheckout(checkoutConfig(t, opts...), pagamenti.CheckoutOptions{BaseURL: rec.srv.URL + base, SubscriptionKey: subKey})
	require.NoError(t, err)
	return rec, c
}

// checkoutConfig is the govpay.Config a Checkout client is built from in
// these tests: a GovPay host the client never calls, testRetry, then opts.
func checkoutConfig(t *testing.T, opts ...govpay.Option) *govpay.Config {
	t.Helper()
	cfg, err := govpay.NewConfig("https://govpay.example.it", append([]govpay.Option{testRetry}, opts...)...)
	require.NoError(t, err)
	return cfg
}

// amounts resolves avviso references from a table, as a portal would from
// GovPay's GET /avvisi.
type amounts map[string]govpay.Importo

func (a amounts) CompleteNotice(_ context.Context, it pagamenti.Item, n *pagamenti.PaymentNotice) error {
	if it.Kind == pagamenti.ItemAvviso {
		n.Amount = a[it.NumeroAvviso.String()]
		n.Description = "Avviso " + it.NumeroAvviso.Formatted()
	}
	return nil
}

func mustImporto(t *testing.T, s string) govpay.Importo {
	t.Helper()
	i, err := govpay.ParseImporto(s)
	require.NoError(t, err)
	return i
}

func fullPendenza(t *testing.T, numeroAvviso, importo string) pendenze.Pendenza {
	imp := mustImporto(t, importo)
	return pendenze.Pendenza{
		IDTipoPendenza:   "MENSA",
		IDDominio:        dominio,
		Causale:          "Mensa scolastica - giugno",
		SoggettoPagatore: govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "BNCLRA80A41H501X", Anagrafica: "Laura Bianchi"},
		Importo:          imp,
		NumeroAvviso:     numeroAvviso,
		Voci:             []pendenze.Voce{pendenze.VoceEntrata("1", imp, "Pasti", pendenze.Entrata{CodEntrata: "MENSA"})},
	}
}

func threeItemCart(t *testing.T) *pagamenti.Cart {
	return pagamenti.NewCart().
		AddAvviso(dominio, nav3).
		AddAvviso(dominio, "3020 0000 0000 0001 84").
		AddPendenza("PORTALE", "P-42", fullPendenza(t, pendenzaNav, "19.99"))
}

func baseOptions(t *testing.T) pagamenti.CheckoutStartOptions {
	return pagamenti.CheckoutStartOptions{
		ReturnOK: returnOK, ReturnCancel: returnCancel, ReturnError: returnError,
		CompanyName: comune,
		Completer:   amounts{nav3: mustImporto(t, "0.29"), navB: mustImporto(t, "2.30")},
	}
}

func TestCheckoutStartV1(t *testing.T) {
	rec, c := newCheckoutServer(t, 1)
	opts := baseOptions(t)
	opts.EmailNotice = "laura.bianchi@example.it"
	opts.IDCart = "cart-1"
	avvio, err := c.Start(context.Background(), threeItemCart(t), opts)
	require.NoError(t, err)
	assert.Equal(t, pagamenti.ModeCheckout, avvio.Mode)
	assert.Equal(t, checkoutPage, avvio.Location)
	assert.Equal(t, checkoutPage, avvio.Redirect)
	assert.Empty(t, avvio.ID)
	assert.Equal(t, int32(1), rec.posts.Load())
	assert.Zero(t, rec.other.Load(), "the redirect was followed, or a wrong path was used")

	h := rec.headers[0]
	assert.Equal(t, subKey, h.Get("Ocp-Apim-Subscription-Key"))
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	assert.Equal(t, "application/json", h.Get("Accept"))

	body := rec.lastBody(t)
	assert.Equal(t, map[string]any{"returnOkUrl": returnOK, "returnCancelUrl": returnCancel, "returnErrorUrl": returnError}, body["returnUrls"])
	assert.Equal(t, "laura.bianchi@example.it", body["emailNotice"])
	assert.Equal(t, "cart-1", body["idCart"])
	assert.NotContains(t, body, "allCCP")
	notices := body["paymentNotices"].([]any)
	require.Len(t, notices, 3)
	// 0.29, 2.30 and 19.99 € travel as 29, 230 and 1999 cents.
	want := []map[string]any{
		{"noticeNumber": nav3, "fiscalCode": dominio, "amount": json.Number("29"), "companyName": comune, "description": "Avviso 3012 3456 7890 1234 16"},
		{"noticeNumber": navB, "fiscalCode": dominio, "amount": json.Number("230"), "companyName": comune, "description": "Avviso 3020 0000 0000 0001 84"},
		{"noticeNumber": pendenzaNav, "fiscalCode": dominio, "amount": json.Number("1999"), "companyName": comune, "description": "Mensa scolastica - giugno"},
	}
	for i, n := range notices {
		assert.Equal(t, want[i], n, "paymentNotices[%d]", i)
	}
}

func TestCheckoutStartV2(t *testing.T) {
	rec, c := newCheckoutServer(t, 2)
	opts := baseOptions(t)
	opts.ReturnWaiting = returnWaiting
	opts.AllCCP = true
	avvio, err := c.Start(context.Background(), threeItemCart(t), opts)
	require.NoError(t, err)
	assert.Equal(t, checkoutPage, avvio.Redirect)
	body := rec.lastBody(t)
	assert.Equal(t, map[string]any{"returnOkUrl": returnOK, "returnCancelUrl": returnCancel, "returnErrorUrl": returnError, "returnWaitingUrl": returnWaiting}, body["returnUrls"])
	assert.Equal(t, true, body["allCCP"])
	assert.NotContains(t, body, "emailNotice")
	assert.NotContains(t, body, "idCart")
	assert.Equal(t, int32(1), rec.posts.Load())
}

func TestCheckoutCents(t *testing.T) {
	for _, tt := range []struct {
		euro  string
		cents string
	}{{"0.29", "29"}, {"2.30", "230"}, {"19.99", "1999"}, {"0.01", "1"}, {"1000000.10", "100000010"}, {"999999999.99", "99999999999"}} {
		t.Run(tt.euro, func(t *testing.T) {
			rec, c := newCheckoutServer(t, 1)
			opts := baseOptions(t)
			opts.Completer = amounts{nav3: mustImporto(t, tt.euro)}
			_, err := c.Start(context.Background(), pagamenti.NewCart().AddAvviso(dominio, nav3), opts)
			require.NoError(t, err)
			n := rec.lastBody(t)["paymentNotices"].([]any)[0].(map[string]any)
			assert.Equal(t, json.Number(tt.cents), n["amount"])

			var back pagamenti.PaymentNotice
			require.NoError(t, json.Unmarshal(rec.bodies[0][bytes.Index(rec.bodies[0], []byte(`{"noticeNumber"`)):bytes.Index(rec.bodies[0], []byte(`}]`))+1], &back))
			assert.Equal(t, mustImporto(t, tt.euro), back.Amount)
		})
	}
}

func TestPaymentNoticeJSON(t *testing.T) {
	n := pagamenti.PaymentNotice{NoticeNumber: nav3, FiscalCode: dominio, Amount: govpay.Centesimi(1999), CompanyName: "Ente", Description: "Causale"}
	b, err := json.Marshal(n)
	require.NoError(t, err)
	assert.JSONEq(t, `{"noticeNumber":"301234567890123416","fiscalCode":"01234567890","amount":1999,"companyName":"Ente","description":"Causale"}`, string(b))
	var back pagamenti.PaymentNotice
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, n, back)
	for _, bad := range []string{`{"amount":19.99}`, `{"amount":"1999"}`, `{"amount":-1}`, `{"amount":1e3}`, `{"amount":100000000000}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &back), bad)
	}
	_, err = json.Marshal(pagamenti.PaymentNotice{Amount: -5})
	assert.Error(t, err)
}

func problem(status int, title, detail string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"type":"about:blank","title":%q,"status":%d,"detail":%q,"instance":"/carts"}`, title, status, detail)
	}
}

func TestCheckoutErrors(t *testing.T) {
	tests := []struct {
		name     string
		respond  func(w http.ResponseWriter, r *http.Request)
		check    func(t *testing.T, err error)
		ctxFirst bool // cancel the context once the request arrives
	}{
		{"400 problem", problem(400, "Bad Request", "paymentNotices[0].amount must be >= 1"), func(t *testing.T, err error) {
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, 400, ge.StatusCode)
			assert.Equal(t, "Bad Request", ge.Descrizione)
			assert.Equal(t, "paymentNotices[0].amount must be >= 1", ge.Dettaglio)
			assert.Equal(t, "checkout.Start", ge.Operation)
		}, false},
		{"404 problem", problem(404, "Not Found", "unknown notice"), func(t *testing.T, err error) {
			require.ErrorIs(t, err, govpay.ErrNotFound)
		}, false},
		{"422 problem", problem(422, "Unprocessable Entity", "notice already paid"), func(t *testing.T, err error) {
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, 422, ge.StatusCode)
			assert.Equal(t, "notice already paid", ge.Dettaglio)
		}, false},
		{"500 problem", problem(500, "Internal Server Error", "boom"), func(t *testing.T, err error) {
			require.ErrorIs(t, err, govpay.ErrServer)
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, "Internal Server Error", ge.Descrizione)
		}, false},
		{"502 problem", problem(502, "Bad Gateway", "upstream"), func(t *testing.T, err error) {
			require.ErrorIs(t, err, govpay.ErrServer)
		}, false},
		{"503 with Retry-After is not retried", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			problem(503, "Service Unavailable", "later")(w, r)
		}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, govpay.ErrServer)
		}, false},
		{"html error page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
		}, func(t *testing.T, err error) {
			var ge *govpay.Error
			require.ErrorAs(t, err, &ge)
			assert.Contains(t, ge.Body, "502 Bad Gateway")
		}, false},
		{"connection lost", func(w http.ResponseWriter, r *http.Request) { hijack(t, w) }, func(t *testing.T, err error) {
			var ne *govpay.NetworkError
			require.ErrorAs(t, err, &ne)
			assert.True(t, ne.Sent)
			assert.Equal(t, http.MethodPost, ne.Method)
		}, false},
		{"200 instead of 302", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{}`)
		}, func(t *testing.T, err error) {
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, 200, de.StatusCode)
		}, false},
		{"302 without Location", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusFound) }, func(t *testing.T, err error) {
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Contains(t, de.Error(), "no Location")
		}, false},
		{"302 to plain http", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "http://checkout.pagopa.it/c/1")
			w.WriteHeader(http.StatusFound)
		}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, pagamenti.ErrUnsafeRedirect)
			var re *pagamenti.RedirectError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, re.Reason, "WithInsecureRedirect")
			assert.Equal(t, pagamenti.ModeCheckout, re.Avvio.Mode)
			assert.Empty(t, re.Avvio.Redirect)
		}, false},
		{"302 to javascript", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "javascript:alert(1)")
			w.WriteHeader(http.StatusFound)
		}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, pagamenti.ErrUnsafeRedirect)
		}, false},
		{"context cancelled", nil, func(t *testing.T, err error) {
			require.ErrorIs(t, err, context.Canceled)
			var ne *govpay.NetworkError
			require.ErrorAs(t, err, &ne)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, c := newCheckoutServer(t, 1)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rec.respond = tt.respond
			if tt.ctxFirst {
				rec.respond = func(w http.ResponseWriter, r *http.Request) {
					cancel()
					<-r.Context().Done()
				}
			}
			avvio, err := c.Start(ctx, threeItemCart(t), baseOptions(t))
			require.Error(t, err)
			assert.Nil(t, avvio)
			tt.check(t, err)
			assert.Equal(t, int32(1), rec.posts.Load(), "POST /carts must be sent exactly once")
			assert.Zero(t, rec.other.Load())
			assert.NotContains(t, err.Error(), subKey)
		})
	}
}

func TestCheckoutRedirects(t *testing.T) {
	t.Run("relative Location resolved against the request", func(t *testing.T) {
		rec, c := newCheckoutServer(t, 1)
		rec.respond = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/c/77")
			w.WriteHeader(http.StatusFound)
		}
		// The test server is plain http: only WithInsecureRedirect accepts it.
		_, err := c.Start(context.Background(), threeItemCart(t), baseOptions(t))
		require.Error(t, err)

		rec2, c2 := newCheckoutServer(t, 1, govpay.WithInsecureRedirect())
		rec2.respond = rec.respond
		avvio, err := c2.Start(context.Background(), threeItemCart(t), baseOptions(t))
		require.NoError(t, err)
		assert.Equal(t, "/c/77", avvio.Location)
		assert.Equal(t, rec2.srv.URL+"/c/77", avvio.Redirect)
		assert.Zero(t, rec2.other.Load(), "the redirect was followed")
	})
	// pagoPA Checkout documents one success, 302: another 3xx (a proxy's)
	// is never read as a payment page.
	for _, status := range []int{http.StatusMovedPermanently, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(strconv.Itoa(status)+" refused", func(t *testing.T) {
			rec, c := newCheckoutServer(t, 2)
			rec.respond = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", checkoutPage+"?x=1")
				w.WriteHeader(status)
			}
			opts := baseOptions(t)
			opts.ReturnWaiting = returnWaiting
			avvio, err := c.Start(context.Background(), threeItemCart(t), opts)
			require.Nil(t, avvio)
			var de *govpay.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, status, de.StatusCode)
		})
	}
}

func TestCheckoutSecretNeverLeaks(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rec, c := newCheckoutServer(t, 1, govpay.WithLogger(logger))
	// A server that echoes the key back in its error must not leak it.
	rec.respond = problem(401, "Unauthorized "+subKey, "key "+subKey+" refused")
	_, err := c.Start(context.Background(), threeItemCart(t), baseOptions(t))
	require.ErrorIs(t, err, govpay.ErrUnauthorized)
	var ge *govpay.Error
	require.ErrorAs(t, err, &ge)
	for _, s := range []string{err.Error(), ge.Descrizione, ge.Dettaglio, ge.Body, logs.String(),
		fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprint(*c)} {
		assert.NotContains(t, s, subKey)
	}
	assert.Contains(t, ge.Dettaglio, "[REDACTED]")
	assert.NotEmpty(t, logs.String(), "the logger saw the request")

	// An unsafe redirect that carries the key is not echoed either.
	rec.respond = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "http://evil.example/?k="+subKey)
		w.WriteHeader(http.StatusFound)
	}
	_, err = c.Start(context.Background(), threeItemCart(t), baseOptions(t))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), subKey)
}

// TestCheckoutNeverSendsGovPayCredentials: the Checkout client talks to
// pagoPA, not GovPay: whatever GovPay authentication the Config holds, the
// Checkout server receives the subscription key and none of GovPay's
// credential headers, nor the credentials' values in any header.
func TestCheckoutNeverSendsGovPayCredentials(t *testing.T) {
	pemCert := selfSignedPEM(t)
	for name, auth := range map[string]govpay.Option{
		"basic":     govpay.WithBasicAuth("portale", "gp-password-1"),
		"api key":   govpay.WithAPIKey("app-portale", "gp-api-key-1"),
		"bearer":    govpay.WithBearerToken("gp-bearer-token-1"),
		"ssl":       govpay.WithSSLHeader(pemCert),
		"principal": govpay.WithPrincipalHeader("X-Govpay-Principal", "gp-principal-1"),
		"spid":      govpay.WithSPID(govpay.SPIDUser{FiscalNumber: "RSSMRA80A01H501U", Name: "Mario", Email: "mario@example.it"}),
	} {
		t.Run(name, func(t *testing.T) {
			rec, c := newCheckoutServer(t, 1, auth)
			_, err := c.Start(context.Background(), threeItemCart(t), baseOptions(t))
			require.NoError(t, err)
			require.Len(t, rec.headers, 1)
			h := rec.headers[0]
			assert.Equal(t, subKey, h.Get("Ocp-Apim-Subscription-Key"))
			for _, k := range []string{"Authorization", "X-App-Id", "X-Api-Key", "X-Govpay-Cert", "X-Govpay-Principal",
				"X-Spid-Fiscalnumber", "X-Spid-Name", "X-Spid-Email"} {
				assert.Empty(t, h.Values(k), k)
			}
			for k, vs := range h {
				for _, v := range vs {
					for _, secret := range []string{"gp-password-1", "gp-api-key-1", "app-portale", "gp-bearer-token-1", "gp-principal-1", "RSSMRA80A01H501U", "CERTIFICATE"} {
						assert.NotContains(t, v, secret, k)
					}
				}
			}
		})
	}
}

// selfSignedPEM returns a PEM certificate for WithSSLHeader.
func selfSignedPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "portale"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func violations(t *testing.T, err error) []string {
	t.Helper()
	require.ErrorIs(t, err, govpay.ErrInvalid)
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	var out []string
	for _, v := range ve.Violations {
		out = append(out, v.Field)
	}
	return out
}

func TestCheckoutValidation(t *testing.T) {
	long := strings.Repeat("è", 141) // 141 characters, 282 bytes
	tests := []struct {
		name    string
		version int
		cart    func(t *testing.T) *pagamenti.Cart
		opts    func(o *pagamenti.CheckoutStartOptions)
		want    []string
	}{
		{"no return urls", 1, threeItemCart, func(o *pagamenti.CheckoutStartOptions) {
			o.ReturnOK, o.ReturnCancel, o.ReturnError = "", "ftp://x/y", "/relative"
		}, []string{"returnUrls.returnOkUrl", "returnUrls.returnCancelUrl", "returnUrls.returnErrorUrl"}},
		{"v2 needs waiting", 2, threeItemCart, nil, []string{"returnUrls.returnWaitingUrl"}},
		{"v1 refuses waiting", 1, threeItemCart, func(o *pagamenti.CheckoutStartOptions) { o.ReturnWaiting = returnWaiting }, []string{"returnUrls.returnWaitingUrl"}},
		{"version mismatch", 1, threeItemCart, func(o *pagamenti.CheckoutStartOptions) { o.Version = 2; o.ReturnWaiting = returnWaiting }, []string{"Version"}},
		{"version unknown", 1, threeItemCart, func(o *pagamenti.CheckoutStartOptions) { o.Version = 3 }, []string{"Version"}},
		{"bad email and idCart", 1, threeItemCart, func(o *pagamenti.CheckoutStartOptions) { o.EmailNotice = "not an email"; o.IDCart = "a\nb" }, []string{"emailNotice", "idCart"}},
		{"idCart not UTF-8", 1, threeItemCart, func(o *pagamenti.CheckoutStartOptions) { o.IDCart = "cart-\xff" }, []string{"idCart"}},
		{"idCart not ASCII (Avvio.IDCart could not hold it)", 1, threeItemCart, func(o *pagamenti.CheckoutStartOptions) { o.IDCart = "carrello-è" }, []string{"idCart"}},
		{"idCart too long for Avvio.IDCart", 1, threeItemCart, func(o *pagamenti.CheckoutStartOptions) { o.IDCart = strings.Repeat("c", pagamenti.MaxAvvioID+1) }, []string{"idCart"}},
		{"no amount, no company", 1, func(t *testing.T) *pagamenti.Cart {
			return pagamenti.NewCart().AddAvviso(dominio, nav3)
		}, func(o *pagamenti.CheckoutStartOptions) { o.Completer = nil; o.CompanyName = "" }, []string{"paymentNotices[0].amount", "paymentNotices[0].companyName", "paymentNotices[0].description"}},
		{"reference without avviso", 1, func(t *testing.T) *pagamenti.Cart {
			return pagamenti.NewCart().AddRiferimento("PORTALE", "P-1").AddSpontaneo(dominio, "DONAZIONE", map[string]int{"euro": 5})
		}, nil, []string{"paymentNotices[0].noticeNumber", "paymentNotices[0].fiscalCode", "paymentNotices[0].amount", "paymentNotices[0].description",
			"paymentNotices[1].noticeNumber", "paymentNotices[1].amount", "paymentNotices[1].description"}},
		{"pendenza without numero avviso", 1, func(t *testing.T) *pagamenti.Cart {
			return pagamenti.NewCart().AddPendenza("PORTALE", "P-9", fullPendenza(t, "", "5.00"))
		}, nil, []string{"paymentNotices[0].noticeNumber"}},
		{"texts too long", 1, func(t *testing.T) *pagamenti.Cart {
			p := fullPendenza(t, pendenzaNav, "5.00")
			p.Causale = long[:140*2] // 140 characters: GovPay's own limit
			return pagamenti.NewCart().AddPendenza("PORTALE", "P-9", p)
		}, func(o *pagamenti.CheckoutStartOptions) { o.CompanyName = long }, []string{"paymentNotices[0].companyName"}},
		{"resolver writes nonsense", 1, func(t *testing.T) *pagamenti.Cart {
			return pagamenti.NewCart().AddAvviso(dominio, nav3).AddAvviso(dominio, navB).AddAvviso(dominio, navC)
		}, func(o *pagamenti.CheckoutStartOptions) {
			o.Completer = pagamenti.NoticeCompleterFunc(func(_ context.Context, it pagamenti.Item, n *pagamenti.PaymentNotice) error {
				n.Amount, n.Description = 100, "ok"
				switch it.NumeroAvviso.String() {
				case nav3:
					n.NoticeNumber, n.FiscalCode = "12345", "1234567890A"
				case navB:
					n.NoticeNumber, n.Description = "301234567890123499", "tab\there"
				case navC:
					n.Amount, n.CompanyName = govpay.MaxImporto+1, "   "
				}
				return nil
			})
		}, []string{"paymentNotices[0].noticeNumber", "paymentNotices[0].fiscalCode", "paymentNotices[1].noticeNumber", "paymentNotices[1].description",
			"paymentNotices[2].amount", "paymentNotices[2].companyName"}},
		{"invalid cart", 1, func(t *testing.T) *pagamenti.Cart {
			return pagamenti.NewCart().AddAvviso("123", nav3)
		}, func(o *pagamenti.CheckoutStartOptions) { o.ReturnOK = "" }, []string{"pendenze[0].idDominio", "returnUrls.returnOkUrl"}},
		{"empty cart", 1, func(t *testing.T) *pagamenti.Cart { return pagamenti.NewCart() }, nil, []string{"pendenze"}},
		{"nil cart", 1, func(t *testing.T) *pagamenti.Cart { return nil }, nil, []string{"pendenze"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, c := newCheckoutServer(t, tt.version)
			o := baseOptions(t)
			if tt.opts != nil {
				tt.opts(&o)
			}
			_, err := c.Start(context.Background(), tt.cart(t), o)
			assert.Equal(t, tt.want, violations(t, err))
			assert.Zero(t, rec.posts.Load(), "invalid input reached Checkout")
		})
	}
}

func TestCheckoutResolver(t *testing.T) {
	t.Run("sees every item and may fill anything", func(t *testing.T) {
		rec, c := newCheckoutServer(t, 1)
		var kinds []pagamenti.ItemKind
		o := baseOptions(t)
		o.Completer = pagamenti.NoticeCompleterFunc(func(_ context.Context, it pagamenti.Item, n *pagamenti.PaymentNotice) error {
			kinds = append(kinds, it.Kind)
			if it.Kind == pagamenti.ItemRiferimento {
				// e.g. from GovPay: GET /pendenze/{idA2A}/{idPendenza}
				n.NoticeNumber, n.FiscalCode = "3020 0000 0000 0002 85", dominio
				n.Amount, n.Description = govpay.Euro(5), "Riferimento "+it.IDPendenza
			}
			n.CompanyName = "Ente " + n.FiscalCode
			return nil
		})
		cart := pagamenti.NewCart().AddRiferimento("PORTALE", "P-1").AddPendenza("PORTALE", "P-42", fullPendenza(t, pendenzaNav, "1.00"))
		_, err := c.Start(context.Background(), cart, o)
		require.NoError(t, err)
		assert.Equal(t, []pagamenti.ItemKind{pagamenti.ItemRiferimento, pagamenti.ItemPendenza}, kinds)
		n := rec.lastBody(t)["paymentNotices"].([]any)
		assert.Equal(t, navC, n[0].(map[string]any)["noticeNumber"], "spaces removed")
		assert.Equal(t, "Ente "+dominio, n[1].(map[string]any)["companyName"])
	})
	t.Run("validation error merged", func(t *testing.T) {
		rec, c := newCheckoutServer(t, 1)
		o := baseOptions(t)
		o.Completer = pagamenti.NoticeCompleterFunc(func(_ context.Context, it pagamenti.Item, n *pagamenti.PaymentNotice) error {
			return &govpay.ValidationError{Violations: []govpay.Violation{{Field: "amount", Rule: "the avviso is already paid"}}}
		})
		_, err := c.Start(context.Background(), pagamenti.NewCart().AddAvviso(dominio, nav3).AddAvviso(dominio, navB), o)
		assert.Equal(t, []string{"paymentNotices[0].amount", "paymentNotices[1].amount", "paymentNotices[0].amount", "paymentNotices[0].description", "paymentNotices[1].amount", "paymentNotices[1].description"}, violations(t, err))
		assert.Zero(t, rec.posts.Load())
	})
	t.Run("other error wrapped", func(t *testing.T) {
		rec, c := newCheckoutServer(t, 1)
		boom := errors.New("govpay down")
		o := baseOptions(t)
		o.Completer = pagamenti.NoticeCompleterFunc(func(context.Context, pagamenti.Item, *pagamenti.PaymentNotice) error { return boom })
		_, err := c.Start(context.Background(), threeItemCart(t), o)
		require.ErrorIs(t, err, boom)
		assert.Contains(t, err.Error(), "cart item 0")
		assert.Zero(t, rec.posts.Load())
	})
	t.Run("duplicate notices", func(t *testing.T) {
		rec, c := newCheckoutServer(t, 1)
		o := baseOptions(t)
		o.Completer = pagamenti.NoticeCompleterFunc(func(_ context.Context, it pagamenti.Item, n *pagamenti.PaymentNotice) error {
			n.NoticeNumber, n.FiscalCode, n.Amount, n.Description = nav3, dominio, 100, "x"
			return nil
		})
		_, err := c.Start(context.Background(), pagamenti.NewCart().AddRiferimento("A", "1").AddRiferimento("A", "2"), o)
		assert.Equal(t, []string{"paymentNotices[1]"}, violations(t, err))
		assert.Zero(t, rec.posts.Load())
	})
}

func TestCheckoutPrepare(t *testing.T) {
	rec, c := newCheckoutServer(t, 1)
	req, err := c.Prepare(context.Background(), threeItemCart(t), baseOptions(t))
	require.NoError(t, err)
	require.Len(t, req.PaymentNotices, 3)
	assert.Equal(t, govpay.Centesimi(1999), req.PaymentNotices[2].Amount)
	assert.Zero(t, rec.posts.Load())
	// Start sends exactly what Prepare builds.
	_, err = c.Start(context.Background(), threeItemCart(t), baseOptions(t))
	require.NoError(t, err)
	want, err := json.Marshal(req)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(rec.bodies[0]))
}

func TestNewCheckout(t *testing.T) {
	cfg := checkoutConfig(t)
	for _, tt := range []struct {
		base, key string
		version   int
		field     string
	}{
		{"https://api.platform.pagopa.it/checkout/ec/v1", "", 0, "CheckoutOptions.SubscriptionKey"},
		{"https://api.platform.pagopa.it/checkout/ec/v1", "abc", 0, "CheckoutOptions.SubscriptionKey"},
		{"https://api.platform.pagopa.it/checkout/ec/v1", "abc def", 0, "CheckoutOptions.SubscriptionKey"},
		{"https://api.platform.pagopa.it/checkout/ec/v1", "abcd\n", 0, "CheckoutOptions.SubscriptionKey"},
		{"api.platform.pagopa.it/checkout/ec/v1", subKey, 0, "CheckoutOptions.BaseURL"},
		{"https://user:pw@api.platform.pagopa.it/checkout/ec/v1", subKey, 0, "CheckoutOptions.BaseURL"},
		{"https://api.platform.pagopa.it/checkout/ec/v1", subKey, 2, "CheckoutOptions.Version"},
		{"https://api.platform.pagopa.it/checkout/ec", subKey, 3, "CheckoutOptions.Version"},
	} {
		c, err := pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: tt.base, SubscriptionKey: tt.key, Version: tt.version})
		assert.Equal(t, []string{tt.field}, violations(t, err), "%q %q", tt.base, tt.key)
		assert.Nil(t, c)
		if err != nil && tt.key != "" {
			assert.NotContains(t, err.Error(), tt.key)
			assert.NotContains(t, err.Error(), "pw@")
		}
	}

	// Without /v1 or /v2 at the end of the base URL, Version is required.
	rec := &checkoutRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.posts.Add(1)
		assert.Equal(t, "/proxy/checkout/carts", r.URL.Path)
		w.Header().Set("Location", checkoutPage)
		w.WriteHeader(http.StatusFound)
	}))
	defer srv.Close()
	c, err := pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: srv.URL + "/proxy/checkout/", SubscriptionKey: subKey})
	require.NoError(t, err)
	_, err = c.Start(context.Background(), threeItemCart(t), baseOptions(t))
	assert.Equal(t, []string{"Version"}, violations(t, err))
	o := baseOptions(t)
	o.Version = 1
	_, err = c.Start(context.Background(), threeItemCart(t), o)
	require.NoError(t, err)
	assert.Equal(t, int32(1), rec.posts.Load())

	// The version given in CheckoutStartOptions holds for every Start.
	c, err = pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: srv.URL + "/proxy/checkout/", SubscriptionKey: subKey, Version: 1})
	require.NoError(t, err)
	_, err = c.Start(context.Background(), threeItemCart(t), baseOptions(t))
	require.NoError(t, err)
	assert.Equal(t, int32(2), rec.posts.Load())
}

func TestAvvisiCompleter(t *testing.T) {
	mux := http.NewServeMux()
	var gets atomic.Int32
	mux.HandleFunc("GET /avvisi/{dominio}/{nav}", func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		switch r.PathValue("nav") {
		case nav3:
			writeJSON(w, 200, `{"stato":"NON_ESEGUITA","importo":2.30,"idDominio":"01234567890","numeroAvviso":"`+nav3+`","descrizione":"TARI 2024 rata 1"}`)
		case navB:
			writeJSON(w, 200, `{"stato":"DUPLICATA","importo":5.00,"idDominio":"01234567890","numeroAvviso":"`+navB+`"}`)
		case navC:
			writeJSON(w, 200, `{"stato":"SCONOSCIUTA"}`)
		case pendenzaNav:
			writeJSON(w, 200, `{"stato":"NON_ESEGUITA","importo":19.99,"idDominio":"01234567890","numeroAvviso":"`+pendenzaNav+`","descrizione":"Mensa"}`)
		default:
			faultBean(w, 500, "INTERNO", "500000")
		}
	})
	outer := http.NewServeMux()
	outer.Handle(pagamentoBase, http.StripPrefix(strings.TrimSuffix(pagamentoBase, "/"), mux))
	srv := httptest.NewServer(outer)
	defer srv.Close()
	ac := avvisi.New(testutil.Config(t, govpay.APIPagamento, srv.URL+pagamentoBase, testRetry))

	t.Run("fills amount and description", func(t *testing.T) {
		rec, c := newCheckoutServer(t, 1)
		o := baseOptions(t)
		o.Completer = pagamenti.AvvisiCompleter(ac)
		// The QR code says 1.00 €: GovPay's amount due (2.30 €) wins.
		cart := pagamenti.NewCart().AddQRCode("PAGOPA|002|"+nav3+"|"+dominio+"|100").
			AddPendenza("PORTALE", "P-42", fullPendenza(t, pendenzaNav, "19.99"))
		_, err := c.Start(context.Background(), cart, o)
		require.NoError(t, err)
		n := rec.lastBody(t)["paymentNotices"].([]any)
		assert.Equal(t, json.Number("230"), n[0].(map[string]any)["amount"])
		assert.Equal(t, "TARI 2024 rata 1", n[0].(map[string]any)["description"])
		assert.Equal(t, json.Number("1999"), n[1].(map[string]any)["amount"])
		assert.Equal(t, "Mensa scolastica - giugno", n[1].(map[string]any)["description"], "the pendenza's causale is kept")
	})
	t.Run("not payable", func(t *testing.T) {
		rec, c := newCheckoutServer(t, 1)
		o := baseOptions(t)
		o.Completer = pagamenti.AvvisiCompleter(ac)
		_, err := c.Start(context.Background(), pagamenti.NewCart().AddAvviso(dominio, nav3).AddAvviso(dominio, navB).AddAvviso(dominio, navC), o)
		fields := violations(t, err)
		assert.Contains(t, fields, "paymentNotices[1].noticeNumber")
		assert.Contains(t, fields, "paymentNotices[2].noticeNumber")
		assert.NotContains(t, fields, "paymentNotices[0].noticeNumber")
		assert.Contains(t, err.Error(), "DUPLICATA")
		assert.Contains(t, err.Error(), "SCONOSCIUTA")
		assert.Zero(t, rec.posts.Load())
	})
	t.Run("GovPay failure", func(t *testing.T) {
		rec, c := newCheckoutServer(t, 1)
		o := baseOptions(t)
		o.Completer = pagamenti.AvvisiCompleter(ac)
		_, err := c.Start(context.Background(), pagamenti.NewCart().AddAvviso(dominio, nav0), o)
		require.ErrorIs(t, err, govpay.ErrServer)
		assert.Zero(t, rec.posts.Load())
	})
	t.Run("nothing to look up", func(t *testing.T) {
		before := gets.Load()
		rec, c := newCheckoutServer(t, 1)
		o := baseOptions(t)
		o.Completer = pagamenti.AvvisiCompleter(ac)
		_, err := c.Start(context.Background(), pagamenti.NewCart().AddRiferimento("A", "B"), o)
		assert.Contains(t, violations(t, err), "paymentNotices[0].noticeNumber")
		assert.Equal(t, before, gets.Load())
		assert.Zero(t, rec.posts.Load())
	})
}
