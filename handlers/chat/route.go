package chat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// Router takes updates to the handler list: it parses each, runs it in one
// transaction with the handler that takes it (a command, a button, a
// special message, the open dialog), and sends what the handler queued.
// What the features answer that no entry takes (an unknown command, a user
// not yet linked, the bot blocked or unblocked) are hooks they set.
type Router struct {
	Store    *storage.Storage
	Sender   Sender
	Log      *slog.Logger
	Now      func() time.Time
	Location *time.Location
	// List is the ordered handler list.
	List []Handler
	// Unknown answers a message or press no entry takes.
	Unknown func(ctx context.Context, r *Request) error
	// NotLinked answers an entry above Public from a user without an account.
	NotLinked func(ctx context.Context, r *Request) error
	// ChatMember takes a my_chat_member update (the bot blocked or unblocked).
	ChatMember func(ctx context.Context, r *Request) error
}

// Handle applies one update: in one transaction it records the update id
// (a redelivered update changes nothing), finds the handler and runs it;
// then it sends the queued replies. Expected errors become Vietnamese
// replies; an internal failure is answered with an apology, unless the
// caller tries again (a). The outcome says which happened.
//
// A panic in a handler rolls its transaction back and is recovered: the
// user gets the apology, the update is recorded (running it again would
// panic again) and the outcome is Panicked, with a *PanicError.
func (h *Router) Handle(ctx context.Context, u tgbotapi.Update, a Attempt) (o Outcome) {
	r := &Request{Update: u, router: h}
	defer func() {
		if v := recover(); v != nil {
			o = Outcome{Result: Panicked, Err: h.recovered(ctx, r, v, debug.Stack())}
		}
	}()
	if !r.parse() {
		// Not ours (a group, a channel, an edit): record it and move on.
		if err := h.markOnly(ctx, u); err != nil {
			return Outcome{Result: Retry, Err: err}
		}
		return Outcome{Result: Applied}
	}
	var handled bool
	err := h.Store.WithTx(ctx, func(s *storage.Storage) error {
		fresh, err := s.MarkUpdate(ctx, u.UpdateID)
		if err != nil || !fresh {
			return err
		}
		handled = true
		r.Store = s
		return h.route(ctx, r)
	})
	if !handled && err == nil {
		return Outcome{Result: Seen}
	}
	if err != nil {
		if ctx.Err() != nil {
			return Outcome{Result: Retry, Err: err}
		}
		r.replies = nil
		internal := storage.ErrorCode(err) == storage.CodeInternal
		if internal && a.Retrying && !a.Last {
			return Outcome{Result: Retry, Err: err} // the caller tries again: no apology yet
		}
		// An expected error is the answer: the update is done. An internal
		// one (a lost connection, a deadlock) is not recorded, so that a
		// redelivery tries again, unless this was the caller's last try.
		if !internal || a.Last {
			if merr := h.markOnly(ctx, u); merr != nil {
				h.Log.Error("mark failed update", "update_id", u.UpdateID, "err", merr)
			}
		}
		h.answerError(ctx, r, err)
		if internal {
			return Outcome{Result: Retry, Err: err}
		}
		return Outcome{Result: Applied}
	}
	h.flush(ctx, r)
	return Outcome{Result: Applied}
}

// HandleUpdate is Handle for a caller that needs only the error of a
// failure (tests, tools): the attempt is the one WithAttempt put in ctx,
// or none.
func (h *Router) HandleUpdate(ctx context.Context, u tgbotapi.Update) error {
	return h.Handle(ctx, u, AttemptOf(ctx)).Err
}

type attemptKey struct{}

// WithAttempt gives HandleUpdate the attempt of a caller that tries the
// update again after an internal failure, unless last (Attempt).
func WithAttempt(ctx context.Context, last bool) context.Context {
	return context.WithValue(ctx, attemptKey{}, Attempt{Retrying: true, Last: last})
}

// AttemptOf is the attempt WithAttempt put in ctx, or none.
func AttemptOf(ctx context.Context) Attempt {
	a, _ := ctx.Value(attemptKey{}).(Attempt)
	return a
}

// PanicError is a panic recovered while handling an update.
type PanicError struct {
	UpdateID int
	Value    any
	Stack    string
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic handling update %d: %v", e.UpdateID, e.Value)
}

// recovered deals with a panic: WithTx has rolled the update's effects
// back, so the update is recorded on its own and answered with the apology.
func (h *Router) recovered(ctx context.Context, r *Request, v any, stack []byte) error {
	pe := &PanicError{UpdateID: r.Update.UpdateID, Value: v, Stack: string(stack)}
	h.Log.Error("panic in handler", "update_id", pe.UpdateID, "user", r.UserID, "panic", fmt.Sprint(v), "stack", pe.Stack)
	if err := h.markOnly(ctx, r.Update); err != nil {
		h.Log.Error("mark panicked update", "update_id", pe.UpdateID, "err", err)
	}
	if r.ChatID == 0 {
		return pe // not a private chat we answer
	}
	defer func() {
		// The apology must not take the process down either.
		if v := recover(); v != nil {
			h.Log.Error("panic answering a panic", "update_id", pe.UpdateID, "panic", fmt.Sprint(v))
		}
	}()
	r.replies = nil
	h.answerError(ctx, r, pe)
	return pe
}

