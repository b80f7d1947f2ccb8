package roster

import (
	"fmt"
	"io"
	"strings"

	"sotay/storage"
	"sotay/storage/vn"
)

// A quiz file: one row per question, with the question, options A to D
// (C and D may be blank), the right option's letter and an explanation.

var quizSchema = schema{
	example: "Câu hỏi,Phương án A,Phương án B,Phương án C,Phương án D,Đáp án,Giải thích",
	columns: []column{
		{key: "question", label: "Câu hỏi", required: true, aliases: []string{"question", "cauhoi", "noidungcauhoi", "cau"}},
		{key: "a", label: "Phương án A", required: true, aliases: []string{"a", "phuongana", "optiona", "dapana"}},
		{key: "b", label: "Phương án B", required: true, aliases: []string{"b", "phuonganb", "optionb", "dapanb"}},
		{key: "c", label: "Phương án C", aliases: []string{"c", "phuonganc", "optionc", "dapanc"}},
		{key: "d", label: "Phương án D", aliases: []string{"d", "phuongand", "optiond", "dapand"}},
		{key: "answer", label: "Đáp án", required: true, aliases: []string{"answer", "dapan", "dapandung", "correct"}},
		{key: "explanation", label: "Giải thích", aliases: []string{"explanation", "giaithich", "explain"}},
	},
}

// ParseQuiz reads a quiz file (CSV or XLSX). Every bad row is refused with
// its row number and the reason, all at once, and then nothing is returned:
// a quiz is stored whole or not at all.
func ParseQuiz(r io.Reader, name string) ([]storage.QuizQuestion, error) {
	var qs []storage.QuizQuestion
	var bad []string
	err := readTable(r, name, quizSchema, func(rec record, h header) error {
		var why rejects
		q := storage.QuizQuestion{Question: h.text(rec, "question"), Explanation: h.text(rec, "explanation")}
		why.check(storage.CheckQuizQuestion(q.Question))
		var cols []string
		for _, l := range []string{"a", "b", "c", "d"} {
			cols = append(cols, h.text(rec, l))
		}
		var errs []error
		q.Options, errs = storage.QuizOptions(cols)
		for _, err := range errs {
			why.check(err)
		}
		ans := strings.ToUpper(vn.Key(h.get(rec, "answer")))
		ans = strings.TrimPrefix(strings.TrimPrefix(ans, "PHUONGAN"), "DAPAN")
		switch {
		case ans == "":
			why.add("thiếu đáp án (ghi A, B, C hoặc D)")
		case len(ans) != 1 || ans[0] < 'A' || ans[0] > 'D':
			why.add("đáp án %q không phải A, B, C hoặc D", h.get(rec, "answer"))
		case !why.check(storage.CheckQuizAnswer(int(ans[0]-'A'), len(q.Options))):
			q.Answer = int(ans[0] - 'A')
		}
		if len(why) > 0 {
			bad = append(bad, fmt.Sprintf("dòng %d: %s", rec.line, strings.Join(why, "; ")))
			return nil
		}
		qs = append(qs, q)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		if len(bad) > 10 {
			bad = append(bad[:10], fmt.Sprintf("và %d dòng khác", len(bad)-10))
		}
		return nil, invalid("Bài kiểm tra chưa được lưu vì có dòng sai:\n%s\nĐồng chí sửa các dòng đó rồi gửi lại. Tiêu đề cột: %s.",
			strings.Join(bad, "\n"), quizSchema.example)
	}
	if err := storage.ValidateQuiz(qs); err != nil {
		return nil, err
	}
	return qs, nil
}
