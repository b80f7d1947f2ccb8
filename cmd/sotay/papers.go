package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"sotay/handlers/papers"
	"sotay/storage"
	"sotay/storage/pdftext"
)

// The papers for the cell on the command line (issue 20, item 6): sotay
// record, a member's quarterly record (or a cell's, a page a member), and
// sotay followup, the list to carry to the village. Papers to print, so
// PDF only; the same storage and drawing as the bot's buttons.

// addPaperCommands puts record and followup in the tree.
func addPaperCommands(root *cobra.Command) {
	root.AddCommand(recordCmd(), followUpCmd())
}

func recordCmd() *cobra.Command {
	c := configFromEnv()
	var org, member, quarter, pdf string
	cmd := &cobra.Command{
		Use:   "record (--org MÃ | --member MÃ) --quarter NĂM-QUÝ --pdf TỆP",
		Short: "In phiếu tổng hợp kết quả hoạt động quý của đảng viên (PDF), để tự kiểm điểm, đánh giá, xếp loại",
		Long: "Ghi ra tệp PDF phiếu tổng hợp một quý của một đảng viên (--member), hoặc của mọi đảng viên thuộc một tổ chức vào\n" +
			"ngày cuối quý, kể cả các cấp dưới (--org), mỗi đồng chí một trang A4, dùng cho buổi đánh giá, xếp loại\n" +
			"(Quy định 366-QĐ/TW): văn bản đã học trong quý và cách học (trực tuyến, bài kiểm tra, tại chi bộ), các buổi\n" +
			"sinh hoạt chi bộ và việc tham dự (theo điểm danh theo tên ở phiên bản mới nhất của báo cáo; báo cáo chỉ ghi\n" +
			"số người có mặt thì ghi là chưa ghi nhận theo tên), văn bản chưa học tính đến hết quý. Quý đang diễn ra\n" +
			"tính đến hôm nay.",
		Example: "  sotay record --member DV0001 --quarter 2026-Q4 --pdf phieu-DV0001.pdf\n" +
			"  sotay record --org CBNAHIEN --quarter 2026-Q4 --pdf phieu-quy-IV.pdf",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			org, member = strings.TrimSpace(org), strings.TrimSpace(member)
			if (org == "") == (member == "") {
				return errors.New("hãy ghi một trong hai: --org MÃ (cả tổ chức) hoặc --member MÃ (một đảng viên), " +
					"ví dụ: sotay record --org CBNAHIEN --quarter 2026-Q4 --pdf phieu.pdf")
			}
			q, err := storage.ReadQuarter(quarter)
			if err != nil {
				return fmt.Errorf("--quarter: %s", storage.ErrorMessage(err))
			}
			if err := checkPDFPath(pdf, "phieu.pdf"); err != nil {
				return err
			}
			loc, err := c.location()
			if err != nil {
				return err
			}
			now := c.now(loc)
			if err := storage.CheckQuarter(q, now); err != nil {
				return fmt.Errorf("--quarter: %s", storage.ErrorMessage(err))
			}
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error {
				recs, whose, err := quarterRecords(ctx, s, org, member, q)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if len(recs) == 0 {
					fmt.Fprintf(out, "%s không có đảng viên nào vào ngày cuối %s: không ghi phiếu.\n", whose, q.Name())
					return nil
				}
				if err := writePaper(pdf, func(w io.Writer) error {
					return papers.WriteRecords(w, papers.Records{Printed: now, Records: recs})
				}); err != nil {
					return err
				}
				if member != "" {
					fmt.Fprintf(out, "Đã ghi phiếu tổng hợp %s của đồng chí %s (%s), 1 trang A4, vào %s.\n", q.Name(), recs[0].Member.FullName, recs[0].Member.Code, pdf)
					return nil
				}
				fmt.Fprintf(out, "Đã ghi phiếu tổng hợp %s của %d đảng viên thuộc %s (%d trang A4, mỗi đồng chí một trang) vào %s.\n",
					q.Name(), len(recs), whose, len(recs), pdf)
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().StringVar(&org, "org", "", "`MÃ` tổ chức: phiếu của mọi đảng viên thuộc tổ chức vào ngày cuối quý, kể cả cấp dưới (xem sotay orgs list)")
	cmd.Flags().StringVar(&member, "member", "", "`MÃ` đảng viên: phiếu của một đồng chí")
	cmd.Flags().StringVar(&quarter, "quarter", "", "`NĂM-QUÝ` cần in, như 2026-Q4 (quý IV năm 2026)")
	cmd.Flags().StringVar(&pdf, "pdf", "", "ghi phiếu vào `TỆP` .pdf")
	cmd.Flags().StringVar(&c.TZ, "tz", c.TZ, "`MÚI_GIỜ` (biến TZ)")
	return cmd
}

// quarterRecords are the records --org or --member asks for, and whose
// they are, for the messages.
func quarterRecords(ctx context.Context, s *storage.Storage, org, member string, q storage.Quarter) ([]storage.QuarterRecord, string, error) {
	if member != "" {
		m, err := s.Member(ctx, member)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, "", fmt.Errorf("--member: không có đảng viên mã %s: hãy kiểm tra lại mã đảng viên", member)
		}
		if err != nil {
			return nil, "", err
		}
		r, err := s.MemberQuarterRecord(ctx, m.ID, q)
		if err != nil {
			return nil, "", userError(err)
		}
		return []storage.QuarterRecord{r}, m.FullName, nil
	}
	o, err := paperOrg(ctx, s, org)
	if err != nil {
		return nil, "", err
	}
	rs, err := s.OrgQuarterRecords(ctx, o.ID, q)
	if err != nil {
		return nil, "", userError(err)
	}
	return rs, o.Name, nil
}

func followUpCmd() *cobra.Command {
	c := configFromEnv()
	var org, pdf string
	cmd := &cobra.Command{
		Use:   "followup --org MÃ --pdf TỆP",
		Short: "In danh sách đảng viên cần nhắc (PDF) để mang theo buổi sinh hoạt",
		Long: fmt.Sprintf("Ghi ra tệp PDF danh sách các đảng viên của tổ chức (kể cả cấp dưới) còn văn bản chưa học (đợt học tập\n"+
			"đang mở) hoặc vắng buổi sinh hoạt có ghi điểm danh theo tên trong %d ngày qua; đánh dấu những đồng chí bot\n"+
			"không nhắn tới được (chưa liên kết Telegram, đã chặn bot), và có cột «Đã nhắc» để đánh dấu bằng tay.", storage.FollowUpDays),
		Example: "  sotay followup --org CBNAHIEN --pdf can-nhac.pdf",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(org) == "" {
				return errors.New("thiếu --org MÃ: tổ chức cần in danh sách, ví dụ: sotay followup --org CBNAHIEN --pdf can-nhac.pdf")
			}
			if err := checkPDFPath(pdf, "can-nhac.pdf"); err != nil {
				return err
			}
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error {
				o, err := paperOrg(ctx, s, org)
				if err != nil {
					return err
				}
				f, err := s.FollowUpList(ctx, o.ID)
				if err != nil {
					return err
				}
				var pages int
				if err := writePaper(pdf, func(w io.Writer) error {
					var b bytes.Buffer
					if err := papers.WriteFollowUp(&b, f); err != nil {
						return err
					}
					if pages, err = pdftext.NumPages(b.Bytes()); err != nil {
						return err
					}
					_, err := w.Write(b.Bytes())
					return err
				}); err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if len(f.Rows) == 0 {
					fmt.Fprintf(out, "%s: mọi đảng viên đã học đủ và không vắng buổi sinh hoạt nào có ghi tên trong %d ngày qua; đã ghi danh sách (không có ai cần nhắc) vào %s.\n",
						o.Name, storage.FollowUpDays, pdf)
					return nil
				}
				away := 0
				for _, r := range f.Rows {
					if r.NotLinked() || r.Blocked() {
						away++
					}
				}
				fmt.Fprintf(out, "Đã ghi danh sách cần nhắc của %s vào %s: %d/%d đảng viên cần nhắc, %d trang A4.\n", o.Name, pdf, len(f.Rows), f.Members, pages)
				if away > 0 {
					fmt.Fprintf(out, "%d đồng chí bot không nhắn tới được (chưa liên kết Telegram hoặc đã chặn bot): cần nhắc trực tiếp.\n", away)
				}
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().StringVar(&org, "org", "", "`MÃ` tổ chức cần in danh sách, kể cả cấp dưới (xem sotay orgs list)")
	cmd.Flags().StringVar(&pdf, "pdf", "", "ghi danh sách vào `TỆP` .pdf")
	cmd.Flags().StringVar(&c.TZ, "tz", c.TZ, "`MÚI_GIỜ` (biến TZ)")
	return cmd
}

// checkPDFPath refuses a missing --pdf or one that is not a .pdf: these
// are papers to print.
func checkPDFPath(path, example string) error {
	switch {
	case strings.TrimSpace(path) == "":
		return fmt.Errorf("thiếu --pdf TỆP: tệp PDF để in, ví dụ --pdf %s", example)
	case !strings.HasSuffix(strings.ToLower(path), ".pdf"):
		return fmt.Errorf("--pdf %s: phải là tệp .pdf (phiếu để in), ví dụ --pdf %s", path, example)
	}
	return nil
}

// paperOrg is the organisation --org names.
func paperOrg(ctx context.Context, s *storage.Storage, code string) (storage.Organisation, error) {
	code = strings.TrimSpace(code)
	o, err := s.Organisation(ctx, code)
	if errors.Is(err, storage.ErrNotFound) {
		return o, fmt.Errorf("--org: không có tổ chức mã %s: hãy kiểm tra lại mã (xem bằng sotay orgs list)", code)
	}
	return o, err
}

// writePaper writes a PDF to path whole, or leaves no file.
func writePaper(path string, draw func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("không ghi được %s: %v", path, err)
	}
	err = draw(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("không ghi được %s: %v", path, err)
	}
	return nil
}
