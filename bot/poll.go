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

// Poll runs the long-polling loop until ctx ends. Each batch is handed to
// the dispatcher and the offset is stored once the whole batch is handled,
// so a crash redelivers at most one batch, which the processed-update
// record makes harmless.
func (c *Client) Poll(ctx context.Context, store OffsetStore, d *Dispatcher) error {
	offset, err := store.Offset(ctx)
	if err != nil {
		return err
	}
	backoff := time.Second
	for ctx.Err() == nil {
		updates, err := c.getUpdates(ctx, offset, PollTimeout)
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
		if len(updates) == 0 {
			continue
		}
		var wg sync.WaitGroup
		for _, u := range updates {
			wg.Add(1)
			d.Dispatch(u, wg.Done)
			if u.UpdateID >= offset {
				offset = u.UpdateID + 1
			}
		}
		wg.Wait()
		// Store with a fresh context: the batch is handled even if we are
		// shutting down.
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := store.SetOffset(sctx, offset); err != nil {
			c.log.Error("store offset", "err", err)
		}
		cancel()
	}
	return nil
}
