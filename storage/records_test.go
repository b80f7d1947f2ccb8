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

// papersEnv is a hand-made commune for the papers, its clock on
// 05/01/2027 10:00 (Asia/Ho_Chi_Minh), everything written on purpose:
//
//	ROOT Đảng bộ xã Bình Lư
//	├── CB1 Chi bộ bản Nà Hiên   A1 Lò Văn Minh, A2 Hoàng Thị Hoa, A5 Lường Văn Tâm,
//	│                            A3 Giàng A Páo until 10/11/2026, A4 Lò Thị Ngọc Huyền until she left on 01/12/2026
//	└── CB2 Chi bộ bản Pà Pao    B1 Vàng Thị Dung, A3 from 10/11/2026
//
// Meetings (attendance by name, only each report's latest version counts):
//
//	R5 CB1 20/09 regular   A1 absent
//	R1 CB1 15/10 regular   v1: A1 present · v2: A1 absent, A2 absent (ốm), A3 absent, A4 present
//	R2 CB1 05/11 thematic  v1: A1 absent · v2: count only (15/20)
//	R3 CB1 20/11 regular   A1 present, A2 present, A4 absent
//	R4 CB2 25/11 regular   A3 present, B1 absent (đi nương)
//
// Study (campaign created, due, closed; then each assignment):
//
//	D1 21-KL/TW created 25/09            A1 online 01/10 00:30 local; A2 online 28/09
//	D2 62-KH/TU created 20/10            A1 at the cell on 20/11 (ticked 02/12); A2 quiz 85 on 25/10
//	D3 05-CT/TW created 01/11, due 30/11 A1 delivered; A2 online 03/01/2027
//	D4 99-TB/TW withdrawn, created 01/11 A1 delivered
//	D5 10-NQ/TW created 01/06, closed 01/07   A1 delivered (pending in Q3, when it closed; not after)
type papersEnv struct {
	s     *storage.Storage
	clock *storagetest.Clock
	ids   map[string]int64 // members and organisations by code
}

func paperAt(y, m, d, hh, mm int) time.Time {
	return time.Date(y, time.Month(m), d, hh, mm, 0, 0, storagetest.Local)
}

