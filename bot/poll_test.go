package bot_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot"
	"sotay/bot/telegramtest"
)

// memOffsets is an OffsetStore in memory.
type memOffsets struct {
	mu     sync.Mutex
	offset int
}

func (m *memOffsets) Offset(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.offset, nil
}

func (m *memOffsets) SetOffset(_ context.Context, o int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offset = o
	return nil
}

// flaky fails the updates of one user a number of times (forever when
// fails < 0), then handles them; every other update is handled at once.
type flaky struct {
	mu    sync.Mutex
	user  int64
	fails int
	calls map[int]int // update id -> tries
	done  map[int64]int
	panic bool
}

func (f *flaky) HandleUpdate(_ context.Context, u tgbotapi.Update) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[u.UpdateID]++
	from := u.Message.From.ID
	if from == f.user && (f.fails < 0 || f.calls[u.UpdateID] <= f.fails) {
		if f.panic {
			panic("boom")
		}
		return errors.New("connection reset")
	}
	f.done[from]++
	return nil
}

// errorHandler is a fake handler that says only whether an update failed,
// as handlers.HandleUpdate does.
type errorHandler interface {
	HandleUpdate(ctx context.Context, u tgbotapi.Update) error
}

// outcomes is h as the dispatcher sees it: an error is an internal
// failure, worth another try; a panic is the dispatcher's to recover.
func outcomes(h errorHandler) bot.UpdateHandler { return errorOutcomes{h} }

type errorOutcomes struct{ h errorHandler }

func (e errorOutcomes) HandleUpdate(ctx context.Context, u tgbotapi.Update, _ bot.Attempt) bot.Outcome {
	if err := e.h.HandleUpdate(ctx, u); err != nil {
		return bot.Outcome{Result: bot.Retry, Err: err}
	}
	return bot.Outcome{Result: bot.Applied}
}

func (f *flaky) snapshot() (calls map[int]int, done map[int64]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls, done = map[int]int{}, map[int64]int{}
	for k, v := range f.calls {
		calls[k] = v
	}
	for k, v := range f.done {
		done[k] = v
	}
	return calls, done
}

// pollWith polls the fake Bot API with h until stop is called; the retry
// backoff is a few milliseconds.
func pollWith(t *testing.T, h errorHandler) (*telegramtest.Server, *memOffsets, *bot.Metrics, func()) {
	t.Helper()
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	m := bot.NewMetrics()
	c, err := bot.NewClient(context.Background(), tg.URL(), tg.Token(), quietLog(), m)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := bot.NewDispatcher(context.Background(), outcomes(h), 4, quietLog(), m)
	d.SetRetryBackoff(time.Millisecond, 2*time.Millisecond, 4*time.Millisecond)
	store := &memOffsets{}
	done := make(chan error, 1)
	go func() { done <- c.Poll(ctx, store, d) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Poll: %v", err)
			}
			d.Close()
		})
	}
	t.Cleanup(stop)
	return tg, store, m, stop
}

func TestPollRetriesAFailedUpdate(t *testing.T) {
	f := &flaky{user: 1, fails: 2, calls: map[int]int{}, done: map[int64]int{}}
	tg, store, _, stop := pollWith(t, f)
	tg.User(1, "A").SendText("xin chào")
	tg.User(2, "B").SendText("xin chào")
	telegramtest.Eventually(t, wait, "both updates handled", func() bool {
		_, done := f.snapshot()
		return done[1] == 1 && done[2] == 1
	})
	stop()
	calls, _ := f.snapshot()
	tries := 0
	for _, n := range calls {
		tries = max(tries, n)
	}
	if tries != 3 {
		t.Errorf("the failing update was tried %d times, want 3 (two failures, one success): %v", tries, calls)
	}
	if o, _ := store.Offset(context.Background()); o <= maxID(calls) {
		t.Errorf("offset %d does not pass the handled updates %v", o, calls)
	}
}

func TestPollGivesUpAfterBoundedRetries(t *testing.T) {
	f := &flaky{user: 1, fails: -1, calls: map[int]int{}, done: map[int64]int{}}
	tg, store, m, stop := pollWith(t, f)
	tg.User(1, "A").SendText("xin chào")
	telegramtest.Eventually(t, wait, "the failing update given up", func() bool {
		o, _ := store.Offset(context.Background())
		return o > 0 && tg.PendingUpdates() == 0
	})
	tg.User(2, "B").SendText("xin chào")
	telegramtest.Eventually(t, wait, "the next update handled", func() bool {
		_, done := f.snapshot()
		return done[2] == 1
	})
	stop()
	calls, _ := f.snapshot()
	var failed int
	for id, n := range calls {
		if n > 1 {
			failed = id
		}
	}
	if failed == 0 || calls[failed] != 4 {
		t.Fatalf("tries %v: want the failing update tried 4 times (1 + 3 retries), then given up", calls)
	}
	if n := updatesCounted(t, m, "error"); n != 4 {
		t.Errorf("sotay_updates_total{result=error} = %v, want 4", n)
	}
}

// A panic the handler does not recover itself is recovered by the
// dispatcher, counted, not retried, and the others are still served.
func TestDispatcherRecoversPanic(t *testing.T) {
	f := &flaky{user: 1, fails: -1, panic: true, calls: map[int]int{}, done: map[int64]int{}}
	tg, store, m, stop := pollWith(t, f)
	tg.User(1, "A").SendText("xin chào")
	tg.User(1, "A").SendText("lần nữa")
	tg.User(2, "B").SendText("xin chào")
	telegramtest.Eventually(t, wait, "all three updates done", func() bool {
		_, done := f.snapshot()
		o, _ := store.Offset(context.Background())
		return done[2] == 1 && o >= 3 && tg.PendingUpdates() == 0
	})
	stop()
	calls, _ := f.snapshot()
	for id, n := range calls {
		if n != 1 {
			t.Errorf("update %d ran %d times; a panic is not retried", id, n)
		}
	}
	if n := updatesCounted(t, m, "panic"); n != 2 {
		t.Errorf("sotay_updates_total{result=panic} = %v, want 2", n)
	}
}

func maxID(calls map[int]int) int {
	top := 0
	for id := range calls {
		top = max(top, id)
	}
	return top
}

func updatesCounted(t *testing.T, m *bot.Metrics, result string) float64 {
	t.Helper()
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "sotay_updates_total" {
			continue
		}
		for _, mt := range mf.GetMetric() {
			for _, l := range mt.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					return mt.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
