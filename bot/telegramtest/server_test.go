package telegramtest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot/telegramtest"
)

func MustBot(t *testing.T, s *telegramtest.Server) *tgbotapi.BotAPI {
	t.Helper()
	bot, err := tgbotapi.NewBotAPIWithClient(s.Token(), s.URL()+"/bot%s/%s", &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return bot
}

func MustServer(t *testing.T, opts ...telegramtest.Option) *telegramtest.Server {
	t.Helper()
	s := telegramtest.NewServer(append([]telegramtest.Option{telegramtest.WithLogf(t.Logf)}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

// MustChat is MustServer, a bot client of it (MustBot) and its user Lan (42).
func MustChat(t *testing.T, opts ...telegramtest.Option) (*telegramtest.Server, *tgbotapi.BotAPI, *telegramtest.User) {
	t.Helper()
	s := MustServer(t, opts...)
	return s, MustBot(t, s), s.User(42, "Lan")
}

// apiError unwraps a tgbotapi error or fails the test.
func apiError(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		t.Fatalf("want *tgbotapi.Error, got %T %v", err, err)
	}
	return te
}

type rawResponse struct {
	Ok          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts a form to a method without tgbotapi.
func call(t *testing.T, client *http.Client, s *telegramtest.Server, method string, form url.Values) (int, rawResponse) {
	t.Helper()
	resp, err := client.PostForm(s.URL()+"/bot"+s.Token()+"/"+method, form)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	var r rawResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: decode: %v", method, err)
	}
	return resp.StatusCode, r
}

func TestGetMe(t *testing.T) {
	s := MustServer(t)
	bot := MustBot(t, s)
	if bot.Self.ID != telegramtest.BotID || !bot.Self.IsBot || bot.Self.UserName != telegramtest.BotUsername || bot.Self.FirstName != "Sổ tay đảng viên" {
		t.Fatalf("getMe = %+v", bot.Self)
	}
	t.Run("WrongTokenIsUnauthorized", func(t *testing.T) {
		_, err := tgbotapi.NewBotAPIWithClient("1:WRONG", s.URL()+"/bot%s/%s", http.DefaultClient)
		if te := apiError(t, err); te.Code != 401 || te.Message != "Unauthorized" {
			t.Fatalf("got %d %q", te.Code, te.Message)
		}
	})
	t.Run("UnknownMethodIsNotFound", func(t *testing.T) {
		code, r := call(t, http.DefaultClient, s, "sendTelepathy", nil)
		if code != 404 || r.Ok || r.ErrorCode != 404 || r.Description != "Not Found" {
			t.Fatalf("got %d %+v", code, r)
		}
	})
	t.Run("MethodNamesAreCaseInsensitive", func(t *testing.T) {
		code, r := call(t, http.DefaultClient, s, "GETME", nil)
		if code != 200 || !r.Ok {
			t.Fatalf("got %d %+v", code, r)
		}
	})
}

func TestSendMessage(t *testing.T) {
	s, bot, u := MustChat(t)

	t.Run("InlineKeyboard", func(t *testing.T) {
		msg := tgbotapi.NewMessage(u.ID(), "Chọn mục")
		msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("Tài liệu", "doc:list"),
			tgbotapi.NewInlineKeyboardButtonURL("Web", "https://example.org"),
		))
		got, err := bot.Send(msg) // sends entities=null
		if err != nil {
			t.Fatal(err)
		}
		if got.MessageID == 0 || got.Chat.ID != 42 || got.Chat.Type != "private" || got.From.ID != telegramtest.BotID || got.Text != "Chọn mục" {
			t.Fatalf("result = %+v", got)
		}
		if got.ReplyMarkup == nil || *got.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "doc:list" {
			t.Fatalf("result markup = %+v", got.ReplyMarkup)
		}
		last, ok := u.LastMessage()
		if !ok || last.ID != got.MessageID || last.Method != "sendMessage" || len(last.Buttons()) != 2 || last.Buttons()[0] != "Tài liệu" {
			t.Fatalf("recorded = %+v", last)
		}
	})
	t.Run("ReplyKeyboardRequestContact", func(t *testing.T) {
		msg := tgbotapi.NewMessage(u.ID(), "Gửi số điện thoại")
		msg.ReplyMarkup = tgbotapi.NewOneTimeReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonContact("Chia sẻ số")))
		if _, err := bot.Send(msg); err != nil {
			t.Fatal(err)
		}
		last, _ := u.LastMessage()
		if last.ReplyKeyboard == nil || !last.ReplyKeyboard.Keyboard[0][0].RequestContact || !last.ReplyKeyboard.OneTimeKeyboard {
			t.Fatalf("reply keyboard = %+v", last.ReplyKeyboard)
		}
		msg = tgbotapi.NewMessage(u.ID(), "Cảm ơn")
		msg.ReplyMarkup = tgbotapi.NewRemoveKeyboard(true)
		if _, err := bot.Send(msg); err != nil {
			t.Fatal(err)
		}
		if last, _ := u.LastMessage(); !last.RemoveKeyboard {
			t.Fatalf("remove keyboard not recorded: %+v", last)
		}
	})
	t.Run("HTML", func(t *testing.T) {
		msg := tgbotapi.NewMessage(u.ID(), "<b>Chào</b> đồng chí &lt;Lan&gt; <a href=\"https://x.vn/?a=1&amp;b=2\">link</a>")
		msg.ParseMode = tgbotapi.ModeHTML
		got, err := bot.Send(msg)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != "Chào đồng chí <Lan> link" {
			t.Fatalf("text = %q", got.Text)
		}
		want := []tgbotapi.MessageEntity{{Type: "bold", Offset: 0, Length: 4}, {Type: "text_link", Offset: 20, Length: 4, URL: "https://x.vn/?a=1&b=2"}}
		if fmt.Sprint(got.Entities) != fmt.Sprint(want) {
			t.Fatalf("entities = %+v", got.Entities)
		}
		last, _ := u.LastMessage()
		if last.Text != msg.Text || last.Plain != got.Text || last.ParseMode != "HTML" {
			t.Fatalf("recorded = %+v", last)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		before := len(u.Messages())
		for _, tc := range []struct {
			name, text, mode, want string
			chat                   int64
			markup                 any
		}{
			{"EmptyText", "", "", "Bad Request: message text is empty", 42, nil},
			{"TooLong", strings.Repeat("ă", 4097), "", "Bad Request: message is too long", 42, nil},
			{"UnclosedTag", "<b>x", "HTML", "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"", 42, nil},
			{"UnknownTag", "<div>x</div>", "HTML", "Bad Request: can't parse entities: Unsupported start tag \"div\" at byte offset 0", 42, nil},
			{"StrayLess", "1 < 2", "HTML", "Bad Request: can't parse entities: Unsupported start tag \"\" at byte offset 2", 42, nil},
			{"StrayAmpersand", "A & B", "HTML", "Bad Request: can't parse entities: Character entity is not terminated at byte offset 2", 42, nil},
			{"UnknownChat", "x", "", "Bad Request: chat not found", 777, nil},
			{"LongCallbackData", "x", "", "Bad Request: BUTTON_DATA_INVALID", 42,
				tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("x", strings.Repeat("d", 65))))},
		} {
			t.Run(tc.name, func(t *testing.T) {
				msg := tgbotapi.NewMessage(tc.chat, tc.text)
				msg.ParseMode = tc.mode
				msg.ReplyMarkup = tc.markup
				_, err := bot.Send(msg)
				if te := apiError(t, err); te.Code != 400 || te.Message != tc.want {
					t.Fatalf("got %d %q, want %q", te.Code, te.Message, tc.want)
				}
			})
		}
		if after := len(u.Messages()); after != before {
			t.Fatalf("failed sends were recorded: %d -> %d", before, after)
		}
	})
	t.Run("LongTextUnderLimitInUTF16", func(t *testing.T) {
		if _, err := bot.Send(tgbotapi.NewMessage(u.ID(), strings.Repeat("ệ", 4096))); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Group", func(t *testing.T) {
		u.SendTextInGroup(-500, "xin chào")
		got, err := bot.Send(tgbotapi.NewMessage(-500, "chào nhóm"))
		if err != nil {
			t.Fatal(err)
		}
		if got.Chat.Type != "group" || len(s.Sent(-500)) != 1 {
			t.Fatalf("chat = %+v, sent = %+v", got.Chat, s.Sent(-500))
		}
	})
}

