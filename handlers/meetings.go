package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
	"sotay/storage/vn"
)

// /sinhhoat reports a cell meeting: "/sinhhoat 15/11/2026 19:30-21:15;
// thường kỳ; 18/20; topic; vắng: DV0003 (ốm), DV0005; học: 21-KL/TW"
// stores it at once (documents studied ask one question first); the
// command alone, or a form with fields left out, opens the "sh" dialog at
// the first field missing. Both end in the same confirmation with "Sửa". A
// photo whose caption is the form is the minutes (kept by file_id).

// meetingDraft is the /sinhhoat dialog's state.
type meetingDraft struct {
	ReportID   int64            `json:"r,omitempty"`  // correcting this report
	Replace    int64            `json:"rp,omitempty"` // replacing this month's regular report
	Org        int64            `json:"o,omitempty"`
	Date       string           `json:"d,omitempty"` // yyyy-mm-dd
	Starts     *storage.DayTime `json:"ts,omitempty"`
	Ends       *storage.DayTime `json:"te,omitempty"`
	TimesAsked bool             `json:"ta,omitempty"` // the start was asked (none is an answer)
	Kind       string           `json:"k,omitempty"`
	Present    int              `json:"p,omitempty"`
	Total      int              `json:"t,omitempty"`
	HasPresent bool             `json:"hp,omitempty"`
	Topic      string           `json:"tp,omitempty"`
	// Absent is a count-only report's free text (reports stored before
	// attendance by name keep theirs).
	Absent     string `json:"ab,omitempty"`
	AbsentSeen bool   `json:"aa,omitempty"` // the absent question was answered
	// Names is the attendance by name, every member of the cell on the
	// day; nil for a count-only report. NamesSeen: the secretary has seen
	// (or written) it; Unsure are those who did not answer the notice and
	// were counted present, shown for the secretary to correct.
	Names     []attendee `json:"n,omitempty"`
	NamesSeen bool       `json:"ns,omitempty"`
	Unsure    []int64    `json:"u,omitempty"`
	// Studied are the campaigns studied at the meeting; StudiedNote asks
	// which campaign a number written in the form meant.
	Studied      []int64 `json:"st,omitempty"`
	StudiedAsked bool    `json:"sa,omitempty"`
	StudiedNote  string  `json:"sn,omitempty"`
	// Tick: the members present are to be ticked as having studied them;
	// TickAsked: the question was answered.
	Tick       bool   `json:"tk,omitempty"`
	TickAsked  bool   `json:"tq,omitempty"`
	Photo      string `json:"ph,omitempty"`
	PhotoAsked bool   `json:"pa,omitempty"`
}

// attendee is one member's attendance in a draft (storage.Attendee).
type attendee struct {
	Member int64  `json:"m"`
	Status string `json:"s"`
	Reason string `json:"r,omitempty"`
}

type meetingConv = chat.Conv[meetingDraft]

type meetingAction = func(context.Context, *meetingConv, chat.Args) error

// meetingTitle heads the dialog's windows.
const meetingTitle = "📝 <b>Báo cáo sinh hoạt chi bộ</b>"

const msgMeetingStale = "Báo cáo này đã gửi, đã hủy hoặc đã hết hạn. Đồng chí gõ /sinhhoat để báo cáo buổi sinh hoạt khác."

// The steps that code names (Start, Goto); the form's steps are named only
// where they are declared, and reached by Next and the edit menu.
const (
	stepMeetingSummary chat.StepID[meetingDraft] = "summary"
	stepMeetingEdit    chat.StepID[meetingDraft] = "edit"
	stepMeetingDup     chat.StepID[meetingDraft] = "dup"
	stepMeetingTick    chat.StepID[meetingDraft] = "tick"
)

func (d meetingDraft) orgID() int64 { return d.Org }

