package handlers

import (
	"context"
	"time"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
)

// /kiemtra reports an inspection or supervision: "/kiemtra 20/11/2026; giám
// sát; 2 tổ chức; 5 đảng viên; content; không vi phạm" stores it at once;
// the command alone, or a form with fields left out, opens the "kt" dialog
// at the first field missing. "UBKT" anywhere after the date says the
// đảng bộ's inspection commission performed it.

// supervisionDraft is the /kiemtra dialog's state.
type supervisionDraft struct {
	ReportID      int64  `json:"r,omitempty"`
	Org           int64  `json:"o,omitempty"`
	Date          string `json:"d,omitempty"`
	Body          string `json:"b,omitempty"`
	BodyAsked     bool   `json:"ba,omitempty"`
	Kind          string `json:"k,omitempty"`
	Orgs          int    `json:"no,omitempty"`
	HasOrgs       bool   `json:"ho,omitempty"`
	Members       int    `json:"nm,omitempty"`
	HasMembers    bool   `json:"hm,omitempty"`
	Content       string `json:"c,omitempty"`
	Violations    int    `json:"v,omitempty"`
	HasConclusion bool   `json:"hc,omitempty"`
	Measures      string `json:"me,omitempty"`
	MeasuresAsked bool   `json:"ma,omitempty"`
}

type supervisionConv = chat.Conv[supervisionDraft]

// supervisionTitle heads the dialog's windows.
const supervisionTitle = "🔍 <b>Báo cáo kiểm tra, giám sát</b>"

type supervisionAction = func(context.Context, *supervisionConv, chat.Args) error

// The steps that code names (Start, Goto); the form's steps are named only
// where they are declared, and reached by Next and the edit menu.
const (
	stepSupervisionSummary chat.StepID[supervisionDraft] = "summary"
	stepSupervisionEdit    chat.StepID[supervisionDraft] = "edit"
)

func (d supervisionDraft) orgID() int64 { return d.Org }

