package notifica

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
)

// The kinds of notification, the first segment of an idempotency key.
const (
	KindAttivazione = "attivazione" // API Ente v1, rt null
	KindPagamento   = "pagamento"   // API Ente v1 with the receipt
	KindRicevuta    = "ricevuta"    // API Ente v2
)

// Key returns the idempotency key of a v1 notification:
//
//	attivazione/{idDominio}/{iuv}/{id}
//	pagamento/{idDominio}/{iuv}/{id}
//
// where id is, for a receipt, its receiptId or ccp; for an activation, the
// ccp of an old-style RPT, else the idSession GovPay gave in the query.
// When none is present id is "sha256:" and the digest of the compacted
// rt (or rpt), so that identical redeliveries still share a key. Each
// segment is path-escaped: the key is unambiguous.
func (p *Pagamento) Key() string {
	if p.Attivazione() {
		id := ccpRPT(p.RPT)
		if id == "" {
			id = p.IDSession
		}
		if id == "" {
			id = digestJSON(p.RPT)
		}
		return buildKey(KindAttivazione, p.IDDominio, p.IUV, id)
	}
	id := idRicevutaRT(p.RT)
	if id == "" {
		id = digestJSON(p.RT)
	}
	return buildKey(KindPagamento, p.IDDominio, p.IUV, id)
}

func buildKey(kind, idDominio, iuv, id string) string {
	var b strings.Builder
	b.Grow(len(kind) + len(idDominio) + len(iuv) + len(id) + 8)
	b.WriteString(kind)
	b.WriteByte('/')
	b.WriteString(url.PathEscape(idDominio))
	b.WriteByte('/')
	b.WriteString(url.PathEscape(iuv))
	b.WriteByte('/')
	b.WriteString(url.PathEscape(id))
	return b.String()
}

func digestJSON(raw json.RawMessage) string {
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		buf.Reset()
		buf.Write(raw)
	}
	sum := sha256.Sum256(buf.Bytes())
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// rtIdentWire holds the receipt id of either receipt shape.
type rtIdentWire struct {
	ReceiptID     string `json:"receiptId"`
	DatiPagamento *struct {
		CCP string `json:"CodiceContestoPagamento"`
	} `json:"datiPagamento"`
}

// idRicevutaRT extracts only the receipt id of an rt (receiptId or
// CodiceContestoPagamento), without reading amounts: used for idempotency
// keys, it must not fail where the payload itself decoded.
func idRicevutaRT(raw json.RawMessage) string {
	var w rtIdentWire
	if json.Unmarshal(raw, &w) != nil {
		return ""
	}
	if w.ReceiptID != "" {
		return w.ReceiptID
	}
	if w.DatiPagamento != nil {
		return w.DatiPagamento.CCP
	}
	return ""
}

// ccpRPT extracts only the codiceContestoPagamento of an old-style rpt.
func ccpRPT(raw json.RawMessage) string {
	var w struct {
		DatiVersamento *struct {
			CCP string `json:"codiceContestoPagamento"`
		} `json:"datiVersamento"`
	}
	if json.Unmarshal(raw, &w) != nil || w.DatiVersamento == nil {
		return ""
	}
	return w.DatiVersamento.CCP
}
