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

	"sotay/handlers"
	"sotay/storage"
)

// DefaultSendRate is the shared budget of proactive messages per second,
// under Telegram's ~30/s so that direct replies still fit beside a push.
const DefaultSendRate = 28

// OutboxConfig tunes the outbox sender. Zero values take the defaults.
type OutboxConfig struct {
	// Rate is messages per second over every sender process (SEND_RATE);
	// negative means no global limit (benchmarks).
	Rate float64
	// Lease is how long a claimed message stays with its sender after its
	// slot; a killed sender's messages are taken again after it.
	Lease time.Duration
	// Poll is how often an idle sender looks for work.
	Poll time.Duration
	// Batch bounds one claim; Horizon is how far ahead slots are taken.
	Batch   int
	Horizon time.Duration
	// ChatGap is the minimum time between two messages to one chat.
	ChatGap time.Duration
	// MaxAttempts bounds tries on 5xx and network errors; Backoff is the
	// first wait, doubled each time up to MaxBackoff.
	MaxAttempts int
	Backoff     time.Duration
	MaxBackoff  time.Duration
	// ProgressEvery is the least time between two edits of a pusher's
	// status message.
	ProgressEvery time.Duration
	// Workers bounds the sends in flight within one batch. Zero: one at
	// rates up to 200/s, where one send takes less than a slot (and a
	// killed process sends again at most one message); 16 above, and
	// without a limit.
	Workers int
	// Disabled runs no sender in this process.
	Disabled bool
}

func (c OutboxConfig) withDefaults() OutboxConfig {
	if c.Rate == 0 {
		c.Rate = DefaultSendRate
	}
	if c.Lease <= 0 {
		c.Lease = 30 * time.Second
	}
	if c.Poll <= 0 {
		c.Poll = 500 * time.Millisecond
	}
	if c.Batch <= 0 {
		c.Batch = 100
		if c.workers() > 1 {
			c.Batch = 500
		}
	}
	if c.Horizon <= 0 {
		c.Horizon = time.Second
	}
	if c.ChatGap <= 0 {
		c.ChatGap = 1100 * time.Millisecond
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.Backoff <= 0 {
		c.Backoff = 2 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 5 * time.Minute
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 3 * time.Second
	}
	return c
}

// concurrentAbove is the slot spacing under which a sender sends several
// messages at once (rates over 200/s).
const concurrentAbove = 5 * time.Millisecond

// workers is how many sends of one batch may be in flight at once.
func (c OutboxConfig) workers() int {
	switch {
	case c.Workers > 0:
		return c.Workers
	case c.interval() >= concurrentAbove:
		return 1
	}
	return 16
}

// rateHeadroom spaces slots for 99 % of Rate: a message that leaves a few
// milliseconds late must not put Rate+1 messages into one sliding second
// with the messages after it, which Telegram answers with 429.
const rateHeadroom = 0.99

// interval is the budget's spacing between two messages; 0 for no limit.
func (c OutboxConfig) interval() time.Duration {
	if c.Rate < 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / (c.Rate * rateHeadroom))
}

// lateTolerance is how far behind its slot a message may still be sent:
// two intervals, about what rateHeadroom and Telegram's margin over
// DefaultSendRate absorb. Zero (no check) without a rate or at rates of
// paid broadcasts (over 200/s), whose slots are closer than one send takes:
// there a sender is always a little behind, and giving slots back would
// only slow it down.
func (c OutboxConfig) lateTolerance() time.Duration {
	if c.interval() < concurrentAbove {
		return 0
	}
	return 2 * c.interval()
}

