package vn_test

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"sotay/storage/vn"
)

// today is 1 December 2026, 06:30 in Hà Nội, which is still 30 November in
// UTC: a parser that took the day in the wrong zone would be a day off.
var today = time.Date(2026, 12, 1, 6, 30, 0, 0, time.FixedZone("ICT", 7*3600))

func TestParseDate(t *testing.T) {
	good := []struct{ name, in, want string }{
		// What handlers.ParseDate accepted.
		{"DayMonthYear", "25/10/2021", "2021-10-25"},
		{"ShortDayMonth", "5/1/2021", "2021-01-05"},
		{"ISO", "2021-10-25", "2021-10-25"},
		{"SpacesAround", " 01/02/2020 ", "2020-02-01"},
		{"Dashes", "2-1-2006", "2006-01-02"},
		{"Dots", "2.1.2006", "2006-01-02"},
		{"PaddedDashes", "02-01-2006", "2006-01-02"},
		{"PaddedDots", "25.10.2021", "2021-10-25"},
		// What parseDue accepted.
		{"Deadline", "30/11/2026", "2026-11-30"},
		{"DeadlineISO", "2026-12-31", "2026-12-31"},
		// Leap days.
		{"LeapDay", "29/02/2024", "2024-02-29"},
		{"LeapDay2000", "29/2/2000", "2000-02-29"},
		{"LastDayOfYear", "31/12/2025", "2025-12-31"},
		// New forms.
		{"ISOShort", "2021-1-5", "2021-01-05"},
		{"SpaceAroundSlash", "25 / 10 / 2021", "2021-10-25"},
		{"NoBreakSpace", "\u00a025/10/2021\u00a0", "2021-10-25"},
		{"DayMonthThisYear", "25/10", "2026-10-25"},
		{"DayMonthShort", "5/1", "2026-01-05"},
		{"DayMonthPadded", "05/01", "2026-01-05"},
		{"DayMonthAhead", "31/12", "2026-12-31"},
		{"Today", "hôm nay", "2026-12-01"},
		{"TodayPlain", "hom nay", "2026-12-01"},
		{"TodayUpper", "HÔM NAY", "2026-12-01"},
		{"TodayTitle", "Hôm nay", "2026-12-01"},
		{"TodaySpaces", "  hôm   nay ", "2026-12-01"},
		{"TodayDecomposed", norm.NFD.String("hôm nay"), "2026-12-01"},
		{"TodayTogether", "homnay", "2026-12-01"},
		// handlers.ParseDate refused "hôm qua"; it is a date now.
		{"Yesterday", "hôm qua", "2026-11-30"},
		{"YesterdayPlain", "hom qua", "2026-11-30"},
		{"YesterdayUpper", "HOM QUA", "2026-11-30"},
		{"YesterdayTab", "hôm\tqua", "2026-11-30"},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			got, err := vn.ParseDate(tt.in, today)
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if got.Format("2006-01-02") != tt.want || got.Location() != time.UTC || got.Hour() != 0 || got.Minute() != 0 {
				t.Fatalf("ParseDate(%q) = %v, want %s at midnight UTC", tt.in, got, tt.want)
			}
		})
	}
	bad := []struct {
		name, in string
		want     error
	}{
		{"Feb31", "31/02/2024", vn.ErrNoSuchDay},
		{"NotLeap", "29/02/2025", vn.ErrNoSuchDay},
		{"Century", "29/02/1900", vn.ErrNoSuchDay},
		{"DayZero", "00/01/2026", vn.ErrNoSuchDay},
		{"MonthThirteen", "12/13/2026", vn.ErrNoSuchDay},
		{"MonthZero", "1/0/2026", vn.ErrNoSuchDay},
		{"Day32", "32/1/2021", vn.ErrNoSuchDay},
		{"April31", "31/4/2026", vn.ErrNoSuchDay},
		{"ISOImpossible", "2024-02-30", vn.ErrNoSuchDay},
		{"ISOMonth13", "2024-13-01", vn.ErrNoSuchDay},
		{"YearZero", "01/01/0000", vn.ErrNoSuchDay},
		{"DayMonthImpossible", "30/2", vn.ErrNoSuchDay},
		{"DayMonthNotLeap", "29/02", vn.ErrNoSuchDay}, // 2026 is not a leap year
		{"Attendance", "18/20", vn.ErrNoSuchDay},
		{"DashesImpossible", "31-02-2024", vn.ErrNoSuchDay},
		{"Empty", "", vn.ErrNotADate},
		{"Blank", "   ", vn.ErrNotADate},
		{"Word", "abc", vn.ErrNotADate},
		{"DayBeforeYesterday", "hôm kia", vn.ErrNotADate},
		{"TodayAndMore", "hôm nay 5", vn.ErrNotADate},
		{"YearSlash", "2021/10/25", vn.ErrNotADate},
		{"TwoDigitYear", "25/10/21", vn.ErrNotADate},
		{"FiveDigitYear", "25/10/20211", vn.ErrNotADate},
		{"ThreeDigitDay", "125/10/2021", vn.ErrNotADate},
		{"MixedSeparators", "5/1-2021", vn.ErrNotADate},
		{"DayMonthDashes", "5-1", vn.ErrNotADate},
		{"DayMonthDots", "5.1", vn.ErrNotADate},
		{"DateAndTime", "25/10/2021 08:00", vn.ErrNotADate},
		{"Words", "25 tháng 10 năm 2021", vn.ErrNotADate},
		{"FullWidthDigits", "２５/１０/２０２１", vn.ErrNotADate},
		{"Negative", "-5/1/2021", vn.ErrNotADate},
		{"Number", "2021", vn.ErrNotADate},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := vn.ParseDate(tt.in, today)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			other := vn.ErrNotADate
			if tt.want == vn.ErrNotADate {
				other = vn.ErrNoSuchDay
			}
			if errors.Is(err, other) {
				t.Fatalf("ParseDate(%q): %v is also %v", tt.in, err, other)
			}
		})
	}
}

