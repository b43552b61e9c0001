package pagamenti

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/transport"
)

// Ricevute reads pagoPA payment receipts from GovPay's API Ragioneria v3
// (GET /ricevute, GET /ricevute/{idDominio}/{iuv}/{idRicevuta}). In checkout
// mode (the GovPay checkout bridge and the direct pagoPA Checkout) a receipt
// is the only proof that a notice was paid.
//
// A Ricevute is immutable and safe for concurrent use. Its reads are retried
// according to the client's retry policy.
type Ricevute struct {
	tc *transport.Client
}

// NewRicevute returns a client of API Ragioneria v3 under baseURL, for
// example
//
//	https://govpay.example.it/govpay/backend/api/ragioneria/rs/basic/v3
//
// (see govpay.BaseURL). The options set authentication, the HTTP client,
// retries and logging.
func NewRicevute(baseURL string, opts ...govpay.Option) (*Ricevute, error) {
	tc, err := transport.New(baseURL, opts)
	if err != nil {
		return nil, err
	}
	return &Ricevute{tc: tc}, nil
}

// EsitoRicevuta is the outcome a receipt records (GovPay's EsitoRpp). The
// constants are the values GovPay 3.9 knows; others are kept as received.
type EsitoRicevuta string

// The receipt outcomes.
const (
	// EsitoRicevutaEseguito: the notice was paid (every receipt of the
	// pagoPA "modello unico" has this outcome).
	EsitoRicevutaEseguito EsitoRicevuta = "ESEGUITO"
	// EsitoRicevutaEseguitoParziale: only part of the amount was paid
	// (legacy RT).
	EsitoRicevutaEseguitoParziale EsitoRicevuta = "ESEGUITO_PARZIALE"
	// EsitoRicevutaNonEseguito: the payment attempt failed (legacy negative RT).
	EsitoRicevutaNonEseguito EsitoRicevuta = "NON_ESEGUITO"
	// EsitoRicevutaDecorrenza: the attempt expired (legacy RT).
	EsitoRicevutaDecorrenza EsitoRicevuta = "DECORRENZA"
	// EsitoRicevutaDecorrenzaParziale: the attempt expired after a partial
	// payment (legacy RT).
	EsitoRicevutaDecorrenzaParziale EsitoRicevuta = "DECORRENZA_PARZIALE"
	// EsitoRicevutaInCorso: the attempt has not finished.
	EsitoRicevutaInCorso EsitoRicevuta = "IN_CORSO"
	// EsitoRicevutaRifiutato: pagoPA refused the request.
	EsitoRicevutaRifiutato EsitoRicevuta = "RIFIUTATO"
)

// ModelloPagamento says who started the payment a receipt records.
type ModelloPagamento string

// The payment models GovPay reports.
const (
	ModelloIniziativaEnte ModelloPagamento = "Pagamento ad iniziativa Ente" // started from the creditor's portal
	ModelloIniziativaPSP  ModelloPagamento = "Pagamento ad iniziativa PSP"  // paid at a PSP with the notice
)

// Ente is a creditor as GovPay writes it in receipts (its "dominio").
type Ente struct {
	// IDDominio is the creditor's codice fiscale (11 digits).
	IDDominio string `json:"idDominio"`
	// RagioneSociale is its name.
	RagioneSociale string `json:"ragioneSociale,omitempty"`
}

// IstitutoAttestante is the PSP that handled a payment and issued its
// receipt.
type IstitutoAttestante struct {
	// IDPSP is the PSP's identifier in pagoPA.
	IDPSP string `json:"idPSP,omitempty"`
	// Denominazione is the PSP's name.
	Denominazione string `json:"denominazione,omitempty"`
	// IDCanale is the payment channel used.
	IDCanale string `json:"idCanale,omitempty"`
	// Descrizione describes the payment channel.
	Descrizione string `json:"descrizione,omitempty"`
}

