package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"sotay/bot"
)

// sotay check is the simple alarm of a commune server: sotay-check.timer
// runs it every 5 minutes; it asks the bot's /readyz, and after `--after`
// failures in a row (3) writes an alarm to the journal and messages the
// chats of ALERT_CHAT_IDS through the Bot API. It keeps the count of
// failures in a small file of the state directory rather than in the
// database, which may be what is down. When Telegram cannot be reached the
// alarm is in the journal alone, and the message is tried again at the next
// failed check. When /readyz answers again after an alarm, it says so the
// same ways.

// checkState is what one check leaves for the next.
type checkState struct {
	Failures int       `json:"failures"`
	Since    time.Time `json:"since,omitzero"`
	Reason   string    `json:"reason,omitempty"`
	// Alarmed: the alarm was written to the journal; Told: every alert
	// chat got the message.
	Alarmed bool `json:"alarmed,omitempty"`
	Told    bool `json:"told,omitempty"`
}

const checkStateFile = "check-state.json"

type checkFlags struct {
	url, stateDir, chats string
	after                int
	timeout              time.Duration
}

func checkCmd() *cobra.Command {
	c := configFromEnv()
	f := checkFlags{chats: os.Getenv("ALERT_CHAT_IDS"), stateDir: envOr("STATE_DIRECTORY", "/var/lib/sotay")}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Hỏi /readyz của bot; báo động sau 3 lần lỗi liên tiếp (chạy 5 phút một lần bởi sotay-check.timer)",
		Long: "Hỏi /readyz của sotay serve (địa chỉ LISTEN_ADDR). Sau --after lần lỗi liên tiếp (mặc định 3), ghi báo động vào\n" +
			"nhật ký hệ thống (journal, mức err) và nhắn tin qua Bot API tới các cuộc trò chuyện trong ALERT_CHAT_IDS; khi\n" +
			"không tới được Telegram thì chỉ ghi nhật ký, và nhắn lại ở lần kiểm tra sau. Khi bot trả lời lại, báo đã hoạt\n" +
			"động trở lại. Số lần lỗi liên tiếp được giữ trong tệp ở --state-dir (không ở cơ sở dữ liệu, vì có thể chính\n" +
			"cơ sở dữ liệu đang hỏng). Kết thúc với mã 0 khi bot sẵn sàng, 1 khi không.",
		Example: "  sudo systemctl enable --now sotay-check.timer\n  sudo sotay-env check",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.check(cmd, f)
		},
	}
	c.telegramFlags(cmd)
	cmd.Flags().StringVar(&f.url, "url", "", "`URL` của /readyz (mặc định: http://LISTEN_ADDR/readyz)")
	cmd.Flags().StringVar(&f.chats, "alert-chat-ids", f.chats, "`MÃ,...` các cuộc trò chuyện Telegram nhận báo động, cách nhau dấu phẩy (biến ALERT_CHAT_IDS)")
	cmd.Flags().StringVar(&f.stateDir, "state-dir", f.stateDir, "`THƯ_MỤC` giữ số lần lỗi liên tiếp (biến STATE_DIRECTORY, systemd đặt)")
	cmd.Flags().IntVar(&f.after, "after", 3, "báo động sau `SỐ` lần lỗi liên tiếp")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 30*time.Second, "`THỜI_GIAN` tối đa chờ /readyz, và chờ Telegram khi nhắn báo động")
	cmd.Flags().StringVar(&c.TZ, "tz", c.TZ, "`MÚI_GIỜ` của giờ ghi trong tin báo động (biến TZ)")
	cmd.Flags().StringVar(&c.LogFormat, "log-format", c.LogFormat, "`DẠNG` nhật ký: text hoặc json (biến LOG_FORMAT)")
	return cmd
}

