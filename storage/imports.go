package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sotay/storage/vn"
)

// Import results, one per row of a roster file.
const (
	ImportCreated   = "created"
	ImportUpdated   = "updated"
	ImportUnchanged = "unchanged"
	ImportRejected  = "rejected"
)

// OrgInput is one parsed row of an organisation file. Kind is KindDangBo or
// KindChiBo; ParentCode is "" for the root.
type OrgInput struct {
	Line       int
	Code       string
	Name       string
	Kind       OrgKind
	ParentCode string
	// FoundedOn is the founding day (Ngày thành lập); nil keeps what is stored.
	FoundedOn *time.Time
}

// MemberInput is one parsed row of a member roster. Optional fields are
// empty (BirthYear 0) when the file leaves them blank; Phone is already in
// NormalizePhone form.
type MemberInput struct {
	Line      int
	Code      string
	FullName  string
	OrgCode   string
	Gender    string // GenderMale, GenderFemale or ""
	BirthYear int
	Ethnicity string
	Status    string // StatusOfficial or StatusProbationary
	Phone     string
	// Leave, when set, is why the member left (the roster's status "đã
	// chuyển đi", "từ trần" or "thôi sinh hoạt"): the import makes an
	// active member leave with this reason (Storage.LeaveMember).
	Leave string
}

// Limits on a roster's texts, in characters.
const (
	MaxMemberNameLen = 100
	MaxOrgNameLen    = 200
	MaxEthnicityLen  = 50
)

// The fields of a roster's rows, as their reasons name them.
const (
	FieldGender    Field = "gender"
	FieldBirthYear Field = "birth_year"
	FieldEthnicity Field = "ethnicity"
	FieldStatus    Field = "status"
	FieldPhone     Field = "phone"
	FieldFounded   Field = "founded_on"
)

// Validate checks an organisation row by its fields' rules: its code, name
// and kind, and a parent code other than its own. What needs the clock (a
// founding day not to come: CheckFoundedOn) or the stored tree (the parent
// exists, is a đảng bộ, no cycle) is checked by the import.
func (in OrgInput) Validate() error {
	if err := CheckCode(FieldCode, "Mã tổ chức", in.Code); err != nil {
		return err
	}
	if err := CheckName(FieldName, "Tên tổ chức", in.Name, MaxOrgNameLen); err != nil {
		return err
	}
	if err := stored(string(in.Kind), readOrgKindCode, noOrgKind); err != nil {
		return err
	}
	if in.ParentCode == "" {
		return nil
	}
	if err := CheckCode(FieldParent, "Mã cấp trên", in.ParentCode); err != nil {
		return err
	}
	return CheckParent(in.Code, in.ParentCode)
}

// Validate checks a member row by its fields' rules: code, name, the
// organisation's code, gender, ethnicity, status and phone as stored. What
// needs the clock (a birth year not to come: CheckBirthYear) or the stored
// tree (the cell exists) is checked by the import.
func (in MemberInput) Validate() error {
	if err := CheckCode(FieldCode, "Mã đảng viên", in.Code); err != nil {
		return err
	}
	if err := CheckName(FieldName, "Họ và tên", in.FullName, MaxMemberNameLen); err != nil {
		return err
	}
	if err := CheckCode(FieldOrg, "Mã tổ chức", in.OrgCode); err != nil {
		return err
	}
	if in.Gender != "" {
		if err := stored(in.Gender, ReadGender, noGender); err != nil {
			return err
		}
	}
	if err := CheckEthnicity(in.Ethnicity); err != nil {
		return err
	}
	if in.Status != "" && in.Status != StatusOfficial && in.Status != StatusProbationary {
		return noStatus(in.Status)
	}
	if in.Phone != "" && NormalizePhone(in.Phone) != in.Phone {
		return BadPhone(in.Phone)
	}
	return nil
}

// CheckName is the rule of a name (label names it, "Họ và tên"): given, at
// most max characters, at least two, with a letter.
func CheckName(f Field, label, s string, max int) error {
	n := utf8.RuneCountInString(s)
	switch {
	case s == "":
		return FieldErrorf(f, "Thiếu %s", lowerFirst(label))
	case n > max:
		return FieldErrorf(f, "%s dài quá %d ký tự", label, max)
	case n < 2:
		return FieldErrorf(f, "%s %s quá ngắn: cần ít nhất 2 ký tự", label, quoted(s))
	case !strings.ContainsFunc(s, unicode.IsLetter):
		return FieldErrorf(f, "%s %s không hợp lệ: phải có chữ cái", label, quoted(s))
	}
	return nil
}

