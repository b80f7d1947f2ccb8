// Package web is the web handbook: the same conversation as in Telegram, on
// the commune's own address, for the members Telegram does not reach. A
// member signs in with a one-time link; what they type or press becomes a
// Telegram update of their web chat (id storage.WebChatID) and goes through
// the bot's dispatcher to the same handlers; what the handlers send to a
// web chat lands in the member's web inbox in PostgreSQL (Inbox, Route),
// which the page reads by long polling. The page (static/) is the demo
// sandbox's chat, one code for both: the sandbox serves chat.js and
// chat.css from here.
package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/microcosm-cc/bluemonday"
	"github.com/prometheus/client_golang/prometheus"

	"sotay/bot"
	"sotay/storage"
)

//go:embed static
var static embed.FS

// Static is the page's files: chat.js and chat.css, the chat that the web
// handbook and the demo's sandbox share, and the web handbook's own.
func Static() fs.FS {
	sub, _ := fs.Sub(static, "static")
	return sub
}

// Files downloads a file Telegram holds by its file_id (the bot's client).
type Files interface {
	Download(ctx context.Context, fileID string) ([]byte, error)
}

// Config is what the web handbook is built on.
type Config struct {
	// URL is WEB_URL, the public address, ending in "/".
	URL   string
	Store *storage.Storage
	Inbox *Inbox
	// Files fetches the files of the inbox that Telegram holds; nil: they
	// cannot be downloaded.
	Files Files
	// Commands is the command menu of a member, as Telegram shows it.
	Commands func(ctx context.Context, m storage.Member) ([]tgbotapi.BotCommand, error)
	// PollTimeout bounds one long poll; zero takes 25 seconds.
	PollTimeout time.Duration
	// Poll is how often the server looks for changes other processes made
	// (the outbox, another replica); zero takes a second.
	Poll time.Duration
}

// Server serves the web handbook under Config.URL's path; the bot strips
// that path before a request gets here.
type Server struct {
	cfg      Config
	env      bot.WebEnv
	store    *storage.Storage
	inbox    *Inbox
	log      *slog.Logger
	policy   *bluemonday.Policy
	origin   string // scheme://host of URL
	host     string
	base     string // URL's path, ending in "/"
	secure   bool
	epoch    string
	version  string // of the assets, for their cache
	mux      *http.ServeMux
	assets   map[string]asset
	waiters  *waiters
	limits   *limits
	metrics  *metrics
	pollWait time.Duration
}

// New builds the web handbook on the bot's dispatcher and starts looking
// for changes; it stops with env.Ctx.
func New(cfg Config, env bot.WebEnv) (*Server, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("web: WEB_URL %q", cfg.URL)
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 25 * time.Second
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if env.Log == nil {
		env.Log = slog.Default()
	}
	if env.Ctx == nil {
		env.Ctx = context.Background()
	}
	base := u.EscapedPath()
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	s := &Server{cfg: cfg, env: env, store: cfg.Store, inbox: cfg.Inbox, log: env.Log, policy: Policy(),
		origin: u.Scheme + "://" + u.Host, host: strings.ToLower(u.Host), base: base, secure: u.Scheme == "https",
		epoch: randomID(), waiters: newWaiters(), limits: newLimits(), metrics: newMetrics(env.Registry, cfg.Store),
		pollWait: cfg.PollTimeout}
	if s.assets, s.version, err = loadAssets(); err != nil {
		return nil, err
	}
	s.inbox.changed = s.waiters.wake
	s.inbox.sent = s.metrics.delivered.Inc
	go s.watch(env.Ctx, cfg.Poll)

	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("GET /static/{name}", s.asset)
	m.HandleFunc("GET /sw.js", s.serviceWorker)
	m.HandleFunc("GET /"+storage.WebLinkPath+"{token}", s.linkPage)
	m.HandleFunc("POST /"+storage.WebLinkPath+"{token}", s.signIn)
	m.HandleFunc("GET /api/updates", s.session(s.updates))
	m.HandleFunc("POST /api/send", s.session(s.send))
	m.HandleFunc("POST /api/press", s.session(s.press))
	m.HandleFunc("POST /api/upload", s.session(s.upload))
	m.HandleFunc("GET /api/file/{id}", s.session(s.file))
	m.HandleFunc("GET /api/sessions", s.session(s.sessions))
	m.HandleFunc("POST /api/sessions/end", s.session(s.endSession))
	m.HandleFunc("POST /api/logout", s.session(s.logout))
	m.HandleFunc("POST /api/device", s.session(s.deviceLink))
	s.mux = m
	return s, nil
}

// contentPolicy lets the page run only its own scripts and styles: no
// inline script, no other host, no frame around it, forms only to itself.
const contentPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'; manifest-src 'self'"

