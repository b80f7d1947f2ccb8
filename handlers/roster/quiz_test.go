package roster_test

import (
	"strings"
	"testing"

	"sotay/handlers/roster"
	"sotay/storage"
)

const quizHeader = "Câu hỏi,Phương án A,Phương án B,Phương án C,Phương án D,Đáp án,Giải thích\n"

func TestParseQuiz(t *testing.T) {
	good := quizHeader +
		"Câu một?,Một,Hai,,,A,Vì một\n" +
		"Câu hai?,Một,Hai,Ba,Bốn,d,\n" +
		"Câu ba?,Có,Không,,,Phương án B,Giải thích ba\n"
	qs, err := roster.ParseQuiz(strings.NewReader("\ufeff"+good), "q.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 3 || qs[0].Answer != 0 || len(qs[0].Options) != 2 || qs[1].Answer != 3 || qs[2].Answer != 1 || qs[0].Explanation != "Vì một" {
		t.Fatalf("parsed %+v", qs)
	}
	for _, tc := range []struct {
		name, body, want string
	}{
		{"BadRowsNamedAllAtOnce", quizHeader + "Câu một?,Một,Hai,,,A,\n,Một,Hai,,,A,\nCâu ba?,Một,,,,A,\nCâu bốn?,Một,Hai,,,E,\nCâu năm?,Một,Hai,,,C,\n",
			"dòng 3: chưa có câu hỏi"},
		{"MissingOptionB", quizHeader + "Câu?,Một,,,,A,\n", "dòng 2: thiếu phương án B"},
		{"AnswerNotALetter", quizHeader + "Câu?,Một,Hai,,,E,\n", "đáp án \"E\" không phải A, B, C hoặc D"},
		{"AnswerOnABlankOption", quizHeader + "Câu?,Một,Hai,,,C,\n", "đáp án C trỏ vào phương án còn trống"},
		{"GapInOptions", quizHeader + "Câu?,Một,Hai,,Bốn,A,\n", "phương án D có nội dung nhưng phương án trước nó còn trống"},
		{"TooFewQuestions", quizHeader + "Câu?,Một,Hai,,,A,\n", ""},
		{"MissingAnswerColumn", "Câu hỏi,Phương án A,Phương án B\nCâu?,Một,Hai\n", "Đáp án"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			qs, err := roster.ParseQuiz(strings.NewReader(tc.body), "q.csv")
			if err == nil || qs != nil || storage.ErrorCode(err) != storage.CodeInvalid || !strings.Contains(storage.ErrorMessage(err), tc.want) {
				t.Fatalf("got %v, %v", qs, err)
			}
		})
	}
	t.Run("TooFewQuestionsSaysHowMany", func(t *testing.T) {
		_, err := roster.ParseQuiz(strings.NewReader(quizHeader+"Câu?,Một,Hai,,,A,\n"), "q.csv")
		if !strings.Contains(storage.ErrorMessage(err), "từ 3 đến 10 câu hỏi; tệp có 1 câu") {
			t.Fatalf("err %v", err)
		}
	})
}

// TestParseQuizCleansText: a quiz's texts lose bidi and control characters
// (a reversed question) but keep the joiners of emoji.
func TestParseQuizCleansText(t *testing.T) {
	const family = "👨\u200d👩\u200d👧"
	body := quizHeader +
		"\u202eCâu một?\u202c,Một\u2066,Hai \x01,,,A,Vì " + family + "\n" +
		"Câu hai?,Một,Hai\u200f,,,B,\n" +
		"Câu ba?,Có,Không\u061c,,,A,\n"
	qs, err := roster.ParseQuiz(strings.NewReader(body), "q.csv")
	if err != nil {
		t.Fatal(err)
	}
	if qs[0].Question != "Câu một?" || qs[0].Options[0] != "Một" || qs[0].Options[1] != "Hai" || qs[1].Options[1] != "Hai" ||
		qs[2].Options[1] != "Không" || qs[0].Explanation != "Vì "+family {
		t.Fatalf("parsed %+v", qs)
	}
}
