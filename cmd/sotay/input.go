package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Every command that reads a file also reads it from standard input when
// the file is given as "-". On a server, sotay runs as its own user (sudo
// sotay-env ...), which cannot open files in the admin's home (Debian's
// homes are 0700); the admin's shell can, and hands the file over:
//
//	sudo sotay-env import orgs - < to-chuc.xlsx
//
// The name of a file read that way is --name when given: it is what the
// format is told by, and what an attachment is called.

// stdinPath is the file name that stands for standard input.
const stdinPath = "-"

// stdoutPath is the file name that stands for standard output.
const stdoutPath = "-"

// stdinShown is how messages name standard input.
const stdinShown = "đầu vào chuẩn (-)"

// nameFlag adds --name to a command that reads a file.
func nameFlag(cmd *cobra.Command, name *string, what, example string) {
	cmd.Flags().StringVar(name, "name", "", "`TÊN_TỆP` của "+what+" khi đọc từ đầu vào chuẩn (-), ví dụ --name "+example)
}

// input is a file a command reads: a path, or standard input.
type input struct {
	r    io.ReadCloser
	name string // the file's name, for its format and for messages
}

// openInput opens path, or the command's standard input when path is "-".
// name, when not empty, is the name the file goes by; otherwise it is the
// path's base name ("-" for standard input, which tells no format).
func openInput(cmd *cobra.Command, path, name string) (input, error) {
	if path != stdinPath {
		f, err := os.Open(path)
		if err != nil {
			if errors.Is(err, os.ErrPermission) {
				return input{}, fmt.Errorf("không mở được tệp %s: không có quyền đọc (qua sotay-env, lệnh chạy bằng người dùng sotay, "+
					"không vào được thư mục riêng của đồng chí). Hãy ghi - thay cho tên tệp và chuyển tệp vào bằng <, ví dụ: "+
					"sudo sotay-env import orgs - < to-chuc.xlsx", path)
			}
			return input{}, fmt.Errorf("không mở được tệp %s: %v", path, err)
		}
		if name == "" {
			name = path
		}
		return input{r: f, name: filepath.Base(name)}, nil
	}
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return input{}, fmt.Errorf("dấu - nghĩa là đọc tệp từ đầu vào chuẩn, nhưng chưa có tệp nào được chuyển vào: hãy thêm < TỆP, ví dụ: %s - < danh-sach.xlsx", cmd.CommandPath())
	}
	if name == "" {
		return input{r: io.NopCloser(in), name: stdinPath}, nil
	}
	return input{r: io.NopCloser(in), name: filepath.Base(name)}, nil
}

// readInput reads a whole file given as path or "-".
func readInput(cmd *cobra.Command, path, name string) ([]byte, input, error) {
	in, err := openInput(cmd, path, name)
	if err != nil {
		return nil, in, err
	}
	defer in.r.Close()
	b, err := io.ReadAll(in.r)
	if err != nil {
		return nil, in, fmt.Errorf("không đọc được %s: %v", shownPath(path), err)
	}
	return b, in, nil
}

// shownPath is path as messages say it.
func shownPath(path string) string {
	if path == stdinPath {
		return stdinShown
	}
	return path
}

// oneStdin refuses two files read from standard input by one command.
func oneStdin(paths ...string) error {
	n := 0
	for _, p := range paths {
		if p == stdinPath {
			n++
		}
	}
	if n > 1 {
		return errors.New("chỉ một tệp đọc được từ đầu vào chuẩn (-) trong một lệnh: hãy ghi đường dẫn cho tệp còn lại")
	}
	return nil
}
