package ente

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

// Tipo tells the notifications apart.
type Tipo string

// The kinds of notification (see package notifica).
const (
	TipoAttivazione Tipo = notifica.KindAttivazione // API Ente v1, payment request sent to pagoPA
	TipoPagamento   Tipo = notifica.KindPagamento   // API Ente v1, outcome with the receipt
	TipoRicevuta    Tipo = notifica.KindRicevuta    // API Ente v2, receipt
)

// Notifica is one notification received, reduced to what a gestionale
// books.
type Notifica struct {
	Tipo Tipo
	// IDDominio, IUV and IDRicevuta identify the payment on pagoPA.
	IDDominio  string
	IUV        string
	IDRicevuta string
	// IDA2A and IDPendenza identify the pendenza in the gestionale.
	IDA2A      string
	IDPendenza string
	// Importo is the amount paid (zero for an activation).
	Importo govpay.Importo
	// Esito is the receipt's outcome (ESEGUITO…), "" for an activation.
	Esito string
	// Chiave is the idempotency key of the notification.
	Chiave string
	// Ricevuta is the whole v2 receipt; Pagamento the whole v1
	// notification.
	Ricevuta  *ricevute.Ricevuta
	Pagamento *notifica.Pagamento
	// Arrivo is when the gestionale received it.
	Arrivo time.Time
}

// String is the line Registro prints.
func (n Notifica) String() string {
	s := fmt.Sprintf("%-11s %s/%s", n.Tipo, n.IDDominio, n.IUV)
	if n.IDRicevuta != "" {
		s += "/" + n.IDRicevuta
	}
	if n.Tipo != TipoAttivazione {
		s += fmt.Sprintf("  %s €  %s", n.Importo, n.Esito)
	}
	if n.IDPendenza != "" {
		s += fmt.Sprintf("  pendenza %s/%s", n.IDA2A, n.IDPendenza)
	}
	return s
}

// Registro is a notifica.Receiver that prints every notification on a
// writer and keeps it. It is safe for concurrent use. A real gestionale
// would book the payment in its database instead.
type Registro struct {
	mu      sync.Mutex
	out     io.Writer
	list    []Notifica
	changed chan struct{}
}

// NewRegistro returns an empty Registro printing to out (nil: print
// nothing).
func NewRegistro(out io.Writer) *Registro {
	if out == nil {
		out = io.Discard
	}
	return &Registro{out: out, changed: make(chan struct{})}
}

func (r *Registro) add(n Notifica) {
	n.Arrivo = time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, n)
	fmt.Fprintln(r.out, "notifica:", n)
	close(r.changed)
	r.changed = make(chan struct{})
}

// Attivazione records an API Ente v1 activation.
func (r *Registro) Attivazione(_ context.Context, p *notifica.Pagamento) error {
	r.add(Notifica{Tipo: TipoAttivazione, IDDominio: p.IDDominio, IUV: p.IUV, IDA2A: p.IDA2A, IDPendenza: p.IDPendenza,
		Chiave: p.Key(), Pagamento: p})
	return nil
}

// Pagamento records an API Ente v1 outcome. A receipt it cannot read is
// refused (GovPay then delivers it again, and an operator sees the error).
func (r *Registro) Pagamento(_ context.Context, p *notifica.Pagamento) error {
	rt, err := p.DatiRT()
	if err != nil {
		return fmt.Errorf("receipt of %s/%s: %w", p.IDDominio, p.IUV, err)
	}
	r.add(Notifica{Tipo: TipoPagamento, IDDominio: p.IDDominio, IUV: p.IUV, IDRicevuta: rt.IDRicevuta,
		IDA2A: p.IDA2A, IDPendenza: p.IDPendenza, Importo: rt.ImportoPagato, Esito: string(rt.Esito),
		Chiave: p.Key(), Pagamento: p})
	return nil
}

// Ricevuta records an API Ente v2 receipt.
func (r *Registro) Ricevuta(_ context.Context, rc *ricevute.Ricevuta) error {
	r.add(Notifica{Tipo: TipoRicevuta, IDDominio: rc.Dominio.IDDominio, IUV: rc.IUV, IDRicevuta: rc.IDRicevuta,
		IDA2A: rc.Pendenza.IDA2A, IDPendenza: rc.Pendenza.IDPendenza, Importo: rc.Importo, Esito: string(rc.Esito),
		Chiave: rc.Key(), Ricevuta: rc})
	return nil
}

// Notifiche returns a copy of the notifications received, oldest first.
func (r *Registro) Notifiche() []Notifica {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Notifica(nil), r.list...)
}

// Attendi waits until done reports true for the notifications received so
// far (it is called at once and after every new one), and returns them. It
// returns them with ctx.Err() when ctx ends first.
func (r *Registro) Attendi(ctx context.Context, done func([]Notifica) bool) ([]Notifica, error) {
	for {
		r.mu.Lock()
		list := append([]Notifica(nil), r.list...)
		ch := r.changed
		r.mu.Unlock()
		if done(list) {
			return list, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return list, ctx.Err()
		}
	}
}

// NewHandler serves reg as GovPay's API Ente (v1 and v2 notifications)
// behind HTTP Basic authentication with user and password, deduplicating
// redeliveries in memory unless opts give another deduplicator
// (notifica.WithDeduplicator: the last one given wins), such as
// notifica.NewSQLDeduplicator for several replicas. Mount it where GovPay's
// connector points, for example with http.StripPrefix("/ente", h). More
// options (a logger) may be added.
func NewHandler(reg *Registro, user, password string, opts ...notifica.Option) (http.Handler, error) {
	all := append([]notifica.Option{
		notifica.WithBasicAuth(user, password),
		notifica.WithDeduplicator(notifica.NewMemoryDeduplicator()),
	}, opts...)
	return notifica.NewHandler(reg, all...)
}
