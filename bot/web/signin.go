package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// Signing in without passwords. A link (WEB_URL + "vao/<token>") shows one
// button; only its tap, a same-origin form POST that needs no script, uses
// the link up: link previews and mail scanners, which fetch the address on
// their own, leave it usable. The tap starts a session: a cookie that is
// HttpOnly, SameSite=Lax (a member arrives from links in other apps, where
// a Strict cookie would not be sent) and Secure over https, renewed with
// each day's use for 180 days.

// cookieName is the session cookie's.
const cookieName = "sotay_phien"

// LinkURL is the sign-in link of a token under WEB_URL.
func LinkURL(webURL, token string) string { return storage.WebLinkURL(webURL, token) }

// caller is the signed-in member of a request.
type caller struct {
	session storage.WebSession
	member  storage.Member
}

// user is the member as a Telegram user of their web chat.
func (c *caller) user() *tgbotapi.User {
	first := c.member.FullName
	if i := strings.LastIndexByte(first, ' '); i >= 0 {
		first = first[i+1:]
	}
	return &tgbotapi.User{ID: storage.WebChatID(c.member.ID), FirstName: first, LanguageCode: "vi"}
}

// session lets only a signed-in member through, as that member.
func (s *Server) session(next func(http.ResponseWriter, *http.Request, *caller)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.signedIn(w, r)
		if !ok {
			s.metrics.refused.WithLabelValues("session").Inc()
			writeJSON(w, r, http.StatusUnauthorized, map[string]any{"signedOut": true,
				"error": "Đồng chí chưa đăng nhập hoặc phiên đã kết thúc: hãy gõ /web trong Telegram, hoặc đề nghị bí thư chi bộ cấp đường dẫn đăng nhập."})
			return
		}
		next(w, r, c)
	}
}

// signedIn finds the session of the request's cookie; a session used
// again after an hour gets its cookie's 180 days anew.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (*caller, bool) {
	ck, err := r.Cookie(cookieName)
	if err != nil || ck.Value == "" {
		return nil, false
	}
	sess, touched, err := s.store.SessionByToken(r.Context(), ck.Value)
	if err != nil {
		if !errors.Is(err, storage.ErrNotFound) {
			s.log.Warn("web: session", "err", err)
		}
		return nil, false
	}
	m, err := s.store.MemberByID(r.Context(), sess.MemberID)
	if err != nil || !m.Active {
		return nil, false
	}
	if touched {
		s.setCookie(w, ck.Value, storage.WebSessionIdle)
	}
	return &caller{session: sess, member: m}, true
}

func (s *Server) setCookie(w http.ResponseWriter, value string, life time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: value, Path: s.base, MaxAge: int(life.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: s.base, MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// pageData is what the pages' templates draw.
type pageData struct {
	Base    string // WEB_URL's path
	V       string // the assets' version, for their cache
	Title   string
	Message string
	Button  bool
}

var pages = template.Must(template.New("").ParseFS(static, "static/*.html"))

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	d.Base, d.V = s.base, s.version
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, d); err != nil {
		s.log.Error("web: page", "page", name, "err", err)
		plain(w, http.StatusInternalServerError, "Xin lỗi, trang đang gặp sự cố.\n")
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	b := buf.Bytes()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Add("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		b = gzipped(b)
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// home is the chat for a signed-in member, and how to sign in otherwise.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.signedIn(w, r); ok {
		// The service worker keeps this page (not the signed-out one).
		w.Header().Set("X-Sotay-Page", "chat")
		s.render(w, r, http.StatusOK, "chat.html", pageData{})
		return
	}
	s.render(w, r, http.StatusOK, "message.html", pageData{Title: "Đăng nhập sổ tay",
		Message: "Đồng chí chưa đăng nhập. Hãy gõ /web trong Telegram để nhận đường dẫn đăng nhập, " +
			"hoặc đề nghị bí thư chi bộ cấp đường dẫn (hay mã QR) đăng nhập web."})
}

const msgBadLink = "Đường dẫn đăng nhập không đúng, đã được dùng hoặc đã hết hạn. " +
	"Đồng chí hãy gõ /web trong Telegram để nhận đường dẫn mới, hoặc đề nghị bí thư chi bộ cấp lại."

const msgSlowDown = "Đồng chí thử quá nhiều lần. Xin chờ một phút rồi thử lại."

// linkPage shows a sign-in link's one button, without using the link.
func (s *Server) linkPage(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if !s.limits.token.allow(tokenKey(tok)) {
		s.render(w, r, http.StatusTooManyRequests, "message.html", pageData{Title: "Đăng nhập sổ tay", Message: msgSlowDown})
		return
	}
	member, err := s.store.WebLinkMember(r.Context(), tok)
	if err != nil || member == 0 {
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			s.log.Warn("web: link", "err", err)
		}
		s.render(w, r, http.StatusNotFound, "message.html", pageData{Title: "Đăng nhập sổ tay", Message: msgBadLink})
		return
	}
	s.render(w, r, http.StatusOK, "signin.html", pageData{Title: "Đăng nhập sổ tay", Button: true})
}

