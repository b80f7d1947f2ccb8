package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sotay/storage"
)

func dayTime(h, m int) *storage.DayTime {
	t := storage.NewDayTime(h, m)
	return &t
}

// attendees is the attendance of CB1 (A1 Lò Văn A, A2 Lò Thị B) with the
// statuses given by code.
func attendees(t *testing.T, s *storage.Storage, statuses map[string][2]string) []storage.Attendee {
	t.Helper()
	var out []storage.Attendee
	for code, st := range statuses {
		m, err := s.Member(context.Background(), code)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, storage.Attendee{MemberID: m.ID, Status: st[0], Reason: st[1]})
	}
	return out
}

// statusOf is each attendee's status and reason by code.
func statusOf(list []storage.Attendee) map[string]string {
	out := map[string]string{}
	for _, a := range list {
		out[a.Code] = a.Status + " " + a.Reason
	}
	return out
}

// A meeting at 23:30 local that ended after midnight, a combined session
// with attendance by name; its correction changes who was absent, and
// each version keeps its own attendance.
func TestMeetingAttendanceByName(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	s := e.s
	a1, _ := s.Member(ctx, "A1")
	a2, _ := s.Member(ctx, "A2")
	nov := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	in := storage.MeetingInput{OrgID: e.orgs["CB1"], Kind: storage.MeetingCombined, HeldOn: nov, Starts: dayTime(23, 30), Ends: dayTime(1, 15),
		Present: 1, Total: 2, Topic: "Quán triệt", By: a1.ID,
		Attendance: attendees(t, s, map[string][2]string{"A1": {storage.AttendPresent}, "A2": {storage.AttendAbsentReason, "ốm"}})}
	first, err := s.SaveMeetingReport(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Starts == nil || first.Starts.String() != "23:30" || first.Ends == nil || first.Ends.String() != "01:15" {
		t.Fatalf("times %v %v", first.Starts, first.Ends)
	}
	if n, ok := first.Minutes(); !ok || n != 105 {
		t.Fatalf("minutes %d %v, want 105 (23:30 to 01:15 the next morning)", n, ok)
	}
	if got := statusOf(first.Attendance); len(got) != 2 || got["A2"] != "absent_reason ốm" || got["A1"] != "present " {
		t.Fatalf("attendance %+v", first.Attendance)
	}

	t.Run("CombinedIsTheMonthsRegularMeeting", func(t *testing.T) {
		_, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: e.orgs["CB1"], Kind: storage.MeetingRegular, HeldOn: nov.AddDate(0, 0, 3),
			Present: 2, Total: 2, Topic: "Khác", By: a1.ID})
		if !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("err = %v, want conflict", err)
		}
		got, err := s.RegularMeeting(ctx, e.orgs["CB1"], nov)
		if err != nil || got.ID != first.ID {
			t.Fatalf("RegularMeeting %+v %v", got, err)
		}
		rows, err := s.MeetingStats(ctx, nov, e.orgs["CB1"])
		if err != nil || rows[0].Own.Regular != 1 || rows[0].Own.Thematic != 1 || rows[0].Own.CellsHeldRegular != 1 {
			t.Fatalf("figures %+v %v: a combined session counts as regular and thematic", rows, err)
		}
	})
	t.Run("CorrectionChangesAttendanceAndKeepsTheOld", func(t *testing.T) {
		in := in
		in.ReportID, in.Change, in.By = first.ID, storage.ChangeCorrected, a2.ID
		in.Attendance = attendees(t, s, map[string][2]string{"A1": {storage.AttendAbsent}, "A2": {storage.AttendPresent}})
		in.Starts, in.Ends = nil, nil
		got, err := s.SaveMeetingReport(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if a := statusOf(got.Attendance); got.Version != 2 || got.Starts != nil || len(a) != 2 || a["A2"] != "present " || a["A1"] != "absent " {
			t.Fatalf("corrected %+v", got)
		}
		vs, err := s.MeetingVersions(ctx, first.ID)
		if err != nil || len(vs) != 2 || statusOf(vs[0].Attendance)["A2"] != "absent_reason ốm" || vs[0].Starts == nil {
			t.Fatalf("versions %+v %v", vs, err)
		}
		// A member's own record reads the latest version only.
		ms, err := s.MemberMeetings(ctx, a2.ID, nov.AddDate(0, 0, -30), nov)
		if err != nil || len(ms) != 1 || ms[0].Status != storage.AttendPresent || ms[0].Kind != storage.MeetingCombined {
			t.Fatalf("A2's meetings %+v %v", ms, err)
		}
		ms, err = s.MemberMeetings(ctx, a1.ID, nov, nov)
		if err != nil || len(ms) != 1 || ms[0].Status != storage.AttendAbsent {
			t.Fatalf("A1's meetings %+v %v", ms, err)
		}
	})
	t.Run("CountOnlyKeepsItsText", func(t *testing.T) {
		got, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: e.orgs["CB1"], Kind: storage.MeetingTopical, HeldOn: nov.AddDate(0, 0, 1),
			Present: 1, Total: 2, AbsentReasons: "Lò Thị B (ốm)", Topic: "Chuyên đề", By: a1.ID})
		if err != nil || got.Attendance != nil || got.AbsentReasons != "Lò Thị B (ốm)" {
			t.Fatalf("count-only %+v %v", got, err)
		}
	})
}