func (c *config) check(cmd *cobra.Command, f checkFlags) error {
	loc, err := c.location()
	if err != nil {
		return err
	}
	chats, err := parseChatIDs(f.chats)
	if err != nil {
		return err
	}
	if f.after < 1 {
		return fmt.Errorf("--after %d không hợp lệ: hãy ghi một số từ 1 trở lên, ví dụ --after 3", f.after)
	}
	target := f.url
	if target == "" {
		if target, err = readyzURL(c.ListenAddr); err != nil {
			return err
		}
	}
	path := filepath.Join(f.stateDir, checkStateFile)
	st, err := loadCheckState(path)
	if err != nil {
		return err
	}
	log := journalLogger(c.LogFormat, os.Stderr)
	ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
	defer cancel()
	now := c.now(loc)
	reason := probeReady(ctx, target)
	tell := func(text string) bool { return c.tellChats(ctx, log, chats, text) }
	say := func(format string, args ...any) {
		if o, ok := cmd.OutOrStdout().(*os.File); ok && term.IsTerminal(int(o.Fd())) {
			fmt.Fprintf(o, format+"\n", args...)
		}
	}

	if reason == "" {
		switch {
		case st.Alarmed:
			log.Warn("sotay is ready again after an alarm", "failed_checks", st.Failures, "since", st.Since)
			tell(fmt.Sprintf("✅ sotay trên máy %s đã hoạt động trở lại (sau %d lần kiểm tra lỗi liên tiếp, từ %s).",
				hostname(), st.Failures, st.Since.In(loc).Format("15:04 02/01/2006")))
		case st.Failures > 0:
			log.Info("sotay is ready again", "failed_checks", st.Failures)
		}
		say("Bot sẵn sàng: %s trả lời ready.", target)
		return saveCheckState(path, checkState{})
	}

	if st.Failures == 0 {
		st.Since = now
	}
	st.Failures++
	st.Reason = reason
	switch {
	case st.Failures < f.after:
		log.Warn("sotay is not ready", "url", target, "reason", reason, "failed_checks", st.Failures, "alarm_at", f.after)
	case !st.Alarmed:
		st.Alarmed = true
		log.Error("ALARM: sotay is not ready", "url", target, "reason", reason, "failed_checks", st.Failures, "since", st.Since, "alert_chats", len(chats))
		if len(chats) == 0 {
			log.Warn("no ALERT_CHAT_IDS: the alarm is in the journal only")
		}
	default:
		log.Warn("sotay is still not ready", "url", target, "reason", reason, "failed_checks", st.Failures, "since", st.Since)
	}
	if st.Alarmed && !st.Told && len(chats) > 0 {
		st.Told = tell(fmt.Sprintf("⚠️ sotay trên máy %s không hoạt động: %d lần kiểm tra liên tiếp (từ %s) đều lỗi.\nLý do: %s\n"+
			"Đồng chí quản trị hãy xem: journalctl -u sotay -n 50", hostname(), st.Failures, st.Since.In(loc).Format("15:04 02/01/2006"), reason))
	}
	if err := saveCheckState(path, st); err != nil {
		return err
	}
	say("Bot chưa sẵn sàng (lần lỗi thứ %d liên tiếp, báo động từ lần %d): %s", st.Failures, f.after, reason)
	return exitError{code: 1}
}

// probeReady asks target and returns why it is not ready, or "" when it is.
func probeReady(ctx context.Context, target string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err.Error()
	}
	// /readyz is on loopback: never through a proxy of the environment.
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
			return "no answer from " + target + " in time"
		}
		return "cannot reach " + target + " (is sotay serve running?): " + err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	text := strings.TrimSpace(string(body))
	if resp.StatusCode == http.StatusOK && text == "ready" {
		return ""
	}
	if text == "" {
		text = resp.Status
	}
	return fmt.Sprintf("HTTP %d: %s", resp.StatusCode, text)
}

// tellChats sends text to every chat through the Bot API and says whether
// all of them got it. It fails quietly into the journal: Telegram may be
// what is down.
func (c *config) tellChats(ctx context.Context, log *slog.Logger, chats []int64, text string) bool {
	if len(chats) == 0 {
		return true
	}
	if c.Token == "" {
		log.Error("cannot message the alert chats: TELEGRAM_BOT_TOKEN is not set; the alarm is in the journal only")
		return false
	}
	quiet := slog.New(slog.DiscardHandler)
	cl, err := bot.NewClient(ctx, c.APIURL, c.Token, quiet, nil, bot.WithProxy(c.TelegramProxy))
	if err != nil {
		log.Error("cannot reach Telegram to message the alert chats; the alarm is in the journal only, the message is tried again at the next check", "err", err)
		return false
	}
	all := true
	for _, id := range chats {
		if _, err := cl.Send(ctx, tgbotapi.NewMessage(id, text)); err != nil {
			log.Error("cannot message an alert chat; tried again at the next check", "chat", id, "err", err)
			all = false
			continue
		}
		log.Info("alert chat messaged", "chat", id)
	}
	return all
}