// Outbox sends the durable outbox. Each message gets one attempt per
// claim. At the default rate one message is in flight at a time and its
// outcome is recorded right after the call returns, so a killed process
// resends at most that message; at high rates (see OutboxConfig.Workers)
// several are in flight and sent marks are written in batches.
type Outbox struct {
	cfg    OutboxConfig
	client *Client
	store  *storage.Storage
	log    *slog.Logger
	loc    *time.Location
	id     string

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
	return &Outbox{cfg: cfg.withDefaults(), client: c, store: s, log: log, loc: loc,
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
		if !o.sendBatch(ctx, c.msgs, c.base) && next != nil {
			// A flood pause or a refused token stopped the batch: the
			// slots of the next one are spoiled too.
			o.release(context.WithoutCancel(ctx), (<-next).msgs)
			next = nil
		}
	}
	return nil
}

// claim is one claimed batch, with the time its slots count from.
type claim struct {
	msgs []storage.OutboxMessage
	wait time.Duration
	base time.Time
	err  error
}

func (o *Outbox) claim(ctx context.Context, opts storage.ClaimOptions) claim {
	var c claim
	c.msgs, c.wait, c.err = o.store.ClaimOutbox(ctx, opts)
	// Slots are offsets from the database's clock when the claim read the
	// budget, which was before this: counting from now can only send
	// later, never earlier than the shared budget allows.
	c.base = time.Now()
	return c
}

// batch is one claimed batch being sent: its workers take the messages
// in slot order; sent marks wait in marks for the next write.
type batch struct {
	o    *Outbox
	rec  context.Context // outcomes are recorded even while shutting down
	msgs []storage.OutboxMessage
	base time.Time

	mu      sync.Mutex
	next    int                     // the first message no worker took
	stopped bool                    // no worker takes another message
	back    []storage.OutboxMessage // taken, then given back untried
	marks   []storage.SentMark      // sent, not yet recorded
	last    int64                   // the last message recorded sent
	written chan struct{}           // a signal to the mark writer
}

// verdict is what a worker does after one message.
type verdict int

const (
	goOn      verdict = iota // take the next message
	giveBack                 // give this message and the rest back
	stopAfter                // this message is done; give the rest back
)

// sendBatch sends one claimed batch with o.cfg.workers() sends in flight
// at most. With one worker (rates up to 200/s, the default among them)
// each sent mark is written before the next send, so a killed process
// sends again at most the one message in flight. With more (paid
// broadcast rates, no limit) the marks are written in one statement for
// all that arrived meanwhile, while the workers go on sending: a killed
// process sends again at most the messages in flight and those whose marks
// were being written, and every other outcome is recorded before
// sendBatch returns, on shutdown too.
// It reports whether the batch ran to its end: false when a flood pause,
// a refused token or the end of ctx stopped it.
func (o *Outbox) sendBatch(ctx context.Context, msgs []storage.OutboxMessage, base time.Time) bool {
	b := &batch{o: o, rec: context.WithoutCancel(ctx), msgs: msgs, base: base, written: make(chan struct{}, 1)}
	workers := min(o.cfg.workers(), len(msgs))
	var writer sync.WaitGroup
	done := make(chan struct{})
	if workers > 1 {
		writer.Add(1)
		go func() {
			defer writer.Done()
			b.writeMarks(done)
		}()
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.work(ctx)
		}()
	}
	wg.Wait()
	close(done)
	writer.Wait()
	b.flushMarks()
	b.mu.Lock()
	back := append(b.back, b.msgs[b.next:]...)
	last, stopped := b.last, b.stopped
	b.mu.Unlock()
	o.release(b.rec, back)
	// Sent marks commit without waiting for the WAL flush; one flush at
	// the end of the batch bounds what a crash of PostgreSQL can make us
	// send again to this batch.
	if last != 0 {
		if err := o.store.FlushOutbox(b.rec, last); err != nil {
			o.log.Warn("outbox: flush sent marks", "err", err)
		}
	}
	return !stopped
}

