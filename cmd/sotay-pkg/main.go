// Command sotay-pkg builds the Debian packages of sotay, so that a commune
// server installs it with apt and needs no Go toolchain:
//
//	go run ./cmd/sotay-pkg                 # dist/sotay_<version>_amd64.deb and _arm64.deb
//	go run ./cmd/sotay-pkg --arch amd64    # one architecture
//
// For each architecture it builds the static binary (CGO_ENABLED=0), then
// packs it with the systemd units, the settings template and the maintainer
// scripts that docs/deploy/nfpm.yaml lists, using nFPM as a library. It
// prints the SHA-256 of every package (and writes them to dist/SHA256SUMS,
// in sha256sum's format) for whoever installs it to check. The version comes
// from git: a tag vX.Y.Z on HEAD gives X.Y.Z, any other commit
// 0~gitYYYYMMDD.HHMMSS.<commit> (its commit time, so a later commit is a
// newer package); every file's time is the commit time, so the same commit
// built with the same Go gives the same bytes.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
)

// configPath is the package's description, relative to the module root.
const configPath = "docs/deploy/nfpm.yaml"

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sotay-pkg:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sotay-pkg", flag.ContinueOnError)
	archs := fs.String("arch", "amd64,arm64", "kiến trúc, cách nhau dấu phẩy: amd64, arm64")
	version := fs.String("version", "", "phiên bản của gói (mặc định: lấy từ git)")
	dist := fs.String("out", "dist", "thư mục ghi gói")
	err := fs.Parse(args)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("không nhận tham số %q: cách dùng: go run ./cmd/sotay-pkg [--arch amd64,arm64] [--version X.Y.Z] [--out dist]", fs.Args())
	}
	// --out is where the command was typed; the build runs at the root.
	if *dist, err = filepath.Abs(*dist); err != nil {
		return err
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if err := os.Chdir(root); err != nil {
		return err
	}
	v, mtime, err := describe(*version)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*dist, 0o755); err != nil {
		return err
	}
	var sums []string
	for _, arch := range strings.Split(*archs, ",") {
		arch = strings.TrimSpace(arch)
		if arch != "amd64" && arch != "arm64" {
			return fmt.Errorf("kiến trúc %q không có: hãy ghi amd64 hoặc arm64", arch)
		}
		start := time.Now()
		bin := filepath.Join(*dist, arch, "sotay")
		if err := buildBinary(arch, v, bin); err != nil {
			return err
		}
		path, err := pack(arch, v, mtime, bin, *dist)
		if err != nil {
			return err
		}
		sum, size, err := fileSHA256(path)
		if err != nil {
			return err
		}
		mb := strings.Replace(fmt.Sprintf("%.1f", float64(size)/1e6), ".", ",", 1) // Vietnamese decimal comma
		fmt.Fprintf(out, "Đã tạo %s (%s MB, %.0f giây)\n", path, mb, time.Since(start).Seconds())
		sums = append(sums, sum+"  "+filepath.Base(path))
	}
	fmt.Fprintln(out, "SHA-256 (kiểm tra bằng: sha256sum -c SHA256SUMS, trong thư mục có các gói):")
	for _, s := range sums {
		fmt.Fprintln(out, s)
	}
	return os.WriteFile(filepath.Join(*dist, "SHA256SUMS"), []byte(strings.Join(sums, "\n")+"\n"), 0o644)
}

// moduleRoot is the folder of sotay's go.mod, wherever the command runs.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && regexp.MustCompile(`(?m)^module sotay$`).Match(b) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("không tìm thấy mã nguồn sotay (go.mod): hãy chạy lệnh trong thư mục mã nguồn")
		}
		dir = parent
	}
}

// debVersion is what Debian accepts as an upstream version without a revision.
var debVersion = regexp.MustCompile(`^[0-9][A-Za-z0-9.+~]*$`)

// describe is the package version (given, or from git) and the time every
// file of the package carries.
func describe(given string) (string, time.Time, error) {
	mtime := time.Now().UTC().Truncate(time.Second)
	if ct, err := git("log", "-1", "--format=%ct"); err == nil {
		if sec, err := strconv.ParseInt(ct, 10, 64); err == nil {
			mtime = time.Unix(sec, 0).UTC()
		}
	}
	v := given
	if v == "" {
		var err error
		if v, err = gitVersion(mtime); err != nil {
			return "", mtime, err
		}
	}
	v = strings.TrimPrefix(v, "v")
	if !debVersion.MatchString(v) {
		return "", mtime, fmt.Errorf("phiên bản %q không dùng được cho gói Debian: bắt đầu bằng chữ số, chỉ gồm chữ, số và . + ~", v)
	}
	return v, mtime, nil
}

func gitVersion(commitTime time.Time) (string, error) {
	hash, err := git("rev-parse", "--short=7", "HEAD")
	if err != nil {
		return "", errors.New("không đọc được phiên bản từ git: hãy chạy trong bản sao git của mã nguồn, hoặc ghi --version X.Y.Z")
	}
	v := "0~git" + commitTime.Format("20060102.150405") + "." + hash
	if tag, err := git("describe", "--tags", "--exact-match", "--match", "v[0-9]*", "HEAD"); err == nil {
		v = tag
	}
	if st, err := git("status", "--porcelain", "--untracked-files=no"); err == nil && st != "" {
		// Not what the commit holds: say so in the version, so that the
		// SHA-256 is not taken for the commit's.
		v += "+dirty"
	}
	return v, nil
}

func git(args ...string) (string, error) {
	out, err := exec.Command("git", args...).Output()
	return strings.TrimSpace(string(out)), err
}

// buildBinary builds the static sotay binary for linux/arch.
func buildBinary(arch, version, out string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", out, "./cmd/sotay")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build cho %s: %v", arch, err)
	}
	return nil
}

// pack writes dist/sotay_<version>_<arch>.deb from the nFPM config.
func pack(arch, version string, mtime time.Time, binary, dist string) (string, error) {
	vars := map[string]string{"ARCH": arch, "VERSION": version, "BINARY": binary}
	cfg, err := nfpm.ParseFileWithEnvMapping(configPath, func(k string) string { return vars[k] })
	if err != nil {
		return "", fmt.Errorf("%s: %v", configPath, err)
	}
	info, err := cfg.Get("deb")
	if err != nil {
		return "", err
	}
	info.MTime = mtime
	info = nfpm.WithDefaults(info)
	pkgr, err := nfpm.Get("deb")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dist, pkgr.ConventionalFileName(info))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	info.Target = path
	if err := pkgr.Package(info, f); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("đóng gói %s: %v", path, err)
	}
	return path, f.Close()
}

func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}