// ServeHTTP checks the host and the origin, then serves.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", contentPolicy)
	// A sign-in link must not leave in a Referer to another site; within
	// the site it may (with no-referrer at all, a form's Origin is "null").
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	if !strings.EqualFold(r.Host, s.host) {
		// A name that is not WEB_URL's: DNS rebinding, or a wrong proxy.
		plain(w, http.StatusMisdirectedRequest, "Sổ tay chỉ mở tại "+s.origin+s.base+"\n")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.sameOrigin(r) {
		s.metrics.refused.WithLabelValues("origin").Inc()
		plain(w, http.StatusForbidden, "Yêu cầu từ trang khác bị từ chối.\n")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// sameOrigin reports a request the page itself sent: its Origin is
// WEB_URL's, or, without one (or an opaque "null", which a privacy setting
// gives a form), the browser says it is same-origin. Sec-Fetch-Site is
// set by the browser alone: no page can forge it.
func (s *Server) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		return o == s.origin
	}
	return r.Header.Get("Sec-Fetch-Site") == "same-origin"
}

// asset is a static file, with its gzip form made once.
type asset struct {
	name, ctype string
	plain, gz   []byte
}

func loadAssets() (map[string]asset, string, error) {
	out := map[string]asset{}
	sum := sha256.New()
	err := fs.WalkDir(Static(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Static(), p)
		if err != nil {
			return err
		}
		sum.Write(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		if path.Ext(p) == ".webmanifest" {
			ctype = "application/manifest+json"
		}
		out[p] = asset{name: p, ctype: ctype, plain: b, gz: gzipped(b)}
		return nil
	})
	return out, hex.EncodeToString(sum.Sum(nil))[:10], err
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// asset serves a static file; the page names them with ?v=<epoch> so a new
// binary's files are fetched once and then kept.
func (s *Server) asset(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assets[r.PathValue("name")]
	if !ok || strings.HasSuffix(a.name, ".html") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	serveBytes(w, r, a.ctype, a.plain, a.gz)
}

// serviceWorker serves sw.js from WEB_URL's path, so that its scope is
// the whole handbook; the page registers it with ?v=<version>, and the
// browser looks for a new one at each visit.
func (s *Server) serviceWorker(w http.ResponseWriter, r *http.Request) {
	a := s.assets["sw.js"]
	w.Header().Set("Cache-Control", "no-cache")
	serveBytes(w, r, a.ctype, a.plain, a.gz)
}

// serveBytes writes a body, gzipped when the client takes it.
func serveBytes(w http.ResponseWriter, r *http.Request, ctype string, plainBody, gz []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Add("Vary", "Accept-Encoding")
	if gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", fmt.Sprint(len(gz)))
		_, _ = w.Write(gz)
		return
	}
	h.Set("Content-Length", fmt.Sprint(len(plainBody)))
	_, _ = w.Write(plainBody)
}

func plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
}

// fail answers an internal error: logged in English, apologised for in
// Vietnamese; an expected error is its message.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return
	}
	if msg := storage.ErrorMessage(err); msg != "" && storage.ErrorCode(err) != storage.CodeInternal {
		writeError(w, r, http.StatusBadRequest, msg)
		return
	}
	s.log.Error("web request failed", "path", r.URL.Path, "err", err)
	writeError(w, r, http.StatusInternalServerError, "Xin lỗi đồng chí, hệ thống đang gặp sự cố. Đồng chí vui lòng thử lại sau ít phút.")
}

// counters of the web handbook, beside the bot's.
type metrics struct {
	actions   *prometheus.CounterVec
	delivered prometheus.Counter
	signIns   *prometheus.CounterVec
	refused   *prometheus.CounterVec
	queued    prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, store *storage.Storage) *metrics {
	m := &metrics{
		actions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sotay_web_actions_total", Help: "What members sent from the web page, by kind (text, press) and result (ok, duplicate: sent again, applied once).",
		}, []string{"kind", "result"}),
		delivered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sotay_web_replies_total", Help: "Messages the bot put in web inboxes as replies (proactive ones: sotay_web_inbox_messages_total).",
		}),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sotay_web_signins_total", Help: "Taps on web sign-in links, by result (ok, refused: wrong, used or expired, limited: rate limit).",
		}, []string{"result"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sotay_web_refused_total", Help: "Web requests refused, by reason (origin: another site's, session: not signed in, limited).",
		}, []string{"reason"}),
		queued: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sotay_web_offline_actions_total", Help: "Actions (texts, presses) the page kept while offline and sent when the network returned.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.actions, m.delivered, m.signIns, m.refused, m.queued, &webCollector{store: store,
			sessions: prometheus.NewDesc("sotay_web_sessions", "Live web sessions (signed-in devices), all replicas.", nil, nil),
			members:  prometheus.NewDesc("sotay_web_members", "Members with at least one live web session.", nil, nil),
			messages: prometheus.NewDesc("sotay_web_inbox_messages_total", "Messages ever put in web inboxes (replies, proactive messages, what members wrote), all replicas.", nil, nil),
		})
	}
	return m
}

// webCollector reads the web's figures from the database at each scrape.
type webCollector struct {
	store                       *storage.Storage
	sessions, members, messages *prometheus.Desc
}

func (c *webCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.sessions
	ch <- c.members
	ch <- c.messages
}

func (c *webCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	sessions, members, messages, err := c.store.WebCounts(ctx)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(c.sessions, prometheus.GaugeValue, float64(sessions))
	ch <- prometheus.MustNewConstMetric(c.members, prometheus.GaugeValue, float64(members))
	ch <- prometheus.MustNewConstMetric(c.messages, prometheus.CounterValue, float64(messages))
}
