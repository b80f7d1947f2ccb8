package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"sotay/storage"
	"sotay/storage/vn"
)

func studyOfflineCmd() *cobra.Command {
	c := configFromEnv()
	var a offlineArgs
	cmd := &cobra.Command{
		Use:   "offline --doc SỐ_HIỆU (--member MÃ[,MÃ...] | --file TỆP.csv) [--on NGÀY] [--org MÃ]",
		Short: "Ghi nhận đảng viên đã học văn bản tại buổi sinh hoạt chi bộ",
		Long: "Ghi nhận các đảng viên đã học văn bản tại buổi sinh hoạt chi bộ hoặc trực tiếp (học tại chi bộ),\n" +
			"cho những đồng chí không dùng Telegram. Mỗi mã được báo riêng: đã ghi, đã ghi từ trước, hoặc bị từ chối\n" +
			"(không có mã, không được giao văn bản, ngoài phạm vi --org, đã học trực tuyến, đợt học đã kết thúc).\n" +
			"Nếu có mã bị từ chối, không mã nào được ghi, trừ khi có --skip-refused.\n" +
			"--file là tệp CSV có mã đảng viên ở cột đầu (dòng tiêu đề code hoặc Mã đảng viên được bỏ qua).",
		Example: "  sotay study offline --doc 21-KL/TW --member DV0001,DV0002 --on 15/11/2026\n" +
			"  sotay study offline --doc 21-KL/TW --file da-hoc.csv --org CBNAHIEN\n" +
			"  sudo sotay-env study offline --doc 21-KL/TW --file - < da-hoc.csv",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.file != "" {
				b, _, err := readInput(cmd, a.file, "")
				if err != nil {
					return err
				}
				a.fileData = b
			}
			return c.studyOffline(cmd.Context(), cmd.OutOrStdout(), a)
		},
	}
	c.dbFlags(cmd)
	documentFlags(cmd, &a.doc, &a.issuer)
	cmd.Flags().StringVar(&a.members, "member", "", "`MÃ,...` mã các đảng viên đã học, cách nhau dấu phẩy")
	cmd.Flags().StringVar(&a.file, "file", "", "`TỆP` CSV có mã đảng viên ở cột đầu; - để đọc từ đầu vào chuẩn")
	cmd.Flags().StringVar(&a.on, "on", "", "`NGÀY` buổi sinh hoạt: 15/11/2026, 2026-11-15, hôm qua (mặc định hôm nay)")
	cmd.Flags().StringVar(&a.org, "org", "", "`MÃ` tổ chức: chỉ ghi cho đảng viên được giao tại tổ chức này và cấp dưới (mặc định cả Đảng bộ)")
	cmd.Flags().BoolVar(&a.skipRefused, "skip-refused", false, "vẫn ghi các mã hợp lệ khi có mã bị từ chối")
	cmd.Flags().StringVar(&c.TZ, "tz", c.TZ, "`MÚI_GIỜ` (biến TZ)")
	return cmd
}

type offlineArgs struct {
	doc, issuer, members, file, on, org string
	skipRefused                         bool
	// fileData is what --file holds, read before the database is opened.
	fileData []byte
}

func (c *config) studyOffline(ctx context.Context, out io.Writer, a offlineArgs) error {
	loc, err := c.location()
	if err != nil {
		return err
	}
	if strings.TrimSpace(a.doc) == "" {
		return errNoDoc
	}
	if (a.members == "") == (a.file == "") {
		return errors.New("hãy ghi đúng một trong hai: --member DV0001,DV0002 hoặc --file TỆP.csv")
	}
	codes := strings.Split(a.members, ",")
	if a.file != "" {
		if codes, err = readCodes(shownPath(a.file), a.fileData); err != nil {
			return err
		}
	}
	if len(strings.TrimSpace(strings.Join(codes, ""))) == 0 {
		return errors.New("không có mã đảng viên nào: hãy ghi --member DV0001,DV0002 hoặc một tệp có mã ở cột đầu")
	}
	now := c.now(loc)
	on := now
	if a.on != "" {
		if on, err = vn.ParseDate(a.on, now); err != nil {
			return fmt.Errorf("--on %q không phải ngày: hãy ghi DD/MM/YYYY, ví dụ --on 15/11/2026", a.on)
		}
		if err := storage.CheckOfflineDay(on, now); err != nil {
			return fmt.Errorf("--on: %s", storage.ErrorMessage(err))
		}
	}
	return c.withDocument(ctx, a.doc, a.issuer, func(s *storage.Storage, d storage.Document) error {
		scope, err := statsRoot(ctx, s, a.org)
		if err != nil {
			return err
		}
		res, err := s.OfflineByCodes(ctx, d.ID, codes, scope.ID, storage.OfflineBy{Actor: "cli"}, on, a.skipRefused)
		if err != nil {
			return err
		}
		var ticked, unchanged, refused int
		for _, o := range res {
			switch o.Outcome {
			case storage.OfflineTicked:
				ticked++
				fmt.Fprintf(out, "✓ %s %s: đã ghi nhận học tại chi bộ\n", o.Code, o.Name)
			case storage.OfflineUnchanged:
				unchanged++
				fmt.Fprintf(out, "· %s %s: %s\n", o.Code, o.Name, o.Reason)
			default:
				refused++
				fmt.Fprintf(out, "✗ %s %s: %s\n", o.Code, o.Name, o.Reason)
			}
		}
		fmt.Fprintf(out, "%s số %s, buổi sinh hoạt ngày %s: ghi %s, không đổi %s, từ chối %s.\n",
			storage.DocumentKindName(d.Kind), d.Number, vn.FormatDate(on), vn.Number(ticked), vn.Number(unchanged), vn.Number(refused))
		if refused > 0 && !a.skipRefused {
			return fmt.Errorf("có %s mã bị từ chối nên chưa ghi mã nào: hãy sửa hoặc bỏ các mã đó rồi chạy lại, hoặc thêm --skip-refused để ghi các mã hợp lệ", vn.Number(refused))
		}
		return nil
	})
}

// readCodes reads member codes from the first column of a CSV file (comma
// or semicolon), skipping a header row.
func readCodes(path string, b []byte) ([]string, error) {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(b))
	if bytes.Count(b, []byte(";")) > bytes.Count(b, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("tệp %s không phải CSV hợp lệ: %v", path, err)
	}
	var codes []string
	for i, rec := range recs {
		if len(rec) == 0 {
			continue
		}
		v := strings.TrimSpace(rec[0])
		if i == 0 {
			switch vn.Key(v) {
			case "code", "ma", "madangvien", "sothe", "madv":
				continue
			}
		}
		codes = append(codes, v)
	}
	return codes, nil
}
