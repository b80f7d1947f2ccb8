package storage_test

import (
	"context"
	"errors"
	"strings"
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
	storagetest.AllAtOnce(t, tries, func(int) error {
		return s.WithTx(ctx, func(s *storage.Storage) error {
			ok, err := s.LinkAttemptAllowed(ctx, user)
			if err != nil || !ok {
				return err
			}
			allowed.Add(1)
			return s.RecordLinkAttempt(ctx, user, false)
		})
	})
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

func mustInvite(t *testing.T, s *storage.Storage, code string, relink bool) string {
	t.Helper()
	m, err := s.Member(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	create := s.CreateInvite
	if relink {
		create = s.CreateRelinkInvite
	}
	tok, err := create(context.Background(), m.ID, 0, "tg:42")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// mustNotRedeem fails the test unless redeeming tok as user is refused as
// not found.
func mustNotRedeem(t *testing.T, s *storage.Storage, tok string, user int64) {
	t.Helper()
	if _, err := s.RedeemInvite(context.Background(), tok, user); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("got %v", err)
	}
}

// mustStayLinked fails the test unless member code is linked to user.
func mustStayLinked(t *testing.T, s *storage.Storage, code string, user int64) {
	t.Helper()
	if got := storagetest.LinkedUser(t, s, code); got != user {
		t.Fatalf("%s moved to %d", code, got)
	}
}

func TestLinkNeverMovesWithoutRelinkInvite(t *testing.T) {
	ctx := context.Background()
	s := storagetest.NewCommune(t)
	dv1, _ := s.Member(ctx, "DV1")
	dv2, _ := s.Member(ctx, "DV2")
	first, second := mustInvite(t, s, "DV1", false), mustInvite(t, s, "DV1", false)
	if _, err := s.RedeemInvite(ctx, first, 600); err != nil {
		t.Fatal(err)
	}

	t.Run("LinkingRevokesOtherInvites", func(t *testing.T) {
		mustNotRedeem(t, s, second, 601)
		mustStayLinked(t, s, "DV1", 600)
	})
	t.Run("InviteLeftOpenOfLinkedMemberNotFound", func(t *testing.T) {
		if _, err := s.DB().Exec(`UPDATE invites SET revoked_at = NULL WHERE member_id = $1 AND used_at IS NULL`, dv1.ID); err != nil {
			t.Fatal(err)
		}
		mustNotRedeem(t, s, second, 601)
		mustStayLinked(t, s, "DV1", 600)
	})
	t.Run("NoOrdinaryInviteForLinkedMember", func(t *testing.T) {
		if _, err := s.CreateInvite(ctx, dv1.ID, 0, "test"); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("PhoneLinkNeverMovesALink", func(t *testing.T) {
		if err := s.LinkTelegram(ctx, dv1.ID, 700); !errors.Is(err, storage.ErrMemberLinked) {
			t.Fatalf("got %v", err)
		}
		mustStayLinked(t, s, "DV1", 600)
		if err := s.LinkTelegram(ctx, dv1.ID, 600); err != nil {
			t.Fatalf("linking again to the same account: %v", err)
		}
	})
	t.Run("PhoneLinkRevokesInvites", func(t *testing.T) {
		tok := mustInvite(t, s, "DV2", false)
		if err := s.LinkTelegram(ctx, dv2.ID, 602); err != nil {
			t.Fatal(err)
		}
		mustNotRedeem(t, s, tok, 603)
		mustStayLinked(t, s, "DV2", 602)
	})
	t.Run("AccountLinkedToAnotherMemberRefused", func(t *testing.T) {
		tok := mustInvite(t, s, "DV3", false)
		if _, err := s.RedeemInvite(ctx, tok, 600); !errors.Is(err, storage.ErrAccountLinked) {
			t.Fatalf("got %v", err)
		}
		if storagetest.LinkedUser(t, s, "DV1") != 600 || storagetest.LinkedUser(t, s, "DV3") != 0 {
			t.Fatal("links changed")
		}
	})
}

func TestRelinkInviteMovesTheLink(t *testing.T) {
	ctx := context.Background()
	s := storagetest.NewCommune(t)
	dv1, _ := s.Member(ctx, "DV1")
	dv3, _ := s.Member(ctx, "DV3")
	if _, err := s.CreateRelinkInvite(ctx, dv1.ID, 0, "tg:42"); !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("relink invite of an unlinked member: %v", err)
	}
	if err := s.LinkTelegram(ctx, dv1.ID, 800); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkTelegram(ctx, dv3.ID, 803); err != nil {
		t.Fatal(err)
	}
	tok, spare := mustInvite(t, s, "DV1", true), mustInvite(t, s, "DV1", true)

	t.Run("AccountLinkedToAnotherMemberRefused", func(t *testing.T) {
		if _, err := s.RedeemInvite(ctx, tok, 803); !errors.Is(err, storage.ErrAccountLinked) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("Moved", func(t *testing.T) {
		red, err := s.RedeemInvite(ctx, tok, 801)
		if err != nil {
			t.Fatal(err)
		}
		if red.PreviousTelegramID == nil || *red.PreviousTelegramID != 800 || red.Member.TelegramUserID == nil || *red.Member.TelegramUserID != 801 {
			t.Fatalf("got %+v", red)
		}
		if _, err := s.MemberByTelegram(ctx, 800); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("the old account still opens the handbook: %v", err)
		}
	})
	t.Run("Audited", func(t *testing.T) {
		log, err := s.AuditLog(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		a := log[0]
		if a.Action != "member.relink" || a.Actor != "tg:42" || a.Subject != "DV1" ||
			!strings.Contains(a.Details, `"old_telegram_id": 800`) || !strings.Contains(a.Details, `"new_telegram_id": 801`) {
			t.Fatalf("audit %+v", a)
		}
	})
	t.Run("OtherInvitesRevoked", func(t *testing.T) {
		mustNotRedeem(t, s, spare, 802)
		if got := storagetest.LinkedUser(t, s, "DV1"); got != 801 {
			t.Fatalf("DV1 moved again to %d", got)
		}
	})
}