func newPapersEnv(t *testing.T) papersEnv {
	t.Helper()
	ctx := context.Background()
	clock := storagetest.NewClock(paperAt(2026, 9, 1, 8, 0))
	s := storagetest.New(t, storage.WithClock(clock.Now))
	e := papersEnv{s: s, clock: clock, ids: map[string]int64{}}
	storagetest.MustImport(t, s, []storage.OrgInput{
		{Line: 2, Code: "ROOT", Name: "Đảng bộ xã Bình Lư", Kind: storage.KindDangBo},
		{Line: 3, Code: "CB1", Name: "Chi bộ bản Nà Hiên", Kind: storage.KindChiBo, ParentCode: "ROOT"},
		{Line: 4, Code: "CB2", Name: "Chi bộ bản Pà Pao", Kind: storage.KindChiBo, ParentCode: "ROOT"},
	}, []storage.MemberInput{
		{Line: 2, Code: "A1", FullName: "Lò Văn Minh", OrgCode: "CB1"},
		{Line: 3, Code: "A2", FullName: "Hoàng Thị Hoa", OrgCode: "CB1"},
		{Line: 4, Code: "A3", FullName: "Giàng A Páo", OrgCode: "CB1"},
		{Line: 5, Code: "A4", FullName: "Lò Thị Ngọc Huyền", OrgCode: "CB1"},
		{Line: 6, Code: "A5", FullName: "Lường Văn Tâm", OrgCode: "CB1"},
		{Line: 7, Code: "B1", FullName: "Vàng Thị Dung", OrgCode: "CB2"},
	})
	for _, code := range []string{"ROOT", "CB1", "CB2"} {
		o, err := s.Organisation(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		e.ids[code] = o.ID
	}
	for _, code := range []string{"A1", "A2", "A3", "A4", "A5", "B1"} {
		m, err := s.Member(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		e.ids[code] = m.ID
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	r5 := e.meeting(t, 0, "CB1", storage.MeetingRegular, 9, 20, "A1:absent")
	r1 := e.meeting(t, 0, "CB1", storage.MeetingRegular, 10, 15, "A1:present")
	e.meeting(t, r1, "CB1", storage.MeetingRegular, 10, 15, "A1:absent", "A2:absent_reason:ốm", "A3:absent", "A4:present")
	r2 := e.meeting(t, 0, "CB1", storage.MeetingTopical, 11, 5, "A1:absent")
	e.meeting(t, r2, "CB1", storage.MeetingTopical, 11, 5)
	clock.Set(paperAt(2026, 11, 10, 9, 0))
	must(s.MoveMember(ctx, "A3", "CB2", "test"))
	e.meeting(t, 0, "CB1", storage.MeetingRegular, 11, 20, "A1:present", "A2:present", "A4:absent")
	e.meeting(t, 0, "CB2", storage.MeetingRegular, 11, 25, "A3:present", "B1:absent_reason:đi nương")
	clock.Set(paperAt(2026, 12, 1, 9, 0))
	_, err := s.LeaveMember(ctx, "A4", "Chuyển sinh hoạt đi xã khác", "test")
	must(err)
	_ = r5

	d1 := e.campaign(t, "21-KL/TW", storage.DocPublished, paperAt(2026, 9, 25, 9, 0), nil, nil)
	d2 := e.campaign(t, "62-KH/TU", storage.DocPublished, paperAt(2026, 10, 20, 9, 0), nil, nil)
	due := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	d3 := e.campaign(t, "05-CT/TW", storage.DocPublished, paperAt(2026, 11, 1, 9, 0), &due, nil)
	d4 := e.campaign(t, "99-TB/TW", storage.DocWithdrawn, paperAt(2026, 11, 1, 9, 0), nil, nil)
	closed := paperAt(2026, 7, 1, 9, 0)
	d5 := e.campaign(t, "10-NQ/TW", storage.DocPublished, paperAt(2026, 6, 1, 9, 0), nil, &closed)
	e.assign(t, d1, "A1", "studied", "online", paperPtr(paperAt(2026, 10, 1, 0, 30)), nil, nil)
	e.assign(t, d1, "A2", "studied", "online", paperPtr(paperAt(2026, 9, 28, 15, 0)), nil, nil)
	e.assign(t, d2, "A1", "studied_offline", "offline", paperPtr(paperAt(2026, 12, 2, 9, 0)), paperPtr(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)), nil)
	e.assign(t, d2, "A2", "studied", "quiz", paperPtr(paperAt(2026, 10, 25, 20, 0)), nil, paperPtr(85))
	e.assign(t, d3, "A1", "delivered", "", nil, nil, nil)
	e.assign(t, d3, "A2", "studied", "online", paperPtr(paperAt(2027, 1, 3, 8, 0)), nil, nil)
	e.assign(t, d4, "A1", "delivered", "", nil, nil, nil)
	e.assign(t, d5, "A1", "delivered", "", nil, nil, nil)
	clock.Set(paperAt(2027, 1, 5, 10, 0))
	return e
}

func paperPtr[T any](v T) *T { return &v }

// meeting saves a meeting report of a cell (a new one, or a new version of
// report), held on 2026-m-d with attendance rows "CODE:status[:reason]"
// for that version (none: a count-only version), and returns its id.
func (e papersEnv) meeting(t *testing.T, report int64, org, kind string, m, d int, attendance ...string) int64 {
	t.Helper()
	ctx := context.Background()
	e.clock.Set(paperAt(2026, m, d, 21, 0))
	r, err := e.s.SaveMeetingReport(ctx, storage.MeetingInput{ReportID: report, Change: storage.ChangeCorrected, OrgID: e.ids[org], Kind: kind,
		HeldOn: time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC), Present: 15, Total: 20, Topic: fmt.Sprintf("Sinh hoạt %02d/%02d", d, m)})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range attendance {
		f := strings.SplitN(a+"::", ":", 3)
		if _, err := e.s.DB().Exec(`INSERT INTO meeting_attendance (report_id, version, member_id, status, reason) VALUES ($1, $2, $3, $4, $5)`,
			r.ID, r.Version, e.ids[f[0]], f[1], strings.TrimRight(f[2], ":")); err != nil {
			t.Fatal(err)
		}
	}
	return r.ID
}

// campaign writes a document and a campaign of it to ROOT.
func (e papersEnv) campaign(t *testing.T, number, status string, created time.Time, due *time.Time, closed *time.Time) int64 {
	t.Helper()
	doc := MustInsertDocument(t, e.s, number, status)
	var id int64
	if err := e.s.DB().Get(&id, `INSERT INTO campaigns (document_id, due_on, created_at, closed_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		doc, due, created, closed); err != nil {
		t.Fatal(err)
	}
	return id
}

// assign writes a member's assignment of a campaign in the given state.
func (e papersEnv) assign(t *testing.T, campaign int64, code, state, how string, studiedAt, meetingOn *time.Time, score *int) {
	t.Helper()
	if _, err := e.s.DB().Exec(`INSERT INTO assignments (campaign_id, document_id, member_id, org_id, state, studied_how, studied_at, offline_meeting_on, quiz_score)
		SELECT $1, c.document_id, m.id, m.org_id, $3, $4, $5, $6, $7 FROM campaigns c, members m WHERE c.id = $1 AND m.code = $2`,
		campaign, code, state, how, studiedAt, meetingOn, score); err != nil {
		t.Fatal(err)
	}
}

// describe writes a record in one line per part, to compare with what was
// worked out by hand.
func describe(r storage.QuarterRecord) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s–%s @%s/%s", r.Member.Code, r.Quarter, r.From.Format("02/01"), r.To.Format("02/01"), r.OrgName, r.Committee)
	b.WriteString("\nstudied:")
	for _, s := range r.Studied {
		fmt.Fprintf(&b, " %s %s %s", s.DocNumber, s.On.Format("02/01"), s.How)
		if s.QuizScore != nil {
			fmt.Fprintf(&b, "(%d)", *s.QuizScore)
		}
		b.WriteString(";")
	}
	b.WriteString("\nmeetings:")
	for _, m := range r.Meetings {
		status := "unrecorded"
		switch {
		case m.Attended():
			status = "present"
		case m.AbsentWithReason():
			status = "absent(" + m.Reason + ")"
		case m.AbsentWithoutReason():
			status = "absent"
		}
		fmt.Fprintf(&b, " %s %s %s;", m.HeldOn.Format("02/01"), m.Kind, status)
	}
	b.WriteString("\npending:")
	for _, p := range r.Pending {
		fmt.Fprintf(&b, " %s", p.DocNumber)
		if p.DueOn != nil {
			fmt.Fprintf(&b, " due %s", p.DueOn.Format("02/01"))
		}
		if p.StudiedOn != nil {
			fmt.Fprintf(&b, " studied %s", p.StudiedOn.Format("02/01/2006"))
		}
		if p.Closed {
			b.WriteString(" closed")
		}
		b.WriteString(";")
	}
	return b.String()
}

func TestQuarterRecord(t *testing.T) {
	e := newPapersEnv(t)
	ctx := context.Background()
	q4 := storage.Quarter{Year: 2026, N: 4}
	cases := []struct {
		name, code string
		q          storage.Quarter
		want       string
	}{
		{"CorrectionChangesAttendanceAndCountOnlyIsUnrecorded", "A1", q4, `A1 2026-Q4 01/10–31/12 @Chi bộ bản Nà Hiên/Đảng bộ xã Bình Lư
studied: 21-KL/TW 01/10 online; 62-KH/TU 20/11 offline;
meetings: 15/10 thuong_ky absent; 05/11 chuyen_de unrecorded; 20/11 thuong_ky present;
pending: 05-CT/TW due 30/11;`},
		{"QuizAndStudiedAfterTheQuarter", "A2", q4, `A2 2026-Q4 01/10–31/12 @Chi bộ bản Nà Hiên/Đảng bộ xã Bình Lư
studied: 62-KH/TU 25/10 quiz(85);
meetings: 15/10 thuong_ky absent(ốm); 05/11 chuyen_de unrecorded; 20/11 thuong_ky present;
pending: 05-CT/TW due 30/11 studied 03/01/2027;`},
		{"MovedBetweenCells", "A3", q4, `A3 2026-Q4 01/10–31/12 @Chi bộ bản Pà Pao/Đảng bộ xã Bình Lư
studied:
meetings: 15/10 thuong_ky absent; 05/11 chuyen_de unrecorded; 25/11 thuong_ky present;
pending:`},
		{"EarlierQuarter", "A1", storage.Quarter{Year: 2026, N: 3}, `A1 2026-Q3 01/07–30/09 @Chi bộ bản Nà Hiên/Đảng bộ xã Bình Lư
studied:
meetings: 20/09 thuong_ky absent;
pending: 21-KL/TW studied 01/10/2026; 10-NQ/TW closed;`},
		{"QuarterUnderWayEndsToday", "A1", storage.Quarter{Year: 2027, N: 1}, `A1 2027-Q1 01/01–05/01 @Chi bộ bản Nà Hiên/Đảng bộ xã Bình Lư
studied:
meetings:
pending: 05-CT/TW due 30/11;`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.s.MemberQuarterRecord(ctx, e.ids[tc.code], tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(r); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	t.Run("Counts", func(t *testing.T) {
		r, _ := e.s.MemberQuarterRecord(ctx, e.ids["A1"], q4)
		if p, wr, wo, un := r.Attendance(); p != 1 || wr != 0 || wo != 1 || un != 1 {
			t.Fatalf("attendance %d %d %d %d", p, wr, wo, un)
		}
		if on, qz, off := r.StudiedHow(); on != 1 || qz != 0 || off != 1 {
			t.Fatalf("studied %d %d %d", on, qz, off)
		}
	})
	t.Run("QuarterNotBegun", func(t *testing.T) {
		_, err := e.s.MemberQuarterRecord(ctx, e.ids["A1"], storage.Quarter{Year: 2027, N: 2})
		if storage.ErrorCode(err) != storage.CodeInvalid || !strings.Contains(storage.ErrorMessage(err), "2027-Q2 (quý II/2027) chưa bắt đầu") {
			t.Fatalf("err %v", err)
		}
	})
}

func TestOrgQuarterRecords(t *testing.T) {
	e := newPapersEnv(t)
	ctx := context.Background()
	names := func(org string, q storage.Quarter) string {
		t.Helper()
		rs, err := e.s.OrgQuarterRecords(ctx, e.ids[org], q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.Member.Code+"@"+r.Member.OrgCode)
		}
		return strings.Join(out, " ")
	}
	cases := []struct {
		name, org string
		q         storage.Quarter
		want      string
	}{
		// A3 moved away and A4 left before 31/12; by given name (Dung, Hoa,
		// Huyền, Minh, Páo, Tâm).
		{"CellOnTheLastDay", "CB1", storage.Quarter{Year: 2026, N: 4}, "A2@CB1 A1@CB1 A5@CB1"},
		{"CellInAnEarlierQuarter", "CB1", storage.Quarter{Year: 2026, N: 3}, "A2@CB1 A4@CB1 A1@CB1 A3@CB1 A5@CB1"},
		{"CommuneByCellThenName", "ROOT", storage.Quarter{Year: 2026, N: 4}, "A2@CB1 A1@CB1 A5@CB1 B1@CB2 A3@CB2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := names(tc.org, tc.q); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadQuarter(t *testing.T) {
	good := map[string]storage.Quarter{
		"2026-Q4": {2026, 4}, "2026-q1": {2026, 1}, "2026Q2": {2026, 2}, " 2026 - Q3 ": {2026, 3},
		"Q4/2026": {2026, 4}, "quý IV/2026": {2026, 4}, "Quý 2 năm 2027": {2027, 2}, "quy iii/2026": {2026, 3},
	}
	for in, want := range good {
		if got, err := storage.ReadQuarter(in); err != nil || got != want {
			t.Errorf("ReadQuarter(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2026-Q5", "2026-Q0", "2026-12", "Q4", "quý V/2026", "26-Q4"} {
		_, err := storage.ReadQuarter(in)
		if storage.ErrorCode(err) != storage.CodeInvalid || !strings.Contains(storage.ErrorMessage(err), "2026-Q4") {
			t.Errorf("ReadQuarter(%q): %v", in, err)
		}
	}
	if q := (storage.Quarter{Year: 2026, N: 1}); q.Prev() != (storage.Quarter{Year: 2025, N: 4}) || q.Name() != "quý I/2026" ||
		q.Last().Format("2006-01-02") != "2026-03-31" || storage.QuarterOf(paperAt(2026, 12, 31, 23, 0)) != (storage.Quarter{Year: 2026, N: 4}) {
		t.Fatal("quarter arithmetic")
	}
	if err := storage.CheckQuarter(storage.Quarter{Year: 1929, N: 4}, paperAt(2026, 1, 1, 0, 0)); err == nil {
		t.Fatal("a quarter before the Party")
	}
}

func TestFollowUpList(t *testing.T) {
	e := newPapersEnv(t)
	ctx := context.Background()
	if err := e.s.LinkTelegram(ctx, e.ids["A2"], 9002); err != nil {
		t.Fatal(err)
	}
	if err := e.s.MarkUnreachable(ctx, e.ids["A2"]); err != nil {
		t.Fatal(err)
	}
	f, err := e.s.FollowUpList(ctx, e.ids["CB1"])
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range f.Rows {
		line := fmt.Sprintf("%s linked=%v blocked=%v docs:", r.Member.Code, !r.NotLinked(), r.Blocked())
		for _, d := range r.Docs {
			line += " " + d.DocNumber
		}
		line += " absent:"
		for _, a := range r.Absence {
			line += fmt.Sprintf(" %s/%v/%s", a.HeldOn.Format("02/01"), a.WithReason(), a.Reason)
		}
		got = append(got, line)
	}
	// A5 has nothing to follow up; A1's absence of 05/11 was corrected to a
	// count-only report; 20/09 is more than 90 days back; D4 is withdrawn
	// and D5's campaign closed.
	want := []string{
		"A2 linked=true blocked=true docs: absent: 15/10/true/ốm",
		"A1 linked=false blocked=false docs: 05-CT/TW absent: 15/10/false/",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if f.Members != 3 || f.Committee != "Đảng bộ xã Bình Lư" || f.Since.Format("2006-01-02") != "2026-10-07" || f.On.Format("2006-01-02") != "2027-01-05" {
		t.Fatalf("members %d, committee %q, %s–%s", f.Members, f.Committee, f.Since, f.On)
	}
}

// FuzzReadQuarter: any text reads as a quarter of 1 to 4 that writes back
// as itself, or is refused with the quarter field's message; never a panic.
func FuzzReadQuarter(f *testing.F) {
	for _, s := range []string{"2026-Q4", "quý IV/2026", "Q1-2027", "", "2026-Q9", "quy 2 nam 2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := storage.ReadQuarter(s)
		if err != nil {
			if storage.ErrorCode(err) != storage.CodeInvalid {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if q.N < 1 || q.N > 4 {
			t.Fatalf("%q read as %v", s, q)
		}
		if back, err := storage.ReadQuarter(q.String()); err != nil || back != q {
			t.Fatalf("%q: %v does not read back (%v, %v)", s, q, back, err)
		}
	})
}