// signIn is the tap: it uses the link up, starts the session and opens the
// chat.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tok := r.PathValue("token")
	refuse := func(status int, result, msg string) {
		s.metrics.signIns.WithLabelValues(result).Inc()
		s.render(w, r, status, "message.html", pageData{Title: "Đăng nhập sổ tay", Message: msg})
	}
	if !s.limits.token.allow(tokenKey(tok)) {
		refuse(http.StatusTooManyRequests, "limited", msgSlowDown)
		return
	}
	member, err := s.store.WebLinkMember(ctx, tok)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	if member == 0 {
		if !s.limits.unknown.allow("") {
			refuse(http.StatusTooManyRequests, "limited", msgSlowDown)
			return
		}
		refuse(http.StatusNotFound, "refused", msgBadLink)
		return
	}
	if !s.limits.account.allow(strconv.FormatInt(member, 10)) {
		refuse(http.StatusTooManyRequests, "limited", msgSlowDown)
		return
	}
	in, err := s.store.UseWebLink(ctx, tok, device(r.UserAgent()))
	if errors.Is(err, storage.ErrNotFound) {
		refuse(http.StatusNotFound, "refused", msgBadLink)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.metrics.signIns.WithLabelValues("ok").Inc()
	s.greet(ctx, in)
	s.setCookie(w, in.Token, storage.WebSessionIdle)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, s.base, http.StatusSeeOther)
}

// greet opens a chat that is still empty with the member's menu, as
// linking does in Telegram: the bot's /start, applied once per session.
// The page then has something to show, and to press, at once.
func (s *Server) greet(ctx context.Context, in storage.WebSignIn) {
	rev, err := s.store.WebInboxRev(ctx, in.Member.ID)
	if err != nil || rev > 0 {
		return
	}
	rec, err := s.store.RecordWebAction(ctx, in.Member.ID, "signin-"+strconv.FormatInt(in.Session.ID, 10), 0, nil)
	if err != nil {
		s.log.Warn("web: greeting", "err", err)
		return
	}
	c := &caller{session: in.Session, member: in.Member}
	chatID := storage.WebChatID(in.Member.ID)
	u := tgbotapi.Update{UpdateID: int(rec.UpdateID), Message: &tgbotapi.Message{From: c.user(),
		Chat: &tgbotapi.Chat{ID: chatID, Type: "private"}, Date: int(s.store.Now().Unix()), Text: "/start"}}
	if o := s.env.Dispatcher.Apply(ctx, u); o.Err != nil {
		s.log.Warn("web: greeting", "err", o.Err)
	}
}

// tokenKey is a link's key in the rate limits: a prefix is enough, and the
// token itself stays out of memory longer than needed.
func tokenKey(tok string) string {
	if len(tok) > 12 {
		return tok[:12]
	}
	return tok
}

