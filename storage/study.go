package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Study: a member's side of their assignments (the button, their pending
// list, their record) and closing a campaign. Rates are in rates.go,
// offline study in offline.go, reminders in reminders.go.

const (
	// DefaultRemindDays is how many days before the deadline reminders start.
	DefaultRemindDays = 3
	// MaxRemindDays bounds a campaign's reminder window.
	MaxRemindDays = 90
)

// How an assignment was studied.
const (
	StudiedOnline  = "online"
	StudiedByQuiz  = "quiz"
	StudiedOffline = "offline"
)

// Answers to a press of "Tôi đã học" that changes nothing.
// MsgQuizRequired answers "Tôi đã học" in a campaign that asks for the quiz.
const MsgQuizRequired = "Văn bản này cần làm bài kiểm tra: đồng chí bấm «📝 Làm bài kiểm tra»."

const (
	msgStudyWithdrawn = "Văn bản này đã được thu hồi, đồng chí không cần xác nhận học nữa."
	msgStudyClosed    = "Đợt học tập văn bản này đã kết thúc, không ghi nhận thêm. Cảm ơn đồng chí."
)

// StudyTarget is an assignment with what the member's side shows of it:
// the document, the deadline, whether the campaign is still open.
type StudyTarget struct {
	Assignment
	DueOn      *time.Time `db:"due_on"`
	ClosedAt   *time.Time `db:"closed_at"`
	DocStatus  string     `db:"doc_status"`
	DocKind    string     `db:"doc_kind"`
	DocNumber  string     `db:"doc_number"`
	DocTitle   string     `db:"doc_title"`
	CampaignAt time.Time  `db:"campaign_at"`
	// QuizRequired: study only by passing the quiz, at PassPercent.
	QuizRequired bool `db:"quiz_required"`
	PassPercent  int  `db:"pass_percent"`
}

// Open reports whether the member may still confirm studying it.
func (t StudyTarget) Open() bool { return t.ClosedAt == nil && t.DocStatus == DocPublished }

// Overdue reports whether the deadline passed before today (a local date).
func (t StudyTarget) Overdue(today time.Time) bool {
	return t.DueOn != nil && t.DueOn.Format("2006-01-02") < today.Format("2006-01-02")
}

// studyTargetCols are a StudyTarget's columns over "a", "c" and "d".
const studyTargetCols = assignmentColumns + `, c.due_on, c.closed_at, c.created_at AS campaign_at, c.quiz_required, c.pass_percent,
	d.status AS doc_status, d.kind AS doc_kind, d.number AS doc_number, d.title AS doc_title`

const studyTargetFields = studyTargetCols + `
	FROM assignments a JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id`

const studyTargetSelect = `SELECT ` + studyTargetFields

// StudyTarget returns one assignment with its document and campaign.
func (s *Storage) StudyTarget(ctx context.Context, id int64) (StudyTarget, error) {
	var t StudyTarget
	if err := s.get(ctx, &t, studyTargetSelect+` WHERE a.id = $1`, id); err != nil {
		return t, fmt.Errorf("storage: study target %d: %w", id, err)
	}
	return t, nil
}

// MarkStudied records that a member studied an assignment ("Tôi đã học").
// Only the member it belongs to may (anyone else: ErrForbidden, whatever
// the button says). A second press changes nothing (changed is false); so
// does a press after the document was withdrawn or the campaign closed,
// which is an expected error with a polite message.
func (s *Storage) MarkStudied(ctx context.Context, assignmentID, memberID int64) (a StudyTarget, changed bool, err error) {
	return s.markStudied(ctx, assignmentID, memberID, StudiedOnline, time.Time{})
}

// MarkStudiedAt is MarkStudied for a press the member made at acted (a web
// action sent after the network returned): it is recorded at acted when
// that is plausible (ActionTime, not before the push), and now otherwise.
func (s *Storage) MarkStudiedAt(ctx context.Context, assignmentID, memberID int64, acted time.Time) (a StudyTarget, changed bool, err error) {
	return s.markStudied(ctx, assignmentID, memberID, StudiedOnline, acted)
}

