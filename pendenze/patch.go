package pendenze

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/govpaygo/govpay/internal/transport"
	"github.com/govpaygo/govpay/internal/verr"
)

// PatchOperazione is the operation of a PatchOp, in GovPay's dialect (not
// RFC 6902).
type PatchOperazione string

// GovPay's patch operations.
const (
	OpAdd     PatchOperazione = "ADD"
	OpDelete  PatchOperazione = "DELETE"
	OpReplace PatchOperazione = "REPLACE"
)

// The paths GovPay's PATCH of a pendenza knows.
const (
	PathStato            = "/stato"
	PathDescrizioneStato = "/descrizioneStato"
	PathAck              = "/ack"
	PathNota             = "/nota"
)

// PatchOp is one change of a Patch: {"op": "REPLACE", "path": "/stato",
// "value": "ANNULLATA"}. Build it with ReplaceStato, ReplaceDescrizioneStato,
// ReplaceAck or AddNota, or as a literal for paths this package does not
// know.
type PatchOp struct {
	Op    PatchOperazione `json:"op"`
	Path  string          `json:"path"`
	Value any             `json:"value"`
}

// Nota is a note added to a pendenza (ADD /nota).
type Nota struct {
	// Tipo of the note; GovPay uses NOTA_UTENTE for notes written by users.
	Tipo    string `json:"tipo,omitempty"`
	Oggetto string `json:"oggetto"`
	Testo   string `json:"testo"`
}

// ReplaceStato sets the state of the pendenza: StatoAnnullata cancels it,
// StatoNonEseguita reactivates it.
func ReplaceStato(s StatoPendenza) PatchOp {
	return PatchOp{Op: OpReplace, Path: PathStato, Value: string(s)}
}

// ReplaceDescrizioneStato sets the free-text reason of the state.
func ReplaceDescrizioneStato(s string) PatchOp {
	return PatchOp{Op: OpReplace, Path: PathDescrizioneStato, Value: s}
}

// ReplaceAck sets the acknowledgement flag of an anomalous pendenza.
func ReplaceAck(ack bool) PatchOp {
	return PatchOp{Op: OpReplace, Path: PathAck, Value: ack}
}

// AddNota adds a note to the pendenza.
func AddNota(n Nota) PatchOp {
	return PatchOp{Op: OpAdd, Path: PathNota, Value: n}
}

// Patch applies ops to the pendenza idA2A/idPendenza
// (PATCH /pendenze/{idA2A}/{idPendenza}, a JSON array sent as
// application/json) and returns the pendenza as updated. GovPay refuses an
// operation it cannot carry out (cancelling a paid pendenza, say) with a
// 500 OPERAZIONE, a *govpay.Error matching govpay.ErrOperazione.
//
// Patch is never retried: it may not be safe to repeat. If GovPay answers
// 204 without a body, Patch returns a nil Dettaglio and a nil error.
func (c *Client) Patch(ctx context.Context, idA2A, idPendenza string, ops ...PatchOp) (*Dettaglio, error) {
	const op = "pendenze.Patch"
	v := verr.New("patch")
	checkIDs(v, idA2A, idPendenza)
	if len(ops) == 0 {
		v.Add("ops", "required: at least one operation")
	}
	for i, o := range ops {
		switch o.Op {
		case OpAdd, OpDelete, OpReplace:
		default:
			v.Addf("["+strconv.Itoa(i)+"].op", "must be ADD, DELETE or REPLACE")
		}
		if !strings.HasPrefix(o.Path, "/") {
			v.Addf("["+strconv.Itoa(i)+"].path", "must start with /")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(ops)
	if err != nil {
		return nil, err
	}
	resp, err := c.api.PatchPendenzaWithBody(transport.WithCall(ctx, transport.Request{Operation: op, NoRetry: true}),
		idA2A, idPendenza, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNoContent:
		resp.Body.Close()
		return nil, nil
	default:
		return nil, unexpected(op, resp)
	}
	var d Dettaglio
	if err := transport.DecodeJSON(op, resp, &d); err != nil {
		return nil, err
	}
	if err := d.complete(op, resp); err != nil {
		return nil, err
	}
	return &d, nil
}

// Cancel cancels the pendenza idA2A/idPendenza (state ANNULLATA), with
// motivo as the state's description when not empty. It is a Patch: never
// retried.
func (c *Client) Cancel(ctx context.Context, idA2A, idPendenza, motivo string) error {
	return c.setStato(ctx, idA2A, idPendenza, StatoAnnullata, motivo)
}

// Reactivate reactivates a cancelled pendenza (state NON_ESEGUITA), with
// motivo as the state's description when not empty. It is a Patch: never
// retried.
func (c *Client) Reactivate(ctx context.Context, idA2A, idPendenza, motivo string) error {
	return c.setStato(ctx, idA2A, idPendenza, StatoNonEseguita, motivo)
}

func (c *Client) setStato(ctx context.Context, idA2A, idPendenza string, s StatoPendenza, motivo string) error {
	ops := []PatchOp{ReplaceStato(s)}
	if motivo != "" {
		ops = append(ops, ReplaceDescrizioneStato(motivo))
	}
	_, err := c.Patch(ctx, idA2A, idPendenza, ops...)
	return err
}
