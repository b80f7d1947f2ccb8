package storagetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"sotay/storage"
)

// RulesCommune is the small commune the rules of party work (issue 20) are
// checked on, built through the storage API on a clock that walks through
// 2026 (Asia/Ho_Chi_Minh):
//
//	ROOT Đảng bộ xã Bình Lư
//	├── CA Chi bộ bản Pa Cheo, renamed Chi bộ bản Pa Cheo Thượng on 15/11   A1…A5; M1 from 01/10; A5 left 18/11
//	├── CB Chi bộ bản Lũng Phìn, founded (and recorded) 15/10              B1; D1 from 08/11
//	├── CD Chi bộ Thôn cũ, dissolved 10/11                                  D1 until 08/11
//	└── DB Đảng bộ Trường học
//	    └── CC Chi bộ Tiểu học                                              C1, C2; M1 until 01/10
//
// Meetings (names: P present, R absent with a reason, A absent without):
//
//	CC 10/03 regular          C1 P, C2 P, M1 A
//	CC 12/06 regular          C1 P, C2 R, M1 A
//	CA 20/07 thematic         count only
//	CA 05/08 regular 19:30–21:15, notice 03/08 10:00   A1 P, A2 A, A3 R, A4 P, A5 P
//	CA 04/09 regular 19:30–20:30, no notice           A1 P, A2 A, A3 R, A4 A, A5 A; corrected 05/09: A4 R
//	CC 15/09 regular 19:00–21:00, notice the same day 08:00   C1 P, C2 R, M1 P
//	CD 20/09 regular          count only, notice 18/09
//	CC 08/10 regular          count only, notice 06/10 19:00 for 19:00
//	CA 05/11 regular + thematic 23:30–01:15, notice 04/11 23:20 for 23:30   A1 P, A2 A, A3 R, A4 P, A5 A, M1 A
//	CC 12/11 regular 06:30–08:30, notice 10/11 08:00 for 06:30   C1 P, C2 R
//
// Supervision by the cells (members examined): CC 01/12/2025 3, CC 01/05 1,
// CA 01/06 1 (cấp ủy); CA 01/07 3 (body ubkt, not the cell's own).
//
// Study: 21-KL/TW pushed to ROOT on 01/10 09:00, due 31/10 (A1 studied
// 05/10, A2 offline 20/10); 62-KH/TU pushed to CA on 01/10, due 15/10,
// closed 01/11.
//
// Its clock is left at 20/11/2026 10:00.
type RulesCommune struct {
	S    *storage.Storage
	DSN  string
	Orgs map[string]int64
	// Clock is the storage's clock; tests may move it, also while a bot
	// reads it.
	Clock *Clock
}

