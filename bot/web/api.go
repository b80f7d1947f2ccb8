package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot"
	"sotay/storage"
)

// The page's JSON API: the long poll of the member's chat, and what the
// member does — send text, press a button — each entering the bot's
// dispatcher as a Telegram update of the member's web chat (the files of
// the chat: files.go).

// Limits of the page's requests.
const (
	maxText    = 4096 // as Telegram's
	firstPage  = 60   // messages a page gets when it starts
	batchLimit = 200  // changes one answer carries at most
	// maxAge is the oldest an action may say it is (a phone offline for a
	// week); the server decides later what it believes.
	maxAge = 7 * 24 * time.Hour
)

// clientIDShape is the page's id of an action: random, URL-safe.
var clientIDShape = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// Updates is the answer of a long poll.
type Updates struct {
	// Epoch changes when the server restarts: the page then starts over.
	Epoch string `json:"epoch"`
	Rev   int64  `json:"rev"`
	// Reset says Messages are the whole chat (its newest part): the page
	// drops what it shows.
	Reset    bool                  `json:"reset"`
	Messages []Message             `json:"messages"`
	Commands []tgbotapi.BotCommand `json:"commands,omitempty"`
	Me       *Me                   `json:"me,omitempty"`
}

// Me is the signed-in member, for the page's header.
type Me struct {
	// ID tells the page whose are the messages and actions it keeps on
	// the phone: another member signing in on it does not get them.
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Org  string `json:"org"`
	// Upload shows the 📎 (officers and admins, api/upload).
	Upload bool `json:"upload,omitempty"`
}

// updates answers with the member's chat changed since rev, waiting up to
// the poll timeout for a change. A page that starts (no epoch), or one from
// before a restart, gets the newest part of the chat and the command menu.
func (s *Server) updates(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	q := r.URL.Query()
	since, err := strconv.ParseInt(q.Get("since"), 10, 64)
	if q.Get("epoch") != s.epoch || err != nil || since < 0 {
		s.reset(w, r, c)
		return
	}
	t := time.NewTimer(s.pollWait)
	defer t.Stop()
	for {
		// Waiting starts before looking: a change between the two wakes it.
		ch, done := s.waiters.wait(c.member.ID)
		msgs, err := s.store.WebInbox(ctx, c.member.ID, since, batchLimit)
		if err != nil {
			done()
			s.fail(w, r, err)
			return
		}
		if len(msgs) > 0 {
			done()
			s.answer(w, r, Updates{Epoch: s.epoch, Rev: msgs[len(msgs)-1].Rev, Messages: s.page(msgs)})
			return
		}
		select {
		case <-ch:
			done()
		case <-t.C:
			done()
			s.answer(w, r, Updates{Epoch: s.epoch, Rev: since, Messages: []Message{}})
			return
		case <-s.env.Ctx.Done():
			done()
			s.answer(w, r, Updates{Epoch: s.epoch, Rev: since, Messages: []Message{}})
			return
		case <-ctx.Done():
			done()
			return
		}
	}
}

// reset answers a page that starts: the newest messages, the rev they go
// up to, the command menu and who is signed in.
func (s *Server) reset(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rev, err := s.store.WebInboxRev(ctx, c.member.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs, err := s.store.WebInbox(ctx, c.member.ID, 0, firstPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := Updates{Epoch: s.epoch, Rev: rev, Reset: true, Messages: s.page(msgs), Commands: []tgbotapi.BotCommand{},
		Me: &Me{ID: c.member.ID, Name: c.member.FullName, Org: c.member.OrgName}}
	if u.Me.Upload, err = s.mayUpload(r, c); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.cfg.Commands != nil {
		if u.Commands, err = s.cfg.Commands(ctx, c.member); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.answer(w, r, u)
}

func (s *Server) page(msgs []storage.WebMessage) []Message {
	out := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, pageMessage(s.policy, s.base, m))
	}
	return out
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, u Updates) {
	writeJSON(w, r, http.StatusOK, u)
}

// action is what the page sends for a text or a press: its client id (the
// same when sent again) and how many milliseconds before sending it the
// member acted.
type action struct {
	ClientID  string `json:"clientId"`
	Age       int64  `json:"age"`
	Text      string `json:"text"`
	MessageID int64  `json:"messageId"`
	Data      string `json:"data"`
	// Queued: the page kept it while offline and sends it now.
	Queued bool `json:"queued"`
}

// readAction reads an action; where it is wrong it has answered.
func (s *Server) readAction(w http.ResponseWriter, r *http.Request, c *caller) (action, bool) {
	var a action
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&a); err != nil {
		writeError(w, r, http.StatusBadRequest, "Yêu cầu không đọc được (cần JSON).")
		return a, false
	}
	if !clientIDShape.MatchString(a.ClientID) {
		writeError(w, r, http.StatusBadRequest, "Yêu cầu thiếu mã thao tác (clientId): đồng chí hãy tải lại trang.")
		return a, false
	}
	if a.Age < 0 || time.Duration(a.Age)*time.Millisecond > maxAge {
		a.Age = 0
	}
	if !s.limits.actions.allow(strconv.FormatInt(c.member.ID, 10)) {
		s.metrics.refused.WithLabelValues("limited").Inc()
		writeError(w, r, http.StatusTooManyRequests, "Đồng chí thao tác nhanh quá: xin chờ một chút rồi thử lại.")
		return a, false
	}
	return a, true
}

