package proof

// The bad-input catalogue: one table of invalid inputs across the SDK's
// packages (cart, pendenza and voci, amounts, ids, numero avviso, QR code,
// Data Matrix, codice fiscale / partita IVA, IBAN in strict mode, return
// queries, start options, client options, notifica options). Every row is
// refused with a typed error that names what is wrong, and no row sends
// anything: each runs against its own counting server, which must see zero
// requests.
//
//	go test -race -run TestBadInput ./internal/proof/

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// Deep base paths, as GovPay mounts its APIs, so that a client building an
// absolute path would miss them (it must not send anything anyway).
const (
	pathPendenze   = "/govpay/backend/api/pendenze/rs/basic/v2"
	pathPagamento  = "/govpay/frontend/api/pagamento/rs/basic/v2"
	pathRagioneria = "/govpay/backend/api/ragioneria/rs/basic/v3"
	pathCheckout   = "/checkout/ec/v2"
)

// secret is the password and key of the option rows: it must never appear
// in an error.
const secret = "s3cr3t-Passw0rd"

// Valid references the rows start from, so that each row breaks one thing.
const (
	okDominio = "01234567890"        // GovPay's demo domain (fails the P.IVA check digit)
	okPIVA    = "80015010723"        // a real partita IVA
	okCF      = "RSSMRA30A01H501I"   // a codice fiscale with a valid check character
	okNumero  = "301000000000001861" // aux digit 3, check digits 61
	okIBAN    = "IT60X0542811101000000123456"
	demoIBAN  = "IT02L1234500000999990000001" // GovPay's demo IBAN: right format, wrong mod-97
	okQR      = "PAGOPA|002|" + okNumero + "|" + okDominio + "|10000"
	okURL     = "https://portale.comune.it/pagopa/ritorno"
)

// env is one counting server with every client the rows call.
type env struct {
	hits      atomic.Int64
	srv       *httptest.Server
	pendenze  *pendenze.Client
	pagamenti *pagamenti.Client
	avvisi    *avvisi.Client
	checkout  *pagamenti.Checkout
	ricevute  *ricevute.Client
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hits.Add(1)
		// Whatever arrives is refused, so a row that sends something also
		// gets a *govpay.Error instead of the error it expects.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"categoria":"INTERNO","codice":"PROOF","descrizione":"bad-input rows must not reach the server"}`))
	}))
	t.Cleanup(e.srv.Close)
	opts := []govpay.Option{govpay.WithBasicAuth("portale", secret), govpay.WithRetry(govpay.NoRetry())}
	var err error
	e.pendenze = pendenze.New(testutil.Config(t, govpay.APIPendenze, e.srv.URL+pathPendenze, opts...))
	e.pagamenti = pagamenti.New(testutil.Config(t, govpay.APIPagamento, e.srv.URL+pathPagamento, opts...))
	e.avvisi = avvisi.New(testutil.Config(t, govpay.APIPagamento, e.srv.URL+pathPagamento, opts...))
	e.ricevute = ricevute.New(testutil.Config(t, govpay.APIRagioneria, e.srv.URL+pathRagioneria, opts...))
	if e.checkout, err = pagamenti.NewCheckout(testutil.Config(t, govpay.APIPendenze, e.srv.URL+pathPendenze, govpay.WithRetry(govpay.NoRetry())),
		pagamenti.CheckoutOptions{BaseURL: e.srv.URL + pathCheckout, SubscriptionKey: secret}); err != nil {
		t.Fatal(err)
	}
	return e
}

// pendenza returns a valid pendenza with one voce of each kind; change fn
// breaks it.
func pendenza(change func(p *pendenze.Pendenza)) pendenze.Pendenza {
	p := pendenze.Pendenza{
		IDTipoPendenza: "LIBERO",
		IDDominio:      okDominio,
		Causale:        "Diritti di segreteria",
		SoggettoPagatore: govpay.Soggetto{
			Tipo: govpay.SoggettoFisico, Identificativo: okCF, Anagrafica: "Mario Rossi",
			Email: "mario.rossi@example.it",
		},
		Importo: govpay.Centesimi(12599),
		Voci: []pendenze.Voce{
			pendenze.VoceEntrata("1", govpay.Centesimi(9999), "Diritti di segreteria", pendenze.Entrata{CodEntrata: "SEGRETERIA"}),
			pendenze.VoceAccredito("2", govpay.Euro(10), "Diritti di istruttoria", pendenze.Accredito{IBANAccredito: okIBAN, TipoContabilita: pendenze.ContabilitaAltro, CodiceContabilita: "9/0101"}),
			pendenze.VoceBollo("3", govpay.Euro(16), "Marca da bollo", pendenze.Bollo{HashDocumento: "a/CWqtFtCEyA/ymBySahGSaqKMiak5mlX3BoX0jupy8=", ProvinciaResidenza: "RO"}),
		},
	}
	if change != nil {
		change(&p)
	}
	return p
}

// put loads p with the pendenze client.
func put(p pendenze.Pendenza, opts ...pendenze.PutOption) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		_, err := e.pendenze.Put(ctx, "PORTALE", "P-1", p, opts...)
		return err
	}
}

// start starts the payment of cart with opts.
func start(cart *pagamenti.Cart, opts pagamenti.StartOptions) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		_, err := e.pagamenti.Start(ctx, cart, opts)
		return err
	}
}

// firstErr runs an iterator to its first error.
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// local wraps a call that involves no client.
func local(f func() error) func(context.Context, *env) error {
	return func(context.Context, *env) error { return f() }
}