func (s *Storage) markStudied(ctx context.Context, assignmentID, memberID int64, how string, acted time.Time) (StudyTarget, bool, error) {
	t, err := s.lockTarget(ctx, assignmentID)
	if err != nil {
		return t, false, err
	}
	if t.MemberID != memberID {
		return t, false, ErrForbidden
	}
	if t.Studied() {
		return t, false, nil
	}
	if t.DocStatus != DocPublished {
		return t, false, Errorf(CodeConflict, msgStudyWithdrawn)
	}
	if t.ClosedAt != nil {
		return t, false, Errorf(CodeConflict, msgStudyClosed)
	}
	if t.QuizRequired && how != StudiedByQuiz {
		return t, false, Errorf(CodeConflict, MsgQuizRequired)
	}
	now := ActionTime(acted, s.now(), t.CampaignAt)
	if _, err := s.exec(ctx, `UPDATE assignments SET state = 'studied', studied_how = $3, studied_at = $2,
		read_at = COALESCE(read_at, $2), delivered_at = COALESCE(delivered_at, $2), reason = '', remind_on = NULL, updated_at = $2
		WHERE id = $1`, t.ID, now, how); err != nil {
		return t, false, fmt.Errorf("storage: studied %d: %w", t.ID, err)
	}
	t.State, t.StudiedAt, t.StudiedHow = AssignStudied, &now, how
	return t, true, nil
}

// lockTarget reads an assignment for update, so two presses at once take
// turns and the second sees the first's effect.
func (s *Storage) lockTarget(ctx context.Context, id int64) (StudyTarget, error) {
	var t StudyTarget
	if err := s.get(ctx, &t, studyTargetSelect+` WHERE a.id = $1 FOR UPDATE OF a`, id); err != nil {
		return t, fmt.Errorf("storage: assignment %d: %w", id, err)
	}
	return t, nil
}

// OpenStudy lists a member's assignments still to study: not studied, in
// an open campaign, of a published document; one per document (the newest
// campaign), nearest deadline first, those without a deadline last.
func (s *Storage) OpenStudy(ctx context.Context, memberID int64) ([]StudyTarget, error) {
	return selectAll[StudyTarget](ctx, s, fmt.Sprintf("open study of %d", memberID), `SELECT * FROM (SELECT DISTINCT ON (a.document_id) `+studyTargetFields+`
		WHERE a.member_id = $1 AND c.closed_at IS NULL AND d.status = 'published'
		  AND NOT EXISTS (SELECT 1 FROM assignments b WHERE b.member_id = a.member_id AND b.document_id = a.document_id
		                  AND b.state IN ('studied', 'studied_offline'))
		ORDER BY a.document_id, c.created_at DESC, a.id DESC) t
		ORDER BY t.due_on NULLS LAST, t.campaign_at, t.id`, memberID)
}

// DocumentStudy is what a document card shows a member assigned it: the
// assignment the card's "Tôi đã học" acts on (a studied one if any, else
// the newest open one). ErrNotFound when the member was never assigned it.
func (s *Storage) DocumentStudy(ctx context.Context, memberID, docID int64) (StudyTarget, error) {
	var t StudyTarget
	err := s.get(ctx, &t, studyTargetSelect+` WHERE a.member_id = $1 AND a.document_id = $2
		ORDER BY a.state IN ('studied', 'studied_offline') DESC, (c.closed_at IS NULL) DESC, c.created_at DESC, a.id DESC LIMIT 1`,
		memberID, docID)
	if err != nil {
		return t, fmt.Errorf("storage: study of %d by %d: %w", docID, memberID, err)
	}
	return t, nil
}

