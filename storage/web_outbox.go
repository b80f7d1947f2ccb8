package storage

import (
	"context"
	"fmt"
	"time"
)

// Proactive messages on the web. A message queued for a member's Telegram
// chat is copied to their web chat when they have a live web session (the
// outbox_web_copy trigger of migration 0017, so that every way of queueing
// — pushes by COPY, reminders, notices — reaches both); a member on the
// web only gets their web chat's id queued directly (MemberChat). Web rows
// stay out of Telegram's claims (ClaimOutbox) and need no flood budget:
// DeliverWebOutbox puts them in the inbox as soon as they are due, and a
// message in the inbox counts as delivered, as Telegram's acceptance does.

// webOutboxBatch bounds one delivery statement, which holds the inbox's
// write lock (inboxTx) while it runs: replies wait for it at most a moment.
const webOutboxBatch = 1000

// DeliverWebOutbox moves the due web messages of the outbox into their
// members' web inboxes, in one statement per batch: each becomes sent (its
// message id the inbox's), and a push assignment delivered, unless the
// member read or studied it already. Reminders wait out the quiet hours
// where loc is, as on Telegram. A message for a member who left is given
// up. It returns how many it delivered.
func (s *Storage) DeliverWebOutbox(ctx context.Context, loc *time.Location) (int, error) {
	now, err := s.sendClock(ctx)
	if err != nil {
		return 0, err
	}
	quiet := loc != nil && IsQuiet(s.now(), loc)
	total := 0
	for {
		var n struct {
			Sent   int `db:"sent"`
			Failed int `db:"failed"`
		}
		err := s.inboxTx(ctx, func(s *Storage) error {
			return s.get(ctx, &n, `WITH due AS (
				SELECT o.id, o.chat_id - $1 AS member_id FROM outbox o
				WHERE o.state = 'pending' AND o.chat_id >= $1 AND o.next_attempt_at <= $2 AND NOT ($3 AND o.kind = $4)
				ORDER BY o.id LIMIT $5 FOR UPDATE SKIP LOCKED),
			msg AS (
				INSERT INTO web_messages (member_id, text, parse_mode, reply_markup, outbox_id, created_at)
				SELECT due.member_id, o.text, 'HTML', o.reply_markup, o.id, $2
				FROM due JOIN outbox o ON o.id = due.id JOIN members m ON m.id = due.member_id AND m.active
				ORDER BY o.id
				RETURNING id, outbox_id),
			sent AS (
				UPDATE outbox o SET state = 'sent', sent_at = $2, message_id = msg.id, attempts = o.attempts + 1,
					claimed_by = NULL, claimed_until = NULL, last_error = ''
				FROM msg WHERE o.id = msg.outbox_id RETURNING o.assignment_id),
			gone AS (
				UPDATE outbox o SET state = 'failed', attempts = o.attempts + 1, last_error = 'member left'
				FROM due WHERE o.id = due.id AND NOT EXISTS (SELECT 1 FROM members m WHERE m.id = due.member_id AND m.active)
				RETURNING 1),
			delivered AS (
				UPDATE assignments a SET delivered_at = COALESCE(a.delivered_at, $2), updated_at = $2,
					state = CASE WHEN a.state IN ('pending', 'unreachable', 'failed') THEN 'delivered' ELSE a.state END,
					reason = CASE WHEN a.state IN ('pending', 'unreachable', 'failed') THEN '' ELSE a.reason END
				FROM sent WHERE a.id = sent.assignment_id)
			SELECT (SELECT count(*) FROM sent) AS sent, (SELECT count(*) FROM gone) AS failed`,
				WebChatBase, now, quiet, OutboxReminder, webOutboxBatch)
		})
		if err != nil {
			return total, fmt.Errorf("storage: deliver web outbox: %w", err)
		}
		total += n.Sent
		if n.Sent+n.Failed < webOutboxBatch {
			return total, nil
		}
	}
}

// WebOutboxPending counts the web messages due and not yet in an inbox.
func (s *Storage) WebOutboxPending(ctx context.Context) (int, error) {
	var n int
	if err := s.get(ctx, &n, `SELECT count(*) FROM outbox WHERE state = 'pending' AND chat_id >= $1`, WebChatBase); err != nil {
		return 0, fmt.Errorf("storage: web outbox: %w", err)
	}
	return n, nil
}
