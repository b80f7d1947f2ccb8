package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"

	"sotay/bot"
	"sotay/handlers/invitesheet"
	"sotay/storage"
)

// inviteFlags are sotay invite's flags.
type inviteFlags struct {
	member, org, revoke, out, username, sheet string
	ttl                                       time.Duration
	relink                                    bool
}

// inviteLine is one member's link.
type inviteLine struct {
	m    storage.Member
	link string
}

func inviteCmd() *cobra.Command {
	c := configFromEnv()
	var f inviteFlags
	cmd := &cobra.Command{
		Use:   "invite",
		Short: "Tạo đường liên kết mời dùng một lần (t.me/<bot>?start=<mã>), hoặc thu hồi",
		Long: "Tạo đường liên kết mời dùng một lần cho một đảng viên (--member) hoặc cho mọi đảng viên đang sinh hoạt,\n" +
			"chưa liên kết của một tổ chức và các cấp dưới (--org). Mỗi dòng in ra là MÃ<TAB>ĐƯỜNG_LIÊN_KẾT; --out ghi\n" +
			"tệp XLSX thay vì in. --revoke MÃ thu hồi các mã mời còn hiệu lực của đảng viên đó. --member MÃ --relink\n" +
			"tạo đường liên kết chuyển đảng viên đã liên kết sang tài khoản Telegram khác (đổi tài khoản Telegram;\n" +
			"hiệu lực 3 ngày nếu không ghi --ttl; tài khoản cũ được báo tin). Tên bot lấy từ getMe\n" +
			"(TELEGRAM_BOT_TOKEN và TELEGRAM_API_URL), hoặc ghi --bot-username.",
		Example: "  sotay invite --member DV0001\n  sotay invite --org CB01 --out moi.xlsx\n  sotay invite --member DV0001 --relink",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			if f.relink && !cmd.Flags().Changed("ttl") {
				f.ttl = storage.RelinkInviteTTL
			}
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error { return c.invite(ctx, cmd, s, f) })
		},
	}
	c.dbFlags(cmd)
	c.telegramFlags(cmd)
	cmd.Flags().StringVar(&f.member, "member", "", "`MÃ` đảng viên")
	cmd.Flags().StringVar(&f.org, "org", "", "`MÃ` tổ chức: mọi đảng viên chưa liên kết của tổ chức và cấp dưới (xem sotay orgs list)")
	cmd.Flags().StringVar(&f.revoke, "revoke", "", "`MÃ` đảng viên cần thu hồi mã mời")
	cmd.Flags().BoolVar(&f.relink, "relink", false, "dùng với --member: chuyển liên kết Telegram của đảng viên sang tài khoản mở đường liên kết mới")
	cmd.Flags().StringVar(&f.out, "out", "", "ghi `TỆP` XLSX (mã, họ tên, tổ chức, đường liên kết) thay vì in ra")
	cmd.Flags().StringVar(&f.sheet, "sheet", "", "ghi `TỆP` PDF để in: mỗi đảng viên một phiếu có họ tên, chi bộ và mã QR của đường liên kết (dùng với --org hoặc --member)")
	cmd.Flags().StringVar(&f.username, "bot-username", "", "`TÊN` bot, khỏi hỏi Telegram")
	cmd.Flags().DurationVar(&f.ttl, "ttl", storage.DefaultInviteTTL, "`THỜI_GIAN` hiệu lực của đường liên kết, ví dụ 720h")
	return cmd
}

// check refuses a combination of flags before anything is written: a
// wrong --out found after the invites were made would leave them unused.
func (f inviteFlags) check() error {
	n := 0
	for _, v := range []string{f.member, f.org, f.revoke} {
		if v != "" {
			n++
		}
	}
	switch {
	case n != 1:
		return errors.New("hãy ghi đúng một trong --member MÃ, --org MÃ hoặc --revoke MÃ, ví dụ: sotay invite --member DV0001")
	case f.sheet != "" && (f.revoke != "" || f.out != ""):
		return errors.New("--sheet dùng với --org MÃ hoặc --member MÃ, không kèm --out hay --revoke, ví dụ: sotay invite --org CBNAHIEN --sheet phieu-moi.pdf")
	case f.sheet != "" && !strings.HasSuffix(strings.ToLower(f.sheet), ".pdf"):
		return errors.New("--sheet phải là tệp .pdf, ví dụ --sheet phieu-moi.pdf")
	case f.out != "" && !strings.HasSuffix(strings.ToLower(f.out), ".xlsx"):
		return errors.New("--out phải là tệp .xlsx, ví dụ --out ma-moi.xlsx")
	case f.relink && f.member == "":
		return errors.New("--relink chỉ dùng với --member MÃ, ví dụ: sotay invite --member DV0001 --relink")
	}
	return nil
}

