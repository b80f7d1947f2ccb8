package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// alertsEnv is storagetest's RulesCommune on 20/11/2026 with A1 (901)
// secretary of CA, C1 (902) secretary of CC, B1 (903) officer of the
// commune and A2 (904) a plain member.
func alertsEnv(t *testing.T) (*env, storagetest.RulesCommune) {
	t.Helper()
	c := storagetest.NewRulesCommune(t)
	e := &env{s: c.S, rec: &recorder{}, files: memFiles{}, id: 9000}
	e.h = handlers.New(handlers.Deps{Store: c.S, Sender: e.rec, BotUsername: "sotay_test_bot", Files: e.files,
		Now: c.Clock.Now, Location: storagetest.Local, SupervisionTarget: 30})
	for code, user := range map[string]int64{"A1": 901, "C1": 902, "B1": 903, "A2": 904} {
		e.link(t, code, user)
	}
	storagetest.MustGrant(t, c.S, "A1", storage.RoleSecretary, "CA")
	storagetest.MustGrant(t, c.S, "C1", storage.RoleSecretary, "CC")
	storagetest.MustGrant(t, c.S, "B1", storage.RoleOfficer, "ROOT")
	return e, c
}

func TestAlertsCommandForASecretary(t *testing.T) {
	e, _ := alertsEnv(t)
	e.text(t, 902, "/canhbao")
	e.lastHas(t, "Cảnh báo ngày 20/11/2026</b>: 5 cảnh báo\n", "<b>Chi bộ Tiểu học</b> (CC) — 5 cảnh báo",
		"<i>Sinh hoạt chuyên đề mỗi quý</i>\n• Chưa có buổi sinh hoạt chuyên đề nào trong quý III/2026\n→ Tổ chức sinh hoạt chuyên đề",
		"• Trần Thị Bình (C2): vắng 3 buổi sinh hoạt thường kỳ liền: 12/06/2026, 15/09/2026, 12/11/2026\n→ Chi bộ gặp gỡ",
		"• Nguyễn Văn An (C1): chưa học văn bản 21-KL/TW, hạn 31/10/2026")
	if strings.Contains(e.last(), "Pa Cheo") {
		t.Fatalf("another cell's warnings: %s", e.last())
	}
}

// An officer's warnings run over pages; every warning is on exactly one
// page, every page fits a message, and the buttons walk them both ways.
func TestAlertsCommandPagesForAnOfficer(t *testing.T) {
	e, c := alertsEnv(t)
	ctx := context.Background()
	as, err := c.S.Alerts(ctx, storage.AlertQuery{On: c.Clock.Now(), CoverageTarget: 30})
	if err != nil || len(as) != 20 {
		t.Fatalf("%d alerts, %v", len(as), err)
	}
	e.text(t, 903, "/canhbao")
	first := e.last()
	if !strings.Contains(first, "Cảnh báo ngày 20/11/2026</b>: 20 cảnh báo ở 2 tổ chức") {
		t.Fatalf("first page %q", first)
	}
	pages := []string{first}
	for data := e.rec.buttons()["Sau ▶"]; data != ""; data = e.rec.buttons()["Sau ▶"] {
		e.rec.reset()
		e.press(t, 903, data)
		pages = append(pages, e.last())
		if len(pages) > 10 {
			t.Fatal("the pages never end")
		}
	}
	if len(pages) < 2 {
		t.Fatalf("one page for 20 warnings with advice:\n%s", first)
	}
	all := strings.Join(pages, "\n")
	for _, p := range pages {
		if n := utf8.RuneCountInString(p); n > handlers.MaxMessageLen {
			t.Errorf("a page of %d characters", n)
		}
	}
	for _, want := range []string{"Chi bộ bản Pa Cheo Thượng", "Chi bộ Tiểu học", "Lê Văn Chuyển (M1): vắng sinh hoạt thường kỳ không có lý do 3 tháng",
		"Năm 2026 chi bộ mới giám sát, kiểm tra 1 lượt đảng viên, chỉ tiêu 2 (30 % của 5 đảng viên) (hạn 31/12/2026)"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in the pages:\n%s", want, all)
		}
	}
	if got := strings.Count(all, "\n• "); got != 20 {
		t.Errorf("%d warnings over %d pages, want 20:\n%s", got, len(pages), all)
	}
	back := e.rec.buttons()["◀ Trước"]
	e.rec.reset()
	e.press(t, 903, back)
	if e.last() != pages[len(pages)-2] {
		t.Errorf("back from the last page:\n%s\nwant\n%s", e.last(), pages[len(pages)-2])
	}
}

