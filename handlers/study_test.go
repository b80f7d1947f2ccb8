package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

var hcm = storagetest.Local

// studyEnv is the small commune on a clock set to 1 December 2026, 09:00 in
// Hà Nội: DV1 (701) secretary of CB1, DV2 (702) in CB1, DV3 (703) in CB2,
// all linked; two published documents with text.
type studyEnv struct {
	*env
	clock      *storagetest.Clock
	doc1, doc2 int64
}

func newStudyEnv(t *testing.T) *studyEnv {
	t.Helper()
	ck := storagetest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, hcm))
	s := storagetest.New(t, storage.WithClock(ck.Now))
	storagetest.SeedCommune(t, s)
	e := &env{s: s, rec: &recorder{}, files: memFiles{}, id: 1000}
	e.h = handlers.New(handlers.Deps{Store: s, Sender: e.rec, BotUsername: "sotay_test_bot", Files: e.files, Now: ck.Now, Location: hcm})
	se := &studyEnv{env: e, clock: ck}
	e.link(t, "DV1", 701)
	e.link(t, "DV2", 702)
	e.link(t, "DV3", 703)
	storagetest.MustGrant(t, s, "DV1", storage.RoleSecretary, "CB1")
	se.doc1 = insertDoc(t, s, "21-KL/TW", "Về tiếp tục đẩy mạnh xây dựng Đảng")
	se.doc2 = insertDoc(t, s, "05-NQ/TU", "Về phát triển kinh tế")
	return se
}

