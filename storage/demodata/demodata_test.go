package demodata_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"sotay/storage"
	"sotay/storage/demodata"
	"sotay/storage/pdftext"
	"sotay/storage/storagetest"
)

var now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// MustGenerate makes the demo on a fresh database.
func MustGenerate(t *testing.T) *storage.Storage {
	t.Helper()
	s := storagetest.New(t)
	created, err := demodata.Generate(context.Background(), s, now)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if !created {
		t.Fatal("Generate on an empty database reported nothing created")
	}
	return s
}

func count(t *testing.T, s *storage.Storage, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestGenerateTotals(t *testing.T) {
	s := MustGenerate(t)
	root := `(SELECT id FROM organisations WHERE code = 'BINHLU')`
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"OneRoot", `SELECT count(*) FROM organisations WHERE parent_id IS NULL`, 1},
		{"FiftyFourUnderTheRoot", `SELECT count(*) FROM organisations WHERE parent_id = ` + root, 54},
		{"ThreeBaseCommittees", `SELECT count(*) FROM organisations WHERE parent_id = ` + root + ` AND kind = 'dang_bo'`, 3},
		{"SevenBaseCellsAndFortyFourVillageCells", `SELECT count(*) FROM organisations WHERE parent_id = ` + root + ` AND kind = 'chi_bo'`, 51},
		{"SevenBaseCells", `SELECT count(*) FROM organisations WHERE parent_id = ` + root + ` AND kind = 'chi_bo' AND name NOT LIKE 'Chi bộ bản %'`, 7},
		{"SeventeenCellsInCommittees", `SELECT count(*) FROM organisations c JOIN organisations p ON p.id = c.parent_id WHERE p.parent_id = ` + root, 17},
		{"SeventyOneBelowTheRoot", `SELECT count(*) FROM organisations WHERE parent_id IS NOT NULL`, 71},
		{"ThirtyFiveVillages", `SELECT count(DISTINCT regexp_replace(name, ' [0-9]+$', '')) FROM organisations WHERE name LIKE 'Chi bộ bản %'`, 35},
		{"Members", `SELECT count(*) FROM members WHERE active`, 870},
		{"Women", `SELECT count(*) FROM members WHERE gender = 'nu'`, 384},
		{"EthnicMinorities", `SELECT count(*) FROM members WHERE ethnicity <> 'Kinh'`, 285},
		{"Probationary", `SELECT count(*) FROM members WHERE status = 'du_bi'`, 21},
		{"MembersOnlyInCells", `SELECT count(*) FROM members m JOIN organisations o ON o.id = m.org_id WHERE o.kind <> 'chi_bo'`, 0},
		{"EveryMemberHasAnEthnicityAndBirthYear", `SELECT count(*) FROM members WHERE ethnicity = '' OR birth_year IS NULL OR gender = ''`, 0},
		{"PhonesUnique", `SELECT count(DISTINCT phone) FROM members WHERE phone ~ '^09[0-9]{8}$'`, 870},
		{"SmallestCellAboutFive", `SELECT min(n) FROM (SELECT count(*) AS n FROM members GROUP BY org_id) c`, 5},
		{"LargestCellAboutForty", `SELECT max(n) FROM (SELECT count(*) AS n FROM members GROUP BY org_id) c`, 40},
		{"EveryCellHasMembers", `SELECT count(*) FROM organisations o WHERE kind = 'chi_bo' AND NOT EXISTS (SELECT 1 FROM members m WHERE m.org_id = o.id)`, 0},
		{"SecretaryForEachOrganisationBelowTheRoot", `SELECT count(DISTINCT org_id) FROM roles WHERE role = 'secretary'`, 71},
		{"SecretariesAreMembersOfTheirOrganisation", `SELECT count(*) FROM roles r JOIN members m ON m.id = r.member_id
			WHERE r.role = 'secretary' AND m.org_id <> r.org_id
			AND m.org_id NOT IN (SELECT id FROM organisations WHERE parent_id = r.org_id)`, 0},
		{"SecretariesAreOfficial", `SELECT count(*) FROM roles r JOIN members m ON m.id = r.member_id WHERE m.status <> 'chinh_thuc'`, 0},
		{"TwoOfficersAtTheRoot", `SELECT count(*) FROM roles WHERE role = 'officer' AND org_id = ` + root, 2},
		{"OneAdminAtTheRoot", `SELECT count(*) FROM roles WHERE role = 'admin' AND org_id = ` + root, 1},
		{"OneRoleEach", `SELECT count(*) FROM (SELECT member_id FROM roles GROUP BY member_id HAVING count(*) > 1) x`, 0},
		{"HistoryStartsBeforeNow", `SELECT count(*) FROM member_organisations WHERE from_at >= $1`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []any
			if strings.Contains(tt.query, "$1") {
				args = append(args, now.AddDate(0, -6, 0))
			}
			if got := count(t, s, tt.query, args...); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestGenerateNames(t *testing.T) {
	s := MustGenerate(t)
	var ms []struct {
		Name      string `db:"full_name"`
		Gender    string `db:"gender"`
		Ethnicity string `db:"ethnicity"`
		BirthYear int    `db:"birth_year"`
		Status    string `db:"status"`
	}
	if err := s.DB().Select(&ms, `SELECT full_name, gender, ethnicity, birth_year, status FROM members`); err != nil {
		t.Fatal(err)
	}
	groups := map[string]int{}
	for _, m := range ms {
		groups[m.Ethnicity]++
		words := strings.Fields(m.Name)
		switch {
		case !utf8.ValidString(m.Name) || !norm.NFC.IsNormalString(m.Name):
			t.Errorf("%q is not NFC UTF-8", m.Name)
		case len(words) != 3:
			t.Errorf("%q: want family, middle and given name", m.Name)
		case m.Gender == "nu" && (words[1] == "Văn" || words[1] == "A" || words[1] == "Láo"):
			t.Errorf("%q is a woman with a man's middle name", m.Name)
		case m.Gender == "nam" && (words[1] == "Thị" || words[1] == "Mý" || words[1] == "Mẩy"):
			t.Errorf("%q is a man with a woman's middle name", m.Name)
		}
		if age := now.Year() - m.BirthYear; age < 19 || age > 80 {
			t.Errorf("%q is %d years old", m.Name, age)
		}
		if age := now.Year() - m.BirthYear; m.Status == "du_bi" && age > 40 {
			t.Errorf("probationary %q is %d years old", m.Name, age)
		}
	}
	for _, g := range []string{"Kinh", "Thái", "H'Mông", "Dao", "Giáy", "Tày", "Nùng"} {
		if groups[g] == 0 {
			t.Errorf("no member of the %s group: %v", g, groups)
		}
	}
}

func TestGenerateIdempotent(t *testing.T) {
	ctx := context.Background()
	s := MustGenerate(t)
	before := count(t, s, `SELECT count(*) FROM members`) + count(t, s, `SELECT count(*) FROM organisations`) + count(t, s, `SELECT count(*) FROM roles`)

	t.Run("SecondRunChangesNothing", func(t *testing.T) {
		created, err := demodata.Generate(ctx, s, now.Add(time.Hour))
		if err != nil || created {
			t.Fatalf("Generate again = %v, %v; want false, nil", created, err)
		}
		after := count(t, s, `SELECT count(*) FROM members`) + count(t, s, `SELECT count(*) FROM organisations`) + count(t, s, `SELECT count(*) FROM roles`)
		if after != before {
			t.Errorf("rows %d → %d", before, after)
		}
	})
	t.Run("OlderDemoIsStale", func(t *testing.T) {
		if _, err := s.DB().Exec(`UPDATE bot_state SET value = 'v1:organisations' WHERE key = 'demodata'`); err != nil {
			t.Fatal(err)
		}
		created, err := demodata.Generate(ctx, s, now)
		if created || !errors.Is(err, demodata.ErrStale) {
			t.Fatalf("Generate on an older demo = %v, %v; want false, ErrStale", created, err)
		}
	})
	t.Run("SameDataEachTime", func(t *testing.T) {
		other := MustGenerate(t)
		q := `SELECT string_agg(code || full_name || phone || status, ',' ORDER BY code) FROM members`
		var a, b string
		if err := s.DB().Get(&a, q); err != nil {
			t.Fatal(err)
		}
		if err := other.DB().Get(&b, q); err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Error("two fresh demos differ")
		}
	})
}

func TestDSN(t *testing.T) {
	tests := []struct {
		name, in, want string
		fails          bool
	}{
		{"DefaultServer", "postgres://postgres@127.0.0.1:5432/sotay?sslmode=disable", "postgres://postgres@127.0.0.1:5432/sotay_demo?sslmode=disable", false},
		{"KeepsUserPasswordAndOptions", "postgresql://u:p%40ss@db:6543/prod?sslmode=require", "postgresql://u:p%40ss@db:6543/sotay_demo?sslmode=require", false},
		{"NoDatabaseName", "postgres://postgres@127.0.0.1:5432", "postgres://postgres@127.0.0.1:5432/sotay_demo", false},
		{"DbnameParameterDropped", "postgres://postgres@127.0.0.1:5432/sotay?dbname=prod&sslmode=disable", "postgres://postgres@127.0.0.1:5432/sotay_demo?sslmode=disable", false},
		{"KeyValueFormRefused", "host=127.0.0.1 dbname=sotay", "", true},
		{"OtherSchemeRefused", "mysql://root@localhost/sotay", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := demodata.DSN(tt.in)
			if (err != nil) != tt.fails || got != tt.want {
				t.Errorf("DSN(%q) = %q, %v; want %q (fails %v)", tt.in, got, err, tt.want, tt.fails)
			}
		})
	}
}

