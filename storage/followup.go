package storage

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// The follow-up list a secretary carries to the village: each member of
// the cell who has documents still to study or missed meetings lately,
// whether the bot can reach them, and room to tick them off by hand at
// the next meeting. handlers/papers prints it.

// FollowUpDays is how far back the list looks for missed meetings: the
// 90 days up to today, the window the rules of party work count in.
const FollowUpDays = 90

// FollowUpDoc is a document a member has still to study.
type FollowUpDoc struct {
	DocNumber string     `db:"doc_number"`
	DocTitle  string     `db:"doc_title"`
	DueOn     *time.Time `db:"due_on"`
}

// FollowUpAbsence is a meeting a member missed.
type FollowUpAbsence struct {
	MemberID int64     `db:"member_id"`
	OrgName  string    `db:"org_name"`
	HeldOn   time.Time `db:"held_on"`
	Kind     string    `db:"kind"`
	Status   string    `db:"status"`
	Reason   string    `db:"reason"`
}

// WithReason reports whether the absence had a reason.
func (a FollowUpAbsence) WithReason() bool { return a.Status == recAbsentReason }

// FollowUpRow is one member to follow up.
type FollowUpRow struct {
	Member  Member
	Docs    []FollowUpDoc
	Absence []FollowUpAbsence
}

// NotLinked reports that the member has no Telegram link: the bot cannot
// reach them at all.
func (r FollowUpRow) NotLinked() bool { return r.Member.TelegramUserID == nil }

// Blocked reports that the member's chat refused the bot's messages
// (blocked it, or the chat is gone).
func (r FollowUpRow) Blocked() bool {
	return r.Member.TelegramUserID != nil && r.Member.UnreachableAt != nil
}

// FollowUp is the list of an organisation: its members to follow up, by
// organisation, then name.
type FollowUp struct {
	Org Organisation
	// Committee is the name of the organisation above Org, "" at the root.
	Committee string
	// On is today; Since the first day absences are counted from.
	On, Since time.Time
	// Members counts the organisation's active members.
	Members int
	Rows    []FollowUpRow
}

// FollowUpList gathers the follow-up list of the organisation orgID and
// those under it: its active members with an assignment still to study
// (a published document, a campaign not closed) or recorded absent by
// name at a meeting in the FollowUpDays days up to today.
func (s *Storage) FollowUpList(ctx context.Context, orgID int64) (FollowUp, error) {
	org, err := s.OrganisationByID(ctx, orgID)
	if err != nil {
		return FollowUp{}, err
	}
	today := day(s.now())
	f := FollowUp{Org: org, On: today, Since: today.AddDate(0, 0, -FollowUpDays)}
	if org.ParentID != nil {
		p, err := s.OrganisationByID(ctx, *org.ParentID)
		if err != nil {
			return f, err
		}
		f.Committee = p.Name
	}
	ms, err := s.MembersInSubtree(ctx, orgID)
	if err != nil {
		return f, err
	}
	f.Members = len(ms)
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	docs, err := selectAll[struct {
		MemberID int64 `db:"member_id"`
		FollowUpDoc
	}](ctx, s, fmt.Sprintf("documents to study under %d", orgID), `SELECT DISTINCT ON (a.member_id, a.document_id) a.member_id,
			d.number AS doc_number, d.title AS doc_title, c.due_on
		FROM assignments a JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id
		WHERE a.member_id = ANY($1) AND c.closed_at IS NULL AND d.status = 'published'
		  AND NOT EXISTS (SELECT 1 FROM assignments b WHERE b.member_id = a.member_id AND b.document_id = a.document_id
		                  AND b.state IN ('studied', 'studied_offline'))
		ORDER BY a.member_id, a.document_id, c.created_at DESC, a.id DESC`, int64Array(ids))
	if err != nil {
		return f, err
	}
	absences, err := selectAll[FollowUpAbsence](ctx, s, fmt.Sprintf("absences under %d", orgID), `SELECT a.member_id,
			o.name AS org_name, v.held_on, v.kind, a.status, a.reason
		FROM meeting_attendance a JOIN reports r ON r.id = a.report_id AND a.version = r.version
		JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		JOIN organisations o ON o.id = r.org_id
		WHERE r.type = 'meeting' AND a.member_id = ANY($1) AND a.status IN ('absent', 'absent_reason')
		  AND v.held_on BETWEEN $2 AND $3
		ORDER BY v.held_on, r.id`, int64Array(ids), f.Since, f.On)
	if err != nil {
		return f, err
	}
	rows := make(map[int64]*FollowUpRow, len(ms))
	for _, d := range docs {
		r := rowOf(rows, d.MemberID)
		r.Docs = append(r.Docs, d.FollowUpDoc)
	}
	for _, a := range absences {
		r := rowOf(rows, a.MemberID)
		r.Absence = append(r.Absence, a)
	}
	for _, m := range ms {
		r, ok := rows[m.ID]
		if !ok {
			continue
		}
		r.Member = m
		sort.SliceStable(r.Docs, func(i, j int) bool {
			a, b := r.Docs[i].DueOn, r.Docs[j].DueOn
			return a != nil && (b == nil || a.Before(*b))
		})
		f.Rows = append(f.Rows, *r)
	}
	return f, nil
}

func rowOf(rows map[int64]*FollowUpRow, memberID int64) *FollowUpRow {
	r, ok := rows[memberID]
	if !ok {
		r = &FollowUpRow{}
		rows[memberID] = r
	}
	return r
}
