package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// enqueueLocked queues an update for getUpdates or the webhook.
func (s *Server) enqueueLocked(u tgbotapi.Update) {
	s.updateSeq++
	u.UpdateID = s.updateSeq
	s.updates = append(s.updates, u)
	s.updatesChangedLocked()
}

func (s *Server) updatesChangedLocked() {
	close(s.updCh)
	s.updCh = make(chan struct{})
}

// PendingUpdates is how many updates wait for the bot to confirm them.
func (s *Server) PendingUpdates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

func updateType(u tgbotapi.Update) string {
	switch {
	case u.Message != nil:
		return "message"
	case u.EditedMessage != nil:
		return "edited_message"
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.MyChatMember != nil:
		return "my_chat_member"
	case u.ChatMember != nil:
		return "chat_member"
	}
	return "other"
}

// setAllowedLocked applies allowed_updates; an absent parameter keeps the
// previous setting, an empty list means every type.
func (s *Server) setAllowedLocked(c *call) *apiError {
	raw, ok := c.params["allowed_updates"]
	if !ok {
		return nil
	}
	var list []string
	if raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			return badRequest("can't parse allowed_updates JSON array")
		}
	}
	if len(list) == 0 {
		s.allowed = nil
		return nil
	}
	s.allowed = map[string]bool{}
	for _, t := range list {
		s.allowed[t] = true
	}
	return nil
}

// dropDisallowedLocked forgets updates of types the bot did not ask for.
func (s *Server) dropDisallowedLocked() {
	if s.allowed == nil {
		return
	}
	kept := s.updates[:0:0]
	for _, u := range s.updates {
		if s.allowed[updateType(u)] {
			kept = append(kept, u)
		}
	}
	s.updates = kept
}

func getUpdates(s *Server, c *call) (any, *apiError) {
	offset, e := c.int64("offset")
	if e != nil {
		return nil, e
	}
	limit, e := c.int("limit")
	if e != nil {
		return nil, e
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, e := c.int("timeout")
	if e != nil {
		return nil, e
	}

	s.mu.Lock()
	if s.webhook.URL != "" {
		s.mu.Unlock()
		return nil, &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if s.polling {
		s.mu.Unlock()
		return nil, &apiError{code: 409, desc: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
	}
	if e := s.setAllowedLocked(c); e != nil {
		s.mu.Unlock()
		return nil, e
	}
	s.polling = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.polling = false
		s.mu.Unlock()
	}()

	deadline := time.NewTimer(time.Duration(max(timeout, 0)) * time.Second)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if s.webhook.URL != "" {
			s.mu.Unlock()
			return nil, &apiError{code: 409, desc: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		}
		s.confirmLocked(offset)
		s.dropDisallowedLocked()
		n := min(limit, len(s.updates))
		out := make([]json.RawMessage, 0, n)
		for _, u := range s.updates[:n] {
			out = append(out, cleanJSON(u))
		}
		ch := s.updCh
		s.mu.Unlock()
		if len(out) > 0 || timeout <= 0 {
			return out, nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return []json.RawMessage{}, nil
		case <-s.done:
			return []json.RawMessage{}, nil
		case <-c.r.Context().Done():
			return nil, nil
		}
	}
}

// confirmLocked forgets updates below offset; a negative offset keeps only
// the last -offset updates.
func (s *Server) confirmLocked(offset int64) {
	switch {
	case offset > 0:
		i := 0
		for i < len(s.updates) && int64(s.updates[i].UpdateID) < offset {
			i++
		}
		s.updates = s.updates[i:]
	case offset < 0:
		if keep := int(-offset); keep < len(s.updates) {
			s.updates = s.updates[len(s.updates)-keep:]
		}
	}
}

func setWebhook(s *Server, c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.setAllowedLocked(c); e != nil {
		return nil, e
	}
	if c.bool("drop_pending_updates") {
		s.updates = nil
	}
	s.stopWebhookLocked()
	u := c.str("url")
	s.webhook = tgbotapi.WebhookInfo{URL: u}
	s.webhookSecret = c.str("secret_token")
	if u == "" {
		s.updatesChangedLocked()
		return true, nil
	}
	if mc, _ := c.int("max_connections"); mc > 0 {
		s.webhook.MaxConnections = mc
	} else {
		s.webhook.MaxConnections = 40
	}
	stop := make(chan struct{})
	s.webhookStop = stop
	go s.deliver(u, s.webhookSecret, stop)
	s.updatesChangedLocked()
	return true, nil
}

func deleteWebhook(s *Server, c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.bool("drop_pending_updates") {
		s.updates = nil
	}
	s.stopWebhookLocked()
	s.webhook = tgbotapi.WebhookInfo{}
	s.webhookSecret = ""
	s.updatesChangedLocked()
	return true, nil
}

func getWebhookInfo(s *Server, c *call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhookInfoLocked(), nil
}

func (s *Server) webhookInfoLocked() tgbotapi.WebhookInfo {
	info := s.webhook
	info.PendingUpdateCount = len(s.updates)
	if s.allowed != nil && info.URL != "" {
		for t := range s.allowed {
			info.AllowedUpdates = append(info.AllowedUpdates, t)
		}
	}
	return info
}

func (s *Server) stopWebhookLocked() {
	if s.webhookStop != nil {
		close(s.webhookStop)
		s.webhookStop = nil
	}
}

// deliver posts queued updates to the webhook one at a time, in order,
// retrying each until the bot answers 2xx, until stop is closed.
func (s *Server) deliver(url, secret string, stop chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-stop:
		case <-s.done:
		}
		cancel()
	}()
	client := &http.Client{Timeout: 10 * time.Second}
	for {
		s.mu.Lock()
		s.dropDisallowedLocked()
		if len(s.updates) == 0 {
			ch := s.updCh
			s.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return
			}
		}
		u := s.updates[0]
		body := cleanJSON(u)
		s.mu.Unlock()

		err := post(ctx, client, url, secret, body)
		s.mu.Lock()
		if err == nil {
			if s.webhookStop == stop && len(s.updates) > 0 && s.updates[0].UpdateID == u.UpdateID {
				s.updates = s.updates[1:]
			}
			s.mu.Unlock()
			continue
		}
		if ctx.Err() != nil {
			s.mu.Unlock()
			return
		}
		if s.webhookStop == stop {
			s.webhook.LastErrorDate = int(time.Now().Unix())
			s.webhook.LastErrorMessage = err.Error()
		}
		s.mu.Unlock()
		s.log("webhook: update %d: %v", u.UpdateID, err)
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return
		}
	}
}

func post(ctx context.Context, client *http.Client, url, secret string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("Connection failed: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("Wrong response from the webhook: %s", resp.Status)
	}
	return nil
}
