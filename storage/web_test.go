package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// A web chat's id is never a Telegram user's: it resolves to its member
// without looking at the Telegram link, and can never be linked as one.
func TestWebChatIDs(t *testing.T) {
	ctx := context.Background()
	s := storagetest.NewCommune(t)
	dv1, _ := s.Member(ctx, "DV1")
	chat := storage.WebChatID(dv1.ID)
	if !storage.IsWebChat(chat) || storage.IsWebChat(1<<52-1) || storage.WebChatMember(chat) != dv1.ID {
		t.Fatalf("web chat id %d", chat)
	}
	t.Run("ResolvesToItsMember", func(t *testing.T) {
		m, err := s.MemberByChat(ctx, chat)
		if err != nil || m.Code != "DV1" || m.TelegramUserID != nil {
			t.Fatalf("%+v %v", m, err)
		}
	})
	t.Run("NeverLinkedAsTelegram", func(t *testing.T) {
		dv2, _ := s.Member(ctx, "DV2")
		if err := s.LinkTelegram(ctx, dv2.ID, chat); err == nil {
			t.Fatal("a web chat id was linked as a Telegram account")
		}
		if storagetest.LinkedUser(t, s, "DV2") != 0 {
			t.Fatal("DV2 linked")
		}
	})
	t.Run("NotAfterLeaving", func(t *testing.T) {
		if _, err := s.LeaveMember(ctx, "DV1", "đã chuyển đi", "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MemberByChat(ctx, chat); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("a member who left still has a web chat: %v", err)
		}
	})
}

// A session ends 180 days after its last use, not after its start: each
// use (at most one written an hour) gives it 180 days again.
func TestWebSessionIdle(t *testing.T) {
	ctx := context.Background()
	ck := storagetest.NewClock(time.Date(2026, 1, 10, 9, 0, 0, 0, storagetest.Local))
	s := storagetest.NewCommune(t, storage.WithClock(ck.Now))
	dv1, _ := s.Member(ctx, "DV1")
	l, err := s.CreateWebLink(ctx, storage.WebLinkInput{MemberID: dv1.ID, Purpose: storage.WebLinkInvite, Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.UseWebLink(ctx, l.Token, "Chrome · Android")
	if err != nil {
		t.Fatal(err)
	}
	ck.Set(ck.Now().Add(170 * 24 * time.Hour))
	if _, touched, err := s.SessionByToken(ctx, in.Token); err != nil || !touched {
		t.Fatalf("used after 170 days: touched %v, %v", touched, err)
	}
	ck.Set(ck.Now().Add(170 * 24 * time.Hour))
	if _, _, err := s.SessionByToken(ctx, in.Token); err != nil {
		t.Fatalf("170 days after its last use: %v", err)
	}
	ck.Set(ck.Now().Add(181 * 24 * time.Hour))
	if _, _, err := s.SessionByToken(ctx, in.Token); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("181 days unused: %v", err)
	}
	if _, err := s.UseWebLink(ctx, l.Token, "x"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the link worked twice: %v", err)
	}
}
