package bot_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/demodata"
	"sotay/storage/storagetest"
)

// voiceSent is the voice notes and audio files the bot sent a user.
func voiceSent(u *telegramtest.User) []telegramtest.Message {
	var out []telegramtest.Message
	for _, m := range u.Messages() {
		if m.Voice != nil || m.Audio != nil {
			out = append(out, m)
		}
	}
	return out
}

func waitVoices(t *testing.T, u *telegramtest.User, n int) []telegramtest.Message {
	t.Helper()
	if _, err := u.WaitMessage(wait, func(telegramtest.Message) bool { return len(voiceSent(u)) >= n }); err != nil {
		t.Fatalf("want %d recordings sent: %v", n, err)
	}
	return voiceSent(u)
}

// TestVoiceSummariesEndToEnd: a secretary records a first summary from the
// phone as a reply to the card, an officer one in Mông by caption; the
// members who chose Mông get «🔊 Nghe tóm tắt (tiếng Mông, …)» on the push
// and hear it on the press, which counts as reading, once; a recording
// from the office PC is uploaded once and then sent by its file_id.
func TestVoiceSummariesEndToEnd(t *testing.T) {
	h := start(t, bot.Config{Outbox: bot.OutboxConfig{Poll: 50 * time.Millisecond}})
	ctx := context.Background()
	h.grant("DV1", storage.RoleSecretary, "CB1")
	h.grant("DV2", storage.RoleOfficer, "ROOT")
	docID := insertDocument(t, h.s)
	mp3, err := os.ReadFile("../storage/audio/testdata/short.mp3")
	if err != nil {
		t.Fatal(err)
	}
	language := func(code string) string {
		t.Helper()
		m, _ := h.s.Member(ctx, code)
		l, err := h.s.VoiceLanguage(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return l.Code
	}

	sec := h.linkedUser("DV1", 9101, "Minh")
	officer := h.linkedUser("DV2", 9102, "Hoa")
	member := h.linkedUser("DV3", 9103, "Páo")
	t.Run("LanguageAskedOnceAfterLinking", func(t *testing.T) {
		for _, u := range []*telegramtest.User{sec, officer, member} {
			waitText(t, u, "Đồng chí muốn nghe bằng tiếng gì?")
		}
		mustPress(t, member, "Mông")
		waitText(t, member, "Từ nay đồng chí nghe tóm tắt văn bản bằng tiếng Mông")
		mustPress(t, sec, "⏭ Bỏ qua")
		waitText(t, sec, "Đồng chí nghe tóm tắt bằng tiếng Việt")
		if language("DV3") != "hmn" || language("DV1") != "vi" || language("DV2") != "vi" {
			t.Fatalf("languages %s %s %s", language("DV1"), language("DV2"), language("DV3"))
		}
	})

	t.Run("SecretaryRecordsAFirstSummaryAsAReplyToTheCard", func(t *testing.T) {
		sec.SendText("/vanban")
		waitText(t, sec, "1 văn bản dành cho đồng chí")
		mustPress(t, sec, "Kết luận (1)")
		waitText(t, sec, "Chọn văn bản để xem")
		pressContaining(t, sec, docNumber)
		card := waitText(t, sec, "Nghị quyết Trung ương 4")
		if got := strings.Join(card.Buttons(), "|"); strings.Contains(got, "Nghe tóm tắt") || !strings.Contains(got, "🎙 Tóm tắt giọng nói") {
			t.Fatalf("card buttons %q", got)
		}
		voice := sec.SendVoice(demodata.SummaryOGG, "", card.ID)
		waitText(t, sec, "Bản ghi này bằng tiếng gì?")
		mustPress(t, sec, "Tiếng Việt")
		waitText(t, sec, "Lưu bản ghi?")
		mustPress(t, sec, "✅ Lưu bản ghi")
		waitText(t, sec, "Đã lưu bản tóm tắt tiếng Việt (19 giây, bản 1)")
		v, err := h.s.VoiceSummary(ctx, docID, "vi")
		if err != nil {
			t.Fatal(err)
		}
		if v.FileID != voice.Voice.FileID || v.Kind != storage.AsVoice || v.RecorderCode != "DV1" {
			t.Fatalf("kept %+v, want the voice's own file_id %s", v, voice.Voice.FileID)
		}
	})
	t.Run("SecretaryMayNotReplaceIt", func(t *testing.T) {
		files := countRows(t, h.s, `SELECT count(*) FROM files`)
		sec.SendAudio("moi.mp3", "audio/mpeg", mp3, "/giongnoi 21-KL/TW tiếng Việt", 0)
		waitText(t, sec, "đã có bản tóm tắt tiếng Việt (đồng chí Lò Văn Minh ghi ngày")
		if n := countRows(t, h.s, `SELECT count(*) FROM files`); n != files {
			t.Fatalf("%d files kept, want %d", n, files)
		}
	})
	t.Run("OverTenMinutesRefusedWithTheReason", func(t *testing.T) {
		files := countRows(t, h.s, `SELECT count(*) FROM files`)
		officer.SendAudio("dai.m4a", "audio/mp4", storagetest.M4A(12*time.Minute), "/giongnoi 21-KL/TW Dao", 0)
		waitText(t, officer, "Bản ghi dài 12 phút, tối đa 10 phút")
		if n := countRows(t, h.s, `SELECT count(*) FROM files`) + countRows(t, h.s, `SELECT count(*) FROM voice_summaries WHERE lang = 'ium'`); n != files {
			t.Fatalf("something kept: %d rows, want %d", n, files)
		}
	})
	t.Run("OfficerRecordsMongByCaption", func(t *testing.T) {
		officer.SendAudio("mong.mp3", "audio/mpeg", mp3, "/giongnoi 21-KL/TW mong", 0)
		waitText(t, officer, "Ngôn ngữ: tiếng Mông")
		mustPress(t, officer, "✅ Lưu bản ghi")
		waitText(t, officer, "Đã lưu bản tóm tắt tiếng Mông (1 giây, bản 1)")
	})

	t.Run("ARecordingSentAsAFileIsKeptAsItsFormatSays", func(t *testing.T) {
		ogg, err := os.ReadFile("../storage/audio/testdata/short.ogg")
		if err != nil {
			t.Fatal(err)
		}
		officer.SendDocument("thai.ogg", "audio/ogg", ogg, "/giongnoi 21-KL/TW Thái")
		waitText(t, officer, "Ngôn ngữ: tiếng Thái")
		mustPress(t, officer, "✅ Lưu bản ghi")
		waitText(t, officer, "Đã lưu bản tóm tắt tiếng Thái (1 giây, bản 1)")
		v, err := h.s.VoiceSummary(ctx, docID, "blt")
		if err != nil || v.Kind != storage.AsVoice || v.FileID != "" {
			t.Fatalf("kept %+v %v: a voice note to upload once, not the document's file_id", v, err)
		}
	})

	// The push: Mông for the member who chose it, Vietnamese for the others.
	if _, err := h.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: docID, OrgIDs: []int64{orgID(t, h.s, "ROOT")}, Actor: "test",
		Message: handlers.PushMessage, WithVoice: handlers.PushVoiceMessage}); err != nil {
		t.Fatal(err)
	}
	pushed := waitText(t, member, "📢 Kết luận số "+docNumber)
	waitText(t, sec, "📢 Kết luận số "+docNumber)
	t.Run("PushOffersTheMembersLanguageAndSendsNothingBeforeThePress", func(t *testing.T) {
		if got := strings.Join(pushed.Buttons(), "|"); got != "📖 Đọc toàn văn|🔊 Nghe tóm tắt (tiếng Mông, 1 giây)|✅ Tôi đã học" {
			t.Fatalf("member's buttons %q", got)
		}
		if !strings.Contains(pushed.Plain, "Có bản tóm tắt bằng tiếng Mông, dài 1 giây") {
			t.Fatalf("pushed %q", pushed.Plain)
		}
		m := waitText(t, sec, "📢 Kết luận số "+docNumber)
		if !strings.Contains(strings.Join(m.Buttons(), "|"), "🔊 Nghe tóm tắt (tiếng Việt, 19 giây)") {
			t.Fatalf("secretary's buttons %q", m.Buttons())
		}
		if len(voiceSent(member)) != 0 || len(voiceSent(sec)) != 0 {
			t.Fatal("a recording was sent before any press")
		}
	})
	assignment := func(code string) storage.Assignment {
		t.Helper()
		var id int64
		if err := h.s.DB().Get(&id, `SELECT a.id FROM assignments a JOIN members m ON m.id = a.member_id WHERE m.code = $1`, code); err != nil {
			t.Fatal(err)
		}
		a, err := h.s.AssignmentByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	telegramtest.Eventually(t, wait, "the push delivered", func() bool { return assignment("DV3").State == storage.AssignDelivered })

	t.Run("ThePressSendsTheRecordingAndRecordsReadOnce", func(t *testing.T) {
		mustPress(t, member, "🔊 Nghe tóm tắt (tiếng Mông, 1 giây)")
		got := waitVoices(t, member, 1)[0]
		if got.Audio == nil || got.Method != "sendAudio" || !strings.Contains(got.Plain, "Tóm tắt Kết luận số 21-KL/TW (tiếng Mông, 1 giây)") {
			t.Fatalf("sent %+v", got)
		}
		waitAnswer(t, member, "Đã ghi nhận đồng chí đã đọc văn bản")
		a := assignment("DV3")
		if a.State != storage.AssignRead || a.ReadAt == nil {
			t.Fatalf("assignment %+v", a)
		}
		mustPress(t, member, "🔊 Nghe tóm tắt (tiếng Mông, 1 giây)")
		waitVoices(t, member, 2)
		if again := assignment("DV3"); again.State != storage.AssignRead || !again.ReadAt.Equal(*a.ReadAt) {
			t.Fatalf("the second press changed it: %+v", again)
		}
		rows, err := h.s.StudyFigures(ctx, storage.StudyFilter{DocumentID: docID}, orgID(t, h.s, "ROOT"))
		if err != nil {
			t.Fatal(err)
		}
		if tot := rows[0].Total; tot.Listened != 1 || tot.Read != 1 {
			t.Fatalf("figures %+v", tot)
		}
	})
	t.Run("AForgedPressChangesNothing", func(t *testing.T) {
		before := assignment("DV1")
		own, _ := sec.LastMessage()
		// Lự: not a language, no summary in it.
		sec.Press(own.ID, fmt.Sprintf("ng:%d:khb", docID))
		waitAnswer(t, sec, "không có bản tóm tắt giọng nói bằng ngôn ngữ đó")
		// A document the secretary may not read (for CB2 only).
		other := insertAudienceDocument(t, h.s, "CB2")
		if _, err := h.s.AddVoiceSummary(ctx, storage.VoiceInput{DocumentID: other, Lang: "vi", Data: demodata.SummaryOGG, Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		sec.Press(own.ID, fmt.Sprintf("ng:%d:vi", other))
		waitAnswer(t, sec, "không dành cho đồng chí")
		if after := assignment("DV1"); after.State != before.State || after.ReadAt != nil || countRows(t, h.s, `SELECT count(*) FROM voice_listens WHERE member_id = $1`, after.MemberID) != 0 {
			t.Fatalf("changed: %+v", after)
		}
		if len(voiceSent(sec)) != 0 {
			t.Fatal("a recording was sent on a forged press")
		}
	})
	t.Run("UploadedOnceThenSentByItsFileID", func(t *testing.T) {
		ogg, err := os.ReadFile("../storage/audio/testdata/short.ogg")
		if err != nil {
			t.Fatal(err)
		}
		dao, err := h.s.AddVoiceSummary(ctx, storage.VoiceInput{DocumentID: docID, Lang: "ium", Name: "dao.ogg", Data: ogg, Actor: "cli"})
		if err != nil || dao.FileID != "" || dao.Kind != storage.AsVoice {
			t.Fatalf("from the office PC: %+v %v", dao, err)
		}
		for _, u := range []*telegramtest.User{sec, officer} {
			u.SendText("/ngonngu")
			waitText(t, u, "Đồng chí đang nghe bằng")
			mustPress(t, u, "Dao")
			waitText(t, u, "Từ nay đồng chí nghe tóm tắt văn bản bằng tiếng Dao")
		}
		sec.SendText("/hoctap")
		waitText(t, sec, "Văn bản đồng chí cần học")
		pressContaining(t, sec, "1. "+docNumber)
		waitText(t, sec, "Có bản tóm tắt bằng tiếng Dao")
		pressContaining(t, sec, "🔊 Nghe tóm tắt (tiếng Dao")
		first := waitVoices(t, sec, 1)[0]
		if a := assignment("DV2"); a.State != storage.AssignDelivered || a.ReadAt != nil {
			t.Fatalf("the secretary's press changed the officer's assignment: %+v", a)
		}
		telegramtest.Eventually(t, wait, "the upload's file_id kept", func() bool {
			v, _ := h.s.VoiceSummary(ctx, docID, "ium")
			return v.FileID != ""
		})
		officer.SendText("/hoctap")
		waitText(t, officer, "Văn bản đồng chí cần học")
		pressContaining(t, officer, "1. "+docNumber)
		waitText(t, officer, "Có bản tóm tắt bằng tiếng Dao")
		pressContaining(t, officer, "🔊 Nghe tóm tắt (tiếng Dao")
		second := waitVoices(t, officer, 1)[0]
		if fileOf(first) == "" || fileOf(second) != fileOf(first) {
			t.Fatalf("sent as %q then %q: uploaded twice", fileOf(first), fileOf(second))
		}
	})
	t.Run("TheSummariesPageListsTheVersions", func(t *testing.T) {
		officer.SendText("/vanban")
		waitText(t, officer, "văn bản dành cho đồng chí")
		mustPress(t, officer, "Kết luận (1)")
		waitText(t, officer, "Chọn văn bản để xem")
		pressContaining(t, officer, docNumber)
		card, err := officer.WaitMessage(wait, func(m telegramtest.Message) bool {
			return strings.Contains(strings.Join(m.Buttons(), "|"), "🎙 Tóm tắt giọng nói|⬅ Danh sách")
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(card.Buttons(), "|"); !strings.Contains(got, "🔊 Nghe tóm tắt (tiếng Dao, 1 giây)|🎙 Tóm tắt giọng nói") {
			t.Errorf("card buttons %q", got)
		}
		mustPress(t, officer, "🎙 Tóm tắt giọng nói")
		page := waitText(t, officer, "Để thêm hoặc thay một bản")
		for _, want := range []string{"Tiếng Việt\n• Bản 1: 19 giây, đồng chí Lò Văn Minh ghi ngày", "Mông\n• Bản 1: 1 giây, đồng chí Hoàng Thị Hoa ghi", "Dao\n• Bản"} {
			if !strings.Contains(page.Plain, want) {
				t.Errorf("page lacks %q:\n%s", want, page.Plain)
			}
		}
	})
}

func orgID(t *testing.T, s *storage.Storage, code string) int64 {
	t.Helper()
	o, err := s.Organisation(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func fileOf(m telegramtest.Message) string {
	if m.Voice != nil {
		return m.Voice.FileID
	}
	if m.Audio != nil {
		return m.Audio.FileID
	}
	return ""
}

func countRows(t *testing.T, s *storage.Storage, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// insertAudienceDocument writes a published document for one
// organisation's subtree.
func insertAudienceDocument(t *testing.T, s *storage.Storage, org string) int64 {
	t.Helper()
	var id int64
	err := s.DB().Get(&id, `INSERT INTO documents (kind, number, issuer, issued_on, title, summary, status, number_key, published_at)
		VALUES ('thong_bao', '9-TB/ĐU', 'Đảng ủy xã', '2026-10-01', 'Thông báo riêng', 'Riêng một chi bộ.', 'published', '9tbdu', now()) RETURNING id`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO document_audiences (document_id, org_id) VALUES ($1, $2)`, id, orgID(t, s, org)); err != nil {
		t.Fatal(err)
	}
	return id
}
