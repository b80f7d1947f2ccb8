package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// DialogTTL is how long a half-filled dialog waits for its next answer.
const DialogTTL = 24 * time.Hour

// Dialog is a multi-step conversation in progress: its name, its step and
// its draft as JSON. It lives in the database so a restart loses nothing.
type Dialog struct {
	UserID    int64           `db:"telegram_user_id"`
	Name      string          `db:"name"`
	Step      string          `db:"step"`
	Draft     json.RawMessage `db:"draft"`
	UpdatedAt time.Time       `db:"updated_at"`
	ExpiresAt time.Time       `db:"expires_at"`
}

// Decode unmarshals the draft into v.
func (d Dialog) Decode(v any) error {
	if len(d.Draft) == 0 {
		return nil
	}
	return json.Unmarshal(d.Draft, v)
}

// Dialog returns the open dialog of a Telegram user; an expired one is ErrNotFound.
func (s *Storage) Dialog(ctx context.Context, userID int64) (Dialog, error) {
	var d Dialog
	err := s.get(ctx, &d, `SELECT telegram_user_id, name, step, draft, updated_at, expires_at FROM dialogs
		WHERE telegram_user_id = $1 AND expires_at > $2`, userID, s.now())
	if err != nil {
		return d, fmt.Errorf("storage: dialog of %d: %w", userID, err)
	}
	return d, nil
}

// DialogForUpdate is Dialog with the row locked until the transaction ends,
// so that two presses of one button, handled at once by two replicas, take
// turns: the second sees what the first left.
func (s *Storage) DialogForUpdate(ctx context.Context, userID int64) (Dialog, error) {
	var d Dialog
	err := s.get(ctx, &d, `SELECT telegram_user_id, name, step, draft, updated_at, expires_at FROM dialogs
		WHERE telegram_user_id = $1 AND expires_at > $2 FOR UPDATE`, userID, s.now())
	if err != nil {
		return d, fmt.Errorf("storage: dialog of %d: %w", userID, err)
	}
	return d, nil
}

// SaveDialog starts or advances a user's dialog; draft is marshalled to JSON.
func (s *Storage) SaveDialog(ctx context.Context, userID int64, name, step string, draft any) error {
	b, err := json.Marshal(draft)
	if err != nil {
		return fmt.Errorf("storage: dialog draft: %w", err)
	}
	now := s.now()
	_, err = s.exec(ctx, `INSERT INTO dialogs (telegram_user_id, name, step, draft, updated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (telegram_user_id) DO UPDATE SET name = EXCLUDED.name, step = EXCLUDED.step, draft = EXCLUDED.draft,
		updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at`, userID, name, step, string(b), now, now.Add(DialogTTL))
	if err != nil {
		return fmt.Errorf("storage: save dialog of %d: %w", userID, err)
	}
	return nil
}

// EndDialog closes a user's dialog and says whether one was open.
func (s *Storage) EndDialog(ctx context.Context, userID int64) (bool, error) {
	res, err := s.exec(ctx, `DELETE FROM dialogs WHERE telegram_user_id = $1 AND expires_at > $2`, userID, s.now())
	if err != nil {
		return false, fmt.Errorf("storage: end dialog of %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	_, _ = s.exec(ctx, `DELETE FROM dialogs WHERE telegram_user_id = $1`, userID)
	return n > 0, nil
}

// ExpiredDialog returns a user's dialog that ran out of time and was not
// replaced since, so that the next message can say so politely.
func (s *Storage) ExpiredDialog(ctx context.Context, userID int64) (Dialog, error) {
	var d Dialog
	err := s.get(ctx, &d, `SELECT telegram_user_id, name, step, draft, updated_at, expires_at FROM dialogs
		WHERE telegram_user_id = $1 AND expires_at <= $2`, userID, s.now())
	if err != nil {
		return d, fmt.Errorf("storage: expired dialog of %d: %w", userID, err)
	}
	return d, nil
}
