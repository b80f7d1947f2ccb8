package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Outbox kinds.
const (
	OutboxPush     = "push"
	OutboxReminder = "reminder"
	OutboxNotice   = "notice"
)

// OutboxMessage is one queued proactive message.
type OutboxMessage struct {
	ID           int64  `db:"id"`
	Kind         string `db:"kind"`
	ChatID       int64  `db:"chat_id"`
	Text         string `db:"text"`
	ReplyMarkup  []byte `db:"reply_markup"` // JSON, nil for none
	CampaignID   *int64 `db:"campaign_id"`
	AssignmentID *int64 `db:"assignment_id"`
	Attempts     int    `db:"attempts"`
	// SendIn is how long after the claim the message may be sent (its slot
	// in the shared budget); LeaseIn is when the claim runs out. Both count
	// from the claim's end: the budget's clock read once the claim had
	// committed, an instant before ClaimOutbox returns. ClaimTook is how
	// long the claim had run by then on that clock, since its first query
	// reached the database: the caller that noted the time before calling
	// ClaimOutbox knows the claim's end came at least ClaimTook after that.
	// (A negative SendIn is a slot that passed while the claim ran.)
	SendIn    time.Duration `db:"-"`
	LeaseIn   time.Duration `db:"-"`
	ClaimTook time.Duration `db:"-"`
}

// Enqueue queues one HTML message to a chat in the current transaction, so
// it is sent if and only if the transaction commits. markup is marshalled
// to JSON (nil for none).
func (s *Storage) Enqueue(ctx context.Context, kind string, chatID int64, text string, markup any) (int64, error) {
	return s.enqueue(ctx, kind, chatID, text, markup, nil)
}

// EnqueueAt queues a message like Enqueue, not to be sent before at.
func (s *Storage) EnqueueAt(ctx context.Context, kind string, chatID int64, text string, markup any, at time.Time) (int64, error) {
	return s.enqueue(ctx, kind, chatID, text, markup, &at)
}

// enqueue inserts an outbox row; a nil at leaves the first attempt to the
// column's default, the start of the transaction.
func (s *Storage) enqueue(ctx context.Context, kind string, chatID int64, text string, markup any, at *time.Time) (int64, error) {
	mk, err := markupJSON(markup)
	if err != nil {
		return 0, err
	}
	var id int64
	if err := s.get(ctx, &id, `INSERT INTO outbox (kind, chat_id, text, reply_markup, next_attempt_at)
		VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now())) RETURNING id`, kind, chatID, text, mk, at); err != nil {
		return 0, fmt.Errorf("storage: enqueue: %w", err)
	}
	return id, nil
}

// markupJSON is markup as the outbox stores it: JSON text, or NULL for none.
func markupJSON(markup any) (any, error) {
	if markup == nil {
		return nil, nil
	}
	b, err := json.Marshal(markup)
	if err != nil {
		return nil, fmt.Errorf("storage: enqueue: %w", err)
	}
	return string(b), nil
}

// ClaimOptions say how a sender claims.
type ClaimOptions struct {
	// Worker names the claimer (unique per process).
	Worker string
	// Max bounds the batch.
	Max int
	// Interval is the shared budget's spacing between two messages (1/rate);
	// zero means no global limit.
	Interval time.Duration
	// Horizon is how far ahead slots may be taken.
	Horizon time.Duration
	// Lease is how long after its slot a claimed message stays claimed.
	Lease time.Duration
	// ChatGap is the minimum time between two messages to one chat.
	ChatGap time.Duration
	// Location is where quiet hours are counted: reminders and digests
	// are not claimed from QuietFrom to QuietUntil there, whenever they were
	// queued (a reminder queued at 20:59 behind a long push waits for
	// 07:00). Nil: no quiet hours.
	Location *time.Location
}

