package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// SchemaState is the schema version recorded in the database.
type SchemaState struct {
	Version uint
	Dirty   bool
}

// Schema reads the version the migrations left in the database; a database
// never migrated has version 0.
func (s *Storage) Schema(ctx context.Context) (SchemaState, error) {
	var st SchemaState
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&v, &st.Dirty)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return st, nil
	case err != nil && isUndefinedTable(err):
		return st, nil
	case err != nil:
		return st, fmt.Errorf("storage: schema version: %w", err)
	}
	st.Version = uint(v)
	return st, nil
}

// OutboxBacklog is what waits in the outbox.
type OutboxBacklog struct {
	Pending int64
	// OldestAge is how long the oldest pending message has waited; zero
	// when nothing is pending.
	OldestAge time.Duration
}

// OutboxBacklog counts the pending messages and the age of the oldest, by
// the database's clock.
func (s *Storage) OutboxBacklog(ctx context.Context) (OutboxBacklog, error) {
	var b OutboxBacklog
	var age float64
	err := s.db.QueryRowContext(ctx, `
		SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'),
		       COALESCE((SELECT extract(epoch FROM now() - created_at) FROM outbox
		                 WHERE state = 'pending' ORDER BY id LIMIT 1), 0)`).Scan(&b.Pending, &age)
	if err != nil {
		return b, fmt.Errorf("storage: outbox backlog: %w", err)
	}
	b.OldestAge = time.Duration(age * float64(time.Second))
	return b, nil
}

// isUndefinedTable reports PostgreSQL's undefined_table (42P01).
func isUndefinedTable(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "42P01"
}