// CheckParent refuses an organisation that names itself as its parent.
func CheckParent(code, parent string) error {
	if parent != "" && parent == code {
		return FieldErrorf(FieldParent, "Mã cấp trên %s trùng với chính mã tổ chức: để trống nếu đây là cấp cao nhất", code)
	}
	return nil
}

// CheckEthnicity bounds an ethnicity.
func CheckEthnicity(s string) error {
	if utf8.RuneCountInString(s) > MaxEthnicityLen {
		return FieldErrorf(FieldEthnicity, "Dân tộc %s dài quá %d ký tự", quoted(s), MaxEthnicityLen)
	}
	return nil
}

// CheckBirthYear checks a birth year (0: not given) against thisYear.
func CheckBirthYear(y, thisYear int) error {
	if y != 0 && (y < 1900 || y > thisYear) {
		return FieldErrorf(FieldBirthYear, "Năm sinh %d không hợp lệ: cần trong khoảng 1900–%d", y, thisYear)
	}
	return nil
}

// CheckFoundedOn refuses a founding day still to come.
func CheckFoundedOn(on *time.Time, now time.Time) error {
	if on != nil && on.After(now) {
		return FieldErrorf(FieldFounded, "Ngày thành lập %s ở tương lai", quoted(on.Format("02/01/2006")))
	}
	return nil
}

// ReadGender reads a gender, written (Nam, Nữ, nu, male) or as stored;
// blank is not given (""). "N" alone is refused: both start with it.
func ReadGender(s string) (string, error) {
	switch vn.Key(s) {
	case "":
		return "", nil
	case "nam", "m", "male", "namgioi":
		return GenderMale, nil
	case "nu", "f", "female", "nugioi":
		return GenderFemale, nil
	case "n":
		// Both Nam and Nữ start with N: guessing would be wrong half the time.
		return "", FieldErrorf(FieldGender, "Giới tính %s không rõ là Nam hay Nữ: ghi đầy đủ Nam hoặc Nữ", quoted(s))
	}
	return "", noGender(s)
}

func noGender(s string) error {
	return FieldErrorf(FieldGender, "Giới tính %s không hợp lệ: ghi Nam hoặc Nữ", quoted(s))
}

// Statuses of a member who left, as a roster writes them: the import makes
// the member leave with the status as the reason (MemberInput.Leave).
const (
	LeftMovedAway = "đã chuyển đi"
	LeftDied      = "từ trần"
	LeftStopped   = "thôi sinh hoạt"
)

// ReadStatus reads a roster's status: chính thức or dự bị (status), or
// one of the statuses of a member who left (leave, the reason to leave).
// Blank is not given: it keeps what is stored, and a new member becomes
// chính thức.
func ReadStatus(s string) (status, leave string, err error) {
	switch vn.Key(s) {
	case "":
		return "", "", nil
	case "chinhthuc", "ct", "dangvienchinhthuc", "official":
		return StatusOfficial, "", nil
	case "dubi", "db", "dangviendubi", "probationary":
		return StatusProbationary, "", nil
	case "dachuyendi", "chuyendi":
		return "", LeftMovedAway, nil
	case "tutran", "datutran":
		return "", LeftDied, nil
	case "thoisinhhoat", "dathoisinhhoat":
		return "", LeftStopped, nil
	}
	return "", "", noStatus(s)
}

func noStatus(s string) error {
	return FieldErrorf(FieldStatus, "Trạng thái %s không hợp lệ: ghi \"chính thức\" hoặc \"dự bị\"; với đảng viên không còn sinh hoạt ghi \"đã chuyển đi\", \"từ trần\" hoặc \"thôi sinh hoạt\"", quoted(s))
}

// ReadOrgKind reads an organisation's kind: Đảng bộ (ĐB) or Chi bộ (CB),
// or as stored.
func ReadOrgKind(s string) (OrgKind, error) {
	f := vn.Key(s)
	switch {
	case f == "":
		return "", FieldErrorf(FieldKind, "Thiếu loại tổ chức: ghi \"Đảng bộ\" hoặc \"Chi bộ\"")
	case f == "db" || strings.HasPrefix(f, "dangbo"):
		return KindDangBo, nil
	case f == "cb" || strings.HasPrefix(f, "chibo"):
		return KindChiBo, nil
	}
	return "", noOrgKind(s)
}

