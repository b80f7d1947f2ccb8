package roster

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"sotay/storage"
	"sotay/storage/vn"
)

// Parser parses roster files. The zero value is ready to use.
type Parser struct {
	// Now is the clock that bounds birth years; nil means time.Now.
	Now func() time.Time
}

// ParseOrgs parses an organisation file with the zero Parser.
func ParseOrgs(r io.Reader, name string) ([]storage.OrgInput, []storage.ImportRow, error) {
	return Parser{}.ParseOrgs(r, name)
}

// ParseMembers parses a member roster with the zero Parser.
func ParseMembers(r io.Reader, name string) ([]storage.MemberInput, []storage.ImportRow, error) {
	return Parser{}.ParseMembers(r, name)
}

var memberSchema = schema{
	example: "code,full_name,org_code (hoặc: Mã đảng viên,Họ và tên,Mã chi bộ)",
	columns: []column{
		{key: "code", label: "Mã đảng viên", required: true,
			aliases: []string{"code", "membercode", "madangvien", "sothe", "ma", "sothedangvien", "masodangvien", "madv"}},
		{key: "full_name", label: "Họ và tên", required: true,
			aliases: []string{"fullname", "hovaten", "hoten", "hotendangvien", "hovatendangvien"}},
		{key: "org_code", label: "Mã tổ chức", required: true,
			aliases: []string{"orgcode", "matochuc", "machibo", "organisationcode", "organizationcode"}},
		{key: "gender", label: "Giới tính",
			aliases: []string{"gender", "gioitinh", "sex"}},
		{key: "birth_year", label: "Năm sinh",
			aliases: []string{"birthyear", "namsinh", "ngaysinh", "ngaythangnamsinh", "birthdate", "dateofbirth"}},
		{key: "ethnicity", label: "Dân tộc",
			aliases: []string{"ethnicity", "dantoc"}},
		{key: "status", label: "Trạng thái",
			aliases: []string{"status", "trangthai"}},
		{key: "phone", label: "Số điện thoại",
			aliases: []string{"phone", "sodienthoai", "dienthoai", "sdt", "sodt", "didong", "phonenumber"}},
	},
}

var orgSchema = schema{
	example: "code,name,kind,parent_code (hoặc: Mã,Tên,Loại,Mã cấp trên)",
	columns: []column{
		{key: "code", label: "Mã", required: true,
			aliases: []string{"code", "ma", "matochuc", "orgcode"}},
		{key: "name", label: "Tên", required: true,
			aliases: []string{"name", "ten", "tentochuc"}},
		{key: "kind", label: "Loại", required: true,
			aliases: []string{"kind", "loai", "loaitochuc", "type"}},
		{key: "parent_code", label: "Mã cấp trên", required: false,
			aliases: []string{"parentcode", "parent", "macaptren", "matochuccaptren"}},
		{key: "founded_on", label: "Ngày thành lập", required: false,
			aliases: []string{"foundedon", "founded", "ngaythanhlap"}},
	},
}

// rejects collects the reasons a row is turned down, all at once, so that
// the user fixes a row in one pass.
type rejects []string

func (r *rejects) add(format string, args ...any) { *r = append(*r, fmt.Sprintf(format, args...)) }

// check adds the message of a field's rule that refused (err, from
// storage), and reports whether it did.
func (r *rejects) check(err error) bool {
	if err != nil {
		r.add("%s", storage.ErrorMessage(err))
	}
	return err != nil
}

func (r rejects) row(line int, code string) storage.ImportRow {
	return storage.ImportRow{Line: line, Code: code, Result: storage.ImportRejected, Reason: strings.Join(r, "; ")}
}

