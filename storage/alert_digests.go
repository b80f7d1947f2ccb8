package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// The weekly digest of warnings: on Monday from 07:30 local time every
// secretary and officer reachable on Telegram gets one message through
// the outbox with the warnings of their scope on that day, what is new
// since their last digest named and what is still open counted. Never at
// night (a Monday sweep after 21:00 sends nothing, and the outbox holds a
// digest during quiet hours); nothing when there is nothing to say; a
// sweep that missed 07:30 (the bot was down) sends it at the next sweep
// that Monday; never twice: alert_digests has one row per member and
// week, written in the transaction that queues the message.

// When the digest goes: Monday, from 07:30 local time.
const (
	DigestWeekday = time.Monday
	DigestHour    = 7
	DigestMinute  = 30
)

// OutboxDigest is the outbox kind of a digest; like reminders, digests
// are not sent during quiet hours.
const OutboxDigest = "digest"

// Digest is one member's weekly digest.
type Digest struct {
	MemberID int64
	FullName string
	// Cells is true when every role of the member is on a cell: the
	// digest lists the warnings; otherwise it has a line per organisation.
	Cells bool
	// Week is the Monday.
	Week time.Time
	// Alerts are the warnings open on Week in the member's scope, in the
	// order of Alerts; New says, for each, whether the last digest did
	// not have it (all are new in a first digest).
	Alerts []Alert
	New    []bool
	// Since is the week of the member's last digest, nil for none.
	Since *time.Time
}

// NewCount counts the warnings new since the last digest.
func (d Digest) NewCount() int {
	n := 0
	for _, b := range d.New {
		if b {
			n++
		}
	}
	return n
}

// DigestRender renders one member's digest (never called with no alerts).
type DigestRender func(d Digest) (text string, markup any)

// DigestDue reports whether now is when digests go: a Monday from 07:30
// until the quiet hours begin, where loc is.
func DigestDue(now time.Time, loc *time.Location) bool {
	l := now.In(loc)
	return l.Weekday() == DigestWeekday && l.Hour()*60+l.Minute() >= DigestHour*60+DigestMinute && !IsQuiet(now, loc)
}

// SweepDigests queues the digests of this week not queued yet, rendered by
// render, with the supervision target target: a no-op outside DigestDue.
// Sweeps of several processes take turns on an advisory lock; one that
// finds it taken returns at once. It returns how many messages it queued.
func (s *Storage) SweepDigests(ctx context.Context, loc *time.Location, target int, render DigestRender) (int, error) {
	now := s.now()
	if !DigestDue(now, loc) {
		return 0, nil
	}
	week := day(now.In(loc))
	queued := 0
	err := s.WithTx(ctx, func(s *Storage) error {
		var got bool
		if err := s.get(ctx, &got, `SELECT pg_try_advisory_xact_lock(hashtext('sotay digest sweep'))`); err != nil {
			return fmt.Errorf("storage: digest sweep lock: %w", err)
		}
		if !got {
			return nil
		}
		var who []struct {
			ID     int64  `db:"id"`
			Name   string `db:"full_name"`
			ChatID int64  `db:"telegram_user_id"`
		}
		if err := s.sel(ctx, &who, `SELECT m.id, m.full_name, m.telegram_user_id FROM members m
			WHERE m.active AND m.telegram_user_id IS NOT NULL AND m.unreachable_at IS NULL
			  AND EXISTS (SELECT 1 FROM roles r JOIN organisations o ON o.id = r.org_id WHERE r.member_id = m.id AND o.dissolved_at IS NULL)
			  AND NOT EXISTS (SELECT 1 FROM alert_digests g WHERE g.member_id = m.id AND g.week = $1)
			ORDER BY m.id`, week); err != nil {
			return fmt.Errorf("storage: digest recipients: %w", err)
		}
		if len(who) == 0 {
			return nil
		}
		ids := make([]int64, len(who))
		for i, w := range who {
			ids[i] = w.ID
		}
		var roles []struct {
			MemberID int64 `db:"member_id"`
			OrgID    int64 `db:"org_id"`
		}
		if err := s.sel(ctx, &roles, `SELECT r.member_id, r.org_id FROM roles r JOIN organisations o ON o.id = r.org_id
			WHERE r.member_id = ANY($1) AND o.dissolved_at IS NULL ORDER BY r.member_id, r.org_id`, int64Array(ids)); err != nil {
			return fmt.Errorf("storage: digest roles: %w", err)
		}
		var last []struct {
			MemberID int64     `db:"member_id"`
			Week     time.Time `db:"week"`
			Alerts   []byte    `db:"alerts"`
		}
		if err := s.sel(ctx, &last, `SELECT DISTINCT ON (member_id) member_id, week, alerts FROM alert_digests
			WHERE member_id = ANY($1) AND week < $2 ORDER BY member_id, week DESC`, int64Array(ids), week); err != nil {
			return fmt.Errorf("storage: last digests: %w", err)
		}
		e, err := s.alertEval(ctx, AlertQuery{On: week, CoverageTarget: target})
		if err != nil {
			return err
		}
		alerts, err := e.run(ctx)
		if err != nil {
			return err
		}
		byOrg := map[int64][]Alert{}
		for _, a := range alerts {
			byOrg[a.OrgID] = append(byOrg[a.OrgID], a)
		}
		rootsOf := map[int64][]int64{}
		for _, r := range roles {
			rootsOf[r.MemberID] = append(rootsOf[r.MemberID], r.OrgID)
		}
		lastOf := map[int64]int{}
		for i, l := range last {
			lastOf[l.MemberID] = i
		}
		for _, w := range who {
			d := Digest{MemberID: w.ID, FullName: w.Name, Week: week, Cells: true}
			for _, id := range rootsOf[w.ID] {
				if o := e.orgs[id]; o == nil || o.Kind != KindChiBo {
					d.Cells = false
				}
			}
			for _, o := range e.subtrees(rootsOf[w.ID]) {
				d.Alerts = append(d.Alerts, byOrg[o.ID]...)
			}
			before := map[string]bool{}
			if i, ok := lastOf[w.ID]; ok {
				since := day(last[i].Week)
				d.Since = &since
				var keys []string
				if err := json.Unmarshal(last[i].Alerts, &keys); err != nil {
					return fmt.Errorf("storage: last digest of %d: %w", w.ID, err)
				}
				for _, k := range keys {
					before[k] = true
				}
			}
			keys := make([]string, len(d.Alerts))
			d.New = make([]bool, len(d.Alerts))
			for i, a := range d.Alerts {
				keys[i] = a.Key()
				d.New[i] = !before[keys[i]]
			}
			sent, err := s.recordDigest(ctx, d, keys, w.ChatID, render)
			if err != nil {
				return err
			}
			if sent {
				queued++
			}
		}
		return nil
	})
	return queued, err
}

