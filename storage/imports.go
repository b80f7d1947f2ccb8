package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"
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
