package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot/telegramtest"
	"sotay/storage"
)

// The page's JSON API: the long poll of a chat, and what a persona does —
// send text, press a button, share its phone, link, upload a file — and
// the files the chat shows.

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
	if (strings.HasPrefix(ctype, "image/") && f.FileName == "") || strings.HasPrefix(ctype, "audio/") {
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
