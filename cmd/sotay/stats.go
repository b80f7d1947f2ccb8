package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"sotay/handlers/report"
	"sotay/storage"
	"sotay/storage/vn"
)

// The officers' figures on the command line (issue 11): stats meetings,
// stats supervision, the period mode and --xlsx of stats study, and the
// period summary (report). The same storage functions feed /thongke.

// The CSV headers scripts rely on (issue 11).
var (
	meetingStatsCSVHeader = []string{"org_code", "org_name", "parent_code", "cells", "cells_held_regular", "regular_meetings",
		"thematic_meetings", "present", "expected", "attendance_percent"}
	supervisionStatsCSVHeader = []string{"org_code", "org_name", "parent_code", "inspections", "supervisions", "orgs_examined",
		"members_examined", "violations"}
)

// addStatsCommands puts stats meetings, stats supervision and report in the tree.
func addStatsCommands(root *cobra.Command) {
	stats := child(root, "stats", "Thống kê: học tập, sinh hoạt, kiểm tra giám sát")
	stats.AddCommand(statsMeetingsCmd(), statsSupervisionCmd())
	root.AddCommand(reportCmd())
}

// statsFlags are what the figure commands share.
type statsFlags struct {
	org, from, to, month, xlsx string
	asCSV                      bool
}

// figureCmd is what sets one figure command (stats meetings, stats
// supervision, report) apart; command makes the rest, which they share:
// the flags, reading them, opening the database and finding --org.
type figureCmd struct {
	// csvHeader is what --csv prints first; nil: no --csv.
	csvHeader []string
	// byMonth: the command asks --month, not --from and --to.
	byMonth bool
	// periodExample is the command line shown when --from is missing.
	periodExample string
	// show prints the figures asked for.
	show func(context.Context, io.Writer, *storage.Storage, statsQuery) error
}

// statsQuery is what a figure command was asked, its flags read.
type statsQuery struct {
	month    time.Time            // --month
	from, to time.Time            // --from and --to, as days
	now      time.Time            // in the commune's zone
	root     storage.Organisation // --org, or the commune's root
	xlsx     string               // --xlsx
	asCSV    bool                 // --csv
	// note is where "Đã ghi tệp …" goes: stdout, or stderr when stdout
	// carries CSV.
	note io.Writer
}

// command completes cmd as a figure command: no arguments, the shared
// flags and --month or --from and --to. It reads them, opens the database
// in the commune's zone, finds the organisation --org names and shows.
func (fc figureCmd) command(cmd *cobra.Command) *cobra.Command {
	c := configFromEnv()
	var f statsFlags
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		q := statsQuery{xlsx: f.xlsx, asCSV: f.asCSV, note: noteWriter(cmd, f.asCSV)}
		var err error
		if fc.byMonth {
			if q.month, err = parseMonth(f.month); err != nil {
				return err
			}
		}
		loc, err := c.location()
		if err != nil {
			return err
		}
		q.now = c.now(loc)
		if !fc.byMonth {
			if q.from, q.to, err = f.period(q.now, fc.periodExample); err != nil {
				return err
			}
		}
		ctx := cmd.Context()
		return c.withStorage(ctx, func(s *storage.Storage) error {
			root, err := statsRoot(ctx, s, f.org)
			if err != nil {
				return err
			}
			q.root = root
			return fc.show(ctx, cmd.OutOrStdout(), s, q)
		})
	}
	c.dbFlags(cmd)
	cmd.Flags().StringVar(&f.org, "org", "", "`MÃ` tổ chức cần xem, gồm mọi cấp dưới (mặc định Đảng bộ xã; xem sotay orgs list)")
	if fc.csvHeader != nil {
		cmd.Flags().BoolVar(&f.asCSV, "csv", false, "in dạng CSV: "+strings.Join(fc.csvHeader, ","))
	}
	cmd.Flags().StringVar(&f.xlsx, "xlsx", "", "ghi bảng tính Excel vào `TỆP` (.xlsx) thay cho bảng in ra")
	cmd.Flags().StringVar(&c.TZ, "tz", c.TZ, "`MÚI_GIỜ` (biến TZ)")
	if fc.byMonth {
		cmd.Flags().StringVar(&f.month, "month", "", "`NĂM-THÁNG` cần xem, như 2026-11 hoặc 11/2026")
	} else {
		cmd.Flags().StringVar(&f.from, "from", "", "từ `NGÀY` (01/07/2026, 2026-07-01 hoặc 1/7)")
		cmd.Flags().StringVar(&f.to, "to", "", "đến `NGÀY`, kể cả ngày đó (mặc định hôm nay)")
	}
	return cmd
}

