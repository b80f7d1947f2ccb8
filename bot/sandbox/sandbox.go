// Package sandbox is the demo's web chat: a page, embedded in the binary,
// where one plays a member of the demo commune and chats with the real bot
// through the fake Bot API of bot/telegramtest. It serves the page and a
// small JSON API: personas, sending text, pressing buttons, sharing the
// persona's phone, uploading files, a long poll of the chat, and the files
// the bot sent.
package sandbox

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/microcosm-cc/bluemonday"

	"sotay/bot/telegramtest"
	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/demodata"
)

//go:embed static
var static embed.FS

// UserIDBase is added to a member's id to make the Telegram user id of its
// persona: fixed per member, so reloading the page keeps the chat.
const UserIDBase = 7_000_000_000

// UserID is the Telegram user id the sandbox uses for a member.
func UserID(memberID int64) int64 { return UserIDBase + memberID }

// Limits of what a persona sends, as Telegram's.
const (
	maxText   = 4096
	maxUpload = 20 << 20
)

// PollTimeout bounds one long poll of /api/updates.
var PollTimeout = 25 * time.Second

// Config is what the sandbox is built on.
type Config struct {
	Store *storage.Storage
	TG    *telegramtest.Server
	Log   *slog.Logger
	// Public lets requests name any host (sotay demo --public). Otherwise
	// only loopback host names are served: a page on a domain that
	// rebinds its DNS to 127.0.0.1 reaches the sandbox under its own name,
	// and passes the same-origin check with it.
	Public bool
}

// Sandbox is the web chat. It is an http.Handler.
type Sandbox struct {
	store  *storage.Storage
	tg     *telegramtest.Server
	log    *slog.Logger
	mux    *http.ServeMux
	policy *bluemonday.Policy
	public bool
	epoch  string
	done   chan struct{}
	unsub  func()
	once   sync.Once

	mu      sync.Mutex
	rev     int64
	chats   map[int64]map[int]*entry     // by Telegram user id, then message id
	files   map[string]telegramtest.File // by file_id
	changed chan struct{}                // closed and replaced on every change
}

type entry struct {
	msg     Message
	edited  int
	deleted bool
}

// New builds the sandbox and starts following the bot's messages; Close stops it.
func New(cfg Config) *Sandbox {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	s := &Sandbox{
		store: cfg.Store, tg: cfg.TG, log: cfg.Log, policy: telegramPolicy(), public: cfg.Public,
		epoch: hex.EncodeToString(b), done: make(chan struct{}),
		chats: map[int64]map[int]*entry{}, files: map[string]telegramtest.File{}, changed: make(chan struct{}),
	}
	ch, unsub := cfg.TG.Subscribe()
	s.unsub = unsub
	go s.follow(ch)

	sub, _ := fs.Sub(static, "static")
	m := http.NewServeMux()
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(sub)))
	m.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, sub, "index.html")
	})
	m.HandleFunc("GET /api/personas", s.personas)
	m.HandleFunc("GET /api/members", s.members)
	m.HandleFunc("GET /api/persona", s.persona)
	m.HandleFunc("GET /api/updates", s.updates)
	m.HandleFunc("GET /api/file", s.file)
	m.HandleFunc("POST /api/send", s.send)
	m.HandleFunc("POST /api/press", s.press)
	m.HandleFunc("POST /api/contact", s.contact)
	m.HandleFunc("POST /api/link", s.link)
	m.HandleFunc("POST /api/upload", s.upload)
	s.mux = m
	return s
}

// Restore gives back the fake Telegram users of the personas linked in an
// earlier run, so that what the bot sends them on its own (pushes,
// reminders) reaches a chat instead of failing with "chat not found" and
// marking them unreachable. Call it before the bot starts.
func (s *Sandbox) Restore(ctx context.Context) error {
	orgs, err := s.store.Organisations(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if o.ParentID != nil {
			continue
		}
		ms, err := s.store.MembersInSubtree(ctx, o.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if p := persona(m, "", ""); p.Linked {
				s.user(p)
			}
		}
	}
	return nil
}

// ServeHTTP serves the page and the API.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if !s.public && !loopbackHost(r.Host) {
		// Plain text: whoever sees this typed an address, not the page.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "Phòng thử chỉ mở tại http://127.0.0.1 hoặc http://localhost trên máy này.\n")
		return
	}
	if r.Method == http.MethodPost && crossSite(r) {
		// Another web page the user has open must not act as a persona.
		writeError(w, http.StatusForbidden, "Yêu cầu từ trang khác bị từ chối.")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// loopbackHost reports a Host header naming this machine by a loopback
// name: 127.0.0.1, localhost or [::1], with any port.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// crossSite reports a request that a browser sent on behalf of another site.
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return true
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		return err != nil || u.Host != r.Host
	}
	return false
}

