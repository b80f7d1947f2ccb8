package storage_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// Province-scale figures (issue 11, item 5). SOTAY_BENCH_MEMBERS=100000
// builds, once, the database sotay_bench_<members>: ~1,500 organisations
// (a root, one đảng bộ per 15 cells), the members spread over the cells,
// 200 campaigns over two years each assigning every member (20 million
// assignments at 100,000 members), two years of monthly meetings for every
// cell and a few thousand supervision reports. The benchmarks then time
// the officers' queries; -v prints p50 and p95 of each.
//
//	SOTAY_BENCH_MEMBERS=100000 go test -run '^$' -bench Province -benchtime 20x ./storage/

func benchStorage(b *testing.B) (*storage.Storage, int) {
	b.Helper()
	members, _ := strconv.Atoi(os.Getenv("SOTAY_BENCH_MEMBERS"))
	if members == 0 {
		b.Skip("set SOTAY_BENCH_MEMBERS (10000, 100000) to build the province")
	}
	ctx := context.Background()
	dsn := storagetest.DSN(fmt.Sprintf("sotay_bench_%d", members))
	s, err := storage.Open(ctx, dsn, storage.WithClock(func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM members`); err != nil {
		b.Fatal(err)
	}
	if n == 0 {
		start := time.Now()
		seedProvince(b, s, members)
		b.Logf("seeded %d members in %s", members, time.Since(start).Round(time.Second))
	}
	return s, members
}

func seedProvince(b *testing.B, s *storage.Storage, members int) {
	b.Helper()
	cells := max(members/70, 10)
	committees := max(cells/15, 1)
	steps := []string{
		`INSERT INTO organisations (code, name, kind) VALUES ('ROOT', 'Đảng bộ tỉnh', 'dang_bo')`,
		fmt.Sprintf(`INSERT INTO organisations (code, name, kind, parent_id)
			SELECT 'DB' || i, 'Đảng bộ số ' || i, 'dang_bo', (SELECT id FROM organisations WHERE code = 'ROOT') FROM generate_series(1, %d) i`, committees),
		fmt.Sprintf(`INSERT INTO organisations (code, name, kind, parent_id)
			SELECT 'CB' || i, 'Chi bộ bản Nậm Đích ' || i, 'chi_bo', (SELECT id FROM organisations WHERE code = 'DB' || (1 + i %% %d)) FROM generate_series(1, %d) i`, committees, cells),
		fmt.Sprintf(`INSERT INTO members (code, full_name, org_id)
			SELECT 'M' || i, 'Đảng viên ' || i, (SELECT id FROM organisations WHERE code = 'CB' || (1 + i %% %d)) FROM generate_series(1, %d) i`, cells, members),
		`INSERT INTO documents (kind, number, issuer, issued_on, title, status, number_key)
			SELECT 'ket_luan', i || '-KL/TW', 'Bộ Chính trị', '2024-01-01', 'Văn bản ' || i, 'published', i || 'kltw' FROM generate_series(1, 200) i`,
		// Two years, one campaign about every 3.65 days.
		`INSERT INTO campaigns (document_id, created_by, created_at, finished_at)
			SELECT d.id, 'bench', timestamptz '2024-12-01 08:00+07' + (d.id - 1) * interval '87 hours 36 minutes', now() FROM documents d`,
		`INSERT INTO campaign_orgs SELECT c.id, (SELECT id FROM organisations WHERE code = 'ROOT') FROM campaigns c`,
		// Bulk load: no foreign-key triggers, secondary indexes built after.
		`CREATE TABLE bench_idx AS SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'assignments'
			AND indexname NOT IN ('assignments_pkey', 'assignments_campaign_id_member_id_key')`,
		`DO $$ DECLARE r record; BEGIN FOR r IN SELECT indexname FROM bench_idx LOOP EXECUTE 'DROP INDEX ' || r.indexname; END LOOP; END $$`,
		`SET session_replication_role = replica; ` + `INSERT INTO assignments (campaign_id, document_id, member_id, org_id, state, studied_how)
			SELECT c.id, c.document_id, m.id, m.org_id, st, CASE st WHEN 'studied' THEN 'online' WHEN 'studied_offline' THEN 'offline' ELSE '' END
			FROM campaigns c CROSS JOIN members m
			CROSS JOIN LATERAL (SELECT CASE WHEN h < 80 THEN 'studied' WHEN h < 88 THEN 'studied_offline' WHEN h < 93 THEN 'read'
				WHEN h < 97 THEN 'delivered' ELSE 'unreachable' END AS st FROM (SELECT abs(hashint8(c.id * 1000003 + m.id)) % 100 AS h) x) y
			ORDER BY c.id, m.id` + `; SET session_replication_role = DEFAULT`,
		// The triggers were off: count what they would have.
		`TRUNCATE study_counts; INSERT INTO study_counts (campaign_id, org_id, document_id, assigned, pending, delivered, read, studied,
			studied_offline, unreachable, failed)
			SELECT campaign_id, org_id, min(document_id), count(*),
				count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'delivered'), count(*) FILTER (WHERE state = 'read'),
				count(*) FILTER (WHERE state = 'studied'), count(*) FILTER (WHERE state = 'studied_offline'),
				count(*) FILTER (WHERE state = 'unreachable'), count(*) FILTER (WHERE state = 'failed')
			FROM assignments GROUP BY campaign_id, org_id`,
		`DO $$ DECLARE r record; BEGIN FOR r IN SELECT indexdef FROM bench_idx LOOP EXECUTE r.indexdef; END LOOP; DROP TABLE bench_idx; END $$`,
		// Monthly regular meetings of every cell for 24 months (a few missed), some thematic ones.
		`INSERT INTO reports (type, org_id, regular_month, held_on, created_at)
			SELECT 'meeting', o.id, m::date, m::date + 9, m + interval '10 days' FROM organisations o
			CROSS JOIN generate_series(date '2024-12-01', date '2026-11-01', interval '1 month') m
			WHERE o.kind = 'chi_bo' AND abs(hashint8(o.id * 31 + extract(month FROM m)::int)) % 20 <> 0`,
		`INSERT INTO reports (type, org_id, held_on, created_at)
			SELECT 'meeting', o.id, m::date + 19, m + interval '20 days' FROM organisations o
			CROSS JOIN generate_series(date '2024-12-01', date '2026-11-01', interval '3 months') m WHERE o.kind = 'chi_bo'`,
		`INSERT INTO meeting_versions (report_id, version, kind, held_on, present, total, reported_at)
			SELECT r.id, 1, CASE WHEN r.regular_month IS NULL THEN 'chuyen_de' ELSE 'thuong_ky' END, r.held_on, 60 + r.id % 10, 70, r.created_at FROM reports r`,
		`INSERT INTO reports (type, org_id, held_on, created_at)
			SELECT 'supervision', o.id, date '2024-12-01' + ((o.id * 7 + k * 53) % 720)::int, now() FROM organisations o CROSS JOIN generate_series(1, 2) k`,
		`INSERT INTO supervision_versions (report_id, version, body, kind, held_on, orgs_examined, members_examined, violations, reported_at)
			SELECT r.id, 1, CASE WHEN r.id % 4 = 0 THEN 'ubkt' ELSE 'cap_uy' END, CASE WHEN r.id % 3 = 0 THEN 'giam_sat' ELSE 'kiem_tra' END,
				r.held_on, r.id % 4, r.id % 6, (r.id % 11 = 0)::int, r.created_at FROM reports r WHERE r.type = 'supervision'`,
		`ANALYZE`,
	}
	for i, q := range steps {
		t := time.Now()
		if _, err := s.DB().Exec(q); err != nil {
			b.Fatalf("seed step %d: %v", i, err)
		}
		b.Logf("seed step %d: %s", i, time.Since(t).Round(time.Millisecond))
	}
}

func BenchmarkProvince(b *testing.B) {
	s, _ := benchStorage(b)
	ctx := context.Background()
	root, campaign := storagetest.ProvinceRoot(b, s)
	year := [2]time.Time{time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	for _, bc := range []struct {
		name string
		f    func() error
	}{
		{"StudyRatesOneCampaign", func() error {
			_, err := s.StudyRates(ctx, storage.StudyFilter{CampaignID: campaign}, root.ID)
			return err
		}},
		{"StudyFiguresOneCampaign", func() error {
			_, err := s.StudyFigures(ctx, storage.StudyFilter{CampaignID: campaign}, root.ID)
			return err
		}},
		{"StudyFiguresYear", func() error {
			_, err := s.StudyFigures(ctx, storage.StudyFilter{From: year[0], To: year[1].AddDate(0, 0, 1)}, root.ID)
			return err
		}},
		{"PeriodSummaryYear", func() error {
			_, err := s.PeriodSummary(ctx, year[0], year[1], root.ID)
			return err
		}},
		{"MeetingStatsMonth", func() error {
			_, err := s.MeetingStats(ctx, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), root.ID)
			return err
		}},
		{"SupervisionStatsYear", func() error {
			_, err := s.SupervisionStats(ctx, year[0], year[1], root.ID)
			return err
		}},
		{"LaggardsOneCampaign", func() error {
			_, err := s.Laggards(ctx, storage.StudyFilter{CampaignID: campaign}, root.ID)
			return err
		}},
	} {
		b.Run(bc.name, func(b *testing.B) { storagetest.Timed(b, bc.f) })
	}
}
