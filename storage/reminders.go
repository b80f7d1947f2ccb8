package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
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
// active member reachable on Telegram or on the web who has not studied
// the document in any campaign.
const openAssignmentSQL = `a.state IN ('delivered', 'read') AND c.closed_at IS NULL AND d.status = 'published'
	AND m.active AND ` + reachableSQL + `
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
		// A reminder lost in a crash is harmless: its reminders row is lost
		// with it and the next sweep decides again. So the commit need not
		// wait for the WAL flush. The sorts and hashes of 60,000 rows fit in
		// memory; and the insert, whose join of two CTEs the planner guesses
		// at 18 million rows, is not compiled by JIT (20 ms lost).
		if _, err := s.exec(ctx, sweepSettings); err != nil {
			return fmt.Errorf("storage: reminder sweep: %w", err)
		}
		var err error
		n, err = s.queueReminders(ctx, sweepItemsSQL, []any{day}, day, "auto", now, loc, render)
		return err
	})
	return n, err
}

// sweepSettings are the sweep transaction's (see SweepReminders).
const sweepSettings = `SET LOCAL synchronous_commit = off; SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`

// reminderItemsSQL selects the open assignments (openAssignmentSQL, and
// cond) of the members who have at least one for which due holds, member
// by member, nearest deadline first. One scan of the open assignments: a
// window over the sort by member that orders the result tells, member by
// member, whether any of theirs is due.
func reminderItemsSQL(cond, due string) string {
	return `SELECT * FROM (
			SELECT ` + studyTargetCols + `, ` + memberChatSQL + `, bool_or(` + due + `) OVER (PARTITION BY a.member_id) AS due
			FROM assignments a JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id
			JOIN members m ON m.id = a.member_id
			WHERE ` + openAssignmentSQL + ` AND ` + cond + `) x
		WHERE due
		ORDER BY member_id, due_on NULLS LAST, campaign_at, id`
}

// sweepItemsSQL is what the sweep of day $1 reminds: members not reminded
// that day with an open assignment in its campaign's reminder window or
// asked to be reminded that day ("Nhắc lại sau"), and all their open
// assignments.
var sweepItemsSQL = reminderItemsSQL(
	`NOT EXISTS (SELECT 1 FROM reminders r WHERE r.member_id = a.member_id AND r.day = $1::date)`,
	`a.remind_on = $1::date OR (c.remind_days > 0 AND c.due_on IS NOT NULL AND $1::date BETWEEN c.due_on - c.remind_days AND c.due_on)`)

// queueReminders reminds each member that query (a reminderItemsSQL, of
// args) selects once on day: a reminders row (the primary key refuses a
// second one, of this or another process) and one outbox message listing
// all their pending documents, sent at the first moment outside quiet
// hours. It returns how many were reminded.
func (s *Storage) queueReminders(ctx context.Context, query string, args []any, day, trigger string, now time.Time, loc *time.Location, render ReminderRender) (int, error) {
	// One item per document (the newest campaign's), per member, rendered
	// for every candidate as the rows come: the insert below keeps those
	// not reminded today.
	at := sendTime(now, loc)
	today := at.In(loc)
	var mids, cids []int64
	var texts, markups, lists []string
	flush := func(its []StudyTarget, chat int64) error {
		if len(its) == 0 {
			return nil
		}
		text, markup := render(its, today)
		mk := ""
		if markup != nil {
			b, err := json.Marshal(markup)
			if err != nil {
				return fmt.Errorf("storage: reminders: %w", err)
			}
			mk = string(b)
		}
		ids := make([]byte, 0, 16*len(its))
		for i, it := range its {
			if i > 0 {
				ids = append(ids, ',')
			}
			ids = strconv.AppendInt(ids, it.ID, 10)
		}
		mids, cids = append(mids, its[0].MemberID), append(cids, chat)
		texts, markups, lists = append(texts, text), append(markups, mk), append(lists, "{"+string(ids)+"}")
		return nil
	}
	rows, err := s.q().QueryContext(ctx, query, args...)
	if err != nil {
		return 0, fmt.Errorf("storage: reminders: %w", err)
	}
	defer rows.Close()
	var its []StudyTarget
	var chat int64
	for rows.Next() {
		// Scanned by hand, in the order of studyTargetCols, and not kept:
		// sqlx's reflection and a slice of 60,000 targets were most of
		// the sweep's Go time.
		var it StudyTarget
		var to int64
		a := &it.Assignment
		if err := rows.Scan(&a.ID, &a.CampaignID, &a.DocumentID, &a.MemberID, &a.OrgID, &a.State, &a.Reason,
			&a.DeliveredAt, &a.ReadAt, &a.StudiedAt, &a.StudiedHow, &a.OfflineBy, &a.OfflineAt, &a.OfflineMeetingOn, &a.QuizScore,
			&it.DueOn, &it.ClosedAt, &it.CampaignAt, &it.QuizRequired, &it.PassPercent,
			&it.DocStatus, &it.DocKind, &it.DocNumber, &it.DocTitle, &to, new(bool)); err != nil {
			return 0, fmt.Errorf("storage: reminders: %w", err)
		}
		if len(its) > 0 && its[0].MemberID != it.MemberID {
			if err := flush(its, chat); err != nil {
				return 0, err
			}
			its = nil
		}
		if !slices.ContainsFunc(its, func(t StudyTarget) bool { return t.DocumentID == it.DocumentID }) {
			its, chat = append(its, it), to
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("storage: reminders: %w", err)
	}
	rows.Close()
	if err := flush(its, chat); err != nil {
		return 0, err
	}
	if len(mids) == 0 {
		return 0, nil
	}
	// One statement: the reminders row (refused when the member already
	// has one that day, from this process or another) takes an outbox id,
	// and only the rows it kept become messages.
	var won int
	if err := s.get(ctx, &won, `WITH v AS (
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[]) AS v(m, chat, text, mk, ids)),
		won AS (
			INSERT INTO reminders (member_id, day, trigger, assignment_ids, created_at, outbox_id)
			SELECT v.m, $6::date, $7, v.ids::bigint[], $8, nextval('outbox_id_seq') FROM v
			ON CONFLICT (member_id, day) DO NOTHING RETURNING member_id, outbox_id),
		sent AS (
			INSERT INTO outbox (id, kind, chat_id, text, reply_markup, next_attempt_at, created_at)
			SELECT won.outbox_id, $9, v.chat, v.text, NULLIF(v.mk, '')::jsonb, $10, $8 FROM won JOIN v ON v.m = won.member_id
			RETURNING 1)
		SELECT count(*) FROM sent`,
		int64Array(mids), int64Array(cids), pq.Array(texts), pq.Array(markups), pq.Array(lists),
		day, trigger, now, OutboxReminder, at); err != nil {
		return 0, fmt.Errorf("storage: reminders: %w", err)
	}
	return won, nil
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
			WHEN NOT `+reachableSQL+` OR NOT m.active OR a.state IN ('unreachable', 'failed') THEN 'unreachable'
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
	// IN (unnest), a semi-join, not "= ANY($1)": with tens of thousands
	// of members, ANY is a filter that compares every row with every id.
	var n int
	if len(targets) > 0 {
		n, err = s.queueReminders(ctx, reminderItemsSQL(`a.member_id IN (SELECT unnest($1::bigint[]))`, `true`), []any{int64Array(targets)},
			day, actor, now, loc, render)
	}
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
