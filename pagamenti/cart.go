package pagamenti

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/internal/verr"
	"github.com/govpaygo/govpay/pendenze"
)

// MaxItems is the largest number of items in a cart: GovPay and pagoPA pay at
// most five debts in one transaction (NuovoPagamento.java:278, pendenze
// minItems(1).maxItems(5)).
const MaxItems = 5

var (
	// reIDTipo is CostantiValidazione.PATTERN_ID_TIPO_VERSAMENTO
	// (CostantiValidazione.java:39), checked by NuovaPendenza.java:678.
	reIDTipo    = regexp.MustCompile(`^[a-zA-Z0-9\-_.]{1,35}$`)
	reIDDominio = regexp.MustCompile(`^[0-9]{11}$`)
)

// ItemKind says how a cart item names the debt it pays.
type ItemKind int

// The kinds of cart item.
const (
	// ItemPendenza is a full pendenza sent with the payment (GovPay
	// creates or updates it): idA2A, idPendenza, idDominio, causale, voci…
	ItemPendenza ItemKind = iota + 1
	// ItemRiferimento references a pendenza already in GovPay by the
	// vertical system's ids: idA2A and idPendenza.
	ItemRiferimento
	// ItemAvviso references a pendenza by its payment notice: idDominio and
	// numeroAvviso (added with AddAvviso or AddQRCode).
	ItemAvviso
	// ItemSpontaneo asks GovPay to build a spontaneous pendenza of a type
	// configured with a form: idDominio, idTipoPendenza and dati.
	ItemSpontaneo
)

// String returns the kind's name ("pendenza", "riferimento", "avviso",
// "spontaneo").
func (k ItemKind) String() string {
	switch k {
	case ItemPendenza:
		return "pendenza"
	case ItemRiferimento:
		return "riferimento"
	case ItemAvviso:
		return "avviso"
	case ItemSpontaneo:
		return "spontaneo"
	}
	return "ItemKind(" + strconv.Itoa(int(k)) + ")"
}

// Item is a read-only view of one cart item, as returned by Cart.Items. Which
// fields are set depends on Kind:
//
//	Kind             IDA2A IDPendenza IDDominio NumeroAvviso   IDTipoPendenza Importo Pendenza Dati
//	ItemPendenza     yes   yes        yes       if assigned    if set         yes     yes      -
//	ItemRiferimento  yes   yes        -         -              -              -       -        -
//	ItemAvviso       -     -          yes       yes            -              QR only -        -
//	ItemSpontaneo    -     -          yes       -              yes            -       -        if given
//
// An item added with invalid arguments is still listed (so indexes match the
// order of the Add calls), with the fields that could be read.
type Item struct {
	// Kind says which of the fields below are meaningful.
	Kind ItemKind
	// IDA2A and IDPendenza are the vertical system's ids of the pendenza.
	IDA2A      string
	IDPendenza string
	// IDDominio is the creditor's codice fiscale (11 digits).
	IDDominio string
	// NumeroAvviso is the payment notice number; the zero value when the
	// item has none (a pendenza without an assigned number, a reference,
	// a spontaneous payment).
	NumeroAvviso avvisi.NumeroAvviso
	// IDTipoPendenza is the pendenza type (ItemSpontaneo, and ItemPendenza
	// when set).
	IDTipoPendenza string
	// Importo is the amount when the cart knows it: the pendenza's total,
	// or the amount printed in the QR code of an AddQRCode item. Zero means
	// unknown (ask GovPay: the amount due may have changed).
	Importo govpay.Importo
	// Pendenza is a copy of the full pendenza (ItemPendenza only; nil
	// otherwise). Changing it does not change the cart.
	Pendenza *pendenze.Pendenza
	// Dati is the JSON object given to AddSpontaneo (nil when none).
	Dati json.RawMessage
}

