package storage_test

import (
	"context"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// An action made offline counts from when it was made when that is
// plausible: not in the future, not before the push or notice it answers,
// at most 7 days ago; otherwise from now.
func TestActionTime(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	push := now.Add(-48 * time.Hour)
	longAgo := now.AddDate(0, 0, -30)
	for _, c := range []struct {
		name                      string
		claimed, notBefore, wants time.Time
	}{
		{"Plausible", now.Add(-3 * time.Hour), push, now.Add(-3 * time.Hour)},
		{"AtThePush", push, push, push},
		{"None", time.Time{}, push, now},
		{"Future", now.Add(time.Minute), push, now},
		{"BeforeThePush", push.Add(-time.Minute), push, now},
		{"SevenDaysAgo", now.Add(-storage.MaxActionAge), longAgo, now.Add(-storage.MaxActionAge)},
		{"MoreThanSevenDaysAgo", now.Add(-storage.MaxActionAge - time.Minute), longAgo, now},
	} {
		if got := storage.ActionTime(c.claimed, now, c.notBefore); !got.Equal(c.wants) {
			t.Errorf("%s: recorded %v, want %v", c.name, got, c.wants)
		}
	}
}

// "Tôi đã học" and a notice's answer sent after the network returned are
// recorded at the time the member acted, when it is plausible.
func TestBackdatedStudyAndAnswer(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	clock := storagetest.NewClock(t0)
	s := storagetest.New(t, storage.WithClock(clock.Now))
	storagetest.SeedCommune(t, s)
	ctx := context.Background()
	root, _ := s.Organisation(ctx, "ROOT")
	cb1, _ := s.Organisation(ctx, "CB1")
	dv1, _ := s.Member(ctx, "DV1")
	dv2, _ := s.Member(ctx, "DV2")
	doc := MustInsertDocument(t, s, "21-KL/TW", storage.DocPublished)
	c, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: doc, OrgIDs: []int64{root.ID}, Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := s.AnnounceMeeting(ctx, storage.MeetingNotice{OrgID: cb1.ID, StartsAt: t0.Add(72 * time.Hour), Place: "P", Topic: "T"})
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(80 * time.Hour) // the meeting has begun when the phone comes back online
	now := clock.Now()

	t.Run("StudyPlausible", func(t *testing.T) {
		acted := t0.Add(5 * time.Hour)
		a, changed, err := s.MarkStudiedAt(ctx, assignmentOf(t, s, c, "DV1"), dv1.ID, acted)
		if err != nil || !changed || a.StudiedAt == nil || !a.StudiedAt.Equal(acted) {
			t.Fatalf("studied at %v (changed %v, err %v), want %v", a.StudiedAt, changed, err, acted)
		}
		got, _ := s.AssignmentByID(ctx, assignmentOf(t, s, c, "DV1"))
		if got.StudiedAt == nil || !got.StudiedAt.Equal(acted) {
			t.Fatalf("stored %v, want %v", got.StudiedAt, acted)
		}
	})
	t.Run("StudyBeforeThePushIsNow", func(t *testing.T) {
		a, _, err := s.MarkStudiedAt(ctx, assignmentOf(t, s, c, "DV2"), dv2.ID, t0.Add(-time.Hour))
		if err != nil || a.StudiedAt == nil || !a.StudiedAt.Equal(now) {
			t.Fatalf("studied at %v (err %v), want now %v", a.StudiedAt, err, now)
		}
	})
	t.Run("AnswerGivenBeforeTheMeetingStands", func(t *testing.T) {
		acted := t0.Add(time.Hour)
		_, at, err := s.AnswerMeetingAt(ctx, m.ID, dv1.ID, storage.AnswerPresent, "", acted)
		if err != nil || !at.Equal(acted) {
			t.Fatalf("answered at %v (err %v), want %v", at, err, acted)
		}
		answers, _ := s.MeetingAnswers(ctx, m.ID)
		for _, a := range answers {
			if a.MemberID == dv1.ID && (a.Answer != storage.AnswerPresent || a.AnsweredAt == nil || !a.AnsweredAt.Equal(acted)) {
				t.Fatalf("stored %+v", a)
			}
		}
	})
	t.Run("AnswerFromTheFutureCountsNowAndTheMeetingHasBegun", func(t *testing.T) {
		_, _, err := s.AnswerMeetingAt(ctx, m.ID, dv2.ID, storage.AnswerPresent, "", now.Add(time.Hour))
		if storage.ErrorCode(err) != storage.CodeInvalid {
			t.Fatalf("err %v, want the meeting has begun", err)
		}
	})
	t.Run("ReasonTypedBeforeTheMeetingStands", func(t *testing.T) {
		_, asked, err := s.AnswerMeetingAt(ctx, m.ID, dv2.ID, storage.AnswerAbsent, "", t0.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AbsenceReason(ctx, m.ID, dv2.ID, asked, "ốm"); storage.ErrorCode(err) != storage.CodeInvalid {
			t.Fatalf("a reason typed now, after the meeting began: err %v", err)
		}
		if err := s.AbsenceReasonAt(ctx, m.ID, dv2.ID, asked, "ốm", t0.Add(3*time.Hour)); err != nil {
			t.Fatalf("a reason typed before the meeting: %v", err)
		}
		a, _ := s.MeetingAnswer(ctx, m.ID, dv2.ID)
		if a.Reason != "ốm" {
			t.Fatalf("reason %q", a.Reason)
		}
	})
	t.Run("ReportSentOfflineAfterTheMeeting", func(t *testing.T) {
		held := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
		acted := held.Add(20 * time.Hour)
		rep, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: cb1.ID, Kind: storage.MeetingTopical, HeldOn: held,
			Present: 2, Total: 2, Topic: "Học tập Kết luận 21", By: dv1.ID, Acted: acted})
		if err != nil || !rep.ReportedAt.Equal(acted) {
			t.Fatalf("reported at %v (err %v), want %v", rep.ReportedAt, err, acted)
		}
		rep, err = s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: cb1.ID, Kind: storage.MeetingTopical, HeldOn: held,
			Present: 2, Total: 2, Topic: "Báo cáo gửi trước ngày họp", By: dv1.ID, Acted: held.AddDate(0, 0, -2)})
		if err != nil || !rep.ReportedAt.Equal(now) {
			t.Fatalf("a report before its meeting's day: reported at %v (err %v), want now %v", rep.ReportedAt, err, now)
		}
	})
	t.Run("SupervisionReportSentOffline", func(t *testing.T) {
		held := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
		acted := held.Add(30 * time.Hour)
		rep, err := s.SaveSupervisionReport(ctx, storage.SupervisionInput{OrgID: cb1.ID, Kind: storage.SupervisionMonitoring, HeldOn: held,
			OrgsExamined: 1, MembersExamined: 2, Content: "Quy chế", By: dv1.ID, Acted: acted})
		if err != nil || !rep.ReportedAt.Equal(acted) {
			t.Fatalf("reported at %v (err %v), want %v", rep.ReportedAt, err, acted)
		}
		rep, err = s.SaveSupervisionReport(ctx, storage.SupervisionInput{OrgID: cb1.ID, Kind: storage.SupervisionMonitoring, HeldOn: held,
			OrgsExamined: 1, MembersExamined: 2, Content: "Quy chế", By: dv1.ID, Acted: now.Add(time.Hour)})
		if err != nil || !rep.ReportedAt.Equal(now) {
			t.Fatalf("a report from the future: reported at %v (err %v), want now %v", rep.ReportedAt, err, now)
		}
	})
	t.Run("WebActionAtIsReceiptMinusAge", func(t *testing.T) {
		rec, err := s.RecordWebAction(ctx, dv1.ID, "offline-press-1", 90*time.Minute, nil)
		if err != nil {
			t.Fatal(err)
		}
		acted, received, err := s.WebActionAt(ctx, rec.UpdateID)
		if err != nil || !received.Equal(now) || !acted.Equal(now.Add(-90*time.Minute)) {
			t.Fatalf("acted %v received %v err %v", acted, received, err)
		}
	})
}
