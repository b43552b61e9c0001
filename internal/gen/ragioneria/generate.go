// Package ragioneria is the generated client, server interface and wire model
// of the receipt resources of GovPay's API Ragioneria v3, produced by
// oapi-codegen from api/ragioneria-v3.yaml.
//
// Everything except this file is generated: do not edit it, change the spec
// and run `go generate ./internal/gen/...` instead. The package is internal:
// its types never appear in the public API of govpay-go.
package ragioneria

//go:generate go tool oapi-codegen -config ../../../api/ragioneria-v3.cfg.yaml ../../../api/ragioneria-v3.yaml
