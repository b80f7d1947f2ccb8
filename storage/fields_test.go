package storage_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sotay/storage"
)

// Each field's rule accepts what a report could be and refuses the rest
// with a field error; the quick-form parsers give the same answer for the
// same value written in a form, since they call it (handlers/quickform).
func TestFieldChecks(t *testing.T) {
	today := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		name  string
		err   error
		field storage.Field // FieldNone: accepted
		says  string
	}{
		{"ReportDayToday", storage.CheckReportDay(d(2026, 11, 25), today), storage.FieldNone, ""},
		{"ReportDayToCome", storage.CheckReportDay(d(2026, 11, 26), today), storage.FieldDate, "chưa đến"},
		{"ReportDayTooOld", storage.CheckReportDay(d(1929, 12, 31), today), storage.FieldDate, "quá xa"},
		{"NoticeDayToday", storage.CheckNoticeDay(d(2026, 11, 25), today), storage.FieldNone, ""},
		{"NoticeDayInAYear", storage.CheckNoticeDay(d(2027, 11, 25), today), storage.FieldNone, ""},
		{"NoticeDayPast", storage.CheckNoticeDay(d(2026, 11, 24), today), storage.FieldDate, "đã qua"},
		{"NoticeDay400DaysAhead", storage.CheckNoticeDay(today.AddDate(0, 0, 400), today), storage.FieldDate, "còn hơn một năm nữa"},
		{"TimeMidnight", storage.CheckTime(0, 0), storage.FieldNone, ""},
		{"TimeHour24", storage.CheckTime(24, 0), storage.FieldTime, "Giờ họp 24:00 không có"},
		{"TimeMinute60", storage.CheckTime(19, 60), storage.FieldTime, "không có"},
		{"TimeNegative", storage.CheckTime(-1, 30), storage.FieldTime, "không có"},
		{"AttendanceWhole", storage.CheckAttendance(20, 20, true), storage.FieldNone, ""},
		{"AttendancePresentOnly", storage.CheckAttendance(18, 0, false), storage.FieldNone, ""},
		{"AttendanceAboveTotal", storage.CheckAttendance(5, 3, true), storage.FieldAttendance, "Số có mặt (5) lớn hơn tổng số (3)"},
		{"AttendanceNegative", storage.CheckAttendance(-1, 3, true), storage.FieldAttendance, "không được âm"},
		{"AttendanceZeroTotal", storage.CheckAttendance(0, 0, true), storage.FieldAttendance, "lớn hơn 0"},
		{"AttendanceHuge", storage.CheckAttendance(storage.MaxCount+1, 0, false), storage.FieldAttendance, "quá lớn"},
		{"CountZero", storage.CheckCount(storage.FieldOrgs, 0), storage.FieldNone, ""},
		{"CountNegativeOrgs", storage.CheckCount(storage.FieldOrgs, -1), storage.FieldOrgs, "Số tổ chức không được âm"},
		{"CountHugeMembers", storage.CheckCount(storage.FieldMembers, storage.MaxCount+1), storage.FieldMembers, "Số đảng viên quá lớn"},
		{"ViolationsNegative", storage.CheckViolations(-2), storage.FieldConclusion, "không được âm"},
		{"ViolationsHuge", storage.CheckViolations(storage.MaxCount + 1), storage.FieldConclusion, "quá lớn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.field == storage.FieldNone {
				if c.err != nil {
					t.Fatalf("refused: %v", c.err)
				}
				return
			}
			var fe *storage.Error
			if !errors.As(c.err, &fe) || fe.Field != c.field || !strings.Contains(fe.Message, c.says) {
				t.Fatalf("got %v, want field %q saying %q", c.err, c.field, c.says)
			}
		})
	}
}

