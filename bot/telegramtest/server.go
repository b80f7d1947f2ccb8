package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// The bot the server pretends to be.
const (
	BotID        = 100000
	BotUsername  = "sotay_test_bot"
	BotFirstName = "Sổ tay đảng viên"

	// DefaultToken is the token a Server accepts unless WithToken says otherwise.
	DefaultToken = "123456:TEST-TOKEN-0123456789abcdefghijklmnop"
)

// Option configures a Server.
type Option func(*Server)

// WithToken sets the only bot token the server accepts.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithFloodLimit makes sending methods answer 429 past globalPerSecond requests
// over any sliding second, or perChatPerSecond requests to one chat. Zero means no limit.
func WithFloodLimit(globalPerSecond, perChatPerSecond int) Option {
	return func(s *Server) { s.floodGlobal, s.floodPerChat = globalPerSecond, perChatPerSecond }
}

// WithLogf receives one line per request (method, chat, outcome), never the token.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(s *Server) { s.logf = logf }
}

// Server is a fake Telegram Bot API. All its methods are safe for concurrent use.
type Server struct {
	token string
	logf  func(format string, args ...any)
	ts    *httptest.Server
	done  chan struct{} // closed by Close: wakes long polls, delays and webhook delivery

	floodGlobal, floodPerChat int

	mu      sync.Mutex
	closed  bool
	baseURL string

	users     map[int64]*User
	userOrder []*User
	chats     map[int64]*chat
	blocked   map[int64]bool
	sentOrder []*record // bot messages in every chat, in send order

	files      map[string]*storedFile // by file_id
	filesPath  map[string]*storedFile // by file_path
	fileSeq    int
	callbacks  map[string]*callbackState
	callbackSq int64

	updates   []tgbotapi.Update // queued, not yet confirmed
	updateSeq int
	allowed   map[string]bool // allowed_updates of the last getUpdates/setWebhook; nil = all
	polling   bool
	updCh     chan struct{} // closed and replaced whenever the queue or webhook changes
	msgCh     chan struct{} // closed and replaced whenever a bot message is sent, edited or deleted

	webhook       tgbotapi.WebhookInfo
	webhookSecret string
	webhookStop   chan struct{}

	faults      []*faultEntry
	floodAll    []time.Time
	floodChat   map[int64][]time.Time
	floodOK     int
	flood429    int
	calls       map[string]int
	commands    map[string][]tgbotapi.BotCommand
	subscribers map[int]*subscriber
	subSeq      int
}

// NewServer starts a fake Bot API listening on 127.0.0.1.
func NewServer(opts ...Option) *Server {
	s := NewHandler(opts...)
	s.ts = httptest.NewServer(s)
	s.SetURL(s.ts.URL)
	return s
}

// NewHandler builds a fake Bot API that does not listen: mount it (it is an
// http.Handler serving /bot<token>/<method> and /file/bot<token>/<path>) in
// another server and tell it its address with SetURL.
func NewHandler(opts ...Option) *Server {
	s := &Server{
		token:       DefaultToken,
		done:        make(chan struct{}),
		users:       map[int64]*User{},
		chats:       map[int64]*chat{},
		blocked:     map[int64]bool{},
		files:       map[string]*storedFile{},
		filesPath:   map[string]*storedFile{},
		callbacks:   map[string]*callbackState{},
		updCh:       make(chan struct{}),
		msgCh:       make(chan struct{}),
		floodChat:   map[int64][]time.Time{},
		calls:       map[string]int{},
		commands:    map[string][]tgbotapi.BotCommand{},
		subscribers: map[int]*subscriber{},
		callbackSq:  4611686018427387904,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// SetURL tells the server the base URL it is reachable at (no trailing slash).
func (s *Server) SetURL(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.baseURL = strings.TrimRight(base, "/")
}

// URL is the base URL, e.g. http://127.0.0.1:PORT; "" for an unmounted handler.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// APIEndpoint is the endpoint format tgbotapi.NewBotAPIWithClient expects.
func (s *Server) APIEndpoint() string { return s.URL() + "/bot%s/%s" }

// Token is the only token the server accepts.
func (s *Server) Token() string { return s.token }

// Client is an HTTP client whose requests to https://api.telegram.org go to
// this server instead: tgbotapi's GetFileDirectURL always names api.telegram.org.
func (s *Server) Client() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: rewriteTransport{s}}
}

