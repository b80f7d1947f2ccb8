package chat_test

import (
	"context"
	"strings"
	"testing"

	"sotay/handlers/chat"
)

// TestRouterCheck: a list whose entries would take one another's updates
// is refused when the handlers are built, not found by a member whose
// buttons go to the wrong dialog.
func TestRouterCheck(t *testing.T) {
	type draft struct{}
	dialog := func(name string) *chat.Dialog[draft] {
		return &chat.Dialog[draft]{Name: name, Steps: []*chat.Step[draft]{{ID: "ask",
			View: func(context.Context, *chat.Conv[draft]) (string, chat.Keyboard, error) { return "?", nil, nil }}}}
	}
	none := func(context.Context, *chat.Request) error { return nil }
	cases := []struct {
		name string
		list []chat.Handler
		says string // "": accepted
	}{
		{"Distinct", []chat.Handler{{Command: "a", Handle: none}, {Callback: "x", Handle: none}, {Dialog: dialog("nn")}}, ""},
		{"CommandTwice", []chat.Handler{{Command: "a", Handle: none}, {Command: "a", Handle: none}}, "command /a"},
		{"PrefixTwice", []chat.Handler{{Callback: "x", Handle: none}, {Callback: "x", Handle: none}}, `prefix "x"`},
		{"PrefixIsADialogsName", []chat.Handler{{Dialog: dialog("nn")}, {Callback: "nn", Handle: none}}, `prefix "nn"`},
		{"TwoDialogsOneName", []chat.Handler{{Dialog: dialog("nn")}, {Dialog: dialog("nn")}}, `prefix "nn"`},
		{"MenuPrefix", []chat.Handler{{Callback: "cmd", Handle: none}}, `prefix "cmd"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := (&chat.Router{List: c.list}).Check()
			switch {
			case c.says == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.says != "" && (err == nil || !strings.Contains(err.Error(), c.says)):
				t.Fatalf("got %v, want an error naming %s", err, c.says)
			}
		})
	}
}