// A kind or body reads the same from a form's words and from a button's
// code, and anything else is refused with the field's message.
func TestReadKinds(t *testing.T) {
	reads := []struct {
		read func(string) (string, error)
		in   string
		want string
	}{
		{storage.ReadMeetingKind, "thường kỳ", "thuong_ky"},
		{storage.ReadMeetingKind, "thuong_ky", "thuong_ky"},
		{storage.ReadMeetingKind, "chuyen_de", "chuyen_de"},
		{storage.ReadSupervisionKind, "Giám sát", "giam_sat"},
		{storage.ReadSupervisionKind, "kiem_tra", "kiem_tra"},
		{storage.ReadBody, "UBKT", "ubkt"},
		{storage.ReadBody, "cap_uy", "cap_uy"},
	}
	for _, r := range reads {
		if got, err := r.read(r.in); err != nil || got != r.want {
			t.Errorf("read(%q) = %q, %v; want %q", r.in, got, err, r.want)
		}
	}
	refused := []struct {
		read  func(string) (string, error)
		in    string
		field storage.Field
		says  string
	}{
		{storage.ReadMeetingKind, "hop_mat", storage.FieldKind, "«hop_mat» không có"},
		{storage.ReadSupervisionKind, "thanh tra", storage.FieldKind, "«thanh tra» không có"},
		{storage.ReadBody, "thanh_tra", storage.FieldBody, "Không rõ ai thực hiện"},
		{storage.ReadMeetingKind, strings.Repeat("x", 100), storage.FieldKind, strings.Repeat("x", 40) + "…»"},
	}
	for _, r := range refused {
		_, err := r.read(r.in)
		var fe *storage.Error
		if !errors.As(err, &fe) || fe.Field != r.field || !strings.Contains(fe.Message, r.says) {
			t.Errorf("read(%q) = %v, want field %q saying %q", r.in, err, r.field, r.says)
		}
	}
}

