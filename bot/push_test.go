package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

const docNumber = "21-KL/TW"

// insertDocument writes a published document row directly (the document
// library has its own tests).
func insertDocument(t testing.TB, s *storage.Storage) int64 {
	t.Helper()
	var id int64
	err := s.DB().Get(&id, `INSERT INTO documents (kind, number, issuer, issued_on, title, summary, body, status, number_key, published_at)
		VALUES ('ket_luan', $1, 'Bộ Chính trị', '2021-10-25', 'Về tiếp tục đẩy mạnh xây dựng, chỉnh đốn Đảng',
		'Kết luận yêu cầu các cấp ủy tiếp tục thực hiện nghiêm Nghị quyết Trung ương 4.', 'Toàn văn kết luận.', 'published', '21kltw', now())
		RETURNING id`, docNumber)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPushFromChat(t *testing.T) {
	h := start(t, bot.Config{Outbox: bot.OutboxConfig{Poll: 50 * time.Millisecond}})
	h.grant("DV1", storage.RoleAdmin, "ROOT")
	docID := insertDocument(t, h.s)
	admin := h.linkedUser("DV1", 8001, "Minh")
	hoa := h.linkedUser("DV2", 8002, "Hoa")
	// DV3 (Chi bộ bản Pà Pao) never links: assigned as unreachable.

	press := func(u *telegramtest.User, label, want string) {
		t.Helper()
		mustPress(t, u, label)
		waitText(t, u, want)
	}
	admin.SendText("/gui")
	waitText(t, admin, "Bước 1/3")
	press(admin, "Kết luận "+docNumber+" · Về tiếp tục đẩy mạnh xây dựng, chỉnh…", "Bước 2/3: gửi cho ai?")
	press(admin, "☑ Chọn từng chi bộ", "đã chọn 0")
	press(admin, "☐ Chi bộ bản Nà Hiên", "đã chọn 1")
	press(admin, "☐ Chi bộ bản Pà Pao", "đã chọn 2")
	press(admin, "✅ Xong (2 chi bộ)", "Sẽ giao cho 3 đảng viên: 2 nhận được qua Telegram hoặc sổ tay trên web, 1 chưa liên kết Telegram và chưa đăng nhập web")
	due := time.Now().UTC().AddDate(0, 0, 7) // the harness runs the bot in UTC
	press(admin, "7 ngày ("+due.Format("02/01")+")", "Hạn học tập: "+due.Format("02/01/2006"))
	mustPress(t, admin, "✅ Gửi cho 2 đảng viên")

	t.Run("MembersGetTheDocumentWithButtons", func(t *testing.T) {
		for _, u := range []*telegramtest.User{admin, hoa} {
			m := waitText(t, u, "📢 Kết luận số "+docNumber)
			for _, want := range []string{"Bộ Chính trị, ngày 25/10/2021", "Về tiếp tục đẩy mạnh", "Nghị quyết Trung ương 4", "Hạn học tập"} {
				if !strings.Contains(m.Plain, want) {
					t.Errorf("pushed message lacks %q: %q", want, m.Plain)
				}
			}
			if got := strings.Join(m.Buttons(), "|"); got != "📖 Đọc toàn văn|✅ Tôi đã học" {
				t.Errorf("buttons %q", got)
			}
			if cb := *m.InlineKeyboard[0][0].CallbackData; cb != fmt.Sprintf("dt:%d:1", docID) {
				t.Errorf("read button %q", cb)
			}
		}
	})
	t.Run("PusherSeesFinalSummaryOnTheSameMessage", func(t *testing.T) {
		m, err := admin.WaitMessage(wait, func(m telegramtest.Message) bool { return strings.Contains(m.Plain, "Đã gửi xong") })
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Plain, "Đã nhận: 2/3") || !strings.Contains(m.Plain, "chưa liên kết Telegram: 1") || m.Edited == 0 {
			t.Fatalf("summary %q (edited %d)", m.Plain, m.Edited)
		}
	})
	t.Run("StudiedOnceAndSecondPressChangesNothing", func(t *testing.T) {
		mustPress(t, hoa, "✅ Tôi đã học")
		telegramtest.Eventually(t, wait, "DV2's assignment studied", func() bool {
			var state string
			_ = h.s.DB().Get(&state, `SELECT a.state FROM assignments a JOIN members m ON m.id = a.member_id WHERE m.code = 'DV2'`)
			return state == storage.AssignStudied
		})
		// The pushed message itself now says so, and its button is gone.
		m, err := hoa.WaitMessage(wait, func(m telegramtest.Message) bool {
			return strings.Contains(m.Plain, "✅ Đã học ngày ") && !strings.Contains(strings.Join(m.Buttons(), "|"), "Tôi đã học")
		})
		if err != nil {
			t.Fatal(err)
		}
		var own int64
		if err := h.s.DB().Get(&own, `SELECT a.id FROM assignments a JOIN members m ON m.id = a.member_id WHERE m.code = 'DV2'`); err != nil {
			t.Fatal(err)
		}
		hoa.Press(m.ID, fmt.Sprintf("hoc:%d", own)) // a second tap that reached the bot before the edit
		waitAnswer(t, hoa, "đã xác nhận học văn bản này ngày")
	})
	t.Run("ForeignStudyButtonRefused", func(t *testing.T) {
		var other int64
		if err := h.s.DB().Get(&other, `SELECT a.id FROM assignments a JOIN members m ON m.id = a.member_id WHERE m.code = 'DV3'`); err != nil {
			t.Fatal(err)
		}
		msgs := hoa.Messages()
		hoa.Press(msgs[len(msgs)-1].ID, fmt.Sprintf("hoc:%d", other))
		waitAnswer(t, hoa, "không có quyền")
		var state string
		_ = h.s.DB().Get(&state, `SELECT state FROM assignments WHERE id = $1`, other)
		if state != storage.AssignUnreachable {
			t.Fatalf("someone else's assignment became %q", state)
		}
	})
	t.Run("DeliveryReportIsAnXLSX", func(t *testing.T) {
		mustPress(t, admin, "📊 Báo cáo gửi")
		m, err := admin.WaitMessage(wait, func(m telegramtest.Message) bool { return m.Document != nil })
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(m.Document.Data))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("Báo cáo gửi")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || strings.Join(rows[0], "|") != "STT|Họ và tên|Mã đảng viên|Tổ chức|Trạng thái|Thời gian|Lý do" {
			t.Fatalf("rows %q", rows)
		}
		got := map[string]string{}
		for _, r := range rows[1:] {
			got[r[2]] = r[4]
		}
		if got["DV1"] != "Đã nhận" || got["DV2"] != "Đã học" || got["DV3"] != "Không liên lạc được" {
			t.Fatalf("states %v", got)
		}
	})
	t.Run("ConfirmPressedTwiceMakesOneCampaign", func(t *testing.T) {
		var n int
		if err := h.s.DB().Get(&n, `SELECT count(*) FROM campaigns`); err != nil || n != 1 {
			t.Fatalf("%d campaigns (%v)", n, err)
		}
		// The confirm message is now the summary: its old buttons are gone,
		// and a forged press of "gui:ok" finds no open dialog.
		admin.Press(admin.Messages()[0].ID, "gui:ok")
		waitAnswer(t, admin, "đã xong hoặc đã hết hạn")
		if err := h.s.DB().Get(&n, `SELECT count(*) FROM campaigns`); err != nil || n != 1 {
			t.Fatalf("%d campaigns (%v)", n, err)
		}
	})
}

