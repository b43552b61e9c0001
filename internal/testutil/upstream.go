package testutil

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Environment variables of the upstream reference folder.
const (
	// UpstreamEnv names the folder holding the upstream reference data
	// (the one with govpay/ and pagopa/ inside). A relative path is taken
	// from the repository root. Unset, the folder is ../shared/upstream
	// beside the repository.
	UpstreamEnv = "GOVPAY_UPSTREAM"
	// RequireUpstreamEnv, set to anything but "", "0" or "false", turns a
	// missing upstream folder from a skip into a failure (CI sets it to 1).
	RequireUpstreamEnv = "GOVPAY_REQUIRE_UPSTREAM"
)

// Upstream returns the absolute path of the upstream reference folder
// (GovPay's and pagoPA's published specs and message samples, read by the
// conformance tests and never copied into the repository), joined with elem
// when given: Upstream(t, "govpay", "ente-v2", "govpay-api-ec.yaml").
//
// The folder is $GOVPAY_UPSTREAM, or ../shared/upstream beside the
// repository root (the directory holding go.mod), whatever the package
// directory the test runs in. When the path does not exist the test is
// skipped with a message naming it, or fails when GOVPAY_REQUIRE_UPSTREAM
// is set (see [RequireUpstreamEnv]); Upstream then returns "" (after
// t.Skipf or t.Fatalf, which end a real test).
func Upstream(t testing.TB, elem ...string) string {
	t.Helper()
	dir, err := upstreamRoot()
	if err == nil {
		dir = filepath.Join(append([]string{dir}, elem...)...)
		_, err = os.Stat(dir)
	}
	if err == nil {
		return dir
	}
	if upstreamRequired() {
		t.Fatalf("upstream reference data not found: %v (%s is set; set %s to the folder holding govpay/ and pagopa/)", err, RequireUpstreamEnv, UpstreamEnv)
		return ""
	}
	t.Skipf("upstream reference data not found: %v (set %s to the folder holding govpay/ and pagopa/)", err, UpstreamEnv)
	return ""
}

// upstreamRequired reports whether GOVPAY_REQUIRE_UPSTREAM asks for the
// upstream reference data to be present (anything but "", "0" or "false").
func upstreamRequired() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(RequireUpstreamEnv))) {
	case "", "0", "false":
		return false
	}
	return true
}

// upstreamRoot returns the absolute path the upstream folder should be at.
func upstreamRoot() (string, error) {
	env := os.Getenv(UpstreamEnv)
	if filepath.IsAbs(env) {
		return filepath.Clean(env), nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	if env != "" {
		return filepath.Join(root, env), nil
	}
	return filepath.Join(root, "..", "shared", "upstream"), nil
}

// repoRoot returns the nearest directory at or above the working
// directory (a test's package directory) that holds go.mod.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod at or above " + wd + ": cannot locate the repository root")
		}
		dir = parent
	}
}
