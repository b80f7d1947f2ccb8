package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sotay/bot/telegramtest"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// Run with: go test -run '^$' -bench . -benchtime 1x ./cmd/sotay/
// The figures come from the real binary: `sotay serve` in its own process
// against the fake Bot API in this one (which keeps every message, so its
// memory is not sotay's).

// benchRun runs the binary and ends the benchmark unless it exits 0.
func benchRun(b *testing.B, env []string, args ...string) {
	b.Helper()
	out, err := command(context.Background(), env, args...).CombinedOutput()
	if err != nil {
		b.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// procStatus reads a field of /proc/<pid>/status (VmRSS, VmHWM) in MiB.
func procStatus(pid int, field string) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return -1
}

// bigCommune is a database with n linked members in cells of 30 under
// ROOT (written with SQL: an import of 100,000 rows is its own benchmark)
// and the document 21-KL/TW.
func bigCommune(b *testing.B, n int) (env []string, st *storage.Storage) {
	b.Helper()
	dsn := storagetest.NewDatabase(b)
	env = []string{"DATABASE_URL=" + dsn}
	st, err := storage.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	db := st.DB()
	for _, q := range []string{
		`INSERT INTO organisations (code, name, kind) VALUES ('ROOT', 'Đảng bộ tỉnh', 'dang_bo')`,
		`INSERT INTO organisations (code, name, kind, parent_id)
			SELECT 'CB' || g, 'Chi bộ ' || g, 'chi_bo', (SELECT id FROM organisations WHERE code = 'ROOT')
			FROM generate_series(0, ` + strconv.Itoa(n/30) + `) g`,
		`INSERT INTO members (code, full_name, org_id, telegram_user_id, linked_at)
			SELECT 'DV' || g, 'Đảng viên ' || g, o.id, g, now()
			FROM generate_series(1, ` + strconv.Itoa(n) + `) g JOIN organisations o ON o.code = 'CB' || (g / 30)`,
		`INSERT INTO member_organisations (member_id, org_id) SELECT id, org_id FROM members`,
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	benchRun(b, env, "doc", "add", "--kind", "ket_luan", "--number", "21-KL/TW", "--title", "Kết luận về xây dựng Đảng",
		"--issuer", "Ban Chấp hành Trung ương", "--date", "25/10/2021", "--summary", "Tóm tắt.")
	return env, st
}

// BenchmarkServePush100000 pushes one document to 100,000 members through
// `sotay serve` with the budget off (SEND_RATE far above anything) and a
// fake API without flood limits: the outbox pipeline's own speed and the
// process's peak memory. Also the RSS of serve idle before the push.
func BenchmarkServePush100000(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("SOTAY_BENCH_MEMBERS")); err == nil && v > 0 {
		n = v // a smaller run: SOTAY_BENCH_MEMBERS=20000
	}
	for it := 0; it < b.N; it++ {
		b.StopTimer()
		env, st := bigCommune(b, n)
		tg := telegramtest.NewServer()
		defer tg.Close()
		for i := 1; i <= n; i++ {
			tg.User(int64(i), "U")
		}
		env = append(env, "TELEGRAM_BOT_TOKEN="+tg.Token(), "TELEGRAM_API_URL="+tg.URL(), "SEND_RATE=1000000")
		sv := command(context.Background(), env, "serve")
		if err := sv.Start(); err != nil {
			b.Fatal(err)
		}
		pid := sv.Process.Pid
		b.Cleanup(func() { sv.Process.Kill() })
		for tg.Calls("getUpdates") == 0 {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(3 * time.Second)
		idle := procStatus(pid, "VmRSS")
		start := time.Now()
		benchRun(b, env, "push", "--doc", "21-KL/TW", "--to", "ROOT")
		enqueued := time.Since(start)
		fmt.Fprintf(os.Stderr, "push of %d enqueued in %v\n", n, enqueued)
		b.StartTimer()
		deadline := time.Now().Add(10 * time.Minute)
		for {
			var pending int
			if err := st.DB().Get(&pending, `SELECT count(*) FROM outbox WHERE state = 'pending'`); err != nil {
				b.Fatal(err)
			}
			if pending == 0 {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d still pending", pending, n)
			}
			fmt.Fprintf(os.Stderr, "%v: %d pending, RSS %.0f MiB\n", time.Since(start).Round(time.Second), pending, procStatus(pid, "VmRSS"))
			time.Sleep(time.Second)
		}
		b.StopTimer()
		peak := procStatus(pid, "VmHWM")
		_ = sv.Process.Signal(syscall.SIGTERM)
		_ = sv.Wait()
		var sent int
		var span float64
		if err := st.DB().QueryRow(`SELECT count(*), extract(epoch FROM max(sent_at) - min(sent_at)) FROM outbox WHERE state = 'sent'`).Scan(&sent, &span); err != nil {
			b.Fatal(err)
		}
		if sent != n || tg.Calls("sendMessage") < n {
			b.Fatalf("sent %d of %d (%d calls)", sent, n, tg.Calls("sendMessage"))
		}
		b.ReportMetric(float64(sent-1)/span, "msgs/s")
		b.ReportMetric(peak, "peak-RSS-MiB")
		b.ReportMetric(idle, "idle-RSS-MiB")
		b.ReportMetric(enqueued.Seconds(), "push-cmd-s")
	}
}
