package roster_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"sotay/handlers/roster"
	"sotay/storage"
)

var parser = roster.Parser{Now: func() time.Time { return time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC) }}

// reject is an expected rejected row: Reason must contain reason.
type reject struct {
	line   int
	code   string
	reason string
}

func member(line int, code, name, org string) storage.MemberInput {
	return storage.MemberInput{Line: line, Code: code, FullName: name, OrgCode: org}
}

type memberCase struct {
	name   string
	file   string
	want   []storage.MemberInput
	reject []reject
}

var memberCases = []memberCase{
	{
		name: "CommaSeparatedEnglishHeaders",
		file: "code,full_name,org_code,gender,birth_year,ethnicity,status,phone\n" +
			"DV001,Nguyễn Văn An,CB01,Nam,1985,Kinh,chính thức,0912 345 678\n" +
			"DV002,Trần Thị Bình,CB01,Nữ,1990,Tày,dự bị,+84 987 654 321\n",
		want: []storage.MemberInput{
			{Line: 2, Code: "DV001", FullName: "Nguyễn Văn An", OrgCode: "CB01", Gender: storage.GenderMale, BirthYear: 1985, Ethnicity: "Kinh", Status: storage.StatusOfficial, Phone: "0912345678"},
			{Line: 3, Code: "DV002", FullName: "Trần Thị Bình", OrgCode: "CB01", Gender: storage.GenderFemale, BirthYear: 1990, Ethnicity: "Tày", Status: storage.StatusProbationary, Phone: "0987654321"},
		},
	},
	{
		name: "SemicolonSeparatedVietnameseHeaders",
		file: "Mã đảng viên;Họ và tên;Mã chi bộ;Giới tính;Năm sinh;Dân tộc;Trạng thái;Số điện thoại\n" +
			"DV001;Nguyễn Văn An;CB01;nam;1985;H'Mông;CT;0912.345.678\n",
		want: []storage.MemberInput{
			{Line: 2, Code: "DV001", FullName: "Nguyễn Văn An", OrgCode: "CB01", Gender: storage.GenderMale, BirthYear: 1985, Ethnicity: "H'Mông", Status: storage.StatusOfficial, Phone: "0912345678"},
		},
	},
	{
		name: "HeadersWithoutDiacriticsAnyCaseAnyOrder",
		file: "SO DIEN THOAI,ho  va_ten,MA TO CHUC,so the,Trang Thai\n" +
			"0912345678,Lê Văn Cường,CB02,DV010,du_bi\n",
		want: []storage.MemberInput{
			{Line: 2, Code: "DV010", FullName: "Lê Văn Cường", OrgCode: "CB02", Status: storage.StatusProbationary, Phone: "0912345678"},
		},
	},
	{
		name: "ShortAliasesAndUnknownColumnsIgnored",
		file: "STT,Mã,Họ tên,Mã tổ chức,SĐT,Ghi chú\n" +
			"1,DV001,Phạm Thị Dung,CB01,,chuyển đến năm 2020\n",
		want: []storage.MemberInput{member(2, "DV001", "Phạm Thị Dung", "CB01")},
	},
	{
		name: "TabSeparated",
		file: "code\tfull_name\torg_code\nDV001\tNguyễn Văn An\tCB01\n",
		want: []storage.MemberInput{member(2, "DV001", "Nguyễn Văn An", "CB01")},
	},
	{
		name: "OldMacLineEnds",
		file: "code,full_name,org_code\rDV001,Nguyễn Văn An,CB01\r\rDV002,Trần Thị Bình,CB01",
		want: []storage.MemberInput{member(2, "DV001", "Nguyễn Văn An", "CB01"), member(4, "DV002", "Trần Thị Bình", "CB01")},
	},
	{
		name: "BOMAndCRLF",
		file: "\uFEFFcode,full_name,org_code\r\nDV001,Nguyễn Văn An,CB01\r\nDV002,Trần Thị Bình,CB01\r\n",
		want: []storage.MemberInput{member(2, "DV001", "Nguyễn Văn An", "CB01"), member(3, "DV002", "Trần Thị Bình", "CB01")},
	},
	{
		name: "QuotedFieldsKeepSeparatorsAndQuotes",
		file: "code;full_name;org_code;ethnicity\n" +
			"DV001;\"Nguyễn; Văn \"\"An\"\"\";CB01;\"Kinh, Hoa\"\n",
		want: []storage.MemberInput{{Line: 2, Code: "DV001", FullName: `Nguyễn; Văn "An"`, OrgCode: "CB01", Ethnicity: "Kinh, Hoa"}},
	},
	{
		name: "QuotedLineBreakIsOneRow",
		file: "code,full_name,org_code\n\"DV001\",\"Nguyễn\nVăn An\",CB01\nDV002,Trần Thị Bình,CB01\n",
		want: []storage.MemberInput{member(2, "DV001", "Nguyễn Văn An", "CB01"), member(3, "DV002", "Trần Thị Bình", "CB01")},
	},
	{
		name: "BlankRowsSkippedAndCounted",
		file: "code,full_name,org_code\n\nDV001,Nguyễn Văn An,CB01\n,,\n  ,  \n\r\nDV002,Trần Thị Bình,CB01\n\n",
		want: []storage.MemberInput{member(3, "DV001", "Nguyễn Văn An", "CB01"), member(7, "DV002", "Trần Thị Bình", "CB01")},
	},
	{
		name: "RowWithOnlySerialNumberIsBlank",
		file: "STT,code,full_name,org_code\n1,DV001,Nguyễn Văn An,CB01\n2,,,\n3,,,\n",
		want: []storage.MemberInput{member(2, "DV001", "Nguyễn Văn An", "CB01")},
	},
	{
		name: "TitleRowsAboveHeader",
		file: "ĐẢNG BỘ XÃ BÌNH LỤC,,\nDANH SÁCH ĐẢNG VIÊN,,\n,,\nMã đảng viên,Họ và tên,Mã chi bộ\nDV001,Nguyễn Văn An,CB01\n",
		want: []storage.MemberInput{member(5, "DV001", "Nguyễn Văn An", "CB01")},
	},
	{
		name: "DecomposedUnicodeNormalisedToNFC",
		file: norm.NFD.String("Mã đảng viên,Họ và tên,Mã chi bộ,Dân tộc\nDV001,Nguyễn Văn Ân,CB01,Tày\n"),
		want: []storage.MemberInput{{Line: 2, Code: "DV001", FullName: "Nguyễn Văn Ân", OrgCode: "CB01", Ethnicity: "Tày"}},
	},
	{
		name: "InnerWhitespaceCollapsedAndCellsTrimmed",
		file: "code,full_name,org_code,ethnicity\n  DV001 ,\"  Nguyễn \u00a0 Văn\tAn \", CB01 ,\" Kinh \"\n",
		want: []storage.MemberInput{{Line: 2, Code: "DV001", FullName: "Nguyễn Văn An", OrgCode: "CB01", Ethnicity: "Kinh"}},
	},
	{
		name: "GenderSpellings",
		file: "code,full_name,org_code,gender\n" +
			"A1,Nguyễn An,CB,NAM\nA2,Nguyễn An,CB,nu\nA3,Nguyễn An,CB,M\nA4,Nguyễn An,CB,F\nA5,Nguyễn An,CB,Male\nA6,Nguyễn An,CB,female\nA7,Nguyễn An,CB,NỮ\nA8,Nguyễn An,CB,\n",
		want: []storage.MemberInput{
			{Line: 2, Code: "A1", FullName: "Nguyễn An", OrgCode: "CB", Gender: storage.GenderMale},
			{Line: 3, Code: "A2", FullName: "Nguyễn An", OrgCode: "CB", Gender: storage.GenderFemale},
			{Line: 4, Code: "A3", FullName: "Nguyễn An", OrgCode: "CB", Gender: storage.GenderMale},
			{Line: 5, Code: "A4", FullName: "Nguyễn An", OrgCode: "CB", Gender: storage.GenderFemale},
			{Line: 6, Code: "A5", FullName: "Nguyễn An", OrgCode: "CB", Gender: storage.GenderMale},
			{Line: 7, Code: "A6", FullName: "Nguyễn An", OrgCode: "CB", Gender: storage.GenderFemale},
			{Line: 8, Code: "A7", FullName: "Nguyễn An", OrgCode: "CB", Gender: storage.GenderFemale},
			{Line: 9, Code: "A8", FullName: "Nguyễn An", OrgCode: "CB"},
		},
	},
	{
		name: "StatusSpellings",
		file: "code,full_name,org_code,status\n" +
			"A1,Nguyễn An,CB,Chính thức\nA2,Nguyễn An,CB,chinh_thuc\nA3,Nguyễn An,CB,Dự bị\nA4,Nguyễn An,CB,DB\nA5,Nguyễn An,CB,du bi\n",
		want: []storage.MemberInput{
			{Line: 2, Code: "A1", FullName: "Nguyễn An", OrgCode: "CB", Status: storage.StatusOfficial},
			{Line: 3, Code: "A2", FullName: "Nguyễn An", OrgCode: "CB", Status: storage.StatusOfficial},
			{Line: 4, Code: "A3", FullName: "Nguyễn An", OrgCode: "CB", Status: storage.StatusProbationary},
			{Line: 5, Code: "A4", FullName: "Nguyễn An", OrgCode: "CB", Status: storage.StatusProbationary},
			{Line: 6, Code: "A5", FullName: "Nguyễn An", OrgCode: "CB", Status: storage.StatusProbationary},
		},
	},
	{
		name: "BirthYearAsNumberOrDate",
		file: "code,full_name,org_code,birth_year\n" +
			"A1,Nguyễn An,CB,1985.0\nA2,Nguyễn An,CB,12/03/1985\nA3,Nguyễn An,CB,1985-03-12\nA4,Nguyễn An,CB,1985-03-12 00:00:00\nA5,Nguyễn An,CB,3.12.1985\nA6,Nguyễn An,CB,03/1985\n",
		want: []storage.MemberInput{
			{Line: 2, Code: "A1", FullName: "Nguyễn An", OrgCode: "CB", BirthYear: 1985},
			{Line: 3, Code: "A2", FullName: "Nguyễn An", OrgCode: "CB", BirthYear: 1985},
			{Line: 4, Code: "A3", FullName: "Nguyễn An", OrgCode: "CB", BirthYear: 1985},
			{Line: 5, Code: "A4", FullName: "Nguyễn An", OrgCode: "CB", BirthYear: 1985},
			{Line: 6, Code: "A5", FullName: "Nguyễn An", OrgCode: "CB", BirthYear: 1985},
			{Line: 7, Code: "A6", FullName: "Nguyễn An", OrgCode: "CB", BirthYear: 1985},
		},
	},
	{
		name: "PhoneSpellings",
		file: "code,full_name,org_code,phone\n" +
			"A1,Nguyễn An,CB,912345678\nA2,Nguyễn An,CB,84912345678\nA3,Nguyễn An,CB,(091) 234-5678\n",
		want: []storage.MemberInput{
			{Line: 2, Code: "A1", FullName: "Nguyễn An", OrgCode: "CB", Phone: "0912345678"},
			{Line: 3, Code: "A2", FullName: "Nguyễn An", OrgCode: "CB", Phone: "0912345678"},
			{Line: 4, Code: "A3", FullName: "Nguyễn An", OrgCode: "CB", Phone: "0912345678"},
		},
	},
	{
		name: "CodesKeepCaseAndPunctuation",
		file: "code,full_name,org_code\nab-1_2.3/4,Nguyễn An,cb.01\nAB-1_2.3/4,Nguyễn Bình,CB.01\n",
		want: []storage.MemberInput{member(2, "ab-1_2.3/4", "Nguyễn An", "cb.01"), member(3, "AB-1_2.3/4", "Nguyễn Bình", "CB.01")},
	},
	{
		name: "BadCodeRejected",
		file: "code,full_name,org_code\nDV 001,Nguyễn An,CB\nĐV001,Nguyễn An,CB\n" + strings.Repeat("X", 33) + ",Nguyễn An,CB\n,Nguyễn An,CB\n",
		reject: []reject{
			{2, "", `Mã đảng viên "DV 001" không hợp lệ`},
			{3, "", `Mã đảng viên "ĐV001" không hợp lệ`},
			{4, "", "dài quá 32 ký tự"},
			{5, "", "Thiếu mã đảng viên"},
		},
	},
	{
		name: "BadNameRejected",
		file: "code,full_name,org_code\nA1,,CB\nA2,A,CB\nA3,12345,CB\nA4," + strings.Repeat("Nguyễn ", 20) + ",CB\n",
		reject: []reject{
			{2, "A1", "Thiếu họ và tên"},
			{3, "A2", `Họ và tên "A" quá ngắn`},
			{4, "A3", "phải có chữ cái"},
			{5, "A4", "dài quá 100 ký tự"},
		},
	},
	{
		name: "BadOrgCodeRejected",
		file: "code,full_name,org_code\nA1,Nguyễn An,\nA2,Nguyễn An,Chi bộ 1\n",
		reject: []reject{
			{2, "A1", "Thiếu mã tổ chức"},
			{3, "A2", `Mã tổ chức "Chi bộ 1" không hợp lệ`},
		},
	},
	{
		name: "BadGenderRejected",
		file: "code,full_name,org_code,gender\nA1,Nguyễn An,CB,X\nA2,Nguyễn An,CB,N\n",
		reject: []reject{
			{2, "A1", `Giới tính "X" không hợp lệ: ghi Nam hoặc Nữ`},
			{3, "A2", `Giới tính "N" không rõ`},
		},
	},
	{
		name: "BadBirthYearRejected",
		file: "code,full_name,org_code,birth_year\nA1,Nguyễn An,CB,19a5\nA2,Nguyễn An,CB,1899\nA3,Nguyễn An,CB,2027\nA4,Nguyễn An,CB,85\nA5,Nguyễn An,CB,12/03/85\nA6,Nguyễn An,CB,32/13/1985\n",
		reject: []reject{
			{2, "A1", `Năm sinh "19a5" không hợp lệ: cần 4 chữ số, ví dụ 1985`},
			{3, "A2", "Năm sinh 1899 không hợp lệ: cần trong khoảng 1900–2026"},
			{4, "A3", "Năm sinh 2027 không hợp lệ"},
			{5, "A4", `Năm sinh "85"`},
			{6, "A5", `Năm sinh "12/03/85"`},
			{7, "A6", `Năm sinh "32/13/1985"`},
		},
	},
	{
		name:   "BadEthnicityRejected",
		file:   "code,full_name,org_code,ethnicity\nA1,Nguyễn An,CB," + strings.Repeat("Kinh", 13) + "\n",
		reject: []reject{{2, "A1", "Dân tộc"}},
	},
	{
		// Issue 17, item 5a: a member who left, with or without diacritics.
		name: "LeavingStatuses",
		file: "code,full_name,org_code,status\n" +
			"A1,Nguyễn An,CB,Đã chuyển đi\nA2,Nguyễn An,CB,da chuyen di\nA3,Nguyễn An,CB,từ trần\nA4,Nguyễn An,CB,TU TRAN\n" +
			"A5,Nguyễn An,CB,Thôi sinh hoạt\nA6,Nguyễn An,CB,thoi sinh hoat\n",
		want: []storage.MemberInput{
			{Line: 2, Code: "A1", FullName: "Nguyễn An", OrgCode: "CB", Leave: roster.LeftMovedAway},
			{Line: 3, Code: "A2", FullName: "Nguyễn An", OrgCode: "CB", Leave: "đã chuyển đi"},
			{Line: 4, Code: "A3", FullName: "Nguyễn An", OrgCode: "CB", Leave: roster.LeftDied},
			{Line: 5, Code: "A4", FullName: "Nguyễn An", OrgCode: "CB", Leave: "từ trần"},
			{Line: 6, Code: "A5", FullName: "Nguyễn An", OrgCode: "CB", Leave: roster.LeftStopped},
			{Line: 7, Code: "A6", FullName: "Nguyễn An", OrgCode: "CB", Leave: "thôi sinh hoạt"},
		},
	},
	{
		name:   "BadStatusRejected",
		file:   "code,full_name,org_code,status\nA1,Nguyễn An,CB,khai trừ\n",
		reject: []reject{{2, "A1", `Trạng thái "khai trừ" không hợp lệ: ghi "chính thức" hoặc "dự bị"; với đảng viên không còn sinh hoạt ghi "đã chuyển đi", "từ trần" hoặc "thôi sinh hoạt"`}},
	},
	{
		name: "BadPhoneRejected",
		file: "code,full_name,org_code,phone\nA1,Nguyễn An,CB,123\nA2,Nguyễn An,CB,0912 345 678 / 0987 654 321\nA3,Nguyễn An,CB,abc\n",
		reject: []reject{
			{2, "A1", `Số điện thoại "123" không hợp lệ: cần 10 chữ số, ví dụ 0912 345 678`},
			{3, "A2", "Số điện thoại"},
			{4, "A3", "Số điện thoại"},
		},
	},
	{
		name:   "EveryProblemOfARowReportedAtOnce",
		file:   "code,full_name,org_code,birth_year,phone\nA1,X,,19a5,123\n",
		reject: []reject{{2, "A1", `Họ và tên "X" quá ngắn: cần ít nhất 2 ký tự; Thiếu mã tổ chức; Năm sinh "19a5"`}},
	},
	{
		name: "DuplicateCodeRejectedAfterFirst",
		file: "code,full_name,org_code\nDV001,Nguyễn An,CB\nDV002,Trần Bình,CB\n DV001 ,Lê Cường,CB\nDV001,Phạm Dung,CB\ndv001,Hoàng Em,CB\n",
		want: []storage.MemberInput{member(2, "DV001", "Nguyễn An", "CB"), member(3, "DV002", "Trần Bình", "CB"), member(6, "dv001", "Hoàng Em", "CB")},
		reject: []reject{
			{4, "DV001", "Mã đảng viên DV001 trùng với dòng 2"},
			{5, "DV001", "Mã đảng viên DV001 trùng với dòng 2"},
		},
	},
	{
		name: "DuplicateOfRejectedRowStillRejected",
		file: "code,full_name,org_code\nDV001,,CB\nDV001,Nguyễn An,CB\n",
		reject: []reject{
			{2, "DV001", "Thiếu họ và tên"},
			{3, "DV001", "trùng với dòng 2"},
		},
	},
	{
		name:   "ShortRowMissingCells",
		file:   "code,full_name,org_code\nDV001,Nguyễn An\n",
		reject: []reject{{2, "DV001", "Thiếu mã tổ chức"}},
	},
}

