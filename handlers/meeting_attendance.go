// Attendance by name in a meeting report: taken from the answers to the
// meeting's notice (those who did not answer start as present and are
// shown for the secretary to correct), from the members named absent
// (typed, "DV0003 (ốm); Lò Văn Minh"), or ticked on a list of the cell's
// members; and the figures it gives.

package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
	"sotay/storage/vn"
)

// noticePrefilled is said above the next step when the answers filled it.
const noticePrefilled = "📋 Điểm danh lấy theo trả lời lịch họp: có mặt %d/%d. Đồng chí kiểm tra lại ở bước điểm danh."

// countNames counts an attendance by name: present, and everyone.
func countNames(names []attendee) (present, total int) {
	for _, a := range names {
		if a.Status == storage.AttendPresent {
			present++
		}
	}
	return present, len(names)
}

// setNames makes list the draft's attendance by name, with the figures it
// gives.
func setNames(d *meetingDraft, list []storage.Attendee) {
	d.Names = make([]attendee, 0, len(list))
	for _, a := range list {
		d.Names = append(d.Names, attendee{Member: a.MemberID, Status: a.Status, Reason: a.Reason})
	}
	d.Present, d.Total = countNames(d.Names)
	d.HasPresent, d.Absent, d.AbsentSeen = true, "", true
}

// draftAttendees is the draft's attendance by name as storage takes it
// (nil for a count-only report), named from cell where it can be.
func draftAttendees(d meetingDraft, cell []storage.Member) []storage.Attendee {
	if d.Names == nil {
		return nil
	}
	byID := map[int64]storage.Member{}
	for _, m := range cell {
		byID[m.ID] = m
	}
	out := make([]storage.Attendee, 0, len(d.Names))
	for _, a := range d.Names {
		m := byID[a.Member]
		out = append(out, storage.Attendee{MemberID: a.Member, Code: m.Code, FullName: m.FullName, Status: a.Status, Reason: a.Reason})
	}
	return out
}

// cellOn lists the members of the draft's organisation on its day, whom an
// attendance by name lists (none while either is unknown).
func cellOn(ctx context.Context, r *chat.Request, d meetingDraft) ([]storage.Member, error) {
	day, ok := parseISODay(d.Date)
	if !ok || d.Org == 0 {
		return nil, nil
	}
	return r.Store.CellMembersOn(ctx, d.Org, day)
}

// allPresent is everyone of cell present.
func allPresent(cell []storage.Member) []storage.Attendee {
	list, _ := storage.AttendanceFrom(cell, nil)
	return list
}

// prefillFromAnswers takes the attendance by name from the answers to the
// meeting announced for the draft's day (fromAnswers), when there is one.
func (h *Handlers) prefillFromAnswers(ctx context.Context, r *chat.Request, d *meetingDraft) (bool, error) {
	day, ok := parseISODay(d.Date)
	if !ok || d.Org == 0 {
		return false, nil
	}
	m, err := h.dayNotice(ctx, r, d.Org, day)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return h.fromAnswers(ctx, r, m, d)
}

// fromAnswers takes the attendance by name from the answers to the notice
// of m: who answered present is present, who answered absent is absent
// (with their reason, if they gave one), and the members who did not
// answer (or were not yet in the cell when it was sent) are present and
// Unsure, for the secretary to check. Both ways into a report from a
// notice (the tally's button, /sinhhoat for its day) follow it: with no
// answer at all it fills nothing (false), and the report asks.
func (h *Handlers) fromAnswers(ctx context.Context, r *chat.Request, m storage.Meeting, d *meetingDraft) (bool, error) {
	t, err := r.Store.Tally(ctx, m.ID)
	if err != nil || t.Answered() == 0 {
		return false, err
	}
	answers, err := r.Store.MeetingAnswers(ctx, m.ID)
	if err != nil {
		return false, err
	}
	byMember := map[int64]storage.MeetingAnswer{}
	for _, a := range answers {
		byMember[a.MemberID] = a
	}
	cell, err := cellOn(ctx, r, *d)
	if err != nil {
		return false, err
	}
	list := allPresent(cell)
	d.Unsure = nil
	for i, a := range list {
		switch ans := byMember[a.MemberID]; ans.Answer {
		case storage.AnswerAbsent:
			list[i].Status, list[i].Reason = storage.AttendAbsent, ""
			if ans.Reason != "" {
				list[i].Status, list[i].Reason = storage.AttendAbsentReason, ans.Reason
			}
		case storage.AnswerNone:
			d.Unsure = append(d.Unsure, a.MemberID)
		}
	}
	setNames(d, list)
	d.NamesSeen = false
	return true, nil
}