func readOrgKindCode(s string) (string, error) {
	k, err := ReadOrgKind(s)
	return string(k), err
}

func noOrgKind(s string) error {
	if s == "" {
		_, err := ReadOrgKind(s)
		return err
	}
	return FieldErrorf(FieldKind, "Loại tổ chức %s không hợp lệ: ghi \"Đảng bộ\" hoặc \"Chi bộ\"", quoted(s))
}

// BadPhone refuses a phone number that is not one (NormalizePhone).
func BadPhone(s string) error {
	return FieldErrorf(FieldPhone, "Số điện thoại %s không hợp lệ: cần 10 chữ số, ví dụ 0912 345 678", quoted(s))
}

// ImportRow reports what happened to one row; Reason is Vietnamese.
type ImportRow struct {
	Line   int
	Code   string
	Result string
	Reason string
}

// OrgKind is an organisation's kind as stored: a đảng bộ or a chi bộ. It
// is a type of its own so that it never mixes with the kinds of documents,
// meetings or inspections.
type OrgKind string

// Organisation kinds.
const (
	KindDangBo OrgKind = "dang_bo"
	KindChiBo  OrgKind = "chi_bo"
)

// Member statuses and genders as stored.
const (
	StatusOfficial     = "chinh_thuc"
	StatusProbationary = "du_bi"

	GenderMale   = "nam"
	GenderFemale = "nu"
)

// ImportOptions says who imports and what to do with rejected rows.
type ImportOptions struct {
	Actor string
	// SkipInvalid writes the valid rows even when some are rejected.
	// Without it one rejected row means nothing is written.
	SkipInvalid bool
}

// ImportReport is the per-row outcome of an import, sorted by line.
type ImportReport struct {
	Rows                                  []ImportRow
	Created, Updated, Unchanged, Rejected int
	// Left counts the members a status of leaving makes leave (among
	// Created and Updated).
	Left int
	// Written is false when rejected rows stopped the whole import.
	Written bool
}

func (r *ImportReport) add(row ImportRow) {
	r.Rows = append(r.Rows, row)
	switch row.Result {
	case ImportCreated:
		r.Created++
	case ImportUpdated:
		r.Updated++
	case ImportUnchanged:
		r.Unchanged++
	case ImportRejected:
		r.Rejected++
	}
}

func (r *ImportReport) sort() {
	sort.SliceStable(r.Rows, func(i, j int) bool { return r.Rows[i].Line < r.Rows[j].Line })
}

// errImportRejected rolls the import back when rows were rejected.
var errImportRejected = errors.New("import rejected")

// importTx runs fn in one transaction and keeps its writes only when
// nothing was rejected or the caller asked to skip invalid rows.
func (s *Storage) importTx(ctx context.Context, opts ImportOptions, rep *ImportReport, fn func(*Storage) error) error {
	err := s.WithTx(ctx, func(s *Storage) error {
		if err := fn(s); err != nil {
			return err
		}
		if rep.Rejected > 0 && !opts.SkipInvalid {
			return errImportRejected
		}
		return nil
	})
	rep.sort()
	if errors.Is(err, errImportRejected) {
		return nil
	}
	if err == nil {
		rep.Written = true
	}
	return err
}