func checkRejects(t *testing.T, got []storage.ImportRow, want []reject) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("rejected = %+v, want %d rows %+v", got, len(want), want)
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.line || g.Code != w.code || g.Result != storage.ImportRejected || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("rejected[%d] = %+v, want line %d code %q reason containing %q", i, g, w.line, w.code, w.reason)
		}
	}
}

func TestParseMembers(t *testing.T) {
	for _, tc := range memberCases {
		t.Run(tc.name, func(t *testing.T) {
			got, rejected, err := parser.ParseMembers(strings.NewReader(tc.file), "members.csv")
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("valid =\n%+v\nwant\n%+v", got, tc.want)
			}
			checkRejects(t, rejected, tc.reject)
		})
	}
}

type orgCase struct {
	name   string
	file   string
	want   []storage.OrgInput
	reject []reject
}

var founded = time.Date(1975, 2, 3, 0, 0, 0, 0, time.UTC)

var orgCases = []orgCase{
	{
		name: "FoundingDate",
		file: "Mã,Tên,Loại,Mã cấp trên,Ngày thành lập\nBINHLU,Đảng bộ xã Bình Lục,Đảng bộ,,03/02/1975\nCB01,Chi bộ thôn 1,Chi bộ,BINHLU,\nCB02,Chi bộ thôn 2,Chi bộ,BINHLU,31/02/1990\nCB03,Chi bộ thôn 3,Chi bộ,BINHLU,01/01/2999\n",
		want: []storage.OrgInput{
			{Line: 2, Code: "BINHLU", Name: "Đảng bộ xã Bình Lục", Kind: storage.KindDangBo, FoundedOn: &founded},
			{Line: 3, Code: "CB01", Name: "Chi bộ thôn 1", Kind: storage.KindChiBo, ParentCode: "BINHLU"},
		},
		reject: []reject{
			{4, "CB02", `Ngày thành lập "31/02/1990" không có trong lịch`},
			{5, "CB03", "ở tương lai"},
		},
	},
	{
		name: "EnglishHeaders",
		file: "code,name,kind,parent_code\nBINHLU,Đảng bộ xã Bình Lục,dang_bo,\nCB01,Chi bộ thôn 1,chi_bo,BINHLU\n",
		want: []storage.OrgInput{
			{Line: 2, Code: "BINHLU", Name: "Đảng bộ xã Bình Lục", Kind: storage.KindDangBo},
			{Line: 3, Code: "CB01", Name: "Chi bộ thôn 1", Kind: storage.KindChiBo, ParentCode: "BINHLU"},
		},
	},
	{
		name: "VietnameseHeadersSemicolonAnyOrder",
		file: "Mã cấp trên;Loại;Tên tổ chức;Mã\n;Đảng bộ;Đảng bộ xã Bình Lục;BINHLU\nBINHLU;đảng bộ cơ sở;Đảng bộ Trường THCS;DBTH\nDBTH;Chi bộ;Chi bộ giáo viên;CBGV\nBINHLU;chi bộ cơ sở;Chi bộ Công an;CBCA\n",
		want: []storage.OrgInput{
			{Line: 2, Code: "BINHLU", Name: "Đảng bộ xã Bình Lục", Kind: storage.KindDangBo},
			{Line: 3, Code: "DBTH", Name: "Đảng bộ Trường THCS", Kind: storage.KindDangBo, ParentCode: "BINHLU"},
			{Line: 4, Code: "CBGV", Name: "Chi bộ giáo viên", Kind: storage.KindChiBo, ParentCode: "DBTH"},
			{Line: 5, Code: "CBCA", Name: "Chi bộ Công an", Kind: storage.KindChiBo, ParentCode: "BINHLU"},
		},
	},
	{
		name: "KindSpellings",
		file: "ma,ten,loai\nA,Tên A,DB\nB,Tên B,CB\nC,Tên C,dang bo\nD,Tên D,CHI BO\nE,Tên E,Chi bộ cơ sở\n",
		want: []storage.OrgInput{
			{Line: 2, Code: "A", Name: "Tên A", Kind: storage.KindDangBo},
			{Line: 3, Code: "B", Name: "Tên B", Kind: storage.KindChiBo},
			{Line: 4, Code: "C", Name: "Tên C", Kind: storage.KindDangBo},
			{Line: 5, Code: "D", Name: "Tên D", Kind: storage.KindChiBo},
			{Line: 6, Code: "E", Name: "Tên E", Kind: storage.KindChiBo},
		},
	},
	{
		name: "EmptyLastFieldWithoutNewline",
		file: "code,name,kind,parent_code\nA,Tên A,chi_bo,",
		want: []storage.OrgInput{{Line: 2, Code: "A", Name: "Tên A", Kind: storage.KindChiBo}},
	},
	{
		name:   "OwnParentRejected",
		file:   "code,name,kind,parent_code\nCB01,Chi bộ 1,chi_bo,CB01\n",
		reject: []reject{{2, "CB01", "Mã cấp trên CB01 trùng với chính mã tổ chức"}},
	},
	{
		name: "BadFieldsRejected",
		file: "code,name,kind,parent_code\n,Chi bộ 1,chi_bo,\nCB 2,Chi bộ 2,chi_bo,\nCB3,C,chi_bo,\nCB4,Chi bộ 4,,\nCB5,Chi bộ 5,tổ đảng,\nCB6,Chi bộ 6,chi_bo,Đảng bộ\nCB7," + strings.Repeat("x", 201) + ",chi_bo,\n",
		reject: []reject{
			{2, "", "Thiếu mã tổ chức"},
			{3, "", `Mã tổ chức "CB 2" không hợp lệ`},
			{4, "CB3", `Tên tổ chức "C" quá ngắn`},
			{5, "CB4", "Thiếu loại tổ chức"},
			{6, "CB5", `Loại tổ chức "tổ đảng" không hợp lệ`},
			{7, "CB6", `Mã cấp trên "Đảng bộ" không hợp lệ`},
			{8, "CB7", "dài quá 200 ký tự"},
		},
	},
	{
		name: "DuplicateCodeRejected",
		file: "code,name,kind\nCB01,Chi bộ 1,chi_bo\n\nCB01,Chi bộ một,chi_bo\n",
		want: []storage.OrgInput{{Line: 2, Code: "CB01", Name: "Chi bộ 1", Kind: storage.KindChiBo}},
		reject: []reject{
			{4, "CB01", "Mã tổ chức CB01 trùng với dòng 2"},
		},
	},
}