// ParseMembers reads a member roster. The error is for a file that cannot
// be read at all; a row that is wrong comes back in the second slice.
func (p Parser) ParseMembers(r io.Reader, name string) ([]storage.MemberInput, []storage.ImportRow, error) {
	maxYear := p.now().Year()
	seen := firstLines{}
	return parseRows(r, name, memberSchema, func(rec record, h header, bad *rejects) (storage.MemberInput, string) {
		m := storage.MemberInput{Line: rec.line}
		m.Code = checkCode(bad, storage.FieldCode, h.get(rec, "code"), "Mã đảng viên")
		seen.check(bad, "Mã đảng viên", m.Code, rec.line)
		m.FullName = checkName(bad, h.get(rec, "full_name"), "Họ và tên", storage.MaxMemberNameLen)
		m.OrgCode = checkCode(bad, storage.FieldOrg, h.get(rec, "org_code"), "Mã tổ chức")
		m.Gender = checkGender(bad, h.get(rec, "gender"))
		m.BirthYear = checkBirthYear(bad, h.get(rec, "birth_year"), h.raw(rec, "birth_year"), maxYear)
		if e := cleanName(h.get(rec, "ethnicity")); !bad.check(storage.CheckEthnicity(e)) {
			m.Ethnicity = e
		}
		m.Status, m.Leave = checkStatus(bad, h.get(rec, "status"))
		m.Phone = checkPhone(bad, h.get(rec, "phone"), h.raw(rec, "phone"))
		return m, m.Code
	})
}

// ParseOrgs reads an organisation file. Parents are checked against the
// database later, by storage; here only a row naming itself as its own
// parent is refused.
func (p Parser) ParseOrgs(r io.Reader, name string) ([]storage.OrgInput, []storage.ImportRow, error) {
	seen := firstLines{}
	return parseRows(r, name, orgSchema, func(rec record, h header, bad *rejects) (storage.OrgInput, string) {
		o := storage.OrgInput{Line: rec.line}
		o.Code = checkCode(bad, storage.FieldCode, h.get(rec, "code"), "Mã tổ chức")
		seen.check(bad, "Mã tổ chức", o.Code, rec.line)
		o.Name = checkName(bad, h.get(rec, "name"), "Tên tổ chức", storage.MaxOrgNameLen)
		o.Kind = checkKind(bad, h.get(rec, "kind"))
		if pc := h.get(rec, "parent_code"); pc != "" {
			o.ParentCode = checkCode(bad, storage.FieldParent, pc, "Mã cấp trên")
			bad.check(storage.CheckParent(o.Code, o.ParentCode))
		}
		if f := h.get(rec, "founded_on"); f != "" {
			t, err := vn.ParseDate(f, p.now())
			switch {
			case errors.Is(err, vn.ErrNoSuchDay):
				bad.add("Ngày thành lập %s không có trong lịch: hãy kiểm tra lại ngày và tháng", quote(f))
			case err != nil:
				bad.add("Ngày thành lập %s không đọc được: hãy ghi ngày/tháng/năm, ví dụ 03/02/1975", quote(f))
			case !bad.check(storage.CheckFoundedOn(&t, p.now())):
				o.FoundedOn = &t
			}
		}
		return o, o.Code
	})
}

