package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/handlers/chat"
	"sotay/storage"
)

// A dialog row written before the engine existed (an upgrade mid-dialog) is
// answered and closed, not left to swallow every text until it expires.
func TestOldFormatDialogIsAnsweredAndClosed(t *testing.T) {
	for _, tc := range []struct{ name, step, draft, user, text string }{
		{"tim", "words", `null`, "702", "ket luan 21"},
		{"dang", "summary", `{"number":"99-KL/TW","title":"T","issuer":"I","date":"2024-03-01","kind":"ket_luan","file_id":"F"}`, "702", "Tóm tắt ngắn."},
		{"gui", "scope", `{"doc":1}`, "702", "xin chào"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, _, _ := docEnv(t)
			if _, err := e.s.DB().Exec(`INSERT INTO dialogs (telegram_user_id, name, step, draft, updated_at, expires_at)
				VALUES (702, $1, $2, $3, now(), now() + interval '1 day')`, tc.name, tc.step, tc.draft); err != nil {
				t.Fatal(err)
			}
			e.rec.reset()
			e.text(t, 702, tc.text)
			e.text(t, 702, tc.text)
			t.Logf("replies to two texts: %q; dialog still open: %q", e.rec.texts(), dialogStep(t, e.s, 702))
			if !contains(e.rec.texts(), "không còn tiếp tục được") {
				t.Errorf("no answer to %q typed in an old-format %s dialog: %q", tc.text, tc.name, e.rec.texts())
			}
			if st := dialogStep(t, e.s, 702); st != "" {
				t.Errorf("the old dialog is still open: %q", st)
			}
		})
	}
}

// Two copies of one step (a text typed mid-dialog draws the step again as a
// new message): once the newer one moved on, the older one's confirm is old.
func TestOlderCopyOfAStepDoesNotActOnTheNewerDraft(t *testing.T) {
	e, doc := pushEnv(t)
	root, cb1 := orgID(t, e.s, "ROOT"), orgID(t, e.s, "CB1")
	e.text(t, 701, "/gui")
	e.tap(t, 701, "gui", fmt.Sprintf("d:%d", doc))
	e.tap(t, 701, "gui", "c")
	e.tap(t, 701, "gui", fmt.Sprintf("t:%d", cb1))
	e.tap(t, 701, "gui", "n")
	e.tap(t, 701, "gui", "h:7")
	okCB1 := e.rec.find("gui", "ok") // message A: "Phạm vi: Chi bộ 1 ... Gửi cho N đảng viên"
	var shownA string
	for _, s := range e.rec.texts() {
		if strings.Contains(s, "Đồng chí kiểm tra lại") {
			shownA = s
		}
	}
	e.text(t, 701, "ok") // the user types: the confirm is drawn again as message B
	e.tap(t, 701, "gui", "scope")
	e.tap(t, 701, "gui", fmt.Sprintf("s:%d", root)) // on B: the whole commune
	e.tap(t, 701, "gui", "h:7")
	e.rec.reset()
	e.press(t, 701, okCB1) // the confirm of message A, which still shows CB1
	var orgs []int64
	if err := e.s.DB().Select(&orgs, `SELECT org_id FROM campaign_orgs`); err != nil {
		t.Fatal(err)
	}
	t.Logf("message A said: %q", shownA)
	t.Logf("same data pressed twice? %v; campaign orgs: %v (ROOT=%d CB1=%d)", okCB1 == e.rec.find("gui", "ok"), orgs, root, cb1)
	if len(orgs) != 0 {
		t.Errorf("the confirm of a message that showed CB1 pushed to %v", orgs)
	}
	if !contains(e.rec.texts(), "callback:Nút này thuộc một bước trước") {
		t.Errorf("got %q", e.rec.texts())
	}
}

// "🔎 Tìm lại" under search results asks in a new message: the results stay.
func TestSearchAgainKeepsTheResults(t *testing.T) {
	e, _, _ := docEnv(t)
	e.text(t, 701, "/tim ket luan")
	e.rec.reset()
	e.press(t, 701, "cmd:tim")
	asked := false
	for _, c := range e.rec.sent {
		switch m := c.(type) {
		case tgbotapi.EditMessageTextConfig:
			t.Errorf("the search results were edited away")
		case tgbotapi.MessageConfig:
			asked = asked || strings.Contains(m.Text, "Đồng chí gõ từ cần tìm")
		}
	}
	if !asked {
		t.Errorf("not asked: %q", e.rec.texts())
	}
}

