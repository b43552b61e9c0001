// Package ente2 is the generated wire model of GovPay's API Ente v2 (the
// receipts and verifications GovPay sends to a vertical system), produced
// by oapi-codegen from api/ente-v2.yaml. Models only: the conformance tests
// check what notifica and govpaytest write and read against them; no
// client (the SDK never calls API Ente) and no server (notifica's handler
// is written by hand).
//
// Everything except this file is generated: do not edit it, change the spec
// and run `go generate ./internal/gen/...` instead. The package is internal:
// its types never appear in the public API of govpay-go.
package ente2

//go:generate go tool oapi-codegen -config ../../../api/ente-v2.cfg.yaml ../../../api/ente-v2.yaml
