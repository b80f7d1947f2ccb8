package web

import (
	"context"
	"sync"
	"time"
)

// Waking the long polls: a page waits for its member's chat to change.
// What this process writes to an inbox wakes them at once (Inbox.changed);
// what another process writes (the outbox's delivery, another replica) is
// found by looking for changes once a poll interval (watch).

// waiters are the long polls waiting, by member.
type waiters struct {
	mu sync.Mutex
	m  map[int64]map[chan struct{}]bool
}

func newWaiters() *waiters { return &waiters{m: map[int64]map[chan struct{}]bool{}} }

// wait registers a long poll of a member; the channel is closed when the
// member's chat changes. Call done when no longer waiting.
func (w *waiters) wait(member int64) (ch chan struct{}, done func()) {
	ch = make(chan struct{})
	w.mu.Lock()
	if w.m[member] == nil {
		w.m[member] = map[chan struct{}]bool{}
	}
	w.m[member][ch] = true
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		if set := w.m[member]; set[ch] {
			delete(set, ch)
			if len(set) == 0 {
				delete(w.m, member)
			}
		}
		w.mu.Unlock()
	}
}

// wake wakes the long polls of a member.
func (w *waiters) wake(member int64) {
	w.mu.Lock()
	set := w.m[member]
	delete(w.m, member)
	w.mu.Unlock()
	for ch := range set {
		close(ch)
	}
}

// any reports whether some long poll is waiting.
func (w *waiters) any() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.m) > 0
}

// watch looks for changes other processes made, until ctx ends.
func (s *Server) watch(ctx context.Context, every time.Duration) {
	var rev int64
	started := false
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if !started {
			if r, err := s.store.WebLatestRev(ctx); err == nil {
				rev, started = r, true
			}
		} else if s.waiters.any() {
			members, newest, err := s.store.WebChanged(ctx, rev)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("web: changes", "err", err)
			}
			rev = newest
			for _, m := range members {
				s.waiters.wake(m)
			}
		} else if r, err := s.store.WebLatestRev(ctx); err == nil {
			rev = r // nobody waits: nothing to wake, only where to look from
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