func TestResetRefusesOtherDatabases(t *testing.T) {
	for _, dsn := range []string{
		"postgres://postgres@127.0.0.1:5432/sotay?sslmode=disable",
		"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"postgres://postgres@127.0.0.1:5432/sotay_demo_copy",
		"not a url",
	} {
		if err := demodata.Reset(context.Background(), dsn); err == nil {
			t.Errorf("Reset(%q) dropped a database that is not sotay_demo", dsn)
		}
	}
}

func TestGenerateDocumentsAndHistory(t *testing.T) {
	s := MustGenerate(t)
	ctx := context.Background()
	docs, err := s.Documents(ctx, storage.DocPublished)
	if err != nil || len(docs) != 5 {
		t.Fatalf("published documents: %d %v", len(docs), err)
	}
	kl21, err := s.DocumentByNumber(ctx, "21-KL/TW", "Ban Chấp hành Trung ương")
	if err != nil || !kl21.HasFile() {
		t.Fatalf("21-KL/TW: %+v %v", kl21, err)
	}
	pdf, err := s.DocumentFile(ctx, kl21.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A real page in Vietnamese: its text layer reads back with every mark.
	page, err := pdftext.FirstPage(pdf)
	if err != nil {
		t.Fatalf("demo PDF: %v", err)
	}
	if n := bytes.Count(pdf, []byte("/Type /Page\n")); n != 1 {
		t.Errorf("demo PDF has %d pages, want 1", n)
	}
	flat := strings.Join(strings.Fields(page), " ")
	for _, want := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "BAN CHẤP HÀNH TRUNG ƯƠNG", "Số 21-KL/TW", "Hà Nội, ngày 25 tháng 10 năm 2021",
		"KẾT LUẬN", "Hội nghị lần thứ tư Ban Chấp hành Trung ương Đảng khóa XIII", "II. MỤC TIÊU",
		"Đổi mới nội dung, nâng cao chất lượng sinh hoạt chi bộ; thực hiện nghiêm tự phê bình và phê bình."} {
		if !strings.Contains(flat, want) {
			t.Errorf("no %q on the demo PDF's page:\n%s", want, page)
		}
	}
	var rows []struct {
		Number   string  `db:"number"`
		Assigned int     `db:"assigned"`
		Rate     float64 `db:"rate"`
	}
	err = s.DB().Select(&rows, `SELECT d.number, count(*) AS assigned,
		avg(CASE WHEN a.state IN ('studied', 'studied_offline') THEN 1.0 ELSE 0 END)::float8 AS rate
		FROM assignments a JOIN documents d ON d.id = a.document_id GROUP BY d.number ORDER BY d.number`)
	if err != nil || len(rows) != 4 {
		t.Fatalf("campaigns %+v %v", rows, err)
	}
	for _, r := range rows {
		switch r.Number {
		case "21-KL/TW", "01-KL/TW":
			if r.Assigned != 870 || r.Rate < 0.85 || r.Rate > 0.995 {
				t.Errorf("%s: %d assigned, rate %.3f", r.Number, r.Assigned, r.Rate)
			}
		case "35-NQ/TW":
			if r.Assigned != 870 || r.Rate < 0.1 || r.Rate > 0.5 {
				t.Errorf("%s (quiz required, under way): %d assigned, rate %.3f", r.Number, r.Assigned, r.Rate)
			}
		case "62-KH/TU":
			if r.Assigned >= 870 || r.Rate > 0.85 {
				t.Errorf("%s (committees only, under way): %d assigned, rate %.3f", r.Number, r.Assigned, r.Rate)
			}
		}
	}
	var pending int
	if err := s.DB().Get(&pending, `SELECT count(*) FROM outbox WHERE state = 'pending'`); err != nil || pending != 0 {
		t.Fatalf("the demo history queued %d messages (%v)", pending, err)
	}
}

