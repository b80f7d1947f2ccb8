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
// exclusive and add up to Assigned.
type StudyCounts struct {
	Assigned       int `db:"assigned"`
	Pending        int `db:"pending"`
	Delivered      int `db:"delivered"`
	Read           int `db:"read"`
	Studied        int `db:"studied"`
	StudiedOffline int `db:"studied_offline"`
	Unreachable    int `db:"unreachable"`
	Failed         int `db:"failed"`
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

// StudyRates returns the rates under root: the root's row first, then, in
// tree order, every organisation under it whose subtree has assignments,
// each counting its whole subtree.
func (s *Storage) StudyRates(ctx context.Context, f StudyFilter, rootID int64) ([]OrgStudy, error) {
	where, args := f.where()
	if where == "" {
		return nil, Errorf(CodeInvalid, "Chưa chọn văn bản, đợt gửi hoặc khoảng thời gian để tính tỷ lệ.")
	}
	var orgs []struct {
		ID         int64      `db:"id"`
		Code       string     `db:"code"`
		Name       string     `db:"name"`
		Kind       string     `db:"kind"`
		ParentID   *int64     `db:"parent_id"`
		ParentCode string     `db:"parent_code"`
		Dissolved  *time.Time `db:"dissolved_at"`
	}
	if err := s.sel(ctx, &orgs, `SELECT o.id, o.code, o.name, o.kind, o.parent_id, COALESCE(p.code, '') AS parent_code, o.dissolved_at
		FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id ORDER BY o.name COLLATE sotay_vi, o.code`); err != nil {
		return nil, fmt.Errorf("storage: study rates orgs: %w", err)
	}
	// Counting is one pass over the chosen assignments: the furthest state
	// per member and document (a campaign alone needs no deduplication,
	// a member being assigned once per campaign), grouped by organisation.
	inner := `SELECT a.org_id, a.state FROM assignments a JOIN campaigns c ON c.id = a.campaign_id WHERE ` + where
	if f.CampaignID == 0 {
		inner = `SELECT DISTINCT ON (a.member_id, a.document_id) a.org_id, a.state
			FROM assignments a JOIN campaigns c ON c.id = a.campaign_id WHERE ` + where + `
			ORDER BY a.member_id, a.document_id, ` + stateRank("a.state") + ` DESC, a.id`
	}
	var own []struct {
		OrgID int64 `db:"org_id"`
		StudyCounts
	}
	if err := s.sel(ctx, &own, `SELECT org_id, count(*) AS assigned,
		count(*) FILTER (WHERE state = 'pending') AS pending,
		count(*) FILTER (WHERE state = 'delivered') AS delivered,
		count(*) FILTER (WHERE state = 'read') AS read,
		count(*) FILTER (WHERE state = 'studied') AS studied,
		count(*) FILTER (WHERE state = 'studied_offline') AS studied_offline,
		count(*) FILTER (WHERE state = 'unreachable') AS unreachable,
		count(*) FILTER (WHERE state = 'failed') AS failed
		FROM (`+inner+`) x GROUP BY org_id`, args...); err != nil {
		return nil, fmt.Errorf("storage: study rates: %w", err)
	}
	byID := make(map[int64]*OrgStudy, len(orgs))
	children := map[int64][]int64{}
	for _, o := range orgs {
		byID[o.ID] = &OrgStudy{OrgID: o.ID, Code: o.Code, Name: o.Name, Kind: o.Kind, ParentCode: o.ParentCode, Dissolved: o.Dissolved != nil}
		if o.ParentID != nil {
			children[*o.ParentID] = append(children[*o.ParentID], o.ID)
		}
	}
	root, ok := byID[rootID]
	if !ok {
		return nil, fmt.Errorf("storage: study rates: organisation %d: %w", rootID, ErrNotFound)
	}
	for _, c := range own {
		if o, ok := byID[c.OrgID]; ok {
			o.Own = c.StudyCounts
		}
	}
	// Roll up depth first; the tree is acyclic (parent_id <> id, one root).
	var out []OrgStudy
	var walk func(o *OrgStudy, depth int) StudyCounts
	walk = func(o *OrgStudy, depth int) StudyCounts {
		o.Depth = depth
		o.Total = o.Own
		at := len(out)
		out = append(out, OrgStudy{}) // the row comes before its children
		for _, id := range children[o.OrgID] {
			o.Total.Add(walk(byID[id], depth+1))
		}
		if o.Total.Assigned == 0 && depth > 0 {
			out = append(out[:at], out[at+1:]...)
			return o.Total
		}
		out[at] = *o
		return o.Total
	}
	walk(root, 0)
	return out, nil
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