// "pg" takes only the widgets of the step: forged names are not stored.
func TestForgedPageWidgetIsRefused(t *testing.T) {
	e, doc := pushEnv(t)
	e.text(t, 701, "/gui")
	e.tap(t, 701, "gui", fmt.Sprintf("d:%d", doc))
	base := e.rec.find("gui", "c")
	pre := strings.TrimSuffix(base, ":c")
	for i := 0; i < 200; i++ {
		e.press(t, 701, fmt.Sprintf("%s:pg:w%038d:1", pre, i))
	}
	var n int
	if err := e.s.DB().Get(&n, `SELECT length(draft::text) FROM dialogs WHERE telegram_user_id = 701`); err != nil {
		t.Fatal(err)
	}
	t.Logf("dialog state after 200 forged pg presses: %d bytes", n)
	if n > 1000 {
		t.Errorf("state grew to %d bytes", n)
	}
}

// A typed answer that a step refuses keeps nothing it wrote, and a refusal
// without a message is answered as any forbidden action is.
func TestRefusedTextAnswerKeepsNothing(t *testing.T) {
	e, _, _ := docEnv(t)
	type draft struct{}
	d := &chat.Dialog[draft]{Name: "zz", Steps: []*chat.Step[draft]{{
		ID: "q",
		View: func(context.Context, *chat.Conv[draft]) (string, [][]tgbotapi.InlineKeyboardButton, error) {
			return "Câu hỏi?", nil, nil
		},
		Text: func(ctx context.Context, c *chat.Conv[draft], text string) error {
			if err := c.Store.GrantRole(ctx, "DV3", storage.RoleOfficer, "CB1", "test"); err != nil {
				return err
			}
			return storage.ErrForbidden // e.g. a member code outside the secretary's cell
		},
	}}}
	handlers.AddForTest(e.h, chat.Handler{Dialog: d, Access: chat.Member})
	handlers.AddForTest(e.h, chat.Handler{Command: "zz", Access: chat.Member, Handle: func(ctx context.Context, r *chat.Request) error {
		return d.Start(ctx, r, "q", draft{})
	}})
	e.text(t, 701, "/zz")
	e.rec.reset()
	e.text(t, 701, "DV9")
	n := count(t, e.s, `SELECT count(*) FROM roles r JOIN members m ON m.id = r.member_id WHERE m.code = 'DV3' AND r.role = 'officer'`)
	t.Logf("replies: %q; officer roles written by the refused answer: %d", e.rec.texts(), n)
	if n != 0 {
		t.Errorf("a refused answer's write was committed")
	}
	if !contains(e.rec.texts(), "không có quyền") || contains(e.rec.texts(), "⚠️ \n") {
		t.Errorf("replies %q", e.rec.texts())
	}
}

// Two presses of one confirm handled at once (two replicas behind a webhook
// load balancer) push once: the dialog row is locked while a press runs.
func TestConcurrentConfirmPushesOnce(t *testing.T) {
	e, doc := pushEnv(t)
	root := orgID(t, e.s, "ROOT")
	twice := 0
	for i := 0; i < 5; i++ {
		before := count(t, e.s, `SELECT count(*) FROM campaigns`)
		e.text(t, 701, "/gui")
		e.tap(t, 701, "gui", fmt.Sprintf("d:%d", doc))
		e.tap(t, 701, "gui", fmt.Sprintf("s:%d", root))
		a := strings.Replace(e.rec.find("gui", "h:0"), ":h:0", ":a", 1)
		e.press(t, 701, a) // resend to all
		e.tap(t, 701, "gui", "h:0")
		ok := e.rec.find("gui", "ok")
		var wg sync.WaitGroup
		for j := 0; j < 2; j++ {
			e.id++
			u := tgbotapi.Update{UpdateID: e.id, CallbackQuery: &tgbotapi.CallbackQuery{
				ID: "cb", From: &tgbotapi.User{ID: 701}, Data: ok,
				Message: &tgbotapi.Message{MessageID: 1, Chat: &tgbotapi.Chat{ID: 701, Type: "private"}},
			}}
			wg.Add(1)
			go func() { defer wg.Done(); _ = e.h.HandleUpdate(context.Background(), u) }()
		}
		wg.Wait()
		if count(t, e.s, `SELECT count(*) FROM campaigns`)-before == 2 {
			twice++
		}
	}
	if twice > 0 {
		t.Logf("runs in which one confirm made two campaigns: %d/5", twice)
		t.Errorf("a double press pushed twice")
	}
}
