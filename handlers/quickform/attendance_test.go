package quickform_test

import (
	"reflect"
	"testing"

	"sotay/handlers/quickform"
	"sotay/storage"
)

// The dialog's typed answers: absent members (";" separates too), times,
// documents studied.
func TestParseDialogAnswers(t *testing.T) {
	got, err := quickform.ParseAbsent("vắng: DV0003 (ốm; sốt); Lò Văn Minh\nGiàng A Páo (đi làm xa), DV0009")
	want := []storage.NamedAbsence{{Who: "DV0003", Reason: "ốm; sốt"}, {Who: "Lò Văn Minh"}, {Who: "Giàng A Páo", Reason: "đi làm xa"}, {Who: "DV0009"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseAbsent = %+v %v", got, err)
	}
	for in, want := range map[string][2]storage.DayTime{
		"19:30-21:15": {storage.NewDayTime(19, 30), storage.NewDayTime(21, 15)}, "19h30 đến 21h": {storage.NewDayTime(19, 30), storage.NewDayTime(21, 0)},
		"23:30 – 0:45": {storage.NewDayTime(23, 30), storage.NewDayTime(0, 45)}, "từ 7 giờ 30 - 9 giờ": {storage.NewDayTime(7, 30), storage.NewDayTime(9, 0)},
	} {
		s, e, err := quickform.ParseMeetingTimes(in)
		if err != nil || s != want[0] || e != want[1] {
			t.Errorf("ParseMeetingTimes(%q) = %v-%v %v", in, s, e, err)
		}
	}
	for _, in := range []string{"19:30", "tối", "19:30-19:30", "6:00-18:00", "99:00-100:00"} {
		if _, _, err := quickform.ParseMeetingTimes(in); storage.ErrorField(err) != quickform.FieldTime {
			t.Errorf("ParseMeetingTimes(%q) = %v", in, err)
		}
	}
	if ns, err := quickform.ParseStudied("21-KL/TW; 62-KH/TU"); err != nil || !reflect.DeepEqual(ns, []string{"21-KL/TW", "62-KH/TU"}) {
		t.Fatalf("ParseStudied = %v %v", ns, err)
	}
}