// Ricevuta is a pagoPA payment receipt as API Ragioneria v3 returns it. The
// list read by [Ricevute.Find] fills only Dominio, IUV, IDRicevuta, Esito and
// Data; [Ricevute.Get] fills the rest.
//
// Timestamps are decoded leniently (GovPay writes plain dates in fields
// declared date-time); the original RPT and RT are kept as opaque JSON.
type Ricevuta struct {
	// Dominio is the creditor.
	Dominio Ente `json:"dominio"`
	// IUV is the Identificativo Univoco di Versamento the receipt pays.
	IUV string `json:"iuv"`
	// IDRicevuta is pagoPA's receiptId (modello unico) or the legacy ccp.
	IDRicevuta string `json:"idRicevuta"`
	// Importo is the amount paid.
	Importo govpay.Importo `json:"importo,omitempty"`
	// Esito is the outcome; a positive receipt says EsitoRicevutaEseguito.
	Esito EsitoRicevuta `json:"esito,omitempty"`
	// Data is when GovPay acquired the receipt.
	Data govpay.DateTime `json:"data,omitzero"`
	// DataPagamento is when the payment was made.
	DataPagamento govpay.DateTime `json:"dataPagamento,omitzero"`
	// IDPagamento is GovPay's payment session, when the payment was started
	// through GovPay.
	IDPagamento string `json:"idPagamento,omitempty"`
	// IDSessionePSP is pagoPA's payment session.
	IDSessionePSP string `json:"idSessionePsp,omitempty"`
	// IstitutoAttestante is the PSP that issued the receipt.
	IstitutoAttestante *IstitutoAttestante `json:"istitutoAttestante,omitempty"`
	// Versante is who paid, when known ("ANONIMO" when not).
	Versante *govpay.Soggetto `json:"versante,omitempty"`
	// Modello says who started the payment.
	Modello ModelloPagamento `json:"modello,omitempty"`
	// Pendenza is the debt paid, with what was collected for each voce.
	Pendenza *PendenzaPagata `json:"pendenza,omitempty"`
	// RPT is the original payment request ({tipo, xml, json}), opaque.
	RPT json.RawMessage `json:"rpt,omitempty"`
	// RT is the original receipt ({tipo, xml, json}), opaque.
	RT json.RawMessage `json:"rt,omitempty"`
}

// Paid reports whether the receipt proves a full payment
// (EsitoRicevutaEseguito).
func (r *Ricevuta) Paid() bool { return r != nil && r.Esito == EsitoRicevutaEseguito }

// PendenzaPagata is the debt a receipt pays, as GovPay describes it in the
// receipt. Fields GovPay sends that are not listed here are ignored.
type PendenzaPagata struct {
	// IDA2A and IDPendenza are the vertical system's ids of the debt.
	IDA2A      string `json:"idA2A,omitempty"`
	IDPendenza string `json:"idPendenza,omitempty"`
	// IDTipoPendenza is the type of the debt.
	IDTipoPendenza string `json:"idTipoPendenza,omitempty"`
	// Dominio is the creditor.
	Dominio *Ente `json:"dominio,omitempty"`
	// Causale describes the debt.
	Causale string `json:"causale,omitempty"`
	// SoggettoPagatore is the debtor.
	SoggettoPagatore *govpay.Soggetto `json:"soggettoPagatore,omitempty"`
	// Importo is the amount of the debt.
	Importo govpay.Importo `json:"importo"`
	// NumeroAvviso is the payment notice number.
	NumeroAvviso string `json:"numeroAvviso,omitempty"`
	// Tassonomia is the creditor's own category.
	Tassonomia string `json:"tassonomia,omitempty"`
	// Voci are the items of the debt with what was collected for each.
	Voci []VocePagata `json:"voci,omitempty"`
}

// VocePagata is one item of a paid debt.
type VocePagata struct {
	// IDVocePendenza identifies the item in the debt.
	IDVocePendenza string `json:"idVocePendenza,omitempty"`
	// Descrizione describes the item.
	Descrizione string `json:"descrizione,omitempty"`
	// Dominio is set when the item is collected for another creditor.
	Dominio *Ente `json:"dominio,omitempty"`
	// Riscossione is what was collected for the item.
	Riscossione *RiscossioneVoce `json:"riscossione,omitempty"`
}

