package report_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"sotay/handlers/report"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// The export and chart halves of the province benchmark: run the storage
// package's BenchmarkProvince first, with the same SOTAY_BENCH_MEMBERS, to
// build the database.
func BenchmarkProvinceExports(b *testing.B) {
	members, _ := strconv.Atoi(os.Getenv("SOTAY_BENCH_MEMBERS"))
	if members == 0 {
		b.Skip("set SOTAY_BENCH_MEMBERS and run storage's BenchmarkProvince first")
	}
	ctx := context.Background()
	s, err := storage.Open(ctx, storagetest.DSN(fmt.Sprintf("sotay_bench_%d", members)))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	root, campaign := storagetest.ProvinceRoot(b, s)
	f := storage.StudyFilter{CampaignID: campaign}
	b.Run("CampaignXLSX", func(b *testing.B) {
		storagetest.Timed(b, func() error {
			rows, err := s.StudyFigures(ctx, f, root.ID)
			if err != nil {
				return err
			}
			lag, err := s.Laggards(ctx, f, root.ID)
			if err != nil {
				return err
			}
			_, err = report.Workbook{Study: rows, Laggards: lag}.XLSX()
			return err
		})
	})
	b.Run("CampaignDeliveryXLSX", func(b *testing.B) {
		storagetest.Timed(b, func() error {
			rows, err := s.DeliveryReport(ctx, campaign)
			if err != nil {
				return err
			}
			_, err = report.DeliveryXLSX(rows, time.UTC)
			return err
		})
	})
	b.Run("RatesChart", func(b *testing.B) {
		storagetest.Timed(b, func() error {
			rows, err := s.StudyFigures(ctx, f, root.ID)
			if err != nil {
				return err
			}
			var bars []report.Bar
			for _, r := range rows[1:] {
				if r.Kind == string(storage.KindChiBo) {
					bars = append(bars, report.Bar{Label: r.Name, Value: r.Total.Rate()})
				}
			}
			sort.Slice(bars, func(i, j int) bool { return bars[i].Value < bars[j].Value })
			_, err = report.RatesCharts("Tỷ lệ học tập", bars, 95)
			return err
		})
	})
}