// send takes text from the member: it goes in their chat, then to the
// dispatcher as a message of their web chat. The answer comes when the
// bot has handled it (its replies are in the chat).
func (s *Server) send(w http.ResponseWriter, r *http.Request, c *caller) {
	a, ok := s.readAction(w, r, c)
	if !ok {
		return
	}
	text := strings.TrimSpace(a.Text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		writeError(w, r, http.StatusBadRequest, "Tin nhắn trống: đồng chí hãy gõ nội dung rồi bấm Gửi.")
		return
	case n > maxText:
		writeError(w, r, http.StatusBadRequest, fmt.Sprintf("Tin nhắn dài %d ký tự, quá giới hạn %d ký tự: hãy chia thành nhiều tin.", n, maxText))
		return
	}
	rec, err := s.store.RecordWebAction(r.Context(), c.member.ID, a.ClientID, time.Duration(a.Age)*time.Millisecond,
		&storage.WebMessageInput{Text: text})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.countQueued(a, rec)
	s.waiters.wake(c.member.ID) // the member's other devices show what they wrote
	chatID := storage.WebChatID(c.member.ID)
	u := tgbotapi.Update{UpdateID: int(rec.UpdateID), Message: &tgbotapi.Message{
		MessageID: int(rec.MessageID), From: c.user(), Chat: &tgbotapi.Chat{ID: chatID, Type: "private"},
		Date: int(s.store.Now().Unix()), Text: text,
	}}
	if !s.apply(w, r, "text", u) {
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]int64{"id": rec.MessageID})
}

// press presses an inline button of a message in the member's chat; the
// answer carries the bot's toast. Only a button the message carries can be
// pressed, as in Telegram; the handlers check what it names all the same.
func (s *Server) press(w http.ResponseWriter, r *http.Request, c *caller) {
	a, ok := s.readAction(w, r, c)
	if !ok {
		return
	}
	m, err := s.store.WebMessage(r.Context(), c.member.ID, a.MessageID)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	if err != nil || !hasButton(m, a.Data) {
		// A press sent again (the page kept it offline and its first send
		// went through) was applied once; its message has changed since.
		if seen, serr := s.store.WebActionSeen(r.Context(), c.member.ID, a.ClientID); serr == nil && seen {
			s.metrics.actions.WithLabelValues("press", "duplicate").Inc()
			writeJSON(w, r, http.StatusOK, Toast{})
			return
		}
		writeError(w, r, http.StatusBadRequest, "Nút này không còn trên tin nhắn: tin nhắn đã được sửa hoặc xóa.")
		return
	}
	rec, err := s.store.RecordWebAction(r.Context(), c.member.ID, a.ClientID, time.Duration(a.Age)*time.Millisecond, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.countQueued(a, rec)
	id := callbackPrefix + strconv.FormatInt(-rec.UpdateID, 10)
	toast, stop := s.inbox.waitToast(id)
	defer stop()
	chatID := storage.WebChatID(c.member.ID)
	msg := &tgbotapi.Message{MessageID: int(m.ID), Chat: &tgbotapi.Chat{ID: chatID, Type: "private"}, Date: int(m.CreatedAt.Unix()), Text: m.Text}
	if mk := decodeMarkup(m.ReplyMarkup); len(mk.Inline) > 0 {
		msg.ReplyMarkup = &tgbotapi.InlineKeyboardMarkup{InlineKeyboard: mk.Inline}
	}
	u := tgbotapi.Update{UpdateID: int(rec.UpdateID), CallbackQuery: &tgbotapi.CallbackQuery{
		ID: id, From: c.user(), Message: msg, ChatInstance: strconv.FormatInt(chatID, 10), Data: a.Data,
	}}
	if !s.apply(w, r, "press", u) {
		return
	}
	select {
	case t := <-toast:
		writeJSON(w, r, http.StatusOK, t)
	default:
		writeJSON(w, r, http.StatusOK, Toast{})
	}
}

// countQueued counts an action the page kept offline, the first time it
// arrives.
func (s *Server) countQueued(a action, rec storage.WebAction) {
	if a.Queued && rec.Fresh {
		s.metrics.queued.Inc()
	}
}

// apply runs an update through the dispatcher and says whether it was
// handled; where it was not it has answered.
func (s *Server) apply(w http.ResponseWriter, r *http.Request, kind string, u tgbotapi.Update) bool {
	o := s.env.Dispatcher.Apply(r.Context(), u)
	switch o.Result {
	case bot.Applied:
		s.metrics.actions.WithLabelValues(kind, "ok").Inc()
		return true
	case bot.Seen:
		s.metrics.actions.WithLabelValues(kind, "duplicate").Inc()
		return true
	case bot.Panicked:
		// The member has the apology in their chat.
		s.metrics.actions.WithLabelValues(kind, "error").Inc()
		return true
	}
	s.metrics.actions.WithLabelValues(kind, "error").Inc()
	if r.Context().Err() != nil {
		return false
	}
	writeError(w, r, http.StatusServiceUnavailable, "Hệ thống đang bận, thao tác chưa được ghi nhận. Đồng chí vui lòng thử lại.")
	return false
}