// An input's Validate refuses it by the same field rules, naming the
// field: a report that a quick form or a dialog would refuse cannot be
// stored by any other way in either.
func TestInputsValidate(t *testing.T) {
	day := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	meeting := func(change func(*storage.MeetingInput)) error {
		in := storage.MeetingInput{OrgID: 1, Kind: storage.MeetingRegular, HeldOn: day, Present: 18, Total: 20, Topic: "Quán triệt"}
		change(&in)
		return in.Validate()
	}
	supervision := func(change func(*storage.SupervisionInput)) error {
		in := storage.SupervisionInput{OrgID: 1, Kind: storage.SupervisionMonitoring, HeldOn: day, OrgsExamined: 2, MembersExamined: 5, Content: "Quy chế"}
		change(&in)
		return in.Validate()
	}
	notice := func(change func(*storage.MeetingNotice)) error {
		in := storage.MeetingNotice{OrgID: 1, StartsAt: day.Add(19 * time.Hour), Place: "Nhà văn hóa bản", Topic: "Quán triệt"}
		change(&in)
		return in.Validate()
	}
	campaign := func(change func(*storage.CampaignInput)) error {
		in := storage.CampaignInput{DocumentID: 1, OrgIDs: []int64{1}}
		change(&in)
		return in.Validate()
	}
	days := func(n int) *int { return &n }
	cases := []struct {
		name  string
		err   error
		field storage.Field // FieldNone: accepted
		says  string
	}{
		{"MeetingWithoutDay", meeting(func(in *storage.MeetingInput) { in.HeldOn = time.Time{} }), storage.FieldDate, "Thiếu ngày"},
		{"MeetingBefore1930", meeting(func(in *storage.MeetingInput) { in.HeldOn = time.Date(1926, 5, 1, 0, 0, 0, 0, time.UTC) }), storage.FieldDate, "quá xa"},
		{"SupervisionWithoutDay", supervision(func(in *storage.SupervisionInput) { in.HeldOn = time.Time{} }), storage.FieldDate, "Thiếu ngày"},
		{"CampaignWhole", campaign(func(*storage.CampaignInput) {}), storage.FieldNone, ""},
		{"CampaignWithoutOrgs", campaign(func(in *storage.CampaignInput) { in.OrgIDs = nil }), storage.FieldOrg, "Chưa chọn tổ chức nào"},
		{"CampaignRemindDaysNegative", campaign(func(in *storage.CampaignInput) { in.RemindDays = days(-1) }), "remind_days", "Số ngày nhắc trước hạn"},
		{"CampaignPassAbove100", campaign(func(in *storage.CampaignInput) { in.PassPercent = 120 }), "pass_percent", "từ 1 đến 100"},
		{"NoticeWhole", notice(func(*storage.MeetingNotice) {}), storage.FieldNone, ""},
		{"NoticeWithoutTime", notice(func(in *storage.MeetingNotice) { in.StartsAt = time.Time{} }), storage.FieldDate, "Thiếu ngày giờ họp"},
		{"NoticeWithoutPlace", notice(func(in *storage.MeetingNotice) { in.Place = " " }), storage.FieldPlace, "Thiếu địa điểm, ví dụ «Nhà văn hóa bản»"},
		{"NoticePlaceOnlyEmoji", notice(func(in *storage.MeetingNotice) { in.Place = "🏠" }), storage.FieldPlace, "Địa điểm «🏠» không có chữ hoặc số nào"},
		{"NoticeTopicTooLong", notice(func(in *storage.MeetingNotice) { in.Topic = strings.Repeat("a", storage.MaxText+1) }), storage.FieldTopic, "dài quá"},
		{"MeetingWhole", meeting(func(*storage.MeetingInput) {}), storage.FieldNone, ""},
		{"MeetingWithoutTopic", meeting(func(in *storage.MeetingInput) { in.Topic = "" }), storage.FieldNone, ""},
		{"MeetingKindInWords", meeting(func(in *storage.MeetingInput) { in.Kind = "thường kỳ" }), storage.FieldKind, "«thường kỳ» không có"},
		{"MeetingKindUnknown", meeting(func(in *storage.MeetingInput) { in.Kind = "hop_mat" }), storage.FieldKind, "«hop_mat» không có"},
		{"PresentAboveTotal", meeting(func(in *storage.MeetingInput) { in.Present, in.Total = 5, 3 }), storage.FieldAttendance, "Số có mặt (5) lớn hơn tổng số (3)"},
		{"ZeroTotal", meeting(func(in *storage.MeetingInput) { in.Present, in.Total = 0, 0 }), storage.FieldAttendance, "lớn hơn 0"},
		{"HugeTotal", meeting(func(in *storage.MeetingInput) { in.Total = storage.MaxCount + 1 }), storage.FieldAttendance, "quá lớn"},
		{"TopicOnlyEmoji", meeting(func(in *storage.MeetingInput) { in.Topic = "🎉🎉" }), storage.FieldTopic, "«🎉🎉» không có chữ hoặc số nào"},
		{"TopicTooLong", meeting(func(in *storage.MeetingInput) { in.Topic = strings.Repeat("a", storage.MaxText+1) }), storage.FieldTopic, "dài quá 1000 ký tự"},
		{"AbsentOnlyEmoji", meeting(func(in *storage.MeetingInput) { in.AbsentReasons = "🤒" }), storage.FieldAbsent, "không có chữ hoặc số nào"},
		{"SupervisionWhole", supervision(func(*storage.SupervisionInput) {}), storage.FieldNone, ""},
		{"SupervisionBodyLeftOut", supervision(func(in *storage.SupervisionInput) { in.Body = "" }), storage.FieldNone, ""},
		{"SupervisionCommission", supervision(func(in *storage.SupervisionInput) { in.Body = storage.BodyCommission }), storage.FieldNone, ""},
		{"SupervisionKindUnknown", supervision(func(in *storage.SupervisionInput) { in.Kind = "thanh_tra" }), storage.FieldKind, "«thanh_tra» không có"},
		{"SupervisionBodyUnknown", supervision(func(in *storage.SupervisionInput) { in.Body = "thanh_tra" }), storage.FieldBody, "Không rõ ai thực hiện"},
		{"NegativeOrgs", supervision(func(in *storage.SupervisionInput) { in.OrgsExamined = -1 }), storage.FieldOrgs, "không được âm"},
		{"HugeMembers", supervision(func(in *storage.SupervisionInput) { in.MembersExamined = storage.MaxCount + 1 }), storage.FieldMembers, "quá lớn"},
		{"NegativeViolations", supervision(func(in *storage.SupervisionInput) { in.Violations = -2 }), storage.FieldConclusion, "không được âm"},
		{"MeasuresOnlyMarks", supervision(func(in *storage.SupervisionInput) { in.Measures = "..." }), storage.FieldMeasures, "không có chữ hoặc số nào"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.field == storage.FieldNone {
				if c.err != nil {
					t.Fatalf("refused: %v", c.err)
				}
				return
			}
			var fe *storage.Error
			if !errors.As(c.err, &fe) || fe.Code != storage.CodeInvalid || fe.Field != c.field || !strings.Contains(fe.Message, c.says) {
				t.Fatalf("got %v, want field %q saying %q", c.err, c.field, c.says)
			}
		})
	}
}

// A code is the roster's: ASCII letters, digits and - _ . /, at most 32.
func TestIsCode(t *testing.T) {
	for in, want := range map[string]bool{
		"CB01": true, "01": true, "CB/04": true, "dv-1.2_a": true, strings.Repeat("A", storage.MaxCodeLen): true,
		"": false, "CB 01": false, "CBđ1": false, "CB;1": false, strings.Repeat("A", storage.MaxCodeLen+1): false,
	} {
		if got := storage.IsCode(in); got != want {
			t.Errorf("IsCode(%q) = %v, want %v", in, got, want)
		}
	}
}

