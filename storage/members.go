package storage

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
)

// Member is a party member on the roster.
type Member struct {
	ID             int64      `db:"id"`
	Code           string     `db:"code"`
	FullName       string     `db:"full_name"`
	OrgID          int64      `db:"org_id"`
	OrgCode        string     `db:"org_code"`
	OrgName        string     `db:"org_name"`
	Gender         string     `db:"gender"`
	BirthYear      *int       `db:"birth_year"`
	Ethnicity      string     `db:"ethnicity"`
	Status         string     `db:"status"`
	Phone          string     `db:"phone"`
	Active         bool       `db:"active"`
	TelegramUserID *int64     `db:"telegram_user_id"`
	LinkedAt       *time.Time `db:"linked_at"`
	UnreachableAt  *time.Time `db:"unreachable_at"`
	// LeftAt and LeftReason say when and why a member who is no longer
	// active left (moved away, died, left the Party); nil and "" otherwise.
	LeftAt     *time.Time `db:"left_at"`
	LeftReason string     `db:"left_reason"`
}

// Linked reports whether the member has linked a Telegram account.
func (m Member) Linked() bool { return m.TelegramUserID != nil }

const memberColumns = `m.id, m.code, m.full_name, m.org_id, o.code AS org_code, o.name AS org_name, m.gender,
	m.birth_year, m.ethnicity, m.status, m.phone, m.active, m.telegram_user_id, m.linked_at, m.unreachable_at,
	m.left_at, m.left_reason`

const memberFrom = ` FROM members m JOIN organisations o ON o.id = m.org_id `

// byName orders members as Vietnamese lists do: by given name, then full
// name, in Vietnamese alphabetical order.
const byName = `substring(m.full_name from '[^ ]+$') COLLATE sotay_vi, m.full_name COLLATE sotay_vi`

// Member returns the member with this code.
func (s *Storage) Member(ctx context.Context, code string) (Member, error) {
	var m Member
	if err := s.get(ctx, &m, `SELECT `+memberColumns+memberFrom+`WHERE m.code = $1`, code); err != nil {
		return m, fmt.Errorf("storage: member %q: %w", code, err)
	}
	return m, nil
}

// MemberByID returns the member with this id.
func (s *Storage) MemberByID(ctx context.Context, id int64) (Member, error) {
	var m Member
	if err := s.get(ctx, &m, `SELECT `+memberColumns+memberFrom+`WHERE m.id = $1`, id); err != nil {
		return m, fmt.Errorf("storage: member %d: %w", id, err)
	}
	return m, nil
}

// MemberByTelegram returns the active member linked to a Telegram user.
func (s *Storage) MemberByTelegram(ctx context.Context, userID int64) (Member, error) {
	var m Member
	if err := s.get(ctx, &m, `SELECT `+memberColumns+memberFrom+`WHERE m.telegram_user_id = $1 AND m.active`, userID); err != nil {
		return m, fmt.Errorf("storage: member of telegram user %d: %w", userID, err)
	}
	return m, nil
}

// MembersInSubtree returns the active members of an organisation and of
// everything below it, by organisation then name.
func (s *Storage) MembersInSubtree(ctx context.Context, rootID int64) ([]Member, error) {
	return selectAll[Member](ctx, s, fmt.Sprintf("members of %d", rootID), subtreeCTE+`
		SELECT `+memberColumns+memberFrom+`JOIN t ON t.id = m.org_id WHERE m.active ORDER BY o.code, `+byName+`, m.code`, rootID)
}

// UnlinkedMembersByPhone returns the active members without a Telegram link
// whose phone, in NormalizePhone form, is phone.
func (s *Storage) UnlinkedMembersByPhone(ctx context.Context, phone string) ([]Member, error) {
	if phone == "" {
		return nil, nil
	}
	return selectAll[Member](ctx, s, "members by phone", `SELECT `+memberColumns+memberFrom+`WHERE m.phone = $1 AND m.active AND m.telegram_user_id IS NULL`, phone)
}

// ErrMemberLinked is the answer to linking a member whose handbook is
// already linked to another Telegram account: only a relink invite moves it.
var ErrMemberLinked = &Error{Code: CodeConflict, Message: "Đảng viên này đã liên kết với một tài khoản Telegram khác. " +
	"Để chuyển sang tài khoản mới, bí thư chi bộ hoặc Văn phòng Đảng ủy cần tạo mã đổi tài khoản Telegram."}

