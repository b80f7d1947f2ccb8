package handlers

import (
	"bytes"
	"context"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/handlers/papers"
	"sotay/storage"
)

// Papers for the cell (issue 20, item 6), sent as PDFs to print:
//   - from /cuatoi, «📄 Phiếu tổng hợp quý» (pq): a member picks a quarter
//     and gets their record of it, one A4 page for their self-evaluation;
//     a secretary or officer may instead pick a cell of their scope and
//     get its members' records, a page each, for the evaluation meeting;
//   - from /hoctap, «🖨 Danh sách cần nhắc (PDF)» (fu, secretaries and
//     officers): the members of a cell with documents still to study or
//     meetings missed, to carry to the village.
// A member gets only their own record: the cells offered are those of the
// asker's secretary scope, and every pick is checked against that list.

const (
	labelRecordPaper = "📄 Phiếu tổng hợp quý"
	labelFollowUp    = "🖨 Danh sách cần nhắc (PDF)"
	labelMyRecord    = "👤 Phiếu của tôi"
	// paperQuarters is how many quarters the picker offers: this one and
	// the three before, a year of evaluations.
	paperQuarters = 4
)

// paperDraft is the "pp" dialog's state.
type paperDraft struct {
	Paper string `json:"p"`           // paperRecord or paperFollowUp
	Q     string `json:"q,omitempty"` // the quarter, 2026-Q4
}

const (
	paperRecord   = "r"
	paperFollowUp = "f"
)

type paperConv = chat.Conv[paperDraft]

type paperAction = func(context.Context, *paperConv, chat.Args) error

// The "pp" dialog's steps: the quarter (records only), then whose paper.
const (
	stepPaperQuarter chat.StepID[paperDraft] = "q"
	stepPaperWhose   chat.StepID[paperDraft] = "w"
)

func (h *Handlers) paperDialog() *chat.Dialog[paperDraft] {
	return &chat.Dialog[paperDraft]{
		Name:      "pp",
		Fresh:     true,
		Title:     "in phiếu",
		Cancelled: "Đã hủy việc in phiếu.",
		Stale:     "Thao tác in phiếu này đã xong hoặc đã hết hạn. Đồng chí gõ /cuatoi hoặc /hoctap để làm lại.",
		Steps: []*chat.Step[paperDraft]{
			{ID: stepPaperQuarter, View: paperQuarterView, Actions: map[string]paperAction{"q": h.paperPickQuarter}},
			{ID: stepPaperWhose, View: paperWhoseView, Actions: map[string]paperAction{"me": h.paperMine, "o": h.paperPickOrg}},
		},
	}
}

// recordPaperStart is «📄 Phiếu tổng hợp quý» under /cuatoi.
func (h *Handlers) recordPaperStart(ctx context.Context, r *chat.Request) error {
	return h.paper.Start(ctx, r, stepPaperQuarter, paperDraft{Paper: paperRecord})
}

// followUpStart is «🖨 Danh sách cần nhắc (PDF)» under /hoctap: the list at
// once for a secretary of one cell, a pick of the cell otherwise.
func (h *Handlers) followUpStart(ctx context.Context, r *chat.Request) error {
	items, err := paperOrgItems(ctx, r)
	if err != nil {
		return err
	}
	switch len(items) {
	case 0:
		return storage.Errorf(storage.CodeNotFound, "Phạm vi của đồng chí không có chi bộ nào để in danh sách.")
	case 1:
		msg, err := h.sendFollowUp(ctx, r, items[0].ID)
		if err != nil {
			return err
		}
		r.Toast = msg
		return nil
	}
	return h.paper.Start(ctx, r, stepPaperWhose, paperDraft{Paper: paperFollowUp})
}

// paperQuarterItems are the quarters offered: this one and those before.
func paperQuarterItems(c *paperConv) []storage.Quarter {
	q := storage.QuarterOf(c.Now())
	out := make([]storage.Quarter, paperQuarters)
	for i := range out {
		out[i], q = q, q.Prev()
	}
	return out
}

