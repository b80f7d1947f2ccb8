package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"mime"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

type handlerFunc func(s *Server, c *call) (any, *apiError)

// methods are the Bot API methods the server implements.
var methods = []struct {
	name string
	h    handlerFunc
}{
	{"getMe", getMe},
	{"getUpdates", getUpdates},
	{"setWebhook", setWebhook},
	{"deleteWebhook", deleteWebhook},
	{"getWebhookInfo", getWebhookInfo},
	{"sendMessage", inChat(true, sendMessage)},
	{"sendDocument", func(s *Server, c *call) (any, *apiError) { return sendFile(s, c, "document") }},
	{"sendPhoto", func(s *Server, c *call) (any, *apiError) { return sendFile(s, c, "photo") }},
	{"sendVoice", func(s *Server, c *call) (any, *apiError) { return sendFile(s, c, "voice") }},
	{"sendAudio", func(s *Server, c *call) (any, *apiError) { return sendFile(s, c, "audio") }},
	{"copyMessage", inChat(true, copyMessage)},
	{"editMessageText", onBotMessage(editMessageText)},
	{"editMessageCaption", onBotMessage(editMessageCaption)},
	{"editMessageReplyMarkup", onBotMessage(editMessageReplyMarkup)},
	{"deleteMessage", inChat(false, deleteMessage)},
	{"sendChatAction", inChat(true, sendChatAction)},
	{"answerCallbackQuery", answerCallbackQuery},
	{"setMyCommands", scoped(setMyCommands)},
	{"getMyCommands", scoped(getMyCommands)},
	{"deleteMyCommands", scoped(deleteMyCommands)},
	{"getFile", getFile},
}

// handlers and methodNames are keyed by lower-case method name.
var handlers, methodNames = func() (map[string]handlerFunc, map[string]string) {
	h, n := map[string]handlerFunc{}, map[string]string{}
	for _, m := range methods {
		h[strings.ToLower(m.name)] = m.h
		n[strings.ToLower(m.name)] = m.name
	}
	return h, n
}()

func botUser() *tgbotapi.User {
	return &tgbotapi.User{ID: BotID, IsBot: true, FirstName: BotFirstName, UserName: BotUsername}
}

func getMe(s *Server, c *call) (any, *apiError) {
	u := botUser()
	u.CanJoinGroups = true
	return u, nil
}

// inChat runs h under the server's lock on the chat named by chat_id; see
// targetLocked for checkBlocked.
func inChat(checkBlocked bool, h func(s *Server, c *call, ch *chat) (any, *apiError)) handlerFunc {
	return func(s *Server, c *call) (any, *apiError) {
		s.mu.Lock()
		defer s.mu.Unlock()
		ch, e := s.targetLocked(c, checkBlocked)
		if e != nil {
			return nil, e
		}
		return h(s, c, ch)
	}
}

// onBotMessage runs h under the server's lock on the bot message an edit
// is about (editTargetLocked).
func onBotMessage(h func(s *Server, c *call, r *record) (any, *apiError)) handlerFunc {
	return func(s *Server, c *call) (any, *apiError) {
		s.mu.Lock()
		defer s.mu.Unlock()
		r, e := s.editTargetLocked(c)
		if e != nil {
			return nil, e
		}
		return h(s, c, r)
	}
}

// scoped runs h with the key of the command scope the call names.
func scoped(h func(s *Server, c *call, key string) (any, *apiError)) handlerFunc {
	return func(s *Server, c *call) (any, *apiError) {
		key, e := scopeKey(c)
		if e != nil {
			return nil, e
		}
		return h(s, c, key)
	}
}

