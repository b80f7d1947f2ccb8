// Package handlers holds what the bot does: one ordered list of handlers
// (commands, buttons, dialogs), the one place that turns errors into
// Vietnamese replies, and one file per feature. Handlers talk to Telegram
// only through the small Sender interface, so the bot package decides how
// messages travel (directly, with flood control, or through the outbox).
package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// Sender is what handlers need from Telegram.
type Sender interface {
	// Send sends a message-producing request and returns the message.
	Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error)
	// Request sends a request whose result is true or ignored.
	Request(ctx context.Context, c tgbotapi.Chattable) error
}

// Access is who may use a handler.
type Access int

const (
	// Public handlers work before a Telegram account is linked.
	Public Access = iota
	// Member handlers need a linked, active member.
	Member
	// Secretary handlers need a secretary role (or officer or admin, who
	// oversee secretaries).
	Secretary
	// Officer handlers need an officer or admin role.
	Officer
	// Admin handlers need the admin role.
	Admin
)

// Handler is one entry of the ordered handler list. Exactly one of Command,
// Callback, Dialog or Match selects the updates it takes.
type Handler struct {
	// Command is a slash command without the slash ("menu"); it also
	// answers the menu button "cmd:<Command>" and a caption command on a
	// file.
	Command string
	// Callback is the prefix of callback data "prefix:payload".
	Callback string
	// Dialog continues the open dialog of this name with plain text,
	// contacts, files or photos.
	Dialog string
	// Match takes any other update it returns true for (a shared contact).
	Match func(*Request) bool

	Access Access
	// Description is the Vietnamese line of the command menu and /trogiup;
	// commands without one are not listed.
	Description string
	// MenuLabel, when set, puts a button for Command in the /menu keyboard.
	MenuLabel string

	Handle func(ctx context.Context, r *Request) error
}

// Deps is what the handlers are built with.
type Deps struct {
	Store       *storage.Storage
	Sender      Sender
	Log         *slog.Logger
	Now         func() time.Time
	BotUsername string
	// Location is the time zone dates are shown and read in.
	Location *time.Location
	// Files downloads files users send (roster imports).
	Files Files
}

// Handlers routes updates to the handler list.
type Handlers struct {
	deps Deps
	list []Handler
}

// New builds the handler list.
func New(deps Deps) *Handlers {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Location == nil {
		deps.Location = time.UTC
	}
	h := &Handlers{deps: deps}
	h.list = h.handlerList()
	return h
}

// handlerList is the one ordered list of everything the bot answers. The
// command menus registered with Telegram and /trogiup are generated from it.
func (h *Handlers) handlerList() []Handler {
	return []Handler{
		{Command: "start", Access: Public, Handle: h.start},
		{Match: isContact, Access: Public, Handle: h.contact},
		{Command: "menu", Access: Member, Description: "Mở danh mục chức năng", Handle: h.menu},
		// documents.go: the handbook library and search.
		{Command: "vanban", Callback: "vb", Access: Member, Description: "Xem văn bản theo loại", MenuLabel: "📄 Văn bản", Handle: h.browseDocuments},
		{Callback: "doc", Access: Member, Handle: h.viewDocument},
		{Callback: "dt", Access: Member, Handle: h.documentText},
		{Callback: "df", Access: Member, Handle: h.documentFile},
		{Callback: "dw", Access: Admin, Handle: h.withdrawDocument},
		{Command: "tim", Dialog: "tim", Access: Member, Description: "Tìm văn bản theo số hiệu hoặc nội dung", MenuLabel: "🔎 Tìm kiếm", Handle: h.searchDocuments},
		{Command: "dang", Callback: "dang", Dialog: "dang", Access: Admin, Description: "Đăng văn bản: gửi tệp kèm chú thích /dang", MenuLabel: "📝 Đăng văn bản", Handle: h.publishDocument},
		// push.go: campaigns.
		{Command: "gui", Callback: "gui", Dialog: "gui", Access: Officer, Description: "Gửi văn bản cho đảng viên học tập", MenuLabel: "📤 Gửi văn bản", Handle: h.push},
		{Callback: "hoc", Access: Member, Handle: h.studied},
		{Callback: "gbc", Access: Officer, Handle: h.deliveryReport},
		{Command: "moi", Callback: "moi", Access: Secretary, Description: "Tạo mã mời liên kết cho đảng viên", MenuLabel: "✉️ Mã mời", Handle: h.invites},
		{Command: "nhap", Callback: "nhap", Access: Admin, Description: "Nhập danh sách đảng viên hoặc tổ chức từ tệp Excel/CSV", MenuLabel: "📥 Nhập danh sách", Handle: h.rosterImport},
		{Command: "trogiup", Access: Public, Description: "Hướng dẫn sử dụng", MenuLabel: "❓ Trợ giúp", Handle: h.help},
		{Command: "huy", Access: Public, Description: "Hủy thao tác đang làm", Handle: h.cancel},
	}
}

