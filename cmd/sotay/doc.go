package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"sotay/storage"
	"sotay/storage/vn"
)

// maxUpload is the Bot API's limit on a file a bot uploads.
const maxUpload = 50 << 20

func docCmd() *cobra.Command {
	return group("doc", "Thêm, sửa, thu hồi và liệt kê văn bản của sổ tay", docAddCmd(), docEditCmd(), docWithdrawCmd(), docListCmd())
}

// docFlags are the fields of a document as flags.
type docFlags struct {
	kind, number, title, issuer, date, summary, textFile, file, audience string
	// name is the attachment's file name when --file is - (standard input).
	name string
}

func (f *docFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.kind, "kind", "", "`LOẠI`: nghi_quyet, chi_thi, ket_luan, quy_dinh, quy_che, ke_hoach, huong_dan, thong_bao, cong_van, tai_lieu (hoặc tên tiếng Việt, \"Kết luận\")")
	fl.StringVar(&f.number, "number", "", "`SỐ_HIỆU` như ghi trên văn bản, ví dụ 21-KL/TW")
	fl.StringVar(&f.title, "title", "", "`TRÍCH_YẾU` của văn bản")
	fl.StringVar(&f.issuer, "issuer", "", "`CƠ_QUAN` ban hành, ví dụ \"Ban Chấp hành Trung ương\"")
	fl.StringVar(&f.date, "date", "", "`NGÀY` ban hành: 25/10/2021, 2021-10-25, 25/10 (năm nay) hoặc \"hôm nay\"")
	fl.StringVar(&f.summary, "summary", "", "`TÓM_TẮT` ngắn hiện cùng văn bản")
	fl.StringVar(&f.textFile, "text", "", "`TỆP` văn bản UTF-8 chứa toàn văn (các đoạn cách nhau một dòng trống); - để đọc từ đầu vào chuẩn")
	fl.StringVar(&f.file, "file", "", "`TỆP` đính kèm (PDF, DOCX, ảnh), tối đa 50 MB; - để đọc từ đầu vào chuẩn, kèm --name")
	nameFlag(cmd, &f.name, "tệp đính kèm", "kl21.pdf")
	fl.StringVar(&f.audience, "audience", "", "`MÃ,...` các tổ chức được đọc văn bản, cách nhau dấu phẩy (bỏ trống: toàn Đảng bộ)")
}

// checkFiles refuses what cannot be read before anything is: two files
// on standard input, an attachment from standard input without its name,
// or --name with nothing to name.
func (f *docFlags) checkFiles(cmd *cobra.Command) error {
	changed := cmd.Flags().Changed
	switch {
	case changed("text") && changed("file") && f.textFile == stdinPath && f.file == stdinPath:
		return oneStdin(f.textFile, f.file)
	case changed("file") && f.file == stdinPath && strings.TrimSpace(f.name) == "":
		return errors.New("--file - (đọc tệp đính kèm từ đầu vào chuẩn) cần --name TÊN_TỆP, là tên tệp đảng viên thấy và cho biết loại tệp, ví dụ: --file - --name kl21.pdf < kl21.pdf")
	case changed("name") && !changed("file"):
		return errors.New("--name là tên của tệp đính kèm: chỉ dùng kèm --file, ví dụ: --file - --name kl21.pdf")
	}
	return nil
}

// apply copies the flags that were given onto in. today is the current
// time in the commune's zone, for --date "hôm nay" or --date 25/10.
func (f *docFlags) apply(cmd *cobra.Command, in *storage.DocumentInput, today time.Time) error {
	changed := cmd.Flags().Changed
	if changed("kind") {
		in.Kind = f.kind
	}
	if changed("number") {
		in.Number = f.number
	}
	if changed("title") {
		in.Title = f.title
	}
	if changed("issuer") {
		in.Issuer = f.issuer
	}
	if changed("summary") {
		in.Summary = f.summary
	}
	if changed("date") {
		d, err := vn.ParseDate(f.date, today)
		if err != nil {
			return fmt.Errorf("--date %q không đúng dạng: hãy ghi năm-tháng-ngày (2021-10-25) hoặc ngày/tháng/năm (25/10/2021)", f.date)
		}
		in.IssuedOn = d
	}
	if err := f.checkFiles(cmd); err != nil {
		return err
	}
	if changed("text") {
		b, _, err := readInput(cmd, f.textFile, "")
		if err != nil {
			return err
		}
		b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(b) {
			return fmt.Errorf("tệp %s không phải văn bản UTF-8: hãy mở tệp và lưu lại với mã hóa UTF-8 (hoặc xuất từ Word dạng .txt UTF-8)", shownPath(f.textFile))
		}
		in.Body = string(b)
	}
	if changed("file") {
		b, file, err := readInput(cmd, f.file, f.name)
		if err != nil {
			return err
		}
		if len(b) == 0 {
			return fmt.Errorf("tệp đính kèm %s rỗng", shownPath(f.file))
		}
		if len(b) > maxUpload {
			return fmt.Errorf("tệp đính kèm %s lớn %.1f MB, Telegram chỉ nhận tệp đến 50 MB: hãy nén hoặc tách tệp", shownPath(f.file), float64(len(b))/(1<<20))
		}
		in.FileName, in.FileData = file.name, b
		in.FileMime = mime.TypeByExtension(strings.ToLower(filepath.Ext(file.name)))
		if in.FileMime == "" {
			in.FileMime = http.DetectContentType(b)
		}
		in.FileMime, _, _ = strings.Cut(in.FileMime, ";")
	}
	if changed("audience") {
		in.SetAudience = true
		in.Audience = nil
		for _, c := range strings.Split(f.audience, ",") {
			if c = strings.TrimSpace(c); c != "" {
				in.Audience = append(in.Audience, c)
			}
		}
	}
	return nil
}

