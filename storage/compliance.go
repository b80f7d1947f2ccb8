package storage

import (
	"context"
	"fmt"
	"time"
)

// The period summary's compliance with the rules of party work (issue 20,
// item 7), beside the meeting figures PeriodSummary already has (cells that
// held their regular meeting every month, the attendance rate): cells that
// held a thematic meeting each quarter, and the cells' supervision of their
// members. A quarter, like a month in the rules (alerts.go), counts for a
// cell that existed through it: founded by its first day, not dissolved
// before its last.

// Compliance holds the summary's figures about the rules.
type Compliance struct {
	// Quarters are the quarters counted for thematic meetings: those
	// that overlap the period and have ended by its last day, or the
	// quarter of its last day when none has.
	Quarters []time.Time
	// ThematicCells counts the cells that existed through some counted
	// quarter; CellsThematic those of them with a thematic meeting (a
	// combined session counts) in each counted quarter they existed through.
	ThematicCells, CellsThematic int
	// CellMembers counts the members of the cells at the end of the
	// period; Examined the members the cells examined themselves (their
	// own inspections and supervisions, body cấp ủy) in the period.
	CellMembers, Examined int
}

// Coverage is 100 × examined / members; ok is false for cells without
// members.
func (c Compliance) Coverage() (p float64, ok bool) {
	if c.CellMembers == 0 {
		return 0, false
	}
	return percent(c.Examined, c.CellMembers), true
}

// CountedQuarters are the quarters that overlap [from, to] and have ended
// by to, or the quarter of to when none has.
func CountedQuarters(from, to time.Time) []time.Time {
	var out []time.Time
	for q := quarterStart(from); !q.After(to); q = q.AddDate(0, 3, 0) {
		if !q.AddDate(0, 3, -1).After(day(to)) {
			out = append(out, q)
		}
	}
	if len(out) == 0 {
		out = append(out, quarterStart(to))
	}
	return out
}

// throughout reports whether o existed on every day from first to last.
func (o *Organisation) throughout(first, last time.Time, loc *time.Location) bool {
	if o.FoundedOn != nil && day(*o.FoundedOn).After(first) {
		return false
	}
	return o.DissolvedAt == nil || !day(o.DissolvedAt.In(loc)).Before(last)
}

// compliance gathers the Compliance of the days [from, to] for cells, the
// cells under the summary's root.
func (s *Storage) compliance(ctx context.Context, from, to time.Time, cells []*Organisation) (Compliance, error) {
	loc := s.location()
	c := Compliance{Quarters: CountedQuarters(from, to)}
	if len(cells) == 0 {
		return c, nil
	}
	ids := make([]int64, len(cells))
	for i, o := range cells {
		ids[i] = o.ID
	}
	first, last := c.Quarters[0], c.Quarters[len(c.Quarters)-1].AddDate(0, 3, -1)
	var held []struct {
		OrgID   int64     `db:"org_id"`
		Quarter time.Time `db:"quarter"`
	}
	if err := s.sel(ctx, &held, `SELECT DISTINCT r.org_id, date_trunc('quarter', v.held_on)::date AS quarter
		FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		WHERE r.type = 'meeting' AND r.org_id IN (SELECT unnest($1::bigint[])) AND v.kind IN `+thematicKindsSQL+` AND v.held_on BETWEEN $2 AND $3`,
		int64Array(ids), first, last); err != nil {
		return c, fmt.Errorf("storage: summary thematic meetings: %w", err)
	}
	heldIn := map[int64]map[time.Time]bool{}
	for _, h := range held {
		if heldIn[h.OrgID] == nil {
			heldIn[h.OrgID] = map[time.Time]bool{}
		}
		heldIn[h.OrgID][day(h.Quarter)] = true
	}
	for _, o := range cells {
		counted, missed := 0, false
		for _, q := range c.Quarters {
			if !o.throughout(q, q.AddDate(0, 3, -1), loc) {
				continue
			}
			counted++
			missed = missed || !heldIn[o.ID][q]
		}
		if counted > 0 {
			c.ThematicCells++
			if !missed {
				c.CellsThematic++
			}
		}
	}
	end := periodEnd(to, loc)
	var err error
	if err = s.get(ctx, &c.Examined, `SELECT COALESCE(sum(v.members_examined), 0)
		FROM reports r JOIN supervision_versions v ON v.report_id = r.id AND v.version = r.version
		WHERE r.type = 'supervision' AND r.org_id IN (SELECT unnest($1::bigint[])) AND v.body = 'cap_uy' AND v.held_on BETWEEN $2 AND $3`,
		int64Array(ids), day(from), day(to)); err != nil {
		return c, fmt.Errorf("storage: summary supervision of members: %w", err)
	}
	if err = s.get(ctx, &c.CellMembers, `SELECT count(*) FROM (`+membersOnSQL("$2", "$1")+`) x WHERE org_id IN (SELECT unnest($1::bigint[]))`,
		int64Array(ids), end); err != nil {
		return c, fmt.Errorf("storage: summary members: %w", err)
	}
	return c, nil
}
