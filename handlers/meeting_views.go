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
	times := ""
	if d.Starts != nil && d.Ends != nil {
		times = d.Starts.String() + "–" + d.Ends.String()
	} else if d.Starts != nil {
		times = "từ " + d.Starts.String()
	}
	return reportHead(meetingTitle, d.ReportID != 0, o.Name, d.Date, times, kind, present)
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

var meetingKindView = chat.Window(draftOrg[meetingDraft], func(c *meetingConv, o storage.Organisation) (string, chat.Keyboard) {
	return meetingHead(c, o) + "Loại sinh hoạt?", chat.Keyboard{
		chat.NewRow(c.Button("Thường kỳ", "k", storage.MeetingRegular), c.Button("Chuyên đề", "k", storage.MeetingTopical)),
		chat.NewRow(c.Button("Thường kỳ + chuyên đề", "k", storage.MeetingCombined)),
		c.CancelRow(),
	}
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
			label := fmt.Sprintf("📋 Điểm danh theo trả lời lịch họp (%d có mặt, %d vắng)", t.Present, t.Absent)
			if n := t.Unanswered(); n > 0 {
				label = fmt.Sprintf("📋 Theo trả lời lịch họp (%d có mặt, %d vắng, %d chưa trả lời)", t.Present, t.Absent, n)
			}
			rows = append(rows, chat.NewRow(c.Button(label, "rsvp")))
		}
		n := v.members
		if n > 0 {
			rows = append(rows, chat.NewRow(c.Button(fmt.Sprintf("✅ Đủ %d/%d", n, n), "all"), c.Button("👥 Điểm danh theo tên", "names")))
		}
		rows = append(rows, c.CancelRow())
		return meetingHead(c, v.org) + fmt.Sprintf("Số đảng viên có mặt? Gõ có mặt/tổng số, ví dụ 18/%d, hoặc chỉ số có mặt (tổng số theo danh sách: %d); hoặc bấm «Điểm danh theo tên».", max(n, 20), n), rows
	})
}

var meetingTopicView = askView(meetingHead, "Nội dung sinh hoạt? Gõ ngắn gọn, ví dụ «Quán triệt Kết luận 21-KL/TW».", nil)

var meetingAbsentView = askView(meetingHead, "Ai vắng, lý do gì? Gõ mã hoặc họ tên từng người, lý do trong ngoặc, ví dụ «DV0003 (ốm); Lò Văn Minh (đi làm xa); Giàng A Páo» (không ngoặc là vắng không lý do).", func(c *meetingConv) chat.Row {
	return chat.NewRow(c.Button("Không ghi tên", "none"))
})

var meetingPhotoView = chat.Window(draftOrg[meetingDraft], func(c *meetingConv, o storage.Organisation) (string, chat.Keyboard) {
	rows := chat.Keyboard{chat.NewRow(c.Button("Bỏ qua", "skip"))}
	if c.Draft.Photo != "" {
		rows = append(rows, chat.NewRow(c.Button("🗑 Bỏ ảnh đã gửi", "del")))
	}
	return meetingHead(c, o) + "Ảnh biên bản (không bắt buộc): gửi một ảnh chụp, hoặc bấm «Bỏ qua».", append(rows, c.CancelRow())
})

// meetingFacts is what a meeting report says, drawn alike from a draft
// (the summary) and from a stored version (the confirmation, /baocao).
type meetingFacts struct {
	org            string
	kind           string
	day            time.Time
	starts, ends   *storage.DayTime
	present, total int
	absentText     string             // a count-only report's free text
	attendance     []storage.Attendee // by name; nil for a count-only report
	studied        []string           // the numbers of the documents studied
	topic          string
	photo          bool
}

// factsOf is what a stored version of a report says.
func factsOf(m storage.MeetingReport) meetingFacts {
	f := meetingFacts{org: m.OrgName, kind: m.Kind, day: m.HeldOn, starts: m.Starts, ends: m.Ends, present: m.Present, total: m.Total,
		absentText: m.AbsentReasons, attendance: m.Attendance, topic: m.Topic, photo: m.HasMinutes()}
	for _, s := range m.Studied {
		f.studied = append(f.studied, s.DocNumber)
	}
	return f
}

