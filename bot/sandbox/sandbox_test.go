package sandbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot"
	"sotay/bot/sandbox"
	"sotay/bot/telegramtest"
	"sotay/cmd/sotay/wire"
	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/demodata"
	"sotay/storage/storagetest"
)

const wait = 15 * time.Second

func TestMain(m *testing.M) {
	// Short polls, so that a test waiting for a message that never comes
	// fails at its own deadline.
	sandbox.PollTimeout = 2 * time.Second
	os.Exit(m.Run())
}

// stack is what `sotay demo` runs without a token: the demo data, the fake
// Bot API under /tg, the sandbox at /, and the real bot polling the fake,
// all over real HTTP.
type stack struct {
	t     *testing.T
	URL   string
	Store *storage.Storage
	TG    *telegramtest.Server
	epoch string
}

func startStack(t *testing.T) *stack {
	t.Helper()
	ctx := context.Background()
	s := storagetest.New(t)
	if _, err := demodata.Generate(ctx, s, time.Now()); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tg := telegramtest.NewHandler()
	sb := sandbox.New(sandbox.Config{Store: s, TG: tg, Log: log, Hints: handlers.RoleHints()})
	mux := http.NewServeMux()
	mux.Handle("/tg/", http.StripPrefix("/tg", tg))
	mux.Handle("/", sb)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	t.Cleanup(tg.Close)
	t.Cleanup(sb.Close)
	tg.SetURL(ts.URL + "/tg")

	b, err := wire.Bot(ctx, bot.Config{Token: tg.Token(), APIURL: ts.URL + "/tg"}, s, log)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(rctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case <-b.Ready:
	case err := <-done:
		t.Fatalf("bot stopped at start: %v", err)
	case <-time.After(wait):
		t.Fatal("bot not ready")
	}
	return &stack{t: t, URL: ts.URL, Store: s, TG: tg}
}

// call makes one API request and decodes the JSON answer into out.
func (st *stack) call(method, path string, body any, out any) int {
	st.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, st.URL+path, rd)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		st.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			st.t.Fatalf("%s %s: %d %q: %v", method, path, res.StatusCode, raw, err)
		}
	}
	return res.StatusCode
}

// poll returns the chat's messages changed since rev.
func (st *stack) poll(member string, since int64) sandbox.Updates {
	st.t.Helper()
	var u sandbox.Updates
	q := url.Values{"member": {member}, "since": {fmt.Sprint(since)}, "epoch": {st.epoch}}
	if code := st.call("GET", "/api/updates?"+q.Encode(), nil, &u); code != http.StatusOK {
		st.t.Fatalf("updates: %d", code)
	}
	st.epoch = u.Epoch
	return u
}

// chat is the whole chat as the page would hold it, once a message matches.
func (st *stack) waitFor(member string, match func(sandbox.Message) bool) (map[int64]sandbox.Message, sandbox.Updates) {
	st.t.Helper()
	chat := map[int64]sandbox.Message{}
	var rev int64
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		u := st.poll(member, rev)
		if u.Reset {
			clear(chat)
		}
		rev = u.Rev
		for _, m := range u.Messages {
			chat[m.ID] = m
		}
		for _, m := range chat {
			if !m.Deleted && match(m) {
				return chat, u
			}
		}
	}
	st.t.Fatalf("no message matched in %s; chat: %+v", wait, chat)
	return nil, sandbox.Updates{}
}

func has(sub string) func(sandbox.Message) bool {
	return func(m sandbox.Message) bool { return m.From == "bot" && strings.Contains(m.HTML, sub) }
}

func buttonData(m sandbox.Message, text string) string {
	for _, row := range m.Inline {
		for _, b := range row {
			if b.Text == text {
				return b.Data
			}
		}
	}
	return ""
}

type errorBody struct {
	Error string `json:"error"`
}

