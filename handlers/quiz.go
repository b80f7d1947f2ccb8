package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/handlers/roster"
	"sotay/storage"
	"sotay/storage/vn"
)

// Quizzes: "📝 Làm bài kiểm tra" (qz:s:<assignment>) starts or resumes an
// attempt in the message it was pressed on; each answer (qz:a:<attempt>:
// <question>:<option>) edits that one message to the next question, so a
// slow phone gets no new messages. Passing marks the assignment studied;
// failing shows the missed questions with their explanations and
// "🔁 Làm lại". An admin attaches a quiz by sending its file with the
// caption /cauhoi NUMBER.

const (
	labelQuiz     = "📝 Làm bài kiểm tra"
	msgQuizHowTo  = "Để gắn bài kiểm tra, đồng chí gửi tệp Excel (.xlsx) hoặc CSV kèm chú thích <code>/cauhoi SỐ_HIỆU</code>, ví dụ <code>/cauhoi 21-KL/TW</code>.\nCột: Câu hỏi, Phương án A, Phương án B, Phương án C, Phương án D, Đáp án (A–D), Giải thích. Từ 3 đến 10 câu."
	optionLetters = "ABCD"
)

// quiz takes the qz buttons.
func (h *Handlers) quiz(ctx context.Context, r *chat.Request) error {
	switch r.CB.Arg(0) {
	case "s":
		id, err := r.CB.ID(1)
		if err != nil {
			return err
		}
		a, q, t, err := r.Store.StartQuiz(ctx, id, r.Member.ID)
		if storage.IsExpected(err) && storage.ErrorCode(err) == storage.CodeConflict {
			r.Toast = storage.ErrorMessage(err)
			return nil
		}
		if err != nil {
			return err
		}
		h.showQuestion(r, a, q, t)
		return nil
	case "a":
		id, err := r.CB.ID(1)
		if err != nil {
			return err
		}
		qn, err := r.CB.Int(2, 0, storage.MaxQuizQuestions-1)
		if err != nil {
			return err
		}
		choice, err := r.CB.Int(3, 0, len(optionLetters)-1)
		if err != nil {
			return err
		}
		acted, _, err := r.ActedAt(ctx)
		if err != nil {
			return err
		}
		a, q, t, err := r.Store.AnswerQuizAt(ctx, id, r.Member.ID, qn, choice, acted)
		if storage.IsExpected(err) && storage.ErrorCode(err) == storage.CodeConflict {
			r.Toast = storage.ErrorMessage(err)
			return nil
		}
		if err != nil {
			return err
		}
		if a.FinishedAt == nil {
			h.showQuestion(r, a, q, t)
			return nil
		}
		h.showResult(r, a, q, t)
		return nil
	}
	return storage.ErrNotFound
}

// showQuestion draws the attempt's next question in place.
func (h *Handlers) showQuestion(r *chat.Request, a storage.QuizAttempt, q storage.Quiz, t storage.StudyTarget) {
	n := len(a.Answers)
	qq := q.Questions[n]
	var b strings.Builder
	fmt.Fprintf(&b, "📝 <b>Bài kiểm tra %s</b> · câu %d/%d\n\n<b>%s</b>\n", esc(t.DocNumber), n+1, len(q.Questions), esc(qq.Question))
	var row chat.Row
	for i, o := range qq.Options {
		fmt.Fprintf(&b, "\n%c. %s", optionLetters[i], esc(o))
		row = append(row, chat.NewButton(string(optionLetters[i]), cbQuiz, "a", a.ID, n, i))
	}
	kb := chat.NewMarkup(row)
	r.Show(b.String(), &kb)
}

// showResult says how the attempt went: studied, or the missed questions
// with the right answers and explanations, and another try.
func (h *Handlers) showResult(r *chat.Request, a storage.QuizAttempt, q storage.Quiz, t storage.StudyTarget) {
	correct, total := *a.Correct, len(q.Questions)
	pct := correct * 100 / total
	var b strings.Builder
	if *a.Passed {
		fmt.Fprintf(&b, "✅ <b>Đạt</b>: đồng chí trả lời đúng %d/%d câu (%d%%).\n", correct, total, pct)
		if t.StudiedAt != nil {
			fmt.Fprintf(&b, "Đã ghi nhận đồng chí học <b>%s</b> ngày %s. Cảm ơn đồng chí!", esc(t.DocNumber), dateVN(t.StudiedAt.In(h.deps.Location)))
		}
		r.Toast = msgStudyThanks
		r.Show(b.String(), nil)
		return
	}
	fmt.Fprintf(&b, "❌ <b>Chưa đạt</b>: đúng %d/%d câu (%d%%), cần từ %d%%.\n\n<b>Các câu chưa đúng:</b>", correct, total, pct, t.PassPercent)
	for i, qq := range q.Questions {
		if a.Answers[i] == qq.Answer {
			continue
		}
		fmt.Fprintf(&b, "\n\n<b>Câu %d.</b> %s\nĐáp án đúng: %c. %s", i+1, esc(vn.Cut(qq.Question, 300)), optionLetters[qq.Answer], esc(vn.Cut(qq.Options[qq.Answer], 300)))
		if qq.Explanation != "" {
			fmt.Fprintf(&b, "\n💡 %s", esc(vn.Cut(qq.Explanation, 500)))
		}
	}
	text := b.String()
	if len([]rune(text)) > MaxMessageLen-200 {
		text = string([]rune(text)[:MaxMessageLen-300]) + "…"
	}
	kb := chat.NewMarkup(chat.NewRow(
		chat.NewButton("🔁 Làm lại", cbQuiz, "s", t.ID), chat.NewButton(labelReadText, cbText, t.DocumentID, 1)))
	r.Show(text+"\n\nĐồng chí đọc lại văn bản rồi bấm «🔁 Làm lại».", &kb)
}

