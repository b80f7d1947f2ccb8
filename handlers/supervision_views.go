// The windows of the /kiemtra dialog: the head every step starts with, one
// view per step, the summary and the edit menu.

package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
	"sotay/storage/vn"
)

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