func waitAnswer(t *testing.T, u *telegramtest.User, sub string) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		for _, a := range u.CallbackAnswers() {
			if strings.Contains(a.Text, sub) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no callback answer %q in %+v", sub, u.CallbackAnswers())
}

// commune is a database with n linked members in cells of 30, fake users
// 1..n, a published document and a campaign to all of them.
type commune struct {
	dsn string
	s   *storage.Storage
	tg  *telegramtest.Server
	doc int64
	n   int
}

func newCommune(t testing.TB, n int, opts ...telegramtest.Option) *commune {
	t.Helper()
	ctx := context.Background()
	dsn := storagetest.NewDatabase(t)
	s, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	orgs := []storage.OrgInput{{Line: 2, Code: "ROOT", Name: "Đảng bộ xã", Kind: storage.KindDangBo}}
	for i := 0; i*30 < n; i++ {
		orgs = append(orgs, storage.OrgInput{Line: i + 3, Code: fmt.Sprintf("CB%02d", i), Name: fmt.Sprintf("Chi bộ %02d", i), Kind: storage.KindChiBo, ParentCode: "ROOT"})
	}
	var ms []storage.MemberInput
	for i := 1; i <= n; i++ {
		ms = append(ms, storage.MemberInput{Line: i + 1, Code: fmt.Sprintf("DV%05d", i), FullName: fmt.Sprintf("Đảng viên %d", i), OrgCode: fmt.Sprintf("CB%02d", (i-1)/30)})
	}
	storagetest.MustImport(t, s, orgs, ms)
	if _, err := s.DB().Exec(`UPDATE members SET telegram_user_id = substr(code, 3)::bigint, linked_at = now()`); err != nil {
		t.Fatal(err)
	}
	tg := telegramtest.NewServer(opts...)
	t.Cleanup(tg.Close)
	for i := 1; i <= n; i++ {
		tg.User(int64(i), fmt.Sprint("U", i))
	}
	return &commune{dsn: dsn, s: s, tg: tg, doc: insertDocument(t, s), n: n}
}

