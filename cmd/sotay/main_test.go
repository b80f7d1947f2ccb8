package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sotay/bot/telegramtest"
	"sotay/storage"
	"sotay/storage/storagetest"
)

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

// run runs the sotay binary with the environment given and a clean one otherwise.
func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, so.String(), se.String()}
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

func TestCommandLine(t *testing.T) {
	dsn := storagetest.NewDatabase(t)
	env := []string{"DATABASE_URL=" + dsn}

	t.Run("HelpForEverySubcommand", func(t *testing.T) {
		secrets := append([]string{"TELEGRAM_BOT_TOKEN=123:SECRETTOKEN", "WEBHOOK_SECRET=SECRETHOOK"}, env...)
		for _, sub := range []string{"serve", "migrate", "import", "import orgs", "invite", "grant", "doc add", "push", "demo"} {
			r := run(t, secrets, append(strings.Fields(sub), "-h")...)
			if r.code != 0 || !strings.Contains(r.stdout, "Cách dùng:") {
				t.Errorf("%s -h: %d %q", sub, r.code, r.stderr)
			}
			if strings.Contains(r.stdout, "SECRETTOKEN") || strings.Contains(r.stdout, "SECRETHOOK") {
				t.Errorf("%s -h shows a secret from the environment", sub)
			}
		}
	})
	t.Run("ServeWithoutTokenExplained", func(t *testing.T) {
		r := run(t, env, "serve")
		if r.code == 0 || !strings.Contains(r.stderr, "chưa đặt TELEGRAM_BOT_TOKEN") || !strings.Contains(r.stderr, "sotay demo") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("MigrateUpToDate", func(t *testing.T) {
		r := run(t, env, "migrate")
		if r.code != 0 || !strings.Contains(r.stdout, "phiên bản") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("ImportOrgsThenMembers", func(t *testing.T) {
		r := run(t, env, "import", "orgs", write(t, "orgs.csv", orgsCSV))
		if r.code != 0 || !strings.Contains(r.stdout, "Tạo mới: 3") {
			t.Fatalf("orgs: %+v", r)
		}
		r = run(t, env, "import", "members", write(t, "members.csv", membersCSV))
		if r.code != 0 || !strings.Contains(r.stdout, "Tạo mới: 3") || !strings.Contains(r.stdout, "Dòng 2\tDV0001\ttạo mới") {
			t.Fatalf("members: %+v", r)
		}
	})
	t.Run("ReimportUnchanged", func(t *testing.T) {
		r := run(t, env, "import", "members", write(t, "members.csv", membersCSV))
		if r.code != 0 || !strings.Contains(r.stdout, "Không đổi: 3") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("BadRowWritesNothingAndExitsNonZero", func(t *testing.T) {
		bad := membersCSV + "DV0004,Vàng Thị Mai,KHONGCO,Nữ,1999,Dao,,\nDV0005,Lý Văn Sáng,CBPAPAO,Nam,19x5,Dao,,\n"
		bad = strings.Replace(bad, "Lò Văn Minh", "Lò Văn Minh Mới", 1)
		r := run(t, env, "import", "members", write(t, "bad.csv", bad))
		if r.code == 0 || !strings.Contains(r.stdout, "Dòng 5\tDV0004\tTỪ CHỐI") || !strings.Contains(r.stdout, "Dòng 6") ||
			!strings.Contains(r.stdout, "Chưa ghi gì") {
			t.Fatalf("%+v", r)
		}
		s := open(t, dsn)
		m, _ := s.Member(context.Background(), "DV0001")
		if m.FullName != "Lò Văn Minh" {
			t.Fatalf("a rejected import changed DV0001 to %q", m.FullName)
		}
		r = run(t, env, "import", "members", "--skip-invalid", write(t, "bad.csv", bad))
		if r.code == 0 || !strings.Contains(r.stdout, "Cập nhật: 1") || !strings.Contains(r.stdout, "Đã ghi các dòng hợp lệ") {
			t.Fatalf("skip-invalid: %+v", r)
		}
	})
	t.Run("ImportXLSX", func(t *testing.T) {
		f := excelize.NewFile()
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"Số thẻ", "Họ và tên", "Mã tổ chức", "Số điện thoại", "Năm sinh"})
		_ = f.SetSheetRow("Sheet1", "A2", &[]any{"DV0010", "Sùng Thị Dua", "CBPAPAO", 912000010, 1992})
		p := filepath.Join(t.TempDir(), "ds.xlsx")
		if err := f.SaveAs(p); err != nil {
			t.Fatal(err)
		}
		r := run(t, env, "import", "members", p)
		if r.code != 0 || !strings.Contains(r.stdout, "Tạo mới: 1") {
			t.Fatalf("%+v", r)
		}
		m, err := open(t, dsn).Member(context.Background(), "DV0010")
		if err != nil || m.Phone != "0912000010" || m.BirthYear == nil || *m.BirthYear != 1992 {
			t.Fatalf("%+v %v", m, err)
		}
	})
	t.Run("UnreadableFileExplained", func(t *testing.T) {
		r := run(t, env, "import", "members", write(t, "x.csv", "foo,bar\n1,2\n"))
		if r.code == 0 || !strings.Contains(r.stderr, "Họ và tên") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("GrantAndRevoke", func(t *testing.T) {
		r := run(t, env, "grant", "--member", "DV0001", "--role", "admin", "--org", "BINHLU")
		if r.code != 0 || !strings.Contains(r.stdout, "Đã giao vai trò Quản trị") {
			t.Fatalf("%+v", r)
		}
		r = run(t, env, "grant", "--member", "DV0001", "--role", "vua", "--org", "BINHLU")
		if r.code == 0 || !strings.Contains(r.stderr, "secretary") {
			t.Fatalf("bad role: %+v", r)
		}
		r = run(t, env, "grant", "--member", "DV0002", "--role", "secretary", "--org", "CBNAHIEN", "--revoke")
		if r.code == 0 || !strings.Contains(r.stderr, "không có vai trò") {
			t.Fatalf("revoke missing: %+v", r)
		}
	})
	t.Run("InviteUsesBotUsernameFromGetMe", func(t *testing.T) {
		tg := telegramtest.NewServer()
		defer tg.Close()
		tenv := append(env, "TELEGRAM_BOT_TOKEN="+tg.Token(), "TELEGRAM_API_URL="+tg.URL())
		r := run(t, tenv, "invite", "--member", "DV0002")
		if r.code != 0 || !regexp.MustCompile(`^DV0002\thttps://t\.me/sotay_test_bot\?start=[A-Za-z0-9_-]{24}\n$`).MatchString(r.stdout) {
			t.Fatalf("%+v", r)
		}
		out := filepath.Join(t.TempDir(), "links.xlsx")
		r = run(t, tenv, "invite", "--org", "BINHLU", "--out", out)
		if r.code != 0 {
			t.Fatalf("%+v", r)
		}
		x, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetList()[0])
		if len(rows) != 5 || rows[0][0] != "Mã đảng viên" { // header + 4 unlinked members
			t.Fatalf("rows %q", rows)
		}
		r = run(t, tenv, "invite", "--revoke", "DV0002")
		if r.code != 0 || !strings.Contains(r.stdout, "Đã thu hồi 2 mã mời") {
			t.Fatalf("%+v", r)
		}
	})
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

func TestServeLinksAndStopsOnSIGTERM(t *testing.T) {
	dsn := storagetest.NewDatabase(t)
	env := []string{"DATABASE_URL=" + dsn}
	if r := run(t, env, "import", "orgs", write(t, "o.csv", orgsCSV)); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if r := run(t, env, "import", "members", write(t, "m.csv", membersCSV)); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	tg := telegramtest.NewServer()
	defer tg.Close()
	env = append(env, "TELEGRAM_BOT_TOKEN="+tg.Token(), "TELEGRAM_API_URL="+tg.URL())
	r := run(t, env, "invite", "--member", "DV0001")
	token := r.stdout[strings.LastIndex(r.stdout, "=")+1 : len(r.stdout)-1]

	cmd := exec.Command(binary, "serve")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()

	u := tg.User(900, "Minh")
	u.SendText("/start " + token)
	if _, err := u.WaitMessage(30*time.Second, func(m telegramtest.Message) bool { return strings.Contains(m.Plain, "Đã liên kết") }); err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, logs.String())
	}
	// An update in hand when SIGTERM arrives: its reply is slow.
	tg.InjectFault("sendMessage", telegramtest.Fault{Delay: time.Second, ChatID: 900})
	u.SendText("/menu")
	deadline := time.Now().Add(10 * time.Second)
	// Two replies to the link, then the /menu reply, held for a second.
	for tg.Calls("sendMessage") < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the /menu reply never started: %d sendMessage calls\nlogs:\n%s", tg.Calls("sendMessage"), logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v\nlogs:\n%s", err, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("sotay serve did not stop after SIGTERM")
	}
	last, _ := u.LastMessage()
	if !strings.Contains(last.Plain, "Lò Văn Minh") {
		t.Fatalf("/menu answer lost on shutdown: %q", last.Plain)
	}
	if strings.Contains(logs.String(), tg.Token()) {
		t.Fatal("the bot token appears in the logs")
	}
}
