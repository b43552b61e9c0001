// Package checkout1 is the generated client and wire model of pagoPA's
// Checkout EC API v1 (POST /carts), produced by oapi-codegen from
// api/checkout-v1.yaml. Amounts are int64 euro cents, as on the wire.
//
// Everything except this file is generated: do not edit it, change the spec
// and run `go generate ./internal/gen/...` instead. The package is internal:
// its types never appear in the public API of govpay-go.
package checkout1

//go:generate go tool oapi-codegen -config ../../../api/checkout-v1.cfg.yaml ../../../api/checkout-v1.yaml
