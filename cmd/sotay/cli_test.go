package main

import (
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"sotay/storage/storagetest"
)

// english are words of cobra's and pflag's own texts; none may reach a user.
var english = regexp.MustCompile(`\b(Usage|Flags|Global Flags|Available Commands|Examples|Use "|help for|default|unknown|accepts|arg\(s\)|required flag|flag needs|invalid argument|Did you mean|string|duration|float|strings|Generate|Help about)\b`)

// TestCommandLineInVietnamese runs every -h and every kind of mistake in
// typing a command, and finds no English.
func TestCommandLineInVietnamese(t *testing.T) {
	env := []string{"DATABASE_URL=" + storagetest.DSN("sotay_never_created")}
	helps := []string{"", "serve", "migrate", "import", "import orgs", "import members", "grant", "doc", "doc add", "doc edit",
		"doc withdraw", "doc list", "push", "orgs", "orgs list", "reports", "reports meetings", "reports supervisions", "alerts", "demo", "invite", "completion", "help"}
	for _, sub := range helps {
		t.Run("Help/"+sub, func(t *testing.T) {
			r := run(t, env, append(strings.Fields(sub), "-h")...)
			if r.code != 0 || !strings.Contains(r.stdout, "Cách dùng:") || !strings.Contains(r.stdout, "xem hướng dẫn của lệnh này") {
				t.Fatalf("%+v", r)
			}
			if m := english.FindString(r.stdout); m != "" {
				t.Fatalf("English %q in:\n%s", m, r.stdout)
			}
		})
	}
	mistakes := []struct {
		name string
		args []string
		want string
	}{
		{"UnknownCommand", []string{"fo"}, `không có lệnh "fo"`},
		{"UnknownSubcommandWithSuggestion", []string{"doc", "lis"}, "Có phải đồng chí muốn gõ: sotay doc list?"},
		{"UnknownFlag", []string{"doc", "list", "--bogus"}, "không có tùy chọn --bogus"},
		{"UnknownShorthand", []string{"doc", "list", "-x"}, "không có tùy chọn -x"},
		{"FlagNeedsValue", []string{"doc", "list", "--status"}, "tùy chọn --status cần một giá trị"},
		{"InvalidValue", []string{"push", "--rate", "nhanh"}, `giá trị "nhanh" của --rate không hợp lệ`},
		{"ExtraArgument", []string{"migrate", "ngay"}, "số tham số không đúng"},
		{"MissingArgument", []string{"import", "orgs"}, "cách dùng: sotay import orgs TỆP"},
		{"UnknownHelpTopic", []string{"help", "nope"}, `không có lệnh "nope"`},
	}
	for _, m := range mistakes {
		t.Run("Mistake/"+m.name, func(t *testing.T) {
			r := run(t, env, m.args...)
			if r.code == 0 || !strings.Contains(r.stderr, m.want) || !strings.Contains(r.stderr, "-h\" để xem cách dùng") {
				t.Fatalf("want %q: %+v", m.want, r)
			}
			if e := english.FindString(r.stderr + r.stdout); e != "" {
				t.Fatalf("English %q in %+v", e, r)
			}
		})
	}
	t.Run("CompletionScript", func(t *testing.T) {
		if r := run(t, env, "completion", "bash"); r.code != 0 || !strings.Contains(r.stdout, "sotay") {
			t.Fatalf("%+v", r)
		}
	})
}

func dbExists(t *testing.T, name string) bool {
	t.Helper()
	db, err := sql.Open("postgres", storagetest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok bool
	if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestReadingCommandsCreateNoDatabase: only migrate, serve and demo create
// a missing database; the others say which one they looked for.
func TestReadingCommandsCreateNoDatabase(t *testing.T) {
	storagetest.NewDatabase(t) // skips without PostgreSQL
	name := fmt.Sprintf("sotay_missing_%d", os.Getpid())
	env := []string{"DATABASE_URL=" + storagetest.DSN(name)}
	for _, args := range [][]string{{"doc", "list"}, {"orgs", "list"}, {"grant", "--member", "DV1", "--role", "admin", "--org", "ROOT"},
		{"import", "orgs", write(t, "o.csv", orgsCSV)}, {"push", "--doc", "1-KL/TW", "--to", "ROOT"},
		{"reports", "meetings", "--from", "01/11/2026", "--to", "30/11/2026"}} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			r := run(t, env, args...)
			if r.code == 0 || !strings.Contains(r.stderr, "không có cơ sở dữ liệu 127.0.0.1:5432/"+name) ||
				!strings.Contains(r.stderr, "--demo") || !strings.Contains(r.stderr, "DATABASE_URL") || strings.Contains(r.stdout, "0 văn bản") {
				t.Fatalf("%+v", r)
			}
			if dbExists(t, name) {
				t.Fatalf("%s created the database", args[0])
			}
		})
	}
	t.Run("MigrateCreates", func(t *testing.T) {
		storagetest.DropAtCleanup(t, name)
		if r := run(t, env, "migrate"); r.code != 0 || !dbExists(t, name) {
			t.Fatalf("%+v", r)
		}
		if r := run(t, env, "doc", "list"); r.code != 0 || !strings.Contains(r.stdout, "0 văn bản") {
			t.Fatalf("%+v", r)
		}
	})
}

