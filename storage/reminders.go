package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Reminders go to members who have not studied yet and can be reached:
// automatically from a campaign's remind_days before its deadline (the
// sweep), on a member's "Nhắc lại sau" (remind_on), and when a secretary
// or officer asks for one campaign. At most one a member and local day,
// whatever the campaigns: the reminders table's primary key decides, so two
// replicas sweeping at once cannot both remind one member. All of a
// member's pending documents go in the one message. Never between 21:00
// and 07:00 local time: a reminder asked for at night waits in the outbox
// for 07:00.

// Quiet hours, local time: no reminder is sent from QuietFrom to QuietUntil.
const (
	QuietFrom  = 21
	QuietUntil = 7
)

// ReminderRender renders one member's reminder: their pending assignments,
// nearest deadline first, and today (local) for the deadlines.
type ReminderRender func(items []StudyTarget, today time.Time) (text string, markup any)

// ReminderResult says what a reminder run did.
type ReminderResult struct {
	// Reminded members get a message (now, or at SendAt).
	Reminded int
	// Skipped: already reminded today; no Telegram link or blocked the
	// bot; the push itself not delivered yet.
	AlreadyToday int
	Unreachable  int
	NotDelivered int
	// Studied members of the asked scope need no reminder.
	Studied int
	// SendAt is when the reminders go: now, or 07:00 after quiet hours.
	SendAt time.Time
	Queued bool // SendAt is later than now (quiet hours)
}

// sendTime is when a reminder decided at now may go: now, or the next
// 07:00 local time during quiet hours.
func sendTime(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	h := l.Hour()
	switch {
	case h >= QuietFrom:
		n := l.AddDate(0, 0, 1)
		return time.Date(n.Year(), n.Month(), n.Day(), QuietUntil, 0, 0, 0, loc)
	case h < QuietUntil:
		return time.Date(l.Year(), l.Month(), l.Day(), QuietUntil, 0, 0, 0, loc)
	}
	return now
}

// IsQuiet reports whether now is within quiet hours where loc is.
func IsQuiet(now time.Time, loc *time.Location) bool { return !sendTime(now, loc).Equal(now) }

