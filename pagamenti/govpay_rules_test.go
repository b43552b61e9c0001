package pagamenti

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/verr"
	"github.com/govpaygo/govpay/pendenze"
)

// conformanceSection is the heading of the CONFORMANCE.md section that
// documents the rules TestGovPayBehaviourCart checks.
const conformanceSection = "## Validation rules: cart and start options (POST /pagamenti) against GovPay 3.9.1"

// govpayCase is one cart and options of POST /pagamenti with GovPay 3.9.1's
// verdict (read in its code: source) and the SDK's expected verdict.
type govpayCase struct {
	name string
	// cart builds the cart; nil means one valid riferimento.
	cart func(t *testing.T) *Cart
	opts StartOptions
	// govpay is true when GovPay 3.9.1 accepts the request (its validation
	// passes; what depends on its registry is out of scope).
	govpay bool
	// source is GovPay's class:line at link-it/govpay 1840dca.
	source string
	// sdk is true when the SDK accepts it; field is the field the SDK
	// names when it refuses.
	sdk   bool
	field string
	// disagreement is the key of the row of CONFORMANCE.md's section that
	// explains why the SDK differs from GovPay ("" when they agree).
	disagreement string
}

func ref(idA2A, idPendenza string) func(*testing.T) *Cart {
	return func(*testing.T) *Cart { return NewCart().AddRiferimento(idA2A, idPendenza) }
}

func refs(n int) func(*testing.T) *Cart {
	return func(*testing.T) *Cart {
		c := NewCart()
		for i := range n {
			c.AddRiferimento("A2A", "P-"+strings.Repeat("x", i+1))
		}
		return c
	}
}

func avviso(idDominio string, nav func(*testing.T) string) func(*testing.T) *Cart {
	return func(t *testing.T) *Cart { return NewCart().AddAvviso(idDominio, nav(t)) }
}

func nav(t *testing.T) string { return validNAV(t, 4285) }

// navBadCheck is nav with wrong check digits.
func navBadCheck(t *testing.T) string {
	n := nav(t)
	last := "00"
	if n[16:] == last {
		last = "01"
	}
	return n[:16] + last
}

func spontaneo(idTipo string, dati any) func(*testing.T) *Cart {
	return func(*testing.T) *Cart { return NewCart().AddSpontaneo(testDominio, idTipo, dati) }
}

func fullPendenza(idA2A, idPendenza string, edit func(*pendenze.Pendenza)) func(*testing.T) *Cart {
	return func(*testing.T) *Cart {
		p := testPendenza()
		if edit != nil {
			edit(&p)
		}
		return NewCart().AddPendenza(idA2A, idPendenza, p)
	}
}

func psp(p, i, c string) StartOptions {
	return StartOptions{IDPSP: p, IDIntermediarioPSP: i, IDCanale: c}
}

func versante(edit func(*govpay.Soggetto)) StartOptions {
	s := govpay.Soggetto{Tipo: govpay.SoggettoFisico, Identificativo: "BNCGLO30A01H501I", Anagrafica: "Giulio Bianchi"}
	edit(&s)
	return StartOptions{SoggettoVersante: &s}
}

func daysFromToday(n int) StartOptions {
	return StartOptions{DataEsecuzionePagamento: govpay.Today().AddDays(n)}
}

var (
	s35 = strings.Repeat("a", 35)
	s36 = strings.Repeat("a", 36)
)