// StudyRecord lists every document a member was assigned, once each, in
// their furthest state (as the rates count it), newest campaign first.
func (s *Storage) StudyRecord(ctx context.Context, memberID int64) ([]StudyTarget, error) {
	return selectAll[StudyTarget](ctx, s, fmt.Sprintf("study record of %d", memberID), `SELECT * FROM (SELECT DISTINCT ON (a.document_id) `+studyTargetFields+`
		WHERE a.member_id = $1
		ORDER BY a.document_id, `+stateRank("a.state")+` DESC, c.created_at DESC, a.id DESC) t
		ORDER BY t.studied_at DESC NULLS LAST, t.campaign_at DESC, t.id DESC`, memberID)
}

// CloseCampaign ends a campaign: no more "Tôi đã học", no reminders. Its
// figures stay. Closing twice changes nothing.
func (s *Storage) CloseCampaign(ctx context.Context, id int64, actor string) (bool, error) {
	res, err := s.exec(ctx, `UPDATE campaigns SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL`, id, s.now())
	if err != nil {
		return false, fmt.Errorf("storage: close campaign %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	if n == 0 {
		if _, err := s.Campaign(ctx, id); err != nil {
			return false, err
		}
		return false, nil
	}
	return true, s.Audit(ctx, actor, "campaign.close", fmt.Sprint(id), nil)
}

// CloseDocumentCampaigns closes every open campaign of a document and
// returns how many it closed.
func (s *Storage) CloseDocumentCampaigns(ctx context.Context, docID int64, actor string) (int, error) {
	var ids []int64
	if err := s.sel(ctx, &ids, `UPDATE campaigns SET closed_at = $2 WHERE document_id = $1 AND closed_at IS NULL RETURNING id`, docID, s.now()); err != nil {
		return 0, fmt.Errorf("storage: close campaigns of %d: %w", docID, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return len(ids), s.Audit(ctx, actor, "campaign.close", fmt.Sprint(docID), map[string]any{"campaigns": ids})
}

// OpenCampaign is a campaign not closed, of a published document, with how
// many of its assignments in a scope are not studied yet.
type OpenCampaign struct {
	Campaign
	Assigned int `db:"assigned"`
	Open     int `db:"open"`
}

// OpenCampaigns lists the open campaigns with assignments in the subtrees
// of roots, newest first.
func (s *Storage) OpenCampaigns(ctx context.Context, roots []int64) ([]OpenCampaign, error) {
	return selectAll[OpenCampaign](ctx, s, "open campaigns", subtreesCTE+`
		SELECT `+campaignColumns+`, x.assigned, x.open FROM (
			SELECT a.campaign_id, count(*) AS assigned,
			       count(*) FILTER (WHERE a.state NOT IN ('studied', 'studied_offline')) AS open
			FROM assignments a WHERE a.org_id IN (SELECT id FROM sub) GROUP BY a.campaign_id) x
		JOIN campaigns c ON c.id = x.campaign_id JOIN documents d ON d.id = c.document_id
		WHERE c.closed_at IS NULL AND d.status = 'published'
		ORDER BY c.created_at DESC, c.id DESC`, int64Array(roots))
}

// subtreesCTE is "sub": the organisations of the subtrees of $1 (ids),
// dissolved ones included, since their records stay countable.
const subtreesCTE = `WITH RECURSIVE sub AS (
		SELECT id FROM organisations WHERE id = ANY($1::bigint[])
		UNION
		SELECT o.id FROM organisations o JOIN sub ON o.parent_id = sub.id
	)`

// stateRank orders assignment states from least to furthest, as the rates
// count a member assigned one document more than once: unreachable <
// failed < pending < delivered < read < studied_offline < studied (the two
// studied states count alike; online wins a tie for the online rate).
func stateRank(col string) string {
	return `(CASE ` + col + ` WHEN 'unreachable' THEN 0 WHEN 'failed' THEN 1 WHEN 'pending' THEN 2 WHEN 'delivered' THEN 3
		WHEN 'read' THEN 4 WHEN 'studied_offline' THEN 5 WHEN 'studied' THEN 6 ELSE 0 END)`
}

// IsExpected reports whether err is an expected error with a message for
// the user (not an internal failure).
func IsExpected(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code != CodeInternal && e.Message != ""
}
