package handlers

import (
	"fmt"
	"html"
	"math"
	"time"
)

// The shared formatting helpers: escaping for Telegram HTML, cutting
// labels, dates and durations in Vietnamese.

// esc escapes text for HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }

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
