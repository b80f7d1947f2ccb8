package bot

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// webhookRetries is how many times an update that failed with an internal
// error is answered with an error, for Telegram to send it again, before
// the last try answers the member with the apology and records it.
const webhookRetries = 3

// Webhook takes updates from Telegram. The secret header is checked in
// constant time; the answer waits until the update is handled, so Telegram
// redelivers what a crash interrupted. An update that fails with an
// internal error (a lost connection, a deadlock) is answered 500, so that
// Telegram sends it again, up to webhookRetries times, as polling retries
// it.
type Webhook struct {
	d      *Dispatcher
	secret []byte
	wait   time.Duration
	log    *slog.Logger

	mu    sync.Mutex
	fails map[int]int // update id -> failed tries in this process
}

// NewWebhook answers Telegram's webhook calls with d; wait is how long an
// update may take before Telegram is asked to send it again.
func NewWebhook(d *Dispatcher, secret string, wait time.Duration, log *slog.Logger) *Webhook {
	return &Webhook{d: d, secret: []byte(secret), wait: wait, log: log, fails: map[int]int{}}
}

func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got := []byte(r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
	if subtle.ConstantTimeCompare(got, h.secret) != 1 {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	var u tgbotapi.Update
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<20)).Decode(&u); err != nil {
		http.Error(w, "bad update", http.StatusBadRequest)
		return
	}
	// The body is in: ReadTimeout has done its work. Left in place, its
	// deadline would cancel the request while the update is handled.
	_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
	h.mu.Lock()
	tries := h.fails[u.UpdateID]
	h.mu.Unlock()
	last := tries >= webhookRetries
	done := make(chan Outcome, 1)
	h.d.dispatch(job{u: u, retry: true, last: last, done: func(o Outcome) { done <- o }})
	t := time.NewTimer(h.wait)
	defer t.Stop()
	select {
	case o := <-done:
		if retryable(o) && !last {
			h.failed(u.UpdateID, tries+1)
			h.log.Warn("webhook: update failed; asking Telegram to send it again", "update_id", u.UpdateID, "try", tries+1, "err", o.Err)
			http.Error(w, "internal error, send again later", http.StatusInternalServerError)
			return
		}
		h.failed(u.UpdateID, 0)
		w.WriteHeader(http.StatusOK)
	case <-t.C:
		// Answer before the write deadline: Telegram sends the update
		// again later, and the processed-update record makes it a no-op
		// once this one is applied.
		h.log.Warn("webhook: update still in hand; asking Telegram to send it again", "update_id", u.UpdateID)
		http.Error(w, "busy, retry later", http.StatusServiceUnavailable)
	case <-r.Context().Done():
	}
}

// failed records an update's failed tries (0: done with it). Updates
// Telegram stops sending are forgotten when the record grows large.
func (h *Webhook) failed(id, tries int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if tries == 0 {
		delete(h.fails, id)
		return
	}
	if len(h.fails) >= 10000 {
		clear(h.fails)
	}
	h.fails[id] = tries
}