// Request is one update being handled: who sent it, what it says, and the
// replies the handler queues. Replies are sent after the update's
// transaction commits, so nothing is announced that did not happen.
type Request struct {
	Update  tgbotapi.Update
	UserID  int64
	ChatID  int64
	Text    string // message text or caption, trimmed
	Command string // lower-case command without slash and @bot suffix
	Args    string // text after the command
	// Data is the callback payload after "prefix:".
	Data string
	// Member is nil until the user has linked an account.
	Member *storage.Member
	Roles  []storage.Role
	// Store runs inside the update's transaction.
	Store *storage.Storage
	// Dialog is the user's open dialog, if any.
	Dialog *storage.Dialog
	// Toast is shown when a callback is answered.
	Toast string

	h       *Handlers
	replies []tgbotapi.Chattable
}

// Message is the incoming message, or the message a pressed button sits on.
func (r *Request) Message() *tgbotapi.Message {
	if r.Update.Message != nil {
		return r.Update.Message
	}
	if r.Update.CallbackQuery != nil {
		return r.Update.CallbackQuery.Message
	}
	return nil
}

// Now is the handlers' clock.
func (r *Request) Now() time.Time { return r.h.deps.Now().In(r.h.deps.Location) }

// Queue adds any request to the replies.
func (r *Request) Queue(c tgbotapi.Chattable) { r.replies = append(r.replies, c) }

// afterSend is a queued request whose result the handler needs.
type afterSend struct {
	tgbotapi.Chattable
	then func(ctx context.Context, m tgbotapi.Message) error
}

// QueueThen queues c like Queue and, once it has been sent, calls then with
// the message Telegram returned (the file_id of an upload, say). Replies go
// out after the update's transaction committed, so then runs outside it:
// it writes through Handlers' own store, in its own short statement.
func (r *Request) QueueThen(c tgbotapi.Chattable, then func(ctx context.Context, m tgbotapi.Message) error) {
	r.replies = append(r.replies, afterSend{Chattable: c, then: then})
}

// Reply queues an HTML message to the user; markup may be nil, an inline
// keyboard, a reply keyboard or a keyboard removal.
func (r *Request) Reply(text string, markup any) {
	m := tgbotapi.NewMessage(r.ChatID, text)
	m.ParseMode = tgbotapi.ModeHTML
	m.DisableWebPagePreview = true
	if markup != nil {
		m.ReplyMarkup = markup
	}
	r.Queue(m)
}

// Show edits the message a button was pressed on when there is one (fewer
// messages on a slow phone), and sends a new message otherwise.
func (r *Request) Show(text string, kb *tgbotapi.InlineKeyboardMarkup) {
	cq := r.Update.CallbackQuery
	if cq == nil || cq.Message == nil {
		if kb != nil {
			r.Reply(text, *kb)
		} else {
			r.Reply(text, nil)
		}
		return
	}
	e := tgbotapi.NewEditMessageText(r.ChatID, cq.Message.MessageID, text)
	e.ParseMode = tgbotapi.ModeHTML
	e.DisableWebPagePreview = true
	e.ReplyMarkup = kb
	r.Queue(e)
}