// newWith builds a pendenze client on the row's server with opts: the
// error of New is the row's.
func newWith(opts ...govpay.Option) func(context.Context, *env) error {
	return func(ctx context.Context, e *env) error {
		cfg, err := testutil.ConfigErr(govpay.APIPendenze, e.srv.URL+pathPendenze, opts...)
		if err == nil {
			_, err = pendenze.New(cfg).Get(ctx, "PORTALE", "P-1")
			return errors.Join(errors.New("NewConfig accepted the options"), err)
		}
		return err
	}
}

// handlerWith builds a notifica handler with opts and, if it is built,
// serves it one notification on the row's server.
func handlerWith(r notifica.Receiver, opts ...notifica.Option) func(context.Context, *env) error {
	return func(context.Context, *env) error {
		h, err := notifica.NewHandler(r, opts...)
		if err == nil && h != nil {
			return errors.New("NewHandler accepted the options")
		}
		return err
	}
}

type nopReceiver struct{}

func (nopReceiver) Attivazione(context.Context, *notifica.Pagamento) error { return nil }
func (nopReceiver) Pagamento(context.Context, *notifica.Pagamento) error   { return nil }
func (nopReceiver) Ricevuta(context.Context, *ricevute.Ricevuta) error     { return nil }

func unmarshalImporto(s string) func() error {
	return func() error {
		var i govpay.Importo
		return json.Unmarshal([]byte(s), &i)
	}
}

func unmarshalPendenza(s string) func() error {
	return func() error {
		var p pendenze.Pendenza
		return json.Unmarshal([]byte(s), &p)
	}
}

func parseReturn(q string) func() error {
	return func() error {
		v, err := url.ParseQuery(q)
		if err != nil {
			return err
		}
		_, err = pagamenti.ParseReturn(v)
		return err
	}
}

// badInput is one row of the catalogue. Exactly one expectation is set:
//   - field: a *govpay.ValidationError (matching govpay.ErrInvalid) with a
//     violation of that field path; what, when set, is the error's What
//     (the options of New and NewHandler, where fields name an option's
//     argument, "WithBasicAuth.user", rather than a JSON path);
//   - is: the package's documented sentinel, matched with errors.Is.
type badInput struct {
	area  string
	name  string
	call  func(context.Context, *env) error
	field string
	what  string
	is    error
}

