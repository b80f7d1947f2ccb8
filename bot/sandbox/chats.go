package sandbox

import (
	"html"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot/telegramtest"
	"sotay/bot/web"
)

// The chats as the page shows them: what the bot sent, followed from the
// fake Bot API, and what each persona sent, with their buttons and files.

// The page's model of a chat is the web handbook's.
type (
	Message  = web.Message
	Button   = web.Button
	Keyboard = web.Keyboard
	File     = web.File
)

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
	m := Message{ID: int64(v.ID), From: "bot", Edited: v.Edited > 0, Deleted: v.Deleted, RemoveKeyboard: v.RemoveKeyboard, Time: v.Time.UnixMilli()}
	if strings.EqualFold(v.ParseMode, tgbotapi.ModeHTML) {
		m.HTML = web.BodyHTML(s.policy, v.Text, v.ParseMode)
	} else {
		m.HTML = html.EscapeString(v.Plain)
	}
	m.Inline = web.InlineButtons(v.InlineKeyboard)
	if rk := v.ReplyKeyboard; rk != nil {
		m.Reply = web.ReplyKeyboard(*rk)
	}
	if v.Document != nil {
		m.Document = s.fileLocked(*v.Document)
	}
	if v.Photo != nil {
		m.Photo = s.fileLocked(*v.Photo)
	}
	// A voice note or an audio file is shown as a file the browser plays.
	for _, f := range []*telegramtest.File{v.Voice, v.Audio} {
		if f != nil {
			f := *f
			if f.FileName == "" {
				f.FileName = "tom-tat.ogg" // a voice note is OGG/Opus
			}
			m.Document = s.fileLocked(f)
		}
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
	msg := Message{ID: int64(m.MessageID), From: "user", HTML: htmlText, Time: time.Now().UnixMilli(), Rev: s.rev}
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
