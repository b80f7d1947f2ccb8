package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"sotay/storage"
)

// Limits on one file. A province-sized roster (~100,000 members) is
// imported cell by cell or district by district, never in one upload.
const (
	MaxBytes = 32 << 20
	MaxRows  = 200000

	maxColumns    = 16384 // Excel's own limit; more is not a spreadsheet
	headerLookout = 10    // non-blank rows searched for the header
)

// column is one field a roster file may carry, with every header spelling
// accepted for it, already folded by vn.Key.
type column struct {
	key      string // English header, also what messages show in brackets
	label    string // Vietnamese header, what messages show first
	required bool
	aliases  []string
}

type schema struct {
	columns []column
	example string // a header line to copy
}

// header says which cell of a record holds which column (-1: absent).
type header struct {
	index map[string]int
}

// record is one row of the file. line is the row number a spreadsheet
// shows; raw holds XLSX values before number formatting (nil for CSV).
type record struct {
	line  int
	cells []string
	raw   []string
}

type source interface {
	next() (record, error) // io.EOF after the last record
	close()
}

func invalid(format string, args ...any) error {
	return storage.Errorf(storage.CodeInvalid, format, args...)
}

// readTable reads a whole roster file and calls row for every non-blank
// data row below the header.
func readTable(r io.Reader, name string, s schema, row func(rec record, h header) error) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return fmt.Errorf("roster: read %s: %w", name, err)
	}
	if len(data) > MaxBytes {
		return invalid("Tệp lớn hơn 32 MB. Đồng chí chia danh sách thành nhiều tệp nhỏ hơn (ví dụ theo chi bộ) rồi nhập lần lượt.")
	}
	src, err := open(data, name, s)
	if err != nil {
		return err
	}
	defer src.close()

	h, pending, err := findHeader(src, s)
	if err != nil {
		return err
	}
	rows := 0
	for {
		var rec record
		if len(pending) > 0 {
			rec, pending = pending[0], pending[1:]
		} else if rec, err = src.next(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return err
		}
		if h.blank(rec) {
			continue
		}
		if rows++; rows > MaxRows {
			return invalid("Tệp có hơn %s dòng dữ liệu. Đồng chí chia danh sách thành nhiều tệp nhỏ hơn rồi nhập lần lượt.", thousands(MaxRows))
		}
		if err := row(rec, h); err != nil {
			return err
		}
	}
	if rows == 0 {
		return invalid("Tệp chỉ có dòng tiêu đề, chưa có dòng dữ liệu nào. Đồng chí điền danh sách bên dưới dòng tiêu đề rồi gửi lại.")
	}
	return nil
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
)

