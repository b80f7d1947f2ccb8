package storage

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Quizzes: 3–10 multiple-choice questions on a document. Replacing a quiz
// makes a new version and keeps the old one, so attempts already made stay
// readable with the questions they answered. A member answers one question
// at a time; every attempt is stored; passing marks the assignment studied
// (by quiz, with the score).

const (
	MinQuizQuestions = 3
	MaxQuizQuestions = 10
	// DefaultPassPercent is the pass mark of a quiz.
	DefaultPassPercent = 80
)

// QuizQuestion is one question: 2–4 options, the right one's index, and
// the explanation shown to a member who missed it.
type QuizQuestion struct {
	Question    string   `json:"q"`
	Options     []string `json:"o"`
	Answer      int      `json:"a"`
	Explanation string   `json:"e,omitempty"`
}

// QuizQuestions is a quiz's questions as stored (jsonb).
type QuizQuestions []QuizQuestion

// Scan reads jsonb.
func (q *QuizQuestions) Scan(src any) error { return scanJSON(src, q) }

// Value writes jsonb.
func (q QuizQuestions) Value() (driver.Value, error) {
	b, err := json.Marshal(q)
	return string(b), err
}

// Answers are the options a member chose, in question order.
type Answers []int

// Scan reads jsonb.
func (a *Answers) Scan(src any) error { return scanJSON(src, a) }

// Value writes jsonb.
func (a Answers) Value() (driver.Value, error) {
	if a == nil {
		return "[]", nil
	}
	b, err := json.Marshal(a)
	return string(b), err
}

func scanJSON(src, dst any) error {
	switch v := src.(type) {
	case []byte:
		return json.Unmarshal(v, dst)
	case string:
		return json.Unmarshal([]byte(v), dst)
	case nil:
		return nil
	}
	return fmt.Errorf("storage: cannot scan %T as JSON", src)
}

// Quiz is one version of a document's quiz.
type Quiz struct {
	ID         int64         `db:"id"`
	DocumentID int64         `db:"document_id"`
	Version    int           `db:"version"`
	Questions  QuizQuestions `db:"questions"`
	CreatedAt  time.Time     `db:"created_at"`
	ReplacedAt *time.Time    `db:"replaced_at"`
}

// ValidateQuiz checks a quiz before it is stored: its number of questions,
// and each question (QuizQuestion.Validate), named by its number.
func ValidateQuiz(qs []QuizQuestion) error {
	if len(qs) < MinQuizQuestions || len(qs) > MaxQuizQuestions {
		return Errorf(CodeInvalid, "Bài kiểm tra cần từ %d đến %d câu hỏi; tệp có %d câu.", MinQuizQuestions, MaxQuizQuestions, len(qs))
	}
	for i, q := range qs {
		if err := q.Validate(); err != nil {
			return FieldErrorf(ErrorField(err), "Câu %d: %s.", i+1, ErrorMessage(err))
		}
	}
	return nil
}

// The fields of a quiz's question.
const (
	FieldQuestion Field = "question"
	FieldOptions  Field = "options"
	FieldAnswer   Field = "answer"
)

// Validate checks one question by its fields' rules. The messages are
// fragments of a list: the caller says where the question is ("Câu 2",
// "dòng 3").
func (q QuizQuestion) Validate() error {
	if err := CheckQuizQuestion(q.Question); err != nil {
		return err
	}
	if _, errs := QuizOptions(q.Options); len(errs) > 0 {
		return errs[0]
	}
	return CheckQuizAnswer(q.Answer, len(q.Options))
}

// CheckQuizQuestion refuses a question with no text.
func CheckQuizQuestion(s string) error {
	if strings.TrimSpace(s) == "" {
		return FieldErrorf(FieldQuestion, "chưa có câu hỏi")
	}
	return nil
}

// QuizOptions reads a question's options as written A to D ("" blank): A
// and B are needed, at most D, and none may follow a blank one. It returns
// the options and everything wrong with them.
func QuizOptions(cols []string) (opts []string, errs []error) {
	if len(cols) > 4 {
		return nil, []error{FieldErrorf(FieldOptions, "cần từ 2 đến 4 phương án (A–D)")}
	}
	gap := false
	for i, o := range cols {
		o = strings.TrimSpace(o)
		switch {
		case o == "" && i < 2:
			errs = append(errs, FieldErrorf(FieldOptions, "thiếu phương án %c", 'A'+i))
		case o == "":
			gap = true
		case gap:
			errs = append(errs, FieldErrorf(FieldOptions, "phương án %c có nội dung nhưng phương án trước nó còn trống", 'A'+i))
		default:
			opts = append(opts, o)
		}
	}
	if len(cols) < 2 {
		errs = append(errs, FieldErrorf(FieldOptions, "cần từ 2 đến 4 phương án (A–D)"))
	}
	return opts, errs
}

// CheckQuizAnswer checks the right option's index against the n options.
func CheckQuizAnswer(answer, n int) error {
	switch {
	case answer < 0:
		return FieldErrorf(FieldAnswer, "đáp án phải là một trong các phương án đã ghi")
	case answer >= n:
		return FieldErrorf(FieldAnswer, "đáp án %c trỏ vào phương án còn trống", 'A'+answer)
	}
	return nil
}

