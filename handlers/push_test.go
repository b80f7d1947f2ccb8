package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sotay/handlers"
	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// pushEnv is newEnv with a published document whose audience is CB1 only,
// DV1 an admin over ROOT (user 701), DV2 linked (702), DV3 linked (703)
// and an officer over CB2.
func pushEnv(t *testing.T) (*env, int64) {
	t.Helper()
	e := linkedEnv(t)
	ctx := context.Background()
	storagetest.MustGrant(t, e.s, "DV1", storage.RoleAdmin, "ROOT")
	storagetest.MustGrant(t, e.s, "DV3", storage.RoleOfficer, "CB2")
	var id int64
	err := e.s.DB().Get(&id, `INSERT INTO documents (kind, number, issuer, issued_on, title, summary, body, status, number_key, published_at)
		VALUES ('nghi_quyet', '05-NQ/TU', 'Tỉnh ủy', '2026-03-02', 'Về phát triển kinh tế', 'Tóm tắt <quan trọng>', 'Toàn văn.', 'published', '05nqtu', now())
		RETURNING id`)
	if err != nil {
		t.Fatal(err)
	}
	cb1, _ := e.s.Organisation(ctx, "CB1")
	if _, err := e.s.DB().Exec(`INSERT INTO document_audiences (document_id, org_id) VALUES ($1, $2)`, id, cb1.ID); err != nil {
		t.Fatal(err)
	}
	return e, id
}