// TestDemoFlag points a command at the demo's database: named by
// SOTAY_DEMO_DATABASE here, so that a demo someone runs is left alone.
func TestDemoFlag(t *testing.T) {
	storagetest.NewDatabase(t)
	name := fmt.Sprintf("sotay_demo_flag_%d", os.Getpid())
	env := []string{"DATABASE_URL=" + storagetest.DSN("sotay_not_this_one"), "SOTAY_DEMO_DATABASE=" + name}
	t.Run("MissingDemoExplained", func(t *testing.T) {
		r := run(t, env, "orgs", "list", "--demo")
		if r.code == 0 || !strings.Contains(r.stderr, name) || !strings.Contains(r.stderr, "sotay demo") {
			t.Fatalf("%+v", r)
		}
	})
	db, err := sql.Open("postgres", storagetest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	storagetest.DropAtCleanup(t, name)
	t.Run("ImportAndListTheDemo", func(t *testing.T) {
		if r := run(t, env, "import", "orgs", "--demo", write(t, "o.csv", orgsCSV)); r.code != 0 {
			t.Fatalf("%+v", r)
		}
		r := run(t, env, "orgs", "list", "--demo")
		if r.code != 0 || !strings.Contains(r.stdout, "CBNAHIEN") || dbExists(t, "sotay_not_this_one") {
			t.Fatalf("%+v", r)
		}
	})
}

func TestOrgsList(t *testing.T) {
	_, env := database(t)
	t.Run("EmptyExplained", func(t *testing.T) {
		if r := run(t, env, "orgs", "list"); r.code != 0 || !strings.Contains(r.stdout, "sotay import orgs") {
			t.Fatalf("%+v", r)
		}
	})
	tree := orgsCSV + "DBTH;Đảng bộ Trường học;Đảng bộ;BINHLU\r\nCBGV;Chi bộ Giáo viên;Chi bộ;DBTH\r\n"
	if r := run(t, env, "import", "orgs", write(t, "o.csv", tree)); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	t.Run("IndentedTree", func(t *testing.T) {
		r := run(t, env, "orgs", "list")
		if r.code != 0 {
			t.Fatalf("%+v", r)
		}
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		want := []string{`^Mã\s+Tên\s+Loại\s+Mã cấp trên$`, `^BINHLU\s+Đảng bộ xã Bình Lư\s+Đảng bộ$`,
			`^  CBNAHIEN\s+Chi bộ bản Nà Hiên\s+Chi bộ\s+BINHLU$`, `^  CBPAPAO\s+Chi bộ bản Pà Pao\s+Chi bộ\s+BINHLU$`,
			`^  DBTH\s+Đảng bộ Trường học\s+Đảng bộ\s+BINHLU$`, `^    CBGV\s+Chi bộ Giáo viên\s+Chi bộ\s+DBTH$`, `^5 tổ chức\.`}
		if len(lines) != len(want) {
			t.Fatalf("%d lines:\n%s", len(lines), r.stdout)
		}
		for i, w := range want {
			if !regexp.MustCompile(w).MatchString(lines[i]) {
				t.Errorf("line %d %q, want %s", i, lines[i], w)
			}
		}
	})
	t.Run("CSV", func(t *testing.T) {
		r := run(t, env, "orgs", "list", "--csv")
		want := "code,name,kind,parent_code\nBINHLU,Đảng bộ xã Bình Lư,dang_bo,\nCBNAHIEN,Chi bộ bản Nà Hiên,chi_bo,BINHLU\n" +
			"CBPAPAO,Chi bộ bản Pà Pao,chi_bo,BINHLU\nDBTH,Đảng bộ Trường học,dang_bo,BINHLU\nCBGV,Chi bộ Giáo viên,chi_bo,DBTH\n"
		if r.code != 0 || r.stdout != want {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("SecondRootRefusedWithItsRow", func(t *testing.T) {
		r := run(t, env, "import", "orgs", write(t, "o.csv", orgsCSV+"XAKHAC;Đảng bộ xã khác;Đảng bộ;\r\n"))
		if r.code != 1 || !strings.Contains(r.stdout, "Dòng 5\tXAKHAC\tTỪ CHỐI\t") || !strings.Contains(r.stdout, "một tổ chức gốc là BINHLU") {
			t.Fatalf("%+v", r)
		}
	})
}
