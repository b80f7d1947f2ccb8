package handlers_test

import (
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// pageContent is a page's text after the "trang n/N" header line, unescaped.
func pageContent(t *testing.T, page string) string {
	t.Helper()
	_, body, ok := strings.Cut(page, "\n\n")
	if !ok {
		t.Fatalf("page without header: %q", page[:min(len(page), 80)])
	}
	return html.UnescapeString(body)
}

func TestTextPages(t *testing.T) {
	sentence := "Chi bộ tổ chức quán triệt nghị quyết đến từng đảng viên trong bản. "
	var many []string
	for i := 0; i < 60; i++ {
		many = append(many, fmt.Sprintf("Đoạn %d. %s%s", i+1, sentence, sentence))
	}
	tests := []struct {
		name      string
		body      string
		minPages  int
		sentences bool // every page but the last ends a sentence
	}{
		{"ShortTextOnePage", "Đoạn một.\n\nĐoạn hai.", 1, false},
		{"ManyParagraphsSeveralPages", strings.Join(many, "\n\n"), 3, true},
		{"GiantParagraphSplitAtSentences", strings.Repeat(sentence, 300), 5, true},
		{"GiantSentenceSplitAtWords", strings.Repeat("đảng viên học tập nghị quyết ", 800), 5, false},
		{"HTMLEscapingCounted", strings.Repeat("Điều 1 <a> & \"b\" > c; ", 900), 5, false},
		{"WindowsNewlines", "Dòng một.\r\n\r\nDòng hai.", 1, false},
		{"AstralCharactersCountedTwice", strings.Repeat("Học tập 📘📘📘 ", 900), 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := handlers.TextPages("Kết luận số 21-KL/TW", tt.body)
			if len(pages) < tt.minPages {
				t.Fatalf("%d pages, want at least %d", len(pages), tt.minPages)
			}
			var words []string
			for i, p := range pages {
				if n := utf16Len(p); n > handlers.MaxMessageLen {
					t.Fatalf("page %d is %d long", i+1, n)
				}
				if want := fmt.Sprintf("trang %d/%d", i+1, len(pages)); !strings.Contains(strings.SplitN(p, "\n", 2)[0], want) {
					t.Fatalf("page %d header %q, want %q", i+1, strings.SplitN(p, "\n", 2)[0], want)
				}
				c := pageContent(t, p)
				if tt.sentences && i < len(pages)-1 && !strings.HasSuffix(strings.TrimSpace(c), ".") {
					t.Fatalf("page %d ends mid-sentence: …%q", i+1, c[max(0, len(c)-40):])
				}
				words = append(words, strings.Fields(c)...)
			}
			// Nothing lost, no word cut in two.
			want := strings.Fields(strings.ReplaceAll(tt.body, "\r\n", "\n"))
			if strings.Join(words, " ") != strings.Join(want, " ") {
				t.Fatalf("words changed: got %d words, want %d", len(words), len(want))
			}
		})
	}
	t.Run("ParagraphsKeptWhole", func(t *testing.T) {
		pages := handlers.TextPages("Kết luận số 21-KL/TW", strings.Join(many, "\n\n"))
		for _, p := range pages {
			for _, para := range strings.Split(pageContent(t, p), "\n\n") {
				if !strings.HasPrefix(para, "Đoạn ") {
					t.Fatalf("paragraph split across pages: %q", para[:min(len(para), 60)])
				}
			}
		}
	})
}