func TestPersonas(t *testing.T) {
	st := startStack(t)
	var r struct {
		Personas []sandbox.Persona `json:"personas"`
		Orgs     []sandbox.Org     `json:"orgs"`
		Hints    map[string]string `json:"hints"`
	}
	if code := st.call("GET", "/api/personas", nil, &r); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	// The hints come from the bot's handler list: what a role adds.
	for role, want := range map[string]string{"admin": "(/nhap)", "officer": "(/gui)", "secretary": "(/moi)", "member": "(/vanban)"} {
		if !strings.Contains(r.Hints[role], want) {
			t.Errorf("hint of %s %q lacks %s", role, r.Hints[role], want)
		}
	}
	if strings.Contains(r.Hints["secretary"], "/gui") || strings.Contains(r.Hints["member"], "/moi") {
		t.Errorf("a hint names what the role may not do: %v", r.Hints)
	}
	roles := map[string]int{}
	for _, p := range r.Personas {
		roles[p.Role]++
		m, err := st.Store.Member(context.Background(), p.Code)
		if err != nil {
			t.Fatal(err)
		}
		if p.UserID != sandbox.UserID(m.ID) || p.Linked || p.Phone == "" || p.RoleLabel == "" {
			t.Errorf("persona %+v", p)
		}
	}
	want := map[string]int{"admin": 1, "officer": 2, "secretary": 71}
	for role, n := range want {
		if roles[role] != n {
			t.Errorf("%d %s personas, want %d", roles[role], role, n)
		}
	}
	if len(r.Orgs) != 72 || r.Orgs[0].Code != demodata.RootCode || r.Orgs[0].Depth != 0 {
		t.Errorf("orgs: %d, first %+v", len(r.Orgs), r.Orgs[0])
	}

	t.Run("MembersOfACell", func(t *testing.T) {
		var m struct {
			Members []sandbox.Persona `json:"members"`
		}
		if code := st.call("GET", "/api/members?org=CBNAHIEN1", nil, &m); code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		secretaries := 0
		for _, p := range m.Members {
			if p.Org != "CBNAHIEN1" {
				t.Errorf("%s is in %s", p.Code, p.Org)
			}
			if p.Role == "secretary" {
				secretaries++
			}
		}
		if len(m.Members) != 34 || secretaries != 1 {
			t.Errorf("%d members, %d secretaries; want 34 and 1", len(m.Members), secretaries)
		}
	})
	t.Run("UnknownOrganisationExplained", func(t *testing.T) {
		var e errorBody
		if code := st.call("GET", "/api/members?org=NOPE", nil, &e); code != http.StatusNotFound || !strings.Contains(e.Error, "NOPE") {
			t.Errorf("%d %q", code, e.Error)
		}
	})
}

func TestLinkThenMenu(t *testing.T) {
	st := startStack(t)
	const member = "DV0300"

	var id map[string]int
	if code := st.call("POST", "/api/link", map[string]string{"member": member}, &id); code != http.StatusOK {
		t.Fatalf("link: %d", code)
	}
	_, u := st.waitFor(member, has("Đã liên kết"))
	if !u.Persona.Linked {
		t.Error("persona not linked after the invite")
	}
	m, _ := st.Store.Member(context.Background(), member)
	if m.TelegramUserID == nil || *m.TelegramUserID != sandbox.UserID(m.ID) {
		t.Errorf("member linked to %v", m.TelegramUserID)
	}
	if len(u.Commands) == 0 {
		t.Error("no command menu for a linked member")
	}

	t.Run("SecondLinkRefused", func(t *testing.T) {
		var e errorBody
		if code := st.call("POST", "/api/link", map[string]string{"member": member}, &e); code != http.StatusConflict || e.Error == "" {
			t.Errorf("%d %q", code, e.Error)
		}
	})

	// Linking ends with the menu; the reply to /menu is the one after the
	// message that asked for it.
	st.waitFor(member, has("Đồng chí chọn chức năng"))
	var sent map[string]int64
	st.call("POST", "/api/send", map[string]string{"member": member, "text": "/menu"}, &sent)
	chat, _ := st.waitFor(member, func(m sandbox.Message) bool {
		return m.From == "bot" && buttonData(m, "❓ Trợ giúp") != "" && m.ID > sent["id"]
	})
	var menu sandbox.Message
	for _, m := range chat {
		if buttonData(m, "❓ Trợ giúp") != "" && m.ID > menu.ID {
			menu = m
		}
	}
	before := len(chat)

	t.Run("PressEditsInPlace", func(t *testing.T) {
		var r map[string]any
		req := map[string]any{"member": member, "messageId": menu.ID, "data": buttonData(menu, "❓ Trợ giúp")}
		if code := st.call("POST", "/api/press", req, &r); code != http.StatusOK {
			t.Fatalf("press: %d", code)
		}
		chat, _ := st.waitFor(member, func(m sandbox.Message) bool {
			return m.ID == menu.ID && strings.Contains(m.HTML, "Hướng dẫn sử dụng")
		})
		if !chat[menu.ID].Edited {
			t.Error("the menu was not marked edited")
		}
		if len(chat) != before {
			t.Errorf("%d messages after the press, want %d: the answer must replace the menu", len(chat), before)
		}
	})
	t.Run("ForgedButtonRefused", func(t *testing.T) {
		var e errorBody
		req := map[string]any{"member": member, "messageId": menu.ID, "data": "moi:m:1"}
		if code := st.call("POST", "/api/press", req, &e); code != http.StatusBadRequest || e.Error == "" {
			t.Errorf("%d %q", code, e.Error)
		}
	})
}