func TestParamEncodings(t *testing.T) {
	s := MustServer(t)
	s.User(7, "Minh")
	base := s.URL() + "/bot" + s.Token() + "/sendMessage"
	for name, do := range map[string]func() (*http.Response, error){
		"FormWithNullEntities": func() (*http.Response, error) {
			return http.PostForm(base, url.Values{"chat_id": {"7"}, "text": {"form"}, "entities": {"null"}})
		},
		"JSON": func() (*http.Response, error) {
			return http.Post(base, "application/json", strings.NewReader(`{"chat_id":7,"text":"json","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`))
		},
		"QueryString": func() (*http.Response, error) {
			return http.Get(base + "?chat_id=7&text=query")
		},
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := do()
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var r rawResponse
			_ = json.NewDecoder(resp.Body).Decode(&r)
			if resp.StatusCode != 200 || !r.Ok {
				t.Fatalf("got %d %+v", resp.StatusCode, r)
			}
		})
	}
	if msgs := s.Sent(7); len(msgs) != 3 {
		t.Fatalf("sent = %+v", msgs)
	}
	for _, m := range s.Sent(7) {
		if m.Text == "json" && (len(m.Buttons()) != 1 || m.Buttons()[0] != "A") {
			t.Fatalf("json reply_markup lost: %+v", m)
		}
	}
}