// docEnv adds a document for CB1 only, one for everybody, and links DV1
// (CB1) as 701, DV2 (CB1, admin) as 702 and DV3 (CB2) as 703.
func docEnv(t *testing.T) (*env, storage.Document, storage.Document) {
	t.Helper()
	e := linkedEnv(t)
	ctx := context.Background()
	storagetest.MustGrant(t, e.s, "DV2", storage.RoleAdmin, "ROOT")
	cb1, err := e.s.CreateDocument(ctx, storage.DocumentInput{
		Kind: "ket_luan", Number: "21-KL/TW", Issuer: "Ban Chấp hành Trung ương", IssuedOn: time.Date(2021, 10, 25, 0, 0, 0, 0, time.UTC),
		Title: "Kết luận về chỉnh đốn Đảng", Summary: "Tóm tắt <quan trọng>.", Body: strings.Repeat("Đoạn văn bản dài. ", 600),
		FileName: "kl21.pdf", FileMime: "application/pdf", FileData: []byte("%PDF-1.4"), Audience: []string{"CB1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := e.s.CreateDocument(ctx, storage.DocumentInput{
		Kind: "nghi_quyet", Number: "57-NQ/TW", Issuer: "Bộ Chính trị", IssuedOn: time.Date(2024, 12, 22, 0, 0, 0, 0, time.UTC),
		Title: "Nghị quyết về đột phá phát triển khoa học, công nghệ",
	})
	if err != nil {
		t.Fatal(err)
	}
	return e, cb1, all
}

// msgDocGone is the one answer to a button naming a document the asker may
// not open: withdrawn, never published, outside their audience, or none.
const msgDocGone = "Văn bản này đã được thu hồi, chưa được đăng hoặc không dành cho đồng chí."

func TestDocumentHandlers(t *testing.T) {
	e, cb1, all := docEnv(t)
	tests := []struct {
		name   string
		user   int64
		text   string // a message, or
		press  string // a button
		expect string
	}{
		{"KindsWithCounts", 701, "/vanban", "", "2 văn bản dành cho đồng chí"},
		{"OtherCellSeesOnlyItsOwn", 703, "/vanban", "", "1 văn bản dành cho đồng chí"},
		{"ListOfKind", 701, "", "vb:ket_luan:0", "Kết luận</b>: 1 văn bản"},
		{"UnknownKindShowsKinds", 701, "", "vb:bogus:0", "Chọn loại văn bản"},
		{"ViewEscapesSummary", 701, "", fmt.Sprintf("doc:%d", cb1.ID), "Tóm tắt &lt;quan trọng&gt;."},
		{"TextFirstPage", 701, "", fmt.Sprintf("dt:%d:1", cb1.ID), "trang 1/"},
		{"TextPageBeyondLastShowsLast", 701, "", fmt.Sprintf("dt:%d:99", cb1.ID), "trang 3/3"},
		// A document outside the asker's audience is answered as a withdrawn
		// one, and as an id that names nothing: a forged id learns nothing.
		{"ForgedViewRefused", 703, "", fmt.Sprintf("doc:%d", cb1.ID), "callback:" + msgDocGone},
		{"ForgedTextRefused", 703, "", fmt.Sprintf("dt:%d:1", cb1.ID), "callback:" + msgDocGone},
		{"ForgedFileRefused", 703, "", fmt.Sprintf("df:%d", cb1.ID), "callback:" + msgDocGone},
		{"ForgedIDOfNothingAnsweredAlike", 703, "", fmt.Sprintf("doc:%d", all.ID+1000), "callback:" + msgDocGone},
		{"MemberCannotWithdraw", 701, "", fmt.Sprintf("dw:%d:y", all.ID), "callback:Đồng chí không có quyền"},
		{"AdminOpensAnyPublished", 702, "", fmt.Sprintf("doc:%d", all.ID), "Nghị quyết số 57-NQ/TW"},
		{"SearchByNumberForm", 701, "/tim ket luan 21", "", "Kết quả cho «ket luan 21»: 1 văn bản"},
		{"SearchOutsideAudienceFindsNothing", 703, "/tim 21-KL/TW", "", "Không tìm thấy văn bản nào"},
		{"SearchWithoutWordsAsks", 701, "/tim", "", "gõ từ cần tìm"},
		{"SearchWordsInDialog", 701, "khoa hoc cong nghe", "", "Kết quả cho «khoa hoc cong nghe»: 1 văn bản"},
		// Plain text after the dialog ended is a search of its own (issue
		// 22: it used to be "chưa hiểu").
		{"TextAfterTheDialogIsASearch", 701, "khoa hoc", "", "Kết quả cho «khoa hoc»: 1 văn bản"},
		{"DangWithoutFileExplains", 702, "/dang 1-KL/TW | Tên | Tỉnh ủy | 01/01/2024", "", "gửi tệp (PDF, DOCX hoặc ảnh)"},
		{"DangForbiddenForMember", 701, "/dang", "", "không có quyền"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.rec.reset()
			if tt.press != "" {
				e.press(t, tt.user, tt.press)
			} else {
				e.text(t, tt.user, tt.text)
			}
			if got := e.rec.texts(); !contains(got, tt.expect) {
				t.Fatalf("want %q in %q", tt.expect, got)
			}
		})
	}
	t.Run("FileUploadedFromBytes", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 701, fmt.Sprintf("df:%d", cb1.ID))
		var doc *tgbotapi.DocumentConfig
		for _, c := range e.rec.sent {
			if d, ok := c.(tgbotapi.DocumentConfig); ok {
				doc = &d
			}
		}
		if doc == nil {
			t.Fatalf("no document sent: %#v", e.rec.sent)
		}
		if fb, ok := doc.File.(tgbotapi.FileBytes); !ok || string(fb.Bytes) != "%PDF-1.4" || fb.Name != "kl21.pdf" {
			t.Fatalf("file %#v", doc.File)
		}
	})
	t.Run("WithdrawAsksThenWithdrawsOnce", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 702, fmt.Sprintf("dw:%d", cb1.ID))
		if !contains(e.rec.texts(), "Thu hồi <b>Kết luận số 21-KL/TW</b>?") {
			t.Fatalf("no confirmation: %q", e.rec.texts())
		}
		if d, _ := e.s.DocumentByID(context.Background(), cb1.ID); d.Status != storage.DocPublished {
			t.Fatal("withdrawn before confirmation")
		}
		e.press(t, 702, fmt.Sprintf("dw:%d:y", cb1.ID))
		e.rec.reset()
		e.press(t, 702, fmt.Sprintf("dw:%d:y", cb1.ID)) // pressed twice
		if !contains(e.rec.texts(), "callback:Văn bản này đã được thu hồi từ trước.") {
			t.Fatalf("second press: %q", e.rec.texts())
		}
		e.rec.reset()
		e.press(t, 701, fmt.Sprintf("doc:%d", cb1.ID))
		if !contains(e.rec.texts(), "callback:Văn bản này đã được thu hồi") {
			t.Fatalf("member opened a withdrawn document: %q", e.rec.texts())
		}
	})
}

