package storage

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Participation rates: for one document, one campaign, or every campaign
// created in a period, per organisation and rolled up over subtrees.
//
// The unit is a member and a document. A member assigned one document in
// several campaigns counts once, in their furthest state (stateRank), and
// where the assignment holding that state placed them: the organisation
// they belonged to when that campaign assigned them, not where they are
// now. Dissolved organisations keep their rows.

// StudyCounts counts members by their (furthest) state. The states are
// exclusive and add up to Assigned; Listened, beside them, counts those
// who listened to the document's voice summary, whatever their state.
type StudyCounts struct {
	Assigned       int `db:"assigned"`
	Pending        int `db:"pending"`
	Delivered      int `db:"delivered"`
	Read           int `db:"read"`
	Studied        int `db:"studied"`
	StudiedOffline int `db:"studied_offline"`
	Unreachable    int `db:"unreachable"`
	Failed         int `db:"failed"`
	Listened       int `db:"listened"`
}

// Add adds o to c.
func (c *StudyCounts) Add(o StudyCounts) {
	c.Assigned += o.Assigned
	c.Pending += o.Pending
	c.Delivered += o.Delivered
	c.Read += o.Read
	c.Studied += o.Studied
	c.StudiedOffline += o.StudiedOffline
	c.Unreachable += o.Unreachable
	c.Failed += o.Failed
	c.Listened += o.Listened
}

// add counts n members in state.
func (c *StudyCounts) add(state string, n int) {
	c.Assigned += n
	switch state {
	case AssignPending:
		c.Pending += n
	case AssignDelivered:
		c.Delivered += n
	case AssignRead:
		c.Read += n
	case AssignStudied:
		c.Studied += n
	case AssignStudiedOffline:
		c.StudiedOffline += n
	case AssignUnreachable:
		c.Unreachable += n
	default:
		c.Failed += n
	}
}

// Rate is SPEC's participation rate in percent: (studied +
// studied_offline) / assigned; 0 when nobody was assigned.
func (c StudyCounts) Rate() float64 { return percent(c.Studied+c.StudiedOffline, c.Assigned) }

// OnlineRate is studied / assigned in percent.
func (c StudyCounts) OnlineRate() float64 { return percent(c.Studied, c.Assigned) }

// Reached counts the members the message reached.
func (c StudyCounts) Reached() int { return c.Delivered + c.Read + c.Studied + c.StudiedOffline }

func percent(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) * 100 / float64(d)
}

// RoundRate rounds a percentage to one decimal (83.33 → 83.3), half away
// from zero, as reports print it.
func RoundRate(p float64) float64 { return math.Round(p*10) / 10 }

// StudyFilter picks the assignments a rate counts: one document, one
// campaign, or the campaigns created in [From, To) (either may be zero).
type StudyFilter struct {
	DocumentID int64
	CampaignID int64
	From, To   time.Time
}

// OrgStudy is one organisation's row: its own members (Own) and its whole
// subtree (Total).
type OrgStudy struct {
	OrgID      int64
	Code       string
	Name       string
	Kind       string
	ParentCode string
	Dissolved  bool
	// Depth is 0 for the asked organisation, 1 for its children...
	Depth int
	Own   StudyCounts
	Total StudyCounts
}

// StudyRates returns the rates under root, counted from the assignments
// and named as today (the storage's clock): the root's row first, then, in tree order, every
// organisation under it whose subtree has assignments, each counting its
// whole subtree.
func (s *Storage) StudyRates(ctx context.Context, f StudyFilter, rootID int64) ([]OrgStudy, error) {
	where, args := f.where()
	if where == "" {
		return nil, Errorf(CodeInvalid, "Chưa chọn văn bản, đợt gửi hoặc khoảng thời gian để tính tỷ lệ.")
	}
	// Counting is one pass over the chosen assignments: the furthest state
	// per member and document (a campaign alone needs no deduplication,
	// a member being assigned once per campaign), grouped by organisation.
	from := `assignments a`
	if !f.From.IsZero() || !f.To.IsZero() {
		from += ` JOIN campaigns c ON c.id = a.campaign_id`
	}
	inner := `SELECT a.org_id, a.state, a.listened_at IS NOT NULL AS listened FROM ` + from + ` WHERE ` + where
	if f.CampaignID == 0 {
		inner = `SELECT DISTINCT ON (a.member_id, a.document_id) a.org_id, a.state,
				bool_or(a.listened_at IS NOT NULL) OVER (PARTITION BY a.member_id, a.document_id) AS listened
			FROM ` + from + ` WHERE ` + where + `
			ORDER BY a.member_id, a.document_id, ` + stateRank("a.state") + ` DESC, a.id`
	}
	// Grouping by organisation and state, then spreading the states into
	// columns here, is cheaper than eight filtered counts per group.
	var own []struct {
		OrgID    int64  `db:"org_id"`
		State    string `db:"state"`
		Listened bool   `db:"listened"`
		N        int    `db:"n"`
	}
	if err := s.sel(ctx, &own, `SELECT org_id, state, listened, count(*) AS n FROM (`+inner+`) x GROUP BY org_id, state, listened`, args...); err != nil {
		return nil, fmt.Errorf("storage: study rates: %w", err)
	}
	counts := make(map[int64]StudyCounts, len(own))
	for _, c := range own {
		n := counts[c.OrgID]
		n.add(c.State, c.N)
		if c.Listened {
			n.Listened += c.N
		}
		counts[c.OrgID] = n
	}
	return s.studyRows(ctx, counts, s.now(), rootID)
}

// studyRows lists root and the organisations under it, named as they were
// at at, in tree order, each counting own over its subtree; a subtree
// with nothing assigned is left out below the root.
func (s *Storage) studyRows(ctx context.Context, own map[int64]StudyCounts, at time.Time, rootID int64) ([]OrgStudy, error) {
	tree, root, err := s.statRoot(ctx, at, rootID, "study")
	if err != nil {
		return nil, err
	}
	row := func(o *Organisation, depth int) (OrgStudy, bool) {
		return OrgStudy{OrgID: o.ID, Code: o.Code, Name: o.Name, Kind: string(o.Kind), ParentCode: o.ParentCode,
			Dissolved: o.DissolvedAt != nil, Depth: depth, Own: own[o.ID], Total: own[o.ID]}, true
	}
	add := func(r *OrgStudy, sub OrgStudy) { r.Total.Add(sub.Total) }
	return rollUp(tree, root, row, add, func(r OrgStudy) bool { return r.Total.Assigned == 0 }), nil
}

// where is the condition on "a" (assignments) and "c" (campaigns) and its
// arguments.
func (f StudyFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if f.DocumentID != 0 {
		add("a.document_id = $%d", f.DocumentID)
	}
	if f.CampaignID != 0 {
		add("a.campaign_id = $%d", f.CampaignID)
	}
	if !f.From.IsZero() {
		add("c.created_at >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("c.created_at < $%d", f.To)
	}
	w := ""
	for i, c := range conds {
		if i > 0 {
			w += " AND "
		}
		w += c
	}
	return w, args
}
