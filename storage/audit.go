package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEntry is one admin action.
type AuditEntry struct {
	ID      int64     `db:"id"`
	At      time.Time `db:"at"`
	Actor   string    `db:"actor"`
	Action  string    `db:"action"`
	Subject string    `db:"subject"`
	Details string    `db:"details"`
}

// Audit records an admin action. actor is "cli" or "tg:<user id>";
// details is anything that marshals to JSON (nil for none).
func (s *Storage) Audit(ctx context.Context, actor, action, subject string, details any) error {
	b := []byte("{}")
	if details != nil {
		var err error
		if b, err = json.Marshal(details); err != nil {
			return fmt.Errorf("storage: audit %s: %w", action, err)
		}
	}
	if actor == "" {
		actor = "system"
	}
	_, err := s.exec(ctx, `INSERT INTO audit_log (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5)`,
		s.now(), actor, action, subject, string(b))
	if err != nil {
		return fmt.Errorf("storage: audit %s: %w", action, err)
	}
	return nil
}

// AuditLog returns the newest entries first.
func (s *Storage) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	return selectAll[AuditEntry](ctx, s, "audit log", `SELECT id, at, actor, action, subject, details::text AS details FROM audit_log ORDER BY id DESC LIMIT $1`, limit)
}
