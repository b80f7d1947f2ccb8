package quickform_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"sotay/handlers/quickform"
	"sotay/storage"
)

var today = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)

func d(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }

// parsed is text a parser reads into want.
type parsed[T any] struct {
	name, in string
	want     T
}

// refused is text a parser refuses on field, with a message containing says.
type refused struct {
	name, in string
	field    quickform.Field
	says     string
}

// testParse runs the cases of parse (called name in the messages) at today.
func testParse[T any](t *testing.T, name string, parse func(string, time.Time) (T, error), ok []parsed[T], bad []refused) {
	t.Helper()
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			got, err := parse(c.in, today)
			if err != nil {
				t.Fatalf("%s(%q): %v", name, c.in, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("%s(%q)\n got %+v\nwant %+v", name, c.in, got, c.want)
			}
		})
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := parse(c.in, today)
			var fe *quickform.Error
			if !errors.As(err, &fe) {
				t.Fatalf("%s(%q) = %v, want a field error", name, c.in, err)
			}
			if fe.Field != c.field || !strings.Contains(fe.Message, c.says) {
				t.Fatalf("%s(%q): field %q %q, want %q containing %q", name, c.in, fe.Field, fe.Message, c.field, c.says)
			}
		})
	}
}

// testMissing checks what each text parsed at today still lacks.
func testMissing[T interface{ Missing() quickform.Field }](t *testing.T, parse func(string, time.Time) (T, error), cases map[string]quickform.Field) {
	t.Helper()
	for in, want := range cases {
		v, err := parse(in, today)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got := v.Missing(); got != want {
			t.Errorf("Missing(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMeeting(t *testing.T) {
	type want = quickform.Meeting
	ok := []parsed[want]{
		{"SpecExample", "15/11/2026; thường kỳ; 18/20; Quán triệt Kết luận 21-KL/TW",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "Quán triệt Kết luận 21-KL/TW"}},
		{"NoDiacritics", "15/11/2026; thuong ky; 18/20; Quan triet",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "Quan triet"}},
		{"UpperCase", "15/11/2026; THƯỜNG KỲ; 18/20; X",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "X"}},
		{"NewLines", "15/11/2026\nchuyên đề\n18/20\nHọc tập tư tưởng",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "chuyen_de", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "Học tập tư tưởng"}},
		{"ExtraSpaces", "  15/11/2026 ;   chuyen   de ;  18 / 20 ;  Học   tập  ",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "chuyen_de", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "Học tập"}},
		{"DayMonth", "15/11; thường kỳ; 18; Chủ đề",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, HasPresent: true, Topic: "Chủ đề"}},
		{"ShortYear", "5/1/2026; thuong ky; 7/9; t",
			want{Date: d(2026, 1, 5), HasDate: true, Kind: "thuong_ky", Present: 7, Total: 9, HasPresent: true, HasTotal: true, Topic: "t"}},
		{"Today", "hôm nay; thường kỳ; 18/20; A",
			want{Date: d(2026, 11, 25), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"YesterdayNoDiacritics", "hom qua; chuyen de; 3/4; A",
			want{Date: d(2026, 11, 24), HasDate: true, Kind: "chuyen_de", Present: 3, Total: 4, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"OrgCode", "CB01; 15/11/2026; thường kỳ; 18/20; A",
			want{OrgCode: "CB01", Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"OrgCodeCapitals", "NAHIEN; 15/11/2026; thường kỳ; 18/20; A",
			want{OrgCode: "NAHIEN", Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"PresentWords", "15/11/2026; thường kỳ; có mặt 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"PresentUnit", "15/11/2026; thường kỳ; 18 đảng viên; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, HasPresent: true, Topic: "A"}},
		{"SinhHoatPrefix", "15/11/2026; sinh hoạt thường kỳ; 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"Absent", "15/11/2026; thường kỳ; 18/20; A; Vắng: Lò Văn Minh (ốm), Giàng A Páo (đi làm xa)",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A",
				Absent: []storage.NamedAbsence{{Who: "Lò Văn Minh", Reason: "ốm"}, {Who: "Giàng A Páo", Reason: "đi làm xa"}}}},
		{"AbsentNoDiacritics", "15/11/2026; thuong ky; 19/20; A; vang: Minh",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 19, Total: 20, HasPresent: true, HasTotal: true, Topic: "A", Absent: []storage.NamedAbsence{{Who: "Minh"}}}},
		{"AbsentCodes", "15/11/2026; thường kỳ; 18/20; A; vắng: DV0003 (ốm), DV0005",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A",
				Absent: []storage.NamedAbsence{{Who: "DV0003", Reason: "ốm"}, {Who: "DV0005"}}}},
		{"AbsentReasonWithComma", "15/11/2026; thường kỳ; 19/20; A; vắng mặt: DV0003 (ốm, đi viện tỉnh)",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 19, Total: 20, HasPresent: true, HasTotal: true, Topic: "A",
				Absent: []storage.NamedAbsence{{Who: "DV0003", Reason: "ốm, đi viện tỉnh"}}}},
		{"AbsentWithoutTotal", "15/11/2026; thường kỳ; 18; A; vắng: DV0003",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, HasPresent: true, Topic: "A", Absent: []storage.NamedAbsence{{Who: "DV0003"}}}},
		{"AbsentWithoutCount", "15/11/2026; thường kỳ; A; vắng: DV0003 (ốm)",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Topic: "A", Absent: []storage.NamedAbsence{{Who: "DV0003", Reason: "ốm"}}}},
		{"AbsentInTwoFields", "15/11/2026; thường kỳ; 18/20; A; vắng: DV0003; vắng: DV0005 (đi làm xa)",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A",
				Absent: []storage.NamedAbsence{{Who: "DV0003"}, {Who: "DV0005", Reason: "đi làm xa"}}}},
		{"Times", "15/11/2026 19:30-21:15; thường kỳ; 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Starts: storage.NewDayTime(19, 30), Ends: storage.NewDayTime(21, 15), HasTimes: true,
				Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"TimesAfterMidnight", "15/11/2026 23:30-01:15; thường kỳ; 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Starts: storage.NewDayTime(23, 30), Ends: storage.NewDayTime(1, 15), HasTimes: true,
				Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"TimesInWords", "hôm qua lúc 19h30 đến 21h; chuyên đề; 18/20; A",
			want{Date: d(2026, 11, 24), HasDate: true, Starts: storage.NewDayTime(19, 30), Ends: storage.NewDayTime(21, 0), HasTimes: true,
				Kind: "chuyen_de", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"TimesSpacedAfterNgay", "ngày 15/11/2026 7:30 - 9:45; thường kỳ; 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Starts: storage.NewDayTime(7, 30), Ends: storage.NewDayTime(9, 45), HasTimes: true,
				Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"Combined", "15/11/2026; thường kỳ + chuyên đề; 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky_chuyen_de", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"CombinedNoDiacritics", "15/11/2026; thuong ky va chuyen de; 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky_chuyen_de", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"Studied", "15/11/2026; thường kỳ; 18/20; Học tập Kết luận; học: 21-KL/TW, 62-KH/TU",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "Học tập Kết luận",
				Studied: []string{"21-KL/TW", "62-KH/TU"}}},
		{"StudiedNoDiacritics", "15/11/2026; thuong ky; 18/20; A; da hoc : 21-kl/tw",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A", Studied: []string{"21-kl/tw"}}},
		{"HocTapWithoutColonIsTheTopic", "15/11/2026; thường kỳ; 18/20; Học tập 21-KL/TW",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "Học tập 21-KL/TW"}},
		{"Everything", "CB01; 15/11/2026 19:30-21:30; thường kỳ + chuyên đề; 18/20; Quán triệt; vắng: DV0003 (ốm), Lò Văn Minh; học: 21-KL/TW",
			want{OrgCode: "CB01", Date: d(2026, 11, 15), HasDate: true, Starts: storage.NewDayTime(19, 30), Ends: storage.NewDayTime(21, 30), HasTimes: true,
				Kind: "thuong_ky_chuyen_de", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "Quán triệt",
				Absent: []storage.NamedAbsence{{Who: "DV0003", Reason: "ốm"}, {Who: "Lò Văn Minh"}}, Studied: []string{"21-KL/TW"}}},
		{"AllPresent", "15/11/2026; thường kỳ; 20/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 20, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"ZeroPresent", "15/11/2026; thường kỳ; 0/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 0, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"TopicWithSemicolonParts", "15/11/2026; thường kỳ; 18/20; Quán triệt NQ; Kiểm điểm",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "Quán triệt NQ; Kiểm điểm"}},
		{"DotsDate", "15.11.2026; thường kỳ; 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"NgayPrefix", "ngày 15/11/2026; thường kỳ; 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"DecomposedDiacritics", "15/11/2026; thu\u031bo\u031b\u0300ng ky\u0300; 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"PartialDateOnly", "15/11/2026",
			want{Date: d(2026, 11, 15), HasDate: true}},
		{"PartialDateKind", "15/11/2026; thường kỳ",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky"}},
		{"PartialNoTopic", "15/11/2026; thường kỳ; 18/20",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true}},
		{"KindFirst", "thường kỳ",
			want{Kind: "thuong_ky"}},
		{"Empty", "", want{}},
		{"OnlySeparators", " ; ;\n ", want{}},
		{"KindThenFullDate", "thường kỳ; 15/11/2026; 18/20; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "A"}},
		{"TopicBeforeAttendance", "15/11/2026; thường kỳ; Quán triệt Nghị quyết; 18/20",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 18, Total: 20, HasPresent: true, HasTotal: true, Topic: "Quán triệt Nghị quyết"}},
		{"LongTopicWithoutKind", "15/11/2026; Quán triệt Nghị quyết Trung ương",
			want{Date: d(2026, 11, 15), HasDate: true, Topic: "Quán triệt Nghị quyết Trung ương"}},
		{"IKyMisspelt", "15/11/2026; thuong ki; 1/2; A",
			want{Date: d(2026, 11, 15), HasDate: true, Kind: "thuong_ky", Present: 1, Total: 2, HasPresent: true, HasTotal: true, Topic: "A"}},
	}
	bad := []refused{
		{"Future", "30/11/2026; thường kỳ; 18/20; A", quickform.FieldDate, "chưa đến"},
		{"FutureDayMonth", "26/11; thường kỳ; 18/20; A", quickform.FieldDate, "chưa đến"},
		{"NoSuchDay", "31/02/2026; thường kỳ; 18/20; A", quickform.FieldDate, "không có trong lịch"},
		{"NoSuchMonth", "15/13/2026; thường kỳ; 18/20; A", quickform.FieldDate, "không có trong lịch"},
		{"AttendanceAsFirstField", "18/20; thường kỳ", quickform.FieldDate, "không có trong lịch"},
		{"NotADate", "15/11/20266; thường kỳ; 18/20; A", quickform.FieldDate, "Không đọc được ngày"},
		{"PresentAboveTotal", "15/11/2026; thường kỳ; 22/20; A", quickform.FieldAttendance, "lớn hơn tổng số"},
		{"PresentAboveTotalNoDiacritics", "15/11/2026; thuong ky; co mat 21/20; A", quickform.FieldAttendance, "lớn hơn tổng số"},
		{"NegativePresent", "15/11/2026; thường kỳ; -3/20; A", quickform.FieldAttendance, "không được âm"},
		{"ZeroTotal", "15/11/2026; thường kỳ; 0/0; A", quickform.FieldAttendance, "lớn hơn 0"},
		{"HugeTotal", "15/11/2026; thường kỳ; 18/9999999; A", quickform.FieldAttendance, "quá lớn"},
		{"HugePresentOverflow", "15/11/2026; thường kỳ; 99999999999999999999999; A", quickform.FieldAttendance, "quá lớn"},
		{"UnknownKind", "15/11/2026; thường lệ; 18/20; A", quickform.FieldKind, "«thường lệ» không có"},
		{"UnknownKindNoDiacritics", "15/11/2026; dot xuat; 18/20; A", quickform.FieldKind, "không có"},
		{"UnknownKindOneWord", "15/11/2026; khac; 18/20; A", quickform.FieldKind, "thường kỳ"},
		{"GarbledAttendance", "15/11/2026; thường kỳ; 18 abc; A", quickform.FieldAttendance, "Không đọc được"},
		{"TwoDates", "15/11/2026; thường kỳ; 18/20; A; 16/11/2026", quickform.FieldDate, "hai ngày"},
		{"TooOld", "15/11/1900; thường kỳ; 18/20; A", quickform.FieldDate, "quá xa"},
		{"TopicTooLong", "15/11/2026; thường kỳ; 18/20; " + strings.Repeat("a", 1001), quickform.FieldTopic, "dài quá"},
		{"TopicOnlyEmoji", "15/11/2026; thường kỳ; 18/20; 🎉🎉", quickform.FieldTopic, "«🎉🎉» không có chữ hoặc số nào: đồng chí ghi bằng chữ, ví dụ «Quán triệt"},
		{"TopicOnlyPunctuation", "15/11/2026; thường kỳ; 18/20; ...; !!!", quickform.FieldTopic, "không có chữ hoặc số nào"},
		{"AbsentOnlyEmoji", "15/11/2026; thường kỳ; 19/20; A; vắng: 🤒", quickform.FieldAbsent, "không có chữ hoặc số nào"},
		{"OneNamedOfTwoAbsent", "15/11/2026; thường kỳ; 18/20; A; vắng: DV0003 (ốm)", quickform.FieldAbsent,
			"Có mặt 18/20 là 2 đồng chí vắng, nhưng báo cáo ghi tên 1 đồng chí vắng"},
		{"ThreeNamedOfTwoAbsent", "15/11/2026; thường kỳ; 18/20; A; vắng: DV0003 (ốm), DV0005, DV0007", quickform.FieldAbsent,
			"ghi tên 3 đồng chí vắng: khi ghi tên, đồng chí ghi đủ tên mọi người vắng (hoặc sửa số có mặt thành 17/20)"},
		{"NamedAllPresent", "15/11/2026; thường kỳ; 20/20; A; vắng: DV0003", quickform.FieldAbsent, "là 0 đồng chí vắng"},
		{"AbsentTwice", "15/11/2026; thường kỳ; 18/20; A; vắng: DV0003, dv0003 (ốm)", quickform.FieldAbsent, "ghi hai lần"},
		{"AbsentTwiceInTwoFields", "15/11/2026; thường kỳ; 18/20; A; vắng: DV0003; vắng: DV0003", quickform.FieldAbsent, "ghi hai lần"},
		{"AbsentUnclosedBracket", "15/11/2026; thường kỳ; 19/20; A; vắng: DV0003 (ốm", quickform.FieldAbsent, "thiếu dấu đóng ngoặc"},
		{"AbsentEmptyReason", "15/11/2026; thường kỳ; 19/20; A; vắng: DV0003 ()", quickform.FieldReason, "để trống trong ngoặc"},
		{"AbsentReasonOnly", "15/11/2026; thường kỳ; 19/20; A; vắng: (ốm)", quickform.FieldAbsent, "Trước lý do «ốm» đồng chí ghi mã hoặc tên"},
		{"AbsentNobody", "15/11/2026; thường kỳ; 19/20; A; vắng:", quickform.FieldAbsent, "Chưa ghi ai vắng"},
		{"OnlyStart", "15/11/2026 19:30; thường kỳ; 18/20; A", quickform.FieldTime, "Thiếu giờ kết thúc"},
		{"EndIsStart", "15/11/2026 19:30-19:30; thường kỳ; 18/20; A", quickform.FieldTime, "trùng giờ bắt đầu"},
		{"TwelveHours", "15/11/2026 08:00-20:00; thường kỳ; 18/20; A", quickform.FieldTime, "quá 10 giờ"},
		{"NoSuchHour", "15/11/2026 25:00-26:00; thường kỳ; 18/20; A", quickform.FieldTime, "Không đọc được giờ «25:00»"},
		{"StudiedNothing", "15/11/2026; thường kỳ; 18/20; A; học:", quickform.FieldStudied, "Chưa ghi văn bản nào đã học"},
		{"StudiedTwice", "15/11/2026; thường kỳ; 18/20; A; học: 21-KL/TW, 21 kl/tw", quickform.FieldStudied, "ghi hai lần"},
		{"StudiedTwoFields", "15/11/2026; thường kỳ; 18/20; A; học: 21-KL/TW; học: 62-KH/TU", quickform.FieldStudied, "hai trường «học:»"},
		{"StudiedOnlyMarks", "15/11/2026; thường kỳ; 18/20; A; học: --/--", quickform.FieldStudied, "không có chữ hoặc số nào"},
	}
	testParse(t, "ParseMeeting", quickform.ParseMeeting, ok, bad)
}

