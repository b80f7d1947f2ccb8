package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/quickform"
	"sotay/storage"
	"sotay/storage/vn"
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

type supervisionConv = Conv[supervisionDraft]

type supervisionAction = func(context.Context, *supervisionConv, Args) error

func (d supervisionDraft) next() string {
	switch {
	case d.Org == 0:
		return "org"
	case d.Date == "":
		return "date"
	case !d.BodyAsked:
		return "body"
	case d.Kind == "":
		return "kind"
	case !d.HasOrgs:
		return "orgs"
	case !d.HasMembers:
		return "members"
	case d.Content == "":
		return "content"
	case !d.HasConclusion:
		return "conclusion"
	case !d.MeasuresAsked:
		return "measures"
	}
	return "summary"
}

func (h *Handlers) supervisionDialog() *Dialog[supervisionDraft] {
	advance := func(c *supervisionConv) { c.Goto(c.Draft.next()) }
	count := func(field quickform.Field, set func(*supervisionDraft, int)) func(context.Context, *supervisionConv, string) error {
		return func(ctx context.Context, c *supervisionConv, text string) error {
			n, err := quickform.ParseCount(text, field)
			if err != nil {
				return fieldError(err)
			}
			d := c.Draft
			set(&d, n)
			if err := h.checkExamined(ctx, c.Request, d); err != nil {
				return err
			}
			c.Draft = d
			advance(c)
			return nil
		}
	}
	countButton := func(set func(*supervisionDraft, int)) supervisionAction {
		return func(ctx context.Context, c *supervisionConv, a Args) error {
			n, err := a.Int(0, 0, quickform.MaxCount)
			if err != nil {
				return err
			}
			d := c.Draft
			set(&d, n)
			if err := h.checkExamined(ctx, c.Request, d); err != nil {
				return err
			}
			c.Draft = d
			advance(c)
			return nil
		}
	}
	setOrgs := func(d *supervisionDraft, n int) { d.Orgs, d.HasOrgs = n, true }
	setMembers := func(d *supervisionDraft, n int) { d.Members, d.HasMembers = n, true }
	return &Dialog[supervisionDraft]{
		Name:      "kt",
		Title:     "báo cáo kiểm tra, giám sát",
		Cancelled: "Đã hủy báo cáo kiểm tra, giám sát, chưa lưu gì.",
		Stale:     "Báo cáo này đã gửi, đã hủy hoặc đã hết hạn. Đồng chí gõ /kiemtra để báo cáo cuộc khác.",
		Steps: []*Step[supervisionDraft]{
			{ID: "org", View: h.supervisionOrgView, Actions: map[string]supervisionAction{
				"o": func(ctx context.Context, c *supervisionConv, a Args) error {
					id, err := a.ID(0)
					if err != nil {
						return err
					}
					if err := mayReport(ctx, c.Request, id); err != nil {
						return err
					}
					c.Draft.Org = id
					if err := h.supervisionOrgKind(ctx, c); err != nil {
						return err
					}
					advance(c)
					return nil
				},
			}},
			{ID: "date", View: h.supervisionDateView,
				Text: func(ctx context.Context, c *supervisionConv, text string) error {
					t, err := quickform.ParseDay(text, today(c.Request))
					if err != nil {
						return fieldError(err)
					}
					return h.supervisionSetDate(ctx, c, t)
				},
				Actions: map[string]supervisionAction{"d": func(ctx context.Context, c *supervisionConv, a Args) error {
					t, err := pickDay(c.Request, a)
					if err != nil {
						return err
					}
					return h.supervisionSetDate(ctx, c, t)
				}}},
			{ID: "body", View: h.supervisionBodyView, Actions: map[string]supervisionAction{
				"bd": func(ctx context.Context, c *supervisionConv, a Args) error {
					switch a.Arg(0) {
					case storage.BodyCommittee, storage.BodyCommission:
						c.Draft.Body, c.Draft.BodyAsked = a.Arg(0), true
					default:
						return storage.ErrNotFound
					}
					if err := h.checkBody(ctx, c.Request, c.Draft); err != nil {
						return err
					}
					advance(c)
					return nil
				}}},
			{ID: "kind", View: h.supervisionKindView,
				Text: func(_ context.Context, c *supervisionConv, text string) error {
					k := quickform.SupervisionKind(text)
					if k == "" {
						return storage.Errorf(storage.CodeInvalid, "Loại «%s» không có: đồng chí bấm «Kiểm tra» hoặc «Giám sát».", cut(text, 40))
					}
					c.Draft.Kind = k
					advance(c)
					return nil
				},
				Actions: map[string]supervisionAction{"k": func(_ context.Context, c *supervisionConv, a Args) error {
					switch a.Arg(0) {
					case storage.SupervisionInspection, storage.SupervisionMonitoring:
						c.Draft.Kind = a.Arg(0)
					default:
						return storage.ErrNotFound
					}
					advance(c)
					return nil
				}}},
			{ID: "orgs", View: h.supervisionCountView("Số tổ chức đảng được kiểm tra, giám sát? Gõ một con số (0 nếu không có)."),
				Text: count(quickform.FieldOrgs, setOrgs), Actions: map[string]supervisionAction{"n": countButton(setOrgs)}},
			{ID: "members", View: h.supervisionCountView("Số đảng viên được kiểm tra, giám sát? Gõ một con số (0 nếu không có)."),
				Text: count(quickform.FieldMembers, setMembers), Actions: map[string]supervisionAction{"n": countButton(setMembers)}},
			{ID: "content", View: h.supervisionTextView("Nội dung kiểm tra, giám sát? Gõ ngắn gọn, ví dụ «Việc thực hiện quy chế làm việc».", false),
				Text: func(_ context.Context, c *supervisionConv, text string) error {
					t, err := reportText(text, "Nội dung", "Việc thực hiện quy chế làm việc")
					if err != nil {
						return err
					}
					c.Draft.Content = t
					advance(c)
					return nil
				}},
			{ID: "conclusion", View: h.supervisionConclusionView,
				Text: func(_ context.Context, c *supervisionConv, text string) error {
					n, err := quickform.ParseConclusion(text)
					if err != nil {
						return fieldError(err)
					}
					c.Draft.Violations, c.Draft.HasConclusion = n, true
					advance(c)
					return nil
				},
				Actions: map[string]supervisionAction{"v": func(_ context.Context, c *supervisionConv, a Args) error {
					n, err := a.Int(0, 0, quickform.MaxCount)
					if err != nil {
						return err
					}
					c.Draft.Violations, c.Draft.HasConclusion = n, true
					advance(c)
					return nil
				}}},
			{ID: "measures", View: h.supervisionTextView("Biện pháp đã thực hiện (không bắt buộc)? Gõ ngắn gọn, hoặc bấm «Bỏ qua».", true),
				Text: func(_ context.Context, c *supervisionConv, text string) error {
					t, err := reportText(text, "Biện pháp", "Nhắc nhở, yêu cầu khắc phục")
					if err != nil {
						return err
					}
					c.Draft.Measures, c.Draft.MeasuresAsked = t, true
					advance(c)
					return nil
				},
				Actions: map[string]supervisionAction{"skip": func(_ context.Context, c *supervisionConv, _ Args) error {
					c.Draft.Measures, c.Draft.MeasuresAsked = "", true
					advance(c)
					return nil
				}}},
			{ID: "summary", View: h.supervisionSummaryView, Actions: map[string]supervisionAction{
				"ok": h.supervisionSend,
				"e": func(_ context.Context, c *supervisionConv, _ Args) error {
					c.Goto("edit")
					return nil
				},
			}},
			{ID: "edit", View: h.supervisionEditView, Actions: map[string]supervisionAction{
				"f": func(ctx context.Context, c *supervisionConv, a Args) error {
					switch f := a.Arg(0); f {
					case "date", "kind", "orgs", "members", "content", "conclusion", "measures":
						c.Goto(f)
					case "body":
						o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
						if err != nil {
							return err
						}
						if o.Kind != storage.KindDangBo {
							return storage.ErrNotFound
						}
						c.Goto("body")
					default:
						return storage.ErrNotFound
					}
					return nil
				},
			}},
		},
	}
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

// checkBody refuses the inspection commission for a cell.
func (h *Handlers) checkBody(ctx context.Context, r *Request, d supervisionDraft) error {
	if d.Body != storage.BodyCommission || d.Org == 0 {
		return nil
	}
	o, err := r.Store.OrganisationByID(ctx, d.Org)
	if err != nil {
		return err
	}
	if o.Kind != storage.KindDangBo {
		return storage.Errorf(storage.CodeInvalid, "UBKT: %s là chi bộ, không có Ủy ban Kiểm tra; chỉ đảng bộ mới có. Đồng chí bỏ chữ UBKT đi.", o.Name)
	}
	return nil
}

// checkExamined refuses counts larger than the organisation: more
// organisations or members examined than it has.
func (h *Handlers) checkExamined(ctx context.Context, r *Request, d supervisionDraft) error {
	if d.Org == 0 {
		return nil
	}
	o, err := r.Store.OrganisationByID(ctx, d.Org)
	if err != nil {
		return err
	}
	orgs, members, err := r.Store.SubtreeSize(ctx, d.Org)
	if err != nil {
		return err
	}
	// A cell examines its party groups (tổ đảng), which are not in the tree.
	maxOrgs := orgs
	if o.Kind == storage.KindChiBo {
		maxOrgs = max(orgs, 20)
	}
	if d.HasOrgs && d.Orgs > maxOrgs {
		return storage.Errorf(storage.CodeInvalid, "Số tổ chức (%d) nhiều hơn số tổ chức đảng của %s (%d): đồng chí kiểm tra lại, ví dụ «2 tổ chức».", d.Orgs, o.Name, maxOrgs)
	}
	if d.HasMembers && d.Members > members {
		return storage.Errorf(storage.CodeInvalid, "Số đảng viên (%d) nhiều hơn số đảng viên của %s (%d): đồng chí kiểm tra lại, ví dụ «5 đảng viên».", d.Members, o.Name, members)
	}
	return nil
}

// supervisionCommand is /kiemtra: a quick form, or the dialog.
func (h *Handlers) supervisionCommand(ctx context.Context, r *Request) error {
	code, args, err := leadingOrgCode(ctx, r, r.Args)
	if err != nil {
		return err
	}
	form, err := quickform.ParseSupervision(args, today(r))
	if err != nil {
		return formError(err, quickform.SupervisionExample)
	}
	if code == "" {
		code = form.OrgCode
	}
	o, ask, err := reportOrg(ctx, r, code)
	if err != nil {
		return formError(err, quickform.SupervisionExample)
	}
	d := supervisionDraft{Body: form.Body, Kind: form.Kind, Orgs: form.Orgs, HasOrgs: form.HasOrgs, Members: form.Members, HasMembers: form.HasMembers,
		Content: form.Content, Violations: form.Violations, HasConclusion: form.HasConclusion, Measures: form.Measures}
	// A form written out to the conclusion says all it means to: its
	// measures are none rather than a question.
	d.MeasuresAsked = form.HasConclusion
	d.BodyAsked = strings.TrimSpace(r.Args) != "" // without UBKT written, the committee
	if form.HasDate {
		d.Date = isoDay(form.Date)
	}
	if !ask {
		d.Org = o.ID
		if form.HasDate {
			if err := checkOrgDay(o, form.Date, h.deps.Location); err != nil {
				return formError(err, quickform.SupervisionExample)
			}
		}
		if err := h.checkBody(ctx, r, d); err != nil {
			return formError(err, quickform.SupervisionExample)
		}
		if err := h.checkExamined(ctx, r, d); err != nil {
			return formError(err, quickform.SupervisionExample)
		}
		if o.Kind != storage.KindDangBo {
			d.BodyAsked = true
		}
	}
	if strings.TrimSpace(r.Args) == "" {
		if many, err := pickInDialog(ctx, r, false); err != nil {
			return err
		} else if many {
			d.Org, d.BodyAsked = 0, false
		}
	}
	if strings.TrimSpace(r.Args) == "" || form.Missing() != quickform.FieldNone || ask {
		return h.supervisions.Start(ctx, r, d.next(), d)
	}
	rep, err := h.saveSupervision(ctx, r, d)
	if err != nil {
		return formError(err, quickform.SupervisionExample)
	}
	text, kb := supervisionConfirmation(rep)
	r.Reply(text, *kb)
	return nil
}

func (h *Handlers) supervisionSetDate(ctx context.Context, c *supervisionConv, t time.Time) error {
	o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
	if err != nil {
		return err
	}
	if err := checkOrgDay(o, t, h.deps.Location); err != nil {
		return err
	}
	c.Draft.Date = isoDay(t)
	c.Goto(c.Draft.next())
	return nil
}

func (h *Handlers) supervisionHead(ctx context.Context, c *supervisionConv) (string, error) {
	var b strings.Builder
	b.WriteString("🔍 <b>Báo cáo kiểm tra, giám sát</b>")
	if c.Draft.ReportID != 0 {
		b.WriteString(" (sửa)")
	}
	if c.Draft.Org != 0 {
		o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
		if err != nil {
			return "", err
		}
		b.WriteString("\n" + esc(o.Name))
	}
	if t, ok := parseISODay(c.Draft.Date); ok {
		b.WriteString(" · " + vn.FormatDate(t))
	}
	if c.Draft.BodyAsked && c.Draft.Body == storage.BodyCommission {
		b.WriteString(" · UBKT")
	}
	if c.Draft.Kind != "" {
		b.WriteString(" · " + storage.SupervisionKindName(c.Draft.Kind))
	}
	if c.Draft.HasOrgs {
		fmt.Fprintf(&b, " · %d tổ chức", c.Draft.Orgs)
	}
	if c.Draft.HasMembers {
		fmt.Fprintf(&b, " · %d đảng viên", c.Draft.Members)
	}
	return b.String() + "\n\n", nil
}

func (h *Handlers) supervisionOrgView(ctx context.Context, c *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	items, err := reportOrgItems(ctx, c.Request, false)
	if err != nil {
		return "", nil, err
	}
	rows := Select(c, "orgs", items, "o")
	return "🔍 <b>Báo cáo kiểm tra, giám sát</b>\n\nTổ chức nào thực hiện?", append(rows, c.CancelRow()), nil
}

func (h *Handlers) supervisionDateView(ctx context.Context, c *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.supervisionHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	rows := DateShortcuts(c, "d", today(c.Request), recentDays(c.Request, 3)...)
	return head + "Ngày thực hiện (hoặc ngày kết thúc)? Bấm nút, hoặc gõ ngày (ví dụ 20/11/2026).", append(rows, c.CancelRow()), nil
}

func (h *Handlers) supervisionBodyView(ctx context.Context, c *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.supervisionHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	return head + "Ai thực hiện?", [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("Cấp ủy", "bd", storage.BodyCommittee), c.Button("Ủy ban Kiểm tra", "bd", storage.BodyCommission)),
		c.CancelRow(),
	}, nil
}

