package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/prometheus/client_golang/prometheus"

	"sotay/storage"
)

// Config is how the bot reaches Telegram and where it listens.
type Config struct {
	Token  string
	APIURL string
	// Proxy carries every Bot API call (TELEGRAM_PROXY, see CheckProxy);
	// "" for none.
	Proxy         string
	WebhookURL    string
	WebhookSecret string
	// ListenAddr serves /healthz, /metrics and, in webhook mode, the webhook.
	ListenAddr string
	// Workers is how many chats are served at once.
	Workers  int
	Location *time.Location
	// DrainTimeout bounds how long a shutdown waits for updates in hand.
	DrainTimeout time.Duration
	// Outbox tunes the sender of proactive messages (pushes, reminders).
	Outbox OutboxConfig
	// MetricsToken, when set, is the bearer token /metrics asks of every
	// client (METRICS_TOKEN); unset, /metrics answers loopback clients only.
	MetricsToken string
	// ReadTimeout, WriteTimeout and IdleTimeout bound the HTTP listener's
	// connections; zero takes the defaults. A webhook update still in hand
	// when most of WriteTimeout has passed is answered 503, and Telegram
	// sends it again (it is applied once).
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// AuthProbe is the first wait between two getMe calls while Telegram
	// refuses the token (doubling up to 30 s); zero takes the default.
	AuthProbe time.Duration

	// What the bot takes from the features it serves, handed in by cmd
	// (bot imports none of them).

	// Handler builds what answers the updates, on the bot's client: the
	// handlers send their replies and download the files users send
	// through it.
	Handler func(c *Client) Handler
	// Reminder renders a member's automatic study reminder.
	Reminder storage.ReminderRender
	// Digest renders a member's weekly digest of warnings, and
	// SupervisionTarget is the supervision target (percent) it counts
	// against (SUPERVISION_TARGET).
	Digest            storage.DigestRender
	SupervisionTarget int

	// Outgoing, when set, is what the bot's own messages outside the
	// outbox (the pushers' status messages) go through instead of the
	// client: cmd routes web chats to their inbox there, as it does for
	// the handlers.
	Outgoing func(c *Client) Sender

	// WebURL is the web handbook's public address (WEB_URL); "" leaves it
	// off. Web serves it, under WebURL's path on ListenAddr; cmd builds it
	// (bot/web), on the dispatcher the Telegram updates go through.
	WebURL string
	Web    func(env WebEnv) (http.Handler, error)
}

// Sender is what sends the bot's messages: the client, or what cmd routes
// through it (Config.Outgoing).
type Sender interface {
	Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error)
	Request(ctx context.Context, c tgbotapi.Chattable) error
}

// WebEnv is what the web handbook is built on when the bot starts: the
// dispatcher its updates enter (Dispatcher.Apply), a context that ends when
// the bot stops, the metrics registry and the log.
type WebEnv struct {
	Ctx        context.Context
	Dispatcher *Dispatcher
	Registry   prometheus.Registerer
	Log        *slog.Logger
}

// Handler is what the bot serves: it applies updates, and it has the
// command menus to register with Telegram.
type Handler interface {
	UpdateHandler
	// CommandMenus is the setMyCommands requests that give each chat the
	// commands its member may use.
	CommandMenus(ctx context.Context) ([]tgbotapi.SetMyCommandsConfig, error)
}

// HTTP listener defaults. The webhook answers within webhookWait of
// WriteTimeout, and a webhook body (at most 4 MiB) is read well within
// ReadTimeout.
const (
	DefaultReadTimeout  = 30 * time.Second
	DefaultWriteTimeout = 75 * time.Second
	DefaultIdleTimeout  = 120 * time.Second
)

// webhookWait is how long the webhook waits for its update before it
// answers 503: long enough for a slow handler, short enough to answer
// before the write deadline cuts the connection.
func (c Config) webhookWait() time.Duration { return c.WriteTimeout * 4 / 5 }

// webhookSecretShape is what Telegram accepts as secret_token.
var webhookSecretShape = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// checkWebhook validates the webhook settings before Telegram is asked.
func checkWebhook(cfg Config) error {
	if cfg.WebhookURL == "" {
		return nil
	}
	u, err := url.Parse(cfg.WebhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return errors.New("WEBHOOK_URL không phải địa chỉ hợp lệ: cần địa chỉ HTTPS công khai kết thúc bằng /telegram/webhook, " +
			"ví dụ https://sotay.example.vn/telegram/webhook")
	}
	if cfg.WebhookSecret == "" || !webhookSecretShape.MatchString(cfg.WebhookSecret) {
		return errors.New("chế độ webhook cần WEBHOOK_SECRET (chữ, số, _ và -, tối đa 256 ký tự)")
	}
	if cfg.ListenAddr == "" {
		return errors.New("chế độ webhook cần LISTEN_ADDR, địa chỉ nhận webhook, ví dụ 127.0.0.1:8080")
	}
	return nil
}