func TestGenerateStudy(t *testing.T) {
	s := MustGenerate(t)
	docs, err := s.Documents(context.Background(), storage.DocPublished)
	if err != nil {
		t.Fatal(err)
	}
	for _, listed := range docs {
		d, err := s.DocumentByID(context.Background(), listed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Body) < 200 || !norm.NFC.IsNormalString(d.Body) || !strings.ContainsAny(d.Body, "ơưđ") {
			t.Errorf("%s: full text %q", d.Number, d.Body)
		}
	}
	tests := []struct {
		name  string
		query string
		min   int
	}{
		{"TwoDocumentsHaveAQuiz", `SELECT count(*) FROM quizzes WHERE replaced_at IS NULL`, 2},
		{"QuizCampaign", `SELECT count(*) FROM campaigns WHERE quiz_required`, 1},
		{"PassedByQuiz", `SELECT count(*) FROM assignments WHERE studied_how = 'quiz' AND quiz_score >= 80`, 50},
		{"FailedAttemptsKept", `SELECT count(*) FROM quiz_attempts WHERE NOT passed`, 10},
		{"OfflineTicksSayWhoAndWhichMeeting", `SELECT count(*) FROM assignments WHERE state = 'studied_offline' AND offline_by LIKE 'demo:%'
			AND offline_by_member IS NOT NULL AND offline_meeting_on IS NOT NULL`, 5},
		{"Reminders", `SELECT count(*) FROM reminders`, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if n := count(t, s, tc.query); n < tc.min {
				t.Fatalf("%d, want at least %d", n, tc.min)
			}
		})
	}
	t.Run("NothingQueued", func(t *testing.T) {
		if n := count(t, s, `SELECT count(*) FROM outbox WHERE state = 'pending'`); n != 0 {
			t.Fatalf("%d messages queued", n)
		}
	})
}