// device is what the session list calls a browser: a phone's or
// computer's system and the browser, from the User-Agent, short.
func device(ua string) string {
	sys := ""
	switch {
	case strings.Contains(ua, "Android"):
		sys = "Android"
	case strings.Contains(ua, "iPhone"), strings.Contains(ua, "iPad"):
		sys = "iPhone/iPad"
	case strings.Contains(ua, "Windows"):
		sys = "Windows"
	case strings.Contains(ua, "Mac OS"):
		sys = "Mac"
	case strings.Contains(ua, "Linux"):
		sys = "Linux"
	}
	br := ""
	switch {
	case strings.Contains(ua, "Telegram"):
		br = "Telegram"
	case strings.Contains(ua, "Zalo"):
		br = "Zalo"
	case strings.Contains(ua, "Edg/"):
		br = "Edge"
	case strings.Contains(ua, "Firefox/"):
		br = "Firefox"
	case strings.Contains(ua, "Chrome/"):
		br = "Chrome"
	case strings.Contains(ua, "Safari/"):
		br = "Safari"
	}
	out := strings.TrimSpace(br + " · " + sys)
	out = strings.Trim(out, " ·")
	if out == "" {
		return "Trình duyệt khác"
	}
	return out
}

// sessionView is a session as the page lists it.
type sessionView struct {
	ID       int64  `json:"id"`
	Device   string `json:"device"`
	Since    int64  `json:"since"`    // Unix milliseconds
	LastUsed int64  `json:"lastUsed"` // Unix milliseconds
	MadeBy   string `json:"madeBy,omitempty"`
	Current  bool   `json:"current,omitempty"`
}

// sessions lists the member's signed-in devices.
func (s *Server) sessions(w http.ResponseWriter, r *http.Request, c *caller) {
	ss, err := s.store.WebSessions(r.Context(), c.member.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []sessionView{}
	for _, x := range ss {
		out = append(out, sessionView{ID: x.ID, Device: x.Device, Since: x.CreatedAt.UnixMilli(), LastUsed: x.LastUsedAt.UnixMilli(),
			MadeBy: x.MadeBy, Current: x.ID == c.session.ID})
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"sessions": out})
}

// endSession ends one of the member's sessions (this device's signs out).
func (s *Server) endSession(w http.ResponseWriter, r *http.Request, c *caller) {
	var req struct {
		ID int64 `json:"id"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&req); err != nil {
		writeError(w, r, http.StatusBadRequest, "Yêu cầu không đọc được (cần JSON).")
		return
	}
	err := s.store.EndWebSession(r.Context(), c.member.ID, req.ID, storage.WebActor(c.member.ID))
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, r, http.StatusNotFound, "Không có phiên đăng nhập này (có thể đã kết thúc).")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if req.ID == c.session.ID {
		s.clearCookie(w)
	}
	writeJSON(w, r, http.StatusOK, map[string]bool{"ended": true, "signedOut": req.ID == c.session.ID})
}

// logout ends this device's session.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, c *caller) {
	if err := s.store.EndWebSession(r.Context(), c.member.ID, c.session.ID, storage.WebActor(c.member.ID)); err != nil &&
		!errors.Is(err, storage.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	s.clearCookie(w)
	writeJSON(w, r, http.StatusOK, map[string]bool{"signedOut": true})
}

// deviceLink makes a sign-in link for the member's other device, valid 15
// minutes.
func (s *Server) deviceLink(w http.ResponseWriter, r *http.Request, c *caller) {
	if !s.limits.account.allow(strconv.FormatInt(c.member.ID, 10)) {
		writeError(w, r, http.StatusTooManyRequests, msgSlowDown)
		return
	}
	by := c.member.ID
	l, err := s.store.CreateWebLink(r.Context(), storage.WebLinkInput{MemberID: c.member.ID, Purpose: storage.WebLinkDevice,
		Actor: storage.WebActor(c.member.ID), ByMember: &by})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"url": LinkURL(s.cfg.URL, l.Token), "expires": l.ExpiresAt.UnixMilli()})
}
