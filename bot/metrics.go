package bot

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"sotay/storage"
)

// Metrics are the Prometheus metrics of one bot process, on a registry of
// its own (no global state). The series are the ones docs/deploy/README.md
// suggests graphing.
type Metrics struct {
	Registry       *prometheus.Registry
	updates        *prometheus.CounterVec
	updateDuration prometheus.Histogram
	apiCalls       *prometheus.CounterVec
	sends          *prometheus.CounterVec
	floodWaits     prometheus.Counter
	floodWaitTime  prometheus.Counter
}

// NewMetrics registers the bot's metrics and the Go runtime's.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sotay_updates_total",
			Help: "Telegram updates handled, by result (ok, error, panic, duplicate: applied before, changed nothing); a retried update counts once per try.",
		}, []string{"result"}),
		updateDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sotay_update_duration_seconds", Help: "Time to handle one update, replies included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sotay_telegram_calls_total", Help: "Bot API calls by method and outcome.",
		}, []string{"method", "outcome"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sotay_sends_total",
			Help: "Outbox messages sent to Telegram, by result: ok, 429, 403 (blocked, chat not found), 400, 401, 5xx (or network).",
		}, []string{"result"}),
		floodWaits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sotay_flood_waits_total", Help: "Outbox sends that waited for their slot of the shared send budget.",
		}),
		floodWaitTime: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sotay_flood_wait_seconds_total", Help: "Time outbox sends spent waiting for the shared send budget.",
		}),
	}
	for _, r := range []string{"ok", "error", "panic", "duplicate"} {
		m.updates.WithLabelValues(r)
	}
	for _, r := range []string{"ok", "429", "403", "400", "401", "5xx"} {
		m.sends.WithLabelValues(r)
	}
	m.Registry.MustRegister(m.updates, m.updateDuration, m.apiCalls, m.sends, m.floodWaits, m.floodWaitTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

func (m *Metrics) update(result string, d time.Duration) {
	if m == nil {
		return
	}
	m.updates.WithLabelValues(result).Inc()
	m.updateDuration.Observe(d.Seconds())
}

func (m *Metrics) apiCall(method string, kind FailKind) {
	if m == nil {
		return
	}
	m.apiCalls.WithLabelValues(method, string(kind)).Inc()
}

// send counts one outbox send by the HTTP status a person expects.
func (m *Metrics) send(kind FailKind) {
	if m == nil {
		return
	}
	m.sends.WithLabelValues(sendResult(kind)).Inc()
}

func sendResult(kind FailKind) string {
	switch kind {
	case FailNone, FailNotModified:
		return "ok"
	case FailRetryAfter:
		return "429"
	case FailBlocked:
		return "403"
	case FailBadRequest:
		return "400"
	case FailAuth:
		return "401"
	}
	return "5xx"
}

// floodWait counts a wait for the shared budget.
func (m *Metrics) floodWait(d time.Duration) {
	if m == nil || d <= 0 {
		return
	}
	m.floodWaits.Inc()
	m.floodWaitTime.Add(d.Seconds())
}

// watchOutbox adds the outbox backlog, read from the database at each
// scrape: it is shared by every replica, so each reports the same figure.
func (m *Metrics) watchOutbox(s *storage.Storage) {
	m.Registry.MustRegister(&backlogCollector{store: s,
		pending: prometheus.NewDesc("sotay_outbox_pending", "Outbox messages waiting to be sent (all replicas).", nil, nil),
		oldest: prometheus.NewDesc("sotay_outbox_oldest_pending_seconds",
			"Age of the oldest outbox message waiting to be sent; 0 when none waits.", nil, nil),
		up: prometheus.NewDesc("sotay_database_up", "1 when the last scrape could read the database.", nil, nil),
	})
}

type backlogCollector struct {
	store               *storage.Storage
	pending, oldest, up *prometheus.Desc
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.oldest
	ch <- c.up
}

func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	b, err := c.store.OutboxBacklog(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(b.Pending))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, b.OldestAge.Seconds())
}