func govpayCases() []govpayCase {
	const (
		srcItems    = "NuovoPagamento.java:278"
		srcRef      = "NuovaPendenza.java:612-615; CostantiValidazione.java:37,42; ValidatoreIdentificativi.java:88-89,152-153"
		srcAvviso   = "NuovaPendenza.java:641-650; CostantiValidazione.java:35"
		srcSpont    = "NuovaPendenza.java:676-681; CostantiValidazione.java:39"
		srcFull     = "NuovaPendenza.java:704-709"
		srcURL      = "NuovoPagamento.java:279; StringValidator.java:81-85"
		srcIDSP     = "PagamentiController.java:142 (no check); postgresql/gov_pay.sql:709 VARCHAR(255)"
		srcLingua   = "LinguaPagamento.java:39-51,66-75"
		srcAut      = "NuovoPagamento.java:65,286; TipoAutenticazioneSoggetto.java:66-72"
		srcCred     = "NuovoPagamento.java:281; StringValidator.java:64-67"
		srcConv     = "PagamentiController.java:151-157; ValidatoreUtils.java:40-42"
		srcPSP      = "PagamentiController.java:162-170; ValidatoreUtils.java:44-49"
		srcTipoV    = "PagamentiController.java:175; Pagamenti.java:68; bd/model/Canale.java:29-30; model/Canale.java:55-78"
		srcVersante = "NuovoPagamento.java:282-285; Soggetto.java:338-349; ec/v1/validator/SoggettoPagatoreValidator.java:89,93"
		srcConto    = "NuovoPagamento.java:280; Conto.java:128-134; CostantiValidazione.java:30-31"
		srcData     = "NuovoPagamentoValidator.java:43; DateValidator.java:69-95"
	)
	return []govpayCase{
		// Cart size.
		{name: "one riferimento", govpay: true, source: srcItems, sdk: true},
		{name: "five items", cart: refs(5), govpay: true, source: srcItems, sdk: true},
		{name: "six items", cart: refs(6), source: srcItems, field: "pendenze[5]"},
		{name: "empty cart", cart: func(*testing.T) *Cart { return NewCart() }, source: srcItems, field: "pendenze"},
		// Riferimento: idA2A, idPendenza.
		{name: "idA2A of 35", cart: ref(s35, "P-1"), govpay: true, source: srcRef, sdk: true},
		{name: "idA2A of 36", cart: ref(s36, "P-1"), source: srcRef, field: "pendenze[0].idA2A"},
		{name: "idPendenza of 35", cart: ref("A2A", s35), govpay: true, source: srcRef, sdk: true},
		{name: "idPendenza of 36", cart: ref("A2A", s36), source: srcRef, field: "pendenze[0].idPendenza"},
		{name: "idPendenza with a dot", cart: ref("A2A", "P.1"), source: srcRef, field: "pendenze[0].idPendenza"},
		{name: "idPendenza with a non-ASCII letter", cart: ref("A2A", "pratica-è"), source: srcRef, field: "pendenze[0].idPendenza"},
		{name: "idA2A not UTF-8", cart: ref("A2A\xff", "P-1"), source: srcRef, field: "pendenze[0].idA2A"},
		{name: "idPendenza with a newline", cart: ref("A2A", "P-1\n"), source: srcRef, field: "pendenze[0].idPendenza"},
		{name: "idA2A with NUL", cart: ref("A2A\x00", "P-1"), source: srcRef, field: "pendenze[0].idA2A"},
		// Avviso: idDominio, numeroAvviso.
		{name: "avviso", cart: avviso(testDominio, nav), govpay: true, source: srcAvviso, sdk: true},
		{name: "idDominio of 10 digits", cart: avviso("0123456789", nav), source: srcAvviso, field: "pendenze[0].idDominio"},
		{name: "idDominio of 12 digits", cart: avviso("012345678901", nav), source: srcAvviso, field: "pendenze[0].idDominio"},
		{name: "idDominio with an Arabic-Indic digit", cart: avviso("0123456789\u0660", nav), source: srcAvviso, field: "pendenze[0].idDominio"},
		{name: "idDominio with a control character", cart: avviso("0123456789\x01", nav), source: srcAvviso, field: "pendenze[0].idDominio"},
		{name: "numeroAvviso of 17 digits", cart: avviso(testDominio, func(t *testing.T) string { return nav(t)[:17] }),
			source: srcAvviso, field: "pendenze[0].numeroAvviso"},
		{name: "numeroAvviso with a control character", cart: avviso(testDominio, func(t *testing.T) string { return nav(t)[:17] + "\x00" }),
			source: srcAvviso, field: "pendenze[0].numeroAvviso"},
		{name: "numeroAvviso with a trailing newline", cart: avviso(testDominio, func(t *testing.T) string { return nav(t) + "\n" }),
			source: srcAvviso, field: "pendenze[0].numeroAvviso"},
		{name: "numeroAvviso with a leading tab", cart: avviso(testDominio, func(t *testing.T) string { return "\t" + nav(t) }),
			source: srcAvviso, field: "pendenze[0].numeroAvviso"},
		{name: "numeroAvviso with wrong check digits", cart: avviso(testDominio, navBadCheck), govpay: true, source: srcAvviso,
			field: "pendenze[0].numeroAvviso", disagreement: "D1"},
		// Spontaneo: idTipoPendenza, dati.
		{name: "spontaneo, idTipoPendenza of 35 with dots", cart: spontaneo(strings.Repeat("a.", 17)+"a", map[string]int{"n": 1}),
			govpay: true, source: srcSpont, sdk: true},
		{name: "spontaneo, idTipoPendenza of 36", cart: spontaneo(s36, map[string]int{"n": 1}), source: srcSpont, field: "pendenze[0].idTipoPendenza"},
		{name: "spontaneo, idTipoPendenza with a tab", cart: spontaneo("T\t1", map[string]int{"n": 1}), source: srcSpont, field: "pendenze[0].idTipoPendenza"},
		{name: "spontaneo with empty dati", cart: spontaneo("T1", map[string]int{}), govpay: true, source: srcSpont, sdk: true},
		{name: "spontaneo without dati", cart: spontaneo("T1", nil), source: srcSpont, field: "pendenze[0].dati"},
		// Full pendenza.
		{name: "full pendenza", cart: fullPendenza("A2A", "P-1", nil), govpay: true, source: srcFull, sdk: true},
		{name: "full pendenza without idTipoPendenza", cart: fullPendenza("A2A", "P-1", func(p *pendenze.Pendenza) { p.IDTipoPendenza = "" }),
			govpay: true, source: srcFull, sdk: true},
		{name: "full pendenza, idPendenza of 36", cart: fullPendenza("A2A", s36, nil), source: srcFull, field: "pendenze[0].idPendenza"},
		{name: "full pendenza, idA2A not UTF-8", cart: fullPendenza("A\xc3", "P-1", nil), source: srcFull, field: "pendenze[0].idA2A"},
		// Duplicates.
		{name: "the same riferimento twice", cart: func(*testing.T) *Cart { return NewCart().AddRiferimento("A", "1").AddRiferimento("A", "1") },
			govpay: true, source: "NuovoPagamento.java:276-287; PagamentiPortaleConverter.java:114-165 (no check)", field: "pendenze[1]", disagreement: "D2"},
		{name: "the same avviso twice", cart: func(t *testing.T) *Cart {
			return NewCart().AddAvviso(testDominio, nav(t)).AddAvviso(testDominio, nav(t))
		},
			govpay: true, source: "NuovoPagamento.java:276-287; PagamentiPortaleConverter.java:114-165 (no check)", field: "pendenze[1]", disagreement: "D2"},

		// urlRitorno.
		{name: "urlRitorno https with a query", opts: StartOptions{URLRitorno: "https://portale.comune.it/pagopa/ritorno?ordine=42&x=a_b"},
			govpay: true, source: srcURL, sdk: true},
		{name: "urlRitorno http with a host name and port", opts: StartOptions{URLRitorno: "http://localhost:8080/r"}, govpay: true, source: srcURL, sdk: true},
		{name: "urlRitorno scheme in upper case", opts: StartOptions{URLRitorno: "HTTPS://portale.comune.it/r"}, source: srcURL, field: "urlRitorno"},
		{name: "urlRitorno with a comma", opts: StartOptions{URLRitorno: "https://portale.comune.it/r?a=1,2"}, source: srcURL, field: "urlRitorno"},
		{name: "urlRitorno with an IPv6 literal", opts: StartOptions{URLRitorno: "https://[::1]/r"}, source: srcURL, field: "urlRitorno"},
		{name: "urlRitorno relative", opts: StartOptions{URLRitorno: "/ritorno"}, source: srcURL, field: "urlRitorno"},
		{name: "urlRitorno ftp", opts: StartOptions{URLRitorno: "ftp://portale.comune.it/r"}, source: srcURL, field: "urlRitorno"},
		{name: "urlRitorno with a space", opts: StartOptions{URLRitorno: "https://portale.comune.it/r x"}, source: srcURL, field: "urlRitorno"},
		{name: "urlRitorno with a newline", opts: StartOptions{URLRitorno: "https://portale.comune.it/r\n"}, source: srcURL, field: "urlRitorno"},
		{name: "urlRitorno with a non-ASCII letter", opts: StartOptions{URLRitorno: "https://portale.comune.it/città"}, source: srcURL, field: "urlRitorno"},
		{name: "urlRitorno with a fragment", opts: StartOptions{URLRitorno: "https://portale.comune.it/r#esito"}, govpay: true,
			source: srcURL + "; UrlUtils.java:81-89", field: "urlRitorno", disagreement: "D3"},
		{name: "urlRitorno with credentials", opts: StartOptions{URLRitorno: "https://u:p@portale.comune.it/r"}, govpay: true,
			source: srcURL, field: "urlRitorno", disagreement: "D4"},
		{name: "urlRitorno with port 99999", opts: StartOptions{URLRitorno: "https://portale.comune.it:99999/r"}, govpay: true,
			source: srcURL, field: "urlRitorno", disagreement: "D5"},
		// idSessionePortale.
		{name: "idSessionePortale of 255", opts: StartOptions{IDSessionePortale: strings.Repeat("s", 255)}, govpay: true, source: srcIDSP, sdk: true},
		{name: "idSessionePortale of 256", opts: StartOptions{IDSessionePortale: strings.Repeat("s", 256)}, source: srcIDSP, field: "idSessionePortale"},
		{name: "idSessionePortale with a non-ASCII letter", opts: StartOptions{IDSessionePortale: "sessione-è"}, govpay: true,
			source: srcIDSP, field: "idSessionePortale", disagreement: "D6"},
		{name: "idSessionePortale with a tab", opts: StartOptions{IDSessionePortale: "s\t1"}, govpay: true,
			source: srcIDSP, field: "idSessionePortale", disagreement: "D6"},
		// lingua.
		{name: "lingua de", opts: StartOptions{Lingua: LinguaTedesco}, govpay: true, source: srcLingua, sdk: true},
		{name: "lingua es (read as none)", opts: StartOptions{Lingua: "es"}, govpay: true, source: srcLingua, sdk: true},
		// autenticazioneSoggetto.
		{name: "autenticazioneSoggetto N/A", opts: StartOptions{AutenticazioneSoggetto: AutenticazioneNonApplicabile}, govpay: true, source: srcAut, sdk: true},
		{name: "autenticazioneSoggetto SPID (read as null, then notNull)", opts: StartOptions{AutenticazioneSoggetto: "SPID"},
			source: srcAut, field: "autenticazioneSoggetto"},
		// credenzialiPagatore.
		{name: "credenzialiPagatore of 35", opts: StartOptions{CredenzialiPagatore: s35}, govpay: true, source: srcCred, sdk: true},
		{name: "credenzialiPagatore of 36", opts: StartOptions{CredenzialiPagatore: s36}, source: srcCred, field: "credenzialiPagatore"},
		{name: "credenzialiPagatore of 35 letters è (70 bytes)", opts: StartOptions{CredenzialiPagatore: strings.Repeat("è", 35)},
			govpay: true, source: srcCred, sdk: true},
		{name: "credenzialiPagatore of 35 runes, one outside the BMP (36 UTF-16 units)",
			opts: StartOptions{CredenzialiPagatore: strings.Repeat("a", 34) + "😀"}, source: srcCred, field: "credenzialiPagatore"},
		// codiceConvenzione.
		{name: "codiceConvenzione of 4", opts: StartOptions{CodiceConvenzione: "CONV"}, source: srcConv, field: "codiceConvenzione"},
		{name: "codiceConvenzione of 5", opts: StartOptions{CodiceConvenzione: "CONV1"}, govpay: true, source: srcConv, sdk: true},
		{name: "codiceConvenzione of 35", opts: StartOptions{CodiceConvenzione: s35}, govpay: true, source: srcConv, sdk: true},
		{name: "codiceConvenzione of 36", opts: StartOptions{CodiceConvenzione: s36}, source: srcConv, field: "codiceConvenzione"},
		// PSP.
		{name: "PSP ids of 35", opts: psp(s35, s35, s35), govpay: true, source: srcPSP, sdk: true},
		{name: "identificativoCanale of 36", opts: psp("PSP", "INT", s36), source: srcPSP, field: "identificativoCanale"},
		{name: "identificativoPSP alone", opts: psp("PSP", "", ""), source: srcPSP, field: "identificativoIntermediarioPSP"},
		// tipoVersamento.
		{name: "tipoVersamento XX without PSP (ignored)", opts: StartOptions{TipoVersamento: "XX"}, govpay: true, source: srcTipoV, sdk: true},
		{name: "tipoVersamento XX with PSP", opts: func() StartOptions { o := psp("P", "I", "C"); o.TipoVersamento = "XX"; return o }(),
			source: srcTipoV, field: "tipoVersamento"},
		{name: "tipoVersamento MYBK with PSP", opts: func() StartOptions { o := psp("P", "I", "C"); o.TipoVersamento = VersamentoMyBank; return o }(),
			source: srcTipoV, field: "tipoVersamento"},
		{name: "tipoVersamento CP with PSP", opts: func() StartOptions { o := psp("P", "I", "C"); o.TipoVersamento = VersamentoCarta; return o }(),
			govpay: true, source: srcTipoV, sdk: true},
		// soggettoVersante.
		{name: "versante", opts: versante(func(*govpay.Soggetto) {}), govpay: true, source: srcVersante, sdk: true},
		{name: "versante without tipo", opts: versante(func(s *govpay.Soggetto) { s.Tipo = "" }), govpay: true,
			source: srcVersante + "; TipoSoggetto.java:59-67", sdk: true},
		{name: "versante without anagrafica", opts: versante(func(s *govpay.Soggetto) { s.Anagrafica = "" }), source: srcVersante,
			field: "soggettoVersante.anagrafica"},
		{name: "versante with an identificativo of 1", opts: versante(func(s *govpay.Soggetto) { s.Identificativo = "X" }), source: srcVersante,
			field: "soggettoVersante.identificativo"},
		// contoAddebito.
		{name: "contoAddebito", opts: StartOptions{ContoAddebito: &Conto{IBAN: "IT60X0542811101000000123456", BIC: "BPPIITRRXXX"}},
			govpay: true, source: srcConto, sdk: true},
		{name: "contoAddebito iban too short", opts: StartOptions{ContoAddebito: &Conto{IBAN: "IT60"}}, source: srcConto, field: "contoAddebito.iban"},
		{name: "contoAddebito bic in lower case", opts: StartOptions{ContoAddebito: &Conto{IBAN: "IT60X0542811101000000123456", BIC: "bppiitrr"}},
			source: srcConto, field: "contoAddebito.bic"},
		// dataEsecuzionePagamento.
		{name: "dataEsecuzionePagamento today", opts: daysFromToday(0), govpay: true, source: srcData, sdk: true},
		{name: "dataEsecuzionePagamento in 30 days", opts: daysFromToday(30), govpay: true, source: srcData, sdk: true},
		{name: "dataEsecuzionePagamento in 32 days", opts: daysFromToday(32), source: srcData, field: "dataEsecuzionePagamento"},
		{name: "dataEsecuzionePagamento 5 days ago", opts: daysFromToday(-5), source: srcData, field: "dataEsecuzionePagamento"},
		{name: "dataEsecuzionePagamento yesterday", opts: daysFromToday(-1), source: srcData, sdk: true, disagreement: "D7"},
		{name: "dataEsecuzionePagamento in 31 days", opts: daysFromToday(31), source: srcData, sdk: true, disagreement: "D7"},
	}
}

