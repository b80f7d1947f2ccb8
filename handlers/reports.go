package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
	"sotay/storage/vn"
)

// What /sinhhoat (meetings*.go) and /kiemtra (supervision*.go) share: whom
// a report is for, the checks a date must pass, typed text and photo
// answers, and "Sửa" on a stored report (rs:<m|s>:<id>), which reopens its
// dialog at the summary; sending it stores a new version.

// Report type letters in callback data.
const (
	rtMeeting     = "m"
	rtSupervision = "s"
)

// reportOrg is the organisation a report is for: the code written first in
// the form, or the one the sender's role is on. ask is true when the
// sender holds several roles and no code was written: the dialog asks.
func reportOrg(ctx context.Context, r *chat.Request, code string) (o storage.Organisation, ask bool, err error) {
	scope := r.Scope(chat.Secretary)
	if code != "" {
		o, err = r.Store.Organisation(ctx, code)
		if errors.Is(err, storage.ErrNotFound) && strings.ToUpper(code) != code {
			o, err = r.Store.Organisation(ctx, strings.ToUpper(code))
		}
		if errors.Is(err, storage.ErrNotFound) {
			return o, false, storage.Errorf(storage.CodeInvalid, "Không có tổ chức mã %s. Đồng chí bỏ mã đi để báo cáo cho tổ chức của mình, hoặc ghi đúng mã (xem mã bằng lệnh sotay orgs list ở Văn phòng Đảng ủy).", code)
		}
		if err != nil {
			return o, false, err
		}
		return o, false, mayReport(ctx, r, o.ID)
	}
	roots := scope.Roots()
	if len(roots) != 1 {
		return o, true, nil
	}
	o, err = r.Store.OrganisationByID(ctx, roots[0])
	return o, false, err
}

// pickInDialog reports whether the guided dialog (no form at all) should
// ask for the organisation: when the sender's scope holds more than one
// (several roles, or a role over a committee and its cells), so that an
// officer or a committee's secretary reports for a cell with buttons.
func pickInDialog(ctx context.Context, r *chat.Request, cellsOnly bool) (bool, error) {
	items, err := reportOrgItems(ctx, r, cellsOnly)
	if err != nil {
		return false, err
	}
	return len(items) > 1, nil
}

// leadingOrgCode takes the first field of a form off when it is the code
// of an organisation (storage.IsCode: any code the roster import accepts),
// whatever its case ("nahien"): the parsers only know codes by their shape
// (capitals or digits).
func leadingOrgCode(ctx context.Context, r *chat.Request, form string) (code, rest string, err error) {
	fields := quickform.Split(form)
	if len(fields) == 0 || !storage.IsCode(fields[0]) {
		return "", form, nil
	}
	for _, c := range []string{fields[0], strings.ToUpper(fields[0])} {
		_, err := r.Store.Organisation(ctx, c)
		if err == nil {
			return c, strings.Join(fields[1:], "\n"), nil
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return "", "", err
		}
	}
	return "", form, nil
}

// mayReport checks, for every report and every press that names an
// organisation (a forged button may name any), that the sender reports
// for it: a secretary for their organisation or what lies under it, an
// officer for anything in their scope.
func mayReport(ctx context.Context, r *chat.Request, orgID int64) error {
	ok, err := r.Scope(chat.Secretary).Covers(ctx, orgID)
	if err != nil {
		return err
	}
	if !ok {
		return storage.Errorf(storage.CodeForbidden, "Đồng chí chỉ báo cáo được cho tổ chức mình phụ trách và các tổ chức trực thuộc.")
	}
	return nil
}

// reportOrgItems are the organisations the sender may report for, those
// their roles are on first; cellsOnly keeps the cells.
func reportOrgItems(ctx context.Context, r *chat.Request, cellsOnly bool) ([]chat.Item, error) {
	orgs, err := r.Scope(chat.Secretary).Organisations(ctx)
	if err != nil {
		return nil, err
	}
	var first, rest []chat.Item
	for _, o := range orgs {
		if cellsOnly && o.Kind != storage.KindChiBo {
			continue
		}
		it := chat.Item{ID: o.ID, Label: o.Name}
		if r.Scope(chat.Secretary).IsRoot(o.ID) {
			first = append(first, it)
		} else {
			rest = append(rest, it)
		}
	}
	return append(first, rest...), nil
}

