package handlers

import (
	"strings"
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ in, from, to, err string }{
		{in: "01/07/2026 - 30/11/2026", from: "2026-07-01", to: "2026-11-30"},
		{in: "1/7/2026 đến 30/11/2026", from: "2026-07-01", to: "2026-11-30"},
		{in: "01/07/2026–30/11/2026", from: "2026-07-01", to: "2026-11-30"},
		{in: "2026-07-01 - 2026-11-30", from: "2026-07-01", to: "2026-11-30"},
		{in: "2026-07-01", from: "2026-07-01", to: "2026-12-01"},
		{in: " 01/07/2026 ", from: "2026-07-01", to: "2026-12-01"},
		{in: "31/11/2026", err: "không phải ngày"},
		{in: "30/11/2026 - 01/11/2026", err: "trước ngày bắt đầu"},
		{in: "tháng trước", err: "không phải ngày"},
	} {
		from, to, err := parsePeriod(tc.in, now)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || from.Format("2006-01-02") != tc.from || to.Format("2006-01-02") != tc.to {
			t.Errorf("%q: %v %v %v, want %s %s", tc.in, from, to, err, tc.from, tc.to)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"01/07/2026 - 30/11/2026", "1/7 đến hôm nay", "2026-07-01", "—", " - ", "31/02/2026"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		from, to, err := parsePeriod(s, now)
		if err == nil && to.Before(from) {
			t.Fatalf("%q: %v before %v", s, to, from)
		}
	})
}
