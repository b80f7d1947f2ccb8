package storage

import (
	"context"
	"fmt"
	"time"
)

// When an action is recorded. A member on the web may act with no network:
// the page keeps the action and sends it later with its age, measured by
// the page's own monotonic clock. The server believes that age when the
// result is plausible; otherwise the action counts from its receipt.

// MaxActionAge is the oldest an action made offline may be recorded at.
const MaxActionAge = 7 * 24 * time.Hour

// ActionTime is when an action is recorded: claimed (the member's action
// time, zero when there is none) when it is plausible — not in the future,
// not before notBefore (the push or notice it answers), at most
// MaxActionAge ago — and now otherwise.
func ActionTime(claimed, now, notBefore time.Time) time.Time {
	if claimed.IsZero() || claimed.After(now) || claimed.Before(notBefore) || now.Sub(claimed) > MaxActionAge {
		return now
	}
	return claimed
}

// WebActionAt returns when the member made the web action recorded under
// updateID, by its receipt time minus its age, and when it was received.
// ErrNotFound: no web action has that update id (a Telegram update, or
// one pruned).
func (s *Storage) WebActionAt(ctx context.Context, updateID int64) (acted, received time.Time, err error) {
	var row struct {
		AgeMS      int64     `db:"age_ms"`
		ReceivedAt time.Time `db:"received_at"`
	}
	if err := s.get(ctx, &row, `SELECT age_ms, received_at FROM web_actions WHERE update_id = $1`, updateID); err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("storage: web action %d: %w", updateID, err)
	}
	return row.ReceivedAt.Add(-time.Duration(row.AgeMS) * time.Millisecond), row.ReceivedAt, nil
}

// WebActionSeen reports whether the member's page already sent the action
// with this client id (a press sent again after the message changed).
func (s *Storage) WebActionSeen(ctx context.Context, memberID int64, clientID string) (bool, error) {
	var seen bool
	if err := s.get(ctx, &seen, `SELECT EXISTS (SELECT 1 FROM web_actions WHERE member_id = $1 AND client_id = $2)`, memberID, clientID); err != nil {
		return false, fmt.Errorf("storage: web action seen: %w", err)
	}
	return seen, nil
}
