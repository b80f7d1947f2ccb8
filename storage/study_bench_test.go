package storage_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// studyBench is a province-sized campaign: 1,500 organisations (a root,
// 49 committees, 1,450 cells under them), 100,000 members all linked, one
// document pushed to everyone, states mixed, due in two days.
type studyBench struct {
	s      *storage.Storage
	clock  *storagetest.Clock
	root   int64
	campID int64
}

func newStudyBench(b *testing.B) *studyBench {
	b.Helper()
	ctx := context.Background()
	ck := storagetest.NewClock(time.Date(2026, 12, 8, 9, 0, 0, 0, hcm))
	s := storagetest.New(b, storage.WithClock(ck.Now))
	const committees, cells, members = 49, 1450, 100_000
	orgs := []storage.OrgInput{{Line: 2, Code: "ROOT", Name: "Đảng bộ tỉnh", Kind: storage.KindDangBo}}
	for i := 0; i < committees; i++ {
		orgs = append(orgs, storage.OrgInput{Line: len(orgs) + 2, Code: fmt.Sprintf("DB%02d", i), Name: fmt.Sprintf("Đảng bộ huyện %d", i), Kind: storage.KindDangBo, ParentCode: "ROOT"})
	}
	for i := 0; i < cells; i++ {
		orgs = append(orgs, storage.OrgInput{Line: len(orgs) + 2, Code: fmt.Sprintf("CB%04d", i), Name: fmt.Sprintf("Chi bộ số %d", i), Kind: storage.KindChiBo, ParentCode: fmt.Sprintf("DB%02d", i%committees)})
	}
	if _, err := s.ImportOrgs(ctx, orgs, nil, storage.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	ms := make([]storage.MemberInput, members)
	for i := range ms {
		ms[i] = storage.MemberInput{Line: i + 2, Code: fmt.Sprintf("DV%06d", i), FullName: "Nguyễn Văn Thành", OrgCode: fmt.Sprintf("CB%04d", i%cells)}
	}
	if _, err := s.ImportMembers(ctx, ms, nil, storage.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB().Exec(`UPDATE members SET telegram_user_id = 1000000000 + id, linked_at = now()`); err != nil {
		b.Fatal(err)
	}
	doc := MustInsertDocument(b, s, "21-KL/TW", storage.DocPublished)
	root, _ := s.Organisation(ctx, "ROOT")
	due := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	c, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: doc, OrgIDs: []int64{root.ID}, DueOn: &due, Actor: "bench", Message: plainMessage})
	if err != nil {
		b.Fatal(err)
	}
	// Sent: a fifth studied, a tenth at the meeting, the rest delivered or read.
	if _, err := s.DB().Exec(`UPDATE outbox SET state = 'sent', sent_at = now()`); err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB().Exec(`UPDATE assignments SET state = CASE WHEN id % 10 < 2 THEN 'studied' WHEN id % 10 = 2 THEN 'studied_offline'
		WHEN id % 10 < 6 THEN 'read' WHEN id % 10 < 9 THEN 'delivered' ELSE 'unreachable' END`); err != nil {
		b.Fatal(err)
	}
	if _, err := s.DB().Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return &studyBench{s: s, clock: ck, root: root.ID, campID: c.ID}
}

// p95 reports the 95th percentile of the durations.
func p95(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[(len(ds)*95+99)/100-1]
}

// BenchmarkCampaignRates: the per-organisation rates of one campaign of
// 100,000 assignments over 1,500 organisations (target: p95 < 50 ms).
func BenchmarkCampaignRates(b *testing.B) {
	e := newStudyBench(b)
	ctx := context.Background()
	for _, f := range []struct {
		name   string
		filter storage.StudyFilter
	}{{"Campaign", storage.StudyFilter{CampaignID: e.campID}}, {"Document", storage.StudyFilter{DocumentID: 1}}} {
		b.Run(f.name, func(b *testing.B) {
			var ds []time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				rows, err := e.s.StudyRates(ctx, f.filter, e.root)
				ds = append(ds, time.Since(start))
				if err != nil || len(rows) != 1500 || rows[0].Total.Assigned != 100_000 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
			b.ReportMetric(float64(p95(ds).Microseconds())/1000, "p95-ms")
		})
	}
}

// BenchmarkReminderSweep: one automatic sweep over the campaign's 100,000
// assignments, 60,000 of them open, queueing one reminder per member
// (target: < 2 s). Each run starts with nobody reminded.
func BenchmarkReminderSweep(b *testing.B) {
	e := newStudyBench(b)
	ctx := context.Background()
	render := func(items []storage.StudyTarget, _ time.Time) (string, any) { return items[0].DocNumber, nil }
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := e.s.DB().Exec(`TRUNCATE reminders; DELETE FROM outbox WHERE kind = 'reminder'`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		n, err := e.s.SweepReminders(ctx, hcm, render)
		if err != nil || n != 60_000 {
			b.Fatalf("reminded %d, %v", n, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "sweep-s")
	}
	b.StopTimer()
	// The plan of the sweep's one read, run as at the start of a sweep.
	if _, err := e.s.DB().Exec(`TRUNCATE reminders; DELETE FROM outbox WHERE kind = 'reminder'`); err != nil {
		b.Fatal(err)
	}
	tx, err := e.s.DB().Beginx()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	var plan []string
	if _, err := tx.Exec(storage.SweepSettings); err != nil {
		b.Fatal(err)
	}
	if err := tx.Select(&plan, `EXPLAIN (ANALYZE, BUFFERS) `+storage.SweepItemsSQL, "2026-12-08"); err != nil {
		b.Fatal(err)
	}
	b.Log("sweep plan:\n" + strings.Join(plan, "\n"))
}
