package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// studyDB is a commune of two cells with five members and one document
// pushed to all of them: in CB1 two studied online, one at the meeting;
// in CB2 one read, one not linked.
func studyDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	dsn := storagetest.NewDatabase(t)
	s := open(t, dsn)
	var ms []storage.MemberInput
	for i, org := range []string{"CB1", "CB1", "CB1", "CB2", "CB2"} {
		ms = append(ms, storage.MemberInput{Line: i + 2, Code: "DV" + strconv.Itoa(i+1), FullName: "Đảng viên " + strconv.Itoa(i+1), OrgCode: org})
	}
	storagetest.MustImport(t, s, []storage.OrgInput{
		{Line: 2, Code: "ROOT", Name: "Đảng bộ xã Bình Lư", Kind: storage.KindDangBo},
		{Line: 3, Code: "CB1", Name: "Chi bộ bản Nà Hiên", Kind: storage.KindChiBo, ParentCode: "ROOT"},
		{Line: 4, Code: "CB2", Name: "Chi bộ bản Pà Pao", Kind: storage.KindChiBo, ParentCode: "ROOT"},
	}, ms)
	for i := 1; i <= 4; i++ {
		m, _ := s.Member(ctx, "DV"+strconv.Itoa(i))
		if err := s.LinkTelegram(ctx, m.ID, int64(100+i)); err != nil {
			t.Fatal(err)
		}
	}
	var doc int64
	if err := s.DB().Get(&doc, `INSERT INTO documents (kind, number, issuer, issued_on, title, status, number_key)
		VALUES ('ket_luan', '21-KL/TW', 'Bộ Chính trị', '2021-10-25', 'Về xây dựng Đảng', 'published', '21kltw') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	root, _ := s.Organisation(ctx, "ROOT")
	c, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: doc, OrgIDs: []int64{root.ID}, Actor: "test",
		Message: func(storage.Document, storage.Campaign, int64) (string, any) { return "x", nil }})
	if err != nil {
		t.Fatal(err)
	}
	as, _ := s.AssignmentsOfCampaign(ctx, c.ID)
	want := map[string]string{"DV1": "studied", "DV2": "studied", "DV3": "studied_offline", "DV4": "read"}
	for _, a := range as {
		m, _ := s.MemberByID(ctx, a.MemberID)
		if st, ok := want[m.Code]; ok {
			if err := s.RecordAssignmentState(ctx, a.ID, st, "", time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dsn
}

func TestStatsStudy(t *testing.T) {
	env := []string{"DATABASE_URL=" + studyDB(t)}
	t.Run("CSVHeaderRowsAndSums", func(t *testing.T) {
		recs := csvRows(t, mustRun(t, env, "stats", "study", "--doc", "21-KL/TW", "--csv").stdout)
		if strings.Join(recs[0], ",") != "org_code,org_name,parent_code,assigned,pending,delivered,read,listened,studied,studied_offline,unreachable,failed,rate_percent" {
			t.Fatalf("header %q", recs[0])
		}
		want := []string{
			"ROOT,Đảng bộ xã Bình Lư,,5,0,0,1,0,2,1,1,0,60.0",
			"CB1,Chi bộ bản Nà Hiên,ROOT,3,0,0,0,0,2,1,0,0,100.0",
			"CB2,Chi bộ bản Pà Pao,ROOT,2,0,0,1,0,0,0,1,0,0.0",
		}
		for i, w := range want {
			if got := strings.Join(recs[i+1], ","); got != w {
				t.Errorf("row %d %q, want %q", i+1, got, w)
			}
			sum := 0
			// The states add up to assigned; listened (7) is beside them.
			for _, f := range append(recs[i+1][4:7:7], recs[i+1][8:12]...) {
				n, _ := strconv.Atoi(f)
				sum += n
			}
			if strconv.Itoa(sum) != recs[i+1][3] {
				t.Errorf("row %d states add up to %d, assigned %s", i+1, sum, recs[i+1][3])
			}
		}
		if len(recs) != 4 {
			t.Fatalf("%d rows", len(recs))
		}
	})
	t.Run("OrgFirstThenItsSubtree", func(t *testing.T) {
		r := run(t, env, "stats", "study", "--doc", "21kltw", "--org", "CB2", "--csv")
		if r.code != 0 || strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stdout, "\nCB2,Chi bộ bản Pà Pao,ROOT,2,") {
			t.Fatalf("exit %d: %q %s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("TableWithVietnameseHeaders", func(t *testing.T) {
		r := run(t, env, "stats", "study", "--doc", "21-KL/TW")
		if r.code != 0 || !strings.Contains(r.stdout, "Được giao") || !strings.Contains(r.stdout, "Tỷ lệ") || !strings.Contains(r.stdout, "60,0 %") {
			t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"MissingDoc", []string{"stats", "study"}, "thiếu --doc"},
		{"UnknownDoc", []string{"stats", "study", "--doc", "99-XX"}, "không có văn bản số 99-XX"},
		{"UnknownOrg", []string{"stats", "study", "--doc", "21-KL/TW", "--org", "NOPE"}, "không có tổ chức mã NOPE"},
		{"StrayArgument", []string{"stats", "study", "21-KL/TW"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, env, tc.args...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.msg) {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
		})
	}
}

func TestStudyOffline(t *testing.T) {
	env := []string{"DATABASE_URL=" + studyDB(t)}
	t.Run("RefusedCodeStoresNothing", func(t *testing.T) {
		r := run(t, env, "study", "offline", "--doc", "21-KL/TW", "--member", "DV5,DV1,NOPE", "--on", "hôm qua")
		if r.code == 0 || !strings.Contains(r.stdout, "✗ DV1 Đảng viên 1: đã học trực tuyến") || !strings.Contains(r.stdout, "✗ NOPE") ||
			!strings.Contains(r.stderr, "chưa ghi mã nào") {
			t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		r = run(t, env, "stats", "study", "--doc", "21-KL/TW", "--csv")
		if !strings.Contains(r.stdout, "\nROOT,Đảng bộ xã Bình Lư,,5,0,0,1,0,2,1,1,0,60.0") {
			t.Fatalf("changed: %s", r.stdout)
		}
	})
	t.Run("OutOfScopeSaidPerCode", func(t *testing.T) {
		r := run(t, env, "study", "offline", "--doc", "21-KL/TW", "--member", "DV5", "--org", "CB1")
		if r.code == 0 || !strings.Contains(r.stdout, "ngoài phạm vi") {
			t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
	})
	t.Run("FileOfCodesTicks", func(t *testing.T) {
		f := write(t, "codes.csv", "\ufeffMã đảng viên\nDV5\nDV4\n")
		r := run(t, env, "study", "offline", "--doc", "21-KL/TW", "--file", f, "--on", "01/11/2026")
		if r.code != 0 || !strings.Contains(r.stdout, "ghi 2, không đổi 0, từ chối 0") {
			t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		r = run(t, env, "stats", "study", "--doc", "21-KL/TW", "--csv")
		if !strings.Contains(r.stdout, "\nROOT,Đảng bộ xã Bình Lư,,5,0,0,0,0,2,3,0,0,100.0") {
			t.Fatalf("rates: %s", r.stdout)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"NeitherMemberNorFile", []string{"study", "offline", "--doc", "21-KL/TW"}, "--member"},
		{"FutureDate", []string{"study", "offline", "--doc", "21-KL/TW", "--member", "DV1", "--on", "01/01/2099"}, "chưa tới"},
		{"BadDate", []string{"study", "offline", "--doc", "21-KL/TW", "--member", "DV1", "--on", "mai"}, "không phải ngày"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, env, tc.args...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.msg) {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
		})
	}
}

func TestPushRemindDays(t *testing.T) {
	dsn := studyDB(t)
	env := []string{"DATABASE_URL=" + dsn}
	r := run(t, env, "push", "--doc", "21-KL/TW", "--to", "ROOT", "--remind-days", "200")
	if r.code == 0 || !strings.Contains(r.stderr, "--remind-days 200 không hợp lệ") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	r = run(t, env, "push", "--doc", "21-KL/TW", "--to", "ROOT", "--all", "--remind-days", "5", "--due", time.Now().AddDate(0, 3, 0).Format("02/01/2006"))
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	s, err := storage.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var days int
	if err := s.DB().Get(&days, `SELECT remind_days FROM campaigns ORDER BY id DESC LIMIT 1`); err != nil || days != 5 {
		t.Fatalf("remind_days %d %v", days, err)
	}
}

func TestDocQuiz(t *testing.T) {
	env := []string{"DATABASE_URL=" + studyDB(t)}
	head := "Câu hỏi;Phương án A;Phương án B;Đáp án;Giải thích\n"
	good := write(t, "q.csv", head+"Một?;Có;Không;A;\nHai?;Có;Không;B;Vì\nBa?;Có;Không;A;\n")
	t.Run("PushQuizNeedsAQuiz", func(t *testing.T) {
		r := run(t, env, "push", "--doc", "21-KL/TW", "--to", "ROOT", "--all", "--quiz")
		if r.code == 0 || !strings.Contains(r.stderr, "chưa có bài kiểm tra") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("BadRowRefusedWithItsNumber", func(t *testing.T) {
		r := run(t, env, "doc", "quiz", "21-KL/TW", write(t, "bad.csv", head+"Một?;Có;Không;A;\nHai?;Có;;B;\nBa?;Có;Không;A;\n"))
		if r.code == 0 || !strings.Contains(r.stderr, "dòng 3: thiếu phương án B") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("Attaches", func(t *testing.T) {
		r := run(t, env, "doc", "quiz", "21-KL/TW", good)
		if r.code != 0 || !strings.Contains(r.stdout, "Đã gắn bài kiểm tra 3 câu (phiên bản 1)") {
			t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
		}
		r = run(t, env, "push", "--doc", "21-KL/TW", "--to", "ROOT", "--all", "--quiz", "--pass", "67")
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("BadPassMark", func(t *testing.T) {
		r := run(t, env, "push", "--doc", "21-KL/TW", "--to", "ROOT", "--quiz", "--pass", "0")
		if r.code == 0 || !strings.Contains(r.stderr, "--pass 0 không hợp lệ") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("WrongArguments", func(t *testing.T) {
		if r := run(t, env, "doc", "quiz", "21-KL/TW"); r.code == 0 || !strings.Contains(r.stderr, "sotay doc quiz SỐ_HIỆU TỆP") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if r := run(t, env, "doc", "quiz", "99-XX", good); r.code == 0 || !strings.Contains(r.stderr, "không có văn bản số 99-XX") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	})
}

func TestStudyClose(t *testing.T) {
	env := []string{"DATABASE_URL=" + studyDB(t)}
	r := run(t, env, "study", "close", "--doc", "21-KL/TW")
	if r.code != 0 || !strings.Contains(r.stdout, "Đã kết thúc 1 đợt học tập") {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if r = run(t, env, "study", "close", "--doc", "21-KL/TW"); r.code != 0 || !strings.Contains(r.stdout, "không có đợt học tập nào đang mở") {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if r = run(t, env, "study", "offline", "--doc", "21-KL/TW", "--member", "DV5"); r.code == 0 || !strings.Contains(r.stdout, "đã kết thúc") {
		t.Fatalf("exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if r = run(t, env, "stats", "study", "--doc", "21-KL/TW", "--csv"); !strings.Contains(r.stdout, "\nROOT,Đảng bộ xã Bình Lư,,5,0,0,1,0,2,1,1,0,60.0") {
		t.Fatalf("figures changed: %s", r.stdout)
	}
	if r = run(t, env, "study", "close"); r.code == 0 || !strings.Contains(r.stderr, "thiếu --doc") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

// localTimes are the moments the date checks are tried at, on 15/03/2027
// in Asia/Ho_Chi_Minh, as SOTAY_NOW in UTC: half past midnight (still the
// 14th in UTC), 06:51 (the case) and half past eleven.
var localTimes = []struct {
	name string
	now  string
}{
	{"At0030", "2027-03-14T17:30:00Z"},
	{"At0651", "2027-03-14T23:51:00Z"},
	{"At2330", "2027-03-15T16:30:00Z"},
}

// TestStudyOfflineTodayIsLocal: "today" of study offline is the local
// date of TZ whatever the hour, for its own check and the storage's.
func TestStudyOfflineTodayIsLocal(t *testing.T) {
	for _, tc := range localTimes {
		t.Run(tc.name, func(t *testing.T) {
			dsn := studyDB(t)
			env := []string{"DATABASE_URL=" + dsn, "SOTAY_NOW=" + tc.now}
			r := run(t, env, "study", "offline", "--doc", "21-KL/TW", "--member", "DV5")
			if r.code != 0 || !strings.Contains(r.stdout, "buổi sinh hoạt ngày 15/03/2027: ghi 1") {
				t.Fatalf("today: exit %d: %s %s", r.code, r.stdout, r.stderr)
			}
			r = run(t, env, "study", "offline", "--doc", "21-KL/TW", "--member", "DV4", "--on", "16/03/2027")
			if r.code == 0 || !strings.Contains(r.stderr, "16/03/2027 chưa tới") {
				t.Fatalf("tomorrow: exit %d: %s %s", r.code, r.stdout, r.stderr)
			}
			r = run(t, env, "study", "offline", "--doc", "21-KL/TW", "--member", "DV4", "--on", "15/03/2027")
			if r.code != 0 || !strings.Contains(r.stdout, "ghi 1") {
				t.Fatalf("today named: exit %d: %s %s", r.code, r.stdout, r.stderr)
			}
			days := storagetest.Pairs[string, string](t, open(t, dsn), `SELECT m.code AS k, to_char(a.offline_meeting_on, 'YYYY-MM-DD') AS v
				FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.offline_meeting_on IS NOT NULL AND m.code IN ('DV4', 'DV5')`)
			if days["DV4"] != "2027-03-15" || days["DV5"] != "2027-03-15" {
				t.Fatalf("meeting days %v", days)
			}
		})
	}
}

// TestPushDueTodayIsLocal: --due today is taken and yesterday refused,
// the days being the local ones at every hour.
func TestPushDueTodayIsLocal(t *testing.T) {
	for _, tc := range localTimes {
		t.Run(tc.name, func(t *testing.T) {
			dsn := studyDB(t)
			env := []string{"DATABASE_URL=" + dsn, "SOTAY_NOW=" + tc.now}
			r := run(t, env, "push", "--doc", "21-KL/TW", "--to", "ROOT", "--all", "--due", "14/03/2027")
			if r.code == 0 || !strings.Contains(r.stderr, "--due: Hạn học tập 14/03/2027 đã qua") || !strings.Contains(r.stderr, "từ hôm nay (15/03/2027)") {
				t.Fatalf("yesterday: exit %d: %s", r.code, r.stderr)
			}
			// More than a year ahead: the rule /gui's deadline buttons follow too.
			if r = run(t, env, "push", "--doc", "21-KL/TW", "--to", "ROOT", "--all", "--due", "16/03/2028"); r.code == 0 || !strings.Contains(r.stderr, "còn hơn một năm nữa") {
				t.Fatalf("a year and a day ahead: exit %d: %s", r.code, r.stderr)
			}
			if r = run(t, env, "push", "--doc", "21-KL/TW", "--to", "ROOT", "--all", "--due", "hôm nay"); r.code != 0 {
				t.Fatalf("today: exit %d: %s", r.code, r.stderr)
			}
			var due string
			if err := open(t, dsn).DB().Get(&due, `SELECT to_char(due_on, 'YYYY-MM-DD') FROM campaigns WHERE due_on IS NOT NULL`); err != nil || due != "2027-03-15" {
				t.Fatalf("due %q (%v)", due, err)
			}
		})
	}
}

func TestUnreadableClockRefused(t *testing.T) {
	r := run(t, []string{"DATABASE_URL=" + studyDB(t), "SOTAY_NOW=hôm qua"}, "study", "offline", "--doc", "21-KL/TW", "--member", "DV5")
	if r.code == 0 || !strings.Contains(r.stderr, "SOTAY_NOW") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

// TestDocDateTodayIsLocal: a document issued today (the local date) is
// taken and one dated tomorrow refused, at every hour.
func TestDocDateTodayIsLocal(t *testing.T) {
	for _, tc := range localTimes {
		t.Run(tc.name, func(t *testing.T) {
			env := []string{"DATABASE_URL=" + studyDB(t), "SOTAY_NOW=" + tc.now}
			add := func(number, date string) result {
				return run(t, env, "doc", "add", "--kind", "thong_bao", "--number", number, "--title", "Thông báo lịch họp",
					"--issuer", "Đảng ủy xã", "--date", date, "--summary", "Tóm tắt.")
			}
			if r := add("01-TB/ĐU", "16/03/2027"); r.code == 0 || !strings.Contains(r.stderr, "16/03/2027 ở tương lai") {
				t.Fatalf("tomorrow: exit %d: %s %s", r.code, r.stdout, r.stderr)
			}
			if r := add("02-TB/ĐU", "15/03/2027"); r.code != 0 || !strings.Contains(r.stdout, "Đã đăng") {
				t.Fatalf("today: exit %d: %s %s", r.code, r.stdout, r.stderr)
			}
		})
	}
}