// Has reports whether the member holds a role at least as strong as access
// anywhere. Admins may do what officers do; officers what secretaries do.
func (r *Request) Has(access Access) bool {
	switch access {
	case Public:
		return true
	case Member:
		return r.Member != nil
	}
	if r.Member == nil {
		return false
	}
	for _, role := range r.Roles {
		if roleAccess(role) >= access {
			return true
		}
	}
	return false
}

// roleAccess is what a role allows. The admin actions (roster, publishing,
// withdrawing) act on the whole commune, so an admin role counts as Admin
// only at the root; lower in the tree it oversees its subtree as an officer.
func roleAccess(role storage.Role) Access {
	switch role.Role {
	case storage.RoleAdmin:
		if role.AtRoot {
			return Admin
		}
		return Officer
	case storage.RoleOfficer:
		return Officer
	case storage.RoleSecretary:
		return Secretary
	}
	return Member
}

// CanSee reports whether the member may see organisation orgID: a role over
// it or over one of its ancestors of at least the given access.
func (r *Request) CanSee(ctx context.Context, access Access, orgID int64) (bool, error) {
	for _, role := range r.Roles {
		if roleAccess(role) < access {
			continue
		}
		ok, err := r.Store.InSubtree(ctx, role.OrgID, orgID)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// HandleUpdate applies one update: in one transaction it records the
// update id (a redelivered update changes nothing), finds the handler and
// runs it; then it sends the queued replies. Expected errors become
// Vietnamese replies; the error returned is only for internal failures,
// already answered with an apology.
//
// A panic in a handler rolls its transaction back and is recovered: the
// user gets the apology, the update is recorded (running it again would
// panic again) and a *PanicError is returned.
func (h *Handlers) HandleUpdate(ctx context.Context, u tgbotapi.Update) (err error) {
	r := &Request{Update: u, h: h}
	defer func() {
		if v := recover(); v != nil {
			err = h.recovered(ctx, r, v, debug.Stack())
		}
	}()
	if !r.parse() {
		// Not ours (a group, a channel, an edit): record it and move on.
		return h.markOnly(ctx, u)
	}
	var handled bool
	err = h.deps.Store.WithTx(ctx, func(s *storage.Storage) error {
		fresh, err := s.MarkUpdate(ctx, u.UpdateID)
		if err != nil || !fresh {
			return err
		}
		handled = true
		r.Store = s
		return h.route(ctx, r)
	})
	if !handled && err == nil {
		return nil // seen before
	}
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		r.replies = nil
		internal := storage.ErrorCode(err) == storage.CodeInternal
		last, retried := attemptOf(ctx)
		if internal && retried && !last {
			return err // the caller tries again: no apology yet
		}
		// An expected error is the answer: the update is done. An internal
		// one (a lost connection, a deadlock) is not recorded, so that a
		// redelivery tries again, unless this was the caller's last try.
		if !internal || last {
			if merr := h.markOnly(ctx, u); merr != nil {
				h.deps.Log.Error("mark failed update", "update_id", u.UpdateID, "err", merr)
			}
		}
		h.answerError(ctx, r, err)
		if internal {
			return err
		}
		return nil
	}
	h.flush(ctx, r)
	return nil
}

type attemptKey struct{}

// WithAttempt tells HandleUpdate that the caller tries the update again
// after an internal failure, unless last: a failed try that is not the last
// is neither answered nor recorded; a failed last try is answered with the
// apology and recorded, so that the update is not redelivered forever.
func WithAttempt(ctx context.Context, last bool) context.Context {
	return context.WithValue(ctx, attemptKey{}, last)
}

func attemptOf(ctx context.Context) (last, retried bool) {
	last, retried = ctx.Value(attemptKey{}).(bool)
	return last, retried
}

// PanicError is a panic recovered while handling an update.
type PanicError struct {
	UpdateID int
	Value    any
	Stack    string
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic handling update %d: %v", e.UpdateID, e.Value)
}

// recovered deals with a panic: WithTx has rolled the update's effects
// back, so the update is recorded on its own and answered with the apology.
func (h *Handlers) recovered(ctx context.Context, r *Request, v any, stack []byte) error {
	pe := &PanicError{UpdateID: r.Update.UpdateID, Value: v, Stack: string(stack)}
	h.deps.Log.Error("panic in handler", "update_id", pe.UpdateID, "user", r.UserID, "panic", fmt.Sprint(v), "stack", pe.Stack)
	if err := h.markOnly(ctx, r.Update); err != nil {
		h.deps.Log.Error("mark panicked update", "update_id", pe.UpdateID, "err", err)
	}
	if r.ChatID == 0 {
		return pe // not a private chat we answer
	}
	defer func() {
		// The apology must not take the process down either.
		if v := recover(); v != nil {
			h.deps.Log.Error("panic answering a panic", "update_id", pe.UpdateID, "panic", fmt.Sprint(v))
		}
	}()
	r.replies = nil
	h.answerError(ctx, r, pe)
	return pe
}

// markOnly records an update that has no effect of its own.
func (h *Handlers) markOnly(ctx context.Context, u tgbotapi.Update) error {
	_, err := h.deps.Store.MarkUpdate(ctx, u.UpdateID)
	return err
}

// parse fills the request from the update and says whether it is one we
// answer: private chats only. Every string of the update is cleaned first,
// so no handler sees a control character a client put there.
func (r *Request) parse() bool {
	r.Update = sanitize(r.Update)
	u := r.Update
	switch {
	case u.Message != nil:
		m := u.Message
		if m.Chat == nil || !m.Chat.IsPrivate() || m.From == nil || m.From.IsBot {
			return false
		}
		r.UserID, r.ChatID = m.From.ID, m.Chat.ID
		r.Text = strings.TrimSpace(m.Text)
		if r.Text == "" {
			r.Text = strings.TrimSpace(m.Caption)
		}
		if strings.HasPrefix(r.Text, "/") {
			cmd, args, _ := strings.Cut(r.Text[1:], " ")
			if nl := strings.IndexByte(cmd, '\n'); nl >= 0 {
				cmd, args = cmd[:nl], cmd[nl+1:]+" "+args
			}
			cmd, _, _ = strings.Cut(cmd, "@")
			r.Command = strings.ToLower(cmd)
			r.Args = strings.TrimSpace(args)
		}
		return true
	case u.CallbackQuery != nil:
		cq := u.CallbackQuery
		if cq.From == nil || cq.Message == nil || cq.Message.Chat == nil || !cq.Message.Chat.IsPrivate() {
			return false
		}
		r.UserID, r.ChatID = cq.From.ID, cq.Message.Chat.ID
		return true
	case u.MyChatMember != nil:
		c := u.MyChatMember
		if !c.Chat.IsPrivate() {
			return false
		}
		r.UserID, r.ChatID = c.From.ID, c.Chat.ID
		return true
	}
	return false
}

// route finds the handler for a request and checks who may use it.
func (h *Handlers) route(ctx context.Context, r *Request) error {
	if err := h.loadMember(ctx, r); err != nil {
		return err
	}
	if r.Update.MyChatMember != nil {
		return h.chatMember(ctx, r)
	}
	hd, err := h.find(ctx, r)
	if err != nil {
		return err
	}
	if hd == nil {
		return h.unknown(ctx, r)
	}
	if hd.Access > Public && r.Member == nil {
		return h.notLinked(ctx, r)
	}
	if !r.Has(hd.Access) {
		return storage.ErrForbidden
	}
	return hd.Handle(ctx, r)
}

// find picks the handler: a command, a button, a special message, or the
// open dialog.
func (h *Handlers) find(ctx context.Context, r *Request) (*Handler, error) {
	if cq := r.Update.CallbackQuery; cq != nil {
		// The data is the client's choice: an empty or unknown name must
		// match nothing, least of all a handler without a command or
		// prefix (those take messages only).
		prefix, payload, _ := strings.Cut(cq.Data, ":")
		if prefix == "cmd" {
			r.Command = payload
			return h.byCommand(payload), nil
		}
		r.Data = payload
		if prefix == "" {
			return nil, nil
		}
		for i := range h.list {
			if h.list[i].Callback == prefix {
				return &h.list[i], nil
			}
		}
		return nil, nil
	}
	if r.Update.Message == nil {
		return nil, nil
	}
	if r.Command != "" {
		return h.byCommand(r.Command), nil
	}
	// Match and dialog handlers read the message: only a message gets here.
	for i := range h.list {
		if h.list[i].Match != nil && h.list[i].Match(r) {
			return &h.list[i], nil
		}
	}
	if r.Member == nil {
		return nil, nil
	}
	d, err := r.Store.Dialog(ctx, r.UserID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.Dialog = &d
	for i := range h.list {
		if h.list[i].Dialog == d.Name && d.Name != "" {
			return &h.list[i], nil
		}
	}
	return nil, nil
}

// byCommand is the handler of a command name, nil for an empty or unknown one.
func (h *Handlers) byCommand(name string) *Handler {
	if name == "" {
		return nil
	}
	for i := range h.list {
		if h.list[i].Command == name {
			return &h.list[i]
		}
	}
	return nil
}

func (h *Handlers) loadMember(ctx context.Context, r *Request) error {
	m, err := r.Store.MemberByTelegram(ctx, r.UserID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	r.Member = &m
	r.Roles, err = r.Store.RolesOf(ctx, m.ID)
	return err
}

// flush sends the queued replies and answers a pressed button.
func (h *Handlers) flush(ctx context.Context, r *Request) {
	for _, c := range r.replies {
		var then func(context.Context, tgbotapi.Message) error
		if a, ok := c.(afterSend); ok {
			c, then = a.Chattable, a.then
		}
		var err error
		var sent tgbotapi.Message
		switch c.(type) {
		case tgbotapi.SetMyCommandsConfig, tgbotapi.DeleteMessageConfig, tgbotapi.CallbackConfig, tgbotapi.ChatActionConfig:
			err = h.deps.Sender.Request(ctx, c)
		default:
			sent, err = h.deps.Sender.Send(ctx, c)
		}
		if err == nil && then != nil {
			if terr := then(ctx, sent); terr != nil {
				h.deps.Log.Warn("after reply failed", "user", r.UserID, "err", terr)
			}
		}
		if e, ok := c.(tgbotapi.EditMessageTextConfig); ok && err != nil && ctx.Err() == nil {
			// The message can't be edited (too old, deleted, not text):
			// say the same in a new message rather than nothing.
			m := tgbotapi.NewMessage(r.ChatID, e.Text)
			m.ParseMode, m.DisableWebPagePreview = e.ParseMode, e.DisableWebPagePreview
			if e.ReplyMarkup != nil {
				m.ReplyMarkup = *e.ReplyMarkup
			}
			_, err = h.deps.Sender.Send(ctx, m)
		}
		if err != nil {
			h.deps.Log.Warn("reply failed", "user", r.UserID, "err", err)
		}
	}
	if cq := r.Update.CallbackQuery; cq != nil {
		if err := h.deps.Sender.Request(ctx, tgbotapi.NewCallback(cq.ID, r.Toast)); err != nil {
			h.deps.Log.Debug("answer callback failed", "err", err)
		}
	}
}

// Vietnamese answers to errors.
const (
	msgForbidden = "Đồng chí không có quyền thực hiện thao tác này."
	msgNotFound  = "Không tìm thấy nội dung đồng chí yêu cầu. Có thể nó đã bị xóa hoặc thay đổi."
	msgInternal  = "Xin lỗi đồng chí, hệ thống đang gặp sự cố. Đồng chí vui lòng thử lại sau ít phút."
)

// answerError is the one place that turns an error into a reply.
func (h *Handlers) answerError(ctx context.Context, r *Request, err error) {
	text := storage.ErrorMessage(err)
	switch code := storage.ErrorCode(err); {
	case code == storage.CodeInternal:
		if pe := (*PanicError)(nil); !errors.As(err, &pe) { // a panic is logged with its stack
			h.deps.Log.Error("update failed", "update_id", r.Update.UpdateID, "user", r.UserID, "err", err)
		}
		text = msgInternal
	case text == "" && code == storage.CodeForbidden:
		text = msgForbidden
	case text == "" && code == storage.CodeNotFound:
		text = msgNotFound
	case text == "":
		text = msgInternal
	}
	// Telegram refuses callback alerts over 200 characters: a longer
	// answer goes as a message, with a short alert pointing at it.
	if cq := r.Update.CallbackQuery; cq != nil && utf8.RuneCountInString(text) > 200 {
		if err := h.deps.Sender.Request(ctx, tgbotapi.NewCallback(cq.ID, "Xem thông báo bên dưới.")); err != nil {
			h.deps.Log.Debug("answer callback failed", "err", err)
		}
		r.Update.CallbackQuery = nil
		defer func() { r.Update.CallbackQuery = cq }()
	}
	if cq := r.Update.CallbackQuery; cq != nil {
		a := tgbotapi.NewCallbackWithAlert(cq.ID, text)
		if err := h.deps.Sender.Request(ctx, a); err != nil {
			h.deps.Log.Debug("answer callback failed", "err", err)
		}
		return
	}
	r.Reply(esc(text), nil)
	h.flush(ctx, r)
}

// Commands returns the commands a member with these roles may use, for
// setMyCommands and /trogiup, in handler-list order.
func (h *Handlers) Commands(linked bool, roles []storage.Role) []tgbotapi.BotCommand {
	r := &Request{Roles: roles}
	if linked {
		r.Member = &storage.Member{}
	}
	var out []tgbotapi.BotCommand
	for _, hd := range h.list {
		if hd.Command == "" || hd.Description == "" || !r.Has(hd.Access) {
			continue
		}
		if !linked && hd.Access > Public {
			continue
		}
		out = append(out, tgbotapi.BotCommand{Command: hd.Command, Description: hd.Description})
	}
	return out
}

// CommandMenus returns the setMyCommands requests that give every private
// chat the member commands and every linked member with a role the commands
// of that role.
func (h *Handlers) CommandMenus(ctx context.Context) ([]tgbotapi.SetMyCommandsConfig, error) {
	out := []tgbotapi.SetMyCommandsConfig{
		tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeAllPrivateChats(), h.Commands(true, nil)...),
	}
	ms, err := h.deps.Store.MembersWithRoles(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		roles, err := h.deps.Store.RolesOf(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(*m.TelegramUserID), h.Commands(true, roles)...))
	}
	return out, nil
}

// chatCommands queues the command menu of this member's chat.
func (r *Request) chatCommands() {
	if r.Member == nil || len(r.Roles) == 0 {
		return
	}
	r.Queue(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(r.ChatID), r.h.Commands(true, r.Roles)...))
}

