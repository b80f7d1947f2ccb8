package handlers_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// recorder is a Sender that keeps what the handlers sent.
type recorder struct {
	mu   sync.Mutex
	sent []tgbotapi.Chattable
	// failEdits makes every edit fail as Telegram does for a deleted message.
	failEdits bool
	// data is the callback data of every button ever sent, newest last;
	// reset keeps it, so a test can press a button sent before.
	data []string
	// refuse, when set, says why Telegram would refuse a request (nil: it
	// is sent).
	refuse func(tgbotapi.Chattable) error
}

// keyboards are the inline keyboards of every message and edit sent.
func (r *recorder) keyboards() []tgbotapi.InlineKeyboardMarkup {
	r.mu.Lock()
	defer r.mu.Unlock()
	return keyboardsOf(r.sent)
}

// edits are the text edits among sent.
func edits(sent []tgbotapi.Chattable) []tgbotapi.EditMessageTextConfig {
	var out []tgbotapi.EditMessageTextConfig
	for _, c := range sent {
		if m, ok := c.(tgbotapi.EditMessageTextConfig); ok {
			out = append(out, m)
		}
	}
	return out
}

func keyboardsOf(sent []tgbotapi.Chattable) []tgbotapi.InlineKeyboardMarkup {
	var out []tgbotapi.InlineKeyboardMarkup
	for _, c := range sent {
		switch m := c.(type) {
		case tgbotapi.MessageConfig:
			if kb, ok := m.ReplyMarkup.(tgbotapi.InlineKeyboardMarkup); ok {
				out = append(out, kb)
			}
		case tgbotapi.EditMessageTextConfig:
			if m.ReplyMarkup != nil {
				out = append(out, *m.ReplyMarkup)
			}
		case tgbotapi.EditMessageReplyMarkupConfig:
			if m.ReplyMarkup != nil {
				out = append(out, *m.ReplyMarkup)
			}
		}
	}
	return out
}

// buttons returns the callback data of every inline button sent, by label.
func (r *recorder) buttons() map[string]string {
	out := map[string]string{}
	for _, kb := range r.keyboards() {
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if b.CallbackData != nil {
					out[b.Text] = *b.CallbackData
				}
			}
		}
	}
	return out
}

// buttonLabels returns the labels of the inline buttons of every message
// and edit sent.
func (r *recorder) buttonLabels() []string {
	var out []string
	for _, kb := range r.keyboards() {
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				out = append(out, b.Text)
			}
		}
	}
	return out
}

func (r *recorder) Send(_ context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := c.(tgbotapi.EditMessageTextConfig); ok && r.failEdits {
		return tgbotapi.Message{}, &tgbotapi.Error{Code: 400, Message: "Bad Request: message to edit not found"}
	}
	if r.refuse != nil {
		if err := r.refuse(c); err != nil {
			return tgbotapi.Message{}, err
		}
	}
	r.sent = append(r.sent, c)
	for _, kb := range keyboardsOf([]tgbotapi.Chattable{c}) {
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if b.CallbackData != nil {
					r.data = append(r.data, *b.CallbackData)
				}
			}
		}
	}
	return tgbotapi.Message{MessageID: len(r.sent)}, nil
}

func (r *recorder) Request(ctx context.Context, c tgbotapi.Chattable) error {
	_, err := r.Send(ctx, c)
	return err
}

// texts returns the text of every message and edit sent.
func (r *recorder) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, c := range r.sent {
		switch m := c.(type) {
		case tgbotapi.MessageConfig:
			out = append(out, m.Text)
		case tgbotapi.EditMessageTextConfig:
			out = append(out, m.Text)
		case tgbotapi.CallbackConfig:
			if m.Text != "" {
				out = append(out, "callback:"+m.Text)
			}
		}
	}
	return out
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.sent = nil
	r.mu.Unlock()
}

type env struct {
	s     *storage.Storage
	h     *handlers.Handlers
	rec   *recorder
	files memFiles
	id    int
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := storagetest.NewCommune(t)
	e := &env{s: s, rec: &recorder{}, files: memFiles{}, id: 1000}
	e.h = newHandlers(e)
	return e
}

