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

// RelinkInviteTTL is how long a relink invite works: it can take a linked
// member's handbook to another account, so it lives days, not weeks.
const RelinkInviteTTL = 3 * 24 * time.Hour

// CreateInvite makes a one-time invite for a member who is not linked yet
// and returns its token: 144 random bits, URL-safe, of the kind Telegram
// accepts as a /start parameter. Only its hash is stored. A linked member
// needs a relink invite (CreateRelinkInvite) instead.
func (s *Storage) CreateInvite(ctx context.Context, memberID int64, ttl time.Duration, actor string) (string, error) {
	return s.createInvite(ctx, memberID, ttl, actor, false)
}

// CreateRelinkInvite makes a one-time invite that moves a linked member's
// Telegram link to the account that opens it: the explicit "đổi tài khoản
// Telegram" of an admin or secretary, audited with its author. Only such an
// invite may replace an existing link.
func (s *Storage) CreateRelinkInvite(ctx context.Context, memberID int64, ttl time.Duration, actor string) (string, error) {
	return s.createInvite(ctx, memberID, ttl, actor, true)
}

func (s *Storage) createInvite(ctx context.Context, memberID int64, ttl time.Duration, actor string, relink bool) (string, error) {
	if ttl <= 0 {
		ttl = DefaultInviteTTL
		if relink {
			ttl = RelinkInviteTTL
		}
	}
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("storage: invite token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	err := s.WithTx(ctx, func(s *Storage) error {
		var m struct {
			Code     string `db:"code"`
			FullName string `db:"full_name"`
			Linked   *int64 `db:"telegram_user_id"`
		}
		// The member row is locked so that a link made meanwhile cannot
		// slip between this check and the insert.
		if err := s.get(ctx, &m, `SELECT code, full_name, telegram_user_id FROM members WHERE id = $1 FOR UPDATE`, memberID); err != nil {
			return fmt.Errorf("storage: invite for %d: %w", memberID, err)
		}
		switch {
		case m.Linked != nil && !relink:
			return Errorf(CodeConflict, "Đồng chí %s (%s) đã liên kết tài khoản Telegram nên mã mời thường không dùng được. "+
				"Nếu đồng chí ấy đổi sang tài khoản Telegram khác, hãy tạo mã đổi tài khoản Telegram.", m.FullName, m.Code)
		case m.Linked == nil && relink:
			return Errorf(CodeInvalid, "Đồng chí %s (%s) chưa liên kết tài khoản Telegram nên không cần đổi: hãy tạo mã mời thường.", m.FullName, m.Code)
		}
		var id int64
		if err := s.get(ctx, &id, `INSERT INTO invites (member_id, token_hash, created_at, expires_at, created_by, relink) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			memberID, hashToken(token), now, now.Add(ttl), actor, relink); err != nil {
			return fmt.Errorf("storage: invite for %d: %w", memberID, err)
		}
		if relink {
			return s.Audit(ctx, actor, "invite.relink", m.Code, map[string]int64{"invite_id": id, "telegram_user_id": *m.Linked})
		}
		return s.Audit(ctx, actor, "invite.create", fmt.Sprint(memberID), nil)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Redemption is what redeeming an invite did.
type Redemption struct {
	Member Member
	// PreviousTelegramID is, when a relink invite moved the member's link,
	// the account the member was linked to before (to be told); nil when
	// the member was not linked.
	PreviousTelegramID *int64
}

// ErrAccountLinked is the answer to a Telegram account that is already
// linked to a member and tries to link again (by invite or by phone).
var ErrAccountLinked = &Error{Code: CodeConflict, Message: "Tài khoản Telegram này đã liên kết với một hồ sơ đảng viên, " +
	"nên không liên kết thêm được. Nếu có nhầm lẫn, đồng chí hãy báo bí thư chi bộ hoặc Văn phòng Đảng ủy."}

// RedeemInvite links the Telegram user to the member the token was made
// for, uses the token up and revokes the member's other open invites. An
// unknown, used, revoked or expired token is ErrNotFound, and so is an
// ordinary invite of a member who is linked already (one an earlier link
// left open): the caller gives one answer for all of them. Only a relink
// invite moves an existing link; the move is audited in the name of the
// invite's author. A Telegram account already linked to a member is
// ErrAccountLinked, whatever the token, and leaves the token usable.
func (s *Storage) RedeemInvite(ctx context.Context, token string, userID int64) (Redemption, error) {
	var red Redemption
	err := s.WithTx(ctx, func(s *Storage) error {
		var linked bool
		if err := s.get(ctx, &linked, `SELECT EXISTS (SELECT 1 FROM members WHERE telegram_user_id = $1)`, userID); err != nil {
			return fmt.Errorf("storage: redeem: %w", err)
		}
		if linked {
			return ErrAccountLinked
		}
		// The member row is locked before the invite row, in the order
		// LinkTelegram and createInvite take them, so that a link by phone
		// at the same moment waits instead of deadlocking.
		var memberID int64
		if err := s.get(ctx, &memberID, `SELECT member_id FROM invites WHERE token_hash = $1`, hashToken(token)); err != nil {
			return err
		}
		if _, err := s.exec(ctx, `SELECT 1 FROM members WHERE id = $1 FOR UPDATE`, memberID); err != nil {
			return fmt.Errorf("storage: redeem: %w", err)
		}
		var inv struct {
			ID        int64  `db:"id"`
			MemberID  int64  `db:"member_id"`
			Code      string `db:"code"`
			Relink    bool   `db:"relink"`
			CreatedBy string `db:"created_by"`
			Previous  *int64 `db:"telegram_user_id"`
		}
		err := s.get(ctx, &inv, `SELECT i.id, i.member_id, m.code, i.relink, i.created_by, m.telegram_user_id
			FROM invites i JOIN members m ON m.id = i.member_id
			WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2 AND m.active
			FOR UPDATE OF i`, hashToken(token), s.now())
		if err != nil {
			return err
		}
		if inv.Previous != nil && !inv.Relink {
			return ErrNotFound
		}
		if err := s.setLink(ctx, inv.MemberID, inv.Previous, userID); err != nil {
			return err
		}
		if _, err := s.exec(ctx, `UPDATE invites SET used_at = $2, used_by = $3 WHERE id = $1`, inv.ID, s.now(), userID); err != nil {
			return fmt.Errorf("storage: use invite: %w", err)
		}
		revoked, err := s.revokeOpenInvites(ctx, inv.MemberID)
		if err != nil {
			return err
		}
		if inv.Previous != nil {
			red.PreviousTelegramID = inv.Previous
			if err := s.Audit(ctx, inv.CreatedBy, "member.relink", inv.Code, map[string]int64{
				"invite_id": inv.ID, "old_telegram_id": *inv.Previous, "new_telegram_id": userID, "revoked_invites": revoked,
			}); err != nil {
				return err
			}
		}
		red.Member, err = s.MemberByID(ctx, inv.MemberID)
		return err
	})
	return red, err
}

// revokeOpenInvites revokes every open invite of a member (linking uses
// one and makes the others pointless, and dangerous) and says how many.
func (s *Storage) revokeOpenInvites(ctx context.Context, memberID int64) (int64, error) {
	res, err := s.exec(ctx, `UPDATE invites SET revoked_at = $2 WHERE member_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, memberID, s.now())
	if err != nil {
		return 0, fmt.Errorf("storage: revoke invites of %d: %w", memberID, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// OpenInvites counts a member's invites that could still be used.
func (s *Storage) OpenInvites(ctx context.Context, memberCode string) (int, error) {
	var n int
	err := s.get(ctx, &n, `SELECT count(*) FROM invites i JOIN members m ON m.id = i.member_id
		WHERE m.code = $1 AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2`, memberCode, s.now())
	if err != nil {
		return 0, fmt.Errorf("storage: open invites of %q: %w", memberCode, err)
	}
	return n, nil
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