func insertDoc(t *testing.T, s *storage.Storage, number, title string) int64 {
	t.Helper()
	var id int64
	err := s.DB().Get(&id, `INSERT INTO documents (kind, number, issuer, issued_on, title, summary, body, status, number_key, published_at)
		VALUES ('ket_luan', $1, 'Bộ Chính trị', '2026-10-25', $2, 'Tóm tắt.', 'Toàn văn.', 'published', $3, now()) RETURNING id`,
		number, title, storage.NumberKey(number))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// pushTo creates a campaign of doc to the organisations, due in dueIn days
// (none when negative).
func (e *studyEnv) pushTo(t *testing.T, doc int64, dueIn int, orgs ...string) storage.Campaign {
	t.Helper()
	var ids []int64
	for _, o := range orgs {
		ids = append(ids, orgID(t, e.s, o))
	}
	in := storage.CampaignInput{DocumentID: doc, OrgIDs: ids, All: true, Actor: "test", Message: handlers.PushMessage}
	if dueIn >= 0 {
		due := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, dueIn)
		in.DueOn = &due
	}
	c, err := e.s.CreateCampaign(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *studyEnv) assignment(t *testing.T, c storage.Campaign, code string) int64 {
	t.Helper()
	var id int64
	if err := e.s.DB().Get(&id, `SELECT a.id FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1 AND m.code = $2`,
		c.ID, code); err != nil {
		t.Fatal(err)
	}
	return id
}

func (e *studyEnv) state(t *testing.T, id int64) string {
	t.Helper()
	a, err := e.s.AssignmentByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a.State
}

func TestStudiedButton(t *testing.T) {
	e := newStudyEnv(t)
	c := e.pushTo(t, e.doc1, 10, "CB1")
	a2 := e.assignment(t, c, "DV2")

	t.Run("ForgedDataNamingAnotherMembersAssignmentRefused", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 703, fmt.Sprintf("hoc:%d", a2))
		if !contains(e.rec.texts(), "không có quyền") || e.state(t, a2) != storage.AssignPending {
			t.Fatalf("got %q, state %s", e.rec.texts(), e.state(t, a2))
		}
	})
	t.Run("MalformedDataChangesNothing", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 702, "hoc:abc")
		e.press(t, 702, "hoc:-1")
		if e.state(t, a2) != storage.AssignPending {
			t.Fatal("state changed")
		}
	})
	t.Run("PressEditsTheMessageWithTheDate", func(t *testing.T) {
		e.rec.reset()
		e.clock.Set(time.Date(2026, 12, 2, 23, 30, 0, 0, hcm)) // 16:30 UTC: the local day is the 2nd
		e.press(t, 702, fmt.Sprintf("hoc:%d", a2))
		ed := edits(e.rec.sent)
		if len(ed) != 1 || !strings.Contains(ed[0].Text, "✅ <b>Đã học ngày 02/12/2026</b>") || !strings.Contains(ed[0].Text, "21-KL/TW") {
			t.Fatalf("edits %+v", ed)
		}
		for _, row := range ed[0].ReplyMarkup.InlineKeyboard {
			for _, b := range row {
				if strings.Contains(b.Text, "Tôi đã học") {
					t.Fatal("the study button is still there")
				}
			}
		}
		if e.state(t, a2) != storage.AssignStudied || !contains(e.rec.texts(), "callback:✅ Đã ghi nhận") {
			t.Fatalf("state %s, %q", e.state(t, a2), e.rec.texts())
		}
	})
	t.Run("DoubleTapAnswersAndChangesNothing", func(t *testing.T) {
		before, _ := e.s.AssignmentByID(context.Background(), a2)
		e.rec.reset()
		e.clock.Set(time.Date(2026, 12, 5, 9, 0, 0, 0, hcm))
		e.press(t, 702, fmt.Sprintf("hoc:%d", a2))
		after, _ := e.s.AssignmentByID(context.Background(), a2)
		if got := e.rec.texts(); len(got) != 1 || !strings.Contains(got[0], "đã xác nhận học văn bản này ngày 02/12/2026 rồi") {
			t.Fatalf("got %q", got)
		}
		if !after.StudiedAt.Equal(*before.StudiedAt) {
			t.Fatal("studied_at moved")
		}
	})
	t.Run("AfterWithdrawalPoliteAndNothingChanges", func(t *testing.T) {
		c2 := e.pushTo(t, e.doc2, 10, "CB2")
		a3 := e.assignment(t, c2, "DV3")
		if _, err := e.s.WithdrawDocumentByID(context.Background(), e.doc2, "test"); err != nil {
			t.Fatal(err)
		}
		e.rec.reset()
		e.press(t, 703, fmt.Sprintf("hoc:%d", a3))
		if !contains(e.rec.texts(), "callback:Văn bản này đã được thu hồi") || e.state(t, a3) != storage.AssignPending {
			t.Fatalf("got %q, state %s", e.rec.texts(), e.state(t, a3))
		}
	})
	t.Run("AfterTheCampaignClosedPoliteAndNothingChanges", func(t *testing.T) {
		a1 := e.assignment(t, c, "DV1")
		if _, err := e.s.CloseCampaign(context.Background(), c.ID, "test"); err != nil {
			t.Fatal(err)
		}
		e.rec.reset()
		e.press(t, 701, fmt.Sprintf("hoc:%d", a1))
		if !contains(e.rec.texts(), "callback:Đợt học tập văn bản này đã kết thúc") || e.state(t, a1) != storage.AssignPending {
			t.Fatalf("got %q, state %s", e.rec.texts(), e.state(t, a1))
		}
	})
}