// Cart is the list of 1–5 debts a payer pays in one transaction. One Cart
// feeds every payment mode: Client.Start (legacy and checkout bridge) and
// Checkout.Start (direct pagoPA Checkout).
//
// The Add methods return the cart, so calls chain; they never fail: each one
// checks its item and records any violation (with the item's index, as
// "pendenze[2].numeroAvviso"), which Validate, Client.Start and
// Checkout.Start report. The same debt added twice, and a sixth item, are
// violations too.
//
// json.Marshal of a valid Cart gives {"pendenze": [...]}, the items in the
// wire form of API Pagamento v2 (POST /pagamenti); marshalling an invalid
// cart fails with its ValidationError.
//
// A Cart is not safe for concurrent use; build it in one goroutine. Starting
// a payment does not change it.
type Cart struct {
	items []cartItem
	verr  verr.Builder
}

type cartItem struct {
	Item
	key  string          // identity of the debt, for duplicates; "" if unreadable
	wire json.RawMessage // API Pagamento v2 form; nil when invalid
}

// NewCart returns an empty cart.
func NewCart() *Cart { return &Cart{verr: verr.Builder{What: "cart"}} }

func (c *Cart) prefix(i int) string { return "pendenze[" + strconv.Itoa(i) + "]" }

// add appends it, checking the size limit and duplicates.
func (c *Cart) add(it cartItem, v *verr.Builder) *Cart {
	i := len(c.items)
	if i == MaxItems {
		c.verr.Addf(c.prefix(i), "a cart holds at most %d items", MaxItems)
	}
	if it.key != "" {
		for j, o := range c.items {
			if o.key == it.key {
				c.verr.Addf(c.prefix(i), "duplicate of pendenze[%d] (%s)", j, it.key)
				break
			}
		}
	}
	if len(v.Violations) > 0 {
		c.verr.Merge(c.prefix(i), v.Err())
		it.wire = nil
	}
	c.items = append(c.items, it)
	return c
}

// AddPendenza adds a full pendenza, which GovPay creates (or updates) under
// idA2A and idPendenza as part of the payment. p is validated with
// pendenze.Pendenza.Validate, plus the rules of API Pagamento v2: documento,
// dataNotificaAvviso and dataPromemoriaScadenza (API Pendenze only: API
// Pagamento v2's NuovaPendenza has no such field, NuovaPendenza.java) are
// refused rather than dropped. idTipoPendenza is optional, as GovPay has it
// (NuovaPendenza.java:709, validaIdTipoVersamento with notNull false). The
// cart keeps a copy of p.
//
// On the wire the marca da bollo voci carry tipoBollo "Imposta di bollo",
// the value API Pagamento v2 expects (API Pendenze v2 writes "01").
func (c *Cart) AddPendenza(idA2A, idPendenza string, p pendenze.Pendenza) *Cart {
	v := &verr.Builder{}
	checkID(v, "idA2A", idA2A)
	checkID(v, "idPendenza", idPendenza)
	v.Merge("", p.Validate())
	if p.Documento != nil {
		v.Add("documento", "not supported by API Pagamento v2: load the pendenza with API Pendenze and use AddRiferimento")
	}
	if !p.DataNotificaAvviso.IsZero() {
		v.Add("dataNotificaAvviso", "not supported by API Pagamento v2")
	}
	if !p.DataPromemoriaScadenza.IsZero() {
		v.Add("dataPromemoriaScadenza", "not supported by API Pagamento v2")
	}
	cp := clonePendenza(p)
	it := cartItem{Item: Item{
		Kind: ItemPendenza, IDA2A: idA2A, IDPendenza: idPendenza, IDDominio: p.IDDominio,
		IDTipoPendenza: p.IDTipoPendenza, Importo: p.Importo, Pendenza: &cp,
	}}
	it.key = refKey(idA2A, idPendenza)
	if p.NumeroAvviso != "" {
		if n, err := avvisi.ParseNumeroAvviso(p.NumeroAvviso); err == nil {
			it.NumeroAvviso = n
		}
	}
	if len(v.Violations) == 0 {
		w, err := pendenzaWire(idA2A, idPendenza, &cp)
		if err != nil {
			v.Add("", err.Error())
		}
		it.wire = w
	}
	return c.addPendenzaKeys(it, v)
}

