package proof

// The hostile-server catalogue of the payment start (pagamenti.Client.Start,
// POST /pagamenti): one row per attack family, each naming the property it
// protects. A row fails when its protection is removed: the per-request
// secrets of the start (Request.Secrets), the lookup that adopts only a
// payment with exactly the idSessionePortale sent, the refusal of a 3xx
// other than the checkout bridge's 302, the refusal of identifiers that
// would be altered on the wire.
//
//	go test -race -run TestHostilePagamenti ./internal/proof/

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pagamenti"
)

// Per-request secrets of the start: the payer's credentials and the
// reCAPTCHA response. Hostile answers echo them.
const (
	credenziali = "OTP-7Xq9-segreto"
	recaptcha   = "03AGdBq-rc-token-proof"
)

// hostileRow is one attack on the payment start.
type hostileRow struct {
	name string
	// protects is the property the row checks.
	protects string
	// cart is the cart started (nil: one valid reference).
	cart *pagamenti.Cart
	// opts are the start's options (credenziali and reCAPTCHA are added).
	opts pagamenti.StartOptions
	// post answers POST /pagamenti; nil for rows refused before the wire.
	post http.HandlerFunc
	// list answers the lookup GET /pagamenti (nil: 404).
	list http.HandlerFunc
	// detail answers GET /pagamenti/{id} (nil: 404).
	detail http.HandlerFunc
	// check inspects the outcome; the secrets are checked for every row.
	check func(t *testing.T, a *pagamenti.Avvio, err error, posts int64)
}

func faultBody(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"categoria": "RICHIESTA", "codice": "SINTASSI", "descrizione": text, "dettaglio": text})
	_, _ = w.Write(b)
}

func sintesi(id, idSessionePortale string) map[string]any {
	return map[string]any{
		"id": id, "nome": "Pagamento", "stato": "IN_CORSO", "importo": 10.00,
		"idSessionePortale": idSessionePortale, "idSessionePsp": "psp-" + id,
		"pspRedirectUrl": "https://wisp.example.it/" + id, "dataRichiestaPagamento": "2026-03-30T14:35:16",
	}
}

// listOf answers a GovPay list of items (one page), as a server that
// ignores the idSessionePortale filter would.
func listOf(items ...map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"numRisultati": len(items), "numPagine": 1, "risultatiPerPagina": 25, "pagina": 1, "risultati": items,
		})
	}
}

// lostAnswer breaks the connection after reading the request: the start is
// ambiguous.
func lostAnswer(w http.ResponseWriter, r *http.Request) {
	panic(http.ErrAbortHandler)
}

func wantUnknown(t *testing.T, a *pagamenti.Avvio, err error, posts int64) {
	t.Helper()
	if a != nil {
		t.Fatalf("adopted payment %q (idSessionePortale %q): want none", a.ID, a.IDSessionePortale)
	}
	if !errors.Is(err, govpay.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want govpay.ErrOutcomeUnknown", err)
	}
	var oue *pagamenti.OutcomeUnknownError
	if !errors.As(err, &oue) {
		t.Fatalf("err is %T, want *pagamenti.OutcomeUnknownError", err)
	}
	if oue.Lookup == "" && oue.LookupErr == nil {
		t.Errorf("the error does not say what the lookup found: %v", err)
	}
	if posts != 1 {
		t.Errorf("POST /pagamenti sent %d times, want 1", posts)
	}
}

func wantNotSuccess(status int) func(t *testing.T, a *pagamenti.Avvio, err error, posts int64) {
	return func(t *testing.T, a *pagamenti.Avvio, err error, posts int64) {
		t.Helper()
		if a != nil || err == nil {
			t.Fatalf("a %d answer was read as a started payment: %+v", status, a)
		}
		if posts != 1 {
			t.Errorf("POST /pagamenti sent %d times, want 1", posts)
		}
	}
}