// targetLocked is the chat named by chat_id; blocked private chats answer 403.
func (s *Server) targetLocked(c *call, checkBlocked bool) (*chat, *apiError) {
	raw := c.str("chat_id")
	if raw == "" {
		return nil, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	ch := s.chats[id]
	if ch == nil {
		return nil, badRequest("chat not found")
	}
	if checkBlocked && ch.kind == "private" && s.blocked[id] {
		return nil, &apiError{code: 403, desc: "Forbidden: bot was blocked by the user"}
	}
	return ch, nil
}

// markup is a parsed reply_markup.
type markup struct {
	inline [][]tgbotapi.InlineKeyboardButton
	reply  *tgbotapi.ReplyKeyboardMarkup
	remove bool
}

func (m markup) inlineMarkup() *tgbotapi.InlineKeyboardMarkup {
	if len(m.inline) == 0 {
		return nil
	}
	return &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: m.inline}
}

func parseMarkup(raw string) (markup, *apiError) {
	var mk markup
	if raw == "" || raw == "null" {
		return mk, nil
	}
	bad := badRequest("can't parse reply keyboard markup JSON object")
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &fields) != nil {
		return mk, bad
	}
	switch {
	case fields["inline_keyboard"] != nil:
		var ik tgbotapi.InlineKeyboardMarkup
		if json.Unmarshal([]byte(raw), &ik) != nil {
			return mk, bad
		}
		for _, b := range slices.Concat(ik.InlineKeyboard...) {
			if e := checkInlineButton(b); e != nil {
				return mk, e
			}
		}
		if len(ik.InlineKeyboard) > 0 {
			mk.inline = ik.InlineKeyboard
		}
	case fields["keyboard"] != nil:
		var rk tgbotapi.ReplyKeyboardMarkup
		if json.Unmarshal([]byte(raw), &rk) != nil {
			return mk, bad
		}
		for _, b := range slices.Concat(rk.Keyboard...) {
			if b.Text == "" {
				return mk, badRequest("keyboard button text is empty")
			}
		}
		mk.reply = &rk
	case fields["remove_keyboard"] != nil:
		mk.remove = true
	case fields["force_reply"] != nil:
	default:
		return mk, bad
	}
	return mk, nil
}

func checkInlineButton(b tgbotapi.InlineKeyboardButton) *apiError {
	switch {
	case b.CallbackData != nil:
		if n := len(*b.CallbackData); n == 0 || n > 64 {
			return badRequest("BUTTON_DATA_INVALID")
		}
	case b.URL != nil:
		u, err := url.Parse(*b.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "tg") {
			return badRequest("BUTTON_URL_INVALID")
		}
	case b.LoginURL != nil, b.SwitchInlineQuery != nil, b.SwitchInlineQueryCurrentChat != nil,
		b.CallbackGame != nil, b.Pay:
	default:
		return badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	}
	return nil
}

// render turns text and its parse_mode (or explicit entities) into what the
// user sees and its entities.
func render(text, parseMode, entitiesJSON string) (string, []tgbotapi.MessageEntity, *apiError) {
	switch strings.ToLower(parseMode) {
	case "html":
		plain, ents, err := parseHTML(text)
		if err != nil {
			return "", nil, badRequest("can't parse entities: " + err.Error())
		}
		if len(ents) == 0 {
			ents = nil
		}
		return plain, ents, nil
	case "markdown", "markdownv2":
		return text, nil, nil // not parsed: Text keeps the markup
	case "":
		if entitiesJSON == "" || entitiesJSON == "null" {
			return text, nil, nil
		}
		var ents []tgbotapi.MessageEntity
		if json.Unmarshal([]byte(entitiesJSON), &ents) != nil {
			return "", nil, badRequest("can't parse entities JSON object")
		}
		if len(ents) == 0 {
			ents = nil
		}
		return text, ents, nil
	default:
		return "", nil, badRequest("unsupported parse_mode")
	}
}

// markupAndReplyLocked reads what a sent message carries besides its
// content: reply_markup, and the message it replies to.
func (s *Server) markupAndReplyLocked(ch *chat, c *call) (markup, *tgbotapi.Message, *apiError) {
	mk, e := parseMarkup(c.str("reply_markup"))
	if e != nil {
		return mk, nil, e
	}
	replyTo, _, e := s.replyToLocked(ch, c)
	return mk, replyTo, e
}