// lines describes a meeting report: its organisation, day, times and
// kind, who was there (by name where it names them), the topic, the
// documents studied and the minutes.
func (f meetingFacts) lines() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tổ chức: %s\nNgày: %s", esc(f.org), vn.FormatDate(f.day))
	if t := timesText(f.starts, f.ends); t != "" {
		b.WriteString(" · " + t)
	}
	fmt.Fprintf(&b, " · %s\nCó mặt: %d/%d đảng viên", storage.MeetingKindName(f.kind), f.present, f.total)
	var reasoned, unreasoned []string
	for _, a := range f.attendance {
		switch a.Status {
		case storage.AttendAbsentReason:
			reasoned = append(reasoned, a.FullName+" ("+a.Reason+")")
		case storage.AttendAbsent:
			unreasoned = append(unreasoned, a.FullName)
		}
	}
	if len(reasoned) > 0 {
		fmt.Fprintf(&b, "\nVắng có lý do: %s", esc(vn.Cut(strings.Join(reasoned, ", "), 600)))
	}
	if len(unreasoned) > 0 {
		fmt.Fprintf(&b, "\nVắng không lý do: %s", esc(vn.Cut(strings.Join(unreasoned, ", "), 600)))
	}
	if f.attendance == nil && f.absentText != "" {
		fmt.Fprintf(&b, "\nVắng: %s", esc(vn.Cut(f.absentText, 300)))
	}
	fmt.Fprintf(&b, "\nNội dung: %s", esc(vn.Cut(f.topic, 500)))
	if len(f.studied) > 0 {
		fmt.Fprintf(&b, "\nVăn bản đã học: %s", esc(strings.Join(f.studied, ", ")))
	}
	if f.photo {
		b.WriteString("\nẢnh biên bản: có")
	}
	return b.String()
}

// meetingSummary is what the summary loads besides the draft: the
// organisation, its members on the day (to name the attendance) and the
// numbers of the documents studied.
type meetingSummary struct {
	org     storage.Organisation
	cell    []storage.Member
	studied []string
}

func (h *Handlers) loadMeetingSummary(ctx context.Context, c *meetingConv) (meetingSummary, error) {
	var v meetingSummary
	var err error
	if v.org, err = draftOrg(ctx, c); err != nil {
		return v, err
	}
	if c.Draft.Names != nil {
		if v.cell, err = cellOn(ctx, c.Request, c.Draft); err != nil {
			return v, err
		}
	}
	v.studied, err = studiedNumbers(ctx, c.Request, c.Draft.Studied)
	return v, err
}

// draftFacts is what the draft says, named by what the summary loaded.
func draftFacts(d meetingDraft, v meetingSummary) meetingFacts {
	day, _ := parseISODay(d.Date)
	return meetingFacts{org: v.org.Name, kind: d.Kind, day: day, starts: d.Starts, ends: d.Ends, present: d.Present, total: d.Total,
		absentText: d.Absent, attendance: draftAttendees(d, v.cell), studied: v.studied, topic: d.Topic, photo: d.Photo != ""}
}

func (h *Handlers) meetingSummaryView() reportView[meetingDraft] {
	return chat.Window(h.loadMeetingSummary, drawMeetingSummary)
}

func drawMeetingSummary(c *meetingConv, v meetingSummary) (string, chat.Keyboard) {
	d := c.Draft
	return reportSummary(c, meetingTitle, "📝 <b>Sửa báo cáo sinh hoạt chi bộ</b>", d.ReportID != 0, v.org.Name, d.Date, func(string, time.Time) string {
		return draftFacts(d, v).lines()
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
	old     *storage.MeetingReport
	summary meetingSummary
}

func (h *Handlers) meetingDupView() reportView[meetingDraft] {
	return chat.Window(func(ctx context.Context, c *meetingConv) (meetingDup, error) {
		old, err := h.meetingToReplace(ctx, c)
		if err != nil || old != nil {
			return meetingDup{old: old}, err
		}
		v, err := h.loadMeetingSummary(ctx, c)
		return meetingDup{summary: v}, err
	}, func(c *meetingConv, v meetingDup) (string, chat.Keyboard) {
		old := v.old
		if old == nil {
			// The other report is gone (its date was corrected): send as new.
			return drawMeetingSummary(c, v.summary)
		}
		day, _ := parseISODay(c.Draft.Date)
		text := fmt.Sprintf("⚠️ %s đã có báo cáo sinh hoạt thường kỳ tháng %s:\n%s\n\nThay báo cáo cũ bằng báo cáo mới (ngày %s, có mặt %d/%d)? Bản cũ vẫn được giữ trong lịch sử.",
			esc(old.OrgName), day.Format("01/2006"),
			factsOf(*old).lines(),
			vn.FormatDate(day), c.Draft.Present, c.Draft.Total)
		return text, chat.Keyboard{
			chat.NewRow(c.Button("🔁 Thay báo cáo cũ", "rp", old.ID)),
			chat.NewRow(c.Button("✏️ Sửa báo cáo mới", "e"), c.CancelButton()),
		}
	})
}
