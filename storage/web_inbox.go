package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The web inbox: a member's web chat as PostgreSQL keeps it. The bot's
// replies for a web chat (bot/web's sender), the proactive messages of
// the outbox (DeliverWebOutbox) and what the member said all land here;
// the page reads what changed after the last rev it has.

// WebMessage is one message of a web chat.
type WebMessage struct {
	ID         int64  `db:"id"`
	MemberID   int64  `db:"member_id"`
	Rev        int64  `db:"rev"`
	FromMember bool   `db:"from_member"`
	Text       string `db:"text"`
	// ParseMode is "HTML" or "" (plain text), as the bot sent it.
	ParseMode string `db:"parse_mode"`
	// ReplyMarkup is the markup as Telegram takes it, JSON; nil for none.
	ReplyMarkup []byte     `db:"reply_markup"`
	FileJSON    []byte     `db:"file"`
	Photo       bool       `db:"photo"`
	CreatedAt   time.Time  `db:"created_at"`
	EditedAt    *time.Time `db:"edited_at"`
	DeletedAt   *time.Time `db:"deleted_at"`
}

// File is the message's file, nil for none.
func (m WebMessage) File() *WebFile {
	if len(m.FileJSON) == 0 {
		return nil
	}
	var f WebFile
	if json.Unmarshal(m.FileJSON, &f) != nil {
		return nil
	}
	return &f
}

// WebMessageInput is a new message of a web chat.
type WebMessageInput struct {
	FromMember  bool
	Text        string
	ParseMode   string
	ReplyMarkup []byte // JSON, nil for none
	File        *WebFile
	Photo       bool
}

const webMessageColumns = `id, member_id, rev, from_member, text, parse_mode, reply_markup, file, photo, created_at, edited_at, deleted_at`

// AddWebMessage puts a message in a member's web chat.
func (s *Storage) AddWebMessage(ctx context.Context, memberID int64, in WebMessageInput) (WebMessage, error) {
	var file any
	if in.File != nil {
		b, err := json.Marshal(in.File)
		if err != nil {
			return WebMessage{}, fmt.Errorf("storage: web message: %w", err)
		}
		file = string(b)
	}
	var m WebMessage
	err := s.inboxTx(ctx, func(s *Storage) error {
		return s.get(ctx, &m, `INSERT INTO web_messages (member_id, from_member, text, parse_mode, reply_markup, file, photo, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+webMessageColumns,
			memberID, in.FromMember, in.Text, in.ParseMode, jsonOrNull(in.ReplyMarkup), file, in.Photo, s.now())
	})
	if err != nil {
		return m, fmt.Errorf("storage: web message for %d: %w", memberID, err)
	}
	return m, nil
}

// inboxTx runs fn in a transaction that holds the inbox's write lock until
// it commits. Every change to a web chat takes the next rev, and a page asks
// for what changed after the last rev it saw: were two writers to take
// revs 10 and 11 and commit 11 first, a page could see 11 and never 10. So
// the writers take turns, and revs are committed in order. Each holds the
// lock for one short statement (the outbox's delivery for one batch).
func (s *Storage) inboxTx(ctx context.Context, fn func(*Storage) error) error {
	return s.WithTx(ctx, func(s *Storage) error {
		if _, err := s.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sotay web inbox'))`); err != nil {
			return err
		}
		return fn(s)
	})
}

func jsonOrNull(b []byte) any {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return string(b)
}

// WebEdit changes a message of a web chat, as editMessageText and
// editMessageReplyMarkup do: Text (nil: unchanged) and the markup, which an
// edit replaces (nil removes the keyboard, as on Telegram).
type WebEdit struct {
	Text        *string
	ParseMode   string
	ReplyMarkup []byte
}

// EditWebMessage edits a message the bot sent to a member's web chat. A
// message that is not there (another member's, the member's own, deleted)
// is ErrNotFound.
func (s *Storage) EditWebMessage(ctx context.Context, memberID, id int64, e WebEdit) (WebMessage, error) {
	var m WebMessage
	err := s.inboxTx(ctx, func(s *Storage) error {
		return s.get(ctx, &m, `UPDATE web_messages SET rev = nextval('web_rev_seq'), edited_at = $3,
				text = COALESCE($4, text), parse_mode = CASE WHEN $4::text IS NULL THEN parse_mode ELSE $5 END, reply_markup = $6
			WHERE id = $1 AND member_id = $2 AND NOT from_member AND deleted_at IS NULL RETURNING `+webMessageColumns,
			id, memberID, s.now(), e.Text, e.ParseMode, jsonOrNull(e.ReplyMarkup))
	})
	if err != nil {
		return m, fmt.Errorf("storage: edit web message %d: %w", id, err)
	}
	return m, nil
}