// localDay is the date of t where loc is, as YYYY-MM-DD.
func localDay(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02") }

// openAssignmentSQL is the condition on "a" (joined with campaigns "c",
// documents "d" and members "m") for an assignment a reminder may name:
// delivered or read, in an open campaign of a published document, to an
// active member reachable on Telegram who has not studied the document in
// any campaign.
const openAssignmentSQL = `a.state IN ('delivered', 'read') AND c.closed_at IS NULL AND d.status = 'published'
	AND m.active AND m.telegram_user_id IS NOT NULL AND m.unreachable_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM assignments b WHERE b.member_id = a.member_id AND b.document_id = a.document_id
	                AND b.state IN ('studied', 'studied_offline'))`

// SweepReminders is the automatic run: every member with an assignment in
// its campaign's reminder window (remind_days before due_on up to due_on,
// remind_days > 0) or asked to be reminded today ("Nhắc lại sau") gets one
// message with all their pending documents, unless reminded today already.
// During quiet hours it does nothing: the first sweep after 07:00 does it.
// Sweeps of several processes take turns on an advisory lock; one that
// finds the lock taken returns at once.
func (s *Storage) SweepReminders(ctx context.Context, loc *time.Location, render ReminderRender) (int, error) {
	now := s.now()
	if IsQuiet(now, loc) {
		return 0, nil
	}
	day := localDay(now, loc)
	n := 0
	err := s.WithTx(ctx, func(s *Storage) error {
		var got bool
		if err := s.get(ctx, &got, `SELECT pg_try_advisory_xact_lock(hashtext('sotay reminder sweep'))`); err != nil {
			return fmt.Errorf("storage: reminder sweep lock: %w", err)
		}
		if !got {
			return nil
		}
		var members []int64
		err := s.sel(ctx, &members, `
			SELECT DISTINCT a.member_id FROM campaigns c
			JOIN assignments a ON a.campaign_id = c.id
			JOIN documents d ON d.id = a.document_id JOIN members m ON m.id = a.member_id
			WHERE c.closed_at IS NULL AND c.remind_days > 0 AND c.due_on IS NOT NULL
			  AND $1::date BETWEEN c.due_on - c.remind_days AND c.due_on AND `+openAssignmentSQL+`
			  AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.member_id = a.member_id AND r.day = $1::date)
			UNION
			SELECT a.member_id FROM assignments a
			JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id JOIN members m ON m.id = a.member_id
			WHERE a.remind_on = $1::date AND `+openAssignmentSQL+`
			  AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.member_id = a.member_id AND r.day = $1::date)`, day)
		if err != nil {
			return fmt.Errorf("storage: reminder sweep: %w", err)
		}
		n, err = s.queueReminders(ctx, members, day, "auto", now, loc, render)
		return err
	})
	return n, err
}

// queueReminders reminds each member once on day: a reminders row (the
// primary key refuses a second one, of this or another process) and one
// outbox message listing all their pending documents, sent at the first
// moment outside quiet hours. It returns how many were reminded.
func (s *Storage) queueReminders(ctx context.Context, members []int64, day, trigger string, now time.Time, loc *time.Location, render ReminderRender) (int, error) {
	if len(members) == 0 {
		return 0, nil
	}
	var items []StudyTarget
	if err := s.sel(ctx, &items, studyTargetSelect+` JOIN members m ON m.id = a.member_id
		WHERE a.member_id = ANY($1) AND `+openAssignmentSQL+`
		ORDER BY a.member_id, c.due_on NULLS LAST, c.created_at, a.id`, int64Array(members)); err != nil {
		return 0, fmt.Errorf("storage: reminders: %w", err)
	}
	// One item per document (the newest campaign's), per member.
	byMember := map[int64][]StudyTarget{}
	seen := map[[2]int64]bool{}
	for _, it := range items {
		k := [2]int64{it.MemberID, it.DocumentID}
		if !seen[k] {
			seen[k] = true
			byMember[it.MemberID] = append(byMember[it.MemberID], it)
		}
	}
	var ids []int64
	var lists []string
	for _, m := range members {
		its := byMember[m]
		if len(its) == 0 {
			continue
		}
		ids = append(ids, m)
		var as []int64
		for _, it := range its {
			as = append(as, it.ID)
		}
		b, _ := json.Marshal(as)
		lists = append(lists, string(b))
	}
	var won []int64
	if err := s.sel(ctx, &won, `INSERT INTO reminders (member_id, day, trigger, assignment_ids, created_at)
		SELECT v.m, $2::date, $3, ARRAY(SELECT jsonb_array_elements_text(v.l::jsonb)::bigint), $4
		FROM unnest($1::bigint[], $5::text[]) AS v(m, l)
		ON CONFLICT (member_id, day) DO NOTHING RETURNING member_id`,
		int64Array(ids), day, trigger, now, pq.Array(lists)); err != nil {
		return 0, fmt.Errorf("storage: reminders: %w", err)
	}
	if len(won) == 0 {
		return 0, nil
	}
	var chats []struct {
		ID     int64 `db:"id"`
		ChatID int64 `db:"chat_id"`
	}
	if err := s.sel(ctx, &chats, `SELECT id, telegram_user_id AS chat_id FROM members WHERE id = ANY($1)`, int64Array(won)); err != nil {
		return 0, fmt.Errorf("storage: reminders: %w", err)
	}
	at := sendTime(now, loc)
	today := at.In(loc)
	var mids, cids []int64
	var texts, markups []string
	for _, c := range chats {
		text, markup := render(byMember[c.ID], today)
		mk := ""
		if markup != nil {
			b, err := json.Marshal(markup)
			if err != nil {
				return 0, fmt.Errorf("storage: reminders: %w", err)
			}
			mk = string(b)
		}
		mids, cids, texts, markups = append(mids, c.ID), append(cids, c.ChatID), append(texts, text), append(markups, mk)
	}
	if _, err := s.exec(ctx, `WITH v AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS v(m, chat, text, mk)),
		ins AS (INSERT INTO outbox (kind, chat_id, text, reply_markup, next_attempt_at, created_at)
			SELECT $5, v.chat, v.text, NULLIF(v.mk, '')::jsonb, $6, $7 FROM v RETURNING id, chat_id)
		UPDATE reminders r SET outbox_id = ins.id FROM ins JOIN v ON v.chat = ins.chat_id
		WHERE r.member_id = v.m AND r.day = $8::date`,
		int64Array(mids), int64Array(cids), pq.Array(texts), pq.Array(markups), OutboxReminder, at, now, day); err != nil {
		return 0, fmt.Errorf("storage: reminders outbox: %w", err)
	}
	return len(won), nil
}

// RemindCampaign reminds, on a secretary's or officer's demand, the
// members of one open campaign assigned in the subtrees of roots who have
// not studied it: each gets one message with all their pending documents,
// unless already reminded that day. The result says who was skipped and why.
func (s *Storage) RemindCampaign(ctx context.Context, campaignID int64, roots []int64, actor string, loc *time.Location, render ReminderRender) (ReminderResult, error) {
	now := s.now()
	res := ReminderResult{SendAt: sendTime(now, loc)}
	res.Queued = res.SendAt.After(now)
	day := localDay(res.SendAt, loc)
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return res, err
	}
	if c.ClosedAt != nil {
		return res, Errorf(CodeConflict, "Đợt học tập văn bản %s đã kết thúc, không nhắc nữa.", c.DocNumber)
	}
	var rows []struct {
		MemberID int64  `db:"member_id"`
		Kind     string `db:"kind"`
	}
	err = s.sel(ctx, &rows, subtreesCTE+`
		SELECT a.member_id, CASE
			WHEN EXISTS (SELECT 1 FROM assignments b WHERE b.member_id = a.member_id AND b.document_id = a.document_id
			             AND b.state IN ('studied', 'studied_offline')) THEN 'studied'
			WHEN m.telegram_user_id IS NULL OR m.unreachable_at IS NOT NULL OR NOT m.active OR a.state IN ('unreachable', 'failed') THEN 'unreachable'
			WHEN a.state = 'pending' THEN 'pending'
			WHEN EXISTS (SELECT 1 FROM reminders r WHERE r.member_id = a.member_id AND r.day = $3::date) THEN 'today'
			ELSE 'remind' END AS kind
		FROM assignments a JOIN members m ON m.id = a.member_id
		WHERE a.campaign_id = $2 AND a.org_id IN (SELECT id FROM sub)`, int64Array(roots), campaignID, day)
	if err != nil {
		return res, fmt.Errorf("storage: remind campaign %d: %w", campaignID, err)
	}
	var targets []int64
	for _, r := range rows {
		switch r.Kind {
		case "studied":
			res.Studied++
		case "unreachable":
			res.Unreachable++
		case "pending":
			res.NotDelivered++
		case "today":
			res.AlreadyToday++
		default:
			targets = append(targets, r.MemberID)
		}
	}
	n, err := s.queueReminders(ctx, targets, day, actor, now, loc, render)
	if err != nil {
		return res, err
	}
	res.Reminded = n
	res.AlreadyToday += len(targets) - n
	return res, s.Audit(ctx, actor, "campaign.remind", fmt.Sprint(campaignID), map[string]any{"reminded": n})
}