// newHandlers builds the handlers over the env's database, as a restart of
// the bot would.
func newHandlers(e *env) *handlers.Handlers {
	return handlers.New(handlers.Deps{Store: e.s, Sender: e.rec, BotUsername: "sotay_test_bot", Files: e.files})
}

// memFiles serves the files the test sent, by file id.
type memFiles map[string][]byte

func (m memFiles) Download(_ context.Context, fileID string) ([]byte, error) {
	b, ok := m[fileID]
	if !ok {
		return nil, fmt.Errorf("no file %q", fileID)
	}
	return b, nil
}

// sendDocument sends a file with a caption, as Telegram delivers it.
func (e *env) sendDocument(t *testing.T, user int64, name, content, caption string) {
	t.Helper()
	e.id++
	id := fmt.Sprintf("FILE%d", e.id)
	e.files[id] = []byte(content)
	u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
		MessageID: e.id, From: &tgbotapi.User{ID: user, FirstName: "U"},
		Chat:     &tgbotapi.Chat{ID: user, Type: "private"},
		Document: &tgbotapi.Document{FileID: id, FileName: name, MimeType: "text/csv"},
		Caption:  caption,
	}}
	if err := e.h.HandleUpdate(context.Background(), u); err != nil {
		t.Fatalf("handle file: %v", err)
	}
}

func (e *env) text(t *testing.T, user int64, text string) tgbotapi.Update {
	t.Helper()
	e.id++
	u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
		MessageID: e.id, From: &tgbotapi.User{ID: user, FirstName: "U"},
		Chat: &tgbotapi.Chat{ID: user, Type: "private"}, Text: text,
	}}
	if strings.HasPrefix(text, "/") {
		n := strings.IndexByte(text+" ", ' ')
		u.Message.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: n}}
	}
	if err := e.h.HandleUpdate(context.Background(), u); err != nil {
		t.Fatalf("handle %q: %v", text, err)
	}
	return u
}

func (e *env) press(t *testing.T, user int64, data string) {
	t.Helper()
	e.id++
	u := tgbotapi.Update{UpdateID: e.id, CallbackQuery: &tgbotapi.CallbackQuery{
		ID: "cb", From: &tgbotapi.User{ID: user}, Data: data,
		Message: &tgbotapi.Message{MessageID: 1, Chat: &tgbotapi.Chat{ID: user, Type: "private"}},
	}}
	if err := e.h.HandleUpdate(context.Background(), u); err != nil {
		t.Fatalf("press %q: %v", data, err)
	}
}

// tap presses the newest button of a dialog whose action and arguments
// are rest ("d:12", "ok"): its data is "<dialog>:<intent>:<rest>", the
// intent being whatever the bot put there. A button that was never sent
// fails the test.
func (e *env) tap(t *testing.T, user int64, dialog, rest string) string {
	t.Helper()
	data := e.rec.find(dialog, rest)
	if data == "" {
		t.Fatalf("no %s button %q was sent; sent %q", dialog, rest, e.rec.data)
	}
	e.press(t, user, data)
	return data
}

// find is the newest callback data "<dialog>:<intent>:<rest>" sent.
func (r *recorder) find(dialog, rest string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.data) - 1; i >= 0; i-- {
		name, tail, _ := strings.Cut(r.data[i], ":")
		_, got, _ := strings.Cut(tail, ":")
		if name == dialog && got == rest {
			return r.data[i]
		}
	}
	return ""
}

func (e *env) link(t *testing.T, code string, user int64) {
	t.Helper()
	m, err := e.s.Member(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.LinkTelegram(context.Background(), m.ID, user); err != nil {
		t.Fatal(err)
	}
}

// adminEnv is newEnv with DV1, the commune's admin, linked to user.
func adminEnv(t *testing.T, user int64) *env {
	t.Helper()
	e := newEnv(t)
	e.link(t, "DV1", user)
	storagetest.MustGrant(t, e.s, "DV1", storage.RoleAdmin, "ROOT")
	return e
}

// linkedEnv is newEnv with DV1, DV2 and DV3 linked to the Telegram users
// 701, 702 and 703.
func linkedEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.link(t, "DV1", 701)
	e.link(t, "DV2", 702)
	e.link(t, "DV3", 703)
	return e
}