// supervisionDialog asks, in this order, the fields the draft still needs
// (Needed), then shows the summary.
func (h *Handlers) supervisionDialog() *chat.Dialog[supervisionDraft] {
	// setCount keeps a count only when the organisation is that large.
	setCount := func(ctx context.Context, c *supervisionConv, set func(*supervisionDraft, int), n int) error {
		d := c.Draft
		set(&d, n)
		if err := h.checkExamined(ctx, c.Request, d); err != nil {
			return err
		}
		c.Draft = d
		c.Next()
		return nil
	}
	count := func(field quickform.Field, set func(*supervisionDraft, int)) func(context.Context, *supervisionConv, string) error {
		return func(ctx context.Context, c *supervisionConv, text string) error {
			n, err := quickform.ParseCount(text, field)
			if err != nil {
				return err
			}
			return setCount(ctx, c, set, n)
		}
	}
	// countButton takes a count a button carries, checked as a typed one.
	countButton := func(field quickform.Field, set func(*supervisionDraft, int)) supervisionAction {
		return func(ctx context.Context, c *supervisionConv, a chat.Args) error {
			n, err := a.Number(0)
			if err != nil {
				return err
			}
			if err := storage.CheckCount(field, n); err != nil {
				return err
			}
			return setCount(ctx, c, set, n)
		}
	}
	setOrgs := func(d *supervisionDraft, n int) { d.Orgs, d.HasOrgs = n, true }
	setMembers := func(d *supervisionDraft, n int) { d.Members, d.HasMembers = n, true }
	return &chat.Dialog[supervisionDraft]{
		Name:      "kt",
		Title:     "báo cáo kiểm tra, giám sát",
		Cancelled: "Đã hủy báo cáo kiểm tra, giám sát, chưa lưu gì.",
		Stale:     "Báo cáo này đã gửi, đã hủy hoặc đã hết hạn. Đồng chí gõ /kiemtra để báo cáo cuộc khác.",
		Steps: []*chat.Step[supervisionDraft]{
			orgStep(chat.Step[supervisionDraft]{ID: "org", Needed: func(d supervisionDraft) bool { return d.Org == 0 }},
				supervisionTitle, "Tổ chức nào thực hiện?", false, func(ctx context.Context, c *supervisionConv, id int64) error {
					c.Draft.Org = id
					if err := h.supervisionOrgKind(ctx, c); err != nil {
						return err
					}
					c.Next()
					return nil
				}),
			dateStep(chat.Step[supervisionDraft]{ID: "date", Needed: func(d supervisionDraft) bool { return d.Date == "" }, Edit: "Ngày"},
				supervisionDateView, h.supervisionSetDate),
			{ID: "body", Needed: func(d supervisionDraft) bool { return !d.BodyAsked }, Edit: "Ai thực hiện", Editable: supervisionBodyEditable,
				View: supervisionBodyView, Actions: map[string]supervisionAction{
					"bd": func(ctx context.Context, c *supervisionConv, a chat.Args) error {
						b, err := storage.ReadBody(a.Arg(0))
						if err != nil {
							return err
						}
						c.Draft.Body, c.Draft.BodyAsked = b, true
						if err := h.checkBody(ctx, c.Request, c.Draft); err != nil {
							return err
						}
						c.Next()
						return nil
					}}},
			kindStep(chat.Step[supervisionDraft]{ID: "kind", Needed: func(d supervisionDraft) bool { return d.Kind == "" }, Edit: "Loại"},
				supervisionKindView, storage.ReadSupervisionKind, func(d *supervisionDraft, k string) { d.Kind = k }),
			{ID: "orgs", Needed: func(d supervisionDraft) bool { return !d.HasOrgs }, Edit: "Số tổ chức",
				View: supervisionCountView("Số tổ chức đảng được kiểm tra, giám sát? Gõ một con số (0 nếu không có)."),
				Text: count(quickform.FieldOrgs, setOrgs), Actions: map[string]supervisionAction{"n": countButton(quickform.FieldOrgs, setOrgs)}},
			{ID: "members", Needed: func(d supervisionDraft) bool { return !d.HasMembers }, Edit: "Số đảng viên",
				View: supervisionCountView("Số đảng viên được kiểm tra, giám sát? Gõ một con số (0 nếu không có)."),
				Text: count(quickform.FieldMembers, setMembers), Actions: map[string]supervisionAction{"n": countButton(quickform.FieldMembers, setMembers)}},
			{ID: "content", Needed: func(d supervisionDraft) bool { return d.Content == "" }, Edit: "Nội dung",
				View: supervisionTextView("Nội dung kiểm tra, giám sát? Gõ ngắn gọn, ví dụ «Việc thực hiện quy chế làm việc».", false),
				Text: textAnswer(storage.FieldContent, "Nội dung", func(d *supervisionDraft, t string) { d.Content = t })},
			{ID: "conclusion", Needed: func(d supervisionDraft) bool { return !d.HasConclusion }, Edit: "Kết luận",
				View: supervisionConclusionView,
				Text: func(_ context.Context, c *supervisionConv, text string) error {
					n, err := quickform.ParseConclusion(text)
					if err != nil {
						return err
					}
					c.Draft.Violations, c.Draft.HasConclusion = n, true
					c.Next()
					return nil
				},
				Actions: map[string]supervisionAction{"v": func(_ context.Context, c *supervisionConv, a chat.Args) error {
					n, err := a.Number(0)
					if err != nil {
						return err
					}
					if err := storage.CheckViolations(n); err != nil {
						return err
					}
					c.Draft.Violations, c.Draft.HasConclusion = n, true
					c.Next()
					return nil
				}}},
			{ID: "measures", Needed: func(d supervisionDraft) bool { return !d.MeasuresAsked }, Edit: "Biện pháp",
				View:    supervisionTextView("Biện pháp đã thực hiện (không bắt buộc)? Gõ ngắn gọn, hoặc bấm «Bỏ qua».", true),
				Text:    textAnswer(storage.FieldMeasures, "Biện pháp", func(d *supervisionDraft, t string) { d.Measures, d.MeasuresAsked = t, true }),
				Actions: map[string]supervisionAction{"skip": answered(func(d *supervisionDraft) { d.Measures, d.MeasuresAsked = "", true })}},
			summaryStep(chat.Step[supervisionDraft]{ID: stepSupervisionSummary}, supervisionSummaryView, h.supervisionSend, stepSupervisionEdit),
			editStep(chat.Step[supervisionDraft]{ID: stepSupervisionEdit}, supervisionHead),
		},
	}
}

// supervisionBodyEditable offers "Ai thực hiện" in the edit menu of a
// đảng bộ's report only: only a đảng bộ has an inspection commission.
func supervisionBodyEditable(ctx context.Context, c *supervisionConv) (bool, error) {
	o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
	if err != nil {
		return false, err
	}
	return o.Kind == storage.KindDangBo, nil
}

// supervisionOrgKind skips the body question for a cell: only a đảng bộ
// has an inspection commission.
func (h *Handlers) supervisionOrgKind(ctx context.Context, c *supervisionConv) error {
	o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
	if err != nil {
		return err
	}
	if o.Kind != storage.KindDangBo {
		if c.Draft.Body == storage.BodyCommission {
			return h.checkBody(ctx, c.Request, c.Draft)
		}
		c.Draft.Body, c.Draft.BodyAsked = storage.BodyCommittee, true
	}
	return nil
}

func (h *Handlers) supervisionSetDate(ctx context.Context, c *supervisionConv, t time.Time) error {
	if err := h.checkDay(ctx, c.Request, c.Draft.Org, t); err != nil {
		return err
	}
	c.Draft.Date = isoDay(t)
	c.Next()
	return nil
}
