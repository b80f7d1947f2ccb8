package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
	"sotay/storage/pdftext"
	"sotay/storage/storagetest"
)

// paperEnv is studyEnv (1 December 2026; DV1 secretary of CB1, DV2 in CB1,
// DV3 in CB2) with 21-KL/TW pushed to CB1 and studied by DV1 only, and a
// regular meeting of CB1 on 20/11 at which, by name, DV1 was absent
// without a reason and DV2 absent because she was ill.
func newPaperEnv(t *testing.T) *studyEnv {
	t.Helper()
	e := newStudyEnv(t)
	ctx := context.Background()
	c := e.pushTo(t, e.doc1, 10, "CB1")
	dv1, _ := e.s.Member(ctx, "DV1")
	if _, _, err := e.s.MarkStudied(ctx, e.assignment(t, c, "DV1"), dv1.ID); err != nil {
		t.Fatal(err)
	}
	r, err := e.s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: orgID(t, e.s, "CB1"), Kind: storage.MeetingRegular,
		HeldOn: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Present: 0, Total: 2, Topic: "Sinh hoạt tháng 11", By: dv1.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.DB().Exec(`INSERT INTO meeting_attendance (report_id, version, member_id, status, reason)
		SELECT $1, $2, id, CASE code WHEN 'DV1' THEN 'absent' ELSE 'absent_reason' END, CASE code WHEN 'DV1' THEN '' ELSE 'ốm' END
		FROM members WHERE code IN ('DV1', 'DV2')`, r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	e.rec.reset()
	return e
}

// sentPDF is the one document the handlers sent since the last reset, read
// back page by page; it fails the test unless there is exactly one.
func sentPDF(t *testing.T, e *env) (tgbotapi.DocumentConfig, []string) {
	t.Helper()
	var docs []tgbotapi.DocumentConfig
	e.rec.mu.Lock()
	for _, c := range e.rec.sent {
		if d, ok := c.(tgbotapi.DocumentConfig); ok {
			docs = append(docs, d)
		}
	}
	e.rec.mu.Unlock()
	if len(docs) != 1 {
		t.Fatalf("%d documents sent; texts %q", len(docs), e.rec.texts())
	}
	f, ok := docs[0].File.(tgbotapi.FileBytes)
	if !ok {
		t.Fatalf("not bytes: %T", docs[0].File)
	}
	n, err := pdftext.NumPages(f.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pages := make([]string, n)
	for i := range pages {
		text, err := pdftext.Page(f.Bytes, i+1)
		if err != nil {
			t.Fatal(err)
		}
		pages[i] = strings.Join(strings.Fields(text), " ")
	}
	return docs[0], pages
}

// noPDF fails the test if a document was sent since the last reset.
func noPDF(t *testing.T, e *env) {
	t.Helper()
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	for _, c := range e.rec.sent {
		if _, ok := c.(tgbotapi.DocumentConfig); ok {
			t.Fatal("a document was sent")
		}
	}
}

func hasAll(t *testing.T, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("no %q in %q", w, page)
		}
	}
}

func TestRecordPaperOfAMember(t *testing.T) {
	e := newPaperEnv(t)
	e.text(t, 702, "/cuatoi")
	data, ok := e.rec.buttons()["📄 Phiếu tổng hợp quý"]
	if !ok || data != "pq" {
		t.Fatalf("no paper button in /cuatoi: %v", e.rec.buttons())
	}
	e.rec.reset()
	e.press(t, 702, data)
	labels := strings.Join(e.rec.buttonLabels(), "|")
	if labels != "Quý IV/2026 (đang diễn ra)|Quý III/2026|Quý II/2026|Quý I/2026|✖ Hủy" {
		t.Fatalf("quarters offered: %s", labels)
	}

	t.Run("ForgedQuarterRefused", func(t *testing.T) {
		for forged, answer := range map[string]string{"2025-Q4": "không còn trong danh sách", "2027-Q1": "chưa bắt đầu",
			"2026-Q9": "không phải một quý", "x": "không phải một quý"} {
			cur := e.rec.find("pp", "q:2026-Q4") // each refusal draws the step again
			e.rec.reset()
			e.press(t, 702, strings.TrimSuffix(cur, "2026-Q4")+forged)
			noPDF(t, e.env)
			e.said(t, answer)
		}
	})
	t.Run("NoCellToPickForAMember", func(t *testing.T) {
		// At the quarter step, a forged pick of her cell.
		cur := e.rec.find("pp", "q:2026-Q4")
		e.rec.reset()
		e.press(t, 702, strings.TrimSuffix(cur, "q:2026-Q4")+"o:"+itoa(orgID(t, e.s, "CB1")))
		noPDF(t, e.env)
		e.said(t, "bước trước")
	})
	t.Run("OwnRecordSent", func(t *testing.T) {
		e.rec.reset()
		e.tap(t, 702, "pp", "q:2026-Q4") // the redrawn step's button: the forged presses moved the dialog on
		doc, pages := sentPDF(t, e.env)
		if f := doc.File.(tgbotapi.FileBytes); f.Name != "phieu-2026-Q4-DV2.pdf" || !strings.Contains(doc.Caption, "Hoàng Thị Hoa") {
			t.Fatalf("file %q, caption %q", f.Name, doc.Caption)
		}
		if len(pages) != 1 {
			t.Fatalf("%d pages", len(pages))
		}
		hasAll(t, pages[0], "Hoàng Thị Hoa", "DV2", "Quý IV/2026 (từ 01/10/2026 đến nay, 01/12/2026)", "Vắng có lý do: ốm",
			"vắng có lý do 1", "Còn 1 văn bản", "21-KL/TW", "Chi bộ bản Nà Hiên")
		e.said(t, "Đã gửi phiếu tổng hợp quý IV/2026")
	})
}

