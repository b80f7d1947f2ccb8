package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// docEnv is a commune (ROOT > DBCS > CB1, ROOT > CB2) with one member in
// CB1 (DV001) and one in CB2 (DV002), and a clock fixed at 2026-11-20.
type docEnv struct {
	s        *storage.Storage
	cb1, cb2 storage.Member
}

var docNow = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func newDocEnv(t testing.TB) docEnv {
	t.Helper()
	ctx := context.Background()
	s := storagetest.New(t, storage.WithClock(func() time.Time { return docNow }))
	storagetest.MustImport(t, s, orgs(), members())
	cb1, err := s.Member(ctx, "DV001")
	if err != nil {
		t.Fatal(err)
	}
	cb2, err := s.Member(ctx, "DV002")
	if err != nil {
		t.Fatal(err)
	}
	return docEnv{s: s, cb1: cb1, cb2: cb2}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func kl21() storage.DocumentInput {
	return storage.DocumentInput{
		Kind: "ket_luan", Number: "21-KL/TW", Issuer: "Ban Chấp hành Trung ương", IssuedOn: date(2021, 10, 25),
		Title:   "Kết luận về đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị",
		Summary: "Ngăn chặn, đẩy lùi sự suy thoái về tư tưởng chính trị, đạo đức, lối sống.",
		Body:    "Đoạn một.\n\nĐoạn hai.", Actor: "test",
	}
}

func MustCreateDocument(t *testing.T, s *storage.Storage, in storage.DocumentInput) storage.Document {
	t.Helper()
	d, err := s.CreateDocument(context.Background(), in)
	if err != nil {
		t.Fatalf("create %s: %v", in.Number, err)
	}
	return d
}

func TestFold(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Composed", "Kết luận số 21-KL/TW", "ket luan so 21-kl/tw"},
		{"Decomposed", "Ke\u0302\u0301t lua\u0323n", "ket luan"},
		{"DStroke", "ĐẢNG ĐOÀN đảng", "dang doan dang"},
		{"EthForD", "Ðảng", "dang"},
		{"SpacesCollapsed", "  nghị\tquyết \n 62 ", "nghi quyet 62"},
		{"AsciiUnchanged", "abc 123", "abc 123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := storage.Fold(tt.in); got != tt.want {
				t.Fatalf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	for in, want := range map[string]string{"21-KL/TW": "21kltw", "21 kl / tw": "21kltw", "102-QĐ/TW": "102qdtw"} {
		if got := storage.NumberKey(in); got != want {
			t.Errorf("NumberKey(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"21-KL/TW": "ket_luan", "62-KH/TU": "ke_hoach", "102-QĐ/TW": "quy_dinh", "15/2025": ""} {
		if got := storage.KindFromNumber(in); got != want {
			t.Errorf("KindFromNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCreateDocument(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	first := MustCreateDocument(t, e.s, kl21())
	if first.Status != storage.DocPublished || first.PublishedAt == nil {
		t.Fatalf("not published: %+v", first)
	}
	tests := []struct {
		name string
		edit func(*storage.DocumentInput)
		code storage.Code
	}{
		{"UnknownKindInvalid", func(in *storage.DocumentInput) { in.Kind = "bao_cao" }, storage.CodeInvalid},
		{"EmptyNumberInvalid", func(in *storage.DocumentInput) { in.Number = " -/ " }, storage.CodeInvalid},
		{"EmptyTitleInvalid", func(in *storage.DocumentInput) { in.Title = "  " }, storage.CodeInvalid},
		{"MissingDateInvalid", func(in *storage.DocumentInput) { in.IssuedOn = time.Time{} }, storage.CodeInvalid},
		{"FutureDateInvalid", func(in *storage.DocumentInput) { in.IssuedOn = date(2026, 11, 22) }, storage.CodeInvalid},
		{"UnknownAudienceInvalid", func(in *storage.DocumentInput) { in.Number = "99-KL/TW"; in.Audience = []string{"NOPE"} }, storage.CodeInvalid},
		{"SameNumberOtherFormConflict", func(in *storage.DocumentInput) { in.Number = "21 kl/tw" }, storage.CodeConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := kl21()
			tt.edit(&in)
			_, err := e.s.CreateDocument(ctx, in)
			if storage.ErrorCode(err) != tt.code || storage.ErrorMessage(err) == "" {
				t.Fatalf("got %v, want %s with a message", err, tt.code)
			}
		})
	}
	t.Run("KindByVietnameseNameAccepted", func(t *testing.T) {
		in := kl21()
		in.Kind, in.Number = "Kết luận", "22-KL/TW"
		if d := MustCreateDocument(t, e.s, in); d.Kind != "ket_luan" {
			t.Fatalf("kind %q", d.Kind)
		}
	})
	t.Run("TodayAccepted", func(t *testing.T) {
		in := kl21()
		in.Number, in.IssuedOn = "23-KL/TW", date(2026, 11, 20)
		MustCreateDocument(t, e.s, in)
	})
	t.Run("SameNumberOtherIssuerAccepted", func(t *testing.T) {
		in := kl21()
		in.Issuer = "Tỉnh ủy"
		MustCreateDocument(t, e.s, in)
		_, err := e.s.DocumentByNumber(ctx, "21-KL/TW", "")
		if storage.ErrorCode(err) != storage.CodeConflict {
			t.Fatalf("ambiguous number: %v", err)
		}
		d, err := e.s.DocumentByNumber(ctx, "21 kl tw", "tỉnh ủy")
		if err != nil || d.Issuer != "Tỉnh ủy" {
			t.Fatalf("by number and issuer: %+v %v", d, err)
		}
	})
	t.Run("FileBytesAndFileID", func(t *testing.T) {
		in := kl21()
		in.Number, in.FileName, in.FileMime, in.FileData = "30-KL/TW", "kl30.pdf", "application/pdf", []byte("%PDF-1.4 test")
		d := MustCreateDocument(t, e.s, in)
		b, err := e.s.DocumentFile(ctx, d.ID)
		if err != nil || string(b) != "%PDF-1.4 test" {
			t.Fatalf("file %q %v", b, err)
		}
		if d.FileStore == 0 || d.FileID != "" || !d.HasFile() || d.IsPhoto() {
			t.Fatalf("stored %d, file_id %q", d.FileStore, d.FileID)
		}
		if err := e.s.RememberTelegramFileID(ctx, d.FileStore, storage.AsDocument, "FILE1"); err != nil {
			t.Fatal(err)
		}
		if f, err := e.s.FileByID(ctx, d.FileStore); err != nil || f.TelegramIDs[storage.AsDocument] != "FILE1" || f.Name != "kl30.pdf" {
			t.Fatalf("stored file %+v %v", f, err)
		}
	})
}

func TestUpdateDocument(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	d := MustCreateDocument(t, e.s, kl21())
	in := d.Input()
	in.Title, in.Actor = "Kết luận về chỉnh đốn Đảng", "test"
	got, err := e.s.UpdateDocument(ctx, d.ID, in)
	if err != nil || got.Title != in.Title || got.Body != d.Body {
		t.Fatalf("update: %+v %v", got, err)
	}
	hits, err := e.s.SearchDocuments(ctx, e.cb1, "chinh don", 10)
	if err != nil || len(hits) != 1 || hits[0].Match != storage.MatchTitle {
		t.Fatalf("search after edit: %+v %v", hits, err)
	}
	in.IssuedOn = date(2030, 1, 1)
	if _, err := e.s.UpdateDocument(ctx, d.ID, in); storage.ErrorCode(err) != storage.CodeInvalid {
		t.Fatalf("future date accepted on edit: %v", err)
	}
}

func TestMayRead(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	mk := func(number string, edit func(*storage.DocumentInput)) storage.Document {
		in := kl21()
		in.Number = number
		edit(&in)
		return MustCreateDocument(t, e.s, in)
	}
	whole := mk("1-KL/TW", func(*storage.DocumentInput) {})
	onlyCB2 := mk("2-KL/TW", func(in *storage.DocumentInput) { in.Audience = []string{"CB2"} })
	underDBCS := mk("3-KL/TW", func(in *storage.DocumentInput) { in.Audience = []string{"DBCS"} }) // CB1 is below DBCS
	draft := mk("4-KL/TW", func(in *storage.DocumentInput) { in.Draft = true })
	withdrawn := mk("5-KL/TW", func(*storage.DocumentInput) {})
	if _, err := e.s.WithdrawDocumentByID(ctx, withdrawn.ID, "test"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		member storage.Member
		doc    storage.Document
		want   bool
	}{
		{"NoAudienceEveryoneReads", e.cb1, whole, true},
		{"OtherCellCannotRead", e.cb1, onlyCB2, false},
		{"AudienceCellReads", e.cb2, onlyCB2, true},
		{"AudienceSubtreeReads", e.cb1, underDBCS, true},
		{"OutsideSubtreeCannotRead", e.cb2, underDBCS, false},
		{"DraftHidden", e.cb1, draft, false},
		{"WithdrawnHidden", e.cb1, withdrawn, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := e.s.MayRead(ctx, tt.member, tt.doc.ID)
			if err != nil || ok != tt.want {
				t.Fatalf("MayRead = %v, %v; want %v", ok, err, tt.want)
			}
			// So does Readable, asked of several documents at once.
			ids, err := e.s.Readable(ctx, tt.member, false, []int64{tt.doc.ID, whole.ID})
			if err != nil || slices.Contains(ids, tt.doc.ID) != tt.want || !slices.Contains(ids, whole.ID) {
				t.Fatalf("Readable = %v, %v; want %d: %v", ids, err, tt.doc.ID, tt.want)
			}
			// Listing and search follow the same rule.
			ds, total, err := e.s.DocumentsForMember(ctx, tt.member, "ket_luan", 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			if listed := containsDoc(ds, tt.doc.ID); listed != tt.want || total != len(ds) {
				t.Fatalf("listed %v (total %d of %d), want %v", listed, total, len(ds), tt.want)
			}
			hits, err := e.s.SearchDocuments(ctx, tt.member, tt.doc.Number, 10)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, h := range hits {
				found = found || h.ID == tt.doc.ID
			}
			if found != tt.want {
				t.Fatalf("found by search %v, want %v", found, tt.want)
			}
		})
	}
	t.Run("ReadableAnyPublishedForTheAdmin", func(t *testing.T) {
		ids, err := e.s.Readable(ctx, e.cb1, true, []int64{whole.ID, onlyCB2.ID, draft.ID, withdrawn.ID})
		slices.Sort(ids)
		if err != nil || !slices.Equal(ids, []int64{whole.ID, onlyCB2.ID}) {
			t.Fatalf("Readable = %v, %v; want the published %d and %d", ids, err, whole.ID, onlyCB2.ID)
		}
	})
	t.Run("CountsPerKind", func(t *testing.T) {
		in := kl21()
		in.Kind, in.Number = "nghi_quyet", "57-NQ/TW"
		MustCreateDocument(t, e.s, in)
		counts, err := e.s.DocumentKindCounts(ctx, e.cb1)
		if err != nil {
			t.Fatal(err)
		}
		want := []storage.KindCount{{Kind: "nghi_quyet", Count: 1}, {Kind: "ket_luan", Count: 2}}
		if fmt.Sprint(counts) != fmt.Sprint(want) {
			t.Fatalf("counts %v, want %v", counts, want)
		}
	})
}

func containsDoc(ds []storage.Document, id int64) bool {
	return slices.ContainsFunc(ds, func(d storage.Document) bool { return d.ID == id })
}

func TestWithdrawDocument(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	d := MustCreateDocument(t, e.s, kl21())
	got, changed, err := e.s.WithdrawDocument(ctx, "21 KL/TW", "", "cli")
	if err != nil || !changed || got.Status != storage.DocWithdrawn || got.WithdrawnAt == nil {
		t.Fatalf("withdraw: %+v %v %v", got, changed, err)
	}
	t.Run("SecondWithdrawChangesNothing", func(t *testing.T) {
		changed, err := e.s.WithdrawDocumentByID(ctx, d.ID, "cli")
		if err != nil || changed {
			t.Fatalf("second withdraw: %v %v", changed, err)
		}
		log, err := e.s.AuditLog(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range log {
			if a.Action == "document.withdraw" && a.Subject == "21-KL/TW" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d withdraw audit entries, want 1", n)
		}
	})
	t.Run("HiddenFromMembers", func(t *testing.T) {
		ds, _, err := e.s.DocumentsForMember(ctx, e.cb1, "ket_luan", 0, 8)
		if err != nil || len(ds) != 0 {
			t.Fatalf("withdrawn listed: %v %v", ds, err)
		}
	})
	t.Run("UnknownNumberNotFound", func(t *testing.T) {
		_, _, err := e.s.WithdrawDocument(ctx, "999-KL/TW", "", "cli")
		if !errors.Is(err, storage.ErrNotFound) || storage.ErrorMessage(err) == "" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("PublishAgain", func(t *testing.T) {
		if changed, err := e.s.PublishDocument(ctx, d.ID, "cli"); err != nil || !changed {
			t.Fatalf("publish: %v %v", changed, err)
		}
		if ok, _ := e.s.MayRead(ctx, e.cb1, d.ID); !ok {
			t.Fatal("republished document hidden")
		}
	})
}

func TestSearchDocuments(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	target := MustCreateDocument(t, e.s, kl21())
	others := []storage.DocumentInput{
		{Kind: "nghi_quyet", Number: "21-NQ/TW", Issuer: "Ban Chấp hành Trung ương", IssuedOn: date(2022, 1, 5),
			Title: "Nghị quyết về củng cố tổ chức cơ sở đảng"},
		{Kind: "quy_dinh", Number: "210-QĐ/TW", Issuer: "Ban Chấp hành Trung ương", IssuedOn: date(2023, 3, 1),
			Title: "Quy định về đảng viên"},
		{Kind: "ke_hoach", Number: "62-KH/TU", Issuer: "Tỉnh ủy", IssuedOn: date(2024, 6, 1),
			Title: "Kế hoạch học tập đợt sinh hoạt chính trị", Body: "Quán triệt Kết luận số 21-KL/TW đến đảng viên."},
	}
	for _, in := range others {
		MustCreateDocument(t, e.s, in)
	}
	numberForms := []string{
		"21-KL/TW", "21 KL/TW", "21kl", "21KL", "kl 21", "KL21", "kết luận 21", "Kết luận số 21", "ket luan so 21",
		"ket luan 21", "Ke\u0302\u0301t lua\u0323n 21", "KẾT LUẬN 21-KL/TW",
	}
	for _, q := range numberForms {
		t.Run("NumberFirst/"+q, func(t *testing.T) {
			hits, err := e.s.SearchDocuments(ctx, e.cb1, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].ID != target.ID || hits[0].Match != storage.MatchNumber {
				t.Fatalf("%q: %s", q, describeHits(hits))
			}
			for _, h := range hits[1:] {
				if h.Match == storage.MatchNumber {
					t.Fatalf("%q also matched number %s", q, h.Number)
				}
			}
		})
	}
	tests := []struct {
		name, query string
		want        []string // numbers, in order
		match       []string
	}{
		{"BareDigitsNotPrefixOfLonger", "21", []string{"21-NQ/TW", "21-KL/TW", "62-KH/TU"}, []string{"number", "number", "text"}},
		{"TitleWithoutDiacritics", "cung co to chuc", []string{"21-NQ/TW"}, []string{"title"}},
		{"DStrokeAsD", "dang vien", []string{"210-QĐ/TW", "62-KH/TU"}, []string{"title", "text"}},
		{"DAsDStroke", "ĐẢNG VIÊN", []string{"210-QĐ/TW", "62-KH/TU"}, []string{"title", "text"}},
		{"DecomposedQuery", "sinh hoa\u0323t chi\u0301nh tri\u0323", []string{"62-KH/TU"}, []string{"title"}},
		{"NumberBeforeTitleBeforeText", "quy dinh 210", []string{"210-QĐ/TW"}, []string{"number"}},
		{"SummaryMatches", "suy thoai", []string{"21-KL/TW"}, []string{"text"}},
		{"IssuerMatches", "tinh uy", []string{"62-KH/TU"}, []string{"text"}},
		{"NothingFound", "khong co gi", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := e.s.SearchDocuments(ctx, e.cb1, tt.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got, match []string
			for _, h := range hits {
				got, match = append(got, h.Number), append(match, h.Match)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || fmt.Sprint(match) != fmt.Sprint(tt.match) {
				t.Fatalf("%q: got %v %v, want %v %v", tt.query, got, match, tt.want, tt.match)
			}
		})
	}
	t.Run("RankNumberThenTitleThenText", func(t *testing.T) {
		// "hoc tap" is in one title and in a text; "62" is a number.
		in := kl21()
		in.Number, in.Title, in.Summary, in.Body = "70-KL/TW", "Kết luận về học tập 62 chuyên đề", "", ""
		MustCreateDocument(t, e.s, in)
		in.Number, in.Title, in.Summary = "71-KL/TW", "Kết luận khác", "Tổ chức học tập theo mục 62."
		MustCreateDocument(t, e.s, in)
		hits, err := e.s.SearchDocuments(ctx, e.cb1, "62 hoc tap", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 3 || hits[0].Number != "62-KH/TU" || hits[1].Number != "70-KL/TW" || hits[2].Number != "71-KL/TW" {
			t.Fatalf("%s", describeHits(hits))
		}
	})
	t.Run("AtMostTen", func(t *testing.T) {
		for i := 0; i < 15; i++ {
			in := kl21()
			in.Number, in.Title = fmt.Sprintf("%d-HD/BTG", 100+i), "Hướng dẫn tuyên truyền"
			in.Kind = "huong_dan"
			MustCreateDocument(t, e.s, in)
		}
		hits, err := e.s.SearchDocuments(ctx, e.cb1, "tuyen truyen", 50)
		if err != nil || len(hits) != 10 {
			t.Fatalf("%d hits, %v", len(hits), err)
		}
	})
	t.Run("EmptyQueryInvalid", func(t *testing.T) {
		_, err := e.s.SearchDocuments(ctx, e.cb1, " -/ ", 10)
		if storage.ErrorCode(err) != storage.CodeInvalid {
			t.Fatalf("got %v", err)
		}
	})
}

func describeHits(hits []storage.SearchHit) string {
	s := ""
	for _, h := range hits {
		s += fmt.Sprintf("\n  %s (%s) %s", h.Number, h.Match, h.Title)
	}
	if s == "" {
		return "no hits"
	}
	return s
}

func TestAudienceCovers(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	storagetest.MustImport(t, s, []storage.OrgInput{
		{Line: 2, Code: "ROOT", Name: "Đảng bộ xã", Kind: storage.KindDangBo},
		{Line: 3, Code: "DB1", Name: "Đảng bộ Trường học", Kind: storage.KindDangBo, ParentCode: "ROOT"},
		{Line: 4, Code: "CB1", Name: "Chi bộ Tiểu học", Kind: storage.KindChiBo, ParentCode: "DB1"},
		{Line: 5, Code: "CB2", Name: "Chi bộ bản Pà Pao", Kind: storage.KindChiBo, ParentCode: "ROOT"},
	}, nil)
	id := func(code string) int64 { o, _ := s.Organisation(ctx, code); return o.ID }
	open, err := s.CreateDocument(ctx, storage.DocumentInput{Kind: "ket_luan", Number: "1-KL/TW", Issuer: "Bộ Chính trị",
		IssuedOn: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), Title: "Cho mọi người"})
	if err != nil {
		t.Fatal(err)
	}
	school, err := s.CreateDocument(ctx, storage.DocumentInput{Kind: "ket_luan", Number: "2-KL/TW", Issuer: "Bộ Chính trị",
		IssuedOn: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), Title: "Cho trường học", Audience: []string{"DB1"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		doc  int64
		org  string
		want bool
	}{
		{"NoAudienceCoversAll", open.ID, "CB2", true},
		{"AudienceCoversItsSubtree", school.ID, "CB1", true},
		{"AudienceCoversItself", school.ID, "DB1", true},
		{"AudienceExcludesOthers", school.ID, "CB2", false},
		{"AudienceExcludesTheParent", school.ID, "ROOT", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.AudienceCovers(ctx, tc.doc, id(tc.org))
			if err != nil || got != tc.want {
				t.Fatalf("got %v %v", got, err)
			}
		})
	}
}
