// The windows of the /kiemtra dialog: the head every step starts with, one
// view per step, the summary and the edit menu.

package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sotay/storage"
	"sotay/storage/vn"
)

func (h *Handlers) supervisionHead(ctx context.Context, c *supervisionConv) (string, error) {
	d := c.Draft
	var body, kind, orgs, members string
	if d.BodyAsked && d.Body == storage.BodyCommission {
		body = "UBKT"
	}
	if d.Kind != "" {
		kind = storage.SupervisionKindName(d.Kind)
	}
	if d.HasOrgs {
		orgs = fmt.Sprintf("%d tổ chức", d.Orgs)
	}
	if d.HasMembers {
		members = fmt.Sprintf("%d đảng viên", d.Members)
	}
	return reportHead(ctx, c.Request, supervisionTitle, d.ReportID != 0, d.Org, d.Date, body, kind, orgs, members)
}

func (h *Handlers) supervisionDateView(ctx context.Context, c *supervisionConv) (string, Keyboard, error) {
	head, err := h.supervisionHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	rows := DateShortcuts(c, "d", today(c.Request), recentDays(c.Request, 3)...)
	return head + "Ngày thực hiện (hoặc ngày kết thúc)? Bấm nút, hoặc gõ ngày (ví dụ 20/11/2026).", append(rows, c.CancelRow()), nil
}

func (h *Handlers) supervisionBodyView(ctx context.Context, c *supervisionConv) (string, Keyboard, error) {
	return askView(h.supervisionHead, "Ai thực hiện?", func(c *supervisionConv) Row {
		return newRow(c.Button("Cấp ủy", "bd", storage.BodyCommittee), c.Button("Ủy ban Kiểm tra", "bd", storage.BodyCommission))
	})(ctx, c)
}

func (h *Handlers) supervisionKindView(ctx context.Context, c *supervisionConv) (string, Keyboard, error) {
	return askView(h.supervisionHead, "Kiểm tra hay giám sát?", func(c *supervisionConv) Row {
		return newRow(c.Button("Kiểm tra", "k", storage.SupervisionInspection), c.Button("Giám sát", "k", storage.SupervisionMonitoring))
	})(ctx, c)
}

func (h *Handlers) supervisionCountView(question string) reportView[supervisionDraft] {
	return askView(h.supervisionHead, question, func(c *supervisionConv) Row {
		return newRow(c.Button("0", "n", 0), c.Button("1", "n", 1), c.Button("2", "n", 2), c.Button("3", "n", 3))
	})
}

func (h *Handlers) supervisionTextView(question string, skip bool) reportView[supervisionDraft] {
	if !skip {
		return askView(h.supervisionHead, question, nil)
	}
	return askView(h.supervisionHead, question, func(c *supervisionConv) Row {
		return newRow(c.Button("Bỏ qua", "skip"))
	})
}

func (h *Handlers) supervisionConclusionView(ctx context.Context, c *supervisionConv) (string, Keyboard, error) {
	return askView(h.supervisionHead, "Kết luận? Bấm «Không vi phạm», hoặc gõ số vi phạm, ví dụ «có 2 vi phạm».", func(c *supervisionConv) Row {
		return newRow(c.Button("Không vi phạm", "v", 0), c.Button("Có 1 vi phạm", "v", 1))
	})(ctx, c)
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

func (h *Handlers) supervisionSummaryView(ctx context.Context, c *supervisionConv) (string, Keyboard, error) {
	d := c.Draft
	return summaryView(ctx, c, supervisionTitle, "🔍 <b>Sửa báo cáo kiểm tra, giám sát</b>", d.ReportID != 0, d.Org, d.Date, func(org string, day time.Time) string {
		return supervisionLines(org, d.Body, d.Kind, day, d.Orgs, d.Members, d.Violations, d.Content, d.Measures)
	})
}

func (h *Handlers) supervisionEditView(ctx context.Context, c *supervisionConv) (string, Keyboard, error) {
	head, err := h.supervisionHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
	if err != nil {
		return "", nil, err
	}
	row1 := newRow(c.Button("Ngày", "f", "date"), c.Button("Loại", "f", "kind"))
	if o.Kind == storage.KindDangBo {
		row1 = append(row1, c.Button("Ai thực hiện", "f", "body"))
	}
	return head + "Sửa mục nào?", Keyboard{
		row1,
		newRow(c.Button("Số tổ chức", "f", "orgs"), c.Button("Số đảng viên", "f", "members")),
		newRow(c.Button("Nội dung", "f", "content"), c.Button("Kết luận", "f", "conclusion"), c.Button("Biện pháp", "f", "measures")),
		editBackRow(c),
	}, nil
}
