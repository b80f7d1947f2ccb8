package storage_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
	"sotay/storage/vn"
)

// TestMigrationDropsStoredBidiControls: migration 0014 drops the bidi
// controls that texts stored before vn.Clean carry — a report's topic, a
// notice, a review comment, a document and its search columns, a dialog's
// draft — and leaves an issuer that cleaning would make another document's.
func TestMigrationDropsStoredBidiControls(t *testing.T) {
	ctx := context.Background()
	s := storagetest.NewCommune(t)
	cb1, err := s.Organisation(ctx, "CB1")
	if err != nil {
		t.Fatal(err)
	}
	dv2 := mustMemberID(t, s, "DV2")
	// Stored as they came, before the cleaner: storage keeps report texts as given.
	r, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: cb1.ID, Kind: storage.MeetingRegular, HeldOn: date(2026, 11, 1),
		Present: 1, Total: 2, Topic: "Quán triệt \u202eWT/LK-12\u202c", AbsentReasons: "Lò Văn Minh\u200f (ốm)", By: dv2})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ReviewReport(ctx, r.ID, dv2, "Ghi\u2066 rõ\u2069"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AnnounceMeeting(ctx, storage.MeetingNotice{OrgID: cb1.ID, StartsAt: time.Now().Add(48 * time.Hour),
		Place: "Nhà văn hóa\u061c", Topic: "\u202dHọc tập", By: dv2}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDialog(ctx, 701, "sh", "topic", map[string]string{"topic": "a\u202eb"}); err != nil {
		t.Fatal(err)
	}
	kl := kl21()
	d := MustCreateDocument(t, s, kl)
	kl.Issuer = "Tỉnh ủy"
	other := MustCreateDocument(t, s, kl)
	if _, err := s.DB().Exec(`UPDATE documents SET title = U&'Kết luận \202E' || title, search_title = 'ket luan ' || U&'\202E' || ' ' || search_title,
		issuer = CASE WHEN id = $1 THEN U&'Ban Ch\1EA5p h\00E0nh\200F Trung \01B0\01A1ng' ELSE U&'T\1EC9nh\200F \1EE7y' END`, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO documents (kind, number, issuer, issued_on, title, number_key) VALUES ('ket_luan', '21-KL/TW', 'Tỉnh ủy', '2021-10-25', 'Bản trùng', '21kltw')`); err != nil {
		t.Fatal(err)
	}

	up, err := os.ReadFile("migrations/0014_clean_bidi.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(string(up)); err != nil {
		t.Fatal(err)
	}

	m, err := s.MeetingReport(ctx, r.ID)
	if err != nil || m.Topic != "Quán triệt WT/LK-12" || m.AbsentReasons != "Lò Văn Minh (ốm)" || m.ReviewComment != "Ghi rõ" {
		t.Fatalf("report %q %q %q %v", m.Topic, m.AbsentReasons, m.ReviewComment, err)
	}
	var place, topic, draft string
	if err := s.DB().QueryRow(`SELECT place, topic FROM meetings`).Scan(&place, &topic); err != nil || place != "Nhà văn hóa" || topic != "Học tập" {
		t.Fatalf("notice %q %q %v", place, topic, err)
	}
	if err := s.DB().QueryRow(`SELECT draft::text FROM dialogs`).Scan(&draft); err != nil || strings.IndexFunc(draft, vn.IsBidiControl) >= 0 {
		t.Fatalf("draft %q %v", draft, err)
	}
	got, err := s.DocumentByID(ctx, d.ID)
	if err != nil || got.Title != "Kết luận "+kl21().Title || got.Issuer != "Ban Chấp hành Trung ương" {
		t.Fatalf("document %q %q %v", got.Title, got.Issuer, err)
	}
	var searchTitle string
	if err := s.DB().QueryRow(`SELECT search_title FROM documents WHERE id = $1`, d.ID).Scan(&searchTitle); err != nil ||
		searchTitle != storage.Fold(got.Title) {
		t.Fatalf("search title %q, want %q (%v)", searchTitle, storage.Fold(got.Title), err)
	}
	if kept, _ := s.DocumentByID(ctx, other.ID); kept.Issuer != "Tỉnh\u200f ủy" {
		t.Fatalf("an issuer cleaned into another document's key: %q", kept.Issuer)
	}
}

func mustMemberID(t *testing.T, s *storage.Storage, code string) int64 {
	t.Helper()
	m, err := s.Member(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return m.ID
}
