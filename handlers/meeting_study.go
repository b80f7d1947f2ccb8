// The documents studied at a meeting, in a /sinhhoat report: picked from
// the cell's open campaigns (or written, "học: 21-KL/TW"), and, once the
// secretary says so to one question, the members recorded present ticked
// as having studied them at the meeting (storage.TickStudiedAtMeeting).

package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
	"sotay/storage/vn"
)

// cellCampaigns are the open campaigns of the draft's organisation, and
// those the draft names that are no longer open (a correction of an older
// report): what the studied step offers.
func cellCampaigns(ctx context.Context, r *chat.Request, d meetingDraft) ([]storage.OpenCampaign, error) {
	if d.Org == 0 {
		return nil, nil
	}
	cs, err := r.Store.OpenCampaigns(ctx, []int64{d.Org})
	if err != nil {
		return nil, err
	}
	for _, id := range d.Studied {
		if !hasCampaign(cs, id) {
			c, err := r.Store.Campaign(ctx, id)
			if err != nil {
				return nil, err
			}
			cs = append(cs, storage.OpenCampaign{Campaign: c})
		}
	}
	return cs, nil
}

func hasCampaign(cs []storage.OpenCampaign, id int64) bool {
	for _, c := range cs {
		if c.ID == id {
			return true
		}
	}
	return false
}

// studiedItems label the campaigns: the document's number, how many of the
// cell have yet to study it, and the day it was sent when two campaigns
// share a number.
func studiedItems(cs []storage.OpenCampaign) []chat.Item {
	seen := map[string]int{}
	for _, c := range cs {
		seen[storage.NumberKey(c.DocNumber)]++
	}
	items := make([]chat.Item, 0, len(cs))
	for _, c := range cs {
		label := c.DocNumber
		switch {
		case c.ClosedAt != nil:
			label += " · đợt học tập đã kết thúc"
		case c.Assigned > 0:
			label += fmt.Sprintf(" · còn %d/%d chưa học", c.Open, c.Assigned)
		}
		if seen[storage.NumberKey(c.DocNumber)] > 1 {
			label += " · gửi " + c.CreatedAt.Format("02/01/2006")
		}
		items = append(items, chat.Item{ID: c.ID, Label: label})
	}
	return items
}