type rewriteTransport struct{ s *Server }

func (t rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "api.telegram.org" {
		base, err := url.Parse(t.s.URL())
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = base.Scheme, base.Host, base.Host
	}
	return http.DefaultTransport.RoundTrip(r)
}

// Close stops the listener (if any), long polls and webhook delivery.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	s.stopWebhookLocked()
	s.mu.Unlock()
	if s.ts != nil {
		s.ts.Close()
	}
}

// Calls is how many times a method was called, failed calls included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[canonicalMethod(method)]
}

// Commands is what setMyCommands registered, by scope key: "default",
// "all_private_chats", "all_group_chats", "all_chat_administrators",
// "chat:<id>", "chat_administrators:<id>", "chat_member:<chat>:<user>",
// followed by "/<language_code>" when one was given.
func (s *Server) Commands() map[string][]tgbotapi.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]tgbotapi.BotCommand, len(s.commands))
	for k, v := range s.commands {
		out[k] = append([]tgbotapi.BotCommand(nil), v...)
	}
	return out
}

// WebhookInfo is what getWebhookInfo would answer.
func (s *Server) WebhookInfo() tgbotapi.WebhookInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookInfoLocked()
}

// apiError is a failed answer.
type apiError struct {
	code       int
	desc       string
	retryAfter int
}

func badRequest(desc string) *apiError { return &apiError{code: 400, desc: "Bad Request: " + desc} }

