package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestFlushOutboxMakesSentMarksDurable: a sent mark commits without
// waiting for the WAL flush; after FlushOutbox the WAL is flushed past it,
// so a crash of PostgreSQL can no longer undo it.
func TestFlushOutboxMakesSentMarksDurable(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	id, err := s.Enqueue(ctx, storage.OutboxNotice, 42, "Thông báo", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.OutboxSent(ctx, id, 7); err != nil {
		t.Fatal(err)
	}
	// The mark's commit record is below the insert position read now.
	var markedAt string
	if err := s.DB().Get(&markedAt, `SELECT pg_current_wal_insert_lsn()::text`); err != nil {
		t.Fatal(err)
	}
	if err := s.FlushOutbox(ctx, id); err != nil {
		t.Fatal(err)
	}
	var durable bool
	if err := s.DB().Get(&durable, `SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn`, markedAt); err != nil {
		t.Fatal(err)
	}
	if !durable {
		t.Fatal("the WAL is not flushed past the sent mark")
	}
	_, sent, _, err := s.OutboxCounts(ctx)
	if err != nil || sent != 1 {
		t.Fatalf("sent %d, %v", sent, err)
	}
}

// TestOutboxSentBatch: one statement marks every message of a batch sent
// with its own Telegram message id; a message given up meanwhile stays
// failed, and marking twice changes nothing.
func TestOutboxSentBatch(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	var ids []int64
	for chat := int64(1); chat <= 4; chat++ {
		id, err := s.Enqueue(ctx, storage.OutboxNotice, chat, "Thông báo", nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := s.OutboxFailed(ctx, ids[3], true, "đã chặn bot"); err != nil {
		t.Fatal(err)
	}
	marks := []storage.SentMark{{ID: ids[0], MessageID: 10}, {ID: ids[1], MessageID: 11}, {ID: ids[3], MessageID: 13}}
	for i := 0; i < 2; i++ {
		if err := s.OutboxSentBatch(ctx, marks); err != nil {
			t.Fatal(err)
		}
	}
	type row struct {
		State     string `db:"state"`
		MessageID *int   `db:"message_id"`
		Attempts  int    `db:"attempts"`
	}
	want := []struct {
		state    string
		message  int
		attempts int
	}{{"sent", 10, 1}, {"sent", 11, 1}, {"pending", 0, 0}, {"failed", 0, 1}}
	for i, id := range ids {
		var r row
		if err := s.DB().Get(&r, `SELECT state, message_id, attempts FROM outbox WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		got := 0
		if r.MessageID != nil {
			got = *r.MessageID
		}
		if r.State != want[i].state || got != want[i].message || r.Attempts != want[i].attempts {
			t.Errorf("message %d: %s, message id %d, %d attempts; want %+v", i, r.State, got, r.Attempts, want[i])
		}
	}
	if err := s.OutboxSentBatch(ctx, nil); err != nil {
		t.Fatal(err)
	}
}

// TestClaimHoldsRemindersInQuietHours: from 21:00 to 07:00 local time a
// reminder or a weekly digest already queued (behind a long push, say) is
// not claimed; other messages are. At 07:00 they go.
func TestClaimHoldsRemindersInQuietHours(t *testing.T) {
	ctx := context.Background()
	ck := storagetest.NewClock(time.Date(2026, 12, 8, 20, 59, 0, 0, storagetest.Local))
	s := storagetest.New(t, storage.WithClock(ck.Now))
	reminder, err := s.Enqueue(ctx, storage.OutboxReminder, 1, "Nhắc học tập", nil)
	if err != nil {
		t.Fatal(err)
	}
	notice, err := s.Enqueue(ctx, storage.OutboxNotice, 2, "Thông báo", nil)
	if err != nil {
		t.Fatal(err)
	}
	digest, err := s.Enqueue(ctx, storage.OutboxDigest, 3, "Cảnh báo tuần", nil)
	if err != nil {
		t.Fatal(err)
	}
	claim := func() []int64 {
		t.Helper()
		msgs, _, err := s.ClaimOutbox(ctx, storage.ClaimOptions{Worker: "w", Lease: time.Millisecond, Location: storagetest.Local})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
		// Let the lease run out so that the next claim may take them again.
		if err := s.ReleaseOutbox(ctx, "w", ids); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	for _, tc := range []struct {
		at   time.Time
		want []int64
	}{
		{time.Date(2026, 12, 8, 21, 0, 0, 0, storagetest.Local), []int64{notice}},
		{time.Date(2026, 12, 9, 3, 0, 0, 0, storagetest.Local), []int64{notice}},
		{time.Date(2026, 12, 9, 6, 59, 59, 0, storagetest.Local), []int64{notice}},
		{time.Date(2026, 12, 9, 7, 0, 0, 0, storagetest.Local), []int64{reminder, notice, digest}},
	} {
		ck.Set(tc.at)
		if got := claim(); !slices.Equal(got, tc.want) {
			t.Errorf("at %s claimed %v, want %v", tc.at.Format("02/01 15:04:05"), got, tc.want)
		}
	}
}

// TestSlotsCountFromAfterEveryWait: a sender counts a claim's slots, and
// a progress edit its wait, from when the call returns, so they must count
// from an instant after every wait in the call. Read in the scan that
// locks the budget row, PostgreSQL's clock kept the time from before a
// wait behind another transaction that held the budget and left it alone
// (a claim that found nothing to send): the first slot lay before the
// budget was even free. Counted from the budget read, the slots ignored a
// wait later in the call (for a chat's row). Either way the batch went out
// late by the wait, into the slots the budget gives the next claim of
// another sender. All times here are the database's clock.
func TestSlotsCountFromAfterEveryWait(t *testing.T) {
	ctx := context.Background()
	o := storage.ClaimOptions{Worker: "w", Max: 10, Interval: 50 * time.Millisecond, Horizon: time.Second,
		Lease: 30 * time.Second, ChatGap: time.Second}
	// hold locks what lock names in a transaction of its own, waits until
	// the call blocks on it, and reads the clock just before letting go.
	hold := func(t *testing.T, s *storage.Storage, lock string, call func()) (released time.Time) {
		t.Helper()
		tx, err := s.DB().Beginx()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(lock); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { defer close(done); call() }()
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(5 * time.Millisecond) {
			var waiting int
			if err := s.DB().Get(&waiting, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
				t.Fatal(err)
			}
			if waiting > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the call never waited for the lock")
			}
		}
		if err := tx.Get(&released, `SELECT clock_timestamp()`); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		<-done
		return released
	}
	// claimAcross claims the one queued message while lock is held, and
	// says the message's slot (its lease ends o.Lease after it), when the
	// claim's SendIn counts from (the slot less SendIn) and when the lock
	// was let go.
	claimAcross := func(t *testing.T, s *storage.Storage, lock string) (slot, from, released time.Time) {
		t.Helper()
		var before time.Time
		if err := s.DB().Get(&before, `SELECT clock_timestamp()`); err != nil {
			t.Fatal(err)
		}
		var msgs []storage.OutboxMessage
		var err error
		released = hold(t, s, lock, func() { msgs, _, err = s.ClaimOutbox(ctx, o) })
		if err != nil || len(msgs) != 1 {
			t.Fatalf("claimed %d (%v)", len(msgs), err)
		}
		var until time.Time
		if err := s.DB().Get(&until, `SELECT claimed_until FROM outbox WHERE id = $1`, msgs[0].ID); err != nil {
			t.Fatal(err)
		}
		slot = until.Add(-o.Lease)
		from = slot.Add(-msgs[0].SendIn)
		if took := msgs[0].ClaimTook; took <= 0 || before.Add(took).After(from) {
			t.Errorf("ClaimTook %v, but the claim ended %v after it was called", took, from.Sub(before))
		}
		return slot, from, released
	}

	t.Run("WaitForTheBudget", func(t *testing.T) {
		s := storagetest.New(t)
		if _, err := s.Enqueue(ctx, storage.OutboxNotice, 7, "x", nil); err != nil {
			t.Fatal(err)
		}
		slot, from, released := claimAcross(t, s, `SELECT tat FROM send_budget WHERE id = 1 FOR UPDATE`)
		if slot.Before(released) {
			t.Errorf("the first slot is %v before the budget was free", released.Sub(slot))
		}
		if from.Before(released) {
			t.Errorf("the slots count from %v before the budget was free", released.Sub(from))
		}
	})
	t.Run("WaitWithinTheClaim", func(t *testing.T) {
		s := storagetest.New(t)
		if _, err := s.Enqueue(ctx, storage.OutboxNotice, 7, "x", nil); err != nil {
			t.Fatal(err)
		}
		// The chat's slot is free, but its row is locked: the claim waits
		// when it moves the chat's next slot, after reading the budget.
		if err := s.HoldChat(ctx, 7, -time.Minute); err != nil {
			t.Fatal(err)
		}
		_, from, released := claimAcross(t, s, `SELECT 1 FROM chat_send_slots WHERE chat_id = 7 FOR UPDATE`)
		if from.Before(released) {
			t.Fatalf("the slots count from %v before the claim's wait ended", released.Sub(from))
		}
	})
	// reserveAcross reserves a slot for a progress edit to chat 8 while
	// lock is held, and says the slot, when the wait counts from and when
	// the lock was let go.
	reserveAcross := func(t *testing.T, s *storage.Storage, lock string) (slot, from, released time.Time) {
		t.Helper()
		var wait time.Duration
		var err error
		released = hold(t, s, lock, func() { wait, err = s.ReserveSlot(ctx, 8, o.Interval, o.ChatGap) })
		if err != nil {
			t.Fatal(err)
		}
		var next time.Time
		if err := s.DB().Get(&next, `SELECT next_at FROM chat_send_slots WHERE chat_id = 8`); err != nil {
			t.Fatal(err)
		}
		slot = next.Add(-o.ChatGap)
		return slot, slot.Add(-wait), released
	}
	t.Run("ProgressEditWaitsForTheBudget", func(t *testing.T) {
		s := storagetest.New(t)
		slot, from, released := reserveAcross(t, s, `SELECT tat FROM send_budget WHERE id = 1 FOR UPDATE`)
		if slot.Before(released) {
			t.Errorf("the edit's slot is %v before the budget was free", released.Sub(slot))
		}
		if from.Before(released) {
			t.Errorf("the edit's wait counts from %v before the budget was free", released.Sub(from))
		}
	})
	t.Run("ProgressEditWaitsForItsChat", func(t *testing.T) {
		s := storagetest.New(t)
		if err := s.HoldChat(ctx, 8, -time.Minute); err != nil {
			t.Fatal(err)
		}
		_, from, released := reserveAcross(t, s, `SELECT 1 FROM chat_send_slots WHERE chat_id = 8 FOR UPDATE`)
		if from.Before(released) {
			t.Errorf("the edit's wait counts from %v before its chat was free", released.Sub(from))
		}
	})
}