// RemindTomorrow is "Nhắc lại sau": the member's pending assignments are
// reminded again tomorrow (local day), even outside their window.
func (s *Storage) RemindTomorrow(ctx context.Context, memberID int64, loc *time.Location) (int, error) {
	tomorrow := s.now().In(loc).AddDate(0, 0, 1).Format("2006-01-02")
	res, err := s.exec(ctx, `UPDATE assignments a SET remind_on = $2::date FROM campaigns c, documents d, members m
		WHERE a.member_id = $1 AND c.id = a.campaign_id AND d.id = a.document_id AND m.id = a.member_id AND `+openAssignmentSQL,
		memberID, tomorrow)
	if err != nil {
		return 0, fmt.Errorf("storage: remind %d tomorrow: %w", memberID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Reminder is one reminder row, for tests and the demo.
type Reminder struct {
	MemberID      int64         `db:"member_id"`
	Day           time.Time     `db:"day"`
	Trigger       string        `db:"trigger"`
	AssignmentIDs pq.Int64Array `db:"assignment_ids"`
	OutboxID      *int64        `db:"outbox_id"`
}

// Reminders lists the reminders of one member, newest day first.
func (s *Storage) Reminders(ctx context.Context, memberID int64) ([]Reminder, error) {
	var out []Reminder
	if err := s.sel(ctx, &out, `SELECT member_id, day, trigger, assignment_ids, outbox_id FROM reminders WHERE member_id = $1 ORDER BY day DESC`,
		memberID); err != nil {
		return nil, fmt.Errorf("storage: reminders of %d: %w", memberID, err)
	}
	return out, nil
}

// RecordReminder writes a reminder that was sent elsewhere (history loaded
// into the demo, say): the row only, no message. A member already reminded
// that day is left as is.
func (s *Storage) RecordReminder(ctx context.Context, memberID int64, day time.Time, trigger string, assignmentIDs []int64) error {
	if _, err := s.exec(ctx, `INSERT INTO reminders (member_id, day, trigger, assignment_ids, created_at) VALUES ($1, $2::date, $3, $4, $5)
		ON CONFLICT (member_id, day) DO NOTHING`, memberID, day.Format("2006-01-02"), trigger, int64Array(assignmentIDs), s.now()); err != nil {
		return fmt.Errorf("storage: record reminder of %d: %w", memberID, err)
	}
	return nil
}
