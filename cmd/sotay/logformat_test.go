package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sotay/bot/telegramtest"
	"sotay/storage/storagetest"
)

// TestLogFormatJSON: with LOG_FORMAT=json every line `sotay serve` logs is
// one JSON object, and the token is in none of them.
func TestLogFormatJSON(t *testing.T) {
	tg := telegramtest.NewServer()
	defer tg.Close()
	env := []string{"DATABASE_URL=" + storagetest.NewDatabase(t), "TELEGRAM_BOT_TOKEN=" + tg.Token(),
		"TELEGRAM_API_URL=" + tg.URL(), "LOG_FORMAT=json"}
	sv := serve(t, env)
	deadline := time.Now().Add(30 * time.Second)
	for tg.Calls("getUpdates") == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	sv.running(t, "at start")
	sv.stop(t)
	lines := strings.Split(strings.TrimSpace(sv.stderr.String()), "\n")
	sawPolling := false
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("not a JSON line: %q (%v)", l, err)
		}
		if rec["msg"] == "polling for updates" && rec["level"] == "INFO" {
			sawPolling = true
		}
		if strings.Contains(l, tg.Token()) {
			t.Fatalf("token in the log: %q", l)
		}
	}
	if !sawPolling {
		t.Fatalf("no polling line in:\n%s", sv.stderr.String())
	}
}
