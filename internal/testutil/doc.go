// Package testutil is the test harness shared by the SDK's packages, in the
// style of go-github: an httptest server whose API is mounted under a deep
// base path, so that a client building an absolute path misses it; request
// assertions; GovPay FaultBean answers; connection faults; and distinctive
// secrets for redaction tests.
//
// # Server
//
//	mux, baseURL := testutil.NewServer(t, testutil.PendenzeBasePath)
//	mux.HandleFunc("PUT /pendenze/{idA2A}/{idPendenza}", func(w http.ResponseWriter, r *http.Request) {
//		testutil.TestMethod(t, r, http.MethodPut)
//		testutil.TestHeader(t, r, "Accept", "application/json")
//		testutil.WriteJSON(w, http.StatusCreated, map[string]any{"numeroAvviso": "301000000000000017"})
//	})
//	client := pendenze.New(testutil.Config(t, govpay.APIPendenze, baseURL, …))
//
// Patterns are relative to the base path. A request outside it fails the
// test.
//
// # Faults
//
// [WriteFault] answers with a FaultBean; [DropConnection] and
// [ResetConnection] end the connection without an answer; [Hits] counts the
// requests a handler serves.
//
// # Secrets
//
// [DistinctSecrets] returns credentials that cannot appear by chance, and
// [Secrets.AssertAbsent] checks that none of them, nor any fragment of
// them, appears in a text.
//
// # Upstream reference data
//
// [Upstream] locates the upstream reference folder (../shared/upstream
// beside the repository, or $GOVPAY_UPSTREAM) for the conformance tests,
// whatever their package directory, and skips the test when it is absent,
// or fails it when GOVPAY_REQUIRE_UPSTREAM=1:
//
//	spec := filepath.Join(testutil.Upstream(t), "govpay", "ente-v2", "govpay-api-ec.yaml")
//
// This package is for tests only: it imports package testing.
package testutil
