package pendenze

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
)

// The Put body is encoded by hand: reflection made encoding/json the
// largest cost of a Put after the network. The encoder writes exactly what
// json.Marshal writes for the same value (same field order, omitempty and
// omitzero rules, string escaping with HTML characters escaped); tests and
// a fuzz target compare the two byte for byte, and a test checks that the
// encoder knows every field of every type it writes. Anything unusual (an
// amount or date json.Marshal would refuse, a voce without kind, opaque
// JSON fields) falls back to json.Marshal, which then reports the error.

// encoder appends JSON to b.
type encoder struct {
	b     []byte
	comma bool // a value was just written: the next key or element needs ','
	ok    bool // false once the fast path cannot encode the value exactly
}

func (e *encoder) sep() {
	if e.comma {
		e.b = append(e.b, ',')
	}
	e.comma = false
}

func (e *encoder) open(c byte) {
	e.sep()
	e.b = append(e.b, c)
}

func (e *encoder) close(c byte) {
	e.b = append(e.b, c)
	e.comma = true
}

func (e *encoder) key(k string) {
	e.sep()
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':')
}

func (e *encoder) str(s string) {
	e.sep()
	e.b = appendJSONString(e.b, s)
	e.comma = true
}

// strField writes "k":"s", or nothing when omitempty and s is empty.
func (e *encoder) strField(k, s string, omitempty bool) {
	if omitempty && s == "" {
		return
	}
	e.key(k)
	e.str(s)
}

func (e *encoder) intField(k string, n int, omitempty bool) {
	if omitempty && n == 0 {
		return
	}
	e.key(k)
	e.b = strconv.AppendInt(e.b, int64(n), 10)
	e.comma = true
}

func (e *encoder) importo(k string, i govpay.Importo) {
	e.key(k)
	if i < 0 || i > govpay.MaxImporto {
		e.ok = false
		return
	}
	c := int64(i)
	e.b = strconv.AppendInt(e.b, c/100, 10)
	e.b = append(e.b, '.', byte('0'+c%100/10), byte('0'+c%10))
	e.comma = true
}

// date writes an omitzero date.
func (e *encoder) date(k string, d govpay.Date) {
	if d.IsZero() {
		return
	}
	if d.Year() < 0 || d.Year() > 9999 {
		e.ok = false
		return
	}
	e.key(k)
	e.b = append(e.b, '"')
	e.b = appendPadded(e.b, d.Year(), 4)
	e.b = append(e.b, '-')
	e.b = appendPadded(e.b, int(d.Month()), 2)
	e.b = append(e.b, '-')
	e.b = appendPadded(e.b, d.Day(), 2)
	e.b = append(e.b, '"')
	e.comma = true
}

func appendPadded(b []byte, n, width int) []byte {
	var buf [4]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, buf[:width]...)
}

// rawField writes an omitempty json.RawMessage as json.Marshal does
// (compacted, HTML-escaped): rare enough to go through encoding/json.
func (e *encoder) rawField(k string, raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	out, err := json.Marshal(raw)
	if err != nil {
		e.ok = false
		return
	}
	e.key(k)
	e.b = append(e.b, out...)
	e.comma = true
}

// encodeBody appends the Put body of p; ok is false when the value needs
// json.Marshal (to encode it or to report why it cannot be encoded).
func encodeBody(b []byte, p *Pendenza) ([]byte, bool) {
	e := encoder{b: b, ok: true}
	e.open('{')
	e.strField("idTipoPendenza", p.IDTipoPendenza, true)
	e.strField("idDominio", p.IDDominio, false)
	e.strField("idUnitaOperativa", p.IDUnitaOperativa, true)
	e.strField("causale", p.Causale, false)
	if p.SoggettoPagatore != (Soggetto{}) { // omitzero: no payer
		e.key("soggettoPagatore")
		e.soggetto(&p.SoggettoPagatore)
	}
	e.importo("importo", p.Importo)
	e.strField("numeroAvviso", p.NumeroAvviso, true)
	e.strField("tassonomia", p.Tassonomia, true)
	e.strField("tassonomiaAvviso", string(p.TassonomiaAvviso), true)
	e.strField("direzione", p.Direzione, true)
	e.strField("divisione", p.Divisione, true)
	e.date("dataValidita", p.DataValidita)
	e.date("dataScadenza", p.DataScadenza)
	e.intField("annoRiferimento", p.AnnoRiferimento, true)
	e.strField("cartellaPagamento", p.CartellaPagamento, true)
	e.rawField("datiAllegati", p.DatiAllegati)
	if d := p.Documento; d != nil {
		e.key("documento")
		e.open('{')
		e.strField("identificativo", d.Identificativo, false)
		e.strField("descrizione", d.Descrizione, false)
		e.intField("rata", d.Rata, true)
		if s := d.Soglia; s != nil {
			e.key("soglia")
			e.open('{')
			e.strField("tipo", string(s.Tipo), false)
			e.intField("giorni", s.Giorni, true)
			e.close('}')
		}
		e.close('}')
	}
	e.date("dataNotificaAvviso", p.DataNotificaAvviso)
	e.date("dataPromemoriaScadenza", p.DataPromemoriaScadenza)
	if pr := p.Proprieta; pr != nil {
		e.key("proprieta")
		e.proprieta(pr)
	}
	if len(p.Allegati) > 0 {
		e.key("allegati")
		e.open('[')
		for i := range p.Allegati {
			a := &p.Allegati[i]
			e.open('{')
			e.strField("nome", a.Nome, false)
			e.strField("tipo", a.Tipo, true)
			e.strField("descrizione", a.Descrizione, true)
			e.key("contenuto")
			e.sep()
			if a.Contenuto == nil {
				e.b = append(e.b, "null"...)
			} else {
				e.b = append(e.b, '"')
				e.b = base64.StdEncoding.AppendEncode(e.b, a.Contenuto)
				e.b = append(e.b, '"')
			}
			e.comma = true
			e.close('}')
		}
		e.close(']')
	}
	e.key("voci")
	if p.Voci == nil {
		e.sep()
		e.b = append(e.b, "null"...)
		e.comma = true
	} else {
		e.open('[')
		for i := range p.Voci {
			e.voce(&p.Voci[i])
		}
		e.close(']')
	}
	e.close('}')
	return e.b, e.ok
}

