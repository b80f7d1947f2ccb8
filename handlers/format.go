package handlers

import (
	"fmt"
	"html"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// The shared formatting helpers: escaping for Telegram HTML, cutting
// labels, dates and durations in Vietnamese.

// esc escapes text for HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }

// cut shortens s to n characters at most, at a word boundary when it can.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n-1]
	out := string(rs)
	if i := strings.LastIndexByte(out, ' '); i > len(out)/2 {
		out = out[:i]
	}
	return out + "…"
}

// durationVI says a duration in Vietnamese, rounded: "15 giây", "2 phút".
func durationVI(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	switch {
	case s < 1:
		return "1 giây"
	case s < 90:
		return fmt.Sprintf("%d giây", s)
	case s < 90*60:
		return fmt.Sprintf("%d phút", (s+30)/60)
	}
	return fmt.Sprintf("%d giờ %d phút", s/3600, (s%3600)/60)
}

// dateVN formats a date as Vietnamese documents write it.
func dateVN(t time.Time) string { return t.Format("02/01/2006") }
