package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Assignment states.
const (
	AssignPending        = "pending"
	AssignDelivered      = "delivered"
	AssignRead           = "read"
	AssignStudied        = "studied"
	AssignStudiedOffline = "studied_offline"
	AssignUnreachable    = "unreachable"
	AssignFailed         = "failed"
)

// AssignmentStateName is the Vietnamese name of an assignment state.
func AssignmentStateName(state string) string {
	switch state {
	case AssignPending:
		return "Chưa gửi"
	case AssignDelivered:
		return "Đã nhận"
	case AssignRead:
		return "Đã đọc"
	case AssignStudied:
		return "Đã học"
	case AssignStudiedOffline:
		return "Đã học tại chi bộ"
	case AssignUnreachable:
		return "Không liên lạc được"
	case AssignFailed:
		return "Gửi lỗi"
	}
	return state
}

// Reasons recorded on assignments that were never sent.
const (
	ReasonNotLinked   = "chưa liên kết Telegram"
	ReasonUnreachable = "đã chặn bot hoặc không liên lạc được"
)

// Campaign pushes one document to the members of some organisations.
type Campaign struct {
	ID                int64      `db:"id"`
	DocumentID        int64      `db:"document_id"`
	DueOn             *time.Time `db:"due_on"`
	CreatedBy         string     `db:"created_by"`
	CreatedByMember   *int64     `db:"created_by_member"`
	CreatedAt         time.Time  `db:"created_at"`
	NotifyChatID      *int64     `db:"notify_chat_id"`
	ProgressMessageID *int       `db:"progress_message_id"`
	FinishedAt        *time.Time `db:"finished_at"`
	// ClosedAt is when the campaign was closed: no more study by button,
	// no reminders; its figures stay.
	ClosedAt *time.Time `db:"closed_at"`
	// RemindDays is how many days before DueOn automatic reminders start.
	RemindDays int `db:"remind_days"`
	// QuizRequired: study counts only by passing the document's quiz, at
	// PassPercent. HasQuiz: the document has a quiz now.
	QuizRequired bool   `db:"quiz_required"`
	PassPercent  int    `db:"pass_percent"`
	HasQuiz      bool   `db:"has_quiz"`
	DocKind      string `db:"doc_kind"`
	DocNumber    string `db:"doc_number"`
	DocTitle     string `db:"doc_title"`
}

const campaignColumns = `c.id, c.document_id, c.due_on, c.created_by, c.created_by_member, c.created_at,
	c.notify_chat_id, c.progress_message_id, c.finished_at, c.closed_at, c.remind_days, c.quiz_required, c.pass_percent,
	EXISTS (SELECT 1 FROM quizzes q WHERE q.document_id = c.document_id AND q.replaced_at IS NULL) AS has_quiz, d.kind AS doc_kind, d.number AS doc_number, d.title AS doc_title`

// CampaignInput is what a new campaign needs.
type CampaignInput struct {
	DocumentID int64
	// OrgIDs are the roots of the subtrees whose active members are targeted.
	OrgIDs []int64
	// DueOn is the study deadline (a date), nil for none.
	DueOn *time.Time
	// RemindDays is how many days before the deadline reminders start;
	// nil is the default (DefaultRemindDays).
	RemindDays *int
	// QuizRequired makes the document's quiz the way to study, passed at
	// PassPercent (0: DefaultPassPercent).
	QuizRequired bool
	PassPercent  int
	// All assigns the document again to members who already have it from
	// an earlier campaign; by default they are left out.
	All bool
	// Actor is "cli" or "tg:<user id>"; ActorMember the pushing member.
	Actor       string
	ActorMember *int64
	// NotifyChatID and ProgressMessageID name the status message the
	// sender keeps up to date; zero for none (the command line).
	NotifyChatID      int64
	ProgressMessageID int
	// Message renders the pushed message of one assignment: HTML text and
	// the reply markup (marshalled to JSON; nil for none).
	Message func(d Document, c Campaign, assignmentID int64) (text string, markup any)
	// WithVoice, when set, renders instead of Message the message of a
	// member offered a voice summary of the document: in the language
	// they chose, else in Vietnamese (voice.go).
	WithVoice func(d Document, c Campaign, assignmentID int64, v VoiceSummary) (text string, markup any)
}