// SetQuiz attaches a quiz to a document, as a new version replacing the
// current one (whose attempts keep it).
func (s *Storage) SetQuiz(ctx context.Context, docID int64, qs []QuizQuestion, actor string) (Quiz, error) {
	var q Quiz
	if err := ValidateQuiz(qs); err != nil {
		return q, err
	}
	err := s.WithTx(ctx, func(s *Storage) error {
		var status string
		if err := s.get(ctx, &status, `SELECT status FROM documents WHERE id = $1 FOR UPDATE`, docID); err != nil {
			return fmt.Errorf("storage: quiz document %d: %w", docID, err)
		}
		if status == DocWithdrawn {
			return Errorf(CodeInvalid, "Văn bản đã thu hồi: không gắn bài kiểm tra được.")
		}
		now := s.now()
		if _, err := s.exec(ctx, `UPDATE quizzes SET replaced_at = $2 WHERE document_id = $1 AND replaced_at IS NULL`, docID, now); err != nil {
			return fmt.Errorf("storage: replace quiz of %d: %w", docID, err)
		}
		if err := s.get(ctx, &q, `INSERT INTO quizzes (document_id, version, questions, created_at, created_by)
			SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4 FROM quizzes WHERE document_id = $1
			RETURNING id, document_id, version, questions, created_at, replaced_at`, docID, QuizQuestions(qs), now, actor); err != nil {
			return fmt.Errorf("storage: set quiz of %d: %w", docID, err)
		}
		return s.Audit(ctx, actor, "quiz.set", fmt.Sprint(docID), map[string]any{"version": q.Version, "questions": len(qs)})
	})
	return q, err
}

const quizColumns = `id, document_id, version, questions, created_at, replaced_at`

// CurrentQuiz is a document's quiz now; ErrNotFound when it has none.
func (s *Storage) CurrentQuiz(ctx context.Context, docID int64) (Quiz, error) {
	var q Quiz
	if err := s.get(ctx, &q, `SELECT `+quizColumns+` FROM quizzes WHERE document_id = $1 AND replaced_at IS NULL`, docID); err != nil {
		return q, fmt.Errorf("storage: quiz of %d: %w", docID, err)
	}
	return q, nil
}

// QuizByID returns one version of a quiz.
func (s *Storage) QuizByID(ctx context.Context, id int64) (Quiz, error) {
	var q Quiz
	if err := s.get(ctx, &q, `SELECT `+quizColumns+` FROM quizzes WHERE id = $1`, id); err != nil {
		return q, fmt.Errorf("storage: quiz %d: %w", id, err)
	}
	return q, nil
}

// QuizAttempt is one go at a quiz.
type QuizAttempt struct {
	ID           int64      `db:"id"`
	AssignmentID int64      `db:"assignment_id"`
	QuizID       int64      `db:"quiz_id"`
	MemberID     int64      `db:"member_id"`
	Answers      Answers    `db:"answers"`
	StartedAt    time.Time  `db:"started_at"`
	FinishedAt   *time.Time `db:"finished_at"`
	Correct      *int       `db:"correct"`
	Total        int        `db:"total"`
	Passed       *bool      `db:"passed"`
}

const attemptColumns = `id, assignment_id, quiz_id, member_id, answers, started_at, finished_at, correct, total, passed`

// QuizAttempts lists an assignment's attempts, oldest first.
func (s *Storage) QuizAttempts(ctx context.Context, assignmentID int64) ([]QuizAttempt, error) {
	return selectAll[QuizAttempt](ctx, s, fmt.Sprintf("attempts of %d", assignmentID), `SELECT `+attemptColumns+` FROM quiz_attempts WHERE assignment_id = $1 ORDER BY started_at, id`, assignmentID)
}

// QuizAttempt returns one attempt.
func (s *Storage) QuizAttempt(ctx context.Context, id int64) (QuizAttempt, error) {
	var a QuizAttempt
	if err := s.get(ctx, &a, `SELECT `+attemptColumns+` FROM quiz_attempts WHERE id = $1`, id); err != nil {
		return a, fmt.Errorf("storage: attempt %d: %w", id, err)
	}
	return a, nil
}

// studyOpen refuses an assignment that no longer takes study.
func studyOpen(t StudyTarget) error {
	switch {
	case t.DocStatus != DocPublished:
		return Errorf(CodeConflict, msgStudyWithdrawn)
	case t.ClosedAt != nil:
		return Errorf(CodeConflict, msgStudyClosed)
	}
	return nil
}

