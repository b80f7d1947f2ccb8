package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// dialogStep is the step of a user's open dialog, "" when none is open.
func dialogStep(t *testing.T, s *storage.Storage, user int64) string {
	t.Helper()
	d, err := s.Dialog(context.Background(), user)
	if storage.ErrorCode(err) == storage.CodeNotFound {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return d.Name + "/" + d.Step
}

// forge makes the data of a button the bot never sent: the dialog's own
// prefix and intent with another action, as a modified client could.
func forge(t *testing.T, e *env, dialog, seen, action string) string {
	t.Helper()
	data := e.rec.find(dialog, seen)
	if data == "" {
		t.Fatalf("no %s button %q sent", dialog, seen)
	}
	parts := strings.SplitN(data, ":", 3)
	return parts[0] + ":" + parts[1] + ":" + action
}

func TestStaleButtonsChangeNothing(t *testing.T) {
	e, doc := pushEnv(t)
	ctx := context.Background()
	cb1 := orgID(t, e.s, "ROOT") // the whole commune
	// pick opens /gui and picks the document and CB1: step "due".
	pick := func(t *testing.T) {
		t.Helper()
		e.text(t, 701, "/gui")
		e.tap(t, 701, "gui", fmt.Sprintf("d:%d", doc))
		e.tap(t, 701, "gui", fmt.Sprintf("s:%d", cb1))
	}
	// pressToasts presses data as the admin (701) and wants a toast saying want.
	pressToasts := func(t *testing.T, data, want string) {
		t.Helper()
		e.rec.reset()
		e.press(t, 701, data)
		for _, got := range e.rec.texts() {
			if strings.HasPrefix(got, "callback:") && strings.Contains(got, want) {
				return
			}
		}
		t.Fatalf("want toast %q, got %q", want, e.rec.texts())
	}
	campaignsAre := func(t *testing.T, want int) {
		t.Helper()
		if n := count(t, e.s, `SELECT count(*) FROM campaigns`); n != want {
			t.Fatalf("%d campaigns", n)
		}
	}
	stepIs := func(t *testing.T, want string) {
		t.Helper()
		if got := dialogStep(t, e.s, 701); got != want {
			t.Fatalf("step %q", got)
		}
	}
	pick(t)
	stepIs(t, "gui/due")

	t.Run("ConfirmOfALaterStepDoesNotPush", func(t *testing.T) {
		pressToasts(t, forge(t, e, "gui", "h:7", "ok"), "Nút này thuộc một bước trước")
		campaignsAre(t, 0)
		stepIs(t, "gui/due")
	})
	t.Run("ButtonOfAnEarlierStepDoesNothing", func(t *testing.T) {
		pressToasts(t, e.rec.find("gui", fmt.Sprintf("d:%d", doc)), "Nút này thuộc một bước trước")
		stepIs(t, "gui/due")
	})
	t.Run("ButtonOfAnEarlierRunDoesNothing", func(t *testing.T) {
		old := e.rec.find("gui", "h:7")
		pick(t) // a new run: a new intent
		pressToasts(t, old, "Thao tác gửi văn bản này đã xong hoặc đã hết hạn")
		stepIs(t, "gui/due")
	})
	t.Run("ButtonOfAnotherDialogDoesNothing", func(t *testing.T) {
		pressToasts(t, strings.Replace(forge(t, e, "gui", "h:7", "ok"), "gui:", "dang:", 1), "Thao tác này đã xong hoặc đã hủy.")
		stepIs(t, "gui/due")
	})
	t.Run("ConfirmAfterCancelDoesNotPush", func(t *testing.T) {
		e.tap(t, 701, "gui", "h:7")
		ok := e.rec.find("gui", "ok")
		e.text(t, 701, "/huy")
		if got := dialogStep(t, e.s, 701); got != "" {
			t.Fatalf("dialog %q after /huy", got)
		}
		pressToasts(t, ok, "đã xong hoặc đã hết hạn")
		campaignsAre(t, 0)
	})
	t.Run("ConfirmOfAnExpiredDialogDoesNotPush", func(t *testing.T) {
		pick(t)
		e.tap(t, 701, "gui", "h:7")
		if _, err := e.s.DB().ExecContext(ctx, `UPDATE dialogs SET expires_at = now() - interval '1 minute'`); err != nil {
			t.Fatal(err)
		}
		pressToasts(t, e.rec.find("gui", "ok"), "đã xong hoặc đã hết hạn")
		campaignsAre(t, 0)
	})
	t.Run("ConfirmPressedTwicePushesOnce", func(t *testing.T) {
		pick(t)
		e.tap(t, 701, "gui", "h:0")
		ok := e.tap(t, 701, "gui", "ok")
		pressToasts(t, ok, "đã xong hoặc đã hết hạn")
		campaignsAre(t, 1)
	})
	t.Run("PublishConfirmOfAnEarlierStepDoesNotPublish", func(t *testing.T) {
		e.sendFile(t, 701, "/dang 97-KL/TW | Kết luận thử | Tỉnh ủy | 01/03/2024")
		pressToasts(t, forge(t, e, "dang", "k:ket_luan", "ok"), "Nút này thuộc một bước trước")
		if _, err := e.s.DocumentByNumber(ctx, "97-KL/TW", ""); storage.ErrorCode(err) != storage.CodeNotFound {
			t.Fatalf("published: %v", err)
		}
		e.text(t, 701, "/huy")
	})
}

func TestImportChoiceStaleAfterCancel(t *testing.T) {
	e := adminEnv(t, 801)
	csv := "code,full_name,org_code\nDV9,Vừ A Dính,CB1\nDV10,Không Tổ,NOPE\n"
	e.sendDocument(t, 801, "ds.csv", csv, "/nhap")
	ok := e.rec.find("nhap", "ok")
	if ok == "" {
		t.Fatalf("no choice offered: %q", e.rec.texts())
	}
	e.tap(t, 801, "nhap", "x")
	e.replyToPress(t, 801, ok, "callback:Lựa chọn này đã xong hoặc đã hết hiệu lực.")
	if _, err := e.s.Member(context.Background(), "DV9"); storage.ErrorCode(err) != storage.CodeNotFound {
		t.Fatalf("imported after cancel: %v", err)
	}
}

func TestWrongAnswerAsksTheSameStepWithItsButtons(t *testing.T) {
	e, _, _ := docEnv(t)
	e.sendFile(t, 702, "/dang 96-KL/TW | Kết luận thử | Tỉnh ủy | 01/03/2024")
	e.tap(t, 702, "dang", "k:ket_luan")
	e.rec.reset()
	e.text(t, 702, strings.Repeat("dài ", storage.MaxSummaryLen))
	got := e.rec.texts()
	if !contains(got, "⚠️ Tóm tắt dài") || !contains(got, "Bước 2/3") {
		t.Fatalf("got %q", got)
	}
	if e.rec.buttons()["⏭ Bỏ qua"] == "" {
		t.Fatalf("the question came back without its buttons: %v", e.rec.buttons())
	}
	if st := dialogStep(t, e.s, 702); st != "dang/summary" {
		t.Fatalf("step %q", st)
	}
	// The right answer goes on from there.
	e.text(t, 702, "Tóm tắt ngắn.")
	e.said(t, "Tóm tắt: Tóm tắt ngắn.")
}

func TestDialogSurvivesARestart(t *testing.T) {
	e, doc := pushEnv(t)
	e.text(t, 701, "/gui")
	e.tap(t, 701, "gui", fmt.Sprintf("d:%d", doc))
	// A new Handlers over the same database is what a restart gives.
	e.h = newHandlers(e)
	e.tap(t, 701, "gui", "c")
	e.said(t, "đã chọn 0")
}

// A dialog left for a day expires: the next message is not taken as its
// answer, and the user is told why, once.
func TestExpiredDialogAnsweredPolitely(t *testing.T) {
	e := newEnv(t)
	e.link(t, "DV1", 801)
	e.text(t, 801, "/tim")
	if got := dialogStep(t, e.s, 801); got != "tim/words" {
		t.Fatalf("step %q", got)
	}
	if _, err := e.s.DB().Exec(`UPDATE dialogs SET expires_at = now() - interval '1 minute' WHERE telegram_user_id = 801`); err != nil {
		t.Fatal(err)
	}
	e.rec.reset()
	e.text(t, 801, "kết luận 21")
	got := strings.Join(e.rec.texts(), "\n")
	if !strings.Contains(got, "quá 24 giờ nên đã hết hạn") || strings.Contains(got, "Kết quả cho") {
		t.Fatalf("answer %q", got)
	}
	e.rec.reset()
	e.text(t, 801, "kết luận 21")
	if got := strings.Join(e.rec.texts(), "\n"); strings.Contains(got, "hết hạn") {
		t.Fatalf("said twice: %q", got)
	}
}

// TestOneCancelLabel: the button that leaves a dialog has one label in
// every dialog (chat.LabelCancel), and no other button leaves one. The
// tour opens the dialogs that had labels of their own.
func TestOneCancelLabel(t *testing.T) {
	e, doc := pushEnv(t) // DV1 (701) admin over ROOT
	storagetest.MustGrant(t, e.s, "DV2", storage.RoleSecretary, "CB1")
	e.sendFile(t, 701, "/dang 95-KL/TW | Kết luận thử | Tỉnh ủy | 01/03/2024")
	e.tap(t, 701, "dang", "k:ket_luan")
	e.tap(t, 701, "dang", "skip")
	e.text(t, 701, "/gui")
	e.tap(t, 701, "gui", fmt.Sprintf("d:%d", doc))
	e.tap(t, 701, "gui", "c")
	e.sendDocument(t, 701, "dv.csv", "code,full_name,org_code\nDV9,Lò Văn Chín,CB1\nDV10,,CB1\n", "/nhap")
	e.text(t, 702, "/sinhhoat 20/11/2026; thường kỳ")
	e.text(t, 702, "/lichhop")
	e.text(t, 702, "/thongke")

	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	leaves, dialogs := map[string]bool{}, map[string]bool{}
	for _, kb := range keyboardsOf(e.rec.sent) {
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if b.CallbackData == nil {
					continue
				}
				parts := strings.Split(*b.CallbackData, ":")
				if len(parts) >= 3 && parts[2] == chat.ActCancel {
					leaves[b.Text] = true
					dialogs[parts[0]] = true
				}
			}
		}
	}
	for _, d := range []string{"dang", "gui", "nhap", "sh", "lhd", "tk"} {
		if !dialogs[d] {
			t.Errorf("the tour saw no cancel button of %q (saw %v)", d, dialogs)
		}
	}
	if len(leaves) != 1 || !leaves[chat.LabelCancel] {
		t.Fatalf("cancel buttons labelled %v", leaves)
	}
}