func TestMeetingMissing(t *testing.T) {
	testMissing(t, quickform.ParseMeeting, map[string]quickform.Field{
		"":                                 quickform.FieldDate,
		"thường kỳ":                        quickform.FieldDate,
		"15/11/2026":                       quickform.FieldKind,
		"15/11/2026; thường kỳ":            quickform.FieldAttendance,
		"15/11/2026; thường kỳ; 18":        quickform.FieldTopic,
		"15/11/2026; thường kỳ; 18/20; A":  quickform.FieldNone,
		"15/11/2026; 18/20; Quán triệt NQ": quickform.FieldKind,
	})
}

func TestParseSupervision(t *testing.T) {
	type want = quickform.Supervision
	full := func(w want) want {
		w.HasDate, w.HasOrgs, w.HasMembers, w.HasConclusion = true, true, true, true
		if w.Body == "" {
			w.Body = "cap_uy"
		}
		return w
	}
	ok := []parsed[want]{
		{"SpecExample", "20/11/2026; giám sát; 2 tổ chức; 5 đảng viên; Việc thực hiện quy chế làm việc; không vi phạm",
			full(want{Date: d(2026, 11, 20), Kind: "giam_sat", Orgs: 2, Members: 5, Content: "Việc thực hiện quy chế làm việc"})},
		{"NoDiacritics", "20/11/2026; giam sat; 2 to chuc; 5 dang vien; Viec thuc hien; khong vi pham",
			full(want{Date: d(2026, 11, 20), Kind: "giam_sat", Orgs: 2, Members: 5, Content: "Viec thuc hien"})},
		{"BareNumbers", "20/11/2026; kiểm tra; 2; 5; Nội dung; không vi phạm",
			full(want{Date: d(2026, 11, 20), Kind: "kiem_tra", Orgs: 2, Members: 5, Content: "Nội dung"})},
		{"MembersFirstWithUnits", "20/11/2026; kiểm tra; 5 đảng viên; 2 tổ chức; Nội dung; không vi phạm",
			full(want{Date: d(2026, 11, 20), Kind: "kiem_tra", Orgs: 2, Members: 5, Content: "Nội dung"})},
		{"Violations", "20/11/2026; kiểm tra; 1 tổ chức; 3 đảng viên; Nội dung; có 2 vi phạm",
			full(want{Date: d(2026, 11, 20), Kind: "kiem_tra", Orgs: 1, Members: 3, Content: "Nội dung", Violations: 2})},
		{"ViolationsNoCo", "20/11/2026; kiểm tra; 1; 3; Nội dung; 2 vi phạm",
			full(want{Date: d(2026, 11, 20), Kind: "kiem_tra", Orgs: 1, Members: 3, Content: "Nội dung", Violations: 2})},
		{"ViolationsNoDiacritics", "20/11/2026; kiem tra; 1; 3; Noi dung; co 2 vi pham",
			full(want{Date: d(2026, 11, 20), Kind: "kiem_tra", Orgs: 1, Members: 3, Content: "Noi dung", Violations: 2})},
		{"Measures", "20/11/2026; kiểm tra; 1; 3; Nội dung; có 1 vi phạm; Nhắc nhở, yêu cầu khắc phục",
			full(want{Date: d(2026, 11, 20), Kind: "kiem_tra", Orgs: 1, Members: 3, Content: "Nội dung", Violations: 1, Measures: "Nhắc nhở, yêu cầu khắc phục"})},
		{"UBKTAfterDate", "20/11/2026; UBKT; kiểm tra; 2 tổ chức; 14 đảng viên; Nội dung; không vi phạm",
			full(want{Date: d(2026, 11, 20), Body: "ubkt", Kind: "kiem_tra", Orgs: 2, Members: 14, Content: "Nội dung"})},
		{"UBKTLast", "20/11/2026; kiểm tra; 2; 14; Nội dung; không vi phạm; ubkt",
			full(want{Date: d(2026, 11, 20), Body: "ubkt", Kind: "kiem_tra", Orgs: 2, Members: 14, Content: "Nội dung"})},
		{"UBKTSpelledOut", "20/11/2026; Ủy ban Kiểm tra; kiểm tra; 2; 14; Nội dung; không vi phạm",
			full(want{Date: d(2026, 11, 20), Body: "ubkt", Kind: "kiem_tra", Orgs: 2, Members: 14, Content: "Nội dung"})},
		{"OrgCode", "CB01; 20/11/2026; giám sát; 0; 3; Nội dung; không vi phạm",
			full(want{OrgCode: "CB01", Date: d(2026, 11, 20), Kind: "giam_sat", Orgs: 0, Members: 3, Content: "Nội dung"})},
		{"ToChucDang", "20/11/2026; giám sát; 2 tổ chức đảng; 5 dv; Nội dung; không vi phạm",
			full(want{Date: d(2026, 11, 20), Kind: "giam_sat", Orgs: 2, Members: 5, Content: "Nội dung"})},
		{"Yesterday", "hôm qua; giám sát; 2; 5; Nội dung; không vi phạm",
			full(want{Date: d(2026, 11, 24), Kind: "giam_sat", Orgs: 2, Members: 5, Content: "Nội dung"})},
		{"NewLinesUpper", "20/11\nGIÁM SÁT\n2 TỔ CHỨC\n5 ĐẢNG VIÊN\nNội dung\nKHÔNG VI PHẠM",
			full(want{Date: d(2026, 11, 20), Kind: "giam_sat", Orgs: 2, Members: 5, Content: "Nội dung"})},
		{"ContentWithNumberWords", "20/11/2026; giám sát; 2; 5; 3 nội dung về công tác cán bộ; không vi phạm",
			full(want{Date: d(2026, 11, 20), Kind: "giam_sat", Orgs: 2, Members: 5, Content: "3 nội dung về công tác cán bộ"})},
		{"NumberWords", "20/11/2026; giám sát; hai tổ chức; năm đảng viên; Ba nội dung chính; có một vi phạm",
			full(want{Date: d(2026, 11, 20), Kind: "giam_sat", Orgs: 2, Members: 5, Content: "Ba nội dung chính", Violations: 1})},
		{"NumberWordsNoDiacritics", "20/11/2026; giam sat; hai to chuc; muoi dang vien; N; khong vi pham",
			full(want{Date: d(2026, 11, 20), Kind: "giam_sat", Orgs: 2, Members: 10, Content: "N"})},
		{"KVP", "20/11/2026; giám sát; 2; 5; Nội dung; kvp",
			full(want{Date: d(2026, 11, 20), Kind: "giam_sat", Orgs: 2, Members: 5, Content: "Nội dung"})},
		{"PartialDate", "20/11/2026", want{Date: d(2026, 11, 20), HasDate: true, Body: "cap_uy"}},
		{"PartialCounts", "20/11/2026; giám sát; 2 tổ chức",
			want{Date: d(2026, 11, 20), HasDate: true, Body: "cap_uy", Kind: "giam_sat", Orgs: 2, HasOrgs: true}},
		{"Empty", "", want{Body: "cap_uy"}},
	}
	bad := []refused{
		{"Future", "01/12/2026; giám sát; 2; 5; N; không vi phạm", quickform.FieldDate, "chưa đến"},
		{"NoSuchDay", "31/02/2026; giám sát; 2; 5; N; không vi phạm", quickform.FieldDate, "không có trong lịch"},
		{"UnknownKind", "20/11/2026; thanh tra; 2; 5; N; không vi phạm", quickform.FieldKind, "«thanh tra» không có"},
		{"UnknownKindNoDiacritics", "20/11/2026; kiem diem; 2; 5; N; khong vi pham", quickform.FieldKind, "kiểm tra"},
		{"NegativeOrgs", "20/11/2026; giám sát; -2 tổ chức; 5; N; không vi phạm", quickform.FieldOrgs, "không được âm"},
		{"NegativeMembers", "20/11/2026; giám sát; 2; -5 đảng viên; N; không vi phạm", quickform.FieldMembers, "không được âm"},
		{"NegativeBareMembers", "20/11/2026; giám sát; 2; -5; N; không vi phạm", quickform.FieldMembers, "không được âm"},
		{"HugeMembers", "20/11/2026; giám sát; 2; 500000 đảng viên; N; không vi phạm", quickform.FieldMembers, "quá lớn"},
		{"ThreeNumbers", "20/11/2026; giám sát; 2; 5; 7; N; không vi phạm", quickform.FieldMembers, "hai lần"},
		{"TwoOrgCounts", "20/11/2026; giám sát; 2 tổ chức; 3 tổ chức; N; không vi phạm", quickform.FieldOrgs, "hai lần"},
		{"ViolationsWithoutCount", "20/11/2026; giám sát; 2; 5; N; có vi phạm", quickform.FieldConclusion, "chưa ghi số vi phạm"},
		{"ViolationsWithoutCountNoDiacritics", "20/11/2026; giam sat; 2; 5; N; co vi pham", quickform.FieldConclusion, "chưa ghi số"},
		{"NegativeViolations", "20/11/2026; giám sát; 2; 5; N; có -1 vi phạm", quickform.FieldConclusion, "không được âm"},
		{"GarbledConclusion", "20/11/2026; giám sát; 2; 5; N; nhiều vi phạm", quickform.FieldConclusion, "Không đọc được kết luận"},
		{"TwoConclusions", "20/11/2026; giám sát; 2; 5; N; không vi phạm; có 2 vi phạm", quickform.FieldConclusion, "hai kết luận"},
		{"UnknownUnit", "20/11/2026; giám sát; 2 con; 5; N; không vi phạm", quickform.FieldOrgs, "Không đọc được"},
		{"TwoDates", "20/11/2026; giám sát; 2; 5; N; 21/11/2026; không vi phạm", quickform.FieldDate, "hai ngày"},
		{"ContentTooLong", "20/11/2026; giám sát; 2; 5; " + strings.Repeat("ă", 1001) + "; không vi phạm", quickform.FieldContent, "dài quá"},
		{"ContentOnlyEmoji", "20/11/2026; giám sát; 2; 5; 👍👍; không vi phạm", quickform.FieldContent, "ví dụ «Việc thực hiện quy chế làm việc»"},
		{"MeasuresOnlyEmoji", "20/11/2026; giám sát; 2; 5; N; có 1 vi phạm; ✅", quickform.FieldMeasures, "không có chữ hoặc số nào"},
	}
	testParse(t, "ParseSupervision", quickform.ParseSupervision, ok, bad)
}

