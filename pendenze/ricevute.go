package pendenze

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
)

// Formato is the media type in which a receipt is fetched.
type Formato string

// The formats GovPay serves a receipt in.
const (
	FormatoJSON Formato = "application/json" // GovPay's JSON conversion of the receipt
	FormatoXML  Formato = "application/xml"  // the receipt as pagoPA sent it
	FormatoPDF  Formato = "application/pdf"  // the printed receipt
)

// GetRT returns the receipt of the payment attempt idDominio/iuv/ccp
// (GET /rpp/{idDominio}/{iuv}/{ccp}/rt) in format f: JSON, XML or PDF.
// ccp is the codice contesto pagamento, "n/a" for payments started at a
// PSP, or the receiptId of a pagoPA receipt; it may contain "/", which is
// sent escaped (%2F). The bytes are returned as GovPay sent them; the
// media type of the answer is checked.
func (c *Client) GetRT(ctx context.Context, idDominio, iuv, ccp string, f Formato) ([]byte, error) {
	const op = "pendenze.RT"
	v := verr.New("rt")
	checkDominio(v, at("idDominio"), idDominio, true, false)
	pathValue(v, "iuv", iuv)
	pathValue(v, "ccp", ccp)
	switch f {
	case FormatoJSON, FormatoXML, FormatoPDF:
	default:
		v.Add("formato", "must be FormatoJSON, FormatoXML or FormatoPDF")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	resp, err := c.api.GetRT(transport.WithCall(ctx, transport.Request{Operation: op, Accept: string(f)}), idDominio, iuv, ccp)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, unexpected(op, resp)
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); !formatoOK(f, mt) {
		transport.Drain(resp)
		return nil, transport.DecodeFailure(op, resp, fmt.Errorf("unexpected content type %q, want %s", ct, f))
	}
	return transport.ReadBody(op, resp, "")
}

// pathValue checks a free-form path value: required, and not a dot
// segment ("." or ".."), which the URL would resolve away (RFC 3986 §5.2.4)
// and so name another resource.
func pathValue(v *verr.Builder, field, s string) {
	switch s {
	case "":
		v.Add(field, "required")
	case ".", "..":
		v.Add(field, "must not be a dot segment (. or ..)")
	}
}

// formatoOK reports whether the media type mt answers a request for f
// (XML may come as text/xml, JSON as text/json or +json).
func formatoOK(f Formato, mt string) bool {
	switch f {
	case FormatoJSON:
		return mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
	case FormatoXML:
		return mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml")
	}
	return mt == string(f)
}
