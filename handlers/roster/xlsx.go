package roster

import (
	"bytes"
	"io"

	"github.com/xuri/excelize/v2"
)

// Reading the first sheet of an XLSX file, within limits on what it unzips to.

// Unzipped limit: a 10 MiB XLSX of 50,000 rows unzips to well under this;
// more is a zip bomb.
const unzipLimit = 200 << 20

type xlsxReader struct {
	f          *excelize.File
	shown, raw *excelize.Rows
	line       int
}

func openXLSX(data []byte) (src source, err error) {
	// The file comes from a chat upload; a malformed workbook must not take
	// the bot down with it.
	defer func() {
		if p := recover(); p != nil {
			src, err = nil, badXLSX()
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: unzipLimit, UnzipXMLSizeLimit: unzipLimit})
	if err != nil {
		return nil, badXLSX()
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, badXLSX()
	}
	// Two cursors over the first sheet: one as the user sees the cells, one
	// with raw numbers for phones shown as 9.12E+08 and dates shown as 03-12-85.
	shown, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, badXLSX()
	}
	raw, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, badXLSX()
	}
	return &xlsxReader{f: f, shown: shown, raw: raw}, nil
}

func badXLSX() error {
	return invalid("Không đọc được tệp Excel: tệp hỏng, có mật khẩu hoặc không phải .xlsx. Đồng chí mở bằng Excel, lưu lại thành Excel Workbook (*.xlsx) hoặc CSV UTF-8 rồi gửi lại.")
}

func (x *xlsxReader) close() {
	x.shown.Close()
	x.raw.Close()
	x.f.Close()
}

func (x *xlsxReader) next() (rec record, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = badXLSX()
		}
	}()
	if !x.shown.Next() {
		if x.shown.Error() != nil {
			return record{}, badXLSX()
		}
		return record{}, io.EOF
	}
	x.raw.Next()
	// Next steps one row at a time, gaps included, so the count is the
	// row number Excel shows.
	x.line++
	rec.line = x.line
	if rec.cells, err = x.shown.Columns(); err != nil {
		return record{}, badXLSX()
	}
	if rec.raw, err = x.raw.Columns(excelize.Options{RawCellValue: true}); err != nil {
		return record{}, badXLSX()
	}
	if len(rec.cells) > maxColumns {
		return record{}, invalid("Dòng %d có hơn %d cột. Tệp không phải danh sách; đồng chí kiểm tra lại tệp.", rec.line, maxColumns)
	}
	return rec, nil
}