// Bot is a running sotay bot.
type Bot struct {
	cfg      Config
	store    *storage.Storage
	log      *slog.Logger
	metrics  *Metrics
	client   *Client
	handlers Handler
	outbox   *Outbox
	// webPath is where the web handbook is served ("" for none).
	webPath string
	// Ready is closed once the bot polls or listens.
	Ready chan struct{}
	// Addr is the address ListenAddr resolved to, set before Ready closes.
	Addr string
}

// New connects to Telegram (getMe) and builds cfg.Handler on its client.
func New(ctx context.Context, cfg Config, store *storage.Storage, log *slog.Logger) (*Bot, error) {
	if cfg.Handler == nil || cfg.Reminder == nil || cfg.Digest == nil || cfg.Outbox.Progress == nil {
		return nil, errors.New("bot: Config.Handler, Reminder, Digest and Outbox.Progress must be set")
	}
	if log == nil {
		log = slog.Default()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = 30 * time.Second
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	cfg.MetricsToken = strings.TrimSpace(cfg.MetricsToken)
	if err := checkWebhook(cfg); err != nil {
		return nil, err
	}
	webPath, err := CheckWebURL(cfg.WebURL)
	if err != nil {
		return nil, err
	}
	if cfg.WebURL != "" && (cfg.ListenAddr == "" || cfg.Web == nil) {
		return nil, errors.New("sổ tay trên web (WEB_URL) cần LISTEN_ADDR, địa chỉ phục vụ trang web, ví dụ 127.0.0.1:8080")
	}
	m := NewMetrics()
	m.watchOutbox(store)
	c, err := NewClient(ctx, cfg.APIURL, cfg.Token, log, m, WithProxy(cfg.Proxy))
	if err != nil {
		return nil, err
	}
	if cfg.AuthProbe > 0 {
		c.AuthProbe = cfg.AuthProbe
	}
	out := Sender(c)
	if cfg.Outgoing != nil {
		out = cfg.Outgoing(c)
	}
	ob := NewOutbox(c, store, cfg.Outbox, log, cfg.Location)
	ob.out = out
	return &Bot{cfg: cfg, store: store, log: log, metrics: m, client: c, handlers: cfg.Handler(c), Ready: make(chan struct{}),
		outbox: ob, webPath: webPath}, nil
}

// Client is the bot's Bot API client.
func (b *Bot) Client() *Client { return b.client }

// Run serves until ctx ends, then stops taking updates, finishes those in
// hand and returns nil.
func (b *Bot) Run(ctx context.Context) error {
	// Handlers get a context that outlives ctx, so a shutdown finishes the
	// updates in hand instead of cutting them off.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()
	// Background work (outbox, pruning, command menus) stops with ctx, and
	// also when serving fails, so that Run always returns.
	bg, bgCancel := context.WithCancel(ctx)
	defer bgCancel()
	go b.registerCommands(bg)
	d := NewDispatcher(hctx, b.handlers, b.cfg.Workers, b.log, b.metrics)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", b.healthz)
	mux.HandleFunc("GET /readyz", b.readyz)
	mux.Handle("GET /metrics", protectMetrics(b.metrics.Handler(), b.cfg.MetricsToken))
	if b.cfg.WebhookURL != "" {
		mux.Handle("POST /telegram/webhook", b.webhook(d))
	}
	if b.webPath != "" {
		h, err := b.cfg.Web(WebEnv{Ctx: bg, Dispatcher: d, Registry: b.metrics.Registry, Log: b.log})
		if err != nil {
			d.Close()
			return err
		}
		mux.Handle(b.webPath, http.StripPrefix(strings.TrimSuffix(b.webPath, "/"), h))
	}
	var srv *http.Server
	srvErr := make(chan error, 1)
	if b.cfg.ListenAddr != "" {
		ln, err := net.Listen("tcp", b.cfg.ListenAddr)
		if err != nil {
			d.Close()
			return fmt.Errorf("bot: listen on %s: %w", b.cfg.ListenAddr, err)
		}
		b.Addr = ln.Addr().String()
		srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: b.cfg.ReadTimeout,
			WriteTimeout: b.cfg.WriteTimeout, IdleTimeout: b.cfg.IdleTimeout}
		go func() { srvErr <- srv.Serve(ln) }()
	}
	go b.prune(bg)
	go deliverWeb(bg, b.store, b.cfg.Location, b.log, WebDeliveryEvery)
	go sweepReminders(bg, b.store, b.cfg.Location, b.cfg.Reminder, b.log, ReminderEvery)
	go sweepDigests(bg, b.store, b.cfg.Location, b.cfg.SupervisionTarget, b.cfg.Digest, b.log, ReminderEvery)
	// The outbox sender stops with bg, after recording the message in flight.
	outboxDone := make(chan struct{})
	go func() { defer close(outboxDone); _ = b.outbox.Run(bg) }()

	var runErr error
	if b.cfg.WebhookURL != "" {
		if err := b.setWebhook(ctx); err != nil {
			runErr = err
		} else {
			b.log.Info("serving webhook", "addr", b.Addr, "bot", b.client.Username())
			close(b.Ready)
			select {
			case <-ctx.Done():
			case err := <-srvErr:
				runErr = err
			}
		}
	} else {
		if err := b.client.Request(ctx, tgbotapi.DeleteWebhookConfig{}); err != nil {
			b.log.Warn("deleteWebhook failed", "err", err)
		}
		b.log.Info("polling for updates", "bot", b.client.Username(), "listen", b.Addr)
		close(b.Ready)
		runErr = b.client.Poll(ctx, b.store, d)
	}

	b.log.Info("shutting down: finishing updates in hand")
	bgCancel()
	drained := make(chan struct{})
	go func() {
		if srv != nil {
			sctx, cancel := context.WithTimeout(context.Background(), b.cfg.DrainTimeout)
			_ = srv.Shutdown(sctx)
			cancel()
		}
		d.Close()
		close(drained)
	}()
	select {
	case <-drained:
	case <-time.After(b.cfg.DrainTimeout):
		b.log.Warn("drain timed out; cancelling updates in hand")
		hcancel()
		<-drained
	}
	<-outboxDone
	b.log.Info("stopped")
	return runErr
}

