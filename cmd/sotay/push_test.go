package main

import (
	"strings"
	"testing"
	"time"
)

func TestParseDue(t *testing.T) {
	now := time.Date(2026, 12, 1, 6, 30, 0, 0, time.FixedZone("ICT", 7*3600)) // 30/11 in UTC
	for in, want := range map[string]string{
		"30/12/2026":   "2026-12-30",
		"2026-12-31":   "2026-12-31",
		"5/1/2027":     "2027-01-05",
		"01/12/2027":   "2027-12-01",
		"31/12":        "2026-12-31",
		"hôm nay":      "2026-12-01",
		" 01/12/2026 ": "2026-12-01",
	} {
		d, err := parseDue(in, now)
		if err != nil || d.Format("2006-01-02") != want {
			t.Errorf("parseDue(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for in, want := range map[string]string{
		"30/11/2026": "--due: Hạn học tập 30/11/2026 đã qua: hạn phải từ hôm nay (01/12/2026) trở đi",
		"hôm qua":    "--due: Hạn học tập 30/11/2026 đã qua",
		"02/12/2027": "--due: Hạn học tập 02/12/2027 còn hơn một năm nữa",
		"abc":        `--due "abc" không phải ngày: hãy ghi DD/MM/YYYY, ví dụ --due 30/11/2026`,
		"31/02/2027": `--due "31/02/2027" không phải ngày`,
		" 2027/1/5 ": `--due "2027/1/5" không phải ngày`,
	} {
		if _, err := parseDue(in, now); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseDue(%q) = %v, want %q", in, err, want)
		}
	}
}
