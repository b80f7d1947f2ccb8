package roster

import (
	"bytes"
	"io"
	"unicode/utf8"
)

// Reading a CSV file: its encoding, its separator, its rows.

var (
	bomUTF8    = []byte("\xEF\xBB\xBF")
	bomUTF16LE = []byte("\xFF\xFE")
	bomUTF16BE = []byte("\xFE\xFF")
)

const saveAsUTF8 = "Đồng chí mở tệp bằng Excel, chọn Lưu thành (Save As) → CSV UTF-8 (Comma delimited) (*.csv) hoặc Excel Workbook (*.xlsx) rồi gửi lại."

func openCSV(data []byte, s schema) (source, error) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		data = data[len(bomUTF8):]
	case bytes.HasPrefix(data, bomUTF16LE), bytes.HasPrefix(data, bomUTF16BE):
		return nil, invalid("Tệp CSV đang ở mã UTF-16 (Unicode Text), chưa đọc được. " + saveAsUTF8)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, invalid("Tệp không phải văn bản CSV. " + saveAsUTF8)
	}
	if !utf8.Valid(data) {
		return nil, invalid("Tệp CSV không ở mã UTF-8 (có thể là Windows-1258, ANSI hoặc TCVN3) nên tiếng Việt sẽ bị lỗi font. " + saveAsUTF8)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid("Tệp trống. Dòng đầu tiên phải là tiêu đề, ví dụ: %s", s.example)
	}
	return &csvReader{data: data, sep: detectSep(data, s)}, nil
}

// detectSep tries each separator on the first rows and keeps the one under
// which a header is recognised best; on a tie, the one used most on the
// first non-blank line, then the comma.
func detectSep(data []byte, s schema) byte {
	first := data
	for len(first) > 0 {
		line := first
		if i := bytes.IndexAny(first, "\r\n"); i >= 0 {
			line, first = first[:i], first[i+1:]
		} else {
			first = nil
		}
		if len(bytes.TrimSpace(line)) > 0 {
			first = line
			break
		}
	}
	best, bestScore, bestCount := byte(','), -1, -1
	for _, sep := range []byte{',', ';', '\t'} {
		r := &csvReader{data: data, sep: sep}
		score := 0
		for n := 0; n < headerLookout; {
			rec, err := r.next()
			if err != nil {
				break
			}
			if !blankCells(rec.cells) {
				n++
				score = max(score, s.score(rec.cells))
			}
		}
		count := bytes.Count(first, []byte{sep})
		if score > bestScore || score == bestScore && count > bestCount {
			best, bestScore, bestCount = sep, score, count
		}
	}
	return best
}

// csvReader is an RFC 4180 reader that, unlike encoding/csv, keeps blank
// lines as (blank) records so that row numbers match what a spreadsheet
// shows, and is lenient with stray quotes inside unquoted fields.
type csvReader struct {
	data []byte
	pos  int
	line int
	sep  byte
}

func (r *csvReader) close() {}

func (r *csvReader) next() (record, error) {
	if r.pos >= len(r.data) {
		return record{}, io.EOF
	}
	r.line++
	rec := record{line: r.line}
	var field []byte
	for {
		field = field[:0]
		if r.data[r.pos] == '"' {
			start := r.line
			r.pos++
			for {
				i := bytes.IndexByte(r.data[r.pos:], '"')
				if i < 0 {
					return record{}, invalid("Dòng %d: dấu ngoặc kép (\") mở mà không đóng. Đồng chí sửa ô đó hoặc lưu lại tệp bằng Excel rồi gửi lại.", start)
				}
				field = append(field, r.data[r.pos:r.pos+i]...)
				r.pos += i + 1
				if r.pos < len(r.data) && r.data[r.pos] == '"' {
					field = append(field, '"')
					r.pos++
					continue
				}
				break
			}
		}
		// Unquoted text, or text after a closing quote, up to the separator.
		for r.pos < len(r.data) {
			c := r.data[r.pos]
			if c == r.sep || c == '\n' || c == '\r' {
				break
			}
			field = append(field, c)
			r.pos++
		}
		rec.cells = append(rec.cells, string(field))
		if len(rec.cells) > maxColumns {
			return record{}, invalid("Dòng %d có hơn %d cột. Tệp không phải danh sách; đồng chí kiểm tra lại tệp.", r.line, maxColumns)
		}
		if r.pos >= len(r.data) {
			return rec, nil
		}
		switch r.data[r.pos] {
		case r.sep:
			r.pos++
			if r.pos == len(r.data) {
				// "a," at the very end: the last field is empty.
				rec.cells = append(rec.cells, "")
				return rec, nil
			}
			continue
		case '\r':
			r.pos++
			if r.pos < len(r.data) && r.data[r.pos] == '\n' {
				r.pos++
			}
		case '\n':
			r.pos++
		}
		return rec, nil
	}
}

// ---- XLSX ----
