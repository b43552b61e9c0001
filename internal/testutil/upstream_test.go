package testutil_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/internal/testutil"
)

// endTB is a testing.TB that records Skipf and Fatalf instead of ending the
// test.
type endTB struct {
	testing.TB
	skipped, failed string
}

func (e *endTB) Helper()                           {}
func (e *endTB) Skipf(format string, args ...any)  { e.skipped = fmt.Sprintf(format, args...) }
func (e *endTB) Fatalf(format string, args ...any) { e.failed = fmt.Sprintf(format, args...) }

func TestUpstream(t *testing.T) {
	wd, err := os.Getwd()
	require.NoError(t, err)
	root := filepath.Dir(filepath.Dir(wd)) // internal/testutil is two levels down
	require.FileExists(t, filepath.Join(root, "go.mod"))
	present := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(present, "govpay", "ente-v2"), 0o755))
	missing := filepath.Join(present, "nonexistent")

	for _, tc := range []struct {
		name              string
		env, require      string
		elem              []string
		want              string // the path returned, "" when the test ends
		skipped, failed   bool
		messageMentioning string
	}{
		{name: "folder", env: present, want: present},
		{name: "folder and elements", env: present, elem: []string{"govpay", "ente-v2"}, want: filepath.Join(present, "govpay", "ente-v2")},
		{name: "missing element skips", env: present, elem: []string{"pagopa", "checkout_v1.json"}, skipped: true, messageMentioning: filepath.Join(present, "pagopa", "checkout_v1.json")},
		{name: "missing folder skips", env: missing, skipped: true, messageMentioning: missing},
		{name: "nonexistent skips", env: "/nonexistent", skipped: true, messageMentioning: "/nonexistent"},
		{name: "required fails", env: missing, require: "1", failed: true, messageMentioning: "GOVPAY_REQUIRE_UPSTREAM"},
		{name: "required element fails", env: present, require: "true", elem: []string{"pagopa"}, failed: true, messageMentioning: filepath.Join(present, "pagopa")},
		{name: "require 0 skips", env: missing, require: "0", skipped: true},
		{name: "require false skips", env: missing, require: "false", skipped: true},
		{name: "required and present", env: present, require: "1", want: present},
		{name: "relative to the repository root", env: filepath.Join("internal", "testutil"), want: wd},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(testutil.UpstreamEnv, tc.env)
			t.Setenv(testutil.RequireUpstreamEnv, tc.require)
			e := &endTB{}
			got := testutil.Upstream(e, tc.elem...)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.skipped, e.skipped != "", "skipped: %q", e.skipped)
			assert.Equal(t, tc.failed, e.failed != "", "failed: %q", e.failed)
			if msg := e.skipped + e.failed; msg != "" {
				assert.Contains(t, msg, "upstream", "CI looks for skips that mention upstream")
				assert.Contains(t, msg, tc.messageMentioning)
			}
		})
	}

	t.Run("default beside the repository", func(t *testing.T) {
		t.Setenv(testutil.UpstreamEnv, "")
		t.Setenv(testutil.RequireUpstreamEnv, "")
		def := filepath.Join(filepath.Dir(root), "shared", "upstream")
		e := &endTB{}
		got := testutil.Upstream(e)
		if _, err := os.Stat(def); err == nil {
			assert.Equal(t, def, got)
			assert.Empty(t, e.skipped)
		} else {
			assert.Empty(t, got)
			assert.Contains(t, e.skipped, def)
		}
		assert.Empty(t, e.failed)
	})
}
