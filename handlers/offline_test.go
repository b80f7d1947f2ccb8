package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sotay/storage"
	"sotay/storage/storagetest"
)

func TestOfflineTicking(t *testing.T) {
	e := newStudyEnv(t)
	ctx := context.Background()
	c := e.pushTo(t, e.doc1, 10, "ROOT")
	a2, a3 := e.assignment(t, c, "DV2"), e.assignment(t, c, "DV3")
	day := e.clock.Now().AddDate(0, 0, -1).Format("20060102")

	t.Run("MemberWithoutRoleRefused", func(t *testing.T) {
		e.replyToPress(t, 702, "hoff", "không có quyền")
	})
	t.Run("SecretaryTicksOwnCell", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 701, "/hoctap")
		if e.rec.buttons()["📋 Ghi nhận học tại chi bộ"] != "hoff" {
			t.Fatalf("buttons %v", e.rec.buttons())
		}
		e.press(t, 701, "hoff")
		e.tap(t, 701, "off", fmt.Sprintf("c:%d", c.ID))
		e.tap(t, 701, "off", "d:"+day) // one cell: straight to the date
		if !contains(e.rec.buttonLabels(), "☐ Hoàng Thị Hoa") || contains(e.rec.buttonLabels(), "Giàng A Páo") {
			t.Fatal("a member of another cell is offered")
		}
		e.tap(t, 701, "off", fmt.Sprintf("t:%d", a2))
		if !contains(e.rec.buttonLabels(), "☑ Hoàng Thị Hoa") {
			t.Fatalf("labels %q", e.rec.buttonLabels())
		}
		e.tap(t, 701, "off", "ok")
		a, _ := e.s.AssignmentByID(ctx, a2)
		if a.State != storage.AssignStudiedOffline || a.OfflineBy != "tg:701" || a.OfflineMeetingOn.Format("20060102") != day {
			t.Fatalf("assignment %+v", a)
		}
		e.said(t, "Đã ghi nhận <b>1</b> đồng chí")
	})
	t.Run("ForgedTickOfAnotherCellChangesNothing", func(t *testing.T) {
		e.press(t, 701, "hoff")
		e.tap(t, 701, "off", fmt.Sprintf("c:%d", c.ID))
		e.tap(t, 701, "off", "d:"+day)
		ok := e.rec.find("off", "ok")
		intent := strings.Split(ok, ":")[1]
		e.rec.reset()
		e.press(t, 701, fmt.Sprintf("off:%s:t:%d", intent, a3))
		e.press(t, 701, ok)
		if e.state(t, a3) != storage.AssignPending {
			t.Fatalf("state %s", e.state(t, a3))
		}
		e.said(t, "không còn trong danh sách")
	})
	t.Run("UntickWithin24HoursUndoes", func(t *testing.T) {
		e.press(t, 701, "hoff")
		e.tap(t, 701, "off", fmt.Sprintf("c:%d", c.ID))
		e.tap(t, 701, "off", "d:"+day)
		if !contains(e.rec.buttonLabels(), "☑ Hoàng Thị Hoa") {
			t.Fatalf("the earlier tick is not shown: %q", e.rec.buttonLabels())
		}
		e.tap(t, 701, "off", fmt.Sprintf("t:%d", a2))
		e.tap(t, 701, "off", "ok")
		if s := e.state(t, a2); s != storage.AssignPending {
			t.Fatalf("state %s", s)
		}
	})
	t.Run("OfficerPicksAnyCellInScope", func(t *testing.T) {
		storagetest.MustGrant(t, e.s, "DV3", storage.RoleOfficer, "ROOT")
		e.press(t, 703, "hoff")
		e.tap(t, 703, "off", fmt.Sprintf("c:%d", c.ID))
		e.tap(t, 703, "off", fmt.Sprintf("o:%d", orgID(t, e.s, "CB2")))
		e.tap(t, 703, "off", "d:"+day)
		e.tap(t, 703, "off", fmt.Sprintf("t:%d", a3))
		e.tap(t, 703, "off", "ok")
		if s := e.state(t, a3); s != storage.AssignStudiedOffline {
			t.Fatalf("state %s", s)
		}
	})
	t.Run("FutureDateTypedIsRefused", func(t *testing.T) {
		e.press(t, 701, "hoff")
		e.tap(t, 701, "off", fmt.Sprintf("c:%d", c.ID))
		e.replyTo(t, 701, "25/12/2026", "chưa tới")
		e.text(t, 701, "hôm qua")
		e.said(t, "Bấm tên các đồng chí")
	})
}
