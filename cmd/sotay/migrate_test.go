package main

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestMigrateRetry: the newest migration fails; sotay migrate explains in
// Vietnamese what happened and exits non-zero, and so does every command
// while the schema is marked dirty; sotay migrate --retry, once the cause
// is fixed, marks the failed version as not applied and runs it again.
func TestMigrateRetry(t *testing.T) {
	dsn := storagetest.EmptyDatabase(t)
	env := []string{"DATABASE_URL=" + dsn}
	last := storage.SchemaVersion()
	prev := previousVersion(t, last)
	file := fmt.Sprintf("tệp %04d_", last)
	fix := storagetest.FailMigrationsFrom(t, dsn, last)
	version := func() (uint, bool) {
		var v struct {
			Version uint `db:"version"`
			Dirty   bool `db:"dirty"`
		}
		if err := open(t, dsn).DB().Get(&v, `SELECT version, dirty FROM schema_migrations`); err != nil {
			t.Fatal(err)
		}
		return v.Version, v.Dirty
	}

	r := run(t, env, "migrate")
	if r.code != 1 {
		t.Fatalf("failed migration: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		fmt.Sprintf("nâng lược đồ cơ sở dữ liệu lên phiên bản %d (%s", last, file), storagetest.MigrationFailure,
		"đã được hoàn tác hết", fmt.Sprintf("vẫn ở phiên bản %d", prev), "sotay migrate --retry",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("no %q in %q", want, r.stderr)
		}
	}
	if v, dirty := version(); v != last || !dirty {
		t.Fatalf("schema %d dirty %v", v, dirty)
	}
	t.Run("DirtySaidByEveryCommand", func(t *testing.T) {
		for _, args := range [][]string{{"migrate"}, {"orgs", "list"}} {
			r := run(t, env, args...)
			if r.code != 1 || !strings.Contains(r.stderr, fmt.Sprintf("đang dở dang: một lần nâng lên phiên bản %d", last)) ||
				!strings.Contains(r.stderr, "sotay migrate --retry") {
				t.Errorf("%s: exit %d: %s", args, r.code, r.stderr)
			}
		}
	})
	t.Run("RetryBeforeTheFixFailsAgain", func(t *testing.T) {
		r := run(t, env, "migrate", "--retry")
		if r.code != 1 || !strings.Contains(r.stderr, storagetest.MigrationFailure) {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if v, dirty := version(); v != last || !dirty {
			t.Fatalf("schema %d dirty %v", v, dirty)
		}
	})
	fix()
	r = run(t, env, "migrate", "--retry")
	if r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("Đã chạy lại phần nâng cấp bị lỗi: lược đồ cơ sở dữ liệu đã nâng từ phiên bản %d lên %d", prev, last)) {
		t.Fatalf("retry: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if v, dirty := version(); v != last || dirty {
		t.Fatalf("schema %d dirty %v", v, dirty)
	}
	mustRun(t, env, "orgs", "list")
	r = run(t, env, "migrate", "--retry")
	if r.code != 0 || !strings.Contains(r.stdout, "Không có lần nâng lược đồ nào bị lỗi để chạy lại") ||
		!strings.Contains(r.stdout, fmt.Sprintf("đã ở phiên bản mới nhất (%d)", last)) {
		t.Fatalf("retry on a clean schema: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
}

// previousVersion is the newest migration before v: numbers are handed out
// per branch, so one may be missing.
func previousVersion(t *testing.T, v uint) uint {
	t.Helper()
	for p := v - 1; p > 0; p-- {
		if ups, _ := fs.Glob(storage.Migrations(), fmt.Sprintf("migrations/%04d_*.up.sql", p)); len(ups) == 1 {
			return p
		}
	}
	t.Fatalf("no migration before %d", v)
	return 0
}
