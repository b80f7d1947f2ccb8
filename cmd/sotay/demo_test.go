package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"sotay/storage/storagetest"
)

func TestDemoRefusals(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"UnreachablePostgresExplained", []string{"DATABASE_URL=postgres://postgres@127.0.0.1:1/sotay?sslmode=disable", "LISTEN_ADDR=127.0.0.1:0"}, nil, "pg_ctlcluster"},
		{"PublicAddressRefused", []string{"LISTEN_ADDR=0.0.0.0:0"}, nil, "--public"},
		{"BadAddressExplained", nil, []string{"--listen", "8080"}, "máy:cổng"},
		{"KeyValueDatabaseURLRefused", []string{"DATABASE_URL=host=127.0.0.1 dbname=x", "LISTEN_ADDR=127.0.0.1:0"}, nil, "postgres://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.env, append([]string{"demo"}, tt.args...)...)
			if r.code == 0 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want non-zero and %q", r.code, r.stderr, tt.want)
			}
		})
	}
}

// testDemoDB is the demo database of this test run: never the sotay_demo
// that someone may be using.
var testDemoDB = fmt.Sprintf("sotay_demo_test_%d", os.Getpid())

// TestDemoSandbox runs `sotay demo` without a token as a newcomer would and
// chats through the page's API, then stops it and starts it again, as on
// the next day, on a demo database of its own.
func TestDemoSandbox(t *testing.T) {
	storagetest.DropAtCleanup(t, testDemoDB)
	db, err := sql.Open("postgres", storagetest.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	err = db.Ping()
	db.Close()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required under CI: %v", err)
		}
		t.Skipf("no PostgreSQL: %v", err)
	}
	const member = "DV0007"

	t.Run("FirstRunLinksAndAnswers", func(t *testing.T) {
		d := startDemo(t)
		var ps struct {
			Personas []struct {
				Code string `json:"code"`
				Role string `json:"role"`
			} `json:"personas"`
		}
		d.get("/api/personas", &ps)
		if len(ps.Personas) != 74 || ps.Personas[0].Role != "admin" {
			t.Fatalf("%d personas, first %+v", len(ps.Personas), ps.Personas)
		}
		var persona struct {
			Linked bool `json:"linked"`
		}
		d.get("/api/persona?member="+member, &persona)
		if !persona.Linked {
			d.post("/api/link", member, "")
			d.waitBot(member, "Đã liên kết")
		}
		d.post("/api/send", member, "/trogiup")
		d.waitBot(member, "Hướng dẫn sử dụng")
		d.stop()
	})
	t.Run("RestartAnswersAgain", func(t *testing.T) {
		d := startDemo(t)
		d.post("/api/send", member, "/menu")
		d.waitBot(member, "Đồng chí chọn chức năng")
		d.stop()
	})
}

type demoRun struct {
	t      *testing.T
	cmd    *exec.Cmd
	page   string
	stdout *bufio.Scanner
	stderr *bytes.Buffer
}

// startDemo starts the binary on a free port and waits for the address it prints.
func startDemo(t *testing.T) *demoRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, binary, "demo")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"DATABASE_URL=" + storagetest.ServerURL(), "LISTEN_ADDR=127.0.0.1:0", "SOTAY_DEMO_DATABASE=" + testDemoDB}
	stdout, _ := cmd.StdoutPipe()
	d := &demoRun{t: t, cmd: cmd, stdout: bufio.NewScanner(stdout), stderr: &bytes.Buffer{}}
	cmd.Stderr = d.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	var out strings.Builder
	for d.page == "" && d.stdout.Scan() {
		out.WriteString(d.stdout.Text() + "\n")
		if m := regexp.MustCompile(`Mở (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(d.stdout.Text()); m != nil {
			d.page = m[1]
		}
	}
	if d.page == "" {
		t.Fatalf("no address printed; stdout %q, stderr %q", out.String(), d.stderr.String())
	}
	t.Log(strings.TrimSpace(out.String()))
	return d
}

func (d *demoRun) get(path string, v any) {
	d.t.Helper()
	res, err := http.Get(d.page + path)
	if err != nil {
		d.t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil || res.StatusCode != 200 {
		d.t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
	}
}

func (d *demoRun) post(path, member, text string) {
	d.t.Helper()
	body, _ := json.Marshal(map[string]string{"member": member, "text": text})
	res, err := http.Post(d.page+path, "application/json", bytes.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		d.t.Fatalf("POST %s: %d", path, res.StatusCode)
	}
}

// waitBot waits until the bot said sub to the member in this run.
func (d *demoRun) waitBot(member, sub string) {
	d.t.Helper()
	var u struct {
		Messages []struct {
			From string `json:"from"`
			HTML string `json:"html"`
		} `json:"messages"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		d.get("/api/updates?"+url.Values{"member": {member}, "since": {"0"}}.Encode(), &u)
		for _, m := range u.Messages {
			if m.From == "bot" && strings.Contains(m.HTML, sub) {
				return
			}
		}
	}
	d.t.Fatalf("the bot did not say %q: %+v; stderr %s", sub, u.Messages, d.stderr.String())
}

// stop sends SIGINT and expects a clean exit.
func (d *demoRun) stop() {
	d.t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGINT); err != nil {
		d.t.Fatal(err)
	}
	var rest strings.Builder
	for d.stdout.Scan() {
		rest.WriteString(d.stdout.Text() + "\n")
	}
	err := d.cmd.Wait()
	if err != nil || !strings.Contains(rest.String(), "Đã dừng") {
		d.t.Errorf("stop: %v; stdout %q; stderr %q", err, rest.String(), d.stderr.String())
	}
	if strings.Contains(d.stderr.String(), "level=ERROR") {
		d.t.Errorf("errors logged: %s", d.stderr.String())
	}
}

func TestSecondDemoRefused(t *testing.T) {
	storagetest.DropAtCleanup(t, testDemoDB)
	first := startDemo(t)
	_ = first
	r := run(t, []string{"DATABASE_URL=" + storagetest.ServerURL(), "LISTEN_ADDR=127.0.0.1:0", "SOTAY_DEMO_DATABASE=" + testDemoDB}, "demo")
	if r.code == 0 || !strings.Contains(r.stderr, "một bản demo khác đang chạy") {
		t.Fatalf("second demo: %+v", r)
	}
}
