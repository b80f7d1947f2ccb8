package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sotay/bot/telegramtest"
	"sotay/storage"
)

// TestServeKilledMidPushLosesNothing pushes to 40 members, kills `sotay
// serve` hard twice in the middle of sending, and restarts it: every member
// gets the document, with at most one duplicate per kill.
func TestServeKilledMidPushLosesNothing(t *testing.T) {
	const n = 40
	dsn, env := database(t)
	env = append(env, "SEND_RATE=10")
	s := open(t, dsn)
	tg, users := pushCommune(t, env, s, "K", n, 20000)
	defer tg.Close()
	env = append(env, "TELEGRAM_BOT_TOKEN="+tg.Token(), "TELEGRAM_API_URL="+tg.URL())
	mustRun(t, env, "push", "--doc", "21-KL/TW", "--to", "CBNAHIEN")
	delivered := func() (got, dup int) {
		for _, u := range users {
			k := 0
			for _, m := range u.Messages() {
				if strings.Contains(m.Plain, "21-KL/TW") {
					k++
				}
			}
			if k > 0 {
				got++
			}
			if k > 1 {
				dup += k - 1
			}
		}
		return got, dup
	}
	waitFor := func(want int, sv *serving) {
		deadline := time.Now().Add(60 * time.Second)
		for {
			if got, _ := delivered(); got >= want {
				return
			}
			if time.Now().After(deadline) {
				got, _ := delivered()
				t.Fatalf("only %d of %d members got the push\nlogs:\n%s", got, want, sv.logs())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for kill, at := range []int{8, 20} {
		sv := serve(t, env)
		waitFor(at, sv)
		sv.kill(t) // SIGKILL: no cleanup runs
		t.Logf("kill %d after %d members", kill+1, at)
	}
	waitFor(n, serve(t, env))
	// Let a late duplicate show up before counting.
	time.Sleep(500 * time.Millisecond)
	got, dup := delivered()
	if got != n || dup > 2 {
		t.Fatalf("%d of %d members got it, %d duplicates after 2 kills", got, n, dup)
	}
	t.Logf("%d members, %d duplicates after 2 kills", got, dup)
	var states []string
	if err := s.DB().Select(&states, `SELECT DISTINCT state FROM assignments`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !(len(states) == 1 && states[0] == "delivered") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		states = nil
		_ = s.DB().Select(&states, `SELECT DISTINCT state FROM assignments`)
	}
	if len(states) != 1 || states[0] != "delivered" {
		t.Fatalf("assignment states %v", states)
	}
}

// pushCommune imports n members of CBNAHIEN coded prefix000, prefix001…,
// links them to the chats chat0, chat0+1…, adds 21-KL/TW, and starts a
// fake Bot API with the flood limit (30 a second) on which they are users.
// The caller closes the server.
func pushCommune(t *testing.T, env []string, s *storage.Storage, prefix string, n int, chat0 int64) (*telegramtest.Server, []*telegramtest.User) {
	t.Helper()
	mustRun(t, env, "import", "orgs", write(t, "o.csv", orgsCSV))
	var csv strings.Builder
	csv.WriteString("code,full_name,org_code\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&csv, "%s%03d,Đảng viên Số %d,CBNAHIEN\n", prefix, i, i)
	}
	mustRun(t, env, "import", "members", write(t, "m.csv", csv.String()))
	ctx := context.Background()
	for i := 0; i < n; i++ {
		m, err := s.Member(ctx, fmt.Sprintf("%s%03d", prefix, i))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.LinkTelegram(ctx, m.ID, chat0+int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, env, "doc", "add", "--kind", "ket_luan", "--number", "21-KL/TW", "--title", "Kết luận về xây dựng Đảng",
		"--issuer", "Ban Chấp hành Trung ương", "--date", "25/10/2021", "--summary", "Tóm tắt.")
	tg := telegramtest.NewServer(telegramtest.WithFloodLimit(30, 1))
	users := make([]*telegramtest.User, n)
	for i := range users {
		users[i] = tg.User(chat0+int64(i), fmt.Sprintf("U%d", i))
	}
	return tg, users
}
