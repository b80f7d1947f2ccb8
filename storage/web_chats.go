package storage

import (
	"context"
	"errors"
	"fmt"
)

// Web chats: each member has one, whose id lies in a space of its own.
// Telegram user ids have at most 52 significant bits (below 2^52); the
// demo sandbox's personas take 2^52 + member id; web chats take 2^53 +
// member id. So no web chat id is ever a Telegram user's, and the handlers
// can take one for the other without knowing which it is.

// WebChatBase is the first web chat id: 2^53.
const WebChatBase int64 = 1 << 53

// WebChatID is the chat id of a member's web chat.
func WebChatID(memberID int64) int64 { return WebChatBase + memberID }

// IsWebChat reports whether a chat or user id is a web chat's.
func IsWebChat(id int64) bool { return id >= WebChatBase }

// WebChatMember is the member whose web chat id is given (IsWebChat).
func WebChatMember(chatID int64) int64 { return chatID - WebChatBase }

// webLiveSQL holds for a member "m" who has a live web session: the web
// reaches them.
const webLiveSQL = `EXISTS (SELECT 1 FROM web_sessions ws WHERE ws.member_id = m.id AND ws.ended_at IS NULL)`

// reachableSQL holds for a member "m" whom a proactive message reaches on
// some channel: Telegram (linked, not refusing us) or the web.
const reachableSQL = `((m.telegram_user_id IS NOT NULL AND m.unreachable_at IS NULL) OR ` + webLiveSQL + `)`

// memberChatSQL is the chat a proactive message to member "m" is queued
// for: Telegram when it reaches them (the outbox copies it to the web when
// they use it too), else their web chat (MemberChat).
const memberChatSQL = `CASE WHEN m.telegram_user_id IS NOT NULL AND m.unreachable_at IS NULL THEN m.telegram_user_id ELSE 9007199254740992 + m.id END`

// MemberByChat returns the active member a private chat belongs to: the
// member linked to a Telegram user, or the member whose web chat it is.
// A web chat never looks at the Telegram link.
func (s *Storage) MemberByChat(ctx context.Context, userID int64) (Member, error) {
	if !IsWebChat(userID) {
		return s.MemberByTelegram(ctx, userID)
	}
	var m Member
	if err := s.get(ctx, &m, `SELECT `+memberColumns+memberFrom+`WHERE m.id = $1 AND m.active`, WebChatMember(userID)); err != nil {
		return m, fmt.Errorf("storage: member of web chat %d: %w", userID, err)
	}
	return m, nil
}

// MemberChat is the chat a message to the member goes to: their Telegram
// chat when they are linked and it takes our messages, else their web chat
// when they have signed in on the web; ok is false when neither. A message
// queued for the Telegram chat reaches the web chat too (the outbox copies
// it), so a member using both gets it on both.
func (s *Storage) MemberChat(ctx context.Context, m Member) (chatID int64, ok bool, err error) {
	if m.TelegramUserID != nil && m.UnreachableAt == nil && m.Active {
		return *m.TelegramUserID, true, nil
	}
	if !m.Active {
		return 0, false, nil
	}
	var live bool
	if err := s.get(ctx, &live, `SELECT `+webLiveSQL+` FROM members m WHERE m.id = $1`, m.ID); err != nil {
		return 0, false, fmt.Errorf("storage: chat of member %d: %w", m.ID, err)
	}
	if live {
		return WebChatID(m.ID), true, nil
	}
	if m.TelegramUserID != nil {
		// Refusing us, and not on the web: Telegram is still the only way.
		return *m.TelegramUserID, true, nil
	}
	return 0, false, nil
}

// errWebChat refuses to link a web chat id as a Telegram account.
var errWebChat = errors.New("storage: a web chat id is not a Telegram account")
