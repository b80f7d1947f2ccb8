// Package report writes what officers take away from the bot and the
// command line: spreadsheets (XLSX, Vietnamese headers) now, charts later.
// The bot sends them as documents; the CLI writes them to files.
package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"sotay/storage"
)

// DeliveryFileName names a campaign's delivery report.
func DeliveryFileName(c storage.Campaign) string {
	num := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' {
			return '-'
		}
		return r
	}, c.DocNumber)
	return fmt.Sprintf("bao-cao-gui-%s-%d.xlsx", num, c.ID)
}

// DeliveryXLSX writes the delivery report: one row per member with
// organisation, status, time and reason, Vietnamese headers.
func DeliveryXLSX(rows []storage.DeliveryRow, loc *time.Location) ([]byte, error) {
	if loc == nil {
		loc = time.UTC
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Báo cáo gửi"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	widths := []float64{6, 28, 14, 30, 20, 18, 40}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	head := []any{}
	for _, hname := range []string{"STT", "Họ và tên", "Mã đảng viên", "Tổ chức", "Trạng thái", "Thời gian", "Lý do"} {
		head = append(head, excelize.Cell{StyleID: bold, Value: hname})
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	for i, row := range rows {
		at := ""
		if row.At != nil {
			at = row.At.In(loc).Format("02/01/2006 15:04")
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{i + 1, row.FullName, row.MemberCode, row.OrgName,
			storage.AssignmentStateName(row.State), at, row.Reason}); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	return fileBytes(f)
}