func TestEditMessage(t *testing.T) {
	_, bot, u := MustChat(t)
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Có", "yes")))
	msg := tgbotapi.NewMessage(u.ID(), "Câu hỏi")
	msg.ReplyMarkup = kb
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("TextAndMarkup", func(t *testing.T) {
		edit := tgbotapi.NewEditMessageTextAndMarkup(u.ID(), sent.MessageID, "Đã trả lời", tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Hoàn tác", "undo"))))
		got, err := bot.Send(edit)
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != "Đã trả lời" || got.EditDate == 0 {
			t.Fatalf("result = %+v", got)
		}
		m := u.Messages()[0]
		if m.Text != "Đã trả lời" || m.Edited != 1 || m.Buttons()[0] != "Hoàn tác" || len(u.Messages()) != 1 {
			t.Fatalf("recorded = %+v", u.Messages())
		}
	})
	t.Run("SameContentIsNotModified", func(t *testing.T) {
		edit := tgbotapi.NewEditMessageTextAndMarkup(u.ID(), sent.MessageID, "Đã trả lời", tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Hoàn tác", "undo"))))
		_, err := bot.Send(edit)
		if te := apiError(t, err); !strings.HasPrefix(te.Message, "Bad Request: message is not modified") {
			t.Fatalf("got %q", te.Message)
		}
	})
	t.Run("RemoveMarkup", func(t *testing.T) {
		if _, err := bot.Send(tgbotapi.EditMessageReplyMarkupConfig{BaseEdit: tgbotapi.BaseEdit{ChatID: u.ID(), MessageID: sent.MessageID}}); err != nil {
			t.Fatal(err)
		}
		if m := u.Messages()[0]; len(m.InlineKeyboard) != 0 || m.Edited != 2 {
			t.Fatalf("recorded = %+v", m)
		}
	})
	t.Run("UnknownMessage", func(t *testing.T) {
		_, err := bot.Send(tgbotapi.NewEditMessageText(u.ID(), 9999, "x"))
		if te := apiError(t, err); te.Message != "Bad Request: message to edit not found" {
			t.Fatalf("got %q", te.Message)
		}
	})
}

func TestRequestMethods(t *testing.T) {
	s, bot, u := MustChat(t)
	sent, err := bot.Send(tgbotapi.NewMessage(u.ID(), "x"))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("AnswerCallbackQuery", func(t *testing.T) {
		id := u.Press(sent.MessageID, "doc:1")
		if _, err := bot.Request(tgbotapi.NewCallbackWithAlert(id, "Đã lưu")); err != nil {
			t.Fatal(err)
		}
		if a := u.CallbackAnswers(); len(a) != 1 || a[0].ID != id || a[0].Text != "Đã lưu" || !a[0].ShowAlert {
			t.Fatalf("answers = %+v", a)
		}
		_, err := bot.Request(tgbotapi.NewCallback(id, "again"))
		if te := apiError(t, err); !strings.Contains(te.Message, "query is too old") {
			t.Fatalf("second answer: %q", te.Message)
		}
	})
	t.Run("SendChatAction", func(t *testing.T) {
		if _, err := bot.Request(tgbotapi.NewChatAction(u.ID(), tgbotapi.ChatTyping)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("SetMyCommands", func(t *testing.T) {
		cmds := []tgbotapi.BotCommand{{Command: "start", Description: "Bắt đầu"}, {Command: "huy", Description: "Huỷ thao tác"}}
		if _, err := bot.Request(tgbotapi.NewSetMyCommands(cmds...)); err != nil {
			t.Fatal(err)
		}
		if _, err := bot.Request(tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeChat(42), "vi", cmds[:1]...)); err != nil {
			t.Fatal(err)
		}
		got := s.Commands()
		if len(got["default"]) != 2 || got["default"][1].Command != "huy" || len(got["chat:42/vi"]) != 1 {
			t.Fatalf("commands = %+v", got)
		}
		_, err := bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Bad-Cmd", Description: "x"}))
		if te := apiError(t, err); te.Message != "Bad Request: BOT_COMMAND_INVALID" {
			t.Fatalf("got %q", te.Message)
		}
	})
	t.Run("DeleteMessage", func(t *testing.T) {
		if _, err := bot.Request(tgbotapi.NewDeleteMessage(u.ID(), sent.MessageID)); err != nil {
			t.Fatal(err)
		}
		if m := u.Messages()[0]; !m.Deleted {
			t.Fatalf("not deleted: %+v", m)
		}
		_, err := bot.Request(tgbotapi.NewDeleteMessage(u.ID(), sent.MessageID))
		if te := apiError(t, err); te.Message != "Bad Request: message to delete not found" {
			t.Fatalf("got %q", te.Message)
		}
	})
}

func TestFiles(t *testing.T) {
	s, bot, u := MustChat(t)
	data := []byte("%PDF-1.4 nghị quyết")

	doc := tgbotapi.NewDocument(u.ID(), tgbotapi.FileBytes{Name: "nghi-quyet.pdf", Bytes: data})
	doc.Caption = "Nghị quyết"
	sent, err := bot.Send(doc)
	if err != nil {
		t.Fatal(err)
	}
	if sent.Document == nil || sent.Document.FileName != "nghi-quyet.pdf" || sent.Document.MimeType != "application/pdf" || sent.Document.FileSize != len(data) || sent.Caption != "Nghị quyết" {
		t.Fatalf("result = %+v %+v", sent, sent.Document)
	}
	last, _ := u.LastMessage()
	if last.Document == nil || string(last.Document.Data) != string(data) || last.Text != "Nghị quyết" || last.Method != "sendDocument" {
		t.Fatalf("recorded = %+v", last)
	}

	t.Run("ResendByFileID", func(t *testing.T) {
		again, err := bot.Send(tgbotapi.NewDocument(u.ID(), tgbotapi.FileID(sent.Document.FileID)))
		if err != nil {
			t.Fatal(err)
		}
		if again.Document.FileID != sent.Document.FileID || again.MessageID == sent.MessageID {
			t.Fatalf("resend = %+v", again)
		}
		_, err = bot.Send(tgbotapi.NewDocument(u.ID(), tgbotapi.FileID("nope")))
		if te := apiError(t, err); te.Message != "Bad Request: wrong file identifier/HTTP URL specified" {
			t.Fatalf("got %q", te.Message)
		}
	})
	t.Run("GetFileAndDownload", func(t *testing.T) {
		f, err := bot.GetFile(tgbotapi.FileConfig{FileID: sent.Document.FileID})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(f.FilePath, "documents/file_") || !strings.HasSuffix(f.FilePath, ".pdf") || f.FileSize != len(data) {
			t.Fatalf("file = %+v", f)
		}
		link, err := bot.GetFileDirectURL(sent.Document.FileID)
		if err != nil {
			t.Fatal(err)
		}
		if got := download(t, s.Client(), link); got != string(data) {
			t.Fatalf("download = %q", got)
		}
		if got := download(t, http.DefaultClient, s.URL()+"/file/bot"+s.Token()+"/"+f.FilePath); got != string(data) {
			t.Fatalf("download = %q", got)
		}
	})
	t.Run("UserDocument", func(t *testing.T) {
		m := u.SendDocument("ds.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []byte("PK.."), "/import")
		if len(m.CaptionEntities) != 1 || m.CaptionEntities[0].Type != "bot_command" || m.CaptionEntities[0].Length != 7 {
			t.Fatalf("caption entities = %+v", m.CaptionEntities)
		}
		link, err := bot.GetFileDirectURL(m.Document.FileID)
		if err != nil {
			t.Fatal(err)
		}
		if got := download(t, s.Client(), link); got != "PK.." {
			t.Fatalf("download = %q", got)
		}
	})
	t.Run("Photo", func(t *testing.T) {
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 3))); err != nil {
			t.Fatal(err)
		}
		got, err := bot.Send(tgbotapi.NewPhoto(u.ID(), tgbotapi.FileBytes{Name: "chart.png", Bytes: buf.Bytes()}))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Photo) == 0 || got.Photo[0].Width != 2 || got.Photo[0].Height != 3 {
			t.Fatalf("photo = %+v", got.Photo)
		}
		if last, _ := u.LastMessage(); last.Photo == nil || last.Method != "sendPhoto" {
			t.Fatalf("recorded = %+v", last)
		}
		_, err = bot.Send(tgbotapi.NewPhoto(u.ID(), tgbotapi.FileBytes{Name: "x.png", Bytes: []byte("not an image")}))
		if te := apiError(t, err); te.Message != "Bad Request: IMAGE_PROCESS_FAILED" {
			t.Fatalf("got %q", te.Message)
		}
	})
}

func download(t *testing.T, client *http.Client, link string) string {
	t.Helper()
	resp, err := client.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", link, resp.StatusCode, b)
	}
	return string(b)
}

