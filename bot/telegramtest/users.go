package telegramtest

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"strings"
	"time"
	"unicode/utf16"

	// Decoders for photo sizes.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage/audio"
)

// Message is a message the bot sent, as it currently stands.
type Message struct {
	ID     int
	ChatID int64
	// Text is the text or caption as the bot sent it, markup included;
	// Plain is what the user sees (HTML tags removed, entities decoded).
	Text      string
	Plain     string
	ParseMode string

	InlineKeyboard [][]tgbotapi.InlineKeyboardButton // current inline keyboard
	ReplyKeyboard  *tgbotapi.ReplyKeyboardMarkup     // when a reply keyboard was sent
	RemoveKeyboard bool                              // when the message removed the reply keyboard
	ReplyTo        int                               // reply_to_message_id, 0 if none

	Document *File
	Photo    *File
	Voice    *File
	Audio    *File

	Edited  int // number of edits
	Deleted bool
	Method  string // sendMessage, sendDocument, sendPhoto, sendVoice, sendAudio, copyMessage
	Time    time.Time
}

// Buttons lists the texts of the inline keyboard's buttons, row by row.
func (m Message) Buttons() []string {
	var out []string
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

// File is a file attached to a message. Data must not be modified.
type File struct {
	FileID   string
	FileName string
	MimeType string
	Data     []byte
	// Duration is a voice note's or audio file's length in seconds.
	Duration int
}

// CallbackAnswer is one answerCallbackQuery call.
type CallbackAnswer struct {
	ID        string
	Text      string
	ShowAlert bool
	URL       string
}

// User is a simulated Telegram user. Its private chat id equals its user id.
type User struct {
	s         *Server
	id        int64
	firstName string
	answers   []CallbackAnswer
}

type chat struct {
	id     int64
	kind   string // private, group
	title  string
	user   *User // private chats
	nextID int
	msgs   map[int]*record
	order  []*record
}

// record is a message in a chat, from the user or the bot. Its fields are
// replaced, never mutated in place, so shallow copies stay consistent.
type record struct {
	msg     tgbotapi.Message
	fromBot bool
	deleted bool
	view    Message // bot messages only
}

type storedFile struct {
	id, uniqueID string
	name, mime   string
	path         string
	data         []byte
	photo        bool
	width        int
	height       int
	// kind is "voice" or "audio" for those, "" for a document or photo;
	// seconds their length.
	kind    string
	seconds int
}

func (f *storedFile) public() *File {
	return &File{FileID: f.id, FileName: f.name, MimeType: f.mime, Data: f.data, Duration: f.seconds}
}

type callbackState struct {
	user     *User
	answered bool
}

// User returns the simulated user with this id, creating it (and its private
// chat) on first use.
func (s *Server) User(id int64, firstName string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.users[id]; ok {
		return u
	}
	u := &User{s: s, id: id, firstName: firstName}
	s.users[id] = u
	s.userOrder = append(s.userOrder, u)
	s.chats[id] = &chat{id: id, kind: "private", user: u, msgs: map[int]*record{}}
	return u
}

// Users lists the simulated users in creation order.
func (s *Server) Users() []*User {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*User(nil), s.userOrder...)
}

// ID is the user's id, which is also their private chat's id.
func (u *User) ID() int64 { return u.id }

// FirstName is the name the user was created with.
func (u *User) FirstName() string { return u.firstName }

func (u *User) tgUser() *tgbotapi.User {
	return &tgbotapi.User{ID: u.id, FirstName: u.firstName, LanguageCode: "vi"}
}

func (c *chat) tgChat() *tgbotapi.Chat {
	if c.kind == "private" {
		return &tgbotapi.Chat{ID: c.id, Type: "private", FirstName: c.user.firstName}
	}
	return &tgbotapi.Chat{ID: c.id, Type: c.kind, Title: c.title}
}

func (c *chat) add(r *record) {
	c.msgs[r.msg.MessageID] = r
	c.order = append(c.order, r)
}

func (c *chat) newID() int {
	c.nextID++
	return c.nextID
}

// fromUser stores a message the user sends and queues it as an update.
func (u *User) fromUser(c *chat, fill func(m *tgbotapi.Message)) *tgbotapi.Message {
	s := u.s
	m := tgbotapi.Message{
		MessageID: c.newID(),
		From:      u.tgUser(),
		Date:      int(time.Now().Unix()),
		Chat:      c.tgChat(),
	}
	fill(&m)
	c.add(&record{msg: m})
	s.enqueueLocked(tgbotapi.Update{Message: copyMsg(m)})
	return copyMsg(m)
}

func copyMsg(m tgbotapi.Message) *tgbotapi.Message { return &m }

