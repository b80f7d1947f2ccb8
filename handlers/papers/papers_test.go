package papers_test

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"sotay/handlers/papers"
	"sotay/storage"
	"sotay/storage/pdftext"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

// pages reads every page of a PDF back: its text layer, one string a page.
func pages(t *testing.T, pdf []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if bytes.Count(pdf, []byte("/FontFile2")) != 2 {
		t.Fatal("DejaVu Sans, regular and bold, is not embedded")
	}
	n, err := pdftext.NumPages(pdf)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, n)
	for i := range out {
		if out[i], err = pdftext.Page(pdf, i+1); err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
	}
	return out
}

// flat is a page's text with its lines joined by spaces, as one reads it.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// keep writes the PDF where SOTAY_KEEP_PDF says, to look at it.
func keep(t *testing.T, name string, pdf []byte) {
	if dir := os.Getenv("SOTAY_KEEP_PDF"); dir != "" {
		if err := os.WriteFile(dir+"/"+name, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func record(name, code string) storage.QuarterRecord {
	return storage.QuarterRecord{
		Member: storage.Member{FullName: name, Code: code}, OrgName: "Chi bộ bản Nà Hiên", Committee: "Đảng bộ xã Bình Lư",
		Quarter: storage.Quarter{Year: 2026, N: 4}, From: day(2026, 10, 1), To: day(2026, 12, 31),
	}
}

func TestRecordOnePageEach(t *testing.T) {
	full := record("Lò Thị Ngọc Huyền", "DV0007")
	for i := range 40 {
		full.Studied = append(full.Studied, storage.RecordStudy{DocNumber: fmt.Sprintf("%02d-KL/TW", i), DocTitle: "Về tiếp tục đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị",
			On: day(2026, 10, 5), How: []string{storage.StudiedOnline, storage.StudiedByQuiz, storage.StudiedOffline}[i%3], QuizScore: ptr(90)})
	}
	for i := range 3 {
		full.Pending = append(full.Pending, storage.RecordPending{DocNumber: fmt.Sprintf("%02d-KH/TU", i), DocTitle: "Kế hoạch", DueOn: ptr(day(2026, 11, 30))})
	}
	// Every list longer than a page: each is cut, and the page stays one.
	crowded := record("Hà Văn Đức", "DV0009")
	crowded.Studied = full.Studied
	for i := range 30 {
		crowded.Meetings = append(crowded.Meetings, storage.RecordMeeting{HeldOn: day(2026, 10, 1+i), Kind: storage.MeetingRegular,
			Topic: "Quán triệt Nghị quyết Đại hội đại biểu Đảng bộ tỉnh lần thứ XV", Present: 18, Total: 20})
	}
	for i := range 25 {
		crowded.Pending = append(crowded.Pending, storage.RecordPending{DocNumber: fmt.Sprintf("%02d-NQ/TU", i), DocTitle: "Nghị quyết"})
	}
	quiet := record("Giàng A Páo", "DV0003")
	var b bytes.Buffer
	if err := papers.WriteRecords(&b, papers.Records{Printed: day(2027, 1, 5), Records: []storage.QuarterRecord{full, quiet, crowded}}); err != nil {
		t.Fatal(err)
	}
	keep(t, "record.pdf", b.Bytes())
	ps := pages(t, b.Bytes())
	if len(ps) != 3 {
		t.Fatalf("%d pages for three members", len(ps))
	}
	first, second := flat(ps[0]), flat(ps[1])
	for _, want := range []string{"Lò Thị Ngọc Huyền", "DV0007", "PHIẾU TỔNG HỢP KẾT QUẢ HOẠT ĐỘNG CỦA ĐẢNG VIÊN",
		"Quý IV/2026 (từ 01/10/2026 đến 31/12/2026)", "CHI BỘ BẢN NÀ HIÊN", "Đã học 40 văn bản trong quý: 14 trực tuyến",
		"Bài kiểm tra (90 điểm/100)", "văn bản khác (xem đủ trong /cuatoi)", "Còn 3 văn bản", "02-KH/TU", "Trang 1/3"} {
		if !strings.Contains(first, want) {
			t.Errorf("page 1 lacks %q:\n%s", want, first)
		}
	}
	for _, want := range []string{"Giàng A Páo", "chưa xác nhận học văn bản nào", "Chưa có báo cáo buổi sinh hoạt nào", "Trang 2/3"} {
		if !strings.Contains(second, want) {
			t.Errorf("page 2 lacks %q:\n%s", want, second)
		}
	}
	third := flat(ps[2])
	if docs, meets := regexp.MustCompile(`… và \d+ văn bản khác`).FindAllString(third, -1), regexp.MustCompile(`… và \d+ buổi khác`).FindAllString(third, -1); len(docs) != 2 || len(meets) != 1 {
		t.Errorf("page 3 cuts %q and %q", docs, meets)
	}
	for _, want := range []string{"Không ghi theo tên (có mặt 18/20)", "XÁC NHẬN CỦA CHI BỘ", "Trang 3/3"} {
		if !strings.Contains(third, want) {
			t.Errorf("page 3 lacks %q:\n%s", want, third)
		}
	}
}

func TestFollowUpRowsAcrossPages(t *testing.T) {
	f := storage.FollowUp{Org: storage.Organisation{ID: 1, Name: "Chi bộ bản Nà Hiên"}, Committee: "Đảng bộ xã Bình Lư",
		On: day(2026, 11, 20), Since: day(2026, 8, 22), Members: 60}
	now := time.Now()
	for i := range 60 {
		r := storage.FollowUpRow{Member: storage.Member{OrgID: 1, FullName: fmt.Sprintf("Hoàng Thị Hoa %d", i), Code: fmt.Sprintf("DV%04d", i)}}
		if i%3 != 0 {
			r.Member.TelegramUserID = ptr(int64(i))
		}
		if i%3 == 1 {
			r.Member.UnreachableAt = &now
		}
		r.Docs = []storage.FollowUpDoc{{DocNumber: "21-KL/TW", DueOn: ptr(day(2026, 11, 30))}, {DocNumber: "62-KH/TU"}}
		r.Absence = []storage.FollowUpAbsence{{HeldOn: day(2026, 10, 15), Status: "absent"}, {HeldOn: day(2026, 11, 5), Status: "absent_reason", Reason: "đi nương"}}
		f.Rows = append(f.Rows, r)
	}
	var b bytes.Buffer
	if err := papers.WriteFollowUp(&b, f); err != nil {
		t.Fatal(err)
	}
	keep(t, "followup.pdf", b.Bytes())
	ps := pages(t, b.Bytes())
	if len(ps) < 3 {
		t.Fatalf("60 rows of three lines on %d pages", len(ps))
	}
	all := flat(strings.Join(ps, "\n"))
	for _, want := range []string{"DANH SÁCH ĐẢNG VIÊN CẦN NHẮC", "60/60 đảng viên cần nhắc", "Hoàng Thị Hoa 0", "Hoàng Thị Hoa 59",
		"21-KL/TW (hạn 30/11/2026)", "15/10/2026: vắng không lý do", "05/11/2026: vắng (đi nương)", "Chưa liên kết Telegram",
		"Đã chặn bot", "Đã nhắc"} {
		if !strings.Contains(all, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	for i, p := range ps {
		if !strings.Contains(flat(p), "Đã nhắc") || !strings.Contains(flat(p), fmt.Sprintf("Trang %d/%d", i+1, len(ps))) {
			t.Errorf("page %d has no table header or page number:\n%s", i+1, flat(p))
		}
	}
	t.Run("NobodyToFollowUp", func(t *testing.T) {
		f.Rows = nil
		var b bytes.Buffer
		if err := papers.WriteFollowUp(&b, f); err != nil {
			t.Fatal(err)
		}
		ps := pages(t, b.Bytes())
		if len(ps) != 1 || !strings.Contains(flat(ps[0]), "Mọi đảng viên đã học đủ") {
			t.Fatalf("%d pages: %q", len(ps), ps)
		}
	})
}