// startViolations returns what Start would refuse before the wire: the
// cart's and the options' violations, merged as Start merges them.
func startViolations(cart *Cart, opts StartOptions) error {
	v := verr.Builder{What: "pagamento"}
	v.Merge("", cart.Validate())
	opts.check(&v)
	return v.Err()
}

// TestGovPayBehaviourCart compares, for carts and options written for the
// purpose, GovPay 3.9.1's verdict on POST /pagamenti (read in its code,
// each row naming the class and line) with the SDK's: where they differ,
// the row must name a disagreement documented in CONFORMANCE.md's section.
func TestGovPayBehaviourCart(t *testing.T) {
	doc, err := os.ReadFile("../CONFORMANCE.md")
	require.NoError(t, err)
	i := strings.Index(string(doc), conformanceSection)
	require.GreaterOrEqual(t, i, 0, "CONFORMANCE.md lacks the section %q", conformanceSection)
	section := string(doc[i+len(conformanceSection):])
	if j := strings.Index(section, "\n## "); j >= 0 {
		section = section[:j]
	}

	cases := govpayCases()
	require.GreaterOrEqual(t, len(cases), 30)
	names := map[string]bool{}
	disagreements := 0
	for _, tc := range cases {
		require.False(t, names[tc.name], "duplicate row %q", tc.name)
		names[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			require.NotEmpty(t, tc.source, "every row names GovPay's source")
			cart := NewCart().AddRiferimento("A2A", "P-1")
			if tc.cart != nil {
				cart = tc.cart(t)
			}
			err := startViolations(cart, tc.opts)
			sdk := err == nil
			if sdk {
				assert.True(t, tc.sdk, "the SDK accepts a start the row says it refuses (%s)", tc.field)
			} else {
				require.False(t, tc.sdk, "the SDK refuses: %v", err)
				assert.Contains(t, fields(violations(t, err)), tc.field, "the refusal names the field")
				if tc.opts.CredenzialiPagatore != "" {
					assert.NotContains(t, err.Error(), tc.opts.CredenzialiPagatore)
				}
			}
			if tc.govpay == tc.sdk {
				assert.Empty(t, tc.disagreement, "the SDK agrees with GovPay: no disagreement to name")
				return
			}
			disagreements++
			require.NotEmpty(t, tc.disagreement, "undocumented disagreement with GovPay (GovPay accepts: %v, SDK accepts: %v)", tc.govpay, tc.sdk)
			assert.Contains(t, section, "| "+tc.disagreement+" |", "disagreement %s is not documented in CONFORMANCE.md", tc.disagreement)
		})
	}
	t.Logf("%d rows, %d documented disagreements", len(cases), disagreements)
}