// work takes messages one after the other until none is left or the
// batch stops.
func (b *batch) work(ctx context.Context) {
	for {
		b.mu.Lock()
		if b.stopped || b.next == len(b.msgs) {
			b.mu.Unlock()
			return
		}
		i := b.next
		b.next++
		b.mu.Unlock()
		v := b.send(ctx, i)
		if v == goOn {
			continue
		}
		b.mu.Lock()
		b.stopped = true
		if v == giveBack {
			b.back = append(b.back, b.msgs[i])
		}
		b.mu.Unlock()
		return
	}
}

// send waits for the slot of message i, sends it and records its outcome.
func (b *batch) send(ctx context.Context, i int) verdict {
	o, m, rec := b.o, b.msgs[i], b.rec
	slot := time.Until(b.base.Add(m.SendIn))
	o.client.metrics.floodWait(slot)
	if !sleep(ctx, slot) || time.Now().After(b.base.Add(m.LeaseIn-o.cfg.Lease/2)) {
		return giveBack
	}
	// A sender that fell behind its slots (a slow send before, a starved
	// CPU, a sleep that overslept) must not catch up in a burst: the late
	// messages would land in the next second with the slots of the other
	// senders, and Telegram answers 429. It gives the rest back and claims
	// fresh slots; the first message of a batch always goes, so a slow
	// machine still makes progress.
	if late := o.cfg.lateTolerance(); i > 0 && late > 0 && time.Since(b.base.Add(m.SendIn)) > late {
		return giveBack
	}
	if blocked, _ := o.client.AuthBlocked(); blocked {
		return giveBack
	}
	b.mu.Lock()
	stopped := b.stopped
	b.mu.Unlock()
	if stopped {
		// Another worker met a flood wait or a refused token meanwhile.
		return giveBack
	}
	sent, err := o.client.quick.Send(outboxMessage(m))
	// The reason is logged and kept in the delivery report.
	f := Classify(o.client.scrub.err(err))
	o.client.metrics.apiCall("sendMessage", f.Kind)
	o.client.metrics.send(f.Kind)
	switch f.Kind {
	case FailNone, FailNotModified:
		b.mark(storage.SentMark{ID: m.ID, MessageID: sent.MessageID})
	case FailRetryAfter:
		// The message and its chat wait retry_after. A lone 429 is a slot
		// that arrived a little early (network jitter) or a chat busy with
		// direct replies; several close together mean the bot as a whole
		// is over Telegram's limit, and every sender pauses.
		o.log.Warn("outbox: flood wait", "retry_after", f.RetryAfter, "chat", m.ChatID)
		o.record(rec, m, func() error { return o.store.HoldChat(rec, m.ChatID, f.RetryAfter) })
		o.record(rec, m, func() error { return o.store.OutboxRetry(rec, o.id, m.ID, f.RetryAfter, false, f.Reason) })
		if o.flood(time.Now()) >= floodPauseCount {
			o.record(rec, m, func() error { return o.store.PauseSending(rec, f.RetryAfter) })
			// The pause spoiled the slots of the rest of the batch.
			return stopAfter
		}
	case FailAuth:
		// The token, not this message, is at fault: the message and the
		// rest of the batch go back untouched, and Run waits for the token
		// to work again.
		return giveBack
	case FailBlocked:
		o.record(rec, m, func() error { return o.store.OutboxFailed(rec, m.ID, true, blockedReason(f.Reason)) })
	case FailBadRequest:
		o.record(rec, m, func() error { return o.store.OutboxFailed(rec, m.ID, false, "Telegram từ chối: "+f.Reason) })
	default:
		if m.Attempts+1 >= o.cfg.MaxAttempts {
			reason := fmt.Sprintf("lỗi mạng hoặc máy chủ Telegram sau %d lần thử: %s", m.Attempts+1, f.Reason)
			o.record(rec, m, func() error { return o.store.OutboxFailed(rec, m.ID, false, reason) })
		} else {
			wait := min(o.cfg.Backoff<<m.Attempts, o.cfg.MaxBackoff)
			o.log.Warn("outbox: send will be retried", "chat", m.ChatID, "attempt", m.Attempts+1, "wait", wait, "err", f.Reason)
			o.record(rec, m, func() error { return o.store.OutboxRetry(rec, o.id, m.ID, wait, true, f.Reason) })
		}
	}
	return goOn
}

