// Package conformance holds tests that compare what govpay-go says about the
// wire with GovPay's and pagoPA's published interface descriptions.
//
// The reference material is not part of the repository. The tests look for
// it in ../shared/upstream beside the repository (../../../shared/upstream
// from this directory) or in the directory named by $GOVPAY_UPSTREAM, and
// skip with a clear message when it is absent.
//
// specs_test.go provides checkSpec, which checks one of our specs in api/
// against an upstream spec; add further specs by calling it from another
// _test.go file in this package.
package conformance
