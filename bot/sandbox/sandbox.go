// Package sandbox is the demo's web chat: a page, embedded in the binary,
// where one plays a member of the demo commune and chats with the real bot
// through the fake Bot API of bot/telegramtest. The chat on the page is the
// web handbook's (bot/web: chat.js, chat.css, the message model and its
// HTML subset); the sandbox adds the persona picker. It serves the page and a
// small JSON API: personas, sending text, pressing buttons, sharing the
// persona's phone, uploading files, a long poll of the chat, and the files
// the bot sent.
package sandbox

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"sotay/bot/telegramtest"
	"sotay/bot/web"
	"sotay/storage"
)

//go:embed static
var static embed.FS

// UserIDBase is added to a member's id to make the Telegram user id of its
// persona: fixed per member, so reloading the page keeps the chat. It is
// 2^52, above every real Telegram user id (they have at most 52
// significant bits) and below the web chats' (storage.WebChatBase, 2^53):
// the demo's personas can meet neither, and JavaScript reads it exactly.
const UserIDBase = 1 << 52

// oldUserIDBase is where personas were before: inside Telegram's range.
const oldUserIDBase = 7_000_000_000

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
	// Hints say, by role, what the role lets a persona do beyond a plain
	// member, for the persona picker; cmd takes them from the handler list.
	Hints map[string]string
}

// Sandbox is the web chat. It is an http.Handler.
type Sandbox struct {
	store  *storage.Storage
	tg     *telegramtest.Server
	log    *slog.Logger
	mux    *http.ServeMux
	policy *bluemonday.Policy // Telegram's HTML subset (web.Policy)
	public bool
	hints  map[string]string
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
	if cfg.Hints == nil {
		cfg.Hints = map[string]string{}
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	s := &Sandbox{
		store: cfg.Store, tg: cfg.TG, log: cfg.Log, policy: web.Policy(), public: cfg.Public, hints: cfg.Hints,
		epoch: hex.EncodeToString(b), done: make(chan struct{}),
		chats: map[int64]map[int]*entry{}, files: map[string]telegramtest.File{}, changed: make(chan struct{}),
	}
	ch, unsub := cfg.TG.Subscribe()
	s.unsub = unsub
	go s.follow(ch)

	sub, _ := fs.Sub(static, "static")
	m := http.NewServeMux()
	// The chat itself is the web handbook's (bot/web): one code for both.
	m.Handle("GET /static/chat.js", http.StripPrefix("/static/", http.FileServerFS(web.Static())))
	m.Handle("GET /static/chat.css", http.StripPrefix("/static/", http.FileServerFS(web.Static())))
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
// marking them unreachable. Personas a sandbox linked at the ids it used
// before (7,000,000,000 + member id) move to theirs now. Call it before the
// bot starts, on the demo's own database only.
func (s *Sandbox) Restore(ctx context.Context) error {
	if _, err := s.store.DB().ExecContext(ctx, `UPDATE members SET telegram_user_id = $1 + id
		WHERE telegram_user_id = $2 + id`, int64(UserIDBase), int64(oldUserIDBase)); err != nil {
		return err
	}
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
