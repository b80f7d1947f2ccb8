package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// Sender is what the handlers send through (chat.Sender has the same
// methods): the bot's Bot API client, the web inbox, or Route of both.
type Sender interface {
	Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error)
	Request(ctx context.Context, c tgbotapi.Chattable) error
}

// maxFile bounds a file the inbox keeps, as Telegram bounds what a bot
// sends (50 MB).
const maxFile = 50 << 20

// Inbox sends to web chats: what the handlers send to a web chat id lands
// in that member's web inbox in PostgreSQL (storage/web_inbox.go), as
// Telegram would show it: new messages, edits of text and buttons,
// deletions and files; a press's answer (the toast) goes back to the page
// request that is waiting for it. It takes only web chats: Route puts it
// beside the Bot API client.
type Inbox struct {
	store *storage.Storage

	mu     sync.Mutex
	toasts map[string]chan Toast // by callback query id, while a press waits
	// sent counts a message put in an inbox; changed wakes the long polls
	// of the member whose chat changed (Server sets both).
	sent    func()
	changed func(memberID int64)
}

// Toast is the answer to a pressed button.
type Toast struct {
	Text  string `json:"toast"`
	Alert bool   `json:"alert,omitempty"`
}

// NewInbox is the sender of web chats on s.
func NewInbox(s *storage.Storage) *Inbox {
	return &Inbox{store: s, toasts: map[string]chan Toast{}, sent: func() {}, changed: func(int64) {}}
}

// errNotWeb is a request for a chat that is not a web chat.
var errNotWeb = errors.New("web: not a web chat")

// notFound is how Telegram says a message cannot be edited or deleted: the
// handlers then send the text anew.
func notFound(what string) error {
	return &tgbotapi.Error{Code: http.StatusBadRequest, Message: "Bad Request: message to " + what + " not found"}
}

// Send puts a message, an edit or a file in a web chat's inbox and returns
// the message as Telegram would. A file's message carries no file_id: the
// handlers keep only Telegram's file ids.
func (in *Inbox) Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error) {
	switch v := c.(type) {
	case tgbotapi.MessageConfig:
		mk, err := markupJSON(v.ReplyMarkup)
		if err != nil {
			return tgbotapi.Message{}, err
		}
		return in.add(ctx, v.ChatID, storage.WebMessageInput{Text: v.Text, ParseMode: v.ParseMode, ReplyMarkup: mk})
	case tgbotapi.EditMessageTextConfig:
		mk, err := markupJSON(v.ReplyMarkup)
		if err != nil {
			return tgbotapi.Message{}, err
		}
		text := v.Text
		return in.edit(ctx, v.BaseEdit, storage.WebEdit{Text: &text, ParseMode: v.ParseMode, ReplyMarkup: mk})
	case tgbotapi.EditMessageReplyMarkupConfig:
		mk, err := markupJSON(v.ReplyMarkup)
		if err != nil {
			return tgbotapi.Message{}, err
		}
		return in.edit(ctx, v.BaseEdit, storage.WebEdit{ReplyMarkup: mk})
	case tgbotapi.DocumentConfig:
		return in.file(ctx, v.BaseFile, v.Caption, v.ParseMode, storage.AsDocument)
	case tgbotapi.PhotoConfig:
		return in.file(ctx, v.BaseFile, v.Caption, v.ParseMode, storage.AsPhoto)
	case tgbotapi.VoiceConfig:
		return in.file(ctx, v.BaseFile, v.Caption, v.ParseMode, storage.AsVoice)
	case tgbotapi.AudioConfig:
		return in.file(ctx, v.BaseFile, v.Caption, v.ParseMode, storage.AsAudio)
	}
	if err := in.Request(ctx, c); err != nil {
		return tgbotapi.Message{}, err
	}
	return tgbotapi.Message{}, nil
}

// Request answers a press (the toast), deletes a message, and takes what a
// web chat has no use for (chat actions, command menus: the page asks for
// the member's commands).
func (in *Inbox) Request(ctx context.Context, c tgbotapi.Chattable) error {
	switch v := c.(type) {
	case tgbotapi.CallbackConfig:
		in.mu.Lock()
		ch := in.toasts[v.CallbackQueryID]
		in.mu.Unlock()
		if ch != nil {
			select {
			case ch <- Toast{Text: v.Text, Alert: v.ShowAlert}:
			default: // answered already (an error's alert after the toast)
			}
		}
		return nil
	case tgbotapi.DeleteMessageConfig:
		if !storage.IsWebChat(v.ChatID) {
			return errNotWeb
		}
		member := storage.WebChatMember(v.ChatID)
		if err := in.store.DeleteWebMessage(ctx, member, int64(v.MessageID)); errors.Is(err, storage.ErrNotFound) {
			return notFound("delete")
		} else if err != nil {
			return err
		}
		in.changed(member)
		return nil
	case tgbotapi.ChatActionConfig, tgbotapi.SetMyCommandsConfig:
		return nil
	}
	return fmt.Errorf("web: %T is not sent to web chats", c)
}

// waitToast registers a press's callback id; the channel gets its answer.
func (in *Inbox) waitToast(id string) (<-chan Toast, func()) {
	ch := make(chan Toast, 1)
	in.mu.Lock()
	in.toasts[id] = ch
	in.mu.Unlock()
	return ch, func() {
		in.mu.Lock()
		delete(in.toasts, id)
		in.mu.Unlock()
	}
}