func (s *Server) replyToLocked(ch *chat, c *call) (*tgbotapi.Message, int, *apiError) {
	id, e := c.int("reply_to_message_id")
	if e != nil || id == 0 {
		return nil, 0, e
	}
	r := ch.msgs[id]
	if r == nil || r.deleted {
		if c.bool("allow_sending_without_reply") {
			return nil, 0, nil
		}
		return nil, 0, badRequest("message to reply not found")
	}
	m := r.msg
	m.ReplyToMessage = nil
	return &m, id, nil
}

// botMessageLocked stores a message the bot sent and publishes it.
func (s *Server) botMessageLocked(ch *chat, method string, mk markup, replyTo *tgbotapi.Message, fill func(m *tgbotapi.Message, v *Message)) *record {
	now := time.Now()
	r := &record{fromBot: true}
	r.msg = tgbotapi.Message{
		MessageID:      ch.newID(),
		From:           botUser(),
		Date:           int(now.Unix()),
		Chat:           ch.tgChat(),
		ReplyToMessage: replyTo,
		ReplyMarkup:    mk.inlineMarkup(),
	}
	r.view = Message{
		ID: r.msg.MessageID, ChatID: ch.id, Method: method, Time: now,
		InlineKeyboard: mk.inline, ReplyKeyboard: mk.reply, RemoveKeyboard: mk.remove,
	}
	if replyTo != nil {
		r.view.ReplyTo = replyTo.MessageID
	}
	fill(&r.msg, &r.view)
	ch.add(r)
	s.sentOrder = append(s.sentOrder, r)
	s.changedLocked(r.view)
	return r
}

func sendMessage(s *Server, c *call, ch *chat) (any, *apiError) {
	text, mode := c.str("text"), c.str("parse_mode")
	plain, ents, e := messageText(text, mode, c.str("entities"))
	if e != nil {
		return nil, e
	}
	mk, replyTo, e := s.markupAndReplyLocked(ch, c)
	if e != nil {
		return nil, e
	}
	r := s.botMessageLocked(ch, "sendMessage", mk, replyTo, func(m *tgbotapi.Message, v *Message) {
		m.Text, m.Entities = plain, ents
		v.Text, v.Plain, v.ParseMode = text, plain, mode
	})
	return r.msg, nil
}

// caption renders caption and parse_mode for media messages.
func caption(c *call) (raw, plain string, ents []tgbotapi.MessageEntity, e *apiError) {
	raw = c.str("caption")
	plain, ents, e = render(raw, c.str("parse_mode"), c.str("caption_entities"))
	if e == nil && utf16Len(plain) > 1024 {
		e = badRequest("message caption is too long")
	}
	return raw, plain, ents, e
}