func docAddCmd() *cobra.Command {
	c := configFromEnv()
	var f docFlags
	var draft bool
	cmd := &cobra.Command{
		Use:   "add --kind LOẠI --number SỐ_HIỆU --title TRÍCH_YẾU --issuer CƠ_QUAN --date NGÀY [--summary TÓM_TẮT] [--text TỆP] [--file TỆP]",
		Short: "Thêm văn bản vào sổ tay (đăng ngay, trừ khi có --draft)",
		Long: "Thêm một văn bản. Bắt buộc có --kind, --number, --title, --issuer và --date. Văn bản được đăng\n" +
			"ngay (đảng viên xem trong /vanban), trừ khi có --draft; --audience chỉ cho đảng viên của một số tổ\n" +
			"chức và các cấp dưới của chúng đọc. Văn bản có dấu độ mật (MẬT, TỐI MẬT, TUYỆT MẬT) ở trích yếu, tóm tắt,\n" +
			"toàn văn, tên tệp hoặc trang đầu tệp PDF bị từ chối: tài liệu mật không được đưa lên mạng.",
		Example: `  sotay doc add --kind ket_luan --number 21-KL/TW --title "Kết luận về đẩy mạnh xây dựng, chỉnh đốn Đảng" \
    --issuer "Ban Chấp hành Trung ương" --date 25/10/2021 --text kl21.txt --file kl21.pdf
  sudo sotay-env doc add --kind ket_luan --number 21-KL/TW --title "..." --issuer "..." --date 25/10/2021 \
    --file - --name kl21.pdf < kl21.pdf`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var missing []string
			for _, name := range []string{"kind", "number", "title", "issuer", "date"} {
				if !cmd.Flags().Changed(name) {
					missing = append(missing, "--"+name)
				}
			}
			if len(missing) > 0 {
				return fmt.Errorf("thiếu %s. Xem ví dụ: sotay doc add -h", strings.Join(missing, ", "))
			}
			loc, err := c.location()
			if err != nil {
				return err
			}
			in := storage.DocumentInput{Draft: draft, Actor: "cli"}
			if err := f.apply(cmd, &in, c.now(loc)); err != nil {
				return err
			}
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error {
				d, err := s.CreateDocument(ctx, in)
				if err != nil {
					return err
				}
				if draft {
					fmt.Fprintf(cmd.OutOrStdout(), "Đã lưu bản nháp %s số %s (mã %d). Đăng bằng: sotay doc edit %q --publish\n", d.KindName(), d.Number, d.ID, d.Number)
				} else {
					fmt.Fprintf(cmd.OutOrStdout(), "Đã đăng %s số %s (mã %d): %s\n", d.KindName(), d.Number, d.ID, d.Title)
				}
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	f.register(cmd)
	cmd.Flags().BoolVar(&draft, "draft", false, "lưu bản nháp, chưa đăng")
	return cmd
}

func docEditCmd() *cobra.Command {
	c := configFromEnv()
	var f docFlags
	var from string
	var publish bool
	cmd := &cobra.Command{
		Use:   "edit SỐ_HIỆU [--title ...] [--summary ...] [--text TỆP] [--file TỆP] [--audience MÃ,...] [--publish]",
		Short: "Sửa văn bản: chỉ những gì được ghi mới thay đổi",
		Long: "Sửa văn bản có số hiệu này (viết kiểu nào cũng được: \"21-KL/TW\", \"21 kl/tw\"). Chỉ các tùy chọn\n" +
			"được ghi mới thay đổi. --audience \"\" mở cho toàn Đảng bộ. --from CƠ_QUAN chọn văn bản khi nhiều\n" +
			"cơ quan ban hành cùng số hiệu. --publish đăng bản nháp hoặc văn bản đã thu hồi.",
		Example: `  sotay doc edit 21-KL/TW --summary "Tóm tắt mới" --text kl21.txt`,
		Args:    exactArgs(1, "sotay doc edit SỐ_HIỆU, ví dụ: sotay doc edit 21-KL/TW --title \"...\""),
		RunE: func(cmd *cobra.Command, args []string) error {
			loc, err := c.location()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error {
				d, err := s.DocumentByNumber(ctx, args[0], from)
				if err != nil {
					return err
				}
				in := d.Input()
				in.Actor = "cli"
				if err := f.apply(cmd, &in, c.now(loc)); err != nil {
					return err
				}
				return s.WithTx(ctx, func(s *storage.Storage) error {
					d, err := s.UpdateDocument(ctx, d.ID, in)
					if err != nil {
						return err
					}
					if publish {
						if _, err := s.PublishDocument(ctx, d.ID, "cli"); err != nil {
							return err
						}
					}
					fmt.Fprintf(cmd.OutOrStdout(), "Đã sửa %s số %s (mã %d).\n", d.KindName(), d.Number, d.ID)
					if publish {
						fmt.Fprintln(cmd.OutOrStdout(), "Văn bản đã được đăng: đảng viên xem được trong /vanban.")
					}
					return nil
				})
			})
		},
	}
	c.dbFlags(cmd)
	f.register(cmd)
	cmd.Flags().StringVar(&from, "from", "", "`CƠ_QUAN` ban hành của văn bản cần sửa, khi số hiệu bị trùng")
	cmd.Flags().BoolVar(&publish, "publish", false, "đăng văn bản (bản nháp hoặc văn bản đã thu hồi)")
	return cmd
}

func docWithdrawCmd() *cobra.Command {
	c := configFromEnv()
	var from string
	cmd := &cobra.Command{
		Use:     "withdraw SỐ_HIỆU",
		Short:   "Thu hồi văn bản: đảng viên không còn xem được",
		Long:    "Thu hồi văn bản có số hiệu này. Thu hồi lần thứ hai không thay đổi gì. --from CƠ_QUAN chọn văn bản\nkhi nhiều cơ quan ban hành cùng số hiệu.",
		Example: "  sotay doc withdraw 21-KL/TW",
		Args:    exactArgs(1, "sotay doc withdraw SỐ_HIỆU, ví dụ: sotay doc withdraw 21-KL/TW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error {
				d, changed, err := s.WithdrawDocument(ctx, args[0], from, "cli")
				if err != nil {
					return err
				}
				if changed {
					fmt.Fprintf(cmd.OutOrStdout(), "Đã thu hồi %s số %s: đảng viên không còn xem được văn bản này.\n", d.KindName(), d.Number)
				} else {
					fmt.Fprintf(cmd.OutOrStdout(), "%s số %s đã được thu hồi từ trước.\n", d.KindName(), d.Number)
				}
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().StringVar(&from, "from", "", "`CƠ_QUAN` ban hành của văn bản, khi số hiệu bị trùng")
	return cmd
}

var docStatusNames = map[string]string{
	storage.DocDraft:     "nháp",
	storage.DocPublished: "đã đăng",
	storage.DocWithdrawn: "đã thu hồi",
}

func docListCmd() *cobra.Command {
	c := configFromEnv()
	var status string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Liệt kê văn bản, mới nhất trước",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if status != "" && docStatusNames[status] == "" {
				return fmt.Errorf("--status %q không có: hãy dùng draft, published hoặc withdrawn", status)
			}
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error { return listDocuments(ctx, cmd, s, status) })
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().StringVar(&status, "status", "", "chỉ liệt kê văn bản có `TRẠNG_THÁI` draft (nháp), published (đã đăng) hoặc withdrawn (đã thu hồi)")
	return cmd
}

func listDocuments(ctx context.Context, cmd *cobra.Command, s *storage.Storage, status string) error {
	ds, err := s.Documents(ctx, status)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "Mã\tSố hiệu\tLoại\tNgày\tCơ quan\tTrạng thái\tTệp\tTrích yếu")
	for _, d := range ds {
		file := ""
		if d.HasFile() {
			file = "có"
		}
		title := []rune(d.Title)
		if len(title) > 60 {
			title = append(title[:59], '…')
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.ID, d.Number, d.KindName(), d.IssuedOn.Format("02/01/2006"),
			d.Issuer, docStatusNames[d.Status], file, string(title))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s văn bản.\n", vn.Number(len(ds)))
	return nil
}

// exactArgs is cobra.ExactArgs with a Vietnamese message and an example.
func exactArgs(n int, usage string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErr(c, "cách dùng: "+usage)
		}
		return nil
	}
}