func (in *Inbox) add(ctx context.Context, chatID int64, m storage.WebMessageInput) (tgbotapi.Message, error) {
	if !storage.IsWebChat(chatID) {
		return tgbotapi.Message{}, errNotWeb
	}
	wm, err := in.store.AddWebMessage(ctx, storage.WebChatMember(chatID), m)
	if err != nil {
		return tgbotapi.Message{}, err
	}
	in.sent()
	in.changed(wm.MemberID)
	return sentMessage(chatID, wm), nil
}

func (in *Inbox) edit(ctx context.Context, e tgbotapi.BaseEdit, ed storage.WebEdit) (tgbotapi.Message, error) {
	if !storage.IsWebChat(e.ChatID) {
		return tgbotapi.Message{}, errNotWeb
	}
	wm, err := in.store.EditWebMessage(ctx, storage.WebChatMember(e.ChatID), int64(e.MessageID), ed)
	if errors.Is(err, storage.ErrNotFound) {
		return tgbotapi.Message{}, notFound("edit")
	}
	if err != nil {
		return tgbotapi.Message{}, err
	}
	in.changed(wm.MemberID)
	return sentMessage(e.ChatID, wm), nil
}

// file keeps a file the bot sends in the file store and shows it in the
// chat (a photo inline, a voice or audio file as a player, anything else
// as a download).
func (in *Inbox) file(ctx context.Context, f tgbotapi.BaseFile, caption, parseMode string, kind storage.TelegramKind) (tgbotapi.Message, error) {
	mk, err := markupJSON(f.ReplyMarkup)
	if err != nil {
		return tgbotapi.Message{}, err
	}
	wf, err := in.keep(ctx, f.File, kind)
	if err != nil {
		return tgbotapi.Message{}, err
	}
	return in.add(ctx, f.ChatID, storage.WebMessageInput{Text: caption, ParseMode: parseMode, ReplyMarkup: mk, File: wf, Photo: kind == storage.AsPhoto})
}

// keep puts a file the bot sends in the file store and returns the
// inbox's reference to it: bytes are kept (once by their SHA-256); a file
// sent by a store reference or by a Telegram file_id the store knows is
// the stored file; a file_id the store has no bytes for is kept as it is,
// fetched once when the member opens it (Server.fileData).
func (in *Inbox) keep(ctx context.Context, fd tgbotapi.RequestFileData, kind storage.TelegramKind) (*storage.WebFile, error) {
	if fd == nil {
		return nil, errors.New("web: a file without data")
	}
	if !fd.NeedsUpload() {
		ref := fd.SendData()
		wf := storage.TelegramWebFile(ref, defaultName(kind), kind)
		if storage.IsStoreRef(ref) {
			wf.Ref = ref
		}
		sf, err := in.store.WebFileStored(ctx, *wf)
		if err == nil {
			return storage.WebFileOf(sf, "", kind), nil
		}
		if !errors.Is(err, storage.ErrNotFound) || storage.IsStoreRef(ref) {
			return nil, err
		}
		// Name, type and size are learnt when the bytes are fetched.
		return wf, nil
	}
	name, r, err := fd.UploadData()
	if err != nil {
		return nil, fmt.Errorf("web: file: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("web: file: %w", err)
	}
	if len(data) > maxFile {
		return nil, &tgbotapi.Error{Code: http.StatusRequestEntityTooLarge, Message: "Request Entity Too Large"}
	}
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	sf, err := in.store.PutFile(ctx, storage.FileInput{Name: name, Mime: fileType(name, data), Data: data})
	if err != nil {
		return nil, err
	}
	wf := storage.WebFileOf(sf, name, kind)
	wf.Mime = fileType(name, data)
	return wf, nil
}

// defaultName is the name of a file whose own is not known.
func defaultName(kind storage.TelegramKind) string {
	switch kind {
	case storage.AsPhoto:
		return "anh.jpg"
	case storage.AsVoice:
		return "ghi-am.ogg"
	case storage.AsAudio:
		return "am-thanh"
	}
	return "tep"
}

// fileType is a file's MIME type: by its name, else by its first bytes.
func fileType(name string, data []byte) string {
	t := mime.TypeByExtension(path.Ext(name))
	if t == "" {
		t = http.DetectContentType(data)
	}
	t, _, _ = strings.Cut(t, ";")
	return t
}

// markupJSON is a reply markup as the inbox keeps it: Telegram's JSON.
func markupJSON(m any) ([]byte, error) {
	switch v := m.(type) {
	case nil:
		return nil, nil
	case *tgbotapi.InlineKeyboardMarkup:
		if v == nil {
			return nil, nil
		}
	case json.RawMessage:
		return v, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("web: reply markup: %w", err)
	}
	return b, nil
}

// sentMessage is a message of the inbox as Telegram returns one sent.
func sentMessage(chatID int64, m storage.WebMessage) tgbotapi.Message {
	at := m.CreatedAt
	if m.EditedAt != nil {
		at = *m.EditedAt
	}
	return tgbotapi.Message{MessageID: int(m.ID), Chat: &tgbotapi.Chat{ID: chatID, Type: "private"},
		Date: int(at.Unix()), Text: m.Text}
}
