package handlers_test

import (
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestInviteSheetFromMoi: «🖨 In phiếu mời (PDF)» in /moi sends a secretary
// a PDF with one slip per unlinked member of their cell (and makes their
// invites), saying who can share their phone instead.
func TestInviteSheetFromMoi(t *testing.T) {
	e := newEnv(t)
	e.link(t, "DV2", 1501) // secretary of CB1; DV1 is the one unlinked member there
	storagetest.MustGrant(t, e.s, "DV2", storage.RoleSecretary, "CB1")
	e.text(t, 1501, "/moi")
	data, ok := e.rec.buttons()["🖨 In phiếu mời (PDF)"]
	if !ok || data != "moi:s:0" {
		t.Fatalf("no sheet button in /moi: %v", e.rec.buttons())
	}
	e.rec.reset()
	e.press(t, 1501, data)
	var doc *tgbotapi.DocumentConfig
	e.rec.mu.Lock()
	for _, c := range e.rec.sent {
		if d, ok := c.(tgbotapi.DocumentConfig); ok {
			doc = &d
		}
	}
	e.rec.mu.Unlock()
	if doc == nil {
		t.Fatalf("no PDF sent: %q", e.rec.texts())
	}
	f, ok := doc.File.(tgbotapi.FileBytes)
	if !ok || f.Name != "phieu-moi.pdf" || !strings.HasPrefix(string(f.Bytes), "%PDF-") {
		t.Fatalf("not a PDF: %T", doc.File)
	}
	if !strings.Contains(doc.Caption, "1 phiếu mời") || !strings.Contains(doc.Caption, "1 đồng chí có số điện thoại") {
		t.Fatalf("caption %q", doc.Caption)
	}
	var open int
	dv1, _ := e.s.Member(t.Context(), "DV1")
	if err := e.s.DB().Get(&open, `SELECT count(*) FROM invites WHERE member_id = $1`, dv1.ID); err != nil || open != 1 {
		t.Fatalf("invites of DV1: %d (%v)", open, err)
	}
	var others int
	if err := e.s.DB().Get(&others, `SELECT count(*) FROM invites i JOIN members m ON m.id = i.member_id WHERE m.code <> 'DV1' AND m.code <> 'DV2'`); err != nil || others != 0 {
		t.Fatalf("invites outside the secretary's cell: %d (%v)", others, err)
	}
}