// parseRows reads a table of schema s and turns each row into a T with
// parse, which adds to bad what is wrong with the row and returns its code.
// A row with reasons is rejected under that code; the others are valid.
func parseRows[T any](r io.Reader, name string, s schema, parse func(rec record, h header, bad *rejects) (T, string)) ([]T, []storage.ImportRow, error) {
	var (
		valid    []T
		rejected []storage.ImportRow
	)
	err := readTable(r, name, s, func(rec record, h header) error {
		var bad rejects
		v, code := parse(rec, h, &bad)
		if len(bad) > 0 {
			rejected = append(rejected, bad.row(rec.line, code))
			return nil
		}
		valid = append(valid, v)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return valid, rejected, nil
}

// firstLines is the line each code was first seen on in a file.
type firstLines map[string]int

// check refuses a code seen on an earlier line; label names the code.
func (f firstLines) check(bad *rejects, label, code string, line int) {
	if first, dup := f[code]; dup && code != "" {
		bad.add("%s %s trùng với dòng %d", label, code, first)
	} else if code != "" {
		f[code] = line
	}
}

func (p Parser) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// checkCode returns s when it is a well-formed code (storage.CheckCode,
// the one rule of codes; label names the column), "" otherwise.
func checkCode(bad *rejects, f storage.Field, s, label string) string {
	if bad.check(storage.CheckCode(f, label, s)) {
		return ""
	}
	return s
}

// checkName cleans a name and returns it when it passes its rule
// (storage.CheckName), "" otherwise.
func checkName(bad *rejects, s, label string, max int) string {
	s = cleanName(s)
	if bad.check(storage.CheckName(storage.FieldName, label, s, max)) {
		return ""
	}
	return s
}

// checkGender reads a gender by its rule (storage.ReadGender).
func checkGender(bad *rejects, s string) string {
	g, err := storage.ReadGender(s)
	bad.check(err)
	return g
}

// Statuses of a member who left (storage's): the row makes the member
// leave, with the status as the reason (storage.MemberInput.Leave).
const (
	LeftMovedAway = storage.LeftMovedAway
	LeftDied      = storage.LeftDied
	LeftStopped   = storage.LeftStopped
)

// checkStatus reads the status column by its rule (storage.ReadStatus):
// chính thức or dự bị, or one of the statuses of a member who left,
// returned as the reason to leave.
func checkStatus(bad *rejects, s string) (status, leave string) {
	status, leave, err := storage.ReadStatus(s)
	bad.check(err)
	return status, leave
}

func checkKind(bad *rejects, s string) storage.OrgKind {
	k, err := storage.ReadOrgKind(s)
	bad.check(err)
	return k
}

func checkPhone(bad *rejects, s, raw string) string {
	if s == "" {
		return ""
	}
	if p := storage.NormalizePhone(s); p != "" {
		return p
	}
	// A number cell Excel shows as 9,12E+08 still holds every digit.
	if p := storage.NormalizePhone(raw); p != "" {
		return p
	}
	bad.check(storage.BadPhone(s))
	return ""
}

var (
	yearOnly = regexp.MustCompile(`^([0-9]{4})(?:\.0+)?$`)
	// d/m/yyyy, d-m-yyyy, d.m.yyyy, m/yyyy, or yyyy-m-d, with an optional
	// time after it as spreadsheets export dates.
	dayFirst  = regexp.MustCompile(`^(?:([0-9]{1,2})[/.-])?([0-9]{1,2})[/.-]([0-9]{4})(?:[ T].*)?$`)
	yearFirst = regexp.MustCompile(`^([0-9]{4})[/.-]([0-9]{1,2})[/.-]([0-9]{1,2})(?:[ T].*)?$`)
)

// checkBirthYear accepts a year, or a whole date of birth of which only the
// year is kept. raw is the XLSX value under a date format (a serial day
// number), tried when the shown text is a date with a two-digit year such as
// 03-12-85 or 12-Mar-85.
func checkBirthYear(bad *rejects, s, raw string, maxYear int) int {
	if s == "" {
		return 0
	}
	y, ok := parseYear(s)
	if !ok && raw != s && (strings.ContainsAny(s, "/-") || hasLetter(s)) {
		y, ok = serialYear(raw)
	}
	switch {
	case !ok:
		bad.add("Năm sinh %s không hợp lệ: cần 4 chữ số, ví dụ 1985", quote(s))
	case !bad.check(storage.CheckBirthYear(y, maxYear)):
		return y
	}
	return 0
}

func parseYear(s string) (int, bool) {
	var ys string
	if m := yearOnly.FindStringSubmatch(s); m != nil {
		ys = m[1]
	} else if m := dayFirst.FindStringSubmatch(s); m != nil && dayMonth(m[1], m[2]) {
		ys = m[3]
	} else if m := yearFirst.FindStringSubmatch(s); m != nil && dayMonth(m[2], m[3]) {
		ys = m[1]
	} else {
		return 0, false
	}
	y, err := strconv.Atoi(ys)
	return y, err == nil
}

// dayMonth checks the other two parts of a date loosely: day-first or
// month-first, it only has to be some real day and month. d is "" for m/yyyy.
func dayMonth(d, m string) bool {
	a, _ := strconv.Atoi(d)
	b, _ := strconv.Atoi(m)
	if d == "" {
		return 1 <= b && b <= 12
	}
	return 1 <= a && a <= 31 && 1 <= b && b <= 31 && (a <= 12 || b <= 12)
}

// serialYear reads an Excel date serial number.
func serialYear(raw string) (int, bool) {
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || v < 1 || v > 2958465 { // 9999-12-31
		return 0, false
	}
	t, err := excelize.ExcelDateToTime(v, false)
	if err != nil {
		return 0, false
	}
	return t.Year(), true
}