// push creates the campaign to the whole commune.
func (c *commune) push(t testing.TB) storage.Campaign {
	t.Helper()
	root, err := c.s.Organisation(context.Background(), "ROOT")
	if err != nil {
		t.Fatal(err)
	}
	camp, err := c.s.CreateCampaign(context.Background(), storage.CampaignInput{
		DocumentID: c.doc, OrgIDs: []int64{root.ID}, Actor: "test", Message: handlers.PushMessage,
	})
	if err != nil {
		t.Fatal(err)
	}
	return camp
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// sender runs an outbox sender in this process until the returned stop.
func (c *commune) sender(t testing.TB, cfg bot.OutboxConfig) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	client, err := bot.NewClient(ctx, c.tg.URL(), c.tg.Token(), quietLog(), nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = bot.NewOutbox(client, c.s, cfg, quietLog(), nil).Run(ctx)
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// waitDone waits until nothing is left to send.
func (c *commune) waitDone(t testing.TB, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		pending, _, _, err := c.s.OutboxCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	pending, sent, failed, _ := c.s.OutboxCounts(context.Background())
	t.Fatalf("outbox not drained within %v: pending %d, sent %d, failed %d", timeout, pending, sent, failed)
}

// received counts pushed messages per user.
func (c *commune) received() map[int64]int {
	got := map[int64]int{}
	for i := 1; i <= c.n; i++ {
		for _, m := range c.tg.Sent(int64(i)) {
			if strings.Contains(m.Plain, "Kết luận số "+docNumber) {
				got[int64(i)]++
			}
		}
	}
	return got
}

func (c *commune) states(t testing.TB) map[string]int {
	t.Helper()
	return storagetest.Pairs[string, int](t, c.s, `SELECT state AS k, count(*) AS v FROM assignments GROUP BY state`)
}

func TestPush870UnderFloodLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 32 s: 870 messages at 28/s")
	}
	c := newCommune(t, 870, telegramtest.WithFloodLimit(30, 1))
	c.push(t)
	c.sender(t, bot.OutboxConfig{Poll: 50 * time.Millisecond})
	c.waitDone(t, 90*time.Second)
	got := c.received()
	for i := int64(1); i <= 870; i++ {
		if got[i] != 1 {
			t.Fatalf("user %d got %d messages", i, got[i])
		}
	}
	if st := c.states(t); st[storage.AssignDelivered] != 870 {
		t.Fatalf("assignments %v", st)
	}
	_, n429 := c.tg.FloodStats()
	t.Logf("flood 429 answers: %d", n429)
}

// TestPushFaults: each failure of the Bot API has its outcome, whether the
// sender sends one message at a time and records each outcome before the
// next (the default rate) or sends several at once and records the sent
// ones in batches (a rate beyond 200/s).
func TestPushFaults(t *testing.T) {
	t.Run("OneAtATime", func(t *testing.T) {
		testPushFaults(t, bot.OutboxConfig{}, telegramtest.WithFloodLimit(30, 1))
	})
	t.Run("Concurrent", func(t *testing.T) {
		testPushFaults(t, bot.OutboxConfig{Rate: 1e6, Workers: 8})
	})
}

func testPushFaults(t *testing.T, cfg bot.OutboxConfig, opts ...telegramtest.Option) {
	c := newCommune(t, 40, opts...)
	c.tg.InjectFault("sendMessage", telegramtest.Fault{Code: 429, RetryAfter: 1, ChatID: 5})
	c.tg.InjectFault("sendMessage", telegramtest.Fault{Code: 502, ChatID: 6, Times: 2})
	c.tg.InjectFault("sendMessage", telegramtest.Fault{Code: 500, ChatID: 7, Times: -1})
	c.tg.InjectFault("sendMessage", telegramtest.Fault{Drop: true, ChatID: 8})
	c.tg.BlockBy(9)
	c.tg.InjectFault("sendMessage", telegramtest.Fault{Code: 400, Description: "Bad Request: chat not found", ChatID: 10})
	c.push(t)
	cfg.Poll, cfg.Backoff, cfg.MaxAttempts = 20*time.Millisecond, 50*time.Millisecond, 3
	c.sender(t, cfg)
	c.waitDone(t, 30*time.Second)
	got := c.received()
	reason := func(user int) (string, string) {
		var r struct {
			State  string `db:"state"`
			Reason string `db:"reason"`
		}
		_ = c.s.DB().Get(&r, `SELECT a.state, a.reason FROM assignments a JOIN members m ON m.id = a.member_id WHERE m.telegram_user_id = $1`, user)
		return r.State, r.Reason
	}
	tests := []struct {
		name        string
		user        int
		messages    int
		state, why  string
		unreachable bool
	}{
		{"FloodWaitRetriedOnce", 5, 1, storage.AssignDelivered, "", false},
		{"ServerErrorsRetried", 6, 1, storage.AssignDelivered, "", false},
		{"DroppedConnectionRetried", 8, 1, storage.AssignDelivered, "", false},
		{"PersistentServerErrorFailsWithReason", 7, 0, storage.AssignFailed, "sau 3 lần thử", false},
		{"BlockedMarksUnreachable", 9, 0, storage.AssignUnreachable, "đã chặn bot", true},
		{"ChatNotFoundMarksUnreachable", 10, 0, storage.AssignUnreachable, "không tìm thấy cuộc trò chuyện", true},
		{"OthersExactlyOnce", 11, 1, storage.AssignDelivered, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got[int64(tc.user)] != tc.messages {
				t.Errorf("user %d got %d messages, want %d", tc.user, got[int64(tc.user)], tc.messages)
			}
			state, why := reason(tc.user)
			if state != tc.state || !strings.Contains(why, tc.why) {
				t.Errorf("assignment %s %q, want %s %q", state, why, tc.state, tc.why)
			}
			var unreachable bool
			_ = c.s.DB().Get(&unreachable, `SELECT unreachable_at IS NOT NULL FROM members WHERE telegram_user_id = $1`, tc.user)
			if unreachable != tc.unreachable {
				t.Errorf("member unreachable = %v", unreachable)
			}
		})
	}
	for i := int64(11); i <= 40; i++ {
		if got[i] != 1 {
			t.Fatalf("user %d got %d messages", i, got[i])
		}
	}
}