// NewRulesCommune builds RulesCommune on a fresh database.
func NewRulesCommune(t testing.TB) RulesCommune {
	t.Helper()
	ctx := context.Background()
	loc := Local
	ck := NewClock(time.Date(2026, 1, 1, 8, 0, 0, 0, loc))
	c := RulesCommune{Orgs: map[string]int64{}, Clock: ck, DSN: NewDatabase(t)}
	db, err := sqlx.Open("postgres", c.DSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c.S = storage.New(db, storage.WithClock(ck.Now))
	s := c.S
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at := func(d, m, hh, mm int) time.Time { return time.Date(2026, time.Month(m), d, hh, mm, 0, 0, loc) }
	date := func(d, m int) time.Time { return time.Date(2026, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	founded := date(15, 10)
	MustImport(t, s, []storage.OrgInput{
		{Line: 2, Code: "ROOT", Name: "Đảng bộ xã Bình Lư", Kind: storage.KindDangBo},
		{Line: 3, Code: "CA", Name: "Chi bộ bản Pa Cheo", Kind: storage.KindChiBo, ParentCode: "ROOT"},
		{Line: 5, Code: "CD", Name: "Chi bộ Thôn cũ", Kind: storage.KindChiBo, ParentCode: "ROOT"},
		{Line: 6, Code: "DB", Name: "Đảng bộ Trường học", Kind: storage.KindDangBo, ParentCode: "ROOT"},
		{Line: 7, Code: "CC", Name: "Chi bộ Tiểu học", Kind: storage.KindChiBo, ParentCode: "DB"},
	}, []storage.MemberInput{
		{Line: 2, Code: "A1", FullName: "Lò Văn Minh", OrgCode: "CA"},
		{Line: 3, Code: "A2", FullName: "Hoàng Thị Hoa", OrgCode: "CA"},
		{Line: 4, Code: "A3", FullName: "Giàng A Páo", OrgCode: "CA"},
		{Line: 5, Code: "A4", FullName: "Lường Văn Ên", OrgCode: "CA"},
		{Line: 6, Code: "A5", FullName: "Vàng Thị Mỷ", OrgCode: "CA"},
		{Line: 8, Code: "C1", FullName: "Nguyễn Văn An", OrgCode: "CC"},
		{Line: 9, Code: "C2", FullName: "Trần Thị Bình", OrgCode: "CC"},
		{Line: 10, Code: "M1", FullName: "Lê Văn Chuyển", OrgCode: "CC"},
		{Line: 11, Code: "D1", FullName: "Đỗ Thị Dung", OrgCode: "CD"},
	})
	members := map[string]int64{}
	ids := func(orgs, ms []string) {
		for _, code := range orgs {
			o, err := s.Organisation(ctx, code)
			must(err)
			c.Orgs[code] = o.ID
		}
		for _, code := range ms {
			m, err := s.Member(ctx, code)
			must(err)
			members[code] = m.ID
		}
	}
	ids([]string{"ROOT", "CA", "CD", "DB", "CC"}, []string{"A1", "A2", "A3", "A4", "A5", "C1", "C2", "M1", "D1"})
	names := func(list string) []storage.HistoryAttendance {
		var out []storage.HistoryAttendance
		for _, item := range strings.Split(list, ",") { // "A1 P": the member's code and their status
			code, st, _ := strings.Cut(item, " ")
			a := storage.HistoryAttendance{MemberID: members[code], Status: "present"}
			switch st {
			case "R":
				a.Status, a.Reason = "absent_reason", "ốm"
			case "A":
				a.Status = "absent"
			}
			out = append(out, a)
		}
		return out
	}
	meeting := func(code, kind string, d, m, present, total int, h storage.MeetingHistory) storage.MeetingReport {
		t.Helper()
		ck.Set(at(d, m, 12, 0).AddDate(0, 0, 1))
		r, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: c.Orgs[code], Kind: kind, HeldOn: date(d, m),
			Present: present, Total: total, Topic: "Sinh hoạt chi bộ"})
		must(err)
		must(s.RecordMeetingHistory(ctx, r.ID, h))
		return r
	}
	notice := func(code string, created, starts time.Time) {
		t.Helper()
		ck.Set(created)
		_, _, err := s.AnnounceMeeting(ctx, storage.MeetingNotice{OrgID: c.Orgs[code], StartsAt: starts, Place: "Nhà văn hóa", Topic: "Sinh hoạt chi bộ"})
		must(err)
	}
	supervision := func(code, body string, day time.Time, members int) {
		t.Helper()
		ck.Set(time.Date(day.Year(), day.Month(), day.Day(), 20, 0, 0, 0, loc))
		_, err := s.SaveSupervisionReport(ctx, storage.SupervisionInput{OrgID: c.Orgs[code], Body: body, Kind: storage.SupervisionMonitoring,
			HeldOn: day, MembersExamined: members, Content: "Việc thực hiện nhiệm vụ đảng viên"})
		must(err)
	}
	const reg, them = storage.MeetingRegular, storage.MeetingTopical

	supervision("CC", storage.BodyCommittee, time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), 3)
	meeting("CC", reg, 10, 3, 2, 3, storage.MeetingHistory{Attendance: names("C1 P,C2 P,M1 A")})
	supervision("CC", storage.BodyCommittee, date(1, 5), 1)
	supervision("CA", storage.BodyCommittee, date(1, 6), 1)
	meeting("CC", reg, 12, 6, 1, 3, storage.MeetingHistory{Attendance: names("C1 P,C2 R,M1 A")})
	supervision("CA", storage.BodyCommission, date(1, 7), 3)
	meeting("CA", them, 20, 7, 5, 5, storage.MeetingHistory{})
	notice("CA", at(3, 8, 10, 0), at(5, 8, 19, 30))
	meeting("CA", reg, 5, 8, 3, 5, storage.MeetingHistory{Starts: "19:30", Ends: "21:15", Attendance: names("A1 P,A2 A,A3 R,A4 P,A5 P")})
	sep := meeting("CA", reg, 4, 9, 1, 5, storage.MeetingHistory{Starts: "19:30", Ends: "20:30", Attendance: names("A1 P,A2 A,A3 R,A4 A,A5 A")})
	ck.Set(at(5, 9, 7, 0))
	v2, err := s.SaveMeetingReport(ctx, storage.MeetingInput{ReportID: sep.ID, Change: storage.ChangeCorrected, OrgID: c.Orgs["CA"], Kind: reg,
		HeldOn: date(4, 9), Present: 1, Total: 5, Topic: "Sinh hoạt chi bộ"})
	must(err)
	corrected := names("A1 P,A2 A,A3 R,A4 R,A5 A")
	corrected[3].Reason = "đi công tác"
	must(s.RecordMeetingHistory(ctx, v2.ID, storage.MeetingHistory{Starts: "19:30", Ends: "20:30", Attendance: corrected}))
	notice("CC", at(15, 9, 8, 0), at(15, 9, 19, 0))
	meeting("CC", reg, 15, 9, 2, 3, storage.MeetingHistory{Starts: "19:00", Ends: "21:00", Attendance: names("C1 P,C2 R,M1 P")})
	notice("CD", at(18, 9, 9, 0), at(20, 9, 19, 0))
	meeting("CD", reg, 20, 9, 1, 1, storage.MeetingHistory{})

	ck.Set(at(1, 10, 8, 0))
	must(s.MoveMember(ctx, "M1", "CA", "test"))
	docs := map[string]int64{}
	for i, number := range []string{"21-KL/TW", "62-KH/TU"} {
		var id int64
		must(s.DB().Get(&id, `INSERT INTO documents (kind, number, issuer, issued_on, title, summary, status, number_key)
			VALUES ('ket_luan', $1, 'Bộ Chính trị', '2021-10-25', $2, 'Tóm tắt', 'published', $3) RETURNING id`,
			number, fmt.Sprintf("Văn bản số %d", i+1), storage.NumberKey(number)))
		docs[number] = id
	}
	push := func(doc, org string, due time.Time) storage.Campaign {
		t.Helper()
		ck.Set(at(1, 10, 9, 0))
		camp, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: docs[doc], OrgIDs: []int64{c.Orgs[org]}, DueOn: &due, Actor: "test",
			Message: func(d storage.Document, _ storage.Campaign, id int64) (string, any) { return d.Number, nil }})
		must(err)
		return camp
	}
	set := func(campaign int64, code, state string, when time.Time) {
		t.Helper()
		ck.Set(when)
		var id int64
		must(s.DB().Get(&id, `SELECT id FROM assignments WHERE campaign_id = $1 AND member_id = $2`, campaign, members[code]))
		must(s.RecordAssignmentState(ctx, id, state, "", when))
	}
	kl21 := push("21-KL/TW", "ROOT", date(31, 10))
	kh62 := push("62-KH/TU", "CA", date(15, 10))
	set(kl21.ID, "A1", storage.AssignStudied, at(5, 10, 20, 0))
	notice("CC", at(6, 10, 19, 0), at(8, 10, 19, 0))
	meeting("CC", reg, 8, 10, 2, 2, storage.MeetingHistory{})
	ck.Set(at(15, 10, 10, 0))
	MustImport(t, s, []storage.OrgInput{{Line: 2, Code: "CB", Name: "Chi bộ bản Lũng Phìn", Kind: storage.KindChiBo, ParentCode: "ROOT", FoundedOn: &founded}},
		[]storage.MemberInput{{Line: 2, Code: "B1", FullName: "Sùng A Chua", OrgCode: "CB"}})
	ids([]string{"CB"}, []string{"B1"})
	set(kl21.ID, "A2", storage.AssignStudiedOffline, at(20, 10, 21, 0))
	ck.Set(at(1, 11, 8, 0))
	if _, err := s.CloseCampaign(ctx, kh62.ID, "test"); err != nil {
		t.Fatal(err)
	}
	notice("CA", at(4, 11, 23, 20), at(5, 11, 23, 30))
	meeting("CA", reg, 5, 11, 2, 6, storage.MeetingHistory{Combined: true, Starts: "23:30", Ends: "01:15",
		Attendance: names("A1 P,A2 A,A3 R,A4 P,A5 A,M1 A")})
	ck.Set(at(8, 11, 9, 0))
	must(s.MoveMember(ctx, "D1", "CB", "test"))
	ck.Set(at(10, 11, 9, 0))
	must(s.DissolveOrganisation(ctx, "CD", "test"))
	notice("CC", at(10, 11, 8, 0), at(12, 11, 6, 30))
	meeting("CC", reg, 12, 11, 1, 2, storage.MeetingHistory{Starts: "06:30", Ends: "08:30", Attendance: names("C1 P,C2 R")})
	ck.Set(at(15, 11, 9, 0))
	must(s.RenameOrganisation(ctx, "CA", "Chi bộ bản Pa Cheo Thượng", "test"))
	ck.Set(at(18, 11, 9, 0))
	if _, err := s.LeaveMember(ctx, "A5", "chuyển đi nơi khác", "test"); err != nil {
		t.Fatal(err)
	}
	ck.Set(at(20, 11, 10, 0))
	return c
}
