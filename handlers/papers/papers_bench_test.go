package papers_test

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"sotay/handlers/papers"
	"sotay/storage"
)

// cell20 is a 20-member cell's quarter as a busy cell has it: each member
// studied six documents (online, by the quiz, at the cell), the cell met
// four times (one report count-only), two documents are left; and its
// follow-up list, every member with two documents and an absence.
func cell20() ([]storage.QuarterRecord, storage.FollowUp) {
	var recs []storage.QuarterRecord
	f := storage.FollowUp{Org: storage.Organisation{ID: 1, Name: "Chi bộ bản Nà Hiên"}, Committee: "Đảng bộ xã Bình Lư",
		On: day(2026, 12, 20), Since: day(2026, 9, 21), Members: 20}
	for i := range 20 {
		r := record(fmt.Sprintf("Lò Thị Ngọc Huyền %02d", i), fmt.Sprintf("DV%04d", i))
		for k := range 6 {
			r.Studied = append(r.Studied, storage.RecordStudy{DocNumber: fmt.Sprintf("%02d-KL/TW", k), DocTitle: "Về tiếp tục đẩy mạnh xây dựng, chỉnh đốn Đảng",
				On: day(2026, 10, 5+k), How: []string{storage.StudiedOnline, storage.StudiedByQuiz, storage.StudiedOffline}[k%3], QuizScore: ptr(80)})
		}
		for k := range 4 {
			r.Meetings = append(r.Meetings, storage.RecordMeeting{HeldOn: day(2026, 10+k%3, 15), Kind: storage.MeetingRegular,
				Topic: "Quán triệt Kết luận 21-KL/TW", Present: 18, Total: 20})
		}
		r.Pending = []storage.RecordPending{{DocNumber: "62-KH/TU", DocTitle: "Kế hoạch", DueOn: ptr(day(2026, 12, 31))}, {DocNumber: "05-CT/TW", DocTitle: "Chỉ thị"}}
		recs = append(recs, r)
		f.Rows = append(f.Rows, storage.FollowUpRow{Member: r.Member, Docs: []storage.FollowUpDoc{{DocNumber: "62-KH/TU"}, {DocNumber: "05-CT/TW"}},
			Absence: []storage.FollowUpAbsence{{HeldOn: day(2026, 11, 15), Status: "absent"}}})
	}
	return recs, f
}

// BenchmarkCellPapers draws a 20-member cell's two papers and reports
// their sizes (bytes of the PDF) and pages.
func BenchmarkCellPapers(b *testing.B) {
	recs, f := cell20()
	b.Run("Records", func(b *testing.B) {
		var size int
		for b.Loop() {
			var buf bytes.Buffer
			if err := papers.WriteRecords(&buf, papers.Records{Printed: time.Now(), Records: recs}); err != nil {
				b.Fatal(err)
			}
			size = buf.Len()
		}
		b.ReportMetric(float64(size), "bytes/pdf")
	})
	b.Run("FollowUp", func(b *testing.B) {
		var size int
		for b.Loop() {
			var buf bytes.Buffer
			if err := papers.WriteFollowUp(&buf, f); err != nil {
				b.Fatal(err)
			}
			size = buf.Len()
		}
		b.ReportMetric(float64(size), "bytes/pdf")
	})
}