// meetingDialog asks, in this order, the fields the draft still needs
// (Needed), then shows the summary.
func (h *Handlers) meetingDialog() *chat.Dialog[meetingDraft] {
	return &chat.Dialog[meetingDraft]{
		Name:      "sh",
		Title:     "báo cáo sinh hoạt chi bộ",
		Cancelled: "Đã hủy báo cáo sinh hoạt, chưa lưu gì.",
		Stale:     msgMeetingStale,
		Steps: []*chat.Step[meetingDraft]{
			orgStep(chat.Step[meetingDraft]{ID: "org", Needed: func(d meetingDraft) bool { return d.Org == 0 },
				Edit: "Tổ chức", Editable: meetingOrgEditable},
				meetingTitle, "Báo cáo cho tổ chức nào?", false, func(ctx context.Context, c *meetingConv, id int64) error {
					if id != c.Draft.Org {
						// Another cell: its members and campaigns, not these.
						c.Draft.Names, c.Draft.NamesSeen, c.Draft.Unsure = nil, false, nil
						c.Draft.Studied, c.Draft.StudiedAsked = nil, false
					}
					c.Draft.Org = id
					if err := h.fillTotal(ctx, c.Request, &c.Draft); err != nil {
						return err
					}
					if err := skipStudiedIfNone(ctx, c.Request, &c.Draft); err != nil {
						return err
					}
					c.Next()
					return nil
				}),
			dateStep(chat.Step[meetingDraft]{ID: "date", Needed: func(d meetingDraft) bool { return d.Date == "" }, Edit: "Ngày"},
				h.meetingDateView(), h.meetingSetDate),
			{ID: "start", Needed: func(d meetingDraft) bool { return !d.TimesAsked }, Edit: "Giờ họp",
				View: h.meetingStartView(), Text: h.meetingTypedStart,
				Actions: map[string]meetingAction{"t": h.meetingPickStart, "none": answered(func(d *meetingDraft) { d.Starts, d.Ends, d.TimesAsked = nil, nil, true })}},
			{ID: "end", Needed: func(d meetingDraft) bool { return d.Starts != nil && d.Ends == nil },
				View: meetingEndView, Text: h.meetingTypedEnd, Actions: map[string]meetingAction{"t": h.meetingPickEnd}},
			kindStep(chat.Step[meetingDraft]{ID: "kind", Needed: func(d meetingDraft) bool { return d.Kind == "" }, Edit: "Loại"},
				meetingKindView, storage.ReadMeetingKind, func(d *meetingDraft, k string) { d.Kind = k }),
			{ID: "attendance", Needed: func(d meetingDraft) bool { return !d.HasPresent }, Edit: "Số có mặt",
				View: h.meetingAttendanceView(),
				Text: func(ctx context.Context, c *meetingConv, text string) error {
					p, t, hasTotal, err := quickform.ParseAttendance(text)
					if err != nil {
						return err
					}
					if err := h.meetingSetAttendance(ctx, c, p, t, hasTotal); err != nil {
						return err
					}
					c.Next()
					return nil
				},
				Actions: map[string]meetingAction{"rsvp": h.meetingFromAnswers, "all": h.meetingAllPresent, "names": h.meetingByName}},
			{ID: "absent", Needed: func(d meetingDraft) bool {
				return d.Names == nil && d.Present < d.Total && d.Absent == "" && !d.AbsentSeen
			}, Edit: "Người vắng",
				View: meetingAbsentView, Text: h.meetingTypedAbsent,
				Actions: map[string]meetingAction{"none": answered(func(d *meetingDraft) { d.Absent, d.AbsentSeen = "", true })}},
			{ID: "names", Needed: func(d meetingDraft) bool {
				return d.HasPresent && (d.Names != nil && !d.NamesSeen || len(d.Studied) > 0 && d.Names == nil)
			}, Edit: "Điểm danh",
				View: h.meetingNamesView(), Text: h.meetingTypedNames,
				Actions: map[string]meetingAction{"t": h.meetingToggleName, "ok": h.meetingNamesDone}},
			{ID: "topic", Needed: func(d meetingDraft) bool { return d.Topic == "" }, Edit: "Nội dung",
				View: meetingTopicView,
				Text: textAnswer(storage.FieldTopic, "Nội dung sinh hoạt", func(d *meetingDraft, t string) { d.Topic = t })},
			{ID: "studied", Needed: func(d meetingDraft) bool { return !d.StudiedAsked }, Edit: "Văn bản đã học",
				View: meetingStudiedView, Text: h.meetingTypedStudied,
				Actions: map[string]meetingAction{"t": h.meetingToggleStudied, "ok": answered(func(d *meetingDraft) { d.StudiedAsked, d.StudiedNote = true, "" }),
					"none": answered(func(d *meetingDraft) { d.Studied, d.StudiedAsked, d.StudiedNote = nil, true, "" })}},
			{ID: "photo", Needed: func(d meetingDraft) bool { return !d.PhotoAsked }, Edit: "Ảnh",
				View: meetingPhotoView,
				Text: func(ctx context.Context, c *meetingConv, _ string) error {
					id, err := h.keepMinutes(ctx, c.Request, c.Message())
					if err != nil {
						return err
					}
					if id == "" {
						return storage.Errorf(storage.CodeInvalid, "Đồng chí gửi ảnh chụp biên bản (bấm 📎 rồi chọn ảnh), hoặc bấm «Bỏ qua».")
					}
					c.Draft.Photo, c.Draft.PhotoAsked = id, true
					c.Next()
					return nil
				},
				Actions: map[string]meetingAction{
					"skip": answered(func(d *meetingDraft) { d.PhotoAsked = true }),
					"del":  answered(func(d *meetingDraft) { d.Photo, d.PhotoAsked = "", true }),
				}},
			summaryStep(chat.Step[meetingDraft]{ID: stepMeetingSummary}, h.meetingSummaryView(), h.meetingSend, stepMeetingEdit),
			editStep(chat.Step[meetingDraft]{ID: stepMeetingEdit}, meetingHead),
			{ID: stepMeetingDup, View: h.meetingDupView(), Actions: map[string]meetingAction{
				"rp": func(ctx context.Context, c *meetingConv, a chat.Args) error {
					// Only the report the step offers to replace: this
					// month's regular one of the draft's organisation.
					old, err := h.meetingToReplace(ctx, c)
					if err != nil {
						return err
					}
					var offered []chat.Item
					if old != nil {
						offered = []chat.Item{{ID: old.ID}}
					}
					if _, err := chat.Chosen(offered, a, 0); err != nil {
						return err
					}
					c.Draft.Replace = old.ID
					return h.meetingSend(ctx, c, nil)
				},
				"e": gotoStep(stepMeetingEdit),
			}},
			{ID: stepMeetingTick, View: h.meetingTickView(), Actions: map[string]meetingAction{
				"y": func(ctx context.Context, c *meetingConv, _ chat.Args) error {
					c.Draft.Tick, c.Draft.TickAsked = true, true
					return h.meetingSend(ctx, c, nil)
				},
				"n": func(ctx context.Context, c *meetingConv, _ chat.Args) error {
					c.Draft.Tick, c.Draft.TickAsked = false, true
					return h.meetingSend(ctx, c, nil)
				},
				"e": gotoStep(stepMeetingEdit),
			}},
		},
	}
}