func TestGenerateReports(t *testing.T) {
	s := MustGenerate(t)
	tests := []struct {
		name  string
		query string
		check func(int) bool
	}{
		// Every month since the demo began (November 2025 to November 2026),
		// so that a report over any period of the last year has meetings.
		{"MeetingsEveryMonthOfTheYear", `SELECT count(DISTINCT date_trunc('month', held_on)) FROM reports WHERE type = 'meeting'`, func(n int) bool { return n == 13 }},
		{"MostCellsMeetEachMonth", `SELECT min(n) FROM (SELECT count(*) AS n FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
			WHERE v.kind = 'thuong_ky' AND r.held_on < date_trunc('month', $1::timestamptz) GROUP BY date_trunc('month', r.held_on)) m`, func(n int) bool { return n >= 50 }},
		{"ManyMeetings", `SELECT count(*) FROM reports WHERE type = 'meeting'`, func(n int) bool { return n > 100 }},
		{"SomeCellsMissAMonth", `SELECT count(*) FROM organisations o, generate_series(1, 3) g(back)
			WHERE o.kind = 'chi_bo' AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.org_id = o.id AND r.type = 'meeting'
			AND date_trunc('month', r.held_on) = date_trunc('month', $1::timestamptz - make_interval(months => g.back)))`, func(n int) bool { return n > 0 }},
		{"OneCorrected", `SELECT count(*) FROM reports WHERE version > 1`, func(n int) bool { return n == 1 }},
		{"OneUBKTInspection", `SELECT count(*) FROM supervision_versions WHERE body = 'ubkt' AND kind = 'kiem_tra'`, func(n int) bool { return n == 1 }},
		{"CommitteeFigures", `SELECT sum(v.orgs_examined) + sum(v.members_examined) FROM reports r JOIN supervision_versions v ON v.report_id = r.id AND v.version = r.version
			WHERE r.org_id = (SELECT id FROM organisations WHERE code = 'BINHLU')`, func(n int) bool { return n == 28 }},
		{"CellsFigures", `SELECT count(*) * 10000 + sum(v.orgs_examined) * 100 + sum(v.members_examined) FROM reports r
			JOIN supervision_versions v ON v.report_id = r.id AND v.version = r.version JOIN organisations o ON o.id = r.org_id WHERE o.kind = 'chi_bo'`,
			func(n int) bool { return n == 24*10000+2*100+41 }},
		{"AnnouncedMeetingWithAnswers", `SELECT count(*) FROM meeting_answers WHERE answer <> ''`, func(n int) bool { return n > 0 }},
		{"AnAbsenceWithReason", `SELECT count(*) FROM meeting_answers WHERE answer = 'absent' AND reason <> ''`, func(n int) bool { return n == 1 }},
		{"NoMeetingInTheFuture", `SELECT count(*) FROM reports WHERE held_on > $1::timestamptz`, func(n int) bool { return n == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []any
			if strings.Contains(tt.query, "$1") {
				args = append(args, now)
			}
			if got := count(t, s, tt.query, args...); !tt.check(got) {
				t.Errorf("got %d", got)
			}
		})
	}
}

