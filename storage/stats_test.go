package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func meetingLines(rows []storage.OrgMeetings) string {
	var b strings.Builder
	for _, r := range rows {
		t := r.Total
		att := ""
		if p, ok := t.Attendance(); ok {
			att = fmt.Sprintf("%.1f", storage.RoundRate(p))
		}
		fmt.Fprintf(&b, "%s,%s,%s,%d,%d,%d,%d,%d,%d,%s\n", r.Code, r.Name, r.ParentCode, t.Cells, t.CellsHeldRegular, t.Regular, t.Thematic, t.Present, t.Expected, att)
	}
	return b.String()
}

func TestMeetingStats(t *testing.T) {
	c := storagetest.NewStatsCommune(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		month time.Time
		root  string
		want  string
	}{
		{"OctoberCountsTheDissolvedCellAndTheCorrection", day(2026, 10, 1), "ROOT", `ROOT,Đảng bộ xã,,4,2,2,0,3,4,75.0
CB3,Chi bộ bản Pà Pao,ROOT,1,1,1,0,1,2,50.0
DB1,Đảng bộ Trường học,ROOT,3,1,1,0,2,2,100.0
CB2,Chi bộ Mầm non,DB1,1,0,0,0,0,0,
CB4,Chi bộ Thôn cũ,DB1,1,0,0,0,0,0,
CB1,Chi bộ Tiểu học,DB1,1,1,1,0,2,2,100.0
`},
		{"NovemberHasTheNewCellNotTheDissolvedOne", day(2026, 11, 17), "ROOT", `ROOT,Đảng bộ xã,,4,4,4,1,7,8,87.5
CB3,Chi bộ bản Nậm Đích,ROOT,1,1,1,0,1,2,50.0
CB5,Chi bộ Tân Lập,ROOT,1,1,1,0,1,1,100.0
DB1,Đảng bộ Trường học,ROOT,2,2,2,1,5,5,100.0
CB2,Chi bộ Mầm non,DB1,1,1,1,0,1,1,100.0
CB1,Chi bộ Tiểu học,DB1,1,1,1,1,4,4,100.0
`},
		{"SeptemberUnderTheBaseCommittee", day(2026, 9, 1), "DB1", `DB1,Đảng bộ Trường học,ROOT,3,3,3,0,4,4,100.0
CB2,Chi bộ Mầm non,DB1,1,1,1,0,1,1,100.0
CB4,Chi bộ Thôn cũ,DB1,1,1,1,0,1,1,100.0
CB1,Chi bộ Tiểu học,DB1,1,1,1,0,2,2,100.0
`},
		{"AMonthWithoutReports", day(2026, 8, 1), "CB1", "CB1,Chi bộ Tiểu học,DB1,1,0,0,0,0,0,\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := c.S.MeetingStats(ctx, tc.month, c.Orgs[tc.root])
			if err != nil {
				t.Fatal(err)
			}
			if got := meetingLines(rows); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func supervisionLines(rows []storage.OrgSupervision) string {
	var b strings.Builder
	for _, r := range rows {
		t := r.Total.Sum()
		fmt.Fprintf(&b, "%s,%s,%s,%d,%d,%d,%d,%d\n", r.Code, r.Name, r.ParentCode, t.Inspections, t.Supervisions, t.OrgsExamined, t.MembersExamined, t.Violations)
	}
	return b.String()
}

func TestSupervisionStats(t *testing.T) {
	c := storagetest.NewStatsCommune(t)
	// check is the figures under ROOT for the days [from, to], as lines.
	check := func(t *testing.T, from, to time.Time, want string) []storage.OrgSupervision {
		t.Helper()
		rows, err := c.S.SupervisionStats(context.Background(), from, to, c.Orgs["ROOT"])
		if err != nil {
			t.Fatal(err)
		}
		if got := supervisionLines(rows); got != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
		return rows
	}
	rows := check(t, day(2026, 7, 1), day(2026, 11, 30), `ROOT,Đảng bộ xã,,4,2,14,11,2
CB3,Chi bộ bản Nậm Đích,ROOT,0,0,0,0,0
CB5,Chi bộ Tân Lập,ROOT,0,0,0,0,0
DB1,Đảng bộ Trường học,ROOT,1,1,2,4,0
CB2,Chi bộ Mầm non,DB1,0,0,0,0,0
CB4,Chi bộ Thôn cũ,DB1,1,0,0,1,0
CB1,Chi bộ Tiểu học,DB1,0,0,0,0,0
`)
	t.Run("ByBody", func(t *testing.T) {
		own := rows[0].Own
		if own.Committee != (storage.SupervisionCounts{Inspections: 2, Supervisions: 1, OrgsExamined: 9, MembersExamined: 3, Violations: 1}) ||
			own.Commission != (storage.SupervisionCounts{Inspections: 1, OrgsExamined: 3, MembersExamined: 4, Violations: 1}) {
			t.Fatalf("own = %+v", own)
		}
	})
	t.Run("PeriodBeforeTheDissolutionKeepsTheOldName", func(t *testing.T) {
		check(t, day(2026, 10, 1), day(2026, 10, 31), `ROOT,Đảng bộ xã,,2,1,7,5,1
CB3,Chi bộ bản Pà Pao,ROOT,0,0,0,0,0
DB1,Đảng bộ Trường học,ROOT,1,0,0,1,0
CB2,Chi bộ Mầm non,DB1,0,0,0,0,0
CB4,Chi bộ Thôn cũ,DB1,1,0,0,1,0
CB1,Chi bộ Tiểu học,DB1,0,0,0,0,0
`)
	})
}

func TestPeriodSummary(t *testing.T) {
	c := storagetest.NewStatsCommune(t)
	ctx := context.Background()
	sum, err := c.S.PeriodSummary(ctx, day(2026, 9, 1), day(2026, 11, 30), c.Orgs["ROOT"])
	if err != nil {
		t.Fatal(err)
	}
	if sum.Root.Code != "ROOT" || len(sum.Months) != 3 {
		t.Fatalf("root %+v months %v", sum.Root, sum.Months)
	}
	if sum.Own.Committee != (storage.SupervisionCounts{Inspections: 1, Supervisions: 1, OrgsExamined: 6, MembersExamined: 1, Violations: 1}) {
		t.Errorf("committee = %+v", sum.Own.Committee)
	}
	if sum.Own.Commission != (storage.SupervisionCounts{Inspections: 1, OrgsExamined: 3, MembersExamined: 4, Violations: 1}) {
		t.Errorf("commission = %+v", sum.Own.Commission)
	}
	if sum.Below != (storage.SupervisionCounts{Inspections: 1, Supervisions: 1, OrgsExamined: 2, MembersExamined: 4}) || sum.BelowOrgs != 2 {
		t.Errorf("below = %+v (%d orgs)", sum.Below, sum.BelowOrgs)
	}
	if sum.Cells != 5 || sum.CellsMaintained != 3 {
		t.Errorf("cells %d maintained %d", sum.Cells, sum.CellsMaintained)
	}
	var lag []string
	for _, l := range sum.Laggards {
		lag = append(lag, fmt.Sprintf("%s %s %d", l.Code, l.Name, len(l.Missed)))
	}
	if strings.Join(lag, "; ") != "CB2 Chi bộ Mầm non 1; CB4 Chi bộ Thôn cũ 1" {
		t.Errorf("laggards = %v", lag)
	}
	if sum.Meetings.Regular != 10 || sum.Meetings.Thematic != 2 || sum.Meetings.Present != 17 || sum.Meetings.Expected != 20 {
		t.Errorf("meetings = %+v", sum.Meetings)
	}
	if sum.Study.Assigned != 13 || sum.Study.Studied != 7 || sum.Study.StudiedOffline != 2 || sum.Campaigns != 2 {
		t.Errorf("study = %+v, %d campaigns", sum.Study, sum.Campaigns)
	}
	t.Run("StudyRatesPerOrganisationForThePeriod", func(t *testing.T) {
		rows, err := c.S.StudyRates(ctx, storage.StudyFilter{From: time.Date(2026, 9, 1, 0, 0, 0, 0, c.Loc), To: time.Date(2026, 12, 1, 0, 0, 0, 0, c.Loc)}, c.Orgs["ROOT"])
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprintf("%s %d/%d/%d %.1f", r.Code, r.Total.Studied, r.Total.StudiedOffline, r.Total.Assigned, storage.RoundRate(r.Total.Rate())))
		}
		want := "ROOT 7/2/13 69.2; CB3 3/1/6 66.7; CB5 1/0/1 100.0; DB1 3/1/6 66.7; CB2 0/0/2 0.0; CB4 1/0/1 100.0; CB1 2/1/3 100.0"
		if strings.Join(got, "; ") != want {
			t.Fatalf("got  %s\nwant %s", strings.Join(got, "; "), want)
		}
	})
	t.Run("NothingInThePeriod", func(t *testing.T) {
		sum, err := c.S.PeriodSummary(ctx, day(2025, 1, 1), day(2025, 3, 31), c.Orgs["DB1"])
		if err != nil {
			t.Fatal(err)
		}
		if sum.Own.Sum().Reports() != 0 || sum.Meetings.Expected != 0 || sum.Study.Assigned != 0 || sum.CellsMaintained != 0 || sum.Cells != 3 {
			t.Fatalf("summary = %+v", sum)
		}
	})
}

func TestCountedMonths(t *testing.T) {
	for _, tc := range []struct {
		from, to time.Time
		want     string
	}{
		{day(2026, 7, 1), day(2026, 12, 1), "2026-07 2026-08 2026-09 2026-10 2026-11"},
		{day(2026, 7, 15), day(2026, 9, 30), "2026-07 2026-08 2026-09"},
		{day(2026, 12, 1), day(2026, 12, 10), "2026-12"},
	} {
		var got []string
		for _, m := range storage.CountedMonths(tc.from, tc.to) {
			got = append(got, m.Format("2006-01"))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%v–%v: %v, want %s", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestLaggards(t *testing.T) {
	c := storagetest.NewStatsCommune(t)
	ctx := context.Background()
	got := func(f storage.StudyFilter, root string) string {
		t.Helper()
		ls, err := c.S.Laggards(ctx, f, c.Orgs[root])
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range ls {
			out = append(out, l.Code+" "+l.OrgCode+" "+l.State)
		}
		return strings.Join(out, "; ")
	}
	if g := got(storage.StudyFilter{DocumentID: c.Docs["21-KL/TW"]}, "ROOT"); g != "C2 CB3 unreachable; B1 CB2 read" {
		t.Errorf("21-KL/TW: %s", g)
	}
	if g := got(storage.StudyFilter{DocumentID: c.Docs["62-KH/TU"]}, "DB1"); g != "B1 CB2 delivered" {
		t.Errorf("62-KH/TU under DB1: %s", g)
	}
	period := storage.StudyFilter{From: time.Date(2026, 9, 1, 0, 0, 0, 0, c.Loc), To: time.Date(2026, 12, 1, 0, 0, 0, 0, c.Loc)}
	if g := got(period, "CB3"); g != "C2 CB3 unreachable" {
		t.Errorf("period CB3: %s", g)
	}
}

// TestStudyFiguresMatchStudyRates checks the roll-up against the
// assignments, before and after changes, with a document pushed twice.
func TestStudyFiguresMatchStudyRates(t *testing.T) {
	c := storagetest.NewStatsCommune(t)
	ctx := context.Background()
	period := storage.StudyFilter{From: time.Date(2026, 9, 1, 0, 0, 0, 0, c.Loc), To: time.Date(2026, 12, 1, 0, 0, 0, 0, c.Loc)}
	check := func(t *testing.T) {
		t.Helper()
		var campaigns []int64
		if err := c.S.DB().Select(&campaigns, `SELECT id FROM campaigns ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		filters := []storage.StudyFilter{period, {DocumentID: c.Docs["21-KL/TW"]}, {DocumentID: c.Docs["62-KH/TU"]}}
		for _, id := range campaigns {
			filters = append(filters, storage.StudyFilter{CampaignID: id})
		}
		for _, f := range filters {
			for _, root := range []string{"ROOT", "DB1", "CB3"} {
				want, err := c.S.StudyRates(ctx, f, c.Orgs[root])
				if err != nil {
					t.Fatal(err)
				}
				got, err := c.S.StudyFigures(ctx, f, c.Orgs[root])
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
					t.Errorf("%+v under %s:\n got %+v\nwant %+v", f, root, got, want)
				}
			}
		}
	}
	check(t)
	t.Run("AfterChangesAndADocumentPushedTwice", func(t *testing.T) {
		*c.Now = time.Date(2026, 11, 20, 9, 0, 0, 0, c.Loc)
		camp, err := c.S.CreateCampaign(ctx, storage.CampaignInput{DocumentID: c.Docs["21-KL/TW"], OrgIDs: []int64{c.Orgs["ROOT"]}, All: true, Actor: "test",
			Message: func(d storage.Document, _ storage.Campaign, id int64) (string, any) { return d.Number, nil }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.S.DB().Exec(`UPDATE assignments SET state = 'studied' WHERE campaign_id = $1 AND member_id IN (SELECT id FROM members WHERE code IN ('B1', 'C2', 'E1'))`, camp.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.S.DB().Exec(`DELETE FROM assignments WHERE campaign_id = $1 AND member_id = (SELECT id FROM members WHERE code = 'A1')`, camp.ID); err != nil {
			t.Fatal(err)
		}
		check(t)
	})
	t.Run("ConcurrentChangesInTransactions", func(t *testing.T) {
		var ids []int64
		if err := c.S.DB().Select(&ids, `SELECT id FROM assignments ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		states := []string{storage.AssignRead, storage.AssignStudied, storage.AssignDelivered, storage.AssignStudiedOffline}
		storagetest.AllAtOnce(t, len(ids), func(i int) error {
			return c.S.WithTx(ctx, func(s *storage.Storage) error {
				// Three changes of one row in one transaction, all the
				// rows of a cell at once: the counts follow the last state.
				for k := range 3 {
					if err := s.RecordAssignmentState(ctx, ids[i], states[(i+k)%4], "", time.Now()); err != nil {
						return err
					}
				}
				return nil
			})
		})
		check(t)
	})
}

func TestStudyFiguresUseTheNamesOfThePeriod(t *testing.T) {
	c := storagetest.NewStatsCommune(t)
	rows, err := c.S.StudyFigures(context.Background(), storage.StudyFilter{From: time.Date(2026, 10, 1, 0, 0, 0, 0, c.Loc),
		To: time.Date(2026, 11, 1, 0, 0, 0, 0, c.Loc)}, c.Orgs["CB3"])
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Name != "Chi bộ bản Pà Pao" || rows[0].Total.Assigned != 2 {
		t.Fatalf("October: %+v", rows[0])
	}
}
