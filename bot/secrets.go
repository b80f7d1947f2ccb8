package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Keeping the token secret: the token and the Bot API URL are checked
// before use, and every error, URL and log line that leaves the client is
// scrubbed of the token in all its spellings.

// tokenShape is what @BotFather hands out: the bot's numeric id, a colon
// and a secret of letters, digits, _ and -.
var tokenShape = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]{30,}$`)

// CheckToken trims a token as copied from an environment file (a trailing
// \r or \n) and checks its shape. The error never quotes the token.
func CheckToken(token string) (string, error) {
	t := strings.TrimSpace(token)
	if t == "" {
		return "", errors.New("chưa đặt TELEGRAM_BOT_TOKEN: hãy lấy mã bot từ @BotFather")
	}
	if tokenShape.MatchString(t) {
		return t, nil
	}
	id, secret, found := strings.Cut(t, ":")
	var why string
	switch {
	case !found:
		why = "thiếu dấu hai chấm"
	case id == "" || strings.Trim(id, "0123456789") != "":
		why = "phần trước dấu hai chấm phải là số hiệu của bot (chỉ gồm chữ số)"
	case strings.ContainsAny(secret, " \t\r\n"):
		why = "có khoảng trắng hoặc xuống dòng ở giữa"
	case strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != "":
		why = "có ký tự không được phép (chỉ được dùng chữ Latinh, chữ số, _ và -)"
	default:
		why = fmt.Sprintf("phần sau dấu hai chấm chỉ có %d ký tự, cần ít nhất 30", len(secret))
	}
	return "", fmt.Errorf("Mã bot (TELEGRAM_BOT_TOKEN) không đúng dạng: %s. Mã đúng có dạng <số hiệu bot>:<ít nhất 30 chữ Latinh, chữ số, _ hoặc ->, "+
		"ví dụ 123456789:AAH4xYzW-8mK3pQ_vR5tL9nB2cD7fG1jE0s; hãy sao chép lại nguyên mã từ @BotFather", why)
}

// CheckAPIURL checks a Bot API base URL and returns it without a trailing
// slash (DefaultAPIURL when empty). Requests go to <base>/bot<token>/<method>,
// so a query or fragment would carry the token somewhere else.
func CheckAPIURL(raw string) (string, error) {
	base := strings.TrimRight(strings.TrimSpace(raw), "/")
	if base == "" {
		return DefaultAPIURL, nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("TELEGRAM_API_URL không phải địa chỉ hợp lệ: cần dạng http(s)://máy-chủ[:cổng][/đường-dẫn], ví dụ " +
			DefaultAPIURL + "; ký tự % chỉ dùng để mã hóa một ký tự (ví dụ %20)")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(base, "?#") {
		return "", errors.New("TELEGRAM_API_URL không được có phần ?… hay #…: chỉ ghi địa chỉ gốc, ví dụ " + DefaultAPIURL)
	}
	if strings.Contains(u.Path, "/bot") && strings.Contains(u.Path, ":") {
		return "", errors.New("TELEGRAM_API_URL chỉ ghi địa chỉ gốc, không kèm /bot<mã>: mã bot đặt trong TELEGRAM_BOT_TOKEN")
	}
	return base, nil
}

// scrubber removes every spelling of the token from text: as is, escaped
// for a path, a query or a Go quoted string, and its secret part alone.
type scrubber []string

func newScrubber(token string) scrubber {
	forms := []string{token, url.PathEscape(token), url.QueryEscape(token), strings.Trim(strconv.Quote(token), `"`)}
	if _, secret, ok := strings.Cut(token, ":"); ok && len(secret) >= 8 {
		forms = append(forms, secret, url.QueryEscape(secret))
	}
	var s scrubber
	for _, f := range forms {
		if f != "" && !slices.Contains(s, f) {
			s = append(s, f)
		}
	}
	return s
}

func (s scrubber) text(msg string) string {
	for _, f := range s {
		msg = strings.ReplaceAll(msg, f, "<token>")
	}
	return msg
}

// err scrubs an error. What it unwraps to is safe: a copy of a Bot API
// error with a scrubbed description, or a context error; never the
// original, whose text may quote the request URL.
func (s scrubber) err(err error) error {
	if err == nil {
		return nil
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		cp := *te
		cp.Message = s.text(te.Message)
		if _, direct := err.(*tgbotapi.Error); direct {
			return &cp
		}
		return &scrubbedError{msg: s.text(err.Error()), cause: &cp}
	}
	e := &scrubbedError{msg: s.text(err.Error())}
	switch {
	case errors.Is(err, context.Canceled):
		e.cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		e.cause = context.DeadlineExceeded
	}
	return e
}

type scrubbedError struct {
	msg   string
	cause error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.cause }

// redactingClient hides the token in every error of a tgbotapi call that
// reaches the network; the Client scrubs the rest (URL-building errors).
type redactingClient struct {
	c     *http.Client
	scrub scrubber
}

func (r redactingClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := r.c.Do(req)
	if err != nil {
		return nil, r.scrub.err(err)
	}
	return resp, nil
}

// redactingLogger replaces tgbotapi's logger, which prints request URLs.
type redactingLogger struct {
	log   *slog.Logger
	scrub scrubber
}

func (l redactingLogger) Println(v ...any) {
	l.log.Debug(l.scrub.text(strings.TrimSpace(fmt.Sprintln(v...))))
}

func (l redactingLogger) Printf(format string, v ...any) {
	l.log.Debug(l.scrub.text(fmt.Sprintf(format, v...)))
}