// TestDemoRemindersTodayAreSent: the demo's history holds no reminder of
// today that the bot did not send, so /nhacnho in the demo counts as
// "already reminded today" only members who got a reminder message; two
// members linked in the demo are reminded, not skipped.
func TestDemoRemindersTodayAreSent(t *testing.T) {
	s := MustGenerate(t)
	ctx := context.Background()
	clocked := storage.New(s.DB(), storage.WithClock(func() time.Time { return now.Add(time.Hour) }))
	var rows []struct {
		Campaign int64 `db:"campaign_id"`
		Org      int64 `db:"org_id"`
		Member   int64 `db:"member_id"`
	}
	// Two members of one cell who have not studied the quiz campaign's
	// document yet: the members a secretary's /nhacnho reminds.
	if err := s.DB().Select(&rows, `SELECT a.campaign_id, a.org_id, a.member_id FROM assignments a JOIN campaigns c ON c.id = a.campaign_id
		WHERE c.quiz_required AND a.state IN ('delivered', 'read')
		  AND a.org_id = (SELECT org_id FROM assignments b JOIN campaigns bc ON bc.id = b.campaign_id
		                  WHERE bc.quiz_required AND b.state IN ('delivered', 'read') GROUP BY org_id HAVING count(*) >= 2 ORDER BY org_id LIMIT 1)
		ORDER BY a.member_id LIMIT 2`); err != nil || len(rows) != 2 {
		t.Fatalf("%+v %v", rows, err)
	}
	for i, r := range rows {
		if err := clocked.LinkTelegram(ctx, r.Member, int64(9100+i)); err != nil {
			t.Fatal(err)
		}
	}
	loc := now.Location()
	res, err := clocked.RemindCampaign(ctx, rows[0].Campaign, []int64{rows[0].Org}, "tg:1", loc,
		func([]storage.StudyTarget, time.Time) (string, any) { return "nhắc", nil })
	if err != nil {
		t.Fatal(err)
	}
	if res.AlreadyToday != 0 || res.Reminded != 2 {
		t.Fatalf("reminded %d, already today %d: want 2 reminded", res.Reminded, res.AlreadyToday)
	}
	if n := count(t, s, `SELECT count(*) FROM outbox WHERE kind = 'reminder' AND chat_id IN (9100, 9101)`); n != 2 {
		t.Fatalf("%d reminder messages", n)
	}
}