// registerCommands sets the command menus; a failure is only logged.
func (b *Bot) registerCommands(ctx context.Context) {
	menus, err := b.handlers.CommandMenus(ctx)
	if err != nil {
		b.log.Warn("command menus", "err", err)
		return
	}
	failed := 0
	for _, m := range menus {
		if ctx.Err() != nil {
			return
		}
		if err := b.client.Request(ctx, m); err != nil {
			failed++
			b.log.Debug("setMyCommands failed", "err", err)
		}
	}
	if failed > 0 {
		b.log.Warn("some command menus were not registered", "failed", failed, "of", len(menus))
	}
}

// setWebhook registers the webhook with its secret token; go-telegram-bot-api
// v5.5.1 has no field for the secret, so the request is made by hand.
func (b *Bot) setWebhook(ctx context.Context) error {
	params := tgbotapi.Params{
		"url":             b.cfg.WebhookURL,
		"secret_token":    b.cfg.WebhookSecret,
		"allowed_updates": `["message","callback_query","my_chat_member"]`,
		"max_connections": "40",
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = b.client.MakeRequest("setWebhook", params); err == nil {
			return nil
		}
		if k := Classify(err).Kind; k != FailTransient && k != FailRetryAfter {
			break // a refused URL or secret does not get better by asking again
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * time.Second):
		}
	}
	return fmt.Errorf("Telegram không nhận webhook (setWebhook) với WEBHOOK_URL đã đặt: %w", err)
}

func (b *Bot) webhook(d *Dispatcher) http.Handler {
	return NewWebhook(d, b.cfg.WebhookSecret, b.cfg.webhookWait(), b.log)
}

// prune forgets old processed update ids once an hour, and ends the web
// sessions unused for too long.
func (b *Bot) prune(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := b.store.PruneUpdates(ctx, 7*24*time.Hour); err != nil && ctx.Err() == nil {
			b.log.Warn("prune updates", "err", err)
		}
		// The web's actions name update ids: they are forgotten with them.
		if err := b.store.PruneWebActions(ctx, 7*24*time.Hour); err != nil && ctx.Err() == nil {
			b.log.Warn("prune web actions", "err", err)
		}
		if err := b.store.PruneWebSessions(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("prune web sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
