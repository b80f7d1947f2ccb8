package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sotay/storage"
	"sotay/storage/storagetest"
)

func writeBytes(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDocSecretRefused: sotay doc add and doc edit refuse a document whose
// PDF's first page, text file, file name or title carries a secrecy stamp,
// say why, and store nothing; there is no flag to get past it.
func TestDocSecretRefused(t *testing.T) {
	dsn, env := seeded(t)
	ctx := context.Background()
	add := func(number string, extra ...string) result {
		args := append([]string{"doc", "add", "--kind", "nghi_quyet", "--number", number, "--title", "Nghị quyết về quốc phòng",
			"--issuer", "Đảng ủy xã", "--date", "01/03/2024"}, extra...)
		return run(t, env, args...)
	}
	refused := []struct {
		name   string
		number string
		args   []string
		says   []string
	}{
		{"PDFFirstPage", "01-NQ/ĐU", []string{"--file", writeBytes(t, "nq01.pdf", storagetest.PDF(t, "ĐẢNG BỘ XÃ BÌNH LƯ\nTỐI MẬT\nNGHỊ QUYẾT"))},
			[]string{"«TỐI MẬT»", "trang đầu của tệp PDF", "không được đưa lên mạng"}},
		{"TextFile", "02-NQ/ĐU", []string{"--text", write(t, "nq02.txt", "Độ mật: Mật\n\nNội dung nghị quyết.")},
			[]string{"«MẬT»", "toàn văn"}},
		{"FileName", "03-NQ/ĐU", []string{"--file", writeBytes(t, "NQ03_TUYET_MAT.pdf", storagetest.PDF(t, "NGHỊ QUYẾT"))},
			[]string{"«TUYỆT MẬT»", "tên tệp NQ03_TUYET_MAT.pdf"}},
		{"Summary", "04-NQ/ĐU", []string{"--summary", "MẬT"}, []string{"«MẬT»", "tóm tắt"}},
	}
	for _, tt := range refused {
		t.Run("Refused"+tt.name, func(t *testing.T) {
			r := add(tt.number, tt.args...)
			if r.code != 1 {
				t.Fatalf("exit %d: %+v", r.code, r)
			}
			for _, want := range tt.says {
				if !strings.Contains(r.stderr, want) {
					t.Fatalf("no %q in %q", want, r.stderr)
				}
			}
		})
	}
	if r := mustRun(t, env, "doc", "list"); !strings.Contains(r.stdout, "0 văn bản") {
		t.Fatalf("stamped documents stored: %s", r.stdout)
	}
	t.Run("StampOnPageTwoAccepted", func(t *testing.T) {
		mustRun(t, env, append([]string{"doc", "add", "--kind", "nghi_quyet", "--number", "05-NQ/ĐU", "--title", "Nghị quyết về giữ bí mật nhà nước",
			"--issuer", "Đảng ủy xã", "--date", "01/03/2024", "--summary", "Quan hệ mật thiết với nhân dân."},
			"--file", writeBytes(t, "nq05.pdf", storagetest.PDF(t, "NGHỊ QUYẾT\nvề giữ bí mật nhà nước", "MẬT")))...)
	})
	t.Run("EditRefusedKeepsTheDocument", func(t *testing.T) {
		r := run(t, env, "doc", "edit", "05-NQ/ĐU", "--file", writeBytes(t, "nq05b.pdf", storagetest.PDF(t, "Độ mật: Tối mật")))
		if r.code != 1 || !strings.Contains(r.stderr, "«TỐI MẬT»") {
			t.Fatalf("%+v", r)
		}
		s := open(t, dsn)
		d, err := s.DocumentByNumber(ctx, "05-NQ/ĐU", "")
		if err != nil || d.FileName != "nq05.pdf" {
			t.Fatalf("document %+v %v", d, err)
		}
	})
}

// TestDocTextCleaned: doc add stores its flags and text file without bidi
// or control characters, and refuses a title with no letter or digit.
func TestDocTextCleaned(t *testing.T) {
	dsn, env := seeded(t)
	mustRun(t, env, "doc", "add", "--kind", "ket_luan", "--number", "21-KL/TW", "--title", "Kết luận \u202eWT/LK-12\u202c về xây dựng Đảng",
		"--issuer", "Ban Chấp hành\u200f Trung ương", "--date", "25/10/2021", "--summary", "Tóm tắt \u2066ngắn\u2069",
		"--text", write(t, "kl21.txt", "Đoạn một.\u061c\x1b\n\nĐoạn hai."))
	d, err := open(t, dsn).DocumentByNumber(context.Background(), "21-KL/TW", "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Kết luận WT/LK-12 về xây dựng Đảng" || d.Issuer != "Ban Chấp hành Trung ương" || d.Summary != "Tóm tắt ngắn" || d.Body != "Đoạn một.\n\nĐoạn hai." {
		t.Fatalf("stored %q %q %q %q", d.Title, d.Issuer, d.Summary, d.Body)
	}
	r := run(t, env, "doc", "add", "--kind", "ket_luan", "--number", "22-KL/TW", "--title", "🎉🎉", "--issuer", "Bộ Chính trị", "--date", "01/11/2021")
	if r.code != 1 || !strings.Contains(r.stderr, "không có chữ hoặc số nào") || !strings.Contains(r.stderr, "ví dụ") {
		t.Fatalf("%+v", r)
	}
	if _, err := open(t, dsn).DocumentByNumber(context.Background(), "22-KL/TW", ""); storage.ErrorCode(err) != storage.CodeNotFound {
		t.Fatalf("stored: %v", err)
	}
}

// TestDocFileInTheStore: doc add --file keeps the file's bytes in the file
// store, once for the same bytes; doc edit --file names another.
func TestDocFileInTheStore(t *testing.T) {
	dsn, env := seeded(t)
	ctx := context.Background()
	pdf := storagetest.PDF(t, "KẾT LUẬN\nvề đẩy mạnh xây dựng, chỉnh đốn Đảng")
	for _, n := range []string{"21-KL/TW", "21-KL/TU"} {
		mustRun(t, env, "doc", "add", "--kind", "ket_luan", "--number", n, "--title", "Kết luận về xây dựng Đảng",
			"--issuer", "Ban Chấp hành Trung ương", "--date", "25/10/2021", "--file", writeBytes(t, "kl21.pdf", pdf))
	}
	s := open(t, dsn)
	a, err := s.DocumentByNumber(ctx, "21-KL/TW", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.DocumentByNumber(ctx, "21-KL/TU", "")
	if err != nil || a.FileStore == 0 || b.FileStore != a.FileStore {
		t.Fatalf("stored files %d and %d (%v)", a.FileStore, b.FileStore, err)
	}
	f, err := s.FileByID(ctx, a.FileStore)
	if err != nil || f.Name != "kl21.pdf" || f.Mime != "application/pdf" || f.Size != len(pdf) {
		t.Fatalf("stored %+v %v", f, err)
	}
	if data, err := s.FileBytes(ctx, f.ID); err != nil || string(data) != string(pdf) {
		t.Fatalf("bytes differ (%v)", err)
	}
	mustRun(t, env, "doc", "edit", "21-KL/TU", "--file", writeBytes(t, "kl21-tu.pdf", storagetest.PDF(t, "KẾT LUẬN của Tỉnh ủy")))
	if b, err = s.DocumentByNumber(ctx, "21-KL/TU", ""); err != nil || b.FileStore == a.FileStore || b.FileName != "kl21-tu.pdf" {
		t.Fatalf("edited %+v %v", b, err)
	}
	if data, err := s.DocumentFile(ctx, a.ID); err != nil || string(data) != string(pdf) {
		t.Fatalf("the other document's file changed (%v)", err)
	}
}
