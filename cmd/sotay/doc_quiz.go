package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"sotay/handlers/roster"
	"sotay/storage"
	"sotay/storage/vn"
)

func docQuizCmd() *cobra.Command {
	c := configFromEnv()
	var issuer, name string
	cmd := &cobra.Command{
		Use:   "quiz SỐ_HIỆU TỆP",
		Short: "Gắn bài kiểm tra trắc nghiệm (3–10 câu) cho văn bản",
		Long: "Gắn bài kiểm tra cho văn bản từ tệp CSV (UTF-8) hoặc Excel (.xlsx), mỗi dòng một câu, có dòng tiêu đề:\n" +
			"Câu hỏi, Phương án A, Phương án B, Phương án C, Phương án D, Đáp án (A–D), Giải thích.\n" +
			"Phương án C, D và Giải thích có thể để trống. Dòng nào sai thì báo số dòng và không lưu gì.\n" +
			"Gắn lại bài mới thì bài cũ vẫn được giữ cho các lượt làm bài trước đó.\n" +
			"Bắt buộc làm bài khi gửi: sotay push --doc SỐ_HIỆU --to MÃ --quiz [--pass 80].\n" +
			"TỆP là - thì đọc từ đầu vào chuẩn. Tệp mẫu: sotay import template quiz --out cau-hoi.xlsx",
		Example: "  sotay doc quiz 21-KL/TW cau-hoi-kl21.xlsx\n  sudo sotay-env doc quiz 21-KL/TW - < cau-hoi-kl21.xlsx",
		Args:    exactArgs(2, "sotay doc quiz SỐ_HIỆU TỆP, ví dụ: sotay doc quiz 21-KL/TW cau-hoi.xlsx"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			in, err := openInput(cmd, args[1], name)
			if err != nil {
				return err
			}
			defer in.r.Close()
			qs, err := roster.ParseQuiz(in.r, in.name)
			if err != nil {
				return userError(err)
			}
			return c.withDocument(ctx, args[0], issuer, func(s *storage.Storage, d storage.Document) error {
				q, err := s.SetQuiz(ctx, d.ID, qs, "cli")
				if err != nil {
					return userError(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Đã gắn bài kiểm tra %s câu (phiên bản %d) cho %s số %s.\n", vn.Number(len(qs)), q.Version, d.KindName(), d.Number)
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	issuerFlag(cmd, &issuer)
	nameFlag(cmd, &name, "tệp câu hỏi", "cau-hoi.xlsx")
	return cmd
}