func (h *Handlers) supervisionKindView(ctx context.Context, c *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.supervisionHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	return head + "Kiểm tra hay giám sát?", [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("Kiểm tra", "k", storage.SupervisionInspection), c.Button("Giám sát", "k", storage.SupervisionMonitoring)),
		c.CancelRow(),
	}, nil
}

func (h *Handlers) supervisionCountView(question string) func(context.Context, *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	return func(ctx context.Context, c *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
		head, err := h.supervisionHead(ctx, c)
		if err != nil {
			return "", nil, err
		}
		return head + question, [][]tgbotapi.InlineKeyboardButton{
			tgbotapi.NewInlineKeyboardRow(c.Button("0", "n", 0), c.Button("1", "n", 1), c.Button("2", "n", 2), c.Button("3", "n", 3)),
			c.CancelRow(),
		}, nil
	}
}

func (h *Handlers) supervisionTextView(question string, skip bool) func(context.Context, *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	return func(ctx context.Context, c *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
		head, err := h.supervisionHead(ctx, c)
		if err != nil {
			return "", nil, err
		}
		var rows [][]tgbotapi.InlineKeyboardButton
		if skip {
			rows = append(rows, tgbotapi.NewInlineKeyboardRow(c.Button("Bỏ qua", "skip")))
		}
		return head + question, append(rows, c.CancelRow()), nil
	}
}

