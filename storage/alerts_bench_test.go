package storage_test

import (
	"context"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// The rules of party work over the province BenchmarkProvince builds: every
// rule for the whole province (what the Monday digest evaluates once a
// sweep) and for one cell (/canhbao of a secretary).
//
//	SOTAY_BENCH_MEMBERS=100000 go test -run '^$' -bench ProvinceAlerts -benchtime 10x -v ./storage/
func BenchmarkProvinceAlerts(b *testing.B) {
	s, _ := benchStorage(b)
	ctx := context.Background()
	root, _ := storagetest.ProvinceRoot(b, s)
	cell, err := s.Organisation(ctx, "CB1")
	if err != nil {
		b.Fatal(err)
	}
	on := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name string
		root int64
	}{{"Province", root.ID}, {"OneCell", cell.ID}} {
		b.Run(bc.name, func(b *testing.B) {
			storagetest.Timed(b, func() error {
				_, err := s.Alerts(ctx, storage.AlertQuery{On: on, Roots: []int64{bc.root}, CoverageTarget: 30})
				return err
			})
		})
	}
}
