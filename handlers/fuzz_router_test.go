package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// Fuzz users: a linked member, the commune's admin, a cell secretary, an
// officer, and a stranger.
var fuzzUsers = []int64{701, 702, 703, 704, 799}

// FuzzRouter feeds arbitrary updates through the whole router against a
// real PostgreSQL and fails on a panic or an internal error: anything that
// would give the user the system apology. The database lives for the
// whole run, so dialogs opened by one input are continued by the next.
func FuzzRouter(f *testing.F) {
	s := storagetest.NewCommune(f)
	ctx := context.Background()
	for code, user := range map[string]int64{"DV1": 701, "DV2": 702, "DV3": 703} {
		m, err := s.Member(ctx, code)
		if err != nil {
			f.Fatal(err)
		}
		if err := s.LinkTelegram(ctx, m.ID, user); err != nil {
			f.Fatal(err)
		}
	}
	storagetest.MustImport(f, s, nil, []storage.MemberInput{{Line: 2, Code: "DV4", FullName: "Vàng Văn Chinh", OrgCode: "CB2", Phone: "0912000004"}})
	dv4, err := s.Member(ctx, "DV4")
	if err != nil {
		f.Fatal(err)
	}
	if err := s.LinkTelegram(ctx, dv4.ID, 704); err != nil {
		f.Fatal(err)
	}
	for _, g := range [][3]string{{"DV2", storage.RoleAdmin, "ROOT"}, {"DV3", storage.RoleSecretary, "CB2"}, {"DV4", storage.RoleOfficer, "ROOT"}} {
		if err := s.GrantRole(ctx, g[0], g[1], g[2], "fuzz"); err != nil {
			f.Fatal(err)
		}
	}
	if _, err := s.CreateDocument(ctx, storage.DocumentInput{
		Kind: "ket_luan", Number: "21-KL/TW", Issuer: "Ban Chấp hành Trung ương", IssuedOn: time.Date(2021, 10, 25, 0, 0, 0, 0, time.UTC),
		Title: "Kết luận về chỉnh đốn Đảng", Summary: "Tóm tắt.", Body: strings.Repeat("Đoạn văn bản. ", 500),
		FileName: "kl21.pdf", FileMime: "application/pdf", FileData: []byte("%PDF-1.4"),
	}); err != nil {
		f.Fatal(err)
	}
	rec := &recorder{}
	h := handlers.New(handlers.Deps{Store: s, Sender: rec, BotUsername: "sotay_test_bot", Files: fuzzFiles{}})

	seeds := []struct {
		kind, user, chat uint8
		text, data       string
	}{
		{3, 4, 0, "", "cmd:"}, {3, 4, 0, "", "cmd"}, {3, 0, 0, "", "cmd:"}, {3, 1, 0, "", "gui:ok"},
		{3, 0, 0, "", "dt:1:999999999999"}, {3, 0, 0, "", "dt:1:-1"}, {3, 0, 0, "", "doc:999999999999999999999"},
		{3, 1, 0, "", "dw:1"}, {3, 2, 0, "", "moi:m:1"}, {3, 2, 0, "", "moi:m1"}, {3, 0, 0, "", ":"}, {3, 0, 0, "", "\x00"},
		{3, 1, 0, "", "dang:ok"}, {3, 3, 0, "", "gbc:1"}, {3, 0, 0, "", "hoc:1"}, {3, 1, 0, "", "nhap:ok"},
		{0, 4, 0, "/start", ""}, {0, 4, 0, "/start abc\x00def", ""}, {0, 0, 0, "/menu", ""},
		{0, 0, 0, "/tim", ""}, {0, 0, 0, "ket luan 21\x00", ""}, {0, 0, 0, "/tim " + strings.Repeat("đ", 5000), ""},
		{0, 1, 0, "/gui", ""}, {0, 1, 0, "/dang", ""}, {0, 1, 0, "/nhap", ""}, {0, 2, 0, "/moi", ""}, {0, 0, 0, "/huy", ""},
		{0, 0, 0, "/", ""}, {0, 0, 0, "/@sotay_test_bot", ""}, {0, 0, 0, "/MENU@other_bot extra", ""},
		{0, 0, 0, "\xff\xfe invalid \xc3\x28", ""}, {0, 0, 1, "/start", ""}, {0, 0, 2, "/menu", ""},
		{1, 1, 0, "/dang 99-KL/TW | Kết luận\x00 | Ban Bí thư | 01/11/2024", "kl99.pdf"},
		{1, 1, 0, "/nhap", "ds.csv"}, {1, 1, 0, "/nhap", "code,full_name,org_code\nDV9,Lò Văn A,CB1\n"}, {1, 1, 0, "/nhap", "code,name,kind,parent_code\nX,Y,chi_bo,\n"}, {1, 1, 0, "", "\x00.xlsx"}, {1, 0, 0, "/dang", "a.pdf"},
		{2, 4, 0, "0912000001", ""}, {2, 4, 0, "+84 912 000 004\x00", "other"}, {2, 0, 0, "", ""},
		{4, 0, 0, "/menu", ""}, {5, 0, 0, "kicked", ""}, {5, 4, 1, "member", ""},
		{6, 1, 0, "/dang 1-NQ/TW | a | b | 99/99/9999", ""},
	}
	for _, sd := range seeds {
		f.Add(sd.kind, sd.user, sd.chat, sd.text, sd.data)
	}
	id := 0
	f.Fuzz(func(t *testing.T, kind, user, chat uint8, text, data string) {
		id++
		u := fuzzUpdate(id, kind, user, chat, text, data)
		rec.reset()
		if err := h.HandleUpdate(ctx, u); err != nil {
			t.Fatalf("update %+v: internal error: %v", describeUpdate(u), err)
		}
		if got := rec.texts(); contains(got, msgInternal) {
			t.Fatalf("update %+v: system apology: %q", describeUpdate(u), got)
		}
	})
}

