// Package chat is what every feature of the bot is built on, and knows none
// of them: the Request (one update being handled, its replies, the asker's
// roles and scope), the callback codec (one grammar for button data, one
// builder that keeps it under Telegram's 64 bytes), the Router over the
// ordered handler list (one transaction an update, the one place that turns
// an error into a reply), and the dialog engine with its widgets (a dialog
// is declared as steps in the order they are asked; each step loads, then
// draws; the engine keeps the state, routes presses and typed answers, and
// refuses stale buttons). The features live in package handlers, which
// builds the list; nothing here imports it.
package chat

import (
	"context"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Sender is what handlers need from Telegram.
type Sender interface {
	// Send sends a message-producing request and returns the message.
	Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error)
	// Request sends a request whose result is true or ignored.
	Request(ctx context.Context, c tgbotapi.Chattable) error
}

// Access is who may use a handler.
type Access int

const (
	// Public handlers work before a Telegram account is linked.
	Public Access = iota
	// Member handlers need a linked, active member.
	Member
	// Secretary handlers need a secretary role (or officer or admin, who
	// oversee secretaries).
	Secretary
	// Officer handlers need an officer or admin role.
	Officer
	// Admin handlers need the admin role.
	Admin
)

// Handler is one entry of the ordered handler list. Exactly one of
// Command, Callback, Dialog or Match selects the updates it takes.
type Handler struct {
	// Command is a slash command without the slash ("menu"): typed, as a
	// file's caption, or pressed as the menu button "cmd:<Command>".
	Command string
	// Callback takes the buttons whose data starts with "<Callback>:".
	Callback Prefix
	// Dialog takes the dialog's buttons and what the user types (or sends)
	// while it is open.
	Dialog dialogEntry
	// Match takes any other message it returns true for (a shared contact).
	Match func(*Request) bool

	Access Access
	// Description is the Vietnamese line of the command menu and /trogiup;
	// commands without one are not listed.
	Description string
	// MenuLabel, when set, puts a button for Command in the /menu keyboard.
	MenuLabel string

	// Handle runs a Command, Callback or Match entry; a Dialog entry has
	// none (the engine runs the dialog's steps).
	Handle func(ctx context.Context, r *Request) error
}
