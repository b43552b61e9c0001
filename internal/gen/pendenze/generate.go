// Package pendenze is the generated client, server interface and wire model of
// GovPay's API Pendenze v2, produced by oapi-codegen from api/pendenze-v2.yaml.
//
// Everything except this file is generated: do not edit it, change the spec
// and run `go generate ./internal/gen/...` instead. The package is internal:
// its types never appear in the public API of govpay-go.
package pendenze

//go:generate go tool oapi-codegen -config ../../../api/pendenze-v2.cfg.yaml ../../../api/pendenze-v2.yaml
