// Package bot is the Telegram plumbing: the API client with flood handling,
// the update loop (long polling and webhook), the dispatcher that keeps each
// chat in order, the health and metrics server, and bot/telegramtest, a
// fake Bot API server for tests and the demo. It serves the features
// through interfaces and values it declares (Handler, Config.Reminder,
// Config.Digest, OutboxConfig.Progress), which cmd/sotay/wire fills from
// the handlers: bot imports no feature.
package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"
)

// OutboxSendTimeout bounds one outbox send; it must stay well under half
// the outbox lease.
const OutboxSendTimeout = 10 * time.Second

// DefaultAPIURL is the public Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// Client talks to the Bot API. It never lets the token reach a log or an
// error message, retries what Telegram asks to retry, and keeps direct
// replies under a global rate. When Telegram stops accepting the token
// (401, or 404 on a method URL) it says so once, loudly, and AuthBlocked
// reports it until a call succeeds again.
type Client struct {
	api *tgbotapi.BotAPI
	// quick is api with a short HTTP timeout, for outbox sends: a send must
	// finish well within its claim's lease, or another sender could take
	// the message and send it again.
	quick   *tgbotapi.BotAPI
	baseURL string
	token   string
	// proxy carries every call (TELEGRAM_PROXY), nil for none; reach is
	// whether the last call through it got an answer.
	proxy   *url.URL
	reach   *reachState
	scrub   scrubber
	auth    *authState
	http    *http.Client
	limiter *rate.Limiter
	log     *slog.Logger
	metrics *Metrics
	// MaxAttempts bounds retries of one request.
	MaxAttempts int
	// AuthProbe is the first wait between two getMe calls while the token
	// is refused; it doubles up to AuthProbeMax.
	AuthProbe, AuthProbeMax time.Duration
}

// authState is whether Telegram accepts the token, as the last answer of
// a Bot API method said.
type authState struct {
	log     *slog.Logger
	mu      sync.Mutex
	blocked bool
	reason  string
	since   time.Time
	changed chan struct{} // closed and replaced on every change
}

func (a *authState) refused(method string, code int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.blocked {
		return
	}
	a.blocked, a.since = true, time.Now()
	a.reason = fmt.Sprintf("Telegram refuses the bot token (HTTP %d %s on %s): sending is paused until it is accepted again; check TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL",
		code, http.StatusText(code), method)
	a.log.Error("telegram: the bot token is refused; sending paused, no message is given up", "status", code, "method", method)
	close(a.changed)
	a.changed = make(chan struct{})
}

func (a *authState) accepted() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.blocked {
		return
	}
	a.log.Info("telegram: the bot token is accepted again; sending resumed", "paused_for", time.Since(a.since).Round(time.Second))
	a.blocked, a.reason = false, ""
	close(a.changed)
	a.changed = make(chan struct{})
}

func (a *authState) state() (blocked bool, reason string, changed <-chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.blocked, a.reason, a.changed
}

// authWatch sees the HTTP status of every Bot API method call. Telegram
// answers 401 to a token it revoked and 404 to one it never issued (the
// method URL does not exist); any other answer of a method means the
// token was accepted. 5xx come from proxies as well and say nothing.
type authWatch struct {
	base   http.RoundTripper
	prefix string // the base URL's path + "/bot"
	auth   *authState
}

func (w authWatch) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(r)
	if err != nil || !strings.HasPrefix(r.URL.Path, w.prefix) {
		return resp, err
	}
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized || code == http.StatusNotFound:
		w.auth.refused(path.Base(r.URL.Path), code)
	case code < 500:
		w.auth.accepted()
	}
	return resp, err
}

