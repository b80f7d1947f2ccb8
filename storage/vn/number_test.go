package vn_test

import (
	"testing"

	"sotay/storage/vn"
)

func TestNumbers(t *testing.T) {
	for _, tt := range []struct{ name, got, want string }{
		{"SmallCount", vn.Number(7), "7"},
		{"Zero", vn.Number(0), "0"},
		{"Hundreds", vn.Number(870), "870"},
		{"Thousands", vn.Number(2793), "2.793"},
		{"HundredThousand", vn.Number(100000), "100.000"},
		{"Millions", vn.Number(1234567), "1.234.567"},
		{"ReportCountTwoDigits", vn.Count(2), "02"},
		{"ReportCountZero", vn.Count(0), "00"},
		{"ReportCountTens", vn.Count(14), "14"},
		{"ReportCountThousands", vn.Count(2793), "2.793"},
		{"DecimalComma", vn.Decimal(95.2, 1), "95,2"},
		{"DecimalGrouped", vn.Decimal(1234.56, 1), "1.234,6"},
		{"DecimalKeepsZero", vn.Decimal(3, 1), "3,0"},
		{"Percent", vn.Percent(95.2), "95,2 %"},
		{"PercentWhole", vn.Percent(100), "100,0 %"},
		{"PercentRoundsHalfUp", vn.Percent(95.25), "95,3 %"},
		{"PercentOfThirds", vn.Percent(200.0 / 3), "66,7 %"},
		{"PercentZero", vn.Percent(0), "0,0 %"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Fatalf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