func statsMeetingsCmd() *cobra.Command {
	return figureCmd{csvHeader: meetingStatsCSVHeader, byMonth: true, show: showMeetingStats}.command(&cobra.Command{
		Use:   "meetings --month NĂM-THÁNG [--org MÃ] [--csv] [--xlsx TỆP]",
		Short: "Sinh hoạt chi bộ trong một tháng: chi bộ nào đã sinh hoạt thường kỳ, tỷ lệ dự họp",
		Long: "In số liệu sinh hoạt chi bộ trong tháng: dòng đầu là tổ chức được hỏi, rồi từng tổ chức cấp dưới; mỗi dòng tính\n" +
			"cả các cấp dưới của nó (dòng của một chi bộ có cells = 1). Chỉ tính các chi bộ có trong tháng đó (kể cả chi bộ\n" +
			"giải thể sau này, dưới tên khi đó); mỗi báo cáo tính theo phiên bản mới nhất. Có mặt và phải dự cộng trên mọi\n" +
			"buổi sinh hoạt được báo cáo (thường kỳ và chuyên đề); tỷ lệ dự họp = 100 × có mặt / phải dự.\n" +
			"--csv in CSV với tiêu đề " + strings.Join(meetingStatsCSVHeader, ","),
		Example: "  sotay stats meetings --month 2026-11\n  sotay stats meetings --month 11/2026 --org DBTRUONG --csv > sinh-hoat.csv",
	})
}

func statsSupervisionCmd() *cobra.Command {
	return figureCmd{
		csvHeader:     supervisionStatsCSVHeader,
		periodExample: "sotay stats supervision --from 01/07/2026 --to 30/11/2026",
		show:          showSupervisionStats,
	}.command(&cobra.Command{
		Use:   "supervision --from NGÀY --to NGÀY [--org MÃ] [--csv] [--xlsx TỆP]",
		Short: "Kiểm tra, giám sát trong một thời gian: số cuộc, tổ chức đảng và đảng viên được kiểm tra, vi phạm",
		Long: "In số cuộc kiểm tra, giám sát thực hiện từ --from đến --to: dòng đầu là tổ chức được hỏi, rồi từng tổ chức cấp\n" +
			"dưới; mỗi dòng tính các cuộc do tổ chức đó và các cấp dưới thực hiện (cả cấp ủy và ủy ban kiểm tra), theo phiên\n" +
			"bản mới nhất của mỗi báo cáo. --csv in CSV với tiêu đề " + strings.Join(supervisionStatsCSVHeader, ","),
		Example: "  sotay stats supervision --from 01/07/2026 --to 30/11/2026\n  sotay stats supervision --from 1/7 --org DBTRUONG --csv",
	})
}

