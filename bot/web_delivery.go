package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// The web handbook as the bot sees it: where it is served, the updates it
// sends in, and the proactive messages it delivers.

// CheckWebURL reads WEB_URL and returns the path the web handbook is
// served under, ending in "/" ("" when url is ""): an http or https
// address without user, query or fragment, whose path is not the bot's own.
func CheckWebURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	bad := errors.New("WEB_URL không phải địa chỉ hợp lệ: cần địa chỉ HTTPS công khai của sổ tay trên web, " +
		"có thể kèm đường dẫn, ví dụ https://xa.example.vn/sotay/")
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", bad
	}
	p := u.EscapedPath()
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	for _, own := range []string{"/telegram/", "/healthz/", "/readyz/", "/metrics/"} {
		if strings.HasPrefix(p, own) {
			return "", errors.New("WEB_URL không được nằm dưới " + strings.TrimSuffix(own, "/") + ", đường dẫn riêng của bot: hãy chọn đường dẫn khác, ví dụ /sotay/")
		}
	}
	return p, nil
}

// WebDeliveryEvery is how often proactive messages due for web chats are
// put in their inboxes.
var WebDeliveryEvery = time.Second

// deliverWeb puts the outbox's due web messages in their inboxes until
// ctx ends. It runs whether or not this process serves the web: a member
// signed in earlier still gets their messages, and a push finishes.
func deliverWeb(ctx context.Context, s *storage.Storage, loc *time.Location, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.DeliverWebOutbox(ctx, loc); err != nil && ctx.Err() == nil {
			log.Warn("web outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Apply runs an update that does not come from Telegram (the web
// handbook's) and waits for what became of it. Like polling, it tries an
// update that failed with an internal error again after each wait of the
// retry backoff, the last try answering with the apology. When ctx ends
// first the update is still applied; Apply returns ctx's error as Retry.
func (d *Dispatcher) Apply(ctx context.Context, u tgbotapi.Update) Outcome {
	backoffs := d.retryBackoff()
	for try := 0; ; try++ {
		done := make(chan Outcome, 1)
		d.applying.RLock()
		if d.closed {
			d.applying.RUnlock()
			return Outcome{Result: Retry, Err: errors.New("bot: shutting down")}
		}
		d.dispatch(job{u: u, retry: true, last: try >= len(backoffs), done: func(o Outcome) { done <- o }})
		d.applying.RUnlock()
		var o Outcome
		select {
		case o = <-done:
		case <-ctx.Done():
			return Outcome{Result: Retry, Err: ctx.Err()}
		}
		if !retryable(o) || try >= len(backoffs) {
			return o
		}
		if !sleep(ctx, backoffs[try]) {
			return Outcome{Result: Retry, Err: ctx.Err()}
		}
	}
}