// replyTo sends text from user and checks that what the bot sends in
// answer contains want.
func (e *env) replyTo(t *testing.T, user int64, text, want string) {
	t.Helper()
	e.rec.reset()
	e.text(t, user, text)
	e.said(t, want)
}

// replyToPress presses a button with data as user and checks that what
// the bot sends in answer contains want.
func (e *env) replyToPress(t *testing.T, user int64, data, want string) {
	t.Helper()
	e.rec.reset()
	e.press(t, user, data)
	e.said(t, want)
}

// last is the newest message or edit sent (toasts left out).
func (e *env) last() string {
	ts := e.rec.texts()
	for i := len(ts) - 1; i >= 0; i-- {
		if !strings.HasPrefix(ts[i], "callback:") {
			return ts[i]
		}
	}
	return ""
}

// lastHas fails the test unless the newest message or edit contains every
// one of wants.
func (e *env) lastHas(t *testing.T, wants ...string) {
	t.Helper()
	got := e.last()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Fatalf("no %q in the last message %q", want, got)
		}
	}
}

// said fails the test unless one of the texts sent so far contains sub.
func (e *env) said(t *testing.T, sub string) {
	t.Helper()
	if !contains(e.rec.texts(), sub) {
		t.Fatalf("got %q", e.rec.texts())
	}
}

func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestRedeliveredUpdateChangesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m, _ := e.s.Member(ctx, "DV1")
	tok, err := e.s.CreateInvite(ctx, m.ID, 0, "test")
	if err != nil {
		t.Fatal(err)
	}
	u := e.text(t, 501, "/start "+tok)
	if !contains(e.rec.texts(), "Đã liên kết") {
		t.Fatalf("not linked: %q", e.rec.texts())
	}
	e.rec.reset()
	// The same update again, as Telegram redelivers after a crash.
	if err := e.h.HandleUpdate(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got := e.rec.texts(); len(got) != 0 {
		t.Fatalf("a redelivered update was answered again: %q", got)
	}
	var attempts int
	if err := e.s.DB().Get(&attempts, `SELECT count(*) FROM link_attempts WHERE telegram_user_id = 501`); err != nil || attempts != 1 {
		t.Fatalf("link attempts %d %v", attempts, err)
	}
}

func TestAuthorization(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.link(t, "DV1", 601) // plain member of CB1
	e.link(t, "DV2", 602) // secretary of CB1
	storagetest.MustGrant(t, e.s, "DV2", storage.RoleSecretary, "CB1")
	dv3, _ := e.s.Member(ctx, "DV3")
	dv1, _ := e.s.Member(ctx, "DV1")

	t.Run("MemberCannotUseSecretaryCommand", func(t *testing.T) {
		e.replyTo(t, 601, "/moi", "không có quyền")
	})
	t.Run("MemberForgedCallbackRefused", func(t *testing.T) {
		e.replyToPress(t, 601, "moi:m:"+itoa(dv3.ID), "callback:Đồng chí không có quyền")
		assertNoInvites(t, e.s, dv3.ID)
	})
	t.Run("SecretaryOutsideScopeRefused", func(t *testing.T) {
		e.replyToPress(t, 602, "moi:m:"+itoa(dv3.ID), "callback:Đồng chí không có quyền")
		assertNoInvites(t, e.s, dv3.ID)
	})
	t.Run("SecretaryListsOwnCellOnly", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 602, "/moi")
		got := strings.Join(e.rec.texts(), "\n")
		if !strings.Contains(got, "0 đảng viên") && !strings.Contains(got, "đều đã liên kết") {
			t.Fatalf("CB1's members are all linked, got %q", got)
		}
	})
	t.Run("SecretaryInvitesLinkedMemberGetsToast", func(t *testing.T) {
		e.replyToPress(t, 602, "moi:m:"+itoa(dv1.ID), "callback:Đảng viên này đã liên kết")
	})
	t.Run("UnlinkedUserSeesOnlyHowToLink", func(t *testing.T) {
		e.replyTo(t, 699, "/menu", "chưa liên kết")
	})
}