func orgID(t *testing.T, s *storage.Storage, code string) int64 {
	t.Helper()
	o, err := s.Organisation(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func count(t *testing.T, s *storage.Storage, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPushDialog(t *testing.T) {
	e, doc := pushEnv(t)
	cb1, cb2 := orgID(t, e.s, "CB1"), orgID(t, e.s, "CB2")

	steps := []struct {
		name, user, data, want string
	}{
		{"CommandListsPublishedDocuments", "text", "/gui", "Bước 1/3"},
		{"DocumentAsksForScope", "tap", fmt.Sprintf("d:%d", doc), "Bước 2/3: gửi cho ai?"},
		{"CellPickerOpens", "tap", "c", "đã chọn 0"},
		{"TickingACellCountsIt", "tap", fmt.Sprintf("t:%d", cb1), "đã chọn 1"},
		{"TickingTwiceUnticks", "tap", fmt.Sprintf("t:%d", cb1), "đã chọn 0"},
		{"DoneWithoutCellsExplains", "tap", "n", "callback:Chưa chọn chi bộ nào"},
		{"TickBothCells", "tap", fmt.Sprintf("t:%d", cb2), "đã chọn 1"},
		{"TickSecondCell", "tap", fmt.Sprintf("t:%d", cb1), "đã chọn 2"},
		{"DoneShowsReach", "tap", "n", "Sẽ giao cho <b>3</b> đảng viên: 3 nhận được qua Telegram"},
		// A deadline button's value is checked as `sotay push --due` checks a
		// typed one (storage.CheckDueDay): a forged one is refused, the step stays.
		{"ForgedDeadlineAYearAheadRefused", "forge", "h:400", "còn hơn một năm nữa"},
		{"ForgedDeadlineInThePastRefused", "forge", "h:-3", "đã qua"},
		{"DeadlineShowsConfirm", "tap", "h:7", "Đồng chí kiểm tra lại rồi bấm gửi."},
		{"ConfirmStartsSending", "tap", "ok", "Đang gửi 0/3"},
		{"SecondConfirmFindsNothing", "tap", "ok", "đã xong hoặc đã hết hạn"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.rec.reset()
			switch st.user {
			case "text":
				e.text(t, 701, st.data)
			case "forge":
				e.press(t, 701, forgeArgs(t, e, "gui", "h:7", st.data))
				if got := dialogStep(t, e.s, 701); got != "gui/due" {
					t.Fatalf("after the forged press: step %q", got)
				}
			default:
				e.tap(t, 701, "gui", st.data)
			}
			if !contains(e.rec.texts(), st.want) {
				t.Fatalf("want %q in %q", st.want, e.rec.texts())
			}
		})
	}
	t.Run("OneCampaignWithDeadlineAndThreeMessages", func(t *testing.T) {
		if n := count(t, e.s, `SELECT count(*) FROM campaigns WHERE due_on IS NOT NULL`); n != 1 {
			t.Fatalf("%d campaigns", n)
		}
		if n := count(t, e.s, `SELECT count(*) FROM outbox WHERE kind = 'push'`); n != 3 {
			t.Fatalf("%d queued", n)
		}
	})
	t.Run("OfficerOutsideScopeRefused", func(t *testing.T) {
		open := openDocument(t, e.s, "06-NQ/TU")
		e.rec.reset()
		e.text(t, 703, "/gui")
		e.tap(t, 703, "gui", fmt.Sprintf("d:%d", open))
		e.rec.reset()
		// A forged press: CB1 is outside this officer's scope, so no
		// button names it; the data is made from the dialog's own.
		e.press(t, 703, strings.TrimSuffix(e.rec.find("gui", "c"), ":c")+fmt.Sprintf(":s:%d", cb1))
		e.said(t, "callback:Mục này không còn trong danh sách")
		if got := dialogStep(t, e.s, 703); got != "gui/scope" {
			t.Fatalf("step %q", got)
		}
	})
	t.Run("MemberCannotPush", func(t *testing.T) {
		e.replyTo(t, 702, "/gui", "không có quyền")
	})
	t.Run("TypingDuringTheDialogPointsToTheButtons", func(t *testing.T) {
		e.replyTo(t, 703, "CB1 và CB2", "hãy bấm các nút")
	})
}

// openDocument publishes a document for the whole commune.
func openDocument(t *testing.T, s *storage.Storage, number string) int64 {
	t.Helper()
	d, err := s.CreateDocument(context.Background(), storage.DocumentInput{Kind: "ket_luan", Number: number, Issuer: "Tỉnh ủy",
		IssuedOn: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Title: "Cho toàn Đảng bộ", Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// TestPushListsOnlyWhatThePusherMayPush: the document of pushEnv is meant
// for CB1 only; DV3, an officer over CB2, may neither see its title in
// /gui nor choose it with a forged button.
func TestPushListsOnlyWhatThePusherMayPush(t *testing.T) {
	e, restricted := pushEnv(t)
	open := openDocument(t, e.s, "06-NQ/TU")
	listed := func(user int64) string {
		t.Helper()
		e.rec.reset()
		e.text(t, user, "/gui")
		return strings.Join(append(e.rec.texts(), e.rec.buttonLabels()...), "\n")
	}
	t.Run("OfficerOutsideTheAudienceDoesNotSeeIt", func(t *testing.T) {
		got := listed(703)
		if strings.Contains(got, "05-NQ/TU") || strings.Contains(got, "phát triển kinh tế") || !strings.Contains(got, "06-NQ/TU") ||
			!strings.Contains(got, "(1 văn bản đang công bố)") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("ForgedButtonRefused", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 703, "/gui")
		e.rec.reset()
		// Forged: the list does not show the restricted document.
		e.press(t, 703, strings.Replace(e.rec.find("gui", fmt.Sprintf("d:%d", open)), fmt.Sprintf(":d:%d", open), fmt.Sprintf(":d:%d", restricted), 1))
		got := strings.Join(e.rec.texts(), "\n")
		if !strings.Contains(got, "callback:Mục này không còn trong danh sách") || strings.Contains(got, "phát triển kinh tế") || strings.Contains(got, "05-NQ/TU") {
			t.Fatalf("got %q", got)
		}
		if n := count(t, e.s, `SELECT count(*) FROM dialogs WHERE step <> 'doc'`); n != 0 {
			t.Fatalf("%d dialogs moved on", n)
		}
	})
	t.Run("OfficerOverTheCommuneOutsideTheAudienceDoesNotSeeIt", func(t *testing.T) {
		// DV3 is a member of CB2: the audience excludes them even from the root.
		storagetest.MustGrant(t, e.s, "DV3", storage.RoleOfficer, "ROOT")
		if got := listed(703); strings.Contains(got, "05-NQ/TU") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("OfficerInsideTheAudienceSeesIt", func(t *testing.T) {
		storagetest.MustGrant(t, e.s, "DV2", storage.RoleOfficer, "CB1")
		if got := listed(702); !strings.Contains(got, "05-NQ/TU") || !strings.Contains(got, "(2 văn bản đang công bố)") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("CommuneAdminSeesEverything", func(t *testing.T) {
		if got := listed(701); !strings.Contains(got, "05-NQ/TU") || !strings.Contains(got, "06-NQ/TU") {
			t.Fatalf("got %q", got)
		}
	})
}

func TestStudyAndReading(t *testing.T) {
	e, doc := pushEnv(t)
	ctx := context.Background()
	c, err := e.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: doc, OrgIDs: []int64{orgID(t, e.s, "CB2")},
		Actor: "test", Message: handlers.PushMessage})
	if err != nil {
		t.Fatal(err)
	}
	dv3, dv1 := mustMember(t, e.s, "DV3"), mustMember(t, e.s, "DV1")
	var aid int64
	if err := e.s.DB().Get(&aid, `SELECT id FROM assignments WHERE campaign_id = $1 AND member_id = $2`, c.ID, dv3.ID); err != nil {
		t.Fatal(err)
	}
	state := func() string {
		a, _ := e.s.AssignmentByID(ctx, aid)
		return a.State
	}

	t.Run("AssignedMemberOutsideAudienceMayRead", func(t *testing.T) {
		ok, err := e.s.MayRead(ctx, dv3, doc)
		if err != nil || !ok {
			t.Fatalf("may read %v %v", ok, err)
		}
	})
	t.Run("OpeningTheTextRecordsReading", func(t *testing.T) {
		e.press(t, 703, fmt.Sprintf("dt:%d:1", doc))
		if s := state(); s != storage.AssignRead {
			t.Fatalf("state %s", s)
		}
	})
	t.Run("AnotherMembersButtonRefused", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 701, fmt.Sprintf("hoc:%d", aid))
		if !contains(e.rec.texts(), "callback:Đồng chí không có quyền") || state() != storage.AssignRead {
			t.Fatalf("got %q, state %s", e.rec.texts(), state())
		}
		_ = dv1
	})
	t.Run("StudiedMarksAndSwapsTheButton", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 703, fmt.Sprintf("hoc:%d", aid))
		if state() != storage.AssignStudied || !contains(e.rec.texts(), "callback:✅ Đã ghi nhận") {
			t.Fatalf("got %q, state %s", e.rec.texts(), state())
		}
		var edited bool
		for _, m := range edits(e.rec.sent) {
			if m.ReplyMarkup != nil &&
				strings.Contains(m.Text, "✅ <b>Đã học ngày ") && len(m.ReplyMarkup.InlineKeyboard) == 1 {
				edited = true
			}
		}
		if !edited {
			t.Fatalf("the pushed message was not edited to say it was studied: %q", e.rec.texts())
		}
	})
	t.Run("SecondPressOnlyReminds", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 703, fmt.Sprintf("hoc:%d", aid))
		if got := e.rec.texts(); len(got) != 1 || !strings.Contains(got[0], "đã xác nhận học văn bản này ngày") {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("ReadingAfterStudyKeepsStudied", func(t *testing.T) {
		e.press(t, 703, fmt.Sprintf("dt:%d:1", doc))
		if s := state(); s != storage.AssignStudied {
			t.Fatalf("state %s", s)
		}
	})
}

func TestPushMessage(t *testing.T) {
	due := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
	base := storage.Document{ID: 9, Kind: "ket_luan", Number: "21-KL/TW", Issuer: "Bộ Chính trị",
		IssuedOn: time.Date(2021, 10, 25, 0, 0, 0, 0, time.UTC), Title: "Về <xây dựng> Đảng", Summary: "Tóm tắt.", Body: "Toàn văn."}
	withFile := base
	withFile.FileName = "kl21.pdf"
	fileOnly := withFile
	fileOnly.Body = ""
	tests := []struct {
		name     string
		doc      storage.Document
		due      *time.Time
		buttons  string
		contains []string
		lacks    []string
	}{
		{"WithoutFileTwoButtons", base, nil, "📖 Đọc toàn văn|✅ Tôi đã học",
			[]string{"Kết luận số 21-KL/TW", "Bộ Chính trị, ngày 25/10/2021", "Về &lt;xây dựng&gt; Đảng", "Tóm tắt."}, []string{"Hạn học tập"}},
		{"WithFileAndDeadline", withFile, &due, "📖 Đọc toàn văn|📎 Tải tệp|✅ Tôi đã học",
			[]string{"⏰ Hạn học tập: <b>15/12/2026</b>"}, nil},
		{"FileWithoutTextNoReadButton", fileOnly, nil, "📎 Tải tệp|✅ Tôi đã học", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, markup := handlers.PushMessage(tc.doc, storage.Campaign{DueOn: tc.due}, 77)
			kb := markup.(chat.Markup)
			var labels, data []string
			for _, row := range kb.InlineKeyboard {
				for _, b := range row {
					labels, data = append(labels, b.Text), append(data, *b.CallbackData)
				}
			}
			if got := strings.Join(labels, "|"); got != tc.buttons {
				t.Errorf("buttons %q, want %q", got, tc.buttons)
			}
			if (tc.doc.Body != "" && data[0] != "dt:9:1") || data[len(data)-1] != "hoc:77" {
				t.Errorf("callback data %q", data)
			}
			for _, s := range tc.contains {
				if !strings.Contains(text, s) {
					t.Errorf("text lacks %q: %s", s, text)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(text, s) {
					t.Errorf("text has %q: %s", s, text)
				}
			}
		})
	}
}

func TestPushProgress(t *testing.T) {
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	sent := now.Add(31 * time.Second)
	st := storage.CampaignStats{Campaign: storage.Campaign{ID: 4, DocKind: "ket_luan", DocNumber: "21-KL/TW", CreatedAt: now},
		Total: 870, Delivered: 450, Unreachable: 12, NotLinked: 10, Pending: 408, Queued: 408}
	tests := []struct {
		name  string
		st    func() storage.CampaignStats
		final bool
		want  string
		kb    bool
	}{
		{"SendingShowsCountAndTimeLeft", func() storage.CampaignStats { return st }, false,
			"Đang gửi 452/860 · 2 không liên lạc được · 10 chưa liên kết Telegram · còn khoảng 15 giây", false},
		{"FinalShowsSummaryAndReportButton", func() storage.CampaignStats {
			f := st
			f.Delivered, f.Pending, f.Queued, f.LastSentAt = 858, 0, 0, &sent
			return f
		}, true, "Đã nhận: <b>858/870</b> đảng viên\nKhông liên lạc được: 12 (chưa liên kết Telegram: 10; đã chặn bot hoặc không mở được cuộc trò chuyện: 2)\nThời gian gửi: 31 giây", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, kb := handlers.PushProgress(tc.st(), tc.final, 28)
			if !strings.Contains(text, tc.want) {
				t.Fatalf("%q lacks %q", text, tc.want)
			}
			if (kb != nil) != tc.kb || (kb != nil && *kb.InlineKeyboard[0][0].CallbackData != "gbc:4") {
				t.Fatalf("keyboard %+v", kb)
			}
		})
	}
}

// TestPushCellPickerPagesAndFilters: the cell picker says which page of
// how many it shows, and a typed name (without diacritics) lists the
// cells whose names hold it.
func TestPushCellPickerPagesAndFilters(t *testing.T) {
	e, doc := pushEnv(t)
	ctx := context.Background()
	var orgs []storage.OrgInput
	for i := range 20 {
		name := fmt.Sprintf("Chi bộ bản Cốc Phát %d", i+1)
		if i >= 17 {
			name = fmt.Sprintf("Chi bộ bản Nà Hiên %d", i-16)
		}
		orgs = append(orgs, storage.OrgInput{Line: i + 2, Code: fmt.Sprintf("CBX%d", i), Name: name, Kind: storage.KindChiBo, ParentCode: "ROOT"})
	}
	if _, err := e.s.ImportOrgs(ctx, orgs, nil, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	e.text(t, 701, "/gui")
	e.tap(t, 701, "gui", fmt.Sprintf("d:%d", doc))
	e.rec.reset()
	e.tap(t, 701, "gui", "c")
	e.lastHas(t, "22 chi bộ. Gõ vài chữ trong tên để lọc", "Trang 1/3")
	e.tap(t, 701, "gui", "pg:cells:8")
	e.lastHas(t, "Trang 2/3")

	e.rec.reset()
	e.text(t, 701, "na hien")
	e.lastHas(t, "4/22 chi bộ có «na hien» trong tên.") // CB1 is Chi bộ bản Nà Hiên
	labels := strings.Join(e.rec.buttonLabels(), "|")
	if !strings.Contains(labels, "☐ Chi bộ bản Nà Hiên 1|☐ Chi bộ bản Nà Hiên 2|☐ Chi bộ bản Nà Hiên 3") || strings.Contains(labels, "Cốc Phát") || strings.Contains(e.last(), "Trang") {
		t.Fatalf("filtered list %q\n%s", labels, e.last())
	}
	// A cell ticked from the filtered list stays ticked with the filter gone.
	e.tap(t, 701, "gui", fmt.Sprintf("t:%d", orgID(t, e.s, "CBX18")))
	e.lastHas(t, "đã chọn 1")
	e.text(t, 701, "xyz")
	e.lastHas(t, "Không có chi bộ nào có «xyz» trong tên.")
	e.rec.reset()
	e.tap(t, 701, "gui", "fx")
	e.lastHas(t, "đã chọn 1", "22 chi bộ", "Trang 1/3")
	e.tap(t, 701, "gui", "n")
	e.lastHas(t, "Phạm vi: Chi bộ bản Nà Hiên 2")
}
