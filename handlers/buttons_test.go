package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sotay/storage"
)

// What a button carries is input: an id is taken only when the step offers
// it, and a value only when the field's rule, the one a typed answer and
// the quick form go through, passes it. The presses below are forged from
// a button the bot sent: the same dialog, intent and drawing, another id or
// value, as a modified client could send.

// msgNotOffered is the answer to a press naming what the step's list does
// not hold, forged or gone since the list was drawn.
const msgNotOffered = "callback:Mục này không còn trong danh sách"

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

// saysNone fails the test if anything sent since the last reset (texts and
// button labels) names one of hidden.
func saysNone(t *testing.T, e *env, hidden ...string) {
	t.Helper()
	all := strings.Join(append(e.rec.texts(), e.rec.buttonLabels()...), "\n")
	for _, h := range hidden {
		if strings.Contains(all, h) {
			t.Errorf("%q shown:\n%s", h, all)
		}
	}
}

// The /thongke document step offers the documents pushed to the
// organisation's members that the asker may open, and takes no other: not
// a draft, a withdrawn one or one whose audience excludes the asker, not
// even by number in a title.
func TestStatsDocumentPickerOffersOnlyVisibleDocuments(t *testing.T) {
	e := newStatsEnv(t)
	ctx := context.Background()
	s := e.c.S
	doc := func(number string, draft bool, audience ...string) int64 {
		t.Helper()
		d, err := s.CreateDocument(ctx, storage.DocumentInput{Kind: "ket_luan", Number: number, Issuer: "Tỉnh ủy",
			IssuedOn: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Title: "Văn bản " + number, Draft: draft, Audience: audience, Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	push := func(id int64, org string) {
		t.Helper()
		if _, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: id, OrgIDs: []int64{e.c.Orgs[org]}, Actor: "test",
			Message: func(d storage.Document, _ storage.Campaign, _ int64) (string, any) { return d.Number, nil }}); err != nil {
			t.Fatal(err)
		}
	}
	draft := doc("90-KL/TW", true)
	withdrawn := doc("91-KL/TW", false)
	push(withdrawn, "ROOT")
	if _, err := s.WithdrawDocumentByID(ctx, withdrawn, "test"); err != nil {
		t.Fatal(err)
	}
	narrow := doc("92-KL/TW", false, "CB1") // for Chi bộ Tiểu học only
	push(narrow, "CB1")
	hidden := []string{"90-KL/TW", "91-KL/TW", "92-KL/TW"}
	legit := fmt.Sprintf("d:%d", e.c.Docs["21-KL/TW"])

	for _, asker := range []struct {
		name string
		user int64
		pick []string // taps from the topics to the document step
	}{
		// B1, officer of DB1 (which holds CB1), is a member of CB2: the
		// audience of 92-KL/TW excludes him although it was pushed in his scope.
		{"OfficerOutsideTheAudience", 802, []string{"t:h", "ok"}},
		// C1, secretary of CB3, to which 91-KL/TW was pushed before it was withdrawn.
		{"SecretaryOfACell", 803, []string{"t:h"}},
	} {
		t.Run(asker.name, func(t *testing.T) {
			e.rec.reset()
			e.text(t, asker.user, "/thongke")
			for _, tap := range asker.pick {
				e.tap(t, asker.user, "tk", tap)
			}
			if !contains(e.rec.buttonLabels(), "21-KL/TW — Văn bản số 1") {
				t.Fatalf("the document step offers %q", e.rec.buttonLabels())
			}
			saysNone(t, e.env, hidden...)
			for _, id := range []int64{draft, withdrawn, narrow, 999999} {
				e.rec.reset()
				e.press(t, asker.user, forgeArgs(t, e.env, "tk", legit, fmt.Sprintf("d:%d", id)))
				e.said(t, msgNotOffered)
				saysNone(t, e.env, append(hidden, "Học tập Kết luận")...)
				if got := dialogStep(t, s, asker.user); got != "tk/doc" {
					t.Fatalf("forged %d: step %q", id, got)
				}
			}
			// The list offered still works.
			e.tap(t, asker.user, "tk", legit)
			e.lastHas(t, "Học tập Kết luận số 21-KL/TW")
		})
	}
	t.Run("WithdrawnAfterItWasChosen", func(t *testing.T) {
		// Chosen, then withdrawn: the answer's buttons show it no more.
		e.rec.reset()
		e.text(t, 803, "/thongke")
		e.tap(t, 803, "tk", "t:h")
		e.tap(t, 803, "tk", fmt.Sprintf("d:%d", e.c.Docs["62-KH/TU"]))
		e.lastHas(t, "62-KH/TU")
		if _, err := s.WithdrawDocumentByID(ctx, e.c.Docs["62-KH/TU"], "test"); err != nil {
			t.Fatal(err)
		}
		e.rec.reset()
		e.tap(t, 803, "tk", "xl")
		e.said(t, msgNotOffered)
		if len(e.sentOfType(t, "document")) != 0 {
			t.Fatal("an Excel file of a withdrawn document was sent")
		}
	})
}

// Each picker takes only an id its own list offers: an id the asker could
// reach elsewhere, but that this step does not offer, is answered as a
// stale one and changes nothing.
func TestPickersTakeOnlyWhatTheyOffer(t *testing.T) {
	e := newReportEnv(t)
	t.Run("NoticeOrganisationIsACell", func(t *testing.T) {
		// The officer of the commune announces for a cell; the commune
		// itself is in his scope but is not offered.
		e.text(t, 703, "/lichhop")
		e.rec.reset()
		e.press(t, 703, forgeArgs(t, e.env, "lhd", "o:"+itoa(e.orgs["CB1"]), "o:"+itoa(e.orgs["ROOT"])))
		e.said(t, msgNotOffered)
		if got := dialogStep(t, e.s, 703); got != "lhd/org" {
			t.Fatalf("step %q", got)
		}
		// The step is drawn again with its list: the cells.
		if labels := strings.Join(e.rec.buttonLabels(), "|"); !strings.Contains(labels, "Chi bộ bản Nà Hiên") || strings.Contains(labels, "Đảng bộ xã") {
			t.Fatalf("buttons %q", labels)
		}
		e.text(t, 703, "/huy")
	})
	t.Run("PushScopeIsARootOrACommittee", func(t *testing.T) {
		open := openDocument(t, e.s, "07-NQ/TU")
		e.text(t, 703, "/gui")
		e.tap(t, 703, "gui", fmt.Sprintf("d:%d", open))
		e.rec.reset()
		e.press(t, 703, forgeArgs(t, e.env, "gui", "s:"+itoa(e.orgs["ROOT"]), "s:"+itoa(e.orgs["CB2"])))
		e.said(t, msgNotOffered)
		if got := dialogStep(t, e.s, 703); got != "gui/scope" {
			t.Fatalf("step %q", got)
		}
		e.text(t, 703, "/huy")
	})
	t.Run("ReplaceOnlyThisMonthsRegularReport", func(t *testing.T) {
		e.text(t, 702, "/sinhhoat 05/11/2026; thường kỳ; 2/2; Sinh hoạt tháng 11")
		e.text(t, 702, "/sinhhoat 10/10/2026; thường kỳ; 2/2; Sinh hoạt tháng 10")
		ms := e.meetings(t)
		if len(ms) != 2 {
			t.Fatalf("stored %+v", ms)
		}
		nov, oct := ms[0].ID, ms[1].ID
		if ms[0].HeldOn.Month() != time.November {
			nov, oct = oct, nov
		}
		e.text(t, 702, "/sinhhoat 20/11/2026; thường kỳ; 1/2; Sinh hoạt lại")
		e.rec.reset()
		e.press(t, 702, forgeArgs(t, e.env, "sh", "rp:"+itoa(nov), "rp:"+itoa(oct)))
		e.said(t, msgNotOffered)
		if got := dialogStep(t, e.s, 702); got != "sh/dup" {
			t.Fatalf("step %q", got)
		}
		for _, m := range e.meetings(t) {
			if m.Version != 1 {
				t.Fatalf("a report was replaced: %+v", m)
			}
		}
		e.text(t, 702, "/huy")
	})
}

func memberID(t *testing.T, s *storage.Storage, code string) int64 {
	t.Helper()
	m, err := s.Member(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
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
		{"MeetingStartTime", 702, "/sinhhoat", []string{"d:20261124"}, nil, "sh", "start", "t:1170", "t:1500", "25:00", "Giờ họp 25:00 không có"},
		{"MeetingEndIsTheStart", 702, "/sinhhoat", []string{"d:20261124", "t:1170"}, nil, "sh", "end", "t:1260", "t:1170", "19:30", "trùng giờ bắt đầu"},
		{"MeetingTooLong", 702, "/sinhhoat", []string{"d:20261124", "t:1170"}, nil, "sh", "end", "t:1260", "t:510", "8:30", "quá 10 giờ"},
		{"MeetingKind", 702, "/sinhhoat", []string{"d:20261124", "none"}, nil, "sh", "kind", "k:thuong_ky", "k:hop_mat", "hop mat",
			"không có: đồng chí ghi «thường kỳ», «chuyên đề» hoặc «thường kỳ + chuyên đề»"},
		{"MeetingNameOfAnotherCell", 702, "/sinhhoat", []string{"d:20261124", "none", "k:thuong_ky", "names"}, nil, "sh", "names",
			"t:" + itoa(memberID(t, e.s, "DV1")), "t:" + itoa(memberID(t, e.s, "DV3")), "", msgNotOffered},
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
