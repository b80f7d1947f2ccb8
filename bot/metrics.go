package bot

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the Prometheus metrics of one bot process, on a registry of
// its own (no global state).
type Metrics struct {
	Registry       *prometheus.Registry
	updates        *prometheus.CounterVec
	updateDuration prometheus.Histogram
	apiCalls       *prometheus.CounterVec
}

// NewMetrics registers the bot's metrics and the Go runtime's.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sotay_updates_total", Help: "Telegram updates handled, by result (ok, error, panic); a retried update counts once per try.",
		}, []string{"result"}),
		updateDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sotay_update_duration_seconds", Help: "Time to handle one update, replies included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sotay_telegram_calls_total", Help: "Bot API calls by method and outcome.",
		}, []string{"method", "outcome"}),
	}
	m.Registry.MustRegister(m.updates, m.updateDuration, m.apiCalls,
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
