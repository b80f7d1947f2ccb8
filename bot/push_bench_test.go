package bot_test

import (
	"bufio"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotay/bot"
	"sotay/bot/telegramtest"
)

// Run with: go test -bench . -benchtime 1x -run '^$' ./bot/

// BenchmarkPush870At30 pushes to 870 members with SEND_RATE=30 through a
// fake API that enforces 30 msg/s and 1/s per chat: rate/30 is how much of
// the budget the sender uses, 429s how often it overstepped.
func BenchmarkPush870At30(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c := newCommune(b, 870, telegramtest.WithFloodLimit(30, 1))
		c.push(b)
		b.StartTimer()
		c.sender(b, bot.OutboxConfig{Rate: 30, Poll: 20 * time.Millisecond})
		c.waitDone(b, 3*time.Minute)
		b.StopTimer()
		first, last := sendSpan(c)
		rate := float64(870-1) / last.Sub(first).Seconds()
		_, n429 := c.tg.FloodStats()
		b.ReportMetric(rate/30, "rate/30")
		b.ReportMetric(rate, "msgs/s")
		b.ReportMetric(float64(n429), "429s")
	}
}

// BenchmarkPush20000Unlimited pushes to 20,000 members with the fake API's
// limit off and no send budget: the pipeline's own speed (claim, send,
// record) and the process's peak memory.
func BenchmarkPush20000Unlimited(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c := newCommune(b, 20000)
		c.push(b)
		b.StartTimer()
		start := time.Now()
		c.sender(b, bot.OutboxConfig{Rate: -1, Poll: 20 * time.Millisecond, Batch: 200})
		c.waitDone(b, 5*time.Minute)
		elapsed := time.Since(start)
		b.StopTimer()
		b.ReportMetric(20000/elapsed.Seconds(), "msgs/s")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
	}
}

// sendSpan is the time of the first and last pushed message the fake
// accepted.
func sendSpan(c *commune) (first, last time.Time) {
	var ts []time.Time
	for i := 1; i <= c.n; i++ {
		for _, m := range c.tg.Sent(int64(i)) {
			if m.Method == "sendMessage" {
				ts = append(ts, m.Time)
			}
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	return ts[0], ts[len(ts)-1]
}

// peakRSS reads VmHWM, the process's peak resident set, in bytes.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
