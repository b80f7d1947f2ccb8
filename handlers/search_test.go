package handlers_test

import "testing"

// TestPlainTextIsASearch: text that answers no open dialog (nor one that
// just expired: TestExpiredDialogAnsweredPolitely) is what the member looks
// for, without /tim; what is no search at all gets the menu as well.
func TestPlainTextIsASearch(t *testing.T) {
	e, _, _ := docEnv(t)
	for _, tc := range []struct{ name, text, want string }{
		{"Number", "21-KL/TW", "Kết quả cho «21-KL/TW»: 1 văn bản"},
		{"WordsWithoutDiacritics", "ket luan 21", "Kết quả cho «ket luan 21»: 1 văn bản"},
		{"NothingFoundOffersTheMenu", "xin chào", "Không tìm thấy văn bản nào với «xin chào»"},
		{"UnknownCommandIsNotASearch", "/xemtatca", "chưa hiểu yêu cầu"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.replyTo(t, 701, tc.text, tc.want)
		})
	}
	t.Run("NothingFoundOffersTheMenu", func(t *testing.T) {
		e.replyTo(t, 701, "xin chào", "Nếu đồng chí không tìm văn bản, hãy chọn một chức năng dưới đây")
		if !contains(e.rec.buttonLabels(), "📄 Văn bản") {
			t.Fatalf("no menu: %q", e.rec.buttonLabels())
		}
	})
	t.Run("FoundOpensTheDocument", func(t *testing.T) {
		e.replyTo(t, 701, "21-KL/TW", "Chọn văn bản để xem")
		if !contains(e.rec.buttonLabels(), "Kết luận 21-KL/TW · Kết luận về chỉnh đốn Đảng") {
			t.Fatalf("buttons %q", e.rec.buttonLabels())
		}
	})
	t.Run("OpenDialogStillTakesItsAnswer", func(t *testing.T) {
		e.text(t, 701, "/tim")
		e.replyTo(t, 701, "khoa hoc", "Kết quả cho «khoa hoc»")
		if got := dialogStep(t, e.s, 701); got != "" {
			t.Fatalf("dialog %q left open", got)
		}
	})
	t.Run("NotLinkedIsToldHowToLink", func(t *testing.T) {
		e.replyTo(t, 799, "21-KL/TW", "chưa liên kết tài khoản")
	})
}
