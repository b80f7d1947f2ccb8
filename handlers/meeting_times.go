// The start and end of a meeting in the /sinhhoat dialog: asked after its
// day, with shortcuts (the time of the day's notice, the usual hours; for
// the end, 90 and 120 minutes after the start, the least Hướng dẫn
// 42-HD/BTCTW asks of a meeting and of a combined session).

package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
)

// usualStarts are the start times the start step offers.
var usualStarts = []storage.DayTime{storage.NewDayTime(7, 30), storage.NewDayTime(8, 0), storage.NewDayTime(14, 0),
	storage.NewDayTime(19, 0), storage.NewDayTime(19, 30), storage.NewDayTime(20, 0)}

// endAfter are the lengths, in minutes, the end step offers.
var endAfter = []int{90, 120, 150, 180}

// meetingStart is what the start step shows: the organisation, and the
// time of the meeting announced for the day (nil: none).
type meetingStart struct {
	org    storage.Organisation
	notice *storage.DayTime
}

func (h *Handlers) meetingStartView() reportView[meetingDraft] {
	return chat.Window(func(ctx context.Context, c *meetingConv) (meetingStart, error) {
		o, err := draftOrg(ctx, c)
		if err != nil {
			return meetingStart{}, err
		}
		v := meetingStart{org: o}
		if day, ok := parseISODay(c.Draft.Date); ok && c.Draft.Org != 0 {
			m, err := h.dayNotice(ctx, c.Request, c.Draft.Org, day)
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return v, err
			}
			if err == nil {
				s := m.StartsAt.In(h.deps.Location)
				t := storage.NewDayTime(s.Hour(), s.Minute())
				v.notice = &t
			}
		}
		return v, nil
	}, func(c *meetingConv, v meetingStart) (string, chat.Keyboard) {
		var rows chat.Keyboard
		if v.notice != nil {
			rows = append(rows, chat.NewRow(c.Button("🕖 "+v.notice.String()+" (lịch họp)", "t", int(*v.notice))))
		}
		var row chat.Row
		for _, t := range usualStarts {
			row = append(row, c.Button(t.String(), "t", int(t)))
			if len(row) == 3 {
				rows, row = append(rows, row), nil
			}
		}
		rows = append(rows, chat.NewRow(c.Button("Không ghi giờ", "none")), c.CancelRow())
		return meetingHead(c, v.org) + "Buổi họp bắt đầu lúc mấy giờ? Bấm nút, hoặc gõ giờ, ví dụ 19:30 (gõ cả giờ kết thúc cũng được: 19:30-21:15).", rows
	})
}

// meetingEndView offers ends 90, 120… minutes after the start.
var meetingEndView = chat.Window(draftOrg[meetingDraft], func(c *meetingConv, o storage.Organisation) (string, chat.Keyboard) {
	var rows chat.Keyboard
	var row chat.Row
	if s := c.Draft.Starts; s != nil {
		for _, n := range endAfter {
			end := storage.DayTime((int(*s) + n) % (24 * 60))
			row = append(row, c.Button(fmt.Sprintf("%s (%d phút)", end, n), "t", int(end)))
			if len(row) == 2 {
				rows, row = append(rows, row), nil
			}
		}
	}
	rows = append(rows, c.CancelRow())
	return meetingHead(c, o) + "Buổi họp kết thúc lúc mấy giờ? Bấm nút, hoặc gõ giờ, ví dụ 21:15 (sau nửa đêm cũng được, ví dụ 00:30).", rows
})

// pressedTime is the time of day a button carries, checked as a typed one
// (storage.CheckTime): a forged button may carry any number.
func pressedTime(a chat.Args) (storage.DayTime, error) {
	n, err := a.Number(0)
	if err != nil {
		return 0, err
	}
	if err := storage.CheckTime(n/60, n%60); err != nil {
		return 0, err
	}
	return storage.DayTime(n), nil
}

// setStart takes the start, and the end when it was given too.
func setStart(c *meetingConv, start storage.DayTime, end *storage.DayTime) error {
	if end != nil {
		if err := storage.CheckMeetingTimes(&start, end); err != nil {
			return err
		}
	}
	c.Draft.Starts, c.Draft.Ends, c.Draft.TimesAsked = &start, end, true
	c.Next()
	return nil
}

func (h *Handlers) meetingPickStart(_ context.Context, c *meetingConv, a chat.Args) error {
	t, err := pressedTime(a)
	if err != nil {
		return err
	}
	return setStart(c, t, nil)
}

// meetingTypedStart takes "19:30", or "19:30-21:15" for both.
func (h *Handlers) meetingTypedStart(_ context.Context, c *meetingConv, text string) error {
	if strings.ContainsAny(text, "-–—") || strings.Contains(strings.ToLower(text), "đến") {
		start, end, err := quickform.ParseMeetingTimes(text)
		if err != nil {
			return err
		}
		return setStart(c, start, &end)
	}
	hour, minute, err := quickform.ParseTime(text)
	if err != nil {
		return err
	}
	return setStart(c, storage.NewDayTime(hour, minute), nil)
}

// setEnd takes the end, checked with the start by the times' rule.
func setEnd(c *meetingConv, end storage.DayTime) error {
	if err := storage.CheckMeetingTimes(c.Draft.Starts, &end); err != nil {
		return err
	}
	c.Draft.Ends = &end
	c.Next()
	return nil
}

func (h *Handlers) meetingPickEnd(_ context.Context, c *meetingConv, a chat.Args) error {
	t, err := pressedTime(a)
	if err != nil {
		return err
	}
	return setEnd(c, t)
}

func (h *Handlers) meetingTypedEnd(_ context.Context, c *meetingConv, text string) error {
	hour, minute, err := quickform.ParseTime(text)
	if err != nil {
		return err
	}
	return setEnd(c, storage.NewDayTime(hour, minute))
}

// timesText is a meeting's start and end as shown: "19:30–21:15 (105
// phút)", "" when not recorded.
func timesText(starts, ends *storage.DayTime) string {
	if starts == nil || ends == nil {
		return ""
	}
	return fmt.Sprintf("%s–%s (%d phút)", starts, ends, storage.MeetingMinutes(*starts, *ends))
}