// RiscossioneVoce is what pagoPA collected for one item of a debt.
type RiscossioneVoce struct {
	// IUV is the notice's Identificativo Univoco di Versamento.
	IUV string `json:"iuv,omitempty"`
	// IUR is pagoPA's Identificativo Univoco di Riscossione.
	IUR string `json:"iur,omitempty"`
	// Indice is the position of the item in the payment (from 1).
	Indice int `json:"indice,omitempty"`
	// Stato is GovPay's state of the collection ("RISCOSSA"); open.
	Stato string `json:"stato,omitempty"`
	// Tipo is ENTRATA, MBT, ALTRO_INTERMEDIARIO or
	// ENTRATA_PA_NON_INTERMEDIATA; open.
	Tipo string `json:"tipo,omitempty"`
	// Importo is the amount collected.
	Importo govpay.Importo `json:"importo"`
	// Data is when it was collected.
	Data govpay.DateTime `json:"data,omitzero"`
}

var (
	reDominioCF   = regexp.MustCompile(`^[0-9]{11}$`)
	reIUVRicevuta = regexp.MustCompile(`^[0-9A-Za-z]{1,35}$`)
)

// iuvFromArg returns the IUV that s names: s itself when it is an IUV, the IUV
// carried by s when it is an 18-digit numero avviso. field names the
// argument in the violation.
func iuvFromArg(v *govpay.ValidationError, field, s string) string {
	compact := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if len(compact) == 18 && onlyDigits(compact) {
		n, err := avvisi.ParseNumeroAvviso(compact)
		if err != nil {
			v.Add(field, "an 18-digit value is read as a numero avviso: "+err.Error())
			return ""
		}
		return n.IUV()
	}
	if !reIUVRicevuta.MatchString(s) {
		v.Add(field, "must be an IUV (^[0-9A-Za-z]{1,35}$) or an 18-digit numero avviso")
		return ""
	}
	return s
}

func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func checkDominioArg(v *govpay.ValidationError, field, s string) {
	if !reDominioCF.MatchString(s) {
		v.Add(field, "must match ^[0-9]{11}$")
	}
}

// ricevutePageSize is how many receipts Find asks for per page (GovPay
// allows up to 200); findMaxPages bounds how many pages it reads.
const (
	ricevutePageSize = 100
	findMaxPages     = 20
)

type ricevuteList struct {
	NumRisultati      int        `json:"numRisultati"`
	NumPagine         int        `json:"numPagine"`
	Pagina            int        `json:"pagina"`
	ProssimiRisultati string     `json:"prossimiRisultati"`
	Risultati         []Ricevuta `json:"risultati"`
}

// Find returns the receipts of one notice of the creditor idDominio, newest
// first (by the date GovPay acquired them). iuvOrNumeroAvviso is an IUV, or
// an 18-digit numero avviso whose IUV is derived (avvisi.NumeroAvviso.IUV).
// No receipt is not an error: the result is empty.
//
// Only the summary fields are filled (see [Ricevuta]); use [Ricevute.Get]
// for the full receipt.
//
// GET /ricevute?idDominio=…&iuv=… (API Ragioneria v3, operation findRicevute).
func (c *Ricevute) Find(ctx context.Context, idDominio, iuvOrNumeroAvviso string) ([]Ricevuta, error) {
	const op = "ricevute.Find"
	v := govpay.ValidationError{What: "ricevute.Find arguments"}
	checkDominioArg(&v, "idDominio", idDominio)
	iuv := iuvFromArg(&v, "iuv", iuvOrNumeroAvviso)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var all []Ricevuta
	for pagina := 1; pagina <= findMaxPages; pagina++ {
		q := url.Values{}
		q.Set("idDominio", idDominio)
		q.Set("iuv", iuv)
		q.Set("pagina", strconv.Itoa(pagina))
		q.Set("risultatiPerPagina", strconv.Itoa(ricevutePageSize))
		resp, err := c.tc.Do(ctx, &transport.Request{Operation: op, Method: http.MethodGet, Path: "ricevute", Query: q})
		if err != nil {
			return nil, err
		}
		var page ricevuteList
		if err := transport.DecodeJSON(op, resp, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Risultati...)
		if len(page.Risultati) < ricevutePageSize || page.NumPagine > 0 && pagina >= page.NumPagine ||
			page.NumRisultati > 0 && len(all) >= page.NumRisultati {
			break
		}
	}
	// Newest first; receipts without a date last; ties keep GovPay's order.
	slices.SortStableFunc(all, func(a, b Ricevuta) int {
		switch {
		case a.Data.IsZero() && b.Data.IsZero():
			return 0
		case a.Data.IsZero():
			return 1
		case b.Data.IsZero():
			return -1
		}
		return b.Data.Time().Compare(a.Data.Time())
	})
	if all == nil {
		all = []Ricevuta{}
	}
	return all, nil
}

