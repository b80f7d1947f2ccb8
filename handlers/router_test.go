package handlers_test

import (
	"testing"
)

// msgInternal is the apology for a system error (handlers.msgInternal).
const msgInternal = "hệ thống đang gặp sự cố"

// A button's data is chosen by the client: "cmd:" or "cmd" names no
// command, and must not reach a handler without one (the contact handler,
// which reads a message a button press does not have).
func TestForgedMenuButtonWithoutCommand(t *testing.T) {
	e := newEnv(t)
	e.link(t, "DV1", 802)
	for _, data := range []string{"cmd:", "cmd", "cmd:   ", "cmd:nosuch", ":", ""} {
		for _, user := range []int64{801, 802} { // unlinked, linked
			e.rec.reset()
			e.press(t, user, data)
			got := e.rec.texts()
			if len(got) == 0 {
				t.Errorf("press %q by %d: no answer", data, user)
			}
			if contains(got, msgInternal) {
				t.Errorf("press %q by %d: system error %q", data, user, got)
			}
		}
	}
}