func badInputs() []badInput {
	longID := strings.Repeat("x", 36)
	nav, _ := avvisi.ParseNumeroAvviso(okNumero)
	dm, err := avvisi.FormatDataMatrix(avvisi.DataMatrix{
		Riferimento:   avvisi.Riferimento{IDDominio: okDominio, NumeroAvviso: nav, Importo: govpay.Euro(10)},
		ContoCorrente: "123456", CodiceFiscaleDebitore: okCF, Anagrafica: "Mario Rossi", Causale: "TARI",
	})
	if err != nil {
		panic(err)
	}
	validCart := func() *pagamenti.Cart { return pagamenti.NewCart().AddAvviso(okDominio, okNumero) }

	return []badInput{
		// --- cart ---
		{area: "cart", name: "empty cart", call: start(pagamenti.NewCart(), pagamenti.StartOptions{}), field: "pendenze"},
		{area: "cart", name: "nil cart", call: start(nil, pagamenti.StartOptions{}), field: "pendenze"},
		{area: "cart", name: "six items", call: start(pagamenti.NewCart().
			AddRiferimento("A", "1").AddRiferimento("A", "2").AddRiferimento("A", "3").
			AddRiferimento("A", "4").AddRiferimento("A", "5").AddRiferimento("A", "6"), pagamenti.StartOptions{}), field: "pendenze[5]"},
		{area: "cart", name: "same riferimento twice", call: start(pagamenti.NewCart().AddRiferimento("A", "1").AddRiferimento("A", "1"), pagamenti.StartOptions{}), field: "pendenze[1]"},
		{area: "cart", name: "same avviso twice (spaces as printed)", call: start(validCart().AddAvviso(okDominio, "3010 0000 0000 0018 61"), pagamenti.StartOptions{}), field: "pendenze[1]"},
		{area: "cart", name: "riferimento idA2A with a slash", call: start(pagamenti.NewCart().AddRiferimento("A/B", "1"), pagamenti.StartOptions{}), field: "pendenze[0].idA2A"},
		{area: "cart", name: "riferimento idPendenza of 36 characters", call: start(pagamenti.NewCart().AddRiferimento("A", longID), pagamenti.StartOptions{}), field: "pendenze[0].idPendenza"},
		{area: "cart", name: "avviso idDominio of 10 digits", call: local(pagamenti.NewCart().AddAvviso("0123456789", okNumero).Validate), field: "pendenze[0].idDominio"},
		{area: "cart", name: "avviso numero with wrong check digits", call: local(pagamenti.NewCart().AddAvviso(okDominio, "301000000000001862").Validate), field: "pendenze[0].numeroAvviso"},
		{area: "cart", name: "spontaneo without idTipoPendenza", call: local(pagamenti.NewCart().AddSpontaneo(okDominio, "", nil).Validate), field: "pendenze[0].idTipoPendenza"},
		{area: "cart", name: "spontaneo dati not an object", call: local(pagamenti.NewCart().AddSpontaneo(okDominio, "MENSA", []int{1, 2}).Validate), field: "pendenze[0].dati"},
		{area: "cart", name: "spontaneo without dati (API Pagamento)", call: start(pagamenti.NewCart().AddSpontaneo(okDominio, "MENSA", nil), pagamenti.StartOptions{}), field: "pendenze[0].dati"},
		{area: "cart", name: "pendenza with documento (API Pendenze only)", call: start(pagamenti.NewCart().AddPendenza("A", "1", pendenza(func(p *pendenze.Pendenza) {
			p.Documento = &pendenze.Documento{Identificativo: "D1", Descrizione: "Rate", Rata: 1}
		})), pagamenti.StartOptions{}), field: "pendenze[0].documento"},
		{area: "cart", name: "pendenza voce invalid inside the cart", call: start(pagamenti.NewCart().AddPendenza("A", "1", pendenza(func(p *pendenze.Pendenza) { p.Voci[2].Descrizione = "" })), pagamenti.StartOptions{}), field: "pendenze[0].voci[2].descrizione"},
		{area: "cart", name: "checkout: riferimento has no numero avviso", call: func(ctx context.Context, e *env) error {
			_, err := e.checkout.Start(ctx, pagamenti.NewCart().AddRiferimento("A", "1"), pagamenti.CheckoutStartOptions{
				ReturnOK: okURL, ReturnCancel: okURL, ReturnError: okURL, ReturnWaiting: okURL, CompanyName: "Comune", Version: 2})
			return err
		}, field: "paymentNotices[0].noticeNumber"},

		// --- pendenza and voci (Validate, Put) ---
		{area: "pendenza", name: "no voci", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci = nil })), field: "voci"},
		{area: "pendenza", name: "six voci", call: put(pendenza(func(p *pendenze.Pendenza) {
			for i := range 3 {
				p.Voci = append(p.Voci, pendenze.VoceEntrata(string(rune('4'+i)), 0, "Extra", pendenze.Entrata{CodEntrata: "SEGRETERIA"}))
			}
		})), field: "voci"},
		{area: "pendenza", name: "importo differs from the sum of the voci", call: put(pendenza(func(p *pendenze.Pendenza) { p.Importo++ })), field: "importo"},
		{area: "pendenza", name: "duplicate idVocePendenza", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci[1].IDVocePendenza = "1" })), field: "voci[1].idVocePendenza"},
		{area: "pendenza", name: "voce without kind", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci[0].Kind = nil })), field: "voci[0].kind"},
		{area: "pendenza", name: "causale missing", call: put(pendenza(func(p *pendenze.Pendenza) { p.Causale = "" })), field: "causale"},
		{area: "pendenza", name: "causale of 141 characters", call: put(pendenza(func(p *pendenze.Pendenza) { p.Causale = strings.Repeat("à", 141) })), field: "causale"},
		{area: "pendenza", name: "idTipoPendenza with a space", call: put(pendenza(func(p *pendenze.Pendenza) { p.IDTipoPendenza = "TARI 2026" })), field: "idTipoPendenza"},
		{area: "pendenza", name: "soggetto civico of 17 characters", call: put(pendenza(func(p *pendenze.Pendenza) { p.SoggettoPagatore.Civico = strings.Repeat("1", 17) })), field: "soggettoPagatore.civico"},
		{area: "pendenza", name: "soggetto identificativo of 17 characters", call: put(pendenza(func(p *pendenze.Pendenza) { p.SoggettoPagatore.Identificativo = okCF + "X" })), field: "soggettoPagatore.identificativo"},
		{area: "pendenza", name: "soggetto nazione lowercase", call: put(pendenza(func(p *pendenze.Pendenza) { p.SoggettoPagatore.Nazione = "it" })), field: "soggettoPagatore.nazione"},
		{area: "pendenza", name: "soggetto e-mail without @", call: put(pendenza(func(p *pendenze.Pendenza) { p.SoggettoPagatore.Email = "mario.rossi" })), field: "soggettoPagatore.email"},
		{area: "pendenza", name: "voce IBAN malformed", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.Voci[1].Kind = pendenze.Accredito{IBANAccredito: "IT60 X054", TipoContabilita: pendenze.ContabilitaAltro, CodiceContabilita: "9/0101"}
		})), field: "voci[1].ibanAccredito"},
		{area: "pendenza", name: "voce tipoContabilita unknown", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.Voci[1].Kind = pendenze.Accredito{IBANAccredito: okIBAN, TipoContabilita: "BILANCIO", CodiceContabilita: "9/0101"}
		})), field: "voci[1].tipoContabilita"},
		{area: "pendenza", name: "voce codEntrata with a slash", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci[0].Kind = pendenze.Entrata{CodEntrata: "SEG/1"} })), field: "voci[0].codEntrata"},
		{area: "pendenza", name: "bollo provincia lowercase", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.Voci[2].Kind = pendenze.Bollo{HashDocumento: "abc", ProvinciaResidenza: "ro"}
		})), field: "voci[2].provinciaResidenza"},
		{area: "pendenza", name: "bollo tipoBollo of API Pagamento", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.Voci[2].Kind = pendenze.Bollo{TipoBollo: "Imposta di bollo", HashDocumento: "abc", ProvinciaResidenza: "RO"}
		})), field: "voci[2].tipoBollo"},
		{area: "pendenza", name: "contabilita quote do not sum to the voce", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.Voci[0].Contabilita = &pendenze.Contabilita{Quote: []pendenze.QuotaContabilita{{Capitolo: "1", AnnoEsercizio: 2026, Importo: govpay.Euro(50)}}}
		})), field: "voci[0].contabilita.quote"},
		{area: "pendenza", name: "sixteen metadata entries", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.Voci[0].Metadata = &pendenze.Metadata{MapEntries: make([]pendenze.MapEntry, 16)}
			for i := range p.Voci[0].Metadata.MapEntries {
				p.Voci[0].Metadata.MapEntries[i] = pendenze.MapEntry{Key: "k", Value: "v"}
			}
		})), field: "voci[0].metadata.mapEntries"},
		{area: "pendenza", name: "importo 0.00", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.Voci = p.Voci[:1]
			p.Voci[0].Importo, p.Importo = 0, 0
		})), field: "importo"},
		{area: "pendenza", name: "documento soglia ENTRO of 1 day", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.Documento = &pendenze.Documento{Identificativo: "D1", Descrizione: "Rate", Soglia: &pendenze.Soglia{Tipo: pendenze.SogliaEntro, Giorni: 1}}
		})), field: "documento.soglia.giorni"},
		{area: "pendenza", name: "voce codiceContabilita of 2 characters", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.Voci[1].Kind = pendenze.Accredito{IBANAccredito: okIBAN, TipoContabilita: pendenze.ContabilitaAltro, CodiceContabilita: "XX"}
		})), field: "voci[1].codiceContabilita"},
		{area: "pendenza", name: "idVocePendenza with a space", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci[1].IDVocePendenza = "voce 2" })), field: "voci[1].idVocePendenza"},
		{area: "pendenza", name: "soggetto cellulare not in GovPay's form", call: put(pendenza(func(p *pendenze.Pendenza) { p.SoggettoPagatore.Cellulare = "+390000000000" })), field: "soggettoPagatore.cellulare"},
		{area: "pendenza", name: "idDominio invalid UTF-8", call: put(pendenza(func(p *pendenze.Pendenza) { p.IDDominio = "0123456789\xff" })), field: "idDominio"},
		{area: "pendenza", name: "idTipoPendenza invalid UTF-8", call: put(pendenza(func(p *pendenze.Pendenza) { p.IDTipoPendenza = "LIBERO\xc3" })), field: "idTipoPendenza"},
		{area: "pendenza", name: "idUnitaOperativa invalid UTF-8", call: put(pendenza(func(p *pendenze.Pendenza) { p.IDUnitaOperativa = "UO\xed\xa0\x80" })), field: "idUnitaOperativa"},
		{area: "pendenza", name: "idVocePendenza invalid UTF-8", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci[0].IDVocePendenza = "1\x80" })), field: "voci[0].idVocePendenza"},
		{area: "pendenza", name: "codEntrata invalid UTF-8", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci[0].Kind = pendenze.Entrata{CodEntrata: "SEGRETERIA\xfe"} })), field: "voci[0].codEntrata"},
		{area: "pendenza", name: "voce idDominio invalid UTF-8", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci[0].IDDominio = "\xff1234567890" })), field: "voci[0].idDominio"},
		{area: "pendenza", name: "tassonomiaAvviso unknown", call: put(pendenza(func(p *pendenze.Pendenza) { p.TassonomiaAvviso = "Tasse varie" })), field: "tassonomiaAvviso"},
		{area: "pendenza", name: "annoRiferimento of 2 digits", call: put(pendenza(func(p *pendenze.Pendenza) { p.AnnoRiferimento = 26 })), field: "annoRiferimento"},
		{area: "pendenza", name: "JSON voce with two kinds", call: local(unmarshalPendenza(`{"idDominio":"01234567890","causale":"c","importo":1,` +
			`"soggettoPagatore":{"tipo":"F","identificativo":"ANONIMO"},"voci":[{"idVocePendenza":"1","importo":1,"descrizione":"d",` +
			`"codEntrata":"SEGRETERIA","ibanAccredito":"` + okIBAN + `","tipoContabilita":"ALTRO","codiceContabilita":"x"}]}`)), what: "pendenza", field: "voci[0].kind"},
		{area: "pendenza", name: "JSON voce without kind", call: local(unmarshalPendenza(`{"idDominio":"01234567890","causale":"c","importo":2,` +
			`"soggettoPagatore":{"tipo":"F","identificativo":"ANONIMO"},"voci":[{"idVocePendenza":"1","importo":1,"descrizione":"d","codEntrata":"X"},` +
			`{"idVocePendenza":"2","importo":1,"descrizione":"d"}]}`)), what: "pendenza", field: "voci[1].kind"},

		// --- amounts ---
		{area: "importo", name: "ParseImporto three decimals", call: local(func() error { _, err := govpay.ParseImporto("10.001"); return err }), is: govpay.ErrImporto},
		{area: "importo", name: "ParseImporto negative", call: local(func() error { _, err := govpay.ParseImporto("-1.00"); return err }), is: govpay.ErrImporto},
		{area: "importo", name: "ParseImporto decimal comma", call: local(func() error { _, err := govpay.ParseImporto("1,50"); return err }), is: govpay.ErrImporto},
		{area: "importo", name: "ParseImporto above 999,999,999.99", call: local(func() error { _, err := govpay.ParseImporto("1000000000.00"); return err }), is: govpay.ErrImporto},
		{area: "importo", name: "ParseImporto NaN", call: local(func() error { _, err := govpay.ParseImporto("NaN"); return err }), is: govpay.ErrImporto},
		{area: "importo", name: "JSON three decimals", call: local(unmarshalImporto(`10.001`)), is: govpay.ErrImporto},
		{area: "importo", name: "JSON inexact exponent", call: local(unmarshalImporto(`1.0501E1`)), is: govpay.ErrImporto},
		{area: "importo", name: "JSON huge exponent", call: local(unmarshalImporto(`1e400`)), is: govpay.ErrImporto},
		{area: "importo", name: "JSON string with letters", call: local(unmarshalImporto(`"12.5O"`)), is: govpay.ErrImporto},
		{area: "importo", name: "JSON pendenza importo with three decimals", call: local(unmarshalPendenza(`{"importo":125.999}`)), is: govpay.ErrImporto},
		{area: "importo", name: "voce importo above the maximum", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci[0].Importo = govpay.MaxImporto + 1 })), field: "voci[0].importo"},
		{area: "importo", name: "negative voce importo", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci[0].Importo = -1 })), field: "voci[0].importo"},

		// --- ids ---
		{area: "ids", name: "Put idA2A empty", call: func(ctx context.Context, e *env) error {
			_, err := e.pendenze.Put(ctx, "", "P-1", pendenza(nil))
			return err
		}, field: "idA2A"},
		{area: "ids", name: "Put idA2A invalid UTF-8", call: func(ctx context.Context, e *env) error {
			_, err := e.pendenze.Put(ctx, "PORTALE\xff", "P-1", pendenza(nil))
			return err
		}, field: "idA2A"},
		{area: "ids", name: "Put idPendenza invalid UTF-8", call: func(ctx context.Context, e *env) error {
			_, err := e.pendenze.Put(ctx, "PORTALE", "P-\xc3\x28", pendenza(nil))
			return err
		}, field: "idPendenza"},
		{area: "ids", name: "Put idPendenza with a dot", call: func(ctx context.Context, e *env) error {
			_, err := e.pendenze.Put(ctx, "PORTALE", "P.1", pendenza(nil))
			return err
		}, field: "idPendenza"},
		{area: "ids", name: "Get idPendenza of 36 characters", call: func(ctx context.Context, e *env) error {
			_, err := e.pendenze.Get(ctx, "PORTALE", longID)
			return err
		}, field: "idPendenza"},
		{area: "ids", name: "Get idA2A with path traversal", call: func(ctx context.Context, e *env) error {
			_, err := e.pendenze.Get(ctx, "..", "P-1")
			return err
		}, field: "idA2A"},
		{area: "ids", name: "Cancel idPendenza with a query", call: func(ctx context.Context, e *env) error {
			return e.pendenze.Cancel(ctx, "PORTALE", "P-1?x=1", "errore")
		}, field: "idPendenza"},
		{area: "ids", name: "pendenza idDominio of 12 digits", call: put(pendenza(func(p *pendenze.Pendenza) { p.IDDominio = okDominio + "1" })), field: "idDominio"},
		{area: "ids", name: "voce idDominio with a letter", call: put(pendenza(func(p *pendenze.Pendenza) { p.Voci[0].IDDominio = "0123456789A" })), field: "voci[0].idDominio"},
		{area: "ids", name: "GetByAvviso idDominio of 10 digits", call: func(ctx context.Context, e *env) error {
			_, err := e.pendenze.GetByAvviso(ctx, "0123456789", okNumero)
			return err
		}, field: "idDominio"},
		{area: "ids", name: "avvisi.Get idDominio empty", call: func(ctx context.Context, e *env) error {
			_, err := e.avvisi.Get(ctx, "", okNumero)
			return err
		}, field: "idDominio"},
		{area: "ids", name: "Ricevute.Find idDominio with letters", call: func(ctx context.Context, e *env) error {
			_, err := e.ricevute.Find(ctx, "ABCDEFGHIJK", okNumero)
			return err
		}, field: "idDominio"},
		{area: "ids", name: "RT without iuv", call: func(ctx context.Context, e *env) error {
			_, err := e.pendenze.GetRT(ctx, okDominio, "", "n/a", pendenze.FormatoJSON)
			return err
		}, field: "iuv"},
		{area: "ids", name: "RT unknown formato", call: func(ctx context.Context, e *env) error {
			_, err := e.pendenze.GetRT(ctx, okDominio, "01000000000012345", "n/a", "text/html")
			return err
		}, field: "formato"},
		{area: "ids", name: "Patch without operations", call: func(ctx context.Context, e *env) error {
			_, err := e.pendenze.Patch(ctx, "PORTALE", "P-1")
			return err
		}, field: "ops"},
		{area: "ids", name: "List page of 201", call: func(ctx context.Context, e *env) error {
			return firstErr(e.pendenze.List(ctx, pendenze.ListOptions{RisultatiPerPagina: 201}))
		}, field: "risultatiPerPagina"},
		{area: "ids", name: "Posizione idDominio of 10 digits", call: func(ctx context.Context, e *env) error {
			return firstErr(e.pagamenti.ListPosizione(ctx, okCF, pagamenti.PosizioneOptions{IDDominio: "0123456789"}))
		}, field: "idDominio"},

		// --- numero avviso ---
		{area: "numeroAvviso", name: "17 digits", call: local(func() error { _, err := avvisi.ParseNumeroAvviso("30100000000000186"); return err }), is: avvisi.ErrNumeroAvviso},
		{area: "numeroAvviso", name: "aux digit 4", call: local(func() error { _, err := avvisi.ParseNumeroAvviso("401000000000001861"); return err }), is: avvisi.ErrNumeroAvviso},
		{area: "numeroAvviso", name: "wrong check digits (GovPay's doc example)", call: local(func() error { _, err := avvisi.ParseNumeroAvviso("301000000000012345"); return err }), is: avvisi.ErrNumeroAvviso},
		{area: "numeroAvviso", name: "letter inside", call: local(func() error { _, err := avvisi.ParseNumeroAvviso("30100000000000186A"); return err }), is: avvisi.ErrNumeroAvviso},
		{area: "numeroAvviso", name: "empty", call: local(func() error { _, err := avvisi.ParseNumeroAvviso(""); return err }), is: avvisi.ErrNumeroAvviso},
		{area: "numeroAvviso", name: "pendenza numeroAvviso with wrong check digits", call: put(pendenza(func(p *pendenze.Pendenza) { p.NumeroAvviso = "301000000000012345" })), field: "numeroAvviso"},
		{area: "numeroAvviso", name: "avvisi.Get numero of 19 digits", call: func(ctx context.Context, e *env) error {
			_, err := e.avvisi.Get(ctx, okDominio, okNumero+"0")
			return err
		}, field: "numeroAvviso"},
		{area: "numeroAvviso", name: "avvisi.PDF numero with wrong check digits", call: func(ctx context.Context, e *env) error {
			_, err := e.avvisi.PDF(ctx, okDominio, "301000000000001862")
			return err
		}, field: "numeroAvviso"},

		// --- QR code ---
		{area: "qrcode", name: "version 001", call: local(func() error { _, err := avvisi.ParseQRCode(strings.Replace(okQR, "|002|", "|001|", 1)); return err }), is: avvisi.ErrCodice},
		{area: "qrcode", name: "missing amount", call: local(func() error { _, err := avvisi.ParseQRCode(strings.TrimSuffix(okQR, "|10000")); return err }), is: avvisi.ErrCodice},
		{area: "qrcode", name: "amount with a decimal point", call: local(func() error { _, err := avvisi.ParseQRCode(strings.Replace(okQR, "|10000", "|100.00", 1)); return err }), is: avvisi.ErrCodice},
		{area: "qrcode", name: "creditor of 10 digits", call: local(func() error {
			_, err := avvisi.ParseQRCode(strings.Replace(okQR, okDominio, "0123456789", 1))
			return err
		}), is: avvisi.ErrCodice},
		{area: "qrcode", name: "numero with wrong check digits", call: local(func() error {
			_, err := avvisi.ParseQRCode(strings.Replace(okQR, okNumero, "301000000000001862", 1))
			return err
		}), is: avvisi.ErrNumeroAvviso},
		{area: "qrcode", name: "cart AddQRCode of a URL", call: local(pagamenti.NewCart().AddQRCode("https://example.com/pay").Validate), field: "pendenze[0].qrCode"},

		// --- Data Matrix ---
		{area: "datamatrix", name: "one character short", call: local(func() error { _, err := avvisi.ParseDataMatrix(dm[:len(dm)-1]); return err }), is: avvisi.ErrCodice},
		{area: "datamatrix", name: "wrong prefix", call: local(func() error { _, err := avvisi.ParseDataMatrix("codfase=XXXX" + dm[12:]); return err }), is: avvisi.ErrCodice},
		{area: "datamatrix", name: "non-ASCII byte", call: local(func() error { _, err := avvisi.ParseDataMatrix(dm[:200] + "é" + dm[202:]); return err }), is: avvisi.ErrCodice},
		{area: "datamatrix", name: "QR code text given as Data Matrix", call: local(func() error { _, err := avvisi.ParseDataMatrix(okQR); return err }), is: avvisi.ErrCodice},

		// --- codice fiscale, partita IVA, IBAN (strict mode) ---
		{area: "cf/piva", name: "CF wrong check character", call: local(func() error { return avvisi.CheckCodiceFiscale("RSSMRA30A01H501J") }), is: avvisi.ErrCodiceFiscale},
		{area: "cf/piva", name: "CF month letter Z", call: local(func() error { return avvisi.CheckCodiceFiscale("RSSMRA30Z01H501I") }), is: avvisi.ErrCodiceFiscale},
		{area: "cf/piva", name: "CF of 15 characters", call: local(func() error { return avvisi.CheckCodiceFiscale(okCF[:15]) }), is: avvisi.ErrCodiceFiscale},
		{area: "cf/piva", name: "P.IVA GovPay demo domain", call: local(func() error { return avvisi.CheckPartitaIVA(okDominio) }), is: avvisi.ErrPartitaIVA},
		{area: "cf/piva", name: "P.IVA with a letter", call: local(func() error { return avvisi.CheckPartitaIVA("8001501072X") }), is: avvisi.ErrPartitaIVA},
		{area: "cf/piva", name: "strict Put: payer CF check character", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.IDDominio = okPIVA
			p.SoggettoPagatore.Identificativo = "RSSMRA30A01H501J"
		}), pendenze.WithStrictValidation()), field: "soggettoPagatore.identificativo"},
		{area: "cf/piva", name: "strict Put: idDominio check digit", call: put(pendenza(nil), pendenze.WithStrictValidation()), field: "idDominio"},
		{area: "iban", name: "strict Put: demo IBAN fails mod-97", call: put(pendenza(func(p *pendenze.Pendenza) {
			p.IDDominio = okPIVA
			p.Voci[1].Kind = pendenze.Accredito{IBANAccredito: demoIBAN, TipoContabilita: pendenze.ContabilitaAltro, CodiceContabilita: "9/0101"}
		}), pendenze.WithStrictValidation()), field: "voci[1].ibanAccredito"},
		{area: "iban", name: "strict Load: IBAN appoggio fails mod-97", call: func(ctx context.Context, e *env) error {
			p := pendenza(func(p *pendenze.Pendenza) {
				p.IDDominio = okPIVA
				p.Voci[1].Kind = pendenze.Accredito{IBANAccredito: okIBAN, IBANAppoggio: "IT61X0542811101000000123456", TipoContabilita: pendenze.ContabilitaAltro, CodiceContabilita: "9/0101"}
			})
			rep, err := e.pendenze.Load(ctx, func(yield func(pendenze.Item) bool) {
				yield(pendenze.Item{IDA2A: "PORTALE", IDPendenza: "P-1", Pendenza: p})
			}, pendenze.LoadOptions{Strict: true})
			if err != nil {
				return err
			}
			if rep.Invalid != 1 || len(rep.Failures) != 1 {
				return errors.New("Load did not report the item as invalid")
			}
			return rep.Failures[0].Err
		}, field: "voci[1].ibanAppoggio"},
		{area: "iban", name: "contoAddebito IBAN malformed", call: start(validCart(), pagamenti.StartOptions{ContoAddebito: &pagamenti.Conto{IBAN: "IT6"}}), field: "contoAddebito.iban"},

		// --- return queries ---
		{area: "return", name: "no esito", call: local(parseReturn("idPagamento=abc")), field: "esito"},
		{area: "return", name: "esito empty", call: local(parseReturn("esito=&idPagamento=abc")), field: "esito"},
		{area: "return", name: "esito repeated with different values", call: local(parseReturn("esito=OK&esito=ERROR")), field: "esito"},
		{area: "return", name: "idSession with a quote", call: local(parseReturn("esito=OK&idSession=a%22b")), field: "idSession"},
		{area: "return", name: "idPagamento too long", call: local(parseReturn("esito=OK&idPagamento=" + strings.Repeat("a", pagamenti.MaxReturnValue+1))), field: "idPagamento"},
		{area: "return", name: "idPagamento with a newline", call: local(parseReturn("esito=OK&idPagamento=a%0Ab")), field: "idPagamento"},

		// --- start options ---
		{area: "start", name: "urlRitorno relative", call: start(validCart(), pagamenti.StartOptions{URLRitorno: "/pagopa/ritorno"}), field: "urlRitorno"},
		{area: "start", name: "urlRitorno javascript:", call: start(validCart(), pagamenti.StartOptions{URLRitorno: "javascript:alert(1)"}), field: "urlRitorno"},
		{area: "start", name: "urlRitorno with credentials", call: start(validCart(), pagamenti.StartOptions{URLRitorno: "https://user:pw@portale.comune.it/r"}), field: "urlRitorno"},
		{area: "start", name: "urlRitorno with a fragment", call: start(validCart(), pagamenti.StartOptions{URLRitorno: okURL + "#esito"}), field: "urlRitorno"},
		{area: "start", name: "urlRitorno ftp", call: start(validCart(), pagamenti.StartOptions{URLRitorno: "ftp://portale.comune.it/r"}), field: "urlRitorno"},
		{area: "start", name: "lingua not UTF-8", call: start(validCart(), pagamenti.StartOptions{URLRitorno: okURL, Lingua: "x\xff"}), field: "lingua"},
		{area: "start", name: "soggettoVersante cellulare without spaces", call: start(validCart(), pagamenti.StartOptions{URLRitorno: okURL, SoggettoVersante: &govpay.Soggetto{Identificativo: okCF, Anagrafica: "Mario Rossi", Cellulare: "+393331234567"}}), field: "soggettoVersante.cellulare"},
		{area: "start", name: "PSP without canale", call: start(validCart(), pagamenti.StartOptions{URLRitorno: okURL, IDPSP: "PSP1", IDIntermediarioPSP: "INT1"}), field: "identificativoCanale"},
		{area: "start", name: "idSessionePortale with a tab", call: start(validCart(), pagamenti.StartOptions{URLRitorno: okURL, IDSessionePortale: "a\tb"}), field: "idSessionePortale"},
		{area: "start", name: "checkout returnOkUrl missing", call: func(ctx context.Context, e *env) error {
			_, err := e.checkout.Start(ctx, pagamenti.NewCart().AddQRCode(okQR), pagamenti.CheckoutStartOptions{
				ReturnCancel: okURL, ReturnError: okURL, ReturnWaiting: okURL, CompanyName: "Comune", Version: 2,
				Completer: pagamenti.NoticeCompleterFunc(func(_ context.Context, _ pagamenti.Item, n *pagamenti.PaymentNotice) error {
					n.Description = "TARI"
					return nil
				})})
			return err
		}, field: "returnUrls.returnOkUrl"},

		// --- client options (pendenze.New) ---
		{area: "options", name: "WithBasicAuth empty user", call: newWith(govpay.WithBasicAuth("", secret)), what: "options", field: "WithBasicAuth.user"},
		{area: "options", name: "WithBasicAuth empty password", call: newWith(govpay.WithBasicAuth("gestionale", "")), what: "options", field: "WithBasicAuth.password"},
		{area: "options", name: "WithAPIKey empty key", call: newWith(govpay.WithAPIKey("app", "")), what: "options", field: "WithAPIKey.key"},
		{area: "options", name: "WithBearerToken with a space", call: newWith(govpay.WithBearerToken("abc " + secret)), what: "options", field: "WithBearerToken.token"},
		{area: "options", name: "WithPrincipalHeader bad header name", call: newWith(govpay.WithPrincipalHeader("X Bad", secret)), what: "options", field: "WithPrincipalHeader.name"},
		{area: "options", name: "WithSSLHeader not PEM", call: newWith(govpay.WithSSLHeader(secret)), what: "options", field: "WithSSLHeader.pemCert"},
		{area: "options", name: "WithRetry 0 attempts", call: newWith(govpay.WithRetry(govpay.RetryPolicy{})), what: "options", field: "WithRetry.MaxAttempts"},
		{area: "options", name: "WithRetry backoff reversed", call: newWith(govpay.WithRetry(govpay.RetryPolicy{MaxAttempts: 2, MinBackoff: time.Second, MaxBackoff: time.Millisecond})), what: "options", field: "WithRetry.MaxBackoff"},
		{area: "options", name: "WithHTTPClient nil", call: newWith(govpay.WithHTTPClient(nil)), what: "options", field: "WithHTTPClient.client"},
		{area: "options", name: "WithLogger nil", call: newWith(govpay.WithLogger(nil)), what: "options", field: "WithLogger.logger"},
		{area: "options", name: "WithBasicAuth and WithBearerToken together", call: newWith(govpay.WithBasicAuth("gestionale", secret), govpay.WithBearerToken(secret)), what: "options", field: "WithBearerToken"},
		{area: "options", name: "nil option", call: newWith(govpay.WithBasicAuth("gestionale", secret), govpay.Option{}), what: "options", field: "opts[1]"},
		{area: "options", name: "host with credentials", call: func(ctx context.Context, e *env) error {
			u, _ := url.Parse(e.srv.URL)
			u.User = url.UserPassword("gestionale", secret)
			_, err := govpay.NewConfig(u.String())
			return err
		}, what: "options", field: "host"},
		{area: "options", name: "endpoint with credentials", call: func(ctx context.Context, e *env) error {
			u, _ := url.Parse(e.srv.URL + pathPendenze)
			u.User = url.UserPassword("gestionale", secret)
			_, err := govpay.NewConfig(e.srv.URL, govpay.WithEndpoint(govpay.APIPendenze, u.String()))
			return err
		}, what: "options", field: "WithEndpoint.baseURL"},
		{area: "options", name: "endpoint with a query", call: func(ctx context.Context, e *env) error {
			_, err := govpay.NewConfig(e.srv.URL, govpay.WithEndpoint(govpay.APIPagamento, e.srv.URL+pathPagamento+"?x=1"))
			return err
		}, what: "options", field: "WithEndpoint.baseURL"},
		{area: "options", name: "checkout key too short", call: func(ctx context.Context, e *env) error {
			cfg, err := govpay.NewConfig(e.srv.URL)
			if err != nil {
				return err
			}
			_, err = pagamenti.NewCheckout(cfg, pagamenti.CheckoutOptions{BaseURL: e.srv.URL + pathCheckout, SubscriptionKey: "k"})
			return err
		}, what: "checkout options", field: "CheckoutOptions.SubscriptionKey"},

		// --- notifica options ---
		{area: "notifica", name: "no authentication", call: handlerWith(nopReceiver{}), what: "notifica options", field: "opts"},
		{area: "notifica", name: "nil Receiver", call: handlerWith(nil, notifica.WithNoAuthentication()), what: "notifica options", field: "receiver"},
		{area: "notifica", name: "WithBasicAuth empty password", call: handlerWith(nopReceiver{}, notifica.WithBasicAuth("govpay", "")), what: "notifica options", field: "WithBasicAuth.password"},
		{area: "notifica", name: "WithAPIKey empty app id", call: handlerWith(nopReceiver{}, notifica.WithAPIKey("", secret)), what: "notifica options", field: "WithAPIKey.appID"},
		{area: "notifica", name: "WithHeaderSecret bad header name", call: handlerWith(nopReceiver{}, notifica.WithHeaderSecret("X Secret", secret)), what: "notifica options", field: "WithHeaderSecret.name"},
		{area: "notifica", name: "WithMaxBodyBytes 0", call: handlerWith(nopReceiver{}, notifica.WithNoAuthentication(), notifica.WithMaxBodyBytes(0)), what: "notifica options", field: "WithMaxBodyBytes.n"},
		{area: "notifica", name: "WithDeduplicator nil", call: handlerWith(nopReceiver{}, notifica.WithNoAuthentication(), notifica.WithDeduplicator(nil)), what: "notifica options", field: "WithDeduplicator.dedup"},
		{area: "notifica", name: "WithNoAuthentication with WithBasicAuth", call: handlerWith(nopReceiver{}, notifica.WithNoAuthentication(), notifica.WithBasicAuth("govpay", secret)), what: "notifica options", field: "WithNoAuthentication"},
	}
}

