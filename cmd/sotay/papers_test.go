package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/pdftext"
	"sotay/storage/storagetest"
)

// papersSeeded is seeded (CBNAHIEN: DV0001 Lò Văn Minh, DV0002 Hoàng Thị
// Hoa; CBPAPAO: DV0003 Giàng A Páo; nobody linked) with 21-KL/TW pushed to
// CBNAHIEN on 01/11/2026, due 30/11, studied by DV0001 on 10/11, and the
// cell's regular meeting of 20/11 with DV0002 absent because she was ill;
// the commands run on 1 December 2026.
func papersSeeded(t *testing.T) []string {
	t.Helper()
	dsn, env := seeded(t)
	s := open(t, dsn)
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.DB().Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO documents (kind, number, issuer, issued_on, title, summary, status, number_key)
		VALUES ('ket_luan', '21-KL/TW', 'Bộ Chính trị', '2021-10-25', 'Về tiếp tục đẩy mạnh xây dựng, chỉnh đốn Đảng', '', 'published', $1)`,
		storage.NumberKey("21-KL/TW"))
	exec(`INSERT INTO campaigns (document_id, due_on, created_at) SELECT id, '2026-11-30', '2026-11-01T09:00:00+07:00' FROM documents`)
	exec(`INSERT INTO assignments (campaign_id, document_id, member_id, org_id, state, studied_how, studied_at)
		SELECT c.id, c.document_id, m.id, m.org_id, CASE m.code WHEN 'DV0001' THEN 'studied' ELSE 'delivered' END,
		       CASE m.code WHEN 'DV0001' THEN 'online' ELSE '' END, CASE m.code WHEN 'DV0001' THEN '2026-11-10T20:00:00+07:00'::timestamptz END
		FROM campaigns c, members m WHERE m.code IN ('DV0001', 'DV0002')`)
	o, err := s.Organisation(ctx, "CBNAHIEN")
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: o.ID, Kind: storage.MeetingRegular,
		HeldOn: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Present: 1, Total: 2, Topic: "Sinh hoạt tháng 11"})
	if err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO meeting_attendance (report_id, version, member_id, status, reason)
		SELECT $1, $2, id, CASE code WHEN 'DV0001' THEN 'present' ELSE 'absent_reason' END, CASE code WHEN 'DV0001' THEN '' ELSE 'ốm' END
		FROM members WHERE code IN ('DV0001', 'DV0002')`, r.ID, r.Version)
	return append(env, "SOTAY_NOW=2026-12-01T09:00:00+07:00")
}

// readPDF reads a PDF file back, a string a page.
func readPDF(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := pdftext.NumPages(data)
	if err != nil {
		t.Fatal(err)
	}
	pages := make([]string, n)
	for i := range pages {
		text, err := pdftext.Page(data, i+1)
		if err != nil {
			t.Fatal(err)
		}
		pages[i] = strings.Join(strings.Fields(text), " ")
	}
	return pages
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q: %q", what, w, got)
		}
	}
}

