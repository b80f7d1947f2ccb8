package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/spf13/cobra"

	"sotay/bot"
	"sotay/storage"
)

// DefaultDatabaseURL is used when DATABASE_URL is not set.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/sotay?sslmode=disable"

// config is everything sotay reads from the environment; flags override it.
type config struct {
	DatabaseURL string
	Token       string
	APIURL      string
	// TelegramProxy carries every Bot API call (TELEGRAM_PROXY): http://,
	// https:// or socks5://, with an optional user and password.
	TelegramProxy string
	TZ            string
	LogLevel      string
	// LogFormat is text or json (LOG_FORMAT).
	LogFormat     string
	WebhookURL    string
	WebhookSecret string
	ListenAddr    string
	// WebURL is the web handbook's public address (WEB_URL); "" leaves it
	// off.
	WebURL string
	// MetricsToken is the bearer token /metrics asks for (METRICS_TOKEN);
	// without it /metrics answers loopback clients only.
	MetricsToken string
	// SendRate is the outbox budget in messages per second shared by
	// every sender process (SEND_RATE).
	SendRate float64
	// Now is the clock every command reads "now" and "today" from (c.now
	// gives it in TZ's zone, the storage gets it the same way): time.Now,
	// or running on from the instant SOTAY_NOW names (tests; replaying a
	// day). nowErr is an unreadable SOTAY_NOW, said by location.
	Now    func() time.Time
	nowErr error
}

func envOr(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

func configFromEnv() *config {
	now, nowErr := clockFromEnv()
	return &config{
		Now:           now,
		nowErr:        nowErr,
		DatabaseURL:   envOr("DATABASE_URL", DefaultDatabaseURL),
		Token:         os.Getenv("TELEGRAM_BOT_TOKEN"),
		APIURL:        envOr("TELEGRAM_API_URL", bot.DefaultAPIURL),
		TelegramProxy: os.Getenv("TELEGRAM_PROXY"),
		TZ:            envOr("TZ", "Asia/Ho_Chi_Minh"),
		LogLevel:      envOr("LOG_LEVEL", "info"),
		LogFormat:     envOr("LOG_FORMAT", "text"),
		WebhookURL:    os.Getenv("WEBHOOK_URL"),
		WebhookSecret: os.Getenv("WEBHOOK_SECRET"),
		ListenAddr:    os.Getenv("LISTEN_ADDR"),
		WebURL:        os.Getenv("WEB_URL"),
		MetricsToken:  os.Getenv("METRICS_TOKEN"),
		SendRate:      envRate(),
	}
}

// dbFlags adds the flags every database command has.
func (c *config) dbFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "`URL` của PostgreSQL (biến DATABASE_URL)")
	// -h prints defaults, which come from the environment: no passwords.
	cmd.Flags().Lookup("database-url").DefValue = redactDSN(c.DatabaseURL)
	cmd.Flags().StringVar(&c.LogLevel, "log-level", c.LogLevel, "`MỨC` ghi nhật ký: debug, info, warn hoặc error (biến LOG_LEVEL)")
	cmd.Flags().StringVar(&c.LogFormat, "log-format", c.LogFormat, "`DẠNG` nhật ký: text (mỗi sự kiện một dòng key=value) hoặc json (mỗi sự kiện một đối tượng JSON, cho hệ thống thu nhật ký) (biến LOG_FORMAT)")
}

// telegramFlags adds the flags of commands that talk to Telegram. Such a
// command with a token refuses a wrong TELEGRAM_PROXY before it does
// anything else.
func (c *config) telegramFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.Token, "token", c.Token, "`MÃ_BOT` lấy từ @BotFather (biến TELEGRAM_BOT_TOKEN)")
	hideDefault(cmd, "token")
	cmd.Flags().StringVar(&c.APIURL, "api-url", c.APIURL, "`URL` gốc của Bot API (biến TELEGRAM_API_URL)")
	cmd.Flags().StringVar(&c.TelegramProxy, "telegram-proxy", c.TelegramProxy,
		"`URL` của proxy mọi lệnh gọi Bot API đi qua, nơi mạng chặn Telegram: socks5://127.0.0.1:1080 (đường hầm SSH), "+
			"http://máy:cổng hoặc https://…, có thể kèm người-dùng:mật-khẩu@ (biến TELEGRAM_PROXY)")
	cmd.Flags().Lookup("telegram-proxy").DefValue = redactURL(c.TelegramProxy)
	cmd.PreRunE = func(*cobra.Command, []string) error {
		if c.Token == "" {
			return nil // no Telegram call: the sandbox demo, push without sending
		}
		_, err := bot.CheckProxy(c.TelegramProxy)
		return err
	}
}

// botClient is a Bot API client with the command's settings.
func (c *config) botClient(ctx context.Context) (*bot.Client, error) {
	return bot.NewClient(ctx, c.APIURL, c.Token, c.logger(), nil, bot.WithProxy(c.TelegramProxy))
}

// redactURL is a URL for -h, its password hidden; "" when it cannot be read.
func redactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return u.Redacted()
}

// metricsFlag adds --metrics-token to commands that serve /metrics.
func (c *config) metricsFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.MetricsToken, "metrics-token", c.MetricsToken,
		"`MÃ` bearer mà /metrics đòi (biến METRICS_TOKEN); để trống: /metrics chỉ trả lời máy này (loopback)")
	hideDefault(cmd, "metrics-token")
}

