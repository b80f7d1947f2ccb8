package chat

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
	"sotay/storage/vn"
)

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
	// CB are the fields of a pressed button's data after its prefix.
	CB Args
	// Member is nil until the user has linked an account.
	Member *storage.Member
	Roles  []storage.Role
	// Store runs inside the update's transaction.
	Store *storage.Storage
	// Dialog is the user's open dialog, if any.
	Dialog *storage.Dialog
	// Toast is shown when a callback is answered.
	Toast string

	router  *Router
	replies []tgbotapi.Chattable
	scopes  map[Access]*Scope
}

// ArgID is field i of the pressed button's data as an id; malformed data
// is "not found".
func (r *Request) ArgID(i int) (int64, error) { return r.CB.ID(i) }

// Actor is the user as the audit log and the storage's "by" name them:
// "tg:<Telegram user id>", or "web:<member id>" in a web chat.
func (r *Request) Actor() string {
	if storage.IsWebChat(r.UserID) {
		return storage.WebActor(storage.WebChatMember(r.UserID))
	}
	return fmt.Sprintf("tg:%d", r.UserID)
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
func (r *Request) Now() time.Time { return r.router.Now().In(r.router.Location) }

// ActedAt is when the member made this update, for what is recorded at
// the member's time ("Tôi đã học", notice answers, reports): a web action
// sent after the network returned carries its age (storage.WebActionAt);
// received is when the server got it. Both are zero for a Telegram update,
// which counts from now as ever.
func (r *Request) ActedAt(ctx context.Context) (acted, received time.Time, err error) {
	if r.Update.UpdateID >= 0 || !storage.IsWebChat(r.ChatID) {
		return time.Time{}, time.Time{}, nil
	}
	acted, received, err = r.Store.WebActionAt(ctx, int64(r.Update.UpdateID))
	if errors.Is(err, storage.ErrNotFound) {
		return time.Time{}, time.Time{}, nil
	}
	return acted.In(r.router.Location), received.In(r.router.Location), err
}

// Queue adds any request to the replies.
func (r *Request) Queue(c tgbotapi.Chattable) { r.replies = append(r.replies, c) }

// afterSend is a queued request whose result the handler needs, or that
// has another to send in its place if Telegram refuses it.
type afterSend struct {
	tgbotapi.Chattable
	then   func(ctx context.Context, m tgbotapi.Message) error
	orElse tgbotapi.Chattable
}

// QueueThen queues c like Queue and, once it has been sent, calls then with
// the message Telegram returned (the file_id of an upload, say). Replies go
// out after the update's transaction committed, so then runs outside it:
// it writes through Handlers' own store, in its own short statement.
func (r *Request) QueueThen(c tgbotapi.Chattable, then func(ctx context.Context, m tgbotapi.Message) error) {
	r.replies = append(r.replies, afterSend{Chattable: c, then: then})
}

// QueueOr queues c like Queue and, should it fail, sends fallback in its
// place: a file kept only by its file_id may be a photo or a document (an
// image sent as a file), and Telegram sends each only as what it is.
func (r *Request) QueueOr(c, fallback tgbotapi.Chattable) {
	r.replies = append(r.replies, afterSend{Chattable: c, orElse: fallback})
}

// QueueOrThen is QueueOr whose then (as QueueThen's) gets the message of
// whichever of the two was sent.
func (r *Request) QueueOrThen(c, fallback tgbotapi.Chattable, then func(ctx context.Context, m tgbotapi.Message) error) {
	r.replies = append(r.replies, afterSend{Chattable: c, orElse: fallback, then: then})
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
func (r *Request) Show(text string, kb *Markup) {
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

// parse fills the request from the update and says whether it is one we
// answer: private chats only. Every string of the update is cleaned first,
// so no handler sees a control character a client put there.
func (r *Request) parse() bool {
	r.Update = Sanitize(r.Update)
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

// Sanitize returns a deep copy of u in which every string has been through
// vn.Clean: valid UTF-8 without control characters other than tab, line
// feed and carriage return, and without bidirectional controls. Any client
// can send them: U+0000 in a caption, say, which PostgreSQL refuses in text
// and jsonb, or U+202E, which makes a stored topic display reversed.
// Nothing a person types needs them, so they are dropped rather than
// refused. The update's own values are left as they are.
func Sanitize(u tgbotapi.Update) tgbotapi.Update {
	v := reflect.ValueOf(&u).Elem()
	cleanValue(v)
	return u
}

// cleanValue replaces, in place, every string reachable from v by its clean
// form, copying what pointers and slices share with the caller first.
func cleanValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !vn.IsClean(s) {
			v.SetString(vn.Clean(s))
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
