// The windows of the /sinhhoat dialog: the head every step starts with, one
// view per step, the summary, the edit menu and the duplicate warning.

package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sotay/storage"
	"sotay/storage/vn"
)

// meetingHead is the first lines of every step: the report and what is filled.
func (h *Handlers) meetingHead(ctx context.Context, c *meetingConv) (string, error) {
	d := c.Draft
	var kind, present string
	if d.Kind != "" {
		kind = storage.MeetingKindName(d.Kind)
	}
	if d.HasPresent && d.Total >= 0 {
		present = fmt.Sprintf("có mặt %d/%d", d.Present, d.Total)
	}
	return reportHead(ctx, c.Request, meetingTitle, d.ReportID != 0, d.Org, d.Date, kind, present)
}

func (h *Handlers) meetingDateView(ctx context.Context, c *meetingConv) (string, Keyboard, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	rows := DateShortcuts(c, "d", today(c.Request), recentDays(c.Request, 3)...)
	// The days of meetings announced lately: their report starts from the answers.
	now := c.Now()
	ms, err := c.Store.MeetingsBetween(ctx, c.Draft.Org, now.AddDate(0, 0, -30), now)
	if err != nil {
		return "", nil, err
	}
	var row Row
	for _, m := range ms {
		day := m.StartsAt.In(h.deps.Location)
		row = append(row, c.Button("📅 "+day.Format("02/01")+" (lịch họp)", "d", day.Format("20060102")))
		if len(row) == 2 {
			break
		}
	}
	if row != nil {
		rows = append(Keyboard{row}, rows...)
	}
	return head + "Ngày họp? Bấm nút, hoặc gõ ngày (ví dụ 15/11/2026).", append(rows, c.CancelRow()), nil
}

func (h *Handlers) meetingKindView(ctx context.Context, c *meetingConv) (string, Keyboard, error) {
	return askView(h.meetingHead, "Loại sinh hoạt?", func(c *meetingConv) Row {
		return newRow(c.Button("Thường kỳ", "k", storage.MeetingRegular), c.Button("Chuyên đề", "k", storage.MeetingTopical))
	})(ctx, c)
}

func (h *Handlers) meetingAttendanceView(ctx context.Context, c *meetingConv) (string, Keyboard, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	var rows Keyboard
	day, _ := parseISODay(c.Draft.Date)
	// The answers are offered only when there are some (fromAnswers).
	if m, err := h.dayNotice(ctx, c.Request, c.Draft.Org, day); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return "", nil, err
	} else if err == nil {
		t, err := c.Store.Tally(ctx, m.ID)
		if err != nil {
			return "", nil, err
		}
		if t.Answered() > 0 {
			rows = append(rows, newRow(c.Button(fmt.Sprintf("📋 %d/%d theo trả lời lịch họp", t.Present, t.Invited), "rsvp")))
		}
	}
	n, err := c.Store.MembersOn(ctx, c.Draft.Org, day)
	if err != nil {
		return "", nil, err
	}
	if n > 0 {
		rows = append(rows, newRow(c.Button(fmt.Sprintf("✅ Đủ %d/%d", n, n), "a", n, n)))
	}
	rows = append(rows, c.CancelRow())
	return head + fmt.Sprintf("Số đảng viên có mặt? Gõ có mặt/tổng số, ví dụ 18/%d, hoặc chỉ số có mặt (tổng số theo danh sách: %d).", max(n, 20), n), rows, nil
}

func (h *Handlers) meetingTopicView(ctx context.Context, c *meetingConv) (string, Keyboard, error) {
	return askView(h.meetingHead, "Nội dung sinh hoạt? Gõ ngắn gọn, ví dụ «Quán triệt Kết luận 21-KL/TW».", nil)(ctx, c)
}

func (h *Handlers) meetingAbsentView(ctx context.Context, c *meetingConv) (string, Keyboard, error) {
	return askView(h.meetingHead, "Ai vắng, lý do gì? Gõ ví dụ «Lò Văn Minh (ốm); Giàng A Páo (đi làm xa)».", func(c *meetingConv) Row {
		return newRow(c.Button("Không ghi", "none"))
	})(ctx, c)
}

