package storage

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"
)

// DefaultInviteTTL is how long an invite link works.
const DefaultInviteTTL = 30 * 24 * time.Hour

// MaxLinkFailures is how many failed link attempts one Telegram user may
// make in LinkFailureWindow before we stop checking.
const (
	MaxLinkFailures   = 5
	LinkFailureWindow = time.Hour
)

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateInvite makes a one-time invite for a member and returns its token:
// 144 random bits, URL-safe, of the kind Telegram accepts as a /start
// parameter. Only its hash is stored.
func (s *Storage) CreateInvite(ctx context.Context, memberID int64, ttl time.Duration, actor string) (string, error) {
	if ttl <= 0 {
		ttl = DefaultInviteTTL
	}
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("storage: invite token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	err := s.WithTx(ctx, func(s *Storage) error {
		if _, err := s.exec(ctx, `INSERT INTO invites (member_id, token_hash, created_at, expires_at, created_by) VALUES ($1, $2, $3, $4, $5)`,
			memberID, hashToken(token), now, now.Add(ttl), actor); err != nil {
			return fmt.Errorf("storage: invite for %d: %w", memberID, err)
		}
		return s.Audit(ctx, actor, "invite.create", fmt.Sprint(memberID), nil)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RedeemInvite links the Telegram user to the member the token was made
// for and uses the token up. An unknown, used, revoked or expired token is
// ErrNotFound: the caller gives one answer for all of them.
func (s *Storage) RedeemInvite(ctx context.Context, token string, userID int64) (Member, error) {
	var m Member
	err := s.WithTx(ctx, func(s *Storage) error {
		var inv struct {
			ID       int64 `db:"id"`
			MemberID int64 `db:"member_id"`
		}
		err := s.get(ctx, &inv, `SELECT i.id, i.member_id FROM invites i JOIN members m ON m.id = i.member_id
			WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2 AND m.active
			FOR UPDATE OF i`, hashToken(token), s.now())
		if err != nil {
			return err
		}
		if err := s.LinkTelegram(ctx, inv.MemberID, userID); err != nil {
			return err
		}
		if _, err := s.exec(ctx, `UPDATE invites SET used_at = $2, used_by = $3 WHERE id = $1`, inv.ID, s.now(), userID); err != nil {
			return fmt.Errorf("storage: use invite: %w", err)
		}
		m, err = s.MemberByID(ctx, inv.MemberID)
		return err
	})
	return m, err
}

// RevokeInvites revokes every open invite of a member and says how many.
func (s *Storage) RevokeInvites(ctx context.Context, memberCode, actor string) (int, error) {
	var n int64
	err := s.WithTx(ctx, func(s *Storage) error {
		m, err := s.Member(ctx, memberCode)
		if err != nil {
			return err
		}
		res, err := s.exec(ctx, `UPDATE invites SET revoked_at = $2 WHERE member_id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2`, m.ID, s.now())
		if err != nil {
			return fmt.Errorf("storage: revoke invites of %q: %w", memberCode, err)
		}
		n, _ = res.RowsAffected()
		return s.Audit(ctx, actor, "invite.revoke", memberCode, map[string]int64{"revoked": n})
	})
	return int(n), err
}

// RecordLinkAttempt remembers one link attempt by a Telegram user.
func (s *Storage) RecordLinkAttempt(ctx context.Context, userID int64, ok bool) error {
	_, err := s.exec(ctx, `INSERT INTO link_attempts (telegram_user_id, at, ok) VALUES ($1, $2, $3)`, userID, s.now(), ok)
	if err != nil {
		return fmt.Errorf("storage: link attempt: %w", err)
	}
	return nil
}

// linkAttemptLock is the first key of the advisory locks that serialise the
// link attempts of one Telegram user (the second is a hash of the user id;
// two users sharing a hash only wait for each other).
const linkAttemptLock = 7101

// LinkAttemptAllowed decides whether a Telegram user may try to link now:
// fewer than MaxLinkFailures failed attempts in LinkFailureWindow. It must
// run inside the transaction that then records the attempt: it takes a
// lock on the user's attempts held until that transaction ends, so that
// concurrent attempts (several replicas, a burst of updates) are decided
// one after the other and the limit holds exactly.
func (s *Storage) LinkAttemptAllowed(ctx context.Context, userID int64) (bool, error) {
	if s.tx == nil {
		return false, fmt.Errorf("storage: link attempt of %d outside a transaction", userID)
	}
	if _, err := s.exec(ctx, `SELECT pg_advisory_xact_lock($1, hashint8($2))`, linkAttemptLock, userID); err != nil {
		return false, fmt.Errorf("storage: lock link attempts: %w", err)
	}
	// A separate statement: under READ COMMITTED it takes its snapshot
	// after the lock was granted, so it sees every attempt committed by
	// the transaction that held the lock before.
	var n int
	err := s.get(ctx, &n, `SELECT count(*) FROM link_attempts WHERE telegram_user_id = $1 AND NOT ok AND at > $2`, userID, s.now().Add(-LinkFailureWindow))
	if err != nil {
		return false, fmt.Errorf("storage: link failures: %w", err)
	}
	return n < MaxLinkFailures, nil
}
