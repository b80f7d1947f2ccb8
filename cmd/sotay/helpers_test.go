package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// binary is the sotay binary that TestMain builds for the tests to run.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sotay-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "sotay")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// command is the sotay binary with the environment given and a clean one otherwise.
func command(ctx context.Context, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	return cmd
}

// exitCode is the exit status of a command that ran; other errors end the test.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0
}

// run runs the sotay binary with the environment given and a clean one otherwise.
func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := command(ctx, env, args...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	code := exitCode(t, cmd.Run())
	return result{code, so.String(), se.String()}
}

// mustRun runs the binary as run does and ends the test unless it exits 0.
func mustRun(t *testing.T, env []string, args ...string) result {
	t.Helper()
	r := run(t, env, args...)
	if r.code != 0 {
		t.Fatalf("%s: %+v", strings.Join(args, " "), r)
	}
	return r
}

// csvRows reads what a command printed with --csv.
func csvRows(t *testing.T, out string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const orgsCSV = "\ufeffMã;Tên;Loại;Mã cấp trên\r\n" +
	"BINHLU;Đảng bộ xã Bình Lư;Đảng bộ;\r\n" +
	"CBNAHIEN;Chi bộ bản Nà Hiên;Chi bộ;BINHLU\r\n" +
	"CBPAPAO;Chi bộ bản Pà Pao;Chi bộ;BINHLU\r\n"

const membersCSV = "Mã đảng viên,Họ và tên,Mã chi bộ,Giới tính,Năm sinh,Dân tộc,Trạng thái,Số điện thoại\n" +
	"DV0001,Lò Văn Minh,CBNAHIEN,Nam,1980,Thái,Chính thức,0912 000 001\n" +
	"DV0002,Hoàng Thị Hoa,CBNAHIEN,Nữ,1990,Tày,Dự bị,\n" +
	"DV0003,Giàng A Páo,CBPAPAO,Nam,1975,H'Mông,,+84912000003\n"

// database is a new, migrated database; env names it in DATABASE_URL.
func database(t *testing.T) (dsn string, env []string) {
	t.Helper()
	dsn = storagetest.NewDatabase(t)
	return dsn, []string{"DATABASE_URL=" + dsn}
}

// seeded is database with orgsCSV and membersCSV imported through the
// binary.
func seeded(t *testing.T) (dsn string, env []string) {
	t.Helper()
	dsn, env = database(t)
	mustRun(t, env, "import", "orgs", write(t, "o.csv", orgsCSV))
	mustRun(t, env, "import", "members", write(t, "m.csv", membersCSV))
	return dsn, env
}

func open(t *testing.T, dsn string) *storage.Storage {
	t.Helper()
	s, err := storage.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// serving is a `sotay serve` running in the background (with the flags
// given), killed when the test ends if it is still running.
type serving struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	exited         chan error
}

func serve(t *testing.T, env []string, flags ...string) *serving {
	t.Helper()
	s := &serving{cmd: command(context.Background(), env, append([]string{"serve"}, flags...)...), exited: make(chan error, 1)}
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	t.Cleanup(func() { s.cmd.Process.Kill() })
	return s
}

// logs is all that serve printed.
func (s *serving) logs() string { return s.stdout.String() + s.stderr.String() }

// running ends the test if serve has exited.
func (s *serving) running(t *testing.T, when string) {
	t.Helper()
	select {
	case err := <-s.exited:
		t.Fatalf("sotay serve exited %s: %v\nlogs:\n%s", when, err, s.logs())
	default:
	}
}

// kill stops serve with SIGKILL, so that no cleanup runs, and waits for it.
func (s *serving) kill(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-s.exited
}

// terminate sends SIGTERM and returns the exit code; the test ends if
// serve has not stopped within the time given.
func (s *serving) terminate(t *testing.T, within time.Duration) int {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.exited:
		return exitCode(t, err)
	case <-time.After(within):
		t.Fatal("sotay serve did not stop after SIGTERM")
	}
	return 0
}

// stop sends SIGTERM and expects serve to exit cleanly within 30 seconds.
func (s *serving) stop(t *testing.T) {
	t.Helper()
	if code := s.terminate(t, 30*time.Second); code != 0 {
		t.Fatalf("exit: %d\nlogs:\n%s", code, s.logs())
	}
}
