package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sotay/handlers/roster"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// runIn is run with stdin as the command's standard input.
func runIn(t *testing.T, env []string, stdin []byte, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := command(ctx, env, args...)
	var so, se bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), &so, &se
	return result{exitCode(t, cmd.Run()), so.String(), se.String()}
}

// TestFilesFromStandardInput: every command that reads a file reads it
// from standard input when the file is "-" (as `sudo sotay-env import orgs
// - < to-chuc.xlsx` does, where user sotay cannot open the admin's home),
// with --name where the name matters.
func TestFilesFromStandardInput(t *testing.T) {
	t.Run("ImportOrgsAndMembers", func(t *testing.T) {
		_, env := database(t)
		if r := runIn(t, env, []byte(orgsCSV), "import", "orgs", "-"); r.code != 0 || !strings.Contains(r.stdout, "Tạo mới: 3 ·") {
			t.Fatalf("import orgs -: %+v", r)
		}
		if r := runIn(t, env, []byte(membersCSV), "import", "members", "-"); r.code != 0 || !strings.Contains(r.stdout, "Tạo mới: 3 ·") {
			t.Fatalf("import members -: %+v", r)
		}
	})
	t.Run("ImportXLSXFromTemplate", func(t *testing.T) {
		dsn, env := seeded(t)
		sheet := mustRun(t, nil, "import", "template", "members", "--out", "-").stdout
		if r := runIn(t, env, []byte(sheet), "import", "members", "-"); r.code != 0 || !strings.Contains(r.stdout, "Cập nhật: 1 ·") {
			t.Fatalf("import members - < template: %+v", r)
		}
		m, err := open(t, dsn).Member(context.Background(), "DV0001")
		if err != nil || m.FullName != "Nguyễn Văn An" || m.Phone != "0912345678" {
			t.Fatalf("DV0001 from the template: %+v %v", m, err)
		}
	})

	dsn, env := seeded(t)
	add := func(number string, stdin []byte, extra ...string) result {
		args := append([]string{"doc", "add", "--kind", "ket_luan", "--number", number, "--title", "Kết luận về xây dựng Đảng",
			"--issuer", "Ban Chấp hành Trung ương", "--date", "25/10/2021"}, extra...)
		return runIn(t, env, stdin, args...)
	}
	doc := func(number string) (storage.Document, error) {
		return open(t, dsn).DocumentByNumber(context.Background(), number, "")
	}
	t.Run("DocAttachmentNamed", func(t *testing.T) {
		pdf := storagetest.PDF(t, "KẾT LUẬN\nvề xây dựng Đảng")
		if r := add("21-KL/TW", pdf, "--file", "-", "--name", "kl21.pdf"); r.code != 0 {
			t.Fatalf("doc add --file - --name: %+v", r)
		}
		d, err := doc("21-KL/TW")
		if err != nil {
			t.Fatal(err)
		}
		data, err := open(t, dsn).DocumentFile(context.Background(), d.ID)
		if err != nil || d.FileName != "kl21.pdf" || d.FileMime != "application/pdf" || !bytes.Equal(data, pdf) {
			t.Fatalf("attachment: %q %q %d bytes, %v", d.FileName, d.FileMime, len(data), err)
		}
	})
	t.Run("DocAttachmentWithoutNameRefused", func(t *testing.T) {
		r := add("22-KL/TW", storagetest.PDF(t, "KẾT LUẬN"), "--file", "-")
		if r.code != 1 || !strings.Contains(r.stderr, "cần --name TÊN_TỆP") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if _, err := doc("22-KL/TW"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("stored anyway: %v", err)
		}
	})
	t.Run("TwoFilesFromStdinRefused", func(t *testing.T) {
		r := add("23-KL/TW", []byte("x"), "--text", "-", "--file", "-", "--name", "a.pdf")
		if r.code != 1 || !strings.Contains(r.stderr, "chỉ một tệp đọc được từ đầu vào chuẩn") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("DocTextFromStdin", func(t *testing.T) {
		body := "Đoạn một của toàn văn.\n\nĐoạn hai."
		if r := add("24-KL/TW", []byte("\ufeff"+body), "--text", "-"); r.code != 0 {
			t.Fatalf("doc add --text -: %+v", r)
		}
		if d, err := doc("24-KL/TW"); err != nil || d.Body != body {
			t.Fatalf("body %q, %v", d.Body, err)
		}
	})

	study := []string{"DATABASE_URL=" + studyDB(t)}
	t.Run("QuizFromStdin", func(t *testing.T) {
		q := "Câu hỏi;Phương án A;Phương án B;Đáp án\nMột?;Có;Không;A\nHai?;Có;Không;B\nBa?;Có;Không;A\n"
		if r := runIn(t, study, []byte(q), "doc", "quiz", "21-KL/TW", "-"); r.code != 0 || !strings.Contains(r.stdout, "Đã gắn bài kiểm tra 3 câu") {
			t.Fatalf("doc quiz -: %+v", r)
		}
	})
	t.Run("OfflineCodesFromStdin", func(t *testing.T) {
		r := runIn(t, study, []byte("Mã đảng viên\nDV5\nDV4\n"), "study", "offline", "--doc", "21-KL/TW", "--file", "-", "--on", "01/11/2026")
		if r.code != 0 || !strings.Contains(r.stdout, "ghi 2, không đổi 0, từ chối 0") {
			t.Fatalf("study offline --file -: %+v", r)
		}
	})
}

// TestImportTemplate: each template has the headers its importer reads and
// one example row it accepts; the quiz's, filled to the 3 questions a quiz
// needs, is a quiz.
func TestImportTemplate(t *testing.T) {
	dir := t.TempDir()
	write := func(kind string) string {
		t.Helper()
		p := filepath.Join(dir, kind+".xlsx")
		r := mustRun(t, nil, "import", "template", kind, "--out", p)
		if !strings.Contains(r.stdout, "Đã ghi tệp mẫu "+p) {
			t.Fatalf("output: %q", r.stdout)
		}
		return p
	}
	openFile := func(p string) *os.File {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	t.Run("Orgs", func(t *testing.T) {
		p := write("orgs")
		orgs, rejected, err := roster.ParseOrgs(openFile(p), filepath.Base(p))
		if err != nil || len(rejected) > 0 || len(orgs) != 1 || orgs[0].Code != "BINHLU" || orgs[0].Kind != storage.KindDangBo || orgs[0].FoundedOn == nil {
			t.Fatalf("%+v %+v %v", orgs, rejected, err)
		}
	})
	t.Run("Members", func(t *testing.T) {
		p := write("members")
		ms, rejected, err := roster.ParseMembers(openFile(p), filepath.Base(p))
		if err != nil || len(rejected) > 0 || len(ms) != 1 || ms[0].Code != "DV0001" || ms[0].OrgCode != "CBNAHIEN" || ms[0].Phone != "0912345678" || ms[0].BirthYear != 1980 {
			t.Fatalf("%+v %+v %v", ms, rejected, err)
		}
	})
	t.Run("Quiz", func(t *testing.T) {
		p := write("quiz")
		x, err := excelize.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sheet := x.GetSheetName(0)
		_ = x.SetSheetRow(sheet, "A3", &[]any{"Hai?", "Có", "Không", "", "", "A"})
		_ = x.SetSheetRow(sheet, "A4", &[]any{"Ba?", "Có", "Không", "", "", "B"})
		if err := x.Save(); err != nil {
			t.Fatal(err)
		}
		x.Close()
		qs, err := roster.ParseQuiz(openFile(p), filepath.Base(p))
		if err != nil || len(qs) != 3 || qs[0].Answer != 1 || len(qs[0].Options) != 3 || !strings.Contains(qs[0].Explanation, "25/10/2021") {
			t.Fatalf("%+v %v", qs, err)
		}
	})
	t.Run("UnknownKind", func(t *testing.T) {
		r := run(t, nil, "import", "template", "dangvien", "--out", filepath.Join(dir, "x.xlsx"))
		if r.code == 0 || !strings.Contains(r.stderr, "orgs (tổ chức), members (đảng viên) hoặc quiz") {
			t.Fatalf("%+v", r)
		}
	})
}
