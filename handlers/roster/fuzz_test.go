package roster_test

import (
	"bytes"
	"testing"

	"golang.org/x/text/unicode/norm"

	"sotay/storage"
)

func FuzzParseMembers(f *testing.F) {
	for _, tc := range memberCases {
		f.Add([]byte(tc.file))
	}
	f.Add([]byte(cp1252))
	f.Add([]byte("\uFEFFMã đảng viên;Họ và tên;Mã chi bộ\r\n\"DV1\";\"A;\"\"B\"\"\";CB\r\n"))
	f.Add(MustXLSX(f, [][]any{
		{"Mã đảng viên", "Họ và tên", "Mã chi bộ", "Năm sinh", "SĐT"},
		{"DV001", "Nguyễn Văn An", "CB01", 1985, 912000001},
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		valid, rejected, err := parser.ParseMembers(bytes.NewReader(data), "members.csv")
		if err != nil {
			checkRefused(t, err, len(valid)+len(rejected))
			return
		}
		lines := checkRejected(t, rejected)
		codes := map[string]bool{}
		for _, m := range valid {
			if m.Code == "" || m.FullName == "" || m.OrgCode == "" {
				t.Errorf("valid row with an empty required field: %+v", m)
			}
			for _, s := range []string{m.Code, m.FullName, m.OrgCode, m.Gender, m.Ethnicity, m.Status, m.Phone} {
				if !norm.NFC.IsNormalString(s) {
					t.Errorf("field %q of %+v is not NFC", s, m)
				}
			}
			switch m.Status {
			case "", storage.StatusOfficial, storage.StatusProbationary:
			default:
				t.Errorf("status %q of %+v", m.Status, m)
			}
			switch m.Gender {
			case "", storage.GenderMale, storage.GenderFemale:
			default:
				t.Errorf("gender %q of %+v", m.Gender, m)
			}
			if m.Phone != "" && storage.NormalizePhone(m.Phone) != m.Phone {
				t.Errorf("phone %q of %+v is not normalised", m.Phone, m)
			}
			if codes[m.Code] {
				t.Errorf("code %q valid twice", m.Code)
			}
			codes[m.Code] = true
			checkLine(t, lines, m.Line)
		}
	})
}

func FuzzParseOrgs(f *testing.F) {
	for _, tc := range orgCases {
		f.Add([]byte(tc.file))
	}
	f.Add(MustXLSX(f, [][]any{
		{"Mã", "Tên", "Loại", "Mã cấp trên"},
		{"BINHLU", "Đảng bộ xã Bình Lục", "Đảng bộ", nil},
		{1001, "Chi bộ số 1001", "Chi bộ", "BINHLU"},
	}))
	f.Fuzz(func(t *testing.T, data []byte) {
		valid, rejected, err := parser.ParseOrgs(bytes.NewReader(data), "orgs.csv")
		if err != nil {
			checkRefused(t, err, len(valid)+len(rejected))
			return
		}
		lines := checkRejected(t, rejected)
		codes := map[string]bool{}
		for _, o := range valid {
			if o.Code == "" || o.Name == "" || o.Code == o.ParentCode {
				t.Errorf("valid row %+v", o)
			}
			if o.Kind != storage.KindDangBo && o.Kind != storage.KindChiBo {
				t.Errorf("kind %q of %+v", o.Kind, o)
			}
			for _, s := range []string{o.Code, o.Name, o.ParentCode} {
				if !norm.NFC.IsNormalString(s) {
					t.Errorf("field %q of %+v is not NFC", s, o)
				}
			}
			if codes[o.Code] {
				t.Errorf("code %q valid twice", o.Code)
			}
			codes[o.Code] = true
			checkLine(t, lines, o.Line)
		}
	})
}

func checkRefused(t *testing.T, err error, rows int) {
	t.Helper()
	if storage.ErrorCode(err) != storage.CodeInvalid || storage.ErrorMessage(err) == "" {
		t.Errorf("err = %v, want an invalid error with a message", err)
	}
	if rows != 0 {
		t.Errorf("%d rows returned with an error", rows)
	}
}

// checkRejected checks the rejected rows and returns their lines.
func checkRejected(t *testing.T, rejected []storage.ImportRow) map[int]bool {
	t.Helper()
	lines := map[int]bool{}
	for _, r := range rejected {
		if r.Result != storage.ImportRejected || r.Reason == "" || r.Line < 1 {
			t.Errorf("rejected row %+v", r)
		}
		if !norm.NFC.IsNormalString(r.Reason) {
			t.Errorf("reason %q is not NFC", r.Reason)
		}
		if lines[r.Line] {
			t.Errorf("line %d rejected twice", r.Line)
		}
		lines[r.Line] = true
	}
	return lines
}

// checkLine checks that a valid row's line is new, and records it.
func checkLine(t *testing.T, lines map[int]bool, line int) {
	t.Helper()
	if line < 1 || lines[line] {
		t.Errorf("line %d is not a fresh row number", line)
	}
	lines[line] = true
}
