package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"sotay/storage"
	"sotay/storage/vn"
)

// addVoiceCommands puts the voice summaries' commands in the tree (issue
// 21): sotay lang add|list, and sotay doc voice.
func addVoiceCommands(root *cobra.Command) {
	child(root, "lang", "Ngôn ngữ của bản tóm tắt giọng nói").AddCommand(langAddCmd(), langListCmd())
	child(root, "doc", "Văn bản").AddCommand(docVoiceCmd())
}

func langAddCmd() *cobra.Command {
	c := configFromEnv()
	cmd := &cobra.Command{
		Use:   "add MÃ TÊN",
		Short: "Thêm một ngôn ngữ cho bản tóm tắt giọng nói",
		Long: "Thêm ngôn ngữ vào danh sách đảng viên chọn để nghe tóm tắt văn bản (/ngonngu) và cán bộ chọn khi ghi.\n" +
			"MÃ theo ISO 639, 2 hoặc 3 chữ cái thường; TÊN không kèm chữ \"tiếng\" (sổ tay tự thêm khi cần).",
		Example: "  sotay lang add gia Giáy\n  sotay lang add khb Lự",
		Args:    exactArgs(2, "sotay lang add MÃ TÊN, ví dụ: sotay lang add gia Giáy"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withStorage(cmd.Context(), func(s *storage.Storage) error {
				l, err := s.AddLanguage(cmd.Context(), args[0], args[1], "cli")
				if err != nil {
					return userError(err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Đã thêm ngôn ngữ %s (%s).\n", l.Name, l.Code)
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	return cmd
}

func langListCmd() *cobra.Command {
	c := configFromEnv()
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Liệt kê các ngôn ngữ của bản tóm tắt giọng nói",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withStorage(cmd.Context(), func(s *storage.Storage) error {
				ls, err := s.Languages(cmd.Context())
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "Mã\tTên")
				for _, l := range ls {
					fmt.Fprintf(w, "%s\t%s\n", l.Code, l.Name)
				}
				return w.Flush()
			})
		},
	}
	c.dbFlags(cmd)
	return cmd
}

// maxVoiceRead bounds what doc voice reads of a file: enough to say how
// much larger than the limit it is.
const maxVoiceRead = 4 * storage.MaxVoiceBytes

func docVoiceCmd() *cobra.Command {
	c := configFromEnv()
	var issuer, lang, name, by string
	var replace bool
	cmd := &cobra.Command{
		Use:   "voice SỐ_HIỆU [TỆP --lang NGÔN_NGỮ]",
		Short: "Thêm bản tóm tắt giọng nói cho văn bản, hoặc xem các bản đã có",
		Long: "Thêm bản tóm tắt giọng nói của văn bản bằng một ngôn ngữ (xem sotay lang list): tệp OGG/Opus (tin nhắn thoại,\n" +
			"gửi như tin nhắn thoại), MP3 hoặc M4A (gửi như tệp âm thanh), dài tối đa 10 phút và 10 MB. Độ dài đọc từ chính tệp.\n" +
			"Đảng viên chọn ngôn ngữ đó (/ngonngu) thấy nút «🔊 Nghe tóm tắt» trên văn bản; văn bản chưa có bản bằng ngôn ngữ\n" +
			"của họ thì họ nghe bản tiếng Việt. Ngôn ngữ đã có bản thì cần --replace; bản cũ vẫn được giữ.\n" +
			"TỆP là - thì đọc từ đầu vào chuẩn (--name đặt tên tệp). Không có TỆP: in các bản đã có.",
		Example: "  sotay doc voice 21-KL/TW --lang hmn tom-tat-mong.ogg --by DV0012\n" +
			"  sudo sotay-env doc voice 21-KL/TW --lang vi - --name tom-tat.m4a < tom-tat.m4a\n  sotay doc voice 21-KL/TW",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usageErr(cmd, "cách dùng: sotay doc voice SỐ_HIỆU TỆP --lang NGÔN_NGỮ, ví dụ: sotay doc voice 21-KL/TW tom-tat.ogg --lang hmn")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, out := cmd.Context(), cmd.OutOrStdout()
			if len(args) == 1 {
				if lang != "" || replace || by != "" || name != "" {
					return errors.New("thiếu TỆP ghi âm: sotay doc voice SỐ_HIỆU TỆP --lang NGÔN_NGỮ, ví dụ: sotay doc voice 21-KL/TW tom-tat.ogg --lang hmn")
				}
				return c.withDocument(ctx, args[0], issuer, func(s *storage.Storage, d storage.Document) error {
					return listVoices(ctx, out, s, d)
				})
			}
			if strings.TrimSpace(lang) == "" {
				return errors.New("thiếu --lang: hãy ghi ngôn ngữ của bản ghi, ví dụ --lang hmn hoặc --lang Mông (xem sotay lang list)")
			}
			if name != "" && args[1] != stdinPath {
				return errors.New("--name là tên của bản ghi đọc từ đầu vào chuẩn: chỉ dùng khi TỆP là -")
			}
			in, err := openInput(cmd, args[1], name)
			if err != nil {
				return err
			}
			data, err := io.ReadAll(io.LimitReader(in.r, maxVoiceRead+1))
			in.r.Close()
			if err != nil {
				return fmt.Errorf("không đọc được %s: %v", shownPath(args[1]), err)
			}
			if len(data) > maxVoiceRead {
				return fmt.Errorf("tệp %s lớn hơn %d MB, bản tóm tắt chỉ được đến %d MB (và 10 phút): hãy ghi ngắn hơn, chỉ những ý chính; chưa lưu gì",
					shownPath(args[1]), maxVoiceRead>>20, storage.MaxVoiceBytes>>20)
			}
			fileName := in.name
			if fileName == stdinPath {
				fileName = ""
			}
			return c.withDocument(ctx, args[0], issuer, func(s *storage.Storage, d storage.Document) error {
				l, err := s.FindLanguage(ctx, lang)
				if err != nil {
					return userError(err)
				}
				vin := storage.VoiceInput{DocumentID: d.ID, Lang: l.Code, Name: fileName, Data: data, Replace: replace, Actor: "cli"}
				if by != "" {
					m, err := s.Member(ctx, by)
					if errors.Is(err, storage.ErrNotFound) {
						return fmt.Errorf("--by %s: không có đảng viên mã này (xem bằng sotay orgs list, rồi danh sách đảng viên của chi bộ)", by)
					}
					if err != nil {
						return err
					}
					vin.RecordedBy = &m.ID
				}
				if cur, err := s.VoiceSummary(ctx, d.ID, l.Code); err == nil && !replace {
					return fmt.Errorf("%s số %s đã có bản tóm tắt %s (bản %d, %s, ghi ngày %s): thêm --replace để thay, bản cũ vẫn được giữ; chưa lưu gì",
						d.KindName(), d.Number, l.Spoken(), cur.Version, cur.Length(), vn.FormatDate(cur.CreatedAt.In(s.Now().Location())))
				}
				v, err := s.AddVoiceSummary(ctx, vin)
				if err != nil {
					return userError(err)
				}
				sent := "tệp âm thanh"
				if v.Kind == storage.AsVoice {
					sent = "tin nhắn thoại"
				}
				fmt.Fprintf(out, "Đã thêm bản tóm tắt %s (bản %d: %s, %s, %s KB, gửi dạng %s) cho %s số %s.\n", v.Spoken(), v.Version, v.Length(),
					v.Format.Name(), vn.Number((len(data)+1023)/1024), sent, d.KindName(), d.Number)
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	issuerFlag(cmd, &issuer)
	cmd.Flags().StringVar(&lang, "lang", "", "`NGÔN_NGỮ` của bản ghi: mã (vi, blt, hmn, ium) hoặc tên (Mông); xem sotay lang list")
	nameFlag(cmd, &name, "bản ghi", "tom-tat.ogg")
	cmd.Flags().StringVar(&by, "by", "", "`MÃ_ĐẢNG_VIÊN` người đọc bản ghi (ghi vào lịch sử các bản)")
	cmd.Flags().BoolVar(&replace, "replace", false, "thay bản đang có của ngôn ngữ đó (bản cũ vẫn được giữ)")
	return cmd
}

// listVoices prints a document's recordings, every version.
func listVoices(ctx context.Context, out io.Writer, s *storage.Storage, d storage.Document) error {
	vs, err := s.VoiceVersions(ctx, d.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s số %s — %s\n", d.KindName(), d.Number, d.Title)
	if len(vs) == 0 {
		fmt.Fprintf(out, "Chưa có bản tóm tắt giọng nói nào (thêm bằng: sotay doc voice %s TỆP --lang vi).\n", d.Number)
		return nil
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "Ngôn ngữ\tBản\tĐộ dài\tĐịnh dạng\tNgười ghi\tNgày ghi\tĐang dùng")
	current := ""
	for _, v := range vs {
		who := v.RecorderName
		if who == "" {
			who = "(dòng lệnh)"
		} else {
			who += " (" + v.RecorderCode + ")"
		}
		mark := ""
		if v.Lang != current {
			current, mark = v.Lang, "✓"
		}
		fmt.Fprintf(w, "%s (%s)\t%d\t%s\t%s\t%s\t%s\t%s\n", v.LangName, v.Lang, v.Version, v.Length(), v.Format.Name(), who,
			vn.FormatDate(v.CreatedAt.In(s.Now().Location())), mark)
	}
	return w.Flush()
}