// markOnly records an update that has no effect of its own.
func (h *Router) markOnly(ctx context.Context, u tgbotapi.Update) error {
	_, err := h.Store.MarkUpdate(ctx, u.UpdateID)
	return err
}

// route finds the handler for a request and checks who may use it.
func (h *Router) route(ctx context.Context, r *Request) error {
	if err := h.loadMember(ctx, r); err != nil {
		return err
	}
	if r.Update.MyChatMember != nil {
		return h.ChatMember(ctx, r)
	}
	hd, err := h.find(ctx, r)
	if err != nil {
		return err
	}
	if hd == nil {
		return h.Unknown(ctx, r)
	}
	if hd.Access > Public && r.Member == nil {
		return h.NotLinked(ctx, r)
	}
	if !r.Has(hd.Access) {
		return storage.ErrForbidden
	}
	return hd.run(ctx, r)
}

// find picks the handler: a command, a button, a special message, or the
// open dialog.
func (h *Router) find(ctx context.Context, r *Request) (*Handler, error) {
	if cq := r.Update.CallbackQuery; cq != nil {
		// The data is the client's choice: an empty or unknown name must
		// match nothing, least of all a handler without a command or
		// prefix (those take messages only).
		prefix, args := SplitCallback(cq.Data)
		r.CB = args
		if prefix == cbCommand {
			r.Command = args.Arg(0)
			return h.byCommand(r.Command), nil
		}
		if prefix == "" {
			return nil, nil
		}
		for i := range h.List {
			hd := &h.List[i]
			if hd.Callback == prefix || (hd.Dialog != nil && Prefix(hd.Dialog.DialogName()) == prefix) {
				return hd, nil
			}
		}
		return nil, nil
	}
	if r.Update.Message == nil {
		return nil, nil
	}
	if r.Command != "" {
		return h.byCommand(r.Command), nil
	}
	// Match and dialog handlers read the message: only a message gets here.
	for i := range h.List {
		if h.List[i].Match != nil && h.List[i].Match(r) {
			return &h.List[i], nil
		}
	}
	if r.Member == nil {
		return nil, nil
	}
	d, err := r.Store.Dialog(ctx, r.UserID)
	if errors.Is(err, storage.ErrNotFound) {
		return h.expiredDialog(ctx, r)
	}
	if err != nil {
		return nil, err
	}
	r.Dialog = &d
	return h.byDialog(d.Name), nil
}

// byDialog is the entry of a dialog name, nil for an empty or unknown one.
func (h *Router) byDialog(name string) *Handler {
	for i := range h.List {
		if d := h.List[i].Dialog; d != nil && name != "" && d.DialogName() == name {
			return &h.List[i]
		}
	}
	return nil
}

// run hands the request to the entry: its Handle, or its dialog's engine.
func (hd *Handler) run(ctx context.Context, r *Request) error {
	if hd.Dialog == nil {
		return hd.Handle(ctx, r)
	}
	if r.Update.CallbackQuery != nil {
		return hd.Dialog.press(ctx, r)
	}
	return hd.Dialog.text(ctx, r)
}

// byCommand is the handler of a command name, nil for an empty or unknown one.
func (h *Router) byCommand(name string) *Handler {
	if name == "" {
		return nil
	}
	for i := range h.List {
		if h.List[i].Command == name {
			return &h.List[i]
		}
	}
	return nil
}

// loadMember finds the member the chat belongs to: the one linked to the
// Telegram user, or the one whose web chat it is (storage.MemberByChat).
func (h *Router) loadMember(ctx context.Context, r *Request) error {
	m, err := r.Store.MemberByChat(ctx, r.UserID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	r.Member = &m
	r.Roles, err = r.Store.RolesOf(ctx, m.ID)
	return err
}

// Cancelled is what the dialog named says when the user leaves it, "" for
// an unknown name.
func (h *Router) Cancelled(name string) string {
	if hd := h.byDialog(name); hd != nil {
		return hd.Dialog.cancelled()
	}
	return ""
}

// Check says what is wrong with the list: a dialog declared wrong
// (Dialog.Check), or two entries that would take the same updates — one
// command twice, or one button prefix twice, a dialog's name counting as
// its prefix (the first would silently take the other's buttons). So a
// list built wrong stops the program as it starts rather than a member
// half-way through a dialog.
func (h *Router) Check() error {
	commands := map[string]bool{}
	prefixes := map[Prefix]string{cbCommand: "the menu buttons"}
	claim := func(p Prefix, what string) error {
		if p == "" {
			return nil
		}
		if other, ok := prefixes[p]; ok {
			return fmt.Errorf("chat: button prefix %q is taken by both %s and %s", p, other, what)
		}
		prefixes[p] = what
		return nil
	}
	for _, hd := range h.List {
		if hd.Command != "" {
			if commands[hd.Command] {
				return fmt.Errorf("chat: command /%s is in the list twice", hd.Command)
			}
			commands[hd.Command] = true
		}
		if err := claim(hd.Callback, fmt.Sprintf("the entry of prefix %q", hd.Callback)); err != nil {
			return err
		}
		if hd.Dialog != nil {
			if err := hd.Dialog.Check(); err != nil {
				return err
			}
			if err := claim(Prefix(hd.Dialog.DialogName()), "dialog "+hd.Dialog.DialogName()); err != nil {
				return err
			}
		}
	}
	return nil
}