// NewClient connects to the Bot API at baseURL (DefaultAPIURL when empty)
// and checks the token with getMe. A token Telegram refuses at start is an
// error; refused later, it pauses sending (see WaitAuth). Every request of
// the client, file downloads included, goes through its one transport, and
// so through the proxy of WithProxy when there is one.
func NewClient(ctx context.Context, baseURL, token string, log *slog.Logger, metrics *Metrics, opts ...ClientOption) (*Client, error) {
	var o clientOptions
	for _, opt := range opts {
		opt(&o)
	}
	token, err := CheckToken(token)
	if err != nil {
		return nil, err
	}
	baseURL, err = CheckAPIURL(baseURL)
	if err != nil {
		return nil, err
	}
	proxy, err := CheckProxy(o.proxy)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	scrub := newScrubber(token)
	u, _ := url.Parse(baseURL)
	shown := scrub.text(u.Redacted())
	_ = tgbotapi.SetLogger(redactingLogger{log: log, scrub: scrub})
	auth := &authState{log: log, changed: make(chan struct{})}
	// The outbox sends up to 16 messages at once at high rates: keep that
	// many connections open rather than the default transport's 2 idle
	// per host, which would open and close one for each send.
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 32
	var rt http.RoundTripper = base
	var reach *reachState
	via := ""
	if proxy != nil {
		// Set here, not from the environment: ProxyFromEnvironment skips
		// loopback addresses, and HTTPS_PROXY would proxy more than Telegram.
		base.Proxy = http.ProxyURL(proxy)
		reach = &reachState{}
		rt = reachWatch{base: base, state: reach, scrub: scrub}
		via = " qua proxy " + proxy.Redacted() + " (TELEGRAM_PROXY)"
		log.Info("telegram: every Bot API call goes through the proxy", "proxy", proxy.Redacted())
	}
	tr := authWatch{base: rt, prefix: u.Path + "/bot", auth: auth}
	hc := &http.Client{Timeout: 30 * time.Second, Transport: tr}
	// tgbotapi formats the endpoint with the token and the method: a % of
	// the base URL (an escaped character) must stay literal.
	endpoint := strings.ReplaceAll(baseURL, "%", "%%") + "/bot%s/%s"
	var api *tgbotapi.BotAPI
	for attempt := 0; attempt < 5; attempt++ {
		api, err = tgbotapi.NewBotAPIWithClient(token, endpoint, redactingClient{c: hc, scrub: scrub})
		if err == nil {
			break
		}
		err = scrub.err(err)
		if f := Classify(err); f.Kind == FailAuth {
			return nil, fmt.Errorf("Telegram không nhận mã bot (%s): hãy kiểm tra TELEGRAM_BOT_TOKEN, và TELEGRAM_API_URL (%s) nếu đồng chí dùng máy chủ Bot API riêng",
				f.Reason, shown)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(attempt+1) * time.Second):
		}
	}
	if err != nil && proxy != nil {
		return nil, fmt.Errorf("không kết nối được Bot API tại %s%s (getMe): %v\n"+
			"Hãy kiểm tra proxy đang chạy (nếu dùng đường hầm SSH: systemctl status sotay-tunnel) và từ đó đi tới được %s; "+
			"hoặc bỏ TELEGRAM_PROXY nếu máy chủ vào thẳng được Telegram", shown, via, err, shown)
	}
	if err != nil {
		return nil, fmt.Errorf("không kết nối được Bot API tại %s (getMe): %v", shown, err)
	}
	quick := *api
	quick.Client = redactingClient{c: &http.Client{Timeout: OutboxSendTimeout, Transport: tr}, scrub: scrub}
	return &Client{
		api: api, quick: &quick, baseURL: baseURL, token: token, proxy: proxy, reach: reach, scrub: scrub, auth: auth, log: log, metrics: metrics,
		http:        &http.Client{Timeout: 30 * time.Second, Transport: tr},
		limiter:     rate.NewLimiter(rate.Limit(28), 28),
		MaxAttempts: 4,
		AuthProbe:   2 * time.Second, AuthProbeMax: 30 * time.Second,
	}, nil
}

// AuthBlocked says whether Telegram refuses the token, and why (without
// the token).
func (c *Client) AuthBlocked() (bool, string) {
	blocked, reason, _ := c.auth.state()
	return blocked, reason
}

// WaitAuth returns at once while Telegram accepts the token. Otherwise it
// asks getMe, with backoff, until the token works again or ctx ends.
func (c *Client) WaitAuth(ctx context.Context) error {
	wait := max(c.AuthProbe, time.Millisecond)
	for {
		blocked, _, changed := c.auth.state()
		if !blocked {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-changed:
			t.Stop()
			continue
		case <-t.C:
		}
		// authWatch records the answer.
		if _, err := c.quick.GetMe(); err != nil {
			c.log.Warn("telegram: getMe still fails; sending stays paused", "err", c.scrub.err(err), "next_probe", min(wait*2, c.AuthProbeMax))
		}
		wait = min(wait*2, max(c.AuthProbeMax, wait))
	}
}

// Username is the bot's @username without the @.
func (c *Client) Username() string { return c.api.Self.UserName }

// API is the underlying go-telegram-bot-api client.
func (c *Client) API() *tgbotapi.BotAPI { return c.api }

// BaseURL is the Bot API base URL.
func (c *Client) BaseURL() string { return c.baseURL }

// Send sends a message-producing request, retrying on 429 and 5xx.
func (c *Client) Send(ctx context.Context, ch tgbotapi.Chattable) (tgbotapi.Message, error) {
	var msg tgbotapi.Message
	err := c.retry(ctx, ch, func() error {
		var err error
		msg, err = c.api.Send(ch)
		return err
	})
	return msg, c.scrub.err(err)
}

// Request sends a request whose result is not a message (answerCallbackQuery,
// setMyCommands, deleteMessage...). tgbotapi's Send fails on those.
func (c *Client) Request(ctx context.Context, ch tgbotapi.Chattable) error {
	return c.scrub.err(c.retry(ctx, ch, func() error {
		_, err := c.api.Request(ch)
		return err
	}))
}

// MakeRequest calls a method go-telegram-bot-api has no config for
// (setWebhook with a secret token), with the error scrubbed.
func (c *Client) MakeRequest(method string, params tgbotapi.Params) error {
	_, err := c.api.MakeRequest(method, params)
	return c.scrub.err(err)
}