// Close stops following the bot and ends the long polls in progress.
func (s *Sandbox) Close() {
	s.once.Do(func() {
		close(s.done)
		s.unsub()
	})
}

// telegramPolicy keeps the HTML subset Telegram renders and nothing else.
func telegramPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "blockquote", "tg-spoiler")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(tg-spoiler|language-[A-Za-z0-9_+#-]{1,32})$`)).OnElements("span", "code")
	return p
}

// Message is one message of a chat as the page shows it. HTML is safe to
// insert: the bot's HTML is reduced to Telegram's subset, anything else is
// escaped.
type Message struct {
	ID             int        `json:"id"`
	From           string     `json:"from"` // "bot" or "user"
	HTML           string     `json:"html"`
	Edited         bool       `json:"edited,omitempty"`
	Deleted        bool       `json:"deleted,omitempty"`
	Inline         [][]Button `json:"inline,omitempty"`
	Reply          *Keyboard  `json:"reply,omitempty"`
	RemoveKeyboard bool       `json:"removeKeyboard,omitempty"`
	Document       *File      `json:"document,omitempty"`
	Photo          *File      `json:"photo,omitempty"`
	Time           int64      `json:"time"` // Unix milliseconds
	Rev            int64      `json:"rev"`
}

// Button is an inline or reply keyboard button.
type Button struct {
	Text    string `json:"text"`
	Data    string `json:"data,omitempty"`
	URL     string `json:"url,omitempty"`
	Contact bool   `json:"contact,omitempty"`
}

// Keyboard is a reply keyboard shown above the input.
type Keyboard struct {
	Rows        [][]Button `json:"rows"`
	OneTime     bool       `json:"oneTime,omitempty"`
	Placeholder string     `json:"placeholder,omitempty"`
}

// File is a file in the chat, downloadable from URL.
type File struct {
	Name string `json:"name"`
	Mime string `json:"mime"`
	Size int    `json:"size"`
	URL  string `json:"url"`
}

// follow records every message the bot sends, edits or deletes.
func (s *Sandbox) follow(ch <-chan telegramtest.Message) {
	for m := range ch {
		if m.ChatID > 0 {
			s.syncChat(m.ChatID)
		}
	}
}

// syncChat takes the bot's messages of one chat as they now stand. Reading
// the whole chat, not just the message announced, keeps the page right even
// if a notification was dropped.
func (s *Sandbox) syncChat(chatID int64) {
	sent := s.tg.Sent(chatID)
	s.mu.Lock()
	defer s.mu.Unlock()
	chat := s.chatLocked(chatID)
	changed := false
	for _, v := range sent {
		e := chat[v.ID]
		if e != nil && e.edited == v.Edited && e.deleted == v.Deleted {
			continue
		}
		s.rev++
		msg := s.botMessageLocked(v)
		msg.Rev = s.rev
		chat[v.ID] = &entry{msg: msg, edited: v.Edited, deleted: v.Deleted}
		changed = true
	}
	if changed {
		s.notifyLocked()
	}
}

func (s *Sandbox) chatLocked(userID int64) map[int]*entry {
	c := s.chats[userID]
	if c == nil {
		c = map[int]*entry{}
		s.chats[userID] = c
	}
	return c
}

func (s *Sandbox) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// botMessageLocked turns a message the bot sent into what the page shows.
func (s *Sandbox) botMessageLocked(v telegramtest.Message) Message {
	m := Message{ID: v.ID, From: "bot", Edited: v.Edited > 0, Deleted: v.Deleted, RemoveKeyboard: v.RemoveKeyboard, Time: v.Time.UnixMilli()}
	if strings.EqualFold(v.ParseMode, tgbotapi.ModeHTML) {
		m.HTML = s.policy.Sanitize(v.Text)
	} else {
		m.HTML = html.EscapeString(v.Plain)
	}
	for _, row := range v.InlineKeyboard {
		var out []Button
		for _, b := range row {
			btn := Button{Text: b.Text}
			switch {
			case b.CallbackData != nil:
				btn.Data = *b.CallbackData
			case b.URL != nil:
				btn.URL = *b.URL
			}
			out = append(out, btn)
		}
		m.Inline = append(m.Inline, out)
	}
	if rk := v.ReplyKeyboard; rk != nil {
		kb := &Keyboard{OneTime: rk.OneTimeKeyboard, Placeholder: rk.InputFieldPlaceholder}
		for _, row := range rk.Keyboard {
			var out []Button
			for _, b := range row {
				out = append(out, Button{Text: b.Text, Contact: b.RequestContact})
			}
			kb.Rows = append(kb.Rows, out)
		}
		m.Reply = kb
	}
	if v.Document != nil {
		m.Document = s.fileLocked(*v.Document)
	}
	if v.Photo != nil {
		m.Photo = s.fileLocked(*v.Photo)
	}
	return m
}

// fileLocked remembers a file of a chat and says where to download it.
// Anyone who can open the sandbox can play any persona, so files are not
// kept per persona either.
func (s *Sandbox) fileLocked(f telegramtest.File) *File {
	s.files[f.FileID] = f
	name := f.FileName
	if name == "" {
		name = "anh.jpg"
	}
	return &File{Name: name, Mime: f.MimeType, Size: len(f.Data), URL: "/api/file?id=" + f.FileID}
}

// userMessage records a message the persona sent.
func (s *Sandbox) userMessage(userID int64, m *tgbotapi.Message, htmlText string, f *telegramtest.File, photo bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rev++
	msg := Message{ID: m.MessageID, From: "user", HTML: htmlText, Time: time.Now().UnixMilli(), Rev: s.rev}
	if f != nil {
		if photo {
			msg.Photo = s.fileLocked(*f)
		} else {
			msg.Document = s.fileLocked(*f)
		}
	}
	s.chatLocked(userID)[m.MessageID] = &entry{msg: msg}
	s.notifyLocked()
}

// Persona is a member the page can play.
type Persona struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Org       string `json:"org"`
	OrgName   string `json:"orgName"`
	Gender    string `json:"gender"`
	Role      string `json:"role"`      // admin, officer, secretary or member
	RoleLabel string `json:"roleLabel"` // "Bí thư · Chi bộ bản Nà Hiên 1"
	Phone     string `json:"phone"`
	UserID    int64  `json:"userId"`
	Linked    bool   `json:"linked"`
}