// CampaignPreview counts whom a campaign would reach.
type CampaignPreview struct {
	// Members are the active members in scope.
	Members int `db:"members"`
	// Already have the document from an earlier campaign (left out unless All).
	Already int `db:"already"`
	// Assigned is how many assignments the campaign would create.
	Assigned int `db:"assigned"`
	// Reachable of them are linked to Telegram and not marked unreachable,
	// or signed in on the web; NotLinked are neither linked nor on the web.
	Reachable int `db:"reachable"`
	NotLinked int `db:"not_linked"`
}

// scopeMembers selects the active members of the subtrees of $1 (ids),
// each once, with whether they already hold document $2: an assignment
// that reached them. Members an earlier push could not reach (not linked
// yet, blocked, failed) are assigned again by a new push.
const scopeMembers = `
	WITH RECURSIVE t AS (
		SELECT id FROM organisations WHERE id = ANY($1) AND dissolved_at IS NULL
		UNION
		SELECT c.id FROM organisations c JOIN t ON c.parent_id = t.id WHERE c.dissolved_at IS NULL
	), scope AS (
		SELECT m.id, m.org_id, m.telegram_user_id, m.unreachable_at, ` + webLiveSQL + ` AS on_web,
		       EXISTS (SELECT 1 FROM assignments a WHERE a.member_id = m.id AND a.document_id = $2
		               AND a.state NOT IN ('unreachable', 'failed')) AS already
		FROM members m WHERE m.active AND m.org_id IN (SELECT id FROM t)
	)`

// PreviewCampaign counts the members a campaign would reach.
func (s *Storage) PreviewCampaign(ctx context.Context, docID int64, orgIDs []int64, all bool) (CampaignPreview, error) {
	var p CampaignPreview
	err := s.get(ctx, &p, scopeMembers+`
		SELECT count(*) AS members,
		       count(*) FILTER (WHERE already) AS already,
		       count(*) FILTER (WHERE $3 OR NOT already) AS assigned,
		       count(*) FILTER (WHERE ($3 OR NOT already) AND ((telegram_user_id IS NOT NULL AND unreachable_at IS NULL) OR on_web)) AS reachable,
		       count(*) FILTER (WHERE ($3 OR NOT already) AND telegram_user_id IS NULL AND NOT on_web) AS not_linked
		FROM scope`, pq.Array(orgIDs), docID, all)
	if err != nil {
		return p, fmt.Errorf("storage: preview campaign: %w", err)
	}
	return p, nil
}

// CheckRemindDays is the rule of how many days before the deadline the
// reminder goes: 0 to MaxRemindDays.
func CheckRemindDays(n int) error {
	if n < 0 || n > MaxRemindDays {
		return FieldErrorf("remind_days", "Số ngày nhắc trước hạn phải từ 0 đến %d, ví dụ 3.", MaxRemindDays)
	}
	return nil
}

// CheckPassPercent is the rule of a quiz's pass mark: a percentage of
// right answers from 1 to 100.
func CheckPassPercent(p int) error {
	if p < 1 || p > 100 {
		return FieldErrorf("pass_percent", "Điểm đạt của bài kiểm tra là phần trăm số câu đúng, từ 1 đến 100, ví dụ 80.")
	}
	return nil
}

