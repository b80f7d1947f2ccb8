package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// Outbox sends the durable outbox. Each message gets one attempt per
// claim. At the default rate one message is in flight at a time and its
// outcome is recorded right after the call returns, so a killed process
// resends at most that message; at high rates (see OutboxConfig.Workers)
// several are in flight and sent marks are written in batches.
type Outbox struct {
	cfg    OutboxConfig
	client *Client
	// out sends the pushers' status messages: the client, or what routes
	// web chats to their inbox (Config.Outgoing).
	out   Sender
	store *storage.Storage
	log   *slog.Logger
	loc   *time.Location
	id    string

	floodMu sync.Mutex
	floods  recent
}

// floodPauseCount 429s within floodWindow pause every sender.
const (
	floodPauseCount = 3
	floodWindow     = 2 * time.Second
)

// recent counts events over the last floodWindow.
type recent struct{ at []time.Time }

func (r *recent) add(now time.Time) int {
	keep := r.at[:0]
	for _, t := range r.at {
		if now.Sub(t) < floodWindow {
			keep = append(keep, t)
		}
	}
	r.at = append(keep, now)
	return len(r.at)
}

// NewOutbox builds a sender; Run starts it.
func NewOutbox(c *Client, s *storage.Storage, cfg OutboxConfig, log *slog.Logger, loc *time.Location) *Outbox {
	if log == nil {
		log = slog.Default()
	}
	if loc == nil {
		loc = time.UTC
	}
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &Outbox{cfg: cfg.withDefaults(), client: c, out: c, store: s, log: log, loc: loc,
		id: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))}
}

// Run sends until ctx ends; the message in flight is finished and
// recorded, the rest of the batch is given back for others to take.
func (o *Outbox) Run(ctx context.Context) error {
	if o.cfg.Disabled {
		return nil
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		o.progressLoop(ctx)
	}()
	defer wg.Wait()
	opts := storage.ClaimOptions{Worker: o.id, Max: o.cfg.Batch, Interval: o.cfg.interval(), Horizon: o.cfg.Horizon,
		Lease: o.cfg.Lease, ChatGap: o.cfg.ChatGap, Location: o.loc}
	// With several sends in flight a full batch goes out in a fraction of
	// a second, as fast as one claim takes: the next batch is claimed
	// while this one is sent.
	var next chan claim
	defer func() {
		if next != nil {
			o.release(context.WithoutCancel(ctx), (<-next).msgs)
		}
	}()
	for ctx.Err() == nil {
		// While Telegram refuses the token nothing can be sent: claim
		// nothing, so that no message uses up an attempt or a lease.
		if o.client.WaitAuth(ctx) != nil {
			continue
		}
		var c claim
		if next != nil {
			c, next = <-next, nil
		} else {
			c = o.claim(ctx, opts)
		}
		if c.err != nil {
			if ctx.Err() == nil {
				o.log.Warn("outbox claim", "err", c.err)
			}
			sleep(ctx, o.cfg.Poll)
			continue
		}
		if len(c.msgs) == 0 {
			d := o.cfg.Poll
			if c.wait > 0 && c.wait < d {
				d = c.wait
			}
			sleep(ctx, d)
			continue
		}
		if o.cfg.workers() > 1 && len(c.msgs) == opts.Max {
			next = make(chan claim, 1)
			go func() { next <- o.claim(ctx, opts) }()
		}
		if !o.sendBatch(ctx, c) && next != nil {
			// A flood pause or a refused token stopped the batch: the
			// slots of the next one are spoiled too.
			o.release(context.WithoutCancel(ctx), (<-next).msgs)
			next = nil
		}
	}
	return nil
}

// claim is one claimed batch, with the times its slots count from: the
// latest and the earliest the claim's end can have been on this process's
// clock.
type claim struct {
	msgs  []storage.OutboxMessage
	wait  time.Duration
	base  time.Time
	early time.Time
	err   error
}

func (o *Outbox) claim(ctx context.Context, opts storage.ClaimOptions) claim {
	var c claim
	asked := time.Now()
	c.msgs, c.wait, c.err = o.store.ClaimOutbox(ctx, opts)
	// Slots are offsets from the claim's end on the database's clock, an
	// instant between asked+ClaimTook and now on ours. Counting them from
	// now can only send later, never earlier than the shared budget
	// allows; lateness and leases count from the earliest, so that time
	// lost on the way back from the database still counts as late.
	c.base, c.early = time.Now(), asked
	if len(c.msgs) > 0 && c.msgs[0].ClaimTook > 0 {
		c.early = asked.Add(c.msgs[0].ClaimTook)
	}
	if c.early.After(c.base) { // the two clocks' rates differ a little
		c.early = c.base
	}
	return c
}

// flood counts a 429 and says how many came within floodWindow.
func (o *Outbox) flood(now time.Time) int {
	o.floodMu.Lock()
	defer o.floodMu.Unlock()
	return o.floods.add(now)
}

// record writes an outcome, retrying a few times: an outcome lost here
// means the message is sent again after its lease.
func (o *Outbox) record(ctx context.Context, m storage.OutboxMessage, write func() error) {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = write(); err == nil {
			return
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	o.log.Error("outbox: outcome not recorded", "id", m.ID, "err", err)
}

func (o *Outbox) release(ctx context.Context, msgs []storage.OutboxMessage) {
	if len(msgs) == 0 {
		return
	}
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	if err := o.store.ReleaseOutbox(ctx, o.id, ids); err != nil {
		o.log.Warn("outbox: release", "err", err)
	}
}

func outboxMessage(m storage.OutboxMessage) tgbotapi.MessageConfig {
	c := tgbotapi.NewMessage(m.ChatID, m.Text)
	c.ParseMode = tgbotapi.ModeHTML
	c.DisableWebPagePreview = true
	if len(m.ReplyMarkup) > 0 {
		c.ReplyMarkup = json.RawMessage(m.ReplyMarkup)
	}
	return c
}

// blockedReason says in Vietnamese why a chat refused the message.
func blockedReason(desc string) string {
	lower := strings.ToLower(desc)
	switch {
	case strings.Contains(lower, "blocked"):
		return "đã chặn bot"
	case strings.Contains(lower, "chat not found"):
		return "không tìm thấy cuộc trò chuyện (chưa mở bot)"
	case strings.Contains(lower, "deactivated"):
		return "tài khoản Telegram đã bị xóa"
	}
	return "Telegram từ chối: " + desc
}

// sleep waits d or until ctx ends, and reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
