// Package storage keeps everything sotay knows in PostgreSQL: one Storage
// type over *sqlx.DB, one file per entity, SQL next to the code that scans
// it, and the schema as embedded migrations.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-migrate/migrate/v4"
	"github.com/golang-migrate/migrate/v4/database"
	migratepg "github.com/golang-migrate/migrate/v4/database/postgres"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Storage is the one way in to the database. A Storage made by WithTx runs
// every method inside that transaction.
type Storage struct {
	db    *sqlx.DB
	tx    *sqlx.Tx
	now   func() time.Time
	depth int // savepoint nesting inside tx
	stmts *stmtCache

	// sendNow is the send budget's clock when a test sets one
	// (WithSendClock); nil is the database's.
	sendNow func() time.Time
}

// Option configures a Storage.
type Option func(*Storage)

// WithClock sets where the storage reads the current time (tests).
func WithClock(now func() time.Time) Option { return func(s *Storage) { s.now = now } }

// WithSendClock makes the shared send budget count on now instead of the
// database's clock: the outbox's slots, leases, per-chat slots and flood
// pauses (tests, whose leases must not run out because the machine is
// slow). Messages are due from when they were queued, on the database's
// clock, so now must not be behind it. In production every replica counts
// on the one clock of the database.
func WithSendClock(now func() time.Time) Option { return func(s *Storage) { s.sendNow = now } }

// New wraps an open database.
func New(db *sqlx.DB, opts ...Option) *Storage {
	s := &Storage{db: db, now: time.Now, stmts: &stmtCache{m: map[string]*sqlx.Stmt{}}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Open connects to dsn, creating the database first when it does not exist.
func Open(ctx context.Context, dsn string, opts ...Option) (*Storage, error) {
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		return nil, fmt.Errorf("storage: open: %w", err)
	}
	err = db.PingContext(ctx)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "3D000" { // invalid_catalog_name
		db.Close()
		if err := CreateDatabase(ctx, dsn); err != nil {
			return nil, err
		}
		db, err = sqlx.Open("postgres", dsn)
		if err != nil {
			return nil, fmt.Errorf("storage: open: %w", err)
		}
		err = db.PingContext(ctx)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: connect: %w", err)
	}
	ConfigurePool(db)
	return New(db, opts...), nil
}

// ConfigurePool sizes the connection pool as Open does: 20 connections at
// most (the dispatcher's 16 workers, the sender and the sweeps), 10 kept
// idle for five minutes.
func ConfigurePool(db *sqlx.DB) {
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
}

// CreateDatabase creates the database named in dsn, connecting to the
// server's "postgres" database to do it. An existing database is not an error.
func CreateDatabase(ctx context.Context, dsn string) error {
	name, db, err := maintenance(dsn, "create database")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42P04" { // duplicate_database
		return nil
	}
	if err != nil {
		return fmt.Errorf("storage: create database %q: %w", name, err)
	}
	return nil
}

// DropDatabase drops the database named in dsn (tests and demo --reset).
func DropDatabase(ctx context.Context, dsn string) error {
	name, db, err := maintenance(dsn, "drop database")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("storage: drop database %q: %w", name, err)
	}
	return nil
}

// maintenance returns the name of the database in dsn and a handle on the
// server's "postgres" database, where it can be created or dropped; what
// names the operation in an error.
func maintenance(dsn, what string) (string, *sql.DB, error) {
	name, adminDSN, err := splitDSN(dsn)
	if err != nil {
		return "", nil, err
	}
	db, err := sql.Open("postgres", adminDSN)
	if err != nil {
		return "", nil, fmt.Errorf("storage: %s: %w", what, err)
	}
	return name, db, nil
}

// splitDSN returns the database name of a URL-style dsn and the same dsn
// pointing at the "postgres" maintenance database.
func splitDSN(dsn string) (name, admin string, err error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", "", fmt.Errorf("DATABASE_URL phải có dạng postgres://user@host:5432/tencsdl?sslmode=disable")
	}
	name = strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return "", "", fmt.Errorf("DATABASE_URL chưa ghi tên cơ sở dữ liệu, ví dụ postgres://postgres@127.0.0.1:5432/sotay")
	}
	u.Path = "/postgres"
	return name, u.String(), nil
}

