package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/storage"
	"sotay/storage/pdftext"
	"sotay/storage/storagetest"
)

// pdfText is the text of a PDF the bot sent, page by page, lines joined.
func pdfText(t *testing.T, f *telegramtest.File) []string {
	t.Helper()
	if f == nil {
		t.Fatal("no file")
	}
	n, err := pdftext.NumPages(f.Data)
	if err != nil {
		t.Fatal(err)
	}
	pages := make([]string, n)
	for i := range pages {
		text, err := pdftext.Page(f.Data, i+1)
		if err != nil {
			t.Fatal(err)
		}
		pages[i] = strings.Join(strings.Fields(text), " ")
	}
	return pages
}

// The papers through the whole bot over the fake Bot API: a member asks
// for her quarterly record from /cuatoi and gets it as a PDF; her cell's
// secretary gets the follow-up list from /hoctap.
func TestPapersEndToEnd(t *testing.T) {
	h := start(t, bot.Config{Location: storagetest.Local})
	ctx := context.Background()
	h.grant("DV1", storage.RoleSecretary, "CB1")
	minh := h.linkedUser("DV1", 8201, "Minh")
	hoa := h.linkedUser("DV2", 8202, "Hoa")

	today := time.Now().In(storagetest.Local)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := h.s.DB().Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO documents (kind, number, issuer, issued_on, title, summary, status, number_key)
		VALUES ('ket_luan', '21-KL/TW', 'Bộ Chính trị', '2021-10-25', 'Về tiếp tục đẩy mạnh xây dựng, chỉnh đốn Đảng', '', 'published', $1)`,
		storage.NumberKey("21-KL/TW"))
	exec(`INSERT INTO campaigns (document_id) SELECT id FROM documents`)
	exec(`INSERT INTO assignments (campaign_id, document_id, member_id, org_id, state)
		SELECT c.id, c.document_id, m.id, m.org_id, 'delivered' FROM campaigns c, members m WHERE m.code = 'DV2'`)
	cb1, err := h.s.Organisation(ctx, "CB1")
	if err != nil {
		t.Fatal(err)
	}
	r, err := h.s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: cb1.ID, Kind: storage.MeetingRegular,
		HeldOn: time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC), Present: 1, Total: 2, Topic: "Sinh hoạt"})
	if err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO meeting_attendance (report_id, version, member_id, status, reason)
		SELECT $1, $2, id, CASE code WHEN 'DV1' THEN 'present' ELSE 'absent_reason' END, CASE code WHEN 'DV1' THEN '' ELSE 'ốm' END
		FROM members WHERE code IN ('DV1', 'DV2')`, r.ID, r.Version)

	t.Run("QuarterlyRecordFromCuatoi", func(t *testing.T) {
		hoa.SendText("/cuatoi")
		waitText(t, hoa, "Kết quả học tập của đồng chí Hoàng Thị Hoa")
		mustPress(t, hoa, "📄 Phiếu tổng hợp quý")
		m := waitText(t, hoa, "Chọn quý")
		q := storage.QuarterOf(today)
		current := q.Title() + " (đang diễn ra)"
		if got := strings.Join(m.Buttons(), "|"); !strings.HasPrefix(got, current+"|") {
			t.Fatalf("quarters %q", got)
		}
		mustPress(t, hoa, current)
		doc := waitDocuments(t, hoa, 1)[0]
		if doc.Document.FileName != "phieu-"+q.String()+"-DV2.pdf" || !strings.Contains(doc.Plain, "Phiếu tổng hợp "+q.Name()) {
			t.Fatalf("file %q, caption %q", doc.Document.FileName, doc.Plain)
		}
		pages := pdfText(t, doc.Document)
		if len(pages) != 1 || !strings.Contains(pages[0], "Hoàng Thị Hoa") || !strings.Contains(pages[0], "Vắng có lý do: ốm") ||
			!strings.Contains(pages[0], "21-KL/TW") {
			t.Fatalf("pages %q", pages)
		}
	})
	t.Run("FollowUpFromHoctap", func(t *testing.T) {
		minh.SendText("/hoctap")
		waitText(t, minh, "không còn văn bản nào phải học")
		mustPress(t, minh, "🖨 Danh sách cần nhắc (PDF)")
		doc := waitDocuments(t, minh, 1)[0]
		if !strings.Contains(doc.Plain, "Danh sách cần nhắc của Chi bộ bản Nà Hiên: 1/2 đảng viên") {
			t.Fatalf("caption %q", doc.Plain)
		}
		pages := pdfText(t, doc.Document)
		if len(pages) != 1 || !strings.Contains(pages[0], "Hoàng Thị Hoa DV2 21-KL/TW") || strings.Contains(pages[0], "Lò Văn Minh DV1") {
			t.Fatalf("pages %q", pages)
		}
	})
}
