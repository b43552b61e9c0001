package pagamenti

import (
	"context"
	"iter"
	"net/url"
	"strconv"

	"github.com/govpaygo/govpay"
)

// PosizioneOptions filters Client.Posizione. Zero fields filter nothing.
type PosizioneOptions struct {
	// IDDominio restricts the position to one creditor (11 digits).
	IDDominio string
	// Stato filters by the debts' state (NON_ESEGUITA: what is still due).
	Stato StatoPendenza
	// IUV, IDA2A, IDPendenza and IDPagamento find specific debts.
	IUV         string
	IDA2A       string
	IDPendenza  string
	IDPagamento string
	// Direzione and Divisione restrict to an office of the creditor.
	Direzione string
	Divisione string
	// MostraSpontaneiNonPagati shows spontaneous debts that were never
	// paid (GovPay hides them by default).
	MostraSpontaneiNonPagati bool
	// Ordinamento sorts the list (GovPay's syntax, "-dataCaricamento").
	Ordinamento string
	// RisultatiPerPagina is the page size (GovPay's default 25 when 0, at
	// most MaxRisultatiPerPagina).
	RisultatiPerPagina int
}

// Posizione iterates over the debt position of the debtor idDebitore
// (codice fiscale or partita IVA): the debts GovPay holds for them
// (GET /pendenze, operation findPendenze, the list under "risultati"). An
// empty idDebitore lists every debt the credentials may see (with SPID
// authentication, GovPay shows the citizen their own). Pagination and errors
// work as in List.
func (c *Client) Posizione(ctx context.Context, idDebitore string, o PosizioneOptions) iter.Seq2[Debito, error] {
	q, err := o.query(idDebitore)
	return paginate[Debito](ctx, c.tc, "pagamenti.Posizione", "pendenze", q, err)
}

func (o *PosizioneOptions) query(idDebitore string) (url.Values, error) {
	v := &govpay.ValidationError{What: "PosizioneOptions"}
	if len(idDebitore) > 35 {
		v.Add("idDebitore", "at most 35 characters")
	} else if idDebitore != "" && !printableASCII(idDebitore) {
		v.Add("idDebitore", "must hold printable ASCII characters only")
	}
	if o.IDDominio != "" && !reIDDominio.MatchString(o.IDDominio) {
		v.Add("idDominio", "must be 11 digits")
	}
	if o.RisultatiPerPagina < 0 || o.RisultatiPerPagina > MaxRisultatiPerPagina {
		v.Addf("risultatiPerPagina", "must be between 1 and %d", MaxRisultatiPerPagina)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	q := url.Values{}
	set := func(k, s string) {
		if s != "" {
			q.Set(k, s)
		}
	}
	set("idDebitore", idDebitore)
	set("idDominio", o.IDDominio)
	set("stato", string(o.Stato))
	set("iuv", o.IUV)
	set("idA2A", o.IDA2A)
	set("idPendenza", o.IDPendenza)
	set("idPagamento", o.IDPagamento)
	set("direzione", o.Direzione)
	set("divisione", o.Divisione)
	set("ordinamento", o.Ordinamento)
	if o.MostraSpontaneiNonPagati {
		q.Set("mostraSpontaneiNonPagati", "true")
	}
	if o.RisultatiPerPagina > 0 {
		q.Set("risultatiPerPagina", strconv.Itoa(o.RisultatiPerPagina))
	}
	return q, nil
}