func (c *config) logger() *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(strings.TrimSpace(c.LogFormat), "json") {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// location is the commune's time zone (TZ); it also refuses an unreadable
// SOTAY_NOW, so that no command runs on a clock it was not given.
func (c *config) location() (*time.Location, error) {
	if c.nowErr != nil {
		return nil, c.nowErr
	}
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return nil, fmt.Errorf("TZ=%q không phải múi giờ: hãy dùng ví dụ Asia/Ho_Chi_Minh", c.TZ)
	}
	return loc, nil
}

// now is the command's clock in loc: its today is the commune's.
func (c *config) now(loc *time.Location) time.Time { return c.Now().In(loc) }

// clockFromEnv is time.Now, or with SOTAY_NOW (RFC 3339) a clock that
// starts at that instant and runs on.
func clockFromEnv() (func() time.Time, error) {
	v := strings.TrimSpace(os.Getenv("SOTAY_NOW"))
	if v == "" {
		return time.Now, nil
	}
	at, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Now, fmt.Errorf("SOTAY_NOW=%q không phải thời điểm: hãy ghi dạng 2026-11-15T06:51:00+07:00, hoặc bỏ biến này", v)
	}
	start := time.Now()
	return func() time.Time { return at.Add(time.Since(start)) }, nil
}

// open connects to the database (creating it when missing) and, when
// migrate is true, brings its schema up to date. The storage reads the
// command's clock in the commune's zone, so its days are the commune's.
func (c *config) open(ctx context.Context, migrate bool, opts ...storage.Option) (*storage.Storage, error) {
	loc, err := c.location()
	if err != nil {
		return nil, err
	}
	opts = append([]storage.Option{storage.WithClock(func() time.Time { return c.now(loc) })}, opts...)
	octx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	s, err := storage.Open(octx, c.DatabaseURL, opts...)
	if err != nil {
		return nil, explainDBError(c.DatabaseURL, err)
	}
	if migrate {
		if _, _, err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// withStorage opens the database with its schema brought up to date, runs
// use with it and closes it. Every command that works on the database goes
// through it, except migrate (which runs and reports the migration itself) and demo
// (which resets and reopens its own database).
func (c *config) withStorage(ctx context.Context, use func(*storage.Storage) error, opts ...storage.Option) error {
	s, err := c.open(ctx, true, opts...)
	if err != nil {
		return err
	}
	defer s.Close()
	return use(s)
}

// explainDBError says what to do when PostgreSQL cannot be reached.
func explainDBError(dsn string, err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return fmt.Errorf("PostgreSQL từ chối kết nối (%s): hãy kiểm tra tên người dùng và mật khẩu trong DATABASE_URL", pqErr.Message)
	}
	msg := err.Error()
	if strings.Contains(msg, "connection refused") || strings.Contains(msg, "no such host") || strings.Contains(msg, "i/o timeout") ||
		strings.Contains(msg, "deadline exceeded") {
		return fmt.Errorf("không kết nối được PostgreSQL tại %s: %v\n"+
			"Hãy khởi động PostgreSQL, ví dụ:\n"+
			"  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
			"hoặc cài đặt trước (Debian/Ubuntu):\n"+
			"  apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
			"hoặc đặt DATABASE_URL trỏ tới máy chủ PostgreSQL đồng chí có", redactDSN(dsn), err)
	}
	return err
}

// redactDSN hides a password in a database URL.
func redactDSN(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		if at := strings.Index(rest, "@"); at >= 0 {
			if colon := strings.Index(rest[:at], ":"); colon >= 0 {
				return dsn[:i+3] + rest[:colon] + ":***" + rest[at:]
			}
		}
	}
	return dsn
}

// envRate reads SEND_RATE; unset or unreadable means the default.
func envRate() float64 {
	var r float64
	if v := os.Getenv("SEND_RATE"); v != "" {
		if _, err := fmt.Sscan(v, &r); err != nil || r <= 0 {
			return bot.DefaultSendRate
		}
		return r
	}
	return bot.DefaultSendRate
}

// supervisionTarget reads SUPERVISION_TARGET, the yearly supervision
// coverage target in percent that the rules of party work warn against:
// unset means the default; a value that is not a whole percent from 0 to
// 100 is an error.
func supervisionTarget() (int, error) {
	v := strings.TrimSpace(os.Getenv("SUPERVISION_TARGET"))
	if v == "" {
		return storage.DefaultSupervisionTarget, nil
	}
	p, err := readPercent(v)
	if err != nil {
		return storage.DefaultSupervisionTarget, fmt.Errorf("SUPERVISION_TARGET=%q không hợp lệ: hãy ghi chỉ tiêu giám sát là số phần trăm từ 0 đến 100, ví dụ 30", v)
	}
	return p, nil
}

// readPercent reads a whole percent from 0 to 100: "30" or "30 %".
func readPercent(v string) (int, error) {
	p, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "%")))
	if err != nil {
		return 0, err
	}
	return p, storage.CheckCoverageTarget(p)
}

// rateFlag adds --rate to commands that send.
func (c *config) rateFlag(cmd *cobra.Command) {
	cmd.Flags().Float64Var(&c.SendRate, "rate", c.SendRate, "`SỐ` tin nhắn mỗi giây, chung cho mọi tiến trình gửi (biến SEND_RATE)")
}

// hideDefault keeps a secret taken from the environment out of -h.
func hideDefault(cmd *cobra.Command, flag string) {
	cmd.Flags().Lookup(flag).DefValue = ""
}

// webFlag adds --web-url to commands that serve the web handbook or make
// its links.
func (c *config) webFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.WebURL, "web-url", c.WebURL,
		"`URL` công khai của sổ tay trên web, có thể kèm đường dẫn, ví dụ https://xa.example.vn/sotay/ (biến WEB_URL); để trống: không bật")
}
