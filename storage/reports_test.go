package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sotay/storage"
)

func TestMeetingReportVersions(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	s := e.s
	a1, _ := s.Member(ctx, "A1")
	b1, _ := s.Member(ctx, "B1")
	nov := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	first, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: e.orgs["CB1"], Kind: storage.MeetingRegular, HeldOn: nov,
		Present: 1, Total: 2, Topic: "Quán triệt", By: a1.ID})
	if err != nil {
		t.Fatal(err)
	}
	if first.Version != 1 || first.Change != storage.ChangeCreated || first.ReportedByCode != "A1" || first.OrgCode != "CB1" {
		t.Fatalf("first = %+v", first)
	}
	t.Run("SecondRegularSameMonthConflicts", func(t *testing.T) {
		_, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: e.orgs["CB1"], Kind: storage.MeetingRegular,
			HeldOn: nov.AddDate(0, 0, 5), Present: 2, Total: 2, Topic: "Khác", By: a1.ID})
		if !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("err = %v, want conflict", err)
		}
		got, err := s.RegularMeeting(ctx, e.orgs["CB1"], nov.AddDate(0, 0, 5))
		if err != nil || got.ID != first.ID {
			t.Fatalf("RegularMeeting = %+v, %v", got, err)
		}
	})
	t.Run("TopicalSameMonthIsFine", func(t *testing.T) {
		if _, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: e.orgs["CB1"], Kind: storage.MeetingTopical,
			HeldOn: nov.AddDate(0, 0, 2), Present: 2, Total: 2, Topic: "Chuyên đề", By: a1.ID}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ReplaceKeepsHistory", func(t *testing.T) {
		got, err := s.SaveMeetingReport(ctx, storage.MeetingInput{ReportID: first.ID, Change: storage.ChangeReplaced, OrgID: e.orgs["CB1"],
			Kind: storage.MeetingRegular, HeldOn: nov.AddDate(0, 0, 5), Present: 2, Total: 2, Topic: "Thay", By: b1.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != first.ID || got.Version != 2 || got.Change != storage.ChangeReplaced || got.Present != 2 || got.ReportedByCode != "B1" {
			t.Fatalf("replaced = %+v", got)
		}
		vs, err := s.MeetingVersions(ctx, first.ID)
		if err != nil || len(vs) != 2 || vs[0].Topic != "Quán triệt" || vs[0].ReportedByCode != "A1" || vs[1].Topic != "Thay" {
			t.Fatalf("versions = %+v, %v", vs, err)
		}
	})
	t.Run("FiguresUseLatestVersion", func(t *testing.T) {
		list, err := s.MeetingReports(ctx, storage.ReportFilter{Roots: []int64{e.orgs["DB1"]}})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("list = %+v", list)
		}
		for _, r := range list {
			if r.ID == first.ID && (r.Version != 2 || r.Topic != "Thay") {
				t.Fatalf("not the latest: %+v", r)
			}
		}
		none, err := s.MeetingReports(ctx, storage.ReportFilter{Roots: []int64{e.orgs["CB3"]}})
		if err != nil || len(none) != 0 {
			t.Fatalf("CB3 = %+v, %v", none, err)
		}
		dated, err := s.MeetingReports(ctx, storage.ReportFilter{From: nov.AddDate(0, 0, 3), To: nov.AddDate(0, 0, 30)})
		if err != nil || len(dated) != 1 || dated[0].ID != first.ID {
			t.Fatalf("dated = %+v, %v", dated, err)
		}
	})
	t.Run("CorrectionCannotMoveReport", func(t *testing.T) {
		_, err := s.SaveMeetingReport(ctx, storage.MeetingInput{ReportID: first.ID, OrgID: e.orgs["CB3"],
			Kind: storage.MeetingRegular, HeldOn: nov, Present: 1, Total: 2, By: b1.ID})
		if !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("PresentAboveTotalRefused", func(t *testing.T) {
		_, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: e.orgs["CB2"], Kind: storage.MeetingTopical, HeldOn: nov, Present: 3, Total: 2})
		if storage.ErrorCode(err) != storage.CodeInvalid {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("TextsByTheirRuleRefused", func(t *testing.T) {
		// Storage validates what it is given, whichever way it came in.
		_, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: e.orgs["CB2"], Kind: storage.MeetingTopical, HeldOn: nov, Present: 1, Total: 2, Topic: "🎉🎉"})
		if storage.ErrorCode(err) != storage.CodeInvalid || !strings.Contains(storage.ErrorMessage(err), "không có chữ hoặc số nào") {
			t.Fatalf("meeting: err = %v", err)
		}
		_, err = s.SaveSupervisionReport(ctx, storage.SupervisionInput{OrgID: e.orgs["CB2"], Kind: storage.SupervisionInspection, HeldOn: nov,
			Content: strings.Repeat("a", storage.MaxText+1)})
		if storage.ErrorCode(err) != storage.CodeInvalid || !strings.Contains(storage.ErrorMessage(err), "dài quá") {
			t.Fatalf("supervision: err = %v", err)
		}
		if reps, err := s.MeetingReports(ctx, storage.ReportFilter{Roots: []int64{e.orgs["CB2"]}}); err != nil || len(reps) != 0 {
			t.Fatalf("stored: %+v %v", reps, err)
		}
	})
	t.Run("ReviewAndCorrectionResubmits", func(t *testing.T) {
		if err := s.ReviewReport(ctx, first.ID, a1.ID, "Ghi rõ người vắng"); err != nil {
			t.Fatal(err)
		}
		info, err := s.ReportByID(ctx, first.ID)
		if err != nil || info.State != storage.ReportReturned || info.ReportedBy == nil || *info.ReportedBy != b1.ID {
			t.Fatalf("info = %+v, %v", info, err)
		}
		got, err := s.SaveMeetingReport(ctx, storage.MeetingInput{ReportID: first.ID, OrgID: e.orgs["CB1"],
			Kind: storage.MeetingRegular, HeldOn: nov, Present: 2, Total: 2, AbsentReasons: "không", Topic: "Thay", By: b1.ID})
		if err != nil || got.Version != 3 || got.State != storage.ReportSubmitted || got.Change != storage.ChangeCorrected {
			t.Fatalf("corrected = %+v, %v", got, err)
		}
	})
}

