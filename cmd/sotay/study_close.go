package main

import (
	"fmt"

	"sotay/storage"
	"sotay/storage/vn"

	"github.com/spf13/cobra"
)

func studyCloseCmd() *cobra.Command {
	c := configFromEnv()
	var doc, issuer string
	cmd := &cobra.Command{
		Use:   "close --doc SỐ_HIỆU",
		Short: "Kết thúc các đợt học tập của một văn bản",
		Long: "Kết thúc mọi đợt học tập đang mở của văn bản: không nhận thêm «Tôi đã học», bài kiểm tra hay ghi nhận học\n" +
			"tại chi bộ, không nhắc nữa. Số liệu đã có được giữ nguyên (sotay stats study vẫn tính).",
		Example: "  sotay study close --doc 21-KL/TW",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if doc == "" {
				return errNoDoc
			}
			return c.withDocument(ctx, doc, issuer, func(s *storage.Storage, d storage.Document) error {
				n, err := s.CloseDocumentCampaigns(ctx, d.ID, "cli")
				if err != nil {
					return err
				}
				if n == 0 {
					fmt.Fprintf(cmd.OutOrStdout(), "%s số %s không có đợt học tập nào đang mở.\n", d.KindName(), d.Number)
					return nil
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Đã kết thúc %s đợt học tập của %s số %s.\n", vn.Number(n), d.KindName(), d.Number)
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	documentFlags(cmd, &doc, &issuer)
	return cmd
}
