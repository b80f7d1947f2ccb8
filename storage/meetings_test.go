package storage_test

import (
	"context"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

func TestMeetingAnswersAndAttendance(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s := storagetest.New(t, storage.WithClock(func() time.Time { return now }))
	storagetest.SeedCommune(t, s)
	ctx := context.Background()
	cb1, _ := s.Organisation(ctx, "CB1")
	dv1, _ := s.Member(ctx, "DV1")
	dv3, _ := s.Member(ctx, "DV3")
	m, invited, err := s.AnnounceMeeting(ctx, storage.MeetingNotice{OrgID: cb1.ID, StartsAt: now.Add(48 * time.Hour), Place: "P", Topic: "T"})
	if err != nil || len(invited) != 2 {
		t.Fatalf("%+v %v", invited, err)
	}
	if _, err := s.AnswerMeeting(ctx, m.ID, dv1.ID, storage.AnswerPresent, ""); err != nil {
		t.Fatal(err)
	}
	t.Run("NotInvitedIsNotFound", func(t *testing.T) {
		if _, err := s.AnswerMeeting(ctx, m.ID, dv3.ID, storage.AnswerPresent, ""); storage.ErrorCode(err) != storage.CodeNotFound {
			t.Fatalf("err %v", err)
		}
	})
	tally, err := s.Tally(ctx, m.ID)
	if err != nil || tally.Invited != 2 || tally.Present != 1 || tally.Unanswered() != 1 {
		t.Fatalf("%+v %v", tally, err)
	}
	if n, _ := s.NoticesAnsweredPresent(ctx, dv1.ID); n != 0 {
		t.Fatalf("attended before the meeting: %d", n)
	}
	now = now.Add(72 * time.Hour)
	if n, _ := s.NoticesAnsweredPresent(ctx, dv1.ID); n != 1 {
		t.Fatalf("attended %d", n)
	}
	if _, err := s.AnswerMeeting(ctx, m.ID, dv1.ID, storage.AnswerAbsent, "ốm"); storage.ErrorCode(err) != storage.CodeInvalid {
		t.Fatalf("answer after the start: %v", err)
	}
}
