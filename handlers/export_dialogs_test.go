package handlers

import "sotay/handlers/chat"

// DialogDecl is what TestDialogSteps reads of one dialog of the handler
// list: its name, its draft's type, its steps in order, and what is wrong
// with its declaration (nil: nothing).
type DialogDecl struct {
	Name  string
	Draft string
	Steps []string
	Err   error
}

// Dialogs are the declarations of the dialogs in h's handler list.
func Dialogs(h *Handlers) []DialogDecl {
	var out []DialogDecl
	for _, hd := range h.router.List {
		if d := hd.Dialog; d != nil {
			out = append(out, DialogDecl{Name: d.DialogName(), Draft: d.DraftType(), Steps: d.StepIDs(), Err: d.Check()})
		}
	}
	return out
}

// CheckDialog is a dialog's declaration check, for tests.
func CheckDialog[D any](d *chat.Dialog[D]) error { return d.Check() }