// checkOrgDay refuses a day before the organisation was founded or after
// it was dissolved. Without a founding date any past day is allowed.
func checkOrgDay(o storage.Organisation, day time.Time, loc *time.Location) error {
	if o.FoundedOn != nil && day.Before(*o.FoundedOn) {
		return storage.Errorf(storage.CodeInvalid, "Ngày %s trước ngày thành lập %s (%s): đồng chí kiểm tra lại ngày, ví dụ %s.",
			vn.FormatDate(day), o.Name, vn.FormatDate(*o.FoundedOn), vn.FormatDate(*o.FoundedOn))
	}
	if o.DissolvedAt != nil {
		d := o.DissolvedAt.In(loc)
		end := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		if day.After(end) {
			return storage.Errorf(storage.CodeInvalid, "%s đã giải thể ngày %s: không nhận báo cáo cho ngày %s, sau ngày giải thể.",
				o.Name, vn.FormatDate(end), vn.FormatDate(day))
		}
	}
	return nil
}

func isoDay(t time.Time) string { return t.Format("2006-01-02") }

func parseISODay(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

// today is the request's day as a plain date (midnight UTC), as the
// quick-form parsers return days.
func today(r *chat.Request) time.Time {
	n := r.Now()
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// recentDays are the days before yesterday the date steps offer.
func recentDays(r *chat.Request, n int) []time.Time {
	var out []time.Time
	for i := 2; i < 2+n; i++ {
		out = append(out, today(r).AddDate(0, 0, -i))
	}
	return out
}

// pickDay takes a date shortcut's day, checked as a typed report day is
// (storage.CheckReportDay): a forged button may carry any day.
func pickDay(r *chat.Request, a chat.Args) (time.Time, error) {
	return chat.ShortcutDay(a, 0, time.UTC, func(t time.Time) error { return storage.CheckReportDay(t, today(r)) })
}

// reportEdit is "Sửa" on a stored report: its dialog at the summary with
// the report's figures; sending makes a new version.
func (h *Handlers) reportEdit(ctx context.Context, r *chat.Request) error {
	info, err := pressedReport(ctx, r)
	if err != nil {
		return err
	}
	id := info.ID
	switch {
	case r.CB.Arg(0) == rtMeeting && info.Type == storage.ReportMeeting:
		m, err := r.Store.MeetingReport(ctx, id)
		if err != nil {
			return err
		}
		return h.meetings.Start(ctx, r, stepMeetingSummary, meetingDraftOf(m))
	case r.CB.Arg(0) == rtSupervision && info.Type == storage.ReportSupervision:
		s, err := r.Store.SupervisionReport(ctx, id)
		if err != nil {
			return err
		}
		return h.supervisions.Start(ctx, r, stepSupervisionSummary, supervisionDraftOf(s))
	}
	return storage.ErrNotFound
}

// pressedReport is the report a button names (its second argument), if it
// is one the asker may see (reportScope; a forged button may name any). One
// they may not see is answered as a report that is not there, and nothing
// of it shows.
func pressedReport(ctx context.Context, r *chat.Request) (storage.ReportInfo, error) {
	id, err := r.ArgID(1)
	if err != nil {
		return storage.ReportInfo{}, err
	}
	info, err := r.Store.ReportByID(ctx, id)
	if err != nil {
		return storage.ReportInfo{}, err
	}
	ok, err := reportScope(r).Covers(ctx, info.OrgID)
	if err != nil {
		return storage.ReportInfo{}, err
	}
	if !ok {
		return storage.ReportInfo{}, storage.ErrNotFound
	}
	return info, nil
}

// reportScope is whose reports the asker may see: the organisations of
// their secretary scope. /baocao lists the reports of its subtrees, and a
// button naming a report is taken only for one of them (pressedReport).
func reportScope(r *chat.Request) *chat.Scope { return r.Scope(chat.Secretary) }

func editButton(typ string, id int64) chat.Button {
	return chat.NewButton("✏️ Sửa", cbReportEdit, typ, id)
}

func versionNote(version int, change string) string {
	switch {
	case version <= 1:
		return ""
	case change == storage.ChangeReplaced:
		return fmt.Sprintf(" (phiên bản %d, thay báo cáo cũ; các phiên bản trước vẫn được lưu)", version)
	}
	return fmt.Sprintf(" (phiên bản %d; các phiên bản trước vẫn được lưu)", version)
}

// photoID is the file_id of a photo sent, or of an image sent as a file
// (phones offer both); "" when the message has none.
func photoID(m *tgbotapi.Message) string {
	switch {
	case m == nil:
		return ""
	case len(m.Photo) > 0:
		return m.Photo[len(m.Photo)-1].FileID // the largest size
	case m.Document != nil && strings.HasPrefix(m.Document.MimeType, "image/"):
		return m.Document.FileID
	}
	return ""
}

// reportText checks a typed free-text answer to field f (label names it
// in the messages): not empty (a sticker or a photo is no answer), then
// the field's rule (storage.CheckText).
func reportText(f storage.Field, label, text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", storage.FieldErrorf(f, "%s: đồng chí gõ bằng tin nhắn chữ, ví dụ «%s».", label, storage.TextExample(f))
	}
	if err := storage.CheckText(f, label, text); err != nil {
		return "", err
	}
	return text, nil
}