func (e *encoder) soggetto(s *Soggetto) {
	e.open('{')
	e.strField("tipo", string(s.Tipo), true)
	e.strField("identificativo", s.Identificativo, false)
	e.strField("anagrafica", s.Anagrafica, true)
	e.strField("indirizzo", s.Indirizzo, true)
	e.strField("civico", s.Civico, true)
	e.strField("cap", s.CAP, true)
	e.strField("localita", s.Localita, true)
	e.strField("provincia", s.Provincia, true)
	e.strField("nazione", s.Nazione, true)
	e.strField("email", s.Email, true)
	e.strField("cellulare", s.Cellulare, true)
	e.close('}')
}

func (e *encoder) proprieta(pr *Proprieta) {
	e.open('{')
	e.strField("linguaSecondaria", string(pr.LinguaSecondaria), true)
	if len(pr.DescrizioneImporto) > 0 {
		e.key("descrizioneImporto")
		e.open('[')
		for _, d := range pr.DescrizioneImporto {
			e.open('{')
			e.strField("voce", d.Voce, false)
			e.importo("importo", d.Importo)
			e.close('}')
		}
		e.close(']')
	}
	e.strField("lineaTestoRicevuta1", pr.LineaTestoRicevuta1, true)
	e.strField("lineaTestoRicevuta2", pr.LineaTestoRicevuta2, true)
	e.strField("linguaSecondariaCausale", pr.LinguaSecondariaCausale, true)
	if pr.InformativaImportoAvviso != nil {
		e.strField("informativaImportoAvviso", *pr.InformativaImportoAvviso, false)
	}
	if pr.LinguaSecondariaInformativaImportoAvviso != nil {
		e.strField("linguaSecondariaInformativaImportoAvviso", *pr.LinguaSecondariaInformativaImportoAvviso, false)
	}
	e.date("dataScandenzaAvviso", pr.DataScadenzaAvviso)
	e.close('}')
}

// voce writes the flat wire form of v (the fields of voceWire, in order).
func (e *encoder) voce(v *Voce) {
	e.open('{')
	e.strField("idVocePendenza", v.IDVocePendenza, false)
	e.importo("importo", v.Importo)
	e.strField("descrizione", v.Descrizione, false)
	e.strField("descrizioneCausaleRPT", v.DescrizioneCausaleRPT, true)
	switch k := kindOf(v.Kind).(type) {
	case Entrata:
		e.strField("ibanAccredito", k.IBANAccredito, true)
		e.strField("ibanAppoggio", k.IBANAppoggio, true)
		e.strField("tipoContabilita", string(k.TipoContabilita), true)
		e.strField("codiceContabilita", k.CodiceContabilita, true)
	case EntrataRiferita:
		e.strField("codEntrata", k.CodEntrata, true)
	case Bollo:
		tipo := k.TipoBollo
		if tipo == "" {
			tipo = BolloImpostaDiBollo
		}
		e.strField("tipoBollo", string(tipo), true)
		e.strField("hashDocumento", k.HashDocumento, true)
		e.strField("provinciaResidenza", k.ProvinciaResidenza, true)
	default:
		e.ok = false
	}
	if c := v.Contabilita; c != nil {
		e.key("contabilita")
		e.open('{')
		if len(c.Quote) > 0 {
			e.key("quote")
			e.open('[')
			for i := range c.Quote {
				q := &c.Quote[i]
				e.open('{')
				e.strField("capitolo", q.Capitolo, false)
				e.intField("annoEsercizio", q.AnnoEsercizio, false)
				e.importo("importo", q.Importo)
				e.strField("accertamento", q.Accertamento, true)
				e.strField("titolo", q.Titolo, true)
				e.strField("tipologia", q.Tipologia, true)
				e.strField("categoria", q.Categoria, true)
				e.strField("articolo", q.Articolo, true)
				e.rawField("proprietaCustom", q.ProprietaCustom)
				e.close('}')
			}
			e.close(']')
		}
		e.rawField("proprietaCustom", c.ProprietaCustom)
		e.close('}')
	}
	if m := v.Metadata; m != nil {
		e.key("metadata")
		e.open('{')
		e.key("mapEntries")
		if m.MapEntries == nil {
			e.sep()
			e.b = append(e.b, "null"...)
			e.comma = true
		} else {
			e.open('[')
			for _, me := range m.MapEntries {
				e.open('{')
				e.strField("key", me.Key, false)
				e.strField("value", me.Value, false)
				e.close('}')
			}
			e.close(']')
		}
		e.close('}')
	}
	e.rawField("datiAllegati", v.DatiAllegati)
	e.strField("idDominio", v.IDDominio, true)
	e.close('}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as encoding/json does with HTML escaping:
// quotes, backslashes, control characters, <, > and &, U+2028 and U+2029
// escaped, invalid UTF-8 replaced by \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
