package handlers_test

import (
	"strings"
	"testing"
)

// What a button carries is input: a value is taken only when the field's
// rule, the one a typed answer and the quick form go through, passes it.
// The presses below are forged from a button the bot sent: the same dialog,
// intent and drawing, another value, as a modified client could send.

// forgeArgs is the newest button of dialog whose action and arguments are
// seen, with seen replaced by want.
func forgeArgs(t *testing.T, e *env, dialog, seen, want string) string {
	t.Helper()
	data := e.rec.find(dialog, seen)
	if data == "" {
		t.Fatalf("no %s button %q sent; sent %q", dialog, seen, e.rec.data)
	}
	return strings.TrimSuffix(data, seen) + want
}

// A value a button carries goes through the rule its typed form goes
// through: the forged press is refused with the very message the typed
// answer gets, and the dialog stays where it was.
func TestButtonValuesCheckedLikeTyped(t *testing.T) {
	e := newReportEnv(t) // today is 25/11/2026
	cases := []struct {
		name    string
		user    int64
		start   string   // the command
		taps    []string // buttons pressed to reach the step
		texts   []string // then answers typed
		dialog  string
		step    string
		seen    string // a button of the step, forged into
		forged  string
		typed   string // the same value typed ("" when the step takes buttons only)
		refusal string
	}{
		{"NoticeDayMoreThanAYearAhead", 702, "/lichhop", nil, nil, "lhd", "date", "d:20261126", "d:20271230", "30/12/2027", "còn hơn một năm nữa"},
		{"NoticeDayPast", 702, "/lichhop", nil, nil, "lhd", "date", "d:20261126", "d:20261120", "20/11/2026", "đã qua"},
		{"NoticeTime", 702, "/lichhop", []string{"d:20261126"}, nil, "lhd", "time", "t:19:30", "t:25:0", "25:00", "Giờ họp 25:00 không có"},
		{"MeetingDayTooOld", 702, "/sinhhoat", nil, nil, "sh", "date", "d:20261124", "d:19291231", "31/12/1929", "quá xa"},
		{"MeetingDayToCome", 702, "/sinhhoat", nil, nil, "sh", "date", "d:20261124", "d:20261126", "26/11/2026", "chưa đến"},
		{"MeetingKind", 702, "/sinhhoat", []string{"d:20261124"}, nil, "sh", "kind", "k:thuong_ky", "k:hop_mat", "hop mat", "không có: đồng chí ghi «thường kỳ» hoặc «chuyên đề»"},
		{"MeetingPresentAboveTotal", 702, "/sinhhoat", []string{"d:20261124", "k:thuong_ky"}, nil, "sh", "attendance", "a:2:2", "a:5:3", "5/3", "Số có mặt (5) lớn hơn tổng số (3)"},
		{"MeetingNegativePresent", 702, "/sinhhoat", []string{"d:20261124", "k:thuong_ky"}, nil, "sh", "attendance", "a:2:2", "a:-1:2", "-1/2", "Số có mặt không được âm"},
		{"SupervisionKind", 702, "/kiemtra", []string{"d:20261124"}, nil, "kt", "kind", "k:giam_sat", "k:thanh_tra", "thanh tra", "không có: đồng chí ghi «kiểm tra» hoặc «giám sát»"},
		{"SupervisionNegativeOrgs", 702, "/kiemtra", []string{"d:20261124", "k:giam_sat"}, nil, "kt", "orgs", "n:1", "n:-1", "-1", "Số tổ chức không được âm"},
		{"SupervisionHugeMembers", 702, "/kiemtra", []string{"d:20261124", "k:giam_sat", "n:0"}, nil, "kt", "members", "n:1", "n:100001", "100001", "Số đảng viên quá lớn"},
		{"SupervisionNegativeViolations", 702, "/kiemtra", []string{"d:20261124", "k:giam_sat", "n:0", "n:1"}, []string{"Việc thực hiện quy chế"},
			"kt", "conclusion", "v:1", "v:-2", "có -2 vi phạm", "Số vi phạm không được âm"},
		{"SupervisionBody", 703, "/kiemtra", []string{"o:" + itoa(e.orgs["ROOT"]), "d:20261124"}, nil, "kt", "body", "bd:ubkt", "bd:thanh_tra", "", "Không rõ ai thực hiện"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.text(t, c.user, c.start)
			for _, tap := range c.taps {
				e.tap(t, c.user, c.dialog, tap)
			}
			for _, text := range c.texts {
				e.text(t, c.user, text)
			}
			want := c.dialog + "/" + c.step
			if got := dialogStep(t, e.s, c.user); got != want {
				t.Fatalf("step %q, want %q", got, want)
			}
			e.rec.reset()
			e.press(t, c.user, forgeArgs(t, e.env, c.dialog, c.seen, c.forged))
			e.said(t, c.refusal)
			if got := dialogStep(t, e.s, c.user); got != want {
				t.Fatalf("after the forged press: step %q", got)
			}
			if c.typed != "" {
				e.rec.reset()
				e.text(t, c.user, c.typed)
				e.lastHas(t, c.refusal)
				if got := dialogStep(t, e.s, c.user); got != want {
					t.Fatalf("after the typed answer: step %q", got)
				}
			}
			e.text(t, c.user, "/huy")
		})
	}
	if n := len(e.meetings(t)) + len(e.supervisions(t)); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
	if n := count(t, e.s, `SELECT count(*) FROM meetings`); n != 0 {
		t.Fatalf("%d meetings announced", n)
	}
}
