package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestSummaryCompliance: the period summary's figures about the rules, on
// RulesCommune: a combined session is both the month's regular meeting and
// the quarter's thematic one; a quarter counts for the cells that existed
// through it; the cells' own supervision (not the commission's) over their
// members at the end of the period.
func TestSummaryCompliance(t *testing.T) {
	c := storagetest.NewRulesCommune(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, root string
		from, to   time.Time
		want       string
	}{
		// CA: October missed, November's meeting is the combined session,
		// December has not come; the combined session is Q4's thematic one.
		{"TheCombinedSession", "CA", day(2026, 10, 1), day(2026, 12, 31),
			"regular 1 thematic 1; missed [2026-10 2026-12]; quarters [2026-10-01]: 1/1; examined 0 of 5"},
		// (The summary lists the laggards by name.) Q3: CA held its thematic meeting, CD (dissolved in November) and
		// CC did not, CB was founded in October; CA's supervision of 01/07
		// was the commission's.
		{"TheCommuneInTheThirdQuarter", "ROOT", day(2026, 7, 1), day(2026, 11, 30),
			"regular 7 thematic 2; missed CB [2026-10 2026-11] CA [2026-07 2026-10] CD [2026-07 2026-08 2026-10 2026-11] CC [2026-07 2026-08]; quarters [2026-07-01]: 1/3; examined 0 of 9"},
		{"TheYear", "DB", day(2026, 1, 1), day(2026, 11, 30),
			"regular 5 thematic 0; missed CC [2026-01 2026-02 2026-04 2026-05 2026-07 2026-08]; quarters [2026-01-01 2026-04-01 2026-07-01]: 0/1; examined 1 of 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, err := c.S.PeriodSummary(ctx, tc.from, tc.to, c.Orgs[tc.root])
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("regular %d thematic %d; missed", sum.Meetings.Regular, sum.Meetings.Thematic)
			for _, l := range sum.Laggards {
				if tc.root != "CA" {
					got += " " + l.Code
				}
				got += " ["
				for i, m := range l.Missed {
					if i > 0 {
						got += " "
					}
					got += m.Format("2006-01")
				}
				got += "]"
			}
			cp := sum.Compliance
			got += "; quarters ["
			for i, q := range cp.Quarters {
				if i > 0 {
					got += " "
				}
				got += q.Format("2006-01-02")
			}
			got += fmt.Sprintf("]: %d/%d; examined %d of %d", cp.CellsThematic, cp.ThematicCells, cp.Examined, cp.CellMembers)
			if got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	if got := storage.CountedQuarters(day(2026, 9, 1), day(2026, 11, 30)); len(got) != 1 || !got[0].Equal(day(2026, 7, 1)) {
		t.Errorf("counted quarters %v", got)
	}
	if got := storage.CountedQuarters(day(2026, 10, 1), day(2026, 11, 30)); len(got) != 1 || !got[0].Equal(day(2026, 10, 1)) {
		t.Errorf("counted quarters without an ended one %v", got)
	}
}