// sendFile sends a document with a caption from a user.
func (e *env) sendFile(t *testing.T, user int64, caption string) {
	t.Helper()
	e.id++
	u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
		MessageID: e.id, From: &tgbotapi.User{ID: user, FirstName: "U"},
		Chat:     &tgbotapi.Chat{ID: user, Type: "private"},
		Document: &tgbotapi.Document{FileID: "TGFILE1", FileName: "kl99.pdf", MimeType: "application/pdf"},
		Caption:  caption,
	}}
	if err := e.h.HandleUpdate(context.Background(), u); err != nil {
		t.Fatalf("handle file: %v", err)
	}
}

func TestPublishDialog(t *testing.T) {
	e, _, _ := docEnv(t)
	ctx := context.Background()
	bad := []struct{ name, caption, expect string }{
		{"NoFields", "/dang", "Chú thích chưa có thông tin văn bản"},
		{"MissingParts", "/dang 99-KL/TW | Kết luận thử", "còn thiếu: cơ quan ban hành, ngày ban hành"},
		{"ImpossibleDate", "/dang 99-KL/TW | Kết luận thử | Tỉnh ủy | 31/02/2024", "không có thật"},
		{"FutureDate", "/dang 99-KL/TW | Kết luận thử | Tỉnh ủy | 01/01/2099", "ở tương lai"},
		{"TooManyParts", "/dang 99-KL/TW | Kết luận | thử | Tỉnh ủy | 01/01/2024", "cần đúng 4 phần"},
		{"Duplicate", "/dang 21 KL/TW | Kết luận | Ban Chấp hành Trung ương | 25/10/2021", "đã có trong sổ tay"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			e.rec.reset()
			e.sendFile(t, 702, tt.caption)
			if got := e.rec.texts(); !contains(got, tt.expect) || !contains(got, "") {
				t.Fatalf("want %q in %q", tt.expect, got)
			}
			if _, err := e.s.Dialog(ctx, 702); err == nil {
				t.Fatal("a dialog was opened for a bad caption")
			}
		})
	}
	t.Run("KindSummaryConfirmPublishes", func(t *testing.T) {
		e.rec.reset()
		e.sendFile(t, 702, "/dang 99-KL/TW | Kết luận về công tác dân vận | Tỉnh ủy | 01/03/2024")
		if !contains(e.rec.texts(), "Bước 1/3") {
			t.Fatalf("no kind question: %q", e.rec.texts())
		}
		e.text(t, 702, "tóm tắt quá sớm")
		if !contains(e.rec.texts(), "chọn loại văn bản bằng nút") {
			t.Fatalf("text at the kind step: %q", e.rec.texts())
		}
		e.tap(t, 702, "dang", "k:ket_luan")
		e.text(t, 702, "Tăng cường công tác dân vận ở bản.")
		if !contains(e.rec.texts(), "Tóm tắt: Tăng cường công tác dân vận ở bản.") {
			t.Fatalf("no preview: %q", e.rec.texts())
		}
		ok := e.tap(t, 702, "dang", "ok")
		e.rec.reset()
		e.press(t, 702, ok) // pressed twice
		if !contains(e.rec.texts(), "callback:Thao tác này đã xong hoặc đã hủy.") {
			t.Fatalf("second press: %q", e.rec.texts())
		}
		d, err := e.s.DocumentByNumber(ctx, "99-KL/TW", "")
		if err != nil || d.Kind != "ket_luan" || d.Summary != "Tăng cường công tác dân vận ở bản." || d.FileID != "TGFILE1" ||
			d.FileName != "kl99.pdf" || d.Status != storage.DocPublished {
			t.Fatalf("published %+v %v", d, err)
		}
		if ok, _ := e.s.MayRead(ctx, mustMember(t, e.s, "DV3"), d.ID); !ok {
			t.Fatal("published document not visible to members")
		}
	})
	t.Run("PushOfferedAtOnce", func(t *testing.T) {
		// «📤 Gửi văn bản này» under the published document opens /gui
		// with it chosen, at the scope step.
		d, err := e.s.DocumentByNumber(ctx, "99-KL/TW", "")
		if err != nil {
			t.Fatal(err)
		}
		data := fmt.Sprintf("gd:%d", d.ID)
		if !slices.Contains(e.rec.data, data) {
			t.Fatalf("no push button (%s) among %q", data, e.rec.data)
		}
		e.rec.reset()
		e.press(t, 702, data)
		e.lastHas(t, "Kết luận số 99-KL/TW", "Bước 2/3: gửi cho ai?")
		if got := dialogStep(t, e.s, 702); got != "gui/scope" {
			t.Fatalf("step %q", got)
		}
		// "Chọn văn bản khác" goes to the documents, though the dialog began at the scope.
		e.tap(t, 702, "gui", "docs")
		e.lastHas(t, "Bước 1/3: chọn văn bản")
		e.text(t, 702, "/huy")
	})
	t.Run("PushOnlyForWhoMayPush", func(t *testing.T) {
		d, _ := e.s.DocumentByNumber(ctx, "99-KL/TW", "")
		e.replyToPress(t, 701, fmt.Sprintf("gd:%d", d.ID), "callback:Đồng chí không có quyền")
		if got := dialogStep(t, e.s, 701); got != "" {
			t.Fatalf("a member opened %q", got)
		}
	})
	t.Run("CancelPublishesNothing", func(t *testing.T) {
		e.sendFile(t, 702, "/dang 98-KL/TW | Kết luận khác | Tỉnh ủy | 01/03/2024")
		e.tap(t, 702, "dang", "k:ket_luan")
		e.tap(t, 702, "dang", "skip")
		e.tap(t, 702, "dang", "x")
		if _, err := e.s.DocumentByNumber(ctx, "98-KL/TW", ""); storage.ErrorCode(err) != storage.CodeNotFound {
			t.Fatalf("cancelled document stored: %v", err)
		}
	})
}

