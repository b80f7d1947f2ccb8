package handlers

import "sotay/handlers/chat"

// AddForTest puts hd in front of the handler list.
func AddForTest(h *Handlers, hd chat.Handler) {
	h.router.List = append([]chat.Handler{hd}, h.router.List...)
}

// Sanitize is sanitize, for tests.
var Sanitize = chat.Sanitize

// CallbackData is callbackData, for tests.
func CallbackData(p string, args ...any) string { return chat.CallbackData(chat.Prefix(p), args...) }
