// Package proof holds test campaigns that span the SDK's packages: the
// bad-input catalogue (every kind of invalid input is refused with a typed
// error naming the field, before anything reaches the network) and the
// conformance report (which upstream operations the SDK's requests validate
// against, and the documented exclusions).
//
// It has no exported API: everything is in its _test.go files.
//
// # Running
//
//	go test -race ./internal/proof/
//	GOVPAY_UPSTREAM=../shared/upstream go test -run Conformance -v ./internal/proof/
package proof