func TestAlertsCommandStaysInScope(t *testing.T) {
	e, c := alertsEnv(t)
	e.replyTo(t, 902, "/canhbao CA", "chỉ xem được cảnh báo của tổ chức mình phụ trách")
	e.replyToPress(t, 902, handlers.CallbackData("cbao", 0, c.Orgs["CA"]), "chỉ xem được cảnh báo của tổ chức mình phụ trách")
	e.replyTo(t, 902, "/canhbao XYZ", "Không có tổ chức mã XYZ")
	e.replyTo(t, 903, "/canhbao cc", "Chi bộ Tiểu học</b> (CC) — 5 cảnh báo")
	e.rec.reset()
	e.text(t, 904, "/canhbao")
	if contains(e.rec.texts(), "Cảnh báo ngày") {
		t.Fatalf("a plain member read warnings: %q", e.rec.texts())
	}
	// A day without warnings says so.
	c.Clock.Set(time.Date(2026, 1, 5, 9, 0, 0, 0, storagetest.Local))
	storagetest.MustGrant(t, c.S, "A2", storage.RoleSecretary, "CB")
	e.replyTo(t, 904, "/canhbao", "không có cảnh báo nào")
}

func TestDigestMessage(t *testing.T) {
	week := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	since := week.AddDate(0, 0, -7)
	alert := func(org int64, rule, period, member, detail string) storage.Alert {
		return storage.Alert{OrgID: org, OrgCode: fmt.Sprintf("CB%d", org), OrgName: fmt.Sprintf("Chi bộ số %d", org), Rule: rule, Period: period,
			MemberCode: member, MemberName: "Lò Văn " + member, Detail: detail, Due: week}
	}
	t.Run("ACellNamesWhatIsNew", func(t *testing.T) {
		d := storage.Digest{Cells: true, Week: week, Since: &since, New: []bool{false, true, false},
			Alerts: []storage.Alert{
				alert(1, storage.RuleMonthlyMeeting, "2026-10", "", "Chưa có báo cáo sinh hoạt thường kỳ tháng 10/2026"),
				alert(1, storage.RuleAbsentNoReason, "2026-11-05", "DV7", "Vắng không có lý do tại buổi sinh hoạt thường kỳ ngày 05/11/2026"),
				alert(1, storage.RuleStudyOverdue, "2026-10-31", "DV8", "21-KL/TW"),
			}}
		text, markup := handlers.DigestMessage(d)
		for _, want := range []string{"Cảnh báo đầu tuần — 23/11/2026", "Có 3 cảnh báo, 1 mới so với bản tin ngày 16/11/2026.",
			"<b>Cảnh báo mới</b>\n• Lò Văn DV7 (DV7): vắng không có lý do", "Còn 2 cảnh báo từ các tuần trước chưa được khắc phục.", "/canhbao"} {
			if !strings.Contains(text, want) {
				t.Errorf("no %q in\n%s", want, text)
			}
		}
		if strings.Contains(text, "tháng 10/2026") || markup == nil {
			t.Errorf("an old warning named, or no button:\n%s", text)
		}
	})
	t.Run("AnOfficerGetsALinePerOrganisationWithinOneMessage", func(t *testing.T) {
		d := storage.Digest{Week: week, Since: &since}
		for org := int64(1); org <= 400; org++ {
			for i := 0; i < 3; i++ {
				d.Alerts = append(d.Alerts, alert(org, storage.RuleStudyOverdue, "2026-10-31", fmt.Sprintf("DV%d", i), "21-KL/TW"))
				d.New = append(d.New, i == 0)
			}
		}
		text, _ := handlers.DigestMessage(d)
		if n := utf8.RuneCountInString(text); n > handlers.MaxMessageLen {
			t.Fatalf("%d characters", n)
		}
		for _, want := range []string{"Có 1200 cảnh báo ở 400 tổ chức, 400 mới so với bản tin ngày 16/11/2026.", "• Chi bộ số 1: 3 (1 mới)\n",
			"tổ chức khác với", "/canhbao"} {
			if !strings.Contains(text, want) {
				t.Errorf("no %q in\n%s", want, text)
			}
		}
	})
}