func wantRefused(field string) func(t *testing.T, a *pagamenti.Avvio, err error, posts int64) {
	return func(t *testing.T, a *pagamenti.Avvio, err error, posts int64) {
		t.Helper()
		var ve *govpay.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("err = %v, want a *govpay.ValidationError", err)
		}
		found := false
		for _, v := range ve.Violations {
			found = found || v.Field == field
		}
		if !found {
			t.Errorf("violations %v do not name %s", ve.Violations, field)
		}
		if posts != 0 {
			t.Errorf("an invalid start reached the server (%d requests)", posts)
		}
	}
}

func hostileRows() []hostileRow {
	echo := credenziali + " " + recaptcha
	noSecret := "the per-request secrets (credenzialiPagatore, gRecaptchaResponse) never appear in errors (DESIGN §5 Secrets)"
	adopt := "an ambiguous start adopts only a payment whose idSessionePortale is exactly the one sent (DESIGN §5, issue #11)"
	no3xx := "a 3xx other than the checkout bridge's 302 is never read as a started payment (DESIGN §5)"
	ids := "an identifier that would be altered on the wire (invalid UTF-8, control character) is refused, naming the field"
	return []hostileRow{
		{name: "error body echoes the secrets", protects: noSecret,
			post: func(w http.ResponseWriter, r *http.Request) {
				faultBody(w, http.StatusBadRequest, "credenziali "+echo+" non valide")
			},
			check: func(t *testing.T, a *pagamenti.Avvio, err error, _ int64) {
				requireGovPayError(t, err, http.StatusBadRequest)
			}},
		{name: "5xx error body echoes the secrets", protects: noSecret,
			post: func(w http.ResponseWriter, r *http.Request) {
				faultBody(w, http.StatusInternalServerError, "errore con "+echo)
			},
			check: func(t *testing.T, a *pagamenti.Avvio, err error, _ int64) {
				if !errors.Is(err, govpay.ErrOutcomeUnknown) {
					t.Errorf("a 5xx start is ambiguous: %v", err)
				}
			}},
		{name: "HTML error page echoes the secrets", protects: noSecret,
			post: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusForbidden)
				_, _ = fmt.Fprintf(w, "<html><body><h1>Forbidden</h1><p>%s</p></body></html>", echo)
			},
			check: func(t *testing.T, a *pagamenti.Avvio, err error, _ int64) {
				requireGovPayError(t, err, http.StatusForbidden)
			}},
		{name: "unexpected 2xx body echoes the secrets", protects: noSecret,
			post: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write([]byte("ok " + echo))
			},
			check: wantNotSuccess(http.StatusOK)},
		{name: "unexpected 3xx echoes the secrets in Location", protects: noSecret + "; " + no3xx,
			post: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "https://proxy.example.it/login?otp="+credenziali+"&g="+recaptcha)
				w.WriteHeader(http.StatusTemporaryRedirect)
			},
			check: wantNotSuccess(http.StatusTemporaryRedirect)},
		{name: "content type echoes the secrets", protects: noSecret,
			post: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain; otp="+credenziali+"; g="+recaptcha)
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte("{}"))
			},
			check: wantNotSuccess(http.StatusCreated)},
		{name: "transaction id header echoes the secrets", protects: noSecret,
			post: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Govpay-IdTransazione", echo)
				faultBody(w, http.StatusUnprocessableEntity, "no")
			},
			check: func(t *testing.T, a *pagamenti.Avvio, err error, _ int64) {
				requireGovPayError(t, err, http.StatusUnprocessableEntity)
			}},
		{name: "bridge 302 to an unsafe Location echoing the secrets", protects: noSecret + "; the redirect handed to the browser is checked",
			post: func(w http.ResponseWriter, r *http.Request) {
				// The error quotes the first 32 bytes of the refused URL:
				// the secret is within them.
				w.Header().Set("Location", "ftp://"+credenziali+"/"+recaptcha)
				w.WriteHeader(http.StatusFound)
			},
			check: func(t *testing.T, a *pagamenti.Avvio, err error, _ int64) {
				if !errors.Is(err, pagamenti.ErrUnsafeRedirect) {
					t.Errorf("err = %v, want ErrUnsafeRedirect", err)
				}
			}},
		{name: "301 with an https Location", protects: no3xx,
			opts: pagamenti.StartOptions{IDSessionePortale: "sess-301"},
			post: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Location", "https://checkout.pagopa.it/c/1")
				w.WriteHeader(http.StatusMovedPermanently)
			},
			list:  listOf(),
			check: wantNotSuccess(http.StatusMovedPermanently)},
		{name: "lookup answers someone else's payment", protects: adopt,
			opts: pagamenti.StartOptions{IDSessionePortale: "sess-mine"}, post: lostAnswer,
			list: listOf(sintesi("altro", "sess-altro")), check: wantUnknown},
		{name: "lookup answers a payment with an empty idSessionePortale", protects: adopt,
			opts: pagamenti.StartOptions{IDSessionePortale: "sess-mine"}, post: lostAnswer,
			list: listOf(sintesi("anonimo", "")), check: wantUnknown},
		{name: "lookup answers a payment without idSessionePortale", protects: adopt,
			opts: pagamenti.StartOptions{IDSessionePortale: "sess-mine"}, post: lostAnswer,
			list: func(w http.ResponseWriter, r *http.Request) {
				s := sintesi("senza", "")
				delete(s, "idSessionePortale")
				listOf(s)(w, r)
			}, check: wantUnknown},
		{name: "lookup answers a payment whose idSessionePortale differs in case", protects: adopt,
			opts: pagamenti.StartOptions{IDSessionePortale: "sess-mine"}, post: lostAnswer,
			list: listOf(sintesi("maiuscolo", "SESS-MINE")), check: wantUnknown},
		{name: "lookup answers two payments with our idSessionePortale", protects: adopt,
			opts: pagamenti.StartOptions{IDSessionePortale: "sess-mine"}, post: lostAnswer,
			list: listOf(sintesi("primo", "sess-mine"), sintesi("secondo", "sess-mine")), check: wantUnknown},
		{name: "the one payment with our idSessionePortale pays someone else's debt", protects: adopt + "; its debts, when GovPay lists them, are the cart's",
			opts: pagamenti.StartOptions{IDSessionePortale: "sess-mine"}, post: lostAnswer,
			list: listOf(sintesi("nostro", "sess-mine")),
			detail: func(w http.ResponseWriter, r *http.Request) {
				p := sintesi("nostro", "sess-mine")
				p["rpp"] = []any{}
				p["pendenze"] = []any{map[string]any{"idA2A": "A2A-ALTRO", "idPendenza": "P-9", "stato": "NON_ESEGUITA",
					"causale": "altro", "importo": 10.00, "dominio": map[string]any{"idDominio": okDominio}}}
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(p)
			}, check: wantUnknown},
		{name: "idSessionePortale not UTF-8", protects: ids,
			opts: pagamenti.StartOptions{IDSessionePortale: "sess-\xff"}, check: wantRefused("idSessionePortale")},
		{name: "idSessionePortale with a newline", protects: ids,
			opts: pagamenti.StartOptions{IDSessionePortale: "sess\n1"}, check: wantRefused("idSessionePortale")},
		{name: "identificativoCanale with a control character", protects: ids,
			opts:  pagamenti.StartOptions{IDPSP: "PSP", IDIntermediarioPSP: "INT", IDCanale: "C\x001"},
			check: wantRefused("identificativoCanale")},
		{name: "idA2A not UTF-8", protects: ids,
			cart: pagamenti.NewCart().AddRiferimento("A2A-\xff", "P-1"), check: wantRefused("pendenze[0].idA2A")},
		{name: "idPendenza with a control character", protects: ids,
			cart: pagamenti.NewCart().AddRiferimento("A2A", "P-1\x1b"), check: wantRefused("pendenze[0].idPendenza")},
		{name: "numeroAvviso with a newline", protects: ids,
			cart: pagamenti.NewCart().AddAvviso(okDominio, okNumero+"\n"), check: wantRefused("pendenze[0].numeroAvviso")},
		{name: "idDominio with a control character", protects: ids,
			cart: pagamenti.NewCart().AddAvviso(okDominio[:10]+"\x00", okNumero), check: wantRefused("pendenze[0].idDominio")},
		{name: "spontaneo dati not UTF-8", protects: ids,
			cart: pagamenti.NewCart().AddSpontaneo(okDominio, "MENSA", json.RawMessage("{\"nome\":\"\xff\"}")), check: wantRefused("pendenze[0].dati")},
		{name: "codiceConvenzione not UTF-8", protects: ids,
			opts: pagamenti.StartOptions{CodiceConvenzione: "CONV-\xc3"}, check: wantRefused("codiceConvenzione")},
	}
}