func paperQuarterView(_ context.Context, c *paperConv) (string, chat.Keyboard, error) {
	var rows chat.Keyboard
	var row chat.Row
	for i, q := range paperQuarterItems(c) {
		label := q.Title()
		if i == 0 {
			label += " (đang diễn ra)"
		}
		row = append(row, c.Button(label, "q", q.String()))
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	rows = append(rows, c.CancelRow())
	return "📄 <b>Phiếu tổng hợp kết quả hoạt động của đảng viên</b>\nDùng khi tự kiểm điểm, đánh giá, xếp loại: " +
		"văn bản đã học và cách học, các buổi sinh hoạt chi bộ đã dự, vắng (có lý do hay không), văn bản chưa học.\n\nChọn quý:", rows, nil
}

func (h *Handlers) paperPickQuarter(ctx context.Context, c *paperConv, a chat.Args) error {
	q, err := storage.ReadQuarter(a.Arg(0))
	if err != nil {
		return err
	}
	if err := storage.CheckQuarter(q, c.Now()); err != nil {
		return err
	}
	offered := false
	for _, o := range paperQuarterItems(c) {
		offered = offered || o == q
	}
	if !offered {
		return chat.ErrNotOffered
	}
	c.Draft.Q = q.String()
	orgs, err := paperOrgItems(ctx, c.Request)
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return h.paperMine(ctx, c, a)
	}
	c.Goto(stepPaperWhose)
	return nil
}

// paperOrgItems are the cells the asker may print papers for: the cells
// of their secretary scope (none for a plain member).
func paperOrgItems(ctx context.Context, r *chat.Request) ([]chat.Item, error) {
	scope := r.Scope(chat.Secretary)
	if scope.Empty() {
		return nil, nil
	}
	orgs, err := scope.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	var items []chat.Item
	for _, o := range orgs {
		if o.Kind == storage.KindChiBo {
			items = append(items, chat.Item{ID: o.ID, Label: "👥 " + o.Name})
		}
	}
	return items, nil
}

var paperWhoseView = chat.Window(func(ctx context.Context, c *paperConv) ([]chat.Item, error) {
	return paperOrgItems(ctx, c.Request)
}, func(c *paperConv, items []chat.Item) (string, chat.Keyboard) {
	if c.Draft.Paper == paperFollowUp {
		return chat.Pick(c, "org", items, "o", "🖨 <b>Danh sách cần nhắc</b>\nChọn chi bộ:", "Phạm vi của đồng chí không có chi bộ nào.")
	}
	q, _ := storage.ReadQuarter(c.Draft.Q)
	rows := chat.Keyboard{chat.NewRow(c.Button(labelMyRecord, "me"))}
	rows = append(rows, chat.Select(c, "org", items, "o")...)
	rows = append(rows, c.CancelRow())
	return fmt.Sprintf("📄 Phiếu tổng hợp <b>%s</b>: của riêng đồng chí, hay của cả chi bộ (mỗi đảng viên một trang, dùng cho buổi đánh giá, xếp loại)?", q.Name()), rows
})

// paperQuarter is the draft's quarter, read again by its rule.
func paperQuarter(c *paperConv) (storage.Quarter, error) {
	q, err := storage.ReadQuarter(c.Draft.Q)
	if err != nil {
		return q, err
	}
	return q, storage.CheckQuarter(q, c.Now())
}

func (h *Handlers) paperMine(ctx context.Context, c *paperConv, _ chat.Args) error {
	if c.Draft.Paper != paperRecord {
		return chat.ErrNotOffered
	}
	q, err := paperQuarter(c)
	if err != nil {
		return err
	}
	rec, err := c.Store.MemberQuarterRecord(ctx, c.Member.ID, q)
	if err != nil {
		return err
	}
	caption := fmt.Sprintf("📄 Phiếu tổng hợp %s của đồng chí %s: một trang A4, in ra để tự kiểm điểm, đánh giá, xếp loại.", q.Name(), rec.Member.FullName)
	if err := h.sendRecords(ctx, c.Request, []storage.QuarterRecord{rec}, fmt.Sprintf("phieu-%s-%s.pdf", q, rec.Member.Code), caption); err != nil {
		return err
	}
	c.End(fmt.Sprintf("📄 Đã gửi phiếu tổng hợp %s của đồng chí (tệp PDF bên dưới).", q.Name()), nil)
	return nil
}