// DB returns the underlying database handle.
func (s *Storage) DB() *sqlx.DB { return s.db }

// Close closes the database.
func (s *Storage) Close() error { return s.db.Close() }

// Now is the storage's clock.
func (s *Storage) Now() time.Time { return s.now() }

// Ping checks that the database answers.
func (s *Storage) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// q is what queries run on: the transaction when there is one.
func (s *Storage) q() sqlx.ExtContext {
	if s.tx != nil {
		return s.tx
	}
	return s.db
}

// WithTx runs fn with a Storage bound to one transaction, committed when fn
// returns nil and rolled back otherwise. Inside a transaction it runs fn
// under a savepoint, so a failing part undoes only its own writes and the
// caller decides about the rest.
func (s *Storage) WithTx(ctx context.Context, fn func(*Storage) error) error {
	if s.tx != nil {
		// Savepoints are named by depth so that each level rolls back to
		// its own, even after an inner failure was handled.
		inner := *s
		inner.depth++
		sp := fmt.Sprintf("sotay_sp%d", inner.depth)
		if _, err := s.tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
			return fmt.Errorf("storage: savepoint: %w", err)
		}
		if err := fn(&inner); err != nil {
			if _, rerr := s.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp+"; RELEASE SAVEPOINT "+sp); rerr != nil {
				return fmt.Errorf("storage: rollback to savepoint: %v (after %w)", rerr, err)
			}
			return err
		}
		if _, err := s.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
			return fmt.Errorf("storage: release savepoint: %w", err)
		}
		return nil
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(&Storage{db: s.db, tx: tx, now: s.now, sendNow: s.sendNow, stmts: s.stmts}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: commit: %w", err)
	}
	return nil
}

func (s *Storage) get(ctx context.Context, dest any, query string, args ...any) error {
	var err error
	if st := s.stmt(ctx, query, args); st != nil {
		err = st.GetContext(ctx, dest, args...)
	} else {
		err = sqlx.GetContext(ctx, s.q(), dest, query, args...)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

func (s *Storage) sel(ctx context.Context, dest any, query string, args ...any) error {
	if st := s.stmt(ctx, query, args); st != nil {
		return st.SelectContext(ctx, dest, args...)
	}
	return sqlx.SelectContext(ctx, s.q(), dest, query, args...)
}

func (s *Storage) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := s.stmt(ctx, query, args); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.q().ExecContext(ctx, query, args...)
}

// stmtCache keeps the statements of the helpers prepared, on each
// connection of the pool as database/sql prepares them. Without it lib/pq
// sends every query with arguments as an unnamed statement that
// PostgreSQL parses and plans again each time: in the dispatcher's
// benchmark parse and plan took six times as long as the execution.
type stmtCache struct {
	mu        sync.Mutex
	m         map[string]*sqlx.Stmt
	preparing map[string]bool // queries prepareLater is preparing
}

// maxStmts bounds the cache; the queries of sotay are fixed strings,
// fewer than this.
const maxStmts = 1000

// stmt is query prepared, bound to the transaction when there is one; nil
// when it is not worth it (no arguments: lib/pq then uses the simple
// protocol, which also allows several statements in one string), not
// prepared yet inside a transaction (it is prepared in the background for
// the next time), or preparing failed (the query then runs unprepared and
// reports its error).
func (s *Storage) stmt(ctx context.Context, query string, args []any) *sqlx.Stmt {
	if len(args) == 0 || s.stmts == nil {
		return nil
	}
	c := s.stmts
	c.mu.Lock()
	st, full := c.m[query], len(c.m) >= maxStmts
	c.mu.Unlock()
	if st == nil && full {
		return nil // a query built with values in it: not worth preparing
	}
	if st == nil {
		if s.tx != nil {
			// Preparing takes a connection of its own: waiting for one
			// while this transaction holds its own deadlocks a full
			// pool (every worker in a transaction, each waiting for a
			// second connection). Run unprepared now; prepare for later.
			c.prepareLater(s.db, query)
			return nil
		}
		var err error
		if st, err = s.db.PreparexContext(ctx, query); err != nil {
			return nil
		}
		if st = c.keep(query, st); st == nil {
			return nil
		}
	}
	if s.tx != nil {
		return s.tx.StmtxContext(ctx, st)
	}
	return st
}

// keep caches st for query and returns it, or closes it and returns the
// one already cached, or nil when the cache is full (the query then runs
// unprepared).
func (c *stmtCache) keep(query string, st *sqlx.Stmt) *sqlx.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[query]; old != nil {
		st.Close()
		return old
	}
	if len(c.m) >= maxStmts {
		st.Close()
		return nil
	}
	c.m[query] = st
	return st
}