// addPendenzaKeys also refuses a full pendenza whose numeroAvviso is already
// in the cart as an avviso reference (and the reverse is checked by
// AddAvviso).
func (c *Cart) addPendenzaKeys(it cartItem, v *verr.Builder) *Cart {
	if !it.NumeroAvviso.IsZero() {
		k := avvisoKey(it.IDDominio, it.NumeroAvviso.String())
		for j, o := range c.items {
			if o.key == k || (o.Kind == ItemPendenza && !o.NumeroAvviso.IsZero() && avvisoKey(o.IDDominio, o.NumeroAvviso.String()) == k) {
				v.Addf("numeroAvviso", "duplicate of pendenze[%d] (%s)", j, k)
				break
			}
		}
	}
	return c.add(it, v)
}

// AddRiferimento adds a pendenza already loaded in GovPay, referenced by the
// vertical system's ids (pattern ^[a-zA-Z0-9\-_]{1,35}$ each).
func (c *Cart) AddRiferimento(idA2A, idPendenza string) *Cart {
	v := &verr.Builder{}
	checkID(v, "idA2A", idA2A)
	checkID(v, "idPendenza", idPendenza)
	it := cartItem{Item: Item{Kind: ItemRiferimento, IDA2A: idA2A, IDPendenza: idPendenza}, key: refKey(idA2A, idPendenza)}
	if len(v.Violations) == 0 {
		it.wire = wireOf(v, riferimentoWire{IDA2A: idA2A, IDPendenza: idPendenza})
	}
	return c.add(it, v)
}

// AddAvviso adds a pendenza referenced by its payment notice: the creditor's
// idDominio (11 digits) and the numero avviso (18 digits with valid check
// digits, a pagoPA rule; spaces as printed on the notice are ignored).
// GovPay checks the idDominio (NuovaPendenza.java:642) and the pattern
// [0-9]{18} (NuovaPendenza.java:650); the check digits are the SDK's
// (DESIGN §5: a pagoPA rule that stays on).
func (c *Cart) AddAvviso(idDominio, numeroAvviso string) *Cart {
	v := &verr.Builder{}
	checkDominio(v, "idDominio", idDominio)
	var n avvisi.NumeroAvviso
	if strings.ContainsFunc(numeroAvviso, isControlC1) {
		// avvisi.ParseNumeroAvviso trims tabs and newlines around the
		// number; GovPay's pattern [0-9]{18} (NuovaPendenza.java:650)
		// refuses them, and so does the cart.
		v.Add("numeroAvviso", "must not contain control characters")
	} else if parsed, err := avvisi.ParseNumeroAvviso(numeroAvviso); err != nil {
		v.Add("numeroAvviso", err.Error())
	} else {
		n = parsed
	}
	return c.addAvviso(idDominio, n, 0, v)
}

// AddQRCode adds the pendenza of a payment notice from the text of its QR
// code ("PAGOPA|002|<numero avviso>|<idDominio>|<cents>", see
// avvisi.ParseQRCode). The item is an avviso reference; the printed amount
// is kept in Item.Importo, but GovPay charges the amount due.
func (c *Cart) AddQRCode(text string) *Cart {
	v := &verr.Builder{}
	r, err := avvisi.ParseQRCode(text)
	if err != nil {
		v.Add("qrCode", err.Error())
	}
	return c.addAvviso(r.IDDominio, r.NumeroAvviso, r.Importo, v)
}

func (c *Cart) addAvviso(idDominio string, n avvisi.NumeroAvviso, importo govpay.Importo, v *verr.Builder) *Cart {
	it := cartItem{Item: Item{Kind: ItemAvviso, IDDominio: idDominio, NumeroAvviso: n, Importo: importo}}
	if !n.IsZero() && idDominio != "" {
		it.key = avvisoKey(idDominio, n.String())
		for j, o := range c.items {
			if o.Kind == ItemPendenza && !o.NumeroAvviso.IsZero() && avvisoKey(o.IDDominio, o.NumeroAvviso.String()) == it.key {
				v.Addf("numeroAvviso", "duplicate of pendenze[%d] (%s)", j, it.key)
				break
			}
		}
	}
	if len(v.Violations) == 0 {
		it.wire = wireOf(v, avvisoWire{IDDominio: idDominio, NumeroAvviso: n})
	}
	return c.add(it, v)
}

