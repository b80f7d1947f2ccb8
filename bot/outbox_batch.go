// One claimed batch being sent: workers in slot order, each outcome
// judged, sent marks written together.

package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"sotay/storage"
)

// batch is one claimed batch being sent: its workers take the messages
// in slot order; sent marks wait in marks for the next write.
type batch struct {
	o    *Outbox
	rec  context.Context // outcomes are recorded even while shutting down
	msgs []storage.OutboxMessage
	// Slots count from base, the latest the claim's end can have been:
	// nothing is sent early. Lateness and leases count from early, the
	// earliest it can have been: nothing late passes for punctual.
	base  time.Time
	early time.Time

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
func (o *Outbox) sendBatch(ctx context.Context, c claim) bool {
	b := &batch{o: o, rec: context.WithoutCancel(ctx), msgs: c.msgs, base: c.base, early: c.early, written: make(chan struct{}, 1)}
	workers := min(o.cfg.workers(), len(b.msgs))
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
	if !sleep(ctx, slot) || time.Now().After(b.early.Add(m.LeaseIn-o.cfg.Lease/2)) {
		return giveBack
	}
	// A sender that fell behind its slots (a slow claim or send before, a
	// starved CPU, a sleep that overslept) must not catch up in a burst:
	// the late messages would land in the next second with the slots of
	// the other senders, and Telegram answers 429. It gives the rest back
	// and claims fresh slots; the first message of a batch always goes, so
	// a slow machine still makes progress.
	if late := o.cfg.lateTolerance(); i > 0 && late > 0 && time.Since(b.early.Add(m.SendIn)) > late {
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