// What a report with names or times must be, refused before anything is
// stored.
func TestMeetingAttendanceRefused(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	s := e.s
	a1, _ := s.Member(ctx, "A1")
	nov := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	base := func() storage.MeetingInput {
		return storage.MeetingInput{OrgID: e.orgs["CB1"], Kind: storage.MeetingRegular, HeldOn: nov, Present: 1, Total: 2, Topic: "A", By: a1.ID,
			Attendance: attendees(t, s, map[string][2]string{"A1": {storage.AttendPresent}, "A2": {storage.AttendAbsent}})}
	}
	for _, c := range []struct {
		name  string
		edit  func(*storage.MeetingInput)
		field storage.Field
		says  string
	}{
		{"OnlyStart", func(in *storage.MeetingInput) { in.Starts = dayTime(19, 30) }, storage.FieldTime, "Thiếu giờ kết thúc"},
		{"EndIsStart", func(in *storage.MeetingInput) { in.Starts, in.Ends = dayTime(19, 30), dayTime(19, 30) }, storage.FieldTime, "trùng giờ bắt đầu"},
		{"ElevenHours", func(in *storage.MeetingInput) { in.Starts, in.Ends = dayTime(19, 30), dayTime(6, 30) }, storage.FieldTime, "dài 11 giờ"},
		{"PresentMiscounted", func(in *storage.MeetingInput) { in.Present = 2 }, storage.FieldAbsent, "Có mặt 2/2 là 0 đồng chí vắng, nhưng báo cáo ghi tên 1"},
		{"TotalMiscounted", func(in *storage.MeetingInput) { in.Total = 3 }, storage.FieldAttendance, "Điểm danh có 2 đảng viên nhưng tổng số ghi 3"},
		{"ReasonMissing", func(in *storage.MeetingInput) { in.Attendance[1].Status = storage.AttendAbsentReason }, storage.FieldReason, "Thiếu lý do vắng"},
		{"ReasonWhenPresent", func(in *storage.MeetingInput) { in.Attendance[0].Reason = "ốm" }, storage.FieldReason, "không ghi là vắng có lý do"},
		{"Twice", func(in *storage.MeetingInput) { in.Attendance[1].MemberID = in.Attendance[0].MemberID }, storage.FieldAbsent, "hai lần"},
		{"NotOfTheCell", func(in *storage.MeetingInput) {
			b1, _ := s.Member(ctx, "B1")
			in.Attendance[1].MemberID = b1.ID
		}, storage.FieldAttendance, "không khớp danh sách chi bộ ngày 15/11/2026 (2 đảng viên)"},
		{"MissingAMember", func(in *storage.MeetingInput) { in.Attendance, in.Total = in.Attendance[:1], 1 },
			storage.FieldAttendance, "không khớp danh sách chi bộ"},
		{"StudiedTwice", func(in *storage.MeetingInput) { in.Studied = []int64{7, 7} }, storage.FieldStudied, "hai lần"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			// Map order: put A1 first whatever the map gave.
			if in.Attendance[0].Status != storage.AttendPresent {
				in.Attendance[0], in.Attendance[1] = in.Attendance[1], in.Attendance[0]
			}
			c.edit(&in)
			_, err := s.SaveMeetingReport(ctx, in)
			var fe *storage.Error
			if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(fe.Message, c.says) {
				t.Fatalf("err = %v, want field %q saying %q", err, c.field, c.says)
			}
			if ms, _ := s.MeetingReports(ctx, storage.ReportFilter{}); len(ms) != 0 {
				t.Fatalf("stored %+v", ms)
			}
		})
	}
}