// AddSpontaneo asks GovPay to build a spontaneous pendenza of type
// idTipoPendenza (pattern ^[a-zA-Z0-9\-_.]{1,35}$) of the creditor idDominio
// from dati, the data of the type's form. dati is required (GovPay refuses
// a spontaneous item without it: NuovaPendenza.java:680-681) and must
// marshal to a JSON object (a struct, a map, a json.RawMessage) in valid
// UTF-8; it is marshalled when added, so later changes to it do not change
// the cart. GovPay's own template for the type validates dati and computes
// the amount.
//
// The same type may appear twice in a cart with different dati; the same
// type with identical dati is a duplicate.
func (c *Cart) AddSpontaneo(idDominio, idTipoPendenza string, dati any) *Cart {
	v := &verr.Builder{}
	checkDominio(v, "idDominio", idDominio)
	if !reIDTipo.MatchString(idTipoPendenza) {
		if idTipoPendenza == "" {
			v.Add("idTipoPendenza", "required")
		} else {
			v.Add("idTipoPendenza", `must match ^[a-zA-Z0-9\-_.]{1,35}$`)
		}
	}
	var raw json.RawMessage
	if dati == nil {
		v.Add("dati", "required: the data of the type's form, a JSON object")
	} else {
		b, err := json.Marshal(dati)
		switch {
		case err != nil:
			v.Addf("dati", "cannot be marshalled to JSON: %v", err)
		case bytes.Equal(b, []byte("null")):
			v.Add("dati", "required: the data of the type's form, a JSON object")
		case !utf8.Valid(b):
			v.Add("dati", "must be valid UTF-8")
		default:
			var obj map[string]json.RawMessage
			if json.Unmarshal(b, &obj) != nil {
				v.Add("dati", "must be a JSON object")
			} else {
				var buf bytes.Buffer
				_ = json.Compact(&buf, b)
				raw = buf.Bytes()
			}
		}
	}
	it := cartItem{Item: Item{Kind: ItemSpontaneo, IDDominio: idDominio, IDTipoPendenza: idTipoPendenza, Dati: raw}}
	it.key = "spontaneo " + idDominio + "/" + idTipoPendenza + " " + string(raw)
	if len(v.Violations) == 0 {
		it.wire = wireOf(v, spontaneoWire{IDDominio: idDominio, IDTipoPendenza: idTipoPendenza, Dati: raw})
	}
	return c.add(it, v)
}

// Len returns the number of items added, valid or not.
func (c *Cart) Len() int { return len(c.items) }

// Items returns a copy of the cart's items, in the order they were added.
// Changing the result does not change the cart. Pagamento modes other than
// API Pagamento read the cart through it (pagoPA Checkout, the outcome
// resolver).
func (c *Cart) Items() []Item {
	out := make([]Item, len(c.items))
	for i, it := range c.items {
		out[i] = it.Item
		if it.Pendenza != nil {
			p := clonePendenza(*it.Pendenza)
			out[i].Pendenza = &p
		}
		if it.Dati != nil {
			out[i].Dati = append(json.RawMessage(nil), it.Dati...)
		}
	}
	return out
}

// Validate returns nil when the cart can be sent, or a *govpay.ValidationError
// listing every violation recorded by the Add methods (field paths such as
// "pendenze[1].numeroAvviso"), plus "pendenze: required" for an empty cart.
func (c *Cart) Validate() error {
	if c == nil {
		return &govpay.ValidationError{What: "cart", Violations: []govpay.Violation{{Field: "pendenze", Rule: "required: a cart with 1 to 5 items"}}}
	}
	if len(c.verr.Violations) == 0 && len(c.items) > 0 {
		return nil
	}
	v := verr.New("cart")
	v.Violations = append(v.Violations, c.verr.Violations...)
	if len(c.items) == 0 {
		v.Add("pendenze", "required: a cart with 1 to 5 items")
	}
	return v.Err()
}

// MarshalJSON writes {"pendenze": [...]} with each item in the wire form of
// API Pagamento v2. It fails with the cart's ValidationError when the cart is
// not valid.
func (c *Cart) MarshalJSON() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c.body([]byte("{}")), nil
}

