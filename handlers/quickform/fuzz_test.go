package quickform_test

import (
	"errors"
	"testing"

	"sotay/handlers/quickform"
	"sotay/storage"
)

// The parsers never panic, and what they accept is a report that could be:
// counts not negative, present not above total, the day not to come.
func FuzzParseMeeting(f *testing.F) {
	for _, s := range []string{"15/11/2026; thường kỳ; 18/20; Quán triệt", "CB01; hôm qua; chuyen de; 18; A; vắng: B", "31/02; x", "-1/-2", "18/20/30", "\x00;;\n",
		"15/11/2026 23:30-01:15; thường kỳ + chuyên đề; 18/20; A; vắng: DV3 (ốm), B; học: 21-KL/TW, 62-KH/TU", "hôm qua 7h-9h; vắng: (x), ((y)); học: ,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := quickform.ParseMeeting(s, today)
		if err != nil {
			var fe *quickform.Error
			if !errors.As(err, &fe) || fe.Message == "" || fe.Field == quickform.FieldNone {
				t.Fatalf("%q: error %v is not a field error", s, err)
			}
			return
		}
		if m.Present < 0 || (m.HasTotal && (m.Total < m.Present || m.Total <= 0)) || m.Present > quickform.MaxCount {
			t.Fatalf("%q: accepted %+v", s, m)
		}
		if m.HasDate && m.Date.After(today) {
			t.Fatalf("%q: a day to come accepted: %v", s, m.Date)
		}
		if m.Kind != "" && m.Kind != "thuong_ky" && m.Kind != "chuyen_de" && m.Kind != "thuong_ky_chuyen_de" {
			t.Fatalf("%q: kind %q", s, m.Kind)
		}
		if m.HasTimes && (!m.HasDate || storage.CheckMeetingTimes(&m.Starts, &m.Ends) != nil) {
			t.Fatalf("%q: times %v-%v accepted", s, m.Starts, m.Ends)
		}
		if len(m.Absent) > 0 && m.HasTotal && m.Total-m.Present != len(m.Absent) {
			t.Fatalf("%q: %d/%d with %d named", s, m.Present, m.Total, len(m.Absent))
		}
		for _, a := range m.Absent {
			if storage.CheckText(storage.FieldAbsent, "x", a.Who) != nil || a.Who == "" || storage.CheckText(storage.FieldReason, "x", a.Reason) != nil {
				t.Fatalf("%q: absent %+v", s, a)
			}
		}
		for _, n := range m.Studied {
			if storage.CheckStudiedNumber(n) != nil {
				t.Fatalf("%q: studied %q", s, n)
			}
		}
	})
}

func FuzzParseSupervision(f *testing.F) {
	for _, s := range []string{quickform.SupervisionExample[len("/kiemtra "):], "UBKT; 1/1; kiem tra; 2; 3; x; co 2 vi pham; y", "-5 dv", "có -1 vi phạm", "99999999999999999999 to chuc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := quickform.ParseSupervision(in, today)
		if err != nil {
			var fe *quickform.Error
			if !errors.As(err, &fe) || fe.Message == "" || fe.Field == quickform.FieldNone {
				t.Fatalf("%q: error %v is not a field error", in, err)
			}
			return
		}
		if s.Orgs < 0 || s.Members < 0 || s.Violations < 0 || s.Orgs > quickform.MaxCount || s.Members > quickform.MaxCount || s.Violations > quickform.MaxCount {
			t.Fatalf("%q: accepted %+v", in, s)
		}
		if s.HasDate && s.Date.After(today) {
			t.Fatalf("%q: a day to come accepted: %v", in, s.Date)
		}
		if s.Body != "cap_uy" && s.Body != "ubkt" {
			t.Fatalf("%q: body %q", in, s.Body)
		}
	})
}
