package demodata

import (
	"context"
	"fmt"

	"sotay/storage"
)

// ForgetUpdates clears the processed update ids and the polling offset. The
// demo's in-process fake Bot API numbers its updates from 1 on every start:
// without this, the bot would poll past the new updates, or take them for
// updates of an earlier run that it has already applied, and answer nothing.
// Only for the sandbox: real Telegram's update ids never restart.
func ForgetUpdates(ctx context.Context, s *storage.Storage) error {
	for _, q := range []string{
		`DELETE FROM processed_updates`,
		`DELETE FROM bot_state WHERE key = 'offset'`,
	} {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("demodata: forget updates: %w", err)
		}
	}
	return nil
}