func persona(m storage.Member, role, roleOrg string) Persona {
	p := Persona{
		Code: m.Code, Name: m.FullName, Org: m.OrgCode, OrgName: m.OrgName, Gender: m.Gender,
		Role: "member", RoleLabel: "Đảng viên", Phone: m.Phone, UserID: UserID(m.ID),
	}
	p.Linked = m.TelegramUserID != nil && *m.TelegramUserID == p.UserID
	if role != "" {
		p.Role = role
		p.RoleLabel = storage.RoleName(role) + " · " + roleOrg
	}
	return p
}

// Org is an organisation in the persona picker.
type Org struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Parent string `json:"parent"`
	Depth  int    `json:"depth"`
}

// personas answers the picker: the role holders and the organisations.
func (s *Sandbox) personas(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ps, err := demodata.Personas(ctx, s.store)
	if err != nil {
		s.fail(w, err)
		return
	}
	orgs, err := s.store.Organisations(ctx)
	if err != nil {
		s.fail(w, err)
		return
	}
	out := struct {
		Personas []Persona `json:"personas"`
		Orgs     []Org     `json:"orgs"`
		// Hints say what each role may do, from the bot's handler list.
		Hints map[string]string `json:"hints"`
	}{Personas: []Persona{}, Orgs: []Org{}, Hints: handlers.RoleHints()}
	for _, p := range ps {
		out.Personas = append(out.Personas, persona(p.Member, p.Role, p.RoleOrgName))
	}
	depth := map[string]int{}
	for _, o := range orgs {
		d := 0
		if o.ParentCode != "" {
			d = depth[o.ParentCode] + 1
		}
		depth[o.Code] = d
		out.Orgs = append(out.Orgs, Org{Code: o.Code, Name: o.Name, Kind: string(o.Kind), Parent: o.ParentCode, Depth: d})
	}
	writeJSON(w, http.StatusOK, out)
}

