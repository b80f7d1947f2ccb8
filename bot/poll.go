package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// OffsetStore keeps the getUpdates offset across restarts.
type OffsetStore interface {
	Offset(ctx context.Context) (int, error)
	SetOffset(ctx context.Context, offset int) error
}

// PollTimeout is the long-poll timeout asked of Telegram.
const PollTimeout = 50

// getUpdates calls getUpdates with a context, which go-telegram-bot-api
// cannot do: cancelling ctx ends the long poll at once.
func (c *Client) getUpdates(ctx context.Context, offset, timeout int) ([]tgbotapi.Update, error) {
	form := url.Values{
		"offset":          {strconv.Itoa(offset)},
		"timeout":         {strconv.Itoa(timeout)},
		"limit":           {"100"},
		"allowed_updates": {`["message","callback_query","my_chat_member"]`},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/bot"+c.token+"/getUpdates", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, errors.New("bot: getUpdates: bad request")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hc := &http.Client{Timeout: time.Duration(timeout+15) * time.Second, Transport: c.http.Transport}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, errors.New(strings.ReplaceAll(err.Error(), c.token, "<token>"))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, fmt.Errorf("bot: getUpdates: %w", err)
	}
	var r struct {
		OK          bool                        `json:"ok"`
		Result      []tgbotapi.Update           `json:"result"`
		ErrorCode   int                         `json:"error_code"`
		Description string                      `json:"description"`
		Parameters  tgbotapi.ResponseParameters `json:"parameters"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("bot: getUpdates: HTTP %d, not JSON", resp.StatusCode)
	}
	if !r.OK {
		return nil, &tgbotapi.Error{Code: r.ErrorCode, Message: r.Description, ResponseParameters: r.Parameters}
	}
	return r.Result, nil
}

// DefaultRetryBackoff is how long polling waits before each new try of an
// update that failed with an internal error (a lost connection, a
// deadlock): three more tries, then the update is given up.
var DefaultRetryBackoff = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}

// Poll runs the long-polling loop until ctx ends. Updates are dispatched
// as they arrive, without waiting for earlier ones: a slow chat does not
// hold up the others. Telegram forgets an update only when a later
// getUpdates passes an offset above it, so the offset asked for (and kept
// in the database for a restart) never passes an update still in hand: a
// crash redelivers those, and the processed-update record makes that
// harmless. Updates Telegram sends again while still in hand are skipped.
//
// An update that fails with an internal error stays in hand and is tried
// again after each wait of the retry backoff, without holding up its
// worker (so a later update of the same chat may run first); after the
// last try (Attempt.Last) the update handler answers it with the apology
// and records it. Retries still waiting at shutdown are left unconfirmed:
// the next start gets them.
func (c *Client) Poll(ctx context.Context, store OffsetStore, d *Dispatcher) error {
	offset, err := store.Offset(ctx)
	if err != nil {
		return err
	}
	backoffs := d.retryBackoff()
	var (
		mu       sync.Mutex
		inflight = map[int]bool{}
		next     = offset // above every update dispatched so far
		finished = make(chan struct{}, 1)
		stored   = offset
		tries    = map[int]int{}  // failed tries of the updates in hand
		waiting  = map[int]bool{} // in hand, waiting for a retry
		stopping bool             // no more retries are started
		retries  sync.WaitGroup   // retries being dispatched
	)
	var dispatch func(u tgbotapi.Update)
	dispatch = func(u tgbotapi.Update) {
		id := u.UpdateID
		mu.Lock()
		n := tries[id]
		mu.Unlock()
		d.dispatch(job{u: u, retry: true, last: n >= len(backoffs), done: func(o Outcome) {
			mu.Lock()
			n := tries[id]
			if retryable(o) && n < len(backoffs) {
				tries[id] = n + 1
				waiting[id] = true
				if stopping {
					mu.Unlock()
					return // left in hand: redelivered after the restart
				}
				mu.Unlock()
				c.log.Warn("update failed, trying again", "update_id", id, "try", n+1, "retry_in", backoffs[n])
				time.AfterFunc(backoffs[n], func() {
					mu.Lock()
					if stopping {
						mu.Unlock()
						return
					}
					delete(waiting, id)
					retries.Add(1)
					mu.Unlock()
					defer retries.Done()
					dispatch(u)
				})
				return
			}
			delete(inflight, id)
			delete(tries, id)
			mu.Unlock()
			if retryable(o) && n > 0 {
				c.log.Error("update given up", "update_id", id, "tries", n+1, "err", o.Err)
			}
			select {
			case finished <- struct{}{}:
			default:
			}
		}})
	}
	// confirmable is the offset below which every update is handled.
	confirmable := func() int {
		mu.Lock()
		defer mu.Unlock()
		low := next
		for id := range inflight {
			low = min(low, id)
		}
		return low
	}
	storeOffset := func(o int) {
		if o <= stored {
			return
		}
		// A fresh context: what is handled stays recorded during a shutdown.
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := store.SetOffset(sctx, o); err != nil {
			c.log.Error("store offset", "err", err)
			return
		}
		stored = o
	}
	backoff := time.Second
	for ctx.Err() == nil {
		from := confirmable()
		storeOffset(from)
		updates, err := c.getUpdates(ctx, from, PollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			f := Classify(err)
			wait := backoff
			if f.Kind == FailRetryAfter {
				wait = f.RetryAfter
			} else {
				backoff = min(backoff*2, 30*time.Second)
			}
			var te *tgbotapi.Error
			if errors.As(err, &te) && te.Code == http.StatusConflict {
				c.log.Error("getUpdates conflict: another sotay polls with this token, or a webhook is set", "err", err)
			} else {
				c.log.Warn("getUpdates failed", "err", err, "retry_in", wait)
			}
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			continue
		}
		backoff = time.Second
		fresh := 0
		for _, u := range updates {
			mu.Lock()
			seen := u.UpdateID < next
			if !seen {
				inflight[u.UpdateID] = true
				next = u.UpdateID + 1
			}
			mu.Unlock()
			if seen {
				continue // still in hand, or handled since this poll began
			}
			fresh++
			dispatch(u)
		}
		if fresh == 0 && len(updates) > 0 {
			// Telegram answers at once while updates in hand are not
			// confirmed: wait for one to finish rather than spin.
			select {
			case <-ctx.Done():
			case <-finished:
			case <-time.After(time.Second):
			}
		}
	}
	// Let the updates in hand finish (the dispatcher's workers still run),
	// then record how far we got. Retries not started yet stay in hand.
	mu.Lock()
	stopping = true
	mu.Unlock()
	retries.Wait()
	deadline := time.After(30 * time.Second)
	for {
		mu.Lock()
		n := len(inflight) - len(waiting)
		mu.Unlock()
		if n == 0 {
			break
		}
		select {
		case <-finished:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			storeOffset(confirmable())
			return nil
		}
	}
	storeOffset(confirmable())
	return nil
}