// meetingOrgEditable offers the organisation in the edit menu of a new
// report only: a stored report stays with its organisation.
func meetingOrgEditable(_ context.Context, c *meetingConv) (bool, error) {
	return c.Draft.ReportID == 0 && c.Draft.Replace == 0 && len(c.Scope(chat.Secretary).Roots()) > 0, nil
}

func (h *Handlers) meetingSetDate(ctx context.Context, c *meetingConv, t time.Time) error {
	if err := h.checkDay(ctx, c.Request, c.Draft.Org, t); err != nil {
		return err
	}
	if err := h.dayBegun(ctx, c.Request, c.Draft.Org, t); err != nil {
		return err
	}
	c.Draft.Date = isoDay(t)
	if c.Draft.HasPresent && c.Draft.Total < 0 {
		if err := h.fillTotal(ctx, c.Request, &c.Draft); err != nil {
			return err
		}
	}
	if c.Draft.Names != nil {
		// The cell of another day may have other members.
		if err := h.realignNames(ctx, c.Request, &c.Draft); err != nil {
			return err
		}
	}
	var notes []string
	if !c.Draft.HasPresent {
		ok, err := h.prefillFromAnswers(ctx, c.Request, &c.Draft)
		if err != nil {
			return err
		}
		if ok {
			notes = append(notes, fmt.Sprintf(noticePrefilled, c.Draft.Present, c.Draft.Total))
		}
	}
	// Said now, not after every other step: the month has its regular
	// meeting reported already.
	if c.Draft.ReportID == 0 && c.Draft.Kind != storage.MeetingTopical {
		old, err := c.Store.RegularMeeting(ctx, c.Draft.Org, t)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if err == nil {
			notes = append(notes, fmt.Sprintf(noticeMonthHasRegular, t.Format("01/2006"), esc(old.OrgName), vn.FormatDate(old.HeldOn)))
		}
	}
	c.Notice(strings.Join(notes, "\n"))
	c.Next()
	return nil
}

// noticeMonthHasRegular is said above the step after the date when the
// month already has a regular meeting report.
const noticeMonthHasRegular = "⚠️ Tháng %s %s đã có báo cáo sinh hoạt thường kỳ (ngày %s). Nếu buổi này là sinh hoạt chuyên đề, đồng chí chọn «Chuyên đề»; nếu là thường kỳ, trước khi gửi đồng chí sẽ được hỏi có thay báo cáo cũ không."

// meetingSetAttendance takes a count typed at the attendance step: the
// attendance by name stays when it gives the same figures, and gives way
// to the count otherwise (the absent are then asked again).
func (h *Handlers) meetingSetAttendance(ctx context.Context, c *meetingConv, p, t int, hasTotal bool) error {
	d := &c.Draft
	if d.Names != nil {
		present, total := countNames(d.Names)
		if p == present && (!hasTotal || t == total) {
			d.HasPresent = true
			return nil
		}
		d.Names, d.NamesSeen, d.Unsure, d.AbsentSeen = nil, false, nil, false
	}
	d.Present, d.HasPresent = p, true
	if hasTotal {
		d.Total = t
		return nil
	}
	d.Total = -1
	return h.fillTotal(ctx, c.Request, d)
}
