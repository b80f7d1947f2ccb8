package chat

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// The dialog engine. A dialog is data: a name, and steps that each say how
// they are drawn (View), what typed text they take (Text) and which buttons
// they take (Actions). The engine keeps the state in the dialogs table,
// routes the open dialog's presses and texts to the current step, redraws
// after every change, and handles what every dialog shares: a button of an
// older dialog, of another step or of a closed dialog changes nothing and
// gets a toast; a wrong typed answer asks the same step again with the error
// above it and its keyboard; "◀" goes back a step; "✖" and /huy leave.
//
// Buttons carry the dialog's intent id and revision,
// "name:<intent>.<rev>:action:args…": a press on a message of an earlier run
// of the dialog (another intent) or an older drawing of this run (another
// revision: a message the dialog has since moved on from, or a copy sent
// again after a typed answer) is known and changes nothing. So does a press
// naming an item its step's list does not hold (ErrNotOffered): forged or
// gone, it gets the same toast and the list as it is now.
//
// To write a dialog: declare its draft type and a *Dialog[Draft] with its
// steps in one file, in the order they are asked, put {Dialog: d} in the
// handler list (it takes the dialog's buttons and the texts typed while it
// is open), and start it from a command with d.Start.
//
// A dialog that fills a form (a report, a notice) says of each of its
// fields' steps when the draft still needs it (Needed): Next goes to the
// first such step, in the order declared, and past the last to the first
// step that has no Needed (the summary). Such a step is named nowhere
// else: the edit menu offers the steps that have an Edit label, and the
// step's id is written once, in its declaration. A step that code names
// (Start, Goto, BackTo) has a constant of the dialog's StepID type, so the
// compiler refuses a step of another dialog, and TestDialogSteps refuses a
// constant, a literal or a declaration that names no step of its dialog.

// Engine actions every dialog has.
const (
	ActCancel = "x"  // leave the dialog
	ActBack   = "b"  // the previous step
	actPage   = "pg" // pg:<widget>:<offset>, a page of a list widget
)

// LabelCancel is the label of the button that leaves a dialog (ActCancel),
// the same in every dialog: draw it with Conv.CancelButton.
const LabelCancel = "✖ Hủy"

const (
	msgStaleButton  = "Nút này thuộc một thao tác đã xong, đã hủy hoặc đã hết hạn."
	msgOldStep      = "Nút này thuộc một bước trước. Đồng chí dùng tin nhắn mới nhất."
	msgUseButtons   = "Đồng chí hãy bấm các nút bên dưới tin nhắn để chọn, hoặc gõ /huy để hủy."
	msgDialogClosed = "Đã hủy thao tác đang làm."
	msgDialogLost   = "Thao tác đồng chí đang làm dở không còn tiếp tục được (phần mềm vừa được cập nhật). Đồng chí hãy bắt đầu lại bằng lệnh, hoặc gõ /menu."
)

// StepID names a step of the dialogs whose draft is D; it is what the
// dialogs table keeps as the step.
type StepID[D any] string

// Dialog is one multi-step conversation.
type Dialog[D any] struct {
	// Name is the dialog's callback prefix and its name in the dialogs table.
	Name string
	// Steps in the order they are asked: Next follows it (Needed), the edit
	// menu lists its buttons in it; Start names the step to open at.
	Steps []*Step[D]
	// Cancelled is shown when the user leaves with ✖ or /huy.
	Cancelled string
	// Stale is the toast for a button of this dialog that no longer acts
	// (default msgStaleButton).
	Stale string
	// Fresh opens the dialog in a new message even when it is started by a
	// button (the message the button was on stays as it was).
	Fresh bool
	// Title names what the dialog does ("báo cáo sinh hoạt chi bộ"), for
	// the message that says a half-done one expired.
	Title string
}

// Step is one window of a dialog.
type Step[D any] struct {
	ID StepID[D]
	// Needed, on a step that asks a field of the draft, says whether the
	// draft still needs it: Next goes to the first step, in the order of
	// Steps, that is needed or has no Needed.
	Needed func(D) bool
	// Edit labels the step's button in the dialog's edit menu (EditMenu),
	// the way back to a field from the summary; a step without one is not
	// offered there.
	Edit string
	// Editable, when set, says whether the edit menu offers the step for
	// this draft (a stored report keeps its organisation, say); a press of
	// a step it does not offer is refused.
	Editable func(ctx context.Context, c *Conv[D]) (bool, error)
	// Hint answers text typed at a step that takes none (default msgUseButtons).
	Hint string
	// View draws the step. One that shows what the database holds loads
	// it first and draws from what it loaded (Window), so that drawing
	// the step again (after a wrong answer, a page turned, a restart)
	// reads it afresh and needs no code of its own.
	View func(ctx context.Context, c *Conv[D]) (string, Keyboard, error)
	// Text takes a typed answer (or a file's caption). An expected error
	// (storage.Errorf) asks the step again with its message; nil Text means
	// the step takes buttons only.
	Text func(ctx context.Context, c *Conv[D], text string) error
	// Actions are the step's buttons by action name. A press of an action
	// the current step does not list (an older step's button) is refused.
	Actions map[string]func(ctx context.Context, c *Conv[D], a Args) error
}