func TestGroupChatsIgnored(t *testing.T) {
	e := newEnv(t)
	e.link(t, "DV1", 701)
	e.id++
	u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
		MessageID: 1, From: &tgbotapi.User{ID: 701}, Chat: &tgbotapi.Chat{ID: -100, Type: "group"}, Text: "/menu",
		Entities: []tgbotapi.MessageEntity{{Type: "bot_command", Length: 5}},
	}}
	if err := e.h.HandleUpdate(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if got := e.rec.texts(); len(got) != 0 {
		t.Fatalf("answered in a group: %q", got)
	}
}

func TestHelpListsOnlyAllowedCommands(t *testing.T) {
	e := newEnv(t)
	e.link(t, "DV1", 801)
	e.text(t, 801, "/trogiup")
	got := strings.Join(e.rec.texts(), "\n")
	if !strings.Contains(got, "/menu") || strings.Contains(got, "/moi") {
		t.Fatalf("member help: %q", got)
	}
	storagetest.MustGrant(t, e.s, "DV1", storage.RoleSecretary, "CB1")
	e.rec.reset()
	e.text(t, 801, "/trogiup")
	if got := strings.Join(e.rec.texts(), "\n"); !strings.Contains(got, "/moi") {
		t.Fatalf("secretary help: %q", got)
	}
}

