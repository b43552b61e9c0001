package govpaytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/internal/testutil"
)

// loadTemplate reads one of GovPay's integration-test message templates
// (Karate JSON: single-quoted strings allowed) as generic JSON.
func loadTemplate(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var v any
	require.NoError(t, json.Unmarshal(karateToJSON(b), &v), "template %s", path)
	return v
}

// karateToJSON rewrites the single-quoted strings of a Karate template as
// JSON strings, leaving double-quoted ones (which may contain quotes) alone.
func karateToJSON(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			out = append(out, b[i:min(j+1, len(b))]...)
			i = j
		case '\'':
			j := i + 1
			for j < len(b) && b[j] != '\'' {
				j++
			}
			q, _ := json.Marshal(string(b[i+1 : min(j, len(b))]))
			out = append(out, q...)
			i = j
		default:
			out = append(out, c)
		}
	}
	return out
}

// matchTemplate compares a JSON value with a Karate template: every key the
// template requires must be present, with the shape and the literal values
// the template states (#null, #notnull, #string, #[], #regex, literals);
// keys the fake adds are returned as extras. Embedded expressions "#(…)"
// and "#? …" only require presence.
func matchTemplate(path string, tmpl, got any, errs, extras *[]string) {
	switch tv := tmpl.(type) {
	case map[string]any:
		gm, ok := got.(map[string]any)
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s: want an object, got %T", path, got))
			return
		}
		for k, sub := range tv {
			gv, present := gm[k]
			if s, isStr := sub.(string); isStr && (strings.HasPrefix(s, "##") || s == "#ignore") {
				if present && strings.HasPrefix(s, "##") && gv != nil {
					matchTemplate(path+"."+k, "#"+s[2:], gv, errs, extras)
				}
				continue
			}
			if !present {
				if s, isStr := sub.(string); isStr && s == "#null" {
					continue
				}
				*errs = append(*errs, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			matchTemplate(path+"."+k, sub, gv, errs, extras)
		}
		for k := range gm {
			if _, ok := tv[k]; !ok {
				*extras = append(*extras, path+"."+k)
			}
		}
	case []any:
		ga, ok := got.([]any)
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s: want an array, got %T", path, got))
			return
		}
		if len(tv) > 0 && len(ga) > 0 {
			matchTemplate(path+"[0]", tv[0], ga[0], errs, extras)
		}
	case string:
		switch {
		case tv == "#null":
			if got != nil {
				*errs = append(*errs, fmt.Sprintf("%s: want null, got %v", path, got))
			}
		case tv == "#notnull":
			if got == nil {
				*errs = append(*errs, path+": want not null")
			}
		case tv == "#string":
			if _, ok := got.(string); !ok {
				*errs = append(*errs, fmt.Sprintf("%s: want a string, got %T", path, got))
			}
		case tv == "#number":
			if _, ok := got.(float64); !ok {
				*errs = append(*errs, fmt.Sprintf("%s: want a number, got %T", path, got))
			}
		case tv == "#object":
			if _, ok := got.(map[string]any); !ok {
				*errs = append(*errs, fmt.Sprintf("%s: want an object, got %T", path, got))
			}
		case tv == "#[]":
			if _, ok := got.([]any); !ok {
				*errs = append(*errs, fmt.Sprintf("%s: want an array, got %T", path, got))
			}
		case strings.HasPrefix(tv, "#regex"):
			re := regexp.MustCompile(`^(?:` + strings.TrimSpace(strings.TrimPrefix(tv, "#regex")) + `)$`)
			if s, ok := got.(string); !ok || !re.MatchString(s) {
				*errs = append(*errs, fmt.Sprintf("%s: %v does not match %s", path, got, tv))
			}
		case strings.HasPrefix(tv, "#"):
			// embedded expression: presence is enough
		default:
			if got != tv {
				*errs = append(*errs, fmt.Sprintf("%s: want %q, got %v", path, tv, got))
			}
		}
	case nil:
		if got != nil {
			*errs = append(*errs, fmt.Sprintf("%s: want null, got %v", path, got))
		}
	default:
		if fmt.Sprint(tv) != fmt.Sprint(got) {
			*errs = append(*errs, fmt.Sprintf("%s: want %v, got %v", path, tv, got))
		}
	}
}

