package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"sotay/storage"
	"sotay/storage/vn"
)

// addStudyCommands puts the study commands in the tree: stats study and
// study offline and doc quiz. Parents other features
// share ("stats") are found or made here, so each feature adds its own
// subcommands without touching the others'.
func addStudyCommands(root *cobra.Command) {
	child(root, "stats", "Thống kê: học tập, sinh hoạt, kiểm tra giám sát").AddCommand(statsStudyCmd())
	child(root, "study", "Học tập: ghi nhận đảng viên đã học tại chi bộ").AddCommand(studyOfflineCmd(), studyCloseCmd())
	child(root, "doc", "Văn bản").AddCommand(docQuizCmd())
}

// studyCSVHeader is the header scripts rely on (issue 9, item 7); listened
// (issue 21) counts, beside the states, the members who listened to the
// document's voice summary, whatever their state now.
var studyCSVHeader = []string{"org_code", "org_name", "parent_code", "assigned", "pending", "delivered", "read", "listened",
	"studied", "studied_offline", "unreachable", "failed", "rate_percent"}

func statsStudyCmd() *cobra.Command {
	c := configFromEnv()
	var doc, issuer, org string
	var asCSV bool
	var more statsFlags // --from, --to, --xlsx: stats.go
	cmd := &cobra.Command{
		Use:   "study --doc SỐ_HIỆU | --from NGÀY --to NGÀY [--org MÃ] [--csv] [--xlsx TỆP]",
		Short: "Tỷ lệ học tập một văn bản theo từng tổ chức",
		Long: "In tỷ lệ đảng viên đã học một văn bản: dòng đầu là tổ chức được hỏi (mặc định Đảng bộ xã), rồi mọi\n" +
			"tổ chức cấp dưới có đảng viên được giao; mỗi dòng tính cả các cấp dưới của nó. Đảng viên được giao\n" +
			"văn bản nhiều lần chỉ tính một lần, ở trạng thái xa nhất, tại tổ chức nơi họ sinh hoạt khi được giao.\n" +
			"Tỷ lệ = (đã học trực tuyến + đã học tại chi bộ) / được giao.\n" +
			"--csv in CSV với tiêu đề " + strings.Join(studyCSVHeader, ","),
		Example: "  sotay stats study --doc 21-KL/TW\n  sotay stats study --doc 21-KL/TW --org CBNAHIEN --csv > ty-le.csv",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if more.from != "" || more.to != "" || more.xlsx != "" {
				return c.statsStudyMore(cmd.Context(), cmd.OutOrStdout(), noteWriter(cmd, asCSV), doc, issuer, org, asCSV, more)
			}
			return c.statsStudy(cmd.Context(), cmd.OutOrStdout(), doc, issuer, org, asCSV)
		},
	}
	c.dbFlags(cmd)
	documentFlags(cmd, &doc, &issuer)
	cmd.Flags().StringVar(&org, "org", "", "`MÃ` tổ chức cần xem (mặc định Đảng bộ xã; xem sotay orgs list)")
	cmd.Flags().BoolVar(&asCSV, "csv", false, "in dạng CSV: "+strings.Join(studyCSVHeader, ","))
	studyMoreFlags(cmd, &more)
	return cmd
}

func (c *config) statsStudy(ctx context.Context, out io.Writer, number, issuer, orgCode string, asCSV bool) error {
	if strings.TrimSpace(number) == "" {
		return errNoDoc
	}
	return c.withDocument(ctx, number, issuer, func(s *storage.Storage, d storage.Document) error {
		root, err := statsRoot(ctx, s, orgCode)
		if err != nil {
			return err
		}
		rows, err := s.StudyRates(ctx, storage.StudyFilter{DocumentID: d.ID}, root.ID)
		if err != nil {
			return err
		}
		if asCSV {
			return writeStudyCSV(out, rows)
		}
		fmt.Fprintf(out, "%s số %s — %s\n", storage.DocumentKindName(d.Kind), d.Number, d.Title)
		if rows[0].Total.Assigned == 0 {
			fmt.Fprintf(out, "Chưa có đảng viên nào của %s được giao văn bản này (gửi bằng: sotay push --doc %s --to %s).\n", root.Name, d.Number, root.Code)
			return nil
		}
		return writeStudyTable(out, rows)
	})
}