func TestFaults(t *testing.T) {
	s, bot, u := MustChat(t)

	t.Run("TooManyRequests", func(t *testing.T) {
		s.InjectFault("sendMessage", telegramtest.Fault{Code: 429, RetryAfter: 7})
		_, err := bot.Send(tgbotapi.NewMessage(u.ID(), "x"))
		te := apiError(t, err)
		if te.Code != 429 || te.RetryAfter != 7 || te.Message != "Too Many Requests: retry after 7" {
			t.Fatalf("got %+v", te)
		}
		if len(u.Messages()) != 0 || s.Calls("sendMessage") != 1 {
			t.Fatalf("messages = %d, calls = %d", len(u.Messages()), s.Calls("sendMessage"))
		}
		if _, err := bot.Send(tgbotapi.NewMessage(u.ID(), "x")); err != nil {
			t.Fatalf("fault not consumed: %v", err)
		}
	})
	t.Run("UploadKeepsRetryAfter", func(t *testing.T) {
		s.InjectFault("sendDocument", telegramtest.Fault{Code: 429, RetryAfter: 3})
		_, err := bot.Send(tgbotapi.NewDocument(u.ID(), tgbotapi.FileBytes{Name: "a.txt", Bytes: []byte("a")}))
		if te := apiError(t, err); te.RetryAfter != 3 {
			t.Fatalf("got %+v", te)
		}
	})
	t.Run("OnlyForItsChat", func(t *testing.T) {
		other := s.User(43, "Hùng")
		s.InjectFault("", telegramtest.Fault{Code: 500, ChatID: other.ID(), Times: -1})
		defer s.ClearFaults()
		if _, err := bot.Send(tgbotapi.NewMessage(u.ID(), "ok")); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			_, err := bot.Send(tgbotapi.NewMessage(other.ID(), "x"))
			if te := apiError(t, err); te.Code != 500 || te.Message != "Internal Server Error" {
				t.Fatalf("got %+v", te)
			}
		}
	})
	t.Run("BlockBy", func(t *testing.T) {
		s.BlockBy(u.ID())
		defer s.UnblockBy(u.ID())
		before := len(u.Messages())
		_, err := bot.Send(tgbotapi.NewMessage(u.ID(), "x"))
		if te := apiError(t, err); te.Code != 403 || te.Message != "Forbidden: bot was blocked by the user" {
			t.Fatalf("got %+v", te)
		}
		if len(u.Messages()) != before {
			t.Fatal("blocked send was recorded")
		}
	})
	t.Run("DelayStopsWhenClientGivesUp", func(t *testing.T) {
		s.InjectFault("getMe", telegramtest.Fault{Delay: time.Minute})
		client := &http.Client{Timeout: 200 * time.Millisecond}
		start := time.Now()
		_, err := client.Get(s.URL() + "/bot" + s.Token() + "/getMe")
		if err == nil || time.Since(start) > 5*time.Second {
			t.Fatalf("err = %v after %s", err, time.Since(start))
		}
	})
	t.Run("Drop", func(t *testing.T) {
		s.InjectFault("sendMessage", telegramtest.Fault{Drop: true})
		_, err := bot.Send(tgbotapi.NewMessage(u.ID(), "x"))
		var te *tgbotapi.Error
		if err == nil || errors.As(err, &te) {
			t.Fatalf("want a network error, got %v", err)
		}
	})
}