func (h *Handlers) meetingPhotoView(ctx context.Context, c *meetingConv) (string, Keyboard, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	rows := Keyboard{newRow(c.Button("Bỏ qua", "skip"))}
	if c.Draft.Photo != "" {
		rows = append(rows, newRow(c.Button("🗑 Bỏ ảnh đã gửi", "del")))
	}
	return head + "Ảnh biên bản (không bắt buộc): gửi một ảnh chụp, hoặc bấm «Bỏ qua».", append(rows, c.CancelRow()), nil
}

// meetingLines describes a meeting report's figures.
func meetingLines(orgName string, kind string, day time.Time, present, total int, topic, absent string, photo bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tổ chức: %s\nNgày: %s · %s\nCó mặt: %d/%d đảng viên", esc(orgName), vn.FormatDate(day), storage.MeetingKindName(kind), present, total)
	if absent != "" {
		fmt.Fprintf(&b, "\nVắng: %s", esc(cut(absent, 300)))
	}
	fmt.Fprintf(&b, "\nNội dung: %s", esc(cut(topic, 500)))
	if photo {
		b.WriteString("\nẢnh biên bản: có")
	}
	return b.String()
}

func (h *Handlers) meetingSummaryView(ctx context.Context, c *meetingConv) (string, Keyboard, error) {
	d := c.Draft
	return summaryView(ctx, c, meetingTitle, "📝 <b>Sửa báo cáo sinh hoạt chi bộ</b>", d.ReportID != 0, d.Org, d.Date, func(org string, day time.Time) string {
		return meetingLines(org, d.Kind, day, d.Present, d.Total, d.Topic, d.Absent, d.Photo != "")
	})
}

func (h *Handlers) meetingEditView(ctx context.Context, c *meetingConv) (string, Keyboard, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	rows := Keyboard{
		newRow(c.Button("Ngày", "f", "date"), c.Button("Loại", "f", "kind"), c.Button("Số có mặt", "f", "attendance")),
		newRow(c.Button("Nội dung", "f", "topic"), c.Button("Người vắng", "f", "absent"), c.Button("Ảnh", "f", "photo")),
	}
	if c.Draft.ReportID == 0 && c.Draft.Replace == 0 && len(c.Scope(Secretary).Roots()) > 0 {
		rows = append(rows, newRow(c.Button("Tổ chức", "f", "org")))
	}
	rows = append(rows, editBackRow(c))
	return head + "Sửa mục nào?", rows, nil
}

// meetingToReplace is the report the duplicate step offers to replace:
// the regular one of the draft's organisation and month (none: nil).
func (h *Handlers) meetingToReplace(ctx context.Context, c *meetingConv) (*storage.MeetingReport, error) {
	day, _ := parseISODay(c.Draft.Date)
	old, err := c.Store.RegularMeeting(ctx, c.Draft.Org, day)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &old, nil
}

func (h *Handlers) meetingDupView(ctx context.Context, c *meetingConv) (string, Keyboard, error) {
	day, _ := parseISODay(c.Draft.Date)
	old, err := h.meetingToReplace(ctx, c)
	if err != nil {
		return "", nil, err
	}
	if old == nil {
		// The other report is gone (its date was corrected): send as new.
		return h.meetingSummaryView(ctx, c)
	}
	text := fmt.Sprintf("⚠️ %s đã có báo cáo sinh hoạt thường kỳ tháng %s:\n%s\n\nThay báo cáo cũ bằng báo cáo mới (ngày %s, có mặt %d/%d)? Bản cũ vẫn được giữ trong lịch sử.",
		esc(old.OrgName), day.Format("01/2006"),
		meetingLines(old.OrgName, old.Kind, old.HeldOn, old.Present, old.Total, old.Topic, old.AbsentReasons, old.MinutesFile != ""),
		vn.FormatDate(day), c.Draft.Present, c.Draft.Total)
	return text, Keyboard{
		newRow(c.Button("🔁 Thay báo cáo cũ", "rp", old.ID)),
		newRow(c.Button("✏️ Sửa báo cáo mới", "e"), c.Button("✖ Hủy", actCancel)),
	}, nil
}