func TestMatchMember(t *testing.T) {
	cell := []storage.Member{
		{ID: 1, Code: "DV0001", FullName: "Lò Văn Minh"},
		{ID: 2, Code: "DV0002", FullName: "Hoàng Thị Hoa"},
		{ID: 3, Code: "DV0003", FullName: "Giàng A Páo"},
		{ID: 4, Code: "DV0004", FullName: "Vàng A Páo"},
	}
	for who, want := range map[string]int64{
		"DV0003": 3, "dv0003": 3, "Lò Văn Minh": 1, "lo van minh": 1, "LÒ VĂN MINH": 1, "Minh": 1, "Văn Minh": 1, "hoa": 2, "Giàng A Páo": 3,
	} {
		if m, err := storage.MatchMember(cell, who); err != nil || m.ID != want {
			t.Errorf("MatchMember(%q) = %d %v, want %d", who, m.ID, err, want)
		}
	}
	for who, says := range map[string]string{
		"Páo":        "«Páo» có thể là Giàng A Páo (DV0003), Vàng A Páo (DV0004): đồng chí ghi mã đảng viên",
		"Lò Văn Mnh": "Chi bộ không có đồng chí nào mã hoặc tên «Lò Văn Mnh». Tên gần giống nhất: Lò Văn Minh (DV0001)",
		"DV0009":     "Tên gần giống nhất: Lò Văn Minh (DV0001), Hoàng Thị Hoa (DV0002), Giàng A Páo (DV0003)",
		"Hùng":       "không có đồng chí nào mã hoặc tên «Hùng»",
		"🤒":          "Thiếu tên người vắng",
	} {
		_, err := storage.MatchMember(cell, who)
		if storage.ErrorField(err) != storage.FieldAbsent || !strings.Contains(storage.ErrorMessage(err), says) {
			t.Errorf("MatchMember(%q) = %v, want %q", who, err, says)
		}
	}
	t.Run("AttendanceFrom", func(t *testing.T) {
		list, err := storage.AttendanceFrom(cell, []storage.NamedAbsence{{Who: "DV0003", Reason: "ốm"}, {Who: "Minh"}})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{1: storage.AttendAbsent, 2: storage.AttendPresent, 3: storage.AttendAbsentReason, 4: storage.AttendPresent}
		for _, a := range list {
			if a.Status != want[a.MemberID] || (a.MemberID == 3) != (a.Reason == "ốm") {
				t.Fatalf("attendance %+v", list)
			}
		}
		if _, err := storage.AttendanceFrom(cell, []storage.NamedAbsence{{Who: "DV0001"}, {Who: "lo van minh"}}); err == nil ||
			!strings.Contains(err.Error(), "«DV0001» và «lo van minh» là cùng một đồng chí, Lò Văn Minh (DV0001)") {
			t.Fatalf("a member named twice: %v", err)
		}
	})
	t.Run("NamesAccountForEveryAbsentMember", func(t *testing.T) {
		for named, says := range map[int]string{1: "Có mặt 18/20 là 2 đồng chí vắng, nhưng báo cáo ghi tên 1 đồng chí vắng", 3: "ghi tên 3 đồng chí vắng: khi ghi tên, đồng chí ghi đủ tên mọi người vắng (hoặc sửa số có mặt thành 17/20)"} {
			if err := storage.CheckAbsentNamed(18, 20, named); err == nil || !strings.Contains(err.Error(), says) {
				t.Errorf("18/20 with %d named: %v", named, err)
			}
		}
		if err := storage.CheckAbsentNamed(18, 20, 2); err != nil {
			t.Errorf("18/20 with 2 named: %v", err)
		}
	})
}

