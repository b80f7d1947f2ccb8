package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"sotay/storage"
	"sotay/storage/vn"
)

func memberCmd() *cobra.Command {
	return group("member", "Quản lý hồ sơ đảng viên: ghi đảng viên thôi sinh hoạt", memberLeaveCmd())
}

func memberLeaveCmd() *cobra.Command {
	c := configFromEnv()
	var reason string
	cmd := &cobra.Command{
		Use:   "leave MÃ --reason LÝ_DO",
		Short: "Ghi đảng viên thôi sinh hoạt (chuyển đi, từ trần, thôi sinh hoạt)",
		Long: "Ghi đảng viên không còn sinh hoạt ở đảng bộ: chuyển đi nơi khác, từ trần hoặc thôi sinh hoạt đảng.\n" +
			"Hồ sơ không bị xóa: kết quả học tập, báo cáo và lịch sử sinh hoạt được giữ nguyên; các đợt gửi văn bản,\n" +
			"thông báo họp và số liệu từ nay không tính đồng chí ấy. Tài khoản Telegram của đồng chí ấy bị hủy liên\n" +
			"kết, các mã mời còn hiệu lực và vai trò (nếu có) bị thu hồi; mọi việc được ghi vào nhật ký kèm lý do.\n" +
			"Nhập danh sách có cột Trạng thái \"đã chuyển đi\", \"từ trần\" hoặc \"thôi sinh hoạt\" cũng làm như vậy.",
		Example: "  sotay member leave DV0001 --reason \"đã chuyển đi\"\n  sotay member leave DV0002 --reason \"từ trần\"",
		Args:    exactArgs(1, "sotay member leave MÃ --reason LÝ_DO, ví dụ: sotay member leave DV0001 --reason \"đã chuyển đi\""),
		RunE: func(cmd *cobra.Command, args []string) error {
			code := strings.TrimSpace(args[0])
			if strings.TrimSpace(reason) == "" {
				return errors.New("hãy ghi lý do thôi sinh hoạt bằng --reason, ví dụ: sotay member leave " + code + " --reason \"đã chuyển đi\" (hoặc \"từ trần\", \"thôi sinh hoạt\")")
			}
			ctx := cmd.Context()
			loc, err := c.location()
			if err != nil {
				return err
			}
			return c.withStorage(ctx, func(s *storage.Storage) error {
				m, err := s.Member(ctx, code)
				switch {
				case errors.Is(err, storage.ErrNotFound):
					return fmt.Errorf("không có đảng viên mã %s: xem lại mã trong danh sách đảng viên", code)
				case err != nil:
					return err
				case !m.Active && m.LeftAt != nil:
					return fmt.Errorf("đảng viên %s (%s) đã thôi sinh hoạt từ ngày %s (%s)", m.Code, m.FullName, m.LeftAt.In(loc).Format("02/01/2006"), m.LeftReason)
				}
				d, err := s.LeaveMember(ctx, code, reason, "cli")
				if err != nil {
					return userError(err)
				}
				out := cmd.OutOrStdout()
				fmt.Fprintf(out, "Đã ghi đồng chí %s (%s, %s) thôi sinh hoạt: %s.\n", d.Member.FullName, d.Member.Code, d.Member.OrgName, strings.TrimSpace(reason))
				if d.Unlinked != nil {
					fmt.Fprintln(out, "Đã hủy liên kết tài khoản Telegram của đồng chí ấy.")
				}
				if d.RevokedInvites > 0 {
					fmt.Fprintf(out, "Đã thu hồi %s mã mời còn hiệu lực.\n", vn.Number(d.RevokedInvites))
				}
				if len(d.Roles) > 0 {
					fmt.Fprintf(out, "Đã thu hồi vai trò: %s.\n", roleList(d.Roles))
				}
				fmt.Fprintln(out, "Kết quả học tập và báo cáo cũ được giữ nguyên; các đợt gửi văn bản từ nay không tính đồng chí ấy.")
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().StringVar(&reason, "reason", "", "`LÝ_DO` thôi sinh hoạt, ví dụ \"đã chuyển đi\", \"từ trần\", \"thôi sinh hoạt\"")
	return cmd
}

// roleList names roles given as "role@ORG" in Vietnamese: "Bí thư tại CB01".
func roleList(roles []string) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		role, org, _ := strings.Cut(r, "@")
		names[i] = storage.RoleName(role) + " tại " + org
	}
	return strings.Join(names, ", ")
}