func TestStudyListAndRecord(t *testing.T) {
	e := newStudyEnv(t)
	late := e.pushTo(t, e.doc1, -1, "CB1") // no deadline
	soon := e.pushTo(t, e.doc2, 2, "CB1")
	e.clock.Set(time.Date(2026, 12, 5, 9, 0, 0, 0, hcm)) // doc2 is now 2 days overdue

	t.Run("NearestDeadlineFirstOverdueMarked", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 702, "/hoctap")
		got := strings.Join(e.rec.texts(), "\n")
		i, j := strings.Index(got, "05-NQ/TU"), strings.Index(got, "21-KL/TW")
		if i < 0 || j < 0 || i > j || !strings.Contains(got, "Quá hạn</b> 2 ngày") || !strings.Contains(got, "Không có hạn") {
			t.Fatalf("got %s", got)
		}
		if !contains(e.rec.buttonLabels(), "⚠️ 1. 05-NQ/TU") {
			t.Fatalf("buttons %q", e.rec.buttonLabels())
		}
	})
	t.Run("OneTapOpensThePushAgain", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 702, fmt.Sprintf("hp:%d", e.assignment(t, soon, "DV2")))
		if !contains(e.rec.texts(), "📢 <b>Kết luận số 05-NQ/TU</b>") || !contains(e.rec.buttonLabels(), "✅ Tôi đã học") {
			t.Fatalf("got %q %q", e.rec.texts(), e.rec.buttonLabels())
		}
	})
	t.Run("AnotherMembersPushRefused", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 703, fmt.Sprintf("hp:%d", e.assignment(t, soon, "DV2")))
		if contains(e.rec.texts(), "📢") || !contains(e.rec.texts(), "không có quyền") {
			t.Fatalf("got %q", e.rec.texts())
		}
	})
	t.Run("CardShowsStateDeadlineAndTheButton", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 702, fmt.Sprintf("doc:%d", e.doc1))
		got := strings.Join(e.rec.texts(), "\n")
		if !strings.Contains(got, "Đồng chí được giao học văn bản này") || !strings.Contains(got, "Chưa gửi") || !strings.Contains(got, "Không có hạn") {
			t.Fatalf("card %s", got)
		}
		data := e.rec.buttons()["✅ Tôi đã học"]
		if data != fmt.Sprintf("hoc:%d:c", e.assignment(t, late, "DV2")) {
			t.Fatalf("study button %q", data)
		}
		e.rec.reset()
		e.press(t, 702, data)
		got = strings.Join(e.rec.texts(), "\n")
		if !strings.Contains(got, "✅ Đã học ngày 05/12/2026, trực tuyến") || contains(e.rec.buttonLabels(), "✅ Tôi đã học") {
			t.Fatalf("card after press %s %q", got, e.rec.buttonLabels())
		}
	})
	t.Run("MemberNotAssignedSeesNoStudyBlock", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 703, fmt.Sprintf("doc:%d", e.doc1))
		if contains(e.rec.texts(), "được giao") || contains(e.rec.buttonLabels(), "✅ Tôi đã học") {
			t.Fatalf("got %q", e.rec.texts())
		}
	})
	t.Run("RecordSaysStudiedAndPending", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 702, "/cuatoi")
		got := strings.Join(e.rec.texts(), "\n")
		if !strings.Contains(got, "Đã học 1/2") || !strings.Contains(got, "05/12/2026, trực tuyến") || !strings.Contains(got, "Quá hạn") {
			t.Fatalf("record %s", got)
		}
	})
	t.Run("NothingLeft", func(t *testing.T) {
		e.replyTo(t, 703, "/hoctap", "không còn văn bản nào")
	})
}

// TestMyRecordFitsOneMessage: a member assigned many documents gets whole
// lines within one message, and the count of those left out.
func TestMyRecordFitsOneMessage(t *testing.T) {
	e := newStudyEnv(t)
	for i := 0; i < 60; i++ {
		doc := insertDoc(t, e.s, fmt.Sprintf("%d-HD/TU", 100+i), "Hướng dẫn thực hiện một nghị quyết có tên rất dài để lấp đầy tin nhắn của đồng chí")
		e.pushTo(t, doc, 10, "CB1")
	}
	e.rec.reset()
	e.text(t, 702, "/cuatoi")
	got := e.rec.texts()
	if len(got) != 1 {
		t.Fatalf("got %d messages: %q", len(got), got)
	}
	if n := utf16Len(got[0]); n > handlers.MaxMessageLen || !strings.Contains(got[0], "văn bản khác.") || !strings.Contains(got[0], "Đã học 0/60") {
		t.Fatalf("%d characters: %q", n, got[0])
	}
	if strings.Count(got[0], "<b>") != strings.Count(got[0], "</b>") {
		t.Fatalf("a tag was cut: %q", got[0])
	}
}
