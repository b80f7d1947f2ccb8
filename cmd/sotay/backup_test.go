package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sotay/storage/storagetest"
)

// deployDir holds the deployment kit the restore test runs for real.
const deployDir = "../../docs/deploy"

// ownRole creates a login role that owns two new, empty databases, as
// docs/deploy/README.md sets up sotay: not a superuser. It returns their
// URLs under that role; role and databases are dropped when the test ends.
func ownRole(t *testing.T) (role string, main, spare string) {
	t.Helper()
	admin, err := sql.Open("postgres", storagetest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if err := admin.Ping(); err != nil {
		t.Skipf("no PostgreSQL: %v", err)
	}
	b := make([]byte, 5)
	rand.Read(b)
	role = "sotay_r_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw' NOSUPERUSER NOCREATEDB NOCREATEROLE"); err != nil {
		t.Fatal(err)
	}
	// Cleanups run last first: the databases go before their owner.
	t.Cleanup(func() { admin.Exec("DROP ROLE IF EXISTS " + role) })
	urlFor := func(db string) string {
		u, _ := url.Parse(storagetest.DSN(db))
		u.User = url.UserPassword(role, "pw")
		return u.String()
	}
	for _, db := range []string{role + "_main", role + "_spare"} {
		if _, err := admin.Exec("CREATE DATABASE " + db + " OWNER " + role + " TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
			t.Fatal(err)
		}
		storagetest.DropAtCleanup(t, db)
	}
	return role, urlFor(role + "_main"), urlFor(role + "_spare")
}

// TestBackupAndRestore runs the kit's backup and restore scripts: a database
// migrated and filled by its own (non-superuser) role is dumped, restored
// into an empty one, upgraded by `sotay migrate` and read back; a restored
// database whose schema is newer than the binary is refused, in Vietnamese.
func TestBackupAndRestore(t *testing.T) {
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required under CI", tool)
			}
			t.Skipf("no %s", tool)
		}
	}
	_, mainURL, spareURL := ownRole(t)
	env := []string{"DATABASE_URL=" + mainURL}
	mustRun(t, env, "migrate")
	mustRun(t, env, "import", "orgs", write(t, "o.csv", orgsCSV))
	mustRun(t, env, "import", "members", write(t, "m.csv", membersCSV))
	// A document's file lives in the file store, which the dump must carry.
	pdf := storagetest.PDF(t, "KẾT LUẬN\nvề đẩy mạnh xây dựng, chỉnh đốn Đảng")
	mustRun(t, env, "doc", "add", "--kind", "ket_luan", "--number", "21-KL/TW", "--title", "Kết luận về xây dựng Đảng",
		"--issuer", "Ban Chấp hành Trung ương", "--date", "25/10/2021", "--file", writeBytes(t, "kl21.pdf", pdf))

	backups := t.TempDir()
	script := func(name string, env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(filepath.Join(deployDir, name), args...)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "SOTAY=" + binary}, env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		return string(out)
	}
	// A dump older than KEEP_DAYS goes once a new one is there.
	old := filepath.Join(backups, "sotay-20200101T000000Z.dump")
	if err := os.WriteFile(old, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	month := time.Now().Add(-30 * 24 * time.Hour)
	os.Chtimes(old, month, month)
	script("sotay-backup.sh", []string{"DATABASE_URL=" + mainURL, "BACKUP_DIR=" + backups})
	dumps, _ := filepath.Glob(filepath.Join(backups, "sotay-2*.dump"))
	if len(dumps) != 1 || dumps[0] == old {
		t.Fatalf("dumps: %v", dumps)
	}
	latest := filepath.Join(backups, "sotay-LATEST.dump")
	if to, err := os.Readlink(latest); err != nil || to != filepath.Base(dumps[0]) {
		t.Fatalf("sotay-LATEST.dump links to %q (%v), want %s", to, err, filepath.Base(dumps[0]))
	}

	t.Run("Restored", func(t *testing.T) {
		out := script("sotay-restore.sh", nil, latest, spareURL)
		for _, want := range []string{"mới nhất", "CBNAHIEN", "Chi bộ bản Pà Pao"} {
			if !strings.Contains(out, want) {
				t.Fatalf("restore output lacks %q:\n%s", want, out)
			}
		}
		r := mustRun(t, []string{"DATABASE_URL=" + spareURL}, "invite", "--org", "CBNAHIEN", "--bot-username", "sotay_bot")
		if !strings.Contains(r.stdout, "DV0001") || !strings.Contains(r.stdout, "DV0002") {
			t.Fatalf("invites from the restored database: %+v", r)
		}
		s := open(t, spareURL)
		d, err := s.DocumentByNumber(context.Background(), "21-KL/TW", "")
		if err != nil {
			t.Fatal(err)
		}
		if data, err := s.DocumentFile(context.Background(), d.ID); err != nil || !bytes.Equal(data, pdf) {
			t.Fatalf("the document's file not restored from the file store (%v)", err)
		}
	})
	t.Run("CopiedOffTheServer", func(t *testing.T) {
		copyOff(t, backups, dumps[0])
	})
	t.Run("NewerSchemaRefused", func(t *testing.T) {
		db, err := sql.Open("postgres", spareURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`UPDATE schema_migrations SET version = 9999`); err != nil {
			t.Fatal(err)
		}
		spare := []string{"DATABASE_URL=" + spareURL, "TELEGRAM_BOT_TOKEN=123456:" + strings.Repeat("A", 35)}
		for _, args := range [][]string{{"serve"}, {"migrate"}, {"orgs", "list"}} {
			r := run(t, spare, args...)
			if r.code != 1 || !strings.Contains(r.stderr, "phiên bản 9999") || !strings.Contains(r.stderr, "hãy cập nhật sotay") {
				t.Fatalf("%v on a newer schema: %+v", args, r)
			}
		}
	})
}