func TestFloodLimit(t *testing.T) {
	s, bot, u := MustChat(t, telegramtest.WithFloodLimit(30, 2))
	var ok, limited int
	for i := range 5 {
		_, err := bot.Send(tgbotapi.NewMessage(u.ID(), fmt.Sprint(i)))
		if err == nil {
			ok++
			continue
		}
		te := apiError(t, err)
		if te.Code != 429 || te.RetryAfter < 1 {
			t.Fatalf("got %+v", te)
		}
		limited++
	}
	if ok != 2 || limited != 3 {
		t.Fatalf("ok = %d, limited = %d", ok, limited)
	}
	if a, r := s.FloodStats(); a != 2 || r != 3 {
		t.Fatalf("FloodStats = %d, %d", a, r)
	}
	if _, err := bot.Request(tgbotapi.NewChatAction(u.ID(), tgbotapi.ChatTyping)); err != nil {
		t.Fatalf("chat action limited: %v", err)
	}
	if len(u.Messages()) != 2 {
		t.Fatalf("messages = %+v", u.Messages())
	}
}

func getUpdates(t *testing.T, client *http.Client, s *telegramtest.Server, offset, timeout int) (int, rawResponse, []tgbotapi.Update) {
	t.Helper()
	code, r := call(t, client, s, "getUpdates", url.Values{"offset": {fmt.Sprint(offset)}, "timeout": {fmt.Sprint(timeout)}, "allowed_updates": {`["message","callback_query"]`}})
	var ups []tgbotapi.Update
	if r.Ok {
		if err := json.Unmarshal(r.Result, &ups); err != nil {
			t.Fatalf("decode updates %s: %v", r.Result, err)
		}
	}
	return code, r, ups
}

