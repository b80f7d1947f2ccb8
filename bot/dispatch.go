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

	"sotay/handlers"
)

// UpdateHandler applies one update.
type UpdateHandler interface {
	HandleUpdate(ctx context.Context, u tgbotapi.Update) error
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
	// failure, unless last (handlers.WithAttempt).
	retry, last bool
	done        func(error)
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
		hctx := ctx
		if j.retry {
			hctx = handlers.WithAttempt(ctx, j.last)
		}
		err := d.handle(hctx, j.u)
		if j.done != nil {
			j.done(err)
		}
	}
}

// handle runs one update. A panic the handler did not recover itself is
// recovered here, so that one update never takes the others down.
func (d *Dispatcher) handle(ctx context.Context, u tgbotapi.Update) (err error) {
	start := time.Now()
	ctx, seen := handlers.WithSeenFlag(ctx)
	defer func() {
		if v := recover(); v != nil {
			pe := &handlers.PanicError{UpdateID: u.UpdateID, Value: v, Stack: string(debug.Stack())}
			d.log.Error("panic in update handler", "update_id", u.UpdateID, "panic", fmt.Sprint(v), "stack", pe.Stack)
			err = pe
		}
		var pe *handlers.PanicError
		result := "ok"
		switch {
		case errors.As(err, &pe):
			result = "panic" // logged with its stack where it was recovered
		case err != nil:
			result = "error"
			d.log.Error("update", "update_id", u.UpdateID, "err", err)
		case *seen:
			result = "duplicate" // applied before: changed nothing
		}
		d.metrics.update(result, time.Since(start))
	}()
	return d.handler.HandleUpdate(ctx, u)
}

// Dispatch queues an update; done is called when it has been handled.
func (d *Dispatcher) Dispatch(u tgbotapi.Update, done func()) {
	d.dispatch(job{u: u, done: func(error) {
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
