package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Announced meetings (/lichhop): the secretary announces date, time, place
// and topic; every member of the cell then gets a row for their answer
// (present, or absent with a reason), which they may change until the
// meeting starts. The meeting report of that day starts from the answers.

// Meeting answers as stored.
const (
	AnswerNone    = ""
	AnswerPresent = "present"
	AnswerAbsent  = "absent"
)

// Meeting is an announced meeting.
type Meeting struct {
	ID          int64     `db:"id"`
	OrgID       int64     `db:"org_id"`
	OrgName     string    `db:"org_name"`
	StartsAt    time.Time `db:"starts_at"`
	Place       string    `db:"place"`
	Topic       string    `db:"topic"`
	AnnouncedBy *int64    `db:"announced_by"`
}

// MeetingNotice is what a secretary announces.
type MeetingNotice struct {
	OrgID    int64
	StartsAt time.Time
	Place    string
	Topic    string
	By       int64
}

// Validate checks a notice by its fields' rules (fields.go): a place and a
// topic, each a text by CheckText. Its day is checked against today where
// today is known (CheckNoticeDay).
func (in MeetingNotice) Validate() error {
	if in.StartsAt.IsZero() {
		return FieldErrorf(FieldDate, "Thiếu ngày giờ họp, ví dụ 28/11/2026 lúc 19:30.")
	}
	if err := RequireText(FieldPlace, "Địa điểm", in.Place); err != nil {
		return err
	}
	return RequireText(FieldTopic, "Nội dung", in.Topic)
}

// MeetingTally counts the answers to a meeting.
type MeetingTally struct {
	MeetingID int64 `db:"meeting_id"`
	Invited   int   `db:"invited"`
	Present   int   `db:"present"`
	Absent    int   `db:"absent"`
	// Unreached are the members without an answer whom the notice did not
	// reach (reachedSQL).
	Unreached int `db:"unreached"`
}

// Unanswered is how many members have not answered.
func (t MeetingTally) Unanswered() int { return t.Invited - t.Present - t.Absent }

// Waiting is how many members got the notice and have not answered yet.
func (t MeetingTally) Waiting() int { return t.Unanswered() - t.Unreached }

// Answered is how many members have answered, present or absent.
func (t MeetingTally) Answered() int { return t.Present + t.Absent }

// MeetingAnswer is one member's answer.
type MeetingAnswer struct {
	MemberID       int64      `db:"member_id"`
	Code           string     `db:"code"`
	FullName       string     `db:"full_name"`
	TelegramUserID *int64     `db:"telegram_user_id"`
	Answer         string     `db:"answer"`
	Reason         string     `db:"reason"`
	AnsweredAt     *time.Time `db:"answered_at"`
	// Reached says the notice reached the member (reachedSQL).
	Reached bool `db:"reached"`
}

// reachedSQL says whether a meeting's notice reached a member (m, of the
// meeting mt): only linked members get it, when they were linked as it
// went out (a link made later, or moved to another account, got none),
// and while their chat takes the bot's messages (not blocked).
const reachedSQL = `(m.telegram_user_id IS NOT NULL AND m.unreachable_at IS NULL AND (m.linked_at IS NULL OR m.linked_at <= mt.created_at))`

const meetingColumns = `mt.id, mt.org_id, o.name AS org_name, mt.starts_at, mt.place, mt.topic, mt.announced_by`

