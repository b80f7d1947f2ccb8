package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sotay/storage"
)

func assignmentOf(t *testing.T, s *storage.Storage, c storage.Campaign, code string) int64 {
	t.Helper()
	var id int64
	if err := s.DB().Get(&id, `SELECT a.id FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1 AND m.code = $2`,
		c.ID, code); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	return id
}

func TestOfflineStudy(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	c := e.mustPush(t, false, "ROOT")
	sec, _ := e.s.Member(ctx, "A1")
	by := storage.OfflineBy{Actor: "tg:101", MemberID: &sec.ID}
	meeting := time.Now().AddDate(0, 0, -1)
	a2 := assignmentOf(t, e.s, c, "A2")

	t.Run("TickRecordsWhoWhenAndMeeting", func(t *testing.T) {
		changed, err := e.s.MarkStudiedOffline(ctx, a2, by, meeting)
		if err != nil || !changed {
			t.Fatalf("changed %v err %v", changed, err)
		}
		a, _ := e.s.AssignmentByID(ctx, a2)
		if a.State != storage.AssignStudiedOffline || a.OfflineBy != "tg:101" || a.OfflineAt == nil || a.StudiedHow != storage.StudiedOffline ||
			a.OfflineMeetingOn == nil || a.OfflineMeetingOn.Format("2006-01-02") != meeting.Format("2006-01-02") {
			t.Fatalf("assignment %+v", a)
		}
		if changed, err := e.s.MarkStudiedOffline(ctx, a2, by, meeting); err != nil || changed {
			t.Fatalf("second tick changed %v err %v", changed, err)
		}
	})
	t.Run("StudiedOnlineRefused", func(t *testing.T) {
		a1 := assignmentOf(t, e.s, c, "A1")
		if _, _, err := e.s.MarkStudied(ctx, a1, sec.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.MarkStudiedOffline(ctx, a1, by, meeting); storage.ErrorCode(err) != storage.CodeConflict {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("FutureMeetingRefused", func(t *testing.T) {
		_, err := e.s.MarkStudiedOffline(ctx, assignmentOf(t, e.s, c, "C2"), by, time.Now().AddDate(0, 0, 2))
		if storage.ErrorCode(err) != storage.CodeInvalid {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("UndoWithin24HoursRestoresTheState", func(t *testing.T) {
		changed, err := e.s.UndoStudiedOffline(ctx, a2, "tg:101")
		if err != nil || !changed {
			t.Fatalf("changed %v err %v", changed, err)
		}
		a, _ := e.s.AssignmentByID(ctx, a2)
		if a.State != storage.AssignUnreachable || a.StudiedAt != nil || a.OfflineBy != "" {
			t.Fatalf("assignment %+v", a)
		}
	})
	t.Run("UndoAfter24HoursRefused", func(t *testing.T) {
		if _, err := e.s.MarkStudiedOffline(ctx, a2, by, meeting); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.DB().Exec(`UPDATE assignments SET offline_at = now() - interval '25 hours' WHERE id = $1`, a2); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.UndoStudiedOffline(ctx, a2, "tg:101"); storage.ErrorCode(err) != storage.CodeConflict {
			t.Fatalf("err %v", err)
		}
		cands, _ := e.s.OfflineCandidates(ctx, c.ID, e.orgs["CB1"])
		for _, x := range cands {
			if x.AssignmentID == a2 {
				t.Fatal("an old tick is still offered")
			}
		}
	})
}

func TestOfflineByCodes(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	c := e.mustPush(t, false, "DB1") // A1, A2 (CB1), B1 (CB2)
	b1, _ := e.s.Member(ctx, "B1")
	if _, _, err := e.s.MarkStudied(ctx, assignmentOf(t, e.s, c, "B1"), b1.ID); err != nil {
		t.Fatal(err)
	}
	on := time.Now()
	outcomes := func(res []storage.OfflineOutcome) string {
		s := ""
		for _, o := range res {
			s += fmt.Sprintf("%s=%s(%s) ", o.Code, o.Outcome, o.Reason)
		}
		return s
	}
	t.Run("RefusedCodesStoreNothing", func(t *testing.T) {
		res, err := e.s.OfflineByCodes(ctx, e.doc, []string{"A2", "B1", "C1", "ZZ", "A1", "a2"}, e.orgs["CB1"], storage.OfflineBy{Actor: "cli"}, on, false)
		if err != nil {
			t.Fatal(err)
		}
		want := "A2=unchanged(chưa ghi vì có mã bị từ chối) B1=refused(đã học trực tuyến) C1=refused(không được giao văn bản này) " +
			"ZZ=unknown(không có đảng viên mã này) A1=unchanged(chưa ghi vì có mã bị từ chối) "
		if got := outcomes(res); got != want {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
		if got := states(t, e.s, c.ID); got["A2"] != "unreachable" || got["A1"] != "pending" {
			t.Fatalf("states %v", got)
		}
	})
	t.Run("OutsideTheScopeRefused", func(t *testing.T) {
		res, _ := e.s.OfflineByCodes(ctx, e.doc, []string{"A1"}, e.orgs["CB2"], storage.OfflineBy{Actor: "cli"}, on, false)
		if got := outcomes(res); got != "A1=refused(được giao ở tổ chức ngoài phạm vi đã chọn) " {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("ApplyValidStoresTheRest", func(t *testing.T) {
		res, err := e.s.OfflineByCodes(ctx, e.doc, []string{"A2", "B1", "A1"}, e.orgs["DB1"], storage.OfflineBy{Actor: "cli"}, on, true)
		if err != nil {
			t.Fatal(err)
		}
		if got := outcomes(res); got != "A2=ticked() B1=refused(đã học trực tuyến) A1=ticked() " {
			t.Fatalf("got %s", got)
		}
		if got := states(t, e.s, c.ID); got["A2"] != "studied_offline" || got["A1"] != "studied_offline" || got["B1"] != "studied" {
			t.Fatalf("states %v", got)
		}
		res, _ = e.s.OfflineByCodes(ctx, e.doc, []string{"A2"}, e.orgs["DB1"], storage.OfflineBy{Actor: "cli"}, on, false)
		if got := outcomes(res); got != "A2=unchanged(đã được ghi nhận học tại chi bộ từ trước) " {
			t.Fatalf("got %s", got)
		}
	})
}
