package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sotay/storage"
	"sotay/storage/demodata"
	"sotay/storage/storagetest"
)

func TestLangCommands(t *testing.T) {
	env := []string{"DATABASE_URL=" + studyDB(t)}
	r := mustRun(t, env, "lang", "list")
	for _, want := range []string{"vi   Tiếng Việt", "hmn  Mông", "blt  Thái", "ium  Dao"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("list lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := mustRun(t, env, "lang", "add", "gia", "Giáy"); !strings.Contains(r.stdout, "Đã thêm ngôn ngữ Giáy (gia)") {
		t.Fatalf("add: %+v", r)
	}
	if r := run(t, env, "lang", "add", "gia", "Giáy"); r.code == 0 || !strings.Contains(r.stderr, "Đã có ngôn ngữ mã gia") {
		t.Fatalf("twice: %+v", r)
	}
	if r := run(t, env, "lang", "add", "giay", "Giáy"); r.code == 0 || !strings.Contains(r.stderr, "2 hoặc 3 chữ cái") {
		t.Fatalf("bad code: %+v", r)
	}
	if r := mustRun(t, env, "lang", "list"); !strings.Contains(r.stdout, "gia  Giáy") {
		t.Fatalf("list: %s", r.stdout)
	}
}

func TestDocVoice(t *testing.T) {
	dsn := studyDB(t)
	env := []string{"DATABASE_URL=" + dsn}
	dir := t.TempDir()
	ogg := filepath.Join(dir, "tom-tat.ogg")
	if err := os.WriteFile(ogg, demodata.SummaryOGG, 0o644); err != nil {
		t.Fatal(err)
	}
	rows := func() int {
		s := open(t, dsn)
		var n int
		if err := s.DB().Get(&n, `SELECT (SELECT count(*) FROM files) + (SELECT count(*) FROM voice_summaries)`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	t.Run("RefusedWithTheReasonAndNothingKept", func(t *testing.T) {
		long := filepath.Join(dir, "dai.m4a")
		if err := os.WriteFile(long, storagetest.M4A(11*time.Minute), 0o644); err != nil {
			t.Fatal(err)
		}
		big := filepath.Join(dir, "lon.ogg")
		if err := os.WriteFile(big, append([]byte("OggS"), make([]byte, 11<<20)...), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{long, "--lang", "hmn"}, "Bản ghi dài 11 phút, tối đa 10 phút"},
			{[]string{big, "--lang", "vi"}, "Tệp ghi âm lớn 11,0 MB, tối đa 10 MB"},
			{[]string{filepath.Join("..", "..", "storage", "audio", "testdata", "short-vorbis.ogg"), "--lang", "vi"}, "không mã hóa Opus"},
			{[]string{ogg, "--lang", "Giáy"}, "Không có ngôn ngữ «Giáy». Các ngôn ngữ đang có: vi (Tiếng Việt)"},
			{[]string{ogg}, "thiếu --lang"},
			{[]string{"--lang", "vi"}, "thiếu TỆP"},
		} {
			r := run(t, env, append([]string{"doc", "voice", "21-KL/TW"}, tc.args...)...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("%v: exit %d %q, want %q", tc.args, r.code, r.stderr, tc.want)
			}
		}
		if n := rows(); n != 0 {
			t.Fatalf("%d rows kept", n)
		}
	})
	t.Run("AddedAsAVoiceNote", func(t *testing.T) {
		r := mustRun(t, env, "doc", "voice", "21-KL/TW", ogg, "--lang", "Mông", "--by", "DV1")
		if !strings.Contains(r.stdout, "Đã thêm bản tóm tắt tiếng Mông (bản 1: 19 giây, OGG/Opus, 43 KB, gửi dạng tin nhắn thoại) cho Kết luận số 21-KL/TW") {
			t.Fatalf("got %s", r.stdout)
		}
	})
	t.Run("ReplacingNeedsReplace", func(t *testing.T) {
		mp3, err := os.ReadFile(filepath.Join("..", "..", "storage", "audio", "testdata", "short.mp3"))
		if err != nil {
			t.Fatal(err)
		}
		r := runIn(t, env, mp3, "doc", "voice", "21-KL/TW", "-", "--name", "mong.mp3", "--lang", "hmn")
		if r.code == 0 || !strings.Contains(r.stderr, "đã có bản tóm tắt tiếng Mông (bản 1, 19 giây, ghi ngày") || !strings.Contains(r.stderr, "--replace") {
			t.Fatalf("got %+v", r)
		}
		r = runIn(t, env, mp3, "doc", "voice", "21-KL/TW", "-", "--name", "mong.mp3", "--lang", "hmn", "--replace")
		if r.code != 0 || !strings.Contains(r.stdout, "bản 2: 1 giây, MP3, 6 KB, gửi dạng tệp âm thanh") {
			t.Fatalf("got %+v", r)
		}
	})
	t.Run("ListsEveryVersion", func(t *testing.T) {
		r := mustRun(t, env, "doc", "voice", "21-KL/TW")
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != 4 || !strings.Contains(lines[2], "Mông (hmn)  2    1 giây") || !strings.Contains(lines[2], "(dòng lệnh)") ||
			!strings.HasSuffix(lines[2], "✓") || !strings.Contains(lines[3], "Đảng viên 1 (DV1)") || strings.HasSuffix(lines[3], "✓") {
			t.Fatalf("got\n%s", r.stdout)
		}
		s := open(t, dsn)
		d, _ := s.DocumentByNumber(context.Background(), "21-KL/TW", "")
		v, err := s.VoiceSummary(context.Background(), d.ID, "hmn")
		if err != nil || v.Kind != storage.AsAudio || v.Version != 2 {
			t.Fatalf("current %+v %v", v, err)
		}
	})
}

// TestStudyCSVListened: the listened column, right after read, counts the
// members who listened whatever their state now; the states still add up
// to assigned.
func TestStudyCSVListened(t *testing.T) {
	dsn := studyDB(t)
	env := []string{"DATABASE_URL=" + dsn}
	s := open(t, dsn)
	ctx := context.Background()
	d, _ := s.DocumentByNumber(ctx, "21-KL/TW", "")
	if _, err := s.AddVoiceSummary(ctx, storage.VoiceInput{DocumentID: d.ID, Lang: "vi", Data: demodata.SummaryOGG, Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"DV1", "DV4", "DV4", "DV5"} { // studied, read, read again, not linked
		m, _ := s.Member(ctx, code)
		if _, err := s.ListenVoice(ctx, m.ID, d.ID, "vi"); err != nil {
			t.Fatal(err)
		}
	}
	recs := csvRows(t, mustRun(t, env, "stats", "study", "--doc", "21-KL/TW", "--csv").stdout)
	want := []string{
		"ROOT,Đảng bộ xã Bình Lư,,5,0,0,2,3,2,1,0,0,60.0",
		"CB1,Chi bộ bản Nà Hiên,ROOT,3,0,0,0,1,2,1,0,0,100.0",
		"CB2,Chi bộ bản Pà Pao,ROOT,2,0,0,2,2,0,0,0,0,0.0",
	}
	for i, w := range want {
		if got := strings.Join(recs[i+1], ","); got != w {
			t.Errorf("row %d %q, want %q", i+1, got, w)
		}
	}
	text := mustRun(t, env, "stats", "study", "--doc", "21-KL/TW").stdout
	if !strings.Contains(text, "Đã đọc  Nghe tóm tắt  Đã học") {
		t.Errorf("table:\n%s", text)
	}
	xlsx := filepath.Join(t.TempDir(), "hoc-tap.xlsx")
	mustRun(t, env, "stats", "study", "--doc", "21-KL/TW", "--xlsx", xlsx)
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head, _ := f.GetCellValue("Học tập", "N1")
	root, _ := f.GetCellValue("Học tập", "N2")
	if head != "Đã nghe tóm tắt" || root != "3" {
		t.Errorf("workbook's last column %q = %q, want Đã nghe tóm tắt = 3", head, root)
	}
}