// findDocument finds the one document with this number (and issuer, when
// given), in any status: a withdrawn document's figures stay countable.
// notFound is the advice given when there is none.
func findDocument(ctx context.Context, s *storage.Storage, number, issuer, notFound string) (storage.Document, error) {
	ds, err := s.DocumentsNumbered(ctx, number)
	if err != nil {
		return storage.Document{}, err
	}
	var match []storage.Document
	for _, d := range ds {
		if issuer == "" || strings.EqualFold(strings.TrimSpace(issuer), d.Issuer) {
			match = append(match, d)
		}
	}
	switch {
	case len(match) == 0:
		return storage.Document{}, fmt.Errorf("không có văn bản số %s: %s", number, notFound)
	case len(match) > 1:
		var list []string
		for _, d := range match {
			list = append(list, fmt.Sprintf("%s (%s)", d.Number, d.Issuer))
		}
		return storage.Document{}, fmt.Errorf("có %d văn bản số %s: %s; hãy thêm --issuer để chọn", len(match), number, strings.Join(list, "; "))
	}
	return match[0], nil
}

// documentFlags adds --doc and --issuer, which pick a document for findDocument.
func documentFlags(cmd *cobra.Command, doc, issuer *string) {
	cmd.Flags().StringVar(doc, "doc", "", "`SỐ_HIỆU` văn bản, như ghi trên văn bản (21-KL/TW) hoặc chỉ chữ và số (21kltw)")
	issuerFlag(cmd, issuer)
}

// issuerFlag adds --issuer alone, for a command that takes the number as
// an argument.
func issuerFlag(cmd *cobra.Command, issuer *string) {
	cmd.Flags().StringVar(issuer, "issuer", "", "`CƠ_QUAN` ban hành, khi hai văn bản trùng số hiệu")
}

// errNoDoc is the answer to a command that needs --doc without it.
var errNoDoc = errors.New("thiếu --doc: hãy ghi số văn bản, ví dụ --doc 21-KL/TW")

// withDocument opens the database, finds the document number (and issuer)
// names, as findDocument does, and runs use with them.
func (c *config) withDocument(ctx context.Context, number, issuer string, use func(*storage.Storage, storage.Document) error) error {
	return c.withStorage(ctx, func(s *storage.Storage) error {
		d, err := findDocument(ctx, s, number, issuer, docListHint)
		if err != nil {
			return err
		}
		return use(s, d)
	})
}

// docListHint is what to do when a document number is not found.
const docListHint = "hãy kiểm tra số văn bản (xem danh sách bằng sotay doc list)"

// statsRoot is the organisation asked for, or the commune's root.
func statsRoot(ctx context.Context, s *storage.Storage, code string) (storage.Organisation, error) {
	if code = strings.TrimSpace(code); code != "" {
		o, err := s.Organisation(ctx, code)
		if errors.Is(err, storage.ErrNotFound) {
			return o, fmt.Errorf("không có tổ chức mã %s: hãy kiểm tra lại mã (xem bằng sotay orgs list)", code)
		}
		return o, err
	}
	orgs, err := s.Organisations(ctx)
	if err != nil {
		return storage.Organisation{}, err
	}
	for _, o := range orgs {
		if o.ParentCode == "" {
			return o, nil
		}
	}
	return storage.Organisation{}, errors.New("chưa có cây tổ chức: hãy nhập bằng sotay import orgs TỆP")
}

// rateText is the rate as CSV writes it: "95.2".
func rateText(c storage.StudyCounts) string {
	return strconv.FormatFloat(storage.RoundRate(c.Rate()), 'f', 1, 64)
}

func writeStudyCSV(out io.Writer, rows []storage.OrgStudy) error {
	return writeCSV(out, studyCSVHeader, rows, func(r storage.OrgStudy) []string {
		t := r.Total
		return []string{r.Code, r.Name, r.ParentCode, strconv.Itoa(t.Assigned), strconv.Itoa(t.Pending), strconv.Itoa(t.Delivered),
			strconv.Itoa(t.Read), strconv.Itoa(t.Listened), strconv.Itoa(t.Studied), strconv.Itoa(t.StudiedOffline), strconv.Itoa(t.Unreachable),
			strconv.Itoa(t.Failed), rateText(t)}
	})
}

func writeStudyTable(out io.Writer, rows []storage.OrgStudy) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "Mã\tTổ chức\tĐược giao\tChưa gửi\tĐã nhận\tĐã đọc\tNghe tóm tắt\tĐã học\tHọc tại chi bộ\tKhông liên lạc\tGửi lỗi\tTỷ lệ")
	for _, r := range rows {
		t := r.Total
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Code, orgLabel(r.Name, r.Depth, r.Dissolved), vn.Number(t.Assigned),
			vn.Number(t.Pending), vn.Number(t.Delivered), vn.Number(t.Read), vn.Number(t.Listened), vn.Number(t.Studied), vn.Number(t.StudiedOffline),
			vn.Number(t.Unreachable), vn.Number(t.Failed), vn.Percent(t.Rate()))
	}
	return w.Flush()
}