func (h *Handlers) paperPickOrg(ctx context.Context, c *paperConv, a chat.Args) error {
	items, err := paperOrgItems(ctx, c.Request)
	if err != nil {
		return err
	}
	it, err := chat.Chosen(items, a, 0)
	if err != nil {
		return err
	}
	if c.Draft.Paper == paperFollowUp {
		msg, err := h.sendFollowUp(ctx, c.Request, it.ID)
		if err != nil {
			return err
		}
		c.End(msg, nil)
		return nil
	}
	q, err := paperQuarter(c)
	if err != nil {
		return err
	}
	org, err := c.Store.OrganisationByID(ctx, it.ID)
	if err != nil {
		return err
	}
	recs, err := c.Store.OrgQuarterRecords(ctx, org.ID, q)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		c.End(fmt.Sprintf("%s không có đảng viên nào trong %s.", org.Name, q.Name()), nil)
		return nil
	}
	caption := fmt.Sprintf("📄 Phiếu tổng hợp %s của %s: %d đảng viên, mỗi đồng chí một trang A4, dùng cho buổi đánh giá, xếp loại.",
		q.Name(), org.Name, len(recs))
	if err := h.sendRecords(ctx, c.Request, recs, fmt.Sprintf("phieu-%s-%s.pdf", q, org.Code), caption); err != nil {
		return err
	}
	c.End(fmt.Sprintf("📄 Đã gửi phiếu tổng hợp %s của %s, %d trang (tệp PDF bên dưới).", q.Name(), org.Name, len(recs)), nil)
	return nil
}

// sendRecords queues the records' PDF.
func (h *Handlers) sendRecords(ctx context.Context, r *chat.Request, recs []storage.QuarterRecord, name, caption string) error {
	var b bytes.Buffer
	if err := papers.WriteRecords(&b, papers.Records{Printed: r.Now(), Records: recs}); err != nil {
		return err
	}
	doc := tgbotapi.NewDocument(r.ChatID, tgbotapi.FileBytes{Name: name, Bytes: b.Bytes()})
	doc.Caption = caption
	return h.queueFile(ctx, r, doc, 0)
}

// sendFollowUp queues the follow-up list of a cell the caller checked the
// asker may see, and says what was sent.
func (h *Handlers) sendFollowUp(ctx context.Context, r *chat.Request, orgID int64) (string, error) {
	f, err := r.Store.FollowUpList(ctx, orgID)
	if err != nil {
		return "", err
	}
	if len(f.Rows) == 0 {
		msg := fmt.Sprintf("✅ %s: mọi đảng viên đã học đủ các văn bản đang mở và không vắng buổi sinh hoạt nào có ghi tên trong %d ngày qua. Không có ai cần nhắc.",
			f.Org.Name, storage.FollowUpDays)
		r.Reply(msg, nil)
		return "Không có ai cần nhắc.", nil
	}
	var b bytes.Buffer
	if err := papers.WriteFollowUp(&b, f); err != nil {
		return "", err
	}
	away := 0
	for _, row := range f.Rows {
		if row.NotLinked() || row.Blocked() {
			away++
		}
	}
	caption := fmt.Sprintf("🖨 Danh sách cần nhắc của %s: %d/%d đảng viên chưa học văn bản hoặc vắng họp trong %d ngày qua.",
		f.Org.Name, len(f.Rows), f.Members, storage.FollowUpDays)
	if away > 0 {
		caption += fmt.Sprintf(" %d đồng chí bot không nhắn tới được (ô tô xám), cần nhắc trực tiếp.", away)
	}
	caption += " In ra, mang theo buổi sinh hoạt và đánh dấu cột «Đã nhắc»."
	doc := tgbotapi.NewDocument(r.ChatID, tgbotapi.FileBytes{Name: fmt.Sprintf("can-nhac-%s-%s.pdf", f.Org.Code, f.On.Format("2006-01-02")), Bytes: b.Bytes()})
	doc.Caption = caption
	if err := h.queueFile(ctx, r, doc, 0); err != nil {
		return "", err
	}
	return fmt.Sprintf("Đã gửi danh sách cần nhắc: %d đảng viên.", len(f.Rows)), nil
}
