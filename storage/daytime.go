package storage

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// DayTime is a local time of day, in minutes after midnight (0 to 1439): a
// meeting's start or end, stored in a time column (meeting_versions.starts_at,
// ends_at) that knows no date and no zone.
type DayTime int

// minutesPerDay is how many minutes a day has.
const minutesPerDay = 24 * 60

// NewDayTime is hour:minute, for a pair CheckTime accepts.
func NewDayTime(hour, minute int) DayTime { return DayTime(hour*60 + minute) }

// Hour is the hour of t.
func (t DayTime) Hour() int { return int(t) / 60 }

// Minute is the minute of t.
func (t DayTime) Minute() int { return int(t) % 60 }

// String is t as people write it: 19:30.
func (t DayTime) String() string { return fmt.Sprintf("%02d:%02d", t.Hour(), t.Minute()) }

// Value stores t in a time column.
func (t DayTime) Value() (driver.Value, error) {
	return fmt.Sprintf("%02d:%02d:00", t.Hour(), t.Minute()), nil
}

// Scan reads a time column (the driver gives a time.Time on day one, or
// text "19:30:00").
func (t *DayTime) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case time.Time:
		*t = NewDayTime(v.Hour(), v.Minute())
		return nil
	case []byte:
		s = string(v)
	case string:
		s = v
	default:
		return fmt.Errorf("storage: time of day from %T", src)
	}
	var h, m int
	if _, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil {
		return fmt.Errorf("storage: time of day %q: %w", s, err)
	}
	*t = NewDayTime(h, m)
	return nil
}

// MeetingMinutes is how long a meeting from start to end lasted; an end
// before the start is after midnight.
func MeetingMinutes(start, end DayTime) int {
	d := int(end) - int(start)
	if d < 0 {
		d += minutesPerDay
	}
	return d
}
