package storage

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Offline study: a secretary (or an officer, or the office PC) records
// members who studied at the cell meeting or in person, as studied_offline,
// with who ticked, when and for which meeting date. A tick can be taken
// back within UndoWindow; the state before it comes back.

// UndoWindow is how long after a tick it may be taken back.
const UndoWindow = 24 * time.Hour

// OfflineBy is who records offline study: "tg:<user>" or "cli", and the
// member when it is one.
type OfflineBy struct {
	Actor    string
	MemberID *int64
}

// MarkStudiedOffline records that the member of an assignment studied at
// the meeting of meetingOn. A member who already studied online is refused
// (their own confirmation stands); one already ticked is left as is
// (changed false). Scope is the caller's to check: the assignment's org_id.
func (s *Storage) MarkStudiedOffline(ctx context.Context, assignmentID int64, by OfflineBy, meetingOn time.Time) (bool, error) {
	t, err := s.lockTarget(ctx, assignmentID)
	if err != nil {
		return false, err
	}
	return s.markOffline(ctx, t, by, meetingOn)
}

// CheckOfflineDay is the rule of the day members studied at their cell,
// typed, pressed or given to the command line: it has come (now's day).
func CheckOfflineDay(on, now time.Time) error {
	if on.Format("2006-01-02") > now.Format("2006-01-02") {
		return FieldErrorf(FieldDate, "Ngày sinh hoạt %s chưa tới: hãy chọn hôm nay hoặc một ngày đã qua.", on.Format("02/01/2006"))
	}
	return nil
}

func (s *Storage) markOffline(ctx context.Context, t StudyTarget, by OfflineBy, meetingOn time.Time) (bool, error) {
	switch {
	case t.State == AssignStudiedOffline:
		return false, nil
	case t.State == AssignStudied:
		return false, Errorf(CodeConflict, "Đồng chí này đã tự xác nhận học trực tuyến, không cần ghi nhận tại chi bộ.")
	case t.DocStatus != DocPublished:
		return false, Errorf(CodeConflict, "Văn bản %s đã thu hồi.", t.DocNumber)
	case t.ClosedAt != nil:
		return false, Errorf(CodeConflict, "Đợt học tập văn bản %s đã kết thúc.", t.DocNumber)
	}
	now := s.now()
	if err := CheckOfflineDay(meetingOn, now); err != nil {
		return false, err
	}
	_, err := s.exec(ctx, `UPDATE assignments SET offline_prev_state = state, state = 'studied_offline', studied_how = 'offline',
		studied_at = $2, offline_by = $3, offline_by_member = $4, offline_at = $2, offline_meeting_on = $5, remind_on = NULL, updated_at = $2
		WHERE id = $1`, t.ID, now, by.Actor, by.MemberID, meetingOn.Format("2006-01-02"))
	if err != nil {
		return false, fmt.Errorf("storage: offline %d: %w", t.ID, err)
	}
	return true, s.Audit(ctx, by.Actor, "study.offline", fmt.Sprint(t.ID), map[string]any{"meeting_on": meetingOn.Format("2006-01-02")})
}

// UndoStudiedOffline takes a tick back within UndoWindow: the assignment
// returns to the state it had. Not ticked: changed false.
func (s *Storage) UndoStudiedOffline(ctx context.Context, assignmentID int64, actor string) (bool, error) {
	t, err := s.lockTarget(ctx, assignmentID)
	if err != nil {
		return false, err
	}
	if t.State != AssignStudiedOffline {
		return false, nil
	}
	now := s.now()
	if t.OfflineAt == nil || now.Sub(*t.OfflineAt) > UndoWindow {
		return false, Errorf(CodeConflict, "Chỉ bỏ được đánh dấu trong 24 giờ sau khi ghi nhận.")
	}
	_, err = s.exec(ctx, `UPDATE assignments SET state = COALESCE(offline_prev_state, 'delivered'), studied_how = '', studied_at = NULL,
		offline_by = '', offline_by_member = NULL, offline_at = NULL, offline_meeting_on = NULL, offline_prev_state = NULL, updated_at = $2
		WHERE id = $1`, t.ID, now)
	if err != nil {
		return false, fmt.Errorf("storage: undo offline %d: %w", t.ID, err)
	}
	return true, s.Audit(ctx, actor, "study.offline_undo", fmt.Sprint(t.ID), nil)
}

