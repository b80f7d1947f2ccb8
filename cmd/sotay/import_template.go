package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"
)

// An empty spreadsheet to fill in, for each kind of file sotay imports: the
// Vietnamese headers the importers read (handlers/roster), one example row,
// and a second sheet saying how each column is written. The importers read
// the first sheet only. import_template_test.go imports each template back.

// templateColumn is one column of a template.
type templateColumn struct {
	header, example, how string
	required             bool
	width                float64
}

// templateKind is what one kind of file looks like.
type templateKind struct {
	sheet   string
	columns []templateColumn
	then    string // the command that imports the filled-in file
}

var templates = map[string]templateKind{
	"orgs": {
		sheet: "Tổ chức",
		then:  "import orgs",
		columns: []templateColumn{
			{"Mã", "BINHLU", "mã ngắn, không dấu, không trùng (chữ, số, - và _)", true, 12},
			{"Tên", "Đảng bộ xã Bình Lư", "tên đầy đủ của tổ chức", true, 34},
			{"Loại", "Đảng bộ", "Đảng bộ hoặc Chi bộ", true, 12},
			{"Mã cấp trên", "", "mã của tổ chức cấp trên; để trống ở đúng một dòng: tổ chức gốc (Đảng bộ xã)", false, 14},
			{"Ngày thành lập", "03/02/1975", "ngày/tháng/năm, có thể để trống", false, 16},
		},
	},
	"members": {
		sheet: "Đảng viên",
		then:  "import members",
		columns: []templateColumn{
			{"Mã đảng viên", "DV0001", "số thẻ hoặc mã riêng, không trùng", true, 14},
			{"Họ và tên", "Nguyễn Văn An", "họ và tên đầy đủ, có dấu", true, 26},
			{"Mã tổ chức", "CBNAHIEN", "mã chi bộ (hoặc đảng bộ) đảng viên sinh hoạt, như trong tệp tổ chức", true, 14},
			{"Giới tính", "Nam", "Nam hoặc Nữ, có thể để trống", false, 10},
			{"Năm sinh", "1980", "năm sinh (hoặc ngày/tháng/năm sinh), có thể để trống", false, 10},
			{"Dân tộc", "Kinh", "có thể để trống", false, 10},
			{"Trạng thái", "Chính thức", "Chính thức hoặc Dự bị (để trống: đảng viên mới là Chính thức, đảng viên đã có giữ nguyên); đảng viên không còn sinh hoạt: đã chuyển đi, từ trần hoặc thôi sinh hoạt", false, 12},
			{"Số điện thoại", "0912 345 678", "số di động, để đảng viên liên kết Telegram bằng số điện thoại; có thể để trống", false, 16},
		},
	},
	"quiz": {
		sheet: "Câu hỏi",
		then:  "doc quiz SỐ_HIỆU",
		columns: []templateColumn{
			{"Câu hỏi", "Kết luận 21-KL/TW được ban hành năm nào?", "mỗi dòng một câu; một bài có từ 3 đến 10 câu", true, 44},
			{"Phương án A", "2019", "", true, 16},
			{"Phương án B", "2021", "", true, 16},
			{"Phương án C", "2023", "có thể để trống", false, 16},
			{"Phương án D", "", "có thể để trống", false, 16},
			{"Đáp án", "B", "chữ của phương án đúng: A, B, C hoặc D", true, 8},
			{"Giải thích", "Kết luận 21-KL/TW ngày 25/10/2021 của Ban Chấp hành Trung ương.", "hiện sau khi trả lời, có thể để trống", false, 44},
		},
	},
}

func importTemplateCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "template orgs|members|quiz --out TỆP.xlsx",
		Short: "Ghi tệp Excel mẫu để điền danh sách tổ chức, đảng viên hoặc câu hỏi kiểm tra",
		Long: "Ghi tệp Excel mẫu: trang đầu có dòng tiêu đề tiếng Việt và một dòng ví dụ (thay dòng ví dụ bằng danh sách\n" +
			"thật), trang «Hướng dẫn» nói cách ghi từng cột. Không cần cơ sở dữ liệu: chạy được bằng tài khoản của đồng chí.",
		Example: "  sotay import template orgs --out to-chuc.xlsx\n" +
			"  sotay import template members --out dang-vien.xlsx\n" +
			"  sotay import template quiz --out cau-hoi.xlsx",
		Args: exactArgs(1, "sotay import template orgs|members|quiz --out TỆP.xlsx, ví dụ: sotay import template orgs --out to-chuc.xlsx"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, ok := templates[args[0]]
			if !ok {
				return usageErr(cmd, fmt.Sprintf("không có mẫu %q: hãy ghi orgs (tổ chức), members (đảng viên) hoặc quiz (câu hỏi kiểm tra)", args[0]))
			}
			switch {
			case out == "":
				return usageErr(cmd, "thiếu --out TỆP.xlsx, ví dụ: sotay import template "+args[0]+" --out mau.xlsx")
			case out != stdoutPath && !strings.HasSuffix(strings.ToLower(out), ".xlsx"):
				return errors.New("--out phải là tệp .xlsx, ví dụ --out mau.xlsx")
			}
			if err := writeTemplate(cmd, k, out); err != nil {
				return err
			}
			if out != stdoutPath {
				fmt.Fprintf(cmd.OutOrStdout(), "Đã ghi tệp mẫu %s. Điền danh sách thay cho dòng ví dụ rồi nhập bằng: sotay %s %s\n"+
					"(trên máy chủ cài gói sotay: sudo sotay-env %s - < %s)\n", out, k.then, out, k.then, out)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "ghi vào `TỆP` .xlsx (- để ghi ra đầu ra chuẩn)")
	return cmd
}

// writeTemplate writes k's spreadsheet to path, or to standard output for "-".
func writeTemplate(cmd *cobra.Command, k templateKind, path string) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", k.sheet)
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	var header, example []any
	for i, c := range k.columns {
		header, example = append(header, c.header), append(example, c.example)
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(k.sheet, col, col, c.width)
	}
	_ = f.SetSheetRow(k.sheet, "A1", &header)
	// Every cell is text: Excel would drop the 0 of a phone number and
	// read 03/02/1975 in its own way.
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49})
	last, _ := excelize.ColumnNumberToName(len(k.columns))
	_ = f.SetColStyle(k.sheet, "A:"+last, text)
	_ = f.SetCellStyle(k.sheet, "A1", last+"1", bold)
	for i, v := range example {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		_ = f.SetCellStr(k.sheet, cell, v.(string))
	}
	_ = f.SetPanes(k.sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})

	const guide = "Hướng dẫn"
	_, _ = f.NewSheet(guide)
	_ = f.SetSheetRow(guide, "A1", &[]any{"Cột", "Bắt buộc", "Cách ghi"})
	_ = f.SetCellStyle(guide, "A1", "C1", bold)
	for i, c := range k.columns {
		need := "không"
		if c.required {
			need = "có"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = f.SetSheetRow(guide, cell, &[]any{c.header, need, c.how})
	}
	_ = f.SetColWidth(guide, "A", "A", 18)
	_ = f.SetColWidth(guide, "C", "C", 90)
	f.SetActiveSheet(0)

	if path == stdoutPath {
		if _, err := f.WriteTo(cmd.OutOrStdout()); err != nil {
			return fmt.Errorf("không ghi được tệp mẫu ra đầu ra chuẩn: %v", err)
		}
		return nil
	}
	if err := f.SaveAs(path); err != nil {
		if errors.Is(err, os.ErrPermission) {
			return fmt.Errorf("không ghi được %s: không có quyền ghi vào thư mục đó", path)
		}
		return fmt.Errorf("không ghi được %s: %v", path, err)
	}
	return nil
}