func (u *User) private() *chat { return u.s.chats[u.id] }

// commandEntities marks a leading /command (with its @botname suffix) as Telegram does.
func commandEntities(text string) []tgbotapi.MessageEntity {
	if !strings.HasPrefix(text, "/") || len(text) < 2 {
		return nil
	}
	cmd := text
	if i := strings.IndexAny(text, " \n\t"); i >= 0 {
		cmd = text[:i]
	}
	return []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: utf16Len(cmd)}}
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// SendText sends a text message from the user to the bot.
func (u *User) SendText(text string) *tgbotapi.Message {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	return u.fromUser(u.private(), func(m *tgbotapi.Message) {
		m.Text = text
		m.Entities = commandEntities(text)
	})
}

// SendTextInGroup sends a text message from the user in a group chat
// (negative id), which the server then knows as an existing chat.
func (u *User) SendTextInGroup(groupChatID int64, text string) *tgbotapi.Message {
	if groupChatID > 0 {
		groupChatID = -groupChatID
	}
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[groupChatID]
	if c == nil {
		c = &chat{id: groupChatID, kind: "group", title: fmt.Sprintf("Nhóm %d", -groupChatID), msgs: map[int]*record{}}
		s.chats[groupChatID] = c
	}
	return u.fromUser(c, func(m *tgbotapi.Message) {
		m.Text = text
		m.Entities = commandEntities(text)
	})
}

// SendContact shares a contact; contactUserID 0 means the contact is not a
// Telegram user (user_id omitted). Sharing one's own number through a
// request_contact button is SendContact(phone, u.ID()).
func (u *User) SendContact(phone string, contactUserID int64) *tgbotapi.Message {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	name := u.firstName
	if contactUserID != u.id {
		if other, ok := u.s.users[contactUserID]; ok {
			name = other.firstName
		}
	}
	return u.fromUser(u.private(), func(m *tgbotapi.Message) {
		m.Contact = &tgbotapi.Contact{PhoneNumber: phone, FirstName: name, UserID: contactUserID}
	})
}

// SendDocument sends a file; the bot can getFile and download it.
func (u *User) SendDocument(fileName, mimeType string, data []byte, caption string) *tgbotapi.Message {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.storeFileLocked(fileName, mimeType, data, false)
	return u.fromUser(u.private(), func(m *tgbotapi.Message) {
		m.Document = f.document()
		m.Caption = caption
		m.CaptionEntities = commandEntities(caption)
	})
}

// SendPhoto sends a photo; the bot can getFile and download it.
func (u *User) SendPhoto(data []byte, caption string) *tgbotapi.Message {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.storeFileLocked("", "image/jpeg", data, true)
	return u.fromUser(u.private(), func(m *tgbotapi.Message) {
		m.Photo = f.photoSizes()
		m.Caption = caption
		m.CaptionEntities = commandEntities(caption)
	})
}

// SendVoice sends a voice note (OGG/Opus, its length read from it) with a
// caption, as a reply to the bot's message replyTo when it is not 0 (the
// update carries that message, its buttons included); the bot can getFile
// and download it.
func (u *User) SendVoice(data []byte, caption string, replyTo int) *tgbotapi.Message {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.storeMediaLocked("", "audio/ogg", data, "voice", 0)
	return u.fromUser(u.private(), func(m *tgbotapi.Message) {
		m.Voice = f.voice()
		m.Caption = caption
		m.CaptionEntities = commandEntities(caption)
		m.ReplyToMessage = u.repliedLocked(replyTo)
	})
}

// SendAudio sends an audio file (MP3, M4A...) as SendVoice sends a voice note.
func (u *User) SendAudio(fileName, mimeType string, data []byte, caption string, replyTo int) *tgbotapi.Message {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.storeMediaLocked(fileName, mimeType, data, "audio", 0)
	return u.fromUser(u.private(), func(m *tgbotapi.Message) {
		m.Audio = f.audio()
		m.Caption = caption
		m.CaptionEntities = commandEntities(caption)
		m.ReplyToMessage = u.repliedLocked(replyTo)
	})
}

// repliedLocked is the message of the user's chat a message replies to,
// as Telegram gives it in reply_to_message (without its own reply), nil
// for 0 or a message that is not there.
func (u *User) repliedLocked(id int) *tgbotapi.Message {
	r := u.private().msgs[id]
	if id == 0 || r == nil || r.deleted {
		return nil
	}
	m := r.msg
	m.ReplyToMessage = nil
	return &m
}

// Press presses a callback button with data on the bot's message messageID
// in the user's private chat, and returns the callback query id.
func (u *User) Press(messageID int, data string) string {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	return u.pressLocked(messageID, data)
}

