package storage_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// campaignEnv is a commune with two cells under a base committee and one
// base cell, five members, three of them linked, and a published document.
type campaignEnv struct {
	s     *storage.Storage
	orgs  map[string]int64
	doc   int64
	draft int64
}

func newCampaignEnv(t *testing.T) campaignEnv {
	t.Helper()
	ctx := context.Background()
	s := storagetest.New(t)
	orgs := []storage.OrgInput{
		{Line: 2, Code: "ROOT", Name: "Đảng bộ xã", Kind: storage.KindDangBo},
		{Line: 3, Code: "DB1", Name: "Đảng bộ Trường học", Kind: storage.KindDangBo, ParentCode: "ROOT"},
		{Line: 4, Code: "CB1", Name: "Chi bộ Tiểu học", Kind: storage.KindChiBo, ParentCode: "DB1"},
		{Line: 5, Code: "CB2", Name: "Chi bộ Mầm non", Kind: storage.KindChiBo, ParentCode: "DB1"},
		{Line: 6, Code: "CB3", Name: "Chi bộ bản Pà Pao", Kind: storage.KindChiBo, ParentCode: "ROOT"},
	}
	storagetest.MustImport(t, s, orgs, []storage.MemberInput{
		{Line: 2, Code: "A1", FullName: "Lò Văn A", OrgCode: "CB1"},
		{Line: 3, Code: "A2", FullName: "Lò Thị B", OrgCode: "CB1"},
		{Line: 4, Code: "B1", FullName: "Giàng A C", OrgCode: "CB2"},
		{Line: 5, Code: "C1", FullName: "Vàng Thị D", OrgCode: "CB3"},
		{Line: 6, Code: "C2", FullName: "Sùng A E", OrgCode: "CB3"},
	})
	for code, user := range map[string]int64{"A1": 101, "B1": 102, "C1": 103} {
		m, _ := s.Member(ctx, code)
		if err := s.LinkTelegram(ctx, m.ID, user); err != nil {
			t.Fatal(err)
		}
	}
	e := campaignEnv{s: s, orgs: map[string]int64{}}
	for _, o := range orgs {
		got, _ := s.Organisation(ctx, o.Code)
		e.orgs[o.Code] = got.ID
	}
	e.doc = MustInsertDocument(t, s, "21-KL/TW", storage.DocPublished)
	e.draft = MustInsertDocument(t, s, "05-CT/TW", storage.DocDraft)
	return e
}

// MustInsertDocument writes a document row directly.
func MustInsertDocument(t testing.TB, s *storage.Storage, number, status string) int64 {
	t.Helper()
	var id int64
	err := s.DB().Get(&id, `INSERT INTO documents (kind, number, issuer, issued_on, title, summary, status, number_key)
		VALUES ('ket_luan', $1, 'Bộ Chính trị', '2021-10-25', 'Về tiếp tục đẩy mạnh xây dựng Đảng', 'Tóm tắt', $2, $3) RETURNING id`,
		number, status, storage.NumberKey(number))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func plainMessage(d storage.Document, c storage.Campaign, id int64) (string, any) {
	return fmt.Sprintf("%s #%d", d.Number, id), map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "ok", "callback_data": fmt.Sprintf("hoc:%d", id)}}}}
}

func (e campaignEnv) push(t *testing.T, all bool, orgs ...string) (storage.Campaign, error) {
	t.Helper()
	var ids []int64
	for _, o := range orgs {
		ids = append(ids, e.orgs[o])
	}
	return e.s.CreateCampaign(context.Background(), storage.CampaignInput{
		DocumentID: e.doc, OrgIDs: ids, All: all, Actor: "test", Message: plainMessage,
	})
}