func TestSupervisionMissing(t *testing.T) {
	testMissing(t, quickform.ParseSupervision, map[string]quickform.Field{
		"":                        quickform.FieldDate,
		"20/11/2026":              quickform.FieldKind,
		"20/11/2026; giám sát":    quickform.FieldOrgs,
		"20/11/2026; giám sát; 2": quickform.FieldMembers,
		"20/11/2026; giám sát; 5 đảng viên":         quickform.FieldOrgs,
		"20/11/2026; giám sát; 2; 5":                quickform.FieldContent,
		"20/11/2026; giám sát; 2; 5; N":             quickform.FieldConclusion,
		"20/11/2026; giám sát; 2; 5; N; kvp":        quickform.FieldNone,
		"20/11/2026; giám sát; 2; 5; không vi phạm": quickform.FieldContent,
	})
}

func TestParseCountAndConclusion(t *testing.T) {
	for in, want := range map[string]int{"2": 2, "2 tổ chức": 2, "hai": 2, "hai tổ chức": 2, "0": 0} {
		if n, err := quickform.ParseCount(in, quickform.FieldOrgs); err != nil || n != want {
			t.Errorf("ParseCount(%q, orgs) = %d, %v", in, n, err)
		}
	}
	for in, want := range map[string]int{"5": 5, "5 đảng viên": 5, "năm đảng viên": 5, "5 dv": 5} {
		if n, err := quickform.ParseCount(in, quickform.FieldMembers); err != nil || n != want {
			t.Errorf("ParseCount(%q, members) = %d, %v", in, n, err)
		}
	}
	for _, in := range []string{"-1", "abc", "5 đảng viên"} {
		if _, err := quickform.ParseCount(in, quickform.FieldOrgs); err == nil {
			t.Errorf("ParseCount(%q, orgs) accepted", in)
		}
	}
	for in, want := range map[string]int{"không vi phạm": 0, "khong vi pham": 0, "có 2 vi phạm": 2, "2": 2, "hai": 2, "có hai vi phạm": 2} {
		if n, err := quickform.ParseConclusion(in); err != nil || n != want {
			t.Errorf("ParseConclusion(%q) = %d, %v", in, n, err)
		}
	}
	for _, in := range []string{"có vi phạm", "-3", "nhiều"} {
		if _, err := quickform.ParseConclusion(in); err == nil {
			t.Errorf("ParseConclusion(%q) accepted", in)
		}
	}
}

