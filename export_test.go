package govpay

import "github.com/govpaygo/govpay/internal/config"

// ApplyOption applies o to c, for the tests of the options' effects (an
// Option is opaque outside this package).
func ApplyOption(o Option, c *config.Config) error { return o.apply(c) }