func requireGovPayError(t *testing.T, err error, status int) {
	t.Helper()
	var ge *govpay.Error
	if !errors.As(err, &ge) || ge.StatusCode != status {
		t.Fatalf("err = %v, want a *govpay.Error with status %d", err, status)
	}
}

// TestHostilePagamenti runs every hostile row against its own server and
// checks that the start's per-request secrets appear in no form of the
// error (Error, %v, %+v, %#v of the chain's texts).
func TestHostilePagamenti(t *testing.T) {
	for _, row := range hostileRows() {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			if row.protects == "" {
				t.Fatal("every row names the property it protects")
			}
			var posts, lists atomic.Int64
			mux := http.NewServeMux()
			mux.HandleFunc("POST "+pathPagamento+"/pagamenti", func(w http.ResponseWriter, r *http.Request) {
				posts.Add(1)
				if row.post == nil {
					faultBody(w, http.StatusInternalServerError, "an invalid start must not reach the server")
					return
				}
				row.post(w, r)
			})
			mux.HandleFunc("GET "+pathPagamento+"/pagamenti", func(w http.ResponseWriter, r *http.Request) {
				lists.Add(1)
				if row.list == nil {
					http.NotFound(w, r)
					return
				}
				row.list(w, r)
			})
			mux.HandleFunc("GET "+pathPagamento+"/pagamenti/{id}", func(w http.ResponseWriter, r *http.Request) {
				if row.detail == nil {
					http.NotFound(w, r)
					return
				}
				row.detail(w, r)
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			c := pagamenti.New(testutil.Config(t, govpay.APIPagamento, srv.URL+pathPagamento, govpay.WithBasicAuth("portale", secret), govpay.WithRetry(govpay.NoRetry())))
			opts := row.opts
			opts.URLRitorno = okURL
			opts.CredenzialiPagatore = credenziali
			opts.ReCaptcha = recaptcha
			opts.ReconcileTimeout = 5 * time.Second
			cart := row.cart
			if cart == nil {
				cart = pagamenti.NewCart().AddRiferimento("A2A-PROOF", "P-1")
			}
			a, err := c.Start(context.Background(), cart, opts)
			if err == nil {
				t.Fatalf("started: %+v", a)
			}
			row.check(t, a, err, posts.Load())
			texts := []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)}
			for e := err; e != nil; e = errors.Unwrap(e) {
				texts = append(texts, e.Error())
			}
			if a != nil {
				texts = append(texts, fmt.Sprintf("%+v", *a))
			}
			for _, s := range []string{credenziali, recaptcha, url.QueryEscape(credenziali), secret} {
				for _, text := range texts {
					if strings.Contains(text, s) {
						t.Errorf("a secret (%d bytes) appears in the error: %s", len(s), text)
					}
				}
			}
		})
	}
}