func TestOrgCodeShaped(t *testing.T) {
	for in, want := range map[string]bool{
		"CB01": true, "cb01": true, "NAHIEN": true, "ROOT": true,
		"UBKT": false, "thuong ky": false, "15/11": false, "KIEMTRA": false, "hom nay": false, "Nội dung": false,
		// Codes by the roster's rule (storage.IsCode): "/" is in one; a
		// leading digit is a count's shape, taken only by an organisation
		// that has the code (the handlers look it up).
		"CB/04": true, "DB1/CB2": true, "01": false, "2tc": false, "CB 01": false, "CB01đ": false,
	} {
		if got := quickform.OrgCodeShaped(in); got != want {
			t.Errorf("OrgCodeShaped(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseNotice(t *testing.T) {
	n, err := quickform.ParseNotice("28/11/2026; 19:30; Nhà văn hóa bản; Quán triệt KL21", today)
	if err != nil || n != (quickform.Notice{Date: d(2026, 11, 28), HasDate: true, Hour: 19, Minute: 30, HasTime: true, Place: "Nhà văn hóa bản", Topic: "Quán triệt KL21"}) {
		t.Fatalf("%+v %v", n, err)
	}
	for in, want := range map[string][2]int{"19h30": {19, 30}, "7h": {7, 0}, "7 giờ 30 tối": {19, 30}, "lúc 14:00": {14, 0}, "8 gio sang": {8, 0}} {
		h, m, err := quickform.ParseTime(in)
		if err != nil || h != want[0] || m != want[1] {
			t.Errorf("ParseTime(%q) = %d:%d %v", in, h, m, err)
		}
	}
	for _, bad := range []string{"20/11/2026; 19:30; A; B", "31/11/2026; 19:30; A; B", "28/11/2026; 25:00; A; B", "28/11/2028; 19:30; A; B",
		"28/11/2026; 19:30; A; 📢📢", "28/11/2026; 19:30; 🏠; B"} {
		if _, err := quickform.ParseNotice(bad, today); err == nil {
			t.Errorf("ParseNotice(%q) accepted", bad)
		}
	}
	n, err = quickform.ParseNotice("ngày mai", today)
	if err != nil || !n.HasDate || n.Date != d(2026, 11, 26) || n.Missing() != "time" {
		t.Fatalf("%+v %v", n, err)
	}
}
