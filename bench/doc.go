// Package bench holds the SDK's cross-package benchmarks, each measured
// against a hand-written net/http + encoding/json baseline doing the same
// work in the same run. It has no API: everything is in its _test.go files.
//
// Every benchmark has the sub-benchmarks impl=sdk and impl=raw (the
// hand-written baseline), which benchstat compares side by side, and
// impl=paired, which alternates the two in one loop and reports their
// ratio sdk/raw (robust to the load of a shared machine). The P1 benchmarks
// also have impl=gen, the raw generated client of our specs (the peer a Go
// developer would otherwise use), and their impl=paired rotates the three
// and reports sdk/gen and sdk/raw:
//
//	go test -run '^$' -bench 'P1|P3|P4DecodePage' -benchmem -count 8 ./bench/ | tee /tmp/p13.txt
//	go test -run '^$' -bench 'P4List' -benchtime 1x -benchmem -count 6 ./bench/ | tee /tmp/p4.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col '/impl@(raw gen sdk)' -filter '/impl:(raw OR gen OR sdk)' /tmp/p13.txt /tmp/p4.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -filter '/impl:paired' /tmp/p13.txt /tmp/p4.txt
//
// BENCHMARKS.md at the repository root has the results and the targets.
//
// # The benchmarks
//
//   - P1 single-call overhead: pendenze.Client.Put (a pendenza with three
//     voci, answered 201), pagamenti.Client.Start (a cart with a full
//     pendenza and a notice, answered 201 legacy) and avvisi.Client.Get,
//     each against a loopback httptest server returning a canned answer.
//   - P3 notification throughput: the http.Handler of notifica.NewHandler
//     receiving an API Ente v2 receipt (PUT /ricevute/{idDominio}/{iuv}/
//     {idRicevuta}) vs a hand-written handler decoding the same body into an
//     equivalent struct; called directly (handler cost) and through a
//     loopback server.
//   - P4 listing: pendenze.Client.List over 10,000 and 100,000 pendenze in
//     pages of 200, served by a server that generates each page on the fly,
//     vs a hand-written page loop; time per item and peak live heap.
//
// The bulk loader (P2) is measured in package pendenze (BenchmarkLoad).
// The TestEquivalence tests check that the implementations compared do the
// same work and get the same answer, so a benchmark never measures a
// broken call.
package bench
