package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// MarkUpdate records an update id. It returns false when the id was
// recorded before: the update was applied already and must change nothing.
// Call it inside the transaction that applies the update.
func (s *Storage) MarkUpdate(ctx context.Context, updateID int) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO processed_updates (update_id, processed_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, updateID, s.now())
	if err != nil {
		return false, fmt.Errorf("storage: mark update %d: %w", updateID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// PruneUpdates forgets update ids older than age; Telegram redelivers
// nothing older than a day.
func (s *Storage) PruneUpdates(ctx context.Context, age time.Duration) error {
	if _, err := s.exec(ctx, `DELETE FROM processed_updates WHERE processed_at < $1`, s.now().Add(-age)); err != nil {
		return fmt.Errorf("storage: prune updates: %w", err)
	}
	return nil
}

// Offset returns the getUpdates offset to poll from next (0 when none yet).
func (s *Storage) Offset(ctx context.Context) (int, error) {
	var v string
	err := s.get(ctx, &v, `SELECT value FROM bot_state WHERE key = 'offset'`)
	if err == ErrNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("storage: offset: %w", err)
	}
	return strconv.Atoi(v)
}

// SetOffset stores the getUpdates offset; it never moves backwards.
func (s *Storage) SetOffset(ctx context.Context, offset int) error {
	_, err := s.exec(ctx, `INSERT INTO bot_state (key, value) VALUES ('offset', $1)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value WHERE bot_state.value::bigint < EXCLUDED.value::bigint`, strconv.Itoa(offset))
	if err != nil {
		return fmt.Errorf("storage: set offset: %w", err)
	}
	return nil
}