func TestGetUpdates(t *testing.T) {
	s := MustServer(t)
	client := &http.Client{Timeout: 10 * time.Second}
	u := s.User(42, "Lan")

	t.Run("LongPollWakesOnUpdate", func(t *testing.T) {
		go func() {
			time.Sleep(100 * time.Millisecond)
			u.SendText("/start@" + telegramtest.BotUsername + " abc")
		}()
		start := time.Now()
		_, r, ups := getUpdates(t, client, s, 0, 5)
		if len(ups) != 1 || time.Since(start) > 3*time.Second {
			t.Fatalf("got %s after %s", r.Result, time.Since(start))
		}
		m := ups[0].Message
		if m.Text != "/start@sotay_test_bot abc" || m.Command() != "start" || m.CommandArguments() != "abc" || m.From.ID != 42 || m.Chat.ID != 42 {
			t.Fatalf("message = %+v", m)
		}
		if strings.Contains(string(r.Result), "null") {
			t.Fatalf("update has null fields: %s", r.Result)
		}
		// Not confirmed yet: delivered again.
		_, _, again := getUpdates(t, client, s, 0, 0)
		if len(again) != 1 || again[0].UpdateID != ups[0].UpdateID {
			t.Fatalf("again = %+v", again)
		}
		_, r, after := getUpdates(t, client, s, ups[0].UpdateID+1, 0)
		if len(after) != 0 || string(r.Result) != "[]" {
			t.Fatalf("after confirm = %s", r.Result)
		}
	})
	t.Run("TimeoutReturnsEmpty", func(t *testing.T) {
		start := time.Now()
		_, r, ups := getUpdates(t, client, s, 0, 1)
		if len(ups) != 0 || !r.Ok || time.Since(start) < 900*time.Millisecond {
			t.Fatalf("got %s after %s", r.Result, time.Since(start))
		}
	})
	t.Run("SecondPollerConflicts", func(t *testing.T) {
		first := make(chan []tgbotapi.Update)
		go func() {
			_, _, ups := getUpdates(t, client, s, 0, 5)
			first <- ups
		}()
		deadline := time.Now().Add(3 * time.Second)
		for {
			code, r, _ := getUpdates(t, client, s, 0, 0)
			if code == 409 {
				if r.Description != "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" {
					t.Fatalf("got %q", r.Description)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no 409 for a concurrent poller")
			}
			time.Sleep(10 * time.Millisecond)
		}
		u.SendText("hello")
		if ups := <-first; len(ups) != 1 || ups[0].Message.Text != "hello" {
			t.Fatalf("first poller got %+v", ups)
		}
	})
	t.Run("CallbackQuery", func(t *testing.T) {
		_, _, ups := getUpdates(t, client, s, 0, 0)
		next := ups[len(ups)-1].UpdateID + 1
		id := u.Press(12345, "x:1")
		_, _, ups = getUpdates(t, client, s, next, 1)
		if len(ups) != 1 || ups[0].CallbackQuery == nil || ups[0].CallbackQuery.ID != id || ups[0].CallbackQuery.Data != "x:1" {
			t.Fatalf("updates = %+v", ups)
		}
	})
}

func TestWebhook(t *testing.T) {
	s := MustServer(t)
	u := s.User(42, "Lan")
	var mu sync.Mutex
	var got []tgbotapi.Update
	var secrets []string
	failures := 1
	arrived := make(chan struct{}, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if failures > 0 {
			failures--
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		}
		var up tgbotapi.Update
		if err := json.NewDecoder(r.Body).Decode(&up); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		got = append(got, up)
		secrets = append(secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		arrived <- struct{}{}
	}))
	defer hook.Close()

	code, r := call(t, http.DefaultClient, s, "setWebhook", url.Values{"url": {hook.URL + "/hook"}, "secret_token": {"s3cret"}, "max_connections": {"5"}})
	if code != 200 || string(r.Result) != "true" {
		t.Fatalf("setWebhook: %d %+v", code, r)
	}
	u.SendText("một")
	u.SendText("hai")
	for range 2 {
		select {
		case <-arrived:
		case <-time.After(5 * time.Second):
			t.Fatal("webhook not called")
		}
	}
	mu.Lock()
	if len(got) != 2 || got[0].Message.Text != "một" || got[1].Message.Text != "hai" || secrets[0] != "s3cret" {
		t.Fatalf("delivered %+v with %q", got, secrets)
	}
	mu.Unlock()

	info := s.WebhookInfo()
	for deadline := time.Now().Add(2 * time.Second); info.PendingUpdateCount > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // the last delivery is confirmed after the hook answers
		info = s.WebhookInfo()
	}
	if info.URL != hook.URL+"/hook" || info.PendingUpdateCount != 0 || !strings.Contains(info.LastErrorMessage, "500") {
		t.Fatalf("info = %+v", info)
	}
	code, r, _ = getUpdates(t, http.DefaultClient, s, 0, 0)
	if code != 409 || !strings.Contains(r.Description, "webhook is active") {
		t.Fatalf("getUpdates with webhook: %d %+v", code, r)
	}
	bot := MustBot(t, s)
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatal(err)
	}
	if info, err := bot.GetWebhookInfo(); err != nil || info.IsSet() {
		t.Fatalf("after delete: %+v %v", info, err)
	}
}