// ImportOrgs upserts organisations by code, parents before children
// whatever the order of the file. rejected holds rows the parser refused;
// they are reported and count as rejections.
func (s *Storage) ImportOrgs(ctx context.Context, rows []OrgInput, rejected []ImportRow, opts ImportOptions) (ImportReport, error) {
	var rep ImportReport
	for _, r := range rejected {
		rep.add(r)
	}
	rows = validRows(&rep, rows, func(r OrgInput) (int, string, error) {
		if err := r.Validate(); err != nil {
			return r.Line, r.Code, err
		}
		return r.Line, r.Code, CheckFoundedOn(r.FoundedOn, s.now())
	})
	err := s.importTx(ctx, opts, &rep, func(s *Storage) error {
		var existing []Organisation
		if err := s.sel(ctx, &existing, `SELECT `+orgColumns+` FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id`); err != nil {
			return fmt.Errorf("storage: import orgs: %w", err)
		}
		db := make(map[string]Organisation, len(existing))
		for _, o := range existing {
			db[o.Code] = o
		}
		file := make(map[string]OrgInput, len(rows))
		for _, r := range rows {
			file[r.Code] = r
		}
		root := findRoot(existing, rows)
		// kindOf answers from the file first: the file is what will be.
		kindOf := func(code string) (OrgKind, bool) {
			if r, ok := file[code]; ok {
				return r.Kind, true
			}
			o, ok := db[code]
			return o.Kind, ok
		}
		// A row is placed once its parent exists; what is never placed
		// sits on a missing parent or in a cycle.
		done := map[string]bool{}
		pending := append([]OrgInput(nil), rows...)
		for len(pending) > 0 {
			var next []OrgInput
			for _, r := range pending {
				if r.ParentCode != "" && file[r.ParentCode].Code != "" {
					if bad, ok := rejectedCode(rep.Rows, r.ParentCode); ok {
						rep.add(ImportRow{Line: r.Line, Code: r.Code, Result: ImportRejected,
							Reason: fmt.Sprintf("Tổ chức cấp trên %s bị từ chối ở dòng %d nên không nhập được dòng này.", r.ParentCode, bad.Line)})
						done[r.Code] = true
						continue
					}
					if !done[r.ParentCode] {
						next = append(next, r)
						continue
					}
				}
				if r.ParentCode == "" && r.Code != root.Code {
					rep.add(ImportRow{Line: r.Line, Code: r.Code, Result: ImportRejected, Reason: root.secondRoot(r.Code)})
					done[r.Code] = true
					continue
				}
				row, err := s.importOrg(ctx, r, db, kindOf)
				if err != nil {
					return err
				}
				rep.add(row)
				done[r.Code] = true
			}
			if len(next) == len(pending) {
				for _, r := range next {
					rep.add(ImportRow{Line: r.Line, Code: r.Code, Result: ImportRejected,
						Reason: fmt.Sprintf("Vòng lặp cấp trên: %s và tổ chức cấp trên %s là cấp trên của nhau.", r.Code, r.ParentCode)})
				}
				break
			}
			pending = next
		}
		if rep.Created+rep.Updated > 0 {
			return s.Audit(ctx, opts.Actor, "import.orgs", "", map[string]int{"created": rep.Created, "updated": rep.Updated, "rejected": rep.Rejected})
		}
		return nil
	})
	return rep, err
}

// validRows keeps the rows that pass check (their Validate, and the rules
// that need the clock) and reports the others as rejected, with the reason
// the rule gave: a row no parser refused (a caller that built it) is held
// to the same rules as the roster's.
func validRows[T any](rep *ImportReport, rows []T, check func(T) (line int, code string, err error)) []T {
	var out []T
	for _, r := range rows {
		line, code, err := check(r)
		if err == nil {
			out = append(out, r)
			continue
		}
		rep.add(ImportRow{Line: line, Code: code, Result: ImportRejected, Reason: ErrorMessage(err)})
	}
	return out
}

// treeRoot is the one organisation without a parent: the one stored, or
// when there is none yet the first row of the file without a parent.
type treeRoot struct {
	Code string
	Line int // the row of the file; 0 when already stored
}

func findRoot(existing []Organisation, rows []OrgInput) treeRoot {
	for _, o := range existing {
		if o.ParentID == nil {
			return treeRoot{Code: o.Code}
		}
	}
	var root treeRoot
	for _, r := range rows {
		if r.ParentCode == "" && (root.Line == 0 || r.Line < root.Line) {
			root = treeRoot{Code: r.Code, Line: r.Line}
		}
	}
	return root
}

// secondRoot is the reason a row without a parent other than the root is
// refused: a second root would be a second commune committee, and an
// admin over it an admin of the whole commune.
func (t treeRoot) secondRoot(code string) string {
	where := "đã có trong cơ sở dữ liệu"
	if t.Line > 0 {
		where = fmt.Sprintf("ở dòng %d", t.Line)
	}
	return fmt.Sprintf("%s chưa ghi Mã cấp trên, mà cây tổ chức chỉ có một tổ chức gốc là %s (%s): hãy ghi Mã cấp trên cho %s, ví dụ %s.",
		code, t.Code, where, code, t.Code)
}

func rejectedCode(rows []ImportRow, code string) (ImportRow, bool) {
	for _, r := range rows {
		if r.Code == code && r.Result == ImportRejected {
			return r, true
		}
	}
	return ImportRow{}, false
}

