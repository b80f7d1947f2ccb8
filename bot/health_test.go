package bot_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/handlers"
	"sotay/storage"
)

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metricValue is the value of one series in a /metrics page, -1 if absent.
func metricValue(page, series string) float64 {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` ([0-9.e+-]+)$`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// TestReadyzChecksSchema: /readyz is 503 with the reason while the schema is
// older or newer than the binary's, /healthz stays 200 all along.
func TestReadyzChecksSchema(t *testing.T) {
	h := start(t, bot.Config{})
	base := "http://" + h.b.Addr
	want := storage.SchemaVersion()
	set := func(v uint) {
		t.Helper()
		if _, err := h.s.DB().Exec(`UPDATE schema_migrations SET version = $1`, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		version uint
		reason  string
	}{
		{"Older", want - 1, fmt.Sprintf("schema version %d, this sotay expects %d: run sotay migrate", want-1, want)},
		{"Newer", want + 1, fmt.Sprintf("schema version %d is newer than this sotay (%d)", want+1, want)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set(tc.version)
			defer set(want)
			if code, body := httpGet(t, base+"/readyz"); code != 503 || !strings.Contains(body, tc.reason) {
				t.Fatalf("/readyz %d %q", code, body)
			}
			if code, _ := httpGet(t, base+"/healthz"); code != 200 {
				t.Fatalf("/healthz %d while the schema is off", code)
			}
		})
	}
	if code, body := httpGet(t, base+"/readyz"); code != 200 || body != "ready\n" {
		t.Fatalf("/readyz %d %q", code, body)
	}
}

// TestMetricsAPersonGraphs: a redelivered update counts as a duplicate,
// pushed messages count by result (403 for a member who blocked the bot),
// and the outbox backlog is read from the database.
func TestMetricsAPersonGraphs(t *testing.T) {
	addr := telegramtest.FreeAddr(t)
	h := start(t, bot.Config{ListenAddr: addr, WebhookURL: "http://" + addr + "/telegram/webhook", WebhookSecret: "sec"})
	base := "http://" + addr
	h.linkedUser("DV1", 8001, "Minh")
	h.linkedUser("DV2", 8002, "Hoa")
	h.linkedUser("DV3", 8003, "Páo")
	h.tg.BlockBy(8003)

	page := func() string { _, b := httpGet(t, base+"/metrics"); return b }
	t.Run("Duplicate", func(t *testing.T) {
		body := `{"update_id":777001,"message":{"message_id":900,"date":1,"chat":{"id":8001,"type":"private"},"from":{"id":8001,"first_name":"Minh"},"text":"/menu"}}`
		for i := 0; i < 2; i++ {
			req, _ := http.NewRequest("POST", base+"/telegram/webhook", strings.NewReader(body))
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "sec")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("webhook %d", resp.StatusCode)
			}
		}
		telegramtest.Eventually(t, longWait, "a duplicate counted", func() bool { return metricValue(page(), `sotay_updates_total{result="duplicate"}`) == 1 })
	})
	t.Run("SendsByResult", func(t *testing.T) {
		root, err := h.s.Organisation(context.Background(), "ROOT")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.s.CreateCampaign(context.Background(), storage.CampaignInput{
			DocumentID: insertDocument(t, h.s), OrgIDs: []int64{root.ID}, Actor: "test", Message: handlers.PushMessage,
		}); err != nil {
			t.Fatal(err)
		}
		// The send is counted when Telegram answers, its outbox row marked
		// a moment later: wait for both.
		telegramtest.Eventually(t, longWait, "the push sent", func() bool {
			p := page()
			return metricValue(p, `sotay_sends_total{result="ok"}`) == 2 && metricValue(p, `sotay_sends_total{result="403"}`) == 1 &&
				metricValue(p, "sotay_outbox_pending") == 0
		})
		p := page()
		for _, series := range []string{"sotay_outbox_pending", "sotay_outbox_oldest_pending_seconds", "sotay_database_up",
			`sotay_sends_total{result="429"}`, `sotay_sends_total{result="5xx"}`, "sotay_flood_waits_total",
			"sotay_flood_wait_seconds_total", "sotay_update_duration_seconds_count"} {
			if metricValue(p, series) < 0 {
				t.Errorf("no %s in /metrics", series)
			}
		}
		if metricValue(p, "sotay_outbox_pending") != 0 || metricValue(p, "sotay_database_up") != 1 {
			t.Errorf("backlog after the push: pending %v, database up %v",
				metricValue(p, "sotay_outbox_pending"), metricValue(p, "sotay_database_up"))
		}
	})
	t.Run("Backlog", func(t *testing.T) {
		if _, err := h.s.DB().Exec(`UPDATE outbox SET state = 'pending', next_attempt_at = now() + interval '1 hour',
			created_at = now() - interval '90 seconds' WHERE id = (SELECT min(id) FROM outbox)`); err != nil {
			t.Fatal(err)
		}
		p := page()
		if got := metricValue(p, "sotay_outbox_pending"); got != 1 {
			t.Fatalf("pending %v", got)
		}
		if got := metricValue(p, "sotay_outbox_oldest_pending_seconds"); got < 89 || got > 200 {
			t.Fatalf("oldest pending %v s", got)
		}
	})
}
