// Package pagamento is the generated client and wire model of GovPay's API
// Pagamento v2, produced by oapi-codegen from api/pagamento-v2.yaml: the
// client of the operations the SDK sends (pagamenti.Client, avvisi.Client),
// and the models the conformance tests check the SDK's requests against.
//
// Everything except this file is generated: do not edit it, change the spec
// and run `go generate ./internal/gen/...` instead. The package is internal:
// its types never appear in the public API of govpay-go.
package pagamento

//go:generate go tool oapi-codegen -config ../../../api/pagamento-v2.cfg.yaml ../../../api/pagamento-v2.yaml