func TestRecordCommand(t *testing.T) {
	env := papersSeeded(t)
	dir := t.TempDir()
	t.Run("Cell", func(t *testing.T) {
		pdf := filepath.Join(dir, "phieu.pdf")
		r := mustRun(t, env, "record", "--org", "CBNAHIEN", "--quarter", "2026-Q4", "--pdf", pdf)
		mustContain(t, "stdout", r.stdout, "Đã ghi phiếu tổng hợp quý IV/2026 của 2 đảng viên thuộc Chi bộ bản Nà Hiên (2 trang A4")
		pages := readPDF(t, pdf)
		if len(pages) != 2 {
			t.Fatalf("%d pages", len(pages))
		}
		mustContain(t, "page 1", pages[0], "Hoàng Thị Hoa", "DV0002", "Vắng có lý do: ốm", "Quá hạn", "đến nay, 01/12/2026")
		mustContain(t, "page 2", pages[1], "Lò Văn Minh", "21-KL/TW", "10/11/2026", "Trực tuyến", "Có mặt")
	})
	t.Run("Member", func(t *testing.T) {
		pdf := filepath.Join(dir, "DV0003.PDF")
		r := mustRun(t, env, "record", "--member", "DV0003", "--quarter", "Q3/2026", "--pdf", pdf)
		mustContain(t, "stdout", r.stdout, "quý III/2026 của đồng chí Giàng A Páo (DV0003), 1 trang A4")
		if pages := readPDF(t, pdf); len(pages) != 1 || !strings.Contains(pages[0], "Giàng A Páo") || !strings.Contains(pages[0], "CHI BỘ BẢN PÀ PAO") {
			t.Fatalf("pages %q", pages)
		}
	})
	t.Run("BadValuesNamed", func(t *testing.T) {
		pdf := filepath.Join(dir, "bad.pdf")
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"--quarter", "2026-Q4", "--pdf", pdf}, "--org MÃ"},
			{[]string{"--org", "CBNAHIEN", "--member", "DV0001", "--quarter", "2026-Q4", "--pdf", pdf}, "--member MÃ"},
			{[]string{"--org", "CBNAHIEN", "--pdf", pdf}, "--quarter: Chưa ghi quý"},
			{[]string{"--org", "CBNAHIEN", "--quarter", "2026-Q5", "--pdf", pdf}, "«2026-Q5» không phải một quý"},
			{[]string{"--org", "CBNAHIEN", "--quarter", "2027-Q1", "--pdf", pdf}, "2027-Q1 (quý I/2027) chưa bắt đầu"},
			{[]string{"--org", "CBNAHIEN", "--quarter", "2026-Q4"}, "thiếu --pdf"},
			{[]string{"--org", "CBNAHIEN", "--quarter", "2026-Q4", "--pdf", "phieu.xlsx"}, "--pdf phieu.xlsx: phải là tệp .pdf"},
			{[]string{"--org", "KHONGCO", "--quarter", "2026-Q4", "--pdf", pdf}, "không có tổ chức mã KHONGCO"},
			{[]string{"--member", "DV9999", "--quarter", "2026-Q4", "--pdf", pdf}, "không có đảng viên mã DV9999"},
		} {
			r := run(t, env, append([]string{"record"}, tc.args...)...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("%v: code %d, stderr %q; want %q", tc.args, r.code, r.stderr, tc.want)
			}
			if _, err := os.Stat(pdf); err == nil {
				t.Fatalf("%v wrote %s", tc.args, pdf)
			}
		}
	})
}

func TestFollowUpCommand(t *testing.T) {
	env := papersSeeded(t)
	pdf := filepath.Join(t.TempDir(), "can-nhac.pdf")
	r := mustRun(t, env, "followup", "--org", "CBNAHIEN", "--pdf", pdf)
	mustContain(t, "stdout", r.stdout, "Đã ghi danh sách cần nhắc của Chi bộ bản Nà Hiên vào", "1/2 đảng viên cần nhắc, 1 trang A4",
		"1 đồng chí bot không nhắn tới được")
	pages := readPDF(t, pdf)
	if len(pages) != 1 {
		t.Fatalf("%d pages", len(pages))
	}
	mustContain(t, "the list", pages[0], "DANH SÁCH ĐẢNG VIÊN CẦN NHẮC", "Hoàng Thị Hoa DV0002 21-KL/TW (hạn 30/11/2026, quá hạn) 20/11/2026: vắng (ốm) Chưa liên kết Telegram")
	if strings.Contains(pages[0], "Lò Văn Minh") {
		t.Fatal("DV0001 studied and attended: nothing to follow up")
	}
	t.Run("NobodyToFollowUp", func(t *testing.T) {
		r := mustRun(t, env, "followup", "--org", "CBPAPAO", "--pdf", pdf)
		mustContain(t, "stdout", r.stdout, "Chi bộ bản Pà Pao: mọi đảng viên đã học đủ")
	})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--pdf", pdf}, "thiếu --org"},
		{[]string{"--org", "KHONGCO", "--pdf", pdf}, "không có tổ chức mã KHONGCO"},
		{[]string{"--org", "CBNAHIEN", "--pdf", "x.csv"}, "--pdf x.csv: phải là tệp .pdf"},
	} {
		if r := run(t, env, append([]string{"followup"}, tc.args...)...); r.code != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: code %d, stderr %q; want %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

func TestPaperCommandsHelpInVietnamese(t *testing.T) {
	env := []string{"DATABASE_URL=" + storagetest.DSN("sotay_never_created")}
	for _, sub := range []string{"record", "followup"} {
		r := run(t, env, sub, "-h")
		if r.code != 0 || !strings.Contains(r.stdout, "Cách dùng:") || !strings.Contains(r.stdout, "--pdf TỆP") {
			t.Fatalf("%s: %+v", sub, r)
		}
		if m := english.FindString(r.stdout); m != "" {
			t.Fatalf("English %q in:\n%s", m, r.stdout)
		}
	}
}
