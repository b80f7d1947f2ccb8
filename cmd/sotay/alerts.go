package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"sotay/handlers/report"
	"sotay/storage"
	"sotay/storage/vn"
)

// sotay alerts (issue 20): the warnings of the rules of party work on a
// day, grouped by organisation with what to do, or as CSV for scripts.

// alertsCSVHeader is what sotay alerts --csv prints first (issue 20).
var alertsCSVHeader = []string{"org_code", "org_name", "rule", "period", "member_code", "detail", "due_date"}

func alertsCmd() *cobra.Command {
	c := configFromEnv()
	var on, org, target string
	var asCSV bool
	cmd := &cobra.Command{
		Use:   "alerts [--on NGÀY] [--org MÃ] [--coverage-target PHẦN_TRĂM] [--csv]",
		Short: "Cảnh báo việc thực hiện quy định sinh hoạt đảng: sinh hoạt, vắng họp, giám sát, học tập",
		Long: "In các cảnh báo theo quy định sinh hoạt đảng tính vào một ngày (mặc định hôm nay), theo từng tổ chức, kèm việc\n" +
			"cần làm: sinh hoạt thường kỳ hằng tháng và chuyên đề mỗi quý, thời lượng buổi họp, thông báo họp trước 24 giờ\n" +
			"(Hướng dẫn 42-HD/BTCTW); vắng không lý do, vắng ba buổi liền (Hướng dẫn 12-HD/BTCTW); vắng không lý do ba tháng\n" +
			"trong năm (Điều lệ Đảng, Điều 8); giám sát đảng viên trong năm (Quy định 296-QĐ/TW, từ 1/10, chỉ tiêu mặc định\n" +
			"SUPERVISION_TARGET hoặc 30 %); văn bản quá hạn học tập. --on nhận mọi ngày, cả quá khứ và tương lai: tổ chức\n" +
			"mang tên và vị trí của ngày đó. Lệnh kết thúc với mã 0 dù có cảnh báo hay không.\n" +
			"--csv in CSV với tiêu đề " + strings.Join(alertsCSVHeader, ","),
		Example: "  sotay alerts\n  sotay alerts --on 25/11/2026 --org CBNAHIEN\n  sotay alerts --demo --csv > canh-bao.csv",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			loc, err := c.location()
			if err != nil {
				return err
			}
			now := c.now(loc)
			day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
			if strings.TrimSpace(on) != "" {
				if day, err = vn.ParseDate(on, now); err != nil {
					return fmt.Errorf("--on %q không phải ngày: hãy ghi ngày/tháng/năm (25/11/2026) hoặc năm-tháng-ngày (2026-11-25)", on)
				}
			}
			var pct int
			if cmd.Flags().Changed("coverage-target") {
				if pct, err = readPercent(target); err != nil {
					return fmt.Errorf("--coverage-target %q không hợp lệ: hãy ghi chỉ tiêu giám sát là số phần trăm từ 0 đến 100, ví dụ 30", target)
				}
			} else if pct, err = supervisionTarget(); err != nil {
				return err
			}
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error {
				root, err := statsRoot(ctx, s, org)
				if err != nil {
					return err
				}
				as, err := s.Alerts(ctx, storage.AlertQuery{On: day, Roots: []int64{root.ID}, CoverageTarget: pct})
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asCSV {
					return writeCSV(out, alertsCSVHeader, as, func(a storage.Alert) []string {
						return []string{a.OrgCode, a.OrgName, a.Rule, a.Period, a.MemberCode, a.Detail, a.Due.Format("2006-01-02")}
					})
				}
				return writeAlerts(out, as, root, day, pct)
			})
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().StringVar(&on, "on", "", "tính cảnh báo vào `NGÀY` (25/11/2026 hoặc 2026-11-25; mặc định hôm nay)")
	cmd.Flags().StringVar(&org, "org", "", "`MÃ` tổ chức cần xem, gồm mọi cấp dưới (mặc định Đảng bộ xã; xem sotay orgs list)")
	cmd.Flags().StringVar(&target, "coverage-target", "", "chỉ tiêu giám sát đảng viên trong năm, `PHẦN_TRĂM` số đảng viên của chi bộ (mặc định SUPERVISION_TARGET hoặc 30)")
	cmd.Flags().BoolVar(&asCSV, "csv", false, "in dạng CSV: "+strings.Join(alertsCSVHeader, ","))
	cmd.Flags().StringVar(&c.TZ, "tz", c.TZ, "`MÚI_GIỜ` (biến TZ)")
	return cmd
}

// writeAlerts prints the warnings grouped by organisation, then rule, with
// what to do about each rule.
func writeAlerts(out io.Writer, as []storage.Alert, root storage.Organisation, on time.Time, target int) error {
	groups := report.GroupAlerts(as)
	if len(as) == 0 {
		_, err := fmt.Fprintf(out, "Không có cảnh báo nào ngày %s — %s.\n", vn.FormatDate(on), root.Name)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Cảnh báo ngày %s — %s: %d cảnh báo ở %d tổ chức (chỉ tiêu giám sát %d %%).\n", vn.FormatDate(on), root.Name,
		len(as), len(groups), target)
	for _, g := range groups {
		fmt.Fprintf(&b, "\n%s · %s — %d cảnh báo\n", g.OrgCode, g.OrgName, g.Count())
		for _, r := range g.Rules {
			fmt.Fprintf(&b, "  %s\n", report.RuleName(r.Rule))
			for _, a := range r.Alerts {
				fmt.Fprintf(&b, "    • %s\n", report.AlertLine(a, on))
			}
			fmt.Fprintf(&b, "    → %s\n", report.RuleAdvice(r.Rule))
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}
