package main

import (
	"strings"
	"testing"
)

// TestDescribe: a given version is taken as Debian takes it (a leading v
// dropped), and one Debian would refuse is said before anything is built.
func TestDescribe(t *testing.T) {
	for given, want := range map[string]string{"v1.2.3": "1.2.3", "0.9": "0.9", "1.0~rc1+ci": "1.0~rc1+ci"} {
		if v, _, err := describe(given); err != nil || v != want {
			t.Errorf("describe(%q) = %q, %v; want %q", given, v, err, want)
		}
	}
	for _, bad := range []string{"latest", "1.0-1", "1.0 beta", "-1"} {
		if _, _, err := describe(bad); err == nil || !strings.Contains(err.Error(), "không dùng được cho gói Debian") {
			t.Errorf("describe(%q): %v", bad, err)
		}
	}
	// From git: this checkout's commit, as a version Debian sorts by time.
	if v, mtime, err := describe(""); err == nil {
		if !debVersion.MatchString(v) || mtime.IsZero() {
			t.Errorf("describe from git = %q, %v", v, mtime)
		}
	}
}