// OfflineRow is a member a secretary may tick for one campaign: not
// studied online, or ticked recently enough to take back.
type OfflineRow struct {
	AssignmentID int64      `db:"id"`
	OrgID        int64      `db:"org_id"`
	MemberCode   string     `db:"code"`
	FullName     string     `db:"full_name"`
	State        string     `db:"state"`
	OfflineAt    *time.Time `db:"offline_at"`
	// Unreachable: no Telegram link, blocked the bot, or never reached.
	Unreachable bool `db:"unreachable"`
}

// Undoable reports whether the row is a tick that may still be taken back.
func (r OfflineRow) Undoable(now time.Time) bool {
	return r.State == AssignStudiedOffline && r.OfflineAt != nil && now.Sub(*r.OfflineAt) <= UndoWindow
}

// OfflineCandidates lists, for one campaign and the members it assigned
// in organisation orgID (itself, not its subtree), those not studied and
// those ticked within UndoWindow, by name.
func (s *Storage) OfflineCandidates(ctx context.Context, campaignID, orgID int64) ([]OfflineRow, error) {
	return selectAll[OfflineRow](ctx, s, fmt.Sprintf("offline candidates %d/%d", campaignID, orgID), `SELECT a.id, a.org_id, m.code, m.full_name, a.state, a.offline_at,
		(a.state IN ('unreachable', 'failed') OR m.telegram_user_id IS NULL OR m.unreachable_at IS NOT NULL) AS unreachable
		FROM assignments a JOIN members m ON m.id = a.member_id
		WHERE a.campaign_id = $1 AND a.org_id = $2
		  AND (a.state NOT IN ('studied', 'studied_offline') OR (a.state = 'studied_offline' AND a.offline_at >= $3))
		ORDER BY `+byName+`, m.code`, campaignID, orgID, s.now().Add(-UndoWindow))
}

// OfflineOrg is an organisation with members of a campaign left to tick.
type OfflineOrg struct {
	ID   int64  `db:"id"`
	Code string `db:"code"`
	Name string `db:"name"`
	Open int    `db:"open"`
}

// OfflineOrgs lists the organisations under roots where a campaign
// assigned members not yet studied (or ticked within UndoWindow), by name.
func (s *Storage) OfflineOrgs(ctx context.Context, campaignID int64, roots []int64) ([]OfflineOrg, error) {
	return selectAll[OfflineOrg](ctx, s, fmt.Sprintf("offline orgs of %d", campaignID), subtreesCTE+`
		SELECT o.id, o.code, o.name, count(*) FILTER (WHERE a.state NOT IN ('studied', 'studied_offline')) AS open
		FROM assignments a JOIN organisations o ON o.id = a.org_id
		WHERE a.campaign_id = $2 AND a.org_id IN (SELECT id FROM sub)
		  AND (a.state NOT IN ('studied', 'studied_offline') OR (a.state = 'studied_offline' AND a.offline_at >= $3))
		GROUP BY o.id ORDER BY o.name COLLATE sotay_vi, o.code`, int64Array(roots), campaignID, s.now().Add(-UndoWindow))
}

// Outcomes of recording offline study by member code.
const (
	OfflineTicked     = "ticked"
	OfflineUnchanged  = "unchanged"
	OfflineRefused    = "refused"
	OfflineNoSuchCode = "unknown"
)

// OfflineOutcome is what became of one member code.
type OfflineOutcome struct {
	Code    string
	Name    string
	Outcome string
	// Reason says in Vietnamese why a code was refused or left unchanged.
	Reason string
}