type response struct {
	Ok          bool                         `json:"ok"`
	Result      json.RawMessage              `json:"result,omitempty"`
	ErrorCode   int                          `json:"error_code,omitempty"`
	Description string                       `json:"description,omitempty"`
	Parameters  *tgbotapi.ResponseParameters `json:"parameters,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v response) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, e *apiError) {
	r := response{ErrorCode: e.code, Description: e.desc}
	if e.retryAfter > 0 {
		r.Parameters = &tgbotapi.ResponseParameters{RetryAfter: e.retryAfter}
	}
	writeJSON(w, e.code, r)
}

// cleanJSON marshals v as Telegram would: tgbotapi's types lack omitempty on
// a few pointers (my_chat_member, ...), and Telegram never sends null fields.
func cleanJSON(v any) json.RawMessage {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: marshal %T: %v", v, err))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		panic(fmt.Sprintf("telegramtest: decode %T: %v", v, err))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(dropNulls(tree))
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func dropNulls(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
			} else {
				t[k] = dropNulls(e)
			}
		}
	case []any:
		for i, e := range t {
			t[i] = dropNulls(e)
		}
	}
	return v
}

// ServeHTTP serves /bot<token>/<method> and /file/bot<token>/<file_path>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/file/bot"):
		s.serveFile(w, r, strings.TrimPrefix(p, "/file/bot"))
	case strings.HasPrefix(p, "/bot"):
		s.serveMethod(w, r, strings.TrimPrefix(p, "/bot"))
	default:
		writeError(w, &apiError{code: 404, desc: "Not Found"})
	}
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, rest string) {
	token, path, _ := strings.Cut(rest, "/")
	if token != s.token {
		writeError(w, &apiError{code: 401, desc: "Unauthorized"})
		return
	}
	s.mu.Lock()
	f := s.filesPath[path]
	s.mu.Unlock()
	if f == nil {
		writeError(w, &apiError{code: 404, desc: "Not Found"})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	_, _ = w.Write(f.data)
}

// call is one request to a method.
type call struct {
	r      *http.Request
	method string
	params map[string]string
	files  map[string]*multipart.FileHeader
}

func (c *call) has(key string) bool { _, ok := c.params[key]; return ok }

func (c *call) str(key string) string { return c.params[key] }

func (c *call) int64(key string) (int64, *apiError) {
	v, ok := c.params[key]
	if !ok || v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, badRequest(fmt.Sprintf("invalid %s specified", key))
	}
	return n, nil
}

func (c *call) int(key string) (int, *apiError) {
	n, err := c.int64(key)
	return int(n), err
}

func (c *call) bool(key string) bool {
	b, _ := strconv.ParseBool(c.params[key])
	return b
}

// chatID is the chat a request is about, 0 if none or not numeric (@username).
func (c *call) chatID() int64 {
	n, _ := strconv.ParseInt(c.params["chat_id"], 10, 64)
	return n
}

func (s *Server) serveMethod(w http.ResponseWriter, r *http.Request, rest string) {
	token, name, _ := strings.Cut(rest, "/")
	if token != s.token {
		s.log("%s: 401 wrong token", name)
		writeError(w, &apiError{code: 401, desc: "Unauthorized"})
		return
	}
	c, perr := parseCall(r)
	method := canonicalMethod(name)
	c.method = method
	s.mu.Lock()
	s.calls[method]++
	s.mu.Unlock()
	if perr != nil {
		s.finish(w, c, nil, perr)
		return
	}
	h, ok := handlers[strings.ToLower(name)]
	if !ok {
		s.finish(w, c, nil, &apiError{code: 404, desc: "Not Found"})
		return
	}
	if f, ok := s.takeFault(method, c.chatID()); ok {
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				s.log("%s chat=%s: client gave up during injected delay", method, c.str("chat_id"))
				return
			case <-s.done:
				t.Stop()
				return
			}
		}
		if f.Drop {
			s.log("%s chat=%s: injected connection drop", method, c.str("chat_id"))
			panic(http.ErrAbortHandler)
		}
		if f.Code != 0 {
			s.finish(w, c, nil, faultError(f))
			return
		}
	}
	if e := s.floodCheck(method, c.chatID()); e != nil {
		s.finish(w, c, nil, e)
		return
	}
	result, e := h(s, c)
	if e == nil && result == nil {
		return // the client went away during a long poll
	}
	s.finish(w, c, result, e)
}

func (s *Server) finish(w http.ResponseWriter, c *call, result any, e *apiError) {
	if e != nil {
		s.log("%s chat=%s: %d %s", c.method, c.str("chat_id"), e.code, e.desc)
		writeError(w, e)
		return
	}
	s.log("%s chat=%s: ok", c.method, c.str("chat_id"))
	writeJSON(w, http.StatusOK, response{Ok: true, Result: cleanJSON(result)})
}

func (s *Server) log(format string, args ...any) {
	if s.logf != nil {
		s.logf("telegramtest: "+format, args...)
	}
}

// parseCall reads parameters the ways Telegram accepts them: query string,
// urlencoded form, multipart form and JSON body.
func parseCall(r *http.Request) (*call, *apiError) {
	c := &call{r: r, params: map[string]string{}, files: map[string]*multipart.FileHeader{}}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			c.params[k] = v[0]
		}
	}
	if r.Body == nil || r.Method == http.MethodGet {
		return c, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		if err != nil {
			return c, badRequest("can't read request body")
		}
		if len(bytes.TrimSpace(body)) == 0 {
			return c, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return c, badRequest("can't parse JSON object")
		}
		for k, raw := range m {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				c.params[k] = str
			} else {
				c.params[k] = string(raw)
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return c, badRequest("can't parse multipart form")
		}
		for k, v := range r.MultipartForm.Value {
			if len(v) > 0 {
				c.params[k] = v[0]
			}
		}
		for k, v := range r.MultipartForm.File {
			if len(v) > 0 {
				c.files[k] = v[0]
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return c, badRequest("can't parse form")
		}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				c.params[k] = v[0]
			}
		}
	}
	return c, nil
}