func (h *Handlers) supervisionConclusionView(ctx context.Context, c *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.supervisionHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	return head + "Kết luận? Bấm «Không vi phạm», hoặc gõ số vi phạm, ví dụ «có 2 vi phạm».", [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("Không vi phạm", "v", 0), c.Button("Có 1 vi phạm", "v", 1)),
		c.CancelRow(),
	}, nil
}

// supervisionLines describes a supervision report's figures.
func supervisionLines(orgName, body, kind string, day time.Time, orgs, members, violations int, content, measures string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tổ chức: %s", esc(orgName))
	if body == storage.BodyCommission {
		b.WriteString(" (Ủy ban Kiểm tra)")
	}
	fmt.Fprintf(&b, "\nNgày: %s · %s\nĐối tượng: %d tổ chức đảng, %d đảng viên\nNội dung: %s\nKết luận: ",
		vn.FormatDate(day), storage.SupervisionKindName(kind), orgs, members, esc(cut(content, 500)))
	if violations == 0 {
		b.WriteString("không vi phạm")
	} else {
		fmt.Fprintf(&b, "có %d vi phạm", violations)
	}
	if measures != "" {
		fmt.Fprintf(&b, "\nBiện pháp: %s", esc(cut(measures, 300)))
	}
	return b.String()
}