// OfflineByCodes records offline study of one document for members named
// by code, within the subtree of scopeID. Per code it says what happened:
// ticked, unchanged (already ticked), or refused (unknown code, not
// assigned, outside the scope, studied online, campaign closed). With
// applyValid false nothing is stored when any code is refused; otherwise
// the valid codes are stored and the refused ones listed.
func (s *Storage) OfflineByCodes(ctx context.Context, docID int64, codes []string, scopeID int64, by OfflineBy, meetingOn time.Time, applyValid bool) ([]OfflineOutcome, error) {
	var out []OfflineOutcome
	err := s.WithTx(ctx, func(s *Storage) error {
		refused := false
		seen := map[string]bool{}
		for _, raw := range codes {
			code := strings.TrimSpace(raw)
			if code == "" || seen[strings.ToUpper(code)] {
				continue
			}
			seen[strings.ToUpper(code)] = true
			o, err := s.offlineCode(ctx, docID, code, scopeID, by, meetingOn)
			if err != nil {
				return err
			}
			if o.Outcome == OfflineRefused || o.Outcome == OfflineNoSuchCode {
				refused = true
			}
			out = append(out, o)
		}
		if refused && !applyValid {
			return errRollback
		}
		return nil
	})
	if err == errRollback {
		for i := range out {
			if out[i].Outcome == OfflineTicked {
				out[i].Outcome, out[i].Reason = OfflineUnchanged, "chưa ghi vì có mã bị từ chối"
			}
		}
		return out, nil
	}
	return out, err
}

// errRollback ends a transaction without storing, on purpose.
var errRollback = Errorf(CodeConflict, "rolled back")

func (s *Storage) offlineCode(ctx context.Context, docID int64, code string, scopeID int64, by OfflineBy, meetingOn time.Time) (OfflineOutcome, error) {
	o := OfflineOutcome{Code: code}
	m, err := s.Member(ctx, code)
	if ErrorCode(err) == CodeNotFound {
		o.Outcome, o.Reason = OfflineNoSuchCode, "không có đảng viên mã này"
		return o, nil
	}
	if err != nil {
		return o, err
	}
	o.Code, o.Name = m.Code, m.FullName
	var ts []StudyTarget
	if err := s.sel(ctx, &ts, studyTargetSelect+` WHERE a.member_id = $1 AND a.document_id = $2
		ORDER BY (c.closed_at IS NULL) DESC, c.created_at DESC, a.id DESC FOR UPDATE OF a`, m.ID, docID); err != nil {
		return o, fmt.Errorf("storage: offline %q: %w", code, err)
	}
	if len(ts) == 0 {
		o.Outcome, o.Reason = OfflineRefused, "không được giao văn bản này"
		return o, nil
	}
	var inScope []StudyTarget
	for _, t := range ts {
		if t.State == AssignStudied {
			o.Outcome, o.Reason = OfflineRefused, "đã học trực tuyến"
			return o, nil
		}
		ok, err := s.InSubtree(ctx, scopeID, t.OrgID)
		if err != nil {
			return o, err
		}
		if ok {
			inScope = append(inScope, t)
		}
	}
	if len(inScope) == 0 {
		o.Outcome, o.Reason = OfflineRefused, "được giao ở tổ chức ngoài phạm vi đã chọn"
		return o, nil
	}
	for _, t := range inScope {
		if t.State == AssignStudiedOffline {
			o.Outcome, o.Reason = OfflineUnchanged, "đã được ghi nhận học tại chi bộ từ trước"
			return o, nil
		}
	}
	changed, err := s.markOffline(ctx, inScope[0], by, meetingOn)
	if IsExpected(err) {
		o.Outcome, o.Reason = OfflineRefused, strings.TrimSuffix(ErrorMessage(err), ".")
		return o, nil
	}
	if err != nil {
		return o, err
	}
	if !changed {
		o.Outcome = OfflineUnchanged
		return o, nil
	}
	o.Outcome = OfflineTicked
	return o, nil
}
