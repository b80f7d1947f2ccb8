package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/demodata"
	"sotay/storage/storagetest"
)

func TestLanguages(t *testing.T) {
	s := storagetest.New(t)
	ctx := context.Background()
	ls, err := s.Languages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range ls {
		got = append(got, l.Code+"="+l.Name)
	}
	if strings.Join(got, " ") != "vi=Tiếng Việt ium=Dao hmn=Mông blt=Thái" {
		t.Errorf("languages %q, want Vietnamese first, then Dao, Mông, Thái", got)
	}
	t.Run("FoundByCodeOrName", func(t *testing.T) {
		for in, want := range map[string]string{"hmn": "hmn", "Mông": "hmn", "mong": "hmn", "tiếng Mông": "hmn", "TIENG VIET": "vi",
			"Tiếng Việt": "vi", "việt": "vi", "thai": "blt", " Dao ": "ium"} {
			l, err := s.FindLanguage(ctx, in)
			if err != nil || l.Code != want {
				t.Errorf("%q: %+v %v, want %s", in, l, err, want)
			}
		}
	})
	t.Run("UnknownListsTheLanguages", func(t *testing.T) {
		_, err := s.FindLanguage(ctx, "Giáy")
		if storage.ErrorCode(err) != storage.CodeNotFound || !strings.Contains(storage.ErrorMessage(err), "hmn (Mông)") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("Added", func(t *testing.T) {
		l, err := s.AddLanguage(ctx, " GIA ", "  Giáy ", "cli")
		if err != nil || l.Code != "gia" || l.Name != "Giáy" || l.Spoken() != "tiếng Giáy" {
			t.Fatalf("got %+v %v", l, err)
		}
		if l, err := s.FindLanguage(ctx, "giay"); err != nil || l.Code != "gia" {
			t.Fatalf("got %+v %v", l, err)
		}
	})
	t.Run("Refused", func(t *testing.T) {
		for _, tc := range []struct {
			code, name string
			want       storage.Code
		}{
			{"hmn", "Mông Hoa", storage.CodeConflict},
			{"mh", "mông", storage.CodeConflict}, // the same name in another case
			{"mong", "Mông", storage.CodeInvalid},
			{"h1", "Mông", storage.CodeInvalid},
			{"lu", "", storage.CodeInvalid},
			{"lu", strings.Repeat("Lự", 30), storage.CodeInvalid},
		} {
			if _, err := s.AddLanguage(ctx, tc.code, tc.name, "cli"); storage.ErrorCode(err) != tc.want {
				t.Errorf("%s %s: %v, want %s", tc.code, tc.name, err, tc.want)
			}
		}
		if n := count(t, s, `SELECT count(*) FROM languages`); n != 5 {
			t.Errorf("%d languages, want 5", n)
		}
	})
	t.Run("Spoken", func(t *testing.T) {
		if got := storage.SpokenLanguage("Tiếng Việt"); got != "tiếng Việt" {
			t.Errorf("got %q", got)
		}
		if got := storage.SpokenLanguage("Mông"); got != "tiếng Mông" {
			t.Errorf("got %q", got)
		}
	})
}

func count(t testing.TB, s *storage.Storage, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestVoiceSummaryVersions(t *testing.T) {
	e := newCampaignEnv(t)
	s, ctx := e.s, context.Background()
	a1, _ := s.Member(ctx, "A1")
	b1, _ := s.Member(ctx, "B1")
	add := func(in storage.VoiceInput) (storage.VoiceSummary, error) {
		in.DocumentID = e.doc
		if in.Data == nil {
			in.Data = demodata.SummaryOGG
		}
		if in.Actor == "" {
			in.Actor = "test"
		}
		return s.AddVoiceSummary(ctx, in)
	}
	first, err := add(storage.VoiceInput{Lang: "hmn", RecordedBy: &a1.ID, FileID: "voice-file-1"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Version != 1 || first.Kind != storage.AsVoice || first.Seconds != 19 || first.LangName != "Mông" ||
		first.RecorderName != "Lò Văn A" || first.FileID != "voice-file-1" || first.Length() != "19 giây" {
		t.Errorf("first %+v", first)
	}
	t.Run("AgainWithoutReplaceIsRefusedAndKeepsNothing", func(t *testing.T) {
		files := count(t, s, `SELECT count(*) FROM files`)
		_, err := add(storage.VoiceInput{Lang: "hmn", Data: storagetest.M4A(90 * time.Second), RecordedBy: &b1.ID})
		if storage.ErrorCode(err) != storage.CodeForbidden || !strings.Contains(storage.ErrorMessage(err), "Lò Văn A") {
			t.Fatalf("got %v", err)
		}
		if n := count(t, s, `SELECT count(*) FROM files`); n != files {
			t.Errorf("%d files, want %d", n, files)
		}
	})
	second, err := add(storage.VoiceInput{Lang: "hmn", Data: storagetest.M4A(2 * time.Minute), Name: "mong.m4a", RecordedBy: &b1.ID, Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if second.Version != 2 || second.Kind != storage.AsAudio || second.Seconds != 120 || second.Length() != "2 phút" || second.FileID != "" {
		t.Errorf("second %+v", second)
	}
	if _, err := add(storage.VoiceInput{Lang: "vi", Kind: storage.AsAudio}); err != nil {
		t.Fatal(err)
	}
	t.Run("CurrentIsTheNewest", func(t *testing.T) {
		v, err := s.VoiceSummary(ctx, e.doc, "hmn")
		if err != nil || v.ID != second.ID {
			t.Fatalf("got %+v %v", v, err)
		}
		vs, err := s.VoiceSummaries(ctx, e.doc)
		if err != nil || len(vs) != 2 || vs[0].Lang != "vi" || vs[1].ID != second.ID || vs[0].Kind != storage.AsAudio {
			t.Fatalf("got %+v %v", vs, err)
		}
	})
	t.Run("EveryVersionKeptWithItsRecorder", func(t *testing.T) {
		vs, err := s.VoiceVersions(ctx, e.doc)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, fmt.Sprintf("%s v%d %s", v.Lang, v.Version, v.RecorderCode))
		}
		if strings.Join(got, ", ") != "vi v1 , hmn v2 B1, hmn v1 A1" {
			t.Errorf("versions %q", got)
		}
	})
	t.Run("OneFileForTheSameBytes", func(t *testing.T) {
		v, _ := s.VoiceSummary(ctx, e.doc, "vi")
		if v.StoreID != first.StoreID {
			t.Errorf("the same recording kept twice: %d and %d", v.StoreID, first.StoreID)
		}
	})
	t.Run("UnknownLanguage", func(t *testing.T) {
		_, err := add(storage.VoiceInput{Lang: "gia"})
		if storage.ErrorCode(err) != storage.CodeNotFound || storage.ErrorField(err) != storage.FieldLanguage {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("WithdrawnDocumentTakesNone", func(t *testing.T) {
		if _, err := s.WithdrawDocumentByID(ctx, e.doc, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := add(storage.VoiceInput{Lang: "blt"}); storage.ErrorCode(err) != storage.CodeInvalid {
			t.Fatalf("got %v", err)
		}
	})
}

func TestVoiceFileLimits(t *testing.T) {
	e := newCampaignEnv(t)
	s, ctx := e.s, context.Background()
	big := append([]byte("OggS"), make([]byte, storage.MaxVoiceBytes)...)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"Over10MB", big, "tối đa 10 MB"},
		{"Over10Minutes", storagetest.M4A(10*time.Minute + time.Second), "dài 10 phút 1 giây, tối đa 10 phút"},
		{"NotAudio", storagetest.PDF(t, "Kết luận"), "chỉ nhận OGG/Opus"},
		{"Empty", []byte{}, "rỗng"},
		{"CutShort", demodata.SummaryOGG[:2000], "Không đọc được độ dài"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.AddVoiceSummary(ctx, storage.VoiceInput{DocumentID: e.doc, Lang: "vi", Data: tc.data, Actor: "test"})
			if storage.ErrorField(err) != storage.FieldFile || !strings.Contains(storage.ErrorMessage(err), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if n := count(t, s, `SELECT count(*) FROM files`) + count(t, s, `SELECT count(*) FROM voice_summaries`); n != 0 {
				t.Errorf("%d rows stored", n)
			}
		})
	}
	t.Run("TenMinutesExactlyIsTaken", func(t *testing.T) {
		v, err := s.AddVoiceSummary(ctx, storage.VoiceInput{DocumentID: e.doc, Lang: "vi", Data: storagetest.M4A(10 * time.Minute), Actor: "test"})
		if err != nil || v.Seconds != 600 {
			t.Fatalf("got %+v %v", v, err)
		}
	})
	t.Run("TelegramsLengthWhenTheFileDoesNotSay", func(t *testing.T) {
		v, err := s.AddVoiceSummary(ctx, storage.VoiceInput{DocumentID: e.doc, Lang: "hmn", Data: demodata.SummaryOGG[:2000],
			Kind: storage.AsVoice, TelegramSeconds: 75, Actor: "test"})
		if err != nil || v.Seconds != 75 || v.Length() != "1 phút 15 giây" {
			t.Fatalf("got %+v %v", v, err)
		}
		_, err = s.AddVoiceSummary(ctx, storage.VoiceInput{DocumentID: e.doc, Lang: "blt", Data: demodata.SummaryOGG[:2000],
			TelegramSeconds: 601, Actor: "test"})
		if !strings.Contains(storage.ErrorMessage(err), "tối đa 10 phút") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestVoiceForMember(t *testing.T) {
	e := newCampaignEnv(t)
	s, ctx := e.s, context.Background()
	a1, _ := s.Member(ctx, "A1")
	if _, err := s.VoiceFor(ctx, e.doc, a1.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("no summary: %v", err)
	}
	mustVoice(t, s, e.doc, "vi")
	if err := s.SetVoiceLanguage(ctx, a1.ID, "hmn"); err != nil {
		t.Fatal(err)
	}
	if l, err := s.VoiceLanguage(ctx, a1.ID); err != nil || l.Code != "hmn" {
		t.Fatalf("got %+v %v", l, err)
	}
	if v, err := s.VoiceFor(ctx, e.doc, a1.ID); err != nil || v.Lang != "vi" {
		t.Fatalf("Vietnamese is the fallback: %+v %v", v, err)
	}
	mustVoice(t, s, e.doc, "hmn")
	if v, err := s.VoiceFor(ctx, e.doc, a1.ID); err != nil || v.Lang != "hmn" {
		t.Fatalf("the member's language first: %+v %v", v, err)
	}
	a2, _ := s.Member(ctx, "A2")
	if v, err := s.VoiceFor(ctx, e.doc, a2.ID); err != nil || v.Lang != "vi" {
		t.Fatalf("the default language: %+v %v", v, err)
	}
	if err := s.SetVoiceLanguage(ctx, a2.ID, "xx"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("unknown language: %v", err)
	}
}

func mustVoice(t testing.TB, s *storage.Storage, doc int64, lang string) storage.VoiceSummary {
	t.Helper()
	v, err := s.AddVoiceSummary(context.Background(), storage.VoiceInput{DocumentID: doc, Lang: lang, Data: demodata.SummaryOGG, Actor: "test", Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestListenVoice(t *testing.T) {
	e := newCampaignEnv(t)
	s, ctx := e.s, context.Background()
	c := e.mustPush(t, false, "ROOT")
	ids := storagetest.Pairs[string, int64](t, s, `SELECT m.code AS k, a.id AS v FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1`, c.ID)
	member := func(code string) int64 { m, _ := s.Member(ctx, code); return m.ID }
	for code, state := range map[string]string{"A1": storage.AssignDelivered, "B1": storage.AssignStudied} {
		if err := s.RecordAssignmentState(ctx, ids[code], state, "", s.Now()); err != nil {
			t.Fatal(err)
		}
	}
	listened := func() map[string]bool {
		return storagetest.Pairs[string, bool](t, s, `SELECT m.code AS k, a.listened_at IS NOT NULL AS v FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1`, c.ID)
	}
	t.Run("NoSummaryChangesNothing", func(t *testing.T) {
		_, err := s.ListenVoice(ctx, member("A1"), e.doc, "vi")
		if storage.ErrorCode(err) != storage.CodeNotFound {
			t.Fatalf("got %v", err)
		}
		if st := states(t, s, c.ID); st["A1"] != storage.AssignDelivered || listened()["A1"] || count(t, s, `SELECT count(*) FROM voice_listens`) != 0 {
			t.Fatalf("changed: %v %v", st, listened())
		}
	})
	v := mustVoice(t, s, e.doc, "vi")
	t.Run("ListeningIsReadingOnce", func(t *testing.T) {
		l, err := s.ListenVoice(ctx, member("A1"), e.doc, "vi")
		if err != nil || !l.Read || l.Assignment != ids["A1"] || l.Summary.ID != v.ID {
			t.Fatalf("got %+v %v", l, err)
		}
		a, _ := s.AssignmentByID(ctx, ids["A1"])
		readAt := *a.ReadAt
		l, err = s.ListenVoice(ctx, member("A1"), e.doc, "vi")
		if err != nil || l.Read || l.Assignment != ids["A1"] {
			t.Fatalf("again: %+v %v", l, err)
		}
		a, _ = s.AssignmentByID(ctx, ids["A1"])
		if a.State != storage.AssignRead || !a.ReadAt.Equal(readAt) {
			t.Fatalf("again changed it: %+v", a)
		}
		if n := count(t, s, `SELECT count(*) FROM voice_listens WHERE member_id = $1`, member("A1")); n != 2 {
			t.Errorf("%d listens logged, want 2", n)
		}
	})
	t.Run("StudiedStaysStudiedAndListened", func(t *testing.T) {
		l, err := s.ListenVoice(ctx, member("B1"), e.doc, "vi")
		if err != nil || l.Read {
			t.Fatalf("got %+v %v", l, err)
		}
		if st := states(t, s, c.ID); st["B1"] != storage.AssignStudied || !listened()["B1"] {
			t.Fatalf("got %v %v", st, listened())
		}
	})
	t.Run("ClosedCampaignIsNotTouched", func(t *testing.T) {
		if _, err := s.CloseCampaign(ctx, c.ID, "test"); err != nil {
			t.Fatal(err)
		}
		l, err := s.ListenVoice(ctx, member("C1"), e.doc, "vi")
		if err != nil || l.Assignment != 0 || l.Read {
			t.Fatalf("got %+v %v", l, err)
		}
		if st := states(t, s, c.ID); st["C1"] == storage.AssignRead || listened()["C1"] {
			t.Fatalf("got %v %v", st, listened())
		}
		if n := count(t, s, `SELECT count(*) FROM voice_listens WHERE member_id = $1 AND assignment_id IS NULL`, member("C1")); n != 1 {
			t.Errorf("%d listens without an assignment, want 1", n)
		}
	})
	t.Run("CountedBesideTheStates", func(t *testing.T) {
		for _, f := range []storage.StudyFilter{{DocumentID: e.doc}, {CampaignID: c.ID}} {
			rates, err := s.StudyRates(ctx, f, e.orgs["ROOT"])
			if err != nil {
				t.Fatal(err)
			}
			figures, err := s.StudyFigures(ctx, f, e.orgs["ROOT"])
			if err != nil {
				t.Fatal(err)
			}
			tot := rates[0].Total
			if tot.Listened != 2 || tot.Read != 1 || tot.Studied != 1 || tot.Assigned != 5 {
				t.Errorf("%+v: %+v", f, tot)
			}
			if fmt.Sprint(rates) != fmt.Sprint(figures) {
				t.Errorf("%+v: the roll-up says\n%+v\nthe assignments\n%+v", f, figures, rates)
			}
		}
	})
}

// The roll-up follows listening through a second push of the document
// (counted once a member), a member's assignment moved to another cell and
// an assignment deleted.
func TestListenedRollUp(t *testing.T) {
	c := storagetest.NewStatsCommune(t)
	s, ctx := c.S, context.Background()
	mustVoice(t, s, c.Docs["21-KL/TW"], "vi")
	for _, code := range []string{"A1", "B1", "C2"} {
		m, _ := s.Member(ctx, code)
		if _, err := s.ListenVoice(ctx, m.ID, c.Docs["21-KL/TW"], "vi"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: c.Docs["21-KL/TW"], OrgIDs: []int64{c.Orgs["ROOT"]}, All: true, Actor: "test",
		Message: func(d storage.Document, _ storage.Campaign, id int64) (string, any) { return d.Number, nil }}); err != nil {
		t.Fatal(err)
	}
	m, _ := s.Member(ctx, "C1")
	if _, err := s.ListenVoice(ctx, m.ID, c.Docs["21-KL/TW"], "vi"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`UPDATE assignments SET org_id = $1 WHERE member_id = (SELECT id FROM members WHERE code = 'B1')`, c.Orgs["CB3"]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`DELETE FROM assignments WHERE member_id = (SELECT id FROM members WHERE code = 'A1') AND listened_at IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	period := storage.StudyFilter{From: time.Date(2026, 9, 1, 0, 0, 0, 0, c.Loc), To: time.Date(2027, 1, 1, 0, 0, 0, 0, c.Loc)}
	for _, f := range []storage.StudyFilter{period, {DocumentID: c.Docs["21-KL/TW"]}} {
		rates, err := s.StudyRates(ctx, f, c.Orgs["ROOT"])
		if err != nil {
			t.Fatal(err)
		}
		figures, err := s.StudyFigures(ctx, f, c.Orgs["ROOT"])
		if err != nil {
			t.Fatal(err)
		}
		if rates[0].Total.Listened != 3 {
			t.Errorf("%+v: %d listened, want 3 (B1, C2, C1)", f, rates[0].Total.Listened)
		}
		if fmt.Sprint(rates) != fmt.Sprint(figures) {
			t.Errorf("%+v: the roll-up says\n%+v\nthe assignments\n%+v", f, figures, rates)
		}
	}
}

func TestPushOffersTheMembersVoice(t *testing.T) {
	e := newCampaignEnv(t)
	s, ctx := e.s, context.Background()
	mustVoice(t, s, e.doc, "vi")
	mustVoice(t, s, e.doc, "hmn")
	b1, _ := s.Member(ctx, "B1")
	if err := s.SetVoiceLanguage(ctx, b1.ID, "hmn"); err != nil {
		t.Fatal(err)
	}
	c1, _ := s.Member(ctx, "C1")
	if err := s.SetVoiceLanguage(ctx, c1.ID, "blt"); err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: e.doc, OrgIDs: []int64{e.orgs["ROOT"]}, Actor: "test", Message: plainMessage,
		WithVoice: func(d storage.Document, _ storage.Campaign, id int64, v storage.VoiceSummary) (string, any) {
			return fmt.Sprintf("%s %s %s", d.Number, v.Lang, v.Length()), nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	got := storagetest.Pairs[string, string](t, s, `SELECT m.code AS k, o.text AS v FROM outbox o JOIN assignments a ON a.id = o.assignment_id
		JOIN members m ON m.id = a.member_id WHERE o.campaign_id = $1`, c.ID)
	want := map[string]string{"A1": "21-KL/TW vi 19 giây", "B1": "21-KL/TW hmn 19 giây", "C1": "21-KL/TW vi 19 giây"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pushed %v, want %v", got, want)
	}
}
