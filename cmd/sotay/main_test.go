package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sotay/bot/telegramtest"
)

func TestCommandLine(t *testing.T) {
	dsn, env := database(t)

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

func TestServeLinksAndStopsOnSIGTERM(t *testing.T) {
	_, env := seeded(t)
	tg := telegramtest.NewServer()
	defer tg.Close()
	env = append(env, "TELEGRAM_BOT_TOKEN="+tg.Token(), "TELEGRAM_API_URL="+tg.URL())
	r := run(t, env, "invite", "--member", "DV0001")
	token := r.stdout[strings.LastIndex(r.stdout, "=")+1 : len(r.stdout)-1]

	s := serve(t, env)
	u := tg.User(900, "Minh")
	u.SendText("/start " + token)
	if _, err := u.WaitMessage(30*time.Second, func(m telegramtest.Message) bool { return strings.Contains(m.Plain, "Đã liên kết") }); err != nil {
		t.Fatalf("%v\nlogs:\n%s", err, s.logs())
	}
	// An update in hand when SIGTERM arrives: its reply is slow.
	tg.InjectFault("sendMessage", telegramtest.Fault{Delay: time.Second, ChatID: 900})
	u.SendText("/menu")
	deadline := time.Now().Add(10 * time.Second)
	// Two replies to the link, then the /menu reply, held for a second.
	for tg.Calls("sendMessage") < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the /menu reply never started: %d sendMessage calls\nlogs:\n%s", tg.Calls("sendMessage"), s.logs())
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.stop(t)
	last, _ := u.LastMessage()
	if !strings.Contains(last.Plain, "Lò Văn Minh") {
		t.Fatalf("/menu answer lost on shutdown: %q", last.Plain)
	}
	if strings.Contains(s.logs(), tg.Token()) {
		t.Fatal("the bot token appears in the logs")
	}
}