// quizImport is a quiz file sent with the caption /cauhoi NUMBER.
func (h *Handlers) quizImport(ctx context.Context, r *chat.Request) error {
	var doc *tgbotapi.Document
	if r.Update.Message != nil {
		doc = r.Update.Message.Document
	}
	number := strings.TrimSpace(r.Args)
	if doc == nil || number == "" {
		r.Reply(msgQuizHowTo, nil)
		return nil
	}
	ds, err := r.Store.DocumentsNumbered(ctx, number)
	if err != nil {
		return err
	}
	if len(ds) == 0 {
		return storage.Errorf(storage.CodeInvalid, "Không có văn bản số %s. Đồng chí kiểm tra lại số hiệu (ví dụ /cauhoi 21-KL/TW).", number)
	}
	if len(ds) > 1 {
		return storage.Errorf(storage.CodeInvalid, "Có %d văn bản cùng số %s: đồng chí gắn bài kiểm tra bằng dòng lệnh (sotay doc quiz %s TỆP --issuer CƠ_QUAN).", len(ds), number, number)
	}
	_, data, err := h.keepReceived(ctx, r, received{Ref: doc.FileID, Kind: storage.AsDocument, Name: doc.FileName, Mime: doc.MimeType})
	if errors.Is(err, errNotFetched) {
		return storage.Errorf(storage.CodeInvalid, "Không tải được tệp từ Telegram (tệp tối đa 20 MB). Đồng chí hãy gửi lại.")
	}
	if err != nil {
		return err
	}
	qs, err := roster.ParseQuiz(bytes.NewReader(data), doc.FileName)
	if err != nil {
		return err
	}
	q, err := r.Store.SetQuiz(ctx, ds[0].ID, qs, r.Actor())
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("✅ Đã gắn bài kiểm tra %d câu cho <b>%s</b>.", len(qs), esc(docHeading(ds[0])))
	if q.Version > 1 {
		msg += fmt.Sprintf(" Đây là phiên bản %d; các lượt làm bài trước vẫn được giữ.", q.Version)
	}
	r.Reply(msg+"\nKhi gửi văn bản (/gui) đồng chí có thể bắt buộc làm bài kiểm tra.", nil)
	return nil
}

// pushQuiz is the quiz of the /gui draft's document, if it has one (nil).
func pushQuiz(ctx context.Context, c *pushConv) (*storage.Quiz, error) {
	q, err := c.Store.CurrentQuiz(ctx, c.Draft.DocID)
	if storage.ErrorCode(err) == storage.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &q, nil
}

// pushQuizChoice is the /gui confirm step's quiz line and toggle, for a
// document that has a quiz (q, pushQuiz).
func pushQuizChoice(c *pushConv, q *storage.Quiz) (string, chat.Row) {
	if q == nil {
		return "", nil
	}
	if c.Draft.Quiz {
		return fmt.Sprintf("\nBài kiểm tra: <b>bắt buộc</b> (%d câu, đạt từ %d%%)", len(q.Questions), storage.DefaultPassPercent),
			chat.NewRow(c.Button("☑ Bắt buộc làm bài kiểm tra", "q"))
	}
	return fmt.Sprintf("\nBài kiểm tra: không bắt buộc (%d câu, đảng viên có thể làm)", len(q.Questions)),
		chat.NewRow(c.Button("☐ Bắt buộc làm bài kiểm tra", "q"))
}

func (h *Handlers) pushToggleQuiz(ctx context.Context, c *pushConv, _ chat.Args) error {
	if _, err := c.Store.CurrentQuiz(ctx, c.Draft.DocID); err != nil {
		return err
	}
	c.Draft.Quiz = !c.Draft.Quiz
	return nil
}
