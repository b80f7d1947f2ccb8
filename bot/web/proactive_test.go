package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"sotay/bot/telegramtest"
	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// insertDocument writes a published document row directly.
func insertDocument(t testing.TB, s *storage.Storage) int64 {
	t.Helper()
	var id int64
	err := s.DB().Get(&id, `INSERT INTO documents (kind, number, issuer, issued_on, title, summary, body, status, number_key, published_at)
		VALUES ('ket_luan', '21-KL/TW', 'Bộ Chính trị', '2021-10-25', 'Về tiếp tục đẩy mạnh xây dựng, chỉnh đốn Đảng',
		'Kết luận yêu cầu các cấp ủy tiếp tục thực hiện nghiêm Nghị quyết Trung ương 4.', 'Toàn văn kết luận.', 'published', '21kltw', now())
		RETURNING id`)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Proactive messages reach a member on every channel they have: a push
// reaches DV1 on the web (no Telegram) at once and counts as delivered,
// DV2 on Telegram and on the web, and only DV3, on neither, is
// unreachable; study on the web is recorded once; a reminder and a meeting
// notice reach the web too, and the notice's answer pressed there counts.
func TestProactiveMessagesReachTheWeb(t *testing.T) {
	st := start(t)
	ctx := context.Background()
	dv1 := st.browser()
	if code := dv1.signIn(st.link("DV1")); code != http.StatusSeeOther {
		t.Fatalf("tap: %d", code)
	}
	dv1.poll()
	hoa := st.tg.User(2002, "Hoa")
	hoa.SendText("/start " + st.invite("DV2"))
	waitText(t, hoa, "Đã liên kết")
	dv2 := st.browser()
	dv2.signIn(st.link("DV2"))
	dv2.poll()

	docID := insertDocument(t, st.s)
	root, err := st.s.Organisation(ctx, "ROOT")
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: docID, OrgIDs: []int64{root.ID}, Actor: "test", Message: handlers.PushMessage})
	if err != nil {
		t.Fatal(err)
	}
	push := dv1.waitFor("Kết luận số 21-KL/TW")
	dv2.waitFor("Kết luận số 21-KL/TW")
	waitText(t, hoa, "Kết luận số 21-KL/TW")
	if len(push.Inline) == 0 {
		t.Fatalf("the push came without its buttons: %+v", push)
	}
	states := func() map[string]string {
		return storagetest.Pairs[string, string](t, st.s, `SELECT m.code AS k, a.state AS v FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1`, c.ID)
	}
	telegramtest.Eventually(t, wait, "both delivered", func() bool {
		s := states()
		return s["DV1"] == storage.AssignDelivered && s["DV2"] == storage.AssignDelivered
	})
	if s := states(); s["DV3"] != storage.AssignUnreachable {
		t.Errorf("DV3, on neither channel: %q", s["DV3"])
	}
	if n := len(hoa.Messages()); n == 0 || st.tg.Calls("sendMessage") > 4 {
		t.Errorf("Telegram got %d sends", st.tg.Calls("sendMessage"))
	}

	t.Run("ReminderReachesTheWeb", func(t *testing.T) {
		dv1.t = t
		res, err := st.s.RemindCampaign(ctx, c.ID, []int64{root.ID}, "test", noon(), handlers.ReminderMessage)
		if err != nil {
			t.Fatal(err)
		}
		if res.Unreachable != 1 {
			t.Errorf("%+v: only DV3 is unreachable", res)
		}
		dv1.waitFor("Nhắc học tập")
	})

	t.Run("StudiedOnTheWebOnce", func(t *testing.T) {
		dv1.t = t
		dv1.press("✅ Tôi đã học")
		telegramtest.Eventually(t, wait, "DV1 studied", func() bool { return states()["DV1"] == storage.AssignStudied })
		var n int
		if err := st.s.DB().Get(&n, `SELECT count(*) FROM assignments WHERE member_id = $1 AND state = 'studied'`, st.member("DV1").ID); err != nil || n != 1 {
			t.Errorf("%d studied (%v)", n, err)
		}
	})

	t.Run("NoticeAnsweredOnTheWeb", func(t *testing.T) {
		dv1.t = t
		storagetest.MustGrant(t, st.s, "DV2", storage.RoleSecretary, "CB1")
		day := time.Now().In(noon()).AddDate(0, 0, 3).Format("02/01/2006")
		hoa.SendText(fmt.Sprintf("/lichhop %s; 19:30; Nhà văn hóa bản; Quán triệt Kết luận 21", day))
		sent := waitText(t, hoa, "Đã gửi thông báo họp")
		if strings.Contains(sent.Plain, "chưa liên kết Telegram và chưa đăng nhập web") {
			t.Errorf("the web member counted as not reached: %q", sent.Plain)
		}
		dv1.waitFor("Thông báo họp chi bộ")
		dv1.press("✅ Có mặt")
		telegramtest.Eventually(t, wait, "the answer", func() bool {
			var a string
			_ = st.s.DB().Get(&a, `SELECT answer FROM meeting_answers WHERE member_id = $1`, st.member("DV1").ID)
			return a == storage.AnswerPresent
		})
	})
}

// noon is a zone where it is about noon now: no quiet hours.
func noon() *time.Location {
	return time.FixedZone("noon", (12-time.Now().UTC().Hour())*3600)
}