func TestRecordPaperOfTheCell(t *testing.T) {
	e := newPaperEnv(t)
	e.press(t, 701, "pq")
	e.tap(t, 701, "pp", "q:2026-Q4")
	labels := strings.Join(e.rec.buttonLabels(), "|")
	if !strings.Contains(labels, "👤 Phiếu của tôi|👥 Chi bộ bản Nà Hiên|") || strings.Contains(labels, "Pà Pao") {
		t.Fatalf("choices %s", labels)
	}
	pick := e.rec.find("pp", "o:"+itoa(orgID(t, e.s, "CB1")))

	t.Run("AnotherCellRefused", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 701, strings.TrimSuffix(pick, itoa(orgID(t, e.s, "CB1")))+itoa(orgID(t, e.s, "CB2")))
		noPDF(t, e.env)
		e.said(t, "không còn trong danh sách")
	})
	t.Run("APageAMember", func(t *testing.T) {
		e.rec.reset()
		e.tap(t, 701, "pp", "o:"+itoa(orgID(t, e.s, "CB1")))
		doc, pages := sentPDF(t, e.env)
		if f := doc.File.(tgbotapi.FileBytes); f.Name != "phieu-2026-Q4-CB1.pdf" || !strings.Contains(doc.Caption, "2 đảng viên") {
			t.Fatalf("file %q, caption %q", f.Name, doc.Caption)
		}
		if len(pages) != 2 {
			t.Fatalf("%d pages for two members", len(pages))
		}
		// By given name: Hoa, then Minh.
		hasAll(t, pages[0], "Hoàng Thị Hoa", "Vắng có lý do: ốm", "Trang 1/2")
		hasAll(t, pages[1], "Lò Văn Minh", "Vắng không có lý do", "Đã học 1 văn bản trong quý: 1 trực tuyến", "Trang 2/2")
	})
}

func TestFollowUpList(t *testing.T) {
	e := newPaperEnv(t)
	ctx := context.Background()
	dv2, _ := e.s.Member(ctx, "DV2")
	if err := e.s.MarkUnreachable(ctx, dv2.ID); err != nil {
		t.Fatal(err)
	}
	t.Run("MemberHasNoButtonAndIsRefused", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 702, "/hoctap")
		if _, ok := e.rec.buttons()["🖨 Danh sách cần nhắc (PDF)"]; ok {
			t.Fatal("a plain member is offered the list")
		}
		e.press(t, 702, "fu")
		noPDF(t, e.env)
		e.said(t, "không có quyền")
	})
	t.Run("SecretaryGetsTheCellAtOnce", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 701, "/hoctap")
		data, ok := e.rec.buttons()["🖨 Danh sách cần nhắc (PDF)"]
		if !ok || data != "fu" {
			t.Fatalf("no list button in /hoctap: %v", e.rec.buttons())
		}
		e.rec.reset()
		e.press(t, 701, data)
		doc, pages := sentPDF(t, e.env)
		if f := doc.File.(tgbotapi.FileBytes); f.Name != "can-nhac-CB1-2026-12-01.pdf" ||
			!strings.Contains(doc.Caption, "2/2 đảng viên") || !strings.Contains(doc.Caption, "1 đồng chí bot không nhắn tới được") {
			t.Fatalf("file %q, caption %q", f.Name, doc.Caption)
		}
		if len(pages) != 1 {
			t.Fatalf("%d pages", len(pages))
		}
		hasAll(t, pages[0], "DANH SÁCH ĐẢNG VIÊN CẦN NHẮC", "Hoàng Thị Hoa DV2 21-KL/TW (hạn 11/12/2026) 20/11/2026: vắng (ốm) Đã chặn bot",
			"Lò Văn Minh DV1 20/11/2026: vắng không lý do Telegram", "Đã nhắc")
	})
	t.Run("OfficerPicksACell", func(t *testing.T) {
		storagetest.MustGrant(t, e.s, "DV3", storage.RoleOfficer, "ROOT")
		e.rec.reset()
		e.press(t, 703, "fu")
		labels := strings.Join(e.rec.buttonLabels(), "|")
		if labels != "👥 Chi bộ bản Nà Hiên|👥 Chi bộ bản Pà Pao|✖ Hủy" {
			t.Fatalf("cells offered: %s", labels)
		}
		e.rec.reset()
		e.tap(t, 703, "pp", "o:"+itoa(orgID(t, e.s, "CB2")))
		noPDF(t, e.env)
		e.said(t, "Chi bộ bản Pà Pao: mọi đảng viên đã học đủ")
		e.rec.reset()
		e.press(t, 703, "fu")
		e.tap(t, 703, "pp", "o:"+itoa(orgID(t, e.s, "CB1")))
		if _, pages := sentPDF(t, e.env); len(pages) != 1 || !strings.Contains(pages[0], "Hoàng Thị Hoa") {
			t.Fatalf("pages %q", pages)
		}
	})
}