// invite revokes, or makes the links and prints them or writes them to
// --out or --sheet.
func (c *config) invite(ctx context.Context, cmd *cobra.Command, s *storage.Storage, f inviteFlags) error {
	if f.revoke != "" {
		k, err := s.RevokeInvites(ctx, f.revoke, "cli")
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã thu hồi %d mã mời của %s.\n", k, f.revoke)
		return nil
	}
	members, err := inviteMembers(ctx, s, f)
	if err != nil {
		return err
	}
	if f.username == "" {
		cl, err := bot.NewClient(ctx, c.APIURL, c.Token, c.logger(), nil)
		if err != nil {
			return fmt.Errorf("không hỏi được Telegram tên bot (%v): hãy ghi --bot-username", err)
		}
		f.username = cl.Username()
	}
	create := s.CreateInvite
	if f.relink {
		create = s.CreateRelinkInvite
	}
	var lines []inviteLine
	for _, m := range members {
		tok, err := create(ctx, m.ID, f.ttl, "cli")
		if err != nil {
			return err
		}
		lines = append(lines, inviteLine{m, fmt.Sprintf("https://t.me/%s?start=%s", f.username, tok)})
	}
	switch {
	case f.sheet != "":
		slips := make([]invitesheet.Slip, len(lines))
		for i, l := range lines {
			slips[i] = inviteSlip(l.m, l.link)
		}
		return writeInviteSheet(cmd, f.sheet, sheetTitle(ctx, s, f.org, members), f.username, s.Now().Add(f.ttl), slips)
	case f.out != "":
		if err := writeInviteXLSX(f.out, lines, s.Now().Add(f.ttl)); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã ghi %d mã mời vào %s.\n", len(lines), f.out)
		return nil
	}
	for _, l := range lines {
		fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", l.m.Code, l.link)
	}
	if len(lines) == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "Không có đảng viên nào cần mã mời (tất cả đã liên kết).")
	}
	return nil
}

// inviteMembers is --member, checked, or the unlinked members under --org.
func inviteMembers(ctx context.Context, s *storage.Storage, f inviteFlags) ([]storage.Member, error) {
	if f.member != "" {
		m, err := s.Member(ctx, f.member)
		switch {
		case err != nil:
			return nil, fmt.Errorf("không có đảng viên mã %s", f.member)
		case !m.Active:
			return nil, fmt.Errorf("đảng viên %s không còn sinh hoạt", f.member)
		case m.Linked() && !f.relink:
			return nil, fmt.Errorf("đảng viên %s đã liên kết tài khoản Telegram nên mã mời thường không dùng được; "+
				"nếu đồng chí ấy chuyển sang tài khoản Telegram khác, hãy thêm --relink: sotay invite --member %s --relink", f.member, f.member)
		case !m.Linked() && f.relink:
			return nil, fmt.Errorf("đảng viên %s chưa liên kết tài khoản Telegram nên không cần đổi: hãy bỏ --relink", f.member)
		}
		return []storage.Member{m}, nil
	}
	o, err := s.Organisation(ctx, f.org)
	if err != nil {
		return nil, fmt.Errorf("không có tổ chức mã %s", f.org)
	}
	all, err := s.MembersInSubtree(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	var members []storage.Member
	for _, m := range all {
		if !m.Linked() {
			members = append(members, m)
		}
	}
	return members, nil
}

// writeInviteXLSX writes the links to path, one member a row.
func writeInviteXLSX(path string, lines []inviteLine, expires time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Mã mời"
	f.SetSheetName("Sheet1", sheet)
	_ = f.SetSheetRow(sheet, "A1", &[]any{"Mã đảng viên", "Họ và tên", "Tổ chức", "Đường liên kết", "Hết hạn"})
	exp := expires.Format("02/01/2006")
	for i, l := range lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = f.SetSheetRow(sheet, cell, &[]any{l.m.Code, l.m.FullName, l.m.OrgName, l.link, exp})
	}
	_ = f.SetColWidth(sheet, "A", "A", 14)
	_ = f.SetColWidth(sheet, "B", "C", 28)
	_ = f.SetColWidth(sheet, "D", "D", 60)
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("không ghi được %s: %v", path, err)
	}
	return nil
}
