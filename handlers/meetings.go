package handlers

import (
	"context"
	"fmt"
	"time"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
)

// /sinhhoat reports a cell meeting: "/sinhhoat 15/11/2026; thường kỳ; 18/20;
// topic" stores it at once; the command alone, or a form with fields left
// out, opens the "sh" dialog at the first field missing. Both end in the
// same confirmation with "Sửa". A photo whose caption is the form is the
// minutes (kept by file_id).

// meetingDraft is the /sinhhoat dialog's state.
type meetingDraft struct {
	ReportID   int64  `json:"r,omitempty"`  // correcting this report
	Replace    int64  `json:"rp,omitempty"` // replacing this month's regular report
	Org        int64  `json:"o,omitempty"`
	Date       string `json:"d,omitempty"` // yyyy-mm-dd
	Kind       string `json:"k,omitempty"`
	Present    int    `json:"p,omitempty"`
	Total      int    `json:"t,omitempty"`
	HasPresent bool   `json:"hp,omitempty"`
	Topic      string `json:"tp,omitempty"`
	Absent     string `json:"ab,omitempty"`
	AbsentSeen bool   `json:"aa,omitempty"` // the absent question was answered
	Photo      string `json:"ph,omitempty"`
	PhotoAsked bool   `json:"pa,omitempty"`
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
					c.Draft.Org = id
					if err := h.fillTotal(ctx, c.Request, &c.Draft); err != nil {
						return err
					}
					c.Next()
					return nil
				}),
			dateStep(chat.Step[meetingDraft]{ID: "date", Needed: func(d meetingDraft) bool { return d.Date == "" }, Edit: "Ngày"},
				h.meetingDateView(), h.meetingSetDate),
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
				Actions: map[string]meetingAction{"rsvp": h.meetingFromAnswers, "a": func(ctx context.Context, c *meetingConv, a chat.Args) error {
					// present and total, checked as typed ones are.
					p, err := a.Number(0)
					if err != nil {
						return err
					}
					t, err := a.Number(1)
					if err != nil {
						return err
					}
					if err := storage.CheckAttendance(p, t, true); err != nil {
						return err
					}
					if err := h.meetingSetAttendance(ctx, c, p, t, true); err != nil {
						return err
					}
					c.Next()
					return nil
				}}},
			{ID: "absent", Needed: func(d meetingDraft) bool { return d.Present < d.Total && d.Absent == "" && !d.AbsentSeen }, Edit: "Người vắng",
				View:    meetingAbsentView,
				Text:    textAnswer(storage.FieldAbsent, "Người vắng và lý do", func(d *meetingDraft, t string) { d.Absent, d.AbsentSeen = t, true }),
				Actions: map[string]meetingAction{"none": answered(func(d *meetingDraft) { d.Absent, d.AbsentSeen = "", true })}},
			{ID: "topic", Needed: func(d meetingDraft) bool { return d.Topic == "" }, Edit: "Nội dung",
				View: meetingTopicView,
				Text: textAnswer(storage.FieldTopic, "Nội dung sinh hoạt", func(d *meetingDraft, t string) { d.Topic = t })},
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
			summaryStep(chat.Step[meetingDraft]{ID: stepMeetingSummary}, meetingSummaryView, h.meetingSend, stepMeetingEdit),
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
		},
	}
}

// meetingOrgEditable offers the organisation in the edit menu of a new
// report only: a stored report stays with its organisation.
func meetingOrgEditable(_ context.Context, c *meetingConv) (bool, error) {
	return c.Draft.ReportID == 0 && c.Draft.Replace == 0 && len(c.Scope(chat.Secretary).Roots()) > 0, nil
}

// meetingFromAnswers is the attendance step's "theo trả lời lịch họp".
func (h *Handlers) meetingFromAnswers(ctx context.Context, c *meetingConv, _ chat.Args) error {
	ok, err := h.prefillFromAnswers(ctx, c.Request, &c.Draft)
	if err != nil {
		return err
	}
	if !ok {
		return storage.ErrNotFound
	}
	c.Next()
	return nil
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
	if !c.Draft.HasPresent {
		ok, err := h.prefillFromAnswers(ctx, c.Request, &c.Draft)
		if err != nil {
			return err
		}
		if ok {
			c.Notice(fmt.Sprintf(noticePrefilled, c.Draft.Present, c.Draft.Total))
		}
	}
	c.Next()
	return nil
}

func (h *Handlers) meetingSetAttendance(ctx context.Context, c *meetingConv, p, t int, hasTotal bool) error {
	c.Draft.Present, c.Draft.HasPresent = p, true
	if hasTotal {
		c.Draft.Total = t
		return nil
	}
	c.Draft.Total = -1
	return h.fillTotal(ctx, c.Request, &c.Draft)
}