func (c *Client) retry(ctx context.Context, ch tgbotapi.Chattable, call func() error) error {
	method := methodOf(ch)
	var err error
	for attempt := 1; ; attempt++ {
		if err := c.limiter.Wait(ctx); err != nil {
			return err
		}
		err = call()
		f := Classify(err)
		c.metrics.apiCall(method, f.Kind)
		if f.Kind == FailNone || f.Kind == FailNotModified {
			return nil
		}
		if attempt >= c.MaxAttempts || (f.Kind != FailRetryAfter && f.Kind != FailTransient) {
			return err
		}
		wait := f.RetryAfter
		if f.Kind == FailTransient {
			wait = time.Duration(1<<(attempt-1)) * 500 * time.Millisecond
		}
		c.log.Warn("telegram call will be retried", "method", method, "attempt", attempt, "wait", wait, "err", c.scrub.err(err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

func methodOf(ch tgbotapi.Chattable) string {
	switch ch.(type) {
	case tgbotapi.MessageConfig:
		return "sendMessage"
	case tgbotapi.EditMessageTextConfig:
		return "editMessageText"
	case tgbotapi.EditMessageReplyMarkupConfig:
		return "editMessageReplyMarkup"
	case tgbotapi.CallbackConfig:
		return "answerCallbackQuery"
	case tgbotapi.DocumentConfig:
		return "sendDocument"
	case tgbotapi.PhotoConfig:
		return "sendPhoto"
	case tgbotapi.SetMyCommandsConfig:
		return "setMyCommands"
	case tgbotapi.DeleteMessageConfig:
		return "deleteMessage"
	case tgbotapi.ChatActionConfig:
		return "sendChatAction"
	}
	return "other"
}

// FailKind says what to do after a failed Bot API call.
type FailKind string

const (
	FailNone        FailKind = "ok"
	FailRetryAfter  FailKind = "flood"        // 429: wait RetryAfter, then retry
	FailBlocked     FailKind = "blocked"      // 403 or chat not found: the member is unreachable
	FailBadRequest  FailKind = "bad_request"  // 400: retrying will not help
	FailAuth        FailKind = "auth"         // 401, or 404 on a method: the token is refused; nothing about this message
	FailTransient   FailKind = "transient"    // 5xx or network: back off and retry
	FailNotModified FailKind = "not_modified" // an edit that changed nothing: success
)

// Failure is a classified Bot API error.
type Failure struct {
	Kind       FailKind
	RetryAfter time.Duration
	Reason     string
}

// Classify reads a tgbotapi error. Upload methods lose the error code in
// go-telegram-bot-api v5.5.1, so the description and retry_after count too.
func Classify(err error) Failure {
	if err == nil {
		return Failure{Kind: FailNone}
	}
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return Failure{Kind: FailTransient, Reason: err.Error()}
		}
		return Failure{Kind: FailTransient, Reason: err.Error()}
	}
	desc := te.Message
	lower := strings.ToLower(desc)
	switch {
	case te.Code == 429 || te.RetryAfter > 0 || strings.HasPrefix(lower, "too many requests"):
		ra := time.Duration(te.RetryAfter) * time.Second
		if ra <= 0 {
			ra = time.Second
		}
		return Failure{Kind: FailRetryAfter, RetryAfter: ra, Reason: desc}
	case te.Code == http.StatusUnauthorized || te.Code == http.StatusNotFound ||
		strings.HasPrefix(lower, "unauthorized") || lower == "not found":
		return Failure{Kind: FailAuth, Reason: desc}
	case strings.Contains(lower, "message is not modified"):
		return Failure{Kind: FailNotModified, Reason: desc}
	case te.Code == 403 || strings.HasPrefix(lower, "forbidden") || strings.Contains(lower, "chat not found") ||
		strings.Contains(lower, "user is deactivated"):
		return Failure{Kind: FailBlocked, Reason: desc}
	case te.Code >= 500 || strings.HasPrefix(lower, "internal server error") || strings.HasPrefix(lower, "bad gateway"):
		return Failure{Kind: FailTransient, Reason: desc}
	case te.Code == 0 && desc == "":
		return Failure{Kind: FailTransient, Reason: err.Error()}
	}
	return Failure{Kind: FailBadRequest, Reason: desc}
}

// MaxDownload is the largest file a bot may download from Telegram.
const MaxDownload = 20 << 20

// Download fetches a file a user sent, by file_id. tgbotapi's
// GetFileDirectURL always points at api.telegram.org, so the URL is built
// from our base URL instead.
func (c *Client) Download(ctx context.Context, fileID string) ([]byte, error) {
	f, err := c.api.GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return nil, fmt.Errorf("bot: getFile: %w", c.scrub.err(err))
	}
	if f.FileSize > MaxDownload {
		return nil, fmt.Errorf("bot: file of %d bytes is over Telegram's 20 MB limit for bots", f.FileSize)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+"/file/bot"+c.token+"/"+f.FilePath, nil)
	if err != nil {
		return nil, errors.New("bot: download: bad file path")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("bot: download: %w", c.scrub.err(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("bot: download: HTTP %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxDownload+1))
	if err != nil {
		return nil, fmt.Errorf("bot: download: %w", err)
	}
	if len(b) > MaxDownload {
		return nil, errors.New("bot: download: file over 20 MB")
	}
	return b, nil
}
