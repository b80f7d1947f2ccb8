package storagetest

import (
	"context"
	"sort"
	"testing"
	"time"

	"sotay/storage"
)

// ProvinceRoot is the root of the province storage's BenchmarkProvince
// builds, and its latest campaign.
func ProvinceRoot(b *testing.B, s *storage.Storage) (root storage.Organisation, campaign int64) {
	b.Helper()
	root, err := s.Organisation(context.Background(), "ROOT")
	if err != nil {
		b.Fatal(err)
	}
	if err := s.DB().Get(&campaign, `SELECT max(id) FROM campaigns`); err != nil {
		b.Fatal(err)
	}
	return root, campaign
}

// Timed runs f b.N times and reports p50 and p95 in milliseconds, for the
// province benchmarks of storage and of the exports.
func Timed(b *testing.B, f func() error) {
	b.Helper()
	if err := f(); err != nil { // warm the cache once
		b.Fatal(err)
	}
	var ds []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	b.StopTimer()
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	pct := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}
