// Package verr builds the *govpay.ValidationError every library package
// returns for invalid input. The builder is internal so that the public
// error type exposes only what a caller reads (What, Violations, Has,
// Error, Is): a caller never assembles a ValidationError itself.
package verr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/govpaygo/govpay"
)

// Builder collects the violations of one input. Its zero value is ready to
// use; set What to name the thing validated. A Builder has the fields of
// govpay.ValidationError, so Err returns it as one without copying.
type Builder govpay.ValidationError

// New returns an empty builder for the input named what ("pendenza",
// "cart", "StartOptions").
func New(what string) *Builder { return &Builder{What: what} }

// Add records a violation of field.
func (b *Builder) Add(field, rule string) {
	b.Violations = append(b.Violations, govpay.Violation{Field: field, Rule: rule})
}

// Addf records a violation of field with a formatted rule.
func (b *Builder) Addf(field, format string, args ...any) {
	b.Add(field, fmt.Sprintf(format, args...))
}

// Merge adds the violations of err under the field prefix: a
// *govpay.ValidationError's violations are prefixed ("voci[0]" + "." +
// field, "voci" + "[0]"), any other non-nil error becomes one violation of
// the prefix itself. A nil err, or a typed nil *govpay.ValidationError,
// adds nothing.
func (b *Builder) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	var ve *govpay.ValidationError
	if !errors.As(err, &ve) {
		b.Add(prefix, err.Error())
		return
	}
	if ve == nil {
		return
	}
	for _, v := range ve.Violations {
		f := v.Field
		switch {
		case prefix == "":
		case f == "":
			f = prefix
		case strings.HasPrefix(f, "["):
			f = prefix + f
		default:
			f = prefix + "." + f
		}
		b.Add(f, v.Rule)
	}
}

// Has reports whether a violation of field was recorded.
func (b *Builder) Has(field string) bool { return (*govpay.ValidationError)(b).Has(field) }

// Len returns the number of violations recorded.
func (b *Builder) Len() int {
	if b == nil {
		return 0
	}
	return len(b.Violations)
}

// Err returns the violations as a *govpay.ValidationError when there is at
// least one, nil otherwise.
func (b *Builder) Err() error {
	if b == nil || len(b.Violations) == 0 {
		return nil
	}
	return (*govpay.ValidationError)(b)
}

// Built returns the violations as a *govpay.ValidationError, even when
// there is none (for a caller that has already decided the input is
// refused).
func (b *Builder) Built() *govpay.ValidationError { return (*govpay.ValidationError)(b) }

// One returns a *govpay.ValidationError of what with the single violation
// field: rule.
func One(what, field, rule string) *govpay.ValidationError {
	return &govpay.ValidationError{What: what, Violations: []govpay.Violation{{Field: field, Rule: rule}}}
}