func TestParseOrgs(t *testing.T) {
	for _, tc := range orgCases {
		t.Run(tc.name, func(t *testing.T) {
			got, rejected, err := parser.ParseOrgs(strings.NewReader(tc.file), "orgs.csv")
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("valid =\n%+v\nwant\n%+v", got, tc.want)
			}
			checkRejects(t, rejected, tc.reject)
		})
	}
}

// cp1252 is "Họ và tên" and a row as a Windows ANSI CSV stores them:
// à is 0xE0, not valid UTF-8 on its own.
var cp1252 = "code,full_name,org_code\nDV001,Nguy\xean V\xe0n An,CB01\n"

func TestParseFileRefused(t *testing.T) {
	for _, tc := range []struct {
		name, file, fileName, want string
	}{
		{"MissingColumnNamed", "code,org_code\nDV001,CB01\n", "m.csv", `Tệp thiếu cột bắt buộc "Họ và tên" (full_name). Dòng đầu tiên phải là tiêu đề, ví dụ: code,full_name,org_code`},
		{"MissingColumnsAllNamed", "Họ và tên\nNguyễn An\n", "m.csv", `"Mã đảng viên" (code), "Mã tổ chức" (org_code)`},
		{"NoHeaderRow", "DV001,Nguyễn An,CB01\nDV002,Trần Bình,CB01\n", "m.csv", "Không tìm thấy dòng tiêu đề"},
		{"EmptyFile", "", "m.csv", "Tệp trống"},
		{"OnlySeparator", ",", "m.csv", "Tệp trống"},
		{"OnlyBOMAndBlankLines", "\uFEFF\r\n\r\n", "m.csv", "Tệp trống"},
		{"HeaderOnly", "code,full_name,org_code\n", "m.csv", "chưa có dòng dữ liệu"},
		{"NotUTF8", cp1252, "m.csv", "không ở mã UTF-8"},
		{"UTF16", "\xff\xfec\x00o\x00d\x00e\x00", "m.csv", "UTF-16"},
		{"BinaryData", "code\x00full_name", "m.csv", "không phải văn bản"},
		{"OldExcel", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", "m.xls", ".xls"},
		{"OldExcelMisnamed", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", "m.csv", "Excel 97-2003"},
		{"XLSXThatIsNot", "code,full_name,org_code\n", "m.xlsx", "không phải tệp Excel .xlsx"},
		{"BrokenZip", "PK\x03\x04garbage", "m.xlsx", "Không đọc được tệp Excel"},
		{"UnknownExtension", "code,full_name,org_code\n", "m.pdf", "Chỉ nhận tệp .xlsx hoặc .csv"},
		{"UnclosedQuote", "code,full_name,org_code\nDV001,\"Nguyễn An,CB01\n", "m.csv", "Dòng 2: dấu ngoặc kép"},
		{"SameColumnTwice", "Mã đảng viên,Số thẻ,Họ và tên,Mã chi bộ\n", "m.csv", `Cột "Mã đảng viên" và cột "Số thẻ"`},
		{"TooManyRows", "code,full_name,org_code\n" + strings.Repeat("DV1,Nguyễn An,CB\n", roster.MaxRows+1), "m.csv", "hơn 200.000 dòng"},
		{"TooLarge", "code,full_name,org_code\n" + strings.Repeat("x", roster.MaxBytes), "m.csv", "lớn hơn 32 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			valid, rejected, err := parser.ParseMembers(strings.NewReader(tc.file), tc.fileName)
			if storage.ErrorCode(err) != storage.CodeInvalid {
				t.Fatalf("err = %v, want an invalid error", err)
			}
			if msg := storage.ErrorMessage(err); !strings.Contains(msg, tc.want) {
				t.Errorf("message = %q, want it to contain %q", msg, tc.want)
			}
			if valid != nil || rejected != nil {
				t.Errorf("got rows %v %v with an error", valid, rejected)
			}
		})
	}
}

func TestParseOrgsMissingColumn(t *testing.T) {
	_, _, err := parser.ParseOrgs(strings.NewReader("Mã,Tên\nA,Tên A\n"), "o.csv")
	if msg := storage.ErrorMessage(err); !strings.Contains(msg, `"Loại" (kind)`) {
		t.Errorf("message = %q, want it to name the kind column", msg)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, os.ErrDeadlineExceeded }

func TestParseReadErrorIsInternal(t *testing.T) {
	_, _, err := parser.ParseMembers(failingReader{}, "m.csv")
	if err == nil || storage.ErrorCode(err) != storage.CodeInternal {
		t.Errorf("err = %v, want an internal error", err)
	}
}

// MustXLSX builds a workbook whose first sheet holds rows; cells keep their
// Go type, so ints become number cells as Excel would store them.
func MustXLSX(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	// A second sheet must be ignored.
	if _, err := f.NewSheet("Ghi chú"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("Ghi chú", "A1", "code"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseMembersXLSX(t *testing.T) {
	data := MustXLSX(t, [][]any{
		{"DANH SÁCH ĐẢNG VIÊN"},
		{"STT", "Mã đảng viên", "Họ và tên", "Mã chi bộ", "Giới tính", "Năm sinh", "Dân tộc", "Trạng thái", "Số điện thoại"},
		{1, "DV001", "Nguyễn Văn An", "CB01", "Nam", 1985, "Kinh", "Chính thức", 912000001},
		{2, "DV002", "Trần Thị Bình", "CB01", "Nữ", 1990.0, "Tày", "Dự bị", "0987654321"},
		{},
		{4, "DV003", "Lê Văn Cường", "CB02", "Nam", "19a5", "Kinh", "", 123},
		{5, "DV004", norm.NFD.String("Phạm Thị Dung"), "CB02", "", time.Date(1979, 3, 12, 0, 0, 0, 0, time.UTC), "", "", 84912000002},
	})
	for _, name := range []string{"members.xlsx", "members.csv", "upload"} {
		t.Run("ReadFrom_"+name, func(t *testing.T) {
			got, rejected, err := parser.ParseMembers(bytes.NewReader(data), name)
			if err != nil {
				t.Fatal(err)
			}
			want := []storage.MemberInput{
				{Line: 3, Code: "DV001", FullName: "Nguyễn Văn An", OrgCode: "CB01", Gender: storage.GenderMale, BirthYear: 1985, Ethnicity: "Kinh", Status: storage.StatusOfficial, Phone: "0912000001"},
				{Line: 4, Code: "DV002", FullName: "Trần Thị Bình", OrgCode: "CB01", Gender: storage.GenderFemale, BirthYear: 1990, Ethnicity: "Tày", Status: storage.StatusProbationary, Phone: "0987654321"},
				{Line: 7, Code: "DV004", FullName: "Phạm Thị Dung", OrgCode: "CB02", BirthYear: 1979, Phone: "0912000002"},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("valid =\n%+v\nwant\n%+v", got, want)
			}
			checkRejects(t, rejected, []reject{{6, "DV003", `Năm sinh "19a5" không hợp lệ: cần 4 chữ số, ví dụ 1985; Số điện thoại "123" không hợp lệ`}})
		})
	}
}

func TestParseOrgsXLSX(t *testing.T) {
	data := MustXLSX(t, [][]any{
		{"Mã", "Tên", "Loại", "Mã cấp trên"},
		{"BINHLU", "Đảng bộ xã Bình Lục", "Đảng bộ", nil},
		{"CB01", "Chi bộ thôn 1", "Chi bộ", "BINHLU"},
		{1001, "Chi bộ số 1001", "Chi bộ", "BINHLU"},
	})
	got, rejected, err := parser.ParseOrgs(bytes.NewReader(data), "orgs.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	want := []storage.OrgInput{
		{Line: 2, Code: "BINHLU", Name: "Đảng bộ xã Bình Lục", Kind: storage.KindDangBo},
		{Line: 3, Code: "CB01", Name: "Chi bộ thôn 1", Kind: storage.KindChiBo, ParentCode: "BINHLU"},
		{Line: 4, Code: "1001", Name: "Chi bộ số 1001", Kind: storage.KindChiBo, ParentCode: "BINHLU"},
	}
	if !reflect.DeepEqual(got, want) || len(rejected) != 0 {
		t.Errorf("valid = %+v, rejected = %+v, want %+v", got, rejected, want)
	}
}

// The examples in testdata are what users are told to copy: they must stay valid.
func TestExampleFiles(t *testing.T) {
	t.Run("OrgsAllValid", func(t *testing.T) {
		f := MustOpen(t, "orgs_example.csv")
		orgs, rejected, err := parser.ParseOrgs(f, "orgs_example.csv")
		if err != nil || len(rejected) != 0 || len(orgs) != 5 {
			t.Fatalf("orgs = %+v, rejected = %+v, err = %v", orgs, rejected, err)
		}
	})
	t.Run("MembersAllValid", func(t *testing.T) {
		f := MustOpen(t, "members_example.csv")
		members, rejected, err := parser.ParseMembers(f, "members_example.csv")
		if err != nil || len(rejected) != 0 || len(members) != 8 {
			t.Fatalf("members = %+v, rejected = %+v, err = %v", members, rejected, err)
		}
	})
}

func MustOpen(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
