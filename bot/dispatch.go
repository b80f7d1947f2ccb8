package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// UpdateHandler applies updates: what the bot serves, seen through what the
// dispatcher needs of it. cmd adapts the handlers to it; bot imports none.
type UpdateHandler interface {
	// HandleUpdate applies one update, tried as a says, and says what
	// became of it.
	HandleUpdate(ctx context.Context, u tgbotapi.Update, a Attempt) Outcome
}

// Attempt is how the dispatcher tries an update.
type Attempt struct {
	// Retrying says the update is tried again after an internal failure,
	// unless Last: a failed try that is not the last is to be neither
	// answered nor recorded; a failed last try is answered with the
	// apology and recorded, so that the update is not redelivered forever.
	Retrying bool
	Last     bool
}

// Result is what became of an update.
type Result int

const (
	// Applied: the update is done (handled, or answered with an expected
	// error) and recorded.
	Applied Result = iota
	// Seen: the update had already been applied (a redelivery, or a load
	// balancer's retry to another replica) and changed nothing.
	Seen
	// Retry: an internal failure (a lost connection, a deadlock); another
	// try may succeed.
	Retry
	// Panicked: the handler panicked; another try would panic again.
	Panicked
)

// Outcome is what became of an update, with the error of a failure.
type Outcome struct {
	Result Result
	// Err is the failure of Retry or Panicked, for the log; nil otherwise.
	Err error
}

// Dispatcher runs updates concurrently across chats and in order within a
// chat: each chat hashes to one worker, and a worker takes its updates one
// at a time.
type Dispatcher struct {
	handler UpdateHandler
	log     *slog.Logger
	metrics *Metrics
	queues  []chan job
	wg      sync.WaitGroup
	// retry is the waits before each new try of a failed update in
	// polling mode; DefaultRetryBackoff unless retrySet.
	retry    []time.Duration
	retrySet bool
	// applying guards closed for Apply, whose callers (the web handbook's
	// requests) may still be in hand when the dispatcher closes.
	applying sync.RWMutex
	closed   bool
}

// SetRetryBackoff sets the waits before each new try of an update that
// failed with an internal error in polling mode (none: no retry). Call it
// before polling starts.
func (d *Dispatcher) SetRetryBackoff(waits ...time.Duration) {
	d.retry = append([]time.Duration{}, waits...)
	d.retrySet = true
}

func (d *Dispatcher) retryBackoff() []time.Duration {
	if d.retrySet {
		return d.retry
	}
	return DefaultRetryBackoff
}

type job struct {
	u tgbotapi.Update
	// retry says the caller tries the update again after an internal
	// failure, unless last (Attempt).
	retry, last bool
	done        func(Outcome)
}

// NewDispatcher starts n workers.
func NewDispatcher(ctx context.Context, h UpdateHandler, n int, log *slog.Logger, m *Metrics) *Dispatcher {
	if n < 1 {
		n = 1
	}
	d := &Dispatcher{handler: h, log: log, metrics: m, queues: make([]chan job, n)}
	for i := range d.queues {
		d.queues[i] = make(chan job, 64)
		d.wg.Add(1)
		go d.work(ctx, d.queues[i])
	}
	return d
}

func (d *Dispatcher) work(ctx context.Context, q chan job) {
	defer d.wg.Done()
	for j := range q {
		o := d.handle(ctx, j.u, Attempt{Retrying: j.retry, Last: j.last})
		if j.done != nil {
			j.done(o)
		}
	}
}

// handle runs one update. A panic the handler did not recover itself is
// recovered here, so that one update never takes the others down.
func (d *Dispatcher) handle(ctx context.Context, u tgbotapi.Update, a Attempt) (o Outcome) {
	start := time.Now()
	defer func() {
		if v := recover(); v != nil {
			d.log.Error("panic in update handler", "update_id", u.UpdateID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			o = Outcome{Result: Panicked, Err: fmt.Errorf("panic handling update %d: %v", u.UpdateID, v)}
		}
		result := "ok"
		switch {
		case o.Result == Panicked:
			result = "panic" // logged with its stack where it was recovered
		case o.Err != nil:
			result = "error"
			d.log.Error("update", "update_id", u.UpdateID, "err", o.Err)
		case o.Result == Seen:
			result = "duplicate" // applied before: changed nothing
		}
		d.metrics.update(result, time.Since(start))
	}()
	return d.handler.HandleUpdate(ctx, u, a)
}

// retryable says whether a failed update is worth another try: an internal
// error may be gone in a second; a panic would come again, and a cancelled
// update is redelivered after the restart.
func retryable(o Outcome) bool {
	return o.Result == Retry && !errors.Is(o.Err, context.Canceled)
}

// Dispatch queues an update; done is called when it has been handled.
func (d *Dispatcher) Dispatch(u tgbotapi.Update, done func()) {
	d.dispatch(job{u: u, done: func(Outcome) {
		if done != nil {
			done()
		}
	}})
}

func (d *Dispatcher) dispatch(j job) {
	d.queues[shard(chatOf(j.u), len(d.queues))] <- j
}

// Close lets the workers finish what is queued and waits for them.
func (d *Dispatcher) Close() {
	d.applying.Lock()
	d.closed = true
	d.applying.Unlock()
	for _, q := range d.queues {
		close(q)
	}
	d.wg.Wait()
}

func shard(chat int64, n int) int {
	h := fnv.New32a()
	var b [8]byte
	for i := range b {
		b[i] = byte(chat >> (8 * i))
	}
	h.Write(b[:])
	return int(h.Sum32() % uint32(n))
}

// chatOf is the chat an update belongs to, for ordering.
func chatOf(u tgbotapi.Update) int64 {
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.From != nil:
		return u.CallbackQuery.From.ID
	case u.MyChatMember != nil:
		return u.MyChatMember.Chat.ID
	case u.EditedMessage != nil && u.EditedMessage.Chat != nil:
		return u.EditedMessage.Chat.ID
	}
	return 0
}
