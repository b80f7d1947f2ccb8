package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"sotay/handlers/invitesheet"
	"sotay/storage"
	"sotay/storage/vn"
)

// inviteSlip is one member's slip on the printable sheet.
func inviteSlip(m storage.Member, link string) invitesheet.Slip {
	return invitesheet.Slip{Name: m.FullName, Org: m.OrgName, Code: m.Code, Link: link, HasPhone: m.Phone != ""}
}

// sheetTitle names the sheet after the organisation of --org, or the
// member's cell.
func sheetTitle(ctx context.Context, s *storage.Storage, orgCode string, members []storage.Member) string {
	if orgCode != "" {
		if o, err := s.Organisation(ctx, orgCode); err == nil {
			return o.Name
		}
	}
	if len(members) == 1 {
		return members[0].OrgName
	}
	return ""
}

// writeInviteSheet writes the PDF of --sheet.
func writeInviteSheet(cmd *cobra.Command, path, title, bot string, expires time.Time, slips []invitesheet.Slip) error {
	if len(slips) == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "Không có đảng viên nào cần mã mời (tất cả đã liên kết): không ghi phiếu.")
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("không ghi được %s: %v", path, err)
	}
	err = invitesheet.WritePDF(f, invitesheet.Sheet{Title: title, Bot: bot, Expires: expires.Format("02/01/2006"), Slips: slips})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("không ghi được %s: %v", path, err)
	}
	phones := 0
	for _, sl := range slips {
		if sl.HasPhone {
			phones++
		}
	}
	pages := (len(slips) + invitesheet.PerPage - 1) / invitesheet.PerPage
	fmt.Fprintf(cmd.OutOrStdout(), "Đã ghi %s phiếu mời (%s trang A4) vào %s: in ra, cắt theo đường chấm và trao tận tay từng đảng viên.\n",
		vn.Number(len(slips)), vn.Number(pages), path)
	if phones > 0 {
		fmt.Fprintf(cmd.OutOrStdout(), "%s đồng chí có số điện thoại trong danh sách: phiếu nhắc họ có thể bấm «Chia sẻ số điện thoại» trong bot thay vì quét mã.\n", vn.Number(phones))
	}
	return nil
}
