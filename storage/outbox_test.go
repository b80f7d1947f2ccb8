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
// reminder already queued (behind a long push, say) is not claimed; other
// messages are. At 07:00 it goes.
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
		{time.Date(2026, 12, 9, 7, 0, 0, 0, storagetest.Local), []int64{reminder, notice}},
	} {
		ck.Set(tc.at)
		if got := claim(); !slices.Equal(got, tc.want) {
			t.Errorf("at %s claimed %v, want %v", tc.at.Format("02/01 15:04:05"), got, tc.want)
		}
	}
}