func TestPhoneShareLinks(t *testing.T) {
	st := startStack(t)
	const member = "DV0500"
	st.call("POST", "/api/send", map[string]string{"member": member, "text": "/start"}, nil)
	chat, _ := st.waitFor(member, has("Chia sẻ số điện thoại"))
	var kb *sandbox.Keyboard
	for _, m := range chat {
		if m.Reply != nil {
			kb = m.Reply
		}
	}
	if kb == nil || len(kb.Rows) != 1 || !kb.Rows[0][0].Contact {
		t.Fatalf("no phone-share keyboard: %+v", kb)
	}
	st.call("POST", "/api/contact", map[string]string{"member": member}, nil)
	chat, u := st.waitFor(member, has("Đã liên kết"))
	if !u.Persona.Linked {
		t.Error("persona not linked after sharing the phone")
	}
	var shared sandbox.Message
	for _, m := range chat {
		if m.From == "user" && strings.Contains(m.HTML, "📱") {
			shared = m
		}
	}
	if !strings.Contains(shared.HTML, "+84") {
		t.Errorf("shared contact shown as %q", shared.HTML)
	}
}

func TestBadInputExplained(t *testing.T) {
	st := startStack(t)
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
	}{
		{"EmptyText", "POST", "/api/send", map[string]string{"member": "DV0001", "text": "   "}, http.StatusBadRequest},
		{"TextOverTelegramLimit", "POST", "/api/send", map[string]string{"member": "DV0001", "text": strings.Repeat("ă", 4097)}, http.StatusBadRequest},
		{"UnknownMember", "POST", "/api/send", map[string]string{"member": "DV9999", "text": "chào"}, http.StatusNotFound},
		{"NoMember", "POST", "/api/send", map[string]string{"text": "chào"}, http.StatusBadRequest},
		{"NotJSON", "POST", "/api/send", "member=DV0001", http.StatusBadRequest},
		{"ButtonOfNoMessage", "POST", "/api/press", map[string]any{"member": "DV0001", "messageId": 99, "data": "cmd:menu"}, http.StatusBadRequest},
		{"UnknownPersona", "GET", "/api/persona?member=XX", nil, http.StatusNotFound},
		{"UnknownFile", "GET", "/api/file?id=nope", nil, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e errorBody
			code := st.call(tt.method, tt.path, tt.body, &e)
			if code != tt.status || e.Error == "" {
				t.Errorf("%d %q, want %d with a message", code, e.Error, tt.status)
			}
		})
	}
	t.Run("NothingReachedTheBot", func(t *testing.T) {
		if len(st.TG.Users()) != 0 {
			t.Errorf("bad requests reached the bot as %d users", len(st.TG.Users()))
		}
	})
}