func (u *User) pressLocked(messageID int, data string) string {
	s := u.s
	s.callbackSq++
	id := fmt.Sprint(s.callbackSq)
	q := &tgbotapi.CallbackQuery{
		ID:           id,
		From:         u.tgUser(),
		ChatInstance: fmt.Sprintf("-%d", 7000000000000000000+u.id),
		Data:         data,
	}
	if r := u.private().msgs[messageID]; r != nil && r.fromBot && !r.deleted {
		q.Message = copyMsg(r.msg)
	}
	s.callbacks[id] = &callbackState{user: u}
	s.enqueueLocked(tgbotapi.Update{CallbackQuery: q})
	return id
}

// PressButton presses the button with this text on the newest message the
// bot sent to the user that has one, and returns the callback query id.
func (u *User) PressButton(text string) (string, error) {
	s := u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	c := u.private()
	for i := len(c.order) - 1; i >= 0; i-- {
		r := c.order[i]
		if !r.fromBot || r.deleted {
			continue
		}
		for _, row := range r.view.InlineKeyboard {
			for _, b := range row {
				if b.Text != text {
					continue
				}
				if b.CallbackData == nil {
					return "", fmt.Errorf("telegramtest: button %q on message %d has no callback data", text, r.view.ID)
				}
				return u.pressLocked(r.view.ID, *b.CallbackData), nil
			}
		}
	}
	return "", fmt.Errorf("telegramtest: no message to user %d has a button %q; buttons: %q", u.id, text, u.buttonsLocked())
}

func (u *User) buttonsLocked() []string {
	var all []string
	for _, r := range u.private().order {
		if r.fromBot && !r.deleted {
			all = append(all, r.view.Buttons()...)
		}
	}
	return all
}

// Messages is everything the bot sent to the user's private chat, in order,
// as it currently stands (deleted messages are kept, marked Deleted).
func (u *User) Messages() []Message { return u.s.Sent(u.id) }

// LastMessage is the newest message the bot sent to the user.
func (u *User) LastMessage() (Message, bool) {
	msgs := u.Messages()
	if len(msgs) == 0 {
		return Message{}, false
	}
	return msgs[len(msgs)-1], true
}

// CallbackAnswers lists answerCallbackQuery calls for the user's presses.
func (u *User) CallbackAnswers() []CallbackAnswer {
	u.s.mu.Lock()
	defer u.s.mu.Unlock()
	return append([]CallbackAnswer(nil), u.answers...)
}

// WaitMessage waits until a message the bot sent or edited in the user's
// chat, not deleted, matches; the newest match wins, already present
// messages included. match runs without the server's lock held.
func (u *User) WaitMessage(timeout time.Duration, match func(Message) bool) (Message, error) {
	var found Message
	msgs, err := u.s.waitFor(u.id, timeout, func(msgs []Message) bool {
		for i := len(msgs) - 1; i >= 0; i-- {
			if !msgs[i].Deleted && match(msgs[i]) {
				found = msgs[i]
				return true
			}
		}
		return false
	})
	if err != nil {
		return Message{}, fmt.Errorf("telegramtest: no matching message to user %d within %s (%v); got %s", u.id, timeout, err, describe(msgs))
	}
	return found, nil
}

// WaitMessages waits until the bot has sent at least n messages to the user
// and returns them all.
func (u *User) WaitMessages(timeout time.Duration, n int) ([]Message, error) {
	msgs, err := u.s.waitFor(u.id, timeout, func(msgs []Message) bool { return len(msgs) >= n })
	if err != nil {
		return msgs, fmt.Errorf("telegramtest: want %d messages to user %d within %s (%v); got %s", n, u.id, timeout, err, describe(msgs))
	}
	return msgs, nil
}

func describe(msgs []Message) string {
	if len(msgs) == 0 {
		return "none"
	}
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "\n  #%d %s %q buttons=%q", m.ID, m.Method, m.Plain, m.Buttons())
	}
	return b.String()
}

// waitFor checks a chat's messages each time a bot message changes, until
// cond holds or the timeout passes, and returns the last messages seen.
func (s *Server) waitFor(chatID int64, timeout time.Duration, cond func([]Message) bool) ([]Message, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		s.mu.Lock()
		msgs := s.sentLocked(chatID)
		ch := s.msgCh
		s.mu.Unlock()
		if cond(msgs) {
			return msgs, nil
		}
		select {
		case <-ch:
		case <-t.C:
			return msgs, fmt.Errorf("timeout")
		case <-s.done:
			return msgs, fmt.Errorf("server closed")
		}
	}
}

// Sent is everything the bot sent to a chat, in order, as it currently stands.
func (s *Server) Sent(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sentLocked(chatID)
}