// roleOf returns each role holder's strongest role, by member code.
func (s *Sandbox) roleOf(ctx context.Context) (map[string]demodata.Persona, error) {
	ps, err := demodata.Personas(ctx, s.store)
	if err != nil {
		return nil, err
	}
	out := map[string]demodata.Persona{}
	for _, p := range ps {
		if _, ok := out[p.Code]; !ok {
			out[p.Code] = p
		}
	}
	return out, nil
}

// members lists the active members of one organisation and those below it.
func (s *Sandbox) members(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	code := r.URL.Query().Get("org")
	o, err := s.store.Organisation(ctx, code)
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Không có tổ chức mã %q.", code))
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	ms, err := s.store.MembersInSubtree(ctx, o.ID)
	if err != nil {
		s.fail(w, err)
		return
	}
	roles, err := s.roleOf(ctx)
	if err != nil {
		s.fail(w, err)
		return
	}
	out := struct {
		Members []Persona `json:"members"`
	}{Members: []Persona{}}
	for _, m := range ms {
		rp := roles[m.Code]
		out.Members = append(out.Members, persona(m, rp.Role, rp.RoleOrgName))
	}
	writeJSON(w, http.StatusOK, out)
}

// lookup finds the persona a request names with "member".
func (s *Sandbox) lookup(w http.ResponseWriter, r *http.Request, code string) (Persona, storage.Member, bool) {
	ctx := r.Context()
	code = strings.TrimSpace(code)
	if code == "" {
		writeError(w, http.StatusBadRequest, "Chưa chọn vai: hãy chọn một đảng viên để trò chuyện với bot.")
		return Persona{}, storage.Member{}, false
	}
	m, err := s.store.Member(ctx, code)
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Không có đảng viên mã %q: hãy chọn lại vai.", code))
		return Persona{}, storage.Member{}, false
	}
	if err != nil {
		s.fail(w, err)
		return Persona{}, storage.Member{}, false
	}
	if !m.Active {
		writeError(w, http.StatusConflict, fmt.Sprintf("Đảng viên %s không còn sinh hoạt: hãy chọn vai khác.", code))
		return Persona{}, storage.Member{}, false
	}
	roles, err := s.roleOf(ctx)
	if err != nil {
		s.fail(w, err)
		return Persona{}, storage.Member{}, false
	}
	rp := roles[m.Code]
	return persona(m, rp.Role, rp.RoleOrgName), m, true
}

// user is the simulated Telegram user of a persona.
func (s *Sandbox) user(p Persona) *telegramtest.User {
	first := p.Name
	if i := strings.LastIndexByte(first, ' '); i >= 0 {
		first = first[i+1:]
	}
	return s.tg.User(p.UserID, first)
}

func (s *Sandbox) persona(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.lookup(w, r, r.URL.Query().Get("member"))
	if ok {
		writeJSON(w, http.StatusOK, p)
	}
}

// Updates is the answer of a long poll.
type Updates struct {
	// Epoch changes when the sandbox restarts: the page then starts over.
	Epoch string `json:"epoch"`
	Rev   int64  `json:"rev"`
	// Reset says the page must drop what it shows and take Messages as the
	// whole chat.
	Reset    bool                  `json:"reset"`
	Messages []Message             `json:"messages"`
	Commands []tgbotapi.BotCommand `json:"commands"`
	Persona  Persona               `json:"persona"`
}