// Validate checks a push by its fields' rules: at least one organisation,
// the reminder's days (CheckRemindDays) and the pass mark (CheckPassPercent).
// That the deadline has not passed is checked where today is known
// (CheckDueDay); what storage alone knows (the document published, the
// organisations not dissolved, a quiz to require) as it is stored.
func (in CampaignInput) Validate() error {
	if len(in.OrgIDs) == 0 {
		return FieldErrorf(FieldOrg, "Chưa chọn tổ chức nào để gửi: hãy chọn ít nhất một chi bộ hoặc đảng bộ.")
	}
	if err := CheckRemindDays(in.remindDays()); err != nil {
		return err
	}
	return CheckPassPercent(in.passPercent())
}

// remindDays is the reminder's days, DefaultRemindDays when not given.
func (in CampaignInput) remindDays() int {
	if in.RemindDays != nil {
		return *in.RemindDays
	}
	return DefaultRemindDays
}

// passPercent is the pass mark, DefaultPassPercent when not given.
func (in CampaignInput) passPercent() int {
	if in.PassPercent == 0 {
		return DefaultPassPercent
	}
	return in.PassPercent
}

// CreateCampaign snapshots the assignments of a campaign, one per active
// member in scope, and queues one outbox message per reachable member, in
// one transaction. Members neither Telegram nor the web reaches are
// assigned as unreachable at once. A member already holding the document is left out unless in.All.
func (s *Storage) CreateCampaign(ctx context.Context, in CampaignInput) (Campaign, error) {
	var c Campaign
	if err := in.Validate(); err != nil {
		return c, err
	}
	err := s.WithTx(ctx, func(s *Storage) error {
		// Two pushes of one document at once (two officers, chat and
		// command line) take turns here, so the second sees the first's
		// assignments and does not assign anyone twice.
		var locked int64
		if err := s.get(ctx, &locked, `SELECT id FROM documents WHERE id = $1 FOR UPDATE`, in.DocumentID); err != nil {
			return fmt.Errorf("storage: campaign document %d: %w", in.DocumentID, err)
		}
		d, err := s.DocumentByID(ctx, in.DocumentID)
		if err != nil {
			return err
		}
		if d.Status != DocPublished {
			return Errorf(CodeInvalid, "Văn bản %s chưa được công bố hoặc đã thu hồi: chỉ gửi được văn bản đang công bố.", d.Number)
		}
		for _, id := range in.OrgIDs {
			o, err := s.OrganisationByID(ctx, id)
			if err != nil {
				return err
			}
			if o.DissolvedAt != nil {
				return Errorf(CodeInvalid, "Tổ chức %s đã giải thể: hãy chọn tổ chức đang hoạt động.", o.Code)
			}
		}
		now := s.now()
		var due any
		if in.DueOn != nil {
			due = in.DueOn.Format("2006-01-02")
		}
		var notify, msgID any
		if in.NotifyChatID != 0 {
			notify, msgID = in.NotifyChatID, in.ProgressMessageID
		}
		remind, pass := in.remindDays(), in.passPercent()
		if in.QuizRequired {
			if _, err := s.CurrentQuiz(ctx, d.ID); errors.Is(err, ErrNotFound) {
				return Errorf(CodeInvalid, "Văn bản %s chưa có bài kiểm tra: hãy gắn bài kiểm tra trước (sotay doc quiz %s TỆP).", d.Number, d.Number)
			} else if err != nil {
				return err
			}
		}
		var id int64
		err = s.get(ctx, &id, `INSERT INTO campaigns (document_id, due_on, created_by, created_by_member, created_at,
			notify_chat_id, progress_message_id, progress_edited_at, remind_days, quiz_required, pass_percent)
			VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp(), $8, $9, $10) RETURNING id`,
			d.ID, due, in.Actor, in.ActorMember, now, notify, msgID, remind, in.QuizRequired, pass)
		if err != nil {
			return fmt.Errorf("storage: create campaign: %w", err)
		}
		if _, err := s.exec(ctx, `INSERT INTO campaign_orgs (campaign_id, org_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
			id, pq.Array(in.OrgIDs)); err != nil {
			return fmt.Errorf("storage: campaign orgs: %w", err)
		}
		res, err := s.exec(ctx, scopeMembers+`
			INSERT INTO assignments (campaign_id, document_id, member_id, org_id, state, reason, updated_at)
			SELECT $3, $2, id, org_id,
			       CASE WHEN on_web OR (telegram_user_id IS NOT NULL AND unreachable_at IS NULL) THEN 'pending' ELSE 'unreachable' END,
			       CASE WHEN on_web THEN '' WHEN telegram_user_id IS NULL THEN $5 WHEN unreachable_at IS NOT NULL THEN $6 ELSE '' END, $7
			FROM scope WHERE $4 OR NOT already`,
			pq.Array(in.OrgIDs), d.ID, id, in.All, ReasonNotLinked, ReasonUnreachable, now)
		if err != nil {
			return fmt.Errorf("storage: assignments: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if in.All {
				return Errorf(CodeInvalid, "Không có đảng viên nào đang sinh hoạt trong phạm vi đã chọn.")
			}
			return Errorf(CodeConflict, "Mọi đảng viên trong phạm vi đã chọn đều đã được giao văn bản %s từ trước. "+
				"Nếu muốn gửi lại cho tất cả, hãy chọn gửi lại (dòng lệnh: --all).", d.Number)
		}
		if c, err = s.Campaign(ctx, id); err != nil {
			return err
		}
		if err := s.queuePush(ctx, d, c, in); err != nil {
			return err
		}
		return s.Audit(ctx, in.Actor, "campaign.create", d.Number, map[string]any{"campaign": id, "orgs": in.OrgIDs, "all": in.All})
	})
	return c, err
}

// queuePush writes the outbox message of every pending assignment of a
// campaign with COPY.
func (s *Storage) queuePush(ctx context.Context, d Document, c Campaign, in CampaignInput) error {
	fail := func(err error) error { return fmt.Errorf("storage: queue campaign %d: %w", c.ID, err) }
	var targets []struct {
		ID     int64  `db:"id"`
		ChatID int64  `db:"chat_id"`
		Lang   string `db:"voice_lang"`
	}
	// A member reachable on Telegram gets the message there (and a copy in
	// their web chat, if they use the web: the outbox makes it); one the
	// web alone reaches gets it in their web chat.
	if err := s.sel(ctx, &targets, `SELECT a.id,
			CASE WHEN m.telegram_user_id IS NOT NULL AND m.unreachable_at IS NULL THEN m.telegram_user_id ELSE $2 + m.id END AS chat_id, m.voice_lang
		FROM assignments a JOIN members m ON m.id = a.member_id
		WHERE a.campaign_id = $1 AND a.state = 'pending' ORDER BY m.org_id, a.id`, c.ID, WebChatBase); err != nil {
		return fail(err)
	}
	voices := map[string]VoiceSummary{}
	if in.WithVoice != nil {
		vs, err := s.VoiceSummaries(ctx, d.ID)
		if err != nil {
			return err
		}
		for _, v := range vs {
			voices[v.Lang] = v
		}
	}
	render := func(id int64, lang string) (string, any) {
		v, ok := voices[lang]
		if !ok {
			v, ok = voices[DefaultLanguage]
		}
		if ok {
			return in.WithVoice(d, c, id, v)
		}
		return in.Message(d, c, id)
	}
	if len(targets) == 0 {
		return nil
	}
	stmt, err := s.tx.PrepareContext(ctx, pq.CopyIn("outbox", "kind", "chat_id", "text", "reply_markup", "campaign_id", "assignment_id"))
	if err != nil {
		return fail(err)
	}
	for _, t := range targets {
		text, markup := render(t.ID, t.Lang)
		var mk any
		if markup != nil {
			b, err := json.Marshal(markup)
			if err != nil {
				stmt.Close()
				return fail(err)
			}
			mk = string(b)
		}
		if _, err := stmt.ExecContext(ctx, OutboxPush, t.ChatID, text, mk, c.ID, t.ID); err != nil {
			stmt.Close()
			return fail(err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return fail(err)
	}
	return stmt.Close()
}

// Campaign returns one campaign with its document's number and title.
func (s *Storage) Campaign(ctx context.Context, id int64) (Campaign, error) {
	var c Campaign
	if err := s.get(ctx, &c, `SELECT `+campaignColumns+` FROM campaigns c JOIN documents d ON d.id = c.document_id WHERE c.id = $1`, id); err != nil {
		return c, fmt.Errorf("storage: campaign %d: %w", id, err)
	}
	return c, nil
}

// CampaignOrgIDs returns the organisations a campaign was pushed to.
func (s *Storage) CampaignOrgIDs(ctx context.Context, id int64) ([]int64, error) {
	return selectAll[int64](ctx, s, fmt.Sprintf("campaign %d orgs", id), `SELECT org_id FROM campaign_orgs WHERE campaign_id = $1 ORDER BY org_id`, id)
}

// CampaignStats counts a campaign's assignments by state.
type CampaignStats struct {
	Campaign
	Total          int `db:"total"`
	Pending        int `db:"pending"`
	Delivered      int `db:"delivered"`
	Read           int `db:"read"`
	Studied        int `db:"studied"`
	StudiedOffline int `db:"studied_offline"`
	Unreachable    int `db:"unreachable"`
	NotLinked      int `db:"not_linked"`
	Failed         int `db:"failed"`
	// Queued messages of the campaign not yet sent or given up.
	Queued int `db:"queued"`
	// LastSentAt is when the last message of the campaign was sent.
	LastSentAt *time.Time `db:"last_sent_at"`
}

// Reached is how many members received the message.
func (c CampaignStats) Reached() int { return c.Delivered + c.Read + c.Studied + c.StudiedOffline }

// CampaignStats returns the counts of one campaign.
func (s *Storage) CampaignStats(ctx context.Context, id int64) (CampaignStats, error) {
	c, err := s.Campaign(ctx, id)
	if err != nil {
		return CampaignStats{}, err
	}
	st := CampaignStats{Campaign: c}
	err = s.get(ctx, &st, `SELECT count(*) AS total,
		count(*) FILTER (WHERE state = 'pending') AS pending,
		count(*) FILTER (WHERE state = 'delivered') AS delivered,
		count(*) FILTER (WHERE state = 'read') AS read,
		count(*) FILTER (WHERE state = 'studied') AS studied,
		count(*) FILTER (WHERE state = 'studied_offline') AS studied_offline,
		count(*) FILTER (WHERE state = 'unreachable') AS unreachable,
		count(*) FILTER (WHERE state = 'unreachable' AND reason = $2) AS not_linked,
		count(*) FILTER (WHERE state = 'failed') AS failed,
		(SELECT count(*) FROM outbox o WHERE o.campaign_id = $1 AND o.state = 'pending') AS queued,
		(SELECT max(sent_at) FROM outbox o WHERE o.campaign_id = $1) AS last_sent_at
		FROM assignments WHERE campaign_id = $1`, id, ReasonNotLinked)
	if err != nil {
		return st, fmt.Errorf("storage: campaign %d stats: %w", id, err)
	}
	st.Campaign = c
	return st, nil
}

// DeliveryRow is one line of a campaign's delivery report.
type DeliveryRow struct {
	MemberCode string     `db:"member_code"`
	FullName   string     `db:"full_name"`
	OrgName    string     `db:"org_name"`
	State      string     `db:"state"`
	At         *time.Time `db:"at"`
	Reason     string     `db:"reason"`
}

// DeliveryReport lists a campaign's assignments by organisation and name.
func (s *Storage) DeliveryReport(ctx context.Context, id int64) ([]DeliveryRow, error) {
	return selectAll[DeliveryRow](ctx, s, fmt.Sprintf("delivery report %d", id), `SELECT m.code AS member_code, m.full_name, o.name AS org_name, a.state,
		COALESCE(a.studied_at, a.read_at, a.delivered_at, CASE WHEN a.state <> 'pending' THEN a.updated_at END) AS at, a.reason
		FROM assignments a JOIN members m ON m.id = a.member_id JOIN organisations o ON o.id = a.org_id
		WHERE a.campaign_id = $1 ORDER BY o.code, `+byName+`, m.code`, id)
}

// Assignment is one member's task to study one document.
type Assignment struct {
	ID          int64      `db:"id"`
	CampaignID  int64      `db:"campaign_id"`
	DocumentID  int64      `db:"document_id"`
	MemberID    int64      `db:"member_id"`
	OrgID       int64      `db:"org_id"`
	State       string     `db:"state"`
	Reason      string     `db:"reason"`
	DeliveredAt *time.Time `db:"delivered_at"`
	ReadAt      *time.Time `db:"read_at"`
	StudiedAt   *time.Time `db:"studied_at"`
	// StudiedHow is online, quiz or offline for a studied assignment.
	StudiedHow string `db:"studied_how"`
	// Offline study: who ticked it, when, and for which meeting date.
	OfflineBy        string     `db:"offline_by"`
	OfflineAt        *time.Time `db:"offline_at"`
	OfflineMeetingOn *time.Time `db:"offline_meeting_on"`
	// QuizScore is the passing quiz attempt's score in percent.
	QuizScore *int `db:"quiz_score"`
}

const assignmentColumns = `a.id, a.campaign_id, a.document_id, a.member_id, a.org_id, a.state, a.reason, a.delivered_at, a.read_at, a.studied_at,
	a.studied_how, a.offline_by, a.offline_at, a.offline_meeting_on, a.quiz_score`

// AssignmentByID returns one assignment.
func (s *Storage) AssignmentByID(ctx context.Context, id int64) (Assignment, error) {
	var a Assignment
	if err := s.get(ctx, &a, `SELECT `+assignmentColumns+` FROM assignments a WHERE a.id = $1`, id); err != nil {
		return a, fmt.Errorf("storage: assignment %d: %w", id, err)
	}
	return a, nil
}

// Studied reports whether the state counts as studied.
func (a Assignment) Studied() bool {
	return a.State == AssignStudied || a.State == AssignStudiedOffline
}

// MarkDocumentRead records that a member opened a document's text or file:
// their assignments of it not yet read move to read; studied ones stay.
func (s *Storage) MarkDocumentRead(ctx context.Context, memberID, docID int64) error {
	now := s.now()
	_, err := s.exec(ctx, `UPDATE assignments SET state = 'read', read_at = $3, delivered_at = COALESCE(delivered_at, $3), updated_at = $3
		WHERE member_id = $1 AND document_id = $2 AND state IN ('pending', 'delivered', 'unreachable', 'failed')`, memberID, docID, now)
	if err != nil {
		return fmt.Errorf("storage: read %d by %d: %w", docID, memberID, err)
	}
	return nil
}

// IsAssigned reports whether a member was assigned a document in any
// campaign: they may then read it even outside its audience.
func (s *Storage) IsAssigned(ctx context.Context, memberID, docID int64) (bool, error) {
	var ok bool
	if err := s.get(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM assignments WHERE member_id = $1 AND document_id = $2)`, memberID, docID); err != nil {
		return false, fmt.Errorf("storage: assigned %d to %d: %w", docID, memberID, err)
	}
	return ok, nil
}

// Pusher is who pushes a document from Telegram: the member, the
// organisations they hold an officer role over (each with its subtree), and
// whether they are the commune's admin, who sets audiences and may push
// any published document.
type Pusher struct {
	Member   Member
	Roots    []int64
	Anywhere bool
}

// pushableArgs are the parameters of documentPushableSQL: the reader's $1
// and $2, then $3 the organisations an audience may name for the pusher to
// have somewhere to push (the roots, their ancestors and their subtrees) and
// $4 Anywhere.
func (s *Storage) pushableArgs(ctx context.Context, p Pusher) ([]any, error) {
	args, err := s.readerArgs(ctx, p.Member)
	if err != nil {
		return nil, err
	}
	var related []int64
	err = s.sel(ctx, &related, `
		WITH RECURSIVE up AS (
			SELECT id, parent_id FROM organisations WHERE id = ANY($1)
			UNION
			SELECT o.id, o.parent_id FROM organisations o JOIN up ON o.id = up.parent_id
		), down AS (
			SELECT id FROM organisations WHERE id = ANY($1) AND dissolved_at IS NULL
			UNION
			SELECT c.id FROM organisations c JOIN down ON c.parent_id = down.id WHERE c.dissolved_at IS NULL
		)
		SELECT id FROM up UNION SELECT id FROM down`, int64Array(p.Roots))
	if err != nil {
		return nil, fmt.Errorf("storage: push scope of %d: %w", p.Member.ID, err)
	}
	return append(args, int64Array(related), p.Anywhere), nil
}

// documentPushableSQL is the condition on "d" for a document the pusher
// may choose in /gui: published, and for anyone but the commune's admin
// readable by the pusher (documentReadableSQL) with an audience that covers
// some organisation of the pusher's scope, so that the push has somewhere
// to go (the check at the push itself is AudienceCovers).
func documentPushableSQL() string {
	return `(d.status = 'published' AND ($4::boolean OR (` + documentReadableSQL() + ` AND (
		NOT EXISTS (SELECT 1 FROM document_audiences a WHERE a.document_id = d.id)
		OR EXISTS (SELECT 1 FROM document_audiences a WHERE a.document_id = d.id AND a.org_id = ANY($3::bigint[]))))))`
}

// PushableDocuments returns the documents the pusher may push (see
// documentPushableSQL), newest first, a page at a time, and how many there
// are in all.
func (s *Storage) PushableDocuments(ctx context.Context, p Pusher, offset, limit int) ([]Document, int, error) {
	args, err := s.pushableArgs(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	var ds []Document
	if err := s.sel(ctx, &ds, `SELECT `+documentColumns+` FROM documents d WHERE `+documentPushableSQL()+`
		ORDER BY d.issued_on DESC, d.id DESC OFFSET $5 LIMIT $6`, append(args, offset, limit)...); err != nil {
		return nil, 0, fmt.Errorf("storage: pushable documents: %w", err)
	}
	var n int
	if err := s.get(ctx, &n, `SELECT count(*) FROM documents d WHERE `+documentPushableSQL(), args...); err != nil {
		return nil, 0, fmt.Errorf("storage: pushable documents: %w", err)
	}
	return ds, n, nil
}

// MayPush reports whether the pusher may choose this document (see
// documentPushableSQL).
func (s *Storage) MayPush(ctx context.Context, p Pusher, docID int64) (bool, error) {
	args, err := s.pushableArgs(ctx, p)
	if err != nil {
		return false, err
	}
	var ok bool
	if err := s.get(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM documents d WHERE d.id = $5 AND `+documentPushableSQL()+`)`,
		append(args, docID)...); err != nil {
		return false, fmt.Errorf("storage: may %d push %d: %w", p.Member.ID, docID, err)
	}
	return ok, nil
}

// DocumentsNumbered returns the documents whose number matches number,
// comparing letters and digits only ("21-KL/TW" = "21 kl/tw").
func (s *Storage) DocumentsNumbered(ctx context.Context, number string) ([]Document, error) {
	return selectAll[Document](ctx, s, fmt.Sprintf("documents numbered %q", number), `SELECT `+documentColumns+` FROM documents d WHERE d.number_key = $1
		ORDER BY d.issued_on DESC, d.id DESC`, NumberKey(number))
}

// ProgressDue is a campaign whose pusher is due a status edit.
type ProgressDue struct {
	ID    int64 `db:"id"`
	Final bool  `db:"final"`
}

// ClaimProgress picks the campaigns whose status message may be edited now
// (the last edit is at least gap old) and records the edit, so that several
// senders never edit one status message more often than gap. A campaign
// with nothing left in the outbox gets its final summary (Final) and is
// finished. Campaigns pushed from the command line are finished here too.
func (s *Storage) ClaimProgress(ctx context.Context, gap time.Duration) ([]ProgressDue, error) {
	if _, err := s.exec(ctx, `UPDATE campaigns c SET finished_at = clock_timestamp()
		WHERE c.finished_at IS NULL AND c.notify_chat_id IS NULL
		AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.campaign_id = c.id AND o.state = 'pending')`); err != nil {
		return nil, fmt.Errorf("storage: finish campaigns: %w", err)
	}
	var due []ProgressDue
	err := s.sel(ctx, &due, `
		WITH due AS (
			SELECT c.id FROM campaigns c
			WHERE c.finished_at IS NULL AND c.notify_chat_id IS NOT NULL
			  AND (c.progress_edited_at IS NULL OR c.progress_edited_at <= clock_timestamp() - make_interval(secs => $1))
			FOR UPDATE SKIP LOCKED
		)
		UPDATE campaigns c SET progress_edited_at = clock_timestamp(),
			finished_at = CASE WHEN NOT EXISTS (SELECT 1 FROM outbox o WHERE o.campaign_id = c.id AND o.state = 'pending')
			                   THEN clock_timestamp() END
		FROM due WHERE c.id = due.id
		RETURNING c.id, c.finished_at IS NOT NULL AS final`, gap.Seconds())
	if err != nil {
		return nil, fmt.Errorf("storage: claim progress: %w", err)
	}
	return due, nil
}

// RecordAssignmentState sets an assignment's state as of at, with the
// timestamps that state implies: a secretary recording members who studied
// at the cell meeting (studied_offline), or history loaded from elsewhere.
func (s *Storage) RecordAssignmentState(ctx context.Context, assignmentID int64, state, reason string, at time.Time) error {
	switch state {
	case AssignPending, AssignDelivered, AssignRead, AssignStudied, AssignStudiedOffline, AssignUnreachable, AssignFailed:
	default:
		return Errorf(CodeInvalid, "Trạng thái %q không có.", state)
	}
	_, err := s.exec(ctx, `UPDATE assignments SET state = $2, reason = $3, updated_at = $4,
		delivered_at = CASE WHEN $2 IN ('delivered', 'read', 'studied') THEN COALESCE(delivered_at, $4) ELSE delivered_at END,
		read_at = CASE WHEN $2 IN ('read', 'studied') THEN COALESCE(read_at, $4) ELSE read_at END,
		studied_at = CASE WHEN $2 IN ('studied', 'studied_offline') THEN COALESCE(studied_at, $4) ELSE studied_at END,
		studied_how = CASE $2 WHEN 'studied' THEN 'online' WHEN 'studied_offline' THEN 'offline' ELSE '' END
		WHERE id = $1`, assignmentID, state, reason, at)
	if err != nil {
		return fmt.Errorf("storage: assignment %d state: %w", assignmentID, err)
	}
	return nil
}

// AssignmentsOfCampaign lists a campaign's assignments.
func (s *Storage) AssignmentsOfCampaign(ctx context.Context, campaignID int64) ([]Assignment, error) {
	return selectAll[Assignment](ctx, s, fmt.Sprintf("assignments of %d", campaignID), `SELECT `+assignmentColumns+` FROM assignments a WHERE a.campaign_id = $1 ORDER BY a.id`, campaignID)
}
