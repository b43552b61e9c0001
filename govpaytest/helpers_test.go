package govpaytest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/govpaygo/govpay"
	"github.com/stretchr/testify/require"
)

// resp is an answer read whole.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

// noRedirect is a client that returns 3xx answers instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// do sends a request; hdr holds header name/value pairs. A JSON
// Content-Type is set when there is a body and none is given.
func do(t *testing.T, method, url string, body any, hdr ...string) resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if http.CanonicalHeaderKey(hdr[i]) == "Content-Type" {
			req.Header.Set(hdr[i], hdr[i+1])
			continue
		}
		req.Header.Add(hdr[i], hdr[i+1]) // Accept may be repeated
	}
	r, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	return resp{r.StatusCode, r.Header, b}
}

// pendenzaBody returns a valid NuovaPendenza of API Pendenze with one voce
// per importo (euro cents); overrides replace top-level fields (nil deletes).
func pendenzaBody(idDominio string, importi []int64, overrides map[string]any) map[string]any {
	var voci []map[string]any
	var tot int64
	for i, c := range importi {
		voci = append(voci, map[string]any{
			"idVocePendenza": string(rune('A' + i)), "importo": json.Number(centsString(c)),
			"descrizione": "Voce di prova", "codEntrata": "SEGRETERIA",
		})
		tot += c
	}
	m := map[string]any{
		"idTipoPendenza": "LIBERO", "idDominio": idDominio, "causale": "Pendenza di prova",
		"soggettoPagatore": map[string]any{"tipo": "F", "identificativo": "RSSMRA80A01H501U", "anagrafica": "Mario Rossi"},
		"importo":          json.Number(centsString(tot)), "voci": voci,
	}
	for k, v := range overrides {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

func centsString(c int64) string { return govpay.Centesimi(c).String() }

// putPendenza loads a pendenza through the API and requires 201.
func putPendenza(t *testing.T, s *Server, idA2A, idPendenza string, body any) map[string]any {
	t.Helper()
	r := do(t, "PUT", s.PendenzeURL()+"/pendenze/"+idA2A+"/"+idPendenza, body)
	require.Equal(t, http.StatusCreated, r.status, "body: %s", r.body)
	return r.json(t)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
