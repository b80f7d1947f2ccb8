package telegramtest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Fault makes matching requests fail. Faults are consumed in the order they
// were injected; a faulted call records nothing (no message is stored).
type Fault struct {
	Code        int    // 429, 403, 400, 500, 502...; 0 with Delay answers slowly but normally
	Description string // default per code, e.g. "Too Many Requests: retry after N"
	RetryAfter  int    // for 429: parameters.retry_after (default 1)
	// Delay answers slowly; the wait ends early when the client gives up.
	Delay  time.Duration
	ChatID int64 // 0 = any chat; otherwise only requests with this chat_id
	Times  int   // how many requests it applies to; 0 = 1; -1 = forever
	Drop   bool  // close the connection without answering
}

type faultEntry struct {
	method string
	f      Fault
	left   int // -1 forever
}

// InjectFault adds a fault for method ("" = any method).
func (s *Server) InjectFault(method string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	left := f.Times
	if left == 0 {
		left = 1
	}
	if method != "" {
		method = canonicalMethod(method)
	}
	s.faults = append(s.faults, &faultEntry{method: method, f: f, left: left})
}

// ClearFaults removes every injected fault (not BlockBy).
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

func (s *Server) takeFault(method string, chatID int64) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.faults {
		if e.method != "" && e.method != method {
			continue
		}
		if e.f.ChatID != 0 && e.f.ChatID != chatID {
			continue
		}
		if e.left > 0 {
			e.left--
			if e.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return e.f, true
	}
	return Fault{}, false
}

func faultError(f Fault) *apiError {
	e := &apiError{code: f.Code, desc: f.Description}
	if f.Code == http.StatusTooManyRequests {
		e.retryAfter = f.RetryAfter
		if e.retryAfter <= 0 {
			e.retryAfter = 1
		}
	}
	if e.desc != "" {
		return e
	}
	switch {
	case f.Code == 429:
		e.desc = fmt.Sprintf("Too Many Requests: retry after %d", e.retryAfter)
	case f.Code == 403:
		e.desc = "Forbidden: bot was blocked by the user"
	case f.Code == 400:
		e.desc = "Bad Request: chat not found"
	case f.Code == 401:
		e.desc = "Unauthorized"
	case f.Code == 404:
		e.desc = "Not Found"
	case f.Code == 409:
		e.desc = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	case f.Code >= 500:
		e.desc = "Internal Server Error"
	default:
		e.desc = http.StatusText(f.Code)
	}
	return e
}

// BlockBy makes the user block the bot: every call about their chat answers
// 403 "Forbidden: bot was blocked by the user".
func (s *Server) BlockBy(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[userID] = true
}

// UnblockBy undoes BlockBy.
func (s *Server) UnblockBy(userID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, userID)
}

// floodMethods are the calls Telegram's flood control counts.
var floodMethods = map[string]bool{
	"sendMessage": true, "sendDocument": true, "sendPhoto": true, "sendAudio": true,
	"sendVideo": true, "sendVoice": true, "sendSticker": true, "sendContact": true,
	"sendLocation": true, "sendMediaGroup": true, "copyMessage": true, "forwardMessage": true,
	"editMessageText": true, "editMessageReplyMarkup": true, "editMessageCaption": true,
}

// FloodStats counts sending calls that passed the flood limit and those
// answered 429 by it (injected faults are not counted).
func (s *Server) FloodStats() (accepted int, rejected429 int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.floodOK, s.flood429
}

// floodCheck applies the sliding one-second windows, globally and per chat.
func (s *Server) floodCheck(method string, chatID int64) *apiError {
	if !floodMethods[method] {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.floodAll = prune(s.floodAll, now)
	wait := time.Duration(0)
	if s.floodGlobal > 0 && len(s.floodAll) >= s.floodGlobal {
		wait = s.floodAll[len(s.floodAll)-s.floodGlobal].Add(time.Second).Sub(now)
	}
	if chatID != 0 {
		s.floodChat[chatID] = prune(s.floodChat[chatID], now)
		if w := s.floodChat[chatID]; s.floodPerChat > 0 && len(w) >= s.floodPerChat {
			wait = max(wait, w[len(w)-s.floodPerChat].Add(time.Second).Sub(now))
		}
	}
	if wait > 0 {
		s.flood429++
		secs := max(int((wait+time.Second-1)/time.Second), 1)
		return &apiError{code: 429, desc: fmt.Sprintf("Too Many Requests: retry after %d", secs), retryAfter: secs}
	}
	s.floodOK++
	s.floodAll = append(s.floodAll, now)
	if chatID != 0 {
		s.floodChat[chatID] = append(s.floodChat[chatID], now)
	}
	return nil
}

func prune(ts []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= time.Second {
		i++
	}
	return ts[i:]
}

// canonicalMethod spells a method as Telegram documents it; Telegram
// matches method names case-insensitively.
func canonicalMethod(name string) string {
	if c, ok := methodNames[strings.ToLower(name)]; ok {
		return c
	}
	return name
}