// The documents studied at a meeting: stored with each version, and on
// confirmation the members present who have not studied are ticked.
func TestMeetingStudied(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	s := e.s
	c := e.mustPush(t, false, "CB1")
	a1, _ := s.Member(ctx, "A1")
	if _, _, err := s.MarkStudied(ctx, assignmentOf(t, s, c, "A1"), a1.ID); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	held := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	in := storage.MeetingInput{OrgID: e.orgs["CB1"], Kind: storage.MeetingTopical, HeldOn: held, Present: 2, Total: 2, Topic: "Học tập", By: a1.ID,
		Attendance: attendees(t, s, map[string][2]string{"A1": {storage.AttendPresent}, "A2": {storage.AttendPresent}}), Studied: []int64{c.ID}}
	rep, err := s.SaveMeetingReport(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Studied) != 1 || rep.Studied[0].DocNumber != "21-KL/TW" || rep.Studied[0].CampaignID != c.ID {
		t.Fatalf("studied %+v", rep.Studied)
	}
	t.Run("ACampaignNotOfTheCellRefused", func(t *testing.T) {
		other := e.mustPush(t, false, "CB3")
		in := in
		in.Studied = []int64{other.ID}
		if _, err := s.SaveMeetingReport(ctx, in); storage.ErrorField(err) != storage.FieldStudied {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("TicksThosePresentWhoHaveNotStudied", func(t *testing.T) {
		ticks, err := s.TickStudiedAtMeeting(ctx, rep.ID, storage.OfflineBy{Actor: "tg:101", MemberID: &a1.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ticks) != 1 || ticks[0].Ticked != 1 || ticks[0].Already != 1 || ticks[0].Unassigned != 0 || len(ticks[0].Refused) != 0 {
			t.Fatalf("ticks %+v", ticks)
		}
		a, _ := s.AssignmentByID(ctx, assignmentOf(t, s, c, "A2"))
		if a.State != storage.AssignStudiedOffline || a.OfflineMeetingOn == nil || a.OfflineMeetingOn.Format("2006-01-02") != held.Format("2006-01-02") {
			t.Fatalf("A2 %+v", a)
		}
		// Online study stands.
		if a, _ := s.AssignmentByID(ctx, assignmentOf(t, s, c, "A1")); a.State != storage.AssignStudied {
			t.Fatalf("A1 %+v", a)
		}
		again, err := s.TickStudiedAtMeeting(ctx, rep.ID, storage.OfflineBy{Actor: "tg:101", MemberID: &a1.ID})
		if err != nil || again[0].Ticked != 0 || again[0].Already != 2 {
			t.Fatalf("again %+v %v", again, err)
		}
	})
	t.Run("AbsentMembersAreNotTicked", func(t *testing.T) {
		c2 := e.mustPush(t, true, "CB1")
		in := in
		in.ReportID, in.Present, in.Studied = rep.ID, 1, []int64{c2.ID}
		in.Attendance = attendees(t, s, map[string][2]string{"A1": {storage.AttendPresent}, "A2": {storage.AttendAbsentReason, "ốm"}})
		if _, err := s.SaveMeetingReport(ctx, in); err != nil {
			t.Fatal(err)
		}
		ticks, err := s.TickStudiedAtMeeting(ctx, rep.ID, storage.OfflineBy{Actor: "cli"})
		if err != nil || len(ticks) != 1 || ticks[0].Ticked != 1 {
			t.Fatalf("ticks %+v %v", ticks, err)
		}
		if a, _ := s.AssignmentByID(ctx, assignmentOf(t, s, c2, "A2")); a.State == storage.AssignStudiedOffline {
			t.Fatalf("an absent member was ticked: %+v", a)
		}
	})
}

func TestReadCombinedKind(t *testing.T) {
	for _, in := range []string{"thường kỳ + chuyên đề", "thuong ky + chuyen de", "Thường kỳ và chuyên đề", "chuyên đề + thường kỳ", "thuong_ky_chuyen_de", "sinh hoạt thường kỳ kết hợp chuyên đề"} {
		if k, err := storage.ReadMeetingKind(in); err != nil || k != storage.MeetingCombined {
			t.Errorf("ReadMeetingKind(%q) = %q %v", in, k, err)
		}
	}
	if storage.MeetingKindName(storage.MeetingCombined) != "thường kỳ + chuyên đề" {
		t.Error(storage.MeetingKindName(storage.MeetingCombined))
	}
}
