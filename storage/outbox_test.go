package storage_test

import (
	"context"
	"testing"

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
