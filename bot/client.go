// Package bot is the Telegram plumbing: the API client with flood handling,
// the update loop (long polling and webhook), the dispatcher that keeps each
// chat in order, the health and metrics server, and bot/telegramtest, a
// fake Bot API server for tests and the demo.
package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
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
// replies under a global rate.
type Client struct {
	api *tgbotapi.BotAPI
	// quick is api with a short HTTP timeout, for outbox sends: a send must
	// finish well within its claim's lease, or another sender could take
	// the message and send it again.
	quick   *tgbotapi.BotAPI
	baseURL string
	token   string
	http    *http.Client
	limiter *rate.Limiter
	log     *slog.Logger
	metrics *Metrics
	// MaxAttempts bounds retries of one request.
	MaxAttempts int
}

// redactingClient hides the token in transport errors, which quote the URL.
type redactingClient struct {
	c     *http.Client
	token string
}

func (r redactingClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.c.Do(req)
	if err != nil {
		return nil, errors.New(strings.ReplaceAll(err.Error(), r.token, "<token>"))
	}
	return resp, nil
}

// redactingLogger replaces tgbotapi's logger, which prints request URLs.
type redactingLogger struct {
	log   *slog.Logger
	token string
}

func (l redactingLogger) Println(v ...any) {
	l.log.Debug(strings.ReplaceAll(strings.TrimSpace(fmt.Sprintln(v...)), l.token, "<token>"))
}

func (l redactingLogger) Printf(format string, v ...any) {
	l.log.Debug(strings.ReplaceAll(fmt.Sprintf(format, v...), l.token, "<token>"))
}

// NewClient connects to the Bot API at baseURL (DefaultAPIURL when empty)
// and checks the token with getMe.
func NewClient(ctx context.Context, baseURL, token string, log *slog.Logger, metrics *Metrics) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultAPIURL
	}
	baseURL = strings.TrimRight(baseURL, "/")
	if token == "" {
		return nil, errors.New("chưa đặt TELEGRAM_BOT_TOKEN: hãy lấy mã bot từ @BotFather")
	}
	if log == nil {
		log = slog.Default()
	}
	_ = tgbotapi.SetLogger(redactingLogger{log: log, token: token})
	hc := &http.Client{Timeout: 30 * time.Second}
	var api *tgbotapi.BotAPI
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		api, err = tgbotapi.NewBotAPIWithClient(token, baseURL+"/bot%s/%s", redactingClient{c: hc, token: token})
		if err == nil {
			break
		}
		var te *tgbotapi.Error
		if errors.As(err, &te) && te.Code == http.StatusUnauthorized {
			return nil, errors.New("Telegram không nhận mã bot (401 Unauthorized): hãy kiểm tra TELEGRAM_BOT_TOKEN")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(attempt+1) * time.Second):
		}
	}
	if err != nil {
		return nil, fmt.Errorf("không kết nối được Bot API tại %s (getMe): %w", baseURL, err)
	}
	quick := *api
	quick.Client = redactingClient{c: &http.Client{Timeout: OutboxSendTimeout}, token: token}
	return &Client{
		api: api, quick: &quick, baseURL: baseURL, token: token, log: log, metrics: metrics,
		http:        &http.Client{Timeout: 30 * time.Second, Transport: http.DefaultTransport},
		limiter:     rate.NewLimiter(rate.Limit(28), 28),
		MaxAttempts: 4,
	}, nil
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
	return msg, err
}

// Request sends a request whose result is not a message (answerCallbackQuery,
// setMyCommands, deleteMessage...). tgbotapi's Send fails on those.
func (c *Client) Request(ctx context.Context, ch tgbotapi.Chattable) error {
	return c.retry(ctx, ch, func() error {
		_, err := c.api.Request(ch)
		return err
	})
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
		c.log.Warn("telegram call will be retried", "method", method, "attempt", attempt, "wait", wait, "err", err)
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
		return nil, fmt.Errorf("bot: getFile: %w", err)
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
		return nil, errors.New(strings.ReplaceAll(err.Error(), c.token, "<token>"))
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