// open picks CSV or XLSX from the file's name and its first bytes.
func open(data []byte, name string, s schema) (source, error) {
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 && !strings.ContainsAny(name[i:], `/\`) {
		ext = strings.ToLower(name[i:])
	}
	switch ext {
	case "", ".csv", ".txt", ".xlsx", ".xlsm":
	case ".xls", ".ods", ".numbers", ".xlsb":
		return nil, invalid("Tệp %s chưa đọc được. Đồng chí mở tệp, chọn Lưu thành (Save As) → Excel Workbook (*.xlsx) hoặc CSV UTF-8 rồi gửi lại.", quote(ext))
	default:
		return nil, invalid("Tệp %s không phải bảng tính. Chỉ nhận tệp .xlsx hoặc .csv (UTF-8).", quote(name))
	}
	switch {
	case bytes.HasPrefix(data, zipMagic):
		return openXLSX(data)
	case bytes.HasPrefix(data, oleMagic):
		return nil, invalid("Tệp là Excel 97-2003 (.xls) hoặc có đặt mật khẩu. Đồng chí mở bằng Excel, bỏ mật khẩu nếu có, chọn Lưu thành → Excel Workbook (*.xlsx) rồi gửi lại.")
	case ext == ".xlsx" || ext == ".xlsm":
		return nil, invalid("Tệp %s không phải tệp Excel .xlsx hợp lệ. Đồng chí mở bằng Excel, lưu lại thành .xlsx rồi gửi lại.", quote(name))
	}
	return openCSV(data, s)
}

// thousands writes n the Vietnamese way, 50.000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// findHeader takes the first of the leading non-blank rows that names the
// most known columns as the header, and returns the data rows it had to read
// past while looking.
func findHeader(src source, s schema) (header, []record, error) {
	var seen []record
	for len(seen) < headerLookout {
		rec, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return header{}, nil, err
		}
		if !blankCells(rec.cells) {
			seen = append(seen, rec)
		}
	}
	if len(seen) == 0 {
		return header{}, nil, invalid("Tệp trống. Dòng đầu tiên phải là tiêu đề, ví dụ: %s", s.example)
	}
	best, bestScore := 0, 0
	for i, rec := range seen {
		if n := s.score(rec.cells); n > bestScore {
			best, bestScore = i, n
		}
	}
	if bestScore == 0 {
		return header{}, nil, invalid("Không tìm thấy dòng tiêu đề. Dòng đầu tiên phải là tiêu đề, ví dụ: %s%s", s.example, readAs(seen[0].cells))
	}
	h, err := s.header(seen[best].cells)
	return h, seen[best+1:], err
}

// readAs lists the headers as the parser read them, which shows at once a
// wrong separator or a mangled encoding.
func readAs(cells []string) string {
	var shown []string
	for _, c := range cells {
		if c = clean(c); c != "" {
			shown = append(shown, c)
		}
		if len(shown) == 8 {
			shown = append(shown, "…")
			break
		}
	}
	return "\nDòng tiêu đề đọc được: " + quote(strings.Join(shown, " | "))
}

func blankCells(cells []string) bool {
	for _, c := range cells {
		if clean(c) != "" {
			return false
		}
	}
	return true
}

func (s schema) match(cell string) (column, bool) {
	f := foldHeader(cell)
	if f == "" {
		return column{}, false
	}
	for _, c := range s.columns {
		for _, a := range c.aliases {
			if f == a {
				return c, true
			}
		}
	}
	return column{}, false
}

// score counts the distinct known columns a row names.
func (s schema) score(cells []string) int {
	found := map[string]bool{}
	for _, cell := range cells {
		if c, ok := s.match(cell); ok {
			found[c.key] = true
		}
	}
	return len(found)
}

func (s schema) header(cells []string) (header, error) {
	h := header{index: map[string]int{}}
	for i, cell := range cells {
		c, ok := s.match(cell)
		if !ok {
			continue
		}
		if j, dup := h.index[c.key]; dup {
			return header{}, invalid("Cột %s và cột %s cùng là %s (%s). Đồng chí xoá hoặc đổi tên một trong hai cột rồi gửi lại.",
				quote(clean(cells[j])), quote(clean(cell)), strings.ToLower(c.label), c.key)
		}
		h.index[c.key] = i
	}
	var missing []string
	for _, c := range s.columns {
		if _, ok := h.index[c.key]; c.required && !ok {
			missing = append(missing, fmt.Sprintf("%q (%s)", c.label, c.key))
		}
	}
	if len(missing) > 0 {
		return header{}, invalid("Tệp thiếu cột bắt buộc %s. Dòng đầu tiên phải là tiêu đề, ví dụ: %s%s",
			strings.Join(missing, ", "), s.example, readAs(cells))
	}
	return h, nil
}

// get returns the cleaned cell of column key, "" when the file has no such
// column or the row is short.
func (h header) get(rec record, key string) string {
	i, ok := h.index[key]
	if !ok || i >= len(rec.cells) {
		return ""
	}
	return clean(rec.cells[i])
}

// text returns the cell of column key as free text (cleanText), "" when
// the file has no such column or the row is short.
func (h header) text(rec record, key string) string {
	i, ok := h.index[key]
	if !ok || i >= len(rec.cells) {
		return ""
	}
	return cleanText(rec.cells[i])
}

// raw returns the unformatted XLSX value of column key, "" for CSV.
func (h header) raw(rec record, key string) string {
	i, ok := h.index[key]
	if !ok || i >= len(rec.raw) {
		return ""
	}
	return clean(rec.raw[i])
}

// blank reports a row with nothing in any known column; rows that only
// carry a serial number (STT) in an unknown column count as blank too.
func (h header) blank(rec record) bool {
	for key := range h.index {
		if h.get(rec, key) != "" {
			return false
		}
	}
	return true
}

// ---- CSV ----