func (h *Handlers) supervisionSummaryView(ctx context.Context, c *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	d := c.Draft
	o, err := c.Store.OrganisationByID(ctx, d.Org)
	if err != nil {
		return "", nil, err
	}
	day, _ := parseISODay(d.Date)
	title := "🔍 <b>Báo cáo kiểm tra, giám sát</b> — đồng chí kiểm tra lại:\n"
	if d.ReportID != 0 {
		title = "🔍 <b>Sửa báo cáo kiểm tra, giám sát</b> — gửi sẽ lưu phiên bản mới, bản cũ vẫn giữ:\n"
	}
	return title + supervisionLines(o.Name, d.Body, d.Kind, day, d.Orgs, d.Members, d.Violations, d.Content, d.Measures), [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("✅ Gửi", "ok"), c.Button("✏️ Sửa", "e"), c.Button("✖ Hủy", actCancel)),
	}, nil
}

func (h *Handlers) supervisionEditView(ctx context.Context, c *supervisionConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.supervisionHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
	if err != nil {
		return "", nil, err
	}
	row1 := tgbotapi.NewInlineKeyboardRow(c.Button("Ngày", "f", "date"), c.Button("Loại", "f", "kind"))
	if o.Kind == storage.KindDangBo {
		row1 = append(row1, c.Button("Ai thực hiện", "f", "body"))
	}
	return head + "Sửa mục nào?", [][]tgbotapi.InlineKeyboardButton{
		row1,
		tgbotapi.NewInlineKeyboardRow(c.Button("Số tổ chức", "f", "orgs"), c.Button("Số đảng viên", "f", "members")),
		tgbotapi.NewInlineKeyboardRow(c.Button("Nội dung", "f", "content"), c.Button("Kết luận", "f", "conclusion"), c.Button("Biện pháp", "f", "measures")),
		tgbotapi.NewInlineKeyboardRow(c.Button("◀ Quay lại", actBack), c.Button("✖ Hủy", actCancel)),
	}, nil
}