func reportCmd() *cobra.Command {
	cmd := figureCmd{periodExample: "sotay report --from 01/07/2026 --to hôm nay", show: showReport}.command(&cobra.Command{
		Use:   "report --from NGÀY --to NGÀY [--org MÃ] [--xlsx TỆP]",
		Short: "Đoạn tổng hợp cho báo cáo định kỳ: kiểm tra giám sát, sinh hoạt chi bộ, học tập",
		Long: "In các đoạn tổng hợp theo lời văn báo cáo (số đếm hai chữ số, phần trăm có dấu phẩy, ngày dd/mm/yyyy), để dán\n" +
			"vào báo cáo. Sinh hoạt thường kỳ tính theo các tháng đã kết thúc trong khoảng; học tập tính mọi đợt gửi tạo\n" +
			"trong khoảng. --xlsx ghi một bảng tính có đủ các phần: tổng hợp, học tập, chưa học, sinh hoạt từng tháng,\n" +
			"kiểm tra giám sát.",
		Example: "  sotay report --from 01/07/2026 --to hôm nay\n  sotay report --from 01/07/2026 --to 31/12/2026 --org DBTRUONG --xlsx bao-cao.xlsx",
	})
	// The paragraphs are printed all the same: they are what is pasted.
	cmd.Flags().Lookup("xlsx").Usage = "ghi thêm bảng tính Excel có đủ các phần vào `TỆP` (.xlsx)"
	return cmd
}

// writeCSV writes header and a record of each row.
func writeCSV[T any](out io.Writer, header []string, rows []T, record func(T) []string) error {
	w := csv.NewWriter(out)
	_ = w.Write(header)
	for _, r := range rows {
		_ = w.Write(record(r))
	}
	w.Flush()
	return w.Error()
}

// period reads --from and --to (default today) as days.
func (f statsFlags) period(now time.Time, example string) (from, to time.Time, err error) {
	parse := func(flag, s string) (time.Time, error) {
		t, err := vn.ParseDate(s, now)
		if err != nil {
			return t, fmt.Errorf("--%s %q không phải ngày: hãy ghi ngày/tháng/năm (01/07/2026) hoặc năm-tháng-ngày (2026-07-01)", flag, s)
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	if strings.TrimSpace(f.from) == "" {
		return from, to, fmt.Errorf("thiếu --from NGÀY: ví dụ %s", example)
	}
	if from, err = parse("from", f.from); err != nil {
		return
	}
	to = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if strings.TrimSpace(f.to) != "" {
		if to, err = parse("to", f.to); err != nil {
			return
		}
	}
	if storage.CheckPeriod(from, to) != nil {
		return from, to, fmt.Errorf("--to %s trước --from %s: hãy đổi chỗ hai ngày", vn.FormatDate(to), vn.FormatDate(from))
	}
	return from, to, nil
}

// parseMonth reads 2026-11 or 11/2026.
func parseMonth(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01", "01/2006", "1/2006", "2006-1"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if s == "" {
		return time.Time{}, errors.New("thiếu --month NĂM-THÁNG: ví dụ sotay stats meetings --month 2026-11")
	}
	return time.Time{}, fmt.Errorf("--month %q không phải tháng: hãy ghi năm-tháng (2026-11) hoặc tháng/năm (11/2026)", s)
}

// writeXLSX writes the workbook of --xlsx to path and says so on note.
func writeXLSX(note io.Writer, path string, w report.Workbook) error {
	b, err := w.XLSX()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("không ghi được tệp %s: %v", path, err)
	}
	fmt.Fprintf(note, "Đã ghi tệp %s.\n", path)
	return nil
}

// noteWriter is where a command says what it wrote: stdout, unless stdout
// carries CSV for a script.
func noteWriter(cmd *cobra.Command, asCSV bool) io.Writer {
	if asCSV {
		return cmd.ErrOrStderr()
	}
	return cmd.OutOrStdout()
}