// mark queues a sent mark. With one worker it is written at once, before
// the next send; otherwise the mark writer takes it.
func (b *batch) mark(m storage.SentMark) {
	b.mu.Lock()
	b.marks = append(b.marks, m)
	b.mu.Unlock()
	if b.o.cfg.workers() == 1 {
		b.flushMarks()
		return
	}
	select {
	case b.written <- struct{}{}:
	default:
	}
}

// writeMarks writes the queued sent marks, all those that arrived during
// the previous write in one statement, until done is closed.
func (b *batch) writeMarks(done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-b.written:
			b.flushMarks()
		}
	}
}

// flushMarks writes the queued sent marks in one statement, retrying a
// few times: a mark lost here means the message is sent again after its
// lease.
func (b *batch) flushMarks() {
	b.mu.Lock()
	marks := b.marks
	b.marks = nil
	b.mu.Unlock()
	if len(marks) == 0 {
		return
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = b.o.store.OutboxSentBatch(b.rec, marks); err == nil {
			b.mu.Lock()
			b.last = marks[len(marks)-1].ID
			b.mu.Unlock()
			return
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	ids := make([]int64, len(marks))
	for i, m := range marks {
		ids[i] = m.ID
	}
	b.o.log.Error("outbox: sent marks not recorded", "ids", ids, "err", err)
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

// progressLoop keeps pushers' status messages up to date.
func (o *Outbox) progressLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	pruned := time.Now()
	for {
		o.progress(ctx)
		if time.Since(pruned) > time.Hour {
			pruned = time.Now()
			if err := o.store.PruneChatSlots(ctx); err != nil && ctx.Err() == nil {
				o.log.Warn("outbox: prune chat slots", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// progress edits the status message of each campaign that is due. The edit
// takes a slot of the shared budget and of the pusher's chat, then goes
// through the direct client, which waits out a 429 itself.
func (o *Outbox) progress(ctx context.Context) {
	if blocked, _ := o.client.AuthBlocked(); blocked {
		return
	}
	due, err := o.store.ClaimProgress(ctx, o.cfg.ProgressEvery)
	if err != nil {
		if ctx.Err() == nil {
			o.log.Warn("outbox: progress", "err", err)
		}
		return
	}
	for _, p := range due {
		st, err := o.store.CampaignStats(ctx, p.ID)
		if err != nil || st.NotifyChatID == nil || st.ProgressMessageID == nil {
			continue
		}
		text, kb := handlers.PushProgress(st, p.Final, o.cfg.Rate)
		wait, err := o.store.ReserveSlot(ctx, *st.NotifyChatID, o.cfg.interval(), o.cfg.ChatGap)
		if err != nil {
			o.log.Warn("outbox: progress slot", "err", err)
			continue
		}
		if !sleep(ctx, wait) && !p.Final {
			return
		}
		e := tgbotapi.NewEditMessageText(*st.NotifyChatID, *st.ProgressMessageID, text)
		e.ParseMode = tgbotapi.ModeHTML
		e.ReplyMarkup = kb
		_, err = o.client.Send(context.WithoutCancel(ctx), e)
		if err != nil && p.Final {
			// The status message is gone or too old to edit: the summary
			// must still arrive.
			m := tgbotapi.NewMessage(*st.NotifyChatID, text)
			m.ParseMode = tgbotapi.ModeHTML
			if kb != nil {
				m.ReplyMarkup = *kb
			}
			_, err = o.client.Send(context.WithoutCancel(ctx), m)
		}
		if err != nil {
			o.log.Warn("outbox: progress edit", "campaign", p.ID, "err", err)
		}
	}
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
