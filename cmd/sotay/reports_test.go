package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

func TestReportsCommand(t *testing.T) {
	dsn, env := database(t)
	s := open(t, dsn)
	storagetest.SeedCommune(t, s)
	ctx := context.Background()
	org := func(code string) int64 {
		o, err := s.Organisation(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	dv2, _ := s.Member(ctx, "DV2")
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	m1, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: org("CB1"), Kind: storage.MeetingRegular, HeldOn: day(5), Present: 1, Total: 2, Topic: "Quán triệt; Kết luận 21", By: dv2.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveMeetingReport(ctx, storage.MeetingInput{ReportID: m1.ID, OrgID: org("CB1"), Kind: storage.MeetingRegular, HeldOn: day(5), Present: 2, Total: 2, Topic: "Quán triệt, đã sửa", By: dv2.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: org("CB2"), Kind: storage.MeetingTopical, HeldOn: day(20), Present: 1, Total: 1, Topic: "Chuyên đề"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: org("CB2"), Kind: storage.MeetingRegular, HeldOn: time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC), Present: 1, Total: 1, Topic: "Tháng trước"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveSupervisionReport(ctx, storage.SupervisionInput{OrgID: org("ROOT"), Body: storage.BodyCommission, Kind: storage.SupervisionInspection,
		HeldOn: day(10), OrgsExamined: 2, MembersExamined: 3, Violations: 1, Content: "Chấp hành Điều lệ", Measures: "Nhắc nhở", By: dv2.ID}); err != nil {
		t.Fatal(err)
	}

	t.Run("MeetingsCSV", func(t *testing.T) {
		rows := csvRows(t, mustRun(t, env, "reports", "meetings", "--from", "01/11/2026", "--to", "2026-11-30", "--csv").stdout)
		if got := strings.Join(rows[0], ","); got != "id,org_code,kind,date,present,total,topic,reported_by,reported_at,version" {
			t.Fatalf("header %q", got)
		}
		if len(rows) != 3 {
			t.Fatalf("rows %q", rows)
		}
		first := rows[1]
		if first[1] != "CB1" || first[2] != "thuong_ky" || first[3] != "2026-11-05" || first[4] != "2" || first[5] != "2" ||
			first[6] != "Quán triệt, đã sửa" || first[7] != "DV2" || first[9] != "2" {
			t.Fatalf("latest version not listed: %q", first)
		}
		if _, err := time.Parse(time.RFC3339, first[8]); err != nil {
			t.Fatalf("reported_at %q: %v", first[8], err)
		}
		if rows[2][1] != "CB2" || rows[2][2] != "chuyen_de" || rows[2][7] != "" {
			t.Fatalf("second row %q", rows[2])
		}
	})
	t.Run("OrgCoversSubtree", func(t *testing.T) {
		r := run(t, env, "reports", "meetings", "--from", "1/10/2026", "--to", "30/11/2026", "--org", "CB2", "--csv")
		if r.code != 0 || strings.Count(r.stdout, "\n") != 3 || strings.Contains(r.stdout, "CB1") {
			t.Fatalf("%+v", r)
		}
		r = run(t, env, "reports", "meetings", "--from", "1/10/2026", "--to", "30/11/2026", "--org", "ROOT", "--csv")
		if r.code != 0 || strings.Count(r.stdout, "\n") != 4 {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("SupervisionsCSV", func(t *testing.T) {
		rows := csvRows(t, mustRun(t, env, "reports", "supervisions", "--from", "01/11/2026", "--to", "30/11/2026", "--csv").stdout)
		if got := strings.Join(rows[0], ","); got != "id,org_code,body,kind,date,orgs_examined,members_examined,violations,content,conclusion,measures,reported_by,reported_at,version" {
			t.Fatalf("header %q", got)
		}
		if len(rows) != 2 || strings.Join(rows[1][1:12], ",") != "ROOT,ubkt,kiem_tra,2026-11-10,2,3,1,Chấp hành Điều lệ,co_vi_pham,Nhắc nhở,DV2" || rows[1][13] != "1" {
			t.Fatalf("rows %q", rows)
		}
	})
	t.Run("TextSummary", func(t *testing.T) {
		r := run(t, env, "reports", "supervisions", "--from", "01/11/2026", "--to", "30/11/2026")
		if r.code != 0 || !strings.Contains(r.stdout, "01 cuộc kiểm tra với 02 tổ chức đảng và 03 đảng viên") ||
			!strings.Contains(r.stdout, "Ủy ban Kiểm tra thực hiện 01 cuộc") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		for _, args := range [][]string{
			{"reports", "meetings", "--to", "30/11/2026"},
			{"reports", "meetings", "--from", "31/02/2026", "--to", "30/11/2026"},
			{"reports", "meetings", "--from", "30/11/2026", "--to", "01/11/2026"},
			{"reports", "supervisions", "--from", "01/11/2026", "--to", "30/11/2026", "--org", "KHONGCO"},
		} {
			r := run(t, env, args...)
			if r.code == 0 || !strings.Contains(r.stderr, "--") && !strings.Contains(r.stderr, "KHONGCO") {
				t.Errorf("%v: %+v", args, r)
			}
		}
	})
}