// ClaimOutbox takes a batch of due messages for one sender, each with its
// send slot. The budget row is locked for the claim, so claims of every
// process are serialised and their slots never overlap: together they stay
// within one rate. Rows are locked with FOR UPDATE SKIP LOCKED and leased;
// a chat gets at most one message per ChatGap. When the budget is spent
// beyond the horizon, wait says how long to sleep. Web chats' messages are
// not Telegram's to send (DeliverWebOutbox).
func (s *Storage) ClaimOutbox(ctx context.Context, o ClaimOptions) (msgs []OutboxMessage, wait time.Duration, err error) {
	if o.Max <= 0 {
		o.Max = 100
	}
	var b sendBudget
	err = s.WithTx(ctx, func(s *Storage) error {
		if err := s.lockSendBudget(ctx, &b); err != nil {
			return err
		}
		start := b.Now
		n := o.Max
		// The budget's next free slot is after the slots other senders
		// took, or after a flood pause (PauseSending): a pause holds
		// whatever the rate, without a limit too, where nothing else
		// moves it.
		if b.Tat.After(start) {
			start = b.Tat
		}
		ahead := start.Sub(b.Now)
		if ahead > o.Horizon {
			wait = ahead - o.Horizon
			return nil
		}
		if o.Interval > 0 {
			n = min(n, int((o.Horizon-ahead)/o.Interval)+1)
		}
		// The claim walks outbox_pending_idx in id order and stops after
		// 2n+8 rows. Right after a push has queued 100,000 rows the
		// table's statistics still say it is small, and the planner
		// would rather fetch every pending row, sort them all (on disk)
		// and keep the first few: a claim then costs as much as the
		// whole backlog, 120 ms at 100,000 pending. No sort is wanted
		// here, whatever the statistics say.
		if _, err := s.exec(ctx, `SET LOCAL enable_sort = off`); err != nil {
			return fmt.Errorf("storage: claim outbox: %w", err)
		}
		quiet := o.Location != nil && IsQuiet(s.now(), o.Location)
		var cands []OutboxMessage
		err := s.sel(ctx, &cands, `SELECT o.id, o.kind, o.chat_id, o.text, o.reply_markup, o.campaign_id, o.assignment_id, o.attempts
			FROM outbox o
			WHERE o.state = 'pending' AND o.next_attempt_at <= $1 AND (o.claimed_until IS NULL OR o.claimed_until <= $1)
			  AND NOT EXISTS (SELECT 1 FROM chat_send_slots c WHERE c.chat_id = o.chat_id AND c.next_at > $2)
			  AND NOT ($4 AND o.kind IN ($5, $7)) AND o.chat_id < $6
			ORDER BY o.id LIMIT $3 FOR UPDATE OF o SKIP LOCKED`, b.Now, start, 2*n+8, quiet, OutboxReminder, WebChatBase, OutboxDigest)
		if err != nil {
			return fmt.Errorf("storage: claim outbox: %w", err)
		}
		seen := make(map[int64]bool, len(cands))
		var ids, chats []int64
		var untils, nexts []float64
		for _, m := range cands {
			if len(msgs) == n {
				break
			}
			if seen[m.ChatID] {
				continue
			}
			seen[m.ChatID] = true
			slot := start.Add(time.Duration(len(msgs)) * o.Interval)
			m.SendIn = slot.Sub(b.Now)
			m.LeaseIn = m.SendIn + o.Lease
			m.ClaimTook = b.Now.Sub(b.Asked)
			msgs = append(msgs, m)
			ids = append(ids, m.ID)
			untils = append(untils, m.LeaseIn.Seconds())
			chats = append(chats, m.ChatID)
			nexts = append(nexts, (m.SendIn + o.ChatGap).Seconds())
		}
		if len(msgs) == 0 {
			return nil
		}
		if _, err := s.exec(ctx, `UPDATE outbox o SET claimed_by = $1, claimed_until = $2::timestamptz + make_interval(secs => v.s)
			FROM unnest($3::bigint[], $4::float8[]) AS v(id, s) WHERE o.id = v.id`,
			o.Worker, b.Now, pq.Array(ids), pq.Array(untils)); err != nil {
			return fmt.Errorf("storage: claim outbox: %w", err)
		}
		if o.ChatGap > 0 {
			if _, err := s.exec(ctx, `INSERT INTO chat_send_slots (chat_id, next_at)
				SELECT v.c, $1::timestamptz + make_interval(secs => v.s) FROM unnest($2::bigint[], $3::float8[]) AS v(c, s)
				ON CONFLICT (chat_id) DO UPDATE SET next_at = EXCLUDED.next_at`, b.Now, pq.Array(chats), pq.Array(nexts)); err != nil {
				return fmt.Errorf("storage: claim outbox: %w", err)
			}
		}
		if o.Interval > 0 {
			if _, err := s.exec(ctx, `UPDATE send_budget SET tat = $1 WHERE id = 1`, start.Add(time.Duration(len(msgs))*o.Interval)); err != nil {
				return fmt.Errorf("storage: claim outbox: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if len(msgs) > 0 {
		// The slots were counted from the budget read, and a sender
		// counts them from when this returns: the rest of the claim (the
		// search, the leases, the commit; 100 ms on a loaded machine)
		// would make every one of them late, into the slots the next claim
		// gives another sender. Counted from the clock read now, only the
		// way back is left.
		if end, err := s.sendClock(ctx); err == nil {
			for i := range msgs {
				msgs[i].SendIn -= end.Sub(b.Now)
				msgs[i].LeaseIn -= end.Sub(b.Now)
				msgs[i].ClaimTook = end.Sub(b.Asked)
			}
		}
		// Should that reading fail, the slots stay counted from the budget
		// read and ClaimTook up to it, which still tells the caller the
		// truth: no slot comes early, and how late they may be.
	}
	return msgs, wait, nil
}

// OutboxSent records a message Telegram accepted; a push assignment becomes
// delivered (unless the member already read or studied it). Marking twice
// changes nothing.
func (s *Storage) OutboxSent(ctx context.Context, id int64, messageID int) error {
	return s.OutboxSentBatch(ctx, []SentMark{{ID: id, MessageID: messageID}})
}

// SentMark is one message Telegram accepted: its outbox id and the message
// id Telegram gave it.
type SentMark struct {
	ID        int64
	MessageID int
}

// OutboxSentBatch records messages Telegram accepted, in one statement for
// the whole batch: each becomes sent, and a push assignment delivered
// (unless the member already read or studied it). Marking twice changes
// nothing.
func (s *Storage) OutboxSentBatch(ctx context.Context, marks []SentMark) error {
	if len(marks) == 0 {
		return nil
	}
	ids := make([]int64, len(marks))
	mids := make([]int64, len(marks))
	for i, m := range marks {
		ids[i], mids[i] = m.ID, int64(m.MessageID)
	}
	// One statement, committed without waiting for the WAL flush: a crash
	// of this process loses nothing (the server has the commit), and a
	// crash of the database server itself can only make a few messages be
	// sent twice, never lost. The sender waits for this before its next
	// send (one at a time) or records while it sends (concurrent sends),
	// so it must be quick. How many: the marks not yet flushed, at most
	// those since the sender's last FlushOutbox, which it calls after each
	// batch (the claim of the next batch, a synchronous commit, flushes
	// too); the WAL writer flushes the rest within 3 × wal_writer_delay
	// (600 ms by default). So the worst case is one batch, and at the
	// default 28 messages/s the messages of the last 600 ms: about 17.
	_, err := s.exec(ctx, `WITH cfg AS (SELECT set_config('synchronous_commit', 'off', true)),
		o AS (
			UPDATE outbox SET state = 'sent', sent_at = clock_timestamp(), message_id = v.mid, attempts = attempts + 1,
				claimed_by = NULL, claimed_until = NULL, last_error = ''
			FROM unnest($1::bigint[], $2::bigint[]) AS v(id, mid)
			WHERE outbox.id = v.id AND outbox.state = 'pending' RETURNING outbox.assignment_id, outbox.sent_at)
		UPDATE assignments a SET delivered_at = COALESCE(a.delivered_at, o.sent_at), updated_at = o.sent_at,
			state = CASE WHEN a.state IN ('pending', 'unreachable', 'failed') THEN 'delivered' ELSE a.state END, reason = ''
		FROM o, cfg WHERE a.id = o.assignment_id`, pq.Array(ids), pq.Array(mids))
	if err != nil {
		if len(marks) == 1 {
			return fmt.Errorf("storage: outbox %d sent: %w", marks[0].ID, err)
		}
		return fmt.Errorf("storage: %d outbox messages sent: %w", len(marks), err)
	}
	return nil
}

// FlushOutbox makes every sent mark recorded so far durable. id is a
// message the caller marked sent: rewriting it in a synchronous commit
// gives the transaction WAL of its own, so its commit waits for the WAL
// flush up to it, and the asynchronous commits before it are flushed with
// it. (A transaction that writes nothing commits without a flush.) One
// flush per batch costs one WAL flush, not one per message.
func (s *Storage) FlushOutbox(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, `WITH cfg AS (SELECT set_config('synchronous_commit', 'on', true))
		UPDATE outbox SET sent_at = sent_at FROM cfg WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("storage: flush outbox: %w", err)
	}
	return nil
}

// OutboxRetry puts a message back to be tried after a wait; attempt says
// whether this try counts towards the limit (a flood wait does not). Only
// the worker that holds the claim may: a sender whose lease ran out must not
// undo the claim of the sender that took the message over.
func (s *Storage) OutboxRetry(ctx context.Context, worker string, id int64, after time.Duration, attempt bool, reason string) error {
	inc := 0
	if attempt {
		inc = 1
	}
	_, err := s.exec(ctx, `UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, attempts = attempts + $3, last_error = $4,
		next_attempt_at = COALESCE($6::timestamptz, clock_timestamp()) + make_interval(secs => $2) WHERE id = $1 AND state = 'pending' AND claimed_by = $5`,
		id, after.Seconds(), inc, reason, worker, s.sendAt())
	if err != nil {
		return fmt.Errorf("storage: outbox %d retry: %w", id, err)
	}
	return nil
}

// OutboxFailed gives a message up. With unreachable, the chat refused us
// (blocked the bot, chat not found): the member is marked unreachable and
// the assignment unreachable; otherwise the assignment is failed. reason
// is shown in the delivery report.
func (s *Storage) OutboxFailed(ctx context.Context, id int64, unreachable bool, reason string) error {
	state := AssignFailed
	if unreachable {
		state = AssignUnreachable
	}
	return s.WithTx(ctx, func(s *Storage) error {
		var chat struct {
			ChatID       int64  `db:"chat_id"`
			AssignmentID *int64 `db:"assignment_id"`
		}
		err := s.get(ctx, &chat, `UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = $2,
			claimed_by = NULL, claimed_until = NULL WHERE id = $1 AND state = 'pending' RETURNING chat_id, assignment_id`, id, reason)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("storage: outbox %d failed: %w", id, err)
		}
		if chat.AssignmentID != nil {
			if _, err := s.exec(ctx, `UPDATE assignments SET state = $2, reason = $3, updated_at = $4 WHERE id = $1 AND state = 'pending'`,
				*chat.AssignmentID, state, reason, s.now()); err != nil {
				return fmt.Errorf("storage: outbox %d failed: %w", id, err)
			}
		}
		if unreachable {
			if _, err := s.exec(ctx, `UPDATE members SET unreachable_at = $2 WHERE telegram_user_id = $1 AND unreachable_at IS NULL`,
				chat.ChatID, s.now()); err != nil {
				return fmt.Errorf("storage: outbox %d failed: %w", id, err)
			}
		}
		return nil
	})
}

// ReleaseOutbox gives claimed messages back without trying them (a
// shutdown, or a flood wait that spoiled the batch's slots).
func (s *Storage) ReleaseOutbox(ctx context.Context, worker string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.exec(ctx, `UPDATE outbox SET claimed_by = NULL, claimed_until = NULL
		WHERE claimed_by = $1 AND id = ANY($2) AND state = 'pending'`, worker, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("storage: release outbox: %w", err)
	}
	return nil
}

// HoldChat keeps every sender off one chat for d (Telegram asked to wait).
func (s *Storage) HoldChat(ctx context.Context, chatID int64, d time.Duration) error {
	_, err := s.exec(ctx, `INSERT INTO chat_send_slots (chat_id, next_at) VALUES ($1, COALESCE($3::timestamptz, clock_timestamp()) + make_interval(secs => $2))
		ON CONFLICT (chat_id) DO UPDATE SET next_at = GREATEST(chat_send_slots.next_at, EXCLUDED.next_at)`, chatID, d.Seconds(), s.sendAt())
	if err != nil {
		return fmt.Errorf("storage: hold chat %d: %w", chatID, err)
	}
	return nil
}

// PauseSending holds every sender back for d (Telegram answered 429).
func (s *Storage) PauseSending(ctx context.Context, d time.Duration) error {
	_, err := s.exec(ctx, `UPDATE send_budget SET tat = GREATEST(tat, COALESCE($2::timestamptz, clock_timestamp()) + make_interval(secs => $1)) WHERE id = 1`,
		d.Seconds(), s.sendAt())
	if err != nil {
		return fmt.Errorf("storage: pause sending: %w", err)
	}
	return nil
}

// sendBudget is the send budget all processes share: its next free slot
// (Tat), the budget's clock once the budget was locked (Now) and when the
// statement that locked it reached the database (Asked).
type sendBudget struct {
	Tat   time.Time `db:"tat"`
	Now   time.Time `db:"now"`
	Asked time.Time `db:"asked"`
}

// lockSendBudget reads the budget into b and locks it until the
// transaction of s ends. The clock is read once the lock is held: read in
// the scan that locks the row, PostgreSQL keeps the time from before a wait
// behind another claim that left tat alone (one that found nothing to
// send), and the slots would count from a moment long past.
func (s *Storage) lockSendBudget(ctx context.Context, b *sendBudget) error {
	if err := s.get(ctx, b, `SELECT tat, clock_timestamp() AS now, statement_timestamp() AS asked
		FROM (SELECT tat FROM send_budget WHERE id = 1 FOR UPDATE) b`); err != nil {
		return fmt.Errorf("storage: send budget: %w", err)
	}
	if s.sendNow != nil {
		b.Now = s.sendNow()
		b.Asked = b.Now
	}
	return nil
}

// sendClock reads the clock the send budget counts on.
func (s *Storage) sendClock(ctx context.Context) (time.Time, error) {
	if s.sendNow != nil {
		return s.sendNow(), nil
	}
	var now time.Time
	if err := s.get(ctx, &now, `SELECT clock_timestamp()`); err != nil {
		return time.Time{}, fmt.Errorf("storage: send clock: %w", err)
	}
	return now, nil
}

// sendAt is the time a statement counts the send budget from: nil for
// the database's clock_timestamp(), or the clock WithSendClock set.
func (s *Storage) sendAt() *time.Time {
	if s.sendNow == nil {
		return nil
	}
	now := s.sendNow()
	return &now
}

// ReserveSlot takes one slot of the shared budget and of one chat for a
// message sent outside the outbox (a progress edit) and says how long to
// wait before sending it, counted from the end of the reservation, as
// ClaimOutbox counts its slots.
func (s *Storage) ReserveSlot(ctx context.Context, chatID int64, interval, chatGap time.Duration) (time.Duration, error) {
	var wait time.Duration
	var b sendBudget
	err := s.WithTx(ctx, func(s *Storage) error {
		if err := s.lockSendBudget(ctx, &b); err != nil {
			return err
		}
		at := b.Now
		if b.Tat.After(at) { // other slots, or a flood pause, whatever the rate
			at = b.Tat
		}
		var next time.Time
		err := s.get(ctx, &next, `SELECT next_at FROM chat_send_slots WHERE chat_id = $1 FOR UPDATE`, chatID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("storage: chat slot: %w", err)
		}
		if next.After(at) {
			at = next
		}
		if _, err := s.exec(ctx, `INSERT INTO chat_send_slots (chat_id, next_at) VALUES ($1, $2)
			ON CONFLICT (chat_id) DO UPDATE SET next_at = EXCLUDED.next_at`, chatID, at.Add(chatGap)); err != nil {
			return fmt.Errorf("storage: chat slot: %w", err)
		}
		if interval > 0 {
			if _, err := s.exec(ctx, `UPDATE send_budget SET tat = $1 WHERE id = 1`, at.Add(interval)); err != nil {
				return fmt.Errorf("storage: send budget: %w", err)
			}
		}
		wait = at.Sub(b.Now)
		return nil
	})
	if err != nil {
		return 0, err
	}
	if end, err := s.sendClock(ctx); err == nil {
		wait -= end.Sub(b.Now)
	}
	return wait, nil
}

// PruneChatSlots forgets per-chat slots long past.
func (s *Storage) PruneChatSlots(ctx context.Context) error {
	if _, err := s.exec(ctx, `DELETE FROM chat_send_slots WHERE next_at < COALESCE($1::timestamptz, clock_timestamp()) - interval '1 hour'`, s.sendAt()); err != nil {
		return fmt.Errorf("storage: prune chat slots: %w", err)
	}
	return nil
}

// OutboxCounts counts the outbox by state.
func (s *Storage) OutboxCounts(ctx context.Context) (pending, sent, failed int, err error) {
	var c struct {
		Pending int `db:"pending"`
		Sent    int `db:"sent"`
		Failed  int `db:"failed"`
	}
	err = s.get(ctx, &c, `SELECT count(*) FILTER (WHERE state = 'pending') AS pending,
		count(*) FILTER (WHERE state = 'sent') AS sent, count(*) FILTER (WHERE state = 'failed') AS failed FROM outbox`)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("storage: outbox counts: %w", err)
	}
	return c.Pending, c.Sent, c.Failed, nil
}