// dialogState is what the dialogs table keeps for an engine dialog.
type dialogState struct {
	Intent  string         `json:"i"`
	Rev     int            `json:"r"`
	History []string       `json:"h,omitempty"`
	Pages   map[string]int `json:"p,omitempty"`
	// Widgets are the list widgets the last drawing showed: the only ones
	// whose pages a button may turn.
	Widgets []string        `json:"w,omitempty"`
	Draft   json.RawMessage `json:"d"`
}

func (d *Dialog[D]) find(id StepID[D]) *Step[D] {
	for _, s := range d.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Next is the step a draft goes to: the first step, in the order declared,
// whose Needed says the draft still needs it, or else the first that has
// no Needed (the summary).
func (d *Dialog[D]) Next(draft D) StepID[D] {
	for _, s := range d.Steps {
		if s.Needed == nil || s.Needed(draft) {
			return s.ID
		}
	}
	return ""
}

func (d *Dialog[D]) DialogName() string { return d.Name }

func newIntent() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// StartNew is Start drawing the step as a new message, leaving the
// message of a pressed button as it is (a notice the user still needs).
func (d *Dialog[D]) StartNew(ctx context.Context, r *Request, step StepID[D], draft D) error {
	if d.find(step) == nil {
		return fmt.Errorf("chat: dialog %s has no step %q", d.Name, step)
	}
	c := &Conv[D]{Request: r, Draft: draft, d: d, state: dialogState{Intent: newIntent()}, step: step}
	return c.finish(ctx, true)
}

// Start opens the dialog at a step with a draft, replacing any other open
// dialog of the user, and draws the step (in place of a pressed button's
// message, or as a new message).
func (d *Dialog[D]) Start(ctx context.Context, r *Request, step StepID[D], draft D) error {
	if d.find(step) == nil {
		return fmt.Errorf("chat: dialog %s has no step %q", d.Name, step)
	}
	c := &Conv[D]{Request: r, Draft: draft, d: d, state: dialogState{Intent: newIntent()}, step: step}
	return c.finish(ctx, d.Fresh)
}

// Close ends the user's open dialog if it is this one, without a word (an
// answer given elsewhere made its question moot), and says whether it was
// open. Another dialog the user has open is left alone.
func (d *Dialog[D]) Close(ctx context.Context, r *Request) (bool, error) {
	dl, err := r.Store.DialogForUpdate(ctx, r.UserID)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil || dl.Name != d.Name {
		return false, err
	}
	return r.Store.EndDialog(ctx, r.UserID)
}

// errDialogLost is an open dialog this version cannot read (written by an
// older version of sotay).
var errDialogLost = errors.New("chat: dialog state unreadable")

// load reads and locks the user's open dialog of this name.
func (d *Dialog[D]) load(ctx context.Context, r *Request) (*Conv[D], error) {
	dl, err := r.Store.DialogForUpdate(ctx, r.UserID)
	if err != nil {
		return nil, err
	}
	if dl.Name != d.Name {
		return nil, storage.ErrNotFound
	}
	r.Dialog = &dl
	c := &Conv[D]{Request: r, d: d, step: StepID[D](dl.Step)}
	if err := dl.Decode(&c.state); err != nil || c.state.Intent == "" || d.find(c.step) == nil {
		return nil, errDialogLost
	}
	if len(c.state.Draft) > 0 {
		if err := json.Unmarshal(c.state.Draft, &c.Draft); err != nil {
			return nil, storage.ErrNotFound
		}
	}
	return c, nil
}

// press takes a button of this dialog.
func (d *Dialog[D]) press(ctx context.Context, r *Request) error {
	version, action := r.CB.Arg(0), r.CB.Arg(1)
	intent, _, _ := strings.Cut(version, ".")
	args := Args{}
	if len(r.CB) > 2 {
		args = r.CB[2:]
	}
	c, err := d.load(ctx, r)
	stale := errors.Is(err, storage.ErrNotFound) || (err == nil && c.state.Intent != intent)
	if errors.Is(err, errDialogLost) {
		if _, err := r.Store.EndDialog(ctx, r.UserID); err != nil {
			return err
		}
		stale = true
	} else if err != nil && !stale {
		return err
	}
	if stale {
		r.Toast = d.Stale
		if r.Toast == "" {
			r.Toast = msgStaleButton
		}
		return nil
	}
	if version != c.version() {
		// This run, but a drawing it has moved on from.
		r.Toast = msgOldStep
		return nil
	}
	switch action {
	case ActCancel:
		return d.cancel(ctx, r, c)
	case ActBack:
		c.Back()
		return c.finish(ctx, false)
	case actPage:
		if !slices.Contains(c.state.Widgets, args.Arg(0)) {
			r.Toast = msgOldStep
			return nil
		}
		c.SetPage(args.Arg(0), args.Offset(1))
		return c.finish(ctx, false)
	}
	fn := d.find(c.step).Actions[action]
	if fn == nil {
		r.Toast = msgOldStep
		return nil
	}
	if err := fn(ctx, c, args); err != nil {
		if !errors.Is(err, ErrNotOffered) {
			return err
		}
		// An item the step's list does not hold (Chosen): answered like a
		// stale button, with the step drawn again as stored, its list as
		// it is now; nothing of the press is kept.
		if c, err = d.load(ctx, r); err != nil {
			return err
		}
		r.Toast = msgNotOffered
	}
	return c.finish(ctx, false)
}

// text takes what the user typed while the dialog is open.
func (d *Dialog[D]) text(ctx context.Context, r *Request) error {
	c, err := d.load(ctx, r)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if errors.Is(err, errDialogLost) {
		// Say so rather than swallow every message until it expires.
		if _, err := r.Store.EndDialog(ctx, r.UserID); err != nil {
			return err
		}
		r.Reply(msgDialogLost, nil)
		return nil
	}
	if err != nil {
		return err
	}
	st := d.find(c.step)
	if st.Text == nil {
		hint := st.Hint
		if hint == "" {
			hint = msgUseButtons
		}
		c.notice = hint
		return c.draw(ctx, true)
	}
	// The answer runs in a savepoint: a refused answer keeps nothing it wrote.
	err = r.Store.WithTx(ctx, func(s *storage.Storage) error {
		outer := c.Store
		c.Store = s
		defer func() { c.Store = outer }()
		return st.Text(ctx, c, r.Text)
	})
	if err != nil {
		if code := storage.ErrorCode(err); code != storage.CodeInvalid && code != storage.CodeConflict || storage.ErrorMessage(err) == "" {
			return err // not a wrong answer: the usual error reply
		}
		// A wrong answer: the same step again, as stored, with the error
		// above it; nothing of the answer is kept.
		notice := html.EscapeString(warning(err))
		if c, err = d.load(ctx, r); err != nil {
			return err
		}
		c.notice = notice
		return c.draw(ctx, true)
	}
	return c.finish(ctx, true)
}

// cancel leaves the dialog.
func (d *Dialog[D]) cancel(ctx context.Context, r *Request, c *Conv[D]) error {
	if _, err := r.Store.EndDialog(ctx, r.UserID); err != nil {
		return err
	}
	msg := d.Cancelled
	if msg == "" {
		msg = msgDialogClosed
	}
	if c != nil && r.Update.CallbackQuery != nil {
		r.Show(msg, nil)
	} else {
		r.Reply(msg, tgbotapi.NewRemoveKeyboard(false))
	}
	return nil
}

// dialogEntry is what the handler list and router need of any dialog.
type dialogEntry interface {
	DialogName() string
	press(ctx context.Context, r *Request) error
	text(ctx context.Context, r *Request) error
	cancelled() string
	title() string
	Check() error
	StepIDs() []string
	DraftType() string
}

func (d *Dialog[D]) title() string { return d.Title }

const msgDialogExpired = "⌛ Phần %s đồng chí làm dở đã quá 24 giờ nên đã hết hạn; những gì đã nhập chưa được lưu. Đồng chí gõ lại lệnh để làm lại từ đầu."

// expiredDialog is the answer to a message typed after the user's dialog
// expired (24 h without an answer): the engine treats the dialog as gone,
// but the user deserves to hear why their answer is not taken. The
// expired state is deleted, so it is said once.
func (h *Router) expiredDialog(ctx context.Context, r *Request) (*Handler, error) {
	d, err := r.Store.ExpiredDialog(ctx, r.UserID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	what := "thao tác"
	if hd := h.byDialog(d.Name); hd != nil && hd.Dialog.title() != "" {
		what = hd.Dialog.title()
	}
	return &Handler{Access: Member, Handle: func(ctx context.Context, r *Request) error {
		if _, err := r.Store.EndDialog(ctx, r.UserID); err != nil {
			return err
		}
		r.Reply(fmt.Sprintf(msgDialogExpired, html.EscapeString(what)), nil)
		return nil
	}}, nil
}

func (d *Dialog[D]) cancelled() string {
	if d.Cancelled == "" {
		return msgDialogClosed
	}
	return d.Cancelled
}
