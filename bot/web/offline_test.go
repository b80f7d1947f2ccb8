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

// pressAged presses a button as the page does for an action it kept
// offline: with its client id and its age.
func (c *client) pressAged(label, id string, age time.Duration) string {
	c.t.Helper()
	m, data := c.button(label)
	code, out := c.postJSON("api/press", map[string]any{"messageId": m.ID, "data": data, "clientId": id, "age": age.Milliseconds()})
	if code != http.StatusOK {
		c.t.Fatalf("press %q: %d %v", label, code, out)
	}
	toast, _ := out["toast"].(string)
	return toast
}

// Presses the page kept offline and sent later are recorded at the time
// the member made them (receipt minus age) when plausible, and at receipt
// otherwise; the reply says which; a press sent twice counts once.
func TestOfflinePressesRecordedWhenMade(t *testing.T) {
	st := start(t)
	ctx := context.Background()
	dv1 := st.browser()
	dv1.signIn(st.link("DV1"))
	dv1.poll()
	me := st.member("DV1").ID
	actedAt := func(id string) time.Time {
		var at time.Time
		if err := st.s.DB().Get(&at, `SELECT received_at - age_ms * interval '1 millisecond' FROM web_actions WHERE member_id = $1 AND client_id = $2`, me, id); err != nil {
			t.Fatalf("action %s: %v", id, err)
		}
		return at
	}

	docID := insertDocument(t, st.s)
	root, _ := st.s.Organisation(ctx, "ROOT")
	c, err := st.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: docID, OrgIDs: []int64{root.ID}, Actor: "test", Message: handlers.PushMessage})
	if err != nil {
		t.Fatal(err)
	}
	dv1.waitFor("Kết luận số 21-KL/TW")
	// The push went out three hours ago; the member studied offline two hours ago.
	if _, err := st.s.DB().Exec(`UPDATE campaigns SET created_at = created_at - interval '3 hours' WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	studiedAt := func() (at time.Time, n int) {
		_ = st.s.DB().Get(&n, `SELECT count(*) FROM assignments WHERE member_id = $1 AND state = 'studied'`, me)
		_ = st.s.DB().Get(&at, `SELECT studied_at FROM assignments WHERE member_id = $1 AND campaign_id = $2`, me, c.ID)
		return at, n
	}

	pushMsg, studyData := dv1.button("✅ Tôi đã học")
	t.Run("StudiedWhileOffline", func(t *testing.T) {
		dv1.t = t
		toast := dv1.pressAged("✅ Tôi đã học", "offline-study-0001", 2*time.Hour)
		if !strings.Contains(toast, "Ghi nhận lúc") || !strings.Contains(toast, "khi chưa có mạng") {
			t.Errorf("the toast does not say the time recorded: %q", toast)
		}
		at, n := studiedAt()
		if want := actedAt("offline-study-0001"); !at.Equal(want) || n != 1 {
			t.Fatalf("studied at %v (%d studied), want %v", at, n, want)
		}
		shown := dv1.waitFor("Đã học ngày")
		if !strings.Contains(shown.HTML, "khi chưa có mạng") {
			t.Errorf("the message does not say the time recorded: %s", shown.HTML)
		}
	})
	t.Run("SentTwiceCountsOnce", func(t *testing.T) {
		dv1.t = t
		before, _ := studiedAt()
		// The first send went through and edited the message; the page,
		// not knowing, sends the same press again.
		code, out := dv1.postJSON("api/press", map[string]any{"messageId": pushMsg.ID, "data": studyData, "clientId": "offline-study-0001", "age": 2 * time.Hour.Milliseconds()})
		if code != http.StatusOK {
			t.Fatalf("sent again: %d %v", code, out)
		}
		if at, n := studiedAt(); n != 1 || !at.Equal(before) {
			t.Fatalf("studied at %v (%d studied), want %v once", at, n, before)
		}
	})

	t.Run("NoticeAnsweredWhileOffline", func(t *testing.T) {
		dv1.t = t
		hoa := st.tg.User(2002, "Hoa")
		hoa.SendText("/start " + st.invite("DV2"))
		waitText(t, hoa, "Đã liên kết")
		storagetest.MustGrant(t, st.s, "DV2", storage.RoleSecretary, "CB1")
		day := time.Now().In(noon()).AddDate(0, 0, 3).Format("02/01/2006")
		hoa.SendText(fmt.Sprintf("/lichhop %s; 19:30; Nhà văn hóa bản; Quán triệt Kết luận 21", day))
		waitText(t, hoa, "Đã gửi thông báo họp")
		dv1.waitFor("Thông báo họp chi bộ")
		if _, err := st.s.DB().Exec(`UPDATE meetings SET created_at = created_at - interval '3 hours'`); err != nil {
			t.Fatal(err)
		}
		answeredAt := func() time.Time {
			var at time.Time
			telegramtest.Eventually(t, wait, "the answer", func() bool {
				return st.s.DB().Get(&at, `SELECT answered_at FROM meeting_answers WHERE member_id = $1 AND answer = 'present'`, me) == nil
			})
			return at
		}
		// Made "before the notice" by the phone's account: not believed.
		toast := dv1.pressAged("✅ Có mặt", "offline-answer-0001", 5*time.Hour)
		if !strings.Contains(toast, "lúc máy chủ nhận được") {
			t.Errorf("the toast does not say the receipt time was recorded: %q", toast)
		}
		var received time.Time
		_ = st.s.DB().Get(&received, `SELECT received_at FROM web_actions WHERE client_id = 'offline-answer-0001'`)
		if at := answeredAt(); at.Before(received) {
			t.Fatalf("an implausible age was believed: answered at %v, received %v", at, received)
		}
		// One hour ago, after the notice: believed.
		toast = dv1.pressAged("✅ Có mặt", "offline-answer-0002", time.Hour)
		if !strings.Contains(toast, "khi chưa có mạng") {
			t.Errorf("the toast does not say the time recorded: %q", toast)
		}
		if at, want := answeredAt(), actedAt("offline-answer-0002"); !at.Equal(want) {
			t.Fatalf("answered at %v, want %v", at, want)
		}
	})
	t.Run("ReasonReplayedAfterTheDialogExpired", func(t *testing.T) {
		dv1.t = t
		dv1.press("🚫 Vắng (có lý do)")
		dv1.waitFor("Đồng chí vắng vì lý do gì")
		// The phone was offline for more than a day: the question expired.
		if _, err := st.s.DB().Exec(`UPDATE dialogs SET expires_at = now() - interval '1 minute' WHERE telegram_user_id = $1`, storage.WebChatID(me)); err != nil {
			t.Fatal(err)
		}
		code, out := dv1.postJSON("api/send", map[string]any{"text": "ốm", "clientId": "offline-reason-0001", "age": (25 * time.Hour).Milliseconds()})
		if code != http.StatusOK {
			t.Fatalf("send: %d %v", code, out)
		}
		reply := dv1.waitFor("đã quá 24 giờ")
		if !strings.Contains(reply.HTML, "lý do vắng họp") {
			t.Errorf("not the expired dialog's message: %s", reply.HTML)
		}
		var reason string
		_ = st.s.DB().Get(&reason, `SELECT reason FROM meeting_answers WHERE member_id = $1`, me)
		if reason != "" {
			t.Errorf("the expired answer was stored: %q", reason)
		}
	})
}