func assertNoInvites(t *testing.T, s *storage.Storage, memberID int64) {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM invites WHERE member_id = $1`, memberID); err != nil || n != 0 {
		t.Fatalf("invites for %d: %d %v", memberID, n, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestFailedEditSentAsNewMessage(t *testing.T) {
	e := newEnv(t)
	e.link(t, "DV1", 901)
	e.rec.failEdits = true
	e.press(t, 901, "cmd:menu")
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	var got *tgbotapi.MessageConfig
	for _, c := range e.rec.sent {
		if m, ok := c.(tgbotapi.MessageConfig); ok {
			got = &m
		}
	}
	if got == nil || !strings.Contains(got.Text, "Lò Văn Minh") || got.ReplyMarkup == nil {
		t.Fatalf("menu not re-sent as a new message: %+v", e.rec.sent)
	}
}

func TestImportMenuButtonExplains(t *testing.T) {
	e := adminEnv(t, 902)
	e.press(t, 902, "cmd:nhap")
	e.said(t, "Đồng chí hãy gửi tệp Excel")
}

func TestAdminBelowRootIsNoCommuneAdmin(t *testing.T) {
	e := newEnv(t)
	e.link(t, "DV1", 903)
	storagetest.MustGrant(t, e.s, "DV1", storage.RoleAdmin, "CB1")
	e.text(t, 903, "/nhap")
	if !contains(e.rec.texts(), "không có quyền") {
		t.Fatalf("an admin of one cell may import the commune's roster: %q", e.rec.texts())
	}
	e.rec.reset()
	e.text(t, 903, "/moi") // still oversees the cell
	if contains(e.rec.texts(), "không có quyền") {
		t.Fatalf("got %q", e.rec.texts())
	}
}

func TestAdminFileWithoutCaptionGetsHint(t *testing.T) {
	e := adminEnv(t, 904)
	e.id++
	u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
		MessageID: e.id, From: &tgbotapi.User{ID: 904}, Chat: &tgbotapi.Chat{ID: 904, Type: "private"},
		Document: &tgbotapi.Document{FileID: "f1", FileName: "kl.pdf"},
	}}
	if err := e.h.HandleUpdate(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if got := e.rec.texts(); !contains(got, "/dang số hiệu") || !contains(got, "/nhap") {
		t.Fatalf("got %q", got)
	}
}

func TestPublishMenuButtonExplains(t *testing.T) {
	e := adminEnv(t, 905)
	e.press(t, 905, "cmd:dang")
	e.said(t, "Để đăng văn bản")
}

func TestDangImpossibleDateExplained(t *testing.T) {
	e := adminEnv(t, 906)
	for caption, want := range map[string]string{
		"/dang 1-KL/TW | Thử | Ban Thường vụ | 31/02/2020": "không có thật",
		"/dang 1-KL/TW | Thử | Ban Thường vụ | tuần trước": "không đúng dạng", // "hôm qua" is a date now
	} {
		e.rec.reset()
		e.id++
		u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
			MessageID: e.id, From: &tgbotapi.User{ID: 906}, Chat: &tgbotapi.Chat{ID: 906, Type: "private"},
			Document: &tgbotapi.Document{FileID: "f1", FileName: "kl.pdf", MimeType: "application/pdf"}, Caption: caption,
		}}
		if err := e.h.HandleUpdate(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		if got := e.rec.texts(); !contains(got, want) || contains(got, "&lt;") {
			t.Errorf("%q: got %q", caption, got)
		}
	}
}

// TestDangReadsEveryDateForm: the issue date is read by vn.ParseDate, so
// "hôm qua" and a day of this year without the year are dates too, taken
// on the commune's calendar.
func TestDangReadsEveryDateForm(t *testing.T) {
	now := time.Date(2026, 3, 10, 6, 0, 0, 0, time.FixedZone("ICT", 7*3600)) // 9 March in UTC
	for date, want := range map[string]string{"hôm qua": "2026-03-09", "Hom nay": "2026-03-10", "5/3": "2026-03-05", "2026-3-1": "2026-03-01"} {
		t.Run(date, func(t *testing.T) {
			e := newEnv(t)
			e.h = handlers.New(handlers.Deps{Store: e.s, Sender: e.rec, BotUsername: "sotay_test_bot",
				Now: func() time.Time { return now }, Location: now.Location()})
			e.link(t, "DV1", 908)
			storagetest.MustGrant(t, e.s, "DV1", storage.RoleAdmin, "ROOT")
			e.sendFile(t, 908, "/dang 1-KL/TW | Thử | Ban Thường vụ | "+date)
			dlg, err := e.s.Dialog(context.Background(), 908)
			if err != nil {
				t.Fatalf("no dialog: %v; got %q", err, e.rec.texts())
			}
			var state struct { // the dialog engine's state: the draft under "d"
				D struct {
					Date string `json:"date"`
				} `json:"d"`
			}
			if err := dlg.Decode(&state); err != nil || state.D.Date != want {
				t.Fatalf("draft date %q (%v), want %s", state.D.Date, err, want)
			}
		})
	}
}

func TestOfficerCannotPushOutsideTheAudience(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.link(t, "DV2", 907)
	storagetest.MustGrant(t, e.s, "DV2", storage.RoleOfficer, "ROOT")
	d, err := e.s.CreateDocument(ctx, storage.DocumentInput{Kind: "ket_luan", Number: "3-KL/TW", Issuer: "Bộ Chính trị",
		IssuedOn: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), Title: "Chỉ cho Nà Hiên", Audience: []string{"CB1"}})
	if err != nil {
		t.Fatal(err)
	}
	cb2, _ := e.s.Organisation(ctx, "CB2")
	// The dialog as the engine keeps it, as if DV2 had picked CB2: a
	// forged step, since /gui would not offer this document for CB2.
	state := map[string]any{"i": "t1", "r": 3, "h": []string{"doc", "scope", "due"},
		"d": map[string]any{"doc": d.ID, "orgs": []int64{cb2.ID}, "dated": true}}
	if err := e.s.SaveDialog(ctx, 907, "gui", "confirm", state); err != nil {
		t.Fatal(err)
	}
	e.press(t, 907, "gui:t1.3:ok")
	if got := e.rec.texts(); !contains(got, "nằm ngoài phạm vi đó") {
		t.Fatalf("got %q", got)
	}
	var n int
	if err := e.s.DB().Get(&n, `SELECT count(*) FROM campaigns`); err != nil || n != 0 {
		t.Fatalf("campaigns %d %v", n, err)
	}
}