// sendFile is sendDocument, sendPhoto, sendVoice and sendAudio: field is
// the kind ("document", "photo", "voice", "audio"), which a file_id must
// have been given for. A voice or audio upload's length is the duration
// sent with it, else the file's own (as Telegram reads it), and the answer
// says it.
func sendFile(s *Server, c *call, field string) (any, *apiError) {
	photo := field == "photo"
	var data []byte
	var name string
	uploaded := c.files[field] != nil
	if uploaded {
		fh := c.files[field]
		f, err := fh.Open()
		if err != nil {
			return nil, badRequest("can't read uploaded file")
		}
		data, err = io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, badRequest("can't read uploaded file")
		}
		name = path.Base(fh.Filename)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ch, e := s.targetLocked(c, true)
	if e != nil {
		return nil, e
	}
	rawCaption, plain, ents, e := caption(c)
	if e != nil {
		return nil, e
	}
	mk, replyTo, e := s.markupAndReplyLocked(ch, c)
	if e != nil {
		return nil, e
	}
	var f *storedFile
	switch {
	case uploaded:
		if len(data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		if photo {
			if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil {
				return nil, badRequest("IMAGE_PROCESS_FAILED")
			}
		}
		if field == "voice" || field == "audio" {
			seconds, e := c.int("duration")
			if e != nil {
				return nil, e
			}
			f = s.storeMediaLocked(name, mimeFor(name, false), data, field, seconds)
		} else {
			f = s.storeFileLocked(name, mimeFor(name, photo), data, photo)
		}
	case c.str(field) == "":
		return nil, badRequest(fmt.Sprintf("there is no %s in the request", field))
	default:
		f = s.files[c.str(field)]
		if f == nil {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		if want := kindName(field); kindOf(f) != want {
			return nil, badRequest(fmt.Sprintf("can't use file of type %s as %s", kindOf(f), want))
		}
	}
	method := "send" + kindName(field)
	r := s.botMessageLocked(ch, method, mk, replyTo, func(m *tgbotapi.Message, v *Message) {
		setMedia(m, v, f)
		m.Caption, m.CaptionEntities = plain, ents
		v.Text, v.Plain, v.ParseMode = rawCaption, plain, c.str("parse_mode")
	})
	return r.msg, nil
}

func setMedia(m *tgbotapi.Message, v *Message, f *storedFile) {
	switch {
	case f.photo:
		m.Photo = f.photoSizes()
		v.Photo = f.public()
	case f.kind == "voice":
		m.Voice = f.voice()
		v.Voice = f.public()
	case f.kind == "audio":
		m.Audio = f.audio()
		v.Audio = f.public()
	default:
		m.Document = f.document()
		v.Document = f.public()
	}
}

// kindOf is the type Telegram names a file by in its errors.
func kindOf(f *storedFile) string {
	switch {
	case f.photo:
		return "Photo"
	case f.kind != "":
		return kindName(f.kind)
	}
	return "Document"
}

// kindName is a send method's field as Telegram names the type: "Voice".
func kindName(field string) string { return strings.ToUpper(field[:1]) + field[1:] }

func mimeFor(name string, photo bool) string {
	if photo {
		return "image/jpeg"
	}
	t := mime.TypeByExtension(path.Ext(name))
	if t == "" {
		return "application/octet-stream"
	}
	t, _, _ = strings.Cut(t, ";")
	return t
}

func copyMessage(s *Server, c *call, ch *chat) (any, *apiError) {
	fromID, e := c.int64("from_chat_id")
	if e != nil {
		return nil, e
	}
	from := s.chats[fromID]
	if from == nil {
		return nil, badRequest("chat not found")
	}
	src, e := messageOf(from, c, "copy")
	if e != nil {
		return nil, e
	}
	mk, replyTo, e := s.markupAndReplyLocked(ch, c)
	if e != nil {
		return nil, e
	}
	sm := src.msg
	text, plain, ents, mode := sm.Text, sm.Text, sm.Entities, ""
	if src.fromBot && sm.Text != "" {
		text, mode = src.view.Text, src.view.ParseMode
	}
	var capRaw, capPlain string
	var capEnts []tgbotapi.MessageEntity
	if sm.Text == "" {
		capRaw, capPlain, capEnts = sm.Caption, sm.Caption, sm.CaptionEntities
		if c.has("caption") {
			if capRaw, capPlain, capEnts, e = caption(c); e != nil {
				return nil, e
			}
			mode = c.str("parse_mode")
		}
	}
	r := s.botMessageLocked(ch, "copyMessage", mk, replyTo, func(m *tgbotapi.Message, v *Message) {
		m.Text, m.Entities = sm.Text, sm.Entities
		m.Document, m.Photo, m.Contact = sm.Document, sm.Photo, sm.Contact
		if sm.Document != nil {
			v.Document = s.files[sm.Document.FileID].public()
		}
		if len(sm.Photo) > 0 {
			v.Photo = s.files[sm.Photo[len(sm.Photo)-1].FileID].public()
		}
		if sm.Text != "" {
			v.Text, v.Plain, v.ParseMode = text, plain, mode
			m.Entities = ents
		} else {
			m.Caption, m.CaptionEntities = capPlain, capEnts
			v.Text, v.Plain, v.ParseMode = capRaw, capPlain, mode
		}
	})
	return tgbotapi.MessageID{MessageID: r.msg.MessageID}, nil
}

// messageOf is the message of ch that message_id names, unless it was
// deleted; what is the action in Telegram's "message to ... not found".
func messageOf(ch *chat, c *call, what string) (*record, *apiError) {
	id, e := c.int("message_id")
	if e != nil {
		return nil, e
	}
	r := ch.msgs[id]
	if r == nil || r.deleted {
		return nil, badRequest("message to " + what + " not found")
	}
	return r, nil
}

// editTargetLocked finds the bot message an edit is about.
func (s *Server) editTargetLocked(c *call) (*record, *apiError) {
	if c.str("inline_message_id") != "" {
		return nil, badRequest("message to edit not found")
	}
	ch, e := s.targetLocked(c, true)
	if e != nil {
		return nil, e
	}
	id, e := c.int("message_id")
	if e != nil {
		return nil, e
	}
	if id == 0 {
		return nil, badRequest("message identifier is not specified")
	}
	r := ch.msgs[id]
	if r == nil || r.deleted {
		return nil, badRequest("message to edit not found")
	}
	if !r.fromBot {
		return nil, badRequest("message can't be edited")
	}
	return r, nil
}

func notModified() *apiError {
	return badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
}

func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func editMarkup(c *call) (markup, *apiError) {
	mk, e := parseMarkup(c.str("reply_markup"))
	if e == nil && (mk.reply != nil || mk.remove) {
		e = badRequest("inline keyboard expected")
	}
	return mk, e
}

// applyEditLocked replaces a message's state and publishes it.
func (s *Server) applyEditLocked(r *record, m tgbotapi.Message, v Message) tgbotapi.Message {
	m.EditDate = int(time.Now().Unix())
	v.Edited++
	r.msg, r.view = m, v
	s.changedLocked(v)
	return m
}

// rendered is a text or a caption as sent (raw, in parse mode mode) and as
// the user sees it.
type rendered struct {
	raw, mode, plain string
	ents             []tgbotapi.MessageEntity
}

// replaceContentLocked puts in as the text of a text message, or as the
// caption of a media message, with the inline keyboard of reply_markup.
// An edit that changes nothing is refused, as Telegram does.
func (s *Server) replaceContentLocked(r *record, c *call, in rendered) (any, *apiError) {
	mk, e := editMarkup(c)
	if e != nil {
		return nil, e
	}
	m, v := r.msg, r.view
	plain, ents := &m.Text, &m.Entities
	if m.Text == "" {
		plain, ents = &m.Caption, &m.CaptionEntities
	}
	if in.plain == *plain && sameJSON(in.ents, *ents) && sameJSON(mk.inlineMarkup(), m.ReplyMarkup) {
		return nil, notModified()
	}
	*plain, *ents, m.ReplyMarkup = in.plain, in.ents, mk.inlineMarkup()
	v.Text, v.Plain, v.ParseMode, v.InlineKeyboard = in.raw, in.plain, in.mode, mk.inline
	return s.applyEditLocked(r, m, v), nil
}

func editMessageText(s *Server, c *call, r *record) (any, *apiError) {
	if r.msg.Text == "" {
		return nil, badRequest("there is no text in the message to edit")
	}
	text, mode := c.str("text"), c.str("parse_mode")
	plain, ents, e := messageText(text, mode, c.str("entities"))
	if e != nil {
		return nil, e
	}
	return s.replaceContentLocked(r, c, rendered{text, mode, plain, ents})
}

func editMessageCaption(s *Server, c *call, r *record) (any, *apiError) {
	if r.msg.Text != "" {
		return nil, badRequest("there is no caption in the message to edit")
	}
	raw, plain, ents, e := caption(c)
	if e != nil {
		return nil, e
	}
	return s.replaceContentLocked(r, c, rendered{raw, c.str("parse_mode"), plain, ents})
}

func editMessageReplyMarkup(s *Server, c *call, r *record) (any, *apiError) {
	mk, e := editMarkup(c)
	if e != nil {
		return nil, e
	}
	if sameJSON(mk.inlineMarkup(), r.msg.ReplyMarkup) {
		return nil, notModified()
	}
	m, v := r.msg, r.view
	m.ReplyMarkup, v.InlineKeyboard = mk.inlineMarkup(), mk.inline
	return s.applyEditLocked(r, m, v), nil
}

func deleteMessage(s *Server, c *call, ch *chat) (any, *apiError) {
	r, e := messageOf(ch, c, "delete")
	if e != nil {
		return nil, e
	}
	r.deleted = true
	if r.fromBot {
		r.view.Deleted = true
		s.changedLocked(r.view)
	}
	return true, nil
}

var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true,
	"find_location": true, "record_video_note": true, "upload_video_note": true,
}

func sendChatAction(s *Server, c *call, _ *chat) (any, *apiError) {
	if !chatActions[c.str("action")] {
		return nil, badRequest("wrong parameter action in request")
	}
	return true, nil
}

func answerCallbackQuery(s *Server, c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.str("callback_query_id")
	cb := s.callbacks[id]
	if cb == nil || cb.answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	cb.answered = true
	cb.user.answers = append(cb.user.answers, CallbackAnswer{
		ID: id, Text: c.str("text"), ShowAlert: c.bool("show_alert"), URL: c.str("url"),
	})
	return true, nil
}

// scopeKey names a BotCommandScope as Commands reports it.
func scopeKey(c *call) (string, *apiError) {
	key := "default"
	if raw := c.str("scope"); raw != "" && raw != "null" {
		var sc tgbotapi.BotCommandScope
		if json.Unmarshal([]byte(raw), &sc) != nil {
			return "", badRequest("can't parse BotCommandScope JSON object")
		}
		switch sc.Type {
		case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
			key = sc.Type
		case "chat", "chat_administrators":
			if sc.ChatID == 0 {
				return "", badRequest("chat not found")
			}
			key = fmt.Sprintf("%s:%d", sc.Type, sc.ChatID)
		case "chat_member":
			if sc.ChatID == 0 || sc.UserID == 0 {
				return "", badRequest("chat not found")
			}
			key = fmt.Sprintf("chat_member:%d:%d", sc.ChatID, sc.UserID)
		default:
			return "", badRequest("wrong scope type specified")
		}
	}
	if lang := c.str("language_code"); lang != "" {
		key += "/" + lang
	}
	return key, nil
}

var commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

func setMyCommands(s *Server, c *call, key string) (any, *apiError) {
	raw := c.str("commands")
	if raw == "" {
		return nil, badRequest("parameter \"commands\" is required")
	}
	var cmds []tgbotapi.BotCommand
	if raw != "null" && json.Unmarshal([]byte(raw), &cmds) != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("BOT_COMMANDS_TOO_MUCH")
	}
	for _, cmd := range cmds {
		if !commandRE.MatchString(cmd.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := len([]rune(cmd.Description)); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cmds) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = cmds
	}
	return true, nil
}

func getMyCommands(s *Server, _ *call, key string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]tgbotapi.BotCommand{}, s.commands[key]...), nil
}

func deleteMyCommands(s *Server, _ *call, key string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, key)
	return true, nil
}

func getFile(s *Server, c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[c.str("file_id")]
	if f == nil {
		return nil, badRequest("invalid file_id")
	}
	if len(f.data) > 20<<20 {
		return nil, badRequest("file is too big")
	}
	return tgbotapi.File{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: len(f.data), FilePath: f.path}, nil
}

// messageText checks a message text as Telegram does (not empty, parseable
// markup, at most 4096 UTF-16 units once parsed) and returns what the user
// sees with its entities.
func messageText(text, mode, entities string) (string, []tgbotapi.MessageEntity, *apiError) {
	if strings.TrimSpace(text) == "" {
		return "", nil, badRequest("message text is empty")
	}
	plain, ents, e := render(text, mode, entities)
	if e != nil {
		return "", nil, e
	}
	if strings.TrimSpace(plain) == "" {
		return "", nil, badRequest("message text is empty")
	}
	if utf16Len(plain) > 4096 {
		return "", nil, badRequest("message is too long")
	}
	return plain, ents, nil
}
