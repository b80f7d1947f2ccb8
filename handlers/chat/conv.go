package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// A turn of a dialog, as a step's View, Text and Actions see it: the draft,
// where to go next, the buttons of this drawing, and how the engine saves
// and draws what the turn decided.

// Conv is one turn of a dialog: the request, the draft, and what the turn
// decided (another step, the end, no redraw).
type Conv[D any] struct {
	*Request
	Draft D

	d      *Dialog[D]
	state  dialogState
	step   StepID[D]
	notice string
	ended  bool
	endMsg string
	endKb  *Markup
	keep   bool
}

// Goto moves to another step; ◀ comes back here.
func (c *Conv[D]) Goto(step StepID[D]) {
	if step == c.step {
		return
	}
	c.state.History = append(c.state.History, string(c.step))
	c.step = step
}

// Next moves to the step the draft goes to (Dialog.Next): the first field
// it still needs, or the summary.
func (c *Conv[D]) Next() { c.Goto(c.d.Next(c.Draft)) }

// Missing says whether the draft still needs a field (a step with Needed).
func (c *Conv[D]) Missing() bool {
	s := c.d.find(c.d.Next(c.Draft))
	return s != nil && s.Needed != nil
}

// Step is the current step's id.
func (c *Conv[D]) Step() StepID[D] { return c.step }

// Back returns to the previous step, if there is one.
func (c *Conv[D]) Back() {
	if n := len(c.state.History); n > 0 {
		c.step = StepID[D](c.state.History[n-1])
		c.state.History = c.state.History[:n-1]
	}
}

// BackTo returns to an earlier step, forgetting the steps after it; a step
// not on the way back is gone to as with Goto.
func (c *Conv[D]) BackTo(step StepID[D]) {
	for i := len(c.state.History) - 1; i >= 0; i-- {
		if c.state.History[i] == string(step) {
			c.step, c.state.History = step, c.state.History[:i]
			return
		}
	}
	c.Goto(step)
}

// Editable are the steps the dialog's edit menu offers for this draft:
// those with an Edit label, in the order declared, that their Editable
// (if any) allows.
func (c *Conv[D]) Editable(ctx context.Context) ([]*Step[D], error) {
	var out []*Step[D]
	for _, s := range c.d.Steps {
		if s.Edit == "" {
			continue
		}
		if s.Editable != nil {
			ok, err := s.Editable(ctx, c)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// Reset forgets the way back (after a step that cannot be undone).
func (c *Conv[D]) Reset() { c.state.History = nil }

// End closes the dialog and shows text in place of the step.
func (c *Conv[D]) End(text string, kb *Markup) {
	c.ended, c.endMsg, c.endKb = true, text, kb
}

// Keep leaves the message as it is (a toast said enough).
func (c *Conv[D]) Keep() { c.keep = true }

// Notice puts a line above the next drawing of the step.
func (c *Conv[D]) Notice(text string) { c.notice = text }

// Button is a button of this drawing of the dialog: name:intent.rev:action:args.
func (c *Conv[D]) Button(label, action string, args ...any) Button {
	return NewButton(label, Prefix(c.d.Name), append([]any{c.version(), action}, args...)...)
}

// version is the intent and revision a button of this drawing carries.
func (c *Conv[D]) version() string { return fmt.Sprintf("%s.%d", c.state.Intent, c.state.Rev) }

// Page is the offset a list widget of this step shows. Asking for it says
// that the drawing shows the widget, so that its page buttons work.
func (c *Conv[D]) Page(widget string) int {
	if !slices.Contains(c.state.Widgets, widget) {
		c.state.Widgets = append(c.state.Widgets, widget)
	}
	return c.state.Pages[widget]
}

// SetPage moves a list widget to another offset.
func (c *Conv[D]) SetPage(widget string, off int) {
	if c.state.Pages == nil {
		c.state.Pages = map[string]int{}
	}
	c.state.Pages[widget] = off
}

// CancelRow is the usual last row: back (when there is a way back) and cancel.
func (c *Conv[D]) CancelRow() Row {
	row := Row{}
	if len(c.state.History) > 0 {
		row = append(row, c.Button("◀ Quay lại", ActBack))
	}
	return append(row, c.CancelButton())
}

// CancelButton leaves the dialog; every dialog labels it LabelCancel.
func (c *Conv[D]) CancelButton() Button { return c.Button(LabelCancel, ActCancel) }

// finish saves the turn and draws what follows: the end message, or the
// current step. fresh sends a new message instead of editing the pressed one.
func (c *Conv[D]) finish(ctx context.Context, fresh bool) error {
	if c.ended {
		if _, err := c.Store.EndDialog(ctx, c.UserID); err != nil {
			return err
		}
		c.show(c.endMsg, c.endKb, fresh)
		return nil
	}
	if c.d.find(c.step) == nil {
		return fmt.Errorf("chat: dialog %s has no step %q", c.d.Name, c.step)
	}
	if !c.keep {
		// A new drawing: the buttons of the one before are old. It is drawn
		// before the state is saved, since it says which list widgets it
		// shows (and may move their pages back into range).
		c.state.Rev++
		if err := c.draw(ctx, fresh); err != nil {
			return err
		}
	}
	b, err := json.Marshal(c.Draft)
	if err != nil {
		return fmt.Errorf("chat: dialog %s draft: %w", c.d.Name, err)
	}
	c.state.Draft = b
	return c.Store.SaveDialog(ctx, c.UserID, c.d.Name, string(c.step), c.state)
}

// draw shows the current step.
func (c *Conv[D]) draw(ctx context.Context, fresh bool) error {
	c.state.Widgets = nil
	text, rows, err := c.d.find(c.step).View(ctx, c)
	if err != nil {
		return err
	}
	if c.notice != "" {
		text = c.notice + "\n\n" + text
	}
	var kb *Markup
	if len(rows) > 0 {
		m := NewMarkup(rows...)
		kb = &m
	}
	c.show(text, kb, fresh)
	return nil
}

func (c *Conv[D]) show(text string, kb *Markup, fresh bool) {
	if fresh || c.Update.CallbackQuery == nil {
		if kb != nil {
			c.Reply(text, *kb)
		} else {
			c.Reply(text, nil)
		}
		return
	}
	c.Show(text, kb)
}