// A roster's rows are held to the roster's rules whoever built them.
func TestRowsValidate(t *testing.T) {
	member := func(change func(*storage.MemberInput)) error {
		in := storage.MemberInput{Line: 2, Code: "DV01", FullName: "Lò Văn An", OrgCode: "CB/01", Gender: storage.GenderMale, Status: storage.StatusOfficial, Phone: "0912345678"}
		change(&in)
		return in.Validate()
	}
	org := func(change func(*storage.OrgInput)) error {
		in := storage.OrgInput{Line: 2, Code: "CB/01", Name: "Chi bộ thôn Một", Kind: storage.KindChiBo, ParentCode: "ROOT"}
		change(&in)
		return in.Validate()
	}
	cases := []struct {
		name  string
		err   error
		field storage.Field // FieldNone: accepted
		says  string
	}{
		{"MemberWhole", member(func(*storage.MemberInput) {}), storage.FieldNone, ""},
		{"MemberBlanks", member(func(in *storage.MemberInput) { in.Gender, in.Status, in.Phone = "", "", "" }), storage.FieldNone, ""},
		{"MemberCodeWithSpace", member(func(in *storage.MemberInput) { in.Code = "DV 01" }), storage.FieldCode, `Mã đảng viên "DV 01" không hợp lệ`},
		{"MemberNameTooShort", member(func(in *storage.MemberInput) { in.FullName = "A" }), storage.FieldName, "quá ngắn"},
		{"MemberNameWithoutLetter", member(func(in *storage.MemberInput) { in.FullName = "12345" }), storage.FieldName, "phải có chữ cái"},
		{"MemberWithoutOrg", member(func(in *storage.MemberInput) { in.OrgCode = "" }), storage.FieldOrg, "Thiếu mã tổ chức"},
		{"GenderInWords", member(func(in *storage.MemberInput) { in.Gender = "Nữ" }), storage.FieldGender, "không hợp lệ"},
		{"StatusUnknown", member(func(in *storage.MemberInput) { in.Status = "khai_tru" }), storage.FieldStatus, "không hợp lệ"},
		{"PhoneNotNormal", member(func(in *storage.MemberInput) { in.Phone = "0912 345 678" }), storage.FieldPhone, "Số điện thoại"},
		{"EthnicityTooLong", member(func(in *storage.MemberInput) { in.Ethnicity = strings.Repeat("Kinh", 13) }), storage.FieldEthnicity, "dài quá 50 ký tự"},
		{"OrgWhole", org(func(*storage.OrgInput) {}), storage.FieldNone, ""},
		{"OrgRoot", org(func(in *storage.OrgInput) { in.ParentCode = "" }), storage.FieldNone, ""},
		{"OrgKindUnknown", org(func(in *storage.OrgInput) { in.Kind = "to_dang" }), storage.FieldKind, `Loại tổ chức "to_dang" không hợp lệ`},
		{"OrgKindMissing", org(func(in *storage.OrgInput) { in.Kind = "" }), storage.FieldKind, "Thiếu loại tổ chức"},
		{"OrgOwnParent", org(func(in *storage.OrgInput) { in.ParentCode = "CB/01" }), storage.FieldParent, "trùng với chính mã tổ chức"},
		{"OrgNameTooLong", org(func(in *storage.OrgInput) { in.Name = strings.Repeat("a", storage.MaxOrgNameLen+1) }), storage.FieldName, "dài quá 200 ký tự"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.field == storage.FieldNone {
				if c.err != nil {
					t.Fatalf("refused: %v", c.err)
				}
				return
			}
			var fe *storage.Error
			if !errors.As(c.err, &fe) || fe.Code != storage.CodeInvalid || fe.Field != c.field || !strings.Contains(fe.Message, c.says) {
				t.Fatalf("got %v, want field %q saying %q", c.err, c.field, c.says)
			}
		})
	}
}

