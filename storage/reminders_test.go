package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

var hcm = storagetest.Local

// remindEnv is campaignEnv on a clock the test sets, with two campaigns
// due on 10 December 2026 (reminders from the 7th): the first of 21-KL/TW
// to ROOT, the second of 01-KL/TW to CB3. A1 delivered, B1 studied, C1
// read, C2 and A2 not linked; C1 also has the second document, delivered.
type remindEnv struct {
	campaignEnv
	clock  *storagetest.Clock
	s      *storage.Storage // on the clock
	c1, c2 storage.Campaign
	texts  func(t *testing.T, code string) []string
}

func newRemindEnv(t *testing.T) *remindEnv {
	t.Helper()
	ctx := context.Background()
	e := newCampaignEnv(t)
	ck := storagetest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, hcm))
	s := storage.New(e.s.DB(), storage.WithClock(ck.Now))
	due := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	c1, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: e.doc, OrgIDs: []int64{e.orgs["ROOT"]}, DueOn: &due, Actor: "test", Message: plainMessage})
	if err != nil {
		t.Fatal(err)
	}
	doc2 := MustInsertDocument(t, s, "01-KL/TW", storage.DocPublished)
	c2, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: doc2, OrgIDs: []int64{e.orgs["CB3"]}, DueOn: &due, Actor: "test", Message: plainMessage})
	if err != nil {
		t.Fatal(err)
	}
	set := func(c storage.Campaign, code, state string) {
		if err := s.RecordAssignmentState(ctx, assignmentOf(t, s, c, code), state, "", ck.Now()); err != nil {
			t.Fatal(err)
		}
	}
	set(c1, "A1", storage.AssignDelivered)
	set(c1, "B1", storage.AssignStudied)
	set(c1, "C1", storage.AssignRead)
	set(c2, "C1", storage.AssignDelivered)
	re := &remindEnv{campaignEnv: e, clock: ck, s: s, c1: c1, c2: c2}
	re.texts = func(t *testing.T, code string) []string {
		t.Helper()
		var out []string
		if err := s.DB().Select(&out, `SELECT o.text || ' @' || to_char(o.next_attempt_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI')
			FROM outbox o JOIN members m ON m.telegram_user_id = o.chat_id WHERE o.kind = 'reminder' AND m.code = $1 ORDER BY o.id`, code); err != nil {
			t.Fatal(err)
		}
		return out
	}
	return re
}

func reminderText(items []storage.StudyTarget, today time.Time) (string, any) {
	var nums []string
	for _, it := range items {
		nums = append(nums, it.DocNumber)
	}
	return strings.Join(nums, "+") + " " + today.Format("02/01"), nil
}