// fuzzUpdate builds an update of one of seven kinds from the fuzz input.
func fuzzUpdate(id int, kind, user, chat uint8, text, data string) tgbotapi.Update {
	from := &tgbotapi.User{ID: fuzzUsers[int(user)%len(fuzzUsers)], FirstName: data, LastName: text}
	c := &tgbotapi.Chat{ID: from.ID, Type: "private"}
	switch chat % 3 {
	case 1:
		c = &tgbotapi.Chat{ID: -100123, Type: "group", Title: text}
	case 2:
		c = &tgbotapi.Chat{ID: -100456, Type: "supergroup"}
	}
	m := &tgbotapi.Message{MessageID: id, From: from, Chat: c, Date: 1700000000, Text: text}
	if strings.HasPrefix(text, "/") {
		n := strings.IndexAny(text+" ", " \n")
		m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: n}}
	}
	u := tgbotapi.Update{UpdateID: id}
	switch kind % 7 {
	case 0:
		u.Message = m
	case 1:
		m.Text, m.Entities, m.Caption = "", nil, text
		m.Document = &tgbotapi.Document{FileID: "F" + data, FileUniqueID: data, FileName: data, MimeType: "application/pdf", FileSize: len(data)}
		u.Message = m
	case 2:
		m.Text, m.Entities = "", nil
		contactUser := from.ID
		if data != "" {
			contactUser = 123456
		}
		m.Contact = &tgbotapi.Contact{PhoneNumber: text, FirstName: data, UserID: contactUser, VCard: data}
		u.Message = m
	case 3:
		bot := &tgbotapi.Message{MessageID: 1, From: &tgbotapi.User{ID: 1, IsBot: true}, Chat: c, Text: "menu"}
		u.CallbackQuery = &tgbotapi.CallbackQuery{ID: "cb", From: from, Message: bot, Data: data, ChatInstance: text}
	case 4:
		m.EditDate = 1700000100
		u.EditedMessage = m
	case 5:
		u.MyChatMember = &tgbotapi.ChatMemberUpdated{Chat: *c, From: *from, Date: 1700000000,
			OldChatMember: tgbotapi.ChatMember{Status: "member"}, NewChatMember: tgbotapi.ChatMember{Status: text}}
	case 6:
		m.Text, m.Entities, m.Caption = "", nil, text
		m.Photo = []tgbotapi.PhotoSize{{FileID: "P" + data, FileUniqueID: data, Width: 90, Height: 90}}
		u.Message = m
	}
	return u
}

// fuzzFiles serves a file's content from its id: what follows the first
// byte (the fuzz input's data).
type fuzzFiles struct{}

func (fuzzFiles) Download(_ context.Context, fileID string) ([]byte, error) {
	if fileID == "" {
		return nil, nil
	}
	return []byte(fileID[1:]), nil
}

func describeUpdate(u tgbotapi.Update) string {
	switch {
	case u.CallbackQuery != nil:
		return "press " + u.CallbackQuery.Data
	case u.Message != nil:
		return "message " + u.Message.Text + u.Message.Caption
	}
	return "other"
}
