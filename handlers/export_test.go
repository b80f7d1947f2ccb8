package handlers

import (
	"context"

	"sotay/handlers/chat"
)

// AddForTest puts hd in front of the handler list.
func AddForTest(h *Handlers, hd chat.Handler) {
	h.router.List = append([]chat.Handler{hd}, h.router.List...)
}

// Sanitize is sanitize, for tests.
var Sanitize = chat.Sanitize

// CallbackData is callbackData, for tests.
func CallbackData(p string, args ...any) string { return chat.CallbackData(chat.Prefix(p), args...) }

// SendStored sends a stored file as what it was received as (queueSend
// with no kind), for tests.
func SendStored(ctx context.Context, h *Handlers, r *chat.Request, store int64) error {
	return h.queueSend(ctx, r, outFile{Store: store}, "")
}