func TestUsers(t *testing.T) {
	s, bot, u := MustChat(t)
	if s.User(42, "other") != u || len(s.Users()) != 1 {
		t.Fatal("User does not return the existing user")
	}
	events, stop := s.Subscribe()
	defer stop()

	t.Run("PressButton", func(t *testing.T) {
		if _, err := u.PressButton("Xem"); err == nil {
			t.Fatal("pressed a button that does not exist")
		}
		msg := tgbotapi.NewMessage(u.ID(), "Tài liệu mới")
		msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Xem", "doc:9")))
		sent, err := bot.Send(msg)
		if err != nil {
			t.Fatal(err)
		}
		id, err := u.PressButton("Xem")
		if err != nil {
			t.Fatal(err)
		}
		ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
		if err != nil {
			t.Fatal(err)
		}
		q := ups[len(ups)-1].CallbackQuery
		if q == nil || q.ID != id || q.Data != "doc:9" || q.Message == nil || q.Message.MessageID != sent.MessageID || q.From.ID != 42 {
			t.Fatalf("callback = %+v", q)
		}
	})
	t.Run("WaitMessage", func(t *testing.T) {
		go func() {
			time.Sleep(50 * time.Millisecond)
			_, _ = bot.Send(tgbotapi.NewMessage(u.ID(), "trả lời chậm"))
		}()
		m, err := u.WaitMessage(5*time.Second, func(m telegramtest.Message) bool { return m.Text == "trả lời chậm" })
		if err != nil || m.ChatID != 42 {
			t.Fatalf("m = %+v, err = %v", m, err)
		}
		if _, err := u.WaitMessage(50*time.Millisecond, func(m telegramtest.Message) bool { return m.Text == "never" }); err == nil {
			t.Fatal("matched a message never sent")
		}
		msgs, err := u.WaitMessages(time.Second, 2)
		if err != nil || len(msgs) != 2 {
			t.Fatalf("msgs = %+v, err = %v", msgs, err)
		}
	})
	t.Run("Contact", func(t *testing.T) {
		m := u.SendContact("84912345678", u.ID())
		if m.Contact == nil || m.Contact.UserID != 42 || m.Contact.PhoneNumber != "84912345678" {
			t.Fatalf("contact = %+v", m.Contact)
		}
		if m := u.SendContact("84900000000", 0); m.Contact.UserID != 0 {
			t.Fatalf("contact = %+v", m.Contact)
		}
	})
	t.Run("Subscribe", func(t *testing.T) {
		var texts []string
		for len(texts) < 2 {
			select {
			case m := <-events:
				texts = append(texts, m.Text)
			case <-time.After(time.Second):
				t.Fatalf("got %q", texts)
			}
		}
		if texts[0] != "Tài liệu mới" || texts[1] != "trả lời chậm" {
			t.Fatalf("got %q", texts)
		}
		if len(s.AllSent()) != 2 {
			t.Fatalf("AllSent = %+v", s.AllSent())
		}
	})
}

