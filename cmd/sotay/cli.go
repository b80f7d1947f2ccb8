package main

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// What cobra would print in English is set here in Vietnamese: the help and
// usage templates, the help flag and command, the completion command, and
// the errors about flags, arguments and unknown commands.

// usageTemplate is cobra's default usage template in Vietnamese.
const usageTemplate = `Cách dùng:{{if .Runnable}}
  {{viUseLine .UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [lệnh]{{end}}{{if gt (len .Aliases) 0}}

Tên khác:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Ví dụ:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Các lệnh:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Tùy chọn:
{{viFlags .LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Tùy chọn chung:
{{viFlags .InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Gõ "{{.CommandPath}} [lệnh] -h" để xem hướng dẫn của từng lệnh.{{end}}
`

const helpTemplate = `{{with (or .Long .Short)}}{{. | trimTrailingWhitespaces}}

{{end}}{{if or .Runnable .HasSubCommands}}{{.UsageString}}{{end}}`

func init() {
	cobra.AddTemplateFunc("viUseLine", func(s string) string { return strings.Replace(s, "[flags]", "[tùy chọn]", 1) })
	cobra.AddTemplateFunc("viFlags", viFlags)
}

// viFlags turns pflag's flag list Vietnamese ("mặc định") and aligns its
// descriptions again by characters: pflag pads by bytes, which leaves the
// lines with Vietnamese placeholders short.
func viFlags(usages string) string {
	lines := strings.Split(strings.ReplaceAll(usages, " (default ", " (mặc định "), "\n")
	type split struct{ flag, desc string }
	parts := make([]*split, len(lines))
	width := 0
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		if !strings.HasPrefix(t, "-") {
			continue // a continuation of a description
		}
		lead := len(l) - len(t)
		j := strings.Index(t, "  ")
		if j < 0 {
			continue
		}
		parts[i] = &split{flag: l[:lead+j], desc: strings.TrimLeft(t[j:], " ")}
		width = max(width, utf8.RuneCountInString(parts[i].flag))
	}
	for i, p := range parts {
		if p != nil {
			lines[i] = p.flag + strings.Repeat(" ", width-utf8.RuneCountInString(p.flag)+3) + p.desc
		}
	}
	return strings.Join(lines, "\n")
}

// vietnamese sets the texts and error handling of the whole command tree;
// call it once every command is added.
func vietnamese(root *cobra.Command) {
	root.SetUsageTemplate(usageTemplate)
	root.SetHelpTemplate(helpTemplate)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErr(c, flagError(err)) })
	help := &cobra.Command{
		Use:   "help [lệnh]",
		Short: "Xem hướng dẫn của một lệnh",
		Long:  "Xem hướng dẫn của một lệnh, ví dụ: sotay help doc add (giống sotay doc add -h).",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil || len(rest) > 0 {
				return unknownCommand(cmd, rest)
			}
			return cmd.Help()
		},
	}
	help.Flags().BoolP("help", "h", false, "xem hướng dẫn của lệnh này")
	root.SetHelpCommand(help)
	root.AddCommand(completionCmd())
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().BoolP("help", "h", false, "xem hướng dẫn của lệnh này")
		if c.HasSubCommands() && c.Run == nil && c.RunE == nil {
			// A group: an unknown subcommand is an error, not the help.
			c.Args = cobra.ArbitraryArgs
			c.RunE = func(c *cobra.Command, args []string) error {
				if len(args) == 0 {
					return c.Help()
				}
				return unknownCommand(c, args)
			}
		} else if orig := c.Args; orig != nil {
			c.Args = func(c *cobra.Command, args []string) error {
				err := orig(c, args)
				var u usageError
				if err == nil || errors.As(err, &u) {
					return err
				}
				return usageErr(c, fmt.Sprintf("số tham số không đúng (đồng chí đã ghi %d: %q). Cách dùng: %s", len(args), args, strings.Replace(c.UseLine(), "[flags]", "[tùy chọn]", 1)))
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// usageError is a mistake in how a command was typed, said in Vietnamese.
type usageError string

func (e usageError) Error() string { return string(e) }

// usageErr says what was wrong and where to read how it is typed.
func usageErr(c *cobra.Command, msg string) error {
	return usageError(fmt.Sprintf("%s\nGõ \"%s -h\" để xem cách dùng.", msg, c.CommandPath()))
}

func unknownCommand(c *cobra.Command, args []string) error {
	msg := fmt.Sprintf("không có lệnh %q", strings.Join(args, " "))
	if c.HasParent() {
		msg += " trong " + c.CommandPath()
	}
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += ". Có phải đồng chí muốn gõ: " + c.CommandPath() + " " + strings.Join(s, " hoặc ") + "?"
	}
	return usageErr(c, msg)
}

// flagError says a flag error of pflag in Vietnamese.
func flagError(err error) string {
	var notExist *pflag.NotExistError
	var needs *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	var syntax *pflag.InvalidSyntaxError
	switch {
	case errors.As(err, &notExist):
		if sh := notExist.GetSpecifiedShortnames(); len(sh) > 1 {
			return fmt.Sprintf("không có tùy chọn -%s (trong -%s)", notExist.GetSpecifiedName(), sh)
		} else if sh != "" {
			return fmt.Sprintf("không có tùy chọn -%s", sh)
		}
		return fmt.Sprintf("không có tùy chọn --%s", notExist.GetSpecifiedName())
	case errors.As(err, &needs):
		return fmt.Sprintf("tùy chọn --%s cần một giá trị, ví dụ --%s GIÁ_TRỊ", needs.GetFlag().Name, needs.GetFlag().Name)
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		hint := ""
		switch f.Value.Type() {
		case "duration":
			hint = ": hãy ghi thời lượng như 720h (30 ngày) hoặc 90m"
		case "float64", "int":
			hint = ": hãy ghi một số"
		case "bool":
			hint = ": hãy ghi true hoặc false"
		}
		return fmt.Sprintf("giá trị %q của --%s không hợp lệ%s", invalid.GetValue(), f.Name, hint)
	case errors.As(err, &syntax):
		return fmt.Sprintf("tùy chọn viết sai: %q", syntax.GetSpecifiedFlag())
	}
	return err.Error()
}

func completionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "In đoạn mã tự hoàn thành lệnh cho trình shell",
		Long: "In đoạn mã để trình shell tự gợi ý lệnh và tùy chọn của sotay khi bấm Tab, ví dụ với bash:\n" +
			"  source <(sotay completion bash)\n" +
			"hoặc lưu lâu dài: sotay completion bash > /etc/bash_completion.d/sotay",
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      exactArgs(1, "sotay completion bash|zsh|fish|powershell"),
		RunE: func(c *cobra.Command, args []string) error {
			out, root := c.OutOrStdout(), c.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(out)
			}
			return usageErr(c, fmt.Sprintf("không có trình shell %q: hãy ghi bash, zsh, fish hoặc powershell", args[0]))
		},
	}
}