// StartQuiz begins (or resumes, when one is under way on the current
// version) an attempt of the member's own assignment.
func (s *Storage) StartQuiz(ctx context.Context, assignmentID, memberID int64) (QuizAttempt, Quiz, StudyTarget, error) {
	var a QuizAttempt
	t, err := s.lockTarget(ctx, assignmentID)
	if err != nil {
		return a, Quiz{}, t, err
	}
	if t.MemberID != memberID {
		return a, Quiz{}, t, ErrForbidden
	}
	if t.Studied() {
		return a, Quiz{}, t, Errorf(CodeConflict, "Đồng chí đã học văn bản này rồi, không cần làm bài kiểm tra nữa.")
	}
	if err := studyOpen(t); err != nil {
		return a, Quiz{}, t, err
	}
	q, err := s.CurrentQuiz(ctx, t.DocumentID)
	if errors.Is(err, ErrNotFound) {
		return a, q, t, Errorf(CodeNotFound, "Văn bản này chưa có bài kiểm tra.")
	}
	if err != nil {
		return a, q, t, err
	}
	err = s.get(ctx, &a, `SELECT `+attemptColumns+` FROM quiz_attempts WHERE assignment_id = $1 AND quiz_id = $2 AND finished_at IS NULL
		ORDER BY id DESC LIMIT 1`, t.ID, q.ID)
	if err == nil {
		return a, q, t, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return a, q, t, fmt.Errorf("storage: attempt of %d: %w", t.ID, err)
	}
	if err := s.get(ctx, &a, `INSERT INTO quiz_attempts (assignment_id, quiz_id, member_id, total, started_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+attemptColumns, t.ID, q.ID, memberID, len(q.Questions), s.now()); err != nil {
		return a, q, t, fmt.Errorf("storage: start quiz %d: %w", t.ID, err)
	}
	return a, q, t, nil
}

// AnswerQuiz records the option chosen for question (0-based) of the
// member's attempt. An answer to a question already answered (a double
// tap, an older message) changes nothing: a conflict. After the last
// question the attempt is scored; passing marks the assignment studied by
// quiz with its score.
func (s *Storage) AnswerQuiz(ctx context.Context, attemptID, memberID int64, question, choice int) (QuizAttempt, Quiz, StudyTarget, error) {
	return s.AnswerQuizAt(ctx, attemptID, memberID, question, choice, time.Time{})
}

// AnswerQuizAt is AnswerQuiz for an answer the member gave at acted (a web
// action sent after the network returned; zero: now): a pass studies the
// document at acted when that is plausible (MarkStudiedAt).
func (s *Storage) AnswerQuizAt(ctx context.Context, attemptID, memberID int64, question, choice int, acted time.Time) (QuizAttempt, Quiz, StudyTarget, error) {
	var a QuizAttempt
	if err := s.get(ctx, &a, `SELECT `+attemptColumns+` FROM quiz_attempts WHERE id = $1 FOR UPDATE`, attemptID); err != nil {
		return a, Quiz{}, StudyTarget{}, fmt.Errorf("storage: attempt %d: %w", attemptID, err)
	}
	if a.MemberID != memberID {
		return a, Quiz{}, StudyTarget{}, ErrForbidden
	}
	q, err := s.QuizByID(ctx, a.QuizID)
	if err != nil {
		return a, q, StudyTarget{}, err
	}
	t, err := s.lockTarget(ctx, a.AssignmentID)
	if err != nil {
		return a, q, t, err
	}
	if a.FinishedAt != nil || question != len(a.Answers) {
		return a, q, t, Errorf(CodeConflict, "Câu này đã được trả lời. Đồng chí dùng tin nhắn bài kiểm tra mới nhất.")
	}
	if question >= len(q.Questions) || choice < 0 || choice >= len(q.Questions[question].Options) {
		return a, q, t, ErrNotFound
	}
	if err := studyOpen(t); err != nil {
		return a, q, t, err
	}
	a.Answers = append(a.Answers, choice)
	if len(a.Answers) < len(q.Questions) {
		if _, err := s.exec(ctx, `UPDATE quiz_attempts SET answers = $2 WHERE id = $1`, a.ID, a.Answers); err != nil {
			return a, q, t, fmt.Errorf("storage: answer %d: %w", a.ID, err)
		}
		return a, q, t, nil
	}
	correct := 0
	for i, c := range a.Answers {
		if c == q.Questions[i].Answer {
			correct++
		}
	}
	passed := correct*100 >= t.PassPercent*len(q.Questions)
	now := s.now()
	a.Correct, a.Passed, a.FinishedAt = &correct, &passed, &now
	if _, err := s.exec(ctx, `UPDATE quiz_attempts SET answers = $2, correct = $3, passed = $4, finished_at = $5 WHERE id = $1`,
		a.ID, a.Answers, correct, passed, now); err != nil {
		return a, q, t, fmt.Errorf("storage: finish attempt %d: %w", a.ID, err)
	}
	if passed && !t.Studied() {
		score := correct * 100 / len(q.Questions)
		if t, _, err = s.markStudied(ctx, t.ID, memberID, StudiedByQuiz, acted); err != nil {
			return a, q, t, err
		}
		if _, err := s.exec(ctx, `UPDATE assignments SET quiz_score = $2 WHERE id = $1`, t.ID, score); err != nil {
			return a, q, t, fmt.Errorf("storage: quiz score %d: %w", t.ID, err)
		}
		t.QuizScore = &score
	}
	return a, q, t, nil
}
