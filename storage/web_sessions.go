package storage

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// Signing in to the web handbook without passwords: one-time links (as
// invites: 144 random bits, stored hashed, used once, expiring) and the
// sessions a link starts, one per device.

// How a sign-in link was made.
const (
	// WebLinkTelegram: /web in Telegram, for the member who asked.
	WebLinkTelegram = "telegram"
	// WebLinkInvite: sotay invite --web, /moi, the invite sheet.
	WebLinkInvite = "invite"
	// WebLinkDevice: a signed-in member's link for a new device.
	WebLinkDevice = "device"
)

// Lifetimes of sign-in links and sessions, and how many devices a member
// may have signed in at once.
const (
	// WebLinkShortTTL is how long a link the member makes for themselves
	// works (/web, a new device): they open it at once.
	WebLinkShortTTL = 15 * time.Minute
	// WebLinkInviteTTL is how long a link made for someone else works: it
	// is printed, carried to a village, handed over.
	WebLinkInviteTTL = 30 * 24 * time.Hour
	// WebSessionIdle is how long a session lasts after its last use.
	WebSessionIdle = 180 * 24 * time.Hour
	// MaxWebSessions is how many devices a member may have signed in: a
	// sixth ends the one used longest ago.
	MaxWebSessions = 5
)

// Why a web session ended.
const (
	WebEndLogout   = "logout"   // the member ended it
	WebEndAdmin    = "admin"    // someone above them ended it
	WebEndTooMany  = "too_many" // a sixth device signed in
	WebEndExpired  = "expired"  // not used for WebSessionIdle
	WebEndUnlinked = "unlinked" // the member's account was unlinked
	WebEndLeft     = "left"     // the member left
)

const (
	webTokenBytes  = 18        // a link's token: 144 bits, as invites
	sessionBytes   = 32        // a session's cookie: 256 bits
	sessionTouchAt = time.Hour // last_used_at is written at most this often
)

// WebLinkPath is where a sign-in link's token goes, after WEB_URL: the
// handlers write links there and the web handbook serves them.
const WebLinkPath = "vao/"

// WebLinkURL is the sign-in link of a token under WEB_URL.
func WebLinkURL(webURL, token string) string {
	if !strings.HasSuffix(webURL, "/") {
		webURL += "/"
	}
	return webURL + WebLinkPath + token
}

// WebLinkInput is a sign-in link to make.
type WebLinkInput struct {
	MemberID int64
	Purpose  string
	// TTL zero takes the purpose's default.
	TTL time.Duration
	// Actor is who makes it, for the audit log ("cli", "tg:…", "web:…");
	// ByMember the member who makes it, nil for the command line.
	Actor    string
	ByMember *int64
}

// WebLinkMade is a sign-in link just made.
type WebLinkMade struct {
	Token     string
	ExpiresAt time.Time
	Member    Member
}

func newToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("storage: token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// CreateWebLink makes a one-time sign-in link for an active member and
// audits it with its maker. Signing in on the web is not linking Telegram:
// no invite is revoked, and the member may or may not be linked. Who may
// make a link for whom is the caller's decision (chat.Request.MayActOn).
func (s *Storage) CreateWebLink(ctx context.Context, in WebLinkInput) (WebLinkMade, error) {
	var out WebLinkMade
	switch in.Purpose {
	case WebLinkTelegram, WebLinkDevice:
		if in.TTL <= 0 {
			in.TTL = WebLinkShortTTL
		}
	case WebLinkInvite:
		if in.TTL <= 0 {
			in.TTL = WebLinkInviteTTL
		}
	default:
		return out, fmt.Errorf("storage: web link purpose %q", in.Purpose)
	}
	tok, err := newToken(webTokenBytes)
	if err != nil {
		return out, err
	}
	err = s.WithTx(ctx, func(s *Storage) error {
		m, err := s.MemberByID(ctx, in.MemberID)
		if err != nil {
			return err
		}
		if !m.Active {
			return Errorf(CodeConflict, "Đồng chí %s (%s) đã thôi sinh hoạt nên không đăng nhập sổ tay được nữa.", m.FullName, m.Code)
		}
		now := s.now()
		var id int64
		if err := s.get(ctx, &id, `INSERT INTO web_links (member_id, token_hash, purpose, created_at, expires_at, created_by, by_member)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			m.ID, hashToken(tok), in.Purpose, now, now.Add(in.TTL), in.Actor, in.ByMember); err != nil {
			return fmt.Errorf("storage: web link for %d: %w", m.ID, err)
		}
		out = WebLinkMade{Token: tok, ExpiresAt: now.Add(in.TTL), Member: m}
		return s.Audit(ctx, in.Actor, "web.link", m.Code, map[string]any{"link_id": id, "purpose": in.Purpose, "by_member": in.ByMember})
	})
	return out, err
}

// WebLinkMember returns the member a sign-in link is for, without using
// it (opening the link shows the button; only the tap uses it): 0 when the
// link is wrong, used, revoked or expired, or its member left.
func (s *Storage) WebLinkMember(ctx context.Context, token string) (int64, error) {
	var id int64
	err := s.get(ctx, &id, `SELECT COALESCE((SELECT l.member_id FROM web_links l JOIN members m ON m.id = l.member_id
		WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at > $2 AND m.active), 0)`, hashToken(token), s.now())
	if err != nil {
		return 0, fmt.Errorf("storage: web link: %w", err)
	}
	return id, nil
}

// WebSession is a signed-in device.
type WebSession struct {
	ID         int64     `db:"id"`
	MemberID   int64     `db:"member_id"`
	Device     string    `db:"device"`
	CreatedAt  time.Time `db:"created_at"`
	LastUsedAt time.Time `db:"last_used_at"`
	// MadeBy names who made the link this session came from, when it was
	// someone else ("Lò Văn Minh"); "" when the member made it or the
	// command line did.
	MadeBy string `db:"made_by"`
	// Purpose is how that link was made (WebLinkTelegram…).
	Purpose string `db:"purpose"`
}

// WebSignIn is what using a link did: the session's cookie token, the
// session, and the member.
type WebSignIn struct {
	Token   string
	Session WebSession
	Member  Member
	// Ended counts the sessions ended to keep MaxWebSessions.
	Ended int
}

// UseWebLink uses a sign-in link up and starts a session on the device
// (a short description of the browser). A wrong, used, revoked or expired
// link is ErrNotFound, one answer for all. A sixth device ends the session
// used longest ago.
func (s *Storage) UseWebLink(ctx context.Context, token, device string) (WebSignIn, error) {
	var in WebSignIn
	sess, err := newToken(sessionBytes)
	if err != nil {
		return in, err
	}
	err = s.WithTx(ctx, func(s *Storage) error {
		now := s.now()
		var l struct {
			ID       int64  `db:"id"`
			MemberID int64  `db:"member_id"`
			Purpose  string `db:"purpose"`
			ByMember *int64 `db:"by_member"`
		}
		err := s.get(ctx, &l, `SELECT l.id, l.member_id, l.purpose, l.by_member FROM web_links l JOIN members m ON m.id = l.member_id
			WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.revoked_at IS NULL AND l.expires_at > $2 AND m.active
			FOR UPDATE OF l`, hashToken(token), now)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, `UPDATE web_links SET used_at = $2 WHERE id = $1`, l.ID, now); err != nil {
			return fmt.Errorf("storage: use web link: %w", err)
		}
		if in.Member, err = s.MemberByID(ctx, l.MemberID); err != nil {
			return err
		}
		// The member's sessions are counted under the member's row lock:
		// two devices signing in at once must not make six.
		if _, err := s.exec(ctx, `SELECT 1 FROM members WHERE id = $1 FOR UPDATE`, l.MemberID); err != nil {
			return fmt.Errorf("storage: use web link: %w", err)
		}
		var ended []int64
		if err := s.sel(ctx, &ended, `UPDATE web_sessions SET ended_at = $2, ended_reason = $3 WHERE id IN (
				SELECT id FROM web_sessions WHERE member_id = $1 AND ended_at IS NULL ORDER BY last_used_at DESC, id DESC OFFSET $4)
			RETURNING id`, l.MemberID, now, WebEndTooMany, MaxWebSessions-1); err != nil {
			return fmt.Errorf("storage: use web link: %w", err)
		}
		in.Ended = len(ended)
		if err := s.get(ctx, &in.Session.ID, `INSERT INTO web_sessions (member_id, token_hash, link_id, device, created_at, last_used_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, l.MemberID, hashToken(sess), l.ID, device, now); err != nil {
			return fmt.Errorf("storage: web session: %w", err)
		}
		in.Session.MemberID, in.Session.Device, in.Session.CreatedAt, in.Session.LastUsedAt = l.MemberID, device, now, now
		in.Session.Purpose = l.Purpose
		in.Token = sess
		return s.Audit(ctx, WebActor(l.MemberID), "web.signin", in.Member.Code, map[string]any{
			"link_id": l.ID, "session_id": in.Session.ID, "purpose": l.Purpose, "by_member": l.ByMember, "ended": ended})
	})
	return in, err
}

// WebActor is how the audit log names what a member does on the web.
func WebActor(memberID int64) string { return fmt.Sprintf("web:%d", memberID) }

// SessionByToken returns the live session of a cookie token, and whether
// this use was written down (it is, at most once an hour: a cookie then
// gets its 180 days again). A session unused for WebSessionIdle ends here;
// an ended session, or one of a member who left, is ErrNotFound.
func (s *Storage) SessionByToken(ctx context.Context, token string) (sess WebSession, touched bool, err error) {
	now := s.now()
	err = s.get(ctx, &sess, `SELECT w.id, w.member_id, w.device, w.created_at, w.last_used_at, '' AS made_by, '' AS purpose
		FROM web_sessions w JOIN members m ON m.id = w.member_id
		WHERE w.token_hash = $1 AND w.ended_at IS NULL AND m.active`, hashToken(token))
	if err != nil {
		return sess, false, err
	}
	if now.Sub(sess.LastUsedAt) > WebSessionIdle {
		if _, err := s.exec(ctx, `UPDATE web_sessions SET ended_at = $2, ended_reason = $3 WHERE id = $1 AND ended_at IS NULL`,
			sess.ID, now, WebEndExpired); err != nil {
			return sess, false, fmt.Errorf("storage: web session: %w", err)
		}
		return sess, false, ErrNotFound
	}
	if now.Sub(sess.LastUsedAt) < sessionTouchAt {
		return sess, false, nil
	}
	if _, err := s.exec(ctx, `UPDATE web_sessions SET last_used_at = $2 WHERE id = $1`, sess.ID, now); err != nil {
		return sess, false, fmt.Errorf("storage: web session: %w", err)
	}
	sess.LastUsedAt = now
	return sess, true, nil
}

// WebSessions lists a member's live sessions, the one used last first,
// each with who made the link it came from when that was someone else.
func (s *Storage) WebSessions(ctx context.Context, memberID int64) ([]WebSession, error) {
	return selectAll[WebSession](ctx, s, "web sessions", `SELECT w.id, w.member_id, w.device, w.created_at, w.last_used_at,
			COALESCE(CASE WHEN l.by_member <> w.member_id THEN b.full_name END, '') AS made_by, COALESCE(l.purpose, '') AS purpose
		FROM web_sessions w LEFT JOIN web_links l ON l.id = w.link_id LEFT JOIN members b ON b.id = l.by_member
		WHERE w.member_id = $1 AND w.ended_at IS NULL ORDER BY w.last_used_at DESC, w.id DESC`, memberID)
}

// EndWebSession ends one of a member's sessions (their own choice in the
// page); another member's session, or an ended one, is ErrNotFound.
func (s *Storage) EndWebSession(ctx context.Context, memberID, sessionID int64, actor string) error {
	return s.WithTx(ctx, func(s *Storage) error {
		var code string
		err := s.get(ctx, &code, `UPDATE web_sessions w SET ended_at = $3, ended_reason = $4 FROM members m
			WHERE w.id = $1 AND w.member_id = $2 AND w.ended_at IS NULL AND m.id = w.member_id RETURNING m.code`,
			sessionID, memberID, s.now(), WebEndLogout)
		if err != nil {
			return err
		}
		return s.Audit(ctx, actor, "web.logout", code, map[string]int64{"session_id": sessionID})
	})
}

// EndWebSessions ends every session of a member and revokes their open
// sign-in links (an admin's "đăng xuất mọi thiết bị"), audited in actor's
// name; it says how many sessions ended.
func (s *Storage) EndWebSessions(ctx context.Context, memberID int64, actor string) (int, error) {
	var n int
	err := s.WithTx(ctx, func(s *Storage) error {
		m, err := s.MemberByID(ctx, memberID)
		if err != nil {
			return err
		}
		if n, err = s.endWebAccess(ctx, memberID, WebEndAdmin); err != nil {
			return err
		}
		return s.Audit(ctx, actor, "web.logout_all", m.Code, map[string]int{"sessions": n})
	})
	return n, err
}

// endWebAccess ends a member's live sessions and revokes their open links.
func (s *Storage) endWebAccess(ctx context.Context, memberID int64, why string) (int, error) {
	now := s.now()
	res, err := s.exec(ctx, `UPDATE web_sessions SET ended_at = $2, ended_reason = $3 WHERE member_id = $1 AND ended_at IS NULL`, memberID, now, why)
	if err != nil {
		return 0, fmt.Errorf("storage: end web sessions of %d: %w", memberID, err)
	}
	if _, err := s.exec(ctx, `UPDATE web_links SET revoked_at = $2 WHERE member_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, memberID, now); err != nil {
		return 0, fmt.Errorf("storage: revoke web links of %d: %w", memberID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// PruneWebSessions ends the sessions unused for WebSessionIdle, so that
// the web no longer counts as a way to reach their members.
func (s *Storage) PruneWebSessions(ctx context.Context) error {
	if _, err := s.exec(ctx, `UPDATE web_sessions SET ended_at = $1, ended_reason = $2 WHERE ended_at IS NULL AND last_used_at < $3`,
		s.now(), WebEndExpired, s.now().Add(-WebSessionIdle)); err != nil {
		return fmt.Errorf("storage: prune web sessions: %w", err)
	}
	return nil
}

// WebCounts counts live web sessions, the members they belong to, and the
// messages ever put in web inboxes (read from their id sequence: no scan).
func (s *Storage) WebCounts(ctx context.Context) (sessions, members int, messages int64, err error) {
	var c struct {
		Sessions int   `db:"sessions"`
		Members  int   `db:"members"`
		Messages int64 `db:"messages"`
	}
	if err := s.get(ctx, &c, `SELECT count(*) AS sessions, count(DISTINCT member_id) AS members,
		(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM web_messages_id_seq) AS messages
		FROM web_sessions WHERE ended_at IS NULL`); err != nil {
		return 0, 0, 0, fmt.Errorf("storage: web counts: %w", err)
	}
	return c.Sessions, c.Members, c.Messages, nil
}
