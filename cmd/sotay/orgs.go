package main

import (
	"bytes"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"sotay/storage"
	"sotay/storage/vn"
)

func orgsCmd() *cobra.Command {
	return group("orgs", "Xem cây tổ chức đảng và mã của từng tổ chức", orgsListCmd())
}

func orgsListCmd() *cobra.Command {
	c := configFromEnv()
	var asCSV bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Liệt kê các tổ chức (mã, tên, loại, cấp trên) theo cây",
		Long: "Liệt kê các tổ chức chưa giải thể theo cây, cấp dưới thụt vào dưới cấp trên. Mã tổ chức là thứ\n" +
			"ghi sau sotay push --to và sotay grant --org. --csv in dạng CSV với tiêu đề code,name,kind,parent_code.",
		Example: "  sotay orgs list\n  sotay orgs list --demo\n  sotay orgs list --csv > to-chuc.csv",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error {
				orgs, err := s.Organisations(ctx)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				if asCSV {
					return writeCSV(out, []string{"code", "name", "kind", "parent_code"}, orgs, func(o storage.Organisation) []string {
						return []string{o.Code, o.Name, string(o.Kind), o.ParentCode}
					})
				}
				if len(orgs) == 0 {
					fmt.Fprintln(out, "Chưa có tổ chức nào. Nhập cây tổ chức bằng: sotay import orgs TỆP (cột code, name, kind, parent_code).")
					return nil
				}
				depth := map[string]int{}
				var buf bytes.Buffer
				w := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
				fmt.Fprintln(w, "Mã\tTên\tLoại\tMã cấp trên")
				for _, o := range orgs {
					d := 0
					if o.ParentCode != "" {
						d = depth[o.ParentCode] + 1
					}
					depth[o.Code] = d
					fmt.Fprintf(w, "%s%s\t%s\t%s\t%s\n", strings.Repeat("  ", d), o.Code, o.Name, storage.KindName(o.Kind), o.ParentCode)
				}
				if err := w.Flush(); err != nil {
					return err
				}
				for _, l := range strings.SplitAfter(buf.String(), "\n") {
					// The root has no parent: no padding left at its end.
					fmt.Fprint(out, strings.TrimRight(l, " \n")+strings.Repeat("\n", strings.Count(l, "\n")))
				}
				fmt.Fprintf(out, "%s tổ chức. Dùng mã với sotay push --to MÃ và sotay grant --org MÃ.\n", vn.Number(len(orgs)))
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().BoolVar(&asCSV, "csv", false, "in dạng CSV: code,name,kind,parent_code")
	return cmd
}