func ricevutaPath(op, idDominio, iuvOrNumeroAvviso, idRicevuta string) (string, error) {
	v := govpay.ValidationError{What: op + " arguments"}
	checkDominioArg(&v, "idDominio", idDominio)
	iuv := iuvFromArg(&v, "iuv", iuvOrNumeroAvviso)
	switch {
	case idRicevuta == "":
		v.Add("idRicevuta", "required")
	case len(idRicevuta) > 35:
		v.Add("idRicevuta", "must be at most 35 characters")
	case strings.ContainsAny(idRicevuta, "\x00\r\n\t"):
		v.Add("idRicevuta", "must not contain control characters")
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	return transport.Path("ricevute", idDominio, iuv, idRicevuta), nil
}

// Get returns one receipt in full. iuvOrNumeroAvviso is an IUV or an
// 18-digit numero avviso, as for [Ricevute.Find]; idRicevuta comes from
// Find. An unknown receipt gives a *govpay.Error matching govpay.ErrNotFound.
//
// GET /ricevute/{idDominio}/{iuv}/{idRicevuta} with Accept: application/json
// (API Ragioneria v3, operation getRicevuta).
func (c *Ricevute) Get(ctx context.Context, idDominio, iuvOrNumeroAvviso, idRicevuta string) (*Ricevuta, error) {
	const op = "ricevute.Get"
	path, err := ricevutaPath(op, idDominio, iuvOrNumeroAvviso, idRicevuta)
	if err != nil {
		return nil, err
	}
	resp, err := c.tc.Do(ctx, &transport.Request{Operation: op, Method: http.MethodGet, Path: path, Accept: "application/json"})
	if err != nil {
		return nil, err
	}
	var r Ricevuta
	if err := transport.DecodeJSON(op, resp, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// PDF returns the printable receipt (a PDF document). GovPay answers 406
// (govpay.ErrNotAcceptable) unless the request asks for application/pdf
// explicitly, which PDF does.
//
// GET /ricevute/{idDominio}/{iuv}/{idRicevuta} with Accept: application/pdf
// (API Ragioneria v3, operation getRicevuta).
func (c *Ricevute) PDF(ctx context.Context, idDominio, iuvOrNumeroAvviso, idRicevuta string) ([]byte, error) {
	const op = "ricevute.PDF"
	path, err := ricevutaPath(op, idDominio, iuvOrNumeroAvviso, idRicevuta)
	if err != nil {
		return nil, err
	}
	resp, err := c.tc.Do(ctx, &transport.Request{Operation: op, Method: http.MethodGet, Path: path, Accept: "application/pdf"})
	if err != nil {
		return nil, err
	}
	b, err := transport.ReadBody(op, resp, "application/pdf")
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
		return nil, &govpay.DecodeError{Operation: op, StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), IDTransazione: resp.Header.Get(transport.HeaderIDTransazione), Err: errors.New("the body is not a PDF document (no %PDF- header in its first 1024 bytes)")}
	}
	return b, nil
}
