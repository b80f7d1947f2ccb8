// The windows of the /sinhhoat dialog: the head every step starts with, one
// view per step, the summary and the duplicate warning, each loading what
// it shows (Window) before it draws.

package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// meetingHead is the first lines of every step: the report and what is
// filled (o: the draft's organisation, draftOrg).
func meetingHead(c *meetingConv, o storage.Organisation) string {
	d := c.Draft
	var kind, present string
	if d.Kind != "" {
		kind = storage.MeetingKindName(d.Kind)
	}
	if d.HasPresent && d.Total >= 0 {
		present = fmt.Sprintf("có mặt %d/%d", d.Present, d.Total)
	}
	return reportHead(meetingTitle, d.ReportID != 0, o.Name, d.Date, kind, present)
}

// meetingDay is what the date step shows: the organisation, and the days
// of meetings announced lately, whose report starts from the answers.
type meetingDay struct {
	org       storage.Organisation
	announced []time.Time
}

func (h *Handlers) meetingDateView() reportView[meetingDraft] {
	return chat.Window(func(ctx context.Context, c *meetingConv) (meetingDay, error) {
		o, err := draftOrg(ctx, c)
		if err != nil {
			return meetingDay{}, err
		}
		now := c.Now()
		ms, err := c.Store.MeetingsBetween(ctx, c.Draft.Org, now.AddDate(0, 0, -30), now)
		if err != nil {
			return meetingDay{}, err
		}
		v := meetingDay{org: o}
		for _, m := range ms {
			v.announced = append(v.announced, m.StartsAt.In(h.deps.Location))
		}
		return v, nil
	}, func(c *meetingConv, v meetingDay) (string, chat.Keyboard) {
		rows := chat.DateShortcuts(c, "d", today(c.Request), recentDays(c.Request, 3)...)
		var row chat.Row
		for _, day := range v.announced {
			row = append(row, c.Button("📅 "+day.Format("02/01")+" (lịch họp)", "d", day.Format("20060102")))
			if len(row) == 2 {
				break
			}
		}
		if row != nil {
			rows = append(chat.Keyboard{row}, rows...)
		}
		return meetingHead(c, v.org) + "Ngày họp? Bấm nút, hoặc gõ ngày (ví dụ 15/11/2026).", append(rows, c.CancelRow())
	})
}

var meetingKindView = askView(meetingHead, "Loại sinh hoạt?", func(c *meetingConv) chat.Row {
	return chat.NewRow(c.Button("Thường kỳ", "k", storage.MeetingRegular), c.Button("Chuyên đề", "k", storage.MeetingTopical))
})

// meetingAttendance is what the attendance step shows: the organisation,
// the answers to the day's notice (nil: no notice, or no answer yet) and
// how many members the cell had that day.
type meetingAttendance struct {
	org     storage.Organisation
	answers *storage.MeetingTally
	members int
}

func (h *Handlers) meetingAttendanceView() reportView[meetingDraft] {
	return chat.Window(func(ctx context.Context, c *meetingConv) (meetingAttendance, error) {
		o, err := draftOrg(ctx, c)
		if err != nil {
			return meetingAttendance{}, err
		}
		v := meetingAttendance{org: o}
		day, _ := parseISODay(c.Draft.Date)
		// The answers are offered only when there are some (fromAnswers).
		if m, err := h.dayNotice(ctx, c.Request, c.Draft.Org, day); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return v, err
		} else if err == nil {
			t, err := c.Store.Tally(ctx, m.ID)
			if err != nil {
				return v, err
			}
			if t.Answered() > 0 {
				v.answers = &t
			}
		}
		v.members, err = c.Store.MembersOn(ctx, c.Draft.Org, day)
		return v, err
	}, func(c *meetingConv, v meetingAttendance) (string, chat.Keyboard) {
		var rows chat.Keyboard
		if t := v.answers; t != nil {
			rows = append(rows, chat.NewRow(c.Button(fmt.Sprintf("📋 %d/%d theo trả lời lịch họp", t.Present, t.Invited), "rsvp")))
		}
		n := v.members
		if n > 0 {
			rows = append(rows, chat.NewRow(c.Button(fmt.Sprintf("✅ Đủ %d/%d", n, n), "a", n, n)))
		}
		rows = append(rows, c.CancelRow())
		return meetingHead(c, v.org) + fmt.Sprintf("Số đảng viên có mặt? Gõ có mặt/tổng số, ví dụ 18/%d, hoặc chỉ số có mặt (tổng số theo danh sách: %d).", max(n, 20), n), rows
	})
}