func showMeetingStats(ctx context.Context, out io.Writer, s *storage.Storage, q statsQuery) error {
	rows, err := s.MeetingStats(ctx, q.month, q.root.ID)
	if err != nil {
		return err
	}
	if q.xlsx != "" {
		if err := writeXLSX(q.note, q.xlsx, report.Workbook{Meetings: []report.MonthMeetings{{Month: q.month, Rows: rows}}}); err != nil {
			return err
		}
	}
	switch {
	case q.asCSV:
		return writeCSV(out, meetingStatsCSVHeader, rows, func(r storage.OrgMeetings) []string {
			t := r.Total
			att := ""
			if p, ok := t.Attendance(); ok {
				att = report.PercentCSV(p)
			}
			return []string{r.Code, r.Name, r.ParentCode, strconv.Itoa(t.Cells), strconv.Itoa(t.CellsHeldRegular), strconv.Itoa(t.Regular),
				strconv.Itoa(t.Thematic), strconv.Itoa(t.Present), strconv.Itoa(t.Expected), att}
		})
	case q.xlsx != "":
		return nil // the workbook holds the table
	}
	fmt.Fprintf(out, "Sinh hoạt chi bộ tháng %d/%d — %s\n", q.month.Month(), q.month.Year(), rows[0].Name)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Mã\tTổ chức\tChi bộ\tĐã SH thường kỳ\tThường kỳ\tChuyên đề\tCó mặt/Phải dự\tTỷ lệ dự họp")
	var missed []string
	for _, r := range rows {
		t := r.Total
		att := "—"
		if p, ok := t.Attendance(); ok {
			att = report.Percent(p)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s/%s\t%s\n", r.Code, orgLabel(r.Name, r.Depth, r.Dissolved), vn.Number(t.Cells),
			vn.Number(t.CellsHeldRegular), vn.Number(t.Regular), vn.Number(t.Thematic), vn.Number(t.Present), vn.Number(t.Expected), att)
		if r.IsCell() && t.CellsHeldRegular == 0 {
			missed = append(missed, r.Name+" ("+r.Code+")")
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	t := rows[0].Total
	fmt.Fprintf(out, "%s/%s chi bộ đã sinh hoạt thường kỳ", vn.Number(t.CellsHeldRegular), vn.Number(t.Cells))
	if len(missed) > 0 {
		fmt.Fprintf(out, "; chưa báo cáo: %s", strings.Join(missed, ", "))
	}
	fmt.Fprintln(out, ".")
	return nil
}

func orgLabel(name string, depth int, dissolved bool) string {
	s := strings.Repeat("  ", depth) + name
	if dissolved {
		s += " (đã giải thể)"
	}
	return s
}

func showSupervisionStats(ctx context.Context, out io.Writer, s *storage.Storage, q statsQuery) error {
	rows, err := s.SupervisionStats(ctx, q.from, q.to, q.root.ID)
	if err != nil {
		return err
	}
	if q.xlsx != "" {
		if err := writeXLSX(q.note, q.xlsx, report.Workbook{Supervision: rows}); err != nil {
			return err
		}
	}
	switch {
	case q.asCSV:
		return writeCSV(out, supervisionStatsCSVHeader, rows, func(r storage.OrgSupervision) []string {
			t := r.Total.Sum()
			return []string{r.Code, r.Name, r.ParentCode, strconv.Itoa(t.Inspections), strconv.Itoa(t.Supervisions),
				strconv.Itoa(t.OrgsExamined), strconv.Itoa(t.MembersExamined), strconv.Itoa(t.Violations)}
		})
	case q.xlsx != "":
		return nil // the workbook holds the table
	}
	fmt.Fprintf(out, "Kiểm tra, giám sát từ %s đến %s — %s\n", vn.FormatDate(q.from), vn.FormatDate(q.to), rows[0].Name)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Mã\tTổ chức\tKiểm tra\tGiám sát\tTổ chức đảng\tĐảng viên\tVi phạm\tTrong đó UBKT")
	for _, r := range rows {
		t := r.Total.Sum()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Code, orgLabel(r.Name, r.Depth, r.Dissolved), vn.Number(t.Inspections),
			vn.Number(t.Supervisions), vn.Number(t.OrgsExamined), vn.Number(t.MembersExamined), vn.Number(t.Violations),
			vn.Number(r.Total.Commission.Reports()))
	}
	return tw.Flush()
}

func showReport(ctx context.Context, out io.Writer, s *storage.Storage, q statsQuery) error {
	w, err := report.Gather(ctx, s, q.root, q.from, q.to, q.now, q.xlsx != "")
	if err != nil {
		return err
	}
	for _, p := range w.Summary {
		fmt.Fprintln(out, p)
		fmt.Fprintln(out)
	}
	if q.xlsx != "" {
		return writeXLSX(q.note, q.xlsx, w)
	}
	return nil
}

// studyMoreFlags adds the period and --xlsx to stats study.
func studyMoreFlags(cmd *cobra.Command, f *statsFlags) {
	cmd.Flags().StringVar(&f.from, "from", "", "thay cho --doc: mọi đợt gửi tạo từ `NGÀY` (01/07/2026)")
	cmd.Flags().StringVar(&f.to, "to", "", "… đến `NGÀY`, kể cả ngày đó (mặc định hôm nay)")
	cmd.Flags().StringVar(&f.xlsx, "xlsx", "", "ghi bảng tính Excel (tỷ lệ và người chưa học) vào `TỆP` thay cho bảng in ra")
}

// statsStudyMore is stats study over a period, or with --xlsx.
func (c *config) statsStudyMore(ctx context.Context, out, note io.Writer, number, issuer, orgCode string, asCSV bool, f statsFlags) error {
	loc, err := c.location()
	if err != nil {
		return err
	}
	now := c.now(loc)
	byDoc := strings.TrimSpace(number) != ""
	if byDoc && (f.from != "" || f.to != "") {
		return errors.New("chỉ chọn một: --doc SỐ_HIỆU (một văn bản) hoặc --from/--to (mọi đợt gửi trong thời gian đó)")
	}
	var from, to time.Time
	if !byDoc {
		if f.from == "" && f.to == "" {
			return errors.New("thiếu --doc hoặc --from: ví dụ sotay stats study --doc 21-KL/TW, hoặc sotay stats study --from 01/07/2026 --to 30/11/2026")
		}
		if from, to, err = f.period(now, "sotay stats study --from 01/07/2026 --to 30/11/2026"); err != nil {
			return err
		}
	}
	return c.withStorage(ctx, func(s *storage.Storage) error {
		var filter storage.StudyFilter
		title := ""
		if byDoc {
			d, err := findDocument(ctx, s, number, issuer, docListHint)
			if err != nil {
				return err
			}
			filter.DocumentID = d.ID
			title = fmt.Sprintf("%s số %s — %s", storage.DocumentKindName(d.Kind), d.Number, d.Title)
		} else {
			filter = report.PeriodFilter(from, to, loc)
			title = fmt.Sprintf("Học tập theo các đợt gửi từ %s đến %s", vn.FormatDate(from), vn.FormatDate(to))
		}
		root, err := statsRoot(ctx, s, orgCode)
		if err != nil {
			return err
		}
		rows, err := s.StudyFigures(ctx, filter, root.ID)
		if err != nil {
			return err
		}
		if f.xlsx != "" {
			lag, err := s.Laggards(ctx, filter, root.ID)
			if err != nil {
				return err
			}
			if err := writeXLSX(note, f.xlsx, report.Workbook{Study: rows, Laggards: lag}); err != nil {
				return err
			}
		}
		switch {
		case asCSV:
			return writeStudyCSV(out, rows)
		case f.xlsx != "":
			return nil // the workbook holds the table
		}
		fmt.Fprintln(out, title)
		if rows[0].Total.Assigned == 0 {
			fmt.Fprintf(out, "Chưa có đảng viên nào của %s được giao văn bản trong phạm vi này.\n", root.Name)
			return nil
		}
		return writeStudyTable(out, rows)
	})
}