// upload posts a file as the page does.
func (st *stack) upload(member, name string, data []byte, caption string) (int, errorBody) {
	st.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("member", member)
	_ = w.WriteField("caption", caption)
	if name != "" {
		fw, _ := w.CreateFormFile("file", name)
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	res, err := http.Post(st.URL+"/api/upload", w.FormDataContentType(), &buf)
	if err != nil {
		st.t.Fatal(err)
	}
	defer res.Body.Close()
	var e errorBody
	_ = json.NewDecoder(res.Body).Decode(&e)
	return res.StatusCode, e
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestFiles(t *testing.T) {
	st := startStack(t)
	const member = "DV0042"
	csv := []byte("Mã đảng viên,Họ và tên\nDV0001,Nguyễn Văn An\n")

	t.Run("UploadReachesTheBot", func(t *testing.T) {
		if code, e := st.upload(member, "danh sách.csv", csv, "/nhap"); code != http.StatusOK {
			t.Fatalf("%d %q", code, e.Error)
		}
		u := st.poll(member, 0)
		var doc *sandbox.File
		for _, m := range u.Messages {
			if m.From == "user" && m.Document != nil {
				doc = m.Document
			}
		}
		if doc == nil || doc.Name != "danh sách.csv" {
			t.Fatalf("uploaded document not in the chat: %+v", u.Messages)
		}
		res, err := http.Get(st.URL + doc.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !bytes.Equal(body, csv) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("download: %q, %q", body, res.Header.Get("Content-Disposition"))
		}
	})
	t.Run("ImageGoesAsPhoto", func(t *testing.T) {
		if code, e := st.upload(member, "bienban.png", pngBytes(t), "Biên bản"); code != http.StatusOK {
			t.Fatalf("%d %q", code, e.Error)
		}
		found := false
		for _, m := range st.poll(member, 0).Messages {
			found = found || (m.From == "user" && m.Photo != nil && m.HTML == "Biên bản")
		}
		if !found {
			t.Error("photo not in the chat")
		}
	})
	for _, tt := range []struct {
		name, file string
		data       []byte
		status     int
	}{
		{"NoFileExplained", "", nil, http.StatusBadRequest},
		{"EmptyFileExplained", "rong.csv", []byte{}, http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if code, e := st.upload(member, tt.file, tt.data, ""); code != tt.status || e.Error == "" {
				t.Errorf("%d %q", code, e.Error)
			}
		})
	}

	// What the bot sends: a document, a photo and HTML, through the Bot API
	// as a handler would.
	api, err := tgbotapi.NewBotAPIWithClient(st.TG.Token(), st.TG.APIEndpoint(), &http.Client{Timeout: wait})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := st.Store.Member(context.Background(), member)
	chatID := sandbox.UserID(m.ID)
	doc := tgbotapi.NewDocument(chatID, tgbotapi.FileBytes{Name: "Kết luận 21.pdf", Bytes: []byte("%PDF-1.4 demo")})
	doc.Caption = "<b>Kết luận 21-KL/TW</b>"
	doc.ParseMode = tgbotapi.ModeHTML
	if _, err := api.Send(doc); err != nil {
		t.Fatal(err)
	}
	if _, err := api.Send(tgbotapi.NewPhoto(chatID, tgbotapi.FileBytes{Name: "chart.png", Bytes: pngBytes(t)})); err != nil {
		t.Fatal(err)
	}
	msg := tgbotapi.NewMessage(chatID, `<b>Đậm</b> <i>nghiêng</i> <a href="javascript:alert(1)">x</a> <a href="https://example.org/a?b=1&amp;c=2">liên kết</a> &lt;script&gt;`)
	msg.ParseMode = tgbotapi.ModeHTML
	if _, err := api.Send(msg); err != nil {
		t.Fatal(err)
	}
	plain := tgbotapi.NewMessage(chatID, "<b>không phải HTML</b>")
	if _, err := api.Send(plain); err != nil {
		t.Fatal(err)
	}

	t.Run("BotDocumentDownloadable", func(t *testing.T) {
		chat, _ := st.waitFor(member, func(m sandbox.Message) bool { return m.From == "bot" && m.Document != nil })
		for _, m := range chat {
			if m.From != "bot" || m.Document == nil {
				continue
			}
			if m.Document.Name != "Kết luận 21.pdf" || m.HTML != "<b>Kết luận 21-KL/TW</b>" {
				t.Errorf("document message %+v", m)
			}
			res, err := http.Get(st.URL + m.Document.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if string(body) != "%PDF-1.4 demo" {
				t.Errorf("download %q", body)
			}
		}
	})
	t.Run("BotPhotoShownInline", func(t *testing.T) {
		chat, _ := st.waitFor(member, func(m sandbox.Message) bool { return m.From == "bot" && m.Photo != nil })
		for _, m := range chat {
			if m.From == "bot" && m.Photo != nil {
				res, err := http.Get(st.URL + m.Photo.URL)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline") || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
					t.Errorf("photo served as %q %q", res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
				}
			}
		}
	})
	t.Run("HTMLSanitized", func(t *testing.T) {
		chat, _ := st.waitFor(member, has("Đậm"))
		for _, m := range chat {
			if !strings.Contains(m.HTML, "Đậm") {
				continue
			}
			for _, want := range []string{"<b>Đậm</b>", "<i>nghiêng</i>", `href="https://example.org/a?b=1&amp;c=2"`, "&lt;script&gt;"} {
				if !strings.Contains(m.HTML, want) {
					t.Errorf("%q lacks %q", m.HTML, want)
				}
			}
			if strings.Contains(m.HTML, "javascript") || strings.Contains(m.HTML, "<script") {
				t.Errorf("unsafe HTML kept: %q", m.HTML)
			}
		}
	})
	t.Run("PlainTextEscaped", func(t *testing.T) {
		st.waitFor(member, func(m sandbox.Message) bool { return m.HTML == "&lt;b&gt;không phải HTML&lt;/b&gt;" })
	})
}

func TestChatSurvivesReload(t *testing.T) {
	st := startStack(t)
	const member = "DV0100"
	st.call("POST", "/api/link", map[string]string{"member": member}, nil)
	first, _ := st.waitFor(member, has("Đồng chí chọn chức năng"))

	t.Run("SameEpochGivesWholeChat", func(t *testing.T) {
		u := st.poll(member, 0)
		if len(u.Messages) != len(first) || u.Reset {
			t.Errorf("%d messages (reset %v), want %d", len(u.Messages), u.Reset, len(first))
		}
	})
	t.Run("OtherEpochResets", func(t *testing.T) {
		st.epoch = "old"
		u := st.poll(member, 999)
		if !u.Reset || len(u.Messages) != len(first) {
			t.Errorf("reset %v with %d messages, want reset with %d", u.Reset, len(u.Messages), len(first))
		}
	})
	t.Run("LongPollWakesOnReply", func(t *testing.T) {
		u := st.poll(member, 0)
		got := make(chan sandbox.Updates, 1)
		go func() {
			var v sandbox.Updates
			q := url.Values{"member": {member}, "since": {fmt.Sprint(u.Rev)}, "epoch": {u.Epoch}}
			res, err := http.Get(st.URL + "/api/updates?" + q.Encode())
			if err == nil {
				_ = json.NewDecoder(res.Body).Decode(&v)
				res.Body.Close()
			}
			got <- v
		}()
		st.call("POST", "/api/send", map[string]string{"member": member, "text": "/trogiup"}, nil)
		v := <-got
		if len(v.Messages) == 0 {
			t.Fatal("the long poll returned no message")
		}
		for _, m := range v.Messages {
			if m.Rev <= u.Rev {
				t.Errorf("message %d of rev %d returned again", m.ID, m.Rev)
			}
		}
	})
	t.Run("PressedTwiceChangesOnce", func(t *testing.T) {
		chat, _ := st.waitFor(member, func(m sandbox.Message) bool { return buttonData(m, "📘 Về danh mục") != "" })
		var help sandbox.Message
		for _, m := range chat {
			if buttonData(m, "📘 Về danh mục") != "" {
				help = m
			}
		}
		req := map[string]any{"member": member, "messageId": help.ID, "data": buttonData(help, "📘 Về danh mục")}
		st.call("POST", "/api/press", req, nil)
		st.call("POST", "/api/press", req, nil)
		after, _ := st.waitFor(member, func(m sandbox.Message) bool {
			return m.ID == help.ID && strings.Contains(m.HTML, "Đồng chí chọn chức năng")
		})
		if len(after) != len(chat) {
			t.Errorf("%d messages after two presses, want %d", len(after), len(chat))
		}
	})
}

func TestPage(t *testing.T) {
	st := startStack(t)
	for _, p := range []struct{ name, path, ctype, contains string }{
		{"IndexServed", "/", "text/html", "Phòng thử"},
		// The chat is the web handbook's, the picker the sandbox's own.
		{"ChatScriptServed", "/static/chat.js", "javascript", "api/updates"},
		{"ChatStyleServed", "/static/chat.css", "text/css", ".msg"},
		{"PickerScriptServed", "/static/app.js", "javascript", "api/personas"},
		{"PickerStyleServed", "/static/style.css", "text/css", ".persona"},
	} {
		t.Run(p.name, func(t *testing.T) {
			res, err := http.Get(st.URL + p.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), p.ctype) || !strings.Contains(string(body), p.contains) {
				t.Errorf("%d %q", res.StatusCode, res.Header.Get("Content-Type"))
			}
		})
	}
}

func TestRestoreLinkedPersonas(t *testing.T) {
	st := startStack(t)
	const member = "DV0200"
	st.call("POST", "/api/link", map[string]string{"member": member}, nil)
	st.waitFor(member, has("Đã liên kết"))

	// The next run: a fresh fake Bot API on the same database.
	tg := telegramtest.NewServer()
	defer tg.Close()
	sb := sandbox.New(sandbox.Config{Store: st.Store, TG: tg})
	defer sb.Close()
	if err := sb.Restore(context.Background()); err != nil {
		t.Fatal(err)
	}
	m, _ := st.Store.Member(context.Background(), member)
	users := tg.Users()
	if len(users) != 1 || users[0].ID() != sandbox.UserID(m.ID) {
		t.Errorf("restored users %v, want only %s's", users, member)
	}
}

// Personas a sandbox linked at its old ids, inside Telegram's range
// (7,000,000,000 + member id), move to the sandbox's own space, above every
// Telegram user id and below the web chats'.
func TestRestoreMovesPersonasOutOfTelegramsRange(t *testing.T) {
	s := storagetest.NewCommune(t)
	ctx := context.Background()
	dv1, _ := s.Member(ctx, "DV1")
	if _, err := s.DB().Exec(`UPDATE members SET telegram_user_id = 7000000000 + id WHERE code = 'DV1'`); err != nil {
		t.Fatal(err)
	}
	tg := telegramtest.NewServer()
	defer tg.Close()
	sb := sandbox.New(sandbox.Config{Store: s, TG: tg})
	defer sb.Close()
	if err := sb.Restore(ctx); err != nil {
		t.Fatal(err)
	}
	id := sandbox.UserID(dv1.ID)
	if got := storagetest.LinkedUser(t, s, "DV1"); got != id || id < 1<<52 || storage.IsWebChat(id) {
		t.Errorf("DV1's persona is Telegram user %d, want %d (2^52 + member id)", got, id)
	}
}

// roundTrip sends req and returns the status and body of the answer.
func roundTrip(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestCrossSitePostRefused(t *testing.T) {
	srv := httptest.NewServer(sandbox.New(sandbox.Config{Store: storagetest.New(t), TG: telegramtest.NewHandler()}))
	defer srv.Close()
	for name, hdr := range map[string][2]string{
		"OtherOrigin":    {"Origin", "http://evil.example"},
		"CrossSiteFetch": {"Sec-Fetch-Site", "cross-site"},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/send", strings.NewReader(`{"member":"DV0001","text":"/start"}`))
			req.Header.Set(hdr[0], hdr[1])
			if code, _ := roundTrip(t, req); code != http.StatusForbidden {
				t.Fatalf("HTTP %d", code)
			}
		})
	}
}

