package quickform_test

import (
	"strings"
	"testing"

	"sotay/handlers/quickform"
	"sotay/storage"
)

// The quick forms refuse a field with its rule's words (storage/fields.go).
func TestFormsUseFieldRules(t *testing.T) {
	// The quick form refuses an unknown kind with the same words.
	_, err := quickform.ParseMeeting("15/11/2026; hop mat; 18/20; A", today)
	if _, want := storage.ReadMeetingKind("hop mat"); err == nil || err.Error() != want.Error() {
		t.Errorf("ParseMeeting: %v, want %v", err, want)
	}
	if _, err := quickform.ParseNotice("20/12/2027; 19:30; A; B", today); err == nil || !strings.Contains(err.Error(), "còn hơn một năm nữa") {
		t.Errorf("ParseNotice 390 days ahead: %v", err)
	}
}
