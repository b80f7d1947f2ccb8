package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sotay/handlers"
	"sotay/storage"
)

// quizCSV has five questions; the right answers are A, B, C, A, B.
const quizCSV = "Câu hỏi,Phương án A,Phương án B,Phương án C,Phương án D,Đáp án,Giải thích\n" +
	"Kết luận 21 do cơ quan nào ban hành?,Bộ Chính trị,Quốc hội,Chính phủ,,A,Kết luận 21-KL/TW của Bộ Chính trị\n" +
	"Kết luận ban hành năm nào?,2020,2021,2022,,B,Ngày 25/10/2021\n" +
	"Chủ đề chính?,Kinh tế,Văn hóa,Xây dựng Đảng,,C,Xây dựng và chỉnh đốn Đảng\n" +
	"Ai thực hiện?,Các cấp ủy,Doanh nghiệp,,,A,\n" +
	"Chi bộ sinh hoạt mấy lần một tháng?,Hai,Một,,,B,Mỗi tháng một lần\n"

func TestQuiz(t *testing.T) {
	e := newStudyEnv(t)
	ctx := context.Background()
	if err := e.s.GrantRole(ctx, "DV1", storage.RoleAdmin, "ROOT", "test"); err != nil {
		t.Fatal(err)
	}
	t.Run("AdminAttachesFromChat", func(t *testing.T) {
		e.rec.reset()
		e.sendDocument(t, 701, "cau-hoi.csv", quizCSV, "/cauhoi 21-KL/TW")
		if !contains(e.rec.texts(), "Đã gắn bài kiểm tra 5 câu") {
			t.Fatalf("got %q", e.rec.texts())
		}
	})
	t.Run("BadFileStoresNothing", func(t *testing.T) {
		e.rec.reset()
		e.sendDocument(t, 701, "sai.csv", strings.Replace(quizCSV, ",B,Ngày", ",X,Ngày", 1), "/cauhoi 21-KL/TW")
		if !contains(e.rec.texts(), "dòng 3: đáp án") {
			t.Fatalf("got %q", e.rec.texts())
		}
		if n := count(t, e.s, `SELECT count(*) FROM quizzes`); n != 1 {
			t.Fatalf("%d quizzes", n)
		}
	})
	t.Run("MemberMayNotAttach", func(t *testing.T) {
		e.rec.reset()
		e.sendDocument(t, 702, "cau-hoi.csv", quizCSV, "/cauhoi 21-KL/TW")
		if contains(e.rec.texts(), "Đã gắn") {
			t.Fatalf("got %q", e.rec.texts())
		}
	})

	in := storage.CampaignInput{DocumentID: e.doc1, OrgIDs: []int64{orgID(t, e.s, "CB1")}, Actor: "test", Message: handlers.PushMessage, QuizRequired: true}
	c, err := e.s.CreateCampaign(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	a2 := e.assignment(t, c, "DV2")
	var pushed string
	if err := e.s.DB().Get(&pushed, `SELECT reply_markup::text FROM outbox WHERE assignment_id = $1`, a2); err != nil {
		t.Fatal(err)
	}
	t.Run("RequiredQuizReplacesTheButton", func(t *testing.T) {
		if !strings.Contains(pushed, fmt.Sprintf("qz:s:%d", a2)) || strings.Contains(pushed, fmt.Sprintf(`"hoc:%d"`, a2)) {
			t.Fatalf("markup %s", pushed)
		}
		e.rec.reset()
		e.press(t, 702, fmt.Sprintf("hoc:%d", a2))
		if !contains(e.rec.texts(), "cần làm bài kiểm tra") || e.state(t, a2) != storage.AssignPending {
			t.Fatalf("got %q", e.rec.texts())
		}
	})
	answer := func(t *testing.T, letters string) {
		t.Helper()
		e.press(t, 702, fmt.Sprintf("qz:s:%d", a2))
		for i, l := range letters {
			data := e.rec.buttons()[string(l)]
			if !strings.HasSuffix(data, fmt.Sprintf(":%d:%d", i, l-'A')) {
				t.Fatalf("question %d: button %s is %q", i+1, string(l), data)
			}
			e.press(t, 702, data)
		}
	}
	t.Run("OneMessageEditedQuestionByQuestion", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 702, fmt.Sprintf("qz:s:%d", a2))
		if len(e.rec.sent) != 2 || len(edits(e.rec.sent)) != 1 || !strings.Contains(edits(e.rec.sent)[0].Text, "câu 1/5") {
			t.Fatalf("sent %q", e.rec.texts())
		}
	})
	t.Run("ForeignAttemptRefused", func(t *testing.T) {
		id := count(t, e.s, `SELECT id FROM quiz_attempts ORDER BY id DESC LIMIT 1`)
		e.rec.reset()
		e.press(t, 703, fmt.Sprintf("qz:a:%d:0:0", id))
		e.press(t, 703, fmt.Sprintf("qz:s:%d", a2))
		if !contains(e.rec.texts(), "không có quyền") || count(t, e.s, `SELECT jsonb_array_length(answers) FROM quiz_attempts WHERE id = $1`, id) != 0 {
			t.Fatalf("got %q", e.rec.texts())
		}
	})
	t.Run("FailShowsExplanationsAndOffersRetry", func(t *testing.T) {
		e.rec.reset()
		answer(t, "ABBAA") // resumes the attempt begun above; 3/5 = 60 %
		ed := edits(e.rec.sent)
		last := ed[len(ed)-1].Text
		if !strings.Contains(last, "Chưa đạt") || !strings.Contains(last, "đúng 3/5") || !strings.Contains(last, "Câu 3.") ||
			!strings.Contains(last, "Xây dựng và chỉnh đốn Đảng") || !strings.Contains(last, "Câu 5.") || strings.Contains(last, "Câu 1.") {
			t.Fatalf("result %s", last)
		}
		if e.rec.buttons()["🔁 Làm lại"] != fmt.Sprintf("qz:s:%d", a2) || e.state(t, a2) != storage.AssignPending {
			t.Fatalf("buttons %v", e.rec.buttons())
		}
	})
	t.Run("DoubleTapOnAnAnsweredQuestionChangesNothing", func(t *testing.T) {
		id := count(t, e.s, `SELECT id FROM quiz_attempts ORDER BY id DESC LIMIT 1`)
		e.rec.reset()
		e.press(t, 702, fmt.Sprintf("qz:a:%d:4:1", id))
		if !contains(e.rec.texts(), "Câu này đã được trả lời") {
			t.Fatalf("got %q", e.rec.texts())
		}
	})
	t.Run("QuizChangedAfterAttemptsKeepsThem", func(t *testing.T) {
		e.sendDocument(t, 701, "moi.csv", strings.Replace(quizCSV, "Chi bộ sinh hoạt mấy lần một tháng?", "Câu hỏi mới?", 1), "/cauhoi 21-KL/TW")
		if !contains(e.rec.texts(), "phiên bản 2") {
			t.Fatalf("got %q", e.rec.texts())
		}
		as, err := e.s.QuizAttempts(ctx, a2)
		if err != nil || len(as) != 1 {
			t.Fatalf("attempts %v %v", as, err)
		}
		old, err := e.s.QuizByID(ctx, as[0].QuizID)
		if err != nil || old.Version != 1 || old.Questions[4].Question != "Chi bộ sinh hoạt mấy lần một tháng?" || *as[0].Correct != 3 {
			t.Fatalf("old attempt's quiz %+v %v", old, err)
		}
	})
	t.Run("RetryAndPassMarksStudiedByQuiz", func(t *testing.T) {
		e.rec.reset()
		answer(t, "ABCAA") // 4/5 = 80 %
		ed := edits(e.rec.sent)
		if last := ed[len(ed)-1].Text; !strings.Contains(last, "Đạt") || !strings.Contains(last, "4/5") {
			t.Fatalf("result %s", last)
		}
		a, _ := e.s.AssignmentByID(ctx, a2)
		if a.State != storage.AssignStudied || a.StudiedHow != storage.StudiedByQuiz || a.QuizScore == nil || *a.QuizScore != 80 {
			t.Fatalf("assignment %+v", a)
		}
		if as, _ := e.s.QuizAttempts(ctx, a2); len(as) != 2 || *as[1].Passed != true {
			t.Fatalf("attempts %+v", as)
		}
		e.rec.reset()
		e.text(t, 702, "/cuatoi")
		if !contains(e.rec.texts(), "qua bài kiểm tra (80 điểm/100)") {
			t.Fatalf("record %q", e.rec.texts())
		}
		e.rec.reset()
		e.press(t, 702, fmt.Sprintf("qz:s:%d", a2))
		if !contains(e.rec.texts(), "đã học văn bản này rồi") {
			t.Fatalf("got %q", e.rec.texts())
		}
	})
	t.Run("PushDialogOffersTheQuiz", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 701, "/gui")
		e.tap(t, 701, "gui", fmt.Sprintf("d:%d", e.doc1))
		e.tap(t, 701, "gui", fmt.Sprintf("s:%d", orgID(t, e.s, "ROOT")))
		e.tap(t, 701, "gui", "h:0")
		if !contains(e.rec.buttonLabels(), "☐ Bắt buộc làm bài kiểm tra") {
			t.Fatalf("labels %q", e.rec.buttonLabels())
		}
		e.tap(t, 701, "gui", "q")
		if !contains(e.rec.texts(), "Bài kiểm tra: <b>bắt buộc</b>") {
			t.Fatalf("texts %q", e.rec.texts())
		}
		e.tap(t, 701, "gui", "ok")
		if n := count(t, e.s, `SELECT count(*) FROM campaigns WHERE quiz_required`); n != 2 {
			t.Fatalf("%d campaigns require the quiz", n)
		}
	})
}