var meetingTopicView = askView(meetingHead, "Nội dung sinh hoạt? Gõ ngắn gọn, ví dụ «Quán triệt Kết luận 21-KL/TW».", nil)

var meetingAbsentView = askView(meetingHead, "Ai vắng, lý do gì? Gõ ví dụ «Lò Văn Minh (ốm); Giàng A Páo (đi làm xa)».", func(c *meetingConv) chat.Row {
	return chat.NewRow(c.Button("Không ghi", "none"))
})

var meetingPhotoView = chat.Window(draftOrg[meetingDraft], func(c *meetingConv, o storage.Organisation) (string, chat.Keyboard) {
	rows := chat.Keyboard{chat.NewRow(c.Button("Bỏ qua", "skip"))}
	if c.Draft.Photo != "" {
		rows = append(rows, chat.NewRow(c.Button("🗑 Bỏ ảnh đã gửi", "del")))
	}
	return meetingHead(c, o) + "Ảnh biên bản (không bắt buộc): gửi một ảnh chụp, hoặc bấm «Bỏ qua».", append(rows, c.CancelRow())
})

// meetingLines describes a meeting report's figures.
func meetingLines(orgName string, kind string, day time.Time, present, total int, topic, absent string, photo bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tổ chức: %s\nNgày: %s · %s\nCó mặt: %d/%d đảng viên", esc(orgName), vn.FormatDate(day), storage.MeetingKindName(kind), present, total)
	if absent != "" {
		fmt.Fprintf(&b, "\nVắng: %s", esc(vn.Cut(absent, 300)))
	}
	fmt.Fprintf(&b, "\nNội dung: %s", esc(vn.Cut(topic, 500)))
	if photo {
		b.WriteString("\nẢnh biên bản: có")
	}
	return b.String()
}

var meetingSummaryView = chat.Window(draftOrg[meetingDraft], drawMeetingSummary)

func drawMeetingSummary(c *meetingConv, o storage.Organisation) (string, chat.Keyboard) {
	d := c.Draft
	return reportSummary(c, meetingTitle, "📝 <b>Sửa báo cáo sinh hoạt chi bộ</b>", d.ReportID != 0, o.Name, d.Date, func(org string, day time.Time) string {
		return meetingLines(org, d.Kind, day, d.Present, d.Total, d.Topic, d.Absent, d.Photo != "")
	})
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

// meetingDup is what the duplicate step shows: the report it offers to
// replace, or, when that is gone, the organisation for the summary.
type meetingDup struct {
	old *storage.MeetingReport
	org storage.Organisation
}

func (h *Handlers) meetingDupView() reportView[meetingDraft] {
	return chat.Window(func(ctx context.Context, c *meetingConv) (meetingDup, error) {
		old, err := h.meetingToReplace(ctx, c)
		if err != nil || old != nil {
			return meetingDup{old: old}, err
		}
		o, err := draftOrg(ctx, c)
		return meetingDup{org: o}, err
	}, func(c *meetingConv, v meetingDup) (string, chat.Keyboard) {
		old := v.old
		if old == nil {
			// The other report is gone (its date was corrected): send as new.
			return drawMeetingSummary(c, v.org)
		}
		day, _ := parseISODay(c.Draft.Date)
		text := fmt.Sprintf("⚠️ %s đã có báo cáo sinh hoạt thường kỳ tháng %s:\n%s\n\nThay báo cáo cũ bằng báo cáo mới (ngày %s, có mặt %d/%d)? Bản cũ vẫn được giữ trong lịch sử.",
			esc(old.OrgName), day.Format("01/2006"),
			meetingLines(old.OrgName, old.Kind, old.HeldOn, old.Present, old.Total, old.Topic, old.AbsentReasons, old.HasMinutes()),
			vn.FormatDate(day), c.Draft.Present, c.Draft.Total)
		return text, chat.Keyboard{
			chat.NewRow(c.Button("🔁 Thay báo cáo cũ", "rp", old.ID)),
			chat.NewRow(c.Button("✏️ Sửa báo cáo mới", "e"), c.Button("✖ Hủy", chat.ActCancel)),
		}
	})
}
