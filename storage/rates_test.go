package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sotay/storage"
)

// rateTree is campaignEnv grown into the tree the rates are checked on,
// with one document pushed three times:
//
//	ROOT Đảng bộ xã
//	├── CB3 Chi bộ bản Pà Pao     C1 (linked), C2, later D1
//	└── DB1 Đảng bộ Trường học
//	    ├── CB2 Chi bộ Mầm non    B1 (linked), later A2
//	    ├── CB4 Chi bộ Thôn cũ    D1 — dissolved after the first push
//	    └── CB1 Chi bộ Tiểu học   A1 (linked), A2 until moved
//
// Push 1 (ROOT): A1 read, A2 unreachable (not linked), B1 studied,
// C1 delivered, C2 unreachable, D1 studied at the cell meeting (CB4).
// Then D1 moves to CB3 and CB4 is dissolved; A2 moves to CB2 and links.
// Push 2 (DB1, new members only): A2, now in CB2, studies online.
// Push 3 (CB3, everyone again): C1 pending, C2 and D1 unreachable.
//
// Counted once each, furthest state, where that assignment placed them:
// CB1 A1 read · CB2 B1 studied, A2 studied · CB4 D1 offline ·
// CB3 C1 delivered, C2 unreachable.
func rateTree(t *testing.T) (campaignEnv, []storage.Campaign) {
	t.Helper()
	ctx := context.Background()
	e := newCampaignEnv(t)
	if _, err := e.s.ImportOrgs(ctx, []storage.OrgInput{{Line: 2, Code: "CB4", Name: "Chi bộ Thôn cũ", Kind: storage.KindChiBo, ParentCode: "DB1"}},
		nil, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.ImportMembers(ctx, []storage.MemberInput{{Line: 2, Code: "D1", FullName: "Hà Văn F", OrgCode: "CB4"}},
		nil, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	o, _ := e.s.Organisation(ctx, "CB4")
	e.orgs["CB4"] = o.ID
	set := func(c storage.Campaign, code, state string) {
		t.Helper()
		var id int64
		if err := e.s.DB().Get(&id, `SELECT a.id FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1 AND m.code = $2`,
			c.ID, code); err != nil {
			t.Fatalf("%s in campaign %d: %v", code, c.ID, err)
		}
		if err := e.s.RecordAssignmentState(ctx, id, state, "", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	c1 := e.mustPush(t, false, "ROOT")
	set(c1, "A1", storage.AssignRead)
	set(c1, "B1", storage.AssignStudied)
	set(c1, "C1", storage.AssignDelivered)
	set(c1, "D1", storage.AssignStudiedOffline)
	for _, mv := range [][2]string{{"D1", "CB3"}, {"A2", "CB2"}} {
		if err := e.s.MoveMember(ctx, mv[0], mv[1], "test"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.s.DissolveOrganisation(ctx, "CB4", "test"); err != nil {
		t.Fatal(err)
	}
	a2, _ := e.s.Member(ctx, "A2")
	if err := e.s.LinkTelegram(ctx, a2.ID, 105); err != nil {
		t.Fatal(err)
	}
	c2 := e.mustPush(t, false, "DB1")
	if got := states(t, e.s, c2.ID); fmt.Sprint(got) != "map[A2:pending]" {
		t.Fatalf("push 2 assigned %v", got)
	}
	set(c2, "A2", storage.AssignStudied)
	c3 := e.mustPush(t, true, "CB3")
	if got := states(t, e.s, c3.ID); fmt.Sprint(got) != "map[C1:pending C2:unreachable D1:unreachable]" {
		t.Fatalf("push 3 assigned %v", got)
	}
	return e, []storage.Campaign{c1, c2, c3}
}

// rateLine is a row as "CODE assigned/pending/delivered/read/studied/offline/unreachable/failed rate online".
func rateLine(r storage.OrgStudy) string {
	c := r.Total
	return fmt.Sprintf("%s %d/%d/%d/%d/%d/%d/%d/%d %.1f %.1f", r.Code, c.Assigned, c.Pending, c.Delivered, c.Read, c.Studied,
		c.StudiedOffline, c.Unreachable, c.Failed, storage.RoundRate(c.Rate()), storage.RoundRate(c.OnlineRate()))
}

func TestStudyRates(t *testing.T) {
	e, cs := rateTree(t)
	ctx := context.Background()
	rates := func(t *testing.T, f storage.StudyFilter, root string) []string {
		t.Helper()
		rows, err := e.s.StudyRates(ctx, f, e.orgs[root])
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			sum := r.Total.Pending + r.Total.Delivered + r.Total.Read + r.Total.Studied + r.Total.StudiedOffline + r.Total.Unreachable + r.Total.Failed
			if sum != r.Total.Assigned {
				t.Errorf("%s: states add up to %d, assigned %d", r.Code, sum, r.Total.Assigned)
			}
			out = append(out, rateLine(r))
		}
		return out
	}
	t.Run("DocumentPushedThriceCountsEachMemberOnceWhereAssigned", func(t *testing.T) {
		got := rates(t, storage.StudyFilter{DocumentID: e.doc}, "ROOT")
		want := []string{
			"ROOT 6/0/1/1/2/1/1/0 50.0 33.3",
			"CB3 2/0/1/0/0/0/1/0 0.0 0.0",
			"DB1 4/0/0/1/2/1/0/0 75.0 50.0",
			"CB2 2/0/0/0/2/0/0/0 100.0 100.0",
			"CB4 1/0/0/0/0/1/0/0 100.0 0.0",
			"CB1 1/0/0/1/0/0/0/0 0.0 0.0",
		}
		sameLines(t, got, want)
	})
	t.Run("DissolvedCellKeepsItsRowAndDepth", func(t *testing.T) {
		rows, _ := e.s.StudyRates(ctx, storage.StudyFilter{DocumentID: e.doc}, e.orgs["ROOT"])
		for _, r := range rows {
			if r.Code == "CB4" && (!r.Dissolved || r.Depth != 2 || r.ParentCode != "DB1") {
				t.Fatalf("CB4 row %+v", r)
			}
		}
	})
	t.Run("SubtreeAskedFirst", func(t *testing.T) {
		got := rates(t, storage.StudyFilter{DocumentID: e.doc}, "DB1")
		if len(got) != 4 || got[0] != "DB1 4/0/0/1/2/1/0/0 75.0 50.0" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("OneCampaignAlone", func(t *testing.T) {
		got := rates(t, storage.StudyFilter{CampaignID: cs[0].ID}, "ROOT")
		want := []string{
			"ROOT 6/0/1/1/1/1/2/0 33.3 16.7",
			"CB3 2/0/1/0/0/0/1/0 0.0 0.0",
			"DB1 4/0/0/1/1/1/1/0 50.0 25.0",
			"CB2 1/0/0/0/1/0/0/0 100.0 100.0",
			"CB4 1/0/0/0/0/1/0/0 100.0 0.0",
			"CB1 2/0/0/1/0/0/1/0 0.0 0.0",
		}
		sameLines(t, got, want)
	})
	t.Run("ThirdCampaignAlone", func(t *testing.T) {
		got := rates(t, storage.StudyFilter{CampaignID: cs[2].ID}, "ROOT")
		if strings.Join(got, "|") != "ROOT 3/1/0/0/0/0/2/0 0.0 0.0|CB3 3/1/0/0/0/0/2/0 0.0 0.0" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("PeriodCoversEveryCampaignInIt", func(t *testing.T) {
		got := rates(t, storage.StudyFilter{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)}, "ROOT")
		if got[0] != "ROOT 6/0/1/1/2/1/1/0 50.0 33.3" {
			t.Fatalf("got %q", got)
		}
		none := rates(t, storage.StudyFilter{From: time.Now().Add(time.Hour)}, "ROOT")
		if strings.Join(none, "|") != "ROOT 0/0/0/0/0/0/0/0 0.0 0.0" {
			t.Fatalf("empty period %q", none)
		}
	})
	t.Run("NoFilterRefused", func(t *testing.T) {
		if _, err := e.s.StudyRates(ctx, storage.StudyFilter{}, e.orgs["ROOT"]); storage.ErrorCode(err) != storage.CodeInvalid {
			t.Fatalf("err %v", err)
		}
	})
}

func TestRoundRate(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{83.333, "83.3"}, {83.35, "83.4"}, {100, "100.0"}, {0, "0.0"}, {2.0 / 3 * 100, "66.7"}} {
		if got := fmt.Sprintf("%.1f", storage.RoundRate(tc.in)); got != tc.want {
			t.Errorf("RoundRate(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// sameLines fails the test unless got and want are the same lines.
func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
