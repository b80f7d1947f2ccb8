package quickform

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sotay/storage"
	"sotay/storage/vn"
)

// The /lichhop form: the next meeting's day, time, place and topic.

// Notice is a parsed /lichhop form: the next meeting's day, time, place
// and topic.
type Notice struct {
	OrgCode string
	Date    time.Time
	HasDate bool
	Hour    int
	Minute  int
	HasTime bool
	Place   string
	Topic   string
}

// Org is the organisation code written in the form, "" when none.
func (n Notice) Org() string { return n.OrgCode }

// Missing is the first field an announcement still needs.
func (n Notice) Missing() Field {
	switch {
	case !n.HasDate:
		return FieldDate
	case !n.HasTime:
		return FieldTime
	case n.Place == "":
		return FieldPlace
	case n.Topic == "":
		return FieldTopic
	}
	return FieldNone
}

// NoticeExample is the model of /lichhop.
const NoticeExample = "/lichhop 28/11/2026; 19:30; Nhà văn hóa bản; Quán triệt Kết luận 21-KL/TW"

var timeShape = regexp.MustCompile(`^(?:luc\s*)?(\d{1,2})\s*(?:(?:[:h.]|gio)\s*(\d{1,2})?\s*(?:phut|p)?)?\s*(sang|chieu|toi)?$`)

// ParseTime reads a time of day: 19:30, 19h30, 19h, 7 giờ 30, 7:30 tối.
func ParseTime(f string) (hour, minute int, err error) {
	k := vn.Fold(f)
	p := timeShape.FindStringSubmatch(k)
	if p == nil {
		return 0, 0, fail(FieldTime, "Không đọc được giờ họp «%s»: %s.", f, storage.TimeHow)
	}
	hour, _ = strconv.Atoi(p[1])
	if p[2] != "" {
		minute, _ = strconv.Atoi(p[2])
	}
	if (p[3] == "chieu" || p[3] == "toi") && hour < 12 {
		hour += 12
	}
	if err := storage.CheckTime(hour, minute); err != nil {
		return 0, 0, err
	}
	return hour, minute, nil
}

// ParseNotice reads a /lichhop form: [CODE;] date; time; place; topic.
// The day may be today or later, not past.
func ParseNotice(form string, today time.Time) (Notice, error) {
	code, fields := splitForm(form)
	n := Notice{OrgCode: code}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	for _, f := range fields {
		switch {
		case !n.HasDate && (isDate(f) || vn.Key(f) == "ngaymai"):
			t, err := vn.ParseDate(strings.TrimSpace(strings.TrimPrefix(vn.Fold(f), "ngay ")), today)
			if vn.Key(f) == "ngaymai" {
				t, err = day.AddDate(0, 0, 1), nil
			}
			switch {
			case errors.Is(err, vn.ErrNoSuchDay):
				return n, fail(FieldDate, "Ngày «%s» không có trong lịch. Đồng chí ghi ngày/tháng/năm, ví dụ %s.", f, vn.FormatDate(day.AddDate(0, 0, 3)))
			case err != nil:
				return n, fail(FieldDate, "Không đọc được ngày họp «%s». Đồng chí ghi ngày/tháng/năm, ví dụ %s, hoặc «ngày mai».", f, vn.FormatDate(day.AddDate(0, 0, 3)))
			}
			if err := storage.CheckNoticeDay(t, today); err != nil {
				return n, err
			}
			n.Date, n.HasDate = t, true
		case !n.HasTime && timeShape.MatchString(vn.Fold(f)):
			h, m, err := ParseTime(f)
			if err != nil {
				return n, err
			}
			n.Hour, n.Minute, n.HasTime = h, m, true
		case n.Place == "":
			if err := addText(&n.Place, FieldPlace, "Địa điểm", f); err != nil {
				return n, err
			}
		default:
			if err := addText(&n.Topic, FieldTopic, "Nội dung", f); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