// A page on a domain whose DNS answer changes to 127.0.0.1 (DNS rebinding)
// reaches the sandbox with its own name in Host, and its requests are then
// same-origin: only loopback names are served unless the sandbox is public.
func TestOtherHostRefused(t *testing.T) {
	h := sandbox.New(sandbox.Config{Store: storagetest.New(t), TG: telegramtest.NewHandler()})
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	do := func(method, host, path string) (int, string) {
		t.Helper()
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader(`{"member":"DV0001","text":"/start"}`)
		}
		req, _ := http.NewRequest(method, srv.URL+path, body)
		req.Host = host
		if method == http.MethodPost {
			// What a rebinding page sends: same origin as its own host.
			req.Header.Set("Origin", "http://"+host)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		return roundTrip(t, req)
	}
	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1.nip.io:" + port, "localhost.evil.example:" + port, "10.0.0.5:" + port} {
		for _, rq := range [][2]string{{http.MethodGet, "/"}, {http.MethodGet, "/api/personas"}, {http.MethodPost, "/api/send"}} {
			t.Run("Refused/"+host+rq[1], func(t *testing.T) {
				code, body := do(rq[0], host, rq[1])
				if code != http.StatusForbidden || !strings.Contains(body, "127.0.0.1") {
					t.Fatalf("%s %s with Host %s: %d %q", rq[0], rq[1], host, code, body)
				}
			})
		}
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port, "[::1]", "localhost"} {
		t.Run("Served/"+host, func(t *testing.T) {
			if code, body := do(http.MethodGet, host, "/"); code != http.StatusOK {
				t.Fatalf("Host %s: %d %q", host, code, body)
			}
		})
	}
	t.Run("PublicServesAnyHost", func(t *testing.T) {
		pub := sandbox.New(sandbox.Config{Store: storagetest.New(t), TG: telegramtest.NewHandler(), Public: true})
		defer pub.Close()
		ps := httptest.NewServer(pub)
		defer ps.Close()
		req, _ := http.NewRequest(http.MethodGet, ps.URL+"/", nil)
		req.Host = "192.168.1.20:8080"
		if code, _ := roundTrip(t, req); code != http.StatusOK {
			t.Fatalf("public sandbox: %d", code)
		}
	})
}