func (e *remindEnv) sweep(t *testing.T) int {
	t.Helper()
	n, err := e.s.SweepReminders(context.Background(), hcm, reminderText)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReminderSweep(t *testing.T) {
	e := newRemindEnv(t)
	ctx := context.Background()
	t.Run("NothingBeforeTheWindow", func(t *testing.T) {
		if n := e.sweep(t); n != 0 {
			t.Fatalf("%d reminded on 1 December", n)
		}
	})
	t.Run("InTheWindowOnlyReachableMembersNotStudied", func(t *testing.T) {
		e.clock.Set(time.Date(2026, 12, 7, 7, 0, 0, 0, hcm))
		if n := e.sweep(t); n != 2 {
			t.Fatalf("%d reminded, want A1 and C1", n)
		}
		if got := e.texts(t, "A1"); fmt.Sprint(got) != "[21-KL/TW 07/12 @2026-12-07 07:00]" {
			t.Fatalf("A1 %q", got)
		}
		if got := e.texts(t, "C1"); fmt.Sprint(got) != "[21-KL/TW+01-KL/TW 07/12 @2026-12-07 07:00]" {
			t.Fatalf("C1 gets both documents in one message: %q", got)
		}
		for _, code := range []string{"B1", "A2", "C2"} {
			if got := e.texts(t, code); len(got) != 0 {
				t.Fatalf("%s reminded: %q", code, got)
			}
		}
	})
	t.Run("AtMostOnceADay", func(t *testing.T) {
		e.clock.Set(time.Date(2026, 12, 7, 20, 59, 0, 0, hcm))
		if n := e.sweep(t); n != 0 {
			t.Fatalf("%d reminded twice", n)
		}
		res, err := e.s.RemindCampaign(ctx, e.c1.ID, []int64{e.orgs["ROOT"]}, "tg:1", hcm, reminderText)
		if err != nil {
			t.Fatal(err)
		}
		if res.Reminded != 0 || res.AlreadyToday != 2 || res.Unreachable != 2 || res.Studied != 1 {
			t.Fatalf("on demand %+v", res)
		}
	})
	t.Run("NeverAtNight", func(t *testing.T) {
		for _, h := range []int{21, 23, 0, 3, 6} {
			day := 8
			if h >= 21 {
				day = 7
			}
			e.clock.Set(time.Date(2026, 12, day, h, 30, 0, 0, hcm))
			if n := e.sweep(t); n != 0 {
				t.Fatalf("%d reminded at %02d:30", n, h)
			}
		}
	})
	t.Run("AskedAtNightQueuedForTheMorning", func(t *testing.T) {
		e.clock.Set(time.Date(2026, 12, 7, 22, 15, 0, 0, hcm))
		res, err := e.s.RemindCampaign(ctx, e.c1.ID, []int64{e.orgs["ROOT"]}, "tg:1", hcm, reminderText)
		if err != nil {
			t.Fatal(err)
		}
		if res.Reminded != 2 || !res.Queued || res.SendAt.In(hcm).Format("2006-01-02 15:04") != "2026-12-08 07:00" {
			t.Fatalf("result %+v", res)
		}
		if got := e.texts(t, "A1"); len(got) != 2 || got[1] != "21-KL/TW 08/12 @2026-12-08 07:00" {
			t.Fatalf("A1 %q", got)
		}
		// The morning sweep of the 8th finds them reminded that day.
		e.clock.Set(time.Date(2026, 12, 8, 7, 5, 0, 0, hcm))
		if n := e.sweep(t); n != 0 {
			t.Fatalf("%d reminded again on the 8th", n)
		}
	})
	t.Run("StudiedStopsReminders", func(t *testing.T) {
		a1, _ := e.s.Member(ctx, "A1")
		if _, _, err := e.s.MarkStudied(ctx, assignmentOf(t, e.s, e.c1, "A1"), a1.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(time.Date(2026, 12, 9, 9, 0, 0, 0, hcm))
		if n := e.sweep(t); n != 1 {
			t.Fatalf("%d reminded on the 9th, want C1 only", n)
		}
		if got := e.texts(t, "A1"); len(got) != 2 {
			t.Fatalf("A1 reminded after studying: %q", got)
		}
	})
	t.Run("RemindTomorrowOutsideTheWindow", func(t *testing.T) {
		c1m, _ := e.s.Member(ctx, "C1")
		e.clock.Set(time.Date(2026, 12, 10, 18, 0, 0, 0, hcm)) // the deadline: the last day of the window
		if n, err := e.s.RemindTomorrow(ctx, c1m.ID, hcm); err != nil || n != 2 {
			t.Fatalf("remind tomorrow %d %v", n, err)
		}
		e.clock.Set(time.Date(2026, 12, 11, 8, 0, 0, 0, hcm))
		if n := e.sweep(t); n != 1 {
			t.Fatalf("%d reminded on the 11th", n)
		}
		e.clock.Set(time.Date(2026, 12, 12, 8, 0, 0, 0, hcm))
		if n := e.sweep(t); n != 0 {
			t.Fatalf("%d reminded on the 12th", n)
		}
	})
	t.Run("ClosedCampaignRemindsNobody", func(t *testing.T) {
		if _, err := e.s.CloseCampaign(ctx, e.c1.ID, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.RemindCampaign(ctx, e.c1.ID, []int64{e.orgs["ROOT"]}, "tg:1", hcm, reminderText); storage.ErrorCode(err) != storage.CodeConflict {
			t.Fatalf("err %v", err)
		}
	})
}

func TestReminderSweepReplicas(t *testing.T) {
	e := newRemindEnv(t)
	e.clock.Set(time.Date(2026, 12, 8, 10, 0, 0, 0, hcm))
	// Several processes sweep at once: each member is reminded once.
	var wg sync.WaitGroup
	total := make([]int, 4)
	for i := range total {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := storage.New(e.s.DB(), storage.WithClock(e.clock.Now))
			n, err := s.SweepReminders(context.Background(), hcm, reminderText)
			if err != nil {
				t.Error(err)
			}
			total[i] = n
		}(i)
	}
	wg.Wait()
	sum := 0
	for _, n := range total {
		sum += n
	}
	var rows int
	if err := e.s.DB().Get(&rows, `SELECT count(*) FROM outbox WHERE kind = 'reminder'`); err != nil {
		t.Fatal(err)
	}
	if sum != 2 || rows != 2 {
		t.Fatalf("reminded %v, %d messages", total, rows)
	}
}
