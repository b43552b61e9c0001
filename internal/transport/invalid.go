package transport

import "github.com/govpaygo/govpay"

// invalidOption returns the *govpay.ValidationError of New's arguments
// (What "options") with one violation. Fields follow the scheme of
// govpay.Option: "baseURL", "opts[i]", "<Option>.<argument>", or the
// option alone for one that cannot work with the others.
func invalidOption(field, rule string) error {
	return &govpay.ValidationError{What: "options", Violations: []govpay.Violation{{Field: field, Rule: rule}}}
}