// mustPush is push, ending the test if the campaign is refused.
func (e campaignEnv) mustPush(t *testing.T, all bool, orgs ...string) storage.Campaign {
	t.Helper()
	c, err := e.push(t, all, orgs...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func states(t *testing.T, s *storage.Storage, campaignID int64) map[string]string {
	t.Helper()
	return storagetest.Pairs[string, string](t, s, `SELECT m.code AS k, a.state AS v FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1`, campaignID)
}

func TestCreateCampaign(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()

	t.Run("PreviewCountsOverlappingScopesOnce", func(t *testing.T) {
		p, err := e.s.PreviewCampaign(ctx, e.doc, []int64{e.orgs["DB1"], e.orgs["CB1"]}, false)
		if err != nil {
			t.Fatal(err)
		}
		if p.Members != 3 || p.Assigned != 3 || p.Reachable != 2 || p.NotLinked != 1 || p.Already != 0 {
			t.Fatalf("preview %+v", p)
		}
	})
	t.Run("SnapshotsOneAssignmentPerMemberAndQueuesLinked", func(t *testing.T) {
		c := e.mustPush(t, false, "DB1", "CB1")
		got := states(t, e.s, c.ID)
		want := map[string]string{"A1": "pending", "A2": "unreachable", "B1": "pending"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("assignments %v, want %v", got, want)
		}
		var chats []int64
		if err := e.s.DB().Select(&chats, `SELECT chat_id FROM outbox WHERE campaign_id = $1 ORDER BY chat_id`, c.ID); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(chats) != "[101 102]" {
			t.Fatalf("outbox chats %v", chats)
		}
		st, err := e.s.CampaignStats(ctx, c.ID)
		if err != nil || st.Total != 3 || st.NotLinked != 1 || st.Queued != 2 {
			t.Fatalf("stats %+v %v", st, err)
		}
	})
	t.Run("SecondCampaignAddsNewAndUnreachedMembers", func(t *testing.T) {
		c := e.mustPush(t, false, "ROOT")
		// A2 was not linked at the first push: a new push tries again.
		if got := states(t, e.s, c.ID); len(got) != 3 || got["C1"] != "pending" || got["C2"] != "unreachable" || got["A2"] != "unreachable" {
			t.Fatalf("assignments %v", got)
		}
	})
	t.Run("NothingNewIsAConflictThatSaysHow", func(t *testing.T) {
		_, err := e.push(t, false, "CB2") // B1 alone, reached by the first push
		if storage.ErrorCode(err) != storage.CodeConflict || storage.ErrorMessage(err) == "" {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("AllAssignsAgain", func(t *testing.T) {
		c := e.mustPush(t, true, "CB1")
		if got := states(t, e.s, c.ID); len(got) != 2 {
			t.Fatalf("assignments %v", got)
		}
	})
	t.Run("DraftRefused", func(t *testing.T) {
		_, err := e.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: e.draft, OrgIDs: []int64{e.orgs["ROOT"]}, Message: plainMessage})
		if storage.ErrorCode(err) != storage.CodeInvalid {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("NoOrganisationRefused", func(t *testing.T) {
		_, err := e.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: e.doc, Message: plainMessage})
		if storage.ErrorCode(err) != storage.CodeInvalid {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("NumberFoundInAnySpelling", func(t *testing.T) {
		ds, err := e.s.DocumentsNumbered(ctx, " 21 kl/tw")
		if err != nil || len(ds) != 1 || ds[0].ID != e.doc {
			t.Fatalf("%v %v", ds, err)
		}
	})
}

func TestAssignmentStates(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	c := e.mustPush(t, false, "CB1")
	a1, _ := e.s.Member(ctx, "A1")
	b1, _ := e.s.Member(ctx, "B1")
	var aid int64
	if err := e.s.DB().Get(&aid, `SELECT id FROM assignments WHERE campaign_id = $1 AND member_id = $2`, c.ID, a1.ID); err != nil {
		t.Fatal(err)
	}
	// readLeaves has A1 read the document and wants the assignment in state want.
	readLeaves := func(t *testing.T, want string) {
		t.Helper()
		if err := e.s.MarkDocumentRead(ctx, a1.ID, e.doc); err != nil {
			t.Fatal(err)
		}
		if a, _ := e.s.AssignmentByID(ctx, aid); a.State != want {
			t.Fatalf("state %s", a.State)
		}
	}

	t.Run("ReadingMovesPendingToRead", func(t *testing.T) {
		readLeaves(t, storage.AssignRead)
	})
	t.Run("SomeoneElsesAssignmentForbidden", func(t *testing.T) {
		_, _, err := e.s.MarkStudied(ctx, aid, b1.ID)
		if !errors.Is(err, storage.ErrForbidden) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("StudiedOnceThenUnchanged", func(t *testing.T) {
		_, changed, err := e.s.MarkStudied(ctx, aid, a1.ID)
		if err != nil || !changed {
			t.Fatalf("first press: %v %v", changed, err)
		}
		_, changed, err = e.s.MarkStudied(ctx, aid, a1.ID)
		if err != nil || changed {
			t.Fatalf("second press: %v %v", changed, err)
		}
	})
	t.Run("ReadingNeverGoesBackFromStudied", func(t *testing.T) {
		readLeaves(t, storage.AssignStudied)
	})
	t.Run("DeliveryAfterStudyKeepsStudied", func(t *testing.T) {
		var oid int64
		if err := e.s.DB().Get(&oid, `SELECT id FROM outbox WHERE assignment_id = $1`, aid); err != nil {
			t.Fatal(err)
		}
		if err := e.s.OutboxSent(ctx, oid, 7); err != nil {
			t.Fatal(err)
		}
		if a, _ := e.s.AssignmentByID(ctx, aid); a.State != storage.AssignStudied || a.DeliveredAt == nil {
			t.Fatalf("assignment %+v", a)
		}
	})
	t.Run("AssignedMemberIsAssigned", func(t *testing.T) {
		ok, err := e.s.IsAssigned(ctx, a1.ID, e.doc)
		if err != nil || !ok {
			t.Fatalf("%v %v", ok, err)
		}
		ok, _ = e.s.IsAssigned(ctx, b1.ID, e.doc)
		if ok {
			t.Fatal("B1 was not in CB1's campaign")
		}
	})
}

func claimOpts(worker string) storage.ClaimOptions {
	return storage.ClaimOptions{Worker: worker, Max: 50, Interval: 50 * time.Millisecond, Horizon: time.Second,
		Lease: 500 * time.Millisecond, ChatGap: time.Second}
}

// sendClocked is a storage whose send budget counts on a clock the test
// moves (storage.WithSendClock): slots, leases and pauses run out when the
// test says, not when a loaded machine gets round to the next claim. The
// clock starts a minute ahead of the database's, so that the messages the
// test queues are due.
func sendClocked(t *testing.T) (*storage.Storage, *storagetest.Clock) {
	t.Helper()
	ck := storagetest.NewClock(time.Time{})
	s := storagetest.New(t, storage.WithSendClock(ck.Now))
	var now time.Time
	if err := s.DB().Get(&now, `SELECT clock_timestamp()`); err != nil {
		t.Fatal(err)
	}
	ck.Set(now.Add(time.Minute))
	return s, ck
}

func TestOutboxClaims(t *testing.T) {
	ctx := context.Background()

	t.Run("ConcurrentClaimersGetDisjointSpacedSlots", func(t *testing.T) {
		s, ck := sendClocked(t)
		for i := 0; i < 60; i++ {
			if _, err := s.Enqueue(ctx, storage.OutboxNotice, int64(1000+i), "x", nil); err != nil {
				t.Fatal(err)
			}
		}
		// Three claimers, four claims each, and the budget's clock moves
		// 40 ms before each claim: later claims find new slots, and the
		// clock moves 480 ms in all, less than a lease (500 ms past its
		// slot), so however slow the machine no lease runs out and a
		// message claimed twice is a claim that ignored another's.
		var mu sync.Mutex
		seen := map[int64]string{}
		var wg sync.WaitGroup
		for w := 0; w < 3; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < 4; i++ {
					ck.Add(40 * time.Millisecond)
					msgs, _, err := s.ClaimOutbox(ctx, claimOpts(fmt.Sprint("w", w)))
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					for _, m := range msgs {
						if prev, ok := seen[m.ID]; ok {
							t.Errorf("message %d claimed by %s and w%d", m.ID, prev, w)
						}
						seen[m.ID] = fmt.Sprint("w", w)
					}
					mu.Unlock()
				}
			}(w)
		}
		wg.Wait()
		if len(seen) == 0 {
			t.Fatal("nothing claimed")
		}
		// The claims as the database holds them: each lease ends Lease
		// after its message's slot, on the budget's clock.
		var rows []struct {
			ID    int64     `db:"id"`
			By    string    `db:"claimed_by"`
			Until time.Time `db:"claimed_until"`
		}
		if err := s.DB().Select(&rows, `SELECT id, claimed_by, claimed_until FROM outbox
			WHERE claimed_by IS NOT NULL ORDER BY claimed_until`); err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(seen) {
			t.Fatalf("%d messages claimed, %d held in the database", len(seen), len(rows))
		}
		lease, interval := claimOpts("").Lease, claimOpts("").Interval
		for i, r := range rows {
			if r.By != seen[r.ID] {
				t.Errorf("message %d was given to %s and is held by %s", r.ID, seen[r.ID], r.By)
			}
			if !r.Until.After(ck.Now()) {
				t.Fatalf("the lease of message %d ran out during the test: it proves nothing", r.ID)
			}
			if i > 0 {
				if d := r.Until.Sub(rows[i-1].Until); d < interval {
					t.Errorf("slots %v and %v are %v apart, under the budget's %v: the rate was exceeded",
						rows[i-1].Until.Add(-lease).Format("15:04:05.000"), r.Until.Add(-lease).Format("15:04:05.000"), d, interval)
				}
			}
		}
	})
	t.Run("OneMessagePerChatAtATime", func(t *testing.T) {
		s, _ := sendClocked(t)
		for i := 0; i < 3; i++ {
			if _, err := s.Enqueue(ctx, storage.OutboxNotice, 42, fmt.Sprint("m", i), nil); err != nil {
				t.Fatal(err)
			}
		}
		msgs, _, err := s.ClaimOutbox(ctx, claimOpts("w"))
		if err != nil || len(msgs) != 1 {
			t.Fatalf("claimed %d (%v)", len(msgs), err)
		}
		if err := s.OutboxSent(ctx, msgs[0].ID, 1); err != nil {
			t.Fatal(err)
		}
		again, _, _ := s.ClaimOutbox(ctx, claimOpts("w"))
		if len(again) != 0 {
			t.Fatalf("a second message to the chat within a second: %d", len(again))
		}
	})
	t.Run("ExpiredLeaseIsTakenAgain", func(t *testing.T) {
		s, ck := sendClocked(t)
		if _, err := s.Enqueue(ctx, storage.OutboxNotice, 7, "x", nil); err != nil {
			t.Fatal(err)
		}
		o := claimOpts("dead")
		o.ChatGap = 0
		msgs, _, _ := s.ClaimOutbox(ctx, o)
		if len(msgs) != 1 {
			t.Fatalf("claimed %d", len(msgs))
		}
		o.Worker = "alive"
		if m, _, _ := s.ClaimOutbox(ctx, o); len(m) != 0 {
			t.Fatal("a leased message was claimed twice")
		}
		ck.Add(msgs[0].LeaseIn)
		if m, _, _ := s.ClaimOutbox(ctx, o); len(m) != 1 || m[0].ID != msgs[0].ID {
			t.Fatalf("after the lease: %v", m)
		}
	})
	t.Run("BlockedChatMarksMemberUnreachable", func(t *testing.T) {
		e := newCampaignEnv(t)
		c := e.mustPush(t, false, "CB3")
		var oid int64
		if err := e.s.DB().Get(&oid, `SELECT id FROM outbox WHERE campaign_id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.OutboxFailed(ctx, oid, true, "đã chặn bot"); err != nil {
			t.Fatal(err)
		}
		if got := states(t, e.s, c.ID); got["C1"] != "unreachable" {
			t.Fatalf("states %v", got)
		}
		if m, _ := e.s.Member(ctx, "C1"); m.UnreachableAt == nil {
			t.Fatal("member not marked unreachable")
		}
		p, _ := e.s.PreviewCampaign(ctx, e.doc, []int64{e.orgs["CB3"]}, true)
		if p.Reachable != 0 {
			t.Fatalf("preview %+v", p)
		}
	})
	t.Run("FloodPauseHoldsEveryone", func(t *testing.T) {
		s, _ := sendClocked(t)
		if _, err := s.Enqueue(ctx, storage.OutboxNotice, 7, "x", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.PauseSending(ctx, 3*time.Second); err != nil {
			t.Fatal(err)
		}
		msgs, wait, err := s.ClaimOutbox(ctx, claimOpts("w"))
		if err != nil || len(msgs) != 0 || wait < time.Second {
			t.Fatalf("claimed %d, wait %v (%v)", len(msgs), wait, err)
		}
		// Without a rate limit too (--rate -1), and for a progress edit.
		unlimited := claimOpts("w")
		unlimited.Interval = 0
		msgs, wait, err = s.ClaimOutbox(ctx, unlimited)
		if err != nil || len(msgs) != 0 || wait < time.Second {
			t.Fatalf("without a rate: claimed %d, wait %v (%v)", len(msgs), wait, err)
		}
		if wait, err := s.ReserveSlot(ctx, 8, 0, time.Second); err != nil || wait < 2*time.Second {
			t.Fatalf("progress edit without a rate: wait %v (%v)", wait, err)
		}
	})
}