func mustMember(t *testing.T, s *storage.Storage, code string) storage.Member {
	t.Helper()
	m, err := s.Member(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDocumentListPages(t *testing.T) {
	e, _, _ := docEnv(t)
	ctx := context.Background()
	for i := 1; i <= 9; i++ {
		_, err := e.s.CreateDocument(ctx, storage.DocumentInput{
			Kind: "huong_dan", Number: fmt.Sprintf("%d-HD/BTG", i), Issuer: "Ban Tuyên giáo", Title: fmt.Sprintf("Hướng dẫn số %d", i),
			IssuedOn: time.Date(2024, 1, i, 0, 0, 0, 0, time.UTC),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ name, press, expect string }{
		{"FirstPageNewest", "vb:huong_dan:0", "9 văn bản, mới nhất trước (trang 1/2)"},
		{"SecondPage", "vb:huong_dan:8", "(trang 2/2)"},
		{"PageBeyondEndShowsLast", "vb:huong_dan:80", "(trang 2/2)"},
		{"NegativeOffsetShowsFirst", "vb:huong_dan:-8", "(trang 1/2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.rec.reset()
			e.press(t, 701, tt.press)
			if !contains(e.rec.texts(), tt.expect) {
				t.Fatalf("want %q in %q", tt.expect, e.rec.texts())
			}
		})
	}
}

func TestPublishPhotoSentBackAsPhoto(t *testing.T) {
	e, _, _ := docEnv(t)
	ctx := context.Background()
	e.id++
	u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
		MessageID: e.id, From: &tgbotapi.User{ID: 702}, Chat: &tgbotapi.Chat{ID: 702, Type: "private"},
		Photo:   []tgbotapi.PhotoSize{{FileID: "SMALL", Width: 90}, {FileID: "LARGE", Width: 1280}},
		Caption: "/dang 7-TB/ĐU | Thông báo lịch sinh hoạt | Đảng ủy xã | 2024-05-02",
	}}
	if err := e.h.HandleUpdate(ctx, u); err != nil {
		t.Fatal(err)
	}
	if !contains(e.rec.texts(), "Bước 1/3") {
		t.Fatalf("no kind question: %q", e.rec.texts())
	}
	e.tap(t, 702, "dang", "k:thong_bao")
	e.tap(t, 702, "dang", "skip")
	e.tap(t, 702, "dang", "ok")
	d, err := e.s.DocumentByNumber(ctx, "7-TB/DU", "")
	if err != nil || !d.IsPhoto() || d.FileID != "LARGE" {
		t.Fatalf("published %+v %v", d, err)
	}
	e.rec.reset()
	e.press(t, 701, fmt.Sprintf("df:%d", d.ID))
	var photo *tgbotapi.PhotoConfig
	for _, c := range e.rec.sent {
		if p, ok := c.(tgbotapi.PhotoConfig); ok {
			photo = &p
		}
	}
	if photo == nil || photo.File != tgbotapi.FileID("LARGE") {
		t.Fatalf("photo not sent back by its file_id: %#v", e.rec.sent)
	}
}

func FuzzTextPages(f *testing.F) {
	f.Add("Đoạn một.\n\nĐoạn hai.")
	f.Add(strings.Repeat("<&> ", 2000))
	f.Add(strings.Repeat("x", 9000))
	f.Fuzz(func(t *testing.T, body string) {
		if !utf8.ValidString(body) {
			return
		}
		pages := handlers.TextPages("Kết luận số 21-KL/TW", body)
		var words []string
		for i, p := range pages {
			if n := utf16Len(p); n > handlers.MaxMessageLen {
				t.Fatalf("page %d is %d long", i+1, n)
			}
			_, c, _ := strings.Cut(p, "\n\n")
			words = append(words, strings.Fields(html.UnescapeString(c))...)
		}
		if got, want := strings.Join(words, ""), strings.Join(strings.Fields(body), ""); got != want {
			t.Fatalf("text changed")
		}
	})
}

// /dang's caption is checked by the document's own field rules
// (storage.CheckDocTitle, CheckDocNumber) before the dialog opens, not
// only when "Đăng" stores it: a title too long is refused at once, with
// the caption's model.
func TestDangCaptionUsesTheDocumentRules(t *testing.T) {
	e, _, _ := docEnv(t)
	e.rec.reset()
	e.sendFile(t, 702, "/dang 97-KL/TW | "+strings.Repeat("Kết luận ", 60)+"| Tỉnh ủy | 01/03/2024")
	e.lastHas(t, "Trích yếu văn bản dài quá 500 ký tự", "Chưa lưu gì. Mẫu: /dang 21-KL/TW |")
	if _, err := e.s.Dialog(context.Background(), 702); err == nil {
		t.Fatal("a dialog was opened for a title too long")
	}
}