// recordDigest writes d's row (keys, the warnings it counted) and, when it
// has something to say, queues its message to chatID; sent reports
// whether a message was queued.
func (s *Storage) recordDigest(ctx context.Context, d Digest, keys []string, chatID int64, render DigestRender) (sent bool, err error) {
	if keys == nil {
		keys = []string{}
	}
	list, err := json.Marshal(keys)
	if err != nil {
		return false, fmt.Errorf("storage: digest of %d: %w", d.MemberID, err)
	}
	res, err := s.exec(ctx, `INSERT INTO alert_digests (member_id, week, alerts, sent_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (member_id, week) DO NOTHING`, d.MemberID, d.Week, string(list), s.now())
	if err != nil {
		return false, fmt.Errorf("storage: digest of %d: %w", d.MemberID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 || len(d.Alerts) == 0 {
		return false, nil
	}
	text, markup := render(d)
	id, err := s.Enqueue(ctx, OutboxDigest, chatID, text, markup)
	if err != nil {
		return false, err
	}
	if _, err := s.exec(ctx, `UPDATE alert_digests SET outbox_id = $3 WHERE member_id = $1 AND week = $2`, d.MemberID, d.Week, id); err != nil {
		return false, fmt.Errorf("storage: digest of %d: %w", d.MemberID, err)
	}
	return true, nil
}

// AlertDigest is one digest row, for tests and the demo.
type AlertDigest struct {
	MemberID int64     `db:"member_id"`
	Week     time.Time `db:"week"`
	OutboxID *int64    `db:"outbox_id"`
	Alerts   []byte    `db:"alerts"`
}

// AlertDigests lists a member's digests, newest week first.
func (s *Storage) AlertDigests(ctx context.Context, memberID int64) ([]AlertDigest, error) {
	return selectAll[AlertDigest](ctx, s, fmt.Sprintf("digests of %d", memberID),
		`SELECT member_id, week, outbox_id, alerts FROM alert_digests WHERE member_id = $1 ORDER BY week DESC`, memberID)
}

// subtrees are the organisations in scope under roots (each once), in tree
// order.
func (e *alertEval) subtrees(roots []int64) []*alertOrg {
	children := e.children()
	seen := map[int64]bool{}
	var out []*alertOrg
	var walk func(o *alertOrg)
	walk = func(o *alertOrg) {
		if seen[o.ID] {
			return
		}
		seen[o.ID] = true
		if _, ok := e.scope[o.ID]; ok {
			out = append(out, o)
		}
		for _, c := range children[o.ID] {
			walk(c)
		}
	}
	for _, id := range roots {
		if o := e.orgs[id]; o != nil {
			walk(o)
		}
	}
	slices.SortFunc(out, func(a, b *alertOrg) int { return a.pos - b.pos })
	return out
}

// children are the organisations under each one, as on D.
func (e *alertEval) children() map[int64][]*alertOrg {
	if e.kids != nil {
		return e.kids
	}
	byCode := make(map[string]*alertOrg, len(e.orgs))
	for _, o := range e.orgs {
		byCode[o.Code] = o
	}
	e.kids = map[int64][]*alertOrg{}
	for _, o := range e.orgs {
		if p, ok := byCode[o.ParentCode]; ok && p != o {
			e.kids[p.ID] = append(e.kids[p.ID], o)
		}
	}
	return e.kids
}
