package storage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestDigestOnASetClock: the weekly digest goes on Monday from 07:30
// local time, once a week, never at night, to the secretaries and officers
// linked on Telegram; a Monday sweep that missed 07:30 sends it; nothing
// goes to whom nothing is to be said; the next digest tells what is new.
func TestDigestOnASetClock(t *testing.T) {
	c := storagetest.NewRulesCommune(t)
	s, ctx, loc := c.S, context.Background(), storagetest.Local
	link := func(code string, chat int64) {
		t.Helper()
		m, err := s.Member(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.LinkTelegram(ctx, m.ID, chat); err != nil {
			t.Fatal(err)
		}
	}
	for code, chat := range map[string]int64{"A1": 101, "C1": 102, "B1": 103, "D1": 104, "A2": 105} {
		link(code, chat)
	}
	storagetest.MustGrant(t, s, "A1", storage.RoleSecretary, "CA")
	storagetest.MustGrant(t, s, "C1", storage.RoleSecretary, "CC")
	storagetest.MustGrant(t, s, "B1", storage.RoleOfficer, "ROOT")
	storagetest.MustGrant(t, s, "D1", storage.RoleSecretary, "CB") // CB has nothing to be told on 23/11

	rendered := map[int64]storage.Digest{}
	render := func(d storage.Digest) (string, any) {
		rendered[d.MemberID] = d
		return fmt.Sprintf("%d cảnh báo, %d mới", len(d.Alerts), d.NewCount()), nil
	}
	sweep := func(at time.Time) int {
		t.Helper()
		c.Clock.Set(at)
		n, err := s.SweepDigests(ctx, loc, storage.DefaultSupervisionTarget, render)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	digests := func() map[int64]string {
		t.Helper()
		return storagetest.Pairs[int64, string](t, s, `SELECT chat_id AS k, text AS v FROM outbox WHERE kind = 'digest'`)
	}
	member := func(code string) int64 {
		t.Helper()
		m, err := s.Member(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	at := func(d, m, hh, mm int) time.Time { return time.Date(2026, time.Month(m), d, hh, mm, 0, 0, loc) }

	for _, tc := range []struct {
		name string
		at   time.Time
	}{
		{"SundayMorning", at(22, 11, 9, 0)},
		{"MondayBefore0730", at(23, 11, 7, 29)},
		{"MondayNightBefore", at(16, 11, 22, 0)},
	} {
		if n := sweep(tc.at); n != 0 {
			t.Fatalf("%s: %d digests", tc.name, n)
		}
	}
	if len(digests()) != 0 {
		t.Fatalf("digests before Monday 07:30: %v", digests())
	}

	t.Run("Monday0730", func(t *testing.T) {
		if n := sweep(at(23, 11, 7, 30)); n != 3 {
			t.Fatalf("%d digests, want 3 (A1, C1, B1)", n)
		}
		got := digests()
		want := map[int64]string{101: "15 cảnh báo, 15 mới", 102: "5 cảnh báo, 5 mới", 103: "20 cảnh báo, 20 mới"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("digests %v, want %v", got, want)
		}
		if d := rendered[member("A1")]; !d.Cells || d.Since != nil || d.Alerts[0].OrgCode != "CA" || d.Alerts[len(d.Alerts)-1].OrgCode != "CA" {
			t.Errorf("A1's digest: %+v", d)
		}
		if d := rendered[member("B1")]; d.Cells || d.Alerts[0].OrgCode != "CA" || d.Alerts[len(d.Alerts)-1].OrgCode != "CC" {
			t.Errorf("B1's digest: cells %v, from %s to %s", d.Cells, d.Alerts[0].OrgCode, d.Alerts[len(d.Alerts)-1].OrgCode)
		}
		// D1 was told nothing, but the week is marked done for them too.
		rows, err := s.AlertDigests(ctx, member("D1"))
		if err != nil || len(rows) != 1 || rows[0].OutboxID != nil || string(rows[0].Alerts) != "[]" {
			t.Fatalf("D1's digests %+v, %v", rows, err)
		}
		rows, err = s.AlertDigests(ctx, member("A1"))
		var keys []string
		if err != nil || len(rows) != 1 || rows[0].OutboxID == nil || json.Unmarshal(rows[0].Alerts, &keys) != nil || len(keys) != 15 ||
			keys[0] != "monthly_meeting|CA|2026-10|" {
			t.Fatalf("A1's digests %+v, %v", rows, err)
		}
	})
	t.Run("NeverTwice", func(t *testing.T) {
		for _, h := range []int{7, 12, 20} {
			if n := sweep(at(23, 11, h, 45)); n != 0 {
				t.Fatalf("%d more digests at %02d:45", n, h)
			}
		}
		if len(digests()) != 3 {
			t.Fatalf("digests %v", digests())
		}
	})
	t.Run("NeverAtNightNorTheDayAfter", func(t *testing.T) {
		for _, tm := range []time.Time{at(30, 11, 21, 0), at(30, 11, 23, 59), at(1, 12, 7, 30), at(1, 12, 10, 0)} {
			if n := sweep(tm); n != 0 {
				t.Fatalf("%d digests at %s", n, tm.Format("Mon 02/01 15:04"))
			}
		}
	})
	t.Run("AMissed0730IsSentAtTheNextSweepThatMonday", func(t *testing.T) {
		// 07/12: CA has nothing new (its October meeting and the meeting of
		// 04/09 have left the window); CC's fourth quarter is new; CB's
		// November is new to D1, whose last digest said nothing.
		clear(rendered)
		if n := sweep(at(7, 12, 10, 5)); n != 4 {
			t.Fatalf("%d digests, want 4", n)
		}
		for code, want := range map[string]string{"A1": "11 open, 0 new", "C1": "6 open, 1 new", "D1": "1 open, 1 new"} {
			d := rendered[member(code)]
			if got := fmt.Sprintf("%d open, %d new", len(d.Alerts), d.NewCount()); got != want || d.Since == nil || !d.Since.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("%s: %s since %v, want %s since 23/11", code, got, d.Since, want)
			}
		}
		d := rendered[member("C1")]
		for i, a := range d.Alerts {
			if d.New[i] != (a.Rule == storage.RuleQuarterlyThematic && a.Period == "2026-Q4") {
				t.Errorf("C1: %s %s new = %v", a.Rule, a.Period, d.New[i])
			}
		}
	})
}
