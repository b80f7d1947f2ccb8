// Package storagetest gives each test a fresh, migrated PostgreSQL database
// of its own. The server comes from TEST_DATABASE_URL (default the local
// server, user postgres). Without a server the test is skipped, except under
// CI=true, where it fails: CI must never pass by skipping.
package storagetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"sotay/storage"
)

// ServerURL is the DSN of the server's maintenance database.
func ServerURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// DSN returns ServerURL pointing at database name.
func DSN(name string) string {
	u, err := url.Parse(ServerURL())
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// New returns a Storage on a new database migrated to the newest schema,
// dropped when the test ends.
func New(t testing.TB, opts ...storage.Option) *storage.Storage {
	t.Helper()
	dsn := NewDatabase(t)
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatalf("storagetest: open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return storage.New(db, opts...)
}

// NewDatabase creates a fresh migrated database and returns its DSN.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin, err := sql.Open("postgres", ServerURL())
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("storagetest: PostgreSQL is required under CI but unreachable at %s: %v", ServerURL(), err)
		}
		t.Skipf("storagetest: no PostgreSQL at %s (%v); start it or set TEST_DATABASE_URL", ServerURL(), err)
	}
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx, admin) })
	if templateErr != nil {
		t.Fatalf("storagetest: template: %v", templateErr)
	}
	name := "sotay_t_" + randomHex(6)
	for attempt := 0; ; attempt++ {
		_, err = admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+templateName)
		if err == nil {
			break
		}
		// Copying a template fails while another session is connected to it.
		if attempt < 50 && strings.Contains(err.Error(), "being accessed by other users") {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		t.Fatalf("storagetest: create database: %v", err)
	}
	DropAtCleanup(t, name)
	return DSN(name)
}

// DropAtCleanup drops database name, if it exists, when the test ends: for
// the databases a test makes itself or has the program under test make.
func DropAtCleanup(t testing.TB, name string) {
	t.Cleanup(func() {
		a, err := sql.Open("postgres", ServerURL())
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
}

// ensureTemplate creates, once per schema, a migrated template database
// that test databases are copied from. An advisory lock keeps test binaries
// running in parallel from building it twice.
func ensureTemplate(ctx context.Context, admin *sql.DB) (string, error) {
	name := "sotay_tmpl_" + migrationsHash()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(774411)"); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(774411)")
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	s, err := storage.Open(ctx, DSN(building))
	if err != nil {
		return "", err
	}
	if _, _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return "", err
	}
	s.Close()
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+pq.QuoteIdentifier(name)); err != nil {
		return "", err
	}
	return name, nil
}

// migrationsHash names the template after the schema it holds.
func migrationsHash() string {
	h := sha256.New()
	_ = fs.WalkDir(storage.Migrations(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(storage.Migrations(), path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\n%s\n", path, b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// NewCommune is New with SeedCommune's commune written in it.
func NewCommune(t testing.TB, opts ...storage.Option) *storage.Storage {
	t.Helper()
	s := New(t, opts...)
	SeedCommune(t, s)
	return s
}

// SeedCommune writes the small commune many tests share: the root ROOT
// with the cells CB1 (members DV1 Lò Văn Minh, DV2 Hoàng Thị Hoa) and CB2
// (DV3 Giàng A Páo), phones 0912000001 to 0912000003, nobody linked.
func SeedCommune(t testing.TB, s *storage.Storage) {
	t.Helper()
	MustImport(t, s, []storage.OrgInput{
		{Line: 2, Code: "ROOT", Name: "Đảng bộ xã Bình Lư", Kind: storage.KindDangBo},
		{Line: 3, Code: "CB1", Name: "Chi bộ bản Nà Hiên", Kind: storage.KindChiBo, ParentCode: "ROOT"},
		{Line: 4, Code: "CB2", Name: "Chi bộ bản Pà Pao", Kind: storage.KindChiBo, ParentCode: "ROOT"},
	}, []storage.MemberInput{
		{Line: 2, Code: "DV1", FullName: "Lò Văn Minh", OrgCode: "CB1", Phone: "0912000001"},
		{Line: 3, Code: "DV2", FullName: "Hoàng Thị Hoa", OrgCode: "CB1", Phone: "0912000002"},
		{Line: 4, Code: "DV3", FullName: "Giàng A Páo", OrgCode: "CB2", Phone: "0912000003"},
	})
}

// MustImport imports organisations, then members, as an import with no
// options would, and ends the test if either fails. Either may be empty.
func MustImport(t testing.TB, s *storage.Storage, orgs []storage.OrgInput, members []storage.MemberInput) {
	t.Helper()
	ctx := context.Background()
	if len(orgs) > 0 {
		if _, err := s.ImportOrgs(ctx, orgs, nil, storage.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(members) > 0 {
		if _, err := s.ImportMembers(ctx, members, nil, storage.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// MustGrant gives a member a role over an organisation, as the CLI would.
func MustGrant(t testing.TB, s *storage.Storage, code, role, org string) {
	t.Helper()
	if err := s.GrantRole(context.Background(), code, role, org, "test"); err != nil {
		t.Fatal(err)
	}
}

// Pairs runs query, whose two columns are named k and v, and returns its
// rows as a map from k to v.
func Pairs[K comparable, V any](t testing.TB, s *storage.Storage, query string, args ...any) map[K]V {
	t.Helper()
	var rows []struct {
		K K `db:"k"`
		V V `db:"v"`
	}
	if err := s.DB().Select(&rows, query, args...); err != nil {
		t.Fatal(err)
	}
	out := make(map[K]V, len(rows))
	for _, r := range rows {
		out[r.K] = r.V
	}
	return out
}

// LinkedUser returns the Telegram user a member is linked to, 0 for none.
func LinkedUser(t testing.TB, s *storage.Storage, code string) int64 {
	t.Helper()
	m, err := s.Member(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if m.TelegramUserID == nil {
		return 0
	}
	return *m.TelegramUserID
}

// AllAtOnce calls f(0) to f(n-1) in n goroutines released together, as
// concurrent requests would arrive, and fails the test if any returns an
// error.
func AllAtOnce(t testing.TB, n int, f func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- f(i)
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