// body returns the JSON object {"pendenze":[…]} with the items' wire forms
// (encoded when each item was added), followed by the members of rest, a
// JSON object from json.Marshal ("{}" for none). The wire forms are copied
// as they are: they come from json.Marshal, so they are already compact,
// valid and HTML-escaped, and json.Marshal of them as json.RawMessage values
// would give the same bytes after scanning them again (see startBody).
func (c *Cart) body(rest []byte) []byte {
	const head = `{"pendenze":[`
	n := len(head) + 1 + len(rest)
	for i := range c.items {
		n += len(c.items[i].wire) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, head...)
	for i := range c.items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, c.items[i].wire...)
	}
	b = append(b, ']')
	if len(rest) > len("{}") {
		b = append(b, ',')
		return append(b, rest[1:]...)
	}
	return append(b, '}')
}

func refKey(idA2A, idPendenza string) string { return "pendenza " + idA2A + "/" + idPendenza }

func avvisoKey(idDominio, numero string) string { return "avviso " + idDominio + "/" + numero }

// checkID checks idA2A and idPendenza: PATTERN_ID_APPLICAZIONE and
// PATTERN_ID_PENDENZA, both ^[a-zA-Z0-9\-_]{1,35}$ (CostantiValidazione.java:37
// and :42), required (ValidatoreIdentificativi.java:88-89 and :152-153,
// called by NuovaPendenza.java:614-615 and :705-706). ASCII only: invalid
// UTF-8 and control characters are refused with the pattern.
func checkID(v *verr.Builder, field, s string) {
	if isID(s) {
		return
	}
	if s == "" {
		v.Add(field, "required")
		return
	}
	v.Add(field, `must match ^[a-zA-Z0-9\-_]{1,35}$`)
}

// checkDominio checks an idDominio: PATTERN_ID_DOMINIO, 11 digits
// (CostantiValidazione.java:35; ValidatoreIdentificativi.java:68-69, called
// by NuovaPendenza.java:642 and :707).
func checkDominio(v *verr.Builder, field, s string) {
	if isDominio(s) {
		return
	}
	if s == "" {
		v.Add(field, "required")
		return
	}
	v.Add(field, "must be 11 digits")
}

// isID reports whether s matches ^[a-zA-Z0-9\-_]{1,35}$ (checked on
// every item added: a loop is cheaper than the regexp).
func isID(s string) bool {
	if len(s) == 0 || len(s) > 35 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// isDominio reports whether s matches ^[0-9]{11}$.
func isDominio(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// wireOf is the JSON of x, an item's wire form; a failure (which the
// checks made before should rule out) is recorded in v as a violation.
func wireOf(v *verr.Builder, x any) json.RawMessage {
	b, err := json.Marshal(x)
	if err != nil {
		v.Add("", "cannot be encoded: "+err.Error())
		return nil
	}
	return b
}

// clonePendenza copies p deeply enough that the copy's slices and pointers
// are not shared with p.
func clonePendenza(p pendenze.Pendenza) pendenze.Pendenza {
	p.Voci = append([]pendenze.Voce(nil), p.Voci...)
	for i := range p.Voci {
		v := &p.Voci[i]
		if v.Contabilita != nil {
			c := *v.Contabilita
			c.Quote = append([]pendenze.QuotaContabilita(nil), c.Quote...)
			v.Contabilita = &c
		}
		if v.Metadata != nil {
			m := *v.Metadata
			m.MapEntries = append([]pendenze.MapEntry(nil), m.MapEntries...)
			v.Metadata = &m
		}
		v.DatiAllegati = append(json.RawMessage(nil), v.DatiAllegati...)
		if len(v.DatiAllegati) == 0 {
			v.DatiAllegati = nil
		}
	}
	if p.DatiAllegati != nil {
		p.DatiAllegati = append(json.RawMessage(nil), p.DatiAllegati...)
	}
	if p.Proprieta != nil {
		pr := *p.Proprieta
		pr.DescrizioneImporto = append([]pendenze.DescrizioneImporto(nil), pr.DescrizioneImporto...)
		p.Proprieta = &pr
	}
	if p.Documento != nil {
		d := *p.Documento
		p.Documento = &d
	}
	p.Allegati = append([]pendenze.Allegato(nil), p.Allegati...)
	if len(p.Allegati) == 0 {
		p.Allegati = nil
	}
	return p
}