// updates answers with the chat's messages changed since rev, waiting up
// to PollTimeout for one.
func (s *Sandbox) updates(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.lookup(w, r, r.URL.Query().Get("member"))
	if !ok {
		return
	}
	since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	reset := r.URL.Query().Get("epoch") != s.epoch || since < 0
	if reset {
		since = 0
	}
	t := time.NewTimer(PollTimeout)
	defer t.Stop()
	for {
		s.mu.Lock()
		if since > s.rev {
			since, reset = 0, true
		}
		msgs := s.changedLocked(p.UserID, since)
		rev, ch := s.rev, s.changed
		s.mu.Unlock()
		if len(msgs) > 0 || reset {
			s.answerUpdates(w, r, p, rev, reset, msgs)
			return
		}
		select {
		case <-ch:
		case <-t.C:
			s.answerUpdates(w, r, p, rev, false, msgs)
			return
		case <-s.done:
			s.answerUpdates(w, r, p, rev, false, msgs)
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Sandbox) answerUpdates(w http.ResponseWriter, r *http.Request, p Persona, rev int64, reset bool, msgs []Message) {
	// The link may have changed while waiting (the persona linked).
	if m, err := s.store.Member(r.Context(), p.Code); err == nil {
		p.Linked = m.TelegramUserID != nil && *m.TelegramUserID == p.UserID
	}
	if msgs == nil {
		msgs = []Message{}
	}
	writeJSON(w, http.StatusOK, Updates{Epoch: s.epoch, Rev: rev, Reset: reset, Messages: msgs, Commands: s.commands(p.UserID), Persona: p})
}

func (s *Sandbox) changedLocked(userID int64, since int64) []Message {
	var out []Message
	for _, e := range s.chats[userID] {
		if e.msg.Rev > since {
			out = append(out, e.msg)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// commands is the command menu Telegram would show in this chat.
func (s *Sandbox) commands(userID int64) []tgbotapi.BotCommand {
	all := s.tg.Commands()
	for _, key := range []string{fmt.Sprintf("chat:%d", userID), "all_private_chats", "default"} {
		if c, ok := all[key]; ok {
			return c
		}
	}
	return []tgbotapi.BotCommand{}
}

type sendRequest struct {
	Member    string `json:"member"`
	Text      string `json:"text"`
	MessageID int    `json:"messageId"`
	Data      string `json:"data"`
}

// readRequest reads a request of the page and looks up the persona it is
// from; where either fails it has answered, and ok is false.
func (s *Sandbox) readRequest(w http.ResponseWriter, r *http.Request) (req sendRequest, p Persona, m storage.Member, ok bool) {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "Yêu cầu không đọc được (cần JSON).")
		return req, p, m, false
	}
	p, m, ok = s.lookup(w, r, req.Member)
	return req, p, m, ok
}

// send sends text from the persona.
func (s *Sandbox) send(w http.ResponseWriter, r *http.Request) {
	req, p, _, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	text := strings.TrimSpace(req.Text)
	switch n := len([]rune(text)); {
	case n == 0:
		writeError(w, http.StatusBadRequest, "Tin nhắn trống: đồng chí hãy gõ nội dung rồi bấm Gửi.")
		return
	case n > maxText:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Tin nhắn dài %d ký tự, quá giới hạn %d ký tự của Telegram: hãy chia thành nhiều tin.", n, maxText))
		return
	}
	m := s.user(p).SendText(text)
	s.userMessage(p.UserID, m, html.EscapeString(text), nil, false)
	writeJSON(w, http.StatusOK, map[string]int{"id": m.MessageID})
}

// press presses an inline button and waits for the bot's answer to it,
// which the page shows as a toast.
func (s *Sandbox) press(w http.ResponseWriter, r *http.Request) {
	req, p, _, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	if !hasButton(s.tg.Sent(p.UserID), req.MessageID, req.Data) {
		writeError(w, http.StatusBadRequest, "Nút này không còn trên tin nhắn: tin nhắn đã được sửa hoặc xóa.")
		return
	}
	u := s.user(p)
	id := u.Press(req.MessageID, req.Data)
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	deadline := time.After(10 * time.Second)
	for {
		for _, a := range u.CallbackAnswers() {
			if a.ID == id {
				writeJSON(w, http.StatusOK, map[string]any{"toast": a.Text, "alert": a.ShowAlert})
				return
			}
		}
		select {
		case <-t.C:
		case <-deadline:
			// The bot is slow; the page keeps polling for its messages.
			writeJSON(w, http.StatusOK, map[string]any{"toast": "", "pending": true})
			return
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

func hasButton(msgs []telegramtest.Message, id int, data string) bool {
	for _, m := range msgs {
		if m.ID != id || m.Deleted {
			continue
		}
		for _, row := range m.InlineKeyboard {
			for _, b := range row {
				if b.CallbackData != nil && *b.CallbackData == data {
					return true
				}
			}
		}
	}
	return false
}

// contact shares the persona's own phone number, as the request_contact
// button does: contact.user_id is the persona's Telegram id.
func (s *Sandbox) contact(w http.ResponseWriter, r *http.Request) {
	_, p, _, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	if p.Phone == "" {
		writeError(w, http.StatusConflict, "Đảng viên này chưa có số điện thoại trong danh sách: hãy dùng nút Liên kết (mã mời).")
		return
	}
	// Telegram sends the number in international form.
	phone := "+84" + strings.TrimPrefix(p.Phone, "0")
	m := s.user(p).SendContact(phone, p.UserID)
	s.userMessage(p.UserID, m, "📱 "+html.EscapeString(phone), nil, false)
	writeJSON(w, http.StatusOK, map[string]int{"id": m.MessageID})
}

// link creates a fresh invite for the persona and sends /start with it, as
// opening the invite link in Telegram does.
func (s *Sandbox) link(w http.ResponseWriter, r *http.Request) {
	_, p, m, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	if p.Linked {
		writeError(w, http.StatusConflict, fmt.Sprintf("Đồng chí %s đã liên kết tài khoản rồi.", p.Name))
		return
	}
	tok, err := s.store.CreateInvite(r.Context(), m.ID, time.Hour, "sandbox")
	if err != nil {
		s.fail(w, err)
		return
	}
	text := "/start " + tok
	msg := s.user(p).SendText(text)
	s.userMessage(p.UserID, msg, html.EscapeString(text), nil, false)
	writeJSON(w, http.StatusOK, map[string]int{"id": msg.MessageID})
}

// upload sends a file from the persona: images as photos unless asked as a
// file, anything else as a document, with an optional caption (a command
// such as /nhap).
func (s *Sandbox) upload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "Tệp lớn hơn 20 MB, quá giới hạn bot nhận được: hãy gửi tệp nhỏ hơn.")
			return
		}
		writeError(w, http.StatusBadRequest, "Không đọc được tệp gửi lên: hãy chọn lại tệp.")
		return
	}
	defer r.MultipartForm.RemoveAll()
	p, _, ok := s.lookup(w, r, r.FormValue("member"))
	if !ok {
		return
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		writeError(w, http.StatusBadRequest, "Chưa chọn tệp: hãy bấm 📎 và chọn một tệp.")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Không đọc được tệp gửi lên: hãy chọn lại tệp.")
		return
	}
	switch {
	case len(data) == 0:
		writeError(w, http.StatusBadRequest, "Tệp rỗng: hãy chọn một tệp có nội dung.")
		return
	case len(data) > maxUpload:
		writeError(w, http.StatusRequestEntityTooLarge, "Tệp lớn hơn 20 MB, quá giới hạn bot nhận được: hãy gửi tệp nhỏ hơn.")
		return
	}
	caption := strings.TrimSpace(r.FormValue("caption"))
	if n := len([]rune(caption)); n > 1024 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Chú thích dài %d ký tự, quá giới hạn 1024 ký tự: hãy rút gọn.", n))
		return
	}
	name := path.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
	ctype := http.DetectContentType(data)
	if ext := mime.TypeByExtension(path.Ext(name)); ext != "" && !strings.HasPrefix(ctype, "image/") {
		ctype = ext
	}
	ctype, _, _ = strings.Cut(ctype, ";")
	u := s.user(p)
	photo := (ctype == "image/jpeg" || ctype == "image/png") && r.FormValue("asFile") == ""
	var m *tgbotapi.Message
	var fileID string
	if photo {
		m = u.SendPhoto(data, caption)
		fileID = m.Photo[len(m.Photo)-1].FileID
	} else {
		m = u.SendDocument(name, ctype, data, caption)
		fileID = m.Document.FileID
	}
	tf := telegramtest.File{FileID: fileID, FileName: name, MimeType: ctype, Data: data}
	if photo {
		tf.FileName = ""
	}
	s.userMessage(p.UserID, m, html.EscapeString(caption), &tf, photo)
	writeJSON(w, http.StatusOK, map[string]int{"id": m.MessageID})
}

// file serves a file of the chat: photos inline, documents as downloads.
func (s *Sandbox) file(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.files[r.URL.Query().Get("id")]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Không có tệp này (có thể bot đã khởi động lại).")
		return
	}
	ctype := f.MimeType
	if ctype == "" {
		ctype = http.DetectContentType(f.Data)
	}
	disp := "attachment"
	if strings.HasPrefix(ctype, "image/") && f.FileName == "" {
		disp = "inline"
	}
	name := f.FileName
	if name == "" {
		name = "anh" + extension(ctype)
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Data)))
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(f.Data)
}

func extension(ctype string) string {
	switch ctype {
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	}
	return ".jpg"
}

// fail answers an internal error: logged in English, apologised for in Vietnamese.
func (s *Sandbox) fail(w http.ResponseWriter, err error) {
	if msg := storage.ErrorMessage(err); msg != "" {
		writeError(w, http.StatusBadRequest, msg)
		return
	}
	s.log.Error("sandbox request failed", "err", err)
	writeError(w, http.StatusInternalServerError, "Xin lỗi, phòng thử đang gặp sự cố. Đồng chí vui lòng thử lại.")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
