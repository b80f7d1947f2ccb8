package storagetest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// EmptyDatabase creates a database with no schema at all, dropped when the
// test ends, and returns its DSN.
func EmptyDatabase(t testing.TB) string {
	t.Helper()
	admin, err := sql.Open("postgres", ServerURL())
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	name := "sotay_t_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("storagetest: create database: %v", err)
	}
	DropAtCleanup(t, name)
	return DSN(name)
}

// MigrationFailure is the message of the error FailMigrationsFrom raises.
const MigrationFailure = "migration blocked by the test"

// FailMigrationsFrom makes the migration to version, and every later one,
// fail in the database of dsn, as a broken file or a conflicting object
// would: an event trigger raises MigrationFailure at its first DDL
// statement once golang-migrate has marked that version. The returned
// function removes the cause.
func FailMigrationsFrom(t testing.TB, dsn string, version uint) (fix func()) {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(fmt.Sprintf(`CREATE FUNCTION sotay_test_block() RETURNS event_trigger LANGUAGE plpgsql AS $$
		BEGIN
			-- Nested: the query is planned only once the table exists.
			IF to_regclass('public.schema_migrations') IS NOT NULL THEN
				IF EXISTS (SELECT 1 FROM public.schema_migrations WHERE version >= %d) THEN
					RAISE EXCEPTION '%s';
				END IF;
			END IF;
		END $$;
		CREATE EVENT TRIGGER sotay_test_block ON ddl_command_start EXECUTE FUNCTION sotay_test_block();`, version, MigrationFailure)); err != nil {
		t.Fatalf("storagetest: block migrations: %v", err)
	}
	return func() {
		t.Helper()
		if _, err := db.Exec(`DROP EVENT TRIGGER sotay_test_block; DROP FUNCTION sotay_test_block()`); err != nil {
			t.Fatalf("storagetest: unblock migrations: %v", err)
		}
	}
}