// realignNames keeps the attendance by name to the cell of the draft's
// (new) day: members who left it go, those who came are present and
// Unsure, and the list is shown again.
func (h *Handlers) realignNames(ctx context.Context, r *chat.Request, d *meetingDraft) error {
	cell, err := cellOn(ctx, r, *d)
	if err != nil {
		return err
	}
	was := map[int64]attendee{}
	for _, a := range d.Names {
		was[a.Member] = a
	}
	list := allPresent(cell)
	same := len(cell) == len(d.Names)
	for i, a := range list {
		if old, ok := was[a.MemberID]; ok {
			list[i].Status, list[i].Reason = old.Status, old.Reason
			continue
		}
		same = false
		d.Unsure = append(d.Unsure, a.MemberID)
	}
	if !same {
		setNames(d, list)
		d.NamesSeen = false
	}
	return nil
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

// meetingAllPresent is the attendance step's "Đủ": everyone of the cell
// present, by name.
func (h *Handlers) meetingAllPresent(ctx context.Context, c *meetingConv, _ chat.Args) error {
	cell, err := cellOn(ctx, c.Request, c.Draft)
	if err != nil {
		return err
	}
	if len(cell) == 0 {
		return errEmptyCell
	}
	setNames(&c.Draft, allPresent(cell))
	c.Draft.NamesSeen, c.Draft.Unsure = true, nil
	c.Next()
	return nil
}

// meetingByName is the attendance step's "Điểm danh theo tên": the list
// of the cell's members, everyone present until ticked otherwise.
func (h *Handlers) meetingByName(ctx context.Context, c *meetingConv, _ chat.Args) error {
	cell, err := cellOn(ctx, c.Request, c.Draft)
	if err != nil {
		return err
	}
	if len(cell) == 0 {
		return errEmptyCell
	}
	if c.Draft.Names == nil {
		setNames(&c.Draft, allPresent(cell))
	}
	c.Draft.NamesSeen = false
	c.Next()
	return nil
}

var errEmptyCell = storage.Errorf(storage.CodeInvalid, "Danh sách chi bộ chưa có đảng viên nào nên không điểm danh theo tên được: đồng chí gõ số có mặt/tổng số, ví dụ 18/20.")

// applyAbsent makes the members named absent (and everyone else of the
// cell present) the draft's attendance by name. With a count already
// given, the names must account for every absent member
// (storage.CheckAbsentNamed), and a total written must be the cell's.
func (h *Handlers) applyAbsent(ctx context.Context, r *chat.Request, d *meetingDraft, named []storage.NamedAbsence) error {
	day, ok := parseISODay(d.Date)
	if !ok || d.Org == 0 {
		return storage.FieldErrorf(storage.FieldAbsent, "Khi ghi tên người vắng, đồng chí ghi cả mã tổ chức (nếu phụ trách nhiều tổ chức) và ngày họp, để biết danh sách chi bộ hôm đó.")
	}
	cell, err := cellOn(ctx, r, *d)
	if err != nil {
		return err
	}
	list, err := storage.AttendanceFrom(cell, named)
	if err != nil {
		return err
	}
	if d.HasPresent {
		if d.Total >= 0 && d.Total != len(cell) {
			return storage.FieldErrorf(storage.FieldAttendance, "Chi bộ có %d đảng viên ngày %s theo danh sách, nhưng báo cáo ghi tổng số %d: khi ghi tên người vắng, tổng số là số đảng viên theo danh sách. Đồng chí ghi %d/%d, hoặc chỉ ghi số có mặt.",
				len(cell), vn.FormatDate(day), d.Total, len(cell)-len(named), len(cell))
		}
		if err := storage.CheckAbsentNamed(d.Present, len(cell), len(named)); err != nil {
			return err
		}
	}
	setNames(d, list)
	d.Unsure = nil
	return nil
}

// meetingTypedAbsent is the absent step's typed answer: the members named
// absent, found in the cell. After a count they account for its absent;
// in place of an attendance by name (the edit menu's "Người vắng") they
// make a new one.
func (h *Handlers) meetingTypedAbsent(ctx context.Context, c *meetingConv, text string) error {
	named, err := quickform.ParseAbsent(text)
	if err != nil {
		return err
	}
	if c.Draft.Names != nil {
		c.Draft.HasPresent = false // the names give the figures
	}
	if err := h.applyAbsent(ctx, c.Request, &c.Draft, named); err != nil {
		return err
	}
	c.Draft.NamesSeen = true
	c.Next()
	return nil
}

// meetingTypedNames is a list of the absent typed at the names step: it
// replaces the ticks, and the list is shown again to check.
func (h *Handlers) meetingTypedNames(ctx context.Context, c *meetingConv, text string) error {
	named, err := quickform.ParseAbsent(text)
	if err != nil {
		return err
	}
	c.Draft.HasPresent = false // the names give the figures
	if err := h.applyAbsent(ctx, c.Request, &c.Draft, named); err != nil {
		return err
	}
	c.Notice(fmt.Sprintf("✅ Đã ghi %d đồng chí vắng. Đồng chí kiểm tra lại rồi bấm «Xong».", len(named)))
	return nil
}

// namesItems are the members the names step ticks: the cell's, each
// labelled with their reason when absent with one.
func namesItems(cell []storage.Member, names []attendee) []chat.Item {
	reason := map[int64]string{}
	for _, a := range names {
		reason[a.Member] = a.Reason
	}
	items := make([]chat.Item, 0, len(cell))
	for _, m := range cell {
		label := m.FullName
		if reason[m.ID] != "" {
			label += " (" + reason[m.ID] + ")"
		}
		items = append(items, chat.Item{ID: m.ID, Label: label})
	}
	return items
}

// meetingToggleName ticks a member present or absent (without a reason):
// one of the cell (a forged id is not offered).
func (h *Handlers) meetingToggleName(ctx context.Context, c *meetingConv, a chat.Args) error {
	cell, err := cellOn(ctx, c.Request, c.Draft)
	if err != nil {
		return err
	}
	it, err := chat.Chosen(namesItems(cell, c.Draft.Names), a, 0)
	if err != nil {
		return err
	}
	d := &c.Draft
	if d.Names == nil {
		setNames(d, allPresent(cell))
	}
	for i, x := range d.Names {
		if x.Member != it.ID {
			continue
		}
		if x.Status == storage.AttendPresent {
			d.Names[i] = attendee{Member: x.Member, Status: storage.AttendAbsent}
		} else {
			d.Names[i] = attendee{Member: x.Member, Status: storage.AttendPresent}
		}
	}
	d.Present, d.Total = countNames(d.Names)
	d.Unsure = slices.DeleteFunc(d.Unsure, func(id int64) bool { return id == it.ID })
	return nil
}

// meetingNamesDone is "Xong" on the names step.
func (h *Handlers) meetingNamesDone(ctx context.Context, c *meetingConv, _ chat.Args) error {
	if c.Draft.Names == nil {
		cell, err := cellOn(ctx, c.Request, c.Draft)
		if err != nil {
			return err
		}
		if len(cell) == 0 {
			return errEmptyCell
		}
		setNames(&c.Draft, allPresent(cell))
	}
	c.Draft.NamesSeen, c.Draft.Unsure = true, nil
	c.Next()
	return nil
}

// meetingNames is what the names step shows: the organisation and the
// cell's members on the day.
type meetingNames struct {
	org  storage.Organisation
	cell []storage.Member
}

func (h *Handlers) meetingNamesView() reportView[meetingDraft] {
	return chat.Window(func(ctx context.Context, c *meetingConv) (meetingNames, error) {
		o, err := draftOrg(ctx, c)
		if err != nil {
			return meetingNames{}, err
		}
		cell, err := cellOn(ctx, c.Request, c.Draft)
		return meetingNames{org: o, cell: cell}, err
	}, func(c *meetingConv, v meetingNames) (string, chat.Keyboard) {
		d := c.Draft
		names := d.Names
		var b strings.Builder
		b.WriteString("👥 <b>Điểm danh</b>: ☑ có mặt, ☐ vắng; bấm tên để đổi.")
		if names == nil {
			// A count-only report: everyone starts present.
			fmt.Fprintf(&b, "\nBáo cáo ghi có mặt %d/%d: đồng chí bỏ dấu ☑ ở những người vắng.", d.Present, d.Total)
			names = draftNamesOf(allPresent(v.cell))
		}
		present, total := countNames(names)
		fmt.Fprintf(&b, "\nCó mặt %d/%d.", present, total)
		byID := map[int64]storage.Member{}
		for _, m := range v.cell {
			byID[m.ID] = m
		}
		if unsure := namesOf(byID, d.Unsure); unsure != "" {
			fmt.Fprintf(&b, "\n❔ Chưa trả lời lịch họp, đang ghi có mặt: %s. Đồng chí kiểm tra lại.", esc(unsure))
		}
		b.WriteString("\nMuốn ghi lý do vắng, đồng chí gõ danh sách người vắng, ví dụ «DV0003 (ốm); Lò Văn Minh»: danh sách gõ thay cho các dấu ở dưới.")
		var chosen []int64
		for _, a := range names {
			if a.Status == storage.AttendPresent {
				chosen = append(chosen, a.Member)
			}
		}
		kb := chat.Multiselect(c, "att", namesItems(v.cell, names), chosen, "t")
		kb = append(kb, chat.NewRow(c.Button(fmt.Sprintf("✅ Xong (có mặt %d/%d)", present, total), "ok")), c.CancelRow())
		return meetingHead(c, v.org) + b.String(), kb
	})
}

func draftNamesOf(list []storage.Attendee) []attendee {
	var d meetingDraft
	setNames(&d, list)
	return d.Names
}

// namesOf names the members ids are, by byID, in the cell's order.
func namesOf(byID map[int64]storage.Member, ids []int64) string {
	var out []string
	for _, id := range ids {
		if m, ok := byID[id]; ok {
			out = append(out, m.FullName)
		}
	}
	return vn.Cut(strings.Join(out, ", "), 600)
}
