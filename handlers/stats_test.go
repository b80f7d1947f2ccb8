package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/xuri/excelize/v2"

	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// statsEnv is storagetest's StatsCommune with A1 (801) officer of the
// commune, B1 (802) officer of DB1, C1 (803) secretary of CB3 and C2
// (804) a plain member.
type statsEnv struct {
	*env
	c storagetest.StatsCommune
}

func newStatsEnv(t *testing.T) *statsEnv {
	t.Helper()
	c := storagetest.NewStatsCommune(t)
	e := &statsEnv{env: &env{s: c.S, rec: &recorder{}, files: memFiles{}, id: 8000}, c: c}
	e.h = handlers.New(handlers.Deps{Store: c.S, Sender: e.rec, BotUsername: "sotay_test_bot", Files: e.files,
		Now: func() time.Time { return *c.Now }, Location: c.Loc})
	ctx := context.Background()
	for code, user := range map[string]int64{"A1": 801, "B1": 802, "C1": 803, "C2": 804} {
		e.link(t, code, user)
	}
	for _, g := range []struct{ member, role, org string }{
		{"A1", storage.RoleOfficer, "ROOT"}, {"B1", storage.RoleOfficer, "DB1"}, {"C1", storage.RoleSecretary, "CB3"},
	} {
		if err := c.S.GrantRole(ctx, g.member, g.role, g.org, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// last is the newest text sent.
func (e *statsEnv) sentOfType(t *testing.T, want string) [][]byte {
	t.Helper()
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	var out [][]byte
	for _, c := range e.rec.sent {
		switch m := c.(type) {
		case tgbotapi.DocumentConfig:
			if want == "document" {
				out = append(out, m.File.(tgbotapi.FileBytes).Bytes)
			}
		case tgbotapi.PhotoConfig:
			if want == "photo" {
				out = append(out, m.File.(tgbotapi.FileBytes).Bytes)
			}
		}
	}
	return out
}

// photoCaptions are the captions of the photos sent.
func (e *statsEnv) photoCaptions() []string {
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	var out []string
	for _, c := range e.rec.sent {
		if p, ok := c.(tgbotapi.PhotoConfig); ok {
			out = append(out, p.Caption)
		}
	}
	return out
}

func TestStatsOfficerStudyChartAndExcel(t *testing.T) {
	e := newStatsEnv(t)
	e.text(t, 801, "/thongke")
	e.tap(t, 801, "tk", "t:h")
	if !strings.Contains(e.last(), "Phạm vi thống kê: <b>Đảng bộ xã</b>") {
		t.Fatalf("scope step: %s", e.last())
	}
	e.tap(t, 801, "tk", "ok")
	e.tap(t, 801, "tk", fmt.Sprintf("d:%d", e.c.Docs["21-KL/TW"]))
	got := e.last()
	wantAll(t, got,
		"Học tập Kết luận số 21-KL/TW</b> — Đảng bộ xã",
		"Tỷ lệ học tập: <b>66,7 %</b> (4/6 đảng viên), trực tuyến 50,0 %.",
		"• Chi bộ Mầm non: 0,0 % (0/1), trực tuyến 0,0 % — còn 1 đồng chí chưa học\n• Chi bộ bản Nậm Đích: 50,0 % (1/2), trực tuyến 50,0 % — còn 1 đồng chí chưa học\n• Đảng bộ Trường học: 75,0 % (3/4)",
		"Chi bộ Thôn cũ: 100,0 % (1/1), trực tuyến 100,0 % (đã giải thể)",
	)
	e.rec.reset()
	e.tap(t, 801, "tk", "c")
	photos := e.sentOfType(t, "photo")
	if len(photos) != 1 {
		t.Fatalf("%d photos", len(photos))
	}
	img, err := png.Decode(bytes.NewReader(photos[0]))
	if err != nil || img.Bounds().Dx() != 720 {
		t.Fatalf("chart: %v %v", err, img)
	}
	e.tap(t, 801, "tk", "xl")
	f := e.xlsxSent(t)
	defer f.Close()
	if v, _ := f.GetCellValue("Học tập", "L2"); v != "66.7" {
		t.Errorf("Học tập!L2 = %q", v)
	}
	if v, _ := f.GetCellValue("Chưa học", "C2"); v != "Sùng A Páo" {
		t.Errorf("Chưa học!C2 = %q", v)
	}
}

func TestStatsSecretaryNamesTheirMembers(t *testing.T) {
	e := newStatsEnv(t)
	e.text(t, 803, "/thongke")
	e.tap(t, 803, "tk", "t:h") // one cell: no scope step
	e.tap(t, 803, "tk", fmt.Sprintf("d:%d", e.c.Docs["21-KL/TW"]))
	got := e.last()
	wantAll(t, got, "— Chi bộ bản Nậm Đích", "Tỷ lệ học tập: <b>50,0 %</b> (1/2 đảng viên)", "<b>Chưa học (1):</b>\n• Sùng A Páo (C2) — không liên lạc được")
	if strings.Contains(got, "Mầm non") || strings.Contains(got, "Lò Văn An") {
		t.Errorf("outside the cell:\n%s", got)
	}
}

func TestStatsScopeRefusesForgedOrganisations(t *testing.T) {
	e := newStatsEnv(t)
	e.text(t, 802, "/thongke")
	e.tap(t, 802, "tk", "t:s")
	if !strings.Contains(e.last(), "<b>Đảng bộ Trường học</b>") || strings.Contains(e.last(), "⬆") {
		t.Fatalf("scope step: %s", e.last())
	}
	// A modified client names organisations outside DB1 with this very
	// drawing's intent.
	data := e.rec.find("tk", fmt.Sprintf("o:%d", e.c.Orgs["CB1"]))
	if data == "" {
		t.Fatalf("no CB1 button in %q", e.rec.data)
	}
	for _, code := range []string{"ROOT", "CB3", "CB5"} {
		e.rec.reset()
		e.press(t, 802, strings.Replace(data, fmt.Sprintf("o:%d", e.c.Orgs["CB1"]), fmt.Sprintf("o:%d", e.c.Orgs[code]), 1))
		for _, s := range e.rec.texts() {
			if strings.Contains(s, "Đảng bộ xã") || strings.Contains(s, "Nậm Đích") || strings.Contains(s, "Tân Lập") {
				t.Errorf("forged %s shows %q", code, s)
			}
		}
	}
	e.tap(t, 802, "tk", "ok")
	e.tap(t, 802, "tk", "m:202610")
	got := e.last()
	wantAll(t, got, "Sinh hoạt chi bộ tháng 10/2026</b> — Đảng bộ Trường học", "Đã sinh hoạt thường kỳ: <b>1/3</b> chi bộ",
		"Tỷ lệ đảng viên dự họp: <b>100,0 %</b> (2/2 lượt).", "<b>Chưa báo cáo sinh hoạt thường kỳ (2):</b>\n• Chi bộ Mầm non\n• Chi bộ Thôn cũ")
	if strings.Contains(got, "Pà Pao") || strings.Contains(got, "Đảng bộ xã") {
		t.Errorf("outside DB1:\n%s", got)
	}
	t.Run("MeetingsChart", func(t *testing.T) {
		e.rec.reset()
		e.tap(t, 802, "tk", "c")
		if len(e.sentOfType(t, "photo")) != 1 {
			t.Fatal("no chart")
		}
		// The chart's title says once what it shows: six months, whose.
		if got, want := e.photoCaptions(), []string{"📈 Sinh hoạt thường kỳ 5/2026 – 10/2026 — Đảng bộ Trường học"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("captions %q, want %q", got, want)
		}
	})
}

func TestStatsSummaryAndSupervision(t *testing.T) {
	e := newStatsEnv(t)
	e.text(t, 801, "/thongke")
	e.tap(t, 801, "tk", "t:t")
	e.tap(t, 801, "tk", "ok")
	e.text(t, 801, "31/11/2026")
	if !strings.Contains(e.last(), "không phải ngày") {
		t.Errorf("bad date: %s", e.last())
	}
	e.text(t, 801, "01/09/2026 - 30/11/2026")
	got := e.last()
	wantAll(t, got, "Tổng hợp</b> — Đảng bộ xã", "Từ 01/09/2026 đến 30/11/2026, Đảng ủy đã thực hiện 01 cuộc kiểm tra, 01 cuộc giám sát",
		"3/5 chi bộ duy trì sinh hoạt thường kỳ hằng tháng", "tính cả học tập trực tiếp tại chi bộ đạt 69,2 %")
	e.rec.reset()
	e.tap(t, 801, "tk", "xl")
	f := e.xlsxSent(t)
	if got := strings.Join(f.GetSheetList(), "|"); got != "Tổng hợp|Học tập|Chưa học|Sinh hoạt|Kiểm tra, giám sát" {
		t.Errorf("sheets %s", got)
	}
	f.Close()

	e.tap(t, 801, "tk", "new")
	e.tap(t, 801, "tk", "t:k")
	e.tap(t, 801, "tk", "ok")
	e.tap(t, 801, "tk", "p:t") // since 01/07/2026, today 01/12/2026
	got = e.last()
	wantAll(t, got, "Kiểm tra, giám sát từ 01/07/2026 đến nay</b> — Đảng bộ xã", "Tổng: <b>05 kiểm tra, 02 giám sát; 15 tổ chức đảng, 12 đảng viên; 02 vi phạm</b>.",
		"• Đảng ủy: 02 kiểm tra, 01 giám sát; 09 tổ chức đảng, 03 đảng viên; 01 vi phạm.", "• Ủy ban Kiểm tra Đảng ủy: 01 kiểm tra, 00 giám sát;",
		"• Đảng bộ Trường học: 02 kiểm tra, 01 giám sát; 03 tổ chức đảng, 05 đảng viên; 00 vi phạm.", "2 tổ chức trực thuộc chưa báo cáo")
}

func TestStatsAnswersAreShortAndPaged(t *testing.T) {
	e := newStatsEnv(t)
	ctx := context.Background()
	// Forty more cells make the committee's answer long.
	var orgs []storage.OrgInput
	for i := range 40 {
		orgs = append(orgs, storage.OrgInput{Line: i + 2, Code: fmt.Sprintf("X%02d", i), Name: fmt.Sprintf("Chi bộ bản Nậm Đích số %02d", i), Kind: storage.KindChiBo, ParentCode: "ROOT"})
	}
	storagetest.MustImport(t, e.s, orgs, nil)
	_ = ctx
	e.text(t, 801, "/thongke")
	e.tap(t, 801, "tk", "t:s")
	e.tap(t, 801, "tk", "ok")
	e.tap(t, 801, "tk", "m:202611")
	first := e.last()
	if !strings.Contains(first, "Trang 1/") {
		t.Fatalf("not paged:\n%s", first)
	}
	pages := 1
	for strings.Contains(e.last(), "▶") || e.rec.find("tk", fmt.Sprintf("n:%d", pages)) != "" {
		if n := utf8.RuneCountInString(e.last()); n >= 1000 {
			t.Errorf("page %d has %d characters", pages, n)
		}
		data := e.rec.find("tk", fmt.Sprintf("n:%d", pages))
		if data == "" {
			break
		}
		e.press(t, 801, data)
		pages++
		if pages > 10 {
			t.Fatal("too many pages")
		}
	}
	if pages < 2 || !strings.Contains(e.last(), fmt.Sprintf("Trang %d/%d", pages, pages)) {
		t.Errorf("%d pages, last:\n%s", pages, e.last())
	}
}

func TestStatsNeedsARole(t *testing.T) {
	e := newStatsEnv(t)
	e.text(t, 804, "/thongke")
	if e.rec.find("tk", "t:h") != "" {
		t.Fatalf("a plain member got the statistics: %q", e.rec.texts())
	}
}

// wantAll reports every one of wants that is not in got.
func wantAll(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
}

// xlsxSent opens the one Excel file the bot sent since the last reset.
func (e *statsEnv) xlsxSent(t *testing.T) *excelize.File {
	t.Helper()
	docs := e.sentOfType(t, "document")
	if len(docs) != 1 {
		t.Fatalf("%d documents; sent %q", len(docs), e.rec.texts())
	}
	f, err := excelize.OpenReader(bytes.NewReader(docs[0]))
	if err != nil {
		t.Fatal(err)
	}
	return f
}
