package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"sotay/storage"
	"sotay/storage/vn"
)

// sotay reports meetings|supervisions: the reports secretaries sent by
// message, one row per report (its latest version), for the office PC.

// The CSV headers scripts rely on (issue 10).
var (
	meetingsCSVHeader     = []string{"id", "org_code", "kind", "date", "present", "total", "topic", "reported_by", "reported_at", "version"}
	supervisionsCSVHeader = []string{"id", "org_code", "body", "kind", "date", "orgs_examined", "members_examined", "violations",
		"content", "conclusion", "measures", "reported_by", "reported_at", "version"}
)

func reportsCmd() *cobra.Command {
	return group("reports", "Xem báo cáo sinh hoạt chi bộ và kiểm tra, giám sát các bí thư đã gửi",
		reportsSubCmd("meetings", "Liệt kê báo cáo sinh hoạt chi bộ", meetingsCSVHeader),
		reportsSubCmd("supervisions", "Liệt kê báo cáo kiểm tra, giám sát", supervisionsCSVHeader))
}

type reportsArgs struct {
	from, to, org string
	asCSV         bool
}

func reportsSubCmd(what, short string, header []string) *cobra.Command {
	c := configFromEnv()
	var a reportsArgs
	cmd := &cobra.Command{
		Use:   what + " --from NGÀY --to NGÀY [--org MÃ] [--csv]",
		Short: short,
		Long: short + " có ngày họp (ngày thực hiện) từ --from đến --to, mỗi báo cáo một dòng theo phiên bản mới nhất.\n" +
			"--org chỉ lấy tổ chức đó và mọi cấp dưới (cả tổ chức đã giải thể). --csv in dạng CSV với tiêu đề\n" +
			strings.Join(header, ",") + ".",
		Example: fmt.Sprintf("  sotay reports %s --from 01/11/2026 --to 30/11/2026\n  sotay reports %s --from 2026-07-01 --to \"hôm nay\" --org CB01 --csv > bao-cao.csv", what, what),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.reports(cmd.Context(), cmd.OutOrStdout(), what, a)
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().StringVar(&a.from, "from", "", "từ `NGÀY` (01/11/2026, 2026-11-01, 1/11 hoặc hôm nay)")
	cmd.Flags().StringVar(&a.to, "to", "", "đến `NGÀY`, kể cả ngày đó")
	cmd.Flags().StringVar(&a.org, "org", "", "chỉ `MÃ` tổ chức này và các cấp dưới (xem sotay orgs list)")
	cmd.Flags().BoolVar(&a.asCSV, "csv", false, "in dạng CSV: "+strings.Join(header, ","))
	cmd.Flags().StringVar(&c.TZ, "tz", c.TZ, "`MÚI_GIỜ` (biến TZ)")
	return cmd
}

func (c *config) reports(ctx context.Context, out io.Writer, what string, a reportsArgs) error {
	loc, err := c.location()
	if err != nil {
		return err
	}
	now := c.now(loc)
	day := func(flag, s string) (time.Time, error) {
		if strings.TrimSpace(s) == "" {
			return time.Time{}, fmt.Errorf("thiếu --%s NGÀY: ví dụ sotay reports %s --from 01/11/2026 --to 30/11/2026", flag, what)
		}
		t, err := vn.ParseDate(s, now)
		if err != nil {
			return t, fmt.Errorf("--%s %q không phải ngày: hãy ghi ngày/tháng/năm (01/11/2026) hoặc năm-tháng-ngày (2026-11-01)", flag, s)
		}
		return t, nil
	}
	from, err := day("from", a.from)
	if err != nil {
		return err
	}
	to, err := day("to", a.to)
	if err != nil {
		return err
	}
	if storage.CheckPeriod(from, to) != nil {
		return fmt.Errorf("--to %s trước --from %s: hãy đổi chỗ hai ngày", vn.FormatDate(to), vn.FormatDate(from))
	}
	return c.withStorage(ctx, func(s *storage.Storage) error {
		f := storage.ReportFilter{From: from, To: to}
		if a.org != "" {
			o, err := s.Organisation(ctx, a.org)
			if errors.Is(err, storage.ErrNotFound) {
				return fmt.Errorf("không có tổ chức mã %s: xem mã bằng sotay orgs list", a.org)
			}
			if err != nil {
				return err
			}
			f.Roots = []int64{o.ID}
		}
		at := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }
		if what == "meetings" {
			rs, err := s.MeetingReports(ctx, f)
			if err != nil {
				return err
			}
			if a.asCSV {
				return writeCSV(out, meetingsCSVHeader, rs, func(r storage.MeetingReport) []string {
					return []string{strconv.FormatInt(r.ID, 10), r.OrgCode, r.Kind, r.HeldOn.Format("2006-01-02"), strconv.Itoa(r.Present),
						strconv.Itoa(r.Total), r.Topic, r.ReportedByCode, at(r.ReportedAt), strconv.Itoa(r.Version)}
				})
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "Số\tTổ chức\tNgày\tLoại\tCó mặt\tNội dung\tNgười báo cáo\tPhiên bản")
			present, total := 0, 0
			for _, r := range rs {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s/%s\t%s\t%s\t%d\n", r.ID, r.OrgCode, vn.FormatDate(r.HeldOn), storage.MeetingKindName(r.Kind),
					vn.Number(r.Present), vn.Number(r.Total), cutText(r.Topic, 40), r.ReportedByName, r.Version)
				present, total = present+r.Present, total+r.Total
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(out, "%s báo cáo sinh hoạt từ %s đến %s", vn.Number(len(rs)), vn.FormatDate(from), vn.FormatDate(to))
			if total > 0 {
				fmt.Fprintf(out, "; có mặt %s/%s lượt đảng viên (%s)", vn.Number(present), vn.Number(total), vn.Percent(100*float64(present)/float64(total)))
			}
			fmt.Fprintln(out, ".")
			return nil
		}
		rs, err := s.SupervisionReports(ctx, f)
		if err != nil {
			return err
		}
		if a.asCSV {
			return writeCSV(out, supervisionsCSVHeader, rs, func(r storage.SupervisionReport) []string {
				conclusion := "khong_vi_pham"
				if r.Violations > 0 {
					conclusion = "co_vi_pham"
				}
				return []string{strconv.FormatInt(r.ID, 10), r.OrgCode, r.Body, r.Kind, r.HeldOn.Format("2006-01-02"), strconv.Itoa(r.OrgsExamined),
					strconv.Itoa(r.MembersExamined), strconv.Itoa(r.Violations), r.Content, conclusion, r.Measures, r.ReportedByCode, at(r.ReportedAt), strconv.Itoa(r.Version)}
			})
		}
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "Số\tTổ chức\tChủ thể\tNgày\tLoại\tTổ chức đảng\tĐảng viên\tVi phạm\tNội dung\tPhiên bản")
		var n [2]int
		var orgs, members, viol [2]int
		ubkt := 0
		for _, r := range rs {
			if r.Body == storage.BodyCommission {
				ubkt++
			}
			i := 0
			if r.Kind == storage.SupervisionMonitoring {
				i = 1
			}
			n[i]++
			orgs[i] += r.OrgsExamined
			members[i] += r.MembersExamined
			viol[i] += r.Violations
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", r.ID, r.OrgCode, storage.BodyName(r.Body), vn.FormatDate(r.HeldOn),
				storage.SupervisionKindName(r.Kind), vn.Number(r.OrgsExamined), vn.Number(r.MembersExamined), vn.Number(r.Violations),
				cutText(r.Content, 40), r.Version)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		// In the words of a periodic report: counts of two digits (vn.Count).
		violations := func(n int) string {
			if n == 0 {
				return "không có vi phạm"
			}
			return vn.Count(n) + " vi phạm"
		}
		fmt.Fprintf(out, "Từ %s đến %s: %s cuộc kiểm tra với %s tổ chức đảng và %s đảng viên (%s); %s cuộc giám sát với %s tổ chức đảng và %s đảng viên (%s).\n",
			vn.FormatDate(from), vn.FormatDate(to), vn.Count(n[0]), vn.Count(orgs[0]), vn.Count(members[0]), violations(viol[0]),
			vn.Count(n[1]), vn.Count(orgs[1]), vn.Count(members[1]), violations(viol[1]))
		if ubkt > 0 {
			fmt.Fprintf(out, "Trong đó Ủy ban Kiểm tra thực hiện %s cuộc, cấp ủy %s cuộc.\n", vn.Count(ubkt), vn.Count(len(rs)-ubkt))
		}
		return nil
	})
}

func cutText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