// LinkTelegram links a member who is not linked yet to a Telegram user (the
// phone path) and revokes the member's open invites. It never moves a link:
// a member linked to another account is ErrMemberLinked, a Telegram account
// linked to another member ErrAccountLinked. Linking again to the same
// account changes nothing.
func (s *Storage) LinkTelegram(ctx context.Context, memberID, userID int64) error {
	return s.WithTx(ctx, func(s *Storage) error {
		var cur *int64
		if err := s.get(ctx, &cur, `SELECT telegram_user_id FROM members WHERE id = $1 FOR UPDATE`, memberID); err != nil {
			return fmt.Errorf("storage: link member %d: %w", memberID, err)
		}
		switch {
		case cur != nil && *cur == userID:
			return nil
		case cur != nil:
			return ErrMemberLinked
		}
		if err := s.setLink(ctx, memberID, nil, userID); err != nil {
			return err
		}
		_, err := s.revokeOpenInvites(ctx, memberID)
		return err
	})
}

// setLink points a member's link at a Telegram user, provided the link is
// still from (nil: not linked), so that a concurrent change is refused
// rather than overwritten.
func (s *Storage) setLink(ctx context.Context, memberID int64, from *int64, userID int64) error {
	if IsWebChat(userID) {
		return errWebChat
	}
	res, err := s.exec(ctx, `UPDATE members SET telegram_user_id = $2, linked_at = $3, unreachable_at = NULL, updated_at = $3
		WHERE id = $1 AND telegram_user_id IS NOT DISTINCT FROM $4`, memberID, userID, s.now(), from)
	if isUniqueViolation(err) {
		return ErrAccountLinked
	}
	if err != nil {
		return fmt.Errorf("storage: link member %d: %w", memberID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrMemberLinked
	}
	return nil
}

// Unlinked is what unlinking a member's Telegram account did.
type Unlinked struct {
	Member Member
	// TelegramUserID is the account the member was linked to.
	TelegramUserID int64
	// RevokedInvites counts the member's open invites revoked with it.
	RevokedInvites int64
}

// UnlinkMember removes a member's Telegram link, active or not: the account
// sees only how to link from then on and may link again (to whichever
// member an invite or a phone names). The member's open invites are
// revoked, the account's half-written dialog dropped, and the unlink is
// audited in actor's name. A member who is not linked is a conflict.
// Who may unlink whom is the caller's decision (handlers.Request.MayActOn).
func (s *Storage) UnlinkMember(ctx context.Context, memberID int64, actor string) (Unlinked, error) {
	var u Unlinked
	err := s.WithTx(ctx, func(s *Storage) error {
		m, err := s.lockMember(ctx, memberID)
		if err != nil {
			return err
		}
		if !m.Linked() {
			return Errorf(CodeConflict, "Đồng chí %s (%s) chưa liên kết tài khoản Telegram nào, không có gì để hủy.", m.FullName, m.Code)
		}
		u.Member, u.TelegramUserID = m, *m.TelegramUserID
		if u.RevokedInvites, err = s.unlink(ctx, m, WebEndUnlinked); err != nil {
			return err
		}
		return s.Audit(ctx, actor, "member.unlink", m.Code, map[string]int64{"telegram_user_id": u.TelegramUserID, "revoked_invites": u.RevokedInvites})
	})
	return u, err
}

// lockMember loads a member and locks their row until the transaction
// ends, in the order LinkTelegram and RedeemInvite take it.
func (s *Storage) lockMember(ctx context.Context, memberID int64) (Member, error) {
	if _, err := s.exec(ctx, `SELECT 1 FROM members WHERE id = $1 FOR UPDATE`, memberID); err != nil {
		return Member{}, fmt.Errorf("storage: lock member %d: %w", memberID, err)
	}
	return s.MemberByID(ctx, memberID)
}

// unlink clears a locked member's link, revokes their open invites and
// drops the old account's open dialog (a draft begun as this member must
// not be finished as another); it returns how many invites it revoked.
// The member's web sessions end too, and their open web sign-in links are
// revoked, for the reason why (WebEndUnlinked, WebEndLeft).
func (s *Storage) unlink(ctx context.Context, m Member, why string) (int64, error) {
	if _, err := s.endWebAccess(ctx, m.ID, why); err != nil {
		return 0, err
	}
	if _, err := s.exec(ctx, `UPDATE members SET telegram_user_id = NULL, linked_at = NULL, unreachable_at = NULL, updated_at = $2 WHERE id = $1`,
		m.ID, s.now()); err != nil {
		return 0, fmt.Errorf("storage: unlink %q: %w", m.Code, err)
	}
	if m.TelegramUserID != nil {
		if _, err := s.exec(ctx, `DELETE FROM dialogs WHERE telegram_user_id = $1`, *m.TelegramUserID); err != nil {
			return 0, fmt.Errorf("storage: unlink %q: %w", m.Code, err)
		}
	}
	return s.revokeOpenInvites(ctx, m.ID)
}

// MaxLeaveReason bounds the reason a member left, in characters.
const MaxLeaveReason = 200

// CheckLeaveReason is the rule of the reason member code left: given, and
// at most MaxLeaveReason characters.
func CheckLeaveReason(code, reason string) error {
	switch {
	case strings.TrimSpace(reason) == "":
		return FieldErrorf(FieldReason, "Chưa ghi lý do đảng viên %s thôi sinh hoạt, ví dụ: đã chuyển đi, từ trần, thôi sinh hoạt.", code)
	case utf8.RuneCountInString(reason) > MaxLeaveReason:
		return FieldErrorf(FieldReason, "Lý do dài quá %d ký tự: hãy ghi ngắn gọn, ví dụ: đã chuyển đi.", MaxLeaveReason)
	}
	return nil
}

// Departure is what LeaveMember did.
type Departure struct {
	// Member is the member as they were before leaving.
	Member Member
	// Unlinked is the Telegram account the member was linked to, if any.
	Unlinked *int64
	// RevokedInvites counts the open invites revoked.
	RevokedInvites int64
	// Roles are the roles taken away, as "role@ORG".
	Roles []string
}

// LeaveMember records that a member left (moved away, died, left the
// Party): the member becomes inactive, never deleted, so that study
// records, reports and the organisation history stay; their membership of
// the cell ends today, so later assignments, meeting totals and counts skip
// them. Leaving also unlinks their Telegram account, revokes their open
// invites and takes their roles away (an import that brings them back must
// not bring back their powers), all written to the audit log with the
// reason. An unknown code is ErrNotFound, an empty reason invalid, and a
// member who has left already a conflict.
func (s *Storage) LeaveMember(ctx context.Context, code, reason, actor string) (Departure, error) {
	var d Departure
	reason = strings.TrimSpace(reason)
	if err := CheckLeaveReason(code, reason); err != nil {
		return d, err
	}
	err := s.WithTx(ctx, func(s *Storage) error {
		var id int64
		if err := s.get(ctx, &id, `SELECT id FROM members WHERE code = $1`, code); err != nil {
			return fmt.Errorf("storage: member %q: %w", code, err)
		}
		m, err := s.lockMember(ctx, id)
		if err != nil {
			return err
		}
		if !m.Active {
			why := ""
			if m.LeftReason != "" {
				why = " (" + m.LeftReason + ")"
			}
			return Errorf(CodeConflict, "Đảng viên %s (%s) đã thôi sinh hoạt từ trước%s.", m.Code, m.FullName, why)
		}
		d, err = s.leave(ctx, m, reason, actor)
		return err
	})
	return d, err
}

// leave makes a locked, active member leave; see LeaveMember.
func (s *Storage) leave(ctx context.Context, m Member, reason, actor string) (Departure, error) {
	d := Departure{Member: m, Unlinked: m.TelegramUserID}
	now := s.now()
	var err error
	if d.RevokedInvites, err = s.unlink(ctx, m, WebEndLeft); err != nil {
		return d, err
	}
	if _, err := s.exec(ctx, `UPDATE members SET active = false, left_at = $2, left_reason = $3, updated_at = $2 WHERE id = $1`, m.ID, now, reason); err != nil {
		return d, fmt.Errorf("storage: leave %q: %w", m.Code, err)
	}
	if _, err := s.exec(ctx, `UPDATE member_organisations SET to_at = $2 WHERE member_id = $1 AND to_at IS NULL`, m.ID, now); err != nil {
		return d, fmt.Errorf("storage: leave %q: %w", m.Code, err)
	}
	if err := s.sel(ctx, &d.Roles, `DELETE FROM roles r USING organisations o WHERE o.id = r.org_id AND r.member_id = $1
		RETURNING r.role || '@' || o.code`, m.ID); err != nil {
		return d, fmt.Errorf("storage: leave %q: %w", m.Code, err)
	}
	details := map[string]any{"reason": reason, "org": m.OrgCode, "revoked_invites": d.RevokedInvites}
	if d.Unlinked != nil {
		details["telegram_user_id"] = *d.Unlinked
	}
	if len(d.Roles) > 0 {
		details["roles"] = d.Roles
	}
	return d, s.Audit(ctx, actor, "member.leave", m.Code, details)
}

// MarkUnreachable records that a member's chat refused our messages
// (blocked the bot, chat not found).
func (s *Storage) MarkUnreachable(ctx context.Context, memberID int64) error {
	_, err := s.exec(ctx, `UPDATE members SET unreachable_at = $2 WHERE id = $1 AND unreachable_at IS NULL`, memberID, s.now())
	if err != nil {
		return fmt.Errorf("storage: unreachable %d: %w", memberID, err)
	}
	return nil
}

// MoveMember moves a member to another cell (chuyển sinh hoạt), closing the
// old membership in the history.
func (s *Storage) MoveMember(ctx context.Context, code, orgCode, actor string) error {
	return s.WithTx(ctx, func(s *Storage) error {
		m, o, err := s.memberAndOpenOrg(ctx, code, orgCode)
		if err != nil {
			return err
		}
		if o.ID == m.OrgID {
			return nil
		}
		now := s.now()
		if _, err := s.exec(ctx, `UPDATE member_organisations SET to_at = $2 WHERE member_id = $1 AND to_at IS NULL`, m.ID, now); err != nil {
			return fmt.Errorf("storage: move %q: %w", code, err)
		}
		if _, err := s.exec(ctx, `INSERT INTO member_organisations (member_id, org_id, from_at) VALUES ($1, $2, $3)`, m.ID, o.ID, now); err != nil {
			return fmt.Errorf("storage: move %q: %w", code, err)
		}
		if _, err := s.exec(ctx, `UPDATE members SET org_id = $2, updated_at = $3 WHERE id = $1`, m.ID, o.ID, now); err != nil {
			return fmt.Errorf("storage: move %q: %w", code, err)
		}
		return s.Audit(ctx, actor, "member.move", code, map[string]string{"from": m.OrgCode, "to": orgCode})
	})
}

// memberAndOpenOrg loads a member and the organisation a change puts it
// in, which must not be dissolved.
func (s *Storage) memberAndOpenOrg(ctx context.Context, code, orgCode string) (Member, Organisation, error) {
	m, err := s.Member(ctx, code)
	if err != nil {
		return m, Organisation{}, err
	}
	o, err := s.Organisation(ctx, orgCode)
	if err != nil {
		return m, o, err
	}
	if o.DissolvedAt != nil {
		return m, o, Errorf(CodeInvalid, "Tổ chức %s đã giải thể.", orgCode)
	}
	return m, o, nil
}

// Membership is one period of a member in one organisation.
type Membership struct {
	OrgCode string     `db:"org_code"`
	From    time.Time  `db:"from_at"`
	To      *time.Time `db:"to_at"`
}

// MemberHistory lists the organisations a member has belonged to, oldest first.
func (s *Storage) MemberHistory(ctx context.Context, code string) ([]Membership, error) {
	return selectAll[Membership](ctx, s, fmt.Sprintf("history of %q", code), `SELECT o.code AS org_code, mo.from_at, mo.to_at FROM member_organisations mo
		JOIN members m ON m.id = mo.member_id JOIN organisations o ON o.id = mo.org_id
		WHERE m.code = $1 ORDER BY mo.from_at, mo.id`, code)
}

// CountMembers returns how many active members there are and how many of
// them have linked Telegram.
func (s *Storage) CountMembers(ctx context.Context) (active, linked int, err error) {
	var c struct {
		Active int `db:"active"`
		Linked int `db:"linked"`
	}
	err = s.get(ctx, &c, `SELECT count(*) AS active, count(telegram_user_id) AS linked FROM members WHERE active`)
	if err != nil {
		return 0, 0, fmt.Errorf("storage: count members: %w", err)
	}
	return c.Active, c.Linked, nil
}

// ImportMembers upserts members by code. Blank optional fields keep what is
// stored (a file without phones never erases phones). Rows are written with
// COPY and set-based statements so that a province's roster imports in
// seconds.
func (s *Storage) ImportMembers(ctx context.Context, rows []MemberInput, rejected []ImportRow, opts ImportOptions) (ImportReport, error) {
	var rep ImportReport
	for _, r := range rejected {
		rep.add(r)
	}
	rows = validRows(&rep, rows, func(r MemberInput) (int, string, error) {
		if err := r.Validate(); err != nil {
			return r.Line, r.Code, err
		}
		return r.Line, r.Code, CheckBirthYear(r.BirthYear, s.now().Year())
	})
	err := s.importTx(ctx, opts, &rep, func(s *Storage) error {
		type orgRow struct {
			ID        int64      `db:"id"`
			Code      string     `db:"code"`
			Kind      OrgKind    `db:"kind"`
			Dissolved *time.Time `db:"dissolved_at"`
		}
		var orgList []orgRow
		if err := s.sel(ctx, &orgList, `SELECT id, code, kind, dissolved_at FROM organisations`); err != nil {
			return fmt.Errorf("storage: import members: %w", err)
		}
		orgs := make(map[string]orgRow, len(orgList))
		for _, o := range orgList {
			orgs[o.Code] = o
		}
		var existing []Member
		if err := s.sel(ctx, &existing, `SELECT `+memberColumns+memberFrom); err != nil {
			return fmt.Errorf("storage: import members: %w", err)
		}
		have := make(map[string]Member, len(existing))
		for _, m := range existing {
			have[m.Code] = m
		}
		var write []MemberInput
		for _, r := range rows {
			row := ImportRow{Line: r.Line, Code: r.Code}
			o, ok := orgs[r.OrgCode]
			switch {
			case !ok:
				row.Result, row.Reason = ImportRejected, fmt.Sprintf("Không có tổ chức mã %s: hãy nhập danh sách tổ chức trước hoặc sửa Mã tổ chức.", r.OrgCode)
			case o.Dissolved != nil:
				row.Result, row.Reason = ImportRejected, fmt.Sprintf("Tổ chức %s đã giải thể: hãy ghi chi bộ đảng viên đang sinh hoạt.", r.OrgCode)
			case o.Kind != KindChiBo:
				row.Result, row.Reason = ImportRejected, fmt.Sprintf("%s là đảng bộ: đảng viên phải sinh hoạt ở một chi bộ, hãy ghi mã chi bộ.", r.OrgCode)
			}
			if row.Result == ImportRejected {
				rep.add(row)
				continue
			}
			cur, exists := have[r.Code]
			merged := mergeMember(r, cur, exists)
			switch {
			case !exists:
				row.Result = ImportCreated
			case sameMember(merged, cur, o.ID):
				row.Result = ImportUnchanged
			default:
				row.Result = ImportUpdated
			}
			if r.Leave != "" && (!exists || cur.Active) {
				row.Reason = fmt.Sprintf("Thôi sinh hoạt: %s.", r.Leave)
				rep.Left++
			}
			rep.add(row)
			if row.Result != ImportUnchanged {
				write = append(write, merged)
			}
		}
		if len(write) == 0 || (rep.Rejected > 0 && !opts.SkipInvalid) {
			return nil
		}
		if err := s.copyMembers(ctx, write); err != nil {
			return err
		}
		if err := s.leaveImported(ctx, write, opts.Actor); err != nil {
			return err
		}
		return s.Audit(ctx, opts.Actor, "import.members", "", map[string]int{"created": rep.Created, "updated": rep.Updated, "rejected": rep.Rejected})
	})
	return rep, err
}

// mergeMember fills the blank optional fields of a row from what is stored.
func mergeMember(r MemberInput, cur Member, exists bool) MemberInput {
	if !exists {
		if r.Status == "" {
			r.Status = StatusOfficial
		}
		return r
	}
	if r.Gender == "" {
		r.Gender = cur.Gender
	}
	if r.BirthYear == 0 && cur.BirthYear != nil {
		r.BirthYear = *cur.BirthYear
	}
	if r.Ethnicity == "" {
		r.Ethnicity = cur.Ethnicity
	}
	if r.Status == "" {
		r.Status = cur.Status
	}
	if r.Phone == "" {
		r.Phone = cur.Phone
	}
	return r
}

func sameMember(r MemberInput, cur Member, orgID int64) bool {
	by := 0
	if cur.BirthYear != nil {
		by = *cur.BirthYear
	}
	return cur.Active == (r.Leave == "") && cur.FullName == r.FullName && cur.OrgID == orgID && cur.Gender == r.Gender &&
		by == r.BirthYear && cur.Ethnicity == r.Ethnicity && cur.Status == r.Status && cur.Phone == r.Phone
}

// copyMembers upserts rows through a temporary table filled with COPY,
// keeping the organisation history of members who moved.
func (s *Storage) copyMembers(ctx context.Context, rows []MemberInput) error {
	fail := func(err error) error { return fmt.Errorf("storage: import members: %w", err) }
	if _, err := s.exec(ctx, `CREATE TEMP TABLE import_members (
		code text, full_name text, org_code text, gender text, birth_year int,
		ethnicity text, status text, phone text, leave text) ON COMMIT DROP`); err != nil {
		return fail(err)
	}
	stmt, err := s.tx.PrepareContext(ctx, pq.CopyIn("import_members", "code", "full_name", "org_code", "gender", "birth_year", "ethnicity", "status", "phone", "leave"))
	if err != nil {
		return fail(err)
	}
	for _, r := range rows {
		var by any
		if r.BirthYear != 0 {
			by = r.BirthYear
		}
		if _, err := stmt.ExecContext(ctx, r.Code, r.FullName, r.OrgCode, r.Gender, by, r.Ethnicity, r.Status, r.Phone, r.Leave); err != nil {
			stmt.Close()
			return fail(err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return fail(err)
	}
	if err := stmt.Close(); err != nil {
		return fail(err)
	}
	now := s.now()
	steps := []string{
		// Close the membership of members who move.
		`UPDATE member_organisations mo SET to_at = $1
		 FROM import_members i JOIN members m ON m.code = i.code JOIN organisations o ON o.code = i.org_code
		 WHERE mo.member_id = m.id AND mo.to_at IS NULL AND mo.org_id <> o.id`,
		`INSERT INTO members (code, full_name, org_id, gender, birth_year, ethnicity, status, phone, active, created_at, updated_at)
		 SELECT i.code, i.full_name, o.id, i.gender, i.birth_year, i.ethnicity, i.status, i.phone, true, $1, $1
		 FROM import_members i JOIN organisations o ON o.code = i.org_code
		 ON CONFLICT (code) DO UPDATE SET full_name = EXCLUDED.full_name, org_id = EXCLUDED.org_id,
		   gender = EXCLUDED.gender, birth_year = EXCLUDED.birth_year, ethnicity = EXCLUDED.ethnicity,
		   status = EXCLUDED.status, phone = EXCLUDED.phone, updated_at = $1`,
		// A row with a status of leaving leaves the member as they are
		// (leaveImported makes an active one leave); any other row makes
		// the member active, back from leaving if they had left.
		`UPDATE members m SET active = true, left_at = NULL, left_reason = '', updated_at = $1
		 FROM import_members i WHERE m.code = i.code AND i.leave = '' AND NOT m.active`,
		`INSERT INTO member_organisations (member_id, org_id, from_at)
		 SELECT m.id, m.org_id, $1 FROM import_members i JOIN members m ON m.code = i.code
		 WHERE NOT EXISTS (SELECT 1 FROM member_organisations mo WHERE mo.member_id = m.id AND mo.to_at IS NULL)`,
	}
	for _, q := range steps {
		if _, err := s.exec(ctx, q, now); err != nil {
			return fail(err)
		}
	}
	return nil
}

// leaveImported makes the active members of the rows with a status of
// leaving leave, each with its reason and audited like LeaveMember.
func (s *Storage) leaveImported(ctx context.Context, rows []MemberInput, actor string) error {
	for _, r := range rows {
		if r.Leave == "" {
			continue
		}
		var id int64
		if err := s.get(ctx, &id, `SELECT id FROM members WHERE code = $1`, r.Code); err != nil {
			return fmt.Errorf("storage: import members: leave %q: %w", r.Code, err)
		}
		m, err := s.lockMember(ctx, id)
		if err != nil {
			return err
		}
		if !m.Active {
			continue
		}
		if _, err := s.leave(ctx, m, r.Leave, actor); err != nil {
			return err
		}
	}
	return nil
}

// MarkReachable clears the unreachable mark (the member unblocked the bot).
func (s *Storage) MarkReachable(ctx context.Context, memberID int64) error {
	if _, err := s.exec(ctx, `UPDATE members SET unreachable_at = NULL WHERE id = $1`, memberID); err != nil {
		return fmt.Errorf("storage: reachable %d: %w", memberID, err)
	}
	return nil
}