// TestMain runs the test binary as a bare outbox sender process when
// SOTAY_OUTBOX_HELPER is set: the process TestPushSurvivesHardKill and
// TestTwoSenderProcessesShareOneBudget start and kill.
func TestMain(m *testing.M) {
	if os.Getenv("SOTAY_OUTBOX_HELPER") == "1" {
		if err := outboxProcess(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func outboxProcess() error {
	ctx := context.Background()
	s, err := storage.Open(ctx, os.Getenv("SOTAY_DSN"))
	if err != nil {
		return err
	}
	client, err := bot.NewClient(ctx, os.Getenv("SOTAY_API"), os.Getenv("SOTAY_TOKEN"), quietLog(), nil)
	if err != nil {
		return err
	}
	var rate float64
	fmt.Sscan(os.Getenv("SOTAY_RATE"), &rate)
	return bot.NewOutbox(client, s, bot.OutboxConfig{Rate: rate, Lease: time.Second, Poll: 20 * time.Millisecond}, quietLog(), nil).Run(ctx)
}

func (c *commune) startProcess(t *testing.T, rate float64) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "SOTAY_OUTBOX_HELPER=1", "SOTAY_DSN="+c.dsn, "SOTAY_API="+c.tg.URL(),
		"SOTAY_TOKEN="+c.tg.Token(), fmt.Sprint("SOTAY_RATE=", rate))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

func (c *commune) total() int {
	n := 0
	for _, v := range c.received() {
		n += v
	}
	return n
}

func TestPushSurvivesHardKill(t *testing.T) {
	c := newCommune(t, 150)
	c.push(t)
	kills := 0
	for _, at := range []int{20, 60, 100} {
		p := c.startProcess(t, 60)
		deadline := time.Now().Add(30 * time.Second)
		for c.total() < at && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		// SIGKILL: no deferred function, no release, the batch's leases
		// and the message in flight are abandoned.
		if err := p.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = p.Wait()
		kills++
	}
	c.startProcess(t, 60)
	c.waitDone(t, 60*time.Second)
	got := c.received()
	dups := 0
	for i := int64(1); i <= 150; i++ {
		if got[i] == 0 {
			t.Fatalf("user %d never got the message", i)
		}
		dups += got[i] - 1
	}
	t.Logf("%d kills, %d duplicates", kills, dups)
	if dups > kills {
		t.Fatalf("%d duplicates after %d kills", dups, kills)
	}
	if st := c.states(t); st[storage.AssignDelivered] != 150 {
		t.Fatalf("assignments %v", st)
	}
}

func TestTwoSenderProcessesShareOneBudget(t *testing.T) {
	c := newCommune(t, 120, telegramtest.WithFloodLimit(30, 1))
	c.push(t)
	// Each process alone may send 28/s: two of them with budgets of their
	// own would send 56/s and meet the fake's 429s.
	c.startProcess(t, 28)
	c.startProcess(t, 28)
	c.waitDone(t, 60*time.Second)
	got := c.received()
	for i := int64(1); i <= 120; i++ {
		if got[i] != 1 {
			t.Fatalf("user %d got %d messages", i, got[i])
		}
	}
	if _, n429 := c.tg.FloodStats(); n429 != 0 {
		t.Fatalf("the fake API answered 429 %d times: the two senders exceeded 30/s together", n429)
	}
}