// saveSupervision checks a complete draft once more and stores it.
func (h *Handlers) saveSupervision(ctx context.Context, r *Request, d supervisionDraft) (storage.SupervisionReport, error) {
	var rep storage.SupervisionReport
	if err := mayReport(ctx, r, d.Org); err != nil {
		return rep, err
	}
	o, err := r.Store.OrganisationByID(ctx, d.Org)
	if err != nil {
		return rep, err
	}
	day, ok := parseISODay(d.Date)
	if !ok || day.After(today(r)) {
		return rep, storage.Errorf(storage.CodeInvalid, "Ngày chưa đúng: đồng chí chọn lại ngày.")
	}
	if err := checkOrgDay(o, day, h.deps.Location); err != nil {
		return rep, err
	}
	if err := h.checkBody(ctx, r, d); err != nil {
		return rep, err
	}
	if err := h.checkExamined(ctx, r, d); err != nil {
		return rep, err
	}
	return r.Store.SaveSupervisionReport(ctx, storage.SupervisionInput{ReportID: d.ReportID, OrgID: d.Org, Body: d.Body, Kind: d.Kind,
		HeldOn: day, OrgsExamined: d.Orgs, MembersExamined: d.Members, Violations: d.Violations, Content: d.Content, Measures: d.Measures, By: r.Member.ID})
}

func (h *Handlers) supervisionSend(ctx context.Context, c *supervisionConv, _ Args) error {
	if step := c.Draft.next(); step != "summary" {
		c.Goto(step)
		return nil
	}
	rep, err := h.saveSupervision(ctx, c.Request, c.Draft)
	if err != nil {
		return err
	}
	text, kb := supervisionConfirmation(rep)
	c.End(text, kb)
	c.Toast = "Đã lưu báo cáo."
	return nil
}

func supervisionConfirmation(rep storage.SupervisionReport) (string, *tgbotapi.InlineKeyboardMarkup) {
	text := fmt.Sprintf("✅ Đã lưu báo cáo %s số %d%s:\n%s", storage.SupervisionKindName(rep.Kind), rep.ID, versionNote(rep.Version, rep.Change),
		supervisionLines(rep.OrgName, rep.Body, rep.Kind, rep.HeldOn, rep.OrgsExamined, rep.MembersExamined, rep.Violations, rep.Content, rep.Measures))
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(editButton(rtSupervision, rep.ID)))
	return text, &kb
}

func supervisionDraftOf(s storage.SupervisionReport) supervisionDraft {
	return supervisionDraft{ReportID: s.ID, Org: s.OrgID, Date: isoDay(s.HeldOn), Body: s.Body, BodyAsked: true, Kind: s.Kind,
		Orgs: s.OrgsExamined, HasOrgs: true, Members: s.MembersExamined, HasMembers: true, Content: s.Content,
		Violations: s.Violations, HasConclusion: true, Measures: s.Measures, MeasuresAsked: true}
}
