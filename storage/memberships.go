package storage

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// A member's periods in organisations (member_organisations) as the
// papers read them: which cell a member belonged to on a day, and who
// belonged to an organisation on a day.

// membership is one period of a member in an organisation.
type membership struct {
	MemberID int64  `db:"member_id"`
	OrgID    int64  `db:"org_id"`
	OrgName  string `db:"org_name"`
	// Committee is the name of the organisation above, "" at the root.
	Committee string     `db:"committee"`
	From      time.Time  `db:"from_at"`
	To        *time.Time `db:"to_at"`
}

// memberships are the member's periods, oldest first.
type memberships []membership

// on is the membership of the instant at: the one covering it; for an
// instant before the first (a roster imported after the day), the first,
// as MembersOn counts it. ok is false after the member left.
func (ms memberships) on(at time.Time) (membership, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		if !ms[i].From.After(at) {
			if ms[i].To == nil || ms[i].To.After(at) {
				return ms[i], true
			}
			return membership{}, false
		}
	}
	if len(ms) > 0 {
		return ms[0], true
	}
	return membership{}, false
}

// membershipsOf loads the periods of the members, by member.
func (s *Storage) membershipsOf(ctx context.Context, ids []int64) (map[int64]memberships, error) {
	rows, err := selectAll[membership](ctx, s, "memberships", `SELECT mo.member_id, mo.org_id, o.name AS org_name,
			COALESCE(p.name, '') AS committee, mo.from_at, mo.to_at
		FROM member_organisations mo JOIN organisations o ON o.id = mo.org_id LEFT JOIN organisations p ON p.id = o.parent_id
		WHERE mo.member_id = ANY($1) ORDER BY mo.member_id, mo.from_at, mo.id`, int64Array(ids))
	if err != nil {
		return nil, err
	}
	out := map[int64]memberships{}
	for _, r := range rows {
		out[r.MemberID] = append(out[r.MemberID], r)
	}
	return out, nil
}

// dayEnd is the last instant of a day in the storage's zone.
func (s *Storage) dayEnd(d time.Time) time.Time {
	return periodEnd(d, s.location()).Add(-time.Nanosecond)
}

// membersOnDay are the members who belonged, at the end of day d, to the
// organisation rootID or one under it (dissolved ones included), by
// organisation code, then name.
func (s *Storage) membersOnDay(ctx context.Context, rootID int64, d time.Time) ([]Member, error) {
	cands, err := selectAll[Member](ctx, s, fmt.Sprintf("members of %d on %s", rootID, d.Format("2006-01-02")), withSubtree("$1")+`
		SELECT `+memberColumns+memberFrom+`WHERE m.org_id IN (SELECT id FROM t)
		   OR EXISTS (SELECT 1 FROM member_organisations mo WHERE mo.member_id = m.id AND mo.org_id IN (SELECT id FROM t))
		ORDER BY `+byName+`, m.code`, rootID)
	if err != nil {
		return nil, err
	}
	sub, err := s.subtreeSet(ctx, rootID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(cands))
	for i, m := range cands {
		ids[i] = m.ID
	}
	periods, err := s.membershipsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	end := s.dayEnd(d)
	var ms []Member
	for _, m := range cands {
		mo, ok := periods[m.ID].on(end)
		if !ok || !sub[mo.OrgID] {
			continue
		}
		m.OrgID, m.OrgName = mo.OrgID, mo.OrgName
		ms = append(ms, m)
	}
	codes, err := s.orgCodes(ctx, sub)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		ms[i].OrgCode = codes[ms[i].OrgID]
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].OrgCode < ms[j].OrgCode })
	return ms, nil
}

// subtreeSet is the organisation rootID and every one under it, dissolved
// ones included, as a set.
func (s *Storage) subtreeSet(ctx context.Context, rootID int64) (map[int64]bool, error) {
	var ids []int64
	if err := s.sel(ctx, &ids, withSubtree("$1")+` SELECT id FROM t`, rootID); err != nil {
		return nil, fmt.Errorf("storage: subtree of %d: %w", rootID, err)
	}
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

// orgCodes are the codes of a set of organisations.
func (s *Storage) orgCodes(ctx context.Context, set map[int64]bool) (map[int64]string, error) {
	ids := make([]int64, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	rows, err := selectAll[struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
	}](ctx, s, "organisation codes", `SELECT id, code FROM organisations WHERE id = ANY($1)`, int64Array(ids))
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Code
	}
	return out, nil
}