// readyzURL is /readyz on the address sotay serve listens on, reached
// through loopback when it listens on every address.
func readyzURL(listen string) (string, error) {
	if listen == "" {
		return "", errors.New("chưa đặt LISTEN_ADDR, địa chỉ /readyz của sotay serve: hãy đặt LISTEN_ADDR=127.0.0.1:8080 trong /etc/sotay/sotay.env (như mẫu), hoặc ghi --url http://127.0.0.1:8080/readyz")
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", fmt.Errorf("LISTEN_ADDR=%q không phải địa chỉ: hãy ghi dạng 127.0.0.1:8080", listen)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}

// parseChatIDs reads ALERT_CHAT_IDS: chat ids separated by commas or spaces.
func parseChatIDs(s string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id == 0 {
			return nil, fmt.Errorf("ALERT_CHAT_IDS có %q không phải mã cuộc trò chuyện Telegram: hãy ghi các số, cách nhau dấu phẩy, ví dụ ALERT_CHAT_IDS=123456789,-1001234567890", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func loadCheckState(path string) (checkState, error) {
	var st checkState
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return st, nil
	case err != nil:
		return st, stateDirError(path, err)
	}
	if json.Unmarshal(b, &st) != nil {
		return checkState{}, nil // a torn or foreign file: start counting again
	}
	return st, nil
}

// saveCheckState writes the state under a temporary name and renames it,
// so that a check killed half way leaves the previous state whole.
func saveCheckState(path string, st checkState) error {
	b, _ := json.Marshal(st)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return stateDirError(path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return stateDirError(path, err)
	}
	return nil
}

func stateDirError(path string, err error) error {
	return fmt.Errorf("không ghi/đọc được %s (%v): hãy chạy qua sotay-check.timer hoặc «sudo sotay-env check», hoặc ghi --state-dir THƯ_MỤC mà người dùng này ghi được", path, err)
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "máy chủ"
	}
	return h
}

// journalLogger logs to w as LOG_FORMAT says; when w is the journal
// (systemd sets JOURNAL_STREAM), each line starts with its syslog priority
// ("<3>" for an error), which journald takes as the line's priority
// (SyslogLevelPrefix=yes, systemd's default): `journalctl -p err` finds the
// alarm.
func journalLogger(format string, w io.Writer) *slog.Logger {
	pw := &priorityWriter{w: w, on: os.Getenv("JOURNAL_STREAM") != ""}
	var h slog.Handler
	if strings.EqualFold(strings.TrimSpace(format), "json") {
		h = slog.NewJSONHandler(pw, nil)
	} else {
		h = slog.NewTextHandler(pw, nil)
	}
	return slog.New(priorityHandler{Handler: h, w: pw})
}

// priorityWriter puts the priority of the record being written in front of
// its line.
type priorityWriter struct {
	mu   sync.Mutex
	w    io.Writer
	on   bool
	prio string
}

func (p *priorityWriter) Write(b []byte) (int, error) {
	if p.on {
		if _, err := io.WriteString(p.w, p.prio); err != nil {
			return 0, err
		}
	}
	return p.w.Write(b)
}

type priorityHandler struct {
	slog.Handler
	w *priorityWriter
}

func (h priorityHandler) Handle(ctx context.Context, r slog.Record) error {
	h.w.mu.Lock()
	defer h.w.mu.Unlock()
	switch {
	case r.Level >= slog.LevelError:
		h.w.prio = "<3>"
	case r.Level >= slog.LevelWarn:
		h.w.prio = "<4>"
	default:
		h.w.prio = "<6>"
	}
	return h.Handler.Handle(ctx, r)
}

func (h priorityHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return priorityHandler{Handler: h.Handler.WithAttrs(as), w: h.w}
}

func (h priorityHandler) WithGroup(name string) slog.Handler {
	return priorityHandler{Handler: h.Handler.WithGroup(name), w: h.w}
}