// TestParseDateTodayIsTheUsersDay: "hôm nay" is the calendar day of the
// time given, in its own zone, not the day in UTC.
func TestParseDateTodayIsTheUsersDay(t *testing.T) {
	hanoi := time.FixedZone("ICT", 7*3600)
	early := time.Date(2027, 1, 1, 0, 30, 0, 0, hanoi) // still 31/12/2026 in UTC
	for in, want := range map[string]string{"hôm nay": "2027-01-01", "hôm qua": "2026-12-31", "5/1": "2027-01-05"} {
		got, err := vn.ParseDate(in, early)
		if err != nil || got.Format("2006-01-02") != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	for _, tt := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2021, 10, 25, 0, 0, 0, 0, time.UTC), "25/10/2021"},
		{time.Date(2006, 1, 2, 0, 0, 0, 0, time.UTC), "02/01/2006"},
		{time.Date(2026, 3, 5, 23, 59, 0, 0, time.UTC), "05/03/2026"},
		{time.Date(999, 1, 1, 0, 0, 0, 0, time.UTC), "01/01/0999"},
	} {
		if got := vn.FormatDate(tt.in); got != tt.want {
			t.Errorf("FormatDate(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParseDate: no text makes ParseDate panic or fail in a third way, and
// whatever it accepts is a day at midnight UTC that reads back as itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"25/10/2021", "5/1", "2021-10-25", "2.1.2006", "hôm nay", "HOM QUA", "31/02/2024", "abc", "", "1/2-2024", "00/00/0000", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := vn.ParseDate(s, today)
		if err != nil {
			if !errors.Is(err, vn.ErrNotADate) && !errors.Is(err, vn.ErrNoSuchDay) {
				t.Fatalf("ParseDate(%q): untyped error %v", s, err)
			}
			return
		}
		if d.Location() != time.UTC || !d.Equal(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("ParseDate(%q) = %v, not midnight UTC", s, d)
		}
		back, err := vn.ParseDate(vn.FormatDate(d), today)
		if err != nil || !back.Equal(d) {
			t.Fatalf("ParseDate(%q) = %v; FormatDate gives %q, which reads as %v, %v", s, d, vn.FormatDate(d), back, err)
		}
	})
}