// AnnounceMeeting records a meeting and a row for the answer of every
// active member of the organisation; it returns the members invited.
func (s *Storage) AnnounceMeeting(ctx context.Context, in MeetingNotice) (Meeting, []Member, error) {
	var m Meeting
	var ms []Member
	if err := in.Validate(); err != nil {
		return m, nil, err
	}
	err := s.WithTx(ctx, func(s *Storage) error {
		var id int64
		if err := s.get(ctx, &id, `INSERT INTO meetings (org_id, starts_at, place, topic, announced_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, in.OrgID, in.StartsAt, in.Place, in.Topic, nullID(in.By), s.now()); err != nil {
			return fmt.Errorf("storage: announce meeting: %w", err)
		}
		if _, err := s.exec(ctx, `INSERT INTO meeting_answers (meeting_id, member_id)
			SELECT $1, id FROM members WHERE org_id = $2 AND active`, id, in.OrgID); err != nil {
			return fmt.Errorf("storage: announce meeting: %w", err)
		}
		if err := s.sel(ctx, &ms, `SELECT `+memberColumns+memberFrom+`JOIN meeting_answers a ON a.member_id = m.id
			WHERE a.meeting_id = $1 ORDER BY `+byName, id); err != nil {
			return fmt.Errorf("storage: announce meeting: %w", err)
		}
		var err error
		m, err = s.Meeting(ctx, id)
		return err
	})
	return m, ms, err
}

// Meeting returns an announced meeting.
func (s *Storage) Meeting(ctx context.Context, id int64) (Meeting, error) {
	var m Meeting
	if err := s.get(ctx, &m, `SELECT `+meetingColumns+` FROM meetings mt JOIN organisations o ON o.id = mt.org_id WHERE mt.id = $1`, id); err != nil {
		return m, fmt.Errorf("storage: meeting %d: %w", id, err)
	}
	return m, nil
}

// UpcomingMeetings lists the meetings of an organisation not started yet
// (or started in the last day), soonest first.
func (s *Storage) UpcomingMeetings(ctx context.Context, orgIDs []int64) ([]Meeting, error) {
	return selectAll[Meeting](ctx, s, "upcoming meetings", `SELECT `+meetingColumns+` FROM meetings mt JOIN organisations o ON o.id = mt.org_id
		WHERE mt.org_id = ANY($1) AND mt.starts_at > $2 ORDER BY mt.starts_at LIMIT 10`, int64Array(orgIDs), s.now().Add(-24*time.Hour))
}

// SetReminder remembers the queued reminder of one member, so that it is
// taken back if they answer that they will be absent.
func (s *Storage) SetReminder(ctx context.Context, meetingID, memberID, outboxID int64) error {
	if _, err := s.exec(ctx, `UPDATE meeting_answers SET reminder_id = $3 WHERE meeting_id = $1 AND member_id = $2`, meetingID, memberID, outboxID); err != nil {
		return fmt.Errorf("storage: meeting %d reminder: %w", meetingID, err)
	}
	return nil
}

// AnswerMeeting records a member's answer. Answers change until the
// meeting starts; an absent member's pending reminder is taken back.
// hadReminder reports whether the member still has one queued.
func (s *Storage) AnswerMeeting(ctx context.Context, meetingID, memberID int64, answer, reason string) (hadReminder bool, err error) {
	hadReminder, _, err = s.AnswerMeetingAt(ctx, meetingID, memberID, answer, reason, time.Time{})
	return hadReminder, err
}

// AnswerMeetingAt is AnswerMeeting for an answer the member gave at acted
// (a web action sent after the network returned; zero: now). It is
// recorded at acted when that is plausible (ActionTime, not before the
// notice), and now otherwise; an answer given before the meeting began
// stands even when it arrives later. at is the time recorded.
func (s *Storage) AnswerMeetingAt(ctx context.Context, meetingID, memberID int64, answer, reason string, acted time.Time) (hadReminder bool, at time.Time, err error) {
	err = s.WithTx(ctx, func(s *Storage) error {
		var row struct {
			StartsAt   time.Time `db:"starts_at"`
			CreatedAt  time.Time `db:"created_at"`
			ReminderID *int64    `db:"reminder_id"`
		}
		err := s.get(ctx, &row, `SELECT mt.starts_at, mt.created_at, a.reminder_id FROM meeting_answers a JOIN meetings mt ON mt.id = a.meeting_id
			WHERE a.meeting_id = $1 AND a.member_id = $2 FOR UPDATE OF a`, meetingID, memberID)
		if err != nil {
			return fmt.Errorf("storage: answer meeting %d: %w", meetingID, err)
		}
		at = ActionTime(acted, s.now(), row.CreatedAt)
		if !at.Before(row.StartsAt) {
			return Errorf(CodeInvalid, "Cuộc họp đã bắt đầu nên không đổi được câu trả lời nữa.")
		}
		if _, err := s.exec(ctx, `UPDATE meeting_answers SET answer = $3, reason = $4, answered_at = $5 WHERE meeting_id = $1 AND member_id = $2`,
			meetingID, memberID, answer, reason, at); err != nil {
			return fmt.Errorf("storage: answer meeting %d: %w", meetingID, err)
		}
		if row.ReminderID != nil && answer == AnswerAbsent {
			// Its copy for the member's web chat goes with it.
			if _, err := s.exec(ctx, `DELETE FROM outbox WHERE (id = $1 OR copy_of = $1) AND state = 'pending' AND claimed_by IS NULL`, *row.ReminderID); err != nil {
				return fmt.Errorf("storage: answer meeting %d: %w", meetingID, err)
			}
			return nil
		}
		if row.ReminderID != nil {
			var pending bool
			if err := s.get(ctx, &pending, `SELECT EXISTS (SELECT 1 FROM outbox WHERE id = $1 AND state = 'pending')`, *row.ReminderID); err != nil {
				return fmt.Errorf("storage: answer meeting %d: %w", meetingID, err)
			}
			hadReminder = pending
		}
		return nil
	})
	return hadReminder, at, err
}

// MeetingAnswers lists the answers to a meeting by name.
func (s *Storage) MeetingAnswers(ctx context.Context, meetingID int64) ([]MeetingAnswer, error) {
	return selectAll[MeetingAnswer](ctx, s, fmt.Sprintf("answers to meeting %d", meetingID), `SELECT a.member_id, m.code, m.full_name, m.telegram_user_id, a.answer, a.reason, a.answered_at,
		`+reachedSQL+` AS reached
		FROM meeting_answers a JOIN members m ON m.id = a.member_id JOIN meetings mt ON mt.id = a.meeting_id WHERE a.meeting_id = $1 ORDER BY `+byName, meetingID)
}

const tallySelect = `SELECT a.meeting_id, count(*) AS invited, count(*) FILTER (WHERE a.answer = 'present') AS present,
	count(*) FILTER (WHERE a.answer = 'absent') AS absent, count(*) FILTER (WHERE a.answer = '' AND NOT ` + reachedSQL + `) AS unreached
	FROM meeting_answers a JOIN members m ON m.id = a.member_id JOIN meetings mt ON mt.id = a.meeting_id `

// Tally counts the answers to a meeting.
func (s *Storage) Tally(ctx context.Context, meetingID int64) (MeetingTally, error) {
	t := MeetingTally{MeetingID: meetingID}
	err := s.get(ctx, &t, tallySelect+`WHERE a.meeting_id = $1 GROUP BY a.meeting_id`, meetingID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return t, fmt.Errorf("storage: tally of meeting %d: %w", meetingID, err)
	}
	return t, nil
}

// MeetingOn is the organisation's latest meeting announced to start within
// [from, to) (the local day a report is for): the one its report starts
// from. None is ErrNotFound.
func (s *Storage) MeetingOn(ctx context.Context, orgID int64, from, to time.Time) (Meeting, error) {
	var m Meeting
	err := s.get(ctx, &m, `SELECT `+meetingColumns+` FROM meetings mt JOIN organisations o ON o.id = mt.org_id
		WHERE mt.org_id = $1 AND mt.starts_at >= $2 AND mt.starts_at < $3 ORDER BY mt.created_at DESC, mt.id DESC LIMIT 1`, orgID, from, to)
	if err != nil {
		return m, fmt.Errorf("storage: meeting of %d: %w", orgID, err)
	}
	return m, nil
}

// AbsenceReason attaches a reason to a member's "absent", and only to the
// answer that asked for it: the one given at askedAt (zero: whichever
// absent answer stands, for questions asked before this was recorded). An
// answer changed since, or a meeting already begun, takes no reason.
func (s *Storage) AbsenceReason(ctx context.Context, meetingID, memberID int64, askedAt time.Time, reason string) error {
	return s.AbsenceReasonAt(ctx, meetingID, memberID, askedAt, reason, time.Time{})
}

// AbsenceReasonAt is AbsenceReason for a reason the member typed at acted
// (a web action sent after the network returned; zero: now): typed before
// the meeting began (ActionTime, not before the answer it explains), it
// stands even when it arrives later.
func (s *Storage) AbsenceReasonAt(ctx context.Context, meetingID, memberID int64, askedAt time.Time, reason string, acted time.Time) error {
	if err := CheckText(FieldReason, "Lý do vắng", reason); err != nil {
		return err
	}
	return s.WithTx(ctx, func(s *Storage) error {
		var row struct {
			StartsAt   time.Time  `db:"starts_at"`
			Answer     string     `db:"answer"`
			AnsweredAt *time.Time `db:"answered_at"`
		}
		err := s.get(ctx, &row, `SELECT mt.starts_at, a.answer, a.answered_at FROM meeting_answers a JOIN meetings mt ON mt.id = a.meeting_id
			WHERE a.meeting_id = $1 AND a.member_id = $2 FOR UPDATE OF a`, meetingID, memberID)
		if err != nil {
			return fmt.Errorf("storage: absence reason %d: %w", meetingID, err)
		}
		at := s.now()
		if row.AnsweredAt != nil {
			at = ActionTime(acted, at, *row.AnsweredAt)
		}
		if !at.Before(row.StartsAt) {
			return Errorf(CodeInvalid, "Cuộc họp đã bắt đầu nên không đổi được câu trả lời nữa.")
		}
		if row.Answer != AnswerAbsent || row.AnsweredAt == nil || (!askedAt.IsZero() && !row.AnsweredAt.Equal(askedAt)) {
			return Errorf(CodeConflict, "Đồng chí đã đổi câu trả lời sau câu hỏi này, nên lý do không được ghi.")
		}
		if _, err := s.exec(ctx, `UPDATE meeting_answers SET reason = $3 WHERE meeting_id = $1 AND member_id = $2`, meetingID, memberID, reason); err != nil {
			return fmt.Errorf("storage: absence reason %d: %w", meetingID, err)
		}
		return nil
	})
}

// MeetingAnswer is one member's answer to a meeting's notice.
func (s *Storage) MeetingAnswer(ctx context.Context, meetingID, memberID int64) (MeetingAnswer, error) {
	var a MeetingAnswer
	err := s.get(ctx, &a, `SELECT a.member_id, m.code, m.full_name, m.telegram_user_id, a.answer, a.reason, a.answered_at
		FROM meeting_answers a JOIN members m ON m.id = a.member_id WHERE a.meeting_id = $1 AND a.member_id = $2`, meetingID, memberID)
	if err != nil {
		return a, fmt.Errorf("storage: answer of %d to meeting %d: %w", memberID, meetingID, err)
	}
	return a, nil
}

// NoticesAnsweredPresent counts the announced meetings, already begun,
// whose notice a member answered "Có mặt": what they said they would do,
// not attendance (the meeting report records who came).
func (s *Storage) NoticesAnsweredPresent(ctx context.Context, memberID int64) (int, error) {
	var n int
	err := s.get(ctx, &n, `SELECT count(*) FROM meeting_answers a JOIN meetings mt ON mt.id = a.meeting_id
		WHERE a.member_id = $1 AND a.answer = 'present' AND mt.starts_at <= $2`, memberID, s.now())
	if err != nil {
		return 0, fmt.Errorf("storage: notices answered present by %d: %w", memberID, err)
	}
	return n, nil
}

// MeetingsBetween lists an organisation's announced meetings starting in
// [from, to), newest first.
func (s *Storage) MeetingsBetween(ctx context.Context, orgID int64, from, to time.Time) ([]Meeting, error) {
	return selectAll[Meeting](ctx, s, fmt.Sprintf("meetings of %d", orgID), `SELECT `+meetingColumns+` FROM meetings mt JOIN organisations o ON o.id = mt.org_id
		WHERE mt.org_id = $1 AND mt.starts_at >= $2 AND mt.starts_at < $3 ORDER BY mt.starts_at DESC LIMIT 5`, orgID, from, to)
}