// sanitize returns a deep copy of u in which every string is valid UTF-8
// without control characters other than tab, line feed and carriage
// return. Any client can send them: U+0000 in a caption, say, which
// PostgreSQL refuses in text and jsonb, so the user would get the system
// apology. Nothing a person types needs them, so they are dropped rather
// than refused. The update's own values are left as they are.
func sanitize(u tgbotapi.Update) tgbotapi.Update {
	v := reflect.ValueOf(&u).Elem()
	cleanValue(v)
	return u
}

// cleanValue replaces, in place, every string reachable from v by its clean
// form, copying what pointers and slices share with the caller first.
func cleanValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !cleanString(s) {
			v.SetString(cleanText(s))
		}
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(v.Elem())
		cleanValue(c.Elem())
		v.Set(c)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() {
				cleanValue(f)
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := 0; i < c.Len(); i++ {
			cleanValue(c.Index(i))
		}
		v.Set(c)
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			cleanValue(v.Index(i))
		}
	case reflect.Map, reflect.Interface:
		// tgbotapi's update types have none that carry client text.
	}
}

func cleanString(s string) bool {
	for _, c := range s {
		if c == utf8.RuneError || isControl(c) {
			return false
		}
	}
	return true
}

func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(c rune) rune {
		if isControl(c) {
			return -1
		}
		return c
	}, s)
}

// isControl reports the C0 and C1 controls and DEL, but not tab, line feed
// or carriage return.
func isControl(c rune) bool {
	switch {
	case c == '\t' || c == '\n' || c == '\r':
		return false
	case c < 0x20, c == 0x7f, c >= 0x80 && c < 0xa0:
		return true
	}
	return false
}