// DeleteWebMessage deletes a message of a member's web chat; the page
// learns it at its next read.
func (s *Storage) DeleteWebMessage(ctx context.Context, memberID, id int64) error {
	return s.inboxTx(ctx, func(s *Storage) error {
		res, err := s.exec(ctx, `UPDATE web_messages SET rev = nextval('web_rev_seq'), deleted_at = $3
			WHERE id = $1 AND member_id = $2 AND deleted_at IS NULL`, id, memberID, s.now())
		if err != nil {
			return fmt.Errorf("storage: delete web message %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("storage: delete web message %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// WebMessage returns one message of a member's web chat.
func (s *Storage) WebMessage(ctx context.Context, memberID, id int64) (WebMessage, error) {
	var m WebMessage
	if err := s.get(ctx, &m, `SELECT `+webMessageColumns+` FROM web_messages WHERE id = $1 AND member_id = $2`, id, memberID); err != nil {
		return m, fmt.Errorf("storage: web message %d: %w", id, err)
	}
	return m, nil
}

// WebInbox returns what changed in a member's web chat after rev since, in
// the order it changed, at most limit messages (deleted ones included, for
// the page to drop). With since 0 it returns the newest limit messages
// still there, oldest first.
func (s *Storage) WebInbox(ctx context.Context, memberID, since int64, limit int) ([]WebMessage, error) {
	if since <= 0 {
		return selectAll[WebMessage](ctx, s, "web inbox", `SELECT * FROM (
				SELECT `+webMessageColumns+` FROM web_messages WHERE member_id = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT $2
			) x ORDER BY id`, memberID, limit)
	}
	return selectAll[WebMessage](ctx, s, "web inbox", `SELECT `+webMessageColumns+` FROM web_messages
		WHERE member_id = $1 AND rev > $2 ORDER BY rev LIMIT $3`, memberID, since, limit)
}

// WebInboxRev is the newest rev of a member's web chat: a page that has
// it has seen every change committed so far, and every later change takes
// a greater one (inboxTx).
func (s *Storage) WebInboxRev(ctx context.Context, memberID int64) (int64, error) {
	var rev int64
	if err := s.get(ctx, &rev, `SELECT COALESCE(max(rev), 0) FROM web_messages WHERE member_id = $1`, memberID); err != nil {
		return 0, fmt.Errorf("storage: web rev: %w", err)
	}
	return rev, nil
}

// WebAction is an action of the page as the dispatcher gets it: the update
// id it is recorded under, and the member's message it made (a text).
type WebAction struct {
	UpdateID int64
	// MessageID is the member's own message in the web chat; 0 for a press.
	MessageID int64
	// Fresh is false when the page had sent this action before: the same
	// update id comes back, and the dispatcher applies it once.
	Fresh bool
}

// RecordWebAction gives an action of the page its update id, fixed by the
// page's client id: the same action sent again (the network failed after
// the server took it) gets the same id, and the dispatcher's record of
// applied updates makes it a no-op. A text is put in the member's web chat
// once. age is how long before sending it the member acted.
func (s *Storage) RecordWebAction(ctx context.Context, memberID int64, clientID string, age time.Duration, text *WebMessageInput) (WebAction, error) {
	var a WebAction
	err := s.inboxTx(ctx, func(s *Storage) error {
		err := s.get(ctx, &a.UpdateID, `INSERT INTO web_actions (member_id, client_id, update_id, age_ms, received_at)
			VALUES ($1, $2, -nextval('web_update_seq'), $3, $4) ON CONFLICT (member_id, client_id) DO NOTHING RETURNING update_id`,
			memberID, clientID, age.Milliseconds(), s.now())
		if errors.Is(err, ErrNotFound) {
			var old struct {
				UpdateID  int64  `db:"update_id"`
				MessageID *int64 `db:"message_id"`
			}
			if err := s.get(ctx, &old, `SELECT update_id, message_id FROM web_actions WHERE member_id = $1 AND client_id = $2`,
				memberID, clientID); err != nil {
				return fmt.Errorf("storage: web action: %w", err)
			}
			a.UpdateID = old.UpdateID
			if old.MessageID != nil {
				a.MessageID = *old.MessageID
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("storage: web action: %w", err)
		}
		a.Fresh = true
		if text == nil {
			return nil
		}
		in := *text
		in.FromMember = true
		m, err := s.AddWebMessage(ctx, memberID, in)
		if err != nil {
			return err
		}
		a.MessageID = m.ID
		_, err = s.exec(ctx, `UPDATE web_actions SET message_id = $3 WHERE member_id = $1 AND client_id = $2`, memberID, clientID, m.ID)
		return err
	})
	return a, err
}

// PruneWebActions forgets the actions older than age, with the update ids
// they were recorded under (PruneUpdates).
func (s *Storage) PruneWebActions(ctx context.Context, age time.Duration) error {
	if _, err := s.exec(ctx, `DELETE FROM web_actions WHERE received_at < $1`, s.now().Add(-age)); err != nil {
		return fmt.Errorf("storage: prune web actions: %w", err)
	}
	return nil
}

// WebChanged returns the members whose web chat changed after rev, and the
// newest rev now: a process wakes their pages' long polls.
func (s *Storage) WebChanged(ctx context.Context, rev int64) (members []int64, newest int64, err error) {
	var rows []struct {
		MemberID int64 `db:"member_id"`
		Rev      int64 `db:"rev"`
	}
	if err := s.sel(ctx, &rows, `SELECT member_id, max(rev) AS rev FROM web_messages WHERE rev > $1 GROUP BY member_id`, rev); err != nil {
		return nil, rev, fmt.Errorf("storage: web changes: %w", err)
	}
	newest = rev
	for _, r := range rows {
		members = append(members, r.MemberID)
		newest = max(newest, r.Rev)
	}
	return members, newest, nil
}

// WebLatestRev is the newest rev committed in any web chat: where a
// process starts looking for changes (WebChanged).
func (s *Storage) WebLatestRev(ctx context.Context) (int64, error) {
	var rev int64
	if err := s.get(ctx, &rev, `SELECT COALESCE(max(rev), 0) FROM web_messages`); err != nil {
		return 0, fmt.Errorf("storage: web rev: %w", err)
	}
	return rev, nil
}
