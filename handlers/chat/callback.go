package chat

import (
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// Callback data has one grammar: "prefix:a:b…". The prefix names the
// handler-list entry that takes the press; the arguments name objects
// (ids, codes, page offsets) and nothing else, because a modified client
// can send any bytes: every handler re-checks who may touch what they name.
// Telegram refuses buttons whose data is over 64 bytes, so the one builder
// below refuses them first.

// Prefix is the first field of callback data.
type Prefix string

// cbCommand is the prefix of a menu button, which runs a command.
const cbCommand Prefix = "cmd" // a menu button: cmd:<command>

// MaxCallbackData is Telegram's limit on a button's callback data, in bytes.
const MaxCallbackData = 64

// CallbackData builds "prefix:a:b…". Data over 64 bytes, or an argument
// holding the separator, is a programming error: it panics (the dispatcher
// recovers it), and a test builds every keyboard to keep it from shipping.
func CallbackData(p Prefix, args ...any) string {
	var b strings.Builder
	b.WriteString(string(p))
	for _, a := range args {
		s := fmt.Sprint(a)
		if strings.ContainsRune(s, ':') {
			panic(fmt.Sprintf("chat: callback argument %q holds ':'", s))
		}
		b.WriteByte(':')
		b.WriteString(s)
	}
	if b.Len() > MaxCallbackData {
		panic(fmt.Sprintf("chat: callback data %q is %d bytes, over Telegram's %d", b.String(), b.Len(), MaxCallbackData))
	}
	return b.String()
}

// The inline keyboard, in the words the views use: a Button, a Row of them
// side by side, and the Keyboard (rows) a view shows under its text.
type (
	Button   = tgbotapi.InlineKeyboardButton
	Row      = []Button
	Keyboard = [][]Button
	Markup   = tgbotapi.InlineKeyboardMarkup
)

// NewRow puts buttons side by side.
func NewRow(b ...Button) Row { return b }

// NewMarkup is the reply markup of rows.
func NewMarkup(rows ...Row) Markup { return Markup{InlineKeyboard: append(Keyboard(nil), rows...)} }

// NewButton is an inline button whose data is built by CallbackData.
func NewButton(label string, p Prefix, args ...any) Button {
	return tgbotapi.NewInlineKeyboardButtonData(label, CallbackData(p, args...))
}

// CommandButton opens a command as if it was typed.
func CommandButton(label, command string) Button {
	return NewButton(label, cbCommand, command)
}

// Args are the fields of callback data after the prefix.
type Args []string

// SplitCallback reads callback data into its prefix and arguments.
func SplitCallback(data string) (Prefix, Args) {
	parts := strings.Split(data, ":")
	return Prefix(parts[0]), Args(parts[1:])
}

// Arg is argument i, or "" when there is none.
func (a Args) Arg(i int) string {
	if i < 0 || i >= len(a) {
		return ""
	}
	return a[i]
}

// ID is argument i as a positive id; malformed data is "not found", which
// is what a forged or truncated button deserves.
func (a Args) ID(i int) (int64, error) {
	n, err := strconv.ParseInt(a.Arg(i), 10, 64)
	if err != nil || n <= 0 {
		return 0, storage.ErrNotFound
	}
	return n, nil
}

// Int is argument i as a number in [lo, hi]; malformed or out of range is
// "not found".
func (a Args) Int(i, lo, hi int) (int, error) {
	n, err := strconv.Atoi(a.Arg(i))
	if err != nil || n < lo || n > hi {
		return 0, storage.ErrNotFound
	}
	return n, nil
}

// Number is argument i as any integer, for a value the step checks with
// its field's rule (as a typed value); malformed is "not found".
func (a Args) Number(i int) (int, error) {
	n, err := strconv.Atoi(a.Arg(i))
	if err != nil {
		return 0, storage.ErrNotFound
	}
	return n, nil
}

// Offset is argument i as a list offset; anything malformed is the first page.
func (a Args) Offset(i int) int {
	n, err := strconv.Atoi(a.Arg(i))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