// resolveStudied finds the campaigns numbers mean among cs. A number that
// means several campaigns is left to pick (note names it); one that means
// none is refused, naming those the cell has.
func resolveStudied(cs []storage.OpenCampaign, numbers []string) (ids []int64, note string, err error) {
	var unsure []string
	for _, n := range numbers {
		found := storage.MatchCampaigns(cs, n)
		switch len(found) {
		case 0:
			var open []string
			for _, c := range cs {
				open = append(open, c.DocNumber)
			}
			have := "chi bộ chưa có đợt học tập nào đang mở"
			if len(open) > 0 {
				have = "văn bản chi bộ đang học: " + strings.Join(open, ", ")
			}
			return nil, "", storage.FieldErrorf(storage.FieldStudied, "Chi bộ không có đợt học tập đang mở nào của văn bản %s (%s). %s.", vn.Cut(n, 40), have, upperFirstVN(storage.StudiedHow))
		case 1:
			if !containsID(ids, found[0].ID) {
				ids = append(ids, found[0].ID)
			}
		default:
			unsure = append(unsure, vn.Cut(n, 40))
		}
	}
	if len(unsure) > 0 {
		note = fmt.Sprintf("«%s» ứng với nhiều đợt học tập của chi bộ: đồng chí bấm chọn đợt đã học trong danh sách.", strings.Join(unsure, "», «"))
	}
	return ids, note, nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func upperFirstVN(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// meetingStudied is what the studied step shows.
type meetingStudied struct {
	org   storage.Organisation
	items []chat.Item
}

var meetingStudiedView = chat.Window(func(ctx context.Context, c *meetingConv) (meetingStudied, error) {
	o, err := draftOrg(ctx, c)
	if err != nil {
		return meetingStudied{}, err
	}
	cs, err := cellCampaigns(ctx, c.Request, c.Draft)
	return meetingStudied{org: o, items: studiedItems(cs)}, err
}, func(c *meetingConv, v meetingStudied) (string, chat.Keyboard) {
	head := meetingHead(c, v.org)
	if c.Draft.StudiedNote != "" {
		head += "⚠️ " + esc(c.Draft.StudiedNote) + "\n\n"
	}
	if len(v.items) == 0 {
		return head + "Chi bộ không có đợt học tập nào đang mở, nên không có văn bản để ghi là đã học tại buổi sinh hoạt.",
			chat.Keyboard{chat.NewRow(c.Button("Tiếp tục ▶", "none")), c.CancelRow()}
	}
	kb := chat.Multiselect(c, "docs", v.items, c.Draft.Studied, "t")
	kb = append(kb, chat.NewRow(c.Button(fmt.Sprintf("✅ Xong (%d)", len(c.Draft.Studied)), "ok"), c.Button("Không học văn bản nào", "none")), c.CancelRow())
	return head + "📚 Buổi sinh hoạt đã học văn bản nào? Bấm để chọn (☑), rồi bấm «Xong»; hoặc gõ số hiệu, ví dụ «21-KL/TW, 62-KH/TU». Trước khi lưu, sotay hỏi có ghi nhận các đồng chí có mặt đã học không.", kb
})

// meetingToggleStudied ticks a campaign the step offers.
func (h *Handlers) meetingToggleStudied(ctx context.Context, c *meetingConv, a chat.Args) error {
	cs, err := cellCampaigns(ctx, c.Request, c.Draft)
	if err != nil {
		return err
	}
	it, err := chat.Chosen(studiedItems(cs), a, 0)
	if err != nil {
		return err
	}
	c.Draft.Studied = chat.Toggle(c.Draft.Studied, it.ID)
	return nil
}

// meetingTypedStudied takes the numbers typed at the studied step.
func (h *Handlers) meetingTypedStudied(ctx context.Context, c *meetingConv, text string) error {
	numbers, err := quickform.ParseStudied(text)
	if err != nil {
		return err
	}
	cs, err := cellCampaigns(ctx, c.Request, c.Draft)
	if err != nil {
		return err
	}
	ids, note, err := resolveStudied(cs, numbers)
	if err != nil {
		return err
	}
	c.Draft.Studied, c.Draft.StudiedNote = ids, note
	if note == "" {
		c.Draft.StudiedAsked = true
		c.Next()
	}
	return nil
}

// needsTickQuestion says whether sending the draft asks first whether the
// members present studied the documents: documents named, and members
// recorded present by name.
func (d meetingDraft) needsTickQuestion() bool {
	present, _ := countNames(d.Names)
	return len(d.Studied) > 0 && present > 0
}

// studiedNumbers are the numbers of the draft's documents, in its order.
func studiedNumbers(ctx context.Context, r *chat.Request, ids []int64) ([]string, error) {
	var out []string
	for _, id := range ids {
		c, err := r.Store.Campaign(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c.DocNumber)
	}
	return out, nil
}

// meetingTickView asks, before the report is stored, whether the members
// present are to be recorded as having studied its documents.
func (h *Handlers) meetingTickView() reportView[meetingDraft] {
	return chat.Window(h.loadMeetingSummary, func(c *meetingConv, v meetingSummary) (string, chat.Keyboard) {
		present, _ := countNames(c.Draft.Names)
		f := draftFacts(c.Draft, v)
		text := fmt.Sprintf("%s — đồng chí kiểm tra lại:\n%s\n\n📚 Ghi nhận %d đồng chí có mặt đã học %s? (Đồng chí nào đã tự xác nhận học trực tuyến thì giữ nguyên; người vắng không được ghi.)",
			meetingTitle, f.lines(), present, esc(strings.Join(f.studied, ", ")))
		return text, chat.Keyboard{
			chat.NewRow(c.Button("✅ Ghi nhận và gửi", "y")),
			chat.NewRow(c.Button("💾 Chỉ gửi báo cáo", "n"), c.Button("✏️ Sửa", "e")),
			c.CancelRow(),
		}
	})
}

// ticksText says what ticking the members present did, for the
// confirmation.
func ticksText(ticks []storage.MeetingTicks, day time.Time) string {
	var b strings.Builder
	for _, t := range ticks {
		fmt.Fprintf(&b, "\n📚 %s: đã ghi nhận <b>%d</b> đồng chí học tại buổi sinh hoạt ngày %s", esc(t.DocNumber), t.Ticked, vn.FormatDate(day))
		if t.Already > 0 {
			fmt.Fprintf(&b, "; %d đồng chí đã học từ trước", t.Already)
		}
		if t.Unassigned > 0 {
			fmt.Fprintf(&b, "; %d đồng chí có mặt không được giao văn bản này", t.Unassigned)
		}
		b.WriteString(".")
		for _, p := range t.Refused {
			b.WriteString("\n⚠️ " + esc(p))
		}
	}
	return b.String()
}

// skipStudiedIfNone answers the studied step for a cell with no open
// campaign: there is nothing to pick (the edit menu still offers it).
func skipStudiedIfNone(ctx context.Context, r *chat.Request, d *meetingDraft) error {
	if d.StudiedAsked || d.Org == 0 {
		return nil
	}
	cs, err := r.Store.OpenCampaigns(ctx, []int64{d.Org})
	if err != nil {
		return err
	}
	d.StudiedAsked = len(cs) == 0
	return nil
}