// importOrg writes one organisation row; db is updated with the result.
func (s *Storage) importOrg(ctx context.Context, r OrgInput, db map[string]Organisation, kindOf func(string) (OrgKind, bool)) (ImportRow, error) {
	row := ImportRow{Line: r.Line, Code: r.Code}
	reject := func(format string, args ...any) (ImportRow, error) {
		row.Result, row.Reason = ImportRejected, fmt.Sprintf(format, args...)
		return row, nil
	}
	fail := func(err error) (ImportRow, error) {
		return row, fmt.Errorf("storage: import org %q: %w", r.Code, err)
	}
	var parentID *int64
	if r.ParentCode != "" {
		kind, ok := kindOf(r.ParentCode)
		if !ok {
			return reject("Không có tổ chức cấp trên mã %s: hãy thêm dòng cho %s vào tệp hoặc sửa Mã cấp trên.", r.ParentCode, r.ParentCode)
		}
		if kind != KindDangBo {
			return reject("Tổ chức cấp trên %s là chi bộ; chỉ đảng bộ mới có tổ chức cấp dưới.", r.ParentCode)
		}
		p := db[r.ParentCode]
		parentID = &p.ID
	}
	cur, exists := db[r.Code]
	if !exists {
		var id int64
		err := s.get(ctx, &id, `INSERT INTO organisations (code, name, kind, parent_id, created_at, founded_on) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			r.Code, r.Name, r.Kind, parentID, s.now(), r.FoundedOn)
		if isUniqueViolation(err) {
			// Another import wrote the same code, or a root, meanwhile.
			return row, Errorf(CodeConflict, "Một lần nhập khác vừa ghi tổ chức cùng lúc: đồng chí hãy nhập lại tệp.")
		}
		if err != nil {
			return fail(err)
		}
		if err := s.orgHistory(ctx, id, "created", "", r.Name); err != nil {
			return fail(err)
		}
		db[r.Code] = Organisation{ID: id, Code: r.Code, Name: r.Name, Kind: r.Kind, ParentID: parentID, ParentCode: r.ParentCode, FoundedOn: r.FoundedOn}
		row.Result = ImportCreated
		return row, nil
	}
	if cur.Kind != r.Kind && r.Kind == KindChiBo {
		var n int
		if err := s.get(ctx, &n, `SELECT count(*) FROM organisations WHERE parent_id = $1 AND dissolved_at IS NULL`, cur.ID); err != nil {
			return fail(err)
		}
		if n > 0 {
			return reject("Không đổi %s thành chi bộ được vì nó còn %d tổ chức cấp dưới.", r.Code, n)
		}
	}
	if parentID != nil && cur.ParentCode != r.ParentCode {
		below, err := s.InSubtree(ctx, cur.ID, *parentID)
		if err != nil {
			return fail(err)
		}
		if below {
			return reject("Không đặt %s dưới %s được vì %s đang là cấp dưới của %s.", r.Code, r.ParentCode, r.ParentCode, r.Code)
		}
	}
	var changes [][3]string
	if cur.Name != r.Name {
		changes = append(changes, [3]string{"renamed", cur.Name, r.Name})
	}
	if cur.ParentCode != r.ParentCode {
		changes = append(changes, [3]string{"moved", cur.ParentCode, r.ParentCode})
	}
	if cur.Kind != r.Kind {
		changes = append(changes, [3]string{"kind", string(cur.Kind), string(r.Kind)})
	}
	founded := r.FoundedOn != nil && (cur.FoundedOn == nil || !cur.FoundedOn.Equal(*r.FoundedOn))
	if founded {
		if _, err := s.exec(ctx, `UPDATE organisations SET founded_on = $2 WHERE id = $1`, cur.ID, *r.FoundedOn); err != nil {
			return fail(err)
		}
		cur.FoundedOn = r.FoundedOn
		db[r.Code] = cur
	}
	if len(changes) == 0 {
		row.Result = ImportUnchanged
		if founded {
			row.Result = ImportUpdated
		}
		return row, nil
	}
	for _, c := range changes {
		if err := s.orgHistory(ctx, cur.ID, c[0], c[1], c[2]); err != nil {
			return fail(err)
		}
	}
	if _, err := s.exec(ctx, `UPDATE organisations SET name = $2, kind = $3, parent_id = $4 WHERE id = $1`, cur.ID, r.Name, r.Kind, parentID); err != nil {
		return fail(err)
	}
	cur.Name, cur.Kind, cur.ParentID, cur.ParentCode = r.Name, r.Kind, parentID, r.ParentCode
	db[r.Code] = cur
	row.Result = ImportUpdated
	return row, nil
}