func (s *Server) sentLocked(chatID int64) []Message {
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	var out []Message
	for _, r := range c.order {
		if r.fromBot {
			out = append(out, r.view)
		}
	}
	return out
}

// AllSent is everything the bot sent, every chat, in send order.
func (s *Server) AllSent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.sentOrder))
	for _, r := range s.sentOrder {
		out = append(out, r.view)
	}
	return out
}

// storeFileLocked keeps a file so getFile and downloads find it.
func (s *Server) storeFileLocked(name, mimeType string, data []byte, photo bool) *storedFile {
	s.fileSeq++
	n := s.fileSeq
	f := &storedFile{name: name, mime: mimeType, data: data, photo: photo}
	if photo {
		f.id = fmt.Sprintf("AgACAgUAAxkBAAI%08dFAKEphoto", n)
		f.uniqueID = fmt.Sprintf("AQAD%08d", n)
		f.path = fmt.Sprintf("photos/file_%d.jpg", n)
		f.name = ""
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
			f.width, f.height = cfg.Width, cfg.Height
		}
	} else {
		f.id = fmt.Sprintf("BQACAgUAAxkBAAI%08dFAKEdoc", n)
		f.uniqueID = fmt.Sprintf("AgAD%08d", n)
		ext := ""
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			ext = name[i:]
		}
		f.path = fmt.Sprintf("documents/file_%d%s", n, ext)
	}
	s.files[f.id] = f
	s.filesPath[f.path] = f
	return f
}

// storeMediaLocked keeps a voice note or an audio file (kind) of this
// length in seconds; 0 reads the length from the file, as Telegram does.
func (s *Server) storeMediaLocked(name, mimeType string, data []byte, kind string, seconds int) *storedFile {
	f := s.storeFileLocked(name, mimeType, data, false)
	delete(s.files, f.id)
	f.kind, f.seconds = kind, seconds
	if seconds <= 0 {
		if info, err := audio.Probe(data); err == nil {
			f.seconds = int(math.Round(info.Duration.Seconds()))
		}
	}
	if kind == "voice" {
		f.id = strings.Replace(f.id, "BQACAgUAAxkBAAI", "AwACAgUAAxkBAAI", 1)
		f.id = strings.Replace(f.id, "FAKEdoc", "FAKEvoice", 1)
		f.name = ""
		if mimeType == "application/octet-stream" {
			f.mime = "audio/ogg"
		}
	} else {
		f.id = strings.Replace(f.id, "BQACAgUAAxkBAAI", "CQACAgUAAxkBAAI", 1)
		f.id = strings.Replace(f.id, "FAKEdoc", "FAKEaudio", 1)
	}
	s.files[f.id] = f
	return f
}

func (f *storedFile) voice() *tgbotapi.Voice {
	return &tgbotapi.Voice{FileID: f.id, FileUniqueID: f.uniqueID, Duration: f.seconds, MimeType: f.mime, FileSize: len(f.data)}
}

func (f *storedFile) audio() *tgbotapi.Audio {
	return &tgbotapi.Audio{FileID: f.id, FileUniqueID: f.uniqueID, Duration: f.seconds, FileName: f.name, MimeType: f.mime, FileSize: len(f.data)}
}

func (f *storedFile) document() *tgbotapi.Document {
	return &tgbotapi.Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: f.mime, FileSize: len(f.data)}
}

func (f *storedFile) photoSizes() []tgbotapi.PhotoSize {
	return []tgbotapi.PhotoSize{{FileID: f.id, FileUniqueID: f.uniqueID, Width: f.width, Height: f.height, FileSize: len(f.data)}}
}

// subscriber receives bot messages for the demo page. Sends never block the
// server: when the buffer is full the oldest message is dropped.
type subscriber struct{ ch chan Message }

// Subscribe streams every message the bot sends, edits or deletes (the
// current state each time). Call the returned func to stop; a slow reader
// loses the oldest messages rather than slowing the server.
func (s *Server) Subscribe() (<-chan Message, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subSeq++
	id := s.subSeq
	sub := &subscriber{ch: make(chan Message, 256)}
	s.subscribers[id] = sub
	return sub.ch, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.subscribers[id]; ok {
			delete(s.subscribers, id)
			close(sub.ch)
		}
	}
}

// changedLocked publishes a bot message's new state to waiters and subscribers.
func (s *Server) changedLocked(m Message) {
	close(s.msgCh)
	s.msgCh = make(chan struct{})
	for _, sub := range s.subscribers {
		for {
			select {
			case sub.ch <- m:
			default:
				select {
				case <-sub.ch:
				default:
				}
				continue
			}
			break
		}
	}
}
