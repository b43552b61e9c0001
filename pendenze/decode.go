package pendenze

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/verr"
)

// UnmarshalJSON fills p from the JSON of a pendenza (GovPay's
// NuovaPendenza), as encoding/json does for a struct, and names the voci
// whose kind cannot be told: when a voce holds the fields of no kind, or of
// several kinds (see [Voce.UnmarshalJSON]), the error is a
// *govpay.ValidationError with What "pendenza", matching
// govpay.ErrInvalid, with a violation "voci[i].kind" for every such voce
// (i counts from 0, as in the JSON array and in [Pendenza.Validate]).
// Other failures (a wrong JSON type, an amount with three decimals) are
// encoding/json's own errors, returned unchanged.
//
// Being a json.Unmarshaler, it does not see the options of a json.Decoder:
// with DisallowUnknownFields, an unknown field of the pendenza is ignored
// rather than refused.
func (p *Pendenza) UnmarshalJSON(b []byte) error {
	err := json.Unmarshal(b, (*pendenzaFields)(p))
	if err == nil {
		return nil
	}
	var ve *govpay.ValidationError
	if !errors.As(err, &ve) || ve.What != voceWhat {
		return err
	}
	// encoding/json stops at the first voce it cannot decode and returns
	// that voce's error as is, without its position: find every bad voce
	// again, by index. This runs only on failure.
	var w struct {
		Voci []json.RawMessage `json:"voci"`
	}
	if json.Unmarshal(b, &w) != nil {
		return err
	}
	all := verr.New("pendenza")
	for i, raw := range w.Voci {
		var v Voce
		vErr := v.UnmarshalJSON(raw)
		if errors.As(vErr, &ve) && ve.What == voceWhat {
			all.Merge("voci["+strconv.Itoa(i)+"]", vErr)
		}
	}
	if all.Len() == 0 {
		return err
	}
	return all.Err()
}