// prepareLater prepares query on the pool in the background, once at a
// time for a query, and caches it.
func (c *stmtCache) prepareLater(db *sqlx.DB, query string) {
	c.mu.Lock()
	if c.preparing[query] || c.m[query] != nil || len(c.m) >= maxStmts {
		c.mu.Unlock()
		return
	}
	if c.preparing == nil {
		c.preparing = map[string]bool{}
	}
	c.preparing[query] = true
	c.mu.Unlock()
	go func() {
		st, err := db.Preparex(query)
		if err == nil {
			c.keep(query, st)
		}
		c.mu.Lock()
		delete(c.preparing, query)
		c.mu.Unlock()
	}()
}

// isUniqueViolation reports PostgreSQL's unique_violation (23505).
func isUniqueViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

// SchemaVersion returns the newest migration embedded in this binary.
func SchemaVersion() uint {
	entries, _ := migrations.ReadDir("migrations")
	var max uint
	for _, e := range entries {
		var v uint
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err == nil && v > max {
			max = v
		}
	}
	return max
}

// Migrate brings the schema up to this binary's version. A database whose
// schema is newer than the binary is refused: an older binary must not write
// into tables it does not know. A migration that fails, or one an earlier
// run left failed (the schema marked dirty), is a *MigrationError.
func (s *Storage) Migrate(ctx context.Context) (from, to uint, err error) {
	return s.migrate(ctx, false)
}

// RetryMigration is Migrate after a migration failed: it marks the failed
// version as not applied (the schema is at the version before it, the
// failed file having been rolled back) and runs it again with the rest.
// from is that earlier version. A schema no migration left failed is
// ErrNothingToRetry, and nothing is run.
func (s *Storage) RetryMigration(ctx context.Context) (from, to uint, err error) {
	return s.migrate(ctx, true)
}

// ErrNothingToRetry is RetryMigration on a schema no migration left failed.
var ErrNothingToRetry = errors.New("storage: no failed migration to retry")

// MigrationError is a migration that failed. Every migration file runs as
// one transaction (TestMigrationsAreSingleTransactions), so a failed one
// left nothing of itself: the schema is still at Before, only marked dirty
// at Version until `sotay migrate --retry`. Cause is PostgreSQL's message,
// empty when the failure was left by an earlier run.
type MigrationError struct {
	Version, Before uint
	File            string
	Cause           string
}

func (e *MigrationError) Error() string {
	retry := fmt.Sprintf("Hãy sửa nguyên nhân rồi chạy: sotay migrate --retry (đánh dấu phiên bản %d là chưa chạy và chạy lại tệp %s).", e.Version, e.File)
	rolledBack := fmt.Sprintf("Tệp này chạy trọn trong một giao dịch nên đã được hoàn tác hết: dữ liệu không đổi, lược đồ thực tế vẫn ở phiên bản %d, "+
		"nhưng được đánh dấu «dở dang» (dirty) ở phiên bản %d nên sotay không chạy trên cơ sở dữ liệu này.", e.Before, e.Version)
	if e.Cause == "" {
		return fmt.Sprintf("lược đồ cơ sở dữ liệu đang dở dang: một lần nâng lên phiên bản %d (tệp %s) trước đây đã bị lỗi.\n%s\n"+
			"Lỗi đã được in ra lúc đó; sotay migrate --retry cũng in lại lỗi nếu nguyên nhân vẫn còn.\n%s", e.Version, e.File, rolledBack, retry)
	}
	return fmt.Sprintf("nâng lược đồ cơ sở dữ liệu lên phiên bản %d (tệp %s) bị lỗi: %s\n%s\n%s", e.Version, e.File, e.Cause, rolledBack, retry)
}