// TestShapesMatchUpstreamMessages compares what the fake answers and
// notifies with the message templates of GovPay's own integration tests.
// Missing keys, wrong shapes and wrong literal values fail; keys the fake
// adds (documented in the public specs, absent from a template) are logged.
func TestShapesMatchUpstreamMessages(t *testing.T) {
	it := testutil.Upstream(t, "govpay", "integration-test", "test")

	run := func(mode Mode, version int) (*Server, *ente, Pagamento) {
		en := newEnte(t, 0)
		s := NewServer(WithMode(mode), WithNotifications(NotificationConfig{URL: en.URL, Version: version, MinBackoff: time.Millisecond}))
		t.Cleanup(s.Close)
		putPendenza(t, s, "A2A-1", "P1", pendenzaBody(testDominio, nil, map[string]any{
			"importo": json.Number("100.99"), "dataScadenza": "2999-12-31", "tassonomia": "Servizi erogati dal comune",
			"tassonomiaAvviso": "Servizi erogati dal comune",
			"voci":             []any{map[string]any{"idVocePendenza": "1", "importo": 100.99, "descrizione": "Diritti e segreteria", "codEntrata": "SEGRETERIA"}},
		}))
		r := do(t, "POST", s.PagamentoURL()+"/pagamenti", map[string]any{
			"pendenze":         []any{map[string]string{"idA2A": "A2A-1", "idPendenza": "P1"}},
			"urlRitorno":       "https://p.example/",
			"soggettoVersante": map[string]any{"tipo": "F", "identificativo": "RSSMRA80A01H501U", "anagrafica": "Mario Rossi"},
		})
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		_, err := s.Pay(r.json(t)["redirect"].(string), ChoicePaga)
		require.NoError(t, err)
		n := 1
		if version == 1 {
			n = 2
		}
		waitFor(t, s, n)
		ps := s.Pagamenti()
		if mode != ModeLegacy {
			require.Empty(t, ps, "the checkout bridge records no payment")
			return s, en, Pagamento{}
		}
		require.Len(t, ps, 1)
		return s, en, ps[0]
	}
	check := func(t *testing.T, name, template string, got any) {
		t.Helper()
		var errs, extras []string
		matchTemplate("$", loadTemplate(t, filepath.Join(it, template)), got, &errs, &extras)
		sort.Strings(extras)
		if len(extras) > 0 {
			t.Logf("%s: keys the fake sends that %s does not list: %v", name, template, extras)
		}
		if len(errs) > 0 {
			t.Errorf("%s does not match %s:\n%s", name, template, strings.Join(errs, "\n"))
		}
	}
	asJSON := func(b []byte) any {
		var v any
		require.NoError(t, json.Unmarshal(b, &v))
		return v
	}

	t.Run("legacy", func(t *testing.T) {
		s, en, pg := run(ModeLegacy, 1)
		hits := en.hits()
		check(t, "v1 activation", "workflow/modello3/v1/msg/notifica-attivazione.json", hits[0].body)
		check(t, "v1 outcome", "workflow/modello3/v1/msg/notifica-terminazione-eseguito.json", hits[1].body)
		r := do(t, "GET", s.PagamentoURL()+"/pagamenti/"+pg.ID, nil)
		check(t, "GET /pagamenti/{id}", "api/pagamento/v2/pagamenti/get/msg/pagamento-get-singolo_eseguito_ente.json", asJSON(r.body))
		ric := s.Ricevute()[0]
		r = do(t, "GET", s.RagioneriaURL()+"/ricevute/"+ric.IDDominio+"/"+ric.IUV+"/"+ric.IDRicevuta, nil, "Accept", "application/json")
		check(t, "GET /ricevute/{…}", "api/ragioneria/v3/ricevute/get/msg/transazione-get-singolo_eseguito_ente.json", asJSON(r.body))
		r = do(t, "GET", s.PendenzeURL()+"/pendenze/A2A-1/P1", nil)
		check(t, "GET /pendenze/{…} (API Pendenze)", "api/pendenza/v2/pendenze/get/msg/pendenza-get-dettaglio.json", asJSON(r.body))
		r = do(t, "GET", s.PagamentoURL()+"/pendenze/A2A-1/P1", nil)
		check(t, "GET /pendenze/{…} (API Pagamento)", "api/pagamento/v2/pendenze/get/msg/pendenza-get-dettaglio.json", asJSON(r.body))
	})
	t.Run("legacy v2 receipt", func(t *testing.T) {
		_, en, _ := run(ModeLegacy, 2)
		check(t, "v2 ricevuta", "api/ente/v2/ricevute/put/msg/transazione-get-singolo_eseguito_ente.json", en.hits()[0].body)
	})
	t.Run("checkout", func(t *testing.T) {
		_, en, _ := run(ModeBridge, 1)
		hits := en.hits()
		check(t, "v1 activation (Checkout)", "workflow/modello3/v2/msg/notifica-attivazione.json", hits[0].body)
		check(t, "v1 outcome (Checkout)", "workflow/modello3/v2/msg/notifica-terminazione-eseguito.json", hits[1].body)
	})
}
