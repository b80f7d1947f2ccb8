package chat

import (
	"fmt"
	"reflect"
)

// A dialog's declaration, checked as the handlers are built
// (Router.Check) and read by TestDialogSteps.

// Check says what is wrong with the dialog's declaration: a step without
// an id or a view, two steps with one id, a form whose Next has nowhere to
// end (a step after its fields that has no Needed), or a step without
// Needed among the fields (Next would stop at it).
func (d *Dialog[D]) Check() error {
	seen := map[StepID[D]]bool{}
	last := -1 // the last step with Needed
	for i, s := range d.Steps {
		switch {
		case s.ID == "":
			return fmt.Errorf("dialog %s: step %d has no id", d.Name, i)
		case seen[s.ID]:
			return fmt.Errorf("dialog %s: two steps %q", d.Name, s.ID)
		case s.View == nil:
			return fmt.Errorf("dialog %s: step %q has no view", d.Name, s.ID)
		case s.Editable != nil && s.Edit == "":
			return fmt.Errorf("dialog %s: step %q is Editable without an Edit label", d.Name, s.ID)
		}
		seen[s.ID] = true
		if s.Needed != nil {
			last = i
		}
	}
	if last < 0 {
		return nil
	}
	for _, s := range d.Steps[:last] {
		if s.Needed == nil {
			return fmt.Errorf("dialog %s: step %q, among the form's steps, has no Needed", d.Name, s.ID)
		}
	}
	if last == len(d.Steps)-1 {
		return fmt.Errorf("dialog %s: no step after the form's last (%q) for Next to end at", d.Name, d.Steps[last].ID)
	}
	return nil
}

// StepIDs are the dialog's step ids in order, and DraftType names its
// draft's type, for TestDialogSteps.
func (d *Dialog[D]) StepIDs() []string {
	ids := make([]string, len(d.Steps))
	for i, s := range d.Steps {
		ids[i] = string(s.ID)
	}
	return ids
}

func (d *Dialog[D]) DraftType() string { return reflect.TypeFor[D]().Name() }
