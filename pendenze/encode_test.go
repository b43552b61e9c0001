package pendenze

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
)

// fill sets every field reachable from v to a non-zero value, so that a
// field the hand-written encoder does not know shows up as a difference.
func fill(t *testing.T, v reflect.Value, s string) {
	t.Helper()
	switch v.Type() {
	case reflect.TypeFor[govpay.Date]():
		v.Set(reflect.ValueOf(govpay.NewDate(2026, 1, 2)))
		return
	case reflect.TypeFor[govpay.DateTime]():
		v.Set(reflect.ValueOf(govpay.Now()))
		return
	case reflect.TypeFor[json.RawMessage]():
		v.Set(reflect.ValueOf(json.RawMessage(`{"a": [1, "<x>"]}`)))
		return
	case reflect.TypeFor[[]byte]():
		v.SetBytes([]byte(s))
		return
	case reflect.TypeFor[VoceKind]():
		return // set by the caller
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		v.SetInt(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), s)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), s)
			}
		}
	default:
		t.Fatalf("fill: unhandled %s", v.Type())
	}
}

func assertSameBody(t *testing.T, p *Pendenza) {
	t.Helper()
	want, werr := json.Marshal(p)
	slow, serr := p.bodyReflect()
	fast, ok := encodeBody(nil, p)
	if werr != nil {
		require.Error(t, serr)
		require.False(t, ok, "the fast path must give up where json.Marshal fails")
		_, err := p.body()
		require.Error(t, err)
		return
	}
	require.NoError(t, serr)
	require.Equal(t, string(want), string(slow))
	require.True(t, ok, "fast path gave up on %s", want)
	require.Equal(t, string(want), string(fast))
}

func TestEncoderKnowsEveryField(t *testing.T) {
	for _, kind := range []VoceKind{Entrata{}, &EntrataRiferita{}, Bollo{}, Bollo{TipoBollo: "02"}} {
		for _, s := range []string{"x", `a"b\c<d>&e` + "\n\t\r\b\f\x01\u2028\u2029é\xff€"} {
			var p Pendenza
			fill(t, reflect.ValueOf(&p).Elem(), s)
			for i := range p.Voci {
				k := reflect.New(reflect.TypeOf(kind)).Elem()
				k.Set(reflect.ValueOf(kind))
				if k.Kind() == reflect.Pointer {
					k.Set(reflect.New(k.Type().Elem()))
					fill(t, k.Elem(), s)
					if b, ok := k.Interface().(*Bollo); ok && s == "x" {
						b.TipoBollo = ""
					}
				} else {
					ptr := reflect.New(k.Type())
					ptr.Elem().Set(k)
					fill(t, ptr.Elem(), s)
					k = ptr.Elem()
				}
				p.Voci[i].Kind = k.Interface().(VoceKind)
			}
			assertSameBody(t, &p)
		}
	}
}

func TestEncoderEdgeCases(t *testing.T) {
	empty := ""
	cases := map[string]func(*Pendenza){
		"valid":              func(*Pendenza) {},
		"zero value":         func(p *Pendenza) { *p = Pendenza{} },
		"empty voci":         func(p *Pendenza) { p.Voci = []Voce{} },
		"nil kind":           func(p *Pendenza) { p.Voci[0].Kind = nil },
		"nil kind pointer":   func(p *Pendenza) { p.Voci[0].Kind = (*Entrata)(nil) },
		"importo negative":   func(p *Pendenza) { p.Importo = -1 },
		"importo max":        func(p *Pendenza) { p.Importo = govpay.MaxImporto },
		"importo too large":  func(p *Pendenza) { p.Voci[1].Importo = govpay.MaxImporto + 1 },
		"importo zero":       func(p *Pendenza) { p.Importo = 0 },
		"year 5":             func(p *Pendenza) { p.DataScadenza = govpay.NewDate(5, 3, 4) },
		"year 10000":         func(p *Pendenza) { p.DataScadenza = govpay.NewDate(10000, 1, 1) },
		"year -1":            func(p *Pendenza) { p.DataValidita = govpay.NewDate(-1, 1, 1) },
		"raw null":           func(p *Pendenza) { p.DatiAllegati = json.RawMessage("null") },
		"raw invalid":        func(p *Pendenza) { p.DatiAllegati = json.RawMessage("{") },
		"raw spaced":         func(p *Pendenza) { p.Voci[0].DatiAllegati = json.RawMessage(" { \"a\" : \"<&>\" } ") },
		"nil contenuto":      func(p *Pendenza) { p.Allegati = []Allegato{{Nome: "a"}} },
		"empty contenuto":    func(p *Pendenza) { p.Allegati = []Allegato{{Nome: "a", Contenuto: []byte{}}} },
		"metadata nil":       func(p *Pendenza) { p.Voci[0].Metadata = &Metadata{} },
		"contabilita empty":  func(p *Pendenza) { p.Voci[0].Contabilita = &Contabilita{} },
		"informativa empty":  func(p *Pendenza) { p.Proprieta = &Proprieta{InformativaImportoAvviso: &empty} },
		"proprieta empty":    func(p *Pendenza) { p.Proprieta = &Proprieta{} },
		"documento soglia 0": func(p *Pendenza) { p.Documento = &Documento{Soglia: &Soglia{}} },
		"long unicode":       func(p *Pendenza) { p.Causale = strings.Repeat("àèìòù€😀", 30) },
		"negative anno":      func(p *Pendenza) { p.AnnoRiferimento = -2026 },
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			p := validPendenza()
			mut(&p)
			assertSameBody(t, &p)
		})
	}
}

// FuzzBodyEncoding: the hand-written encoder writes what json.Marshal
// writes, whatever the strings and numbers.
func FuzzBodyEncoding(f *testing.F) {
	f.Add("Pagamento <TARI> & \"rifiuti\"", "Rossi\u2028Mario", "d\x00\xff", int64(12599), 2026, int64(1))
	f.Add("", "", "", int64(0), 0, int64(-1))
	f.Fuzz(func(t *testing.T, causale, anagrafica, descrizione string, importo int64, anno int, quota int64) {
		p := validPendenza()
		p.Causale = causale
		p.SoggettoPagatore.Anagrafica = anagrafica
		p.Voci[0].Descrizione = descrizione
		p.Voci[0].Metadata = &Metadata{MapEntries: []MapEntry{{Key: descrizione, Value: causale}}}
		p.Voci[0].Contabilita = &Contabilita{Quote: []QuotaContabilita{{Capitolo: anagrafica, AnnoEsercizio: anno, Importo: govpay.Centesimi(quota)}}}
		p.Importo = govpay.Centesimi(importo)
		p.AnnoRiferimento = anno
		p.DataScadenza = govpay.NewDate(anno, 1, 1)
		assertSameBody(t, &p)
	})
}
