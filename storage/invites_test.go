package storage_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestLinkAttemptLimitHoldsUnderConcurrency decides and records 30 failed
// attempts of one user in 30 concurrent transactions: exactly the limit
// are allowed. Another user is not held up by the first one's lock.
func TestLinkAttemptLimitHoldsUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	const user, tries = 4242, 30
	var allowed atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, tries)
	for range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- s.WithTx(ctx, func(s *storage.Storage) error {
				ok, err := s.LinkAttemptAllowed(ctx, user)
				if err != nil || !ok {
					return err
				}
				allowed.Add(1)
				return s.RecordLinkAttempt(ctx, user, false)
			})
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := allowed.Load(); got != storage.MaxLinkFailures {
		t.Fatalf("%d of %d concurrent attempts allowed, want %d", got, tries, storage.MaxLinkFailures)
	}
	t.Run("OtherUserAllowed", func(t *testing.T) {
		err := s.WithTx(ctx, func(s *storage.Storage) error {
			ok, err := s.LinkAttemptAllowed(ctx, user+1)
			if err == nil && !ok {
				t.Error("another user is limited by the first one's failures")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OutsideTransactionRefused", func(t *testing.T) {
		// Without a transaction the lock would end with its statement.
		if _, err := s.LinkAttemptAllowed(ctx, user); err == nil {
			t.Fatal("a decision outside a transaction was taken without a lock")
		}
	})
}
