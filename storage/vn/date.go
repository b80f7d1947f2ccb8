package vn

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The two ways a date can be wrong, told apart so that a caller can say
// "this day does not exist, check the document" to someone who typed
// 31/02/2024 and "write day/month/year" to someone who typed "abc".
var (
	// ErrNotADate is text not written in any of the forms ParseDate reads.
	ErrNotADate = errors.New("vn: not a date")
	// ErrNoSuchDay is text written like a date whose day does not exist:
	// 31/02/2024, 29/02/2025, 00/01/2026, 12/13/2026.
	ErrNoSuchDay = errors.New("vn: no such day")
)

// The numeric forms. Digits are ASCII only (RE2's [0-9]); a space around a
// separator is tolerated because phone keyboards put one there.
var (
	// d/m/yyyy, d-m-yyyy, d.m.yyyy, with one or two digits for day and month.
	dayFirst = regexp.MustCompile(`^([0-9]{1,2}) ?([/.-]) ?([0-9]{1,2}) ?([/.-]) ?([0-9]{4})$`)
	// yyyy-mm-dd, the ISO form of spreadsheets and scripts.
	yearFirst = regexp.MustCompile(`^([0-9]{4}) ?- ?([0-9]{1,2}) ?- ?([0-9]{1,2})$`)
	// d/m: a day of the current year, as people write it in a chat.
	dayMonth = regexp.MustCompile(`^([0-9]{1,2}) ?/ ?([0-9]{1,2})$`)
)

// ParseDate reads a date as Vietnamese users write it, day first:
// 25/10/2021, 5/1/2021, 5-1-2021, 5.1.2021, 2021-10-25, 25/10 and 5/1
// (in today's year), "hôm nay" and "hôm qua" (with or without diacritics,
// in any case). today is the current time where the user lives; only its
// calendar day is used.
//
// The result is midnight UTC of that calendar day, so that dates compare and
// store as plain days whatever the server's zone. A bad date is an error
// wrapping ErrNotADate or ErrNoSuchDay (test with errors.Is). ParseDate does
// not judge whether a day is too late or too early: that depends on what the
// date is for (an issue date cannot be in the future, a deadline cannot be in
// the past), so d/m is taken in today's year even when that day is still to
// come, and the caller refuses it if it must.
func ParseDate(s string, today time.Time) (time.Time, error) {
	t := strings.Join(strings.Fields(s), " ")
	midnight := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch Key(t) {
	case "homnay":
		return midnight, nil
	case "homqua":
		return midnight.AddDate(0, 0, -1), nil
	}
	var y, m, d string
	if p := dayFirst.FindStringSubmatch(t); p != nil {
		if p[2] != p[4] { // 5/1-2021: two forms mixed, not a typo of one day
			return time.Time{}, fmt.Errorf("%w: %q", ErrNotADate, s)
		}
		d, m, y = p[1], p[3], p[5]
	} else if p := yearFirst.FindStringSubmatch(t); p != nil {
		y, m, d = p[1], p[2], p[3]
	} else if p := dayMonth.FindStringSubmatch(t); p != nil {
		d, m, y = p[1], p[2], strconv.Itoa(midnight.Year())
	} else {
		return time.Time{}, fmt.Errorf("%w: %q", ErrNotADate, s)
	}
	// At most four digits each: Atoi cannot fail.
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	day, ok := calendarDay(yi, mi, di)
	if !ok {
		return time.Time{}, fmt.Errorf("%w: %q", ErrNoSuchDay, s)
	}
	return day, nil
}

// calendarDay is midnight UTC of y-m-d if that day exists. time.Date would
// quietly roll 31/02 over into March; a date typed by a person that does
// not exist is a mistake to point out, not a day to guess. Year 0 does not
// exist either (1 BC is followed by AD 1), and PostgreSQL refuses it.
func calendarDay(y, m, d int) (time.Time, bool) {
	if y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d
}

// FormatDate writes a day the way ParseDate reads it and Vietnamese
// documents print it: 02/01/2006.
func FormatDate(t time.Time) string { return t.Format("02/01/2006") }