func TestBadInput(t *testing.T) {
	rows := badInputs()
	if len(rows) < 60 {
		t.Fatalf("the catalogue has %d rows, want at least 60", len(rows))
	}
	for _, row := range rows {
		t.Run(row.area+"/"+row.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := row.call(ctx, e)
			if err == nil {
				t.Fatal("accepted: want an error")
			}
			if n := e.hits.Load(); n != 0 {
				t.Errorf("the server received %d requests, want none", n)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows a secret: %v", err)
			}
			var gerr *govpay.Error
			if errors.As(err, &gerr) {
				t.Fatalf("a GovPay error, so the input reached the server: %v", err)
			}
			switch {
			case row.field != "":
				var ve *govpay.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("got %T %v, want a *govpay.ValidationError", err, err)
				}
				if !errors.Is(err, govpay.ErrInvalid) {
					t.Errorf("%v does not match govpay.ErrInvalid", err)
				}
				if !ve.Has(row.field) {
					t.Errorf("violations %v do not name %q", ve.Violations, row.field)
				}
				if row.what != "" && ve.What != row.what {
					t.Errorf("What is %q, want %q", ve.What, row.what)
				}
			case row.is != nil:
				if !errors.Is(err, row.is) {
					t.Errorf("got %T %v, want an error matching %v", err, err, row.is)
				}
			default:
				t.Fatal("the row sets no expectation")
			}
		})
	}
}