func TestSupervisionReport(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	s := e.s
	a1, _ := s.Member(ctx, "A1")
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	r, err := s.SaveSupervisionReport(ctx, storage.SupervisionInput{OrgID: e.orgs["ROOT"], Body: storage.BodyCommission,
		Kind: storage.SupervisionInspection, HeldOn: day, OrgsExamined: 2, MembersExamined: 5, Violations: 1, Content: "N", Measures: "M", By: a1.ID})
	if err != nil {
		t.Fatal(err)
	}
	if r.Body != storage.BodyCommission || r.Violations != 1 || r.Version != 1 {
		t.Fatalf("r = %+v", r)
	}
	r2, err := s.SaveSupervisionReport(ctx, storage.SupervisionInput{ReportID: r.ID, OrgID: e.orgs["ROOT"],
		Kind: storage.SupervisionInspection, HeldOn: day, OrgsExamined: 2, MembersExamined: 4, Content: "N", By: a1.ID})
	if err != nil || r2.Version != 2 || r2.Body != storage.BodyCommittee || r2.MembersExamined != 4 {
		t.Fatalf("r2 = %+v, %v", r2, err)
	}
	vs, err := s.SupervisionVersions(ctx, r.ID)
	if err != nil || len(vs) != 2 || vs[0].MembersExamined != 5 {
		t.Fatalf("versions = %+v, %v", vs, err)
	}
	if _, err := s.SaveSupervisionReport(ctx, storage.SupervisionInput{OrgID: e.orgs["ROOT"], Kind: "thanh_tra", HeldOn: day}); storage.ErrorCode(err) != storage.CodeInvalid {
		t.Fatalf("unknown kind: %v", err)
	}
	list, err := s.SupervisionReports(ctx, storage.ReportFilter{Roots: []int64{e.orgs["ROOT"]}})
	if err != nil || len(list) != 1 || list[0].Version != 2 {
		t.Fatalf("list = %+v, %v", list, err)
	}
}

func TestMembersOn(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	// The roster was imported today: members are taken to have been in
	// their cell before, so last month's meeting has its total.
	n, err := e.s.MembersOn(ctx, e.orgs["CB1"], time.Now().AddDate(0, -1, 0))
	if err != nil || n != 2 {
		t.Fatalf("CB1 last month = %d, %v", n, err)
	}
	if err := e.s.MoveMember(ctx, "A2", "CB3", "test"); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.s.MembersOn(ctx, e.orgs["CB1"], time.Now()); n != 1 {
		t.Fatalf("CB1 after the move = %d", n)
	}
	if n, _ := e.s.MembersOn(ctx, e.orgs["CB3"], time.Now()); n != 3 {
		t.Fatalf("CB3 after the move = %d", n)
	}
	orgs, members, err := e.s.SubtreeSize(ctx, e.orgs["DB1"])
	if err != nil || orgs != 3 || members != 2 {
		t.Fatalf("DB1 size = %d, %d, %v", orgs, members, err)
	}
}

func TestImportFoundingDate(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	day := time.Date(1975, 2, 3, 0, 0, 0, 0, time.UTC)
	rep, err := e.s.ImportOrgs(ctx, []storage.OrgInput{{Line: 2, Code: "CB1", Name: "Chi bộ Tiểu học", Kind: storage.KindChiBo, ParentCode: "DB1", FoundedOn: &day}}, nil, storage.ImportOptions{})
	if err != nil || rep.Updated != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	o, _ := e.s.Organisation(ctx, "CB1")
	if o.FoundedOn == nil || !o.FoundedOn.Equal(day) {
		t.Fatalf("founded %v", o.FoundedOn)
	}
	// A file without the column keeps the date.
	rep, err = e.s.ImportOrgs(ctx, []storage.OrgInput{{Line: 2, Code: "CB1", Name: "Chi bộ Tiểu học", Kind: storage.KindChiBo, ParentCode: "DB1"}}, nil, storage.ImportOptions{})
	if err != nil || rep.Unchanged != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	if o, _ = e.s.Organisation(ctx, "CB1"); o.FoundedOn == nil {
		t.Fatal("founding date erased")
	}
}