// A quiz's question is checked by the rules the quiz file's rows meet,
// named by its number.
func TestQuizQuestionsValidate(t *testing.T) {
	ok := storage.QuizQuestion{Question: "Câu?", Options: []string{"Một", "Hai", "Ba"}, Answer: 2}
	quiz := func(change func(*storage.QuizQuestion)) error {
		q := ok
		q.Options = append([]string(nil), ok.Options...)
		change(&q)
		return storage.ValidateQuiz([]storage.QuizQuestion{ok, q, ok})
	}
	cases := []struct {
		name  string
		err   error
		field storage.Field
		says  string
	}{
		{"Whole", quiz(func(*storage.QuizQuestion) {}), storage.FieldNone, ""},
		{"NoQuestion", quiz(func(q *storage.QuizQuestion) { q.Question = " " }), storage.FieldQuestion, "Câu 2: chưa có câu hỏi."},
		{"OneOption", quiz(func(q *storage.QuizQuestion) { q.Options, q.Answer = q.Options[:1], 0 }), storage.FieldOptions, "Câu 2: cần từ 2 đến 4 phương án"},
		{"FiveOptions", quiz(func(q *storage.QuizQuestion) { q.Options = append(q.Options, "Bốn", "Năm") }), storage.FieldOptions, "cần từ 2 đến 4 phương án"},
		{"BlankOption", quiz(func(q *storage.QuizQuestion) { q.Options[1] = "" }), storage.FieldOptions, "Câu 2: thiếu phương án B"},
		{"AnswerOnNoOption", quiz(func(q *storage.QuizQuestion) { q.Answer = 3 }), storage.FieldAnswer, "Câu 2: đáp án D trỏ vào phương án còn trống"},
		{"NegativeAnswer", quiz(func(q *storage.QuizQuestion) { q.Answer = -1 }), storage.FieldAnswer, "Câu 2: đáp án phải là một trong các phương án đã ghi"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.field == storage.FieldNone {
				if c.err != nil {
					t.Fatalf("refused: %v", c.err)
				}
				return
			}
			var fe *storage.Error
			if !errors.As(c.err, &fe) || fe.Code != storage.CodeInvalid || fe.Field != c.field || !strings.Contains(fe.Message, c.says) {
				t.Fatalf("got %v, want field %q saying %q", c.err, c.field, c.says)
			}
		})
	}
}

// A document is checked by its fields' rules, which /dang's caption and
// its summary step call too.
func TestDocumentValidate(t *testing.T) {
	doc := func(change func(*storage.DocumentInput)) error {
		in := storage.DocumentInput{Kind: "ket_luan", Number: "21-KL/TW", Issuer: "Ban Chấp hành Trung ương",
			IssuedOn: time.Date(2021, 10, 25, 0, 0, 0, 0, time.UTC), Title: storage.TitleExample}
		change(&in)
		return in.Validate()
	}
	cases := []struct {
		name  string
		err   error
		field storage.Field
		says  string
	}{
		{"Whole", doc(func(*storage.DocumentInput) {}), storage.FieldNone, ""},
		{"KindByName", doc(func(in *storage.DocumentInput) { in.Kind = "Kết luận" }), storage.FieldDocKind, "không có"},
		{"NumberMissing", doc(func(in *storage.DocumentInput) { in.Number = " " }), storage.FieldNumber, "Thiếu số hiệu"},
		{"NumberOnlyMarks", doc(func(in *storage.DocumentInput) { in.Number = "-/" }), storage.FieldNumber, "Số hiệu «-/» không có chữ hoặc số nào"},
		{"NumberTooLong", doc(func(in *storage.DocumentInput) { in.Number = strings.Repeat("1", storage.MaxNumberLen+1) }), storage.FieldNumber, "dài quá"},
		{"TitleOnlyEmoji", doc(func(in *storage.DocumentInput) { in.Title = "🎉" }), storage.FieldTitle, "Trích yếu «🎉» không có chữ hoặc số nào"},
		{"TitleTooLong", doc(func(in *storage.DocumentInput) { in.Title = strings.Repeat("a", storage.MaxTitleLen+1) }), storage.FieldTitle, "dài quá"},
		{"SummaryTooLong", doc(func(in *storage.DocumentInput) { in.Summary = strings.Repeat("a", storage.MaxSummaryLen+1) }), storage.FieldSummary, "Tóm tắt dài quá"},
		{"NoDay", doc(func(in *storage.DocumentInput) { in.IssuedOn = time.Time{} }), storage.FieldIssuedOn, "Thiếu ngày ban hành"},
		{"EmptyFile", doc(func(in *storage.DocumentInput) { in.FileData = []byte{} }), storage.FieldFile, "rỗng"},
		{"DayToCome", storage.CheckIssuedOn(time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)), storage.FieldIssuedOn, "ở tương lai"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.field == storage.FieldNone {
				if c.err != nil {
					t.Fatalf("refused: %v", c.err)
				}
				return
			}
			var fe *storage.Error
			if !errors.As(c.err, &fe) || fe.Code != storage.CodeInvalid || fe.Field != c.field || !strings.Contains(fe.Message, c.says) {
				t.Fatalf("got %v, want field %q saying %q", c.err, c.field, c.says)
			}
		})
	}
}