func TestHandlerMounted(t *testing.T) {
	h := telegramtest.NewHandler()
	defer h.Close()
	if h.URL() != "" {
		t.Fatalf("URL before SetURL = %q", h.URL())
	}
	mux := http.NewServeMux()
	mux.Handle("/tg/", http.StripPrefix("/tg", h))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	h.SetURL(srv.URL + "/tg/")
	bot := MustBot(t, h)
	if bot.Self.UserName != telegramtest.BotUsername {
		t.Fatalf("self = %+v", bot.Self)
	}
}

func TestLongPollEnds(t *testing.T) {
	t.Run("WhenClientGivesUp", func(t *testing.T) {
		s := MustServer(t)
		short := &http.Client{Timeout: 200 * time.Millisecond}
		if _, err := short.PostForm(s.URL()+"/bot"+s.Token()+"/getUpdates", url.Values{"timeout": {"30"}}); err == nil {
			t.Fatal("want a client timeout")
		}
		deadline := time.Now().Add(2 * time.Second)
		for {
			code, r, _ := getUpdates(t, http.DefaultClient, s, 0, 0)
			if code == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("abandoned poll still holds the slot: %d %+v", code, r)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	t.Run("WhenServerCloses", func(t *testing.T) {
		s := telegramtest.NewServer()
		done := make(chan struct{})
		go func() {
			defer close(done)
			resp, err := http.PostForm(s.URL()+"/bot"+s.Token()+"/getUpdates", url.Values{"timeout": {"30"}})
			if err == nil {
				resp.Body.Close()
			}
		}()
		time.Sleep(100 * time.Millisecond)
		start := time.Now()
		s.Close()
		<-done
		if time.Since(start) > 5*time.Second {
			t.Fatalf("Close waited %s for the long poll", time.Since(start))
		}
	})
}

func TestHTMLEntities(t *testing.T) {
	_, bot, u := MustChat(t)
	for _, tc := range []struct {
		name, html, plain, entities string
	}{
		{"SurrogatePairsCountTwice", "😀 <b>x</b>", "😀 x", "bold:3:1"},
		{"Nested", "<b>a<i>b</i></b>", "ab", "bold:0:2 italic:1:1"},
		{"PreWithLanguage", "<pre><code class=\"language-go\">x := 1</code></pre>", "x := 1", "pre:0:6:go"},
		{"Spoiler", "<tg-spoiler>s</tg-spoiler> &#228;&#x1F600;", "s ä😀", "spoiler:0:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := tgbotapi.NewMessage(u.ID(), tc.html)
			msg.ParseMode = tgbotapi.ModeHTML
			got, err := bot.Send(msg)
			if err != nil {
				t.Fatal(err)
			}
			var ents []string
			for _, e := range got.Entities {
				ents = append(ents, strings.TrimSuffix(fmt.Sprintf("%s:%d:%d:%s", e.Type, e.Offset, e.Length, e.Language), ":"))
			}
			if got.Text != tc.plain || strings.Join(ents, " ") != tc.entities {
				t.Fatalf("got %q %v", got.Text, got.Entities)
			}
		})
	}
}

// FuzzSendMessageHTML checks the HTML checker never panics and answers
// either a message or a Telegram-shaped 400.
func FuzzSendMessageHTML(f *testing.F) {
	for _, seed := range []string{"<b>x</b>", "<a href='u'>l</a>", "a < b", "&amp;&#1;&#x;", "<pre><code class=\"language-\">", "</b>", "<b><i>x</b></i>"} {
		f.Add(seed)
	}
	h := telegramtest.NewHandler()
	defer h.Close()
	h.User(1, "A")
	f.Fuzz(func(t *testing.T, text string) {
		form := url.Values{"chat_id": {"1"}, "text": {text}, "parse_mode": {"HTML"}}
		req := httptest.NewRequest(http.MethodPost, "/bot"+h.Token()+"/sendMessage", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var r rawResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("not JSON: %q", rec.Body.String())
		}
		if !r.Ok && (rec.Code != 400 || !strings.HasPrefix(r.Description, "Bad Request: ")) {
			t.Fatalf("got %d %+v", rec.Code, r)
		}
	})
}