func (s *Storage) migrate(ctx context.Context, retry bool) (from, to uint, err error) {
	src, err := iofs.New(migrations, "migrations")
	if err != nil {
		return 0, 0, fmt.Errorf("storage: migrations: %w", err)
	}
	// WithConnection, unlike WithInstance, leaves the pool open on Close.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("storage: migrate: %w", err)
	}
	drv, err := migratepg.WithConnection(ctx, conn, &migratepg.Config{})
	if err != nil {
		conn.Close()
		return 0, 0, fmt.Errorf("storage: migrate: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "postgres", drv)
	if err != nil {
		return 0, 0, fmt.Errorf("storage: migrate: %w", err)
	}
	defer m.Close()
	cur, dirty, err := m.Version()
	if err != nil && !errors.Is(err, migrate.ErrNilVersion) {
		return 0, 0, fmt.Errorf("storage: schema version: %w", err)
	}
	want := SchemaVersion()
	if cur > want {
		return cur, cur, fmt.Errorf("cơ sở dữ liệu có lược đồ phiên bản %d nhưng sotay này chỉ biết đến phiên bản %d: hãy cập nhật sotay thay vì chạy bản cũ trên cơ sở dữ liệu này", cur, want)
	}
	failed := func(v uint, cause string) *MigrationError {
		e := &MigrationError{Version: v, File: migrationFile(v), Cause: cause}
		if prev, err := src.Prev(v); err == nil {
			e.Before = prev
		}
		return e
	}
	switch {
	case dirty && !retry:
		return cur, cur, failed(cur, "")
	case !dirty && retry:
		return cur, cur, ErrNothingToRetry
	case dirty:
		r, _, err := src.ReadUp(cur)
		if err != nil {
			return cur, cur, fmt.Errorf("lược đồ dở dang ở phiên bản %d, mà sotay này không có tệp nâng cấp của phiên bản đó: hãy chạy sotay migrate --retry bằng bản sotay đã nâng lên phiên bản %d", cur, cur)
		}
		r.Close()
		// The failed file was rolled back: the schema is at the version
		// before it (none before the first).
		before := database.NilVersion
		if prev, err := src.Prev(cur); err == nil {
			before = int(prev)
		}
		if err := m.Force(before); err != nil {
			return cur, cur, fmt.Errorf("storage: mark version %d not applied: %w", cur, err)
		}
		cur = uint(max(before, 0))
	}
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		if v, dirty, verr := m.Version(); verr == nil && dirty {
			return cur, v, failed(v, migrationCause(err))
		}
		return cur, cur, fmt.Errorf("storage: migrate to %d: %w", want, err)
	}
	return cur, want, nil
}

// migrationFile is the name of version v's up file.
func migrationFile(v uint) string {
	entries, _ := migrations.ReadDir("migrations")
	prefix := fmt.Sprintf("%04d_", v)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), ".up.sql") {
			return e.Name()
		}
	}
	return prefix + "….up.sql"
}

// migrationCause is what PostgreSQL said about a failed migration, with
// the line of the file, or the error as it came.
func migrationCause(err error) string {
	var de database.Error
	if !errors.As(err, &de) {
		var p *database.Error
		if !errors.As(err, &p) {
			return err.Error()
		}
		de = *p
	}
	var pqErr *pq.Error
	if !errors.As(de.OrigErr, &pqErr) {
		return fmt.Sprint(de.OrigErr)
	}
	msg := pqErr.Message
	if pqErr.Detail != "" {
		msg += " (" + pqErr.Detail + ")"
	}
	if de.Line > 0 {
		msg = fmt.Sprintf("dòng %d: %s", de.Line, msg)
	}
	return msg
}

func int64Array(a []int64) any { return pq.Array(a) }

// Migrations returns the embedded migration files.
func Migrations() fs.FS { return migrations }

// selectAll runs a query for many rows of T; what names them in the error.
func selectAll[T any](ctx context.Context, s *Storage, what, query string, args ...any) ([]T, error) {
	var out []T
	if err := s.sel(ctx, &out, query, args...); err != nil {
		return nil, fmt.Errorf("storage: %s: %w", what, err)
	}
	return out, nil
}
